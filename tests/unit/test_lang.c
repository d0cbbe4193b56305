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

int
main(void)
{
	mv_init("test_lang");
	unsetenv("MV_CONFIG");
	setenv("HOME", "/nonexistent", 1);
	unsetenv("XDG_CONFIG_HOME");
	test_language();
	return tap_done();
}
