/*
 * model_pack.c — the published model's packed entries, written and read
 * (format MODEL_FORMAT; the layout is in docs/MATCHING.md "The published
 * model").
 */
#include "model_pack.h"

#include <assert.h>
#include <string.h>

#include "model.h"

unsigned
model_bucket_bits(uint64_t n)
{
	unsigned	bits = 0;

	while (bits < 24 && (n >> bits) > MODEL_BUCKET_TARGET)
		bits++;
	return bits;
}

bool
model_pack_str_eq(PackStr p, const char *s)
{
	return s != NULL && strlen(s) == p.len && memcmp(p.s, s, p.len) == 0;
}

/* ---- writing ---- */

/*
 * Each entry is written in place: its size is bounded first (a varint of
 * a uint32 takes at most 5 bytes, of a uint64 10), the room reserved once
 * (sb_room), then the bytes put through a cursor and counted (sb_grew).
 */
#define VARINT32_MAX 5
#define VARINT64_MAX 10

static inline uint8_t *
put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t) v;
	return p;
}

static inline uint8_t *
put_bytes(uint8_t *p, const char *s, size_t len)
{
	memcpy(p, s, len);
	return p + len;
}

static inline uint8_t *
put_str(uint8_t *p, const char *s, size_t len)
{
	return put_bytes(put_varint(p, len), s, len);
}

/* Room for bound bytes at b's end. */
static inline uint8_t *
entry_begin(StrBuf *b, size_t bound)
{
	return (uint8_t *) sb_room(b, bound);
}

/* The entry that began at b's end, within bound bytes, now ends at p. */
static inline void
entry_end(StrBuf *b, const uint8_t *p, size_t bound)
{
	size_t		n = (size_t) (p - (const uint8_t *) (b->data + b->len));

	assert(n <= bound);
	(void) bound;
	sb_grew(b, n);
}

/* The bound of put_items' bytes. */
static inline size_t
items_bound(uint32_t n)
{
	return VARINT64_MAX + (size_t) n * VARINT32_MAX;
}

/* The item list: 0 when hot, else n + 1 then the first item_no and the gaps to the next. */
static uint8_t *
put_items(uint8_t *p, bool hot, const uint32_t *items, uint32_t n)
{
	if (hot)
		return put_varint(p, 0);
	p = put_varint(p, (uint64_t) n + 1);
	for (uint32_t i = 0; i < n; i++)
		p = put_varint(p, i == 0 ? items[0] : items[i] - items[i - 1]);
	return p;
}

void
model_pack_account_key(StrBuf *b, uint32_t name_no, const char *mask, uint32_t key_items,
					   uint32_t gkey_items, bool hot, const uint32_t *items, uint32_t n_items)
{
	size_t		mask_len = strlen(mask);
	size_t		bound = 1 + 4 * VARINT32_MAX + VARINT64_MAX + mask_len +
		items_bound(hot ? 0 : n_items);
	uint8_t    *p = entry_begin(b, bound);

	*p++ = 0;
	p = put_varint(p, name_no);
	p = put_str(p, mask, mask_len);
	p = put_varint(p, key_items);
	p = put_varint(p, gkey_items);
	entry_end(b, put_items(p, hot, items, n_items), bound);
}

void
model_pack_persistent_key(StrBuf *b, uint8_t env, const char *institution,
						  const char *persistent_id, uint32_t key_items, bool hot,
						  const uint32_t *items, uint32_t n_items)
{
	size_t		inst_len = strlen(institution),
				pid_len = strlen(persistent_id);
	size_t		bound = 2 + 2 * VARINT64_MAX + inst_len + pid_len + VARINT32_MAX +
		items_bound(hot ? 0 : n_items);
	uint8_t    *p = entry_begin(b, bound);

	*p++ = 1;
	*p++ = env;
	p = put_str(p, institution, inst_len);
	p = put_str(p, persistent_id, pid_len);
	p = put_varint(p, key_items);
	entry_end(b, put_items(p, hot, items, n_items), bound);
}

void
model_pack_name(StrBuf *b, uint8_t env, const char *institution, const char *name,
				uint32_t name_items, uint32_t gname_items)
{
	size_t		inst_len = strlen(institution),
				name_len = strlen(name);
	size_t		bound = 1 + 2 * VARINT64_MAX + inst_len + name_len + 2 * VARINT32_MAX;
	uint8_t    *p = entry_begin(b, bound);

	*p++ = env;
	p = put_str(p, institution, inst_len);
	p = put_str(p, name, name_len);
	p = put_varint(p, name_items);
	entry_end(b, put_varint(p, gname_items), bound);
}

/* zigzag: small negative and positive numbers both stay short */
static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
}

static int64_t
unzigzag(uint64_t v)
{
	return (int64_t) (v >> 1) ^ -(int64_t) (v & 1);
}

void
model_pack_item(StrBuf *b, const char *item_id, const char *owner_id, uint8_t env,
				const char *institution, int64_t created_at, uint32_t keyable,
				uint32_t n_acc, const int64_t *acc_key, const int64_t *acc_pkey)
{
	size_t		id_len = strlen(item_id),
				owner_len = owner_id == NULL ? 0 : strlen(owner_id),
				inst_len = strlen(institution);
	size_t		bound = 4 * VARINT64_MAX + id_len + owner_len + 1 + inst_len +
		2 * VARINT32_MAX + (size_t) n_acc * 2 * VARINT64_MAX;
	uint8_t    *p = entry_begin(b, bound);

	p = put_str(p, item_id, id_len);
	if (owner_id == NULL)
		p = put_varint(p, 0);
	else
		p = put_bytes(put_varint(p, owner_len + 1), owner_id, owner_len);
	*p++ = env;
	p = put_str(p, institution, inst_len);
	p = put_varint(p, zigzag(created_at));
	p = put_varint(p, keyable);
	p = put_varint(p, n_acc);
	for (uint32_t k = 0; k < n_acc; k++)
	{
		p = put_varint(p, (uint64_t) (acc_key[k] + 1));	/* MODEL_NONE is 0 */
		p = put_varint(p, (uint64_t) (acc_pkey[k] + 1));
	}
	entry_end(b, p, bound);
}

/* ---- reading ---- */

static bool
get_varint(ModelPackReader *r, uint64_t *v)
{
	uint64_t	x = 0;

	for (unsigned shift = 0; shift < 64; shift += 7)
	{
		uint8_t		c;

		if (r->p >= r->end)
			return false;
		c = *r->p++;
		x |= (uint64_t) (c & 0x7f) << shift;
		if ((c & 0x80) == 0)
		{
			*v = x;
			return true;
		}
	}
	return false;
}

static bool
get_u32(ModelPackReader *r, uint32_t *v)
{
	uint64_t	x;

	if (!get_varint(r, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t) x;
	return true;
}

static bool
get_byte(ModelPackReader *r, uint8_t *v)
{
	if (r->p >= r->end)
		return false;
	*v = *r->p++;
	return true;
}

static bool
get_bytes(ModelPackReader *r, size_t len, PackStr *s)
{
	if ((size_t) (r->end - r->p) < len)
		return false;
	s->s = (const char *) r->p;
	s->len = len;
	r->p += len;
	return true;
}

static bool
get_str(ModelPackReader *r, PackStr *s)
{
	uint64_t	len;

	return get_varint(r, &len) && get_bytes(r, (size_t) len, s);
}

/* Skip n varints (validated); false when the blob ends first. */
static bool
skip_varints(ModelPackReader *r, uint64_t n)
{
	uint64_t	v;

	for (uint64_t i = 0; i < n; i++)
		if (!get_varint(r, &v))
			return false;
	return true;
}

static bool
get_items(ModelPackReader *r, PackedKey *k)
{
	uint64_t	n;

	if (!get_varint(r, &n) || n > UINT32_MAX)
		return false;
	k->hot = n == 0;
	k->n_items = n == 0 ? 0 : (uint32_t) (n - 1);
	k->items = r->p;
	return skip_varints(r, k->n_items);
}

int
model_unpack_key(ModelPackReader *r, PackedKey *out)
{
	uint8_t		kind;
	bool		ok;

	if (r->p >= r->end)
		return 0;
	memset(out, 0, sizeof(*out));
	if (!get_byte(r, &kind) || kind > 1)
		return -1;
	out->persistent = kind == 1;
	if (out->persistent)
		ok = get_byte(r, &out->env) && get_str(r, &out->institution) &&
			get_str(r, &out->persistent_id) && get_u32(r, &out->key_items);
	else
		ok = get_u32(r, &out->name_no) && get_str(r, &out->mask) &&
			get_u32(r, &out->key_items) && get_u32(r, &out->gkey_items);
	return ok && get_items(r, out) ? 1 : -1;
}

int
model_unpack_name(ModelPackReader *r, PackedName *out)
{
	if (r->p >= r->end)
		return 0;
	memset(out, 0, sizeof(*out));
	return get_byte(r, &out->env) && get_str(r, &out->institution) && get_str(r, &out->name) &&
		get_u32(r, &out->name_items) && get_u32(r, &out->gname_items) ? 1 : -1;
}

int
model_unpack_item(ModelPackReader *r, PackedItem *out)
{
	uint64_t	owner,
				created;

	if (r->p >= r->end)
		return 0;
	memset(out, 0, sizeof(*out));
	if (!get_str(r, &out->item_id) || !get_varint(r, &owner) ||
		(owner > 0 && !get_bytes(r, (size_t) (owner - 1), &out->owner_id)) ||
		!get_byte(r, &out->env) || !get_str(r, &out->institution) ||
		!get_varint(r, &created) || !get_u32(r, &out->keyable) || !get_u32(r, &out->n_acc))
		return -1;
	out->has_owner = owner > 0;
	out->created_at = unzigzag(created);
	out->accounts = r->p;
	return skip_varints(r, (uint64_t) out->n_acc * 2) ? 1 : -1;
}

/* The next varint of a stretch model_unpack_* already walked (it cannot run out). */
static uint64_t
next_varint(const uint8_t **p)
{
	uint64_t	x = 0;

	for (unsigned shift = 0;; shift += 7)
	{
		uint8_t		c = *(*p)++;

		x |= (uint64_t) (c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			return x;
	}
}

void
model_unpack_key_items(const PackedKey *k, uint32_t *out)
{
	const uint8_t *p = k->items;
	uint32_t	prev = 0;

	for (uint32_t i = 0; i < k->n_items; i++)
		out[i] = prev = prev + (uint32_t) next_varint(&p);
}

void
model_unpack_item_accounts(const PackedItem *it, int64_t *acc_key, int64_t *acc_pkey)
{
	const uint8_t *p = it->accounts;

	for (uint32_t k = 0; k < it->n_acc; k++)
	{
		acc_key[k] = (int64_t) next_varint(&p) - 1;
		acc_pkey[k] = (int64_t) next_varint(&p) - 1;
	}
}

bool
model_unhex(const char *hex, size_t len, uint8_t *out)
{
	if (len % 2 != 0)
		return false;
	for (size_t i = 0; i < len; i += 2)
	{
		int			hi = copyfmt_hex_value(hex[i]);
		int			lo = copyfmt_hex_value(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (uint8_t) (hi << 4 | lo);
	}
	return true;
}
