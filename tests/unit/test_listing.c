/* test_listing.c: the order, filter and pages of listings (lib/listing.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/* Five movies: ids out of order, a null year, one never read, one title
 * differing only in case so that ties fall back on the id. */
static const char ITEMS[] = "["
    "{\"id\":\"m10\",\"title\":\"brazil\",\"year\":1985,\"addedAt\":\"2026-11-03T09:00:00Z\",\"lastRead\":\"2026-11-20T10:00:00Z\"},"
    "{\"id\":\"m2\",\"title\":\"Alien\",\"year\":1979,\"addedAt\":\"2026-11-05T09:00:00Z\",\"lastRead\":null},"
    "{\"id\":\"m3\",\"title\":\"Brazil\",\"year\":null,\"addedAt\":\"2026-11-01T09:00:00Z\",\"lastRead\":\"2026-11-25T10:00:00Z\"},"
    "{\"id\":\"m1\",\"title\":\"Twelve Monkeys\",\"year\":1995,\"addedAt\":\"2026-11-02T09:00:00Z\",\"lastRead\":\"2026-11-21T10:00:00Z\"},"
    "{\"id\":\"m4\",\"title\":\"Zardoz\",\"year\":1974,\"addedAt\":null,\"lastRead\":null}"
    "]";

static struct mv_schemas *schemas;
static const cJSON *cur[64];  /* the items of the page being written */
static size_t sel[64];

static void
put_item(struct mv_buf *b, size_t i, void *ctx)
{
	char *s = mv_json_compact(cur[sel[i]]);

	(void)ctx;
	mv_buf_adds(b, s);
	free(s);
}

/* The PaginatedResponse of items for sort, page, per and q, as mvctl
 * and mvserve build it: order, filter, write. Checked against the
 * schema. A tree the caller deletes. */
static cJSON *
page_of(const cJSON *items, const char *sort, long page, long per,
    const char *base, const char *q)
{
	struct mv_listing l = { mv_sort_parse(sort), page, per, q };
	struct mv_buf b = { 0 };
	const cJSON *it;
	size_t n = 0;
	cJSON *doc;

	cJSON_ArrayForEach(it, items)
		cur[n++] = it;
	mv_list_order(cur, n, l.sort, sel);
	n = mv_list_filter(cur, sel, n, q, NULL);
	mv_list_write(&b, &l, n, base, put_item, NULL);
	doc = cJSON_Parse(b.buf);
	ok(doc && mv_schema_validate(schemas, "PaginatedResponse.json", doc,
	    mv_schema_err_print, "page") == 0, "%s page %ld is a valid PaginatedResponse", sort, page);
	mv_buf_free(&b);
	return doc;
}

/* The ids of a page, "m2 m10 m3", or NULL. Static buffer. */
static const char *
ids(const cJSON *page)
{
	static char buf[256];
	const cJSON *it;
	size_t n = 0;

	if (!page)
		return NULL;
	buf[0] = '\0';
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(page, "items"))
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? " " : "",
		    mv_json_str(it, "id", "?"));
	return buf;
}

static const char *
lnk(const cJSON *page, const char *k)
{
	return mv_json_str(page, k, NULL);
}

static int
is_null(const cJSON *page, const char *k)
{
	return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(page, k));
}

/* The whole order of items under sort, as ids. */
static const char *
order(const cJSON *items, const char *sort)
{
	static char buf[256];
	cJSON *p = page_of(items, sort, 1, 50, NULL, NULL);

	snprintf(buf, sizeof buf, "%s", ids(p));
	cJSON_Delete(p);
	return buf;
}

static void
test_paging(const cJSON *items)
{
	cJSON *p;

	p = page_of(items, "id", 1, 20, NULL, NULL);
	is_str(ids(p), "m1 m2 m3 m4 m10", "id: by id number, m2 < m10");
	is_int(mv_json_int(p, "page", 0), 1, "page");
	is_int(mv_json_int(p, "perPage", 0), 20, "perPage");
	is_int(mv_json_int(p, "totalItems", 0), 5, "totalItems");
	is_int(mv_json_int(p, "totalPages", 0), 1, "totalPages");
	ok(is_null(p, "next"), "no next on the last page");
	ok(is_null(p, "prev"), "no prev on the first page");
	cJSON_Delete(p);

	p = page_of(items, "title", 1, 2, "/movies", NULL);
	is_str(ids(p), "m2 m3", "title A-Z ignoring case; a tie goes by id");
	is_int(mv_json_int(p, "totalPages", 0), 3, "5 items by 2: 3 pages");
	is_str(lnk(p, "next"), "/movies?page=2&perPage=2&sort=title", "next link");
	ok(is_null(p, "prev"), "prev null on page 1");
	cJSON_Delete(p);

	p = page_of(items, "title", 2, 2, "/movies", NULL);
	is_str(ids(p), "m10 m1", "page 2");
	is_str(lnk(p, "prev"), "/movies?page=1&perPage=2&sort=title", "prev link");
	is_str(lnk(p, "next"), "/movies?page=3&perPage=2&sort=title", "next link");
	cJSON_Delete(p);

	p = page_of(items, "title", 3, 2, NULL, NULL);
	is_str(ids(p), "m4", "last page is short");
	ok(is_null(p, "next"), "no next after the last");
	is_str(lnk(p, "prev"), "?page=2&perPage=2&sort=title", "links without a base");
	cJSON_Delete(p);

	p = page_of(items, "title", 9, 2, NULL, NULL);
	is_str(ids(p), "", "past the end: no items");
	is_int(mv_json_int(p, "totalItems", 0), 5, "totalItems still told");
	is_str(lnk(p, "prev"), "?page=3&perPage=2&sort=title", "prev of a page past the end is the last page");
	ok(is_null(p, "next"), "no next past the end");
	cJSON_Delete(p);

	p = page_of(items, "-year", 1000000000L, 1000000000L, "/movies", NULL);
	is_str(ids(p), "", "a huge page of a huge size: empty, no overflow");
	is_str(lnk(p, "prev"), "/movies?page=1&perPage=1000000000&sort=-year", "its prev: the one page");
	cJSON_Delete(p);

	cJSON *empty = cJSON_CreateArray();
	p = page_of(empty, "title", 1, 20, NULL, NULL);
	is_int(mv_json_int(p, "totalPages", -1), 0, "no items: 0 pages");
	ok(is_null(p, "next") && is_null(p, "prev"), "no items: no links");
	cJSON_Delete(p);
	cJSON_Delete(empty);
}

static void
test_order(const cJSON *items)
{
	is_str(order(items, "-title"), "m4 m1 m10 m3 m2", "-title: Z-A, ties by id reversed");
	is_str(order(items, "year"), "m4 m2 m10 m1 m3", "year oldest first, null last");
	is_str(order(items, "-year"), "m1 m10 m2 m4 m3", "-year newest first, null still last");
	is_str(order(items, "added"), "m2 m10 m1 m3 m4", "added newest first, none last");
	is_str(order(items, "-added"), "m3 m1 m10 m2 m4", "-added oldest first, none last");
	is_str(order(items, "lastRead"), "m3 m1 m10 m2 m4", "lastRead most recent first, never read last by id");
	is_str(order(items, "-lastRead"), "m10 m1 m3 m4 m2", "-lastRead: least recent first, never read last");
	is_str(order(items, "-id"), "m10 m4 m3 m2 m1", "-id: by id number, down");

	/* Ties in every key: the id decides, reversed with the sort. */
	cJSON *tie = cJSON_Parse("["
	    "{\"id\":\"m10\",\"title\":\"Heat\",\"year\":1995,\"addedAt\":\"2026-01-01T00:00:00Z\",\"lastRead\":\"2026-02-01T00:00:00Z\"},"
	    "{\"id\":\"m9\",\"title\":\"heat\",\"year\":1995,\"addedAt\":\"2026-01-01T00:00:00Z\",\"lastRead\":\"2026-02-01T00:00:00Z\"},"
	    "{\"id\":\"m2\",\"title\":\"HEAT!\",\"year\":1995,\"addedAt\":\"2026-01-01T00:00:00Z\",\"lastRead\":\"2026-02-01T00:00:00Z\"}]");
	for (int k = 0; k < 4; k++) {
		is_str(order(tie, mv_sort_name(k)), "m2 m9 m10", mv_sort_name(k));
		is_str(order(tie, mv_sort_name(k + 5)), "m10 m9 m2", mv_sort_name(k + 5));
	}
	cJSON_Delete(tie);

	/* Titles fold as mv_title_fold folds them: accents and punctuation
	 * do not move a title out of its letter. */
	cJSON *fold = cJSON_Parse("[{\"id\":\"m1\",\"title\":\"Zodiac\"},"
	    "{\"id\":\"m2\",\"title\":\"\\u00c9lite\"},{\"id\":\"m3\",\"title\":\"Eden\"},"
	    "{\"id\":\"m4\",\"title\":\"...and Justice\"},{\"id\":\"m5\"}]");
	is_str(order(fold, "title"), "m4 m3 m2 m1 m5", "title folded: Élite among the E, no title last");
	cJSON_Delete(fold);

	/* A person credited twice in one movie: both items, as given. */
	cJSON *dup = cJSON_Parse("[{\"id\":\"m2\",\"title\":\"B\",\"role\":\"cast\"},"
	    "{\"id\":\"m1\",\"title\":\"A\"},{\"id\":\"m2\",\"title\":\"B\",\"role\":\"crew\"}]");
	cJSON *p = page_of(dup, "-title", 1, 5, NULL, NULL);
	is_str(ids(p), "m2 m2 m1", "one movie twice");
	is_str(mv_json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "items"), 0),
	    "role", ""), "cast", "its credits in the order given");
	cJSON_Delete(p);
	cJSON_Delete(dup);

	/* People sort by name under "title". */
	cJSON *people = cJSON_Parse("[{\"id\":\"p2\",\"name\":\"Terry Gilliam\"},{\"id\":\"p1\",\"name\":\"Bruce Willis\"}]");
	is_str(order(people, "title"), "p1 p2", "people by name");
	cJSON_Delete(people);
}

static void
test_filter(const cJSON *items)
{
	cJSON *p;

	p = page_of(items, "title", 1, 1, "/movies", "BRAZ");
	is_str(ids(p), "m3", "q: folded substring of the title, in the sort's order");
	is_int(mv_json_int(p, "totalItems", 0), 2, "totalItems counts the matches");
	is_str(lnk(p, "next"), "/movies?page=2&perPage=1&sort=title&q=BRAZ", "q carried in the links");
	cJSON_Delete(p);
	p = page_of(items, "-id", 1, 5, "/movies", "twelve m");
	is_str(ids(p), "m1", "q across words");
	cJSON_Delete(p);
	p = page_of(items, "id", 1, 5, "/movies", "?!");
	is_str(ids(p), "m1 m2 m3 m4 m10", "q folding to nothing filters nothing");
	cJSON_Delete(p);

	struct mv_listing l = { 0, 2, 10, "a b&c/é" };
	char *s = mv_list_link("/people/p1/movies", &l, 3);
	is_str(s, "/people/p1/movies?page=3&perPage=10&sort=title&q=a%20b%26c%2F%C3%A9", "q percent-encoded");
	free(s);
}

/* mv_list_match (signatures, then strstr) keeps what mv_list_filter
 * keeps, for every piece of every fold and for pieces of none. */
static void
test_match(const cJSON *items)
{
	size_t n = (size_t)cJSON_GetArraySize(items), bad = 0, tried = 0;
	char **folds = mv_xcalloc(n + 1, sizeof *folds);
	struct mv_list_sig *sig = mv_xcalloc(n + 1, sizeof *sig);
	unsigned char *hit = mv_xmalloc(n + 1);
	size_t *sel = mv_xmalloc((n + 1) * sizeof *sel);
	const cJSON *const *v = (const cJSON *const *)mv_xmalloc((n + 1) * sizeof *v);
	const char *extra[] = { "zz", "b\nc", "twelve monkeys brazil", "e", "", "?!" };
	size_t k = 0;
	const cJSON *it;

	cJSON_ArrayForEach(it, items)
		((const cJSON **)v)[k++] = it;
	for (size_t i = 0; i < n; i++) {
		folds[i] = mv_list_fold(v[i]);
		mv_list_sig(folds[i], &sig[i]);
	}
	for (size_t i = 0; i <= n; i++) {
		const char *f = i < n ? folds[i] : NULL;
		size_t len = f ? strlen(f) : 0;

		for (size_t a = 0; a <= len; a++)
			for (size_t b = a; b <= len && b <= a + 12; b++) {
				char q[16];
				size_t want, got;

				if (i == n && (a || b))
					break;
				if (f)
					snprintf(q, sizeof q, "%.*s", (int)(b - a), f + a);
				else
					snprintf(q, sizeof q, "%s", extra[0]);
				for (size_t j = 0; j < n; j++)
					sel[j] = j;
				want = mv_list_filter(v, sel, n, q, NULL);
				got = mv_list_match(folds, sig, n, q, hit);
				tried++;
				if (got != want)
					bad++;
				for (size_t j = 0, w = 0; j < n; j++)
					if (hit[j] && (w >= want || sel[w++] != j))
						bad++;
			}
	}
	for (size_t e = 0; e < sizeof extra / sizeof *extra; e++) {
		for (size_t j = 0; j < n; j++)
			sel[j] = j;
		if (mv_list_match(folds, sig, n, extra[e], hit) != mv_list_filter(v, sel, n, extra[e], NULL))
			bad++;
		tried++;
	}
	ok(tried > 100, "match: pieces of every fold tried");
	is_int((long)bad, 0, "match: the signatures keep what the filter keeps");
	free(folds[0]);
	folds[0] = NULL;
	mv_list_sig(NULL, &sig[0]);
	ok(mv_list_match(folds, sig, 1, "e", hit) == 0 && hit[0] == 0, "match: no fold, no match");
	mv_list_free(folds, n);
	free((void *)v);
	free(sel);
	free(hit);
	free(sig);
}

static void
test_sorts(void)
{
	is_int(mv_sort_parse("title"), MV_SORT_TITLE, "title");
	is_int(mv_sort_parse("-lastRead"), 5 + MV_SORT_LASTREAD, "-lastRead");
	is_int(mv_sort_parse("rating"), -1, "unknown sort refused");
	is_int(mv_sort_parse("--added"), -1, "--added refused");
	is_int(mv_sort_parse(""), -1, "empty refused");
	is_int(mv_sort_parse(NULL), -1, "NULL refused");
	for (int k = 0; k < MV_SORT_COUNT; k++)
		is_int(mv_sort_parse(mv_sort_name(k)), k, mv_sort_name(k));
}

/* mv_list_order_keys, over the keys of the items (mvserve keeps only
 * those), gives mv_list_order's order for every sort. */
static void
test_keys(const cJSON *items)
{
	struct mv_list_key k[64];
	char *folds[64];
	size_t n = 0, a[64], b[64];
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		const cJSON *y = cJSON_GetObjectItemCaseSensitive(it, "year");

		cur[n] = it;
		folds[n] = mv_list_fold(it);
		k[n] = (struct mv_list_key){ atoll(mv_json_str(it, "id", "m-1") + 1), folds[n],
		    mv_json_str(it, "addedAt", NULL), mv_json_str(it, "lastRead", NULL),
		    cJSON_IsNumber(y) ? y->valuedouble : 0, cJSON_IsNumber(y) };
		n++;
	}
	for (int sort = 0; sort < MV_SORT_COUNT; sort++) {
		int same = 1;

		mv_list_order(cur, n, sort, a);
		mv_list_order_keys(k, n, sort, b);
		for (size_t i = 0; i < n; i++)
			same &= a[i] == b[i];
		ok(same, "%s: the keys order as the items", mv_sort_name(sort));
	}
	for (size_t i = 0; i < n; i++)
		free(folds[i]);
}

/* fold_cmp's rule, written plainly: strcmp of the first lines. */
static int
first_line_cmp(const char *a, const char *b)
{
	size_t x = strcspn(a, "\n"), y = strcspn(b, "\n");
	int r = memcmp(a, b, x < y ? x : y);

	return r ? r : (x > y) - (x < y);
}

/*
 * The title sort compares eight bytes at once: titles that share those
 * eight, end within them, end at the eighth, or go on past a newline
 * (other titles) still order as strcmp of the first lines, then by id.
 */
static void
test_title_prefix(void)
{
	static const char *const t[] = {
		"person number 1024", "person number 102", "person n", "person",
		"person number 1024\nzzz", "person n\naaa", "", "\nb", "person number 1023",
		"\xc3\xa9t\xc3\xa9", "person number 10240", "abcdefgh", "abcdefghi",
		"abcdefg", "person number 1024",
	};
	enum { N = sizeof t / sizeof *t };
	struct mv_list_key k[N];
	size_t o[N], rev[N];
	int good = 1;

	for (size_t i = 0; i < N; i++)
		k[i] = (struct mv_list_key){ .num = (long long)(N - i), .fold = t[i] };
	mv_list_order_keys(k, N, MV_SORT_TITLE, o);
	mv_list_order_keys(k, N, 5 + MV_SORT_TITLE, rev);
	for (size_t i = 1; i < N; i++) {
		int r = first_line_cmp(t[o[i - 1]], t[o[i]]);

		good &= r < 0 || (r == 0 && k[o[i - 1]].num < k[o[i]].num);
		good &= rev[i - 1] == o[N - i] && rev[i] == o[N - 1 - i];
	}
	ok(good, "titles sharing their first eight bytes order as strcmp, then by id");
}

/* Write an empty file at dir/name. */
static void
touch(const char *dir, const char *name)
{
	char *p = mv_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	ok(f && fclose(f) == 0, "create %s", name);
	free(p);
}

static void
test_review(void)
{
	char tmp[] = "/tmp/test_listing.XXXXXX", *q;

	if (!mkdtemp(tmp) || mv_data_open(tmp, 1) != 0) {
		ok(0, "data dir");
		return;
	}
	is_int(mv_review_count(), 0, "empty quarantine: nothing in review");
	q = mv_path("quarantine");
	touch(q, "The.Thing.mkv");
	touch(q, "The.Thing.mkv.why.json");
	is_int(mv_review_count(), 1, "a video and its note: one in review");
	touch(q, "Heat.avi.why.json.tmp.12345");
	touch(q, ".hidden");
	is_int(mv_review_count(), 1, "a note's temp file and a hidden file are not");
	touch(q, "Tron.tmp.264");
	is_int(mv_review_count(), 2, "a video named like a temp file is one");
	free(q);
	q = mv_xasprintf("rm -rf '%s'", tmp);
	ok(system(q) == 0, "clean up");
	free(q);
}

int
main(void)
{
	cJSON *items = cJSON_Parse(ITEMS);

	mv_init("test_listing");
	ok(items != NULL, "fixture parses");
	schemas = mv_schemas_load(mv_schemas_dir());
	ok(schemas != NULL, "load schemas/");
	if (!items || !schemas)
		return tap_done();
	test_sorts();
	test_paging(items);
	test_order(items);
	test_filter(items);
	test_match(items);
	test_keys(items);
	test_title_prefix();
	test_review();
	cJSON_Delete(items);
	mv_schemas_free(schemas);
	return tap_done();
}
