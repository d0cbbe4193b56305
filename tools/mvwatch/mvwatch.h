/*
 * mvwatch.h: what tools/mvwatch.c and its modules in tools/mvwatch/
 * share. Private to mvwatch, not lib/: ownership and return values are
 * written at each definition.
 */
#ifndef MVWATCH_H
#define MVWATCH_H

#include <stdint.h>
#include <sys/stat.h>

#include "mv.h"

#define MAXDEPTH 64               /* deeper trees are not scanned */

/* files.c: the files already reported, (dev, ino, size, mtime), and
 * those waiting to settle, in a table by (dev, ino) and a timer queue. */
struct fkey {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* Both tables use mv_table, keyed by the numbers of a struct fkey
 * written out: a key is short and made once per lookup. */
#define KEYMAX 96

struct seen {
	char key[KEYMAX]; /* seen_key's; the table's key */
	unsigned gen;     /* last full scan that found the file unchanged */
};

/*
 * Every file waits the same settle time, so appending to the tail keeps
 * the queue sorted by deadline: the head is always the next one due.
 */
struct pend {
	char id[KEYMAX];          /* "dev:ino"; the table's key */
	struct pend *prev, *next; /* timer queue */
	struct fkey k;            /* as last seen */
	uint64_t due;             /* monotonic ns */
	char *path;               /* owned */
};

extern struct mv_table seen, pending;
extern struct pend *qhead;

void key_of(const struct stat *st, struct fkey *k);
struct seen *seen_find(const struct fkey *k);
void seen_add(const struct fkey *k);
void seen_sweep(const unsigned *gone);
void pend_arm(const char *path, const struct stat *st);
void pend_free(struct pend *p);
void pend_clear(void);

/* watches.c: the directories being watched. */
/*
 * A watch knows its parent's wd and its own name, not its full path, so
 * renaming a directory inside the tree changes one entry, not all of its
 * descendants. The array is sorted by wd (the kernel hands them out in
 * increasing order), found by binary search.
 */
struct watch {
	int wd;
	int parent;  /* wd of the parent, -1 for the root */
	char *name;  /* owned; for the root, the root path */
};

extern struct watch *watches;
extern size_t nwatch;

struct watch *wfind(int wd);
void wput(int wd, int parent, const char *name);
void wdel(int wd);
void wdrop(int wd);
void wclear(void);
int wpath(int wd, struct mv_buf *b, int depth);
int below(int wd, int anc);

/* download.c: the folders below the root, each one download settling. */
char *dl_of(const char *path);
void dl_touch(const char *dir, int from_event);
unsigned long dl_run(uint64_t now, int once);
uint64_t dl_next(void);
void dl_clear(void);

/* parts.c: loose parts of one film waiting for each other. */
extern uint64_t part_wait_ns; /* --part-wait */
int part_hold(const char *path);
void part_run(uint64_t now, int once);
uint64_t part_next(void);
void part_clear(void);

/* mvwatch.c: options and global state. */
extern char *root;          /* DIR, absolute */
void report(const char *path, const struct stat *st, cJSON *more);
extern uint64_t settle_ns;  /* --settle */
extern unsigned gen;        /* number of the current full scan */
extern int ifd;             /* inotify; -1 with --once */
extern int root_wd;         /* the root's watch, -1 for none */

#endif
