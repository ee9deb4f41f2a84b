/*
 * prune.h — the account-key index matching expands, with prefix pruning
 * (docs/MATCHING.md, "Pruning").
 *
 * Pure: no I/O.  Every live Item's shareable account keys (carried by at
 * least 2 and at most hot_key_cap Items) are listed ascending.  In the
 * order of weight, then key id, an Item's weakest keys whose positive
 * weights with score_bound_rest() stay below the floor are its prefix; the
 * rest its suffix.  A pair scoring at or above the floor shares its
 * heaviest shared key in both suffixes, and that key is either enough
 * alone ("solo") in both Items, or the pair shares a second, lighter key.
 * So Items are indexed under their solo keys and under the pairs (lighter
 * key, suffix key), never under a weak key alone: a pair that is not found
 * scores below the floor.  floor = -INFINITY: every key is solo (no pruning).
 */
#ifndef ITEMDUP_PRUNE_H
#define ITEMDUP_PRUNE_H

#include <stdint.h>

#include "keys.h"

#define PRUNE_SUFFIX 0x80000000u	/* on an entry of PruneIndex.keys: in the suffix */
#define PRUNE_SOLO 0x40000000u	/* ... and alone enough to reach the floor */
#define PRUNE_KEY(e) ((e) & ~(PRUNE_SUFFIX | PRUNE_SOLO))
#define PRUNE_WIDE 16			/* an Item with more keys is indexed by single keys only */

/* One (key, item) of an index. */
typedef struct Posting
{
	uint32_t	key;
	uint32_t	item;
} Posting;

/*
 * The first of p[lo..hi) (one key's postings, by item) whose item comes
 * after a: where a's candidates under that key begin.
 */
static inline size_t
posting_first_after(const Posting *p, size_t lo, size_t hi, uint32_t a)
{
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (p[mid].item <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A candidate of the item being scored: another item b and one shared key (match.c). */
typedef struct Cand
{
	uint32_t	b;
	uint32_t	key;
} Cand;

/*
 * Postings sorted by (hash, item), where a single-key list's hash is
 * prune_key_hash(key) and the pair list's the key pair's hash; a hash's
 * range is found in 2^bits buckets by its top bits, as many as postings
 * (the keys' ids are dense, but a list holds few of them: an array by key
 * would be 4 bytes per key of the run, mostly empty).
 */
typedef struct PruneList
{
	Vec			postings;		/* Posting, key holding the hash */
	uint32_t   *start;			/* bucket -> its first posting; [1 << bits] = len */
	int			shift;			/* a hash's bucket: (uint64_t) hash >> shift */
} PruneList;

enum
{
	PRUNE_LIST_ALL,				/* every Item under its suffix keys (wide Items read it;
								 * empty when no Item has more than PRUNE_WIDE keyable
								 * accounts) */
	PRUNE_LIST_SOLO,			/* narrow Items under their solo keys */
	PRUNE_LIST_WIDE,			/* wide Items under their suffix keys */
	PRUNE_LIST_PAIR,			/* narrow Items under (key, heavier suffix key) */
	PRUNE_NLISTS
};

typedef struct PruneIndex
{
	/*
	 * Per item one block of entries, empty when it has no shareable key:
	 * how many keys, its shareable keys ascending (| flags), then the
	 * hashes of its key pairs (narrow Items); prune_item_keys reads it.
	 * One offset per item for both lists (not two: 4 bytes an Item less).
	 */
	uint32_t   *item_start;		/* item -> its block in entries; [n_items] = total */
	uint32_t   *entries;
	PruneList	lists[PRUNE_NLISTS];
	uint64_t	pruned;			/* entries in a prefix (not indexed) */
	uint64_t	hot_keys;		/* keys carried by more than hot_key_cap Items */
} PruneIndex;

/* Item a's shareable keys (| flags; *keys unless keys is NULL) and how many. */
static inline uint32_t
prune_item_keys(const PruneIndex *px, uint32_t a, const uint32_t **keys)
{
	uint32_t	s = px->item_start[a];
	bool		none = s == px->item_start[a + 1];

	if (keys != NULL)
		*keys = none ? NULL : px->entries + s + 1;
	return none ? 0 : px->entries[s];
}

/* prune_index_build — the index of ds's account keys (st from keys_stats_compute). */
void		prune_index_build(const Dataset *ds, const KeyStats *st, uint32_t hot_key_cap,
							  double floor, PruneIndex *px);
void		prune_index_free(PruneIndex *px);

/*
 * prune_candidates — append to cands (Cand, key 0) every item b > a that
 * may score at or above the floor with a through its account keys: at
 * least those; an item may come more than once, and a hash collision may
 * bring one that shares no key (prune_shared_keys then finds none).
 */
void		prune_candidates(const PruneIndex *px, uint32_t a, Vec *cands);

/*
 * prune_prefetch — before prune_candidates(px, a): fetch what it will read
 * for the Items a few places after a (of n_items), whose keys' postings are
 * at random in memory.
 */
void		prune_prefetch(const PruneIndex *px, size_t n_items, uint32_t a);

/*
 * prune_shared_keys — the account keys Items a and b share (the
 * intersection of their lists, ascending) into out, which has room for the
 * shorter list; returns how many.
 */
uint32_t	prune_shared_keys(const PruneIndex *px, uint32_t a, uint32_t b, uint32_t *out);

#endif
