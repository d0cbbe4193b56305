/* layout.c: mvctl rename, and migrate's move into folders: every filed
 * video goes where mv_name_path says, crash-safely (lib/refile.c). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "mvctl.h"

/* Told each move (or, dry, each move to make). */
static void
report(void *ctx, const char *movie, const char *from, const char *to)
{
	if (!ctl_want_json())
		printf("%s: %s -> %s%s\n", movie, from, to, *(int *)ctx ? " (dry run)" : "");
}

/*
 * Move the filed videos of ids (n of them; all of Movies/ when ids is
 * NULL) to their places. Finishes any half-done filing first. Counts go
 * to *moved and *failed. Returns 0, or the exit code of the first
 * failure (74 I/O, 73 cannot create...).
 */
int
ctl_refile(char **ids, size_t n, int dry, long *moved, long *failed)
{
	char **all = NULL;
	size_t nall = 0;
	const char *why;
	cJSON *m;
	int r = 0, code = 0;

	*moved = *failed = 0;
	/* A filing or a rename that a crash interrupted is finished (or
	 * rolled back) first, so each video is where its profile says. */
	if (!dry && (r = mv_file_recover(ctl_filing_recovered, NULL)) < 0)
		return mv_exit_for_errno(errno);
	/* What the recovery recorded in profiles reaches the index now;
	 * the caller rebuilds it only after moves of its own. */
	if (!dry && r > 0 && mv_index_rebuild_locked(0) != 0)
		mv_warnx("the index is stale: run mvctl reindex");
	if (!ids) {
		all = mv_dir_list("Movies", ".json", &nall);
		for (size_t i = 0; i < nall; i++)
			all[i][strlen(all[i]) - 5] = '\0';
		ids = all;
		n = nall;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(m = mv_movie_load(ids[i], &why))) {
			mv_warnx("unable to read movie %s: %s", ids[i], why);
			++*failed;
			continue;
		}
		if ((r = mv_refile_movie(m, dry, report, &dry)) < 0) {
			mv_warn("move the video of %s", ids[i]);
			if (!code)
				code = mv_exit_for_errno(errno);
			++*failed;
		} else
			*moved += r;
		cJSON_Delete(m);
	}
	if (!dry)
		mv_refile_sweep();
	mv_list_free(all, nall);
	return code;
}

int
v_rename(int argc, char **argv)
{
	static const struct option lo[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'a'},
		COMMON_OPTS
	};
	long moved, failed;
	char **ids = NULL;
	size_t n = 0;
	int c, dry = 0, all = 0, code, missing = 0;

	while ((c = getopt_long(argc, argv, "ad:hn", lo, NULL)) != -1) {
		if (c == 'n')
			dry = 1;
		else if (c == 'a')
			all = 1;
		else
			ctl_common_opt(c);
	}
	if (all == (optind < argc))
		ctl_usage_error("%s", all ? "--all takes no ID" : "expected ID... or --all");
	ctl_report_text();
	ctl_open_library();
	if (!dry)
		ctl_need_pipeline_stopped();
	for (; optind < argc; optind++) {
		char *id = ctl_resolve_id('m', argv[optind]);

		if (!id) {
			missing = 1;
			continue;
		}
		ids = mv_xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = id;
	}
	code = missing ? MV_EX_NOTFOUND :
	    ctl_refile(all ? NULL : ids, n, dry, &moved, &failed);
	mv_list_free(ids, n);
	if (missing)
		return code;
	/* The profiles changed: the index is built from them. */
	if (!dry && moved && mv_index_rebuild_locked(0) != 0)
		mv_warnx("the index is stale: run mvctl reindex");
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "moved", (double)moved);
		cJSON_AddNumberToObject(o, "failed", (double)failed);
		cJSON_AddBoolToObject(o, "dryRun", dry);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else
		printf("rename: %ld %smoved, %ld failed\n", moved, dry ? "would be " : "", failed);
	return code ? code : failed ? MV_EX_DATAERR : MV_EX_OK;
}
