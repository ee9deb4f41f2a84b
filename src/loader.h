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

typedef struct LoadOptions
{
	const char *source;			/* SCHEMA.NAME as given by the user */
	bool		include_removed;
	const char *created_since;	/* timestamptz text or NULL */
	const char *created_until;	/* timestamptz text or NULL (exclusive) */
	const char *only_items[2];	/* explain: read just these item_ids (NULL: all) */
	const char *changed_since;	/* check: rows created or updated at or after (timestamptz text) */
	ReadPath	read_path;
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
 * loader_resolve_source — to_regclass($1) of a schema-qualified name, the
 * server's own quoting of it into quoted.  False with err when it does not
 * resolve.
 */
bool		loader_resolve_source(DbConn *c, const char *name, char *quoted, size_t qlen,
								  char *err, size_t errlen) MUSTCHECK;

#endif
