/*
 * gen_write.c — the model as PostgreSQL COPY text files.
 *
 * Each payload is written as JSON into a scratch buffer (by hand: escapes,
 * optional \uXXXX for non-ASCII, two separator styles), then copied into a
 * large output buffer with COPY's text escaping (backslash, tab, newline,
 * CR), and the buffer goes out in big fwrite calls.  Everything written for
 * a row is derived from the Item's key, so row order does not matter.
 */
#include "gen.h"
#include "gen_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_rows[][3] = {
	{"ITEM_LOGIN_REQUIRED", "ITEM_ERROR",
	"the login details of this item have changed (credentials, MFA, or required user action) "
	"and a user login is required to update this information. use Link's update mode to "
	"restore the item to a good state"},
	{"PENDING_EXPIRATION", "ITEM_ERROR",
	"the access consent for this item is expiring in 7 days. use Link's update mode to renew it"},
	{"INSTITUTION_NOT_RESPONDING", "INSTITUTION_ERROR",
	"this financial institution is not currently responding to this request. please try again soon."},
	{"ITEM_LOCKED", "ITEM_ERROR",
	"the account is locked. prompt the user to visit the institution's site and unlock their account"},
};

static const char *const sandbox_tokens[] = {
	"test_wells", "test_chase", "test_bofa", "test_citi", "test_usaa",
};


/* gen_item_id — the 37-character item_id of an Item. */
static void
gen_item_id(const GenItem *it, char out[38])
{
	gen_id(gen_mix(it->key, 0x17E3), out, 37);
}


/*
 * gen_account_name — the name of a as this Item spells it (institution
 * case style, then the account's variant) into out (GEN_NAME_BUF).
 */
static void
gen_account_name(const Gen *g, const GenItem *it, const GenAccount *a, char *out)
{
	char		base[GEN_NAME_BUF];

	gen_name_render(g, a->name, base, sizeof(base));
	if (it->inst != GEN_NO_INST && g->inst[it->inst].upper)
		for (char *p = base; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char) (*p - 32);
	if (a->variant == GEN_VAR_NONE)
		memcpy(out, base, strlen(base) + 1);
	else
		gen_variant_apply(base, a->variant, out);
}

/*
 * gen_official_name — official_name of a, or NULL (then out is unused).
 * Stable per real account, so every Item of a login agrees.
 */
static const char *
gen_official_name(const Gen *g, const GenItem *it, const GenAccount *a, char *out)
{
	char		base[GEN_NAME_BUF / 2];

	if (it->inst == GEN_NO_INST || gen_mix(a->ident, 0x0FF1) % 100 < 35)
		return NULL;
	if (g->inst[it->inst].sandbox)
		return gen_sandbox_official(a->name & 0x3FFFFFFFu);
	if (GEN_NAME_TAG(a->name) == GEN_NAME_NICK)
		snprintf(base, sizeof(base), "%s", gen_kinds[a->kind].label);
	else
		gen_name_render(g, a->name, base, sizeof(base));
	{
		size_t		nb = strlen(g->inst[it->inst].brand);
		size_t		nn = strlen(base);

		/* brand (< 48) + ' ' + base (< GEN_NAME_BUF / 2) fits in GEN_NAME_BUF */
		memcpy(out, g->inst[it->inst].brand, nb);
		out[nb] = ' ';
		memcpy(out + nb + 1, base, nn + 1);
	}
	return out;
}

/*
 * gen_balances — current, available and limit in cents (-1 = null) of a
 * in the row salted by salt: the real account sets the level, the row
 * moves it a little.
 */
static void
gen_balances(const GenAccount *a, uint64_t salt, int64_t *cur, int64_t *avail, int64_t *limit)
{
	uint64_t	base = gen_mix(a->ident, 0xBA1);
	uint64_t	drift = gen_mix(a->ident, salt);
	int64_t		level = (int64_t) (base % 1500000) + 5000;
	int64_t		move = (int64_t) (drift % 2001) - 1000;	/* +-10 % */

	*cur = level + level * move / 10000;
	*avail = *cur;
	*limit = -1;
	switch (a->kind)
	{
		case GEN_KIND_CREDIT_CARD:
			*limit = (int64_t) (base % 30) * 100000 + 100000;
			*cur = *cur % *limit;
			*avail = *limit - *cur;
			break;
		case GEN_KIND_MORTGAGE:
		case GEN_KIND_STUDENT:
		case GEN_KIND_AUTO:
		case GEN_KIND_HOME_EQUITY:
			*cur *= 20;
			*avail = -1;
			break;
		case GEN_KIND_IRA:
		case GEN_KIND_401K:
		case GEN_KIND_BROKERAGE:
			*cur *= 5;
			*avail = (drift & 1) ? -1 : *cur;
			break;
		case GEN_KIND_CHECKING:
			*avail = *cur - (int64_t) (drift % 5000);
			if (*avail < 0)
				*avail = 0;
			break;
		default:
			break;
	}
}

/* ---- payloads ---- */

/*
 * gen_json_current — an /accounts/get response for it, accounts acct[0..n).
 */
static void
gen_json_current(const Gen *g, GenJson *j, const GenItem *it, const char *item_id,
				 const GenAccount *acct, int n, uint64_t salt, GenRng *r)
{
	char		id[64];
	char		name[GEN_NAME_BUF];
	char		official[GEN_NAME_BUF];

	gen_json_open(j, '{');
	gen_json_key(j, "accounts");
	gen_json_open(j, '[');
	for (int k = 0; k < n; k++)
	{
		const GenAccount *a = &acct[k];
		int64_t		cur;
		int64_t		avail;
		int64_t		limit;

		gen_balances(a, salt, &cur, &avail, &limit);
		gen_json_sep(j);
		gen_json_open(j, '{');
		gen_id(gen_mix(it->key, 0x100 + (uint64_t) k), id, 37);
		gen_json_kstr(j, "account_id", id);
		gen_json_key(j, "balances");
		gen_json_open(j, '{');
		gen_json_kcents(j, "available", avail);
		gen_json_kcents(j, "current", cur);
		gen_json_kstr(j, "iso_currency_code", "USD");
		gen_json_kcents(j, "limit", limit);
		gen_json_kraw(j, "unofficial_currency_code", "null");
		gen_json_close(j, '}');
		gen_json_kstr(j, "mask", a->mask[0] ? a->mask : NULL);
		gen_account_name(g, it, a, name);
		gen_json_kstr(j, "name", name);
		gen_json_kstr(j, "official_name", gen_official_name(g, it, a, official));
		if (a->flags & GEN_ACCT_PID)
		{
			gen_hex(gen_mix(a->ident, 0x9E1D), id, 56);
			gen_json_kstr(j, "persistent_account_id", id);
		}
		gen_json_kstr(j, "subtype", gen_kinds[a->kind].subtype);
		gen_json_kstr(j, "type", gen_kinds[a->kind].type);
		gen_json_close(j, '}');
	}
	gen_json_close(j, ']');
	gen_json_key(j, "item");
	gen_json_open(j, '{');
	gen_json_kstr(j, "institution_id", it->inst == GEN_NO_INST ? NULL : g->inst[it->inst].id);
	gen_json_kstr(j, "item_id", item_id);
	gen_json_kstr(j, "webhook", (it->flags & GEN_ITEM_WEBHOOK) ?
				  "https://hooks.example-app.com/plaid/webhook" : NULL);
	gen_json_key(j, "error");
	if (it->flags & GEN_ITEM_ERROR)
	{
		gen_json_open(j, '{');
		gen_json_kraw(j, "display_message", "null");
		gen_json_kstr(j, "error_code", error_rows[it->error][0]);
		gen_json_kstr(j, "error_message", error_rows[it->error][2]);
		gen_json_kstr(j, "error_type", error_rows[it->error][1]);
		gen_id(gen_rng_next(r), id, 15);
		gen_json_kstr(j, "request_id", id);
		gen_json_close(j, '}');
	}
	else
		gen_json_put(j, "null", 4);
	gen_json_close(j, '}');
	gen_id(gen_rng_next(r), id, 15);
	gen_json_kstr(j, "request_id", id);
	gen_json_close(j, '}');
}

/*
 * gen_json_legacy — a legacy /connect response for it: accounts[].meta,
 * institution_type per account, the access token at the top.
 */
static void
gen_json_legacy(const Gen *g, GenJson *j, const GenItem *it, const char *item_id,
				const GenAccount *acct, int n, uint64_t salt, GenRng *r)
{
	const GenInst *in = &g->inst[it->inst];
	const char *type = in->legacy[(it->flags & GEN_ITEM_LEGACY_ALT) ? 1 : 0];
	char		id[64];
	char		name[GEN_NAME_BUF];
	char		token[64];

	gen_json_open(j, '{');
	gen_json_key(j, "accounts");
	gen_json_open(j, '[');
	for (int k = 0; k < n; k++)
	{
		const GenAccount *a = &acct[k];
		int64_t		cur;
		int64_t		avail;
		int64_t		limit;

		gen_balances(a, salt, &cur, &avail, &limit);
		gen_json_sep(j);
		gen_json_open(j, '{');
		gen_id(gen_mix(it->key, 0x100 + (uint64_t) k), id, 37);
		gen_json_kstr(j, "_id", id);
		gen_json_kstr(j, "_item", item_id);
		gen_id(gen_mix(it->key, 0x55E), id, 37);
		gen_json_kstr(j, "_user", id);
		gen_json_key(j, "balance");
		gen_json_open(j, '{');
		gen_json_kcents(j, "available", avail);
		gen_json_kcents(j, "current", cur);
		gen_json_close(j, '}');
		gen_json_kstr(j, "institution_type", type);
		gen_json_key(j, "meta");
		gen_json_open(j, '{');
		if (limit >= 0)
			gen_json_kcents(j, "limit", limit);
		gen_account_name(g, it, a, name);
		gen_json_kstr(j, "name", name);
		if (a->flags & GEN_ACCT_NUMERIC)
		{
			/* "0042" as the JSON number 42 */
			const char *digits = a->mask + strspn(a->mask, "0");

			gen_json_kraw(j, "number", *digits ? digits : "0");
		}
		else if (a->mask[0])
			gen_json_kstr(j, "number", a->mask);
		gen_json_close(j, '}');
		if (gen_mix(a->ident, 0x5B7) % 10 != 0)
			gen_json_kstr(j, "subtype", gen_kinds[a->kind].subtype);
		gen_json_kstr(j, "type", gen_kinds[a->kind].type);
		gen_json_close(j, '}');
	}
	gen_json_close(j, ']');
	if (it->env == GEN_ENV_SANDBOX)
		snprintf(token, sizeof(token), "%s",
				 sandbox_tokens[gen_rng_below(r, sizeof(sandbox_tokens) / sizeof(sandbox_tokens[0]))]);
	else
	{
		char		uuid[37];

		gen_uuid(gen_mix(it->key, 0x70CE), uuid);
		snprintf(token, sizeof(token), "access-%s-%s",
				 it->env == GEN_ENV_DEVELOPMENT ? "development" : "production", uuid);
	}
	gen_json_kstr(j, "access_token", token);
	gen_json_close(j, '}');
}

/*
 * gen_write_row — one source.copy row: the latest state of item idx, or
 * (older) its earlier snapshot.
 */
static void
gen_write_row(Gen *g, GenOut *o, GenJson *j, uint32_t idx, bool older)
{
	static const char *const env_names[GEN_ENV_COUNT] = {"production", "development", "sandbox"};
	const GenItem *it = &g->items[idx];
	GenAccount	acct[10];
	int			n = it->n;
	GenRng		r;
	uint64_t	salt = older ? 0x01D : 0x1A7;
	char		item_id[38];
	char		field[48];

	gen_rng_seed(&r, gen_mix(it->key, salt));
	memcpy(acct, &g->accts[it->first], (size_t) n * sizeof(acct[0]));
	if (older && it->snap == GEN_SNAP_FEWER && n >= 2)
		n--;
	else if (older && it->snap == GEN_SNAP_EXTRA && it->inst != GEN_NO_INST)
	{
		if (g->inst[it->inst].sandbox)
			gen_draw_sandbox_account(&r, (int) gen_rng_below(&r, GEN_N_SANDBOX_ACCOUNTS), &acct[n]);
		else
			gen_draw_account(g, &r, it->inst, &acct[n]);
		if ((it->flags & GEN_ITEM_LEGACY) && strlen(acct[n].mask) == 4 &&
			strspn(acct[n].mask, "0123456789") == 4 && gen_rng_chance(&r, 0.2))
			acct[n].flags |= GEN_ACCT_NUMERIC;
		n++;
	}

	gen_item_id(it, item_id);
	j->len = 0;
	j->depth = 0;
	j->comma[0] = false;
	j->special = false;
	j->ascii = it->flags & GEN_ITEM_ASCII;
	j->spaced = it->flags & GEN_ITEM_SPACED;
	if (it->flags & GEN_ITEM_LEGACY)
		gen_json_legacy(g, j, it, item_id, acct, n, salt, &r);
	else
		gen_json_current(g, j, it, item_id, acct, n, salt, &r);
	if (it->flags & GEN_ITEM_NEWLINE)
	{
		gen_json_ch(j, '\n');
		j->special = true;
	}

	gen_out_str(o, item_id);
	if (it->owner == GEN_NO_OWNER)
		gen_out_str(o, "\t\\N\t");
	else
	{
		char	   *e = field + sizeof(field);
		char	   *b = e;
		uint32_t	v = it->owner;

		*--b = '\0';
		*--b = '\t';
		for (int k = 0; k < 6 || v; k++)
		{
			*--b = (char) ('0' + v % 10);
			v /= 10;
		}
		b -= 6;
		memcpy(b, "\tuser_", 6);
		gen_out_str(o, b);
	}
	gen_out_str(o, env_names[it->env]);
	gen_out_str(o, "\t");
	gen_out_str(o, (it->flags & GEN_ITEM_COL_INST) ? g->inst[it->inst].id : "\\N");
	gen_out_str(o, "\t");
	if (j->special)
		gen_out_copy_text(o, j->p, j->len);
	else
	{
		memcpy(gen_out_room(o, j->len), j->p, j->len);
		o->len += j->len;
	}
	gen_time(it->created, field);
	gen_out_str(o, "\t");
	gen_out_str(o, field);
	gen_time(older ? it->snap_updated : it->updated, field);
	gen_out_str(o, "\t");
	gen_out_str(o, field);
	if (it->removed && !older)
	{
		gen_time(it->removed, field);
		gen_out_str(o, "\t");
		gen_out_str(o, field);
		gen_out_str(o, "\n");
	}
	else
		gen_out_str(o, "\t\\N\n");
}

/*
 * gen_write_source — DIR/source.copy: every Item's latest row and the
 * older snapshots, in a seeded random order.  False on failure (reported).
 */
static bool
gen_write_source(Gen *g)
{
	GenOut		o;
	GenJson		j;
	GenRng		r;
	char		path[4096];
	uint32_t   *rows;
	size_t		n_rows = 0;
	bool		ok = false;

	memset(&j, 0, sizeof(j));
	rows = malloc(((size_t) g->n_made * 2) * sizeof(*rows));
	j.p = malloc(GEN_JSON_BUF);
	if (!rows || !j.p)
	{
		fprintf(stderr, "itemdup-gen: out of memory\n");
		goto cleanup;
	}
	for (uint32_t i = 0; i < g->n_made; i++)
	{
		rows[n_rows++] = i;
		if (g->items[i].snap != GEN_SNAP_NONE)
			rows[n_rows++] = i | 0x80000000u;
	}
	g->n_rows = n_rows;
	g->n_snapshots = n_rows - g->n_made;
	gen_rng_seed(&r, gen_mix(g->seed, 0x5F0F));
	for (size_t i = n_rows - 1; i > 0; i--)
	{
		size_t		k = (size_t) (gen_rng_next(&r) % (i + 1));
		uint32_t	t = rows[i];

		rows[i] = rows[k];
		rows[k] = t;
	}
	if (!gen_out_open(&o, g->out_dir, "source.copy", path, sizeof(path)))
	{
		if (!gen_out_close(&o))
		{
			/* already reported */
		}
		goto cleanup;
	}
	for (size_t i = 0; i < n_rows && !o.err; i++)
	{
		gen_write_row(g, &o, &j, rows[i] & 0x7FFFFFFFu, (rows[i] & 0x80000000u) != 0);
		if (j.overflow)
		{
			fprintf(stderr, "itemdup-gen: internal error: payload over %u bytes\n", GEN_JSON_BUF);
			o.err = true;
		}
	}
	ok = gen_out_close(&o);

cleanup:
	free(rows);
	free(j.p);
	return ok;
}

typedef struct GenTruthRow
{
	char		a[38];
	char		b[38];
	uint8_t		cls;
} GenTruthRow;

/* gen_truth_cmp — qsort order of truth rows: item_a, then item_b. */
static int
gen_truth_cmp(const void *x, const void *y)
{
	const GenTruthRow *p = x;
	const GenTruthRow *q = y;
	int			c = strcmp(p->a, q->a);

	return c ? c : strcmp(p->b, q->b);
}

/*
 * gen_write_truth — DIR/truth.copy: planted pairs, item_a < item_b in
 * byte order, sorted.  False on failure (reported).
 */
static bool
gen_write_truth(Gen *g)
{
	GenOut		o;
	char		path[4096];
	GenTruthRow *t = malloc((g->n_pairs + 1) * sizeof(*t));
	bool		ok;

	if (!t)
	{
		fprintf(stderr, "itemdup-gen: out of memory\n");
		return false;
	}
	for (size_t i = 0; i < g->n_pairs; i++)
	{
		char		a[38];
		char		b[38];
		bool		swap;

		gen_item_id(&g->items[g->pairs[i].a], a);
		gen_item_id(&g->items[g->pairs[i].b], b);
		swap = strcmp(a, b) > 0;
		memcpy(t[i].a, swap ? b : a, 38);
		memcpy(t[i].b, swap ? a : b, 38);
		t[i].cls = g->pairs[i].cls;
	}
	qsort(t, g->n_pairs, sizeof(*t), gen_truth_cmp);
	if (gen_out_open(&o, g->out_dir, "truth.copy", path, sizeof(path)))
		for (size_t i = 0; i < g->n_pairs; i++)
		{
			gen_out_str(&o, t[i].a);
			gen_out_str(&o, "\t");
			gen_out_str(&o, t[i].b);
			gen_out_str(&o, "\t");
			gen_out_str(&o, gen_class_names[t[i].cls]);
			gen_out_str(&o, "\n");
		}
	ok = gen_out_close(&o);
	free(t);
	return ok;
}

/*
 * gen_write_map — DIR/institution_map.copy: the mapped legacy codes.
 * False on failure (reported).
 */
static bool
gen_write_map(Gen *g)
{
	GenOut		o;
	char		path[4096];

	if (gen_out_open(&o, g->out_dir, "institution_map.copy", path, sizeof(path)))
		for (uint32_t i = 0; i < g->n_inst; i++)
			for (int k = 0; k < 2; k++)
				if (g->inst[i].legacy[k] && g->inst[i].mapped[k])
				{
					gen_out_str(&o, g->inst[i].legacy[k]);
					gen_out_str(&o, "\t");
					gen_out_str(&o, g->inst[i].id);
					gen_out_str(&o, "\n");
				}
	return gen_out_close(&o);
}

/*
 * gen_write_all — the three output files.  False on the first failure
 * (reported).
 */
bool
gen_write_all(Gen *g)
{
	return gen_write_source(g) && gen_write_truth(g) && gen_write_map(g);
}
