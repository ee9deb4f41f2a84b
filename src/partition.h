/*
 * partition.h — `itemdup run --partitions N`: the read and the match in
 * passes over N classes of institutions, inside the one read snapshot, with
 * the results one pass gives (docs/SCALING.md, "--partitions N").
 *
 * Keys never cross an institution, so each pass keys and matches the Items
 * of one class of institutions.  The source is read N + 1 times: the census
 * (one read) counts what crosses classes (the Items per name and per (name,
 * mask) at every institution of an environment, the scorer's gname_items
 * and gkey_items), keeps the counts, unkeyable reasons and rejects, and
 * balances the classes by its live Items per institution (the largest
 * institution first into the emptiest class); then one pass per class keys,
 * matches and keeps only what steps 7-8 need — the Items of accepted pairs
 * and near misses, their keys' counts, the pairs, the near-miss sample — in
 * the run's Dataset and MatchResult, numbered as one pass numbers them.
 * Every pass parses every row (its class needs its payload); rows of other
 * classes are dropped unless their item_id has other rows (the snapshot
 * rule), so memory is bounded by the largest class plus the census's
 * counts.
 *
 * Errors: never logged here; false with the reason in err (a signal, the
 * server's, --max-pairs).
 */
#ifndef ITEMDUP_PARTITION_H
#define ITEMDUP_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "keys.h"
#include "loader.h"
#include "match.h"

typedef struct PartitionRun PartitionRun;

/*
 * partition_begin — a partitioned read of lo's source on src in n passes,
 * into out (the run's Dataset, initialised, empty), rejects (Vec of
 * RejectRow) and st.  hash: the Datasets' key hash (NULL: XXH3).
 */
PartitionRun *partition_begin(DbConn *src, const LoadOptions *lo, uint32_t n, KeyHashFn hash,
							  Dataset *out, Vec *rejects, LoadStats *st);

/*
 * partition_census — the census read: st's counts, out->unkeyable, the
 * live rejects (their Items in out) and the counts across institutions.
 * The read transaction stays open.
 */
bool		partition_census(PartitionRun *pr, char *err, size_t errlen) MUSTCHECK;

/*
 * partition_match — the passes: every class keyed and matched with
 * mo (--max-pairs counts over all passes), m filled over out as one pass
 * fills it; then the read transaction is committed.
 */
bool		partition_match(PartitionRun *pr, const MatchOptions *mo, MatchResult *m,
							char *err, size_t errlen) MUSTCHECK;

/*
 * What a run that publishes does with each pass before it is merged and
 * freed (publish_model_spill_pass): ds holds the pass's Items (its classes'
 * and, removed, others' kept for the snapshot rule), st their counts with
 * the census's across institutions.  False stops the run with err.
 */
typedef bool (*PartitionPassFn) (void *arg, const Dataset *ds, const KeyStats *st, char *err,
								 size_t errlen);

void		partition_on_pass(PartitionRun *pr, PartitionPassFn fn, void *arg);

/* The most Items one pass held (its rows and other classes' rows kept for snapshots). */
size_t		partition_max_items(const PartitionRun *pr);

/* partition_end — roll back a read transaction still open (a failed run) and free pr. */
void		partition_end(PartitionRun *pr);

#endif
