/* migrate.c: profiles and indexes of an older schemaVersion read as the current one. */
#include <math.h>
#include <string.h>

#include "mv.h"

/* v0 -> v1 for one profile-like object: tmdbId and level "light". */
static void
migrate_record(cJSON *o)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tmdbId");
	cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "level");

	if (t) {
		cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "externalIds");
		cJSON_DetachItemViaPointer(o, t);
		if (!cJSON_IsObject(x)) {
			x = cJSON_CreateObject();
			mv_json_set(o, "externalIds", x);
		}
		if (cJSON_IsNumber(t) && !cJSON_GetObjectItemCaseSensitive(x, "tmdb"))
			mv_json_set(x, "tmdb", t);
		else
			cJSON_Delete(t);
	}
	if (cJSON_IsString(l) && !strcmp(l->valuestring, "light"))
		mv_json_set(o, "level", cJSON_CreateString("basic"));
}

/*
 * People are minimal or deep. v0's "light" became "basic" for every
 * record; for a person that is a level the schema no longer has (no
 * tool ever wrote one), so such a person, v0 or v1, is minimal, and its
 * levels lose "basic" and "light". Returns 1 if o changed.
 */
static int
migrate_person_level(cJSON *o)
{
	static const char *const gone[] = { "basic", "light" };
	cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "level");
	cJSON *lv = cJSON_GetObjectItemCaseSensitive(o, "levels");
	int changed = 0;

	if (cJSON_IsString(l) && (!strcmp(l->valuestring, "basic") ||
	    !strcmp(l->valuestring, "light"))) {
		mv_json_set(o, "level", cJSON_CreateString("minimal"));
		changed = 1;
	}
	for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
		if (cJSON_IsObject(lv) && cJSON_GetObjectItemCaseSensitive(lv, gone[i])) {
			cJSON_DeleteItemFromObjectCaseSensitive(lv, gone[i]);
			changed = 1;
		}
	return changed;
}

/* migrate_person_level for a PeopleProfile or each PeopleIndex item. */
static int
migrate_people(cJSON *doc, const char *kind)
{
	cJSON *e;
	int changed = 0;

	if (!strcmp(kind, "PeopleProfile"))
		return migrate_person_level(doc);
	if (strcmp(kind, "PeopleIndex"))
		return 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "items"))
		changed |= migrate_person_level(e);
	return changed;
}

int
mv_schema_migrate(cJSON *doc, const char *kind, int *from)
{
	cJSON *sv = cJSON_GetObjectItemCaseSensitive(doc, "schemaVersion");
	cJSON *items, *e;
	int movie = !strcmp(kind, "MovieProfile");
	int cur = movie ? MV_MOVIE_SCHEMA_VERSION : MV_SCHEMA_VERSION;

	if (!cJSON_IsObject(doc))
		return -1;
	if (sv) {
		double v = cJSON_IsNumber(sv) ? sv->valuedouble : -1;
		int whole = isfinite(v) && floor(v) == v;

		if (!whole || v < 1 || v > cur) {
			if (from)
				*from = whole && fabs(v) < 1e9 ? (int)v : -1;
			return -1;
		}
		if (from)
			*from = (int)v;
		/* v1 -> v2 of a movie is the files' shape: mv_movie_upgrade. */
		if (movie)
			return mv_movie_upgrade(doc);
		/* v1 is current: only a person at basic to correct. */
		return migrate_people(doc, kind);
	}
	if (from)
		*from = 0;
	if (movie || !strcmp(kind, "PeopleProfile")) {
		migrate_record(doc);
	} else if (!strcmp(kind, "MovieIndex") || !strcmp(kind, "PeopleIndex")) {
		/* v0 index items carried "tmdbId"; v1 items carry "tmdb". */
		items = cJSON_GetObjectItemCaseSensitive(doc, "items");
		cJSON_ArrayForEach(e, items) {
			cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "tmdbId");
			cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "level");
			if (t) {
				cJSON_DetachItemViaPointer(e, t);
				if (!cJSON_GetObjectItemCaseSensitive(e, "tmdb"))
					mv_json_set(e, "tmdb", t);
				else
					cJSON_Delete(t);
			}
			if (cJSON_IsString(l) && !strcmp(l->valuestring, "light"))
				mv_json_set(e, "level", cJSON_CreateString("basic"));
		}
	} else {
		return -1;
	}
	migrate_people(doc, kind);
	/* schemaVersion goes first, where a reader looks for it. */
	e = cJSON_AddNumberToObject(doc, "schemaVersion", MV_SCHEMA_VERSION);
	cJSON_DetachItemViaPointer(doc, e);
	cJSON_InsertItemInArray(doc, 0, e);
	/* A v0 movie is now of version 1: on to 2. */
	if (movie)
		mv_movie_upgrade(doc);
	return 1;
}

/* Load and save reach this through mv_schema_migrate, so no other reader
 * or writer of movies meets version 1's shape. */
int
mv_movie_upgrade(cJSON *doc)
{
	cJSON *sv = cJSON_GetObjectItemCaseSensitive(doc, "schemaVersion");
	cJSON *v, *videos;

	if (!cJSON_IsNumber(sv) || (sv->valuedouble != 1 &&
	    sv->valuedouble != MV_MOVIE_SCHEMA_VERSION))
		return -1;
	if (sv->valuedouble == MV_MOVIE_SCHEMA_VERSION)
		return 0;
	/* Trailers first: v1's "videos" is TMDB's list, the name v2 gives
	 * to the filed videos. */
	if ((videos = cJSON_DetachItemFromObjectCaseSensitive(doc, "videos")))
		mv_json_set(doc, "trailers", videos);
	videos = cJSON_CreateArray();
	videos->string = mv_xstrdup("videos");
	if (!(v = cJSON_GetObjectItemCaseSensitive(doc, "video"))) {
		cJSON_AddItemToArray(doc, videos);
	} else {
		/* The entry takes v's members, and videos takes v's place,
		 * so a migrated file differs only where it must. */
		if (cJSON_IsObject(v)) {
			cJSON *e = cJSON_CreateObject();

			e->child = v->child;
			v->child = NULL;
			cJSON_AddItemToArray(videos, e);
		}
		cJSON_ReplaceItemViaPointer(doc, v, videos);
	}
	cJSON_SetNumberValue(sv, MV_MOVIE_SCHEMA_VERSION);
	return 1;
}
