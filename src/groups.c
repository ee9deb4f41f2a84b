/*
 * groups.c — union-find, stable ids, diff counts, suggested actions.
 */
#include "groups.h"

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

/* qsort has no context argument: the ids being sorted on, per thread. */
static _Thread_local const char *const *sort_ids;

static int
cmp_item_by_id(const void *x, const void *y)
{
	return strcmp(sort_ids[*(const uint32_t *) x], sort_ids[*(const uint32_t *) y]);
}

typedef struct GroupSpan
{
	uint32_t	first;			/* smallest member, item index */
	uint32_t	start;
	uint32_t	len;
} GroupSpan;

static int
cmp_span(const void *x, const void *y)
{
	const GroupSpan *p = x;
	const GroupSpan *q = y;

	return strcmp(sort_ids[p->first], sort_ids[q->first]);
}

void
groups_build(size_t n_items, const Pair *pairs, size_t n_pairs,
			 const char *const *ids, Groups *out)
{
	if (!groups_build_cancellable(n_items, pairs, n_pairs, ids, NULL, out))
		memset(out, 0, sizeof(*out));	/* not reached: never cancelled */
}

bool
groups_build_cancellable(size_t n_items, const Pair *pairs, size_t n_pairs,
						 const char *const *ids, CancelFn cancelled, Groups *out)
{
	UnionFind	uf;
	uint32_t   *in_pair;
	uint32_t   *nodes;
	size_t		n_nodes = 0;
	uint64_t	steps = 0;

	memset(out, 0, sizeof(*out));
	uf_init(&uf, n_items);
	in_pair = xcalloc(n_items ? n_items : 1, sizeof(uint32_t));
	for (size_t i = 0; i < n_pairs; i++)
	{
		if (cancel_poll(cancelled, &steps))
		{
			free(in_pair);
			uf_free(&uf);
			return false;
		}
		uf_union(&uf, pairs[i].a, pairs[i].b);
		in_pair[pairs[i].a] = in_pair[pairs[i].b] = 1;
	}
	if (cancelled != NULL && cancelled())
	{
		free(in_pair);
		uf_free(&uf);
		return false;
	}

	/* nodes in any pair, sorted by (root, item_id) so components are runs */
	nodes = xmalloc((n_items ? n_items : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n_items; i++)
		if (in_pair[i])
			nodes[n_nodes++] = (uint32_t) i;
	sort_ids = ids;
	qsort(nodes, n_nodes, sizeof(uint32_t), cmp_item_by_id);

	/* stable bucket by root keeps the item_id order inside each component */
	uint32_t   *root_count = xcalloc(n_items ? n_items : 1, sizeof(uint32_t));
	uint32_t   *root_start = xmalloc((n_items ? n_items : 1) * sizeof(uint32_t));
	GroupSpan  *spans = xmalloc((n_nodes ? n_nodes : 1) * sizeof(GroupSpan));
	size_t		n_spans = 0;
	uint32_t	pos = 0;

	for (size_t k = 0; k < n_nodes; k++)
		root_count[uf_find(&uf, nodes[k])]++;
	for (size_t k = 0; k < n_nodes; k++)
	{
		uint32_t	r = uf_find(&uf, nodes[k]);

		if (root_count[r] != 0)
		{
			/* first time this root is seen: nodes[k] is its smallest item_id */
			spans[n_spans].first = nodes[k];
			spans[n_spans].start = pos;
			spans[n_spans].len = root_count[r];
			root_start[r] = pos;
			pos += root_count[r];
			root_count[r] = 0;
			n_spans++;
		}
	}
	uint32_t   *bucketed = xmalloc((n_nodes ? n_nodes : 1) * sizeof(uint32_t));

	for (size_t k = 0; k < n_nodes; k++)
		bucketed[root_start[uf_find(&uf, nodes[k])]++] = nodes[k];
	qsort(spans, n_spans, sizeof(GroupSpan), cmp_span);

	out->n_groups = n_spans;
	out->offsets = xmalloc((n_spans + 1) * sizeof(uint32_t));
	out->members = xmalloc((n_nodes ? n_nodes : 1) * sizeof(uint32_t));
	out->group_of = xmalloc((n_items ? n_items : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n_items; i++)
		out->group_of[i] = GROUP_NONE;
	pos = 0;
	for (size_t g = 0; g < n_spans; g++)
	{
		out->offsets[g] = pos;
		for (uint32_t k = 0; k < spans[g].len; k++)
		{
			uint32_t	item = bucketed[spans[g].start + k];

			out->members[pos++] = item;
			out->group_of[item] = (uint32_t) g;
		}
	}
	out->offsets[n_spans] = pos;

	free(bucketed);
	free(spans);
	free(root_start);
	free(root_count);
	free(nodes);
	free(in_pair);
	uf_free(&uf);
	return true;
}

void
groups_free(Groups *g)
{
	free(g->offsets);
	free(g->members);
	free(g->group_of);
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

void
groups_assign_ids(size_t n_groups, const uint32_t *offsets,
				  const char *const *member_ids,
				  const PrevMember *prev, size_t n_prev,
				  int64_t *out_ids, GroupDiff *diff)
{
	PrevMember *by_item = xmalloc((n_prev ? n_prev : 1) * sizeof(PrevMember));
	int64_t    *pids = xmalloc((n_prev ? n_prev : 1) * sizeof(int64_t));
	size_t		n_pids = 0;

	memset(diff, 0, sizeof(*diff));
	if (n_prev > 0)
		memcpy(by_item, prev, n_prev * sizeof(PrevMember));
	qsort(by_item, n_prev, sizeof(PrevMember), cmp_prev_by_item);

	/* distinct previous ids, ascending: index order is age order */
	for (size_t i = 0; i < n_prev; i++)
		pids[i] = prev[i].group_id;
	qsort(pids, n_prev, sizeof(int64_t), cmp_i64);
	for (size_t i = 0; i < n_prev; i++)
		if (n_pids == 0 || pids[n_pids - 1] != pids[i])
			pids[n_pids++] = pids[i];

	uint32_t   *prev_size = xcalloc(n_pids ? n_pids : 1, sizeof(uint32_t));
	uint32_t   *prev_parts = xcalloc(n_pids ? n_pids : 1, sizeof(uint32_t));

	for (size_t i = 0; i < n_prev; i++)
	{
		int64_t    *at = bsearch(&prev[i].group_id, pids, n_pids, sizeof(int64_t), cmp_i64);

		prev_size[at - pids]++;
	}

	/* overlaps of each new group, ascending previous id = preference order */
	size_t		n_members = n_groups ? offsets[n_groups] : 0;
	Overlap    *ov = xmalloc((n_members ? n_members : 1) * sizeof(Overlap));
	uint32_t   *ov_start = xmalloc((n_groups + 1) * sizeof(uint32_t));
	size_t		n_ov = 0;

	for (size_t g = 0; g < n_groups; g++)
	{
		size_t		first = n_ov;

		ov_start[g] = (uint32_t) n_ov;
		for (uint32_t k = offsets[g]; k < offsets[g + 1]; k++)
		{
			PrevMember	key = {0, member_ids[k]};
			PrevMember *hit = bsearch(&key, by_item, n_prev, sizeof(PrevMember),
									  cmp_prev_by_item);

			if (hit == NULL)
				continue;
			int64_t    *at = bsearch(&hit->group_id, pids, n_pids, sizeof(int64_t), cmp_i64);

			ov[n_ov].prev = (uint32_t) (at - pids);
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
			prev_parts[ov[r].prev]++;
	}
	ov_start[n_groups] = (uint32_t) n_ov;

	/*
	 * Deferred acceptance: free new groups propose to their next previous
	 * group in age order; a previous group holds the best claimant so far.
	 */
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
	}
	for (size_t g = 0; g < n_groups; g++)
		out_ids[g] = 0;
	for (size_t p = 0; p < n_pids; p++)
		if (holder[p] != GROUP_NONE)
			out_ids[holder[p]] = pids[p];

	/* the run diff */
	for (size_t p = 0; p < n_pids; p++)
	{
		if (prev_parts[p] == 0)
			diff->dissolved++;
		else if (prev_parts[p] >= 2)
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

			if (prev_parts[o->prev] >= 2)
				continue;		/* counted once as a split of its previous group */
			if (size > o->count)
				diff->grown++;
			else if (prev_size[o->prev] > o->count)
				diff->shrunk++;
			else
				diff->unchanged++;
		}
	}

	free(stack);
	free(next);
	free(holder_count);
	free(holder);
	free(ov_start);
	free(ov);
	free(prev_parts);
	free(prev_size);
	free(pids);
	free(by_item);
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
