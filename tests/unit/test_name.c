/* test_name.c: unit tests for name.c: the place of every filed file. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "tap.h"

#define HEAT "assets/videos/Heat (1995) [tmdbid-949]/"

/* A profile of title, year (0: null) and tmdb id. */
static cJSON *
movie(const char *title, int year, long long tmdb)
{
	cJSON *m = cJSON_CreateObject(), *ids = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "title", title);
	if (year)
		cJSON_AddNumberToObject(m, "year", year);
	else
		cJSON_AddNullToObject(m, "year");
	cJSON_AddNumberToObject(ids, "tmdb", (double)tmdb);
	cJSON_AddItemToObject(m, "externalIds", ids);
	return m;
}

static void
check(const cJSON *m, const cJSON *v, const struct mv_name_of *of,
    const char *want, const char *desc)
{
	char *got = mv_name_path(m, v, of);

	is_str(got, want, desc);
	free(got);
}

int
main(void)
{
	cJSON *m = movie("Heat", 1995, 949), *v = cJSON_CreateObject();
	struct mv_name_of sub = {MV_NAME_SUBTITLE, "fr", 0, 0, NULL, "Subs/3_French.SRT"};
	struct mv_name_of extra = {MV_NAME_EXTRA, NULL, 0, 0, "featurette", "Featurettes/Making of Heat.mkv"};
	struct mv_name_of folder = {MV_NAME_FOLDER, NULL, 0, 0, NULL, NULL};
	char *got;

	cJSON_AddStringToObject(v, "source", "incoming/heat.1995.1080p.MKV");
	check(m, v, NULL, HEAT "Heat (1995) [tmdbid-949].mkv", "the film, extension lower case");
	check(m, v, &folder, "assets/videos/Heat (1995) [tmdbid-949]", "the folder");
	check(m, v, &sub, HEAT "Heat (1995) [tmdbid-949].fr.srt", "a subtitle by language");
	sub.lang = "en";
	sub.forced = 1;
	check(m, v, &sub, HEAT "Heat (1995) [tmdbid-949].en.forced.srt", "a forced subtitle");
	sub.forced = 0;
	sub.sdh = 1;
	check(m, v, &sub, HEAT "Heat (1995) [tmdbid-949].en.sdh.srt", "an SDH subtitle");
	check(m, v, &extra, HEAT "Featurettes/Making of Heat.mkv", "an extra keeps its name");
	extra.extra = "Trailers";
	check(m, v, &extra, HEAT "Trailers/Making of Heat.mkv", "a trailer");
	extra.extra = "bonus";
	check(m, v, &extra, HEAT "Extras/Making of Heat.mkv", "an unknown kind of extra");

	cJSON_AddStringToObject(v, "edition", "Director's Cut");
	check(m, v, NULL, HEAT "Heat (1995) [tmdbid-949] - Director's Cut.mkv", "an edition");
	cJSON_AddStringToObject(v, "quality", "2160p");
	check(m, v, NULL, HEAT "Heat (1995) [tmdbid-949] - Director's Cut - 2160p.mkv",
	    "an edition and a quality");
	cJSON_AddNumberToObject(v, "part", 2);
	check(m, v, NULL, HEAT "Heat (1995) [tmdbid-949] - Director's Cut - 2160p - part2.mkv",
	    "a part of a version");
	sub.sdh = 0;
	check(m, v, &sub, HEAT "Heat (1995) [tmdbid-949] - Director's Cut - 2160p - part2.en.srt",
	    "a subtitle of a part follows its video");
	cJSON_Delete(m);
	cJSON_Delete(v);

	m = movie("2001: A Space/Odyssey", 0, 62);
	check(m, NULL, NULL, "assets/videos/2001 A SpaceOdyssey [tmdbid-62]/2001 A SpaceOdyssey [tmdbid-62]",
	    "unsafe characters go, no year, no source: no extension");
	cJSON_Delete(m);

	m = movie("", 1995, 63);
	v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "source", "x.avi");
	check(m, v, NULL, "assets/videos/Untitled (1995) [tmdbid-63]/Untitled (1995) [tmdbid-63].avi",
	    "an empty title");
	cJSON_Delete(m);

	{
		char longt[400];

		memset(longt, 'a', sizeof longt - 1);
		longt[sizeof longt - 1] = '\0';
		m = movie(longt, 1995, 63);
		cJSON_AddStringToObject(v, "edition", longt);
		got = mv_name_path(m, v, NULL);
		ok(strlen(strrchr(got, '/') + 1) <= 255, "a long title and label still fit NAME_MAX");
		ok(strncmp(got + 14, strrchr(got, '/') + 1, strcspn(got + 14, "/")) == 0,
		    "the file's name starts with its folder's");
		free(got);
		cJSON_Delete(m);
	}
	cJSON_Delete(v);
	return tap_done();
}
