/*
 * cli.c — argv parsing, usage text, runs.options.
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

#include "db.h"
#include "normalize.h"

/* Which commands an option belongs to. */
#define C_ALL 0x1F
#define C_MIGRATE (1 << CMD_MIGRATE)
#define C_RUN (1 << CMD_RUN)
#define C_REPORT (1 << CMD_REPORT)
#define C_EXPLAIN (1 << CMD_EXPLAIN)
#define C_DB (C_MIGRATE | C_RUN | C_REPORT | C_EXPLAIN)

enum
{
	OPT_DSN = 1000, OPT_LOCK_TIMEOUT, OPT_STATEMENT_TIMEOUT, OPT_LOCK_WAIT, OPT_LOG_FORMAT,
	OPT_SOURCE, OPT_KIND, OPT_PUBLISH, OPT_DRY_RUN, OPT_INCLUDE_REMOVED, OPT_SINCE, OPT_UNTIL,
	OPT_HOT_KEY_CAP, OPT_MAX_PAIRS, OPT_MAX_REJECT_RATIO, OPT_MIN_ITEMS, OPT_KEEP_RUNS,
	OPT_THRESHOLD, OPT_FORMAT, OPT_RUN, OPT_OUTPUT, OPT_SOURCE_DSN
};

static const struct
{
	int			id;
	int			commands;
} option_scope[] = {
	{OPT_DSN, C_DB}, {OPT_LOCK_TIMEOUT, C_DB}, {OPT_STATEMENT_TIMEOUT, C_DB},
	{OPT_LOCK_WAIT, C_RUN | C_MIGRATE}, {OPT_LOG_FORMAT, C_ALL}, {'q', C_ALL}, {'v', C_ALL},
	{OPT_SOURCE, C_RUN | C_EXPLAIN}, {OPT_KIND, C_RUN}, {OPT_PUBLISH, C_RUN},
	{OPT_DRY_RUN, C_RUN}, {OPT_INCLUDE_REMOVED, C_RUN}, {OPT_SINCE, C_RUN},
	{OPT_UNTIL, C_RUN}, {OPT_HOT_KEY_CAP, C_RUN}, {OPT_MAX_PAIRS, C_RUN},
	{OPT_MAX_REJECT_RATIO, C_RUN}, {OPT_MIN_ITEMS, C_RUN}, {OPT_KEEP_RUNS, C_RUN},
	{OPT_THRESHOLD, C_RUN | C_EXPLAIN}, {OPT_FORMAT, C_REPORT | C_EXPLAIN},
	{OPT_RUN, C_REPORT | C_EXPLAIN}, {OPT_OUTPUT, C_REPORT},
	{OPT_SOURCE_DSN, C_RUN | C_EXPLAIN},
};

static const struct option long_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"dsn", required_argument, NULL, OPT_DSN},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT},
	{"lock-wait", required_argument, NULL, OPT_LOCK_WAIT},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"source-dsn", required_argument, NULL, OPT_SOURCE_DSN},
	{"kind", required_argument, NULL, OPT_KIND},
	{"publish", no_argument, NULL, OPT_PUBLISH},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"include-removed", no_argument, NULL, OPT_INCLUDE_REMOVED},
	{"created-since", required_argument, NULL, OPT_SINCE},
	{"created-until", required_argument, NULL, OPT_UNTIL},
	{"hot-key-cap", required_argument, NULL, OPT_HOT_KEY_CAP},
	{"max-pairs", required_argument, NULL, OPT_MAX_PAIRS},
	{"max-reject-ratio", required_argument, NULL, OPT_MAX_REJECT_RATIO},
	{"min-items", required_argument, NULL, OPT_MIN_ITEMS},
	{"keep-runs", required_argument, NULL, OPT_KEEP_RUNS},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"run", required_argument, NULL, OPT_RUN},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{NULL, 0, NULL, 0}
};

static const char usage_main[] =
"itemdup — find duplicate Plaid Items in PostgreSQL\n"
"\n"
"Usage: itemdup COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  migrate                 create or upgrade schema itemdup\n"
"  run                     one detection run: read, key, score, group, publish\n"
"  report                  the published results (--format table|csv|json|html)\n"
"  explain ITEM [OTHER]    why an item is in its group / why two are or are not\n"
"  check                   link-time check of one new link (JSON on stdin)\n"
"\n"
"  itemdup COMMAND --help  options of a command\n"
"  itemdup --version       version\n"
"\n"
"Connection: libpq's PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGSSLMODE,\n"
"~/.pgpass or PGPASSFILE; --dsn CONNINFO overrides (no password= in it).\n"
"\n"
"Exit codes: 0 success, 1 failed (nothing published), 64 usage error,\n"
"69 could not connect, 75 another run holds the lock (try later).\n";

static const char usage_common[] =
"Common options:\n"
"  --dsn CONNINFO          connection string (libpq); password= is refused\n"
"  --lock-timeout DUR      lock_timeout for the job's statements (default 10s)\n"
"  --statement-timeout DUR statement_timeout (default 0 = off)\n"
"  --log-format FMT        auto|text|json (auto: json when stderr is not a terminal)\n"
"  -q, --quiet             errors only\n"
"  -v, --verbose           debug logs (statements with backend pid)\n"
"  -h, --help              this text\n";

static const char usage_migrate[] =
"Usage: itemdup migrate [OPTIONS]\n"
"\n"
"Creates or upgrades schema itemdup from the versioned files of sql/ embedded\n"
"in the binary; each step in one transaction, under an advisory lock;\n"
"idempotent.  Grants to itemdup_job / itemdup_analyst when those roles exist.\n"
"\n"
"  --lock-wait SECONDS     wait for another migrate (default 0: exit 75)\n";

static const char usage_run[] =
"Usage: itemdup run [OPTIONS]\n"
"\n"
"One detection run: read the source in one snapshot, key every account,\n"
"score candidate pairs, group, publish atomically.\n"
"\n"
"  --source SCHEMA.NAME    source view or table (default itemdup.source_items)\n"
"  --source-dsn CONNINFO   read the source there (e.g. a hot standby); results\n"
"                          and locks stay on --dsn (no password= either)\n"
"  --kind KIND             nightly (default) or backfill\n"
"  --publish               a backfill replaces the published results (no window)\n"
"  --dry-run               compute and store, never publish\n"
"  --created-since TS      backfill window start (created_at >= TS)\n"
"  --created-until TS      backfill window end (created_at < TS)\n"
"  --include-removed       also use items with removed_at set\n"
"  --hot-key-cap N         skip keys shared by more than N items (default 1000)\n"
"  --max-pairs N           fail when candidate pairs exceed N (default 50000000)\n"
"  --max-reject-ratio R    fail when more than R of the items are rejected (0.05)\n"
"  --min-items N           fail when fewer than N items are usable (default 1)\n"
"  --keep-runs N           keep the newest N runs' results (default 30)\n"
"  --threshold X           minimum pair score (log2 odds) to join a group (default 5)\n"
"  --lock-wait SECONDS     wait for the run lock (default 0: exit 75 at once)\n";

static const char usage_report[] =
"Usage: itemdup report [OPTIONS]\n"
"\n"
"The results of the published run (or --run ID) for people.\n"
"\n"
"  --format FMT            table (default), csv, json or html (one self-contained page)\n"
"  --run ID                a kept run instead of the published one\n"
"  --output FILE           write to FILE instead of stdout\n";

static const char usage_explain[] =
"Usage: itemdup explain ITEM_ID [OTHER_ITEM_ID] [OPTIONS]\n"
"\n"
"Why an item is in its group: its pairs, the keys they share, each weight.\n"
"With two ids: why they are or are not grouped: their score with the published\n"
"run's model, every term listed (the run's own score for a pair it compared).\n"
"\n"
"  --run ID                a kept run instead of the published one\n"
"  --source SCHEMA.NAME    source for the two-item comparison\n"
"  --format FMT            text (default) or json\n";

static const char usage_check[] =
"Usage: itemdup check --owner OWNER --environment ENV [--institution ID] [OPTIONS]\n"
"\n"
"Link-time check: reads one JSON document on stdin (Link onSuccess metadata,\n"
"{\"institution\":{\"institution_id\":...},\"accounts\":[{\"name\",\"mask\",...}]}, or\n"
"an /accounts/get response) and scores it against the published run's index\n"
"and the Items that reached the source after its snapshot.\n"
"Exit 0 no duplicate suspected, 2 duplicate suspected, 1 failed (or no\n"
"published run), 64 usage error or input that is not JSON, 69 no connection.\n"
"\n"
"  --owner OWNER           the app's user id of the person linking (required)\n"
"  --environment ENV       sandbox, development or production (required)\n"
"  --institution ID        institution id (default: from the input)\n"
"  --source SCHEMA.NAME    source view or table (default itemdup.source_items)\n"
"  --format FMT            text (default) or json\n";

/* check: its own option table, parsed apart from the other commands. */
enum
{
	CHK_OWNER = 2000, CHK_ENVIRONMENT, CHK_INSTITUTION
};

static int	usage_error(const char *fmt, const char *arg);
static bool valid_duration(const char *s);
static void print_usage(Command cmd);

static int
cli_check_getopts(int argc, char **argv, Options *opt)
{
	static const struct option check_options[] = {
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"dsn", required_argument, NULL, OPT_DSN},
		{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
		{"statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT},
		{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
		{"source", required_argument, NULL, OPT_SOURCE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"owner", required_argument, NULL, CHK_OWNER},
		{"environment", required_argument, NULL, CHK_ENVIRONMENT},
		{"institution", required_argument, NULL, CHK_INSTITUTION},
		{NULL, 0, NULL, 0}
	};
	int			c;
	char		err[200];

	opt->format = "text";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hqv", check_options, NULL)) != -1)
	{
		const char *a = optarg;

		switch (c)
		{
			case 'h':
				print_usage(CMD_CHECK);
				return EXIT_OK;
			case 'q':
				opt->log_level = LOG_ERROR;
				break;
			case 'v':
				opt->log_level = LOG_DEBUG;
				break;
			case OPT_DSN:
				opt->dsn = a;
				break;
			case OPT_LOCK_TIMEOUT:
			case OPT_STATEMENT_TIMEOUT:
				if (!valid_duration(a))
					return usage_error("bad timeout \"%s\" (e.g. 10s, 500ms, 2min)", a);
				*(c == OPT_LOCK_TIMEOUT ? &opt->lock_timeout : &opt->statement_timeout) = a;
				break;
			case OPT_LOG_FORMAT:
				if (strcmp(a, "auto") != 0 && strcmp(a, "text") != 0 && strcmp(a, "json") != 0)
					return usage_error("bad --log-format \"%s\" (auto, text or json)", a);
				opt->log_format = a[0] == 'a' ? LOG_FORMAT_AUTO
					: a[0] == 't' ? LOG_FORMAT_TEXT : LOG_FORMAT_JSON;
				break;
			case OPT_SOURCE:
				opt->source = a;
				break;
			case OPT_FORMAT:
				if (strcmp(a, "text") != 0 && strcmp(a, "json") != 0)
					return usage_error("bad --format \"%s\" (text or json)", a);
				opt->format = a;
				break;
			case CHK_OWNER:
				opt->owner = a;
				break;
			case CHK_ENVIRONMENT:
				if (strcmp(a, "sandbox") != 0 && strcmp(a, "development") != 0 &&
					strcmp(a, "production") != 0)
					return usage_error("bad --environment \"%s\" (sandbox, development or production)", a);
				opt->environment = a;
				break;
			case CHK_INSTITUTION:
				if (a[0] == '\0')
					return usage_error("%s", "--institution needs a value");
				opt->institution = a;
				break;
			case ':':
				return usage_error("option \"%s\" needs a value", argv[optind - 1]);
			default:
				return usage_error("unknown option \"%s\" for check", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (opt->owner == NULL || opt->owner[0] == '\0')
		return usage_error("%s", "check needs --owner OWNER");
	if (opt->environment == NULL)
		return usage_error("%s", "check needs --environment ENV");
	if (!db_dsn_check(opt->dsn, err, sizeof(err)))
		return usage_error("%s", err);
	return -1;
}

static void
print_usage(Command cmd)
{
	switch (cmd)
	{
		case CMD_MIGRATE:
			fputs(usage_migrate, stdout);
			break;
		case CMD_RUN:
			fputs(usage_run, stdout);
			break;
		case CMD_REPORT:
			fputs(usage_report, stdout);
			break;
		case CMD_EXPLAIN:
			fputs(usage_explain, stdout);
			break;
		case CMD_CHECK:
			fputs(usage_check, stdout);
			break;
		default:
			fputs(usage_main, stdout);
			return;
	}
	fputc('\n', stdout);
	fputs(usage_common, stdout);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "itemdup: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry \"itemdup --help\".\n");
	return EXIT_USAGE;
}

static bool
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char	   *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool
parse_double(const char *s, double min, double max, double *out)
{
	char	   *end;
	double		v;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A PostgreSQL duration: digits, optionally followed by ms, s, min, h or d. */
static bool
valid_duration(const char *s)
{
	size_t		n = strspn(s, "0123456789");

	if (n == 0 || n > 9)
		return false;
	s += n;
	return *s == '\0' || strcmp(s, "ms") == 0 || strcmp(s, "s") == 0 ||
		strcmp(s, "min") == 0 || strcmp(s, "h") == 0 || strcmp(s, "d") == 0;
}

static Command
command_of(const char *s)
{
	if (strcmp(s, "migrate") == 0)
		return CMD_MIGRATE;
	if (strcmp(s, "run") == 0)
		return CMD_RUN;
	if (strcmp(s, "report") == 0)
		return CMD_REPORT;
	if (strcmp(s, "explain") == 0)
		return CMD_EXPLAIN;
	if (strcmp(s, "check") == 0)
		return CMD_CHECK;
	return CMD_NONE;
}

static void
set_defaults(Options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->lock_timeout = "10s";
	opt->statement_timeout = "0";
	opt->log_format = LOG_FORMAT_AUTO;
	opt->log_level = LOG_INFO;
	opt->source = "itemdup.source_items";
	opt->hot_key_cap = 1000;
	opt->max_pairs = 50000000;
	opt->max_reject_ratio = 0.05;
	opt->min_items = 1;
	opt->keep_runs = 30;
	opt->threshold = 5.0;
	opt->format = NULL;
}

int
cli_parse(int argc, char **argv, Options *opt)
{
	int			c;
	bool		help = false;
	int			seen[64] = {0};
	int			n_seen = 0;
	uint64_t	u;

	set_defaults(opt);
	if (argc >= 2 && argv[1][0] != '-')
	{
		opt->command = command_of(argv[1]);
		if (opt->command == CMD_NONE)
			return usage_error("unknown command \"%s\"", argv[1]);
		argv++;
		argc--;
		if (opt->command == CMD_CHECK)
			return cli_check_getopts(argc, argv, opt);
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hVqv", long_options, NULL)) != -1)
	{
		const char *a = optarg;

		if (c == '?')
			return usage_error("unknown option \"%s\"", argv[optind - 1]);
		if (c == ':')
			return usage_error("option \"%s\" needs a value", argv[optind - 1]);
		if (n_seen < 64)
			seen[n_seen++] = c;
		switch (c)
		{
			case 'h':
				help = true;
				break;
			case 'V':
				printf("itemdup %s (schema %d; %s)\n", ITEMDUP_VERSION,
					   ITEMDUP_SCHEMA_VERSION, normalize_version());
				return EXIT_OK;
			case 'q':
				opt->log_level = LOG_ERROR;
				break;
			case 'v':
				opt->log_level = LOG_DEBUG;
				break;
			case OPT_DSN:
				opt->dsn = a;
				break;
			case OPT_LOCK_TIMEOUT:
				if (!valid_duration(a))
					return usage_error("bad --lock-timeout \"%s\" (e.g. 10s, 500ms, 2min)", a);
				opt->lock_timeout = a;
				break;
			case OPT_STATEMENT_TIMEOUT:
				if (!valid_duration(a))
					return usage_error("bad --statement-timeout \"%s\" (e.g. 0, 30min)", a);
				opt->statement_timeout = a;
				break;
			case OPT_LOCK_WAIT:
				if (!parse_u64(a, 0, 86400, &u))
					return usage_error("bad --lock-wait \"%s\" (seconds, 0-86400)", a);
				opt->lock_wait = (int) u;
				break;
			case OPT_LOG_FORMAT:
				if (strcmp(a, "auto") == 0)
					opt->log_format = LOG_FORMAT_AUTO;
				else if (strcmp(a, "text") == 0)
					opt->log_format = LOG_FORMAT_TEXT;
				else if (strcmp(a, "json") == 0)
					opt->log_format = LOG_FORMAT_JSON;
				else
					return usage_error("bad --log-format \"%s\" (auto, text or json)", a);
				break;
			case OPT_SOURCE:
				opt->source = a;
				break;
			case OPT_SOURCE_DSN:
				opt->source_dsn = a;
				break;
			case OPT_KIND:
				if (strcmp(a, "nightly") == 0)
					opt->backfill = false;
				else if (strcmp(a, "backfill") == 0)
					opt->backfill = true;
				else
					return usage_error("bad --kind \"%s\" (nightly or backfill)", a);
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
			case OPT_SINCE:
				opt->created_since = a;
				break;
			case OPT_UNTIL:
				opt->created_until = a;
				break;
			case OPT_HOT_KEY_CAP:
				if (!parse_u64(a, 2, 1000000, &u))
					return usage_error("bad --hot-key-cap \"%s\" (2-1000000)", a);
				opt->hot_key_cap = (uint32_t) u;
				break;
			case OPT_MAX_PAIRS:
				if (!parse_u64(a, 1, UINT64_C(4000000000), &u))
					return usage_error("bad --max-pairs \"%s\" (1-4000000000)", a);
				opt->max_pairs = u;
				break;
			case OPT_MAX_REJECT_RATIO:
				if (!parse_double(a, 0.0, 1.0, &opt->max_reject_ratio))
					return usage_error("bad --max-reject-ratio \"%s\" (0-1)", a);
				break;
			case OPT_MIN_ITEMS:
				if (!parse_u64(a, 0, UINT64_C(1000000000000), &opt->min_items))
					return usage_error("bad --min-items \"%s\"", a);
				break;
			case OPT_KEEP_RUNS:
				if (!parse_u64(a, 1, 100000, &u))
					return usage_error("bad --keep-runs \"%s\" (1-100000)", a);
				opt->keep_runs = (int) u;
				break;
			case OPT_THRESHOLD:
				if (!parse_double(a, -1e9, 1e9, &opt->threshold))
					return usage_error("bad --threshold \"%s\"", a);
				break;
			case OPT_FORMAT:
				opt->format = a;
				break;
			case OPT_RUN:
				if (!parse_u64(a, 1, INT64_MAX, &u))
					return usage_error("bad --run \"%s\" (a run_id)", a);
				opt->run_id = (int64_t) u;
				break;
			case OPT_OUTPUT:
				opt->output = a;
				break;
		}
	}
	if (help)
	{
		print_usage(opt->command);
		return EXIT_OK;
	}
	if (opt->command == CMD_NONE)
	{
		if (optind < argc)
			return usage_error("unknown command \"%s\"", argv[optind]);
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	for (int i = 0; i < n_seen; i++)
	{
		for (size_t k = 0; k < sizeof(option_scope) / sizeof(option_scope[0]); k++)
		{
			if (option_scope[k].id == seen[i] &&
				!(option_scope[k].commands & (1 << opt->command)))
			{
				for (const struct option *o = long_options; o->name; o++)
					if (o->val == seen[i])
						return usage_error("option --%s does not apply to this command", o->name);
			}
		}
	}

	/* positional arguments */
	if (opt->command == CMD_EXPLAIN)
	{
		if (optind >= argc || argc - optind > 2)
			return usage_error("%s", "explain needs ITEM_ID [OTHER_ITEM_ID]");
		opt->item_a = argv[optind];
		opt->item_b = optind + 1 < argc ? argv[optind + 1] : NULL;
	}
	else if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);

	{
		const char *dsns[2] = {opt->dsn, opt->source_dsn};

		for (int i = 0; i < 2; i++)
		{
			char		err[200];

			if (!db_dsn_check(dsns[i], err, sizeof(err)))
				return usage_error("%s", err);
		}
	}

	/* combinations */
	if (opt->publish && !opt->backfill)
		return usage_error("%s", "--publish is for --kind backfill (a nightly run always publishes)");
	if (opt->publish && (opt->created_since || opt->created_until))
		return usage_error("%s", "--publish with a created-at window is refused: "
						   "a window cannot replace complete results");
	if (opt->publish && opt->dry_run)
		return usage_error("%s", "--publish and --dry-run contradict each other");
	if ((opt->created_since || opt->created_until) && !opt->backfill)
		return usage_error("%s", "--created-since/--created-until are for --kind backfill");
	if (opt->command == CMD_REPORT)
	{
		if (opt->format == NULL)
			opt->format = "table";
		if (strcmp(opt->format, "table") != 0 && strcmp(opt->format, "csv") != 0 &&
			strcmp(opt->format, "json") != 0 && strcmp(opt->format, "html") != 0)
			return usage_error("bad --format \"%s\" (table, csv, json or html)", opt->format);
	}
	if (opt->command == CMD_EXPLAIN)
	{
		if (opt->format == NULL)
			opt->format = "text";
		if (strcmp(opt->format, "text") != 0 && strcmp(opt->format, "json") != 0)
			return usage_error("bad --format \"%s\" (text or json)", opt->format);
	}
	return -1;
}

char *
cli_options_json(const Options *opt)
{
	cJSON	   *o = cJSON_CreateObject();
	char	   *text;

	/* never the dsn: it names hosts and users, and it is not needed to rerun */
	cJSON_AddStringToObject(o, "source", opt->source);
	cJSON_AddBoolToObject(o, "separate_source_connection", opt->source_dsn != NULL);
	cJSON_AddStringToObject(o, "kind", opt->backfill ? "backfill" : "nightly");
	cJSON_AddBoolToObject(o, "publish", !opt->backfill || opt->publish);
	cJSON_AddBoolToObject(o, "dry_run", opt->dry_run);
	cJSON_AddBoolToObject(o, "include_removed", opt->include_removed);
	if (opt->created_since)
		cJSON_AddStringToObject(o, "created_since", opt->created_since);
	if (opt->created_until)
		cJSON_AddStringToObject(o, "created_until", opt->created_until);
	cJSON_AddNumberToObject(o, "hot_key_cap", opt->hot_key_cap);
	cJSON_AddNumberToObject(o, "max_pairs", (double) opt->max_pairs);
	cJSON_AddNumberToObject(o, "max_reject_ratio", opt->max_reject_ratio);
	cJSON_AddNumberToObject(o, "min_items", (double) opt->min_items);
	cJSON_AddNumberToObject(o, "keep_runs", opt->keep_runs);
	cJSON_AddNumberToObject(o, "threshold", opt->threshold);
	cJSON_AddStringToObject(o, "lock_timeout", opt->lock_timeout);
	cJSON_AddStringToObject(o, "statement_timeout", opt->statement_timeout);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}
