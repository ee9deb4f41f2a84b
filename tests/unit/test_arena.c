/*
 * test_arena.c — the checked allocators' advice to the kernel: the big
 * tables ask for transparent huge pages (docs/SCALING.md, "Huge pages for
 * the big tables").
 */
#define _DEFAULT_SOURCE			/* sscanf's %lx into unsigned long, getline */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "suites.h"

/*
 * Whether the mapping of this process holding address a carries the
 * kernel's "hg" flag (madvise MADV_HUGEPAGE), read from /proc/self/smaps;
 * -1 when no mapping holds it.
 */
static int
advised_huge(uintptr_t a)
{
	FILE	   *f = fopen("/proc/self/smaps", "r");
	char	   *line = NULL;
	size_t		cap = 0;
	int			in = 0,
				found = -1;

	ck_assert_ptr_nonnull(f);
	while (getline(&line, &cap, f) > 0)
	{
		unsigned long lo,
					hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			found = strstr(line, " hg") != NULL;
	}
	free(line);
	fclose(f);
	return found;
}

/* Whether this kernel has transparent huge pages at all (else madvise refuses). */
static int
kernel_has_thp(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

START_TEST(test_big_allocations_ask_for_huge_pages)
{
	size_t		size = 32 * 1024 * 1024;
	char	   *p = xmalloc(size);
	char	   *q = xcalloc(size / 8, 8);
	char	   *r = xrealloc(NULL, size);
	/* a 2 MiB page wholly inside each */
	uintptr_t	mid[3] = {(uintptr_t) p + size / 2, (uintptr_t) q + size / 2,
	(uintptr_t) r + size / 2};

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(advised_huge(mid[i]), kernel_has_thp());
	free(p);
	free(q);
	free(r);
}
END_TEST

Suite *
arena_suite(void)
{
	Suite	   *s = suite_create("arena");
	TCase	   *tc = tcase_create("advice");

	tcase_add_test(tc, test_big_allocations_ask_for_huge_pages);
	suite_add_tcase(s, tc);
	return s;
}
