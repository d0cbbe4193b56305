/* files.c: the files mvwatch knows: those reported, and those waiting to settle before they are. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mv.h"
#include "mvwatch.h"

/* ---- files already reported: (dev, ino, size, mtime) ------------------- */

struct mv_table seen;

void
key_of(const struct stat *st, struct fkey *k)
{
	memset(k, 0, sizeof *k);
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
	k->mtime = st->st_mtim;
}

/* The whole key, for the set of reported files. */
static void
seen_key(const struct fkey *k, char *out)
{
	snprintf(out, KEYMAX, "%jx:%jx:%jx:%jx.%lx", (uintmax_t)k->dev,
	    (uintmax_t)k->ino, (uintmax_t)k->size, (uintmax_t)k->mtime.tv_sec,
	    (unsigned long)k->mtime.tv_nsec);
}

struct seen *
seen_find(const struct fkey *k)
{
	char key[KEYMAX];

	seen_key(k, key);
	return mv_table_get(&seen, key);
}

void
seen_add(const struct fkey *k)
{
	struct seen *s = mv_xcalloc(1, sizeof *s);

	seen_key(k, s->key);
	s->gen = gen;
	mv_table_put(&seen, s->key, s);
}

/*
 * After a complete full scan: forget files it did not find as they were
 * (deleted, moved away or changed), so memory follows what DIR holds.
 * With gone NULL, forget them all. The stale are gathered first: a
 * table may not change while it is walked.
 */
void
seen_sweep(const unsigned *gone)
{
	struct seen **stale = mv_xcalloc(seen.n + 1, sizeof *stale);
	size_t pos = 0, n = 0;
	void *val;

	while (mv_table_next(&seen, &pos, NULL, &val))
		if (!gone || ((struct seen *)val)->gen != *gone)
			stale[n++] = val;
	for (size_t i = 0; i < n; i++) {
		mv_table_del(&seen, stale[i]->key);
		free(stale[i]);
	}
	free(stale);
}

/* ---- files waiting to settle: a table by (dev, ino) and a timer queue -- */

struct mv_table pending;
struct pend *qhead;
static struct pend *qtail;

static void
pend_id(const struct fkey *k, char *out)
{
	snprintf(out, KEYMAX, "%jx:%jx", (uintmax_t)k->dev, (uintmax_t)k->ino);
}

/* Take p out of the timer queue. The ends are compared, not inferred
 * from NULL links, so a node that is not queued is left alone. */
static void
q_unlink(struct pend *p)
{
	if (p == qhead)
		qhead = p->next;
	else if (p->prev)
		p->prev->next = p->next;
	if (p == qtail)
		qtail = p->prev;
	else if (p->next)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
}

static void
q_append(struct pend *p)
{
	p->prev = qtail;
	p->next = NULL;
	if (qtail)
		qtail->next = p;
	else
		qhead = p;
	qtail = p;
}

/* (Re)start the settle timer of the file at path, as stat'ed in st. */
void
pend_arm(const char *path, const struct stat *st)
{
	struct fkey k;
	struct pend *p;
	char id[KEYMAX];

	key_of(st, &k);
	pend_id(&k, id);
	if ((p = mv_table_get(&pending, id))) {
		q_unlink(p);
		if (strcmp(p->path, path) != 0) { /* renamed while settling */
			free(p->path);
			p->path = mv_xstrdup(path);
		}
	} else {
		p = mv_xcalloc(1, sizeof *p);
		memcpy(p->id, id, sizeof id);
		p->path = mv_xstrdup(path);
		mv_table_put(&pending, p->id, p);
	}
	p->k = k;
	p->due = mv_mono_ns() + settle_ns;
	q_append(p);
}

void
pend_free(struct pend *p)
{
	if (mv_table_get(&pending, p->id) == p)
		mv_table_del(&pending, p->id);
	q_unlink(p);
	free(p->path);
	free(p);
}

void
pend_clear(void)
{
	while (qhead)
		pend_free(qhead);
}
