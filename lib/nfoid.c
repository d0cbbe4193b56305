/* nfoid.c: the film's IMDb and TMDB ids in a release NFO beside a video. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mv.h"

#define TMDB_DIGITS_MAX 9 /* TMDB's ids are far below a billion */

/* What one scan has seen of each kind: the first id, and whether a
 * different one followed. */
struct seen {
	char imdb[16];
	long long tmdb;
	int imdb_twice, tmdb_twice;
};

static void
saw_imdb(struct seen *s, const char *digits, size_t n)
{
	char id[16];

	snprintf(id, sizeof id, "tt%.*s", (int)n, digits);
	if (!s->imdb[0])
		memcpy(s->imdb, id, sizeof id);
	else if (strcmp(s->imdb, id) != 0)
		s->imdb_twice = 1;
}

static void
saw_tmdb(struct seen *s, long long id)
{
	if (id <= 0)
		return;
	if (!s->tmdb)
		s->tmdb = id;
	else if (s->tmdb != id)
		s->tmdb_twice = 1;
}

/* Number of digits at p (at most max+1, so that "too long" shows). */
static size_t
digits(const char *p, const char *end, size_t max)
{
	size_t n = 0;

	while (p + n < end && n <= max && isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/* 1 if the bytes at p start with the ASCII word w, any case. */
static int
at(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && strncasecmp(p, w, n) == 0;
}

/* An IMDb title id at p: "tt" and 7 to 10 digits as a whole token, so
 * that "http://www.imdb.com/title/tt0113277/" and a bare tt0113277
 * count, but not "Scott0113277" or a longer run of digits. Old URLs
 * ("imdb.com/Title?0113277") name it without the "tt". */
static void
scan_imdb(struct seen *s, const char *buf, const char *p, const char *end)
{
	size_t n;

	if (at(p, end, "tt") && (p == buf || !isalnum((unsigned char)p[-1]))) {
		n = digits(p + 2, end, 10);
		if (n >= 7 && n <= 10 && (p + 2 + n == end || !isalnum((unsigned char)p[2 + n])))
			saw_imdb(s, p + 2, n);
	} else if (at(p, end, "imdb.com/title?")) {
		p += 15;
		n = digits(p, end, 10);
		if (n >= 7 && n <= 10)
			saw_imdb(s, p, n);
	}
}

/* A TMDB movie URL at p: "themoviedb.org/movie/949-heat", with or
 * without a language ("themoviedb.org/en/movie/949"); never /tv/. */
static void
scan_tmdb_url(struct seen *s, const char *p, const char *end)
{
	size_t n;

	if (!at(p, end, "themoviedb.org/"))
		return;
	p += 15;
	if (!at(p, end, "movie/") && isalpha((unsigned char)*p)) {
		/* a language path: "en/", "fr-FR/" */
		while (p < end && (isalpha((unsigned char)*p) || *p == '-'))
			p++;
		if (p < end && *p == '/')
			p++;
	}
	if (!at(p, end, "movie/"))
		return;
	p += 6;
	n = digits(p, end, TMDB_DIGITS_MAX);
	if (n > 0 && n <= TMDB_DIGITS_MAX)
		saw_tmdb(s, strtoll(p, NULL, 10));
}

/* The whole-number text of an element: its content trimmed, all
 * digits, or 0. p is just past the opening tag's '>'. */
static long long
element_number(const char *p, const char *end)
{
	const char *num;
	size_t n;

	while (p < end && isspace((unsigned char)*p))
		p++;
	num = p;
	n = digits(p, end, TMDB_DIGITS_MAX);
	if (n == 0 || n > TMDB_DIGITS_MAX)
		return 0;
	p += n;
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p < end && *p == '<' ? strtoll(num, NULL, 10) : 0;
}

/*
 * A Kodi or Jellyfin element at p ('<') that holds a TMDB id:
 * <tmdbid>, <uniqueid type="tmdb">, or a numeric <id> (Kodi writes
 * its default scraper's id there, TMDB's since Kodi 17; an IMDb <id>
 * is a tt id, which scan_imdb sees). <tmdbcollectionid> is a
 * collection, not the film, and does not count.
 */
static void
scan_element(struct seen *s, const char *p, const char *end)
{
	const char *gt;
	int tmdb = 0;

	if (at(p, end, "<tmdbid>") || at(p, end, "<id>")) {
		tmdb = 1;
	} else if (at(p, end, "<uniqueid") && p + 9 < end &&
	    (isspace((unsigned char)p[9]) || p[9] == '>')) {
		/* its attributes, up to the tag's end: type="tmdb" */
		for (const char *a = p + 9; a < end && *a != '>'; a++)
			if (at(a, end, "type=\"tmdb\"") || at(a, end, "type='tmdb'"))
				tmdb = 1;
	}
	if (!tmdb || !(gt = memchr(p, '>', (size_t)(end - p))))
		return;
	saw_tmdb(s, element_number(gt + 1, end));
}

enum mv_nfoid_result
mv_nfoid_scan(const char *buf, size_t n, struct mv_nfoid *out)
{
	const char *end = buf + n;
	struct seen s = {0};

	memset(out, 0, sizeof *out);
	/* Byte by byte, never as a C string: a scene NFO is CP437 art, a
	 * Kodi NFO is UTF-8, and either may hold a NUL. Bytes above 0x7f
	 * are neither letters nor digits here, so art bounds a token. */
	for (const char *p = buf; p < end; p++) {
		if (*p == 't' || *p == 'T' || *p == 'i' || *p == 'I')
			scan_imdb(&s, buf, p, end);
		else if (*p == '<')
			scan_element(&s, p, end);
		if (*p == 't' || *p == 'T')
			scan_tmdb_url(&s, p, end);
	}
	/* An NFO that names two films of one kind (a pack, a "see also")
	 * vouches for neither, whatever its other ids say. */
	if (s.imdb_twice || s.tmdb_twice)
		return MV_NFOID_AMBIGUOUS;
	if (!s.imdb[0] && !s.tmdb)
		return MV_NFOID_NONE;
	memcpy(out->imdb, s.imdb, sizeof out->imdb);
	out->tmdb = s.tmdb;
	return MV_NFOID_FOUND;
}

int
mv_nfoid_read(const char *path, struct mv_nfoid *out)
{
	char *buf = mv_xmalloc(MV_NFOID_READ_MAX);
	size_t n = 0;
	ssize_t r = 0;
	int fd, e;

	memset(out, 0, sizeof *out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		free(buf);
		return -1;
	}
	while (n < MV_NFOID_READ_MAX &&
	    ((r = read(fd, buf + n, MV_NFOID_READ_MAX - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	e = errno;
	close(fd);
	if (r < 0) {
		free(buf);
		errno = e;
		return -1;
	}
	r = mv_nfoid_scan(buf, n, out);
	free(buf);
	return (int)r;
}

/* 1 if the file name f ends in ".nfo" and its stem is stem (sn bytes). */
static int
same_stem(const char *f, const char *stem, size_t sn)
{
	return strlen(f) == sn + 4 && strncmp(f, stem, sn) == 0 &&
	    strcasecmp(f + sn, ".nfo") == 0;
}

char *
mv_nfoid_beside(const char *root, const char *rel)
{
	const char *slash = strrchr(rel, '/'), *base = slash ? slash + 1 : rel;
	const char *dot = strrchr(base, '.');
	size_t dn = slash ? (size_t)(slash - rel) : 0, sn = dot ? (size_t)(dot - base) : strlen(base);
	char *dir = slash ? mv_xasprintf("%s/%.*s", root, (int)dn, rel) : mv_xstrdup(root);
	char *same = NULL, *only = NULL;
	int nfos = 0;
	struct dirent *d;
	DIR *dp;

	if (!(dp = opendir(dir))) {
		free(dir);
		return NULL;
	}
	while ((d = readdir(dp))) {
		char *path = slash ? mv_xasprintf("%.*s/%s", (int)dn, rel, d->d_name) :
		    mv_xstrdup(d->d_name);

		if (mv_media_kind(path) != MV_MEDIA_NFO) {
			free(path);
			continue;
		}
		nfos++;
		if (!same && same_stem(d->d_name, base, sn))
			same = mv_xstrdup(path);
		free(only);
		only = path;
	}
	closedir(dp);
	free(dir);
	/* A loose NFO at the top of incoming/ belongs to no video but its
	 * namesake; in a release folder the one NFO is the release's. */
	if (same) {
		free(only);
		return same;
	}
	if (slash && nfos == 1)
		return only;
	free(only);
	return NULL;
}

char *
mv_nfoid_release(const char *root, const char *rel)
{
	const char *top = strchr(rel, '/'), *base = strrchr(rel, '/');
	char *nfo = mv_nfoid_beside(root, rel), *at_top;

	if (nfo || !top || !strchr(top + 1, '/'))
		return nfo;
	/* A video in a subfolder of its download ("Top/Movie/x.mkv"): the
	 * release NFO lies at the download's top. */
	at_top = mv_xasprintf("%.*s/%s", (int)(top - rel), rel, base + 1);
	nfo = mv_nfoid_beside(root, at_top);
	free(at_top);
	return nfo;
}
