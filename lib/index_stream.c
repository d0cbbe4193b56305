/* index_stream.c: a rebuild that reads the people shard by shard, never all of them at once. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design (issue 19). A rebuild of 100,000 movies and 500,000 people kept
 * every person in memory: nodes, their 3.7 million links (32 bytes each),
 * the movies' lists of people, a table of every outside id. Measured with
 * massif and /usr/bin/time: 704 MB at its peak, while a shard needs only
 * its 1,024 ids. Here the scan reads the movies alone and keeps each
 * credit in 12 bytes (struct credit), filed by the shard of its person.
 * The write then reads the people in id order, one shard's people in
 * memory at a time: when the next id is past the shard, the shard's
 * credits are merged into its people's own links and the shard is
 * written and freed. What outlives a shard is each person's outside ids
 * (struct holder), which the byExternal of later shards and the claims
 * need. Sorting credits in memory was chosen over spilling them to a
 * temporary file: at 12 bytes, 100,000 movies' credits are about 50 MB,
 * less than the people they replace, and no file needs cleaning after a
 * crash. The files are the same bytes as a rebuild in memory writes.
 */

/* A movie's credit, filed by its person's shard (which says the rest of
 * the person's number): the movie's number below CREDIT_MOVIES, the
 * detail without a NUL inside (its length is strlen). Packed: 12 bytes,
 * not 16, is 15 MB less at 100,000 movies, at the rebuild's peak. */
struct credit {
	const char *detail;    /* in ix->pool, or NULL */
	uint32_t pm;           /* person % SHARD_IDS, movie << 10, cast bit 31 */
} __attribute__((packed));

#define CREDIT_CAST 0x80000000u
#define CREDIT_SHIFT 10        /* SHARD_IDS is 1 << 10 */
#define CREDIT_MOVIES (1u << 21)
_Static_assert(SHARD_IDS == 1 << CREDIT_SHIFT, "a credit keeps a person's number in its shard");

/* The credits of one shard, in the order the movies gave them: an array
 * mapped on its own, grown by mremap, unmapped when the shard is
 * written. Blocks from malloc (16 KB each) left the heap full of holes
 * as the shards freed them, resident: 60 MB at 100,000 movies that the
 * people then grew the heap beside. A mapping goes back whole. */
struct bucket {
	struct credit *c;
	size_t n, cap;
	size_t len;            /* of the mapping, in bytes */
};

/* A link as a merge sees it: the credits of the odd list are kept so. */
struct clink {
	long long pnum;
	size_t seq;            /* ties of equal links: the first given wins */
	struct link l;
};

/* One outside id of a present person, in id order; holders of the same
 * key are chained from the first, the one the set knows. */
struct holder {
	struct holder *next;
	long long num;
	unsigned char claimed; /* index/ext/p names it for num */
	char key[];
};

/* The first holder of each key: open addressing, at most half full, of
 * bare pointers. An mv_table slot is 24 bytes and, at 500,000 people,
 * was a 25 MB array (36 MB while it grew) beside 14 MB of holders.
 * Beside each pointer, its holder's hash (never 0: 0 is an empty
 * slot): a probe passes other keys without reading their holders, a
 * cache miss each, 2.6% of a rebuild (perf). idx_stream_people sizes
 * it before the first holder comes. */
struct hset {
	struct holder **slot;
	uint32_t *hash;
	size_t cap, n;
};

#define HCHUNK 65536

struct stream {
	struct bucket *bk;     /* by shard number */
	size_t nbk;
	struct clink *odd;     /* credits a struct credit cannot hold */
	size_t nodd, capodd, seq;
	struct node **x;       /* the present people of shard cur, by id */
	size_t nx, capx;
	long long cur;
	int r;                 /* a shard write failed: the rest not written */
	long skipped;
	struct hset first;     /* key -> its first struct holder */
	char **hchunk;         /* the holders, chunks in order */
	size_t *hused, nh, caph, hleft;
	pthread_t lister;      /* listing People/ during the movies' scan */
	int listing;
	struct fileid *pv;     /* what it found, pn of them */
	size_t pn;
};

void
mv_index_stream(struct mv_index *ix)
{
	if (!ix->stream)
		ix->stream = mv_xcalloc(1, sizeof *ix->stream);
}

/* Listing People/ is 500,000 names read and sorted: 0.45 s that a
 * rebuild spent alone between the movies and the people. It needs
 * nothing of the movies, so it is done while they are read. */
static void *
list_people(void *arg)
{
	struct stream *st = arg;

	st->pv = idx_list_ids("People", 'p', &st->pn);
	return NULL;
}

void
idx_stream_list_start(struct mv_index *ix)
{
	struct stream *st = ix->stream;

	if (!st->listing && pthread_create(&st->lister, NULL, list_people, st) == 0)
		st->listing = 1;
}

/* The sorted ids of People/, *n of them; the caller frees them. */
static struct fileid *
list_take(struct stream *st, size_t *n)
{
	struct fileid *v;

	if (st->listing) {
		pthread_join(st->lister, NULL);
		st->listing = 0;
	} else
		st->pv = idx_list_ids("People", 'p', &st->pn);
	v = st->pv;
	*n = st->pn;
	st->pv = NULL;
	st->pn = 0;
	return v;
}

long
mv_index_stream_skipped(const struct mv_index *ix)
{
	return ix->stream ? ix->stream->skipped : 0;
}

/* ---- credits ------------------------------------------------------------ */

static void
odd_add(struct stream *st, long long pnum, struct node *m, char role, const char *detail,
    size_t dlen)
{
	if (st->nodd == st->capodd) {
		st->capodd = st->capodd ? st->capodd * 2 : 64;
		st->odd = mv_xrealloc(st->odd, st->capodd * sizeof *st->odd);
	}
	st->odd[st->nodd++] = (struct clink){pnum, st->seq++,
	    {m->num, m, detail, (unsigned)dlen, role, SRC_MOVIE}};
}

/* Room for twice the credits of bk (a page at first). */
static void
bucket_grow(struct bucket *bk)
{
	size_t old = bk->len, len = old ? old * 2 : 4096;
	void *p = old ? mremap(bk->c, old, len, MREMAP_MAYMOVE) :
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	bk->c = p;
	bk->len = len;
	bk->cap = len / sizeof *bk->c;
}

void
idx_stream_credits(struct mv_index *ix, struct node *m, struct prof *p)
{
	struct stream *st = ix->stream;

	for (size_t i = 0; i < p->npend; i++) {
		const struct pend *e = &p->pend[i];
		long long pnum = idx_id_num(e->who);
		const char *d = idx_intern(ix, e->detail, e->dlen);
		size_t s = (size_t)pnum / SHARD_IDS;
		struct bucket *bk;

		if (pnum >= DIRECT_MAX || m->num >= CREDIT_MOVIES || (d && strlen(d) != e->dlen)) {
			odd_add(st, pnum, m, e->role, d, e->dlen);
			continue;
		}
		if (s >= st->nbk) {
			size_t nn = s + 64;

			st->bk = mv_xrealloc(st->bk, nn * sizeof *st->bk);
			memset(st->bk + st->nbk, 0, (nn - st->nbk) * sizeof *st->bk);
			st->nbk = nn;
		}
		bk = &st->bk[s];
		if (bk->n == bk->cap)
			bucket_grow(bk);
		bk->c[bk->n++] = (struct credit){d, (uint32_t)(pnum % SHARD_IDS) |
		    (uint32_t)m->num << CREDIT_SHIFT | (e->role == 'c' ? CREDIT_CAST : 0)};
	}
}

static void
bucket_free(struct bucket *bk)
{
	if (bk->len)
		munmap(bk->c, bk->len);
	memset(bk, 0, sizeof *bk);
}

static int
clink_cmp(const void *a, const void *b)
{
	const struct clink *x = a, *y = b;
	int c;

	if (x->pnum != y->pnum)
		return x->pnum < y->pnum ? -1 : 1;
	if ((c = idx_link_key_cmp(&x->l, y->l.mnum, y->l.role, y->l.detail)) != 0)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * The credits of shard s, sorted by person then link; *n of them. A
 * qsort of them was a sixth of the apply thread's time at 500,000
 * people. The movies were scanned in id order, so a bucket holds each
 * person's credits in movie order already: a stable counting sort by
 * person, then an insertion sort of each person's (sorted but for the
 * order of two credits of one movie) gives the same order in one pass.
 * The odd ones, rare, go through qsort with the rest.
 */
static struct clink *
shard_credits(struct mv_index *ix, long long s, size_t *n)
{
	struct stream *st = ix->stream;
	struct bucket *bk = s >= 0 && (size_t)s < st->nbk ? &st->bk[s] : NULL;
	struct clink *v;
	size_t k = 0, cap = bk ? bk->n : 0, nodd = 0, i, at[SHARD_IDS + 1] = {0};

	for (i = 0; i < st->nodd; i++)
		nodd += st->odd[i].pnum / SHARD_IDS == s;
	cap += nodd;
	v = mv_xmalloc((cap + 1) * sizeof *v);
	/* Where each person's credits start (nodd: no use of them). */
	for (i = 0; !nodd && bk && i < bk->n; i++)
		at[(bk->c[i].pm & (SHARD_IDS - 1)) + 1]++;
	for (i = 1; i <= SHARD_IDS; i++)
		at[i] += at[i - 1];
	for (i = 0; bk && i < bk->n; i++) {
		const struct credit *e = &bk->c[i];
		const char *d = e->detail;
		uint32_t pm = e->pm;
		uint32_t mnum = (pm & ~CREDIT_CAST) >> CREDIT_SHIFT;
		size_t to = nodd ? k : at[pm & (SHARD_IDS - 1)]++;

		/* The movie's number from the credit, not its node: one
		 * cache miss less for each of millions of credits. */
		v[to] = (struct clink){s * SHARD_IDS + (pm & (SHARD_IDS - 1)), i,
		    {mnum, ix->movies.byn[mnum], d, d ? (unsigned)strlen(d) : 0,
		    pm & CREDIT_CAST ? 'c' : 'w', SRC_MOVIE}};
		k++;
	}
	/* The odd ones after: of a later sequence than the bucket's only
	 * in the order of equal links, which their NULs set apart anyway. */
	for (i = 0; nodd && i < st->nodd; i++)
		if (st->odd[i].pnum / SHARD_IDS == s) {
			v[k] = st->odd[i];
			v[k].seq += SIZE_MAX / 2;
			k++;
		}
	if (nodd)
		qsort(v, k, sizeof *v, clink_cmp);
	else
		for (i = 1; i < k; i++) {
			struct clink c = v[i];
			size_t j = i;

			for (; j > 0 && clink_cmp(&v[j - 1], &c) > 0; j--)
				v[j] = v[j - 1];
			v[j] = c;
		}
	if (bk)
		bucket_free(bk);
	*n = k;
	return v;
}

/* Person x's links: its credits c[0..nc) and its own (sorted, distinct)
 * in link order, each link once: a movie's credit before the person's
 * own word for it, as a rebuild in memory applies them. */
static void
links_merge(struct node *x, const struct clink *c, size_t nc)
{
	struct link *own = x->links, *out = mv_xmalloc((nc + x->nlinks + 1) * sizeof *out);
	size_t i = 0, j = 0, k = 0;

	while (i < nc || j < x->nlinks) {
		const struct link *l;

		if (i < nc && (j == x->nlinks || idx_link_key_cmp(&c[i].l, own[j].mnum,
		    own[j].role, own[j].detail) <= 0))
			l = &c[i++].l;
		else
			l = &own[j++];
		if (k && idx_link_key_cmp(&out[k - 1], l->mnum, l->role, l->detail) == 0)
			continue;
		out[k++] = *l;
	}
	free(own);
	x->links = out;
	x->nlinks = x->caplinks = k;
}

/* ---- the holders of outside ids ----------------------------------------- */

static uint32_t
hset_hash(const char *key)
{
	uint32_t h = (uint32_t)mv_hash(key);

	return h ? h : 1;
}

/* The slot of key (hash h, from hset_hash) in set t (not empty), or
 * the empty one where it would go. */
static size_t
hset_probe(const struct hset *t, const char *key, uint32_t h)
{
	size_t mask = t->cap - 1, i;

	for (i = h & mask; t->hash[i]; i = (i + 1) & mask)
		if (t->hash[i] == h && strcmp(t->slot[i]->key, key) == 0)
			break;
	return i;
}

static struct holder *
hset_get(const struct hset *t, const char *key)
{
	return t->cap ? t->slot[hset_probe(t, key, hset_hash(key))] : NULL;
}

/* Room for n keys without growing. */
static void
hset_reserve(struct hset *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 1024;
	struct hset g;

	while (n * 2 > cap)
		cap *= 2;
	if (cap == t->cap)
		return;
	g = (struct hset){mv_xcalloc(cap, sizeof *g.slot), mv_xcalloc(cap, sizeof *g.hash),
	    cap, t->n};
	for (size_t i = 0; i < t->cap; i++)
		if (t->hash[i]) {
			size_t j = hset_probe(&g, t->slot[i]->key, t->hash[i]);

			g.slot[j] = t->slot[i];
			g.hash[j] = t->hash[i];
		}
	free(t->slot);
	free(t->hash);
	*t = g;
}

/* Add h, of hash h, at slot i, where hset_probe found no holder of its
 * key. */
static void
hset_add(struct hset *t, size_t i, struct holder *x, uint32_t h)
{
	if ((t->n + 1) * 2 > t->cap) {
		hset_reserve(t, t->n + 1);
		i = hset_probe(t, x->key, h);
	}
	t->slot[i] = x;
	t->hash[i] = h;
	t->n++;
}

/* Note that person num holds key; 1 if no one before did. */
static int
holder_add(struct stream *st, const char *key, long long num)
{
	size_t len = strlen(key), sz = (offsetof(struct holder, key) + len + 1 + 7) & ~(size_t)7, i;
	uint32_t hash = hset_hash(key);
	struct holder *h, *f;

	if (sz > st->hleft) {
		if (st->nh == st->caph) {
			st->caph = st->caph ? st->caph * 2 : 64;
			st->hchunk = mv_xrealloc(st->hchunk, st->caph * sizeof *st->hchunk);
			st->hused = mv_xrealloc(st->hused, st->caph * sizeof *st->hused);
		}
		st->hleft = sz > HCHUNK ? sz : HCHUNK;
		st->hchunk[st->nh] = mv_xmalloc(st->hleft);
		st->hused[st->nh++] = 0;
	}
	h = (struct holder *)(void *)(st->hchunk[st->nh - 1] + st->hused[st->nh - 1]);
	st->hused[st->nh - 1] += sz;
	st->hleft -= sz;
	h->next = NULL;
	h->num = num;
	h->claimed = 0;
	memcpy(h->key, key, len + 1);
	i = hset_probe(&st->first, h->key, hash);
	if (!(f = st->first.slot[i])) {
		hset_add(&st->first, i, h, hash);
		return 1;
	}
	/* Two people with one outside id: rare, a short chain. */
	while (f->next)
		f = f->next;
	f->next = h;
	return 0;
}

/* The holder after h in id order (h NULL: the first), or NULL. */
static struct holder *
holder_next(const struct stream *st, struct holder *h, size_t *chunk)
{
	char *p;

	if (!h)
		*chunk = 0;
	else {
		size_t sz = (offsetof(struct holder, key) + strlen(h->key) + 1 + 7) & ~(size_t)7;

		p = (char *)h + sz;
		if (p < st->hchunk[*chunk] + st->hused[*chunk])
			return (struct holder *)(void *)p;
		++*chunk;
	}
	return *chunk < st->nh ? (struct holder *)(void *)st->hchunk[*chunk] : NULL;
}

/* ---- the people, shard by shard ----------------------------------------- */

static void
nodes_free(struct stream *st)
{
	for (size_t i = 0; i < st->nx; i++) {
		idx_node_clear(NULL, st->x[i]);
		free(st->x[i]->links);
		free(st->x[i]);
	}
	st->nx = 0;
}

/* byExternal of the shard's people: each key its first holder's in id
 * order over the whole index, as a rebuild in memory de-duplicates. */
static void
shard_external(struct stream *st, struct mv_buf *b)
{
	int first = 1;

	for (size_t i = 0; i < st->nx; i++) {
		struct node *x = st->x[i];
		char **all = x->ext;
		size_t n = x->next;

		for (size_t j = 0; j < n; j++) {
			if (!holder_add(st, all[j], x->num))
				continue;
			if (!first)
				mv_buf_add(b, ",", 1);
			first = 0;
			/* One member, written as the node's own would be. */
			x->ext = &all[j];
			x->next = 1;
			idx_node_ext_text(x, b);
			x->ext = all;
			x->next = n;
		}
	}
	mv_buf_adds(b, "}}\n");
}

/* Write shard cur from its people and credits, then free them. 0, or -1
 * with errno after a warning (the files written so far stay: the list,
 * written last, does not name a shard it does not know). */
static int
shard_flush(struct mv_index *ix, struct mv_buf *b)
{
	struct stream *st = ix->stream;
	size_t nc, i, k = 0;
	struct clink *c = shard_credits(ix, st->cur, &nc);
	int r;

	for (i = 0; i < st->nx; i++) {
		size_t from;

		while (k < nc && c[k].pnum < st->x[i]->num)
			k++;
		from = k;
		while (k < nc && c[k].pnum == st->x[i]->num)
			k++;
		links_merge(st->x[i], c + from, k - from);
	}
	free(c);
	b->len = 0;
	idx_doc_head(b, 2, st->nx);
	for (i = 0; i < st->nx; i++)
		idx_doc_item(ix, b, st->x[i]);
	mv_buf_adds(b, "\n],\"byExternal\":{");
	shard_external(st, b);
	/* A check compares the shard with its file instead (index_check.c). */
	if (ix->check) {
		idx_check_shard(ix, 'p', st->cur, b, st->nx);
		r = 0;
	} else if ((r = idx_shard_put(ix, 'p', st->cur, b, st->x, st->nx, 0)) == 0)
		idx_shard_add(&ix->doc[1], st->cur, st->nx);
	nodes_free(st);
	return r;
}

/* Person p (id) as a node of the shard, with its own links. */
static void
person_add(struct mv_index *ix, const char *id, struct prof *p)
{
	struct stream *st = ix->stream;
	struct node *x = mv_xcalloc(1, PERSON_SIZE);
	size_t j, k = 0;

	x->idlen = (unsigned char)strlen(id);
	memcpy(x->id, id, x->idlen + 1u);
	x->num = idx_id_num(id);
	x->present = 1;
	x->name = p->name;
	x->level = idx_intern(ix, p->level, p->level ? strlen(p->level) : 0);
	x->tmdb = p->has_tmdb ? (long long)p->tmdb : 0;
	x->ext = p->ext;
	x->next = p->next;
	p->name = NULL;
	p->ext = NULL;
	p->next = p->capext = 0;
	/* Its own links are sorted (pend_finish): each distinct one once. */
	x->links = mv_xmalloc((p->npend + 1) * sizeof *x->links);
	for (j = 0; j < p->npend; j++) {
		const struct pend *e = &p->pend[j];
		struct node *m;

		if (j && idx_pend_cmp(e - 1, e) == 0)
			continue;
		/* e->mnum is the number in e->who (pend_finish): the movie
		 * is found by it, its id not parsed again, and read without
		 * a cache miss on its node. */
		m = e->mnum >= 0 && (size_t)e->mnum < ix->movies.nbyn ?
		    ix->movies.byn[e->mnum] : NULL;
		if (!m)
			m = idx_node_get(ix, e->who);
		x->links[k++] = (struct link){e->mnum, m, idx_intern(ix, e->detail, e->dlen),
		    (unsigned)e->dlen, e->role, SRC_PERSON};
	}
	x->nlinks = x->caplinks = k;
	if (st->nx == st->capx) {
		st->capx = st->capx ? st->capx * 2 : SHARD_IDS;
		st->x = mv_xrealloc(st->x, st->capx * sizeof *st->x);
	}
	st->x[st->nx++] = x;
}

/* mv_profiles_read's take: a person in id order, the shard before it
 * written when it is the first of the next. */
static void
stream_take(void *ctx, size_t i, size_t slot)
{
	struct batch *bt = ctx;
	struct mv_index *ix = bt->ix;
	struct stream *st = ix->stream;
	struct prof *p = &bt->profs[slot];
	long long s = idx_id_num(bt->ids[i]) / SHARD_IDS;

	if (bt->res[slot] > 0) {
		if (st->nx && s != st->cur) {
			if (st->r == 0)
				st->r = shard_flush(ix, &ix->text);
			nodes_free(st);
		}
		st->cur = s;
		person_add(ix, bt->ids[i], p);
	} else if (bt->res[slot] < 0)
		idx_batch_skip(bt, i, slot);
	idx_prof_clear(p);
}

/* Free what of movie x only its entry of movies.json uses: as each
 * entry is written, rather than after, for the text (43 MB at 100,000
 * movies) not to grow on top of all of them (60 MB). */
void
idx_stream_thin(struct node *x)
{
	char **s[] = {&x->json, &x->extjson, &x->name, &x->imdb, &x->added, &x->video,
	    &x->last_read, &x->otitle, &x->olang, &x->tjson, &x->ajson, &x->keyrec};

	for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

int
idx_stream_people(struct mv_index *ix)
{
	struct stream *st = ix->stream;
	struct batch *bt = mv_xcalloc(1, sizeof *bt);
	size_t n;
	struct fileid *v;

	/* The movie shards are written: what of the movies only their
	 * entries used went with each (index_shard.c), and what byExternal
	 * cached goes now, to make room for the people. What is left of the
	 * movies: ids, collections, outside ids. */
	for (size_t i = 0; i < ix->nm; i++)
		idx_stream_thin(ix->msorted[i]);
	/* glibc keeps what is freed in the holes between the movies' nodes
	 * and the credits, resident: give their pages back (80 MB at
	 * 100,000 movies, measured with mallinfo2), or the people grow the
	 * heap on top of them. */
	malloc_trim(0);
	v = list_take(st, &n);
	/* Most people have an outside id: room for one each, not grown
	 * (and every key rehashed) twenty times. */
	hset_reserve(&st->first, n);
	bt->ix = ix;
	idx_batch_add(bt, v, n);
	ix->doc[1].nshards = 0;
	idx_batch_read(bt, stream_take);
	if (st->nx && st->r == 0)
		st->r = shard_flush(ix, &ix->text);
	nodes_free(st);
	st->skipped += bt->skipped;
	idx_batch_free(bt);
	/* The credits are spent: the claims that follow need the holders. */
	for (size_t i = 0; i < st->nbk; i++)
		bucket_free(&st->bk[i]);
	free(st->odd);
	st->odd = NULL;
	st->nodd = st->capodd = 0;
	free(v);
	/* The same for the credits and the shards', before the claims. */
	malloc_trim(0);
	return st->r;
}

/* ---- claims ------------------------------------------------------------- */

/* Claims [lo, hi) of l: mark the holder each names; stale[i] set for
 * a claim no present person holds. */
struct marks {
	struct stream *st;
	const struct claimlist *l;
	size_t lo, hi;
	unsigned char *stale;
};

static void *
mark_range(void *arg)
{
	const struct marks *m = arg;

	for (size_t i = m->lo; i < m->hi; i++) {
		const char *name = m->l->name[i], *target = m->l->target[i];
		struct holder *h = idx_id_ok(target, 'p') ? hset_get(&m->st->first, name) : NULL;
		long long num = h ? idx_id_num(target) : 0;

		while (h && h->num != num)
			h = h->next;
		/* Claim names are distinct, so no two threads mark one
		 * holder. */
		if (h)
			h->claimed = 1;
		else
			m->stale[i] = 1;
	}
	return NULL;
}

/* Mark the holder each claim of l names; drop (with report, say) the
 * claims no present person holds, as read_claims does. A mark stands for
 * the table of claims by name that read_claims builds (24 MB at 500,000
 * people). Returns the stale claims.
 *
 * The marks are two cache misses a claim (the set, the holder): the
 * last 0.2 s of a rebuild of 500,000 people, on one CPU. So they are
 * made on every CPU (at most 4), and what is stale is then dropped or
 * said in the claims' order, as before. */
static long
claims_mark(struct stream *st, struct claimlist *l, FILE *report)
{
	struct marks m[4];
	pthread_t th[4];
	long stale = 0, ncpu = l->n < 65536 ? 1 : sysconf(_SC_NPROCESSORS_ONLN);
	int nth = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (int)ncpu, started = 0;
	unsigned char *bad = mv_xcalloc(l->n + 1, 1);

	for (int k = 0; k < nth; k++)
		m[k] = (struct marks){st, l, l->n * (size_t)k / (size_t)nth,
		    l->n * (size_t)(k + 1) / (size_t)nth, bad};
	/* Threads for all but the first range, which this one marks; a
	 * range whose thread did not start is marked here too. */
	while (started + 1 < nth && pthread_create(&th[started], NULL, mark_range,
	    &m[started + 1]) == 0)
		started++;
	mark_range(&m[0]);
	for (int k = started + 1; k < nth; k++)
		mark_range(&m[k]);
	while (started > 0)
		pthread_join(th[--started], NULL);
	for (size_t i = 0; i < l->n; i++) {
		const char *name = l->name[i], *target = l->target[i];

		if (!bad[i])
			continue;
		if (report) {
			fprintf(report, "claims: p/%s: stale: %s has no %s\n", name, target, name);
			stale++;
		} else if (mv_claim_drop('p', name, target) < 0 && errno != EPERM)
			mv_warn("remove claim index/ext/p/%s", name);
	}
	free(bad);
	return stale;
}

long
idx_stream_claims(struct mv_index *ix, struct claimlist *l, FILE *report)
{
	struct stream *st = ix->stream;
	struct mv_table none = {0};
	struct holder *h = NULL, *o;
	size_t chunk = 0;
	long bad = claims_mark(st, l, report);

	idx_claimlist_release(l, &none);
	while ((h = holder_next(st, h, &chunk))) {
		char id[MV_IDBUF];

		if (h->claimed)
			continue;
		snprintf(id, sizeof id, "p%lld", h->num);
		if (report) {
			/* Another holder of the key may have the claim. */
			for (o = hset_get(&st->first, h->key); o && !o->claimed; o = o->next)
				;
			if (o)
				fprintf(report, "claims: p/%s: owned by p%lld, %s has it\n", h->key,
				    o->num, id);
			else
				fprintf(report, "claims: p/%s: missing, %s has it\n", h->key, id);
			bad++;
		} else if (idx_claim_one(h->key, id) < 0)
			bad++;
	}
	return bad;
}

void
idx_stream_free(struct stream *st)
{
	if (!st)
		return;
	if (st->listing)
		pthread_join(st->lister, NULL);
	free(st->pv);
	nodes_free(st);
	for (size_t i = 0; i < st->nbk; i++)
		bucket_free(&st->bk[i]);
	free(st->bk);
	free(st->odd);
	free(st->x);
	for (size_t i = 0; i < st->nh; i++)
		free(st->hchunk[i]);
	free(st->hchunk);
	free(st->hused);
	free(st->first.slot);
	free(st->first.hash);
	free(st);
}
