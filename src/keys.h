/*
 * keys.h — interned keys and the in-memory data set of one run.
 *
 * Pure: no I/O, no libpq.  Every account is keyed on (environment,
 * institution, normalised name, mask) and, when present, on (environment,
 * institution, persistent_account_id).  Keys are interned in hash tables
 * bucketed by XXH3-128; the full key bytes are compared on every hash hit,
 * so a crafted collision can never join two different keys.
 *
 * Errors: never logged here.  A row that cannot be used is a reject reason
 * with a short detail in the caller's buffer, an account that cannot be
 * keyed its Unkeyable code; the loader records and counts them.
 */
#ifndef ITEMDUP_KEYS_H
#define ITEMDUP_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "normalize.h"
#include "payload.h"

#define KEY_NONE UINT32_MAX

typedef enum Environment
{
	ENV_SANDBOX = 0,
	ENV_DEVELOPMENT,
	ENV_PRODUCTION,
	ENV_COUNT
} Environment;

/* The hash an Interner buckets on; tests swap in a constant one. */
typedef struct KeyHash
{
	uint64_t	lo;
	uint64_t	hi;
} KeyHash;
typedef KeyHash (*KeyHashFn) (const void *bytes, size_t len);

KeyHash		keys_hash_xxh3(const void *bytes, size_t len);

/*
 * IdTable — values (dense ids, or Item indexes) found by the bytes of their
 * key without keeping the key: each slot is 4 bytes, at most 3/4 full;
 * with n_slots = 2^bits its low bits hold the value + 1 (0 = empty) and its
 * other 32 - bits bits a tag, hash bits the slot index does not use (10 at
 * 2^22 slots, 1 at the most, 2^31).  A probe calls the caller's IdKeyFn,
 * which rebuilds a value's key from the data set, only for a slot whose tag
 * matches, and confirms it by comparing the full key bytes (a collision can
 * never join two keys); a probe for a new key mostly reads no key at all.
 * Growing hashes every key again (a tag is not the whole hash): the read's
 * big tables are sized from the planner's estimate instead
 * (keys_dataset_expect).  docs/SCALING.md "Memory model".
 */
typedef struct IdTable
{
	uint32_t   *slots;			/* tag, value + 1; 0 = empty; NULL once sealed */
	size_t		n_slots;		/* 2^bits */
	unsigned	bits;
	size_t		n;				/* values stored (ids handed out) */
	uint64_t	collisions;		/* full-hash hits whose keys differed */
	KeyHash		found;			/* the hash of the last find's key, for put and set */
	KeyHashFn	hash;
} IdTable;

/* The key of value v: its bytes (in buf, IDKEY_MAX bytes, or elsewhere) and *len. */
typedef const void *(*IdKeyFn) (const void *ctx, uint32_t v, unsigned char *buf, size_t *len);

#define IDKEY_MAX (8 + NORMALIZE_NAME_MAX + PAYLOAD_MAX_ID)

/* expected: values to hold without growing (0: a small table that grows) */
void		keys_idtable_init(IdTable *t, KeyHashFn hash, size_t expected);
void		keys_idtable_free(IdTable *t);

/* keys_idtable_reserve — grow once (rehashing) so expected values in all fit without growing */
void		keys_idtable_reserve(IdTable *t, size_t expected, IdKeyFn key_of, const void *ctx);

/*
 * keys_idtable_find — the value whose key is bytes (KEY_NONE when none);
 * *slot is where it is, or the empty slot where it would go.
 */
uint32_t	keys_idtable_find(IdTable *t, const void *bytes, size_t len,
							  IdKeyFn key_of, const void *ctx, size_t *slot);

/* keys_idtable_prefetch — fetch the home slot of bytes' key ahead of a find (none once sealed) */
void		keys_idtable_prefetch(const IdTable *t, const void *bytes, size_t len);

/*
 * keys_idtable_peek — the value of the first slot from bytes' home whose
 * tag matches theirs, unconfirmed (KEY_NONE: none): what a find will
 * compare first, to fetch its key ahead.
 */
uint32_t	keys_idtable_peek(const IdTable *t, const void *bytes, size_t len);

/* keys_idtable_get — a read-only find: KEY_NONE also when the table is sealed */
uint32_t	keys_idtable_get(const IdTable *t, const void *bytes, size_t len,
							 IdKeyFn key_of, const void *ctx);

/*
 * keys_idtable_put — store v at the empty slot the last find returned;
 * grows the table (rehashing every value's key) past 3/4 full, or when
 * v needs more value bits than a slot has (an Item index past n_slots - 2).
 */
void		keys_idtable_put(IdTable *t, size_t slot, uint32_t v, IdKeyFn key_of,
							 const void *ctx);

/* keys_idtable_set — the slot the last find hit holds v instead (the same key's) */
void		keys_idtable_set(IdTable *t, size_t slot, uint32_t v, IdKeyFn key_of,
							 const void *ctx);

/*
 * Interner — byte strings to dense ids 0, 1, 2, ...  Owns copies of the
 * bytes (packed in its arena).  keys_intern returns the id, new or existing.
 */
typedef struct Interner
{
	Arena		arena;
	IdTable		table;			/* ids by their bytes; slots NULL once sealed */
	const char **bytes;			/* per id, NUL-terminated copy */
	uint32_t   *lens;			/* per id */
	size_t		n;				/* ids handed out */
	size_t		cap;			/* capacity of the per-id arrays */
	uint64_t	collisions;		/* hash hits whose bytes differed */
} Interner;

void		keys_interner_init(Interner *in, KeyHashFn hash);
void		keys_interner_free(Interner *in);
uint32_t	keys_intern(Interner *in, const void *bytes, size_t len, bool *is_new);
/* id of bytes, or KEY_NONE when not interned */
uint32_t	keys_lookup(const Interner *in, const void *bytes, size_t len);

/*
 * One Item as read from the source, after parsing: 32 bytes (the
 * snapshot rule's updated_at and row hash are kept apart for the read
 * only, in Dataset.item_times).  Its owner_id's text follows its item_id's
 * (keys_item_owner): one pointer for both.
 */
typedef struct Item
{
	const char *item_id;		/* Dataset.arena, then the owner_id's text; NULL
								 * for a bad item_id (its owner is not kept: a
								 * rejected row's owner is never read) */
	int64_t		created_at;		/* microseconds since the Unix epoch */
	uint32_t	institution;	/* id in Dataset.institutions, KEY_NONE if none */
	uint32_t	first_account;	/* index into Dataset.accounts */
	uint16_t	n_accounts;		/* at most PAYLOAD_MAX_ACCOUNTS */
	uint16_t	n_keyable;
	uint8_t		env;			/* Environment */
	uint8_t		reject;			/* RejectReason; REJECT_NONE when live */
	bool		has_error:1;	/* item.error set: never the one to keep */
	bool		superseded:1;	/* a newer snapshot of the same item_id won */
	bool		removed:1;		/* removed_at set and removed items skipped */
	bool		has_owner:1;	/* owner_id not null: its text follows item_id's */
} Item;

/*
 * keys_item_set_text — an Item's text: item_id, then owner_id (NULL: none)
 * right after it, in arena (arena_strpack2); sets has_owner.
 */
void		keys_item_set_text(Arena *arena, Item *it, const char *item_id, size_t len,
							   const char *owner, size_t owner_len);

/* An Item's owner_id, NULL when null (an owner of its own). */
static inline const char *
keys_item_owner(const Item *it)
{
	return it->has_owner ? it->item_id + strlen(it->item_id) + 1 : NULL;
}

/* What the snapshot rule compares, per Item, during the read only. */
typedef struct ItemTime
{
	int64_t		updated_at;		/* INT64_MIN when null */
	uint64_t	row_hash;		/* tie-break between snapshots */
} ItemTime;

/*
 * One account of an Item, as keys_account gives it back.  The Dataset does
 * not hold these: it keeps one 4-byte word per account (its key id, or
 * KEY_NONE minus the reason it has none: keys_push_account) and the
 * persistent keys apart, since most accounts have none (PkeyBlock).
 */
typedef struct Account
{
	uint32_t	key;			/* id in Dataset.keys, KEY_NONE if unkeyable */
	uint32_t	pkey;			/* id in Dataset.pkeys, KEY_NONE if none */
	uint8_t		unkeyable;		/* Unkeyable; UNK_NONE exactly when key is set */
} Account;

/* Key ids stop below the words that stand for an unkeyable account's reason. */
#define KEY_ID_MAX (KEY_NONE - UNK_COUNT)

/*
 * Which accounts have a persistent key, 64 to a block: a bit per account
 * and how many accounts before the block have one, the index of the
 * block's first in Dataset.account_pkey.
 */
typedef struct PkeyBlock
{
	uint64_t	bits;
	uint32_t	before;
} PkeyBlock;

/*
 * What a key id stands for, for evidence and scoring; packed (9 bytes).
 * Its gkeys id, given after the read, is apart (keys_key_gkey): not held
 * through the read, whose peak it would raise by 4 bytes a key.
 */
typedef struct __attribute__((packed)) KeyInfo
{
	uint32_t	name;			/* id in Dataset.names */
	char		mask[5];
} KeyInfo;

/*
 * A gkeys id's key while keys_dataset_finish interns them: its gname id and
 * mask, copied so that telling two gkeys apart reads one record instead of
 * a key's and its name's (packed, 9 bytes).
 */
typedef struct __attribute__((packed)) GkeyRep
{
	uint32_t	gname;
	char		mask[5];
} GkeyRep;

typedef struct NameInfo
{
	const char *name;			/* normalised, in Dataset.arena */
	uint32_t	institution;
	uint32_t	gname;			/* id in Dataset.gnames: (environment, name) */
	uint8_t		env;
} NameInfo;

/*
 * Dataset — every item of a run, its accounts and the interned keys.
 * Owned by the caller (keys_dataset_init / keys_dataset_free).  The
 * IdTables of the read (item_ids, names, keys) and the cross-institution
 * ones (gnames, gkeys: filled by keys_dataset_finish) go at
 * keys_dataset_seal; their n stays.
 */
typedef struct Dataset
{
	Arena		arena;			/* item ids with owner ids, names: packed text */
	Vec			items;			/* Item */
	Vec			item_times;		/* ItemTime per Item, the read only */
	Vec			accounts;		/* uint32_t word per account (keys_account) */
	Vec			pkey_blocks;	/* PkeyBlock per 64 accounts */
	Vec			account_pkey;	/* uint32_t pkeys id of each account that has one */
	Vec			key_info;		/* KeyInfo per keys id */
	Vec			key_gkey;		/* uint32_t per keys id: its id in gkeys, (environment,
								 * name, mask), from keys_dataset_finish */
	Vec			name_info;		/* NameInfo per names id */
	Interner	institutions;	/* institution id text */
	IdTable		names;			/* env, institution, name -> names id */
	IdTable		keys;			/* name id, mask -> keys id */
	Interner	pkeys;			/* env, institution, persistent_account_id */
	IdTable		gnames;			/* env, name: a name across institutions */
	IdTable		gkeys;			/* gname id, mask */
	IdTable		item_ids;		/* item_id text -> index of the winning Item */
	Vec			gname_rep;		/* per gnames id: its first names id */
	Vec			gkey_rep;		/* per gkeys id: its bytes (GkeyRep), while finishing */
	size_t		finished_names; /* names and keys keys_dataset_finish has */
	size_t		finished_keys;	/* given their gname and gkey */
	uint64_t	unkeyable[UNK_COUNT];	/* filled by keys_count_unkeyable */
} Dataset;

void		keys_dataset_init(Dataset *ds, KeyHashFn hash);
void		keys_dataset_free(Dataset *ds);

/*
 * keys_dataset_expect — size the read's tables for about items rows (the
 * planner's estimate, believable: the caller caps it) before the first
 * keys_add_item: the item_id table for items, the keys for 2 per row, the
 * names for 1 in 8, so that they do not grow (each growth rehashes every
 * key) when the estimate is right; a table past its share grows as usual.
 */
void		keys_dataset_expect(Dataset *ds, size_t items);

/*
 * keys_dataset_finish — give every name and key added since the last call
 * its cross-institution id (NameInfo.gname, keys_key_gkey), in id order, so
 * the ids are those of interning them as they came.  keys_stats_compute
 * needs it; keys_dataset_seal calls it.  Done after the read rather than
 * per row, so its tables never add to the read's peak.
 */
void		keys_dataset_finish(Dataset *ds);

/*
 * keys_dataset_seal — after a run's read, finish, then free what only
 * adding items needed: every IdTable, the snapshot rule's times, the
 * persistent keys' hash table.  Ids, counts, Items, accounts, key and name
 * info, institutions and persistent keys' bytes stay.  keys_add_item and
 * keys_find_item must not follow (check adds its link after the read: it
 * does not seal).
 */
void		keys_dataset_seal(Dataset *ds);

/*
 * The bytes a gnames id is found by — environment, normalised name — in
 * buf (IDKEY_MAX bytes) or elsewhere, *len set (keys_dataset_finish first).
 */
const void *keys_gname_bytes(const Dataset *ds, uint32_t gname, unsigned char *buf,
							 size_t *len);

/*
 * A pkeys id's key is its environment, institution id and persistent id;
 * an id of lower-case hex digits is kept as the bytes they spell, marked by
 * KEYS_PKEY_HEX in the environment byte (half the bytes: Plaid's ids are
 * 56 digits).  keys_pkey_parts gives the parts back, the id as its text
 * (in buf, or in the data set).
 */
#define KEYS_PKEY_HEX 0x80
#define KEYS_PKEY_TEXT (PAYLOAD_MAX_ID + 1)
const char *keys_pkey_parts(const Dataset *ds, uint32_t pkey, int *env,
							uint32_t *institution, char buf[KEYS_PKEY_TEXT]);

/* Index of the Item that holds item_id now (the snapshot rule's winner), or KEY_NONE. */
uint32_t	keys_find_item(const Dataset *ds, const char *item_id, size_t len);

/* A keys id's gkeys id: (environment, name, mask) across institutions (keys_dataset_finish) */
static inline uint32_t
keys_key_gkey(const Dataset *ds, uint32_t k)
{
	return ((const uint32_t *) ds->key_gkey.data)[k];
}

/* The keys id of account i (index into Dataset.accounts), KEY_NONE if unkeyable. */
static inline uint32_t
keys_account_key(const Dataset *ds, size_t i)
{
	uint32_t	w = ((const uint32_t *) ds->accounts.data)[i];

	return w > KEY_ID_MAX ? KEY_NONE : w;
}

/* The pkeys id of account i, KEY_NONE if it has no persistent id. */
static inline uint32_t
keys_account_pkey(const Dataset *ds, size_t i)
{
	const PkeyBlock *b = &((const PkeyBlock *) ds->pkey_blocks.data)[i / 64];

	if (!(b->bits >> (i % 64) & 1))
		return KEY_NONE;
	return ((const uint32_t *) ds->account_pkey.data)[bitset_rank(b->bits, b->before, i)];
}

/* Account i's pkeys id if persistent, else its keys id (KEY_NONE: none). */
static inline uint32_t
keys_account_id(const Dataset *ds, size_t i, bool persistent)
{
	return persistent ? keys_account_pkey(ds, i) : keys_account_key(ds, i);
}

/* Account i whole. */
static inline Account
keys_account(const Dataset *ds, size_t i)
{
	Account		a;

	a.key = keys_account_key(ds, i);
	/* an unkeyable account's word is KEY_NONE minus its reason (keys_push_account) */
	a.unkeyable = (uint8_t) (a.key == KEY_NONE ? KEY_NONE - ((const uint32_t *) ds->accounts.data)[i]
							 : UNK_NONE);
	a.pkey = keys_account_pkey(ds, i);
	return a;
}

/*
 * keys_push_account — append a as the Dataset's next account (an Item's
 * accounts are consecutive: first_account is the count before its first).
 */
void		keys_push_account(Dataset *ds, const Account *a);

/* names id of an account, KEY_NONE when it is unkeyable */
static inline uint32_t
keys_account_name(const Dataset *ds, Account a)
{
	return a.key == KEY_NONE ? KEY_NONE
		: ((const KeyInfo *) ds->key_info.data)[a.key].name;
}

/* Fields of a source row that the dataset keeps (strings are borrowed). */
typedef struct SourceRow
{
	const char *item_id;
	size_t		item_id_len;
	const char *owner_id;		/* NULL when null */
	size_t		owner_id_len;
	const char *environment;	/* NULL when null */
	size_t		environment_len;
	const char *institution_id; /* NULL when null or empty */
	size_t		institution_id_len;
	int64_t		created_at;
	int64_t		updated_at;
	uint64_t	row_hash;
	bool		removed;		/* skip: removed_at set, --include-removed off */
} SourceRow;

/* Maps a legacy institution_type to the current id (itemdup.institution_map). */
typedef struct InstitutionMap
{
	Interner	types;
	Vec			ids;			/* const char * per types id, owned by types' arena */
} InstitutionMap;

void		keys_map_init(InstitutionMap *m);
void		keys_map_add(InstitutionMap *m, const char *legacy_type, const char *institution_id);
void		keys_map_free(InstitutionMap *m);

#define KEYS_INSTITUTION_BUF (PAYLOAD_MAX_ID + 8)

/*
 * keys_institution_text — the institution keys_add_item resolves for a row
 * with a parsed payload (docs/SOURCE.md's order: the column, item.institution_id,
 * institution_type through map, legacy:<type>): its bytes (in row, p, map
 * or buf) and *len, NULL when there is none.
 */
const char *keys_institution_text(const SourceRow *row, const PayloadItem *p,
								  const InstitutionMap *map, char buf[KEYS_INSTITUTION_BUF],
								  size_t *len);

/* Environment from its exact lower-case name; false when it is anything else. */
bool		keys_parse_environment(const char *s, size_t len, Environment *env);
const char *keys_environment_name(Environment env);

/*
 * keys_check_item_id — the item_id rules (1..255 bytes, UTF-8, no control
 * characters).  Writes a detail and returns false when bad.
 */
bool		keys_check_item_id(const char *s, size_t len, char *detail, size_t detail_size);

/*
 * keys_add_item — add one source row: a parsed payload (reject ==
 * REJECT_NONE, p set), a rejected one, or a removed one (row->removed, p
 * NULL; it still takes part in the snapshot rule).  Resolves the institution
 * (source column, then item.institution_id, then institution_type through
 * map, then "legacy:<type>"), interns every account's keys, and applies the
 * latest-updated_at rule between rows with the same item_id.  Returns the
 * index of the new Item.
 */
uint32_t	keys_add_item(Dataset *ds, const SourceRow *row, RejectReason reject,
						  const PayloadItem *p, const InstitutionMap *map);

/* true for an item that takes part in matching */
static inline bool
keys_item_live(const Item *it)
{
	return it->reject == REJECT_NONE && !it->superseded && !it->removed;
}

/* Per-reason counts of unkeyable accounts of live items into ds->unkeyable. */
void		keys_count_unkeyable(Dataset *ds);

#define DS_ITEM(ds, i) (&VEC_AT(&(ds)->items, Item, (i)))



/*
 * Frequencies the scoring model needs, over live items: how many items
 * carry each name id, each account key and each institution.  Arrays owned
 * by the struct (keys_stats_free).
 */
typedef struct KeyStats
{
	uint32_t   *name_items;		/* per names id */
	uint32_t   *key_items;		/* per keys id */
	uint32_t   *institution_items;	/* per institutions id */
	uint32_t   *gname_items;	/* per gnames id: Items with the name, any institution */
	uint32_t   *gkey_items;		/* per gkeys id: ... with the name and the mask */
	uint64_t	live_items;
} KeyStats;

void		keys_stats_compute(const Dataset *ds, KeyStats *st);
void		keys_stats_free(KeyStats *st);
#endif
