/*
 * migrate.h — schema itemdup from the versioned sql/NNN_*.sql files.
 */
#ifndef ITEMDUP_MIGRATE_H
#define ITEMDUP_MIGRATE_H

#include <stdbool.h>

#include "cli.h"
#include "db.h"

/* itemdup migrate; returns the exit code. */
int			migrate_command(const Options *opt);

/*
 * migrate_check_version — false (err set) when schema itemdup is missing or
 * older than this binary: `run` refuses to work on it.
 */
bool		migrate_check_version(DbConn *c, char *err, size_t errlen) MUSTCHECK;

#endif
