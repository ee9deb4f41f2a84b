/*
 * linkcheck.h — `itemdup check` (src/check.c): one new link scored against
 * the published run's index and the Items that reached the source since its
 * snapshot.  (Not check.h: that is the Check unit-test library's header.)
 * (README "Check at link time", docs/MATCHING.md "At link time").
 */
#ifndef ITEMDUP_CHECK_H
#define ITEMDUP_CHECK_H

#include "db.h"
#include "keys.h"
#include "model.h"
#include "payload.h"
#include "published.h"

/* One link to check; strings borrowed. */
typedef struct CheckInput
{
	const char *owner;			/* the app user linking */
	const char *environment;	/* sandbox, development or production */
	const char *institution;	/* NULL: from the input */
	const char *source;			/* SCHEMA.NAME of the source */
	const char *json;			/* the input: Link metadata, /accounts/get, or {"accounts":[...]} */
	size_t		json_len;
} CheckInput;

/* One keyed account of the link. */
typedef struct LinkAccount
{
	int64_t		ref_key;		/* key_no, LOCAL_KEY_BASE + key id, or MODEL_NONE */
	int64_t		ref_pkey;
	uint32_t	key;			/* ids in the check's Dataset */
	uint32_t	pkey;
	const PubKey *pk;			/* the published key, or NULL */
	const PubKey *ppk;			/* the published persistent id, or NULL */
	ScoreKeyFreq f;				/* counts with the link counted */
	const char *name;
} LinkAccount;

typedef struct CheckMatch
{
	const char *item_id;
	const char *owner_id;
	double		score;
	char	   *evidence;		/* malloc'd JSON */
} CheckMatch;

typedef struct Check
{
	const CheckInput *in;
	DbConn	   *c;
	Published	pub;
	Dataset		ds;				/* recent source rows, then the link */
	Arena		arena;
	PayloadItem link_payload;
	const char *institution;
	Environment env;
	uint32_t	link;			/* index of the link in ds */
	LinkAccount *acc;
	int64_t    *side_key;
	int64_t    *side_pkey;
	ModelSide	side;
	uint32_t	n_items;		/* N, the link included */
	uint32_t	candidates;
	Vec			matches;		/* CheckMatch */
} Check;

/* What `itemdup check` checks (cli.c builds it from the command line); strings borrowed. */
typedef struct CheckConfig
{
	const char *dsn;			/* NULL: libpq's defaults */
	DbSettings	db;				/* short options and timeouts */
	const char *owner;			/* --owner: the app user linking */
	const char *environment;	/* --environment */
	const char *institution;	/* --institution, NULL: from the input */
	const char *source;			/* SCHEMA.NAME of the source */
	bool		json;			/* --format json */
} CheckConfig;

/* Exit 0 none suspected, 2 duplicate suspected, 1/64/69 (exitcode.h). */
int			check_command(const CheckConfig *cfg);

/*
 * check_parse — the link parsed and normalised as the loader does (no
 * database).  EXIT_OK, or EXIT_USAGE with the reason logged.  ck is
 * initialised here and freed by check_free whatever the outcome.
 */
int			check_parse(Check *ck, const CheckInput *in);

/*
 * check_score — the parsed link scored on c: the published index and the
 * source rows since its snapshot.  EXIT_OK (none), EXIT_DUPLICATE (matches
 * in ck->matches, best first) or EXIT_FAIL (logged; also when nothing is
 * published).  Used by `itemdup check` and the server's itemdup.check_link.
 */
int			check_score(Check *ck, DbConn *c);
void		check_free(Check *ck);

#endif
