/*
 * prune.c — the account-key index with prefix pruning (prune.h,
 * docs/MATCHING.md "Pruning").
 *
 * Why it is exact above the floor: every term of a score is per key and per
 * institution (a key's weight depends on its counts and the institution's
 * N, never on the pair), and everything else a pair without a shared
 * persistent id can get is at most score_bound_rest().  Keys are ordered by
 * (weight, key id), the same order for every Item.  An Item's prefix is its
 * longest run of weakest keys whose positive weights, added to its bound,
 * stay below the floor.  For a pair, let k be the heaviest key it shares: if
 * k were in the prefix of one of its Items, every shared key would be too,
 * and the score could not reach the floor.  So a pair reaching it shares k
 * in both suffixes and is found through k's postings.  Shared persistent
 * ids are indexed apart, never pruned (match.c).
 */
#include "prune.h"

#include "match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PRUNE_EPS 1e-9			/* rounding: far below any weight, far above its error */

/*
 * Which Items' owner may own another live Item at their institution, as a
 * bitset by item: their (institution, owner_id) hashed to 32 bits and
 * radix-sorted (streaming, not a random probe per Item).  A collision
 * only says "may" where the answer is no, which loosens the bound, never
 * breaks it.  8 bytes per Item with an owner while it is computed.
 */
typedef struct OwnerRef
{
	uint32_t	hash;
	uint32_t	item;
} OwnerRef;

static bool
owner_counted(const Item *it)
{
	return keys_item_live(it) && it->has_owner && it->institution != KEY_NONE;
}

static uint64_t *
owner_shared_bits(const Dataset *ds)
{
	uint64_t   *bits = xcalloc(ds->items.len / 64 + 1, sizeof(uint64_t));
	Vec			refs = {NULL, 0, 0, sizeof(OwnerRef)};
	OwnerRef   *r;

	for (size_t i = 0; i < ds->items.len; i++)
		refs.cap += owner_counted(DS_ITEM(ds, i));
	refs.data = r = xmalloc((refs.cap + 1) * sizeof(OwnerRef));
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);
		KeyHash		h;
		const char *owner;

		/*
		 * The texts are in the read's order too, but a 10 M run's are
		 * hundreds of MB of small pages, where the hardware's prefetcher
		 * stops at each page's end: fetch them ahead.
		 */
		if (i + 8 < ds->items.len && DS_ITEM(ds, i + 8)->item_id != NULL)
			__builtin_prefetch(DS_ITEM(ds, i + 8)->item_id);
		if (!owner_counted(it))
			continue;
		owner = keys_item_owner(it);
		h = keys_hash_xxh3(owner, strlen(owner));
		r[refs.len++] = (OwnerRef) {(uint32_t) (h.lo ^ (h.lo >> 32)) ^ it->institution * 0x9E3779B9u,
		(uint32_t) i};
	}
	match_radix_sort_by(&refs, offsetof(OwnerRef, hash), sizeof(uint32_t), UINT32_MAX);
	r = refs.data;
	for (size_t i = 0; i < refs.len; i++)
		if ((i > 0 && r[i].hash == r[i - 1].hash) || (i + 1 < refs.len && r[i].hash == r[i + 1].hash))
			bits[r[i].item / 64] |= UINT64_C(1) << (r[i].item % 64);
	vec_free(&refs);
	return bits;
}

/* Whether item i's owner may own another Item at its institution; all may when bits is NULL. */
static bool
owner_may_share(const uint64_t *bits, const Dataset *ds, size_t i)
{
	if (bits == NULL)
		return owner_counted(DS_ITEM(ds, i));
	return (bits[i / 64] >> (i % 64)) & 1;
}

/* One of an Item's keys with its weight, for the prefix. */
typedef struct WKey
{
	double		w;
	uint32_t	key;
	uint32_t	pos;			/* in the Item's ascending list */
	uint32_t	accounts;		/* of the Item carrying it */
} WKey;

/* The one order of keys every Item uses: weight, then key id. */
static bool
wkey_before(const WKey *x, const WKey *y)
{
	return x->w < y->w || (x->w == y->w && x->key < y->key);
}

static int
cmp_wkey(const void *x, const void *y)
{
	return wkey_before(x, y) ? -1 : wkey_before(y, x) ? 1 : 0;
}

/*
 * Item it's shareable keys, ascending and distinct, into out, and how many
 * of its accounts carry each into wk[].accounts; returns how many keys.
 */
static uint32_t
item_keys(const Dataset *ds, const KeyStats *st, uint32_t cap, const Item *it, uint32_t *out,
		  WKey *wk)
{
	uint32_t	n = 0,
				m = 0;

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		uint32_t	key = keys_account_key(ds, it->first_account + k);

		if (key != KEY_NONE && st->key_items[key] >= 2 && st->key_items[key] <= cap)
			out[n++] = key;
	}
	u32_sort_small(out, n);
	for (uint32_t i = 0; i < n; i++)
	{
		if (m == 0 || out[i] != out[m - 1])
		{
			out[m] = out[i];
			wk[m++].accounts = 0;
		}
		wk[m - 1].accounts++;
	}
	return m;
}

/* The hash of a key pair (lighter, heavier): its bucket is the top bits. */
static uint32_t
pair_hash(uint32_t lighter, uint32_t heavier)
{
	uint64_t	x = ((uint64_t) lighter << 32 | heavier) * 0x9E3779B97F4A7C15ull;

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	return (uint32_t) (x >> 32);
}

/* The bound's inputs for one Item. */
typedef struct ItemBound
{
	uint32_t	inst_n;			/* N at its institution */
	bool		owner_may;		/* its owner may own another Item there */
	uint32_t	keyable;
	double		floor;
} ItemBound;

/* Whether a pair sharing wk's keys (max positive weights sum, matched accounts) may reach the floor. */
static bool
may_reach(const ItemBound *ib, double sum, uint32_t matched)
{
	uint32_t	unmatched = ib->keyable > matched ? ib->keyable - matched : 0;

	return sum + score_bound_rest(ib->inst_n, ib->owner_may, unmatched) >= ib->floor - PRUNE_EPS;
}

/*
 * Flag an Item's keys (keys[0..n), ascending; wk[k].accounts from
 * item_keys): PRUNE_SUFFIX on those outside its prefix, PRUNE_SOLO on those
 * a pair sharing only them may reach the floor with (prune.c's header).
 * The bound of a pair whose shared keys are among the first q in the order:
 * their positive weights (a negative one adds at most 0) and
 * score_bound_rest() with the accounts they cannot match; it only grows
 * with q.  The key pairs (lighter, suffix key) of a narrow Item are hashed
 * into pairs (n * (n - 1) / 2 at most).  Returns the prefix's length.
 */
static uint32_t
flag_keys(const Dataset *ds, const KeyStats *st, const ItemBound *ib, uint32_t *keys,
		  uint32_t n, WKey *wk, Vec *pairs)
{
	double		sum = 0.0;
	uint32_t	matched = 0;
	uint32_t	p = n;

	for (uint32_t k = 0; k < n; k++)
	{
		wk[k].w = match_key_weight(ds, st, keys[k], ib->inst_n, NULL);
		wk[k].key = keys[k];
		wk[k].pos = k;
	}
	sort_small(wk, n, sizeof(WKey), cmp_wkey, 16);
	for (uint32_t q = 0; q < n; q++)
	{
		double		gain = wk[q].w > 0.0 ? wk[q].w : 0.0;

		sum += gain;
		matched += wk[q].accounts;
		if (p == n && may_reach(ib, sum, matched))
			p = q;
		if (p < n)
			keys[wk[q].pos] |= PRUNE_SUFFIX;
		if (p < n && may_reach(ib, gain, wk[q].accounts))
			keys[wk[q].pos] |= PRUNE_SOLO;
		for (uint32_t l = 0; p < n && n <= PRUNE_WIDE && l < q; l++)
			*(uint32_t *) vec_push(pairs) = pair_hash(wk[l].key, wk[q].key);
	}
	return p;
}

/*
 * A single-key list's hash of a key: multiplying by an odd number is a
 * bijection of 32-bit numbers, so two keys never share a hash and a hash's
 * postings are exactly its key's; the top bits spread the dense ids.
 */
static inline uint32_t
key_hash(uint32_t key)
{
	return key * 0x9E3779B1u;
}

/* Sort a list's postings by (hash, item) and set its buckets' ranges. */
static void
list_finish(PruneList *l)
{
	const Posting *p;
	int			bits = 0;

	while (bits < 31 && (UINT64_C(1) << bits) < l->postings.len)
		bits++;
	l->shift = 32 - bits;
	match_radix_sort_by(&l->postings, offsetof(Posting, key), sizeof(uint32_t), UINT32_MAX);
	p = l->postings.data;
	l->start = xcalloc(((size_t) 1 << bits) + 1, sizeof(uint32_t));
	for (size_t i = 0; i < l->postings.len; i++)
		l->start[((uint64_t) p[i].key >> l->shift) + 1]++;
	for (size_t b = 0; b < ((size_t) 1 << bits); b++)
		l->start[b + 1] += l->start[b];
}

static void
post(PruneList *l, uint32_t hash, size_t item)
{
	*(Posting *) vec_push(&l->postings) = (Posting) {hash, (uint32_t) item};
}

/* Item i's entries into the lists. */
static void
post_item(PruneIndex *px, size_t i, const uint32_t *keys, uint32_t n,
		  const uint32_t *pairs, uint32_t n_pairs, bool any_wide)
{
	bool		wide = n > PRUNE_WIDE;

	for (uint32_t k = 0; k < n; k++)
	{
		uint32_t	h;

		if (!(keys[k] & PRUNE_SUFFIX))
			continue;
		h = key_hash(PRUNE_KEY(keys[k]));
		if (any_wide)			/* only wide Items read it */
			post(&px->lists[PRUNE_LIST_ALL], h, i);
		if (wide)
			post(&px->lists[PRUNE_LIST_WIDE], h, i);
		else if (keys[k] & PRUNE_SOLO)
			post(&px->lists[PRUNE_LIST_SOLO], h, i);
	}
	for (uint32_t k = 0; k < n_pairs; k++)
		post(&px->lists[PRUNE_LIST_PAIR], pairs[k], i);
}

/*
 * The Items are read in order but their keys' counts and names at random
 * (match_key_freq): fetch them ahead, one level of the chain per distance —
 * at depth 0 the keys' counts, KeyInfo and gkey id, at 1 (for a shared key)
 * its name's counts and NameInfo and its gkey's count, at 2 the gname's
 * count.
 * Inlined: GCC finds a function of prefetches alone free of side effects
 * and drops the call.
 */
static inline __attribute__((always_inline)) void
prefetch_item_keys(const Dataset *ds, const KeyStats *st, size_t i, int depth)
{
	const Item *it;

	if (i >= ds->items.len)
		return;
	it = DS_ITEM(ds, i);
	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		uint32_t	key = keys_account_key(ds, it->first_account + k);
		const KeyInfo *ki;

		if (key == KEY_NONE)
			continue;
		ki = &VEC_AT(&ds->key_info, KeyInfo, key);
		if (depth == 0)
		{
			__builtin_prefetch(&st->key_items[key]);
			__builtin_prefetch(ki);
			__builtin_prefetch(&VEC_AT(&ds->key_gkey, uint32_t, key));
			continue;
		}
		if (st->key_items[key] < 2)
			continue;			/* not shared: item_keys leaves it out */
		if (depth == 1)
		{
			__builtin_prefetch(&VEC_AT(&ds->name_info, NameInfo, ki->name));
			__builtin_prefetch(&st->name_items[ki->name]);
			__builtin_prefetch(&st->gkey_items[keys_key_gkey(ds, key)]);
		}
		else
			__builtin_prefetch(&st->gname_items[VEC_AT(&ds->name_info, NameInfo,
															   ki->name).gname]);
	}
}

/* Every live Item's keys flagged, its pair hashes, and its entries posted. */
static void
index_items(const Dataset *ds, const KeyStats *st, uint32_t cap, double floor, PruneIndex *px)
{
	uint64_t   *owners = floor > -INFINITY ? owner_shared_bits(ds) : NULL;
	Vec			entries,
				pairs;			/* an Item's key pairs' hashes */
	uint32_t	max_accounts = 1;
	bool		any_wide = false;	/* an Item may have more than PRUNE_WIDE keys */
	WKey	   *wk;
	uint32_t   *mine;

	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (it->n_accounts > max_accounts)
			max_accounts = it->n_accounts;
		any_wide |= keys_item_live(it) && it->n_keyable > PRUNE_WIDE;
	}
	wk = xmalloc(max_accounts * sizeof(WKey));
	mine = xmalloc(max_accounts * sizeof(uint32_t));
	vec_init(&entries, sizeof(uint32_t));
	vec_init(&pairs, sizeof(uint32_t));
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);
		uint32_t	n = keys_item_live(it) ? item_keys(ds, st, cap, it, mine, wk) : 0;

		prefetch_item_keys(ds, st, i + 12, 0);
		prefetch_item_keys(ds, st, i + 6, 1);
		prefetch_item_keys(ds, st, i + 3, 2);
		px->item_start[i] = (uint32_t) entries.len;
		pairs.len = 0;
		if (n > 0 && floor > -INFINITY && it->institution != KEY_NONE)
		{
			ItemBound	ib = {st->institution_items[it->institution],
			owner_may_share(owners, ds, i), it->n_keyable, floor};

			px->pruned += flag_keys(ds, st, &ib, mine, n, wk, &pairs);
		}
		else
			for (uint32_t k = 0; k < n; k++)
				mine[k] |= PRUNE_SUFFIX | PRUNE_SOLO;
		if (n > 0)
		{
			*(uint32_t *) vec_push(&entries) = n;
			for (uint32_t k = 0; k < n; k++)
				*(uint32_t *) vec_push(&entries) = mine[k];
			for (size_t k = 0; k < pairs.len; k++)
				*(uint32_t *) vec_push(&entries) = ((uint32_t *) pairs.data)[k];
		}
		post_item(px, i, mine, n, pairs.data, (uint32_t) pairs.len, any_wide);
	}
	px->item_start[ds->items.len] = (uint32_t) entries.len;
	px->entries = entries.data;
	vec_free(&pairs);
	free(wk);
	free(mine);
	free(owners);
}

void
prune_index_build(const Dataset *ds, const KeyStats *st, uint32_t hot_key_cap,
				  double floor, PruneIndex *px)
{
	memset(px, 0, sizeof(*px));
	for (uint32_t k = 0; k < ds->keys.n; k++)
		px->hot_keys += st->key_items[k] > hot_key_cap;
	if (ds->keys.n >= PRUNE_SOLO)
		floor = -INFINITY;		/* no room for the flags: no pruning */
	for (int l = 0; l < PRUNE_NLISTS; l++)
		vec_init(&px->lists[l].postings, sizeof(Posting));
	px->item_start = xmalloc((ds->items.len + 1) * sizeof(uint32_t));
	index_items(ds, st, hot_key_cap, floor, px);
	for (int l = 0; l < PRUNE_NLISTS; l++)
		list_finish(&px->lists[l]);
}

void
prune_index_free(PruneIndex *px)
{
	free(px->item_start);
	free(px->entries);
	for (int l = 0; l < PRUNE_NLISTS; l++)
	{
		vec_free(&px->lists[l].postings);
		free(px->lists[l].start);
	}
	memset(px, 0, sizeof(*px));
}

/* The first of p[lo..hi) (sorted by hash) whose hash is at least h, or above it (after). */
static inline size_t
posting_first_hash(const Posting *p, size_t lo, size_t hi, uint32_t h, bool after)
{
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (p[mid].key < h || (after && p[mid].key == h))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Append the items b > a of one list's hash as candidates of a. */
static void
scan(const PruneList *l, uint32_t h, uint32_t a, Vec *cands)
{
	const Posting *p = l->postings.data;
	size_t		b = (uint64_t) h >> l->shift;
	size_t		lo = posting_first_hash(p, l->start[b], l->start[b + 1], h, false);
	size_t		end = posting_first_hash(p, lo, l->start[b + 1], h, true);

	for (size_t x = posting_first_after(p, lo, end, a); x < end; x++)
		*(Cand *) vec_push(cands) = (Cand) {p[x].item, 0};
}

/* What visit_lists does with each (list, key) Item a reads. */
typedef enum ListVisit
{
	VISIT_SCAN,					/* its postings after a, into cands */
	VISIT_START,				/* fetch the key's range ahead */
	VISIT_POSTINGS				/* fetch the range's first postings ahead */
} ListVisit;

static inline __attribute__((always_inline)) void
visit(const PruneList *l, uint32_t h, uint32_t a, Vec *cands, ListVisit how)
{
	if (how == VISIT_SCAN)
		scan(l, h, a, cands);
	else if (how == VISIT_START)
		__builtin_prefetch(&l->start[(uint64_t) h >> l->shift]);
	else
		__builtin_prefetch((const Posting *) l->postings.data +
						   l->start[(uint64_t) h >> l->shift]);
}

/*
 * Every (list, key) whose postings are Item a's candidates: its flagged
 * keys in the lists its width and flags name, and its key pairs' buckets.
 * always_inline: with how constant, the prefetching copies keep their
 * prefetches (GCC drops a call to a function of prefetches alone).
 */
static inline __attribute__((always_inline)) void
visit_lists(const PruneIndex *px, uint32_t a, Vec *cands, ListVisit how)
{
	const uint32_t *keys;
	uint32_t	n = prune_item_keys(px, a, &keys);

	if (n == 0)
		return;					/* no keys, no key pairs */
	for (uint32_t k = 0; k < n; k++)
	{
		uint32_t	h = key_hash(PRUNE_KEY(keys[k]));

		if (!(keys[k] & PRUNE_SUFFIX))
			continue;
		if (n > PRUNE_WIDE)
		{
			visit(&px->lists[PRUNE_LIST_ALL], h, a, cands, how);
			continue;
		}
		visit(&px->lists[PRUNE_LIST_WIDE], h, a, cands, how);
		if (keys[k] & PRUNE_SOLO)
			visit(&px->lists[PRUNE_LIST_SOLO], h, a, cands, how);
	}
	for (const uint32_t *e = keys + n; e < px->entries + px->item_start[a + 1]; e++)
		visit(&px->lists[PRUNE_LIST_PAIR], *e, a, cands, how);
}

void
prune_candidates(const PruneIndex *px, uint32_t a, Vec *cands)
{
	visit_lists(px, a, cands, VISIT_SCAN);
}

void
prune_prefetch(const PruneIndex *px, size_t n_items, uint32_t a)
{
	if (a + 8 < n_items)
		visit_lists(px, a + 8, NULL, VISIT_START);
	if (a + 4 < n_items)
		visit_lists(px, a + 4, NULL, VISIT_POSTINGS);
}

uint32_t
prune_shared_keys(const PruneIndex *px, uint32_t a, uint32_t b, uint32_t *out)
{
	const uint32_t *x,
			   *y;
	uint32_t	nx = prune_item_keys(px, a, &x);
	uint32_t	ny = prune_item_keys(px, b, &y);
	uint32_t	i = 0,
				j = 0,
				n = 0;

	while (i < nx && j < ny)
	{
		uint32_t	kx = PRUNE_KEY(x[i]);
		uint32_t	ky = PRUNE_KEY(y[j]);

		if (kx == ky)
			out[n++] = kx;
		i += kx <= ky;
		j += ky <= kx;
	}
	return n;
}
