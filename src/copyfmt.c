/*
 * copyfmt.c — COPY text format and StrBuf.
 */
#define _DEFAULT_SOURCE
#include "copyfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
sb_init(StrBuf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
sb_free(StrBuf *b)
{
	free(b->data);
	sb_init(b);
}

void
sb_reset(StrBuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
sb_reserve(StrBuf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 256;

		while (cap < b->len + extra + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void
sb_append(StrBuf *b, const char *s, size_t len)
{
	sb_reserve(b, len);
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
sb_puts(StrBuf *b, const char *s)
{
	sb_append(b, s, strlen(s));
}

void
sb_replace(StrBuf *out, const char *text, const char *from, const char *to)
{
	size_t		flen = strlen(from);
	const char *p;

	while ((p = strstr(text, from)) != NULL)
	{
		sb_append(out, text, (size_t) (p - text));
		sb_puts(out, to);
		text = p + flen;
	}
	sb_puts(out, text);
}

void
sb_printf(StrBuf *b, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sb_reserve(b, (size_t) n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t) n;
}

static int
octal(char c)
{
	return (c >= '0' && c <= '7') ? c - '0' : -1;
}

int
copyfmt_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape s[0..len) in place; returns the new length. */
static size_t
unescape(char *s, size_t len)
{
	size_t		o = 0;

	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c != '\\' || i + 1 == len)
		{
			s[o++] = c;
			continue;
		}
		c = s[++i];
		switch (c)
		{
			case 'b':
				s[o++] = '\b';
				break;
			case 'f':
				s[o++] = '\f';
				break;
			case 'n':
				s[o++] = '\n';
				break;
			case 'r':
				s[o++] = '\r';
				break;
			case 't':
				s[o++] = '\t';
				break;
			case 'v':
				s[o++] = '\v';
				break;
			case 'x':
				{
					int			v = 0,
								k = 0;

					while (k < 2 && i + 1 < len && copyfmt_hex_value(s[i + 1]) >= 0)
						v = v * 16 + copyfmt_hex_value(s[++i]), k++;
					s[o++] = k ? (char) v : 'x';
					break;
				}
			default:
				if (octal(c) >= 0)
				{
					int			v = octal(c),
								k = 1;

					while (k < 3 && i + 1 < len && octal(s[i + 1]) >= 0)
						v = v * 8 + octal(s[++i]), k++;
					s[o++] = (char) v;
				}
				else
					s[o++] = c;
		}
	}
	s[o] = '\0';
	return o;
}

bool
copyfmt_split(char *row, size_t len, int nfields, char **fields, size_t *lens)
{
	char	   *p = row;
	char	   *end;

	if (len > 0 && row[len - 1] == '\n')
		len--;
	end = row + len;
	for (int f = 0; f < nfields; f++)
	{
		char	   *tab = memchr(p, '\t', (size_t) (end - p));
		char	   *stop = tab ? tab : end;
		size_t		flen = (size_t) (stop - p);

		if ((tab == NULL) != (f == nfields - 1))
			return false;		/* too few or too many fields */
		if (flen == 2 && p[0] == '\\' && p[1] == 'N')
		{
			fields[f] = NULL;
			lens[f] = 0;
		}
		else
		{
			fields[f] = p;
			/* most fields hold no escape: skip the byte loop */
			lens[f] = memchr(p, '\\', flen) ? unescape(p, flen) : flen;
			p[lens[f]] = '\0';
		}
		p = stop + 1;
	}
	return true;
}

void
copyfmt_field(StrBuf *b, const char *s, size_t len)
{
	if (s == NULL)
	{
		sb_append(b, "\\N", 2);
		return;
	}
	sb_reserve(b, len * 2);
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];
		char	   *d = b->data + b->len;

		switch (c)
		{
			case '\\':
				d[0] = '\\', d[1] = '\\', b->len += 2;
				break;
			case '\n':
				d[0] = '\\', d[1] = 'n', b->len += 2;
				break;
			case '\r':
				d[0] = '\\', d[1] = 'r', b->len += 2;
				break;
			case '\t':
				d[0] = '\\', d[1] = 't', b->len += 2;
				break;
			default:
				d[0] = c, b->len += 1;
		}
	}
	b->data[b->len] = '\0';
}

void
copyfmt_timestamp(StrBuf *b, int64_t usec)
{
	int64_t		secs = usec / 1000000;
	int64_t		frac = usec % 1000000;
	time_t		t;
	struct tm	tm;

	if (usec == TIMESTAMP_NULL)
	{
		sb_append(b, "\\N", 2);
		return;
	}
	if (frac < 0)
	{
		frac += 1000000;
		secs--;
	}
	t = (time_t) secs;
	gmtime_r(&t, &tm);
	sb_printf(b, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00",
			  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			  tm.tm_hour, tm.tm_min, tm.tm_sec, (long long) frac);
}

/* v's low n bytes, most significant first (network order). */
static void
put_be(StrBuf *b, uint64_t v, int n)
{
	char		tmp[8];

	for (int i = 0; i < n; i++)
		tmp[i] = (char) (v >> (8 * (n - 1 - i)));
	sb_append(b, tmp, (size_t) n);
}

void
copyfmt_bin_header(StrBuf *b)
{
	/* signature, flags (no OIDs), header extension length */
	sb_append(b, "PGCOPY\n\377\r\n\0", 11);
	put_be(b, 0, 4);
	put_be(b, 0, 4);
}

void
copyfmt_bin_row(StrBuf *b, int16_t nfields)
{
	put_be(b, (uint16_t) nfields, 2);
}

void
copyfmt_bin_int8(StrBuf *b, int64_t v)
{
	put_be(b, 8, 4);
	put_be(b, (uint64_t) v, 8);
}

void
copyfmt_bin_int4(StrBuf *b, int32_t v)
{
	put_be(b, 4, 4);
	put_be(b, (uint32_t) v, 4);
}

void
copyfmt_bin_bytes(StrBuf *b, const void *data, size_t len)
{
	put_be(b, (uint32_t) len, 4);
	sb_append(b, data, len);
}

void
copyfmt_bin_float8(StrBuf *b, double v)
{
	uint64_t	bits;

	memcpy(&bits, &v, sizeof(bits));
	put_be(b, 8, 4);
	put_be(b, bits, 8);
}

/* A field's length -1: SQL null. */
static void
bin_null(StrBuf *b)
{
	put_be(b, 0xffffffff, 4);
}

void
copyfmt_bin_text(StrBuf *b, const char *s)
{
	if (s == NULL)
		bin_null(b);
	else
		copyfmt_bin_bytes(b, s, strlen(s));
}

/* PostgreSQL's timestamps count microseconds from 2000-01-01 00:00:00 UTC. */
#define PG_EPOCH_USEC INT64_C(946684800000000)

void
copyfmt_bin_timestamptz(StrBuf *b, int64_t usec)
{
	if (usec == TIMESTAMP_NULL)
		bin_null(b);
	else
		copyfmt_bin_int8(b, usec - PG_EPOCH_USEC);
}

void
copyfmt_bin_jsonb(StrBuf *b, const char *json)
{
	size_t		len = strlen(json);

	put_be(b, (uint32_t) (len + 1), 4);
	sb_append(b, "\1", 1);
	sb_append(b, json, len);
}

void
copyfmt_bin_trailer(StrBuf *b)
{
	put_be(b, 0xffff, 2);
}
