/*
 * cli.h — argv into Options, and Options into each command's own config.
 * The only place that parses argv.  One option table and one getopts
 * function per command (cli.c), all sharing the libpq connection options
 * (-h -p -U -d --dsn) and the logging options, which are also accepted
 * before the command: `itemdup --dsn X run`.  Exit codes: exitcode.h.
 */
#ifndef ITEMDUP_CLI_H
#define ITEMDUP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "exitcode.h"
#include "log.h"
#include "version.h"

typedef enum Command
{
	CMD_NONE = 0,
	CMD_MIGRATE,
	CMD_RUN,
	CMD_REPORT,
	CMD_EXPLAIN,
	CMD_STATUS,
	CMD_CHECK
} Command;

typedef struct Options
{
	Command		command;
	/* connection and session (every command) */
	const char *dsn;			/* --dsn: overrides -h -p -U -d */
	DbSettings	db;				/* -h -p -U -d, --lock-timeout, --statement-timeout */
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
	int			read_path;		/* ReadPath (loader.h): 0 auto, 1 text, 2 flat */
	uint32_t	hot_key_cap;
	uint64_t	max_pairs;
	uint32_t	partitions;		/* --partitions: passes over institution classes */
	double		max_reject_ratio;
	uint64_t	min_items;
	int			keep_runs;
	double		threshold;
	double		prune_margin;	/* --prune-margin; < 0: off */
	/* report / explain / status */
	const char *format;
	int64_t		run_id;			/* 0 = the published run */
	const char *output;
	const char *item_a;
	const char *item_b;
	int64_t		max_age;		/* status: seconds */
	/* report: filters for triage (README.md, "For analysts") */
	const char *report_kind;	/* --kind same_owner|cross_owner, NULL = both */
	const char *institution;	/* --institution: report's filter; check's (NULL: from the input) */
	double		min_score;		/* --min-score (on max_score), NAN = none */
	bool		changed;		/* --changed: new, grown, merged, split */
	int64_t		limit;			/* --limit N groups, 0 = all */
	int64_t		offset;			/* --offset N: skip the first N groups */
	bool		csv_raw;		/* --csv-raw: no formula neutralising or escaping */
	/* check */
	const char *owner;			/* --owner: the app user linking */
	const char *environment;	/* --environment */
} Options;

/*
 * cli_parse — fill opt from argv.  Returns -1 to go on and run the command,
 * or an exit code to stop with (0 after --help/--version, 64 on a usage
 * error, already reported on stderr).  Every value is validated here, so
 * a usage error never reaches the database.
 */
int			cli_parse(int argc, char **argv, Options *opt);

/* cli_dispatch — run the parsed command (its handler); returns the exit code. */
int			cli_dispatch(const Options *opt);

/* The options of a run as JSON text for runs.options (no secrets); malloc'd. */
char	   *cli_options_json(const Options *opt);

#endif
