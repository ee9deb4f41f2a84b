/*
 * test_normalize.c — names (NFKC_Casefold, white space), masks, legacy
 * numeric masks and the UTF-8 validator (docs/SOURCE.md "Normalisation",
 * docs/PLAID.md).  Expected values come from the spec; where the spec names
 * utf8proc_NFKC_Casefold, utf8proc itself is the oracle.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "normalize.h"
#include "suites.h"

/* normalize_name on a C string; *out is "" unless the result is UNK_NONE. */
static Unkeyable
norm(Arena *a, const char *s, size_t len, const char **out)
{
	size_t		out_len = 0;
	Unkeyable	u;

	*out = "";
	u = normalize_name(s, len, a, out, &out_len);
	if (u == UNK_NONE)
	{
		ck_assert_ptr_nonnull(*out);
		ck_assert_uint_eq(out_len, strlen(*out));
	}
	else
		*out = "";
	return u;
}

static void
assert_name(const char *input, const char *expected)
{
	Arena		a;
	const char *out;
	Unkeyable	u;

	arena_init(&a);
	u = norm(&a, input, strlen(input), &out);
	ck_assert_msg(u == UNK_NONE, "\"%s\" is unkeyable (%s)", input,
				  normalize_unkeyable_name(u));
	ck_assert_str_eq(out, expected);
	arena_free(&a);
}

static Unkeyable
name_reason(const char *s, size_t len)
{
	Arena		a;
	const char *out;
	Unkeyable	u;

	arena_init(&a);
	u = norm(&a, s, len, &out);
	arena_free(&a);
	return u;
}

START_TEST(test_name_casefold_strasse)
{
	/* not lower(): 'ß' casefolds to "ss" (utf8proc path vs ASCII path) */
	assert_name("Straße", "strasse");
	assert_name("STRASSE", "strasse");
	assert_name("straße Konto", "strasse konto");
}
END_TEST

START_TEST(test_name_fullwidth)
{
	/* NFKC maps full-width Latin to ASCII, case folding lowers it */
	assert_name("ＣＨＥＣＫＩＮＧ", "checking");
	assert_name("Ｐｌａｉｄ　Ｓａｖｉｎｇ", "plaid saving");	/* U+3000 too */
	assert_name("\xef\xbc\x91\xef\xbc\x92", "12");	/* full-width digits */
}
END_TEST

START_TEST(test_name_nbsp_em_space)
{
	assert_name("Plaid\xc2\xa0" "Checking", "plaid checking");	/* U+00A0 */
	assert_name("Plaid\xe2\x80\x83" "Checking", "plaid checking");	/* U+2003 */
	assert_name("Plaid \xc2\xa0\xe2\x80\x83\t Checking", "plaid checking");
	assert_name("\xc2\xa0\xe2\x80\x83Plaid Checking\xe2\x80\x83\xc2\xa0",
				"plaid checking");
}
END_TEST

START_TEST(test_name_whitespace_collapse_trim)
{
	assert_name("  Total   Checking  ", "total checking");
	assert_name("\tTotal\r\n\v\fChecking\n", "total checking");
	assert_name("a", "a");
	assert_name(" a  b   c    d ", "a b c d");
	assert_name("Ünïcödé    Konto  ", "ünïcödé konto");
}
END_TEST

/*
 * The oracle: utf8proc_NFKC_Casefold (what docs/SOURCE.md names), then trim and
 * collapse ASCII white space.  Only used on strings whose white space is
 * ASCII after NFKC (NBSP and U+2003 are: that is part of what is checked).
 */
static char *
oracle(const char *s)
{
	char	   *f = (char *) utf8proc_NFKC_Casefold((const utf8proc_uint8_t *) s);
	size_t		o = 0;
	bool		pending = false;

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; f[i] != '\0'; i++)
	{
		char		c = f[i];

		if (c == ' ' || (c >= '\t' && c <= '\r'))
			pending = o > 0;
		else
		{
			if (pending)
				f[o++] = ' ';
			pending = false;
			f[o++] = c;
		}
	}
	f[o] = '\0';
	return f;
}

static const char *const agree_ascii[] = {
	"Plaid Checking",
	"  TOTAL   Checking  ",
	"\tSavings\r\n(Joint)\v\f",
	"ACCT #12-34 / Joint_Owner",
	"Plaid 401k",
	"MiXeD CaSe 0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
	"ACCT\x7f#1",
	"x",
};

static const char *const agree_mixed[] = {
	"Ünïcödé ACCOUNT",
	"Straße Konto 1",
	"ＣＨＥＣＫＩＮＧ\xc2\xa0Plus",
	"Plaid\xe2\x80\x83\xe2\x80\x83Gold  Standard",
	"ΣΑΣ Savings",
	"\xef\xac\x81nance \xef\xac\x80",	/* ligatures fi, ff */
	"Kelvin \xe2\x84\xaa",			/* KELVIN SIGN */
	"İstanbul Hesap",
	"Caf\x65\xcc\x81 Cr\xc3\xa8me",	/* e + combining acute composes */
	"  \xc2\xa0 Trailing \xe2\x80\x83 ",
};

/* ASCII fast path == NFKC_Casefold, and it agrees with the utf8proc path. */
START_TEST(test_name_ascii_path_agrees_with_utf8proc)
{
	const char *s = agree_ascii[_i];
	Arena		a;
	const char *fast;
	const char *slow;
	char	   *expect = oracle(s);
	char		prefixed[256];

	arena_init(&a);
	ck_assert_int_eq(norm(&a, s, strlen(s), &fast), UNK_NONE);
	ck_assert_str_eq(fast, expect);

	/* the same text behind a non-ASCII prefix goes through utf8proc */
	snprintf(prefixed, sizeof(prefixed), "\xc3\x89 %s", s);	/* "É " */
	ck_assert_int_eq(norm(&a, prefixed, strlen(prefixed), &slow), UNK_NONE);
	ck_assert_str_eq(slow + 3, fast);
	ck_assert_int_eq(memcmp(slow, "\xc3\xa9 ", 3), 0);
	free(expect);
	arena_free(&a);
}
END_TEST

START_TEST(test_name_mixed_matches_oracle)
{
	const char *s = agree_mixed[_i];
	Arena		a;
	const char *got;
	char	   *expect = oracle(s);

	arena_init(&a);
	ck_assert_int_eq(norm(&a, s, strlen(s), &got), UNK_NONE);
	ck_assert_str_eq(got, expect);
	free(expect);
	arena_free(&a);
}
END_TEST

START_TEST(test_name_empty_blank)
{
	ck_assert_int_eq(name_reason("", 0), UNK_NO_NAME);
	ck_assert_int_eq(name_reason("   ", 3), UNK_NO_NAME);
	ck_assert_int_eq(name_reason("\t\r\n ", 4), UNK_NO_NAME);
	ck_assert_int_eq(name_reason("\xc2\xa0\xe2\x80\x83", 5), UNK_NO_NAME);
	ck_assert_int_eq(name_reason("\xe3\x80\x80 \xc2\xa0", 6), UNK_NO_NAME);
	/* the length is honoured, not the NUL: "ab" with len 0 is empty */
	ck_assert_int_eq(name_reason("ab", 0), UNK_NO_NAME);
}
END_TEST

static char *
repeat(const char *unit, size_t times, const char *prefix, const char *suffix)
{
	size_t		ul = strlen(unit);
	size_t		pl = strlen(prefix);
	size_t		sl = strlen(suffix);
	char	   *s = malloc(pl + ul * times + sl + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < times; i++)
		memcpy(s + pl + i * ul, unit, ul);
	memcpy(s + pl + ul * times, suffix, sl + 1);
	return s;
}

START_TEST(test_name_too_long)
{
	char	   *s;

	s = repeat("a", 256, "", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NONE);
	free(s);
	s = repeat("A", 257, "", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	/* normalised bytes count: 128 x 'É' folds to 256 bytes, 129 to 258 */
	s = repeat("\xc3\x89", 128, "", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NONE);
	free(s);
	s = repeat("\xc3\x89", 129, "", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	/* 30 raw bytes, but U+FDFA expands to 18 characters under NFKC */
	s = repeat("\xef\xb7\xba", 10, "", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	/* over the raw limit */
	s = repeat("a", NORMALIZE_NAME_RAW_MAX + 1, "", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	/* 300 raw bytes that collapse to 3 are short (ASCII path) */
	s = repeat(" ", 300, "a", "b");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NONE);
	free(s);
}
END_TEST

/*
 * "> 256 bytes normalised" (docs/SOURCE.md): white space is collapsed before
 * the length counts, on both paths.  2,000 spaces between 'é' and 'b' are
 * "é b" (4 bytes), as "a" + 2,000 spaces + "b" is "a b" on the ASCII path.
 */
START_TEST(test_name_long_whitespace_run_utf8proc_path)
{
	Arena		a;
	const char *out;
	char	   *s = repeat(" ", 2000, "\xc3\xa9", "b");
	char	   *t = repeat("\xc2\xa0", 1200, "Plaid", "Checking");

	arena_init(&a);
	ck_assert_int_eq(norm(&a, s, strlen(s), &out), UNK_NONE);
	ck_assert_str_eq(out, "\xc3\xa9 b");
	ck_assert_int_eq(norm(&a, t, strlen(t), &out), UNK_NONE);
	ck_assert_str_eq(out, "plaid checking");
	arena_free(&a);
	free(s);
	free(t);
}
END_TEST

static double
seconds_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

/* name_reason, asserting it took under a second (loose: ASan, a busy machine) */
static Unkeyable
timed_reason(const char *s, size_t len)
{
	double		t0 = seconds_now();
	Unkeyable	u = name_reason(s, len);
	double		dt = seconds_now() - t0;

	ck_assert_msg(dt < 1.0, "normalising %zu bytes took %.3f s", len, dt);
	return u;
}

/*
 * UAX #15 stream-safe: 30 combining marks after a starter are keyed, 31 are
 * name_too_long before utf8proc sorts them (docs/SOURCE.md); U+0344
 * decomposes to two marks and counts as two.
 */
START_TEST(test_name_stream_safe_limit)
{
	char	   *s;

	s = repeat("\xcc\x81", NORMALIZE_NONSTARTERS_MAX, "a", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NONE);
	free(s);
	s = repeat("\xcc\x81", NORMALIZE_NONSTARTERS_MAX + 1, "a", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	s = repeat("\xcc\x96\xcc\x81", NORMALIZE_NONSTARTERS_MAX / 2, "a", "b");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NONE);
	free(s);
	s = repeat("\xcd\x84", NORMALIZE_NONSTARTERS_MAX / 2 + 1, "a", "");
	ck_assert_int_eq(name_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	/* a starter resets the count: 20 marks, a letter, 20 marks */
	s = repeat("\xcc\x81", 20, "a", "b");
	{
		char	   *t = repeat("\xcc\x81", 20, s, "");

		ck_assert_int_eq(name_reason(t, strlen(t)), UNK_NONE);
		free(t);
	}
	free(s);
}
END_TEST

/*
 * Hostile names cost little: alternating combining classes (utf8proc's
 * canonical ordering is quadratic in a run: 64 KiB took 7 s before the
 * bound), at 64 KiB and just under the raw limit, and the U+FDFA expansion
 * bomb (18 characters each), are name_too_long in well under a second.
 */
START_TEST(test_name_hostile_bounded_time)
{
	char	   *s;

	s = repeat("\xcc\x96\xcc\x81", 65536 / 4, "", "");
	ck_assert_int_eq(timed_reason(s, 65536), UNK_NAME_TOO_LONG);
	free(s);
	s = repeat("\xcc\x96\xcc\x81", (NORMALIZE_NAME_RAW_MAX - 1) / 4, "a", "");
	ck_assert_int_eq(timed_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	s = repeat("\xef\xb7\xba", 250, "", "");
	ck_assert_int_eq(timed_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
	s = repeat("\xef\xb7\xba", NORMALIZE_NAME_RAW_MAX / 3, "", "");
	ck_assert_int_eq(timed_reason(s, strlen(s)), UNK_NAME_TOO_LONG);
	free(s);
}
END_TEST

/*
 * A payload's worth (1,000 accounts, the most an item may have) of the
 * worst names within the raw limit: well under a second together.
 */
START_TEST(test_name_payload_of_bombs_bounded_time)
{
	char	   *marks = repeat("\xcc\x96\xcc\x81", (NORMALIZE_NAME_RAW_MAX - 1) / 4, "a", "");
	char	   *bomb = repeat("\xef\xb7\xba", NORMALIZE_NAME_RAW_MAX / 3, "", "");
	char	   *space = repeat("\xe3\x80\x80", NORMALIZE_NAME_RAW_MAX / 3 - 1, "x", "y");
	double		t0 = seconds_now();

	for (int i = 0; i < 1000; i++)
	{
		const char *s = i % 3 == 0 ? marks : i % 3 == 1 ? bomb : space;

		ck_assert_int_eq(name_reason(s, strlen(s)), i % 3 == 2 ? UNK_NONE : UNK_NAME_TOO_LONG);
	}
	ck_assert_msg(seconds_now() - t0 < 2.0, "1,000 hostile names took %.3f s", seconds_now() - t0);
	free(marks);
	free(bomb);
	free(space);
}
END_TEST

static const struct
{
	const char *in;
	const char *out;			/* NULL: UNK_NO_MASK */
}			mask_cases[] = {
	{"0000", "0000"},
	{"12", "12"},
	{"123", "123"},
	{" 12ab ", "12AB"},
	{"ab", "AB"},
	{"x9z", "X9Z"},
	{"\t99\r\n", "99"},
	{"Zz0", "ZZ0"},
	{"12345", NULL},
	{"1", NULL},
	{"ab-1", NULL},
	{"", NULL},
	{"   ", NULL},
	{" 1 ", NULL},
	{"1 2", NULL},
	{"12.3", NULL},
	{"\xef\xbc\x91\xef\xbc\x92", NULL},	/* full-width "12": not ASCII */
	{"\xc3\xa9\x31", NULL},
	{"1234567890", NULL},
};

START_TEST(test_mask_table)
{
	char		out[5] = "????";
	const char *in = mask_cases[_i].in;
	Unkeyable	u = normalize_mask(in, strlen(in), out);

	if (mask_cases[_i].out == NULL)
		ck_assert_msg(u == UNK_NO_MASK, "mask \"%s\": %s, expected no_mask", in,
					  normalize_unkeyable_name(u));
	else
	{
		ck_assert_msg(u == UNK_NONE, "mask \"%s\": %s", in, normalize_unkeyable_name(u));
		ck_assert_str_eq(out, mask_cases[_i].out);
	}
}
END_TEST

START_TEST(test_mask_respects_len)
{
	char		out[5];

	/* only the first len bytes are the mask */
	ck_assert_int_eq(normalize_mask("12345", 4, out), UNK_NONE);
	ck_assert_str_eq(out, "1234");
	ck_assert_int_eq(normalize_mask("1", 1, out), UNK_NO_MASK);
}
END_TEST

static const struct
{
	double		v;
	const char *out;			/* NULL: UNK_BAD_TYPE */
}			number_cases[] = {
	{42, "0042"},
	{0, "0000"},
	{7, "0007"},
	{9999, "9999"},
	{1000, "1000"},
	{-0.0, "0000"},
	{10000, NULL},
	{-1, NULL},
	{4.5, NULL},
	{9999.5, NULL},
	{0.1, NULL},
	{1e300, NULL},
	{-1e300, NULL},
};

START_TEST(test_mask_number_table)
{
	char		out[5] = "????";
	Unkeyable	u = normalize_mask_number(number_cases[_i].v, out);

	if (number_cases[_i].out == NULL)
		ck_assert_msg(u == UNK_BAD_TYPE, "number %g: %s, expected bad_type",
					  number_cases[_i].v, normalize_unkeyable_name(u));
	else
	{
		ck_assert_msg(u == UNK_NONE, "number %g: %s", number_cases[_i].v,
					  normalize_unkeyable_name(u));
		ck_assert_str_eq(out, number_cases[_i].out);
	}
}
END_TEST

START_TEST(test_mask_number_nan_inf)
{
	char		out[5];

	ck_assert_int_eq(normalize_mask_number(NAN, out), UNK_BAD_TYPE);
	ck_assert_int_eq(normalize_mask_number(INFINITY, out), UNK_BAD_TYPE);
	ck_assert_int_eq(normalize_mask_number(-INFINITY, out), UNK_BAD_TYPE);
}
END_TEST

static const struct
{
	const char *s;
	size_t		len;
	bool		valid;
	const char *what;
}			utf8_cases[] = {
	{"", 0, true, "empty"},
	{"abc", 3, true, "ascii"},
	{"\xc3\xa9", 2, true, "U+00E9"},
	{"\xe2\x82\xac", 3, true, "U+20AC"},
	{"\xf0\x9f\x98\x80", 4, true, "U+1F600"},
	{"\xf4\x8f\xbf\xbf", 4, true, "U+10FFFF"},
	{"\xed\x9f\xbf", 3, true, "U+D7FF"},
	{"\xee\x80\x80", 3, true, "U+E000"},
	{"\xc2\x80", 2, true, "U+0080"},
	{"\xe0\xa0\x80", 3, true, "U+0800"},
	{"\xf0\x90\x80\x80", 4, true, "U+10000"},
	{"abcdefghijklmnop\xc3\xa9xyz", 20, true, "ascii run then 2-byte"},
	{"\xc0\xaf", 2, false, "overlong '/' (C0)"},
	{"\xc1\xbf", 2, false, "overlong (C1)"},
	{"\xe0\x80\xaf", 3, false, "overlong 3-byte"},
	{"\xe0\x9f\xbf", 3, false, "overlong 3-byte U+07FF"},
	{"\xf0\x80\x80\xaf", 4, false, "overlong 4-byte"},
	{"\xf0\x8f\xbf\xbf", 4, false, "overlong 4-byte U+FFFF"},
	{"\xed\xa0\x80", 3, false, "surrogate U+D800 encoded"},
	{"\xed\xbf\xbf", 3, false, "surrogate U+DFFF encoded"},
	{"\xed\xa0\xbd\xed\xb8\x80", 6, false, "CESU-8 surrogate pair"},
	{"\xe2\x82", 2, false, "truncated 3-byte"},
	{"\xc3", 1, false, "truncated 2-byte"},
	{"\xf0\x9f\x98", 3, false, "truncated 4-byte"},
	{"abcdefgh\xe2\x82", 10, false, "truncated after an ascii run"},
	{"\xc3\xa9", 1, false, "len cuts a sequence"},
	{"\xf4\x90\x80\x80", 4, false, "U+110000"},
	{"\xf5\x80\x80\x80", 4, false, "F5 lead"},
	{"\xf7\xbf\xbf\xbf", 4, false, "U+1FFFFF"},
	{"\x80", 1, false, "lone continuation"},
	{"abcdefghi\xff", 10, false, "FF after an ascii run"},
	{"\xfe", 1, false, "FE"},
	{"\xc3\x28", 2, false, "bad continuation"},
	{"\xe2\x28\xa1", 3, false, "bad 2nd of 3"},
	{"\xf0\x9f\x98\x28", 4, false, "bad 4th of 4"},
};

START_TEST(test_utf8_valid_table)
{
	ck_assert_msg(utf8_valid(utf8_cases[_i].s, utf8_cases[_i].len) == utf8_cases[_i].valid,
				  "utf8_valid(%s) should be %s", utf8_cases[_i].what,
				  utf8_cases[_i].valid ? "true" : "false");
}
END_TEST

/* An invalid byte at every position of a long ASCII run is found. */
START_TEST(test_utf8_valid_every_offset)
{
	char		buf[40];

	for (size_t pos = 0; pos < sizeof(buf); pos++)
	{
		memset(buf, 'a', sizeof(buf));
		ck_assert(utf8_valid(buf, sizeof(buf)));
		buf[pos] = (char) 0xff;
		ck_assert_msg(!utf8_valid(buf, sizeof(buf)), "0xff at %zu not found", pos);
		buf[pos] = (char) 0xc3;	/* truncated when last */
		ck_assert(utf8_valid(buf, sizeof(buf)) == false);
	}
}
END_TEST

START_TEST(test_unkeyable_names)
{
	/* spelled as docs/SOURCE.md's account-level reasons */
	ck_assert_str_eq(normalize_unkeyable_name(UNK_NO_NAME), "no_name");
	ck_assert_str_eq(normalize_unkeyable_name(UNK_NO_MASK), "no_mask");
	ck_assert_str_eq(normalize_unkeyable_name(UNK_BAD_TYPE), "bad_type");
	ck_assert_str_eq(normalize_unkeyable_name(UNK_NAME_TOO_LONG), "name_too_long");
	ck_assert_str_eq(normalize_unkeyable_name(UNK_NO_INSTITUTION), "no_institution");
	ck_assert_ptr_nonnull(strstr(normalize_version(), "utf8proc "));
	ck_assert_ptr_nonnull(strstr(normalize_version(), utf8proc_version()));
}
END_TEST

#define N_OF(a) ((int) (sizeof(a) / sizeof((a)[0])))

/*
 * utf8proc running out of memory is the job's failure (abort through xoom),
 * never an account's bad_type.  Other utf8proc errors stay bad_type.
 */
START_TEST(test_name_map_out_of_memory_aborts)
{
	Arena		a;
	const char *out;
	size_t		len;

	arena_init(&a);
	normalize_test_map_error(UTF8PROC_ERROR_NOMEM);
	Unkeyable	u = normalize_name("Caf\xc3\xa9", 5, &a, &out, &len);

	normalize_test_map_error(0);
	arena_free(&a);
	ck_abort_msg("out of memory returned %d instead of aborting", (int) u);
}
END_TEST

START_TEST(test_name_map_other_error_is_bad_type)
{
	Arena		a;
	const char *out;
	size_t		len;

	arena_init(&a);
	normalize_test_map_error(UTF8PROC_ERROR_INVALIDUTF8);
	ck_assert_int_eq(normalize_name("Caf\xc3\xa9", 5, &a, &out, &len), UNK_BAD_TYPE);
	normalize_test_map_error(0);
	ck_assert_int_eq(normalize_name("Caf\xc3\xa9", 5, &a, &out, &len), UNK_NONE);
	arena_free(&a);
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite	   *s = suite_create("normalize");
	TCase	   *names = tcase_create("names");
	TCase	   *masks = tcase_create("masks");
	TCase	   *utf8 = tcase_create("utf8");

	tcase_add_test(names, test_name_casefold_strasse);
	tcase_add_test(names, test_name_fullwidth);
	tcase_add_test(names, test_name_nbsp_em_space);
	tcase_add_test(names, test_name_whitespace_collapse_trim);
	tcase_add_loop_test(names, test_name_ascii_path_agrees_with_utf8proc, 0, N_OF(agree_ascii));
	tcase_add_loop_test(names, test_name_mixed_matches_oracle, 0, N_OF(agree_mixed));
	tcase_add_test(names, test_name_empty_blank);
	tcase_add_test(names, test_name_too_long);
	tcase_add_test(names, test_name_long_whitespace_run_utf8proc_path);
	tcase_add_test(names, test_name_stream_safe_limit);
	tcase_add_test(names, test_name_hostile_bounded_time);
	tcase_add_test(names, test_name_payload_of_bombs_bounded_time);
	tcase_add_test(names, test_unkeyable_names);
	tcase_add_test_raise_signal(names, test_name_map_out_of_memory_aborts, SIGABRT);
	tcase_add_test(names, test_name_map_other_error_is_bad_type);
	suite_add_tcase(s, names);

	tcase_add_loop_test(masks, test_mask_table, 0, N_OF(mask_cases));
	tcase_add_test(masks, test_mask_respects_len);
	tcase_add_loop_test(masks, test_mask_number_table, 0, N_OF(number_cases));
	tcase_add_test(masks, test_mask_number_nan_inf);
	suite_add_tcase(s, masks);

	tcase_add_loop_test(utf8, test_utf8_valid_table, 0, N_OF(utf8_cases));
	tcase_add_test(utf8, test_utf8_valid_every_offset);
	suite_add_tcase(s, utf8);
	return s;
}
