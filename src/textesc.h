/*
 * textesc.h — escaping of hostile text for what people read (docs/REPORTS.md,
 * "Hostile text").  Item, owner and institution ids and account names come
 * from end users: printed raw, ESC/OSC sequences clear screens or write
 * clipboards, CR/backspace/newline forge lines, and bidi controls (U+202E)
 * reverse what follows.  Pure: no I/O, no logging; nothing here fails.
 *
 * Unsafe code points: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), the bidi
 * controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, and the
 * line/paragraph separators U+2028, U+2029.  Bytes that are not UTF-8 are
 * unsafe too.
 */
#ifndef ITEMDUP_TEXTESC_H
#define ITEMDUP_TEXTESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "copyfmt.h"

typedef enum TextEscStyle
{
	/*
	 * Plain text: unsafe ASCII and bytes that are not UTF-8 as \xNN, other
	 * unsafe code points as \uNNNN, a backslash as \\ (so the escape is
	 * unambiguous).  Everything else verbatim.
	 */
	TEXTESC_TEXT,
	/*
	 * Inside a JSON string: " and \ escaped, every unsafe code point as
	 * \uNNNN (valid JSON, same value), bytes that are not UTF-8 as \ufffd.
	 */
	TEXTESC_JSON_STRING,
	/*
	 * A whole JSON text that is already valid (e.g. jsonb::text): unsafe
	 * non-ASCII code points as \uNNNN, everything else verbatim.  They can
	 * only occur inside strings there, so the text stays valid and means
	 * the same.
	 */
	TEXTESC_JSON_TEXT
} TextEscStyle;

/* textesc_unsafe — whether code point cp is unsafe (list above). */
bool		textesc_unsafe(uint32_t cp);

/*
 * textesc_decode — the UTF-8 character at s (n > 0 bytes available):
 * returns its length and sets *cp, or returns 0 when s does not start a
 * well-formed UTF-8 character (overlong, surrogate, truncated, > U+10FFFF).
 */
size_t		textesc_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* textesc_needed — whether textesc_append(style) would change s[0..len). */
bool		textesc_needed(const char *s, size_t len, TextEscStyle style);

/* textesc_append — append s[0..len) escaped in style to b (b owned by the caller). */
void		textesc_append(StrBuf *b, const char *s, size_t len, TextEscStyle style);

/*
 * textesc_csv_cell — append s (not NULL: a NULL cell is empty, the caller
 * writes nothing) as one CSV cell to b: quoted when it holds , " CR or LF or
 * is empty (so "" differs from NULL).  With neutralise (a user string for a
 * spreadsheet): a cell starting with = + - @ tab or CR gets a leading ' and
 * quotes (OWASP "CSV Injection"), and unsafe characters are escaped as
 * TEXTESC_TEXT.  Without it the value is kept exactly.
 */
void		textesc_csv_cell(StrBuf *b, const char *s, bool neutralise);

/*
 * textesc — s escaped as TEXTESC_TEXT, for printf-style callers.  Returns s
 * itself when nothing needs escaping, else one of 8 rotating static buffers
 * (valid until the 8th next call; single-threaded program).  NULL stays NULL.
 */
const char *textesc(const char *s);

#endif
