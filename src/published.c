/*
 * published.c — the published model in and out of itemdup.model_*.
 */
#include "published.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* An int list as a PostgreSQL array literal: {1,2,-1}. */
static void
put_array_u32(StrBuf *b, const uint32_t *v, uint32_t n)
{
	sb_puts(b, "{");
	for (uint32_t i = 0; i < n; i++)
		sb_printf(b, i ? ",%u" : "%u", v[i]);
	sb_puts(b, "}");
}

static bool
copy_meta(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const MatchModel *m = &match_default_model;

	if (!db_copy_in_begin(c, "COPY itemdup.model_runs (run_id, model, threshold, hot_key_cap, "
						  "snapshot_at, live_items, params) FROM STDIN"))
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

static bool
copy_institutions(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const Dataset *ds = in->ds;

	if (!db_copy_in_begin(c, "COPY itemdup.model_institutions (run_id, institution_id, items) "
						  "FROM STDIN"))
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

static bool
copy_keys(DbConn *c, const PublishInput *in, const ModelIndex *ix, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	const KeyStats *st = &in->match->stats;

	if (!db_copy_in_begin(c, "COPY itemdup.model_keys (run_id, key_no, key_hash, kind, "
						  "environment, institution_id, name, mask, persistent_id, name_items, "
						  "key_items, gname_items, gkey_items, items) FROM STDIN"))
		return false;
	for (uint32_t k = 0; k < ix->n_keys + ix->n_pkeys; k++)
	{
		if (model_key_count(ix, k) == 0)
			continue;			/* only on items that are not live */
		if (k < ix->n_keys)
		{
			const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);
			const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);
			const char *inst = ds->institutions.bytes[ni->institution];

			sb_printf(buf, "%" PRId64 "\t%u\t%" PRId64 "\taccount\t%s\t", in->run_id, k,
					  model_hash_account(ni->env, inst, ni->name, ki->mask),
					  keys_environment_name((Environment) ni->env));
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
			sb_printf(buf, "%" PRId64 "\t%u\t%" PRId64 "\tpersistent\t%s\t", in->run_id, k,
					  model_hash_persistent(env, inst, pid),
					  keys_environment_name((Environment) env));
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

static bool
copy_names(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	const KeyStats *st = &in->match->stats;

	if (!db_copy_in_begin(c, "COPY itemdup.model_names (run_id, name_hash, environment, "
						  "institution_id, name, name_items, gname_items) FROM STDIN"))
		return false;
	for (uint32_t n = 0; n < ds->names.n; n++)
	{
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, n);
		const char *inst = ds->institutions.bytes[ni->institution];

		if (st->name_items[n] == 0)
			continue;
		sb_printf(buf, "%" PRId64 "\t%" PRId64 "\t%s\t", in->run_id,
				  model_hash_name(ni->env, inst, ni->name),
				  keys_environment_name((Environment) ni->env));
		copyfmt_field(buf, inst, strlen(inst));
		copyfmt_sep(buf);
		copyfmt_field(buf, ni->name, strlen(ni->name));
		sb_printf(buf, "\t%u\t%u\n", st->name_items[n], st->gname_items[ni->gname]);
		if (!publish_copy_flush(c, buf, false))
			return false;
	}
	return publish_copy_flush(c, buf, true) && db_copy_in_end(c);
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
				sb_printf(buf, first ? "%" PRId64 : ",%" PRId64,
						  a->key == KEY_NONE ? (int64_t) MODEL_NONE : (int64_t) a->key);
			else
				sb_printf(buf, first ? "%" PRId64 : ",%" PRId64, a->pkey == KEY_NONE
						  ? (int64_t) MODEL_NONE : (int64_t) (ix->n_keys + a->pkey));
			first = false;
		}
		sb_puts(buf, "}");
	}
	copyfmt_eol(buf);
}

static bool
copy_items(DbConn *c, const PublishInput *in, const ModelIndex *ix, StrBuf *buf)
{
	if (!db_copy_in_begin(c, "COPY itemdup.model_items (run_id, item_no, item_id, owner_id, "
						  "environment, institution_id, created_at, keyable, account_keys, "
						  "account_pkeys) FROM STDIN"))
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
published_write_model(DbConn *c, const PublishInput *in, StrBuf *buf)
{
	ModelIndex	ix;
	char		run[32];
	const char *params[1] = {run};
	bool		ok;
	double		t = log_now();

	snprintf(run, sizeof(run), "%" PRId64, in->run_id);
	model_index_build(in->ds, &ix);
	ok = db_query(c, "DELETE FROM itemdup.model_items WHERE run_id <> $1::bigint", 1, params, NULL) &&
		db_query(c, "DELETE FROM itemdup.model_keys WHERE run_id <> $1::bigint", 1, params, NULL) &&
		db_query(c, "DELETE FROM itemdup.model_names WHERE run_id <> $1::bigint", 1, params, NULL) &&
		db_query(c, "DELETE FROM itemdup.model_institutions WHERE run_id <> $1::bigint", 1,
				 params, NULL) &&
		db_query(c, "DELETE FROM itemdup.model_runs WHERE run_id <> $1::bigint", 1, params, NULL) &&
		copy_meta(c, in, buf) && copy_institutions(c, in, buf) &&
		copy_keys(c, in, &ix, buf) && copy_names(c, in, buf) && copy_items(c, in, &ix, buf);
	if (ok)
		log_info("published model: %u keys, %u persistent ids, %u keyed items (%.3f s)",
				 ix.n_keys, ix.n_pkeys, ix.n_items, log_now() - t);
	model_index_free(&ix);
	return ok;
}

bool
published_open(DbConn *c, Published *p)
{
	DbRows		rows;

	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	vec_init(&p->keys, sizeof(PubKey));
	vec_init(&p->items, sizeof(PubItem));
	if (!db_query(c, "SELECT m.run_id, m.threshold, m.hot_key_cap, m.snapshot_at::text, m.model, "
				  "       (m.snapshot_at - interval '" PUBLISHED_RECENT_MARGIN "')::text "
				  "  FROM itemdup.published p JOIN itemdup.model_runs m ON m.run_id = p.run_id",
				  0, NULL, &rows))
	{
		log_error("could not read the published model: %s", db_last_error(c));
		return false;
	}
	if (rows.nrows > 0)
	{
		p->run_id = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
		p->threshold = strtod(DB_VALUE(&rows, 0, 1), NULL);
		p->hot_key_cap = (uint32_t) strtoul(DB_VALUE(&rows, 0, 2), NULL, 10);
		snprintf(p->snapshot_at, sizeof(p->snapshot_at), "%s", DB_VALUE(&rows, 0, 3));
		snprintf(p->model, sizeof(p->model), "%s", DB_VALUE(&rows, 0, 4));
		snprintf(p->recent_since, sizeof(p->recent_since), "%s", DB_VALUE(&rows, 0, 5));
	}
	db_rows_free(&rows);
	return true;
}

void
published_free(Published *p)
{
	arena_free(&p->arena);
	vec_free(&p->keys);
	vec_free(&p->items);
}

/* "{1,-2,3}" into an arena array of n int64; NULL text gives NULL. */
static int64_t *
parse_array(Arena *a, const char *text, uint32_t *n)
{
	int64_t    *v;
	uint32_t	cap = 1;
	const char *s;

	*n = 0;
	if (text == NULL)
		return NULL;
	for (s = text; *s; s++)
		cap += *s == ',';
	v = arena_alloc(a, cap * sizeof(int64_t));
	for (s = text + 1; *s && *s != '}';)
	{
		char	   *end;

		v[(*n)++] = strtoll(s, &end, 10);
		s = *end == ',' ? end + 1 : end;
	}
	return v;
}

static const char *
dup_or_null(Arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

#define ITEM_COLUMNS "item_no, item_id, owner_id, environment, institution_id, " \
	"(EXTRACT(EPOCH FROM created_at) * 1000000)::int8, keyable, account_keys::text, " \
	"account_pkeys::text FROM itemdup.model_items WHERE run_id = $1::bigint "

static void
add_items(Published *p, const DbRows *rows)
{
	for (int r = 0; r < rows->nrows; r++)
	{
		PubItem    *it = vec_push(&p->items);
		uint32_t	n1,
					n2;

		it->item_no = strtoll(DB_VALUE(rows, r, 0), NULL, 10);
		it->side.item_id = dup_or_null(&p->arena, DB_VALUE(rows, r, 1));
		it->side.owner_id = dup_or_null(&p->arena, DB_VALUE(rows, r, 2));
		it->environment = dup_or_null(&p->arena, DB_VALUE(rows, r, 3));
		it->institution_id = dup_or_null(&p->arena, DB_VALUE(rows, r, 4));
		it->side.created_at = DB_VALUE(rows, r, 5) ? strtoll(DB_VALUE(rows, r, 5), NULL, 10)
			: INT64_MIN;
		it->side.keyable = (uint32_t) strtoul(DB_VALUE(rows, r, 6), NULL, 10);
		it->side.acc_key = parse_array(&p->arena, DB_VALUE(rows, r, 7), &n1);
		it->side.acc_pkey = parse_array(&p->arena, DB_VALUE(rows, r, 8), &n2);
		it->side.n_acc = n1 < n2 ? n1 : n2;
	}
}

bool
published_read_items_by_id(DbConn *c, Published *p, const char *const *ids, int n)
{
	DbRows		rows;
	char		run[32];
	const char *params[3] = {run, n > 0 ? ids[0] : NULL, n > 1 ? ids[1] : NULL};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	if (!db_query(c, "SELECT " ITEM_COLUMNS "AND item_id IN ($2, $3) ORDER BY item_no",
				  3, params, &rows))
	{
		log_error("could not read the published items: %s", db_last_error(c));
		return false;
	}
	add_items(p, &rows);
	db_rows_free(&rows);
	return true;
}

bool
published_read_items_by_no(DbConn *c, Published *p, const char *nos_array)
{
	DbRows		rows;
	char		run[32];
	const char *params[2] = {run, nos_array};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	if (!db_query(c, "SELECT " ITEM_COLUMNS "AND item_no = ANY ($2::int[]) ORDER BY item_no",
				  2, params, &rows))
	{
		log_error("could not read the published items: %s", db_last_error(c));
		return false;
	}
	add_items(p, &rows);
	db_rows_free(&rows);
	return true;
}

#define KEY_COLUMNS "key_no, kind, name, mask, name_items, key_items, gname_items, " \
	"gkey_items, items::text FROM itemdup.model_keys WHERE run_id = $1::bigint "

static void
add_keys(Published *p, const DbRows *rows)
{
	for (int r = 0; r < rows->nrows; r++)
	{
		PubKey	   *k = vec_push(&p->keys);
		const char *mask = DB_VALUE(rows, r, 3);
		uint32_t	n;
		int64_t    *items;

		memset(k, 0, sizeof(*k));
		k->key_no = strtoll(DB_VALUE(rows, r, 0), NULL, 10);
		k->persistent = strcmp(DB_VALUE(rows, r, 1), "persistent") == 0;
		k->name = dup_or_null(&p->arena, DB_VALUE(rows, r, 2));
		snprintf(k->f.mask, sizeof(k->f.mask), "%s", mask ? mask : "");
		k->f.name_items = (uint32_t) strtoul(db_text(rows, r, 4), NULL, 10);
		k->f.key_items = (uint32_t) strtoul(db_text(rows, r, 5), NULL, 10);
		k->f.gname_items = (uint32_t) strtoul(db_text(rows, r, 6), NULL, 10);
		k->f.gkey_items = (uint32_t) strtoul(db_text(rows, r, 7), NULL, 10);
		items = parse_array(&p->arena, DB_VALUE(rows, r, 8), &n);
		if (items != NULL)
		{
			uint32_t   *u = arena_alloc(&p->arena, (n + 1) * sizeof(uint32_t));

			for (uint32_t i = 0; i < n; i++)
				u[i] = (uint32_t) items[i];
			k->items = u;
			k->n_items = n;
		}
	}
}

bool
published_read_keys_by_no(DbConn *c, Published *p, const char *nos_array)
{
	DbRows		rows;
	char		run[32];
	const char *params[2] = {run, nos_array};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	if (!db_query(c, "SELECT " KEY_COLUMNS "AND key_no = ANY ($2::int[]) ORDER BY key_no",
				  2, params, &rows))
	{
		log_error("could not read the published keys: %s", db_last_error(c));
		return false;
	}
	add_keys(p, &rows);
	db_rows_free(&rows);
	return true;
}

/* One key by hash, confirmed on every text column; appended to p->keys. */
static const PubKey *
find_key(DbConn *c, Published *p, const char *sql, const char *const *params, int n,
		 bool *failed)
{
	DbRows		rows;
	size_t		before = p->keys.len;

	if (!db_query(c, sql, n, params, &rows))
	{
		log_error("could not read the published keys: %s", db_last_error(c));
		*failed = true;
		return NULL;
	}
	add_keys(p, &rows);
	db_rows_free(&rows);
	return p->keys.len > before ? &VEC_AT(&p->keys, PubKey, before) : NULL;
}

const PubKey *
published_find_account_key(DbConn *c, Published *p, int env, const char *institution,
						   const char *name, const char *mask, bool *failed)
{
	char		run[32],
				hash[32];
	const char *params[6] = {run, hash, keys_environment_name((Environment) env), institution,
	name, mask};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	snprintf(hash, sizeof(hash), "%" PRId64, model_hash_account(env, institution, name, mask));
	return find_key(c, p, "SELECT " KEY_COLUMNS "AND key_hash = $2::bigint AND kind = 'account' "
					"AND environment = $3 AND institution_id = $4 AND name = $5 AND mask = $6",
					params, 6, failed);
}

const PubKey *
published_find_pkey(DbConn *c, Published *p, int env, const char *institution,
					const char *persistent_id, bool *failed)
{
	char		run[32],
				hash[32];
	const char *params[5] = {run, hash, keys_environment_name((Environment) env), institution,
	persistent_id};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	snprintf(hash, sizeof(hash), "%" PRId64, model_hash_persistent(env, institution, persistent_id));
	return find_key(c, p, "SELECT " KEY_COLUMNS "AND key_hash = $2::bigint "
					"AND kind = 'persistent' AND environment = $3 AND institution_id = $4 "
					"AND persistent_id = $5", params, 5, failed);
}

int
published_find_name(DbConn *c, Published *p, int env, const char *institution,
					const char *name, uint32_t *name_items, uint32_t *gname_items)
{
	DbRows		rows;
	char		run[32],
				hash[32];
	const char *params[5] = {run, hash, keys_environment_name((Environment) env), institution,
	name};
	int			found = 0;

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	snprintf(hash, sizeof(hash), "%" PRId64, model_hash_name(env, institution, name));
	*name_items = *gname_items = 0;
	if (!db_query(c, "SELECT name_items, gname_items FROM itemdup.model_names "
				  "WHERE run_id = $1::bigint AND name_hash = $2::bigint AND environment = $3 "
				  "AND institution_id = $4 AND name = $5", 5, params, &rows))
	{
		log_error("could not read the published model: %s", db_last_error(c));
		return -1;
	}
	if (rows.nrows > 0)
	{
		*name_items = (uint32_t) strtoul(DB_VALUE(&rows, 0, 0), NULL, 10);
		*gname_items = (uint32_t) strtoul(DB_VALUE(&rows, 0, 1), NULL, 10);
		found = 1;
	}
	db_rows_free(&rows);
	return found;
}

int64_t
published_institution_items(DbConn *c, Published *p, const char *institution)
{
	DbRows		rows;
	char		run[32];
	const char *params[2] = {run, institution};
	int64_t		n = 0;

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	if (!db_query(c, "SELECT items FROM itemdup.model_institutions "
				  "WHERE run_id = $1::bigint AND institution_id = $2", 2, params, &rows))
	{
		log_error("could not read the published model: %s", db_last_error(c));
		return -1;
	}
	if (rows.nrows > 0)
		n = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
	db_rows_free(&rows);
	return n;
}

const PubKey *
published_key(const Published *p, int64_t key_no)
{
	for (size_t i = 0; i < p->keys.len; i++)
		if (VEC_AT(&p->keys, PubKey, i).key_no == key_no)
			return &VEC_AT(&p->keys, PubKey, i);
	return NULL;
}
