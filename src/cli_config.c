/*
 * cli_config.c — Options into each edge's own config, then the command
 * (cli_config.h).  The edges never see Options.
 */
#include "cli_config.h"

#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "linkcheck.h"
#include "migrate.h"
#include "report.h"
#include "run.h"
#include "status.h"

/* Options into migrate's own config. */
int
cli_migrate_handler(const Options *opt)
{
	MigrateConfig mc = {opt->dsn, opt->db, opt->lock_wait};

	return migrate_command(&mc);
}

/* Options into run's own config, with the options as JSON for runs.options. */
int
cli_run_handler(const Options *opt)
{
	RunConfig	rc = {
		.dsn = opt->dsn, .db = opt->db, .lock_wait = opt->lock_wait,
		.source = opt->source, .source_dsn = opt->source_dsn, .backfill = opt->backfill,
		.publish = opt->publish, .dry_run = opt->dry_run,
		.include_removed = opt->include_removed, .created_since = opt->created_since,
		.created_until = opt->created_until, .hot_key_cap = opt->hot_key_cap,
		.max_pairs = opt->max_pairs, .max_reject_ratio = opt->max_reject_ratio,
		.partitions = opt->partitions,
		.min_items = opt->min_items, .keep_runs = opt->keep_runs, .threshold = opt->threshold,
		.prune_margin = opt->prune_margin, .read_path = opt->read_path
	};
	char	   *options = cli_options_json(opt);
	int			code;

	rc.options_json = options;
	code = run_command(&rc);
	free(options);
	return code;
}

/* Options into report's own config. */
int
cli_report_handler(const Options *opt)
{
	ReportConfig rc = {
		.dsn = opt->dsn, .db = opt->db, .format = opt->format, .run_id = opt->run_id,
		.output = opt->output, .csv_raw = opt->csv_raw,
		.filter = {opt->report_kind, opt->institution, opt->min_score, opt->changed,
		opt->limit, opt->offset}
	};

	return report_command(&rc);
}

/* Options into explain's own config. */
int
cli_explain_handler(const Options *opt)
{
	ExplainConfig ec = {opt->dsn, opt->db, strcmp(opt->format, "json") == 0, opt->run_id,
	opt->item_a, opt->item_b};

	return explain_command(&ec);
}

/* Options into check's own config. */
int
cli_check_handler(const Options *opt)
{
	CheckConfig cc = {opt->dsn, opt->db, opt->owner, opt->environment, opt->institution,
	opt->source, strcmp(opt->format, "json") == 0};

	return check_command(&cc);
}

/* Options into status's own config. */
int
cli_status_handler(const Options *opt)
{
	StatusConfig sc = {opt->dsn, opt->db, opt->max_age, strcmp(opt->format, "json") == 0};

	return status_command(&sc);
}
