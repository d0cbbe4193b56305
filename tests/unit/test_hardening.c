/* test_hardening.c: regression tests for bugs found by the hardening
 * campaign (fuzzing, crash and fault injection), one block per bug. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/* Bug: a TMDB body with invalid UTF-8 in a string was accepted, and the
 * bytes went into Movies/<id>.json, which then failed its schema (the
 * posterPath pattern) and was no longer JSON text. Found by fuzz_tmdb. */
static void
tmdb_utf8(void)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		{"{\"id\":1,\"title\":\"\xff\"}", "invalid UTF-8"},
		{"{\"id\":1,\"title\":\"a\xc3\"}", "invalid UTF-8"},          /* cut short */
		{"{\"id\":1,\"title\":\"\xc0\xaf\"}", "invalid UTF-8"},       /* overlong / */
		{"{\"id\":1,\"title\":\"\xed\xa0\x80\"}", "invalid UTF-8"},   /* surrogate */
		{"{\"id\":1,\"title\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8"}, /* > U+10FFFF */
		{"{\"id\":1,\"backdrop_path\":\"/D8TZ\x8b.jpg\"}", "invalid UTF-8"},
		{"{\"id\":1,\"title\":\"L'Arm\xc3\xa9" "e \xf0\x9f\x8e\xac\"}", NULL},
		{"{\"id\":1,\"title\":\"\\u00e9\\ud83c\\udfac\"}", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = NULL;
		cJSON *doc = mv_tmdb_parse(cases[i].body, strlen(cases[i].body), &why);

		if (cases[i].why) {
			ok(!doc, "tmdb body %zu with bad UTF-8 is refused", i);
			is_str(why, cases[i].why, "  and says why");
		} else
			ok(doc && !why, "tmdb body %zu in good UTF-8 is accepted", i);
		cJSON_Delete(doc);
	}
}

/* 1 if the data-relative path exists. */
static int
exists(const char *rel)
{
	char *p = mv_path("%s", rel);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

static void
touch(const char *rel)
{
	char *p = mv_path("%s", rel);

	mv_write_atomic(p, "{", 1);
	free(p);
}

/* Bug: a writer killed between creating its temp file and the rename
 * (run/filing/m3.json.tmp.27315) left it for good, and mvctl check then
 * counted a half-done filing forever, so the supervisor refused to start.
 * Found by tests/crash/crash-test. mv_file_recover now removes them. */
static void
stale_tmp(void)
{
	char *rel;
	const char *dead[] = {"run/filing/m3.json.tmp.%ld", "Movies/m3.json.tmp.%ld",
	    "People/p1.json.tmp.%ld", "index/movies.json.tmp.%ld",
	    "index/movies/00000.json.tmp.%ld", "index/people/00003.json.tmp.%ld",
	    "cache/tmdb/7d73d34d17ad7a97.json.tmp.%ld", "stats/usage.json.tmp.%ld",
	    "quarantine/The Thing.mkv.why.json.tmp.%ld"};
	/* Bug: any "*.tmp.<digits>" went, in quarantine/ too, where the
	 * user's own videos wait: a video named so is theirs, and stays. */
	const char *videos[] = {"quarantine/Heat.tmp.%ld", "quarantine/x.mkv.tmp.%ld"};
	pid_t pid;
	int n;

	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);   /* reaped: a pid of no process */
	/* Bug: the shards' folders were not swept: a kill during a shard
	 * write left its temp file for good. */
	rel = mv_path("index/movies");
	mv_mkdir_p(rel, 0755);
	free(rel);
	rel = mv_path("index/people");
	mv_mkdir_p(rel, 0755);
	free(rel);
	for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++) {
		rel = mv_xasprintf(dead[i], (long)pid);
		touch(rel);
		free(rel);
	}
	rel = mv_xasprintf("Movies/m4.json.tmp.%ld", (long)getpid());
	touch(rel);
	touch("Movies/m5.json.tmp.x");
	for (size_t i = 0; i < sizeof videos / sizeof videos[0]; i++) {
		char *v = mv_xasprintf(videos[i], (long)pid);

		touch(v);
		free(v);
	}
	n = mv_file_recover(NULL, NULL);
	is_int(n, 0, "no journal to replay");
	for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++) {
		char *r = mv_xasprintf(dead[i], (long)pid);

		ok(!exists(r), "dead writer's %s removed", r);
		free(r);
	}
	ok(exists(rel), "a live writer's temp file stays");
	ok(exists("Movies/m5.json.tmp.x"), "a name without a pid stays");
	for (size_t i = 0; i < sizeof videos / sizeof videos[0]; i++) {
		char *v = mv_xasprintf(videos[i], (long)pid);

		ok(exists(v), "the user's video %s stays", v);
		free(v);
	}
	free(rel);
}

/* Bug: TMDB dates were copied when they merely looked like dates, so
 * "1995-13-99" (basic) or "1999-03-31T00:00:00.000^" (deep release
 * dates) went into profiles that then failed their schema. Found by
 * fuzz_tmdb. Only real RFC 3339 dates are kept now. */
static void
tmdb_dates(void)
{
	const char *body = "{\"id\":603,\"title\":\"The Matrix\",\"release_date\":\"1995-13-99\","
	    "\"release_dates\":{\"results\":[{\"iso_3166_1\":\"US\",\"release_dates\":["
	    "{\"type\":3,\"release_date\":\"1999-03-31T00:00:00.000^\",\"certification\":\"R\"},"
	    "{\"type\":3,\"release_date\":\"1999-02-29T00:00:00Z\",\"certification\":\"R\"},"
	    "{\"type\":4,\"release_date\":\"1999-03-31T00:00:00.000Z\",\"certification\":\"R\"},"
	    "{\"type\":5,\"release_date\":\"2000-02-29\",\"certification\":\"\"}]}]}}";
	const char *why;
	cJSON *tm = mv_tmdb_parse(body, strlen(body), &why), *doc, *us;
	char *txt;

	doc = cJSON_Parse("{\"schemaVersion\":1,\"id\":\"m1\",\"level\":\"minimal\","
	    "\"status\":\"initial\",\"title\":\"x\",\"year\":null,\"externalIds\":{}}");
	is_int(mv_movie_apply(doc, tm, MV_BASIC), 0, "basic applies");
	ok(cJSON_IsNull(cJSON_GetObjectItem(doc, "releaseDate")), "month 13 is no releaseDate");
	ok(cJSON_IsNull(cJSON_GetObjectItem(doc, "year")), "  nor a year");
	is_int(mv_movie_apply(doc, tm, MV_MEDIUM), 0, "medium applies");
	is_int(mv_movie_apply(doc, tm, MV_DEEP), 0, "deep applies");
	us = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "releaseDates"), "US");
	txt = cJSON_PrintUnformatted(us);
	is_str(txt, "[{\"type\":4,\"date\":\"1999-03-31T00:00:00.000Z\",\"certification\":\"R\"},"
	    "{\"type\":5,\"date\":\"2000-02-29\",\"certification\":\"\"}]",
	    "only real dates are kept in releaseDates");
	free(txt);
	cJSON_Delete(doc);
	cJSON_Delete(tm);
}

/* Bug: a file dropped as "Caf\xe9 (2004).mkv" (Latin-1) was quarantined
 * under that very name, so the library held names that are not text and
 * profiles that are not UTF-8 JSON. Found by the bad-input corpus. */
static void
safe_name_utf8(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"Caf\xe9 (2004).mkv", "Caf\xef\xbf\xbd (2004).mkv"},
		{"\xff\xfe.mkv", "\xef\xbf\xbd\xef\xbf\xbd.mkv"},
		{"\xc0\xaf.mkv", "\xef\xbf\xbd\xef\xbf\xbd.mkv"},      /* overlong */
		{"\xed\xa0\x80.mkv", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.mkv"}, /* surrogate */
		{"\xf0\x9fx.mkv", "\xef\xbf\xbd\xef\xbf\xbdx.mkv"},    /* cut short */
		{"Am\xc3\xa9lie \xf0\x9f\x8e\xac.mkv", "Am\xc3\xa9lie \xf0\x9f\x8e\xac.mkv"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = mv_file_safe_name(cases[i].in, 200);

		is_str(got, cases[i].out, "safe name of a name with bytes that are not UTF-8");
		free(got);
	}
}

/* Bug: mv_event_emit refused events of 4091 to 4095 bytes, which are
 * within MV_EVENT_MAX: cJSON_PrintPreallocated wants 5 spare bytes.
 * Found by fuzz_event. */
static void
emit_bound(void)
{
	int fd = open("/dev/null", O_WRONLY);

	mv_out_fd(fd);
	for (size_t want = MV_EVENT_MAX - 8; want <= MV_EVENT_MAX + 2; want++) {
		cJSON *data = cJSON_CreateObject(), *ev;
		char *pad, *txt;
		size_t len;

		cJSON_AddStringToObject(data, "p", "");
		ev = mv_event_new("mv.test.size", "m1", data);
		txt = cJSON_PrintUnformatted(ev);
		len = strlen(txt);
		free(txt);
		pad = mv_xcalloc(want - len + 1, 1);
		memset(pad, 'x', want - len);
		mv_json_set(data, "p", cJSON_CreateString(pad));
		free(pad);
		txt = cJSON_PrintUnformatted(ev);
		len = strlen(txt);
		free(txt);
		is_int(mv_event_emit(ev, 1), len <= MV_EVENT_MAX ? 0 : -1,
		    len <= MV_EVENT_MAX ? "an event within MV_EVENT_MAX is emitted" :
		    "an event over MV_EVENT_MAX is refused");
		cJSON_Delete(ev);
	}
	mv_out_fd(1);
	close(fd);
}

/* Bug: when the backdrop download failed (not a 404), its path was never
 * freed: a leak per failed deep level. Found by fuzz_tmdb (LeakSanitizer);
 * make asan runs this test with leak detection. */
static void
image_fail_leak(void)
{
	const char *body = "{\"id\":603,\"title\":\"The Matrix\",\"backdrop_path\":\"/b.jpg\"}";
	const char *why;
	char *snap = mv_path("badsnap"), *conf, *url;
	cJSON *tm = mv_tmdb_parse(body, strlen(body), &why), *doc, *before;
	int r;

	/* The backdrop is a directory in the snapshot: unreadable, not 404. */
	conf = mv_xasprintf("%s/images/w780/b.jpg", snap);
	mv_mkdir_p(conf, 0755);
	url = mv_xasprintf("file://%s", snap);
	setenv("MV_TMDB_URL", url, 1);
	doc = cJSON_Parse("{\"schemaVersion\":1,\"id\":\"m2\",\"level\":\"medium\","
	    "\"status\":\"ready\",\"title\":\"x\",\"year\":null,\"externalIds\":{\"tmdb\":603}}");
	before = cJSON_Duplicate(doc, 1);
	r = mv_movie_apply(doc, tm, MV_DEEP);
	ok(r != 0 && r != MV_EX_NOTFOUND, "a failed backdrop fails the deep level (%d)", r);
	ok(cJSON_Compare(doc, before, 1), "  and leaves the profile as it was");
	cJSON_Delete(before);
	cJSON_Delete(doc);
	cJSON_Delete(tm);
	free(url);
	free(conf);
	free(snap);
}

/* Bug: watch/providers' link was copied as TMDB sent it, so " thtps://..."
 * made a profile that failed the schema's format uri. Found by fuzz_tmdb. */
static void
provider_link(void)
{
	static const struct {
		const char *link, *kept;
	} cases[] = {
		{" thtps://www.themoviedb.org/movie/603/watch?locale=FR", NULL},
		{"javascript:alert(1)", NULL},
		{"https://x.org/a b", NULL},
		{"https://x.org/%zz", NULL},
		{"https://www.themoviedb.org/movie/603-the-matrix/watch?locale=FR",
		    "https://www.themoviedb.org/movie/603-the-matrix/watch?locale=FR"},
		{"http://127.0.0.1:8080/w?a=1&b=%20#top", "http://127.0.0.1:8080/w?a=1&b=%20#top"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *tm = cJSON_CreateObject(), *wp, *doc;
		const char *got;

		cJSON_AddNumberToObject(tm, "id", 603);
		wp = cJSON_AddObjectToObject(cJSON_AddObjectToObject(
		    cJSON_AddObjectToObject(tm, "watch/providers"), "results"), "FR");
		cJSON_AddStringToObject(wp, "link", cases[i].link);
		doc = cJSON_Parse("{\"schemaVersion\":1,\"id\":\"m3\",\"level\":\"medium\","
		    "\"status\":\"ready\",\"title\":\"x\",\"year\":null,\"externalIds\":{}}");
		is_int(mv_movie_apply(doc, tm, MV_DEEP), 0, "deep applies");
		got = mv_json_str(cJSON_GetObjectItem(doc, "watchProviders"), "link", NULL);
		is_str(got, cases[i].kept, cases[i].kept ? "a good link is kept" : "a bad link is dropped");
		cJSON_Delete(doc);
		cJSON_Delete(tm);
	}
}

int
main(void)
{
	char dir[] = "/tmp/test_hardening.XXXXXX";

	if (!mkdtemp(dir) || mv_data_open(dir, 1) != 0) {
		ok(0, "a data directory");
		return tap_done();
	}
	setenv("MV_REGION", "FR", 1);
	tmdb_utf8();
	stale_tmp();
	tmdb_dates();
	safe_name_utf8();
	emit_bound();
	image_fail_leak();
	provider_link();
	mv_tool_run((char *[]){"rm", "-rf", dir, NULL}, -1, -1);
	return tap_done();
}
