/* parts.c: loose parts of one film (cd1, cd2) in DIR wait for each other, then go out as one event. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mv.h"
#include "mvwatch.h"

/*
 * "Movie.1995.cd1.avi" and "Movie.1995.cd2.avi" dropped loose in DIR
 * are one film. A part that has settled is held, with the others of its
 * film (the same title and year, as the parser folds them), until
 * --part-wait has passed since the first of them settled; then the group
 * goes out as one mv.file.added: data.path its lowest part, data.parts
 * all of them in order. A part is never announced as a whole film, even
 * alone. Few films wait at once: a list.
 */
struct group {
	struct group *next;
	char *key;            /* folded title "|" year; owned */
	uint64_t due;         /* monotonic ns */
	size_t n;
	struct gpart { char *path; int part; } p[16];
};

static struct group *groups;
uint64_t part_wait_ns = 600000000000ull;

static void announce(struct group *g);

/* The key and part of the loose video at path: its part number, 0 for
 * none (then *key is NULL). */
static int
part_key(const char *path, char **key)
{
	const char *base = strrchr(path, '/');
	struct mv_name n;
	int part;
	char *t;

	*key = NULL;
	mv_parse_name(base ? base + 1 : path, &n);
	if ((part = n.part) > 0) {
		t = mv_title_fold(n.title ? n.title : "");
		*key = mv_xasprintf("%s|%d", t, n.year);
		free(t);
	}
	mv_name_free(&n);
	return part;
}

/* Hold the settled loose file at path if it is a part of a film: returns
 * 1 if held (or already), 0 if it is no part (report it as it is). */
int
part_hold(const char *path)
{
	struct group *g;
	char *key;
	int part = part_key(path, &key);

	if (part <= 0)
		return 0;
	for (g = groups; g && strcmp(g->key, key); g = g->next)
		;
	if (!g) {
		g = mv_xcalloc(1, sizeof *g);
		g->key = key;
		g->due = mv_mono_ns() + part_wait_ns;
		g->next = groups;
		groups = g;
	} else
		free(key);
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->p[i].path, path))
			return 1;
	if (g->n == sizeof g->p / sizeof *g->p) {
		/* Never leave it unseen in DIR: it goes on as a part alone,
		 * which mvenrich never files as the whole film. */
		struct group one = { .n = 1, .p = { { (char *)path, part } } };

		mv_warnx("unable to group %s: more than %zu parts of one film; "
		    "reported alone", path, g->n);
		announce(&one);
		return 1;
	}
	g->p[g->n].path = mv_xstrdup(path);
	g->p[g->n++].part = part;
	return 1;
}

static int
by_part(const void *a, const void *b)
{
	const struct gpart *x = a, *y = b;

	return x->part != y->part ? x->part - y->part : strcmp(x->path, y->path);
}

/* Announce g: its lowest part, with every part that is still there. */
static void
announce(struct group *g)
{
	cJSON *more = cJSON_CreateObject(), *parts = cJSON_AddArrayToObject(more, "parts");
	struct stat st, first;
	const char *path = NULL;

	qsort(g->p, g->n, sizeof *g->p, by_part);
	for (size_t i = 0; i < g->n; i++) {
		if (lstat(g->p[i].path, &st) < 0 || !S_ISREG(st.st_mode))
			continue; /* gone meanwhile */
		cJSON_AddItemToArray(parts, cJSON_CreateString(g->p[i].path));
		if (!path) {
			path = g->p[i].path;
			first = st;
		} else {
			struct fkey k;

			key_of(&st, &k);
			if (!seen_find(&k))
				seen_add(&k);
		}
	}
	if (path)
		report(path, &first, more);
	else
		cJSON_Delete(more);
}

static void
drop(struct group *g)
{
	struct group **p;

	for (p = &groups; *p != g; p = &(*p)->next)
		;
	*p = g->next;
	for (size_t i = 0; i < g->n; i++)
		free(g->p[i].path);
	free(g->key);
	free(g);
}

/* Announce every group due by now (all of them with once). */
void
part_run(uint64_t now, int once)
{
	struct group *g, *next;

	for (g = groups; g; g = next) {
		next = g->next;
		if (once || g->due <= now) {
			announce(g);
			drop(g);
		}
	}
}

/* The earliest due time, or UINT64_MAX when no part waits. */
uint64_t
part_next(void)
{
	uint64_t t = UINT64_MAX;

	for (struct group *g = groups; g; g = g->next)
		if (g->due < t)
			t = g->due;
	return t;
}

void
part_clear(void)
{
	while (groups)
		drop(groups);
}
