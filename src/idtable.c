/*
 * idtable.c — IdTable: values found by the bytes of their key, with a tag
 * of the hash in each slot's spare bits (keys.h "IdTable").
 */
#include "keys.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Slot layout (keys.h "IdTable"): with n_slots = 2^bits, an entry's low
 * bits hold value + 1 (0 = empty) and its high 32 - bits bits a tag, the
 * top bits of the hash's high half (the slot index takes the low half).
 */
#define IDTABLE_MIN_BITS 10
#define IDTABLE_MAX_BITS 31

/*
 * At most 3/4 full: linear probing's runs stay short there (a miss reads
 * 8.5 slots on average, about two cache lines, and the tags spare it the
 * keys), while a bound of 1/2 doubles a table whose power of two falls just
 * short (the keys' 64 M slots at 10 M Items, 40 % full).
 */
static inline bool
idtable_over(size_t n, size_t n_slots)
{
	return n > n_slots / 4 * 3;
}

static unsigned
idtable_bits_for(size_t expected)
{
	unsigned	bits = IDTABLE_MIN_BITS;

	while (idtable_over(expected, (size_t) 1 << bits) && bits < IDTABLE_MAX_BITS)
		bits++;
	return bits;
}

static inline uint32_t
idtable_tag(const IdTable *t, KeyHash h)
{
	return (uint32_t) (h.hi >> (32 + t->bits));
}

static inline uint32_t
idtable_vmask(const IdTable *t)
{
	return (uint32_t) (t->n_slots - 1);
}

static void
idtable_alloc(IdTable *t, unsigned bits)
{
	t->bits = bits;
	t->n_slots = (size_t) 1 << bits;
	t->slots = xcalloc(t->n_slots, sizeof(uint32_t));
}

void
keys_idtable_init(IdTable *t, KeyHashFn hash, size_t expected)
{
	memset(t, 0, sizeof(*t));
	t->hash = hash ? hash : keys_hash_xxh3;
	idtable_alloc(t, idtable_bits_for(expected));
}

void
keys_idtable_free(IdTable *t)
{
	free(t->slots);
	t->slots = NULL;
	t->n_slots = 0;
}

/* keys_idtable_find's probe; counts collisions into *collisions unless NULL */
static uint32_t
idtable_probe(const IdTable *t, const void *bytes, size_t len, IdKeyFn key_of,
			  const void *ctx, size_t *slot, KeyHash *hash, uint64_t *collisions)
{
	unsigned char buf[IDKEY_MAX];
	size_t		mask = t->n_slots - 1;
	uint32_t	tag;
	size_t		s;

	if (t->slots == NULL)
	{
		fprintf(stderr, "itemdup: internal error: interning into a sealed Dataset\n");
		abort();
	}
	*hash = t->hash(bytes, len);
	tag = idtable_tag(t, *hash);
	for (s = hash->lo & mask;; s = (s + 1) & mask)
	{
		uint32_t	e = t->slots[s];
		uint32_t	v = (e & idtable_vmask(t)) - 1;
		size_t		klen;
		const void *k;

		if (e == 0)
			break;
		if (e >> t->bits != tag)
			continue;			/* another key, told apart without reading it */
		k = key_of(ctx, v, buf, &klen);
		if (klen == len && memcmp(k, bytes, len) == 0)
		{
			*slot = s;
			return v;
		}
		/* a probe past another key; a collision only when the whole hash matched */
		if (collisions != NULL)
		{
			KeyHash		o = t->hash(k, klen);

			if (o.lo == hash->lo && o.hi == hash->hi)
				(*collisions)++;
		}
	}
	*slot = s;
	return KEY_NONE;
}

void
keys_idtable_prefetch(const IdTable *t, const void *bytes, size_t len)
{
	if (t->slots != NULL)
		__builtin_prefetch(&t->slots[t->hash(bytes, len).lo & (t->n_slots - 1)]);
}

uint32_t
keys_idtable_peek(const IdTable *t, const void *bytes, size_t len)
{
	size_t		mask = t->n_slots - 1;
	KeyHash		h;
	uint32_t	tag;

	if (t->slots == NULL)
		return KEY_NONE;
	h = t->hash(bytes, len);
	tag = idtable_tag(t, h);
	for (size_t s = h.lo & mask; t->slots[s] != 0; s = (s + 1) & mask)
		if (t->slots[s] >> t->bits == tag)
			return (t->slots[s] & idtable_vmask(t)) - 1;
	return KEY_NONE;
}

uint32_t
keys_idtable_get(const IdTable *t, const void *bytes, size_t len, IdKeyFn key_of, const void *ctx)
{
	size_t		slot;
	KeyHash		h;

	if (t->slots == NULL)
		return KEY_NONE;		/* sealed */
	return idtable_probe(t, bytes, len, key_of, ctx, &slot, &h, NULL);
}

uint32_t
keys_idtable_find(IdTable *t, const void *bytes, size_t len, IdKeyFn key_of,
				  const void *ctx, size_t *slot)
{
	return idtable_probe(t, bytes, len, key_of, ctx, slot, &t->found, &t->collisions);
}

/* Store v, whose key hashes to h, at the first empty slot from its home; returns the slot. */
static size_t
idtable_place(IdTable *t, KeyHash h, uint32_t v)
{
	size_t		mask = t->n_slots - 1;
	size_t		s;

	for (s = h.lo & mask; t->slots[s] != 0; s = (s + 1) & mask)
		;
	t->slots[s] = idtable_tag(t, h) << t->bits | (v + 1);
	return s;
}

/* Move every value into 2^bits slots: a tag is not the whole hash, so each key is hashed again. */
static void
idtable_resize(IdTable *t, unsigned bits, IdKeyFn key_of, const void *ctx)
{
	unsigned char buf[IDKEY_MAX];
	uint32_t   *old = t->slots;
	size_t		old_n = t->n_slots;
	uint32_t	old_mask = idtable_vmask(t);

	if (bits > IDTABLE_MAX_BITS)
	{
		fprintf(stderr, "itemdup: internal error: an IdTable past 2^31 slots\n");
		abort();
	}
	idtable_alloc(t, bits);
	for (size_t i = 0; i < old_n; i++)
	{
		size_t		klen;
		const void *k;

		if (old[i] == 0)
			continue;
		k = key_of(ctx, (old[i] & old_mask) - 1, buf, &klen);
		(void) idtable_place(t, t->hash(k, klen), (old[i] & old_mask) - 1);
	}
	free(old);
}

/* Grow until a slot's value bits hold v (a value is below n_slots - 1). */
static bool
idtable_widen(IdTable *t, uint32_t v, IdKeyFn key_of, const void *ctx)
{
	unsigned	bits = t->bits;

	while (bits < 32 && v >= ((uint32_t) 1 << bits) - 1)
		bits++;
	if (bits == t->bits)
		return false;
	idtable_resize(t, bits, key_of, ctx);
	return true;
}

void
keys_idtable_reserve(IdTable *t, size_t expected, IdKeyFn key_of, const void *ctx)
{
	unsigned	bits = idtable_bits_for(expected);

	if (bits > t->bits)
		idtable_resize(t, bits, key_of, ctx);
}

void
keys_idtable_put(IdTable *t, size_t slot, uint32_t v, IdKeyFn key_of, const void *ctx)
{
	assert(t->slots[slot] == 0 && v < UINT32_MAX - 1);
	if (idtable_widen(t, v, key_of, ctx))
		(void) idtable_place(t, t->found, v);	/* the slot moved with the growth */
	else
		t->slots[slot] = idtable_tag(t, t->found) << t->bits | (v + 1);
	t->n++;
	if (idtable_over(t->n, t->n_slots))
		idtable_resize(t, t->bits + 1, key_of, ctx);
}

void
keys_idtable_set(IdTable *t, size_t slot, uint32_t v, IdKeyFn key_of, const void *ctx)
{
	uint32_t	old = (t->slots[slot] & idtable_vmask(t)) - 1;

	assert(t->slots[slot] != 0 && v < UINT32_MAX - 1);
	if (idtable_widen(t, v, key_of, ctx))
	{
		/* old moved with the growth: it is on the probe path of the last find's key */
		for (slot = t->found.lo & (t->n_slots - 1);
			 (t->slots[slot] & idtable_vmask(t)) != old + 1;
			 slot = (slot + 1) & (t->n_slots - 1))
			;
	}
	t->slots[slot] = (t->slots[slot] & ~idtable_vmask(t)) | (v + 1);
}
