/* mvnfo.c: keep a Kodi NFO and artwork beside every filed video, from events or on demand. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

static const char USAGE[] =
    "usage: mvnfo [--data DIR]\n"
    "       mvnfo [--data DIR] --all | ID...\n"
    "Write the Kodi NFO, poster and fanart beside each filed video, as Kodi,\n"
    "Jellyfin and Plex read them. With no argument, a filter: pass events\n"
    "through, and bring the files of the movie that an mv.movie.matched,\n"
    "mv.movie.enriched, mv.movie.downgraded or mv.video.added names in step\n"
    "(unless the config says nfo = off). With ids or --all, do it once for\n"
    "those movies, whatever the config says, and print what was done.\n"
    "  -d, --data DIR   data directory (default $MV_DATA)\n"
    "  -a, --all        every movie of the library\n"
    "  -h, --help       print this help\n"
    "      --version    print the version\n";

/* The events after which a movie's profile or video may differ. */
#define NFO_TYPES "mv.movie.matched,mv.movie.enriched,mv.movie.downgraded,mv.video.added"

/* Bring movie id's files in step. Returns an exit code; *what as
 * mv_nfo_write says. */
static int
export_one(const char *id, int *what)
{
	const char *why;
	cJSON *doc = mv_movie_load(id, &why);
	int code;

	*what = 0;
	if (!doc) {
		if (errno == ENOENT) {
			mv_warnx("no movie %s in the library", id);
			return MV_EX_NOTFOUND;
		}
		mv_warnx("unable to read Movies/%s.json: %s", id, why);
		return errno ? mv_exit_for_read_errno(errno) : MV_EX_DATAERR;
	}
	code = mv_nfo_write(doc, what);
	cJSON_Delete(doc);
	return code;
}

/* ---- filter mode --------------------------------------------------------- */

static int
on_event(void *ctx, struct mv_stage_event *e)
{
	const cJSON *ev;
	const char *why, *id;
	int what, code;
	cJSON *d;

	(void)ctx;
	if (!(ev = mv_stage_tree(e, &why)))
		return 0;
	id = mv_json_str(mv_event_data(ev), "id", NULL);
	if (!mv_id_valid(id, 'm'))
		id = mv_event_subject(ev);
	if (!mv_id_valid(id, 'm'))
		return 0;
	/* A failed write is this movie's, not the pipeline's: say so and go
	 * on; the next event about it, or mvctl export, writes it again. */
	if ((code = export_one(id, &what)) != 0 && code != MV_EX_NOTFOUND) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "stage", "nfo");
		cJSON_AddNumberToObject(d, "code", code);
		cJSON_AddStringToObject(d, "message", "unable to write the NFO or artwork");
		cJSON_AddStringToObject(d, "id", id);
		mv_emit("mv.error", id, d);
	}
	return 0;
}

static int
filter(void)
{
	const struct mv_stage st = {
		.types = NFO_TYPES,
		.on_event = on_event,
	};

	/* Off: still a stage, passing everything through, so the pipeline's
	 * shape does not depend on the config. */
	if (!mv_nfo_enabled()) {
		const struct mv_stage pass = {0};

		return mv_stage_run(&pass);
	}
	return mv_stage_run(&st);
}

/* ---- one-shot mode ------------------------------------------------------- */

static void
report(const char *id, int what)
{
	if (what & MV_NFO_KEPT)
		printf("%s: kept (below basic)\n", id);
	else if (what)
		printf("%s: wrote%s%s%s\n", id, what & MV_NFO_NFO ? " nfo" : "",
		    what & MV_NFO_POSTER ? " poster" : "", what & MV_NFO_FANART ? " fanart" : "");
	else
		printf("%s: up to date\n", id);
}

/* Export ids[0..n); returns 0, or the first failure's code (the others
 * are still done). */
static int
export(char **ids, size_t n, int all)
{
	int code = 0, r, what;

	for (size_t i = 0; i < n && !mv_stage_stopped(); i++) {
		if (!mv_id_valid(ids[i], 'm')) {
			if (all)
				continue;
			mv_warnx("not a movie id: %s", ids[i]);
			r = MV_EX_USAGE;
		} else {
			char *video = NULL;
			const char *why;
			cJSON *doc = mv_movie_load(ids[i], &why);

			if (doc && !(video = mv_nfo_video(doc))) {
				printf("%s: no filed video\n", ids[i]);
				cJSON_Delete(doc);
				continue;
			}
			free(video);
			cJSON_Delete(doc);
			if ((r = export_one(ids[i], &what)) == 0)
				report(ids[i], what);
		}
		if (r && !code)
			code = r;
		fflush(stdout);
	}
	return code;
}

/* The ids of Movies/<id>.json, "m2" before "m10". */
static char **
all_ids(size_t *n)
{
	char **v = mv_dir_list("Movies", ".json", n);

	for (size_t i = 0; i < *n; i++)
		v[i][strlen(v[i]) - 5] = '\0';
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		MV_OPT_LONG,
		{NULL, 0, NULL, 0},
	};
	const char *data = NULL;
	int c, all = 0, code;
	char **ids;
	size_t n;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:ah", opts, NULL)) != -1) {
		if (c == 'a')
			all = 1;
		else
			mv_opt_common(c, USAGE, &data);
	}
	if (all && optind != argc)
		mv_usage_die(USAGE);
	if ((code = mv_data_open(data, 0)) != 0)
		return code;
	if ((code = mv_config_load()) != 0)
		return code;
	mv_stage_signals();
	if (!all && optind == argc)
		return mv_finish(filter());
	if (all) {
		ids = all_ids(&n);
		code = export(ids, n, 1);
		mv_list_free(ids, n);
	} else
		code = export(argv + optind, (size_t)(argc - optind), 0);
	return mv_finish(code);
}
