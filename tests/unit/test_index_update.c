/* test_index_update.c: index files kept by updates equal a fresh rebuild's (lib/index.c). */
#include <stdlib.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/*
 * mvindex rewrites, after a change, the shards of the entries that
 * changed and the list of shards (index_shard.c). Whatever happened,
 * the files must be byte for byte what a rebuild from the profiles
 * writes. A fixed-seed random walk of changes checks that: titles,
 * credits, outside ids (shared ones too), lastRead, profiles that go,
 * come back or break, new records; each write is compared with a fresh
 * scan's.
 */

#define MOVIES 40
#define PEOPLE 90

static unsigned long seed = 20261126;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

/* People's ids, spread so that they fall in many shards of the people
 * index (1,024 ids each), a few per shard, and deletions empty some. */
static unsigned
pnum(unsigned n)
{
	return n * 337;
}

/* The same for movies, with m1 kept: 5 shards of 8 or 9 movies. */
static unsigned
mnum(unsigned n)
{
	return (n - 1) * 113 + 1;
}

static char *
profile_path(char kind, unsigned num)
{
	return mv_path("%s/%c%u.json", kind == 'm' ? "Movies" : "People", kind, num);
}

/* A v2 movie's videos[]: none to three, with parts, labels (one needing
 * escapes) and subtitles, so the items' "videos" text (index_read.c
 * scan_videos) is rebuilt and spliced like the rest. */
static void
add_videos(cJSON *d, unsigned num)
{
	static const char *const langs[] = { "en", "fr", "pt-BR", "und" };
	cJSON *vs = cJSON_AddArrayToObject(d, "videos");
	unsigned nv = rnd(4);

	for (unsigned i = 0; i < nv; i++) {
		cJSON *v = cJSON_CreateObject(), *subs;
		char p[64];
		unsigned ns = rnd(3);

		snprintf(p, sizeof p, "assets/videos/M%u/M%u - %u.mkv", num, num, i);
		cJSON_AddStringToObject(v, "path", p);
		cJSON_AddNumberToObject(v, "size", 1);
		cJSON_AddStringToObject(v, "source", "incoming");
		cJSON_AddStringToObject(v, "addedAt", "2026-01-02T00:00:00Z");
		if (!rnd(3))
			cJSON_AddNumberToObject(v, "part", 1 + rnd(3));
		if (!rnd(3))
			cJSON_AddStringToObject(v, "edition", rnd(2) ? "Director's Cut" : "\"Final\" \\ Cut");
		if (!rnd(3))
			cJSON_AddStringToObject(v, "quality", "2160p");
		subs = ns ? cJSON_AddArrayToObject(v, "subtitles") : NULL;
		for (unsigned j = 0; j < ns; j++) {
			cJSON *sub = cJSON_CreateObject();

			cJSON_AddStringToObject(sub, "path", p);
			cJSON_AddStringToObject(sub, "lang", langs[rnd(4)]);
			cJSON_AddBoolToObject(sub, "forced", !rnd(3));
			cJSON_AddBoolToObject(sub, "sdh", !rnd(3));
			cJSON_AddStringToObject(sub, "source", "incoming/x.srt");
			cJSON_AddItemToArray(subs, sub);
		}
		cJSON_AddItemToArray(vs, v);
	}
}

static void
write_movie(unsigned num)
{
	cJSON *d = cJSON_CreateObject(), *ext, *credits, *cast, *crew;
	char id[16], *path = profile_path('m', mnum(num));
	unsigned n = rnd(6), v2 = rnd(2);

	snprintf(id, sizeof id, "m%u", mnum(num));
	cJSON_AddNumberToObject(d, "schemaVersion", v2 ? 2 : 1);
	if (v2)
		add_videos(d, num);
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "level", rnd(2) ? "medium" : "basic");
	cJSON_AddStringToObject(d, "status", "ready");
	cJSON_AddStringToObject(d, "createdAt", "2026-01-01T00:00:00Z");
	{
		char t[64];

		snprintf(t, sizeof t, rnd(5) ? "Movie %u \"%u\"" : "Film\\%u\t%u", num, rnd(100));
		cJSON_AddStringToObject(d, "title", t);
	}
	if (rnd(4))
		cJSON_AddNumberToObject(d, "year", 1950 + rnd(70));
	else
		cJSON_AddNullToObject(d, "year");
	ext = cJSON_AddObjectToObject(d, "externalIds");
	/* A small tmdb range: two movies now and then share one. */
	cJSON_AddNumberToObject(ext, "tmdb", 1000 + rnd(MOVIES + 10));
	if (rnd(2)) {
		char imdb[16];

		snprintf(imdb, sizeof imdb, "tt%07u", num);
		cJSON_AddStringToObject(ext, "imdb", imdb);
	}
	credits = cJSON_AddObjectToObject(d, "credits");
	cast = cJSON_AddArrayToObject(credits, "cast");
	crew = cJSON_AddArrayToObject(credits, "crew");
	for (unsigned i = 0; i < n; i++) {
		cJSON *c = cJSON_CreateObject();
		char who[16], what[32];

		snprintf(who, sizeof who, "p%u", pnum(1 + rnd(PEOPLE + 5)));
		cJSON_AddStringToObject(c, "person", who);
		snprintf(what, sizeof what, "Role %u", rnd(3));
		cJSON_AddStringToObject(c, rnd(2) ? "character" : "job", what);
		cJSON_AddItemToArray(rnd(2) ? cast : crew, c);
	}
	if (mv_write_json(path, d) < 0)
		mv_die(MV_EX_IOERR, "write %s", path);
	cJSON_Delete(d);
	free(path);
}

static void
write_person(unsigned num)
{
	cJSON *d = cJSON_CreateObject(), *movies;
	char id[16], name[32], *path = profile_path('p', pnum(num));
	unsigned n = rnd(3);

	snprintf(id, sizeof id, "p%u", pnum(num));
	snprintf(name, sizeof name, "Person %u.%u", num, rnd(3));
	cJSON_AddNumberToObject(d, "schemaVersion", 1);
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "level", "minimal");
	cJSON_AddStringToObject(d, "name", name);
	/* Now and then a tmdb id another person (in another shard) holds:
	 * byExternal keeps the first in id order, over every shard. */
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(d, "externalIds"), "tmdb",
	    5000 + (rnd(6) ? num : num % 5));
	movies = cJSON_AddArrayToObject(d, "movies");
	for (unsigned i = 0; i < n; i++) {
		cJSON *c = cJSON_CreateObject();
		char m[16];

		snprintf(m, sizeof m, "m%u", mnum(1 + rnd(MOVIES + 5)));
		cJSON_AddStringToObject(c, "movie", m);
		cJSON_AddStringToObject(c, "role", "cast");
		cJSON_AddStringToObject(c, "character", "Role 1");
		cJSON_AddItemToArray(movies, c);
	}
	if (mv_write_json(path, d) < 0)
		mv_die(MV_EX_IOERR, "write %s", path);
	cJSON_Delete(d);
	free(path);
}

static char *
slurp_index(const char *name)
{
	char *path = mv_path("index/%s", name), *text = NULL;
	size_t len;

	if (mv_slurp(path, 1 << 26, &text, &len) < 0)
		text = NULL;
	free(path);
	return text;
}

/* An index ("movies", "people"): its list, then every shard file in
 * name order. */
static char *
slurp_kind(const char *name)
{
	struct mv_buf b = {0};
	char *rel = mv_xasprintf("%s.json", name), *t = slurp_index(rel), *dir, **v;
	size_t n;

	free(rel);
	if (!t)
		return NULL;
	mv_buf_adds(&b, t);
	free(t);
	dir = mv_xasprintf("index/%s", name);
	v = mv_dir_list(dir, ".json", &n);
	for (size_t i = 0; i < n; i++) {
		rel = mv_xasprintf("%s/%s", name, v[i]);
		t = slurp_index(rel);
		mv_buf_printf(&b, "\n== %s\n%s", v[i], t ? t : "(unreadable)");
		free(t);
		free(rel);
	}
	mv_list_free(v, n);
	free(dir);
	return b.buf;
}

/* The entries of the index of kind, as its shards hold them. */
static long
items(char kind)
{
	const char *why;
	cJSON *doc = mv_index_load(kind, &why);
	long n = doc ? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "items")) : -1;

	cJSON_Delete(doc);
	return n;
}

/* The files ix wrote equal those of a fresh scan, and so do the counts
 * ix gives (from its shards once written): 1 or 0. */
static int
same_as_rebuild(struct mv_index *ix)
{
	char *m = slurp_kind("movies"), *p = slurp_kind("people");
	struct mv_index *fresh = mv_index_new();
	int same, counts;

	mv_index_nosync(fresh, 1);
	mv_index_scan(fresh, 0);
	mv_index_write(fresh, 1);
	mv_index_free(fresh);
	counts = (long)mv_index_count(ix, 'm') == items('m') &&
	    (long)mv_index_count(ix, 'p') == items('p');
	char *m2 = slurp_kind("movies"), *p2 = slurp_kind("people");

	same = m && p && m2 && p2 && strcmp(m, m2) == 0 && strcmp(p, p2) == 0 && counts;
	/* MV_TEST_KEEP=DIR keeps both versions there, to compare. */
	if (!same && getenv("MV_TEST_KEEP")) {
		const char *names[4] = {"update-movies", "rebuild-movies", "update-people", "rebuild-people"};
		const char *texts[4] = {m, m2, p, p2};

		for (int i = 0; i < 4; i++) {
			char *out = mv_xasprintf("%s/%s.json", getenv("MV_TEST_KEEP"), names[i]);

			if (texts[i])
				mv_write_atomic(out, texts[i], strlen(texts[i]));
			free(out);
		}
	}
	if (!counts)
		printf("# counts differ\n");
	if (!same)
		printf("# movies %s, people %s\n", m && m2 && !strcmp(m, m2) ? "same" : "differ",
		    p && p2 && !strcmp(p, p2) ? "same" : "differ");
	free(m);
	free(p);
	free(m2);
	free(p2);
	return same;
}

int
main(void)
{
	char dir[] = "/tmp/mvtest.XXXXXX", id[16];
	struct mv_index *ix;
	int writes = 0, bad = 0, errors = 0;

	mv_init("test_index_update");
	setenv("MV_NOW", "2026-11-26T12:00:00Z", 1);
	if (!mkdtemp(dir) || mv_data_open(dir, 1) != 0)
		mv_die(MV_EX_CANTCREAT, "make a data directory");
	for (unsigned i = 1; i <= MOVIES; i++)
		write_movie(i);
	for (unsigned i = 1; i <= PEOPLE; i++)
		write_person(i);
	ix = mv_index_new();
	mv_index_nosync(ix, 1);
	ok(mv_index_scan(ix, 0) == 0, "the library scans clean");
	ok(mv_index_write(ix, 1) == 0, "first write");
	ok(same_as_rebuild(ix), "the first write is a rebuild's");
	{
		char *t = slurp_kind("movies");

		ok(t && strstr(t, "\"edition\":\"\\\"Final\\\" \\\\ Cut\"") &&
		    strstr(t, "\"subtitles\":[\"") && strstr(t, "\"part\":"),
		    "items carry videos: parts, escaped labels, subtitles");
		free(t);
	}

	for (int step = 0; step < 600; step++) {
		unsigned what = rnd(10), num;
		char kind = what < 6 ? 'm' : 'p';
		char *path;

		num = 1 + rnd(kind == 'm' ? MOVIES + 5 : PEOPLE + 5);
		snprintf(id, sizeof id, "%c%u", kind, kind == 'p' ? pnum(num) : mnum(num));
		path = profile_path(kind, kind == 'p' ? pnum(num) : mnum(num));
		switch (what) {
		case 0: case 1: case 2: case 6: case 7:
			/* Changed or new. */
			if (kind == 'm')
				write_movie(num);
			else
				write_person(num);
			break;
		case 3: case 8:
			unlink(path);
			break;
		case 4: {
			/* Broken: out of the index until written again. */
			FILE *f = fopen(path, "w");

			if (f) {
				fputs("{\"schemaVersion\":1,", f);
				fclose(f);
			}
			break;
		}
		case 5: case 9: {
			/* lastRead of some movie. */
			char *u = mv_path("stats/usage.json"), *text;

			text = mv_xasprintf("{\"schemaVersion\":1,\"movies\":{\"m%u\":"
			    "{\"count\":1,\"first\":\"2026-11-0%uT00:00:00Z\",\"last\":\"2026-11-0%uT00:00:00Z\"}}}\n",
			    1 + rnd(MOVIES), 1 + rnd(9), 1 + rnd(9));
			mv_write_atomic(u, text, strlen(text));
			free(text);
			free(u);
			mv_index_usage(ix);
			free(path);
			goto written;
		}
		}
		free(path);
		/* Broken profiles are reported on stderr; count them. */
		if (mv_index_update(ix, id) < 0)
			errors++;
written:
		/* A few changes per write, and in every third stretch of 50
		 * steps none: then many at once (the whole-text path). */
		if ((rnd(3) == 0 && step / 50 % 3 != 2) || step % 50 == 49) {
			if (mv_index_write(ix, 0) < 0)
				bad++;
			writes++;
			if (!same_as_rebuild(ix)) {
				ok(0, "write %d (step %d) equals a rebuild's", writes, step);
				bad++;
				break;
			}
		}
	}
	ok(bad == 0, "%d writes after 600 changes (%d broken profiles) all equal a rebuild's",
	    writes, errors);
	{
		/* A downgrade: m1 credits p1; p1's own profile then gains a
		 * link nobody announced (mvenrich links back after the person
		 * event); m1 loses its credits. The update of m1 alone must
		 * reread p1, as a scan would. */
		static const char m1[] = "{\"schemaVersion\":1,\"id\":\"m1\",\"level\":\"medium\","
		    "\"status\":\"ready\",\"title\":\"One\",\"year\":2001,%s}\n";
		char *mp = profile_path('m', 1), *pp = profile_path('p', 1), *t;

		t = mv_xasprintf(m1, "\"credits\":{\"cast\":[{\"person\":\"p1\",\"character\":\"A\"}],\"crew\":[]}");
		mv_write_atomic(mp, t, strlen(t));
		free(t);
		mv_index_update(ix, "m1");
		t = mv_xasprintf("{\"schemaVersion\":1,\"id\":\"p1\",\"level\":\"minimal\",\"name\":\"P\","
		    "\"movies\":[{\"movie\":\"m2\",\"role\":\"crew\",\"job\":\"Editor\"}]}\n");
		mv_write_atomic(pp, t, strlen(t));
		free(t);
		t = mv_xasprintf(m1, "\"credits\":null");
		mv_write_atomic(mp, t, strlen(t));
		free(t);
		ok(mv_index_update(ix, "m1") == 0 && mv_index_write(ix, 0) == 0 && same_as_rebuild(ix),
		    "a downgraded movie's update rereads the people it credited");
		free(mp);
		free(pp);
	}
	mv_index_free(ix);
	{
		char *cmd = mv_xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			bad++;
		free(cmd);
	}
	return tap_done();
}
