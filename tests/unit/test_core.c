/* test_core.c: unit tests for libmv's core: io, lines, events, time, ids. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char tmpdir[] = "/tmp/mvunit.XXXXXX";

/* Feed text through a pipe into a line reader; returns the read end. */
static int
pipe_of(const char *text, size_t n)
{
	int p[2];

	if (pipe(p) < 0)
		abort();
	if (mv_write_all(p[1], text, n) < 0)
		abort();
	close(p[1]);
	return p[0];
}

static void
test_lines(void)
{
	const char in[] = "{\"a\":1}\r\n\nlong-line-here\nnul\0x\nlast";
	struct mv_lines *r;
	char *line;
	size_t len;
	int fd = pipe_of(in, sizeof in - 1);

	r = mv_lines_new(fd, "pipe", 10);
	ok(mv_lines_next(r, &line, &len) == 1, "first line read");
	is_str(line, "{\"a\":1}", "CR stripped from CRLF");
	is_int(mv_lines_lineno(r), 1, "line number 1");
	ok(mv_lines_next(r, &line, &len) == 1 && len == 0, "empty line returned");
	/* line 3 is too long (14 > 10), line 4 holds a NUL: both skipped */
	ok(mv_lines_next(r, &line, &len) == 1, "line without newline at EOF");
	is_str(line, "last", "final line kept");
	is_int(mv_lines_lineno(r), 5, "line numbers count skipped lines");
	ok(mv_lines_next(r, &line, &len) == 0, "EOF after the last line");
	mv_lines_free(r);
	close(fd);
}

static void
test_lines_huge(void)
{
	/* A line far longer than the buffer streams by in bounded memory. */
	size_t big = 300000;
	char *text = mv_xmalloc(big + 8);
	struct mv_lines *r;
	char *line;
	size_t len;
	int p[2];
	pid_t pid;

	memset(text, 'x', big);
	memcpy(text + big, "\nok\n", 4);
	if (pipe(p) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(mv_write_all(p[1], text, big + 4) < 0);
	}
	close(p[1]);
	r = mv_lines_new(p[0], "big", MV_EVENT_MAX);
	ok(mv_lines_next(r, &line, &len) == 1, "reader survives a 300 kB line");
	is_str(line, "ok", "the line after it is intact");
	is_int(mv_lines_lineno(r), 2, "and is numbered 2");
	mv_lines_free(r);
	close(p[0]);
	free(text);
}

static void
test_atomic(void)
{
	char *path = mv_xasprintf("%s/state.json", tmpdir);
	char *text;
	size_t len;

	ok(mv_write_atomic(path, "one\n", 4) == 0, "atomic write creates");
	ok(mv_write_atomic(path, "two\n", 4) == 0, "atomic write replaces");
	ok(mv_slurp(path, 100, &text, &len) == 0 && len == 4, "slurp reads it");
	is_str(text, "two\n", "content replaced whole");
	free(text);
	ok(mv_slurp(path, 2, &text, &len) < 0 && errno == EFBIG, "slurp bound");
	ok(mv_write_atomic_nosync(path, "three\n", 6) == 0 &&
	    mv_slurp(path, 100, &text, &len) == 0 && strcmp(text, "three\n") == 0,
	    "atomic write without fsync replaces too");
	free(text);
	{
		char *old = (char *)"unset", *fresh = mv_xasprintf("%s/swap.json", tmpdir);

		ok(mv_write_swap(fresh, "new\n", 4, 1, &old) == 0 && old == NULL,
		    "swap write creates; nothing replaced");
		ok(mv_write_swap(path, "four\n", 5, 0, &old) == 0 && old != NULL,
		    "swap write replaces and hands back the old file");
		ok(mv_slurp(path, 100, &text, &len) == 0 && strcmp(text, "four\n") == 0,
		    "the new text is in place");
		free(text);
		ok(old && mv_slurp(old, 100, &text, &len) == 0 && strcmp(text, "three\n") == 0,
		    "the old text is whole under the temp name");
		free(text);
		ok(old && unlink(old) == 0, "for the caller to unlink");
		free(old);
		free(fresh);
	}
	free(path);
	path = mv_xasprintf("%s/no/such/dir/x.json", tmpdir);
	ok(mv_write_atomic(path, "x", 1) < 0 && errno == ENOENT,
	    "atomic write into a missing dir fails with ENOENT");
	{
		char *old = (char *)"unset";

		ok(mv_write_swap(path, "x", 1, 1, &old) < 0 && errno == ENOENT && old == NULL,
		    "swap write into a missing dir fails with ENOENT");
	}
	free(path);
}

static void
test_events(void)
{
	const char *why;
	cJSON *ev, *back;
	char *a, *b, *text;

	ev = mv_event_new("mv.file.added", "incoming/x.mkv", NULL);
	ok(strcmp(mv_event_type(ev), "mv.file.added") == 0, "type set");
	ok(mv_event_data(ev) != NULL, "data defaults to an object");
	text = mv_json_compact(ev);
	back = mv_event_parse(text, strlen(text), &why);
	ok(back != NULL, "own event parses back");
	is_str(mv_event_subject(back), "incoming/x.mkv", "subject round-trips");
	cJSON_Delete(back);
	free(text);
	cJSON_Delete(ev);

	a = mv_event_id();
	b = mv_event_id();
	ok(strcmp(a, b) != 0, "ids differ within a process");
	free(a);
	free(b);

	ok(!mv_event_parse("{", 1, &why) && strcmp(why, "invalid JSON") == 0,
	    "broken JSON refused");
	ok(!mv_event_parse("[]", 2, &why) && strcmp(why, "not a JSON object") == 0,
	    "array refused");
	text = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"t\"}";
	ok(!mv_event_parse(text, strlen(text), &why) && strcmp(why, "missing type") == 0,
	    "missing type refused");
	text = "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"t\",\"type\":\"x\"}";
	ok(!mv_event_parse(text, strlen(text), &why), "wrong specversion refused");

	ok(mv_event_match("mv.movie.*", "mv.movie.created"), "category match");
	ok(!mv_event_match("mv.movie.*", "mv.moviex.created"), "prefix is by category");
	ok(mv_event_match("mv.file.added,mv.video.*", "mv.video.added"), "list match");
	ok(mv_event_match("*", "mv.error"), "star matches all");
	ok(!mv_event_match("mv.file.added", "mv.file.addedx"), "exact is exact");
}

/* mv_event_peek: verdict and reason for one line. */
static void
peek_is(const char *line, const char *want_why, const char *desc)
{
	char type[MV_TYPE_MAX];
	const char *why = NULL;
	int r = mv_event_peek(line, strlen(line), type, &why);

	if (!want_why) {
		ok(r == 1, "peek accepts %s", desc);
		if (r != 1)
			printf("#   refused: %s\n", why ? why : "(null)");
		return;
	}
	ok(r == 0 && why && strcmp(why, want_why) == 0, "peek refuses %s: %s",
	    desc, want_why);
	if (r || !why || strcmp(why, want_why))
		printf("#   got: %d %s\n", r, why ? why : "(null)");
}

/* An event with the required members, then more members. */
#define EV(more) "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\"" more "}"

/* EV with "x": followed by n brackets of kind open and their closers. */
static char *
nested(int n, char open, char close)
{
	struct mv_buf b = {0};

	mv_buf_adds(&b, "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\",\"x\":");
	for (int i = 0; i < n; i++)
		mv_buf_add(&b, &open, 1);
	for (int i = 0; i < n; i++)
		mv_buf_add(&b, &close, 1);
	mv_buf_adds(&b, "}");
	return b.buf;
}

static void
test_peek(void)
{
	char type[MV_TYPE_MAX], *s;
	const char *why;
	const char *line = EV(",\"type\":\"mv.file.added\",\"data\":{\"a\":[1,-2.5e+3,true,null]}");
	struct mv_buf b = {0};

	ok(mv_event_peek(line, strlen(line), type, &why) == 1, "peek accepts an event");
	is_str(type, "mv.file.added", "and gives its type");
	line = EV(",\"type\":\"mv.\\u0066ile.added\"");
	ok(mv_event_peek(line, strlen(line), type, &why) == 1, "an escaped type");
	is_str(type, "mv.file.added", "is unescaped");
	peek_is(" \t" EV(",\"type\":\"t\"") " \r", NULL, "white space around");
	peek_is(EV(",\"type\":\"t\",\"data\":null"), NULL, "data null");
	peek_is(EV(",\"type\":\"t\",\"x\":\"caf\xc3\xa9 \xf0\x9f\x8e\xac\""), NULL, "UTF-8");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\\ud83c\\udfac\""), NULL, "a surrogate pair");
	peek_is(EV(",\"type\":\"t\"") "x", "invalid JSON", "trailing garbage");
	peek_is(EV(",\"type\":\"t\",\"n\":+1"), "invalid JSON", "a plus sign");
	peek_is(EV(",\"type\":\"t\",\"n\":01"), "invalid JSON", "a leading zero");
	peek_is(EV(",\"type\":\"t\",\"n\":1."), "invalid JSON", "a bare point");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\xc3\""), "invalid JSON", "cut UTF-8");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\xc0\xaf\""), "invalid JSON", "overlong UTF-8");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\xed\xa0\x80\""), "invalid JSON", "an encoded surrogate");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\\udc00\""), "invalid JSON", "a lone low surrogate");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\\ud800x\""), "invalid JSON", "a lone high surrogate");
	peek_is(EV(",\"type\":\"t\",\"x\":\"a\tb\""), "invalid JSON", "a raw tab in a string");
	peek_is(EV(",\"type\":\"t\",\"x\":\"\\q\""), "invalid JSON", "a bad escape");
	peek_is(EV(",\"type\":\"t\",\"x\":[1,]"), "invalid JSON", "a trailing comma");
	peek_is(EV(",\"type\":\"t\",\"x\":tru"), "invalid JSON", "a cut literal");
	peek_is("\xef\xbb\xbf" EV(",\"type\":\"t\""), "invalid JSON", "a byte order mark");
	peek_is("[1,2]", "not a JSON object", "an array");
	peek_is("\"x\"", "not a JSON object", "a string");
	peek_is("", "invalid JSON", "an empty line");
	peek_is("{\"specversion\":\"1.0\"}", "missing id", "no id");
	peek_is("{\"specversion\":1.0,\"id\":\"1\"}", "specversion is not \"1.0\"",
	    "a number specversion");
	peek_is(EV(""), "missing type", "no type");
	peek_is(EV(",\"type\":\"\""), "missing type", "an empty type");
	peek_is(EV(",\"type\":7"), "missing type", "a number type");
	peek_is(EV(",\"type\":\"t\",\"data\":[]"), "data is not an object", "an array data");
	/* The first of duplicate members counts, as for cJSON's lookup. */
	peek_is(EV(",\"type\":\"t\",\"type\":\"\""), NULL, "a duplicate type");
	peek_is("{\"sp\\u0065cversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\"}",
	    NULL, "an escaped key that spells specversion");
	/* Nesting: 400 levels pass; 600 are refused before cJSON sees them. */
	s = nested(400, '[', ']');
	peek_is(s, NULL, "400 levels of nesting");
	free(s);
	s = nested(600, '[', ']');
	peek_is(s, "invalid JSON", "600 levels of nesting");
	free(s);
	mv_buf_adds(&b, EV(",\"type\":\""));
	b.len -= 2;  /* drop EV's closing brace and our quote's end */
	mv_buf_adds(&b, "\"");
	for (int i = 0; i < MV_TYPE_MAX; i++)
		mv_buf_adds(&b, "t");
	mv_buf_adds(&b, "\"}");
	peek_is(b.buf, "type too long", "a type of MV_TYPE_MAX bytes");
	mv_buf_free(&b);
}

static void
test_time(void)
{
	time_t t;
	char buf[32];
	long long s;

	ok(mv_time_parse("2026-11-26T10:00:00Z", &t) == 0 && t == 1795687200,
	    "RFC 3339 Z");
	ok(mv_time_parse("2026-11-26T11:00:00.250+01:00", &t) == 0 && t == 1795687200,
	    "offset and fraction");
	ok(mv_time_parse("2026-11-26 10:00", &t) < 0, "partial time refused");
	is_str(mv_time_fmt(1795687200, buf), "2026-11-26T10:00:00Z", "format");
	setenv("MV_NOW", "2030-01-01T00:00:00Z", 1);
	ok(mv_now() == 1893456000, "MV_NOW overrides the clock");
	unsetenv("MV_NOW");
	ok(mv_duration_parse("90d", &s) == 0 && s == 90 * 86400, "90d");
	ok(mv_duration_parse("2w", &s) == 0 && s == 14 * 86400, "2w");
	ok(mv_duration_parse("45", &s) == 0 && s == 45, "bare seconds");
	ok(mv_duration_parse("9x", &s) < 0 && mv_duration_parse("", &s) < 0 &&
	    mv_duration_parse("-1d", &s) < 0, "bad durations refused");
}

static void
test_ids(void)
{
	char *data = mv_xasprintf("%s/data", tmpdir);
	char *a, *b, *c, *p;

	ok(mv_data_open(data, 1) == 0, "data dir created");
	p = mv_path("Movies");
	ok(access(p, F_OK) == 0, "layout has Movies/");
	free(p);
	a = mv_id_new('m');
	b = mv_id_new('m');
	is_str(a, "m1", "first movie id");
	is_str(b, "m2", "second movie id");
	/* A record that exists on disk is never handed out again, even if
	 * the counter file is lost. */
	p = mv_path("Movies/m2.json");
	mv_write_atomic(p, "{}", 2);
	free(p);
	p = mv_path("index/ids.json");
	unlink(p);
	free(p);
	c = mv_id_new('m');
	is_str(c, "m3", "lost counter restarts past live ids");
	ok(mv_id_valid("m42", 'm') && !mv_id_valid("m042", 'm') &&
	    !mv_id_valid("p1", 'm') && !mv_id_valid("m", 0) &&
	    !mv_id_valid("m1/..", 0), "id syntax");
	free(a);
	free(b);
	free(c);
	a = mv_id_new('p');
	is_str(a, "p1", "people count apart");
	free(a);
	free(data);
	/* mv_write_state: the data-relative state file, or a failure said. */
	ok(mv_write_state("stats/x.json", "{}\n", 3) == 0, "state file written");
	p = mv_path("stats/x.json");
	ok(mv_slurp(p, 64, &a, &(size_t){0}) == 0 && strcmp(a, "{}\n") == 0,
	    "under the data directory, whole");
	free(a);
	free(p);
	errno = 0;
	ok(mv_write_state("no/such/dir/x.json", "{}\n", 3) < 0 && errno == ENOENT,
	    "a failure is -1 with errno kept past its message");
}

static void
test_claims(void)
{
	char *owner, *p;

	/* Claims are made for profiles on disk (a missing one is stale:
	 * tests/unit/test_claim.c). */
	p = mv_path("Movies/m1.json");
	mv_write_atomic(p, "{}", 2);
	free(p);
	p = mv_path("People/p1.json");
	mv_write_atomic(p, "{}", 2);
	free(p);
	ok(mv_claim("tmdb", "63", "m1", NULL) == 0, "first claim wins");
	ok(mv_claim("tmdb", "63", "m1", NULL) == 0, "re-claim by the owner is fine");
	ok(mv_claim("tmdb", "63", "m2", &owner) < 0 && errno == EEXIST,
	    "second claimant refused");
	is_str(owner, "m1", "and told the owner");
	free(owner);
	ok(mv_claim("tmdb", "../x", "m1", NULL) < 0 && errno == EINVAL,
	    "path escapes refused");
	ok(mv_unclaim("tmdb", "63", "m2") < 0 && errno == EPERM,
	    "only the owner unclaims");
	ok(mv_unclaim("tmdb", "63", "m1") == 0 && !mv_claim_owner('m', "tmdb", "63"),
	    "unclaim frees it");
	ok(mv_claim("tmdb", "63", "m1", NULL) == 0 &&
	    mv_claim("tmdb", "63", "p1", NULL) == 0,
	    "movie 63 and person 63 do not collide");
}

static void
test_hash(void)
{
	/* The published FNV-1a 64 test vectors: cache file names depend on
	 * these values staying the same. */
	ok(mv_hash("") == 0xcbf29ce484222325ULL, "FNV-1a of \"\"");
	ok(mv_hash("a") == 0xaf63dc4c8601ec8cULL, "FNV-1a of \"a\"");
	ok(mv_hash("foobar") == 0x85944171f73967e8ULL, "FNV-1a of \"foobar\"");
}

static void
test_levels(void)
{
	ok(mv_level_parse("light") == MV_BASIC, "light is basic");
	ok(mv_level_parse("deep") == MV_DEEP, "deep");
	ok(mv_level_parse("huge") == MV_LEVEL_BAD, "unknown level");
	is_str(mv_level_name(MV_MEDIUM), "medium", "name");
	ok(mv_status_valid("needs-review") && !mv_status_valid("done"), "statuses");
	ok(mv_exit_permanent(64) && mv_exit_permanent(78) && !mv_exit_permanent(75),
	    "restart policy split");
}

static void
test_json(void)
{
	cJSON *o = cJSON_Parse("{\"id\":3000000000,\"s\":\"x\",\"f\":1.5}");

	ok(mv_json_int(o, "id", 0) == 3000000000LL, "ints above INT_MAX survive");
	is_str(mv_json_str(o, "s", NULL), "x", "string accessor");
	ok(mv_json_str(o, "id", "def") && strcmp(mv_json_str(o, "id", "def"), "def") == 0,
	    "wrong type gives default");
	mv_json_set(o, "s", cJSON_CreateString("y"));
	is_str(mv_json_str(o, "s", NULL), "y", "set replaces");
	cJSON_Delete(o);
}

/* A large block asked for in 2 MiB pages is memory like any other: all
 * of it written, read back, freed; a small one too. */
static void
test_big(void)
{
	size_t sizes[] = { 0, 100, (4 << 20) + 123, 9 << 20 };

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		size_t n = sizes[k];
		unsigned char *p = mv_xmalloc_big(n);
		int good = 1;

		for (size_t i = 0; i < n; i++)
			p[i] = (unsigned char)(i * 7);
		for (size_t i = 0; i < n; i++)
			good &= p[i] == (unsigned char)(i * 7);
		ok(p && good, "mv_xmalloc_big of %zu bytes holds them", n);
		free(p);
	}
}

int
main(int argc, char **argv)
{
	(void)argc;
	mv_init(argv[0]);
	if (!mkdtemp(tmpdir))
		return 70;
	test_lines();
	test_lines_huge();
	test_atomic();
	test_events();
	test_peek();
	test_time();
	test_ids();
	test_claims();
	test_hash();
	test_levels();
	test_json();
	test_big();
	{
		char *cmd = mv_xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
		free(cmd);
	}
	return tap_done();
}
