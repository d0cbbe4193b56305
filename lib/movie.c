/* movie.c: MovieProfile and PeopleProfile documents: load, save, create, levels, strip. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "movie_int.h"

/*
 * Which level each member of a MovieProfile belongs to. This table is the
 * one place that says so: mv_movie_apply fills a level's members and
 * mv_movie_strip removes them. Members not listed (id, title, year,
 * parsed, videos, status, externalIds...) belong to the minimal record and
 * are never stripped; externalIds.wikidata is the one deep id.
 */
static const struct {
	const char *key;
	enum mv_level level;
} fields[] = {
	{"originalTitle", MV_BASIC}, {"originalLanguage", MV_BASIC},
	{"releaseDate", MV_BASIC}, {"runtime", MV_BASIC},
	{"genres", MV_BASIC}, {"overview", MV_BASIC},
	{"posterPath", MV_BASIC}, {"backdropPath", MV_BASIC},
	{"tagline", MV_BASIC}, {"voteAverage", MV_BASIC},
	{"titles", MV_BASIC}, {"collection", MV_BASIC},
	{"productionCompanies", MV_BASIC}, {"overviews", MV_BASIC},
	{"alternativeTitles", MV_BASIC}, {"cardPoster", MV_BASIC},
	{"credits", MV_MEDIUM}, {"productionCountries", MV_MEDIUM},
	{"images", MV_DEEP}, {"trailers", MV_DEEP}, {"keywords", MV_DEEP},
	{"releaseDates", MV_DEEP}, {"certification", MV_DEEP},
	{"watchProviders", MV_DEEP},
};

enum mv_level
mv_movie_field_level(const char *key)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strcmp(fields[i].key, key) == 0)
			return fields[i].level;
	return MV_MINIMAL;
}

void
movie_set_now(cJSON *doc, const char *key)
{
	char buf[32];

	mv_json_set(doc, key, cJSON_CreateString(mv_time_fmt(mv_now(), buf)));
}

enum mv_level
mv_profile_level(const cJSON *doc)
{
	enum mv_level l = mv_level_parse(mv_json_str(doc, "level", NULL));

	return l == MV_LEVEL_BAD ? MV_MINIMAL : l;
}

/* Record that doc reached level l now. */
void
movie_reach(cJSON *doc, enum mv_level l)
{
	cJSON *levels = cJSON_GetObjectItemCaseSensitive(doc, "levels");
	char buf[32];

	if (!cJSON_IsObject(levels)) {
		levels = cJSON_CreateObject();
		mv_json_set(doc, "levels", levels);
	}
	mv_json_set(levels, mv_level_name(l),
	    cJSON_CreateString(mv_time_fmt(mv_now(), buf)));
	mv_json_set(doc, "level", cJSON_CreateString(mv_level_name(l)));
}

static cJSON *
load_doc(const char *dir, const char *id, char kind, const char **why)
{
	char *path;
	cJSON *doc;

	if (!mv_id_valid(id, kind)) {
		*why = "not a valid id";
		errno = EINVAL;
		return NULL;
	}
	path = mv_path("%s/%s.json", dir, id);
	doc = mv_json_load(path, MV_PROFILE_MAX, why);
	free(path);
	if (doc && (!cJSON_IsObject(doc) ||
	    strcmp(mv_json_str(doc, "id", ""), id) != 0)) {
		cJSON_Delete(doc);
		*why = "not a profile of that id";
		errno = 0;
		return NULL;
	}
	/* The one place movies are read whole: a library not yet migrated
	 * reads as version 2, so no reader knows version 1. */
	if (doc && kind == 'm' && mv_schema_migrate(doc, "MovieProfile", NULL) < 0) {
		cJSON_Delete(doc);
		*why = "unsupported schemaVersion";
		errno = 0;
		return NULL;
	}
	return doc;
}

static int
save_doc(const char *dir, cJSON *doc)
{
	const char *id = mv_json_str(doc, "id", NULL);
	char *path;
	int r;

	if (!id || !mv_id_valid(id, dir[0] == 'M' ? 'm' : 'p') ||
	    (dir[0] == 'M' && mv_schema_migrate(doc, "MovieProfile", NULL) < 0)) {
		errno = EINVAL;
		return -1;
	}
	movie_set_now(doc, "updatedAt");
	path = mv_path("%s/%s.json", dir, id);
	r = mv_write_json(path, doc);
	free(path);
	return r;
}

cJSON *
mv_movie_videos(const cJSON *m)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "videos");

	return cJSON_IsArray(v) ? v : NULL;
}

cJSON *
mv_movie_video(const cJSON *m)
{
	cJSON *v, *first = NULL, *one = NULL;

	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		cJSON *part = cJSON_GetObjectItemCaseSensitive(v, "part");

		if (!cJSON_IsObject(v))
			continue;
		if (!cJSON_IsNumber(part))
			return v;
		if (!first)
			first = v;
		if (!one && part->valuedouble == 1)
			one = v;
	}
	return one ? one : first;
}

cJSON *
mv_movie_load(const char *id, const char **why)
{
	return load_doc("Movies", id, 'm', why);
}

cJSON *
mv_person_load(const char *id, const char **why)
{
	return load_doc("People", id, 'p', why);
}

int
mv_movie_save(cJSON *doc)
{
	return save_doc("Movies", doc);
}

int
mv_person_save(cJSON *doc)
{
	return save_doc("People", doc);
}

cJSON *
mv_movie_create(const char *title, int year, cJSON *parsed, cJSON *video)
{
	char *id = mv_id_new('m');
	cJSON *doc, *videos;
	int saved;

	if (!id) {
		cJSON_Delete(parsed);
		cJSON_Delete(video);
		return NULL;
	}
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "schemaVersion", MV_MOVIE_SCHEMA_VERSION);
	cJSON_AddStringToObject(doc, "id", id);
	cJSON_AddStringToObject(doc, "level", "minimal");
	cJSON_AddStringToObject(doc, "status", "initial");
	movie_set_now(doc, "createdAt");
	movie_set_now(doc, "updatedAt");
	cJSON_AddStringToObject(doc, "title", title && *title ? title : "Untitled");
	if (year >= MV_YEAR_MIN && year <= MV_YEAR_MAX)
		cJSON_AddNumberToObject(doc, "year", year);
	else
		cJSON_AddNullToObject(doc, "year");
	cJSON_AddItemToObject(doc, "parsed", parsed ? parsed : cJSON_CreateObject());
	cJSON_AddItemToObject(doc, "externalIds", cJSON_CreateObject());
	if (cJSON_IsArray(video)) {
		/* A film in parts: its videos, in order. */
		cJSON_AddItemToObject(doc, "videos", video);
	} else {
		videos = cJSON_AddArrayToObject(doc, "videos");
		if (video)
			cJSON_AddItemToArray(videos, video);
	}
	movie_reach(doc, MV_MINIMAL);
	free(id);
	if (mv_movie_save(doc) < 0) {
		saved = errno;
		cJSON_Delete(doc);
		errno = saved;
		return NULL;
	}
	return doc;
}

cJSON *
mv_movie_strip(cJSON *doc, enum mv_level target)
{
	cJSON *files = cJSON_CreateArray(), *levels, *ext, *images;

	if (target < MV_MINIMAL || target > MV_DEEP)
		return files;
	images = cJSON_GetObjectItemCaseSensitive(doc, "images");
	for (int i = 0; i < 3; i++) {
		const char *keys[] = {"poster", "backdrop", "cardPoster"};
		const char *p = i < 2 ? (target < MV_DEEP ? mv_json_str(images, keys[i], NULL) :
		    NULL) : target < MV_BASIC ? mv_json_str(doc, keys[i], NULL) : NULL;

		/* Only files of ours, in assets/images/, ever. */
		if (p && strncmp(p, "assets/images/", 14) == 0 && !strstr(p, ".."))
			cJSON_AddItemToArray(files, cJSON_CreateString(p));
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].level > target)
			cJSON_DeleteItemFromObjectCaseSensitive(doc, fields[i].key);
	ext = cJSON_GetObjectItemCaseSensitive(doc, "externalIds");
	if (target < MV_DEEP && cJSON_IsObject(ext))
		cJSON_DeleteItemFromObjectCaseSensitive(ext, "wikidata");
	levels = cJSON_GetObjectItemCaseSensitive(doc, "levels");
	for (int l = target + 1; l <= MV_DEEP; l++)
		if (cJSON_IsObject(levels))
			cJSON_DeleteItemFromObjectCaseSensitive(levels, mv_level_name(l));
	if (mv_profile_level(doc) > target)
		mv_json_set(doc, "level", cJSON_CreateString(mv_level_name(target)));
	return files;
}
