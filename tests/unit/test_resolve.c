/* test_resolve.c: unit tests for lib/resolve.c, the one token reader. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char tmpdir[] = "/tmp/mvresolve.XXXXXX";

#define VIDEO "assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"

static void
put(const char *rel, const char *text)
{
	char *p = mv_path("%s", rel);

	mv_write_atomic(p, text, strlen(text));
	free(p);
}

/* The movie index as mvindex writes it (mv-profile(5)): shard 0 with
 * items and byExternal, and the list naming it; no items, no shard. */
static void
put_movies(int count, const char *items, const char *by)
{
	char *dir = mv_path("index/movies"), *text;

	mv_mkdir_p(dir, 0755);
	free(dir);
	if (count) {
		text = mv_xasprintf("{\"schemaVersion\":2,\"generatedAt\":\"2026-11-26T10:00:00Z\","
		    "\"count\":%d,\"items\":[%s],\"byExternal\":{%s}}", count, items, by);
		put("index/movies/00000.json", text);
		free(text);
	} else {
		dir = mv_path("index/movies/00000.json");
		unlink(dir);
		free(dir);
	}
	text = mv_xasprintf("{\"schemaVersion\":2,\"generatedAt\":\"2026-11-26T10:00:00Z\","
	    "\"count\":%d,\"shardIds\":1024,\"shards\":[%s%.0d%s]}", count,
	    count ? "{\"file\":\"movies/00000.json\",\"count\":" : "", count, count ? "}" : "");
	put("index/movies.json", text);
	free(text);
}

/* Resolve tok; returns the code, the id in got (or "" and the message). */
static int
res(const char *tok, char kind, int flags, char *got, size_t n)
{
	const char *why = NULL;
	char *id = NULL;
	int code = mv_resolve(tok, kind, flags, &id, &why);

	snprintf(got, n, "%s", code ? why : id);
	free(id);
	return code;
}

static void
setup(void)
{
	char *dir = mv_path("assets/videos/Twelve Monkeys (1995) [tmdbid-63]");

	mv_mkdir_p(dir, 0755);
	free(dir);
	put(VIDEO, "video");
	put("Movies/m1.json", "{\"id\":\"m1\",\"externalIds\":{\"tmdb\":63,"
	    "\"imdb\":\"tt0114746\"},\"video\":{\"path\":\"" VIDEO "\"}}");
	put("Movies/m2.json", "{\"id\":\"m2\",\"externalIds\":{\"tmdb\":603}}");
	put("People/p1.json", "{\"id\":\"p1\",\"externalIds\":{\"tmdb\":62}}");
	mv_claim("tmdb", "63", "m1", NULL);
	mv_claim("imdb", "tt0114746", "m1", NULL);
	mv_claim("tmdb", "62", "p1", NULL);
	/* m2 has no claim yet: only the index knows it. */
	put_movies(1, "{\"id\":\"m1\",\"video\":\"" VIDEO "\"}",
	    "\"tmdb:603\":\"m2\",\"tmdb:550\":\"m9\"");
}

static void
test_tokens(void)
{
	char got[1100];

	is_int(res("m1", 'm', 0, got, sizeof got), 0, "m1");
	is_str(got, "m1", "an id with a profile is itself");
	is_int(res("m7", 'm', 0, got, sizeof got), MV_EX_NOTFOUND, "m7 has no profile");
	is_str(got, "no movie m7 in the library", "and says so");
	is_int(res("tmdb:63", 'm', 0, got, sizeof got), 0, "tmdb:63");
	is_str(got, "m1", "through its claim");
	is_int(res("63", 'm', 0, got, sizeof got), 0, "63");
	is_str(got, "m1", "a bare number is a TMDB id");
	is_int(res("tt0114746", 'm', 0, got, sizeof got), 0, "tt0114746");
	is_str(got, "m1", "an IMDb id");
	is_int(res("imdb:tt0114746", 'm', 0, got, sizeof got), 0, "imdb:tt…");
	is_str(got, "m1", "imdb: spelled out");
	is_int(res("tmdb:62", 'p', 0, got, sizeof got), 0, "a person by TMDB id");
	is_str(got, "p1", "is the person's");
	is_int(res("tmdb:62", 'm', 0, got, sizeof got), MV_EX_NOTFOUND, "kinds apart");
	is_int(res("tmdb:603", 'm', 0, got, sizeof got), MV_EX_NOTFOUND,
	    "no claim, no index: not found");
	is_str(got, "no movie with tmdb:603 in the library", "and says so");
	is_int(res("603", 'm', MV_RESOLVE_INDEX, got, sizeof got), 0,
	    "with MV_RESOLVE_INDEX, the index's byExternal");
	is_str(got, "m2", "names m2");
	is_int(res("tmdb:550", 'm', MV_RESOLVE_INDEX, got, sizeof got), MV_EX_NOTFOUND,
	    "an index entry for a profile that is gone is no owner");
	is_int(res("Matrix", 'm', 0, got, sizeof got), MV_EX_USAGE, "a word");
	is_str(got, "bad movie id \"Matrix\": expected m42, a TMDB id or tt1234567",
	    "is no token");
	is_int(res("tmdb:abc", 'm', 0, got, sizeof got), MV_EX_USAGE, "tmdb:abc");
	is_int(res("p1", 'm', 0, got, sizeof got), MV_EX_USAGE, "a person id for a movie");
}

static void
test_stale(void)
{
	char got[1100], *p = mv_path("Movies/m1.json"), *keep = mv_path("m1.keep");

	rename(p, keep);
	is_int(res("tmdb:63", 'm', 0, got, sizeof got), MV_EX_NOTFOUND,
	    "a stale claim (profile gone) is no owner");
	is_int(res("m1", 'm', 0, got, sizeof got), MV_EX_NOTFOUND, "nor is the id");
	rename(keep, p);
	free(p);
	free(keep);
}

static void
test_paths(void)
{
	char got[1100], *abs = mv_path(VIDEO), cwd[PATH_MAX];

	is_int(res(VIDEO, 'm', 0, got, sizeof got), MV_EX_USAGE,
	    "without MV_RESOLVE_PATH a path is no token");
	is_int(res(VIDEO, 'm', MV_RESOLVE_PATH, got, sizeof got), 0, "data-relative path");
	is_str(got, "m1", "names the movie that lists it");
	is_int(res(abs, 'm', MV_RESOLVE_PATH, got, sizeof got), 0, "absolute path");
	is_str(got, "m1", "names it too");
	if (!getcwd(cwd, sizeof cwd))
		abort();
	free(abs);
	abs = mv_path("assets/videos/Twelve Monkeys (1995) [tmdbid-63]");
	if (chdir(abs) < 0)
		abort();
	is_int(res("Twelve Monkeys (1995) [tmdbid-63].mkv", 'm', MV_RESOLVE_PATH, got,
	    sizeof got), 0, "a name relative to the current directory");
	is_str(got, "m1", "names it too");
	if (chdir(cwd) < 0)
		abort();
	free(abs);
	/* The index lags (no entry): the [tmdbid-N] and its claim, checked
	 * against the profile. */
	put_movies(0, "", "");
	is_int(res(VIDEO, 'm', MV_RESOLVE_PATH, got, sizeof got), 0,
	    "without an index entry");
	is_str(got, "m1", "the filed name's tmdbid finds it");
	is_int(res("assets/videos/Other (2001) [tmdbid-63].mkv", 'm', MV_RESOLVE_PATH,
	    got, sizeof got), MV_EX_NOTFOUND, "a path the profile does not list");
	is_str(got, "no movie with the video assets/videos/Other (2001) [tmdbid-63].mkv "
	    "in the library", "is not found");
	is_int(res("/elsewhere/x.mkv", 'm', MV_RESOLVE_PATH, got, sizeof got),
	    MV_EX_NOTFOUND, "a path outside the library");
	is_int(res("/elsewhere/x.mkv", 'p', MV_RESOLVE_PATH, got, sizeof got),
	    MV_EX_USAGE, "people have no paths");
}

/* mv_all_digits: the one digit check of resolve.c, mvctl and media.c. */
static void
test_all_digits(void)
{
	ok(mv_all_digits("603"), "digits");
	ok(mv_all_digits("0"), "one digit");
	ok(!mv_all_digits(""), "the empty string is no number");
	ok(!mv_all_digits("60a"), "a letter after");
	ok(!mv_all_digits("-1"), "a sign");
	ok(!mv_all_digits(" 1"), "a blank");
	ok(!mv_all_digits("\xd9\xa3"), "a non-ASCII digit (Arabic-Indic three)");
}

int
main(int argc, char **argv)
{
	char *data;

	(void)argc;
	mv_init(argv[0]);
	if (!mkdtemp(tmpdir))
		return 70;
	data = mv_xasprintf("%s/data", tmpdir);
	if (mv_data_open(data, 1) != 0)
		return 70;
	setup();
	test_tokens();
	test_stale();
	test_paths();
	test_all_digits();
	{
		char *cmd = mv_xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
		free(cmd);
	}
	free(data);
	return tap_done();
}
