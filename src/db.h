/*
 * db.h — the only place that talks libpq (docs/STYLE.md: only db.c touches
 * PGresult).  Statements are logged at debug level with the backend pid;
 * errors are logged tersely (PQERRORS_TERSE, primary message only) so a
 * server's DETAIL/CONTEXT, which can quote payload content, never reaches a
 * log line or runs.error.
 */
#ifndef ITEMDUP_DB_H
#define ITEMDUP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "log.h"

typedef struct DbConn DbConn;

/*
 * Session settings applied right after connecting, and psql's short
 * connection options (NULL when not given): they go before the conninfo
 * string, so a --dsn overrides them, and libpq's PG* variables fill in
 * what neither gives.  dbname may itself be a conninfo string, as in psql.
 */
typedef struct DbSettings
{
	const char *lock_timeout;	/* e.g. "10s" */
	const char *statement_timeout;	/* "0" = off */
	const char *host;			/* -h */
	const char *port;			/* -p */
	const char *user;			/* -U */
	const char *dbname;			/* -d */
} DbSettings;

/* Rows of a small query result, copied out of libpq; owned (db_rows_free). */
typedef struct DbRows
{
	int			nrows;
	int			ncols;
	char	  **values;			/* nrows * ncols, NULL for SQL null */
	Arena		arena;
} DbRows;

#define DB_VALUE(r, row, col) ((r)->values[(row) * (r)->ncols + (col)])

/* A value as text for printing: SQL null as "". */
static inline const char *
db_text(const DbRows *r, int row, int col)
{
	const char *s = DB_VALUE(r, row, col);

	return s ? s : "";
}

/*
 * db_dsn_check — false (with a message) when conninfo does not parse or
 * holds a password; a usage error either way.  NULL conninfo is fine.
 */
bool		db_dsn_check(const char *conninfo, char *err, size_t errlen) MUSTCHECK;

/* db_is_conninfo — whether a -d value is a conninfo string or URI (psql's rule). */
bool		db_is_conninfo(const char *s);

/*
 * db_connect — connect with libpq's conventions (PG* variables, .pgpass,
 * conninfo overriding), then set application_name=itemdup,
 * client_encoding=UTF8, search_path=pg_catalog, pg_temp, UTC, keepalives,
 * client_connection_check_interval and the timeouts.  Returns NULL (logged)
 * when it cannot connect.  label names the connection in logs.
 */
DbConn	   *db_connect(const char *conninfo, const char *label, const DbSettings *s);
/* db_connect logging its failure at the given level (a connection the caller can do without) */
DbConn	   *db_connect_at(const char *conninfo, const char *label, const DbSettings *s,
						  LogLevel failure);
void		db_close(DbConn *c);
int			db_backend_pid(const DbConn *c);

/* Run statements without parameters (several allowed); false on error (logged). */
bool		db_exec(DbConn *c, const char *sql) MUSTCHECK;

/* One statement with text parameters; rows into *out when out != NULL. */
/*
 * db_send — start one statement (text parameters) without waiting for it;
 * db_wait then waits for its end: false (the error kept) when it failed;
 * db_wait_rows also takes its rows into *out (db_rows_free; empty on
 * failure).  Nothing else may run on c in between; the caller works
 * meanwhile.
 */
bool		db_send(DbConn *c, const char *sql, int nparams, const char *const *params) MUSTCHECK;
bool		db_wait(DbConn *c) MUSTCHECK;
bool		db_wait_rows(DbConn *c, DbRows *out) MUSTCHECK;
bool		db_query(DbConn *c, const char *sql, int nparams,
					 const char *const *params, DbRows *out) MUSTCHECK;
void		db_rows_free(DbRows *r);

/*
 * db_query_each — one statement with text parameters whose rows are handed
 * one at a time to row_cb (libpq single-row mode: memory for one row at a
 * time, whatever the size of the result).  row is borrowed, one row
 * (DB_VALUE(row, 0, col)), valid only during the call.  A false from row_cb
 * (which logs its own reason) cancels the statement, discards the rest and
 * fails the call with db_last_error() "".  False (error kept) on a query
 * error, also after some rows were handed over.
 */
typedef bool (*DbEachCallback) (const DbRows *row, void *ctx);
bool		db_query_each(DbConn *c, const char *sql, int nparams,
						  const char *const *params, DbEachCallback row_cb, void *ctx) MUSTCHECK;

/* The SQLSTATE and terse message of the last failed call ("" if none). */
const char *db_last_sqlstate(const DbConn *c);
const char *db_last_error(const DbConn *c);

/* The database's encoding as the server reported it at connect (server_encoding, e.g. "UTF8"). */
const char *db_server_encoding(const DbConn *c);

/*
 * db_copy_out — run COPY ... TO STDOUT and hand each row (text format,
 * with its newline; the buffer is writable and only valid during the call)
 * to row_cb.  A false from row_cb cancels the COPY and fails the call.
 */
typedef bool (*DbRowCallback) (char *row, size_t len, void *ctx);
bool		db_copy_out(DbConn *c, const char *sql, DbRowCallback row_cb, void *ctx) MUSTCHECK;

/*
 * COPY ... FROM STDIN: begin, put any number of chunks, end (commit of the
 * COPY).  A failed put ends the COPY itself with PQputCopyEnd(reason);
 * db_copy_in_abort does the same for a caller that gives up between puts
 * (a no-op when no COPY is open).  libpq is never left in COPY_IN: db_exec
 * and db_query abort an open COPY first, so a ROLLBACK always reaches the
 * server.
 */
bool		db_copy_in_begin(DbConn *c, const char *sql) MUSTCHECK;
bool		db_copy_in_put(DbConn *c, const char *data, size_t len) MUSTCHECK;
bool		db_copy_in_end(DbConn *c) MUSTCHECK;
void		db_copy_in_abort(DbConn *c, const char *reason);

/* Identifier quoting by libpq; the result is malloc'd (free()). */
char	   *db_quote_ident(DbConn *c, const char *ident);

/*
 * Signals: SIGINT/SIGTERM set db_interrupted and cancel the running
 * statement of the connections registered with db_cancel_register; the
 * first signal restores both signals' default action, so a second one
 * kills.  Every command installs this (main.c) and exits 1 once
 * interrupted; the code checks db_interrupted at every step boundary.
 */
void		db_signals_install(void);
void		db_cancel_register(DbConn *c);	/* db_connect does it; db_close undoes it */
bool		db_interrupted(void);
/* db_cancel — ask the server to cancel c's running statement; from any thread (PQcancel). */
void		db_cancel(DbConn *c);



/* Advisory lock keys (two int4 form): class, then object. */
#define DB_LOCK_CLASS 0x49445550	/* 'IDUP' */
#define DB_LOCK_PUBLISH 1			/* runs that publish */
#define DB_LOCK_BACKFILL 2			/* runs that do not publish */
#define DB_LOCK_MIGRATE 3
#define DB_LOCK_RUN_CLASS 0x49445552	/* 'IDUR': object = run_id, held while it runs */

/*
 * db_lock_key — the two int4 of lock (cls, obj).  obj in int4 range: (cls,
 * obj) as always.  Beyond it (run ids from 2^31 on): the low 32 bits as
 * key2 and cls + 0x100 + the high 32 bits as key1 — one key per obj, never
 * one of the classes above (that would need obj >= 2^63).
 */
void		db_lock_key(int cls, int64_t obj, int32_t *key1, int32_t *key2);

/*
 * db_try_lock — session advisory lock (cls, obj), retrying once a second
 * for up to wait_seconds.  1 = held, 0 = someone else holds it, -1 = error
 * (a signal while waiting is an error: "interrupted by a signal").
 */
int			db_try_lock(DbConn *c, int cls, int64_t obj, int wait_seconds);

/*
 * db_lock_holder_pid — the backend pid holding advisory lock (cls, obj)
 * (0 when none or unknown, -1 on a query error).
 */
int			db_lock_holder_pid(DbConn *c, int cls, int64_t obj);
bool		db_unlock(DbConn *c, int cls, int64_t obj);
#endif
