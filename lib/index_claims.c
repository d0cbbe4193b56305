/* index_claims.c: reconciling index/ext claims with the profiles' external ids. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

static void
claimlist_read(char kind, struct claimlist *l)
{
	char *dir = mv_path("index/ext/%c", kind), target[64];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	ssize_t len;

	free(dir);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strchr(e->d_name, ':'))
			continue;
		len = readlinkat(dfd, e->d_name, target, sizeof target - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1024;
			l->name = mv_xrealloc(l->name, l->cap * sizeof *l->name);
			l->target = mv_xrealloc(l->target, l->cap * sizeof *l->target);
		}
		l->name[l->n] = mv_strs_dup(&l->strs, e->d_name, strlen(e->d_name));
		l->target[l->n++] = mv_strs_dup(&l->strs, target, (size_t)len);
	}
	closedir(d);
}

/* Reading 60,000 links is a fifth of a rebuild, all of it system calls
 * that need nothing from the profiles: a scan that will be followed by
 * claims reads them on a thread of its own meanwhile. A streamed rebuild
 * of 500,000 people read theirs after the shards, alone: 2.3 s of
 * readlinkat, 9 MB in 64 KiB blocks, now read while the profiles are. */
void *
idx_claims_ahead(void *arg)
{
	struct mv_index *ix = arg;

	claimlist_read('m', &ix->ahead[0]);
	claimlist_read('p', &ix->ahead[1]);
	return NULL;
}

/* Index of key in x's external ids, or -1. */
static long
ext_index(const struct node *x, const char *key)
{
	for (size_t i = 0; x && x->present && i < x->next; i++)
		if (strcmp(x->ext[i], key) == 0)
			return (long)i;
	return -1;
}

/*
 * Check the claims of kind found on disk (l): mark in each node the
 * external ids whose claim names it; drop (or with report, print) the
 * claims that no present profile backs, and take them out of l.
 * Returns how many were stale.
 */
static long
read_claims(struct mv_index *ix, char kind, struct claimlist *l, FILE *report)
{
	size_t i, kept = 0;
	long n = 0;

	for (i = 0; i < l->n; i++) {
		char *name = l->name[i], *target = l->target[i];
		struct node *x = idx_id_ok(target, kind) ?
		    idx_map_get(kind == 'm' ? &ix->movies : &ix->people, target) : NULL;
		long j = ext_index(x, name);

		if (j >= 0) {
			if (j < 64)
				x->claimed |= (uint64_t)1 << j;
			l->name[kept] = name;
			l->target[kept++] = target;
			continue;
		}
		n++;
		if (report)
			fprintf(report, "claims: %c/%s: stale: %s has no %s\n",
			    kind, name, target, name);
		else if (mv_claim_drop(kind, name, target) < 0 && errno != EPERM)
			/* EPERM: retaken meanwhile by a live owner; it stays. */
			mv_warn("remove claim index/ext/%c/%s", kind, name);
	}
	l->n = kept;
	return n;
}

/* The owner of key in l, through c (built on the first call). */
static const char *
claim_owner(struct claimlist *l, struct mv_table *c, const char *key)
{
	if (!c->cap)
		for (size_t i = 0; i < l->n; i++)
			mv_table_put(c, l->name[i], l->target[i]);
	return mv_table_get(c, key);
}

int
idx_claim_one(const char *ext, const char *id)
{
	char *key = mv_xstrdup(ext), *colon = strchr(key, ':'), *owner = NULL;
	int r;

	*colon = '\0';
	if ((r = mv_claim(key, colon + 1, id, &owner)) < 0) {
		if (errno == EEXIST)
			mv_warnx("unable to claim %s:%s for %s: owned by %s",
			    key, colon + 1, id, owner);
		else
			mv_warn("claim %s:%s for %s", key, colon + 1, id);
	}
	free(owner);
	free(key);
	return r < 0 ? -1 : 0;
}

void
idx_claimlist_release(struct claimlist *l, struct mv_table *c)
{
	/* The set borrowed l's strings. */
	if (c)
		mv_table_free(c);
	mv_strs_free(&l->strs);
	free(l->name);
	free(l->target);
	memset(l, 0, sizeof *l);
}

/* Claim or check every external id of the present nodes. report: print
 * what is wrong instead of repairing. Returns the problems found. */
long
idx_claims(struct mv_index *ix, FILE *report)
{
	long bad = 0;

	for (int k = 0; k < 2; k++) {
		char kind = k ? 'p' : 'm';
		struct node **arr = k ? ix->psorted : ix->msorted;
		size_t n = k ? ix->np : ix->nm;
		struct claimlist *l = &ix->ahead[k];
		struct mv_table c = {0};
		long stale;

		if (ix->ahead_running) {
			pthread_join(ix->ahead_th, NULL);
			ix->ahead_running = 0;
		} else if (!l->n)
			claimlist_read(kind, l);
		/* Streamed people have no nodes left, only their outside ids. */
		if (k && ix->stream) {
			bad += idx_stream_claims(ix, l, report);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			arr[i]->claimed = 0;
		stale = read_claims(ix, kind, l, report);

		/* Stale claims are problems to report, but only work to repair. */
		if (report)
			bad += stale;
		for (size_t i = 0; i < n; i++) {
			struct node *x = arr[i];

			for (size_t j = 0; x->present && j < x->next; j++) {
				const char *have;

				if (j < 64 && (x->claimed >> j & 1))
					continue;
				have = claim_owner(l, &c, x->ext[j]);
				if (have && strcmp(have, x->id) == 0)
					continue;
				if (report) {
					bad++;
					fprintf(report, "claims: %c/%s: %s%s, %s has it\n", kind,
					    x->ext[j], have ? "owned by " : "missing",
					    have ? have : "", x->id);
					continue;
				}
				if (idx_claim_one(x->ext[j], x->id) < 0)
					bad++;
			}
		}
		idx_claimlist_release(l, &c);
	}
	return bad;
}

long
mv_index_claims(struct mv_index *ix)
{
	return idx_claims(ix, NULL);
}

