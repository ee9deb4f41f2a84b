/*
 * model_spill.h — the published model of a run read in passes
 * (--partitions N), spilled pass by pass to temporary files and merged
 * into one model, byte for byte the one a single pass writes
 * (docs/SCALING.md "Publishing runs in passes").
 *
 * Keys and names never cross an institution, and a pass holds whole
 * institutions, so each pass can pack its own names, keys and Items
 * (model_pack.h) with numbers of its own: name_no and key_no in hash
 * order, item_no in item_id order, all within the pass.  The run's numbers
 * are the same orders over every pass: a k-way merge of the passes' sorted
 * entries gives each entry its run number, and the map from a pass's
 * numbers to the run's is increasing, so a key's Items stay ascending.
 * Merging re-packs each entry with the run's numbers: names as they are,
 * keys with their name_no and item_nos mapped, Items with their key_nos
 * mapped.  Equal 64-bit hashes (which a real run never sees) are ordered
 * by pass, not by the one-pass tie-break (the key's id); lookups confirm
 * the text, so either order is a valid model.
 *
 * Memory: the maps, 4 bytes per name, key and Item of the run, and a read
 * buffer per pass; the entries stay on disk (in $TMPDIR, else /tmp, about
 * the model's size: ~160 bytes per Item), in files unlinked as soon as
 * they are made, so a killed run leaves nothing behind.
 *
 * Errors: never logged here; false with the reason in model_spill_error.
 */
#ifndef ITEMDUP_MODEL_SPILL_H
#define ITEMDUP_MODEL_SPILL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "copyfmt.h"

typedef enum SpillKind
{
	SPILL_NAMES,
	SPILL_KEYS,
	SPILL_ITEMS,
	SPILL_KINDS
} SpillKind;

typedef struct ModelSpill ModelSpill;

/* model_spill_new — three unlinked temporary files; NULL with err set. */
ModelSpill *model_spill_new(char *err, size_t errlen);
void		model_spill_free(ModelSpill *sp);

/*
 * Writing: one pass's entries of each kind, in the pass's order (names and
 * keys by their signed 64-bit hash, Items by item_id), numbered 0, 1, ...
 * in that order; its institutions with their live Items; then
 * model_spill_pass_end with its live Items and how many of its keys are
 * persistent ids.
 */
void		model_spill_put(ModelSpill *sp, SpillKind kind, int64_t hash, const StrBuf *entry);
void		model_spill_institution(ModelSpill *sp, const char *institution, size_t len,
									uint32_t items);
bool		model_spill_pass_end(ModelSpill *sp, uint64_t live_items,
								 uint32_t persistent) MUSTCHECK;

/* What the passes spilled: entries of a kind, live Items, keys that are persistent ids, institutions. */
uint64_t	model_spill_count(const ModelSpill *sp, SpillKind kind);
uint64_t	model_spill_live_items(const ModelSpill *sp);
uint64_t	model_spill_persistent(const ModelSpill *sp);
uint64_t	model_spill_bytes(const ModelSpill *sp);
uint32_t	model_spill_passes(const ModelSpill *sp);
uint32_t	model_spill_institutions(const ModelSpill *sp);
const char *model_spill_institution_at(const ModelSpill *sp, uint32_t i, size_t *len,
									   uint32_t *items);

/*
 * Merging, in this order: model_spill_number_items (every Item's run
 * item_no; it gives up, "stopped", once *stop is set), then the names, the keys and the Items each through a
 * SpillMerge — names before keys (a key names its name by name_no), keys
 * before Items (an Item lists its key_nos).
 */
bool		model_spill_number_items(ModelSpill *sp, atomic_bool *stop) MUSTCHECK;

typedef struct SpillMerge SpillMerge;

/* A merge of every pass's entries of kind, in the run's order; NULL with the error set. */
SpillMerge *model_spill_merge(ModelSpill *sp, SpillKind kind);

/* The next entry's hash (names, keys); false (error set) when there is none. */
bool		spill_merge_hash(SpillMerge *m, int64_t *hash) MUSTCHECK;

/* The next entry's item_id, NUL-terminated until the next spill_merge_pack (Items); NULL: none. */
const char *spill_merge_item_id(SpillMerge *m);

/* The next entry re-packed with the run's numbers onto blob, and the merge moved past it. */
bool		spill_merge_pack(SpillMerge *m, StrBuf *blob) MUSTCHECK;

void		spill_merge_end(SpillMerge *m);

/* Why the last call failed. */
const char *model_spill_error(const ModelSpill *sp);

#endif
