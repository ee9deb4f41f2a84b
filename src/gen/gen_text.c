/*
 * gen_text.c — text primitives: the buffered COPY output file (COPY text
 * escaping), the JSON builder (string escapes, optional \uXXXX with
 * surrogate pairs, two separator styles), base62/hex ids, timestamps, and
 * the name spellings of GenVariant.  Only libc.
 */
#include "gen.h"
#include "gen_text.h"

#include <stdlib.h>

/* ---- output buffer ---- */

/*
 * gen_out_flush — write the buffer out; sets o->err (and reports) on
 * failure.
 */
void
gen_out_flush(GenOut *o)
{
	if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
	{
		fprintf(stderr, "itemdup-gen: cannot write %s\n", o->path);
		o->err = true;
	}
	o->len = 0;
}


/* gen_out_str — append s verbatim (no COPY escaping: s has none to do). */
void
gen_out_str(GenOut *o, const char *s)
{
	size_t		n = strlen(s);

	memcpy(gen_out_room(o, n), s, n);
	o->len += n;
}

/*
 * gen_out_copy_text — append s[0..n) as one COPY text field: backslash,
 * tab, newline and CR escaped.
 */
void
gen_out_copy_text(GenOut *o, const char *s, size_t n)
{
	char	   *d = gen_out_room(o, 2 * n);
	char	   *start = d;

	for (size_t i = 0; i < n; i++)
	{
		char		c = s[i];

		switch (c)
		{
			case '\\':
				*d++ = '\\';
				*d++ = '\\';
				break;
			case '\t':
				*d++ = '\\';
				*d++ = 't';
				break;
			case '\n':
				*d++ = '\\';
				*d++ = 'n';
				break;
			case '\r':
				*d++ = '\\';
				*d++ = 'r';
				break;
			default:
				*d++ = c;
		}
	}
	o->len += (size_t) (d - start);
}

/*
 * gen_out_open — open path for writing with a fresh buffer.  False (and
 * reported) on failure; gen_out_close releases what was opened.
 */
bool
gen_out_open(GenOut *o, const char *dir, const char *name, char *path, size_t size)
{
	memset(o, 0, sizeof(*o));
	snprintf(path, size, "%s/%s", dir, name);
	o->path = path;
	o->buf = malloc(GEN_OUT_BUF);
	o->f = o->buf ? fopen(path, "wb") : NULL;
	if (!o->f)
	{
		fprintf(stderr, "itemdup-gen: cannot open %s for writing\n", path);
		o->err = true;
		return false;
	}
	return true;
}

/*
 * gen_out_close — flush, close and free.  Returns false if anything
 * failed (reported).
 */
bool
gen_out_close(GenOut *o)
{
	if (o->f)
	{
		gen_out_flush(o);
		if (fclose(o->f) != 0 && !o->err)
		{
			fprintf(stderr, "itemdup-gen: cannot write %s\n", o->path);
			o->err = true;
		}
	}
	free(o->buf);
	return !o->err;
}

/* ---- JSON ---- */



/* gen_json_sep — the comma before a value or key, when one is due. */
void
gen_json_sep(GenJson *j)
{
	if (j->comma[j->depth])
		gen_json_put(j, j->spaced ? ", " : ",", j->spaced ? 2 : 1);
	j->comma[j->depth] = true;
}

/* gen_json_open — open an object or array ('{' or '['). */
void
gen_json_open(GenJson *j, char c)
{
	gen_json_ch(j, c);
	j->comma[++j->depth] = false;
}

/* gen_json_close — close the innermost object or array. */
void
gen_json_close(GenJson *j, char c)
{
	j->depth--;
	gen_json_ch(j, c);
}

/*
 * gen_json_string — s[0..n) (valid UTF-8) as a JSON string: quotes,
 * backslashes and controls escaped; non-ASCII raw or as \uXXXX (with
 * surrogate pairs) when j->ascii.
 */
void
gen_json_string(GenJson *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char		esc[12];

	gen_json_ch(j, '"');
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];
		size_t		run = i;

		/* the common case: a run of plain ASCII, copied at once */
		while (run < n && (unsigned char) s[run] >= 0x20 && (unsigned char) s[run] < 0x80 &&
			   s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i)
		{
			gen_json_put(j, s + i, run - i);
			i = run - 1;
			continue;
		}
		if (c < 0x20 || c == '"' || c == '\\' || (c >= 0x80 && j->ascii))
			j->special = true;	/* an escape: a backslash for COPY to double */
		if (c == '"' || c == '\\')
		{
			esc[0] = '\\';
			esc[1] = (char) c;
			gen_json_put(j, esc, 2);
		}
		else if (c < 0x20)
		{
			const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;

			if (named)
				gen_json_put(j, named, 2);
			else
			{
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				gen_json_put(j, esc, 6);
			}
		}
		else if (c < 0x80 || !j->ascii)
			gen_json_ch(j, (char) c);
		else
		{
			uint32_t	cp;
			int			extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
			int			units = 1;

			cp = c & (0x3F >> extra);
			for (int k = 0; k < extra && i + 1 < n; k++)
				cp = (cp << 6) | ((unsigned char) s[++i] & 0x3F);
			if (cp >= 0x10000)
			{
				uint32_t	v = cp - 0x10000;

				cp = 0xD800 | (v >> 10);
				units = 2;
				esc[6] = '\\';
				esc[7] = 'u';
				for (int k = 0; k < 4; k++)
					esc[8 + k] = hex[((0xDC00 | (v & 0x3FF)) >> (12 - 4 * k)) & 15];
			}
			esc[0] = '\\';
			esc[1] = 'u';
			for (int k = 0; k < 4; k++)
				esc[2 + k] = hex[(cp >> (12 - 4 * k)) & 15];
			gen_json_put(j, esc, (size_t) (6 * units));
		}
	}
	gen_json_ch(j, '"');
}

/* gen_json_key — the separator, "key" and the colon. */
void
gen_json_key(GenJson *j, const char *key)
{
	size_t		n = strlen(key);

	gen_json_sep(j);
	gen_json_ch(j, '"');
	gen_json_put(j, key, n);	/* keys are plain ASCII */
	gen_json_put(j, j->spaced ? "\": " : "\":", j->spaced ? 3 : 2);
	j->comma[j->depth + 1] = false;
}

/* gen_json_kstr — "key": "value" (NULL value writes null). */
void
gen_json_kstr(GenJson *j, const char *key, const char *v)
{
	gen_json_key(j, key);
	if (v)
		gen_json_string(j, v, strlen(v));
	else
		gen_json_put(j, "null", 4);
}

/* gen_json_kraw — "key": raw literal (a number, null, ...). */
void
gen_json_kraw(GenJson *j, const char *key, const char *raw)
{
	gen_json_key(j, key);
	gen_json_put(j, raw, strlen(raw));
}

/*
 * gen_json_kcents — "key": amount in cents as a JSON number, shortest
 * form (1203.42, 1203.4, 1203); cents < 0 writes null.
 */
void
gen_json_kcents(GenJson *j, const char *key, int64_t cents)
{
	char		num[32];
	char	   *e = num + sizeof(num);
	char	   *b = e;
	int64_t		whole = cents / 100;
	int			frac = (int) (cents % 100);

	gen_json_key(j, key);
	if (cents < 0)
	{
		gen_json_put(j, "null", 4);
		return;
	}
	if (frac)
	{
		if (frac % 10)
			*--b = (char) ('0' + frac % 10);
		*--b = (char) ('0' + frac / 10);
		*--b = '.';
	}
	do
	{
		*--b = (char) ('0' + whole % 10);
		whole /= 10;
	} while (whole);
	gen_json_put(j, b, (size_t) (e - b));
}

/* ---- ids, times, names ---- */

/* gen_id — n base62 characters from key (NUL-terminated; out has n + 1). */
void
gen_id(uint64_t key, char *out, int n)
{
	static const char b62[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t	x = key;
	uint64_t	v = 0;

	for (int i = 0; i < n; i++)
	{
		if (i % 10 == 0)
			v = gen_splitmix64(&x);
		out[i] = b62[v % 62];
		v /= 62;
	}
	out[n] = '\0';
}

/* gen_hex — n lower-case hex digits from key (out has n + 1). */
void
gen_hex(uint64_t key, char *out, int n)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t	x = key;
	uint64_t	v = 0;

	for (int i = 0; i < n; i++)
	{
		if (i % 16 == 0)
			v = gen_splitmix64(&x);
		out[i] = hex[v & 15];
		v >>= 4;
	}
	out[n] = '\0';
}

/* gen_uuid — a version-4-looking UUID from key (out has 37). */
void
gen_uuid(uint64_t key, char out[37])
{
	char		h[33];
	int			k = 0;

	gen_hex(key, h, 32);
	h[12] = '4';
	h[16] = "89ab"[key & 3];
	for (int i = 0; i < 32; i++)
	{
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[k++] = '-';
		out[k++] = h[i];
	}
	out[k] = '\0';
}
/*
 * gen_time — Unix seconds as "YYYY-MM-DD HH:MM:SS+00" (out has 32).
 * Civil-from-days after H. Hinnant.
 */
void
gen_time(int64_t t, char *out)
{
	int64_t		days = t / 86400;
	int64_t		sec = t % 86400;
	int64_t		z = days + 719468;
	int64_t		era = z / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int			d = (int) (doy - (153 * mp + 2) / 5 + 1);
	int			m = (int) (mp < 10 ? mp + 3 : mp - 9);
	int			y = (int) (yoe + era * 400 + (m <= 2));

	int			parts[6] = {y, m, d, (int) (sec / 3600), (int) (sec / 60 % 60), (int) (sec % 60)};
	static const char seps[] = "-- ::";
	char	   *p = out;

	/* "%04d-%02d-%02d %02d:%02d:%02d+00" without printf (a hot path) */
	for (int k = 0; k < 6; k++)
	{
		if (k == 0)
		{
			*p++ = (char) ('0' + parts[0] / 1000 % 10);
			*p++ = (char) ('0' + parts[0] / 100 % 10);
		}
		*p++ = (char) ('0' + parts[k] / 10 % 10);
		*p++ = (char) ('0' + parts[k] % 10);
		if (k < 5)
			*p++ = seps[k];
	}
	memcpy(p, "+00", 4);
}

/* gen_utf8_put — encode cp into d; returns the bytes written. */
static int
gen_utf8_put(uint32_t cp, char *d)
{
	if (cp < 0x80)
	{
		d[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		d[0] = (char) (0xC0 | (cp >> 6));
		d[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	d[0] = (char) (0xE0 | (cp >> 12));
	d[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
	d[2] = (char) (0x80 | (cp & 0x3F));
	return 3;
}

/*
 * gen_variant_apply — spell s (NUL-terminated UTF-8) the way variant v
 * says, into out (GEN_NAME_BUF bytes).  A variant that does not apply to s
 * falls back to another; the result always differs from s and always
 * normalises (NFKC_Casefold, trim, collapse spaces) to the same as s.
 */
void
gen_variant_apply(const char *s, int v, char *out)
{
	static const struct
	{
		char		c2;			/* second byte of a U+00C0..U+00FF letter */
		char		base;
		uint32_t	mark;
	}			nfd[] = {
		{'\xA9', 'e', 0x301}, {'\xA1', 'a', 0x301}, {'\xAD', 'i', 0x301},
		{'\xB3', 'o', 0x301}, {'\xBA', 'u', 0x301}, {'\xB1', 'n', 0x303},
		{'\xAB', 'e', 0x308}, {'\xB6', 'o', 0x308}, {'\x89', 'E', 0x301},
	};
	char	   *d = out;
	bool		changed = false;

	for (const char *p = s; *p; p++)
	{
		char		c = *p;

		switch (v)
		{
			case GEN_VAR_UPPER:
				*d++ = (c >= 'a' && c <= 'z') ? (char) (c - 32) : c;
				break;
			case GEN_VAR_LOWER:
				*d++ = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
				break;
			case GEN_VAR_SPACES:
				if (p == s)
					*d++ = ' ';
				*d++ = c;
				if (c == ' ')
					*d++ = ' ';
				if (p[1] == '\0')
				{
					*d++ = ' ';
					*d++ = ' ';
				}
				break;
			case GEN_VAR_NBSP:
				if (c == ' ')
					d += gen_utf8_put(0xA0, d);
				else
					*d++ = c;
				break;
			case GEN_VAR_FULLWIDTH:
				if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
					d += gen_utf8_put(0xFF10 + (uint32_t) (c - '0'), d);
				else
					*d++ = c;
				break;
			case GEN_VAR_ESZETT:
				if ((c == 's' || c == 'S') && (p[1] == 's' || p[1] == 'S'))
				{
					d += gen_utf8_put(0xDF, d);
					p++;
				}
				else if (c == '\xC3' && p[1] == '\x9F')
				{
					*d++ = 'S';
					*d++ = 'S';
					p++;
				}
				else
					*d++ = (c >= 'a' && c <= 'z') ? (char) (c - 32) : c;
				break;
			case GEN_VAR_NFD:
				{
					bool		done = false;

					if (c == '\xC3')
						for (size_t k = 0; k < sizeof(nfd) / sizeof(nfd[0]) && !done; k++)
							if (p[1] == nfd[k].c2)
							{
								*d++ = nfd[k].base;
								d += gen_utf8_put(nfd[k].mark, d);
								p++;
								done = true;
							}
					if (!done)
						*d++ = c;
					break;
				}
			case GEN_VAR_LIGATURE:
				if (c == 'f' && (p[1] == 'i' || p[1] == 'l'))
				{
					d += gen_utf8_put(p[1] == 'i' ? 0xFB01 : 0xFB02, d);
					p++;
				}
				else
					*d++ = c;
				break;
			default:
				*d++ = c;
		}
		if (d - out > GEN_NAME_BUF - 16)
			break;
	}
	*d = '\0';
	changed = strcmp(out, s) != 0;
	if (!changed && v != GEN_VAR_SPACES)
		gen_variant_apply(s, v == GEN_VAR_NBSP || v == GEN_VAR_LIGATURE ? GEN_VAR_UPPER :
						  v == GEN_VAR_UPPER ? GEN_VAR_LOWER : GEN_VAR_SPACES, out);
}