/*
 * publish.h — results into itemdup's tables, atomically.
 *
 * One transaction per run: COPY the groups, members, pairs and rejects of
 * the run in (COPY FROM STDIN), then set the run's counts and status, point
 * itemdup.published at it and prune old runs.  Nothing is visible to
 * analysts before COMMIT; a failure or a kill anywhere rolls it all back and
 * leaves the previously published run exactly as it was.  No DDL.  The
 * published model is the exception, written beside it (ModelWriter below).
 */
#ifndef ITEMDUP_PUBLISH_H
#define ITEMDUP_PUBLISH_H

#include <stdatomic.h>
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

/*
 * The published model (sql/009, docs/MATCHING.md "The published model") is
 * written by a thread of its own on a connection of its own, started as
 * soon as the source's COPY ends: it numbers the keys and Items, and writes
 * the Items, while the main thread seals the data set and counts the keys
 * (publish_model_counts_ready), writes the names while the run matches,
 * then (publish_model_matched) lists each key's Items and writes
 * the keys while the run groups and writes its results.  A run in passes (--partitions) starts it after
 * the last pass, with the counts ready, to merge the passes' spilled
 * models (model_spill.h) while it groups and writes its results.  Its
 * transaction, which also empties the generation the published model is
 * not in (sql/011) and replaces the published model's rows of model_runs
 * and model_institutions, commits only after
 * the results' one did, so a model is never in the database without its
 * run's results; between the two commits
 * (or if the second fails) readers keep the previous model, which is just
 * as valid a base for check: it carries its own snapshot.  publish_model.c.
 */
struct ModelSpill;

typedef struct ModelInput
{
	int64_t		run_id;
	const Dataset *ds;			/* only read by the writer; until the counts are
								 * ready the main thread seals it (keys_dataset_seal
								 * writes the gname and gkey fields only) */
	const KeyStats *stats;		/* the same counts the matcher scores with: filled
								 * after the start, read after the counts are ready */
	double		threshold;
	uint32_t	hot_key_cap;
	int64_t		snapshot_at;	/* microseconds: the source read's transaction start */
	struct ModelSpill *spill;	/* a run read in passes (model_spill.h): the model is
								 * merged from it, ds and stats unused; else NULL */
	atomic_bool *stop;			/* set by publish_model_end (the writer's own) */
	bool		clearing;		/* publish_model_clear sent on own, not collected */
	/* set by the writer when its transaction begins (sql/011): */
	int			gen;			/* the generation its model goes to, 0 or 1 */
	bool		freeze;			/* truncated in the transaction: COPY ... FREEZE */
} ModelInput;

typedef struct ModelWriter ModelWriter;

/*
 * publish_model_spill_pass — one pass of a partitioned run (in->ds holding
 * its classes' Items, in->stats their counts, the census's across
 * institutions) packed with the pass's own numbers onto sp
 * (model_spill.h); false with model_spill_error(sp).  A publish_model_start
 * with in->spill = sp then writes the run's model from every pass.
 */
bool		publish_model_spill_pass(struct ModelSpill *sp, const ModelInput *in) MUSTCHECK;

/*
 * publish_model_clear — at the start of a publishing run's read, on the
 * connection publish_model_start will take over: the generation the model
 * will go to, which no reader reads, emptied in a transaction of its own
 * (sql/012), so that the model's commit has no old files to free.  Sent,
 * not waited for: the writer collects it (in->clearing) before its own
 * transaction begins.  False when it could not be sent.
 */
bool		publish_model_clear(DbConn *own);

/*
 * publish_model_start — start writing in->run_id's model on own (taken
 * over: publish_model_end closes it), in a transaction of its own.  own
 * NULL (no second connection to be had), or no thread: written inline by
 * publish_model_wait on main, inside the publishing transaction (one
 * commit for both).
 */
ModelWriter *publish_model_start(DbConn *own, DbConn *main, const ModelInput *in);

/*
 * publish_model_wait — wait until every model row is written (not yet
 * committed) and log its counts; false with err set when it failed.
 */
bool		publish_model_wait(ModelWriter *w, char *err, size_t errlen) MUSTCHECK;

/*
 * publish_model_commit — after the results committed: commit the model
 * (and the deletion of the models before it).  A failure is a warning (the
 * results stay published; readers keep the previous model): false.
 */
bool		publish_model_commit(ModelWriter *w);

/*
 * publish_model_counts_ready — in->stats is filled (and the data set
 * sealed): the writer may go on from its numbering to the names and Items.
 */
void		publish_model_counts_ready(ModelWriter *w);

/*
 * publish_model_matched — a one-pass run's matching has freed its index:
 * the writer may list each key's Items (model_index_fill_keys) and write
 * the keys, not holding the lists beside matching's index.
 */
void		publish_model_matched(ModelWriter *w);

/*
 * publish_model_end — stop a writer still running (the run failed), roll
 * back what is not committed, close its connection, free it.  NULL: no-op.
 */
void		publish_model_end(ModelWriter *w);

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
	ModelWriter *model;			/* publishing runs: the model being written, else NULL */
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

/* publish_run — the one transaction described above. */
bool		publish_run(DbConn *c, const PublishInput *in, char *err, size_t errlen) MUSTCHECK;

#endif
