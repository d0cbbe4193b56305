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
#include <unistd.h>

#include "mv.h"

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
 * Each present node caches its compact item text. The first write of a
 * file concatenates them; later writes splice the entries that changed
 * into the text written last (doc_splice), so an update costs those
 * entries plus one copy of the file in memory order, not a visit to
 * every node. The file replaced is unlinked by a thread of its own.
 *
 * A rebuild reads 60,000 files: reader threads open and scan them while
 * this thread applies them in id order (struct batch); claims are read
 * on another thread meanwhile; entry texts are built on all CPUs.
 * Whatever the threads' timing, the results and the messages of a scan
 * come out in id order.
 */

#define PROFILE_MAX (16 * 1024 * 1024)
#define SRC_PERSON 1
#define SRC_MOVIE 2

struct node;

struct link {
	long long mnum;        /* movie->num, here to spare a cache miss */
	struct node *movie;
	char *detail;          /* character (cast) or job (crew); owned */
	unsigned dlen;         /* its length (the texts are built without strlen) */
	char role;             /* 'c' cast, 'w' crew */
	unsigned char src;     /* SRC_* bits */
};

struct node {
	char id[24];           /* "m12" or "p7"; inline: one cache miss less */
	unsigned char idlen;
	long long num;         /* the number in the id, for sorting */
	int present;           /* a valid profile is on disk */
	char *json;            /* cached item text, NULL when stale */
	size_t jlen;           /* its length */
	char *extjson;         /* cached byExternal members, NULL when stale */
	size_t extlen;         /* its length */
	char *name;            /* title (movie) or name (person) */
	char *level, *status;
	int year;              /* 0: null */
	long long tmdb;        /* 0: none */
	char *imdb, *added, *video, *last_read;
	char **ext;            /* "source:value" keys, for byExternal, claims */
	size_t next;
	uint64_t claimed;      /* claims: bit j set if ext[j]'s claim is ours */
	/* people: links to movies */
	struct link *links;
	size_t nlinks, caplinks;
	/* movies: the people linked to this movie, by any source */
	struct node **linked;
	size_t nlinked, caplinked;
};

/*
 * Ids are dense counters ("m1".."m10000"), so a node is found by its
 * number in a plain array: no hashing, no string compare (a rebuild
 * looks up 800,000 credits). Numbers past DIRECT_MAX, which a counter
 * never reaches in practice, go to open addressing on the id string,
 * with each slot's hash beside it. No delete: a record that disappears
 * only loses its present flag.
 */
#define DIRECT_MAX (1 << 24)

struct map {
	struct node **byn;     /* by id number, below DIRECT_MAX */
	size_t nbyn;
	struct node **slot;
	uint64_t *h;
	size_t cap, n;
};

/* How many present records hold each external id, so a write knows
 * whether byExternal needs de-duplicating (almost never). Entries are
 * never removed; a count may go back to 0. */
struct refmap {
	char **key;
	unsigned *ref;
	uint64_t *h;
	size_t cap, n;
	size_t dups;           /* keys held by two records or more */
};

/* The claims in index/ext/<kind>/ as found on disk: link name
 * ("tmdb:603") and target ("m1"), both malloc'd. */
struct claimlist {
	char **name, **target;
	size_t n, cap;
};

/* Where an entry is in an index file's text. */
struct entryref {
	long long num;         /* the node's number */
	size_t off, len;
};

struct entryrefs {
	struct entryref *v;
	size_t n, cap;
};

static void
refs_add(struct entryrefs *r, long long num, size_t off, size_t len)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->v = mv_xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = (struct entryref){num, off, len};
}

/* The index file of one kind as last written, and what changed since:
 * the next write copies the rest from it (doc_splice). */
struct idoc {
	struct mv_buf text;    /* empty before the first write */
	struct entryrefs ref;  /* its entries, in order */
	size_t ext_off;        /* where the byExternal members start */
	struct node **changed; /* entries to write anew (may repeat) */
	size_t nchanged, capchanged;
	int extchanged;        /* byExternal to build anew */
};

struct mv_index {
	struct map movies, people;
	struct node **msorted, **psorted; /* present or not, by num */
	size_t nm, np, capm, capp;
	int bulk;                         /* scanning: sorted arrays unsorted */
	struct claimlist ahead[2];        /* claims read during a scan (m, p) */
	pthread_t ahead_th;               /* the thread reading them */
	int ahead_running;
	char *old[2];                     /* index files the last write replaced */
	pthread_t reaper;                 /* the thread unlinking them */
	int reaping;
	int nosync;
	int read_errno;                   /* first profile not readable */
	struct refmap mref, pref;         /* external ids of movies, people */
	struct mv_buf text;               /* reused by every write */
	struct idoc doc[2];               /* movies.json, people.json */
};

/* A valid id short enough for the inline buffers (20 digits and more
 * would never come from a counter). */
static int
id_ok(const char *s, char kind)
{
	return s && mv_id_valid(s, kind) && strlen(s) <= 20;
}

/* ---- reading values ------------------------------------------------- */

/* Typed readers over the scanner (scan.c): a value of another type is skipped and leaves the
 * output unset (NULL / 0), so the caller decides if that is an error. */
static int
get_str(struct mv_js *s, char **out)
{
	const char *t;
	size_t n;
	int esc;

	mv_js_ws(s);
	if (s->p < s->e && *s->p == '"') {
		if (mv_js_str(s, &t, &n, &esc) < 0)
			return -1;
		free(*out);
		*out = mv_js_decode(t, n, esc);
		return 0;
	}
	return mv_js_skip(s);
}

/* The string value at s as bytes: *t, *n point into the text or, for a
 * string with escapes, into *dec (decoded up to an escaped NUL, as C
 * reads it; malloc'd, caller frees). 1 for a string, 0 for another
 * value (skipped), -1 on error. */
static int
get_bytes(struct mv_js *s, const char **t, size_t *n, char **dec)
{
	int esc;

	*dec = NULL;
	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '"')
		return mv_js_skip(s) < 0 ? -1 : 0;
	if (mv_js_str(s, t, n, &esc) < 0)
		return -1;
	if (esc) {
		*t = *dec = mv_js_decode(*t, *n, esc);
		*n = strlen(*dec);
	}
	return 1;
}

/* A string appended to strs with its NUL: *off gets where, *len its
 * length. Not a string: *off stays as it was. */
static int
get_detail(struct mv_js *s, struct mv_buf *strs, size_t *off, size_t *len)
{
	const char *t;
	char *dec;
	size_t n;
	int r = get_bytes(s, &t, &n, &dec);

	if (r <= 0)
		return r;
	*off = strs->len;
	*len = n;
	mv_buf_add(strs, t, n);
	mv_buf_add(strs, "", 1);
	free(dec);
	return 0;
}

/* A string into buf (of MV_IDBUF bytes) when it fits, as ids do: no
 * malloc for the 1.6 million ids of a rebuild's links. Anything else
 * leaves buf empty, which id_ok refuses. */
#define MV_IDBUF 24
static int
get_id(struct mv_js *s, char *buf)
{
	const char *t;
	char *dec;
	size_t n;
	int r = get_bytes(s, &t, &n, &dec);

	buf[0] = '\0';
	if (r <= 0)
		return r;
	if (n < MV_IDBUF) {
		memcpy(buf, t, n);
		buf[n] = '\0';
	}
	free(dec);
	return 0;
}

/* A number; *isnum says whether it was one (null and others: 0). */
static int
get_num(struct mv_js *s, double *v, int *isnum)
{
	mv_js_ws(s);
	*isnum = 0;
	if (s->p < s->e && (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))) {
		*isnum = 1;
		return mv_js_num(s, v);
	}
	return mv_js_skip(s);
}

static int
is_null(struct mv_js *s)
{
	mv_js_ws(s);
	return s->p < s->e && *s->p == 'n';
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
static struct node *
map_get(const struct map *m, const char *id)
{
	size_t num = id_num(id), i;
	uint64_t h;

	if (num < DIRECT_MAX)
		return num < m->nbyn ? m->byn[num] : NULL;
	if (!m->cap)
		return NULL;
	h = mv_hash(id);
	for (i = h & (m->cap - 1); m->slot[i]; i = (i + 1) & (m->cap - 1))
		if (m->h[i] == h && strcmp(m->slot[i]->id, id) == 0)
			return m->slot[i];
	return NULL;
}

static void
map_put(struct map *m, struct node *n)
{
	size_t num = id_num(n->id), i;
	uint64_t h;

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
	if ((m->n + 1) * 2 > m->cap) {
		struct map g = {0};

		g.cap = m->cap ? m->cap * 2 : 1024;
		g.slot = mv_xcalloc(g.cap, sizeof *g.slot);
		g.h = mv_xcalloc(g.cap, sizeof *g.h);
		for (i = 0; i < m->cap; i++)
			if (m->slot[i])
				map_put(&g, m->slot[i]);
		free(m->slot);
		free(m->h);
		g.byn = m->byn;
		g.nbyn = m->nbyn;
		*m = g;
	}
	h = mv_hash(n->id);
	for (i = h & (m->cap - 1); m->slot[i]; i = (i + 1) & (m->cap - 1))
		;
	m->slot[i] = n;
	m->h[i] = h;
	m->n++;
}

/* The node for id (valid, of kind id[0]), created if new; the sorted
 * array gets it at its place (new ids are usually the largest), or
 * during a scan at its end, sorted once when the scan is over: credits
 * name people in no order, and 50,000 insertions into the middle cost a
 * tenth of a rebuild. */
static struct node *
node_get(struct mv_index *ix, const char *id)
{
	int movie = id[0] == 'm';
	struct map *m = movie ? &ix->movies : &ix->people;
	struct node ***arr = movie ? &ix->msorted : &ix->psorted;
	size_t *n = movie ? &ix->nm : &ix->np, *cap = movie ? &ix->capm : &ix->capp;
	struct node *x = map_get(m, id);
	size_t lo, hi;

	if (x)
		return x;
	x = mv_xcalloc(1, sizeof *x);
	x->idlen = (unsigned char)strlen(id);
	memcpy(x->id, id, x->idlen + 1u);
	x->num = atoll(id + 1);
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

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
refmap_add(struct refmap *m, const char *key, int delta)
{
	uint64_t h = mv_hash(key);
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct refmap g = {0};

		g.cap = m->cap ? m->cap * 2 : 1024;
		g.key = mv_xcalloc(g.cap, sizeof *g.key);
		g.ref = mv_xcalloc(g.cap, sizeof *g.ref);
		g.h = mv_xcalloc(g.cap, sizeof *g.h);
		g.dups = m->dups;
		for (i = 0; i < m->cap; i++)
			if (m->key[i]) {
				size_t j;

				for (j = m->h[i] & (g.cap - 1); g.key[j]; j = (j + 1) & (g.cap - 1))
					;
				g.key[j] = m->key[i];
				g.ref[j] = m->ref[i];
				g.h[j] = m->h[i];
				g.n++;
			}
		free(m->key);
		free(m->ref);
		free(m->h);
		*m = g;
	}
	for (i = h & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (m->h[i] == h && strcmp(m->key[i], key) == 0)
			break;
	if (!m->key[i]) {
		m->key[i] = mv_xstrdup(key);
		m->h[i] = h;
		m->n++;
	}
	if (delta > 0 && ++m->ref[i] == 2)
		m->dups++;
	else if (delta < 0 && m->ref[i] > 0 && m->ref[i]-- == 2)
		m->dups--;
}

static void
refmap_free(struct refmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->ref);
	free(m->h);
}

/* Forget what the last profile said (links are handled apart). */
static void
node_clear(struct mv_index *ix, struct node *x)
{
	if (x->present && ix)
		for (size_t i = 0; i < x->next; i++)
			refmap_add(x->id[0] == 'm' ? &ix->mref : &ix->pref, x->ext[i], -1);
	free(x->json);
	free(x->extjson);
	free(x->name);
	free(x->level);
	free(x->status);
	free(x->imdb);
	free(x->added);
	free(x->video);
	strv_free(x->ext, x->next);
	x->json = x->extjson = x->name = x->level = x->status = x->imdb = NULL;
	x->added = x->video = NULL;
	x->ext = NULL;
	x->next = 0;
	x->year = 0;
	x->tmdb = 0;
	x->present = 0;
}

/* Add person to the movie's list; the caller knows it is not there
 * (see link_add), which keeps a rebuild free of quadratic scans. */
static void
linked_append(struct node *movie, struct node *person)
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

static int
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Order of links in a person's list: movie number, cast before crew,
 * then character or job; also the order of the index output. */
static int
link_key_cmp(const struct link *l, long long mnum, char role, const char *detail)
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
static void
link_add(struct node *person, struct node *movie, char role, const char *detail,
    size_t dlen, unsigned char src)
{
	size_t lo = 0, hi = person->nlinks;
	struct link *l;
	int c;

	/* Scans add in movie order: try the end first. */
	if (hi && link_key_cmp(&person->links[hi - 1], movie->num, role, detail) < 0)
		lo = hi;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		c = link_key_cmp(&person->links[mid], movie->num, role, detail);
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
	l->detail = detail ? mv_xstrndup(detail, dlen) : NULL;
	l->dlen = (unsigned)dlen;
	l->src = src;
	if (!known)
		linked_append(movie, person);
}

/* Clear src from the person's links (to movie only, if not NULL); drop
 * links left with no source; a movie the person no longer links to at
 * all loses the person from its list. */
static void
links_drop(struct node *person, struct node *movie, unsigned char src)
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
		free(l->detail);
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

/* ---- reading profiles ------------------------------------------------ */

/* A credit or movie link found while scanning, before it is applied. */
struct pend {
	char who[24];          /* person or movie id; inline, one malloc less */
	long long mnum;        /* a movie link's movie number (person profiles) */
	const char *detail;    /* in the profile's strs, or NULL for none */
	size_t doff, dlen;     /* its offset there (while strs grows), length */
	char role;
	char known;            /* merging: the person already has this link */
};

struct prof {
	char *id, *name, *level, *status, *imdb, *created, *vadded, *vpath;
	double schema, year, tmdb;
	int has_schema, has_year, has_tmdb, year_null;
	char **ext;
	size_t next, capext;
	struct pend *pend;
	size_t npend, cappend;
	struct mv_buf strs;    /* the links' details, NUL-terminated: one
	                        * buffer, not 1.6 million mallocs a rebuild */
};

/* Empty p for the next profile, keeping the room of its link lists:
 * a reader slot goes through sixty profiles in a rebuild. */
static void
prof_clear(struct prof *p)
{
	struct pend *pend = p->pend;
	size_t cappend = p->cappend;
	struct mv_buf strs = p->strs;

	free(p->id);
	free(p->name);
	free(p->level);
	free(p->status);
	free(p->imdb);
	free(p->created);
	free(p->vadded);
	free(p->vpath);
	strv_free(p->ext, p->next);
	memset(p, 0, sizeof *p);
	p->pend = pend;
	p->cappend = cappend;
	p->strs = strs;
	p->strs.len = 0;
}

static void
prof_free(struct prof *p)
{
	prof_clear(p);
	free(p->pend);
	mv_buf_free(&p->strs);
	memset(p, 0, sizeof *p);
}

/* who (a valid id) and detail (at offset doff of p->strs, dlen long;
 * doff SIZE_MAX for none) become a pending link. */
static void
pend_add(struct prof *p, const char *who, size_t doff, size_t dlen, char role)
{
	struct pend *e;

	if (p->npend == p->cappend) {
		p->cappend = p->cappend ? p->cappend * 2 : 32;
		p->pend = mv_xrealloc(p->pend, p->cappend * sizeof *p->pend);
	}
	e = &p->pend[p->npend++];
	memcpy(e->who, who, strlen(who) + 1);
	e->mnum = 0;
	e->detail = NULL;
	e->doff = doff;
	e->dlen = doff == SIZE_MAX ? 0 : dlen;
	e->role = role;
	e->known = 0;
}

static void
ext_add(struct prof *p, char *key)
{
	if (p->next == p->capext) {
		p->capext = p->capext ? p->capext * 2 : 4;
		p->ext = mv_xrealloc(p->ext, p->capext * sizeof *p->ext);
	}
	p->ext[p->next++] = key;
}

/* "source:value", malloc'd. */
static char *
ext_key(const char *src, size_t n, const char *val, size_t vn)
{
	char *k = mv_xmalloc(n + vn + 2);

	memcpy(k, src, n);
	k[n] = ':';
	memcpy(k + n + 1, val, vn + 1);
	return k;
}

/* externalIds: every member becomes "source:value"; tmdb also kept. */
static int
scan_ext(struct mv_js *s, struct prof *p)
{
	const char *k, *t;
	size_t n, tn;
	int first = 1, r, esc;
	double v;

	if (is_null(s))
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		char src[32];

		if (n == (size_t)-1 || n == 0 || n >= sizeof src) {
			if (mv_js_skip(s) < 0)
				return -1;
			continue;
		}
		memcpy(src, k, n);
		src[n] = '\0';
		mv_js_ws(s);
		if (s->p < s->e && *s->p == '"') {
			if (mv_js_str(s, &t, &tn, &esc) < 0)
				return -1;
			char *val = mv_js_decode(t, tn, esc);

			if (*val && !strchr(val, '/'))
				ext_add(p, ext_key(src, n, val, strlen(val)));
			if (strcmp(src, "imdb") == 0 && *val) {
				free(p->imdb);
				p->imdb = val;
			} else
				free(val);
		} else if (s->p < s->e && (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))) {
			if (mv_js_num(s, &v) < 0)
				return -1;
			if (v == floor(v) && v > 0 && v < 9007199254740992.0) {
				char num[24];

				ext_add(p, ext_key(src, n, num,
				    (size_t)snprintf(num, sizeof num, "%lld", (long long)v)));
				if (strcmp(src, "tmdb") == 0) {
					p->tmdb = v;
					p->has_tmdb = 1;
				}
			}
		} else if (mv_js_skip(s) < 0)
			return -1;
	}
	return r;
}

static int
scan_video(struct mv_js *s, struct prof *p)
{
	const char *k;
	size_t n;
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "path"))
			r = get_str(s, &p->vpath);
		else if (mv_js_key_is(k, n, "addedAt"))
			r = get_str(s, &p->vadded);
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	return r;
}

/*
 * An array of link objects: credits.cast / credits.crew of a movie
 * (idkey "person") or movies[] of a person (idkey "movie", role read from
 * each element). Elements without a valid id are ignored: the index keeps
 * what it can use, and `mvctl check` judges the document.
 */
static int
scan_links(struct mv_js *s, struct prof *p, const char *idkey, char role)
{
	const char *k;
	size_t n;
	int first = 1, r;
	char want = idkey[0] == 'p' ? 'p' : 'm';

	if (is_null(s))
		return mv_js_skip(s);
	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '[')
		return mv_js_skip(s);
	if (mv_js_arr_begin(s) < 0)
		return -1;
	while ((r = mv_js_arr_next(s, &first)) == 1) {
		char who[MV_IDBUF] = "", rl[MV_IDBUF] = "", myrole;
		size_t ch = SIZE_MAX, job = SIZE_MAX, chlen = 0, joblen = 0;
		int f2 = 1;

		mv_js_ws(s);
		if (s->p >= s->e || *s->p != '{') {
			if (mv_js_skip(s) < 0)
				return -1;
			continue;
		}
		if (mv_js_obj_begin(s) < 0)
			return -1;
		while ((r = mv_js_obj_next(s, &f2, &k, &n)) == 1) {
			if (mv_js_key_is(k, n, idkey))
				r = get_id(s, who);
			else if (mv_js_key_is(k, n, "character"))
				r = get_detail(s, &p->strs, &ch, &chlen);
			else if (mv_js_key_is(k, n, "job"))
				r = get_detail(s, &p->strs, &job, &joblen);
			else if (!role && mv_js_key_is(k, n, "role"))
				r = get_id(s, rl);
			else
				r = mv_js_skip(s);
			if (r < 0)
				return -1;
		}
		if (r < 0)
			return -1;
		myrole = role ? role : strcmp(rl, "cast") == 0 ? 'c' :
		    strcmp(rl, "crew") == 0 ? 'w' : 0;
		if (!myrole || !id_ok(who, want))
			continue;
		if (myrole == 'c')
			pend_add(p, who, ch, chlen, 'c');
		else
			pend_add(p, who, job, joblen, 'w');
	}
	return r;
}

static int
scan_credits(struct mv_js *s, struct prof *p)
{
	const char *k;
	size_t n;
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "cast"))
			r = scan_links(s, p, "person", 'c');
		else if (mv_js_key_is(k, n, "crew"))
			r = scan_links(s, p, "person", 'w');
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	return r;
}

/* Scan a whole profile of kind 'm' or 'p'. 0, or -1 with s->err set. */
static int
scan_profile(struct mv_js *s, struct prof *p, char kind)
{
	const char *k;
	size_t n;
	int first = 1, r, isnum;

	if (mv_js_obj_begin(s) < 0)
		return mv_js_fail(s, "invalid JSON: not an object");
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "schemaVersion")) {
			r = get_num(s, &p->schema, &isnum);
			p->has_schema = isnum;
		} else if (mv_js_key_is(k, n, "id"))
			r = get_str(s, &p->id);
		else if (mv_js_key_is(k, n, kind == 'm' ? "title" : "name"))
			r = get_str(s, &p->name);
		else if (mv_js_key_is(k, n, "level"))
			r = get_str(s, &p->level);
		else if (kind == 'm' && mv_js_key_is(k, n, "status"))
			r = get_str(s, &p->status);
		else if (mv_js_key_is(k, n, "createdAt"))
			r = get_str(s, &p->created);
		else if (kind == 'm' && mv_js_key_is(k, n, "year")) {
			p->year_null = is_null(s);
			r = get_num(s, &p->year, &p->has_year);
		} else if (mv_js_key_is(k, n, "externalIds"))
			r = scan_ext(s, p);
		else if (kind == 'm' && mv_js_key_is(k, n, "video"))
			r = scan_video(s, p);
		else if (kind == 'm' && mv_js_key_is(k, n, "credits"))
			r = scan_credits(s, p);
		else if (kind == 'p' && mv_js_key_is(k, n, "movies"))
			r = scan_links(s, p, "movie", 0);
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	if (r < 0)
		return -1;
	mv_js_ws(s);
	if (s->p != s->e)
		return mv_js_fail(s, "invalid JSON: data after the document");
	return 0;
}

/* Link order (link_key_cmp) for pending links. */
static int
pend_cmp(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->mnum != y->mnum)
		return x->mnum < y->mnum ? -1 : 1;
	if (x->role != y->role)
		return x->role == 'c' ? -1 : 1;
	if (!x->detail || !y->detail)
		return (x->detail != NULL) - (y->detail != NULL);
	return strcmp(x->detail, y->detail);
}

/* Point the pending links at their details, now that p->strs is done
 * growing. A person's links are put in link order (by its reader
 * thread), so that applying them is one merge (person_links). */
static void
pend_finish(struct prof *p, char kind)
{
	size_t i;
	int sorted = 1;

	for (i = 0; i < p->npend; i++) {
		struct pend *e = &p->pend[i];

		e->detail = e->doff == SIZE_MAX ? NULL : p->strs.buf + e->doff;
		if (kind != 'p')
			continue;
		e->mnum = atoll(e->who + 1);
		if (i && pend_cmp(e - 1, e) > 0)
			sorted = 0;
	}
	if (!sorted)
		qsort(p->pend, p->npend, sizeof *p->pend, pend_cmp);
}

/* The index's words for a scanner's reason: how a document is broken
 * in detail is mvctl check's business. */
static const char *
scan_why(const char *err)
{
	if (strncmp(err, "invalid JSON (", 14) != 0)
		return err;     /* our own, from scan_profile */
	if (strcmp(err, "invalid JSON (nested too deeply)") == 0)
		return "invalid JSON: nested too deep";
	return "invalid JSON";
}

/* What the index needs of a profile; NULL if fine, else a static reason. */
static const char *
prof_check(const struct prof *p, char kind, const char *want_id)
{
	enum mv_level l;

	if (!p->has_schema)
		return "missing schemaVersion";
	if (p->schema != MV_SCHEMA_VERSION)
		return "unsupported schemaVersion";
	if (!p->id)
		return "missing id";
	if (strcmp(p->id, want_id) != 0)
		return "id does not match the file name";
	if (!p->name || !*p->name)
		return kind == 'm' ? "missing title" : "missing name";
	if (!p->level || (l = mv_level_parse(p->level)) == MV_LEVEL_BAD ||
	    strcmp(p->level, "light") == 0 || (kind == 'p' && l == MV_MEDIUM))
		return "missing or unknown level";
	if (kind == 'm' && (!p->status || !mv_status_valid(p->status)))
		return "missing or unknown status";
	if (kind == 'm' && p->has_year && (p->year != floor(p->year) ||
	    p->year < 1800 || p->year > 2200))
		return "year is not a year";
	return NULL;
}

/* A read buffer per thread, reused: a rebuild reads 60,000 files. */
static _Thread_local char *rbuf;
static _Thread_local size_t rcap;

/*
 * Read and scan the profile of id, printing nothing (threads call it).
 * dfd is an open Movies/ or People/ (one path component to resolve, not
 * five), or -1. No fstat: read until end of file into a buffer that
 * grows; O_NONBLOCK keeps a FIFO named like a profile from hanging us.
 * Returns 1 with *p filled, 0 if the file does not exist, -1 with *why
 * (a static reason) if it cannot be used; *err is then the errno of a
 * file that could not be read at all, 0 for one that is invalid.
 */
static int
prof_read(int dfd, const char *id, struct prof *p, const char **why, int *err)
{
	char name[32];
	size_t len = 0;
	ssize_t got;
	struct mv_js s;
	int fd;

	prof_clear(p);
	*why = NULL;
	*err = 0;
	memcpy(name, id, strlen(id));
	memcpy(name + strlen(id), ".json", 6);
	if (dfd >= 0)
		fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	else {
		char *path = mv_path("%s/%s", id[0] == 'm' ? "Movies" : "People", name);

		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		free(path);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*err = errno;
		*why = strerror(errno);
		return -1;
	}
	if (!rbuf) {
		rcap = 256 * 1024;
		rbuf = mv_xmalloc(rcap);
	}
	for (;;) {
		got = read(fd, rbuf + len, rcap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			if (errno == EISDIR || errno == EAGAIN)
				*why = "not a regular file";
			else {
				*err = errno;
				*why = strerror(errno);
			}
			break;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > PROFILE_MAX) {
			*why = "document too large";
			break;
		}
		if (len == rcap) {
			char *nb = mv_xmalloc(rcap * 2);

			memcpy(nb, rbuf, len);
			free(rbuf);
			rbuf = nb;
			rcap *= 2;
		}
	}
	close(fd);
	if (!*why) {
		/* No MV_JS_UTF8: a profile cJSON wrote (and mvctl check
		 * reads) may hold bytes that are not UTF-8; keep it. */
		mv_js_init(&s, rbuf, len, 0);
		if (scan_profile(&s, p, id[0]) < 0)
			*why = scan_why(s.err);
		else if (!(*why = prof_check(p, id[0], id)))
			pend_finish(p, id[0]);
	}
	if (*why) {
		prof_clear(p);
		return -1;
	}
	return 1;
}

static void
prof_warn(const char *id, const char *why)
{
	mv_warnx("unable to read %s/%s.json: %s", id[0] == 'm' ? "Movies" : "People",
	    id, why);
}

/* prof_read into a new p (free with prof_free), reporting what is
 * wrong: "unable to read Movies/m3.json: ..." */
static int
prof_load(const char *id, struct prof *p)
{
	const char *why;
	int r, err;

	memset(p, 0, sizeof *p);
	r = prof_read(-1, id, p, &why, &err);

	if (r < 0)
		prof_warn(id, why);
	return r;
}

/* An id found in a directory, its length beside it for sorting. */
struct fileid {
	char id[MV_IDBUF];
	unsigned char len;
};

/*
 * Read many profiles on all CPUs while this thread applies them: reading
 * and scanning the files is most of a rebuild, and the files are
 * independent. Workers fill a ring of WINDOW slots ahead of the applier,
 * so memory stays bounded; results are applied (and reported) in id
 * order, so the output and the messages do not depend on thread timing.
 */
#define WINDOW 1024

struct batch {
	int dfd[2];            /* Movies/ and People/ */
	struct fileid *ids;
	size_t n;
	struct prof profs[WINDOW];
	const char *why[WINDOW];
	int res[WINDOW];
	int err[WINDOW];
	size_t done[WINDOW];   /* i + 1 once slot i % WINDOW holds item i */
	size_t next;           /* next item to read */
	size_t applied;        /* items applied: slots below are free */
	size_t want;           /* item the applier sleeps on, or SIZE_MAX */
	int sleepers;          /* workers asleep for want of room */
	pthread_mutex_t mu;
	pthread_cond_t ready, room;
};

static void *
batch_worker(void *arg)
{
	struct batch *b = arg;
	size_t i, k;

	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (b->next < b->n && b->next >= b->applied + WINDOW) {
			b->sleepers++;
			pthread_cond_wait(&b->room, &b->mu);
			b->sleepers--;
		}
		if (b->next >= b->n) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		i = b->next++;
		pthread_mutex_unlock(&b->mu);
		k = i % WINDOW;
		b->res[k] = prof_read(b->dfd[b->ids[i].id[0] == 'p'], b->ids[i].id,
		    &b->profs[k], &b->why[k], &b->err[k]);
		pthread_mutex_lock(&b->mu);
		b->done[k] = i + 1;
		/* Wake the applier only for the item it waits on: a wake-up
		 * per file costs more than reading it. */
		if (b->want == i)
			pthread_cond_signal(&b->ready);
		pthread_mutex_unlock(&b->mu);
	}
	free(rbuf);
	rbuf = NULL;
	rcap = 0;
	return NULL;
}

/* How many threads to run: one per CPU, at most 8. */
static int
nthreads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
}

/* Start the readers. Returns how many. */
static int
batch_start(struct batch *b, pthread_t *th)
{
	int cpus = nthreads(), n = 0;

	b->want = SIZE_MAX;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->ready, NULL);
	pthread_cond_init(&b->room, NULL);
	while (n < cpus && pthread_create(&th[n], NULL, batch_worker, b) == 0)
		n++;
	if (n == 0)
		mv_die(MV_EX_SOFTWARE, "start a thread");
	return n;
}

/* Wait for item i; returns its slot. */
static size_t
batch_take(struct batch *b, size_t i)
{
	size_t k = i % WINDOW;

	pthread_mutex_lock(&b->mu);
	while (b->done[k] != i + 1) {
		b->want = i;
		pthread_cond_wait(&b->ready, &b->mu);
	}
	b->want = SIZE_MAX;
	pthread_mutex_unlock(&b->mu);
	return k;
}

/* Slot of item i is free again. */
static void
batch_release(struct batch *b, size_t i)
{
	pthread_mutex_lock(&b->mu);
	b->applied = i + 1;
	/* Sleepers wait for a window's worth of room, not one slot. */
	if (b->sleepers && b->applied % (WINDOW / 4) == 0)
		pthread_cond_broadcast(&b->room);
	pthread_mutex_unlock(&b->mu);
}

static void
batch_end(struct batch *b, pthread_t *th, int n)
{
	while (n-- > 0)
		pthread_join(th[n], NULL);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->ready);
	pthread_cond_destroy(&b->room);
}

/* ---- applying profiles to nodes ------------------------------------- */

static void
node_fill(struct mv_index *ix, struct node *x, struct prof *p)
{
	node_clear(ix, x);
	x->present = 1;
	x->name = p->name;
	x->level = p->level;
	x->status = p->status;
	x->imdb = p->imdb;
	x->video = p->vpath;
	x->added = p->vadded ? p->vadded : p->created;
	if (p->vadded)
		free(p->created);
	x->year = p->has_year ? (int)p->year : 0;
	x->tmdb = p->has_tmdb ? (long long)p->tmdb : 0;
	x->ext = p->ext;
	x->next = p->next;
	for (size_t i = 0; i < x->next; i++)
		refmap_add(x->id[0] == 'm' ? &ix->mref : &ix->pref, x->ext[i], 1);
	p->name = p->level = p->status = p->imdb = p->vpath = p->vadded = NULL;
	p->created = NULL;
	p->ext = NULL;
	p->next = p->capext = 0;
}

/* Set a movie's credits to p's pending links (p may have none). Returns
 * the people whose lists may have changed in *aff (malloc'd). */
static size_t
movie_credits(struct mv_index *ix, struct node *m, struct prof *p, struct node ***aff)
{
	size_t n = 0, i;
	struct node **a;

	a = mv_xmalloc((m->nlinked + p->npend + 1) * sizeof *a);
	for (i = 0; i < m->nlinked; i++)
		a[n++] = m->linked[i];
	for (i = 0; i < n; i++)
		links_drop(a[i], m, SRC_MOVIE);
	for (i = 0; i < p->npend; i++) {
		struct node *per = node_get(ix, p->pend[i].who);

		link_add(per, m, p->pend[i].role, p->pend[i].detail,
		    p->pend[i].dlen, SRC_MOVIE);
		a[n++] = per;
	}
	*aff = a;
	return n;
}

/*
 * Set a person's own links to p's pending links (p may be NULL). Both
 * lists are in link order (pend_finish), so one merge does it: a first
 * pass marks the links the person already has (in a consistent library
 * all of them, from the movies' credits), a second builds the merged
 * list if some are new.
 */
static void
person_links(struct mv_index *ix, struct node *per, struct prof *p)
{
	struct link *old, *out;
	size_t i = 0, j, k, fresh = 0, n = p ? p->npend : 0;
	struct pend *pd = p ? p->pend : NULL;
	int c;

	links_drop(per, NULL, SRC_PERSON);
	old = per->links;
	for (j = 0; j < n; j++) {
		if (j && pend_cmp(&pd[j - 1], &pd[j]) == 0) {
			pd[j].known = 1;        /* said twice */
			continue;
		}
		c = 1;
		while (i < per->nlinks &&
		    (c = link_key_cmp(&old[i], pd[j].mnum, pd[j].role, pd[j].detail)) < 0)
			i++;
		if (i < per->nlinks && c == 0) {
			old[i].src |= SRC_PERSON;
			pd[j].known = 1;
		} else
			fresh++;
	}
	if (!fresh)
		return;
	out = mv_xmalloc((per->nlinks + fresh) * sizeof *out);
	for (i = j = k = 0; i < per->nlinks || j < n;) {
		struct node *m;

		if (j < n && pd[j].known) {
			j++;
			continue;
		}
		if (j == n || (i < per->nlinks &&
		    link_key_cmp(&old[i], pd[j].mnum, pd[j].role, pd[j].detail) < 0)) {
			out[k++] = old[i++];
			continue;
		}
		m = node_get(ix, pd[j].who);
		/* The person is in the movie's list already if a link on
		 * either side of this one is to the same movie. */
		if (!(k > 0 && out[k - 1].movie == m) &&
		    !(i < per->nlinks && old[i].movie == m))
			linked_append(m, per);
		out[k].mnum = m->num;
		out[k].movie = m;
		out[k].detail = pd[j].detail ? mv_xstrndup(pd[j].detail, pd[j].dlen) : NULL;
		out[k].dlen = (unsigned)pd[j].dlen;
		out[k].role = pd[j].role;
		out[k].src = SRC_PERSON;
		k++;
		j++;
	}
	free(old);
	per->links = out;
	per->nlinks = per->caplinks = k;
}

/* ---- serialising ----------------------------------------------------- */

/* Append n bytes; like mv_buf_add, inlined: a write makes millions. */
static inline void
put(struct mv_buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		/* Small start: 60,000 cached entries live in such buffers. */
		size_t cap = b->cap ? b->cap : 128;
		char *nb;

		while (b->len + n + 1 > cap)
			cap *= 2;
		nb = mv_xmalloc(cap);
		if (b->len)
			memcpy(nb, b->buf, b->len);
		free(b->buf);
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

/* Nodes in id order. */
static int
node_num_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* A string literal (only: sizeof), its length known at compile time. */
#define PUT_LIT(b, lit) put(b, "" lit, sizeof lit - 1)

/* s (n bytes) as a JSON string. Most strings need no escape: they are
 * checked eight bytes at a time and copied whole. */
static void
jstr_n(struct mv_buf *b, const char *s, size_t n)
{
	size_t i = 0, lim;
	const char *run = s;
	uint64_t w;

	put(b, "\"", 1);
	while (i < n) {
		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (!mv_json_word_special(w, 0)) {
				i += 8;
				continue;
			}
			lim = i + 8;
		} else
			lim = n;
		for (; i < lim; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c >= 0x20 && c != '"' && c != '\\')
				continue;
			put(b, run, (size_t)(s + i - run));
			run = s + i + 1;
			switch (c) {
			case '"': put(b, "\\\"", 2); break;
			case '\\': put(b, "\\\\", 2); break;
			case '\n': put(b, "\\n", 2); break;
			case '\t': put(b, "\\t", 2); break;
			case '\r': put(b, "\\r", 2); break;
			default: mv_buf_printf(b, "\\u%04x", c); break;
			}
		}
	}
	put(b, run, (size_t)(s + n - run));
	put(b, "\"", 1);
}

static void
jstr(struct mv_buf *b, const char *s)
{
	jstr_n(b, s, strlen(s));
}

/* A number, without printf's machinery: a write formats 20,000. */
static void
jnum(struct mv_buf *b, long long v)
{
	char d[24], *p = d + sizeof d;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(b, p, (size_t)(d + sizeof d - p));
}

static void
jstr_or_null(struct mv_buf *b, const char *s)
{
	if (s)
		jstr(b, s);
	else
		mv_buf_adds(b, "null");
}

/* The cached item text of a present node, built if stale. */
static const char *
node_json(struct node *x)
{
	struct mv_buf b = {0};

	if (x->json)
		return x->json;
	PUT_LIT(&b, "{\"id\":");
	jstr_n(&b, x->id, x->idlen);
	if (x->id[0] == 'm') {
		PUT_LIT(&b, ",\"title\":");
		jstr(&b, x->name);
		if (x->year) {
			PUT_LIT(&b, ",\"year\":");
			jnum(&b, x->year);
		} else
			PUT_LIT(&b, ",\"year\":null");
		PUT_LIT(&b, ",\"level\":");
		jstr(&b, x->level);
		PUT_LIT(&b, ",\"status\":");
		jstr(&b, x->status);
		if (x->tmdb) {
			PUT_LIT(&b, ",\"tmdb\":");
			jnum(&b, x->tmdb);
		} else
			PUT_LIT(&b, ",\"tmdb\":null");
		PUT_LIT(&b, ",\"imdb\":");
		jstr_or_null(&b, x->imdb);
		PUT_LIT(&b, ",\"addedAt\":");
		jstr_or_null(&b, x->added);
		PUT_LIT(&b, ",\"lastRead\":");
		jstr_or_null(&b, x->last_read);
		PUT_LIT(&b, ",\"video\":");
		jstr_or_null(&b, x->video);
	} else {
		PUT_LIT(&b, ",\"name\":");
		jstr(&b, x->name);
		if (x->tmdb) {
			PUT_LIT(&b, ",\"tmdb\":");
			jnum(&b, x->tmdb);
		} else
			PUT_LIT(&b, ",\"tmdb\":null");
		PUT_LIT(&b, ",\"level\":");
		jstr(&b, x->level);
		PUT_LIT(&b, ",\"movies\":[");
		for (size_t i = 0; i < x->nlinks; i++) {
			struct link *l = &x->links[i];

			if (i)
				PUT_LIT(&b, ",");
			PUT_LIT(&b, "{\"movie\":\"");
			put(&b, l->movie->id, l->movie->idlen);    /* [mp][0-9]+ */
			PUT_LIT(&b, "\"");
			if (l->role == 'c')
				PUT_LIT(&b, ",\"role\":\"cast\",\"character\":");
			else
				PUT_LIT(&b, ",\"role\":\"crew\",\"job\":");
			jstr_n(&b, l->detail ? l->detail : "", l->dlen);
			PUT_LIT(&b, "}");
		}
		PUT_LIT(&b, "]");
	}
	PUT_LIT(&b, "}");
	x->json = b.buf;
	x->jlen = b.len;
	return x->json;
}

/* A set of strings for byExternal: first claimant in id order wins. */
struct sset {
	const char **slot;
	size_t cap;
};

static int
sset_add(struct sset *s, const char *k)
{
	size_t i;

	for (i = mv_hash(k) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], k) == 0)
			return 0;
	s->slot[i] = k;
	return 1;
}

/* The cached byExternal members of a present node, without a leading
 * comma ("" if it has no outside id). */
static const char *
node_extjson(struct node *x)
{
	struct mv_buf b = {0};

	if (x->extjson)
		return x->extjson;
	for (size_t j = 0; j < x->next; j++) {
		if (j)
			mv_buf_add(&b, ",", 1);
		jstr(&b, x->ext[j]);
		mv_buf_add(&b, ":", 1);
		jstr(&b, x->id);
	}
	x->extjson = b.buf ? b.buf : mv_xstrdup("");
	x->extlen = b.len;
	return x->extjson;
}

/* "{...,"items":[" with count entries. */
static void
doc_head(struct mv_buf *b, size_t count)
{
	char when[32];

	mv_buf_printf(b, "{\"schemaVersion\":1,\"generatedAt\":\"%s\",\"count\":%zu,\"items\":[",
	    mv_time_fmt(mv_now(), when), count);
}

/* Append entry text e of num to b (after a separator unless first),
 * noting where it went in refs (if not NULL). */
static void
doc_entry(struct mv_buf *b, struct entryrefs *refs, long long num,
    const char *e, size_t len)
{
	if (b->len && b->buf[b->len - 1] == '[')
		PUT_LIT(b, "\n");
	else
		PUT_LIT(b, ",\n");
	if (refs)
		refs_add(refs, num, b->len, len);
	put(b, e, len);
}

/*
 * The byExternal members of one index, then the end of the document.
 * De-duplicated (first record in id order wins) only when some outside
 * id has two holders.
 */
static void
doc_external(struct mv_index *ix, char kind, struct mv_buf *b)
{
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t n = kind == 'm' ? ix->nm : ix->np, next = 0, i, j;
	struct refmap *ref = kind == 'm' ? &ix->mref : &ix->pref;
	struct sset set;
	int first = 1;

	if (ref->dups == 0) {
		for (i = 0; i < n; i++) {
			if (!arr[i]->present || !arr[i]->next)
				continue;
			node_extjson(arr[i]);
			if (!first)
				PUT_LIT(b, ",");
			put(b, arr[i]->extjson, arr[i]->extlen);
			first = 0;
		}
	} else {
		for (i = 0; i < n; i++)
			if (arr[i]->present)
				next += arr[i]->next;
		for (set.cap = 64; set.cap < next * 2 + 2; set.cap *= 2)
			;
		set.slot = mv_xcalloc(set.cap, sizeof *set.slot);
		for (i = 0; i < n; i++) {
			if (!arr[i]->present)
				continue;
			for (j = 0; j < arr[i]->next; j++) {
				if (!sset_add(&set, arr[i]->ext[j]))
					continue;
				if (!first)
					PUT_LIT(b, ",");
				first = 0;
				jstr(b, arr[i]->ext[j]);
				PUT_LIT(b, ":");
				jstr_n(b, arr[i]->id, arr[i]->idlen);
			}
		}
		free(set.slot);
	}
	PUT_LIT(b, "}}\n");
}

/*
 * The whole document text of one index (kind 'm' or 'p') into b, made
 * of the cached texts of the entries; refs (if not NULL) gets where
 * each entry went.
 */
static void
index_text(struct mv_index *ix, char kind, struct mv_buf *b,
    struct entryrefs *refs, size_t *ext_off)
{
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t n = kind == 'm' ? ix->nm : ix->np, count = 0, size = 0, i;

	for (i = 0; i < n; i++)
		if (arr[i]->present) {
			count++;
			size += node_json(arr[i]) ? arr[i]->jlen + 2 : 0;
			size += node_extjson(arr[i]) ? arr[i]->extlen + 1 : 0;
		}
	/* One allocation for a document of tens of megabytes, not a
	 * doubling series of copies. */
	if (b->cap < b->len + size + 256) {
		b->cap = b->len + size + 256;
		b->buf = mv_xrealloc(b->buf, b->cap);
	}
	doc_head(b, count);
	for (i = 0; i < n; i++)
		if (arr[i]->present)
			doc_entry(b, refs, arr[i]->num, arr[i]->json, arr[i]->jlen);
	PUT_LIT(b, "\n],\"byExternal\":{");
	if (ext_off)
		*ext_off = b->len;
	doc_external(ix, kind, b);
}

/* The first entry of d at or after from whose number is num or more. */
static size_t
refs_find(const struct entryrefs *d, size_t from, long long num)
{
	size_t lo = from, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->v[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Entries [from, to) of the last document, copied in one piece (their
 * separators with them). */
static void
doc_run(struct mv_buf *b, const struct idoc *d, size_t from, size_t to,
    struct entryrefs *refs)
{
	size_t start, end, delta;

	if (from >= to)
		return;
	start = d->ref.v[from].off;
	end = d->ref.v[to - 1].off + d->ref.v[to - 1].len;
	doc_entry(b, NULL, 0, d->text.buf + start, end - start);
	delta = b->len - end;
	for (size_t i = from; i < to; i++)
		refs_add(refs, d->ref.v[i].num, d->ref.v[i].off + delta, d->ref.v[i].len);
}

/*
 * The document of kind from the last one written, d, and the entries
 * changed since: unchanged runs of entries are copied whole from d, so
 * rewriting a 10,000-entry index after one change copies memory in
 * order instead of visiting 10,000 nodes. byExternal is copied too
 * unless an outside id changed.
 */
static void
doc_splice(struct mv_index *ix, char kind, struct idoc *d, struct mv_buf *b,
    struct entryrefs *refs, size_t *ext_off)
{
	size_t i, j, n = 0, cur = 0, count = d->ref.n;

	/* In id order, each once. */
	if (d->nchanged)
		qsort(d->changed, d->nchanged, sizeof *d->changed, node_num_cmp);
	for (i = 0; i < d->nchanged; i++)
		if (!n || d->changed[n - 1] != d->changed[i])
			d->changed[n++] = d->changed[i];
	d->nchanged = n;
	for (i = 0; i < n; i++) {
		j = refs_find(&d->ref, 0, d->changed[i]->num);
		count -= j < d->ref.n && d->ref.v[j].num == d->changed[i]->num;
		count += d->changed[i]->present;
	}
	if (b->cap < d->text.len + 4096) {
		b->cap = d->text.len + d->text.len / 8 + 4096;
		b->buf = mv_xrealloc(b->buf, b->cap);
	}
	doc_head(b, count);
	for (i = 0; i < n; i++) {
		struct node *c = d->changed[i];

		j = refs_find(&d->ref, cur, c->num);
		doc_run(b, d, cur, j, refs);
		if (j < d->ref.n && d->ref.v[j].num == c->num)
			j++;
		if (c->present) {
			node_json(c);   /* before reading jlen */
			doc_entry(b, refs, c->num, c->json, c->jlen);
		}
		cur = j;
	}
	doc_run(b, d, cur, d->ref.n, refs);
	PUT_LIT(b, "\n],\"byExternal\":{");
	*ext_off = b->len;
	if (d->extchanged)
		doc_external(ix, kind, b);
	else
		put(b, d->text.buf + d->ext_off, d->text.len - d->ext_off);
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
	for (int k = 0; k < 2; k++) {
		strv_free(ix->ahead[k].name, ix->ahead[k].n);
		strv_free(ix->ahead[k].target, ix->ahead[k].n);
	}
	for (int k = 0; k < 2; k++) {
		struct node **arr = k ? ix->psorted : ix->msorted;
		size_t n = k ? ix->np : ix->nm;

		for (size_t i = 0; i < n; i++) {
			struct node *x = arr[i];

			node_clear(NULL, x);
			for (size_t j = 0; j < x->nlinks; j++)
				free(x->links[j].detail);
			free(x->links);
			free(x->linked);
			free(x->last_read);
			free(x);
		}
	}
	free(ix->msorted);
	free(ix->psorted);
	free(ix->movies.slot);
	free(ix->people.slot);
	free(ix->movies.h);
	free(ix->people.h);
	free(ix->movies.byn);
	free(ix->people.byn);
	refmap_free(&ix->mref);
	refmap_free(&ix->pref);
	mv_buf_free(&ix->text);
	for (int k = 0; k < 2; k++) {
		mv_buf_free(&ix->doc[k].text);
		free(ix->doc[k].ref.v);
		free(ix->doc[k].changed);
	}
	free(ix);
	free(rbuf);
	rbuf = NULL;
	rcap = 0;
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

	for (size_t i = 0; i < n; i++)
		c += arr[i]->present;
	return c;
}

/* The file of d needs writing: an entry or byExternal changed. */
static int
doc_dirty(const struct idoc *d)
{
	return d->nchanged || d->extchanged;
}

int
mv_index_dirty(const struct mv_index *ix)
{
	return doc_dirty(&ix->doc[0]) || doc_dirty(&ix->doc[1]);
}

/* What an entry said before its node changes, to tell what changed. */
struct was {
	char *json, *ext;      /* its texts, taken from the node (or NULL) */
	int present;
};

static void
was_take(struct node *x, struct was *w)
{
	w->present = x->present;
	w->json = x->json;
	w->ext = x->extjson;
	x->json = x->extjson = NULL;
}

/* Compare x with what it was (w, consumed): if its entry or its outside
 * ids differ, its index file needs writing, and which parts. Returns 1
 * if something differs. */
static int
was_compare(struct mv_index *ix, struct node *x, struct was *w)
{
	struct idoc *d = &ix->doc[x->id[0] == 'p'];
	int entry, ext;

	if (x->present) {
		entry = !w->present || !w->json || strcmp(w->json, node_json(x)) != 0;
		ext = !w->present || !w->ext || strcmp(w->ext, node_extjson(x)) != 0;
	} else
		entry = ext = w->present;
	free(w->json);
	free(w->ext);
	if (entry) {
		if (d->nchanged == d->capchanged) {
			d->capchanged = d->capchanged ? d->capchanged * 2 : 64;
			d->changed = mv_xrealloc(d->changed, d->capchanged * sizeof *d->changed);
		}
		d->changed[d->nchanged++] = x;
	}
	if (ext)
		d->extchanged = 1;
	return entry || ext;
}

/* Reload the movie id: its entry and the people lists its credits touch. */
static int
update_movie(struct mv_index *ix, const char *id)
{
	struct node *m = node_get(ix, id), **aff;
	struct prof p;
	struct was w;
	size_t n, i;
	int r = prof_load(id, &p);

	was_take(m, &w);
	if (r <= 0) {
		/* Gone or broken: out of the index, as a rebuild would do. */
		node_clear(ix, m);
		prof_clear(&p);
	} else
		node_fill(ix, m, &p);
	was_compare(ix, m, &w);
	/* A person's cached text still says what its links were before. */
	n = movie_credits(ix, m, &p, &aff);
	for (i = 0; i < n; i++) {
		was_take(aff[i], &w);
		was_compare(ix, aff[i], &w);
	}
	free(aff);
	prof_free(&p);
	return r < 0 ? -1 : 0;
}

static int
update_person(struct mv_index *ix, const char *id)
{
	struct node *x = node_get(ix, id);
	struct prof p;
	struct was w;
	int r = prof_load(id, &p);

	was_take(x, &w);
	if (r <= 0) {
		node_clear(ix, x);
		person_links(ix, x, NULL);
	} else {
		node_fill(ix, x, &p);
		person_links(ix, x, &p);
	}
	was_compare(ix, x, &w);
	prof_free(&p);
	return r < 0 ? -1 : 0;
}

int
mv_index_update(struct mv_index *ix, const char *id)
{
	if (id_ok(id, 'm'))
		return update_movie(ix, id);
	if (id_ok(id, 'p'))
		return update_person(ix, id);
	errno = EINVAL;
	return -1;
}

/* Numeric order of canonical ids (no leading zeros): shorter first,
 * then by text. */
static int
id_cmp(const void *a, const void *b)
{
	const struct fileid *x = a, *y = b;

	return x->len != y->len ? (x->len < y->len ? -1 : 1) :
	    memcmp(x->id, y->id, x->len);
}

/* Sorted list of the ids in dir ("Movies"), by number. *n gets the count. */
static struct fileid *
list_ids(const char *dir, char kind, size_t *n)
{
	char *path = mv_path("%s", dir);
	struct fileid *v = NULL, *f;
	size_t cap = 0;
	DIR *d;
	struct dirent *e;

	*n = 0;
	if (!(d = opendir(path))) {
		if (errno != ENOENT)
			mv_warn("read %s", dir);
		free(path);
		return NULL;
	}
	free(path);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 7 || len - 5 >= MV_IDBUF || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = mv_xrealloc(v, cap * sizeof *v);
		}
		f = &v[*n];
		memcpy(f->id, e->d_name, len - 5);
		f->id[len - 5] = '\0';
		f->len = (unsigned char)(len - 5);
		if (id_ok(f->id, kind))
			(*n)++;
	}
	closedir(d);
	/* In id order: messages come out in a stable order. */
	if (*n)
		qsort(v, *n, sizeof *v, id_cmp);
	return v;
}

int
mv_index_usage(struct mv_index *ix)
{
	struct mv_usage u = {0};
	struct was w;
	char when[32];
	int changed = 0;

	/* A document mvstat would refuse is refused here too (said by
	 * mv_usage_load); the entries keep what they had. */
	if (mv_usage_load(&u) != 0)
		return -1;
	/* Every movie's lastRead comes from the file; absent means never. */
	for (size_t i = 0; i < ix->nm; i++) {
		struct node *x = ix->msorted[i];
		const struct mv_use *e = mv_usage_get(&u, x->id, 0);
		const char *last = e ? mv_time_fmt(e->last, when) : NULL;

		if (same_str(last, x->last_read))
			continue;
		was_take(x, &w);
		free(x->last_read);
		x->last_read = last ? mv_xstrdup(last) : NULL;
		if (was_compare(ix, x, &w))
			changed = 1;
	}
	mv_usage_free(&u);
	return changed;
}

/*
 * The text of every present entry of arr, built on all CPUs once a scan
 * is over: each is a function of its own node and of the ids of the
 * movies it links to, which nobody changes meanwhile.
 */
struct texts {
	struct node **arr;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *
texts_worker(void *arg)
{
	struct texts *t = arg;
	size_t i, end;

	for (;;) {
		pthread_mutex_lock(&t->mu);
		i = t->next;
		end = t->next = i + 512 < t->n ? i + 512 : t->n;
		pthread_mutex_unlock(&t->mu);
		if (i >= end)
			return NULL;
		for (; i < end; i++)
			if (t->arr[i]->present) {
				node_json(t->arr[i]);
				node_extjson(t->arr[i]);
			}
	}
}

static void
texts_build(struct node **arr, size_t n)
{
	struct texts t = {arr, n, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t th[8];
	int nth = 0, cpus = nthreads();

	while (nth < cpus - 1 && pthread_create(&th[nth], NULL, texts_worker, &t) == 0)
		nth++;
	texts_worker(&t);
	while (nth-- > 0)
		pthread_join(th[nth], NULL);
}

static void *claims_ahead(void *arg);

long
mv_index_scan(struct mv_index *ix, int flags)
{
	long skipped = 0;
	struct batch *b = mv_xcalloc(1, sizeof *b);
	pthread_t th[8];
	size_t i;
	int nth;

	ix->read_errno = 0;
	if ((flags & MV_INDEX_CLAIMS) && !ix->ahead_running &&
	    pthread_create(&ix->ahead_th, NULL, claims_ahead, ix) == 0)
		ix->ahead_running = 1;
	ix->bulk = 1;
	/* One reading pass over both folders, movies first: the readers
	 * go on into People/ while the last movies are applied. */
	for (int k = 0; k < 2; k++) {
		char *dir = mv_path("%s", k ? "People" : "Movies");
		struct fileid *v;
		size_t n;

		v = list_ids(k ? "People" : "Movies", k ? 'p' : 'm', &n);
		b->ids = mv_xrealloc(b->ids, (b->n + n + 1) * sizeof *b->ids);
		if (n)
			memcpy(b->ids + b->n, v, n * sizeof *v);
		b->n += n;
		free(v);
		b->dfd[k] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
	}
	nth = batch_start(b, th);
	for (i = 0; i < b->n; i++) {
		size_t slot = batch_take(b, i);
		struct node *x = node_get(ix, b->ids[i].id), **aff;
		struct prof *p = &b->profs[slot];

		if (b->res[slot] > 0) {
			node_fill(ix, x, p);
			if (x->id[0] == 'p')
				person_links(ix, x, p);
			else {
				movie_credits(ix, x, p, &aff);
				free(aff);
			}
		} else if (b->res[slot] < 0) {
			prof_warn(b->ids[i].id, b->why[slot]);
			if (b->err[slot] && !ix->read_errno)
				ix->read_errno = b->err[slot];
			skipped++;
		}
		prof_clear(p);
		batch_release(b, i);
	}
	batch_end(b, th, nth);
	for (i = 0; i < WINDOW; i++)
		prof_free(&b->profs[i]);
	for (int k = 0; k < 2; k++)
		if (b->dfd[k] >= 0)
			close(b->dfd[k]);
	free(b->ids);
	free(b);
	ix->bulk = 0;
	/* (Never qsort a NULL array, even of none: UBSan.) */
	if (ix->nm)
		qsort(ix->msorted, ix->nm, sizeof *ix->msorted, node_num_cmp);
	if (ix->np)
		qsort(ix->psorted, ix->np, sizeof *ix->psorted, node_num_cmp);
	mv_index_usage(ix);
	/* Every entry's text now, so that an update can tell whether it
	 * changed an entry; a write after a scan reuses them. */
	texts_build(ix->msorted, ix->nm);
	texts_build(ix->psorted, ix->np);
	for (int k = 0; k < 2; k++) {
		ix->doc[k].nchanged = 0;
		ix->doc[k].extchanged = 0;
	}
	return skipped;
}

/* Write path atomically (without fsync when the index says nosync),
 * keeping the replaced file in *old for the reaper. */
static int
write_file(struct mv_index *ix, const char *path, const struct mv_buf *b,
    char **old)
{
	return mv_write_swap(path, b->buf, b->len, !ix->nosync, old);
}

/* Unlink the replaced files; a file that will not go is tried once
 * more, then left to the temp file sweep of the next recovery (it is a
 * whole old copy, harmless) with a warning. */
static void *
reap_worker(void *arg)
{
	struct mv_index *ix = arg;

	for (int k = 0; k < 2; k++) {
		if (ix->old[k] && unlink(ix->old[k]) < 0 && errno != ENOENT &&
		    unlink(ix->old[k]) < 0 && errno != ENOENT)
			mv_warn("remove %s", ix->old[k]);
		free(ix->old[k]);
		ix->old[k] = NULL;
	}
	return NULL;
}

/*
 * Unlink the files the last write replaced, on a thread of its own: on
 * a filesystem that discards freed blocks, that takes longer than the
 * write, and nothing needs to wait for it but the next write.
 */
static void
reap_start(struct mv_index *ix)
{
	if (!ix->old[0] && !ix->old[1])
		return;
	if (pthread_create(&ix->reaper, NULL, reap_worker, ix) == 0)
		ix->reaping = 1;
	else
		reap_worker(ix);
}

void
mv_index_reap(struct mv_index *ix)
{
	if (ix->reaping) {
		pthread_join(ix->reaper, NULL);
		ix->reaping = 0;
	}
}

int
mv_index_write(struct mv_index *ix, int force)
{
	struct mv_buf *b = &ix->text;
	char *path;
	int r = 0;

	mv_index_reap(ix);
	for (int k = 0; k < 2 && r == 0; k++) {
		char kind = k ? 'p' : 'm';
		struct idoc *d = &ix->doc[k];
		struct entryrefs refs = {0};
		size_t ext_off;

		if (!force && !doc_dirty(d))
			continue;
		b->len = 0;
		/* A few entries changed: splice them into the last text. */
		if (!force && d->text.len && d->nchanged <= d->ref.n / 8 + 1)
			doc_splice(ix, kind, d, b, &refs, &ext_off);
		else
			index_text(ix, kind, b, &refs, &ext_off);
		path = mv_path("index/%s", k ? "people.json" : "movies.json");
		r = write_file(ix, path, b, &ix->old[k]);
		if (r < 0 && errno == ENOENT) {
			char *dir = mv_path("index");

			if (mv_mkdir_p(dir, 0755) == 0)
				r = write_file(ix, path, b, &ix->old[k]);
			free(dir);
		}
		if (r < 0) {
			mv_warn("write index/%s", k ? "people.json" : "movies.json");
			free(refs.v);
		} else {
			/* This text is the one to splice into next time. */
			struct mv_buf t = d->text;

			d->text = *b;
			*b = t;
			free(d->ref.v);
			d->ref = refs;
			d->ext_off = ext_off;
			d->nchanged = 0;
			d->extchanged = 0;
		}
		free(path);
	}
	reap_start(ix);
	return r;
}

/* Newest mtime among the *.json files of dir; 0 if none. */
static struct timespec
newest(const char *dir, struct timespec t)
{
	char *path = mv_path("%s", dir);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	struct stat st;

	free(path);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return t;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (fstatat(dfd, e->d_name, &st, 0) == 0 &&
		    (st.st_mtim.tv_sec > t.tv_sec || (st.st_mtim.tv_sec == t.tv_sec &&
		    st.st_mtim.tv_nsec > t.tv_nsec)))
			t = st.st_mtim;
	}
	closedir(d);
	return t;
}

int
mv_index_stale(void)
{
	struct timespec t = {0, 0}, oldest = {0, 0};
	struct stat st;

	for (int k = 0; k < 2; k++) {
		char *path = mv_path("index/%s", k ? "people.json" : "movies.json");
		int r = stat(path, &st);

		free(path);
		if (r < 0)
			return 1;
		if (k == 0 || st.st_mtim.tv_sec < oldest.tv_sec ||
		    (st.st_mtim.tv_sec == oldest.tv_sec && st.st_mtim.tv_nsec < oldest.tv_nsec))
			oldest = st.st_mtim;
	}
	t = newest("Movies", t);
	t = newest("People", t);
	/* lastRead comes from stats/usage.json. */
	{
		char *u = mv_path("stats/usage.json");

		if (stat(u, &st) == 0 && (st.st_mtim.tv_sec > t.tv_sec ||
		    (st.st_mtim.tv_sec == t.tv_sec && st.st_mtim.tv_nsec > t.tv_nsec)))
			t = st.st_mtim;
		free(u);
	}
	/* A tie counts as stale: file times move in clock ticks, and a
	 * profile written in the tick of the index write may be newer. */
	return t.tv_sec > oldest.tv_sec ||
	    (t.tv_sec == oldest.tv_sec && t.tv_nsec >= oldest.tv_nsec);
}

/* ---- claims ------------------------------------------------------------ */

/* The claims on disk: "source:value" -> owner id, from one readlink each. */
struct claimset {
	char **key, **owner;
	uint64_t *h;
	size_t cap, n;
};

static void
claimset_put(struct claimset *c, char *key, char *owner)
{
	uint64_t h = mv_hash(key);
	size_t i;

	if ((c->n + 1) * 2 > c->cap) {
		struct claimset g = {0};

		g.cap = c->cap ? c->cap * 2 : 1024;
		g.key = mv_xcalloc(g.cap, sizeof *g.key);
		g.owner = mv_xcalloc(g.cap, sizeof *g.owner);
		g.h = mv_xcalloc(g.cap, sizeof *g.h);
		for (i = 0; i < c->cap; i++)
			if (c->key[i])
				claimset_put(&g, c->key[i], c->owner[i]);
		free(c->key);
		free(c->owner);
		free(c->h);
		*c = g;
	}
	for (i = h & (c->cap - 1); c->key[i]; i = (i + 1) & (c->cap - 1))
		;
	c->key[i] = key;
	c->owner[i] = owner;
	c->h[i] = h;
	c->n++;
}

/* Owner of key on disk, or NULL. */
static const char *
claimset_get(const struct claimset *c, const char *key)
{
	uint64_t h = mv_hash(key);
	size_t i;

	if (!c->cap)
		return NULL;
	for (i = h & (c->cap - 1); c->key[i]; i = (i + 1) & (c->cap - 1))
		if (c->h[i] == h && strcmp(c->key[i], key) == 0)
			return c->owner[i];
	return NULL;
}

static void
claimset_free(struct claimset *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		free(c->key[i]);
		free(c->owner[i]);
	}
	free(c->key);
	free(c->owner);
	free(c->h);
}

static void
claimlist_read(char kind, struct claimlist *l)
{
	char *dir = mv_path("index/ext/%c", kind), target[64];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	ssize_t len;

	free(dir);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strchr(e->d_name, ':'))
			continue;
		len = readlinkat(dfd, e->d_name, target, sizeof target - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1024;
			l->name = mv_xrealloc(l->name, l->cap * sizeof *l->name);
			l->target = mv_xrealloc(l->target, l->cap * sizeof *l->target);
		}
		l->name[l->n] = mv_xstrdup(e->d_name);
		l->target[l->n++] = mv_xstrdup(target);
	}
	closedir(d);
}

/* Reading 60,000 links is a fifth of a rebuild, all of it system calls
 * that need nothing from the profiles: a scan that will be followed by
 * claims reads them on a thread of its own meanwhile. */
static void *
claims_ahead(void *arg)
{
	struct mv_index *ix = arg;

	claimlist_read('m', &ix->ahead[0]);
	claimlist_read('p', &ix->ahead[1]);
	return NULL;
}

/* Index of key in x's external ids, or -1. */
static long
ext_index(const struct node *x, const char *key)
{
	for (size_t i = 0; x && x->present && i < x->next; i++)
		if (strcmp(x->ext[i], key) == 0)
			return (long)i;
	return -1;
}

/*
 * Check the claims of kind found on disk (l): mark in each node the
 * external ids whose claim names it; drop (or with report, print) the
 * claims that no present profile backs, and take them out of l.
 * Returns how many were stale.
 */
static long
read_claims(struct mv_index *ix, char kind, struct claimlist *l, FILE *report)
{
	size_t i, kept = 0;
	long n = 0;

	for (i = 0; i < l->n; i++) {
		char *name = l->name[i], *target = l->target[i];
		struct node *x = id_ok(target, kind) ?
		    map_get(kind == 'm' ? &ix->movies : &ix->people, target) : NULL;
		long j = ext_index(x, name);

		if (j >= 0) {
			if (j < 64)
				x->claimed |= (uint64_t)1 << j;
			l->name[kept] = name;
			l->target[kept++] = target;
			continue;
		}
		n++;
		if (report)
			fprintf(report, "claims: %c/%s: stale: %s has no %s\n",
			    kind, name, target, name);
		else if (mv_claim_drop(kind, name, target) < 0 && errno != EPERM)
			/* EPERM: retaken meanwhile by a live owner; it stays. */
			mv_warn("remove claim index/ext/%c/%s", kind, name);
		free(name);
		free(target);
	}
	l->n = kept;
	return n;
}

/* The owner of key in l, through c (built on the first call). */
static const char *
claim_owner(struct claimlist *l, struct claimset *c, const char *key)
{
	if (!c->cap)
		for (size_t i = 0; i < l->n; i++)
			claimset_put(c, l->name[i], l->target[i]);
	return claimset_get(c, key);
}

/* Claim or check every external id of the present nodes. report: print
 * what is wrong instead of repairing. Returns the problems found. */
static long
claims(struct mv_index *ix, FILE *report)
{
	long bad = 0;

	for (int k = 0; k < 2; k++) {
		char kind = k ? 'p' : 'm';
		struct node **arr = k ? ix->psorted : ix->msorted;
		size_t n = k ? ix->np : ix->nm;
		struct claimlist *l = &ix->ahead[k];
		struct claimset c = {0};
		long stale;

		if (ix->ahead_running) {
			pthread_join(ix->ahead_th, NULL);
			ix->ahead_running = 0;
		} else if (!l->n)
			claimlist_read(kind, l);
		for (size_t i = 0; i < n; i++)
			arr[i]->claimed = 0;
		stale = read_claims(ix, kind, l, report);

		/* Stale claims are problems to report, but only work to repair. */
		if (report)
			bad += stale;
		for (size_t i = 0; i < n; i++) {
			struct node *x = arr[i];

			for (size_t j = 0; x->present && j < x->next; j++) {
				const char *have;
				char *key, *colon, *owner = NULL;

				if (j < 64 && (x->claimed >> j & 1))
					continue;
				have = claim_owner(l, &c, x->ext[j]);
				if (have && strcmp(have, x->id) == 0)
					continue;
				if (report) {
					bad++;
					fprintf(report, "claims: %c/%s: %s%s, %s has it\n", kind,
					    x->ext[j], have ? "owned by " : "missing",
					    have ? have : "", x->id);
					continue;
				}
				key = mv_xstrdup(x->ext[j]);
				colon = strchr(key, ':');
				*colon = '\0';
				if (mv_claim(key, colon + 1, x->id, &owner) < 0) {
					bad++;
					if (errno == EEXIST)
						mv_warnx("unable to claim %s:%s for %s: owned by %s",
						    key, colon + 1, x->id, owner);
					else
						mv_warn("claim %s:%s for %s", key, colon + 1, x->id);
				}
				free(owner);
				free(key);
			}
		}
		/* The set borrowed l's strings. */
		free(c.key);
		free(c.owner);
		free(c.h);
		strv_free(l->name, l->n);
		strv_free(l->target, l->n);
		memset(l, 0, sizeof *l);
	}
	return bad;
}

long
mv_index_claims(struct mv_index *ix)
{
	return claims(ix, NULL);
}

/* ---- check ---------------------------------------------------------------- */

/* Names of the members of a and b whose values differ, "title,year". */
static void
diff_members(const cJSON *a, const cJSON *b, struct mv_buf *out)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, a) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);

		if (!o || !cJSON_Compare(m, o, 1))
			mv_buf_printf(out, "%s%s", out->len ? "," : "", m->string);
	}
	cJSON_ArrayForEach(m, b)
		if (!cJSON_GetObjectItemCaseSensitive(a, m->string))
			mv_buf_printf(out, "%s%s", out->len ? "," : "", m->string);
}

static long
check_one(struct mv_index *ix, char kind, FILE *out)
{
	const char *name = kind == 'm' ? "movies" : "people", *why;
	char *path = mv_path("index/%s.json", name);
	cJSON *doc = mv_json_load(path, 1024UL * 1024 * 1024, &why), *items, *it;
	cJSON *fresh, *fx, *bx;
	struct map *map = kind == 'm' ? &ix->movies : &ix->people;
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t n = kind == 'm' ? ix->nm : ix->np, i;
	struct mv_buf b = {0};
	long bad = 0;
	long long prev = 0;

	free(path);
	if (!doc) {
		fprintf(out, "%s: unable to read index/%s.json: %s\n", name, name, why);
		return 1;
	}
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (!cJSON_IsArray(items)) {
		fprintf(out, "%s: index/%s.json has no items array\n", name, name);
		cJSON_Delete(doc);
		return 1;
	}
	if (mv_json_int(doc, "count", -1) != cJSON_GetArraySize(items)) {
		fprintf(out, "%s: count is %lld, items has %d\n", name,
		    mv_json_int(doc, "count", -1), cJSON_GetArraySize(items));
		bad++;
	}
	cJSON_ArrayForEach(it, items) {
		const char *id = mv_json_str(it, "id", NULL);
		struct node *x = id && id_ok(id, kind) ? map_get(map, id) : NULL;

		if (!id || !mv_id_valid(id, kind)) {
			fprintf(out, "%s: an item has no valid id\n", name);
			bad++;
			continue;
		}
		if (atoll(id + 1) <= prev) {
			fprintf(out, "%s: %s: out of order or repeated\n", name, id);
			bad++;
		}
		prev = atoll(id + 1);
		if (!x || !x->present) {
			fprintf(out, "%s: %s: in the index, but no valid %s/%s.json\n",
			    name, id, kind == 'm' ? "Movies" : "People", id);
			bad++;
			continue;
		}
		fresh = cJSON_Parse(node_json(x));
		if (!cJSON_Compare(fresh, it, 1)) {
			b.len = 0;
			diff_members(fresh, it, &b);
			fprintf(out, "%s: %s: differs: %s\n", name, id, b.buf ? b.buf : "");
			bad++;
		}
		cJSON_Delete(fresh);
		x->present = 2; /* seen; set back to 1 below */
	}
	for (i = 0; i < n; i++) {
		if (arr[i]->present == 1) {
			fprintf(out, "%s: %s: missing from the index\n", name, arr[i]->id);
			bad++;
		}
		if (arr[i]->present == 2)
			arr[i]->present = 1;
	}
	/* byExternal: compare with what a rebuild would write. */
	b.len = 0;
	index_text(ix, kind, &b, NULL, NULL);
	fresh = cJSON_Parse(b.buf);
	fx = cJSON_GetObjectItemCaseSensitive(fresh, "byExternal");
	bx = cJSON_GetObjectItemCaseSensitive(doc, "byExternal");
	if (!cJSON_IsObject(bx)) {
		fprintf(out, "%s: byExternal missing\n", name);
		bad++;
	} else {
		/* Hash both sides: these objects hold tens of thousands of
		 * members and cJSON looks members up one by one. */
		struct claimset have = {0}, want = {0};
		cJSON *m;
		const char *v;

		cJSON_ArrayForEach(m, bx)
			if (cJSON_IsString(m))
				claimset_put(&have, mv_xstrdup(m->string), mv_xstrdup(m->valuestring));
		cJSON_ArrayForEach(m, fx) {
			claimset_put(&want, mv_xstrdup(m->string), mv_xstrdup(m->valuestring));
			v = claimset_get(&have, m->string);
			if (!v || strcmp(v, m->valuestring) != 0) {
				fprintf(out, "%s: byExternal %s: %s, expected %s\n", name,
				    m->string, v ? v : "missing", m->valuestring);
				bad++;
			}
		}
		cJSON_ArrayForEach(m, bx)
			if (!claimset_get(&want, m->string)) {
				fprintf(out, "%s: byExternal %s: stale\n", name, m->string);
				bad++;
			}
		claimset_free(&have);
		claimset_free(&want);
	}
	cJSON_Delete(fresh);
	cJSON_Delete(doc);
	mv_buf_free(&b);
	return bad;
}

long
mv_index_check(struct mv_index *ix, FILE *out)
{
	return check_one(ix, 'm', out) + check_one(ix, 'p', out) + claims(ix, out);
}

/* ---- pagination -------------------------------------------------------- */

struct sortctx {
	const char *key;   /* "title", "year", "added", "lastRead", "id" */
	int reverse;
};

static const char *
item_str(const cJSON *it, const char *k)
{
	return mv_json_str(it, k, NULL);
}

static int
cmp_id(const cJSON *a, const cJSON *b)
{
	const char *x = item_str(a, "id"), *y = item_str(b, "id");
	long long p = x ? atoll(x + 1) : 0, q = y ? atoll(y + 1) : 0;

	return p < q ? -1 : p > q;
}

/* Compare two items under ctx; ties go by id so the order is total.
 * Missing values (null year, never read) sort last in both directions. */
static int
cmp_items(const cJSON *a, const cJSON *b, const struct sortctx *c)
{
	int r = 0, na, nb;

	if (strcmp(c->key, "title") == 0) {
		const char *x = item_str(a, "title"), *y = item_str(b, "title");

		if (!x)
			x = item_str(a, "name");
		if (!y)
			y = item_str(b, "name");
		na = !x;
		nb = !y;
		if (!na && !nb)
			r = strcasecmp(x, y);
	} else if (strcmp(c->key, "year") == 0) {
		double x = mv_json_num(a, "year", -1), y = mv_json_num(b, "year", -1);

		na = x < 0;
		nb = y < 0;
		if (!na && !nb)
			r = x < y ? -1 : x > y;
	} else if (strcmp(c->key, "id") == 0) {
		na = nb = 0;
	} else {
		/* added and lastRead: the newest first. RFC 3339 UTC strings
		 * from one writer compare as text. */
		const char *k = strcmp(c->key, "added") == 0 ? "addedAt" : "lastRead";
		const char *x = item_str(a, k), *y = item_str(b, k);

		na = !x;
		nb = !y;
		if (!na && !nb)
			r = -strcmp(x, y);
	}
	if (na != nb)
		return na ? 1 : -1;
	if (c->reverse)
		r = -r;
	if (r == 0)
		r = c->reverse ? -cmp_id(a, b) : cmp_id(a, b);
	return r;
}

static int
cmp_qsort(const void *a, const void *b, void *ctx)
{
	return cmp_items(*(cJSON *const *)a, *(cJSON *const *)b, ctx);
}

int
mv_index_sort_valid(const char *sort)
{
	if (*sort == '-')
		sort++;
	return strcmp(sort, "title") == 0 || strcmp(sort, "year") == 0 ||
	    strcmp(sort, "added") == 0 || strcmp(sort, "lastRead") == 0 ||
	    strcmp(sort, "id") == 0;
}

cJSON *
mv_index_page(const cJSON *items, const char *sort, long page, long per_page,
    const char *base)
{
	struct sortctx c;
	cJSON **v, *res, *arr, *it;
	long total, pages, i, from;
	int n = 0;

	if (!sort)
		sort = "id";
	if (!cJSON_IsArray(items) || !mv_index_sort_valid(sort) || page < 1 ||
	    per_page < 1) {
		errno = EINVAL;
		return NULL;
	}
	c.reverse = *sort == '-';
	c.key = sort + c.reverse;
	total = cJSON_GetArraySize(items);
	v = mv_xmalloc(((size_t)total + 1) * sizeof *v);
	cJSON_ArrayForEach(it, items)
		v[n++] = it;
	qsort_r(v, (size_t)n, sizeof *v, cmp_qsort, &c);
	pages = (total + per_page - 1) / per_page;
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "items");
	from = (page - 1) * per_page;
	for (i = from; i < total && i < from + per_page && from / per_page == page - 1; i++)
		cJSON_AddItemToArray(arr, cJSON_Duplicate(v[i], 1));
	free(v);
	cJSON_AddNumberToObject(res, "page", (double)page);
	cJSON_AddNumberToObject(res, "perPage", (double)per_page);
	cJSON_AddNumberToObject(res, "totalItems", (double)total);
	cJSON_AddNumberToObject(res, "totalPages", (double)pages);
	if (page < pages) {
		char *s = mv_xasprintf("%s?page=%ld&perPage=%ld&sort=%s",
		    base ? base : "", page + 1, per_page, sort);

		cJSON_AddStringToObject(res, "next", s);
		free(s);
	} else
		cJSON_AddNullToObject(res, "next");
	if (page > 1 && pages > 0) {
		char *s = mv_xasprintf("%s?page=%ld&perPage=%ld&sort=%s",
		    base ? base : "", page - 1 < pages ? page - 1 : pages, per_page, sort);

		cJSON_AddStringToObject(res, "prev", s);
		free(s);
	} else
		cJSON_AddNullToObject(res, "prev");
	return res;
}

cJSON *
mv_index_load(char kind, const char **why)
{
	char *path = mv_path("index/%s", kind == 'm' ? "movies.json" : "people.json");
	cJSON *doc = mv_json_load(path, 1024UL * 1024 * 1024, why);

	free(path);
	if (doc && (!cJSON_IsObject(doc) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "items")))) {
		cJSON_Delete(doc);
		errno = 0;
		*why = "not an index (no items array)";
		return NULL;
	}
	return doc;
}
