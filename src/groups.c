/*
 * groups.c — union-find, stable ids, diff counts, suggested actions.
 */
#include "groups.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void
uf_init(UnionFind *uf, size_t n)
{
	uf->n = n;
	uf->parent = xmalloc((n ? n : 1) * sizeof(uint32_t));
	uf->rank = xcalloc(n ? n : 1, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		uf->parent[i] = (uint32_t) i;
}

uint32_t
uf_find(UnionFind *uf, uint32_t x)
{
	uint32_t	root = x;

	while (uf->parent[root] != root)
		root = uf->parent[root];
	while (uf->parent[x] != root)	/* path compression */
	{
		uint32_t	next = uf->parent[x];

		uf->parent[x] = root;
		x = next;
	}
	return root;
}

bool
uf_union(UnionFind *uf, uint32_t x, uint32_t y)
{
	x = uf_find(uf, x);
	y = uf_find(uf, y);
	if (x == y)
		return false;
	if (uf->rank[x] < uf->rank[y])
	{
		uint32_t	t = x;

		x = y;
		y = t;
	}
	uf->parent[y] = x;
	if (uf->rank[x] == uf->rank[y])
		uf->rank[x]++;
	return true;
}

void
uf_free(UnionFind *uf)
{
	free(uf->parent);
	free(uf->rank);
	memset(uf, 0, sizeof(*uf));
}

static void
node_set_build(NodeSet *ns, size_t n_items, const Pair *pairs, size_t n_pairs)
{
	ns->n_words = n_items / 64 + 1;
	ns->bits = xcalloc(ns->n_words, sizeof(uint64_t));
	ns->before = xmalloc(ns->n_words * sizeof(uint32_t));
	for (size_t i = 0; i < n_pairs; i++)
	{
		assert(pairs[i].a < pairs[i].b && pairs[i].b < n_items);	/* match.h: a < b */
		ns->bits[pairs[i].a / 64] |= UINT64_C(1) << (pairs[i].a % 64);
		ns->bits[pairs[i].b / 64] |= UINT64_C(1) << (pairs[i].b % 64);
	}
	ns->n = 0;
	for (size_t w = 0; w < ns->n_words; w++)
	{
		ns->before[w] = (uint32_t) ns->n;
		ns->n += (size_t) __builtin_popcountll(ns->bits[w]);
	}
}

static void
node_set_free(NodeSet *ns)
{
	free(ns->bits);
	free(ns->before);
}

/* A node with its item_id, to sort the nodes by it. */
typedef struct NodeRef
{
	const char *id;
	uint32_t	item;
	uint32_t	node;
} NodeRef;

static int
cmp_node_by_id(const void *x, const void *y)
{
	const NodeRef *p = x;
	const NodeRef *q = y;
	int			c = strcmp(p->id, q->id);

	return c != 0 ? c : (p->item > q->item) - (p->item < q->item);
}

typedef struct GroupSpan
{
	const char *first_id;		/* its smallest member's item_id */
	uint32_t	start;
	uint32_t	len;
} GroupSpan;

static int
cmp_span(const void *x, const void *y)
{
	return strcmp(((const GroupSpan *) x)->first_id, ((const GroupSpan *) y)->first_id);
}

/* The item_id of item of an array of them (groups_build). */
static const char *
id_in_array(const void *arg, uint32_t item)
{
	return ((const char *const *) arg)[item];
}

void
groups_build(size_t n_items, const Pair *pairs, size_t n_pairs,
			 const char *const *ids, Groups *out)
{
	if (!groups_build_cancellable(n_items, pairs, n_pairs, id_in_array, ids, NULL, out))
		memset(out, 0, sizeof(*out));	/* not reached: never cancelled */
}

/*
 * Joins every pair's two nodes in uf; false when cancelled says stop
 * (polled as it goes and once at the end).
 */
static bool
join_pairs(UnionFind *uf, const NodeSet *ns, const Pair *pairs, size_t n_pairs,
		   CancelFn cancelled)
{
	uint64_t	steps = 0;

	for (size_t i = 0; i < n_pairs; i++)
	{
		if (cancel_poll(cancelled, &steps))
			return false;
		uf_union(uf, node_of(ns, pairs[i].a), node_of(ns, pairs[i].b));
	}
	return !(cancelled != NULL && cancelled());
}

/*
 * Components of the nodes (refs, sorted by item_id) as spans of a bucketed
 * array of items: each component's members stay in item_id order, and
 * span.first_id is its smallest.  Returns the number of spans; the caller
 * frees *spans_out and *bucketed_out.
 */
static size_t
components_bucket(UnionFind *uf, const NodeRef *refs, size_t n_nodes,
				  GroupSpan **spans_out, uint32_t **bucketed_out)
{
	uint32_t   *root_count = xcalloc(n_nodes ? n_nodes : 1, sizeof(uint32_t));
	uint32_t   *root_start = xmalloc((n_nodes ? n_nodes : 1) * sizeof(uint32_t));
	GroupSpan  *spans = xmalloc((n_nodes ? n_nodes : 1) * sizeof(GroupSpan));
	uint32_t   *bucketed = xmalloc((n_nodes ? n_nodes : 1) * sizeof(uint32_t));
	size_t		n_spans = 0;
	uint32_t	pos = 0;

	for (size_t k = 0; k < n_nodes; k++)
		root_count[uf_find(uf, refs[k].node)]++;
	for (size_t k = 0; k < n_nodes; k++)
	{
		uint32_t	r = uf_find(uf, refs[k].node);

		if (root_count[r] != 0)
		{
			/* first time this root is seen: refs[k] is its smallest item_id */
			spans[n_spans].first_id = refs[k].id;
			spans[n_spans].start = pos;
			spans[n_spans].len = root_count[r];
			root_start[r] = pos;
			pos += root_count[r];
			root_count[r] = 0;
			n_spans++;
		}
	}
	assert(pos == n_nodes);
	/* stable bucket by root keeps the item_id order inside each component */
	for (size_t k = 0; k < n_nodes; k++)
		bucketed[root_start[uf_find(uf, refs[k].node)]++] = refs[k].item;
	free(root_start);
	free(root_count);
	*spans_out = spans;
	*bucketed_out = bucketed;
	return n_spans;
}

/*
 * Fills out (already zeroed; out->nodes set) from spans sorted by their
 * smallest item_id.
 */
static void
groups_fill(const GroupSpan *spans, size_t n_spans, const uint32_t *bucketed, size_t n_nodes,
			Groups *out)
{
	uint32_t	pos = 0;

	out->n_groups = n_spans;
	out->offsets = xmalloc((n_spans + 1) * sizeof(uint32_t));
	out->members = xmalloc((n_nodes ? n_nodes : 1) * sizeof(uint32_t));
	out->node_group = xmalloc((n_nodes ? n_nodes : 1) * sizeof(uint32_t));
	for (size_t g = 0; g < n_spans; g++)
	{
		assert(spans[g].len >= 2);	/* a component comes from at least one pair */
		out->offsets[g] = pos;
		for (uint32_t k = 0; k < spans[g].len; k++)
		{
			uint32_t	item = bucketed[spans[g].start + k];

			out->members[pos++] = item;
			out->node_group[node_of(&out->nodes, item)] = (uint32_t) g;
		}
	}
	assert(pos == n_nodes);
	out->offsets[n_spans] = pos;
}

bool
groups_build_cancellable(size_t n_items, const Pair *pairs, size_t n_pairs,
						 GroupIdFn id_of, const void *id_arg, CancelFn cancelled,
						 Groups *out)
{
	NodeSet		ns;
	UnionFind	uf;
	NodeRef    *refs;
	GroupSpan  *spans;
	uint32_t   *bucketed;
	size_t		n_spans;

	memset(out, 0, sizeof(*out));
	node_set_build(&ns, n_items, pairs, n_pairs);
	uf_init(&uf, ns.n);
	if (!join_pairs(&uf, &ns, pairs, n_pairs, cancelled))
	{
		node_set_free(&ns);
		uf_free(&uf);
		return false;
	}
	out->nodes = ns;			/* every node is in a group: groups_group_of's */

	/* the nodes, sorted by item_id so each component's run is too */
	refs = xmalloc((ns.n ? ns.n : 1) * sizeof(NodeRef));
	for (size_t w = 0, node = 0; w < ns.n_words; w++)
		for (uint64_t b = ns.bits[w]; b != 0; b &= b - 1, node++)
		{
			uint32_t	item = (uint32_t) (w * 64 + (size_t) __builtin_ctzll(b));

			refs[node] = (NodeRef) {id_of(id_arg, item), item, (uint32_t) node};
		}
	qsort(refs, ns.n, sizeof(NodeRef), cmp_node_by_id);

	n_spans = components_bucket(&uf, refs, ns.n, &spans, &bucketed);
	qsort(spans, n_spans, sizeof(GroupSpan), cmp_span);
	groups_fill(spans, n_spans, bucketed, ns.n, out);

	free(bucketed);
	free(spans);
	free(refs);
	uf_free(&uf);
	return true;
}

void
groups_free(Groups *g)
{
	free(g->offsets);
	free(g->members);
	free(g->node_group);
	node_set_free(&g->nodes);
	memset(g, 0, sizeof(*g));
}

static int
cmp_prev_by_item(const void *x, const void *y)
{
	return strcmp(((const PrevMember *) x)->item_id, ((const PrevMember *) y)->item_id);
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x;
	int64_t		b = *(const int64_t *) y;

	return (a > b) - (a < b);
}

/* One (new group, previous group) overlap. */
typedef struct Overlap
{
	uint32_t	prev;			/* index into the sorted distinct previous ids */
	uint32_t	count;			/* items they share */
} Overlap;

static int
cmp_overlap(const void *x, const void *y)
{
	const Overlap *p = x;
	const Overlap *q = y;

	return (p->prev > q->prev) - (p->prev < q->prev);
}

/* true when claimant g beats claimant h for a previous group */
static bool
claim_beats(uint32_t count_g, const char *first_g, uint32_t count_h, const char *first_h)
{
	if (count_g != count_h)
		return count_g > count_h;
	return strcmp(first_g, first_h) < 0;
}

/* The previous published groups, indexed for the claims. */
typedef struct PrevIndex
{
	PrevMember *by_item;		/* copy of prev, sorted by item_id */
	size_t		n_prev;
	int64_t    *pids;			/* distinct previous ids, ascending = age order */
	size_t		n_pids;
	uint32_t   *size;			/* per pids index: its members */
	uint32_t   *parts;			/* per pids index: new groups sharing items with it */
} PrevIndex;

/* Index of previous group id in px->pids; the id is always there. */
static uint32_t
prev_index_of(const PrevIndex *px, int64_t group_id)
{
	int64_t    *at = bsearch(&group_id, px->pids, px->n_pids, sizeof(int64_t), cmp_i64);

	assert(at != NULL);
	return (uint32_t) (at - px->pids);
}

/* Fills px from prev (borrowed; px owns its arrays: prev_index_free). */
static void
prev_index_build(PrevIndex *px, const PrevMember *prev, size_t n_prev)
{
	px->n_prev = n_prev;
	px->by_item = xmalloc((n_prev ? n_prev : 1) * sizeof(PrevMember));
	px->pids = xmalloc((n_prev ? n_prev : 1) * sizeof(int64_t));
	px->n_pids = 0;
	if (n_prev > 0)
		memcpy(px->by_item, prev, n_prev * sizeof(PrevMember));
	qsort(px->by_item, n_prev, sizeof(PrevMember), cmp_prev_by_item);

	for (size_t i = 0; i < n_prev; i++)
		px->pids[i] = prev[i].group_id;
	qsort(px->pids, n_prev, sizeof(int64_t), cmp_i64);
	for (size_t i = 0; i < n_prev; i++)
		if (px->n_pids == 0 || px->pids[px->n_pids - 1] != px->pids[i])
			px->pids[px->n_pids++] = px->pids[i];

	px->size = xcalloc(px->n_pids ? px->n_pids : 1, sizeof(uint32_t));
	px->parts = xcalloc(px->n_pids ? px->n_pids : 1, sizeof(uint32_t));
	for (size_t i = 0; i < n_prev; i++)
		px->size[prev_index_of(px, prev[i].group_id)]++;
}

static void
prev_index_free(PrevIndex *px)
{
	free(px->parts);
	free(px->size);
	free(px->pids);
	free(px->by_item);
}

/*
 * Overlaps of every new group with the previous groups: group g's are
 * ov[start[g]..start[g+1]), ascending previous index (= preference order),
 * each previous group once with the count of items they share.  Counts
 * px->parts.  The caller frees *ov_out and *start_out.
 */
static void
overlaps_build(size_t n_groups, const uint32_t *offsets, const char *const *member_ids,
			   PrevIndex *px, Overlap **ov_out, uint32_t **start_out)
{
	size_t		n_members = n_groups ? offsets[n_groups] : 0;
	Overlap    *ov = xmalloc((n_members ? n_members : 1) * sizeof(Overlap));
	uint32_t   *start = xmalloc((n_groups + 1) * sizeof(uint32_t));
	size_t		n_ov = 0;

	for (size_t g = 0; g < n_groups; g++)
	{
		size_t		first = n_ov;

		assert(offsets[g] <= offsets[g + 1]);
		start[g] = (uint32_t) n_ov;
		for (uint32_t k = offsets[g]; k < offsets[g + 1]; k++)
		{
			PrevMember	key = {0, member_ids[k]};
			PrevMember *hit = bsearch(&key, px->by_item, px->n_prev, sizeof(PrevMember),
									  cmp_prev_by_item);

			if (hit == NULL)
				continue;
			ov[n_ov].prev = prev_index_of(px, hit->group_id);
			ov[n_ov].count = 1;
			n_ov++;
		}
		qsort(ov + first, n_ov - first, sizeof(Overlap), cmp_overlap);
		/* run-length the sorted previous indices */
		size_t		w = first;

		for (size_t r = first; r < n_ov; r++)
		{
			if (w > first && ov[w - 1].prev == ov[r].prev)
				ov[w - 1].count++;
			else
				ov[w++] = ov[r];
		}
		n_ov = w;
		for (size_t r = first; r < n_ov; r++)
			px->parts[ov[r].prev]++;
	}
	start[n_groups] = (uint32_t) n_ov;
	*ov_out = ov;
	*start_out = start;
}

/*
 * Deferred acceptance: free new groups propose to their next previous
 * group in age order; a previous group holds the best claimant so far.
 * out_ids[g] gets the id group g holds, 0 when none.
 */
static void
claim_ids(size_t n_groups, const uint32_t *offsets, const char *const *member_ids,
		  const PrevIndex *px, const Overlap *ov, const uint32_t *ov_start,
		  int64_t *out_ids)
{
	size_t		n_pids = px->n_pids;
	uint32_t   *holder = xmalloc((n_pids ? n_pids : 1) * sizeof(uint32_t));
	uint32_t   *holder_count = xcalloc(n_pids ? n_pids : 1, sizeof(uint32_t));
	uint32_t   *next = xcalloc(n_groups ? n_groups : 1, sizeof(uint32_t));
	uint32_t   *stack = xmalloc((n_groups ? n_groups : 1) * sizeof(uint32_t));
	size_t		top = 0;

	for (size_t p = 0; p < n_pids; p++)
		holder[p] = GROUP_NONE;
	for (size_t g = n_groups; g-- > 0;)
		stack[top++] = (uint32_t) g;
	while (top > 0)
	{
		uint32_t	g = stack[--top];
		uint32_t	i = ov_start[g] + next[g];

		if (i >= ov_start[g + 1])
			continue;			/* nothing left to claim: new id */
		next[g]++;

		uint32_t	p = ov[i].prev;
		uint32_t	h = holder[p];

		if (h == GROUP_NONE)
		{
			holder[p] = g;
			holder_count[p] = ov[i].count;
		}
		else if (claim_beats(ov[i].count, member_ids[offsets[g]],
							 holder_count[p], member_ids[offsets[h]]))
		{
			holder[p] = g;
			holder_count[p] = ov[i].count;
			stack[top++] = h;
		}
		else
			stack[top++] = g;
		assert(top <= n_groups);
	}
	for (size_t g = 0; g < n_groups; g++)
		out_ids[g] = 0;
	for (size_t p = 0; p < n_pids; p++)
		if (holder[p] != GROUP_NONE)
			out_ids[holder[p]] = px->pids[p];

	free(stack);
	free(next);
	free(holder_count);
	free(holder);
}

/* The run diff from the overlaps (diff is zeroed by the caller). */
static void
diff_count(size_t n_groups, const uint32_t *offsets, const PrevIndex *px,
		   const Overlap *ov, const uint32_t *ov_start, GroupDiff *diff)
{
	for (size_t p = 0; p < px->n_pids; p++)
	{
		if (px->parts[p] == 0)
			diff->dissolved++;
		else if (px->parts[p] >= 2)
			diff->split++;
	}
	for (size_t g = 0; g < n_groups; g++)
	{
		uint32_t	n_over = ov_start[g + 1] - ov_start[g];
		uint32_t	size = offsets[g + 1] - offsets[g];

		if (n_over == 0)
			diff->new_groups++;
		else if (n_over >= 2)
			diff->merged++;
		else
		{
			const Overlap *o = &ov[ov_start[g]];

			if (px->parts[o->prev] >= 2)
				continue;		/* counted once as a split of its previous group */
			if (size > o->count)
				diff->grown++;
			else if (px->size[o->prev] > o->count)
				diff->shrunk++;
			else
				diff->unchanged++;
		}
	}
}

void
groups_assign_ids(size_t n_groups, const uint32_t *offsets,
				  const char *const *member_ids,
				  const PrevMember *prev, size_t n_prev,
				  int64_t *out_ids, GroupDiff *diff)
{
	PrevIndex	px;
	Overlap    *ov;
	uint32_t   *ov_start;

	memset(diff, 0, sizeof(*diff));
	prev_index_build(&px, prev, n_prev);
	overlaps_build(n_groups, offsets, member_ids, &px, &ov, &ov_start);
	claim_ids(n_groups, offsets, member_ids, &px, ov, ov_start, out_ids);
	diff_count(n_groups, offsets, &px, ov, ov_start, diff);
	free(ov_start);
	free(ov);
	prev_index_free(&px);
}

static const char *const action_names[] = {"keep", "remove_candidate", "review"};

const char *
groups_action_name(Action a)
{
	return action_names[a];
}

/* true when member x is a better one to keep than y */
static bool
better_keep(const MemberFacts *x, const MemberFacts *y)
{
	if (x->has_error != y->has_error)
		return !x->has_error;
	if (x->created_at != y->created_at)
		return x->created_at > y->created_at;
	return strcmp(x->item_id, y->item_id) < 0;
}

/* qsort context: the members being ordered by owner */
static _Thread_local const MemberFacts *sort_facts;

/* By owner_id; each null owner is an owner of its own (ordered by position). */
static int
cmp_by_owner(const void *x, const void *y)
{
	size_t		i = *(const size_t *) x;
	size_t		j = *(const size_t *) y;
	const char *a = sort_facts[i].owner_id;
	const char *b = sort_facts[j].owner_id;

	if (a == NULL || b == NULL)
	{
		if (a != NULL || b != NULL)
			return a == NULL ? 1 : -1;
		return (i > j) - (i < j);
	}
	int			c = strcmp(a, b);

	return c ? c : (i > j) - (i < j);
}

static bool
same_owner(const MemberFacts *m, size_t i, size_t j)
{
	if (m[i].owner_id == NULL || m[j].owner_id == NULL)
		return i == j;
	return strcmp(m[i].owner_id, m[j].owner_id) == 0;
}

size_t
groups_suggest_actions(const MemberFacts *m, size_t n, Action *actions)
{
	size_t		owners = 0;
	size_t		best = 0;
	size_t	   *order;

	if (n == 0)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (better_keep(&m[i], &m[best]))
			best = i;

	/* members ordered by owner: each owner's items are one run */
	order = xmalloc(n * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_facts = m;
	qsort(order, n, sizeof(size_t), cmp_by_owner);
	for (size_t r = 0; r < n;)
	{
		size_t		end = r + 1;
		size_t		keep = order[r];

		while (end < n && same_owner(m, order[r], order[end]))
			end++;
		for (size_t k = r; k < end; k++)
			if (better_keep(&m[order[k]], &m[keep]))
				keep = order[k];
		for (size_t k = r; k < end; k++)
		{
			size_t		i = order[k];

			if (i != keep)
				actions[i] = ACTION_REMOVE_CANDIDATE;
			else if (same_owner(m, i, best))
				actions[i] = ACTION_KEEP;
			else
				actions[i] = ACTION_REVIEW;
		}
		owners++;
		r = end;
	}
	free(order);
	return owners;
}

void
groups_members_hash(const char *const *ids, size_t n, char out[33])
{
	XXH3_state_t *st = XXH3_createState();
	XXH128_hash_t h;

	if (st == NULL)
		xoom(0);

	XXH3_128bits_reset(st);
	for (size_t i = 0; i < n; i++)
	{
		if (i > 0)
			XXH3_128bits_update(st, "\n", 1);
		XXH3_128bits_update(st, ids[i], strlen(ids[i]));
	}
	h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long) h.high64,
			 (unsigned long long) h.low64);
}
