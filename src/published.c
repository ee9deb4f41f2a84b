/*
 * published.c — the published model read back from itemdup.model_*: the
 * packed rows of sql/009 (model_pack.h), fetched by bucket or page and
 * decoded here; every key and name is confirmed on its full text.
 */
#include "published.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model_pack.h"
#include "sql_query.h"

/*
 * The reads of the model in generation gen's own tables (the queries'
 * placeholder, sql/queries/README.md), into p->arena: a partition read by
 * name is planned and locked alone, a little cheaper than the partitioned
 * table pruned to it (docs/MATCHING.md "The published model").
 */
static void
name_generation(Published *p, int gen)
{
	const char *const q[PUB_NREADS] = {
		[PUB_ITEMS_BY_ID] = sql_query("published_items_by_id"),
		[PUB_ITEMS_BY_NO] = sql_query("published_items_by_no"),
		[PUB_NAMES_BY_NO] = sql_query("published_names_by_no"),
		[PUB_KEYS_BY_NO] = sql_query("published_keys_by_no"),
		[PUB_NAME_BUCKET] = sql_query("published_name_bucket"),
		[PUB_KEY_BUCKET] = sql_query("published_key_bucket"),
	};
	for (int i = 0; i < PUB_NREADS; i++)
	{
		char	   *s = sql_query_gen(q[i], gen);

		p->sql[i] = arena_strndup(&p->arena, s, strlen(s));
		free(s);
	}
}

bool
published_open(DbConn *c, Published *p)
{
	DbRows		rows;

#ifdef ITEMDUP_TEST_HOOKS
	model_test_constant_hash(testhook_enabled("ITEMDUP_MODEL_CONSTANT_HASH"));
#endif
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
		p->format = atoi(DB_VALUE(&rows, 0, 6));
		p->key_bits = (unsigned) atoi(DB_VALUE(&rows, 0, 7));
		p->name_bits = (unsigned) atoi(DB_VALUE(&rows, 0, 8));
		p->page_bits = (unsigned) atoi(DB_VALUE(&rows, 0, 9));
		snprintf(p->run_param, sizeof(p->run_param), "%" PRId64, p->run_id);
		name_generation(p, atoi(DB_VALUE(&rows, 0, 10)) == 1);
	}
	db_rows_free(&rows);
	if (p->run_id != 0 && p->format != MODEL_FORMAT)
	{
		log_error("the model of published run %" PRId64 " is in format %d, this itemdup reads "
				  "format %d: run itemdup run to publish one", p->run_id, p->format, MODEL_FORMAT);
		return false;
	}
	return true;
}

void
published_free(Published *p)
{
	arena_free(&p->arena);
	vec_free(&p->keys);
	vec_free(&p->items);
}

/* Ascending int64_t for qsort and bsearch. */
static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x;
	int64_t		b = *(const int64_t *) y;

	return (a > b) - (a < b);
}

/* "{1,-2,3}" into a malloc'd array of n int64, ascending and distinct. */
static int64_t *
parse_array(const char *text, uint32_t *n)
{
	int64_t    *v;
	uint32_t	cap = 1,
				d = 0;
	const char *s;

	*n = 0;
	for (s = text; *s; s++)
		cap += *s == ',';
	v = xmalloc(cap * sizeof(int64_t));
	for (s = text + 1; *s && *s != '}';)
	{
		char	   *end;

		v[(*n)++] = strtoll(s, &end, 10);
		s = *end == ',' ? end + 1 : end;
	}
	qsort(v, *n, sizeof(int64_t), cmp_i64);
	for (uint32_t i = 0; i < *n; i++)
		if (d == 0 || v[d - 1] != v[i])
			v[d++] = v[i];
	*n = d;
	return v;
}

/* Whether v[0..n) (ascending) holds x. */
static bool
holds(const int64_t *v, uint32_t n, int64_t x)
{
	return bsearch(&x, v, n, sizeof(int64_t), cmp_i64) != NULL;
}

/* Logs that the published model does not parse; false. */
static bool
corrupt(const Published *p)
{
	log_error("the published model of run %" PRId64 " is corrupt (a packed row does not parse, "
			  "format %d): run itemdup run to publish a new one", p->run_id, p->format);
	return false;
}

/* A packed row's hex text into a malloc'd blob (*r its reader); NULL when not hex. */
static uint8_t *
blob_of(const char *hex, ModelPackReader *r)
{
	size_t		len = hex ? strlen(hex) : 0;
	uint8_t    *blob = xmalloc(len / 2 + 1);

	if (hex == NULL || !model_unhex(hex, len, blob))
	{
		free(blob);
		return NULL;
	}
	r->p = blob;
	r->end = blob + len / 2;
	return blob;
}

/*
 * A packed key onto p->keys (the item list in p->arena); an account key's
 * name and name counts come from its name entry (set_name).
 */
static void
push_key(Published *p, const PackedKey *k, int64_t key_no)
{
	PubKey	   *pk = vec_push(&p->keys);

	memset(pk, 0, sizeof(*pk));
	pk->key_no = key_no;
	pk->persistent = k->persistent;
	pk->name_no = k->persistent ? MODEL_NONE : (int64_t) k->name_no;
	snprintf(pk->f.mask, sizeof(pk->f.mask), "%.*s", (int) k->mask.len, k->mask.s);
	pk->f.key_items = k->key_items;
	pk->f.gkey_items = k->gkey_items;
	if (!k->hot)
	{
		uint32_t   *u = arena_alloc(&p->arena, ((size_t) k->n_items + 1) * sizeof(uint32_t));

		model_unpack_key_items(k, u);
		pk->items = u;
		pk->n_items = k->n_items;
	}
}

/* A packed Item onto p->items (strings and accounts in p->arena); false on a bad environment. */
static bool
push_item(Published *p, const PackedItem *it, int64_t item_no)
{
	PubItem    *pi;
	int64_t    *keys,
			   *pkeys;

	if (it->env >= ENV_COUNT)
		return false;
	pi = vec_push(&p->items);
	memset(pi, 0, sizeof(*pi));
	keys = arena_alloc(&p->arena, ((size_t) it->n_acc + 1) * sizeof(int64_t));
	pkeys = arena_alloc(&p->arena, ((size_t) it->n_acc + 1) * sizeof(int64_t));
	model_unpack_item_accounts(it, keys, pkeys);
	pi->item_no = item_no;
	pi->environment = keys_environment_name((Environment) it->env);
	pi->institution_id = arena_strndup(&p->arena, it->institution.s, it->institution.len);
	pi->side.item_id = arena_strndup(&p->arena, it->item_id.s, it->item_id.len);
	pi->side.owner_id = it->has_owner
		? arena_strndup(&p->arena, it->owner_id.s, it->owner_id.len) : NULL;
	pi->side.created_at = it->created_at;
	pi->side.keyable = it->keyable;
	pi->side.n_acc = it->n_acc;
	pi->side.acc_key = keys;
	pi->side.acc_pkey = pkeys;
	return true;
}

/* Which entries of packed rows a reader wants: a key's text, key_no, item_no or item_id. */
typedef struct Want
{
	bool		persistent;
	int			env;			/* a persistent id's */
	const char *institution;	/* a persistent id's */
	const char *name;			/* the persistent id */
	int64_t		name_no;		/* an account key's name */
	const char *mask;
	const int64_t *nos;			/* key_no or item_no, ascending */
	uint32_t	n_nos;
	const char *const *ids;		/* item ids */
	int			n_ids;
} Want;

static bool
want_key(const Want *w, const PackedKey *k, int64_t key_no)
{
	if (w->nos != NULL)
		return holds(w->nos, w->n_nos, key_no);
	if (w->persistent)
		return k->persistent && k->env == w->env &&
			model_pack_str_eq(k->institution, w->institution) &&
			model_pack_str_eq(k->persistent_id, w->name);
	return !k->persistent && k->name_no == w->name_no && model_pack_str_eq(k->mask, w->mask);
}

static bool
want_item(const Want *w, const PackedItem *it, int64_t item_no)
{
	if (w->nos != NULL)
		return holds(w->nos, w->n_nos, item_no);
	for (int i = 0; i < w->n_ids; i++)
		if (model_pack_str_eq(it->item_id, w->ids[i]))
			return true;
	return false;
}

/* Rows (first_key_no, hex keys): the keys w wants onto p->keys; false when corrupt. */
static bool
add_keys(Published *p, const DbRows *rows, const Want *w)
{
	for (int r = 0; r < rows->nrows; r++)
	{
		ModelPackReader rd;
		PackedKey	k;
		uint8_t    *blob = blob_of(DB_VALUE(rows, r, 1), &rd);
		int64_t		no = strtoll(DB_VALUE(rows, r, 0), NULL, 10);
		int			rc = -1;

		while (blob != NULL && (rc = model_unpack_key(&rd, &k)) == 1)
		{
			if (want_key(w, &k, no))
				push_key(p, &k, no);
			no++;
		}
		free(blob);
		if (rc < 0)
			return corrupt(p);
	}
	return true;
}

/* Rows (page, hex items): the Items w wants onto p->items, in item_no order; false when corrupt. */
static bool
add_items(Published *p, const DbRows *rows, const Want *w)
{
	for (int r = 0; r < rows->nrows; r++)
	{
		ModelPackReader rd;
		PackedItem	it;
		uint8_t    *blob = blob_of(DB_VALUE(rows, r, 1), &rd);
		int64_t		no = strtoll(DB_VALUE(rows, r, 0), NULL, 10) << p->page_bits;
		int			rc = -1;

		while (blob != NULL && (rc = model_unpack_item(&rd, &it)) == 1)
		{
			if (want_item(w, &it, no) && !push_item(p, &it, no))
				rc = -1;
			no++;
			if (rc < 0)
				break;
		}
		free(blob);
		if (rc < 0)
			return corrupt(p);
	}
	return true;
}

/*
 * The rows of a query (params borrowed) into p through add; false, logged
 * as "could not read the published WHAT", when it fails (or when add finds
 * the rows corrupt, which it logs).
 */
static bool
read_into(DbConn *c, Published *p, const char *sql, int n, const char *const *params,
		  const char *what, bool (*add) (Published *, const DbRows *, const Want *),
		  const Want *w)
{
	DbRows		rows;
	bool		ok;

	if (!db_query(c, sql, n, params, &rows))
	{
		log_error("could not read the published %s: %s", what, db_last_error(c));
		return false;
	}
	ok = add(p, &rows, w);
	db_rows_free(&rows);
	return ok;
}

bool
published_read_items_by_id(DbConn *c, Published *p, const char *const *ids, int n)
{
	const char *params[3] = {p->run_param, n > 0 ? ids[0] : NULL, n > 1 ? ids[1] : NULL};
	Want		w = {.ids = ids, .n_ids = n};

	return read_into(c, p, p->sql[PUB_ITEMS_BY_ID], 3, params, "items", add_items, &w);
}

bool
published_read_items_by_no(DbConn *c, Published *p, const char *nos_array)
{
	const char *params[2] = {p->run_param, NULL};
	Want		w = {0};
	int64_t    *nos = parse_array(nos_array, &w.n_nos);
	StrBuf		pages;
	bool		ok;

	w.nos = nos;
	sb_init(&pages);
	sb_puts(&pages, "{");
	for (uint32_t i = 0; i < w.n_nos; i++)
		if (i == 0 || nos[i] >> p->page_bits != nos[i - 1] >> p->page_bits)
			sb_printf(&pages, i ? ",%" PRId64 : "%" PRId64, nos[i] >> p->page_bits);
	sb_puts(&pages, "}");
	params[1] = pages.data;
	ok = read_into(c, p, p->sql[PUB_ITEMS_BY_NO], 2, params, "items", add_items, &w);
	sb_free(&pages);
	free(nos);
	return ok;
}

/*
 * Name entries of rows (first_name_no, hex names) into hit: the one whose
 * text is (env, institution, name) when name != NULL, else each one whose
 * name_no p->keys[from..] asks for, set on those keys.  1 found (or done),
 * 0 not found, -1 corrupt.
 */
static int
scan_names(Published *p, const DbRows *rows, int env, const char *institution,
		   const char *name, size_t from, PubName *hit)
{
	for (int r = 0; r < rows->nrows; r++)
	{
		ModelPackReader rd;
		PackedName	nm;
		uint8_t    *blob = blob_of(DB_VALUE(rows, r, 1), &rd);
		int64_t		no = strtoll(DB_VALUE(rows, r, 0), NULL, 10);
		int			rc = -1;

		for (; blob != NULL && (rc = model_unpack_name(&rd, &nm)) == 1; no++)
		{
			if (name != NULL && nm.env == env && model_pack_str_eq(nm.institution, institution) &&
				model_pack_str_eq(nm.name, name))
			{
				*hit = (PubName) {no, arena_strndup(&p->arena, name, strlen(name)),
				nm.name_items, nm.gname_items};
				free(blob);
				return 1;
			}
			for (size_t i = from; name == NULL && i < p->keys.len; i++)
			{
				PubKey	   *k = &VEC_AT(&p->keys, PubKey, i);

				if (k->name_no != no)
					continue;
				k->name = arena_strndup(&p->arena, nm.name.s, nm.name.len);
				k->f.name_items = nm.name_items;
				k->f.gname_items = nm.gname_items;
			}
		}
		free(blob);
		if (rc < 0)
			return -1;
	}
	return name == NULL;
}

/* The names of the account keys p->keys[from..] (one query); false on an error (logged). */
static bool
read_key_names(DbConn *c, Published *p, size_t from)
{
	StrBuf		nos;
	DbRows		rows;
	const char *params[2] = {p->run_param, NULL};
	bool		ok = true;
	int			rc;

	sb_init(&nos);
	sb_puts(&nos, "{");
	for (size_t i = from; i < p->keys.len; i++)
		if (VEC_AT(&p->keys, PubKey, i).name_no != MODEL_NONE)
			sb_printf(&nos, nos.len > 1 ? ",%" PRId64 : "%" PRId64,
					  VEC_AT(&p->keys, PubKey, i).name_no);
	sb_puts(&nos, "}");
	params[1] = nos.data;
	if (nos.len > 2 && !db_query(c, p->sql[PUB_NAMES_BY_NO], 2, params, &rows))
	{
		log_error("could not read the published names: %s", db_last_error(c));
		ok = false;
	}
	else if (nos.len > 2)
	{
		rc = scan_names(p, &rows, 0, NULL, NULL, from, NULL);
		db_rows_free(&rows);
		for (size_t i = from; rc >= 0 && i < p->keys.len; i++)
			if (VEC_AT(&p->keys, PubKey, i).name_no != MODEL_NONE &&
				VEC_AT(&p->keys, PubKey, i).name == NULL)
				rc = -1;		/* a key naming a name the model lacks */
		ok = rc >= 0 || corrupt(p);
	}
	sb_free(&nos);
	return ok;
}

bool
published_read_keys_by_no(DbConn *c, Published *p, const char *nos_array)
{
	const char *params[2] = {p->run_param, nos_array};
	Want		w = {0};
	int64_t    *nos = parse_array(nos_array, &w.n_nos);
	size_t		before = p->keys.len;
	bool		ok;

	w.nos = nos;
	ok = read_into(c, p, p->sql[PUB_KEYS_BY_NO], 2, params, "keys", add_keys, &w) &&
		read_key_names(c, p, before);
	free(nos);
	return ok;
}

/*
 * The name (env, institution, name) from its hash's bucket into hit: 1
 * found, 0 not in the model, -1 error (logged).  The last one found is
 * kept, so check's key lookup and name lookup read it once.
 */
static int
lookup_name(DbConn *c, Published *p, int env, const char *institution, const char *name,
			PubName *hit)
{
	DbRows		rows;
	char		bucket[16];
	const char *params[2] = {p->run_param, bucket};
	int			rc;

	if (p->last_name.name != NULL && p->last_env == env &&
		strcmp(p->last_institution, institution) == 0 && strcmp(p->last_name.name, name) == 0)
	{
		*hit = p->last_name;
		return 1;
	}
	snprintf(bucket, sizeof(bucket), "%u",
			 model_bucket(model_hash_name(env, institution, name), p->name_bits));
	if (!db_query(c, p->sql[PUB_NAME_BUCKET], 2, params, &rows))
	{
		log_error("could not read the published model: %s", db_last_error(c));
		return -1;
	}
	rc = scan_names(p, &rows, env, institution, name, 0, hit);
	db_rows_free(&rows);
	if (rc < 0)
	{
		(void) corrupt(p);
		return -1;
	}
	if (rc == 1)
	{
		p->last_name = *hit;
		p->last_env = env;
		p->last_institution = arena_strndup(&p->arena, institution, strlen(institution));
	}
	return rc;
}

/* The key w describes, from its hash's bucket: appended to p->keys and returned, or NULL. */
static PubKey *
find_key(DbConn *c, Published *p, int64_t hash, const Want *w, bool *failed)
{
	size_t		before = p->keys.len;
	char		bucket[16];
	const char *params[2] = {p->run_param, bucket};

	snprintf(bucket, sizeof(bucket), "%u", model_bucket(hash, p->key_bits));
	if (!read_into(c, p, p->sql[PUB_KEY_BUCKET], 2, params, "keys", add_keys, w))
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
	PubName		h;
	int			rc = lookup_name(c, p, env, institution, name, &h);
	Want		w = {.name_no = h.name_no, .mask = mask};
	PubKey	   *k;

	if (rc <= 0)
	{
		*failed = rc < 0;
		return NULL;			/* no Item has the name: none has the key */
	}
	k = find_key(c, p, model_hash_account(env, institution, name, mask), &w, failed);
	if (k != NULL)
	{
		k->name = h.name;
		k->f.name_items = h.name_items;
		k->f.gname_items = h.gname_items;
	}
	return k;
}

const PubKey *
published_find_pkey(DbConn *c, Published *p, int env, const char *institution,
					const char *persistent_id, bool *failed)
{
	Want		w = {.persistent = true, .env = env, .institution = institution,
	.name = persistent_id};

	return find_key(c, p, model_hash_persistent(env, institution, persistent_id), &w, failed);
}

int
published_find_name(DbConn *c, Published *p, int env, const char *institution,
					const char *name, uint32_t *name_items, uint32_t *gname_items)
{
	PubName		h = {0};
	int			rc = lookup_name(c, p, env, institution, name, &h);

	*name_items = rc == 1 ? h.name_items : 0;
	*gname_items = rc == 1 ? h.gname_items : 0;
	return rc;
}

int64_t
published_institution_items(DbConn *c, Published *p, const char *institution)
{
	DbRows		rows;
	const char *params[2] = {p->run_param, institution};
	int64_t		n = 0;

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
