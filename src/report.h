/*
 * report.h — `itemdup report`: published results for people (stdout or
 * --output), read through the itemdup views.
 */
#ifndef ITEMDUP_REPORT_H
#define ITEMDUP_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* report's filters for triage (README.md, "For analysts"). */
typedef struct ReportFilter
{
	const char *kind;			/* --kind same_owner|cross_owner, NULL = both */
	const char *institution;	/* --institution, NULL = all */
	double		min_score;		/* --min-score (on max_score), NAN = none */
	bool		changed;		/* --changed: new, grown, merged, split */
	int64_t		limit;			/* --limit N groups, 0 = all */
	int64_t		offset;			/* --offset N: skip the first N groups */
} ReportFilter;

/* What to report (cli.c builds it from the command line); strings borrowed. */
typedef struct ReportConfig
{
	const char *dsn;			/* NULL: libpq's defaults */
	DbSettings	db;				/* short options and timeouts */
	const char *format;			/* table, csv, json or html */
	int64_t		run_id;			/* 0 = the published run */
	const char *output;			/* NULL: stdout */
	bool		csv_raw;		/* --csv-raw: no formula neutralising or escaping */
	ReportFilter filter;
} ReportConfig;

int			report_command(const ReportConfig *cfg);

/* Columns of sql/queries/report_run.sql: a run's figures (table head, html page). */
typedef enum ReportRunColumn
{
	U_RUN, U_KIND, U_STATUS, U_DRY, U_STARTED, U_FINISHED, U_PUBLISHED, U_READ,
	U_SKIPPED, U_REJECTED, U_ACCOUNTS, U_UNKEYABLE, U_HOT, U_PAIRS, U_GROUPS,
	U_IN_GROUPS, U_NEW, U_GROWN, U_SHRUNK, U_MERGED, U_SPLIT, U_DISSOLVED,
	U_UNCHANGED, U_THRESHOLD, U_PREV, U_NCOLS
} ReportRunColumn;

/*
 * report_resolve_run — the run to show: --run ID when given (must exist
 * and have succeeded), else the published one.  0 with a logged error
 * when there is none.
 */
int64_t		report_resolve_run(DbConn *c, int64_t requested);

/*
 * The groups shown, their filters, order and "change" against the previous
 * published run: sql/queries/report_selected.sql, the WITH clause the
 * report_* and html_* statements start with ($1 run, $2..$7 the filters).
 */

/*
 * report_filter_params — $1..$7 of report_selected.sql from f: run is
 * the run id as text; the limit is the smaller of --limit and cap (0: none).
 * bufs holds the numbers' text (borrowed by params).
 */
void		report_filter_params(const ReportFilter *f, const char *run, int64_t cap,
								 char bufs[3][32], const char *params[7]);

/* report_filtered — whether f narrows the groups (a filter or --offset). */
bool		report_filtered(const ReportFilter *f);

/*
 * report_write_html — the self-contained HTML page of run_id (report_html.c)
 * on out (borrowed), with the filters f: queries run on c in the caller's
 * transaction.  False (logged) when a query or a write fails; out may then
 * hold a partial page.
 */
bool		report_write_html(DbConn *c, int64_t run_id, const ReportFilter *f,
							  FILE *out) MUSTCHECK;

/* Where a report is written (report_out.c). */
typedef struct ReportOut
{
	FILE	   *f;				/* stdout, or the temporary file */
	const char *path;			/* --output, borrowed; NULL for stdout */
	char	   *tmp;			/* the temporary file's name, owned */
} ReportOut;

/*
 * report_out_open — stdout when path is NULL, else a new temporary file
 * beside path (same directory, so the rename is atomic).  False (logged)
 * when it cannot be created; path is untouched either way.
 */
bool		report_out_open(ReportOut *ro, const char *path) MUSTCHECK;

/*
 * report_out_close — complete: flush, fsync and rename the temporary file
 * over path; otherwise (or when that fails, logged) remove it, so path keeps
 * its old content.  True when the report is in place.  stdout: true.
 */
bool		report_out_close(ReportOut *ro, bool complete) MUSTCHECK;

#endif
