/*
 * partition.c — --partitions N: the read and the match in passes over
 * classes of institutions, one pass's results (partition.h,
 * docs/SCALING.md "--partitions N").
 */
#include "partition.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nearmiss.h"
#include "rows.h"
#include "sql_query.h"

struct PartitionRun
{
	DbConn	   *src;
	LoadOptions lo;
	uint32_t	n;
	KeyHashFn	hash;
	bool		in_tx;			/* the read transaction is open */
	Dataset    *out;
	Vec		   *rejects;
	LoadStats  *st;
	/* the counts across institutions, over every class */
	Interner	gnames;			/* (environment, name) */
	Vec			gname_count;	/* uint32_t per gnames id */
	Interner	gkeys;			/* (gnames id, mask) */
	Vec			gkey_count;		/* uint32_t per gkeys id */
	Interner	multi;			/* item_ids with more than one row */
	/* the classes: live Items per institution (the census), each one's class */
	Interner	insts;
	Vec			inst_live;		/* uint32_t per insts id */
	uint32_t   *inst_class;		/* per insts id, after the census */
	/* per out Item: its row number in the read, which is its index in one pass */
	Vec			ordinal;
	/* the counts of out's ids (MatchResult.stats at the end), uint32_t each */
	Vec			name_items;
	Vec			key_items;
	Vec			inst_items;
	Vec			gname_items;
	Vec			gkey_items;
	uint32_t	n_pkeys;
	uint64_t	live_items;
	size_t		max_items;		/* the most Items one pass held */
	LoadStats	taken;			/* the census's counts of rows handed over (census_take) */
	Vec			seen;			/* uint32_t: one Item's gnames, then gkeys ids (census_take) */
	NearSampler *near;
	PartitionPassFn on_pass;	/* partition_on_pass, or NULL */
	void	   *on_pass_arg;
};

/* One pass's read of one class. */
typedef struct Pass
{
	Dataset		ds;
	Vec			rejects;		/* RejectRow */
	Vec			foreign;		/* uint8_t per Item (LoadOptions) */
	Vec			ordinal;		/* uint32_t per Item: its row number, ascending */
	LoadStats	st;
} Pass;

/* A pass's ids to out's (KEY_NONE: not kept). */
typedef struct KeyMaps
{
	uint32_t   *key;
	uint32_t   *pkey;
	uint32_t   *name;
	uint32_t   *gname;
	uint32_t   *gkey;
} KeyMaps;

PartitionRun *
partition_begin(DbConn *src, const LoadOptions *lo, uint32_t n, KeyHashFn hash,
				Dataset *out, Vec *rejects, LoadStats *st)
{
	PartitionRun *pr = xcalloc(1, sizeof(*pr));

	pr->src = src;
	pr->lo = *lo;
	pr->n = n;
	pr->hash = hash;
	pr->out = out;
	pr->rejects = rejects;
	pr->st = st;
	keys_interner_init(&pr->multi, NULL);
	keys_interner_init(&pr->insts, NULL);
	vec_init(&pr->inst_live, sizeof(uint32_t));
	keys_interner_init(&pr->gnames, NULL);
	keys_interner_init(&pr->gkeys, NULL);
	vec_init(&pr->seen, sizeof(uint32_t));
	vec_init(&pr->gname_count, sizeof(uint32_t));
	vec_init(&pr->gkey_count, sizeof(uint32_t));
	vec_init(&pr->ordinal, sizeof(uint32_t));
	vec_init(&pr->name_items, sizeof(uint32_t));
	vec_init(&pr->key_items, sizeof(uint32_t));
	vec_init(&pr->inst_items, sizeof(uint32_t));
	vec_init(&pr->gname_items, sizeof(uint32_t));
	vec_init(&pr->gkey_items, sizeof(uint32_t));
	return pr;
}

static void
push_u32(Vec *v, uint32_t x)
{
	*(uint32_t *) vec_push(v) = x;
}

/* n more live Items at an institution (its id's bytes), for the classes. */
static void
count_institution(PartitionRun *pr, const char *inst, size_t len, uint32_t n)
{
	bool		is_new;
	uint32_t	id = keys_intern(&pr->insts, inst, len, &is_new);

	if (is_new)
		push_u32(&pr->inst_live, 0);
	VEC_AT(&pr->inst_live, uint32_t, id) += n;
}

static void census_take(void *arg, const SourceRow *row, RejectReason reason,
						const char *detail, const PayloadItem *p, const InstitutionMap *map,
						uint32_t ordinal);

/*
 * One pass's read into ps (initialised here), in the open transaction: of
 * class k, or (census) of every row, those whose item_id has no other row
 * handed to census_take.
 */
static bool
pass_read(PartitionRun *pr, uint32_t k, bool census, Pass *ps, char *err, size_t errlen)
{
	LoadOptions lo = pr->lo;
	bool		ok;

	memset(ps, 0, sizeof(*ps));
	keys_dataset_init(&ps->ds, pr->hash);
	vec_init(&ps->rejects, sizeof(RejectRow));
	vec_init(&ps->foreign, sizeof(uint8_t));
	vec_init(&ps->ordinal, sizeof(uint32_t));
	if (db_interrupted())
	{
		snprintf(err, errlen, "interrupted by a signal between the passes of --partitions");
		return false;
	}
	lo.tx = LOAD_TX_IN;
	lo.partitions = census ? 1 : pr->n;
	lo.partition = k;
	lo.take = census ? census_take : NULL;
	lo.take_arg = pr;
	lo.multi = &pr->multi;
	lo.foreign = &ps->foreign;
	lo.ordinal = &ps->ordinal;
	ok = loader_read(pr->src, &lo, &ps->ds, &ps->rejects, &ps->st, err, errlen);
	pr->in_tx = ok;				/* a failed read rolled the transaction back */
	if (ps->ds.items.len > pr->max_items)
		pr->max_items = ps->ds.items.len;
	log_debug("--partitions: class %u of %u read (%" PRId64 " rows of the class)", k + 1, pr->n,
			  ps->st.items_read);
	return ok;
}

static void
pass_free(Pass *ps)
{
	keys_dataset_free(&ps->ds);
	vec_free(&ps->rejects);
	vec_free(&ps->foreign);
	vec_free(&ps->ordinal);
}

/* The index of row number ord in v[0..n), ascending row numbers. */
static uint32_t
index_of(const uint32_t *v, size_t n, uint32_t ord)
{
	size_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (v[mid] < ord)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t) lo;
}

/* A pass's Item index of a row number it holds. */
static uint32_t
pass_index(const Pass *ps, uint32_t ord)
{
	return index_of(ps->ordinal.data, ps->ordinal.len, ord);
}

/* The id of (global gnames id, mask) in pr->gkeys; add: intern it (count 0). */
static uint32_t
gkey_id(PartitionRun *pr, uint32_t gname, const char *mask, bool add)
{
	unsigned char buf[4 + sizeof(((KeyInfo *) 0)->mask)];
	size_t		mlen = strnlen(mask, sizeof(buf) - 4);
	bool		is_new = false;
	uint32_t	id;

	memcpy(buf, &gname, 4);
	memcpy(buf + 4, mask, mlen);
	if (!add)
		return keys_lookup(&pr->gkeys, buf, 4 + mlen);
	id = keys_intern(&pr->gkeys, buf, 4 + mlen, &is_new);
	if (is_new)
		push_u32(&pr->gkey_count, 0);
	return id;
}

/* The census of one class: its Items per name and per (name, mask) added to pr's. */
static void
census_counts(PartitionRun *pr, Dataset *ds)
{
	unsigned char buf[IDKEY_MAX];
	KeyStats	st;
	uint32_t   *gid;
	uint8_t    *seen;

	keys_dataset_finish(ds);	/* the cross-institution ids, first */
	gid = xmalloc((ds->gnames.n + 1) * sizeof(uint32_t));
	seen = xcalloc(ds->gkeys.n + 1, 1);
	keys_stats_compute(ds, &st);
	for (size_t i = 0; i < ds->institutions.n; i++)
		if (st.institution_items[i] > 0)
			count_institution(pr, ds->institutions.bytes[i], ds->institutions.lens[i],
							  st.institution_items[i]);
	for (size_t g = 0; g < ds->gnames.n; g++)
	{
		bool		is_new;
		size_t		len;
		const void *bytes = keys_gname_bytes(ds, (uint32_t) g, buf, &len);

		gid[g] = keys_intern(&pr->gnames, bytes, len, &is_new);
		if (is_new)
			push_u32(&pr->gname_count, 0);
		VEC_AT(&pr->gname_count, uint32_t, gid[g]) += st.gname_items[g];
	}
	for (size_t k = 0; k < ds->key_info.len; k++)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);
		uint32_t	g = VEC_AT(&ds->name_info, NameInfo, ki->name).gname;
		uint32_t	gk = keys_key_gkey(ds, (uint32_t) k);
		uint32_t	id;

		if (seen[gk])
			continue;
		seen[gk] = 1;
		id = gkey_id(pr, gid[g], ki->mask, true);	/* may grow gkey_count */
		VEC_AT(&pr->gkey_count, uint32_t, id) += st.gkey_items[gk];
	}
	free(gid);
	free(seen);
	keys_stats_free(&st);
}

/* The census's counts for a pass's gnames and gkeys ids (ds not sealed yet). */
static void
census_lookup(PartitionRun *pr, Dataset *ds, uint32_t **gname_items, uint32_t **gkey_items)
{
	unsigned char buf[IDKEY_MAX];
	uint32_t   *gid,
			   *gn,
			   *gk;

	keys_dataset_finish(ds);	/* the cross-institution ids, first */
	gid = xmalloc((ds->gnames.n + 1) * sizeof(uint32_t));
	gn = xcalloc(ds->gnames.n + 1, sizeof(uint32_t));
	gk = xcalloc(ds->gkeys.n + 1, sizeof(uint32_t));

	for (size_t g = 0; g < ds->gnames.n; g++)
	{
		size_t		len;
		const void *bytes = keys_gname_bytes(ds, (uint32_t) g, buf, &len);

		gid[g] = keys_lookup(&pr->gnames, bytes, len);
		if (gid[g] != KEY_NONE)
			gn[g] = VEC_AT(&pr->gname_count, uint32_t, gid[g]);
	}
	for (size_t k = 0; k < ds->key_info.len; k++)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);
		uint32_t	g = gid[VEC_AT(&ds->name_info, NameInfo, ki->name).gname];
		uint32_t	id = g == KEY_NONE ? KEY_NONE : gkey_id(pr, g, ki->mask, false);

		if (id != KEY_NONE)
			gk[keys_key_gkey(ds, (uint32_t) k)] = VEC_AT(&pr->gkey_count, uint32_t, id);
	}
	free(gid);
	*gname_items = gn;
	*gkey_items = gk;
}

/* out's id of a pass institution (interned by its text), with its Item count. */
static uint32_t
out_institution(PartitionRun *pr, const Dataset *ds, const KeyStats *st, uint32_t inst)
{
	bool		is_new;
	uint32_t	id;

	if (inst == KEY_NONE)
		return KEY_NONE;
	id = keys_intern(&pr->out->institutions, ds->institutions.bytes[inst],
					 ds->institutions.lens[inst], &is_new);
	if (is_new)
		push_u32(&pr->inst_items, st->institution_items[inst]);
	return id;
}

/* out's id of a pass name (with its NameInfo and counts), made on first use. */
static uint32_t
out_name(PartitionRun *pr, const Dataset *ds, const KeyStats *st, KeyMaps *km, uint32_t name)
{
	const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, name);
	NameInfo	o;

	if (km->name[name] != KEY_NONE)
		return km->name[name];
	o.name = arena_strndup(&pr->out->arena, ni->name, strlen(ni->name));
	o.institution = out_institution(pr, ds, st, ni->institution);
	o.env = ni->env;
	if (km->gname[ni->gname] == KEY_NONE)
	{
		km->gname[ni->gname] = (uint32_t) pr->gname_items.len;
		push_u32(&pr->gname_items, st->gname_items[ni->gname]);
	}
	o.gname = km->gname[ni->gname];
	*(NameInfo *) vec_push(&pr->out->name_info) = o;
	push_u32(&pr->name_items, st->name_items[name]);
	return km->name[name] = (uint32_t) pr->out->name_info.len - 1;
}

/* out's id of a pass account key, with its KeyInfo and counts. */
static uint32_t
out_key(PartitionRun *pr, const Dataset *ds, const KeyStats *st, KeyMaps *km, uint32_t key)
{
	const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, key);
	uint32_t	gk = keys_key_gkey(ds, key);
	KeyInfo		o;

	o.name = out_name(pr, ds, st, km, ki->name);
	if (km->gkey[gk] == KEY_NONE)
	{
		km->gkey[gk] = (uint32_t) pr->gkey_items.len;
		push_u32(&pr->gkey_items, st->gkey_items[gk]);
	}
	push_u32(&pr->out->key_gkey, km->gkey[gk]);
	memcpy(o.mask, ki->mask, sizeof(o.mask));
	*(KeyInfo *) vec_push(&pr->out->key_info) = o;
	push_u32(&pr->key_items, st->key_items[key]);
	return (uint32_t) pr->out->key_info.len - 1;
}

static uint32_t *
none_array(size_t n)
{
	uint32_t   *v = xmalloc((n + 1) * sizeof(uint32_t));

	memset(v, 0xff, (n + 1) * sizeof(uint32_t));
	return v;
}

/*
 * The maps of the keys the kept Items carry, in ascending pass order, so a
 * pair's shared keys stay ascending in out (match_pair_shares_account).
 */
static void
build_maps(PartitionRun *pr, const Dataset *ds, const KeyStats *st, const uint8_t *keep,
		   KeyMaps *km)
{
	km->key = none_array(ds->keys.n);
	km->pkey = none_array(ds->pkeys.n);
	km->name = none_array(ds->names.n);
	km->gname = none_array(ds->gnames.n);
	km->gkey = none_array(ds->gkeys.n);
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		for (uint32_t k = 0; keep[i] && k < it->n_accounts; k++)
		{
			const Account a = keys_account(ds, it->first_account + k);

			if (a.key != KEY_NONE)
				km->key[a.key] = 0;
			if (a.pkey != KEY_NONE)
				km->pkey[a.pkey] = 0;
		}
	}
	for (size_t k = 0; k < ds->keys.n; k++)
		if (km->key[k] != KEY_NONE)
			km->key[k] = out_key(pr, ds, st, km, (uint32_t) k);
	for (size_t k = 0; k < ds->pkeys.n; k++)
		if (km->pkey[k] != KEY_NONE)
			km->pkey[k] = pr->n_pkeys++;
}

static void
free_maps(KeyMaps *km)
{
	free(km->key);
	free(km->pkey);
	free(km->name);
	free(km->gname);
	free(km->gkey);
}

/* Item i of a pass into out (accounts through km; NULL: it has none); its out index. */
static uint32_t
copy_item(PartitionRun *pr, const Pass *ps, const KeyStats *st, uint32_t i, const KeyMaps *km)
{
	const Dataset *ds = &ps->ds;
	Dataset    *out = pr->out;
	const Item *src = DS_ITEM(ds, i);
	Item	   *it = vec_push(&out->items);

	*it = *src;
	if (src->item_id)
	{
		const char *owner = keys_item_owner(src);

		keys_item_set_text(&out->arena, it, src->item_id, strlen(src->item_id), owner,
						   owner ? strlen(owner) : 0);
	}
	it->institution = st ? out_institution(pr, ds, st, src->institution) : KEY_NONE;
	it->first_account = (uint32_t) out->accounts.len;
	for (uint32_t k = 0; km != NULL && k < src->n_accounts; k++)
	{
		Account		a = keys_account(ds, src->first_account + k);

		a.key = a.key == KEY_NONE ? KEY_NONE : km->key[a.key];
		a.pkey = a.pkey == KEY_NONE ? KEY_NONE : km->pkey[a.pkey];
		keys_push_account(out, &a);
	}
	push_u32(&pr->ordinal, VEC_AT(&ps->ordinal, uint32_t, i));
	return (uint32_t) out->items.len - 1;
}

/* The live rejects of a class: their Items into out, their rows into the run's. */
static void
census_rejects(PartitionRun *pr, const Pass *ps)
{
	for (size_t i = 0; i < ps->rejects.len; i++)
	{
		const RejectRow *r = &VEC_AT(&ps->rejects, RejectRow, i);
		RejectRow	o;

		if (DS_ITEM(&ps->ds, r->item)->superseded)
			continue;			/* publish keeps only the winners' rejects */
		o.item = copy_item(pr, ps, NULL, r->item, NULL);
		o.reason = r->reason;
		o.detail = arena_strndup(&pr->out->arena, r->detail, strlen(r->detail));
		*(RejectRow *) vec_push(pr->rejects) = o;
	}
}

/* Whether id is in seen[from..], else add it there. */
static bool
seen_before(Vec *seen, size_t from, uint32_t id)
{
	for (size_t i = from; i < seen->len; i++)
		if (VEC_AT(seen, uint32_t, i) == id)
			return true;
	push_u32(seen, id);
	return false;
}

/*
 * A live Item's accounts as keys_add_item and keys_stats_compute see them:
 * each one's unkeyable reason (no institution: no_institution), and once per
 * Item each (environment, name) and (name, mask) of its keyable accounts.
 */
static void
census_live(PartitionRun *pr, const SourceRow *row, const PayloadItem *p,
			const InstitutionMap *map)
{
	char		ibuf[KEYS_INSTITUTION_BUF];
	unsigned char nbuf[1 + NORMALIZE_NAME_MAX + 1];
	size_t		ilen = 0;
	const char *itext = keys_institution_text(row, p, map, ibuf, &ilen);
	bool		inst = itext != NULL;
	Environment env = ENV_PRODUCTION;
	size_t		gkeys_from;

	(void) keys_parse_environment(row->environment, row->environment_len, &env);
	if (inst)
		count_institution(pr, itext, ilen, 1);
	pr->seen.len = 0;
	for (int pass = 0; pass < 2; pass++)
	{
		gkeys_from = pr->seen.len;
		for (uint32_t i = 0; i < p->n_accounts; i++)
		{
			const PayloadAccount *a = &p->accounts[i];
			uint8_t		u = !inst && a->unkeyable == UNK_NONE ? UNK_NO_INSTITUTION : a->unkeyable;
			bool		is_new;
			uint32_t	g;

			if (pass == 0)
				pr->out->unkeyable[u]++;
			if (u != UNK_NONE)
				continue;
			nbuf[0] = (unsigned char) env;
			memcpy(nbuf + 1, a->name, a->name_len);
			g = keys_intern(&pr->gnames, nbuf, 1 + (size_t) a->name_len, &is_new);
			if (is_new)
				push_u32(&pr->gname_count, 0);
			if (pass == 0 && !seen_before(&pr->seen, 0, g))
				VEC_AT(&pr->gname_count, uint32_t, g)++;
			if (pass == 1)
			{
				uint32_t	k = gkey_id(pr, g, a->mask, true);

				if (!seen_before(&pr->seen, gkeys_from, k))
					VEC_AT(&pr->gkey_count, uint32_t, k)++;
			}
		}
	}
}

/* A live reject the census was handed: its Item (no accounts) into out, its row into the run's. */
static void
census_reject(PartitionRun *pr, const SourceRow *row, RejectReason reason, const char *detail,
			  uint32_t ordinal)
{
	Dataset    *out = pr->out;
	Item	   *it = vec_push(&out->items);
	Environment env = ENV_PRODUCTION;
	RejectRow	r;

	(void) keys_parse_environment(row->environment, row->environment_len, &env);
	memset(it, 0, sizeof(*it));
	if (row->item_id)
		keys_item_set_text(&out->arena, it, row->item_id, row->item_id_len, row->owner_id,
						   row->owner_id_len);
	it->created_at = row->created_at;
	it->institution = KEY_NONE;
	it->first_account = (uint32_t) out->accounts.len;
	it->env = (uint8_t) env;
	it->reject = (uint8_t) reason;
	push_u32(&pr->ordinal, ordinal);
	r.item = (uint32_t) out->items.len - 1;
	r.reason = (uint8_t) reason;
	r.detail = arena_strndup(&out->arena, detail, strlen(detail));
	*(RejectRow *) vec_push(pr->rejects) = r;
}

/* LoadTakeFn of the census: a row whose item_id has no other row, so its own winner. */
static void
census_take(void *arg, const SourceRow *row, RejectReason reason, const char *detail,
			const PayloadItem *p, const InstitutionMap *map, uint32_t ordinal)
{
	PartitionRun *pr = arg;

	if (row->removed)
		pr->taken.items_removed++;
	else if (reason != REJECT_NONE)
	{
		pr->taken.items_rejected++;
		census_reject(pr, row, reason, detail, ordinal);
	}
	else
	{
		pr->taken.items_used++;
		pr->taken.accounts_read += p->n_accounts;
		census_live(pr, row, p, map);
	}
}

/* A pass's read counts into the run's: summed, or the same in every pass. */
static void
add_stats(LoadStats *st, const LoadStats *ps)
{
	st->items_read += ps->items_read;
	st->items_removed += ps->items_removed;
	st->items_superseded += ps->items_superseded;
	st->items_rejected += ps->items_rejected;
	st->items_used += ps->items_used;
	st->accounts_read += ps->accounts_read;
	/* every pass parses every row */
	st->payload_bytes = ps->payload_bytes;
	st->items_flat = ps->items_flat;
	st->snapshot_at = ps->snapshot_at;
	st->flat = ps->flat;
	memcpy(st->source_quoted, ps->source_quoted, sizeof(st->source_quoted));
}

/* The read transaction and, in it, the item_ids with several rows; false with err. */
static bool
census_begin(PartitionRun *pr, char *err, size_t errlen)
{
	if (!db_exec(pr->src, sql_query("begin_snapshot")))
	{
		snprintf(err, errlen, "could not begin the read transaction: %s",
				 db_last_error(pr->src));
		return false;
	}
	pr->in_tx = true;
	return loader_multi_snapshots(pr->src, &pr->lo, &pr->multi, err, errlen);
}

typedef struct InstLoad
{
	uint32_t	items;
	uint32_t	id;
} InstLoad;

/* The most live Items first, then the first seen. */
static int
cmp_inst_load(const void *x, const void *y)
{
	const InstLoad *a = x;
	const InstLoad *b = y;

	if (a->items != b->items)
		return a->items > b->items ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/*
 * The classes, balanced by the census's live Items per institution: the
 * largest institution first, each into the class that holds the fewest
 * Items so far (the lowest class on a tie), so no class holds much more
 * than its share unless one institution alone does.  Made once, after the
 * census, and used by every pass, so a row's class is the same in each;
 * equal counts go by the census's order of first sight, so two runs may
 * split alike-sized institutions differently (the results never depend on
 * the split).
 */
static void
assign_classes(PartitionRun *pr)
{
	size_t		n = pr->insts.n;
	InstLoad   *order = xmalloc((n + 1) * sizeof(InstLoad));
	uint64_t   *load = xcalloc(pr->n, sizeof(uint64_t));
	uint64_t	total = 0,
				most = 0;

	pr->inst_class = xmalloc((n + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		order[i] = (InstLoad) {VEC_AT(&pr->inst_live, uint32_t, i), (uint32_t) i};
	qsort(order, n, sizeof(InstLoad), cmp_inst_load);
	for (size_t i = 0; i < n; i++)
	{
		uint32_t	c = 0;

		for (uint32_t k = 1; k < pr->n; k++)
			if (load[k] < load[c])
				c = k;
		pr->inst_class[order[i].id] = c;
		load[c] += order[i].items;
		total += order[i].items;
	}
	for (uint32_t k = 0; k < pr->n; k++)
		most = load[k] > most ? load[k] : most;
	log_info("--partitions %u: %zu institutions in classes balanced by their live Items; the "
			 "largest class holds %" PRIu64 " of %" PRIu64, pr->n, n, most, total);
	pr->lo.classes = &pr->insts;
	pr->lo.class_of = pr->inst_class;
	free(order);
	free(load);
}

/*
 * The census: one read of every row.  A row whose item_id has no other row
 * is its own winner: census_take counts it as it arrives.  The others are
 * kept as Items, the snapshot rule decides them, and their winners are
 * counted alike after the read.
 */
bool
partition_census(PartitionRun *pr, char *err, size_t errlen)
{
	Pass		ps;
	bool		ok;

	if (!census_begin(pr, err, errlen))
		return false;
	ok = pass_read(pr, 0, true, &ps, err, errlen);
	if (ok)
	{
		census_counts(pr, &ps.ds);
		census_rejects(pr, &ps);
		keys_count_unkeyable(&ps.ds);
		for (int u = 0; u < UNK_COUNT; u++)
			pr->out->unkeyable[u] += ps.ds.unkeyable[u];
		add_stats(pr->st, &ps.st);
		pr->st->items_removed += pr->taken.items_removed;
		pr->st->items_rejected += pr->taken.items_rejected;
		pr->st->items_used += pr->taken.items_used;
		pr->st->accounts_read += pr->taken.accounts_read;
		assign_classes(pr);
	}
	pass_free(&ps);
	return ok;
}

/* The shared keys of a pass's pair p in out's ids, appended to m->shared. */
static void
map_shared(MatchResult *m, const MatchResult *pm, const Pair *p, const KeyMaps *km)
{
	const uint32_t *sh = (const uint32_t *) pm->shared.data + p->first_shared;

	for (uint32_t k = 0; k < (uint32_t) p->n_shared + p->n_shared_p; k++)
		push_u32(&m->shared, k < p->n_shared ? km->key[sh[k]] : km->pkey[sh[k]]);
}

/*
 * One class's matches into out and m: the Items of its pairs and near
 * misses, their keys, the pairs; its near misses offered again to the run's
 * sampler under the pass's Item indices (one pass's), so the sample is one
 * pass's; the score bins and counters added.
 */
static void
merge_pass(PartitionRun *pr, const Pass *ps, const MatchResult *pm, MatchResult *m)
{
	const Dataset *ds = &ps->ds;
	size_t		n = ds->items.len;
	uint8_t    *keep = xcalloc(n + 1, 1);
	uint32_t   *at = none_array(n);
	KeyMaps		km;

	for (size_t i = 0; i < pm->pairs.len; i++)
		keep[VEC_AT(&pm->pairs, Pair, i).a] = keep[VEC_AT(&pm->pairs, Pair, i).b] = 1;
	/* the near misses' a and b are row numbers (match_find_pairs_counted) */
	for (size_t i = 0; i < pm->near.len; i++)
		keep[pass_index(ps, VEC_AT(&pm->near, Pair, i).a)] =
			keep[pass_index(ps, VEC_AT(&pm->near, Pair, i).b)] = 1;
	build_maps(pr, ds, &pm->stats, keep, &km);
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			at[i] = copy_item(pr, ps, &pm->stats, (uint32_t) i, &km);
	for (size_t i = 0; i < pm->pairs.len; i++)
	{
		const Pair *p = &VEC_AT(&pm->pairs, Pair, i);
		Pair	   *o = vec_push(&m->pairs);

		*o = *p;
		o->a = at[p->a];
		o->b = at[p->b];
		o->first_shared = (uint32_t) m->shared.len;
		map_shared(m, pm, p, &km);
	}
	for (size_t i = 0; i < pm->near.len; i++)
	{
		const Pair *p = &VEC_AT(&pm->near, Pair, i);
		size_t		first = m->shared.len;

		map_shared(m, pm, p, &km);
		near_sampler_offer(pr->near, p->a, p->b, p->score, (uint32_t *) m->shared.data + first,
						   p->n_shared, p->n_shared_p);
		m->shared.len = first;	/* the sampler copied the keys it keeps */
	}
	for (int b = 0; b < MATCH_NBINS; b++)
		m->score_bins[b] += pm->score_bins[b];
	m->candidate_pairs += pm->candidate_pairs;
	m->scored_pairs += pm->scored_pairs;
	m->hot_keys += pm->hot_keys;
	pr->live_items += pm->stats.live_items;
	free_maps(&km);
	free(keep);
	free(at);
}

/* One class keyed with the census's counts, matched and merged; false with err. */
static bool
match_pass(PartitionRun *pr, uint32_t k, const MatchOptions *mo, MatchResult *m,
		   char *err, size_t errlen)
{
	Pass		ps;
	MatchResult pm;
	MatchOptions po = *mo;
	uint32_t   *gn = NULL,
			   *gk = NULL;
	bool		ok = pass_read(pr, k, false, &ps, err, errlen);

	if (ok)
	{
		census_lookup(pr, &ps.ds, &gn, &gk);
		keys_dataset_seal(&ps.ds);
		po.max_pairs = mo->max_pairs - m->candidate_pairs;	/* the cap is the run's */
		ok = match_find_pairs_counted(&ps.ds, &po, gn, gk, ps.ordinal.data, NULL, NULL, &pm,
									  err, errlen);
		if (!ok && !db_interrupted() && strstr(err, "--max-pairs") != NULL)
			snprintf(err, errlen, "more than --max-pairs %" PRIu64 " candidate pairs "
					 "(raise --max-pairs or lower --hot-key-cap)", mo->max_pairs);
		if (ok && pr->on_pass != NULL)
			ok = pr->on_pass(pr->on_pass_arg, &ps.ds, &pm.stats, err, errlen);
		if (ok)
			merge_pass(pr, &ps, &pm, m);
		match_result_free(&pm);
	}
	free(gn);
	free(gk);
	pass_free(&ps);
	return ok;
}

typedef struct OrdIdx
{
	uint32_t	ord;
	uint32_t	idx;
} OrdIdx;

static int
cmp_ord(const void *x, const void *y)
{
	uint32_t	a = ((const OrdIdx *) x)->ord;
	uint32_t	b = ((const OrdIdx *) y)->ord;

	return (a > b) - (a < b);
}

/* The near-miss sample of every class, as one pass takes it, into m over out's indices. */
static void
take_near(PartitionRun *pr, MatchResult *m, const uint32_t *ords, size_t n)
{
	const NearCand *all;
	int			count = near_sampler_take(pr->near, &all);

	for (int k = 0; k < count; k++)
	{
		Pair	   *p = vec_push(&m->near);

		p->a = index_of(ords, n, (uint32_t) (all[k].pair >> 32));
		p->b = index_of(ords, n, (uint32_t) all[k].pair);
		p->score = all[k].score;
		p->first_shared = (uint32_t) m->shared.len;
		p->n_shared = (uint16_t) (all[k].n_acc > UINT16_MAX ? UINT16_MAX : all[k].n_acc);
		p->n_shared_p = (uint16_t) (all[k].n_p > UINT16_MAX ? UINT16_MAX : all[k].n_p);
		for (uint32_t j = 0; j < p->n_shared; j++)
			push_u32(&m->shared, all[k].keys[j]);
		for (uint32_t j = 0; j < p->n_shared_p; j++)
			push_u32(&m->shared, all[k].keys[all[k].n_acc + j]);
		*(uint8_t *) vec_push(&m->near_how) = all[k].how;
	}
}

/* A Vec's array handed over (the Vec left empty). */
static uint32_t *
take_array(Vec *v)
{
	uint32_t   *a = v->data ? v->data : xcalloc(1, sizeof(uint32_t));

	vec_init(v, sizeof(uint32_t));
	return a;
}

/*
 * out's Items in one pass's order (by their pass index), the pairs' and
 * rejects' indices after them, the near-miss sample taken, the counts.
 */
static void
finish(PartitionRun *pr, MatchResult *m)
{
	Dataset    *out = pr->out;
	size_t		n = out->items.len;
	OrdIdx	   *sorted = xmalloc((n + 1) * sizeof(OrdIdx));
	uint32_t   *pos = xmalloc((n + 1) * sizeof(uint32_t));
	Item	   *items = xmalloc((n + 1) * sizeof(Item));

	for (size_t i = 0; i < n; i++)
		sorted[i] = (OrdIdx) {VEC_AT(&pr->ordinal, uint32_t, i), (uint32_t) i};
	qsort(sorted, n, sizeof(OrdIdx), cmp_ord);
	for (size_t j = 0; j < n; j++)
	{
		pos[sorted[j].idx] = (uint32_t) j;
		items[j] = *DS_ITEM(out, sorted[j].idx);
		VEC_AT(&pr->ordinal, uint32_t, j) = sorted[j].ord;
	}
	memcpy(out->items.data, items, n * sizeof(Item));
	for (size_t i = 0; i < m->pairs.len; i++)
	{
		Pair	   *p = &VEC_AT(&m->pairs, Pair, i);

		p->a = pos[p->a];
		p->b = pos[p->b];
	}
	for (size_t i = 0; i < pr->rejects->len; i++)
		VEC_AT(pr->rejects, RejectRow, i).item = pos[VEC_AT(pr->rejects, RejectRow, i).item];
	take_near(pr, m, pr->ordinal.data, n);
	m->stats.name_items = take_array(&pr->name_items);
	m->stats.key_items = take_array(&pr->key_items);
	m->stats.institution_items = take_array(&pr->inst_items);
	m->stats.gname_items = take_array(&pr->gname_items);
	m->stats.gkey_items = take_array(&pr->gkey_items);
	m->stats.live_items = pr->live_items;
	free(sorted);
	free(pos);
	free(items);
}

bool
partition_match(PartitionRun *pr, const MatchOptions *mo, MatchResult *m, char *err,
				size_t errlen)
{
	memset(m, 0, sizeof(*m));
	vec_init(&m->pairs, sizeof(Pair));
	vec_init(&m->shared, sizeof(uint32_t));
	vec_init(&m->near, sizeof(Pair));
	vec_init(&m->near_how, sizeof(uint8_t));
	pr->near = near_sampler_new();
	for (uint32_t k = 0; k < pr->n; k++)
		if (!match_pass(pr, k, mo, m, err, errlen))
			return false;
	finish(pr, m);
	pr->in_tx = false;
	if (!db_exec(pr->src, sql_query("commit")))
	{
		snprintf(err, errlen, "could not end the read transaction: %s", db_last_error(pr->src));
		return false;
	}
	return true;
}

void
partition_on_pass(PartitionRun *pr, PartitionPassFn fn, void *arg)
{
	pr->on_pass = fn;
	pr->on_pass_arg = arg;
}

size_t
partition_max_items(const PartitionRun *pr)
{
	return pr->max_items;
}

void
partition_end(PartitionRun *pr)
{
	if (pr == NULL)
		return;
	if (pr->in_tx && !db_exec(pr->src, sql_query("rollback")))
		log_debug("rollback of the partitioned read failed too: %s", db_last_error(pr->src));
	keys_interner_free(&pr->multi);
	keys_interner_free(&pr->insts);
	vec_free(&pr->inst_live);
	free(pr->inst_class);
	keys_interner_free(&pr->gnames);
	keys_interner_free(&pr->gkeys);
	vec_free(&pr->seen);
	vec_free(&pr->gname_count);
	vec_free(&pr->gkey_count);
	vec_free(&pr->ordinal);
	vec_free(&pr->name_items);
	vec_free(&pr->key_items);
	vec_free(&pr->inst_items);
	vec_free(&pr->gname_items);
	vec_free(&pr->gkey_items);
	if (pr->near != NULL)
		near_sampler_free(pr->near);
	free(pr);
}
