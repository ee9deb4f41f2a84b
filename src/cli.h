/*
 * cli.h — argv into Options; usage and version text.  The only place that
 * parses argv.  Exit codes are CONTRACT.md's, the same for every command.
 */
#ifndef ITEMDUP_CLI_H
#define ITEMDUP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_DUPLICATE 2		/* check: a duplicate is suspected */
#define EXIT_USAGE 64
#define EXIT_NOCONN 69
#define EXIT_LOCKED 75

#define ITEMDUP_VERSION "0.1.0"
#define ITEMDUP_SCHEMA_VERSION 6	/* highest sql/NNN_*.sql this binary knows */

typedef enum Command
{
	CMD_NONE = 0,
	CMD_MIGRATE,
	CMD_RUN,
	CMD_REPORT,
	CMD_EXPLAIN,
	CMD_CHECK
} Command;

typedef struct Options
{
	Command		command;
	/* connection and session */
	const char *dsn;
	const char *lock_timeout;
	const char *statement_timeout;
	int			lock_wait;		/* seconds to wait for the run lock */
	LogFormat	log_format;
	LogLevel	log_level;
	/* run */
	const char *source;
	const char *source_dsn;		/* read the source on another server */
	bool		backfill;		/* --kind backfill */
	bool		publish;		/* backfill: --publish */
	bool		dry_run;
	bool		include_removed;
	const char *created_since;
	const char *created_until;
	uint32_t	hot_key_cap;
	uint64_t	max_pairs;
	double		max_reject_ratio;
	uint64_t	min_items;
	int			keep_runs;
	double		threshold;
	/* report / explain */
	const char *format;
	int64_t		run_id;			/* 0 = the published run */
	const char *output;
	const char *item_a;
	const char *item_b;
	/* check */
	const char *owner;			/* --owner: the app user linking */
	const char *environment;	/* --environment */
	const char *institution;	/* --institution, NULL: from the input */
} Options;

/*
 * cli_parse — fill opt from argv.  Returns -1 to go on and run the command,
 * or an exit code to stop with (0 after --help/--version, 64 on a usage
 * error, already reported on stderr).
 */
int			cli_parse(int argc, char **argv, Options *opt);

/* The options of a run as JSON text for runs.options (no secrets); malloc'd. */
char	   *cli_options_json(const Options *opt);

#endif
