/*
 * fuzz_payload.c — libFuzzer target over the pure core a source row goes
 * through: payload parsing (with the JSON pre-scan), normalisation, keying,
 * matching and grouping.  `make fuzz` runs it under clang's libFuzzer;
 * `make test` replays tests/fuzz/corpus through it with replay.c.
 *
 * The input is one payload; it is added twice (two item_ids, so every key
 * it yields is shared) plus once as the legacy institution map's target.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "keys.h"
#include "match.h"
#include "payload.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Dataset		ds;
	InstitutionMap map;
	Arena		scratch;
	MatchResult mr;
	MatchOptions mo = {1000, 100000, -1e9, NULL, true, 10.0, NULL};	/* pruning on: its code runs too */
	char		detail[160];
	char		err[200];
	static const char *const ids[2] = {"item-a", "item-b"};

	keys_dataset_init(&ds, NULL);
	keys_map_init(&map);
	keys_map_add(&map, "wells", "ins_4");
	arena_init(&scratch);
	for (int k = 0; k < 2; k++)
	{
		PayloadItem p;
		RejectReason r = payload_parse((const char *) data, size, &scratch, &p,
									   detail, sizeof(detail));
		SourceRow	row = {
			.item_id = ids[k], .item_id_len = strlen(ids[k]),
			.owner_id = k ? "owner-b" : "owner-a", .owner_id_len = 7,
			.environment = "production", .environment_len = 10,
			.created_at = k, .updated_at = k, .row_hash = (uint64_t) k
		};

		if (strlen(detail) >= sizeof(detail))
			abort();
		(void) keys_add_item(&ds, &row, r, r == REJECT_NONE ? &p : NULL, &map);
	}
	keys_dataset_seal(&ds);		/* as a run does after its read */
	keys_count_unkeyable(&ds);
	if (match_find_pairs(&ds, &mo, &mr, err, sizeof(err)))
	{
		const char *item_ids[2] = {ids[0], ids[1]};
		Groups		g;

		for (size_t i = 0; i < mr.pairs.len; i++)
			free(match_pair_evidence(&ds, &mr, &VEC_AT(&mr.pairs, Pair, i)));
		groups_build(ds.items.len, mr.pairs.data, mr.pairs.len, item_ids, &g);
		groups_free(&g);
	}
	match_result_free(&mr);
	arena_free(&scratch);
	keys_map_free(&map);
	keys_dataset_free(&ds);
	return 0;
}
