/* watches.c: the directories mvwatch watches, each by its inotify wd, its parent's and its name. */
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include "mv.h"
#include "mvwatch.h"

struct watch *watches;
size_t nwatch;
static size_t capwatch;

struct watch *
wfind(int wd)
{
	size_t lo = 0, hi = nwatch;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (watches[mid].wd == wd)
			return &watches[mid];
		if (watches[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
wput(int wd, int parent, const char *name)
{
	struct watch *w = wfind(wd);
	size_t i;

	if (w) {
		/* The same directory, reached under a new name. */
		w->parent = parent;
		if (strcmp(w->name, name) != 0) {
			free(w->name);
			w->name = mv_xstrdup(name);
		}
		return;
	}
	if (nwatch == capwatch) {
		capwatch = capwatch ? capwatch * 2 : 16;
		watches = mv_xrealloc(watches, capwatch * sizeof *watches);
	}
	for (i = nwatch; i > 0 && watches[i - 1].wd > wd; i--)
		watches[i] = watches[i - 1];
	watches[i].wd = wd;
	watches[i].parent = parent;
	watches[i].name = mv_xstrdup(name);
	nwatch++;
}

void
wdel(int wd)
{
	struct watch *w = wfind(wd);
	size_t i;

	if (!w)
		return;
	i = (size_t)(w - watches);
	free(w->name);
	memmove(&watches[i], &watches[i + 1], (nwatch - i - 1) * sizeof *watches);
	nwatch--;
}

/* Stop watching wd and every directory below it. */
void
wdrop(int wd)
{
	for (size_t i = 0; i < nwatch;) {
		if (watches[i].parent == wd) {
			wdrop(watches[i].wd);
			i = 0; /* the array moved */
		} else
			i++;
	}
	inotify_rm_watch(ifd, wd);
	wdel(wd);
}

void
wclear(void)
{
	for (size_t i = 0; i < nwatch; i++) {
		inotify_rm_watch(ifd, watches[i].wd);
		free(watches[i].name);
	}
	nwatch = 0;
	root_wd = -1;
}

/* Append the full path of wd to b. Returns 0, or -1 if its chain is broken. */
int
wpath(int wd, struct mv_buf *b, int depth)
{
	struct watch *w = wfind(wd);

	if (!w || depth > MAXDEPTH)
		return -1;
	if (w->parent < 0) {
		mv_buf_adds(b, w->name);
		return 0;
	}
	if (wpath(w->parent, b, depth + 1) < 0)
		return -1;
	mv_buf_adds(b, "/");
	mv_buf_adds(b, w->name);
	return 0;
}

/* 1 if wd is anc or lies below it. */
int
below(int wd, int anc)
{
	for (int depth = 0; wd >= 0 && depth <= MAXDEPTH; depth++) {
		struct watch *w;

		if (wd == anc)
			return 1;
		if (!(w = wfind(wd)))
			return 0;
		wd = w->parent;
	}
	return 0;
}
