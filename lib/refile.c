/* refile.c: move what is filed to where mv_name_path says, crash-safely. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

#define VIDEOS "assets/videos/"

/*
 * The i-th filed file of m, or NULL past the last: every entry of
 * videos[], each followed by its subtitles and its extras. *video is
 * the video entry it belongs to; *of says what it is for mv_name_path
 * (of->what MV_NAME_VIDEO for a video). The one seam between moving and
 * the profile's shape. Borrowed.
 */
static cJSON *
file_at(cJSON *m, int i, cJSON **video, struct mv_name_of *of)
{
	static const char *const lists[] = {"subtitles", "extras"};
	cJSON *v, *e;
	int k = 0;

	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		if (!cJSON_IsObject(v))
			continue;
		*video = v;
		memset(of, 0, sizeof *of);
		if (k++ == i)
			return v;
		for (size_t l = 0; l < 2; l++)
			cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(v, lists[l])) {
				if (!cJSON_IsObject(e) || k++ != i)
					continue;
				of->source = mv_json_str(e, "source", mv_json_str(e, "path", ""));
				if (l == 0) {
					const char *lang = mv_json_str(e, "lang", "und");

					/* as filing named it: "und" names no language */
					of->what = MV_NAME_SUBTITLE;
					of->lang = strcmp(lang, "und") ? lang : NULL;
					of->forced = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "forced"));
					of->sdh = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sdh"));
				} else {
					of->what = MV_NAME_EXTRA;
					of->extra = mv_json_str(e, "kind", NULL);
				}
				return e;
			}
	}
	return NULL;
}

/* path relative to the data directory, or NULL if outside it. Borrowed. */
static const char *
rel_of(const char *path)
{
	size_t root = strlen(mv_data);

	if (strncmp(path, mv_data, root) != 0 || path[root] != '/')
		return NULL;
	return path + root + 1;
}

/* 1 if have is want, or want's " (N)" variant (a taken name's, as
 * mv_file_move picks it) while want is still taken: moving it then
 * would only pick another. Once want is free, the variant moves to it. */
static int
in_place(const char *have, const char *want)
{
	const char *dot = strrchr(want, '.'), *hs = strrchr(have, '/');
	size_t stem = dot && dot > strrchr(want, '/') ? (size_t)(dot - want) : strlen(want);
	const char *p = have + stem;
	struct stat st;
	char *path;
	int taken;

	if (!strcmp(have, want))
		return 1;
	/* The " (N)" is the file name's, not a folder's. */
	if (strncmp(have, want, stem) != 0 || strncmp(p, " (", 2) != 0 || (hs && hs > p))
		return 0;
	for (p += 2; *p >= '0' && *p <= '9'; p++)
		;
	if (p == have + stem + 2 || *p != ')' || strcmp(p + 1, want + stem) != 0)
		return 0;
	path = mv_path("%s", want);
	taken = lstat(path, &st) == 0;
	free(path);
	return taken;
}

/* Remove the folder of rel (a path under assets/videos/) if it is a
 * movie's folder and empty. */
static void
drop_folder(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	char *dir;

	if (!slash || (size_t)(slash - rel) <= strlen(VIDEOS) - 1)
		return;  /* assets/videos/ itself stays */
	dir = mv_path("%.*s", (int)(slash - rel), rel);
	if (rmdir(dir) == 0)
		mv_fsync_dir(dir);
	free(dir);
}

/* Move one file of m from have to want (relative); saves m. 0 or -1. */
static int
move_one(cJSON *m, cJSON *v, const char *have, const char *want)
{
	const char *id = mv_json_str(m, "id", "");
	char *src = mv_path("%s", have), *dir = mv_path("%s", want), *old;
	char *name = strrchr(dir, '/'), *final = NULL;
	int r = -1;

	*name++ = '\0';
	old = mv_xstrdup(have);
	if (mv_file_refile(id, src, dir, name, &final) == 0) {
		mv_json_set(v, "path", cJSON_CreateString(rel_of(final)));
		if (mv_movie_save(m) < 0) {
			/* The journal stays: the recovery records it. */
			mv_warn("save movie %s", id);
			goto out;
		}
		mv_crash_point("refile-saved");
		if (mv_file_commit(id) < 0)
			mv_warn("remove the journal of %s", id);
		drop_folder(old);
		r = 0;
	}
out:
	free(old);
	free(final);
	free(src);
	free(dir);
	return r;
}

int
mv_refile_movie(cJSON *m, int dry, mv_refile_fn fn, void *ctx)
{
	const char *id = mv_json_str(m, "id", "");
	struct mv_name_of of;
	cJSON *v, *video;
	char *want, *have;
	int n = 0;

	/* A video first, then its sidecars: they are named after it. */
	for (int i = 0; (v = file_at(m, i, &video, &of)); i++) {
		have = mv_xstrdup(mv_json_str(v, "path", ""));
		/* Only what is filed: a video in incoming/ or quarantine/ is
		 * filing's or the review's to move. */
		if (strncmp(have, VIDEOS, strlen(VIDEOS)) != 0) {
			free(have);
			continue;
		}
		want = mv_name_path(m, video, v == video ? NULL : &of);
		if (!in_place(have, want)) {
			if (fn)
				fn(ctx, id, have, want);
			if (!dry && move_one(m, v, have, want) < 0) {
				free(want);
				free(have);
				return -1;
			}
			n++;
		}
		free(want);
		free(have);
	}
	return n;
}

void
mv_refile_recovered(const char *movie, const char *final, const char *src)
{
	const char *why, *rf, *rs = rel_of(src);
	struct mv_name_of of;
	cJSON *m, *v, *video;

	if (!final || !rs || !(rf = rel_of(final)))
		return;  /* rolled back: the profile still says src */
	if (!(m = mv_movie_load(movie, &why))) {
		mv_warnx("unable to read movie %s after recovering %s: %s", movie, final, why);
		return;
	}
	for (int i = 0; (v = file_at(m, i, &video, &of)); i++)
		if (!strcmp(mv_json_str(v, "path", ""), rs)) {
			mv_json_set(v, "path", cJSON_CreateString(rf));
			if (mv_movie_save(m) < 0)
				mv_warn("save movie %s", movie);
			break;
		}
	drop_folder(rs);
	cJSON_Delete(m);
}

int
mv_refile_sweep(void)
{
	char *top = mv_path("assets/videos"), *dir;
	struct dirent *e;
	int n = 0;
	DIR *d;

	if (!(d = opendir(top))) {
		free(top);
		return 0;
	}
	while ((e = readdir(d))) {
		/* rmdir refuses files and non-empty folders alike. */
		if (e->d_name[0] == '.')
			continue;
		dir = mv_xasprintf("%s/%s", top, e->d_name);
		if (rmdir(dir) == 0)
			n++;
		free(dir);
	}
	closedir(d);
	if (n)
		mv_fsync_dir(top);
	free(top);
	return n;
}
