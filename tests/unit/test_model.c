/*
 * test_model.c — the published model's arithmetic (src/model.c) gives the
 * run's score for every candidate pair, bit for bit, from the counts the
 * model stores; the index lists each key's Items once; hot keys are never
 * shared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "model.h"
#include "model_pack.h"
#include <xxhash.h>
#include "suites.h"
#include "testutil.h"

typedef struct Cand
{
	uint32_t	a,
				b;
	double		score;
} Cand;

static void
collect(void *arg, uint32_t a, uint32_t b, double score)
{
	Cand	   *c = vec_push(arg);

	c->a = a;
	c->b = b;
	c->score = score;
}

typedef struct Ctx
{
	const Dataset *ds;
	const KeyStats *st;
	const ModelIndex *ix;
	uint32_t	cap;
} Ctx;

static bool
usable(void *arg, int64_t ref, bool persistent)
{
	const Ctx  *c = arg;

	(void) persistent;
	return model_key_count(c->ix, (uint32_t) ref) <= c->cap;
}

static void
freq(void *arg, int64_t ref, ScoreKeyFreq *f, const char **name)
{
	const Ctx  *c = arg;

	match_key_freq(c->ds, c->st, (uint32_t) ref, f);
	*name = "";
}

/* An item as explain sees it in the model: key_no per account. */
static ModelSide
side_of(const Dataset *ds, const ModelIndex *ix, uint32_t item, int64_t *keys, int64_t *pkeys)
{
	const Item *it = DS_ITEM(ds, item);
	ModelSide	s = {it->item_id, keys_item_owner(it), it->created_at, it->n_keyable, 0, keys, pkeys};

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		const Account a = keys_account(ds, it->first_account + k);

		if (a.key == KEY_NONE && a.pkey == KEY_NONE)
			continue;
		keys[s.n_acc] = a.key == KEY_NONE ? MODEL_NONE : (int64_t) a.key;
		pkeys[s.n_acc++] = a.pkey == KEY_NONE ? MODEL_NONE : (int64_t) (ix->n_keys + a.pkey);
	}
	return s;
}

static uint32_t
add(Dataset *ds, const char *id, const char *owner, const char *json)
{
	TuRow		r = {.item_id = id, .owner_id = owner, .created_at = 1, .updated_at = 1};

	return tu_add(ds, &r, json, NULL);
}

/* Every key's list of Items is strictly ascending: each Item once. */
static void
check_lists_ascending(const ModelIndex *ix)
{
	for (uint32_t k = 0; k < ix->n_keys + ix->n_pkeys; k++)
		for (uint32_t j = ix->key_offsets[k] + 1; j < ix->key_offsets[k + 1]; j++)
			ck_assert_uint_lt(ix->key_item_nos[j - 1], ix->key_item_nos[j]);
}

START_TEST(model_scores_equal_run_scores)
{
	Dataset		ds;
	MatchOptions mo = {3, 1000000, 5.0, NULL, false, 0.0, NULL};
	MatchResult mr;
	ModelIndex	ix;
	Vec			cands;
	char		err[200];
	char		json[512];

	keys_dataset_init(&ds, NULL);
	/* a few re-links, joint holders, a hot key (5 Items > cap 3), unkeyable accounts */
	for (int i = 0; i < 12; i++)
	{
		snprintf(json, sizeof(json),
				 "{\"accounts\":[{\"name\":\"Total Checking\",\"mask\":\"%04d\"},"
				 "{\"name\":\"Savings\",\"mask\":\"%04d\",\"persistent_account_id\":\"p%d\"},"
				 "{\"name\":\"Hot\",\"mask\":\"0000\"},{\"name\":null,\"mask\":\"1\"}],"
				 "\"item\":{\"institution_id\":\"ins_%d\"}}", i % 4, i % 3, i % 5, i % 2);
		char		id[16];

		snprintf(id, sizeof(id), "it%02d", i);
		add(&ds, id, i % 3 ? "u1" : NULL, json);
	}
	vec_init(&cands, sizeof(Cand));
	ck_assert(match_find_pairs_each(&ds, &mo, collect, &cands, &mr, err, sizeof(err)));
	ck_assert_uint_gt(cands.len, 5);
	ck_assert_uint_gt(mr.hot_keys, 0);
	model_index_build(&ds, &ix);
	model_index_fill_keys(&ds, &ix);
	{
		Ctx			c = {&ds, &mr.stats, &ix, mo.hot_key_cap};

		for (size_t i = 0; i < cands.len; i++)
		{
			const Cand *cd = &VEC_AT(&cands, Cand, i);
			int64_t		k1[8],
						p1[8],
						k2[8],
						p2[8];
			ModelSide	a = side_of(&ds, &ix, cd->a, k1, p1);
			ModelSide	b = side_of(&ds, &ix, cd->b, k2, p2);
			ModelPair	mp;
			uint32_t	n = mr.stats.institution_items[DS_ITEM(&ds, cd->a)->institution];

			model_score_pair(&a, &b, n, usable, freq, &c, &mp);
			ck_assert_msg(mp.d.score == cd->score, "pair %u-%u: model %.17g run %.17g",
						  cd->a, cd->b, mp.d.score, cd->score);
			model_pair_free(&mp);
		}
	}
	/* the index: every key's Items once, ascending */
	check_lists_ascending(&ix);
	model_index_free(&ix);
	match_result_free(&mr);
	vec_free(&cands);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(model_hashes_are_stable_and_distinct)
{
	int64_t		h = model_hash_account(ENV_PRODUCTION, "ins_1", "total checking", "1111");

	ck_assert(h == model_hash_account(ENV_PRODUCTION, "ins_1", "total checking", "1111"));
	ck_assert(h != model_hash_account(ENV_SANDBOX, "ins_1", "total checking", "1111"));
	ck_assert(h != model_hash_account(ENV_PRODUCTION, "ins_1", "total checkin", "g1111"));
	ck_assert(h != model_hash_persistent(ENV_PRODUCTION, "ins_1", "total checking"));
	ck_assert(model_hash_name(ENV_PRODUCTION, "ins_1", "a") !=
			  model_hash_name(ENV_PRODUCTION, "ins_1", "b"));
}
END_TEST

START_TEST(model_hash_of_long_parts_is_the_same_function)
{
	char		longname[1500];
	char		joined[1600];
	size_t		n = 0;
	const char *parts[5] = {"a", "production", "ins_1", longname, "1111"};

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	for (int i = 0; i < 5; i++)
	{
		memcpy(joined + n, parts[i], strlen(parts[i]) + 1);
		n += strlen(parts[i]) + 1;
	}
	/* past the one-call buffer: streamed, the same XXH3-64 of the parts and their 0 bytes */
	ck_assert(model_hash_account(ENV_PRODUCTION, "ins_1", longname, "1111") ==
			  (int64_t) XXH3_64bits(joined, n));
}
END_TEST

/*
 * key_no is the signed hash order, ties by ref, every ref once, and each
 * key_no in its published bucket's range (key_bucket_start): with real
 * hashes over many buckets (insertion sorts)
 * and with every hash the same (one bucket of them all: the long-bucket
 * sort, order by ref).
 */
static void
check_key_numbering(bool constant, bool constant_top)
{
	Dataset		ds;
	ModelIndex	ix;
	char		json[256],
				id[16];
	uint32_t	n_all;
	uint8_t    *seen;
	int64_t    *h;

	keys_dataset_init(&ds, NULL);
	for (int i = 0; i < 700; i++)
	{
		snprintf(json, sizeof(json), "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"%04d\","
				 "\"persistent_account_id\":\"p%d\"},{\"name\":\"Savings %d\",\"mask\":\"12\"}],"
				 "\"item\":{\"institution_id\":\"ins_1\"}}",
				 i, i, i % 40);
		snprintf(id, sizeof(id), "k%03d", i);
		add(&ds, id, NULL, json);
	}
	model_test_constant_hash(constant);
	model_test_constant_top(constant_top);
	model_index_build(&ds, &ix);
	model_index_fill_keys(&ds, &ix);
	n_all = ix.n_keys + ix.n_pkeys;
	h = malloc(n_all * sizeof(int64_t));
	for (uint32_t r = 0; r < n_all; r++)
		h[r] = model_ref_hash(&ds, &ix, r);
	model_test_constant_hash(false);
	model_test_constant_top(false);
	ck_assert_uint_eq(n_all, 700 + 40 + 700);
	ck_assert_uint_eq(ix.n_numbered, n_all);
	ck_assert_uint_eq(ix.key_bits, model_bucket_bits(n_all));
	ck_assert_uint_eq(ix.key_bucket_start[(size_t) 1 << ix.key_bits], n_all);
	seen = calloc(n_all, 1);
	for (uint32_t no = 0; no < n_all; no++)
	{
		uint32_t	r = ix.ref_of_no[no];

		ck_assert(r < n_all && !seen[r]);
		seen[r] = 1;
		/* its bucket's range of key_no holds it */
		ck_assert_uint_le(ix.key_bucket_start[model_bucket(h[r], ix.key_bits)], no);
		ck_assert_uint_gt(ix.key_bucket_start[model_bucket(h[r], ix.key_bits) + 1], no);
		if (no > 0)
		{
			uint32_t	p = ix.ref_of_no[no - 1];

			ck_assert(h[p] < h[r] || (h[p] == h[r] && p < r));
		}
	}
	/* once the keys are written, the map the other way: ref -> key_no */
	memcpy(h, ix.ref_of_no, n_all * sizeof(uint32_t));
	model_index_free_keys(&ix);
	ck_assert_ptr_null(ix.ref_of_no);
	ck_assert_ptr_null(ix.key_offsets);
	for (uint32_t no = 0; no < n_all; no++)
		ck_assert(ix.key_no_of[((uint32_t *) h)[no]] == no);
	free(h);
	free(seen);
	model_index_free(&ix);
	keys_dataset_free(&ds);
}

/*
 * An Item lists under a key once however many of its accounts carry it:
 * a few repeats (sorted in place) and 40 accounts (the qsort path).
 */
START_TEST(model_index_lists_an_item_once_per_key)
{
	Dataset		ds;
	ModelIndex	ix;
	StrBuf		j;
	uint32_t	a,
				b;

	keys_dataset_init(&ds, NULL);
	sb_init(&j);
	sb_puts(&j, "{\"item\":{\"institution_id\":\"ins_1\"},\"accounts\":[");
	for (int i = 0; i < 40; i++)
		sb_printf(&j, "%s{\"name\":\"Checking\",\"mask\":\"%s\",\"persistent_account_id\":\"p\"}",
				  i ? "," : "", i % 2 ? "1234" : "5678");
	sb_puts(&j, "]}");
	a = add(&ds, "a", NULL, j.data);
	b = add(&ds, "b", NULL, "{\"item\":{\"institution_id\":\"ins_1\"},\"accounts\":["
			"{\"name\":\"Checking\",\"mask\":\"1234\"},{\"name\":\"checking\",\"mask\":\"1234\"}]}");
	model_index_build(&ds, &ix);
	model_index_fill_keys(&ds, &ix);
	/* two account keys and one persistent id; every list has its Items once */
	ck_assert_uint_eq(ix.n_numbered, 3);
	ck_assert_uint_eq(model_key_count(&ix, tu_account(&ds, a, 1).key), 2);	/* 1234: a and b */
	ck_assert_uint_eq(model_key_count(&ix, tu_account(&ds, a, 0).key), 1);	/* 5678: a */
	ck_assert_uint_eq(model_key_count(&ix, ix.n_keys + tu_account(&ds, a, 0).pkey), 1);
	ck_assert_uint_eq(model_key_count(&ix, tu_account(&ds, b, 0).key), 2);
	check_lists_ascending(&ix);
	model_index_free(&ix);
	sb_free(&j);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(model_keys_numbered_in_hash_order)
{
	check_key_numbering(false, false);
	check_key_numbering(true, false);
	/* every top 32 bits alike: the order comes from the full hashes, recomputed */
	check_key_numbering(false, true);
}
END_TEST

START_TEST(model_buckets_follow_signed_hash_order)
{
	ck_assert_uint_eq(model_bucket(INT64_MIN, 4), 0);
	ck_assert_uint_eq(model_bucket(-1, 4), 7);
	ck_assert_uint_eq(model_bucket(0, 4), 8);
	ck_assert_uint_eq(model_bucket(INT64_MAX, 4), 15);
	ck_assert_uint_eq(model_bucket(INT64_MAX, 0), 0);
	ck_assert_uint_eq(model_bucket_bits(0), 0);
	ck_assert_uint_eq(model_bucket_bits(MODEL_BUCKET_TARGET), 0);
	ck_assert_uint_eq(model_bucket_bits(MODEL_BUCKET_TARGET + 1), 1);
	ck_assert_uint_eq(model_bucket_bits(UINT64_MAX), 24);
}
END_TEST

/* One blob of each entry kind, as the publisher writes them. */
static void
pack_sample(StrBuf *keys, StrBuf *names, StrBuf *items)
{
	static const uint32_t list[3] = {5, 6, 300000};
	static const int64_t acc_key[2] = {7, MODEL_NONE};
	static const int64_t acc_pkey[2] = {MODEL_NONE, 123456789};

	model_pack_account_key(keys, 42, "1111", 3, 9, false, list, 3);
	model_pack_persistent_key(keys, ENV_SANDBOX, "ins_9", "pid-\xc3\xa9", 2000, true, NULL, 0);
	model_pack_name(names, ENV_PRODUCTION, "ins_1", "total checking", 4, 11);
	model_pack_item(items, "I1", NULL, ENV_DEVELOPMENT, "ins_1", TIMESTAMP_NULL, 2, 2, acc_key,
					acc_pkey);
	model_pack_item(items, "I2", "", ENV_PRODUCTION, "ins_1", -5, 0, 0, NULL, NULL);
}

START_TEST(model_pack_round_trip)
{
	StrBuf		kb, nb, ib;
	ModelPackReader r;
	PackedKey	k;
	PackedName	nm;
	PackedItem	it;
	uint32_t	got[3];
	int64_t		ak[2], ap[2];

	sb_init(&kb), sb_init(&nb), sb_init(&ib);
	pack_sample(&kb, &nb, &ib);
	r = (ModelPackReader) {(const uint8_t *) kb.data, (const uint8_t *) kb.data + kb.len};
	ck_assert_int_eq(model_unpack_key(&r, &k), 1);
	ck_assert(!k.persistent && !k.hot && k.name_no == 42 && k.key_items == 3 && k.gkey_items == 9);
	ck_assert(model_pack_str_eq(k.mask, "1111") && !model_pack_str_eq(k.mask, "111"));
	ck_assert_uint_eq(k.n_items, 3);
	model_unpack_key_items(&k, got);
	ck_assert(got[0] == 5 && got[1] == 6 && got[2] == 300000);
	ck_assert_int_eq(model_unpack_key(&r, &k), 1);
	ck_assert(k.persistent && k.hot && k.n_items == 0 && k.env == ENV_SANDBOX && k.key_items == 2000);
	ck_assert(model_pack_str_eq(k.institution, "ins_9") &&
			  model_pack_str_eq(k.persistent_id, "pid-\xc3\xa9"));
	ck_assert_int_eq(model_unpack_key(&r, &k), 0);
	r = (ModelPackReader) {(const uint8_t *) nb.data, (const uint8_t *) nb.data + nb.len};
	ck_assert_int_eq(model_unpack_name(&r, &nm), 1);
	ck_assert(nm.env == ENV_PRODUCTION && nm.name_items == 4 && nm.gname_items == 11 &&
			  model_pack_str_eq(nm.name, "total checking"));
	r = (ModelPackReader) {(const uint8_t *) ib.data, (const uint8_t *) ib.data + ib.len};
	ck_assert_int_eq(model_unpack_item(&r, &it), 1);
	ck_assert(!it.has_owner && it.created_at == TIMESTAMP_NULL && it.keyable == 2 && it.n_acc == 2);
	model_unpack_item_accounts(&it, ak, ap);
	ck_assert(ak[0] == 7 && ak[1] == MODEL_NONE && ap[0] == MODEL_NONE && ap[1] == 123456789);
	ck_assert_int_eq(model_unpack_item(&r, &it), 1);
	ck_assert(it.has_owner && it.owner_id.len == 0 && it.created_at == -5 && it.n_acc == 0);
	ck_assert_int_eq(model_unpack_item(&r, &it), 0);
	sb_free(&kb), sb_free(&nb), sb_free(&ib);
}
END_TEST

/*
 * Entries at their largest — every number at its widest varint, long
 * strings, an Item of 1,000 accounts — are written within the room each
 * packer reserves (model_pack.c asserts it) and read back whole.
 */
START_TEST(model_pack_widest_entries_fit_and_read_back)
{
	enum {N_ACC = 1000, N_LIST = 300};
	StrBuf		kb, nb, ib;
	char		big[4097];
	uint32_t   *list = malloc(N_LIST * sizeof(uint32_t)),
			   *got = malloc(N_LIST * sizeof(uint32_t));
	int64_t    *ak = malloc(N_ACC * sizeof(int64_t)),
			   *ap = malloc(N_ACC * sizeof(int64_t)),
			   *rk = malloc(N_ACC * sizeof(int64_t)),
			   *rp = malloc(N_ACC * sizeof(int64_t));
	ModelPackReader r;
	PackedKey	k;
	PackedName	nm;
	PackedItem	it;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* 0, then a gap of 2^32 - 2 (a 5-byte varint), zero gaps, a gap of 1 */
	list[0] = 0;
	for (uint32_t i = 1; i < N_LIST - 1; i++)
		list[i] = UINT32_MAX - 1;
	list[N_LIST - 1] = UINT32_MAX;
	for (int i = 0; i < N_ACC; i++)
	{
		ak[i] = i % 2 ? INT64_MAX - 1 : MODEL_NONE;
		ap[i] = i % 3 ? (int64_t) UINT32_MAX : INT64_MAX - 1;
	}
	sb_init(&kb), sb_init(&nb), sb_init(&ib);
	model_pack_account_key(&kb, UINT32_MAX, big, UINT32_MAX, UINT32_MAX, false, list, N_LIST);
	model_pack_persistent_key(&kb, 255, big, big, UINT32_MAX, false, list, N_LIST);
	model_pack_name(&nb, 255, big, big, UINT32_MAX, UINT32_MAX);
	model_pack_item(&ib, big, big, 255, big, INT64_MIN, UINT32_MAX, N_ACC, ak, ap);
	model_pack_item(&ib, big, NULL, 0, "", INT64_MAX, 0, N_ACC, ak, ap);

	r = (ModelPackReader) {(const uint8_t *) kb.data, (const uint8_t *) kb.data + kb.len};
	ck_assert_int_eq(model_unpack_key(&r, &k), 1);
	ck_assert(!k.persistent && k.name_no == UINT32_MAX && k.key_items == UINT32_MAX &&
			  k.gkey_items == UINT32_MAX && model_pack_str_eq(k.mask, big));
	ck_assert_uint_eq(k.n_items, N_LIST);
	model_unpack_key_items(&k, got);
	ck_assert_mem_eq(got, list, N_LIST * sizeof(uint32_t));
	ck_assert_int_eq(model_unpack_key(&r, &k), 1);
	ck_assert(k.persistent && k.env == 255 && model_pack_str_eq(k.institution, big) &&
			  model_pack_str_eq(k.persistent_id, big) && k.n_items == N_LIST);
	ck_assert_int_eq(model_unpack_key(&r, &k), 0);
	r = (ModelPackReader) {(const uint8_t *) nb.data, (const uint8_t *) nb.data + nb.len};
	ck_assert_int_eq(model_unpack_name(&r, &nm), 1);
	ck_assert(nm.env == 255 && nm.name_items == UINT32_MAX && nm.gname_items == UINT32_MAX &&
			  model_pack_str_eq(nm.name, big) && model_pack_str_eq(nm.institution, big));
	r = (ModelPackReader) {(const uint8_t *) ib.data, (const uint8_t *) ib.data + ib.len};
	ck_assert_int_eq(model_unpack_item(&r, &it), 1);
	ck_assert(it.has_owner && model_pack_str_eq(it.owner_id, big) &&
			  it.created_at == INT64_MIN && it.keyable == UINT32_MAX && it.n_acc == N_ACC);
	model_unpack_item_accounts(&it, rk, rp);
	ck_assert_mem_eq(rk, ak, N_ACC * sizeof(int64_t));
	ck_assert_mem_eq(rp, ap, N_ACC * sizeof(int64_t));
	ck_assert_int_eq(model_unpack_item(&r, &it), 1);
	ck_assert(!it.has_owner && it.created_at == INT64_MAX && it.n_acc == N_ACC &&
			  it.institution.len == 0);
	ck_assert_int_eq(model_unpack_item(&r, &it), 0);
	sb_free(&kb), sb_free(&nb), sb_free(&ib);
	free(list), free(got), free(ak), free(ap), free(rk), free(rp);
}
END_TEST

/* Every cut of a blob ends in a corrupt entry or at an entry's end, never past the cut. */
START_TEST(model_pack_truncated_blobs_are_corrupt_not_overread)
{
	StrBuf		kb, nb, ib;

	sb_init(&kb), sb_init(&nb), sb_init(&ib);
	pack_sample(&kb, &nb, &ib);
	for (int kind = 0; kind < 3; kind++)
	{
		const StrBuf *b = kind == 0 ? &kb : kind == 1 ? &nb : &ib;

		for (size_t cut = 0; cut < b->len; cut++)
		{
			uint8_t    *copy = malloc(cut > 0 ? cut : 1);	/* exactly cut bytes, for ASan */
			ModelPackReader r = {copy, copy + cut};
			PackedKey	k;
			PackedName	nm;
			PackedItem	it;
			int			rc,
						entries = 0;

			memcpy(copy, b->data, cut);
			while ((rc = kind == 0 ? model_unpack_key(&r, &k) : kind == 1
					? model_unpack_name(&r, &nm) : model_unpack_item(&r, &it)) == 1)
				entries++;
			ck_assert(rc == -1 || (rc == 0 && r.p == r.end));
			ck_assert(r.p <= r.end && entries <= 2);
			free(copy);
		}
	}
	sb_free(&kb), sb_free(&nb), sb_free(&ib);
}
END_TEST

START_TEST(model_unhex_refuses_what_is_not_hex)
{
	uint8_t		out[4];

	ck_assert(model_unhex("00ff7A", 6, out) && out[0] == 0 && out[1] == 0xff && out[2] == 0x7a);
	ck_assert(!model_unhex("0g", 2, out));
	ck_assert(!model_unhex("abc", 3, out));
}
END_TEST

Suite *
model_suite(void)
{
	Suite	   *s = suite_create("model");
	TCase	   *tc = tcase_create("model");

	tcase_add_test(tc, model_scores_equal_run_scores);
	tcase_add_test(tc, model_hashes_are_stable_and_distinct);
	tcase_add_test(tc, model_hash_of_long_parts_is_the_same_function);
	tcase_add_test(tc, model_buckets_follow_signed_hash_order);
	tcase_add_test(tc, model_keys_numbered_in_hash_order);
	tcase_add_test(tc, model_index_lists_an_item_once_per_key);
	tcase_add_test(tc, model_pack_round_trip);
	tcase_add_test(tc, model_pack_widest_entries_fit_and_read_back);
	tcase_add_test(tc, model_pack_truncated_blobs_are_corrupt_not_overread);
	tcase_add_test(tc, model_unhex_refuses_what_is_not_hex);
	suite_add_tcase(s, tc);
	return s;
}
