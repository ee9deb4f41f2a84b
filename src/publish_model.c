/*
 * publish_model.c — the run's model into itemdup.model_* (sql/006, packed
 * since sql/009; docs/MATCHING.md "The published model"), by a thread on a
 * connection of its own (else inline, in the publishing transaction): keys,
 * names and Items packed many to a bytea row (model_pack.h), COPYed in
 * binary format; for a run in passes, merged from the passes' spilled
 * models (model_spill.h).
 */
#include "publish.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "model_pack.h"
#include "model_spill.h"
#include "sql_query.h"

/*
 * The COPY statement query (a model_*.sql with placeholders) into the
 * partition of the model's generation, FREEZE when the transaction
 * truncated it (sql/queries/README.md): malloc'd.
 */
static char *
target_copy(const ModelInput *in, const char *query)
{
	char	   *a = sql_query_gen(query, in->gen);
	StrBuf		b;

	sb_init(&b);
	sb_replace(&b, a, ":freeze", in->freeze ? ", FREEZE" : "");
	free(a);
	return b.data;
}

/* publish_copy_flush, or false (the COPY abandoned) once the run has stopped the writer. */
static bool
model_flush(const ModelInput *in, DbConn *c, StrBuf *buf, bool final)
{
	if (atomic_load(in->stop))
	{
		db_copy_in_abort(c, "itemdup: the run failed");
		return false;
	}
	return publish_copy_flush(c, buf, final);
}

/* model_runs: the model version, threshold, cap, parameters and snapshot time. */
static bool
copy_meta(DbConn *c, const ModelInput *in, uint64_t live_items, const unsigned bits[2],
		  StrBuf *buf)
{
	const MatchModel *m = &match_default_model;

	if (!db_copy_in_begin(c, sql_query("model_runs")))
		return false;
	sb_printf(buf, "%" PRId64 "\t%s\t%.17g\t%u\t", in->run_id, SCORE_MODEL_NAME,
			  in->threshold, in->hot_key_cap);
	copyfmt_timestamp(buf, in->snapshot_at);
	sb_printf(buf, "\t%" PRIu64 "\t{\"dup_rate\": %.17g, \"m_account\": %.17g, "
			  "\"m_persistent\": %.17g, \"joint_rate\": %.17g, \"m_same_owner\": %.17g, "
			  "\"owner_rate\": %.17g, \"w_other_owner\": %.17g, \"w_unmatched_both\": %.17g, "
			  "\"w_unmatched_one\": %.17g, \"w_identical\": %.17g}",
			  live_items, m->dup_rate, m->m_account, m->m_persistent,
			  m->joint_rate, m->m_same_owner, m->owner_rate, m->w_other_owner,
			  m->w_unmatched_both, m->w_unmatched_one, m->w_identical);
	/* the layout of the packed rows (model_pack.h) */
	sb_printf(buf, "\t%d\t%u\t%u\t%d\t%d\n", MODEL_FORMAT, bits[0], bits[1], MODEL_ITEM_PAGE_BITS,
			  in->gen);
	return model_flush(in, c, buf, true) && db_copy_in_end(c);
}

/* model_institutions: live Items per institution id (N), the run's or the passes'. */
static bool
copy_institutions(DbConn *c, const ModelInput *in, StrBuf *buf)
{
	const Dataset *ds = in->ds;
	size_t		n = in->spill ? model_spill_institutions(in->spill) : ds->institutions.n;

	if (!db_copy_in_begin(c, sql_query("model_institutions")))
		return false;
	for (size_t i = 0; i < n; i++)
	{
		const char *inst;
		size_t		len;
		uint32_t	items;

		if (in->spill)
			inst = model_spill_institution_at(in->spill, (uint32_t) i, &len, &items);
		else
		{
			inst = ds->institutions.bytes[i];
			len = ds->institutions.lens[i];
			items = in->stats->institution_items[i];
		}
		if (items == 0)
			continue;
		sb_printf(buf, "%" PRId64 "\t", in->run_id);
		copyfmt_field(buf, inst, len);
		sb_printf(buf, "\t%u\n", items);
		if (!model_flush(in, c, buf, false))
			return false;
	}
	return model_flush(in, c, buf, true) && db_copy_in_end(c);
}

/* One packed row, (run_id, bucket, first_no, blob) in binary COPY form, then blob emptied. */
static void
put_bucket_row(StrBuf *buf, int64_t run_id, uint32_t bucket, uint32_t first_no, StrBuf *blob)
{
	copyfmt_bin_row(buf, 4);
	copyfmt_bin_int8(buf, run_id);
	copyfmt_bin_int4(buf, (int32_t) bucket);
	copyfmt_bin_int4(buf, (int32_t) first_no);
	copyfmt_bin_bytes(buf, blob->data, blob->len);
	sb_reset(blob);
}

/*
 * One key (a ref of ix) packed onto blob: an account key by its name's
 * name_no and its mask, a persistent id by its text; its counts and Items
 * (none when hot).
 */
static void
pack_key(StrBuf *blob, const ModelInput *in, const ModelIndex *ix, const uint32_t *name_no,
		 uint32_t k)
{
	const Dataset *ds = in->ds;
	const KeyStats *st = in->stats;
	uint32_t	n = model_key_count(ix, k);
	const uint32_t *items = ix->key_item_nos + ix->key_offsets[k];
	bool		hot = n > in->hot_key_cap;

	if (k < ix->n_keys)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);

		model_pack_account_key(blob, name_no[ki->name], ki->mask, st->key_items[k],
							   st->gkey_items[keys_key_gkey(ds, k)], hot, items, n);
	}
	else
	{
		int			env;
		const char *inst;
		const char *pid;
		char		buf[KEYS_PKEY_TEXT];

		model_pkey_parts(ds, k - ix->n_keys, &env, &inst, &pid, buf);
		model_pack_persistent_key(blob, (uint8_t) env, inst, pid, n, hot, items, n);
	}
}

/*
 * Keys are packed in hash order, which is random in memory: fetch what
 * pack_key will read a few keys ahead, one level of pointers per distance
 * (the run's arrays are far larger than the caches).  Inlined: GCC finds a
 * function of prefetches alone free of side effects and drops the call.
 */
static inline __attribute__((always_inline)) void
prefetch_key(const ModelInput *in, const ModelIndex *ix, const uint32_t *name_no, uint32_t no)
{
	const Dataset *ds = in->ds;
	const KeyStats *st = in->stats;
	uint32_t	k;

	if (no + 16 < ix->n_numbered)
	{
		k = ix->ref_of_no[no + 16];
		__builtin_prefetch(&ix->key_offsets[k]);
		if (k < ix->n_keys)
		{
			__builtin_prefetch(&VEC_AT(&ds->key_info, KeyInfo, k));
			__builtin_prefetch(&st->key_items[k]);
			__builtin_prefetch(&VEC_AT(&ds->key_gkey, uint32_t, k));
		}
		else
			__builtin_prefetch(&ds->pkeys.bytes[k - ix->n_keys]);
	}
	if (no + 8 < ix->n_numbered)
	{
		k = ix->ref_of_no[no + 8];
		__builtin_prefetch(ix->key_item_nos + ix->key_offsets[k]);
		if (k < ix->n_keys)
		{
			const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);

			__builtin_prefetch(&name_no[ki->name]);
			__builtin_prefetch(&st->gkey_items[keys_key_gkey(ds, k)]);
		}
		else
			__builtin_prefetch(ds->pkeys.bytes[k - ix->n_keys]);
	}
}

/*
 * What copy_buckets writes: n entries in hash order; entry i's bucket
 * (model_bucket of its hash with bits), and entry i packed onto a bucket's
 * blob, asked for in that order (i from 0): a source may be a stream (a
 * merge of spilled passes), which can fail.
 */
typedef struct BucketSource
{
	const char *query;			/* its COPY, before target_copy */
	size_t		n;
	bool		(*bucket) (void *ctx, size_t i, unsigned bits, uint32_t *bucket);
	bool		(*pack) (StrBuf *blob, void *ctx, size_t i);
	void	   *ctx;
} BucketSource;

/*
 * The rows of a bucketed table (model_key_buckets, model_name_buckets):
 * the entries cut into buckets by the top bits of their hash, each row
 * its bucket, its first entry and the packed entries.
 */
static bool
copy_buckets(DbConn *c, const ModelInput *in, const BucketSource *src, unsigned bits,
			 StrBuf *buf)
{
	StrBuf		blob;
	uint32_t	bucket = 0,
				first = 0;
	bool		ok = false;
	char	   *sql = target_copy(in, src->query);

	sb_init(&blob);
	if (!db_copy_in_begin(c, sql))
		goto cleanup;
	copyfmt_bin_header(buf);
	for (size_t i = 0; i < src->n; i++)
	{
		uint32_t	b;

		if (!src->bucket(src->ctx, i, bits, &b))
			goto abandon;
		if (blob.len > 0 && b != bucket)
			put_bucket_row(buf, in->run_id, bucket, first, &blob);
		if (blob.len == 0)
			bucket = b, first = (uint32_t) i;
		if (!src->pack(&blob, src->ctx, i))
			goto abandon;
		if (!model_flush(in, c, buf, false))
			goto cleanup;
	}
	if (blob.len > 0)
		put_bucket_row(buf, in->run_id, bucket, first, &blob);
	copyfmt_bin_trailer(buf);
	ok = model_flush(in, c, buf, true) && db_copy_in_end(c);
	goto cleanup;

abandon:
	db_copy_in_abort(c, "itemdup: the model's source failed");

cleanup:
	sb_free(&blob);
	free(sql);
	return ok;
}

/* copy_buckets' context for the keys: in key_no (hash) order. */
typedef struct KeyEntries
{
	const ModelInput *in;
	const ModelIndex *ix;
	const uint32_t *name_no;
	uint32_t	bucket;			/* key_entry_bucket's cursor */
} KeyEntries;

/* The bucket of key_no no, asked for in key_no order: the bucket whose range holds it. */
static bool
key_entry_bucket(void *ctx, size_t no, unsigned bits, uint32_t *bucket)
{
	KeyEntries *e = ctx;
	const ModelIndex *ix = e->ix;

	assert(bits == ix->key_bits);
	(void) bits;
	while (ix->key_bucket_start[e->bucket + 1] <= no)
		e->bucket++;
	*bucket = e->bucket;
	return true;
}

static bool
key_entry_pack(StrBuf *blob, void *ctx, size_t no)
{
	const KeyEntries *e = ctx;

	prefetch_key(e->in, e->ix, e->name_no, (uint32_t) no);
	pack_key(blob, e->in, e->ix, e->name_no, e->ix->ref_of_no[no]);
	return true;
}

/* model_key_buckets: every key a live Item carries. */
static bool
copy_keys(DbConn *c, const ModelInput *in, const ModelIndex *ix, const uint32_t *name_no,
		  unsigned bits, StrBuf *buf)
{
	KeyEntries	e = {in, ix, name_no, 0};
	BucketSource src = {sql_query("model_key_buckets"), ix->n_numbered, key_entry_bucket,
	key_entry_pack, &e};

	return copy_buckets(c, in, &src, bits, buf);
}

/* A name and its hash, for writing model_name_buckets in hash order. */
typedef struct NameRow
{
	int64_t		hash;
	uint32_t	name;
} NameRow;

/* name_hash order, then the name id. */
static int
cmp_name_row(const void *x, const void *y)
{
	const NameRow *a = x;
	const NameRow *b = y;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return (a->name > b->name) - (a->name < b->name);
}

/* The names some live Item carries, in hash order (malloc'd, *n of them). */
static NameRow *
name_rows(const ModelInput *in, size_t *n)
{
	const Dataset *ds = in->ds;
	NameRow    *rows = xmalloc((ds->names.n + 1) * sizeof(NameRow));

	*n = 0;
	for (uint32_t k = 0; k < ds->names.n; k++)
	{
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, k);

		if (in->stats->name_items[k] > 0)
			rows[(*n)++] = (NameRow) {model_hash_name(ni->env,
													  ds->institutions.bytes[ni->institution],
													  ni->name), k};
	}
	qsort(rows, *n, sizeof(NameRow), cmp_name_row);
	return rows;
}

/* Per name id, its place among rows (its name_no); KEY_NONE for a name no live Item carries. */
static uint32_t *
name_numbers(const ModelInput *in, const NameRow *rows, size_t n)
{
	uint32_t   *name_no = xmalloc((in->ds->names.n + 1) * sizeof(uint32_t));

	memset(name_no, 0xff, (in->ds->names.n + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		name_no[rows[i].name] = (uint32_t) i;
	return name_no;
}

/* copy_buckets' context for the names: the rows of name_rows. */
typedef struct NameEntries
{
	const ModelInput *in;
	const NameRow *rows;
} NameEntries;

static bool
name_entry_bucket(void *ctx, size_t i, unsigned bits, uint32_t *bucket)
{
	*bucket = model_bucket(((const NameEntries *) ctx)->rows[i].hash, bits);
	return true;
}

static bool
name_entry_pack(StrBuf *blob, void *ctx, size_t i)
{
	const NameEntries *e = ctx;
	const Dataset *ds = e->in->ds;
	const KeyStats *st = e->in->stats;
	const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, e->rows[i].name);

	model_pack_name(blob, ni->env, ds->institutions.bytes[ni->institution], ni->name,
					st->name_items[e->rows[i].name], st->gname_items[ni->gname]);
	return true;
}

/* model_name_buckets: per normalised name at an institution, its counts. */
static bool
copy_names(DbConn *c, const ModelInput *in, const NameRow *rows, size_t n, unsigned bits,
		   StrBuf *buf)
{
	NameEntries e = {in, rows};
	BucketSource src = {sql_query("model_name_buckets"), n, name_entry_bucket, name_entry_pack, &e};

	return copy_buckets(c, in, &src, bits, buf);
}

/* One Item packed onto blob: the accounts that carry a key or a persistent id. */
static void
pack_item(StrBuf *blob, const ModelInput *in, const ModelIndex *ix, uint32_t no)
{
	const Dataset *ds = in->ds;
	const Item *it = DS_ITEM(ds, ix->item_of_no[no]);
	int64_t		acc_key[1024],
				acc_pkey[1024];
	uint32_t	n = 0;

	/* payload.c rejects an Item with more than 1000 accounts (too_many_accounts) */
	for (uint32_t k = 0; k < it->n_accounts && n < 1024; k++)
	{
		const Account a = keys_account(ds, it->first_account + k);

		if (a.key == KEY_NONE && a.pkey == KEY_NONE)
			continue;
		acc_key[n] = a.key == KEY_NONE ? MODEL_NONE : (int64_t) ix->key_no_of[a.key];
		acc_pkey[n] = a.pkey == KEY_NONE ? MODEL_NONE
			: (int64_t) ix->key_no_of[ix->n_keys + a.pkey];
		n++;
	}
	model_pack_item(blob, it->item_id, keys_item_owner(it), it->env,
					ds->institutions.bytes[it->institution], it->created_at, it->n_keyable, n,
					acc_key, acc_pkey);
}

/*
 * What copy_items writes: n Items in item_no order; the item_id of Item no
 * (asked for at each page's first Item, before it is packed), and Item no
 * packed onto a page's blob; asked for in order, like a BucketSource.
 */
typedef struct ItemSource
{
	uint32_t	n;
	const char *(*item_id) (void *ctx, uint32_t no);
	bool		(*pack) (StrBuf *blob, void *ctx, uint32_t no);
	void	   *ctx;
} ItemSource;

/* model_item_pages: every keyed live Item, 2^MODEL_ITEM_PAGE_BITS to a row, with the page's first item_id. */
static bool
copy_items(DbConn *c, const ModelInput *in, const ItemSource *src, StrBuf *buf)
{
	StrBuf		blob,
				first;
	bool		ok = false;
	const uint32_t page_mask = (1u << MODEL_ITEM_PAGE_BITS) - 1;
	char	   *sql = target_copy(in, sql_query("model_item_pages"));

	sb_init(&blob);
	sb_init(&first);
	if (!db_copy_in_begin(c, sql))
		goto cleanup;
	copyfmt_bin_header(buf);
	for (uint32_t no = 0; no < src->n; no++)
	{
		if ((no & page_mask) == 0)
		{
			const char *id = src->item_id(src->ctx, no);

			if (id == NULL)
				goto abandon;
			sb_reset(&first);
			sb_append(&first, id, strlen(id));
		}
		if (!src->pack(&blob, src->ctx, no))
			goto abandon;
		if ((no & page_mask) == page_mask || no + 1 == src->n)
		{
			copyfmt_bin_row(buf, 4);
			copyfmt_bin_int8(buf, in->run_id);
			copyfmt_bin_int4(buf, (int32_t) (no >> MODEL_ITEM_PAGE_BITS));
			copyfmt_bin_bytes(buf, first.data, first.len);
			copyfmt_bin_bytes(buf, blob.data, blob.len);
			sb_reset(&blob);
		}
		if (!model_flush(in, c, buf, false))
			goto cleanup;
	}
	copyfmt_bin_trailer(buf);
	ok = model_flush(in, c, buf, true) && db_copy_in_end(c);
	goto cleanup;

abandon:
	db_copy_in_abort(c, "itemdup: the model's source failed");

cleanup:
	sb_free(&blob);
	sb_free(&first);
	free(sql);
	return ok;
}

/* copy_items' context for the run's Items: in item_no order. */
typedef struct ItemEntries
{
	const ModelInput *in;
	const ModelIndex *ix;
} ItemEntries;

static const char *
item_entry_id(void *ctx, uint32_t no)
{
	const ItemEntries *e = ctx;

	return DS_ITEM(e->in->ds, e->ix->item_of_no[no])->item_id;
}

static bool
item_entry_pack(StrBuf *blob, void *ctx, uint32_t no)
{
	const ItemEntries *e = ctx;
	const Dataset *ds = e->in->ds;
	const ModelIndex *ix = e->ix;

	/* item_id order is random in memory: fetch the Items and their accounts ahead */
	if (no + 16 < ix->n_items)
		__builtin_prefetch(DS_ITEM(ds, ix->item_of_no[no + 16]));
	if (no + 8 < ix->n_items)
	{
		const Item *it = DS_ITEM(ds, ix->item_of_no[no + 8]);

		__builtin_prefetch(&VEC_AT(&ds->accounts, uint32_t, it->first_account));
		__builtin_prefetch(&VEC_AT(&ds->pkey_blocks, PkeyBlock, it->first_account / 64));
		__builtin_prefetch(it->item_id);	/* and its owner_id, right after */
	}
	if (no + 4 < ix->n_items)
	{
		/*
		 * Its accounts are cached by now: fetch their key_nos, at random in
		 * key_no_of; the first 8 accounts are enough (most Items have 1-4).
		 */
		const Item *it = DS_ITEM(ds, ix->item_of_no[no + 4]);

		for (uint32_t k = 0; k < it->n_accounts && k < 8; k++)
		{
			const Account a = keys_account(ds, it->first_account + k);

			if (a.key != KEY_NONE)
				__builtin_prefetch(&ix->key_no_of[a.key]);
			if (a.pkey != KEY_NONE)
				__builtin_prefetch(&ix->key_no_of[ix->n_keys + a.pkey]);
		}
	}
	pack_item(blob, e->in, ix, no);
	return true;
}

/* The persistent ids ix numbered (some live Item carries them). */
static uint32_t
numbered_pkeys(const ModelIndex *ix)
{
	uint32_t	n = 0;

	for (uint32_t p = 0; p < ix->n_pkeys; p++)
		n += ix->key_no_of[ix->n_keys + p] != KEY_NONE;
	return n;
}

/* Tests: ITEMDUP_MODEL_CONSTANT_HASH=1 hashes every key and name alike (t_61). */
static void
model_test_hooks(void)
{
#ifdef ITEMDUP_TEST_HOOKS
	model_test_constant_hash(testhook_enabled("ITEMDUP_MODEL_CONSTANT_HASH"));
#endif
}

/* publish_model_spill_pass, the hooks applied. */
static bool
pack_pass(ModelSpill *sp, const ModelInput *in)
{
	const Dataset *ds = in->ds;
	ModelIndex	ix;
	size_t		n_names;
	NameRow    *names = name_rows(in, &n_names);
	uint32_t   *name_no = name_numbers(in, names, n_names);
	KeyEntries	ke = {in, &ix, name_no, 0};
	NameEntries ne = {in, names};
	ItemEntries ie = {in, &ix};
	StrBuf		blob;
	uint32_t	n_pkeys;

	sb_init(&blob);
	model_index_build(ds, &ix);
	model_index_fill_keys(ds, &ix);
	for (size_t i = 0; i < n_names; i++)
	{
		(void) name_entry_pack(&blob, &ne, i);
		model_spill_put(sp, SPILL_NAMES, names[i].hash, &blob);
		sb_reset(&blob);
	}
	/* the full hash: the merge orders the passes' keys by it, as model_index_build does */
	for (uint32_t no = 0; no < ix.n_numbered; no++)
	{
		(void) key_entry_pack(&blob, &ke, no);
		model_spill_put(sp, SPILL_KEYS, model_ref_hash(ds, &ix, ix.ref_of_no[no]), &blob);
		sb_reset(&blob);
	}
	model_index_free_keys(&ix);
	for (uint32_t no = 0; no < ix.n_items; no++)
	{
		(void) item_entry_pack(&blob, &ie, no);
		model_spill_put(sp, SPILL_ITEMS, 0, &blob);
		sb_reset(&blob);
	}
	for (size_t i = 0; i < ds->institutions.n; i++)
		if (in->stats->institution_items[i] > 0)
			model_spill_institution(sp, ds->institutions.bytes[i], ds->institutions.lens[i],
									in->stats->institution_items[i]);
	n_pkeys = numbered_pkeys(&ix);
	sb_free(&blob);
	free(names);
	free(name_no);
	model_index_free(&ix);
	return model_spill_pass_end(sp, in->stats->live_items, n_pkeys);
}

bool
publish_model_spill_pass(ModelSpill *sp, const ModelInput *in)
{
	model_test_hooks();
	return pack_pass(sp, in);
}

struct ModelWriter
{
	DbConn	   *c;				/* the writer's own connection; the publishing one inline */
	bool		inline_;		/* no second connection: written by publish_model_wait */
	ModelInput	in;
	atomic_bool stop;			/* publish_model_end before the thread ended */
	pthread_mutex_t lock;		/* counts_ready, matched and their signal */
	pthread_cond_t counts_cond;
	bool		counts_ready;	/* publish_model_counts_ready: in->stats filled */
	bool		matched;		/* publish_model_matched: matching's index freed */
	pthread_t	thread;
	bool		running;		/* thread started, not joined */
	bool		ok;				/* the thread wrote every row (its transaction open) */
	bool		committed;
	bool		spill_failed;	/* the spilled passes could not be read (model_spill_error) */
	bool		taking;			/* model_take_generation sent, not yet collected */
	double		seconds;		/* the thread's time */
	double		phase[6];		/* of which: the index, waiting for the counts and
								 * the generation, the keys, the names, the Items,
								 * waiting for matching */
	uint32_t	n_keys,
				n_pkeys,
				n_items;
};

/* Phase i of the writer ends now; *mark, its start, becomes the next one's. */
static void
end_phase(ModelWriter *w, int i, double *mark)
{
	double		now = log_now();

	w->phase[i] += now - *mark;
	*mark = now;
}

/*
 * Wait until the main thread has set *flag (counts_ready: it filled
 * in->stats; matched: it freed matching's index); false when the run
 * stopped the writer first.  Inline, both are so.
 */
static bool
wait_for(ModelWriter *w, const bool *flag)
{
	bool		ready;

	if (w->inline_)
		return true;
	pthread_mutex_lock(&w->lock);
	while (!*flag && !atomic_load(&w->stop))
		pthread_cond_wait(&w->counts_cond, &w->lock);
	ready = *flag && !atomic_load(&w->stop);
	pthread_mutex_unlock(&w->lock);
	return ready;
}

bool
publish_model_clear(DbConn *own)
{
	return db_send(own, sql_query("model_clear_generation"), 0, NULL);
}

/*
 * What publish_model_clear sent, collected.  Best effort: the model's
 * transaction empties its generation in any case (model_take_generation).
 */
static void
clear_wait(ModelWriter *w)
{
	DbRows		rows;

	w->in.clearing = false;
	if (!db_wait_rows(w->c, &rows))
	{
		log_warn("emptying the model's next generation ahead failed: %s (the model's "
				 "transaction empties it)", db_last_error(w->c));
		return;
	}
	if (rows.nrows == 1 && strcmp(DB_VALUE(&rows, 0, 0), "f") == 0)
		log_debug("the model's next generation is held by another session: not emptied ahead "
				  "(sql/012)");
	db_rows_free(&rows);
}

/*
 * The model's transaction begun on the writer's connection (inline: the
 * publishing one), and the generation its model goes to asked for and
 * emptied (sql/011): sent, not waited for — the server truncates, or
 * deletes, while the job numbers the keys; generation_wait collects it.
 * False on an error.
 */
static bool
model_tx_begin(ModelWriter *w)
{
	if (w->in.clearing)
		clear_wait(w);
	w->taking = (w->inline_ || db_exec(w->c, sql_query("begin"))) &&
		db_send(w->c, sql_query("model_take_generation"), 0, NULL);
	return w->taking;
}

/*
 * The generation model_tx_begin asked for into w->in (gen, and freeze when
 * it was truncated), once; false when the statement failed.
 */
static bool
generation_wait(ModelWriter *w)
{
	DbRows		rows;
	bool		ok;

	if (!w->taking)
		return true;
	w->taking = false;
	ok = db_wait_rows(w->c, &rows) && rows.nrows == 1;
	if (ok)
	{
		w->in.gen = atoi(DB_VALUE(&rows, 0, 0));
		w->in.freeze = strcmp(DB_VALUE(&rows, 0, 1), "t") == 0;
		if (!w->in.freeze)
			log_info("published model: generation %d of the model tables is held by another "
					 "session, so its rows were deleted instead of truncated "
					 "(docs/OPERATIONS.md, \"Publishing runs back to back\")", w->in.gen);
	}
	db_rows_free(&rows);
	return ok;
}

/*
 * After the last COPY: statistics for a generation this transaction
 * truncated (sql/011), so that readers plan their first lookups on it on
 * the primary key; a generation whose rows were deleted keeps its own.
 */
static bool
generation_analyze(ModelWriter *w)
{
	char		gen[16];
	const char *params[1] = {gen};

	if (!w->in.freeze)
		return true;
	snprintf(gen, sizeof(gen), "%d", w->in.gen);
	return db_query(w->c, sql_query("model_analyze_generation"), 1, params, NULL);
}

/*
 * The model's rows, in a transaction this opens on the writer's connection
 * (inline: in the publishing transaction), into the generation it empties
 * — so readers go from the old model to the new in one commit.  The server
 * empties it while the index is built here.  False on a database error.
 */
static bool
write_model(ModelWriter *w, StrBuf *buf)
{
	const ModelInput *in = &w->in;
	DbConn	   *c = w->c;
	ModelIndex	ix;
	bool		ok;
	size_t		n_names;
	NameRow    *names;
	uint32_t   *name_no;		/* per name id: its place in the name buckets */
	unsigned	bits[2];
	double		t = log_now();	/* the current phase's start */

	ok = model_tx_begin(w);
	/*
	 * The numbering needs the read's data only: done while the main thread
	 * seals it.  The Items need the numbers alone, and nothing the seal
	 * moves: written as soon as the generation is taken, while the main
	 * thread seals, counts and matches.  The names need the counts; each
	 * key's Items are listed once matching has freed its index, not beside
	 * it, and the keys written last (docs/SCALING.md, "The writer's lists
	 * after matching", "The Items before the counts").
	 */
	model_index_build(in->ds, &ix);
	model_index_by_ref(&ix);	/* the Items' packing reads ref → key_no */
	end_phase(w, 0, &t);
	ok = ok && generation_wait(w);
	end_phase(w, 1, &t);
	ok = ok && copy_items(c, in, &(ItemSource) {ix.n_items, item_entry_id, item_entry_pack,
		&(ItemEntries) {in, &ix}}, buf);
	end_phase(w, 4, &t);
	if (!ok || !wait_for(w, &w->counts_ready))
	{
		/*
		 * The run failed before its counts (a guard, a signal), or the
		 * writer did: nothing more to write.  publish_model_end rolls the
		 * transaction back.
		 */
		model_index_free(&ix);
		return false;
	}
	names = name_rows(in, &n_names);
	name_no = name_numbers(in, names, n_names);
	bits[0] = ix.key_bits;		/* model_bucket_bits of the numbered keys */
	bits[1] = model_bucket_bits(n_names);
	end_phase(w, 1, &t);
	ok = copy_meta(c, in, in->stats->live_items, bits, buf) &&
		copy_institutions(c, in, buf) && copy_names(c, in, names, n_names, bits[1], buf);
	free(names);				/* the keys need name_no alone */
	names = NULL;
	end_phase(w, 3, &t);
	FAILPOINT("publish_model_keys");	/* halfway through the model (t_61) */
	w->n_pkeys = numbered_pkeys(&ix);
	ok = ok && wait_for(w, &w->matched);
	end_phase(w, 5, &t);
	if (ok)
	{
		/* the keys are packed in key_no order; both maps before the lists, not beside them */
		model_index_by_key_no(&ix);
		model_index_fill_keys(in->ds, &ix);
		end_phase(w, 0, &t);
		ok = copy_keys(c, in, &ix, name_no, bits[0], buf) && generation_analyze(w);
		end_phase(w, 2, &t);
	}
	w->n_keys = ix.n_numbered - w->n_pkeys;
	w->n_items = ix.n_items;
	free(names);
	free(name_no);
	model_index_free(&ix);
	return ok;
}

/* copy_buckets' and copy_items' source: a merge of the spilled passes. */
static bool
spill_entry_bucket(void *ctx, size_t i, unsigned bits, uint32_t *bucket)
{
	int64_t		hash;

	(void) i;
	if (!spill_merge_hash(ctx, &hash))
		return false;
	*bucket = model_bucket(hash, bits);
	return true;
}

static bool
spill_entry_pack(StrBuf *blob, void *ctx, size_t i)
{
	(void) i;
	return spill_merge_pack(ctx, blob);
}

static const char *
spill_item_id(void *ctx, uint32_t no)
{
	(void) no;
	return spill_merge_item_id(ctx);
}

static bool
spill_item_pack(StrBuf *blob, void *ctx, uint32_t no)
{
	(void) no;
	return spill_merge_pack(ctx, blob);
}

/*
 * The spilled entries of kind merged into their table (model_spill.h), or
 * the Items into model_item_pages; false on a database or spill error
 * (*spill_failed says which).
 */
static bool
copy_spilled(ModelWriter *w, SpillKind kind, const char *query, unsigned bits, StrBuf *buf)
{
	const ModelInput *in = &w->in;
	SpillMerge *m = model_spill_merge(in->spill, kind);
	bool		ok;

	if (m == NULL)
	{
		w->spill_failed = true;
		return false;
	}
	if (kind == SPILL_ITEMS)
		ok = copy_items(w->c, in, &(ItemSource) {(uint32_t) model_spill_count(in->spill, kind),
			spill_item_id, spill_item_pack, m}, buf);
	else
		ok = copy_buckets(w->c, in, &(BucketSource) {query, model_spill_count(in->spill, kind),
			spill_entry_bucket, spill_entry_pack, m}, bits, buf);
	if (!ok && model_spill_error(in->spill)[0] != '\0')
		w->spill_failed = true;
	spill_merge_end(m);
	return ok;
}

/*
 * The model of a run read in passes, from its spilled passes: the Items
 * numbered first (key entries list them), then the names, the keys (which
 * name their names) and the Items (which list their keys), each merged into
 * its table as one pass writes it.  Same transaction and generation as
 * write_model's.
 */
static bool
write_spilled_model(ModelWriter *w, StrBuf *buf)
{
	const ModelInput *in = &w->in;
	DbConn	   *c = w->c;
	ModelSpill *sp = in->spill;
	unsigned	bits[2] = {model_bucket_bits(model_spill_count(sp, SPILL_KEYS)),
	model_bucket_bits(model_spill_count(sp, SPILL_NAMES))};
	double		t = log_now();
	bool		ok;

	log_info("published model: merging %u passes (%.1f MB in temporary files)",
			 model_spill_passes(sp), (double) model_spill_bytes(sp) / 1e6);
	ok = model_tx_begin(w);
	if (!model_spill_number_items(sp, in->stop))
	{
		w->spill_failed = true;
		/* the generation is collected so that the connection can roll back */
		if (ok && !generation_wait(w))
			log_debug("taking the model's generation stopped: %s", db_last_error(c));
		return false;
	}
	end_phase(w, 0, &t);
	ok = ok && generation_wait(w);
	end_phase(w, 1, &t);
	ok = ok && copy_meta(c, in, model_spill_live_items(sp), bits, buf) &&
		copy_institutions(c, in, buf) &&
		copy_spilled(w, SPILL_NAMES, sql_query("model_name_buckets"), bits[1], buf);
	end_phase(w, 3, &t);
	ok = ok && copy_spilled(w, SPILL_KEYS, sql_query("model_key_buckets"), bits[0], buf);
	end_phase(w, 2, &t);
	FAILPOINT("publish_model_keys");	/* halfway through the model (t_61) */
	ok = ok && copy_spilled(w, SPILL_ITEMS, NULL, 0, buf) && generation_analyze(w);
	end_phase(w, 4, &t);
	w->n_pkeys = (uint32_t) model_spill_persistent(sp);
	w->n_keys = (uint32_t) (model_spill_count(sp, SPILL_KEYS) - w->n_pkeys);
	w->n_items = (uint32_t) model_spill_count(sp, SPILL_ITEMS);
	return ok;
}

static void *
writer_main(void *arg)
{
	ModelWriter *w = arg;
	StrBuf		buf;
	double		t = log_now();

	sb_init(&buf);
	w->ok = w->in.spill ? write_spilled_model(w, &buf) : write_model(w, &buf);
	sb_free(&buf);
	w->seconds = log_now() - t;
	return NULL;
}

ModelWriter *
publish_model_start(DbConn *own, DbConn *main, const ModelInput *in)
{
	ModelWriter *w = xcalloc(1, sizeof(ModelWriter));
	sigset_t	block,
				old;
	int			rc;

	w->c = own != NULL ? own : main;
	w->inline_ = own == NULL;
	w->in = *in;
	w->in.stop = &w->stop;
	atomic_init(&w->stop, false);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->counts_cond, NULL);
	model_test_hooks();
	if (w->inline_)
		return w;
	/* SIGINT and SIGTERM stay the main thread's (db.c's handler cancels this connection too) */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
	{
		log_warn("no thread for the published model (%s): it is written in the publishing "
				 "transaction instead", strerror(rc));
		db_close(own);
		w->c = main;
		w->inline_ = true;
		w->in.clearing = false;	/* went with own */
		return w;
	}
	w->running = true;
	return w;
}

/* The thread ended (joined); once. */
static void
join_writer(ModelWriter *w)
{
	if (w->running)
		pthread_join(w->thread, NULL);
	w->running = false;
}

bool
publish_model_wait(ModelWriter *w, char *err, size_t errlen)
{
	double		t = log_now();

	if (w->inline_)
		writer_main(w);
	join_writer(w);
	if (!w->ok)
	{
		snprintf(err, errlen, "writing the published model failed: %s",
				 db_interrupted() ? "interrupted by a signal (SIGINT/SIGTERM)"
				 : w->spill_failed ? model_spill_error(w->in.spill) : db_last_error(w->c));
		return false;
	}
	if (w->inline_)
		log_info("published model: %u keys, %u persistent ids, %u keyed items (%.3f s in the "
				 "publishing transaction)", w->n_keys, w->n_pkeys, w->n_items, w->seconds);
	else
		log_info("published model: %u keys, %u persistent ids, %u keyed items (%.3f s on its "
				 "own connection, %.3f s of it waited for)", w->n_keys, w->n_pkeys, w->n_items,
				 w->seconds, log_now() - t);
	log_debug("published model's time: index %.3f s, waiting for the counts and the "
			  "generation %.3f s, names %.3f s, Items %.3f s, waiting for matching %.3f s, "
			  "keys %.3f s", w->phase[0], w->phase[1], w->phase[3], w->phase[4], w->phase[5],
			  w->phase[2]);
	return true;
}

bool
publish_model_commit(ModelWriter *w)
{
	assert(!w->running && w->ok && !w->committed);
	if (w->inline_)
		return true;			/* committed with the results */
	if (!db_exec(w->c, sql_query("commit")))
	{
		log_warn("the results are published but their model is not (%s): check and explain "
				 "use the previous run's model until the next run", db_last_error(w->c));
		return false;
	}
	w->committed = true;
	FAILPOINT("publish_model_committed");	/* before the runs' second prune (t_69) */
	return true;
}

void
publish_model_end(ModelWriter *w)
{
	if (w == NULL)
		return;
	if (w->running)
	{
		/* the run failed while the model was being written: stop it now */
		atomic_store(&w->stop, true);
		pthread_mutex_lock(&w->lock);	/* a writer waiting for the counts wakes */
		pthread_cond_broadcast(&w->counts_cond);
		pthread_mutex_unlock(&w->lock);
		db_cancel(w->c);
		join_writer(w);
	}
	if (!w->inline_)
	{
		if (!w->committed && !db_exec(w->c, sql_query("rollback")))
			log_debug("rollback of the published model's transaction failed too");
		db_close(w->c);
	}
	pthread_cond_destroy(&w->counts_cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

static void
signal_flag(ModelWriter *w, bool *flag)
{
	pthread_mutex_lock(&w->lock);
	*flag = true;
	pthread_cond_signal(&w->counts_cond);
	pthread_mutex_unlock(&w->lock);
}

void
publish_model_counts_ready(ModelWriter *w)
{
	signal_flag(w, &w->counts_ready);
}

void
publish_model_matched(ModelWriter *w)
{
	signal_flag(w, &w->matched);
}
