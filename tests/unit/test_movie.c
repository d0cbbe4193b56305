/* test_movie.c: unit tests for movie.c: profiles, levels, strip. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char tmpdir[] = "/tmp/mvunit-movie.XXXXXX";
static int created, enriched;

static void
count_events(const char *type, const char *subject, cJSON *data)
{
	(void)subject;
	if (strcmp(type, "mv.person.created") == 0)
		created++;
	else
		enriched++;
	cJSON_Delete(data);
}

/* The sample's movie 63, which holds every appended part. */
static cJSON *
sample(const char *rel)
{
	const char *top = getenv("MV_TOP");
	char *path = mv_xasprintf("%s/data/sample/tmdb/%s", top ? top : ".", rel);
	const char *why;
	cJSON *doc = mv_json_load(path, 1 << 22, &why);

	if (!doc)
		printf("# %s: %s\n", path, why);
	free(path);
	return doc;
}

/* schemaVersion 1 -> 2 in memory, and the main video of videos[]. */
static void
test_videos(void)
{
	cJSON *m = cJSON_Parse("{\"schemaVersion\": 1, \"id\": \"m9\", \"video\": null,"
	    " \"videos\": [{\"site\": \"YouTube\", \"key\": \"k\"}], \"level\": \"deep\"}");
	char *s;

	is_int(mv_movie_upgrade(m), 1, "v1 upgrades");
	s = cJSON_PrintUnformatted(m);
	is_str(s, "{\"schemaVersion\":2,\"id\":\"m9\",\"videos\":[],\"level\":\"deep\","
	    "\"trailers\":[{\"site\":\"YouTube\",\"key\":\"k\"}]}",
	    "null video: videos [] in its place; TMDB's videos are trailers");
	free(s);
	ok(mv_movie_video(m) == NULL, "no main video");
	is_int(mv_movie_upgrade(m), 0, "v2 is left alone");
	cJSON_Delete(m);
	m = cJSON_Parse("{\"schemaVersion\": 1, \"id\": \"m9\", \"video\": {\"path\": \"a.mkv\"}, \"x\": 1}");
	is_int(mv_movie_upgrade(m), 1, "v1 with a video upgrades");
	s = cJSON_PrintUnformatted(m);
	is_str(s, "{\"schemaVersion\":2,\"id\":\"m9\",\"videos\":[{\"path\":\"a.mkv\"}],\"x\":1}",
	    "the video is videos[0], in its place");
	free(s);
	is_str(mv_json_str(mv_movie_video(m), "path", ""), "a.mkv", "it is the main video");
	cJSON_Delete(m);
	m = cJSON_Parse("{\"schemaVersion\": 7, \"video\": null}");
	is_int(mv_movie_upgrade(m), -1, "another version is refused");
	ok(cJSON_GetObjectItem(m, "video") && !cJSON_GetObjectItem(m, "videos"), "and left untouched");
	cJSON_Delete(m);
	m = cJSON_Parse("{\"schemaVersion\": 2, \"videos\": [{\"path\": \"p2\", \"part\": 2},"
	    " {\"path\": \"p1\", \"part\": 1}, {\"path\": \"dc\", \"edition\": \"Director's Cut\"}]}");
	is_str(mv_json_str(mv_movie_video(m), "path", ""), "dc", "the main video: the first without a part");
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(m, "videos"), 2);
	is_str(mv_json_str(mv_movie_video(m), "path", ""), "p1", "else part 1");
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(m, "videos"), 1);
	is_str(mv_json_str(mv_movie_video(m), "path", ""), "p2", "else the first");
	is_int(cJSON_GetArraySize(mv_movie_videos(m)), 1, "mv_movie_videos is the array");
	cJSON_Delete(m);
}

int
main(void)
{
	cJSON *doc, *tm, *files, *again, *p;
	const char *why;
	char *owner, *path, *top;

	mv_init("test_movie");
	if (!mkdtemp(tmpdir))
		abort();
	setenv("MV_DATA", tmpdir, 1);
	setenv("MV_NOW", "2026-11-26T10:00:00Z", 1);
	/* Basic downloads the card's poster: from the offline sample. */
	top = realpath(getenv("MV_TOP") ? getenv("MV_TOP") : ".", NULL);
	path = mv_xasprintf("file://%s/data/sample/tmdb", top ? top : ".");
	setenv("MV_TMDB_URL", path, 1);
	free(path);
	free(top);
	unsetenv("TMDB_TOKEN");
	unsetenv("TMDB_API_KEY");
	if (mv_data_open(NULL, 1) != 0)
		abort();
	test_videos();
	mv_movie_notify = count_events;

	doc = mv_movie_create("12 Monkeys", 1995, NULL, NULL);
	ok(doc != NULL, "create a minimal movie");
	is_str(mv_json_str(doc, "id", ""), "m1", "first id is m1");
	is_str(mv_json_str(doc, "status", ""), "initial", "status initial");
	is_str(mv_json_str(doc, "level", ""), "minimal", "level minimal");
	again = mv_movie_load("m1", &why);
	ok(again && mv_json_int(again, "year", 0) == 1995, "saved and loaded back");
	cJSON_Delete(again);
	ok(!mv_movie_load("m2", &why) && errno == ENOENT, "missing profile: ENOENT");

	tm = sample("movie/63.json");
	ok(tm != NULL, "sample movie 63 loads");
	if (!tm)
		return tap_done();
	/* A preview names files as the applied profile does, in memory. */
	p = cJSON_CreateObject();
	mv_movie_preview(p, tm);
	is_str(mv_json_str(p, "title", ""), "Twelve Monkeys", "preview: the title");
	is_int(mv_json_int(cJSON_GetObjectItem(p, "externalIds"), "tmdb", 0), 63,
	    "preview: the tmdb id");
	ok(!cJSON_GetObjectItem(p, "cardPoster") && !cJSON_GetObjectItem(p, "level"),
	    "preview: no poster fetched, no level reached");
	cJSON_Delete(p);
	is_int(mv_movie_apply(doc, tm, MV_BASIC), 0, "apply basic");
	is_str(mv_json_str(doc, "title", ""), "Twelve Monkeys", "title from TMDB");
	is_int(mv_json_int(cJSON_GetObjectItem(doc, "externalIds"), "tmdb", 0), 63, "externalIds.tmdb");
	is_str(mv_json_str(cJSON_GetObjectItem(doc, "externalIds"), "imdb", ""), "tt0114746", "externalIds.imdb");
	is_str(mv_json_str(cJSON_GetObjectItem(doc, "titles"), "fr-FR", ""), "L'Armée des 12 singes", "translated title");
	is_str(mv_json_str(doc, "level", ""), "basic", "level basic");
	ok(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "levels"), "basic") != NULL, "levels.basic set");

	is_int(mv_movie_apply(doc, tm, MV_MEDIUM), 0, "apply medium");
	ok(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "credits"), "cast")) > 0, "cast listed");
	ok(created > 0 && enriched == 0, "people created, one event each");
	owner = mv_claim_owner('p', "tmdb", "62");
	ok(owner && mv_id_valid(owner, 'p'), "Bruce Willis claimed by a person id");
	p = owner ? mv_person_load(owner, &why) : NULL;
	is_str(mv_json_str(p, "name", ""), "Bruce Willis", "minimal person saved");
	is_str(mv_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "movies"), 0), "movie", ""), "m1", "person links back");
	cJSON_Delete(p);
	free(owner);
	{
		int before = created;

		is_int(mv_movie_apply(doc, tm, MV_MEDIUM), 0, "apply medium again");
		is_int(created, before, "no person created twice");
	}

	/* Deep members put by hand (deep needs the network), then strip. */
	cJSON_AddItemToObject(doc, "keywords", cJSON_CreateArray());
	p = cJSON_AddObjectToObject(doc, "images");
	cJSON_AddStringToObject(p, "poster", "assets/images/m1-poster-w342.jpg");
	cJSON_AddNullToObject(p, "backdrop");
	cJSON_AddStringToObject(cJSON_GetObjectItem(doc, "externalIds"), "wikidata", "Q208108");
	mv_json_set(doc, "level", cJSON_CreateString("deep"));
	files = mv_movie_strip(doc, MV_BASIC);
	is_int(cJSON_GetArraySize(files), 1, "one image file to delete");
	is_str(cJSON_GetArrayItem(files, 0)->valuestring, "assets/images/m1-poster-w342.jpg", "the poster");
	cJSON_Delete(files);
	is_str(mv_json_str(doc, "level", ""), "basic", "level now basic");
	ok(!cJSON_GetObjectItem(doc, "credits") && !cJSON_GetObjectItem(doc, "keywords") &&
	    !cJSON_GetObjectItem(doc, "images"), "medium and deep members gone");
	ok(cJSON_GetObjectItem(doc, "overview") && cJSON_GetObjectItem(doc, "titles"), "basic members kept");
	ok(!cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "externalIds"), "wikidata"), "wikidata is deep");
	ok(!cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "levels"), "medium"), "levels.medium dropped");
	files = mv_movie_strip(doc, MV_MINIMAL);
	cJSON_Delete(files);
	ok(!cJSON_GetObjectItem(doc, "overview") && mv_json_int(cJSON_GetObjectItem(doc, "externalIds"), "tmdb", 0) == 63 &&
	    cJSON_GetObjectItem(doc, "videos") && *mv_json_str(doc, "title", ""), "minimal keeps the record and its identity");
	is_int(mv_movie_field_level("credits"), MV_MEDIUM, "credits is medium");
	is_int(mv_movie_field_level("watchProviders"), MV_DEEP, "watchProviders is deep");
	is_int(mv_movie_field_level("videos"), MV_MINIMAL, "videos is minimal");
	is_int(mv_movie_field_level("trailers"), MV_DEEP, "trailers (TMDB's videos) are deep");
	ok(mv_movie_save(doc) == 0, "save");
	cJSON_Delete(doc);
	cJSON_Delete(tm);
	path = mv_xasprintf("rm -rf '%s'", tmpdir);
	if (system(path) != 0)
		printf("# cleanup failed\n");
	free(path);
	return tap_done();
}
