/*
 * arena.h — bump allocator for hot data (names, ids, account records).
 *
 * Everything allocated from an Arena lives until arena_free(); callers never
 * free individual allocations.  Allocation failure aborts the process with a
 * message: the job cannot continue without memory and has nothing to publish.
 * That message (xoom) is the only thing the pure core ever writes to stderr
 * (docs/STYLE.md "Errors").
 */
#ifndef ITEMDUP_ARENA_H
#define ITEMDUP_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MUSTCHECK __attribute__((warn_unused_result))

/*
 * CancelFn — how the pure core learns that the job was asked to stop
 * (SIGINT/SIGTERM): its long loops (match, grouping) call it every
 * CANCEL_EVERY steps and fail when it returns true.  NULL: never
 * cancelled.  The edge passes a function reading the signal flag, so the
 * core never touches signals or libpq.
 */
typedef bool (*CancelFn) (void);

#define CANCEL_EVERY 65536

/* cancel_poll — step counter *steps advanced; true when fn says stop. */
static inline bool
cancel_poll(CancelFn fn, uint64_t *steps)
{
	return fn != NULL && (*steps)++ % CANCEL_EVERY == 0 && fn();
}

typedef struct ArenaBlock ArenaBlock;

typedef struct Arena
{
	ArenaBlock *head;
	size_t		used_bytes;		/* payload bytes handed out, for stats */
} Arena;

void		arena_init(Arena *a);
void		arena_free(Arena *a);
/* arena_reset — forget every allocation but keep one block for reuse. */
void		arena_reset(Arena *a);
void	   *arena_alloc(Arena *a, size_t size);
char	   *arena_strndup(Arena *a, const char *s, size_t len);
/* arena_strpack — as arena_strndup, packed without alignment (text only) */
char	   *arena_strpack(Arena *a, const char *s, size_t len);
/* arena_strpack2 — s then t (NULL: none) packed one after the other; returns s's copy */
char	   *arena_strpack2(Arena *a, const char *s, size_t len, const char *t, size_t tlen);

/*
 * xoom — the one out-of-memory path: a message, then abort.  For
 * allocations made by libraries (cJSON, xxHash, utf8proc) whose failure
 * must stop the job, never be taken for a property of the data.
 * size 0: unknown.
 */
void		xoom(size_t size) __attribute__((noreturn));

/* xmalloc family: abort with a message on failure (xoom), never return NULL. */
void	   *xmalloc(size_t size);
void	   *xcalloc(size_t n, size_t size);
void	   *xrealloc(void *p, size_t size);
char	   *xstrdup(const char *s);

/*
 * Growable array of fixed-size elements, owned by its holder (vec_free).
 */
typedef struct Vec
{
	void	   *data;
	size_t		len;
	size_t		cap;
	size_t		elem;
} Vec;

void		vec_init(Vec *v, size_t elem);
void	   *vec_push(Vec *v);
void		vec_free(Vec *v);
/*
 * bitset_rank — how many bits of a bitset are set below bit i: word is the
 * 64-bit word that holds bit i, before the count set in the words before it
 * (a rank directory kept beside the bits: groups.h NodeSet, keys.h PkeyBlock).
 */
static inline uint32_t
bitset_rank(uint64_t word, uint32_t before, size_t i)
{
	return before + (uint32_t) __builtin_popcountll(word & ((UINT64_C(1) << (i % 64)) - 1));
}

/*
 * u32_sort_small — ascending insertion sort of n values in place: for the
 * short lists (an item's keys, the evidence's listed keys) where it beats qsort.
 */
void		u32_sort_small(uint32_t *v, uint32_t n);

/*
 * sort_small — sort n elements of size bytes (at most 32) by cmp: insertion
 * sort for the usual few, qsort past qsort_above.  Inline, so that a call
 * with a constant size and comparator compiles to the insertion sort of
 * that type.
 */
static inline void
sort_small(void *base, size_t n, size_t size, int (*cmp) (const void *, const void *),
		   size_t qsort_above)
{
	char	   *v = base;
	char		x[32];

	if (n > qsort_above || size > sizeof(x))
	{
		qsort(base, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++)
	{
		size_t		j = i;

		memcpy(x, v + i * size, size);
		for (; j > 0 && cmp(v + (j - 1) * size, x) > 0; j--)
			memcpy(v + j * size, v + (j - 1) * size, size);
		memcpy(v + j * size, x, size);
	}
}

/* vec_sort — qsort of the elements; fine on an empty Vec (data NULL). */
void		vec_sort(Vec *v, int (*cmp) (const void *, const void *));
#define VEC_AT(v, type, i) (((type *) (v)->data)[i])

#endif
