/*
 * status.h — `itemdup status`: is the job healthy?  For cron, Nagios and
 * monitors (docs/OPERATIONS.md "Health").
 */
#ifndef ITEMDUP_STATUS_H
#define ITEMDUP_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* What `itemdup status` needs (cli.c fills it from argv). */
typedef struct StatusConfig
{
	const char *dsn;			/* NULL: libpq's defaults */
	DbSettings	db;				/* short options and timeouts */
	int64_t		max_age;		/* seconds the published run may be old */
	bool		json;			/* --format json */
} StatusConfig;

/*
 * status_command — print the published run and the last run (text or one
 * JSON object on stdout) and return 0 when the published run is younger
 * than max_age and the last finished run did not fail (failed or
 * abandoned), 1 otherwise (no published run, schema missing included), 69
 * when it cannot connect.  Read-only.
 */
int			status_command(const StatusConfig *cfg);

#endif
