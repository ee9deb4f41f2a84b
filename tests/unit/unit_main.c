/*
 * unit_main.c — runs every suite; Check prints its summary line.
 */
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "unit.h"

uint32_t
unit_add(Dataset *ds, const char *item_id, const char *owner, const char *env,
		 const char *json, const InstitutionMap *map)
{
	Arena		scratch;
	PayloadItem p;
	char		detail[160];
	SourceRow	row;
	RejectReason r;
	uint32_t	idx;

	arena_init(&scratch);
	r = payload_parse(json, strlen(json), &scratch, &p, detail, sizeof(detail));
	ck_assert_msg(r == REJECT_NONE, "payload of %s rejected: %s", item_id, detail);
	memset(&row, 0, sizeof(row));
	row.item_id = item_id;
	row.item_id_len = strlen(item_id);
	row.owner_id = owner;
	row.owner_id_len = owner ? strlen(owner) : 0;
	row.environment = env ? env : "production";
	row.environment_len = strlen(row.environment);
	row.created_at = 1000;
	row.updated_at = 1000;
	idx = keys_add_item(ds, &row, r, &p, map);
	arena_free(&scratch);
	return idx;
}

int
main(void)
{
	SRunner    *sr = srunner_create(normalize_suite());
	int			failed;

	srunner_add_suite(sr, payload_suite());
	srunner_add_suite(sr, keys_suite());
	srunner_add_suite(sr, match_suite());
	srunner_add_suite(sr, groups_suite());
	srunner_add_suite(sr, copyfmt_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
