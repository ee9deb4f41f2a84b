/*
 * flat_accounts.c — itemdup.flat_accounts(payload jsonb): the flat read
 * path's account rows in C (docs/SCALING.md "The flat read path").
 *
 * The rows and values are exactly those of the SQL expressions in
 * sql/queries/read_flat_accounts.sql, computed in one pass over the stored jsonb
 * instead of one jsonb copy and lookup per expression: for a payload the
 * flat path may read (an object whose "accounts" is an array of 1 to 1000,
 * at most 4096 bytes uncompressed, no value 64 levels deep), one row per
 * account — ordinal, kind ('o' current, 'l' legacy meta, 'x' not an
 * object), name and mask (or meta.name and meta.number), persistent id and
 * institution_type as jsonb, and on the first row item.institution_id and
 * whether item.error is set; for any other payload no row, and the caller
 * ships the payload as text.  Pure: it reads nothing but its argument and
 * never raises on any jsonb value, so a hostile row never aborts the COPY.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/toast_compression.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#define FLAT_MAX_ACCOUNTS 1000	/* the text path's too_many_accounts */
#define FLAT_MAX_BYTES 4096		/* uncompressed jsonb bytes read flat */
#define FLAT_MAX_DEPTH 64		/* no value this deep: strict $.**{64} */

PG_FUNCTION_INFO_V1(itemdup_flat_accounts);
PG_FUNCTION_INFO_V1(itemdup_flat_accounts_text);
PG_FUNCTION_INFO_V1(itemdup_epoch_us);

/*
 * The size read_flat_accounts.sql compares with 4096: pg_column_size(p), or for a
 * compressed value pg_column_size(p || '{}') — the detoasted size, since
 * concatenating an empty object returns the object itself.
 */
static Size
uncompressed_size(Datum d)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	if (toast_get_compression_id(v) != TOAST_INVALID_COMPRESSION_ID)
		return toast_raw_datum_size(d);
	return toast_datum_size(d);
}

/*
 * Whether any value sits FLAT_MAX_DEPTH levels below the root (level 0),
 * as jsonb_path_exists(p, 'strict $.**{64}') decides: a walk over the
 * containers' entries only, never decoding a scalar.  c is at level.
 */
static bool
too_deep(const JsonbContainer *c, int level)
{
	uint32		n = JsonContainerSize(c);
	uint32		nentries = JsonContainerIsObject(c) ? 2 * n : n;
	uint32		first = JsonContainerIsObject(c) ? n : 0;	/* values after keys */
	const char *data = (const char *) &c->children[nentries];
	uint32		offset = 0;

	if (n > 0 && level + 1 >= FLAT_MAX_DEPTH)
		return true;
	for (uint32 i = 0; i < nentries; i++)
	{
		JEntry		e = c->children[i];
		uint32		start = offset;

		offset = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);
		if (i >= first && JBE_ISCONTAINER(e) &&
			too_deep((const JsonbContainer *) (data + INTALIGN(start)), level + 1))
			return true;
	}
	return false;
}

/* c -> key as in SQL: the value, or NULL when c is no object or lacks it. */
static bool
field(JsonbContainer *c, const char *key, JsonbValue *out)
{
	if (c == NULL || !JsonContainerIsObject(c))
		return false;
	return getKeyJsonValueFromContainer(c, key, strlen(key), out) != NULL;
}

/* The container of a value that is an object, else NULL. */
static JsonbContainer *
object_of(const JsonbValue *v)
{
	if (v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data))
		return v->val.binary.data;
	return NULL;
}

/*
 * c -> key (what jsonb_object_field returns), or null: as a jsonb datum
 * (version 1.1's columns), or as text holding exactly what jsonb_out prints
 * for it (1.2's), which the COPY to the job ships byte for byte alike
 * without building a jsonb per value and printing it again.
 */
static Datum
field_datum(JsonbContainer *c, const char *key, bool as_text, bool *isnull)
{
	JsonbValue	v;
	StringInfoData out;

	*isnull = !field(c, key, &v);
	if (*isnull)
		return (Datum) 0;
	if (!as_text)
		return JsonbPGetDatum(JsonbValueToJsonb(&v));
	switch (v.type)
	{
		case jbvNull:
			return CStringGetTextDatum("null");
		case jbvBool:
			return CStringGetTextDatum(v.val.boolean ? "true" : "false");
		case jbvNumeric:
			return CStringGetTextDatum(DatumGetCString(DirectFunctionCall1(numeric_out,
																		   NumericGetDatum(v.val.numeric))));
		case jbvString:
			/* jsonb_out's own escaping (a scalar's text has no brackets) */
			initStringInfo(&out);
			escape_json(&out, pnstrdup(v.val.string.val, v.val.string.len));
			return PointerGetDatum(cstring_to_text_with_len(out.data, out.len));
		default:
			/* an object or array: jsonb_out's layout ("key": value, ...) */
			return CStringGetTextDatum(JsonbToCString(NULL, v.val.binary.data,
													  v.val.binary.len));
	}
}

/* The accounts array when the payload is read flat, else NULL. */
static JsonbContainer *
flat_accounts_of(Datum raw, Jsonb *jb)
{
	JsonbValue	acc;
	JsonbContainer *c;
	uint32		n;

	if (!JB_ROOT_IS_OBJECT(jb) || !field(&jb->root, "accounts", &acc) ||
		acc.type != jbvBinary || !JsonContainerIsArray(acc.val.binary.data))
		return NULL;
	c = acc.val.binary.data;
	n = JsonContainerSize(c);
	if (n < 1 || n > FLAT_MAX_ACCOUNTS || uncompressed_size(raw) > FLAT_MAX_BYTES ||
		too_deep(&jb->root, 0))
		return NULL;
	return c;
}

/* The first row's item columns: item.institution_id, item.error set. */
static void
put_item(Jsonb *jb, bool as_text, Datum *values, bool *nulls)
{
	JsonbValue	item,
				err;
	JsonbContainer *ic = NULL;

	if (field(&jb->root, "item", &item))
		ic = object_of(&item);
	values[2] = field_datum(ic, "institution_id", as_text, &nulls[2]);
	values[3] = BoolGetDatum(field(ic, "error", &err) && err.type != jbvNull);
	nulls[3] = false;
}

/* One account's columns after the item's: kind, name, mask, ids. */
static void
put_account(const JsonbValue *acct, bool as_text, Datum *values, bool *nulls)
{
	JsonbContainer *ac = object_of(acct);
	JsonbContainer *meta = NULL;
	JsonbValue	m;

	if (field(ac, "meta", &m))
		meta = object_of(&m);
	values[1] = CStringGetTextDatum(ac == NULL ? "x" : meta ? "l" : "o");
	values[4] = field_datum(meta ? meta : ac, "name", as_text, &nulls[4]);
	values[5] = field_datum(meta ? meta : ac, meta ? "number" : "mask", as_text, &nulls[5]);
	values[6] = field_datum(ac, "persistent_account_id", as_text, &nulls[6]);
	values[7] = field_datum(ac, "institution_type", as_text, &nulls[7]);
}

/*
 * The result set, as InitMaterializedSRF makes it, but with the row type
 * looked up once per query (fn_extra) instead of once per payload.
 */
static void
start_rows(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						errmsg("itemdup.flat_accounts: set-valued function called in a "
							   "context that cannot accept a set")));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		TupleDesc	desc;

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "itemdup.flat_accounts: return type must be a row type");
		MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = CreateTupleDescCopy(desc);
		MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	}
	rsinfo->returnMode = SFRM_Materialize;
	/* the executor frees setDesc after each call: a copy of the cached one */
	rsinfo->setDesc = CreateTupleDescCopy((TupleDesc) fcinfo->flinfo->fn_extra);
	rsinfo->setResult = tuplestore_begin_heap(false, false, work_mem);
	MemoryContextSwitchTo(old);
}

/* Both versions' rows: the values as jsonb (1.1) or as jsonb_out's text (1.2). */
static Datum
flat_accounts(FunctionCallInfo fcinfo, bool as_text)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		raw = PG_GETARG_DATUM(0);
	Jsonb	   *jb = DatumGetJsonbP(raw);
	JsonbContainer *accounts;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int64		ord = 0;

	start_rows(fcinfo);
	accounts = flat_accounts_of(raw, jb);
	if (accounts == NULL)
		return (Datum) 0;
	it = JsonbIteratorInit(accounts);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		Datum		values[8];
		bool		nulls[8] = {false, false, true, true, false, false, false, false};

		if (tok != WJB_ELEM)
			continue;
		values[0] = Int64GetDatum(++ord);
		if (ord == 1)
			put_item(jb, as_text, values, nulls);
		put_account(&v, as_text, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Version 1.1's itemdup.flat_accounts(): jsonb columns (kept for a 1.1 install). */
Datum
itemdup_flat_accounts(PG_FUNCTION_ARGS)
{
	return flat_accounts(fcinfo, false);
}

/* Version 1.2's: the same values as text, jsonb_out's bytes. */
Datum
itemdup_flat_accounts_text(PG_FUNCTION_ARGS)
{
	return flat_accounts(fcinfo, true);
}

/*
 * itemdup.epoch_us(ts timestamptz): microseconds since 1970-01-01 UTC when
 * 0001-01-01 <= ts < 10000-01-01 (UTC), else null (infinite or outside the
 * years the result tables hold) — exactly read_epoch_us.sql's CASE over
 * EXTRACT(EPOCH ...), without its numeric arithmetic (version 1.2).
 */
Datum
itemdup_epoch_us(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz lo = (TimestampTz) (date2j(1, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
	TimestampTz hi = (TimestampTz) (date2j(10000, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;

	if (TIMESTAMP_NOT_FINITE(ts) || ts < lo || ts >= hi)
		PG_RETURN_NULL();
	PG_RETURN_INT64(ts + (TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}
