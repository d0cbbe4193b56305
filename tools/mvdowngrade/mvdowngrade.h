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
	/* What the scan keeps to price any target without the profile
	 * (cache.c remembers it): */
	long long above[MV_DEEP + 1]; /* profile bytes of each level's members */
	char *im, *card;        /* images, cardPoster member text; malloc'd or NULL */
	size_t imlen, cardlen;
	long long key[4];       /* the profile's inode, size, mtime, ctime (ns) */
	int stated;             /* key holds a stat of the profile */
};

/* scan.c: reading profiles fast. */
void read_movie(struct movie *m, enum mv_level target, char **buf, size_t *cap);
void scan_all(struct movie *v, size_t n, enum mv_level target);
void movie_bytes(struct movie *m, enum mv_level target);
void movie_clear(struct movie *m);

/* cache.c: what the last scan read, by the profile's stat. */
void cache_load(struct movie *v, size_t n);
void cache_save(const struct movie *v, size_t n, long long horizon);

/* hook.c: the user's hook weighs the candidates. */
int hook_apply(struct movie **c, size_t n);

#endif
