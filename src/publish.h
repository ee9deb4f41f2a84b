/*
 * publish.h — results into itemdup's tables, atomically.
 *
 * One transaction per run: COPY the groups, members, pairs and rejects of
 * the run in (COPY FROM STDIN), then set the run's counts and status, point
 * itemdup.published at it and prune old runs.  Nothing is visible to
 * analysts before COMMIT; a failure or a kill anywhere rolls it all back and
 * leaves the previously published run exactly as it was.  No DDL.
 */
#ifndef ITEMDUP_PUBLISH_H
#define ITEMDUP_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "copyfmt.h"
#include "db.h"
#include "groups.h"
#include "history.h"
#include "keys.h"
#include "match.h"
#include "rows.h"

/* Everything about the run that goes into itemdup.runs at the end. */
typedef struct RunCounts
{
	int64_t		items_read;
	int64_t		items_skipped;
	int64_t		accounts_read;
	int64_t		accounts_unkeyable;
	int64_t		items_rejected;
	int64_t		hot_keys;
	int64_t		pairs_scored;
	int64_t		groups;
	int64_t		items_in_groups;
	GroupDiff	diff;
	uint64_t	unkeyable[UNK_COUNT];
} RunCounts;

typedef struct PublishInput
{
	int64_t		run_id;
	int64_t		run_started_at; /* microseconds since the epoch */
	bool		publish;		/* point itemdup.published at the run */
	int			keep_runs;
	const Dataset *ds;
	const MatchResult *match;
	const Groups *groups;
	const int64_t *group_ids;	/* per group, final */
	const PrevGroups *prev;
	const Vec  *rejects;		/* RejectRow */
	const RunCounts *counts;
	const char *stats_json;		/* per-stage timings */
	/* the published model (sql/006) */
	double		threshold;
	uint32_t	hot_key_cap;
	int64_t		snapshot_at;	/* microseconds: the source read's transaction start */
} PublishInput;

/* Stream buf into the open COPY when it holds a chunk (always when final). */
bool		publish_copy_flush(DbConn *c, StrBuf *buf, bool final) MUSTCHECK;

/*
 * publish_mark_run — set a run's status, error, counts and stats (one
 * UPDATE, in the caller's transaction if any).
 */
bool		publish_mark_run(DbConn *c, int64_t run_id, const char *status, const char *error,
							 const RunCounts *rc, bool published, const char *stats_json) MUSTCHECK;

/*
 * publish_fail_run — mark a run failed with its counts and error, and keep
 * its rejects (ds and rejects may be NULL) so a broken source can be seen.
 * Publishes nothing.
 */
bool		publish_fail_run(DbConn *c, int64_t run_id, const char *error, const RunCounts *rc,
							 const Dataset *ds, const Vec *rejects,
							 const char *stats_json) MUSTCHECK;

/*
 * publish_write_model — COPY the run's model (model_runs, _institutions,
 * _keys, _names, _items) in and delete every other run's model rows, inside
 * the caller's publishing transaction (publish_model.c).  False on a
 * database error.
 */
bool		publish_write_model(DbConn *c, const PublishInput *in, StrBuf *buf) MUSTCHECK;

/* publish_run — the one transaction described above. */
bool		publish_run(DbConn *c, const PublishInput *in, char *err, size_t errlen) MUSTCHECK;

#endif
