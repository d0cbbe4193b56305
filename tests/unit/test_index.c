/* test_index.c: PaginatedResponse paging and sorting of index items (lib/index.c). */
#include <errno.h>
#include <stdlib.h>

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
link(const cJSON *page, const char *k)
{
	return mv_json_str(page, k, NULL);
}

int
main(void)
{
	cJSON *items = cJSON_Parse(ITEMS), *p;

	mv_init("test_index");
	ok(items != NULL, "fixture parses");

	p = mv_index_page(items, NULL, 1, 20, NULL);
	is_str(ids(p), "m1 m2 m3 m4 m10", "default sort is by id number");
	is_int(mv_json_int(p, "page", 0), 1, "page");
	is_int(mv_json_int(p, "perPage", 0), 20, "perPage");
	is_int(mv_json_int(p, "totalItems", 0), 5, "totalItems");
	is_int(mv_json_int(p, "totalPages", 0), 1, "totalPages");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "next")), "no next on the last page");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "prev")), "no prev on the first page");
	cJSON_Delete(p);

	p = mv_index_page(items, "title", 1, 2, "/movies");
	is_str(ids(p), "m2 m3", "title A-Z ignoring case; a tie goes by id");
	is_int(mv_json_int(p, "totalPages", 0), 3, "5 items by 2: 3 pages");
	is_str(link(p, "next"), "/movies?page=2&perPage=2&sort=title", "next link");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "prev")), "prev null on page 1");
	cJSON_Delete(p);

	p = mv_index_page(items, "title", 2, 2, "/movies");
	is_str(ids(p), "m10 m1", "page 2");
	is_str(link(p, "prev"), "/movies?page=1&perPage=2&sort=title", "prev link");
	is_str(link(p, "next"), "/movies?page=3&perPage=2&sort=title", "next link");
	cJSON_Delete(p);

	p = mv_index_page(items, "title", 3, 2, NULL);
	is_str(ids(p), "m4", "last page is short");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "next")), "no next after the last");
	is_str(link(p, "prev"), "?page=2&perPage=2&sort=title", "links without a base");
	cJSON_Delete(p);

	p = mv_index_page(items, "title", 9, 2, NULL);
	is_str(ids(p), "", "past the end: no items");
	is_int(mv_json_int(p, "totalItems", 0), 5, "totalItems still told");
	is_str(link(p, "prev"), "?page=3&perPage=2&sort=title", "prev of a page past the end is the last page");
	cJSON_Delete(p);

	p = mv_index_page(items, "-title", 1, 10, NULL);
	is_str(ids(p), "m4 m1 m10 m3 m2", "-title: Z-A");
	cJSON_Delete(p);

	p = mv_index_page(items, "year", 1, 10, NULL);
	is_str(ids(p), "m4 m2 m10 m1 m3", "year oldest first, null last");
	cJSON_Delete(p);
	p = mv_index_page(items, "-year", 1, 10, NULL);
	is_str(ids(p), "m1 m10 m2 m4 m3", "-year newest first, null still last");
	cJSON_Delete(p);

	p = mv_index_page(items, "added", 1, 10, NULL);
	is_str(ids(p), "m2 m10 m1 m3 m4", "added newest first, none last");
	cJSON_Delete(p);

	p = mv_index_page(items, "lastRead", 1, 10, NULL);
	is_str(ids(p), "m3 m1 m10 m2 m4", "lastRead most recent first, never read last by id");
	cJSON_Delete(p);

	p = mv_index_page(items, "-lastRead", 1, 10, NULL);
	is_str(ids(p), "m10 m1 m3 m4 m2", "-lastRead: least recent first, never read last");
	cJSON_Delete(p);

	errno = 0;
	ok(mv_index_page(items, "rating", 1, 10, NULL) == NULL && errno == EINVAL, "unknown sort refused");
	ok(mv_index_page(items, "title", 0, 10, NULL) == NULL, "page 0 refused");
	ok(mv_index_page(items, "title", 1, 0, NULL) == NULL, "perPage 0 refused");
	ok(mv_index_page(cJSON_GetArrayItem(items, 0), "id", 1, 1, NULL) == NULL, "items not an array refused");
	ok(mv_index_sort_valid("-added") && !mv_index_sort_valid("--added") && !mv_index_sort_valid(""),
	    "mv_index_sort_valid");

	cJSON *empty = cJSON_CreateArray();
	p = mv_index_page(empty, "title", 1, 20, NULL);
	is_int(mv_json_int(p, "totalPages", -1), 0, "no items: 0 pages");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "next")) &&
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p, "prev")), "no items: no links");
	cJSON_Delete(p);
	cJSON_Delete(empty);

	/* People pages sort by name under "title". */
	cJSON *people = cJSON_Parse("[{\"id\":\"p2\",\"name\":\"Terry Gilliam\"},{\"id\":\"p1\",\"name\":\"Bruce Willis\"}]");
	p = mv_index_page(people, "title", 1, 10, NULL);
	is_str(ids(p), "p1 p2", "people by name");
	cJSON_Delete(p);
	cJSON_Delete(people);

	cJSON_Delete(items);
	return tap_done();
}
