/*
 * testutil.h — helpers shared by the keys and match suites: parse a small
 * JSON payload and add it to a Dataset as one source row.
 */
#ifndef ITEMDUP_TEST_UTIL_H
#define ITEMDUP_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "payload.h"

/* One source row; NULL strings are SQL nulls.  Zero-initialise and fill. */
typedef struct TuRow
{
	const char *item_id;
	const char *owner_id;
	const char *env;			/* NULL means "production" */
	const char *institution_id; /* the source column */
	int64_t		created_at;
	int64_t		updated_at;
	uint64_t	row_hash;
	bool		removed;
	RejectReason reject;		/* not REJECT_NONE: added as a rejected row */
} TuRow;

/*
 * tu_add — parse json (must be accepted; NULL for none) with a scratch arena
 * that is freed before returning, so the Dataset must own everything it
 * keeps (ASan catches a pointer left into the scratch arena), then
 * keys_add_item and keys_dataset_finish.  A rejected or removed row is
 * added with p NULL, as the loader does.  Returns the item index.
 */
uint32_t	tu_add(Dataset *ds, const TuRow *row, const char *json,
				   const InstitutionMap *map);

/* The institution id of text, or KEY_NONE when it was never interned. */
uint32_t	tu_institution(const Dataset *ds, const char *text);

/* Account k of item idx. */
Account		tu_account(const Dataset *ds, uint32_t idx, uint32_t k);

#endif
