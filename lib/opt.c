/* opt.c: the options every tool takes the same way, and its usage text. */
#include <getopt.h>
#include <stdlib.h>

#include "mv.h"

void
mv_usage(FILE *f, const char *usage)
{
	fputs(usage, f);
}

void
mv_usage_die(const char *usage)
{
	fputs(usage, stderr);
	exit(MV_EX_USAGE);
}

/*
 * The default: branch of every getopt loop, so -d, -h and --version mean
 * one thing in every tool and a bad option always ends the same way.
 */
void
mv_opt_common(int c, const char *usage, const char **data)
{
	switch (c) {
	case 'd':
		*data = optarg;
		return;
	case 'h':
		mv_usage(stdout, usage);
		exit(mv_finish(MV_EX_OK));
	case MV_OPT_VERSION:
		printf("%s %s\n", mv_prog, MV_VERSION);
		exit(mv_finish(MV_EX_OK));
	default:
		mv_usage_die(usage);
	}
}
