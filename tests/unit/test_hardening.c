/* test_hardening.c: regression tests for bugs found by the hardening
 * campaign (fuzzing, crash and fault injection), one block per bug. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "tap.h"

/* Bug: a TMDB body with invalid UTF-8 in a string was accepted, and the
 * bytes went into Movies/<id>.json, which then failed its schema (the
 * posterPath pattern) and was no longer JSON text. Found by fuzz_tmdb. */
static void
tmdb_utf8(void)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		{"{\"id\":1,\"title\":\"\xff\"}", "invalid UTF-8"},
		{"{\"id\":1,\"title\":\"a\xc3\"}", "invalid UTF-8"},          /* cut short */
		{"{\"id\":1,\"title\":\"\xc0\xaf\"}", "invalid UTF-8"},       /* overlong / */
		{"{\"id\":1,\"title\":\"\xed\xa0\x80\"}", "invalid UTF-8"},   /* surrogate */
		{"{\"id\":1,\"title\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8"}, /* > U+10FFFF */
		{"{\"id\":1,\"backdrop_path\":\"/D8TZ\x8b.jpg\"}", "invalid UTF-8"},
		{"{\"id\":1,\"title\":\"L'Arm\xc3\xa9" "e \xf0\x9f\x8e\xac\"}", NULL},
		{"{\"id\":1,\"title\":\"\\u00e9\\ud83c\\udfac\"}", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = NULL;
		cJSON *doc = mv_tmdb_parse(cases[i].body, strlen(cases[i].body), &why);

		if (cases[i].why) {
			ok(!doc, "tmdb body %zu with bad UTF-8 is refused", i);
			is_str(why, cases[i].why, "  and says why");
		} else
			ok(doc && !why, "tmdb body %zu in good UTF-8 is accepted", i);
		cJSON_Delete(doc);
	}
}

int
main(void)
{
	tmdb_utf8();
	return tap_done();
}
