/* index-latency.c: time mvindex's incremental update of one movie, event in to mv.index.updated out. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"

static const char USAGE[] =
    "usage: index-latency [-n ROUNDS] [-c] DATADIR MVINDEX [MVINDEX-OPTIONS...]\n"
    "       index-latency [-n ROUNDS] [-c] [-S] -i DATADIR\n"
    "  starts MVINDEX as a filter on DATADIR; each round changes one movie\n"
    "  profile (its title; with -c a character in its credits, so the\n"
    "  people index changes too), sends mv.movie.enriched and waits for\n"
    "  mv.index.updated. Prints min, median, max and p99 in milliseconds.\n"
    "  -i: the same in this process, through libmv: mv_index_update and\n"
    "  mv_index_write (-S: without fsync), no pipes; also prints the CPU\n"
    "  time (min, median, max), which the machine's load does not change.\n";

static FILE *from;
static int to = -1;

/* Read lines until one contains want; die on EOF. */
static void
wait_for(const char *want)
{
	char line[8192];

	while (fgets(line, sizeof line, from))
		if (strstr(line, want))
			return;
	mv_diex(MV_EX_SOFTWARE, "mvindex ended before \"%s\"", want);
}

static void
send_event(const char *type, const char *id)
{
	char *s = mv_xasprintf("{\"specversion\":\"1.0\",\"id\":\"b-%s\",\"source\":\"bench\","
	    "\"type\":\"%s\",\"data\":{\"id\":\"%s\"}}\n", id, type, id);

	if (mv_write_all(to, s, strlen(s)) < 0)
		mv_die(MV_EX_IOERR, "write to mvindex");
	free(s);
}

/* Change movie id on disk: its title, or (credits) its first character. */
static int
touch_movie(const char *id, int round, int credits)
{
	char *path = mv_path("Movies/%s.json", id), buf[64];
	const char *why;
	cJSON *doc = mv_json_load(path, 64 << 20, &why), *cast, *c;

	if (!doc)
		mv_diex(MV_EX_NOINPUT, "unable to read %s: %s", path, why);
	/* Unique per run, so each round is a real change. */
	snprintf(buf, sizeof buf, "Bench %ld.%d", (long)getpid(), round);
	if (credits) {
		cast = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(doc, "credits"), "cast");
		c = cJSON_GetArrayItem(cast, 0);
		if (!c) {
			cJSON_Delete(doc);
			free(path);
			return -1;
		}
		mv_json_set(c, "character", cJSON_CreateString(buf));
	} else
		mv_json_set(doc, "title", cJSON_CreateString(buf));
	if (mv_write_json(path, doc) < 0)
		mv_die(MV_EX_IOERR, "write %s", path);
	cJSON_Delete(doc);
	free(path);
	return 0;
}

/* CPU time of this process, user plus system, in ms. */
static double
cpu_ms(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
	    (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int rounds = 20, credits = 0, inproc = 0, nosync = 0, c, in[2], out[2], st;
	double *ms, *cpu = NULL;
	pid_t pid;
	long movies;

	mv_init(argv[0]);
	while ((c = getopt(argc, argv, "+n:ciSh")) != -1) {
		switch (c) {
		case 'i': inproc = 1; break;
		case 'S': nosync = 1; break;
		case 'n': rounds = atoi(optarg); break;
		case 'c': credits = 1; break;
		case 'h': fputs(USAGE, stdout); return 0;
		default: fputs(USAGE, stderr); return MV_EX_USAGE;
		}
	}
	if (argc - optind < 2 - inproc || rounds < 1) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	if ((c = mv_data_open(argv[optind], 0)) != 0)
		return c;
	ms = mv_xcalloc((size_t)rounds, sizeof *ms);
	movies = 1;
	if (inproc) {
		struct mv_index *ix = mv_index_new();

		mv_index_nosync(ix, nosync);
		mv_index_scan(ix, 0);
		cpu = mv_xcalloc((size_t)rounds, sizeof *cpu);
		for (int r = 0; r < rounds; r++) {
			char id[32];
			uint64_t t0;

			do
				snprintf(id, sizeof id, "m%ld", movies++);
			while (touch_movie(id, r, credits) < 0);
			t0 = mv_mono_ns();
			cpu[r] = cpu_ms();
			mv_index_update(ix, id);
			if (mv_index_write(ix, 0) < 0)
				return MV_EX_IOERR;
			cpu[r] = cpu_ms() - cpu[r];
			ms[r] = (double)(mv_mono_ns() - t0) / 1e6;
		}
		mv_index_free(ix);
		goto report;
	}
	if (pipe(in) < 0 || pipe(out) < 0)
		mv_die(MV_EX_SOFTWARE, "create pipes");
	if ((pid = fork()) < 0)
		mv_die(MV_EX_SOFTWARE, "fork");
	if (pid == 0) {
		char **av = mv_xcalloc((size_t)argc + 3, sizeof *av);
		int n = 0;

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		av[n++] = argv[optind + 1];
		av[n++] = "--data";
		av[n++] = argv[optind];
		for (int i = optind + 2; i < argc; i++)
			av[n++] = argv[i];
		execvp(av[0], av);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	to = in[1];
	from = fdopen(out[0], "r");
	/* Ready once the scan at start is over: a no-op event comes back. */
	send_event("mv.movie.requested", "m1");
	wait_for("\"mv.movie.requested\"");
	for (int r = 0; r < rounds; r++) {
		char id[32];
		uint64_t t0;

		/* A different movie each round, one with credits for -c. */
		do
			snprintf(id, sizeof id, "m%ld", movies++);
		while (touch_movie(id, r, credits) < 0);
		t0 = mv_mono_ns();
		send_event("mv.movie.enriched", id);
		wait_for("\"mv.index.updated\"");
		ms[r] = (double)(mv_mono_ns() - t0) / 1e6;
	}
	close(to);
	waitpid(pid, &st, 0);
report:
	qsort(ms, (size_t)rounds, sizeof *ms, dcmp);
	/* p99 last, so that readers of the first three fields still work. */
	printf("%.2f %.2f %.2f %.2f", ms[0], ms[rounds / 2], ms[rounds - 1],
	    ms[(rounds * 99 + 99) / 100 - 1]);
	if (cpu) {
		/* CPU time does not depend on what else the machine runs. */
		qsort(cpu, (size_t)rounds, sizeof *cpu, dcmp);
		printf(" cpu %.2f %.2f %.2f", cpu[0], cpu[rounds / 2], cpu[rounds - 1]);
	}
	printf("\n");
	free(ms);
	free(cpu);
	return mv_finish(0);
}
