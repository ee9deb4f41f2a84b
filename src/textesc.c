/*
 * textesc.c — escaping of hostile text for people (textesc.h).
 */
#include "textesc.h"

#include <stdio.h>
#include <string.h>

bool
textesc_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
		cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
		(cp >= 0x2066 && cp <= 0x2069);
}

size_t
textesc_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		len;
	uint32_t	c;
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};

	if (s[0] < 0x80)
	{
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, c = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, c = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/*
 * escape_one — the escape of the character at s (clen bytes, code point cp;
 * clen 0: a byte that is not UTF-8) into buf, or 0 when it stays verbatim.
 */
static int
escape_one(const unsigned char *s, size_t clen, uint32_t cp, TextEscStyle style,
		   char buf[16])
{
	if (clen == 0)
		return style == TEXTESC_TEXT ? snprintf(buf, 16, "\\x%02x", s[0])
			: style == TEXTESC_JSON_STRING ? (int) strlen(strcpy(buf, "\\ufffd")) : 0;
	if (style != TEXTESC_JSON_TEXT && (cp == '\\' || (cp == '"' && style == TEXTESC_JSON_STRING)))
		return snprintf(buf, 16, "\\%c", (char) cp);
	if (!textesc_unsafe(cp) || (style == TEXTESC_JSON_TEXT && cp < 0x80))
		return 0;
	if (style == TEXTESC_TEXT && cp < 0x80)
		return snprintf(buf, 16, "\\x%02x", (unsigned) cp);
	return snprintf(buf, 16, "\\u%04x", (unsigned) cp);
}

bool
textesc_needed(const char *s, size_t len, TextEscStyle style)
{
	const unsigned char *u = (const unsigned char *) s;
	char		buf[16];

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp = 0;
		size_t		clen = textesc_decode(u + i, len - i, &cp);

		if (escape_one(u + i, clen, cp, style, buf) > 0)
			return true;
		i += clen ? clen : 1;
	}
	return false;
}

void
textesc_append(StrBuf *b, const char *s, size_t len, TextEscStyle style)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		run = 0;		/* start of the verbatim run */
	char		buf[16];

	for (size_t i = 0; i < len;)
	{
		uint32_t	cp = 0;
		size_t		clen = textesc_decode(u + i, len - i, &cp);
		int			n = escape_one(u + i, clen, cp, style, buf);
		size_t		step = clen ? clen : 1;

		if (n > 0)
		{
			sb_append(b, s + run, i - run);
			sb_append(b, buf, (size_t) n);
			run = i + step;
		}
		i += step;
	}
	sb_append(b, s + run, len - run);
}

void
textesc_csv_cell(StrBuf *b, const char *s, bool neutralise)
{
	bool		formula = neutralise && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	StrBuf		esc;
	const char *v = s;

	sb_init(&esc);
	if (neutralise && textesc_needed(s, strlen(s), TEXTESC_TEXT))
	{
		textesc_append(&esc, s, strlen(s), TEXTESC_TEXT);
		v = esc.data;
	}
	if (!formula && v[0] != '\0' && strpbrk(v, ",\"\n\r") == NULL)
		sb_puts(b, v);
	else
	{
		sb_puts(b, formula ? "\"'" : "\"");
		for (const char *q; (q = strchr(v, '"')) != NULL; v = q + 1)
		{
			sb_append(b, v, (size_t) (q - v) + 1);
			sb_append(b, "\"", 1);
		}
		sb_puts(b, v);
		sb_append(b, "\"", 1);
	}
	sb_free(&esc);
}

const char *
textesc(const char *s)
{
	static StrBuf ring[8];
	static int	next;
	StrBuf	   *b;
	size_t		len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (!textesc_needed(s, len, TEXTESC_TEXT))
		return s;
	b = &ring[next];
	next = (next + 1) % 8;
	if (b->data == NULL)
		sb_init(b);
	sb_reset(b);
	textesc_append(b, s, len, TEXTESC_TEXT);
	return b->data;			/* StrBuf keeps a terminating NUL */
}
