/*
 * check_groups.c — union-find, group order, stable ids across runs (merge,
 * split, tie), the run diff, suggested actions.
 */
#include <stdio.h>
#include <string.h>

#include "groups.h"
#include "unit.h"

START_TEST(test_union_find)
{
	UnionFind	uf;

	uf_init(&uf, 6);
	ck_assert(uf_union(&uf, 0, 1));
	ck_assert(uf_union(&uf, 2, 3));
	ck_assert(uf_union(&uf, 1, 3));
	ck_assert(!uf_union(&uf, 0, 2));	/* already joined */
	ck_assert_uint_eq(uf_find(&uf, 0), uf_find(&uf, 3));
	ck_assert_uint_ne(uf_find(&uf, 0), uf_find(&uf, 4));
	ck_assert_uint_ne(uf_find(&uf, 4), uf_find(&uf, 5));
	uf_free(&uf);
}
END_TEST

START_TEST(test_build_order_independent_of_indices)
{
	/* items by index; components {d,b} {c,a,e}; f alone */
	const char *ids[6] = {"d", "c", "b", "a", "f", "e"};
	Pair		pairs[3] = {{.a = 0, .b = 2}, {.a = 1, .b = 3}, {.a = 3, .b = 5}};
	Groups		g;

	groups_build(6, pairs, 3, ids, &g);
	ck_assert_uint_eq(g.n_groups, 2);
	/* ordered by smallest item_id: {a c e} then {b d}, members sorted */
	ck_assert_str_eq(ids[g.members[0]], "a");
	ck_assert_str_eq(ids[g.members[1]], "c");
	ck_assert_str_eq(ids[g.members[2]], "e");
	ck_assert_str_eq(ids[g.members[3]], "b");
	ck_assert_str_eq(ids[g.members[4]], "d");
	ck_assert_uint_eq(g.offsets[1], 3);
	ck_assert_uint_eq(g.group_of[4], GROUP_NONE);
	ck_assert_uint_eq(g.group_of[0], 1);
	groups_free(&g);
}
END_TEST

/* assign ids for new groups given as '|'-separated sorted members, e.g. "a b|c d" */
static void
assign(const char *spec, const PrevMember *prev, size_t n_prev, int64_t *ids, GroupDiff *diff,
	   size_t *n_groups)
{
	static char buf[256];
	const char *members[64];
	uint32_t	offsets[16];
	size_t		n = 0,
				g = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	offsets[0] = 0;
	for (char *tok = buf; *tok;)
	{
		char	   *end = tok + strcspn(tok, " |");
		char		sep = *end;

		*end = '\0';
		if (*tok)
			members[n++] = tok;
		if (sep == '|' || sep == '\0')
			offsets[++g] = (uint32_t) n;
		if (sep == '\0')
			break;
		tok = end + 1;
	}
	*n_groups = g;
	groups_assign_ids(g, offsets, members, prev, n_prev, ids, diff);
}

START_TEST(test_ids_unchanged_grown_shrunk_new_dissolved)
{
	PrevMember	prev[] = {{10, "a"}, {10, "b"}, {11, "c"}, {11, "d"}, {11, "e"}, {12, "x"}, {12, "y"},
	{13, "p"}, {13, "q"}};
	int64_t		ids[8];
	GroupDiff	d;
	size_t		n;

	/* a b unchanged; c d shrunk (e gone); p q r grown; m n new; x y dissolved */
	assign("a b|c d|m n|p q r", prev, 9, ids, &d, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(ids[0], 10);
	ck_assert_int_eq(ids[1], 11);
	ck_assert_int_eq(ids[2], 0);	/* needs a new id */
	ck_assert_int_eq(ids[3], 13);
	ck_assert_uint_eq(d.unchanged, 1);
	ck_assert_uint_eq(d.shrunk, 1);
	ck_assert_uint_eq(d.grown, 1);
	ck_assert_uint_eq(d.new_groups, 1);
	ck_assert_uint_eq(d.dissolved, 1);
	ck_assert_uint_eq(d.merged + d.split, 0);
}
END_TEST

START_TEST(test_merge_keeps_the_oldest_id)
{
	/* 20 is older than 30 even though 30 holds more of the merged items */
	PrevMember	prev[] = {{30, "c"}, {30, "d"}, {30, "e"}, {20, "a"}, {20, "b"}};
	int64_t		ids[2];
	GroupDiff	d;
	size_t		n;

	assign("a b c d e", prev, 5, ids, &d, &n);
	ck_assert_int_eq(ids[0], 20);
	ck_assert_uint_eq(d.merged, 1);
	ck_assert_uint_eq(d.new_groups + d.grown + d.unchanged + d.split + d.dissolved, 0);
}
END_TEST

START_TEST(test_split_most_items_keeps_the_id)
{
	PrevMember	prev[] = {{7, "a"}, {7, "b"}, {7, "c"}, {7, "d"}, {7, "e"}};
	int64_t		ids[2];
	GroupDiff	d;
	size_t		n;

	/* {a b} and {c d e}: the part with more old items keeps 7 */
	assign("a b|c d e", prev, 5, ids, &d, &n);
	ck_assert_int_eq(ids[0], 0);
	ck_assert_int_eq(ids[1], 7);
	ck_assert_uint_eq(d.split, 1);
	ck_assert_uint_eq(d.new_groups + d.grown + d.shrunk + d.unchanged + d.merged, 0);
}
END_TEST

START_TEST(test_split_tie_goes_to_the_smallest_item_id)
{
	PrevMember	prev[] = {{7, "d"}, {7, "c"}, {7, "b"}, {7, "a"}};
	int64_t		ids[2];
	GroupDiff	d;
	size_t		n;

	assign("c d|a b", prev, 4, ids, &d, &n);
	ck_assert_int_eq(ids[0], 0);
	ck_assert_int_eq(ids[1], 7);	/* {a b} holds the smallest item_id */
	/* and whatever the order the groups come in */
	assign("a b|c d", prev, 4, ids, &d, &n);
	ck_assert_int_eq(ids[0], 7);
	ck_assert_int_eq(ids[1], 0);
}
END_TEST

START_TEST(test_split_loser_takes_its_next_previous_group)
{
	/* {a b c} keeps 5; {d x} lost 5 but also holds x of 9: it takes 9 */
	PrevMember	prev[] = {{5, "a"}, {5, "b"}, {5, "c"}, {5, "d"}, {9, "x"}, {9, "y"}};
	int64_t		ids[2];
	GroupDiff	d;
	size_t		n;

	assign("a b c|d x", prev, 6, ids, &d, &n);
	ck_assert_int_eq(ids[0], 5);
	ck_assert_int_eq(ids[1], 9);
}
END_TEST

START_TEST(test_suggested_actions)
{
	MemberFacts one_owner[] = {
		{"i1", "u1", 100, false}, {"i2", "u1", 300, true}, {"i3", "u1", 200, false}
	};
	MemberFacts tie[] = {{"b", "u1", 100, false}, {"a", "u1", 100, false}};
	MemberFacts cross[] = {
		{"a", "u1", 100, false}, {"b", "u1", 200, false}, {"c", "u2", 300, false},
		{"d", NULL, 50, false}, {"e", NULL, 60, false}
	};
	Action		act[5];

	/* the error item is never kept while another has none; then the newest */
	ck_assert_uint_eq(groups_suggest_actions(one_owner, 3, act), 1);
	ck_assert_int_eq(act[0], ACTION_REMOVE_CANDIDATE);
	ck_assert_int_eq(act[1], ACTION_REMOVE_CANDIDATE);
	ck_assert_int_eq(act[2], ACTION_KEEP);
	/* a created_at tie: the smallest item_id */
	(void) groups_suggest_actions(tie, 2, act);
	ck_assert_int_eq(act[0], ACTION_REMOVE_CANDIDATE);
	ck_assert_int_eq(act[1], ACTION_KEEP);
	/* cross owner: c (newest) is the primary owner's keep; u1 keeps b, removes a;
	 * the other owners' keeps are review; null owners are owners of their own */
	ck_assert_uint_eq(groups_suggest_actions(cross, 5, act), 4);
	ck_assert_int_eq(act[2], ACTION_KEEP);
	ck_assert_int_eq(act[1], ACTION_REVIEW);
	ck_assert_int_eq(act[0], ACTION_REMOVE_CANDIDATE);
	ck_assert_int_eq(act[3], ACTION_REVIEW);
	ck_assert_int_eq(act[4], ACTION_REVIEW);
	ck_assert_str_eq(groups_action_name(ACTION_REMOVE_CANDIDATE), "remove_candidate");
}
END_TEST

START_TEST(test_members_hash)
{
	const char *ab[2] = {"a", "b"};
	const char *ab2[2] = {"a", "b"};
	const char *abc[3] = {"a", "b", "c"};
	const char *a_b[1] = {"a\nb"};
	char		h1[33],
				h2[33],
				h3[33],
				h4[33];

	groups_members_hash(ab, 2, h1);
	groups_members_hash(ab2, 2, h2);
	groups_members_hash(abc, 3, h3);
	groups_members_hash(a_b, 1, h4);
	ck_assert_uint_eq(strlen(h1), 32);
	ck_assert_str_eq(h1, h2);
	ck_assert_str_ne(h1, h3);
	ck_assert_str_eq(h1, h4);	/* documented: ids joined by newline (ids never hold one) */
}
END_TEST

Suite *
groups_suite(void)
{
	Suite	   *s = suite_create("groups");
	TCase	   *tc = tcase_create("core");

	tcase_add_test(tc, test_union_find);
	tcase_add_test(tc, test_build_order_independent_of_indices);
	tcase_add_test(tc, test_ids_unchanged_grown_shrunk_new_dissolved);
	tcase_add_test(tc, test_merge_keeps_the_oldest_id);
	tcase_add_test(tc, test_split_most_items_keeps_the_id);
	tcase_add_test(tc, test_split_tie_goes_to_the_smallest_item_id);
	tcase_add_test(tc, test_split_loser_takes_its_next_previous_group);
	tcase_add_test(tc, test_suggested_actions);
	tcase_add_test(tc, test_members_hash);
	suite_add_tcase(s, tc);
	return s;
}
