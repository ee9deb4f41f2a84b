/*
 * test_prune.c — pruning (docs/MATCHING.md, "Pruning"): on random Datasets
 * full of chance collisions, shared owners, persistent ids and pairs that
 * need two weak keys, a pruned match scores every pair an unpruned one
 * scores at or above the floor, with the same score, and keeps the same
 * pairs; a pair it leaves out scores below the floor.  With the margin 0
 * (floor = threshold) a bound that is too low loses a match: the test then
 * fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "prune.h"
#include "suites.h"
#include "testutil.h"

#define MAX_SCORED 200000

typedef struct Scored
{
	uint64_t	pair;
	double		score;
} Scored;

typedef struct ScoredList
{
	Scored	   *v;
	size_t		n;
} ScoredList;

static void
collect(void *arg, uint32_t a, uint32_t b, double score)
{
	ScoredList *l = arg;

	ck_assert_uint_lt(l->n, MAX_SCORED);
	l->v[l->n++] = (Scored) {(uint64_t) a << 32 | b, score};
}

static int
cmp_scored(const void *x, const void *y)
{
	uint64_t	a = ((const Scored *) x)->pair;
	uint64_t	b = ((const Scored *) y)->pair;

	return a < b ? -1 : a > b;
}

/* Every candidate of a run, sorted by pair. */
static void
run_collect(const Dataset *ds, MatchOptions o, MatchResult *m, ScoredList *l)
{
	char		err[256] = "";

	l->n = 0;
	ck_assert_msg(match_find_pairs_each(ds, &o, collect, l, m, err, sizeof(err)),
				  "match failed: %s", err);
	qsort(l->v, l->n, sizeof(Scored), cmp_scored);
}

static uint32_t
rnd(uint64_t *s, uint32_t n)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t) ((*s >> 33) % n);
}

/*
 * A random Dataset: n Items at 2 institutions, 1-4 accounts each (a few
 * wide ones of 24-31, most of their keys distinct) from 5 names and 12
 * masks (so keys are shared by chance, at every weight), an owner from a
 * small pool or none, sometimes a persistent id, and copies of earlier
 * Items (all or some of their accounts, often the same owner).
 */
static void
random_dataset(Dataset *ds, uint64_t seed, int n)
{
	static const char *const names[] = {"Checking", "Savings", "Credit Card", "Plaid IRA", "Money Market"};
	char		(*json)[4096] = calloc((size_t) n, 4096);
	char		(*owner)[16] = calloc((size_t) n, 16);
	uint64_t	s = seed;

	keys_dataset_init(ds, NULL);
	for (int i = 0; i < n; i++)
	{
		TuRow		r = {0};
		char		id[16];
		int			src = i > 0 && rnd(&s, 4) == 0 ? (int) rnd(&s, (uint32_t) i) : -1;

		snprintf(id, sizeof(id), "item-%04d", i);
		if (src >= 0 && rnd(&s, 2) == 0)
			memcpy(json[i], json[src], 4096);	/* a full copy */
		else
		{
			int			len = snprintf(json[i], 4096, "{\"accounts\":[");
			/* now and then a wide Item (more keys than PRUNE_WIDE) */
			int			accounts = rnd(&s, 25) == 0 ? PRUNE_WIDE + 8 + (int) rnd(&s, 8) : 1 + (int) rnd(&s, 4);

			for (int k = 0; k < accounts; k++)
			{
				char		pid[40] = "";

				if (rnd(&s, 8) == 0)
					snprintf(pid, sizeof(pid), ",\"persistent_account_id\":\"P%u\"", rnd(&s, 30));
				len += snprintf(json[i] + len, (size_t) (4096 - len),
								"%s{\"name\":\"%s\",\"mask\":\"%04u\"%s}", k ? "," : "",
								names[rnd(&s, 5)], 1000 + rnd(&s, 12), pid);
			}
			snprintf(json[i] + len, (size_t) (4096 - len), "]}");
		}
		if (src >= 0 && rnd(&s, 3) != 0)
			memcpy(owner[i], owner[src], 16);
		else if (rnd(&s, 3) != 0)
			snprintf(owner[i], 16, "u%u", rnd(&s, (uint32_t) n));
		r.item_id = id;
		r.institution_id = rnd(&s, 3) == 0 ? "ins_2" : "ins_1";
		r.owner_id = owner[i][0] ? owner[i] : NULL;
		tu_add(ds, &r, json[i], NULL);
	}
	free(json);
	free(owner);
}

/* Whether live Items a and b share an account key or a persistent id (no key is hot here). */
static bool
shares(const Dataset *ds, uint32_t a, uint32_t b)
{
	const Item *x = DS_ITEM(ds, a);
	const Item *y = DS_ITEM(ds, b);

	if (!keys_item_live(x) || !keys_item_live(y))
		return false;
	for (uint32_t i = 0; i < x->n_accounts; i++)
		for (uint32_t j = 0; j < y->n_accounts; j++)
		{
			const Account p = keys_account(ds, x->first_account + i);
			const Account q = keys_account(ds, y->first_account + j);

			if ((p.key != KEY_NONE && p.key == q.key) || (p.pkey != KEY_NONE && p.pkey == q.pkey))
				return true;
		}
	return false;
}

/* The unpruned run scores exactly the pairs sharing a key, found here by brute force. */
static void
check_all_candidates(const Dataset *ds, const ScoredList *all)
{
	size_t		k = 0;

	for (uint32_t a = 0; a < ds->items.len; a++)
		for (uint32_t b = a + 1; b < ds->items.len; b++)
			if (shares(ds, a, b))
			{
				ck_assert_uint_lt(k, all->n);
				ck_assert_uint_eq(all->v[k++].pair, (uint64_t) a << 32 | b);
			}
	ck_assert_uint_eq(k, all->n);
}

/*
 * The pruned run's candidates are a subset of the unpruned one's with the
 * same scores, and include every one at or above the floor; the accepted
 * pairs are the same.  Returns how many candidates pruning left unscored.
 */
static size_t
compare_runs(const Dataset *ds, double threshold, double margin, ScoredList *all, ScoredList *pr)
{
	MatchOptions off = {1000, 50000000, threshold, NULL, false, 0.0, NULL};
	MatchOptions on = {1000, 50000000, threshold, NULL, true, margin, NULL};
	MatchResult m0,
				m1;
	size_t		j = 0;

	run_collect(ds, off, &m0, all);
	if (margin == 0.0)
		check_all_candidates(ds, all);	/* once per threshold: the same list */
	run_collect(ds, on, &m1, pr);
	for (size_t i = 0; i < all->n; i++)
	{
		bool		found = j < pr->n && pr->v[j].pair == all->v[i].pair;

		if (found)
			ck_assert(pr->v[j++].score == all->v[i].score);
		else
			ck_assert_msg(all->v[i].score < threshold - margin,
						  "pair %llx scoring %.6f >= floor %.6f was pruned",
						  (unsigned long long) all->v[i].pair, all->v[i].score,
						  threshold - margin);
	}
	ck_assert_uint_eq(j, pr->n);	/* nothing scored that the full run did not */
	ck_assert_uint_eq(m1.candidate_pairs, pr->n);
	ck_assert_uint_eq(m0.pairs.len, m1.pairs.len);
	for (size_t i = 0; i < m0.pairs.len; i++)
	{
		const Pair *p = &VEC_AT(&m0.pairs, Pair, i);
		const Pair *q = &VEC_AT(&m1.pairs, Pair, i);

		ck_assert(p->a == q->a && p->b == q->b && p->score == q->score);
		ck_assert(p->n_shared == q->n_shared && p->n_shared_p == q->n_shared_p);
		ck_assert_int_eq(memcmp((const uint32_t *) m0.shared.data + p->first_shared,
								(const uint32_t *) m1.shared.data + q->first_shared,
								(p->n_shared + p->n_shared_p) * sizeof(uint32_t)), 0);
	}
	match_result_free(&m0);
	match_result_free(&m1);
	return all->n - pr->n;
}

/*
 * Whether some accepted pair reached the threshold only with two keys or
 * with its owner: its score without the owner term, or with only its
 * heaviest key, is below the threshold.  The random data must hold both,
 * or the test would not catch a bound that forgets them.
 */
static void
coverage(const Dataset *ds, double threshold, int *two_keys, int *owner)
{
	MatchOptions off = {1000, 50000000, threshold, NULL, false, 0.0, NULL};
	MatchResult m;
	char		err[256];

	ck_assert(match_find_pairs(ds, &off, &m, err, sizeof(err)));
	for (size_t i = 0; i < m.pairs.len; i++)
	{
		const Pair *p = &VEC_AT(&m.pairs, Pair, i);
		const uint32_t *sh = (const uint32_t *) m.shared.data + p->first_shared;
		ScoreDetail d;
		double		heaviest = -INFINITY;
		uint32_t	inst = DS_ITEM(ds, p->a)->institution;

		match_score_detail(ds, &m.stats, p->a, p->b, sh, p->n_shared, sh + p->n_shared,
						   p->n_shared_p, &d);
		for (uint32_t k = 0; k < p->n_shared; k++)
			heaviest = fmax(heaviest, match_key_weight(ds, &m.stats, sh[k],
													   m.stats.institution_items[inst], NULL));
		*two_keys += p->n_shared >= 2 && p->n_shared_p == 0 &&
			d.score - d.accounts + heaviest < threshold;
		*owner += p->n_shared_p == 0 && d.owner > 0 && d.score - d.owner < threshold;
	}
	match_result_free(&m);
}

START_TEST(test_prune_keeps_every_pair_above_the_floor)
{
	static const double thresholds[] = {-50.0, -25.0, -10.0, 0.0, 5.0, 12.0};
	static const double margins[] = {0.0, 3.0, 10.0};
	ScoredList	all = {calloc(MAX_SCORED, sizeof(Scored)), 0};
	ScoredList	pr = {calloc(MAX_SCORED, sizeof(Scored)), 0};
	size_t		pruned = 0;
	int			two_keys = 0,
				owner = 0;

	for (uint64_t seed = 1; seed <= 12; seed++)
	{
		Dataset		ds;

		random_dataset(&ds, seed, 150 + (int) seed * 40);
		coverage(&ds, 5.0, &two_keys, &owner);
		for (size_t t = 0; t < sizeof(thresholds) / sizeof(thresholds[0]); t++)
			for (size_t g = 0; g < sizeof(margins) / sizeof(margins[0]); g++)
				pruned += compare_runs(&ds, thresholds[t], margins[g], &all, &pr);
		keys_dataset_free(&ds);
	}
	ck_assert_msg(two_keys > 0 && owner > 0, "the data lacks pairs needing two keys (%d) "
				  "or their owner (%d)", two_keys, owner);
	ck_assert_msg(pruned > 0, "nothing was pruned: the test proves nothing");
	free(all.v);
	free(pr.v);
}
END_TEST

Suite *
prune_suite(void)
{
	Suite	   *s = suite_create("prune");
	TCase	   *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_prune_keeps_every_pair_above_the_floor);
	suite_add_tcase(s, tc);
	return s;
}
