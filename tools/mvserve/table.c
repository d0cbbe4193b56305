/* table.c: mvserve's indexes in memory: each index parsed once and kept, with its cards' JSON and sort orders, until the file changes. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mv.h"
#include "mvserve.h"

struct table movies = { .kind = 'm', .rel = "index/movies.json" };
struct table people = { .kind = 'p', .rel = "index/people.json" };

void
table_clear(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->fold[i]);
		free(t->e[i].json);
		cJSON_Delete(t->e[i].extras);
	}
	free(t->e);
	free(t->items);
	free(t->fold);
	free(t->byid);
	for (int k = 0; k < MV_SORT_COUNT; k++)
		free(t->order[k]);
	cJSON_Delete(t->doc);
	memset(&t->doc, 0, sizeof *t - offsetof(struct table, doc));
}

static int
cmp_byid(const void *a, const void *b, void *ctx)
{
	const struct entry *e = ctx;
	long long x = e[*(const size_t *)a].num, y = e[*(const size_t *)b].num;

	return x < y ? -1 : x > y;
}

/* The number of an id ("m42" -> 42), or -1 if it is not one of kind. */
static long long
id_num(const char *id, char kind)
{
	return id && mv_id_valid(id, kind) ? atoll(id + 1) : -1;
}

/*
 * Move the card members of old's entries to t's entries of the same id
 * and level: they come from profiles (reading them is what costs), and a
 * profile's images and providers change only with its level. So a reload
 * of the index, as frequent as the pipeline's writes, stays warm.
 */
static void
carry_extras(struct table *t, struct table *old)
{
	size_t i = 0, j = 0;

	while (i < t->n && j < old->n) {
		struct entry *a = &t->e[t->byid[i]], *b = &old->e[old->byid[j]];

		if (a->num < b->num) {
			i++;
		} else if (a->num > b->num) {
			j++;
		} else {
			if (b->extras && strcmp(mv_json_str(a->item, "level", ""),
			    mv_json_str(b->item, "level", "")) == 0) {
				a->extras = b->extras;
				b->extras = NULL;
			}
			i++;
			j++;
		}
	}
}

/*
 * Bring t up to date with its file: reload when the file changed. A file
 * that is missing gives an empty table; one that cannot be read keeps
 * the table as it was (reported once per version of the file).
 * Returns 0, or -1 if there is no usable table (never loaded, unreadable).
 */
int
table_fresh(struct table *t)
{
	static struct stat bad;
	struct stat st;
	char *path = mv_path("%s", t->rel);
	struct table old;
	const char *why;
	cJSON *doc, *it;
	size_t n = 0;

	if (stat(path, &st) < 0) {
		free(path);
		if (t->st.st_ino)
			table_clear(t);
		return 0;
	}
	if (st.st_ino == t->st.st_ino && st.st_size == t->st.st_size &&
	    st.st_mtim.tv_sec == t->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == t->st.st_mtim.tv_nsec) {
		free(path);
		return 0;
	}
	doc = mv_index_load(t->kind, &why);
	if (!doc) {
		if (st.st_ino != bad.st_ino || st.st_mtim.tv_nsec != bad.st_mtim.tv_nsec ||
		    st.st_mtim.tv_sec != bad.st_mtim.tv_sec)
			mv_warnx("unable to read %s: %s", path, why);
		bad = st;
		free(path);
		return t->st.st_ino ? 0 : -1;
	}
	free(path);
	old = *t;
	memset(&t->doc, 0, sizeof *t - offsetof(struct table, doc));
	t->doc = doc;
	t->st = st;
	t->e = mv_xcalloc((size_t)cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(doc, "items")) + 1, sizeof *t->e);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items")) {
		long long num = id_num(mv_json_str(it, "id", NULL), t->kind);
		enum mv_level l;

		if (num < 0 || !cJSON_IsObject(it))
			continue;
		t->e[n].item = it;
		t->e[n].num = num;
		l = mv_level_parse(mv_json_str(it, "level", ""));
		if (l != MV_LEVEL_BAD)
			t->levels[l]++;
		n++;
	}
	t->n = n;
	t->byid = mv_xmalloc((n + 1) * sizeof *t->byid);
	t->items = mv_xmalloc((n + 1) * sizeof *t->items);
	t->fold = mv_xcalloc(n + 1, sizeof *t->fold);
	for (size_t i = 0; i < n; i++) {
		t->byid[i] = i;
		t->items[i] = t->e[i].item;
	}
	qsort_r(t->byid, n, sizeof *t->byid, cmp_byid, t->e);
	carry_extras(t, &old);
	table_clear(&old);
	if (verbose)
		mv_warnx("loaded %s: %zu entries", t->rel, n);
	return 0;
}

/* The entry number of id in t, or -1. */
long
table_find(const struct table *t, const char *id)
{
	long long num = id_num(id, t->kind);
	size_t lo = 0, hi = t->n;

	while (num >= 0 && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long long x = t->e[t->byid[mid]].num;

		if (x == num)
			return (long)t->byid[mid];
		if (x < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * The entries of t in the order of sort (mv_sort_parse's), computed once
 * per load: a listing is asked for far more often than the index file
 * changes. Returns an array of t->n entry numbers.
 */
const size_t *
table_order(struct table *t, int sort)
{
	if (!t->order[sort]) {
		t->order[sort] = mv_xmalloc((t->n + 1) * sizeof **t->order);
		mv_list_order(t->items, t->n, sort, t->order[sort]);
	}
	return t->order[sort];
}

/* "assets/images/x.jpg" as the URL "/images/x.jpg", or NULL for anything
 * else (a value that would not be served anyway). */
static cJSON *
image_url(const char *rel)
{
	char *u;
	cJSON *s;

	if (!rel || strncmp(rel, "assets/images/", 14) != 0 || strchr(rel + 14, '/') ||
	    !rel[14])
		return cJSON_CreateNull();
	u = mv_xasprintf("/images/%s", rel + 14);
	s = cJSON_CreateString(u);
	free(u);
	return s;
}

/*
 * The "free" card member of a movie profile: {"provider","link","offer"}
 * when its watch providers for MV_REGION list a free or ad-supported
 * offer, else null.
 */
static cJSON *
free_offer(const cJSON *doc)
{
	static const char *const offers[] = { "free", "ads" };
	const cJSON *wp = cJSON_GetObjectItemCaseSensitive(doc, "watchProviders");
	const char *link;
	cJSON *o;

	if (!cJSON_IsObject(wp) || strcmp(mv_json_str(wp, "region", ""), mv_region()) != 0)
		return cJSON_CreateNull();
	for (size_t i = 0; i < 2; i++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(wp, offers[i]);
		const cJSON *p = cJSON_GetArrayItem(list, 0);

		if (!cJSON_IsObject(p))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "provider", mv_json_str(p, "name", ""));
		link = mv_json_str(wp, "link", NULL);
		cJSON_AddItemToObject(o, "link", link && (strncmp(link, "https://", 8) == 0 ||
		    strncmp(link, "http://", 7) == 0) ? cJSON_CreateString(link) :
		    cJSON_CreateNull());
		cJSON_AddStringToObject(o, "offer", offers[i]);
		return o;
	}
	return cJSON_CreateNull();
}

/*
 * The card members of an entry, which the index does not hold: for a
 * movie "poster" (URL or null) and "free"; for a person "image". A movie
 * has its card poster from basic, a person an image at deep: only
 * profiles at those levels are read.
 */
static const cJSON *
entry_extras(struct table *t, struct entry *e)
{
	const char *id = mv_json_str(e->item, "id", "");
	enum mv_level l = mv_level_parse(mv_json_str(e->item, "level", ""));
	cJSON *doc = NULL, *x;
	const char *why, *card;

	if (e->extras)
		return e->extras;
	if (t->kind == 'm' ? l >= MV_BASIC : l == MV_DEEP)
		doc = t->kind == 'm' ? mv_movie_load(id, &why) : mv_person_load(id, &why);
	x = e->extras = cJSON_CreateObject();
	if (t->kind == 'm') {
		/* The card's own small poster in the user's language; a deep
		 * profile made before it has only the larger one. */
		card = mv_json_str(doc, "cardPoster", NULL);
		cJSON_AddItemToObject(x, "poster", image_url(card ? card : mv_json_str(
		    cJSON_GetObjectItemCaseSensitive(doc, "images"), "poster", NULL)));
		cJSON_AddItemToObject(x, "free", free_offer(doc));
	} else
		cJSON_AddItemToObject(x, "image", image_url(mv_json_str(doc, "image", NULL)));
	cJSON_Delete(doc);
	return x;
}

/* Append object text s (n bytes) with the members of object text x:
 * {"id":…} + {"poster":…} -> {"id":…,"poster":…}.  Returns nothing. */
void
json_join(struct mv_buf *b, const char *s, size_t n, const char *x)
{
	mv_buf_add(b, s, n - 1);
	if (n > 2 && strlen(x) > 2)
		mv_buf_adds(b, ",");
	mv_buf_adds(b, x + 1);
}

/* The compact text of an entry with its card members, kept. */
const char *
entry_json(struct table *t, struct entry *e, size_t *len)
{
	struct mv_buf b = { 0 };
	char *s, *x;

	if (!e->json) {
		s = cJSON_PrintUnformatted(e->item);
		x = cJSON_PrintUnformatted(entry_extras(t, e));
		if (!s || !x)
			mv_diex(MV_EX_SOFTWARE, "unable to allocate memory");
		json_join(&b, s, strlen(s), x);
		free(s);
		free(x);
		e->json = b.buf;
		e->jlen = b.len;
	}
	*len = e->jlen;
	return e->json;
}
