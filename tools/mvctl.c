/* mvctl.c: the admin console, a front end to every mv tool, in git's style:
 * the verb table, main and the helpers every verb shares; the verbs live
 * in tools/mvctl/, one file per group (list, status, check, gc, add,
 * review, repair, do, import, plan). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl/mvctl.h"

#define USAGE \
	"usage: mvctl [-d|--data DIR] [--config FILE] [--json | --text] VERB [ARGS]\n" \
	"       mvctl help [VERB]\n" \
	"       mvctl -h | --help | --version\n"

const struct verb *ctl_cur;
const char *ctl_opt_data;
int ctl_opt_config;
static int json_out = -1;         /* 1 --json, 0 --text, -1 by stdout */

void
ctl_verb_usage(FILE *f)
{
	fprintf(f, "usage: mvctl %s%s%s\n", ctl_cur->name, *ctl_cur->usage ? " " : "",
	    ctl_cur->usage);
}

/* Handle an option every verb shares; anything else is a usage error. */
void
ctl_common_opt(int c)
{
	switch (c) {
	case 'd': ctl_opt_data = optarg; break;
	case 'C': mv_config_file(optarg); ctl_opt_config = 1; break;
	case 'J': json_out = 1; break;
	case 'T': json_out = 0; break;
	case 'h':
		ctl_verb_usage(stdout);
		exit(mv_finish(MV_EX_OK));
	default:
		ctl_verb_usage(stderr);
		exit(MV_EX_USAGE);
	}
}

/* Parse a verb's options that are only the common ones. */
void
ctl_only_common(int argc, char **argv)
{
	static const struct option lo[] = { COMMON_OPTS };
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1)
		ctl_common_opt(c);
}

void
ctl_usage_error(const char *fmt, const char *arg)
{
	mv_warnx(fmt, arg);
	ctl_verb_usage(stderr);
	exit(MV_EX_USAGE);
}

/* JSON when asked, or when stdout is not a terminal. */
int
ctl_want_json(void)
{
	if (json_out < 0)
		json_out = !isatty(1);
	return json_out;
}

/* Report verbs (check, migrate, repair, gc) print text unless --json. */
void
ctl_report_text(void)
{
	if (json_out < 0)
		json_out = 0;
}

/* Print v compactly on one line of stdout. */
void
ctl_put_json(const cJSON *v)
{
	char *s = mv_json_compact(v);

	fputs(s, stdout);
	putchar('\n');
	free(s);
}

/*
 * Open the library: --data, the config's "data", $MV_DATA... A library
 * is a data directory holding Movies/. Returns 0 or exits 66.
 */
void
ctl_open_library(void)
{
	const char *dir = ctl_opt_data ? ctl_opt_data : mv_config_get("data", NULL);
	struct stat st;
	char *movies;
	int code;

	if ((code = mv_data_open(dir, 0)) != 0)
		exit(code);
	movies = mv_path("Movies");
	if (stat(movies, &st) < 0 || !S_ISDIR(st.st_mode)) {
		mv_warnx("unable to open library %s: no Movies/ folder", mv_data);
		exit(MV_EX_NOINPUT);
	}
	free(movies);
	/* Tools we run see the same library and configuration. */
	setenv("MV_DATA", mv_data, 1);
	mv_config_export();
}

/* ---- reading the library -------------------------------------------- */

/* Load data-dir-relative rel as stored; NULL if missing (quietly) or
 * broken (with a message when loud is set). */
cJSON *
ctl_load_raw(const char *rel, int loud)
{
	char *path = mv_path("%s", rel);
	const char *why;
	cJSON *doc = mv_json_load(path, strncmp(rel, "index/", 6) == 0 ?
	    MV_INDEX_MAX : MV_PROFILE_MAX, &why);
	int e = errno;

	if (!doc && loud && e != ENOENT)
		mv_warnx("unable to read %s: %s", rel, why);
	free(path);
	errno = e;      /* 0 for a document that read but did not parse */
	return doc;
}

/* ctl_load_raw, but a movie of version 1 reads as version 2. */
cJSON *
ctl_load_rel(const char *rel, int loud)
{
	cJSON *doc = ctl_load_raw(rel, loud);
	int e = errno;

	/* A movie not migrated yet reads as version 2, as mv_movie_load
	 * gives it. */
	if (doc && !strncmp(rel, "Movies/", 7))
		mv_movie_upgrade(doc);
	errno = e;
	return doc;
}

/* The index's items, or an empty array when there is no index yet
 * (said on stderr). An index that is there but cannot be read exits 65
 * (66 or 74 when the read itself fails): an empty listing would be a
 * lie a script believes. Returns the whole document; *items is borrowed. */
cJSON *
ctl_load_index(const char *name, cJSON **items)
{
	char rel[64];
	cJSON *doc;

	snprintf(rel, sizeof rel, "index/%s.json", name);
	/* Either index is its shards, put together by libmv (a list of
	 * before the shards reads as it is). */
	if (!strcmp(name, "people") || !strcmp(name, "movies")) {
		const char *why;

		if (!(doc = mv_index_load(name[0] == 'p' ? 'p' : 'm', &why)) && errno != ENOENT)
			mv_diex(errno ? mv_exit_for_read_errno(errno) : MV_EX_DATAERR,
			    "unable to read %s: %s", rel, why);
	} else
		doc = ctl_load_rel(rel, 1);
	if (!doc || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "items"))) {
		if (!doc && errno == ENOENT)
			mv_warnx("no %s yet: run mvctl reindex", rel);
		cJSON_Delete(doc);
		doc = cJSON_CreateObject();
		cJSON_AddItemToObject(doc, "items", cJSON_CreateArray());
	}
	*items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	return doc;
}

/*
 * Resolve a token naming a movie (kind 'm') or person ('p') through
 * lib/resolve.c: "m42", "tmdb:603", "603", "tt0133093", a video path.
 * Returns malloc'd id; NULL after saying why when nothing matches; exits
 * 64 for a token of no known shape.
 */
char *
ctl_resolve_id(char kind, const char *tok)
{
	const char *why;
	char *id;
	int code = mv_resolve(tok, kind, MV_RESOLVE_PATH | MV_RESOLVE_INDEX, &id, &why);

	if (code == 0)
		return id;
	mv_warnx("%s", why);
	if (code == MV_EX_USAGE)
		exit(MV_EX_USAGE);
	return NULL;
}

/* ---- the pipeline: is it up; handing it events ------------------------ */

/* Refuse a verb that rewrites the library under a running pipeline. */
void
ctl_need_pipeline_stopped(void)
{
	if (mv_pipeline_running())
		mv_diex(MV_EX_TEMPFAIL, "unable to %s: the pipeline is running; "
		    "stop it first (systemctl stop mv-pipeline)", ctl_cur->name);
}

/*
 * Run events (an array, consumed) through "mvenrich | mvstat | mvnfo | mvindex"
 * as children, as the pipeline would: mvindex last, so the index hears
 * of every event the others emit (mv.stats.updated: lastRead). Their
 * events go to our stdout in JSON mode, else nowhere. Returns the exit
 * code of the first stage that failed, or 0.
 */
static int
run_stages(cJSON *events)
{
	static char *enrich[] = { "mvenrich", NULL }, *stat[] = { "mvstat", NULL },
	    *nfo[] = { "mvnfo", NULL }, *index[] = { "mvindex", NULL };
	char **stage[] = { enrich, stat, nfo, index };
	enum { NSTAGE = sizeof stage / sizeof *stage };
	pid_t pid[NSTAGE + 1];
	int p[2], in, out, final, st[NSTAGE + 1];
	cJSON *ev;

	final = ctl_want_json() ? 1 : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (pipe2(p, O_CLOEXEC) < 0)
		mv_die(MV_EX_TEMPFAIL, "create a pipe");
	fflush(stdout);
	/* The writer of the events is a child too, so a stage that exits
	 * early cannot block us on a full pipe. */
	if ((pid[0] = fork()) < 0)
		mv_die(MV_EX_TEMPFAIL, "fork");
	if (pid[0] == 0) {
		close(p[0]);
		mv_out_fd(p[1]);
		cJSON_ArrayForEach(ev, events)
			mv_event_emit(ev, 0);
		mv_out_flush();
		_exit(0);
	}
	close(p[1]);
	cJSON_Delete(events);
	in = p[0];
	for (int i = 0; i < NSTAGE; i++) {
		if (i < NSTAGE - 1 && pipe2(p, O_CLOEXEC) < 0)
			mv_die(MV_EX_TEMPFAIL, "create a pipe");
		out = i < NSTAGE - 1 ? p[1] : final;
		if ((pid[i + 1] = fork()) < 0)
			mv_die(MV_EX_TEMPFAIL, "fork");
		if (pid[i + 1] == 0)
			_exit(mv_tool_run(stage[i], in, out));
		close(in);
		if (out != 1)
			close(out);
		in = p[0];
	}
	for (int i = 0; i <= NSTAGE; i++) {
		while (waitpid(pid[i], &st[i], 0) < 0 && errno == EINTR)
			;
		st[i] = WIFEXITED(st[i]) ? WEXITSTATUS(st[i]) : 128 + WTERMSIG(st[i]);
	}
	for (int i = 1; i <= NSTAGE; i++)
		if (st[i]) {
			mv_warnx("%s exited %d (%s)", stage[i - 1][0], st[i], mv_exit_name(st[i]));
			return st[i];
		}
	return MV_EX_OK;
}

/*
 * Deliver events (an array, consumed): into the running pipeline (then
 * *sent is 1), or through run_stages. Returns an exit code.
 */
static int
deliver(cJSON *events, int *sent)
{
	int st = mv_publish(cJSON_Duplicate(events, 1), MV_PUBLISH_NOINDEX);

	*sent = 0;
	if (st == MV_EX_UNAVAILABLE)
		return run_stages(events);
	cJSON_Delete(events);
	if (st != MV_PUBLISH_SENT)
		return st;
	*sent = 1;
	return MV_EX_OK;
}

/* deliver, saying so when the events went to the pipeline. */
int
ctl_deliver_files(cJSON *events)
{
	int sent, st = deliver(events, &sent);

	if (sent && !ctl_want_json())
		printf("sent to the running pipeline\n");
	return st;
}

/*
 * Publish what an mvctl verb changed (an array of events, consumed):
 * into the running pipeline, whose mvindex hears of it, or else the
 * index is rebuilt here. In JSON mode the events are printed too, when
 * no pipeline takes them. Failure only warns: the change is made.
 */
void
ctl_publish(cJSON *evs)
{
	const cJSON *ev;
	int st = mv_publish(cJSON_Duplicate(evs, 1), MV_PUBLISH_NOINDEX);

	if (st == MV_EX_UNAVAILABLE) {
		if (ctl_want_json())
			cJSON_ArrayForEach(ev, evs)
				mv_event_emit(ev, 1);
		st = mv_publish(cJSON_Duplicate(evs, 1), 0);
	}
	/* 65: written, without documents already invalid (reported). */
	if (st != MV_PUBLISH_SENT && st != MV_EX_OK && st != MV_EX_DATAERR)
		mv_warnx("the index is stale: run mvctl reindex");
	cJSON_Delete(evs);
}

/*
 * Send requests (an array, consumed) to the running pipeline, or, when
 * none runs, through "mvenrich | mvstat | mvnfo | mvindex" run as children
 * (deliver): a request is enriched, counted and indexed either way.
 * Returns an exit code.
 */
int
ctl_send_events(cJSON *events)
{
	int n = cJSON_GetArraySize(events), sent, st = deliver(events, &sent);

	if (sent && isatty(1))
		printf("sent %d event%s to the running pipeline\n", n, n == 1 ? "" : "s");
	return st;
}

/* ---- verbs: help, version, exit-codes (mvctl itself) ------------------ */

static const struct verb verbs[];

static int
v_help(int argc, char **argv)
{
	const struct verb *v;

	ctl_only_common(argc, argv);
	if (optind < argc) {
		for (v = verbs; v->name; v++)
			if (!strcmp(v->name, argv[optind])) {
				printf("usage: mvctl %s%s%s\n\n%s\n", v->name,
				    *v->usage ? " " : "", v->usage, v->summary);
				return MV_EX_OK;
			}
		ctl_usage_error("no verb \"%s\"; try mvctl help", argv[optind]);
	}
	fputs(USAGE "\nverbs:\n", stdout);
	for (v = verbs; v->name; v++)
		if (!v->hidden)
			printf("  %-10s %s\n", v->name, v->summary);
	fputs("\nmvctl help VERB shows a verb's options; man mvctl has them all.\n",
	    stdout);
	return MV_EX_OK;
}

static int
v_version(int argc, char **argv)
{
	ctl_only_common(argc, argv);
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "version", MV_VERSION);
		cJSON_AddNumberToObject(o, "schemaVersion", MV_SCHEMA_VERSION);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else
		printf("mvctl %s (schemaVersion %d)\n", MV_VERSION, MV_SCHEMA_VERSION);
	return MV_EX_OK;
}

/*
 * exit-codes --permanent: lib/exit.c's codes that stop restarts, on one
 * line, so mvpipeline's policy cannot drift from the C tools' table.
 */
static int
v_exit_codes(int argc, char **argv)
{
	static const struct option lo[] = {
		{"permanent", no_argument, NULL, 'P'},
		COMMON_OPTS
	};
	const char *sep = "";
	int c, permanent = 0;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		if (c == 'P')
			permanent = 1;
		else
			ctl_common_opt(c);
	}
	if (!permanent || optind < argc)
		ctl_usage_error("%s", "expected --permanent");
	for (c = 0; c < 256; c++)
		if (mv_exit_permanent(c)) {
			printf("%s%d", sep, c);
			sep = " ";
		}
	putchar('\n');
	return MV_EX_OK;
}

/* ---- the verb table and main ------------------------------------------- */

static const struct verb verbs[] = {
	{ "init", v_init, "", "create an empty library (safe to run again)", 0 },
	{ "check", v_check, "[--boot] [--json]",
	  "validate every document; index, orphan videos, missed files, half-done filings", 0 },
	{ "migrate", v_migrate, "[-n|--dry-run] [--json]",
	  "upgrade documents from an older schemaVersion", 0 },
	{ "rename", v_rename, "[-n|--dry-run] -a|--all|ID...",
	  "move filed videos to the names the settings give them now", 0 },
	{ "repair", v_repair, "[-n|--dry-run]",
	  "fix what check found that can be fixed safely, and say what", 0 },
	{ "gc", v_gc, "[--cache-max SIZE] [--images-max SIZE] [--incoming] [-n|--dry-run] [--json]",
	  "trim cache/tmdb and assets/images to their bounds, or incoming/ of junk", 0 },
	{ "add", v_add, "603|tmdb:603|tt0133093|TITLE YEAR|--person ID|FILE [--copy] [--tmdb ID]",
	  "add a movie, a person or a video file by a minimal token", 0 },
	{ "import", v_import, "DIR [-n|--dry-run] [--in-place|--move] [--json]",
	  "import a Jellyfin, Plex or Kodi library: in place (a library root) or moved in", 0 },
	{ "plan", v_plan, "FILE|DIR [--json]",
	  "what filing a file or a download would do: match, evidence, every target; changes nothing", 0 },
	{ "status", v_status, "[--json]",
	  "is the pipeline up: stages, restarts, queue, last error; library counts", 0 },
	{ "ls", v_ls, "[--page N] [--per-page M] [--sort [-]title|year|added|lastRead|id] [--query TEXT] [--json]",
	  "list the movies, one page at a time", 0 },
	{ "show", v_show, "ID [--json]", "show a movie's profile", 0 },
	{ "people", v_people, "ID [--movies] [--page N] [--per-page M] [--sort [-]KEY] [--json]",
	  "show a person, or (--movies) the person's movies", 0 },
	{ "request", v_request, "ID [-l|--level LEVEL]",
	  "ask for a movie's next level (what a click does)", 0 },
	{ "open", v_request, "ID", "the same as request: counts an access", 0 },
	{ "enrich", v_enrich, "ID|-a|--all -l|--level LEVEL",
	  "raise one movie, or every movie below it, to LEVEL", 0 },
	{ "downgrade", v_downgrade,
	  "--level minimal|light [--unread-since N] [--budget SIZE] [--dry-run]",
	  "downgrade what nobody reads (runs mvdowngrade)", 0 },
	{ "export", v_export, "-a|--all | ID...",
	  "write the Kodi NFO, poster and fanart beside the videos now (runs mvnfo)", 0 },
	{ "reindex", v_reindex, "", "rebuild the indexes (runs mvindex --rebuild)", 0 },
	{ "stats", v_stats, "[--json]", "usage and pipeline statistics (runs mvstat --summary)", 0 },
	{ "events", v_events, "[-f|--follow] [-t|--type PATTERN]... [--since DURATION] [--json]",
	  "show the event journal, filtered; --follow tails it", 0 },
	{ "review", v_review, "[--reject FILE] [--json]",
	  "list the quarantine queue with the commands that resolve it; --reject sets one aside", 0 },
	{ "parse", v_parse, "[NAME...]",
	  "parse file names (or stdin lines) into JSON: title, year, ...", 0 },
	{ "version", v_version, "[--json]", "print the version", 0 },
	{ "help", v_help, "[VERB]", "list the verbs, or show one verb's usage", 0 },
	{ "validate", v_validate, "SCHEMA FILE|-...",
	  "validate documents against a schema (for tests and scripts)", 1 },
	{ "exit-codes", v_exit_codes, "--permanent",
	  "the exit codes a supervisor must not restart on (for mvpipeline)", 1 },
	{ NULL, NULL, NULL, NULL, 0 },
};

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"version", no_argument, NULL, MV_OPT_VERSION},
		COMMON_OPTS
	};
	const struct verb *v;
	int c;

	mv_init(argv[0]);
	/* "+": stop at the verb; its options are its own. */
	while ((c = getopt_long(argc, argv, "+d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'C': mv_config_file(optarg); ctl_opt_config = 1; break;
		case 'J': json_out = 1; break;
		case 'T': json_out = 0; break;
		default: mv_opt_common(c, USAGE, &ctl_opt_data);
		}
	}
	if (optind >= argc)
		mv_usage_die(USAGE);
	for (v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[optind]))
			break;
	if (!v->name) {
		mv_warnx("no verb \"%s\"; try mvctl help", argv[optind]);
		return MV_EX_USAGE;
	}
	ctl_cur = v;
	if ((c = mv_config_load()) != 0)
		return c;
	argc -= optind;
	argv += optind;
	optind = 0;   /* a fresh getopt for the verb */
	return mv_finish(v->fn(argc, argv));
}
