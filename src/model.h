/*
 * model.h — the published model's account index, built from a run's
 * Dataset, and the pair arithmetic explain and check do on it.
 *
 * Pure: no I/O, no libpq, no logging; nothing here fails (out of memory
 * aborts, arena.h).  A run numbers its keys (account keys 0..K-1,
 * persistent ids K..K+P-1: "key_no") and the live Items that carry a key
 * ("item_no"); publish_model.c stores them in itemdup.model_* (sql/006,
 * packed since sql/009: model_pack.h) and published.c reads them.  Keys
 * are found again by a stable hash of their text (model_hash_*), always
 * confirmed on the full text.
 */
#ifndef ITEMDUP_MODEL_H
#define ITEMDUP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "score.h"

#define MODEL_NONE INT64_C(-1)

/*
 * The index of one run: who carries which key.  Owned (model_index_free).
 * A "ref" is a key in the Dataset's terms: an account key id, or n_keys +
 * a persistent id.  Published numbers follow the stored indexes' order, so
 * that the COPY appends to each b-tree instead of inserting at random:
 * key_no in hash order, item_no in item_id order.  Only keys some
 * keyed live Item carries are numbered (key_no 0..n_numbered-1, no gaps):
 * the packed model (model_pack.h) finds a key_no by its place in a bucket.
 */
typedef struct ModelIndex
{
	uint32_t	n_keys;			/* account keys: refs 0..n_keys-1 */
	uint32_t	n_pkeys;		/* persistent ids: refs n_keys.. */
	uint32_t   *key_offsets;	/* per ref, into key_item_nos (n_keys + n_pkeys + 1) */
	uint32_t   *key_item_nos;	/* item_no carrying each key, ascending */
	unsigned	key_bits;		/* model_bucket_bits(n_numbered): the key buckets' bits */
	uint32_t   *key_bucket_start;	/* per key bucket b: its first key_no (2^key_bits + 1) */
	uint32_t   *key_no_of;		/* per ref: its published key_no (KEY_NONE: carried by
								 * no live Item); or NULL */
	uint32_t   *ref_of_no;		/* per key_no: its ref; or NULL (one of the two at a
								 * time: model_index_by_ref, model_index_by_key_no) */
	uint32_t	n_numbered;		/* keys with a key_no */
	uint32_t   *item_of_no;		/* per item_no: the Dataset index */
	uint32_t	n_items;
} ModelIndex;

/*
 * model_index_build — number the keyed live Items and the keys (each key's
 * count of Items in key_offsets; ref_of_no); model_index_fill_keys then
 * lists each key's Items (key_item_nos).  Apart so that the writer holds
 * the lists (4 bytes a key's Item, and 4 an Item while filling) only once
 * the run's matching has freed its index (publish_model_matched): it packs
 * the Items, which need the numbers alone, in between.
 */
void		model_index_build(const Dataset *ds, ModelIndex *ix);
void		model_index_fill_keys(const Dataset *ds, ModelIndex *ix);
void		model_index_free(ModelIndex *ix);

/*
 * The keys' two maps, one at a time (4 bytes a key less): model_index_by_ref
 * turns key_no → ref (ref_of_no: the keys' packing, in key_no order) into
 * ref → key_no (key_no_of: the Items' packing), model_index_by_key_no back.
 */
void		model_index_by_ref(ModelIndex *ix);
void		model_index_by_key_no(ModelIndex *ix);

/*
 * model_index_free_keys — once the keys are written: free what only the
 * keys' packing reads (each key's Items, the key buckets' ranges) and keep
 * ref → key_no (model_index_by_ref), which is all the Items' packing needs
 * besides item_of_no.
 */
void		model_index_free_keys(ModelIndex *ix);

/* Items carrying ref (account keys and persistent ids alike). */
static inline uint32_t
model_key_count(const ModelIndex *ix, uint32_t ref)
{
	return ix->key_offsets[ref + 1] - ix->key_offsets[ref];
}

/* The stable hashes of an account key and of a persistent id (signed for bigint). */
int64_t		model_hash_account(int env, const char *institution, const char *name,
							   const char *mask);
int64_t		model_hash_persistent(int env, const char *institution, const char *persistent_id);
int64_t		model_hash_name(int env, const char *institution, const char *name);

#ifdef ITEMDUP_TEST_HOOKS
/* Tests: every model hash the same number, so that lookups can only tell keys apart by their text. */
void		model_test_constant_hash(bool on);

/* Tests: every model hash with the same top 32 bits, the low 32 its own. */
void		model_test_constant_top(bool on);
#endif

/* The stable hash of a ref of ix (an account key, or n_keys + a persistent id). */
int64_t		model_ref_hash(const Dataset *ds, const ModelIndex *ix, uint32_t ref);

/* The environment, institution text and persistent id text (in buf, or the data set's) of a pkeys id. */
void		model_pkey_parts(const Dataset *ds, uint32_t pkey, int *env,
							 const char **institution, const char **persistent_id,
							 char buf[KEYS_PKEY_TEXT]);

/*
 * One side of a pair as explain and check see it: per account a key
 * reference and a persistent-id reference (MODEL_NONE: none).  References
 * are key_no of the published model, or any other numbers the caller gives
 * keys it found elsewhere, as long as both sides use the same ones.
 */
typedef struct ModelSide
{
	const char *item_id;
	const char *owner_id;		/* NULL: unknown */
	int64_t		created_at;
	uint32_t	keyable;
	uint32_t	n_acc;
	const int64_t *acc_key;
	const int64_t *acc_pkey;
} ModelSide;

/* Whether a reference may be shared (false for a hot key). */
typedef bool (*ModelUsableFn) (void *arg, int64_t ref, bool persistent);

/*
 * model_shared — the references both sides carry (account keys, or
 * persistent ids when persistent), usable ones only, ascending and
 * distinct, into out (room for a->n_acc).  Returns how many.
 */
uint32_t	model_shared(const ModelSide *a, const ModelSide *b, bool persistent,
						 ModelUsableFn usable, void *arg, int64_t *out);

/* Accounts of s carrying one of the shared references: the run's matched_accounts. */
uint32_t	model_matched(const ModelSide *s, const int64_t *shared, uint32_t n_shared,
						  const int64_t *shared_p, uint32_t n_shared_p);

/* The counts of an account-key reference and its normalised name (persistent: unused). */
typedef void (*ModelFreqFn) (void *arg, int64_t ref, ScoreKeyFreq *f, const char **name);

/* One pair scored on the model: what it shares and every term.  Owned (model_pair_free). */
typedef struct ModelPair
{
	int64_t    *shared;			/* account-key references, ascending */
	uint32_t	n_shared;
	int64_t    *shared_p;		/* persistent-id references */
	uint32_t	n_shared_p;
	ScoreKeyFreq *freqs;		/* per shared account key */
	const char **names;
	ScoreInput	in;
	ScoreDetail d;
} ModelPair;

/*
 * model_score_pair — the shared usable references of a and b, their counts
 * through freq, and score_pair on them at an institution of N Items: what
 * a run computes for the pair when the counts are the run's.
 */
void		model_score_pair(const ModelSide *a, const ModelSide *b, uint32_t institution_items,
							 ModelUsableFn usable, ModelFreqFn freq, void *arg, ModelPair *out);
void		model_pair_free(ModelPair *mp);

#endif
