/*
 * loader.c — source relation to Dataset, streaming.
 */
#include "loader.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "copyfmt.h"
#include "log.h"
#include "loader_int.h"
#include "payload.h"
#include "sql_query.h"

#define SOURCE_COLUMNS 8
#define COPY_COLUMNS (SOURCE_COLUMNS + 1)	/* and the name of a bad time column */

static const char *const required_columns[SOURCE_COLUMNS] = {
	"item_id", "owner_id", "environment", "institution_id",
	"payload", "created_at", "updated_at", "removed_at"
};

bool
loader_resolve_source(DbConn *c, const char *name, char *quoted, size_t qlen,
					  char *err, size_t errlen)
{
	DbRows		rows;
	const char *params[1] = {name};
	bool		ok = false;

	/* parse_ident checks the syntax and that the name has a schema */
	if (!db_query(c,
				  sql_query("read_resolve_source"),
				  1, params, &rows))
	{
		snprintf(err, errlen, "--source is not a valid relation name: %s", db_last_error(c));
		return false;
	}
	if (DB_VALUE(&rows, 0, 0) == NULL || strcmp(DB_VALUE(&rows, 0, 0), "2") != 0)
		snprintf(err, errlen, "--source must be schema-qualified (SCHEMA.NAME)");
	else if (strcmp(DB_VALUE(&rows, 0, 1), "t") != 0)
		snprintf(err, errlen, "source relation %s does not exist "
				 "(create the view, see README: pointing itemdup at your schema)", name);
	else if (strchr("rvmpf", DB_VALUE(&rows, 0, 3)[0]) == NULL)
		snprintf(err, errlen, "source %s is not a table or view", DB_VALUE(&rows, 0, 2));
	else if (strcmp(DB_VALUE(&rows, 0, 4), "t") != 0)
		snprintf(err, errlen, "permission denied: cannot SELECT from source %s",
				 DB_VALUE(&rows, 0, 2));
	else
	{
		snprintf(quoted, qlen, "%s", DB_VALUE(&rows, 0, 2));
		ok = true;
		/* the job never writes the source; a role that could is one mistake from it */
		if (strcmp(DB_VALUE(&rows, 0, 5), "t") == 0)
			log_warn("this role can write source %s (an auto-updatable view passes writes "
					 "to its table): grant it SELECT only (docs/OPERATIONS.md, Roles)", quoted);
	}
	db_rows_free(&rows);
	return ok;
}

/* How a source column's type is turned into what the COPY query ships. */
typedef enum ColKind
{
	COL_TEXT,
	COL_PAYLOAD,
	COL_TIME
} ColKind;

static ColKind
column_kind(int i)
{
	if (i == 4)
		return COL_PAYLOAD;
	return i >= 5 ? COL_TIME : COL_TEXT;
}

/* Check the columns exist with usable types; *jsonb says whether payload is jsonb. */
static bool
check_columns(DbConn *c, const char *quoted, bool *jsonb, char *err, size_t errlen)
{
	DbRows		rows;
	const char *params[1] = {quoted};
	bool		ok = true;

	if (!db_query(c,
				  sql_query("read_columns"),
				  1, params, &rows))
	{
		snprintf(err, errlen, "could not read the columns of %s: %s", quoted, db_last_error(c));
		return false;
	}
	for (int i = 0; i < SOURCE_COLUMNS && ok; i++)
	{
		int			found = -1;

		for (int r = 0; r < rows.nrows; r++)
			if (strcmp(DB_VALUE(&rows, r, 0), required_columns[i]) == 0)
				found = r;
		if (found < 0)
		{
			snprintf(err, errlen, "source %s has no column \"%s\" (the source contract needs "
					 "item_id, owner_id, environment, institution_id, payload, created_at, "
					 "updated_at, removed_at)", quoted, required_columns[i]);
			ok = false;
			break;
		}
		const char *typ = DB_VALUE(&rows, found, 1);
		const char *cat = DB_VALUE(&rows, found, 2);

		if (column_kind(i) == COL_PAYLOAD)
			*jsonb = strcmp(typ, "jsonb") == 0;
		if (column_kind(i) == COL_PAYLOAD && strcmp(typ, "jsonb") != 0 &&
			strcmp(typ, "json") != 0 && strcmp(cat, "S") != 0)
		{
			snprintf(err, errlen, "source column payload is %s; it must be jsonb, json or text", typ);
			ok = false;
		}
		else if (column_kind(i) == COL_TIME && strcmp(cat, "D") != 0 && strcmp(typ, "unknown") != 0)
		{
			snprintf(err, errlen, "source column %s is %s; it must be timestamptz",
					 required_columns[i], typ);
			ok = false;
		}
	}
	db_rows_free(&rows);
	return ok;
}

static int64_t
parse_int64(const char *s)
{
	return s ? strtoll(s, NULL, 10) : TIMESTAMP_NULL;
}

static void
add_reject(LoadCtx *ctx, uint32_t item, RejectReason reason, const char *detail)
{
	RejectRow  *r = vec_push(ctx->rejects);

	r->item = item;
	r->reason = (uint8_t) reason;
	r->detail = arena_strndup(&ctx->ds->arena, detail, strlen(detail));
}

/*
 * The payload of one Item: the flat path's, or its text parsed into *p.
 * Sets *row_hash (the snapshot tie-break: the parsed content's hash, or
 * the text's when it is rejected) and returns the parse's reject.
 */
static RejectReason
take_payload(LoadCtx *ctx, const char *payload, size_t plen, const PayloadItem *flat,
			 PayloadItem *p, uint64_t *row_hash, char *detail, size_t dlen)
{
	RejectReason r;

	if (flat != NULL)
	{
		*p = *flat;
		*row_hash = payload_item_hash(p);
		return REJECT_NONE;
	}
	ctx->st->payload_bytes += (int64_t) plen;
	r = ctx->from_jsonb
		? payload_parse_jsonb(payload, plen, &ctx->scratch, p, detail, dlen)
		: payload_parse(payload, plen, &ctx->scratch, p, detail, dlen);
	*row_hash = r == REJECT_NONE ? payload_item_hash(p) : XXH3_64bits(payload, plen);
	return r;
}

/*
 * Whether a row belongs to another class than the pass's (--partitions):
 * the class of the institution keys_add_item will resolve for it (the
 * census's assignment when there is one); a row with no usable payload
 * (rejected, removed) is of class 0.
 */
static bool
foreign_row(const LoadCtx *ctx, const SourceRow *sr, RejectReason reason, const PayloadItem *p)
{
	char		buf[KEYS_INSTITUTION_BUF];
	size_t		len = 0;
	const char *inst = NULL;
	uint32_t	id = KEY_NONE;

	if (ctx->partitions <= 1)
		return false;
	if (reason == REJECT_NONE && !sr->removed)
		inst = keys_institution_text(sr, p, ctx->map, buf, &len);
	if (inst != NULL && ctx->classes != NULL)
		id = keys_lookup(ctx->classes, inst, len);
	return (id == KEY_NONE ? 0 : ctx->class_of[id]) != ctx->partition;
}

/* The row number of the Item just added (its index in one pass). */
static void
number_item(LoadCtx *ctx)
{
	if (ctx->ordinal != NULL)
		*(uint32_t *) vec_push(ctx->ordinal) = (uint32_t) (ctx->st->items_read - 1);
}

/*
 * A row of another class: dropped, unless its item_id has other rows — then
 * a removed Item without payload or owner, so it takes part in the
 * snapshot rule, no more.
 */
static void
take_foreign(LoadCtx *ctx, SourceRow *sr)
{
	ctx->n_foreign++;
	if (ctx->multi != NULL &&
		(sr->item_id == NULL || keys_lookup(ctx->multi, sr->item_id, sr->item_id_len) == KEY_NONE))
		return;
	sr->removed = true;
	sr->owner_id = NULL;
	(void) keys_add_item(ctx->ds, sr, REJECT_NONE, NULL, ctx->map);
	*(uint8_t *) vec_push(ctx->foreign) = 1;
	number_item(ctx);
}

bool
loader_take_item(LoadCtx *ctx, char *const *f, const size_t *flen,
				 const char *payload, size_t plen, const PayloadItem *flat)
{
	SourceRow	sr;
	PayloadItem p;
	RejectReason reason = REJECT_NONE;
	RejectReason parsed = REJECT_NONE;
	char		detail[160] = "";
	char		pdetail[160] = "";
	Environment env;
	uint32_t	idx;
	bool		has_payload = payload != NULL || flat != NULL;

	if (++ctx->st->items_read == 5)
		FAILPOINT("mid_read");
	memset(&sr, 0, sizeof(sr));
	sr.item_id = f[COL_ITEM_ID], sr.item_id_len = flen[COL_ITEM_ID];
	sr.owner_id = f[COL_OWNER_ID], sr.owner_id_len = flen[COL_OWNER_ID];
	sr.environment = f[COL_ENVIRONMENT], sr.environment_len = flen[COL_ENVIRONMENT];
	sr.institution_id = f[COL_INSTITUTION_ID], sr.institution_id_len = flen[COL_INSTITUTION_ID];
	sr.created_at = parse_int64(f[COL_CREATED_US]);
	sr.updated_at = parse_int64(f[COL_UPDATED_US]);
	sr.removed = f[COL_REMOVED] != NULL && f[COL_REMOVED][0] == 't' && !has_payload;
	if (has_payload)
		parsed = take_payload(ctx, payload, plen, flat, &p, &sr.row_hash,
							  pdetail, sizeof(pdetail));

	if (!keys_check_item_id(f[COL_ITEM_ID], flen[COL_ITEM_ID], detail, sizeof(detail)))
	{
		reason = REJECT_BAD_ITEM_ID;
		sr.item_id = NULL;
	}
	else if (sr.removed)
		reason = REJECT_NONE;
	else if (f[COL_BAD_TIME] != NULL)
	{
		/* the column name comes from the query, never from the source */
		reason = REJECT_BAD_TIMESTAMP;
		snprintf(detail, sizeof(detail), "%.20s is out of range: before year 1 or after 9999",
				 f[COL_BAD_TIME]);
	}
	else if (!keys_parse_environment(f[COL_ENVIRONMENT], flen[COL_ENVIRONMENT], &env))
	{
		reason = REJECT_BAD_ENVIRONMENT;
		snprintf(detail, sizeof(detail), "environment is %s, not sandbox, development or production",
				 f[COL_ENVIRONMENT] ? "another value" : "null");
	}
	else if (!has_payload)
	{
		reason = REJECT_NULL_PAYLOAD;
		snprintf(detail, sizeof(detail), "payload is null");
	}
	else
	{
		reason = parsed;
		memcpy(detail, pdetail, sizeof(detail));
	}
	if (ctx->take != NULL &&
		(sr.item_id == NULL || keys_lookup(ctx->multi, sr.item_id, sr.item_id_len) == KEY_NONE))
		ctx->take(ctx->take_arg, &sr, reason, detail,
				  reason == REJECT_NONE && !sr.removed ? &p : NULL, ctx->map,
				  (uint32_t) (ctx->st->items_read - 1));
	else if (foreign_row(ctx, &sr, reason, &p))
		take_foreign(ctx, &sr);
	else
	{
		idx = keys_add_item(ctx->ds, &sr, reason,
							reason == REJECT_NONE && !sr.removed ? &p : NULL, ctx->map);
		if (reason != REJECT_NONE)
			add_reject(ctx, idx, reason, detail);
		if (ctx->foreign != NULL)
			*(uint8_t *) vec_push(ctx->foreign) = 0;
		number_item(ctx);
	}

	if (ctx->st->items_read % 1024 == 0)
		log_progress("reading source", ctx->st->items_read, ctx->estimate, ctx->started);
	return !db_interrupted();
}

/* One text-path COPY row: the Item columns, then the payload as text. */
static bool
load_row(char *row, size_t len, void *arg)
{
	LoadCtx    *ctx = arg;
	char	   *f[COPY_COLUMNS];
	size_t		flen[COPY_COLUMNS];

	if (!copyfmt_split(row, len, COPY_COLUMNS, f, flen))
	{
		log_error("unexpected COPY row format from the source");
		return false;
	}
	arena_reset(&ctx->scratch);
	return loader_take_item(ctx, f, flen, f[ITEM_COLUMNS], flen[ITEM_COLUMNS], NULL);
}

/* A query file's text after its header comment lines (the part spliced). */
static const char *
sql_body(const char *text)
{
	while (strncmp(text, "--", 2) == 0 && strchr(text, '\n') != NULL)
		text = strchr(text, '\n') + 1;
	return text;
}

/*
 * read_item_columns.sql with its two times put in: read_epoch_us.sql of
 * each, or read_epoch_us_ext.sql (the same values by itemdup.epoch_us())
 * when epoch_ext; into out.
 */
static void
item_columns(StrBuf *out, bool epoch_ext)
{
	const char *epoch = sql_body(sql_query(epoch_ext ? "read_epoch_us_ext" : "read_epoch_us"));
	StrBuf		created,
				updated,
				a;

	sb_init(&created);
	sb_init(&updated);
	sb_init(&a);
	sb_replace(&created, epoch, ":ts", "created_at::timestamptz");
	sb_replace(&updated, epoch, ":ts", "updated_at::timestamptz");
	sb_replace(&a, sql_body(sql_query("read_item_columns")), ":created_us", created.data);
	sb_replace(out, a.data, ":updated_us", updated.data);
	sb_free(&created);
	sb_free(&updated);
	sb_free(&a);
}

/*
 * query (a read_*.sql file's text) with :item_columns (item_columns()),
 * :filters (NULL: none) and :source put in, into sql.
 */
static void
fill_query(StrBuf *sql, const char *query, const char *filters, const char *source_quoted,
		   bool epoch_ext)
{
	StrBuf		a,
				b,
				cols;

	sb_init(&a);
	sb_init(&b);
	sb_init(&cols);
	item_columns(&cols, epoch_ext);
	sb_replace(&a, sql_body(query), ":item_columns", cols.data);
	sb_replace(&b, a.data, ":filters", filters ? filters : "");
	/* last: the name is the server's quoting, but may hold any text */
	sb_replace(sql, b.data, ":source", source_quoted);
	sb_free(&a);
	sb_free(&b);
	sb_free(&cols);
}

/*
 * The planner's estimate of the source's rows (for progress), 0 if unknown.
 * Called outside any transaction: an EXPLAIN that fails (a view the planner
 * chokes on, a timeout) costs the progress line its estimate, logged, and
 * can never abort the read transaction.
 */
static int64_t
estimate_rows(DbConn *c, const char *quoted)
{
	StrBuf		sql;
	DbRows		rows;
	int64_t		n = 0;

	sb_init(&sql);
	fill_query(&sql, sql_query("read_estimate"), NULL, quoted, false);
	if (db_query(c, sql.data, 0, NULL, &rows))
	{
		cJSON	   *plan = cJSON_Parse(DB_VALUE(&rows, 0, 0));
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(plan, 0), "Plan"), "Plan Rows");

		if (cJSON_IsNumber(r))
			n = (int64_t) r->valuedouble;
		cJSON_Delete(plan);
		db_rows_free(&rows);
	}
	else
		log_warn("no row estimate for progress (EXPLAIN of %s failed: %s); reading on",
				 quoted, db_last_error(c));
	sb_free(&sql);
	return n;
}

/*
 * The estimate as far as it sizes the read's tables (keys_dataset_expect,
 * up to ~50 B of slots per estimated row): at most physical memory / 512
 * rows, so a wild estimate costs at most ~1/10 of the machine's memory; a
 * larger source than that needs more than a third of it for its data set
 * alone and grows its tables as it reads.  docs/SCALING.md "Memory model".
 */
static size_t
presize_rows(int64_t estimate)
{
	long		pages = sysconf(_SC_PHYS_PAGES);
	long		page = sysconf(_SC_PAGESIZE);
	size_t		cap = pages > 0 && page > 0 ? (size_t) pages / 512 * (size_t) page : 0;

	if (estimate <= 0)
		return 0;
	return (uint64_t) estimate < cap ? (size_t) estimate : cap;
}

/* itemdup.institution_map into map, inside the read transaction. */
static bool
load_institution_map(DbConn *c, InstitutionMap *map, char *err, size_t errlen)
{
	DbRows		rows;

	if (!db_query(c, sql_query("read_institution_map"), 0, NULL, &rows))
	{
		snprintf(err, errlen, "could not read itemdup.institution_map: %s", db_last_error(c));
		return false;
	}
	for (int r = 0; r < rows.nrows; r++)
		keys_map_add(map, DB_VALUE(&rows, r, 0), DB_VALUE(&rows, r, 1));
	db_rows_free(&rows);
	return true;
}

/* When the read transaction began (now() is its start): rows newer than this were not seen. */
static bool
read_snapshot_time(DbConn *c, LoadStats *st, char *err, size_t errlen)
{
	DbRows		rows;

	if (!db_query(c, sql_query("read_snapshot_time"), 0, NULL, &rows))
	{
		snprintf(err, errlen, "could not read the snapshot time: %s", db_last_error(c));
		return false;
	}
	st->snapshot_at = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
	db_rows_free(&rows);
	return true;
}

/*
 * COPY takes no parameters: the filter values travel as settings (set with
 * set_config($n), checked by the casts), never as SQL text.
 */
static bool
set_filters(DbConn *c, const LoadOptions *opt, char *err, size_t errlen)
{
	const char *params[6] = {
		opt->created_since ? opt->created_since : "",
		opt->created_until ? opt->created_until : "",
		opt->include_removed ? "on" : "off",
		opt->only_items[0] ? opt->only_items[0] : "",
		opt->only_items[1] ? opt->only_items[1] : "",
		opt->changed_since ? opt->changed_since : ""
	};

	if (!db_query(c,
				  sql_query("read_set_filters"), 6, params, NULL))
	{
		snprintf(err, errlen, "bad --created-since/--created-until value: %s",
				 db_last_error(c));
		return false;
	}
	return true;
}

/*
 * The COPY of the path (read_copy.sql around read_flat.sql with the rows of
 * read_flat_accounts.sql or read_flat_accounts_ext.sql, or around
 * read_text.sql) with the filters the options ask for: fragments whose
 * values travel as settings (set_filters).
 */
static void
copy_sql(StrBuf *sql, const LoadOptions *opt, const LoadStats *st, const char *copy_name)
{
	StrBuf		filters,
				query;

	sb_init(&filters);
	sb_init(&query);
	sb_puts(&filters, "");
	if (opt->created_since)
		sb_puts(&filters, sql_body(sql_query("read_filter_created_since")));
	if (opt->created_until)
		sb_puts(&filters, sql_body(sql_query("read_filter_created_until")));
	if (opt->changed_since)
		sb_puts(&filters, sql_body(sql_query("read_filter_changed_since")));
	if (opt->only_items[0])
		sb_puts(&filters, sql_body(sql_query("read_filter_only_items")));
	if (st->flat)
	{
		StrBuf		flat;

		sb_init(&flat);
		sb_replace(&flat, sql_body(sql_query("read_flat")), ":accounts",
				   sql_body(st->flat_ext ? sql_query("read_flat_accounts_ext")
							: sql_query("read_flat_accounts")));
		fill_query(&query, flat.data, filters.data, st->source_quoted, st->epoch_ext);
		sb_free(&flat);
	}
	else
		fill_query(&query, sql_query("read_text"), filters.data, st->source_quoted, false);
	sb_replace(sql, sql_body(copy_name), ":query", query.data);
	sb_free(&filters);
	sb_free(&query);
}

/*
 * The read path: the flat one for a jsonb payload unless --read-path text,
 * the text one otherwise; --read-path flat or flat-sql on another type fails
 * the run.  The flat rows are made by itemdup.flat_accounts() (extension
 * itemdup_check 1.1) when this role may call it, unless --read-path
 * flat-sql; by read_flat.sql's expressions otherwise.  The Items' times of
 * such a read are by itemdup.epoch_us() (1.2) when it may be called too.
 */
static bool
choose_path(DbConn *c, const LoadOptions *opt, LoadCtx *ctx, LoadStats *st,
			char *err, size_t errlen)
{
	DbRows		rows;

	if ((opt->read_path == READ_PATH_FLAT || opt->read_path == READ_PATH_FLAT_SQL) &&
		!ctx->from_jsonb)
	{
		snprintf(err, errlen, "--read-path flat needs a jsonb payload column; the payload "
				 "of %s is json or text (use --read-path text or auto)", st->source_quoted);
		return false;
	}
	st->flat = ctx->from_jsonb && opt->read_path != READ_PATH_TEXT;
	if (!st->flat || opt->read_path == READ_PATH_FLAT_SQL)
		return true;
	if (!db_query(c, sql_query("read_flat_ext_available"), 0, NULL, &rows))
	{
		snprintf(err, errlen, "could not look for itemdup.flat_accounts: %s", db_last_error(c));
		return false;
	}
	st->flat_ext = rows.nrows == 1 && strcmp(DB_VALUE(&rows, 0, 0), "t") == 0;
	st->epoch_ext = st->flat_ext && strcmp(DB_VALUE(&rows, 0, 1), "t") == 0;
	db_rows_free(&rows);
	return true;
}

const char *
loader_path_name(const LoadStats *st)
{
	return st->flat_ext ? "flat-ext" : st->flat ? "flat" : "text";
}

/* The read's counts over the winners of the snapshot rule (the class's rows only). */
static void
count_winners(const LoadCtx *ctx, LoadStats *st)
{
	const Dataset *ds = ctx->ds;

	st->items_read -= ctx->n_foreign;
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (ctx->foreign != NULL && VEC_AT(ctx->foreign, uint8_t, i))
			continue;
		if (it->superseded)
			st->items_superseded++;
		else if (it->removed)
			st->items_removed++;
		else if (it->reject != REJECT_NONE)
			st->items_rejected++;
		else
		{
			st->items_used++;
			st->accounts_read += it->n_accounts;
		}
	}
}

/*
 * Inside the read transaction, before the COPY: the snapshot time, the
 * columns (and so the path), the institution map, the filters.  False with
 * the reason in err.
 */
static bool
prepare_read(DbConn *c, const LoadOptions *opt, LoadCtx *ctx, InstitutionMap *map,
			 char *err, size_t errlen)
{
	LoadStats  *st = ctx->st;

	if (!read_snapshot_time(c, st, err, errlen) ||
		!check_columns(c, st->source_quoted, &ctx->from_jsonb, err, errlen) ||
		!load_institution_map(c, map, err, errlen))
		return false;
	if (!choose_path(c, opt, ctx, st, err, errlen) || !set_filters(c, opt, err, errlen))
		return false;
	/* the flat path's rows of one Item must arrive together: no Gather; the
	 * reads of --partitions number the rows alike */
	if ((st->flat && !db_exec(c, sql_query("read_no_gather"))) ||
		(ctx->ordinal != NULL && !db_exec(c, sql_query("read_no_syncscan"))))
	{
		snprintf(err, errlen, "could not set up the read: %s", db_last_error(c));
		return false;
	}
	return true;
}

/*
 * The COPY of the source through either path's row callback into ctx's
 * data set.  False with the reason in err (a signal, or the server's).
 */
static bool
copy_source(DbConn *c, const LoadOptions *opt, LoadCtx *ctx, char *err, size_t errlen)
{
	LoadStats  *st = ctx->st;
	StrBuf		sql;
	bool		copied;

	sb_init(&sql);
	copy_sql(&sql, opt, st, sql_query("read_copy"));
	log_debug("read path: %s", loader_path_name(st));
	ctx->started = log_now();
	copied = db_copy_out(c, sql.data, st->flat ? loader_flat_row : load_row, ctx);
	if (copied && st->flat)
		copied = loader_flat_finish(ctx);	/* the last Item */
	log_progress_end();
	sb_free(&sql);
	if (!copied)
	{
		if (db_interrupted())
			snprintf(err, errlen, "interrupted by a signal while reading the source");
		else
			snprintf(err, errlen, "reading source %s failed: %s", st->source_quoted,
					 db_last_error(c));
	}
	return copied;
}

/* One row of the multi-snapshot COPY: an item_id into the Interner (arg). */
static bool
multi_row(char *row, size_t len, void *arg)
{
	char	   *f[1];
	size_t		flen[1];

	if (!copyfmt_split(row, len, 1, f, flen))
	{
		log_error("unexpected COPY row format from the source");
		return false;
	}
	if (f[0] != NULL)
		(void) keys_intern(arg, f[0], flen[0], NULL);
	return !db_interrupted();
}

bool
loader_multi_snapshots(DbConn *c, const LoadOptions *opt, Interner *ids, char *err,
					   size_t errlen)
{
	LoadStats	st = {0};		/* read_multi reads no payload: the text path's query */
	StrBuf		sql;
	bool		ok;

	if (!loader_resolve_source(c, opt->source, st.source_quoted, sizeof(st.source_quoted),
							   err, errlen) ||
		!set_filters(c, opt, err, errlen))
		return false;
	sb_init(&sql);
	copy_sql(&sql, opt, &st, sql_query("read_multi"));
	ok = db_copy_out(c, sql.data, multi_row, ids);
	sb_free(&sql);
	if (!ok && db_interrupted())
		snprintf(err, errlen, "interrupted by a signal while reading the source");
	else if (!ok)
		snprintf(err, errlen, "reading source %s failed: %s", st.source_quoted, db_last_error(c));
	return ok;
}

bool
loader_read(DbConn *c, const LoadOptions *opt, Dataset *ds, Vec *rejects,
			LoadStats *st, char *err, size_t errlen)
{
	InstitutionMap map;
	LoadCtx		ctx;
	bool		ok = false;
	bool		in_tx = false;

	keys_map_init(&map);
	memset(&ctx, 0, sizeof(ctx));
	arena_init(&ctx.scratch);
	vec_init(&ctx.accounts, sizeof(PayloadAccount));
	ctx.ds = ds;
	ctx.rejects = rejects;
	ctx.st = st;
	ctx.map = &map;
	ctx.partitions = opt->partitions;
	ctx.partition = opt->partition;
	ctx.classes = opt->classes;
	ctx.class_of = opt->class_of;
	ctx.foreign = opt->partitions > 1 ? opt->foreign : NULL;
	ctx.multi = opt->multi;
	ctx.ordinal = opt->ordinal;
	ctx.take = opt->multi != NULL ? opt->take : NULL;
	ctx.take_arg = opt->take_arg;
	in_tx = opt->tx == LOAD_TX_IN;

	if (!loader_resolve_source(c, opt->source, st->source_quoted, sizeof(st->source_quoted),
							   err, errlen))
		goto cleanup;
	if (!in_tx)
		ctx.estimate = estimate_rows(c, st->source_quoted);
	keys_dataset_expect(ds, presize_rows(ctx.estimate));
	if (db_interrupted())
	{
		snprintf(err, errlen, "interrupted by a signal before reading the source");
		goto cleanup;
	}
	if (!in_tx && !db_exec(c, sql_query("begin_snapshot")))
	{
		snprintf(err, errlen, "could not begin the read transaction: %s", db_last_error(c));
		goto cleanup;
	}
	in_tx = true;
	if (!prepare_read(c, opt, &ctx, &map, err, errlen) ||
		!copy_source(c, opt, &ctx, err, errlen))
		goto cleanup;
	if (opt->tx == LOAD_TX_OWN && !db_exec(c, sql_query("commit")))
	{
		snprintf(err, errlen, "could not end the read transaction: %s", db_last_error(c));
		goto cleanup;
	}
	in_tx = false;
	count_winners(&ctx, st);
	ok = true;

cleanup:
	if (in_tx && !db_exec(c, sql_query("rollback")))
		log_debug("rollback after a failed read failed too: %s", db_last_error(c));
	arena_free(&ctx.scratch);
	vec_free(&ctx.accounts);
	keys_map_free(&map);
	return ok;
}
