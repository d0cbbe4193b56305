/* index_stream.c: a rebuild that reads the people shard by shard, never all of them at once. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design (issue 19). A rebuild of 100,000 movies and 500,000 people kept
 * every person in memory: nodes, their 3.7 million links (32 bytes each),
 * the movies' lists of people, a table of every outside id. Measured with
 * massif and /usr/bin/time: 704 MB at its peak, while a shard needs only
 * its 1,024 ids. Here the scan reads the movies alone and keeps each
 * credit in 16 bytes (struct credit), filed by the shard of its person.
 * The write then reads the people in id order, one shard's people in
 * memory at a time: when the next id is past the shard, the shard's
 * credits are merged into its people's own links and the shard is
 * written and freed. What outlives a shard is each person's outside ids
 * (struct holder), which the byExternal of later shards and the claims
 * need. Sorting credits in memory was chosen over spilling them to a
 * temporary file: at 16 bytes, 100,000 movies' credits are about 60 MB,
 * less than the people they replace, and no file needs cleaning after a
 * crash. The files are the same bytes as a rebuild in memory writes.
 */

/* A movie's credit, filed by its person's shard: both numbers below
 * DIRECT_MAX, the detail without a NUL inside (its length is strlen). */
struct credit {
	const char *detail;    /* in ix->pool, or NULL */
	uint32_t pnum;
	uint32_t mr;           /* movie number, cast if bit 31 set */
};

#define CREDIT_CAST 0x80000000u
#define CBLOCK 1023

struct cblock {
	struct cblock *next;
	size_t n;
	struct credit c[CBLOCK];
};

/* The credits of one shard, in the order the movies gave them. */
struct bucket {
	struct cblock *head, *tail;
};

/* A link as a merge sees it: the credits of the odd list are kept so. */
struct clink {
	long long pnum;
	size_t seq;            /* ties of equal links: the first given wins */
	struct link l;
};

/* One outside id of a present person, in id order; holders of the same
 * key are chained from the first, the one the table knows. */
struct holder {
	struct holder *next;
	long long num;
	char key[];
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
	struct mv_table first; /* key -> its first struct holder */
	char **hchunk;         /* the holders, chunks in order */
	size_t *hused, nh, caph, hleft;
};

void
mv_index_stream(struct mv_index *ix)
{
	if (!ix->stream)
		ix->stream = mv_xcalloc(1, sizeof *ix->stream);
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

void
idx_stream_credits(struct mv_index *ix, struct node *m, struct prof *p)
{
	struct stream *st = ix->stream;

	for (size_t i = 0; i < p->npend; i++) {
		const struct pend *e = &p->pend[i];
		long long pnum = atoll(e->who + 1);
		const char *d = idx_intern(ix, e->detail, e->dlen);
		size_t s = (size_t)pnum / SHARD_IDS;
		struct bucket *bk;

		if (pnum >= DIRECT_MAX || m->num >= DIRECT_MAX || (d && strlen(d) != e->dlen)) {
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
		if (!bk->tail || bk->tail->n == CBLOCK) {
			struct cblock *c = mv_xmalloc(sizeof *c);

			c->next = NULL;
			c->n = 0;
			if (bk->tail)
				bk->tail->next = c;
			else
				bk->head = c;
			bk->tail = c;
		}
		bk->tail->c[bk->tail->n++] = (struct credit){d, (uint32_t)pnum,
		    (uint32_t)m->num | (e->role == 'c' ? CREDIT_CAST : 0)};
	}
}

static void
bucket_free(struct bucket *bk)
{
	struct cblock *c, *next;

	for (c = bk->head; c; c = next) {
		next = c->next;
		free(c);
	}
	bk->head = bk->tail = NULL;
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

/* The credits of shard s, sorted by person then link; *n of them. */
static struct clink *
shard_credits(struct mv_index *ix, long long s, size_t *n)
{
	struct stream *st = ix->stream;
	struct bucket *bk = s >= 0 && (size_t)s < st->nbk ? &st->bk[s] : NULL;
	struct clink *v;
	struct cblock *c;
	size_t k = 0, cap = 0, i;

	for (c = bk ? bk->head : NULL; c; c = c->next)
		cap += c->n;
	for (i = 0; i < st->nodd; i++)
		cap += st->odd[i].pnum / SHARD_IDS == s;
	v = mv_xmalloc((cap + 1) * sizeof *v);
	for (c = bk ? bk->head : NULL; c; c = c->next)
		for (i = 0; i < c->n; i++) {
			const struct credit *e = &c->c[i];
			struct node *m = ix->movies.byn[e->mr & ~CREDIT_CAST];

			v[k] = (struct clink){e->pnum, k, {m->num, m, e->detail,
			    e->detail ? (unsigned)strlen(e->detail) : 0,
			    e->mr & CREDIT_CAST ? 'c' : 'w', SRC_MOVIE}};
			k++;
		}
	/* The odd ones after: of a later sequence than the bucket's only
	 * in the order of equal links, which their NULs set apart anyway. */
	for (i = 0; i < st->nodd; i++)
		if (st->odd[i].pnum / SHARD_IDS == s) {
			v[k] = st->odd[i];
			v[k].seq += SIZE_MAX / 2;
			k++;
		}
	if (k)
		qsort(v, k, sizeof *v, clink_cmp);
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

/* Note that person num holds key; 1 if no one before did. */
static int
holder_add(struct stream *st, const char *key, long long num)
{
	size_t len = strlen(key), sz = (offsetof(struct holder, key) + len + 1 + 7) & ~(size_t)7;
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
	memcpy(h->key, key, len + 1);
	if (!(f = mv_table_get(&st->first, h->key))) {
		mv_table_put(&st->first, h->key, h);
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
		idx_doc_person(b, st->x[i]);
	mv_buf_adds(b, "\n],\"byExternal\":{");
	shard_external(st, b);
	if ((r = idx_shard_put(st->cur, b, st->x, st->nx, 0)) == 0) {
		if (ix->nshards == ix->capshards) {
			ix->capshards = ix->capshards ? ix->capshards * 2 : 64;
			ix->shards = mv_xrealloc(ix->shards, ix->capshards * sizeof *ix->shards);
		}
		ix->shards[ix->nshards++] = (struct shard){st->cur, st->nx};
		mv_crash_point("index-shard");
	}
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
	x->num = atoll(id + 1);
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
		m = idx_node_get(ix, e->who);
		x->links[k++] = (struct link){m->num, m, idx_intern(ix, e->detail, e->dlen),
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
	long long s = atoll(bt->ids[i] + 1) / SHARD_IDS;

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

/* Free what of movie x only its entry of movies.json used. */
static void
movie_thin(struct node *x)
{
	char **s[] = {&x->json, &x->extjson, &x->name, &x->imdb, &x->added, &x->video,
	    &x->last_read, &x->otitle, &x->olang, &x->tjson, &x->ajson};

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
	struct fileid *v = idx_list_ids("People", 'p', &n);

	/* movies.json is written and nothing splices into it: its text and
	 * what only its entries need (some 100 MB at 100,000 movies) make
	 * room for the people. What is left: ids, collections, outside ids. */
	mv_buf_free(&ix->doc[0].text);
	free(ix->doc[0].ref.v);
	memset(&ix->doc[0].ref, 0, sizeof ix->doc[0].ref);
	for (size_t i = 0; i < ix->nm; i++)
		movie_thin(ix->msorted[i]);
	bt->ix = ix;
	bt->ids = mv_xmalloc((n + 1) * sizeof *bt->ids);
	for (size_t i = 0; i < n; i++)
		bt->ids[bt->n++] = v[i].id;
	ix->nshards = 0;
	mv_profiles_read(&(struct mv_profiles){
		.ids = bt->ids, .n = bt->n, .max = MV_PROFILE_MAX, .window = WINDOW,
		.scan = idx_batch_scan, .take = stream_take, .ctx = bt});
	if (st->nx && st->r == 0)
		st->r = shard_flush(ix, &ix->text);
	nodes_free(st);
	for (size_t i = 0; i < WINDOW; i++)
		idx_prof_free(&bt->profs[i]);
	st->skipped += bt->skipped;
	/* The credits are spent: the claims that follow need the holders. */
	for (size_t i = 0; i < st->nbk; i++)
		bucket_free(&st->bk[i]);
	free(st->odd);
	st->odd = NULL;
	st->nodd = st->capodd = 0;
	free(v);
	free(bt->ids);
	free(bt);
	return st->r;
}

/* ---- claims ------------------------------------------------------------- */

/* Drop the claims of l no present person holds, as read_claims does. */
static void
claims_stale(struct stream *st, struct claimlist *l)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++) {
		char *name = l->name[i], *target = l->target[i];
		const struct holder *h = idx_id_ok(target, 'p') ?
		    mv_table_get(&st->first, name) : NULL;
		long long num = h ? atoll(target + 1) : 0;

		while (h && h->num != num)
			h = h->next;
		if (h) {
			l->name[kept] = name;
			l->target[kept++] = target;
			continue;
		}
		if (mv_claim_drop('p', name, target) < 0 && errno != EPERM)
			mv_warn("remove claim index/ext/p/%s", name);
		free(name);
		free(target);
	}
	l->n = kept;
}

long
idx_stream_claims(struct mv_index *ix, struct claimlist *l)
{
	struct stream *st = ix->stream;
	struct mv_table c = {0};
	struct holder *h = NULL;
	size_t chunk = 0;
	long bad = 0;

	claims_stale(st, l);
	for (size_t i = 0; i < l->n; i++)
		mv_table_put(&c, l->name[i], l->target[i]);
	while ((h = holder_next(st, h, &chunk))) {
		const char *have = mv_table_get(&c, h->key);
		char id[MV_IDBUF];

		snprintf(id, sizeof id, "p%lld", h->num);
		if (have && strcmp(have, id) == 0)
			continue;
		if (idx_claim_one(h->key, id) < 0)
			bad++;
	}
	idx_claimlist_release(l, &c);
	return bad;
}

void
idx_stream_free(struct stream *st)
{
	if (!st)
		return;
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
	mv_table_free(&st->first);
	free(st);
}
