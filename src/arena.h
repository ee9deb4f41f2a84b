/*
 * arena.h — bump allocator for hot data (names, ids, account records).
 *
 * Everything allocated from an Arena lives until arena_free(); callers never
 * free individual allocations.  Allocation failure aborts the process with a
 * message: the job cannot continue without memory and has nothing to publish.
 */
#ifndef ITEMDUP_ARENA_H
#define ITEMDUP_ARENA_H

#include <stddef.h>
#include <stdint.h>

#define MUSTCHECK __attribute__((warn_unused_result))

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

/* xmalloc family: abort with a message on failure, never return NULL. */
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
/* vec_sort — qsort of the elements; fine on an empty Vec (data NULL). */
void		vec_sort(Vec *v, int (*cmp) (const void *, const void *));
#define VEC_AT(v, type, i) (((type *) (v)->data)[i])

#endif
