/* movie_title.c: a movie's title and overview in the user's language. */
#include <stdio.h>
#include <string.h>

#include "mv.h"

/*
 * The member of map (titles or overviews) for lang ("fr-FR", "fr"): the
 * exact tag, else the bare language, else with same_lang any country of
 * the language. NULL if none.
 */
static const char *
by_lang(const cJSON *map, const char *lang, int same_lang)
{
	size_t n = strcspn(lang, "-");
	char bare[8];
	const cJSON *v;
	const char *s;

	if ((s = mv_json_str(map, lang, NULL)) && *s)
		return s;
	snprintf(bare, sizeof bare, "%.*s", (int)(n < 7 ? n : 7), lang);
	if ((s = mv_json_str(map, bare, NULL)) && *s)
		return s;
	if (!same_lang)
		return NULL;
	cJSON_ArrayForEach(v, map)
		if (cJSON_IsString(v) && *v->valuestring && strncmp(v->string, lang, n) == 0 &&
		    v->string[n] == '-')
			return v->valuestring;
	return NULL;
}

/* 1 if lang ("fr-FR") is in the language code ("fr"). */
static int
lang_is(const char *lang, const char *code)
{
	size_t n = strcspn(lang, "-");

	return code && strlen(code) == n && strncmp(lang, code, n) == 0;
}

const char *
mv_movie_title_for(const cJSON *profile, const char *lang, enum mv_name_title which)
{
	const char *def = mv_json_str(profile, "title", "");
	const char *orig = mv_json_str(profile, "originalTitle", NULL), *s;
	const cJSON *titles = cJSON_GetObjectItemCaseSensitive(profile, "titles");

	if (which == MV_TITLE_DEFAULT)
		return def;
	if (which == MV_TITLE_ORIGINAL)
		return orig && *orig ? orig : def;
	if (!lang || !*lang)
		lang = mv_language();
	/* The language's own title first: its country's, then any. Only
	 * after the original, when that is in the language: en-US reads
	 * "Harry Potter and the Philosopher's Stone"'s original, not the
	 * en-GB translation that TMDB might list. */
	if ((s = by_lang(titles, lang, 0)))
		return s;
	if (orig && *orig && lang_is(lang, mv_json_str(profile, "originalLanguage", NULL)))
		return orig;
	if ((s = by_lang(titles, lang, 1)))
		return s;
	return def;
}

const char *
mv_movie_overview_for(const cJSON *profile, const char *lang)
{
	const char *s;

	if (!lang || !*lang)
		lang = mv_language();
	if ((s = by_lang(cJSON_GetObjectItemCaseSensitive(profile, "overviews"), lang, 1)))
		return s;
	return mv_json_str(profile, "overview", "");
}

const char *
mv_movie_name_title(const cJSON *m)
{
	static int warned;
	const char *s = mv_config_get("name_title", "local");
	int which = mv_name_title_parse(s);

	if (which < 0) {
		if (!warned++)
			mv_warnx("unable to use name_title \"%s\": want local, original or "
			    "default; using local", s);
		which = MV_TITLE_LOCAL;
	}
	return mv_movie_title_for(m, mv_language(), (enum mv_name_title)which);
}

int
mv_name_title_parse(const char *s)
{
	static const char *const names[] = { "local", "original", "default" };

	for (int i = 0; i < 3; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}
