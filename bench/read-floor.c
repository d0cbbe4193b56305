/* read-floor.c: the floor under a rebuild: every profile read as mvindex reads them, nothing made of them. */
#include <dirent.h>
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
	unsigned char *regular = NULL;
	size_t n = 0, cap = 0, bytes = 0;
	uint64_t t0;
	int c;

	mv_init(argv[0]);
	if (argc != 2 || argv[1][0] == '-') {
		fputs(USAGE, argc == 2 && !strcmp(argv[1], "-h") ? stdout : stderr);
		return argc == 2 && !strcmp(argv[1], "-h") ? 0 : MV_EX_USAGE;
	}
	if ((c = mv_data_open(argv[1], 0)) != 0)
		return c;
	/* Listed as mvindex lists them: readdir's word that a file is
	 * regular spares the read that would find its end. */
	for (int k = 0; k < 2; k++) {
		char *path = mv_path("%s", dirs[k]);
		DIR *d = opendir(path);
		struct dirent *e;

		if (!d)
			mv_die(MV_EX_NOINPUT, "read %s", path);
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);

			if (len <= 5 || strcmp(e->d_name + len - 5, ".json"))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				ids = mv_xrealloc(ids, cap * sizeof *ids);
				regular = mv_xrealloc(regular, cap);
			}
			regular[n] = e->d_type == DT_REG;
			ids[n++] = mv_xstrndup(e->d_name, len - 5);
		}
		closedir(d);
		free(path);
	}
	t0 = mv_mono_ns();
	mv_profiles_read(&(struct mv_profiles){
		.ids = ids, .regular = regular, .n = n, .max = MV_PROFILE_MAX, .scan = count,
		.ctx = &bytes});
	printf("%zu files, %zu MB, %.2f s\n", n, bytes >> 20, (double)(mv_mono_ns() - t0) / 1e9);
	return 0;
}
