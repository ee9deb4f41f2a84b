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
 * migrate_check_version — false (err set) when schema itemdup is missing or
 * older than this binary: `run` refuses to work on it.
 */
bool		migrate_check_version(DbConn *c, char *err, size_t errlen) MUSTCHECK;

#endif
