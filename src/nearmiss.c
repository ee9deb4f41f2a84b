/*
 * nearmiss.c — the bounded near-miss sample (nearmiss.h).
 */
#include "nearmiss.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct NearSampler
{
	NearCand	top[MATCH_NEAR_TOP];
	int			ntop;
	int			worst;			/* index of the lowest in top */
	NearCand	bin[MATCH_NBINS][MATCH_NEAR_PER_BIN];
	uint8_t		nbin[MATCH_NBINS];
	NearCand	all[MATCH_NEAR_TOP + MATCH_NBINS * MATCH_NEAR_PER_BIN];
	const uint32_t *ordinal;	/* near_sampler_number_by; NULL: none */
};

int
near_score_bin(double score)
{
	double		b = floor(score) - MATCH_BIN_LO;

	return b < 0 || isnan(b) ? 0 : b >= MATCH_NBINS ? MATCH_NBINS - 1 : (int) b;
}

/* splitmix64 — a fixed mix of the pair's item indices: the sample's order. */
static uint64_t
pair_hash(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* Whether x is a better near miss than y: higher score, then smaller pair. */
static bool
near_better(const NearCand *x, const NearCand *y)
{
	return x->score > y->score || (x->score == y->score && x->pair < y->pair);
}

static int
cmp_near(const void *x, const void *y)
{
	const NearCand *a = x;
	const NearCand *b = y;

	return near_better(a, b) ? -1 : near_better(b, a) ? 1 : 0;
}

NearSampler *
near_sampler_new(void)
{
	return xcalloc(1, sizeof(NearSampler));
}

void
near_sampler_number_by(NearSampler *ns, const uint32_t *ordinal)
{
	ns->ordinal = ordinal;
}

void
near_sampler_free(NearSampler *ns)
{
	if (ns == NULL)
		return;
	for (int k = 0; k < ns->ntop; k++)
		free(ns->top[k].keys);
	for (int b = 0; b < MATCH_NBINS; b++)
		for (int k = 0; k < ns->nbin[b]; k++)
			free(ns->bin[b][k].keys);
	free(ns);
}

/* Put c into *slot (replacing and freeing what was there), with its own copy of keys. */
static void
near_store(NearCand *slot, const NearCand *c, const uint32_t *keys, bool replace)
{
	size_t		n = (size_t) c->n_acc + c->n_p;

	if (replace)
		free(slot->keys);
	*slot = *c;
	slot->keys = xmalloc((n + 1) * sizeof(uint32_t));
	if (n > 0)
		memcpy(slot->keys, keys, n * sizeof(uint32_t));
}

void
near_sampler_offer(NearSampler *ns, uint32_t a, uint32_t b, double score,
				   const uint32_t *keys, uint32_t n_acc, uint32_t n_p)
{
	uint64_t	pair;
	NearCand	c;
	int			bin = near_score_bin(score);

	if (ns->ordinal != NULL)
	{
		a = ns->ordinal[a];
		b = ns->ordinal[b];
	}
	pair = (uint64_t) a << 32 | b;
	c = (NearCand) {pair, pair_hash(pair), score, NULL, n_acc, n_p, 0};

	assert(a < b);				/* pairs are a < b (match.h): pair orders them */
	assert(bin >= 0 && bin < MATCH_NBINS);
	if (ns->ntop < MATCH_NEAR_TOP || near_better(&c, &ns->top[ns->worst]))
	{
		bool		full = ns->ntop == MATCH_NEAR_TOP;

		near_store(&ns->top[full ? ns->worst : ns->ntop++], &c, keys, full);
		ns->worst = 0;
		for (int k = 1; k < ns->ntop; k++)
			if (near_better(&ns->top[ns->worst], &ns->top[k]))
				ns->worst = k;
	}
	if (ns->nbin[bin] < MATCH_NEAR_PER_BIN)
		near_store(&ns->bin[bin][ns->nbin[bin]++], &c, keys, false);
	else
	{
		int			max = 0;

		for (int k = 1; k < MATCH_NEAR_PER_BIN; k++)
			if (ns->bin[bin][k].hash > ns->bin[bin][max].hash)
				max = k;
		if (c.hash < ns->bin[bin][max].hash)
			near_store(&ns->bin[bin][max], &c, keys, true);
	}
}

int
near_sampler_take(NearSampler *ns, const NearCand **out)
{
	int			n = 0;

	for (int k = 0; k < ns->ntop; k++)
	{
		ns->all[n] = ns->top[k];
		ns->all[n++].how = NEAR_TOP;
	}
	qsort(ns->all, (size_t) n, sizeof(NearCand), cmp_near);
	for (int b = 0; b < MATCH_NBINS; b++)
		for (int k = 0; k < ns->nbin[b]; k++)
		{
			bool		dup = false;

			for (int m = 0; m < ns->ntop && !dup; m++)
				dup = ns->top[m].pair == ns->bin[b][k].pair;
			if (!dup)
			{
				ns->all[n] = ns->bin[b][k];
				ns->all[n++].how = NEAR_STRATIFIED;
			}
		}
	assert((size_t) n <= sizeof(ns->all) / sizeof(ns->all[0]));
	qsort(ns->all + ns->ntop, (size_t) (n - ns->ntop), sizeof(NearCand), cmp_near);
	*out = ns->all;
	return n;
}
