/* exit.c: the suite's one exit-code table and its restart policy. */
#include "mv.h"

static const struct {
	int code;
	const char *name;
	int permanent; /* 1: the supervisor must not restart on it */
} table[] = {
	{MV_EX_OK, "ok", 0},
	{MV_EX_NOTFOUND, "notfound", 0},
	{MV_EX_USAGE, "usage", 1},
	{MV_EX_DATAERR, "dataerr", 1},
	{MV_EX_NOINPUT, "noinput", 0},
	{MV_EX_UNAVAILABLE, "unavailable", 0},
	{MV_EX_SOFTWARE, "software", 0},
	{MV_EX_CANTCREAT, "cantcreat", 0},
	{MV_EX_IOERR, "ioerr", 0},
	{MV_EX_TEMPFAIL, "tempfail", 0},
	{MV_EX_CONFIG, "config", 1},
};

const char *
mv_exit_name(int code)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return table[i].name;
	return "unknown";
}

int
mv_exit_permanent(int code)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return table[i].permanent;
	return 0;
}
