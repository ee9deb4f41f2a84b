/*
 * published.c — the published model in and out of itemdup.model_*.
 */
#include "published.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sql_query.h"

bool
published_open(DbConn *c, Published *p)
{
	DbRows		rows;

	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	vec_init(&p->keys, sizeof(PubKey));
	vec_init(&p->items, sizeof(PubItem));
	if (!db_query(c, sql_query("published_open"), 0, NULL, &rows))
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

/* s copied into a, or NULL. */
static const char *
dup_or_null(Arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* Rows of published_items_by_*.sql into p->items (strings in p->arena). */
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

/*
 * The rows of a query (params borrowed) into p through add; false, logged
 * as "could not read the published WHAT", when it fails.
 */
static bool
read_into(DbConn *c, Published *p, const char *sql, int n, const char *const *params,
		  const char *what, void (*add) (Published *, const DbRows *))
{
	DbRows		rows;

	if (!db_query(c, sql, n, params, &rows))
	{
		log_error("could not read the published %s: %s", what, db_last_error(c));
		return false;
	}
	add(p, &rows);
	db_rows_free(&rows);
	return true;
}

bool
published_read_items_by_id(DbConn *c, Published *p, const char *const *ids, int n)
{
	char		run[32];
	const char *params[3] = {run, n > 0 ? ids[0] : NULL, n > 1 ? ids[1] : NULL};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	return read_into(c, p, sql_query("published_items_by_id"), 3, params, "items", add_items);
}

bool
published_read_items_by_no(DbConn *c, Published *p, const char *nos_array)
{
	char		run[32];
	const char *params[2] = {run, nos_array};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	return read_into(c, p, sql_query("published_items_by_no"), 2, params, "items", add_items);
}

/* Rows of published_keys_by_no.sql (and the key lookups) into p->keys (strings and lists in p->arena). */
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
	char		run[32];
	const char *params[2] = {run, nos_array};

	snprintf(run, sizeof(run), "%" PRId64, p->run_id);
	return read_into(c, p, sql_query("published_keys_by_no"), 2, params, "keys", add_keys);
}

/* One key by hash, confirmed on every text column; appended to p->keys. */
static const PubKey *
find_key(DbConn *c, Published *p, const char *sql, const char *const *params, int n,
		 bool *failed)
{
	size_t		before = p->keys.len;

	if (!read_into(c, p, sql, n, params, "keys", add_keys))
	{
		*failed = true;
		return NULL;
	}
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
	return find_key(c, p, sql_query("published_account_key"), params, 6, failed);
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
	return find_key(c, p, sql_query("published_pkey"), params, 5, failed);
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
	if (!db_query(c, sql_query("published_name"), 5, params, &rows))
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
	if (!db_query(c, sql_query("published_institution_items"), 2, params, &rows))
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
