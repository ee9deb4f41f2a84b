/*
 * check_glue.c — check.c behind plain C types for itemdup_check.c.
 */
#include "check_glue.h"

#include <stdlib.h>
#include <string.h>

#include "linkcheck.h"

struct GlueCheck
{
	CheckInput	in;
	Check		ck;
};

GlueCheck *
glue_check_parse(const char *owner, const char *environment, const char *institution,
				 const char *source, const char *json, size_t len, int *rc)
{
	GlueCheck  *g = xcalloc(1, sizeof(GlueCheck));

	g->in = (CheckInput) {owner, environment, institution, source, json, len};
	*rc = check_parse(&g->ck, &g->in);
	return g;
}

int
glue_check_score(GlueCheck *g)
{
	return check_score(&g->ck, NULL);
}

size_t
glue_check_matches(const GlueCheck *g)
{
	return g->ck.matches.len;
}

void
glue_check_match(const GlueCheck *g, size_t i, const char **item_id, const char **owner_id,
				 bool *same_owner, double *score, const char **evidence)
{
	const CheckMatch *m = &VEC_AT(&g->ck.matches, CheckMatch, i);

	*item_id = m->item_id;
	*owner_id = m->owner_id;
	*same_owner = m->owner_id && strcmp(m->owner_id, g->in.owner) == 0;
	*score = m->score;
	*evidence = m->evidence;
}

void
glue_check_free(GlueCheck *g)
{
	if (g == NULL)
		return;
	check_free(&g->ck);
	free(g);
}
