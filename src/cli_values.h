/*
 * cli_values.h — checks and parsers for option values (pure: no libpq, no
 * I/O but the usage-error line on stderr), so that every usage error is
 * found before a command connects.
 */
#ifndef ITEMDUP_CLI_VALUES_H
#define ITEMDUP_CLI_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

/* Decimal integers in [min, max]; no sign, no trailing text. */
bool		cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
bool		cli_parse_int(const char *s, int min, int max, int *out);
/* A finite number in [min, max]. */
bool		cli_parse_double(const char *s, double min, double max, double *out);

/* --prune-margin: a number of log2 odds in 0-1000, or "off" (into -1). */
bool		cli_parse_prune_margin(const char *s, double *out);

/* A PostgreSQL duration for lock_timeout/statement_timeout: digits, then ms, s, min, h or d. */
bool		cli_valid_duration(const char *s);

/* An age for status --max-age: digits, then s, min, h or d (none: seconds), into seconds. */
bool		cli_parse_age(const char *s, int64_t *seconds);

/* A TCP port 1-65535 (psql's -p). */
bool		cli_valid_port(const char *s);

/*
 * cli_valid_relation — SCHEMA.NAME as PostgreSQL's parse_ident reads it:
 * exactly two parts, each an unquoted identifier or a "quoted" one ("" for
 * a quote inside).  The server still resolves it (to_regclass).
 */
bool		cli_valid_relation(const char *s);

/*
 * cli_parse_timestamp — an ISO 8601 date or date-time, strictly:
 * YYYY-MM-DD, optionally followed by T or a space, HH:MM[:SS[.fraction]]
 * and Z or +HH[:MM] / -HH[:MM]; years 0001-9999, real calendar dates.
 * Without a zone the time is UTC (the job's sessions run in UTC).  The
 * instant in seconds since the epoch into *epoch when not NULL.
 */
bool		cli_parse_timestamp(const char *s, double *epoch);

bool		cli_parse_log_format(const char *s, LogFormat *out);

/*
 * Usage errors: "itemdup: MESSAGE" and a hint on stderr; return EXIT_USAGE.
 * cli_usage_error_about prints: bad --NAME "VALUE" (HINT).
 */
int			cli_usage_error(const char *fmt, const char *arg);
int			cli_usage_error_about(const char *name, const char *value, const char *hint);

/* The hint for an option's values ("" when none), and "a, b or c" of a list (static). */
const char *cli_value_hint(const char *name);
const char *cli_value_hint_list(const char *const *values);

#endif
