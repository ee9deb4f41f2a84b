/*
 * nearmiss.h — the near-miss sample of a run (docs/REPORTS.md, "Near
 * misses"): a bounded, deterministic sample of the candidate pairs scored
 * below the threshold, so analysts can judge it — the MATCH_NEAR_TOP highest,
 * plus in each score bin the MATCH_NEAR_PER_BIN pairs with the smallest hash
 * of their item indices (a stratified sample across the score range).
 * Pure core: no I/O, no logging, nothing fails.  Constant memory whatever the number of candidates.
 */
#ifndef ITEMDUP_NEARMISS_H
#define ITEMDUP_NEARMISS_H

#include <stdbool.h>
#include <stdint.h>

#define MATCH_NEAR_TOP 100
#define MATCH_NEAR_PER_BIN 3
#define MATCH_BIN_LO (-40)			/* bins of width 1 from here */
#define MATCH_NBINS 100

enum
{
	NEAR_TOP = 1,				/* among the highest scores below the threshold */
	NEAR_STRATIFIED = 2			/* sampled in its score bin */
};

/* One sampled pair with its shared keys (account keys, then persistent ids). */
typedef struct NearCand
{
	uint64_t	pair;			/* a << 32 | b */
	uint64_t	hash;
	double		score;
	uint32_t   *keys;			/* owned by the sampler */
	uint32_t	n_acc;
	uint32_t	n_p;
	uint8_t		how;			/* NEAR_TOP or NEAR_STRATIFIED, set by near_sampler_take */
} NearCand;

typedef struct NearSampler NearSampler;

/* The bin of a score: width 1 from MATCH_BIN_LO, the ends clamped. */
int			near_score_bin(double score);

/* A new, empty sampler; free with near_sampler_free. */
NearSampler *near_sampler_new(void);
void		near_sampler_free(NearSampler *ns);

/*
 * near_sampler_number_by — number Items by ordinal[index] (ascending with
 * the index, borrowed) instead of their indices from now on: offers are
 * still by index, the sample's pairs are by ordinal (--partitions: a pass
 * samples its Items under one pass's numbers, partition.c).
 */
void		near_sampler_number_by(NearSampler *ns, const uint32_t *ordinal);

/*
 * near_sampler_offer — offer one below-threshold pair (a < b) with its keys
 * (borrowed: copied only when the pair enters the sample).
 */
void		near_sampler_offer(NearSampler *ns, uint32_t a, uint32_t b, double score,
							   const uint32_t *keys, uint32_t n_acc, uint32_t n_p);

/*
 * near_sampler_take — the sample, top entries first (best first), then the
 * stratified ones not already among them (best first).  Returns the count;
 * *out points into the sampler (valid until near_sampler_free).
 */
int			near_sampler_take(NearSampler *ns, const NearCand **out);

#endif
