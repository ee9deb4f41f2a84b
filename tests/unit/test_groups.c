/*
 * test_groups.c — union-find, group order, stable group ids and the run
 * diff, suggested actions and members_hash (docs/OPERATIONS.md "Stable
 * group ids", README.md "For analysts").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "groups.h"
#include "suites.h"

START_TEST(test_uf_basics)
{
	UnionFind	uf;

	uf_init(&uf, 6);
	for (uint32_t i = 0; i < 6; i++)
		ck_assert_uint_eq(uf_find(&uf, i), i);
	ck_assert(uf_union(&uf, 0, 1));
	ck_assert(!uf_union(&uf, 1, 0));
	ck_assert(!uf_union(&uf, 0, 0));
	ck_assert(uf_union(&uf, 2, 3));
	ck_assert_uint_eq(uf_find(&uf, 0), uf_find(&uf, 1));
	ck_assert_uint_ne(uf_find(&uf, 0), uf_find(&uf, 2));
	ck_assert(uf_union(&uf, 1, 3));
	ck_assert_uint_eq(uf_find(&uf, 0), uf_find(&uf, 3));
	ck_assert_uint_eq(uf_find(&uf, 2), uf_find(&uf, 1));
	ck_assert(!uf_union(&uf, 0, 2));
	ck_assert_uint_ne(uf_find(&uf, 4), uf_find(&uf, 0));
	ck_assert_uint_ne(uf_find(&uf, 4), uf_find(&uf, 5));
	ck_assert_uint_eq(uf_find(&uf, 5), 5);
	uf_free(&uf);

	/* a long chain joined in the worst order still ends in one set */
	uf_init(&uf, 20000);
	for (uint32_t i = 19999; i > 0; i--)
		ck_assert(uf_union(&uf, i, i - 1));
	for (uint32_t i = 0; i < 20000; i += 997)
		ck_assert_uint_eq(uf_find(&uf, i), uf_find(&uf, 19999));
	uf_free(&uf);
}
END_TEST

/* Group g's member item_ids joined by ',' into buf. */
static const char *
group_ids(const Groups *g, size_t gi, const char *const *ids, char *buf, size_t size)
{
	size_t		n = 0;

	buf[0] = '\0';
	for (uint32_t k = g->offsets[gi]; k < g->offsets[gi + 1]; k++)
		n += (size_t) snprintf(buf + n, size - n, "%s%s", k > g->offsets[gi] ? "," : "",
							   ids[g->members[k]]);
	return buf;
}

/*
 * Items (by id) d b a c e f z; edges d-b, b-e, a-f: groups {a,f} then
 * {b,d,e}; c and z are in none.  The same graph under several index
 * orders and pair orders must give the same groups.
 */
START_TEST(test_groups_build_order)
{
	static const char *const names[7] = {"d", "b", "a", "c", "e", "f", "z"};
	static const int edges[3][2] = {{0, 1}, {1, 4}, {2, 5}};
	static const int perms[4][7] = {
		{0, 1, 2, 3, 4, 5, 6},
		{6, 5, 4, 3, 2, 1, 0},
		{3, 6, 0, 5, 1, 4, 2},
		{2, 0, 1, 6, 3, 5, 4},
	};
	const int  *perm = perms[_i];	/* name index -> item index */
	const char *ids[7];
	Pair		pairs[4];
	Groups		g;
	char		buf[64];

	for (int n = 0; n < 7; n++)
		ids[perm[n]] = names[n];
	for (int e = 0; e < 3; e++)
	{
		int			ei = _i % 2 ? 2 - e : e;	/* pair order varies too */
		uint32_t	x = (uint32_t) perm[edges[ei][0]];
		uint32_t	y = (uint32_t) perm[edges[ei][1]];

		memset(&pairs[e], 0, sizeof(Pair));
		pairs[e].a = x < y ? x : y;
		pairs[e].b = x < y ? y : x;
	}
	pairs[3] = pairs[0];		/* a repeated pair changes nothing */
	groups_build(7, pairs, 4, ids, &g);

	ck_assert_uint_eq(g.n_groups, 2);
	ck_assert_str_eq(group_ids(&g, 0, ids, buf, sizeof(buf)), "a,f");
	ck_assert_str_eq(group_ids(&g, 1, ids, buf, sizeof(buf)), "b,d,e");
	ck_assert_uint_eq(g.offsets[0], 0);
	ck_assert_uint_eq(g.offsets[2], 5);
	ck_assert_uint_eq(groups_group_of(&g, perm[2]), 0);	/* a */
	ck_assert_uint_eq(groups_group_of(&g, perm[5]), 0);	/* f */
	ck_assert_uint_eq(groups_group_of(&g, perm[0]), 1);	/* d */
	ck_assert_uint_eq(groups_group_of(&g, perm[4]), 1);	/* e */
	ck_assert_uint_eq(groups_group_of(&g, perm[3]), GROUP_NONE);	/* c */
	ck_assert_uint_eq(groups_group_of(&g, perm[6]), GROUP_NONE);	/* z */
	groups_free(&g);
}
END_TEST

START_TEST(test_groups_build_byte_order_and_empty)
{
	const char *ids[4] = {"a", "B", "item_10", "item_9"};
	Pair		pairs[2];
	Groups		g;
	char		buf[64];

	memset(pairs, 0, sizeof(pairs));
	pairs[0].a = 0, pairs[0].b = 1;
	pairs[1].a = 2, pairs[1].b = 3;
	groups_build(4, pairs, 2, ids, &g);
	/* collation "C": 'B' (0x42) before 'a'; "item_10" before "item_9" */
	ck_assert_uint_eq(g.n_groups, 2);
	ck_assert_str_eq(group_ids(&g, 0, ids, buf, sizeof(buf)), "B,a");
	ck_assert_str_eq(group_ids(&g, 1, ids, buf, sizeof(buf)), "item_10,item_9");
	groups_free(&g);

	groups_build(4, pairs, 0, ids, &g);
	ck_assert_uint_eq(g.n_groups, 0);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(groups_group_of(&g, i), GROUP_NONE);
	groups_free(&g);
	groups_build(0, NULL, 0, NULL, &g);
	ck_assert_uint_eq(g.n_groups, 0);
	groups_free(&g);
}
END_TEST

/*
 * Assign ids to new groups written as "a,b|c,d,e" (members sorted within
 * each group) against previous groups given as (id, item) pairs.
 */
typedef struct Assigned
{
	int64_t		ids[8];
	GroupDiff	diff;
} Assigned;

static void
assign(const char *spec, const PrevMember *prev, size_t n_prev, Assigned *out)
{
	char		copy[256];
	const char *members[64];
	uint32_t	offsets[9];
	size_t		n_groups = 0;
	size_t		n = 0;
	char	   *save_g = NULL;

	snprintf(copy, sizeof(copy), "%s", spec);
	for (char *grp = strtok_r(copy, "|", &save_g); grp != NULL; grp = strtok_r(NULL, "|", &save_g))
	{
		char	   *save_m = NULL;

		offsets[n_groups++] = (uint32_t) n;
		for (char *m = strtok_r(grp, ",", &save_m); m != NULL; m = strtok_r(NULL, ",", &save_m))
			members[n++] = m;
	}
	offsets[n_groups] = (uint32_t) n;
	for (int i = 0; i < 8; i++)
		out->ids[i] = -1;
	groups_assign_ids(n_groups, offsets, members, prev, n_prev, out->ids, &out->diff);
}

/* The diff as "new grown shrunk merged split dissolved unchanged". */
static const char *
diff_str(const GroupDiff *d, char *buf, size_t size)
{
	snprintf(buf, size, "new=%llu grown=%llu shrunk=%llu merged=%llu split=%llu "
			 "dissolved=%llu unchanged=%llu",
			 (unsigned long long) d->new_groups, (unsigned long long) d->grown,
			 (unsigned long long) d->shrunk, (unsigned long long) d->merged,
			 (unsigned long long) d->split, (unsigned long long) d->dissolved,
			 (unsigned long long) d->unchanged);
	return buf;
}

#define ASSERT_DIFF(d, expect) do { char _b[160]; \
	ck_assert_str_eq(diff_str(&(d), _b, sizeof(_b)), (expect)); } while (0)

START_TEST(test_assign_unchanged_grown_shrunk)
{
	const PrevMember p2[] = {{10, "a"}, {10, "b"}};
	const PrevMember p3[] = {{10, "c"}, {10, "a"}, {10, "b"}};
	Assigned	r;

	assign("a,b", p2, 2, &r);
	ck_assert_int_eq(r.ids[0], 10);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=0 split=0 dissolved=0 unchanged=1");

	assign("a,b,c", p2, 2, &r);
	ck_assert_int_eq(r.ids[0], 10);
	ASSERT_DIFF(r.diff, "new=0 grown=1 shrunk=0 merged=0 split=0 dissolved=0 unchanged=0");

	assign("a,b", p3, 3, &r);
	ck_assert_int_eq(r.ids[0], 10);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=1 merged=0 split=0 dissolved=0 unchanged=0");
}
END_TEST

START_TEST(test_assign_new_and_dissolved)
{
	const PrevMember p[] = {{10, "a"}, {10, "b"}, {11, "c"}, {11, "d"}};
	Assigned	r;

	assign("x,y", p, 2, &r);
	ck_assert_int_eq(r.ids[0], 0);
	ASSERT_DIFF(r.diff, "new=1 grown=0 shrunk=0 merged=0 split=0 dissolved=1 unchanged=0");

	assign("a,b|x,y", p, 4, &r);
	ck_assert_int_eq(r.ids[0], 10);
	ck_assert_int_eq(r.ids[1], 0);
	ASSERT_DIFF(r.diff, "new=1 grown=0 shrunk=0 merged=0 split=0 dissolved=1 unchanged=1");

	/* no previous run: every group is new */
	assign("a,b|c,d", NULL, 0, &r);
	ck_assert_int_eq(r.ids[0], 0);
	ck_assert_int_eq(r.ids[1], 0);
	ASSERT_DIFF(r.diff, "new=2 grown=0 shrunk=0 merged=0 split=0 dissolved=0 unchanged=0");

	/* no groups now: every previous group dissolved */
	assign("", p, 4, &r);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=0 split=0 dissolved=2 unchanged=0");
}
END_TEST

START_TEST(test_assign_merge_keeps_oldest)
{
	/* the younger group holds more of the items; the oldest id still wins */
	const PrevMember p[] = {{5, "a"}, {5, "b"}, {5, "c"}, {3, "x"}, {3, "y"}};
	/* ids compare as numbers: 20 is older than 100 */
	const PrevMember q[] = {{100, "a"}, {100, "b"}, {20, "c"}, {20, "d"}};
	Assigned	r;

	assign("a,b,c,x,y", p, 5, &r);
	ck_assert_int_eq(r.ids[0], 3);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=1 split=0 dissolved=0 unchanged=0");

	assign("a,b,c,d", q, 4, &r);
	ck_assert_int_eq(r.ids[0], 20);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=1 split=0 dissolved=0 unchanged=0");
}
END_TEST

START_TEST(test_assign_split)
{
	const PrevMember p5[] = {{7, "e"}, {7, "a"}, {7, "c"}, {7, "b"}, {7, "d"}};
	const PrevMember p4[] = {{7, "a"}, {7, "b"}, {7, "c"}, {7, "d"}};
	Assigned	r;

	/* the part holding most old items keeps the id, the other gets a new one */
	assign("a,b|c,d,e", p5, 5, &r);
	ck_assert_int_eq(r.ids[0], 0);
	ck_assert_int_eq(r.ids[1], 7);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=0 split=1 dissolved=0 unchanged=0");

	/* tie: the part with the smallest item_id, whatever the group order */
	assign("a,b|c,d", p4, 4, &r);
	ck_assert_int_eq(r.ids[0], 7);
	ck_assert_int_eq(r.ids[1], 0);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=0 split=1 dissolved=0 unchanged=0");
	assign("c,d|a,b", p4, 4, &r);
	ck_assert_int_eq(r.ids[0], 0);
	ck_assert_int_eq(r.ids[1], 7);

	/* new items count for nothing: 'a,x,y,z' holds one old item, 'b,c' two */
	assign("a,x,y,z|b,c", p4, 4, &r);
	ck_assert_int_eq(r.ids[0], 0);
	ck_assert_int_eq(r.ids[1], 7);
}
END_TEST

START_TEST(test_assign_split_and_merge)
{
	/*
	 * prev 3 {a,b,c}, prev 5 {d,e}; now {a,b} and {c,d,e}.  {c,d,e} would
	 * take 3 (oldest) but {a,b} holds more of 3's items, so it takes 5.
	 */
	const PrevMember p[] = {{3, "a"}, {3, "b"}, {3, "c"}, {5, "d"}, {5, "e"}};
	Assigned	r;

	assign("a,b|c,d,e", p, 5, &r);
	ck_assert_int_eq(r.ids[0], 3);
	ck_assert_int_eq(r.ids[1], 5);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=1 split=1 dissolved=0 unchanged=0");

	/* two unchanged groups keep their own ids */
	assign("a,b,c|d,e", p, 5, &r);
	ck_assert_int_eq(r.ids[0], 3);
	ck_assert_int_eq(r.ids[1], 5);
	ASSERT_DIFF(r.diff, "new=0 grown=0 shrunk=0 merged=0 split=0 dissolved=0 unchanged=2");
}
END_TEST

static size_t
suggest(const MemberFacts *m, size_t n, char *out, size_t size)
{
	Action		act[16];
	size_t		owners = groups_suggest_actions(m, n, act);
	size_t		w = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		w += (size_t) snprintf(out + w, size - w, "%s%s=%s", i ? " " : "", m[i].item_id,
							   groups_action_name(act[i]));
	return owners;
}

START_TEST(test_actions_single_owner)
{
	char		buf[256];
	MemberFacts m[3] = {
		{"i1", "u1", 100, false},
		{"i2", "u1", 300, false},
		{"i3", "u1", 200, false},
	};

	ck_assert_uint_eq(suggest(m, 3, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "i1=remove_candidate i2=keep i3=remove_candidate");

	/* the newest has item.error: the newest without one is kept */
	m[1].has_error = true;
	ck_assert_uint_eq(suggest(m, 3, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "i1=remove_candidate i2=remove_candidate i3=keep");

	/* every one in error: the newest of them */
	m[0].has_error = m[2].has_error = true;
	suggest(m, 3, buf, sizeof(buf));
	ck_assert_str_eq(buf, "i1=remove_candidate i2=keep i3=remove_candidate");

	/* only the oldest is without error: it is kept */
	m[0].has_error = false;
	suggest(m, 3, buf, sizeof(buf));
	ck_assert_str_eq(buf, "i1=keep i2=remove_candidate i3=remove_candidate");
}
END_TEST

START_TEST(test_actions_tie_smallest_item_id)
{
	char		buf[256];
	const MemberFacts m[3] = {
		{"b", "u1", 100, false},
		{"a", "u1", 100, false},
		{"c", "u1", 100, false},
	};
	const MemberFacts n[2] = {
		{"a", "u1", 100, false},
		{"B", "u1", 100, false},	/* byte order: "B" < "a" */
	};

	suggest(m, 3, buf, sizeof(buf));
	ck_assert_str_eq(buf, "b=remove_candidate a=keep c=remove_candidate");
	suggest(n, 2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a=remove_candidate B=keep");
}
END_TEST

START_TEST(test_actions_cross_owner)
{
	char		buf[256];
	const MemberFacts m[4] = {
		{"i1", "u1", 100, false},
		{"i2", "u1", 300, false},
		{"i3", "u2", 200, false},
		{"i4", "u2", 50, false},
	};
	/* the best item overall decides the primary owner: no error beats newer */
	const MemberFacts e[2] = {
		{"i1", "u1", 900, true},
		{"i2", "u2", 100, false},
	};

	ck_assert_uint_eq(suggest(m, 4, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "i1=remove_candidate i2=keep i3=review i4=remove_candidate");
	ck_assert_uint_eq(suggest(e, 2, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "i1=review i2=keep");
}
END_TEST

START_TEST(test_actions_null_owners)
{
	char		buf[256];
	const MemberFacts m[3] = {
		{"i1", NULL, 100, false},
		{"i2", NULL, 200, false},
		{"i3", "u1", 50, false},
	};
	const MemberFacts two[2] = {
		{"i1", NULL, 100, false},
		{"i2", NULL, 100, false},
	};

	/* each null owner is an owner of its own: never a remove candidate */
	ck_assert_uint_eq(suggest(m, 3, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "i1=review i2=keep i3=review");
	ck_assert_uint_eq(suggest(two, 2, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "i1=keep i2=review");
	ck_assert_uint_eq(groups_suggest_actions(m, 0, NULL), 0);
	ck_assert_str_eq(groups_action_name(ACTION_KEEP), "keep");
	ck_assert_str_eq(groups_action_name(ACTION_REMOVE_CANDIDATE), "remove_candidate");
	ck_assert_str_eq(groups_action_name(ACTION_REVIEW), "review");
}
END_TEST

/* The expected hash from xxHash's canonical (big-endian) form. */
static void
canonical_hex(const char *text, char out[33])
{
	XXH128_hash_t h = XXH3_128bits(text, strlen(text));
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, h);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", c.digest[i]);
}

START_TEST(test_members_hash)
{
	const char *abc[3] = {"a", "b", "c"};
	const char *bac[3] = {"b", "a", "c"};
	const char *ab_c[2] = {"ab", "c"};
	const char *a_bc[2] = {"a", "bc"};
	char		h1[33], h2[33], h3[33], expect[33];

	memset(h1, 'z', sizeof(h1));
	groups_members_hash(abc, 3, h1);
	ck_assert_uint_eq(strlen(h1), 32);
	ck_assert_uint_eq(strspn(h1, "0123456789abcdef"), 32);
	canonical_hex("a\nb\nc", expect);
	ck_assert_str_eq(h1, expect);

	groups_members_hash(abc, 3, h2);	/* stable */
	ck_assert_str_eq(h1, h2);
	groups_members_hash(bac, 3, h2);	/* the caller sorts; order matters */
	ck_assert_str_ne(h1, h2);
	groups_members_hash(abc, 2, h2);	/* a different membership */
	ck_assert_str_ne(h1, h2);
	groups_members_hash(ab_c, 2, h2);	/* the separator keeps ids apart */
	groups_members_hash(a_bc, 2, h3);
	ck_assert_str_ne(h2, h3);
	canonical_hex("ab\nc", expect);
	ck_assert_str_eq(h2, expect);
	groups_members_hash(abc, 0, h2);
	canonical_hex("", expect);
	ck_assert_str_eq(h2, expect);
}
END_TEST

static bool
always_stop(void)
{
	return true;
}

static bool
never_stop(void)
{
	return false;
}

static const char *
id_from_array(const void *arg, uint32_t item)
{
	return ((const char *const *) arg)[item];
}

/* A stop request fails grouping with nothing built or leaked. */
START_TEST(test_groups_build_cancelled)
{
	const char *ids[4] = {"a", "b", "c", "d"};
	Pair		pairs[2];
	Groups		g;

	memset(pairs, 0, sizeof(pairs));
	pairs[0].a = 0, pairs[0].b = 1;
	pairs[1].a = 2, pairs[1].b = 3;
	ck_assert(!groups_build_cancellable(4, pairs, 2, id_from_array, ids, always_stop, &g));
	ck_assert_uint_eq(g.n_groups, 0);
	ck_assert_ptr_null(g.offsets);
	groups_free(&g);
	ck_assert(groups_build_cancellable(4, pairs, 2, id_from_array, ids, never_stop, &g));
	ck_assert_uint_eq(g.n_groups, 2);
	groups_free(&g);
}
END_TEST

/* The ids of test_groups_build_sparse, and which items grouping asked for. */
typedef struct SparseIds
{
	char		id[300][8];
	bool		asked[300];
} SparseIds;

static const char *
sparse_id(const void *arg, uint32_t item)
{
	SparseIds  *s = (SparseIds *) arg;

	s->asked[item] = true;
	return s->id[item];
}

/*
 * Grouping works on the items in a pair only (a bitset of them, numbered
 * by rank): random graphs over 300 items, the paired ones at word edges
 * (0, 63, 64, 127, 128, 299) among them, against components found the slow
 * way; ids in a shuffled order, so that item order is not id order.
 */
START_TEST(test_groups_build_sparse)
{
	enum
	{
		N = 300, NP = 40
	};
	static const uint32_t edge[] = {0, 63, 64, 127, 128, 299};
	SparseIds  *s = xcalloc(1, sizeof(SparseIds));
	uint32_t	label[N];
	bool		paired[N] = {false};
	Pair		pairs[NP];
	Groups		g;
	uint64_t	x = 0x9E3779B97F4A7C15ull * (uint64_t) (_i + 1);

	for (uint32_t i = 0; i < N; i++)
	{
		snprintf(s->id[i], sizeof(s->id[i]), "i%03u", (i * 7919u + (uint32_t) _i) % 1000u);
		label[i] = i;
	}
	memset(pairs, 0, sizeof(pairs));
	for (int e = 0; e < NP; e++)
	{
		uint32_t	a,
					b;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		a = e < 6 ? edge[e] : (uint32_t) (x % N);
		b = (uint32_t) ((x >> 32) % N);
		if (a == b)
			b = (a + 1) % N;
		pairs[e].a = a < b ? a : b;
		pairs[e].b = a < b ? b : a;
		paired[a] = paired[b] = true;
	}
	/* components the slow way: relabel to the smaller label until nothing changes */
	for (bool changed = true; changed;)
	{
		changed = false;
		for (int e = 0; e < NP; e++)
		{
			uint32_t	m = label[pairs[e].a] < label[pairs[e].b] ? label[pairs[e].a] : label[pairs[e].b];

			for (uint32_t i = 0; i < N; i++)
				if (i != m && (label[i] == label[pairs[e].a] || label[i] == label[pairs[e].b]) &&
					label[i] != m)
				{
					label[i] = m;
					changed = true;
				}
		}
	}
	ck_assert(groups_build_cancellable(N, pairs, NP, sparse_id, s, NULL, &g));
	for (uint32_t i = 0; i < N; i++)
	{
		ck_assert_int_eq(s->asked[i], paired[i]);	/* ids of paired items only */
		ck_assert_int_eq(groups_group_of(&g, i) != GROUP_NONE, paired[i]);
		for (uint32_t j = 0; paired[i] && j < N; j++)
			if (paired[j])
				ck_assert_int_eq(groups_group_of(&g, i) == groups_group_of(&g, j), label[i] == label[j]);
	}
	for (size_t gi = 0; gi < g.n_groups; gi++)
	{
		if (gi > 0)				/* groups by their smallest item_id */
			ck_assert_int_lt(strcmp(s->id[g.members[g.offsets[gi - 1]]],
									s->id[g.members[g.offsets[gi]]]), 0);
		for (uint32_t k = g.offsets[gi]; k < g.offsets[gi + 1]; k++)
		{
			ck_assert_uint_eq(groups_group_of(&g, g.members[k]), gi);
			if (k > g.offsets[gi])	/* members by item_id */
				ck_assert_int_lt(strcmp(s->id[g.members[k - 1]], s->id[g.members[k]]), 0);
		}
	}
	groups_free(&g);
	free(s);
}
END_TEST

Suite *
groups_suite(void)
{
	Suite	   *s = suite_create("groups");
	TCase	   *build = tcase_create("build");
	TCase	   *ids = tcase_create("ids");
	TCase	   *act = tcase_create("actions");

	tcase_add_test(build, test_uf_basics);
	tcase_add_loop_test(build, test_groups_build_order, 0, 4);
	tcase_add_test(build, test_groups_build_byte_order_and_empty);
	tcase_add_test(build, test_groups_build_cancelled);
	tcase_add_loop_test(build, test_groups_build_sparse, 0, 8);
	suite_add_tcase(s, build);

	tcase_add_test(ids, test_assign_unchanged_grown_shrunk);
	tcase_add_test(ids, test_assign_new_and_dissolved);
	tcase_add_test(ids, test_assign_merge_keeps_oldest);
	tcase_add_test(ids, test_assign_split);
	tcase_add_test(ids, test_assign_split_and_merge);
	suite_add_tcase(s, ids);

	tcase_add_test(act, test_actions_single_owner);
	tcase_add_test(act, test_actions_tie_smallest_item_id);
	tcase_add_test(act, test_actions_cross_owner);
	tcase_add_test(act, test_actions_null_owners);
	tcase_add_test(act, test_members_hash);
	suite_add_tcase(s, act);
	return s;
}
