/*
 * gen.h — itemdup-gen: a deterministic generator of realistic source data.
 *
 * Two stages, two files: gen.c builds the whole data set as a compact model
 * in flat arrays (institutions, catalogues, items, accounts, planted pairs);
 * gen_write.c renders that model as PostgreSQL COPY text files (the JSON
 * payloads are written by hand).  Only libc.  Every random choice comes
 * from GenRng streams derived from --seed, so a seed gives identical bytes.
 */
#ifndef ITEMDUP_GEN_H
#define ITEMDUP_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- PRNG: splitmix64 for seeding, xoshiro256** for streams ---- */

typedef struct GenRng
{
	uint64_t	s[4];
} GenRng;

/* gen_splitmix64 — advance *x and return the next splitmix64 output. */
static inline uint64_t
gen_splitmix64(uint64_t *x)
{
	uint64_t	z = (*x += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* gen_mix — a stateless hash of two words (a stream id from a seed). */
static inline uint64_t
gen_mix(uint64_t a, uint64_t b)
{
	uint64_t	x = a ^ (b * UINT64_C(0xD6E8FEB86659FD93));

	return gen_splitmix64(&x);
}

/* gen_rng_seed — initialise a stream from one 64-bit seed. */
static inline void
gen_rng_seed(GenRng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = gen_splitmix64(&seed);
}

/* gen_rotl — rotate x left by k bits. */
static inline uint64_t
gen_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* gen_rng_next — next 64 random bits (xoshiro256**). */
static inline uint64_t
gen_rng_next(GenRng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = gen_rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gen_rotl(s[3], 45);
	return result;
}

/* gen_rng_below — uniform integer in [0, n), n > 0 (Lemire's method). */
static inline uint32_t
gen_rng_below(GenRng *r, uint32_t n)
{
	return (uint32_t) (((gen_rng_next(r) >> 32) * (uint64_t) n) >> 32);
}

/* gen_rng_unit — uniform double in [0, 1). */
static inline double
gen_rng_unit(GenRng *r)
{
	return (double) (gen_rng_next(r) >> 11) * 0x1.0p-53;
}

/* gen_rng_chance — true with probability p. */
static inline bool
gen_rng_chance(GenRng *r, double p)
{
	return gen_rng_unit(r) < p;
}

/* gen_rng_range — uniform int64 in [lo, hi]; lo when hi <= lo. */
static inline int64_t
gen_rng_range(GenRng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t) (gen_rng_next(r) % (uint64_t) (hi - lo + 1));
}

/* ---- the model ---- */

typedef enum GenEnv
{
	GEN_ENV_PRODUCTION = 0,
	GEN_ENV_DEVELOPMENT,
	GEN_ENV_SANDBOX,
	GEN_ENV_COUNT
} GenEnv;

/* Planted duplicate classes, as spelled in truth.copy. */
typedef enum GenClass
{
	GEN_CLASS_SAME_OWNER_EXACT = 0,
	GEN_CLASS_SAME_OWNER_VARIANT,
	GEN_CLASS_SAME_OWNER_CROSS_API,
	GEN_CLASS_SAME_OWNER_CHANGED,
	GEN_CLASS_CROSS_OWNER_FULL,
	GEN_CLASS_CROSS_OWNER_PARTIAL,
	GEN_CLASS_PERSISTENT_ID,
	GEN_CLASS_COUNT,
	GEN_CLASS_NONE = GEN_CLASS_COUNT
} GenClass;

/* Account type/subtype pairs (GenAccount.kind indexes gen_kinds). */
typedef enum GenKind
{
	GEN_KIND_CHECKING = 0,
	GEN_KIND_SAVINGS,
	GEN_KIND_CD,
	GEN_KIND_MONEY_MARKET,
	GEN_KIND_HSA,
	GEN_KIND_CREDIT_CARD,
	GEN_KIND_MORTGAGE,
	GEN_KIND_STUDENT,
	GEN_KIND_AUTO,
	GEN_KIND_HOME_EQUITY,
	GEN_KIND_IRA,
	GEN_KIND_401K,
	GEN_KIND_BROKERAGE,
	GEN_KIND_COUNT
} GenKind;

/* Name spellings that NFKC_Casefold + white-space collapsing undo. */
typedef enum GenVariant
{
	GEN_VAR_NONE = 0,
	GEN_VAR_UPPER,				/* ASCII upper case */
	GEN_VAR_LOWER,				/* ASCII lower case */
	GEN_VAR_SPACES,				/* doubled, leading and trailing spaces */
	GEN_VAR_NBSP,				/* spaces become U+00A0 */
	GEN_VAR_FULLWIDTH,			/* ASCII letters/digits become U+FF01.. */
	GEN_VAR_ESZETT,				/* "ss" <-> "ß" */
	GEN_VAR_NFD,				/* é as e + U+0301 */
	GEN_VAR_LIGATURE,			/* "fi" as U+FB01, "fl" as U+FB02 */
	GEN_VAR_COUNT
} GenVariant;

/*
 * Name codes: the top two bits say how GenAccount.name is rendered.
 * FIXED: index into Gen.names; NICK: a user nickname from combinatorial
 * parts; LOAN: fixed name (bits 14..29) + a loan number (bits 0..13);
 * COMBO: "<adjective> <adjective> <product>" (per-institution rare names).
 */
#define GEN_NAME_FIXED	0u
#define GEN_NAME_NICK	1u
#define GEN_NAME_LOAN	2u
#define GEN_NAME_COMBO	3u
#define GEN_NAME_TAG(code) ((code) >> 30)
#define GEN_NAME_MAKE(tag, v) (((uint32_t) (tag) << 30) | ((v) & 0x3FFFFFFFu))

#define GEN_ACCT_PID		0x01	/* has persistent_account_id (current shape) */
#define GEN_ACCT_NUMERIC	0x02	/* legacy meta.number written as a JSON number */

typedef struct GenAccount
{
	uint64_t	ident;			/* the real account: balances, persistent id */
	uint32_t	name;			/* name code */
	char		mask[5];		/* "" = null mask */
	uint8_t		kind;			/* GenKind */
	uint8_t		variant;		/* GenVariant applied when written */
	uint8_t		flags;			/* GEN_ACCT_* */
} GenAccount;

#define GEN_ITEM_LEGACY		0x0001	/* legacy /connect payload */
#define GEN_ITEM_ERROR		0x0002	/* item.error set */
#define GEN_ITEM_COL_INST	0x0004	/* institution_id column set */
#define GEN_ITEM_NO_INST	0x0008	/* made by micro-deposits: no institution */
#define GEN_ITEM_ASCII		0x0010	/* non-ASCII written as \uXXXX escapes */
#define GEN_ITEM_SPACED		0x0020	/* ", " and ": " separators */
#define GEN_ITEM_NEWLINE	0x0040	/* payload text ends with a newline */
#define GEN_ITEM_PLANTED	0x0080	/* part of a planted group */
#define GEN_ITEM_LEGACY_ALT 0x0100	/* legacy: the institution's second code */
#define GEN_ITEM_WEBHOOK	0x0200	/* item.webhook set */

#define GEN_NO_OWNER UINT32_MAX
#define GEN_NO_INST UINT16_MAX

/* Older-snapshot kinds (GenItem.snap). */
enum
{
	GEN_SNAP_NONE = 0,
	GEN_SNAP_BALANCES,			/* same accounts, other balances */
	GEN_SNAP_FEWER,				/* last account not yet linked */
	GEN_SNAP_EXTRA				/* an account since closed */
};

typedef struct GenItem
{
	uint64_t	key;			/* seed of everything derived per item */
	int64_t		created;		/* Unix seconds */
	int64_t		updated;
	int64_t		removed;		/* 0 = not removed */
	int64_t		snap_updated;	/* older snapshot's updated_at, 0 = none */
	uint32_t	owner;			/* owner number, GEN_NO_OWNER = null */
	uint32_t	first;			/* index into Gen.accts */
	uint16_t	inst;			/* index into Gen.inst, GEN_NO_INST */
	uint16_t	flags;			/* GEN_ITEM_* */
	uint8_t		n;				/* accounts */
	uint8_t		env;			/* GenEnv */
	uint8_t		error;			/* index into the error table */
	uint8_t		snap;			/* GEN_SNAP_* */
} GenItem;

typedef struct GenInst
{
	char		id[16];			/* "ins_3" */
	char		brand[48];		/* for official_name */
	const char *legacy[2];		/* legacy institution_type codes or NULL */
	bool		mapped[2];		/* listed in institution_map */
	bool		tokenizes;		/* persistent_account_id on current payloads */
	bool		upper;			/* returns names in upper case */
	bool		sandbox;
	uint32_t	cat_first;		/* catalogue entries in Gen.cat_code/cat_cdf */
	uint32_t	cat_n;
	uint32_t	n_items;		/* filled while building */
} GenInst;

typedef struct GenPair
{
	uint32_t	a;				/* item indexes */
	uint32_t	b;
	uint8_t		cls;			/* GenClass */
} GenPair;

typedef struct GenKindInfo
{
	const char *type;
	const char *subtype;
	const char *label;			/* for official names of nicknamed accounts */
} GenKindInfo;

typedef struct GenFixedName
{
	const char *name;
	uint8_t		kind;
} GenFixedName;

/* The whole run: options, tables and the model.  Owned by main. */
typedef struct Gen
{
	uint64_t	seed;
	uint32_t	n_items;		/* items wanted (distinct item_ids) */
	const char *out_dir;
	GenRng		rng;

	GenInst    *inst;
	uint32_t	n_inst;
	uint32_t	n_prod_inst;	/* production institutions come first */
	double	   *inst_cdf;		/* Zipf CDF over production institutions */
	double		legacy_rate;	/* P(legacy | institution has a code) */

	const GenFixedName *names;	/* fixed names, static */
	uint32_t	n_names;
	uint32_t	name_checking;	/* fixed index of "Checking" (micro-deposits) */
	uint32_t	name_savings;
	uint32_t   *cat_code;		/* catalogue name codes, all institutions */
	double	   *cat_cdf;
	uint32_t	n_cat;

	GenItem    *items;
	uint32_t	n_made;
	GenAccount *accts;
	size_t		n_accts;
	size_t		cap_accts;
	GenPair    *pairs;
	size_t		n_pairs;
	size_t		cap_pairs;
	uint32_t   *last_at_inst;	/* latest item per institution (decoys) */
	uint32_t	n_owners;

	uint64_t	n_rows;			/* filled by the writer */
	uint64_t	n_decoys;		/* joint-holder persistent id decoys */
	uint64_t	n_snapshots;
	uint64_t	groups[GEN_CLASS_COUNT];
	uint64_t	class_pairs[GEN_CLASS_COUNT];
} Gen;

extern const GenKindInfo gen_kinds[GEN_KIND_COUNT];
extern const char *const gen_class_names[GEN_CLASS_COUNT];

/* gen_names.c */
#define GEN_N_SANDBOX_ACCOUNTS 8
bool		gen_catalog_build(Gen *g) __attribute__((warn_unused_result));
void		gen_catalog_free(Gen *g);
void		gen_draw_account(const Gen *g, GenRng *r, uint16_t inst, GenAccount *a);
void		gen_draw_sandbox_account(GenRng *r, int which, GenAccount *a);
void		gen_draw_mask(GenRng *r, char mask[5]);
size_t		gen_name_render(const Gen *g, uint32_t code, char *out, size_t size);
const char *gen_sandbox_official(uint32_t code);

/* gen_write.c */
bool		gen_write_all(Gen *g) __attribute__((warn_unused_result));

#endif
