/* sidecars.c: the subtitles and extras of a download, filed beside its film. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "mvenrich.h"

/*
 * A film that came in a folder (incoming/<folder>/…, mvwatch's
 * data.download) brings its subtitles and extras, and one dropped loose
 * in incoming/ the subtitles whose names start with its own
 * (mv_download_loose): they are filed where mv_name_path says, one at a
 * time with mv_file_move and its journal, each recorded in the entry of the video they came with
 * (mv_video_add_sidecar) before the journal goes. They go before the
 * film itself: the movie stays pending until its video is filed, so a
 * kill -9 anywhere in between resumes from the pending movie, and
 * "ready" means all of it is filed. A version or part that joins a film
 * filed already brings its own download's the same way, named after
 * itself (" - 2160p.fr.srt"). Samples, the release NFO, junk and
 * whatever is unknown stay in incoming/.
 */

/* The download v's video came in: "incoming/<folder>" (malloc'd) with
 * *loose 0, or "incoming" with *loose 1 for a video dropped loose there
 * (it and its subtitles beside it are its download: mv_download_loose);
 * NULL for a video chosen elsewhere (mvctl add, a library root). */
static char *
download_of(const cJSON *v, int *loose)
{
	const char *src = mv_json_str(v, "source", ""), *s;

	*loose = 0;
	if (strncmp(src, "incoming/", 9) != 0)
		return NULL;
	if (!(s = strchr(src + 9, '/'))) {
		*loose = 1;
		return mv_xstrdup("incoming");
	}
	return mv_xasprintf("%.*s", (int)(s - src), src);
}

/* The name of v's video as it came, without its extension: what its
 * subtitles' names start with. malloc'd. */
static char *
video_base(const cJSON *v)
{
	const char *src = mv_json_str(v, "source", ""), *s = strrchr(src, '/');
	char *b = mv_xstrdup(s ? s + 1 : src), *dot = strrchr(b, '.');

	if (dot && dot != b)
		*dot = '\0';
	return b;
}

/* The record of f, filed at final (data-relative), from source. */
static cJSON *
entry_of(const struct mv_dl_file *f, const char *final, const char *source)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "path", final);
	if (f->role == MV_DL_SUBTITLE) {
		cJSON_AddStringToObject(e, "lang", f->sub.tag[0] ? f->sub.tag : "und");
		cJSON_AddBoolToObject(e, "forced", f->sub.forced);
		cJSON_AddBoolToObject(e, "sdh", f->sub.sdh);
	} else
		cJSON_AddStringToObject(e, "kind", f->extra ? f->extra : "extras");
	cJSON_AddStringToObject(e, "source", source);
	return e;
}

/* Record f, filed at final (absolute) from source (data-relative), in
 * m's video entry v, and save m. */
static void
record(cJSON *m, cJSON *v, const struct mv_dl_file *f, const char *final,
    const char *source)
{
	char *rel = rel_path(final);

	mv_video_add_sidecar(v, f->role == MV_DL_SUBTITLE ? "subtitles" : "extras",
	    entry_of(f, rel, source));
	free(rel);
	save(m);
}

/*
 * File f of the download dl (data-relative) beside m's video v. Returns
 * 0 when filed (or gone meanwhile), 1 when it changed while being filed
 * (retried with the movie), -1 when it could not be (it stays, said).
 * An extra whose name is taken in the extras folder (a version's
 * download brings a "Making of" the film's had) is filed beside it as
 * "name (2).ext", as mv_file_move does: never over it.
 */
static int
file_one(cJSON *m, cJSON *v, const char *dl, const struct mv_dl_file *f)
{
	const char *id = mv_json_str(m, "id", "");
	struct mv_name_of of = {0};
	char *dest, *slash, *dir, *src, *source, *final = NULL;
	int r = 0;

	if (f->role == MV_DL_SUBTITLE) {
		of.what = MV_NAME_SUBTITLE;
		/* "und" names no language: "Title (Year) [tmdbid-N].srt". */
		of.lang = strcmp(f->sub.lang, "und") ? f->sub.tag : NULL;
		of.forced = f->sub.forced;
		of.sdh = f->sub.sdh;
	} else {
		of.what = MV_NAME_EXTRA;
		of.extra = f->extra;
	}
	of.source = f->rel;
	dest = mv_name_path(m, v, &of);
	slash = strrchr(dest, '/');
	*slash = '\0';
	dir = mv_path("%s", dest);
	source = mv_xasprintf("%s/%s", dl, f->rel);
	src = mv_path("%s", source);
	if (mv_file_move(id, src, dir, slash + 1, &final) == 0) {
		record(m, v, f, final, source);
		mv_crash_point("sidecar-saved");
		mv_file_commit(id);
	} else if (errno == ESTALE || errno == EAGAIN) {
		mv_warnx("%s: %s changed while being filed; it will be retried", id, source);
		r = 1;
	} else if (errno != ENOENT) {
		mv_warn("file %s; it stays where it is", source);
		r = -1;
	}
	free(final);
	free(src);
	free(source);
	free(dir);
	free(dest);
	return r;
}

/*
 * File the subtitles and extras of the download m's video v came in,
 * when it came in one and is its film (its main video, or gone from it:
 * filed out of quarantine/). Returns 1 when one must be retried.
 */
static int
file_of(cJSON *m, cJSON *v)
{
	const char *src = mv_json_str(v, "source", "");
	int loose, wait = 0, r;
	char *dl = download_of(v, &loose), *abs, *base;
	struct mv_download d;

	if (!dl)
		return 0;
	abs = mv_path("%s", loose ? src : dl);
	r = loose ? mv_download_loose(abs, &d) : mv_download_scan(abs, &d);
	if (r < 0) {
		if (errno != ENOENT)
			mv_warn("read %s", dl);
	} else if (d.main == d.n || !strcmp(d.files[d.main].rel, src + strlen(dl) + 1)) {
		base = video_base(v);
		mv_download_read_subs(&d, base);
		free(base);
		for (size_t i = 0; i < d.n; i++)
			if (d.files[i].role == MV_DL_SUBTITLE || d.files[i].role == MV_DL_EXTRA)
				wait |= file_one(m, v, dl, &d.files[i]) > 0;
	}
	mv_download_free(&d);
	free(abs);
	free(dl);
	return wait;
}

/*
 * File the sidecars of every video of m still to file (not under
 * assets/ yet: the film of a first copy, or a version or part that
 * joins it), each beside its own video. Returns 1 when one must be
 * retried (the caller waits), else 0: a sidecar that could not be
 * filed is left and said.
 */
int
sidecars_file(cJSON *m)
{
	cJSON *v;
	int wait = 0;

	cJSON_ArrayForEach(v, mv_movie_videos(m))
		if (strncmp(mv_json_str(v, "path", ""), "assets/", 7))
			wait |= file_of(m, v);
	return wait;
}

/* The video of m whose download holds srel (data-relative), the file
 * it is not itself; NULL if none. One still to file goes first: two
 * copies may have come in folders of one name. Borrowed. */
static cJSON *
holder_of(const cJSON *m, const char *srel)
{
	cJSON *v, *found = NULL;
	int loose;

	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		const char *src = mv_json_str(v, "source", "");
		char *dl = download_of(v, &loose);
		size_t n = dl ? strlen(dl) : 0;

		if (dl && !strncmp(srel, dl, n) && srel[n] == '/' && strcmp(srel, src) &&
		    (!loose || (!strchr(srel + n + 1, '/') &&
		    mv_download_stem_of(srel + n + 1, base_name(src)))) &&
		    (!found || strncmp(mv_json_str(v, "path", ""), "assets/", 7)))
			found = v;
		free(dl);
	}
	return found;
}

/*
 * A filing mv_file_recover finished (final, absolute) from src
 * (absolute): if it was a sidecar of one of m's videos, record it (m
 * saved) and return 1; return 0 for anything else (a video's filing).
 */
int
sidecars_recovered(cJSON *m, const char *final, const char *src)
{
	char *srel = rel_path(src), *dl, *base, *idx;
	cJSON *v = holder_of(m, srel);
	struct mv_dl_file f = {0};
	int r = 0, loose;

	if (!v || entry_at(m, srel))
		goto out;
	dl = download_of(v, &loose);
	f.rel = srel + strlen(dl) + 1;
	free(dl);
	f.kind = mv_media_kind(srel + 9);
	if (f.kind == MV_MEDIA_SUBTITLE) {
		f.role = MV_DL_SUBTITLE;
		base = video_base(v);
		mv_sub_parse(f.rel, base, &f.sub);
		if (f.sub.pair && !strcmp(f.sub.ext, "sub")) {
			/* Named as its .idx was: read that name. */
			idx = mv_xasprintf("%.*sidx", (int)strlen(f.rel) - 3, f.rel);
			mv_sub_parse(idx, base, &f.sub);
			free(idx);
		}
		free(base);
	} else if (f.kind == MV_MEDIA_EXTRA && !loose) {
		f.role = MV_DL_EXTRA;
		f.extra = mv_media_extra_kind(srel + 9);
	} else
		goto out;
	record(m, v, &f, final, srel);
	r = 1;
out:
	free(srel);
	return r;
}
