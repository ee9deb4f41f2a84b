/*
 * prune.h — the account-key index matching expands, with prefix pruning
 * (docs/MATCHING.md, "Pruning").
 *
 * Pure: no I/O.  Every live Item's shareable account keys (carried by at
 * least 2 and at most hot_key_cap Items) are listed ascending; the Item is
 * indexed (a posting) only under the keys of its "suffix": in the order of
 * weight, then key id, its weakest keys are left out as long as their
 * positive weights with score_bound_rest() stay below the floor.  A pair
 * scoring at or above the floor shares a key in both Items' suffixes (its
 * heaviest shared key), so it is still found; a pair that is not found
 * scores below the floor.  floor = -INFINITY indexes every key (no pruning).
 */
#ifndef ITEMDUP_PRUNE_H
#define ITEMDUP_PRUNE_H

#include <stdint.h>

#include "keys.h"

#define PRUNE_SUFFIX 0x80000000u	/* on an entry of PruneIndex.keys: indexed */

/* One (key, item) of an index. */
typedef struct Posting
{
	uint32_t	key;
	uint32_t	item;
} Posting;

typedef struct PruneIndex
{
	uint32_t   *item_start;		/* item -> its first entry in keys; [n_items] = total */
	uint32_t   *keys;			/* per item its shareable keys ascending, | PRUNE_SUFFIX */
	Vec			postings;		/* Posting of the suffix entries, by (key, item) */
	uint32_t   *start;			/* key -> its first posting; start[n_keys] = len */
	uint32_t	n_keys;
	uint64_t	pruned;			/* entries not indexed (in a prefix) */
	uint64_t	hot_keys;		/* keys carried by more than hot_key_cap Items */
} PruneIndex;

/* prune_index_build — the index of ds's account keys (st from keys_stats_compute). */
void		prune_index_build(const Dataset *ds, const KeyStats *st, uint32_t hot_key_cap,
							  double floor, PruneIndex *px);
void		prune_index_free(PruneIndex *px);

/*
 * prune_shared_keys — the account keys Items a and b share (the
 * intersection of their lists, ascending) into out, which has room for the
 * shorter list; returns how many.
 */
uint32_t	prune_shared_keys(const PruneIndex *px, uint32_t a, uint32_t b, uint32_t *out);

#endif
