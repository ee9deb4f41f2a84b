/*
 * main.c — runs every unit suite of the pure core (make unit).
 *
 * CK_NORMAL prints Check's "N%: Checks: N, Failures: N, Errors: N" line and
 * each failure; the exit status is nonzero when any check failed or erred.
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner    *sr = srunner_create(normalize_suite());
	int			failed;

	srunner_add_suite(sr, payload_suite());
	srunner_add_suite(sr, keys_suite());
	srunner_add_suite(sr, match_suite());
	srunner_add_suite(sr, prune_suite());
	srunner_add_suite(sr, groups_suite());
	srunner_add_suite(sr, score_suite());
	srunner_add_suite(sr, copyfmt_suite());
	srunner_add_suite(sr, cli_values_suite());
	srunner_add_suite(sr, textesc_suite());
	srunner_add_suite(sr, model_suite());
	srunner_add_suite(sr, arena_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
