/*
 * keys.c — interning of keys (IdTables: idtable.c) and the data set of
 * one run.
 */
#include "keys.h"

#include <assert.h>
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
	keys_idtable_init(&in->table, hash, 0);
}

void
keys_interner_free(Interner *in)
{
	arena_free(&in->arena);
	keys_idtable_free(&in->table);
	free(in->bytes);
	free(in->lens);
	memset(in, 0, sizeof(*in));
}

/* IdKeyFn of an Interner: the copy of id's bytes */
static const void *
interner_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const Interner *in = ctx;

	(void) buf;
	*len = in->lens[v];
	return in->bytes[v];
}

uint32_t
keys_intern(Interner *in, const void *bytes, size_t len, bool *is_new)
{
	size_t		slot;
	uint32_t	id = keys_idtable_find(&in->table, bytes, len, interner_key, in, &slot);

	in->collisions = in->table.collisions;
	if (is_new)
		*is_new = id == KEY_NONE;
	if (id != KEY_NONE)
		return id;
	if (in->n == in->cap)
	{
		in->cap = in->cap ? in->cap * 2 : 256;
		in->bytes = xrealloc(in->bytes, in->cap * sizeof(char *));
		in->lens = xrealloc(in->lens, in->cap * sizeof(uint32_t));
	}
	id = (uint32_t) in->n++;
	in->bytes[id] = arena_strpack(&in->arena, bytes, len);
	in->lens[id] = (uint32_t) len;
	keys_idtable_put(&in->table, slot, id, interner_key, in);
	return id;
}

_Static_assert(sizeof(void *) != 8 || sizeof(Item) == 32, "an Item is 32 bytes");

uint32_t
keys_lookup(const Interner *in, const void *bytes, size_t len)
{
	return keys_idtable_get(&in->table, bytes, len, interner_key, in);
}

void
keys_dataset_init(Dataset *ds, KeyHashFn hash)
{
	memset(ds, 0, sizeof(*ds));
	arena_init(&ds->arena);
	vec_init(&ds->items, sizeof(Item));
	vec_init(&ds->item_times, sizeof(ItemTime));
	vec_init(&ds->accounts, sizeof(uint32_t));
	vec_init(&ds->pkey_blocks, sizeof(PkeyBlock));
	vec_init(&ds->account_pkey, sizeof(uint32_t));
	vec_init(&ds->key_info, sizeof(KeyInfo));
	vec_init(&ds->key_gkey, sizeof(uint32_t));
	vec_init(&ds->name_info, sizeof(NameInfo));
	vec_init(&ds->gname_rep, sizeof(uint32_t));
	vec_init(&ds->gkey_rep, sizeof(GkeyRep));
	keys_interner_init(&ds->institutions, hash);
	keys_idtable_init(&ds->names, hash, 0);
	keys_idtable_init(&ds->keys, hash, 0);
	keys_interner_init(&ds->pkeys, hash);
	keys_idtable_init(&ds->gnames, hash, 0);
	keys_idtable_init(&ds->gkeys, hash, 0);
	keys_idtable_init(&ds->item_ids, hash, 0);
}

void
keys_dataset_free(Dataset *ds)
{
	arena_free(&ds->arena);
	vec_free(&ds->items);
	vec_free(&ds->item_times);
	vec_free(&ds->accounts);
	vec_free(&ds->pkey_blocks);
	vec_free(&ds->account_pkey);
	vec_free(&ds->key_info);
	vec_free(&ds->key_gkey);
	vec_free(&ds->name_info);
	vec_free(&ds->gname_rep);
	vec_free(&ds->gkey_rep);
	keys_interner_free(&ds->institutions);
	keys_idtable_free(&ds->names);
	keys_idtable_free(&ds->keys);
	keys_interner_free(&ds->pkeys);
	keys_idtable_free(&ds->gnames);
	keys_idtable_free(&ds->gkeys);
	keys_idtable_free(&ds->item_ids);
	memset(ds, 0, sizeof(*ds));
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

static int
hex_digit(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * A persistent id into a pkeys key after its environment byte (buf[0]) and
 * institution: lower-case hex of even length (Plaid's ids: 56 digits) as the
 * bytes it spells, half the size, with KEYS_PKEY_HEX set in buf[0]; any
 * other text as it is.  The form follows from the text alone, so an id has
 * one key either way and two ids never share one.  Returns the bytes put.
 */
static size_t
put_persistent_id(unsigned char *buf, const char *id)
{
	size_t		len = strlen(id);
	unsigned char *out = buf + 5;

	if (len % 2 == 0)
	{
		size_t		i;

		for (i = 0; i < len; i += 2)
		{
			int			h = hex_digit((unsigned char) id[i]),
						l = hex_digit((unsigned char) id[i + 1]);

			if (h < 0 || l < 0)
				break;
			out[i / 2] = (unsigned char) (h << 4 | l);
		}
		if (i == len)
		{
			buf[0] |= KEYS_PKEY_HEX;
			return len / 2;
		}
	}
	memcpy(out, id, len);
	return len;
}

const char *
keys_pkey_parts(const Dataset *ds, uint32_t pkey, int *env, uint32_t *institution,
				char buf[KEYS_PKEY_TEXT])
{
	const unsigned char *b = (const unsigned char *) ds->pkeys.bytes[pkey];
	size_t		len = ds->pkeys.lens[pkey] - 5;
	static const char digits[] = "0123456789abcdef";

	*env = b[0] & ~KEYS_PKEY_HEX;
	*institution = (uint32_t) b[1] | (uint32_t) b[2] << 8 | (uint32_t) b[3] << 16 |
		(uint32_t) b[4] << 24;
	if (!(b[0] & KEYS_PKEY_HEX))
		return (const char *) b + 5;	/* NUL-terminated by the interner */
	assert(2 * len < KEYS_PKEY_TEXT);
	for (size_t i = 0; i < len; i++)
	{
		buf[2 * i] = digits[b[5 + i] >> 4];
		buf[2 * i + 1] = digits[b[5 + i] & 15];
	}
	buf[2 * len] = '\0';
	return buf;
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

/* The IdTable keys, rebuilt from what the data set keeps (IdKeyFn). */
static const void *
name_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const NameInfo *ni = &VEC_AT(&((const Dataset *) ctx)->name_info, NameInfo, v);
	size_t		nlen = strlen(ni->name);	/* a normalised name holds no NUL */

	buf[0] = ni->env;
	put_u32(buf + 1, ni->institution);
	memcpy(buf + 5, ni->name, nlen);
	*len = 5 + nlen;
	return buf;
}

static const void *
key_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const KeyInfo *ki = &VEC_AT(&((const Dataset *) ctx)->key_info, KeyInfo, v);
	size_t		mlen = strlen(ki->mask);

	put_u32(buf, ki->name);
	memcpy(buf + 4, ki->mask, mlen);
	*len = 4 + mlen;
	return buf;
}

/* (environment, name) of a gnames id: its first name's */
static const void *
gname_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const Dataset *ds = ctx;
	const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, VEC_AT(&ds->gname_rep, uint32_t, v));
	size_t		nlen = strlen(ni->name);

	buf[0] = ni->env;
	memcpy(buf + 1, ni->name, nlen);
	*len = 1 + nlen;
	return buf;
}

const void *
keys_gname_bytes(const Dataset *ds, uint32_t gname, unsigned char *buf, size_t *len)
{
	return gname_key(ds, gname, buf, len);
}

/* The gkeys bytes (gname id, mask) of a GkeyRep into buf; their length. */
static size_t
gkey_rep_bytes(const GkeyRep *r, unsigned char *buf)
{
	size_t		mlen = strnlen(r->mask, sizeof(r->mask));

	put_u32(buf, r->gname);
	memcpy(buf + 4, r->mask, mlen);
	return 4 + mlen;
}

/* Account key k's GkeyRep: its name's gname id and its mask. */
static GkeyRep
key_gkey_rep(const Dataset *ds, uint32_t k)
{
	const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, k);
	GkeyRep		r;

	r.gname = VEC_AT(&ds->name_info, NameInfo, ki->name).gname;
	memcpy(r.mask, ki->mask, sizeof(r.mask));
	return r;
}

/* (gname id, mask) of a gkeys id */
static const void *
gkey_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const Dataset *ds = ctx;

	*len = gkey_rep_bytes(&VEC_AT(&ds->gkey_rep, GkeyRep, v), buf);
	return buf;
}

/* item_id of the Item at index v (a valid item_id holds no NUL) */
static const void *
item_key(const void *ctx, uint32_t v, unsigned char *buf, size_t *len)
{
	const char *id = DS_ITEM((const Dataset *) ctx, v)->item_id;

	(void) buf;
	*len = strlen(id);
	return id;
}

/*
 * The id of bytes in t, a new one (*is_new) when absent: ids are dense in
 * the order keys first appear.  The new id's key must be readable through
 * key_of before the call (its info pushed) since a growth rehashes it;
 * on a hit the caller pops it again.
 */
static uint32_t
intern_id(IdTable *t, const void *bytes, size_t len, IdKeyFn key_of, const Dataset *ds,
		  bool *is_new)
{
	size_t		slot;
	uint32_t	id = keys_idtable_find(t, bytes, len, key_of, ds, &slot);

	*is_new = id == KEY_NONE;
	if (*is_new)
	{
		id = (uint32_t) t->n;
		keys_idtable_put(t, slot, id, key_of, ds);
	}
	return id;
}

/* Intern the keys of one keyable account. */
static void
intern_account(Dataset *ds, const Item *it, const PayloadAccount *pa, Account *a)
{
	unsigned char buf[8 + NORMALIZE_NAME_MAX + PAYLOAD_MAX_ID];
	size_t		n = 0;
	size_t		mlen;
	bool		is_new;
	uint32_t	name;

	if (pa->persistent_id != NULL)
	{
		buf[n++] = it->env;
		n += put_u32(buf + n, it->institution);
		n += put_persistent_id(buf, pa->persistent_id);
		a->pkey = keys_intern(&ds->pkeys, buf, n, NULL);
	}
	if (pa->unkeyable != UNK_NONE)
		return;

	n = 0;
	buf[n++] = it->env;
	n += put_u32(buf + n, it->institution);
	memcpy(buf + n, pa->name, pa->name_len);
	{
		/* a candidate NameInfo whose name points at the probe until it is kept */
		NameInfo   *ni = vec_push(&ds->name_info);

		ni->name = pa->name;
		ni->institution = it->institution;
		ni->env = it->env;
		name = intern_id(&ds->names, buf, n + pa->name_len, name_key, ds, &is_new);
		if (is_new)
			ni->name = arena_strpack(&ds->arena, pa->name, pa->name_len);
		else
			ds->name_info.len--;
	}

	mlen = strlen(pa->mask);
	n = put_u32(buf, name);
	memcpy(buf + n, pa->mask, mlen);
	{
		KeyInfo    *ki = vec_push(&ds->key_info);

		ki->name = name;
		memcpy(ki->mask, pa->mask, sizeof(ki->mask));
		a->key = intern_id(&ds->keys, buf, n + mlen, key_key, ds, &is_new);
		if (!is_new)
			ds->key_info.len--;
	}
}

void
keys_push_account(Dataset *ds, const Account *a)
{
	size_t		i = ds->accounts.len;

	/* the word: the key id, or the reason there is none (keys_account) */
	assert((a->key == KEY_NONE) == (a->unkeyable != UNK_NONE) &&
		   (a->key == KEY_NONE || a->key <= KEY_ID_MAX) && a->unkeyable < UNK_COUNT);
	*(uint32_t *) vec_push(&ds->accounts) = a->key == KEY_NONE ? KEY_NONE - a->unkeyable : a->key;
	if (i % 64 == 0)
		((PkeyBlock *) vec_push(&ds->pkey_blocks))->before = (uint32_t) ds->account_pkey.len;
	if (a->pkey != KEY_NONE)
	{
		VEC_AT(&ds->pkey_blocks, PkeyBlock, i / 64).bits |= UINT64_C(1) << (i % 64);
		*(uint32_t *) vec_push(&ds->account_pkey) = a->pkey;
	}
}

/* Latest updated_at wins, then the larger row hash: independent of order. */
static bool
item_newer(const ItemTime *a, const ItemTime *b)
{
	if (a->updated_at != b->updated_at)
		return a->updated_at > b->updated_at;
	return a->row_hash > b->row_hash;
}

void
keys_item_set_text(Arena *arena, Item *it, const char *item_id, size_t len, const char *owner,
				   size_t owner_len)
{
	it->item_id = arena_strpack2(arena, item_id, len, owner, owner_len);
	it->has_owner = owner != NULL;
}

/* The row's item_id and owner_id as the Item's text. */
static void
pack_item_text(Dataset *ds, Item *it, const SourceRow *row)
{
	keys_item_set_text(&ds->arena, it, row->item_id, row->item_id_len, row->owner_id,
					   row->owner_id_len);
}

/* Whether Item p's owner_id is the row's. */
static bool
same_owner(const Item *p, const SourceRow *row)
{
	const char *o = keys_item_owner(p);

	if (o == NULL || row->owner_id == NULL)
		return o == NULL && row->owner_id == NULL;
	return strlen(o) == row->owner_id_len && memcmp(o, row->owner_id, row->owner_id_len) == 0;
}

/*
 * The item_id table maps an item_id to the Item that holds it now: a later
 * snapshot of the same item_id takes the slot when newer, and shares the
 * first one's copy of the text when its owner_id is the same (the text
 * holds both).
 */
static void
apply_snapshot_rule(Dataset *ds, uint32_t idx, const SourceRow *row)
{
	Item	   *it = DS_ITEM(ds, idx);
	size_t		slot;
	uint32_t	prev = keys_idtable_find(&ds->item_ids, row->item_id, row->item_id_len,
										 item_key, ds, &slot);

	if (prev == KEY_NONE)
	{
		pack_item_text(ds, it, row);
		keys_idtable_put(&ds->item_ids, slot, idx, item_key, ds);
		return;
	}

	Item	   *p = DS_ITEM(ds, prev);

	if (same_owner(p, row))
	{
		it->item_id = p->item_id;
		it->has_owner = p->has_owner;
	}
	else
		pack_item_text(ds, it, row);
	if (item_newer(&VEC_AT(&ds->item_times, ItemTime, idx),
				   &VEC_AT(&ds->item_times, ItemTime, prev)))
	{
		p->superseded = true;
		keys_idtable_set(&ds->item_ids, slot, idx, item_key, ds);
	}
	else
		it->superseded = true;
}

void
keys_dataset_expect(Dataset *ds, size_t items)
{
	/* per row: an item_id, 2 keys (1.8 in the generator's data), 1/8 name (0.13) */
	if (items >= ((size_t) 1 << 29))
		return;
	keys_idtable_reserve(&ds->item_ids, items, item_key, ds);
	keys_idtable_reserve(&ds->keys, 2 * items, key_key, ds);
	keys_idtable_reserve(&ds->names, items / 8, name_key, ds);
}

uint32_t
keys_find_item(const Dataset *ds, const char *item_id, size_t len)
{
	return keys_idtable_get(&ds->item_ids, item_id, len, item_key, ds);
}

/* How many keys ahead keys_dataset_finish fetches a key's slot. */
#define FINISH_AHEAD 16

void
keys_dataset_finish(Dataset *ds)
{
	unsigned char buf[IDKEY_MAX];
	bool		is_new;

	for (; ds->finished_names < ds->names.n; ds->finished_names++)
	{
		uint32_t	v = (uint32_t) ds->finished_names;
		NameInfo   *ni = &VEC_AT(&ds->name_info, NameInfo, v);
		size_t		nlen = strlen(ni->name);

		buf[0] = ni->env;
		memcpy(buf + 1, ni->name, nlen);
		*(uint32_t *) vec_push(&ds->gname_rep) = v;
		ni->gname = intern_id(&ds->gnames, buf, 1 + nlen, gname_key, ds, &is_new);
		if (!is_new)
			ds->gname_rep.len--;
	}
	for (; ds->finished_keys < ds->keys.n; ds->finished_keys++)
	{
		uint32_t	v = (uint32_t) ds->finished_keys;
		GkeyRep		r;
		size_t		len;

		/*
		 * A key's slot is at random in a table the size of all keys, and so
		 * is the gkey it finds there: fetch, one level per distance, the
		 * name of the key 2 * FINISH_AHEAD on, the slot of the key
		 * FINISH_AHEAD on, and the GkeyRep that slot holds half as far on.
		 */
		if (v + 2 * FINISH_AHEAD < ds->keys.n)
			__builtin_prefetch(&VEC_AT(&ds->name_info, NameInfo,
									   VEC_AT(&ds->key_info, KeyInfo, v + 2 * FINISH_AHEAD).name));
		if (v + FINISH_AHEAD < ds->keys.n)
		{
			r = key_gkey_rep(ds, v + FINISH_AHEAD);
			len = gkey_rep_bytes(&r, buf);
			keys_idtable_prefetch(&ds->gkeys, buf, len);
		}
		if (v + FINISH_AHEAD / 2 < ds->keys.n)
		{
			uint32_t	g;

			r = key_gkey_rep(ds, v + FINISH_AHEAD / 2);
			len = gkey_rep_bytes(&r, buf);
			if ((g = keys_idtable_peek(&ds->gkeys, buf, len)) != KEY_NONE &&
				g < ds->gkey_rep.len)
				__builtin_prefetch(&VEC_AT(&ds->gkey_rep, GkeyRep, g));
		}
		r = key_gkey_rep(ds, v);
		len = gkey_rep_bytes(&r, buf);
		*(GkeyRep *) vec_push(&ds->gkey_rep) = r;
		*(uint32_t *) vec_push(&ds->key_gkey) = intern_id(&ds->gkeys, buf, len, gkey_key, ds,
														  &is_new);
		if (!is_new)
			ds->gkey_rep.len--;
	}
}

void
keys_dataset_seal(Dataset *ds)
{
	/* the read's tables go first: the cross-institution ones are built in their place */
	keys_idtable_free(&ds->item_ids);
	keys_idtable_free(&ds->names);
	keys_idtable_free(&ds->keys);
	keys_idtable_free(&ds->pkeys.table);	/* its bytes stay: the published model prints them */
	vec_free(&ds->item_times);
	/* in their place, sized for the most there can be: no growth rehashes them */
	keys_idtable_reserve(&ds->gnames, ds->names.n, gname_key, ds);
	keys_idtable_reserve(&ds->gkeys, ds->keys.n, gkey_key, ds);
	keys_dataset_finish(ds);
	keys_idtable_free(&ds->gnames);
	keys_idtable_free(&ds->gkeys);
	vec_free(&ds->gname_rep);
	vec_free(&ds->gkey_rep);
	/* institutions stay whole: publish prints them by id */
}

uint32_t
keys_add_item(Dataset *ds, const SourceRow *row, RejectReason reject,
			  const PayloadItem *p, const InstitutionMap *map)
{
	uint32_t	idx = (uint32_t) ds->items.len;
	Item	   *it = vec_push(&ds->items);
	ItemTime   *tm = vec_push(&ds->item_times);
	Environment env = ENV_PRODUCTION;

	/* a valid item_id gets its text in apply_snapshot_rule, shared by its snapshots */
	if (row->item_id && reject == REJECT_BAD_ITEM_ID)
		pack_item_text(ds, it, row);
	it->created_at = row->created_at;
	tm->updated_at = row->updated_at;
	tm->row_hash = row->row_hash;
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
		assert(p->n_accounts <= PAYLOAD_MAX_ACCOUNTS);
		it->n_accounts = (uint16_t) p->n_accounts;
		for (uint32_t i = 0; i < p->n_accounts; i++)
		{
			const PayloadAccount *pa = &p->accounts[i];
			Account		a = {KEY_NONE, KEY_NONE, pa->unkeyable};

			if (it->institution == KEY_NONE)
			{
				if (a.unkeyable == UNK_NONE)
					a.unkeyable = UNK_NO_INSTITUTION;
			}
			else
				intern_account(ds, it, pa, &a);
			keys_push_account(ds, &a);
			if (a.unkeyable == UNK_NONE)
				it->n_keyable++;
		}
	}
	if (reject != REJECT_BAD_ITEM_ID && row->item_id != NULL)
		apply_snapshot_rule(ds, idx, row);
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
			ds->unkeyable[keys_account(ds, it->first_account + k).unkeyable]++;
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

/*
 * The Items per name and per key at every institution of an environment
 * (gname_items, gkey_items), from the counts at each institution: an
 * Item's names and keys are all at its own (environment, institution), so
 * two of its names never share a gname, nor two of its keys a gkey, and
 * each total is the sum of its members' counts.
 */
static void
sum_across_institutions(const Dataset *ds, KeyStats *st)
{
	for (uint32_t n = 0; n < ds->names.n; n++)
		st->gname_items[VEC_AT(&ds->name_info, NameInfo, n).gname] += st->name_items[n];
	for (uint32_t k = 0; k < ds->keys.n; k++)
		st->gkey_items[keys_key_gkey(ds, k)] += st->key_items[k];
}

void
keys_stats_compute(const Dataset *ds, KeyStats *st)
{
	uint32_t   *last_name;

	/* every name and key has its cross-institution id (keys_dataset_finish) */
	assert(ds->finished_names == ds->names.n && ds->finished_keys == ds->keys.n);
	last_name = xcalloc(ds->names.n + 1, sizeof(uint32_t));
	uint32_t   *last_key = xcalloc(ds->keys.n + 1, sizeof(uint32_t));

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
			uint32_t	key = keys_account_key(ds, it->first_account + k);

			count_once(st->key_items, last_key, key, (uint32_t) i);
			if (key != KEY_NONE)
				count_once(st->name_items, last_name,
						   VEC_AT(&ds->key_info, KeyInfo, key).name, (uint32_t) i);
		}
	}
	free(last_name);
	free(last_key);
	sum_across_institutions(ds, st);
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
