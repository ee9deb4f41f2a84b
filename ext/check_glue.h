/*
 * check_glue.h — check.c's API in plain C types, for the server side
 * (itemdup_check.c), whose PostgreSQL headers clash with itemdup's (both
 * define Item).
 */
#ifndef ITEMDUP_CHECK_GLUE_H
#define ITEMDUP_CHECK_GLUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct GlueCheck GlueCheck;

/* Parse the link (check_parse); *rc is its exit code.  Free with glue_check_free. */
GlueCheck  *glue_check_parse(const char *owner, const char *environment,
							 const char *institution, const char *source,
							 const char *json, size_t len, int *rc);
/* check_score over SPI: 0 none, 2 duplicate, 1 failed. */
int			glue_check_score(GlueCheck *g);
size_t		glue_check_matches(const GlueCheck *g);
void		glue_check_match(const GlueCheck *g, size_t i, const char **item_id,
							 const char **owner_id, bool *same_owner, double *score,
							 const char **evidence);
void		glue_check_free(GlueCheck *g);

#endif
