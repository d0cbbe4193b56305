/* test_usage.c: stats/usage.json in a table by id (lib/usage.c). */
#include <stdlib.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static void
put_file(const char *text)
{
	char *path = mv_path("stats/usage.json");

	if (mv_write_atomic(path, text, strlen(text)) < 0)
		mv_die(MV_EX_IOERR, "write %s", path);
	free(path);
}

int
main(void)
{
	char dir[] = "/tmp/mvusage.XXXXXX", when[32], *cmd;
	struct mv_usage u = {0}, back = {0};
	struct mv_use *e, *v;
	size_t n;

	mv_init("test_usage");
	if (!mkdtemp(dir) || mv_data_open(dir, 1) != 0)
		mv_die(MV_EX_CANTCREAT, "make a data directory");
	cmd = mv_xasprintf("mkdir -p '%s/stats'", dir);
	if (system(cmd) != 0)
		mv_die(MV_EX_CANTCREAT, "make stats/");
	free(cmd);

	ok(mv_usage_load(&u) == 0 && u.t.n == 0, "no file: an empty table");
	ok(mv_usage_get(&u, "m1", 0) == NULL, "nothing to find in it");
	/* Enough entries to grow the table a few times. */
	for (int i = 1; i <= 1000; i++) {
		char id[16];

		snprintf(id, sizeof id, "m%d", i);
		e = mv_usage_get(&u, id, 1);
		e->count = i;
		e->first = 1000;
		e->last = 2000 + i;
	}
	ok(u.t.n == 1000 && mv_usage_get(&u, "m777", 0)->count == 777, "1000 entries, each found");
	ok(mv_usage_get(&u, "m123456789012345678901234", 1) == NULL,
	    "an id too long for an entry is not made one");
	v = mv_usage_sorted(&u, &n);
	ok(n == 1000 && !strcmp(v[0].id, "m1") && !strcmp(v[9].id, "m10") &&
	    !strcmp(v[999].id, "m1000"), "sorted by number, not text");
	free(v);
	ok(mv_usage_write(&u) == 0, "written");
	ok(mv_usage_load(&back) == 0 && back.t.n == 1000, "read back whole");
	e = mv_usage_get(&back, "m42", 0);
	ok(e && e->count == 42 && e->first == 1000 && e->last == 2042, "an entry as it was");
	mv_usage_free(&back);

	put_file("{\"schemaVersion\":1,\"movies\":{\"m1\":{\"count\":1,"
	    "\"first\":\"2026-11-01T00:00:00Z\",\"last\":\"2026-11-02T00:00:00Z\"},"
	    "\"m2\":{\"count\":2,\"last\":\"2026-11-02T00:00:00Z\"}}}\n");
	ok(mv_usage_load(&back) == MV_EX_DATAERR && back.t.n == 0,
	    "an entry without first: the whole file refused (65), nothing kept");
	put_file("{\"schemaVersion\":2,\"movies\":{}}\n");
	ok(mv_usage_load(&back) == MV_EX_DATAERR, "another schemaVersion refused");
	put_file("{\"schemaVersion\":1,\"movies\":{\"m01\":{\"count\":1,"
	    "\"first\":\"2026-11-01T00:00:00Z\",\"last\":\"2026-11-02T00:00:00Z\"}}}\n");
	ok(mv_usage_load(&back) == MV_EX_DATAERR, "an id with a leading zero refused");
	put_file("{\"schemaVersion\":1,\"movies\":{\"m1\":{\"count\":1,");
	ok(mv_usage_load(&back) == MV_EX_DATAERR, "a cut file refused");
	put_file("{\"schemaVersion\":1,\"movies\":{\"m3\":{\"count\":1,"
	    "\"first\":\"2026-11-01T00:00:00Z\",\"last\":\"2026-11-02T10:00:00Z\"}}}\n");
	ok(mv_usage_load(&back) == 0 && back.t.n == 1 &&
	    !strcmp(mv_time_fmt(mv_usage_get(&back, "m3", 0)->last, when), "2026-11-02T10:00:00Z"),
	    "a good file after a bad one");
	mv_usage_free(&back);
	mv_usage_free(&u);
	cmd = mv_xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "remove the temp dir");
	free(cmd);
	return tap_done();
}
