/* usage.c: stats/usage.json, the accesses per movie, in a table by id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/*
 * mvstat writes the file; mvdowngrade scores by it and mvindex takes
 * each movie's lastRead from it. They read it with this one loader, so
 * that a document one of them refuses is refused by all, and look
 * entries up in a hash table: a library where 10,000 movies were read
 * has 10,000 entries, and looking each up in the parsed tree is a scan.
 */

#define USAGE_MAX (256 * 1024 * 1024)

void
mv_usage_free(struct mv_usage *u)
{
	void *x;

	for (size_t pos = 0; mv_table_next(&u->t, &pos, NULL, &x);)
		free(x);
	mv_table_free(&u->t);
}

/* Each entry is its own malloc, keyed by its own id: entries stay put
 * while the table grows. */
struct mv_use *
mv_usage_get(struct mv_usage *u, const char *id, int create)
{
	struct mv_use *x = mv_table_get(&u->t, id);

	if (x || !create || strlen(id) >= sizeof x->id)
		return x;
	x = mv_xcalloc(1, sizeof *x);
	strcpy(x->id, id);
	mv_table_put(&u->t, x->id, x);
	return x;
}

/*
 * A read is what a user asked for. `mvctl enrich --all` requests every
 * movie too; were those counted, one maintenance run would reset every
 * downgrade clock. An event without a reason predates the field and was
 * a user's.
 */
int
mv_usage_is_read(const cJSON *ev)
{
	const char *why = mv_json_str(mv_event_data(ev), "reason", "user");

	return strcmp(why, "maintenance") != 0;
}

int
mv_usage_load(struct mv_usage *u)
{
	char *path = mv_path("stats/usage.json");
	const char *why;
	cJSON *doc = mv_json_load(path, USAGE_MAX, &why), *movies, *e;

	free(path);
	mv_usage_free(u);
	if (!doc) {
		int e = errno;

		if (e == ENOENT)
			return 0;
		mv_warnx("unable to read stats/usage.json: %s", why);
		return e ? mv_exit_for_read_errno(e) : MV_EX_DATAERR;
	}
	movies = cJSON_GetObjectItemCaseSensitive(doc, "movies");
	if (!cJSON_IsObject(doc) || mv_json_int(doc, "schemaVersion", 0) != 1 ||
	    !cJSON_IsObject(movies)) {
		mv_warnx("unable to read stats/usage.json: not a usage document"
		    " (schemaVersion 1 with a movies object)");
		cJSON_Delete(doc);
		return MV_EX_DATAERR;
	}
	cJSON_ArrayForEach(e, movies) {
		struct mv_use *x;
		time_t f, l;

		if (!mv_id_valid(e->string, 'm') || strlen(e->string) >= sizeof x->id ||
		    !cJSON_IsObject(e) || mv_json_int(e, "count", -1) < 0 ||
		    mv_time_parse(mv_json_str(e, "first", ""), &f) < 0 ||
		    mv_time_parse(mv_json_str(e, "last", ""), &l) < 0) {
			mv_warnx("unable to read stats/usage.json: bad entry for %s",
			    e->string ? e->string : "?");
			cJSON_Delete(doc);
			mv_usage_free(u);
			return MV_EX_DATAERR;
		}
		x = mv_usage_get(u, e->string, 1);
		x->count = mv_json_int(e, "count", 0);
		x->first = f;
		x->last = l;
	}
	cJSON_Delete(doc);
	return 0;
}

static int
use_cmp(const void *a, const void *b)
{
	long long x = atoll(((const struct mv_use *)a)->id + 1);
	long long y = atoll(((const struct mv_use *)b)->id + 1);

	return x < y ? -1 : x > y;
}

struct mv_use *
mv_usage_sorted(const struct mv_usage *u, size_t *n)
{
	struct mv_use *v = mv_xmalloc((u->t.n + 1) * sizeof *v);
	void *x;

	*n = 0;
	for (size_t pos = 0; mv_table_next(&u->t, &pos, NULL, &x);)
		v[(*n)++] = *(struct mv_use *)x;
	if (*n)
		qsort(v, *n, sizeof *v, use_cmp);
	return v;
}

int
mv_usage_write(const struct mv_usage *u)
{
	struct mv_buf b = {0};
	struct mv_use *v;
	size_t n;
	char f[32], l[32];
	int r, saved;

	v = mv_usage_sorted(u, &n);
	mv_buf_adds(&b, "{\"schemaVersion\":1,\"movies\":{");
	for (size_t i = 0; i < n; i++)
		mv_buf_printf(&b, "%s\n\"%s\":{\"count\":%lld,\"first\":\"%s\",\"last\":\"%s\"}",
		    i ? "," : "", v[i].id, v[i].count, mv_time_fmt(v[i].first, f),
		    mv_time_fmt(v[i].last, l));
	mv_buf_adds(&b, n ? "\n}}\n" : "}}\n");
	free(v);
	r = mv_write_state("stats/usage.json", b.buf, b.len);
	saved = errno;
	mv_buf_free(&b);
	errno = saved;
	return r;
}
