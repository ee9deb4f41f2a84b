/*
 * groups.h — matched pairs into groups (union-find), stable group ids
 * across runs, run diff counts and suggested actions.
 *
 * Pure: no I/O, no logging.  Everything here is decided on item_id text
 * (collation "C", i.e. byte order), never on the order rows arrived in, so
 * the same input in any order gives the same groups and ids.  The only
 * failure is a cancellation (groups_build_cancellable returns false); the
 * caller logs it.  Out of memory aborts (arena.h).
 */
#ifndef ITEMDUP_GROUPS_H
#define ITEMDUP_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "match.h"

#define GROUP_NONE UINT32_MAX

typedef struct UnionFind
{
	uint32_t   *parent;
	uint32_t   *rank;
	size_t		n;
} UnionFind;

void		uf_init(UnionFind *uf, size_t n);
uint32_t	uf_find(UnionFind *uf, uint32_t x);
bool		uf_union(UnionFind *uf, uint32_t x, uint32_t y);	/* true if joined */
void		uf_free(UnionFind *uf);

/*
 * The items in any pair (the graph's nodes; a few percent of the run's
 * Items) as a bitset, with each 64-bit word's count of set bits before it:
 * node_of gives an item its node number, dense in item order, so grouping
 * and what it leaves are sized by the nodes, not the Items.
 */
typedef struct NodeSet
{
	uint64_t   *bits;
	uint32_t   *before;			/* per word: nodes in the words before it */
	size_t		n_words;
	size_t		n;				/* nodes */
} NodeSet;

/* The node number of item, which must be one (a bit set). */
static inline uint32_t
node_of(const NodeSet *ns, uint32_t item)
{
	return bitset_rank(ns->bits[item / 64], ns->before[item / 64], item);
}

/*
 * Groups — connected components of two or more items.  Groups are ordered
 * by their smallest item_id, members within a group by item_id.  Owned by
 * the caller (groups_free).  An item's group: groups_group_of (a bit per
 * Item of the run and 4 bytes per member, not 4 bytes per Item).
 */
typedef struct Groups
{
	size_t		n_groups;
	uint32_t   *offsets;		/* n_groups + 1 */
	uint32_t   *members;		/* item indices */
	NodeSet		nodes;			/* the members, every item in a pair */
	uint32_t   *node_group;		/* per node: its group */
} Groups;

/* The group of item (an index below n_items), GROUP_NONE when it is in none. */
static inline uint32_t
groups_group_of(const Groups *g, uint32_t item)
{
	if (g->nodes.bits == NULL || item / 64 >= g->nodes.n_words ||
		!(g->nodes.bits[item / 64] >> (item % 64) & 1))
		return GROUP_NONE;
	return g->node_group[node_of(&g->nodes, item)];
}

/* The item_id of an item (borrowed, only for ordering). */
typedef const char *(*GroupIdFn) (const void *arg, uint32_t item);

/*
 * groups_build — components of the graph (n_items nodes, pairs as edges).
 * ids[i] is item i's item_id (borrowed, only for ordering).
 */
void		groups_build(size_t n_items, const Pair *pairs, size_t n_pairs,
						 const char *const *ids, Groups *out);

/*
 * groups_build_cancellable — groups_build with each item's item_id from
 * id_of(id_arg, item), asked only for the items in a pair, that polls
 * cancelled (NULL: never) while it joins the pairs and once before
 * sorting; false, with out empty and nothing allocated, when it says stop.
 * It holds about 50 bytes per item in a pair and under 2 bits per item;
 * the result keeps 8 of those bytes and the 2 bits.
 */
bool		groups_build_cancellable(size_t n_items, const Pair *pairs, size_t n_pairs,
									 GroupIdFn id_of, const void *id_arg,
									 CancelFn cancelled, Groups *out) MUSTCHECK;
void		groups_free(Groups *g);

/* One member of a previously published group. */
typedef struct PrevMember
{
	int64_t		group_id;
	const char *item_id;		/* borrowed */
} PrevMember;

typedef struct GroupDiff
{
	uint64_t	new_groups;		/* no item was in a previous group */
	uint64_t	grown;			/* one previous group, gained items */
	uint64_t	shrunk;			/* one previous group, only lost items */
	uint64_t	merged;			/* items of two or more previous groups */
	uint64_t	split;			/* previous groups whose items went to 2+ groups */
	uint64_t	dissolved;		/* previous groups none of whose items is grouped */
	uint64_t	unchanged;		/* same members as one previous group */
} GroupDiff;

/*
 * groups_assign_ids — stable ids (docs/OPERATIONS.md): each new group claims the
 * oldest (smallest id) previous group it shares items with; a previous id
 * claimed by several new groups goes to the one holding most of its items
 * (ties: the one with the smallest item_id), the others try their next
 * previous group.  member_ids are each group's item_ids, sorted, at
 * offsets[g]..offsets[g+1].  out_ids[g] gets the inherited id or 0 when the
 * group needs a new id.  prev is borrowed and not modified.
 */
void		groups_assign_ids(size_t n_groups, const uint32_t *offsets,
							  const char *const *member_ids,
							  const PrevMember *prev, size_t n_prev,
							  int64_t *out_ids, GroupDiff *diff);

/* What an analyst should do with an item (current_group_items.suggested_action). */
typedef enum Action
{
	ACTION_KEEP = 0,
	ACTION_REMOVE_CANDIDATE,
	ACTION_REVIEW
} Action;

const char *groups_action_name(Action a);

typedef struct MemberFacts
{
	const char *item_id;
	const char *owner_id;		/* NULL: an owner of its own */
	int64_t		created_at;
	bool		has_error;
} MemberFacts;

/*
 * groups_suggest_actions — within each owner's items keep one (no item.error,
 * then newest created_at, then smallest item_id), the owner's others are
 * remove candidates.  The owner of the group's best item is its primary
 * owner; in a cross-owner group the item another owner would keep is
 * "review" instead.  Returns the number of distinct owners.
 */
size_t		groups_suggest_actions(const MemberFacts *m, size_t n, Action *actions);

/* Hex XXH3-128 of the sorted member ids joined by '\n' (group_reviews.members_hash). */
void		groups_members_hash(const char *const *ids, size_t n, char out[33]);

#endif
