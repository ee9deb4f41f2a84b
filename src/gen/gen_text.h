/*
 * gen_text.h — text primitives of itemdup-gen: a buffered COPY output file,
 * a hand-written JSON builder, ids, timestamps and name spellings.
 *
 * Pure text: no knowledge of the model (gen.h) beyond the PRNG mix.
 * Failures are sticky flags (GenOut.err, GenJson.overflow) checked by the
 * caller once per row, so the hot paths stay branch-light.
 */
#ifndef ITEMDUP_GEN_TEXT_H
#define ITEMDUP_GEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GEN_OUT_BUF (4u << 20)
#define GEN_JSON_BUF (256u << 10)
#define GEN_NAME_BUF 1024

/* Output file with its buffer.  err is set (and reported) on the first failure. */
typedef struct GenOut
{
	FILE	   *f;
	const char *path;
	char	   *buf;
	size_t		len;
	bool		err;
} GenOut;

/* JSON text being built; comma[] says whether a level needs a comma. */
typedef struct GenJson
{
	char	   *p;				/* GEN_JSON_BUF bytes, owned by the caller */
	size_t		len;
	bool		overflow;		/* a put did not fit: the row is unusable */
	bool		ascii;			/* non-ASCII as \uXXXX */
	bool		spaced;			/* ", " and ": " */
	bool		special;		/* holds a backslash or newline (COPY escapes) */
	int			depth;
	bool		comma[16];
} GenJson;

void		gen_out_flush(GenOut *o);

/* gen_out_room — make room for n more bytes (n <= GEN_OUT_BUF); where to write. */
static inline char *
gen_out_room(GenOut *o, size_t n)
{
	if (o->len + n > GEN_OUT_BUF)
		gen_out_flush(o);
	return o->buf + o->len;
}

/* gen_json_put — append n raw bytes; sets overflow when they do not fit. */
static inline void
gen_json_put(GenJson *j, const char *s, size_t n)
{
	if (j->len + n > GEN_JSON_BUF)
	{
		j->overflow = true;
		return;
	}
	memcpy(j->p + j->len, s, n);
	j->len += n;
}

/* gen_json_ch — append one raw byte. */
static inline void
gen_json_ch(GenJson *j, char c)
{
	gen_json_put(j, &c, 1);
}

bool		gen_out_open(GenOut *o, const char *dir, const char *name,
						 char *path, size_t size) __attribute__((warn_unused_result));
bool		gen_out_close(GenOut *o) __attribute__((warn_unused_result));
void		gen_out_str(GenOut *o, const char *s);
void		gen_out_copy_text(GenOut *o, const char *s, size_t n);

void		gen_json_sep(GenJson *j);
void		gen_json_open(GenJson *j, char c);
void		gen_json_close(GenJson *j, char c);
void		gen_json_string(GenJson *j, const char *s, size_t n);
void		gen_json_key(GenJson *j, const char *key);
void		gen_json_kstr(GenJson *j, const char *key, const char *v);
void		gen_json_kraw(GenJson *j, const char *key, const char *raw);
void		gen_json_kcents(GenJson *j, const char *key, int64_t cents);

void		gen_id(uint64_t key, char *out, int n);
void		gen_hex(uint64_t key, char *out, int n);
void		gen_uuid(uint64_t key, char out[37]);
void		gen_time(int64_t t, char *out);
void		gen_variant_apply(const char *s, int v, char *out);

#endif
