/*
 * db.c — libpq behind a small interface.
 */
#define _DEFAULT_SOURCE
#include "db.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct DbConn
{
	PGconn	   *conn;
	PGcancel   *cancel;
	const char *label;
	int			pid;
	char		sqlstate[6];
	char		error[512];
};

#define MAX_CANCEL 4
static PGcancel *volatile cancel_targets[MAX_CANCEL];
static volatile sig_atomic_t interrupted = 0;

static void
on_signal(int sig)
{
	char		errbuf[256];

	(void) sig;
	interrupted = 1;
	for (int i = 0; i < MAX_CANCEL; i++)
		if (cancel_targets[i] != NULL)
			(void) PQcancel(cancel_targets[i], errbuf, sizeof(errbuf));
}

void
db_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool
db_interrupted(void)
{
	return interrupted != 0;
}

void
db_cancel_register(DbConn *c)
{
	for (int i = 0; i < MAX_CANCEL; i++)
	{
		if (cancel_targets[i] == NULL)
		{
			cancel_targets[i] = c->cancel;
			return;
		}
	}
}

static void
cancel_unregister(DbConn *c)
{
	for (int i = 0; i < MAX_CANCEL; i++)
		if (cancel_targets[i] == c->cancel)
			cancel_targets[i] = NULL;
}

bool
db_dsn_check(const char *conninfo, char *err, size_t errlen)
{
	char	   *perr = NULL;
	PQconninfoOption *opts;
	bool		ok = true;

	if (conninfo == NULL)
		return true;
	opts = PQconninfoParse(conninfo, &perr);
	if (opts == NULL)
	{
		/* libpq's message may echo the string: say only that it is bad */
		snprintf(err, errlen, "a --dsn is not a valid connection string");
		PQfreemem(perr);
		return false;
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
	{
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
		{
			snprintf(err, errlen, "a --dsn must not hold a password: use ~/.pgpass or PGPASSFILE");
			ok = false;
		}
	}
	PQconninfoFree(opts);
	return ok;
}

/* Server notices go to the debug log, primary message only. */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	log_debug("[%s] server notice: %s", (const char *) arg, msg ? msg : "");
}

static void
set_error(DbConn *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
	if (primary == NULL)
	{
		/* connection-level failure: libpq's own message, one line */
		primary = PQerrorMessage(c->conn);
	}
	snprintf(c->error, sizeof(c->error), "%s", primary ? primary : "unknown error");
	c->error[strcspn(c->error, "\n")] = '\0';
}

const char *
db_last_sqlstate(const DbConn *c)
{
	return c->sqlstate;
}

const char *
db_last_error(const DbConn *c)
{
	return c->error;
}

int
db_backend_pid(const DbConn *c)
{
	return c->pid;
}

DbConn *
db_connect(const char *conninfo, const char *label, const DbSettings *s)
{
	const char *keys[12];
	const char *vals[12];
	int			n = 0;
	DbConn	   *c = xcalloc(1, sizeof(DbConn));

	c->label = label;
	if (conninfo != NULL)
	{
		keys[n] = "dbname";
		vals[n++] = conninfo;
	}
	keys[n] = "application_name", vals[n++] = "itemdup";
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	keys[n] = "keepalives", vals[n++] = "1";
	keys[n] = "keepalives_idle", vals[n++] = "30";
	keys[n] = "keepalives_interval", vals[n++] = "10";
	keys[n] = "keepalives_count", vals[n++] = "3";
	keys[n] = NULL, vals[n] = NULL;

	c->conn = PQconnectdbParams(keys, vals, 1);
	if (c->conn == NULL || PQstatus(c->conn) != CONNECTION_OK)
	{
		char		msg[512];

		snprintf(msg, sizeof(msg), "%s", c->conn ? PQerrorMessage(c->conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		log_error("could not connect (%s): %s", label, msg);
		PQfinish(c->conn);
		free(c);
		return NULL;
	}
	PQsetErrorVerbosity(c->conn, PQERRORS_TERSE);
	PQsetNoticeReceiver(c->conn, notice_receiver, (void *) label);
	c->pid = PQbackendPID(c->conn);
	c->cancel = PQgetCancel(c->conn);

	/* timeouts travel as parameters; the server validates them */
	{
		const char *params[2] = {
			s && s->lock_timeout ? s->lock_timeout : "10s",
			s && s->statement_timeout ? s->statement_timeout : "0"
		};

		if (!db_exec(c, "SET search_path = pg_catalog, pg_temp; SET TIME ZONE 'UTC'; "
					 "SET DateStyle = ISO; SET extra_float_digits = 1; "
					 "SET client_connection_check_interval = '5s'; "
					 "SET idle_in_transaction_session_timeout = '10min'") ||
			!db_query(c, "SELECT pg_catalog.set_config('lock_timeout', $1, false), "
					  "pg_catalog.set_config('statement_timeout', $2, false)",
					  2, params, NULL))
		{
			log_error("could not set up the session (%s): %s", label, c->error);
			db_close(c);
			return NULL;
		}
	}
	log_debug("[%s] connected, backend pid %d, server %d", label, c->pid,
			  PQserverVersion(c->conn));
	return c;
}

void
db_close(DbConn *c)
{
	if (c == NULL)
		return;
	cancel_unregister(c);
	if (c->cancel)
		PQfreeCancel(c->cancel);
	PQfinish(c->conn);
	free(c);
}

/* First line of a statement, for debug logs. */
static void
log_statement(const DbConn *c, const char *sql)
{
	if (!log_enabled(LOG_DEBUG))
		return;
	int			len = (int) strcspn(sql, "\n");

	log_debug("[%s pid %d] %.*s%s", c->label, c->pid, len > 200 ? 200 : len, sql,
			  sql[len] ? " ..." : "");
}

/* Drain remaining results after a call; true if none of them failed. */
static bool
drain(DbConn *c)
{
	PGresult   *res;
	bool		ok = true;

	while ((res = PQgetResult(c->conn)) != NULL)
	{
		ExecStatusType st = PQresultStatus(res);

		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		{
			if (ok)
				set_error(c, res);
			ok = false;
		}
		PQclear(res);
	}
	return ok;
}

bool
db_exec(DbConn *c, const char *sql)
{
	c->sqlstate[0] = c->error[0] = '\0';
	log_statement(c, sql);
	if (!PQsendQuery(c->conn, sql))
	{
		set_error(c, NULL);
		return false;
	}
	return drain(c);
}

bool
db_query(DbConn *c, const char *sql, int nparams, const char *const *params, DbRows *out)
{
	PGresult   *res = NULL;
	bool		ok = false;

	c->sqlstate[0] = c->error[0] = '\0';
	if (out)
		memset(out, 0, sizeof(*out));
	log_statement(c, sql);
	res = PQexecParams(c->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (res == NULL || (PQresultStatus(res) != PGRES_TUPLES_OK &&
						PQresultStatus(res) != PGRES_COMMAND_OK))
	{
		set_error(c, res);
		goto cleanup;
	}
	if (out)
	{
		arena_init(&out->arena);
		out->nrows = PQntuples(res);
		out->ncols = PQnfields(res);
		out->values = arena_alloc(&out->arena,
								  sizeof(char *) * ((size_t) out->nrows * out->ncols + 1));
		for (int r = 0; r < out->nrows; r++)
			for (int f = 0; f < out->ncols; f++)
				DB_VALUE(out, r, f) = PQgetisnull(res, r, f) ? NULL
					: arena_strndup(&out->arena, PQgetvalue(res, r, f),
									(size_t) PQgetlength(res, r, f));
	}
	ok = true;

cleanup:
	PQclear(res);
	return ok;
}

bool
db_query_each(DbConn *c, const char *sql, int nparams, const char *const *params,
			  DbEachCallback row_cb, void *ctx)
{
	PGresult   *res;
	DbRows		row = {0};
	bool		ok = true;
	bool		stopped = false;

	c->sqlstate[0] = c->error[0] = '\0';
	log_statement(c, sql);
	if (!PQsendQueryParams(c->conn, sql, nparams, NULL, params, NULL, NULL, 0) ||
		!PQsetSingleRowMode(c->conn))
	{
		set_error(c, NULL);
		(void) drain(c);
		return false;
	}
	while ((res = PQgetResult(c->conn)) != NULL)
	{
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !stopped)
		{
			row.nrows = 1;
			row.ncols = PQnfields(res);
			if (row.values == NULL)
				row.values = calloc((size_t) row.ncols + 1, sizeof(char *));
			for (int f = 0; f < row.ncols && row.values; f++)
				row.values[f] = PQgetisnull(res, 0, f) ? NULL : PQgetvalue(res, 0, f);
			if (row.values == NULL || !row_cb(&row, ctx))
			{
				char		errbuf[256];

				if (row.values == NULL)
					log_error("out of memory reading rows");
				stopped = true;
				if (c->cancel)
					(void) PQcancel(c->cancel, errbuf, sizeof(errbuf));
			}
		}
		else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !stopped && ok)
		{
			set_error(c, res);
			ok = false;
		}
		PQclear(res);
	}
	free(row.values);
	return ok && !stopped;
}

void
db_rows_free(DbRows *r)
{
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
}

bool
db_copy_out(DbConn *c, const char *sql, DbRowCallback row_cb, void *ctx)
{
	PGresult   *res;
	char	   *buf = NULL;
	int			len;
	bool		ok = true;
	bool		cb_failed = false;

	c->sqlstate[0] = c->error[0] = '\0';
	log_statement(c, sql);
	res = PQexec(c->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT)
	{
		set_error(c, res);
		PQclear(res);
		(void) drain(c);
		return false;
	}
	PQclear(res);
	while ((len = PQgetCopyData(c->conn, &buf, 0)) > 0)
	{
		if (!cb_failed && !row_cb(buf, (size_t) len, ctx))
		{
			char		errbuf[256];

			cb_failed = true;
			if (c->cancel)
				(void) PQcancel(c->cancel, errbuf, sizeof(errbuf));
		}
		PQfreemem(buf);
		buf = NULL;
	}
	if (len == -2)
	{
		set_error(c, NULL);
		ok = false;
	}
	if (!drain(c))
		ok = false;
	return ok && !cb_failed;
}

bool
db_copy_in_begin(DbConn *c, const char *sql)
{
	PGresult   *res;

	c->sqlstate[0] = c->error[0] = '\0';
	log_statement(c, sql);
	res = PQexec(c->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		set_error(c, res);
		PQclear(res);
		(void) drain(c);
		return false;
	}
	PQclear(res);
	return true;
}

bool
db_copy_in_put(DbConn *c, const char *data, size_t len)
{
	if (PQputCopyData(c->conn, data, (int) len) != 1)
	{
		set_error(c, NULL);
		return false;
	}
	return true;
}

bool
db_copy_in_end(DbConn *c)
{
	if (PQputCopyEnd(c->conn, NULL) != 1)
	{
		set_error(c, NULL);
		(void) drain(c);
		return false;
	}
	return drain(c);
}

char *
db_quote_ident(DbConn *c, const char *ident)
{
	char	   *q = PQescapeIdentifier(c->conn, ident, strlen(ident));
	char	   *copy;

	if (q == NULL)
		return NULL;
	copy = xstrdup(q);
	PQfreemem(q);
	return copy;
}

int
db_try_lock(DbConn *c, int cls, int64_t obj, int wait_seconds)
{
	char		a[32],
				b[32];
	const char *params[2] = {a, b};

	snprintf(a, sizeof(a), "%d", cls);
	snprintf(b, sizeof(b), "%lld", (long long) obj);
	for (int waited = 0;; waited++)
	{
		DbRows		rows;
		bool		held;

		if (!db_query(c, "SELECT pg_catalog.pg_try_advisory_lock($1::int4, $2::int4)",
					  2, params, &rows))
			return -1;
		held = strcmp(DB_VALUE(&rows, 0, 0), "t") == 0;
		db_rows_free(&rows);
		if (held)
			return 1;
		if (waited >= wait_seconds || db_interrupted())
			return 0;
		sleep(1);
	}
}

bool
db_unlock(DbConn *c, int cls, int64_t obj)
{
	char		a[32],
				b[32];
	const char *params[2] = {a, b};

	snprintf(a, sizeof(a), "%d", cls);
	snprintf(b, sizeof(b), "%lld", (long long) obj);
	return db_query(c, "SELECT pg_catalog.pg_advisory_unlock($1::int4, $2::int4)",
					2, params, NULL);
}
