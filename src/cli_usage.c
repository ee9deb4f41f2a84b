/*
 * cli_usage.c — --help texts.  The man page (docs/itemdup.1) is the long
 * form; keep the two in step.
 */
#include "cli_usage.h"

#include <stdio.h>

static const char usage_main[] =
"itemdup — find duplicate Plaid Items in PostgreSQL\n"
"\n"
"Usage: itemdup [CONNECTION/LOG OPTIONS] COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  migrate                 create or upgrade schema itemdup\n"
"  run                     one detection run: read, key, score, group, publish\n"
"  report                  the published results (--format table|csv|json|html)\n"
"  explain ITEM [OTHER]    why an item is in its group / why two are or are not\n"
"  status                  health: last run and published run (--max-age 26h)\n"
"  check                   link-time check of one new link (JSON on stdin)\n"
"\n"
"  itemdup COMMAND --help  options of a command (also -?)\n"
"  itemdup --version       version\n"
"  man itemdup             everything, with examples\n"
"\n"
"Exit codes: 0 success, 1 failed (nothing published) or status not healthy,\n"
"2 check: a duplicate is suspected, 64 usage error, 69 could not connect,\n"
"75 another run holds the lock (try later).\n";

static const char usage_common[] =
"Connection options (as psql; before or after the command):\n"
"  -h, --host HOST         server host or socket directory (PGHOST)\n"
"  -p, --port PORT         server port (PGPORT)\n"
"  -U, --username USER     user name (PGUSER)\n"
"  -d, --dbname DBNAME     database name or connection string (PGDATABASE)\n"
"  --dsn CONNINFO          connection string; overrides -h -p -U -d; password=,\n"
"                          sslpassword= and a URI user:pass@ are refused (use\n"
"                          ~/.pgpass or PGPASSFILE); PG* variables fill the rest\n"
"  --lock-timeout DUR      lock_timeout for the job's statements (default 10s)\n"
"  --statement-timeout DUR statement_timeout (default 0 = off)\n"
"Log options:\n"
"  --log-format FMT        auto|text|json (auto: json when stderr is not a terminal)\n"
"  -q, --quiet             errors only\n"
"  -v, --verbose           debug logs (statements with backend pid)\n"
"  -?, --help              this text\n"
"  -V, --version           version\n";

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
"                          and locks stay on the main connection (no password=)\n"
"  --kind KIND             nightly (default) or backfill\n"
"  --publish               a backfill replaces the published results (no window)\n"
"  --dry-run               compute and store, never publish\n"
"  --created-since TS      backfill window start (created_at >= TS), ISO 8601\n"
"  --created-until TS      backfill window end (created_at < TS), ISO 8601\n"
"  --include-removed       also use items with removed_at set\n"
"  --read-path PATH        auto (default: flat for a jsonb payload, else text),\n"
"                          text, flat (jsonb only; its rows by the itemdup_check\n"
"                          extension when installed) or flat-sql (never by it)\n"
"  --partitions N          read and match in N passes over classes of\n"
"                          institutions, memory bounded by the largest (default\n"
"                          1; the published model goes through $TMPDIR)\n"
"  --hot-key-cap N         skip keys shared by more than N items (default 1000)\n"
"  --max-pairs N           fail when candidate pairs exceed N (default 50000000)\n"
"  --max-reject-ratio R    fail when more than R of the items are rejected (0.05)\n"
"  --min-items N           fail when fewer than N items are usable (default 1)\n"
"  --keep-runs N           keep the newest N runs of each status (default 30); the\n"
"                          published run and reviewed groups' last runs are kept\n"
"  --threshold X           minimum pair score (log2 odds) to join a group (default 5)\n"
"  --prune-margin X        do not score pairs that cannot reach threshold - X\n"
"                          (default 10; off scores every candidate)\n"
"  --lock-wait SECONDS     wait for the run lock (default 0: exit 75 at once)\n";

static const char usage_report[] =
"Usage: itemdup report [OPTIONS]\n"
"\n"
"The results of the published run (or --run ID) for people.\n"
"\n"
"  --format FMT            table (default), csv, json or html (one self-contained page)\n"
"  --run ID                a kept run instead of the published one\n"
"  --output FILE           write FILE (a temporary file renamed when complete:\n"
"                          a failed report leaves FILE as it was)\n"
"  --kind KIND             only same_owner or cross_owner groups\n"
"  --institution ID        only groups at this institution_id\n"
"  --min-score X           only groups whose best pair scores X or more\n"
"  --changed               only groups new, grown, merged or split since the\n"
"                          previous published run\n"
"  --limit N               the first N groups (html: at most 2000 per page)\n"
"  --offset N              skip the first N groups (the next html page)\n"
"  --csv-raw               csv as stored: no formula neutralising, no escaping\n"
"\n"
"Groups come in the order that needs attention: cross-owner first, then\n"
"size, then newest.  Ids and names are printed with control and bidi\n"
"characters escaped (\\x1b, \\u202e); csv cells starting with = + - @ tab or\n"
"CR get a leading ' (OWASP) unless --csv-raw.  Review status: open,\n"
"confirmed or dismissed (itemdup.review_group()).\n";

static const char usage_explain[] =
"Usage: itemdup explain ITEM_ID [OTHER_ITEM_ID] [OPTIONS]\n"
"\n"
"Why an item is in its group: its pairs, the keys they share, each weight.\n"
"With two ids: why they are or are not grouped: their score with the published\n"
"run's model, every term listed (the run's own score for a pair it compared).\n"
"\n"
"  --run ID                a kept run instead of the published one\n"
"  --source SCHEMA.NAME    source for the two-item comparison\n"
"  --threshold X           the threshold to compare the score with (default 5)\n"
"  --format FMT            text (default) or json\n";

static const char usage_status[] =
"Usage: itemdup status [OPTIONS]\n"
"\n"
"Health for cron, Nagios or a load balancer: the last run and the published\n"
"run.  Exit 0 when the published run is younger than --max-age and the last\n"
"finished run did not fail, 1 otherwise, 69 when it cannot connect.\n"
"\n"
"  --max-age AGE           e.g. 26h (default), 90min, 3600s, 2d\n"
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

void
cli_print_usage(Command cmd)
{
	const char *const texts[] = {
		[CMD_MIGRATE] = usage_migrate, [CMD_RUN] = usage_run, [CMD_REPORT] = usage_report,
		[CMD_EXPLAIN] = usage_explain, [CMD_STATUS] = usage_status, [CMD_CHECK] = usage_check
	};

	if (cmd <= CMD_NONE || cmd > CMD_CHECK)
	{
		fputs(usage_main, stdout);
		fputc('\n', stdout);
	}
	else
	{
		fputs(texts[cmd], stdout);
		fputc('\n', stdout);
	}
	fputs(usage_common, stdout);
}
