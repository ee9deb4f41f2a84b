/*
 * sql_query.h — the statements the job runs, by name: the files
 * sql/queries/NAME.sql, embedded at build time (sql_files.h).  No SQL text
 * lives in the C files of src/ (scripts/lint.sh checks it).
 */
#ifndef ITEMDUP_SQL_QUERY_H
#define ITEMDUP_SQL_QUERY_H

/*
 * sql_query — the text of sql/queries/NAME.sql (static, never freed).  A
 * name with no file is a build error, not a runtime condition: it prints the
 * name on stderr and aborts.
 */
const char *sql_query(const char *name);

/*
 * sql_query_with — the statement made of fragment head (a WITH clause,
 * e.g. "report_selected") followed by tail: malloc'd (free()); aborts like
 * sql_query on a missing name (out of memory: xoom).
 */
char	   *sql_query_with(const char *head, const char *tail);

/*
 * sql_query_gen — text (a model statement, sql/queries/README.md) with its
 * :gen placeholder, the model tables' generation (sql/011), put in:
 * malloc'd (free()).
 */
char	   *sql_query_gen(const char *text, int gen);

#endif
