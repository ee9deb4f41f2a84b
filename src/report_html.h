/*
 * report_html.h — inside the html report (report_html.c, report_html_charts.c):
 * the page being written and the helpers both files use.
 */
#ifndef ITEMDUP_REPORT_HTML_H
#define ITEMDUP_REPORT_HTML_H

#include "report.h"

#define HTML_MAX_GROUPS 2000	/* groups in the table (a page opens fast at any size) */
#define HTML_MAX_CHANGES 2000	/* changed groups in the diff list */
#define HTML_MAX_PAIRS 25		/* pairs shown per group */
#define HTML_TOP_INST 15		/* institutions in the chart */
#define HTML_MAX_NEAR 25		/* near misses listed with evidence */
#define HTML_GRAPH_MAX 40		/* members drawn in a group's graph */

typedef struct Page
{
	DbConn	   *c;				/* borrowed */
	FILE	   *out;			/* borrowed */
	char		run[32];		/* run id as the $1 parameter */
	double		threshold;		/* NAN when the run's options lack it */
	const char *pairs_scored;	/* runs.pairs_scored, borrowed; may be NULL */
	const ReportFilter *filter;	/* borrowed */
} Page;

/* The page's CSS (src/report_html.css, embedded at build time). */
extern const char report_html_css[];

/*
 * html_text — write s (NULL: nothing) escaped for HTML text and quoted
 * attributes, control and bidi characters shown escaped (textesc.h); at
 * most maxbytes bytes (0: no limit), cut on a character boundary with "…".
 */
void		html_text(FILE *out, const char *s, size_t maxbytes);

/* html_put — pre and post as they are (markup), s escaped between them. */
void		html_put(FILE *out, const char *pre, const char *s, const char *post);

/*
 * html_query — db_query with a failure logged as "html report: what: …".
 * rows is owned by the caller (db_rows_free, also after a failure).
 */
bool		html_query(Page *p, const char *what, const char *sql, int nparams,
					   const char *const *params, DbRows *rows) MUSTCHECK;

/*
 * html_pair_evidence — one pair in readable form, each term of its score:
 * row r of ps (columns 1 item_a, 2 item_b, 3 score, 4 evidence text).
 */
void		html_pair_evidence(FILE *out, const DbRows *ps, int r);

/*
 * html_group_graph — an SVG of a group: items[0..n) on a circle, a line per
 * pair in rows [p0, p1) of ps (columns 1 item_a, 2 item_b, 3 score).
 */
void		html_group_graph(FILE *out, const char *const *items, int n,
							 const DbRows *ps, int p0, int p1);

/* Chart sections (report_html_charts.c); false after a logged query failure. */
bool		html_section_scores(Page *p) MUSTCHECK;
bool		html_section_sizes(Page *p) MUSTCHECK;
bool		html_section_institutions(Page *p) MUSTCHECK;
bool		html_section_near(Page *p) MUSTCHECK;

#endif
