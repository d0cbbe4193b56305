/* evict.c: one least-recently-used evictor for the bounded directories. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

/*
 * The TMDB cache (lib/tmdb.c, after each write) and mvctl gc (the cache
 * and assets/images/) trim by this one order, so what a bound keeps does
 * not depend on who trimmed. Last use is the later of atime and mtime,
 * in nanoseconds: the cache touches a file it serves (both times), and
 * a reader that does not touch (a web server sending an image) still
 * moves atime where the mount records it; mtime alone would forget
 * those reads, atime alone means nothing on a noatime mount. Ties go by
 * path, so a run is reproducible. Files a keep callback names go after
 * all others (still oldest first): they are removed only when the rest
 * do not suffice.
 */

struct efile {
	char *rel;
	long long size;
	long long used;   /* last use, ns */
	int keep;
};

struct ewalk {
	struct efile *v;
	size_t n, cap;
	long long total;
	int (*keep)(void *ctx, const char *rel);
	void *ctx;
};

static long long
ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int
collect(void *ctx, const char *rel, const struct stat *st)
{
	struct ewalk *w = ctx;
	struct efile *f;
	long long a = ns(&st->st_atim), m = ns(&st->st_mtim);

	/* Another process's mv_write_atomic in flight: not ours to take. */
	if (strstr(strrchr(rel, '/') ? strrchr(rel, '/') : rel, ".tmp."))
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->v = mv_xrealloc(w->v, w->cap * sizeof *w->v);
	}
	f = &w->v[w->n++];
	f->rel = mv_xstrdup(rel);
	f->size = (long long)st->st_size;
	f->used = a > m ? a : m;
	f->keep = w->keep && w->keep(w->ctx, rel);
	w->total += f->size;
	return 0;
}

static int
efile_cmp(const void *pa, const void *pb)
{
	const struct efile *a = pa, *b = pb;

	if (a->keep != b->keep)
		return a->keep - b->keep;
	if (a->used != b->used)
		return a->used < b->used ? -1 : 1;
	return strcmp(a->rel, b->rel);
}

long long
mv_evict(const char *rel, long long max, long long target,
    int (*keep)(void *ctx, const char *rel), void *ctx, int dry, struct mv_evict_stats *st)
{
	struct ewalk w = { NULL, 0, 0, 0, keep, ctx };
	struct mv_evict_stats s = {0};

	mv_walk(rel, collect, &w);
	s.before = w.total;
	if (w.total > max) {
		qsort(w.v, w.n, sizeof *w.v, efile_cmp);
		for (size_t i = 0; i < w.n && w.total > target; i++) {
			char *p = mv_path("%s", w.v[i].rel);

			if (dry || unlink(p) == 0) {
				w.total -= w.v[i].size;
				s.freed += w.v[i].size;
				s.removed++;
			} else if (errno == ENOENT)
				w.total -= w.v[i].size; /* someone else took it */
			else
				mv_warn("remove %s", w.v[i].rel);
			free(p);
		}
	}
	s.after = w.total;
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i].rel);
	free(w.v);
	if (st)
		*st = s;
	return s.freed;
}
