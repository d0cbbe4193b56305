/* test_evict.c: the least-recently-used evictor (lib/evict.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/* rel with size bytes, last used at day (atime and mtime, or only the
 * later one given). */
static void
put(const char *rel, size_t size, long atime_day, long mtime_day)
{
	char *path = mv_path("%s", rel), *zero = mv_xcalloc(1, size + 1);
	struct timespec t[2] = { { 1767225600 + atime_day * 86400, 0 },
	    { 1767225600 + mtime_day * 86400, 0 } };

	if (mv_write_atomic(path, zero, size) < 0 || utimensat(AT_FDCWD, path, t, 0) < 0)
		mv_die(MV_EX_IOERR, "write %s", path);
	free(zero);
	free(path);
}

static int
there(const char *rel)
{
	char *path = mv_path("%s", rel);
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

/* keep: the files whose name starts with "k". */
static int
keep_k(void *ctx, const char *rel)
{
	const char *slash = strrchr(rel, '/');

	++*(int *)ctx;
	return slash && slash[1] == 'k';
}

int
main(void)
{
	char dir[] = "/tmp/mvevict.XXXXXX", *cmd;
	struct mv_evict_stats s;
	int asked = 0;

	mv_init("test_evict");
	if (!mkdtemp(dir) || mv_data_open(dir, 1) != 0)
		mv_die(MV_EX_CANTCREAT, "make a data directory");
	cmd = mv_xasprintf("mkdir -p '%s/c/sub'", dir);
	if (system(cmd) != 0)
		mv_die(MV_EX_CANTCREAT, "make c/sub");
	free(cmd);

	/* Last use is the later of atime and mtime; ties go by path. */
	put("c/a", 100, 1, 1);        /* day 1 */
	put("c/b", 100, 5, 2);        /* read on day 5 */
	put("c/sub/c", 100, 0, 3);    /* written on day 3 */
	put("c/d", 100, 3, 3);        /* day 3 too: a tie */
	put("c/x.json.tmp.123", 100, 0, 0); /* a write in flight */

	ok(mv_evict("c", 400, 400, NULL, NULL, 0, &s) == 0, "under the bound: nothing freed");
	is_int(s.before, 400, "temp files in flight are not counted");
	is_int(s.removed, 0, "nothing removed");

	ok(mv_evict("c", 399, 200, NULL, NULL, 1, &s) == 200, "dry run: says 200 bytes");
	is_int(s.removed, 2, "two files would go");
	is_int(s.after, 200, "down to the target");
	ok(there("c/a") && there("c/d"), "dry run removes nothing");

	ok(mv_evict("c", 399, 250, NULL, NULL, 0, &s) == 200, "over the bound: down to the target");
	is_int(s.before, 400, "before");
	is_int(s.after, 200, "after");
	ok(!there("c/a"), "least recently used first (day 1)");
	ok(!there("c/d") && there("c/sub/c"), "a tie at day 3 goes by path: c/d before c/sub/c");
	ok(there("c/b"), "atime counts: read on day 5, kept");
	ok(there("c/x.json.tmp.123"), "the temp file is left alone");

	/* keep: those files go last, oldest first among them. */
	put("c/k1", 100, 0, 0);
	put("c/k2", 100, 0, 0);
	ok(mv_evict("c", 300, 200, keep_k, &asked, 0, &s) == 200, "keep: 200 bytes freed");
	ok(asked == 4, "keep asked once per file");
	ok(!there("c/sub/c") && !there("c/b"), "the others go first, though newer");
	ok(there("c/k1") && there("c/k2"), "the kept files stay while the rest suffice");
	ok(mv_evict("c", 0, 0, keep_k, &asked, 0, &s) == 200 && !there("c/k1") && !there("c/k2"),
	    "and go when they do not");
	is_int(s.after, 0, "the directory is empty");
	ok(mv_evict("missing", 0, 0, NULL, NULL, 0, &s) == 0 && s.before == 0,
	    "a missing directory holds nothing");

	cmd = mv_xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "remove the temp dir");
	free(cmd);
	return tap_done();
}
