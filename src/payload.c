/*
 * payload.c — stored API responses into accounts.
 *
 * Order of checks: size, then a pre-scan of the raw text for what cJSON
 * would get wrong silently (invalid UTF-8, \u0000 that truncates a string,
 * lone surrogates, nesting), then cJSON, then duplicate keys (cJSON keeps
 * the first, jsonb the last: both storage types must give the same keys),
 * then the shape.
 */
#include "payload.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#define XXH_STATIC_LINKING_ONLY	/* XXH3_state_t on the stack */
#include <xxhash.h>

#include "copyfmt.h"

static const char *const reject_names[REJECT_COUNT] = {
	[REJECT_NONE] = "none",
	[REJECT_NOT_JSON] = "not_json",
	[REJECT_NOT_OBJECT] = "not_object",
	[REJECT_NO_ACCOUNTS] = "no_accounts",
	[REJECT_TOO_DEEP] = "too_deep",
	[REJECT_TOO_LARGE] = "too_large",
	[REJECT_TOO_MANY_ACCOUNTS] = "too_many_accounts",
	[REJECT_BAD_ITEM_ID] = "bad_item_id",
	[REJECT_BAD_ENVIRONMENT] = "bad_environment",
	[REJECT_NUL_IN_STRING] = "nul_in_string",
	[REJECT_INVALID_UNICODE] = "invalid_unicode",
	[REJECT_DUPLICATE_KEY] = "duplicate_key",
	[REJECT_NULL_PAYLOAD] = "null_payload",
	[REJECT_BAD_TIMESTAMP] = "bad_timestamp",
};

const char *
payload_reject_name(RejectReason r)
{
	return (r >= 0 && r < REJECT_COUNT) ? reject_names[r] : "unknown";
}

/* The code unit of "\uXXXX" at s (s[0] == '\\'), or -1 if it is not one. */
static long
unicode_escape_at(const char *s, size_t avail)
{
	long		v = 0;

	if (avail < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++)
	{
		int			h = copyfmt_hex_value(s[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Byte classes for the pre-scan: in a string only '"', '\\' and control
 * bytes matter, outside one only quotes, brackets and NUL.  Tight loops
 * over a table skip everything else.
 */
enum
{
	SCAN_STRING_STOP = 1,		/* '"', '\\', 0x00-0x1f */
	SCAN_OUTSIDE_STOP = 2		/* '"', '[', ']', '{', '}', 0x00 */
};

static unsigned char scan_class[256];

static void
scan_class_init(void)
{
	if (scan_class['"'] != 0)
		return;
	for (int c = 0; c < 0x20; c++)
		scan_class[c] |= SCAN_STRING_STOP;
	scan_class['\\'] |= SCAN_STRING_STOP;
	scan_class['"'] |= SCAN_STRING_STOP | SCAN_OUTSIDE_STOP;
	scan_class['['] |= SCAN_OUTSIDE_STOP;
	scan_class[']'] |= SCAN_OUTSIDE_STOP;
	scan_class['{'] |= SCAN_OUTSIDE_STOP;
	scan_class['}'] |= SCAN_OUTSIDE_STOP;
	scan_class[0] |= SCAN_OUTSIDE_STOP;
}

/*
 * A backslash escape at json[*i] (*i + 1 < len): REJECT_NONE with *i on its
 * last byte, or why cJSON would get it wrong (\u0000 truncates the string,
 * a lone surrogate fails the whole parse).
 */
static RejectReason
check_escape(const char *json, size_t len, size_t *i, char *detail, size_t detail_size)
{
	long		u = unicode_escape_at(json + *i, len - *i);

	if (u == 0)
	{
		snprintf(detail, detail_size, "\\u0000 in a string at byte %zu", *i);
		return REJECT_NUL_IN_STRING;
	}
	if (u >= 0xD800 && u <= 0xDBFF)
	{
		/* u is a whole escape, so 6 bytes are there */
		long		lo = unicode_escape_at(json + *i + 6, len - *i - 6);

		if (lo < 0xDC00 || lo > 0xDFFF)
		{
			snprintf(detail, detail_size, "lone surrogate escape at byte %zu", *i);
			return REJECT_INVALID_UNICODE;
		}
		*i += 11;
	}
	else if (u >= 0xDC00 && u <= 0xDFFF)
	{
		snprintf(detail, detail_size, "lone surrogate escape at byte %zu", *i);
		return REJECT_INVALID_UNICODE;
	}
	else
		(*i)++;					/* skip the escaped character */
	return REJECT_NONE;
}

/*
 * The string whose opening quote is t[*pos]: REJECT_NONE with *pos past its
 * closing quote (past len when it is unterminated: cJSON says not_json).
 */
static RejectReason
scan_string(const unsigned char *t, size_t len, size_t *pos, char *detail, size_t detail_size)
{
	size_t		i = *pos;

	for (i++;; i++)
	{
		RejectReason r;

		while (i < len && !(scan_class[t[i]] & SCAN_STRING_STOP))
			i++;
		if (i >= len || t[i] == '"')
			break;
		if (t[i] < 0x20)
		{
			snprintf(detail, detail_size, "control character in a string at byte %zu", i);
			return REJECT_NOT_JSON;
		}
		/* a backslash */
		if (i + 1 >= len)
			break;
		r = check_escape((const char *) t, len, &i, detail, detail_size);
		if (r != REJECT_NONE)
			return r;
	}
	*pos = i + 1;
	return REJECT_NONE;
}

/* The pre-scan; check_utf8 false for text known to be valid UTF-8. */
static RejectReason
check_text(const char *json, size_t len, bool check_utf8, char *detail, size_t detail_size)
{
	const unsigned char *t = (const unsigned char *) json;
	int			depth = 0;
	size_t		i = 0;

	if (len > PAYLOAD_MAX_BYTES)
	{
		snprintf(detail, detail_size, "payload is %zu bytes, limit %u", len,
				 PAYLOAD_MAX_BYTES);
		return REJECT_TOO_LARGE;
	}
	if (check_utf8 && !utf8_valid(json, len))
	{
		snprintf(detail, detail_size, "payload is not valid UTF-8");
		return REJECT_INVALID_UNICODE;
	}
	scan_class_init();
	for (;;)
	{
		RejectReason r;

		/* outside strings */
		while (i < len && !(scan_class[t[i]] & SCAN_OUTSIDE_STOP))
			i++;
		if (i >= len)
			break;
		if (t[i] == '[' || t[i] == '{')
		{
			if (++depth > PAYLOAD_MAX_DEPTH)
			{
				snprintf(detail, detail_size, "nesting deeper than %d", PAYLOAD_MAX_DEPTH);
				return REJECT_TOO_DEEP;
			}
			i++;
			continue;
		}
		if (t[i] == ']' || t[i] == '}')
		{
			depth--;
			i++;
			continue;
		}
		if (t[i] == '\0')
		{
			snprintf(detail, detail_size, "NUL byte at byte %zu", i);
			return REJECT_NOT_JSON;
		}
		r = scan_string(t, len, &i, detail, detail_size);	/* t[i] is '"' */
		if (r != REJECT_NONE)
			return r;
	}
	return REJECT_NONE;
}

RejectReason
payload_check_text(const char *json, size_t len, char *detail, size_t detail_size)
{
	return check_text(json, len, true, detail, detail_size);
}

/*
 * cJSON allocates every node with malloc; a payload's tree lives only while
 * it is read, so during payload_parse cJSON allocates from the caller's
 * arena instead (freed with it) and frees nothing.  cJSON 1.7 has only
 * process-wide hooks, so they are installed once and never swapped: they
 * use the calling thread's parse arena while that thread parses, xmalloc
 * (out of memory aborts: no NULL node or print for a caller to miss) and free
 * otherwise.  Parses in several threads (or a PostgreSQL backend next
 * to other cJSON users, ext/) never see each other's arena.
 */
static _Thread_local Arena *parse_arena;

static void *
arena_malloc_hook(size_t size)
{
	return parse_arena ? arena_alloc(parse_arena, size) : xmalloc(size);
}

static void
arena_free_hook(void *p)
{
	if (parse_arena == NULL)
		free(p);				/* an arena's nodes go with the arena */
}

static void
install_hooks(void)
{
	cJSON_Hooks hooks = {arena_malloc_hook, arena_free_hook};

	cJSON_InitHooks(&hooks);
}

static once_flag hooks_once = ONCE_FLAG_INIT;

void
payload_json_init(void)
{
	call_once(&hooks_once, install_hooks);
}

static int
cmp_cstr_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* true when the object's member names hold a duplicate (case-sensitive) */
static bool
object_has_duplicate(const cJSON *obj)
{
	const cJSON *a;
	const cJSON *b;
	size_t		n = 0;
	bool		dup = false;

	cJSON_ArrayForEach(a, obj)
		n++;
	if (n <= 16)
	{
		/* payload objects are small: pairwise beats sorting */
		for (a = obj->child; a != NULL && !dup; a = a->next)
		{
			const char *x = a->string ? a->string : "";

			for (b = a->next; b != NULL && !dup; b = b->next)
			{
				const char *y = b->string ? b->string : "";

				dup = x[0] == y[0] && strcmp(x, y) == 0;
			}
		}
		return dup;
	}

	const char **keys = xmalloc(n * sizeof(*keys));
	size_t		k = 0;

	cJSON_ArrayForEach(a, obj)
		keys[k++] = a->string ? a->string : "";
	qsort(keys, n, sizeof(*keys), cmp_cstr_ptr);
	for (k = 1; k < n && !dup; k++)
		dup = strcmp(keys[k - 1], keys[k]) == 0;
	free(keys);
	return dup;
}

/* true when some object in the tree has the same key twice (case-sensitive) */
static bool
has_duplicate_key(const cJSON *node)
{
	const cJSON *child;

	if (cJSON_IsObject(node) && object_has_duplicate(node))
		return true;
	if (cJSON_IsObject(node) || cJSON_IsArray(node))
	{
		cJSON_ArrayForEach(child, node)
		{
			if (has_duplicate_key(child))
				return true;
		}
	}
	return false;
}

static const cJSON *
get_field(const cJSON *obj, const char *name)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

/* A cJSON node as the account rules see it (no copy: the tree outlives the use). */
static PayloadValue
value_of(const cJSON *v)
{
	PayloadValue out = {PV_MISSING, NULL, 0};

	if (v == NULL)
		return out;
	if (cJSON_IsNull(v))
		out.kind = PV_NULL;
	else if (cJSON_IsString(v) && v->valuestring != NULL)
	{
		out.kind = PV_STRING;
		out.str = v->valuestring;
	}
	else if (cJSON_IsNumber(v))
	{
		out.kind = PV_NUMBER;
		out.number = v->valuedouble;
	}
	else
		out.kind = PV_OTHER;
	return out;
}

const char *
payload_id_string(const PayloadValue *v, Arena *arena)
{
	size_t		len;

	if (v->kind != PV_STRING)
		return NULL;
	len = strlen(v->str);
	if (len == 0 || len > PAYLOAD_MAX_ID)
		return NULL;
	return arena_strndup(arena, v->str, len);
}

void
payload_account_fill(const PayloadAccountFields *f, Arena *arena, PayloadAccount *out)
{
	Unkeyable	u;

	memset(out, 0, sizeof(*out));
	if (!f->is_object)
	{
		out->unkeyable = UNK_BAD_TYPE;
		return;
	}
	out->persistent_id = payload_id_string(&f->persistent_id, arena);
	out->legacy_type = payload_id_string(&f->institution_type, arena);

	if (f->name.kind == PV_MISSING || f->name.kind == PV_NULL)
		u = UNK_NO_NAME;
	else if (f->name.kind != PV_STRING)
		u = UNK_BAD_TYPE;
	else
	{
		const char *norm;
		size_t		norm_len;

		u = normalize_name(f->name.str, strlen(f->name.str), arena, &norm, &norm_len);
		if (u == UNK_NONE)
		{
			out->name = norm;
			out->name_len = (uint16_t) norm_len;
		}
	}
	if (u == UNK_NONE)
	{
		if (f->mask.kind == PV_MISSING || f->mask.kind == PV_NULL)
			u = UNK_NO_MASK;
		else if (f->mask.kind == PV_STRING)
			u = normalize_mask(f->mask.str, strlen(f->mask.str), out->mask);
		else if (f->mask.kind == PV_NUMBER && f->legacy)
			u = normalize_mask_number(f->mask.number, out->mask);
		else
			u = UNK_BAD_TYPE;
	}
	if (u != UNK_NONE)
	{
		out->name = NULL;
		out->name_len = 0;
		out->mask[0] = '\0';
	}
	out->unkeyable = (uint8_t) u;
}

/* A string member copied into the arena when 1..PAYLOAD_MAX_ID bytes, else NULL. */
static const char *
get_id_string(const cJSON *obj, const char *name, Arena *arena)
{
	PayloadValue v = value_of(get_field(obj, name));

	return payload_id_string(&v, arena);
}

/* Fill one account from either shape of the cJSON tree: the shared rules. */
static void
parse_account(const cJSON *acct, bool *legacy, Arena *arena, PayloadAccount *out)
{
	const cJSON *meta = get_field(acct, "meta");
	PayloadAccountFields f;

	memset(&f, 0, sizeof(f));
	f.is_object = cJSON_IsObject(acct);
	f.legacy = cJSON_IsObject(meta);
	if (f.legacy)
		*legacy = true;
	f.name = value_of(f.legacy ? get_field(meta, "name") : get_field(acct, "name"));
	f.mask = value_of(f.legacy ? get_field(meta, "number") : get_field(acct, "mask"));
	f.persistent_id = value_of(get_field(acct, "persistent_account_id"));
	f.institution_type = value_of(get_field(acct, "institution_type"));
	payload_account_fill(&f, arena, out);
}

static RejectReason parse(const char *json, size_t len, bool from_jsonb, Arena *arena,
						  PayloadItem *out, char *detail, size_t detail_size);

RejectReason
payload_parse(const char *json, size_t len, Arena *arena,
			  PayloadItem *out, char *detail, size_t detail_size)
{
	return parse(json, len, false, arena, out, detail, detail_size);
}

RejectReason
payload_parse_jsonb(const char *json, size_t len, Arena *arena,
					PayloadItem *out, char *detail, size_t detail_size)
{
	return parse(json, len, true, arena, out, detail, detail_size);
}

/*
 * cJSON's tree of a pre-scanned text, its nodes in arena: REJECT_NONE with
 * *root an object (without duplicate keys unless from_jsonb), else why not.
 */
static RejectReason
parse_root(const char *json, size_t len, bool from_jsonb, Arena *arena,
		   cJSON **root, char *detail, size_t detail_size)
{
	const char *end = NULL;

	call_once(&hooks_once, install_hooks);
	parse_arena = arena;
	*root = cJSON_ParseWithLengthOpts(json, len, &end, false);
	parse_arena = NULL;
	if (*root == NULL)
	{
		const char *at = cJSON_GetErrorPtr();
		long		off = (at >= json && at <= json + len) ? (long) (at - json) : -1;

		snprintf(detail, detail_size, "JSON syntax error near byte %ld", off);
		return REJECT_NOT_JSON;
	}
	for (; end != NULL && end < json + len; end++)
	{
		if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r')
		{
			snprintf(detail, detail_size, "trailing data at byte %ld", (long) (end - json));
			return REJECT_NOT_JSON;
		}
	}
	if (!cJSON_IsObject(*root))
	{
		snprintf(detail, detail_size, "top-level JSON value is not an object");
		return REJECT_NOT_OBJECT;
	}
	if (!from_jsonb && has_duplicate_key(*root))
	{
		snprintf(detail, detail_size, "an object has the same key twice");
		return REJECT_DUPLICATE_KEY;
	}
	return REJECT_NONE;
}

/* root's "accounts": REJECT_NONE with the array and its 1..PAYLOAD_MAX_ACCOUNTS length. */
static RejectReason
find_accounts(const cJSON *root, const cJSON **accounts, size_t *n,
			  char *detail, size_t detail_size)
{
	const cJSON *acct;

	*accounts = get_field(root, "accounts");
	*n = 0;
	if (!cJSON_IsArray(*accounts))
	{
		snprintf(detail, detail_size, *accounts ? "\"accounts\" is not an array"
				 : "no \"accounts\" field");
		return REJECT_NO_ACCOUNTS;
	}
	cJSON_ArrayForEach(acct, *accounts)
		(*n)++;
	if (*n == 0)
	{
		snprintf(detail, detail_size, "\"accounts\" is empty");
		return REJECT_NO_ACCOUNTS;
	}
	if (*n > PAYLOAD_MAX_ACCOUNTS)
	{
		snprintf(detail, detail_size, "%zu accounts, limit %d", *n, PAYLOAD_MAX_ACCOUNTS);
		return REJECT_TOO_MANY_ACCOUNTS;
	}
	return REJECT_NONE;
}

/* The item-level fields and the n accounts into out (strings in arena); never fails. */
static void
fill_item(const cJSON *root, const cJSON *accounts, size_t n, Arena *arena,
		  PayloadItem *out)
{
	const cJSON *item = get_field(root, "item");
	const cJSON *err = get_field(item, "error");
	const cJSON *acct;
	size_t		k = 0;

	out->institution_id = get_id_string(item, "institution_id", arena);
	out->item_id = get_id_string(item, "item_id", arena);
	out->link_institution_id = get_id_string(get_field(root, "institution"), "institution_id", arena);
	out->has_error = err != NULL && !cJSON_IsNull(err);
	out->accounts = arena_alloc(arena, n * sizeof(PayloadAccount));
	out->n_accounts = (uint32_t) n;
	cJSON_ArrayForEach(acct, accounts)
	{
		PayloadAccount *pa = &out->accounts[k++];

		parse_account(acct, &out->legacy, arena, pa);
		if (out->legacy_type == NULL && pa->legacy_type != NULL)
			out->legacy_type = pa->legacy_type;
	}
	assert(k == n);
}

/*
 * payload_parse and payload_parse_jsonb; from_jsonb skips what jsonb rules
 * out.  The tree and every string are the arena's: nothing to free.
 */
static RejectReason
parse(const char *json, size_t len, bool from_jsonb, Arena *arena,
	  PayloadItem *out, char *detail, size_t detail_size)
{
	RejectReason r;
	cJSON	   *root = NULL;
	const cJSON *accounts = NULL;
	size_t		n = 0;

	memset(out, 0, sizeof(*out));
	detail[0] = '\0';
	r = check_text(json, len, !from_jsonb, detail, detail_size);
	if (r == REJECT_NONE)
		r = parse_root(json, len, from_jsonb, arena, &root, detail, detail_size);
	if (r == REJECT_NONE)
		r = find_accounts(root, &accounts, &n, detail, detail_size);
	if (r == REJECT_NONE)
		fill_item(root, accounts, n, arena, out);
	return r;
}

bool
payload_value_decode(const char *json, size_t len, Arena *arena, PayloadValue *out)
{
	cJSON	   *v;
	const char *end = NULL;

	memset(out, 0, sizeof(*out));
	if (json == NULL)
		return true;			/* PV_MISSING */
	/* the common case, a string without escapes: its bytes as they are */
	if (len >= 2 && json[0] == '"' && json[len - 1] == '"' &&
		memchr(json + 1, '\\', len - 2) == NULL)
	{
		out->kind = PV_STRING;
		out->str = arena_strndup(arena, json + 1, len - 2);
		return true;
	}
	call_once(&hooks_once, install_hooks);
	parse_arena = arena;
	v = cJSON_ParseWithLengthOpts(json, len, &end, false);
	parse_arena = NULL;
	if (v == NULL || end != json + len)
		return false;
	*out = value_of(v);			/* v and its string live in arena */
	return true;
}

/* Feed one NUL-terminated string (NULL as a single 0xff byte) to the hash. */
static void
hash_str(XXH3_state_t *st, const char *s)
{
	if (s == NULL)
		(void) XXH3_64bits_update(st, "\xff", 1);
	else
		(void) XXH3_64bits_update(st, s, strlen(s) + 1);
}

uint64_t
payload_item_hash(const PayloadItem *p)
{
	XXH3_state_t st;
	unsigned char flags[2] = {p->has_error, p->legacy};

	(void) XXH3_64bits_reset(&st);
	hash_str(&st, p->institution_id);
	(void) XXH3_64bits_update(&st, flags, sizeof(flags));
	for (uint32_t i = 0; i < p->n_accounts; i++)
	{
		const PayloadAccount *a = &p->accounts[i];

		(void) XXH3_64bits_update(&st, &a->unkeyable, 1);
		hash_str(&st, a->name);
		hash_str(&st, a->mask);
		hash_str(&st, a->persistent_id);
		hash_str(&st, a->legacy_type);
	}
	return XXH3_64bits_digest(&st);
}
