/*
 * model_pack.h — the packed form of the published model (sql/009): many
 * keys, names or Items per row, as bytea blobs (docs/MATCHING.md "The
 * published model").
 *
 * Pure: no I/O, no libpq.  Writers append entries to a StrBuf; readers
 * walk a blob with a ModelPackReader and never read past its end: a blob
 * that does not parse is "corrupt" (-1), never a crash.  Every integer is
 * an unsigned LEB128 varint (no byte order to get wrong); a string is its
 * length then its bytes.  MODEL_FORMAT is written in itemdup.model_runs
 * and a reader refuses any other.
 */
#ifndef ITEMDUP_MODEL_PACK_H
#define ITEMDUP_MODEL_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "copyfmt.h"

#define MODEL_FORMAT 1

/* Items per row of itemdup.model_item_pages: 2^MODEL_ITEM_PAGE_BITS (~1.5 KB, stays inline). */
#define MODEL_ITEM_PAGE_BITS 4
/* Keys and names: about this many per bucket row on average (~0.7-1 KB: stays inline). */
#define MODEL_BUCKET_TARGET 32

/*
 * model_bucket_bits — the fewest bits b (at most 24) for which n entries
 * give at most MODEL_BUCKET_TARGET per bucket on average.
 */
unsigned	model_bucket_bits(uint64_t n);

/*
 * model_bucket — the bucket of a signed 64-bit hash: its top bits once the
 * sign bit is flipped, so buckets follow the hashes' signed order (key_no
 * order) and bucket b holds a contiguous range of key_no.
 */
static inline uint32_t
model_bucket(int64_t hash, unsigned bits)
{
	return bits == 0 ? 0 : (uint32_t) (((uint64_t) hash ^ UINT64_C(0x8000000000000000)) >> (64 - bits));
}

/* A string inside a blob (not NUL-terminated). */
typedef struct PackStr
{
	const char *s;
	size_t		len;
} PackStr;

/* Whether a blob string equals the C string s (NULL equals nothing). */
bool		model_pack_str_eq(PackStr p, const char *s);

/* A blob being read: p moves from the start to end. */
typedef struct ModelPackReader
{
	const uint8_t *p;
	const uint8_t *end;
} ModelPackReader;

/*
 * One key entry: an account key or a persistent id.  An account key's
 * environment, institution and name are its name entry's (name_no: the
 * name's place in the name buckets), so a lookup confirms the name's full
 * text there and the key's by name_no and mask.
 */
typedef struct PackedKey
{
	bool		persistent;
	uint32_t	name_no;		/* account keys */
	PackStr		mask;			/* account keys */
	uint8_t		env;			/* persistent ids: Environment */
	PackStr		institution;	/* persistent ids */
	PackStr		persistent_id;	/* persistent ids */
	uint32_t	key_items;
	uint32_t	gkey_items;		/* account keys */
	bool		hot;			/* no item list: never a candidate */
	uint32_t	n_items;
	const uint8_t *items;		/* n_items delta varints (model_unpack_key_items) */
} PackedKey;

/* One name entry: Items with a normalised name at an institution (and in the environment). */
typedef struct PackedName
{
	uint8_t		env;
	PackStr		institution;
	PackStr		name;
	uint32_t	name_items;
	uint32_t	gname_items;
} PackedName;

/* One Item entry of a page. */
typedef struct PackedItem
{
	PackStr		item_id;
	bool		has_owner;
	PackStr		owner_id;
	uint8_t		env;
	PackStr		institution;
	int64_t		created_at;		/* microseconds; TIMESTAMP_NULL when null */
	uint32_t	keyable;
	uint32_t	n_acc;
	const uint8_t *accounts;	/* n_acc pairs of varints (model_unpack_item_accounts) */
} PackedItem;

/* Writers: one entry appended to b.  items ascending; n_items ignored when hot. */
void		model_pack_account_key(StrBuf *b, uint32_t name_no, const char *mask,
								   uint32_t key_items, uint32_t gkey_items, bool hot,
								   const uint32_t *items, uint32_t n_items);
void		model_pack_persistent_key(StrBuf *b, uint8_t env, const char *institution,
									  const char *persistent_id, uint32_t key_items, bool hot,
									  const uint32_t *items, uint32_t n_items);
void		model_pack_name(StrBuf *b, uint8_t env, const char *institution, const char *name,
							uint32_t name_items, uint32_t gname_items);
/* acc_key/acc_pkey: per account a key_no or MODEL_NONE (-1). */
void		model_pack_item(StrBuf *b, const char *item_id, const char *owner_id, uint8_t env,
							const char *institution, int64_t created_at, uint32_t keyable,
							uint32_t n_acc, const int64_t *acc_key, const int64_t *acc_pkey);

/* Readers: the next entry into out; 1 read, 0 at the end of the blob, -1 corrupt. */
int			model_unpack_key(ModelPackReader *r, PackedKey *out);
int			model_unpack_name(ModelPackReader *r, PackedName *out);
int			model_unpack_item(ModelPackReader *r, PackedItem *out);

/* A key's item list into out (room for k->n_items). */
void		model_unpack_key_items(const PackedKey *k, uint32_t *out);

/* An Item's accounts into acc_key and acc_pkey (room for it->n_acc each; MODEL_NONE: none). */
void		model_unpack_item_accounts(const PackedItem *it, int64_t *acc_key, int64_t *acc_pkey);

/* Hex text (as encode(bytea, 'hex') gives it) into out (room for len / 2); false when not hex. */
bool		model_unhex(const char *hex, size_t len, uint8_t *out);

#endif
