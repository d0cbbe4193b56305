/* test_lang.c: unit tests for the language setting and the title shown. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "tap.h"

/* mv_language and mv_region with the locale variables set to lc_all,
 * lc_messages and lang (NULL: unset), and no setting of our own. */
static void
locale(const char *lc_all, const char *lc_messages, const char *lang)
{
	const char *names[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *vals[] = { lc_all, lc_messages, lang };

	for (int i = 0; i < 3; i++) {
		if (vals[i])
			setenv(names[i], vals[i], 1);
		else
			unsetenv(names[i]);
	}
}

static void
test_language(void)
{
	unsetenv("MV_LANGUAGE");
	unsetenv("MV_REGION");
	locale(NULL, NULL, "fr_FR.UTF-8");
	is_str(mv_language(), "fr-FR", "LANG fr_FR.UTF-8 gives fr-FR");
	is_str(mv_region(), "FR", "and the region FR");
	locale("de_AT.UTF-8@euro", NULL, "fr_FR.UTF-8");
	is_str(mv_language(), "de-AT", "LC_ALL wins over LANG");
	is_str(mv_region(), "AT", "the region follows the locale");
	locale(NULL, "pt_BR", "fr_FR.UTF-8");
	is_str(mv_language(), "pt-BR", "LC_MESSAGES wins over LANG");
	locale("C", NULL, "fr_FR.UTF-8");
	is_str(mv_language(), "en-US", "C gives en-US");
	is_str(mv_region(), "FR", "C has no country: FR");
	locale("C.UTF-8", NULL, NULL);
	is_str(mv_language(), "en-US", "C.UTF-8 gives en-US");
	locale("POSIX", NULL, NULL);
	is_str(mv_language(), "en-US", "POSIX gives en-US");
	locale(NULL, NULL, NULL);
	is_str(mv_language(), "en-US", "no locale gives en-US");
	locale(NULL, NULL, "it");
	is_str(mv_language(), "it", "a language without a country");
	setenv("MV_LANGUAGE", "fr-FR", 1);
	locale(NULL, NULL, "de_DE.UTF-8");
	is_str(mv_language(), "fr-FR", "MV_LANGUAGE wins over the locale");
	is_str(mv_region(), "DE", "the region still comes from the locale");
	setenv("MV_REGION", "BE", 1);
	is_str(mv_region(), "BE", "MV_REGION wins over the locale");
	setenv("MV_LANGUAGE", "FR_ca", 1);
	is_str(mv_language(), "fr-CA", "a setting is normalised");
	setenv("MV_LANGUAGE", "french", 1);
	is_str(mv_language(), "de-DE", "a setting that is no language: the locale's");
	unsetenv("MV_LANGUAGE");
	unsetenv("MV_REGION");
}

static void
test_accept(void)
{
	char out[8];

	ok(mv_lang_accept("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", out), "a header");
	is_str(out, "fr-CH", "the first of the highest weight");
	ok(mv_lang_accept("en;q=0.5,  de_de ;q=0.7", out), "weights");
	is_str(out, "de-DE", "the highest weight wins, normalised");
	ok(!mv_lang_accept("*", out), "* names no language");
	ok(!mv_lang_accept("fr;q=0", out), "q=0 names no language");
	ok(!mv_lang_accept("", out), "an empty header");
	ok(!mv_lang_accept(NULL, out), "no header");
}

static void
test_title_for(void)
{
	cJSON *m = cJSON_Parse("{\"title\":\"Twelve Monkeys\",\"originalTitle\":"
	    "\"Twelve Monkeys\",\"originalLanguage\":\"en\",\"titles\":{\"de-DE\":"
	    "\"12 Monkeys\",\"fr-FR\":\"L'Arm\u00e9e des 12 singes\"},\"overview\":"
	    "\"A convict.\",\"overviews\":{\"fr-FR\":\"Un prisonnier.\"}}");
	cJSON *a = cJSON_Parse("{\"title\":\"Amélie\",\"originalTitle\":"
	    "\"Le Fabuleux Destin d'Amélie Poulain\",\"originalLanguage\":\"fr\","
	    "\"titles\":{\"fr-CA\":\"Amélie de Montmartre\"}}");
	cJSON *min = cJSON_Parse("{\"title\":\"Parsed Title\"}");

	is_str(mv_movie_title_for(m, "fr-FR", MV_TITLE_LOCAL), "L'Arm\u00e9e des 12 singes",
	    "fr-FR: the French translation");
	is_str(mv_movie_title_for(m, "fr", MV_TITLE_LOCAL), "L'Arm\u00e9e des 12 singes",
	    "fr: any French translation");
	is_str(mv_movie_title_for(m, "fr-BE", MV_TITLE_LOCAL), "L'Arm\u00e9e des 12 singes",
	    "fr-BE: another country's French before the default");
	is_str(mv_movie_title_for(m, "en-US", MV_TITLE_LOCAL), "Twelve Monkeys",
	    "en-US: the original, in that language");
	is_str(mv_movie_title_for(m, "ja-JP", MV_TITLE_LOCAL), "Twelve Monkeys",
	    "no translation: TMDB's default");
	is_str(mv_movie_title_for(m, "fr-FR", MV_TITLE_DEFAULT), "Twelve Monkeys", "default");
	is_str(mv_movie_title_for(a, "fr-FR", MV_TITLE_LOCAL),
	    "Le Fabuleux Destin d'Amélie Poulain",
	    "fr-FR: the original before a fr-CA translation");
	is_str(mv_movie_title_for(a, "fr-CA", MV_TITLE_LOCAL), "Amélie de Montmartre",
	    "fr-CA: its own translation");
	is_str(mv_movie_title_for(a, "en-US", MV_TITLE_ORIGINAL),
	    "Le Fabuleux Destin d'Amélie Poulain", "original");
	is_str(mv_movie_title_for(min, "fr-FR", MV_TITLE_LOCAL), "Parsed Title",
	    "a minimal profile: its title");
	is_str(mv_movie_title_for(min, "fr-FR", MV_TITLE_ORIGINAL), "Parsed Title",
	    "no original title: the title");
	is_str(mv_movie_overview_for(m, "fr-FR"), "Un prisonnier.", "the French overview");
	is_str(mv_movie_overview_for(m, "de-DE"), "A convict.", "no German overview: the default");
	is_int(mv_name_title_parse("original"), MV_TITLE_ORIGINAL, "name_title original");
	is_int(mv_name_title_parse("Local"), -1, "name_title is exact");
	cJSON_Delete(m);
	cJSON_Delete(a);
	cJSON_Delete(min);
}

int
main(void)
{
	mv_init("test_lang");
	unsetenv("MV_CONFIG");
	setenv("HOME", "/nonexistent", 1);
	unsetenv("XDG_CONFIG_HOME");
	test_language();
	test_accept();
	test_title_for();
	return tap_done();
}
