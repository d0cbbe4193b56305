/* name.c: the one rule for the name and place of every filed file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mv.h"

/*
 * The layout is the one Jellyfin, Plex, Kodi and Radarr all read, a
 * folder per movie named as its main video:
 *
 *   assets/videos/Heat (1995) [tmdbid-949]/
 *     Heat (1995) [tmdbid-949].mkv                     the film
 *     Heat (1995) [tmdbid-949] - Director's Cut.mkv    a version (edition)
 *     Heat (1995) [tmdbid-949] - 2160p.mkv             a version (quality)
 *     Heat (1995) [tmdbid-949] - part1.avi             a part (stacked)
 *     Heat (1995) [tmdbid-949].fr.srt                  a subtitle
 *     Heat (1995) [tmdbid-949].en.forced.srt           a forced subtitle
 *     Featurettes/Making of Heat.mkv                   an extra
 *
 * " - label" is Jellyfin's version rule (the folder's name, " - ", any
 * label) and Plex accepts it; " - partN" stacks in all three players.
 */

#define TITLE_MAX 150     /* the title's share, leaving room for labels */
#define LABEL_MAX 40      /* an edition or a quality label */
#define EXT_MAX 16        /* an extension, without its dot */

/* Extras folders that the players read (Jellyfin and Plex agree). */
static const char *const extra_dirs[] = {
	"Behind The Scenes", "Deleted Scenes", "Featurettes", "Interviews",
	"Scenes", "Shorts", "Trailers", "Extras", "Other",
};

/*
 * The title that names the files: the name_title setting's choice
 * (mv_movie_name_title: local, original or default). Borrowed from m.
 */
static const char *
name_title(const cJSON *m)
{
	return mv_movie_name_title(m);
}

/* The extension of name (after its last dot), lower case and safe, or ""
 * (malloc'd). */
static char *
extension(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	char *e, *safe;

	if (!dot || dot == base || !dot[1] || strlen(dot + 1) > EXT_MAX)
		return mv_xstrdup("");
	e = mv_xstrdup(dot + 1);
	for (char *p = e; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	safe = mv_file_safe_name(e, EXT_MAX);
	free(e);
	return safe;
}

/* The stem of name (its base without the extension), safe (malloc'd). */
static char *
stem(const char *name, size_t max)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	char *s = dot && dot != base ? mv_xasprintf("%.*s", (int)(dot - base), base) :
	    mv_xstrdup(base);
	char *safe = mv_file_safe_name(s, max);

	free(s);
	return safe;
}

/* "Title (Year) [tmdbid-N]": the folder's name and every file's stem. */
static char *
movie_stem(const cJSON *m)
{
	long long tmdb = mv_json_int(cJSON_GetObjectItemCaseSensitive(m, "externalIds"), "tmdb", 0);
	int year = (int)mv_json_int(m, "year", 0);
	char suffix[64], *title, *s;

	if (year)
		snprintf(suffix, sizeof suffix, " (%d) [tmdbid-%lld]", year, tmdb);
	else
		snprintf(suffix, sizeof suffix, " [tmdbid-%lld]", tmdb);
	/* The same cut for every file of a movie, so that they all share
	 * the folder's name as their prefix, as players require. */
	title = mv_file_safe_name(name_title(m), TITLE_MAX);
	s = mv_xasprintf("%s%s", title, suffix);
	free(title);
	return s;
}

/* Append " - label" for a label of v (edition, quality) when present. */
static void
add_label(struct mv_buf *b, const cJSON *v, const char *key)
{
	const char *l = mv_json_str(v, key, NULL);
	char *safe;

	if (!l || !*l)
		return;
	safe = mv_file_safe_name(l, LABEL_MAX);
	mv_buf_adds(b, " - ");
	mv_buf_adds(b, safe);
	free(safe);
}

/* The extras folder for type ("featurettes", "trailer"...), canonical. */
static const char *
extra_dir(const char *type)
{
	size_t n;

	for (size_t i = 0; type && i < sizeof extra_dirs / sizeof *extra_dirs; i++) {
		n = strlen(extra_dirs[i]);
		/* "Trailer" names the folder "Trailers". */
		if (!strcasecmp(type, extra_dirs[i]) ||
		    (strlen(type) == n - 1 && !strncasecmp(type, extra_dirs[i], n - 1)))
			return extra_dirs[i];
	}
	return "Extras";
}

/* Add "name.ext" (ext may be "") to b. */
static void
add_ext(struct mv_buf *b, const char *ext)
{
	if (*ext) {
		mv_buf_adds(b, ".");
		mv_buf_adds(b, ext);
	}
}

char *
mv_name_path(const cJSON *m, const cJSON *video, const struct mv_name_of *of)
{
	enum mv_name_what what = of ? of->what : MV_NAME_VIDEO;
	struct mv_buf b = {0};
	char *folder = movie_stem(m), *ext, *s;
	long long part = mv_json_int(video, "part", 0);

	mv_buf_adds(&b, "assets/videos/");
	mv_buf_adds(&b, folder);
	if (what == MV_NAME_FOLDER)
		goto done;
	mv_buf_adds(&b, "/");
	if (what == MV_NAME_EXTRA) {
		/* An extra keeps its own name: players show it as its title. */
		mv_buf_adds(&b, extra_dir(of->extra));
		mv_buf_adds(&b, "/");
		s = stem(of->source ? of->source : "", TITLE_MAX);
		mv_buf_adds(&b, s);
		free(s);
		ext = extension(of->source ? of->source : "");
		add_ext(&b, ext);
		free(ext);
		goto done;
	}
	mv_buf_adds(&b, folder);
	add_label(&b, video, "edition");
	add_label(&b, video, "quality");
	if (part > 0) {
		s = mv_xasprintf(" - part%lld", part);
		mv_buf_adds(&b, s);
		free(s);
	}
	if (what == MV_NAME_SUBTITLE) {
		/* ".fr", ".en.forced", ".en.sdh": the tags all three read. */
		if (of->lang && *of->lang) {
			s = mv_file_safe_name(of->lang, 16);
			mv_buf_adds(&b, ".");
			mv_buf_adds(&b, s);
			free(s);
		}
		if (of->forced)
			mv_buf_adds(&b, ".forced");
		if (of->sdh)
			mv_buf_adds(&b, ".sdh");
		ext = extension(of->source ? of->source : "");
	} else {
		/* The file's own extension; before it is filed, that of its
		 * source (the same but for case). */
		ext = extension(mv_json_str(video, "path", ""));
		if (!*ext) {
			free(ext);
			ext = extension(mv_json_str(video, "source", ""));
		}
	}
	add_ext(&b, ext);
	free(ext);
done:
	free(folder);
	if (!b.buf)
		mv_buf_adds(&b, "");
	return b.buf;
}
