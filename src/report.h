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

#endif
