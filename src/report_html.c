/*
 * report_html.c — `itemdup report --format html`: one self-contained page
 * for people (no network: inline CSS, SVG charts drawn here, no script).
 *
 * Sections: the run's figures, the diff with the previous published run
 * (by group id, computed in SQL from run_group_items of both runs), a
 * histogram of the kept pairs' scores with the threshold, group sizes, the
 * institutions with most grouped items, and the groups with members and
 * readable evidence (capped; --format csv/json have everything).
 *
 * Every value that comes from the database goes through html_text(): item,
 * owner and institution ids and account names are user data.  Results hold
 * no payload or token, and none is queried here.
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report_html.h"
#include "sql_query.h"
#include "textesc.h"




/* Columns of html_groups.sql. */
enum
{
	G_GROUP, G_ENV, G_INST, G_KIND, G_SIZE, G_OWNERS, G_MIN, G_MAX, G_REVIEW,
	G_CHANGED, G_ITEM, G_OWNER, G_ACCOUNTS, G_MATCHED, G_ACTION, G_ORD, G_TOTAL,
	G_CHANGE, G_INST_NAME, G_ACCTS
};

/*
 * html_text — write s (NULL: nothing) with &, <, >, " and ' escaped, so it
 * is safe as element text and inside a quoted attribute, and control and
 * bidi characters escaped as text (\u202e, textesc.h), so an unclosed
 * U+202E cannot reverse the rest of the line.  At most maxbytes bytes (0:
 * no limit), cut on a UTF-8 character boundary with "…".
 */
void
html_text(FILE *out, const char *s, size_t maxbytes)
{
	static const char specials[] = "&<>\"'";
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	StrBuf		esc;
	size_t		len;

	if (s == NULL)
		return;
	sb_init(&esc);
	if (textesc_needed(s, strlen(s), TEXTESC_TEXT))
	{
		textesc_append(&esc, s, strlen(s), TEXTESC_TEXT);
		s = esc.data;
	}
	len = strlen(s);
	if (maxbytes > 0 && len > maxbytes)
	{
		len = maxbytes;
		while (len > 0 && ((unsigned char) s[len] & 0xC0) == 0x80)
			len--;
	}
	for (size_t i = 0; i < len; i++)
	{
		const char *e = strchr(specials, s[i]);	/* s[i] is never '\0' here */

		if (e)
			fputs(entities[e - specials], out);
		else
			fputc(s[i], out);
	}
	if (len < strlen(s))
		fputs("…", out);
	sb_free(&esc);
}

/* put — pre and post as they are (markup), s escaped between them. */
void
html_put(FILE *out, const char *pre, const char *s, const char *post)
{
	fputs(pre, out);
	html_text(out, s, 0);
	fputs(post, out);
}

/*
 * page_query — db_query with the failure logged as "html report: what: …".
 * rows is owned by the caller (db_rows_free, also after a failure).
 */
bool
html_query(Page *p, const char *what, const char *sql, int nparams,
		   const char *const *params, DbRows *rows)
{
	if (db_query(p->c, sql, nparams, params, rows))
		return true;
	log_error("html report: %s: %s", what, db_last_error(p->c));
	return false;
}

/* cards — the figures of run_sql columns first..last, each with its label. */
static void
cards(FILE *out, const DbRows *run, int first, int last)
{
	static const char *const labels[U_NCOLS] = {
		[U_READ] = "items read", [U_SKIPPED] = "items skipped",
		[U_REJECTED] = "items rejected", [U_ACCOUNTS] = "accounts read",
		[U_UNKEYABLE] = "accounts unkeyable", [U_HOT] = "hot keys skipped",
		[U_PAIRS] = "pairs scored", [U_GROUPS] = "groups", [U_IN_GROUPS] = "items in groups",
		[U_NEW] = "new", [U_GROWN] = "grown", [U_SHRUNK] = "shrunk", [U_MERGED] = "merged",
		[U_SPLIT] = "split", [U_DISSOLVED] = "dissolved", [U_UNCHANGED] = "unchanged"
	};

	fputs("<div class=\"cards\">\n", out);
	for (int c = first; c <= last; c++)
	{
		fputs("<div class=\"card\"><b>", out);
		html_text(out, DB_VALUE(run, 0, c) ? DB_VALUE(run, 0, c) : "—", 0);
		fprintf(out, "</b><span>%s</span></div>\n", labels[c]);
	}
	fputs("</div>\n", out);
}

/* section_summary — the run's figures from itemdup.runs (run: borrowed). */
static void
section_summary(Page *p, const DbRows *run)
{
	static const struct
	{
		int			col;
		const char *label;
		const char *none;		/* shown for SQL null */
	}			rows[] = {
		{U_RUN, "run id", ""}, {U_KIND, "kind", ""}, {U_STATUS, "status", ""},
		{U_STARTED, "started", ""}, {U_FINISHED, "finished", "—"},
		{U_PUBLISHED, "published", "never"}, {U_THRESHOLD, "threshold", "unknown"}
	};

	fputs("<h2 id=\"run\">Run</h2>\n<table>\n", p->out);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
	{
		const char *v = DB_VALUE(run, 0, rows[i].col);

		fprintf(p->out, "<tr><th>%s</th>", rows[i].label);
		html_put(p->out, "<td>", v ? v : rows[i].none, "");
		if (rows[i].col == U_KIND && strcmp(db_text(run, 0, U_DRY), "t") == 0)
			fputs(" (dry run)", p->out);
		fprintf(p->out, "%s</td></tr>\n", rows[i].col == U_THRESHOLD ? " (log2 odds)" : "");
	}
	fputs("</table>\n", p->out);
	cards(p->out, run, U_READ, U_IN_GROUPS);
}

/*
 * section_diff — the run diff: the counts of itemdup.runs, then each group
 * that is not unchanged compared with the previous published run (by id).
 * run is borrowed; false after a logged query failure.
 */
static bool
section_diff(Page *p, const DbRows *run)
{
	const char *prev = DB_VALUE(run, 0, U_PREV);
	char		cap[16];
	const char *params[3] = {p->run, prev, cap};
	DbRows		d = {0};
	long long	changed;
	bool		ok = false;

	fputs("<h2 id=\"changes\">Changes since the previous published run</h2>\n", p->out);
	cards(p->out, run, U_NEW, U_UNCHANGED);
	if (prev == NULL)
	{
		fputs("<p class=\"note\">No earlier published run is kept: every group of this run is "
			  "new.</p>\n", p->out);
		return true;
	}
	snprintf(cap, sizeof(cap), "%d", HTML_MAX_CHANGES);
	if (!html_query(p, "run diff", sql_query("html_diff"), 3, params, &d))
		goto cleanup;
	html_put(p->out, "<p class=\"sub\">Compared with run ", prev, "");
	fputs(" by group id (the figures above count merges and splits by members). "
		  "Unchanged groups are not listed.</p>\n", p->out);
	if (d.nrows == 0)
	{
		fputs("<p class=\"note\">No group changed.</p>\n", p->out);
		ok = true;
		goto cleanup;
	}
	changed = atoll(db_text(&d, 0, 6));
	/* a long list starts folded so the charts stay near the top */
	fprintf(p->out, "<details%s><summary>%lld changed group%s</summary>\n<table>\n"
			"<tr><th>group</th><th>change</th><th>members</th></tr>\n",
			changed <= 30 ? " open" : "", changed, changed == 1 ? "" : "s");
	for (int r = 0; r < d.nrows; r++)
	{
		if (r == 0 || strcmp(db_text(&d, r, 0), db_text(&d, r - 1, 0)) != 0)
		{
			bool		link = strcmp(db_text(&d, r, 5), "t") == 0;	/* still a group */

			fputs(r ? "</ul></td></tr>\n<tr><td class=\"n\">" : "<tr><td class=\"n\">", p->out);
			if (link)
				fprintf(p->out, "<a href=\"#g%lld\">", atoll(db_text(&d, r, 0)));
			html_put(p->out, "", db_text(&d, r, 0), link ? "</a>" : "");
			html_put(p->out, "</td><td class=\"st\">", db_text(&d, r, 1), "</td><td><ul>");
		}
		html_put(p->out, "<li class=\"", db_text(&d, r, 3), "\">");
		html_put(p->out, "<code>", db_text(&d, r, 2), "</code> ");
		html_put(p->out, "<span class=\"note\">", DB_VALUE(&d, r, 4), "</span></li>");
	}
	fputs("</ul></td></tr>\n</table>\n", p->out);
	if (changed > HTML_MAX_CHANGES)
		fprintf(p->out, "<p class=\"note\">%lld changed groups, the first %d by id listed.</p>\n",
				changed, HTML_MAX_CHANGES);
	fputs("</details>\n", p->out);
	ok = true;

cleanup:
	db_rows_free(&d);
	return ok;
}

/* num — a number member of an evidence object, or 0. */
static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/*
 * pair_evidence — one pair in readable form: shared keys (name, mask,
 * weight), persistent ids, owner, unmatched accounts, identical-set bonus,
 * prior.  Row r of ps (html_pairs.sql) is borrowed; the parsed tree is freed here.
 */
void
html_pair_evidence(FILE *out, const DbRows *ps, int r)
{
	cJSON	   *ev = cJSON_Parse(db_text(ps, r, 4));
	const cJSON *k;
	const char *owner;
	int			nk = 0;

	html_put(out, "<div class=\"pair\"><code>", db_text(ps, r, 1), "</code> – ");
	html_put(out, "<code>", db_text(ps, r, 2), "</code>");
	fprintf(out, " score <b>%.2f</b><div class=\"ev\">", atof(db_text(ps, r, 3)));
	if (ev == NULL)
	{
		fputs("(evidence not readable)</div></div>\n", out);
		return;
	}
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(ev, "shared_keys"))
	{
		html_put(out, nk++ ? "; “" : "shared: “",
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "name")), "” ··");
		html_put(out, "", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "mask")), "");
		fprintf(out, " (weight %+.2f)", num(k, "weight"));
	}
	if (nk)
		fputs("<br>", out);
	if (num(ev, "shared_persistent_ids") > 0)
		fprintf(out, "shared persistent ids %.0f (%+.2f)<br>",
				num(ev, "shared_persistent_ids"), num(ev, "persistent_weight"));
	owner = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "owner"));
	html_put(out, "owner ", owner ? owner : "?", "");
	fprintf(out, " (%+.2f) · unmatched %.0f/%.0f (%+.2f)", num(ev, "owner_weight"),
			num(ev, "unmatched_a"), num(ev, "unmatched_b"), num(ev, "unmatched_penalty"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "identical_accounts")))
		fprintf(out, " · identical accounts (%+.2f)", num(ev, "identical_bonus"));
	fprintf(out, " · prior %+.2f (%.0f items at the institution)</div></div>\n",
			num(ev, "prior"), num(ev, "institution_items"));
	cJSON_Delete(ev);
}

/* group_row_open — the group's own cells (first member row r). */
static void
group_row_open(FILE *out, const DbRows *m, int r)
{
	const char *review = DB_VALUE(m, r, G_REVIEW);

	fprintf(out, "<tr id=\"g%lld\">", atoll(db_text(m, r, G_GROUP)));
	html_put(out, "<td class=\"n\">", db_text(m, r, G_GROUP), "</td>");
	html_put(out, "<td>", db_text(m, r, G_ENV), "</td>");
	html_put(out, "<td>", db_text(m, r, G_INST), "");
	html_put(out, DB_VALUE(m, r, G_INST_NAME) ? "<br>" : "", DB_VALUE(m, r, G_INST_NAME), "</td>");
	html_put(out, "<td>", db_text(m, r, G_KIND), "");
	html_put(out, "<br><span class=\"note\">", db_text(m, r, G_CHANGE), "</span></td>");
	html_put(out, "<td class=\"n\">", db_text(m, r, G_SIZE), "</td>");
	html_put(out, "<td class=\"n\">", db_text(m, r, G_OWNERS), "</td>");
	fprintf(out, "<td class=\"n\">%.2f – %.2f</td>", atof(db_text(m, r, G_MIN)), atof(db_text(m, r, G_MAX)));
	html_put(out, "<td>", review ? review : "—", "");
	if (strcmp(db_text(m, r, G_CHANGED), "t") == 0)
		fputs(" <span class=\"note\">(changed since review)</span>", out);
	fputs("</td><td><ul>", out);
}

/* group_member — one member: owner, suggested action, the accounts it shares. */
static void
group_member(FILE *out, const DbRows *m, int r)
{
	cJSON	   *accts = cJSON_Parse(db_text(m, r, G_ACCTS));
	const cJSON *a;
	int			n = 0;

	html_put(out, "<li><code>", db_text(m, r, G_ITEM), "</code> owner <bdi>");
	html_put(out, "", DB_VALUE(m, r, G_OWNER) ? db_text(m, r, G_OWNER) : "(none)", "</bdi> · ");
	html_put(out, "<span class=\"", db_text(m, r, G_ACTION), "\">");
	html_put(out, "", db_text(m, r, G_ACTION), "</span> · ");
	html_put(out, "", db_text(m, r, G_MATCHED), "/");
	html_put(out, "", db_text(m, r, G_ACCOUNTS), " accounts matched");
	cJSON_ArrayForEach(a, accts)
	{
		html_put(out, n++ ? "; “" : "<br><span class=\"ev\">“",
				 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "name")), "” ··");
		html_put(out, "", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "mask")), "");
	}
	fputs(n ? "</span></li>" : "</li>", out);
	cJSON_Delete(accts);
}

/*
 * group_pairs — the evidence cell of the group at ord: its pairs from *p on
 * (ps is ordered like the members), advancing *p past them; a graph of the
 * members (items[0..n)) and those pairs when the group has 3 or more.
 */
static void
group_pairs(FILE *out, const DbRows *ps, int *p, long long ord,
			const char *const *items, int n)
{
	long long	shown = 0,
				total = 0;
	int			first;

	fputs("</ul></td><td>", out);
	while (*p < ps->nrows && atoll(db_text(ps, *p, 0)) < ord)
		(*p)++;
	first = *p;
	while (*p < ps->nrows && atoll(db_text(ps, *p, 0)) == ord)
		(*p)++;
	if (n >= 3)
		html_group_graph(out, items, n, ps, first, *p);
	for (int r = first; r < *p; r++, shown++)
	{
		html_pair_evidence(out, ps, r);
		total = atoll(db_text(ps, r, 5));
	}
	if (total > shown)
		fprintf(out, "<p class=\"note\">%lld more pairs: itemdup explain or --format json.</p>",
				total - shown);
	fputs("</td></tr>\n", out);
}

/* group_index — a link to each shown group, in order (the page's table of contents). */
static void
group_index(FILE *out, const DbRows *m)
{
	fputs("<p class=\"toc\">", out);
	for (int r = 0; r < m->nrows; r++)
		if (r == 0 || strcmp(db_text(m, r, G_ORD), db_text(m, r - 1, G_ORD)) != 0)
			fprintf(out, "<a href=\"#g%lld\">%lld</a> ", atoll(db_text(m, r, G_GROUP)),
					atoll(db_text(m, r, G_GROUP)));
	fputs("</p>\n", out);
}

/*
 * read_groups — the members (html_groups.sql) and the pairs (html_pairs.sql)
 * of the groups shown, with the report's filters; false after a logged
 * failure (the caller frees both either way).
 */
static bool
read_groups(Page *p, DbRows *m, DbRows *ps)
{
	char		bufs[3][32],
				pcap[16];
	const char *params[8];
	char	   *gsql = sql_query_with("report_selected", "html_groups");
	char	   *psql = sql_query_with("report_selected", "html_pairs");
	bool		ok;

	report_filter_params(p->filter, p->run, HTML_MAX_GROUPS, bufs, params);
	params[7] = pcap;
	snprintf(pcap, sizeof(pcap), "%d", HTML_MAX_PAIRS);
	ok = html_query(p, "groups", gsql, 7, params, m) &&
		html_query(p, "pairs", psql, 8, params, ps);
	free(gsql);
	free(psql);
	return ok;
}

/*
 * section_groups — the table of groups (at most HTML_MAX_GROUPS, in the
 * order and with the filters of the other formats) with members, their
 * shared accounts, a graph of each 3+ group and the pairs' evidence.
 * False after a logged query failure.
 */
static bool
section_groups(Page *p)
{
	DbRows		m = {0},
				ps = {0};
	const char *items[HTML_GRAPH_MAX];
	int			pi = 0,
				g0 = 0;
	long long	total,
				shown = 0;
	bool		ok = false;

	if (!read_groups(p, &m, &ps))
		goto cleanup;
	total = m.nrows ? atoll(db_text(&m, 0, G_TOTAL)) : 0;
	fprintf(p->out, "<h2 id=\"groups\">Groups (%lld%s)</h2>\n", total,
			report_filtered(p->filter) ? " with the report's filters" : "");
	if (m.nrows == 0)
	{
		fputs("<p class=\"note\">No duplicate groups.</p>\n", p->out);
		ok = true;
		goto cleanup;
	}
	fputs("<p class=\"sub\">Cross-owner groups first, then by size, then newest. Review status: "
		  "open, confirmed (real duplicates) or dismissed (not duplicates), recorded with "
		  "itemdup.review_group(). Each member lists the accounts (name ··mask) it shares "
		  "in the pairs shown.</p>\n", p->out);
	group_index(p->out, &m);
	fputs("<table>\n<tr><th>group</th><th>environment</th><th>institution</th><th>kind</th>"
		  "<th>size</th><th>owners</th><th>score</th><th>review</th><th>members</th>"
		  "<th>pairs and evidence</th></tr>\n", p->out);
	for (int r = 0; r <= m.nrows; r++)
	{
		if (r == m.nrows || (r > 0 && strcmp(db_text(&m, r, G_ORD), db_text(&m, r - 1, G_ORD)) != 0))
		{
			for (int k = g0; k < r && k - g0 < HTML_GRAPH_MAX; k++)
				items[k - g0] = db_text(&m, k, G_ITEM);
			group_pairs(p->out, &ps, &pi, atoll(db_text(&m, g0, G_ORD)), items,
						r - g0 < HTML_GRAPH_MAX ? r - g0 : HTML_GRAPH_MAX);
			g0 = r;
		}
		if (r == m.nrows)
			break;
		if (r == g0)
		{
			group_row_open(p->out, &m, r);
			shown++;
		}
		group_member(p->out, &m, r);
	}
	fputs("</table>\n", p->out);
	if (total > shown)
		fprintf(p->out, "<p class=\"note\">%lld more groups: this page shows the first %lld in "
				"this order; narrow it with --kind, --institution, --changed or --min-score, "
				"page on with --offset %lld, or use --format csv or json for all.</p>\n",
				total - shown, shown, (long long) p->filter->offset + shown);
	ok = true;

cleanup:
	db_rows_free(&m);
	db_rows_free(&ps);
	return ok;
}

/* page_head — doctype, a CSP that forbids any load, the inline style, the title. */
static void
page_head(Page *p, const DbRows *run)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		  "style-src 'unsafe-inline'\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", p->out);
	html_put(p->out, "<title>itemdup report, run ", db_text(run, 0, U_RUN), "</title>\n");
	fprintf(p->out, "<style>%s</style>\n</head>\n<body>\n", report_html_css);
	html_put(p->out, "<h1>itemdup: duplicate Plaid Items, run ", db_text(run, 0, U_RUN), "</h1>\n");
	fputs("<p class=\"sub\">Results as stored in schema itemdup "
		  "(run_groups, run_group_items, run_pairs, run_near_misses).</p>\n"
		  "<nav class=\"toc\"><a href=\"#run\">Run</a> · <a href=\"#changes\">Changes</a> · "
		  "<a href=\"#scores\">Kept pair scores</a> · <a href=\"#near\">Every scored pair, "
		  "near misses</a> · <a href=\"#sizes\">Group sizes</a> · <a href=\"#institutions\">"
		  "Institutions</a> · <a href=\"#groups\">Groups</a></nav>\n", p->out);
}

/* report_write_html — see report.h. */
bool
report_write_html(DbConn *c, int64_t run_id, const ReportFilter *f, FILE *out)
{
	Page		p = {c, out, "", NAN, NULL, f};
	const char *params[1] = {p.run};
	DbRows		run = {0};
	bool		ok = false;

	snprintf(p.run, sizeof(p.run), "%" PRId64, run_id);
	if (!html_query(&p, "the run", sql_query("report_run"), 1, params, &run))
		goto cleanup;
	if (run.nrows == 0)
	{
		log_error("html report: run %s not found", p.run);
		goto cleanup;
	}
	if (DB_VALUE(&run, 0, U_THRESHOLD))
		p.threshold = atof(db_text(&run, 0, U_THRESHOLD));
	p.pairs_scored = DB_VALUE(&run, 0, U_PAIRS);
	page_head(&p, &run);
	section_summary(&p, &run);
	if (!section_diff(&p, &run) || !html_section_scores(&p) || !html_section_near(&p) ||
		!html_section_sizes(&p) ||
		!html_section_institutions(&p) || !section_groups(&p))
		goto cleanup;			/* already logged */
	fputs("</body>\n</html>\n", out);
	if (ferror(out))
	{
		log_error("html report: writing the page failed");
		goto cleanup;
	}
	ok = true;

cleanup:
	db_rows_free(&run);
	return ok;
}
