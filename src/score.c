/*
 * score.c — the scoring model on plain counts: one implementation that
 * run, explain and check all call (docs/MATCHING.md).
 */
#include "score.h"

#include "arena.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MASK_EVIDENCE 5.0		/* other institutions' Items needed to judge a name's masks */
#define KEY_CLUSTER 4.0			/* Items one login plausibly made: not evidence of a common key */

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

/*
 * The weight of a shared key; u written to *u_out when not NULL.  Pure
 * arithmetic on f and N: the same counts always give the same double.
 */
double
score_key_weight(const ScoreKeyFreq *f, uint32_t institution_items, double *u_out)
{
	double		n = institution_items > 1 ? (double) institution_items : 2.0;
	double		name_freq = (double) f->name_items / n;
	double		uniform = 1.0 / mask_space(f->mask);

	/* Items with the name, and with the name and mask, at the environment's other institutions */
	double		other_name = (double) f->gname_items - f->name_items;
	double		other_key = (double) f->gkey_items - f->key_items;
	double		mask_given_name = uniform;
	double		u;
	double		seen = (f->key_items > KEY_CLUSTER ? f->key_items - KEY_CLUSTER : 0.0) / n;

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
score_persistent_weight(uint32_t institution_items)
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
score_same_owner_weight(uint32_t institution_items)
{
	const MatchModel *m = &match_default_model;
	double		n = institution_items > 2 ? institution_items - 1.0 : 1.0;

	return log2(m->m_same_owner * n / m->owner_rate);
}

/* The prior log2 odds of a pair at an institution of N Items. */
static double
score_prior(uint32_t institution_items)
{
	uint32_t	n = institution_items;

	return log2(match_default_model.dup_rate / (n > 2 ? n - 1.0 : 1.0));
}

double
score_bound_rest(uint32_t institution_items, bool same_owner_possible, uint32_t unmatched_min)
{
	const MatchModel *m = &match_default_model;
	double		owner = m->w_other_owner > 0.0 ? m->w_other_owner : 0.0;	/* or unknown: 0 */

	/*
	 * The penalty of u unmatched on one side and v on the other is
	 * min(u,v) w_both + |u - v| w_one: piecewise linear in v, so at most
	 * u max(w_one, w_both) (v = 0 or v = u) when both are <= 0.
	 */
	double		penalty = unmatched_min * fmax(m->w_unmatched_one, m->w_unmatched_both);

	if (m->w_unmatched_both > 0.0 || m->w_unmatched_one > 0.0)
		return INFINITY;
	if (same_owner_possible && score_same_owner_weight(institution_items) > owner)
		owner = score_same_owner_weight(institution_items);
	return score_prior(institution_items) + owner + penalty +
		(unmatched_min == 0 && m->w_identical > 0.0 ? m->w_identical : 0.0);
}

int
score_owner_relation(const char *owner_a, const char *owner_b)
{
	if (owner_a == NULL || owner_b == NULL)
		return 0;
	return strcmp(owner_a, owner_b) == 0 ? 1 : -1;
}

void
score_pair(const ScoreInput *in, ScoreDetail *d)
{
	const MatchModel *m = &match_default_model;
	uint32_t	n = in->institution_items;
	uint32_t	ka = in->keyable_a > in->matched_a ? in->keyable_a : in->matched_a;
	uint32_t	kb = in->keyable_b > in->matched_b ? in->keyable_b : in->matched_b;

	memset(d, 0, sizeof(*d));
	d->institution_items = n;
	d->prior = score_prior(n);
	for (uint32_t k = 0; k < in->n_keys; k++)
		d->accounts += score_key_weight(&in->keys[k], n, NULL);
	d->persistent = in->n_shared_p * score_persistent_weight(n);

	d->owner_relation = in->owner_relation;
	if (d->owner_relation != 0)
		d->owner = d->owner_relation > 0 ? score_same_owner_weight(n) : m->w_other_owner;

	d->unmatched_a = ka - in->matched_a;
	d->unmatched_b = kb - in->matched_b;
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

/* Round to 3 decimals for evidence: enough to read, stable to compare. */
static double
r3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

bool
score_r3_text(double v, char buf[SCORE_R3_TEXT])
{
	double		k = round(v * 1000.0);
	uint64_t	a,
				frac;
	int			n,
				digits = 3;

	if (!isfinite(k) || fabs(k) >= 1e15)
		return false;
	if (k == 0.0)
	{
		strcpy(buf, signbit(k) ? "-0" : "0");	/* "%1.15g" keeps the sign of zero */
		return true;
	}
	a = (uint64_t) fabs(k);
	frac = a % 1000;
	n = snprintf(buf, SCORE_R3_TEXT, "%s%" PRIu64, k < 0 ? "-" : "", a / 1000);
	if (frac == 0)
		return true;
	while (frac % 10 == 0)
		frac /= 10, digits--;
	snprintf(buf + n, (size_t) (SCORE_R3_TEXT - n), ".%0*" PRIu64, digits, frac);
	return true;
}

/*
 * v rounded by r3 into obj as name: as cJSON prints the number (the same
 * bytes, score_r3_text), without the printf and the sscanf it spends on
 * each (a run prints about ten a pair).
 */
static void
add_r3(cJSON *obj, const char *name, double v)
{
	char		buf[SCORE_R3_TEXT];

	if (score_r3_text(v, buf))
		cJSON_AddRawToObject(obj, name, buf);
	else
		cJSON_AddNumberToObject(obj, name, r3(v));
}

/*
 * Which shared account keys a pair's evidence lists: all of them when there
 * are at most SCORE_EVIDENCE_KEYS, else the heaviest (ties: the earlier),
 * so evidence stays a few KB however many accounts two Items share.
 * Indices into in->keys, ascending, into out; returns how many.
 */
static uint32_t
evidence_keys(const ScoreInput *in, uint32_t out[SCORE_EVIDENCE_KEYS])
{
	double		w[SCORE_EVIDENCE_KEYS];
	uint32_t	m = 0;
	uint32_t	n = in->n_keys;

	for (uint32_t k = 0; k < n; k++)
	{
		double		wk = n > SCORE_EVIDENCE_KEYS
			? score_key_weight(&in->keys[k], in->institution_items, NULL) : 0.0;
		uint32_t	lightest = 0;

		if (m < SCORE_EVIDENCE_KEYS)
		{
			out[m] = k;
			w[m++] = wk;
			continue;
		}
		for (uint32_t j = 1; j < m; j++)
			if (w[j] < w[lightest] || (w[j] == w[lightest] && out[j] > out[lightest]))
				lightest = j;
		if (wk > w[lightest])
		{
			out[lightest] = k;
			w[lightest] = wk;
		}
	}
	u32_sort_small(out, m);
	return m;
}

char *
score_evidence_json(const ScoreInput *in, const char *const *names, const ScoreDetail *d)
{
	cJSON	   *root = cJSON_CreateObject();
	cJSON	   *keys;
	char	   *text;
	static const char *const owner_names[] = {"different", "unknown", "same"};
	uint32_t	listed[SCORE_EVIDENCE_KEYS];
	uint32_t	n_listed = evidence_keys(in, listed);

	cJSON_AddStringToObject(root, "model", SCORE_MODEL_NAME);
	add_r3(root, "score", d->score);
	add_r3(root, "prior", d->prior);
	cJSON_AddNumberToObject(root, "institution_items", d->institution_items);
	keys = cJSON_AddArrayToObject(root, "shared_keys");
	for (uint32_t i = 0; i < n_listed; i++)
	{
		uint32_t	k = listed[i];
		const ScoreKeyFreq *f = &in->keys[k];
		cJSON	   *o = cJSON_CreateObject();
		double		u;
		double		w = score_key_weight(f, d->institution_items, &u);

		cJSON_AddStringToObject(o, "name", names[k]);
		cJSON_AddStringToObject(o, "mask", f->mask);
		cJSON_AddNumberToObject(o, "items_with_name", f->name_items);
		cJSON_AddNumberToObject(o, "items_with_key", f->key_items);
		cJSON_AddNumberToObject(o, "u", u);
		add_r3(o, "weight", w);
		cJSON_AddItemToArray(keys, o);
	}
	if (n_listed < in->n_keys)
		cJSON_AddNumberToObject(root, "shared_keys_omitted", in->n_keys - n_listed);
	cJSON_AddNumberToObject(root, "shared_persistent_ids", in->n_shared_p);
	add_r3(root, "persistent_weight", d->persistent);
	cJSON_AddStringToObject(root, "owner", owner_names[d->owner_relation + 1]);
	add_r3(root, "owner_weight", d->owner);
	cJSON_AddNumberToObject(root, "unmatched_a", d->unmatched_a);
	cJSON_AddNumberToObject(root, "unmatched_b", d->unmatched_b);
	add_r3(root, "unmatched_penalty", d->unmatched);
	cJSON_AddBoolToObject(root, "identical_accounts", d->identical);
	add_r3(root, "identical_bonus", d->identical_bonus);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (text == NULL)
		xoom(0);				/* never "{}": evidence must not silently vanish */
	return text;
}
