/*
 * explain.c — `itemdup explain ITEM [OTHER]`: why an item is in its group,
 * or why two items are or are not grouped.
 *
 * One item: its group, members and the group's pairs with their evidence,
 * from the run's stored results.  Two items in different groups (or none):
 * both are read again from the source and put through the same pure code
 * as a run (payload, keys, match), so the answer shows the keys they share
 * and the score the rule gives them.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "loader.h"
#include "log.h"
#include "match.h"
#include "migrate.h"
#include "report.h"
#include "textesc.h"

typedef struct Explain
{
	const Options *opt;
	DbConn	   *c;
	int64_t		run_id;
	char		run[32];
	bool		json;
	cJSON	   *out;			/* the json answer */
} Explain;

/* The group of item in the run, or 0. */
static int64_t
group_of(Explain *e, const char *item)
{
	DbRows		rows;
	const char *params[2] = {e->run, item};
	int64_t		g = 0;

	if (!db_query(e->c, "SELECT group_id FROM itemdup.run_group_items "
				  "WHERE run_id = $1::bigint AND item_id = $2", 2, params, &rows))
		return -1;
	if (rows.nrows > 0)
		g = strtoll(DB_VALUE(&rows, 0, 0), NULL, 10);
	db_rows_free(&rows);
	return g;
}

/* Print the shared keys of one evidence object. */
static void
print_evidence(const char *evidence_text)
{
	cJSON	   *ev = cJSON_Parse(evidence_text);
	const cJSON *k;

	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(ev, "shared_keys"))
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(k, "name");
		const cJSON *mask = cJSON_GetObjectItemCaseSensitive(k, "mask");
		const cJSON *wi = cJSON_GetObjectItemCaseSensitive(k, "items_with_key");
		const cJSON *wn = cJSON_GetObjectItemCaseSensitive(k, "items_with_name");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(k, "weight");

		printf("      shared account \"%s\" mask %s  (key on %d items, name on %d items)",
			   cJSON_GetStringValue(name) ? textesc(cJSON_GetStringValue(name)) : "?",
			   cJSON_GetStringValue(mask) ? textesc(cJSON_GetStringValue(mask)) : "?",
			   wi ? wi->valueint : 0, wn ? wn->valueint : 0);
		if (cJSON_IsNumber(w))
			printf("  weight %.3f", w->valuedouble);
		putchar('\n');
	}
	k = cJSON_GetObjectItemCaseSensitive(ev, "shared_keys_omitted");
	if (cJSON_IsNumber(k) && k->valueint > 0)
		printf("      and %d more shared accounts, lighter (not listed: docs/MATCHING.md)\n",
			   k->valueint);
	k = cJSON_GetObjectItemCaseSensitive(ev, "shared_persistent_ids");
	if (cJSON_IsNumber(k) && k->valueint > 0)
		printf("      shared persistent_account_id: %d\n", k->valueint);
	cJSON_Delete(ev);
}

/* The group, its members and its pairs; item marks the pairs to star. */
static bool
explain_group(Explain *e, int64_t group, const char *item)
{
	DbRows		g,
				m,
				p;
	char		gid[32];
	const char *params[2] = {e->run, gid};
	bool		ok;

	snprintf(gid, sizeof(gid), "%" PRId64, group);
	ok = db_query(e->c, "SELECT environment, institution_id, size, owners, kind, max_score, "
				  "min_score, review_status FROM itemdup.run_groups "
				  "WHERE run_id = $1::bigint AND group_id = $2::bigint", 2, params, &g) &&
		db_query(e->c, "SELECT item_id, owner_id, accounts, matched_accounts, suggested_action "
				 "FROM itemdup.run_group_items WHERE run_id = $1::bigint AND group_id = $2::bigint "
				 "ORDER BY item_id COLLATE \"C\"", 2, params, &m) &&
		db_query(e->c, "SELECT item_a, item_b, score, evidence::text FROM itemdup.run_pairs "
				 "WHERE run_id = $1::bigint AND group_id = $2::bigint ORDER BY score DESC, item_a, item_b",
				 2, params, &p);
	if (!ok)
	{
		log_error("explain failed: %s", db_last_error(e->c));
		return false;
	}
	if (e->json)
	{
		cJSON	   *jg = cJSON_AddObjectToObject(e->out, "group");
		cJSON	   *jm = cJSON_AddArrayToObject(jg, "items");
		cJSON	   *jp = cJSON_AddArrayToObject(jg, "pairs");

		cJSON_AddNumberToObject(jg, "group_id", (double) group);
		cJSON_AddStringToObject(jg, "environment", DB_VALUE(&g, 0, 0));
		cJSON_AddStringToObject(jg, "institution_id", DB_VALUE(&g, 0, 1));
		cJSON_AddStringToObject(jg, "kind", DB_VALUE(&g, 0, 4));
		for (int r = 0; r < m.nrows; r++)
		{
			cJSON	   *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "item_id", DB_VALUE(&m, r, 0));
			cJSON_AddStringToObject(o, "suggested_action", DB_VALUE(&m, r, 4));
			cJSON_AddItemToArray(jm, o);
		}
		for (int r = 0; r < p.nrows; r++)
		{
			cJSON	   *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "item_a", DB_VALUE(&p, r, 0));
			cJSON_AddStringToObject(o, "item_b", DB_VALUE(&p, r, 1));
			cJSON_AddNumberToObject(o, "score", atof(DB_VALUE(&p, r, 2)));
			cJSON_AddItemToObject(o, "evidence", cJSON_Parse(DB_VALUE(&p, r, 3)));
			cJSON_AddItemToArray(jp, o);
		}
	}
	else
	{
		printf("group %s in run %s: %s %s, %s items, %s owner(s), %s, scores %.4g..%.4g%s%s\n",
			   gid, e->run, DB_VALUE(&g, 0, 0), textesc(DB_VALUE(&g, 0, 1)), DB_VALUE(&g, 0, 2),
			   DB_VALUE(&g, 0, 3), DB_VALUE(&g, 0, 4), atof(DB_VALUE(&g, 0, 6)),
			   atof(DB_VALUE(&g, 0, 5)), DB_VALUE(&g, 0, 7) ? ", review: " : "",
			   DB_VALUE(&g, 0, 7) ? DB_VALUE(&g, 0, 7) : "");
		printf("  members:\n");
		for (int r = 0; r < m.nrows; r++)
			printf("    %s %-40s owner %-20s accounts %s, matched %s: %s\n",
				   strcmp(DB_VALUE(&m, r, 0), item) == 0 ? "*" : " ", textesc(DB_VALUE(&m, r, 0)),
				   DB_VALUE(&m, r, 1) ? textesc(DB_VALUE(&m, r, 1)) : "(none)",
				   DB_VALUE(&m, r, 2), DB_VALUE(&m, r, 3), DB_VALUE(&m, r, 4));
		printf("  pairs (score, shared keys):\n");
		for (int r = 0; r < p.nrows; r++)
		{
			bool		mine = strcmp(DB_VALUE(&p, r, 0), item) == 0 ||
				strcmp(DB_VALUE(&p, r, 1), item) == 0;

			printf("    %s %s ~ %s  score %.4g\n", mine ? "*" : " ", textesc(DB_VALUE(&p, r, 0)),
				   textesc(DB_VALUE(&p, r, 1)), atof(DB_VALUE(&p, r, 2)));
			print_evidence(DB_VALUE(&p, r, 3));
		}
	}
	db_rows_free(&g);
	db_rows_free(&m);
	db_rows_free(&p);
	return true;
}

/* Why an item is in no group: rejected, unknown, or nothing matched. */
static int
explain_ungrouped(Explain *e, const char *item)
{
	DbRows		rows;
	const char *params[2] = {e->run, item};
	int			rc = EXIT_OK;

	if (!db_query(e->c, "SELECT reason, detail FROM itemdup.rejects "
				  "WHERE run_id = $1::bigint AND item_id = $2", 2, params, &rows))
	{
		log_error("explain failed: %s", db_last_error(e->c));
		return EXIT_FAIL;
	}
	if (rows.nrows > 0)
	{
		if (e->json)
		{
			cJSON_AddStringToObject(e->out, "rejected", DB_VALUE(&rows, 0, 0));
			cJSON_AddStringToObject(e->out, "detail", DB_VALUE(&rows, 0, 1));
		}
		else
			printf("item %s was rejected by run %s: %s (%s)\n", textesc(item), e->run,
				   DB_VALUE(&rows, 0, 0), DB_VALUE(&rows, 0, 1) ? textesc(DB_VALUE(&rows, 0, 1)) : "");
	}
	else
	{
		if (e->json)
			cJSON_AddNullToObject(e->out, "group");
		else
			printf("item %s is in no group of run %s: no pair with another item scored "
				   "at or above the threshold (or it was removed or not in the source)\n",
				   textesc(item), e->run);
	}
	db_rows_free(&rows);
	return rc;
}

/*
 * Two items not in one group: read both from the source and score them
 * with the run's code.  Exit 1 when either is not in the source.
 */
static int
explain_pair_from_source(Explain *e)
{
	const Options *opt = e->opt;
	LoadOptions lo = {opt->source, true, NULL, NULL, {opt->item_a, opt->item_b}};
	MatchOptions mo = {UINT32_MAX, 1000, -INFINITY, db_interrupted};
	Dataset		ds;
	Vec			rejects;
	LoadStats	st;
	MatchResult mr = {0};
	char		err[1024];
	int			rc = EXIT_FAIL;
	uint32_t	found[2] = {KEY_NONE, KEY_NONE};
	const char *ids[2] = {opt->item_a, opt->item_b};

	keys_dataset_init(&ds, NULL);
	vec_init(&rejects, sizeof(RejectRow));
	memset(&st, 0, sizeof(st));
	if (!loader_read(e->c, &lo, &ds, &rejects, &st, err, sizeof(err)))
	{
		log_error("%s", err);
		goto cleanup;
	}
	for (size_t i = 0; i < ds.items.len; i++)
	{
		const Item *it = DS_ITEM(&ds, i);

		for (int k = 0; k < 2; k++)
			if (!it->superseded && it->item_id && strcmp(it->item_id, ids[k]) == 0)
				found[k] = (uint32_t) i;
	}
	for (int k = 0; k < 2; k++)
	{
		if (found[k] == KEY_NONE)
		{
			log_error("unknown item: %s is not in source %s", ids[k], st.source_quoted);
			goto cleanup;
		}
	}
	if (!match_find_pairs(&ds, &mo, &mr, err, sizeof(err)))
	{
		log_error("%s", err);
		goto cleanup;
	}

	const Item *a = DS_ITEM(&ds, found[0]);
	const Item *b = DS_ITEM(&ds, found[1]);
	const char *why;
	char	   *evidence = NULL;

	if (a->reject != REJECT_NONE || b->reject != REJECT_NONE)
		why = "one of them is rejected (see itemdup.rejects)";
	else if (a->env != b->env)
		why = "they are in different environments (never compared)";
	else if (a->institution != b->institution)
		why = "they are at different institutions (never compared)";
	else if (mr.pairs.len == 0)
		why = "they share no account key (environment, institution, name, mask) and no persistent_account_id";
	else
	{
		const Pair *p = mr.pairs.data;

		evidence = match_pair_evidence(&ds, &mr, p);
		why = p->score >= opt->threshold
			? "their pair scores at or above the threshold, but a shared key may be hot "
			"(shared by more than --hot-key-cap items) or the run read other data"
			: "their pair scores below the threshold";
	}
	if (e->json)
	{
		cJSON_AddBoolToObject(e->out, "grouped", false);
		cJSON_AddStringToObject(e->out, "why", why);
		if (evidence)
			cJSON_AddItemToObject(e->out, "evidence", cJSON_Parse(evidence));
	}
	else
	{
		printf("%s and %s are not grouped in run %s: %s\n", textesc(ids[0]), textesc(ids[1]),
			   e->run, why);
		if (evidence)
		{
			printf("  score now (threshold %g): %.4g\n", opt->threshold,
				   ((const Pair *) mr.pairs.data)->score);
			print_evidence(evidence);
		}
	}
	free(evidence);
	rc = EXIT_OK;

cleanup:
	match_result_free(&mr);
	vec_free(&rejects);
	keys_dataset_free(&ds);
	return rc;
}

int
explain_command(const Options *opt)
{
	Explain		e = {.opt = opt, .json = strcmp(opt->format, "json") == 0};
	char		err[512];
	int			rc = EXIT_FAIL;
	int64_t		ga,
				gb = 0;

	e.c = db_connect(opt->dsn, "explain", &opt->db);
	if (e.c == NULL)
		return EXIT_NOCONN;
	e.out = cJSON_CreateObject();
	FAILPOINT("explain_after_connect");
	if (db_interrupted())
		goto cleanup;			/* print nothing; main.c reports the signal */
	if (!migrate_check_version(e.c, err, sizeof(err)))
	{
		log_error("%s", err);
		goto cleanup;
	}
	e.run_id = report_resolve_run(e.c, opt->run_id);
	if (e.run_id == 0)
		goto cleanup;
	snprintf(e.run, sizeof(e.run), "%" PRId64, e.run_id);
	cJSON_AddNumberToObject(e.out, "run_id", (double) e.run_id);
	cJSON_AddStringToObject(e.out, "item_id", opt->item_a);
	ga = group_of(&e, opt->item_a);
	if (opt->item_b)
	{
		cJSON_AddStringToObject(e.out, "other_item_id", opt->item_b);
		gb = group_of(&e, opt->item_b);
	}
	if (ga < 0 || gb < 0)
	{
		log_error("explain failed: %s", db_last_error(e.c));
		goto cleanup;
	}
	if (opt->item_b == NULL)
		rc = ga > 0 ? (explain_group(&e, ga, opt->item_a) ? EXIT_OK : EXIT_FAIL)
			: explain_ungrouped(&e, opt->item_a);
	else if (ga > 0 && ga == gb)
	{
		if (e.json)
			cJSON_AddBoolToObject(e.out, "grouped", true);
		else
			printf("%s and %s are grouped together (directly or through other members):\n",
				   textesc(opt->item_a), textesc(opt->item_b));
		rc = explain_group(&e, ga, opt->item_a) ? EXIT_OK : EXIT_FAIL;
	}
	else
		rc = explain_pair_from_source(&e);
	if (rc == EXIT_OK && e.json)
	{
		char	   *text = cJSON_Print(e.out);
		StrBuf		esc;

		if (text == NULL)
			xoom(0);
		/* control and bidi characters as \u escapes: same JSON, nothing raw */
		sb_init(&esc);
		textesc_append(&esc, text, strlen(text), TEXTESC_JSON_TEXT);
		puts(esc.data);
		sb_free(&esc);
		free(text);
	}

cleanup:
	cJSON_Delete(e.out);
	db_close(e.c);
	return rc;
}
