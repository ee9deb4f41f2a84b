/*
 * status.c — the health verdict from itemdup.runs and itemdup.published.
 */
#include "status.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"
#include "sql_query.h"

/* Columns of status.sql: one row per role (published, last finished, running run). */
enum
{
	C_ROLE, C_ID, C_KIND, C_STATUS, C_STARTED, C_FINISHED, C_PUBLISHED, C_AGE, C_ERROR, C_DRY
};

/* "1d2h", "7h52m", "3m10s": an age for people (static buffer). */
static const char *
human_age(int64_t s)
{
	static char buf[4][32];
	static int	k;
	char	   *b = buf[k++ % 4];

	if (s >= 86400)
		snprintf(b, 32, "%" PRId64 "d%" PRId64 "h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(b, 32, "%" PRId64 "h%" PRId64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(b, 32, "%" PRId64 "m%" PRId64 "s", s / 60, s % 60);
	return b;
}

/* The row of a role, or -1. */
static int
row_of(const DbRows *rows, const char *role)
{
	for (int r = 0; r < rows->nrows; r++)
		if (strcmp(DB_VALUE(rows, r, C_ROLE), role) == 0)
			return r;
	return -1;
}

static cJSON *
run_json(const DbRows *rows, int r)
{
	cJSON	   *o;

	if (r < 0)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "run_id", (double) strtoll(DB_VALUE(rows, r, C_ID), NULL, 10));
	cJSON_AddStringToObject(o, "kind", db_text(rows, r, C_KIND));
	cJSON_AddStringToObject(o, "status", db_text(rows, r, C_STATUS));
	cJSON_AddBoolToObject(o, "dry_run", strcmp(db_text(rows, r, C_DRY), "t") == 0);
	cJSON_AddStringToObject(o, "started_at", db_text(rows, r, C_STARTED));
	if (DB_VALUE(rows, r, C_FINISHED))
		cJSON_AddStringToObject(o, "finished_at", DB_VALUE(rows, r, C_FINISHED));
	if (strcmp(DB_VALUE(rows, r, C_ROLE), "published_run") == 0)
	{
		cJSON_AddStringToObject(o, "published_at", db_text(rows, r, C_PUBLISHED));
		cJSON_AddNumberToObject(o, "age_seconds", (double) strtoll(db_text(rows, r, C_AGE), NULL, 10));
	}
	if (DB_VALUE(rows, r, C_ERROR))
		cJSON_AddStringToObject(o, "error", DB_VALUE(rows, r, C_ERROR));
	return o;
}

/* The verdict: problems appended to the JSON array; true when none. */
static bool
judge(const StatusConfig *cfg, const DbRows *rows, cJSON *problems)
{
	int			pub = row_of(rows, "published_run");
	int			last = row_of(rows, "last_run");
	char		msg[300];

	if (pub < 0)
		cJSON_AddItemToArray(problems, cJSON_CreateString("no run is published"));
	else if (strtoll(db_text(rows, pub, C_AGE), NULL, 10) >= cfg->max_age)
	{
		snprintf(msg, sizeof(msg), "published run %s is %s old (--max-age %s)",
				 DB_VALUE(rows, pub, C_ID), human_age(strtoll(db_text(rows, pub, C_AGE), NULL, 10)),
				 human_age(cfg->max_age));
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	if (last >= 0 && strcmp(DB_VALUE(rows, last, C_STATUS), "succeeded") != 0)
	{
		snprintf(msg, sizeof(msg), "last run %s %s", DB_VALUE(rows, last, C_ID),
				 DB_VALUE(rows, last, C_STATUS));
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	return cJSON_GetArraySize(problems) == 0;
}

static void
print_run_line(const char *label, const DbRows *rows, int r)
{
	if (r < 0)
	{
		printf("%-14s none\n", label);
		return;
	}
	printf("%-14s %s (%s%s) %s, started %s", label, DB_VALUE(rows, r, C_ID),
		   db_text(rows, r, C_KIND), strcmp(db_text(rows, r, C_DRY), "t") == 0 ? ", dry run" : "",
		   db_text(rows, r, C_STATUS), db_text(rows, r, C_STARTED));
	if (strcmp(DB_VALUE(rows, r, C_ROLE), "published_run") == 0)
		printf(", published %s (%s ago)", db_text(rows, r, C_PUBLISHED),
			   human_age(strtoll(db_text(rows, r, C_AGE), NULL, 10)));
	else if (DB_VALUE(rows, r, C_FINISHED))
		printf(", finished %s", DB_VALUE(rows, r, C_FINISHED));
	if (DB_VALUE(rows, r, C_ERROR))
		printf(": %s", DB_VALUE(rows, r, C_ERROR));
	putchar('\n');
}

static void
print_status(const StatusConfig *cfg, bool ok, const DbRows *rows, cJSON *problems,
			 const char *error)
{
	if (cfg->json)
	{
		cJSON	   *o = cJSON_CreateObject();
		char	   *text;

		cJSON_AddBoolToObject(o, "ok", ok);
		cJSON_AddNumberToObject(o, "max_age_seconds", (double) cfg->max_age);
		if (error != NULL)
			cJSON_AddStringToObject(o, "error", error);
		cJSON_AddItemToObject(o, "problems", cJSON_Duplicate(problems, true));
		cJSON_AddItemToObject(o, "published_run", run_json(rows, row_of(rows, "published_run")));
		cJSON_AddItemToObject(o, "last_run", run_json(rows, row_of(rows, "last_run")));
		cJSON_AddItemToObject(o, "running_run", run_json(rows, row_of(rows, "running_run")));
		text = cJSON_PrintUnformatted(o);
		puts(text);
		free(text);
		cJSON_Delete(o);
		return;
	}
	printf("itemdup status: %s", ok ? "OK" : "FAIL");
	for (int i = 0; i < cJSON_GetArraySize(problems); i++)
		printf("%s%s", i == 0 ? " — " : "; ", cJSON_GetArrayItem(problems, i)->valuestring);
	if (error != NULL)
		printf(" — %s", error);
	putchar('\n');
	if (error != NULL)
		return;
	print_run_line("published run", rows, row_of(rows, "published_run"));
	print_run_line("last run", rows, row_of(rows, "last_run"));
	if (row_of(rows, "running_run") >= 0)
		print_run_line("running", rows, row_of(rows, "running_run"));
}

int
status_command(const StatusConfig *cfg)
{
	DbConn	   *c = db_connect(cfg->dsn, "status", &cfg->db);
	DbRows		rows = {0};
	cJSON	   *problems = cJSON_CreateArray();
	char		error[600];
	int			rc = EXIT_FAIL;

	if (c == NULL)
	{
		print_status(cfg, false, &rows, problems, "could not connect");
		rc = EXIT_NOCONN;
	}
	else if (!db_query(c, sql_query("status"), 0, NULL, &rows))
	{
		snprintf(error, sizeof(error), "could not read itemdup.runs (has \"itemdup migrate\" "
				 "run?): %s", db_last_error(c));
		log_error("%s", error);
		print_status(cfg, false, &rows, problems, error);
	}
	else
	{
		bool		ok = judge(cfg, &rows, problems);

		print_status(cfg, ok, &rows, problems, NULL);
		rc = ok ? EXIT_OK : EXIT_FAIL;
	}
	db_rows_free(&rows);
	cJSON_Delete(problems);
	db_close(c);
	return rc;
}
