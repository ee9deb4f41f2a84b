/*
 * report.c — the published results as a table, CSV or JSON (HTML:
 * report_html.c), filtered and ordered for triage (README.md, "For
 * analysts").
 *
 * Rows stream from the server one at a time (db_query_each), so memory
 * stays bounded whatever the size of the result; --output is written to a
 * temporary file beside it and renamed only when complete (report_out.c).
 * Every user string (ids, names) is escaped for people (textesc.h); CSV
 * cells that a spreadsheet would run as a formula are neutralised unless
 * --csv-raw.
 */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "log.h"
#include "migrate.h"
#include "sql_query.h"
#include "textesc.h"

int64_t
report_resolve_run(DbConn *c, int64_t requested)
{
	DbRows		rows;
	char		id[32];
	const char *params[1] = {id};
	int64_t		run = 0;

	snprintf(id, sizeof(id), "%" PRId64, requested);
	if (!db_query(c, sql_query(requested > 0 ? "report_run_succeeded" : "report_run_published"),
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

/* Columns of report_members.sql (table and CSV: one row per member). */
enum
{
	R_GROUP, R_ENV, R_INST, R_SIZE, R_OWNERS, R_KIND, R_MAX, R_MIN, R_FIRST_SEEN,
	R_REVIEW, R_CHANGED, R_ITEM, R_OWNER, R_ACCOUNTS, R_MATCHED, R_CREATED, R_ACTION,
	R_INST_NAME, R_CHANGE, R_NCOLS
};

static const char *const member_columns[R_NCOLS] = {
	"group_id", "environment", "institution_id", "size", "owners", "kind", "max_score",
	"min_score", "first_seen_run", "review_status", "changed_since_review", "item_id",
	"owner_id", "accounts", "matched_accounts", "created_at", "suggested_action",
	"institution_name", "change"
};

/* State of one streamed report. */
typedef struct Writer
{
	FILE	   *out;			/* borrowed */
	const ReportConfig *cfg;
	StrBuf		buf;			/* scratch for escaping */
	char		group[32];		/* table: group id of the previous row */
	bool		pair_written;	/* json: the current group has a pair written */
	int64_t		rows;
} Writer;

/* CSV: one cell (NULL: empty); user strings neutralised unless --csv-raw (textesc.h). */
static void
csv_field(Writer *w, const char *s, bool user_text)
{
	if (s == NULL)
		return;
	sb_reset(&w->buf);
	textesc_csv_cell(&w->buf, s, user_text && !w->cfg->csv_raw);
	fwrite(w->buf.data, 1, w->buf.len, w->out);
}

static bool
csv_row(const DbRows *row, void *ctx)
{
	Writer	   *w = ctx;

	for (int c = 0; c < R_NCOLS; c++)
	{
		if (c)
			fputc(',', w->out);
		csv_field(w, DB_VALUE(row, 0, c), c == R_INST || c == R_ITEM || c == R_OWNER ||
				  c == R_INST_NAME);
	}
	fputc('\n', w->out);
	w->rows++;
	return !ferror(w->out);
}

static void
table_head(FILE *out, const DbRows *run)
{
	fprintf(out, "itemdup run %s (%s, %s) started %s, published %s\n",
			db_text(run, 0, U_RUN), db_text(run, 0, U_KIND), db_text(run, 0, U_STATUS),
			db_text(run, 0, U_STARTED),
			DB_VALUE(run, 0, U_PUBLISHED) ? db_text(run, 0, U_PUBLISHED) : "never");
	fprintf(out, "items read %s, skipped %s, rejected %s; accounts %s (%s unkeyable); "
			"hot keys %s; pairs scored %s\n",
			db_text(run, 0, U_READ), db_text(run, 0, U_SKIPPED), db_text(run, 0, U_REJECTED),
			db_text(run, 0, U_ACCOUNTS), db_text(run, 0, U_UNKEYABLE), db_text(run, 0, U_HOT),
			db_text(run, 0, U_PAIRS));
	fprintf(out, "groups %s holding %s items: new %s, grown %s, shrunk %s, merged %s, "
			"split %s, dissolved %s, unchanged %s\n",
			db_text(run, 0, U_GROUPS), db_text(run, 0, U_IN_GROUPS), db_text(run, 0, U_NEW),
			db_text(run, 0, U_GROWN), db_text(run, 0, U_SHRUNK), db_text(run, 0, U_MERGED),
			db_text(run, 0, U_SPLIT), db_text(run, 0, U_DISSOLVED), db_text(run, 0, U_UNCHANGED));
	fputs("order: cross-owner first, then size, then newest; review status: open, confirmed "
		  "(real duplicates) or dismissed (not duplicates), set with itemdup.review_group()\n", out);
}

/* One member row; a group line first when the group changes.  Every user string escaped. */
static bool
table_row(const DbRows *m, void *ctx)
{
	Writer	   *w = ctx;
	FILE	   *out = w->out;

	if (strcmp(w->group, db_text(m, 0, R_GROUP)) != 0)
	{
		snprintf(w->group, sizeof(w->group), "%s", db_text(m, 0, R_GROUP));
		fprintf(out, "\ngroup %s  %s %s%s%s%s  %s items, %s owner%s  %s  %s  score %s..%s%s%s%s\n",
				db_text(m, 0, R_GROUP), db_text(m, 0, R_ENV), textesc(db_text(m, 0, R_INST)),
				DB_VALUE(m, 0, R_INST_NAME) ? " (" : "", textesc(db_text(m, 0, R_INST_NAME)),
				DB_VALUE(m, 0, R_INST_NAME) ? ")" : "",
				db_text(m, 0, R_SIZE), db_text(m, 0, R_OWNERS),
				strcmp(db_text(m, 0, R_OWNERS), "1") ? "s" : "", db_text(m, 0, R_KIND),
				db_text(m, 0, R_CHANGE), db_text(m, 0, R_MIN), db_text(m, 0, R_MAX),
				DB_VALUE(m, 0, R_REVIEW) ? "  review: " : "", db_text(m, 0, R_REVIEW),
				strcmp(db_text(m, 0, R_CHANGED), "t") == 0 ? " (changed since review)" : "");
		fprintf(out, "  %-40s %-20s %8s %8s  %-22s %s\n", "item_id", "owner_id",
				"accounts", "matched", "created_at", "suggested_action");
	}
	fprintf(out, "  %-40s %-20s %8s %8s  %-22.22s %s\n", textesc(db_text(m, 0, R_ITEM)),
			DB_VALUE(m, 0, R_OWNER) ? textesc(db_text(m, 0, R_OWNER)) : "(none)",
			db_text(m, 0, R_ACCOUNTS), db_text(m, 0, R_MATCHED), db_text(m, 0, R_CREATED),
			db_text(m, 0, R_ACTION));
	w->rows++;
	return !ferror(out);
}

/*
 * JSON rows: a group object (its text without the closing brace, then
 * "pairs") or a pair inside the current group.  Non-ASCII control and bidi
 * characters become \u escapes (same JSON value, nothing raw for a terminal).
 */
static bool
json_row(const DbRows *row, void *ctx)
{
	Writer	   *w = ctx;
	const char *json = db_text(row, 0, 1);
	size_t		len = strlen(json);
	bool		group = strcmp(db_text(row, 0, 0), "0") == 0;

	if (group)
	{
		if (len == 0 || json[len - 1] != '}')
		{
			log_error("report: unexpected group JSON from the server");
			return false;
		}
		fputs(w->rows++ ? "]},\n  " : "\n  ", w->out);
		len--;
	}
	else
		fputs(w->pair_written ? ",\n    " : "\n    ", w->out);
	sb_reset(&w->buf);
	textesc_append(&w->buf, json, len, TEXTESC_JSON_TEXT);
	fwrite(w->buf.data, 1, w->buf.len, w->out);
	if (group)
		fputs(", \"pairs\": [", w->out);
	w->pair_written = !group;
	return !ferror(w->out);
}

/* report_filter_params — see report.h. */
void
report_filter_params(const ReportFilter *f, const char *run, int64_t cap, char bufs[3][32],
					 const char *params[7])
{
	params[0] = run;
	params[1] = f->kind;
	params[2] = f->institution;
	params[3] = NULL;
	if (!isnan(f->min_score))
	{
		snprintf(bufs[0], 32, "%.17g", f->min_score);
		params[3] = bufs[0];
	}
	params[4] = f->changed ? "true" : "false";
	params[5] = NULL;
	if (f->limit > 0 || cap > 0)
	{
		snprintf(bufs[1], 32, "%" PRId64,
				 f->limit > 0 && (cap == 0 || f->limit < cap) ? f->limit : cap);
		params[5] = bufs[1];
	}
	params[6] = NULL;
	if (f->offset > 0)
	{
		snprintf(bufs[2], 32, "%" PRId64, f->offset);
		params[6] = bufs[2];
	}
}

bool
report_filtered(const ReportFilter *f)
{
	return f->kind || f->institution || !isnan(f->min_score) || f->changed ||
		f->limit > 0 || f->offset > 0;
}

/*
 * write_report — the report of run (text id) on out, streamed.  False
 * after a logged failure (out may then hold a partial report).
 */
static bool
write_report(DbConn *c, const ReportConfig *cfg, const char *run, FILE *out)
{
	Writer		w = {.out = out, .cfg = cfg};
	char		bufs[3][32];
	const char *params[7];
	DbRows		rr = {0};
	bool		ok = false;
	char	   *members = sql_query_with("report_selected", "report_members");

	sb_init(&w.buf);
	report_filter_params(&cfg->filter, run, 0, bufs, params);
	if (strcmp(cfg->format, "csv") == 0)
	{
		for (int col = 0; col < R_NCOLS; col++)
			fprintf(out, "%s%s", col ? "," : "", member_columns[col]);
		fputc('\n', out);
		ok = db_query_each(c, members, 7, params, csv_row, &w);
	}
	else if (strcmp(cfg->format, "json") == 0)
	{
		ok = db_query(c, sql_query("report_run_json"), 1, params, &rr) && rr.nrows == 1;
		if (ok)
		{
			fputs("{\"run\": ", out);
			textesc_append(&w.buf, db_text(&rr, 0, 0), strlen(db_text(&rr, 0, 0)), TEXTESC_JSON_TEXT);
			fwrite(w.buf.data, 1, w.buf.len, out);
			fputs(",\n \"groups\": [", out);
			char	   *json = sql_query_with("report_selected", "report_json");

			ok = db_query_each(c, json, 7, params, json_row, &w);
			free(json);
			fputs(w.rows ? "]}\n]}\n" : "]}\n", out);
		}
	}
	else
	{
		ok = db_query(c, sql_query("report_run"), 1, params, &rr) && rr.nrows == 1;
		if (ok)
		{
			table_head(out, &rr);
			ok = db_query_each(c, members, 7, params, table_row, &w);
			if (ok && w.rows == 0)
				fputs("\nno duplicate groups (with these filters)\n", out);
		}
	}
	if (!ok && db_last_error(c)[0])
		log_error("report failed: %s", db_last_error(c));
	else if (!ok && rr.nrows == 0 && strcmp(cfg->format, "csv") != 0)
		log_error("report failed: run %s not found", run);
	db_rows_free(&rr);
	sb_free(&w.buf);
	free(members);
	return ok && !ferror(out);
}

int
report_command(const ReportConfig *cfg)
{
	DbConn	   *c;
	char		id[32];
	int64_t		run_id;
	ReportOut	ro = {0};
	bool		ok;
	int			rc;

	c = migrate_connect(cfg->dsn, "report", &cfg->db, &rc);
	if (c == NULL)
		return rc;
	rc = EXIT_FAIL;
	/* one snapshot for every query */
	if (!db_exec(c, sql_query("begin_snapshot")))
	{
		log_error("report failed: %s", db_last_error(c));
		goto cleanup;
	}
	run_id = report_resolve_run(c, cfg->run_id);
	if (run_id == 0)
		goto cleanup;
	snprintf(id, sizeof(id), "%" PRId64, run_id);
	FAILPOINT("report_before_output");
	if (db_interrupted())
		goto cleanup;			/* write nothing; main.c reports the signal */
	if (!report_out_open(&ro, cfg->output))
		goto cleanup;			/* already logged */
	if (strcmp(cfg->format, "html") == 0)
		ok = report_write_html(c, run_id, &cfg->filter, ro.f);
	else
		ok = write_report(c, cfg, id, ro.f);
	ok = ok && !db_interrupted();	/* a signal mid-write leaves --output as it was */
	if (report_out_close(&ro, ok) && ok)
		rc = EXIT_OK;
	if (!db_exec(c, sql_query("commit")) && rc == EXIT_OK)
	{
		log_error("report failed: %s", db_last_error(c));
		rc = EXIT_FAIL;
	}

cleanup:
	db_close(c);
	return rc;
}
