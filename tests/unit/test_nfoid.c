/* test_nfoid.c: unit tests for the ids in a release NFO (mv_nfoid_scan, _read, _beside, _release). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/* A scene NFO as groups write them: CP437 block art, CRLF, the IMDb URL
 * among the release notes. */
static const char scene[] =
    "\xdb\xdb\xdb\xdb\xdb\xbb  \xdb\xdb\xdb\xdb\xdb\xdb\xbb  \xdb\xdb\xbb\r\n"
    "\xdb\xdb\xc9\xcd\xcd\xdb\xdb\xbb \xdb\xdb\xc9\xcd\xcd\xcd\xbc  G R P\r\n"
    "\xb0\xb1\xb2 Heat.1995.REMASTERED.1080p.BluRay.x264-GRP \xb2\xb1\xb0\r\n"
    "\r\n"
    "  Release Date ....: 12/06/2026\r\n"
    "  IMDb ............: http://www.imdb.com/title/tt0113277/\r\n"
    "  Rating ..........: 8.3/10 (700,000 votes)\r\n"
    "  Size ............: 12.3 GB\r\n"
    "  Runtime .........: 170 min\r\n"
    "\xc8\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xbc\r\n";

static const char kodi[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n"
    "<movie>\n"
    "    <title>L'Armée des 12 singes</title>\n"
    "    <originaltitle>Twelve Monkeys</originaltitle>\n"
    "    <uniqueid type=\"imdb\">tt0114746</uniqueid>\n"
    "    <uniqueid type=\"tmdb\" default=\"true\">63</uniqueid>\n"
    "    <tmdbcollectionid>123</tmdbcollectionid>\n"
    "    <year>1995</year>\n"
    "</movie>\n";

static void
scan(const char *buf, size_t n, enum mv_nfoid_result want, const char *imdb,
    long long tmdb, const char *desc)
{
	struct mv_nfoid id;

	is_int(mv_nfoid_scan(buf, n, &id), want, desc);
	is_str(id.imdb, imdb, desc);
	is_int(id.tmdb, tmdb, desc);
}

#define S(lit) (lit), sizeof (lit) - 1

static void
test_scan(void)
{
	char junk[4096];

	scan(S(scene), MV_NFOID_FOUND, "tt0113277", 0, "scene NFO, CP437 art, CRLF");
	scan(S(kodi), MV_NFOID_FOUND, "tt0114746", 63, "Kodi NFO: both uniqueids, collection ignored");
	scan(S("<movie><imdbid>tt0137523</imdbid><tmdbid> 550 </tmdbid></movie>"),
	    MV_NFOID_FOUND, "tt0137523", 550, "Jellyfin NFO: imdbid and tmdbid");
	scan(S("<movie>\n  <id>tt0084787</id>\n</movie>"), MV_NFOID_FOUND, "tt0084787", 0,
	    "old Kodi NFO: an IMDb <id>");
	scan(S("<movie><id>1091</id></movie>"), MV_NFOID_FOUND, "", 1091, "Kodi NFO: a TMDB <id>");
	scan(S("<movie><uniqueid type='tmdb'>949</uniqueid><uniqueid type=\"tvdb\">77</uniqueid></movie>"),
	    MV_NFOID_FOUND, "", 949, "a tvdb uniqueid is not TMDB's");
	scan(S("TMDB: https://www.themoviedb.org/movie/949-heat\r\n"), MV_NFOID_FOUND, "", 949,
	    "a TMDB URL with its slug");
	scan(S("https://www.themoviedb.org/fr/movie/63?language=fr"), MV_NFOID_FOUND, "", 63,
	    "a TMDB URL with a language");
	scan(S("https://www.themoviedb.org/tv/1399-game-of-thrones"), MV_NFOID_NONE, "", 0,
	    "a TV URL is not a film");
	scan(S("IMDB: http://us.imdb.com/Title?0113277"), MV_NFOID_FOUND, "tt0113277", 0,
	    "an old IMDb URL without tt");
	scan(S("imdb id: TT0113277 and again https://m.imdb.com/title/tt0113277/?ref_=fn"),
	    MV_NFOID_FOUND, "tt0113277", 0, "the same id twice is one id");
	scan(S("https://www.imdb.com/title/tt10872600/"), MV_NFOID_FOUND, "tt10872600", 0,
	    "an 8-digit IMDb id");
	scan(S("Scott0113277 tt011327 tt01132771234567 att0113277"), MV_NFOID_NONE, "", 0,
	    "no whole tt token: inside a word, too short, too long");
	scan(S("imdb: tt0113277\x00 hidden after a NUL: tt0137523"), MV_NFOID_AMBIGUOUS, "", 0,
	    "a NUL does not end the scan");
	scan(S("Also by the director: http://www.imdb.com/title/tt0113277/\r\n"
	    "This release:        http://www.imdb.com/title/tt0084787/\r\n"),
	    MV_NFOID_AMBIGUOUS, "", 0, "two IMDb ids: ambiguous");
	scan(S("themoviedb.org/movie/949 themoviedb.org/movie/1091 tt0113277"),
	    MV_NFOID_AMBIGUOUS, "", 0, "two TMDB ids: ambiguous, the IMDb id too");
	scan(S("<movie><tmdbid>949</tmdbid><uniqueid type=\"tmdb\">63</uniqueid></movie>"),
	    MV_NFOID_AMBIGUOUS, "", 0, "Kodi NFO that disagrees with itself");
	scan(S("<tmdbid>12ab</tmdbid><id></id><tmdbid>9999999999</tmdbid>"), MV_NFOID_NONE, "", 0,
	    "malformed numbers are no id");
	scan("", 0, MV_NFOID_NONE, "", 0, "empty");
	/* Binary junk: a renamed video or a truncated archive. */
	srand(20261206);
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(rand() & 0xff);
	for (size_t i = 0; i < sizeof junk; i++)
		if (junk[i] == 't' || junk[i] == 'T')
			junk[i] = 'x';
	scan(junk, sizeof junk, MV_NFOID_NONE, "", 0, "binary junk");
	memcpy(junk + sizeof junk - 10, " tt0113277", 10);
	scan(junk, sizeof junk, MV_NFOID_FOUND, "tt0113277", 0, "an id that ends the buffer");
}

static char *
put(const char *dir, const char *rel, const char *text, size_t n)
{
	char *p = mv_xasprintf("%s/%s", dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n || close(fd) != 0)
		abort();
	return p;
}

static void
test_read(const char *dir)
{
	struct mv_nfoid id;
	char *p, *big = mv_xmalloc(MV_NFOID_READ_MAX + 100);

	free(put(dir, "scene.nfo", S(scene)));
	p = mv_xasprintf("%s/scene.nfo", dir);
	is_int(mv_nfoid_read(p, &id), MV_NFOID_FOUND, "read a scene NFO");
	is_str(id.imdb, "tt0113277", "read a scene NFO: its id");
	free(p);
	/* Past the bound an id is not read: art never runs that long. */
	memset(big, ' ', MV_NFOID_READ_MAX + 100);
	memcpy(big + MV_NFOID_READ_MAX + 10, "tt0113277", 9);
	p = put(dir, "big.nfo", big, MV_NFOID_READ_MAX + 100);
	is_int(mv_nfoid_read(p, &id), MV_NFOID_NONE, "only the first 256 KiB are read");
	free(p);
	memcpy(big + MV_NFOID_READ_MAX - 20, "tt0113277", 9);
	p = put(dir, "big.nfo", big, MV_NFOID_READ_MAX + 100);
	is_int(mv_nfoid_read(p, &id), MV_NFOID_FOUND, "an id inside the bound is read");
	free(p);
	free(big);
	p = mv_xasprintf("%s/absent.nfo", dir);
	is_int(mv_nfoid_read(p, &id), -1, "a missing NFO: -1");
	free(p);
}

static void
beside(const char *dir, const char *rel, const char *want, const char *desc)
{
	char *got = mv_nfoid_beside(dir, rel);

	is_str(got, want, desc);
	free(got);
}

static void
test_beside(const char *dir)
{
	char *d = mv_xasprintf("%s/in", dir), *p;

	mkdir(d, 0755);
	p = mv_xasprintf("%s/Heat.1995-GRP", d), mkdir(p, 0755), free(p);
	p = mv_xasprintf("%s/Heat.1995-GRP/Sample", d), mkdir(p, 0755), free(p);
	p = mv_xasprintf("%s/Pack", d), mkdir(p, 0755), free(p);
	free(put(d, "Heat.1995-GRP/grp.nfo", S(scene)));
	free(put(d, "Heat.1995-GRP/RARBG.txt", S("x")));
	free(put(d, "loose.nfo", S(scene)));
	free(put(d, "The.Thing.NFO", S(scene)));
	free(put(d, "Pack/a.nfo", S(scene)));
	free(put(d, "Pack/b.nfo", S(scene)));
	free(put(d, "Pack/b2.mkv.nfo", S(scene)));
	beside(d, "Heat.1995-GRP/heat.mkv", "Heat.1995-GRP/grp.nfo",
	    "the only NFO of a release folder");
	beside(d, "Heat.1995-GRP/Sample/heat.mkv", NULL, "a sample's folder has none");
	beside(d, "The.Thing.mkv", "The.Thing.NFO", "same base name, any case of .nfo");
	beside(d, "Other.mkv", NULL, "a loose NFO is not every video's");
	beside(d, "Pack/b.mkv", "Pack/b.nfo", "same base name among several");
	beside(d, "Pack/c.mkv", NULL, "several NFOs and none named after it");
	beside(d, "Gone/x.mkv", NULL, "no such folder");
	free(d);
}

/* mv_nfoid_release: beside, else at the top of the download. */
static void
test_release(const char *dir)
{
	char *d = mv_xasprintf("%s/in", dir), *got;

	got = mv_nfoid_release(d, "Heat.1995-GRP/Movie/heat.mkv");
	is_str(got, "Heat.1995-GRP/grp.nfo", "a video in a subfolder: the NFO at the top");
	free(got);
	got = mv_nfoid_release(d, "Heat.1995-GRP/heat.mkv");
	is_str(got, "Heat.1995-GRP/grp.nfo", "a video at the top: the one beside it");
	free(got);
	got = mv_nfoid_release(d, "Other.mkv");
	is_str(got, NULL, "a loose video: only its namesake, none here");
	free(got);
	got = mv_nfoid_release(d, "Pack/Sub/c.mkv");
	is_str(got, NULL, "several NFOs at the top and none named after it");
	free(got);
	free(d);
}

int
main(void)
{
	char tmpl[] = "/tmp/test_nfoid.XXXXXX", *dir = mkdtemp(tmpl), *cmd;

	if (!dir)
		return 1;
	test_scan();
	test_read(dir);
	test_beside(dir);
	test_release(dir);
	cmd = mv_xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "remove %s", dir);
	free(cmd);
	return tap_done();
}
