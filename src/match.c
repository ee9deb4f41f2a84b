/*
 * match.c — candidates from shared keys, scored one pair at a time.
 *
 * Account keys are indexed by prune.c (without the pairs that cannot reach
 * the floor, docs/MATCHING.md "Pruning"), persistent ids here: postings
 * (key, item) sorted by key; a key carried by more items than the hot-key
 * cap is never expanded.  Item by item, the other items found are gathered,
 * so each distinct pair is scored once with all the keys it shares (the
 * intersection of the two items' keys).
 */
#include "match.h"

#include "log.h"				/* log_now only: the core logs nothing */
#include "prune.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKEY_TAG 0x80000000u	/* marks a persistent-id key in a Cand */

void
match_key_freq(const Dataset *ds, const KeyStats *st, uint32_t key, ScoreKeyFreq *f)
{
	const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, key);
	const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);

	f->name_items = st->name_items[ki->name];
	f->key_items = st->key_items[key];
	f->gname_items = st->gname_items[ni->gname];
	f->gkey_items = st->gkey_items[keys_key_gkey(ds, key)];
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

/* Whether v[0..n) is in ascending order. */
static bool
ascending(const uint32_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return false;
	return true;
}

/* Whether key is in v[0..n): a binary search when v is sorted and long. */
static bool
key_in(const uint32_t *v, uint32_t n, bool sorted, uint32_t key)
{
	if (key == KEY_NONE)
		return false;
	if (!sorted || n <= 8)
	{
		for (uint32_t j = 0; j < n; j++)
			if (v[j] == key)
				return true;
		return false;
	}
	uint32_t	lo = 0,
				hi = n;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == key;
}

bool
match_pair_shares_account(const MatchResult *m, const Pair *p, const Dataset *ds, size_t acc)
{
	const uint32_t *shared = (const uint32_t *) m->shared.data + p->first_shared;

	return key_in(shared, p->n_shared, true, keys_account_key(ds, acc)) ||
		key_in(shared + p->n_shared, p->n_shared_p, true, keys_account_pkey(ds, acc));
}

/*
 * How many of an item's keyable accounts carry one of the shared keys.
 * Shared lists from match_find_pairs are ascending, so this costs
 * O(accounts x log shared), not accounts x shared: two Items of 1,000
 * identical accounts no longer cost a million compares per pair.
 */
static uint32_t
matched_accounts(const Dataset *ds, uint32_t item, const uint32_t *shared, uint32_t n_shared,
				 const uint32_t *shared_p, uint32_t n_shared_p)
{
	const Item *it = DS_ITEM(ds, item);
	uint32_t	matched = 0;
	bool		sorted = ascending(shared, n_shared);
	bool		sorted_p = ascending(shared_p, n_shared_p);

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		size_t		acc = it->first_account + k;

		matched += key_in(shared, n_shared, sorted, keys_account_key(ds, acc)) ||
			key_in(shared_p, n_shared_p, sorted_p, keys_account_pkey(ds, acc));
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
	in->owner_relation = score_owner_relation(keys_item_owner(ia), keys_item_owner(ib));
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
 * match_radix_sort_by — stable LSD radix sort of v's elements by the unsigned key
 * at key_offset (key_size 4 or 8 bytes), whose values are at most max_key.
 * Postings arrive in item order and an item's candidates in key order, so
 * sorting postings by key alone and candidates by item alone gives (key,
 * item) and (item, key) order, in linear time.
 */
void
match_radix_sort_by(Vec *v, size_t key_offset, size_t key_size, uint64_t max_key)
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
	v->cap = n;					/* a may be tmp, allocated for n elements */
	free(tmp);
}

/* True (with err written) when the job was asked to stop; polled every CANCEL_EVERY steps. */
static bool
match_cancelled(const MatchOptions *opt, uint64_t *steps, char *err, size_t errlen)
{
	if (!cancel_poll(opt->cancelled, steps))
		return false;
	snprintf(err, errlen, "interrupted by a signal while matching");
	return true;
}

/*
 * Postings of live items, one per (key, item), sorted by key: of the keys
 * live accounts carry twice or more (a key of one account brings no
 * candidate; most persistent ids are one account's).  n_keys: the key space.
 */
static void
collect_postings(const Dataset *ds, bool persistent, size_t n_keys, Vec *out)
{
	uint32_t	max_key = 0;
	uint32_t   *count = xcalloc(n_keys + 1, sizeof(uint32_t));

	vec_init(out, sizeof(Posting));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ds->items.len; i++)
		{
			const Item *it = DS_ITEM(ds, i);

			if (!keys_item_live(it))
				continue;
			for (uint32_t k = 0; k < it->n_accounts; k++)
			{
				uint32_t	key = keys_account_id(ds, it->first_account + k, persistent);

				if (key == KEY_NONE)
					continue;
				if (pass == 0)
				{
					assert(key < n_keys);	/* ids the Dataset handed out */
					count[key]++;
					continue;
				}
				if (count[key] < 2)
					continue;
				Posting    *p = vec_push(out);

				p->key = key;
				p->item = (uint32_t) i;
				if (key > max_key)
					max_key = key;
			}
		}
	free(count);
	match_radix_sort_by(out, offsetof(Posting, key), sizeof(uint32_t), max_key);
}

/*
 * One kind of key (account keys, or persistent ids tagged PKEY_TAG): its
 * postings sorted by (key, item), each key's range of them, and whether the
 * key is hot (carried by more than the cap's items: never expanded).
 */
typedef struct KeyPostings
{
	Vec			postings;		/* Posting */
	uint32_t   *start;			/* key -> its first posting; start[n_keys] = len */
	uint8_t    *hot;			/* key -> 1 when hot */
	uint32_t	n_keys;
	uint32_t	tag;
} KeyPostings;


/* Index one kind of key; counts its hot keys into *hot_keys.  Free with index_free. */
static void
index_postings(const Dataset *ds, bool persistent, const MatchOptions *opt,
			   KeyPostings *kp, uint64_t *hot_keys)
{
	const Posting *p;
	size_t		n;

	kp->n_keys = (uint32_t) (persistent ? ds->pkeys.n : ds->keys.n);
	collect_postings(ds, persistent, kp->n_keys, &kp->postings);
	p = kp->postings.data;
	n = kp->postings.len;
	kp->tag = persistent ? PKEY_TAG : 0;
	kp->start = xcalloc((size_t) kp->n_keys + 1, sizeof(uint32_t));
	kp->hot = xcalloc((size_t) kp->n_keys + 1, 1);
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
			kp->hot[p[i].key] = 1;
			(*hot_keys)++;
		}
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		kp->start[p[i].key + 1]++;
	for (uint32_t k = 0; k < kp->n_keys; k++)
		kp->start[k + 1] += kp->start[k];
}

static void
index_free(KeyPostings *kp)
{
	vec_free(&kp->postings);
	free(kp->start);
	free(kp->hot);
}

/* Ascending, without duplicates: an item has few keys (<= 1000). */
static uint32_t
sort_unique(uint32_t *v, uint32_t n)
{
	uint32_t	out = 0;

	u32_sort_small(v, n);
	for (uint32_t i = 0; i < n; i++)
		if (out == 0 || v[i] != v[out - 1])
			v[out++] = v[i];
	return out;
}

/*
 * Append the candidates of item a from one kind of key: for each of a's
 * keys in ascending order that is not hot, every other item b > a carrying
 * it, once per (b, key).  keys is scratch of at least a's account count.
 */
static void
item_candidates(const Dataset *ds, const KeyPostings *kp, uint32_t a, uint32_t *keys, Vec *cands)
{
	const Item *it = DS_ITEM(ds, a);
	const Posting *p = kp->postings.data;
	uint32_t	n = 0;

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		uint32_t	key = keys_account_id(ds, it->first_account + k, kp->tag != 0);

		if (key != KEY_NONE)
			keys[n++] = key;
	}
	n = sort_unique(keys, n);
	for (uint32_t k = 0; k < n; k++)
	{
		size_t		end = kp->start[keys[k] + 1];
		size_t		lo;

		if (kp->hot[keys[k]])
			continue;
		lo = posting_first_after(p, kp->start[keys[k]], end, a);
		for (size_t x = lo; x < end; x++)
		{
			if (x > lo && p[x].item == p[x - 1].item)
				continue;
			Cand	   *c = vec_push(cands);

			c->b = p[x].item;
			c->key = keys[k] | kp->tag;
		}
	}
}

/* Stable sort of candidates by b: keys stay in the order they came. */
static void
sort_candidates(Vec *cands, uint32_t max_item)
{
	Cand	   *c = cands->data;

	if (cands->len > 32)
	{
		match_radix_sort_by(cands, offsetof(Cand, b), sizeof(uint32_t), max_item);
		return;
	}
	for (size_t i = 1; i < cands->len; i++)
	{
		Cand		x = c[i];
		size_t		j = i;

		while (j > 0 && c[j - 1].b > x.b)
		{
			c[j] = c[j - 1];
			j--;
		}
		c[j] = x;
	}
}

/*
 * Append an accepted pair and its shared keys (account keys kb[0..n_acc),
 * then persistent ids).  When they are the previous pair's keys, as for
 * every pair of Items sharing the same many accounts, the pair points at
 * that copy: memory stays one list per distinct set, not one per pair.
 */
static void
keep_pair(MatchResult *out, Vec *dest, uint32_t a, uint32_t b, double score,
		  const uint32_t *kb, uint32_t n_acc, uint32_t n_p)
{
	Pair	   *pr = vec_push(dest);
	const Pair *prev = dest->len > 1 ? pr - 1 : NULL;

	pr->a = a;
	pr->b = b;
	pr->score = score;
	pr->first_shared = (uint32_t) out->shared.len;
	pr->n_shared = (uint16_t) (n_acc > UINT16_MAX ? UINT16_MAX : n_acc);
	pr->n_shared_p = (uint16_t) (n_p > UINT16_MAX ? UINT16_MAX : n_p);
	if (prev && prev->n_shared == pr->n_shared && prev->n_shared_p == pr->n_shared_p &&
		pr->n_shared == n_acc && pr->n_shared_p == n_p &&
		memcmp((const uint32_t *) out->shared.data + prev->first_shared, kb,
			   (size_t) (n_acc + n_p) * sizeof(uint32_t)) == 0)
	{
		pr->first_shared = prev->first_shared;
		return;
	}
	for (uint32_t k = 0; k < (uint32_t) pr->n_shared + pr->n_shared_p; k++)
	{
		uint32_t	key = k < pr->n_shared ? kb[k] : kb[n_acc + k - pr->n_shared];

		*(uint32_t *) vec_push(&out->shared) = key;
	}
}

/* The near-miss sample into out->near (best first, top entries first) with its keys. */
static void
keep_near_misses(MatchResult *out, NearSampler *near)
{
	const NearCand *all;
	int			n = near_sampler_take(near, &all);

	for (int k = 0; k < n; k++)
	{
		keep_pair(out, &out->near, (uint32_t) (all[k].pair >> 32), (uint32_t) all[k].pair,
				  all[k].score, all[k].keys, all[k].n_acc, all[k].n_p);
		*(uint8_t *) vec_push(&out->near_how) = all[k].how;
	}
}

/* The score below which pairs may go unscored (prune.h); -INFINITY: none. */
static double
prune_floor(const MatchOptions *opt)
{
	return opt->prune ? opt->threshold - opt->prune_margin : -INFINITY;
}

/*
 * What scoring candidate b reads, all at random: its Item, its entries in
 * the prune index, its accounts and its texts (the owner's follows the
 * item_id's).  Level 0 fetches the first two; level 1, once they have
 * arrived, what they point to.  Inlined: GCC drops a call to a function of
 * prefetches alone (prune.c, prefetch_item_keys).
 */
static inline __attribute__((always_inline)) void
prefetch_candidate(const Dataset *ds, const PruneIndex *px, uint32_t b, int level)
{
	const Item *it = DS_ITEM(ds, b);

	if (level == 0)
	{
		__builtin_prefetch(it);
		__builtin_prefetch(&px->item_start[b]);
		return;
	}
	__builtin_prefetch(px->entries + px->item_start[b]);
	__builtin_prefetch(&VEC_AT(&ds->accounts, uint32_t, it->first_account));
	if (it->item_id != NULL)
		__builtin_prefetch(it->item_id);
}

/*
 * Score item a against each of its candidates (sorted by b), one distinct
 * pair at a time, and keep the matches.  Returns false and writes err when
 * the distinct pairs scored exceed --max-pairs.
 */
static bool
score_candidates(const Dataset *ds, const MatchOptions *opt, const PruneIndex *px, uint32_t a,
				 const Vec *cands, MatchResult *out, NearSampler *near, Vec *keybuf,
				 uint64_t *steps, MatchCandidateFn on_candidate, void *arg, char *err,
				 size_t errlen)
{
	const Cand *c = cands->data;
	uint32_t	a_keys = prune_item_keys(px, a, NULL);

	for (size_t i = 0; i < cands->len; i++)
		prefetch_candidate(ds, px, c[i].b, 0);
	if (cands->len > 0)
		prefetch_candidate(ds, px, c[0].b, 1);
	for (size_t i = 0; i < cands->len;)
	{
		size_t		j = i;
		uint32_t	n_acc = 0;
		uint32_t	n_p = 0;
		uint32_t   *kb;

		if (match_cancelled(opt, steps, err, errlen))
			return false;
		while (j < cands->len && c[j].b == c[i].b)
			j++;
		if (j < cands->len)
			prefetch_candidate(ds, px, c[j].b, 1);	/* the next candidate's */
		while (keybuf->len < a_keys + (j - i))
			vec_push(keybuf);
		kb = keybuf->data;

		uint32_t	b = c[i].b;

		/* every shared account key (not only those found), then the persistent ids */
		n_acc = prune_shared_keys(px, a, b, kb);
		for (size_t k = i; k < j; k++)
			if (c[k].key & PKEY_TAG)
				kb[n_acc + n_p++] = c[k].key & ~PKEY_TAG;
		i = j;
		if (n_acc + n_p == 0)
			continue;			/* a hash collision of key pairs: nothing shared */
		if (++out->candidate_pairs > opt->max_pairs)
		{
			snprintf(err, errlen,
					 "more than --max-pairs %" PRIu64 " candidate pairs "
					 "(raise --max-pairs or lower --hot-key-cap)", opt->max_pairs);
			return false;
		}

		MatchScore	s = match_score_pair(ds, &out->stats, opt, a, b, kb, n_acc, kb + n_acc, n_p);

		if (on_candidate)
			on_candidate(arg, a, b, s.score);
		if (s.accept)
			keep_pair(out, &out->pairs, a, b, s.score, kb, n_acc, n_p);
		/*
		 * Which pairs below the floor are found at all depends on the index
		 * (ties in the key order), so none of them is counted or sampled:
		 * the counts stay those of every pair at or above it.
		 */
		if (s.score < prune_floor(opt))
			continue;
		out->scored_pairs++;
		out->score_bins[near_score_bin(s.score)]++;
		if (!s.accept)
			near_sampler_offer(near, a, b, s.score, kb, n_acc, n_p);
	}
	return true;
}

/*
 * Candidates are generated item by item (each item a against the items
 * b > a sharing one of its keys), so only one item's candidates are in
 * memory at a time and --max-pairs counts distinct pairs, however many keys
 * a pair shares: 225 sandbox Items with 1,000 identical accounts are 25,200
 * pairs, not 50 million (pair, key) expansions.
 */
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
	return match_find_pairs_counted(ds, opt, NULL, NULL, NULL, on_candidate, arg, out, err,
									errlen);
}

bool
match_find_pairs_counted(const Dataset *ds, const MatchOptions *opt,
						 const uint32_t *gname_items, const uint32_t *gkey_items,
						 const uint32_t *ordinal, MatchCandidateFn on_candidate, void *arg,
						 MatchResult *out, char *err, size_t errlen)
{
	PruneIndex	px;
	KeyPostings kp;
	Vec			cands;
	Vec			keybuf;
	uint32_t   *keys = NULL;
	uint32_t	max_accounts = 0;
	uint64_t	steps = 0;
	NearSampler *near = near_sampler_new();
	bool		ok = false;
	double		t = log_now();

	memset(out, 0, sizeof(*out));
	vec_init(&out->pairs, sizeof(Pair));
	vec_init(&out->shared, sizeof(uint32_t));
	vec_init(&out->near, sizeof(Pair));
	vec_init(&out->near_how, sizeof(uint8_t));
	vec_init(&cands, sizeof(Cand));
	vec_init(&keybuf, sizeof(uint32_t));
	near_sampler_number_by(near, ordinal);
	if (opt->stats != NULL)
	{
		/* never with a partition's counts, which are written into the arrays */
		assert(gname_items == NULL && gkey_items == NULL);
		out->stats = *opt->stats;
		out->stats_borrowed = true;
	}
	else
		keys_stats_compute(ds, &out->stats);
	/* a partition's pass scores with the census's counts (partition.c) */
	if (gname_items != NULL)
		memcpy(out->stats.gname_items, gname_items, ds->gnames.n * sizeof(uint32_t));
	if (gkey_items != NULL)
		memcpy(out->stats.gkey_items, gkey_items, ds->gkeys.n * sizeof(uint32_t));
	out->seconds[0] = log_now() - t;
	prune_index_build(ds, &out->stats, opt->hot_key_cap, prune_floor(opt), &px);
	out->hot_keys = px.hot_keys;
	out->pruned_keys = px.pruned;
	index_postings(ds, true, opt, &kp, &out->hot_keys);
	for (size_t i = 0; i < ds->items.len; i++)
		if (DS_ITEM(ds, i)->n_accounts > max_accounts)
			max_accounts = DS_ITEM(ds, i)->n_accounts;
	keys = xmalloc(((size_t) max_accounts + 1) * sizeof(uint32_t));
	out->seconds[1] = log_now() - t - out->seconds[0];

	for (size_t a = 0; a < ds->items.len; a++)
	{
		if (!keys_item_live(DS_ITEM(ds, a)))
			continue;
		if (match_cancelled(opt, &steps, err, errlen))
			goto cleanup;
		cands.len = 0;
		prune_prefetch(&px, ds->items.len, (uint32_t) a);
		prune_candidates(&px, (uint32_t) a, &cands);
		item_candidates(ds, &kp, (uint32_t) a, keys, &cands);
		sort_candidates(&cands, (uint32_t) ds->items.len);
		if (!score_candidates(ds, opt, &px, (uint32_t) a, &cands, out, near, &keybuf, &steps,
							  on_candidate, arg, err, errlen))
			goto cleanup;
	}
	keep_near_misses(out, near);
	out->seconds[2] = log_now() - t - out->seconds[0] - out->seconds[1];
	ok = true;

cleanup:
	if (!ok)
	{
		out->pairs.len = 0;		/* a tripped guard yields no pairs */
		out->shared.len = 0;
	}
	prune_index_free(&px);
	index_free(&kp);
	near_sampler_free(near);
	vec_free(&cands);
	vec_free(&keybuf);
	free(keys);
	return ok;
}

void
match_result_free(MatchResult *r)
{
	vec_free(&r->pairs);
	vec_free(&r->shared);
	vec_free(&r->near);
	vec_free(&r->near_how);
	if (!r->stats_borrowed)
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
