/*
 * test_score.c — properties of the scoring model (docs/MATCHING.md): a
 * rare name outweighs a common one, more shared accounts raise the score,
 * the same owner lifts a re-link over the default threshold, and a
 * persistent id shared by joint holders is not enough on its own; and the
 * evidence's rounded numbers print as cJSON would print them.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "suites.h"
#include "testutil.h"

static const MatchOptions opts = {1000, 1000000, 5.0, NULL, false, 0.0, NULL};

/* item_id of owner (NULL ok) in env (NULL: production) with payload json */
static uint32_t
unit_add(Dataset *ds, const char *item_id, const char *owner, const char *env,
		 const char *json, const InstitutionMap *map)
{
	TuRow		r = {.item_id = item_id, .owner_id = owner, .env = env,
	.created_at = 1000, .updated_at = 1000};

	return tu_add(ds, &r, json, map);
}

/* JSON of one item at ins_1 with n accounts (name[i], mask[i]) */
static const char *
payload(char *buf, size_t size, const char *inst, int n, const char *const *names,
		const char *const *masks)
{
	size_t		len = (size_t) snprintf(buf, size, "{\"accounts\":[");

	for (int i = 0; i < n; i++)
		len += (size_t) snprintf(buf + len, size - len, "%s{\"name\":\"%s\",\"mask\":%s%s%s}",
								 i ? "," : "", names[i], masks[i] ? "\"" : "",
								 masks[i] ? masks[i] : "null", masks[i] ? "\"" : "");
	snprintf(buf + len, size - len, "],\"item\":{\"institution_id\":\"%s\"}}", inst);
	return buf;
}

/* background: n items at inst with a single account "name" and distinct masks */
static void
add_background(Dataset *ds, const char *inst, int n, const char *name, int mask_base)
{
	char		id[32],
				mask[8],
				buf[512];

	for (int i = 0; i < n; i++)
	{
		const char *names[1] = {name};
		const char *masks[1] = {mask};

		snprintf(id, sizeof(id), "bg-%s-%s-%d", inst, name, i);
		snprintf(mask, sizeof(mask), "%04d", (mask_base + i) % 10000);
		(void) unit_add(ds, id, NULL, NULL, payload(buf, sizeof(buf), inst, 1, names, masks), NULL);
	}
}

/* the score of the pair (a, b) found by match_find_pairs, or -1e9 */
static double
pair_score(const Dataset *ds, MatchResult *mr, uint32_t a, uint32_t b, bool *found)
{
	char		err[200];
	MatchOptions all = opts;

	all.threshold = -1e9;		/* keep every candidate */
	ck_assert(match_find_pairs(ds, &all, mr, err, sizeof(err)));
	*found = false;
	for (size_t i = 0; i < mr->pairs.len; i++)
	{
		const Pair *p = &VEC_AT(&mr->pairs, Pair, i);

		if ((p->a == a && p->b == b) || (p->a == b && p->b == a))
		{
			*found = true;
			return p->score;
		}
	}
	return -1e9;
}

START_TEST(test_rare_name_outweighs_common)
{
	Dataset		ds;
	KeyStats	st;
	char		buf[512];
	const char *common[1] = {"Total Checking"};
	const char *rare[1] = {"Sapphire Reserve"};
	const char *m[1] = {"4321"};
	uint32_t	c1, r1;

	keys_dataset_init(&ds, NULL);
	add_background(&ds, "ins_1", 300, "Total Checking", 0);
	c1 = unit_add(&ds, "c1", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 1, common, m), NULL);
	(void) unit_add(&ds, "c2", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 1, common, m), NULL);
	r1 = unit_add(&ds, "r1", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 1, rare, m), NULL);
	(void) unit_add(&ds, "r2", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 1, rare, m), NULL);
	keys_stats_compute(&ds, &st);
	uint32_t	n = st.institution_items[DS_ITEM(&ds, c1)->institution];
	double		wc = match_key_weight(&ds, &st, keys_account_key(&ds, DS_ITEM(&ds, c1)->first_account), n, NULL);
	double		wr = match_key_weight(&ds, &st, keys_account_key(&ds, DS_ITEM(&ds, r1)->first_account), n, NULL);

	ck_assert_msg(wr > wc + 5, "rare %f should outweigh common %f", wr, wc);
	keys_stats_free(&st);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_more_shared_accounts_raise_the_score)
{
	Dataset		ds;
	MatchResult mr;
	char		buf[512];
	const char *names[3] = {"Checking", "Savings", "Card"};
	const char *masks[3] = {"1111", "2222", "3333"};
	const char *other[3] = {"9991", "9992", "9993"};
	uint32_t	a1, b1, a2, b2;
	bool		found;
	double		s1, s2;

	keys_dataset_init(&ds, NULL);
	add_background(&ds, "ins_1", 200, "Checking", 5000);
	/* pair 1 shares one of three accounts, pair 2 all three */
	a1 = unit_add(&ds, "a1", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 3, names, masks), NULL);
	{
		const char *m[3] = {"1111", other[1], other[2]};

		b1 = unit_add(&ds, "b1", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 3, names, m), NULL);
	}
	{
		const char *m[3] = {"4444", "5555", "6666"};

		a2 = unit_add(&ds, "a2", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 3, names, m), NULL);
		b2 = unit_add(&ds, "b2", NULL, NULL, payload(buf, sizeof(buf), "ins_1", 3, names, m), NULL);
	}
	s1 = pair_score(&ds, &mr, a1, b1, &found);
	ck_assert(found);
	match_result_free(&mr);
	s2 = pair_score(&ds, &mr, a2, b2, &found);
	ck_assert(found);
	match_result_free(&mr);
	ck_assert_msg(s2 > s1 + 20, "three shared accounts (%f) vs one with others unmatched (%f)", s2, s1);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_same_owner_and_pairs_at_default_threshold)
{
	Dataset		ds;
	MatchResult mr;
	char		buf[512],
				err[200];
	const char *n[2] = {"Total Checking", "Savings"};
	const char *m[2] = {"1234", "5678"};

	keys_dataset_init(&ds, NULL);
	add_background(&ds, "ins_1", 100, "Total Checking", 0);
	(void) unit_add(&ds, "a", "u1", NULL, payload(buf, sizeof(buf), "ins_1", 2, n, m), NULL);
	(void) unit_add(&ds, "b", "u1", NULL, payload(buf, sizeof(buf), "ins_1", 2, n, m), NULL);
	ck_assert(match_find_pairs(&ds, &opts, &mr, err, sizeof(err)));
	ck_assert_uint_eq(mr.pairs.len, 1);
	ck_assert(VEC_AT(&mr.pairs, Pair, 0).score >= opts.threshold);
	ck_assert_uint_eq(VEC_AT(&mr.pairs, Pair, 0).n_shared, 2);
	{
		char	   *ev = match_pair_evidence(&ds, &mr, &VEC_AT(&mr.pairs, Pair, 0));

		ck_assert_ptr_nonnull(strstr(ev, "\"name\":\"total checking\""));
		ck_assert_ptr_nonnull(strstr(ev, "\"owner\":\"same\""));
		free(ev);
	}
	match_result_free(&mr);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_persistent_id_alone_is_not_proof)
{
	Dataset		ds;
	MatchResult mr;
	const char *j1 = "{\"accounts\":[{\"name\":\"Joint\",\"mask\":\"1111\",\"persistent_account_id\":\"p1\"},{\"name\":\"Mine\",\"mask\":\"2222\",\"persistent_account_id\":\"p2\"}],\"item\":{\"institution_id\":\"ins_3\"}}";
	const char *j2 = "{\"accounts\":[{\"name\":\"Joint\",\"mask\":\"3333\",\"persistent_account_id\":\"p1\"},{\"name\":\"Yours\",\"mask\":\"4444\",\"persistent_account_id\":\"p3\"}],\"item\":{\"institution_id\":\"ins_3\"}}";
	const char *d2 = "{\"accounts\":[{\"name\":\"Joint\",\"mask\":\"5555\",\"persistent_account_id\":\"p1\"},{\"name\":\"Mine\",\"mask\":\"6666\",\"persistent_account_id\":\"p2\"}],\"item\":{\"institution_id\":\"ins_3\"}}";
	uint32_t	a, b, c;
	bool		found;

	keys_dataset_init(&ds, NULL);
	add_background(&ds, "ins_3", 200, "Checking", 0);
	a = unit_add(&ds, "j1", "u1", NULL, j1, NULL);
	b = unit_add(&ds, "j2", "u2", NULL, j2, NULL);
	c = unit_add(&ds, "d2", "u3", NULL, d2, NULL);
	/* joint holders: one shared id, own accounts on both sides: below the threshold */
	ck_assert(pair_score(&ds, &mr, a, b, &found) < opts.threshold);
	ck_assert(found);
	match_result_free(&mr);
	/* the same login: every persistent id shared */
	ck_assert(pair_score(&ds, &mr, a, c, &found) >= opts.threshold);
	match_result_free(&mr);
	keys_dataset_free(&ds);
}
END_TEST

/* cJSON's own text for the number v rounded to 3 decimals, as evidence held it before. */
static void
cjson_r3(double v, char *out, size_t len)
{
	cJSON	   *n = cJSON_CreateNumber(round(v * 1000.0) / 1000.0);
	char	   *t = cJSON_PrintUnformatted(n);

	ck_assert_ptr_nonnull(t);
	snprintf(out, len, "%s", t);
	free(t);
	cJSON_Delete(n);
}

/* xorshift64: the tests' reproducible random numbers. */
static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

/*
 * score_r3_text prints what cJSON prints for every rounded value below
 * 10^12: edges (zero and negative zero, halves, int limits, the bound) and
 * 200,000 values at random magnitudes and signs.
 */
START_TEST(test_r3_text_is_cjson_text)
{
	const double edges[] = {0.0, -0.0, 0.0004, -0.0004, 0.0005, -0.0005, 0.001, -0.001,
		0.1, 0.125, 1.0, -1.0, 2.5, 12.3456, -7.0001, 1e-9, 2147483647.0, 2147483648.0,
		-2147483648.0, -2147483649.5, 4294967296.125, 999999999999.999, -999999999999.999,
	123456789.987654};
	char		mine[SCORE_R3_TEXT],
				theirs[64];
	uint64_t	x = 88172645463325252ULL;
	int			n = 0;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
	{
		ck_assert(score_r3_text(edges[i], mine));
		cjson_r3(edges[i], theirs, sizeof(theirs));
		ck_assert_msg(strcmp(mine, theirs) == 0, "%.17g: %s, cJSON %s", edges[i], mine, theirs);
	}
	for (int i = 0; i < 200000; i++)
	{
		double		v;

		xorshift(&x);
		v = (double) (x >> 11) / 9007199254740992.0 * pow(10.0, (double) (x % 15) - 3.0);
		if (x & 1)
			v = -v;
		if (!score_r3_text(v, mine))
			continue;
		n++;
		cjson_r3(v, theirs, sizeof(theirs));
		ck_assert_msg(strcmp(mine, theirs) == 0, "%.17g: %s, cJSON %s", v, mine, theirs);
	}
	ck_assert_int_gt(n, 190000);
	/* past the bound, NaN and infinities: left to cJSON */
	ck_assert(!score_r3_text(1e12, mine));
	ck_assert(!score_r3_text(-1e13, mine));
	ck_assert(!score_r3_text(NAN, mine));
	ck_assert(!score_r3_text(INFINITY, mine));
}
END_TEST

/* The reference: the evidence as the cJSON tree it was built from until it was written directly. */
static void
ref_r3(cJSON *obj, const char *name, double v)
{
	char		buf[SCORE_R3_TEXT];

	if (score_r3_text(v, buf))
		cJSON_AddRawToObject(obj, name, buf);
	else
		cJSON_AddNumberToObject(obj, name, round(v * 1000.0) / 1000.0);
}

static char *
ref_evidence(const ScoreInput *in, const char *const *names, const ScoreDetail *d,
			 const uint32_t *listed, uint32_t n_listed)
{
	static const char *const owner_names[] = {"different", "unknown", "same"};
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *keys;
	char	   *text;

	cJSON_AddStringToObject(root, "model", SCORE_MODEL_NAME);
	ref_r3(root, "score", d->score);
	ref_r3(root, "prior", d->prior);
	cJSON_AddNumberToObject(root, "institution_items", d->institution_items);
	keys = cJSON_AddArrayToObject(root, "shared_keys");
	for (uint32_t i = 0; i < n_listed; i++)
	{
		const ScoreKeyFreq *f = &in->keys[listed[i]];
		cJSON	   *o = cJSON_CreateObject();
		double		u;
		double		w = score_key_weight(f, d->institution_items, &u);

		cJSON_AddStringToObject(o, "name", names[listed[i]]);
		cJSON_AddStringToObject(o, "mask", f->mask);
		cJSON_AddNumberToObject(o, "items_with_name", f->name_items);
		cJSON_AddNumberToObject(o, "items_with_key", f->key_items);
		cJSON_AddNumberToObject(o, "u", u);
		ref_r3(o, "weight", w);
		cJSON_AddItemToArray(keys, o);
	}
	if (n_listed < in->n_keys)
		cJSON_AddNumberToObject(root, "shared_keys_omitted", in->n_keys - n_listed);
	cJSON_AddNumberToObject(root, "shared_persistent_ids", in->n_shared_p);
	ref_r3(root, "persistent_weight", d->persistent);
	cJSON_AddStringToObject(root, "owner", owner_names[d->owner_relation + 1]);
	ref_r3(root, "owner_weight", d->owner);
	cJSON_AddNumberToObject(root, "unmatched_a", d->unmatched_a);
	cJSON_AddNumberToObject(root, "unmatched_b", d->unmatched_b);
	ref_r3(root, "unmatched_penalty", d->unmatched);
	cJSON_AddBoolToObject(root, "identical_accounts", d->identical);
	ref_r3(root, "identical_bonus", d->identical_bonus);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* A count: the edges of int and uint32_t, or small, or anything. */
static uint32_t
any_count(uint64_t *x)
{
	static const uint32_t edges[] = {0, 1, 2, 3, 1000, 2147483647u, 2147483648u, 4294967295u};
	uint64_t	r = xorshift(x);

	return r % 3 == 0 ? edges[(r >> 8) % 8] : r % 3 == 1 ? (uint32_t) (r >> 20) % 50 : (uint32_t) (r >> 32);
}

/* A term: zero of either sign, rounding halves, past score_r3_text's bound, not finite, or any. */
static double
any_term(uint64_t *x)
{
	static const double edges[] = {0.0, -0.0, 0.0005, -0.0005, 0.0004, 1e12, -1e13, 1e300,
	NAN, INFINITY, -INFINITY, 2147483647.0, 12.3456};
	uint64_t	r = xorshift(x);

	if (r % 4 == 0)
		return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	return ((double) (r >> 11) / 9007199254740992.0 - 0.5) * pow(10.0, (double) (r % 9) - 2.0);
}

/*
 * score_evidence_json writes the bytes cJSON printed for the same
 * evidence: 20,000 evidences with hostile names and masks (quotes,
 * backslashes, every control character, DEL, UTF-8 and bytes that are not
 * UTF-8), counts at the int and uint32_t edges, u from any counts (NaN and
 * infinity included), terms of every kind, more keys than are listed.
 */
START_TEST(test_evidence_text)
{
	static const char *const parts[] = {"checking", "\"", "\\", "\b\f\n\r\t", "\x01\x1f",
	"\x7f", "caf\xc3\xa9", "\xe6\x97\xa5", "\xff\xfe", "</script>", "", " ", "\\u0000"};
	static const char masks[] = "0123456789\"\\\n\x01x";
	uint64_t	x = 0x9e3779b97f4a7c15ULL;
	int			more_listed = 0;

	for (int iter = 0; iter < 20000; iter++)
	{
		ScoreKeyFreq keys[12];
		char		name_buf[12][64];
		const char *names[12];
		uint32_t	listed[12];
		uint32_t	n_listed = 0;
		ScoreInput	in = {.keys = keys, .n_keys = (uint32_t) (xorshift(&x) % 12)};
		ScoreDetail d = {.prior = any_term(&x), .institution_items = any_count(&x),
			.persistent = any_term(&x), .owner = any_term(&x),
			.owner_relation = (int) (xorshift(&x) % 3) - 1, .unmatched_a = any_count(&x),
			.unmatched_b = any_count(&x), .unmatched = any_term(&x),
			.identical = xorshift(&x) & 1, .identical_bonus = any_term(&x),
		.score = any_term(&x)};
		char	   *mine;
		char	   *theirs;
		cJSON	   *parsed;

		in.n_shared_p = any_count(&x);
		for (uint32_t k = 0; k < in.n_keys; k++)
		{
			int			len = snprintf(name_buf[k], sizeof(name_buf[k]), "k%u:", k);

			for (int j = 0; j < 3; j++)
				len += snprintf(name_buf[k] + len, sizeof(name_buf[k]) - (size_t) len, "%s",
								parts[xorshift(&x) % (sizeof(parts) / sizeof(parts[0]))]);
			names[k] = name_buf[k];
			for (int j = 0; j < 4; j++)
				keys[k].mask[j] = masks[xorshift(&x) % (sizeof(masks) - 1)];
			keys[k].mask[4] = '\0';
			keys[k].name_items = any_count(&x);
			keys[k].key_items = any_count(&x);
			keys[k].gname_items = any_count(&x);
			keys[k].gkey_items = any_count(&x);
		}
		mine = score_evidence_json(&in, names, &d);
		/* which keys it listed (its choice among more than SCORE_EVIDENCE_KEYS), by their names */
		parsed = cJSON_Parse(mine);
		ck_assert_msg(parsed != NULL, "not JSON: %s", mine);
		for (cJSON *o = cJSON_GetObjectItem(parsed, "shared_keys")->child; o; o = o->next)
			listed[n_listed++] = (uint32_t) strtoul(cJSON_GetObjectItem(o, "name")->valuestring + 1,
													NULL, 10);
		cJSON_Delete(parsed);
		if (in.n_keys <= SCORE_EVIDENCE_KEYS)
			ck_assert_uint_eq(n_listed, in.n_keys);
		else
		{
			ck_assert_uint_eq(n_listed, SCORE_EVIDENCE_KEYS);
			more_listed++;
		}
		theirs = ref_evidence(&in, names, &d, listed, n_listed);
		ck_assert_msg(strcmp(mine, theirs) == 0, "mine   %s\ncJSON  %s", mine, theirs);
		free(mine);
		free(theirs);
	}
	ck_assert_int_gt(more_listed, 1000);
}
END_TEST

Suite *
score_suite(void)
{
	Suite	   *s = suite_create("score");
	TCase	   *tc = tcase_create("core");

	tcase_add_test(tc, test_rare_name_outweighs_common);
	tcase_add_test(tc, test_more_shared_accounts_raise_the_score);
	tcase_add_test(tc, test_same_owner_and_pairs_at_default_threshold);
	tcase_add_test(tc, test_persistent_id_alone_is_not_proof);
	tcase_add_test(tc, test_r3_text_is_cjson_text);
	tcase_add_test(tc, test_evidence_text);
	suite_add_tcase(s, tc);
	return s;
}
