/*
 * payload.h — one stored Plaid API response into accounts (cJSON).
 *
 * Pure: no I/O, no libpq.  Knows both shapes: current /accounts/get
 * (accounts[].name/mask, item.institution_id) and legacy /connect /auth /info
 * (accounts[].meta.name/number, accounts[].institution_type).  Handles the
 * JSON traps of docs/PLAID.md before cJSON sees the text.
 *
 * Errors: never logged here.  A rejected payload is a RejectReason with a
 * short detail (never payload content) in the caller's buffer; the loader
 * records it in itemdup.rejects.  An unkeyable account is its Unkeyable
 * code, counted by the caller.  Out of memory aborts (arena.h).
 */
#ifndef ITEMDUP_PAYLOAD_H
#define ITEMDUP_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "normalize.h"

/* Item-level reject codes, spelled as in itemdup.rejects.reason. */
typedef enum RejectReason
{
	REJECT_NONE = 0,
	REJECT_NOT_JSON,
	REJECT_NOT_OBJECT,
	REJECT_NO_ACCOUNTS,
	REJECT_TOO_DEEP,
	REJECT_TOO_LARGE,
	REJECT_TOO_MANY_ACCOUNTS,
	REJECT_BAD_ITEM_ID,
	REJECT_BAD_ENVIRONMENT,
	REJECT_NUL_IN_STRING,
	REJECT_INVALID_UNICODE,
	REJECT_DUPLICATE_KEY,
	REJECT_NULL_PAYLOAD,
	REJECT_BAD_TIMESTAMP,		/* a time the result tables cannot hold (loader.c) */
	REJECT_COUNT
} RejectReason;

#define PAYLOAD_MAX_BYTES (16u * 1024 * 1024)
#define PAYLOAD_MAX_ACCOUNTS 1000
#define PAYLOAD_MAX_DEPTH 64
#define PAYLOAD_MAX_ID 256		/* bytes of an id we keep (persistent id) */

typedef struct PayloadAccount
{
	const char *name;			/* normalised, arena; NULL when unkeyable */
	const char *persistent_id;	/* arena; NULL when absent */
	const char *legacy_type;	/* institution_type, arena; NULL if absent */
	uint16_t	name_len;
	char		mask[5];		/* normalised, "" when unkeyable */
	uint8_t		unkeyable;		/* Unkeyable: UNK_NONE when name and mask ok */
} PayloadAccount;

typedef struct PayloadItem
{
	const char *institution_id; /* item.institution_id, arena; or NULL */
	const char *legacy_type;	/* first account's institution_type; or NULL */
	const char *item_id;		/* item.item_id, arena; or NULL */
	const char *link_institution_id;	/* institution.institution_id (Link onSuccess metadata) */
	bool		has_error;		/* item.error present and not null */
	bool		legacy;			/* any account in the legacy shape */
	uint32_t	n_accounts;
	PayloadAccount *accounts;	/* arena */
} PayloadItem;

const char *payload_reject_name(RejectReason r);

/*
 * payload_json_init — every cJSON allocation outside a parse goes through
 * xmalloc: out of memory aborts (xoom) instead of a NULL node or a NULL
 * from cJSON_Print that a caller could miss.  main() calls it once;
 * payload_parse restores it after parsing into its arena.
 */
void		payload_json_init(void);

/*
 * payload_parse — parse len bytes of JSON text (need not be NUL-terminated).
 * Fills *out with arena-owned data and returns REJECT_NONE, or returns the
 * reject code and writes a short detail (never payload content) into detail.
 * The arena may hold partial allocations after a reject; that is harmless.
 */
RejectReason payload_parse(const char *json, size_t len, Arena *arena,
						   PayloadItem *out, char *detail, size_t detail_size) MUSTCHECK;

/*
 * payload_parse_jsonb — payload_parse for text PostgreSQL produced from a
 * jsonb value: such text is valid UTF-8 without duplicate keys (jsonb keeps
 * one value per key, refuses \u0000 and lone surrogates, the server checks
 * the encoding), so those two checks are skipped; every other check stays,
 * so the keys and rejects are the same as from a json or text column.
 */
RejectReason payload_parse_jsonb(const char *json, size_t len, Arena *arena,
								 PayloadItem *out, char *detail, size_t detail_size) MUSTCHECK;

/*
 * payload_check_text — the pre-scan payload_parse runs before cJSON: size,
 * UTF-8, \u0000 and lone surrogate escapes, nesting depth.  Exposed for tests.
 */
RejectReason payload_check_text(const char *json, size_t len,
								char *detail, size_t detail_size) MUSTCHECK;

#endif
