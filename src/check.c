/*
 * check.c — `itemdup check`: is a new link a duplicate of an Item we know?
 *
 * The link (stdin) is parsed and normalised by the loader's code (payload.c,
 * keys.c) and scored as one more Item of the published run: the published
 * counts plus the link itself (N + 1, each of its keys and names + 1), by
 * the run's scorer (score.c through model.c).  Candidates: Items of the
 * published index sharing a key below the hot-key cap, and Items created
 * or updated in the source since the published run's snapshot (they win
 * over their published copy).
 */
#include "linkcheck.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "keys.h"
#include "loader.h"
#include "log.h"
#include "migrate.h"
#include "model.h"
#include "payload.h"
#include "published.h"
#include "sql_query.h"

#define LOCAL_KEY_BASE (INT64_C(1) << 40)	/* references of keys the model lacks */
#define LOCAL_PKEY_BASE (INT64_C(1) << 41)
#define LINK_ITEM_ID "\001new link"		/* no source item_id holds a control character */

/* All of stdin into buf; false when it is larger than a payload may be. */
static bool
read_stdin(StrBuf *buf)
{
	char		chunk[65536];
	size_t		n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
	{
		sb_append(buf, chunk, n);
		if (buf->len > PAYLOAD_MAX_BYTES)
			return false;
	}
	return !ferror(stdin);
}

/*
 * The link from stdin: parsed as the loader parses a payload.  Returns
 * EXIT_OK, or EXIT_USAGE with the reason logged.
 */
int
check_parse(Check *ck, const CheckInput *in)
{
	char		detail[160];
	RejectReason r;
	int			rc = EXIT_USAGE;

	memset(ck, 0, sizeof(*ck));
	ck->in = in;
	arena_init(&ck->arena);
	vec_init(&ck->matches, sizeof(CheckMatch));
	keys_dataset_init(&ck->ds, NULL);
	if (!keys_parse_environment(in->environment, strlen(in->environment), &ck->env))
		log_error("check: environment must be sandbox, development or production");
	else if ((r = payload_parse(in->json, in->json_len, &ck->arena,
								&ck->link_payload, detail, sizeof(detail))) != REJECT_NONE)
		log_error("check: the input is not a usable link (%s: %s); expected Link onSuccess "
				  "metadata {\"institution\":{...},\"accounts\":[...]} or an /accounts/get "
				  "response", payload_reject_name(r), detail);
	else
	{
		ck->institution = ck->in->institution ? ck->in->institution
			: ck->link_payload.link_institution_id ? ck->link_payload.link_institution_id
			: ck->link_payload.institution_id;
		if (ck->institution == NULL && ck->link_payload.legacy_type == NULL)
			log_error("check: the input names no institution (institution.institution_id or "
					  "item.institution_id): give --institution ID (in SQL: institution_id)");
		else
			rc = EXIT_OK;
	}
	return rc;
}

/* Add the link to ds as one more Item (legacy institution types through map). */
static void
add_link(Check *ck, const InstitutionMap *map)
{
	SourceRow	row;
	const char *env = keys_environment_name(ck->env);

	memset(&row, 0, sizeof(row));
	row.item_id = LINK_ITEM_ID;
	row.item_id_len = strlen(LINK_ITEM_ID);
	row.owner_id = ck->in->owner;
	row.owner_id_len = strlen(ck->in->owner);
	row.environment = env;
	row.environment_len = strlen(env);
	row.created_at = row.updated_at = INT64_MAX;
	row.institution_id = ck->institution;
	row.institution_id_len = ck->institution ? strlen(ck->institution) : 0;
	ck->link = keys_add_item(&ck->ds, &row, REJECT_NONE, &ck->link_payload, map);
	{
		const Item *it = DS_ITEM(&ck->ds, ck->link);

		ck->institution = it->institution == KEY_NONE ? NULL
			: ck->ds.institutions.bytes[it->institution];
	}
}

/* One account key of the link: its published key or name counts, plus the link. */
static bool
map_account_key(Check *ck, LinkAccount *la)
{
	const KeyInfo *ki = &VEC_AT(&ck->ds.key_info, KeyInfo, la->key);
	const NameInfo *ni = &VEC_AT(&ck->ds.name_info, NameInfo, ki->name);
	bool		failed = false;

	la->name = ni->name;
	la->pk = published_find_account_key(ck->c, &ck->pub, ck->env, ck->institution, ni->name,
										ki->mask, &failed);
	if (failed)
		return false;
	if (la->pk != NULL)
		la->f = la->pk->f;
	else
	{
		memset(&la->f, 0, sizeof(la->f));
		memcpy(la->f.mask, ki->mask, sizeof(la->f.mask));
		if (published_find_name(ck->c, &ck->pub, ck->env, ck->institution, ni->name,
								&la->f.name_items, &la->f.gname_items) < 0)
			return false;
	}
	la->ref_key = la->pk ? la->pk->key_no : LOCAL_KEY_BASE + la->key;
	/* the link is one more Item with this name and this key, here and in the environment */
	la->f.name_items++;
	la->f.key_items++;
	la->f.gname_items++;
	la->f.gkey_items++;
	return true;
}

/* Every keyed account of the link mapped to the published model. */
static bool
map_link(Check *ck)
{
	const Item *it = DS_ITEM(&ck->ds, ck->link);
	uint32_t	n = 0;

	ck->acc = arena_alloc(&ck->arena, (it->n_accounts + 1) * sizeof(LinkAccount));
	ck->side_key = arena_alloc(&ck->arena, (it->n_accounts + 1) * sizeof(int64_t));
	ck->side_pkey = arena_alloc(&ck->arena, (it->n_accounts + 1) * sizeof(int64_t));
	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		const Account a = keys_account(&ck->ds, it->first_account + k);
		LinkAccount *la = &ck->acc[n];
		bool		failed = false;

		if (a.key == KEY_NONE && a.pkey == KEY_NONE)
			continue;
		memset(la, 0, sizeof(*la));
		la->key = a.key;
		la->pkey = a.pkey;
		la->ref_key = la->ref_pkey = MODEL_NONE;
		if (a.key != KEY_NONE && !map_account_key(ck, la))
			return false;
		if (a.pkey != KEY_NONE)
		{
			int			env;
			const char *inst;
			const char *pid;
			char		buf[KEYS_PKEY_TEXT];

			model_pkey_parts(&ck->ds, a.pkey, &env, &inst, &pid, buf);
			la->ppk = published_find_pkey(ck->c, &ck->pub, env, inst, pid, &failed);
			if (failed)
				return false;
			la->ref_pkey = la->ppk ? la->ppk->key_no : LOCAL_PKEY_BASE + a.pkey;
		}
		ck->side_key[n] = la->ref_key;
		ck->side_pkey[n] = la->ref_pkey;
		n++;
	}
	ck->side = (ModelSide) {
		NULL, ck->in->owner, INT64_MAX, it->n_keyable, n, ck->side_key, ck->side_pkey
	};
	return true;
}

/* The link's account carrying ref, or NULL. */
static const LinkAccount *
link_account(const Check *ck, int64_t ref, bool persistent)
{
	for (uint32_t k = 0; k < ck->side.n_acc; k++)
		if ((persistent ? ck->acc[k].ref_pkey : ck->acc[k].ref_key) == ref)
			return &ck->acc[k];
	return NULL;
}

/* Usable: not hot once the link is counted (a key the model lacks never is). */
static bool
link_usable(void *arg, int64_t ref, bool persistent)
{
	const Check *ck = arg;
	const LinkAccount *la = link_account(ck, ref, persistent);
	const PubKey *pk = la ? (persistent ? la->ppk : la->pk) : NULL;

	if (la == NULL)
		return false;
	if (pk == NULL)
		return true;
	return pk->items != NULL && pk->f.key_items + 1 <= ck->pub.hot_key_cap;
}

/* The counts of a shared key: the link's, prepared by map_account_key. */
static void
link_freq(void *arg, int64_t ref, ScoreKeyFreq *f, const char **name)
{
	const LinkAccount *la = link_account(arg, ref, false);

	*f = la->f;
	*name = la->name;
}

/* Score the link against one candidate; a match at or above the threshold is kept. */
static void
score_candidate(Check *ck, const ModelSide *other, const char *seen_in)
{
	ModelPair	mp;

	ck->candidates++;
	model_score_pair(&ck->side, other, ck->n_items, link_usable, link_freq, ck, &mp);
	if (mp.n_shared + mp.n_shared_p > 0 && mp.d.score >= ck->pub.threshold)
	{
		CheckMatch *m = vec_push(&ck->matches);
		char	   *ev = score_evidence_json(&mp.in, mp.names, &mp.d);
		cJSON	   *j = cJSON_Parse(ev);

		cJSON_AddStringToObject(j, "seen_in", seen_in);
		m->item_id = arena_strndup(&ck->arena, other->item_id, strlen(other->item_id));
		m->owner_id = other->owner_id
			? arena_strndup(&ck->arena, other->owner_id, strlen(other->owner_id)) : NULL;
		m->score = mp.d.score;
		m->evidence = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		free(ev);
	}
	model_pair_free(&mp);
}

/* Is item_id the link's own (an /accounts/get input) or read again from the source? */
static bool
superseded_by_source(const Check *ck, const char *item_id)
{
	return (ck->link_payload.item_id && strcmp(ck->link_payload.item_id, item_id) == 0) ||
		keys_find_item(&ck->ds, item_id, strlen(item_id)) != KEY_NONE;
}

/* Candidates of the published index: Items on the link's usable published keys. */
static bool
score_published(Check *ck)
{
	StrBuf		nos;
	bool		ok;
	bool		any = false;

	sb_init(&nos);
	sb_puts(&nos, "{");
	for (uint32_t k = 0; k < ck->side.n_acc; k++)
	{
		const PubKey *keys[2] = {ck->acc[k].pk, ck->acc[k].ppk};

		for (int i = 0; i < 2; i++)
		{
			if (keys[i] == NULL || !link_usable(ck, keys[i]->key_no, i == 1))
				continue;
			for (uint32_t j = 0; j < keys[i]->n_items; j++)
			{
				sb_printf(&nos, any ? ",%u" : "%u", keys[i]->items[j]);
				any = true;
			}
		}
	}
	sb_puts(&nos, "}");
	ok = !any || published_read_items_by_no(ck->c, &ck->pub, nos.data);
	sb_free(&nos);
	for (size_t i = 0; ok && any && i < ck->pub.items.len; i++)
	{
		const PubItem *it = &VEC_AT(&ck->pub.items, PubItem, i);

		if (!superseded_by_source(ck, it->side.item_id))
			score_candidate(ck, &it->side, "published_index");
	}
	return ok;
}

/* The reference a source row's key has in the link's terms. */
static int64_t
local_ref(const Check *ck, uint32_t id, bool persistent)
{
	if (id == KEY_NONE)
		return MODEL_NONE;
	for (uint32_t k = 0; k < ck->side.n_acc; k++)
		if ((persistent ? ck->acc[k].pkey : ck->acc[k].key) == id)
			return persistent ? ck->acc[k].ref_pkey : ck->acc[k].ref_key;
	return (persistent ? LOCAL_PKEY_BASE : LOCAL_KEY_BASE) + id;
}

/* Candidates among the source rows newer than the published run's snapshot. */
static void
score_recent(Check *ck)
{
	const Item *link = DS_ITEM(&ck->ds, ck->link);

	for (uint32_t i = 0; i < ck->link; i++)
	{
		const Item *it = DS_ITEM(&ck->ds, i);
		int64_t    *keys,
				   *pkeys;
		ModelSide	side;

		if (!keys_item_live(it) || it->env != link->env || it->institution != link->institution ||
			(ck->link_payload.item_id && strcmp(it->item_id, ck->link_payload.item_id) == 0))
			continue;
		keys = xmalloc((it->n_accounts + 1) * sizeof(int64_t));
		pkeys = xmalloc((it->n_accounts + 1) * sizeof(int64_t));
		side = (ModelSide) {it->item_id, keys_item_owner(it), it->created_at, it->n_keyable, 0, keys, pkeys};
		for (uint32_t k = 0; k < it->n_accounts; k++)
		{
			const Account a = keys_account(&ck->ds, it->first_account + k);

			if (a.key == KEY_NONE && a.pkey == KEY_NONE)
				continue;
			keys[side.n_acc] = local_ref(ck, a.key, false);
			pkeys[side.n_acc++] = local_ref(ck, a.pkey, true);
		}
		score_candidate(ck, &side, "source_since_snapshot");
		free(keys);
		free(pkeys);
	}
}

/* Best first: higher score, then the smaller item_id. */
static int
cmp_match(const void *x, const void *y)
{
	const CheckMatch *a = x;
	const CheckMatch *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->item_id, b->item_id);
}

/* The answer as JSON on stdout (README "Check at link time"). */
static void
print_json(const Check *ck)
{
	cJSON	   *o = cJSON_CreateObject();
	cJSON	   *arr;
	char	   *text;

	cJSON_AddStringToObject(o, "verdict", ck->matches.len ? "duplicate" : "none");
	cJSON_AddNumberToObject(o, "threshold", ck->pub.threshold);
	cJSON_AddNumberToObject(o, "published_run", (double) ck->pub.run_id);
	cJSON_AddStringToObject(o, "institution_id", ck->institution);
	arr = cJSON_AddArrayToObject(o, "matches");
	for (size_t i = 0; i < ck->matches.len; i++)
	{
		const CheckMatch *m = &VEC_AT(&ck->matches, CheckMatch, i);
		cJSON	   *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "item_id", m->item_id);
		if (m->owner_id)
			cJSON_AddStringToObject(j, "owner_id", m->owner_id);
		else
			cJSON_AddNullToObject(j, "owner_id");
		cJSON_AddBoolToObject(j, "same_owner", m->owner_id && strcmp(m->owner_id, ck->in->owner) == 0);
		cJSON_AddNumberToObject(j, "score", m->score);
		cJSON_AddItemToObject(j, "evidence", cJSON_Parse(m->evidence));
		cJSON_AddItemToArray(arr, j);
	}
	text = cJSON_Print(o);
	puts(text);
	free(text);
	cJSON_Delete(o);
}

/* The answer for people on stdout: the verdict, then one line per match. */
static void
print_text(const Check *ck)
{
	if (ck->matches.len == 0)
		printf("none: no Item at %s scores at or above the threshold %g "
			   "(published run %" PRId64 ", %u candidates scored)\n",
			   ck->institution, ck->pub.threshold, ck->pub.run_id, ck->candidates);
	else
		printf("duplicate suspected: %zu Item(s) at %s score at or above the threshold %g "
			   "(published run %" PRId64 ")\n",
			   ck->matches.len, ck->institution, ck->pub.threshold, ck->pub.run_id);
	for (size_t i = 0; i < ck->matches.len; i++)
	{
		const CheckMatch *m = &VEC_AT(&ck->matches, CheckMatch, i);
		bool		same = m->owner_id && strcmp(m->owner_id, ck->in->owner) == 0;
		cJSON	   *ev = cJSON_Parse(m->evidence);
		const cJSON *k;

		printf("  %s  owner %s (%s)  score %.3f  shared:", m->item_id,
			   m->owner_id ? m->owner_id : "(none)", same ? "same owner: re-link, use update mode"
			   : "another owner: review", m->score);
		cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(ev, "shared_keys"))
			printf(" \"%s\" ..%s", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "name")),
				   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "mask")));
		k = cJSON_GetObjectItemCaseSensitive(ev, "shared_persistent_ids");
		if (cJSON_IsNumber(k) && k->valueint > 0)
			printf(" %d persistent_account_id(s)", k->valueint);
		putchar('\n');
		cJSON_Delete(ev);
	}
}

int
check_score(Check *ck, DbConn *c)
{
	LoadOptions lo = {.source = ck->in->source, .read_path = READ_PATH_AUTO};
	Vec			rejects;
	LoadStats	st;
	char		err[1024];
	int64_t		n;
	bool		ok;

	ck->c = c;
	if (!published_open(c, &ck->pub))
		return EXIT_FAIL;
	if (ck->pub.run_id == 0)
	{
		log_error("check: no published run with a model yet: run itemdup run first");
		return EXIT_FAIL;
	}
	lo.changed_since = ck->pub.recent_since;
	vec_init(&rejects, sizeof(RejectRow));
	memset(&st, 0, sizeof(st));
	ok = loader_read(c, &lo, &ck->ds, &rejects, &st, err, sizeof(err));
	vec_free(&rejects);
	if (!ok)
	{
		log_error("%s", err);
		return EXIT_FAIL;
	}
	log_debug("check: %" PRId64 " source rows since %s", st.items_read, ck->pub.recent_since);
	{
		InstitutionMap map;
		DbRows		rows;

		if (!db_query(c, sql_query("check_institution_map"), 0, NULL, &rows))
		{
			log_error("could not read itemdup.institution_map: %s", db_last_error(c));
			return EXIT_FAIL;
		}
		keys_map_init(&map);
		for (int r = 0; r < rows.nrows; r++)
			keys_map_add(&map, DB_VALUE(&rows, r, 0), DB_VALUE(&rows, r, 1));
		db_rows_free(&rows);
		add_link(ck, &map);
		keys_map_free(&map);
	}
	n = published_institution_items(c, &ck->pub, ck->institution);
	ck->n_items = (uint32_t) n + 1;
	if (n < 0 || !map_link(ck) || !score_published(ck))
		return EXIT_FAIL;
	score_recent(ck);
	vec_sort(&ck->matches, cmp_match);
	return ck->matches.len ? EXIT_DUPLICATE : EXIT_OK;
}

void
check_free(Check *ck)
{
	for (size_t i = 0; i < ck->matches.len; i++)
		free(VEC_AT(&ck->matches, CheckMatch, i).evidence);
	vec_free(&ck->matches);
	published_free(&ck->pub);
	keys_dataset_free(&ck->ds);
	arena_free(&ck->arena);
}

int
check_command(const CheckConfig *cfg)
{
	CheckInput	in = {cfg->owner, cfg->environment, cfg->institution, cfg->source, NULL, 0};
	Check		ck;
	StrBuf		buf;
	DbConn	   *c = NULL;
	int			rc = EXIT_USAGE;

	sb_init(&buf);
	memset(&ck, 0, sizeof(ck));
	if (!read_stdin(&buf))
	{
		log_error("check: the input on stdin is unreadable or larger than %u bytes",
				  PAYLOAD_MAX_BYTES);
		goto cleanup;
	}
	in.json = buf.data ? buf.data : "";
	in.json_len = buf.len;
	rc = check_parse(&ck, &in);
	if (rc != EXIT_OK)
		goto cleanup;
	c = migrate_connect(cfg->dsn, "check", &cfg->db, &rc);
	if (c != NULL && (rc = check_score(&ck, c)) != EXIT_FAIL)
	{
		if (cfg->json)
			print_json(&ck);
		else
			print_text(&ck);
	}

cleanup:
	check_free(&ck);
	db_close(c);
	sb_free(&buf);
	return rc;
}
