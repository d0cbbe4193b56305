/* fuzz_tmdb.c: libFuzzer target for TMDB movie bodies: mv_tmdb_parse,
 * then mv_movie_apply level by level (basic, medium, deep) on a minimal
 * profile, as mvenrich does. Whatever TMDB sends, the profile must stay
 * a valid MovieProfile. Build and run: make fuzz FUZZ=tmdb. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

static struct mv_schemas *set;
static char root[64];
static unsigned runs;

static int
rm1(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* People and claims from earlier inputs go now and then, so the data
 * directory stays small and each run starts from a similar state. */
static void
reset(void)
{
	static const char *const dirs[] = {"People", "index/ext", "assets/images"};
	char *p;

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		p = mv_path("%s", dirs[i]);
		nftw(p, rm1, 16, FTW_DEPTH | FTW_PHYS);
		mv_mkdir_p(p, 0755);
		free(p);
	}
}

static void
cleanup(void)
{
	nftw(root, rm1, 16, FTW_DEPTH | FTW_PHYS);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *snap;

	(void)argc;
	(void)argv;
	/* tmpfs when there is one: medium writes a file per person. */
	snprintf(root, sizeof root, "%s/fuzz_tmdb.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root))
		abort();
	atexit(cleanup);
	setenv("MV_SCHEMAS", MV_SCHEMADIR, 0);
	if (!(set = mv_schemas_load(mv_schemas_dir())))
		abort();
	if (mv_data_open(root, 1) != 0)
		abort();
	/* TMDB is an empty snapshot: images and people are "not found",
	 * so deep runs its whole path without any network. */
	snap = mv_xasprintf("file://%s/snapshot", root);
	setenv("MV_TMDB_URL", snap, 1);
	free(snap);
	snap = mv_path("snapshot");
	mv_mkdir_p(snap, 0755);
	free(snap);
	setenv("MV_DEEP_PEOPLE", "2", 1);
	unsetenv("TMDB_TOKEN");
	unsetenv("TMDB_API_KEY");
	return 0;
}

/* 1 if a and b print the same (cJSON_Compare mishandles duplicate names). */
static int
same(const cJSON *a, const cJSON *b)
{
	char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
	int r = x && y && strcmp(x, y) == 0;

	free(x);
	free(y);
	return r;
}

/* A minimal profile as mv_movie_create makes it, without saving. */
static cJSON *
minimal(void)
{
	cJSON *doc = cJSON_CreateObject(), *lv;

	cJSON_AddNumberToObject(doc, "schemaVersion", MV_MOVIE_SCHEMA_VERSION);
	cJSON_AddStringToObject(doc, "id", "m1");
	cJSON_AddStringToObject(doc, "level", "minimal");
	cJSON_AddStringToObject(doc, "status", "initial");
	cJSON_AddStringToObject(doc, "createdAt", "2026-11-26T10:00:00Z");
	cJSON_AddStringToObject(doc, "updatedAt", "2026-11-26T10:00:00Z");
	cJSON_AddStringToObject(doc, "title", "Untitled");
	cJSON_AddNullToObject(doc, "year");
	cJSON_AddItemToObject(doc, "parsed", cJSON_CreateObject());
	cJSON_AddItemToObject(doc, "externalIds", cJSON_CreateObject());
	cJSON_AddArrayToObject(doc, "videos");
	lv = cJSON_AddObjectToObject(doc, "levels");
	cJSON_AddStringToObject(lv, "minimal", "2026-11-26T10:00:00Z");
	return doc;
}

static void
bad(void *ctx, const char *pointer, const char *keyword, const char *message)
{
	fprintf(stderr, "fuzz_tmdb: invalid profile after %s: %s: %s: %s\n",
	    (const char *)ctx, pointer, keyword, message);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	cJSON *tm, *doc, *before;
	int r;

	if (size > 1 << 18)
		return 0;
	if (++runs % 512 == 0)
		reset();
	tm = mv_tmdb_parse((const char *)data, size, &why);
	if (!tm) {
		if (!why)
			abort();
		return 0;
	}
	if (!cJSON_IsObject(tm))
		abort();
	doc = minimal();
	for (enum mv_level l = MV_BASIC; l <= MV_DEEP; l++) {
		before = cJSON_Duplicate(doc, 1);
		r = mv_movie_apply(doc, tm, l);
		if (r != 0) {
			/* A failed level leaves the profile as it was. */
			if (!same(before, doc))
				abort();
			cJSON_Delete(before);
			break;
		}
		cJSON_Delete(before);
		if (mv_profile_level(doc) != l)
			abort();
		if (mv_schema_validate(set, "MovieProfile.json", doc, bad,
		    (void *)mv_level_name(l)) != 0)
			abort();
	}
	cJSON_Delete(doc);
	cJSON_Delete(tm);
	return 0;
}
