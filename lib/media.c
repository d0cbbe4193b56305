/* media.c: what a file is (video, subtitle, sample, extra, junk...), one rule for every tool. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "mv.h"

/*
 * Extensions, lower case, without the dot. Videos are the union of the
 * lists mvwatch and the name parser kept before this file existed; the
 * subtitle, extras and sample rules follow Jellyfin's naming options
 * (Emby.Naming/Common/NamingOptions.cs), which Plex and Kodi agree with
 * for movies, so that what mv files is read the same way by the players.
 */
static const struct {
	const char *ext;
	enum mv_media kind;
} ext_kinds[] = {
	{"3gp", MV_MEDIA_VIDEO}, {"asf", MV_MEDIA_VIDEO}, {"avi", MV_MEDIA_VIDEO},
	{"divx", MV_MEDIA_VIDEO}, {"flv", MV_MEDIA_VIDEO}, {"iso", MV_MEDIA_VIDEO},
	{"m2ts", MV_MEDIA_VIDEO}, {"m4v", MV_MEDIA_VIDEO}, {"mk3d", MV_MEDIA_VIDEO},
	{"mkv", MV_MEDIA_VIDEO}, {"mov", MV_MEDIA_VIDEO}, {"mp4", MV_MEDIA_VIDEO},
	{"mpeg", MV_MEDIA_VIDEO}, {"mpg", MV_MEDIA_VIDEO}, {"mts", MV_MEDIA_VIDEO},
	{"ogm", MV_MEDIA_VIDEO}, {"ogv", MV_MEDIA_VIDEO}, {"rm", MV_MEDIA_VIDEO},
	{"rmvb", MV_MEDIA_VIDEO}, {"ts", MV_MEDIA_VIDEO}, {"vob", MV_MEDIA_VIDEO},
	{"webm", MV_MEDIA_VIDEO}, {"wmv", MV_MEDIA_VIDEO}, {"xvid", MV_MEDIA_VIDEO},

	{"ass", MV_MEDIA_SUBTITLE}, {"idx", MV_MEDIA_SUBTITLE},
	{"mks", MV_MEDIA_SUBTITLE}, {"sami", MV_MEDIA_SUBTITLE},
	{"smi", MV_MEDIA_SUBTITLE}, {"srt", MV_MEDIA_SUBTITLE},
	{"ssa", MV_MEDIA_SUBTITLE}, {"sub", MV_MEDIA_SUBTITLE},
	{"sup", MV_MEDIA_SUBTITLE}, {"vtt", MV_MEDIA_SUBTITLE},

	{"nfo", MV_MEDIA_NFO},

	{"bmp", MV_MEDIA_ARTWORK}, {"gif", MV_MEDIA_ARTWORK},
	{"jpeg", MV_MEDIA_ARTWORK}, {"jpg", MV_MEDIA_ARTWORK},
	{"png", MV_MEDIA_ARTWORK}, {"tbn", MV_MEDIA_ARTWORK},
	{"webp", MV_MEDIA_ARTWORK},

	{"7z", MV_MEDIA_ARCHIVE}, {"bz2", MV_MEDIA_ARCHIVE},
	{"gz", MV_MEDIA_ARCHIVE}, {"rar", MV_MEDIA_ARCHIVE},
	{"tar", MV_MEDIA_ARCHIVE}, {"tgz", MV_MEDIA_ARCHIVE},
	{"xz", MV_MEDIA_ARCHIVE}, {"zip", MV_MEDIA_ARCHIVE},
	{"zipx", MV_MEDIA_ARCHIVE},

	/* What release sites and downloaders leave beside a film
	 * (RARBG.txt, WWW.SITE.URL, Thumbs.db, desktop.ini, .sfv): the one
	 * list of known junk, with ".DS_Store" and "._name" below, and all
	 * that `mvctl gc --incoming` ever removes. */
	{"bat", MV_MEDIA_JUNK}, {"cmd", MV_MEDIA_JUNK}, {"db", MV_MEDIA_JUNK},
	{"exe", MV_MEDIA_JUNK}, {"htm", MV_MEDIA_JUNK}, {"html", MV_MEDIA_JUNK},
	{"ini", MV_MEDIA_JUNK}, {"lnk", MV_MEDIA_JUNK}, {"log", MV_MEDIA_JUNK},
	{"md5", MV_MEDIA_JUNK}, {"nzb", MV_MEDIA_JUNK}, {"par2", MV_MEDIA_JUNK},
	{"pif", MV_MEDIA_JUNK}, {"scr", MV_MEDIA_JUNK}, {"sfv", MV_MEDIA_JUNK},
	{"sha1", MV_MEDIA_JUNK}, {"sha256", MV_MEDIA_JUNK}, {"srr", MV_MEDIA_JUNK},
	{"srs", MV_MEDIA_JUNK}, {"torrent", MV_MEDIA_JUNK}, {"txt", MV_MEDIA_JUNK},
	{"url", MV_MEDIA_JUNK}, {"website", MV_MEDIA_JUNK},
};

/* Endings of files still being written: browsers, torrent and download
 * clients, rsync-like copiers. Matched on the whole name, any case. */
static const char *const partial_suffix[] = {
	".part", ".partial", ".tmp", ".temp", ".crdownload", ".download",
	".filepart", ".!qb", ".!ut", ".aria2", "~",
};

/* Parent folders whose videos are extras (Jellyfin "DirectoryName"
 * rules; Plex uses the same names). Compared ignoring case. */
static const char *const extra_dirs[] = {
	"behind the scenes", "deleted scenes", "featurettes", "interviews",
	"scenes", "shorts", "trailers", "clips", "extras", "other", "backdrops",
};

/* Endings of a video's name (extension removed) that make it an extra
 * (Jellyfin "Suffix" rules), compared ignoring case. */
static const char *const extra_suffix[] = {
	"-trailer", ".trailer", "_trailer", " trailer", "-featurette",
	"-behindthescenes", "-deleted", "-deletedscene", "-interview",
	"-scene", "-short", "-clip", "-extra", "-other",
};
/* The folder of each suffix's extras, by extra_suffix's order. */
static const char *const extra_suffix_dir[] = {
	"trailers", "trailers", "trailers", "trailers", "featurettes",
	"behind the scenes", "deleted scenes", "deleted scenes", "interviews",
	"scenes", "shorts", "clips", "extras", "other",
};

static const char *const kind_names[] = {
	[MV_MEDIA_OTHER] = "other", [MV_MEDIA_VIDEO] = "video",
	[MV_MEDIA_SUBTITLE] = "subtitle", [MV_MEDIA_NFO] = "nfo",
	[MV_MEDIA_ARTWORK] = "artwork", [MV_MEDIA_SAMPLE] = "sample",
	[MV_MEDIA_EXTRA] = "extra", [MV_MEDIA_ARCHIVE] = "archive",
	[MV_MEDIA_JUNK] = "junk", [MV_MEDIA_PARTIAL] = "partial",
};

#define N(a) (sizeof (a) / sizeof (a)[0])

const char *
mv_media_name(enum mv_media kind)
{
	return (unsigned)kind < N(kind_names) ? kind_names[kind] : "other";
}

enum mv_media
mv_media_ext(const char *ext)
{
	size_t n = strlen(ext);

	for (size_t i = 0; i < N(ext_kinds); i++)
		if (strcasecmp(ext, ext_kinds[i].ext) == 0)
			return ext_kinds[i].kind;
	/* Multi-volume archives: name.r00 to .r99 then .s00 (old RAR),
	 * name.7z.001 or name.001 (split 7-Zip, HJSplit). */
	if (n == 3 && (ext[0] == 'r' || ext[0] == 'R' || ext[0] == 's' ||
	    ext[0] == 'S') && mv_all_digits(ext + 1))
		return MV_MEDIA_ARCHIVE;
	if (n == 3 && mv_all_digits(ext))
		return MV_MEDIA_ARCHIVE;
	return MV_MEDIA_OTHER;
}

static int
ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n >= m && strncasecmp(s + n - m, suf, m) == 0;
}

/* 1 if the n bytes at s hold the word w as a whole token: bounded by
 * the ends or by anything not a letter or digit ("heat-sample",
 * "Heat.1995.SAMPLE", but not "Samples" or "resample"). */
static int
has_token(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);

	for (size_t i = 0; i + m <= n; i++)
		if ((i == 0 || !isalnum((unsigned char)s[i - 1])) &&
		    strncasecmp(s + i, w, m) == 0 &&
		    (i + m == n || !isalnum((unsigned char)s[i + m])))
			return 1;
	return 0;
}

/* 1 if the folder name dir (len bytes) is one of the table's, any case. */
static int
dir_is(const char *dir, size_t len, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncasecmp(dir, names[i], len) == 0)
			return 1;
	return 0;
}

/* A video's role from its name (stem, without the extension) and its
 * parent folder (may be empty): SAMPLE, EXTRA or VIDEO. */
static enum mv_media
video_role(const char *stem, size_t sn, const char *dir, size_t dn)
{
	static const char *const sample_dirs[] = { "sample", "samples" };

	/* A sample first: a trailer's sample is still a sample to drop. */
	if (has_token(stem, sn, "sample") || dir_is(dir, dn, sample_dirs, N(sample_dirs)))
		return MV_MEDIA_SAMPLE;
	if (dir_is(dir, dn, extra_dirs, N(extra_dirs)) ||
	    (sn == 7 && strncasecmp(stem, "trailer", 7) == 0))
		return MV_MEDIA_EXTRA;
	for (size_t i = 0; i < N(extra_suffix); i++)
		if (ends_with(stem, sn, extra_suffix[i]))
			return MV_MEDIA_EXTRA;
	return MV_MEDIA_VIDEO;
}

enum mv_media
mv_media_kind(const char *path)
{
	const char *base = strrchr(path, '/'), *dir = "", *dot;
	size_t n, dn = 0;
	char ext[16];
	enum mv_media k;

	base = base ? base + 1 : path;
	if (base > path) {
		/* The parent folder: the component before base. */
		const char *e = base - 1, *s = e;

		while (s > path && s[-1] != '/')
			s--;
		dir = s;
		dn = (size_t)(e - s);
	}
	n = strlen(base);
	if (n == 0)
		return MV_MEDIA_OTHER;
	/* mv's own copies in progress are hidden: ".mv-partial-*". */
	if (strncmp(base, ".mv-partial-", 12) == 0)
		return MV_MEDIA_PARTIAL;
	for (size_t i = 0; i < N(partial_suffix); i++)
		if (ends_with(base, n, partial_suffix[i]))
			return MV_MEDIA_PARTIAL;
	/* macOS leaves "._name" and ".DS_Store" on every share it visits;
	 * any other hidden name is nobody's drop. */
	if (strncmp(base, "._", 2) == 0 || strcasecmp(base, ".DS_Store") == 0)
		return MV_MEDIA_JUNK;
	if (base[0] == '.')
		return MV_MEDIA_OTHER;
	if (!(dot = strrchr(base, '.')) || dot == base || !dot[1] ||
	    strlen(dot + 1) >= sizeof ext)
		return MV_MEDIA_OTHER;
	strcpy(ext, dot + 1);
	k = mv_media_ext(ext);
	if (k == MV_MEDIA_VIDEO)
		return video_role(base, (size_t)(dot - base), dir, dn);
	return k;
}

const char *
mv_media_extra_kind(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t sn;

	if (mv_media_kind(path) != MV_MEDIA_EXTRA)
		return NULL;
	base = base ? base + 1 : path;
	if (base > path) {
		const char *e = base - 1, *s = e;

		while (s > path && s[-1] != '/')
			s--;
		for (size_t i = 0; i < N(extra_dirs); i++)
			if (strlen(extra_dirs[i]) == (size_t)(e - s) &&
			    strncasecmp(s, extra_dirs[i], (size_t)(e - s)) == 0)
				return extra_dirs[i];
	}
	dot = strrchr(base, '.');
	sn = (size_t)(dot - base);
	for (size_t i = 0; i < N(extra_suffix); i++)
		if (ends_with(base, sn, extra_suffix[i]))
			return extra_suffix_dir[i];
	return "trailers"; /* a bare "trailer.mkv" */
}
