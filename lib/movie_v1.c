/* movie_v1.c: a MovieProfile of schemaVersion 1 read as version 2. */
#include "mv.h"

/* The one place that knows version 1's shape: load and save reach it
 * through mv_schema_migrate, so no other reader or writer meets it. */
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
