/*
 * db.c — libpq behind a small interface.
 */
#define _DEFAULT_SOURCE
#include "db.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sql_query.h"

struct DbConn
{
	PGconn	   *conn;
	PGcancel   *cancel;
	bool		in_copy_in;		/* a COPY FROM STDIN is open: only put/end/abort may follow */
	const char *label;
	int			pid;
	char		sqlstate[6];
	char		error[512];
};

static void copy_in_fail(DbConn *c, const char *reason);

#define MAX_CANCEL 4
static PGcancel *volatile cancel_targets[MAX_CANCEL];
static volatile sig_atomic_t interrupted = 0;

/*
 * The handler only sets the flag and asks the server to cancel the running
 * statement (PQcancel is async-signal-safe); the code checks the flag at
 * every safe point.  It also restores the default action of both signals,
 * so a second Ctrl-C (or SIGTERM) kills a job that does not stop soon enough.
 */
static void
on_signal(int sig)
{
	char		errbuf[256];
	struct sigaction dfl;

	(void) sig;
	interrupted = 1;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
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
	/* both blocked while the handler runs: the second one finds SIG_DFL */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a file-size limit fails a write (EFBIG, reported) instead of killing the run */
	signal(SIGXFSZ, SIG_IGN);
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

	if (conninfo == NULL || !db_is_conninfo(conninfo))
		return true;			/* a plain database name */
	opts = PQconninfoParse(conninfo, &perr);
	if (opts == NULL)
	{
		/* libpq's message may echo the string: say only that it is bad */
		snprintf(err, errlen, "a connection string (--dsn, --source-dsn or -d) is not valid");
		PQfreemem(perr);
		return false;
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
	{
		/*
		 * libpq marks every secret-bearing keyword (password, sslpassword,
		 * and any it adds later) with dispchar "*"; a URI's user:pass@
		 * parses to password.  The message names the keyword, never the value.
		 */
		bool		secret = strchr(o->dispchar, '*') != NULL ||
			strcmp(o->keyword, "password") == 0 || strcmp(o->keyword, "sslpassword") == 0;

		if (secret && o->val != NULL && ok)
		{
			snprintf(err, errlen, "a connection string (--dsn, --source-dsn or -d) must not hold a secret (%s=): "
					 "use ~/.pgpass or PGPASSFILE, or a pg_service.conf entry (PGSERVICE)", o->keyword);
			ok = false;
		}
	}
	PQconninfoFree(opts);
	return ok;
}

bool
db_is_conninfo(const char *s)
{
	return s != NULL && (strchr(s, '=') != NULL || strncmp(s, "postgresql://", 13) == 0 ||
						 strncmp(s, "postgres://", 11) == 0);
}

/*
 * Server notices and libpq's own notices through the logger (so JSON logs
 * stay JSON): warnings at warning level, the rest (e.g. "already exists,
 * skipping") at debug; the primary message only.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	log_msg(sev != NULL && strcmp(sev, "WARNING") == 0 ? LOG_WARN : LOG_DEBUG,
			"[%s] server %s: %s", (const char *) arg, sev ? sev : "notice", msg ? msg : "");
}

/* Each line libpq wrote to stderr (in tmp) as a warning of the logger. */
static void
relay_libpq_lines(FILE *tmp, const char *label)
{
	char		line[1024];

	rewind(tmp);
	while (fgets(line, sizeof(line), tmp) != NULL)
	{
		char	   *m = line;

		m[strcspn(m, "\n")] = '\0';
		if (strncmp(m, "WARNING:", 8) == 0)
			m += 8;
		m += strspn(m, " ");
		if (*m != '\0')
			log_warn("[%s] libpq: %s", label, m);
	}
}

/*
 * PQconnectdbParams with fd 2 caught: libpq prints some warnings (a
 * .pgpass with group or world access, a password file that is not a plain
 * file) straight to stderr while connecting, before any notice receiver
 * can exist.  They go through the logger instead.
 */
static PGconn *
connect_logged(const char *const *keys, const char *const *vals, const char *label)
{
	FILE	   *tmp = tmpfile();
	int			saved = -1;
	PGconn	   *conn;

	fflush(stderr);
	if (tmp != NULL && (saved = dup(STDERR_FILENO)) >= 0 &&
		dup2(fileno(tmp), STDERR_FILENO) < 0)
	{
		close(saved);
		saved = -1;
	}
	conn = PQconnectdbParams(keys, vals, 0);
	if (saved >= 0)
	{
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		relay_libpq_lines(tmp, label);
	}
	if (tmp != NULL)
		fclose(tmp);
	return conn;
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
db_server_encoding(const DbConn *c)
{
	const char *e = PQparameterStatus(c->conn, "server_encoding");

	return e ? e : "";
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

#define MAX_CONN_KEYS 160

/* Append the set values of a conninfo string to keys/vals; the parsed options into *owned. */
static void
add_conninfo(const char *conninfo, const char **keys, const char **vals, int *n,
			 PQconninfoOption **owned)
{
	if (!db_is_conninfo(conninfo))
	{
		keys[*n] = "dbname";	/* a plain database name, as libpq takes it */
		vals[(*n)++] = conninfo;
		return;
	}
	*owned = PQconninfoParse(conninfo, NULL);	/* checked by db_dsn_check already */
	for (PQconninfoOption *o = *owned; o != NULL && o->keyword != NULL; o++)
	{
		if (o->val != NULL && *n < MAX_CONN_KEYS - 10)
		{
			keys[*n] = o->keyword;
			vals[(*n)++] = o->val;
		}
	}
}

/*
 * The keywords of a connection, in libpq's "last one wins" order: psql's
 * short options, then -d when it is a conninfo string, then --dsn, then
 * ours.  PG* variables and .pgpass fill in the rest.
 */
static PGconn *
connect_with(const char *conninfo, const DbSettings *s, const char *label)
{
	const char *keys[MAX_CONN_KEYS];
	const char *vals[MAX_CONN_KEYS];
	PQconninfoOption *parsed[2] = {NULL, NULL};
	int			n = 0;
	PGconn	   *conn;

	if (s != NULL)
	{
		const char *k[4] = {"host", "port", "user", "dbname"};
		const char *v[4] = {s->host, s->port, s->user, s->dbname};

		for (int i = 0; i < 4; i++)
		{
			if (v[i] != NULL && !(i == 3 && db_is_conninfo(v[i])))
			{
				keys[n] = k[i];
				vals[n++] = v[i];
			}
		}
		if (db_is_conninfo(s->dbname))
			add_conninfo(s->dbname, keys, vals, &n, &parsed[0]);
	}
	if (conninfo != NULL)
		add_conninfo(conninfo, keys, vals, &n, &parsed[1]);
	keys[n] = "application_name", vals[n++] = "itemdup";
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	keys[n] = "keepalives", vals[n++] = "1";
	keys[n] = "keepalives_idle", vals[n++] = "30";
	keys[n] = "keepalives_interval", vals[n++] = "10";
	keys[n] = "keepalives_count", vals[n++] = "3";
	keys[n] = NULL, vals[n] = NULL;
	conn = connect_logged(keys, vals, label);
	PQconninfoFree(parsed[0]);
	PQconninfoFree(parsed[1]);
	return conn;
}

DbConn *
db_connect(const char *conninfo, const char *label, const DbSettings *s)
{
	return db_connect_at(conninfo, label, s, LOG_ERROR);
}

DbConn *
db_connect_at(const char *conninfo, const char *label, const DbSettings *s, LogLevel failure)
{
	DbConn	   *c = xcalloc(1, sizeof(DbConn));

	c->label = label;
	c->conn = connect_with(conninfo, s, label);
	if (c->conn == NULL || PQstatus(c->conn) != CONNECTION_OK)
	{
		char		msg[512];

		snprintf(msg, sizeof(msg), "%s", c->conn ? PQerrorMessage(c->conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		log_msg(failure, "could not connect (%s): %s", label, msg);
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

		if (!db_exec(c, sql_query("db_session")) ||
			!db_query(c, sql_query("db_timeouts"), 2, params, NULL))
		{
			log_msg(failure, "could not set up the session (%s): %s", label, c->error);
			db_close(c);
			return NULL;
		}
	}
	log_debug("[%s] connected, backend pid %d, server %d", label, c->pid,
			  PQserverVersion(c->conn));
	db_cancel_register(c);		/* a signal cancels its running statement */
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

/* The rows of res into out (arena-owned text, NULL for SQL NULL). */
static void
rows_copy(const PGresult *res, DbRows *out)
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

/*
 * Drain remaining results after a call; true if none of them failed.  out
 * (zeroed by the caller) takes the rows of the first result with rows.
 */
static bool
drain(DbConn *c, DbRows *out)
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
		else if (out != NULL && st == PGRES_TUPLES_OK && out->values == NULL)
			rows_copy(res, out);
		PQclear(res);
	}
	if (!ok && out != NULL)
		db_rows_free(out);
	return ok;
}

void
db_cancel(DbConn *c)
{
	char		errbuf[256];

	if (c != NULL && c->cancel != NULL)
		(void) PQcancel(c->cancel, errbuf, sizeof(errbuf));
}

/* Before sending a statement: no COPY left open under it, no stale error, the debug line. */
static void
statement_begin(DbConn *c, const char *sql)
{
	copy_in_fail(c, "itemdup: COPY abandoned");	/* never a statement inside COPY_IN */
	c->sqlstate[0] = c->error[0] = '\0';
	log_statement(c, sql);
}

bool
db_exec(DbConn *c, const char *sql)
{
	statement_begin(c, sql);
	if (!PQsendQuery(c->conn, sql))
	{
		set_error(c, NULL);
		return false;
	}
	return drain(c, NULL);
}

bool
db_send(DbConn *c, const char *sql, int nparams, const char *const *params)
{
	statement_begin(c, sql);
	if (!PQsendQueryParams(c->conn, sql, nparams, NULL, params, NULL, NULL, 0))
	{
		set_error(c, NULL);
		return false;
	}
	return true;
}

bool
db_wait(DbConn *c)
{
	return drain(c, NULL);
}

bool
db_wait_rows(DbConn *c, DbRows *out)
{
	memset(out, 0, sizeof(*out));
	return drain(c, out);
}

bool
db_query(DbConn *c, const char *sql, int nparams, const char *const *params, DbRows *out)
{
	PGresult   *res = NULL;
	bool		ok = false;

	statement_begin(c, sql);
	if (out)
		memset(out, 0, sizeof(*out));
	res = PQexecParams(c->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (res == NULL || (PQresultStatus(res) != PGRES_TUPLES_OK &&
						PQresultStatus(res) != PGRES_COMMAND_OK))
	{
		set_error(c, res);
		goto cleanup;
	}
	if (out)
		rows_copy(res, out);
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
		(void) drain(c, NULL);
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
				if (row.values == NULL)
					log_error("out of memory reading rows");
				stopped = true;
				db_cancel(c);
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
		(void) drain(c, NULL);
		return false;
	}
	PQclear(res);
	while ((len = PQgetCopyData(c->conn, &buf, 0)) > 0)
	{
		if (!cb_failed && !row_cb(buf, (size_t) len, ctx))
		{
			cb_failed = true;
			db_cancel(c);
		}
		PQfreemem(buf);
		buf = NULL;
	}
	if (len == -2)
	{
		set_error(c, NULL);
		ok = false;
	}
	if (!drain(c, NULL))
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
		(void) drain(c, NULL);
		return false;
	}
	PQclear(res);
	c->in_copy_in = true;
	return true;
}

/*
 * End an open COPY FROM STDIN as failed: PQputCopyEnd with a reason makes
 * the server fail the COPY (and the transaction), after which ROLLBACK
 * works.  Keeps the first error seen.
 */
static void
copy_in_fail(DbConn *c, const char *reason)
{
	char		sqlstate[sizeof(c->sqlstate)];
	char		error[sizeof(c->error)];

	if (!c->in_copy_in)
		return;
	c->in_copy_in = false;
	memcpy(sqlstate, c->sqlstate, sizeof(sqlstate));
	memcpy(error, c->error, sizeof(error));
	log_debug("[%s pid %d] ending the COPY as failed: %s", c->label, c->pid, reason);
	if (PQputCopyEnd(c->conn, reason) == 1)
		(void) drain(c, NULL);
	if (error[0] != '\0')
	{
		memcpy(c->sqlstate, sqlstate, sizeof(sqlstate));
		memcpy(c->error, error, sizeof(error));
	}
}

void
db_copy_in_abort(DbConn *c, const char *reason)
{
	copy_in_fail(c, reason);
}

bool
db_copy_in_put(DbConn *c, const char *data, size_t len)
{
	bool		failed = PQputCopyData(c->conn, data, (int) len) != 1;

#ifdef ITEMDUP_TEST_HOOKS
	/* ITEMDUP_COPY_PUT_FAIL=1: one put (either thread's) fails as on a broken connection */
	static atomic_bool put_failed_once = false;

	if (!failed && testhook_enabled("ITEMDUP_COPY_PUT_FAIL") &&
		!atomic_exchange(&put_failed_once, true))
	{
		snprintf(c->error, sizeof(c->error), "sending COPY data failed (test hook)");
		copy_in_fail(c, "itemdup: sending COPY data failed");
		return false;
	}
#endif
	if (failed)
	{
		set_error(c, NULL);
		copy_in_fail(c, "itemdup: sending COPY data failed");
		return false;
	}
	return true;
}

bool
db_copy_in_end(DbConn *c)
{
	c->in_copy_in = false;
	if (PQputCopyEnd(c->conn, NULL) != 1)
	{
		set_error(c, NULL);
		(void) drain(c, NULL);
		return false;
	}
	return drain(c, NULL);
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

void
db_lock_key(int cls, int64_t obj, int32_t *key1, int32_t *key2)
{
	uint64_t	hi = (uint64_t) obj >> 32;

	*key2 = (int32_t) (uint32_t) obj;
	if (obj >= 0 && obj <= INT32_MAX)
		*key1 = (int32_t) cls;
	else
		*key1 = (int32_t) ((uint32_t) cls + 0x100u + (uint32_t) hi);
}

/* The two int4 of a lock key as text parameters. */
static void
lock_params(int cls, int64_t obj, char *a, char *b, size_t len)
{
	int32_t		k1,
				k2;

	db_lock_key(cls, obj, &k1, &k2);
	snprintf(a, len, "%d", (int) k1);
	snprintf(b, len, "%d", (int) k2);
}

int
db_try_lock(DbConn *c, int cls, int64_t obj, int wait_seconds)
{
	char		a[32],
				b[32];
	const char *params[2] = {a, b};

	lock_params(cls, obj, a, b, sizeof(a));
	for (int waited = 0;; waited++)
	{
		DbRows		rows;
		bool		held;

		if (db_interrupted())
		{
			snprintf(c->error, sizeof(c->error), "interrupted by a signal (SIGINT/SIGTERM)");
			return -1;
		}
		if (!db_query(c, sql_query("db_try_lock"), 2, params, &rows))
			return -1;
		held = strcmp(DB_VALUE(&rows, 0, 0), "t") == 0;
		db_rows_free(&rows);
		if (held)
			return 1;
		if (waited >= wait_seconds)
			return 0;
		sleep(1);				/* a signal ends it early; the loop then sees the flag */
	}
}

int
db_lock_holder_pid(DbConn *c, int cls, int64_t obj)
{
	char		a[32],
				b[32];
	const char *params[2] = {a, b};
	DbRows		rows;
	int			pid = 0;

	snprintf(a, sizeof(a), "%d", cls);
	snprintf(b, sizeof(b), "%lld", (long long) obj);
	if (!db_query(c, sql_query("db_lock_holder"), 2, params, &rows))
		return -1;
	if (rows.nrows > 0 && DB_VALUE(&rows, 0, 0) != NULL)
		pid = atoi(DB_VALUE(&rows, 0, 0));
	db_rows_free(&rows);
	return pid;
}

bool
db_unlock(DbConn *c, int cls, int64_t obj)
{
	char		a[32],
				b[32];
	const char *params[2] = {a, b};

	lock_params(cls, obj, a, b, sizeof(a));
	return db_query(c, sql_query("db_unlock"), 2, params, NULL);
}
