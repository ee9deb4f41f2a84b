/*
 * model_spill.c — a partitioned run's model, spilled pass by pass and
 * merged into the model one pass writes (model_spill.h).
 *
 * Each kind has one file; a pass appends a segment of records to it, each
 * record its hash (8 bytes, host order: the file never leaves the
 * process), its length (4 bytes) and its packed entry.  A merge reads
 * every pass's segment through a cursor of its own (pread, a buffer each)
 * and takes the least head of a binary heap.
 */
#include "model_spill.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "model_pack.h"

#define SPILL_HEADER 12			/* hash, length */
#define CURSOR_BUFFER 65536		/* a merge's read buffer per pass */
#define SPILL_WRITE_BUFFER (1 << 20)	/* per file, while the passes write */

/* One pass's segment of one file. */
typedef struct Segment
{
	off_t		from;
	off_t		to;
	uint32_t	n;				/* entries */
	uint32_t	first;			/* the run's entries of the kind before the pass's */
} Segment;

struct ModelSpill
{
	int			fd[SPILL_KINDS];
	FILE	   *f[SPILL_KINDS];
	off_t		size[SPILL_KINDS];	/* bytes written so far */
	Vec			seg[SPILL_KINDS];	/* Segment per pass */
	uint64_t	count[SPILL_KINDS];
	uint32_t	pass_n[SPILL_KINDS];	/* the current pass's entries so far */
	/* per kind: the run's number of pass p's entry i at map[seg[p].first + i] */
	uint32_t   *map[SPILL_KINDS];
	uint64_t	live_items;
	uint64_t	persistent;		/* of the keys: persistent ids */
	int			write_errno;	/* the first failed write's, else 0 */
	StrBuf		institutions;	/* per institution: length (4), bytes, Items (4) */
	Vec			inst_at;		/* size_t offsets into institutions */
	char		err[256];
};

static bool
fail(ModelSpill *sp, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static bool
fail(ModelSpill *sp, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(sp->err, sizeof(sp->err), fmt, ap);
	va_end(ap);
	return false;
}

const char *
model_spill_error(const ModelSpill *sp)
{
	return sp->err;
}

/* An unlinked temporary file in $TMPDIR (else /tmp); -1 with errno. */
static int
temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	char		path[4096];
	int			fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	if ((size_t) snprintf(path, sizeof(path), "%s/itemdup-model-XXXXXX", dir) >= sizeof(path))
	{
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(path);
	if (fd >= 0)
		(void) unlink(path);
	return fd;
}

ModelSpill *
model_spill_new(char *err, size_t errlen)
{
	ModelSpill *sp = xcalloc(1, sizeof(ModelSpill));

	sb_init(&sp->institutions);
	vec_init(&sp->inst_at, sizeof(size_t));
	for (int k = 0; k < SPILL_KINDS; k++)
	{
		vec_init(&sp->seg[k], sizeof(Segment));
		sp->fd[k] = -1;
	}
	for (int k = 0; k < SPILL_KINDS; k++)
	{
		sp->fd[k] = temp_file();
		if (sp->fd[k] < 0 || (sp->f[k] = fdopen(sp->fd[k], "w")) == NULL)
		{
			snprintf(err, errlen, "could not make a temporary file for the published model "
					 "in %s: %s", getenv("TMPDIR") && *getenv("TMPDIR") ? "$TMPDIR" : "/tmp",
					 strerror(errno));
			model_spill_free(sp);
			return NULL;
		}
		(void) setvbuf(sp->f[k], NULL, _IOFBF, SPILL_WRITE_BUFFER);
	}
	return sp;
}

void
model_spill_free(ModelSpill *sp)
{
	if (sp == NULL)
		return;
	for (int k = 0; k < SPILL_KINDS; k++)
	{
		if (sp->f[k] != NULL)
			fclose(sp->f[k]);	/* closes fd too */
		else if (sp->fd[k] >= 0)
			close(sp->fd[k]);
		vec_free(&sp->seg[k]);
		free(sp->map[k]);
	}
	sb_free(&sp->institutions);
	vec_free(&sp->inst_at);
	free(sp);
}

void
model_spill_put(ModelSpill *sp, SpillKind kind, int64_t hash, const StrBuf *entry)
{
	uint32_t	len = (uint32_t) entry->len;

	/* the first write error is kept for the pass's end, which reports it */
	if ((fwrite(&hash, sizeof(hash), 1, sp->f[kind]) != 1 ||
		 fwrite(&len, sizeof(len), 1, sp->f[kind]) != 1 ||
		 fwrite(entry->data, 1, entry->len, sp->f[kind]) != entry->len) &&
		sp->write_errno == 0)
		sp->write_errno = errno ? errno : EIO;
	sp->size[kind] += SPILL_HEADER + (off_t) entry->len;
	sp->pass_n[kind]++;
}

void
model_spill_institution(ModelSpill *sp, const char *institution, size_t len, uint32_t items)
{
	uint32_t	l = (uint32_t) len;

	*(size_t *) vec_push(&sp->inst_at) = sp->institutions.len;
	sb_append(&sp->institutions, (const char *) &l, sizeof(l));
	sb_append(&sp->institutions, institution, len);
	sb_append(&sp->institutions, (const char *) &items, sizeof(items));
}

bool
model_spill_pass_end(ModelSpill *sp, uint64_t live_items, uint32_t persistent)
{
	for (int k = 0; k < SPILL_KINDS; k++)
	{
		if (fflush(sp->f[k]) != 0 && sp->write_errno == 0)
			sp->write_errno = errno ? errno : EIO;
		if (sp->write_errno != 0 || ferror(sp->f[k]))
			return fail(sp, "could not write the published model's temporary file: %s",
						strerror(sp->write_errno ? sp->write_errno : EIO));
		if (sp->count[k] + sp->pass_n[k] > UINT32_MAX - 1)
			return fail(sp, "the published model would number more than 2^32 - 2 entries");
	}
	for (int k = 0; k < SPILL_KINDS; k++)
	{
		/* read before the push, which may move the segments */
		off_t		from = sp->seg[k].len ? VEC_AT(&sp->seg[k], Segment, sp->seg[k].len - 1).to : 0;
		Segment    *s = vec_push(&sp->seg[k]);

		s->from = from;
		s->to = sp->size[k];
		s->n = sp->pass_n[k];
		s->first = (uint32_t) sp->count[k];
		sp->count[k] += sp->pass_n[k];
		sp->pass_n[k] = 0;
	}
	sp->live_items += live_items;
	sp->persistent += persistent;
	return true;
}

uint64_t
model_spill_count(const ModelSpill *sp, SpillKind kind)
{
	return sp->count[kind];
}

uint64_t
model_spill_live_items(const ModelSpill *sp)
{
	return sp->live_items;
}

uint64_t
model_spill_persistent(const ModelSpill *sp)
{
	return sp->persistent;
}

uint64_t
model_spill_bytes(const ModelSpill *sp)
{
	return (uint64_t) (sp->size[SPILL_NAMES] + sp->size[SPILL_KEYS] + sp->size[SPILL_ITEMS]);
}

uint32_t
model_spill_passes(const ModelSpill *sp)
{
	return (uint32_t) sp->seg[SPILL_NAMES].len;
}

uint32_t
model_spill_institutions(const ModelSpill *sp)
{
	return (uint32_t) sp->inst_at.len;
}

const char *
model_spill_institution_at(const ModelSpill *sp, uint32_t i, size_t *len, uint32_t *items)
{
	const char *p = sp->institutions.data + VEC_AT(&sp->inst_at, size_t, i);
	uint32_t	l;

	memcpy(&l, p, sizeof(l));
	memcpy(items, p + sizeof(l) + l, sizeof(*items));
	*len = l;
	return p + sizeof(l);
}

/* ---- merging ---- */

/* One pass's segment being read. */
typedef struct Cursor
{
	int			fd;
	off_t		pos;			/* next byte of the file to read */
	off_t		to;
	uint8_t    *buf;
	size_t		cap,
				at,				/* the current record's start in buf */
				len;			/* bytes in buf */
	uint32_t	pass;
	uint32_t	no;				/* the current record's number in the pass */
	uint32_t	n;				/* records in the segment */
	int64_t		hash;
	const uint8_t *entry;
	uint32_t	entry_len;
	PackedItem	item;			/* Items: the current entry, decoded */
} Cursor;

struct SpillMerge
{
	ModelSpill *sp;
	SpillKind	kind;
	Cursor	   *cur;			/* one per pass */
	uint32_t   *heap;			/* passes with a record, least first */
	uint32_t	n_heap;
	uint32_t	next_no;		/* the run's number of the next entry */
	StrBuf		s[3];			/* NUL-terminated copies of an entry's strings */
	uint32_t   *nums;			/* scratch: a key's item_nos */
	int64_t    *acc;			/* scratch: an Item's key_nos, then its persistent ones */
	uint32_t	room;			/* of nums and acc (acc: twice) */
};

/* At least need bytes of c's segment from c->at in the buffer; false at a short read. */
static bool
cursor_fill(ModelSpill *sp, Cursor *c, size_t need)
{
	if (c->at > 0)
	{
		memmove(c->buf, c->buf + c->at, c->len - c->at);
		c->len -= c->at;
		c->at = 0;
	}
	if (need > c->cap)
	{
		c->cap = need > 2 * c->cap ? need : 2 * c->cap;
		c->buf = xrealloc(c->buf, c->cap);
	}
	while (c->len < need)
	{
		size_t		want = c->cap - c->len;
		ssize_t		got;

		if ((off_t) want > c->to - c->pos)
			want = (size_t) (c->to - c->pos);
		if (want == 0)
			return fail(sp, "the published model's temporary file ends early");
		got = pread(c->fd, c->buf + c->len, want, c->pos);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return fail(sp, "could not read the published model's temporary file: %s",
						got < 0 ? strerror(errno) : "it ends early");
		c->len += (size_t) got;
		c->pos += got;
	}
	return true;
}

static bool
corrupt(SpillMerge *m)
{
	return fail(m->sp, "the published model's temporary file is corrupt");
}

/* c's next record made current (c->no counts it); false at an error. */
static bool
cursor_next(SpillMerge *m, Cursor *c)
{
	uint32_t	len;

	if (c->entry != NULL)
	{
		c->at += SPILL_HEADER + c->entry_len;
		c->no++;
	}
	if (c->len - c->at < SPILL_HEADER && !cursor_fill(m->sp, c, SPILL_HEADER))
		return false;
	memcpy(&c->hash, c->buf + c->at, sizeof(c->hash));
	memcpy(&len, c->buf + c->at + sizeof(c->hash), sizeof(len));
	/* a length past the segment's end is corrupt: never an allocation of it */
	if ((off_t) len > (off_t) (c->len - c->at - SPILL_HEADER) + (c->to - c->pos))
		return corrupt(m);
	if (c->len - c->at < SPILL_HEADER + (size_t) len &&
		!cursor_fill(m->sp, c, SPILL_HEADER + (size_t) len))
		return false;
	c->entry = c->buf + c->at + SPILL_HEADER;
	c->entry_len = len;
	if (m->kind == SPILL_ITEMS)
	{
		ModelPackReader r = {c->entry, c->entry + len};

		if (model_unpack_item(&r, &c->item) != 1)
			return corrupt(m);
	}
	return true;
}

/* Whether pass a's current entry comes before pass b's in the run's order. */
static bool
before(const SpillMerge *m, uint32_t a, uint32_t b)
{
	const Cursor *x = &m->cur[a],
			   *y = &m->cur[b];

	if (m->kind == SPILL_ITEMS)
	{
		/* item_id in "C" order (strcmp's, item_ids hold no NUL); never equal across passes */
		size_t		n = x->item.item_id.len < y->item.item_id.len ? x->item.item_id.len
			: y->item.item_id.len;
		int			c = memcmp(x->item.item_id.s, y->item.item_id.s, n);

		if (c != 0)
			return c < 0;
		if (x->item.item_id.len != y->item.item_id.len)
			return x->item.item_id.len < y->item.item_id.len;
	}
	else if (x->hash != y->hash)
		return x->hash < y->hash;
	return a < b;
}

static void
sift_down(SpillMerge *m, uint32_t i)
{
	for (;;)
	{
		uint32_t	l = 2 * i + 1,
					least = i,
					t;

		if (l < m->n_heap && before(m, m->heap[l], m->heap[least]))
			least = l;
		if (l + 1 < m->n_heap && before(m, m->heap[l + 1], m->heap[least]))
			least = l + 1;
		if (least == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[least];
		m->heap[least] = t;
		i = least;
	}
}

SpillMerge *
model_spill_merge(ModelSpill *sp, SpillKind kind)
{
	SpillMerge *m = xcalloc(1, sizeof(SpillMerge));
	uint32_t	passes = (uint32_t) sp->seg[kind].len;

	m->sp = sp;
	m->kind = kind;
	m->cur = xcalloc(passes + 1, sizeof(Cursor));
	m->heap = xmalloc((passes + 1) * sizeof(uint32_t));
	for (int i = 0; i < 3; i++)
		sb_init(&m->s[i]);
	if (sp->map[kind] == NULL)
		sp->map[kind] = xmalloc((sp->count[kind] + 1) * sizeof(uint32_t));
	for (uint32_t p = 0; p < passes; p++)
	{
		const Segment *s = &VEC_AT(&sp->seg[kind], Segment, p);
		Cursor	   *c = &m->cur[p];

		c->fd = sp->fd[kind];
		c->pos = s->from;
		c->to = s->to;
		c->pass = p;
		c->n = s->n;
		if (s->n == 0)
			continue;
		c->cap = CURSOR_BUFFER;
		c->buf = xmalloc(c->cap);
		if (!cursor_next(m, c))
		{
			spill_merge_end(m);
			return NULL;
		}
		m->heap[m->n_heap++] = p;
	}
	for (uint32_t i = m->n_heap / 2; i-- > 0;)
		sift_down(m, i);
	return m;
}

void
spill_merge_end(SpillMerge *m)
{
	if (m == NULL)
		return;
	for (uint32_t p = 0; p < m->sp->seg[m->kind].len; p++)
		free(m->cur[p].buf);
	for (int i = 0; i < 3; i++)
		sb_free(&m->s[i]);
	free(m->nums);
	free(m->acc);
	free(m->cur);
	free(m->heap);
	free(m);
}

/* The head's cursor, or NULL (error set) when every pass is done. */
static Cursor *
head(SpillMerge *m)
{
	if (m->n_heap == 0)
	{
		fail(m->sp, "the published model's temporary file has fewer entries than counted");
		return NULL;
	}
	return &m->cur[m->heap[0]];
}

/* Where pass p's entries of kind start in the kind's map. */
static inline uint32_t
seg_first(const ModelSpill *sp, SpillKind kind, uint32_t p)
{
	return VEC_AT(&sp->seg[kind], Segment, p).first;
}

/* The head's entry numbered in the run's order, the head moved past it; false at an error. */
static bool
advance(SpillMerge *m)
{
	Cursor	   *c = &m->cur[m->heap[0]];

	m->sp->map[m->kind][seg_first(m->sp, m->kind, c->pass) + c->no] = m->next_no++;
	if (c->no + 1 == c->n)
		m->heap[0] = m->heap[--m->n_heap];
	else if (!cursor_next(m, c))
		return false;
	if (m->n_heap > 0)
		sift_down(m, 0);
	return true;
}

bool
spill_merge_hash(SpillMerge *m, int64_t *hash)
{
	Cursor	   *c = head(m);

	if (c == NULL)
		return false;
	*hash = c->hash;
	return true;
}

/* A blob string as a C string, in scratch buffer i. */
static const char *
cstr(SpillMerge *m, int i, PackStr s)
{
	sb_reset(&m->s[i]);
	sb_append(&m->s[i], s.s, s.len);
	sb_append(&m->s[i], "", 1);
	return m->s[i].data;
}

const char *
spill_merge_item_id(SpillMerge *m)
{
	Cursor	   *c = head(m);

	return c == NULL ? NULL : cstr(m, 0, c->item.item_id);
}

/* The run's number of pass p's entry no of kind (numbered by an earlier merge). */
static inline uint32_t
run_no(const ModelSpill *sp, SpillKind kind, uint32_t p, uint64_t no)
{
	return sp->map[kind][seg_first(sp, kind, p) + no];
}

/* Scratch room for n numbers (acc: 2n); never NULL after it. */
static void
room_for(SpillMerge *m, uint32_t n)
{
	if (n <= m->room && m->nums != NULL)
		return;
	m->room = n;
	m->nums = xrealloc(m->nums, ((size_t) n + 1) * sizeof(uint32_t));
	m->acc = xrealloc(m->acc, ((size_t) n + 1) * 2 * sizeof(int64_t));
}

/* A key entry with its name_no and item_nos in the run's numbers. */
static bool
repack_key(SpillMerge *m, const Cursor *c, StrBuf *blob)
{
	ModelPackReader r = {c->entry, c->entry + c->entry_len};
	PackedKey	k;

	if (model_unpack_key(&r, &k) != 1)
		return corrupt(m);
	room_for(m, k.n_items);
	model_unpack_key_items(&k, m->nums);
	for (uint32_t i = 0; i < k.n_items; i++)
	{
		if (m->nums[i] >= VEC_AT(&m->sp->seg[SPILL_ITEMS], Segment, c->pass).n)
			return corrupt(m);
		m->nums[i] = run_no(m->sp, SPILL_ITEMS, c->pass, m->nums[i]);
	}
	if (k.persistent)
		model_pack_persistent_key(blob, k.env, cstr(m, 0, k.institution),
								  cstr(m, 1, k.persistent_id), k.key_items, k.hot, m->nums,
								  k.n_items);
	else
	{
		if (k.name_no >= VEC_AT(&m->sp->seg[SPILL_NAMES], Segment, c->pass).n)
			return corrupt(m);
		model_pack_account_key(blob, run_no(m->sp, SPILL_NAMES, c->pass, k.name_no),
							   cstr(m, 0, k.mask), k.key_items, k.gkey_items, k.hot, m->nums,
							   k.n_items);
	}
	return true;
}

/* An Item entry with its accounts' key_nos in the run's numbers. */
static bool
repack_item(SpillMerge *m, const Cursor *c, StrBuf *blob)
{
	const PackedItem *it = &c->item;
	uint32_t	n_keys = VEC_AT(&m->sp->seg[SPILL_KEYS], Segment, c->pass).n;
	int64_t    *key,
			   *pkey;

	room_for(m, it->n_acc);
	key = m->acc;
	pkey = m->acc + it->n_acc;
	model_unpack_item_accounts(it, key, pkey);
	for (uint32_t i = 0; i < 2 * it->n_acc; i++)
	{
		if (m->acc[i] == MODEL_NONE)
			continue;
		if (m->acc[i] < 0 || m->acc[i] >= n_keys)
			return corrupt(m);
		m->acc[i] = run_no(m->sp, SPILL_KEYS, c->pass, (uint64_t) m->acc[i]);
	}
	model_pack_item(blob, cstr(m, 0, it->item_id),
					it->has_owner ? cstr(m, 1, it->owner_id) : NULL, it->env,
					cstr(m, 2, it->institution), it->created_at, it->keyable, it->n_acc, key,
					pkey);
	return true;
}

/* A name entry as it is (it holds no numbers), once it parses. */
static bool
copy_name(SpillMerge *m, const Cursor *c, StrBuf *blob)
{
	ModelPackReader r = {c->entry, c->entry + c->entry_len};
	PackedName	n;

	if (model_unpack_name(&r, &n) != 1 || r.p != r.end)
		return corrupt(m);
	sb_append(blob, (const char *) c->entry, c->entry_len);
	return true;
}

bool
spill_merge_pack(SpillMerge *m, StrBuf *blob)
{
	Cursor	   *c = head(m);
	bool		ok;

	if (c == NULL)
		return false;
	switch (m->kind)
	{
		case SPILL_KEYS:
			ok = repack_key(m, c, blob);
			break;
		case SPILL_ITEMS:
			ok = repack_item(m, c, blob);
			break;
		default:
			ok = copy_name(m, c, blob);
			break;
	}
	return ok && advance(m);
}

bool
model_spill_number_items(ModelSpill *sp, atomic_bool *stop)
{
	SpillMerge *m = model_spill_merge(sp, SPILL_ITEMS);
	bool		ok = m != NULL;

	for (uint64_t i = 0; ok && i < sp->count[SPILL_ITEMS]; i++)
	{
		/* a GB at 10 M Items: a run that stops is not kept waiting for it */
		if ((i & 4095) == 0 && atomic_load(stop))
			ok = fail(sp, "stopped");
		else
			ok = head(m) != NULL && advance(m);
	}
	spill_merge_end(m);
	return ok;
}
