/*
 * report.h — `itemdup report` and `itemdup explain`: published results
 * for people (stdout or --output), read through the itemdup views.
 */
#ifndef ITEMDUP_REPORT_H
#define ITEMDUP_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "db.h"

int			report_command(const Options *opt);
int			explain_command(const Options *opt);

/*
 * report_resolve_run — the run to show: --run ID when given (must exist
 * and have succeeded), else the published one.  0 with a logged error
 * when there is none.
 */
int64_t		report_resolve_run(DbConn *c, int64_t requested);

/*
 * report_write_html — the self-contained HTML page of run_id (report_html.c)
 * on out (borrowed): queries run on c in the caller's transaction.  False
 * (logged) when a query or a write fails; out may then hold a partial page.
 */
bool		report_write_html(DbConn *c, int64_t run_id, FILE *out) MUSTCHECK;

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
