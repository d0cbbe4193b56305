/* gc.c: mvctl gc: trim cache/tmdb and assets/images to their bounds, or clear incoming/ of junk. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/* The sorted paths profiles point at. */
struct gcused {
	char **v;
	size_t n;
};

/* mv_evict's keep: an image a profile points at goes after the others. */
static int
gc_in_use(void *ctx, const char *rel)
{
	struct gcused *used = ctx;

	return used->n &&
	    bsearch(&rel, used->v, used->n, sizeof *used->v, ctl_cmp_str) != NULL;
}

/* Image paths the profiles point at (images.poster/backdrop, image). */
static char **
used_images(size_t *n)
{
	size_t nd;
	char **docs = ctl_all_docs(&nd), **out = NULL;

	*n = 0;
	for (size_t i = 0; i < nd; i++) {
		cJSON *d = strncmp(docs[i], "index/", 6) ? ctl_load_rel(docs[i], 0) : NULL;
		cJSON *im = cJSON_GetObjectItemCaseSensitive(d, "images");
		const char *p[3] = { mv_json_str(im, "poster", NULL),
		    mv_json_str(im, "backdrop", NULL), mv_json_str(d, "image", NULL) };

		for (size_t k = 0; k < 3; k++)
			if (p[k]) {
				out = mv_xrealloc(out, (*n + 1) * sizeof *out);
				out[(*n)++] = mv_xstrdup(p[k]);
			}
		cJSON_Delete(d);
	}
	mv_list_free(docs, nd);
	if (*n)
		qsort(out, *n, sizeof *out, ctl_cmp_str);
	return out;
}

/* Trim rel to max bytes (mv_evict's order, images in use last);
 * report; returns the bytes freed. */
static long long
gc_dir(const char *rel, long long max, int dry, char **used, size_t nused)
{
	struct gcused u = { used, nused };
	struct mv_evict_stats s;

	mv_evict(rel, max, max, used ? gc_in_use : NULL, &u, dry, &s);
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "dir", rel);
		cJSON_AddNumberToObject(o, "bound", (double)max);
		cJSON_AddNumberToObject(o, "before", (double)s.before);
		cJSON_AddNumberToObject(o, "after", (double)s.after);
		cJSON_AddNumberToObject(o, "removed", (double)s.removed);
		cJSON_AddBoolToObject(o, "dryRun", dry);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else
		printf("%s: %lld bytes, bound %lld: %s%zu files, %lld bytes\n", rel,
		    s.before, max, dry ? "would remove " : "removed ", s.removed, s.freed);
	return s.freed;
}

/* A size option or configuration value, or a usage/config error. */
static long long
size_arg(const char *what, const char *s, int code)
{
	long long b;

	if (mv_size_parse(s, &b) < 0) {
		mv_warnx("bad size for %s: \"%s\" (expected 512M, 2G)", what, s);
		if (code == MV_EX_USAGE)
			ctl_verb_usage(stderr);
		exit(code);
	}
	return b;
}

/* gc --incoming: what is left over in incoming/, and what went. */
struct gcin {
	char **busy;      /* real paths of the sources of filings under way, sorted */
	size_t nbusy;
	int dry;
	long files, junk, folders;
	long long bytes;
	int code;         /* MV_EX_OK, or the first failure's */
	char **subs;      /* loose subtitles of a loose video beside them, */
	char **videos;    /* and that video's (both data-relative) */
	size_t nsubs;
};

/* Note the subtitles of every loose video in incoming/ (names, its n
 * entries): they are filed with it (mv_download_loose), so each is
 * listed as its video's. */
static void
loose_subs(struct gcin *g, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *abs = mv_path("incoming/%s", names[i]);
		struct mv_download d = {0};

		if (mv_media_kind(names[i]) == MV_MEDIA_VIDEO && mv_download_loose(abs, &d) == 0 &&
		    d.main < d.n)
			for (size_t j = 0; j < d.n; j++)
				if (j != d.main) {
					g->subs = mv_xrealloc(g->subs, (g->nsubs + 1) * sizeof *g->subs);
					g->videos = mv_xrealloc(g->videos, (g->nsubs + 1) *
					    sizeof *g->videos);
					g->subs[g->nsubs] = mv_xasprintf("incoming/%s", d.files[j].rel);
					g->videos[g->nsubs++] = mv_xasprintf("incoming/%s", names[i]);
				}
		mv_download_free(&d);
		free(abs);
	}
}

/* The loose video the file rel is a subtitle of, or NULL. */
static const char *
video_of(const struct gcin *g, const char *rel)
{
	for (size_t i = 0; i < g->nsubs; i++)
		if (!strcmp(g->subs[i], rel))
			return g->videos[i];
	return NULL;
}

/* The sources of the filings under way (run/filing/, lib/file.c):
 * being handled, so not left over. */
static void
filings_busy(struct gcin *g)
{
	size_t n;
	char **names = mv_dir_list("run/filing", ".json", &n);

	for (size_t i = 0; i < n; i++) {
		char *path = mv_path("run/filing/%s", names[i]), *real;
		const char *why;
		cJSON *j = mv_json_load(path, 65536, &why);

		if (j && (real = realpath(mv_json_str(j, "src", ""), NULL))) {
			g->busy = mv_xrealloc(g->busy, (g->nbusy + 1) * sizeof *g->busy);
			g->busy[g->nbusy++] = real;
		}
		cJSON_Delete(j);
		free(path);
	}
	mv_list_free(names, n);
	if (g->nbusy)
		qsort(g->busy, g->nbusy, sizeof *g->busy, ctl_cmp_str);
}

/* Report one file or folder: "rel: media, removed|would remove|kept",
 * and the loose video a subtitle is filed with. */
static void
gc_in_put(const struct gcin *g, const char *rel, const char *media, int gone)
{
	const char *video = video_of(g, rel);

	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "file", rel);
		cJSON_AddStringToObject(o, "media", media);
		if (video)
			cJSON_AddStringToObject(o, "video", video);
		cJSON_AddBoolToObject(o, "removed", gone);
		cJSON_AddBoolToObject(o, "dryRun", g->dry);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else if (video)
		printf("%s: %s, kept (filed with %s)\n", rel, media, video);
	else
		printf("%s: %s, %s\n", rel, media, !gone ? "kept" : g->dry ?
		    "would remove" : "removed");
}

/* One file of incoming/: known junk goes, anything else stays (a video,
 * a subtitle, an NFO, a name mv_media_kind does not know). Returns 1 if
 * it went (or would go). */
static int
gc_in_file(struct gcin *g, const char *rel, const char *abs, const struct stat *st)
{
	enum mv_media kind = mv_media_kind(rel + strlen("incoming/"));
	char *real = realpath(abs, NULL);
	/* bsearch's array may not be NULL, even empty (UBSan). */
	int busy = real && g->nbusy &&
	    bsearch(&real, g->busy, g->nbusy, sizeof *g->busy, ctl_cmp_str);

	free(real);
	if (busy)
		return 0;
	g->files++;
	/* A symlink is nobody's download: never removed, never followed. */
	if (kind != MV_MEDIA_JUNK || !S_ISREG(st->st_mode)) {
		gc_in_put(g, rel, mv_media_name(kind), 0);
		return 0;
	}
	if (!g->dry && unlink(abs) < 0) {
		mv_warn("remove %s", rel);
		if (g->code == MV_EX_OK)
			g->code = mv_exit_for_errno(errno);
		gc_in_put(g, rel, mv_media_name(kind), 0);
		return 0;
	}
	g->junk++;
	g->bytes += (long long)st->st_size;
	gc_in_put(g, rel, mv_media_name(kind), 1);
	return 1;
}

/*
 * Walk the data-relative folder rel in name order. A folder that held junk and is
 * empty once it went is removed too; incoming/ itself (top) never, nor a
 * folder that was empty before. Returns 1 if rel went (or would go).
 */
static int
gc_in_dir(struct gcin *g, const char *rel, int top)
{
	char *dir = mv_path("%s", rel), **names = NULL;
	size_t n = 0;
	long kept = 0, went = 0;
	struct dirent *e;
	DIR *d;

	if (!(d = opendir(dir))) {
		if (errno != ENOENT || !top) {
			mv_warn("open %s", rel);
			if (g->code == MV_EX_OK)
				g->code = mv_exit_for_errno(errno);
		}
		free(dir);
		return 0;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			names = mv_xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = mv_xstrdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, ctl_cmp_str);
	if (top)
		loose_subs(g, names, n);
	for (size_t i = 0; i < n; i++) {
		char *crel = mv_xasprintf("%s/%s", rel, names[i]);
		char *abs = mv_xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		int gone = 0;

		/* A hidden name is not ours (a .keep, a sync tool's folder),
		 * unless the rule calls it junk: .DS_Store, ._name. */
		if (lstat(abs, &st) < 0 || (names[i][0] == '.' && (S_ISDIR(st.st_mode) ||
		    mv_media_kind(crel + strlen("incoming/")) != MV_MEDIA_JUNK)))
			gone = 0;
		else
			gone = S_ISDIR(st.st_mode) ? gc_in_dir(g, crel, 0) :
			    gc_in_file(g, crel, abs, &st);
		if (gone)
			went++;
		else
			kept++;
		free(crel);
		free(abs);
	}
	mv_list_free(names, n);
	if (top || kept || !went || (!g->dry && rmdir(dir) < 0)) {
		free(dir);
		return 0;
	}
	free(dir);
	g->folders++;
	{
		char *slash = mv_xasprintf("%s/", rel);

		gc_in_put(g, slash, "folder", 1);
		free(slash);
	}
	return 1;
}

/* gc --incoming: list what is left over in incoming/, remove known junk. */
static int
gc_incoming(int dry)
{
	struct gcin g = { .dry = dry, .code = MV_EX_OK };

	filings_busy(&g);
	gc_in_dir(&g, "incoming", 1);
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "dir", "incoming");
		cJSON_AddNumberToObject(o, "files", (double)g.files);
		cJSON_AddNumberToObject(o, "removed", (double)g.junk);
		cJSON_AddNumberToObject(o, "bytes", (double)g.bytes);
		cJSON_AddNumberToObject(o, "folders", (double)g.folders);
		cJSON_AddBoolToObject(o, "dryRun", dry);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else
		printf("incoming: %ld files left over: %s%ld junk files, %lld bytes, "
		    "and %ld empty folders\n", g.files, dry ? "would remove " : "removed ",
		    g.junk, g.bytes, g.folders);
	mv_list_free(g.busy, g.nbusy);
	mv_list_free(g.subs, g.nsubs);
	mv_list_free(g.videos, g.nsubs);
	return g.code;
}

int
v_gc(int argc, char **argv)
{
	static const struct option lo[] = {
		{"cache-max", required_argument, NULL, 'c'},
		{"images-max", required_argument, NULL, 'i'},
		{"dry-run", no_argument, NULL, 'n'},
		{"incoming", no_argument, NULL, 'I'},
		COMMON_OPTS
	};
	const char *cm = NULL, *im = NULL;
	long long cmax, imax;
	size_t nused;
	char **used;
	int c, dry = 0, incoming = 0;

	while ((c = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		switch (c) {
		case 'c': cm = optarg; size_arg("--cache-max", cm, MV_EX_USAGE); break;
		case 'i': im = optarg; size_arg("--images-max", im, MV_EX_USAGE); break;
		case 'n': dry = 1; break;
		case 'I': incoming = 1; break;
		default: ctl_common_opt(c);
		}
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	/* Junk and bounds are separate chores: one run does one. */
	if (incoming && (cm || im))
		ctl_usage_error("%s", "--incoming takes no --cache-max or --images-max");
	ctl_report_text();
	ctl_open_library();
	if (incoming)
		return gc_incoming(dry);
	cmax = cm ? size_arg("--cache-max", cm, MV_EX_USAGE) :
	    size_arg("tmdb_cache_max", mv_config_get("tmdb_cache_max", "64M"), MV_EX_CONFIG);
	imax = im ? size_arg("--images-max", im, MV_EX_USAGE) :
	    size_arg("images_max", mv_config_get("images_max", "2G"), MV_EX_CONFIG);
	gc_dir("cache/tmdb", cmax, dry, NULL, 0);
	used = used_images(&nused);
	gc_dir("assets/images", imax, dry, used, nused);
	mv_list_free(used, nused);
	return MV_EX_OK;
}
