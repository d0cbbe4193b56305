/* parse-accuracy: score mv_parse_name against the peer suites, and time it. */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mv.h"

static const char USAGE[] =
    "usage: parse-accuracy [-qv] [-f floors] [-s seconds] [dir]\n"
    "  Score the file-name parser on every *.tsv suite in dir (default:\n"
    "  tests/fixtures/peers/filenames from the repository root). A case is right\n"
    "  when the folded title matches and, where the suite gives one, the\n"
    "  year matches exactly.\n"
    "  -v          list every failing case\n"
    "  -q          no failing cases, even with -v (per-suite lines only)\n"
    "  -f floors   exit 1 if a suite scores below its floor (\"suite pct\")\n"
    "  -s seconds  also time the parser over all inputs for that long\n";

struct row {
	char *input, *title;
	int year;   /* 0: not asserted */
};

struct suite {
	char name[256];
	struct row *rows;
	size_t n, cap;
	size_t right;
};

/* Read one suite; every line after the header is input TAB title TAB
 * year TAB type. */
static void
load(struct suite *s, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int first = 1;

	if (!fp)
		mv_die(MV_EX_NOINPUT, "open %s", path);
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *f[4] = {0}, *p = line;
		int k;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (first) {
			first = 0;
			continue;
		}
		for (k = 0; k < 4 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (!f[1])
			mv_diex(MV_EX_DATAERR, "%s: malformed line: %s", path, line);
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->rows = mv_xrealloc(s->rows, s->cap * sizeof *s->rows);
		}
		s->rows[s->n].input = mv_xstrdup(f[0]);
		s->rows[s->n].title = mv_xstrdup(f[1]);
		s->rows[s->n].year = f[2] && *f[2] ? atoi(f[2]) : 0;
		s->n++;
	}
	free(line);
	fclose(fp);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct suite *)a)->name, ((const struct suite *)b)->name);
}

/* The floor of suite name in the floors file, or -1. */
static double
floor_of(const char *floors, const char *name)
{
	FILE *fp = fopen(floors, "r");
	char line[512], key[256];
	double pct, found = -1;

	if (!fp)
		mv_die(MV_EX_NOINPUT, "open %s", floors);
	while (fgets(line, sizeof line, fp)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%255s %lf", key, &pct) == 2 && !strcmp(key, name))
			found = pct;
	}
	fclose(fp);
	return found;
}

/* CPU time of this thread: the rate a shared, loaded machine cannot
 * distort the way it distorts wall time. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Default suite directory: tests/fixtures/peers/filenames in the
 * repository that holds this program (build/progs/parse-accuracy). */
static char *
default_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *top = getenv("MV_TOP");
	int up;

	if (top && *top)
		return mv_xasprintf("%s/tests/fixtures/peers/filenames", top);
	if (n <= 0)
		return mv_xstrdup("tests/fixtures/peers/filenames");
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return mv_xstrdup("tests/fixtures/peers/filenames");
		*slash = '\0';
	}
	return mv_xasprintf("%s/tests/fixtures/peers/filenames", exe);
}

int
main(int argc, char **argv)
{
	int opt, verbose = 0, quiet = 0, code = MV_EX_OK;
	double seconds = 0;
	const char *floors = NULL;
	char *dir;
	DIR *d;
	struct dirent *de;
	struct suite *suites = NULL;
	size_t ns = 0, i, j;

	mv_init(argv[0]);
	while ((opt = getopt(argc, argv, "f:hqs:v")) != -1) {
		switch (opt) {
		case 'f':
			floors = optarg;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return mv_finish(MV_EX_OK);
		case 'q':
			quiet = 1;
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fputs(USAGE, stderr);
			return MV_EX_USAGE;
		}
	}
	if (quiet)
		verbose = 0;
	if (argc - optind > 1) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	dir = optind < argc ? mv_xstrdup(argv[optind]) : default_dir();
	if (!(d = opendir(dir)))
		mv_die(MV_EX_NOINPUT, "open %s", dir);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char *path;

		if (n < 5 || strcmp(de->d_name + n - 4, ".tsv") || n - 4 >= 256)
			continue;
		suites = mv_xrealloc(suites, (ns + 1) * sizeof *suites);
		memset(&suites[ns], 0, sizeof suites[ns]);
		memcpy(suites[ns].name, de->d_name, n - 4);
		path = mv_xasprintf("%s/%s", dir, de->d_name);
		load(&suites[ns], path);
		free(path);
		ns++;
	}
	closedir(d);
	if (ns == 0)
		mv_diex(MV_EX_NOINPUT, "no *.tsv suite in %s", dir);
	qsort(suites, ns, sizeof *suites, by_name);

	for (i = 0; i < ns; i++) {
		struct suite *s = &suites[i];
		double pct, fl;

		for (j = 0; j < s->n; j++) {
			struct row *r = &s->rows[j];
			struct mv_name nm;
			char *want = mv_title_fold(r->title), *got;
			int ok;

			mv_parse_name(r->input, &nm);
			got = mv_title_fold(nm.title ? nm.title : "");
			ok = !strcmp(want, got) && (!r->year || r->year == nm.year);
			if (ok)
				s->right++;
			else if (verbose)
				printf("FAIL %s: %s\n  want: %s (%d)\n  got:  %s (%d)\n",
				    s->name, r->input, r->title, r->year,
				    nm.title ? nm.title : "(none)", nm.year);
			free(want);
			free(got);
			mv_name_free(&nm);
		}
		pct = 100.0 * (double)s->right / (double)s->n;
		printf("%-24s %4zu/%-4zu %6.2f%%\n", s->name, s->right, s->n, pct);
		if (floors && (fl = floor_of(floors, s->name)) >= 0 && pct + 1e-9 < fl) {
			mv_warnx("%s: %.2f%% is below the floor of %.2f%%", s->name, pct, fl);
			code = MV_EX_NOTFOUND;
		} else if (floors && fl < 0) {
			mv_warnx("%s: no floor in %s", s->name, floors);
			code = MV_EX_NOTFOUND;
		}
	}

	if (seconds > 0) {
		uint64_t start = mv_mono_ns(), now = start, cpu0 = cpu_ns(), cpu;
		unsigned long long names = 0;

		while (now - start < (uint64_t)(seconds * 1e9)) {
			for (i = 0; i < ns; i++)
				for (j = 0; j < suites[i].n; j++) {
					struct mv_name nm;

					mv_parse_name(suites[i].rows[j].input, &nm);
					mv_name_free(&nm);
					names++;
				}
			now = mv_mono_ns();
		}
		cpu = cpu_ns() - cpu0;
		printf("speed: %.0f names/s of CPU time, %.0f names/s of wall time "
		    "(%llu names, one thread)\n",
		    (double)names / ((double)cpu / 1e9),
		    (double)names / ((double)(now - start) / 1e9), names);
	}
	for (i = 0; i < ns; i++) {
		for (j = 0; j < suites[i].n; j++) {
			free(suites[i].rows[j].input);
			free(suites[i].rows[j].title);
		}
		free(suites[i].rows);
	}
	free(suites);
	free(dir);
	return mv_finish(code);
}
