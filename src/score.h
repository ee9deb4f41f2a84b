/*
 * score.h — the scoring model itself, on plain counts (docs/MATCHING.md).
 *
 * Pure: no I/O, no libpq, no logging, no Dataset; nothing here fails.  A pair's score depends only on the
 * integers below: the Items at the institution, per shared key how many
 * Items carry its name and the key (here and at the environment's other
 * institutions), the shared persistent ids, the owners and how many of
 * each side's accounts are matched.  `run` (match.c) fills them from its
 * Dataset; `explain` and `check` from the published model (model.c): the
 * same integers give the same score, bit for bit.
 */
#ifndef ITEMDUP_SCORE_H
#define ITEMDUP_SCORE_H

#include <stdbool.h>
#include <stdint.h>

#define SCORE_MODEL_NAME "fellegi_sunter_tf_v1"

/*
 * The scoring model's parameters: Fellegi-Sunter log2 odds with
 * term-frequency adjusted u-probabilities.  Defaults in score.c.
 */
typedef struct MatchModel
{
	double		dup_rate;		/* expected duplicates per item: the prior */
	double		m_account;		/* P(a duplicate shares a given account) */
	double		m_persistent;	/* P(a duplicate shares a given persistent id) */
	double		joint_rate;		/* other logins per account sharing its persistent id */
	double		m_same_owner;	/* P(a duplicate's Items have the same owner) */
	double		owner_rate;		/* other, non-duplicate Items per Item of the same owner and institution */
	double		w_other_owner;	/* both owners known and different */
	double		w_unmatched_both;	/* per account pair unmatched on both sides */
	double		w_unmatched_one;	/* per extra account on one side only */
	double		w_identical;	/* every keyable account matched, on both sides */
} MatchModel;

extern const MatchModel match_default_model;

/* What the model knows of one account key (environment, institution, name, mask). */
typedef struct ScoreKeyFreq
{
	uint32_t	name_items;		/* Items with the name at the institution */
	uint32_t	key_items;		/* ... with the name and the mask */
	uint32_t	gname_items;	/* Items with the name, any institution of the environment */
	uint32_t	gkey_items;		/* ... with the name and the mask */
	char		mask[5];
} ScoreKeyFreq;

/* Everything one pair's score is computed from. */
typedef struct ScoreInput
{
	uint32_t	institution_items;	/* N */
	const ScoreKeyFreq *keys;	/* the shared account keys */
	uint32_t	n_keys;
	uint32_t	n_shared_p;		/* shared persistent ids */
	int			owner_relation; /* 1 same, -1 different, 0 unknown */
	uint32_t	keyable_a;		/* keyable accounts of each side */
	uint32_t	matched_a;		/* accounts carrying a shared key or persistent id */
	uint32_t	keyable_b;
	uint32_t	matched_b;
} ScoreInput;

/* Everything that went into a pair's score (evidence); the terms add up to score. */
typedef struct ScoreDetail
{
	double		prior;			/* log2 prior odds at the institution */
	uint32_t	institution_items;
	double		accounts;		/* sum of the shared account keys' weights */
	double		persistent;		/* shared persistent ids */
	double		owner;
	int			owner_relation; /* 1 same, -1 different, 0 unknown */
	uint32_t	unmatched_a;
	uint32_t	unmatched_b;
	double		unmatched;		/* penalty (negative) */
	bool		identical;
	double		identical_bonus;
	double		score;			/* the sum */
} ScoreDetail;

/* The weight of one shared account key at an institution of N Items, and its u. */
double		score_key_weight(const ScoreKeyFreq *f, uint32_t institution_items, double *u);

/* The weight of one shared persistent_account_id at an institution of N items. */
double		score_persistent_weight(uint32_t institution_items);

/* The weight of the same (known) owner at an institution of N items. */
double		score_same_owner_weight(uint32_t institution_items);

/*
 * score_bound_rest — an upper bound of every term of a pair's score at an
 * institution of N Items except its shared account keys and persistent ids,
 * when one side has at least unmatched_min unmatched accounts: the prior,
 * the best owner term (the same owner's weight only when
 * same_owner_possible), the mildest penalty for unmatched_min (the other
 * side may have none) and the identical bonus when unmatched_min is 0.
 * Pruning adds the shared keys' positive weights to it (docs/MATCHING.md,
 * "Pruning").  INFINITY when the model's parameters make a term unbounded
 * above (a positive unmatched weight): nothing is pruned.
 */
double		score_bound_rest(uint32_t institution_items, bool same_owner_possible,
							 uint32_t unmatched_min);

/* score_pair — the model applied to one pair's counts, every term into *d. */
void		score_pair(const ScoreInput *in, ScoreDetail *d);

/* 1 same, -1 different, 0 when either owner is unknown (NULL). */
int			score_owner_relation(const char *owner_a, const char *owner_b);

#define SCORE_EVIDENCE_KEYS 8	/* shared keys evidence lists at most */

/*
 * score_r3_text — v rounded to 3 decimals as evidence prints it: the bytes
 * cJSON prints for that double ("%1.15g", which for |v| < 10^12 is the
 * decimal itself, trailing zeros dropped, "-0" kept), into buf;
 * false (buf untouched) for a value past that, which the caller prints
 * as cJSON prints any double.
 */
#define SCORE_R3_TEXT 32
bool		score_r3_text(double v, char buf[SCORE_R3_TEXT]);

/*
 * score_evidence_json — the evidence of a pair as compact JSON text (the
 * format of result_pairs.evidence): the shared keys (normalised name, mask;
 * the SCORE_EVIDENCE_KEYS heaviest when there are more, with
 * "shared_keys_omitted": how many are not listed), shared persistent ids (a
 * count), the score and its terms.  A few KB at most.  names[k] is the
 * normalised name of keys[k].  Written directly, the same bytes as
 * cJSON_PrintUnformatted of the same members (test_evidence_text).
 * malloc'd; the caller frees it.
 */
char	   *score_evidence_json(const ScoreInput *in, const char *const *names,
								const ScoreDetail *d);

#endif
