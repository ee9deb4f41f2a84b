/*
 * db_spi.c — db.h's interface inside the server, over SPI, for the
 * itemdup_check extension: the same loader.c, published.c and check.c
 * that `itemdup check` runs over libpq run here unchanged.
 *
 * Statements run in the caller's transaction and snapshot: BEGIN, COMMIT
 * and ROLLBACK are no-ops, COPY (SELECT ...) TO STDOUT runs the SELECT and
 * hands each row over in COPY text format.  A statement's error is the
 * server's ERROR: it propagates (itemdup_check.c frees what it holds).
 * Logging goes to the server log; the last error line is kept for the
 * ERROR itemdup.check_link raises.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "copyfmt.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "version.h"

struct DbConn
{
	int			unused;
};

static char last_error[1024];

/* The last error logged by the shared code ("" if none). */
const char *itemdup_spi_last_error(void);

const char *
itemdup_spi_last_error(void)
{
	return last_error;
}

void
log_msg(LogLevel level, const char *fmt,...)
{
	char		buf[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level >= LOG_ERROR)
		strlcpy(last_error, buf, sizeof(last_error));
	elog(DEBUG1, "itemdup: %s", buf);
}

void
log_progress(const char *what, int64_t done, int64_t total, double started)
{
	(void) what, (void) done, (void) total, (void) started;
}

void
log_progress_end(void)
{
}

bool
db_interrupted(void)
{
	return false;
}

const char *
db_last_error(const DbConn *c)
{
	(void) c;
	return "";
}

/* check_command (the CLI) is linked but never called in the server. */
DbConn *
db_connect(const char *conninfo, const char *label, const DbSettings *s)
{
	(void) conninfo, (void) label, (void) s;
	return NULL;
}

void
db_close(DbConn *c)
{
	(void) c;
}

/*
 * The schema the library was built for (version.h) or a newer one: the
 * library reads the model the way its schema lays it out (sql/011 added
 * the generations every read names), and an older schema would fail on a
 * missing column instead of saying what to do.  A newer schema is read as
 * before: the upgrade order is migrate, then the library (README).
 */
bool
migrate_check_version(DbConn *c, char *err, size_t errlen)
{
	bool		ok;
	int			v = migrate_current_version(c, &ok);

	if (!ok)
		return false;
	if (v < ITEMDUP_SCHEMA_VERSION)
	{
		snprintf(err, errlen, "schema itemdup is at version %d, this library was built for %d: "
				 "run \"itemdup migrate\" with the itemdup it came with", v,
				 ITEMDUP_SCHEMA_VERSION);
		return false;
	}
	return true;
}

DbConn *
migrate_connect(const char *dsn, const char *label, const DbSettings *db, int *rc)
{
	(void) dsn;
	(void) label;
	(void) db;
	*rc = 1;
	return NULL;
}

bool
db_exec(DbConn *c, const char *sql)
{
	(void) c;
	if (strncmp(sql, "BEGIN", 5) == 0 || strcmp(sql, "COMMIT") == 0 ||
		strcmp(sql, "ROLLBACK") == 0)
		return true;			/* the caller's transaction and snapshot */
	SPI_execute(sql, false, 0);
	return true;
}

/* The current SPI result copied into out (values in its arena, NULL for null). */
static void
copy_result(DbRows *out)
{
	SPITupleTable *t = SPI_tuptable;
	int			nrows = t ? (int) SPI_processed : 0;
	int			ncols = t ? t->tupdesc->natts : 0;

	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
	out->nrows = nrows;
	out->ncols = ncols;
	out->values = arena_alloc(&out->arena, ((size_t) nrows * ncols + 1) * sizeof(char *));
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++)
		{
			char	   *v = SPI_getvalue(t->vals[r], t->tupdesc, c + 1);

			out->values[r * ncols + c] = v ? arena_strndup(&out->arena, v, strlen(v)) : NULL;
			if (v)
				pfree(v);
		}
}

bool
db_query(DbConn *c, const char *sql, int nparams, const char *const *params, DbRows *out)
{
	Oid			types[16];
	Datum		values[16];
	char		nulls[16];

	(void) c;
	Assert(nparams <= 16);
	for (int i = 0; i < nparams; i++)
	{
		types[i] = TEXTOID;
		values[i] = params[i] ? CStringGetTextDatum(params[i]) : (Datum) 0;
		nulls[i] = params[i] ? ' ' : 'n';
	}
	SPI_execute_with_args(sql, nparams, types, values, nulls, false, 0);
	if (out != NULL)
		copy_result(out);
	return true;
}

void
db_rows_free(DbRows *r)
{
	arena_free(&r->arena);
}

/* COPY (SELECT ...) TO STDOUT: the SELECT, each row in COPY text format. */
bool
db_copy_out(DbConn *c, const char *sql, DbRowCallback row_cb, void *ctx)
{
	const char *start = strstr(sql, "COPY (");
	const char *end = strstr(sql, ") TO STDOUT");
	char	   *select;
	DbRows		rows;
	StrBuf		row;
	bool		ok = true;

	if (start == NULL || end == NULL || end < start)
		elog(ERROR, "itemdup: unexpected COPY statement");
	select = pnstrdup(start + 6, end - (start + 6));
	if (!db_query(c, select, 0, NULL, &rows))
		return false;
	pfree(select);
	sb_init(&row);
	for (int r = 0; r < rows.nrows && ok; r++)
	{
		sb_reset(&row);
		for (int k = 0; k < rows.ncols; k++)
		{
			const char *v = DB_VALUE(&rows, r, k);

			if (k > 0)
				copyfmt_sep(&row);
			copyfmt_field(&row, v, v ? strlen(v) : 0);
		}
		copyfmt_eol(&row);
		ok = row_cb(row.data, row.len, ctx);
	}
	sb_free(&row);
	db_rows_free(&rows);
	return ok;
}
