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
 * documents of tens of kilobytes, and building a tree of every credit and release date made a
 * full rebuild of 10,000 movies and 50,000 people take over a second.
 *
 * Every record is a node in a hash map by id. A person's movie list is
 * the union of two sources: the person's own movies[] (SRC_PERSON) and
 * the credits of every movie that names it (SRC_MOVIE); each link carries
 * the bits of the sources that gave it, so reloading one profile replaces
 * exactly what that profile said. A movie node knows the people linked to
 * it, so reloading a movie touches only those people.
 *
 * Each present node caches its compact item text; a write concatenates
 * the cached texts, so an incremental update costs the changed entries
 * plus one copy of the file.
 */

#define PROFILE_MAX (16 * 1024 * 1024)
#define SRC_PERSON 1
#define SRC_MOVIE 2

struct node;

struct link {
	long long mnum;        /* movie->num, here to spare a cache miss */
	struct node *movie;
	char *detail;          /* character (cast) or job (crew); owned */
	char role;             /* 'c' cast, 'w' crew */
	unsigned char src;     /* SRC_* bits */
};

struct node {
	char id[24];           /* "m12" or "p7"; inline: one cache miss less */
	long long num;         /* the number in the id, for sorting */
	int present;           /* a valid profile is on disk */
	char *json;            /* cached item text, NULL when stale */
	size_t jlen;           /* its length */
	char *extjson;         /* cached byExternal members, NULL when stale */
	char *name;            /* title (movie) or name (person) */
	char *level, *status;
	int year;              /* 0: null */
	long long tmdb;        /* 0: none */
	char *imdb, *added, *video, *last_read;
	char **ext;            /* "source:value" keys, for byExternal, claims */
	size_t next;
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

struct mv_index {
	struct map movies, people;
	struct node **msorted, **psorted; /* present or not, by num */
	size_t nm, np, capm, capp;
	int mdirty, pdirty;               /* the file needs writing */
	int nosync;
	struct refmap mref, pref;         /* external ids of movies, people */
	struct mv_buf text;               /* reused by every write */
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
 * array gets it at its place (new ids are usually the largest). */
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
	snprintf(x->id, sizeof x->id, "%s", id);
	x->num = atoll(id + 1);
	map_put(m, x);
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*arr = mv_xrealloc(*arr, *cap * sizeof **arr);
	}
	lo = 0;
	hi = *n;
	if (*n && (*arr)[*n - 1]->num < x->num)
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
link_key_cmp(const struct link *l, const struct node *movie, char role,
    const char *detail)
{
	if (l->mnum != movie->num)
		return l->mnum < movie->num ? -1 : 1;
	if (l->role != role)
		return l->role == 'c' ? -1 : 1;
	if (!l->detail || !detail)
		return (l->detail != NULL) - (detail != NULL);
	return strcmp(l->detail, detail);
}

/*
 * Add a link (detail consumed: kept or freed), or add src to the same
 * link already there. The list stays sorted, found by binary search:
 * a much-credited person has hundreds of links.
 */
static void
link_add(struct node *person, struct node *movie, char role, char *detail,
    unsigned char src)
{
	size_t lo = 0, hi = person->nlinks;
	struct link *l;
	int c;

	/* Scans add in movie order: try the end first. */
	if (hi && link_key_cmp(&person->links[hi - 1], movie, role, detail) < 0)
		lo = hi;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		c = link_key_cmp(&person->links[mid], movie, role, detail);
		if (c == 0) {
			person->links[mid].src |= src;
			free(detail);
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
	l->detail = detail;
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
	char *detail;
	char role;
};

struct prof {
	char *id, *name, *level, *status, *imdb, *created, *vadded, *vpath;
	double schema, year, tmdb;
	int has_schema, has_year, has_tmdb, year_null;
	char **ext;
	size_t next, capext;
	struct pend *pend;
	size_t npend, cappend;
};

static void
prof_free(struct prof *p)
{
	free(p->id);
	free(p->name);
	free(p->level);
	free(p->status);
	free(p->imdb);
	free(p->created);
	free(p->vadded);
	free(p->vpath);
	strv_free(p->ext, p->next);
	for (size_t i = 0; i < p->npend; i++) {
		free(p->pend[i].detail);
	}
	free(p->pend);
	memset(p, 0, sizeof *p);
}

/* who (a valid id, consumed) and detail (consumed) become a pending link. */
static void
pend_add(struct prof *p, char *who, char *detail, char role)
{
	struct pend *e;

	if (p->npend == p->cappend) {
		p->cappend = p->cappend ? p->cappend * 2 : 32;
		p->pend = mv_xrealloc(p->pend, p->cappend * sizeof *p->pend);
	}
	e = &p->pend[p->npend++];
	snprintf(e->who, sizeof e->who, "%s", who);
	e->detail = detail;
	e->role = role;
	free(who);
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
				ext_add(p, mv_xasprintf("%s:%s", src, val));
			if (strcmp(src, "imdb") == 0 && *val) {
				free(p->imdb);
				p->imdb = val;
			} else
				free(val);
		} else if (s->p < s->e && (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))) {
			if (mv_js_num(s, &v) < 0)
				return -1;
			if (v == floor(v) && v > 0 && v < 9007199254740992.0) {
				ext_add(p, mv_xasprintf("%s:%lld", src, (long long)v));
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
		char *who = NULL, *ch = NULL, *job = NULL, *rl = NULL;
		int f2 = 1;
		char myrole = role;

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
				r = get_str(s, &who);
			else if (mv_js_key_is(k, n, "character"))
				r = get_str(s, &ch);
			else if (mv_js_key_is(k, n, "job"))
				r = get_str(s, &job);
			else if (!role && mv_js_key_is(k, n, "role"))
				r = get_str(s, &rl);
			else
				r = mv_js_skip(s);
			if (r < 0)
				break;
		}
		if (!role && rl)
			myrole = strcmp(rl, "cast") == 0 ? 'c' :
			    strcmp(rl, "crew") == 0 ? 'w' : 0;
		free(rl);
		if (r < 0 || !myrole || !id_ok(who, want)) {
			free(who);
			free(ch);
			free(job);
			if (r < 0)
				return -1;
			continue;
		}
		if (myrole == 'c') {
			free(job);
			pend_add(p, who, ch, 'c');
		} else {
			free(ch);
			pend_add(p, who, job, 'w');
		}
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
 * (a static reason) if it cannot be used.
 */
static int
prof_read(int dfd, const char *id, struct prof *p, const char **why)
{
	char name[32];
	size_t len = 0;
	ssize_t got;
	struct mv_js s;
	int fd;

	memset(p, 0, sizeof *p);
	*why = NULL;
	snprintf(name, sizeof name, "%s.json", id);
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
			*why = errno == EISDIR ? "not a regular file" :
			    errno == EAGAIN ? "not a regular file" : strerror(errno);
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
		else
			*why = prof_check(p, id[0], id);
	}
	if (*why) {
		prof_free(p);
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

/* prof_read, reporting what is wrong: "unable to read Movies/m3.json: ..." */
static int
prof_load(const char *id, struct prof *p)
{
	const char *why;
	int r = prof_read(-1, id, p, &why);

	if (r < 0)
		prof_warn(id, why);
	return r;
}

/*
 * Read many profiles on all CPUs while this thread applies them: reading
 * and scanning the files is most of a rebuild, and the files are
 * independent. Workers fill a ring of WINDOW slots ahead of the applier,
 * so memory stays bounded; results are applied (and reported) in id
 * order, so the output and the messages do not depend on thread timing.
 */
#define WINDOW 1024

struct batch {
	int dfd;               /* Movies/ or People/ */
	char **ids;
	size_t n;
	struct prof profs[WINDOW];
	const char *why[WINDOW];
	int res[WINDOW];
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
		b->res[k] = prof_read(b->dfd, b->ids[i], &b->profs[k], &b->why[k]);
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

/* Start the readers: one per CPU (at most 8). Returns how many. */
static int
batch_start(struct batch *b, pthread_t *th)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = 0;

	if (cpus < 1)
		cpus = 1;
	if (cpus > 8)
		cpus = 8;
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

		link_add(per, m, p->pend[i].role, p->pend[i].detail, SRC_MOVIE);
		p->pend[i].detail = NULL;
		a[n++] = per;
	}
	*aff = a;
	return n;
}

static void
person_links(struct mv_index *ix, struct node *per, struct prof *p)
{
	links_drop(per, NULL, SRC_PERSON);
	for (size_t i = 0; p && i < p->npend; i++) {
		link_add(per, node_get(ix, p->pend[i].who),
		    p->pend[i].role, p->pend[i].detail, SRC_PERSON);
		p->pend[i].detail = NULL;
	}
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

/* 1 if one of the 8 bytes of w is below 0x20, '"' or '\\' (SWAR). */
static inline int
word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');

	return ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high) != 0;
}

/* s as a JSON string. Most strings need no escape: they are checked
 * eight bytes at a time and copied whole. */
static void
jstr(struct mv_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0, lim;
	const char *run = s;
	uint64_t w;

	put(b, "\"", 1);
	while (i < n) {
		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (!word_special(w)) {
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
	mv_buf_adds(&b, "{\"id\":");
	jstr(&b, x->id);
	if (x->id[0] == 'm') {
		mv_buf_adds(&b, ",\"title\":");
		jstr(&b, x->name);
		if (x->year)
			mv_buf_printf(&b, ",\"year\":%d", x->year);
		else
			mv_buf_adds(&b, ",\"year\":null");
		mv_buf_adds(&b, ",\"level\":");
		jstr(&b, x->level);
		mv_buf_adds(&b, ",\"status\":");
		jstr(&b, x->status);
		if (x->tmdb)
			mv_buf_printf(&b, ",\"tmdb\":%lld", x->tmdb);
		else
			mv_buf_adds(&b, ",\"tmdb\":null");
		mv_buf_adds(&b, ",\"imdb\":");
		jstr_or_null(&b, x->imdb);
		mv_buf_adds(&b, ",\"addedAt\":");
		jstr_or_null(&b, x->added);
		mv_buf_adds(&b, ",\"lastRead\":");
		jstr_or_null(&b, x->last_read);
		mv_buf_adds(&b, ",\"video\":");
		jstr_or_null(&b, x->video);
	} else {
		mv_buf_adds(&b, ",\"name\":");
		jstr(&b, x->name);
		if (x->tmdb)
			mv_buf_printf(&b, ",\"tmdb\":%lld", x->tmdb);
		else
			mv_buf_adds(&b, ",\"tmdb\":null");
		mv_buf_adds(&b, ",\"level\":");
		jstr(&b, x->level);
		mv_buf_adds(&b, ",\"movies\":[");
		for (size_t i = 0; i < x->nlinks; i++) {
			struct link *l = &x->links[i];

			if (i)
				mv_buf_add(&b, ",", 1);
			mv_buf_adds(&b, "{\"movie\":");
			jstr(&b, l->movie->id);
			mv_buf_adds(&b, l->role == 'c' ? ",\"role\":\"cast\",\"character\":" :
			    ",\"role\":\"crew\",\"job\":");
			jstr(&b, l->detail ? l->detail : "");
			mv_buf_add(&b, "}", 1);
		}
		mv_buf_add(&b, "]", 1);
	}
	mv_buf_add(&b, "}", 1);
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
	return x->extjson;
}

/*
 * The whole document text of one index (kind 'm' or 'p') into b. Made of
 * the cached texts of the entries, so that a write after a small change
 * costs one pass over memory. byExternal is de-duplicated (first record
 * in id order wins) only when some outside id has two holders.
 */
static void
index_text(struct mv_index *ix, char kind, struct mv_buf *b)
{
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t n = kind == 'm' ? ix->nm : ix->np, count = 0, next = 0, i, j;
	struct refmap *ref = kind == 'm' ? &ix->mref : &ix->pref;
	struct sset set;
	char when[32];
	int first = 1;

	for (i = 0; i < n; i++)
		if (arr[i]->present) {
			count++;
			next += arr[i]->next;
		}
	mv_buf_printf(b, "{\"schemaVersion\":1,\"generatedAt\":\"%s\",\"count\":%zu,\"items\":[",
	    mv_time_fmt(mv_now(), when), count);
	for (i = 0; i < n; i++) {
		if (!arr[i]->present)
			continue;
		node_json(arr[i]);
		mv_buf_add(b, first ? "\n" : ",\n", first ? 1 : 2);
		mv_buf_add(b, arr[i]->json, arr[i]->jlen);
		first = 0;
	}
	mv_buf_adds(b, "\n],\"byExternal\":{");
	first = 1;
	if (ref->dups == 0) {
		for (i = 0; i < n; i++) {
			const char *e;

			if (!arr[i]->present || !arr[i]->next)
				continue;
			e = node_extjson(arr[i]);
			if (!first)
				mv_buf_add(b, ",", 1);
			mv_buf_adds(b, e);
			first = 0;
		}
	} else {
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
					mv_buf_add(b, ",", 1);
				first = 0;
				jstr(b, arr[i]->ext[j]);
				mv_buf_add(b, ":", 1);
				jstr(b, arr[i]->id);
			}
		}
		free(set.slot);
	}
	mv_buf_adds(b, "}}\n");
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
	free(ix);
	free(rbuf);
	rbuf = NULL;
	rcap = 0;
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

int
mv_index_dirty(const struct mv_index *ix)
{
	return ix->mdirty || ix->pdirty;
}

/* Reload the movie id: its entry and the people lists its credits touch. */
static int
update_movie(struct mv_index *ix, const char *id)
{
	struct node *m = node_get(ix, id), **aff;
	struct prof p;
	size_t n, i;
	int r = prof_load(id, &p);

	if (r <= 0) {
		/* Gone or broken: out of the index, as a rebuild would do. */
		if (m->present)
			ix->mdirty = 1;
		node_clear(ix, m);
		memset(&p, 0, sizeof p);
	} else {
		char *old = m->json;

		m->json = NULL;
		node_fill(ix, m, &p);
		node_json(m);
		if (!old || strcmp(old, m->json) != 0)
			ix->mdirty = 1;
		free(old);
	}
	n = movie_credits(ix, m, &p, &aff);
	for (i = 0; i < n; i++) {
		struct node *per = aff[i];
		char *old;

		if (!per->present)
			continue;
		if (!per->json) {
			ix->pdirty = 1;
			continue;
		}
		old = per->json;
		per->json = NULL;
		if (strcmp(old, node_json(per)) != 0)
			ix->pdirty = 1;
		free(old);
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
	int r = prof_load(id, &p);
	char *old = x->json;

	x->json = NULL;
	if (r <= 0) {
		if (x->present)
			ix->pdirty = 1;
		free(old);
		old = NULL;
		node_clear(ix, x);
		person_links(ix, x, NULL);
	} else {
		node_fill(ix, x, &p);
		person_links(ix, x, &p);
		if (!old || strcmp(old, node_json(x)) != 0)
			ix->pdirty = 1;
	}
	free(old);
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
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t n = strlen(x), m = strlen(y);

	return n != m ? (n < m ? -1 : 1) : strcmp(x, y);
}

/* Sorted list of the ids in dir ("Movies"), by number. *n gets the count. */
static char **
list_ids(const char *dir, char kind, size_t *n)
{
	char *path = mv_path("%s", dir), **v = NULL;
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
		char id[64];

		if (len < 7 || len >= sizeof id || strcmp(e->d_name + len - 5, ".json"))
			continue;
		memcpy(id, e->d_name, len - 5);
		id[len - 5] = '\0';
		if (!id_ok(id, kind))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = mv_xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = mv_xstrdup(id);
	}
	closedir(d);
	/* In id order: messages come out in a stable order, and every
	 * node_get appends to the sorted arrays instead of inserting. */
	if (*n)
		qsort(v, *n, sizeof *v, id_cmp);
	return v;
}

int
mv_index_usage(struct mv_index *ix)
{
	char *path = mv_path("stats/usage.json");
	const char *why;
	cJSON *doc = mv_json_load(path, 256 * 1024 * 1024, &why), *movies, *e;
	int changed = 0;

	free(path);
	if (!doc) {
		if (errno == ENOENT)
			return 0;
		mv_warnx("unable to read stats/usage.json: %s", why);
		return -1;
	}
	movies = cJSON_GetObjectItemCaseSensitive(doc, "movies");
	if (!cJSON_IsObject(movies)) {
		mv_warnx("unable to read stats/usage.json: no movies object");
		cJSON_Delete(doc);
		return -1;
	}
	/* Every movie's lastRead comes from the file; absent means never. */
	for (size_t i = 0; i < ix->nm; i++) {
		struct node *x = ix->msorted[i];
		const char *last = NULL;

		e = cJSON_GetObjectItemCaseSensitive(movies, x->id);
		if (cJSON_IsObject(e))
			last = mv_json_str(e, "last", NULL);
		if (same_str(last, x->last_read))
			continue;
		free(x->last_read);
		x->last_read = last ? mv_xstrdup(last) : NULL;
		free(x->json);
		x->json = NULL;
		if (x->present) {
			ix->mdirty = 1;
			changed = 1;
		}
	}
	cJSON_Delete(doc);
	return changed;
}

long
mv_index_scan(struct mv_index *ix)
{
	long skipped = 0;
	struct batch *b = mv_xcalloc(1, sizeof *b);
	pthread_t th[8];
	size_t i;
	int nth;

	for (int k = 0; k < 2; k++) {
		char *dir = mv_path("%s", k ? "People" : "Movies");

		memset(b, 0, sizeof *b);
		b->ids = list_ids(k ? "People" : "Movies", k ? 'p' : 'm', &b->n);
		b->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		nth = batch_start(b, th);
		for (i = 0; i < b->n; i++) {
			size_t slot = batch_take(b, i);
			struct node *x = node_get(ix, b->ids[i]), **aff;
			struct prof *p = &b->profs[slot];

			if (b->res[slot] > 0) {
				node_fill(ix, x, p);
				if (k)
					person_links(ix, x, p);
				else {
					movie_credits(ix, x, p, &aff);
					free(aff);
				}
			} else if (b->res[slot] < 0) {
				prof_warn(b->ids[i], b->why[slot]);
				skipped++;
			}
			prof_free(p);
			free(b->ids[i]);
			batch_release(b, i);
		}
		batch_end(b, th, nth);
		if (b->dfd >= 0)
			close(b->dfd);
		free(b->ids);
	}
	free(b);
	mv_index_usage(ix);
	/* Every entry's text now, so that an update can tell whether it
	 * changed an entry; a write after a scan reuses them. */
	for (i = 0; i < ix->nm; i++)
		if (ix->msorted[i]->present)
			node_json(ix->msorted[i]);
	for (i = 0; i < ix->np; i++)
		if (ix->psorted[i]->present)
			node_json(ix->psorted[i]);
	ix->mdirty = ix->pdirty = 0;
	return skipped;
}

/* Write path atomically; without fsync when the index says nosync. */
static int
write_file(struct mv_index *ix, const char *path, const struct mv_buf *b)
{
	return ix->nosync ? mv_write_atomic_nosync(path, b->buf, b->len) :
	    mv_write_atomic(path, b->buf, b->len);
}

int
mv_index_write(struct mv_index *ix, int force)
{
	struct mv_buf *b = &ix->text;
	char *path;
	int r = 0;

	for (int k = 0; k < 2 && r == 0; k++) {
		char kind = k ? 'p' : 'm';
		int *dirty = k ? &ix->pdirty : &ix->mdirty;

		if (!force && !*dirty)
			continue;
		b->len = 0;
		index_text(ix, kind, b);
		path = mv_path("index/%s", k ? "people.json" : "movies.json");
		r = write_file(ix, path, b);
		if (r < 0 && errno == ENOENT) {
			char *dir = mv_path("index");

			if (mv_mkdir_p(dir, 0755) == 0)
				r = write_file(ix, path, b);
			free(dir);
		}
		if (r < 0)
			mv_warn("write index/%s", k ? "people.json" : "movies.json");
		else
			*dirty = 0;
		free(path);
	}
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

static int
node_has_ext(const struct node *x, const char *key)
{
	for (size_t i = 0; x && x->present && i < x->next; i++)
		if (strcmp(x->ext[i], key) == 0)
			return 1;
	return 0;
}

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

/*
 * Read index/ext/<kind>/ into *c, dropping (or with report, printing)
 * the claims that no present profile backs. Returns how many were stale.
 */
static long
read_claims(struct mv_index *ix, char kind, struct claimset *c, FILE *report)
{
	char *dir = mv_path("index/ext/%c", kind), target[64];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	long n = 0;
	ssize_t len;

	free(dir);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	while ((e = readdir(d))) {
		char *colon = strchr(e->d_name, ':');
		struct node *x;

		if (e->d_name[0] == '.' || !colon)
			continue;
		len = readlinkat(dfd, e->d_name, target, sizeof target - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		x = id_ok(target, kind) ?
		    map_get(kind == 'm' ? &ix->movies : &ix->people, target) : NULL;
		if (x && node_has_ext(x, e->d_name)) {
			claimset_put(c, mv_xstrdup(e->d_name), mv_xstrdup(target));
			continue;
		}
		n++;
		if (report)
			fprintf(report, "claims: %c/%s: stale: %s has no %s\n",
			    kind, e->d_name, target, e->d_name);
		else if (unlinkat(dfd, e->d_name, 0) < 0 && errno != ENOENT)
			mv_warn("remove claim index/ext/%c/%s", kind, e->d_name);
	}
	closedir(d);
	return n;
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
		struct claimset c = {0};

		long stale = read_claims(ix, kind, &c, report);

		/* Stale claims are problems to report, but only work to repair. */
		if (report)
			bad += stale;
		for (size_t i = 0; i < n; i++) {
			struct node *x = arr[i];

			for (size_t j = 0; x->present && j < x->next; j++) {
				const char *have = claimset_get(&c, x->ext[j]);
				char *key, *colon, *owner = NULL;

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
		claimset_free(&c);
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
	index_text(ix, kind, &b);
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
