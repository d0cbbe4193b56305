/* read-floor.c: the floor under a rebuild: every profile read as mvindex reads them, nothing made of them. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"

static const char USAGE[] =
    "usage: read-floor DATADIR\n"
    "  reads every profile of Movies/ and People/ with mv_profiles_read,\n"
    "  on every CPU as mvindex --rebuild does, and scans nothing. Prints\n"
    "  the files read and the seconds the reading took.\n";

/* The scan of a rebuild, left out: only count what was read. */
static void
count(void *ctx, size_t i, size_t slot, const char *text, size_t len, const char *why,
    int err)
{
	(void)i;
	(void)slot;
	(void)text;
	(void)why;
	(void)err;
	__atomic_fetch_add((size_t *)ctx, len, __ATOMIC_RELAXED);
}

int
main(int argc, char **argv)
{
	const char *dirs[] = { "Movies", "People" };
	const char **ids = NULL;
	size_t n = 0, bytes = 0;
	uint64_t t0;
	int c;

	mv_init(argv[0]);
	if (argc != 2 || argv[1][0] == '-') {
		fputs(USAGE, argc == 2 && !strcmp(argv[1], "-h") ? stdout : stderr);
		return argc == 2 && !strcmp(argv[1], "-h") ? 0 : MV_EX_USAGE;
	}
	if ((c = mv_data_open(argv[1], 0)) != 0)
		return c;
	for (int k = 0; k < 2; k++) {
		size_t m;
		char **v = mv_dir_list(dirs[k], ".json", &m);

		ids = mv_xrealloc(ids, (n + m + 1) * sizeof *ids);
		for (size_t i = 0; i < m; i++) {
			v[i][strlen(v[i]) - 5] = '\0';   /* "m12.json": the id */
			ids[n++] = v[i];
		}
		free(v);                                 /* the names stay, as ids */
	}
	t0 = mv_mono_ns();
	mv_profiles_read(&(struct mv_profiles){
		.ids = ids, .n = n, .max = MV_PROFILE_MAX, .scan = count, .ctx = &bytes});
	printf("%zu files, %zu MB, %.2f s\n", n, bytes >> 20, (double)(mv_mono_ns() - t0) / 1e9);
	return 0;
}
