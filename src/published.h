/*
 * published.h — the published run's model in itemdup.model_* (sql/006,
 * packed since sql/009), read back for explain and check (publish_model.c
 * writes it).
 *
 * Edge: talks to PostgreSQL through db.c.  The arithmetic is model.c's and
 * score.c's.
 */
#ifndef ITEMDUP_PUBLISHED_H
#define ITEMDUP_PUBLISHED_H

#include <stdbool.h>
#include <stdint.h>

#include "copyfmt.h"
#include "db.h"
#include "model.h"

/*
 * check reads source rows created or updated since the published run's
 * snapshot began, less a margin of one hour (sql/queries/published_open.sql):
 * a row committed after the snapshot may carry a timestamp from before it
 * (a long transaction, a clock).
 */

/* One key of the published model, as read back. */
typedef struct PubKey
{
	int64_t		key_no;
	int64_t		name_no;		/* an account key's name in the name buckets; MODEL_NONE for a persistent id */
	bool		persistent;
	ScoreKeyFreq f;				/* persistent: key_items only */
	const char *name;			/* account keys; arena */
	const uint32_t *items;		/* item_no carrying it; NULL for a hot key */
	uint32_t	n_items;
} PubKey;

/* One item of the published model, as read back. */
typedef struct PubItem
{
	int64_t		item_no;
	const char *environment;
	const char *institution_id;
	ModelSide	side;			/* references are key_no */
} PubItem;

/* A name of the published model: its place in the name buckets and its counts. */
typedef struct PubName
{
	int64_t		name_no;
	const char *name;			/* arena */
	uint32_t	name_items;
	uint32_t	gname_items;
} PubName;

/* What explain and check read of the published model.  Owned (published_free). */
/* The model's reads (sql/queries/published_*.sql), by published_open. */
enum
{
	PUB_ITEMS_BY_ID,
	PUB_ITEMS_BY_NO,
	PUB_NAMES_BY_NO,
	PUB_KEYS_BY_NO,
	PUB_NAME_BUCKET,
	PUB_KEY_BUCKET,
	PUB_NREADS
};

typedef struct Published
{
	int64_t		run_id;			/* 0: nothing published */
	double		threshold;
	uint32_t	hot_key_cap;
	char		snapshot_at[64];	/* timestamptz text */
	char		recent_since[64];	/* snapshot_at less the margin (docs/SOURCE.md) */
	char		model[64];
	int			format;			/* MODEL_FORMAT of the packed rows */
	unsigned	key_bits;		/* model_runs.key_bucket_bits */
	unsigned	name_bits;		/* model_runs.name_bucket_bits */
	unsigned	page_bits;		/* model_runs.item_page_bits */
	char		run_param[24];	/* run_id as the reads' $1 */
	/* the reads below, each naming the generation's own tables (sql/011) */
	const char *sql[PUB_NREADS];
	/* the last name found (published.c): check looks a name up for its key, then for its counts */
	PubName		last_name;
	int			last_env;
	const char *last_institution;
	Arena		arena;
	Vec			keys;			/* PubKey, in the order read */
	Vec			items;			/* PubItem */
} Published;

/*
 * published_open — the published run's meta into p.  Returns false on a
 * database error or a model in a format this binary does not read (both
 * logged); p->run_id == 0 when no published run has a model.  Every read
 * below also fails (logged) on a packed row that does not parse.
 */
bool		published_open(DbConn *c, Published *p) MUSTCHECK;
void		published_free(Published *p);

/* Items by item_id (NULL entries skipped) into p->items. */
bool		published_read_items_by_id(DbConn *c, Published *p, const char *const *ids,
									   int n) MUSTCHECK;

/* Items by item_no (a Postgres int[] literal) into p->items. */
bool		published_read_items_by_no(DbConn *c, Published *p, const char *nos_array) MUSTCHECK;

/* Keys by key_no (an int[] literal) into p->keys. */
bool		published_read_keys_by_no(DbConn *c, Published *p, const char *nos_array) MUSTCHECK;

/*
 * published_find_account_key / published_find_pkey — a key by its text:
 * looked up by hash, confirmed on every column; appended to p->keys and
 * returned, or NULL when the published run has no such key.  *failed is
 * set on a database error.
 */
const PubKey *published_find_account_key(DbConn *c, Published *p, int env,
										 const char *institution, const char *name,
										 const char *mask, bool *failed);
const PubKey *published_find_pkey(DbConn *c, Published *p, int env, const char *institution,
								  const char *persistent_id, bool *failed);

/* A name's counts at an institution: 1 found, 0 not in the model, -1 error. */
int			published_find_name(DbConn *c, Published *p, int env, const char *institution,
								const char *name, uint32_t *name_items, uint32_t *gname_items);

/* Live Items at an institution in the published run (N), 0 when none; -1 on error. */
int64_t		published_institution_items(DbConn *c, Published *p, const char *institution);

/* The key of p->keys with key_no, or NULL. */
const PubKey *published_key(const Published *p, int64_t key_no);

#endif
