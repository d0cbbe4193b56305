/* mvindex.c: build index/movies.json and index/people.json, or keep them current from events. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

static const char USAGE[] =
    "usage: mvindex [--data DIR] [--no-sync] [--batch N] [--delay MS]\n"
    "       mvindex [--data DIR] [--no-sync] --rebuild\n"
    "       mvindex [--data DIR] --check\n"
    "Keep index/movies.json and index/people.json in step with the profiles.\n"
    "With no mode, a filter: pass events through, update the indexes from\n"
    "mv.movie.*, mv.video.added and mv.person.* events, emit mv.index.updated.\n"
    "  -d, --data DIR   data directory (default $MV_DATA)\n"
    "  -r, --rebuild    build both indexes and the external-id claims from\n"
    "                   Movies/ and People/, then exit\n"
    "  -c, --check      compare the indexes and claims with the profiles;\n"
    "                   print each difference; exit 1 if there is any\n"
    "  -S, --no-sync    rename index files into place without fsync\n"
    "  -b, --batch N    filter: write after at most N updates (1000)\n"
    "  -t, --delay MS   filter: write at most MS ms after an update (1000)\n"
    "  -h, --help       print this help\n"
    "      --version    print the version\n";

/* Take the index lock for a write; -1 (after a warning) if impossible:
 * then the write goes ahead anyway, since a rebuild repairs a race. */
static int
lock_index(void)
{
	char *run = mv_path("run");
	int fd;

	mv_mkdir_p(run, 0755);
	free(run);
	if ((fd = mv_lock("index", 1)) < 0)
		mv_warn("lock run/index.lock");
	return fd;
}

/* The index of the filter. */
static struct mv_index *ix;

static int
check(void)
{
	return mv_index_check(stdout) ? MV_EX_NOTFOUND : MV_EX_OK;
}

/* ---- filter mode --------------------------------------------------------- */

static unsigned long pending;     /* updates since the last write */
static uint64_t pending_since;    /* mv_mono_ns() of the first of them */

/* Write what changed and tell the next stage; keep going on failure
 * (reported as an mv.error event too): the next burst retries. */
static void
flush_index(int force)
{
	cJSON *d;
	int lock;

	if (force || mv_index_dirty(ix)) {
		lock = lock_index();
		if (mv_index_write(ix, force) < 0) {
			int e = errno;

			d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "stage", "index");
			cJSON_AddNumberToObject(d, "code", mv_exit_for_errno(e));
			cJSON_AddStringToObject(d, "message", strerror(e));
			mv_emit("mv.error", NULL, d);
			if (lock >= 0)
				close(lock);
			pending = 0;
			return;
		}
		if (lock >= 0)
			close(lock);
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "movies", (double)mv_index_count(ix, 'm'));
		cJSON_AddNumberToObject(d, "people", (double)mv_index_count(ix, 'p'));
		mv_emit("mv.index.updated", NULL, d);
	}
	pending = 0;
}

/* The kind of record ('m', 'p') an event type changes, or 0 for none. */
static char
record_kind(const char *type)
{
	static const char *const movie_types[] = {
		"mv.movie.created", "mv.movie.matched", "mv.movie.enriched",
		"mv.movie.downgraded", "mv.movie.needs-review", "mv.video.added",
	};

	for (size_t i = 0; i < sizeof movie_types / sizeof *movie_types; i++)
		if (strcmp(type, movie_types[i]) == 0)
			return 'm';
	if (strcmp(type, "mv.person.created") == 0 ||
	    strcmp(type, "mv.person.enriched") == 0)
		return 'p';
	return 0;
}

/* The record an event of kind ('m' or 'p') names, or NULL. */
static const char *
event_record(const cJSON *ev, char kind)
{
	const char *id = mv_json_str(mv_event_data(ev), "id", NULL);

	if (mv_id_valid(id, kind))
		return id;
	/* needs-review may carry id null; the subject may still name it. */
	id = mv_event_subject(ev);
	return mv_id_valid(id, kind) ? id : NULL;
}

static unsigned long batch_max;  /* --batch */
static uint64_t delay_ns;        /* --delay */

/* Act on one event about a record, or on new access counts. */
static int
on_event(void *ctx, struct mv_stage_event *e)
{
	const cJSON *ev;
	const char *why, *id;
	char kind;

	(void)ctx;
	/* Only events about a record need their tree, for its id. */
	if ((kind = record_kind(e->type)) && (ev = mv_stage_tree(e, &why))) {
		if ((id = event_record(ev, kind))) {
			/* A downgrade too: the update rereads the people the
			 * movie credited (mv_index_update). */
			mv_index_update(ix, id);
			if (pending++ == 0)
				pending_since = mv_mono_ns();
		}
		/* A video that joined a movie already filed: the record it
		 * came as is gone, and leaves the index. */
		if (kind == 'm' && mv_id_valid(id = mv_json_str(mv_event_data(ev),
		    "merged", NULL), 'm'))
			mv_index_update(ix, id);
	} else if (strcmp(e->type, "mv.stats.updated") == 0) {
		if (mv_index_usage(ix) > 0 && pending++ == 0)
			pending_since = mv_mono_ns();
	}
	if (pending >= batch_max)
		flush_index(0);
	return 0;
}

/* About to wait for input: the burst is over. */
static void
on_idle(void *ctx)
{
	(void)ctx;
	if (mv_index_dirty(ix))
		flush_index(0);
}

/* --delay: the updates of a burst that goes on wait no longer. */
static uint64_t
next_deadline(void *ctx)
{
	(void)ctx;
	return pending ? pending_since + delay_ns : 0;
}

static void
on_deadline(void *ctx)
{
	(void)ctx;
	flush_index(0);
}

static void
on_stop(void *ctx)
{
	(void)ctx;
	flush_index(0);
}

static int
filter(unsigned long batch, unsigned long delay_ms, int nosync)
{
	const struct mv_stage st = {
		.types = "mv.movie.*,mv.video.added,mv.person.*,mv.stats.updated",
		.on_event = on_event,
		.on_idle = on_idle,
		.next_deadline = next_deadline,
		.on_deadline = on_deadline,
		.on_stop = on_stop,
	};
	int code;

	ix = mv_index_new();
	mv_index_nosync(ix, nosync);
	/* The files are the truth: scan them all once (cheaper than trusting
	 * an index a crash may have left behind, and it gives every entry's
	 * sources), and write only if the index on disk is missing or older
	 * than a profile: a restart after a crash repairs it here. */
	mv_index_scan(ix, 0);
	if (mv_index_stale())
		flush_index(1);
	batch_max = batch;
	delay_ns = delay_ms * 1000000ULL;
	code = mv_stage_run(&st);
	mv_index_free(ix);
	return code;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rebuild", no_argument, NULL, 'r'},
		{"check", no_argument, NULL, 'c'},
		{"no-sync", no_argument, NULL, 'S'},
		{"batch", required_argument, NULL, 'b'},
		{"delay", required_argument, NULL, 't'},
		MV_OPT_LONG,
		{NULL, 0, NULL, 0},
	};
	const char *data = NULL;
	int c, mode = 0, nosync = 0, code, filter_opt = 0;
	unsigned long batch = 1000, delay = 1000;
	char *end;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:rcSb:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'c':
			if (mode && mode != c)
				mv_usage_die(USAGE);
			mode = c;
			break;
		case 'S':
			nosync = 1;
			break;
		case 'b':
		case 't':
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);

			if (errno || *end || !*optarg || optarg[0] == '-' ||
			    (c == 'b' && v == 0)) {
				mv_warnx("invalid --%s value: %s", c == 'b' ? "batch" : "delay", optarg);
				mv_usage_die(USAGE);
			}
			if (c == 'b')
				batch = v;
			else
				delay = v;
			filter_opt = 1;
			break;
		default:
			mv_opt_common(c, USAGE, &data);
		}
	}
	if (optind != argc || (mode && filter_opt) || (mode == 'c' && nosync))
		mv_usage_die(USAGE);
	if ((code = mv_data_open(data, 0)) != 0)
		return code;
	if (mode == 'r')
		code = mv_index_rebuild_locked(MV_REBUILD_EXITING |
		    (nosync ? MV_REBUILD_NOSYNC : 0));
	else if (mode == 'c')
		code = check();
	else {
		mv_stage_signals();
		code = filter(batch, delay, nosync);
	}
	return mv_finish(code);
}
