/* gc.c: mvctl gc: trim cache/tmdb and assets/images to their bounds. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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

	return bsearch(&rel, used->v, used->n, sizeof *used->v, ctl_cmp_str) != NULL;
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

int
v_gc(int argc, char **argv)
{
	static const struct option lo[] = {
		{"cache-max", required_argument, NULL, 'c'},
		{"images-max", required_argument, NULL, 'i'},
		{"dry-run", no_argument, NULL, 'n'},
		COMMON_OPTS
	};
	const char *cm = NULL, *im = NULL;
	long long cmax, imax;
	size_t nused;
	char **used;
	int c, dry = 0;

	while ((c = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		switch (c) {
		case 'c': cm = optarg; size_arg("--cache-max", cm, MV_EX_USAGE); break;
		case 'i': im = optarg; size_arg("--images-max", im, MV_EX_USAGE); break;
		case 'n': dry = 1; break;
		default: ctl_common_opt(c);
		}
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_report_text();
	ctl_open_library();
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
