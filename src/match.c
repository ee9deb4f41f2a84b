/*
 * match.c — candidates from shared keys, scored one pair at a time.
 *
 * Postings (key, item) are sorted by key; each key's run of items expands to
 * its pairs unless the run is longer than the hot-key cap.  The (pair, key)
 * triples are then sorted by pair so each pair is scored once with all the
 * keys it shares.
 */
#include "match.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKEY_TAG 0x80000000u	/* marks a persistent-id key in a Triple */
#define MASK_EVIDENCE 5.0		/* other institutions' Items needed to judge a name's masks */
#define KEY_CLUSTER 4.0			/* Items one login plausibly made: not evidence of a common key */

typedef struct Posting
{
	uint32_t	key;
	uint32_t	item;
} Posting;

typedef struct Triple
{
	uint64_t	pair;			/* a << 32 | b */
	uint32_t	key;			/* keys id, or pkeys id | PKEY_TAG */
} Triple;

/* A candidate below the threshold, in the near-miss sample (match.h). */
typedef struct NearCand
{
	uint64_t	pair;
	uint64_t	hash;
	double		score;
	size_t		from;			/* its triples */
	size_t		to;
} NearCand;

typedef struct NearSampler
{
	NearCand	top[MATCH_NEAR_TOP];
	int			ntop;
	int			worst;			/* index of the lowest in top */
	NearCand	bin[MATCH_NBINS][MATCH_NEAR_PER_BIN];
	uint8_t		nbin[MATCH_NBINS];
} NearSampler;

/*
 * Defaults: see docs/MATCHING.md for where each comes from.  dup_rate is
 * the expected number of duplicates per Item (a few percent of Items are
 * re-linked); m_account is how often a duplicate still shows a given
 * account with the same name and mask (accounts get renamed, closed).
 */
const MatchModel match_default_model = {
	.dup_rate = 0.02,
	.m_account = 0.9,
	.m_persistent = 0.9,
	.joint_rate = 0.02,
	.m_same_owner = 0.6,
	.owner_rate = 0.05,
	.w_other_owner = -1.0,
	.w_unmatched_both = -3.0,
	.w_unmatched_one = -1.0,
	.w_identical = 3.0,
};

/* How many values a mask of this shape can take: 10^len digits, 36^len otherwise. */
static double
mask_space(const char *mask)
{
	bool		digits = true;
	size_t		len = strlen(mask);

	for (size_t i = 0; i < len; i++)
		digits = digits && mask[i] >= '0' && mask[i] <= '9';
	return pow(digits ? 10.0 : 36.0, (double) len);
}

double
match_key_weight(const Dataset *ds, const KeyStats *st, uint32_t key,
				 uint32_t institution_items, double *u_out)
{
	const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, key);
	const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);
	double		n = institution_items > 1 ? (double) institution_items : 2.0;
	double		name_freq = (double) st->name_items[ki->name] / n;
	double		uniform = 1.0 / mask_space(ki->mask);

	/* Items with the name, and with the name and mask, at the environment's other institutions */
	double		other_name = (double) st->gname_items[ni->gname] - st->name_items[ki->name];
	double		other_key = (double) st->gkey_items[ki->gkey] - st->key_items[key];
	double		mask_given_name = uniform;
	double		u;
	double		seen = (st->key_items[key] > KEY_CLUSTER ? st->key_items[key] - KEY_CLUSTER : 0.0) / n;

	/*
	 * u = P(name at this institution) x P(mask | name).  Masks are random
	 * for real accounts (P = 1/mask_space), but not everywhere: the sandbox
	 * gives every Item the same defaults (Plaid IRA is always 5555).  The
	 * same name at the environment's other institutions says which: logins
	 * there are never duplicates of logins here (keys never cross
	 * institutions), so where at least MASK_EVIDENCE of them carry the name
	 * and this mask is more common among them than chance, their share is
	 * used.  It only ever raises u: no key is made rarer than a random mask.
	 */
	if (other_name >= MASK_EVIDENCE && other_key / other_name > uniform)
		mask_given_name = other_key / other_name;
	u = (name_freq < 1.0 ? name_freq : 1.0) * mask_given_name;

	/*
	 * Where the key itself is carried by more Items at the institution than
	 * one plausible cluster of duplicates, the observed excess rate wins.
	 */
	if (seen > u)
		u = seen;
	if (u < 1e-12)
		u = 1e-12;
	if (u_out)
		*u_out = u;
	return log2(match_default_model.m_account / u);
}

/*
 * A shared persistent_account_id: unrelated logins share one only through
 * a joint account, so u = joint_rate / (N - 1), and the weight grows with
 * the institution's size as fast as its prior shrinks.
 */
double
match_persistent_weight(uint32_t institution_items)
{
	const MatchModel *m = &match_default_model;
	double		n = institution_items > 2 ? institution_items - 1.0 : 1.0;

	return log2(m->m_persistent * n / m->joint_rate);
}

/*
 * The same owner at the same institution: unrelated Items of one owner
 * there are rare (owner_rate per Item, a personal and a business login), so
 * like a persistent id the weight grows with the institution's size.
 */
double
match_same_owner_weight(uint32_t institution_items)
{
	const MatchModel *m = &match_default_model;
	double		n = institution_items > 2 ? institution_items - 1.0 : 1.0;

	return log2(m->m_same_owner * n / m->owner_rate);
}

/* How many of an item's keyable accounts carry one of the shared keys. */
static uint32_t
matched_accounts(const Dataset *ds, uint32_t item, const uint32_t *shared, uint32_t n_shared,
				 const uint32_t *shared_p, uint32_t n_shared_p)
{
	const Item *it = DS_ITEM(ds, item);
	uint32_t	matched = 0;

	for (uint32_t k = 0; k < it->n_accounts; k++)
	{
		const Account *acc = DS_ACCOUNT(ds, it->first_account + k);
		bool		hit = false;

		if (acc->key == KEY_NONE && acc->pkey == KEY_NONE)
			continue;
		for (uint32_t j = 0; j < n_shared && !hit; j++)
			hit = acc->key == shared[j];
		for (uint32_t j = 0; j < n_shared_p && !hit; j++)
			hit = acc->pkey == shared_p[j];
		matched += hit;
	}
	return matched;
}

void
match_score_detail(const Dataset *ds, const KeyStats *st, uint32_t a, uint32_t b,
				   const uint32_t *shared, uint32_t n_shared,
				   const uint32_t *shared_p, uint32_t n_shared_p, ScoreDetail *d)
{
	const MatchModel *m = &match_default_model;
	const Item *ia = DS_ITEM(ds, a);
	const Item *ib = DS_ITEM(ds, b);
	uint32_t	n = st->institution_items[ia->institution];
	uint32_t	ma = matched_accounts(ds, a, shared, n_shared, shared_p, n_shared_p);
	uint32_t	mb = matched_accounts(ds, b, shared, n_shared, shared_p, n_shared_p);
	uint32_t	ka = ia->n_keyable > ma ? ia->n_keyable : ma;
	uint32_t	kb = ib->n_keyable > mb ? ib->n_keyable : mb;

	memset(d, 0, sizeof(*d));
	d->institution_items = n;
	d->prior = log2(m->dup_rate / (n > 2 ? n - 1.0 : 1.0));
	for (uint32_t k = 0; k < n_shared; k++)
		d->accounts += match_key_weight(ds, st, shared[k], n, NULL);
	d->persistent = n_shared_p * match_persistent_weight(n);

	if (ia->owner_id != NULL && ib->owner_id != NULL)
	{
		d->owner_relation = strcmp(ia->owner_id, ib->owner_id) == 0 ? 1 : -1;
		d->owner = d->owner_relation > 0 ? match_same_owner_weight(n) : m->w_other_owner;
	}

	d->unmatched_a = ka - ma;
	d->unmatched_b = kb - mb;
	{
		uint32_t	both = d->unmatched_a < d->unmatched_b ? d->unmatched_a : d->unmatched_b;
		uint32_t	one = (d->unmatched_a > d->unmatched_b ? d->unmatched_a : d->unmatched_b) - both;

		d->unmatched = both * m->w_unmatched_both + one * m->w_unmatched_one;
	}
	d->identical = ka >= 1 && d->unmatched_a == 0 && d->unmatched_b == 0;
	d->identical_bonus = d->identical ? m->w_identical : 0.0;
	d->score = d->prior + d->accounts + d->persistent + d->owner + d->unmatched +
		d->identical_bonus;
}

MatchScore
match_score_pair(const Dataset *ds, const KeyStats *st, const MatchOptions *opt,
				 uint32_t a, uint32_t b,
				 const uint32_t *shared, uint32_t n_shared,
				 const uint32_t *shared_p, uint32_t n_shared_p)
{
	ScoreDetail d;
	MatchScore	s;

	match_score_detail(ds, st, a, b, shared, n_shared, shared_p, n_shared_p, &d);
	s.score = d.score;
	s.accept = d.score >= opt->threshold;
	return s;
}

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

/* Significant bits of v (0 for 0). */
static int
bit_width(uint64_t v)
{
	int			n = 0;

	while (v)
	{
		n++;
		v >>= 1;
	}
	return n;
}

/* The sort key of an element: a uint32_t or uint64_t at key_offset. */
static inline uint64_t
radix_key(const char *elem, size_t key_offset, size_t key_size)
{
	if (key_size == sizeof(uint32_t))
	{
		uint32_t	k;

		memcpy(&k, elem + key_offset, sizeof(k));
		return k;
	}
	uint64_t	k;

	memcpy(&k, elem + key_offset, sizeof(k));
	return k;
}

/*
 * radix_sort_by — stable LSD radix sort of v's elements by the unsigned key
 * at key_offset (key_size 4 or 8 bytes), whose values are at most max_key.
 * Postings arrive in item order and triples in key order, so sorting
 * postings by key alone and triples by pair alone gives (key, item) and
 * (pair, key) order: what qsort with the full comparison gave, in linear
 * time (candidates can number tens of millions).
 */
static void
radix_sort_by(Vec *v, size_t key_offset, size_t key_size, uint64_t max_key)
{
	char	   *a = v->data;
	char	   *tmp;
	size_t		n = v->len;
	size_t		elem = v->elem;
	int			bits = bit_width(max_key);

	if (n < 2)
		return;
	tmp = xmalloc(n * elem);
	for (int shift = 0; shift < bits; shift += RADIX_BITS)
	{
		size_t		count[RADIX_SIZE + 1] = {0};

		for (size_t i = 0; i < n; i++)
			count[((radix_key(a + i * elem, key_offset, key_size) >> shift) & (RADIX_SIZE - 1)) + 1]++;
		for (size_t d = 0; d < RADIX_SIZE; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
		{
			size_t		d = (radix_key(a + i * elem, key_offset, key_size) >> shift) & (RADIX_SIZE - 1);

			memcpy(tmp + count[d]++ * elem, a + i * elem, elem);
		}
		char	   *swap = a;

		a = tmp;
		tmp = swap;
	}
	v->data = a;
	free(tmp);
}

/* Postings of live items, one per (key, item), sorted by key. */
static void
collect_postings(const Dataset *ds, bool persistent, Vec *out)
{
	uint32_t	max_key = 0;

	vec_init(out, sizeof(Posting));
	for (size_t i = 0; i < ds->items.len; i++)
	{
		const Item *it = DS_ITEM(ds, i);

		if (!keys_item_live(it))
			continue;
		for (uint32_t k = 0; k < it->n_accounts; k++)
		{
			const Account *acc = DS_ACCOUNT(ds, it->first_account + k);
			uint32_t	key = persistent ? acc->pkey : acc->key;

			if (key == KEY_NONE)
				continue;
			Posting    *p = vec_push(out);

			p->key = key;
			p->item = (uint32_t) i;
			if (key > max_key)
				max_key = key;
		}
	}
	radix_sort_by(out, offsetof(Posting, key), sizeof(uint32_t), max_key);
}

/* split_keys — the keys of triples [i, j): account keys, then persistent ids. */
static void
split_keys(const Triple *t, size_t i, size_t j, uint32_t *keybuf,
		   uint32_t *n_acc, uint32_t *n_p)
{
	*n_acc = *n_p = 0;
	/* account keys sort before tagged persistent keys */
	for (size_t k = i; k < j; k++)
	{
		if (t[k].key & PKEY_TAG)
			keybuf[*n_acc + (*n_p)++] = t[k].key & ~PKEY_TAG;
		else
			keybuf[(*n_acc)++] = t[k].key;
	}
}

/* push_pair — a scored pair and its shared keys into dest (pairs or near). */
static void
push_pair(MatchResult *out, Vec *dest, uint32_t a, uint32_t b, double score,
		  const uint32_t *keybuf, uint32_t n_acc, uint32_t n_p)
{
	Pair	   *pr = vec_push(dest);

	pr->a = a;
	pr->b = b;
	pr->score = score;
	pr->first_shared = (uint32_t) out->shared.len;
	pr->n_shared = (uint16_t) (n_acc > UINT16_MAX ? UINT16_MAX : n_acc);
	pr->n_shared_p = (uint16_t) (n_p > UINT16_MAX ? UINT16_MAX : n_p);
	for (uint32_t k = 0; k < (uint32_t) pr->n_shared + pr->n_shared_p; k++)
	{
		uint32_t	key = k < pr->n_shared ? keybuf[k] : keybuf[n_acc + k - pr->n_shared];

		*(uint32_t *) vec_push(&out->shared) = key;
	}
}

/* score_bin — the bin of a score (match.h): width 1 from MATCH_BIN_LO, clamped. */
static int
score_bin(double score)
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

/*
 * near_consider — offer one below-threshold candidate to the sample: the
 * top list keeps the best MATCH_NEAR_TOP, each bin the MATCH_NEAR_PER_BIN
 * smallest hashes.  Constant memory, the same sample for the same input.
 */
static void
near_consider(NearSampler *ns, uint64_t pair, double score, size_t from, size_t to)
{
	NearCand	c = {pair, pair_hash(pair), score, from, to};
	int			b = score_bin(score);

	if (ns->ntop < MATCH_NEAR_TOP || near_better(&c, &ns->top[ns->worst]))
	{
		ns->top[ns->ntop < MATCH_NEAR_TOP ? ns->ntop++ : ns->worst] = c;
		ns->worst = 0;
		for (int k = 1; k < ns->ntop; k++)
			if (near_better(&ns->top[ns->worst], &ns->top[k]))
				ns->worst = k;
	}
	if (ns->nbin[b] < MATCH_NEAR_PER_BIN)
		ns->bin[b][ns->nbin[b]++] = c;
	else
	{
		int			max = 0;

		for (int k = 1; k < MATCH_NEAR_PER_BIN; k++)
			if (ns->bin[b][k].hash > ns->bin[b][max].hash)
				max = k;
		if (c.hash < ns->bin[b][max].hash)
			ns->bin[b][max] = c;
	}
}

static int
cmp_near(const void *x, const void *y)
{
	const NearCand *a = x;
	const NearCand *b = y;

	return near_better(a, b) ? -1 : near_better(b, a) ? 1 : 0;
}

/*
 * near_finish — the sample into out->near (best first) with its keys, top
 * entries first so a pair in both lists counts as top.
 */
static void
near_finish(const NearSampler *ns, const Triple *t, MatchResult *out,
			uint32_t **keybuf, size_t *keybuf_cap)
{
	NearCand	all[MATCH_NEAR_TOP + MATCH_NBINS * MATCH_NEAR_PER_BIN];
	uint8_t		how[MATCH_NEAR_TOP + MATCH_NBINS * MATCH_NEAR_PER_BIN];
	size_t		n = 0;

	for (int k = 0; k < ns->ntop; k++)
		all[n++] = ns->top[k];
	qsort(all, n, sizeof(NearCand), cmp_near);
	for (int b = 0; b < MATCH_NBINS; b++)
		for (int k = 0; k < ns->nbin[b]; k++)
		{
			bool		dup = false;

			for (int m = 0; m < ns->ntop && !dup; m++)
				dup = ns->top[m].pair == ns->bin[b][k].pair;
			if (!dup)
				all[n++] = ns->bin[b][k];
		}
	for (size_t k = 0; k < n; k++)
		how[k] = k < (size_t) ns->ntop ? NEAR_TOP : NEAR_STRATIFIED;
	qsort(all + ns->ntop, n - (size_t) ns->ntop, sizeof(NearCand), cmp_near);
	for (size_t k = 0; k < n; k++)
	{
		uint32_t	n_acc,
					n_p;

		if (all[k].to - all[k].from > *keybuf_cap)
		{
			*keybuf_cap = (all[k].to - all[k].from) * 2;
			*keybuf = xrealloc(*keybuf, *keybuf_cap * sizeof(uint32_t));
		}
		split_keys(t, all[k].from, all[k].to, *keybuf, &n_acc, &n_p);
		push_pair(out, &out->near, (uint32_t) (all[k].pair >> 32), (uint32_t) all[k].pair,
				  all[k].score, *keybuf, n_acc, n_p);
		*(uint8_t *) vec_push(&out->near_how) = how[k];
	}
}

/*
 * Expand postings into triples.  First pass counts (and checks the budget),
 * second pass emits, so a guard trip allocates nothing big.
 */
static bool
expand_postings(const Vec *postings, uint32_t tag, const MatchOptions *opt,
				Vec *triples, uint64_t *budget_used, uint64_t *hot_keys,
				char *err, size_t errlen)
{
	const Posting *p = postings->data;
	size_t		n = postings->len;

	for (int pass = 0; pass < 2; pass++)
	{
		for (size_t i = 0; i < n;)
		{
			size_t		j = i;
			size_t		distinct = 0;

			while (j < n && p[j].key == p[i].key)
			{
				if (j == i || p[j].item != p[j - 1].item)
					distinct++;
				j++;
			}
			if (distinct > opt->hot_key_cap)
			{
				if (pass == 0)
					(*hot_keys)++;
			}
			else if (pass == 0)
			{
				*budget_used += (uint64_t) distinct * (distinct - 1) / 2;
				if (*budget_used > opt->max_pairs)
				{
					snprintf(err, errlen,
							 "more than --max-pairs %" PRIu64 " candidate pairs "
							 "(raise --max-pairs or lower --hot-key-cap)", opt->max_pairs);
					return false;
				}
			}
			else
			{
				for (size_t x = i; x < j; x++)
				{
					if (x > i && p[x].item == p[x - 1].item)
						continue;
					for (size_t y = x + 1; y < j; y++)
					{
						if (p[y].item == p[y - 1].item)
							continue;
						Triple	   *t = vec_push(triples);

						t->pair = (uint64_t) p[x].item << 32 | p[y].item;
						t->key = p[i].key | tag;
					}
				}
			}
			i = j;
		}
	}
	return true;
}

bool
match_find_pairs(const Dataset *ds, const MatchOptions *opt, MatchResult *out,
				 char *err, size_t errlen)
{
	Vec			postings;
	Vec			triples;
	uint64_t	budget = 0;
	bool		ok = false;
	uint32_t   *keybuf = NULL;
	size_t		keybuf_cap = 0;
	NearSampler *sampler;

	memset(out, 0, sizeof(*out));
	vec_init(&out->pairs, sizeof(Pair));
	vec_init(&out->shared, sizeof(uint32_t));
	vec_init(&out->near, sizeof(Pair));
	vec_init(&out->near_how, sizeof(uint8_t));
	vec_init(&triples, sizeof(Triple));
	sampler = xcalloc(1, sizeof(NearSampler));
	keys_stats_compute(ds, &out->stats);

	for (int persistent = 0; persistent < 2; persistent++)
	{
		bool		fine;

		collect_postings(ds, persistent, &postings);
		fine = expand_postings(&postings, persistent ? PKEY_TAG : 0, opt, &triples,
							   &budget, &out->hot_keys, err, errlen);
		vec_free(&postings);
		if (!fine)
			goto cleanup;
	}
	radix_sort_by(&triples, offsetof(Triple, pair), sizeof(uint64_t),
				  (uint64_t) ds->items.len << 32);

	const Triple *t = triples.data;

	for (size_t i = 0; i < triples.len;)
	{
		size_t		j = i;
		uint32_t	n_acc = 0;
		uint32_t	n_p = 0;

		while (j < triples.len && t[j].pair == t[i].pair)
			j++;
		if (j - i > keybuf_cap)
		{
			keybuf_cap = (j - i) * 2;
			keybuf = xrealloc(keybuf, keybuf_cap * sizeof(uint32_t));
		}
		split_keys(t, i, j, keybuf, &n_acc, &n_p);

		uint32_t	a = (uint32_t) (t[i].pair >> 32);
		uint32_t	b = (uint32_t) t[i].pair;
		MatchScore	s = match_score_pair(ds, &out->stats, opt, a, b,
										 keybuf, n_acc, keybuf + n_acc, n_p);

		out->candidate_pairs++;
		out->score_bins[score_bin(s.score)]++;
		if (s.accept)
			push_pair(out, &out->pairs, a, b, s.score, keybuf, n_acc, n_p);
		else
			near_consider(sampler, t[i].pair, s.score, i, j);
		i = j;
	}
	near_finish(sampler, t, out, &keybuf, &keybuf_cap);
	ok = true;

cleanup:
	vec_free(&triples);
	free(keybuf);
	free(sampler);
	return ok;
}

void
match_result_free(MatchResult *r)
{
	vec_free(&r->pairs);
	vec_free(&r->shared);
	vec_free(&r->near);
	vec_free(&r->near_how);
	keys_stats_free(&r->stats);
}

/* Round to 3 decimals for evidence: enough to read, stable to compare. */
static double
r3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

char *
match_pair_evidence(const Dataset *ds, const MatchResult *m, const Pair *p)
{
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *keys;
	const uint32_t *shared = (const uint32_t *) m->shared.data + p->first_shared;
	ScoreDetail d;
	char	   *text;
	static const char *const owner_names[] = {"different", "unknown", "same"};

	match_score_detail(ds, &m->stats, p->a, p->b, shared, p->n_shared,
					   shared + p->n_shared, p->n_shared_p, &d);
	cJSON_AddStringToObject(root, "model", "fellegi_sunter_tf_v1");
	cJSON_AddNumberToObject(root, "score", r3(d.score));
	cJSON_AddNumberToObject(root, "prior", r3(d.prior));
	cJSON_AddNumberToObject(root, "institution_items", d.institution_items);
	keys = cJSON_AddArrayToObject(root, "shared_keys");
	for (uint32_t k = 0; k < p->n_shared; k++)
	{
		const KeyInfo *ki = &VEC_AT(&ds->key_info, KeyInfo, shared[k]);
		const NameInfo *ni = &VEC_AT(&ds->name_info, NameInfo, ki->name);
		cJSON	   *o = cJSON_CreateObject();
		double		u;
		double		w = match_key_weight(ds, &m->stats, shared[k], d.institution_items, &u);

		cJSON_AddStringToObject(o, "name", ni->name);
		cJSON_AddStringToObject(o, "mask", ki->mask);
		cJSON_AddNumberToObject(o, "items_with_name", m->stats.name_items[ki->name]);
		cJSON_AddNumberToObject(o, "items_with_key", m->stats.key_items[shared[k]]);
		cJSON_AddNumberToObject(o, "u", u);
		cJSON_AddNumberToObject(o, "weight", r3(w));
		cJSON_AddItemToArray(keys, o);
	}
	cJSON_AddNumberToObject(root, "shared_persistent_ids", p->n_shared_p);
	cJSON_AddNumberToObject(root, "persistent_weight", r3(d.persistent));
	cJSON_AddStringToObject(root, "owner", owner_names[d.owner_relation + 1]);
	cJSON_AddNumberToObject(root, "owner_weight", r3(d.owner));
	cJSON_AddNumberToObject(root, "unmatched_a", d.unmatched_a);
	cJSON_AddNumberToObject(root, "unmatched_b", d.unmatched_b);
	cJSON_AddNumberToObject(root, "unmatched_penalty", r3(d.unmatched));
	cJSON_AddBoolToObject(root, "identical_accounts", d.identical);
	cJSON_AddNumberToObject(root, "identical_bonus", r3(d.identical_bonus));
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL)
		text = xstrdup("{}");
	return text;
}
