/*
 * run.h — `itemdup run`: the pipeline in numbered steps.
 */
#ifndef ITEMDUP_RUN_H
#define ITEMDUP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* What one run does (cli.c builds it from the command line); strings borrowed. */
typedef struct RunConfig
{
	const char *dsn;			/* NULL: libpq's defaults */
	DbSettings	db;				/* short options and timeouts */
	int			lock_wait;		/* seconds to wait for the publish/backfill lock */
	const char *source;			/* SCHEMA.NAME of the source */
	const char *source_dsn;		/* read the source on another server (NULL: same) */
	bool		backfill;		/* --kind backfill */
	bool		publish;		/* backfill: --publish */
	bool		dry_run;
	bool		include_removed;
	const char *created_since;	/* timestamptz text or NULL */
	const char *created_until;	/* timestamptz text or NULL (exclusive) */
	uint32_t	hot_key_cap;
	uint64_t	max_pairs;
	uint32_t	partitions;		/* passes over institution classes (1: one pass) */
	double		max_reject_ratio;
	uint64_t	min_items;
	int			keep_runs;
	double		threshold;
	double		prune_margin;	/* --prune-margin; < 0: off (docs/MATCHING.md, "Pruning") */
	int			read_path;		/* ReadPath (loader.h): 0 auto, 1 text, 2 flat */
	const char *options_json;	/* runs.options: the options as JSON, no secrets */
} RunConfig;

/* One detection run; returns the exit code (exitcode.h, docs/itemdup.1 "EXIT STATUS"). */
int			run_command(const RunConfig *cfg);

#endif
