/* download.c: a release folder, or a loose video and its subtitles, as one download. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mv.h"

#define NPARTS (sizeof ((struct mv_download *)0)->parts / sizeof (size_t))

static const char *const role_names[] = {
	[MV_DL_MAIN] = "main", [MV_DL_PART] = "part",
	[MV_DL_SUBTITLE] = "subtitle", [MV_DL_EXTRA] = "extra",
	[MV_DL_SAMPLE] = "sample", [MV_DL_NFO] = "nfo",
	[MV_DL_ARTWORK] = "artwork", [MV_DL_ARCHIVE] = "archive",
	[MV_DL_JUNK] = "junk", [MV_DL_OTHER] = "other",
};

const char *
mv_dl_role_name(enum mv_dl_role role)
{
	return (unsigned)role < sizeof role_names / sizeof *role_names ?
	    role_names[role] : "other";
}

/* The listing in progress: the download's path is b, rel starts at off. */
struct walk {
	struct mv_download *d;
	size_t cap;
	size_t off;
	size_t topoff;  /* where the download's own name starts in the path */
};

static void
add_file(struct walk *w, const char *path, const struct stat *st)
{
	const char *rel = path + w->off;

	struct mv_dl_file *f;

	if (w->d->n == MV_DOWNLOAD_FILES) {
		w->d->truncated = 1;
		return;
	}
	if (w->d->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 32;
		w->d->files = mv_xrealloc(w->d->files, w->cap * sizeof *w->d->files);
	}
	f = &w->d->files[w->d->n++];
	memset(f, 0, sizeof *f);
	f->rel = mv_xstrdup(rel);
	f->size = (long long)st->st_size;
	/* The download's own name counts as a parent: a folder "Sample"
	 * or "Featurettes" dropped alone holds samples or extras. */
	f->kind = mv_media_kind(path + w->topoff);
	f->role = MV_DL_OTHER;
}

/* List the folder b (its path), depth levels below the download.
 * Returns 0, or -1 with errno if b cannot be opened. */
static int
walk_dir(struct walk *w, struct mv_buf *b, int depth)
{
	size_t len = b->len;
	struct dirent *e;
	struct stat st;
	DIR *dir;

	if (!(dir = opendir(b->buf)))
		return -1;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		mv_buf_add(b, "/", 1);
		mv_buf_adds(b, e->d_name);
		/* lstat: a symlink is nobody's download, never followed. */
		if (lstat(b->buf, &st) == 0) {
			if (S_ISREG(st.st_mode))
				add_file(w, b->buf, &st);
			else if (S_ISDIR(st.st_mode) && depth >= MV_DOWNLOAD_DEPTH)
				w->d->truncated = 1;
			else if (S_ISDIR(st.st_mode) && walk_dir(w, b, depth + 1) < 0 &&
			    errno != ENOENT)
				w->d->truncated = 1; /* unreadable: not all is known */
		}
		b->len = len;
		b->buf[len] = '\0';
	}
	closedir(dir);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
by_rel(const void *a, const void *b)
{
	return strcmp(((const struct mv_dl_file *)a)->rel,
	    ((const struct mv_dl_file *)b)->rel);
}

/* The part number the parser reads in a video of the download named
 * top (its folder's name): the folder helps when the name is bare
 * ("CD1/movie.avi"). */
static int
part_of(const char *top, const char *rel)
{
	char *p = mv_xasprintf("%s/%s", top, rel);
	struct mv_name n;
	int part;

	mv_parse_name(p, &n);
	part = n.part;
	mv_name_free(&n);
	free(p);
	return part;
}

/* Pick the main video and the parts: see mv_download_scan. */
static void
pick_main(struct mv_download *d, const char *top)
{
	struct mv_dl_file *f;
	size_t best = d->n;

	for (size_t i = 0; i < d->n; i++)
		if (d->files[i].kind == MV_MEDIA_VIDEO &&
		    (best == d->n || d->files[i].size > d->files[best].size))
			best = i;
	d->main = best;
	if (best == d->n)
		return;
	d->files[best].role = MV_DL_MAIN;
	if (!(d->files[best].part = part_of(top, d->files[best].rel)))
		return;
	/* In parts: each number once (the largest copy), then in order. */
	for (size_t i = 0; i < d->n; i++) {
		f = &d->files[i];
		if (f->kind != MV_MEDIA_VIDEO || i == best || (f->part = part_of(top, f->rel)) <= 0)
			continue;
		if (f->part == d->files[best].part)
			continue;
		f->role = MV_DL_PART;
		for (size_t j = 0; j < i; j++)
			if (d->files[j].role == MV_DL_PART && d->files[j].part == f->part) {
				if (d->files[j].size >= f->size)
					f->role = MV_DL_OTHER;
				else
					d->files[j].role = MV_DL_OTHER;
			}
	}
	d->parts[d->nparts++] = best;
	for (size_t i = 0; i < d->n && d->nparts < NPARTS; i++)
		if (d->files[i].role == MV_DL_PART)
			d->parts[d->nparts++] = i;
	/* Insertion sort by part number: a handful of parts. */
	for (size_t i = 1; i < d->nparts; i++)
		for (size_t j = i; j > 0 &&
		    d->files[d->parts[j]].part < d->files[d->parts[j - 1]].part; j--) {
			size_t t = d->parts[j];

			d->parts[j] = d->parts[j - 1];
			d->parts[j - 1] = t;
		}
	/* The film starts with its first part, whichever is largest. */
	d->files[d->main].role = MV_DL_PART;
	d->main = d->parts[0];
	d->files[d->main].role = MV_DL_MAIN;
	for (size_t i = 0; i < d->n; i++)
		if (d->files[i].role == MV_DL_PART && i != d->parts[0]) {
			int listed = 0;

			for (size_t k = 0; k < d->nparts; k++)
				listed |= d->parts[k] == i;
			if (!listed)
				d->files[i].role = MV_DL_OTHER; /* past 16 parts */
		}
}

/* The role of every file but the film's, subtitles read against base. */
static void
classify(struct mv_download *d, const char *base, const char *top)
{
	static const enum mv_dl_role by_kind[] = {
		[MV_MEDIA_OTHER] = MV_DL_OTHER, [MV_MEDIA_VIDEO] = MV_DL_OTHER,
		[MV_MEDIA_SUBTITLE] = MV_DL_SUBTITLE, [MV_MEDIA_NFO] = MV_DL_NFO,
		[MV_MEDIA_ARTWORK] = MV_DL_ARTWORK, [MV_MEDIA_SAMPLE] = MV_DL_SAMPLE,
		[MV_MEDIA_EXTRA] = MV_DL_EXTRA, [MV_MEDIA_ARCHIVE] = MV_DL_ARCHIVE,
		[MV_MEDIA_JUNK] = MV_DL_JUNK, [MV_MEDIA_PARTIAL] = MV_DL_OTHER,
	};

	for (size_t i = 0; i < d->n; i++) {
		struct mv_dl_file *f = &d->files[i];

		if (f->role == MV_DL_MAIN || f->role == MV_DL_PART)
			continue;
		f->role = by_kind[f->kind];
		if (f->role == MV_DL_EXTRA) {
			char *p = mv_xasprintf("%s/%s", top, f->rel);

			f->extra = mv_media_extra_kind(p);
			free(p);
		}
	}
	mv_download_read_subs(d, base);
}

void
mv_download_read_subs(struct mv_download *d, const char *base)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->files[i].role == MV_DL_SUBTITLE)
			mv_sub_parse(d->files[i].rel, base, &d->files[i].sub);
	/* A VobSub pair is one subtitle: the .sub takes its .idx's reading,
	 * so that both are filed under one name. */
	for (size_t i = 0; i < d->n; i++)
		if (d->files[i].role == MV_DL_SUBTITLE && d->files[i].sub.pair &&
		    !strcmp(d->files[i].sub.ext, "sub"))
			for (size_t j = 0; j < d->n; j++)
				if (d->files[j].role == MV_DL_SUBTITLE &&
				    mv_sub_pair(d->files[i].rel, d->files[j].rel) &&
				    !strcmp(d->files[j].sub.ext, "idx")) {
					char ext[sizeof d->files[i].sub.ext];

					memcpy(ext, d->files[i].sub.ext, sizeof ext);
					d->files[i].sub = d->files[j].sub;
					memcpy(d->files[i].sub.ext, ext, sizeof ext);
					d->files[i].sub.pair = "idx";
				}
}

int
mv_download_scan(const char *dir, struct mv_download *out)
{
	struct mv_buf b = {0};
	struct walk w = { .d = out };
	const char *top;
	char *base = NULL, *dot;
	int r;

	memset(out, 0, sizeof *out);
	mv_buf_adds(&b, dir);
	while (b.len > 1 && b.buf[b.len - 1] == '/')
		b.buf[--b.len] = '\0';
	w.off = b.len + 1;
	top = strrchr(b.buf, '/');
	w.topoff = top ? (size_t)(top - b.buf) + 1 : 0;
	r = walk_dir(&w, &b, 1);
	out->main = out->n;
	if (r < 0) {
		int saved = errno;

		mv_buf_free(&b);
		errno = saved;
		return -1;
	}
	if (out->n)
		qsort(out->files, out->n, sizeof *out->files, by_rel);
	pick_main(out, b.buf + w.topoff);
	if (out->main < out->n) {
		const char *rel = out->files[out->main].rel, *s = strrchr(rel, '/');

		base = mv_xstrdup(s ? s + 1 : rel);
		if ((dot = strrchr(base, '.')) && dot != base)
			*dot = '\0';
	}
	classify(out, base, b.buf + w.topoff);
	free(base);
	mv_buf_free(&b);
	return 0;
}

int
mv_download_stem_of(const char *name, const char *video)
{
	const char *dot = strrchr(video, '.');
	size_t n = dot && dot != video ? (size_t)(dot - video) : strlen(video);

	/* Jellyfin's rule (MediaInfoResolver): the video's name without its
	 * extension, in any case, then a flag delimiter, its only one '.'. */
	return strncasecmp(name, video, n) == 0 && name[n] == '.';
}

/* The videos among the n names, by a loose_add's kind: 1 when another
 * video than skip (its stem) claims name with a longer stem. */
static int
claimed_elsewhere(char **names, const enum mv_media *kinds, size_t n,
    const char *name, const char *skip)
{
	const char *d = strrchr(skip, '.');
	size_t mine = d && d != skip ? (size_t)(d - skip) : strlen(skip);

	for (size_t i = 0; i < n; i++) {
		const char *e = strrchr(names[i], '.');
		size_t len = e && e != names[i] ? (size_t)(e - names[i]) : strlen(names[i]);

		if (kinds[i] == MV_MEDIA_VIDEO && strcmp(names[i], skip) && len > mine &&
		    mv_download_stem_of(name, names[i]))
			return 1;
	}
	return 0;
}

/* The names in the folder dir (no . or ..), sorted by bytes, and each
 * one's kind; count in *n. Returns NULL with errno when dir cannot be
 * read. */
static char **
list_dir(const char *dir, enum mv_media **kinds, size_t *n)
{
	char **names = NULL;
	struct dirent *e;
	DIR *d;

	*n = 0;
	if (!(d = opendir(dir)))
		return NULL;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			names = mv_xrealloc(names, (*n + 1) * sizeof *names);
			names[(*n)++] = mv_xstrdup(e->d_name);
		}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, by_name);
	*kinds = mv_xcalloc(*n ? *n : 1, sizeof **kinds);
	for (size_t i = 0; i < *n; i++)
		(*kinds)[i] = mv_media_kind(names[i]);
	return names ? names : mv_xcalloc(1, sizeof *names);
}

/* Add the file dir/name of kind and role to d, if it is a regular file. */
static void
loose_add(struct mv_download *d, const char *dir, const char *name, enum mv_media kind,
    enum mv_dl_role role)
{
	char *p = mv_xasprintf("%s/%s", dir, name);
	struct stat st;

	/* lstat: a symlink is nobody's download, as in a folder. */
	if (lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
		d->files = mv_xrealloc(d->files, (d->n + 1) * sizeof *d->files);
		memset(&d->files[d->n], 0, sizeof *d->files);
		d->files[d->n].rel = mv_xstrdup(name);
		d->files[d->n].size = (long long)st.st_size;
		d->files[d->n].kind = kind;
		d->files[d->n].role = role;
		d->n++;
	}
	free(p);
}

/* A file's folder and the names in it: what mv_download_loose and
 * mv_download_owner both read. */
struct siblings {
	char *dir;              /* "." or "/" or the path up to its last '/' */
	const char *base;       /* the file's own name, in the path */
	char **names;           /* list_dir's */
	enum mv_media *kinds;
	size_t n;
};

/* List the folder of path into s (free it with siblings_free).
 * Returns 0, or -1 with errno (nothing to free) when it cannot be read. */
static int
siblings_list(struct siblings *s, const char *path)
{
	const char *slash = strrchr(path, '/');

	s->base = slash ? slash + 1 : path;
	s->dir = !slash ? mv_xstrdup(".") : slash == path ? mv_xstrdup("/") :
	    mv_xasprintf("%.*s", (int)(slash - path), path);
	s->kinds = NULL;
	if (!(s->names = list_dir(s->dir, &s->kinds, &s->n))) {
		int saved = errno;

		free(s->dir);
		errno = saved;
		return -1;
	}
	return 0;
}

static void
siblings_free(struct siblings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->kinds);
	free(s->dir);
}

int
mv_download_loose(const char *video, struct mv_download *out)
{
	struct siblings s;
	char *stem, *dot;

	memset(out, 0, sizeof *out);
	if (siblings_list(&s, video) < 0)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		if (!strcmp(s.names[i], s.base))
			loose_add(out, s.dir, s.names[i], s.kinds[i], MV_DL_MAIN);
		else if (s.kinds[i] == MV_MEDIA_SUBTITLE &&
		    mv_download_stem_of(s.names[i], s.base) &&
		    !claimed_elsewhere(s.names, s.kinds, s.n, s.names[i], s.base))
			loose_add(out, s.dir, s.names[i], s.kinds[i], MV_DL_SUBTITLE);
	}
	out->main = out->n;
	for (size_t i = 0; i < out->n; i++)
		if (out->files[i].role == MV_DL_MAIN)
			out->main = i;
	stem = mv_xstrdup(s.base);
	if ((dot = strrchr(stem, '.')) && dot != stem)
		*dot = '\0';
	mv_download_read_subs(out, stem);
	free(stem);
	siblings_free(&s);
	return 0;
}

char *
mv_download_owner(const char *path)
{
	struct siblings s;
	char *owner = NULL;

	if (siblings_list(&s, path) < 0)
		return NULL;
	/* The same rule as mv_download_loose, asked from the other side: the
	 * video whose stem claims the name, the longest stem winning. */
	for (size_t i = 0; i < s.n; i++)
		if (s.kinds[i] == MV_MEDIA_VIDEO && mv_download_stem_of(s.base, s.names[i]) &&
		    !claimed_elsewhere(s.names, s.kinds, s.n, s.base, s.names[i])) {
			owner = mv_xstrdup(s.names[i]);
			break;
		}
	siblings_free(&s);
	return owner;
}

void
mv_download_free(struct mv_download *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->files[i].rel);
	free(d->files);
	memset(d, 0, sizeof *d);
}

void
mv_video_add_sidecar(cJSON *video, const char *key, cJSON *entry)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(video, key), *e;
	const char *path = mv_json_str(entry, "path", "");
	int i = 0;

	if (!cJSON_IsArray(list)) {
		list = cJSON_CreateArray();
		mv_json_set(video, key, list);
	}
	/* A filing replayed after a crash records its file once. */
	cJSON_ArrayForEach(e, list) {
		if (!strcmp(mv_json_str(e, "path", ""), path)) {
			cJSON_ReplaceItemInArray(list, i, entry);
			return;
		}
		i++;
	}
	cJSON_AddItemToArray(list, entry);
}
