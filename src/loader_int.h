/*
 * loader_int.h — what the two read paths share (loader.c: the text path
 * and the source checks; loader_flat.c: the flat path for jsonb sources,
 * docs/SCALING.md).  Not for other modules.
 */
#ifndef ITEMDUP_LOADER_INT_H
#define ITEMDUP_LOADER_INT_H

#include "loader.h"
#include "payload.h"

/* The Item columns both paths ship first, in this order. */
enum
{
	COL_ITEM_ID,
	COL_OWNER_ID,
	COL_ENVIRONMENT,
	COL_INSTITUTION_ID,
	COL_CREATED_US,
	COL_UPDATED_US,
	COL_REMOVED,
	COL_BAD_TIME,				/* name of an out-of-range time column, or null */
	ITEM_COLUMNS
};

typedef struct LoadCtx
{
	Dataset    *ds;
	Vec		   *rejects;
	LoadStats  *st;
	const InstitutionMap *map;
	Arena		scratch;		/* one Item's parse; reset per Item */
	int64_t		estimate;		/* planner's row estimate, 0 if unknown */
	bool		from_jsonb;		/* the payload column is jsonb */
	double		started;
	/* the flat path's Item being assembled (loader_flat.c) */
	bool		pending;
	char	   *cols[ITEM_COLUMNS];	/* copies in scratch */
	size_t		col_len[ITEM_COLUMNS];
	PayloadItem item;
	Vec			accounts;		/* PayloadAccount */
	int64_t		last_ord;
	/* --partitions (LoadOptions) */
	uint32_t	partitions;
	uint32_t	partition;
	const Interner *classes;
	const uint32_t *class_of;
	const Interner *multi;
	LoadTakeFn	take;
	void	   *take_arg;
	Vec		   *foreign;		/* uint8_t per Item, NULL when partitions <= 1 */
	Vec		   *ordinal;		/* uint32_t per Item, or NULL */
	int64_t		n_foreign;		/* rows of other classes, kept or not */
} LoadCtx;

/*
 * loader_take_item — one source Item into the Dataset: its columns (cols,
 * ITEM_COLUMNS of them, NULL for SQL null) and either its payload text
 * (payload, NULL for a null or skipped payload) or the payload the flat
 * path assembled (flat).  Applies the column rules, the parse and the
 * rejects identically for both paths.  False when interrupted.
 */
bool		loader_take_item(LoadCtx *ctx, char *const *cols, const size_t *col_len,
							 const char *payload, size_t plen, const PayloadItem *flat);

/* The flat path's COPY row callback (ctx: LoadCtx) and its end. */
bool		loader_flat_row(char *row, size_t len, void *arg);
bool		loader_flat_finish(LoadCtx *ctx);

#endif
