/*
 * migrate.h — schema itemdup from the versioned sql/NNN_*.sql files.
 */
#ifndef ITEMDUP_MIGRATE_H
#define ITEMDUP_MIGRATE_H

#include <stdbool.h>

#include "db.h"

/* What `itemdup migrate` needs (cli.c fills it from argv). */
typedef struct MigrateConfig
{
	const char *dsn;			/* NULL: libpq's defaults */
	DbSettings	db;				/* short options and timeouts */
	int			lock_wait;		/* seconds to wait for another migrate */
} MigrateConfig;

/* itemdup migrate; returns the exit code (exitcode.h). */
int			migrate_command(const MigrateConfig *cfg);

/*
 * migrate_current_version — the database's schema version, 0 when schema
 * itemdup is not there; *ok false on a database error (schema_version.c,
 * which the extension links too).
 */
int			migrate_current_version(DbConn *c, bool *ok);

/*
 * migrate_check_version — false (err set) when schema itemdup is missing or
 * older than this binary: `run` refuses to work on it.
 */
bool		migrate_check_version(DbConn *c, char *err, size_t errlen) MUSTCHECK;

/*
 * migrate_connect — what every command that reads or writes results does
 * first: db_connect (label names it in logs), then migrate_check_version.
 * The connection, or NULL (logged) with *rc EXIT_NOCONN when it could not
 * connect, EXIT_FAIL when the schema is missing or older than this binary.
 */
DbConn	   *migrate_connect(const char *dsn, const char *label, const DbSettings *db, int *rc);

#endif
