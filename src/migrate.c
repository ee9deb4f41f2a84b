/*
 * migrate.c — versioned, idempotent migrations under an advisory lock.
 */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"
#include "sql_files.h"
#include "sql_query.h"
#include "version.h"

/* The version of a migration file "NNN_name.sql", or 0 when not one. */
static int
migration_version(const char *name)
{
	if (strlen(name) < 5 || name[3] != '_')
		return 0;
	for (int i = 0; i < 3; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return atoi(name);
}

bool
migrate_check_version(DbConn *c, char *err, size_t errlen)
{
	bool		ok;
	int			v = migrate_current_version(c, &ok);

	if (!ok)
	{
		snprintf(err, errlen, "could not read the schema version: %s", db_last_error(c));
		return false;
	}
	if (v == 0)
	{
		snprintf(err, errlen, "schema itemdup is missing: run \"itemdup migrate\" first");
		return false;
	}
	if (v < ITEMDUP_SCHEMA_VERSION)
	{
		snprintf(err, errlen, "schema itemdup is at version %d, this binary needs %d: "
				 "run \"itemdup migrate\"", v, ITEMDUP_SCHEMA_VERSION);
		return false;
	}
	return true;
}

DbConn *
migrate_connect(const char *dsn, const char *label, const DbSettings *db, int *rc)
{
	DbConn	   *c = db_connect(dsn, label, db);
	char		err[512];

	*rc = EXIT_NOCONN;
	if (c == NULL)
		return NULL;
	*rc = EXIT_FAIL;
	if (!migrate_check_version(c, err, sizeof(err)))
	{
		log_error("%s", err);
		db_close(c);
		return NULL;
	}
	*rc = EXIT_OK;
	return c;
}

/* Apply one migration file in its own transaction. */
static bool
apply_one(DbConn *c, const SqlFile *f, int version)
{
	char		vbuf[16];
	const char *params[2] = {vbuf, f->name};

	snprintf(vbuf, sizeof(vbuf), "%d", version);
	if (!db_exec(c, sql_query("begin")))
		return false;
	if (!db_exec(c, f->text) ||
		!db_query(c, sql_query("migrate_record"), 2, params, NULL) ||
		!db_exec(c, sql_query("commit")))
	{
		log_error("migration %s failed: %s", f->name, db_last_error(c));
		if (!db_exec(c, sql_query("rollback")))
			log_debug("rollback failed too");
		return false;
	}
	log_info("applied %s", f->name);
	return true;
}

int
migrate_command(const MigrateConfig *cfg)
{
	DbConn	   *c;
	int			rc = EXIT_FAIL;
	int			lock;
	bool		ok;
	int			from,
				applied = 0;
	const char *encoding;

	log_step(1, "connect");
	c = db_connect(cfg->dsn, "migrate", &cfg->db);
	if (c == NULL)
		return EXIT_NOCONN;
	encoding = db_server_encoding(c);
	if (strcmp(encoding, "UTF8") != 0)
	{
		/* names, ids and evidence are UTF-8 (docs/SOURCE.md "The database") */
		log_error("the database's encoding is %s; itemdup needs a UTF8 database "
				  "(createdb -E UTF8 -T template0)", *encoding ? encoding : "unknown");
		goto cleanup;
	}
	log_step(2, "lock");
	lock = db_try_lock(c, DB_LOCK_CLASS, DB_LOCK_MIGRATE, cfg->lock_wait);
	if (lock <= 0)
	{
		if (lock == 0)
			log_error("another itemdup migrate holds the lock (pid %d); try later (or --lock-wait)",
					  db_lock_holder_pid(c, DB_LOCK_CLASS, DB_LOCK_MIGRATE));
		else
			log_error("could not take the migrate lock: %s", db_last_error(c));
		rc = lock == 0 ? EXIT_LOCKED : EXIT_FAIL;
		goto cleanup;
	}
	log_step(3, "migrate");
	from = migrate_current_version(c, &ok);
	if (!ok)
	{
		log_error("could not read the schema version: %s", db_last_error(c));
		goto cleanup;
	}
	if (from > ITEMDUP_SCHEMA_VERSION)
	{
		log_error("schema itemdup is at version %d, newer than this binary's %d: "
				  "use a newer itemdup", from, ITEMDUP_SCHEMA_VERSION);
		goto cleanup;
	}
	for (const SqlFile *f = sql_files; f->name != NULL; f++)
	{
		int			v = migration_version(f->name);

		if (v <= from || v > ITEMDUP_SCHEMA_VERSION)
			continue;
		if (db_interrupted())
		{
			log_error("interrupted by a signal before %s: the migrations applied so far "
					  "stay; run migrate again", f->name);
			goto cleanup;
		}
		if (!apply_one(c, f, v))
			goto cleanup;
		applied++;
	}
	if (db_interrupted())
		goto cleanup;			/* main.c reports it */
	if (!db_exec(c, sql_file("grants.sql")))
	{
		log_error("granting to itemdup_job/itemdup_analyst failed: %s", db_last_error(c));
		goto cleanup;
	}
	log_info("schema itemdup at version %d (%d migration%s applied)",
			 ITEMDUP_SCHEMA_VERSION, applied, applied == 1 ? "" : "s");
	rc = EXIT_OK;

cleanup:
	db_close(c);				/* ends the session: releases the lock */
	return rc;
}
