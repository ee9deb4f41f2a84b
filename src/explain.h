/*
 * explain.h — `itemdup explain A [B]`: why an item is (not) grouped, or
 * how two items score, from the published results and model.
 */
#ifndef ITEMDUP_EXPLAIN_H
#define ITEMDUP_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* What to explain (cli.c builds it from the command line); strings borrowed. */
typedef struct ExplainConfig
{
	const char *dsn;			/* NULL: libpq's defaults */
	DbSettings	db;				/* short options and timeouts */
	bool		json;			/* --format json */
	int64_t		run_id;			/* 0 = the published run */
	const char *item_a;
	const char *item_b;			/* NULL: explain item_a alone */
} ExplainConfig;

/* Exit 0, 1 (logged) or 69 (no connection). */
int			explain_command(const ExplainConfig *cfg);

#endif
