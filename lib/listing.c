/* listing.c: the one order, filter and page of every listing (mvctl, mvserve). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/*
 * mvctl and mvserve list the same index entries; when each sorted and
 * paged on its own, the two orders drifted apart on ties. Everything a
 * listing shows in which order lives here: the sort keys, the q filter,
 * the page arithmetic and the PaginatedResponse text with its links.
 * The order is documented in mv.h (and mvctl(1), mvserve(1)).
 */

static const char *const sort_names[MV_SORT_COUNT] = {
	"title", "year", "added", "lastRead", "id",
	"-title", "-year", "-added", "-lastRead", "-id",
};

int
mv_sort_parse(const char *s)
{
	for (int k = 0; s && k < MV_SORT_COUNT; k++)
		if (strcmp(sort_names[k], s) == 0)
			return k;
	return -1;
}

const char *
mv_sort_name(int sort)
{
	return sort >= 0 && sort < MV_SORT_COUNT ? sort_names[sort] : "title";
}

/* What a sort compares, taken from an item once per sort: looking the
 * members up in every comparison would cost n log n lookups. */
struct key {
	size_t pos;         /* place in the input: the last tie-break */
	long long num;      /* id number: m42 -> 42 */
	const char *fold;   /* folded title or name (title sort) */
	const char *s;      /* addedAt or lastRead; NULL if none */
	double year;        /* -1 if none */
	int missing;        /* the sort's value is absent or null */
};

/* strcmp of the first lines of two mv_list_fold texts: the title shown
 * sorts, the other titles only search, and ties still go by id. */
static int
fold_cmp(const char *a, const char *b)
{
	unsigned char x, y;

	for (;; a++, b++) {
		x = *a == '\n' ? 0 : (unsigned char)*a;
		y = *b == '\n' ? 0 : (unsigned char)*b;
		if (x != y || !x)
			return x < y ? -1 : x > y;
	}
}

static int
cmp_key(const void *a, const void *b, void *arg)
{
	const struct key *x = a, *y = b;
	int sort = *(const int *)arg, field = sort % 5, r = 0;

	if (x->missing != y->missing)
		return x->missing ? 1 : -1;  /* last, in both directions */
	if (!x->missing) {
		if (field == MV_SORT_TITLE)
			r = fold_cmp(x->fold, y->fold);
		else if (field == MV_SORT_YEAR)
			r = x->year < y->year ? -1 : x->year > y->year;
		else if (field != MV_SORT_ID)
			r = -strcmp(x->s, y->s);  /* newest first */
	}
	if (r == 0)
		r = x->num < y->num ? -1 : x->num > y->num;
	if (sort >= 5)
		r = -r;
	/* Two credits of one person in one movie: kept as given. */
	if (r == 0)
		r = x->pos < y->pos ? -1 : x->pos > y->pos;
	return r;
}

/* The number of an index id ("m42", "p7"), or -1. */
static long long
id_number(const cJSON *it)
{
	const char *id = mv_json_str(it, "id", NULL);

	return id && id[0] && id[1] >= '0' && id[1] <= '9' ? atoll(id + 1) : -1;
}

void
mv_list_fold_add(struct mv_buf *b, const char *s, int first)
{
	char *f;

	if (!first && (!s || !*s))
		return;
	f = mv_title_fold(s);
	if (!first)
		mv_buf_add(b, "\n", 1);
	mv_buf_adds(b, f);
	free(f);
}

/*
 * The title (TMDB's default) comes first, as the title sort reads it;
 * every other title the movie is known by follows, one a line: a folded
 * q never holds a newline, so it matches within one title only.
 */
char *
mv_list_fold(const cJSON *item)
{
	const char *s = mv_json_str(item, "title", NULL);
	struct mv_buf b = {0};
	const cJSON *v;

	if (!s)
		s = mv_json_str(item, "name", NULL);
	if (!s)
		return NULL;
	if (!mv_json_str(item, "originalTitle", NULL) &&
	    !cJSON_GetObjectItemCaseSensitive(item, "titles") &&
	    !cJSON_GetObjectItemCaseSensitive(item, "alternativeTitles"))
		return mv_title_fold(s);
	b.buf = mv_title_fold(s);
	b.len = b.cap = strlen(b.buf);
	mv_list_fold_add(&b, mv_json_str(item, "originalTitle", NULL), 0);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "titles"))
		mv_list_fold_add(&b, cJSON_IsString(v) ? v->valuestring : NULL, 0);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "alternativeTitles"))
		mv_list_fold_add(&b, cJSON_IsString(v) ? v->valuestring : NULL, 0);
	return b.buf;
}

/* Sort v[0..n) (pos filled) by sort and write the positions to order. */
static void
order_keys(struct key *v, size_t n, int sort, size_t *order)
{
	qsort_r(v, n, sizeof *v, cmp_key, &sort);
	for (size_t i = 0; i < n; i++)
		order[i] = v[i].pos;
}

void
mv_list_order(const cJSON *const *items, size_t n, int sort, size_t *order)
{
	static const char *const dates[] = { "addedAt", "lastRead" };
	int field = sort % 5;
	struct key *v = mv_xcalloc(n + 1, sizeof *v);
	char **folds = field == MV_SORT_TITLE ? mv_xcalloc(n + 1, sizeof *folds) : NULL;

	for (size_t i = 0; i < n; i++) {
		const cJSON *it = items[i];

		v[i].pos = i;
		v[i].num = id_number(it);
		if (field == MV_SORT_TITLE) {
			v[i].fold = folds[i] = mv_list_fold(it);
			v[i].missing = !v[i].fold;
		} else if (field == MV_SORT_YEAR) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(it, "year");

			v[i].missing = !cJSON_IsNumber(y);
			v[i].year = v[i].missing ? -1 : y->valuedouble;
		} else if (field != MV_SORT_ID) {
			v[i].s = mv_json_str(it, dates[field - MV_SORT_ADDED], NULL);
			v[i].missing = !v[i].s;
		}
	}
	order_keys(v, n, sort, order);
	for (size_t i = 0; folds && i < n; i++)
		free(folds[i]);
	free(folds);
	free(v);
}

void
mv_list_order_keys(const struct mv_list_key *k, size_t n, int sort, size_t *order)
{
	int field = sort % 5;
	struct key *v = mv_xcalloc(n + 1, sizeof *v);

	for (size_t i = 0; i < n; i++) {
		v[i].pos = i;
		v[i].num = k[i].num;
		if (field == MV_SORT_TITLE) {
			v[i].fold = k[i].fold;
			v[i].missing = !v[i].fold;
		} else if (field == MV_SORT_YEAR) {
			v[i].missing = !k[i].has_year;
			v[i].year = v[i].missing ? -1 : k[i].year;
		} else if (field != MV_SORT_ID) {
			v[i].s = field == MV_SORT_ADDED ? k[i].added : k[i].last_read;
			v[i].missing = !v[i].s;
		}
	}
	order_keys(v, n, sort, order);
	free(v);
}

size_t
mv_list_filter(const cJSON *const *items, size_t *sel, size_t n, const char *q,
    char **folds)
{
	char *fq;
	size_t kept = 0;

	if (!q || !*q)
		return n;
	fq = mv_title_fold(q);
	/* A q of punctuation only folds to nothing: it filters nothing. */
	if (!*fq) {
		free(fq);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		size_t e = sel[i];
		char *f = folds ? folds[e] : NULL;

		if (!f && items)
			f = mv_list_fold(items[e]);
		if (f && strstr(f, fq))
			sel[kept++] = e;
		if (folds)
			folds[e] = f;
		else
			free(f);
	}
	free(fq);
	return kept;
}

long
mv_list_pages(const struct mv_listing *l, size_t total)
{
	return (long)((total + (size_t)l->per_page - 1) / (size_t)l->per_page);
}

void
mv_list_range(const struct mv_listing *l, size_t total, size_t *from, size_t *to)
{
	size_t per = (size_t)l->per_page, f = (size_t)(l->page - 1);

	/* A page past the end is empty, not an overflow. */
	*from = f > total / per ? total : f * per;
	if (*from > total)
		*from = total;
	*to = total - *from < per ? total : *from + per;
}

/* Append s percent-encoded for a query value. */
static void
url_encode(struct mv_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch)) {
			mv_buf_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			mv_buf_add(b, e, 3);
		}
	}
}

char *
mv_list_link(const char *base, const struct mv_listing *l, long page)
{
	struct mv_buf b = { 0 };

	mv_buf_printf(&b, "%s?page=%ld&perPage=%ld&sort=%s", base ? base : "",
	    page, l->per_page, mv_sort_name(l->sort));
	if (l->q && *l->q) {
		mv_buf_adds(&b, "&q=");
		url_encode(&b, l->q);
	}
	return b.buf;
}

/* Append ,"name":"<link>" or ,"name":null (page 0). */
static void
put_link(struct mv_buf *b, const char *name, const char *base,
    const struct mv_listing *l, long page)
{
	cJSON *s;
	char *t;

	mv_buf_printf(b, ",\"%s\":", name);
	if (page < 1) {
		mv_buf_adds(b, "null");
		return;
	}
	/* base may hold a person's id from a request: escape it as JSON. */
	t = mv_list_link(base, l, page);
	s = cJSON_CreateString(t);
	free(t);
	t = mv_json_compact(s);
	mv_buf_adds(b, t);
	free(t);
	cJSON_Delete(s);
}

void
mv_list_write(struct mv_buf *b, const struct mv_listing *l, size_t total,
    const char *base, mv_list_put_fn put, void *ctx)
{
	long pages = mv_list_pages(l, total);
	size_t from, to;

	mv_list_range(l, total, &from, &to);
	mv_buf_adds(b, "{\"items\":[");
	for (size_t i = from; i < to; i++) {
		if (i > from)
			mv_buf_adds(b, ",");
		put(b, i, ctx);
	}
	mv_buf_printf(b, "],\"page\":%ld,\"perPage\":%ld,\"totalItems\":%zu,"
	    "\"totalPages\":%ld", l->page, l->per_page, total, pages);
	put_link(b, "next", base, l, l->page < pages ? l->page + 1 : 0);
	/* Past the end, prev still leads back to the last page. */
	put_link(b, "prev", base, l, l->page > 1 && pages > 0 ?
	    (l->page - 1 < pages ? l->page - 1 : pages) : 0);
	mv_buf_adds(b, "}");
}

/* ---- the review queue --------------------------------------------------- */

long
mv_review_count(void)
{
	static const char note[] = ".why.json";
	size_t n, len, nl = sizeof note - 1;
	char **v = mv_dir_list("quarantine", NULL, &n);
	long c = 0;

	for (size_t i = 0; i < n; i++) {
		const char *t;

		len = strlen(v[i]);
		if (len > nl && strcmp(v[i] + len - nl, note) == 0)
			continue;
		/* A note's temp file ("x.mkv.why.json.tmp.<pid>") is no video. */
		if ((t = strstr(v[i], ".why.json.tmp.")) && !strchr(t + 14, '.'))
			continue;
		c++;
	}
	mv_list_free(v, n);
	return c;
}
