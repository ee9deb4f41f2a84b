/*
 * history.c — the published run's groups and new group ids, read before
 * grouping (history.h).
 */
#include "history.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copyfmt.h"
#include "sql_query.h"

static int
cmp_meta(const void *x, const void *y)
{
	int64_t		a = ((const PrevGroupMeta *) x)->group_id;
	int64_t		b = ((const PrevGroupMeta *) y)->group_id;

	return (a > b) - (a < b);
}

/* One COPY row "group_id<TAB>item_id" of history_members.sql into prev. */
static bool
member_row(char *row, size_t len, void *arg)
{
	PrevGroups *prev = arg;
	char	   *f[2];
	size_t		flen[2];
	PrevMember *m;

	if (!copyfmt_split(row, len, 2, f, flen) || f[0] == NULL || f[1] == NULL)
		return false;
	m = vec_push(&prev->members);
	m->group_id = strtoll(f[0], NULL, 10);
	m->item_id = arena_strndup(&prev->arena, f[1], flen[1]);
	return true;
}

bool
history_read_groups(DbConn *c, PrevGroups *prev, char *err, size_t errlen)
{
	DbRows		rows;

	memset(prev, 0, sizeof(*prev));
	vec_init(&prev->members, sizeof(PrevMember));
	vec_init(&prev->meta, sizeof(PrevGroupMeta));
	arena_init(&prev->arena);
	if (!db_query(c, sql_query("history_groups"), 0, NULL, &rows))
	{
		snprintf(err, errlen, "could not read the published groups: %s", db_last_error(c));
		return false;
	}
	for (int r = 0; r < rows.nrows; r++)
	{
		PrevGroupMeta *m;

		prev->run_id = strtoll(DB_VALUE(&rows, r, 3), NULL, 10);
		if (DB_VALUE(&rows, r, 0) == NULL)
			continue;
		m = vec_push(&prev->meta);
		m->group_id = strtoll(DB_VALUE(&rows, r, 0), NULL, 10);
		m->first_seen_run = strtoll(DB_VALUE(&rows, r, 1), NULL, 10);
		m->first_seen_at = strtoll(DB_VALUE(&rows, r, 2), NULL, 10);
	}
	db_rows_free(&rows);
	vec_sort(&prev->meta, cmp_meta);
	if (prev->run_id != 0 &&
		!db_copy_out(c, sql_query("history_members"), member_row, prev))
	{
		snprintf(err, errlen, "could not read the published group members: %s", db_last_error(c));
		return false;
	}
	return true;
}

void
history_free(PrevGroups *prev)
{
	vec_free(&prev->members);
	vec_free(&prev->meta);
	arena_free(&prev->arena);
}

bool
history_allocate_ids(DbConn *c, size_t n, int64_t *ids, char *err, size_t errlen)
{
	DbRows		rows;
	char		count[32];
	const char *params[1] = {count};

	if (n == 0)
		return true;
	snprintf(count, sizeof(count), "%zu", n);
	if (!db_query(c, sql_query("history_allocate_ids"), 1, params, &rows))
	{
		snprintf(err, errlen, "could not allocate group ids: %s", db_last_error(c));
		return false;
	}
	for (size_t i = 0; i < n && (int) i < rows.nrows; i++)
		ids[i] = strtoll(DB_VALUE(&rows, (int) i, 0), NULL, 10);
	db_rows_free(&rows);
	return true;
}

const PrevGroupMeta *
history_find_meta(const PrevGroups *prev, int64_t group_id)
{
	PrevGroupMeta key = {group_id, 0, 0};

	if (prev->meta.len == 0)
		return NULL;
	return bsearch(&key, prev->meta.data, prev->meta.len, sizeof(PrevGroupMeta), cmp_meta);
}
