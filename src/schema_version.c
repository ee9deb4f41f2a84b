/*
 * schema_version.c — the schema version of the database (migrate.h), over
 * db.h only: the program (db.c) and the extension (ext/db_spi.c) read it
 * the same way.
 */
#include "migrate.h"

#include <stdlib.h>
#include <string.h>

#include "sql_query.h"

int
migrate_current_version(DbConn *c, bool *ok)
{
	DbRows		rows;
	int			v = 0;

	*ok = db_query(c, sql_query("migrate_has_schema"), 0, NULL, &rows);
	if (!*ok)
		return 0;
	v = strcmp(DB_VALUE(&rows, 0, 0), "t") == 0;
	db_rows_free(&rows);
	if (v == 0)
		return 0;
	*ok = db_query(c, sql_query("migrate_version"), 0, NULL, &rows);
	v = 0;
	if (!*ok)
		return 0;
	if (DB_VALUE(&rows, 0, 0) != NULL)
		v = atoi(DB_VALUE(&rows, 0, 0));
	db_rows_free(&rows);
	return v;
}
