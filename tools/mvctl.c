/* mvctl.c: the admin console, a front end to every mv tool, in git's style. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"

#define USAGE \
	"usage: mvctl [-d|--data DIR] [--config FILE] [--json | --text] VERB [ARGS]\n" \
	"       mvctl help [VERB]\n" \
	"       mvctl -h | --help | --version\n"

/* One verb: fn gets argv with argv[0] the verb's name. */
struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;   /* the arguments after "mvctl VERB" */
	const char *summary;
	int hidden;          /* left out of `mvctl help` (test helpers) */
};

static const struct verb *cur;    /* the verb running, for its usage */
static const char *opt_data;      /* --data DIR */
static int opt_config;            /* --config FILE was given */
static int json_out = -1;         /* 1 --json, 0 --text, -1 by stdout */

/* Every verb also takes these long options; see common_opt. */
#define COMMON_OPTS \
	{"data", required_argument, NULL, 'd'}, \
	{"config", required_argument, NULL, 'C'}, \
	{"json", no_argument, NULL, 'J'}, \
	{"text", no_argument, NULL, 'T'}, \
	{"help", no_argument, NULL, 'h'}, \
	{NULL, 0, NULL, 0}

static void
verb_usage(FILE *f)
{
	fprintf(f, "usage: mvctl %s%s%s\n", cur->name, *cur->usage ? " " : "",
	    cur->usage);
}

/* Handle an option every verb shares; anything else is a usage error. */
static void
common_opt(int c)
{
	switch (c) {
	case 'd': opt_data = optarg; break;
	case 'C': mv_config_file(optarg); opt_config = 1; break;
	case 'J': json_out = 1; break;
	case 'T': json_out = 0; break;
	case 'h':
		verb_usage(stdout);
		exit(mv_finish(MV_EX_OK));
	default:
		verb_usage(stderr);
		exit(MV_EX_USAGE);
	}
}

/* Parse a verb's options that are only the common ones. */
static void
only_common(int argc, char **argv)
{
	static const struct option lo[] = { COMMON_OPTS };
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1)
		common_opt(c);
}

static void
usage_error(const char *fmt, const char *arg)
{
	mv_warnx(fmt, arg);
	verb_usage(stderr);
	exit(MV_EX_USAGE);
}

/* JSON when asked, or when stdout is not a terminal. */
static int
want_json(void)
{
	if (json_out < 0)
		json_out = !isatty(1);
	return json_out;
}

/* Report verbs (check, migrate, repair, gc) print text unless --json. */
static void
report_text(void)
{
	if (json_out < 0)
		json_out = 0;
}

/* Print v compactly on one line of stdout. */
static void
put_json(const cJSON *v)
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
static void
open_library(void)
{
	const char *dir = opt_data ? opt_data : mv_config_get("data", NULL);
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

/* ---- running the other tools ---------------------------------------- */

/* ---- reading the library -------------------------------------------- */

/* Load data-dir-relative rel; NULL if missing (quietly) or broken (with a
 * message when loud is set). */
static cJSON *
load_rel(const char *rel, int loud)
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

/* The movie index's items, or an empty array when there is no index yet
 * (said on stderr). Returns the whole document; *items is borrowed. */
static cJSON *
load_index(const char *name, cJSON **items)
{
	char rel[64];
	cJSON *doc;

	snprintf(rel, sizeof rel, "index/%s.json", name);
	doc = load_rel(rel, 1);
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

/* 1 if s is all digits (a TMDB id). */
static int
all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * Resolve a token naming a movie (kind 'm') or person ('p') through
 * lib/resolve.c: "m42", "tmdb:603", "603", "tt0133093", a video path.
 * Returns malloc'd id; NULL after saying why when nothing matches; exits
 * 64 for a token of no known shape.
 */
static char *
resolve_id(char kind, const char *tok)
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

/* ---- the pipeline: is it up, and its FIFO ---------------------------- */

/* Refuse a verb that rewrites the library under a running pipeline. */
static void
need_pipeline_stopped(void)
{
	if (mv_pipeline_running())
		mv_diex(MV_EX_TEMPFAIL, "unable to %s: the pipeline is running; "
		    "stop it first (systemctl stop mv-pipeline)", cur->name);
}

static int deliver(cJSON *events, int *sent);

/*
 * Send requests (an array, consumed) to the running pipeline, or, when
 * none runs, through "mvenrich | mvstat | mvindex" run as children
 * (deliver): a request is enriched, counted and indexed either way.
 * Returns an exit code.
 */
static int
send_events(cJSON *events)
{
	int n = cJSON_GetArraySize(events), sent, st = deliver(events, &sent);

	if (sent && isatty(1))
		printf("sent %d event%s to the running pipeline\n", n, n == 1 ? "" : "s");
	return st;
}

/* ---- verbs: help, version, validate ------------------------------------ */

static const struct verb verbs[];

static int
v_help(int argc, char **argv)
{
	const struct verb *v;

	only_common(argc, argv);
	if (optind < argc) {
		for (v = verbs; v->name; v++)
			if (!strcmp(v->name, argv[optind])) {
				printf("usage: mvctl %s%s%s\n\n%s\n", v->name,
				    *v->usage ? " " : "", v->usage, v->summary);
				return MV_EX_OK;
			}
		usage_error("no verb \"%s\"; try mvctl help", argv[optind]);
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
	only_common(argc, argv);
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	if (want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "version", MV_VERSION);
		cJSON_AddNumberToObject(o, "schemaVersion", MV_SCHEMA_VERSION);
		put_json(o);
		cJSON_Delete(o);
	} else
		printf("mvctl %s (schemaVersion %d)\n", MV_VERSION, MV_SCHEMA_VERSION);
	return MV_EX_OK;
}

/* Load the schemas or die with 78: a broken install, not bad data. */
static struct mv_schemas *
load_schemas(void)
{
	struct mv_schemas *set = mv_schemas_load(mv_schemas_dir());

	if (!set)
		exit(MV_EX_CONFIG);
	return set;
}

/*
 * Hidden, for tests and scripts: validate FILEs (or NDJSON lines on stdin
 * with "-") against SCHEMA. Exit 1 if anything is invalid.
 */
static int
v_validate(int argc, char **argv)
{
	struct mv_schemas *set;
	int bad = 0;

	only_common(argc, argv);
	if (argc - optind < 2)
		usage_error("%s", "expected SCHEMA FILE...");
	set = load_schemas();
	for (int i = optind + 1; i < argc; i++) {
		const char *why;
		cJSON *doc;
		int n;

		if (!strcmp(argv[i], "-")) {
			struct mv_lines *r = mv_lines_new(0, "stdin", 1 << 24);
			char *line, label[64];
			size_t len;

			while (mv_lines_next(r, &line, &len) > 0) {
				snprintf(label, sizeof label, "stdin:%lu", mv_lines_lineno(r));
				if (!(doc = cJSON_ParseWithLength(line, len))) {
					mv_warnx("%s: invalid JSON", label);
					bad++;
					continue;
				}
				n = mv_schema_validate(set, argv[optind], doc,
				    mv_schema_err_print, label);
				cJSON_Delete(doc);
				if (n < 0)
					mv_diex(MV_EX_USAGE, "no schema %s", argv[optind]);
				bad += n > 0;
			}
			mv_lines_free(r);
			continue;
		}
		/* Any stored document: the largest kind is an index. */
		if (!(doc = mv_json_load(argv[i], MV_INDEX_MAX, &why))) {
			mv_warnx("unable to read %s: %s", argv[i], why);
			bad++;
			continue;
		}
		n = mv_schema_validate(set, argv[optind], doc, mv_schema_err_print, argv[i]);
		cJSON_Delete(doc);
		if (n < 0)
			mv_diex(MV_EX_USAGE, "no schema %s", argv[optind]);
		bad += n > 0;
	}
	mv_schemas_free(set);
	return bad ? MV_EX_NOTFOUND : MV_EX_OK;
}

/* ---- verbs: ls, show, people ------------------------------------------ */

/* The items of a listing, in the order and filter of l (lib/listing.c,
 * the rules mvserve lists by too). */
struct listed {
	const cJSON **v;  /* the items, borrowed */
	size_t *sel;      /* positions in v, in order; total of them kept */
	size_t total;
};

static void
list_select(struct listed *ls, const cJSON *items, const struct mv_listing *l)
{
	const cJSON *it;
	size_t n = 0;

	ls->v = mv_xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *ls->v);
	cJSON_ArrayForEach(it, items)
		ls->v[n++] = it;
	ls->sel = mv_xcalloc(n + 1, sizeof *ls->sel);
	mv_list_order(ls->v, n, l->sort, ls->sel);
	ls->total = mv_list_filter(ls->v, ls->sel, n, l->q, NULL);
}

static void
list_free(struct listed *ls)
{
	free(ls->v);
	free(ls->sel);
}

static void
put_listed(struct mv_buf *b, size_t i, void *ctx)
{
	const struct listed *ls = ctx;
	char *s = mv_json_compact(ls->v[ls->sel[i]]);

	mv_buf_adds(b, s);
	free(s);
}

/* Print l's page of ls as a PaginatedResponse line; base is the
 * mvserve route of the same listing, for the next/prev links. */
static void
put_page(struct listed *ls, const struct mv_listing *l, const char *base)
{
	struct mv_buf b = { 0 };

	mv_list_write(&b, l, ls->total, base, put_listed, ls);
	puts(b.buf);
	mv_buf_free(&b);
}

/* Parse --sort's key. */
static int
sort_arg(const char *s)
{
	int k = mv_sort_parse(s);

	if (k < 0)
		usage_error("bad sort key \"%s\": " MV_SORT_HELP, s);
	return k;
}

/* Parse a positive count for option opt. */
static long long
pos_arg(const char *opt, const char *s)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end || n < 1 || n > 1000000000)
		usage_error("bad number for %s", opt);
	return n;
}

/* One line of a human movie listing. */
static void
put_movie_line(const cJSON *it)
{
	long long y = mv_json_int(it, "year", 0);
	char year[16] = "";

	if (y)
		snprintf(year, sizeof year, "%lld", y);
	printf("%-7s %-4s  %-7s %-12s %s\n", mv_json_str(it, "id", "?"), year,
	    mv_json_str(it, "level", "?"), mv_json_str(it, "status", "?"),
	    mv_json_str(it, "title", "?"));
}

static int
v_ls(int argc, char **argv)
{
	static const struct option lo[] = {
		{"page", required_argument, NULL, 'p'},
		{"per-page", required_argument, NULL, 'n'},
		{"sort", required_argument, NULL, 's'},
		{"query", required_argument, NULL, 'q'},
		COMMON_OPTS
	};
	struct mv_listing l = { MV_SORT_TITLE, 1, 20, NULL };
	struct listed ls;
	cJSON *idx, *items;
	size_t from, to;
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': l.page = pos_arg("--page", optarg); break;
		case 'n': l.per_page = pos_arg("--per-page", optarg); break;
		case 's': l.sort = sort_arg(optarg); break;
		case 'q': l.q = optarg; break;
		default: common_opt(c);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	open_library();
	idx = load_index("movies", &items);
	list_select(&ls, items, &l);
	if (want_json())
		put_page(&ls, &l, "/movies");
	else {
		mv_list_range(&l, ls.total, &from, &to);
		for (size_t i = from; i < to; i++)
			put_movie_line(ls.v[ls.sel[i]]);
		printf("page %ld of %ld, %zu movie%s\n", l.page, mv_list_pages(&l, ls.total),
		    ls.total, ls.total == 1 ? "" : "s");
	}
	list_free(&ls);
	cJSON_Delete(idx);
	return MV_EX_OK;
}

/* Join the "name" members of array arr[key] with ", ", at most max. */
static void
put_names(const char *label, const cJSON *arr, const char *key,
    const char *extra, int max)
{
	const cJSON *e;
	int n = 0;

	if (!cJSON_GetArraySize(arr))
		return;
	printf("%-10s", label);
	cJSON_ArrayForEach(e, arr) {
		const char *x = extra ? mv_json_str(e, extra, NULL) : NULL;

		if (n == max) {
			printf(", …");
			break;
		}
		printf("%s%s", n++ ? ", " : "",
		    cJSON_IsString(e) ? e->valuestring : mv_json_str(e, key, "?"));
		if (x && *x)
			printf(" (%s)", x);
	}
	putchar('\n');
}

/* Human summary of a MovieProfile. */
static void
show_movie(const cJSON *m)
{
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(m, "externalIds");
	const cJSON *video = cJSON_GetObjectItemCaseSensitive(m, "video");
	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(m, "credits");
	const cJSON *e, *crew;
	long long y = mv_json_int(m, "year", 0), rt = mv_json_int(m, "runtime", 0);
	int n = 0;

	printf("%s", mv_json_str(m, "title", "?"));
	if (y)
		printf(" (%lld)", y);
	printf("  [%s]\n", mv_json_str(m, "id", "?"));
	printf("%-10s%s, %s\n", "level", mv_json_str(m, "level", "?"),
	    mv_json_str(m, "status", "?"));
	if (cJSON_GetArraySize(ext)) {
		printf("%-10s", "ids");
		cJSON_ArrayForEach(e, ext) {
			if (cJSON_IsNumber(e))
				printf("%s%s:%.0f", n++ ? " " : "", e->string, e->valuedouble);
			else if (cJSON_IsString(e))
				printf("%s%s:%s", n++ ? " " : "", e->string, e->valuestring);
		}
		putchar('\n');
	}
	if (rt)
		printf("%-10s%lld min\n", "runtime", rt);
	put_names("genres", cJSON_GetObjectItemCaseSensitive(m, "genres"), NULL, NULL, 8);
	put_names("cast", cJSON_GetObjectItemCaseSensitive(credits, "cast"),
	    "name", "character", 5);
	crew = cJSON_GetObjectItemCaseSensitive(credits, "crew");
	n = 0;
	cJSON_ArrayForEach(e, crew)
		if (!strcmp(mv_json_str(e, "job", ""), "Director"))
			printf("%s%s", n++ ? ", " : "director  ", mv_json_str(e, "name", "?"));
	if (n)
		putchar('\n');
	printf("%-10s%s\n", "video", cJSON_IsObject(video) ?
	    mv_json_str(video, "path", "?") : "(none)");
	if (mv_json_str(m, "overview", NULL) && *mv_json_str(m, "overview", ""))
		printf("\n%s\n", mv_json_str(m, "overview", ""));
}

static int
v_show(int argc, char **argv)
{
	char *id, rel[64];
	cJSON *m;

	only_common(argc, argv);
	if (argc - optind != 1)
		usage_error("%s", "expected one movie ID");
	open_library();
	if (!(id = resolve_id('m', argv[optind])))
		return MV_EX_NOTFOUND;
	snprintf(rel, sizeof rel, "Movies/%s.json", id);
	free(id);
	if (!(m = load_rel(rel, 1))) {
		if (errno == ENOENT)
			mv_warnx("unable to read %s: vanished", rel);
		return MV_EX_DATAERR;
	}
	if (want_json())
		put_json(m);
	else
		show_movie(m);
	cJSON_Delete(m);
	return MV_EX_OK;
}

/*
 * The movies of a person from index/people.json, one item per credit:
 * the movie's index entry with the credit's role, character or job and
 * "movie" (its id again), as mvserve's /people/{id}/movies gives them.
 * A credit whose movie the movie index does not hold yet is left out,
 * as mvserve leaves it out. Returns an array the caller deletes.
 */
static cJSON *
person_movies(const char *id)
{
	static const char *const credit[] = { "role", "character", "job", "movie" };
	cJSON *pidx, *pitems, *midx, *mitems, *p, *out = cJSON_CreateArray(), *l;

	pidx = load_index("people", &pitems);
	midx = load_index("movies", &mitems);
	cJSON_ArrayForEach(p, pitems) {
		if (strcmp(mv_json_str(p, "id", ""), id))
			continue;
		cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(p, "movies")) {
			const char *mid = mv_json_str(l, "movie", "");
			cJSON *m, *o;

			cJSON_ArrayForEach(m, mitems)
				if (!strcmp(mv_json_str(m, "id", ""), mid))
					break;
			if (!m)
				continue;
			o = cJSON_Duplicate(m, 1);
			for (size_t i = 0; i < sizeof credit / sizeof *credit; i++) {
				cJSON *x = cJSON_GetObjectItemCaseSensitive(l, credit[i]);

				if (x)
					mv_json_set(o, credit[i], cJSON_Duplicate(x, 1));
			}
			cJSON_AddItemToArray(out, o);
		}
		break;
	}
	cJSON_Delete(pidx);
	cJSON_Delete(midx);
	return out;
}

/* The text of a person: the profile's summary, then the movies in l's
 * order. */
static void
show_person(const cJSON *p, const char *id, struct listed *ls)
{
	const char *s;

	printf("%s  [%s]\n", mv_json_str(p, "name", "?"), id);
	printf("%-10s%s\n", "level", mv_json_str(p, "level", "?"));
	if ((s = mv_json_str(p, "knownForDepartment", NULL)))
		printf("%-10s%s\n", "known for", s);
	if ((s = mv_json_str(p, "birthday", NULL)))
		printf("%-10s%s\n", "born", s);
	for (size_t i = 0; i < ls->total; i++) {
		const cJSON *e = ls->v[ls->sel[i]];
		long long y = mv_json_int(e, "year", 0);

		printf("  %-7s %s", mv_json_str(e, "movie", "?"),
		    mv_json_str(e, "title", "?"));
		if (y)
			printf(" (%lld)", y);
		s = mv_json_str(e, "character", mv_json_str(e, "job", NULL));
		printf("  %s%s%s\n", mv_json_str(e, "role", ""), s ? ": " : "",
		    s ? s : "");
	}
}

static int
v_people(int argc, char **argv)
{
	static const struct option lo[] = {
		{"movies", no_argument, NULL, 'm'},
		{"page", required_argument, NULL, 'p'},
		{"per-page", required_argument, NULL, 'n'},
		{"sort", required_argument, NULL, 's'},
		COMMON_OPTS
	};
	struct mv_listing l = { MV_SORT_TITLE, 1, 20, NULL };
	struct listed ls;
	int c, movies = 0;
	char *id, rel[64], *base;
	cJSON *p, *list;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'm': movies = 1; break;
		case 'p': l.page = pos_arg("--page", optarg); break;
		case 'n': l.per_page = pos_arg("--per-page", optarg); break;
		case 's': l.sort = sort_arg(optarg); break;
		default: common_opt(c);
		}
	}
	if (argc - optind != 1)
		usage_error("%s", "expected one person ID");
	open_library();
	if (!(id = resolve_id('p', argv[optind])))
		return MV_EX_NOTFOUND;
	snprintf(rel, sizeof rel, "People/%s.json", id);
	if (!(p = load_rel(rel, 1))) {
		free(id);
		return MV_EX_DATAERR;
	}
	list = person_movies(id);
	list_select(&ls, list, &l);
	if (movies && want_json()) {
		base = mv_xasprintf("/people/%s/movies", id);
		put_page(&ls, &l, base);
		free(base);
	} else if (want_json())
		put_json(p);
	else
		show_person(p, id, &ls);
	list_free(&ls);
	free(id);
	cJSON_Delete(list);
	cJSON_Delete(p);
	return MV_EX_OK;
}

/* ---- verbs: status, stats, events, review ------------------------------ */

/* Add 1 to counts[key]. */
static void
bump(cJSON *counts, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(counts, key);

	if (v)
		cJSON_SetNumberValue(v, v->valuedouble + 1);
	else
		cJSON_AddNumberToObject(counts, key, 1);
}

/* The whole status as one JSON object (see mvctl(1), STATUS). */
static cJSON *
status_json(void)
{
	cJSON *o = cJSON_CreateObject(), *pl, *st, *stages, *s, *lib, *lv, *ss;
	cJSON *idx, *items, *it, *q;
	time_t now = mv_now();
	int running = mv_pipeline_running();

	pl = cJSON_AddObjectToObject(o, "pipeline");
	cJSON_AddBoolToObject(pl, "running", running);
	st = load_rel("run/pipeline.status", 1);
	if (st) {
		const cJSON *le = cJSON_GetObjectItemCaseSensitive(st, "lastError");
		long long pid = mv_json_int(st, "pid", 0);
		time_t t = mv_json_time(st, "started");
		const char *state = mv_json_str(st, "state", "unknown");

		/* A status file left by a dead supervisor says "running". */
		cJSON_AddStringToObject(pl, "state", running ? state :
		    strcmp(state, "stopped") ? "dead" : "stopped");
		cJSON_AddNumberToObject(pl, "pid", (double)pid);
		if (t) {
			cJSON_AddNumberToObject(pl, "started", (double)t);
			if (running)
				cJSON_AddNumberToObject(pl, "uptime", (double)(now - t));
		}
		stages = cJSON_AddArrayToObject(pl, "stages");
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(st, "stages")) {
			cJSON *g = cJSON_CreateObject(), *x;
			long long spid = mv_json_int(s, "pid", 0);
			time_t ts = mv_json_time(s, "started");

			cJSON_AddStringToObject(g, "name", mv_json_str(s, "name", "?"));
			cJSON_AddNumberToObject(g, "pid", (double)spid);
			cJSON_AddBoolToObject(g, "alive", running && mv_pid_alive(spid));
			if (ts && running)
				cJSON_AddNumberToObject(g, "uptime", (double)(now - ts));
			cJSON_AddNumberToObject(g, "restarts", (double)mv_json_int(s, "restarts", 0));
			x = cJSON_GetObjectItemCaseSensitive(s, "lastExit");
			if (cJSON_IsNumber(x))
				cJSON_AddNumberToObject(g, "lastExit", x->valuedouble);
			else
				cJSON_AddNullToObject(g, "lastExit");
			cJSON_AddItemToArray(stages, g);
		}
		if (le && !cJSON_IsNull(le))
			cJSON_AddItemToObject(pl, "lastError", cJSON_Duplicate(le, 1));
		else
			cJSON_AddNullToObject(pl, "lastError");
		cJSON_Delete(st);
	} else {
		cJSON_AddStringToObject(pl, "state", running ? "starting" : "stopped");
		cJSON_AddArrayToObject(pl, "stages");
		cJSON_AddNullToObject(pl, "lastError");
	}
	q = cJSON_AddObjectToObject(o, "queue");
	cJSON_AddNumberToObject(q, "incoming", (double)mv_dir_count("incoming"));
	cJSON_AddNumberToObject(q, "review", (double)mv_review_count());

	lib = cJSON_AddObjectToObject(o, "library");
	idx = load_index("movies", &items);
	cJSON_AddNumberToObject(lib, "movies", cJSON_GetArraySize(items));
	lv = cJSON_AddObjectToObject(lib, "levels");
	ss = cJSON_AddObjectToObject(lib, "statuses");
	for (int l = MV_MINIMAL; l <= MV_DEEP; l++)
		cJSON_AddNumberToObject(lv, mv_level_name((enum mv_level)l), 0);
	cJSON_ArrayForEach(it, items) {
		bump(lv, mv_json_str(it, "level", "unknown"));
		bump(ss, mv_json_str(it, "status", "unknown"));
	}
	cJSON_Delete(idx);
	idx = load_index("people", &items);
	cJSON_AddNumberToObject(lib, "people", cJSON_GetArraySize(items));
	cJSON_Delete(idx);
	return o;
}

static int
v_status(int argc, char **argv)
{
	cJSON *o, *pl, *s, *e;
	char b1[32];

	only_common(argc, argv);
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	open_library();
	o = status_json();
	if (want_json()) {
		put_json(o);
		cJSON_Delete(o);
		return MV_EX_OK;
	}
	pl = cJSON_GetObjectItemCaseSensitive(o, "pipeline");
	printf("pipeline  %s", mv_json_str(pl, "state", "?"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pl, "running")))
		printf(", pid %lld, up %s", mv_json_int(pl, "pid", 0),
		    mv_age_fmt(mv_json_int(pl, "uptime", 0), b1));
	putchar('\n');
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(pl, "stages")) {
		cJSON *le = cJSON_GetObjectItemCaseSensitive(s, "lastExit");

		printf("  %-12s pid %-7lld %-5s up %-7s restarts %lld", mv_json_str(s, "name", "?"),
		    mv_json_int(s, "pid", 0),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "alive")) ? "alive" : "gone",
		    mv_age_fmt(mv_json_int(s, "uptime", 0), b1), mv_json_int(s, "restarts", 0));
		if (cJSON_IsNumber(le))
			printf(", last exit %.0f (%s)", le->valuedouble,
			    mv_exit_name((int)le->valuedouble));
		putchar('\n');
	}
	e = cJSON_GetObjectItemCaseSensitive(pl, "lastError");
	if (e && !cJSON_IsNull(e)) {
		char *t = cJSON_IsString(e) ? mv_xstrdup(e->valuestring) : mv_json_compact(e);

		printf("  last error: %s\n", t);
		free(t);
	}
	s = cJSON_GetObjectItemCaseSensitive(o, "queue");
	printf("queue     %lld in incoming/, %lld in review\n",
	    mv_json_int(s, "incoming", 0), mv_json_int(s, "review", 0));
	s = cJSON_GetObjectItemCaseSensitive(o, "library");
	printf("library   %lld movies, %lld people\n", mv_json_int(s, "movies", 0),
	    mv_json_int(s, "people", 0));
	printf("  levels  ");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, "levels"))
		printf(" %s %.0f", e->string, e->valuedouble);
	printf("\n  status  ");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, "statuses"))
		printf(" %s %.0f", e->string, e->valuedouble);
	putchar('\n');
	cJSON_Delete(o);
	return MV_EX_OK;
}

/* stats: mvstat --summary owns the numbers. */
static int
v_stats(int argc, char **argv)
{
	char *av[] = { "mvstat", "--summary", NULL, NULL };

	only_common(argc, argv);
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	open_library();
	if (want_json())
		av[2] = "--json";
	return mv_tool_exec(av);
}

/* reindex: mvindex --rebuild. */
static int
v_reindex(int argc, char **argv)
{
	char *av[] = { "mvindex", "--rebuild", NULL };

	only_common(argc, argv);
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	open_library();
	return mv_tool_exec(av);
}

/*
 * init: make a new, empty, valid library (the layout and empty indexes).
 * Running it on an existing library changes nothing, so the supervisor
 * and scripts can call it unconditionally before `mvctl check`.
 */
static int
v_init(int argc, char **argv)
{
	const char *dir;
	char *av[] = { "mvindex", "--rebuild", NULL };
	char *index;
	int code, exists;

	only_common(argc, argv);
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	dir = opt_data ? opt_data : mv_config_get("data", NULL);
	if ((code = mv_data_open(dir, 1)) != 0)
		return code;
	index = mv_path("index/movies.json");
	exists = access(index, F_OK) == 0;
	free(index);
	if (exists)
		return MV_EX_OK;
	setenv("MV_DATA", mv_data, 1);
	mv_config_export();
	return mv_tool_run(av, -1, -1);
}

/* downgrade: mvdowngrade with the same options, checked there. */
static int
v_downgrade(int argc, char **argv)
{
	char **av = mv_xcalloc((size_t)argc + 1, sizeof *av);

	/* Only --help and --data are looked at; mvdowngrade checks the rest. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			common_opt('h');
		if ((!strcmp(argv[i], "--data") || !strcmp(argv[i], "-d")) && i + 1 < argc)
			opt_data = argv[i + 1];
		else if (!strncmp(argv[i], "--data=", 7))
			opt_data = argv[i] + 7;
	}
	open_library();
	av[0] = "mvdowngrade";
	for (int i = 1; i < argc; i++)
		av[i] = argv[i];
	return mv_tool_exec(av);
}

/* Journal files oldest first: rotated ones (journal.ndjson.N, larger N
 * older; compressed ones skipped), then journal.ndjson. */
static char **
journal_files(size_t *n)
{
	size_t m;
	char **v = mv_dir_list("events", NULL, &m), **out = mv_xcalloc(m + 1, sizeof *out);

	*n = 0;
	for (size_t i = m; i-- > 0;) {
		const char *s = v[i];

		if (strncmp(s, "journal.ndjson.", 15) || !all_digits(s + 15))
			continue;
		out[(*n)++] = mv_xasprintf("events/%s", s);
	}
	for (size_t i = 0; i < m; i++)
		if (!strcmp(v[i], "journal.ndjson"))
			out[(*n)++] = mv_xstrdup("events/journal.ndjson");
	mv_list_free(v, m);
	return out;
}

struct evfilter {
	const char **types;  /* patterns; NULL-terminated; empty: all */
	time_t since;        /* 0: all */
};

/* Print line if it passes the filter: as is (JSON) or as one text line. */
static void
event_out(const struct evfilter *f, const char *line, size_t len)
{
	const char *why, *type;
	cJSON *ev = mv_event_parse(line, len, &why);
	int ok = !f->types[0];
	time_t t;

	if (!ev)
		return;
	type = mv_event_type(ev);
	for (int i = 0; f->types[i]; i++)
		ok |= mv_event_match(f->types[i], type);
	if (ok && f->since &&
	    (mv_time_parse(mv_json_str(ev, "time", ""), &t) < 0 || t < f->since))
		ok = 0;
	if (ok) {
		if (want_json())
			mv_out_line(line, len);
		else {
			char *d = mv_json_compact(mv_event_data(ev) ? mv_event_data(ev) : ev);

			printf("%s  %-22s %-8s %s\n", mv_json_str(ev, "time", "?"), type,
			    mv_event_subject(ev) ? mv_event_subject(ev) : "-", d);
			free(d);
		}
	}
	cJSON_Delete(ev);
}

/* Print the lines of fd from its current offset; returns the new offset. */
static off_t
event_drain(const struct evfilter *f, int fd, const char *name, off_t off)
{
	struct mv_lines *r = mv_lines_new(fd, name, 1 << 20);
	char *line;
	size_t len;

	while (mv_lines_next(r, &line, &len) > 0)
		event_out(f, line, len);
	mv_lines_free(r);
	(void)off;
	return lseek(fd, 0, SEEK_CUR);
}

static volatile sig_atomic_t stop_follow;
static void on_stop(int sig) { (void)sig; stop_follow = 1; }

static int
v_events(int argc, char **argv)
{
	static const struct option lo[] = {
		{"follow", no_argument, NULL, 'f'},
		{"type", required_argument, NULL, 't'},
		{"since", required_argument, NULL, 's'},
		COMMON_OPTS
	};
	struct evfilter f = { NULL, 0 };
	const char *types[33] = { NULL };
	int c, ntypes = 0, follow = 0, fd = -1;
	long long secs;
	size_t n;
	char **files;

	f.types = types;
	while ((c = getopt_long(argc, argv, "d:hft:", lo, NULL)) != -1) {
		switch (c) {
		case 'f': follow = 1; break;
		case 't':
			if (ntypes == 32)
				usage_error("%s", "too many --type patterns");
			if (strncmp(optarg, "mv.", 3) && strcmp(optarg, "*"))
				usage_error("bad --type \"%s\": expected mv.movie.added or mv.movie.*", optarg);
			types[ntypes++] = !strcmp(optarg, "*") ? "mv.*" : optarg;
			break;
		case 's':
			if (mv_duration_parse(optarg, &secs) < 0)
				usage_error("bad --since \"%s\": expected 90d, 1h, 30m", optarg);
			f.since = mv_now() - (time_t)secs;
			break;
		default: common_opt(c);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	open_library();
	want_json();
	files = journal_files(&n);
	for (size_t i = 0; i < n; i++) {
		char *p = mv_path("%s", files[i]);
		int rfd = open(p, O_RDONLY | O_CLOEXEC);

		if (rfd >= 0) {
			event_drain(&f, rfd, files[i], 0);
			if (follow && i == n - 1 && !strcmp(files[i], "events/journal.ndjson"))
				fd = rfd;
			else
				close(rfd);
		}
		free(p);
	}
	mv_list_free(files, n);
	fflush(stdout);
	mv_out_flush();
	if (!follow)
		return MV_EX_OK;
	/*
	 * Follow by polling (every 200 ms, like tail -F): the journal is
	 * rotated by rename, so a new inode or a shorter file means start
	 * over on the new one. Polling works on every filesystem, inotify not.
	 */
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	{
		char *path = mv_path("events/journal.ndjson");
		struct stat a, b;

		while (!stop_follow) {
			if (fd < 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
				event_drain(&f, fd, "events/journal.ndjson", 0);
			} else if (fd >= 0 && fstat(fd, &a) == 0) {
				if (stat(path, &b) == 0 && (b.st_ino != a.st_ino ||
				    b.st_size < lseek(fd, 0, SEEK_CUR))) {
					event_drain(&f, fd, "events/journal.ndjson", 0);
					close(fd);
					fd = -1;
					continue;
				}
				event_drain(&f, fd, "events/journal.ndjson", 0);
			}
			fflush(stdout);
			mv_out_flush();
			if (ferror(stdout) && errno == EPIPE)
				break;
			poll(NULL, 0, 200);
		}
		free(path);
	}
	if (fd >= 0)
		close(fd);
	return MV_EX_OK;
}

/* ---- the review queue: listing, resolving, rejecting -------------------- */

/*
 * A review entry is a video in quarantine/ with a .why.json beside it
 * that names its movie. It leaves the queue when a choice files it
 * (mvctl add FILE --tmdb N, through mvenrich) or when it is rejected:
 * moved to quarantine/rejected/, never deleted, its movie kept.
 */
#define REVIEW_WAIT_MS 30000   /* how long add waits for a running pipeline */

static int deliver_files(cJSON *events);
static void publish(cJSON *evs);

/* s quoted for sh: '...' with each ' as '\''. malloc'd. */
static char *
sh_quote(const char *s)
{
	struct mv_buf b = {0};

	mv_buf_adds(&b, "'");
	for (; *s; s++)
		if (*s == '\'')
			mv_buf_adds(&b, "'\\''");
		else
			mv_buf_add(&b, s, 1);
	mv_buf_adds(&b, "'");
	return b.buf;
}

/* The data directory, absolute (not resolved through symlinks, so that
 * it is spelled as the tools we run spell it). malloc'd. */
static char *
data_abs(void)
{
	char cwd[PATH_MAX];

	if (mv_data[0] == '/' || !getcwd(cwd, sizeof cwd))
		return mv_xstrdup(mv_data);
	return mv_xasprintf("%s/%s", cwd, mv_data);
}

/*
 * "mvctl", plus --data when this run found its library through --data or
 * --config: a command we print must reach the same library when it is
 * run as printed, from any directory. malloc'd.
 */
static char *
ctl_cmd(void)
{
	char *d, *q, *s;

	if (!opt_data && !opt_config)
		return mv_xstrdup("mvctl");
	d = data_abs();
	q = sh_quote(d);
	s = mv_xasprintf("mvctl --data %s", q);
	free(d);
	free(q);
	return s;
}

/*
 * A FILE argument: from the current directory, else (when relative) from
 * the data directory, which is how review prints its paths. Returns the
 * malloc'd absolute path, spelled under data_abs() when it lies in the
 * library, and in *rel (malloc'd, may be NULL) its data-relative form
 * then; NULL after "unable to <verb> FILE: ...".
 */
static char *
user_file(const char *verb, const char *tok, char **rel)
{
	char *real = realpath(tok, NULL), *p, *rd, *ad;
	int e = errno;
	size_t n;

	*rel = NULL;
	if (!real && e == ENOENT && tok[0] != '/') {
		p = mv_path("%s", tok);
		real = realpath(p, NULL);
		free(p);
	}
	if (!real) {
		errno = e;
		mv_warn("%s %s", verb, tok);
		return NULL;
	}
	if ((rd = realpath(mv_data, NULL)) && (n = strlen(rd)) &&
	    strncmp(real, rd, n) == 0 && real[n] == '/') {
		ad = data_abs();
		*rel = mv_xstrdup(real + n + 1);
		p = mv_xasprintf("%s/%s", ad, *rel);
		free(real);
		free(ad);
		real = p;
	}
	free(rd);
	return real;
}

/* 1 if rel (data-relative) is a video in the queue or set aside. */
static int
in_quarantine(const char *rel)
{
	return rel && strncmp(rel, "quarantine/", 11) == 0 &&
	    !(strlen(rel) > 9 && !strcmp(rel + strlen(rel) - 9, ".why.json"));
}

/* The movie a quarantined video (rel) belongs to: the id its .why.json
 * names, if that movie's video is there. malloc'd, or NULL. */
static char *
queue_movie(const char *rel, cJSON **movie)
{
	char *wrel = mv_xasprintf("%s.why.json", rel), *id = NULL;
	cJSON *w = load_rel(wrel, 0), *m = NULL;
	const char *mid = mv_json_str(w, "movie", NULL);

	if (mid && mv_id_valid(mid, 'm')) {
		char *mrel = mv_xasprintf("Movies/%s.json", mid);

		m = load_rel(mrel, 1);
		free(mrel);
		if (m && !strcmp(mv_json_str(cJSON_GetObjectItemCaseSensitive(m, "video"),
		    "path", ""), rel))
			id = mv_xstrdup(mid);
	}
	if (movie && id)
		*movie = m;
	else
		cJSON_Delete(m);
	cJSON_Delete(w);
	free(wrel);
	return id;
}

/* "Title (Year)" of a profile or a TMDB reply into buf. */
static const char *
title_year(const cJSON *o, char *buf, size_t len)
{
	long long y = mv_json_int(o, "year", 0);

	if (!y)
		y = atoi(mv_json_str(o, "release_date", "0"));
	if (y)
		snprintf(buf, len, "%s (%lld)", mv_json_str(o, "title", "?"), y);
	else
		snprintf(buf, len, "%s", mv_json_str(o, "title", "?"));
	return buf;
}

/* The second line of every refusal: the entry stays, and how to set it
 * aside. */
static void
stays_in_review(const char *rel)
{
	char *cmd = ctl_cmd(), *q = sh_quote(rel);

	mv_warnx("%s stays in review; to set it aside: %s review --reject %s",
	    rel, cmd, q);
	free(cmd);
	free(q);
}

/* The movie (other than id) that owns tmdb:N, or NULL: a claim left by a
 * deleted movie does not count. malloc'd. */
static char *
tmdb_owner(long long tmdb, const char *id)
{
	char val[32], *owner, *p;

	snprintf(val, sizeof val, "%lld", tmdb);
	if (!(owner = mv_claim_owner('m', "tmdb", val)))
		return NULL;
	p = mv_path("Movies/%s.json", owner);
	if ((id && !strcmp(owner, id)) || access(p, F_OK) < 0) {
		free(owner);
		owner = NULL;
	}
	free(p);
	return owner;
}

/*
 * Before a choice for a queued video (rel) goes to mvenrich, say at once
 * what would make it fail: another movie has the film, or TMDB does not
 * know it. Returns 0, or an exit code after saying why and what to do:
 * 65 for a duplicate, the TMDB client's code otherwise (1: no such movie).
 */
static int
review_precheck(const char *rel, const char *movie, long long tmdb)
{
	char *owner = tmdb_owner(tmdb, movie), tb[512];
	cJSON *tm = NULL;
	int code;

	if (owner) {
		char *mrel = mv_xasprintf("Movies/%s.json", owner);
		cJSON *o = load_rel(mrel, 1);
		const char *vp = mv_json_str(cJSON_GetObjectItemCaseSensitive(o, "video"),
		    "path", NULL);

		if (vp)
			mv_warnx("duplicate of %s: %s, tmdb:%lld, is already filed as %s",
			    owner, title_year(o, tb, sizeof tb), tmdb, vp);
		else
			mv_warnx("duplicate of %s: %s, tmdb:%lld, is already in the "
			    "library (without a video)", owner, title_year(o, tb, sizeof tb), tmdb);
		stays_in_review(rel);
		cJSON_Delete(o);
		free(mrel);
		free(owner);
		return MV_EX_DATAERR;
	}
	if ((code = mv_tmdb_movie(tmdb, MV_BASIC, NULL, &tm)) != 0) {
		if (code == MV_EX_NOTFOUND)
			mv_warnx("TMDB has no movie %lld", tmdb);
		stays_in_review(rel);
		return code;
	}
	cJSON_Delete(tm);
	return MV_EX_OK;
}

/* The text of Movies/<id>.json, malloc'd ("" if unreadable): whether
 * mvenrich has saved it since. Not its inode: a save may reuse the
 * number the save before it freed. */
static char *
profile_text(const char *id)
{
	char *p = mv_path("Movies/%s.json", id), *text = NULL;
	size_t len;

	if (mv_slurp(p, 64 << 20, &text, &len) < 0)
		text = mv_xstrdup("");
	free(p);
	return text;
}

/* 1 once mvenrich has finished with a choice for id: its profile was
 * saved since (other than before) and says filed or in review. */
static int
choice_settled(const char *id, const char *before)
{
	char *text = profile_text(id);
	cJSON *m = strcmp(text, before) ? cJSON_Parse(text) : NULL;
	const char *st = mv_json_str(m, "status", "");
	int done = !strcmp(st, "ready") || !strcmp(st, "needs-review");

	cJSON_Delete(m);
	free(text);
	return done;
}

/*
 * After a choice for the queued video rel (movie id, whose profile read
 * before) was delivered with result code: wait for a running
 * pipeline to act on it, then say what became of it. Returns 0 when it
 * was filed, else an exit code after saying why (65 duplicate, 1 no such
 * movie, 75 not done yet: run the command again).
 */
static int
review_outcome(const char *rel, const char *id, const char *before, int code)
{
	const cJSON *v;
	cJSON *m;
	char *mrel, tb[512];
	const char *st, *reason;
	int waited = 0;

	while (!choice_settled(id, before) && waited < REVIEW_WAIT_MS &&
	    mv_pipeline_running()) {
		poll(NULL, 0, 100);
		waited += 100;
	}
	mrel = mv_xasprintf("Movies/%s.json", id);
	m = load_rel(mrel, 1);
	free(mrel);
	v = cJSON_GetObjectItemCaseSensitive(m, "video");
	st = mv_json_str(m, "status", "");
	reason = mv_json_str(cJSON_GetObjectItemCaseSensitive(m, "review"), "reason", "");
	if (!strcmp(st, "ready") && !in_quarantine(mv_json_str(v, "path", NULL))) {
		if (!want_json())
			printf("filed %s: %s, tmdb:%lld, as %s\n", id, title_year(m, tb, sizeof tb),
			    mv_json_int(cJSON_GetObjectItemCaseSensitive(m, "externalIds"), "tmdb", 0),
			    mv_json_str(v, "path", "?"));
		code = MV_EX_OK;
	} else if (!strcmp(st, "needs-review") && choice_settled(id, before)) {
		mv_warnx("unable to file %s: %s", rel, reason);
		stays_in_review(rel);
		code = !strncmp(reason, "duplicate of ", 13) ? MV_EX_DATAERR : MV_EX_NOTFOUND;
	} else {
		mv_warnx("%s is not filed yet (%s is %s): run the same command again later",
		    rel, id, *st ? st : "unreadable");
		code = code ? code : MV_EX_TEMPFAIL;
	}
	cJSON_Delete(m);
	return code;
}

/* A free name for base in dir (absolute): base, "stem (2).ext"... malloc'd
 * absolute path, or NULL (EEXIST) when none is free. */
static char *
free_name(const char *dir, const char *base)
{
	const char *dot = strrchr(base, '.');
	int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);

	for (int i = 1; i < 1000; i++) {
		char *p = i == 1 ? mv_xasprintf("%s/%s", dir, base) :
		    mv_xasprintf("%s/%.*s (%d)%s", dir, stem, base, i, base + stem);

		if (access(p, F_OK) < 0 && errno == ENOENT)
			return p;
		free(p);
	}
	errno = EEXIST;
	return NULL;
}

/*
 * Move the queued video rel into quarantine/rejected/ under the library
 * lock. The .why.json records the target first (rejectedAs), so that a
 * run after a crash finishes the same move. Sets *to (malloc'd, data-
 * relative) and returns 0, or an exit code after a message.
 */
static int
reject_move(const char *rel, cJSON *w, char **to)
{
	char *src = mv_path("%s", rel), *wpath = mv_path("%s.why.json", rel), *dir;
	const char *plan = mv_json_str(w, "rejectedAs", NULL), *b = strrchr(rel, '/') + 1;
	char *dst = plan ? mv_path("%s", plan) : NULL;
	int code = MV_EX_OK;

	dir = mv_path("quarantine/rejected");
	if (access(src, F_OK) == 0) {
		if (!dst || access(dst, F_OK) == 0) {
			free(dst);
			if (mv_mkdir_p(dir, 0755) < 0 || !(dst = free_name(dir, b))) {
				dst = NULL;
				mv_warn("reject %s", rel);
				code = mv_exit_for_errno(errno);
				goto out;
			}
		}
		mv_json_set(w, "rejectedAs", cJSON_CreateString(dst + strlen(mv_data) + 1));
		if (mv_write_json(wpath, w) < 0 ||
		    renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) < 0 ||
		    mv_fsync_dir(dst) < 0 || mv_fsync_dir(src) < 0) {
			mv_warn("move %s to %s", rel, dst + strlen(mv_data) + 1);
			code = mv_exit_for_errno(errno);
			goto out;
		}
	} else if (!dst || access(dst, F_OK) < 0) {
		mv_warnx("unable to reject %s: the video is not there", rel);
		code = MV_EX_NOINPUT;
		goto out;
	}
	*to = mv_xstrdup(dst + strlen(mv_data) + 1);
out:
	free(src);
	free(wpath);
	free(dst);
	free(dir);
	return code;
}

/*
 * review --reject FILE: take a video out of the queue without deciding
 * what it is. The video moves to quarantine/rejected/ with its .why.json
 * (rejectedAt added); its movie stays needs-review, pointing there, so
 * that mvctl add can still file it. Returns an exit code.
 */
static int
review_reject(const char *tok)
{
	char *path, *rel = NULL, *to = NULL, *id, *wrel = NULL, *p, now[32];
	cJSON *w = NULL, *m = NULL, *evs, *d;
	int lock, code;

	if (!(path = user_file("reject", tok, &rel)))
		return MV_EX_NOINPUT;
	free(path);
	if (rel)
		wrel = mv_xasprintf("%s.why.json", rel);
	if (!in_quarantine(rel) || strchr(rel + 11, '/') || !(w = load_rel(wrel, 1))) {
		mv_warnx("unable to reject %s: not in the review queue (mvctl review lists it)", tok);
		free(rel);
		free(wrel);
		return MV_EX_NOTFOUND;
	}
	/* mvenrich files under this lock too: never both on one video. */
	if ((lock = mv_lock("library", 1)) < 0)
		mv_die(mv_exit_for_errno(errno), "lock run/library.lock");
	id = queue_movie(rel, &m);
	if ((code = reject_move(rel, w, &to)) == MV_EX_OK) {
		cJSON_DeleteItemFromObjectCaseSensitive(w, "rejectedAs");
		mv_json_set(w, "file", cJSON_CreateString(to));
		mv_json_set(w, "rejectedAt", cJSON_CreateString(mv_time_fmt(mv_now(), now)));
		p = mv_path("%s.why.json", to);
		if (mv_write_json(p, w) < 0)
			mv_die(mv_exit_for_errno(errno), "write %s.why.json", to);
		free(p);
		if (m) {
			mv_json_set(cJSON_GetObjectItemCaseSensitive(m, "video"), "path",
			    cJSON_CreateString(to));
			if (mv_movie_save(m) < 0)
				mv_die(mv_exit_for_errno(errno), "write movie %s", id);
		}
		/* Last: until now a crash left the entry to run this again. */
		p = mv_path("%s", wrel);
		if (unlink(p) < 0 && errno != ENOENT)
			mv_die(mv_exit_for_errno(errno), "remove %s", wrel);
		mv_fsync_dir(p);
		free(p);
	}
	close(lock);
	if (code == MV_EX_OK && !want_json())
		printf("rejected %s: set aside as %s%s%s%s\n", rel, to,
		    id ? "; " : "", id ? id : "", id ? " stays needs-review" : "");
	if (code == MV_EX_OK && id) {
		/* The index keeps each movie's video path: tell it. */
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddStringToObject(d, "path", to);
		p = mv_xasprintf("rejected by the user (%s)", mv_json_str(w, "reason", "needs review"));
		cJSON_AddStringToObject(d, "reason", p);
		free(p);
		cJSON_AddItemToObject(d, "candidates", cJSON_IsArray(cJSON_GetObjectItem(w, "candidates")) ?
		    cJSON_Duplicate(cJSON_GetObjectItem(w, "candidates"), 1) : cJSON_CreateArray());
		evs = cJSON_CreateArray();
		cJSON_AddItemToArray(evs, mv_event_new("mv.movie.needs-review", id, d));
		publish(evs);
	}
	cJSON_Delete(w);
	cJSON_Delete(m);
	free(id);
	free(to);
	free(rel);
	free(wrel);
	return code;
}

/* The commands that resolve one entry, each runnable as printed, with a
 * comment after "#" that says what it does. */
static void
put_resolutions(const char *file, const cJSON *w)
{
	const cJSON *c;
	cJSON *m = NULL;
	char *cmd = ctl_cmd(), *q = sh_quote(file), *id = queue_movie(file, &m), tb[512];
	struct mv_name nm;
	char *title;

	/* The title to search: the movie's, else what the name says. */
	mv_parse_name(file, &nm);
	title = sh_quote(mv_json_str(m, "title", nm.title ? nm.title : ""));
	mv_name_free(&nm);

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(w, "candidates")) {
		long long t = mv_json_int(c, "tmdb", 0);
		char *owner = t > 0 ? tmdb_owner(t, id) : NULL;

		if (t <= 0)
			continue;
		title_year(c, tb, sizeof tb);
		/* Filing it so would only say "duplicate": no command. */
		if (owner)
			printf("  # tmdb:%lld %s is %s already\n", t, tb, owner);
		else
			printf("  %s add %s --tmdb %-8lld # %s\n", cmd, q, t, tb);
		free(owner);
	}
	/* mvctl's --data prefix suits mvfetch too: the same option. */
	printf("  mvfetch%s search %s # another film: its TMDB id goes after --tmdb\n",
	    cmd + strlen("mvctl"), title);
	printf("  %s review --reject %s # none of these: set it aside\n", cmd, q);
	cJSON_Delete(m);
	free(title);
	free(cmd);
	free(q);
	free(id);
}

/* review: the quarantine queue, each item with the commands that
 * resolve it; --reject FILE takes one out. */
static int
v_review(int argc, char **argv)
{
	static const struct option lo[] = {
		{"reject", required_argument, NULL, 'r'},
		COMMON_OPTS
	};
	const char *reject = NULL;
	size_t n;
	char **v;
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		if (c == 'r')
			reject = optarg;
		else
			common_opt(c);
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	open_library();
	if (reject)
		return review_reject(reject);
	v = mv_dir_list("quarantine", ".why.json", &n);
	for (size_t i = 0; i < n; i++) {
		char *rel = mv_xasprintf("quarantine/%s", v[i]), *file;
		cJSON *w = load_rel(rel, 1);

		/* The quarantined file is the .why.json's name without it. */
		file = mv_xstrndup(rel, strlen(rel) - strlen(".why.json"));
		if (w && want_json()) {
			mv_json_set(w, "file", cJSON_CreateString(file));
			put_json(w);
		} else if (w) {
			printf("%s: %s\n", file, mv_json_str(w, "reason", "no reason given"));
			put_resolutions(file, w);
		}
		cJSON_Delete(w);
		free(file);
		free(rel);
	}
	if (!want_json() && isatty(1))
		printf("%zu item%s in review\n", n, n == 1 ? "" : "s");
	mv_list_free(v, n);
	return MV_EX_OK;
}

/* ---- verbs: request, open, enrich -------------------------------------- */

/* An mv.movie.requested event for id, asking for level (NULL: next).
 * reason is "user" (a read, counted by mvstat) or "maintenance". */
static cJSON *
request_event(const char *id, const char *level, const char *reason)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "id", id);
	if (level)
		cJSON_AddStringToObject(d, "level", level);
	cJSON_AddStringToObject(d, "reason", reason);
	return mv_event_new("mv.movie.requested", id, d);
}

/* Check a --level argument; returns the canonical name. */
static const char *
level_arg(const char *s)
{
	enum mv_level l = mv_level_parse(s);

	if (l == MV_LEVEL_BAD)
		usage_error("bad level \"%s\": minimal, basic (light), medium or deep", s);
	return mv_level_name(l);
}

/* request and open: one mv.movie.requested, "what a click does". */
static int
v_request(int argc, char **argv)
{
	static const struct option lo[] = {
		{"level", required_argument, NULL, 'l'},
		COMMON_OPTS
	};
	const char *level = NULL;
	cJSON *evs;
	char *id;
	int c;

	while ((c = getopt_long(argc, argv, "d:hl:", lo, NULL)) != -1) {
		if (c == 'l' && strcmp(cur->name, "open"))
			level = level_arg(optarg);
		else
			common_opt(c);
	}
	if (argc - optind != 1)
		usage_error("%s", "expected one movie ID");
	open_library();
	if (!(id = resolve_id('m', argv[optind])))
		return MV_EX_NOTFOUND;
	evs = cJSON_CreateArray();
	cJSON_AddItemToArray(evs, request_event(id, level, "user"));
	free(id);
	return send_events(evs);
}

/* enrich: a request at --level for one movie, or for --all below it. */
static int
v_enrich(int argc, char **argv)
{
	static const struct option lo[] = {
		{"level", required_argument, NULL, 'l'},
		{"all", no_argument, NULL, 'a'},
		COMMON_OPTS
	};
	const char *level = NULL;
	int c, all = 0;
	cJSON *evs, *idx, *items, *it;
	char *id;

	while ((c = getopt_long(argc, argv, "d:hl:a", lo, NULL)) != -1) {
		switch (c) {
		case 'l': level = level_arg(optarg); break;
		case 'a': all = 1; break;
		default: common_opt(c);
		}
	}
	if (!level)
		usage_error("%s", "--level is required");
	if (all != (argc - optind == 0) || argc - optind > 1)
		usage_error("%s", "expected one movie ID or --all");
	open_library();
	evs = cJSON_CreateArray();
	if (!all) {
		if (!(id = resolve_id('m', argv[optind]))) {
			cJSON_Delete(evs);
			return MV_EX_NOTFOUND;
		}
		cJSON_AddItemToArray(evs, request_event(id, level, "maintenance"));
		free(id);
		return send_events(evs);
	}
	/* Only the movies below the level: a request never lowers one. */
	idx = load_index("movies", &items);
	cJSON_ArrayForEach(it, items)
		if (mv_level_parse(mv_json_str(it, "level", "")) < mv_level_parse(level))
			cJSON_AddItemToArray(evs, request_event(mv_json_str(it, "id", "?"),
			    level, "maintenance"));
	cJSON_Delete(idx);
	if (!cJSON_GetArraySize(evs)) {
		if (isatty(1))
			printf("every movie is at %s or above\n", level);
		cJSON_Delete(evs);
		return MV_EX_OK;
	}
	return send_events(evs);
}

/* ---- verbs: check, migrate --------------------------------------------- */

/* What check counts; kind names in JSON output. notes are what is not
 * wrong with the library but wants a look (a subtitle left in incoming/). */
struct check {
	long docs, invalid, orphans, missed, halfdone, index, notes;
	char **videos;        /* video paths the profiles point at, sorted */
	size_t nvideos;
	struct mv_schemas *set;
	const char *rel;      /* document being validated */
};

/* Report one problem: "file: pointer: keyword: message" as text, or an
 * NDJSON object {kind, file, pointer, keyword, message}. */
static void __attribute__((format(printf, 5, 6)))
problem(const char *kind, const char *file, const char *pointer,
    const char *keyword, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "severity", "problem");
		cJSON_AddStringToObject(o, "file", file);
		if (pointer)
			cJSON_AddStringToObject(o, "pointer", pointer);
		if (keyword)
			cJSON_AddStringToObject(o, "keyword", keyword);
		cJSON_AddStringToObject(o, "message", msg);
		put_json(o);
		cJSON_Delete(o);
		return;
	}
	printf("%s: ", file);
	if (pointer)
		printf("%s: ", *pointer ? pointer : "(root)");
	if (keyword)
		printf("%s: ", keyword);
	printf("%s\n", msg);
}

static void
schema_err(void *ctx, const char *pointer, const char *keyword, const char *msg)
{
	problem("schema", ((struct check *)ctx)->rel, pointer, keyword, "%s", msg);
}

/* Progress on stderr, only when it is a terminal; done ends the line. */
static void
progress(const char *what, long n, long total, int done)
{
	if (!isatty(2) || (!done && n % 200))
		return;
	fprintf(stderr, "\r%s %ld/%ld", what, n, total);
	if (done)
		fputs("\r\033[K", stderr);
}

/*
 * Report every string (member name or value) under it that is not
 * UTF-8, by JSON pointer (ptr holds it so far, len bytes). cJSON keeps
 * such bytes as they are, and the schemas cannot see them; JSON text is
 * UTF-8 (RFC 8259), and a browser showing mvserve's pages would get
 * replacement characters. Returns how many.
 */
static int
check_utf8(const char *rel, const cJSON *it, char *ptr, size_t len, size_t cap)
{
	const cJSON *c;
	int n = 0, i = 0;

	if (cJSON_IsString(it) && !mv_utf8_valid(it->valuestring, strlen(it->valuestring))) {
		problem("schema", rel, ptr, NULL, "not UTF-8");
		n++;
	}
	cJSON_ArrayForEach(c, it) {
		size_t m = len;

		if (cJSON_IsObject(it)) {
			const char *k = c->string;

			if (!mv_utf8_valid(k, strlen(k))) {
				problem("schema", rel, ptr, NULL, "a member name is not UTF-8");
				n++;
				continue;
			}
			/* RFC 6901: "~" is "~0", "/" is "~1". */
			if (m + 1 < cap)
				ptr[m++] = '/';
			for (; *k && m + 2 < cap; k++) {
				if (*k == '~' || *k == '/') {
					ptr[m++] = '~';
					ptr[m++] = *k == '~' ? '0' : '1';
				} else
					ptr[m++] = *k;
			}
		} else
			m += (size_t)snprintf(ptr + m, cap - m, "/%d", i++);
		if (m >= cap)
			m = cap - 1;
		ptr[m] = '\0';
		n += check_utf8(rel, c, ptr, m, cap);
		ptr[len] = '\0';
	}
	return n;
}

/* Validate one stored document; collect movie video paths. */
static void
check_doc(struct check *c, const char *rel)
{
	const char *name = mv_schema_for_path(rel), *slash, *id;
	cJSON *doc = load_rel(rel, 0);
	char *path;
	size_t len;
	int n;

	c->docs++;
	if (!doc) {
		problem("schema", rel, NULL, NULL, "unable to read: %s",
		    errno ? strerror(errno) : "invalid JSON");
		c->invalid++;
		return;
	}
	c->rel = rel;
	n = name ? mv_schema_validate(c->set, name, doc, schema_err, c) : 0;
	{
		char ptr[1024] = "";

		n += check_utf8(rel, doc, ptr, 0, sizeof ptr);
	}
	/* A record's id is its file name: "Movies/m3.json" holds m3. */
	slash = strrchr(rel, '/');
	id = mv_json_str(doc, "id", NULL);
	len = strlen(slash + 1) - 5;
	if (strncmp(rel, "index/", 6) &&
	    (!id || strlen(id) != len || strncmp(id, slash + 1, len))) {
		problem("schema", rel, "/id", NULL, "id does not match the file name");
		n++;
	}
	if (!strncmp(rel, "Movies/", 7) &&
	    (path = (char *)mv_json_str(cJSON_GetObjectItemCaseSensitive(doc, "video"), "path", NULL))) {
		char *full = mv_path("%s", path);

		if (access(full, F_OK) < 0) {
			problem("video", rel, "/video/path", NULL, "video missing: %s", path);
			n++;
		}
		free(full);
		c->videos = mv_xrealloc(c->videos, (c->nvideos + 1) * sizeof *c->videos);
		c->videos[c->nvideos++] = mv_xstrdup(path);
	}
	c->invalid += n > 0;
	cJSON_Delete(doc);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
check_orphan(void *ctx, const char *rel, const struct stat *st)
{
	struct check *c = ctx;

	(void)st;
	/* Subtitles, NFO, artwork and extras live beside the films in
	 * their folders; only a film needs a profile. */
	if (mv_media_kind(rel + strlen("assets/videos/")) != MV_MEDIA_VIDEO)
		return 0;
	/* No profile has a video: c->videos is NULL, which bsearch must
	 * not be given (UBSan: nonnull). */
	if (!c->nvideos || !bsearch(&rel, c->videos, c->nvideos, sizeof *c->videos, cmp_str)) {
		problem("orphan", rel, NULL, NULL, "no profile points at this video");
		c->orphans++;
	}
	return 0;
}

static long long incoming_grace;

/* What to do about a file of each kind that is not a video, left in
 * incoming/: it is not wrong, the pipeline just never files it. */
static const char *const incoming_advice[] = {
	[MV_MEDIA_SUBTITLE] = "remove it or keep it beside its video",
	[MV_MEDIA_NFO] = "remove it or keep it beside its video",
	[MV_MEDIA_ARTWORK] = "remove it or keep it beside its video",
	[MV_MEDIA_EXTRA] = "remove it or keep it beside its video",
	[MV_MEDIA_SAMPLE] = "remove it",
	[MV_MEDIA_ARCHIVE] = "extract its video into incoming/, then remove it",
	[MV_MEDIA_JUNK] = "remove it",
	[MV_MEDIA_PARTIAL] = "a download not finished: it is filed once it has "
	    "its final name; remove it if the download was abandoned",
	[MV_MEDIA_OTHER] = "remove it",
};

/* Something to look at that is not a problem: "note: file message" as
 * text, or {kind, severity:"note", file, media, message}. */
static void
note(const char *kind, const char *file, const char *media, const char *msg)
{
	if (want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "severity", "note");
		cJSON_AddStringToObject(o, "file", file);
		cJSON_AddStringToObject(o, "media", media);
		cJSON_AddStringToObject(o, "message", msg);
		put_json(o);
		cJSON_Delete(o);
		return;
	}
	printf("note: %s %s\n", file, msg);
}

/* Only a video left in incoming/ past the grace is a problem: the
 * pipeline should have filed it. Anything else never will be, by
 * design (mv_media_kind), so it is a note saying what to do. */
static int
check_incoming(void *ctx, const char *rel, const struct stat *st)
{
	struct check *c = ctx;
	long long age = (long long)(mv_now() - st->st_mtime);
	enum mv_media kind = mv_media_kind(rel + strlen("incoming/"));
	char b[32], msg[256];

	if (age < incoming_grace)
		return 0;
	if (kind == MV_MEDIA_VIDEO) {
		problem("incoming", rel, NULL, NULL, "not filed after %s", mv_age_fmt(age, b));
		c->missed++;
		return 0;
	}
	snprintf(msg, sizeof msg, "is not a video (%s); it stays there (%s)",
	    mv_media_name(kind), incoming_advice[kind]);
	note("incoming", rel, mv_media_name(kind), msg);
	c->notes++;
	return 0;
}

/* Every stored document, data-relative: Movies/, People/, index/. */
static char **
all_docs(size_t *n)
{
	static const char *const dirs[] = { "Movies", "People" };
	char **out = NULL;

	*n = 0;
	for (size_t d = 0; d < 2; d++) {
		size_t m;
		char **v = mv_dir_list(dirs[d], ".json", &m);

		out = mv_xrealloc(out, (*n + m + 2) * sizeof *out);
		for (size_t i = 0; i < m; i++)
			out[(*n)++] = mv_xasprintf("%s/%s", dirs[d], v[i]);
		mv_list_free(v, m);
	}
	out = mv_xrealloc(out, (*n + 2) * sizeof *out);
	for (size_t i = 0; i < 2; i++) {
		char *rel = mv_xstrdup(i ? "index/people.json" : "index/movies.json");
		char *p = mv_path("%s", rel);

		if (access(p, F_OK) == 0)
			out[(*n)++] = rel;
		else
			free(rel);
		free(p);
	}
	return out;
}

/* Run every check; prints problems, returns the number found. */
static long
run_checks(struct check *c)
{
	char *av[] = { "mvindex", "--check", NULL };
	const char *g = mv_config_get("incoming_grace", "1h");
	size_t n, nh;
	char **docs = all_docs(&n), **half;
	int st;

	if (mv_duration_parse(g, &incoming_grace) < 0)
		mv_diex(MV_EX_CONFIG, "bad incoming_grace \"%s\": expected 1h, 30m", g);
	c->set = load_schemas();
	for (size_t i = 0; i < n; i++) {
		check_doc(c, docs[i]);
		progress("checked", (long)i + 1, (long)n, 0);
	}
	progress("checked", (long)n, (long)n, 1);
	mv_list_free(docs, n);
	mv_schemas_free(c->set);

	/* mvindex owns what "consistent" means; its report goes to stderr
	 * in JSON mode so stdout stays NDJSON. */
	st = mv_tool_run(av, -1, want_json() ? 2 : -1);
	if (st == 127)
		problem("index", "index/", NULL, NULL, "unable to run mvindex --check");
	else if (st != 0)
		problem("index", "index/", NULL, NULL, "inconsistent with Movies/ and People/ "
		    "(mvindex --check exit %d)", st);
	c->index = st == 127 ? 2 : st != 0;

	if (c->nvideos)
		qsort(c->videos, c->nvideos, sizeof *c->videos, cmp_str);
	mv_walk("assets/videos", check_orphan, c);
	mv_walk("incoming", check_incoming, c);
	half = mv_dir_list("run/filing", NULL, &nh);
	for (size_t i = 0; i < nh; i++) {
		char *rel = mv_xasprintf("run/filing/%s", half[i]);

		problem("filing", rel, NULL, NULL, "half-done filing (mvctl repair finishes it)");
		free(rel);
	}
	c->halfdone = (long)nh;
	mv_list_free(half, nh);
	mv_list_free(c->videos, c->nvideos);
	return c->invalid + c->index + c->orphans + c->missed + c->halfdone;
}

/*
 * check, and check --boot for the supervisor: the same report, but
 * --boot fails only for what makes running the pipeline unsafe, an
 * invalid document or a filing left half done after the boot recovery.
 * A video waiting in incoming/, an orphan or a stale index are the
 * pipeline's to fix (it files, mvindex rebuilds), not reasons to stay
 * down.
 */
static int
v_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{"boot", no_argument, NULL, 'b'},
		COMMON_OPTS
	};
	struct check c = { 0 };
	long bad, blocking;
	int opt, boot = 0;

	while ((opt = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		if (opt == 'b')
			boot = 1;
		else
			common_opt(opt);
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	report_text();
	open_library();
	bad = run_checks(&c);
	blocking = c.invalid + c.halfdone;
	if (want_json()) {
		cJSON *o = cJSON_CreateObject(), *s = cJSON_AddObjectToObject(o, "summary");

		cJSON_AddNumberToObject(s, "documents", (double)c.docs);
		cJSON_AddNumberToObject(s, "invalid", (double)c.invalid);
		cJSON_AddBoolToObject(s, "indexConsistent", !c.index);
		cJSON_AddBoolToObject(s, "indexChecked", c.index != 2);
		cJSON_AddNumberToObject(s, "orphanVideos", (double)c.orphans);
		cJSON_AddNumberToObject(s, "missedIncoming", (double)c.missed);
		cJSON_AddNumberToObject(s, "halfDoneFilings", (double)c.halfdone);
		cJSON_AddNumberToObject(s, "notes", (double)c.notes);
		cJSON_AddBoolToObject(s, "ok", bad == 0);
		cJSON_AddBoolToObject(s, "bootOk", blocking == 0);
		put_json(o);
		cJSON_Delete(o);
	} else
		printf("check: %ld documents, %ld invalid; index %s; %ld orphan videos; "
		    "%ld missed in incoming/; %ld half-done filings; %ld notes: %s\n", c.docs,
		    c.invalid, c.index == 2 ? "unchecked" : c.index ? "inconsistent" : "consistent", c.orphans,
		    c.missed, c.halfdone, c.notes, !bad ? "ok" : boot && !blocking ?
		    "ok to start" : "FAILED");
	return (boot ? blocking : bad) ? MV_EX_NOTFOUND : MV_EX_OK;
}

/*
 * Migrate every stored document to MV_SCHEMA_VERSION, each atomically.
 * Counts go to *done, *current, *failed. Prints one line per change.
 * Returns 0, or the exit code of the first document that could not be
 * written (74 full disk, 73 no permission): the disk's fault, not the data's.
 */
static int
migrate_all(int dry, long *done, long *current, long *failed)
{
	int io = 0;
	size_t n;
	char **docs = all_docs(&n);

	*done = *current = *failed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = mv_schema_for_path(docs[i]);
		char kind[32], *path;
		cJSON *doc = load_rel(docs[i], 1);
		int from = 0, r, e = errno;

		progress("migrated", (long)i + 1, (long)n, 0);
		/* A read that failed is an I/O error, not bad data. */
		if (!doc && e && !io)
			io = mv_exit_for_read_errno(e);
		if (!doc || !name) {
			++*failed;
			cJSON_Delete(doc);
			continue;
		}
		snprintf(kind, sizeof kind, "%.*s", (int)(strlen(name) - 5), name);
		if ((r = mv_schema_migrate(doc, kind, &from)) < 0) {
			mv_warnx("unable to migrate %s: unknown schemaVersion %d", docs[i], from);
			++*failed;
		} else if (r == 0)
			++*current;
		else {
			path = mv_path("%s", docs[i]);
			if (!dry && mv_write_json(path, doc) < 0) {
				mv_warn("write %s", docs[i]);
				if (!io)
					io = mv_exit_for_errno(errno);
				++*failed;
			} else {
				if (!want_json())
					printf("%s: schemaVersion %d -> %d%s\n", docs[i], from,
					    MV_SCHEMA_VERSION, dry ? " (dry run)" : "");
				++*done;
			}
			free(path);
		}
		cJSON_Delete(doc);
	}
	progress("migrated", (long)n, (long)n, 1);
	mv_list_free(docs, n);
	return io;
}

static int
v_migrate(int argc, char **argv)
{
	static const struct option lo[] = {
		{"dry-run", no_argument, NULL, 'n'},
		COMMON_OPTS
	};
	long done, current, failed;
	int c, dry = 0, io;

	while ((c = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		if (c == 'n')
			dry = 1;
		else
			common_opt(c);
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	report_text();
	open_library();
	if (!dry)
		need_pipeline_stopped();
	io = migrate_all(dry, &done, &current, &failed);
	/* Rewritten profiles: the index is built from them. */
	if (!dry && done && mv_index_rebuild_locked(0) != 0)
		mv_warnx("the index is stale: run mvctl reindex");
	if (want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "migrated", (double)done);
		cJSON_AddNumberToObject(o, "current", (double)current);
		cJSON_AddNumberToObject(o, "failed", (double)failed);
		cJSON_AddBoolToObject(o, "dryRun", dry);
		put_json(o);
		cJSON_Delete(o);
	} else
		printf("migrate: %ld %smigrated, %ld already at version %d, %ld failed\n",
		    done, dry ? "would be " : "", current, MV_SCHEMA_VERSION, failed);
	return io ? io : failed ? MV_EX_DATAERR : MV_EX_OK;
}

/* ---- verbs: gc, repair, add, parse -------------------------------------- */

/* The sorted paths profiles point at. */
struct gcused {
	char **v;
	size_t n;
};

/* mv_evict's keep: an image a profile points at goes after the others. */
static int
gc_in_use(void *ctx, const char *rel)
{
	struct gcused *used = ctx;

	return bsearch(&rel, used->v, used->n, sizeof *used->v, cmp_str) != NULL;
}

/* Image paths the profiles point at (images.poster/backdrop, image). */
static char **
used_images(size_t *n)
{
	size_t nd;
	char **docs = all_docs(&nd), **out = NULL;

	*n = 0;
	for (size_t i = 0; i < nd; i++) {
		cJSON *d = strncmp(docs[i], "index/", 6) ? load_rel(docs[i], 0) : NULL;
		cJSON *im = cJSON_GetObjectItemCaseSensitive(d, "images");
		const char *p[3] = { mv_json_str(im, "poster", NULL),
		    mv_json_str(im, "backdrop", NULL), mv_json_str(d, "image", NULL) };

		for (size_t k = 0; k < 3; k++)
			if (p[k]) {
				out = mv_xrealloc(out, (*n + 1) * sizeof *out);
				out[(*n)++] = mv_xstrdup(p[k]);
			}
		cJSON_Delete(d);
	}
	mv_list_free(docs, nd);
	if (*n)
		qsort(out, *n, sizeof *out, cmp_str);
	return out;
}

/* Trim rel to max bytes (mv_evict's order, images in use last);
 * report; returns the bytes freed. */
static long long
gc_dir(const char *rel, long long max, int dry, char **used, size_t nused)
{
	struct gcused u = { used, nused };
	struct mv_evict_stats s;

	mv_evict(rel, max, max, used ? gc_in_use : NULL, &u, dry, &s);
	if (want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "dir", rel);
		cJSON_AddNumberToObject(o, "bound", (double)max);
		cJSON_AddNumberToObject(o, "before", (double)s.before);
		cJSON_AddNumberToObject(o, "after", (double)s.after);
		cJSON_AddNumberToObject(o, "removed", (double)s.removed);
		cJSON_AddBoolToObject(o, "dryRun", dry);
		put_json(o);
		cJSON_Delete(o);
	} else
		printf("%s: %lld bytes, bound %lld: %s%zu files, %lld bytes\n", rel,
		    s.before, max, dry ? "would remove " : "removed ", s.removed, s.freed);
	return s.freed;
}

/* A size option or configuration value, or a usage/config error. */
static long long
size_arg(const char *what, const char *s, int code)
{
	long long b;

	if (mv_size_parse(s, &b) < 0) {
		mv_warnx("bad size for %s: \"%s\" (expected 512M, 2G)", what, s);
		if (code == MV_EX_USAGE)
			verb_usage(stderr);
		exit(code);
	}
	return b;
}

static int
v_gc(int argc, char **argv)
{
	static const struct option lo[] = {
		{"cache-max", required_argument, NULL, 'c'},
		{"images-max", required_argument, NULL, 'i'},
		{"dry-run", no_argument, NULL, 'n'},
		COMMON_OPTS
	};
	const char *cm = NULL, *im = NULL;
	long long cmax, imax;
	size_t nused;
	char **used;
	int c, dry = 0;

	while ((c = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		switch (c) {
		case 'c': cm = optarg; size_arg("--cache-max", cm, MV_EX_USAGE); break;
		case 'i': im = optarg; size_arg("--images-max", im, MV_EX_USAGE); break;
		case 'n': dry = 1; break;
		default: common_opt(c);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	report_text();
	open_library();
	cmax = cm ? size_arg("--cache-max", cm, MV_EX_USAGE) :
	    size_arg("tmdb_cache_max", mv_config_get("tmdb_cache_max", "64M"), MV_EX_CONFIG);
	imax = im ? size_arg("--images-max", im, MV_EX_USAGE) :
	    size_arg("images_max", mv_config_get("images_max", "2G"), MV_EX_CONFIG);
	gc_dir("cache/tmdb", cmax, dry, NULL, 0);
	used = used_images(&nused);
	gc_dir("assets/images", imax, dry, used, nused);
	mv_list_free(used, nused);
	return MV_EX_OK;
}

/*
 * Run events (an array, consumed) through "mvenrich | mvstat | mvindex"
 * as children, as the pipeline would: mvindex last, so the index hears
 * of every event the others emit (mv.stats.updated: lastRead). Their
 * events go to our stdout in JSON mode, else nowhere. Returns the exit
 * code of the first stage that failed, or 0.
 */
static int
run_stages(cJSON *events)
{
	static char *enrich[] = { "mvenrich", NULL }, *stat[] = { "mvstat", NULL },
	    *index[] = { "mvindex", NULL };
	char **stage[] = { enrich, stat, index };
	enum { NSTAGE = sizeof stage / sizeof *stage };
	pid_t pid[NSTAGE + 1];
	int p[2], in, out, final, st[NSTAGE + 1];
	cJSON *ev;

	final = want_json() ? 1 : open("/dev/null", O_WRONLY | O_CLOEXEC);
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
static int
deliver_files(cJSON *events)
{
	int sent, st = deliver(events, &sent);

	if (sent && !want_json())
		printf("sent to the running pipeline\n");
	return st;
}

/* An mv.file.added event for path (absolute), with an optional TMDB id
 * that wins over matching; NULL after a message if path is no file. */
static cJSON *
file_event(const char *path, long long tmdb)
{
	struct stat st;
	cJSON *d;

	if (stat(path, &st) < 0) {
		mv_warn("add %s", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		mv_warnx("unable to add %s: not a regular file", path);
		return NULL;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "path", path);
	cJSON_AddNumberToObject(d, "size", (double)st.st_size);
	cJSON_AddNumberToObject(d, "dev", (double)st.st_dev);
	cJSON_AddNumberToObject(d, "ino", (double)st.st_ino);
	cJSON_AddNumberToObject(d, "mtime", (double)st.st_mtim.tv_sec +
	    st.st_mtim.tv_nsec / 1e9);
	if (tmdb)
		cJSON_AddNumberToObject(d, "tmdb", (double)tmdb);
	return mv_event_new("mv.file.added", path, d);
}

/* Copy src into run/add/ (not watched, same filesystem as the library),
 * fsync'd. Returns the malloc'd absolute path of the copy, or NULL. */
static char *
copy_in(const char *src)
{
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	char *dir = mv_path("run/add"), *dst, buf[1 << 16];
	int in, outfd;
	ssize_t r;

	mv_mkdir_p(dir, 0755);
	dst = mv_xasprintf("%s/%s", dir, base);
	free(dir);
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		mv_warn("read %s", src);
		free(dst);
		return NULL;
	}
	if ((outfd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		mv_warn("create %s", dst);
		goto fail;
	}
	while ((r = read(in, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || mv_write_all(outfd, buf, (size_t)r) < 0) {
			mv_warn("copy %s", src);
			close(outfd);
			unlink(dst);
			goto fail;
		}
	}
	if (fsync(outfd) < 0 || close(outfd) < 0) {
		mv_warn("copy %s", src);
		unlink(dst);
		goto fail;
	}
	close(in);
	return dst;
fail:
	close(in);
	free(dst);
	return NULL;
}

/* Print the candidates of a TMDB search reply: "tmdb:N  Title (Year)". */
static void
put_candidates(const cJSON *results)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, results)
		fprintf(stderr, "  tmdb:%-8lld %s (%.4s)\n", mv_json_int(r, "id", 0),
		    mv_json_str(r, "title", "?"), mv_json_str(r, "release_date", "????"));
}

/*
 * Publish what an mvctl verb changed (an array of events, consumed):
 * into the running pipeline, whose mvindex hears of it, or else the
 * index is rebuilt here. In JSON mode the events are printed too, when
 * no pipeline takes them. Failure only warns: the change is made.
 */
static void
publish(cJSON *evs)
{
	const cJSON *ev;
	int st = mv_publish(cJSON_Duplicate(evs, 1), MV_PUBLISH_NOINDEX);

	if (st == MV_EX_UNAVAILABLE) {
		if (want_json())
			cJSON_ArrayForEach(ev, evs)
				mv_event_emit(ev, 1);
		st = mv_publish(cJSON_Duplicate(evs, 1), 0);
	}
	/* 65: written, without documents already invalid (reported). */
	if (st != MV_PUBLISH_SENT && st != MV_EX_OK && st != MV_EX_DATAERR)
		mv_warnx("the index is stale: run mvctl reindex");
	cJSON_Delete(evs);
}

/* Add the TMDB movie id: a minimal record, claimed, raised to basic
 * through lib/movie.c, then the events. Returns an exit code. */
static int
add_movie(long long tmdb)
{
	char val[32], *owner = NULL;
	const char *id;
	cJSON *tm = NULL, *doc, *evs, *d;
	int code;

	snprintf(val, sizeof val, "%lld", tmdb);
	if ((owner = mv_claim_owner('m', "tmdb", val))) {
		printf("tmdb:%s is already in the library as %s\n", val, owner);
		free(owner);
		return MV_EX_OK;
	}
	if ((code = mv_tmdb_movie(tmdb, MV_BASIC, NULL, &tm)) != 0)
		return code;
	doc = mv_movie_create(mv_json_str(tm, "title", "Untitled"),
	    atoi(mv_json_str(tm, "release_date", "0")), NULL, NULL);
	if (!doc)
		mv_die(mv_exit_for_errno(errno), "create a movie for tmdb:%s", val);
	id = mv_json_str(doc, "id", "?");
	if (mv_claim("tmdb", val, id, &owner) < 0) {
		char *p = mv_path("Movies/%s.json", id);

		/* Someone filed it meanwhile: ours goes, theirs stays. */
		unlink(p);
		free(p);
		if (owner) {
			printf("tmdb:%s is already in the library as %s\n", val, owner);
			free(owner);
			code = MV_EX_OK;
		} else {
			mv_warn("claim tmdb:%s", val);
			code = mv_exit_for_errno(errno);
		}
		cJSON_Delete(doc);
		cJSON_Delete(tm);
		return code;
	}
	mv_json_set(cJSON_GetObjectItemCaseSensitive(doc, "externalIds"), "tmdb",
	    cJSON_CreateNumber((double)tmdb));
	if ((code = mv_movie_apply(doc, tm, MV_BASIC)) == 0) {
		mv_json_set(doc, "status", cJSON_CreateString("ready"));
		if (mv_movie_save(doc) < 0)
			code = mv_exit_for_errno(errno);
	}
	evs = cJSON_CreateArray();
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	/* Added by id, not from a file: there is no path (the schema's null). */
	cJSON_AddNullToObject(d, "path");
	cJSON_AddStringToObject(d, "title", mv_json_str(doc, "title", "?"));
	cJSON_AddItemToObject(d, "year", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(doc, "year"), 1));
	cJSON_AddItemToArray(evs, mv_event_new("mv.movie.created", id, d));
	if (!code) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddStringToObject(d, "level", "basic");
		cJSON_AddStringToObject(d, "from", "minimal");
		cJSON_AddItemToArray(evs, mv_event_new("mv.movie.enriched", id, d));
		if (!want_json())
			printf("added %s: %s (%lld), tmdb:%s\n", id, mv_json_str(doc, "title", "?"),
			    mv_json_int(doc, "year", 0), val);
	}
	cJSON_Delete(doc);
	cJSON_Delete(tm);
	/* Only the index must hear of it: no mvenrich needed. */
	publish(evs);
	return code;
}

/* Add a person by TMDB id: a minimal PeopleProfile. */
static int
add_person(long long tmdb)
{
	char val[32], *owner, *id, now[32];
	cJSON *tp = NULL, *doc, *ext, *d;
	int code;

	snprintf(val, sizeof val, "%lld", tmdb);
	if ((owner = mv_claim_owner('p', "tmdb", val))) {
		printf("person tmdb:%s is already in the library as %s\n", val, owner);
		free(owner);
		return MV_EX_OK;
	}
	if ((code = mv_tmdb_person(tmdb, 0, &tp)) != 0)
		return code;
	if (!(id = mv_id_new('p')))
		mv_die(mv_exit_for_errno(errno), "create a person for tmdb:%s", val);
	mv_time_fmt(mv_now(), now);
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "schemaVersion", MV_SCHEMA_VERSION);
	cJSON_AddStringToObject(doc, "id", id);
	cJSON_AddStringToObject(doc, "level", "minimal");
	cJSON_AddStringToObject(doc, "name", mv_json_str(tp, "name", "Unknown"));
	ext = cJSON_AddObjectToObject(doc, "externalIds");
	cJSON_AddNumberToObject(ext, "tmdb", (double)tmdb);
	if (mv_json_str(tp, "imdb_id", NULL) && *mv_json_str(tp, "imdb_id", "")) {
		cJSON_AddStringToObject(ext, "imdb", mv_json_str(tp, "imdb_id", ""));
		/* Best effort, as lib/movie.c claims the ids but tmdb: only a
		 * rebuild makes claims, and a running pipeline does none. */
		mv_claim("imdb", mv_json_str(tp, "imdb_id", ""), id, NULL);
	}
	cJSON_AddStringToObject(doc, "createdAt", now);
	cJSON_AddStringToObject(doc, "updatedAt", now);
	cJSON_AddArrayToObject(doc, "movies");
	/* Saved, then claimed: a claim without its profile is stale. */
	if (mv_person_save(doc) < 0)
		code = mv_exit_for_errno(errno);
	else if (mv_claim("tmdb", val, id, &owner) < 0) {
		char *p = mv_path("People/%s.json", id);

		/* Someone added it meanwhile: ours goes, theirs stays. */
		unlink(p);
		free(p);
		if (owner)
			printf("person tmdb:%s is already in the library as %s\n", val, owner);
		else {
			mv_warn("claim person tmdb:%s", val);
			code = mv_exit_for_errno(errno);
		}
		free(owner);
	} else {
		cJSON *evs = cJSON_CreateArray();

		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddNumberToObject(d, "tmdb", (double)tmdb);
		cJSON_AddStringToObject(d, "name", mv_json_str(doc, "name", "?"));
		cJSON_AddItemToArray(evs, mv_event_new("mv.person.created", id, d));
		if (!want_json())
			printf("added %s: %s, tmdb:%s\n", id, mv_json_str(doc, "name", "?"), val);
		publish(evs);
	}
	free(id);
	cJSON_Delete(doc);
	cJSON_Delete(tp);
	return code;
}

/* "The Matrix" 1999: one exact match is added; otherwise list them. */
static int
add_search(const char *title, int year)
{
	cJSON *r = NULL, *res, *e, *pick = NULL;
	int code, exact = 0, total;

	if ((code = mv_tmdb_search(title, year, 1, &r)) != 0)
		return code;
	res = cJSON_GetObjectItemCaseSensitive(r, "results");
	total = cJSON_GetArraySize(res);
	cJSON_ArrayForEach(e, res)
		if (!strcasecmp(mv_json_str(e, "title", ""), title) ||
		    !strcasecmp(mv_json_str(e, "original_title", ""), title)) {
			if (year && atoi(mv_json_str(e, "release_date", "0")) != year)
				continue;
			exact++;
			pick = e;
		}
	if (exact != 1 && total == 1) {
		exact = 1;
		pick = res->child;
	}
	if (exact == 1) {
		long long id = mv_json_int(pick, "id", 0);

		cJSON_Delete(r);
		return add_movie(id);
	}
	if (total == 0)
		mv_warnx("no TMDB movie matches \"%s\"%s", title, year ? " in that year" : "");
	else {
		mv_warnx("\"%s\" matches %d movies; add one by its TMDB id:", title, total);
		put_candidates(res);
	}
	cJSON_Delete(r);
	return MV_EX_NOTFOUND;
}

/*
 * add FILE: an mv.file.added for mvenrich, with the TMDB id chosen if
 * any. A video in quarantine/ is a review entry: it takes a choice, which
 * is checked first and whose outcome is reported. Returns an exit code.
 */
static int
add_file(const char *tok, long long tmdb, int copy)
{
	char *abs, *rel, *src, *id = NULL;
	cJSON *ev, *evs;
	char *before = NULL;
	enum mv_media kind;
	int code;

	if (!(abs = user_file("add", tok, &rel)))
		return MV_EX_NOINPUT;
	/* mvenrich files videos only; say so before any copy. Only the
	 * name counts: the user chose this file, whatever its folder. */
	if ((kind = mv_media_kind(strrchr(abs, '/') + 1)) != MV_MEDIA_VIDEO) {
		mv_warnx("unable to add %s: not a video (%s)", tok, mv_media_name(kind));
		free(abs);
		free(rel);
		return MV_EX_DATAERR;
	}
	if (in_quarantine(rel)) {
		if (!tmdb || copy) {
			free(abs);
			free(rel);
			usage_error("%s", "a video in quarantine/ takes --tmdb ID and no --copy "
			    "(mvctl review lists the candidates)");
		}
		if ((id = queue_movie(rel, NULL)) &&
		    (code = review_precheck(rel, id, tmdb)) != MV_EX_OK) {
			free(id);
			free(abs);
			free(rel);
			return code;
		}
		if (id)
			before = profile_text(id);
	}
	src = copy ? copy_in(abs) : mv_xstrdup(abs);
	free(abs);
	if (!src) {
		free(id);
		free(rel);
		return MV_EX_IOERR;
	}
	ev = file_event(src, tmdb);
	free(src);
	if (!ev) {
		free(id);
		free(rel);
		return MV_EX_NOINPUT;
	}
	evs = cJSON_CreateArray();
	cJSON_AddItemToArray(evs, ev);
	code = deliver_files(evs);
	if (id)
		code = review_outcome(rel, id, before, code);
	free(before);
	free(id);
	free(rel);
	return code;
}

static int
v_add(int argc, char **argv)
{
	static const struct option lo[] = {
		{"person", required_argument, NULL, 'p'},
		{"copy", no_argument, NULL, 'c'},
		{"tmdb", required_argument, NULL, 't'},
		COMMON_OPTS
	};
	const char *person = NULL, *tok;
	long long tmdb = 0;
	int c, copy = 0, n;
	struct stat st;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': person = optarg; break;
		case 'c': copy = 1; break;
		case 't':
			if (!all_digits(optarg) || strlen(optarg) > 15)
				usage_error("bad --tmdb \"%s\": expected a TMDB movie id", optarg);
			tmdb = atoll(optarg);
			break;
		default: common_opt(c);
		}
	}
	n = argc - optind;
	if (person ? n != 0 : (n < 1 || n > 2))
		usage_error("%s", "expected a token: 603, tmdb:603, tt0133093, \"Title\" YEAR or FILE");
	open_library();
	if (person) {
		if (!strncmp(person, "tmdb:", 5))
			person += 5;
		if (!all_digits(person) || strlen(person) > 15)
			usage_error("bad --person \"%s\": expected a TMDB person id", person);
		return add_person(atoll(person));
	}
	tok = argv[optind];
	/* A path names a file; anything else is looked up at TMDB. */
	if (strchr(tok, '/') || stat(tok, &st) == 0) {
		if (n != 1)
			usage_error("%s", "expected one FILE");
		return add_file(tok, tmdb, copy);
	}
	if (copy || tmdb)
		usage_error("%s", "--copy and --tmdb go with a FILE");
	if (n == 2) {
		if (strlen(argv[optind + 1]) != 4 || !all_digits(argv[optind + 1]))
			usage_error("bad year \"%s\"", argv[optind + 1]);
		return add_search(tok, atoi(argv[optind + 1]));
	}
	if (!strncmp(tok, "tmdb:", 5))
		tok += 5;
	if (all_digits(tok) && strlen(tok) <= 15)
		return add_movie(atoll(tok));
	if (!strncmp(tok, "imdb:", 5))
		tok += 5;
	if (!strncmp(tok, "tt", 2) && all_digits(tok + 2) && strlen(tok) >= 9) {
		cJSON *r = NULL, *res;
		int code = mv_tmdb_find(tok, &r), cnt;

		if (code)
			return code;
		res = cJSON_GetObjectItemCaseSensitive(r, "movie_results");
		if ((cnt = cJSON_GetArraySize(res)) != 1) {
			mv_warnx("%s matches %s TMDB movie%s", tok, cnt ? "several" : "no",
			    cnt ? "s:" : "");
			put_candidates(res);
			cJSON_Delete(r);
			return MV_EX_NOTFOUND;
		}
		code = add_movie(mv_json_int(res->child, "id", 0));
		cJSON_Delete(r);
		return code;
	}
	/* A bare title: search without a year. */
	return add_search(tok, 0);
}

/* Record where a finished filing put the video, in the movie's profile. */
static void
recovered(void *ctx, const char *movie, const char *final, const char *src)
{
	const char *why;
	cJSON *doc, *v;
	size_t root = strlen(mv_data);

	(void)src;
	++*(long *)ctx;
	if (!final || !(doc = mv_movie_load(movie, &why)))
		return;
	v = cJSON_GetObjectItemCaseSensitive(doc, "video");
	if (cJSON_IsObject(v) && !strncmp(final, mv_data, root) && final[root] == '/') {
		mv_json_set(v, "path", cJSON_CreateString(final + root + 1));
		if (mv_movie_save(doc) < 0)
			mv_warn("save %s", movie);
	}
	cJSON_Delete(doc);
}

static int
v_repair(int argc, char **argv)
{
	static const struct option lo[] = {
		{"dry-run", no_argument, NULL, 'n'},
		COMMON_OPTS
	};
	struct check c = { 0 };
	long bad, done, current, failed, nrec = 0;
	int ch, dry = 0, code = MV_EX_OK, st;
	cJSON *evs;
	size_t n;
	char **v;

	while ((ch = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		if (ch == 'n')
			dry = 1;
		else
			common_opt(ch);
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	report_text();
	open_library();
	need_pipeline_stopped();
	/* First what check sees, quietly: its report goes to stderr. */
	{
		int saved = dup(1);

		fflush(stdout);
		dup2(2, 1);
		bad = run_checks(&c);
		fflush(stdout);
		dup2(saved, 1);
		close(saved);
	}
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
		if (mv_file_recover(recovered, &nrec) < 0) {
			mv_warn("finish the half-done filings");
			code = MV_EX_TEMPFAIL;
		}
		printf("finished %ld half-done filings\n", nrec);
	}
	migrate_all(0, &done, &current, &failed);
	if (done)
		printf("migrated %ld documents\n", done);
	if (c.missed) {
		evs = cJSON_CreateArray();
		/* Every video in incoming/ now, not only the old ones: a
		 * stopped pipeline would not see them otherwise. */
		v = mv_dir_list("incoming", NULL, &n);
		for (size_t i = 0; i < n; i++) {
			char *p = mv_path("incoming/%s", v[i]);
			struct stat sb;
			cJSON *ev;

			if (mv_media_kind(v[i]) == MV_MEDIA_VIDEO && stat(p, &sb) == 0 &&
			    S_ISREG(sb.st_mode) && (ev = file_event(p, 0)))
				cJSON_AddItemToArray(evs, ev);
			free(p);
		}
		mv_list_free(v, n);
		printf("re-sent %d files from incoming/ to mvenrich\n", cJSON_GetArraySize(evs));
		if ((st = deliver_files(evs)) != 0)
			code = st;
	}
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
		int saved = dup(1);

		fflush(stdout);
		dup2(2, 1);
		run_checks(&after);
		fflush(stdout);
		dup2(saved, 1);
		close(saved);
		if (after.invalid || after.orphans)
			printf("left alone: %ld invalid documents, %ld orphan videos "
			    "(see mvctl check; mvctl add FILE files an orphan)\n",
			    after.invalid, after.orphans);
	}
	return code;
}

static int
v_parse(int argc, char **argv)
{
	struct mv_name nm;
	int bad = 0;

	only_common(argc, argv);
	/* One JSON object per name, from the arguments or stdin lines. */
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			if (mv_parse_name(argv[i], &nm) < 0) {
				mv_warnx("unable to parse \"%s\": no title", argv[i]);
				bad++;
			} else {
				cJSON *o = mv_name_json(&nm);

				put_json(o);
				cJSON_Delete(o);
			}
			mv_name_free(&nm);
		}
	} else {
		struct mv_lines *r = mv_lines_new(0, "stdin", PATH_MAX);
		char *line;
		size_t len;

		while (mv_lines_next(r, &line, &len) > 0) {
			if (mv_parse_name(line, &nm) < 0) {
				mv_warnx("stdin:%lu: unable to parse \"%s\": no title",
				    mv_lines_lineno(r), line);
				bad++;
			} else {
				cJSON *o = mv_name_json(&nm);

				put_json(o);
				cJSON_Delete(o);
			}
			mv_name_free(&nm);
			fflush(stdout);
		}
		mv_lines_free(r);
	}
	return bad ? MV_EX_DATAERR : MV_EX_OK;
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
			common_opt(c);
	}
	if (!permanent || optind < argc)
		usage_error("%s", "expected --permanent");
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
	{ "repair", v_repair, "[-n|--dry-run]",
	  "fix what check found that can be fixed safely, and say what", 0 },
	{ "gc", v_gc, "[--cache-max SIZE] [--images-max SIZE] [-n|--dry-run] [--json]",
	  "trim cache/tmdb and assets/images to their bounds", 0 },
	{ "add", v_add, "603|tmdb:603|tt0133093|TITLE YEAR|--person ID|FILE [--copy] [--tmdb ID]",
	  "add a movie, a person or a video file by a minimal token", 0 },
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
		case 'C': mv_config_file(optarg); opt_config = 1; break;
		case 'J': json_out = 1; break;
		case 'T': json_out = 0; break;
		default: mv_opt_common(c, USAGE, &opt_data);
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
	cur = v;
	if ((c = mv_config_load()) != 0)
		return c;
	argc -= optind;
	argv += optind;
	optind = 0;   /* a fresh getopt for the verb */
	return mv_finish(v->fn(argc, argv));
}
