/*
 * cli.c — argv into Options: the commands table, one option table and one
 * getopts function per command (pgcopydb's cli_<command>_getopts), the
 * options every command shares (connection as in psql, logging), value
 * checks; the handlers that turn Options into each edge's own config are
 * in cli_config.c.
 * Usage text lives in cli_usage.c; the man page (docs/itemdup.1) says the
 * same at length.
 */
#define _DEFAULT_SOURCE
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_config.h"
#include "cli_usage.h"
#include "cli_values.h"
#include "normalize.h"

/* Long-only option ids (short options use their letter). */
enum
{
	OPT_DSN = 1000, OPT_LOCK_TIMEOUT, OPT_STATEMENT_TIMEOUT, OPT_LOCK_WAIT, OPT_LOG_FORMAT,
	OPT_SOURCE, OPT_KIND, OPT_PUBLISH, OPT_DRY_RUN, OPT_INCLUDE_REMOVED, OPT_SINCE, OPT_UNTIL,
	OPT_HOT_KEY_CAP, OPT_MAX_PAIRS, OPT_MAX_REJECT_RATIO, OPT_MIN_ITEMS, OPT_KEEP_RUNS,
	OPT_THRESHOLD, OPT_FORMAT, OPT_RUN, OPT_OUTPUT, OPT_SOURCE_DSN, OPT_MAX_AGE,
	OPT_INSTITUTION, OPT_MIN_SCORE, OPT_CHANGED, OPT_LIMIT, OPT_CSV_RAW, OPT_OFFSET,
	OPT_OWNER, OPT_ENVIRONMENT, OPT_READ_PATH, OPT_PARTITIONS, OPT_PRUNE_MARGIN
};

/* The options every command takes, before or after the command name. */
#define COMMON_SHORT "+:h:p:U:d:qv?V"
static const struct option common_options[] = {
	{"help", no_argument, NULL, '?'},
	{"version", no_argument, NULL, 'V'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"host", required_argument, NULL, 'h'},
	{"port", required_argument, NULL, 'p'},
	{"username", required_argument, NULL, 'U'},
	{"dbname", required_argument, NULL, 'd'},
	{"dsn", required_argument, NULL, OPT_DSN},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{NULL, 0, NULL, 0}
};

static const struct option migrate_options[] = {
	{"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
	{NULL, 0, NULL, 0}
};

static const struct option run_options[] = {
	{"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"source-dsn", required_argument, NULL, OPT_SOURCE_DSN},
	{"kind", required_argument, NULL, OPT_KIND},
	{"publish", no_argument, NULL, OPT_PUBLISH},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"include-removed", no_argument, NULL, OPT_INCLUDE_REMOVED},
	{"read-path", required_argument, NULL, OPT_READ_PATH},
	{"partitions", required_argument, NULL, OPT_PARTITIONS},
	{"created-since", required_argument, NULL, OPT_SINCE},
	{"created-until", required_argument, NULL, OPT_UNTIL},
	{"hot-key-cap", required_argument, NULL, OPT_HOT_KEY_CAP},
	{"max-pairs", required_argument, NULL, OPT_MAX_PAIRS},
	{"max-reject-ratio", required_argument, NULL, OPT_MAX_REJECT_RATIO},
	{"min-items", required_argument, NULL, OPT_MIN_ITEMS},
	{"keep-runs", required_argument, NULL, OPT_KEEP_RUNS},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"prune-margin", required_argument, NULL, OPT_PRUNE_MARGIN},
	{NULL, 0, NULL, 0}
};

static const struct option report_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"run", required_argument, NULL, OPT_RUN},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"kind", required_argument, NULL, OPT_KIND},
	{"institution", required_argument, NULL, OPT_INSTITUTION},
	{"min-score", required_argument, NULL, OPT_MIN_SCORE},
	{"changed", no_argument, NULL, OPT_CHANGED},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"offset", required_argument, NULL, OPT_OFFSET},
	{"csv-raw", no_argument, NULL, OPT_CSV_RAW},
	{NULL, 0, NULL, 0}
};

static const struct option explain_options[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"run", required_argument, NULL, OPT_RUN},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{NULL, 0, NULL, 0}
};

static const struct option status_options[] = {
	{"max-age", required_argument, NULL, OPT_MAX_AGE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{NULL, 0, NULL, 0}
};

static const struct option check_options[] = {
	{"owner", required_argument, NULL, OPT_OWNER},
	{"environment", required_argument, NULL, OPT_ENVIRONMENT},
	{"institution", required_argument, NULL, OPT_INSTITUTION},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{NULL, 0, NULL, 0}
};

/*
 * One command: its name, option table, getopts and handler.  To add one: a
 * Command id (cli.h), an option table, a cli_<command>_getopts built on
 * cli_getopts, a handler that turns Options into the edge's own config, a
 * row in commands[], its usage text (cli_usage.c) and its man page entry
 * (docs/itemdup.1: t_34_install checks every --help option is there).
 */
typedef struct CliCommand
{
	const char *name;
	Command		id;
	const struct option *options;	/* its own; common_options are added */
	int			(*getopts) (int argc, char **argv, Options *opt);
	int			(*handler) (const Options *opt);
} CliCommand;

static int	cli_migrate_getopts(int argc, char **argv, Options *opt);
static int	cli_run_getopts(int argc, char **argv, Options *opt);
static int	cli_report_getopts(int argc, char **argv, Options *opt);
static int	cli_explain_getopts(int argc, char **argv, Options *opt);
static int	cli_status_getopts(int argc, char **argv, Options *opt);
static int	cli_check_getopts(int argc, char **argv, Options *opt);

static const CliCommand commands[] = {
	{"migrate", CMD_MIGRATE, migrate_options, cli_migrate_getopts, cli_migrate_handler},
	{"run", CMD_RUN, run_options, cli_run_getopts, cli_run_handler},
	{"report", CMD_REPORT, report_options, cli_report_getopts, cli_report_handler},
	{"explain", CMD_EXPLAIN, explain_options, cli_explain_getopts, cli_explain_handler},
	{"status", CMD_STATUS, status_options, cli_status_getopts, cli_status_handler},
	{"check", CMD_CHECK, check_options, cli_check_getopts, cli_check_handler},
	{NULL, CMD_NONE, NULL, NULL, NULL}
};

/* The command called name, or NULL. */
static const CliCommand *
command_named(const char *name)
{
	for (const CliCommand *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* The command with id, or NULL. */
static const CliCommand *
command_of(Command id)
{
	for (const CliCommand *c = commands; c->name != NULL; c++)
		if (c->id == id)
			return c;
	return NULL;
}

/* The defaults users rely on (docs/itemdup.1). */
static void
set_defaults(Options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->db.lock_timeout = "10s";
	opt->db.statement_timeout = "0";
	opt->log_format = LOG_FORMAT_AUTO;
	opt->log_level = LOG_INFO;
	opt->source = "itemdup.source_items";
	opt->hot_key_cap = 1000;
	opt->max_pairs = 50000000;
	opt->partitions = 1;
	opt->max_reject_ratio = 0.05;
	opt->min_items = 1;
	opt->keep_runs = 30;
	opt->threshold = 5.0;
	opt->prune_margin = 10.0;
	opt->max_age = 26 * 3600;
	opt->min_score = NAN;
}

/* The name of option id in table (for messages). */
static const char *
option_name(const struct option *table, int id)
{
	for (const struct option *o = table; o->name != NULL; o++)
		if (o->val == id)
			return o->name;
	return "?";
}

/*
 * A common option: 1 when taken, 0 when it is not a common option, or an
 * exit code + 2 (the caller returns code - 2): 0 after --version, 64 on a
 * bad value.  --help only sets *help (the command decides whose usage).
 */
static int
common_option(int c, const char *a, Options *opt, bool *help)
{
	switch (c)
	{
		case '?':
			*help = true;
			return 1;
		case 'V':
			printf("itemdup %s (schema %d; %s)\n", ITEMDUP_VERSION,
				   ITEMDUP_SCHEMA_VERSION, normalize_version());
			return EXIT_OK + 2;
		case 'q':
			opt->log_level = LOG_ERROR;
			return 1;
		case 'v':
			opt->log_level = LOG_DEBUG;
			return 1;
		case 'h':
			opt->db.host = a;
			return 1;
		case 'p':
			if (!cli_valid_port(a))
				return cli_usage_error("bad -p/--port \"%s\" (1-65535)", a) + 2;
			opt->db.port = a;
			return 1;
		case 'U':
			opt->db.user = a;
			return 1;
		case 'd':
			opt->db.dbname = a;
			return 1;
		case OPT_DSN:
			opt->dsn = a;
			return 1;
		case OPT_LOCK_TIMEOUT:
			if (!cli_valid_duration(a))
				return cli_usage_error("bad --lock-timeout \"%s\" (e.g. 10s, 500ms, 2min)", a) + 2;
			opt->db.lock_timeout = a;
			return 1;
		case OPT_STATEMENT_TIMEOUT:
			if (!cli_valid_duration(a))
				return cli_usage_error("bad --statement-timeout \"%s\" (e.g. 0, 30min)", a) + 2;
			opt->db.statement_timeout = a;
			return 1;
		case OPT_LOG_FORMAT:
			if (!cli_parse_log_format(a, &opt->log_format))
				return cli_usage_error("bad --log-format \"%s\" (auto, text or json)", a) + 2;
			return 1;
	}
	return 0;
}

/* The common options followed by a command's own, in one table (static storage). */
static const struct option *
merged_options(const struct option *own)
{
	static struct option table[64];
	size_t		n = 0;

	for (const struct option *o = common_options; o->name != NULL; o++)
		table[n++] = *o;
	for (const struct option *o = own; o != NULL && o->name != NULL; o++)
		table[n++] = *o;
	memset(&table[n], 0, sizeof(table[n]));
	return table;
}

/*
 * The getopt error of the last call as a usage error: "-?" is help (psql
 * does the same test: getopt returns '?' for it and for unknown options).
 */
static int
getopt_failure(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
	{
		if (strcmp(arg, "-h") == 0)
			return cli_usage_error("%s", "option -h needs a host (help is -? or --help)");
		return cli_usage_error("option \"%s\" needs a value", arg);
	}
	if (optopt != 0 && optopt != '?' && arg[0] == '-' && arg[1] != '-')
	{
		char		s[3] = {'-', (char) optopt, '\0'};

		return cli_usage_error("unknown option \"%s\"", s);
	}
	return cli_usage_error("unknown option \"%s\"", arg);
}

/* Whether this '?' from getopt is the -? option (help) rather than an unknown one. */
static bool
is_help_option(char **argv)
{
	return strcmp(argv[optind - 1], "-?") == 0 || strcmp(argv[optind - 1], "--help") == 0;
}

/*
 * cli_getopts — the loop every command's getopts shares: the common options
 * and the command's own table (own_option handles those; it returns -1 to
 * go on or an exit code).  Positional arguments are left at argv[optind..].
 * Returns -1 to go on, or an exit code (help printed: 0).
 */
static int
cli_getopts(int argc, char **argv, Options *opt, const struct option *own,
			int (*own_option) (int c, const char *a, Options *opt))
{
	const struct option *table = merged_options(own);
	bool		help = false;
	int			c;

	optind = 0;					/* glibc: start over, on a new argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, COMMON_SHORT + 1, table, NULL)) != -1)
	{
		int			r;

		if ((c == '?' && !is_help_option(argv)) || c == ':')
			return getopt_failure(c, argv);
		r = common_option(c, optarg, opt, &help);
		if (r >= 2)
			return r - 2;
		if (r == 0 && (r = own_option(c, optarg, opt)) >= 0)
			return r;
	}
	if (help)
	{
		cli_print_usage(opt->command);
		return EXIT_OK;
	}
	return -1;
}

/* 64 when arguments are left after the options; -1 to go on. */
static int
no_positional(int argc, char **argv)
{
	if (optind < argc)
		return cli_usage_error("unexpected argument \"%s\"", argv[optind]);
	return -1;
}

/* migrate's own options: --lock-wait.  -1 to go on, 64 on a bad value. */
static int
migrate_option(int c, const char *a, Options *opt)
{
	if (c == OPT_LOCK_WAIT && !cli_parse_int(a, 0, 86400, &opt->lock_wait))
		return cli_usage_error("bad --lock-wait \"%s\" (seconds, 0-86400)", a);
	return -1;
}

/* itemdup migrate [--lock-wait N]: -1 to go on, or an exit code. */
static int
cli_migrate_getopts(int argc, char **argv, Options *opt)
{
	int			rc = cli_getopts(argc, argv, opt, migrate_options, migrate_option);

	return rc >= 0 ? rc : no_positional(argc, argv);
}

/* A run option's value; -1 to go on, 64 on a bad one. */
static int
run_option(int c, const char *a, Options *opt)
{
	uint64_t	u = 0;
	bool		ok = true;

	switch (c)
	{
		case OPT_LOCK_WAIT:
			return migrate_option(c, a, opt);
		case OPT_SOURCE:
			ok = cli_valid_relation(a);
			opt->source = a;
			break;
		case OPT_SOURCE_DSN:
			opt->source_dsn = a;
			break;
		case OPT_KIND:
			ok = strcmp(a, "nightly") == 0 || strcmp(a, "backfill") == 0;
			opt->backfill = strcmp(a, "backfill") == 0;
			break;
		case OPT_PUBLISH:
			opt->publish = true;
			break;
		case OPT_DRY_RUN:
			opt->dry_run = true;
			break;
		case OPT_INCLUDE_REMOVED:
			opt->include_removed = true;
			break;
		case OPT_READ_PATH:
			/* 0 auto, 1 text, 2 flat, 3 flat-sql: ReadPath (loader.h) */
			ok = strcmp(a, "auto") == 0 || strcmp(a, "text") == 0 || strcmp(a, "flat") == 0 ||
				strcmp(a, "flat-sql") == 0;
			opt->read_path = a[0] == 't' ? 1 : strcmp(a, "flat-sql") == 0 ? 3 : a[0] == 'f' ? 2 : 0;
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			ok = cli_parse_timestamp(a, NULL);
			*(c == OPT_SINCE ? &opt->created_since : &opt->created_until) = a;
			break;
		case OPT_HOT_KEY_CAP:
			ok = cli_parse_u64(a, 2, 1000000, &u);
			opt->hot_key_cap = (uint32_t) u;
			break;
		case OPT_MAX_PAIRS:
			ok = cli_parse_u64(a, 1, UINT64_C(4000000000), &opt->max_pairs);
			break;
		case OPT_PARTITIONS:
			ok = cli_parse_u64(a, 1, 256, &u);
			opt->partitions = (uint32_t) u;
			break;
		case OPT_MAX_REJECT_RATIO:
			ok = cli_parse_double(a, 0.0, 1.0, &opt->max_reject_ratio);
			break;
		case OPT_MIN_ITEMS:
			ok = cli_parse_u64(a, 0, UINT64_C(1000000000000), &opt->min_items);
			break;
		case OPT_KEEP_RUNS:
			ok = cli_parse_int(a, 1, 100000, &opt->keep_runs);
			break;
		case OPT_THRESHOLD:
			ok = cli_parse_double(a, -1e9, 1e9, &opt->threshold);
			break;
		case OPT_PRUNE_MARGIN:
			ok = cli_parse_prune_margin(a, &opt->prune_margin);
			break;
	}
	if (!ok)
		return cli_usage_error_about(option_name(run_options, c), a,
									 cli_value_hint(option_name(run_options, c)));
	return -1;
}

/* The combinations of run options that contradict each other. */
static int
run_combinations(const Options *opt)
{
	double		since,
				until;

	if (opt->publish && !opt->backfill)
		return cli_usage_error("%s", "--publish is for --kind backfill (a nightly run always publishes)");
	if (opt->publish && (opt->created_since || opt->created_until))
		return cli_usage_error("%s", "--publish with a created-at window is refused: "
							   "a window cannot replace complete results");
	if (opt->publish && opt->dry_run)
		return cli_usage_error("%s", "--publish and --dry-run contradict each other");
	if ((opt->created_since || opt->created_until) && !opt->backfill)
		return cli_usage_error("%s", "--created-since/--created-until are for --kind backfill");
	if (opt->created_since && opt->created_until &&
		cli_parse_timestamp(opt->created_since, &since) &&
		cli_parse_timestamp(opt->created_until, &until) && since >= until)
		return cli_usage_error("%s", "--created-since must be before --created-until "
							   "(the window is since <= created_at < until)");
	return -1;
}

/* itemdup run: its options, the source dsn and the combinations; -1 to go on. */
static int
cli_run_getopts(int argc, char **argv, Options *opt)
{
	int			rc = cli_getopts(argc, argv, opt, run_options, run_option);
	char		err[200];

	if (rc < 0)
		rc = no_positional(argc, argv);
	if (rc < 0 && !db_dsn_check(opt->source_dsn, err, sizeof(err)))
		rc = cli_usage_error("%s", err);
	return rc >= 0 ? rc : run_combinations(opt);
}

/* --format, --run and --output of report, explain and status. */
static int
output_option(int c, const char *a, Options *opt, const char *const *formats)
{
	uint64_t	u;

	if (c == OPT_FORMAT)
	{
		for (int i = 0; formats[i] != NULL; i++)
			if (strcmp(a, formats[i]) == 0)
			{
				opt->format = formats[i];
				return -1;
			}
		return cli_usage_error_about("format", a, cli_value_hint_list(formats));
	}
	if (c == OPT_RUN)
	{
		if (!cli_parse_u64(a, 1, INT64_MAX, &u))
			return cli_usage_error("bad --run \"%s\" (a run_id)", a);
		opt->run_id = (int64_t) u;
	}
	if (c == OPT_OUTPUT)
		opt->output = a;
	return -1;
}

static const char *const report_formats[] = {"table", "csv", "json", "html", NULL};
static const char *const text_formats[] = {"text", "json", NULL};

/* report's own options: the output and the triage filters (docs/REPORTS.md). */
static int
report_option(int c, const char *a, Options *opt)
{
	uint64_t	u;

	switch (c)
	{
		case OPT_KIND:
			if (strcmp(a, "same_owner") != 0 && strcmp(a, "cross_owner") != 0)
				return cli_usage_error("bad --kind \"%s\" (same_owner or cross_owner)", a);
			opt->report_kind = a;
			return -1;
		case OPT_INSTITUTION:
			opt->institution = a;
			return -1;
		case OPT_MIN_SCORE:
			if (!cli_parse_double(a, -1e9, 1e9, &opt->min_score))
				return cli_usage_error("bad --min-score \"%s\"", a);
			return -1;
		case OPT_CHANGED:
			opt->changed = true;
			return -1;
		case OPT_LIMIT:
			if (!cli_parse_u64(a, 1, INT64_MAX, &u))
				return cli_usage_error("bad --limit \"%s\" (a number of groups, 1 or more)", a);
			opt->limit = (int64_t) u;
			return -1;
		case OPT_OFFSET:
			if (!cli_parse_u64(a, 0, INT64_MAX, &u))
				return cli_usage_error("bad --offset \"%s\" (a number of groups)", a);
			opt->offset = (int64_t) u;
			return -1;
		case OPT_CSV_RAW:
			opt->csv_raw = true;
			return -1;
	}
	return output_option(c, a, opt, report_formats);
}

/* itemdup report [--format F] [--run ID] [--output FILE]: -1 to go on. */
static int
cli_report_getopts(int argc, char **argv, Options *opt)
{
	int			rc;

	opt->format = "table";
	rc = cli_getopts(argc, argv, opt, report_options, report_option);
	return rc >= 0 ? rc : no_positional(argc, argv);
}

/* explain's own options. */
static int
explain_option(int c, const char *a, Options *opt)
{
	if (c == OPT_SOURCE && !cli_valid_relation(a))
		return cli_usage_error_about("source", a, cli_value_hint("source"));
	if (c == OPT_SOURCE)
		opt->source = a;
	if (c == OPT_THRESHOLD && !cli_parse_double(a, -1e9, 1e9, &opt->threshold))
		return cli_usage_error("bad --threshold \"%s\"", a);
	return output_option(c, a, opt, text_formats);
}

/* itemdup explain ITEM_ID [OTHER_ITEM_ID]: -1 to go on. */
static int
cli_explain_getopts(int argc, char **argv, Options *opt)
{
	int			rc;

	opt->format = "text";
	rc = cli_getopts(argc, argv, opt, explain_options, explain_option);
	if (rc >= 0)
		return rc;
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error("%s", "explain needs ITEM_ID [OTHER_ITEM_ID]");
	opt->item_a = argv[optind];
	opt->item_b = optind + 1 < argc ? argv[optind + 1] : NULL;
	return -1;
}

/* status's own options. */
static int
status_option(int c, const char *a, Options *opt)
{
	if (c == OPT_MAX_AGE && !cli_parse_age(a, &opt->max_age))
		return cli_usage_error("bad --max-age \"%s\" (e.g. 26h, 90min, 3600s, 2d)", a);
	return output_option(c, a, opt, text_formats);
}

/* itemdup status [--max-age AGE] [--format F]: -1 to go on. */
static int
cli_status_getopts(int argc, char **argv, Options *opt)
{
	int			rc;

	opt->format = "text";
	rc = cli_getopts(argc, argv, opt, status_options, status_option);
	return rc >= 0 ? rc : no_positional(argc, argv);
}

/* check's own options. */
static int
check_option(int c, const char *a, Options *opt)
{
	switch (c)
	{
		case OPT_OWNER:
			if (a[0] == '\0')
				return cli_usage_error("%s", "--owner needs a value");
			opt->owner = a;
			return -1;
		case OPT_ENVIRONMENT:
			if (strcmp(a, "sandbox") != 0 && strcmp(a, "development") != 0 &&
				strcmp(a, "production") != 0)
				return cli_usage_error("bad --environment \"%s\" (sandbox, development or production)", a);
			opt->environment = a;
			return -1;
		case OPT_INSTITUTION:
			if (a[0] == '\0')
				return cli_usage_error("%s", "--institution needs a value");
			opt->institution = a;
			return -1;
		case OPT_SOURCE:
			if (!cli_valid_relation(a))
				return cli_usage_error_about("source", a, cli_value_hint("source"));
			opt->source = a;
			return -1;
	}
	return output_option(c, a, opt, text_formats);
}

/* itemdup check --owner OWNER --environment ENV [--institution ID]: -1 to go on. */
static int
cli_check_getopts(int argc, char **argv, Options *opt)
{
	int			rc;

	opt->format = "text";
	rc = cli_getopts(argc, argv, opt, check_options, check_option);
	if (rc < 0)
		rc = no_positional(argc, argv);
	if (rc >= 0)
		return rc;
	if (opt->owner == NULL)
		return cli_usage_error("%s", "check needs --owner OWNER");
	if (opt->environment == NULL)
		return cli_usage_error("%s", "check needs --environment ENV");
	return -1;
}

/*
 * The options before the command (the common ones only), then the command
 * name.  Returns -1 with *cmd set to go on, or an exit code.
 */
static int
global_getopts(int argc, char **argv, Options *opt, const CliCommand **cmd)
{
	bool		help = false;
	int			c;

	optind = 0;
	opterr = 0;
	*cmd = NULL;
	while ((c = getopt_long(argc, argv, COMMON_SHORT, common_options, NULL)) != -1)
	{
		int			r;

		if (c == ':' || (c == '?' && !is_help_option(argv)))
		{
			if (c == '?' && argv[optind - 1][0] == '-' && argv[optind - 1][1] == '-')
				return cli_usage_error("unknown option \"%s\" (a command's own options go "
									   "after it: itemdup COMMAND --help)", argv[optind - 1]);
			return getopt_failure(c, argv);
		}
		r = common_option(c, optarg, opt, &help);
		if (r >= 2)
			return r - 2;
	}
	if (optind < argc && (*cmd = command_named(argv[optind])) == NULL)
		return cli_usage_error("unknown command \"%s\" (itemdup --help lists them)", argv[optind]);
	if (*cmd == NULL && help)
	{
		cli_print_usage(CMD_NONE);
		return EXIT_OK;
	}
	if (*cmd == NULL)
		return cli_usage_error("%s", "a command is needed: migrate, run, report, explain or status");
	opt->command = (*cmd)->id;
	if (help)
	{
		cli_print_usage(opt->command);
		return EXIT_OK;
	}
	return -1;
}

int
cli_parse(int argc, char **argv, Options *opt)
{
	const CliCommand *cmd;
	int			rc;
	int			at;
	char		err[200];

	set_defaults(opt);
	rc = global_getopts(argc, argv, opt, &cmd);
	if (rc >= 0)
		return rc;
	/* the command's own parse starts at its name (its argv[0]) */
	at = optind;
	rc = cmd->getopts(argc - at, argv + at, opt);
	if (rc >= 0)
		return rc;
	if (!db_dsn_check(opt->dsn, err, sizeof(err)) ||
		!db_dsn_check(opt->db.dbname, err, sizeof(err)))
		return cli_usage_error("%s", err);
	return -1;
}

int
cli_dispatch(const Options *opt)
{
	const CliCommand *cmd = command_of(opt->command);

	return cmd != NULL ? cmd->handler(opt) : EXIT_USAGE;
}

char *
cli_options_json(const Options *opt)
{
	cJSON	   *o = cJSON_CreateObject();
	char	   *text;

	/* never the dsn nor -h/-U: they name hosts and users, and are not needed to rerun */
	cJSON_AddStringToObject(o, "source", opt->source);
	cJSON_AddBoolToObject(o, "separate_source_connection", opt->source_dsn != NULL);
	cJSON_AddStringToObject(o, "kind", opt->backfill ? "backfill" : "nightly");
	cJSON_AddBoolToObject(o, "publish", !opt->backfill || opt->publish);
	cJSON_AddBoolToObject(o, "dry_run", opt->dry_run);
	cJSON_AddBoolToObject(o, "include_removed", opt->include_removed);
	cJSON_AddStringToObject(o, "read_path", opt->read_path == 1 ? "text"
							: opt->read_path == 2 ? "flat"
							: opt->read_path == 3 ? "flat-sql" : "auto");
	if (opt->created_since)
		cJSON_AddStringToObject(o, "created_since", opt->created_since);
	if (opt->created_until)
		cJSON_AddStringToObject(o, "created_until", opt->created_until);
	cJSON_AddNumberToObject(o, "hot_key_cap", opt->hot_key_cap);
	cJSON_AddNumberToObject(o, "max_pairs", (double) opt->max_pairs);
	cJSON_AddNumberToObject(o, "partitions", (double) opt->partitions);
	cJSON_AddNumberToObject(o, "max_reject_ratio", opt->max_reject_ratio);
	cJSON_AddNumberToObject(o, "min_items", (double) opt->min_items);
	cJSON_AddNumberToObject(o, "keep_runs", opt->keep_runs);
	cJSON_AddNumberToObject(o, "threshold", opt->threshold);
	if (opt->prune_margin < 0)
		cJSON_AddStringToObject(o, "prune_margin", "off");
	else
		cJSON_AddNumberToObject(o, "prune_margin", opt->prune_margin);
	cJSON_AddStringToObject(o, "lock_timeout", opt->db.lock_timeout);
	cJSON_AddStringToObject(o, "statement_timeout", opt->db.statement_timeout);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text == NULL)
		xoom(0);
	return text;
}
