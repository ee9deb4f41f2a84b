/*
 * loader_flat.c — the flat read path for a jsonb payload column
 * (docs/SCALING.md, "The flat read path").  The server ships only what the
 * keys need, one row per account (sql/queries/read_flat.sql, built in
 * loader.c); this file
 * assembles each Item's accounts with the same rules as the text path
 * (payload_account_fill) and hands the Item to loader_take_item, which
 * applies the column rules and rejects for both paths.  Items the flat
 * columns could not reproduce arrive as text and take the text path.
 */
#include <stdlib.h>
#include <string.h>

#include "copyfmt.h"
#include "loader_int.h"
#include "log.h"

/* Columns of read_flat.sql after the Item columns. */
enum
{
	FC_PAYLOAD = ITEM_COLUMNS,	/* text, only when ord is null */
	FC_ITEM_INSTITUTION,		/* item.institution_id as jsonb text */
	FC_ITEM_ERROR,				/* item.error present and not null */
	FC_ORD,						/* 1.. per account; null: a text row */
	FC_KIND,					/* 'o' object, 'l' object with an object meta, 'x' other */
	FC_NAME,					/* name or meta.name as jsonb text */
	FC_MASK,					/* mask or meta.number */
	FC_PERSISTENT_ID,
	FC_INSTITUTION_TYPE,
	FLAT_COLUMNS
};

/* Decode one jsonb text value; false (logged) when it is not one. */
static bool
decode(LoadCtx *ctx, const char *json, size_t len, PayloadValue *out)
{
	if (payload_value_decode(json, len, &ctx->scratch, out))
		return true;
	log_error("unexpected value from the flat read of the source");
	return false;
}

/* The first row of an Item: keep its columns and item-level fields. */
static bool
start_item(LoadCtx *ctx, char *const *f, const size_t *flen)
{
	PayloadValue inst;

	for (int i = 0; i < ITEM_COLUMNS; i++)
	{
		ctx->cols[i] = f[i] ? arena_strndup(&ctx->scratch, f[i], flen[i]) : NULL;
		ctx->col_len[i] = flen[i];
	}
	memset(&ctx->item, 0, sizeof(ctx->item));
	if (!decode(ctx, f[FC_ITEM_INSTITUTION], flen[FC_ITEM_INSTITUTION], &inst))
		return false;
	ctx->item.institution_id = payload_id_string(&inst, &ctx->scratch);
	ctx->item.has_error = f[FC_ITEM_ERROR] != NULL && f[FC_ITEM_ERROR][0] == 't';
	ctx->accounts.len = 0;
	ctx->pending = true;
	return true;
}

/* One account row of the pending Item, through the shared account rules. */
static bool
add_account(LoadCtx *ctx, char *const *f, const size_t *flen)
{
	PayloadAccountFields af;
	PayloadAccount *pa;
	char		kind = f[FC_KIND] ? f[FC_KIND][0] : 'x';

	memset(&af, 0, sizeof(af));
	af.is_object = kind == 'o' || kind == 'l';
	af.legacy = kind == 'l';
	if (af.is_object &&
		(!decode(ctx, f[FC_NAME], flen[FC_NAME], &af.name) ||
		 !decode(ctx, f[FC_MASK], flen[FC_MASK], &af.mask) ||
		 !decode(ctx, f[FC_PERSISTENT_ID], flen[FC_PERSISTENT_ID], &af.persistent_id) ||
		 !decode(ctx, f[FC_INSTITUTION_TYPE], flen[FC_INSTITUTION_TYPE], &af.institution_type)))
		return false;
	pa = vec_push(&ctx->accounts);
	payload_account_fill(&af, &ctx->scratch, pa);
	if (af.legacy)
		ctx->item.legacy = true;
	if (ctx->item.legacy_type == NULL && pa->legacy_type != NULL)
		ctx->item.legacy_type = pa->legacy_type;
	return true;
}

bool
loader_flat_finish(LoadCtx *ctx)
{
	if (!ctx->pending)
		return true;
	ctx->pending = false;
	ctx->st->items_flat++;
	ctx->item.accounts = ctx->accounts.data;
	ctx->item.n_accounts = (uint32_t) ctx->accounts.len;
	return loader_take_item(ctx, ctx->cols, ctx->col_len, NULL, 0, &ctx->item);
}

bool
loader_flat_row(char *row, size_t len, void *arg)
{
	LoadCtx    *ctx = arg;
	char	   *f[FLAT_COLUMNS];
	size_t		flen[FLAT_COLUMNS];
	int64_t		ord;

	if (!copyfmt_split(row, len, FLAT_COLUMNS, f, flen))
	{
		log_error("unexpected COPY row format from the flat read of the source");
		return false;
	}
	ctx->st->payload_bytes += (int64_t) len;
	if (f[FC_ORD] == NULL)
	{
		/* an Item read as text: the text path's parser decides */
		if (!loader_flat_finish(ctx))
			return false;
		arena_reset(&ctx->scratch);
		return loader_take_item(ctx, f, flen, f[FC_PAYLOAD], flen[FC_PAYLOAD], NULL);
	}
	ord = strtoll(f[FC_ORD], NULL, 10);
	if (ord == 1)
	{
		if (!loader_flat_finish(ctx))
			return false;
		arena_reset(&ctx->scratch);
		if (!start_item(ctx, f, flen))
			return false;
	}
	else if (!ctx->pending || ord != ctx->last_ord + 1)
	{
		log_error("the flat read of the source returned an Item's accounts out of order");
		return false;
	}
	ctx->last_ord = ord;
	return add_account(ctx, f, flen);
}
