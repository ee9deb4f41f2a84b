/*
 * history.h — what the previous runs left, read before grouping: the
 * published run's groups and members (so a group keeps its id and first
 * sighting from run to run) and new group ids from itemdup.group_id_seq.
 * The group step reads history; publish only writes.
 */
#ifndef ITEMDUP_HISTORY_H
#define ITEMDUP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "groups.h"

/* The groups of the published run, for stable ids.  Owned (history_free). */
typedef struct PrevGroups
{
	int64_t		run_id;			/* 0 when nothing is published */
	Vec			members;		/* PrevMember, item_id in arena */
	Vec			meta;			/* PrevGroupMeta, sorted by group_id */
	Arena		arena;
} PrevGroups;

typedef struct PrevGroupMeta
{
	int64_t		group_id;
	int64_t		first_seen_run;
	int64_t		first_seen_at;	/* microseconds since the epoch */
} PrevGroupMeta;

/*
 * history_read_groups — the published run's groups (prev->meta, sorted by
 * group_id) and members (prev->members); prev->run_id 0 when nothing is
 * published.  prev is initialised here and owned by the caller
 * (history_free) whatever the outcome.  False with the reason in err.
 */
bool		history_read_groups(DbConn *c, PrevGroups *prev, char *err, size_t errlen) MUSTCHECK;
void		history_free(PrevGroups *prev);

/* history_find_meta — the published group group_id's meta, or NULL. */
const PrevGroupMeta *history_find_meta(const PrevGroups *prev, int64_t group_id);

/*
 * history_allocate_ids — n new group ids from itemdup.group_id_seq,
 * ascending, into ids.  False with the reason in err.
 */
bool		history_allocate_ids(DbConn *c, size_t n, int64_t *ids,
								 char *err, size_t errlen) MUSTCHECK;

#endif
