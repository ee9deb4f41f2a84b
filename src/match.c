/*
 * match.c — candidates from shared keys, scored one pair at a time.
 *
 * Postings (key, item) are sorted by key; each key's run of items expands to
 * its pairs unless the run is longer than the hot-key cap.  The (pair, key)
 * triples are then sorted by pair so each pair is scored once with all the
 * keys it shares.
 */
#include "match.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
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

static int
cmp_posting(const void *x, const void *y)
{
	const Posting *p = x;
	const Posting *q = y;

	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	return (p->item > q->item) - (p->item < q->item);
}

static int
cmp_triple(const void *x, const void *y)
{
	const Triple *p = x;
	const Triple *q = y;

	if (p->pair != q->pair)
		return p->pair < q->pair ? -1 : 1;
	return (p->key > q->key) - (p->key < q->key);
}

MatchScore
match_score_pair(const Dataset *ds, const KeyStats *st, const MatchOptions *opt,
				 uint32_t a, uint32_t b,
				 const uint32_t *shared, uint32_t n_shared,
				 const uint32_t *shared_p, uint32_t n_shared_p)
{
	MatchScore	s;

	(void) ds;
	(void) st;
	(void) a;
	(void) b;
	(void) shared;
	(void) shared_p;
	s.score = (double) n_shared + (double) n_shared_p;
	s.accept = s.score >= opt->threshold;
	return s;
}

/* Postings of live items, one per (key, item), sorted by key. */
static void
collect_postings(const Dataset *ds, bool persistent, Vec *out)
{
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
		}
	}
	vec_sort(out, cmp_posting);
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
	vec_sort(&triples, cmp_triple);

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
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *keys = cJSON_AddArrayToObject(root, "shared_keys");
	const uint32_t *shared = (const uint32_t *) m->shared.data + p->first_shared;
	char	   *text;

	cJSON_AddStringToObject(root, "rule", "shared_key");
	for (uint32_t k = 0; k < p->n_shared; k++)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, shared[k]);
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);
		cJSON	   *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", ni->name);
		cJSON_AddStringToObject(o, "mask", ki->mask);
		cJSON_AddNumberToObject(o, "items_with_key", m->stats.key_items[shared[k]]);
		cJSON_AddNumberToObject(o, "items_with_name", m->stats.name_items[ki->name]);
		cJSON_AddItemToArray(keys, o);
	}
	cJSON_AddNumberToObject(root, "shared_persistent_ids", p->n_shared_p);
	cJSON_AddNumberToObject(root, "accounts_a", DS_ITEM(ds, p->a)->n_accounts);
	cJSON_AddNumberToObject(root, "accounts_b", DS_ITEM(ds, p->b)->n_accounts);
	cJSON_AddNumberToObject(root, "score", p->score);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL)
		text = xstrdup("{}");
	return text;
}
