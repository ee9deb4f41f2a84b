/*
 * match.c — candidates from shared keys, scored one pair at a time.
 *
 * Postings (key, item) are sorted by key; each key's run of items expands to
 * its pairs unless the run is longer than the hot-key cap.  The (pair, key)
 * triples are then sorted by pair so each pair is scored once with all the
 * keys it shares.
 */
#include "match.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKEY_TAG 0x80000000u	/* marks a persistent-id key in a Triple */
typedef struct Posting
{
	uint32_t	key;
	uint32_t	item;
} Posting;

typedef struct Triple
{
	uint64_t	pair;			/* a << 32 | b */
	uint32_t	key;			/* keys id, or pkeys id | PKEY_TAG */
} Triple;

void
match_key_freq(const Dataset *ds, const KeyStats *st, uint32_t key, ScoreKeyFreq *f)
{
	const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, key);
	const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);

	f->name_items = st->name_items[ki->name];
	f->key_items = st->key_items[key];
	f->gname_items = st->gname_items[ni->gname];
	f->gkey_items = st->gkey_items[ki->gkey];
	memcpy(f->mask, ki->mask, sizeof(f->mask));
}

double
match_key_weight(const Dataset *ds, const KeyStats *st, uint32_t key,
				 uint32_t institution_items, double *u_out)
{
	ScoreKeyFreq f;

	match_key_freq(ds, st, key, &f);
	return score_key_weight(&f, institution_items, u_out);
}

/* How many of an item's keyable accounts carry one of the shared keys. */
static uint32_t
matched_accounts(const Dataset *ds, uint32_t item, const uint32_t *shared, uint32_t n_shared,
				 const uint32_t *shared_p, uint32_t n_shared_p)
{
	const Item *it = DS_ITEM(ds, item);
	uint32_t	matched = 0;

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		const Account *acc = DS_ACCOUNT(ds, it->first_account + k);
		bool		hit = false;

		if (acc->key == KEY_NONE && acc->pkey == KEY_NONE)
			continue;
		for (uint32_t j = 0; j < n_shared && !hit; j++)
			hit = acc->key == shared[j];
		for (uint32_t j = 0; j < n_shared_p && !hit; j++)
			hit = acc->pkey == shared_p[j];
		matched += hit;
	}
	return matched;
}

/* The scorer's input for one candidate; keys points into keybuf (n_shared long). */
static void
fill_input(const Dataset *ds, const KeyStats *st, uint32_t a, uint32_t b,
		   const uint32_t *shared, uint32_t n_shared,
		   const uint32_t *shared_p, uint32_t n_shared_p, ScoreKeyFreq *keybuf, ScoreInput *in)
{
	const Item *ia = DS_ITEM(ds, a);
	const Item *ib = DS_ITEM(ds, b);

	for (uint32_t k = 0; k < n_shared; k++)
		match_key_freq(ds, st, shared[k], &keybuf[k]);
	in->institution_items = st->institution_items[ia->institution];
	in->keys = keybuf;
	in->n_keys = n_shared;
	in->n_shared_p = n_shared_p;
	in->owner_relation = score_owner_relation(ia->owner_id, ib->owner_id);
	in->keyable_a = ia->n_keyable;
	in->matched_a = matched_accounts(ds, a, shared, n_shared, shared_p, n_shared_p);
	in->keyable_b = ib->n_keyable;
	in->matched_b = matched_accounts(ds, b, shared, n_shared, shared_p, n_shared_p);
}

void
match_score_detail(const Dataset *ds, const KeyStats *st, uint32_t a, uint32_t b,
				   const uint32_t *shared, uint32_t n_shared,
				   const uint32_t *shared_p, uint32_t n_shared_p, ScoreDetail *d)
{
	ScoreKeyFreq small[8];
	ScoreKeyFreq *keybuf = n_shared <= 8 ? small : xmalloc(n_shared * sizeof(ScoreKeyFreq));
	ScoreInput	in;

	fill_input(ds, st, a, b, shared, n_shared, shared_p, n_shared_p, keybuf, &in);
	score_pair(&in, d);
	if (keybuf != small)
		free(keybuf);
}

MatchScore
match_score_pair(const Dataset *ds, const KeyStats *st, const MatchOptions *opt,
				 uint32_t a, uint32_t b,
				 const uint32_t *shared, uint32_t n_shared,
				 const uint32_t *shared_p, uint32_t n_shared_p)
{
	ScoreDetail d;
	MatchScore	s;

	match_score_detail(ds, st, a, b, shared, n_shared, shared_p, n_shared_p, &d);
	s.score = d.score;
	s.accept = d.score >= opt->threshold;
	return s;
}

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

/* Significant bits of v (0 for 0). */
static int
bit_width(uint64_t v)
{
	int			n = 0;

	while (v)
	{
		n++;
		v >>= 1;
	}
	return n;
}

/* The sort key of an element: a uint32_t or uint64_t at key_offset. */
static inline uint64_t
radix_key(const char *elem, size_t key_offset, size_t key_size)
{
	if (key_size == sizeof(uint32_t))
	{
		uint32_t	k;

		memcpy(&k, elem + key_offset, sizeof(k));
		return k;
	}
	uint64_t	k;

	memcpy(&k, elem + key_offset, sizeof(k));
	return k;
}

/*
 * radix_sort_by — stable LSD radix sort of v's elements by the unsigned key
 * at key_offset (key_size 4 or 8 bytes), whose values are at most max_key.
 * Postings arrive in item order and triples in key order, so sorting
 * postings by key alone and triples by pair alone gives (key, item) and
 * (pair, key) order: what qsort with the full comparison gave, in linear
 * time (candidates can number tens of millions).
 */
static void
radix_sort_by(Vec *v, size_t key_offset, size_t key_size, uint64_t max_key)
{
	char	   *a = v->data;
	char	   *tmp;
	size_t		n = v->len;
	size_t		elem = v->elem;
	int			bits = bit_width(max_key);

	if (n < 2)
		return;
	tmp = xmalloc(n * elem);
	for (int shift = 0; shift < bits; shift += RADIX_BITS)
	{
		size_t		count[RADIX_SIZE + 1] = {0};

		for (size_t i = 0; i < n; i++)
			count[((radix_key(a + i * elem, key_offset, key_size) >> shift) & (RADIX_SIZE - 1)) + 1]++;
		for (size_t d = 0; d < RADIX_SIZE; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
		{
			size_t		d = (radix_key(a + i * elem, key_offset, key_size) >> shift) & (RADIX_SIZE - 1);

			memcpy(tmp + count[d]++ * elem, a + i * elem, elem);
		}
		char	   *swap = a;

		a = tmp;
		tmp = swap;
	}
	v->data = a;
	free(tmp);
}

/* Postings of live items, one per (key, item), sorted by key. */
static void
collect_postings(const Dataset *ds, bool persistent, Vec *out)
{
	uint32_t	max_key = 0;

	vec_init(out, sizeof(Posting));
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (!keys_item_live(it))
			continue;
		for (uint32_t k = 0; k < it->n_accounts; k++)
		{
			const Account *acc = DS_ACCOUNT(ds, it->first_account + k);
			uint32_t	key = persistent ? acc->pkey : acc->key;

			if (key == KEY_NONE)
				continue;
			Posting    *p = vec_push(out);

			p->key = key;
			p->item = (uint32_t) i;
			if (key > max_key)
				max_key = key;
		}
	}
	radix_sort_by(out, offsetof(Posting, key), sizeof(uint32_t), max_key);
}

/*
 * Expand postings into triples.  First pass counts (and checks the budget),
 * second pass emits, so a guard trip allocates nothing big.
 */
static bool
expand_postings(const Vec *postings, uint32_t tag, const MatchOptions *opt,
				Vec *triples, uint64_t *budget_used, uint64_t *hot_keys,
				char *err, size_t errlen)
{
	const Posting *p = postings->data;
	size_t		n = postings->len;

	for (int pass = 0; pass < 2; pass++)
	{
		for (size_t i = 0; i < n;)
		{
			size_t		j = i;
			size_t		distinct = 0;

			while (j < n && p[j].key == p[i].key)
			{
				if (j == i || p[j].item != p[j - 1].item)
					distinct++;
				j++;
			}
			if (distinct > opt->hot_key_cap)
			{
				if (pass == 0)
					(*hot_keys)++;
			}
			else if (pass == 0)
			{
				*budget_used += (uint64_t) distinct * (distinct - 1) / 2;
				if (*budget_used > opt->max_pairs)
				{
					snprintf(err, errlen,
							 "more than --max-pairs %" PRIu64 " candidate pairs "
							 "(raise --max-pairs or lower --hot-key-cap)", opt->max_pairs);
					return false;
				}
			}
			else
			{
				for (size_t x = i; x < j; x++)
				{
					if (x > i && p[x].item == p[x - 1].item)
						continue;
					for (size_t y = x + 1; y < j; y++)
					{
						if (p[y].item == p[y - 1].item)
							continue;
						Triple	   *t = vec_push(triples);

						t->pair = (uint64_t) p[x].item << 32 | p[y].item;
						t->key = p[i].key | tag;
					}
				}
			}
			i = j;
		}
	}
	return true;
}

bool
match_find_pairs(const Dataset *ds, const MatchOptions *opt, MatchResult *out,
				 char *err, size_t errlen)
{
	return match_find_pairs_each(ds, opt, NULL, NULL, out, err, errlen);
}

bool
match_find_pairs_each(const Dataset *ds, const MatchOptions *opt,
					  MatchCandidateFn on_candidate, void *arg,
					  MatchResult *out, char *err, size_t errlen)
{
	Vec			postings;
	Vec			triples;
	uint64_t	budget = 0;
	bool		ok = false;
	uint32_t   *keybuf = NULL;
	size_t		keybuf_cap = 0;

	memset(out, 0, sizeof(*out));
	vec_init(&out->pairs, sizeof(Pair));
	vec_init(&out->shared, sizeof(uint32_t));
	vec_init(&triples, sizeof(Triple));
	keys_stats_compute(ds, &out->stats);

	for (int persistent = 0; persistent < 2; persistent++)
	{
		bool		fine;

		collect_postings(ds, persistent, &postings);
		fine = expand_postings(&postings, persistent ? PKEY_TAG : 0, opt, &triples,
							   &budget, &out->hot_keys, err, errlen);
		vec_free(&postings);
		if (!fine)
			goto cleanup;
	}
	radix_sort_by(&triples, offsetof(Triple, pair), sizeof(uint64_t),
				  (uint64_t) ds->items.len << 32);

	const Triple *t = triples.data;

	for (size_t i = 0; i < triples.len;)
	{
		size_t		j = i;
		uint32_t	n_acc = 0;
		uint32_t	n_p = 0;

		while (j < triples.len && t[j].pair == t[i].pair)
			j++;
		if (j - i > keybuf_cap)
		{
			keybuf_cap = (j - i) * 2;
			keybuf = xrealloc(keybuf, keybuf_cap * sizeof(uint32_t));
		}
		/* account keys sort before tagged persistent keys */
		for (size_t k = i; k < j; k++)
		{
			if (t[k].key & PKEY_TAG)
				keybuf[n_acc + n_p++] = t[k].key & ~PKEY_TAG;
			else
				keybuf[n_acc++] = t[k].key;
		}

		uint32_t	a = (uint32_t) (t[i].pair >> 32);
		uint32_t	b = (uint32_t) t[i].pair;
		MatchScore	s = match_score_pair(ds, &out->stats, opt, a, b,
										 keybuf, n_acc, keybuf + n_acc, n_p);

		out->candidate_pairs++;
		if (on_candidate)
			on_candidate(arg, a, b, s.score);
		if (s.accept)
		{
			Pair	   *pr = vec_push(&out->pairs);

			pr->a = a;
			pr->b = b;
			pr->score = s.score;
			pr->first_shared = (uint32_t) out->shared.len;
			pr->n_shared = (uint16_t) (n_acc > UINT16_MAX ? UINT16_MAX : n_acc);
			pr->n_shared_p = (uint16_t) (n_p > UINT16_MAX ? UINT16_MAX : n_p);
			for (uint32_t k = 0; k < (uint32_t) pr->n_shared + pr->n_shared_p; k++)
			{
				uint32_t	key = k < pr->n_shared ? keybuf[k] : keybuf[n_acc + k - pr->n_shared];

				*(uint32_t *) vec_push(&out->shared) = key;
			}
		}
		i = j;
	}
	ok = true;

cleanup:
	vec_free(&triples);
	free(keybuf);
	return ok;
}

void
match_result_free(MatchResult *r)
{
	vec_free(&r->pairs);
	vec_free(&r->shared);
	keys_stats_free(&r->stats);
}

char *
match_pair_evidence(const Dataset *ds, const MatchResult *m, const Pair *p)
{
	const uint32_t *shared = (const uint32_t *) m->shared.data + p->first_shared;
	ScoreKeyFreq *keybuf = xmalloc((p->n_shared + 1) * sizeof(ScoreKeyFreq));
	const char **names = xmalloc((p->n_shared + 1) * sizeof(char *));
	ScoreInput	in;
	ScoreDetail d;
	char	   *text;

	fill_input(ds, &m->stats, p->a, p->b, shared, p->n_shared, shared + p->n_shared,
			   p->n_shared_p, keybuf, &in);
	score_pair(&in, &d);
	for (uint32_t k = 0; k < p->n_shared; k++)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, shared[k]);

		names[k] = VEC_AT(&ds->name_info, NameInfo, ki->name).name;
	}
	text = score_evidence_json(&in, names, &d);
	free(keybuf);
	free(names);
	return text;
}
