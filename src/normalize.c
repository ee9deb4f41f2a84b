/*
 * normalize.c — names and masks in the form keys compare (docs/SOURCE.md).
 */
#include "normalize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef utf8proc_ssize_t (*MapFn) (const utf8proc_uint8_t *, utf8proc_ssize_t,
								   utf8proc_uint8_t **, utf8proc_option_t);

static long map_error = 0;		/* normalize_test_map_error */

/* utf8proc_map, or the error a test asked for. */
static utf8proc_ssize_t
map_or_test_error(const utf8proc_uint8_t *s, utf8proc_ssize_t len, utf8proc_uint8_t **dst,
				  utf8proc_option_t options)
{
	if (map_error != 0)
	{
		*dst = NULL;
		return (utf8proc_ssize_t) map_error;
	}
	return utf8proc_map(s, len, dst, options);
}

static const MapFn map_fn = map_or_test_error;

void
normalize_test_map_error(long error)
{
	map_error = error;
}

static const char *const unkeyable_names[UNK_COUNT] = {
	[UNK_NONE] = "none",
	[UNK_NO_NAME] = "no_name",
	[UNK_NO_MASK] = "no_mask",
	[UNK_BAD_TYPE] = "bad_type",
	[UNK_NAME_TOO_LONG] = "name_too_long",
	[UNK_NO_INSTITUTION] = "no_institution",
};

const char *
normalize_unkeyable_name(Unkeyable u)
{
	return (u >= 0 && u < UNK_COUNT) ? unkeyable_names[u] : "unknown";
}

/*
 * utf8_valid — strict UTF-8: shortest form only, no surrogates, <= U+10FFFF.
 */
bool
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *) str;
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = s[i];

		if (c < 0x80)
		{
			/* ASCII runs, eight bytes at a time */
			while (i + 8 <= len)
			{
				uint64_t	w;

				memcpy(&w, s + i, 8);
				if (w & UINT64_C(0x8080808080808080))
					break;
				i += 8;
			}
			if (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		size_t		n;
		uint32_t	cp;

		if (c >= 0xC2 && c <= 0xDF)
		{
			n = 2;
			cp = c & 0x1F;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			n = 3;
			cp = c & 0x0F;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			n = 4;
			cp = c & 0x07;
		}
		else
			return false;
		if (len - i < n)
			return false;
		for (size_t k = 1; k < n; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
			cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

/*
 * Unicode White_Space code points that survive NFKC (the others, NBSP and
 * the U+2000 family, become U+0020 under compatibility decomposition).
 */
static bool
is_space_cp(int32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 ||
		cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
		cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
		cp == 0x3000;
}

/*
 * Collapse white space runs of src into single spaces, trimming both ends,
 * into dst (which has room for srclen bytes; dst == src is allowed, the
 * output never overtakes the input).  Returns the length written.
 */
static size_t
collapse_space(const uint8_t *src, size_t srclen, char *dst)
{
	size_t		o = 0;
	size_t		i = 0;
	bool		pending = false;

	while (i < srclen)
	{
		int32_t		cp;
		utf8proc_ssize_t n = utf8proc_iterate(src + i, srclen - i, &cp);

		if (n <= 0)
			break;				/* cannot happen: utf8proc produced it */
		if (is_space_cp(cp))
		{
			pending = (o > 0);
		}
		else
		{
			if (pending)
				dst[o++] = ' ';
			pending = false;
			memmove(dst + o, src + i, n);
			o += n;
		}
		i += n;
	}
	return o;
}

/* Count one decomposed code point: a mark extends the run of non-starters. */
static void
bound_count(int32_t cp, size_t *starters, size_t *run)
{
	const utf8proc_property_t *p = utf8proc_get_property(cp);

	if (p->ignorable)
		return;					/* UTF8PROC_IGNORE drops it */
	if (p->combining_class != 0)
		(*run)++;
	else
	{
		*run = 0;
		*starters += !is_space_cp(cp);
	}
}

/*
 * name_within_bounds — false when s[0..len) cannot be a keyable name or
 * would make utf8proc slow, decided in one linear pass before it runs:
 * more than NORMALIZE_NONSTARTERS_MAX non-starters in a row after
 * decomposition (UAX #15's stream-safe limit: utf8proc's canonical
 * ordering is quadratic in a run's length), or more than
 * NORMALIZE_STARTERS_MAX non-space starters (expansion bombs such as
 * U+FDFA: composition joins at most three starters into one character, so
 * more always normalise to over NORMALIZE_NAME_MAX bytes).  Stops at the
 * first limit crossed.
 */
static bool
name_within_bounds(const uint8_t *s, size_t len)
{
	size_t		starters = 0;
	size_t		run = 0;
	size_t		i = 0;

	while (i < len)
	{
		int32_t		cp;
		int32_t		dec[32];
		int			bc = 0;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t) (len - i), &cp);
		utf8proc_ssize_t nd;

		if (n <= 0)
			return true;		/* invalid UTF-8: utf8proc reports it */
		i += (size_t) n;
		nd = utf8proc_decompose_char(cp, dec, 32,
									 UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
									 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE, &bc);
		if (nd < 0 || nd > 32)
			return false;		/* longer than any decomposition Unicode has */
		for (utf8proc_ssize_t k = 0; k < nd; k++)
			bound_count(dec[k], &starters, &run);
		if (run > NORMALIZE_NONSTARTERS_MAX || starters > NORMALIZE_STARTERS_MAX)
			return false;
	}
	return true;
}

Unkeyable
normalize_name(const char *s, size_t len, Arena *arena,
			   const char **out, size_t *out_len)
{
	bool		ascii = true;
	char	   *buf;
	size_t		n;

	if (len > NORMALIZE_NAME_RAW_MAX)
		return UNK_NAME_TOO_LONG;
	for (size_t i = 0; i < len; i++)
	{
		if ((unsigned char) s[i] >= 0x80)
		{
			ascii = false;
			break;
		}
	}

	if (ascii)
	{
		/* NFKC is the identity on ASCII and case folding is A-Z -> a-z */
		buf = arena_alloc(arena, len + 1);
		for (size_t i = 0; i < len; i++)
			buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + ('a' - 'A') : s[i];
		n = collapse_space((const uint8_t *) buf, len, buf);
	}
	else
	{
		utf8proc_uint8_t *folded = NULL;
		utf8proc_ssize_t flen;

		if (!name_within_bounds((const uint8_t *) s, len))
			return UNK_NAME_TOO_LONG;
		/* the flags of utf8proc_NFKC_Casefold, without NULLTERM */
		flen = map_fn((const utf8proc_uint8_t *) s, (utf8proc_ssize_t) len,
							&folded,
							UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
							UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
		if (flen == UTF8PROC_ERROR_NOMEM)
			xoom((size_t) len * 4);	/* the job's failure, not the account's */
		if (flen < 0)
		{
			free(folded);
			return UNK_BAD_TYPE;	/* invalid UTF-8: checked earlier */
		}
		buf = arena_alloc(arena, (size_t) flen + 1);
		n = collapse_space(folded, (size_t) flen, buf);
		free(folded);
	}
	buf[n] = '\0';
	if (n == 0)
		return UNK_NO_NAME;
	if (n > NORMALIZE_NAME_MAX)
		return UNK_NAME_TOO_LONG;
	*out = buf;
	*out_len = n;
	return UNK_NONE;
}

static bool
is_ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

Unkeyable
normalize_mask(const char *s, size_t len, char out[5])
{
	while (len > 0 && is_ascii_space(*s))
	{
		s++;
		len--;
	}
	while (len > 0 && is_ascii_space(s[len - 1]))
		len--;
	if (len < 2 || len > NORMALIZE_MASK_MAX)
		return UNK_NO_MASK;
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return UNK_NO_MASK;
		out[i] = c;
	}
	out[len] = '\0';
	return UNK_NONE;
}

Unkeyable
normalize_mask_number(double value, char out[5])
{
	if (!(value >= 0 && value <= 9999) || floor(value) != value)
		return UNK_BAD_TYPE;
	snprintf(out, 5, "%04d", (int) value);
	return UNK_NONE;
}

const char *
normalize_version(void)
{
	static char buf[64];

	if (buf[0] == '\0')
		snprintf(buf, sizeof(buf), "utf8proc %s, Unicode %s",
				 utf8proc_version(), utf8proc_unicode_version());
	return buf;
}
