/*
 * unit.h — the Check suites of the pure core, and small builders they share.
 */
#ifndef ITEMDUP_UNIT_H
#define ITEMDUP_UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "keys.h"

Suite	   *normalize_suite(void);
Suite	   *payload_suite(void);
Suite	   *keys_suite(void);
Suite	   *match_suite(void);
Suite	   *groups_suite(void);
Suite	   *copyfmt_suite(void);

/*
 * unit_add — parse json and add it to ds as item_id of owner (NULL ok) in
 * env ("production" when NULL); returns the item index.  Fails the test
 * when the payload is rejected unless allow_reject.
 */
uint32_t	unit_add(Dataset *ds, const char *item_id, const char *owner, const char *env,
					 const char *json, const InstitutionMap *map);

#endif
