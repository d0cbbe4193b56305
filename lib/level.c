/* level.c: metadata levels (minimal < basic < medium < deep) and statuses. */
#include <string.h>

#include "mv.h"

static const char *const names[] = {"minimal", "basic", "medium", "deep"};

enum mv_level
mv_level_parse(const char *s)
{
	if (!s)
		return MV_LEVEL_BAD;
	/* "light" is the seed's word for basic, accepted everywhere. */
	if (strcmp(s, "light") == 0)
		return MV_BASIC;
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum mv_level)i;
	return MV_LEVEL_BAD;
}

const char *
mv_level_name(enum mv_level l)
{
	return l >= MV_MINIMAL && l <= MV_DEEP ? names[l] : "invalid";
}

int
mv_status_valid(const char *s)
{
	static const char *const statuses[] = {
		"initial", "matched", "needs-review", "failed", "ready",
	};

	for (size_t i = 0; s && i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}
