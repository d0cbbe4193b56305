/* collections.c: index/collections.json, the collections of the movie index and their movies in release order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design. A collection is TMDB's belongs_to_collection, which a movie
 * profile keeps from basic up as "collection": {tmdb, name} or null.
 * The index reads it with the rest of the profile (the same scan, no
 * second pass over Movies/), and each movie node knows its collection.
 * The collections themselves are a small sorted array by tmdb id, each
 * with its movies in release order, kept up to date as nodes are
 * filled: an update touches one collection, found by binary search, and
 * marks the file dirty only when a movie joined, left or moved in its
 * collection. The file is small (one line per collection) and written
 * whole when dirty; a movie's update that leaves its collection alone
 * does not write it at all.
 */

int
idx_coll_key(const char *k, size_t n)
{
	return mv_js_key_is(k, n, "collection") || mv_js_key_is(k, n, "releaseDate");
}

/* {"tmdb": N, "name": "..."}; null or a malformed object is no
 * collection (mvctl check judges the document). */
static int
scan_collection(struct mv_js *s, struct collof *c)
{
	const char *k;
	size_t n;
	int first = 1, r;
	double v;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		mv_js_ws(s);
		if (mv_js_key_is(k, n, "tmdb") && s->p < s->e &&
		    *s->p >= '0' && *s->p <= '9') {
			if (mv_js_num(s, &v) < 0)
				return -1;
			c->tmdb = v >= 1 && v < 9007199254740992.0 && v == (double)(long long)v ?
			    (long long)v : 0;
		} else if (mv_js_key_is(k, n, "name"))
			r = idx_get_str(s, &c->name);
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	if (r < 0)
		return -1;
	if (!c->tmdb || !c->name || !*c->name) {
		c->tmdb = 0;
		free(c->name);
		c->name = NULL;
	}
	return 0;
}

int
idx_coll_scan(struct mv_js *s, struct prof *p, const char *k, size_t n)
{
	if (mv_js_key_is(k, n, "releaseDate"))
		return idx_get_str(s, &p->coll.date);
	return scan_collection(s, &p->coll);
}

void
idx_collof_free(struct collof *c)
{
	free(c->name);
	free(c->date);
	memset(c, 0, sizeof *c);
}

static int
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Release order: by date (a movie with none last), then id number. */
static int
release_cmp(const struct node *a, const struct node *b)
{
	int r;

	if (!a->coll.date != !b->coll.date)
		return a->coll.date ? -1 : 1;
	if (a->coll.date && (r = strcmp(a->coll.date, b->coll.date)) != 0)
		return r;
	return a->num < b->num ? -1 : a->num > b->num;
}

/* The position of tmdb in cs, or where it would go (*found 0). */
static size_t
coll_find(const struct colls *cs, long long tmdb, int *found)
{
	size_t lo = 0, hi = cs->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cs->v[mid]->tmdb == tmdb) {
			*found = 1;
			return mid;
		}
		if (cs->v[mid]->tmdb < tmdb)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
coll_leave(struct colls *cs, struct node *x)
{
	int found;
	size_t i = coll_find(cs, x->coll.tmdb, &found), j;
	struct coll *c;

	if (!found)
		return;
	c = cs->v[i];
	for (j = 0; j < c->n && c->m[j] != x; j++)
		;
	if (j == c->n)
		return;
	memmove(c->m + j, c->m + j + 1, (c->n - j - 1) * sizeof *c->m);
	if (--c->n)
		return;
	/* Nobody left: the collection goes from the file. */
	free(c->m);
	free(c);
	memmove(cs->v + i, cs->v + i + 1, (cs->n - i - 1) * sizeof *cs->v);
	cs->n--;
}

static void
coll_join(struct colls *cs, struct node *x)
{
	int found;
	size_t i = coll_find(cs, x->coll.tmdb, &found), lo, hi;
	struct coll *c;

	if (!found) {
		if (cs->n == cs->cap) {
			cs->cap = cs->cap ? cs->cap * 2 : 64;
			cs->v = mv_xrealloc(cs->v, cs->cap * sizeof *cs->v);
		}
		memmove(cs->v + i + 1, cs->v + i, (cs->n - i) * sizeof *cs->v);
		cs->v[i] = mv_xcalloc(1, sizeof **cs->v);
		cs->v[i]->tmdb = x->coll.tmdb;
		cs->n++;
	}
	c = cs->v[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4;
		c->m = mv_xrealloc(c->m, c->cap * sizeof *c->m);
	}
	for (lo = 0, hi = c->n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (release_cmp(c->m[mid], x) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(c->m + lo + 1, c->m + lo, (c->n - lo) * sizeof *c->m);
	c->m[lo] = x;
	c->n++;
}

void
idx_coll_set(struct mv_index *ix, struct node *x, struct collof *c, int year)
{
	struct collof none = {0};

	if (!c)
		c = &none;
	if (!c->tmdb) {
		idx_collof_free(c);
	} else if (!c->date && year > 0) {
		char y[16];

		snprintf(y, sizeof y, "%04d", year);
		c->date = mv_xstrdup(y);
	}
	if (x->coll.tmdb == c->tmdb && same_str(x->coll.name, c->name) &&
	    same_str(x->coll.date, c->date)) {
		idx_collof_free(c);
		return;
	}
	if (x->coll.tmdb)
		coll_leave(&ix->colls, x);
	idx_collof_free(&x->coll);
	x->coll = *c;
	memset(c, 0, sizeof *c);
	if (x->coll.tmdb)
		coll_join(&ix->colls, x);
	ix->colls.dirty = 1;
}

void
idx_colls_free(struct colls *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i]->m);
		free(cs->v[i]);
	}
	free(cs->v);
	memset(cs, 0, sizeof *cs);
}

/* ---- the file ---------------------------------------------------------- */

/*
 * The document: one line per collection, by tmdb id; its name is the
 * one its first movie gives (members enriched in different languages
 * may disagree, and a rule is needed that a rebuild repeats).
 */
static void
colls_text(const struct colls *cs, struct mv_buf *b)
{
	char when[32];

	mv_buf_printf(b, "{\"schemaVersion\":1,\"generatedAt\":\"%s\",\"count\":%zu,\"items\":[",
	    mv_time_fmt(mv_now(), when), cs->n);
	for (size_t i = 0; i < cs->n; i++) {
		const struct coll *c = cs->v[i];
		cJSON *name = cJSON_CreateString(c->m[0]->coll.name);
		char *ns = mv_json_compact(name);

		mv_buf_printf(b, "%s\n{\"tmdb\":%lld,\"name\":%s,\"count\":%zu,\"movies\":[",
		    i ? "," : "", c->tmdb, ns, c->n);
		for (size_t j = 0; j < c->n; j++)
			mv_buf_printf(b, "%s\"%s\"", j ? "," : "", c->m[j]->id);
		mv_buf_adds(b, "]}");
		free(ns);
		cJSON_Delete(name);
	}
	mv_buf_adds(b, "\n]}\n");
}

int
idx_colls_write(struct mv_index *ix, int force)
{
	struct mv_buf b = {0};
	char *path;
	int r;

	if (!force && !ix->colls.dirty)
		return 0;
	colls_text(&ix->colls, &b);
	path = mv_path("index/collections.json");
	r = ix->nosync ? mv_write_atomic_nosync(path, b.buf, b.len) :
	    mv_write_atomic(path, b.buf, b.len);
	if (r < 0 && errno == ENOENT) {
		char *dir = mv_path("index");

		if (mv_mkdir_p(dir, 0755) == 0)
			r = ix->nosync ? mv_write_atomic_nosync(path, b.buf, b.len) :
			    mv_write_atomic(path, b.buf, b.len);
		free(dir);
	}
	if (r < 0)
		mv_warn("write index/collections.json");
	else
		ix->colls.dirty = 0;
	free(path);
	mv_buf_free(&b);
	return r;
}

int
idx_colls_missing(void)
{
	char *path = mv_path("index/collections.json");
	int r = access(path, F_OK) < 0;

	free(path);
	return r;
}

/* ---- check -------------------------------------------------------------- */

/* The fresh item of tmdb among want[0..n) (sorted by tmdb), or -1. */
static long
want_find(const cJSON **want, size_t n, long long tmdb)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long long t = mv_json_int(want[mid], "tmdb", 0);

		if (t == tmdb)
			return (long)mid;
		if (t < tmdb)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Say which members of two items with one tmdb id differ. */
static void
check_differs(const cJSON *o, const cJSON *it, long long tmdb, FILE *out)
{
	static const char *const m[] = { "name", "count", "movies" };
	struct mv_buf d = {0};

	for (size_t i = 0; i < 3; i++)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(o, m[i]),
		    cJSON_GetObjectItemCaseSensitive(it, m[i]), 1))
			mv_buf_printf(&d, "%s%s", d.len ? "," : "", m[i]);
	fprintf(out, "collections: %lld: differs: %s\n", tmdb, d.len ? d.buf : "members");
	mv_buf_free(&d);
}

/* The items of the file (have) against a fresh text's (want, in tmdb
 * order, as written). Returns the problems found. */
static long
check_items(const cJSON *have, const cJSON *wantarr, FILE *out)
{
	size_t n = (size_t)cJSON_GetArraySize(wantarr), i = 0;
	const cJSON **want = mv_xmalloc((n + 1) * sizeof *want), *it;
	char *seen = mv_xcalloc(n + 1, 1);
	long bad = 0, w;
	long long prev = 0, t;

	cJSON_ArrayForEach(it, wantarr)
		want[i++] = it;
	cJSON_ArrayForEach(it, have) {
		if ((t = mv_json_int(it, "tmdb", 0)) < 1) {
			fprintf(out, "collections: an item has no valid tmdb id\n");
			bad++;
			continue;
		}
		if (t <= prev) {
			fprintf(out, "collections: %lld: out of order or repeated\n", t);
			bad++;
		}
		prev = t;
		if ((w = want_find(want, n, t)) < 0) {
			fprintf(out, "collections: %lld: in the index, but no movie in it\n", t);
			bad++;
			continue;
		}
		if (!cJSON_Compare(want[w], it, 1)) {
			check_differs(want[w], it, t, out);
			bad++;
		}
		seen[w] = 1;
	}
	for (i = 0; i < n; i++)
		if (!seen[i]) {
			fprintf(out, "collections: %lld: missing from the index\n",
			    mv_json_int(want[i], "tmdb", 0));
			bad++;
		}
	free(want);
	free(seen);
	return bad;
}

long
idx_colls_check(struct mv_index *ix, FILE *out)
{
	char *path = mv_path("index/collections.json");
	const char *why;
	cJSON *doc = mv_json_load(path, MV_INDEX_MAX, &why), *fresh;
	const cJSON *items;
	struct mv_buf b = {0};
	long bad = 0;

	free(path);
	if (!doc) {
		fprintf(out, "collections: unable to read index/collections.json: %s\n", why);
		return 1;
	}
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (!cJSON_IsArray(items)) {
		fprintf(out, "collections: index/collections.json has no items array\n");
		cJSON_Delete(doc);
		return 1;
	}
	if (mv_json_int(doc, "count", -1) != cJSON_GetArraySize(items)) {
		fprintf(out, "collections: count is %lld, items has %d\n",
		    mv_json_int(doc, "count", -1), cJSON_GetArraySize(items));
		bad++;
	}
	colls_text(&ix->colls, &b);
	fresh = cJSON_Parse(b.buf);
	mv_buf_free(&b);
	bad += check_items(items, cJSON_GetObjectItemCaseSensitive(fresh, "items"), out);
	cJSON_Delete(fresh);
	cJSON_Delete(doc);
	return bad;
}
