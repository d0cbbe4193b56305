/* index.c: the movie and people indexes, built from profiles, kept in memory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design. Profiles are read with libmv's validating pull scanner
 * (scan.c) rather than cJSON: the index needs a dozen members out of
 * documents of tens of kilobytes, and building a tree of every credit
 * and release date made a full rebuild of 10,000 movies and 50,000
 * people take over a second.
 *
 * Every record is a node in a hash map by id. A person's movie list is
 * the union of two sources: the person's own movies[] (SRC_PERSON) and
 * the credits of every movie that names it (SRC_MOVIE); each link carries
 * the bits of the sources that gave it, so reloading one profile replaces
 * exactly what that profile said. A movie node knows the people linked to
 * it, so reloading a movie touches only those people.
 *
 * Each present movie node caches its compact item text. Each index is
 * written as shards of 1,024 ids (index_shard.c), and an update rewrites
 * only the shards of the entries that changed, then the list of shards.
 * The list replaced is unlinked by a thread of its own.
 *
 * A rebuild reads 60,000 files: reader threads open and scan them while
 * this thread applies them in id order (struct batch); claims are read
 * on another thread meanwhile; entry texts are built on all CPUs.
 * Whatever the threads' timing, the results and the messages of a scan
 * come out in id order.
 *
 * The parts: this file keeps the nodes, the maps and the links, and the
 * small public calls; index_read.c reads profiles, index_apply.c applies
 * them (and usage) to the nodes, index_write.c serialises the entries,
 * index_shard.c writes, reads and checks the shards, index_claims.c
 * reconciles index/ext/, index_check.c compares the files on disk with a
 * scan. index_int.h is what they share (idx_* names).
 */

/* A valid id short enough for the inline buffers (20 digits and more
 * would never come from a counter). */
int
idx_id_ok(const char *s, char kind)
{
	return s && mv_id_valid(s, kind) && strlen(s) <= 20;
}

/* ---- nodes and maps ------------------------------------------------- */

/* The number of a valid id ("m42" -> 42), or DIRECT_MAX if too large. */
static size_t
id_num(const char *id)
{
	size_t n = 0;

	for (id++; *id; id++) {
		n = n * 10 + (size_t)(*id - '0');
		if (n >= DIRECT_MAX)
			return DIRECT_MAX;
	}
	return n;
}

/* id must be a valid id (mv_id_valid): one spelling per number. */
struct node *
idx_map_get(const struct map *m, const char *id)
{
	size_t num = id_num(id);

	if (num < DIRECT_MAX)
		return num < m->nbyn ? m->byn[num] : NULL;
	return mv_table_get(&m->big, id);
}

static void
map_put(struct map *m, struct node *n)
{
	size_t num = id_num(n->id);

	if (num < DIRECT_MAX) {
		if (num >= m->nbyn) {
			size_t nn = m->nbyn ? m->nbyn : 1024;

			while (nn <= num)
				nn *= 2;
			m->byn = mv_xrealloc(m->byn, nn * sizeof *m->byn);
			memset(m->byn + m->nbyn, 0, (nn - m->nbyn) * sizeof *m->byn);
			m->nbyn = nn;
		}
		m->byn[num] = n;
		return;
	}
	mv_table_put(&m->big, n->id, n);
}

/* The node for id (valid, of kind id[0]), created if new; the sorted
 * array gets it at its place (new ids are usually the largest), or
 * during a scan at its end, sorted once when the scan is over: credits
 * name people in no order, and 50,000 insertions into the middle cost a
 * tenth of a rebuild. */
struct node *
idx_node_get(struct mv_index *ix, const char *id)
{
	int movie = id[0] == 'm';
	struct map *m = movie ? &ix->movies : &ix->people;
	struct node ***arr = movie ? &ix->msorted : &ix->psorted;
	size_t *n = movie ? &ix->nm : &ix->np, *cap = movie ? &ix->capm : &ix->capp;
	struct node *x = idx_map_get(m, id);
	size_t lo, hi;

	if (x)
		return x;
	x = mv_xcalloc(1, movie ? sizeof *x : PERSON_SIZE);
	x->idlen = (unsigned char)strlen(id);
	memcpy(x->id, id, x->idlen + 1u);
	x->num = idx_id_num(id);
	map_put(m, x);
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*arr = mv_xrealloc(*arr, *cap * sizeof **arr);
	}
	lo = 0;
	hi = *n;
	if (ix->bulk || (*n && (*arr)[*n - 1]->num < x->num))
		lo = *n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((*arr)[mid]->num < x->num)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(*arr + lo + 1, *arr + lo, (*n - lo) * sizeof **arr);
	(*arr)[lo] = x;
	(*n)++;
	return x;
}

void
idx_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* n bytes for a text of the pool: in the last chunk, or a new one. */
static char *
pool_space(struct pool *pl, size_t n)
{
	char *c;

	if (n > pl->left) {
		if (pl->nchunk == pl->capchunk) {
			pl->capchunk = pl->capchunk ? pl->capchunk * 2 : 16;
			pl->chunk = mv_xrealloc(pl->chunk, pl->capchunk * sizeof *pl->chunk);
		}
		/* A long text gets a chunk of its own, before the last one,
		 * which keeps its room for the next short texts. */
		if (n > POOL_CHUNK / 4 && pl->nchunk) {
			c = mv_xmalloc(n);
			pl->chunk[pl->nchunk] = pl->chunk[pl->nchunk - 1];
			pl->chunk[pl->nchunk++ - 1] = c;
			return c;
		}
		pl->chunk[pl->nchunk++] = mv_xmalloc(n > POOL_CHUNK ? n : POOL_CHUNK);
		pl->used = 0;
		pl->left = n > POOL_CHUNK ? n : POOL_CHUNK;
	}
	c = pl->chunk[pl->nchunk - 1] + pl->used;
	pl->used += n;
	pl->left -= n;
	return c;
}

const char *
idx_intern(struct mv_index *ix, const char *s, size_t n)
{
	struct pool *pl = &ix->pool;
	const char *t;
	char *c;
	int keyed;

	if (!s)
		return NULL;
	/* The table keys on NUL-terminated text: a text with a NUL inside
	 * (\u0000) gets a copy of its own. */
	keyed = s[n] == '\0' && strlen(s) == n;

	if (keyed && (t = mv_table_get(&pl->t, s)))
		return t;
	c = pool_space(pl, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	if (keyed)
		mv_table_put(&pl->t, c, c);
	return c;
}

static void
pool_free(struct pool *pl)
{
	for (size_t i = 0; i < pl->nchunk; i++)
		free(pl->chunk[i]);
	free(pl->chunk);
	mv_table_free(&pl->t);
}

/* A refmap entry: the key lives in it, so one malloc holds both. */
struct ref {
	unsigned n;
	char key[];
};

void
idx_refmap_add(struct refmap *m, const char *key, int delta)
{
	struct ref *r = mv_table_get(&m->t, key);

	if (!r) {
		size_t len = strlen(key);

		r = mv_xcalloc(1, sizeof *r + len + 1);
		memcpy(r->key, key, len + 1);
		mv_table_put(&m->t, r->key, r);
	}
	if (delta > 0 && ++r->n == 2)
		m->dups++;
	else if (delta < 0 && r->n > 0 && r->n-- == 2)
		m->dups--;
}

unsigned
idx_refmap_count(const struct refmap *m, const char *key)
{
	const struct ref *r = mv_table_get(&m->t, key);

	return r ? r->n : 0;
}

static void
refmap_free(struct refmap *m)
{
	void *r;

	for (size_t pos = 0; mv_table_next(&m->t, &pos, NULL, &r);)
		free(r);
	mv_table_free(&m->t);
}

/* Forget what the last profile said (links are handled apart). */
void
idx_node_clear(struct mv_index *ix, struct node *x)
{
	if (x->present && ix)
		for (size_t i = 0; i < x->next; i++)
			idx_refmap_add(x->id[0] == 'm' ? &ix->mref : &ix->pref, x->ext[i], -1);
	free(x->json);
	free(x->extjson);
	free(x->name);
	idx_strv_free(x->ext, x->next);
	x->json = x->extjson = x->name = NULL;
	x->level = NULL;
	x->ext = NULL;
	x->next = 0;
	x->tmdb = 0;
	if (x->id[0] == 'm') {
		free(x->imdb);
		free(x->added);
		free(x->video);
		free(x->otitle);
		free(x->olang);
		free(x->tjson);
		free(x->ajson);
		free(x->vjson);
		free(x->keyrec);
		x->keyrec = NULL;
		x->otitle = x->olang = x->tjson = x->ajson = x->vjson = NULL;
		x->imdb = x->added = x->video = NULL;
		x->status = NULL;
		x->year = 0;
	}
	x->present = 0;
	x->hashok = 0;
}

/* Add person to the movie's list; the caller knows it is not there
 * (see idx_link_add), which keeps a rebuild free of quadratic scans. */
void
idx_linked_append(struct node *movie, struct node *person)
{
	if (movie->nlinked == movie->caplinked) {
		movie->caplinked = movie->caplinked ? movie->caplinked * 2 : 8;
		movie->linked = mv_xrealloc(movie->linked,
		    movie->caplinked * sizeof *movie->linked);
	}
	movie->linked[movie->nlinked++] = person;
}

static void
linked_del(struct node *movie, struct node *person)
{
	for (size_t i = 0; i < movie->nlinked; i++)
		if (movie->linked[i] == person) {
			movie->linked[i] = movie->linked[--movie->nlinked];
			return;
		}
}

/* Order of links in a person's list: movie number, cast before crew,
 * then character or job; also the order of the index output. */
int
idx_link_key_cmp(const struct link *l, long long mnum, char role, const char *detail)
{
	if (l->mnum != mnum)
		return l->mnum < mnum ? -1 : 1;
	if (l->role != role)
		return l->role == 'c' ? -1 : 1;
	if (!l->detail || !detail)
		return (l->detail != NULL) - (detail != NULL);
	return strcmp(l->detail, detail);
}

/*
 * Add a link (detail, dlen bytes, copied; NULL for none), or add src to
 * the same link already there. The list stays sorted, found by binary
 * search: a much-credited person has hundreds of links.
 */
void
idx_link_add(struct mv_index *ix, struct node *person, struct node *movie, char role,
    const char *detail, size_t dlen, unsigned char src)
{
	size_t lo = 0, hi = person->nlinks;
	struct link *l;
	int c;

	/* Scans add in movie order: try the end first. */
	if (hi && idx_link_key_cmp(&person->links[hi - 1], movie->num, role, detail) < 0)
		lo = hi;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		c = idx_link_key_cmp(&person->links[mid], movie->num, role, detail);
		if (c == 0) {
			person->links[mid].src |= src;
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (person->nlinks == person->caplinks) {
		person->caplinks = person->caplinks ? person->caplinks * 2 : 4;
		person->links = mv_xrealloc(person->links,
		    person->caplinks * sizeof *person->links);
	}
	/* Links are sorted by movie: the person is already in the movie's
	 * list exactly when a neighbour links to the same movie. */
	int known = (lo > 0 && person->links[lo - 1].movie == movie) ||
	    (lo < person->nlinks && person->links[lo].movie == movie);

	memmove(person->links + lo + 1, person->links + lo,
	    (person->nlinks - lo) * sizeof *person->links);
	person->nlinks++;
	l = &person->links[lo];
	l->mnum = movie->num;
	l->movie = movie;
	l->role = role;
	l->detail = idx_intern(ix, detail, dlen);
	l->dlen = (unsigned)dlen;
	l->src = src;
	if (!known)
		idx_linked_append(movie, person);
}

/* Clear src from the person's links (to movie only, if not NULL); drop
 * links left with no source; a movie the person no longer links to at
 * all loses the person from its list. */
void
idx_links_drop(struct node *person, struct node *movie, unsigned char src)
{
	struct node **gone = NULL;
	size_t i, j = 0, k, ngone = 0;

	for (i = 0; i < person->nlinks; i++) {
		struct link *l = &person->links[i];

		if (!movie || l->movie == movie)
			l->src &= (unsigned char)~src;
		if (l->src) {
			person->links[j++] = *l;
			continue;
		}
		if (!gone)
			gone = mv_xmalloc(person->nlinks * sizeof *gone);
		gone[ngone++] = l->movie;
	}
	person->nlinks = j;
	for (i = 0; i < ngone; i++) {
		for (k = 0; k < person->nlinks; k++)
			if (person->links[k].movie == gone[i])
				break;
		if (k == person->nlinks)
			linked_del(gone[i], person);
	}
	free(gone);
}

/* ---- the public API --------------------------------------------------- */

struct mv_index *
mv_index_new(void)
{
	return mv_xcalloc(1, sizeof(struct mv_index));
}

void
mv_index_free(struct mv_index *ix)
{
	if (!ix)
		return;
	mv_index_reap(ix);
	if (ix->ahead_running)
		pthread_join(ix->ahead_th, NULL);
	for (int k = 0; k < 2; k++)
		idx_claimlist_release(&ix->ahead[k], NULL);
	for (int k = 0; k < 2; k++) {
		struct node **arr = k ? ix->psorted : ix->msorted;
		size_t n = k ? ix->np : ix->nm;

		for (size_t i = 0; i < n; i++) {
			struct node *x = arr[i];

			idx_node_clear(NULL, x);
			free(x->links);
			if (k == 0) {
				idx_collof_free(&x->coll);
				free(x->linked);
				free(x->last_read);
			}
			free(x);
		}
	}
	free(ix->msorted);
	free(ix->psorted);
	mv_table_free(&ix->movies.big);
	mv_table_free(&ix->people.big);
	free(ix->movies.byn);
	free(ix->people.byn);
	idx_colls_free(&ix->colls);
	idx_stream_free(ix->stream);
	pool_free(&ix->pool);
	refmap_free(&ix->mref);
	refmap_free(&ix->pref);
	mv_buf_free(&ix->text);
	for (int k = 0; k < 2; k++) {
		free(ix->doc[k].changed);
		free(ix->doc[k].shards);
	}
	free(ix);
	idx_read_free();
}

int
mv_index_read_errno(const struct mv_index *ix)
{
	return ix->read_errno;
}

void
mv_index_nosync(struct mv_index *ix, int nosync)
{
	ix->nosync = nosync;
}

size_t
mv_index_count(const struct mv_index *ix, char kind)
{
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t n = kind == 'm' ? ix->nm : ix->np, c = 0;
	const struct idoc *d = &ix->doc[kind == 'p'];

	/* Written since the last change: the shards' counts say it. A walk
	 * over 600,000 nodes, each a cache miss, was 76% of a one-movie
	 * update through the filter at 100,000 movies (perf), which counts
	 * after each write. */
	if (d->shards_ok && !d->nchanged && !d->extchanged) {
		for (size_t i = 0; i < d->nshards; i++)
			c += d->shards[i].count;
		return c;
	}
	for (size_t i = 0; i < n; i++)
		c += arr[i]->present;
	return c;
}

cJSON *
mv_index_load(char kind, const char **why)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	cJSON *doc;

	/* mvindex replaces the shards, then the list: a reader (mvctl,
	 * mvstat beside it in the pipeline, a token's resolution) whose read
	 * falls between two of its renames may miss a shard it has just
	 * removed. Twice more, 50 ms apart, before calling the index broken;
	 * no index at all (ENOENT) is said at once. */
	for (int tries = 0; !(doc = idx_shards_load(kind, why)) && errno != ENOENT &&
	    tries < 2; tries++)
		nanosleep(&pause, NULL);
	return doc;
}
