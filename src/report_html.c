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
#include "textesc.h"

#define HTML_MAX_GROUPS 2000	/* groups in the table */
#define HTML_MAX_CHANGES 2000	/* changed groups in the diff list */
#define HTML_MAX_PAIRS 25		/* pairs shown per group */
#define HTML_TOP_INST 15		/* institutions in the chart */

/* Chart geometry (px): plot area inside the margins. */
#define CH_W 640
#define CH_H 260
#define CH_LEFT 52
#define CH_RIGHT 16
#define CH_TOP 20
#define CH_BOTTOM 40

typedef struct Page
{
	DbConn	   *c;				/* borrowed */
	FILE	   *out;			/* borrowed */
	char		run[32];		/* run id as the $1 parameter */
	double		threshold;		/* NAN when the run's options lack it */
	const char *pairs_scored;	/* runs.pairs_scored, borrowed; may be NULL */
} Page;

/* Columns of run_sql. */
enum
{
	U_RUN, U_KIND, U_STATUS, U_DRY, U_STARTED, U_FINISHED, U_PUBLISHED, U_READ,
	U_SKIPPED, U_REJECTED, U_ACCOUNTS, U_UNKEYABLE, U_HOT, U_PAIRS, U_GROUPS,
	U_IN_GROUPS, U_NEW, U_GROWN, U_SHRUNK, U_MERGED, U_SPLIT, U_DISSOLVED,
	U_UNCHANGED, U_THRESHOLD, U_PREV, U_NCOLS
};

static const char run_sql[] =
"SELECT run_id, kind, status, dry_run, started_at, finished_at, published_at, "
"       items_read, items_skipped, items_rejected, accounts_read, accounts_unkeyable, "
"       hot_keys, pairs_scored, groups, items_in_groups, groups_new, groups_grown, "
"       groups_shrunk, groups_merged, groups_split, groups_dissolved, groups_unchanged, "
"       options->>'threshold', "
"       (SELECT max(p.run_id) FROM itemdup.runs p WHERE p.run_id < r.run_id "
"           AND p.published_at IS NOT NULL AND p.status = 'succeeded') "
"  FROM itemdup.runs r WHERE r.run_id = $1::bigint";

/*
 * The diff by group id, one row per member of every group that is not
 * unchanged: $1 this run, $2 the previous published run, $3 the cap.
 * Columns: group id, change (new, grown, shrunk, members changed, dissolved,
 * gone: items now in other groups; plus whether items came from or went to
 * other groups), item, stayed|joined|left, a note on
 * where the item was or went, whether the id is a group of this run, and
 * the number of changed groups.
 */
static const char diff_sql[] =
"WITH cur AS (SELECT group_id, item_id FROM itemdup.run_group_items WHERE run_id = $1::bigint), "
"old AS (SELECT group_id, item_id FROM itemdup.run_group_items WHERE run_id = $2::bigint), "
"m AS (SELECT u.group_id, u.item_id, bool_or(u.now) AS now, bool_or(NOT u.now) AS before "
"        FROM (SELECT group_id, item_id, true AS now FROM cur "
"              UNION ALL SELECT group_id, item_id, false FROM old) u "
"       GROUP BY u.group_id, u.item_id), "
"mm AS (SELECT m.*, c.group_id AS now_in, o.group_id AS was_in FROM m "
"         LEFT JOIN cur c ON c.item_id = m.item_id "
"         LEFT JOIN old o ON o.item_id = m.item_id), "
"st AS (SELECT group_id, CASE WHEN NOT bool_or(before) THEN 'new' "
"         WHEN NOT bool_or(now) THEN CASE WHEN bool_or(now_in IS NOT NULL) "
"                                         THEN 'merged_away' ELSE 'dissolved' END "
"         WHEN bool_and(now AND before) THEN 'unchanged' WHEN bool_and(now) THEN 'grown' "
"         WHEN bool_and(before) THEN 'shrunk' ELSE 'changed' END AS status, "
"         bool_or(now AND NOT before AND was_in IS NOT NULL) AS took, "
"         bool_or(before AND NOT now AND now_in IS NOT NULL) AS gave "
"         FROM mm GROUP BY group_id), "
"shown AS (SELECT * FROM st WHERE status <> 'unchanged' "
"           ORDER BY group_id LIMIT $3::int) "
"SELECT s.group_id, "
"       CASE s.status WHEN 'changed' THEN 'members changed' "
"            WHEN 'merged_away' THEN 'gone: items now in other groups' ELSE s.status END "
"       || CASE WHEN s.took THEN ', took items of other groups' ELSE '' END "
"       || CASE WHEN s.gave AND s.status <> 'merged_away' THEN ', items moved to other groups' "
"               ELSE '' END, "
"       mm.item_id, "
"       CASE WHEN mm.now AND (mm.before OR s.status = 'new') THEN 'stayed' "
"            WHEN mm.now THEN 'joined' ELSE 'left' END, "
"       CASE WHEN mm.now AND mm.before THEN NULL "
"            WHEN mm.now THEN coalesce('was in group ' || mm.was_in, 'not grouped before') "
"            ELSE coalesce('now in group ' || mm.now_in, 'no longer grouped') END, "
"       s.status NOT IN ('merged_away', 'dissolved'), "
"       (SELECT count(*) FROM st WHERE status <> 'unchanged') "
"  FROM shown s JOIN mm USING (group_id) "
" ORDER BY s.group_id, mm.item_id COLLATE \"C\"";

/* Columns of groups_sql. */
enum
{
	G_GROUP, G_ENV, G_INST, G_KIND, G_SIZE, G_OWNERS, G_MIN, G_MAX, G_REVIEW,
	G_CHANGED, G_ITEM, G_OWNER, G_ACCOUNTS, G_MATCHED, G_ACTION
};

static const char groups_sql[] =
"WITH shown AS (SELECT group_id FROM itemdup.run_groups WHERE run_id = $1::bigint "
"                ORDER BY group_id LIMIT $2::int) "
"SELECT g.group_id, g.environment, g.institution_id, g.kind, g.size, g.owners, "
"       g.min_score, g.max_score, g.review_status, g.changed_since_review, "
"       i.item_id, i.owner_id, i.accounts, i.matched_accounts, i.suggested_action "
"  FROM shown s "
"  JOIN itemdup.run_groups g ON g.run_id = $1::bigint AND g.group_id = s.group_id "
"  JOIN itemdup.run_group_items i ON i.run_id = g.run_id AND i.group_id = g.group_id "
" ORDER BY g.group_id, i.item_id COLLATE \"C\"";

/* Pairs of the shown groups, best first, at most $3 per group, with the group's count n. */
static const char pairs_sql[] =
"SELECT group_id, item_a, item_b, score, evidence::text, n FROM ( "
"  SELECT p.group_id, p.item_a, p.item_b, p.score, p.evidence, "
"         row_number() OVER (PARTITION BY p.group_id "
"                            ORDER BY p.score DESC, p.item_a, p.item_b) AS rn, "
"         count(*) OVER (PARTITION BY p.group_id) AS n "
"    FROM itemdup.run_pairs p "
"   WHERE p.run_id = $1::bigint AND p.group_id IN (SELECT group_id FROM itemdup.run_groups "
"          WHERE run_id = $1::bigint ORDER BY group_id LIMIT $2::int)) s "
" WHERE rn <= $3::int ORDER BY group_id, rn";

static const char page_css[] =
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;"
"color:#1d2430;background:#fff}"
"h1{font-size:22px;margin:0 0 4px}"
"h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d8dee8;padding-bottom:4px}"
".sub{color:#5b6575;margin:0 0 12px}.cards{display:flex;flex-wrap:wrap;gap:8px}"
".card{border:1px solid #d8dee8;border-radius:6px;padding:6px 10px;min-width:110px;"
"background:#f7f9fc}"
".card b{display:block;font-size:18px}.card span{color:#5b6575;font-size:12px}"
"table{border-collapse:collapse;margin:8px 0;font-size:13px}"
"th,td{border:1px solid #d8dee8;padding:4px 6px;vertical-align:top;text-align:left}"
"th{background:#eef2f8}td.n{text-align:right}ul{margin:0;padding-left:16px}"
"code{font-size:12px;word-break:break-all}.keep{color:#1a7f37}"
".remove_candidate{color:#b42318;font-weight:600}.review{color:#9a6700;font-weight:600}"
".joined{color:#1a7f37}.left{color:#b42318}.left code{text-decoration:line-through}"
".st{font-weight:600}.note{color:#5b6575;font-style:italic}"
"summary{cursor:pointer;color:#3d4757;margin:6px 0}.pair{margin:0 0 6px}"
".ev{color:#3d4757;font-size:12px}svg{display:block;margin:8px 0;max-width:100%;height:auto}"
"svg text{font:11px system-ui,sans-serif;fill:#3d4757}svg .bar{fill:#4a78b5}"
"svg .grid{stroke:#e3e8ef}svg .axis{stroke:#8a94a6}"
"svg .thr{stroke:#d1242f;stroke-width:2;stroke-dasharray:5 3}"
"svg text.thr{fill:#d1242f;stroke:none}";

/*
 * html_text — write s (NULL: nothing) with &, <, >, " and ' escaped, so it
 * is safe as element text and inside a quoted attribute, and control and
 * bidi characters escaped as text (\u202e, textesc.h), so an unclosed
 * U+202E cannot reverse the rest of the line.  At most maxbytes bytes (0:
 * no limit), cut on a UTF-8 character boundary with "…".
 */
static void
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
static void
put(FILE *out, const char *pre, const char *s, const char *post)
{
	fputs(pre, out);
	html_text(out, s, 0);
	fputs(post, out);
}

/*
 * page_query — db_query with the failure logged as "html report: what: …".
 * rows is owned by the caller (db_rows_free, also after a failure).
 */
static bool
page_query(Page *p, const char *what, const char *sql, int nparams,
		   const char *const *params, DbRows *rows)
{
	if (db_query(p->c, sql, nparams, params, rows))
		return true;
	log_error("html report: %s: %s", what, db_last_error(p->c));
	return false;
}

/* nice_step — the smallest 1, 2 or 5 × 10^k that is >= x (x > 0). */
static double
nice_step(double x)
{
	double		mag;

	if (!(x > 0))
		return 1;
	mag = pow(10, floor(log10(x)));
	if (mag >= x)
		return mag;
	if (2 * mag >= x)
		return 2 * mag;
	if (5 * mag >= x)
		return 5 * mag;
	return 10 * mag;
}

/* svg_open — an <svg> of w × h with an accessible title (escaped). */
static void
svg_open(FILE *out, int w, int h, const char *title)
{
	fprintf(out, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
			w, h, w, h);
	put(out, "<title>", title, "</title>\n");
}

/*
 * svg_yaxis — horizontal grid lines and count labels for 0..ymax of the
 * standard plot area; returns ymax (a multiple of a nice step >= max).
 */
static double
svg_yaxis(FILE *out, int64_t max)
{
	double		step = nice_step(max > 4 ? (double) max / 4 : 1);
	double		ymax = ceil((double) (max > 0 ? max : 1) / step) * step;
	int			plot_h = CH_H - CH_TOP - CH_BOTTOM;

	for (double t = 0; t <= ymax + step / 2; t += step)
	{
		double		y = CH_TOP + plot_h - t / ymax * plot_h;

		fprintf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
				"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
				CH_LEFT, CH_W - CH_RIGHT, y, y, CH_LEFT - 6, y + 4, t);
	}
	fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n",
			CH_LEFT, CH_W - CH_RIGHT, CH_H - CH_BOTTOM, CH_H - CH_BOTTOM);
	return ymax;
}

/* A column chart: n bars, labelled under their centres or at their edges. */
typedef struct Columns
{
	const char *title;			/* accessible name */
	const char *unit;			/* "pairs", "groups": tooltips */
	int			n;
	const int64_t *values;		/* n counts, borrowed */
	const char *const *labels;	/* n labels, or NULL: numeric edges */
	double		edge0,
				edge_step;		/* edge i = edge0 + i * edge_step */
	double		marker;			/* vertical line at this edge value; NAN: none */
	const char *marker_label;
} Columns;

/* svg_columns — draw ch as one <svg> on out; nothing is allocated. */
static void
svg_columns(FILE *out, const Columns *ch)
{
	int64_t		max = 0;
	int			plot_w = CH_W - CH_LEFT - CH_RIGHT;
	int			plot_h = CH_H - CH_TOP - CH_BOTTOM;
	double		bw = (double) plot_w / ch->n;
	double		ymax;
	int			every = ch->n > 12 ? (ch->n + 11) / 12 : 1;

	for (int i = 0; i < ch->n; i++)
		if (ch->values[i] > max)
			max = ch->values[i];
	svg_open(out, CH_W, CH_H, ch->title);
	ymax = svg_yaxis(out, max);
	for (int i = 0; i < ch->n; i++)
	{
		double		h = (double) ch->values[i] / ymax * plot_h;
		double		x = CH_LEFT + i * bw;

		fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
				"<title>", x + 1, CH_TOP + plot_h - h, bw > 3 ? bw - 2 : bw, h);
		if (ch->labels)
			html_text(out, ch->labels[i], 0);
		else
			fprintf(out, "%g to %g", ch->edge0 + i * ch->edge_step,
					ch->edge0 + (i + 1) * ch->edge_step);
		fprintf(out, ": %" PRId64 " %s</title></rect>\n", ch->values[i], ch->unit);
		if (ch->labels)
		{
			/* few labelled columns: their counts too, small ones stay readable */
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%" PRId64
					"</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
					x + bw / 2, CH_TOP + plot_h - h - 4, ch->values[i],
					x + bw / 2, CH_H - CH_BOTTOM + 16);
			html_text(out, ch->labels[i], 24);
			fputs("</text>\n", out);
		}
	}
	for (int i = 0; !ch->labels && i <= ch->n; i += every)
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
				CH_LEFT + i * bw, CH_H - CH_BOTTOM + 16, ch->edge0 + i * ch->edge_step);
	if (!isnan(ch->marker) && !ch->labels)
	{
		double		x = CH_LEFT + (ch->marker - ch->edge0) / ch->edge_step * bw;

		fprintf(out, "<line class=\"thr\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
				"<text class=\"thr\" x=\"%.1f\" y=\"%d\">", x, x, CH_TOP - 4,
				CH_H - CH_BOTTOM, x + 4, CH_TOP + 8);
		html_text(out, ch->marker_label, 0);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
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

	fputs("<h2>Run</h2>\n<table>\n", p->out);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
	{
		const char *v = DB_VALUE(run, 0, rows[i].col);

		fprintf(p->out, "<tr><th>%s</th>", rows[i].label);
		put(p->out, "<td>", v ? v : rows[i].none, "");
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

	fputs("<h2>Changes since the previous published run</h2>\n", p->out);
	cards(p->out, run, U_NEW, U_UNCHANGED);
	if (prev == NULL)
	{
		fputs("<p class=\"note\">No earlier published run is kept: every group of this run is "
			  "new.</p>\n", p->out);
		return true;
	}
	snprintf(cap, sizeof(cap), "%d", HTML_MAX_CHANGES);
	if (!page_query(p, "run diff", diff_sql, 3, params, &d))
		goto cleanup;
	put(p->out, "<p class=\"sub\">Compared with run ", prev, "");
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
			put(p->out, "", db_text(&d, r, 0), link ? "</a>" : "");
			put(p->out, "</td><td class=\"st\">", db_text(&d, r, 1), "</td><td><ul>");
		}
		put(p->out, "<li class=\"", db_text(&d, r, 3), "\">");
		put(p->out, "<code>", db_text(&d, r, 2), "</code> ");
		put(p->out, "<span class=\"note\">", DB_VALUE(&d, r, 4), "</span></li>");
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

/*
 * section_scores — histogram of the scores of the run's kept pairs, binned
 * in SQL (width_bucket), with the threshold as a vertical line.  False
 * after a logged query failure.
 */
static bool
section_scores(Page *p)
{
	DbRows		s = {0},
				b = {0};
	char		lo_s[40],
				hi_s[40],
				n_s[16],
				label[64];
	const char *params[4] = {p->run, lo_s, hi_s, n_s};
	int64_t    *counts = NULL;
	double		lo,
				hi,
				step,
				anchor;
	int			nb;
	bool		ok = false;

	fputs("<h2>Pair scores</h2>\n", p->out);
	if (!page_query(p, "score range", "SELECT count(*), min(score), max(score) "
					"FROM itemdup.run_pairs WHERE run_id = $1::bigint", 1, params, &s))
		goto cleanup;
	if (atoll(db_text(&s, 0, 0)) == 0)
	{
		fputs("<p class=\"note\">No matched pairs in this run.</p>\n", p->out);
		ok = true;
		goto cleanup;
	}
	lo = atof(db_text(&s, 0, 1));
	hi = atof(db_text(&s, 0, 2));
	if (!isnan(p->threshold))
	{
		lo = fmin(lo, p->threshold);
		hi = fmax(hi, p->threshold);
	}
	step = nice_step((hi - lo) / 50);
	/* edges on the threshold, so its line falls between bars */
	anchor = isnan(p->threshold) ? 0 : p->threshold;
	lo = anchor - ceil((anchor - lo) / step) * step;
	nb = (int) floor((hi - lo) / step) + 1;
	snprintf(lo_s, sizeof(lo_s), "%.17g", lo);
	snprintf(hi_s, sizeof(hi_s), "%.17g", lo + nb * step);
	snprintf(n_s, sizeof(n_s), "%d", nb);
	if (!page_query(p, "score histogram",
					"SELECT width_bucket(score, $2::float8, $3::float8, $4::int), count(*) "
					"FROM itemdup.run_pairs WHERE run_id = $1::bigint GROUP BY 1 ORDER BY 1",
					4, params, &b))
		goto cleanup;
	counts = xcalloc((size_t) nb, sizeof(int64_t));
	for (int r = 0; r < b.nrows; r++)
	{
		int			i = atoi(db_text(&b, r, 0)) - 1;

		/* rounding at the edges: keep every pair in the chart */
		i = i < 0 ? 0 : i >= nb ? nb - 1 : i;
		counts[i] += atoll(db_text(&b, r, 1));
	}
	snprintf(label, sizeof(label), "threshold %g", p->threshold);
	put(p->out, "<p class=\"sub\">", db_text(&s, 0, 0),
		" matched pairs kept with the run (score at or above the threshold; of ");
	put(p->out, "", p->pairs_scored ? p->pairs_scored : "?", "");
	fprintf(p->out, " candidate pairs scored, the others are not kept), log2 odds, "
			"bins of %g.</p>\n", step);
	svg_columns(p->out, &(Columns) {
		"Histogram of pair scores", "pairs", nb, counts, NULL, lo, step,
			p->threshold, label
	});
	ok = true;

cleanup:
	free(counts);
	db_rows_free(&s);
	db_rows_free(&b);
	return ok;
}

/* section_sizes — column chart of groups by size 2, 3, 4, 5+. */
static bool
section_sizes(Page *p)
{
	static const char *const labels[] = {"2", "3", "4", "5 or more"};
	int64_t		counts[4] = {0};
	const char *params[1] = {p->run};
	DbRows		s = {0};
	bool		ok;

	fputs("<h2>Group sizes</h2>\n", p->out);
	ok = page_query(p, "group sizes", "SELECT least(size, 5), count(*) FROM itemdup.run_groups "
					"WHERE run_id = $1::bigint GROUP BY 1 ORDER BY 1", 1, params, &s);
	for (int r = 0; ok && r < s.nrows; r++)
	{
		int			i = atoi(db_text(&s, r, 0)) - 2;

		if (i >= 0 && i < 4)
			counts[i] += atoll(db_text(&s, r, 1));
	}
	if (ok)
		svg_columns(p->out, &(Columns) {
			"Groups by number of items", "groups", 4, counts, labels, 0, 1, NAN, NULL
		});
	db_rows_free(&s);
	return ok;
}

/*
 * section_institutions — horizontal bars: the institutions (per
 * environment) with the most items in groups, with their group counts.
 */
static bool
section_institutions(Page *p)
{
	char		top[16];
	const char *params[2] = {p->run, top};
	DbRows		s = {0};
	int			label_w = 230,
				bar_w = CH_W - label_w - 150,
				row_h = 24,
				h;
	int64_t		max = 1;
	bool		ok;

	snprintf(top, sizeof(top), "%d", HTML_TOP_INST);
	fputs("<h2>Institutions with most duplicate items</h2>\n", p->out);
	ok = page_query(p, "institutions",
					"SELECT institution_id, environment, sum(size), count(*) FROM itemdup.run_groups "
					"WHERE run_id = $1::bigint GROUP BY institution_id, environment "
					"ORDER BY 3 DESC, 4 DESC, institution_id COLLATE \"C\", environment LIMIT $2::int",
					2, params, &s);
	if (ok && s.nrows == 0)
		fputs("<p class=\"note\">No groups in this run.</p>\n", p->out);
	else if (ok)
	{
		fprintf(p->out, "<p class=\"sub\">Top %d by items in groups (the source's other items "
				"per institution are not kept with the results).</p>\n", HTML_TOP_INST);
		h = s.nrows * row_h + 16;
		for (int r = 0; r < s.nrows; r++)
			if (atoll(db_text(&s, r, 2)) > max)
				max = atoll(db_text(&s, r, 2));
		svg_open(p->out, CH_W, h, "Institutions by items in duplicate groups");
		for (int r = 0; r < s.nrows; r++)
		{
			int64_t		items = atoll(db_text(&s, r, 2));
			double		w = (double) items / max * bar_w;
			int			y = 8 + r * row_h;

			fprintf(p->out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 8, y + 15);
			html_text(p->out, db_text(&s, r, 0), 28);
			put(p->out, " · ", db_text(&s, r, 1), "</text>");
			fprintf(p->out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
					"height=\"%d\"><title>", label_w, y + 3, w < 1 ? 1 : w, row_h - 6);
			put(p->out, "", db_text(&s, r, 0), "");
			fprintf(p->out, ": %" PRId64 " items in %s groups</title></rect>"
					"<text x=\"%.1f\" y=\"%d\">%" PRId64 " items, %s group%s</text>\n",
					items, db_text(&s, r, 3), label_w + (w < 1 ? 1 : w) + 6, y + 15, items,
					db_text(&s, r, 3), strcmp(db_text(&s, r, 3), "1") ? "s" : "");
		}
		fputs("</svg>\n", p->out);
	}
	db_rows_free(&s);
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
 * prior.  Row r of ps (pairs_sql) is borrowed; the parsed tree is freed here.
 */
static void
pair_evidence(FILE *out, const DbRows *ps, int r)
{
	cJSON	   *ev = cJSON_Parse(db_text(ps, r, 4));
	const cJSON *k;
	const char *owner;
	int			nk = 0;

	put(out, "<div class=\"pair\"><code>", db_text(ps, r, 1), "</code> – ");
	put(out, "<code>", db_text(ps, r, 2), "</code>");
	fprintf(out, " score <b>%.2f</b><div class=\"ev\">", atof(db_text(ps, r, 3)));
	if (ev == NULL)
	{
		fputs("(evidence not readable)</div></div>\n", out);
		return;
	}
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(ev, "shared_keys"))
	{
		put(out, nk++ ? "; “" : "shared: “",
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "name")), "” ··");
		put(out, "", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "mask")), "");
		fprintf(out, " (weight %+.2f)", num(k, "weight"));
	}
	if (nk)
		fputs("<br>", out);
	if (num(ev, "shared_persistent_ids") > 0)
		fprintf(out, "shared persistent ids %.0f (%+.2f)<br>",
				num(ev, "shared_persistent_ids"), num(ev, "persistent_weight"));
	owner = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "owner"));
	put(out, "owner ", owner ? owner : "?", "");
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
	put(out, "<td class=\"n\">", db_text(m, r, G_GROUP), "</td>");
	for (int c = G_ENV; c <= G_KIND; c++)
		put(out, "<td>", db_text(m, r, c), "</td>");
	put(out, "<td class=\"n\">", db_text(m, r, G_SIZE), "</td>");
	put(out, "<td class=\"n\">", db_text(m, r, G_OWNERS), "</td>");
	fprintf(out, "<td class=\"n\">%.2f – %.2f</td>", atof(db_text(m, r, G_MIN)), atof(db_text(m, r, G_MAX)));
	put(out, "<td>", review ? review : "—", "");
	if (strcmp(db_text(m, r, G_CHANGED), "t") == 0)
		fputs(" <span class=\"note\">(changed since review)</span>", out);
	fputs("</td><td><ul>", out);
}

/* group_member — one member with owner, suggested action and accounts. */
static void
group_member(FILE *out, const DbRows *m, int r)
{
	put(out, "<li><code>", db_text(m, r, G_ITEM), "</code> owner ");
	put(out, "", DB_VALUE(m, r, G_OWNER) ? db_text(m, r, G_OWNER) : "(none)", " · ");
	put(out, "<span class=\"", db_text(m, r, G_ACTION), "\">");
	put(out, "", db_text(m, r, G_ACTION), "</span> · ");
	put(out, "", db_text(m, r, G_MATCHED), "/");
	put(out, "", db_text(m, r, G_ACCOUNTS), " accounts matched</li>");
}

/*
 * group_pairs — the evidence cell of group gid: pairs from *p on (ps is
 * ordered by group like the members), advancing *p past them.
 */
static void
group_pairs(FILE *out, const DbRows *ps, int *p, long long gid)
{
	long long	shown = 0,
				total = 0;

	fputs("</ul></td><td>", out);
	while (*p < ps->nrows && atoll(db_text(ps, *p, 0)) < gid)
		(*p)++;
	for (; *p < ps->nrows && atoll(db_text(ps, *p, 0)) == gid; (*p)++, shown++)
	{
		pair_evidence(out, ps, *p);
		total = atoll(db_text(ps, *p, 5));
	}
	if (total > shown)
		fprintf(out, "<p class=\"note\">%lld more pairs: itemdup explain or --format json.</p>",
				total - shown);
	fputs("</td></tr>\n", out);
}

/*
 * section_groups — the table of groups (at most HTML_MAX_GROUPS, by id)
 * with members and pair evidence.  False after a logged query failure.
 */
static bool
section_groups(Page *p)
{
	char		cap[16],
				pcap[16];
	const char *params[3] = {p->run, cap, pcap};
	DbRows		n = {0},
				m = {0},
				ps = {0};
	int			pi = 0;
	long long	total,
				shown = 0;
	bool		ok = false;

	snprintf(cap, sizeof(cap), "%d", HTML_MAX_GROUPS);
	snprintf(pcap, sizeof(pcap), "%d", HTML_MAX_PAIRS);
	if (!page_query(p, "group count", "SELECT count(*) FROM itemdup.run_groups "
					"WHERE run_id = $1::bigint", 1, params, &n) ||
		!page_query(p, "groups", groups_sql, 2, params, &m) ||
		!page_query(p, "pairs", pairs_sql, 3, params, &ps))
		goto cleanup;
	total = atoll(db_text(&n, 0, 0));
	fprintf(p->out, "<h2>Groups (%lld)</h2>\n", total);
	if (m.nrows == 0)
	{
		fputs("<p class=\"note\">No duplicate groups.</p>\n", p->out);
		ok = true;
		goto cleanup;
	}
	fputs("<table>\n<tr><th>group</th><th>environment</th><th>institution</th><th>kind</th>"
		  "<th>size</th><th>owners</th><th>score</th><th>review</th><th>members</th>"
		  "<th>pairs and evidence</th></tr>\n", p->out);
	for (int r = 0; r < m.nrows; r++)
	{
		if (r == 0 || strcmp(db_text(&m, r, G_GROUP), db_text(&m, r - 1, G_GROUP)) != 0)
		{
			if (r > 0)
				group_pairs(p->out, &ps, &pi, atoll(db_text(&m, r - 1, G_GROUP)));
			group_row_open(p->out, &m, r);
			shown++;
		}
		group_member(p->out, &m, r);
	}
	group_pairs(p->out, &ps, &pi, atoll(db_text(&m, m.nrows - 1, G_GROUP)));
	fputs("</table>\n", p->out);
	if (total > shown)
		fprintf(p->out, "<p class=\"note\">%lld groups left out: the table shows the first %lld "
				"by group id; itemdup report --format csv or --format json has all %lld.</p>\n",
				total - shown, shown, total);
	ok = true;

cleanup:
	db_rows_free(&n);
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
	put(p->out, "<title>itemdup report, run ", db_text(run, 0, U_RUN), "</title>\n");
	fprintf(p->out, "<style>%s</style>\n</head>\n<body>\n", page_css);
	put(p->out, "<h1>itemdup: duplicate Plaid Items, run ", db_text(run, 0, U_RUN), "</h1>\n");
	fputs("<p class=\"sub\">Results as stored in schema itemdup "
		  "(run_groups, run_group_items, run_pairs).</p>\n", p->out);
}

/* report_write_html — see report.h. */
bool
report_write_html(DbConn *c, int64_t run_id, FILE *out)
{
	Page		p = {c, out, "", NAN, NULL};
	const char *params[1] = {p.run};
	DbRows		run = {0};
	bool		ok = false;

	snprintf(p.run, sizeof(p.run), "%" PRId64, run_id);
	if (!page_query(&p, "the run", run_sql, 1, params, &run))
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
	if (!section_diff(&p, &run) || !section_scores(&p) || !section_sizes(&p) ||
		!section_institutions(&p) || !section_groups(&p))
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
