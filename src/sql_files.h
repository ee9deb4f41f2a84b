/*
 * sql_files.h — the files of sql/, embedded at build time (scripts/sql2c.sh).
 */
#ifndef ITEMDUP_SQL_FILES_H
#define ITEMDUP_SQL_FILES_H

#include <stddef.h>

typedef struct SqlFile
{
	const char *name;			/* e.g. "001_schema.sql", "queries/read_flat.sql" */
	const char *text;
} SqlFile;

/*
 * Every file sql/NAME.sql and sql/queries/NAME.sql, named by its path under
 * sql/, terminated by {NULL, NULL}.
 */
extern const SqlFile sql_files[];

/* The text of the named file, or NULL. */
const char *sql_file(const char *name);

#endif
