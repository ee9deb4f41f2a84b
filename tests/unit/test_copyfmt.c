/*
 * test_copyfmt.c — COPY text format both ways.
 */
#include <string.h>

#include "copyfmt.h"
#include "suites.h"

START_TEST(test_roundtrip)
{
	const char *values[4] = {"plain", "tab\there", "new\nline \\ back\rslash", NULL};
	StrBuf		b;
	char	   *f[4];
	size_t		len[4];

	sb_init(&b);
	for (int i = 0; i < 4; i++)
	{
		if (i)
			copyfmt_sep(&b);
		copyfmt_field(&b, values[i], values[i] ? strlen(values[i]) : 0);
	}
	copyfmt_eol(&b);
	ck_assert(copyfmt_split(b.data, b.len, 4, f, len));
	for (int i = 0; i < 3; i++)
	{
		ck_assert_str_eq(f[i], values[i]);
		ck_assert_uint_eq(len[i], strlen(values[i]));
	}
	ck_assert_ptr_null(f[3]);
	sb_free(&b);
}
END_TEST

START_TEST(test_split_escapes_and_counts)
{
	char		row1[] = "a\\x41\\101\\\\N\t\\N\n";
	char		row2[] = "only\tone\textra";
	char		row3[] = "too\tfew";
	char	   *f[3];
	size_t		len[3];

	ck_assert(copyfmt_split(row1, strlen(row1), 2, f, len));
	ck_assert_str_eq(f[0], "aAA\\N");	/* hex, octal, an escaped backslash before N */
	ck_assert_ptr_null(f[1]);
	ck_assert(!copyfmt_split(row2, strlen(row2), 2, f, len));
	ck_assert(!copyfmt_split(row3, strlen(row3), 3, f, len));
}
END_TEST

START_TEST(test_hex_value)
{
	/* shared by copyfmt's \xHH and payload's \uXXXX */
	ck_assert_int_eq(copyfmt_hex_value('0'), 0);
	ck_assert_int_eq(copyfmt_hex_value('9'), 9);
	ck_assert_int_eq(copyfmt_hex_value('a'), 10);
	ck_assert_int_eq(copyfmt_hex_value('F'), 15);
	ck_assert_int_eq(copyfmt_hex_value('g'), -1);
	ck_assert_int_eq(copyfmt_hex_value('/'), -1);
	ck_assert_int_eq(copyfmt_hex_value('\0'), -1);
}
END_TEST

START_TEST(test_timestamp)
{
	StrBuf		b;

	sb_init(&b);
	copyfmt_timestamp(&b, INT64_C(1700000000123456));
	ck_assert_str_eq(b.data, "2023-11-14 22:13:20.123456+00");
	sb_reset(&b);
	copyfmt_timestamp(&b, -1);	/* one microsecond before the epoch */
	ck_assert_str_eq(b.data, "1969-12-31 23:59:59.999999+00");
	sb_reset(&b);
	copyfmt_timestamp(&b, TIMESTAMP_NULL);
	ck_assert_str_eq(b.data, "\\N");
	sb_free(&b);
}
END_TEST

/* b's bytes equal the n bytes want. */
static void
assert_bytes(const StrBuf *b, const char *want, size_t n)
{
	ck_assert_uint_eq(b->len, n);
	ck_assert_int_eq(memcmp(b->data, want, n), 0);
}

START_TEST(test_binary_fields)
{
	StrBuf		b;

	sb_init(&b);
	copyfmt_bin_float8(&b, 1.5);
	assert_bytes(&b, "\0\0\0\10\x3f\xf8\0\0\0\0\0\0", 12);
	sb_reset(&b);
	copyfmt_bin_float8(&b, -0.0);	/* the sign bit survives: the server stores -0 */
	assert_bytes(&b, "\0\0\0\10\x80\0\0\0\0\0\0\0", 12);
	sb_reset(&b);
	copyfmt_bin_text(&b, "ab\t\\");	/* no escaping in binary */
	assert_bytes(&b, "\0\0\0\4ab\t\\", 8);
	sb_reset(&b);
	copyfmt_bin_text(&b, NULL);
	assert_bytes(&b, "\xff\xff\xff\xff", 4);
	sb_reset(&b);
	/* the Unix epoch is 946,684,800 s before PostgreSQL's (0xfffca2fe_c4c82000 us) */
	copyfmt_bin_timestamptz(&b, 0);
	assert_bytes(&b, "\0\0\0\10\xff\xfc\xa2\xfe\xc4\xc8\x20\x00", 12);
	sb_reset(&b);
	copyfmt_bin_timestamptz(&b, INT64_C(946684800000001));	/* 2000-01-01 00:00:00.000001 */
	assert_bytes(&b, "\0\0\0\10\0\0\0\0\0\0\0\1", 12);
	sb_reset(&b);
	copyfmt_bin_timestamptz(&b, TIMESTAMP_NULL);
	assert_bytes(&b, "\xff\xff\xff\xff", 4);
	sb_reset(&b);
	copyfmt_bin_jsonb(&b, "{}");
	assert_bytes(&b, "\0\0\0\3\1{}", 7);
	sb_free(&b);
}
END_TEST

Suite *
copyfmt_suite(void)
{
	Suite	   *s = suite_create("copyfmt");
	TCase	   *tc = tcase_create("core");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_split_escapes_and_counts);
	tcase_add_test(tc, test_timestamp);
	tcase_add_test(tc, test_hex_value);
	tcase_add_test(tc, test_binary_fields);
	suite_add_tcase(s, tc);
	return s;
}
