/*
 * loader.h — the source contract (docs/SOURCE.md) read into a Dataset.
 *
 * Resolves and validates the source relation, then streams it with
 * COPY (SELECT ...) TO STDOUT inside one REPEATABLE READ READ ONLY
 * transaction (committed as soon as the COPY ends), parsing each row as it
 * arrives: memory holds the keys, never the payloads.
 */
#ifndef ITEMDUP_LOADER_H
#define ITEMDUP_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "keys.h"
#include "rows.h"

/* --read-path: how a jsonb payload is read (docs/SCALING.md). */
typedef enum ReadPath
{
	READ_PATH_AUTO = 0,			/* flat for jsonb, text otherwise */
	READ_PATH_TEXT,
	READ_PATH_FLAT,				/* jsonb only: fails the run on json/text */
	READ_PATH_FLAT_SQL			/* flat, never through itemdup.flat_accounts() */
} ReadPath;

/* The read transaction of one loader_read (several for --partitions, docs/SCALING.md). */
typedef enum LoadTx
{
	LOAD_TX_OWN = 0,			/* begin it and commit it after the COPY */
	LOAD_TX_BEGIN,				/* begin it and leave it open for the next read */
	LOAD_TX_IN					/* it is open (LOAD_TX_BEGIN): read in it, leave it open */
} LoadTx;

/*
 * --partitions' census (partition.c): a row whose item_id has no other row,
 * handed over instead of kept — its columns, reject (REJECT_NONE: p is its
 * parsed payload, unless row->removed), reject detail, the institution map
 * and its row number.  Everything borrowed for the call only.
 */
typedef void (*LoadTakeFn) (void *arg, const SourceRow *row, RejectReason reason,
							const char *detail, const PayloadItem *p,
							const InstitutionMap *map, uint32_t ordinal);

typedef struct LoadOptions
{
	const char *source;			/* SCHEMA.NAME as given by the user */
	bool		include_removed;
	const char *created_since;	/* timestamptz text or NULL */
	const char *created_until;	/* timestamptz text or NULL (exclusive) */
	const char *only_items[2];	/* explain: read just these item_ids (NULL: all) */
	const char *changed_since;	/* check: rows created or updated at or after (timestamptz text) */
	ReadPath	read_path;
	LoadTx		tx;				/* a failed read rolls the transaction back in every mode */
	/*
	 * --partitions: with partitions > 1, only rows whose institution falls in
	 * class `partition` (classes, below) are Items of their own.  A row of
	 * another class whose item_id is in multi (loader_multi_snapshots; NULL:
	 * every row) is kept as a removed Item without payload, so that it still
	 * takes part in the snapshot rule, and marked 1 in foreign (uint8_t per
	 * Item); other rows of other classes are dropped.  ordinal gets each
	 * Item's row number in the read (uint32_t): its index in one pass.
	 * Counts and rejects are of the class's rows only.  Vecs: the caller's.
	 */
	uint32_t	partitions;
	uint32_t	partition;
	/*
	 * The class of an institution: class_of[id] of its id in classes (the
	 * census's assignment, partition.c); one classes has not seen, and a
	 * row without one, is of class 0 (classes NULL: every row).
	 */
	const Interner *classes;
	const uint32_t *class_of;
	const Interner *multi;
	Vec		   *foreign;
	Vec		   *ordinal;
	/* with multi: rows whose item_id is not in it go to take, not into the Dataset */
	LoadTakeFn	take;
	void	   *take_arg;
} LoadOptions;

typedef struct LoadStats
{
	int64_t		items_read;		/* source rows */
	int64_t		items_removed;	/* skipped: removed_at set */
	int64_t		items_superseded;	/* skipped: older snapshot of an item_id */
	int64_t		items_rejected; /* live rejects (latest snapshot rejected) */
	int64_t		items_used;		/* live, parsed items */
	int64_t		accounts_read;	/* accounts of the items used */
	int64_t		payload_bytes;	/* payload text parsed, or flat rows received */
	int64_t		snapshot_at;	/* microseconds: start of the read transaction */
	int64_t		items_flat;		/* Items the flat path assembled from flat rows */
	bool		flat;			/* read through the flat path */
	bool		flat_ext;		/* ... its rows made by itemdup.flat_accounts() */
	bool		epoch_ext;		/* ... and its Items' times by itemdup.epoch_us() */
	char		source_quoted[300]; /* the server's quoting of the source name */
} LoadStats;

/*
 * loader_read — fill ds (initialised by the caller) and rejects (Vec of
 * RejectRow, initialised by the caller) from the source.  Returns false
 * with the reason in err on any failure; it is not logged here (the caller
 * logs it once and records it in runs.error).
 */
bool		loader_read(DbConn *c, const LoadOptions *opt, Dataset *ds, Vec *rejects,
						LoadStats *st, char *err, size_t errlen) MUSTCHECK;

/* The path a read took: "flat-ext", "flat" or "text" (runs.stats read_path). */
const char *loader_path_name(const LoadStats *st);

/*
 * loader_multi_snapshots — inside the caller's open read transaction, the
 * item_ids that have more than one row in the read opt describes, into ids
 * (initialised by the caller).  False with err.
 */
bool		loader_multi_snapshots(DbConn *c, const LoadOptions *opt, Interner *ids,
								   char *err, size_t errlen) MUSTCHECK;


/*
 * loader_resolve_source — to_regclass($1) of a schema-qualified name, the
 * server's own quoting of it into quoted.  False with err when it does not
 * resolve.
 */
bool		loader_resolve_source(DbConn *c, const char *name, char *quoted, size_t qlen,
								  char *err, size_t errlen) MUSTCHECK;

#endif
