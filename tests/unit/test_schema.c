/* test_schema.c: unit tests for lib/schema.c: keywords, regexes, refs, errors, migration. */
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "mv.h"
#include "tap.h"

/* Errors collected as "pointer|keyword|message\n". */
static struct mv_buf errs;

static void
collect(void *ctx, const char *ptr, const char *kw, const char *msg)
{
	(void)ctx;
	mv_buf_printf(&errs, "%s|%s|%s\n", ptr, kw, msg);
}

/* A one-schema set from JSON text; NULL if the text is not JSON. */
static struct mv_schemas *
one(const char *schema, int *rc)
{
	struct mv_schemas *set = mv_schemas_new();
	int r = mv_schemas_add(set, "T.json", cJSON_Parse(schema));

	if (rc)
		*rc = r;
	return set;
}

/* Number of errors of doc against schema (both JSON text); errors in errs. */
static int
check(const char *schema, const char *doc)
{
	struct mv_schemas *set = one(schema, NULL);
	cJSON *d = cJSON_Parse(doc);
	int n;

	errs.len = 0;
	if (errs.buf)
		errs.buf[0] = '\0';
	if (!d) {
		printf("# bad test document: %s\n", doc);
		abort();
	}
	n = mv_schema_validate(set, "T.json", d, collect, NULL);
	cJSON_Delete(d);
	mv_schemas_free(set);
	return n;
}

/* 1 when s (JSON string text) matches pattern p (JSON string text). */
static int
matches(const char *p, const char *s)
{
	char *schema = mv_xasprintf("{\"pattern\": %s}", p);
	int n = check(schema, s);

	free(schema);
	return n == 0;
}

static void
test_regex(void)
{
	ok(matches("\"^\\\\d+$\"", "\"123\""), "\\d+ matches digits");
	ok(!matches("\"^\\\\d+$\"", "\"12a\""), "\\d+ rejects a letter");
	ok(matches("\"^[\\\\w.-]+$\"", "\"a_b.c-9\""), "[\\w.-] class with a word escape");
	ok(!matches("\"^[\\\\w.-]+$\"", "\"a b\""), "[\\w.-] rejects a space");
	ok(matches("\"^[^\\\\s]+$\"", "\"ab\"") && !matches("\"^[^\\\\s]+$\"", "\"a b\""),
	    "[^\\s] negated class with a space escape");
	ok(matches("\"^\\\\S+$\"", "\"ab\"") && !matches("\"^\\\\S+$\"", "\"a\\tb\""), "\\S");
	ok(matches("\"^[\\\\]a]+$\"", "\"]a]\""), "escaped ] inside a class");
	ok(matches("\"^[\\\\^]$\"", "\"^\"") && !matches("\"^[\\\\^]$\"", "\"a\""),
	    "a class holding only ^");
	ok(matches("\"^[a\\\\-z]+$\"", "\"-az\"") && !matches("\"^[a\\\\-z]+$\"", "\"b\""),
	    "escaped - in a class is literal, not a range");
	ok(matches("\"^a+?b$\"", "\"aab\""), "lazy quantifier");
	ok(matches("\"^(?:ab)+$\"", "\"abab\"") && !matches("\"^(?:ab)+$\"", "\"aba\""),
	    "non-capturing group");
	ok(matches("\"^x{$\"", "\"x{\""), "a brace that is not a quantifier is literal");
	ok(matches("\"^\\\\/p\\\\.json$\"", "\"/p.json\"") && !matches("\"^\\\\/p\\\\.json$\"", "\"/pxjson\""),
	    "escaped punctuation");
	ok(matches("\"^.$\"", "\"\\u00e9\""), "dot matches one code point (C.UTF-8)");
	ok(!matches("\"^.$\"", "\"\\n\""), "dot does not match a newline, as in ECMA-262");
	ok(matches("\"^\\\\u00e9t\\\\u00e9$\"", "\"\\u00e9t\\u00e9\""), "\\u escape");
	ok(matches("\"caf\"", "\"a cafe\""), "patterns are not anchored");
	{
		int rc;
		struct mv_schemas *set = one("{\"pattern\": \"(?=a)b\"}", &rc);
		cJSON *d = cJSON_CreateString("b");
		errs.len = 0;
		is_int(rc, -1, "lookahead: mv_schemas_add returns -1");
		is_int(mv_schema_validate(set, "T.json", d, collect, NULL), 1,
		    "lookahead: every value fails the keyword");
		ok(strstr(errs.buf, "|pattern|unsupported regular expression (?=a)b: lookaround") != NULL,
		    "lookahead: the reason is given");
		cJSON_Delete(d);
		mv_schemas_free(set);
	}
	check("{\"pattern\": \"\\\\bx\"}", "\"x\"");
	ok(strstr(errs.buf, "word boundary") != NULL, "\\b is refused with a reason");
	check("{\"pattern\": \"(a)\\\\1\"}", "\"aa\"");
	ok(strstr(errs.buf, "backreference") != NULL, "backreferences are refused");
}

static void
test_keywords(void)
{
	is_int(check("{\"type\": \"integer\"}", "1.0"), 0, "1.0 is an integer");
	is_int(check("{\"type\": \"integer\"}", "1.5"), 1, "1.5 is not an integer");
	is_int(check("{\"type\": \"integer\"}", "8589934592"), 0, "integers beyond INT_MAX");
	is_int(check("{\"minLength\": 2}", "\"\\u00e9\""), 1, "minLength counts code points, not bytes");
	is_int(check("{\"maxLength\": 1}", "\"\\u00e9\""), 0, "maxLength counts code points");
	is_str(errs.buf, "", "no error text when valid");
	is_int(check("{\"multipleOf\": 0.01}", "19.99"), 0, "multipleOf with a decimal step");
	is_int(check("{\"multipleOf\": 0.01}", "0.075"), 1, "multipleOf rejects a finer value");
	is_int(check("{\"enum\": [1, {\"a\": [true]}]}", "{\"a\": [true]}"), 0, "enum by deep equality");
	is_int(check("{\"const\": 1}", "1.0"), 0, "const compares numbers by value");
	is_int(check("{\"uniqueItems\": true}", "[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]"), 1,
	    "uniqueItems ignores member order");
	is_str(errs.buf, "|uniqueItems|items 0 and 1 are equal\n", "uniqueItems names the items");
	is_int(check("{\"format\": \"date\"}", "\"2024-02-29\""), 0, "date: leap day");
	is_int(check("{\"format\": \"date\"}", "\"2023-02-29\""), 1, "date: no leap day in 2023");
	is_int(check("{\"format\": \"date-time\"}", "\"2026-11-26T10:00:00+01:00\""), 0,
	    "date-time with an offset");
	is_int(check("{\"format\": \"date-time\"}", "\"2026-11-26 10:00:00Z\""), 1,
	    "date-time needs the T");
	is_int(check("{\"format\": \"uri\"}", "\"https://www.themoviedb.org/movie/63?x=1#y\""), 0, "uri");
	is_int(check("{\"format\": \"uri\"}", "\"/movie/63\""), 1, "uri needs a scheme");
	is_int(check("{\"format\": \"uri\"}", "\"http://a/b#c#d\""), 1, "uri: one # only");
	is_int(check("{\"format\": \"uri\"}", "\"http://a:8o/\""), 1, "uri: numeric port");
	is_int(check("{\"format\": \"email\"}", "\"not an email\""), 0, "unknown formats pass");
	is_int(check("{\"if\": {\"required\": [\"a\"]}, \"then\": {\"required\": [\"b\"]}, "
	    "\"else\": {\"required\": [\"c\"]}}", "{\"a\": 1}"), 1, "if/then");
	is_str(errs.buf, "|required|missing member \"b\"\n", "then's error is reported as is");
	is_int(check("{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 0}]}", "3"), 1,
	    "oneOf with two matches");
	is_str(errs.buf, "|oneOf|matches alternatives 0 and 1, expected exactly one\n", "oneOf message");
	is_int(check("{\"dependencies\": {\"a\": [\"b\"]}}", "{\"a\": 1}"), 1, "dependencies, array form");
	is_str(errs.buf, "|dependencies|member \"a\" requires member \"b\"\n", "dependencies message");
	is_int(check("{\"propertyNames\": {\"maxLength\": 2}}", "{\"abc\": 1}"), 1, "propertyNames");
	is_int(check("{\"items\": [{\"type\": \"string\"}], \"additionalItems\": false}", "[\"a\", 2]"), 1,
	    "additionalItems false");
	is_int(check("false", "null"), 1, "false schema");
	is_int(check("true", "null"), 0, "true schema");
}

static void
test_errors(void)
{
	struct mv_schemas *set;
	cJSON *d;

	is_int(check("{\"additionalProperties\": {\"type\": \"string\"}}", "{\"a/b~c\": 1}"), 1,
	    "one error");
	is_str(errs.buf, "/a~1b~0c|type|expected string, got number\n",
	    "pointer segments escape / and ~");
	is_int(check("{\"properties\": {\"l\": {\"items\": {\"properties\": {\"p\": "
	    "{\"pattern\": \"^p[0-9]+$\"}}}}}}", "{\"l\": [{}, {\"p\": \"x\"}]}"), 1, "nested error");
	is_str(errs.buf, "/l/1/p|pattern|does not match ^p[0-9]+$\n", "pointer through an array");
	is_int(check("{\"required\": [\"a\", \"b\"], \"minProperties\": 3}", "{}"), 3,
	    "every error is counted when a callback is given");
	set = one("{\"required\": [\"a\", \"b\"], \"minProperties\": 3}", NULL);
	d = cJSON_CreateObject();
	is_int(mv_schema_validate(set, "T.json", d, NULL, NULL), 1,
	    "without a callback validation stops at the first error");
	is_int(mv_schema_validate(set, "Nope.json", d, NULL, NULL), -1, "unknown schema: -1");
	cJSON_Delete(d);
	mv_schemas_free(set);
	is_int(check("{\"$ref\": \"#\"}", "1"), 1, "a $ref loop is an error, not a crash");
	ok(strstr(errs.buf, "|$ref|schema nesting deeper than") != NULL, "loop message");
	is_int(check("{\"$ref\": \"Missing.json\"}", "1"), 1, "unresolvable $ref");
	is_str(errs.buf, "|$ref|unable to resolve https://mv.invalid/schemas/Missing.json\n",
	    "unresolvable $ref message");
}

static void
test_refs(void)
{
	struct mv_schemas *set = mv_schemas_new();
	cJSON *d = cJSON_CreateString("x");

	is_int(mv_schemas_add(set, "B.json", cJSON_Parse(
	    "{\"definitions\": {\"x\": {\"type\": \"integer\"}}}")), 0, "add B");
	is_int(mv_schemas_add(set, "events/e.json", cJSON_Parse(
	    "{\"$ref\": \"../B.json#/definitions/x\"}")), 0, "add events/e");
	is_int(mv_schemas_add(set, "B.json", cJSON_Parse("{}")), -1, "a name is taken once");
	is_int(mv_schema_validate(set, "events/e.json", d, NULL, NULL), 1, "ref ../B.json#/definitions/x");
	is_int(mv_schema_validate(set, "B.json#/definitions/x", d, NULL, NULL), 1,
	    "validate against a fragment of a schema");
	cJSON_Delete(d);
	d = cJSON_CreateNumber(3);
	is_int(mv_schema_validate(set, "events/e.json", d, NULL, NULL), 0, "the ref'd schema accepts 3");
	is_int(mv_schema_validate(set, "https://mv.invalid/schemas/events/e.json", d, NULL, NULL), 0,
	    "a schema by its absolute URI");
	cJSON_Delete(d);
	mv_schemas_free(set);
}

/* The real schemas/ and fixtures: load, validate, migrate, time. */
static void
test_real(void)
{
	char *dir = mv_xstrdup(getenv("MV_SCHEMAS") ? getenv("MV_SCHEMAS") : "schemas");
	char *fix = mv_xasprintf("%s/../tests/fixtures/schema/valid", dir), *p;
	struct mv_schemas *set = mv_schemas_load(dir);
	const char *why;
	cJSON *doc, *e;
	int from = -9;

	ok(set != NULL, "load schemas/");
	if (!set)
		return;
	setenv("MV_SCHEMAS", "/x/schemas", 1);
	is_str(mv_schemas_dir(), "/x/schemas", "mv_schemas_dir follows $MV_SCHEMAS");
	unsetenv("MV_SCHEMAS");
	{
		/* Installed: the compile-time dir. Not installed: the schemas
		 * of the checkout this binary was built in (build/unit/x ->
		 * <top>/schemas), so tools run from the tree just work. */
		struct stat st;
		char *want = stat(MV_SCHEMADIR, &st) == 0 ? mv_xstrdup(MV_SCHEMADIR) :
		    realpath(dir, NULL);

		is_str(mv_schemas_dir(), want,
		    "else MV_SCHEMADIR if installed, else the build tree's schemas/");
		free(want);
	}
	p = mv_xasprintf("%s/MovieProfile--basic.json", fix);
	doc = mv_json_load(p, 1 << 20, &why);
	free(p);
	ok(doc != NULL, "load the basic movie fixture");
	if (!doc)
		return;
	is_int(mv_schema_validate(set, "MovieProfile.json", doc, NULL, NULL), 0, "basic movie is valid");

	/* Turn it into a v0 document (one "video"), then migrate it back. */
	e = cJSON_GetObjectItem(doc, "externalIds");
	cJSON_DeleteItemFromObject(e, "tmdb");
	cJSON_DeleteItemFromObject(doc, "schemaVersion");
	cJSON_AddNumberToObject(doc, "tmdbId", 63);
	mv_json_set(doc, "level", cJSON_CreateString("light"));
	cJSON_AddItemToObject(doc, "video", cJSON_DetachItemFromArray(
	    cJSON_GetObjectItem(doc, "videos"), 0));
	cJSON_DeleteItemFromObject(doc, "videos");
	ok(mv_schema_validate(set, "MovieProfile.json", doc, NULL, NULL) > 0, "the v0 form is invalid");
	is_int(mv_schema_migrate(doc, "MovieProfile", &from), 1, "v0 migrates");
	is_int(from, 0, "found version 0");
	is_str(doc->child->string, "schemaVersion", "schemaVersion is the first member");
	is_int(mv_json_int(doc, "schemaVersion", -1), 2, "schemaVersion 2, through 1");
	is_int(mv_json_int(e, "tmdb", -1), 63, "tmdbId moved to externalIds.tmdb");
	ok(!cJSON_GetObjectItem(doc, "tmdbId"), "tmdbId is gone");
	is_str(mv_json_str(doc, "level", NULL), "basic", "level light became basic");
	ok(!cJSON_GetObjectItem(doc, "video") && cJSON_GetArraySize(cJSON_GetObjectItem(doc, "videos")) == 1,
	    "video became videos[0]");
	is_int(mv_schema_validate(set, "MovieProfile.json", doc, NULL, NULL), 0, "migrated doc is valid");
	is_int(mv_schema_migrate(doc, "MovieProfile", &from), 0, "v2 is left alone");
	is_int(from, 2, "found version 2");

	/* v1: "video" and TMDB's trailers as "videos". */
	mv_json_set(doc, "schemaVersion", cJSON_CreateNumber(1));
	{
		cJSON *vs = cJSON_DetachItemFromObject(doc, "videos");

		cJSON_AddItemToObject(doc, "video", cJSON_DetachItemFromArray(vs, 0));
		cJSON_Delete(vs);
		vs = cJSON_Parse("[{\"site\": \"YouTube\", \"key\": \"k\", \"type\": \"Trailer\", \"name\": \"T\"}]");
		cJSON_AddItemToObject(doc, "videos", vs);
	}
	ok(mv_schema_validate(set, "MovieProfile.json", doc, NULL, NULL) > 0, "the v1 form is not v2");
	is_int(mv_schema_migrate(doc, "MovieProfile", &from), 1, "v1 migrates");
	is_int(from, 1, "found version 1");
	is_str(mv_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "videos"), 0), "path", ""),
	    "assets/videos/Twelve Monkeys (1995) [tmdbid-63].mkv", "its video is videos[0]");
	is_str(mv_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "trailers"), 0), "key", ""),
	    "k", "its TMDB videos are trailers");
	is_int(mv_schema_validate(set, "MovieProfile.json", doc, NULL, NULL), 0, "and it is valid");
	mv_json_set(doc, "schemaVersion", cJSON_CreateNumber(3));
	is_int(mv_schema_migrate(doc, "MovieProfile", &from), -1, "a newer version is refused");
	is_int(from, 3, "found version 3");
	cJSON_DeleteItemFromObject(doc, "schemaVersion");
	is_int(mv_schema_migrate(doc, "Weird", &from), -1, "an unknown kind is refused");
	ok(!cJSON_GetObjectItem(doc, "schemaVersion"), "a refused doc is untouched");
	cJSON_Delete(doc);

	doc = cJSON_Parse("{\"generatedAt\": \"2026-11-28T09:00:00Z\", \"count\": 1, \"byExternal\": {},"
	    "\"items\": [{\"id\": \"m1\", \"title\": \"T\", \"year\": null, \"level\": \"light\","
	    " \"status\": \"ready\", \"tmdbId\": 63}]}");
	is_int(mv_schema_migrate(doc, "MovieIndex", &from), 1, "a v0 index migrates");
	/* To version 1, one document: the movie index of before the shards
	 * (schemaVersion 2), which mvindex rebuilds. Its items are a shard's. */
	is_int(mv_json_int(doc, "schemaVersion", 0), 1, "to version 1");
	ok(mv_schema_validate(set, "MovieIndex.json", doc, NULL, NULL) > 0, "which is not a shard");
	is_int(mv_schema_validate(set, "MovieIndex.json#/properties/items/items",
	    cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "items"), 0), collect, NULL), 0,
	    "and its item is a valid entry");
	is_int(mv_json_int(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "items"), 0), "tmdb", 0), 63,
	    "with tmdb");
	cJSON_Delete(doc);

	/* People are minimal or deep: a person at basic, v0 "light" or a
	 * v1 "basic" an older migration wrote, becomes minimal. */
	doc = cJSON_Parse("{\"id\": \"p1\", \"level\": \"light\", \"name\": \"B\","
	    "\"tmdbId\": 62, \"createdAt\": \"2026-11-28T09:00:00Z\","
	    "\"updatedAt\": \"2026-11-28T09:00:00Z\", \"movies\": [],"
	    "\"levels\": {\"minimal\": \"2026-11-28T09:00:00Z\", \"light\": \"2026-11-28T09:00:00Z\"}}");
	is_int(mv_schema_migrate(doc, "PeopleProfile", &from), 1, "a v0 person migrates");
	is_str(mv_json_str(doc, "level", NULL), "minimal", "level light became minimal");
	ok(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "levels")) == 1, "levels.light is gone");
	is_int(mv_schema_validate(set, "PeopleProfile.json", doc, collect, NULL), 0, "and is valid");
	mv_json_set(doc, "level", cJSON_CreateString("basic"));
	ok(mv_schema_validate(set, "PeopleProfile.json", doc, NULL, NULL) > 0,
	    "a person at basic is invalid");
	is_int(mv_schema_migrate(doc, "PeopleProfile", &from), 1, "a v1 person at basic migrates");
	is_int(from, 1, "from version 1");
	is_str(mv_json_str(doc, "level", NULL), "minimal", "to minimal");
	is_int(mv_schema_migrate(doc, "PeopleProfile", &from), 0, "then is left alone");
	mv_json_set(doc, "level", cJSON_CreateString("basic"));
	/* Only people lose basic; a v1 movie goes to v2 (no video: []). */
	is_int(mv_schema_migrate(doc, "MovieProfile", &from), 1, "a v1 movie at basic migrates");
	ok(!strcmp(mv_json_str(doc, "level", ""), "basic") &&
	    cJSON_IsArray(cJSON_GetObjectItem(doc, "videos")) &&
	    !cJSON_GetArraySize(cJSON_GetObjectItem(doc, "videos")), "and keeps its level, with videos []");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"schemaVersion\": 1, \"items\": [{\"id\": \"p1\", \"level\": \"basic\"},"
	    "{\"id\": \"p2\", \"level\": \"deep\"}]}");
	is_int(mv_schema_migrate(doc, "PeopleIndex", &from), 1, "a people index item at basic migrates");
	is_str(mv_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "items"), 0), "level", NULL),
	    "minimal", "to minimal");
	is_str(mv_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "items"), 1), "level", NULL),
	    "deep", "deep stays");
	cJSON_Delete(doc);

	{
		/* Each path and its schema, or NULL for none. A shard's name is
		 * five digits or more (mv_index_shard), in its own kind's folder. */
		static const char *const paths[][2] = {
			{"Movies/m1.json", "MovieProfile.json"},
			{"People/p3.json", "PeopleProfile.json"},
			{"index/people.json", "PeopleIndexList.json"},
			{"index/people/00012.json", "PeopleIndex.json"},
			{"index/people/12.json", NULL},
			{"index/people/00012.json.tmp", NULL},
			{"index/movies.json", "MovieIndexList.json"},
			{"index/movies/00000.json", "MovieIndex.json"},
			{"index/movies/123456.json", "MovieIndex.json"},
			{"index/movies/1.json", NULL},
			{"index/movies/0000x.json", NULL},
			{"index/movies/00000.keys", NULL},
			{"index/movies/00000.json.tmp.42", NULL},
			{"index/movies/../people/00000.json", NULL},
			{"Movies/x/m1.json", NULL},
			{"stats/usage.json", NULL},
		};

		for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
			const char *got = mv_schema_for_path(paths[i][0]);

			if (paths[i][1])
				is_str(got, paths[i][1], paths[i][0]);
			else
				ok(got == NULL, "no schema for %s", paths[i][0]);
		}
	}

	/* The keyword cache is reused across validations: the same answer
	 * every time. How fast is bench/check.sh's to say, not a unit
	 * test's (a timed test fails on a loaded machine or under ASan). */
	p = mv_xasprintf("%s/MovieProfile--deep.json", fix);
	doc = mv_json_load(p, 1 << 20, &why);
	free(p);
	{
		int i;

		for (i = 0; i < 1000; i++)
			if (mv_schema_validate(set, "MovieProfile.json", doc, NULL, NULL) != 0)
				break;
		ok(i == 1000, "1000 validations of a deep movie, all valid");
	}
	cJSON_Delete(doc);
	mv_schemas_free(set);
	free(fix);
	free(dir);
}

int
main(void)
{
	mv_init("test_schema");
	test_regex();
	test_keywords();
	test_errors();
	test_refs();
	test_real();
	mv_buf_free(&errs);
	return tap_done();
}
