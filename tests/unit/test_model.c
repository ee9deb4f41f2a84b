/*
 * test_model.c — the published model's arithmetic (src/model.c) gives the
 * run's score for every candidate pair, bit for bit, from the counts the
 * model stores; the index lists each key's Items once; hot keys are never
 * shared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "model.h"
#include "suites.h"
#include "testutil.h"

typedef struct Cand
{
	uint32_t	a,
				b;
	double		score;
} Cand;

static void
collect(void *arg, uint32_t a, uint32_t b, double score)
{
	Cand	   *c = vec_push(arg);

	c->a = a;
	c->b = b;
	c->score = score;
}

typedef struct Ctx
{
	const Dataset *ds;
	const KeyStats *st;
	const ModelIndex *ix;
	uint32_t	cap;
} Ctx;

static bool
usable(void *arg, int64_t ref, bool persistent)
{
	const Ctx  *c = arg;

	(void) persistent;
	return model_key_count(c->ix, (uint32_t) ref) <= c->cap;
}

static void
freq(void *arg, int64_t ref, ScoreKeyFreq *f, const char **name)
{
	const Ctx  *c = arg;

	match_key_freq(c->ds, c->st, (uint32_t) ref, f);
	*name = "";
}

/* An item as explain sees it in the model: key_no per account. */
static ModelSide
side_of(const Dataset *ds, const ModelIndex *ix, uint32_t item, int64_t *keys, int64_t *pkeys)
{
	const Item *it = DS_ITEM(ds, item);
	ModelSide	s = {it->item_id, it->owner_id, it->created_at, it->n_keyable, 0, keys, pkeys};

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		const Account *a = DS_ACCOUNT(ds, it->first_account + k);

		if (a->key == KEY_NONE && a->pkey == KEY_NONE)
			continue;
		keys[s.n_acc] = a->key == KEY_NONE ? MODEL_NONE : (int64_t) a->key;
		pkeys[s.n_acc++] = a->pkey == KEY_NONE ? MODEL_NONE : (int64_t) (ix->n_keys + a->pkey);
	}
	return s;
}

static void
add(Dataset *ds, const char *id, const char *owner, const char *json)
{
	TuRow		r = {.item_id = id, .owner_id = owner, .created_at = 1, .updated_at = 1};

	(void) tu_add(ds, &r, json, NULL);
}

START_TEST(model_scores_equal_run_scores)
{
	Dataset		ds;
	MatchOptions mo = {3, 1000000, 5.0, NULL, false, 0.0};
	MatchResult mr;
	ModelIndex	ix;
	Vec			cands;
	char		err[200];
	char		json[512];

	keys_dataset_init(&ds, NULL);
	/* a few re-links, joint holders, a hot key (5 Items > cap 3), unkeyable accounts */
	for (int i = 0; i < 12; i++)
	{
		snprintf(json, sizeof(json),
				 "{\"accounts\":[{\"name\":\"Total Checking\",\"mask\":\"%04d\"},"
				 "{\"name\":\"Savings\",\"mask\":\"%04d\",\"persistent_account_id\":\"p%d\"},"
				 "{\"name\":\"Hot\",\"mask\":\"0000\"},{\"name\":null,\"mask\":\"1\"}],"
				 "\"item\":{\"institution_id\":\"ins_%d\"}}", i % 4, i % 3, i % 5, i % 2);
		char		id[16];

		snprintf(id, sizeof(id), "it%02d", i);
		add(&ds, id, i % 3 ? "u1" : NULL, json);
	}
	vec_init(&cands, sizeof(Cand));
	ck_assert(match_find_pairs_each(&ds, &mo, collect, &cands, &mr, err, sizeof(err)));
	ck_assert_uint_gt(cands.len, 5);
	ck_assert_uint_gt(mr.hot_keys, 0);
	model_index_build(&ds, &ix);
	{
		Ctx			c = {&ds, &mr.stats, &ix, mo.hot_key_cap};

		for (size_t i = 0; i < cands.len; i++)
		{
			const Cand *cd = &VEC_AT(&cands, Cand, i);
			int64_t		k1[8],
						p1[8],
						k2[8],
						p2[8];
			ModelSide	a = side_of(&ds, &ix, cd->a, k1, p1);
			ModelSide	b = side_of(&ds, &ix, cd->b, k2, p2);
			ModelPair	mp;
			uint32_t	n = mr.stats.institution_items[DS_ITEM(&ds, cd->a)->institution];

			model_score_pair(&a, &b, n, usable, freq, &c, &mp);
			ck_assert_msg(mp.d.score == cd->score, "pair %u-%u: model %.17g run %.17g",
						  cd->a, cd->b, mp.d.score, cd->score);
			model_pair_free(&mp);
		}
	}
	/* the index: every key's Items once, ascending */
	for (uint32_t k = 0; k < ix.n_keys + ix.n_pkeys; k++)
		for (uint32_t j = ix.key_offsets[k] + 1; j < ix.key_offsets[k + 1]; j++)
			ck_assert_uint_lt(ix.key_item_nos[j - 1], ix.key_item_nos[j]);
	model_index_free(&ix);
	match_result_free(&mr);
	vec_free(&cands);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(model_hashes_are_stable_and_distinct)
{
	int64_t		h = model_hash_account(ENV_PRODUCTION, "ins_1", "total checking", "1111");

	ck_assert(h == model_hash_account(ENV_PRODUCTION, "ins_1", "total checking", "1111"));
	ck_assert(h != model_hash_account(ENV_SANDBOX, "ins_1", "total checking", "1111"));
	ck_assert(h != model_hash_account(ENV_PRODUCTION, "ins_1", "total checkin", "g1111"));
	ck_assert(h != model_hash_persistent(ENV_PRODUCTION, "ins_1", "total checking"));
	ck_assert(model_hash_name(ENV_PRODUCTION, "ins_1", "a") !=
			  model_hash_name(ENV_PRODUCTION, "ins_1", "b"));
}
END_TEST

Suite *
model_suite(void)
{
	Suite	   *s = suite_create("model");
	TCase	   *tc = tcase_create("model");

	tcase_add_test(tc, model_scores_equal_run_scores);
	tcase_add_test(tc, model_hashes_are_stable_and_distinct);
	suite_add_tcase(s, tc);
	return s;
}
