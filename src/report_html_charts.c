/*
 * report_html_charts.c — the SVG charts of the html report (report_html.c):
 * score distribution with the threshold and the near misses, group sizes,
 * top institutions, and the graph of each group of 3 or more.  Drawn here,
 * no script; every user string through html_text().
 */
#include "report_html.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "match.h"
#include "sql_query.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Chart geometry (px): plot area inside the margins. */
#define CH_W 640
#define CH_H 260
#define CH_LEFT 52
#define CH_RIGHT 16
#define CH_TOP 20
#define CH_BOTTOM 40

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
	html_put(out, "<title>", title, "</title>\n");
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

/*
 * section_scores — histogram of the scores of the run's kept pairs, binned
 * in SQL (width_bucket), with the threshold as a vertical line.  False
 * after a logged query failure.
 */
bool
html_section_scores(Page *p)
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

	fputs("<h2 id=\"scores\">Kept pair scores</h2>\n", p->out);
	if (!html_query(p, "score range", sql_query("html_score_range"), 1, params, &s))
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
	if (!html_query(p, "score histogram", sql_query("html_score_histogram"), 4, params, &b))
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
	html_put(p->out, "<p class=\"sub\">", db_text(&s, 0, 0),
		" matched pairs kept with the run (score at or above the threshold; of ");
	html_put(p->out, "", p->pairs_scored ? p->pairs_scored : "?", "");
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
bool
html_section_sizes(Page *p)
{
	static const char *const labels[] = {"2", "3", "4", "5 or more"};
	int64_t		counts[4] = {0};
	const char *params[1] = {p->run};
	DbRows		s = {0};
	bool		ok;

	fputs("<h2 id=\"sizes\">Group sizes</h2>\n", p->out);
	ok = html_query(p, "group sizes", sql_query("html_group_sizes"), 1, params, &s);
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
bool
html_section_institutions(Page *p)
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
	fputs("<h2 id=\"institutions\">Institutions with most duplicate items</h2>\n", p->out);
	ok = html_query(p, "institutions", sql_query("html_institutions"), 2, params, &s);
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
			html_put(p->out, " · ", db_text(&s, r, 1), "</text>");
			fprintf(p->out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
					"height=\"%d\"><title>", label_w, y + 3, w < 1 ? 1 : w, row_h - 6);
			html_put(p->out, "", db_text(&s, r, 0), "");
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

/*
 * html_section_near — every candidate pair the run scored, by score bin
 * (run_score_bins) with the threshold, and the best near misses
 * (run_near_misses) with their evidence.  Runs before schema 5 have
 * neither: a note says so.  False after a logged query failure.
 */
bool
html_section_near(Page *p)
{
	char		cap[16];
	const char *params[2] = {p->run, cap};
	DbRows		b = {0},
				nm = {0};
	int64_t		counts[MATCH_NBINS + 2] = {0};
	double		lo,
				hi;
	int			nb;
	char		label[64];
	bool		ok = false;

	fputs("<h2 id=\"near\">Every scored pair and the near misses</h2>\n", p->out);
	snprintf(cap, sizeof(cap), "%d", HTML_MAX_NEAR);
	if (!html_query(p, "score bins", sql_query("html_score_bins"), 1, params, &b) ||
		!html_query(p, "near misses", sql_query("html_near_misses"), 2, params, &nm))
		goto cleanup;
	if (b.nrows == 0)
	{
		fputs("<p class=\"note\">Not recorded for this run.</p>\n", p->out);
		ok = true;
		goto cleanup;
	}
	lo = atof(db_text(&b, 0, 0));
	hi = atof(db_text(&b, b.nrows - 1, 0)) + 1;
	if (!isnan(p->threshold))
	{
		lo = fmin(lo, floor(p->threshold));
		hi = fmax(hi, floor(p->threshold) + 1);
	}
	nb = (int) (hi - lo);
	nb = nb < 1 ? 1 : nb > MATCH_NBINS + 2 ? MATCH_NBINS + 2 : nb;
	for (int r = 0; r < b.nrows; r++)
	{
		int			i = (int) (atof(db_text(&b, r, 0)) - lo);

		counts[i < 0 ? 0 : i >= nb ? nb - 1 : i] += atoll(db_text(&b, r, 1));
	}
	fputs("<p class=\"sub\">Every candidate pair the run scored, kept (at or above the threshold) "
		  "or not, in bins of 1 (log2 odds; the end bins also hold the scores beyond them).</p>\n",
		  p->out);
	snprintf(label, sizeof(label), "threshold %g", p->threshold);
	svg_columns(p->out, &(Columns) {
		"Histogram of every candidate pair's score", "pairs", nb, counts, NULL, lo, 1,
			p->threshold, label
	});
	if (nm.nrows == 0)
		fputs("<p class=\"note\">No pair scored below the threshold.</p>\n", p->out);
	else
	{
		html_put(p->out, "<details><summary>The best near misses (", db_text(&nm, 0, 6),
				 " kept with the run in itemdup.run_near_misses: the 100 highest below the "
				 "threshold and a few per score bin)</summary>\n");
		for (int r = 0; r < nm.nrows; r++)
			html_pair_evidence(p->out, &nm, r);
		fputs("</details>\n", p->out);
	}
	ok = true;

cleanup:
	db_rows_free(&b);
	db_rows_free(&nm);
	return ok;
}

/* html_group_graph — see report_html.h. */
void
html_group_graph(FILE *out, const char *const *items, int n, const DbRows *ps, int p0, int p1)
{
	int			size = n <= 6 ? 240 : n <= 15 ? 320 : 400;
	double		c = size / 2.0,
				rad = size / 2.0 - 60;
	double		x[HTML_GRAPH_MAX],
				y[HTML_GRAPH_MAX];

	svg_open(out, size, size, "Who links to whom in this group");
	for (int k = 0; k < n; k++)
	{
		x[k] = c + rad * cos(-M_PI / 2 + 2 * M_PI * k / n);
		y[k] = c + rad * sin(-M_PI / 2 + 2 * M_PI * k / n);
	}
	for (int r = p0; r < p1; r++)
	{
		int			a = -1,
					b = -1;

		for (int k = 0; k < n; k++)
		{
			if (strcmp(items[k], db_text(ps, r, 1)) == 0)
				a = k;
			if (strcmp(items[k], db_text(ps, r, 2)) == 0)
				b = k;
		}
		if (a < 0 || b < 0)
			continue;
		fprintf(out, "<line class=\"edge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">"
				"<title>score %.2f</title></line>\n", x[a], y[a], x[b], y[b],
				atof(db_text(ps, r, 3)));
	}
	for (int k = 0; k < n; k++)
	{
		fprintf(out, "<circle class=\"node\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\">", x[k], y[k]);
		html_put(out, "<title>", items[k], "</title></circle>");
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
				x[k] + (x[k] < c - 1 ? -8 : x[k] > c + 1 ? 8 : 0), y[k] + (y[k] < c ? -8 : 16),
				x[k] < c - 1 ? "end" : x[k] > c + 1 ? "start" : "middle");
		html_text(out, items[k], 14);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
}
