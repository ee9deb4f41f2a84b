/*
 * history.h — what the previous runs left, read before grouping: the
 * published run's groups and members (so a group keeps its id and first
 * sighting from run to run) and new group ids from itemdup.group_id_seq.
 * The group step reads history; publish only writes.
 *
 * PrevGroups and PrevGroupMeta are still declared in publish.h (issue 12's
 * file); they move here, with publish_load_previous, publish_previous_free
 * and publish_allocate_ids removed from publish.c, once that lands.
 */
#ifndef ITEMDUP_HISTORY_H
#define ITEMDUP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "publish.h"

/*
 * history_read_groups — the published run's groups (prev->meta, sorted by
 * group_id) and members (prev->members); prev->run_id 0 when nothing is
 * published.  prev is initialised here and owned by the caller
 * (history_free) whatever the outcome.  False with the reason in err.
 */
bool		history_read_groups(DbConn *c, PrevGroups *prev, char *err, size_t errlen) MUSTCHECK;
void		history_free(PrevGroups *prev);

/*
 * history_allocate_ids — n new group ids from itemdup.group_id_seq,
 * ascending, into ids.  False with the reason in err.
 */
bool		history_allocate_ids(DbConn *c, size_t n, int64_t *ids,
								 char *err, size_t errlen) MUSTCHECK;

#endif
