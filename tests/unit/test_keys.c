/*
 * test_keys.c — the Interner under forced hash collisions, institution
 * resolution, key scoping, the snapshot rule, source-column checks and the
 * frequency stats (docs/SOURCE.md "Columns" and "Keys").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "suites.h"
#include "testutil.h"

#define ONE_ACCOUNT "[{\"name\":\"Plaid Checking\",\"mask\":\"0000\"}]"

/* Every key hashes the same: only the byte comparison tells them apart. */
static KeyHash
const_hash(const void *bytes, size_t len)
{
	KeyHash		h = {42, 7};

	(void) bytes;
	(void) len;
	return h;
}

START_TEST(test_interner_forced_collision)
{
	Interner	in;
	bool		is_new = false;
	uint32_t	alpha, beta, gamma;

	keys_interner_init(&in, const_hash);
	alpha = keys_intern(&in, "alpha", 5, &is_new);
	ck_assert(is_new);
	beta = keys_intern(&in, "beta", 4, &is_new);
	ck_assert(is_new);
	gamma = keys_intern(&in, "gamma", 5, &is_new);
	ck_assert(is_new);
	ck_assert_uint_ne(alpha, beta);
	ck_assert_uint_ne(beta, gamma);
	ck_assert_uint_ne(alpha, gamma);
	/* beta met alpha, gamma met alpha and beta: hash hits, different bytes */
	ck_assert_uint_ge(in.collisions, 2);

	ck_assert_uint_eq(keys_intern(&in, "alpha", 5, &is_new), alpha);
	ck_assert(!is_new);
	ck_assert_uint_eq(keys_intern(&in, "gamma", 5, &is_new), gamma);
	ck_assert(!is_new);
	ck_assert_uint_eq(in.n, 3);

	ck_assert_uint_eq(keys_lookup(&in, "beta", 4), beta);
	ck_assert_uint_eq(keys_lookup(&in, "delta", 5), KEY_NONE);
	ck_assert_uint_eq(keys_lookup(&in, "alph", 4), KEY_NONE);
	ck_assert_uint_eq(in.n, 3);

	/* prefixes and embedded NULs are different byte strings */
	uint32_t	ab = keys_intern(&in, "ab", 2, NULL);
	uint32_t	abc = keys_intern(&in, "abc", 3, NULL);
	uint32_t	a0b = keys_intern(&in, "a\0b", 3, NULL);
	uint32_t	a0c = keys_intern(&in, "a\0c", 3, NULL);
	uint32_t	empty = keys_intern(&in, "", 0, NULL);

	ck_assert_uint_ne(ab, abc);
	ck_assert_uint_ne(a0b, a0c);
	ck_assert_uint_ne(a0b, ab);
	ck_assert_uint_ne(empty, ab);
	ck_assert_uint_eq(in.n, 8);
	ck_assert_uint_eq(keys_lookup(&in, "a\0c", 3), a0c);
	ck_assert_uint_eq(keys_lookup(&in, "a\0d", 3), KEY_NONE);
	ck_assert_uint_eq(keys_lookup(&in, "", 0), empty);
	ck_assert_uint_eq(in.lens[a0b], 3);
	ck_assert_int_eq(memcmp(in.bytes[a0b], "a\0b", 3), 0);
	keys_interner_free(&in);
}
END_TEST

START_TEST(test_interner_collision_grow)
{
	Interner	in;
	char		buf[32];
	const int	n = 2500;		/* past the initial 1024 slots */

	keys_interner_init(&in, const_hash);
	for (int i = 0; i < n; i++)
	{
		int			len = snprintf(buf, sizeof(buf), "key-%d", i);
		bool		is_new = false;

		ck_assert_uint_eq(keys_intern(&in, buf, (size_t) len, &is_new), (uint32_t) i);
		ck_assert(is_new);
	}
	ck_assert_uint_eq(in.n, (size_t) n);
	ck_assert_uint_gt(in.collisions, (uint64_t) n);
	for (int i = n - 1; i >= 0; i--)
	{
		int			len = snprintf(buf, sizeof(buf), "key-%d", i);
		bool		is_new = true;

		ck_assert_uint_eq(keys_lookup(&in, buf, (size_t) len), (uint32_t) i);
		ck_assert_uint_eq(keys_intern(&in, buf, (size_t) len, &is_new), (uint32_t) i);
		ck_assert(!is_new);
	}
	ck_assert_uint_eq(in.n, (size_t) n);
	keys_interner_free(&in);
}
END_TEST

/* Short keys, all colliding, packed side by side: same answers, growth included. */
START_TEST(test_interner_short_keys)
{
	Interner	in;
	char		buf[32];
	const int	n = 2100;		/* grows twice past the initial 1024 slots */

	keys_interner_init(&in, const_hash);
	for (int i = 0; i < n; i++)
	{
		/* 4 to 11 bytes: both sides of the 8-byte line, all colliding */
		int			len = snprintf(buf, sizeof(buf), "%0*d", 4 + i % 8, i);
		bool		is_new = false;

		ck_assert_uint_eq(keys_intern(&in, buf, (size_t) len, &is_new), (uint32_t) i);
		ck_assert(is_new);
	}
	for (int i = n - 1; i >= 0; i--)
	{
		int			len = snprintf(buf, sizeof(buf), "%0*d", 4 + i % 8, i);

		ck_assert_uint_eq(keys_lookup(&in, buf, (size_t) len), (uint32_t) i);
		/* one byte more is another key */
		buf[len] = 'x';
		ck_assert_uint_eq(keys_lookup(&in, buf, (size_t) len + 1), KEY_NONE);
	}
	/* embedded NULs and exactly 8 bytes */
	uint32_t	a = keys_intern(&in, "a\0\0\0\0\0\0b", 8, NULL);
	uint32_t	b = keys_intern(&in, "a\0\0\0\0\0\0c", 8, NULL);

	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(keys_lookup(&in, "a\0\0\0\0\0\0b", 8), a);
	ck_assert_uint_eq(keys_lookup(&in, "a\0\0\0\0\0\0", 7), KEY_NONE);
	ck_assert_uint_eq(in.n, (size_t) n + 2);
	keys_interner_free(&in);
}
END_TEST

/* After the read: ids and counts stay, the tables go, lookups find nothing. */
START_TEST(test_dataset_seal)
{
	Dataset		ds;
	TuRow		r = {0};
	uint32_t	a;

	keys_dataset_init(&ds, NULL);
	r.institution_id = "ins_1";
	r.item_id = "item-a";
	a = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
	ck_assert_uint_eq(keys_find_item(&ds, "item-a", 6), a);
	ck_assert_uint_eq(keys_find_item(&ds, "item-b", 6), KEY_NONE);
	keys_dataset_seal(&ds);
	ck_assert_uint_eq(ds.keys.n, 1);
	ck_assert_uint_eq(ds.names.n, 1);
	ck_assert_uint_eq(ds.gkeys.n, 1);
	ck_assert_uint_eq(ds.gnames.n, 1);
	ck_assert_uint_eq(ds.item_ids.n, 1);
	ck_assert_ptr_null(ds.keys.slots);
	ck_assert_ptr_null(ds.item_times.data);
	ck_assert_uint_eq(keys_find_item(&ds, "item-a", 6), KEY_NONE);
	ck_assert_uint_eq(keys_lookup(&ds.pkeys, "x", 1), KEY_NONE);
	/* what matching and publish read stays */
	ck_assert_str_eq(DS_ITEM(&ds, a)->item_id, "item-a");
	ck_assert_str_eq(VEC_AT(&ds.name_info, NameInfo, 0).name, "plaid checking");
	ck_assert_str_eq(VEC_AT(&ds.key_info, KeyInfo, 0).mask, "0000");
	keys_dataset_free(&ds);
}
END_TEST

/* IdTable test data: value v's key is words[v]. */
typedef struct Words
{
	char		w[4000][16];
} Words;

static const void *
word_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const Words *ws = ctx;

	(void) buf;
	*len = strlen(ws->w[v]);
	return ws->w[v];
}

/* Values past 40 stand for the same words: value v's key is words[v % 40]. */
static const void *
wide_word_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	return word_key(ctx, v % 40, buf, len);
}

/*
 * An IdTable keeps no key: every hit is confirmed through key_of.  With
 * every hash equal, and with the real one: growth from 1024 slots past
 * 4,000 values, lookups of absent keys (prefixes, longer ones), a value
 * replaced in place, and collisions counted only for equal hashes.
 */
START_TEST(test_idtable_growth_absent_collisions)
{
	static Words ws;
	IdTable		t;
	size_t		slot;
	const int	n = 4000;

	for (int i = 0; i < n; i++)
		snprintf(ws.w[i], sizeof(ws.w[i]), "w%d", i);
	keys_idtable_init(&t, _i ? NULL : const_hash, 0);
	ck_assert_uint_eq(t.n_slots, 1024);
	for (int i = 0; i < n; i++)
	{
		ck_assert_uint_eq(keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), word_key, &ws, &slot),
						  KEY_NONE);
		keys_idtable_put(&t, slot, (uint32_t) i, word_key, &ws);
	}
	ck_assert_uint_eq(t.n, (size_t) n);
	/* grown past 3/4 full, and only then (4,000 values: 8,192 slots) */
	ck_assert_uint_le(t.n, t.n_slots / 4 * 3);
	ck_assert_uint_gt(t.n, t.n_slots / 8 * 3);
	for (int i = n - 1; i >= 0; i--)
		ck_assert_uint_eq(keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), word_key, &ws, &slot),
						  (uint32_t) i);
	ck_assert_uint_eq(keys_idtable_find(&t, "w", 1, word_key, &ws, &slot), KEY_NONE);
	ck_assert_uint_eq(keys_idtable_find(&t, "w40000", 6, word_key, &ws, &slot), KEY_NONE);
	ck_assert_uint_eq(keys_idtable_find(&t, "", 0, word_key, &ws, &slot), KEY_NONE);
	if (_i)
		ck_assert_uint_eq(t.collisions, 0);
	else
		ck_assert_uint_gt(t.collisions, (uint64_t) n);

	/* the snapshot rule's move: the slot of w7 now holds value 9 */
	ck_assert_uint_eq(keys_idtable_find(&t, "w7", 2, word_key, &ws, &slot), 7);
	keys_idtable_set(&t, slot, 9, word_key, &ws);
	ck_assert_uint_eq(keys_idtable_find(&t, "w9", 2, word_key, &ws, &slot), 9);
	keys_idtable_free(&t);
	ck_assert_ptr_null(t.slots);
}
END_TEST

/* Sized for an expected count, at most 3/4 full: no growth up to it, no more slots. */
START_TEST(test_idtable_expected_size)
{
	static Words ws;
	IdTable		t;
	size_t		slot,
				n_slots;

	keys_idtable_init(&t, NULL, 3000);
	n_slots = t.n_slots;
	ck_assert_uint_eq(n_slots, 4096);	/* 3000 <= 3/4 of 4096 */
	for (int i = 0; i < 3000; i++)
	{
		snprintf(ws.w[i], sizeof(ws.w[i]), "x%d", i);
		(void) keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), word_key, &ws, &slot);
		keys_idtable_put(&t, slot, (uint32_t) i, word_key, &ws);
	}
	ck_assert_uint_eq(t.n_slots, n_slots);
	keys_idtable_free(&t);
}
END_TEST

/* Hashes that split the tag from the slot index (keys.h "IdTable"). */
static KeyHash
home_only_hash(const void *bytes, size_t len)
{
	KeyHash		h = keys_hash_xxh3(bytes, len);

	h.lo = 5;					/* one home slot for all: every probe passes every value */
	return h;
}

static KeyHash
tag_only_hash(const void *bytes, size_t len)
{
	KeyHash		h = keys_hash_xxh3(bytes, len);

	/* every tag equal (hi's top 32 bits), the whole hash still distinct */
	h.hi &= UINT32_MAX;
	h.lo &= 7;					/* 8 homes: long runs of equal tags */
	return h;
}

static int	key_reads;

static const void *
counted_word_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	key_reads++;
	return word_key(ctx, v, buf, len);
}

/*
 * A probe reads a value's key only when the slot's tag matches: with every
 * key on one probe path, adding 2,000 new keys reads few of them (the old
 * table read every one it passed: ~2 million).  With every tag equal, the
 * full key bytes still tell all keys apart, and a hit on an equal tag
 * whose whole hash differs is no collision.
 */
START_TEST(test_idtable_tags)
{
	static Words ws;
	IdTable		t;
	size_t		slot;
	const int	n = 2000;

	for (int i = 0; i < n; i++)
		snprintf(ws.w[i], sizeof(ws.w[i]), "t%d", i);
	keys_idtable_init(&t, _i ? tag_only_hash : home_only_hash, 4 * (size_t) n);
	key_reads = 0;
	for (int i = 0; i < n; i++)
	{
		ck_assert_uint_eq(keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), counted_word_key,
											&ws, &slot), KEY_NONE);
		keys_idtable_put(&t, slot, (uint32_t) i, counted_word_key, &ws);
	}
	if (_i == 0)
		ck_assert_int_lt(key_reads, n);	/* tags of 14 bits: ~n * n / 2 / 2^14 */
	else
		ck_assert_int_gt(key_reads, n * 10);	/* equal tags: the keys are read */
	for (int i = n - 1; i >= 0; i--)
		ck_assert_uint_eq(keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), counted_word_key,
											&ws, &slot), (uint32_t) i);
	ck_assert_uint_eq(keys_idtable_find(&t, "t", 1, counted_word_key, &ws, &slot), KEY_NONE);
	ck_assert_uint_eq(keys_idtable_find(&t, "t20000", 6, counted_word_key, &ws, &slot),
					  KEY_NONE);
	ck_assert_uint_eq(t.n, (size_t) n);
	ck_assert_uint_eq(t.collisions, 0);
	keys_idtable_free(&t);
}
END_TEST

/*
 * Values past a slot's value bits (an Item index past n_slots - 2, the
 * snapshot rule's) grow the table, on put and on set, and every value
 * stays found under its key.
 */
START_TEST(test_idtable_wide_values)
{
	static Words ws;
	IdTable		t;
	size_t		slot;

	for (int i = 0; i < 40; i++)
		snprintf(ws.w[i], sizeof(ws.w[i]), "v%d", i);
	keys_idtable_init(&t, _i ? const_hash : NULL, 0);
	for (uint32_t i = 0; i < 30; i++)
	{
		ck_assert_uint_eq(keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), word_key, &ws, &slot),
						  KEY_NONE);
		keys_idtable_put(&t, slot, i, word_key, &ws);
	}
	/* word_key reads w[v % 40]: value 3000 + 30's key is "v30", past 1,022 */
	ck_assert_uint_eq(t.n_slots, 1024);
	(void) keys_idtable_find(&t, "v30", 3, wide_word_key, &ws, &slot);
	keys_idtable_put(&t, slot, 3030, wide_word_key, &ws);
	ck_assert_uint_ge(t.n_slots, 4096);
	ck_assert_uint_eq(keys_idtable_find(&t, "v7", 2, wide_word_key, &ws, &slot), 7);
	keys_idtable_set(&t, slot, 9007, wide_word_key, &ws);
	ck_assert_uint_ge(t.n_slots, 16384);
	ck_assert_uint_eq(keys_idtable_find(&t, "v7", 2, wide_word_key, &ws, &slot), 9007);
	ck_assert_uint_eq(keys_idtable_find(&t, "v30", 3, wide_word_key, &ws, &slot), 3030);
	for (uint32_t i = 0; i < 30; i++)
		if (i != 7)
			ck_assert_uint_eq(keys_idtable_find(&t, ws.w[i], strlen(ws.w[i]), wide_word_key,
												&ws, &slot), i);
	ck_assert_uint_eq(t.n, 31);
	keys_idtable_free(&t);
}
END_TEST

/* The rows of the presize test: items repeat (snapshots), names and keys too. */
static void
presize_rows(Dataset *ds)
{
	TuRow		r = {0};
	char		id[32],
				json[256];

	for (int i = 0; i < 3000; i++)
	{
		snprintf(id, sizeof(id), "item-%d", i % 2600);
		r.item_id = id;
		r.updated_at = i % 7;
		r.row_hash = (uint64_t) i * 2654435761u;
		r.institution_id = i % 3 ? "ins_1" : "ins_2";
		snprintf(json, sizeof(json), "{\"accounts\":[{\"name\":\"Name %d\",\"mask\":\"%04d\"},"
				 "{\"name\":\"Other %d\",\"mask\":\"%02d\"}]}", i % 400, i % 900, i % 130, i % 97);
		(void) tu_add(ds, &r, json, NULL);
	}
}

/*
 * keys_dataset_expect from an estimate far too small (grows as it reads),
 * right, or far too large (no growth): the same ids for every key, name,
 * cross-institution id and snapshot winner as without an estimate.
 */
START_TEST(test_dataset_expect_wrong_estimates)
{
	const size_t est[] = {0, 10, 3000, 300000};
	Dataset		ds[4];
	size_t		slots[4];

	for (int e = 0; e < 4; e++)
	{
		keys_dataset_init(&ds[e], NULL);
		keys_dataset_expect(&ds[e], est[e]);
		slots[e] = ds[e].keys.n_slots;
		presize_rows(&ds[e]);
	}
	ck_assert_uint_gt(ds[0].keys.n_slots, slots[0]);	/* grew */
	ck_assert_uint_gt(ds[1].keys.n_slots, slots[1]);
	ck_assert_uint_eq(ds[2].keys.n_slots, slots[2]);	/* sized for it */
	ck_assert_uint_eq(ds[3].keys.n_slots, slots[3]);
	ck_assert_uint_ge(ds[3].item_ids.n_slots / 4 * 3, 300000);	/* at most 3/4 full */
	ck_assert_uint_gt(ds[0].keys.n, 1000);
	for (int e = 1; e < 4; e++)
	{
		ck_assert_uint_eq(ds[e].keys.n, ds[0].keys.n);
		ck_assert_uint_eq(ds[e].names.n, ds[0].names.n);
		ck_assert_uint_eq(ds[e].gkeys.n, ds[0].gkeys.n);
		ck_assert_uint_eq(ds[e].item_ids.n, 2600);
		for (size_t i = 0; i < ds[0].items.len; i++)
		{
			const Item *a = DS_ITEM(&ds[0], i);

			ck_assert_int_eq(a->superseded, DS_ITEM(&ds[e], i)->superseded);
			ck_assert_uint_eq(keys_find_item(&ds[e], a->item_id, strlen(a->item_id)),
							  keys_find_item(&ds[0], a->item_id, strlen(a->item_id)));
			for (uint32_t k = 0; k < a->n_accounts; k++)
			{
				const Account x = tu_account(&ds[0], (uint32_t) i, k);
				const Account y = tu_account(&ds[e], (uint32_t) i, k);

				ck_assert_uint_eq(x.key, y.key);
				ck_assert_uint_eq(keys_key_gkey(&ds[0], x.key), keys_key_gkey(&ds[e], y.key));
				ck_assert_uint_eq(keys_account_name(&ds[0], x), keys_account_name(&ds[e], y));
			}
		}
	}
	for (int e = 0; e < 4; e++)
		keys_dataset_free(&ds[e]);
}
END_TEST

/*
 * The same rows under a constant hash and under XXH3 give the same ids for
 * every account's name, key, persistent key and cross-institution ids, and
 * the same snapshot winners: a collision in any table joins nothing.
 */
START_TEST(test_dataset_same_ids_under_collisions)
{
	Dataset		ds[2];
	TuRow		r = {0};
	char		id[32],
				json[256];

	for (int h = 0; h < 2; h++)
	{
		keys_dataset_init(&ds[h], h ? NULL : const_hash);
		for (int i = 0; i < 300; i++)
		{
			snprintf(id, sizeof(id), "item-%d", i % 250);	/* 50 snapshots again */
			r.item_id = id;
			r.updated_at = i % 7;
			r.row_hash = (uint64_t) i * 2654435761u;
			r.institution_id = i % 3 ? "ins_1" : "ins_2";
			r.env = i % 5 ? NULL : "sandbox";
			snprintf(json, sizeof(json), "{\"accounts\":[{\"name\":\"Name %d\",\"mask\":\"%04d\","
					 "\"persistent_account_id\":\"p%d\"},{\"name\":\"Name %d\",\"mask\":\"%02d\"}]}",
					 i % 40, i % 90, i % 60, i % 13, i % 11);
			(void) tu_add(&ds[h], &r, json, NULL);
		}
	}
	ck_assert_uint_gt(ds[0].keys.collisions + ds[0].names.collisions + ds[0].item_ids.collisions, 0);
	ck_assert_uint_eq(ds[1].keys.collisions + ds[1].names.collisions + ds[1].item_ids.collisions, 0);
	ck_assert_uint_eq(ds[0].keys.n, ds[1].keys.n);
	ck_assert_uint_eq(ds[0].names.n, ds[1].names.n);
	ck_assert_uint_eq(ds[0].gkeys.n, ds[1].gkeys.n);
	ck_assert_uint_eq(ds[0].gnames.n, ds[1].gnames.n);
	ck_assert_uint_eq(ds[0].pkeys.n, ds[1].pkeys.n);
	ck_assert_uint_eq(ds[0].item_ids.n, 250);
	ck_assert_uint_eq(ds[1].item_ids.n, 250);
	ck_assert_uint_gt(ds[0].gkeys.n, 1);
	ck_assert_uint_lt(ds[0].gkeys.n, ds[0].keys.n);		/* some keys share one */
	for (size_t i = 0; i < ds[0].items.len; i++)
	{
		const Item *a = DS_ITEM(&ds[0], i);
		const Item *b = DS_ITEM(&ds[1], i);

		ck_assert_int_eq(a->superseded, b->superseded);
		ck_assert_str_eq(a->item_id, b->item_id);
		ck_assert_uint_eq(keys_find_item(&ds[0], a->item_id, strlen(a->item_id)),
						  keys_find_item(&ds[1], b->item_id, strlen(b->item_id)));
		for (uint32_t k = 0; k < a->n_accounts; k++)
		{
			const Account x = tu_account(&ds[0], (uint32_t) i, k);
			const Account y = tu_account(&ds[1], (uint32_t) i, k);
			const KeyInfo *kx = &VEC_AT(&ds[0].key_info, KeyInfo, x.key);
			const KeyInfo *ky = &VEC_AT(&ds[1].key_info, KeyInfo, y.key);

			ck_assert_uint_eq(x.key, y.key);
			ck_assert_uint_eq(x.pkey, y.pkey);
			ck_assert_uint_eq(keys_key_gkey(&ds[0], x.key), keys_key_gkey(&ds[1], y.key));
			ck_assert_uint_eq(VEC_AT(&ds[0].name_info, NameInfo, kx->name).gname,
							  VEC_AT(&ds[1].name_info, NameInfo, ky->name).gname);
		}
	}
	keys_dataset_free(&ds[0]);
	keys_dataset_free(&ds[1]);
}
END_TEST

/* Packed text sits byte after byte; aligned blocks after it are still aligned. */
START_TEST(test_arena_strpack)
{
	Arena		a;
	char	   *x,
			   *y;
	void	   *z;

	arena_init(&a);
	x = arena_strpack(&a, "abc", 3);
	y = arena_strpack(&a, "de\0f", 4);
	ck_assert_str_eq(x, "abc");
	ck_assert_ptr_eq(y, x + 4);
	ck_assert_int_eq(memcmp(y, "de\0f", 5), 0);
	z = arena_alloc(&a, 24);
	ck_assert_uint_eq((uintptr_t) z % _Alignof(max_align_t), 0);
	ck_assert_ptr_eq(arena_strpack(&a, "", 0)[0] == '\0' ? z : NULL, z);
	for (int i = 0; i < 100000; i++)	/* across blocks */
		ck_assert_str_eq(arena_strpack(&a, "0123456789abcdef0123", 20), "0123456789abcdef0123");
	arena_free(&a);
}
END_TEST

START_TEST(test_interner_real_hash)
{
	Interner	in;
	char		buf[32];

	keys_interner_init(&in, NULL);
	for (int i = 0; i < 20000; i++)
	{
		int			len = snprintf(buf, sizeof(buf), "k%d", i);

		ck_assert_uint_eq(keys_intern(&in, buf, (size_t) len, NULL), (uint32_t) i);
	}
	ck_assert_uint_eq(keys_lookup(&in, "k12345", 6), 12345);
	ck_assert_uint_eq(in.collisions, 0);
	keys_interner_free(&in);
}
END_TEST


START_TEST(test_institution_resolution_order)
{
	Dataset		ds;
	InstitutionMap map;
	TuRow		r = {0};
	uint32_t	i;

	keys_dataset_init(&ds, NULL);
	keys_map_init(&map);
	keys_map_add(&map, "wells", "ins_4");
	keys_map_add(&map, "bofa", "ins_old");
	keys_map_add(&map, "bofa", "ins_1");	/* the later mapping replaces */

	/* source column beats item.institution_id beats institution_type */
	r.item_id = "i0";
	r.institution_id = "ins_col";
	i = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\","
			   "\"institution_type\":\"wells\"}],\"item\":{\"institution_id\":\"ins_payload\"}}",
			   &map);
	ck_assert_uint_ne(tu_institution(&ds, "ins_col"), KEY_NONE);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "ins_col"));
	ck_assert_uint_eq(tu_institution(&ds, "ins_payload"), KEY_NONE);
	ck_assert_uint_eq(tu_institution(&ds, "ins_4"), KEY_NONE);

	/* an empty source column counts as none */
	r.item_id = "i1";
	r.institution_id = "";
	i = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT ",\"item\":{\"institution_id\":\"ins_payload\"}}",
			   &map);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "ins_payload"));
	ck_assert_uint_ne(DS_ITEM(&ds, i)->institution, KEY_NONE);

	/* item.institution_id beats institution_type */
	r.item_id = "i2";
	r.institution_id = NULL;
	i = tu_add(&ds, &r, "{\"accounts\":[{\"meta\":{\"name\":\"a\",\"number\":\"00\"},"
			   "\"institution_type\":\"wells\"}],\"item\":{\"institution_id\":\"ins_9\"}}", &map);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "ins_9"));
	ck_assert_uint_eq(tu_institution(&ds, "ins_4"), KEY_NONE);

	/* institution_type through the map */
	r.item_id = "i3";
	i = tu_add(&ds, &r, "{\"accounts\":[{\"meta\":{\"name\":\"a\",\"number\":\"00\"},"
			   "\"institution_type\":\"wells\"}]}", &map);
	ck_assert_uint_ne(tu_institution(&ds, "ins_4"), KEY_NONE);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "ins_4"));
	ck_assert_uint_eq(tu_institution(&ds, "legacy:wells"), KEY_NONE);
	r.item_id = "i3b";
	i = tu_add(&ds, &r, "{\"accounts\":[{\"meta\":{\"name\":\"a\",\"number\":\"00\"},"
			   "\"institution_type\":\"bofa\"}]}", &map);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "ins_1"));
	ck_assert_uint_eq(tu_institution(&ds, "ins_old"), KEY_NONE);

	/* unmapped: legacy:<type>; without a map at all too */
	r.item_id = "i4";
	i = tu_add(&ds, &r, "{\"accounts\":[{\"meta\":{\"name\":\"a\",\"number\":\"00\"},"
			   "\"institution_type\":\"chase\"}]}", &map);
	ck_assert_uint_ne(tu_institution(&ds, "legacy:chase"), KEY_NONE);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "legacy:chase"));
	r.item_id = "i4b";
	i = tu_add(&ds, &r, "{\"accounts\":[{\"meta\":{\"name\":\"a\",\"number\":\"00\"},"
			   "\"institution_type\":\"wells\"}]}", NULL);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, tu_institution(&ds, "legacy:wells"));
	ck_assert_uint_ne(DS_ITEM(&ds, i)->institution, KEY_NONE);

	/* none at all: every keyable account is no_institution, nothing keyed */
	size_t		keys_before = ds.keys.n;

	r.item_id = "i5";
	i = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"a\",\"mask\":\"00\"},"
			   "{\"name\":\"b\",\"mask\":\"01\",\"persistent_account_id\":\"p\"}],"
			   "\"item\":{\"institution_id\":null}}", &map);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->institution, KEY_NONE);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->n_accounts, 2);
	ck_assert_uint_eq(DS_ITEM(&ds, i)->n_keyable, 0);
	for (uint32_t k = 0; k < 2; k++)
	{
		ck_assert_int_eq(tu_account(&ds, i, k).unkeyable, UNK_NO_INSTITUTION);
		ck_assert_uint_eq(tu_account(&ds, i, k).key, KEY_NONE);
		ck_assert_uint_eq(tu_account(&ds, i, k).pkey, KEY_NONE);
	}
	ck_assert_uint_eq(ds.keys.n, keys_before);
	ck_assert_uint_eq(ds.pkeys.n, 0);

	keys_map_free(&map);
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_keys_scoped_by_env_and_institution)
{
	Dataset		ds;
	TuRow		r = {0};
	uint32_t	a, b, c, d, e, f;
	const char *pl = "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"0000\","
		"\"persistent_account_id\":\"P1\"}]}";

	keys_dataset_init(&ds, const_hash);	/* collisions must not join keys */
	r.institution_id = "ins_1";
	r.item_id = "A";
	a = tu_add(&ds, &r, pl, NULL);
	r.item_id = "B";
	b = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\" PLAID  checking\",\"mask\":\"0000\","
			   "\"persistent_account_id\":\"P1\"}]}", NULL);
	r.item_id = "C";
	r.env = "sandbox";
	c = tu_add(&ds, &r, pl, NULL);
	r.item_id = "E";
	r.env = "development";
	e = tu_add(&ds, &r, pl, NULL);
	r.env = NULL;
	r.item_id = "D";
	r.institution_id = "ins_2";
	d = tu_add(&ds, &r, pl, NULL);
	r.item_id = "F";
	r.institution_id = "ins_1";
	f = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"Plaid Checking\",\"mask\":\"0001\"}]}", NULL);

	const Account ka = tu_account(&ds, a, 0);

	ck_assert_uint_ne(ka.key, KEY_NONE);
	ck_assert_uint_eq(tu_account(&ds, b, 0).key, ka.key);
	ck_assert_uint_eq(tu_account(&ds, b, 0).pkey, ka.pkey);
	ck_assert_uint_ne(tu_account(&ds, c, 0).key, ka.key);
	ck_assert_uint_ne(tu_account(&ds, d, 0).key, ka.key);
	ck_assert_uint_ne(tu_account(&ds, e, 0).key, ka.key);
	ck_assert_uint_ne(tu_account(&ds, e, 0).key, tu_account(&ds, c, 0).key);
	ck_assert_uint_ne(tu_account(&ds, d, 0).pkey, ka.pkey);
	ck_assert_uint_ne(tu_account(&ds, c, 0).pkey, ka.pkey);
	/* same name at the same place, other mask: same name id, other key */
	ck_assert_uint_eq(keys_account_name(&ds, tu_account(&ds, f, 0)), keys_account_name(&ds, ka));
	ck_assert_uint_ne(tu_account(&ds, f, 0).key, ka.key);
	ck_assert_uint_eq(tu_account(&ds, f, 0).pkey, KEY_NONE);
	ck_assert_uint_ne(keys_account_name(&ds, tu_account(&ds, c, 0)), keys_account_name(&ds, ka));
	ck_assert_uint_eq(ds.keys.n, 5);	/* A=B, C, D, E, F */
	ck_assert_uint_eq(ds.pkeys.n, 4);	/* A=B, C, D, E */
	ck_assert_uint_gt(ds.keys.collisions, 0);

	const KeyInfo *ki = &VEC_AT(&ds.key_info, KeyInfo, ka.key);
	const NameInfo *ni = &VEC_AT(&ds.name_info, NameInfo, keys_account_name(&ds, ka));

	ck_assert_uint_eq(ds.key_info.len, ds.keys.n);
	ck_assert_uint_eq(ds.name_info.len, ds.names.n);
	ck_assert_uint_eq(ki->name, keys_account_name(&ds, ka));
	ck_assert_str_eq(ki->mask, "0000");
	ck_assert_str_eq(ni->name, "plaid checking");
	ck_assert_int_eq(ni->env, ENV_PRODUCTION);
	ck_assert_uint_eq(ni->institution, tu_institution(&ds, "ins_1"));
	ck_assert_int_eq(VEC_AT(&ds.name_info, NameInfo, keys_account_name(&ds, tu_account(&ds, c, 0))).env,
					 ENV_SANDBOX);
	ck_assert_uint_eq(DS_ITEM(&ds, a)->n_keyable, 1);
	keys_dataset_free(&ds);
}
END_TEST

/*
 * Persistent ids of lower-case hex are kept as the bytes they spell
 * (keys.h "KEYS_PKEY_HEX"): each id comes back as its text, in both forms,
 * the packed one half as long; an id packed and one that is not (upper
 * case, odd length, another letter) never share a pkey; zero bytes inside
 * the packed form ("00") and the longest id are kept whole.
 */
START_TEST(test_pkey_hex_packed)
{
	static const char *ids[] = {
		"e423f675aeda54532ccf707926aedaa8435aaac0295f247823b8e3e5",	/* Plaid's shape */
		"E423F675AEDA54532CCF707926AEDAA8435AAAC0295F247823B8E3E5",	/* upper case: text */
		"e423f675aeda54532ccf707926aedaa8435aaac0295f247823b8e3e",	/* odd: text */
		"0000", "00", "000", "0g", "P1", "ff00ff", "x",
		NULL,					/* PAYLOAD_MAX_ID hex digits, filled below */
	};
	enum
	{
		N = sizeof(ids) / sizeof(ids[0])
	};
	static char longest[PAYLOAD_MAX_ID + 1];
	static const bool packed[N] = {true, false, false, true, true, false, false, false, true,
	false, true};
	Dataset		ds;
	TuRow		r = {0};
	uint32_t	pk[N];
	char		json[512],
				item[16];

	memset(longest, 'a', PAYLOAD_MAX_ID);
	longest[PAYLOAD_MAX_ID - 1] = '9';
	ids[N - 1] = longest;
	for (int h = 0; h < 2; h++)
	{
		keys_dataset_init(&ds, h ? const_hash : NULL);
		r.institution_id = "ins_1";
		r.env = "development";
		for (int i = 0; i < 2 * N; i++)
		{
			snprintf(item, sizeof(item), "I%d", i);
			r.item_id = item;
			snprintf(json, sizeof(json), "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"0000\","
					 "\"persistent_account_id\":\"%s\"}]}", ids[i % N]);
			uint32_t	p = tu_account(&ds, tu_add(&ds, &r, json, NULL), 0).pkey;

			if (i < N)
				pk[i] = p;
			else
				ck_assert_uint_eq(p, pk[i - N]);	/* the same id, the same pkey */
		}
		ck_assert_uint_eq(ds.pkeys.n, N);	/* every id its own */
		for (int i = 0; i < N; i++)
		{
			char		buf[KEYS_PKEY_TEXT];
			int			env;
			uint32_t	inst;
			size_t		len = strlen(ids[i]);

			ck_assert_str_eq(keys_pkey_parts(&ds, pk[i], &env, &inst, buf), ids[i]);
			ck_assert_int_eq(env, ENV_DEVELOPMENT);
			ck_assert_uint_eq(inst, tu_institution(&ds, "ins_1"));
			ck_assert_uint_eq(ds.pkeys.lens[pk[i]], 5 + (packed[i] ? len / 2 : len));
			ck_assert_int_eq(!!(((const unsigned char *) ds.pkeys.bytes[pk[i]])[0] & KEYS_PKEY_HEX),
							 packed[i]);
		}
		keys_dataset_free(&ds);
	}
}
END_TEST

/* Three snapshots of one item in every order: updated_at 300 wins. */
START_TEST(test_snapshot_rule_any_order)
{
	static const int perms[6][3] = {
		{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}
	};
	static const int64_t updated[3] = {100, 300, 200};
	static const char *owners[3] = {"user-1", NULL, "user-22"};	/* each its own */
	Dataset		ds;
	TuRow		r = {0};
	uint32_t	idx[3];
	uint32_t	other = UINT32_MAX;

	keys_dataset_init(&ds, NULL);
	r.institution_id = "ins_1";
	for (int k = 0; k < 3; k++)
	{
		int			s = perms[_i][k];

		r.item_id = "item-1";
		r.owner_id = owners[s];
		r.updated_at = updated[s];
		r.row_hash = 1000 - (uint64_t) s;	/* no help from the hash */
		idx[s] = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
		if (k == 1)
		{
			r.item_id = "item-2";
			r.owner_id = "user-3";
			r.updated_at = 0;
			other = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
		}
	}
	/* each snapshot keeps its own owner_id beside the shared item_id (keys_item_owner) */
	for (int s = 0; s < 3; s++)
	{
		ck_assert_str_eq(DS_ITEM(&ds, idx[s])->item_id, "item-1");
		if (owners[s])
			ck_assert_str_eq(keys_item_owner(DS_ITEM(&ds, idx[s])), owners[s]);
		else
			ck_assert_ptr_null(keys_item_owner(DS_ITEM(&ds, idx[s])));
	}
	ck_assert_str_eq(keys_item_owner(DS_ITEM(&ds, other)), "user-3");
	/* a snapshot with the same owner shares the text */
	r.item_id = "item-2";
	r.owner_id = "user-3";
	r.updated_at = 1;
	uint32_t	again = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);

	ck_assert_ptr_eq(DS_ITEM(&ds, again)->item_id, DS_ITEM(&ds, other)->item_id);
	ck_assert(DS_ITEM(&ds, other)->superseded && !DS_ITEM(&ds, again)->superseded);
	ck_assert(DS_ITEM(&ds, idx[0])->superseded);
	ck_assert(!DS_ITEM(&ds, idx[1])->superseded);
	ck_assert(DS_ITEM(&ds, idx[2])->superseded);
	ck_assert(keys_item_live(DS_ITEM(&ds, idx[1])));
	ck_assert(!keys_item_live(DS_ITEM(&ds, idx[0])));
	keys_dataset_free(&ds);
}
END_TEST

START_TEST(test_snapshot_rule_ties_removed_rejected)
{
	Dataset		ds;
	TuRow		r = {0};
	uint32_t	x, y;

	/* equal updated_at: the larger row hash, whichever comes first */
	for (int order = 0; order < 2; order++)
	{
		keys_dataset_init(&ds, NULL);
		r.item_id = "tie";
		r.updated_at = 50;
		r.row_hash = order ? 9 : 5;
		x = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
		r.row_hash = order ? 5 : 9;
		y = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
		ck_assert(DS_ITEM(&ds, order ? y : x)->superseded);
		ck_assert(!DS_ITEM(&ds, order ? x : y)->superseded);
		keys_dataset_free(&ds);
	}

	/* a null updated_at (INT64_MIN) loses to any time */
	keys_dataset_init(&ds, NULL);
	r.item_id = "n";
	r.updated_at = -5;
	r.row_hash = 1;
	x = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
	r.updated_at = INT64_MIN;
	r.row_hash = 99;
	y = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
	ck_assert(!DS_ITEM(&ds, x)->superseded);
	ck_assert(DS_ITEM(&ds, y)->superseded);

	/* the latest snapshot removed or rejected: the older is not used instead */
	r.item_id = "rm";
	r.updated_at = 100;
	x = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
	r.updated_at = 200;
	r.removed = true;
	y = tu_add(&ds, &r, NULL, NULL);
	r.removed = false;
	ck_assert(DS_ITEM(&ds, x)->superseded);
	ck_assert(!keys_item_live(DS_ITEM(&ds, x)));
	ck_assert(!keys_item_live(DS_ITEM(&ds, y)));

	r.item_id = "rj";
	r.updated_at = 100;
	x = tu_add(&ds, &r, "{\"accounts\":" ONE_ACCOUNT "}", NULL);
	r.updated_at = 200;
	r.reject = REJECT_NOT_JSON;
	y = tu_add(&ds, &r, NULL, NULL);
	ck_assert(DS_ITEM(&ds, x)->superseded);
	ck_assert_int_eq(DS_ITEM(&ds, y)->reject, REJECT_NOT_JSON);
	ck_assert(!keys_item_live(DS_ITEM(&ds, y)));
	keys_dataset_free(&ds);
}
END_TEST

static const struct
{
	const char *s;
	size_t		len;
	int			env;			/* -1: false */
}			env_cases[] = {
	{"sandbox", 7, ENV_SANDBOX},
	{"development", 11, ENV_DEVELOPMENT},
	{"production", 10, ENV_PRODUCTION},
	{"sandboxes", 7, ENV_SANDBOX},	/* only len bytes count */
	{"Sandbox", 7, -1},
	{"PRODUCTION", 10, -1},
	{"sandbox ", 8, -1},
	{" sandbox", 8, -1},
	{"prod", 4, -1},
	{"dev", 3, -1},
	{"", 0, -1},
	{"sandboxx", 8, -1},
	{"production\0", 11, -1},
	{NULL, 0, -1},
};

START_TEST(test_parse_environment)
{
	static const char *const env_names[ENV_COUNT] = {"sandbox", "development", "production"};

	Environment env = ENV_COUNT;
	bool		ok = keys_parse_environment(env_cases[_i].s, env_cases[_i].len, &env);

	if (env_cases[_i].env < 0)
		ck_assert_msg(!ok, "\"%s\" (%zu) accepted", env_cases[_i].s ? env_cases[_i].s : "NULL",
					  env_cases[_i].len);
	else
	{
		ck_assert_msg(ok, "\"%s\" refused", env_cases[_i].s);
		ck_assert_int_eq(env, env_cases[_i].env);
		ck_assert_str_eq(keys_environment_name(env), env_names[env_cases[_i].env]);
	}
}
END_TEST

START_TEST(test_check_item_id)
{
	char		detail[160];
	char		id[300];

	memset(id, 'i', sizeof(id));
	ck_assert(keys_check_item_id("a", 1, detail, sizeof(detail)));
	ck_assert(keys_check_item_id("Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr", 37, detail,
								 sizeof(detail)));
	ck_assert(keys_check_item_id("it\xc3\xa9m", 5, detail, sizeof(detail)));
	ck_assert(keys_check_item_id(id, 255, detail, sizeof(detail)));
	detail[0] = '\0';
	ck_assert(!keys_check_item_id(id, 256, detail, sizeof(detail)));
	ck_assert(detail[0] != '\0');
	ck_assert(!keys_check_item_id("", 0, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id(NULL, 0, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("ab\x01", 3, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("a\tb", 3, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("a\nb", 3, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("ab\x7f", 3, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("a\0b", 3, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("\xff", 1, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("\xc3", 1, detail, sizeof(detail)));

	/* the detail never echoes the bad value */
	const char *bad = "access-sandbox-CANARY\x01";

	detail[0] = '\0';
	ck_assert(!keys_check_item_id(bad, strlen(bad), detail, sizeof(detail)));
	ck_assert(detail[0] != '\0');
	ck_assert_ptr_null(strstr(detail, "CANARY"));
}
END_TEST

/*
 * docs/SOURCE.md: item_id is "UTF-8 without control characters".  U+0085
 * (NEL) and U+009B (CSI) are control characters (general category Cc), as
 * dangerous in a log line as their C0 cousins.
 */
START_TEST(test_check_item_id_c1_control)
{
	char		detail[160];

	ck_assert(!keys_check_item_id("ab\xc2\x85", 4, detail, sizeof(detail)));
	ck_assert(!keys_check_item_id("ab\xc2\x9b" "31m", 7, detail, sizeof(detail)));
}
END_TEST

START_TEST(test_stats_compute)
{
	Dataset		ds;
	TuRow		r = {0};
	KeyStats	st;
	uint32_t	i0, i1, i2, i3, old;

	keys_dataset_init(&ds, NULL);
	r.institution_id = "ins_X";
	r.updated_at = 10;
	r.item_id = "I0";
	i0 = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"0000\"}]}", NULL);
	r.item_id = "I1";
	i1 = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"0000\"},"
				"{\"name\":\"Savings\",\"mask\":\"2222\"}]}", NULL);
	r.item_id = "I2";
	i2 = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"checking\",\"mask\":\"1111\"},"
				"{\"name\":\"Savings\",\"mask\":\"2222\"},{\"name\":\"SAVINGS\",\"mask\":\"2222\"},"
				"{\"name\":\"Checking\",\"mask\":null}]}", NULL);
	r.item_id = "I0";			/* an older snapshot of I0: not counted */
	r.updated_at = 5;
	old = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"0000\"},"
				 "{\"name\":\"Savings\",\"mask\":\"2222\"},{\"name\":\"Other\",\"mask\":\"0000\"}]}",
				 NULL);
	r.updated_at = 10;
	r.item_id = "I3";
	r.institution_id = "ins_Y";
	i3 = tu_add(&ds, &r, "{\"accounts\":[{\"name\":\"Checking\",\"mask\":\"0000\"}]}", NULL);
	r.item_id = "R";
	r.reject = REJECT_DUPLICATE_KEY;
	(void) tu_add(&ds, &r, NULL, NULL);
	r.reject = REJECT_NONE;
	r.item_id = "GONE";
	r.removed = true;
	(void) tu_add(&ds, &r, NULL, NULL);
	ck_assert(DS_ITEM(&ds, old)->superseded);

	keys_stats_compute(&ds, &st);
	ck_assert_uint_eq(st.live_items, 4);

	uint32_t	chk_x = keys_account_name(&ds, tu_account(&ds, i0, 0));
	uint32_t	sav_x = keys_account_name(&ds, tu_account(&ds, i1, 1));
	uint32_t	chk_y = keys_account_name(&ds, tu_account(&ds, i3, 0));
	uint32_t	other = keys_account_name(&ds, tu_account(&ds, old, 2));

	ck_assert_uint_eq(keys_account_name(&ds, tu_account(&ds, i2, 0)), chk_x);
	ck_assert_uint_ne(chk_y, chk_x);
	ck_assert_uint_eq(st.name_items[chk_x], 3);
	ck_assert_uint_eq(st.name_items[sav_x], 2);	/* I2's two savings count once */
	ck_assert_uint_eq(st.name_items[chk_y], 1);
	ck_assert_uint_eq(st.name_items[other], 0);	/* only the superseded row has it */
	ck_assert_uint_eq(st.key_items[tu_account(&ds, i0, 0).key], 2);
	ck_assert_uint_eq(st.key_items[tu_account(&ds, i2, 0).key], 1);
	ck_assert_uint_eq(st.key_items[tu_account(&ds, i1, 1).key], 2);
	ck_assert_uint_eq(st.key_items[tu_account(&ds, i3, 0).key], 1);
	ck_assert_uint_eq(st.institution_items[tu_institution(&ds, "ins_X")], 3);
	ck_assert_uint_eq(st.institution_items[tu_institution(&ds, "ins_Y")], 1);

	/* across institutions: ins_X's and ins_Y's "checking" are one gname, 0000 one gkey */
	uint32_t	g_chk = VEC_AT(&ds.name_info, NameInfo, chk_x).gname;
	uint32_t	gk_chk = keys_key_gkey(&ds, tu_account(&ds, i0, 0).key);

	ck_assert_uint_eq(VEC_AT(&ds.name_info, NameInfo, chk_y).gname, g_chk);
	ck_assert_uint_eq(keys_key_gkey(&ds, tu_account(&ds, i3, 0).key), gk_chk);
	ck_assert_uint_eq(st.gname_items[g_chk], 4);	/* I0, I1, I2 at ins_X; I3 at ins_Y */
	ck_assert_uint_eq(st.gkey_items[gk_chk], 3);	/* I2's is 1111 */
	ck_assert_uint_eq(st.gname_items[VEC_AT(&ds.name_info, NameInfo, sav_x).gname], 2);
	ck_assert_uint_eq(st.gkey_items[keys_key_gkey(&ds, tu_account(&ds, i2, 1).key)], 2);
	ck_assert_uint_eq(st.gname_items[VEC_AT(&ds.name_info, NameInfo, other).gname], 0);
	keys_stats_free(&st);

	keys_count_unkeyable(&ds);
	ck_assert_uint_eq(ds.unkeyable[UNK_NONE], 7);
	ck_assert_uint_eq(ds.unkeyable[UNK_NO_MASK], 1);
	ck_assert_uint_eq(DS_ITEM(&ds, i2)->n_keyable, 3);
	ck_assert_uint_eq(DS_ITEM(&ds, i2)->n_accounts, 4);
	keys_dataset_free(&ds);
}
END_TEST

/*
 * Accounts are kept as one word each plus the persistent keys apart
 * (keys_push_account): every mix of key, unkeyable reason and persistent
 * key comes back as it went in, across the 64-account blocks, with runs
 * of blocks that have no persistent key and blocks where all have one.
 */
START_TEST(test_account_words)
{
	Dataset		ds;
	Account    *in = xmalloc(1000 * sizeof(Account));
	uint64_t	x = 42;

	keys_dataset_init(&ds, NULL);
	for (uint32_t i = 0; i < 1000; i++)
	{
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		in[i].unkeyable = (uint8_t) (x >> 60 < 4 ? (x >> 40) % UNK_COUNT : UNK_NONE);
		in[i].key = in[i].unkeyable != UNK_NONE ? KEY_NONE
			: i == 7 ? KEY_ID_MAX : (uint32_t) (x >> 33);
		/* none in accounts 128..319, every one in 320..383, else one in three */
		in[i].pkey = i >= 128 && i < 320 ? KEY_NONE
			: (i >= 320 && i < 384) || (x >> 20) % 3 == 0 ? (uint32_t) (x >> 8) % 5000 : KEY_NONE;
		if (i == 64 || i == 999)
			in[i].pkey = i;		/* a block's first and the last */
		keys_push_account(&ds, &in[i]);
	}
	ck_assert_uint_eq(ds.accounts.len, 1000);
	ck_assert_uint_eq(ds.pkey_blocks.len, 16);
	for (uint32_t i = 0; i < 1000; i++)
	{
		Account		a = keys_account(&ds, i);

		ck_assert_uint_eq(a.key, in[i].key);
		ck_assert_uint_eq(a.pkey, in[i].pkey);
		ck_assert_uint_eq(a.unkeyable, in[i].unkeyable);
		ck_assert_uint_eq(keys_account_key(&ds, i), in[i].key);
		ck_assert_uint_eq(keys_account_id(&ds, i, true), in[i].pkey);
	}
	free(in);
	keys_dataset_free(&ds);
}
END_TEST

#define N_OF(a) ((int) (sizeof(a) / sizeof((a)[0])))

Suite *
keys_suite(void)
{
	Suite	   *s = suite_create("keys");
	TCase	   *intern = tcase_create("interner");
	TCase	   *ds = tcase_create("dataset");
	TCase	   *src = tcase_create("source");

	tcase_set_timeout(intern, 60);
	tcase_add_test(intern, test_interner_forced_collision);
	tcase_add_test(intern, test_interner_collision_grow);
	tcase_add_test(intern, test_interner_real_hash);
	tcase_add_test(intern, test_interner_short_keys);
	tcase_add_test(intern, test_dataset_seal);
	tcase_add_test(intern, test_pkey_hex_packed);
	tcase_add_loop_test(intern, test_idtable_growth_absent_collisions, 0, 2);
	tcase_add_test(intern, test_idtable_expected_size);
	tcase_add_loop_test(intern, test_idtable_tags, 0, 2);
	tcase_add_loop_test(intern, test_idtable_wide_values, 0, 2);
	tcase_add_test(intern, test_dataset_expect_wrong_estimates);
	tcase_add_test(intern, test_dataset_same_ids_under_collisions);
	tcase_add_test(intern, test_arena_strpack);
	tcase_add_test(intern, test_account_words);
	suite_add_tcase(s, intern);

	tcase_add_test(ds, test_institution_resolution_order);
	tcase_add_test(ds, test_keys_scoped_by_env_and_institution);
	tcase_add_loop_test(ds, test_snapshot_rule_any_order, 0, 6);
	tcase_add_test(ds, test_snapshot_rule_ties_removed_rejected);
	tcase_add_test(ds, test_stats_compute);
	suite_add_tcase(s, ds);

	tcase_add_loop_test(src, test_parse_environment, 0, N_OF(env_cases));
	tcase_add_test(src, test_check_item_id);
	tcase_add_test(src, test_check_item_id_c1_control);
	suite_add_tcase(s, src);
	return s;
}
