/* download.c: a folder in DIR is one download, reported once all of it has settled. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mv.h"
#include "mvwatch.h"

/*
 * A download is a folder directly below DIR ("incoming/Heat.1995-GRP/").
 * Its files are written in turn (the video, then the subtitles, the
 * sample...), so no file alone says when it is complete: the folder is,
 * once two looks at it a settle time apart see the same files, sizes and
 * times. Then its main video (mv_download_scan) goes out as one
 * mv.file.added with the folder as data.download; samples, extras and
 * sidecars are never announced. Few downloads settle at once: a list.
 */
struct dl {
	struct dl *next;
	char *dir;            /* absolute; owned */
	uint64_t due;         /* monotonic ns */
	int have_sig;         /* 1: sig is a look taken at the last touch */
	int from_scan;        /* 1: found by a scan, not touched by an event
	                         since: old times alone say it is complete */
	struct sig { long long n, bytes; struct timespec newest; } sig;
};

static struct dl *dls;

/* The download holding path (a file below DIR, absolute), malloc'd, or
 * NULL for a file directly in DIR. */
char *
dl_of(const char *path)
{
	size_t n = strlen(root);
	const char *s;

	if (strncmp(path, root, n) != 0 || path[n] != '/' ||
	    !(s = strchr(path + n + 1, '/')))
		return NULL;
	return mv_xasprintf("%.*s", (int)(s - path), path);
}

/* Add the files below the folder in b to *s (bounded as mv_download_scan
 * is, so the two see the same files). */
static void
look(struct mv_buf *b, struct sig *s, int depth)
{
	size_t len = b->len;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (depth > MV_DOWNLOAD_DEPTH || !(d = opendir(b->buf)))
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		mv_buf_add(b, "/", 1);
		mv_buf_adds(b, e->d_name);
		if (lstat(b->buf, &st) < 0)
			;   /* gone since readdir */
		else if (S_ISDIR(st.st_mode))
			look(b, s, depth + 1);
		else if (S_ISREG(st.st_mode)) {
			s->n++;
			s->bytes += (long long)st.st_size;
			if (st.st_mtim.tv_sec > s->newest.tv_sec ||
			    (st.st_mtim.tv_sec == s->newest.tv_sec &&
			    st.st_mtim.tv_nsec > s->newest.tv_nsec))
				s->newest = st.st_mtim;
		}
		b->len = len;
		b->buf[len] = '\0';
	}
	closedir(d);
}

static struct sig
sig_of(const char *dir)
{
	struct mv_buf b = {0};
	struct sig s = {0};

	mv_buf_adds(&b, dir);
	look(&b, &s, 1);
	mv_buf_free(&b);
	return s;
}

static int
sig_eq(const struct sig *a, const struct sig *b)
{
	return a->n == b->n && a->bytes == b->bytes &&
	    a->newest.tv_sec == b->newest.tv_sec && a->newest.tv_nsec == b->newest.tv_nsec;
}

/* 1 if the newest file of s is older than the settle time. */
static int
sig_old(const struct sig *s)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)(now.tv_sec - s->newest.tv_sec) * 1000000000 +
	    (now.tv_nsec - s->newest.tv_nsec) >= (int64_t)settle_ns;
}

/*
 * Something changed in the download dir (how FROM_EVENT), or a scan met
 * one of its files (FROM_SCAN): (re)start its settle time. A scan does
 * not delay a download an event touched.
 */
void
dl_touch(const char *dir, int from_event)
{
	struct dl *d;

	for (d = dls; d && strcmp(d->dir, dir); d = d->next)
		;
	if (!d) {
		d = mv_xcalloc(1, sizeof *d);
		d->dir = mv_xstrdup(dir);
		d->next = dls;
		dls = d;
		d->from_scan = 1;
		d->due = mv_mono_ns();
	}
	if (from_event) {
		d->from_scan = 0;
		d->sig = sig_of(dir);
		d->have_sig = 1;
		d->due = mv_mono_ns() + settle_ns;
	}
}

/* Announce the download dir: its main video with the folder and, for a
 * film in parts, every part in order. */
static void
announce(const char *dir)
{
	struct mv_download d;
	struct stat st;
	char *path;

	if (mv_download_scan(dir, &d) < 0) {
		if (errno != ENOENT)
			mv_warn("scan %s", dir);
		mv_download_free(&d);
		return;
	}
	if (d.truncated)
		mv_warnx("unable to read all of %s: more than %d files or %d levels; "
		    "the rest is not part of the download", dir, MV_DOWNLOAD_FILES,
		    MV_DOWNLOAD_DEPTH);
	if (d.main < d.n) {
		cJSON *more = cJSON_CreateObject(), *parts;

		cJSON_AddStringToObject(more, "download", dir);
		if (d.nparts) {
			parts = cJSON_AddArrayToObject(more, "parts");
			for (size_t i = 0; i < d.nparts; i++) {
				path = mv_xasprintf("%s/%s", dir, d.files[d.parts[i]].rel);
				cJSON_AddItemToArray(parts, cJSON_CreateString(path));
				free(path);
			}
		}
		path = mv_xasprintf("%s/%s", dir, d.files[d.main].rel);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			report(path, &st, more);
		else
			cJSON_Delete(more);
		/* The parts are the film's: never announced alone. */
		for (size_t i = 1; i < d.nparts; i++) {
			free(path);
			path = mv_xasprintf("%s/%s", dir, d.files[d.parts[i]].rel);
			struct fkey k;

			if (lstat(path, &st) == 0 && (key_of(&st, &k), !seen_find(&k)))
				seen_add(&k);
		}
		free(path);
	}
	mv_download_free(&d);
}

/* Take d out of the list and free it. */
static void
dl_drop(struct dl *d)
{
	struct dl **p;

	for (p = &dls; *p != d; p = &(*p)->next)
		;
	*p = d->next;
	free(d->dir);
	free(d);
}

/*
 * Look at every download due by now: announce those that settled, wait
 * again for the others. With once (mvwatch --once), every download is
 * due and one that has not settled is skipped with a message. Returns
 * how many were skipped.
 */
unsigned long
dl_run(uint64_t now, int once)
{
	struct dl *d, *next;
	struct sig s;
	unsigned long skipped = 0;

	for (d = dls; d; d = next) {
		next = d->next;
		if (!once && d->due > now)
			continue;
		s = sig_of(d->dir);
		if ((d->have_sig && sig_eq(&s, &d->sig) && !once) ||
		    ((d->from_scan || once) && sig_old(&s)) || settle_ns == 0) {
			announce(d->dir);
			dl_drop(d);
		} else if (once) {
			mv_warnx("unable to report %s: modified less than %g s ago; skipped",
			    d->dir, (double)settle_ns / 1e9);
			skipped++;
			dl_drop(d);
		} else {
			d->sig = s;
			d->have_sig = 1;
			d->from_scan = 0;
			d->due = now + settle_ns;
		}
	}
	return skipped;
}

/* The earliest due time, or UINT64_MAX when no download waits. */
uint64_t
dl_next(void)
{
	uint64_t t = UINT64_MAX;

	for (struct dl *d = dls; d; d = d->next)
		if (d->due < t)
			t = d->due;
	return t;
}

void
dl_clear(void)
{
	while (dls)
		dl_drop(dls);
}
