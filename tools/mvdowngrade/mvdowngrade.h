/*
 * mvdowngrade.h: what tools/mvdowngrade.c and its modules in
 * tools/mvdowngrade/ share. Private to mvdowngrade, not lib/: ownership
 * and return values are written at each definition.
 */
#ifndef MVDOWNGRADE_H
#define MVDOWNGRADE_H

#include <time.h>

#include "mv.h"

/* One movie of the library as the plan sees it: what scan.c reads of its
 * profile, what usage.json says of its reads, its score. */
struct movie {
	char *id;               /* borrowed from the directory list */
	const char *bad;        /* why the profile is unusable, or NULL */
	char *title;            /* malloc'd */
	int year;               /* 0: null */
	enum mv_level level;
	time_t created;
	long long pbytes;       /* the profile file */
	long long ibytes;       /* the image files it references */
	long long freed;        /* estimate of what a downgrade frees */
	long long count;        /* accesses */
	time_t last;            /* last access, 0: never */
	double score;           /* disuse times weight: higher goes first */
	double weight;          /* from the hook; 1 without one, 0 protects */
	int cand;               /* a candidate of this run */
};

/* scan.c: reading profiles fast. */
void read_movie(struct movie *m, enum mv_level target, char **buf, size_t *cap);
void scan_all(struct movie *v, size_t n, enum mv_level target);

/* hook.c: the user's hook weighs the candidates. */
int hook_apply(struct movie **c, size_t n);

#endif
