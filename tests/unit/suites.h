/*
 * suites.h — the Check suites of the pure core (tests/unit/), one per stage.
 * main.c runs them all in one SRunner.
 */
#ifndef ITEMDUP_TEST_SUITES_H
#define ITEMDUP_TEST_SUITES_H

#include <check.h>

Suite	   *normalize_suite(void);
Suite	   *payload_suite(void);
Suite	   *keys_suite(void);
Suite	   *match_suite(void);
Suite	   *groups_suite(void);
Suite	   *score_suite(void);
Suite	   *copyfmt_suite(void);
Suite	   *cli_values_suite(void);
Suite	   *textesc_suite(void);
Suite	   *model_suite(void);
Suite	   *prune_suite(void);
Suite	   *arena_suite(void);

#endif
