/*
 * score.c — the scoring model on plain counts: one implementation that
 * run, explain and check all call (docs/MATCHING.md).
 */
#include "score.h"

#include "arena.h"
#include "copyfmt.h"

#include <float.h>
#include <inttypes.h>
#include <limits.h>
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
 * The evidence's JSON text, written straight into a buffer, byte for byte
 * as cJSON_PrintUnformatted printed the object it used to build (no
 * spaces; members in the order written).  A run writes one a pair, so the
 * tree, its allocations and most of the printf are worth saving; the unit
 * test test_evidence_text compares the two on hostile text and edge
 * numbers.
 */
typedef struct JsonOut
{
	StrBuf		b;
	bool		first;			/* no member yet in the object being written */
} JsonOut;

/*
 * s as a JSON string, escaped as cJSON escapes: ", \ and the named controls,
 * other control characters as \u00xx, everything else as it is.  Not
 * textesc's TEXTESC_JSON_STRING, which is for what people read: this is a
 * value stored as jsonb, and must stay the value it was.
 */
static void
json_string(StrBuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	static const char named[32] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};
	const unsigned char *p = (const unsigned char *) (s ? s : "");

	sb_append(b, "\"", 1);
	for (;;)
	{
		const unsigned char *run = p;
		char		esc[6] = {'\\', 'u', '0', '0'};
		size_t		n = 2;

		while (*p >= 32 && *p != '"' && *p != '\\')
			p++;
		sb_append(b, (const char *) run, (size_t) (p - run));
		if (*p == '\0')
			break;
		/* here *p is ", \ or a control character */
		if (*p == '"' || *p == '\\')
			esc[1] = (char) *p;
		else if (named[*p])
			esc[1] = named[*p];
		else
		{
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			n = 6;
		}
		sb_append(b, esc, n);
		p++;
	}
	sb_append(b, "\"", 1);
}

/* The next member's name: a comma unless it is the object's first. */
static void
json_member(JsonOut *o, const char *name)
{
	if (!o->first)
		sb_append(&o->b, ",", 1);
	o->first = false;
	json_string(&o->b, name);
	sb_append(&o->b, ":", 1);
}

/* An unsigned count: its decimal digits (what cJSON prints for any uint32_t). */
static void
json_u32(JsonOut *o, const char *name, uint32_t v)
{
	char		d[10];
	int			n = 10;

	json_member(o, name);
	do
		d[--n] = (char) ('0' + v % 10);
	while ((v /= 10) != 0);
	sb_append(&o->b, d + n, (size_t) (10 - n));
}

/*
 * Any double as cJSON prints it: null when not finite; "%d" when it equals
 * its int (cJSON's valueint, saturated); else "%1.15g" when that reads back
 * within a relative DBL_EPSILON, "%1.17g" otherwise.
 */
static void
json_double(JsonOut *o, const char *name, double d)
{
	char		buf[32];
	int			as_int = d >= (double) INT_MAX ? INT_MAX : d <= (double) INT_MIN ? INT_MIN : (int) d;

	json_member(o, name);
	if (!isfinite(d))
		snprintf(buf, sizeof(buf), "null");
	else if (d == (double) as_int)
		snprintf(buf, sizeof(buf), "%d", as_int);
	else
	{
		double		back;

		snprintf(buf, sizeof(buf), "%1.15g", d);
		back = strtod(buf, NULL);
		if (!(fabs(back - d) <= fmax(fabs(back), fabs(d)) * DBL_EPSILON))
			snprintf(buf, sizeof(buf), "%1.17g", d);
	}
	sb_puts(&o->b, buf);
}

/* v rounded by r3: score_r3_text's bytes, which are cJSON's for r3(v), without its printf. */
static void
json_r3(JsonOut *o, const char *name, double v)
{
	char		buf[SCORE_R3_TEXT];

	if (score_r3_text(v, buf))
	{
		json_member(o, name);
		sb_puts(&o->b, buf);
	}
	else
		json_double(o, name, r3(v));
}

static void
json_str_member(JsonOut *o, const char *name, const char *v)
{
	json_member(o, name);
	json_string(&o->b, v);
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

/* One listed shared key of the evidence, an object in the shared_keys array. */
static void
evidence_key(JsonOut *o, const ScoreKeyFreq *f, const char *name, uint32_t institution_items)
{
	double		u;
	double		w = score_key_weight(f, institution_items, &u);

	sb_append(&o->b, "{", 1);
	o->first = true;
	json_str_member(o, "name", name);
	json_str_member(o, "mask", f->mask);
	json_u32(o, "items_with_name", f->name_items);
	json_u32(o, "items_with_key", f->key_items);
	json_double(o, "u", u);
	json_r3(o, "weight", w);
	sb_append(&o->b, "}", 1);
}

char *
score_evidence_json(const ScoreInput *in, const char *const *names, const ScoreDetail *d)
{
	static const char *const owner_names[] = {"different", "unknown", "same"};
	uint32_t	listed[SCORE_EVIDENCE_KEYS];
	uint32_t	n_listed = evidence_keys(in, listed);
	JsonOut		o = {.first = true};

	sb_init(&o.b);
	sb_append(&o.b, "{", 1);
	json_str_member(&o, "model", SCORE_MODEL_NAME);
	json_r3(&o, "score", d->score);
	json_r3(&o, "prior", d->prior);
	json_u32(&o, "institution_items", d->institution_items);
	json_member(&o, "shared_keys");
	sb_append(&o.b, "[", 1);
	for (uint32_t i = 0; i < n_listed; i++)
	{
		if (i > 0)
			sb_append(&o.b, ",", 1);
		evidence_key(&o, &in->keys[listed[i]], names[listed[i]], d->institution_items);
	}
	sb_append(&o.b, "]", 1);
	o.first = false;
	if (n_listed < in->n_keys)
		json_u32(&o, "shared_keys_omitted", in->n_keys - n_listed);
	json_u32(&o, "shared_persistent_ids", in->n_shared_p);
	json_r3(&o, "persistent_weight", d->persistent);
	json_str_member(&o, "owner", owner_names[d->owner_relation + 1]);
	json_r3(&o, "owner_weight", d->owner);
	json_u32(&o, "unmatched_a", d->unmatched_a);
	json_u32(&o, "unmatched_b", d->unmatched_b);
	json_r3(&o, "unmatched_penalty", d->unmatched);
	json_member(&o, "identical_accounts");
	sb_puts(&o.b, d->identical ? "true" : "false");
	json_r3(&o, "identical_bonus", d->identical_bonus);
	sb_append(&o.b, "}", 1);
	return o.b.data;
}
