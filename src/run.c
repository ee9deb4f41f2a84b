/*
 * run.c — one detection run, step by step:
 *   1 connect  2 lock  3 abandon dead runs  4 register the run
 *   5 read the source  6 key and match  7 group  8 publish
 * Any failure after step 4 marks the run failed and publishes nothing.
 */
#include "run.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <xxhash.h>

#include "db.h"
#include "exitcode.h"
#include "groups.h"
#include "history.h"
#include "keys.h"
#include "loader.h"
#include "log.h"
#include "match.h"
#include "migrate.h"
#include "model_spill.h"
#include "partition.h"
#include "payload.h"
#include "publish.h"
#include "sql_query.h"
#include "version.h"

typedef struct RunState
{
	const RunConfig *opt;		/* borrowed */
	DbConn	   *c;
	DbConn	   *src;			/* the source's connection: c, or --source-dsn's */
	int64_t		run_id;
	int64_t		started_at;		/* microseconds since the epoch */
	bool		publishes;
	KeyHashFn	hash;			/* the Datasets' key hash (NULL: XXH3) */
	PartitionRun *parts;		/* --partitions above 1, else NULL */
	Dataset		ds;
	Vec			rejects;		/* RejectRow */
	LoadStats	load;
	KeyStats	key_stats;		/* one pass: the counts match and the model share */
	bool		have_stats;
	DbConn	   *model_c;		/* publishing runs: the model's connection, from the start
								 * of the read until the writer takes it over, with
								 * publish_model_clear sent on it */
	ModelWriter *model;			/* publishing runs: one pass from the read, in passes from
								 * the match, to the publish */
	ModelSpill *spill;			/* publishing runs in passes: their models spilled */
	MatchResult match;
	Groups		groups;
	PrevGroups	prev;
	int64_t    *group_ids;
	RunCounts	counts;
	cJSON	   *stats;			/* per-stage seconds */
	FILE	   *dump;			/* test hook: candidate scores */
	char		err[1024];
} RunState;

#ifdef ITEMDUP_TEST_HOOKS
/* ITEMDUP_CONSTANT_HASH=1: every key hashes alike, so only full compares tell keys apart */
static KeyHash
constant_hash(const void *bytes, size_t len)
{
	KeyHash		h = {42, 42};

	(void) bytes;
	(void) len;
	return h;
}

/* ITEMDUP_DUMP_CANDIDATES=FILE: every candidate pair's score, for tests of explain */
static void
dump_candidate(void *arg, uint32_t a, uint32_t b, double score)
{
	RunState   *rs = arg;
	FILE	   *f = rs->dump;

	fprintf(f, "%s\t%s\t%.17g\n", DS_ITEM(&rs->ds, a)->item_id, DS_ITEM(&rs->ds, b)->item_id,
			score);
}
#endif

static const char *
version_string(void)
{
	static char buf[200];

	snprintf(buf, sizeof(buf), "itemdup %s; %s; cJSON %s; xxHash %u",
			 ITEMDUP_VERSION, normalize_version(), cJSON_Version(), XXH_versionNumber());
	return buf;
}

static void
stage_time(RunState *rs, const char *name, double since)
{
	struct rusage ru;
	char		rss_name[64];

	cJSON_AddNumberToObject(rs->stats, name, (double) ((int64_t) ((log_now() - since) * 1000)) / 1000);
	/* where the peak is reached: the peak so far at the end of each stage */
	getrusage(RUSAGE_SELF, &ru);
	snprintf(rss_name, sizeof(rss_name), "peak_rss_kb_after_%.*s", (int) (strlen(name) - 2), name);
	cJSON_AddNumberToObject(rs->stats, rss_name, (double) ru.ru_maxrss);
}

/* The stats JSON with peak RSS; malloc'd. */
static char *
stats_text(RunState *rs)
{
	struct rusage ru;
	cJSON	   *copy = cJSON_Duplicate(rs->stats, true);
	char	   *text;

	getrusage(RUSAGE_SELF, &ru);
	cJSON_AddNumberToObject(copy, "peak_rss_kb", (double) ru.ru_maxrss);
	cJSON_AddNumberToObject(copy, "payload_bytes", (double) rs->load.payload_bytes);
	cJSON_AddStringToObject(copy, "read_path", loader_path_name(&rs->load));
	if (rs->parts != NULL)
	{
		cJSON_AddNumberToObject(copy, "partitions", (double) rs->opt->partitions);
		cJSON_AddNumberToObject(copy, "partition_items_max",
								(double) partition_max_items(rs->parts));
	}
	cJSON_AddNumberToObject(copy, "items_flat", (double) rs->load.items_flat);
	cJSON_AddNumberToObject(copy, "items_removed", (double) rs->load.items_removed);
	cJSON_AddNumberToObject(copy, "items_superseded", (double) rs->load.items_superseded);
	cJSON_AddNumberToObject(copy, "hash_collisions",
							(double) (rs->ds.keys.collisions + rs->ds.names.collisions +
									  rs->ds.pkeys.collisions));
	text = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	if (text == NULL)
		xoom(0);
	return text;
}

/* Runs left 'running' whose process is gone (its run lock is free) become 'abandoned'. */
static bool
abandon_dead_runs(RunState *rs)
{
	DbRows		rows;

	if (!db_query(rs->c, sql_query("run_running"), 0, NULL, &rows))
		return false;
	for (int r = 0; r < rows.nrows; r++)
	{
		int64_t		id = strtoll(DB_VALUE(&rows, r, 0), NULL, 10);
		const char *params[1] = {DB_VALUE(&rows, r, 0)};
		int			lock = db_try_lock(rs->c, DB_LOCK_RUN_CLASS, id, 0);

		if (lock < 0)
		{
			db_rows_free(&rows);
			return false;
		}
		if (lock == 0)
			continue;			/* still running elsewhere */
		if (!db_query(rs->c, sql_query("run_abandon"), 1, params, NULL) ||
			!db_unlock(rs->c, DB_LOCK_RUN_CLASS, id))
		{
			db_rows_free(&rows);
			return false;
		}
		log_warn("run %" PRId64 " was left running by a process that is gone: marked abandoned", id);
	}
	db_rows_free(&rows);
	return true;
}

/* Insert the run as 'running', holding its run lock before anyone can see it. */
static bool
register_run(RunState *rs)
{
	DbRows		rows;
	const char *params[4] = {
		rs->opt->backfill ? "backfill" : "nightly",
		rs->opt->dry_run ? "t" : "f",
		rs->opt->options_json,
		version_string()
	};
	bool		ok;

	ok = db_exec(rs->c, sql_query("begin")) &&
		db_query(rs->c, sql_query("run_register"), 4, params, &rows);
	if (!ok)
		return false;
	rs->run_id = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
	rs->started_at = strtoll(DB_VALUE(&rows, 0, 1), NULL, 10);
	db_rows_free(&rows);
	return db_try_lock(rs->c, DB_LOCK_RUN_CLASS, rs->run_id, 0) == 1 &&
		db_exec(rs->c, sql_query("commit"));
}

/* Live rejects (the latest snapshot of an item, not removed) per reason. */
static void
count_rejects(const Dataset *ds, int64_t counts[REJECT_COUNT])
{
	memset(counts, 0, sizeof(int64_t) * REJECT_COUNT);
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (!it->superseded && !it->removed && it->reject != REJECT_NONE)
			counts[it->reject]++;
	}
}

/*
 * The reasons with rejects, most frequent first (ties: code order), into
 * names/vals; returns how many.
 */
static int
top_reject_reasons(const Dataset *ds, const char **names, int64_t *vals)
{
	int64_t		counts[REJECT_COUNT];
	int			n = 0;

	count_rejects(ds, counts);
	for (;;)
	{
		int			best = 0;

		for (int r = 1; r < REJECT_COUNT; r++)
			if (counts[r] > counts[best])
				best = r;
		if (counts[best] == 0)
			return n;
		names[n] = payload_reject_name((RejectReason) best);
		vals[n++] = counts[best];
		counts[best] = 0;
	}
}

/* The guards: a broken source view or payload shape fails the run. */
static bool
check_guards(RunState *rs)
{
	int64_t		considered = rs->load.items_used + rs->load.items_rejected;
	double		ratio = considered > 0 ? (double) rs->load.items_rejected / considered : 0;
	const char *names[REJECT_COUNT];
	int64_t		vals[REJECT_COUNT];
	int			n = top_reject_reasons(&rs->ds, names, vals);

	if (ratio > rs->opt->max_reject_ratio)
	{
		size_t		len = (size_t) snprintf(rs->err, sizeof(rs->err),
						"guard: %" PRId64 " of %" PRId64 " items rejected (%.4f > --max-reject-ratio %g); "
						"top reasons:", rs->load.items_rejected, considered, ratio,
						rs->opt->max_reject_ratio);

		for (int i = 0; i < n && i < 3 && len < sizeof(rs->err); i++)
			len += (size_t) snprintf(rs->err + len, sizeof(rs->err) - len, "%s %s %" PRId64,
									 i ? "," : "", names[i], vals[i]);
		if (len < sizeof(rs->err))
			snprintf(rs->err + len, sizeof(rs->err) - len, "; see itemdup.rejects for run %" PRId64,
					 rs->run_id);
		return false;
	}
	if (n > 0)
	{
		char		msg[200];

		snprintf(msg, sizeof(msg), "%" PRId64 " of %" PRId64 " items rejected, under "
				 "--max-reject-ratio %g; see itemdup.rejects for run %" PRId64 " (counts per reason)",
				 rs->load.items_rejected, considered, rs->opt->max_reject_ratio, rs->run_id);
		log_counts(LOG_WARN, msg, n, names, vals);
	}
	if ((uint64_t) rs->load.items_used < rs->opt->min_items)
	{
		snprintf(rs->err, sizeof(rs->err),
				 "guard: %" PRId64 " usable items, fewer than --min-items %" PRIu64,
				 rs->load.items_used, rs->opt->min_items);
		return false;
	}
	return true;
}

static void
fill_counts(RunState *rs)
{
	RunCounts  *rc = &rs->counts;

	rc->items_read = rs->load.items_read;
	rc->items_skipped = rs->load.items_removed + rs->load.items_superseded;
	rc->accounts_read = rs->load.accounts_read;
	rc->items_rejected = rs->load.items_rejected;
	if (rs->parts == NULL)		/* the passes counted theirs (partition.c) */
		keys_count_unkeyable(&rs->ds);
	rc->accounts_unkeyable = 0;
	for (int u = UNK_NONE + 1; u < UNK_COUNT; u++)
	{
		rc->unkeyable[u] = rs->ds.unkeyable[u];
		rc->accounts_unkeyable += (int64_t) rs->ds.unkeyable[u];
	}
}

/* Stable ids for the new groups: inherited, else fresh from the sequence. */
static bool
assign_group_ids(RunState *rs)
{
	const Groups *g = &rs->groups;
	size_t		n_members = g->n_groups ? g->offsets[g->n_groups] : 0;
	const char **member_ids = xmalloc((n_members + 1) * sizeof(char *));
	size_t		n_new = 0;
	int64_t    *fresh;
	bool		ok;

	for (size_t k = 0; k < n_members; k++)
		member_ids[k] = DS_ITEM(&rs->ds, g->members[k])->item_id;
	rs->group_ids = xcalloc(g->n_groups + 1, sizeof(int64_t));
	groups_assign_ids(g->n_groups, g->offsets, member_ids,
					  rs->prev.members.data, rs->prev.members.len,
					  rs->group_ids, &rs->counts.diff);
	free(member_ids);

	for (size_t i = 0; i < g->n_groups; i++)
		n_new += rs->group_ids[i] == 0;
	fresh = xmalloc((n_new + 1) * sizeof(int64_t));
	ok = history_allocate_ids(rs->c, n_new, fresh, rs->err, sizeof(rs->err));
	if (ok)
	{
		size_t		k = 0;

		/* groups are ordered by smallest item_id: fresh ids follow that order */
		for (size_t i = 0; i < g->n_groups; i++)
			if (rs->group_ids[i] == 0)
				rs->group_ids[i] = fresh[k++];
	}
	free(fresh);
	return ok;
}

static void
log_summary(RunState *rs)
{
	const RunCounts *rc = &rs->counts;
	const char *keys[] = {
		"run_id", "items_read", "items_skipped", "items_rejected", "accounts_read",
		"accounts_unkeyable", "hot_keys", "pairs_scored", "groups", "items_in_groups",
		"groups_new", "groups_grown", "groups_shrunk", "groups_merged", "groups_split",
		"groups_dissolved", "groups_unchanged"
	};
	int64_t		vals[] = {
		rs->run_id, rc->items_read, rc->items_skipped, rc->items_rejected, rc->accounts_read,
		rc->accounts_unkeyable, rc->hot_keys, rc->pairs_scored, rc->groups, rc->items_in_groups,
		(int64_t) rc->diff.new_groups, (int64_t) rc->diff.grown, (int64_t) rc->diff.shrunk,
		(int64_t) rc->diff.merged, (int64_t) rc->diff.split, (int64_t) rc->diff.dissolved,
		(int64_t) rc->diff.unchanged
	};

	log_counts(LOG_INFO, rs->publishes ? "run succeeded and published" :
			   "run succeeded (not published)",
			   (int) (sizeof(vals) / sizeof(vals[0])), keys, vals);
}

/*
 * The core's cancellation callbacks (CancelFn): the signal flag.  Their
 * first poll is a pause point of the test build, so a test can signal the
 * job while it is inside the match or grouping loop.
 */
static bool
cancelled_in_match(void)
{
	static bool paused = false;

	if (!paused)
	{
		paused = true;
		FAILPOINT("in_match");
	}
	return db_interrupted();
}

static bool
cancelled_in_group(void)
{
	static bool paused = false;

	if (!paused)
	{
		paused = true;
		FAILPOINT("in_group");
	}
	return db_interrupted();
}

/* True (with rs->err set) once SIGINT/SIGTERM arrived: checked at every step boundary. */
static bool
run_interrupted(RunState *rs, const char *where)
{
	if (!db_interrupted())
		return false;
	snprintf(rs->err, sizeof(rs->err), "interrupted by a signal (SIGINT/SIGTERM) %s", where);
	return true;
}

/* The item_id of a Dataset index (GroupIdFn). */
static const char *
item_id_of(const void *arg, uint32_t item)
{
	return DS_ITEM((const Dataset *) arg, item)->item_id;
}

/*
 * Step 7: the published run's groups read first (history.c), then the
 * groups and their stable ids; false with rs->err set.
 */
static bool
run_group(RunState *rs)
{
	bool		ok;

	if (run_interrupted(rs, "before reading the published groups") ||
		!history_read_groups(rs->c, &rs->prev, rs->err, sizeof(rs->err)) ||
		run_interrupted(rs, "while grouping"))
		return false;
	ok = groups_build_cancellable(rs->ds.items.len, rs->match.pairs.data,
								  rs->match.pairs.len, item_id_of, &rs->ds,
								  cancelled_in_group, &rs->groups);
	if (!ok)
	{
		snprintf(rs->err, sizeof(rs->err), "interrupted by a signal (SIGINT/SIGTERM) while grouping");
		return false;
	}
	rs->counts.groups = (int64_t) rs->groups.n_groups;
	rs->counts.items_in_groups = rs->groups.n_groups ? rs->groups.offsets[rs->groups.n_groups] : 0;
	return assign_group_ids(rs);
}

/*
 * As soon as a publishing one-pass run's COPY has ended: the published
 * model's writer, on a connection of its own, which builds its index while
 * this thread seals the data set and counts the keys, then writes while the
 * run matches, groups and writes its results (publish.h).  A run read in
 * passes starts it after the last pass, to merge the passes' spilled models
 * while the run groups and writes its results.  False with rs->err set.
 */
static bool
run_start_model(RunState *rs)
{
	ModelInput	mi = {.run_id = rs->run_id, .ds = &rs->ds, .stats = &rs->key_stats,
		.threshold = rs->opt->threshold, .hot_key_cap = rs->opt->hot_key_cap,
	.snapshot_at = rs->load.snapshot_at, .spill = rs->spill};
	DbConn	   *mc;

	if (!rs->publishes)
		return true;
	mc = rs->model_c != NULL ? rs->model_c
		: db_connect_at(rs->opt->dsn, "model", &rs->opt->db, LOG_WARN);
	mi.clearing = rs->model_c != NULL;
	rs->model_c = NULL;			/* the writer's now */
	if (mc == NULL)
	{
		if (run_interrupted(rs, "connecting for the published model"))
			return false;
		log_warn("no second connection for the published model (logged above): it is written "
				 "in the publishing transaction instead, after the results");
	}
	rs->model = publish_model_start(mc, rs->c, &mi);
	if (rs->spill != NULL)
		publish_model_counts_ready(rs->model);	/* the passes counted */
	return true;
}

/*
 * As a publishing run's read begins: the model's connection, opened now so
 * that the generation its model will go to is emptied while the source is
 * read (sql/012); run_start_model hands it to the writer.  None to be had:
 * run_start_model tries again, and warns.
 */
static void
run_open_model(RunState *rs)
{
	if (!rs->publishes)
		return;
	rs->model_c = db_connect_at(rs->opt->dsn, "model", &rs->opt->db, LOG_DEBUG);
	if (rs->model_c == NULL)
		return;
	if (!publish_model_clear(rs->model_c))
	{
		log_debug("emptying the model's next generation ahead: %s", db_last_error(rs->model_c));
		db_close(rs->model_c);	/* a connection that cannot send: a fresh one later */
		rs->model_c = NULL;
	}
}

/* PartitionPassFn of a publishing run in passes: the pass's model spilled. */
static bool
spill_pass(void *arg, const Dataset *ds, const KeyStats *st, char *err, size_t errlen)
{
	RunState   *rs = arg;
	ModelInput	mi = {.run_id = rs->run_id, .ds = ds, .stats = st,
	.hot_key_cap = rs->opt->hot_key_cap};

	if (publish_model_spill_pass(rs->spill, &mi))
		return true;
	snprintf(err, errlen, "%s", model_spill_error(rs->spill));
	return false;
}

/* Step 5: the source read, its counts logged, the guards; false with rs->err set. */
static bool
run_read(RunState *rs)
{
	const RunConfig *opt = rs->opt;
	LoadOptions lo = {.source = opt->source, .include_removed = opt->include_removed,
		.created_since = opt->created_since, .created_until = opt->created_until,
	.read_path = (ReadPath) opt->read_path};
	const char *keys[] = {"items_read", "items_used", "items_rejected", "items_removed",
	"items_superseded", "accounts_read", "accounts_unkeyable"};
	int64_t		vals[7];
	double		t;

	log_step(5, "read source");
	t = log_now();
	run_open_model(rs);
	if (opt->partitions > 1)
	{
		/* the census round of the passes: counts and rejects (partition.h) */
		log_info("--partitions %u: reading the source once for the census, then %u times "
				 "to key and match each class of institutions", opt->partitions,
				 opt->partitions);
		rs->parts = partition_begin(rs->src, &lo, opt->partitions, rs->hash, &rs->ds,
									&rs->rejects, &rs->load);
		if (rs->publishes)
		{
			/* the published model, pass by pass onto temporary files (model_spill.h) */
			if ((rs->spill = model_spill_new(rs->err, sizeof(rs->err))) == NULL)
				return false;
			partition_on_pass(rs->parts, spill_pass, rs);
		}
		if (!partition_census(rs->parts, rs->err, sizeof(rs->err)))
			return false;
	}
	else if (!loader_read(rs->src, &lo, &rs->ds, &rs->rejects, &rs->load, rs->err,
						  sizeof(rs->err)) || !run_start_model(rs))
		return false;
	/* a run adds nothing after the read: drop the tables only adding needed */
	keys_dataset_seal(&rs->ds);
	stage_time(rs, "read_s", t);
	FAILPOINT("after_read");
	if (run_interrupted(rs, "after reading the source"))
		return false;
	fill_counts(rs);
	vals[0] = rs->load.items_read;
	vals[1] = rs->load.items_used;
	vals[2] = rs->load.items_rejected;
	vals[3] = rs->load.items_removed;
	vals[4] = rs->load.items_superseded;
	vals[5] = rs->load.accounts_read;
	vals[6] = rs->counts.accounts_unkeyable;
	log_counts(LOG_INFO, "source read", 7, keys, vals);
	return check_guards(rs);
}

/* Step 6: candidate pairs scored; false with rs->err set. */
static bool
run_match(RunState *rs)
{
	const RunConfig *opt = rs->opt;
	MatchOptions mo = {.hot_key_cap = opt->hot_key_cap, .max_pairs = opt->max_pairs,
	.threshold = opt->threshold, .cancelled = cancelled_in_match,
	.prune = opt->prune_margin >= 0, .prune_margin = opt->prune_margin,
	.stats = rs->have_stats ? &rs->key_stats : NULL};
	MatchCandidateFn each = NULL;
	double		t;
	bool		ok;

	log_step(6, "match");
	t = log_now();
#ifdef ITEMDUP_TEST_HOOKS
	if (getenv("ITEMDUP_DUMP_CANDIDATES") != NULL &&
		(rs->dump = fopen(getenv("ITEMDUP_DUMP_CANDIDATES"), "w")) != NULL)
		each = dump_candidate;
#endif
	if (rs->parts != NULL)
		ok = partition_match(rs->parts, &mo, &rs->match, rs->err, sizeof(rs->err)) &&
			run_start_model(rs);
	else
		ok = match_find_pairs_each(&rs->ds, &mo, each, rs, &rs->match, rs->err,
								   sizeof(rs->err));
	if (rs->dump != NULL)
		fclose(rs->dump);
	if (!ok)
		return false;
	stage_time(rs, "match_s", t);
	rs->counts.hot_keys = (int64_t) rs->match.hot_keys;
	rs->counts.pairs_scored = (int64_t) rs->match.scored_pairs;
	if (rs->match.hot_keys > 0)
		log_info("%" PRIu64 " hot keys shared by more than %u items were skipped",
				 rs->match.hot_keys, opt->hot_key_cap);
	log_debug("%" PRIu64 " pairs scored; %" PRIu64 " item keys pruned "
			  "(docs/MATCHING.md, \"Pruning\"); counts %.3f s, indexes %.3f s, scoring %.3f s",
			  rs->match.candidate_pairs, rs->match.pruned_keys, rs->match.seconds[0],
			  rs->match.seconds[1], rs->match.seconds[2]);
	return true;
}

/* Step 8: the results written (published or not) in one transaction; false with rs->err set. */
static bool
run_publish(RunState *rs)
{
	double		t = log_now();
	char	   *stats = stats_text(rs);
	PublishInput in = {
		.run_id = rs->run_id, .run_started_at = rs->started_at,
		.publish = rs->publishes, .keep_runs = rs->opt->keep_runs,
		.ds = &rs->ds, .match = &rs->match, .groups = &rs->groups,
		.group_ids = rs->group_ids, .prev = &rs->prev, .rejects = &rs->rejects,
		.counts = &rs->counts, .stats_json = stats, .model = rs->model
	};
	bool		ok;

	ok = publish_run(rs->c, &in, rs->err, sizeof(rs->err));
	free(stats);
	if (ok)
		log_debug("publish took %.3f s", log_now() - t);
	return ok;
}

/*
 * After the read of a one-pass run: the counts the matcher scores with,
 * which the model's writer waits for.
 */
static void
run_count_keys(RunState *rs)
{
	if (rs->parts != NULL)
		return;					/* counts per pass */
	keys_stats_compute(&rs->ds, &rs->key_stats);
	rs->have_stats = true;
	if (rs->model != NULL)
		publish_model_counts_ready(rs->model);
}

/* Steps 5-8; false with rs->err set on failure. */
static bool
run_pipeline(RunState *rs)
{
	double		t;

	if (run_interrupted(rs, "after registering the run") || !run_read(rs))
		return false;
	run_count_keys(rs);
	if (!run_match(rs))
		return false;
	/* the writer lists the keys' Items once matching's index is freed (publish.h) */
	if (rs->model != NULL && rs->parts == NULL)
		publish_model_matched(rs->model);
	FAILPOINT("after_match");
	if (run_interrupted(rs, "after matching"))
		return false;
	log_step(7, "group");
	t = log_now();
	if (!run_group(rs))
		return false;
	stage_time(rs, "group_s", t);
	FAILPOINT("after_group");
	if (run_interrupted(rs, "after grouping"))
		return false;
	log_step(8, rs->publishes ? "publish" : "store results (not published)");
	return run_publish(rs);
}

/*
 * Exit 75's message: who holds the lock — the run id and start of the
 * holder's running run (its run lock), its backend pid, else just the pid.
 */
static void
log_lock_holder(DbConn *c, bool publishes)
{
	const char *which = publishes ? "publish" : "backfill";
	int			pid = db_lock_holder_pid(c, DB_LOCK_CLASS,
										 publishes ? DB_LOCK_PUBLISH : DB_LOCK_BACKFILL);
	char		pidtext[16];
	const char *params[2] = {pidtext, NULL};
	DbRows		rows = {0};
	char		cls[16];

	snprintf(pidtext, sizeof(pidtext), "%d", pid);
	snprintf(cls, sizeof(cls), "%d", DB_LOCK_RUN_CLASS);
	params[1] = cls;
	if (pid > 0 &&
		db_query(c, sql_query("run_lock_holder"), 2, params, &rows) && rows.nrows == 1)
		log_error("another itemdup run holds the %s lock: run %s (pid %d, started %s); "
				  "try later (or --lock-wait SECONDS)", which, DB_VALUE(&rows, 0, 0), pid,
				  DB_VALUE(&rows, 0, 1));
	else if (pid > 0)
		log_error("another itemdup session holds the %s lock (pid %d, no run registered yet); "
				  "try later (or --lock-wait SECONDS)", which, pid);
	else
		log_error("another itemdup run holds the %s lock; try later (or --lock-wait SECONDS)",
				  which);
	db_rows_free(&rows);
}

/* Before the run is registered a signal ends the job (exit 1) with no run to mark. */
static bool
stopped_before_register(void)
{
	if (!db_interrupted())
		return false;
	log_error("interrupted by a signal (SIGINT/SIGTERM) before the run was registered: "
			  "nothing done");
	return true;
}

/* Step 1: the connections and the schema version; -1 to go on, else the exit code (logged). */
static int
run_connect(RunState *rs)
{
	const RunConfig *opt = rs->opt;
	DbSettings	src_settings = {opt->db.lock_timeout, opt->db.statement_timeout,
	NULL, NULL, NULL, NULL};

	log_step(1, "connect");
	FAILPOINT("before_connect");
	rs->c = db_connect(opt->dsn, "run", &opt->db);
	if (rs->c == NULL)
		return db_interrupted() ? EXIT_FAIL : EXIT_NOCONN;
	rs->src = rs->c;
	if (opt->source_dsn != NULL)
	{
		rs->src = db_connect(opt->source_dsn, "source", &src_settings);
		if (rs->src == NULL)
		{
			rs->src = rs->c;
			return db_interrupted() ? EXIT_FAIL : EXIT_NOCONN;
		}
	}
	FAILPOINT("after_connect");
	if (stopped_before_register())
		return EXIT_FAIL;
	if (!migrate_check_version(rs->c, rs->err, sizeof(rs->err)))
	{
		log_error("%s", rs->err);
		return EXIT_FAIL;
	}
	return -1;
}

/*
 * Steps 2-4: the lock, dead runs marked abandoned, the run registered.
 * -1 to go on, else the exit code (logged): 75 when the lock is held,
 * never on a signal.
 */
static int
run_register(RunState *rs)
{
	int			lock;

	log_step(2, "lock");
	lock = db_try_lock(rs->c, DB_LOCK_CLASS, rs->publishes ? DB_LOCK_PUBLISH : DB_LOCK_BACKFILL,
					   rs->opt->lock_wait);
	if (stopped_before_register())
		return EXIT_FAIL;		/* never 75: a signal is a failure */
	if (lock == 0)
	{
		log_lock_holder(rs->c, rs->publishes);
		return EXIT_LOCKED;
	}
	if (lock < 0)
	{
		log_error("could not take the run lock: %s", db_last_error(rs->c));
		return EXIT_FAIL;
	}
	FAILPOINT("after_lock");
	if (stopped_before_register())
		return EXIT_FAIL;
	log_step(3, "abandon dead runs");
	if (!abandon_dead_runs(rs))
	{
		log_error("could not check for abandoned runs: %s", db_last_error(rs->c));
		return EXIT_FAIL;
	}
	FAILPOINT("after_abandon");
	if (stopped_before_register())
		return EXIT_FAIL;
	log_step(4, "register run");
	if (!register_run(rs))
	{
		log_error("could not register the run: %s", db_last_error(rs->c));
		return EXIT_FAIL;
	}
	FAILPOINT("after_register");
	return -1;
}

int
run_command(const RunConfig *opt)
{
	RunState	rs;
	int			rc;

	memset(&rs, 0, sizeof(rs));
	rs.opt = opt;
	rs.publishes = !opt->dry_run && (!opt->backfill || opt->publish);
	rs.stats = cJSON_CreateObject();
#ifdef ITEMDUP_TEST_HOOKS
	if (testhook_enabled("ITEMDUP_CONSTANT_HASH"))
		rs.hash = constant_hash;
#endif
	keys_dataset_init(&rs.ds, rs.hash);
	vec_init(&rs.rejects, sizeof(RejectRow));

	rc = run_connect(&rs);
	if (rc < 0)
		rc = run_register(&rs);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_FAIL;
	log_info("run %" PRId64 " started (%s%s)", rs.run_id, opt->backfill ? "backfill" : "nightly",
			 opt->dry_run ? ", dry run" : "");

	if (run_pipeline(&rs))
	{
		FAILPOINT("after_publish");
		log_step_end(true);
		log_summary(&rs);
		rc = EXIT_OK;
	}
	else
	{
		char	   *stats = stats_text(&rs);

		if (db_interrupted() && strstr(rs.err, "interrupted by a signal") == NULL)
			snprintf(rs.err, sizeof(rs.err), "interrupted by a signal (SIGINT/SIGTERM)");
		log_error("run %" PRId64 " failed: %s", rs.run_id, rs.err);
		log_step_end(false);
		publish_model_end(rs.model);	/* stopped and rolled back */
		rs.model = NULL;
		partition_end(rs.parts);	/* a partitioned read's open transaction rolled back */
		rs.parts = NULL;
		/* the connection may be mid-COPY or aborted: a fresh statement after rollback */
		if (!publish_fail_run(rs.c, rs.run_id, rs.err, &rs.counts, &rs.ds, &rs.rejects, stats))
			log_error("could not mark run %" PRId64 " failed (%s); the next run will mark it "
					  "abandoned", rs.run_id, db_last_error(rs.c));
		free(stats);
	}

cleanup:
	db_close(rs.model_c);		/* the run stopped before its writer started */
	publish_model_end(rs.model);
	model_spill_free(rs.spill);	/* after its writer ended */
	partition_end(rs.parts);
	if (rs.src != NULL && rs.src != rs.c)
		db_close(rs.src);
	db_close(rs.c);
	cJSON_Delete(rs.stats);
	free(rs.group_ids);
	history_free(&rs.prev);
	groups_free(&rs.groups);
	match_result_free(&rs.match);
	if (rs.have_stats)
		keys_stats_free(&rs.key_stats);
	vec_free(&rs.rejects);
	keys_dataset_free(&rs.ds);
	return rc;
}
