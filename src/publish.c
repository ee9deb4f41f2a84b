/*
 * publish.c — one run's results into itemdup's tables in one transaction.
 */
#include "publish.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copyfmt.h"
#include "log.h"
#include "payload.h"
#include "sql_query.h"

/*
 * Bytes a COPY's buffer collects before they are sent.  Each of the two
 * connections' StrBuf and libpq output buffer grows to about twice this:
 * 128 KiB keeps the four under 1 MB in all (at 1 MiB they held 8 MB: 8 B per
 * Item at 1 M, docs/SCALING.md), with one PQputCopyData per 128 KiB.
 */
#define COPY_CHUNK (128 * 1024)

/*
 * Stream buf to the COPY when it is big enough (or always when final).  A
 * cancellable COPY (the publish, not the recording of a failed run) stops
 * at the first flush after SIGINT/SIGTERM: the COPY is ended as failed.
 */
static bool
flush(DbConn *c, StrBuf *buf, bool final, bool cancellable)
{
	if (cancellable && db_interrupted())
	{
		db_copy_in_abort(c, "itemdup: interrupted by a signal");
		return false;
	}
	if (buf->len == 0 || (!final && buf->len < COPY_CHUNK))
		return true;
	if (!db_copy_in_put(c, buf->data, buf->len))
		return false;
	sb_reset(buf);
	return true;
}

/* publish_copy_flush — see publish.h: flush() of a cancellable COPY. */
bool
publish_copy_flush(DbConn *c, StrBuf *buf, bool final)
{
	return flush(c, buf, final, true);
}

/* Order pairs' items as the table wants them: item_a < item_b in "C" collation. */
static void
pair_ids(const Dataset *ds, const Pair *p, const char **a, const char **b)
{
	const char *x = DS_ITEM(ds, p->a)->item_id;
	const char *y = DS_ITEM(ds, p->b)->item_id;

	if (strcmp(x, y) < 0)
		*a = x, *b = y;
	else
		*a = y, *b = x;
}

/*
 * Per-account "matched" marks: an account is matched when a pair of its
 * group shares its key (or persistent id).
 */
static uint8_t *
mark_matched_accounts(const Dataset *ds, const MatchResult *m)
{
	uint8_t    *matched = xcalloc(ds->accounts.len + 1, 1);
	const Pair *pairs = m->pairs.data;

	for (size_t i = 0; i < m->pairs.len; i++)
	{
		const Pair *p = &pairs[i];
		uint32_t	items[2] = {p->a, p->b};

		for (int s = 0; s < 2; s++)
		{
			const Item *it = DS_ITEM(ds, items[s]);

			/* already matched accounts cost nothing: bounded by the pairs' accounts */
			for (uint32_t k = 0; k < it->n_accounts; k++)
				if (!matched[it->first_account + k] &&
					match_pair_shares_account(m, p, ds, it->first_account + k))
					matched[it->first_account + k] = 1;
		}
	}
	return matched;
}

/*
 * Suggested actions of every member (in Groups.members order) and the
 * owner count of every group, computed once for both tables.  Owned by
 * the caller.
 */
static void
suggest_all(const PublishInput *in, Action **actions_out, uint32_t **owners_out)
{
	const Groups *g = in->groups;
	size_t		n_members = g->n_groups ? g->offsets[g->n_groups] : 0;
	Action	   *actions = xmalloc((n_members + 1) * sizeof(Action));
	uint32_t   *owners = xmalloc((g->n_groups + 1) * sizeof(uint32_t));
	MemberFacts *facts = NULL;
	size_t		cap = 0;

	for (size_t gi = 0; gi < g->n_groups; gi++)
	{
		uint32_t	n = g->offsets[gi + 1] - g->offsets[gi];
		const uint32_t *mem = g->members + g->offsets[gi];

		if (n > cap)
		{
			cap = n * 2;
			facts = xrealloc(facts, cap * sizeof(MemberFacts));
		}
		for (uint32_t k = 0; k < n; k++)
		{
			const Item *it = DS_ITEM(in->ds, mem[k]);

			facts[k] = (MemberFacts) {it->item_id, keys_item_owner(it), it->created_at,
			it->has_error};
		}
		owners[gi] = (uint32_t) groups_suggest_actions(facts, n, actions + g->offsets[gi]);
	}
	free(facts);
	*actions_out = actions;
	*owners_out = owners;
}

static bool
copy_groups(DbConn *c, const PublishInput *in, const uint32_t *owners, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	const Groups *g = in->groups;
	double	   *max_score = xmalloc((g->n_groups + 1) * sizeof(double));
	double	   *min_score = xmalloc((g->n_groups + 1) * sizeof(double));
	const Pair *pairs = in->match->pairs.data;
	bool		ok = false;

	for (size_t i = 0; i < g->n_groups; i++)
		max_score[i] = -1e300, min_score[i] = 1e300;
	for (size_t i = 0; i < in->match->pairs.len; i++)
	{
		uint32_t	gi = groups_group_of(g, pairs[i].a);

		if (pairs[i].score > max_score[gi])
			max_score[gi] = pairs[i].score;
		if (pairs[i].score < min_score[gi])
			min_score[gi] = pairs[i].score;
	}

	if (!db_copy_in_begin(c, sql_query("publish_groups")))
		goto cleanup;
	copyfmt_bin_header(buf);
	for (size_t gi = 0; gi < g->n_groups; gi++)
	{
		uint32_t	n = g->offsets[gi + 1] - g->offsets[gi];
		const uint32_t *mem = g->members + g->offsets[gi];
		const Item *first = DS_ITEM(ds, mem[0]);
		const char **ids = xmalloc(n * sizeof(char *));
		char		hash[33];
		const PrevGroupMeta *meta = history_find_meta(in->prev, in->group_ids[gi]);

		for (uint32_t k = 0; k < n; k++)
			ids[k] = DS_ITEM(ds, mem[k])->item_id;
		groups_members_hash(ids, n, hash);
		free(ids);

		copyfmt_bin_row(buf, 12);
		copyfmt_bin_int8(buf, in->run_id);
		copyfmt_bin_int8(buf, in->group_ids[gi]);
		copyfmt_bin_text(buf, keys_environment_name((Environment) first->env));
		copyfmt_bin_text(buf, ds->institutions.bytes[first->institution]);
		copyfmt_bin_int4(buf, (int32_t) n);
		copyfmt_bin_int4(buf, (int32_t) owners[gi]);
		copyfmt_bin_text(buf, owners[gi] > 1 ? "cross_owner" : "same_owner");
		copyfmt_bin_float8(buf, max_score[gi]);
		copyfmt_bin_float8(buf, min_score[gi]);
		copyfmt_bin_int8(buf, meta ? meta->first_seen_run : in->run_id);
		copyfmt_bin_timestamptz(buf, meta ? meta->first_seen_at : in->run_started_at);
		copyfmt_bin_text(buf, hash);
		if (!flush(c, buf, false, true))
			goto cleanup;
	}
	copyfmt_bin_trailer(buf);
	ok = flush(c, buf, true, true) && db_copy_in_end(c);

cleanup:
	free(max_score);
	free(min_score);
	return ok;
}

static bool
copy_group_items(DbConn *c, const PublishInput *in, const Action *actions, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	const Groups *g = in->groups;
	uint8_t    *matched = mark_matched_accounts(ds, in->match);
	bool		ok = false;

	if (!db_copy_in_begin(c, sql_query("publish_group_items")))
		goto cleanup;
	copyfmt_bin_header(buf);
	for (size_t gi = 0; gi < g->n_groups; gi++)
	{
		uint32_t	n = g->offsets[gi + 1] - g->offsets[gi];
		const uint32_t *mem = g->members + g->offsets[gi];

		for (uint32_t k = 0; k < n; k++)
		{
			const Item *it = DS_ITEM(ds, mem[k]);
			uint32_t	n_matched = 0;

			for (uint32_t a = 0; a < it->n_accounts; a++)
				n_matched += matched[it->first_account + a];
			copyfmt_bin_row(buf, 8);
			copyfmt_bin_int8(buf, in->run_id);
			copyfmt_bin_int8(buf, in->group_ids[gi]);
			copyfmt_bin_text(buf, it->item_id);
			copyfmt_bin_text(buf, keys_item_owner(it));
			copyfmt_bin_int4(buf, (int32_t) it->n_accounts);
			copyfmt_bin_int4(buf, (int32_t) n_matched);
			copyfmt_bin_timestamptz(buf, it->created_at);
			copyfmt_bin_text(buf, groups_action_name(actions[g->offsets[gi] + k]));
		}
		if (!flush(c, buf, false, true))
			goto cleanup;
	}
	copyfmt_bin_trailer(buf);
	ok = flush(c, buf, true, true) && db_copy_in_end(c);

cleanup:
	free(matched);
	return ok;
}

/* A pair by its item ids, a < b: the primary key's order (run_id, item_a, item_b). */
typedef struct PairRow
{
	const char *a;
	const char *b;
	uint32_t	i;				/* in MatchResult.pairs */
} PairRow;

static int
cmp_pair_row(const void *x, const void *y)
{
	const PairRow *p = x;
	const PairRow *q = y;
	int			c = strcmp(p->a, q->a);

	return c != 0 ? c : strcmp(p->b, q->b);
}

/*
 * result_pairs, in the primary key's order: the server then appends to
 * its b-tree instead of splitting pages at random (17 % less of the COPY's
 * time at 10 M, docs/SCALING.md "Publish").
 */
static bool
copy_pairs(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const Pair *pairs = in->match->pairs.data;
	size_t		n = in->match->pairs.len;
	PairRow    *rows = xmalloc((n + 1) * sizeof(PairRow));
	bool		ok = false;

	for (size_t i = 0; i < n; i++)
	{
		pair_ids(in->ds, &pairs[i], &rows[i].a, &rows[i].b);
		rows[i].i = (uint32_t) i;
	}
	qsort(rows, n, sizeof(PairRow), cmp_pair_row);
	if (!db_copy_in_begin(c, sql_query("publish_pairs")))
		goto cleanup;
	copyfmt_bin_header(buf);
	for (size_t r = 0; r < n; r++)
	{
		const Pair *p = &pairs[rows[r].i];
		char	   *evidence = match_pair_evidence(in->ds, in->match, p);

		copyfmt_bin_row(buf, 6);
		copyfmt_bin_int8(buf, in->run_id);
		copyfmt_bin_int8(buf, in->group_ids[groups_group_of(in->groups, p->a)]);
		copyfmt_bin_text(buf, rows[r].a);
		copyfmt_bin_text(buf, rows[r].b);
		copyfmt_bin_float8(buf, p->score);
		copyfmt_bin_jsonb(buf, evidence);
		free(evidence);
		if (!flush(c, buf, false, true))
			goto cleanup;
	}
	copyfmt_bin_trailer(buf);
	ok = flush(c, buf, true, true) && db_copy_in_end(c);

cleanup:
	free(rows);
	return ok;
}

/*
 * copy_near_misses — the run's near-miss sample with evidence, and every
 * candidate's score by bin (match.h; README.md, "For analysts").
 */
static bool
copy_near_misses(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const MatchResult *m = in->match;

	if (!db_copy_in_begin(c, sql_query("publish_near_misses")))
		return false;
	copyfmt_bin_header(buf);
	for (size_t i = 0; i < m->near.len; i++)
	{
		const Pair *p = &VEC_AT(&m->near, Pair, i);
		const char *a,
				   *b;
		char	   *evidence = match_pair_evidence(in->ds, m, p);

		pair_ids(in->ds, p, &a, &b);
		copyfmt_bin_row(buf, 6);
		copyfmt_bin_int8(buf, in->run_id);
		copyfmt_bin_text(buf, a);
		copyfmt_bin_text(buf, b);
		copyfmt_bin_float8(buf, p->score);
		copyfmt_bin_text(buf, VEC_AT(&m->near_how, uint8_t, i) == NEAR_TOP ? "top" : "stratified");
		copyfmt_bin_jsonb(buf, evidence);
		free(evidence);
	}
	copyfmt_bin_trailer(buf);
	if (!flush(c, buf, true, true) || !db_copy_in_end(c) ||
		!db_copy_in_begin(c, sql_query("publish_score_bins")))
		return false;
	copyfmt_bin_header(buf);
	for (int k = 0; k < MATCH_NBINS; k++)
	{
		if (m->score_bins[k] == 0)
			continue;
		copyfmt_bin_row(buf, 4);
		copyfmt_bin_int8(buf, in->run_id);
		copyfmt_bin_float8(buf, MATCH_BIN_LO + k);
		copyfmt_bin_float8(buf, MATCH_BIN_LO + k + 1);
		copyfmt_bin_int8(buf, (int64_t) m->score_bins[k]);
	}
	copyfmt_bin_trailer(buf);
	return flush(c, buf, true, true) && db_copy_in_end(c);
}

static bool
copy_rejects(DbConn *c, int64_t run_id, const Dataset *ds, const Vec *rejects, StrBuf *buf,
			 bool cancellable)
{
	const RejectRow *rj = rejects->data;

	if (!db_copy_in_begin(c, sql_query("publish_rejects")))
		return false;
	copyfmt_bin_header(buf);
	for (size_t i = 0; i < rejects->len; i++)
	{
		const Item *it = DS_ITEM(ds, rj[i].item);

		if (it->superseded)
			continue;			/* a newer snapshot of the item was used */
		copyfmt_bin_row(buf, 4);
		copyfmt_bin_int8(buf, run_id);
		copyfmt_bin_text(buf, rj[i].reason == REJECT_BAD_ITEM_ID ? NULL : it->item_id);
		copyfmt_bin_text(buf, payload_reject_name((RejectReason) rj[i].reason));
		copyfmt_bin_text(buf, rj[i].detail);
		if (!flush(c, buf, false, cancellable))
			return false;
	}
	copyfmt_bin_trailer(buf);
	return flush(c, buf, true, cancellable) && db_copy_in_end(c);
}

bool
publish_mark_run(DbConn *c, int64_t run_id, const char *status, const char *error,
				 const RunCounts *rc, bool published, const char *stats_json)
{
	char		v[20][32];
	const char *params[22];
	StrBuf		reasons;
	int64_t		vals[] = {
		run_id, rc->items_read, rc->items_skipped, rc->accounts_read,
		rc->accounts_unkeyable, rc->items_rejected, rc->hot_keys, rc->pairs_scored,
		rc->groups, rc->items_in_groups, (int64_t) rc->diff.new_groups,
		(int64_t) rc->diff.grown, (int64_t) rc->diff.shrunk, (int64_t) rc->diff.merged,
		(int64_t) rc->diff.split, (int64_t) rc->diff.dissolved, (int64_t) rc->diff.unchanged
	};
	int			n = (int) (sizeof(vals) / sizeof(vals[0]));
	bool		ok;

	sb_init(&reasons);
	sb_puts(&reasons, "{");
	for (int u = UNK_NONE + 1; u < UNK_COUNT; u++)
		sb_printf(&reasons, "%s\"%s\": %" PRIu64, u > 1 ? ", " : "",
				  normalize_unkeyable_name((Unkeyable) u), rc->unkeyable[u]);
	sb_puts(&reasons, "}");
	for (int i = 0; i < n; i++)
	{
		snprintf(v[i], sizeof(v[i]), "%" PRId64, vals[i]);
		params[i] = v[i];
	}
	params[n] = published ? "t" : "f";
	params[n + 1] = reasons.data;
	params[n + 2] = stats_json ? stats_json : "{}";
	params[n + 3] = status;
	params[n + 4] = error;
	ok = db_query(c,
				  sql_query("publish_mark_run"),
				  n + 5, params, NULL);
	sb_free(&reasons);
	return ok;
}

bool
publish_fail_run(DbConn *c, int64_t run_id, const char *error, const RunCounts *rc,
				 const Dataset *ds, const Vec *rejects, const char *stats_json)
{
	StrBuf		buf;
	bool		ok;

	sb_init(&buf);
	ok = db_exec(c, sql_query("begin")) &&
		(ds == NULL || rejects == NULL || copy_rejects(c, run_id, ds, rejects, &buf, false)) &&
		publish_mark_run(c, run_id, "failed", error, rc, false, stats_json) &&
		db_exec(c, sql_query("commit"));
	if (!ok && !db_exec(c, sql_query("rollback")))
		log_debug("rollback failed too");
	sb_free(&buf);
	return ok;
}

/*
 * analyze_results — after the commit, fresh planner statistics for the rows
 * just written (sql/008), so reports and analysts' queries on the new run are
 * planned from what is there.  A table another session holds (a VACUUM,
 * autovacuum's included) is skipped, never waited for nor cancelled
 * (sql/010); it is named in the log.  Best effort: the run has already
 * succeeded, so a failure (e.g. a signal now) is a warning.
 */
static void
analyze_results(DbConn *c)
{
	DbRows		rows;

	if (!db_query(c, sql_query("publish_analyze"), 0, NULL, &rows))
	{
		log_warn("statistics of the result tables not refreshed: %s (autovacuum will)",
				 db_last_error(c));
		return;
	}
	if (rows.nrows == 1 && DB_VALUE(&rows, 0, 0) != NULL && DB_VALUE(&rows, 0, 0)[0] != '\0')
		log_info("statistics of %s not refreshed: held by another session (a VACUUM); "
				 "that session's ANALYZE, autovacuum's next or the next run's refreshes them",
				 DB_VALUE(&rows, 0, 0));
	db_rows_free(&rows);
}

bool
publish_run(DbConn *c, const PublishInput *in, char *err, size_t errlen)
{
	StrBuf		buf;
	char		run[32],
				keep[32];
	const char *params[2] = {run, keep};
	bool		ok = false;
	Action	   *actions = NULL;
	uint32_t   *owners = NULL;
	char		model_err[400] = "";

	sb_init(&buf);
	snprintf(run, sizeof(run), "%" PRId64, in->run_id);
	snprintf(keep, sizeof(keep), "%d", in->keep_runs);

	if (!db_exec(c, sql_query("begin")))
		goto cleanup;
	suggest_all(in, &actions, &owners);
	if (!copy_groups(c, in, owners, &buf))
		goto cleanup;
	FAILPOINT("publish_after_groups");
	if (!copy_group_items(c, in, actions, &buf) || !copy_pairs(c, in, &buf) ||
		!copy_near_misses(c, in, &buf))
		goto cleanup;
	FAILPOINT("publish_after_pairs");
	if (!copy_rejects(c, in->run_id, in->ds, in->rejects, &buf, true))
		goto cleanup;
	/* the model, written meanwhile on its own connection (publish.h) */
	if (in->model != NULL && !publish_model_wait(in->model, model_err, sizeof(model_err)))
		goto cleanup;
	FAILPOINT("publish_after_model");
	if (!publish_mark_run(c, in->run_id, "succeeded", NULL, in->counts, in->publish,
						  in->stats_json))
		goto cleanup;
	if (in->publish &&
		(!db_exec(c, sql_query("publish_unpublish")) ||
		 !db_query(c, sql_query("publish_point"), 1, params, NULL)))
		goto cleanup;
	/*
	 * keep the newest --keep-runs runs of each status (failed runs never push
	 * succeeded ones out), the published run, and for each reviewed group the
	 * newest run that holds it (docs/OPERATIONS.md "Keeping runs")
	 */
	if (!db_query(c,
				  sql_query("publish_prune_runs"),
				  2, params, NULL))
		goto cleanup;
	FAILPOINT("publish_before_commit");
	if (db_interrupted())
		goto cleanup;			/* the last moment a signal can stop the publish */
	if (!db_exec(c, sql_query("commit")))
		goto cleanup;
	ok = true;
	FAILPOINT("publish_between_commits");	/* results in, their model not yet (t_69) */
	/*
	 * the model, then the runs pruned once more: the one whose model readers
	 * used until now was kept above (publish_prune_runs.sql)
	 */
	if (in->model != NULL && publish_model_commit(in->model) &&
		!db_query(c, sql_query("publish_prune_runs"), 2, params, NULL))
		log_warn("runs beyond --keep-runs not deleted: %s (the next run deletes them)",
				 db_last_error(c));
	analyze_results(c);

cleanup:
	if (!ok)
	{
		snprintf(err, errlen, "publishing failed: %s",
				 model_err[0] ? model_err : db_interrupted() ?
				 "interrupted by a signal (SIGINT/SIGTERM)" : db_last_error(c));
		db_copy_in_abort(c, "itemdup: publishing failed");
		if (!db_exec(c, sql_query("rollback")))
			log_debug("rollback after a failed publish failed too");
	}
	free(actions);
	free(owners);
	sb_free(&buf);
	return ok;
}
