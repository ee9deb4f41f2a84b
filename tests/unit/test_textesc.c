/*
 * test_textesc.c — escaping of hostile text for people (src/textesc.c).
 */
#include <string.h>

#include "suites.h"
#include "textesc.h"

/* s escaped in style, as a NUL-terminated string in b (reset first). */
static const char *
esc(StrBuf *b, const char *s, TextEscStyle style)
{
	sb_reset(b);
	textesc_append(b, s, strlen(s), style);
	return b->data ? b->data : "";
}

START_TEST(test_text_controls)
{
	StrBuf		b;

	sb_init(&b);
	ck_assert_str_eq(esc(&b, "plain id-1 é ß 日本", TEXTESC_TEXT), "plain id-1 é ß 日本");
	ck_assert_str_eq(esc(&b, "a\x1b]52;c;x\x07z", TEXTESC_TEXT), "a\\x1b]52;c;x\\x07z");
	ck_assert_str_eq(esc(&b, "l1\r\nkeep\b\t\x7f", TEXTESC_TEXT), "l1\\x0d\\x0akeep\\x08\\x09\\x7f");
	ck_assert_str_eq(esc(&b, "csi\xc2\x9b" "2J", TEXTESC_TEXT), "csi\\u009b2J");
	ck_assert_str_eq(esc(&b, "back\\slash", TEXTESC_TEXT), "back\\\\slash");
	sb_free(&b);
}
END_TEST

START_TEST(test_text_bidi)
{
	static const char *const in[] = {
		"\xe2\x80\xae", "\xe2\x80\xaa", "\xe2\x80\xad", "\xe2\x81\xa6", "\xe2\x81\xa9",
		"\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c", "\xe2\x80\xa8", "\xe2\x80\xa9"
	};
	static const char *const out[] = {
		"\\u202e", "\\u202a", "\\u202d", "\\u2066", "\\u2069",
		"\\u200e", "\\u200f", "\\u061c", "\\u2028", "\\u2029"
	};
	StrBuf		b;

	sb_init(&b);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ck_assert_str_eq(esc(&b, in[i], TEXTESC_TEXT), out[i]);
	/* neighbours of the ranges stay: U+2065, U+206A, U+2027, U+202F, U+00A0 */
	ck_assert(!textesc_unsafe(0x2065) && !textesc_unsafe(0x206A) && !textesc_unsafe(0x2027));
	ck_assert(!textesc_unsafe(0x202F) && !textesc_unsafe(0xA0) && !textesc_unsafe(0x20));
	ck_assert(textesc_unsafe(0x9F) && textesc_unsafe(0x80) && textesc_unsafe(0));
	sb_free(&b);
}
END_TEST

START_TEST(test_not_utf8)
{
	StrBuf		b;

	sb_init(&b);
	/* a lone continuation byte, an overlong '/', a truncated sequence, a surrogate */
	ck_assert_str_eq(esc(&b, "a\x80" "b", TEXTESC_TEXT), "a\\x80b");
	ck_assert_str_eq(esc(&b, "\xc0\xaf", TEXTESC_TEXT), "\\xc0\\xaf");
	ck_assert_str_eq(esc(&b, "x\xe2\x80", TEXTESC_TEXT), "x\\xe2\\x80");
	ck_assert_str_eq(esc(&b, "\xed\xa0\x80", TEXTESC_TEXT), "\\xed\\xa0\\x80");
	ck_assert_str_eq(esc(&b, "a\x80" "b", TEXTESC_JSON_STRING), "a\\ufffdb");
	sb_free(&b);
}
END_TEST

START_TEST(test_json_styles)
{
	StrBuf		b;

	sb_init(&b);
	ck_assert_str_eq(esc(&b, "q\"b\\\n\x1b\xc2\x9b\xe2\x80\xae", TEXTESC_JSON_STRING),
					 "q\\\"b\\\\\\u000a\\u001b\\u009b\\u202e");
	/* a JSON text: only non-ASCII unsafe code points change */
	ck_assert_str_eq(esc(&b, "{\"a\": \"x\\u001b\xe2\x80\xae\xc2\x9b\"}\n", TEXTESC_JSON_TEXT),
					 "{\"a\": \"x\\u001b\\u202e\\u009b\"}\n");
	sb_free(&b);
}
END_TEST

START_TEST(test_needed_and_ring)
{
	const char *plain = "ins_1";

	ck_assert(!textesc_needed(plain, 5, TEXTESC_TEXT));
	ck_assert(textesc_needed("a\\b", 3, TEXTESC_TEXT));
	ck_assert(!textesc_needed("a\\b", 3, TEXTESC_JSON_TEXT));
	ck_assert_ptr_eq(textesc(plain), plain);
	ck_assert_ptr_null(textesc(NULL));

	/* eight results at once stay valid */
	const char *r[8];

	for (int i = 0; i < 8; i++)
		r[i] = textesc(i % 2 ? "\x1b" : "\xe2\x80\xae");
	for (int i = 0; i < 8; i++)
		ck_assert_str_eq(r[i], i % 2 ? "\\x1b" : "\\u202e");
}
END_TEST

/* s as one CSV cell, neutralised or raw. */
static const char *
cell(StrBuf *b, const char *s, bool neutralise)
{
	sb_reset(b);
	textesc_csv_cell(b, s, neutralise);
	return b->data ? b->data : "";
}

START_TEST(test_csv_cells)
{
	StrBuf		b;

	sb_init(&b);
	/* plain, empty (quoted: not NULL), quoting */
	ck_assert_str_eq(cell(&b, "item-1", true), "item-1");
	ck_assert_str_eq(cell(&b, "", true), "\"\"");
	ck_assert_str_eq(cell(&b, "a,b \"c\"", true), "\"a,b \"\"c\"\"\"");
	/* every formula starter: a leading ' inside quotes */
	ck_assert_str_eq(cell(&b, "=HYPERLINK(\"x\")", true), "\"'=HYPERLINK(\"\"x\"\")\"");
	ck_assert_str_eq(cell(&b, "+1", true), "\"'+1\"");
	ck_assert_str_eq(cell(&b, "-2", true), "\"'-2\"");
	ck_assert_str_eq(cell(&b, "@SUM(A1)", true), "\"'@SUM(A1)\"");
	ck_assert_str_eq(cell(&b, "\tx", true), "\"'\\x09x\"");
	ck_assert_str_eq(cell(&b, "\rx", true), "\"'\\x0dx\"");
	/* not at the start: no prefix; controls and bidi escaped */
	ck_assert_str_eq(cell(&b, "a=b", true), "a=b");
	ck_assert_str_eq(cell(&b, "a\x1b\xe2\x80\xae", true), "a\\x1b\\u202e");
	/* raw: exactly the value, CSV quoting only */
	ck_assert_str_eq(cell(&b, "=1+1", false), "=1+1");
	ck_assert_str_eq(cell(&b, "a\r\x1b", false), "\"a\r\x1b\"");
	sb_free(&b);
}
END_TEST

Suite *
textesc_suite(void)
{
	Suite	   *s = suite_create("textesc");
	TCase	   *tc = tcase_create("escape");

	tcase_add_test(tc, test_text_controls);
	tcase_add_test(tc, test_text_bidi);
	tcase_add_test(tc, test_not_utf8);
	tcase_add_test(tc, test_json_styles);
	tcase_add_test(tc, test_needed_and_ring);
	tcase_add_test(tc, test_csv_cells);
	suite_add_tcase(s, tc);
	return s;
}
