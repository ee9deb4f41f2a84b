/*
 * match.h — candidate pairs of Items from shared keys, and the match rule.
 *
 * Pure: no I/O.  Candidates come only from shared keys (never all pairs);
 * a key carried by more than hot_key_cap items is skipped and counted, never
 * expanded.  Whether a candidate is a match is decided by one function,
 * match_score_pair(), which the scoring model replaces.
 *
 * Errors: never logged here.  A tripped guard (--max-pairs) or a
 * cancellation returns false with the reason in the caller's err buffer;
 * the run logs it and records it in runs.error.
 */
#ifndef ITEMDUP_MATCH_H
#define ITEMDUP_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "keys.h"
#include "nearmiss.h"
#include "score.h"

typedef struct MatchOptions
{
	uint32_t	hot_key_cap;	/* --hot-key-cap */
	uint64_t	max_pairs;		/* --max-pairs */
	double		threshold;		/* --threshold */
	CancelFn	cancelled;		/* polled in the long loops; NULL: never */
	bool		prune;			/* leave pairs below threshold - prune_margin unscored */
	double		prune_margin;	/* --prune-margin (docs/MATCHING.md, "Pruning") */
	const KeyStats *stats;		/* keys_stats_compute of the data set, borrowed (the run
								 * shares it with the model writer); NULL: computed here */
} MatchOptions;

/* Called with every candidate pair's score (test dumps); a < b as item indices. */
typedef void (*MatchCandidateFn) (void *arg, uint32_t a, uint32_t b, double score);

/* An accepted pair: a < b as item indices; its shared keys are ascending. */
typedef struct Pair
{
	uint32_t	a;
	uint32_t	b;
	double		score;
	uint32_t	first_shared;	/* into MatchResult.shared (pairs may share a range) */
	uint16_t	n_shared;		/* shared account keys (keys ids) */
	uint16_t	n_shared_p;		/* shared persistent ids (pkeys ids), after them */
} Pair;

typedef struct MatchResult
{
	Vec			pairs;			/* Pair, accepted only */
	Vec			shared;			/* uint32_t key ids, per pair (accepted and near) */
	Vec			near;			/* Pair, near misses (nearmiss.h), best first */
	Vec			near_how;		/* uint8_t NEAR_TOP or NEAR_STRATIFIED, per near miss */
	uint64_t	score_bins[MATCH_NBINS];	/* the pairs of scored_pairs, by near_score_bin */
	uint64_t	candidate_pairs;	/* distinct pairs found and scored: --max-pairs */
	uint64_t	scored_pairs;	/* ... at or above the pruning floor: runs.pairs_scored */
	uint64_t	hot_keys;		/* keys skipped for exceeding the cap */
	uint64_t	pruned_keys;	/* (item, account key) not indexed: in the item's prefix */
	double		seconds[3];		/* the counts, the indexes, scoring (the debug log) */
	KeyStats	stats;
	bool		stats_borrowed; /* stats are MatchOptions.stats's arrays: not freed here */
} MatchResult;

/* The score of one candidate and whether it is a match. */
typedef struct MatchScore
{
	double		score;
	bool		accept;
} MatchScore;

/* The weight of one shared account key and its u-probability. */
double		match_key_weight(const Dataset *ds, const KeyStats *st, uint32_t key,
							 uint32_t institution_items, double *u);

/* A key's counts as the scorer takes them (score.h). */
void		match_key_freq(const Dataset *ds, const KeyStats *st, uint32_t key, ScoreKeyFreq *f);

/*
 * match_score_detail — the model applied to one candidate: shared/n_shared
 * are account keys both items carry, shared_p/n_shared_p persistent ids.
 */
void		match_score_detail(const Dataset *ds, const KeyStats *st, uint32_t a, uint32_t b,
							   const uint32_t *shared, uint32_t n_shared,
							   const uint32_t *shared_p, uint32_t n_shared_p,
							   ScoreDetail *d);

/* match_score_pair — the match rule: the model's score against opt->threshold. */
MatchScore	match_score_pair(const Dataset *ds, const KeyStats *st,
							 const MatchOptions *opt, uint32_t a, uint32_t b,
							 const uint32_t *shared, uint32_t n_shared,
							 const uint32_t *shared_p, uint32_t n_shared_p);

/*
 * match_find_pairs — every candidate pair scored; matches into out (owned
 * by the caller, match_result_free).  Returns false and writes err when the
 * candidates would exceed max_pairs (the message names the cap) or when
 * opt->cancelled says stop ("interrupted by a signal while matching").
 */
bool		match_find_pairs(const Dataset *ds, const MatchOptions *opt,
							 MatchResult *out, char *err, size_t errlen) MUSTCHECK;
/* match_find_pairs with on_candidate (may be NULL) called for every candidate. */
bool		match_find_pairs_each(const Dataset *ds, const MatchOptions *opt,
								  MatchCandidateFn on_candidate, void *arg,
								  MatchResult *out, char *err, size_t errlen) MUSTCHECK;
/*
 * match_find_pairs_counted — match_find_pairs_each with the counts across
 * institutions (KeyStats.gname_items, gkey_items: per ds->gnames and
 * ds->gkeys id) given by the caller instead of counted in ds, and the
 * near-miss sample drawn under ordinal[i] as Item i's number
 * (near_sampler_number_by; out->near's a and b are then ordinals):
 * --partitions counts over every class of institutions and samples under
 * one pass's numbers (partition.c).  NULL: ds's counts, Item indices.
 */
bool		match_find_pairs_counted(const Dataset *ds, const MatchOptions *opt,
									 const uint32_t *gname_items, const uint32_t *gkey_items,
									 const uint32_t *ordinal,
									 MatchCandidateFn on_candidate, void *arg,
									 MatchResult *out, char *err, size_t errlen) MUSTCHECK;
void		match_result_free(MatchResult *r);

/*
 * match_radix_sort_by — stable sort of v's elements by the unsigned key
 * (key_size 4 or 8 bytes) at key_offset, whose values are at most max_key.
 * v stays a valid Vec (len, cap and data agree): it can grow afterwards.
 */
void		match_radix_sort_by(Vec *v, size_t key_offset, size_t key_size, uint64_t max_key);

/*
 * match_pair_shares_account — whether account acc of ds (an index into its
 * accounts) has a key or persistent id among pair p's shared ones (a binary
 * search in the pair's ascending lists).
 */
bool		match_pair_shares_account(const MatchResult *m, const Pair *p, const Dataset *ds,
									  size_t acc);

/*
 * match_pair_evidence — why a pair matched, as compact JSON text: the
 * shared keys (normalised name, mask; the SCORE_EVIDENCE_KEYS heaviest when
 * there are more, with "shared_keys_omitted": how many are not listed),
 * shared persistent ids (a count), the score and its terms.  A few KB at
 * most.  malloc'd; the caller frees it.
 */
char	   *match_pair_evidence(const Dataset *ds, const MatchResult *m, const Pair *p);

#endif
