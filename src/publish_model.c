/*
 * publish_model.c — the run's model into itemdup.model_* (sql/006), inside
 * the publishing transaction (docs/MATCHING.md "The published model").
 */
#include "publish.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "sql_query.h"

/* An int list as a PostgreSQL array literal: {1,2,-1}. */
static void
put_array_u32(StrBuf *b, const uint32_t *v, uint32_t n)
{
	sb_puts(b, "{");
	for (uint32_t i = 0; i < n; i++)
		sb_printf(b, i ? ",%u" : "%u", v[i]);
	sb_puts(b, "}");
}

/* model_runs: the model version, threshold, cap, parameters and snapshot time. */
static bool
copy_meta(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const MatchModel *m = &match_default_model;

	if (!db_copy_in_begin(c, sql_query("model_runs")))
		return false;
	sb_printf(buf, "%" PRId64 "\t%s\t%.17g\t%u\t", in->run_id, SCORE_MODEL_NAME,
			  in->threshold, in->hot_key_cap);
	copyfmt_timestamp(buf, in->snapshot_at);
	sb_printf(buf, "\t%" PRIu64 "\t{\"dup_rate\": %.17g, \"m_account\": %.17g, "
			  "\"m_persistent\": %.17g, \"joint_rate\": %.17g, \"m_same_owner\": %.17g, "
			  "\"owner_rate\": %.17g, \"w_other_owner\": %.17g, \"w_unmatched_both\": %.17g, "
			  "\"w_unmatched_one\": %.17g, \"w_identical\": %.17g}\n",
			  in->match->stats.live_items, m->dup_rate, m->m_account, m->m_persistent,
			  m->joint_rate, m->m_same_owner, m->owner_rate, m->w_other_owner,
			  m->w_unmatched_both, m->w_unmatched_one, m->w_identical);
	return publish_copy_flush(c, buf, true) && db_copy_in_end(c);
}

/* model_institutions: live Items per institution id (N). */
static bool
copy_institutions(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const Dataset *ds = in->ds;

	if (!db_copy_in_begin(c, sql_query("model_institutions")))
		return false;
	for (size_t i = 0; i < ds->institutions.n; i++)
	{
		if (in->match->stats.institution_items[i] == 0)
			continue;
		sb_printf(buf, "%" PRId64 "\t", in->run_id);
		copyfmt_field(buf, ds->institutions.bytes[i], ds->institutions.lens[i]);
		sb_printf(buf, "\t%u\n", in->match->stats.institution_items[i]);
		if (!publish_copy_flush(c, buf, false))
			return false;
	}
	return publish_copy_flush(c, buf, true) && db_copy_in_end(c);
}

/* The items column of a key: its item_no list, or \N when the key is hot. */
static void
put_key_items(StrBuf *buf, const ModelIndex *ix, uint32_t key_no, uint32_t cap)
{
	uint32_t	n = model_key_count(ix, key_no);

	if (n > cap)
		sb_puts(buf, "\\N");
	else
		put_array_u32(buf, ix->key_item_nos + ix->key_offsets[key_no], n);
}

/* model_keys: every account key and persistent id with its counts and Items. */
static bool
copy_keys(DbConn *c, const PublishInput *in, const ModelIndex *ix, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	const KeyStats *st = &in->match->stats;

	if (!db_copy_in_begin(c, sql_query("model_keys")))
		return false;
	for (uint32_t no = 0; no < ix->n_keys + ix->n_pkeys; no++)
	{
		uint32_t	k = ix->ref_of_no[no];	/* the key in the Dataset's terms */

		if (model_key_count(ix, k) == 0)
			continue;			/* only on items that are not live */
		if (k < ix->n_keys)
		{
			const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);
			const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);
			const char *inst = ds->institutions.bytes[ni->institution];

			sb_printf(buf, "%" PRId64 "\t%u\t%" PRId64 "\taccount\t%s\t", in->run_id, no,
					  ix->key_hash[k], keys_environment_name((Environment) ni->env));
			copyfmt_field(buf, inst, strlen(inst));
			copyfmt_sep(buf);
			copyfmt_field(buf, ni->name, strlen(ni->name));
			sb_printf(buf, "\t%s\t\\N\t%u\t%u\t%u\t%u\t", ki->mask, st->name_items[ki->name],
					  st->key_items[k], st->gname_items[ni->gname], st->gkey_items[ki->gkey]);
		}
		else
		{
			int			env;
			const char *inst;
			const char *pid;

			model_pkey_parts(ds, k - ix->n_keys, &env, &inst, &pid);
			sb_printf(buf, "%" PRId64 "\t%u\t%" PRId64 "\tpersistent\t%s\t", in->run_id, no,
					  ix->key_hash[k], keys_environment_name((Environment) env));
			copyfmt_field(buf, inst, strlen(inst));
			sb_puts(buf, "\t\\N\t\\N\t");
			copyfmt_field(buf, pid, strlen(pid));
			sb_printf(buf, "\t\\N\t%u\t\\N\t\\N\t", model_key_count(ix, k));
		}
		put_key_items(buf, ix, k, in->hot_key_cap);
		copyfmt_eol(buf);
		if (!publish_copy_flush(c, buf, false))
			return false;
	}
	return publish_copy_flush(c, buf, true) && db_copy_in_end(c);
}

/* A name and its hash, for writing model_names in the order of its index. */
typedef struct NameRow
{
	int64_t		hash;
	uint32_t	name;
} NameRow;

/* name_hash order, then the name id. */
static int
cmp_name_row(const void *x, const void *y)
{
	const NameRow *a = x;
	const NameRow *b = y;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return (a->name > b->name) - (a->name < b->name);
}

/* model_names: per normalised name at an institution, its counts; in name_hash order. */
static bool
copy_names(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	const KeyStats *st = &in->match->stats;
	NameRow    *rows = xmalloc((ds->names.n + 1) * sizeof(NameRow));
	size_t		n = 0;
	bool		ok = false;

	for (uint32_t k = 0; k < ds->names.n; k++)
	{
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, k);

		if (st->name_items[k] > 0)
			rows[n++] = (NameRow) {model_hash_name(ni->env, ds->institutions.bytes[ni->institution],
												   ni->name), k};
	}
	qsort(rows, n, sizeof(NameRow), cmp_name_row);
	if (!db_copy_in_begin(c, sql_query("model_names")))
		goto cleanup;
	for (size_t i = 0; i < n; i++)
	{
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, rows[i].name);
		const char *inst = ds->institutions.bytes[ni->institution];

		sb_printf(buf, "%" PRId64 "\t%" PRId64 "\t%s\t", in->run_id, rows[i].hash,
				  keys_environment_name((Environment) ni->env));
		copyfmt_field(buf, inst, strlen(inst));
		copyfmt_sep(buf);
		copyfmt_field(buf, ni->name, strlen(ni->name));
		sb_printf(buf, "\t%u\t%u\n", st->name_items[rows[i].name], st->gname_items[ni->gname]);
		if (!publish_copy_flush(c, buf, false))
			goto cleanup;
	}
	ok = publish_copy_flush(c, buf, true) && db_copy_in_end(c);

cleanup:
	free(rows);
	return ok;
}

/* One model_items row: the item's accounts that carry a key or a persistent id. */
static void
put_item(StrBuf *buf, const PublishInput *in, const ModelIndex *ix, uint32_t no)
{
	const Dataset *ds = in->ds;
	const Item *it = DS_ITEM(ds, ix->item_of_no[no]);
	const char *inst = ds->institutions.bytes[it->institution];

	sb_printf(buf, "%" PRId64 "\t%u\t", in->run_id, no);
	copyfmt_field(buf, it->item_id, strlen(it->item_id));
	copyfmt_sep(buf);
	copyfmt_field(buf, it->owner_id, it->owner_id ? strlen(it->owner_id) : 0);
	sb_printf(buf, "\t%s\t", keys_environment_name((Environment) it->env));
	copyfmt_field(buf, inst, strlen(inst));
	copyfmt_sep(buf);
	copyfmt_timestamp(buf, it->created_at);
	sb_printf(buf, "\t%u\t", it->n_keyable);
	for (int pass = 0; pass < 2; pass++)
	{
		bool		first = true;

		sb_puts(buf, pass ? "\t{" : "{");
		for (uint32_t k = 0; k < it->n_accounts; k++)
		{
			const Account *a = DS_ACCOUNT(ds, it->first_account + k);

			if (a->key == KEY_NONE && a->pkey == KEY_NONE)
				continue;
			if (pass == 0)
				sb_printf(buf, first ? "%" PRId64 : ",%" PRId64, a->key == KEY_NONE
						  ? MODEL_NONE : (int64_t) ix->key_no_of[a->key]);
			else
				sb_printf(buf, first ? "%" PRId64 : ",%" PRId64, a->pkey == KEY_NONE
						  ? MODEL_NONE : (int64_t) ix->key_no_of[ix->n_keys + a->pkey]);
			first = false;
		}
		sb_puts(buf, "}");
	}
	copyfmt_eol(buf);
}

/* model_items: every keyed live Item (put_item). */
static bool
copy_items(DbConn *c, const PublishInput *in, const ModelIndex *ix, StrBuf *buf)
{
	if (!db_copy_in_begin(c, sql_query("model_items")))
		return false;
	for (uint32_t no = 0; no < ix->n_items; no++)
	{
		put_item(buf, in, ix, no);
		if (!publish_copy_flush(c, buf, false))
			return false;
	}
	return publish_copy_flush(c, buf, true) && db_copy_in_end(c);
}

bool
publish_write_model(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	ModelIndex	ix;
	char		run[32];
	const char *params[1] = {run};
	bool		ok;
	double		t = log_now();

	snprintf(run, sizeof(run), "%" PRId64, in->run_id);
	model_index_build(in->ds, &ix);
	ok = db_query(c, sql_query("model_prune_items"), 1, params, NULL) &&
		db_query(c, sql_query("model_prune_keys"), 1, params, NULL) &&
		db_query(c, sql_query("model_prune_names"), 1, params, NULL) &&
		db_query(c, sql_query("model_prune_institutions"), 1, params, NULL) &&
		db_query(c, sql_query("model_prune_runs"), 1, params, NULL) &&
		copy_meta(c, in, buf) && copy_institutions(c, in, buf) &&
		copy_keys(c, in, &ix, buf) && copy_names(c, in, buf) && copy_items(c, in, &ix, buf);
	if (ok)
		log_info("published model: %u keys, %u persistent ids, %u keyed items (%.3f s)",
				 ix.n_keys, ix.n_pkeys, ix.n_items, log_now() - t);
	model_index_free(&ix);
	return ok;
}

