/* collections.c: GET /collections and /collections/{id}/movies, from index/collections.json, kept until the file changes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mv.h"
#include "mvserve.h"

/*
 * index/collections.json parsed once and kept until its mtime, size or
 * inode changes, as table.c keeps the other indexes. Its items are in
 * tmdb order; the name orders (title, -title) are computed on first use.
 */
static struct {
	cJSON *doc;
	const cJSON **items;
	size_t n;
	char **fold;             /* folded names for q, lazily */
	size_t *order[2];        /* by name, by name reversed; lazily */
	struct stat st;          /* st_ino 0: not loaded */
} co;

static void
co_clear(void)
{
	for (size_t i = 0; i < co.n; i++)
		free(co.fold[i]);
	free(co.fold);
	free(co.items);
	free(co.order[0]);
	free(co.order[1]);
	cJSON_Delete(co.doc);
	memset(&co, 0, sizeof co);
}

/* Bring co up to date with the file. A missing file is no collection;
 * one that cannot be read keeps what was loaded (said once per version
 * of the file). Returns 0, or -1 if nothing usable was ever loaded. */
static int
co_fresh(void)
{
	static struct stat bad;
	char *path = mv_path("index/collections.json");
	const cJSON *items, *it;
	const char *why;
	struct stat st;
	cJSON *doc;

	if (stat(path, &st) < 0) {
		free(path);
		co_clear();
		return 0;
	}
	if (st.st_ino == co.st.st_ino && st.st_size == co.st.st_size &&
	    st.st_mtim.tv_sec == co.st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == co.st.st_mtim.tv_nsec) {
		free(path);
		return 0;
	}
	doc = mv_json_load(path, MV_INDEX_MAX, &why);
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (doc && !cJSON_IsArray(items))
		why = "not an index (no items array)";
	if (!cJSON_IsArray(items)) {
		if (st.st_ino != bad.st_ino || st.st_mtim.tv_sec != bad.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != bad.st_mtim.tv_nsec)
			mv_warnx("unable to read %s: %s", path, why);
		bad = st;
		cJSON_Delete(doc);
		free(path);
		return co.st.st_ino ? 0 : -1;
	}
	free(path);
	co_clear();
	co.doc = doc;
	co.st = st;
	co.items = mv_xmalloc(((size_t)cJSON_GetArraySize(items) + 1) * sizeof *co.items);
	cJSON_ArrayForEach(it, items)
		if (cJSON_IsObject(it) && mv_json_int(it, "tmdb", 0) > 0)
			co.items[co.n++] = it;
	co.fold = mv_xcalloc(co.n + 1, sizeof *co.fold);
	if (verbose)
		mv_warnx("loaded index/collections.json: %zu entries", co.n);
	return 0;
}

/* mv_list_write's item writer: a collection as the index holds it. */
static void
put_coll(struct mv_buf *b, size_t i, void *ctx)
{
	const size_t *sel = ctx;
	char *s = mv_json_compact(co.items[sel[i]]);

	mv_buf_adds(b, s);
	free(s);
}

/* GET /collections: every collection, by name (sort title or -title),
 * q matching the folded name. */
static enum MHD_Result
list(struct MHD_Connection *c)
{
	struct mv_listing l;
	struct mv_buf b = { 0 };
	enum MHD_Result res;
	size_t *sel, total;
	int k;

	if (listing_args(c, &l, &res) < 0)
		return res;
	if (l.sort % 5 != MV_SORT_TITLE)
		return send_error(c, 400, "bad sort: title or -title");
	if (co_fresh() < 0)
		return send_error(c, 500, "unable to read index/collections.json");
	k = l.sort != MV_SORT_TITLE;
	if (!co.order[k]) {
		co.order[k] = mv_xmalloc((co.n + 1) * sizeof **co.order);
		mv_list_order(co.items, co.n, l.sort, co.order[k]);
	}
	sel = mv_xmalloc((co.n + 1) * sizeof *sel);
	memcpy(sel, co.order[k], co.n * sizeof *sel);
	total = mv_list_filter(co.items, sel, co.n, l.q, co.fold);
	mv_list_write(&b, &l, total, "/collections", put_coll, sel);
	free(sel);
	return send_json(c, 200, &b, "no-cache");
}

/* The collection of tmdb id tok (digits), or NULL. */
static const cJSON *
co_find(const char *tok)
{
	long long id;

	errno = 0;
	id = strtoll(tok, NULL, 10);
	for (size_t i = 0; !errno && i < co.n; i++)
		if (mv_json_int(co.items[i], "tmdb", 0) == id)
			return co.items[i];
	return NULL;
}

/*
 * GET /collections/{id}/movies: the collection's movies, each a movie
 * index entry with its card members as /movies gives it, oldest first
 * (sort year) unless a sort is asked for. A movie the movie index does
 * not hold yet is left out.
 */
static enum MHD_Result
movies_of(struct MHD_Connection *c, const char *tok)
{
	struct mv_listing l;
	struct mv_buf b = { 0 };
	char lb[8];
	struct page pg = { &movies, NULL, NULL, req_lang(c, lb), 0 };
	enum MHD_Result res;
	const cJSON *coll, *list, *m;
	size_t n = 0, *ent, *ord, *es;
	char *base;

	if (!mv_all_digits(tok) || tok[0] == '0' || strlen(tok) > 18)
		return send_error(c, 400, "bad collection id \"%s\"", tok);
	if (listing_args(c, &l, &res) < 0)
		return res;
	if (!MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "sort"))
		l.sort = MV_SORT_YEAR;
	if (co_fresh() < 0 || table_fresh(&movies) < 0)
		return send_error(c, 500, "unable to read the indexes");
	if (!(coll = co_find(tok)))
		return send_error(c, 404, "no collection %s", tok);
	list = cJSON_GetObjectItemCaseSensitive(coll, "movies");
	ent = mv_xmalloc(((size_t)cJSON_GetArraySize(list) + 1) * sizeof *ent);
	cJSON_ArrayForEach(m, list) {
		long e = table_find(&movies, cJSON_GetStringValue(m));

		if (e < 0)
			continue;  /* the movie index lags behind; skip */
		ent[n++] = (size_t)e;
	}
	ord = mv_xmalloc((n + 1) * sizeof *ord);
	table_order_some(&movies, ent, n, l.sort, ord);
	es = mv_xmalloc((n + 1) * sizeof *es);
	for (size_t j = 0; j < n; j++)
		es[j] = ent[ord[j]];
	pg.ent = es;
	base = mv_xasprintf("/collections/%s/movies", tok);
	l.q = NULL;
	mv_list_write(&b, &l, n, base, put_entry, &pg);
	free(base);
	free(ent);
	free(ord);
	free(es);
	return send_json(c, 200, &b, "no-cache");
}

enum MHD_Result
collections_route(struct MHD_Connection *c, char **seg, int n)
{
	if (n == 1)
		return list(c);
	if (n == 3 && strcmp(seg[2], "movies") == 0)
		return movies_of(c, seg[1]);
	return send_error(c, 404, "no such route");
}
