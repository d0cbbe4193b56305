/* repair.c: mvctl repair: fix what check finds that can be fixed safely. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/* Record where a finished filing put the video, in the movie's profile. */
void
ctl_filing_recovered(void *ctx, const char *movie, const char *final, const char *src)
{
	const char *why;
	cJSON *doc, *v;
	size_t root = strlen(mv_data);

	(void)src;
	if (ctx)
		++*(long *)ctx;
	if (!final || !(doc = mv_movie_load(movie, &why)))
		return;
	v = mv_movie_video(doc);
	if (cJSON_IsObject(v) && !strncmp(final, mv_data, root) && final[root] == '/') {
		mv_json_set(v, "path", cJSON_CreateString(final + root + 1));
		if (mv_movie_save(doc) < 0)
			mv_warn("save %s", movie);
	}
	cJSON_Delete(doc);
}

/* Run every check with its report on stderr, stdout kept for repair's
 * own lines.  Returns the number of problems found (as ctl_run_checks). */
static long
checks_to_stderr(struct check *c)
{
	int saved = dup(1);
	long bad;

	fflush(stdout);
	dup2(2, 1);
	bad = ctl_run_checks(c);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return bad;
}

/* Hand every video in incoming/ to mvenrich again.
 * Returns 0, or the exit code of the delivery. */
static int
resend_incoming(void)
{
	cJSON *evs = cJSON_CreateArray();
	size_t n;
	char **v;

	/* Every video in incoming/ now, not only the old ones: a
	 * stopped pipeline would not see them otherwise. */
	v = mv_dir_list("incoming", NULL, &n);
	for (size_t i = 0; i < n; i++) {
		char *p = mv_path("incoming/%s", v[i]);
		struct stat sb;
		cJSON *ev;

		if (mv_media_kind(v[i]) == MV_MEDIA_VIDEO && stat(p, &sb) == 0 &&
		    S_ISREG(sb.st_mode) && (ev = ctl_file_event(p, 0)))
			cJSON_AddItemToArray(evs, ev);
		free(p);
	}
	mv_list_free(v, n);
	printf("re-sent %d files from incoming/ to mvenrich\n", cJSON_GetArraySize(evs));
	return ctl_deliver_files(evs);
}

int
v_repair(int argc, char **argv)
{
	static const struct option lo[] = {
		{"dry-run", no_argument, NULL, 'n'},
		COMMON_OPTS
	};
	struct check c = { 0 };
	long bad, done, current, failed, nrec = 0;
	int ch, dry = 0, code = MV_EX_OK, st;

	while ((ch = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		if (ch == 'n')
			dry = 1;
		else
			ctl_common_opt(ch);
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_report_text();
	ctl_open_library();
	ctl_need_pipeline_stopped();
	/* First what check sees, quietly: its report goes to stderr. */
	bad = checks_to_stderr(&c);
	if (bad == 0) {
		printf("repair: nothing to repair\n");
		return MV_EX_OK;
	}
	if (dry) {
		printf("repair: would finish %ld half-done filings, migrate old documents, "
		    "re-send %ld files from incoming/, rebuild the indexes; "
		    "would leave %ld invalid documents and %ld orphan videos\n",
		    c.halfdone, c.missed, c.invalid, c.orphans);
		return MV_EX_OK;
	}
	if (c.halfdone) {
		if (mv_file_recover(ctl_filing_recovered, &nrec) < 0) {
			mv_warn("finish the half-done filings");
			code = MV_EX_TEMPFAIL;
		}
		printf("finished %ld half-done filings\n", nrec);
	}
	ctl_migrate_all(0, &done, &current, &failed);
	if (done)
		printf("migrated %ld documents\n", done);
	if (c.missed && (st = resend_incoming()) != 0)
		code = st;
	/* In process, under the index lock: the pipeline is stopped, and a
	 * cron job's mvindex may not be. */
	if ((st = mv_index_rebuild_locked(0)) != 0) {
		mv_warnx("unable to rebuild the indexes (exit %d)", st);
		code = st;
	} else
		printf("rebuilt the indexes\n");
	/* What is left, from a fresh look (its report to stderr again). */
	{
		struct check after = { 0 };

		checks_to_stderr(&after);
		if (after.invalid || after.orphans)
			printf("left alone: %ld invalid documents, %ld orphan videos "
			    "(see mvctl check; mvctl add FILE files an orphan)\n",
			    after.invalid, after.orphans);
	}
	return code;
}
