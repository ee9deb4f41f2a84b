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

#endif
