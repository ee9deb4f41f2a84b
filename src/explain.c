/*
 * explain.c — `itemdup explain ITEM [OTHER]`: why an item is in its group,
 * or why two items are or are not grouped.
 *
 * One item: its group, members and the group's pairs with their evidence,
 * from the run's stored results.  Two items: both are scored with the
 * published run's model (itemdup.model_*, written by the same transaction
 * that published the results) through the same scorer as the run
 * (score.c), so the answer is the score the run gave them, every term
 * listed.
 */
#include "explain.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "keys.h"
#include "loader.h"
#include "log.h"
#include "match.h"
#include "migrate.h"
#include "published.h"
#include "report.h"
#include "sql_query.h"
#include "textesc.h"

typedef struct Explain
{
	const ExplainConfig *cfg;
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

	if (!db_query(e->c, sql_query("explain_group_of"), 2, params, &rows))
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
	ok = db_query(e->c, sql_query("explain_group"), 2, params, &g) &&
		db_query(e->c, sql_query("explain_members"), 2, params, &m) &&
		db_query(e->c, sql_query("explain_pairs"), 2, params, &p);
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

	if (!db_query(e->c, sql_query("explain_rejects"), 2, params, &rows))
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

/* Is a key of the published model usable in a pair (present and not hot)? */
static bool
pub_usable(void *arg, int64_t ref, bool persistent)
{
	const PubKey *k = published_key(arg, ref);

	(void) persistent;
	return k != NULL && k->items != NULL;
}

static void
pub_freq(void *arg, int64_t ref, ScoreKeyFreq *f, const char **name)
{
	const PubKey *k = published_key(arg, ref);

	*f = k->f;
	*name = k->name;
}

/* "{1,2,3}": the key_no of both sides' accounts, for one query. */
static char *
keys_of_sides(const ModelSide *a, const ModelSide *b)
{
	StrBuf		sb;
	const ModelSide *sides[2] = {a, b};
	bool		first = true;

	sb_init(&sb);
	sb_puts(&sb, "{");
	for (int s = 0; s < 2; s++)
		for (uint32_t k = 0; k < sides[s]->n_acc; k++)
		{
			int64_t		refs[2] = {sides[s]->acc_key[k], sides[s]->acc_pkey[k]};

			for (int r = 0; r < 2; r++)
				if (refs[r] != MODEL_NONE)
				{
					sb_printf(&sb, first ? "%" PRId64 : ",%" PRId64, refs[r]);
					first = false;
				}
		}
	sb_puts(&sb, "}");
	return sb.data;
}

/* Every term of the pair's score, one per line, adding up to the total. */
static void
print_terms(const Published *pub, const ModelPair *mp, const char *why)
{
	const ScoreDetail *d = &mp->d;
	static const char *const owner_names[] = {"different owners", "an owner unknown", "same owner"};

	printf("  scored with the model of published run %" PRId64 " (%s, threshold %g):\n",
		   pub->run_id, pub->model, pub->threshold);
	printf("    %+12.6f  prior: %u items at the institution\n", d->prior, d->institution_items);
	for (uint32_t k = 0; k < mp->n_shared; k++)
	{
		double		u;
		double		w = score_key_weight(&mp->freqs[k], d->institution_items, &u);

		printf("    %+12.6f  shared account \"%s\" mask %s  (key on %u items, name on %u items, u %.3g)\n",
			   w, textesc(mp->names[k]), textesc(mp->freqs[k].mask), mp->freqs[k].key_items,
			   mp->freqs[k].name_items, u);
	}
	if (mp->n_shared_p > 0)
		printf("    %+12.6f  shared persistent_account_id: %u\n", d->persistent, mp->n_shared_p);
	printf("    %+12.6f  owner: %s\n", d->owner, owner_names[d->owner_relation + 1]);
	printf("    %+12.6f  unmatched accounts: %u on the first, %u on the second\n", d->unmatched + 0.0,
		   d->unmatched_a, d->unmatched_b);
	printf("    %+12.6f  identical account sets bonus%s\n", d->identical_bonus,
		   d->identical ? "" : " (not identical)");
	printf("    %+12.6f  = score, %s the threshold %g; %s\n", d->score,
		   d->score >= pub->threshold ? "at or above" : "below", pub->threshold, why);
}

/* The pair's JSON answer: model, score, terms, evidence. */
static void
add_pair_json(Explain *e, const Published *pub, const ModelPair *mp, bool candidate,
			  const char *why)
{
	cJSON	   *m = cJSON_AddObjectToObject(e->out, "model");
	char	   *ev = score_evidence_json(&mp->in, mp->names, &mp->d);

	cJSON_AddNumberToObject(m, "run_id", (double) pub->run_id);
	cJSON_AddStringToObject(m, "model", pub->model);
	cJSON_AddNumberToObject(m, "threshold", pub->threshold);
	cJSON_AddBoolToObject(e->out, "candidate", candidate);
	cJSON_AddNumberToObject(e->out, "score", mp->d.score);
	cJSON_AddStringToObject(e->out, "why", why);
	cJSON_AddItemToObject(e->out, "evidence", cJSON_Parse(ev));
	free(ev);
}

/*
 * read_pair_items — the two items ids from the published model into it[]
 * (borrowed from pub); false (logged) when either is not in its index.
 */
static bool
read_pair_items(DbConn *c, Published *pub, const char *const ids[2], const PubItem *it[2])
{
	if (!published_read_items_by_id(c, pub, ids, 2))
		return false;
	for (size_t i = 0; i < pub->items.len; i++)
		for (int k = 0; k < 2; k++)
			if (strcmp(VEC_AT(&pub->items, PubItem, i).side.item_id, ids[k]) == 0)
				it[k] = &VEC_AT(&pub->items, PubItem, i);
	for (int k = 0; k < 2; k++)
		if (it[k] == NULL)
		{
			log_error("unknown item: %s is not in the index of published run %" PRId64
					  " (not in the source, removed, rejected or without a keyable account; "
					  "see itemdup.rejects)", ids[k], pub->run_id);
			return false;
		}
	return true;
}

/*
 * Any two items scored with the published run's model (itemdup.model_*):
 * the score the run gave them when they were a candidate pair.  Exit 1
 * when either is not in the published index.
 */
static int
explain_pair_from_model(Explain *e, bool grouped)
{
	const char *ids[2] = {e->cfg->item_a, e->cfg->item_b};
	Published	pub;
	ModelPair	mp;
	const PubItem *it[2] = {NULL, NULL};
	int			rc = EXIT_FAIL;
	char	   *nos = NULL;
	int64_t		n;
	const char *why;

	memset(&mp, 0, sizeof(mp));
	if (!published_open(e->c, &pub))
		goto cleanup;
	if (pub.run_id == 0)
	{
		/* published before schema version 6: the group above still stands */
		log_error("no published run has a model (it was published before schema "
				  "version 6): run itemdup run first");
		rc = grouped ? EXIT_OK : EXIT_FAIL;
		goto cleanup;
	}
	if (!read_pair_items(e->c, &pub, ids, it))
		goto cleanup;
	if (strcmp(it[0]->environment, it[1]->environment) != 0 ||
		strcmp(it[0]->institution_id, it[1]->institution_id) != 0)
	{
		why = strcmp(it[0]->environment, it[1]->environment) != 0
			? "they are in different environments (never compared)"
			: "they are at different institutions (never compared)";
		if (e->json)
		{
			cJSON_AddBoolToObject(e->out, "grouped", false);
			cJSON_AddStringToObject(e->out, "why", why);
		}
		else
			printf("%s and %s are not grouped: %s\n", textesc(ids[0]), textesc(ids[1]), why);
		rc = EXIT_OK;
		goto cleanup;
	}
	nos = keys_of_sides(&it[0]->side, &it[1]->side);
	n = published_institution_items(e->c, &pub, it[0]->institution_id);
	if (n < 0 || !published_read_keys_by_no(e->c, &pub, nos))
		goto cleanup;
	model_score_pair(&it[0]->side, &it[1]->side, (uint32_t) n, pub_usable, pub_freq, &pub, &mp);
	why = mp.n_shared + mp.n_shared_p == 0
		? "not a candidate: they share no account key or persistent id below the hot-key cap, "
		"so the run never scored them"
		: grouped ? "a candidate pair, grouped" : "a candidate pair, the score the run gave it";
	if (e->json)
	{
		if (!grouped)			/* explain_items said so for a grouped pair */
			cJSON_AddBoolToObject(e->out, "grouped", false);
		add_pair_json(e, &pub, &mp, mp.n_shared + mp.n_shared_p > 0, why);
	}
	else
	{
		if (!grouped)
			printf("%s and %s are not grouped in run %s\n", textesc(ids[0]), textesc(ids[1]),
				   e->run);
		print_terms(&pub, &mp, why);
	}
	rc = EXIT_OK;

cleanup:
	free(nos);
	model_pair_free(&mp);
	published_free(&pub);
	return rc;
}

#ifdef ITEMDUP_TEST_HOOKS
/*
 * Test builds: ITEMDUP_EXPLAIN_BATCH=FILE of "item_a<TAB>item_b" lines
 * prints "item_a<TAB>item_b<TAB>score" for each, through the same
 * explain_pair_from_model as `explain A B` (one process for thousands of
 * candidate pairs in tests/integration/t_50_explain_agrees.sh).
 */
static int
explain_batch(Explain *e, const char *path)
{
	FILE	   *f = fopen(path, "r");
	char		line[1024];
	int			rc = EXIT_OK;
	ExplainConfig o = *e->cfg;

	if (f == NULL)
		return EXIT_FAIL;
	e->cfg = &o;
	e->json = true;
	while (rc == EXIT_OK && fgets(line, sizeof(line), f) != NULL)
	{
		char	   *tab = strchr(line, '\t');
		const cJSON *score;

		if (tab == NULL)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\t\n") + 1] = '\0';
		o.item_a = line;
		o.item_b = tab + 1;
		cJSON_Delete(e->out);
		e->out = cJSON_CreateObject();
		rc = explain_pair_from_model(e, false);
		score = cJSON_GetObjectItemCaseSensitive(e->out, "score");
		printf("%s\t%s\t%.17g\n", o.item_a, o.item_b, cJSON_IsNumber(score) ? score->valuedouble : NAN);
	}
	fclose(f);
	return rc;
}
#endif

/*
 * explain_items — item_a alone, or item_a and item_b, in run e->run: the
 * exit code (failures logged); e->out holds the JSON answer.
 */
static int
explain_items(Explain *e)
{
	const ExplainConfig *cfg = e->cfg;
	int64_t		ga,
				gb = 0;

	cJSON_AddNumberToObject(e->out, "run_id", (double) e->run_id);
	cJSON_AddStringToObject(e->out, "item_id", cfg->item_a);
	ga = group_of(e, cfg->item_a);
	if (cfg->item_b)
	{
		cJSON_AddStringToObject(e->out, "other_item_id", cfg->item_b);
		gb = group_of(e, cfg->item_b);
	}
	if (ga < 0 || gb < 0)
	{
		log_error("explain failed: %s", db_last_error(e->c));
		return EXIT_FAIL;
	}
	if (cfg->item_b == NULL)
		return ga > 0 ? (explain_group(e, ga, cfg->item_a) ? EXIT_OK : EXIT_FAIL)
			: explain_ungrouped(e, cfg->item_a);
	if (ga > 0 && ga == gb)
	{
		if (e->json)
			cJSON_AddBoolToObject(e->out, "grouped", true);
		else
			printf("%s and %s are grouped together (directly or through other members):\n",
				   textesc(cfg->item_a), textesc(cfg->item_b));
		return explain_group(e, ga, cfg->item_a) ? explain_pair_from_model(e, true) : EXIT_FAIL;
	}
	return explain_pair_from_model(e, false);
}

/* The JSON answer on stdout, control and bidi characters as \u escapes (same JSON). */
static void
print_json(const cJSON *out)
{
	char	   *text = cJSON_Print(out);
	StrBuf		esc;

	if (text == NULL)
		xoom(0);
	sb_init(&esc);
	textesc_append(&esc, text, strlen(text), TEXTESC_JSON_TEXT);
	puts(esc.data);
	sb_free(&esc);
	free(text);
}

int
explain_command(const ExplainConfig *cfg)
{
	Explain		e = {.cfg = cfg, .json = cfg->json};
	int			rc;

	e.c = migrate_connect(cfg->dsn, "explain", &cfg->db, &rc);
	if (e.c == NULL)
		return rc;
	rc = EXIT_FAIL;
	e.out = cJSON_CreateObject();
	FAILPOINT("explain_after_connect");
	if (db_interrupted())
		goto cleanup;			/* print nothing; main.c reports the signal */
	e.run_id = report_resolve_run(e.c, cfg->run_id);
	if (e.run_id == 0)
		goto cleanup;
	snprintf(e.run, sizeof(e.run), "%" PRId64, e.run_id);
#ifdef ITEMDUP_TEST_HOOKS
	if (getenv("ITEMDUP_EXPLAIN_BATCH") != NULL)
	{
		rc = explain_batch(&e, getenv("ITEMDUP_EXPLAIN_BATCH"));
		goto cleanup;
	}
#endif
	rc = explain_items(&e);
	if (rc == EXIT_OK && e.json)
		print_json(e.out);

cleanup:
	cJSON_Delete(e.out);
	db_close(e.c);
	return rc;
}
