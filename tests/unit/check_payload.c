/*
 * check_payload.c — both payload shapes, every reject code, the JSON traps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "payload.h"
#include "unit.h"

#define CANARY "access-sandbox-CANARY"

/* parse s; returns the reason and checks the detail never echoes the canary */
static RejectReason
parse(Arena *a, const char *s, size_t len, PayloadItem *p)
{
	char		detail[160];
	RejectReason r = payload_parse(s, len, a, p, detail, sizeof(detail));

	ck_assert_ptr_null(strstr(detail, "CANARY"));
	ck_assert_ptr_null(strstr(detail, "Premier"));
	if (r != REJECT_NONE)
		ck_assert_msg(detail[0] != '\0', "a reject without detail");
	return r;
}

#define PARSE(a, s, p) parse((a), (s), strlen(s), (p))

START_TEST(test_current_shape)
{
	Arena		a;
	PayloadItem p;

	arena_init(&a);
	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"account_id\":\"x\",\"name\":\"Plaid Checking\","
						   "\"mask\":\"0000\",\"persistent_account_id\":\"pid-1\"},"
						   "{\"name\":\"Plaid Saving\",\"mask\":null}],"
						   "\"item\":{\"institution_id\":\"ins_109508\",\"error\":null}}", &p),
					 REJECT_NONE);
	ck_assert_uint_eq(p.n_accounts, 2);
	ck_assert_str_eq(p.institution_id, "ins_109508");
	ck_assert(!p.has_error);
	ck_assert(!p.legacy);
	ck_assert_str_eq(p.accounts[0].name, "plaid checking");
	ck_assert_str_eq(p.accounts[0].mask, "0000");
	ck_assert_str_eq(p.accounts[0].persistent_id, "pid-1");
	ck_assert_int_eq(p.accounts[1].unkeyable, UNK_NO_MASK);
	ck_assert_ptr_null(p.accounts[1].name);

	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"name\":\"A\",\"mask\":\"12\"}],"
						   "\"item\":{\"error\":{\"error_code\":\"ITEM_LOGIN_REQUIRED\"}}}", &p),
					 REJECT_NONE);
	ck_assert(p.has_error);
	ck_assert_ptr_null(p.institution_id);
	arena_free(&a);
}
END_TEST

START_TEST(test_legacy_shape)
{
	Arena		a;
	PayloadItem p;

	arena_init(&a);
	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"_id\":\"q\",\"institution_type\":\"wells\","
						   "\"meta\":{\"name\":\"Plaid Savings\",\"number\":42},\"type\":\"depository\"},"
						   "{\"meta\":{\"name\":\"Gold\",\"number\":\"9606\"}},"
						   "{\"meta\":{\"name\":\"Big\",\"number\":123456789}}],"
						   "\"access_token\":\"" CANARY "\"}", &p), REJECT_NONE);
	ck_assert(p.legacy);
	ck_assert_str_eq(p.legacy_type, "wells");
	ck_assert_str_eq(p.accounts[0].name, "plaid savings");
	ck_assert_str_eq(p.accounts[0].mask, "0042");
	ck_assert_str_eq(p.accounts[1].mask, "9606");
	ck_assert_int_eq(p.accounts[2].unkeyable, UNK_BAD_TYPE);	/* not a 0-9999 integer */
	arena_free(&a);
}
END_TEST

/* one payload per item-level reject code payload_parse can give */
static const struct
{
	const char *json;
	RejectReason want;
} reject_cases[] = {
	{"{\"accounts\": [", REJECT_NOT_JSON},
	{"{\"accounts\":[]} trailing", REJECT_NOT_JSON},
	{"hello", REJECT_NOT_JSON},
	{"{\"accounts\":[{\"name\":\"a\tb\",\"mask\":\"12\"}]}", REJECT_NOT_JSON}, /* raw TAB in a string */
	{"[{\"name\":\"x\"}]", REJECT_NOT_OBJECT},
	{"\"x\"", REJECT_NOT_OBJECT},
	{"null", REJECT_NOT_OBJECT},
	{"{\"item\":{}}", REJECT_NO_ACCOUNTS},
	{"{\"accounts\":{\"name\":\"x\"}}", REJECT_NO_ACCOUNTS},
	{"{\"accounts\":[]}", REJECT_NO_ACCOUNTS},
	{"{\"Accounts\":[{\"name\":\"x\",\"mask\":\"12\"}]}", REJECT_NO_ACCOUNTS}, /* case matters */
	{"{\"accounts\":[{\"name\":\"Premier\\u0000 Checking\",\"mask\":\"1234\"}],\"t\":\"" CANARY "\"}", REJECT_NUL_IN_STRING},
	{"{\"accounts\":[{\"name\":\"x\\ud800\",\"mask\":\"12\"}]}", REJECT_INVALID_UNICODE},
	{"{\"accounts\":[{\"name\":\"x\\udc00y\",\"mask\":\"12\"}]}", REJECT_INVALID_UNICODE},
	{"{\"accounts\":[{\"name\":\"\xff\",\"mask\":\"12\"}]}", REJECT_INVALID_UNICODE},
	{"{\"accounts\":[{\"name\":\"Premier\",\"name\":\"Other\",\"mask\":\"12\"}],\"t\":\"" CANARY "\"}", REJECT_DUPLICATE_KEY},
	{"{\"accounts\":[],\"accounts\":[{\"name\":\"x\",\"mask\":\"12\"}]}", REJECT_DUPLICATE_KEY},
	{"{\"a\":{\"b\":{\"c\":1,\"c\":2}},\"accounts\":[{\"name\":\"x\",\"mask\":\"12\"}]}", REJECT_DUPLICATE_KEY},
};

START_TEST(test_reject_codes)
{
	Arena		a;
	PayloadItem p;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++)
	{
		RejectReason r = PARSE(&a, reject_cases[i].json, &p);

		ck_assert_msg(r == reject_cases[i].want, "case %zu: got %s, want %s", i,
					  payload_reject_name(r), payload_reject_name(reject_cases[i].want));
	}
	/* a valid surrogate pair and keys differing only in case are fine */
	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"name\":\"\\ud83d\\ude00 card\",\"Name\":\"x\","
						   "\"mask\":\"12\"}]}", &p), REJECT_NONE);
	ck_assert_str_eq(p.accounts[0].name, "\xf0\x9f\x98\x80 card");
	arena_free(&a);
}
END_TEST

START_TEST(test_size_depth_count_limits)
{
	Arena		a;
	PayloadItem p;
	size_t		n = PAYLOAD_MAX_BYTES + 16;
	char	   *big = malloc(n + 1);
	char	   *deep = malloc(4002);
	size_t		len;

	arena_init(&a);
	memset(big, ' ', n);
	memcpy(big, "{\"accounts\":[]}", 15);
	big[n] = '\0';
	ck_assert_int_eq(parse(&a, big, n, &p), REJECT_TOO_LARGE);

	memset(deep, '[', 2000);
	memset(deep + 2000, ']', 2000);
	deep[4000] = '\0';
	ck_assert_int_eq(PARSE(&a, deep, &p), REJECT_TOO_DEEP);

	/* 1001 accounts */
	len = (size_t) snprintf(big, n, "{\"accounts\":[");
	for (int i = 0; i <= PAYLOAD_MAX_ACCOUNTS; i++)
		len += (size_t) snprintf(big + len, n - len, "%s{\"name\":\"a\",\"mask\":\"%04d\"}",
								 i ? "," : "", i);
	len += (size_t) snprintf(big + len, n - len, "]}");
	ck_assert_int_eq(parse(&a, big, len, &p), REJECT_TOO_MANY_ACCOUNTS);
	free(big);
	free(deep);
	arena_free(&a);
}
END_TEST

START_TEST(test_unkeyable_accounts)
{
	Arena		a;
	PayloadItem p;
	size_t		n = 2 * 1024 * 1024;
	char	   *json = malloc(n + 200);
	size_t		len;

	arena_init(&a);
	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"mask\":\"12\"},{\"name\":null,\"mask\":\"12\"},"
						   "{\"name\":7,\"mask\":\"12\"},\"str\",{\"name\":\"x\",\"mask\":12},"
						   "{\"NAME\":\"x\",\"mask\":\"12\"},{\"name\":\"   \",\"mask\":\"12\"}]}", &p),
					 REJECT_NONE);
	ck_assert_int_eq(p.accounts[0].unkeyable, UNK_NO_NAME);
	ck_assert_int_eq(p.accounts[1].unkeyable, UNK_NO_NAME);
	ck_assert_int_eq(p.accounts[2].unkeyable, UNK_BAD_TYPE);
	ck_assert_int_eq(p.accounts[3].unkeyable, UNK_BAD_TYPE);
	ck_assert_int_eq(p.accounts[4].unkeyable, UNK_BAD_TYPE);	/* current mask as a number */
	ck_assert_int_eq(p.accounts[5].unkeyable, UNK_NO_NAME);	/* "NAME" is not "name" */
	ck_assert_int_eq(p.accounts[6].unkeyable, UNK_NO_NAME);

	/* a 2 MB name: unkeyable, no crash */
	len = (size_t) snprintf(json, 200, "{\"accounts\":[{\"name\":\"");
	memset(json + len, 'n', n);
	len += n;
	len += (size_t) snprintf(json + len, 200, "\",\"mask\":\"12\"}]}");
	ck_assert_int_eq(parse(&a, json, len, &p), REJECT_NONE);
	ck_assert_int_eq(p.accounts[0].unkeyable, UNK_NAME_TOO_LONG);
	free(json);
	arena_free(&a);
}
END_TEST

START_TEST(test_nul_never_truncates)
{
	Arena		a;
	PayloadItem p;

	arena_init(&a);
	/* the escaped NUL is rejected, so 'Premier\u0000 Checking' can never become 'premier' */
	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"name\":\"Premier\\u0000 Checking\",\"mask\":\"1234\"}]}", &p),
					 REJECT_NUL_IN_STRING);
	/* an escaped backslash before u0000 is just text */
	ck_assert_int_eq(PARSE(&a, "{\"accounts\":[{\"name\":\"Premier\\\\u0000\",\"mask\":\"1234\"}]}", &p),
					 REJECT_NONE);
	ck_assert_str_eq(p.accounts[0].name, "premier\\u0000");
	arena_free(&a);
}
END_TEST

Suite *
payload_suite(void)
{
	Suite	   *s = suite_create("payload");
	TCase	   *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_current_shape);
	tcase_add_test(tc, test_legacy_shape);
	tcase_add_test(tc, test_reject_codes);
	tcase_add_test(tc, test_size_depth_count_limits);
	tcase_add_test(tc, test_unkeyable_accounts);
	tcase_add_test(tc, test_nul_never_truncates);
	suite_add_tcase(s, tc);
	return s;
}
