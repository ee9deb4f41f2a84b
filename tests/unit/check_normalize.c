/*
 * check_normalize.c — names and masks in their normal form (DOMAIN.md).
 */
#include <string.h>

#include "normalize.h"
#include "unit.h"

/* normalised name of s, or NULL with *u set */
static const char *
norm(Arena *a, const char *s, Unkeyable *u)
{
	const char *out = NULL;
	size_t		len = 0;

	*u = normalize_name(s, strlen(s), a, &out, &len);
	if (*u == UNK_NONE)
		ck_assert_uint_eq(strlen(out), len);
	return *u == UNK_NONE ? out : NULL;
}

START_TEST(test_casefold_not_lower)
{
	Arena		a;
	Unkeyable	u;

	arena_init(&a);
	ck_assert_str_eq(norm(&a, "Straße", &u), "strasse");
	ck_assert_str_eq(norm(&a, "STRASSE", &u), "strasse");
	ck_assert_str_eq(norm(&a, "ＣＨＥＣＫＩＮＧ", &u), "checking");	/* full width */
	ck_assert_str_eq(norm(&a, "Ｔｏｔａｌ Checking", &u), "total checking");
	ck_assert_str_eq(norm(&a, "ﬁrst", &u), "first");	/* ligature */
	ck_assert_str_eq(norm(&a, "Caf\xc3\xa9", &u), norm(&a, "CAFE\xcc\x81", &u)); /* NFC vs NFD */
	arena_free(&a);
}
END_TEST

START_TEST(test_white_space)
{
	Arena		a;
	Unkeyable	u;

	arena_init(&a);
	ck_assert_str_eq(norm(&a, "  Total \t  Checking  ", &u), "total checking");
	ck_assert_str_eq(norm(&a, "Total\xc2\xa0" "Checking", &u), "total checking");	/* NBSP */
	ck_assert_str_eq(norm(&a, "Total\xe2\x80\x83" "Checking", &u), "total checking");	/* EM SPACE */
	ck_assert_str_eq(norm(&a, "\xe3\x80\x80Total\xe3\x80\x80", &u), "total");	/* ideographic */
	ck_assert_str_eq(norm(&a, "Total\xe2\x80\x8b" "Checking", &u), "totalchecking");	/* ZWSP ignorable */
	/* the ASCII fast path and utf8proc agree */
	ck_assert_str_eq(norm(&a, "PLAID  Checking", &u), norm(&a, "PLAID\xc2\xa0" "Checking", &u));
	arena_free(&a);
}
END_TEST

START_TEST(test_empty_and_long_names)
{
	Arena		a;
	Unkeyable	u;
	char		big[600];

	arena_init(&a);
	ck_assert_ptr_null(norm(&a, "", &u));
	ck_assert_int_eq(u, UNK_NO_NAME);
	ck_assert_ptr_null(norm(&a, " \t\xc2\xa0 ", &u));
	ck_assert_int_eq(u, UNK_NO_NAME);
	memset(big, 'a', 256);
	big[256] = '\0';
	ck_assert_ptr_nonnull(norm(&a, big, &u));	/* exactly 256 bytes: fine */
	memset(big, 'a', 257);
	big[257] = '\0';
	ck_assert_ptr_null(norm(&a, big, &u));
	ck_assert_int_eq(u, UNK_NAME_TOO_LONG);
	arena_free(&a);
}
END_TEST

START_TEST(test_masks)
{
	char		m[5];

	ck_assert_int_eq(normalize_mask(" 0000 ", 6, m), UNK_NONE);
	ck_assert_str_eq(m, "0000");
	ck_assert_int_eq(normalize_mask("12ab", 4, m), UNK_NONE);
	ck_assert_str_eq(m, "12AB");
	ck_assert_int_eq(normalize_mask("42", 2, m), UNK_NONE);
	ck_assert_str_eq(m, "42");
	ck_assert_int_eq(normalize_mask("12345", 5, m), UNK_NO_MASK);	/* never a full number */
	ck_assert_int_eq(normalize_mask("1", 1, m), UNK_NO_MASK);
	ck_assert_int_eq(normalize_mask("ab-1", 4, m), UNK_NO_MASK);
	ck_assert_int_eq(normalize_mask("", 0, m), UNK_NO_MASK);
}
END_TEST

START_TEST(test_numeric_legacy_number)
{
	char		m[5];

	ck_assert_int_eq(normalize_mask_number(42, m), UNK_NONE);
	ck_assert_str_eq(m, "0042");
	ck_assert_int_eq(normalize_mask_number(0, m), UNK_NONE);
	ck_assert_str_eq(m, "0000");
	ck_assert_int_eq(normalize_mask_number(9999, m), UNK_NONE);
	ck_assert_str_eq(m, "9999");
	ck_assert_int_eq(normalize_mask_number(10000, m), UNK_BAD_TYPE);
	ck_assert_int_eq(normalize_mask_number(-1, m), UNK_BAD_TYPE);
	ck_assert_int_eq(normalize_mask_number(4.5, m), UNK_BAD_TYPE);
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(utf8_valid("plain", 5));
	ck_assert(utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	ck_assert(!utf8_valid("\xc0\xaf", 2));		/* overlong */
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));	/* surrogate U+D800 */
	ck_assert(!utf8_valid("\xe2\x82", 2));		/* truncated */
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	ck_assert(!utf8_valid("abcdefgh\xff", 9));	/* after an ASCII run */
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite	   *s = suite_create("normalize");
	TCase	   *tc = tcase_create("core");

	tcase_add_test(tc, test_casefold_not_lower);
	tcase_add_test(tc, test_white_space);
	tcase_add_test(tc, test_empty_and_long_names);
	tcase_add_test(tc, test_masks);
	tcase_add_test(tc, test_numeric_legacy_number);
	tcase_add_test(tc, test_utf8_valid);
	suite_add_tcase(s, tc);
	return s;
}
