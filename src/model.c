/*
 * model.c — the account index of a run and the pair arithmetic on it.
 */
#include "model.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "match.h"
#include "model_pack.h"

/* A live Item that carries a key or a persistent id: the model numbers it. */
static bool
item_numbered(const Dataset *ds, const Item *it)
{
	if (!keys_item_live(it))
		return false;
	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		if (keys_account_key(ds, it->first_account + k) != KEY_NONE ||
			keys_account_pkey(ds, it->first_account + k) != KEY_NONE)
			return true;
	}
	return false;
}

/* A sort entry: an unsigned key and the index it stands for. */
typedef struct SortKey
{
	uint64_t	key;
	uint32_t	idx;
} SortKey;

/* The first 8 bytes of s, big-endian, 0-padded: their order is strcmp's ("C"). */
static uint64_t
id_prefix(const char *s)
{
	uint64_t	v = 0;
	int			i = 0;

	for (; i < 8 && s[i] != '\0'; i++)
		v = v << 8 | (unsigned char) s[i];
	return i == 0 ? 0 : v << (8 * (8 - i));
}

/* qsort context for the rare equal prefixes (C11 qsort has no argument). */
static _Thread_local const Dataset *sort_ds;

static int
cmp_item_id(const void *x, const void *y)
{
	return strcmp(DS_ITEM(sort_ds, ((const SortKey *) x)->idx)->item_id,
				  DS_ITEM(sort_ds, ((const SortKey *) y)->idx)->item_id);
}

#define PREFIX_PARTS_BITS 4

/*
 * Sort e[0..n) by key with buffers of about an eighth of them, not a whole
 * copy (the writer numbers the Items while the main thread still holds the
 * read's tables: docs/SCALING.md, "Less memory in one pass"): one pass in
 * place puts them into 16 parts by the key's top 4 bits (American flag:
 * each misplaced key is moved along its cycle), then each part is copied
 * out and radix-sorted there (match_radix_sort_by's buffer: a second part's
 * size) and copied back.  The order of equal keys is not kept;
 * number_items breaks their ties by the whole item_id.
 */
static void
sort_by_prefix(SortKey *e, size_t n)
{
	enum
	{
		PARTS = 1 << PREFIX_PARTS_BITS
	};
	size_t		start[PARTS + 1] = {0};
	size_t		next[PARTS];
	Vec			part;

	for (size_t i = 0; i < n; i++)
		start[(e[i].key >> (64 - PREFIX_PARTS_BITS)) + 1]++;
	for (int b = 0; b < PARTS; b++)
	{
		start[b + 1] += start[b];
		next[b] = start[b];
	}
	for (int b = 0; b < PARTS; b++)
		while (next[b] < start[b + 1])
		{
			SortKey		x = e[next[b]];
			size_t		d = x.key >> (64 - PREFIX_PARTS_BITS);

			while (d != (size_t) b)
			{
				SortKey		y = e[next[d]];

				e[next[d]++] = x;
				x = y;
				d = x.key >> (64 - PREFIX_PARTS_BITS);
			}
			e[next[b]++] = x;
		}
	for (int b = 0; b < PARTS; b++)
	{
		size_t		len = start[b + 1] - start[b];

		vec_init(&part, sizeof(SortKey));
		part.data = xmalloc((len + 1) * sizeof(SortKey));
		part.len = part.cap = len;
		memcpy(part.data, e + start[b], len * sizeof(SortKey));
		match_radix_sort_by(&part, offsetof(SortKey, key), sizeof(uint64_t), UINT64_MAX);
		memcpy(e + start[b], part.data, len * sizeof(SortKey));
		vec_free(&part);
	}
}

/*
 * The keyed live items in item_id order ("C", the order of the item pages'
 * first_item_id): item_no -> Dataset index.  Radix sort on the ids' first
 * 8 bytes (sort_by_prefix), then strcmp within runs of equal prefixes.
 */
static void
number_items(const Dataset *ds, ModelIndex *ix)
{
	Vec			v;
	SortKey    *e;
	size_t		n = 0;

	for (size_t i = 0; i < ds->items.len; i++)
		n += item_numbered(ds, DS_ITEM(ds, i));
	vec_init(&v, sizeof(SortKey));
	v.data = xmalloc((n + 1) * sizeof(SortKey));	/* exactly: no room to grow */
	v.cap = n + 1;
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (item_numbered(ds, it))
			*(SortKey *) vec_push(&v) = (SortKey) {id_prefix(it->item_id), (uint32_t) i};
	}
	sort_by_prefix(v.data, v.len);
	e = v.data;
	sort_ds = ds;
	for (size_t i = 0, j; i < v.len; i = j)
	{
		for (j = i + 1; j < v.len && e[j].key == e[i].key; j++)
			;
		if (j - i > 1)
			qsort(e + i, j - i, sizeof(SortKey), cmp_item_id);
	}
	ix->n_items = (uint32_t) v.len;
	ix->item_of_no = xmalloc((v.len + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < v.len; i++)
		ix->item_of_no[i] = e[i].idx;
	vec_free(&v);
}

/* A stable hash with the sign bit flipped: unsigned order is the signed hash order. */
static inline uint64_t
key_order(int64_t hash)
{
	return (uint64_t) hash ^ UINT64_C(0x8000000000000000);
}

static int
cmp_sort_key(const void *x, const void *y)
{
	const SortKey *a = x;
	const SortKey *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/*
 * Sort refs[0..n) by (key_order, ref), from top[ref], the key order's top
 * 32 bits: by (top, ref), then the runs of equal tops (two refs of 2^32,
 * a few hundred at 1 M Items) by their full hashes, recomputed.  Each ref
 * is counted in count[] under its published key bucket, its top key_bits
 * (at most 24).
 */
static void
sort_bucket(const Dataset *ds, const ModelIndex *ix, const uint32_t *top, uint32_t *refs,
			uint32_t n, unsigned key_bits, uint32_t *count)
{
	SortKey		small[64];
	SortKey    *e = n <= 64 ? small : xmalloc(n * sizeof(SortKey));

	for (uint32_t i = 0; i < n; i++)
		e[i] = (SortKey) {(uint64_t) top[refs[i]] << 32 | refs[i], refs[i]};
	sort_small(e, n, sizeof(SortKey), cmp_sort_key, 64);
	for (uint32_t i = 0, j; i < n; i = j)
	{
		for (j = i + 1; j < n && e[j].key >> 32 == e[i].key >> 32; j++)
			;
		if (j - i == 1)
			continue;
		for (uint32_t k = i; k < j; k++)
			e[k].key = key_order(model_ref_hash(ds, ix, e[k].idx));
		sort_small(e + i, j - i, sizeof(SortKey), cmp_sort_key, 64);
	}
	for (uint32_t i = 0; i < n; i++)
	{
		refs[i] = e[i].idx;
		count[key_bits == 0 ? 0 : top[e[i].idx] >> (32 - key_bits)]++;
	}
	if (e != small)
		free(e);
}

int64_t
model_ref_hash(const Dataset *ds, const ModelIndex *ix, uint32_t r)
{
	int			env;
	const char *inst;
	const char *pid;
	char		buf[KEYS_PKEY_TEXT];

	if (r < ix->n_keys)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, r);
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);

		return model_hash_account(ni->env, ds->institutions.bytes[ni->institution],
								  ni->name, ki->mask);
	}
	model_pkey_parts(ds, r - ix->n_keys, &env, &inst, &pid, buf);
	return model_hash_persistent(env, inst, pid);
}

/*
 * key_no, densely, for the refs some keyed live Item carries (counted in
 * key_offsets), in the (signed) order of their stable hashes, then ref;
 * each published key bucket's first key_no.  Of each hash only its top 32
 * bits are kept, while sorting (sort_bucket: the rare equal tops are told
 * apart by the full hashes, recomputed); key_no order is bucket order, so a
 * bucket is a range of key_no and no hash bits are kept after.  The hashes
 * are uniform: refs are counted into 2^bits buckets by their top bits
 * (about 16 a bucket, in ref order) and each bucket is sorted, so the only
 * memory besides the results is the bucket counts.
 */
static void
number_keys(const Dataset *ds, ModelIndex *ix)
{
	uint32_t	n_all = ix->n_keys + ix->n_pkeys;
	unsigned	bits = 8;
	uint32_t   *start;
	uint32_t   *top = xmalloc((n_all + 1) * sizeof(uint32_t));
	uint32_t	n = 0;

	for (uint32_t r = 0; r < n_all; r++)
		n += model_key_count(ix, r) > 0;
	ix->n_numbered = n;
	ix->ref_of_no = xmalloc((n + 1) * sizeof(uint32_t));
	while (bits < 24 && ((uint64_t) 16 << bits) < n)
		bits++;
	start = xcalloc(((size_t) 1 << bits) + 1, sizeof(uint32_t));
	for (uint32_t r = 0; r < n_all; r++)
	{
		/* the names are in the read's order too, but apart: fetch them ahead */
		if (r + 16 < ix->n_keys)
			__builtin_prefetch(&VEC_AT(&ds->name_info, NameInfo,
									   VEC_AT(&ds->key_info, KeyInfo, r + 16).name));
		if (r + 8 < ix->n_keys)
			__builtin_prefetch(VEC_AT(&ds->name_info, NameInfo,
									  VEC_AT(&ds->key_info, KeyInfo, r + 8).name).name);
		if (model_key_count(ix, r) == 0)
			continue;
		top[r] = (uint32_t) (key_order(model_ref_hash(ds, ix, r)) >> 32);
		start[(top[r] >> (32 - bits)) + 1]++;
	}
	for (size_t b = 0; b < ((size_t) 1 << bits); b++)
		start[b + 1] += start[b];
	/* start[b]: where bucket b's next ref goes */
	for (uint32_t r = 0; r < n_all; r++)
		if (model_key_count(ix, r) > 0)
			ix->ref_of_no[start[top[r] >> (32 - bits)]++] = r;
	/* start[b] is now bucket b's end: bucket b is [start[b - 1], start[b]) */
	ix->key_bits = model_bucket_bits(n);
	ix->key_bucket_start = xcalloc(((size_t) 1 << ix->key_bits) + 1, sizeof(uint32_t));
	for (size_t b = 0, from = 0; b < ((size_t) 1 << bits); from = start[b++])
		sort_bucket(ds, ix, top, ix->ref_of_no + from, start[b] - (uint32_t) from,
					ix->key_bits, ix->key_bucket_start + 1);
	for (size_t b = 0; b < ((size_t) 1 << ix->key_bits); b++)
		ix->key_bucket_start[b + 1] += ix->key_bucket_start[b];
	free(start);
	free(top);
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t	a = *(const uint32_t *) x;
	uint32_t	b = *(const uint32_t *) y;

	return (a > b) - (a < b);
}

/*
 * The refs an Item's accounts carry, each once, into out (room for two per
 * account): account keys, and n_keys + persistent ids.  Sorted to drop
 * repeats.
 */
static uint32_t
item_refs(const Dataset *ds, const ModelIndex *ix, const Item *it, uint32_t *out)
{
	uint32_t	n = 0,
				m = 0;

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		const Account a = keys_account(ds, it->first_account + k);

		if (a.key != KEY_NONE)
			out[n++] = a.key;
		if (a.pkey != KEY_NONE)
			out[n++] = ix->n_keys + a.pkey;
	}
	sort_small(out, n, sizeof(uint32_t), cmp_u32, 32);	/* up to 2 per account */
	for (uint32_t i = 0; i < n; i++)
		if (m == 0 || out[i] != out[m - 1])
			out[m++] = out[i];
	return m;
}

/* Room for item_refs of any Item: two refs an account, at most UINT16_MAX accounts. */
static uint32_t *
refs_buffer(void)
{
	return xmalloc((2 * (size_t) UINT16_MAX + 1) * sizeof(uint32_t));
}

/*
 * Count each key's distinct keyed live items (an Item counts once per key
 * however many of its accounts carry it) into key_offsets, as the lists'
 * offsets, then number the keys.  The pass goes in the Dataset's order, not
 * item_no's: it is the read's, in which the keys were numbered as first
 * seen, so the counters are touched nearly in order instead of at random.
 */
void
model_index_build(const Dataset *ds, ModelIndex *ix)
{
	uint32_t	n_all;
	uint32_t   *refs = refs_buffer();

	memset(ix, 0, sizeof(*ix));
	ix->n_keys = (uint32_t) ds->keys.n;
	ix->n_pkeys = (uint32_t) ds->pkeys.n;
	n_all = ix->n_keys + ix->n_pkeys;
	ix->key_offsets = xcalloc(n_all + 2, sizeof(uint32_t));
	number_items(ds, ix);
	for (size_t d = 0; d < ds->items.len; d++)
	{
		const Item *it = DS_ITEM(ds, d);
		uint32_t	n;

		if (!item_numbered(ds, it))
			continue;
		n = item_refs(ds, ix, it, refs);
		for (uint32_t i = 0; i < n; i++)
			ix->key_offsets[refs[i] + 1]++;
	}
	for (uint32_t k = 0; k < n_all; k++)
		ix->key_offsets[k + 1] += ix->key_offsets[k];
	number_keys(ds, ix);		/* the keys counted */
	free(refs);
}

/*
 * Fill each key's list (CSR), in the Dataset's order like the count, then
 * sort each list to ascending item_no.
 */
void
model_index_fill_keys(const Dataset *ds, ModelIndex *ix)
{
	uint32_t	n_all = ix->n_keys + ix->n_pkeys;
	uint32_t   *refs = refs_buffer();
	uint32_t   *no_of;			/* per Dataset index: its item_no, KEY_NONE when none */

	assert(ix->key_item_nos == NULL && ix->key_offsets != NULL);
	no_of = xmalloc((ds->items.len + 1) * sizeof(uint32_t));
	memset(no_of, 0xff, (ds->items.len + 1) * sizeof(uint32_t));
	for (uint32_t no = 0; no < ix->n_items; no++)
		no_of[ix->item_of_no[no]] = no;
	ix->key_item_nos = xmalloc((ix->key_offsets[n_all] + 1) * sizeof(uint32_t));
	for (size_t d = 0; d < ds->items.len; d++)
	{
		uint32_t	n;

		if (no_of[d] == KEY_NONE)
			continue;
		n = item_refs(ds, ix, DS_ITEM(ds, d), refs);
		for (uint32_t i = 0; i < n; i++)	/* key_offsets[ref]: the next place of ref's list */
			ix->key_item_nos[ix->key_offsets[refs[i]]++] = no_of[d];
	}
	/* each ref's cursor ended at the next one's start: back by one place */
	memmove(ix->key_offsets + 1, ix->key_offsets, n_all * sizeof(uint32_t));
	ix->key_offsets[0] = 0;
	for (uint32_t k = 0; k < n_all; k++)
		sort_small(ix->key_item_nos + ix->key_offsets[k], model_key_count(ix, k),
				   sizeof(uint32_t), cmp_u32, 32);	/* a hot key: thousands */
	free(refs);
	free(no_of);
}

void
model_index_by_ref(ModelIndex *ix)
{
	uint32_t	n_all = ix->n_keys + ix->n_pkeys;

	assert(ix->ref_of_no != NULL && ix->key_no_of == NULL);
	ix->key_no_of = xmalloc((n_all + 1) * sizeof(uint32_t));
	memset(ix->key_no_of, 0xff, (n_all + 1) * sizeof(uint32_t));	/* KEY_NONE: not carried */
	for (uint32_t no = 0; no < ix->n_numbered; no++)
		ix->key_no_of[ix->ref_of_no[no]] = no;
	free(ix->ref_of_no);
	ix->ref_of_no = NULL;
}

void
model_index_by_key_no(ModelIndex *ix)
{
	uint32_t	n_all = ix->n_keys + ix->n_pkeys;

	assert(ix->key_no_of != NULL && ix->ref_of_no == NULL);
	ix->ref_of_no = xmalloc((ix->n_numbered + 1) * sizeof(uint32_t));
	for (uint32_t r = 0; r < n_all; r++)
		if (ix->key_no_of[r] != KEY_NONE)
			ix->ref_of_no[ix->key_no_of[r]] = r;
	free(ix->key_no_of);
	ix->key_no_of = NULL;
}

void
model_index_free_keys(ModelIndex *ix)
{
	free(ix->key_offsets);
	free(ix->key_item_nos);
	free(ix->key_bucket_start);
	ix->key_offsets = ix->key_item_nos = ix->key_bucket_start = NULL;
	if (ix->ref_of_no != NULL)
		model_index_by_ref(ix);
}

void
model_index_free(ModelIndex *ix)
{
	free(ix->ref_of_no);
	ix->ref_of_no = NULL;		/* no key map to convert */
	model_index_free_keys(ix);
	free(ix->key_no_of);
	free(ix->item_of_no);
	memset(ix, 0, sizeof(*ix));
}

#ifdef ITEMDUP_TEST_HOOKS
static bool constant_hash;
static bool constant_top;

void
model_test_constant_hash(bool on)
{
	constant_hash = on;
}

void
model_test_constant_top(bool on)
{
	constant_top = on;
}
#endif

/*
 * XXH3-64 of the parts, each followed by a 0 byte (no part holds one): in
 * one call over a stack copy when they fit, streamed otherwise (the same
 * hash either way).
 */
static int64_t
hash_parts(const char *const *parts, int n)
{
	XXH3_state_t *st;
	uint64_t	h;
	char		buf[1024];
	size_t		len = 0;

#ifdef ITEMDUP_TEST_HOOKS
	if (constant_hash)
		return INT64_C(0x1badcafe);
#endif
	for (int i = 0; i < n && len <= sizeof(buf); i++)
	{
		size_t		l = strlen(parts[i]) + 1;

		if (len + l > sizeof(buf))
			len = sizeof(buf) + 1;
		else
		{
			memcpy(buf + len, parts[i], l);
			len += l;
		}
	}
	if (len <= sizeof(buf))
		h = XXH3_64bits(buf, len);
	else
	{
		st = XXH3_createState();
		XXH3_64bits_reset(st);
		for (int i = 0; i < n; i++)
			XXH3_64bits_update(st, parts[i], strlen(parts[i]) + 1);
		h = XXH3_64bits_digest(st);
		XXH3_freeState(st);
	}
#ifdef ITEMDUP_TEST_HOOKS
	if (constant_top)
		h = UINT64_C(0x1badcafe00000000) | (h & UINT32_MAX);
#endif
	return (int64_t) h;
}

int64_t
model_hash_account(int env, const char *institution, const char *name, const char *mask)
{
	const char *parts[5] = {"a", keys_environment_name((Environment) env), institution, name, mask};

	return hash_parts(parts, 5);
}

int64_t
model_hash_persistent(int env, const char *institution, const char *persistent_id)
{
	const char *parts[4] = {"p", keys_environment_name((Environment) env), institution,
	persistent_id};

	return hash_parts(parts, 4);
}

int64_t
model_hash_name(int env, const char *institution, const char *name)
{
	const char *parts[4] = {"n", keys_environment_name((Environment) env), institution, name};

	return hash_parts(parts, 4);
}

void
model_pkey_parts(const Dataset *ds, uint32_t pkey, int *env, const char **institution,
				 const char **persistent_id, char buf[KEYS_PKEY_TEXT])
{
	uint32_t	inst;

	*persistent_id = keys_pkey_parts(ds, pkey, env, &inst, buf);
	*institution = ds->institutions.bytes[inst];
}

/* Ascending int64_t for qsort. */
static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x;
	int64_t		b = *(const int64_t *) y;

	return (a > b) - (a < b);
}

uint32_t
model_shared(const ModelSide *a, const ModelSide *b, bool persistent,
			 ModelUsableFn usable, void *arg, int64_t *out)
{
	const int64_t *ra = persistent ? a->acc_pkey : a->acc_key;
	const int64_t *rb = persistent ? b->acc_pkey : b->acc_key;
	uint32_t	n = 0;

	for (uint32_t i = 0; i < a->n_acc; i++)
	{
		bool		both = false;

		if (ra[i] == MODEL_NONE)
			continue;
		for (uint32_t j = 0; j < b->n_acc && !both; j++)
			both = rb[j] == ra[i];
		if (both && (usable == NULL || usable(arg, ra[i], persistent)))
			out[n++] = ra[i];
	}
	qsort(out, n, sizeof(int64_t), cmp_i64);
	{
		uint32_t	d = 0;

		for (uint32_t i = 0; i < n; i++)
			if (d == 0 || out[d - 1] != out[i])
				out[d++] = out[i];
		n = d;
	}
	return n;
}

uint32_t
model_matched(const ModelSide *s, const int64_t *shared, uint32_t n_shared,
			  const int64_t *shared_p, uint32_t n_shared_p)
{
	uint32_t	matched = 0;

	for (uint32_t k = 0; k < s->n_acc; k++)
	{
		bool		hit = false;

		if (s->acc_key[k] == MODEL_NONE && s->acc_pkey[k] == MODEL_NONE)
			continue;
		for (uint32_t j = 0; j < n_shared && !hit; j++)
			hit = s->acc_key[k] == shared[j];
		for (uint32_t j = 0; j < n_shared_p && !hit; j++)
			hit = s->acc_pkey[k] == shared_p[j];
		matched += hit;
	}
	return matched;
}

void
model_score_pair(const ModelSide *a, const ModelSide *b, uint32_t institution_items,
				 ModelUsableFn usable, ModelFreqFn freq, void *arg, ModelPair *out)
{
	memset(out, 0, sizeof(*out));
	out->shared = xmalloc((a->n_acc + 1) * sizeof(int64_t));
	out->shared_p = xmalloc((a->n_acc + 1) * sizeof(int64_t));
	out->n_shared = model_shared(a, b, false, usable, arg, out->shared);
	out->n_shared_p = model_shared(a, b, true, usable, arg, out->shared_p);
	out->freqs = xcalloc(out->n_shared + 1, sizeof(ScoreKeyFreq));
	out->names = xcalloc(out->n_shared + 1, sizeof(char *));
	for (uint32_t k = 0; k < out->n_shared; k++)
		freq(arg, out->shared[k], &out->freqs[k], &out->names[k]);
	out->in.institution_items = institution_items;
	out->in.keys = out->freqs;
	out->in.n_keys = out->n_shared;
	out->in.n_shared_p = out->n_shared_p;
	out->in.owner_relation = score_owner_relation(a->owner_id, b->owner_id);
	out->in.keyable_a = a->keyable;
	out->in.matched_a = model_matched(a, out->shared, out->n_shared, out->shared_p,
									  out->n_shared_p);
	out->in.keyable_b = b->keyable;
	out->in.matched_b = model_matched(b, out->shared, out->n_shared, out->shared_p,
									  out->n_shared_p);
	score_pair(&out->in, &out->d);
}

void
model_pair_free(ModelPair *mp)
{
	free(mp->shared);
	free(mp->shared_p);
	free(mp->freqs);
	free(mp->names);
	memset(mp, 0, sizeof(*mp));
}
