/*
 * loader.c — source relation to Dataset, streaming.
 */
#include "loader.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "copyfmt.h"
#include "log.h"
#include "loader_int.h"
#include "payload.h"

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
				  "SELECT pg_catalog.array_length(pg_catalog.parse_ident($1), 1), "
				  "       n.nspname IS NOT NULL, "
				  "       pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.' "
				  "       OPERATOR(pg_catalog.||) pg_catalog.quote_ident(r.relname), "
				  "       r.relkind::text, "
				  "       pg_catalog.has_table_privilege(r.oid, 'SELECT'), "
				  "       pg_catalog.has_table_privilege(r.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') "
				  "       AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles "
				  "                 WHERE rolname OPERATOR(pg_catalog.=) current_user) "
				  "  FROM (SELECT pg_catalog.to_regclass($1) AS oid) x "
				  "  LEFT JOIN pg_catalog.pg_class r ON r.oid = x.oid "
				  "  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace",
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
				  "SELECT a.attname::text, t.typname::text, t.typcategory::text "
				  "  FROM pg_catalog.pg_attribute a "
				  "  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
				  " WHERE a.attrelid = pg_catalog.to_regclass($1) "
				  "   AND a.attnum > 0 AND NOT a.attisdropped",
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
	idx = keys_add_item(ctx->ds, &sr, reason,
						reason == REJECT_NONE && !sr.removed ? &p : NULL, ctx->map);
	if (reason != REJECT_NONE)
		add_reject(ctx, idx, reason, detail);

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
	sb_printf(&sql, "EXPLAIN (FORMAT JSON) SELECT 1 FROM %s", quoted);
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

/* itemdup.institution_map into map, inside the read transaction. */
static bool
load_institution_map(DbConn *c, InstitutionMap *map, char *err, size_t errlen)
{
	DbRows		rows;

	if (!db_query(c, "SELECT legacy_type, institution_id FROM itemdup.institution_map",
				  0, NULL, &rows))
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

	if (!db_query(c, "SELECT (EXTRACT(EPOCH FROM pg_catalog.now()) * 1000000)::int8", 0, NULL,
				  &rows))
	{
		snprintf(err, errlen, "could not read the snapshot time: %s", db_last_error(c));
		return false;
	}
	st->snapshot_at = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
	db_rows_free(&rows);
	return true;
}

/*
 * Times the result tables (and copyfmt_timestamp) can hold: years 1-9999.
 * Infinite values are outside it and count as null, as documented; a finite
 * value outside it (BC, or year 294276, past int8 microseconds) makes the
 * row a bad_timestamp reject instead of failing the read or the publish.
 */
#define TIME_IN_RANGE(col) \
	"(" col "::timestamptz >= '0001-01-01 00:00:00+00'::timestamptz AND " \
	col "::timestamptz < '10000-01-01 00:00:00+00'::timestamptz)"
#define TIME_BAD(col) \
	"(pg_catalog.isfinite(" col "::timestamptz) AND NOT " TIME_IN_RANGE(col) ")"

/* Time values as microseconds since the epoch; null for null, infinite or out of range. */
#define EPOCH_US(col) \
	"CASE WHEN " TIME_IN_RANGE(col) " THEN " \
	"(EXTRACT(EPOCH FROM " col "::timestamptz) * 1000000)::int8 END"

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
				  "SELECT pg_catalog.set_config('itemdup.created_since', $1, true), "
				  "       pg_catalog.set_config('itemdup.created_until', $2, true), "
				  "       pg_catalog.set_config('itemdup.include_removed', $3, true), "
				  "       pg_catalog.set_config('itemdup.item_a', $4, true), "
				  "       pg_catalog.set_config('itemdup.item_b', $5, true), "
				  "       pg_catalog.set_config('itemdup.changed_since', $6, true), "
				  "       NULLIF($1, '')::timestamptz, NULLIF($2, '')::timestamptz, "
				  "       NULLIF($6, '')::timestamptz",
				  6, params, NULL))
	{
		snprintf(err, errlen, "bad --created-since/--created-until value: %s",
				 db_last_error(c));
		return false;
	}
	return true;
}

/* The Item columns of either path, in loader_int.h's order. */
#define ITEM_COLUMNS_SQL \
	"item_id::text AS item_id, owner_id::text AS owner_id, " \
	"environment::text AS environment, NULLIF(institution_id::text, '') AS institution_id, " \
	EPOCH_US("created_at") " AS created_us, " EPOCH_US("updated_at") " AS updated_us, " \
	"removed_at IS NOT NULL AS removed, " \
	"CASE WHEN " TIME_BAD("created_at") " THEN 'created_at' " \
	"     WHEN " TIME_BAD("updated_at") " THEN 'updated_at' " \
	"     WHEN " TIME_BAD("removed_at") " THEN 'removed_at' END AS bad_time"

/* The COPY of either path; the relation name is the server's own quoting. */
static void
copy_sql(StrBuf *sql, const LoadOptions *opt, const char *source_quoted, bool flat)
{
	StrBuf		filters;

	sb_init(&filters);
	sb_puts(&filters, "");
	if (opt->created_since)
		sb_puts(&filters, " AND created_at >= "
				"pg_catalog.current_setting('itemdup.created_since')::timestamptz");
	if (opt->created_until)
		sb_puts(&filters, " AND created_at < "
				"pg_catalog.current_setting('itemdup.created_until')::timestamptz");
	/* two ranges an index on created_at and one on updated_at can each serve (docs/SOURCE.md) */
	if (opt->changed_since)
		sb_puts(&filters, " AND (created_at >= "
				"pg_catalog.current_setting('itemdup.changed_since')::timestamptz "
				"OR updated_at >= "
				"pg_catalog.current_setting('itemdup.changed_since')::timestamptz)");
	if (opt->only_items[0])
		sb_puts(&filters, " AND item_id::text IN (pg_catalog.current_setting('itemdup.item_a'), "
				"pg_catalog.current_setting('itemdup.item_b'))");
	if (flat)
		loader_flat_sql(sql, ITEM_COLUMNS_SQL, source_quoted, filters.data);
	else
		sb_printf(sql,
				  "COPY (SELECT " ITEM_COLUMNS_SQL ", "
				  "CASE WHEN removed_at IS NULL "
				  "  OR pg_catalog.current_setting('itemdup.include_removed')::bool "
				  "  THEN payload::text END "
				  "FROM %s WHERE true%s) TO STDOUT", source_quoted, filters.data);
	sb_free(&filters);
}

/*
 * The read path: the flat one for a jsonb payload unless --read-path text,
 * the text one otherwise; --read-path flat on another type fails the run.
 */
static bool
choose_path(const LoadOptions *opt, LoadCtx *ctx, LoadStats *st, char *err, size_t errlen)
{
	if (opt->read_path == READ_PATH_FLAT && !ctx->from_jsonb)
	{
		snprintf(err, errlen, "--read-path flat needs a jsonb payload column; the payload "
				 "of %s is json or text (use --read-path text or auto)", st->source_quoted);
		return false;
	}
	st->flat = ctx->from_jsonb && opt->read_path != READ_PATH_TEXT;
	return true;
}

/* The read's counts over the winners of the snapshot rule. */
static void
count_winners(const Dataset *ds, LoadStats *st)
{
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

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

bool
loader_read(DbConn *c, const LoadOptions *opt, Dataset *ds, Vec *rejects,
			LoadStats *st, char *err, size_t errlen)
{
	InstitutionMap map;
	LoadCtx		ctx;
	StrBuf		sql;
	bool		ok = false;
	bool		copied;
	bool		in_tx = false;

	keys_map_init(&map);
	sb_init(&sql);
	memset(&ctx, 0, sizeof(ctx));
	arena_init(&ctx.scratch);

	if (!loader_resolve_source(c, opt->source, st->source_quoted, sizeof(st->source_quoted),
							   err, errlen))
		goto cleanup;
	ctx.estimate = estimate_rows(c, st->source_quoted);
	if (db_interrupted())
	{
		snprintf(err, errlen, "interrupted by a signal before reading the source");
		goto cleanup;
	}
	if (!db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
	{
		snprintf(err, errlen, "could not begin the read transaction: %s", db_last_error(c));
		goto cleanup;
	}
	in_tx = true;
	if (!read_snapshot_time(c, st, err, errlen))
		goto cleanup;
	if (!check_columns(c, st->source_quoted, &ctx.from_jsonb, err, errlen))
		goto cleanup;
	if (!load_institution_map(c, &map, err, errlen))
		goto cleanup;

	if (!choose_path(opt, &ctx, st, err, errlen) || !set_filters(c, opt, err, errlen))
		goto cleanup;
	/* the flat path's rows of one Item must arrive together: no Gather */
	if (st->flat && !db_exec(c, "SET LOCAL max_parallel_workers_per_gather = 0"))
	{
		snprintf(err, errlen, "could not set up the read: %s", db_last_error(c));
		goto cleanup;
	}
	copy_sql(&sql, opt, st->source_quoted, st->flat);
	log_debug("read path: %s", st->flat ? "flat" : "text");

	ctx.ds = ds;
	ctx.rejects = rejects;
	ctx.st = st;
	ctx.map = &map;
	ctx.started = log_now();
	vec_init(&ctx.accounts, sizeof(PayloadAccount));
	copied = db_copy_out(c, sql.data, st->flat ? loader_flat_row : load_row, &ctx);
	if (copied && st->flat)
		copied = loader_flat_finish(&ctx);	/* the last Item */
	log_progress_end();
	if (!copied)
	{
		if (db_interrupted())
			snprintf(err, errlen, "interrupted by a signal while reading the source");
		else
			snprintf(err, errlen, "reading source %s failed: %s", st->source_quoted,
					 db_last_error(c));
		goto cleanup;
	}
	if (!db_exec(c, "COMMIT"))
	{
		snprintf(err, errlen, "could not end the read transaction: %s", db_last_error(c));
		goto cleanup;
	}
	in_tx = false;

	count_winners(ds, st);
	ok = true;

cleanup:
	if (in_tx && !db_exec(c, "ROLLBACK"))
		log_debug("rollback after a failed read failed too: %s", db_last_error(c));
	arena_free(&ctx.scratch);
	vec_free(&ctx.accounts);
	keys_map_free(&map);
	sb_free(&sql);
	return ok;
}
