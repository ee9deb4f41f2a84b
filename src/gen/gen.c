/*
 * gen.c — itemdup-gen: command line, and the model of a data set.
 *
 *   itemdup-gen --items N --seed S --out DIR
 *
 * Builds every owner, Item and account in flat arrays (no per-row malloc),
 * plants duplicate groups of seven classes, then hands the model to
 * gen_write.c, which writes DIR/source.copy, DIR/truth.copy and
 * DIR/institution_map.copy.  See docs/GENERATOR.md.
 */
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define EXIT_USAGE 64

/* Time line (Unix seconds, UTC). */
#define T_LEGACY_FROM INT64_C(1401580800)	/* 2014-06-01 */
#define T_CURRENT_FROM INT64_C(1546300800)	/* 2019-01-01 */
#define T_DEV_END INT64_C(1718841600)		/* 2024-06-20: development shut */
#define T_CREATED_END INT64_C(1733011200)	/* 2024-12-01 */
#define T_NOW INT64_C(1735689600)			/* 2025-01-01 */
#define DAY INT64_C(86400)

#define GEN_PLANT_RATE 0.0195	/* logins that get a planted group */
#define GEN_TRIPLE_RATE 0.15	/* planted groups linked three times */
#define GEN_REMOVED_RATE 0.031	/* of items not planted */
#define GEN_SNAPSHOT_RATE 0.01
#define GEN_ERROR_RATE 0.01
#define GEN_NULL_OWNER_RATE 0.013
#define GEN_NO_INST_RATE 0.0015 /* production logins made by micro-deposits */
#define GEN_DECOY_RATE 0.02		/* tokenizing logins sharing a joint account */
#define GEN_MAX_ITEMS 20000000u

const char *const gen_class_names[GEN_CLASS_COUNT] = {
	"same_owner_exact", "same_owner_variant", "same_owner_cross_api",
	"same_owner_changed", "cross_owner_full", "cross_owner_partial",
	"persistent_id",
};

/* Share of planted groups per class (sums to 1). */
static const double class_share[GEN_CLASS_COUNT] = {
	0.25, 0.12, 0.08, 0.15, 0.15, 0.12, 0.13,
};

/* Per-owner environment odds, so that items come out ~97 / 1 / 2 %. */
#define GEN_OWNER_SANDBOX 0.0105
#define GEN_OWNER_DEVELOPMENT 0.0101

/*
 * gen_usage — print usage to f.
 */
static void
gen_usage(FILE *f)
{
	fprintf(f,
			"Usage: itemdup-gen [--items N] [--seed S] [--out DIR]\n"
			"Writes realistic itemdup source data in PostgreSQL COPY text format:\n"
			"  DIR/source.copy           item_id, owner_id, environment, institution_id,\n"
			"                            payload, created_at, updated_at, removed_at\n"
			"  DIR/truth.copy            item_a, item_b, class (planted duplicate pairs)\n"
			"  DIR/institution_map.copy  legacy_type, institution_id\n"
			"Options:\n"
			"  --items N   distinct item_ids to generate (default 5000, max %u)\n"
			"  --seed S    PRNG seed, unsigned 64-bit (default 42); same seed, same bytes\n"
			"  --out DIR   output directory, created if missing (default .)\n"
			"  --help      this text\n", GEN_MAX_ITEMS);
}

/*
 * gen_parse_u64 — s as a decimal unsigned 64-bit integer.  False when it is
 * empty, has anything else or overflows.
 */
static bool
gen_parse_u64(const char *s, uint64_t *out)
{
	char	   *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = (uint64_t) v;
	return true;
}

/*
 * gen_parse_args — fill g from argv.  Returns -1 to go on, or an exit code
 * (0 after --help, EXIT_USAGE after a message on stderr).
 */
static int
gen_parse_args(Gen *g, int argc, char **argv)
{
	g->n_items = 5000;
	g->seed = 42;
	g->out_dir = ".";
	for (int i = 1; i < argc; i++)
	{
		const char *arg = argv[i];
		const char *val = NULL;
		uint64_t	v;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		{
			gen_usage(stdout);
			return 0;
		}
		if (strcmp(arg, "--items") != 0 && strcmp(arg, "--seed") != 0 &&
			strcmp(arg, "--out") != 0)
		{
			fprintf(stderr, "itemdup-gen: unknown option '%s' (try --help)\n", arg);
			return EXIT_USAGE;
		}
		if (i + 1 >= argc)
		{
			fprintf(stderr, "itemdup-gen: %s needs a value\n", arg);
			return EXIT_USAGE;
		}
		val = argv[++i];
		if (strcmp(arg, "--out") == 0)
		{
			if (*val == '\0')
			{
				fprintf(stderr, "itemdup-gen: --out needs a directory\n");
				return EXIT_USAGE;
			}
			g->out_dir = val;
		}
		else if (!gen_parse_u64(val, &v) ||
				 (strcmp(arg, "--items") == 0 && (v < 1 || v > GEN_MAX_ITEMS)))
		{
			fprintf(stderr, "itemdup-gen: bad value for %s: '%s'%s\n", arg, val,
					strcmp(arg, "--items") == 0 ? " (1 to 20000000)" : "");
			return EXIT_USAGE;
		}
		else if (strcmp(arg, "--items") == 0)
			g->n_items = (uint32_t) v;
		else
			g->seed = v;
	}
	return -1;
}

/*
 * gen_created_between — a creation time in [lo, hi], skewed towards hi
 * (apps grow: more links recently).
 */
static int64_t
gen_created_between(GenRng *r, int64_t lo, int64_t hi)
{
	double		u = gen_rng_unit(r);

	return lo + (int64_t) ((double) (hi - lo) * (1.0 - u * u));
}

/*
 * gen_item_new — append an Item (no accounts yet) with its timestamps,
 * removal and snapshot decided here.  Returns its index; the caller
 * pushes accounts with gen_item_push.  g->n_made must be < g->n_items.
 */
static uint32_t
gen_item_new(Gen *g, uint32_t owner, GenEnv env, uint16_t inst,
			 uint16_t flags, int64_t created)
{
	GenRng	   *r = &g->rng;
	uint32_t	idx = g->n_made++;
	GenItem    *it = &g->items[idx];
	int64_t		end = env == GEN_ENV_DEVELOPMENT ? T_DEV_END : T_NOW;

	memset(it, 0, sizeof(*it));
	it->key = gen_mix(g->seed, idx);
	it->owner = owner;
	it->env = (uint8_t) env;
	it->inst = inst;
	it->first = (uint32_t) g->n_accts;
	if (created > end - DAY)
		created = end - DAY;
	it->created = created;
	if (gen_rng_chance(r, 0.8))
		it->updated = gen_rng_range(r, end - 30 * DAY, end);
	else
		it->updated = gen_rng_range(r, created, end);
	if (it->updated < created)
		it->updated = created;
	if (!(flags & GEN_ITEM_PLANTED) && gen_rng_chance(r, GEN_REMOVED_RATE))
	{
		it->removed = gen_rng_range(r, created + 3600, end);
		it->updated = it->removed;
	}
	if (gen_rng_chance(r, GEN_SNAPSHOT_RATE) && it->updated - created > 2 * 3600)
	{
		it->snap_updated = gen_rng_range(r, created, it->updated - 3600);
		it->snap = (uint8_t) (GEN_SNAP_BALANCES + gen_rng_below(r, 3));
	}
	if (gen_rng_chance(r, 0.5))
		flags |= GEN_ITEM_ASCII;
	if (gen_rng_chance(r, 0.2))
		flags |= GEN_ITEM_SPACED;
	if (gen_rng_chance(r, 0.02))
		flags |= GEN_ITEM_NEWLINE;
	if (gen_rng_chance(r, 0.3))
		flags |= GEN_ITEM_WEBHOOK;
	if (inst != GEN_NO_INST && !(flags & GEN_ITEM_COL_INST))
	{
		const GenInst *in = &g->inst[inst];
		bool		unmapped = (flags & GEN_ITEM_LEGACY) &&
			!in->mapped[(flags & GEN_ITEM_LEGACY_ALT) ? 1 : 0];

		if (gen_rng_chance(r, unmapped ? 0.2 : 0.03))
			flags |= GEN_ITEM_COL_INST;
	}
	if (!(flags & GEN_ITEM_LEGACY) && gen_rng_chance(r, GEN_ERROR_RATE))
	{
		flags |= GEN_ITEM_ERROR;
		it->error = (uint8_t) gen_rng_below(r, 4);
	}
	it->flags = flags;
	if (inst != GEN_NO_INST)
		g->inst[inst].n_items++;
	return idx;
}

/*
 * gen_item_push — append a copy of *a to the last Item (which must be idx),
 * deciding how a legacy payload spells its number.  On allocation failure
 * the account is dropped and g->cap_accts is set to 0 (checked by the
 * build loop).
 */
static void
gen_item_push(Gen *g, uint32_t idx, const GenAccount *a)
{
	GenItem    *it = &g->items[idx];
	GenAccount *dst;

	if (g->n_accts == g->cap_accts)
	{
		size_t		cap = g->cap_accts ? g->cap_accts * 2 : 1024;
		GenAccount *p = g->cap_accts ? realloc(g->accts, cap * sizeof(*p)) : NULL;

		if (!p)
		{
			g->cap_accts = 0;
			g->n_accts = 0;
			return;
		}
		g->accts = p;
		g->cap_accts = cap;
	}
	dst = &g->accts[g->n_accts++];
	*dst = *a;
	dst->flags &= (uint8_t) ~GEN_ACCT_NUMERIC;
	if ((it->flags & GEN_ITEM_LEGACY) && strlen(a->mask) == 4 &&
		strspn(a->mask, "0123456789") == 4 && gen_rng_chance(&g->rng, 0.2))
		dst->flags |= GEN_ACCT_NUMERIC;
	it->n++;
}

/*
 * gen_pair_add — record the planted pair (a, b) of class cls.  Returns
 * false when out of memory.
 */
static bool
gen_pair_add(Gen *g, uint32_t a, uint32_t b, GenClass cls)
{
	if (g->n_pairs == g->cap_pairs)
	{
		size_t		cap = g->cap_pairs ? g->cap_pairs * 2 : 1024;
		GenPair    *p = realloc(g->pairs, cap * sizeof(*p));

		if (!p)
			return false;
		g->pairs = p;
		g->cap_pairs = cap;
	}
	g->pairs[g->n_pairs++] = (GenPair) {a, b, (uint8_t) cls};
	g->class_pairs[cls]++;
	return true;
}

/*
 * gen_pick_inst — a production institution by Zipf size that suits cls
 * (a legacy code for cross_api, tokenizing for persistent_id) and that the
 * owner does not already use (used[0..n_used)).
 */
static uint16_t
gen_pick_inst(Gen *g, GenClass cls, const uint16_t *used, int n_used)
{
	GenRng	   *r = &g->rng;
	uint16_t	pick = 0;

	for (int tries = 0; tries < 200; tries++)
	{
		double		u = gen_rng_unit(r);
		uint32_t	lo = 0;
		uint32_t	hi = g->n_prod_inst - 1;
		bool		ok = true;

		while (lo < hi)
		{
			uint32_t	mid = (lo + hi) / 2;

			if (g->inst_cdf[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		pick = (uint16_t) lo;
		if (cls == GEN_CLASS_SAME_OWNER_CROSS_API && !g->inst[pick].legacy[0])
			ok = false;
		if (cls == GEN_CLASS_PERSISTENT_ID && !g->inst[pick].tokenizes)
			ok = false;
		for (int k = 0; k < n_used && ok; k++)
			ok = used[k] != pick;
		if (ok)
			break;
	}
	return pick;
}

/* gen_draw_n_accounts — 1..6 accounts, mostly 1..3. */
static int
gen_draw_n_accounts(GenRng *r)
{
	static const double cdf[6] = {0.35, 0.70, 0.87, 0.95, 0.98, 1.0};
	double		u = gen_rng_unit(r);
	int			n = 1;

	while (n < 6 && u >= cdf[n - 1])
		n++;
	return n;
}

/*
 * gen_fresh_account — draw an account at inst that differs in (name, mask)
 * from every one in have[0..n).
 */
static void
gen_fresh_account(Gen *g, uint16_t inst, const GenAccount *have, int n, GenAccount *out)
{
	for (int tries = 0; tries < 20; tries++)
	{
		bool		clash = false;

		gen_draw_account(g, &g->rng, inst, out);
		for (int k = 0; k < n && !clash; k++)
			clash = have[k].name == out->name && strcmp(have[k].mask, out->mask) == 0;
		if (!clash)
			return;
	}
}

/*
 * gen_redraw_mask — a new mask for a, different from its old one (a
 * tokenized account number gives every Item its own mask).
 */
static void
gen_redraw_mask(GenRng *r, GenAccount *a)
{
	char		old[5];

	memcpy(old, a->mask, 5);
	do
		gen_draw_mask(r, a->mask);
	while (a->mask[0] == '\0' || strcmp(old, a->mask) == 0);
}

/*
 * gen_joint_decoy — a joint holder with a login of their own: replace
 * acct[0] by a copy of an account (same persistent id and name, its own
 * mask) of the latest other owner's Item at inst.  Not a duplicate: not in
 * truth.
 */
static void
gen_joint_decoy(Gen *g, uint32_t owner, uint16_t inst, GenAccount *acct)
{
	uint32_t	other = g->last_at_inst[inst];
	const GenItem *it;

	if (other == UINT32_MAX)
		return;
	it = &g->items[other];
	if ((it->flags & GEN_ITEM_LEGACY) || (owner != GEN_NO_OWNER && it->owner == owner))
		return;
	for (uint32_t k = 0; k < it->n; k++)
	{
		const GenAccount *src = &g->accts[it->first + k];

		if (src->flags & GEN_ACCT_PID)
		{
			acct[0] = *src;
			acct[0].variant = GEN_VAR_NONE;
			gen_redraw_mask(&g->rng, &acct[0]);
			g->n_decoys++;
			return;
		}
	}
}

/*
 * gen_make_dup — one more Item of the planted group of base: same login
 * (institution, environment), accounts derived from full[0..n_full) by the
 * rules of cls; in_set marks which of them the dup shows (partial class).
 * Returns the new Item's index.
 */
static uint32_t
gen_make_dup(Gen *g, GenClass cls, uint32_t base, int64_t after,
			 const GenAccount *full, int n_full, const bool *in_set)
{
	GenRng	   *r = &g->rng;
	const GenItem *b = &g->items[base];
	uint32_t	owner = b->owner;
	uint16_t	flags = GEN_ITEM_PLANTED;
	uint16_t	inst = b->inst;
	GenEnv		env = (GenEnv) b->env;
	GenAccount	acct[8];
	int			n = 0;
	uint32_t	idx;
	int64_t		span = (env == GEN_ENV_DEVELOPMENT ? T_DEV_END : T_NOW) - DAY - after;
	int64_t		created = after + gen_rng_range(r, 3600, span < 500 * DAY ? span : 500 * DAY);

	if (cls == GEN_CLASS_CROSS_OWNER_FULL || cls == GEN_CLASS_CROSS_OWNER_PARTIAL ||
		(cls == GEN_CLASS_PERSISTENT_ID && (owner == GEN_NO_OWNER || gen_rng_chance(r, 0.4))))
		owner = gen_rng_chance(r, 0.05) ? GEN_NO_OWNER : ++g->n_owners;
	if (cls == GEN_CLASS_SAME_OWNER_CROSS_API)
	{
		if (created < T_CURRENT_FROM)
			created = gen_created_between(r, T_CURRENT_FROM, T_CREATED_END);
	}
	else if (cls != GEN_CLASS_PERSISTENT_ID)
		flags |= b->flags & (GEN_ITEM_LEGACY | GEN_ITEM_LEGACY_ALT);

	for (int k = 0; k < n_full; k++)
		if (in_set[k])
			acct[n++] = full[k];
	switch (cls)
	{
		case GEN_CLASS_SAME_OWNER_VARIANT:
			{
				bool		any = false;

				for (int k = 0; k < n; k++)
					if (gen_rng_chance(r, 0.6) || (!any && k == n - 1))
					{
						acct[k].variant = (uint8_t) (1 + gen_rng_below(r, GEN_VAR_COUNT - 1));
						any = true;
					}
				break;
			}
		case GEN_CLASS_SAME_OWNER_CHANGED:
			if (n >= 2 && gen_rng_chance(r, 0.5))
			{
				int			gone = (int) gen_rng_below(r, (uint32_t) n);

				memmove(&acct[gone], &acct[gone + 1], (size_t) (n - gone - 1) * sizeof(acct[0]));
				n--;
			}
			else
			{
				gen_fresh_account(g, inst, acct, n, &acct[n]);
				n++;
			}
			break;
		case GEN_CLASS_PERSISTENT_ID:
			for (int k = 0; k < n; k++)
				gen_redraw_mask(r, &acct[k]);
			if (gen_rng_chance(r, 0.3))
			{
				GenAccount	renamed;

				gen_fresh_account(g, inst, acct, n, &renamed);
				acct[0].name = renamed.name;
			}
			break;
		default:
			break;
	}
	idx = gen_item_new(g, owner, env, inst, flags, created);
	for (int k = 0; k < n; k++)
		gen_item_push(g, idx, &acct[k]);
	return idx;
}

/*
 * gen_partial_sets — for cross_owner_partial: split n accounts (n >= 3)
 * into what each of `size` Items shows.  All share a core of 1..n-1
 * accounts; each other account goes to exactly one Item, and every Item
 * but the first gets at least one, so no two sets are equal.
 */
static void
gen_partial_sets(GenRng *r, int n, int size, bool sets[3][8])
{
	int			core = 1 + (int) gen_rng_below(r, (uint32_t) (n - 1));

	if (core > n - (size - 1))
		core = n - (size - 1);
	for (int s = 0; s < size; s++)
		for (int k = 0; k < n; k++)
			sets[s][k] = k < core;
	for (int k = core; k < n; k++)
	{
		int			s = k - core < size - 1 ? k - core + 1 : (int) gen_rng_below(r, (uint32_t) size);

		sets[s][k] = true;
	}
}

/*
 * gen_make_login — one login of owner at a production or development
 * institution: the base Item and, when planted, its duplicates and truth
 * pairs.  used[] lists the owner's institutions so far (one is added).
 */
static void
gen_make_login(Gen *g, GenEnv env, uint32_t owner, uint16_t *used, int *n_used)
{
	GenRng	   *r = &g->rng;
	GenClass	cls = GEN_CLASS_NONE;
	uint32_t	remaining = g->n_items - g->n_made;
	int			size = 1;
	uint16_t	inst;
	uint16_t	flags = 0;
	GenAccount	full[8];
	bool		sets[3][8];
	int			n_full;
	uint32_t	group[3];
	int64_t		created;

	if (remaining >= 2 && gen_rng_chance(r, GEN_PLANT_RATE))
	{
		double		u = gen_rng_unit(r);

		cls = 0;
		while (cls < GEN_CLASS_COUNT - 1 && u >= class_share[cls])
			u -= class_share[cls++];
		if (owner == GEN_NO_OWNER && cls <= GEN_CLASS_SAME_OWNER_CHANGED)
			cls = GEN_CLASS_NONE;
		else
			size = remaining >= 3 && gen_rng_chance(r, GEN_TRIPLE_RATE) ? 3 : 2;
	}

	if (cls == GEN_CLASS_NONE && env == GEN_ENV_PRODUCTION && gen_rng_chance(r, GEN_NO_INST_RATE))
		inst = GEN_NO_INST;
	else
	{
		const GenInst *in;

		inst = gen_pick_inst(g, cls, used, *n_used);
		in = &g->inst[inst];
		if (cls == GEN_CLASS_SAME_OWNER_CROSS_API ||
			(cls != GEN_CLASS_PERSISTENT_ID && in->legacy[0] &&
			 gen_rng_chance(r, env == GEN_ENV_PRODUCTION ? g->legacy_rate : g->legacy_rate / 2)))
		{
			flags |= GEN_ITEM_LEGACY;
			if (in->legacy[1] && gen_rng_chance(r, 0.3))
				flags |= GEN_ITEM_LEGACY_ALT;
			/* the app backfilled institution_id where no map entry helps */
			if (cls == GEN_CLASS_SAME_OWNER_CROSS_API &&
				!in->mapped[(flags & GEN_ITEM_LEGACY_ALT) ? 1 : 0])
				flags |= GEN_ITEM_COL_INST;
		}
		used[(*n_used)++] = inst;
	}
	if (cls != GEN_CLASS_NONE)
		flags |= GEN_ITEM_PLANTED;

	n_full = inst == GEN_NO_INST ? 1 : gen_draw_n_accounts(r);
	if (cls == GEN_CLASS_CROSS_OWNER_PARTIAL && n_full < 3)
		n_full = 3 + (int) gen_rng_below(r, 3);
	for (int k = 0; k < n_full; k++)
		gen_fresh_account(g, inst, full, k, &full[k]);
	if (cls == GEN_CLASS_PERSISTENT_ID)
		full[0].flags |= GEN_ACCT_PID;
	if (cls == GEN_CLASS_NONE && inst != GEN_NO_INST && g->inst[inst].tokenizes &&
		gen_rng_chance(r, GEN_DECOY_RATE))
		gen_joint_decoy(g, owner, inst, full);

	for (int s = 0; s < 3; s++)
		for (int k = 0; k < 8; k++)
			sets[s][k] = k < n_full;
	if (cls == GEN_CLASS_CROSS_OWNER_PARTIAL)
		gen_partial_sets(r, n_full, size, sets);

	if (flags & GEN_ITEM_LEGACY)
		created = gen_created_between(r, T_LEGACY_FROM, T_CURRENT_FROM - DAY);
	else
		created = gen_created_between(r, T_CURRENT_FROM,
									  env == GEN_ENV_DEVELOPMENT ? T_DEV_END - 60 * DAY : T_CREATED_END);
	if (inst == GEN_NO_INST)
		flags |= GEN_ITEM_NO_INST;
	group[0] = gen_item_new(g, owner, env, inst, flags, created);
	/* a user who re-linked often did so because the first Item broke */
	if (cls <= GEN_CLASS_SAME_OWNER_CHANGED && !(flags & GEN_ITEM_LEGACY) &&
		gen_rng_chance(r, 0.25))
	{
		g->items[group[0]].flags |= GEN_ITEM_ERROR;
		g->items[group[0]].error = 0;
	}
	for (int k = 0; k < n_full; k++)
		if (sets[0][k])
			gen_item_push(g, group[0], &full[k]);
	if (inst != GEN_NO_INST)
		g->last_at_inst[inst] = group[0];
	if (cls == GEN_CLASS_NONE)
		return;

	g->groups[cls]++;
	for (int s = 1; s < size; s++)
		group[s] = gen_make_dup(g, cls, group[0], g->items[group[s - 1]].created,
								full, n_full, sets[s]);
	for (int i = 0; i < size; i++)
		for (int j = i + 1; j < size; j++)
			if (!gen_pair_add(g, group[i], group[j], cls))
				g->cap_accts = 0;	/* reported as out of memory */
}

/*
 * gen_make_sandbox_owner — an owner testing in the sandbox: 1 Item, a few,
 * or (5 %) dozens, all at the sandbox institutions with the default
 * accounts.  Never planted: every sandbox Item looks alike by design.
 */
static void
gen_make_sandbox_owner(Gen *g)
{
	static const double include[GEN_N_SANDBOX_ACCOUNTS] = {
		1.0, 0.95, 0.5, 0.7, 0.5, 0.45, 0.45, 0.45
	};
	GenRng	   *r = &g->rng;
	uint32_t	owner = gen_rng_chance(r, GEN_NULL_OWNER_RATE) ? GEN_NO_OWNER : ++g->n_owners;
	double		u = gen_rng_unit(r);
	uint32_t	n_items = u < 0.7 ? 1 : u < 0.95 ? 2 + gen_rng_below(r, 4) : 10 + gen_rng_below(r, 21);

	for (uint32_t i = 0; i < n_items && g->n_made < g->n_items; i++)
	{
		double		v = gen_rng_unit(r);
		uint16_t	s = v < 0.6 ? 0 : v < 0.85 ? 1 : 2;
		uint16_t	inst = (uint16_t) (g->n_prod_inst + s);
		uint16_t	flags = 0;
		uint32_t	idx;

		if (s == 0 && gen_rng_chance(r, 0.1))
			flags |= GEN_ITEM_LEGACY;
		idx = gen_item_new(g, owner, GEN_ENV_SANDBOX, inst, flags,
						   gen_created_between(r, T_CURRENT_FROM, T_CREATED_END));
		for (int k = 0; k < GEN_N_SANDBOX_ACCOUNTS; k++)
			if (gen_rng_chance(r, include[k]))
			{
				GenAccount	a;

				gen_draw_sandbox_account(r, k, &a);
				gen_item_push(g, idx, &a);
			}
	}
}

/*
 * gen_build — the whole model: owners until g->n_items Items exist.
 * Returns false when out of memory (reported here).
 */
static bool
gen_build(Gen *g)
{
	GenRng	   *r = &g->rng;

	g->items = malloc((size_t) g->n_items * sizeof(*g->items));
	g->last_at_inst = malloc(g->n_inst * sizeof(*g->last_at_inst));
	g->cap_accts = (size_t) g->n_items * 5 / 2 + 64;
	g->accts = malloc(g->cap_accts * sizeof(*g->accts));
	if (!g->items || !g->last_at_inst || !g->accts)
		goto oom;
	memset(g->last_at_inst, 0xFF, g->n_inst * sizeof(*g->last_at_inst));
	gen_rng_seed(r, g->seed);

	while (g->n_made < g->n_items)
	{
		double		u = gen_rng_unit(r);
		uint16_t	used[5];
		int			n_used = 0;
		uint32_t	owner;
		int			n_logins;

		if (u < GEN_OWNER_SANDBOX)
		{
			gen_make_sandbox_owner(g);
			continue;
		}
		owner = gen_rng_chance(r, GEN_NULL_OWNER_RATE) ? GEN_NO_OWNER : ++g->n_owners;
		u = gen_rng_unit(r);
		n_logins = owner == GEN_NO_OWNER || u < 0.80 ? 1 : u < 0.92 ? 2 : u < 0.97 ? 3 : u < 0.99 ? 4 : 5;
		u = gen_rng_unit(r);
		for (int l = 0; l < n_logins && g->n_made < g->n_items; l++)
			gen_make_login(g, u < GEN_OWNER_DEVELOPMENT ? GEN_ENV_DEVELOPMENT : GEN_ENV_PRODUCTION,
						   owner, used, &n_used);
		if (g->cap_accts == 0)
			goto oom;
	}
	return true;

oom:
	fprintf(stderr, "itemdup-gen: out of memory for %u items\n", g->n_items);
	return false;
}

/*
 * gen_print_summary — the one-line summary on stderr.
 */
static void
gen_print_summary(const Gen *g, double seconds)
{
	uint64_t	total = 0;

	fprintf(stderr, "itemdup-gen: seed %llu: %u items (%llu rows, %llu older snapshots), "
			"%zu accounts, %u owners, %llu joint-holder decoys; planted pairs:",
			(unsigned long long) g->seed, g->n_made, (unsigned long long) g->n_rows,
			(unsigned long long) g->n_snapshots, g->n_accts, g->n_owners,
			(unsigned long long) g->n_decoys);
	for (int c = 0; c < GEN_CLASS_COUNT; c++)
	{
		fprintf(stderr, " %s=%llu", gen_class_names[c], (unsigned long long) g->class_pairs[c]);
		total += g->class_pairs[c];
	}
	fprintf(stderr, " total=%llu; %.2f s\n", (unsigned long long) total, seconds);
}

/*
 * main — parse, build, write, summarise.  Exit 0, 64 on usage errors,
 * 1 on out-of-memory or I/O errors (already reported).
 */
int
main(int argc, char **argv)
{
	Gen			g;
	int			rc;
	struct timespec t0;
	struct timespec t1;

	memset(&g, 0, sizeof(g));
	rc = gen_parse_args(&g, argc, argv);
	if (rc >= 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mkdir(g.out_dir, 0777) != 0 && errno != EEXIST)
	{
		fprintf(stderr, "itemdup-gen: cannot create %s: %s\n", g.out_dir, strerror(errno));
		return 1;
	}
	rc = 1;
	if (!gen_catalog_build(&g))
		goto cleanup;			/* already reported */
	if (!gen_build(&g))
		goto cleanup;
	if (!gen_write_all(&g))
		goto cleanup;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	gen_print_summary(&g, (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9);
	rc = 0;

cleanup:
	gen_catalog_free(&g);
	free(g.items);
	free(g.accts);
	free(g.pairs);
	free(g.last_at_inst);
	return rc;
}
