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
	return keys_item_live(it) && it->owner_id != NULL && it->institution != KEY_NONE;
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

		if (!owner_counted(it))
			continue;
		h = keys_hash_xxh3(it->owner_id, strlen(it->owner_id));
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

static void
wkey_sort(WKey *v, uint32_t n)
{
	if (n > 16)
	{
		qsort(v, n, sizeof(WKey), cmp_wkey);
		return;
	}
	for (uint32_t i = 1; i < n; i++)
	{
		WKey		x = v[i];
		uint32_t	j = i;

		while (j > 0 && wkey_before(&x, &v[j - 1]))
		{
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
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
		uint32_t	key = DS_ACCOUNT(ds, it->first_account + k)->key;

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

/*
 * Mark the suffix of an Item's keys (keys[0..n), ascending; wk[k].accounts
 * from item_keys) with PRUNE_SUFFIX: all of them but its prefix (prune.c's
 * header).  The prefix grows while the bound of a pair whose shared keys
 * are all in it stays below the floor: the keys' positive weights, and
 * score_bound_rest() with the accounts they cannot match.  Returns its length.
 */
static uint32_t
mark_suffix(const Dataset *ds, const KeyStats *st, const Item *it, bool owner_may,
			double floor, uint32_t *keys, uint32_t n, WKey *wk)
{
	double		sum = 0.0;
	uint32_t	matched = 0;
	uint32_t	p = 0;

	if (floor > -INFINITY && it->institution != KEY_NONE)
	{
		uint32_t	inst_n = st->institution_items[it->institution];

		for (uint32_t k = 0; k < n; k++)
		{
			wk[k].w = match_key_weight(ds, st, keys[k], inst_n, NULL);
			wk[k].key = keys[k];
			wk[k].pos = k;
		}
		wkey_sort(wk, n);
		for (; p < n; p++)
		{
			/* a negative weight adds at most 0: the pair need not share the key */
			double		gain = wk[p].w > 0.0 ? wk[p].w : 0.0;
			uint32_t	unmatched;

			matched += wk[p].accounts;
			unmatched = it->n_keyable > matched ? it->n_keyable - matched : 0;
			if (sum + gain + score_bound_rest(inst_n, owner_may, unmatched) >= floor - PRUNE_EPS)
				break;
			sum += gain;
		}
		for (uint32_t k = p; k < n; k++)
			keys[wk[k].pos] |= PRUNE_SUFFIX;
		return p;
	}
	for (uint32_t k = 0; k < n; k++)
		keys[k] |= PRUNE_SUFFIX;
	return 0;
}

/* Per key its first posting (postings sorted by key). */
static void
index_starts(PruneIndex *px)
{
	const Posting *p = px->postings.data;

	px->start = xcalloc((size_t) px->n_keys + 1, sizeof(uint32_t));
	for (size_t i = 0; i < px->postings.len; i++)
		px->start[p[i].key + 1]++;
	for (uint32_t k = 0; k < px->n_keys; k++)
		px->start[k + 1] += px->start[k];
}

void
prune_index_build(const Dataset *ds, const KeyStats *st, uint32_t hot_key_cap,
				  double floor, PruneIndex *px)
{
	uint64_t   *owners = NULL;
	Vec			keys;
	uint32_t	max_accounts = 1;
	WKey	   *wk;
	uint32_t   *mine;

	memset(px, 0, sizeof(*px));
	px->n_keys = (uint32_t) ds->keys.n;
	for (uint32_t k = 0; k < px->n_keys; k++)
		px->hot_keys += st->key_items[k] > hot_key_cap;
	for (size_t i = 0; i < ds->items.len; i++)
		if (DS_ITEM(ds, i)->n_accounts > max_accounts)
			max_accounts = DS_ITEM(ds, i)->n_accounts;
	if (floor > -INFINITY)
		owners = owner_shared_bits(ds);
	wk = xmalloc(max_accounts * sizeof(WKey));
	mine = xmalloc(max_accounts * sizeof(uint32_t));
	vec_init(&keys, sizeof(uint32_t));
	vec_init(&px->postings, sizeof(Posting));
	px->item_start = xmalloc((ds->items.len + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);
		uint32_t	n = 0;

		px->item_start[i] = (uint32_t) keys.len;
		if (keys_item_live(it))
			n = item_keys(ds, st, hot_key_cap, it, mine, wk);
		if (n > 0)
			px->pruned += mark_suffix(ds, st, it, owner_may_share(owners, ds, i), floor, mine, n, wk);
		for (uint32_t k = 0; k < n; k++)
		{
			*(uint32_t *) vec_push(&keys) = mine[k];
			if (mine[k] & PRUNE_SUFFIX)
				*(Posting *) vec_push(&px->postings) =
					(Posting) {mine[k] & ~PRUNE_SUFFIX, (uint32_t) i};
		}
	}
	px->item_start[ds->items.len] = (uint32_t) keys.len;
	px->keys = keys.data;
	free(wk);
	free(mine);
	free(owners);
	match_radix_sort_by(&px->postings, offsetof(Posting, key), sizeof(uint32_t), px->n_keys);
	index_starts(px);
}

void
prune_index_free(PruneIndex *px)
{
	free(px->item_start);
	free(px->keys);
	vec_free(&px->postings);
	free(px->start);
	memset(px, 0, sizeof(*px));
}

uint32_t
prune_shared_keys(const PruneIndex *px, uint32_t a, uint32_t b, uint32_t *out)
{
	const uint32_t *x = px->keys + px->item_start[a];
	const uint32_t *y = px->keys + px->item_start[b];
	uint32_t	nx = px->item_start[a + 1] - px->item_start[a];
	uint32_t	ny = px->item_start[b + 1] - px->item_start[b];
	uint32_t	i = 0,
				j = 0,
				n = 0;

	while (i < nx && j < ny)
	{
		uint32_t	kx = x[i] & ~PRUNE_SUFFIX;
		uint32_t	ky = y[j] & ~PRUNE_SUFFIX;

		if (kx == ky)
			out[n++] = kx;
		i += kx <= ky;
		j += ky <= kx;
	}
	return n;
}
