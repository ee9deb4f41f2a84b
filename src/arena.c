/*
 * arena.c — bump allocator and checked malloc wrappers.
 */
#define _DEFAULT_SOURCE			/* MADV_HUGEPAGE: <sys/mman.h> hides it under
								 * _POSIX_C_SOURCE alone */
#include "arena.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK_SIZE (1024 * 1024)

/* Transparent huge pages are 2 MiB on x86-64 (and on arm64 with 4 KiB pages). */
#define HUGE_PAGE_SIZE ((uintptr_t) 2 * 1024 * 1024)
/*
 * The smallest allocation advised to use them: smaller ones made no run
 * faster and a 1 M run's peak 3 MiB larger at 16 MiB (10 MiB at 4 MiB); every
 * big table of a 10 M run is 54 MB or more (docs/SCALING.md).
 */
#define HUGE_ALLOC_MIN ((size_t) 32 * 1024 * 1024)

/*
 * Ask for transparent huge pages on the 2 MiB pages wholly inside an
 * allocation of at least HUGE_ALLOC_MIN bytes.  The big tables are read at
 * random (the interning, the counts, the model's numbering): with 4 KiB
 * pages nearly every access misses the TLB, and under a hypervisor each
 * miss walks two page tables (docs/SCALING.md, "Huge pages for the big
 * tables").  Advice only: where THP is "never", or the call fails, nothing
 * changes; with THP "always" it is what the kernel does anyway.
 */
static void
advise_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	uintptr_t	lo = ((uintptr_t) p + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
	uintptr_t	hi = ((uintptr_t) p + size) & ~(HUGE_PAGE_SIZE - 1);

	if (size >= HUGE_ALLOC_MIN && hi > lo)
		(void) madvise((void *) lo, hi - lo, MADV_HUGEPAGE);
#else
	(void) p;
	(void) size;
#endif
}

/* arena_alloc rounds sizes up with a mask: the alignment is a power of two */
_Static_assert((_Alignof(max_align_t) & (_Alignof(max_align_t) - 1)) == 0,
			   "max_align_t alignment is a power of two");

struct ArenaBlock
{
	ArenaBlock *next;
	size_t		size;
	size_t		used;
	max_align_t data[];
};

void
xoom(size_t size)
{
	if (size > 0)
		fprintf(stderr, "itemdup: out of memory allocating %zu bytes\n", size);
	else
		fprintf(stderr, "itemdup: out of memory\n");
	abort();
}

void *
xmalloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		xoom(size);
	advise_huge(p, size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	   *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		xoom(n * size);
	advise_huge(p, n * size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	void	   *q = realloc(p, size ? size : 1);

	if (q == NULL)
		xoom(size);
	advise_huge(q, size);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t		len = strlen(s);
	char	   *p = xmalloc(len + 1);

	memcpy(p, s, len + 1);
	return p;
}

void
arena_init(Arena *a)
{
	a->head = NULL;
	a->used_bytes = 0;
}

void
arena_free(Arena *a)
{
	ArenaBlock *b = a->head;

	while (b != NULL)
	{
		ArenaBlock *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_bytes = 0;
}

void
arena_reset(Arena *a)
{
	ArenaBlock *keep = a->head;

	if (keep == NULL)
		return;
	for (ArenaBlock *b = keep->next; b != NULL;)
	{
		ArenaBlock *next = b->next;

		free(b);
		b = next;
	}
	keep->next = NULL;
	keep->used = 0;
	a->used_bytes = 0;
}

/*
 * Size bytes (rounded up to align) at a multiple of align (a power of two,
 * at most max_align_t's) from a's top block; owned by the arena.  Large requests get a block of
 * their own so big strings waste nothing.
 */
static void *
arena_alloc_aligned(Arena *a, size_t size, size_t align)
{
	size_t		need;
	ArenaBlock *b = a->head;
	size_t		at;

	if (size > SIZE_MAX / 2)
		xoom(size);				/* would wrap below: no block can hold it */
	need = (size + align - 1) & ~(align - 1);
	if (need == 0)
		need = align;
	at = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (b == NULL || at > b->size || b->size - at < need)
	{
		size_t		bsize = need > ARENA_BLOCK_SIZE / 4 ? need : ARENA_BLOCK_SIZE;

		b = xmalloc(sizeof(ArenaBlock) + bsize);
		b->size = bsize;
		b->used = 0;
		at = 0;
		if (need > ARENA_BLOCK_SIZE / 4 && a->head != NULL)
		{
			/* keep the current block on top: it still has room */
			b->next = a->head->next;
			a->head->next = b;
		}
		else
		{
			b->next = a->head;
			a->head = b;
		}
	}
	void	   *p = (char *) b->data + at;

	b->used = at + need;
	assert(b->used <= b->size);
	assert(((uintptr_t) p & (align - 1)) == 0);
	a->used_bytes += size;
	return p;
}

/* arena_alloc — size bytes aligned for any type; owned by the arena. */
void *
arena_alloc(Arena *a, size_t size)
{
	return arena_alloc_aligned(a, size, _Alignof(max_align_t));
}

/*
 * arena_strpack — NUL-terminated copy of len bytes, packed next to the
 * previous one (no alignment: text only); owned by the arena.
 */
char *
arena_strpack(Arena *a, const char *s, size_t len)
{
	char	   *p = arena_alloc_aligned(a, len + 1, 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/*
 * arena_strpack2 — arena_strpack of s, then of t right after it (t NULL:
 * s alone): a second string found from the first (keys_item_owner).
 */
char *
arena_strpack2(Arena *a, const char *s, size_t len, const char *t, size_t tlen)
{
	size_t		more = t ? tlen + 1 : 0;
	char	   *p = arena_alloc_aligned(a, len + 1 + more, 1);

	memcpy(p, s, len);
	p[len] = '\0';
	if (t)
	{
		memcpy(p + len + 1, t, tlen);
		p[len + 1 + tlen] = '\0';
	}
	return p;
}

/* arena_strndup — NUL-terminated copy of len bytes, owned by the arena. */
char *
arena_strndup(Arena *a, const char *s, size_t len)
{
	char	   *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
vec_init(Vec *v, size_t elem)
{
	v->data = NULL;
	v->len = 0;
	v->cap = 0;
	v->elem = elem;
}

/* vec_push — pointer to a new zeroed slot at the end; valid until next push. */
void *
vec_push(Vec *v)
{
	assert(v->elem > 0 && v->len <= v->cap);
	if (v->len == v->cap)
	{
		v->cap = v->cap ? v->cap * 2 : 64;
		v->data = xrealloc(v->data, v->cap * v->elem);
	}
	void	   *p = (char *) v->data + v->len * v->elem;

	memset(p, 0, v->elem);
	v->len++;
	return p;
}

void
vec_free(Vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}

void
u32_sort_small(uint32_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
	{
		uint32_t	x = v[i];
		uint32_t	j = i;

		while (j > 0 && v[j - 1] > x)
		{
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

void
vec_sort(Vec *v, int (*cmp) (const void *, const void *))
{
	if (v->len > 1)
		qsort(v->data, v->len, v->elem, cmp);
}
