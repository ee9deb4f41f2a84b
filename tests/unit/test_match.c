/*
 * test_match.c — candidate pairs from shared keys on hand-built Datasets:
 * scoping, null masks, the hot-key cap, the max-pairs guard, persistent ids
 * and non-live items (docs/SOURCE.md, docs/MATCHING.md).  Expected scores are
 * computed from the formulas in docs/MATCHING.md, not read from the code.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "suites.h"
#include "testutil.h"

#define ANY (-1e9)				/* threshold that accepts every candidate */

static MatchOptions
opts(uint32_t cap, uint64_t max_pairs, double threshold)
{
	MatchOptions o = {cap, max_pairs, threshold, NULL, false, 0.0, NULL};

	return o;
}

static const Pair *
find_pair(const MatchResult *m, uint32_t x, uint32_t y)
{
	uint32_t	a = x < y ? x : y;
	uint32_t	b = x < y ? y : x;

	for (size_t i = 0; i < m->pairs.len; i++)
	{
		const Pair *p = &VEC_AT(&m->pairs, Pair, i);

		ck_assert_uint_lt(p->a, p->b);
		if (p->a == a && p->b == b)
			return p;
	}
	return NULL;
}

/* Run match_find_pairs and require it to succeed. */
static void
run_ok(const Dataset *ds, MatchOptions o, MatchResult *m)
{
	char		err[256] = "";

	ck_assert_msg(match_find_pairs(ds, &o, m, err, sizeof(err)), "match failed: %s", err);
}

static uint32_t
add(Dataset *ds, const char *item_id, const char *env, const char *inst,
	const char *owner, const char *json)
{
	TuRow		r = {0};

	r.item_id = item_id;
	r.env = env;
	r.institution_id = inst;
	r.owner_id = owner;
	return tu_add(ds, &r, json, NULL);
}

#define CHK_1234 "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\"}]}"

START_TEST(test_two_items_share_one_key)
{
	Dataset		ds;
	MatchResult m;
	uint32_t	a, b;

	keys_dataset_init(&ds, NULL);
	a = add(&ds, "item-a", NULL, "ins_1", NULL,
			"{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\"}],"
			"\"access_token\":\"access-sandbox-CANARY\"}");
	b = add(&ds, "item-b", NULL, "ins_1", NULL,
			"{\"accounts\":[{\"name\":\"PLAID CHECKING\",\"mask\":\" 1234 \"}]}");
	run_ok(&ds, opts(1000, 50000000, 5.0), &m);

	ck_assert_uint_eq(m.candidate_pairs, 1);
	ck_assert_uint_eq(m.pairs.len, 1);
	const Pair *p = find_pair(&m, a, b);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n_shared, 1);
	ck_assert_uint_eq(p->n_shared_p, 0);
	ck_assert_uint_eq(VEC_AT(&m.shared, uint32_t, p->first_shared), tu_account(&ds, a, 0).key);

	/*
	 * MATCHING.md with N = 2, null owners, one account each:
	 * prior log2(0.02 / 1); u = (2/2) / 10^4; weight log2(0.9 / u);
	 * identical sets +3; no owner term, no unmatched accounts.
	 */
	double		expect = log2(0.02) + log2(0.9 / 1e-4) + 3.0;

	ck_assert_double_eq_tol(p->score, expect, 1e-9);

	char	   *ev = match_pair_evidence(&ds, &m, p);
	cJSON	   *j = cJSON_Parse(ev);

	ck_assert_ptr_nonnull(j);
	ck_assert_ptr_null(strstr(ev, "CANARY"));
	cJSON	   *k0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "shared_keys"), 0);

	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(k0, "name")->valuestring, "plaid checking");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(k0, "mask")->valuestring, "1234");
	ck_assert_double_eq_tol(cJSON_GetObjectItemCaseSensitive(j, "score")->valuedouble,
							expect, 0.001);
	cJSON_Delete(j);
	free(ev);
	match_result_free(&m);

	/* the threshold is applied: the same candidate below 11 is not a match */
	run_ok(&ds, opts(1000, 50000000, 11.0), &m);
	ck_assert_uint_eq(m.candidate_pairs, 1);
	ck_assert_uint_eq(m.pairs.len, 0);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_environment_never_pairs)
{
	Dataset		ds;
	MatchResult m;

	keys_dataset_init(&ds, NULL);
	(void) add(&ds, "a", "production", "ins_1", "u1", CHK_1234);
	(void) add(&ds, "b", "sandbox", "ins_1", "u1", CHK_1234);
	(void) add(&ds, "c", "development", "ins_1", "u1", CHK_1234);
	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.candidate_pairs, 0);
	ck_assert_uint_eq(m.pairs.len, 0);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_institution_never_pairs)
{
	Dataset		ds;
	MatchResult m;
	const char *pid = "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\","
		"\"persistent_account_id\":\"PX\"}]}";

	keys_dataset_init(&ds, NULL);
	(void) add(&ds, "a", NULL, "ins_1", "u1", pid);
	(void) add(&ds, "b", NULL, "ins_2", "u1", pid);
	(void) add(&ds, "c", NULL, NULL, "u1",
			   "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\","
			   "\"persistent_account_id\":\"PX\"}],\"item\":{\"institution_id\":\"ins_3\"}}");
	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.candidate_pairs, 0);
	ck_assert_uint_eq(m.pairs.len, 0);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_null_mask_never_matches)
{
	Dataset		ds;
	MatchResult m;

	keys_dataset_init(&ds, NULL);
	(void) add(&ds, "a", NULL, "ins_1", "u1",
			   "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":null}]}");
	(void) add(&ds, "b", NULL, "ins_1", "u1",
			   "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":null}]}");
	(void) add(&ds, "c", NULL, "ins_1", "u1",
			   "{\"accounts\":[{\"name\":\"Plaid Checking\"}]}");
	(void) add(&ds, "d", NULL, "ins_1", "u1",
			   "{\"accounts\":[{\"name\":null,\"mask\":\"1234\"}]}");
	(void) add(&ds, "e", NULL, "ins_1", "u1",
			   "{\"accounts\":[{\"mask\":\"1234\"}]}");
	/* and a null mask is no wildcard against a real one */
	(void) add(&ds, "f", NULL, "ins_1", "u1", CHK_1234);
	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.candidate_pairs, 0);
	ck_assert_uint_eq(m.pairs.len, 0);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_hot_key_cap)
{
	Dataset		ds;
	MatchResult m;
	uint32_t	a, b, c;
	const char *two = "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\"},"
		"{\"name\":\"Rare Savings\",\"mask\":\"5678\"}]}";

	keys_dataset_init(&ds, NULL);
	a = add(&ds, "a", NULL, "ins_1", NULL, CHK_1234);
	b = add(&ds, "b", NULL, "ins_1", NULL, CHK_1234);
	c = add(&ds, "c", NULL, "ins_1", NULL, CHK_1234);

	run_ok(&ds, opts(2, 50000000, ANY), &m);
	ck_assert_uint_eq(m.hot_keys, 1);
	ck_assert_uint_eq(m.candidate_pairs, 0);
	ck_assert_uint_eq(m.pairs.len, 0);
	match_result_free(&m);

	run_ok(&ds, opts(3, 50000000, ANY), &m);
	ck_assert_uint_eq(m.hot_keys, 0);
	ck_assert_uint_eq(m.candidate_pairs, 3);
	ck_assert_ptr_nonnull(find_pair(&m, a, b));
	ck_assert_ptr_nonnull(find_pair(&m, a, c));
	ck_assert_ptr_nonnull(find_pair(&m, b, c));
	match_result_free(&m);
	keys_dataset_free(&ds);

	/* a hot key is skipped, a second shared key still pairs its items */
	keys_dataset_init(&ds, NULL);
	a = add(&ds, "a", NULL, "ins_1", NULL, two);
	b = add(&ds, "b", NULL, "ins_1", NULL, two);
	c = add(&ds, "c", NULL, "ins_1", NULL, CHK_1234);
	run_ok(&ds, opts(2, 50000000, ANY), &m);
	ck_assert_uint_eq(m.hot_keys, 1);
	ck_assert_uint_eq(m.pairs.len, 1);
	const Pair *p = find_pair(&m, a, b);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n_shared, 1);
	ck_assert_uint_eq(VEC_AT(&m.shared, uint32_t, p->first_shared), tu_account(&ds, a, 1).key);
	ck_assert_ptr_null(find_pair(&m, a, c));
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

/*
 * --max-pairs counts distinct pairs, not (pair, shared key) expansions: 5
 * items sharing 40 accounts (40 keys and 40 persistent ids) are 10 pairs,
 * which the old expansion count made 800.  Each pair is scored once with
 * all its keys, in ascending order; pairs sharing the same keys share one
 * stored copy of them.
 */
START_TEST(test_max_pairs_counts_distinct_pairs)
{
	Dataset		ds;
	MatchResult m;
	MatchOptions o = opts(1000, 10, ANY);
	char		json[8192];
	size_t		len = 0;
	char		name[8];

	len += (size_t) snprintf(json + len, sizeof(json) - len, "{\"accounts\":[");
	for (int k = 0; k < 40; k++)
		len += (size_t) snprintf(json + len, sizeof(json) - len,
								 "%s{\"name\":\"Acct %d\",\"mask\":\"%04d\",\"persistent_account_id\":\"P%d\"}",
								 k ? "," : "", k, k, k);
	snprintf(json + len, sizeof(json) - len, "]}");
	keys_dataset_init(&ds, NULL);
	for (int i = 0; i < 5; i++)
	{
		snprintf(name, sizeof(name), "i%d", i);
		(void) add(&ds, name, NULL, "ins_1", NULL, json);
	}
	run_ok(&ds, o, &m);
	ck_assert_uint_eq(m.candidate_pairs, 10);
	ck_assert_uint_eq(m.pairs.len, 10);
	for (size_t i = 0; i < m.pairs.len; i++)
	{
		const Pair *p = &VEC_AT(&m.pairs, Pair, i);
		const uint32_t *sh = &VEC_AT(&m.shared, uint32_t, p->first_shared);

		ck_assert_uint_eq(p->n_shared, 40);
		ck_assert_uint_eq(p->n_shared_p, 40);
		for (int k = 1; k < 40; k++)
			ck_assert_uint_lt(sh[k - 1], sh[k]);
		if (i > 0)
			ck_assert(VEC_AT(&m.pairs, Pair, i - 1).a < p->a ||
					  (VEC_AT(&m.pairs, Pair, i - 1).a == p->a && VEC_AT(&m.pairs, Pair, i - 1).b < p->b));
	}
	/* the same 80 shared keys are stored once for the 10 pairs, not 10 times */
	ck_assert_uint_eq(m.shared.len, 80);
	match_result_free(&m);
	o = opts(1000, 9, ANY);
	{
		char		err[256] = "";

		ck_assert(!match_find_pairs(&ds, &o, &m, err, sizeof(err)));
		ck_assert_uint_eq(m.pairs.len, 0);
		match_result_free(&m);
	}
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_max_pairs_guard)
{
	Dataset		ds;
	MatchResult m;
	MatchOptions o;
	char		err[256];
	char		name[8];

	keys_dataset_init(&ds, NULL);
	for (int i = 0; i < 5; i++)	/* one key, 5 items: 10 pairs */
	{
		snprintf(name, sizeof(name), "i%d", i);
		(void) add(&ds, name, NULL, "ins_1", NULL, CHK_1234);
	}
	o = opts(1000, 9, ANY);
	err[0] = '\0';
	ck_assert(!match_find_pairs(&ds, &o, &m, err, sizeof(err)));
	ck_assert_msg(strstr(err, "max-pairs") != NULL && strstr(err, "9") != NULL,
				  "message does not name the cap: %s", err);
	ck_assert_uint_eq(m.pairs.len, 0);
	match_result_free(&m);

	o = opts(1000, 10, ANY);
	run_ok(&ds, o, &m);
	ck_assert_uint_eq(m.candidate_pairs, 10);
	ck_assert_uint_eq(m.pairs.len, 10);
	match_result_free(&m);

	/* a hot key is never expanded, so it costs nothing of the budget */
	run_ok(&ds, opts(4, 0, ANY), &m);
	ck_assert_uint_eq(m.hot_keys, 1);
	ck_assert_uint_eq(m.candidate_pairs, 0);
	match_result_free(&m);
	keys_dataset_free(&ds);

	/* docs/MATCHING.md: distinct pairs count, not shared keys: two keys, one pair */
	keys_dataset_init(&ds, NULL);
	const char *two = "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\"},"
		"{\"name\":\"Plaid Saving\",\"mask\":\"5678\"}]}";

	(void) add(&ds, "a", NULL, "ins_1", NULL, two);
	(void) add(&ds, "b", NULL, "ins_1", NULL, two);
	o = opts(1000, 0, ANY);
	ck_assert(!match_find_pairs(&ds, &o, &m, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "0"));
	match_result_free(&m);
	run_ok(&ds, opts(1000, 1, ANY), &m);
	ck_assert_uint_eq(m.candidate_pairs, 1);
	ck_assert_uint_eq(VEC_AT(&m.pairs, Pair, 0).n_shared, 2);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_persistent_id_pairs)
{
	Dataset		ds;
	MatchResult m;
	uint32_t	a, b;

	keys_dataset_init(&ds, NULL);
	a = add(&ds, "a", NULL, "ins_1", "u1",
			"{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"1111\","
			"\"persistent_account_id\":\"PX\"}]}");
	b = add(&ds, "b", NULL, "ins_1", "u1",
			"{\"accounts\":[{\"name\":\"Total Checking\",\"mask\":\"9999\","
			"\"persistent_account_id\":\"PX\"}]}");
	ck_assert_uint_ne(tu_account(&ds, a, 0).key, tu_account(&ds, b, 0).key);

	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.candidate_pairs, 1);
	const Pair *p = find_pair(&m, a, b);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n_shared, 0);
	ck_assert_uint_eq(p->n_shared_p, 1);
	ck_assert_uint_eq(VEC_AT(&m.shared, uint32_t, p->first_shared), tu_account(&ds, a, 0).pkey);
	match_result_free(&m);

	/*
	 * MATCHING.md, N = 2, the same known owner: prior log2(0.02),
	 * persistent log2(0.9 * 1 / 0.02), owner log2(0.6 * 1 / 0.05), every
	 * account matched on both sides: +3.  About 6.43: a match at 5.
	 */
	double		expect = log2(0.02) + log2(0.9 / 0.02) + log2(0.6 / 0.05) + 3.0;

	run_ok(&ds, opts(1000, 50000000, 5.0), &m);
	p = find_pair(&m, a, b);
	ck_assert_ptr_nonnull(p);
	ck_assert_double_eq_tol(p->score, expect, 1e-9);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_non_live_items_never_pair)
{
	Dataset		ds;
	MatchResult m;
	TuRow		r = {0};
	uint32_t	a, b, e_new;
	Arena		scratch;
	PayloadItem p;
	SourceRow	sr;
	char		detail[160];

	keys_dataset_init(&ds, NULL);
	a = add(&ds, "a", NULL, "ins_1", NULL, CHK_1234);
	b = add(&ds, "b", NULL, "ins_1", NULL, CHK_1234);

	r.institution_id = "ins_1";
	r.item_id = "rejected";
	r.reject = REJECT_BAD_ENVIRONMENT;
	(void) tu_add(&ds, &r, NULL, NULL);
	r.reject = REJECT_NONE;
	r.item_id = "removed";
	r.removed = true;
	(void) tu_add(&ds, &r, NULL, NULL);
	r.removed = false;
	r.item_id = "e";
	r.updated_at = 1;
	(void) tu_add(&ds, &r, CHK_1234, NULL);		/* superseded below */
	r.updated_at = 2;
	e_new = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"Other\",\"mask\":\"0000\"}]}", NULL);

	/* a removed row whose payload was parsed anyway: keyed but not live */
	arena_init(&scratch);
	ck_assert_int_eq(payload_parse(CHK_1234, strlen(CHK_1234), &scratch, &p, detail,
								   sizeof(detail)), REJECT_NONE);
	memset(&sr, 0, sizeof(sr));
	sr.item_id = "removed-with-payload";
	sr.item_id_len = strlen(sr.item_id);
	sr.environment = "production";
	sr.environment_len = 10;
	sr.institution_id = "ins_1";
	sr.institution_id_len = 5;
	sr.removed = true;
	uint32_t	rm = keys_add_item(&ds, &sr, REJECT_NONE, &p, NULL);

	keys_dataset_finish(&ds);

	arena_free(&scratch);
	ck_assert_uint_eq(tu_account(&ds, rm, 0).key, tu_account(&ds, a, 0).key);

	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.stats.live_items, 3);
	ck_assert_uint_eq(m.candidate_pairs, 1);
	ck_assert_uint_eq(m.pairs.len, 1);
	ck_assert_ptr_nonnull(find_pair(&m, a, b));
	for (size_t i = 0; i < m.pairs.len; i++)
	{
		const Pair *pr = &VEC_AT(&m.pairs, Pair, i);

		ck_assert(keys_item_live(DS_ITEM(&ds, pr->a)));
		ck_assert(keys_item_live(DS_ITEM(&ds, pr->b)));
	}
	ck_assert(keys_item_live(DS_ITEM(&ds, e_new)));
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

/*
 * The run computes the counts once and lends them to match and to the model
 * writer (MatchOptions.stats): the same pairs and scores to the bit, and
 * match_result_free leaves the lent arrays alone.
 */
START_TEST(test_borrowed_stats_same_result)
{
	Dataset		ds;
	MatchResult own,
				lent;
	KeyStats	st;
	MatchOptions o = opts(1000, 50000000, ANY);

	keys_dataset_init(&ds, NULL);
	(void) add(&ds, "a", NULL, "ins_1", "u1", CHK_1234);
	(void) add(&ds, "b", NULL, "ins_1", "u2", CHK_1234);
	(void) add(&ds, "c", NULL, "ins_1", "u1",
			   "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\"},"
			   "{\"name\":\"Savings\",\"mask\":\"5678\"}]}");
	(void) add(&ds, "d", NULL, "ins_2", "u3", CHK_1234);
	keys_dataset_finish(&ds);
	run_ok(&ds, o, &own);
	keys_stats_compute(&ds, &st);
	o.stats = &st;
	run_ok(&ds, o, &lent);
	ck_assert(lent.stats_borrowed && !own.stats_borrowed);
	ck_assert_ptr_eq(lent.stats.key_items, st.key_items);
	ck_assert_uint_eq(lent.pairs.len, own.pairs.len);
	ck_assert_uint_eq(own.pairs.len, 3);
	for (size_t i = 0; i < own.pairs.len; i++)
	{
		const Pair *x = &VEC_AT(&own.pairs, Pair, i);
		const Pair *y = &VEC_AT(&lent.pairs, Pair, i);

		ck_assert(x->a == y->a && x->b == y->b && memcmp(&x->score, &y->score, sizeof(double)) == 0);
	}
	match_result_free(&lent);
	/* still ours: ASan reports a use after free if match freed them */
	ck_assert_uint_eq(st.live_items, 4);
	ck_assert_uint_eq(st.key_items[tu_account(&ds, 0, 0).key], 3);
	keys_stats_free(&st);
	match_result_free(&own);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_shared_keys_deduplicated)
{
	Dataset		ds;
	MatchResult m;
	uint32_t	a, b;

	keys_dataset_init(&ds, NULL);
	/* item a carries the same key twice (two accounts, same name and mask) */
	a = add(&ds, "a", NULL, "ins_1", NULL,
			"{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"1234\"},"
			"{\"name\":\"plaid checking\",\"mask\":\"1234\"},"
			"{\"name\":\"Savings\",\"mask\":\"5678\",\"persistent_account_id\":\"PS\"}]}");
	b = add(&ds, "b", NULL, "ins_1", NULL,
			"{\"accounts\":[{\"name\":\"Savings\",\"mask\":\"5678\",\"persistent_account_id\":\"PS\"},"
			"{\"name\":\"Plaid Checking\",\"mask\":\"1234\"}]}");
	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.candidate_pairs, 1);
	ck_assert_uint_eq(m.pairs.len, 1);
	const Pair *p = find_pair(&m, a, b);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n_shared, 2);
	ck_assert_uint_eq(p->n_shared_p, 1);
	const uint32_t *sh = &VEC_AT(&m.shared, uint32_t, p->first_shared);
	uint32_t	k_chk = tu_account(&ds, a, 0).key;
	uint32_t	k_sav = tu_account(&ds, a, 2).key;

	ck_assert((sh[0] == k_chk && sh[1] == k_sav) || (sh[0] == k_sav && sh[1] == k_chk));
	ck_assert_uint_eq(sh[2], tu_account(&ds, a, 2).pkey);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

/* A CancelFn that says stop on its cancel_at-th call. */
static int	cancel_calls;
static int	cancel_at;

static bool
cancel_on_call(void)
{
	return ++cancel_calls >= cancel_at;
}

/*
 * SIGINT/SIGTERM reach the core as a CancelFn: it is polled at the start
 * and every CANCEL_EVERY steps, also deep inside the scoring loop, and a
 * stop fails the call with a message saying so.
 */
START_TEST(test_cancel_stops_matching)
{
	Dataset		ds;
	MatchResult m;
	MatchOptions o = opts(1000, 1000000, ANY);
	char		err[256];
	char		name[16];

	keys_dataset_init(&ds, NULL);
	for (int i = 0; i < 400; i++)	/* one key, 400 items: 79,800 pairs */
	{
		snprintf(name, sizeof(name), "i%03d", i);
		(void) add(&ds, name, NULL, "ins_1", NULL, CHK_1234);
	}
	o.cancelled = cancel_on_call;

	/* never stops: polled, same result as without a callback */
	cancel_calls = 0, cancel_at = 1000000;
	run_ok(&ds, o, &m);
	ck_assert_uint_eq(m.pairs.len, 79800);
	ck_assert_int_eq(cancel_calls, 2);	/* step 0 and step 65,536 (scoring) */
	match_result_free(&m);

	/* stops at the first poll */
	cancel_calls = 0, cancel_at = 1;
	err[0] = '\0';
	ck_assert(!match_find_pairs(&ds, &o, &m, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "interrupted"));
	match_result_free(&m);

	/* stops at the second poll, in the middle of scoring */
	cancel_calls = 0, cancel_at = 2;
	err[0] = '\0';
	ck_assert(!match_find_pairs(&ds, &o, &m, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "interrupted"));
	ck_assert_int_eq(cancel_calls, 2);
	ck_assert_uint_lt(m.pairs.len, 79800);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

/* The pairs (i, i + 2) and (i, i + 6) of 2,000 items, scores spread below 0. */
static double
merge_score(uint32_t a, uint32_t b)
{
	return -35.0 + (double) ((a * 2654435761u + b * 40503u) % 3500) / 100.0;
}

/* offer every pair whose items are of class cls (parity; -1: all) under local numbers */
static void
merge_offer(NearSampler *ns, int cls)
{
	for (uint32_t a = 0; a < 2000; a++)
		for (uint32_t d = 2; d <= 6; d += 4)
		{
			uint32_t	b = a + d;

			if (b >= 2000 || (cls >= 0 && (int) (a % 2) != cls))
				continue;
			if (cls < 0)
				near_sampler_offer(ns, a, b, merge_score(a, b), NULL, 0, 0);
			else
				near_sampler_offer(ns, a / 2, b / 2, merge_score(a, b), NULL, 0, 0);
		}
}

/*
 * --partitions (partition.c): each class samples its pairs under the items'
 * numbers of one pass (near_sampler_number_by), and its sample offered again
 * to one sampler gives exactly the sample of all pairs offered at once.
 */
START_TEST(test_near_sample_merges_by_number)
{
	uint32_t	ord[2][1000];
	NearSampler *all = near_sampler_new();
	NearSampler *merged = near_sampler_new();
	const NearCand *x,
			   *y;
	int			nx,
				ny;

	for (uint32_t i = 0; i < 1000; i++)
		ord[0][i] = 2 * i, ord[1][i] = 2 * i + 1;
	merge_offer(all, -1);
	for (int cls = 0; cls < 2; cls++)
	{
		NearSampler *part = near_sampler_new();
		const NearCand *c;
		int			n;

		near_sampler_number_by(part, ord[cls]);
		merge_offer(part, cls);
		n = near_sampler_take(part, &c);
		for (int k = 0; k < n; k++)
			near_sampler_offer(merged, (uint32_t) (c[k].pair >> 32), (uint32_t) c[k].pair,
							   c[k].score, NULL, 0, 0);
		near_sampler_free(part);
	}
	nx = near_sampler_take(all, &x);
	ny = near_sampler_take(merged, &y);
	ck_assert_int_gt(nx, MATCH_NEAR_TOP);
	ck_assert_int_eq(nx, ny);
	for (int k = 0; k < nx; k++)
	{
		ck_assert_uint_eq(x[k].pair, y[k].pair);
		ck_assert(x[k].score == y[k].score);
		ck_assert_uint_eq(x[k].how, y[k].how);
	}
	near_sampler_free(all);
	near_sampler_free(merged);
}
END_TEST

/*
 * Near misses: 30 items sharing one account make 435 candidates with one
 * score.  Below the threshold they are sampled: the best MATCH_NEAR_TOP (ties:
 * smallest pair), plus the bin's smallest hashes not already among them;
 * every candidate is counted in its score bin; the same input gives the
 * same sample; a near miss carries its shared key for the evidence.
 */
START_TEST(test_near_miss_sample)
{
	Dataset		ds;
	MatchResult m,
				m2;
	char		id[16];
	uint64_t	binned = 0;

	keys_dataset_init(&ds, NULL);
	for (int i = 0; i < 30; i++)
	{
		snprintf(id, sizeof(id), "item-%02d", i);
		add(&ds, id, NULL, "ins_1", NULL, CHK_1234);
	}
	run_ok(&ds, opts(1000, 50000000, 1000.0), &m);
	ck_assert_uint_eq(m.candidate_pairs, 435);
	ck_assert_uint_eq(m.pairs.len, 0);
	ck_assert_uint_ge(m.near.len, MATCH_NEAR_TOP);
	ck_assert_uint_le(m.near.len, MATCH_NEAR_TOP + MATCH_NEAR_PER_BIN);
	ck_assert_uint_eq(m.near_how.len, m.near.len);
	for (int b = 0; b < MATCH_NBINS; b++)
		binned += m.score_bins[b];
	ck_assert_uint_eq(binned, 435);
	for (size_t i = 0; i < m.near.len; i++)
	{
		const Pair *p = &VEC_AT(&m.near, Pair, i);
		uint8_t		how = VEC_AT(&m.near_how, uint8_t, i);

		ck_assert(p->score < 1000.0);
		ck_assert_uint_eq(p->n_shared, 1);
		ck_assert_uint_eq(how, i < MATCH_NEAR_TOP ? NEAR_TOP : NEAR_STRATIFIED);
	}
	/* ties at the top go to the smallest pairs: (0,1), (0,2), ... */
	ck_assert_uint_eq(VEC_AT(&m.near, Pair, 0).a, 0);
	ck_assert_uint_eq(VEC_AT(&m.near, Pair, 0).b, 1);

	char	   *ev = match_pair_evidence(&ds, &m, &VEC_AT(&m.near, Pair, 0));

	ck_assert_ptr_nonnull(strstr(ev, "plaid checking"));
	free(ev);
	run_ok(&ds, opts(1000, 50000000, 1000.0), &m2);
	ck_assert_uint_eq(m2.near.len, m.near.len);
	ck_assert_int_eq(memcmp(m.near.data, m2.near.data, m.near.len * sizeof(Pair)), 0);
	match_result_free(&m2);
	match_result_free(&m);

	/* everything accepted: no near miss */
	run_ok(&ds, opts(1000, 50000000, ANY), &m);
	ck_assert_uint_eq(m.pairs.len, 435);
	ck_assert_uint_eq(m.near.len, 0);
	match_result_free(&m);
	keys_dataset_free(&ds);
}
END_TEST

/*
 * The radix sort leaves a valid Vec: after an odd number of passes the data
 * lives in a buffer of exactly len elements, so cap must say so or the
 * next push writes past its end (ASan reports it).
 */
START_TEST(test_radix_sort_keeps_vec_valid)
{
	Vec			v;
	size_t		cap_before;

	vec_init(&v, sizeof(uint32_t));
	for (uint32_t i = 0; i < 5; i++)
		*(uint32_t *) vec_push(&v) = 5 - i;
	cap_before = v.cap;
	ck_assert_uint_gt(cap_before, v.len);	/* room left: the case that broke */
	match_radix_sort_by(&v, 0, sizeof(uint32_t), 10);	/* one pass: swapped */
	for (uint32_t i = 0; i < 5; i++)
		ck_assert_uint_eq(VEC_AT(&v, uint32_t, i), i + 1);
	ck_assert_uint_ge(v.cap, v.len);
	while (v.len < cap_before + 3)
		*(uint32_t *) vec_push(&v) = 99;
	ck_assert_uint_eq(VEC_AT(&v, uint32_t, 4), 5);
	ck_assert_uint_eq(VEC_AT(&v, uint32_t, v.len - 1), 99);
	vec_free(&v);

	/* two passes (keys of 12+ bits): data back in the original buffer */
	vec_init(&v, sizeof(uint64_t));
	for (uint64_t i = 0; i < 5; i++)
		*(uint64_t *) vec_push(&v) = (5 - i) << 12;
	match_radix_sort_by(&v, 0, sizeof(uint64_t), 5u << 12);
	ck_assert_uint_eq(VEC_AT(&v, uint64_t, 0), 1u << 12);
	while (v.len < 200)
		*(uint64_t *) vec_push(&v) = 0;
	vec_free(&v);
}
END_TEST

Suite *
match_suite(void)
{
	Suite	   *s = suite_create("match");
	TCase	   *tc = tcase_create("pairs");

	tcase_add_test(tc, test_two_items_share_one_key);
	tcase_add_test(tc, test_environment_never_pairs);
	tcase_add_test(tc, test_institution_never_pairs);
	tcase_add_test(tc, test_null_mask_never_matches);
	tcase_add_test(tc, test_hot_key_cap);
	tcase_add_test(tc, test_max_pairs_guard);
	tcase_add_test(tc, test_persistent_id_pairs);
	tcase_add_test(tc, test_max_pairs_counts_distinct_pairs);
	tcase_add_test(tc, test_non_live_items_never_pair);
	tcase_add_test(tc, test_shared_keys_deduplicated);
	tcase_add_test(tc, test_borrowed_stats_same_result);
	tcase_add_test(tc, test_cancel_stops_matching);
	tcase_add_test(tc, test_radix_sort_keeps_vec_valid);
	tcase_add_test(tc, test_near_miss_sample);
	tcase_add_test(tc, test_near_sample_merges_by_number);
	suite_add_tcase(s, tc);
	return s;
}
