/*
 * itemdup_check.c — itemdup.check_link(owner_id, environment,
 * institution_id, accounts): `itemdup check` inside the server.
 *
 * The same check_parse and check_score as the command (src/check.c), over
 * SPI (db_spi.c): the same verdicts and scores bit for bit.  The rows are
 * the matches, best first.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "executor/spi.h"

#include "check_glue.h"
#include "migrate.h"

PG_MODULE_MAGIC;

const char *itemdup_spi_last_error(void);

PG_FUNCTION_INFO_V1(itemdup_check_link);

/* The accounts argument as the JSON document check_parse reads. */
static char *
input_json(Jsonb *jb)
{
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

	if (JB_ROOT_IS_ARRAY(jb) && !JB_ROOT_IS_SCALAR(jb))
		return psprintf("{\"accounts\": %s}", text);
	return text;
}

static void
put_matches(FunctionCallInfo fcinfo, const GlueCheck *g)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	for (size_t i = 0; i < glue_check_matches(g); i++)
	{
		const char *item_id,
				   *owner_id,
				   *evidence;
		bool		same;
		double		score;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		glue_check_match(g, i, &item_id, &owner_id, &same, &score, &evidence);
		nulls[1] = owner_id == NULL;
		values[0] = CStringGetTextDatum(item_id);
		values[1] = owner_id ? CStringGetTextDatum(owner_id) : (Datum) 0;
		values[2] = BoolGetDatum(same);
		values[3] = Float8GetDatum(score);
		values[4] = DirectFunctionCall1(jsonb_in, CStringGetDatum(evidence));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

Datum
itemdup_check_link(PG_FUNCTION_ARGS)
{
	GlueCheck  *volatile g;
	char	   *owner,
			   *env,
			   *inst,
			   *json;
	int			rc;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("itemdup.check_link: owner_id, environment and accounts "
							   "must not be null")));
	InitMaterializedSRF(fcinfo, 0);
	owner = text_to_cstring(PG_GETARG_TEXT_PP(0));
	env = text_to_cstring(PG_GETARG_TEXT_PP(1));
	inst = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	json = input_json(PG_GETARG_JSONB_P(3));

	g = glue_check_parse(owner, env, inst, "itemdup.source_items", json, strlen(json), &rc);
	if (rc != 0)
	{
		glue_check_free(g);
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("itemdup.check_link: %s", itemdup_spi_last_error())));
	}
	SPI_connect();
	PG_TRY();
	{
		static bool schema_ok;	/* checked once per backend, once it passes */
		char		err[256];

		if (!schema_ok && !migrate_check_version(NULL, err, sizeof(err)))
			ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
							errmsg("itemdup.check_link: %s", err)));
		schema_ok = true;
		if (glue_check_score(g) == 1)
			ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
							errmsg("itemdup.check_link: %s", itemdup_spi_last_error())));
		put_matches(fcinfo, g);
	}
	PG_FINALLY();
	{
		glue_check_free(g);
	}
	PG_END_TRY();
	SPI_finish();
	return (Datum) 0;
}
