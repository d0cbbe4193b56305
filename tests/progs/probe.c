/* probe.c: run mv_probe on files and print what it says (tests, timings). */
#include "mv.h"

#include <stdlib.h>
#include <unistd.h>

static const char USAGE[] =
	"usage: probe [-n COUNT] [-t MS] FILE...\n"
	"  Prints, one line per FILE, the compact media object mv_probe gives,\n"
	"  or \"FILE: REASON\" on stderr. -t is the time bound (default 10000\n"
	"  ms); -n probes each file COUNT times and prints only the last.\n"
	"  Exit 0 if all are videos, else the last failure's code (65, 69).\n";

int
main(int argc, char **argv)
{
	int c, timeout = 10000, code = 0;
	long count = 1;

	mv_init(argv[0]);
	while ((c = getopt(argc, argv, "n:t:h")) != -1) {
		switch (c) {
		case 'n':
			count = atol(optarg);
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'h':
			mv_usage(stdout, USAGE);
			return 0;
		default:
			mv_usage_die(USAGE);
		}
	}
	if (optind >= argc || count < 1 || timeout < 1)
		mv_usage_die(USAGE);
	for (int i = optind; i < argc; i++) {
		cJSON *media = NULL;
		char *reason = NULL, *s;
		int r = 0;

		for (long k = 0; k < count; k++) {
			cJSON_Delete(media);
			free(reason);
			r = mv_probe(argv[i], timeout, &media, &reason);
		}
		if (r == 0) {
			s = mv_json_compact(media);
			printf("%s\n", s);
			free(s);
		} else {
			fprintf(stderr, "%s: %s\n", argv[i], reason);
			code = r;
		}
		cJSON_Delete(media);
		free(reason);
	}
	return mv_finish(code);
}
