/*
 * copyfmt.h — PostgreSQL COPY text format, both ways, and a growable
 * byte buffer.  Pure: no I/O, no logging: copyfmt_split returns false on a
 * malformed row and the caller (the loader) says so.  Out of memory aborts.
 */
#ifndef ITEMDUP_COPYFMT_H
#define ITEMDUP_COPYFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct StrBuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} StrBuf;

void		sb_init(StrBuf *b);
void		sb_free(StrBuf *b);
void		sb_reset(StrBuf *b);
void		sb_append(StrBuf *b, const char *s, size_t len);
void		sb_puts(StrBuf *b, const char *s);
void		sb_printf(StrBuf *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void		sb_reserve(StrBuf *b, size_t extra);

/* sb_replace — text with every `from` replaced by `to` (not scanned again), appended to out. */
void		sb_replace(StrBuf *out, const char *text, const char *from, const char *to);

/*
 * sb_room — room for up to extra more bytes, written in place at the
 * pointer it returns; sb_grew then counts the n bytes written.  For
 * writers that know a bound and would otherwise append a byte at a time.
 */
static inline char *
sb_room(StrBuf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		sb_reserve(b, extra);
	return b->data + b->len;
}

static inline void
sb_grew(StrBuf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * copyfmt_split — split one COPY text row (without or with its trailing
 * newline) into exactly nfields fields, unescaping in place.  A NULL field
 * (\N) gets fields[i] == NULL.  Returns false when the field count differs.
 */
bool		copyfmt_split(char *row, size_t len, int nfields,
						  char **fields, size_t *lens) MUSTCHECK;

/* Append s as one COPY text field (escaped); s == NULL appends \N. */
void		copyfmt_field(StrBuf *b, const char *s, size_t len);
/* Append a field separator or the row end. */
#define copyfmt_sep(b) sb_append((b), "\t", 1)
#define copyfmt_eol(b) sb_append((b), "\n", 1)

/* Microseconds since the Unix epoch as "YYYY-MM-DD HH:MM:SS.ffffff+00". */
void		copyfmt_timestamp(StrBuf *b, int64_t usec);

/* copyfmt_hex_value — the value of hex digit c (0-9, a-f, A-F), or -1. */
int			copyfmt_hex_value(char c);

#define TIMESTAMP_NULL INT64_MIN

/*
 * COPY ... (FORMAT binary): the file header, one row's field count, and
 * fields in network byte order (int8, int4, float8; bytea and text as
 * their bytes).  The trailer ends the data.  Nothing is printed or parsed:
 * a float8 goes as its IEEE 754 bits and a timestamptz as its
 * microseconds, so the server stores exactly the value sent.
 */
void		copyfmt_bin_header(StrBuf *b);
void		copyfmt_bin_row(StrBuf *b, int16_t nfields);
void		copyfmt_bin_int8(StrBuf *b, int64_t v);
void		copyfmt_bin_int4(StrBuf *b, int32_t v);
void		copyfmt_bin_float8(StrBuf *b, double v);
void		copyfmt_bin_bytes(StrBuf *b, const void *data, size_t len);
/* A text field: s's bytes (valid UTF-8, the connection's encoding); NULL is SQL null. */
void		copyfmt_bin_text(StrBuf *b, const char *s);
/* A timestamptz field from microseconds since the Unix epoch; TIMESTAMP_NULL is SQL null. */
void		copyfmt_bin_timestamptz(StrBuf *b, int64_t usec);
/* A jsonb field: format version 1, then the JSON text (the server parses it as jsonb_in does). */
void		copyfmt_bin_jsonb(StrBuf *b, const char *json);
void		copyfmt_bin_trailer(StrBuf *b);

#endif
