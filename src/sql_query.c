/*
 * sql_query.c — the embedded SQL files by name (sql_files.h, sql_query.h).
 * No libpq and no log: the extension (ext/) links it too.
 */
#include "sql_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "copyfmt.h"
#include "sql_files.h"

const char *
sql_file(const char *name)
{
	for (const SqlFile *f = sql_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f->text;
	return NULL;
}

const char *
sql_query(const char *name)
{
	char		path[128];
	const char *text;

	snprintf(path, sizeof(path), "queries/%s.sql", name);
	text = sql_file(path);
	if (text == NULL)
	{
		fprintf(stderr, "itemdup: no embedded sql/%s (a build error)\n", path);
		abort();
	}
	return text;
}

char *
sql_query_gen(const char *text, int gen)
{
	StrBuf		b;
	char		g[16];

	snprintf(g, sizeof(g), "%d", gen);
	sb_init(&b);
	sb_replace(&b, text, ":gen", g);
	return b.data;
}

char *
sql_query_with(const char *head, const char *tail)
{
	const char *h = sql_query(head);
	const char *t = sql_query(tail);
	size_t		hl = strlen(h),
				tl = strlen(t);
	char	   *s = xmalloc(hl + tl + 1);

	memcpy(s, h, hl);
	memcpy(s + hl, t, tl + 1);
	return s;
}
