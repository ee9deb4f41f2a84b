/*
 * test_payload.c — both payload shapes, every item-level reject payload_parse
 * can produce, the JSON traps of docs/PLAID.md and the account-level unkeyable
 * reasons (docs/SOURCE.md).  Every rejected payload carries a
 * token-like canary that the reject detail must never contain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "suites.h"

#define CANARY "access-sandbox-CANARY"

typedef struct Parsed
{
	Arena		arena;
	PayloadItem item;
	char		detail[160];
	RejectReason r;
} Parsed;

static void
parse_len(Parsed *p, const char *json, size_t len)
{
	arena_init(&p->arena);
	memset(p->detail, 'x', sizeof(p->detail) - 1);
	p->detail[sizeof(p->detail) - 1] = '\0';
	p->r = payload_parse(json, len, &p->arena, &p->item, p->detail, sizeof(p->detail));
}

static void
parse(Parsed *p, const char *json)
{
	parse_len(p, json, strlen(json));
}

/* Parse json and require it accepted. */
static void
parse_ok(Parsed *p, const char *json)
{
	parse(p, json);
	ck_assert_msg(p->r == REJECT_NONE, "rejected %s: %s", payload_reject_name(p->r),
				  p->detail);
}

/* The reject contract: the code, a non-empty detail without payload content. */
static void
assert_reject(const char *json, size_t len, RejectReason expect, const char *what)
{
	Parsed		p;

	parse_len(&p, json, len);
	ck_assert_msg(p.r == expect, "%s: got %s, expected %s", what,
				  payload_reject_name(p.r), payload_reject_name(expect));
	ck_assert_msg(p.detail[0] != '\0' && p.detail[0] != 'x' && strlen(p.detail) < 160,
				  "%s: no detail written", what);
	ck_assert_msg(strstr(p.detail, "CANARY") == NULL && strstr(p.detail, "access-") == NULL,
				  "%s: detail leaks payload content: %s", what, p.detail);
	ck_assert_uint_eq(p.item.n_accounts, 0);
	arena_free(&p.arena);
}

START_TEST(test_current_shape)
{
	Parsed		p;
	const PayloadAccount *a;

	parse_ok(&p,
			 "{\"accounts\":[{\"account_id\":\"vzeNDwK7KQIm4yEog683uElbp9GRLEFXGK98D\","
			 "\"balances\":{\"available\":100,\"current\":110,\"limit\":null},"
			 "\"mask\":\"0000\",\"name\":\"Plaid Checking\","
			 "\"official_name\":\"Plaid Gold Standard 0% Interest Checking\","
			 "\"subtype\":\"checking\",\"type\":\"depository\","
			 "\"persistent_account_id\":\"3f9a1c0e7b2d4a6f8e5c1b9d0a7f3e2c\"},"
			 "{\"mask\":\" 11a \",\"name\":\"  Plaid   SAVING \"}],"
			 "\"item\":{\"institution_id\":\"ins_109508\",\"item_id\":\"Ed6bjN\","
			 "\"webhook\":null,\"error\":{\"error_code\":\"ITEM_LOGIN_REQUIRED\"}},"
			 "\"request_id\":\"bkVE1BHWMAMbGyo\"}");
	ck_assert_uint_eq(p.item.n_accounts, 2);
	ck_assert(!p.item.legacy);
	ck_assert(p.item.has_error);
	ck_assert_str_eq(p.item.institution_id, "ins_109508");
	ck_assert_ptr_null(p.item.legacy_type);
	a = &p.item.accounts[0];
	ck_assert_int_eq(a->unkeyable, UNK_NONE);
	ck_assert_str_eq(a->name, "plaid checking");
	ck_assert_uint_eq(a->name_len, 14);
	ck_assert_str_eq(a->mask, "0000");
	ck_assert_str_eq(a->persistent_id, "3f9a1c0e7b2d4a6f8e5c1b9d0a7f3e2c");
	a = &p.item.accounts[1];
	ck_assert_int_eq(a->unkeyable, UNK_NONE);
	ck_assert_str_eq(a->name, "plaid saving");
	ck_assert_str_eq(a->mask, "11A");
	ck_assert_ptr_null(a->persistent_id);
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_current_error_null_and_no_item)
{
	Parsed		p;

	parse_ok(&p, "{\"accounts\":[{\"name\":\"A\",\"mask\":\"00\"}],"
			 "\"item\":{\"institution_id\":null,\"error\":null}}");
	ck_assert(!p.item.has_error);
	ck_assert_ptr_null(p.item.institution_id);
	arena_free(&p.arena);

	parse_ok(&p, "{\"accounts\":[{\"name\":\"A\",\"mask\":\"00\"}]}");
	ck_assert(!p.item.has_error);
	ck_assert_ptr_null(p.item.institution_id);
	ck_assert(!p.item.legacy);
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_legacy_shape)
{
	Parsed		p;
	const PayloadAccount *a;

	parse_ok(&p,
			 "{\"accounts\":[{\"_id\":\"QPO8Jo8vdDHMepg41PBwckXm4KdK1yUdmXOwK\","
			 "\"_item\":\"KdDjmojBERUKx3JkDd9RuxA5EvejA4SENO4AA\","
			 "\"balance\":{\"available\":1203.42,\"current\":1274.93},"
			 "\"institution_type\":\"fake_institution\","
			 "\"meta\":{\"name\":\"Plaid Savings\",\"number\":\"9606\"},"
			 "\"subtype\":\"savings\",\"type\":\"depository\"},"
			 "{\"institution_type\":\"fake_institution\","
			 "\"meta\":{\"name\":\"Plaid Credit\",\"number\":42,\"limit\":500},"
			 "\"type\":\"credit\"}],"
			 "\"access_token\":\"test_wells\"}");
	ck_assert(p.item.legacy);
	ck_assert_ptr_null(p.item.institution_id);
	ck_assert_str_eq(p.item.legacy_type, "fake_institution");
	ck_assert_uint_eq(p.item.n_accounts, 2);
	a = &p.item.accounts[0];
	ck_assert_int_eq(a->unkeyable, UNK_NONE);
	ck_assert_str_eq(a->name, "plaid savings");
	ck_assert_str_eq(a->mask, "9606");
	ck_assert_str_eq(a->legacy_type, "fake_institution");
	a = &p.item.accounts[1];
	ck_assert_int_eq(a->unkeyable, UNK_NONE);
	ck_assert_str_eq(a->name, "plaid credit");
	ck_assert_str_eq(a->mask, "0042");
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_mixed_shapes_in_one_payload)
{
	Parsed		p;

	/* docs/SOURCE.md: both shapes may appear in one payload */
	parse_ok(&p, "{\"accounts\":["
			 "{\"name\":\"Checking\",\"mask\":\"1234\"},"
			 "{\"meta\":{\"name\":\"Savings\",\"number\":7},\"institution_type\":\"wells\"},"
			 "{\"name\":\"Card\",\"mask\":1234}]}");
	ck_assert(p.item.legacy);
	ck_assert_str_eq(p.item.legacy_type, "wells");
	ck_assert_str_eq(p.item.accounts[0].mask, "1234");
	ck_assert_str_eq(p.item.accounts[1].mask, "0007");
	/* a numeric mask is legal only as a legacy meta.number */
	ck_assert_int_eq(p.item.accounts[2].unkeyable, UNK_BAD_TYPE);
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_not_nul_terminated)
{
	static const char buf[] = "{\"accounts\":[{\"name\":\"A\",\"mask\":\"00\"}]}GARBAGE";
	Parsed		p;

	parse_len(&p, buf, sizeof(buf) - 1 - strlen("GARBAGE"));
	ck_assert_int_eq(p.r, REJECT_NONE);
	ck_assert_uint_eq(p.item.n_accounts, 1);
	arena_free(&p.arena);
	assert_reject(buf, sizeof(buf) - 1, REJECT_NOT_JSON, "the garbage counted");

	/* a raw NUL byte inside a string is not JSON, never a truncated name */
	static const char nul[] = "{\"accounts\":[{\"name\":\"Premier\0 Checking\",\"mask\":\"1234\"}],"
		"\"t\":\"" CANARY "\"}";

	assert_reject(nul, sizeof(nul) - 1, REJECT_NOT_JSON, "raw NUL in a name");
	assert_reject(nul, sizeof(nul), REJECT_NOT_JSON, "raw NUL after the text");
}
END_TEST

static const struct
{
	const char *json;
	RejectReason r;
	const char *what;
}			rejects[] = {
	{"{\"access_token\":\"" CANARY "\",\"accounts\":[", REJECT_NOT_JSON, "truncated"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":[{\"name\":\"a", REJECT_NOT_JSON,
	"truncated in a string"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}]} x",
	REJECT_NOT_JSON, "trailing garbage"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}]}{}",
	REJECT_NOT_JSON, "two values"},
	{"{\"access_token\":\"" CANARY "\",}", REJECT_NOT_JSON, "trailing comma"},
	{"{'access_token':'" CANARY "'}", REJECT_NOT_JSON, "single quotes"},
	{"{\"access_token\":\"" CANARY "\x01\"}", REJECT_NOT_JSON, "raw control char"},
	{"", REJECT_NOT_JSON, "empty text"},
	{"   ", REJECT_NOT_JSON, "blank text"},
	{"[]", REJECT_NOT_OBJECT, "array"},
	{"\"x\"", REJECT_NOT_OBJECT, "string"},
	{"null", REJECT_NOT_OBJECT, "null"},
	{"42", REJECT_NOT_OBJECT, "number"},
	{"[\"" CANARY "\"]", REJECT_NOT_OBJECT, "array with canary"},
	{"\"" CANARY "\"", REJECT_NOT_OBJECT, "string canary"},
	{"{\"access_token\":\"" CANARY "\"}", REJECT_NO_ACCOUNTS, "missing"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":{}}", REJECT_NO_ACCOUNTS, "object"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":\"x\"}", REJECT_NO_ACCOUNTS, "string"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":null}", REJECT_NO_ACCOUNTS, "null"},
	{"{\"access_token\":\"" CANARY "\",\"accounts\":[]}", REJECT_NO_ACCOUNTS, "empty"},
	{"{\"access_token\":\"" CANARY "\",\"Accounts\":[{\"name\":\"a\",\"mask\":\"00\"}]}",
	REJECT_NO_ACCOUNTS, "\"Accounts\" is not \"accounts\""},
	{"{\"access_token\":\"" CANARY "\",\"ACCOUNTS\":[{\"name\":\"a\",\"mask\":\"00\"}]}",
	REJECT_NO_ACCOUNTS, "\"ACCOUNTS\" is not \"accounts\""},
	{"{\"accounts\":[{\"name\":\"Premier\\u0000 Checking\",\"mask\":\"1234\"}],"
		"\"access_token\":\"" CANARY "\"}", REJECT_NUL_IN_STRING, "\\u0000 in a name"},
	{"{\"accounts\\u0000\":[],\"t\":\"" CANARY "\"}", REJECT_NUL_IN_STRING, "\\u0000 in a key"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\\ud800\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "lone high surrogate"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\\uDC00x\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "lone low surrogate"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\\ud800\\u0041\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "high surrogate then not a low one"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\\ude00\\ud83d\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "surrogates in the wrong order"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\xff\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "raw 0xFF"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\xc0\xaf\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "raw overlong"},
	{"{\"accounts\":[{\"name\":\"" CANARY "\xed\xa0\x80\",\"mask\":\"00\"}]}",
	REJECT_INVALID_UNICODE, "raw encoded surrogate"},
	{"{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}],\"" CANARY "\xe2\x82\"",
	REJECT_INVALID_UNICODE, "raw truncated sequence"},
	{"{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}],\"accounts\":[],\"t\":\"" CANARY "\"}",
	REJECT_DUPLICATE_KEY, "top level"},
	{"{\"accounts\":[{\"name\":\"a\",\"name\":\"" CANARY "\",\"mask\":\"00\"}]}",
	REJECT_DUPLICATE_KEY, "in an account"},
	{"{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}],"
		"\"item\":{\"error\":null,\"x\":{\"t\":\"" CANARY "\",\"t\":1}}}",
	REJECT_DUPLICATE_KEY, "nested deeply"},
	{"{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}],\"k\":[{\"a\":1},{\"b\":1,\"b\":\"" CANARY
		"\"}]}", REJECT_DUPLICATE_KEY, "in an object in an array"},
};

START_TEST(test_reject_table)
{
	assert_reject(rejects[_i].json, strlen(rejects[_i].json), rejects[_i].r, rejects[_i].what);
}
END_TEST

START_TEST(test_nul_name_not_truncated)
{
	Parsed		p;

	/* 'Premier\u0000 Checking' must never become the keyable name "premier" */
	parse(&p, "{\"accounts\":[{\"name\":\"Premier\\u0000 Checking\",\"mask\":\"1234\"}]}");
	ck_assert_int_eq(p.r, REJECT_NUL_IN_STRING);
	ck_assert_uint_eq(p.item.n_accounts, 0);
	ck_assert_ptr_null(p.item.accounts);
	arena_free(&p.arena);

	/* an escaped backslash then "u0000" is six ordinary characters */
	parse_ok(&p, "{\"accounts\":[{\"name\":\"Premier\\\\u0000 Checking\",\"mask\":\"1234\"}]}");
	ck_assert_str_eq(p.item.accounts[0].name, "premier\\u0000 checking");
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_surrogate_pair_accepted)
{
	Parsed		p;

	parse_ok(&p, "{\"accounts\":[{\"name\":\"Smile \\ud83d\\ude00\",\"mask\":\"00\"},"
			 "{\"name\":\"Smile \\uD83D\\uDE00 2\",\"mask\":\"01\"}]}");
	ck_assert_str_eq(p.item.accounts[0].name, "smile \xf0\x9f\x98\x80");
	ck_assert_str_eq(p.item.accounts[1].name, "smile \xf0\x9f\x98\x80 2");
	arena_free(&p.arena);
}
END_TEST

/* {"accounts":[{"name":"a","mask":"00"}],"x": + n x '[' + n x ']' + } */
static char *
nested(int n)
{
	const char *head = "{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}],\"t\":\"" CANARY "\",\"x\":";
	size_t		hl = strlen(head);
	char	   *s = malloc(hl + 2 * (size_t) n + 2);

	memcpy(s, head, hl);
	memset(s + hl, '[', n);
	memset(s + hl + n, ']', n);
	strcpy(s + hl + 2 * n, "}");
	return s;
}

START_TEST(test_too_deep)
{
	char	   *s;
	Parsed		p;

	/* the outer object is level 1: 63 arrays make 64, the limit */
	s = nested(PAYLOAD_MAX_DEPTH - 1);
	parse_ok(&p, s);
	arena_free(&p.arena);
	free(s);
	s = nested(PAYLOAD_MAX_DEPTH);
	assert_reject(s, strlen(s), REJECT_TOO_DEEP, "65 levels");
	free(s);
	s = nested(5000);
	assert_reject(s, strlen(s), REJECT_TOO_DEEP, "5000 levels");
	free(s);

	/* brackets inside strings are not nesting */
	parse_ok(&p, "{\"accounts\":[{\"name\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
			 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\",\"mask\":\"00\"}]}");
	arena_free(&p.arena);
}
END_TEST

/* A valid payload of exactly total bytes: one account plus a padding string. */
static char *
padded(size_t total)
{
	const char *head = "{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}],\"t\":\"" CANARY "\",\"pad\":\"";
	size_t		hl = strlen(head);
	char	   *s = malloc(total + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, head, hl);
	memset(s + hl, 'x', total - hl - 2);
	memcpy(s + total - 2, "\"}", 3);
	return s;
}

START_TEST(test_too_large)
{
	char	   *s = padded(PAYLOAD_MAX_BYTES);
	Parsed		p;

	parse_len(&p, s, PAYLOAD_MAX_BYTES);
	ck_assert_int_eq(p.r, REJECT_NONE);
	ck_assert_uint_eq(p.item.n_accounts, 1);
	arena_free(&p.arena);
	free(s);
	s = padded(PAYLOAD_MAX_BYTES + 1);
	assert_reject(s, PAYLOAD_MAX_BYTES + 1, REJECT_TOO_LARGE, "16 MiB + 1");
	free(s);
}
END_TEST

static char *
many_accounts(int n)
{
	const char *acct = "{\"name\":\"a\",\"mask\":\"00\"},";
	size_t		al = strlen(acct);
	const char *head = "{\"t\":\"" CANARY "\",\"accounts\":[";
	size_t		hl = strlen(head);
	char	   *s = malloc(hl + al * (size_t) n + 4);
	char	   *w = s;

	memcpy(w, head, hl);
	w += hl;
	for (int i = 0; i < n; i++, w += al)
		memcpy(w, acct, al);
	strcpy(w - 1, "]}");
	return s;
}

START_TEST(test_too_many_accounts)
{
	char	   *s = many_accounts(PAYLOAD_MAX_ACCOUNTS);
	Parsed		p;

	parse_ok(&p, s);
	ck_assert_uint_eq(p.item.n_accounts, 1000);
	arena_free(&p.arena);
	free(s);
	s = many_accounts(1001);
	assert_reject(s, strlen(s), REJECT_TOO_MANY_ACCOUNTS, "1001 accounts");
	free(s);
}
END_TEST

START_TEST(test_duplicate_key_large_object)
{
	char		buf[1024];
	size_t		n = 0;
	Parsed		p;

	/* more than 16 members: the sorting path of the duplicate check */
	n += (size_t) snprintf(buf + n, sizeof(buf) - n,
						   "{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"}]");
	for (int i = 0; i < 20; i++)
		n += (size_t) snprintf(buf + n, sizeof(buf) - n, ",\"k%02d\":%d", i, i);
	snprintf(buf + n, sizeof(buf) - n, "}");
	parse_ok(&p, buf);
	arena_free(&p.arena);
	snprintf(buf + n, sizeof(buf) - n, ",\"k07\":\"" CANARY "\"}");
	assert_reject(buf, strlen(buf), REJECT_DUPLICATE_KEY, "21st key repeats the 8th");
	/* the same with case differences only: not a duplicate */
	snprintf(buf + n, sizeof(buf) - n, ",\"K07\":1}");
	parse_ok(&p, buf);
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_case_sensitive_keys)
{
	Parsed		p;

	/* "Name" and "name" are different keys, and only "name" is the name */
	parse_ok(&p, "{\"accounts\":[{\"Name\":\"X\",\"name\":\"Plaid Checking\",\"mask\":\"0000\"}]}");
	ck_assert_str_eq(p.item.accounts[0].name, "plaid checking");
	arena_free(&p.arena);
	parse_ok(&p, "{\"accounts\":[{\"name\":\"Plaid Checking\",\"Name\":\"X\",\"mask\":\"0000\"}]}");
	ck_assert_str_eq(p.item.accounts[0].name, "plaid checking");
	arena_free(&p.arena);

	parse_ok(&p, "{\"accounts\":[{\"NAME\":\"Plaid Checking\",\"mask\":\"0000\"},"
			 "{\"name\":\"Plaid Checking\",\"Mask\":\"0000\"},"
			 "{\"Meta\":{\"name\":\"Plaid Savings\",\"number\":\"1111\"}}],"
			 "\"Item\":{\"institution_id\":\"ins_1\",\"error\":{}},"
			 "\"item\":{\"Institution_id\":\"ins_2\",\"Error\":{}}}");
	ck_assert_int_eq(p.item.accounts[0].unkeyable, UNK_NO_NAME);
	ck_assert_int_eq(p.item.accounts[1].unkeyable, UNK_NO_MASK);
	ck_assert_int_eq(p.item.accounts[2].unkeyable, UNK_NO_NAME);
	ck_assert(!p.item.legacy);
	ck_assert_ptr_null(p.item.institution_id);
	ck_assert(!p.item.has_error);
	arena_free(&p.arena);
}
END_TEST

static const struct
{
	const char *account;		/* one element of accounts[] */
	Unkeyable	u;
	const char *what;
}			unkeyable_cases[] = {
	{"{\"mask\":\"0000\"}", UNK_NO_NAME, "name missing"},
	{"{\"name\":null,\"mask\":\"0000\"}", UNK_NO_NAME, "name null"},
	{"{\"name\":\"  \\u00a0 \",\"mask\":\"0000\"}", UNK_NO_NAME, "name blank"},
	{"{\"name\":\"\",\"mask\":\"0000\"}", UNK_NO_NAME, "name empty"},
	{"{\"meta\":{\"number\":\"0000\"}}", UNK_NO_NAME, "legacy name missing"},
	{"{\"name\":\"Checking\"}", UNK_NO_MASK, "mask missing"},
	{"{\"name\":\"Checking\",\"mask\":null}", UNK_NO_MASK, "mask null"},
	{"{\"name\":\"Checking\",\"mask\":\"12345\"}", UNK_NO_MASK, "mask too long"},
	{"{\"name\":\"Checking\",\"mask\":\"ab-1\"}", UNK_NO_MASK, "mask with a dash"},
	{"{\"meta\":{\"name\":\"Checking\"}}", UNK_NO_MASK, "legacy number missing"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":null}}", UNK_NO_MASK, "legacy number null"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":\"123456789\"}}", UNK_NO_MASK,
	"legacy full account number"},
	{"{\"name\":42,\"mask\":\"0000\"}", UNK_BAD_TYPE, "name a number"},
	{"{\"name\":true,\"mask\":\"0000\"}", UNK_BAD_TYPE, "name a bool"},
	{"{\"name\":[\"a\"],\"mask\":\"0000\"}", UNK_BAD_TYPE, "name an array"},
	{"\"Checking\"", UNK_BAD_TYPE, "account a string"},
	{"1", UNK_BAD_TYPE, "account a number"},
	{"null", UNK_BAD_TYPE, "account null"},
	{"[{\"name\":\"a\",\"mask\":\"00\"}]", UNK_BAD_TYPE, "account an array"},
	{"{\"name\":\"Checking\",\"mask\":1234}", UNK_BAD_TYPE, "current mask a number"},
	{"{\"name\":\"Checking\",\"mask\":true}", UNK_BAD_TYPE, "mask a bool"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":4.5}}", UNK_BAD_TYPE, "legacy 4.5"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":10000}}", UNK_BAD_TYPE, "legacy 10000"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":-1}}", UNK_BAD_TYPE, "legacy -1"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":{}}}", UNK_BAD_TYPE, "legacy object"},
	{"{\"name\":\"Checking\",\"mask\":\"0000\"}", UNK_NONE, "control: keyable"},
	{"{\"meta\":{\"name\":\"Checking\",\"number\":0}}", UNK_NONE, "control: legacy 0"},
};

START_TEST(test_account_unkeyable_table)
{
	char		json[512];
	Parsed		p;
	const PayloadAccount *a;

	/* a keyable sibling proves one bad account never rejects the item */
	snprintf(json, sizeof(json), "{\"accounts\":[%s,{\"name\":\"Other\",\"mask\":\"99\"}]}",
			 unkeyable_cases[_i].account);
	parse_ok(&p, json);
	ck_assert_uint_eq(p.item.n_accounts, 2);
	a = &p.item.accounts[0];
	ck_assert_msg(a->unkeyable == unkeyable_cases[_i].u, "%s: got %s, expected %s",
				  unkeyable_cases[_i].what, normalize_unkeyable_name(a->unkeyable),
				  normalize_unkeyable_name(unkeyable_cases[_i].u));
	if (unkeyable_cases[_i].u == UNK_NONE)
		ck_assert_ptr_nonnull(a->name);
	else
	{
		/* never a wildcard: no name, no mask */
		ck_assert_ptr_null(a->name);
		ck_assert_uint_eq(a->name_len, 0);
		ck_assert_str_eq(a->mask, "");
	}
	ck_assert_int_eq(p.item.accounts[1].unkeyable, UNK_NONE);
	ck_assert_str_eq(p.item.accounts[1].name, "other");
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_name_too_long_no_crash)
{
	const char *head = "{\"accounts\":[{\"mask\":\"0000\",\"name\":\"";
	const char *tail = "\"},{\"name\":\"" "Long\",\"mask\":\"1234\"}]}";
	size_t		hl = strlen(head);
	size_t		tl = strlen(tail);
	size_t		nl = 2u * 1024 * 1024;
	char	   *s = malloc(hl + nl + tl + 1);
	Parsed		p;

	memcpy(s, head, hl);
	memset(s + hl, 'n', nl);
	memcpy(s + hl + nl, tail, tl + 1);
	parse_ok(&p, s);
	ck_assert_int_eq(p.item.accounts[0].unkeyable, UNK_NAME_TOO_LONG);
	ck_assert_ptr_null(p.item.accounts[0].name);
	ck_assert_int_eq(p.item.accounts[1].unkeyable, UNK_NONE);
	arena_free(&p.arena);

	/* a 300-byte name: over 256 normalised */
	memmove(s + hl + 300, s + hl + nl, tl + 1);
	parse_ok(&p, s);
	ck_assert_int_eq(p.item.accounts[0].unkeyable, UNK_NAME_TOO_LONG);
	arena_free(&p.arena);
	free(s);
}
END_TEST

START_TEST(test_persistent_id_and_institution_limits)
{
	char		json[1024];
	char		id[300];
	Parsed		p;

	memset(id, 'p', 257);
	id[257] = '\0';
	snprintf(json, sizeof(json), "{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\","
			 "\"persistent_account_id\":\"%s\"},{\"name\":\"b\",\"mask\":\"01\","
			 "\"persistent_account_id\":\"\"},{\"name\":\"c\",\"mask\":\"02\","
			 "\"persistent_account_id\":17}],\"item\":{\"institution_id\":5}}", id);
	parse_ok(&p, json);
	/* over PAYLOAD_MAX_ID, empty or not a string: absent */
	ck_assert_ptr_null(p.item.accounts[0].persistent_id);
	ck_assert_ptr_null(p.item.accounts[1].persistent_id);
	ck_assert_ptr_null(p.item.accounts[2].persistent_id);
	ck_assert_ptr_null(p.item.institution_id);
	ck_assert_int_eq(p.item.accounts[0].unkeyable, UNK_NONE);
	arena_free(&p.arena);
}
END_TEST

START_TEST(test_reject_names)
{
	static const char *const names[REJECT_COUNT] = {
		"none", "not_json", "not_object", "no_accounts", "too_deep", "too_large",
		"too_many_accounts", "bad_item_id", "bad_environment", "nul_in_string",
		"invalid_unicode", "duplicate_key", "null_payload", "bad_timestamp",
	};

	ck_assert_str_eq(payload_reject_name(REJECT_NOT_JSON), "not_json");
	ck_assert_str_eq(payload_reject_name(REJECT_NULL_PAYLOAD), "null_payload");
	for (int r = 0; r < REJECT_COUNT; r++)
		ck_assert_str_eq(payload_reject_name((RejectReason) r), names[r]);
}
END_TEST

#define N_OF(a) ((int) (sizeof(a) / sizeof((a)[0])))

Suite *
payload_suite(void)
{
	Suite	   *s = suite_create("payload");
	TCase	   *shapes = tcase_create("shapes");
	TCase	   *rej = tcase_create("rejects");
	TCase	   *acct = tcase_create("accounts");

	tcase_add_test(shapes, test_current_shape);
	tcase_add_test(shapes, test_current_error_null_and_no_item);
	tcase_add_test(shapes, test_legacy_shape);
	tcase_add_test(shapes, test_mixed_shapes_in_one_payload);
	tcase_add_test(shapes, test_not_nul_terminated);
	tcase_add_test(shapes, test_case_sensitive_keys);
	tcase_add_test(shapes, test_reject_names);
	suite_add_tcase(s, shapes);

	tcase_set_timeout(rej, 120);
	tcase_add_loop_test(rej, test_reject_table, 0, N_OF(rejects));
	tcase_add_test(rej, test_nul_name_not_truncated);
	tcase_add_test(rej, test_surrogate_pair_accepted);
	tcase_add_test(rej, test_too_deep);
	tcase_add_test(rej, test_too_large);
	tcase_add_test(rej, test_too_many_accounts);
	tcase_add_test(rej, test_duplicate_key_large_object);
	suite_add_tcase(s, rej);

	tcase_set_timeout(acct, 60);
	tcase_add_loop_test(acct, test_account_unkeyable_table, 0, N_OF(unkeyable_cases));
	tcase_add_test(acct, test_name_too_long_no_crash);
	tcase_add_test(acct, test_persistent_id_and_institution_limits);
	suite_add_tcase(s, acct);
	return s;
}
