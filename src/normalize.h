/*
 * normalize.h — the normal form of account names and masks (docs/SOURCE.md
 * "Normalisation", docs/PLAID.md).
 *
 * Pure functions: no I/O, no libpq, no logging: a value that cannot be keyed
 * is returned as its Unkeyable code and counted by the caller.  Inputs must
 * already be valid UTF-8 without NUL (payload.c checks that before anything
 * is normalised).
 */
#ifndef ITEMDUP_NORMALIZE_H
#define ITEMDUP_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Why an account cannot be keyed; docs/SOURCE.md's account-level reasons. */
typedef enum Unkeyable
{
	UNK_NONE = 0,
	UNK_NO_NAME,
	UNK_NO_MASK,
	UNK_BAD_TYPE,
	UNK_NAME_TOO_LONG,
	UNK_NO_INSTITUTION,
	UNK_COUNT
} Unkeyable;

#define NORMALIZE_NAME_MAX 256			/* bytes, normalised */
#define NORMALIZE_NAME_RAW_MAX 4096		/* bytes before normalising */
#define NORMALIZE_NONSTARTERS_MAX 30	/* in a row, decomposed: UAX #15 stream-safe */
#define NORMALIZE_STARTERS_MAX (3 * NORMALIZE_NAME_MAX)	/* non-space, decomposed */
#define NORMALIZE_MASK_MAX 4

const char *normalize_unkeyable_name(Unkeyable u);

/*
 * normalize_name — NFKC_Casefold, trim, collapse white space to one ' '.
 * On success *out is a NUL-terminated string owned by arena and *out_len its
 * length.  Returns UNK_NO_NAME when nothing is left, UNK_NAME_TOO_LONG when
 * the result (or the raw input) is over the limits above.  The work is
 * bounded before utf8proc runs (docs/SOURCE.md): a raw name over
 * NORMALIZE_NAME_RAW_MAX bytes, more than NORMALIZE_NONSTARTERS_MAX
 * combining marks in a row, or more non-space characters than any name of
 * NORMALIZE_NAME_MAX bytes can compose from is UNK_NAME_TOO_LONG at once, so
 * a name costs time linear in its (bounded) length.
 */
Unkeyable	normalize_name(const char *s, size_t len, Arena *arena,
						   const char **out, size_t *out_len) MUSTCHECK;

/*
 * normalize_mask — trim, upper-case, then 2-4 ASCII alphanumerics into
 * out[5] (NUL-terminated).  Anything else is UNK_NO_MASK.
 */
Unkeyable	normalize_mask(const char *s, size_t len, char out[5]) MUSTCHECK;

/*
 * normalize_mask_number — a legacy meta.number that arrived as a JSON
 * number: an integer 0-9999 becomes four zero-padded digits; any other
 * number is UNK_BAD_TYPE.
 */
Unkeyable	normalize_mask_number(double value, char out[5]) MUSTCHECK;

/*
 * normalize_test_map_error — for unit tests: make utf8proc_map "return" a
 * utf8proc error code (e.g. UTF8PROC_ERROR_NOMEM; 0 = off) so the error
 * paths can be tested.  Out of memory aborts the job (xoom); it is never
 * an account's bad_type.
 */
void		normalize_test_map_error(long error);

/* utf8_valid — true when s[0..len) is well-formed UTF-8 (no surrogates). */
bool		utf8_valid(const char *s, size_t len);

/* "utf8proc X.Y.Z, Unicode A.B.C" for runs.version; static storage. */
const char *normalize_version(void);

#endif
