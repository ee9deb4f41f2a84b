/*
 * testutil.c — see testutil.h.
 */
#include "testutil.h"

#include <check.h>
#include <string.h>

uint32_t
tu_add(Dataset *ds, const TuRow *row, const char *json, const InstitutionMap *map)
{
	Arena		scratch;
	PayloadItem p;
	SourceRow	sr;
	char		detail[160];
	bool		parsed = false;
	uint32_t	idx;
	const char *env = row->env ? row->env : "production";

	arena_init(&scratch);
	memset(&sr, 0, sizeof(sr));
	sr.item_id = row->item_id;
	sr.item_id_len = row->item_id ? strlen(row->item_id) : 0;
	sr.owner_id = row->owner_id;
	sr.owner_id_len = row->owner_id ? strlen(row->owner_id) : 0;
	sr.environment = env;
	sr.environment_len = strlen(env);
	sr.institution_id = row->institution_id;
	sr.institution_id_len = row->institution_id ? strlen(row->institution_id) : 0;
	sr.created_at = row->created_at;
	sr.updated_at = row->updated_at;
	sr.row_hash = row->row_hash;
	sr.removed = row->removed;
	if (json != NULL && row->reject == REJECT_NONE && !row->removed)
	{
		RejectReason r = payload_parse(json, strlen(json), &scratch, &p,
									   detail, sizeof(detail));

		ck_assert_msg(r == REJECT_NONE, "test payload rejected: %s (%s)",
					  payload_reject_name(r), detail);
		parsed = true;
	}
	idx = keys_add_item(ds, &sr, row->reject, parsed ? &p : NULL, map);
	/* the cross-institution ids, as the run's seal gives them after its read */
	keys_dataset_finish(ds);
	/* poison what the payload pointed at: the dataset must not keep it */
	arena_free(&scratch);
	return idx;
}

uint32_t
tu_institution(const Dataset *ds, const char *text)
{
	return keys_lookup(&ds->institutions, text, strlen(text));
}

Account
tu_account(const Dataset *ds, uint32_t idx, uint32_t k)
{
	const Item *it = DS_ITEM(ds, idx);

	ck_assert_uint_lt(k, it->n_accounts);
	return keys_account(ds, it->first_account + k);
}
