/* status.c: mvctl status, stats and events: is the pipeline up, what it did. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

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
	st = ctl_load_rel("run/pipeline.status", 1);
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
	idx = ctl_load_index("movies", &items);
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
	idx = ctl_load_index("people", &items);
	cJSON_AddNumberToObject(lib, "people", cJSON_GetArraySize(items));
	cJSON_Delete(idx);
	return o;
}

int
v_status(int argc, char **argv)
{
	cJSON *o, *pl, *s, *e;
	char b1[32];

	ctl_only_common(argc, argv);
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_open_library();
	o = status_json();
	if (ctl_want_json()) {
		ctl_put_json(o);
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
int
v_stats(int argc, char **argv)
{
	char *av[] = { "mvstat", "--summary", NULL, NULL };

	ctl_only_common(argc, argv);
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_open_library();
	if (ctl_want_json())
		av[2] = "--json";
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

		if (strncmp(s, "journal.ndjson.", 15) || !mv_all_digits(s + 15))
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
		if (ctl_want_json())
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

int
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
				ctl_usage_error("%s", "too many --type patterns");
			if (strncmp(optarg, "mv.", 3) && strcmp(optarg, "*"))
				ctl_usage_error("bad --type \"%s\": expected mv.movie.added or mv.movie.*", optarg);
			types[ntypes++] = !strcmp(optarg, "*") ? "mv.*" : optarg;
			break;
		case 's':
			if (mv_duration_parse(optarg, &secs) < 0)
				ctl_usage_error("bad --since \"%s\": expected 90d, 1h, 30m", optarg);
			f.since = mv_now() - (time_t)secs;
			break;
		default: ctl_common_opt(c);
		}
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_open_library();
	ctl_want_json();
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
