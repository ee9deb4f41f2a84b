/*
 * keys.c — interning of keys (XXH3-128 buckets, full compare) and the
 * data set of one run.
 */
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

KeyHash
keys_hash_xxh3(const void *bytes, size_t len)
{
	XXH128_hash_t h = XXH3_128bits(bytes, len);
	KeyHash		k = {h.low64, h.high64};

	return k;
}

void
keys_interner_init(Interner *in, KeyHashFn hash)
{
	memset(in, 0, sizeof(*in));
	arena_init(&in->arena);
	in->hash = hash ? hash : keys_hash_xxh3;
	in->n_slots = 1024;
	in->slots = xcalloc(in->n_slots, sizeof(uint64_t));
}

/*
 * The bytes of id: in the bytes array itself for an inline_small interner's
 * keys of up to 8 bytes (no arena copy, no pointer), else where it points.
 */
static inline const void *
id_bytes(const Interner *in, size_t id)
{
	if (in->inline_small && in->lens[id] <= sizeof(in->bytes[id]))
		return (const void *) &in->bytes[id];
	return in->bytes[id];
}

/* A slot holds 32 more bits of the hash, so most misses never leave the slot array. */
static inline uint64_t
slot_of(KeyHash h, uint32_t id)
{
	return (h.hi & UINT64_C(0xffffffff00000000)) | ((uint64_t) id + 1);
}

void
keys_interner_free(Interner *in)
{
	arena_free(&in->arena);
	free(in->slots);
	free(in->bytes);
	free(in->lens);
	memset(in, 0, sizeof(*in));
}

static void
interner_grow(Interner *in)
{
	size_t		n_slots = in->n_slots * 2;
	uint64_t   *slots = xcalloc(n_slots, sizeof(uint64_t));

	/* hashes are not kept (16 bytes an id): recomputed from the bytes */
	for (size_t id = 0; id < in->n; id++)
	{
		KeyHash		h = in->hash(id_bytes(in, id), in->lens[id]);
		size_t		s = h.lo & (n_slots - 1);

		while (slots[s] != 0)
			s = (s + 1) & (n_slots - 1);
		slots[s] = slot_of(h, (uint32_t) id);
	}
	free(in->slots);
	in->slots = slots;
	in->n_slots = n_slots;
}

/*
 * Probe for bytes; returns the slot index where it is or where it would go.
 * Every slot whose 32-bit tag (the hash's high bits) matches is confirmed by
 * comparing the bytes; a tag match with other bytes counts as a collision.
 */
static size_t
interner_probe(const Interner *in, KeyHash h, const void *bytes, size_t len,
			   uint64_t *collisions)
{
	size_t		s = h.lo & (in->n_slots - 1);
	uint64_t	tag = h.hi & UINT64_C(0xffffffff00000000);

	for (;;)
	{
		uint64_t	slot = in->slots[s];
		uint32_t	v;

		if (slot == 0)
			return s;
		v = (uint32_t) slot - 1;
		if ((slot & UINT64_C(0xffffffff00000000)) == tag)
		{
			if (in->lens[v] == len && memcmp(id_bytes(in, v), bytes, len) == 0)
				return s;
			if (collisions)
				(*collisions)++;
		}
		s = (s + 1) & (in->n_slots - 1);
	}
}

uint32_t
keys_intern(Interner *in, const void *bytes, size_t len, bool *is_new)
{
	KeyHash		h;

	if (in->slots == NULL)
	{
		fprintf(stderr, "itemdup: internal error: interning into a sealed Dataset\n");
		abort();
	}
	h = in->hash(bytes, len);
	size_t		s = interner_probe(in, h, bytes, len, &in->collisions);
	uint32_t	id;

	if (in->slots[s] != 0)
	{
		if (is_new)
			*is_new = false;
		return (uint32_t) in->slots[s] - 1;
	}
	if (in->n == in->cap)
	{
		in->cap = in->cap ? in->cap * 2 : 256;
		in->bytes = xrealloc(in->bytes, in->cap * sizeof(char *));
		in->lens = xrealloc(in->lens, in->cap * sizeof(uint32_t));
	}
	id = (uint32_t) in->n++;
	if (in->inline_small && len <= sizeof(in->bytes[id]))
	{
		in->bytes[id] = NULL;
		memcpy((void *) &in->bytes[id], bytes, len);
	}
	else
		in->bytes[id] = arena_strndup(&in->arena, bytes, len);
	in->lens[id] = (uint32_t) len;
	in->slots[s] = slot_of(h, id);
	if (in->n * 2 > in->n_slots)
		interner_grow(in);
	if (is_new)
		*is_new = true;
	return id;
}

uint32_t
keys_lookup(const Interner *in, const void *bytes, size_t len)
{
	KeyHash		h;
	size_t		s;

	if (in->slots == NULL)
		return KEY_NONE;		/* sealed */
	h = in->hash(bytes, len);
	s = interner_probe(in, h, bytes, len, NULL);

	return in->slots[s] ? (uint32_t) in->slots[s] - 1 : KEY_NONE;
}

void
keys_dataset_init(Dataset *ds, KeyHashFn hash)
{
	memset(ds, 0, sizeof(*ds));
	arena_init(&ds->arena);
	vec_init(&ds->items, sizeof(Item));
	vec_init(&ds->accounts, sizeof(Account));
	vec_init(&ds->key_info, sizeof(KeyInfo));
	vec_init(&ds->name_info, sizeof(NameInfo));
	keys_interner_init(&ds->institutions, hash);
	keys_interner_init(&ds->names, hash);
	keys_interner_init(&ds->keys, hash);
	keys_interner_init(&ds->pkeys, hash);
	keys_interner_init(&ds->gnames, hash);
	keys_interner_init(&ds->gkeys, hash);
	keys_interner_init(&ds->item_ids, hash);
	/* (name id, mask) keys are 6-8 bytes: kept in place of their pointer */
	ds->keys.inline_small = true;
	ds->gkeys.inline_small = true;
}

void
keys_dataset_free(Dataset *ds)
{
	arena_free(&ds->arena);
	vec_free(&ds->items);
	vec_free(&ds->accounts);
	vec_free(&ds->key_info);
	vec_free(&ds->name_info);
	keys_interner_free(&ds->institutions);
	keys_interner_free(&ds->names);
	keys_interner_free(&ds->keys);
	keys_interner_free(&ds->pkeys);
	keys_interner_free(&ds->gnames);
	keys_interner_free(&ds->gkeys);
	keys_interner_free(&ds->item_ids);
	free(ds->item_winner);
	memset(ds, 0, sizeof(*ds));
}

/* What interner_seal keeps besides n and the collision count. */
typedef enum SealKeep
{
	SEAL_NOTHING,				/* the keys are only compared while interning */
	SEAL_ARENA,					/* others point into the arena; the per-id arrays go */
	SEAL_BYTES					/* bytes[] and lens[] are read later too */
} SealKeep;

/* Drop an interner's hash table and what keep allows; keys_intern on it aborts. */
static void
interner_seal(Interner *in, SealKeep keep)
{
	free(in->slots);
	in->slots = NULL;
	in->n_slots = 0;
	if (keep == SEAL_BYTES)
		return;
	free(in->bytes);
	free(in->lens);
	in->bytes = NULL;
	in->lens = NULL;
	in->cap = 0;
	if (keep == SEAL_NOTHING)
		arena_free(&in->arena);
}

void
keys_dataset_seal(Dataset *ds)
{
	/* Items and NameInfo point into these arenas */
	interner_seal(&ds->item_ids, SEAL_ARENA);
	interner_seal(&ds->names, SEAL_ARENA);
	/* the published model prints persistent keys from their bytes (model.c) */
	interner_seal(&ds->pkeys, SEAL_BYTES);
	interner_seal(&ds->keys, SEAL_NOTHING);
	interner_seal(&ds->gnames, SEAL_NOTHING);
	interner_seal(&ds->gkeys, SEAL_NOTHING);
	free(ds->item_winner);
	ds->item_winner = NULL;
	ds->item_winner_cap = 0;
	/* institutions stay whole: publish prints them by id */
}

void
keys_map_init(InstitutionMap *m)
{
	keys_interner_init(&m->types, NULL);
	vec_init(&m->ids, sizeof(const char *));
}

void
keys_map_add(InstitutionMap *m, const char *legacy_type, const char *institution_id)
{
	bool		is_new;
	uint32_t	id = keys_intern(&m->types, legacy_type, strlen(legacy_type), &is_new);
	const char *copy = arena_strndup(&m->types.arena, institution_id, strlen(institution_id));

	if (is_new)
		*(const char **) vec_push(&m->ids) = copy;
	else
		VEC_AT(&m->ids, const char *, id) = copy;
}

void
keys_map_free(InstitutionMap *m)
{
	keys_interner_free(&m->types);
	vec_free(&m->ids);
}

static const char *const env_names[ENV_COUNT] = {"sandbox", "development", "production"};

bool
keys_parse_environment(const char *s, size_t len, Environment *env)
{
	for (int e = 0; e < ENV_COUNT; e++)
	{
		if (s != NULL && strlen(env_names[e]) == len && memcmp(s, env_names[e], len) == 0)
		{
			*env = (Environment) e;
			return true;
		}
	}
	return false;
}

const char *
keys_environment_name(Environment env)
{
	return (env >= 0 && env < ENV_COUNT) ? env_names[env] : "unknown";
}

bool
keys_check_item_id(const char *s, size_t len, char *detail, size_t detail_size)
{
	if (s == NULL || len == 0)
	{
		snprintf(detail, detail_size, "item_id is null or empty");
		return false;
	}
	if (len > 255)
	{
		snprintf(detail, detail_size, "item_id is %zu bytes, limit 255", len);
		return false;
	}
	if (!utf8_valid(s, len))
	{
		snprintf(detail, detail_size, "item_id is not valid UTF-8");
		return false;
	}
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		/* C0, DEL, and C1 (U+0080-U+009F, UTF-8 C2 80..C2 9F) */
		if (c < 0x20 || c == 0x7f ||
			(c == 0xC2 && i + 1 < len && (unsigned char) s[i + 1] <= 0x9F))
		{
			snprintf(detail, detail_size, "item_id holds a control character");
			return false;
		}
	}
	return true;
}

/* Put a u32 into a key buffer, byte order fixed so keys are reproducible. */
static size_t
put_u32(unsigned char *buf, uint32_t v)
{
	buf[0] = v & 0xff;
	buf[1] = (v >> 8) & 0xff;
	buf[2] = (v >> 16) & 0xff;
	buf[3] = (v >> 24) & 0xff;
	return 4;
}

const char *
keys_institution_text(const SourceRow *row, const PayloadItem *p, const InstitutionMap *map,
					  char buf[KEYS_INSTITUTION_BUF], size_t *len)
{
	if (row->institution_id != NULL && row->institution_id_len > 0)
	{
		*len = row->institution_id_len;
		return row->institution_id;
	}
	if (p->institution_id != NULL)
	{
		*len = strlen(p->institution_id);
		return p->institution_id;
	}
	if (p->legacy_type != NULL)
	{
		uint32_t	t = map ? keys_lookup(&map->types, p->legacy_type,
										  strlen(p->legacy_type)) : KEY_NONE;
		int			n;

		if (t != KEY_NONE)
		{
			const char *id = VEC_AT(&map->ids, const char *, t);

			*len = strlen(id);
			return id;
		}
		n = snprintf(buf, KEYS_INSTITUTION_BUF, "legacy:%s", p->legacy_type);
		*len = (size_t) n < KEYS_INSTITUTION_BUF ? (size_t) n : KEYS_INSTITUTION_BUF - 1;
		return buf;
	}
	return NULL;
}

/* Institution id of a row per docs/SOURCE.md's order; KEY_NONE when there is none. */
static uint32_t
resolve_institution(Dataset *ds, const SourceRow *row, const PayloadItem *p,
					const InstitutionMap *map)
{
	char		buf[KEYS_INSTITUTION_BUF];
	size_t		len = 0;
	const char *text = keys_institution_text(row, p, map, buf, &len);

	return text ? keys_intern(&ds->institutions, text, len, NULL) : KEY_NONE;
}

/* Intern the keys of one keyable account. */
static void
intern_account(Dataset *ds, const Item *it, const PayloadAccount *pa, Account *a)
{
	unsigned char buf[8 + NORMALIZE_NAME_MAX + PAYLOAD_MAX_ID];
	size_t		n = 0;
	bool		is_new;

	if (pa->persistent_id != NULL)
	{
		size_t		plen = strlen(pa->persistent_id);

		buf[n++] = it->env;
		n += put_u32(buf + n, it->institution);
		memcpy(buf + n, pa->persistent_id, plen);
		a->pkey = keys_intern(&ds->pkeys, buf, n + plen, NULL);
	}
	if (pa->unkeyable != UNK_NONE)
		return;

	n = 0;
	buf[n++] = it->env;
	n += put_u32(buf + n, it->institution);
	memcpy(buf + n, pa->name, pa->name_len);
	a->name = keys_intern(&ds->names, buf, n + pa->name_len, &is_new);
	if (is_new)
	{
		NameInfo   *ni = vec_push(&ds->name_info);

		ni->name = ds->names.bytes[a->name] + 5;
		ni->institution = it->institution;
		ni->env = it->env;
		/* the same name at every institution of the environment */
		buf[4] = it->env;
		ni->gname = keys_intern(&ds->gnames, buf + 4, 1 + pa->name_len, NULL);
	}

	n = put_u32(buf, a->name);
	memcpy(buf + n, pa->mask, strlen(pa->mask));
	n += strlen(pa->mask);
	a->key = keys_intern(&ds->keys, buf, n, &is_new);
	if (is_new)
	{
		KeyInfo    *ki = vec_push(&ds->key_info);

		ki->name = a->name;
		memcpy(ki->mask, pa->mask, sizeof(ki->mask));
		n = put_u32(buf, VEC_AT(&ds->name_info, NameInfo, a->name).gname);
		memcpy(buf + n, pa->mask, strlen(pa->mask));
		ki->gkey = keys_intern(&ds->gkeys, buf, n + strlen(pa->mask), NULL);
	}
}

/* Latest updated_at wins, then the larger row hash: independent of order. */
static bool
item_newer(const Item *a, const Item *b)
{
	if (a->updated_at != b->updated_at)
		return a->updated_at > b->updated_at;
	return a->row_hash > b->row_hash;
}

static void
apply_snapshot_rule(Dataset *ds, uint32_t idx, const char *item_id, size_t len)
{
	Item	   *it = DS_ITEM(ds, idx);
	bool		is_new;
	uint32_t	id = keys_intern(&ds->item_ids, item_id, len, &is_new);

	/* the interner's copy is the item's: one copy of each item_id */
	it->item_id = ds->item_ids.bytes[id];

	if (is_new)
	{
		if (id >= ds->item_winner_cap)
		{
			ds->item_winner_cap = ds->item_winner_cap ? ds->item_winner_cap * 2 : 1024;
			ds->item_winner = xrealloc(ds->item_winner,
									   ds->item_winner_cap * sizeof(uint32_t));
		}
		ds->item_winner[id] = idx;
		return;
	}

	Item	   *prev = DS_ITEM(ds, ds->item_winner[id]);

	if (item_newer(it, prev))
	{
		prev->superseded = true;
		ds->item_winner[id] = idx;
	}
	else
		it->superseded = true;
}

uint32_t
keys_add_item(Dataset *ds, const SourceRow *row, RejectReason reject,
			  const PayloadItem *p, const InstitutionMap *map)
{
	uint32_t	idx = (uint32_t) ds->items.len;
	Item	   *it = vec_push(&ds->items);
	Environment env = ENV_PRODUCTION;

	/* a valid item_id gets the interner's copy in apply_snapshot_rule */
	it->item_id = (row->item_id && reject == REJECT_BAD_ITEM_ID)
		? arena_strndup(&ds->arena, row->item_id, row->item_id_len) : NULL;
	it->owner_id = row->owner_id ? arena_strndup(&ds->arena, row->owner_id, row->owner_id_len)
		: NULL;
	it->created_at = row->created_at;
	it->updated_at = row->updated_at;
	it->row_hash = row->row_hash;
	it->institution = KEY_NONE;
	it->first_account = (uint32_t) ds->accounts.len;
	it->reject = (uint8_t) reject;
	it->removed = row->removed;
	(void) keys_parse_environment(row->environment, row->environment_len, &env);
	it->env = (uint8_t) env;

	if (reject == REJECT_NONE && p != NULL)
	{
		it->institution = resolve_institution(ds, row, p, map);
		it->has_error = p->has_error;
		it->n_accounts = p->n_accounts;
		for (uint32_t i = 0; i < p->n_accounts; i++)
		{
			const PayloadAccount *pa = &p->accounts[i];
			Account    *a = vec_push(&ds->accounts);

			it = DS_ITEM(ds, idx);	/* vec_push on accounts never moves items */
			a->key = a->pkey = a->name = KEY_NONE;
			a->unkeyable = pa->unkeyable;
			if (it->institution == KEY_NONE)
			{
				if (a->unkeyable == UNK_NONE)
					a->unkeyable = UNK_NO_INSTITUTION;
				continue;
			}
			intern_account(ds, it, pa, a);
			if (a->unkeyable == UNK_NONE)
				it->n_keyable++;
		}
	}
	if (reject != REJECT_BAD_ITEM_ID && row->item_id != NULL)
		apply_snapshot_rule(ds, idx, row->item_id, row->item_id_len);
	return idx;
}

void
keys_count_unkeyable(Dataset *ds)
{
	memset(ds->unkeyable, 0, sizeof(ds->unkeyable));
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (!keys_item_live(it))
			continue;
		for (uint32_t k = 0; k < it->n_accounts; k++)
			ds->unkeyable[DS_ACCOUNT(ds, it->first_account + k)->unkeyable]++;
	}
}

/*
 * Count each id once per item: an item with two accounts of the same name
 * counts one.  last[] remembers the last item that counted an id.
 */
static void
count_once(uint32_t *counts, uint32_t *last, uint32_t id, uint32_t item)
{
	if (id != KEY_NONE && last[id] != item + 1)
	{
		last[id] = item + 1;
		counts[id]++;
	}
}

void
keys_stats_compute(const Dataset *ds, KeyStats *st)
{
	uint32_t   *last_name = xcalloc(ds->names.n + 1, sizeof(uint32_t));
	uint32_t   *last_key = xcalloc(ds->keys.n + 1, sizeof(uint32_t));
	uint32_t   *last_gname = xcalloc(ds->gnames.n + 1, sizeof(uint32_t));
	uint32_t   *last_gkey = xcalloc(ds->gkeys.n + 1, sizeof(uint32_t));

	st->name_items = xcalloc(ds->names.n + 1, sizeof(uint32_t));
	st->key_items = xcalloc(ds->keys.n + 1, sizeof(uint32_t));
	st->institution_items = xcalloc(ds->institutions.n + 1, sizeof(uint32_t));
	st->gname_items = xcalloc(ds->gnames.n + 1, sizeof(uint32_t));
	st->gkey_items = xcalloc(ds->gkeys.n + 1, sizeof(uint32_t));
	st->live_items = 0;
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (!keys_item_live(it))
			continue;
		st->live_items++;
		if (it->institution != KEY_NONE)
			st->institution_items[it->institution]++;
		for (uint32_t k = 0; k < it->n_accounts; k++)
		{
			const Account *a = DS_ACCOUNT(ds, it->first_account + k);

			count_once(st->name_items, last_name, a->name, (uint32_t) i);
			count_once(st->key_items, last_key, a->key, (uint32_t) i);
			if (a->key != KEY_NONE)
			{
				const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, a->key);

				count_once(st->gname_items, last_gname,
						   VEC_AT(&ds->name_info, NameInfo, a->name).gname, (uint32_t) i);
				count_once(st->gkey_items, last_gkey, ki->gkey, (uint32_t) i);
			}
		}
	}
	free(last_name);
	free(last_key);
	free(last_gname);
	free(last_gkey);
}

void
keys_stats_free(KeyStats *st)
{
	free(st->name_items);
	free(st->key_items);
	free(st->institution_items);
	free(st->gname_items);
	free(st->gkey_items);
	memset(st, 0, sizeof(*st));
}
