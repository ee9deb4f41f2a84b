/*
 * report.c — the published results as a table, CSV or JSON (HTML: report_html.c).
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "copyfmt.h"
#include "log.h"
#include "migrate.h"

int64_t
report_resolve_run(DbConn *c, int64_t requested)
{
	DbRows		rows;
	char		id[32];
	const char *params[1] = {id};
	int64_t		run = 0;

	snprintf(id, sizeof(id), "%" PRId64, requested);
	if (!db_query(c,
				  requested > 0
				  ? "SELECT run_id FROM itemdup.runs WHERE run_id = $1::bigint AND status = 'succeeded'"
				  : "SELECT run_id FROM itemdup.published WHERE $1::bigint IS NOT NULL",
				  1, params, &rows))
	{
		log_error("could not find the run: %s", db_last_error(c));
		return 0;
	}
	if (rows.nrows > 0)
		run = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
	else if (requested > 0)
		log_error("run %" PRId64 " does not exist, did not succeed or was pruned", requested);
	else
		log_error("no published run to report: run \"itemdup run\" first");
	db_rows_free(&rows);
	return run;
}

/* Columns of the member query below. */
enum
{
	R_GROUP, R_ENV, R_INST, R_SIZE, R_OWNERS, R_KIND, R_MAX, R_MIN, R_FIRST_SEEN,
	R_REVIEW, R_CHANGED, R_ITEM, R_OWNER, R_ACCOUNTS, R_MATCHED, R_CREATED, R_ACTION, R_NCOLS
};

static const char *const member_columns[R_NCOLS] = {
	"group_id", "environment", "institution_id", "size", "owners", "kind", "max_score",
	"min_score", "first_seen_run", "review_status", "changed_since_review", "item_id",
	"owner_id", "accounts", "matched_accounts", "created_at", "suggested_action"
};

static const char member_sql[] =
"SELECT g.group_id, g.environment, g.institution_id, g.size, g.owners, g.kind, "
"       g.max_score, g.min_score, g.first_seen_run, g.review_status, "
"       g.changed_since_review, i.item_id, i.owner_id, i.accounts, i.matched_accounts, "
"       i.created_at, i.suggested_action "
"  FROM itemdup.run_groups g "
"  JOIN itemdup.run_group_items i ON i.run_id = g.run_id AND i.group_id = g.group_id "
" WHERE g.run_id = $1::bigint "
" ORDER BY g.group_id, i.item_id COLLATE \"C\"";

static const char run_sql[] =
"SELECT run_id, kind, status, started_at, finished_at, published_at, items_read, "
"       items_skipped, items_rejected, accounts_read, accounts_unkeyable, hot_keys, "
"       pairs_scored, groups, items_in_groups, groups_new, groups_grown, groups_shrunk, "
"       groups_merged, groups_split, groups_dissolved, groups_unchanged "
"  FROM itemdup.runs WHERE run_id = $1::bigint";

static void
csv_field(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\n\r") == NULL)
	{
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++)
	{
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
write_csv(FILE *out, const DbRows *m)
{
	for (int c = 0; c < R_NCOLS; c++)
		fprintf(out, "%s%s", c ? "," : "", member_columns[c]);
	fputc('\n', out);
	for (int r = 0; r < m->nrows; r++)
	{
		for (int c = 0; c < R_NCOLS; c++)
		{
			if (c)
				fputc(',', out);
			csv_field(out, DB_VALUE(m, r, c));
		}
		fputc('\n', out);
	}
}

static void
write_table(FILE *out, const DbRows *run, const DbRows *m)
{
	fprintf(out, "itemdup run %s (%s, %s) started %s, published %s\n",
			db_text(run, 0, 0), db_text(run, 0, 1), db_text(run, 0, 2), db_text(run, 0, 3),
			DB_VALUE(run, 0, 5) ? db_text(run, 0, 5) : "never");
	fprintf(out, "items read %s, skipped %s, rejected %s; accounts %s (%s unkeyable); "
			"hot keys %s; pairs scored %s\n",
			db_text(run, 0, 6), db_text(run, 0, 7), db_text(run, 0, 8), db_text(run, 0, 9), db_text(run, 0, 10),
			db_text(run, 0, 11), db_text(run, 0, 12));
	fprintf(out, "groups %s holding %s items: new %s, grown %s, shrunk %s, merged %s, "
			"split %s, dissolved %s, unchanged %s\n\n",
			db_text(run, 0, 13), db_text(run, 0, 14), db_text(run, 0, 15), db_text(run, 0, 16), db_text(run, 0, 17),
			db_text(run, 0, 18), db_text(run, 0, 19), db_text(run, 0, 20), db_text(run, 0, 21));
	if (m->nrows == 0)
	{
		fputs("no duplicate groups\n", out);
		return;
	}
	for (int r = 0; r < m->nrows; r++)
	{
		if (r == 0 || strcmp(db_text(m, r, R_GROUP), db_text(m, r - 1, R_GROUP)) != 0)
		{
			fprintf(out, "%sgroup %s  %s %s  %s items, %s owner%s  %s  score %.4g..%.4g%s%s\n",
					r ? "\n" : "", db_text(m, r, R_GROUP), db_text(m, r, R_ENV), db_text(m, r, R_INST),
					db_text(m, r, R_SIZE), db_text(m, r, R_OWNERS),
					strcmp(db_text(m, r, R_OWNERS), "1") ? "s" : "", db_text(m, r, R_KIND),
					atof(db_text(m, r, R_MIN)), atof(db_text(m, r, R_MAX)),
					DB_VALUE(m, r, R_REVIEW) ? "  review: " : "", db_text(m, r, R_REVIEW));
			fprintf(out, "  %-40s %-20s %8s %8s  %-22s %s\n", "item_id", "owner_id",
					"accounts", "matched", "created_at", "suggested_action");
		}
		fprintf(out, "  %-40s %-20s %8s %8s  %-22.22s %s\n", db_text(m, r, R_ITEM),
				DB_VALUE(m, r, R_OWNER) ? db_text(m, r, R_OWNER) : "(none)",
				db_text(m, r, R_ACCOUNTS), db_text(m, r, R_MATCHED), db_text(m, r, R_CREATED),
				db_text(m, r, R_ACTION));
	}
}

/* Numbers as JSON numbers, the rest as strings, SQL null as null. */
static void
add_value(cJSON *o, const char *key, const char *val, bool numeric)
{
	if (val == NULL)
		cJSON_AddNullToObject(o, key);
	else if (numeric)
		cJSON_AddNumberToObject(o, key, atof(val));
	else
		cJSON_AddStringToObject(o, key, val);
}

static void
write_json(FILE *out, const DbRows *run, const DbRows *m, const DbRows *pairs)
{
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *jrun = cJSON_AddObjectToObject(root, "run");
	cJSON	   *groups = cJSON_AddArrayToObject(root, "groups");
	cJSON	   *group = NULL;
	cJSON	   *items = NULL;
	static const char *const run_cols[] = {
		"run_id", "kind", "status", "started_at", "finished_at", "published_at", "items_read",
		"items_skipped", "items_rejected", "accounts_read", "accounts_unkeyable", "hot_keys",
		"pairs_scored", "groups", "items_in_groups", "groups_new", "groups_grown",
		"groups_shrunk", "groups_merged", "groups_split", "groups_dissolved", "groups_unchanged"
	};
	int			p = 0;
	char	   *text;

	for (int c = 0; c < 22; c++)
		add_value(jrun, run_cols[c], DB_VALUE(run, 0, c), c == 0 || c >= 6);
	for (int r = 0; r < m->nrows; r++)
	{
		if (r == 0 || strcmp(db_text(m, r, R_GROUP), db_text(m, r - 1, R_GROUP)) != 0)
		{
			group = cJSON_CreateObject();
			cJSON_AddItemToArray(groups, group);
			for (int c = R_GROUP; c <= R_CHANGED; c++)
			{
				if (c == R_CHANGED)
				{
					const char *cs = DB_VALUE(m, r, c);

					if (cs == NULL)
						cJSON_AddNullToObject(group, member_columns[c]);
					else
						cJSON_AddBoolToObject(group, member_columns[c], cs[0] == 't');
				}
				else
					add_value(group, member_columns[c], DB_VALUE(m, r, c),
							  c == R_GROUP || c == R_SIZE || c == R_OWNERS || c == R_MAX ||
							  c == R_MIN || c == R_FIRST_SEEN);
			}
			items = cJSON_AddArrayToObject(group, "items");
			cJSON	   *jp = cJSON_AddArrayToObject(group, "pairs");

			/* pairs are ordered by group_id like the members */
			while (p < pairs->nrows && atoll(db_text(pairs, p, 0)) < atoll(db_text(m, r, R_GROUP)))
				p++;
			for (; p < pairs->nrows && strcmp(db_text(pairs, p, 0), db_text(m, r, R_GROUP)) == 0; p++)
			{
				cJSON	   *o = cJSON_CreateObject();

				add_value(o, "item_a", DB_VALUE(pairs, p, 1), false);
				add_value(o, "item_b", DB_VALUE(pairs, p, 2), false);
				add_value(o, "score", DB_VALUE(pairs, p, 3), true);
				cJSON_AddItemToObject(o, "evidence", cJSON_Parse(db_text(pairs, p, 4)));
				cJSON_AddItemToArray(jp, o);
			}
		}
		cJSON	   *it = cJSON_CreateObject();

		for (int c = R_ITEM; c < R_NCOLS; c++)
			add_value(it, member_columns[c], DB_VALUE(m, r, c),
					  c == R_ACCOUNTS || c == R_MATCHED);
		cJSON_AddItemToArray(items, it);
	}
	text = cJSON_Print(root);
	if (text == NULL)
		xoom(0);
	fputs(text, out);
	fputc('\n', out);
	free(text);
	cJSON_Delete(root);
}

int
report_command(const Options *opt)
{
	DbConn	   *c;
	DbRows		run = {0},
				members = {0},
				pairs = {0};
	char		err[512];
	char		id[32];
	const char *params[1] = {id};
	int64_t		run_id;
	char	   *html = NULL;	/* the html page, malloc'd by open_memstream */
	size_t		html_len = 0;
	FILE	   *out = stdout;
	int			rc = EXIT_FAIL;

	c = db_connect(opt->dsn, "report", &opt->db);
	if (c == NULL)
		return EXIT_NOCONN;
	if (!migrate_check_version(c, err, sizeof(err)))
	{
		log_error("%s", err);
		goto cleanup;
	}
	/* one snapshot for the three queries */
	if (!db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
		goto dberror;
	run_id = report_resolve_run(c, opt->run_id);
	if (run_id == 0)
		goto cleanup;
	snprintf(id, sizeof(id), "%" PRId64, run_id);
	if (strcmp(opt->format, "html") == 0)
	{
		/* html runs its own queries in this snapshot, into memory: --output untouched on failure */
		FILE	   *mem = open_memstream(&html, &html_len);
		bool		ok = mem != NULL && report_write_html(c, run_id, mem);

		if (mem == NULL)
			log_error("report: out of memory: %m");
		if ((mem != NULL && fclose(mem) != 0) || !ok)
			goto cleanup;		/* already logged */
	}
	else if (!db_query(c, run_sql, 1, params, &run) ||
			 !db_query(c, member_sql, 1, params, &members) ||
			 !db_query(c, "SELECT group_id, item_a, item_b, score, evidence::text FROM itemdup.run_pairs "
					   "WHERE run_id = $1::bigint ORDER BY group_id, item_a, item_b", 1, params, &pairs))
		goto dberror;
	if (!db_exec(c, "COMMIT"))
		goto dberror;
	FAILPOINT("report_before_output");
	if (db_interrupted())
		goto cleanup;			/* write nothing; main.c reports the signal */

	if (opt->output && (out = fopen(opt->output, "w")) == NULL)
	{
		log_error("cannot write %s: %m", opt->output);
		goto cleanup;
	}
	if (html != NULL)
		fwrite(html, 1, html_len, out);
	else if (strcmp(opt->format, "csv") == 0)
		write_csv(out, &members);
	else if (strcmp(opt->format, "json") == 0)
		write_json(out, &run, &members, &pairs);
	else
		write_table(out, &run, &members);
	if (out != stdout)
	{
		if (ferror(out) | (fclose(out) != 0))
		{
			log_error("writing %s failed", opt->output);
			goto cleanup;
		}
	}
	rc = EXIT_OK;
	goto cleanup;

dberror:
	log_error("report failed: %s", db_last_error(c));
cleanup:
	db_rows_free(&run);
	db_rows_free(&members);
	db_rows_free(&pairs);
	free(html);
	db_close(c);
	return rc;
}
