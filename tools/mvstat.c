/* mvstat.c: count movie accesses and pipeline metrics; journal every event. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

static const char USAGE[] =
    "usage: mvstat [--data DIR] [--flush-interval SECONDS] [--flush-events N]\n"
    "              [--journal-max SIZE] [--journal-keep K]\n"
    "       mvstat [--data DIR] --once\n"
    "       mvstat [--data DIR] --summary [--json]\n"
    "Count movie accesses into stats/usage.json, pipeline metrics into\n"
    "stats/mv.prom, and append every event to events/journal.ndjson, passing\n"
    "every event through.\n"
    "  -d, --data DIR              data directory (default $MV_DATA)\n"
    "  -i, --flush-interval SECS   write state at most this often (5)\n"
    "  -n, --flush-events N        ... or after N accesses (1000)\n"
    "  -m, --journal-max SIZE      rotate the journal at SIZE bytes (16M)\n"
    "  -k, --journal-keep K        keep K rotated journals (4)\n"
    "  -1, --once                  recompute stats/mv.prom from the files, exit\n"
    "  -s, --summary               print a summary of the library and its use\n"
    "  -j, --json                  with --summary: as one JSON object\n"
    "  -h, --help                  print this help\n"
    "      --version               print the version\n";

#define MAX_TYPES 64      /* distinct event types with their own label */
#define MAX_STAGES 32     /* distinct error stages with their own label */
#define MAX_INFLIGHT 4096 /* files followed for the enrichment latency */
#define JOURNAL_CHUNK 65536

static const double buckets[] = {1, 5, 10, 30, 60, 120, 300, 600, 1800};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

/* ---- usage: per-movie accesses ------------------------------------------ */

static struct mv_usage usage;  /* stats/usage.json in memory */
static long long pending_acc; /* accesses not yet in usage.json */

/* ---- metrics --------------------------------------------------------------- */

struct counter {
	char *label;
	double v;
};

static struct counter types[MAX_TYPES + 1], stages[MAX_STAGES + 1];
static size_t ntypes, nstages;
static double hist[NBUCKETS + 1], hist_sum, hist_count;
static double tmdb_requests, tmdb_retries, filed, reviews;
static int metrics_dirty;

/* Count one under label in tab, or under "other" when tab is full. */
static void
count(struct counter *tab, size_t *n, size_t max, const char *label, double by)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(tab[i].label, label) == 0) {
			tab[i].v += by;
			return;
		}
	if (*n == max)
		label = "other";
	for (i = 0; i < *n; i++)
		if (strcmp(tab[i].label, label) == 0) {
			tab[i].v += by;
			return;
		}
	tab[*n].label = mv_xstrdup(label);
	tab[(*n)++].v = by;
}

/* A label value we can print as is: [a-z0-9._-], at most 40 bytes. */
static int
label_ok(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return n > 0 && n <= 40;
}

static void
observe(double seconds)
{
	size_t i;

	if (seconds < 0)
		return;
	for (i = 0; i < NBUCKETS && seconds > buckets[i]; i++)
		;
	hist[i]++;
	hist_sum += seconds;
	hist_count++;
}

/*
 * Carry the counters over from the last stats/mv.prom, so they only ever
 * grow across restarts. A line we do not know is ignored; a file we
 * cannot read starts the counters at zero (it is derived data).
 */
static void
prom_load(void)
{
	char *path = mv_path("stats/mv.prom"), *text, *line, *save;
	size_t len;

	if (mv_slurp(path, 16 * 1024 * 1024, &text, &len) < 0) {
		if (errno != ENOENT)
			mv_warn("read stats/mv.prom");
		free(path);
		return;
	}
	free(path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64], label[64];
		double v;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "mv_events_total{type=\"%63[^\"]\"} %lf", label, &v) == 2 &&
		    label_ok(label))
			count(types, &ntypes, MAX_TYPES, label, v);
		else if (sscanf(line, "mv_errors_total{stage=\"%63[^\"]\"} %lf", label, &v) == 2 &&
		    label_ok(label))
			count(stages, &nstages, MAX_STAGES, label, v);
		else if (sscanf(line, "mv_enrich_duration_seconds_bucket{le=\"%63[^\"]\"} %lf",
		    label, &v) == 2) {
			/* Buckets are cumulative in the file, not here. */
			size_t i;
			double below = 0;

			for (i = 0; i < NBUCKETS && strtod(label, NULL) != buckets[i]; i++)
				;
			if (strcmp(label, "+Inf") == 0)
				i = NBUCKETS;
			for (size_t j = 0; j < i; j++)
				below += hist[j];
			if (i <= NBUCKETS && v >= below)
				hist[i] = v - below;
		} else if (sscanf(line, "%63s %lf", name, &v) == 2) {
			if (strcmp(name, "mv_enrich_duration_seconds_sum") == 0)
				hist_sum = v;
			else if (strcmp(name, "mv_enrich_duration_seconds_count") == 0)
				hist_count = v;
			else if (strcmp(name, "mv_tmdb_requests_total") == 0)
				tmdb_requests = v;
			else if (strcmp(name, "mv_tmdb_retries_total") == 0)
				tmdb_retries = v;
			else if (strcmp(name, "mv_files_filed_total") == 0)
				filed = v;
			else if (strcmp(name, "mv_review_events_total") == 0)
				reviews = v;
		}
	}
	free(text);
}

/* What the library holds now, from the files. */
struct library {
	double levels[4];   /* movies by level */
	double unknown;     /* movies whose level the index does not give */
	double people;
	double in_review;   /* the review queue: files in quarantine/ */
	double meta_bytes, image_bytes;
};

static double tree_bytes;

static int
add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F)
		tree_bytes += (double)st->st_size;
	return 0;
}

/* Sum of the sizes of the regular files in dir (rel); *count gets the
 * number of *.json names when count is not NULL. */
static double
dir_bytes(const char *rel, double *count, int recurse)
{
	char *path = mv_path("%s", rel);
	DIR *d;
	struct dirent *e;
	struct stat st;
	double sum = 0;
	int dfd;

	if (recurse) {
		tree_bytes = 0;
		nftw(path, add_size, 16, FTW_PHYS);
		free(path);
		return tree_bytes;
	}
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(path);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		sum += (double)st.st_size;
		if (count && len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 &&
		    !strstr(e->d_name, ".tmp."))
			(*count)++;
	}
	closedir(d);
	return sum;
}

static void
library_scan(struct library *lib)
{
	const char *why;
	cJSON *ix, *it;
	double movies = 0;

	memset(lib, 0, sizeof *lib);
	lib->meta_bytes = dir_bytes("Movies", &movies, 0) + dir_bytes("People", &lib->people, 0) +
	    dir_bytes("index", NULL, 0);
	lib->image_bytes = dir_bytes("assets/images", NULL, 1);
	/* Levels and statuses from the index: reading every profile at each
	 * write would cost more than the rest of mvstat together. */
	ix = mv_index_load('m', &why);
	if (ix) {
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(ix, "items")) {
			enum mv_level l = mv_level_parse(mv_json_str(it, "level", ""));

			if (l == MV_LEVEL_BAD)
				lib->unknown++;
			else
				lib->levels[l]++;
			movies--;
		}
		cJSON_Delete(ix);
	}
	/* Profiles not (yet) in the index count with an unknown level. */
	if (movies > 0)
		lib->unknown += movies;
	/* A quarantined video is also a needs-review movie: counting both
	 * said 2 where mvctl status said 1. One count for both tools. */
	lib->in_review = (double)mv_review_count();
}

static void
prom_counter(struct mv_buf *b, const char *name, const char *help, double v)
{
	mv_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %.17g\n", name, help,
	    name, name, v);
}

static void
prom_gauge(struct mv_buf *b, const char *name, const char *help, double v)
{
	mv_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help,
	    name, name, v);
}

static int
counter_cmp(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->label, ((const struct counter *)b)->label);
}

static double
total_accesses(void)
{
	double t = 0;
	void *u;

	for (size_t pos = 0; mv_table_next(&usage.t, &pos, NULL, &u);)
		t += (double)((struct mv_use *)u)->count;
	return t;
}

static int
prom_write(void)
{
	static const char *const lv[] = {"minimal", "basic", "medium", "deep"};
	struct mv_buf b = {0};
	struct library lib;
	double cum = 0;
	size_t i;
	int r, saved;

	library_scan(&lib);
	qsort(types, ntypes, sizeof *types, counter_cmp);
	qsort(stages, nstages, sizeof *stages, counter_cmp);
	mv_buf_adds(&b, "# HELP mv_events_total Events that passed mvstat, by type.\n"
	    "# TYPE mv_events_total counter\n");
	for (i = 0; i < ntypes; i++)
		mv_buf_printf(&b, "mv_events_total{type=\"%s\"} %.17g\n", types[i].label, types[i].v);
	mv_buf_adds(&b, "# HELP mv_errors_total mv.error events, by the stage that failed.\n"
	    "# TYPE mv_errors_total counter\n");
	for (i = 0; i < nstages; i++)
		mv_buf_printf(&b, "mv_errors_total{stage=\"%s\"} %.17g\n", stages[i].label, stages[i].v);
	mv_buf_adds(&b, "# HELP mv_enrich_duration_seconds From a file added to its video filed,"
	    " or as mv.movie.enriched reports it.\n# TYPE mv_enrich_duration_seconds histogram\n");
	for (i = 0; i < NBUCKETS; i++) {
		cum += hist[i];
		mv_buf_printf(&b, "mv_enrich_duration_seconds_bucket{le=\"%g\"} %.17g\n",
		    buckets[i], cum);
	}
	cum += hist[NBUCKETS];
	mv_buf_printf(&b, "mv_enrich_duration_seconds_bucket{le=\"+Inf\"} %.17g\n", cum);
	mv_buf_printf(&b, "mv_enrich_duration_seconds_sum %.17g\n", hist_sum);
	mv_buf_printf(&b, "mv_enrich_duration_seconds_count %.17g\n", hist_count);
	prom_counter(&b, "mv_tmdb_requests_total", "TMDB requests, as the stages report them.",
	    tmdb_requests);
	prom_counter(&b, "mv_tmdb_retries_total", "TMDB retries, as the stages report them.",
	    tmdb_retries);
	prom_counter(&b, "mv_files_filed_total", "Videos filed (mv.video.added).", filed);
	prom_counter(&b, "mv_review_events_total", "mv.movie.needs-review events.", reviews);
	prom_counter(&b, "mv_accesses_total", "Movie accesses counted in stats/usage.json.",
	    total_accesses());
	prom_gauge(&b, "mv_files_in_review", "Files in quarantine/ waiting for review.",
	    lib.in_review);
	mv_buf_adds(&b, "# HELP mv_library_movies Movies in the library, by level.\n"
	    "# TYPE mv_library_movies gauge\n");
	for (i = 0; i < 4; i++)
		mv_buf_printf(&b, "mv_library_movies{level=\"%s\"} %.17g\n", lv[i], lib.levels[i]);
	mv_buf_printf(&b, "mv_library_movies{level=\"unknown\"} %.17g\n", lib.unknown);
	prom_gauge(&b, "mv_library_people", "People profiles in the library.", lib.people);
	prom_gauge(&b, "mv_metadata_bytes", "Bytes in Movies/, People/ and index/.", lib.meta_bytes);
	prom_gauge(&b, "mv_image_bytes", "Bytes in assets/images/.", lib.image_bytes);
	prom_gauge(&b, "mv_stats_updated_timestamp_seconds", "When mvstat wrote this file.",
	    (double)mv_now());
	r = mv_write_state("stats/mv.prom", b.buf, b.len);
	saved = errno;
	mv_buf_free(&b);
	errno = saved;
	if (r == 0)
		metrics_dirty = 0;
	return r;
}

/* ---- the journal ---------------------------------------------------------- */

static struct mv_buf jbuf;       /* lines not yet appended */
static long long journal_max = 16LL * 1024 * 1024;
static int journal_keep = 4;
static int jfd = -1;
static off_t jsize;

static int
journal_open(void)
{
	char *path = mv_path("events/journal.ndjson");
	struct stat st;

	jfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (jfd < 0 && errno == ENOENT) {
		char *dir = mv_path("events");

		mv_mkdir_p(dir, 0755);
		free(dir);
		jfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	}
	if (jfd < 0) {
		mv_warn("open events/journal.ndjson");
		free(path);
		return -1;
	}
	free(path);
	jsize = fstat(jfd, &st) == 0 ? st.st_size : 0;
	return 0;
}

/* journal.ndjson -> .1 -> .2 ... -> .K (dropped), then a fresh file. */
static void
journal_rotate(void)
{
	for (int i = journal_keep; i >= 1; i--) {
		char *from = i == 1 ? mv_path("events/journal.ndjson") :
		    mv_path("events/journal.ndjson.%d", i - 1);
		char *to = mv_path("events/journal.ndjson.%d", i);

		if (rename(from, to) < 0 && errno != ENOENT)
			mv_warn("rename %s", from);
		free(from);
		free(to);
	}
	if (journal_keep == 0) {
		char *path = mv_path("events/journal.ndjson");

		unlink(path);
		free(path);
	}
	close(jfd);
	jfd = -1;
	journal_open();
}

/* Append the buffered lines: whole lines only, one write per burst
 * (or per JOURNAL_CHUNK), rotating first if they would not fit. */
static void
journal_flush(void)
{
	if (jbuf.len == 0)
		return;
	if (jfd < 0 && journal_open() < 0) {
		jbuf.len = 0;
		return;
	}
	if (jsize > 0 && jsize + (off_t)jbuf.len > journal_max)
		journal_rotate();
	if (jfd >= 0) {
		if (mv_write_all(jfd, jbuf.buf, jbuf.len) < 0)
			mv_warn("append to events/journal.ndjson");
		else
			jsize += (off_t)jbuf.len;
	}
	jbuf.len = 0;
}

/* ---- the filter ------------------------------------------------------------- */

/* Files on their way from mv.file.added to mv.video.added: path or id,
 * and when it was added (event time). Oldest dropped when full. */
struct inflight {
	char *key;
	time_t t;
};
static struct inflight inflight[MAX_INFLIGHT];
static size_t ninflight, inflight_next;

static void
inflight_add(const char *key, time_t t)
{
	struct inflight *f = &inflight[inflight_next];

	free(f->key);
	f->key = mv_xstrdup(key);
	f->t = t;
	inflight_next = (inflight_next + 1) % MAX_INFLIGHT;
	if (ninflight < MAX_INFLIGHT)
		ninflight++;
}

static struct inflight *
inflight_find(const char *key)
{
	for (size_t i = 0; i < ninflight; i++)
		if (inflight[i].key && strcmp(inflight[i].key, key) == 0)
			return &inflight[i];
	return NULL;
}

static void
inflight_drop(struct inflight *f)
{
	free(f->key);
	f->key = NULL;
}

static time_t
event_time(const cJSON *ev)
{
	time_t t;

	if (mv_time_parse(mv_json_str(ev, "time", ""), &t) == 0)
		return t;
	return mv_now();
}

/* Count one event by its type: all most events need of us. */
static void
count_type(const char *type)
{
	metrics_dirty = 1;
	count(types, &ntypes, MAX_TYPES, label_ok(type) ? type : "other", 1);
}

/* 1 if handle() must see the event's tree: the types it reads data from,
 * and any event that carries TMDB counters (cheaper to look for than to
 * parse every event for). */
static int
needs_tree(const char *type, const char *line, size_t len)
{
	static const char *const acted[] = {
		"mv.movie.requested", "mv.error", "mv.file.added", "mv.movie.created",
		"mv.movie.enriched", "mv.video.added", "mv.movie.needs-review",
	};

	for (size_t i = 0; i < sizeof acted / sizeof *acted; i++)
		if (strcmp(type, acted[i]) == 0)
			return 1;
	return memmem(line, len, "\"tmdbRe", 7) != NULL;
}

static void
handle(const cJSON *ev)
{
	const char *type = mv_event_type(ev);
	const cJSON *data = mv_event_data(ev);
	const char *id = mv_json_str(data, "id", NULL), *s;
	time_t t = event_time(ev);
	struct inflight *f;
	double v;

	count_type(type);
	if ((v = mv_json_num(data, "tmdbRequests", -1)) >= 0)
		tmdb_requests += v;
	if ((v = mv_json_num(data, "tmdbRetries", -1)) >= 0)
		tmdb_retries += v;
	if (strcmp(type, "mv.movie.requested") == 0) {
		struct mv_use *u;

		if (!mv_usage_is_read(ev))
			return;
		if (!mv_id_valid(id, 'm'))
			id = mv_event_subject(ev);
		/* (An id of 24 digits or more no counter makes: not counted.) */
		if (!mv_id_valid(id, 'm') || !(u = mv_usage_get(&usage, id, 1)))
			return;
		if (u->count == 0 || t < u->first)
			u->first = t;
		if (u->count == 0 || t > u->last)
			u->last = t;
		u->count++;
		pending_acc++;
	} else if (strcmp(type, "mv.error") == 0) {
		s = mv_json_str(data, "stage", "unknown");
		count(stages, &nstages, MAX_STAGES, label_ok(s) ? s : "other", 1);
	} else if (strcmp(type, "mv.file.added") == 0) {
		/* Keyed as mv.movie.created's path will name it: mvwatch's
		 * subject is the data-relative path; its data.path is absolute. */
		if ((s = mv_event_subject(ev)) || (s = mv_json_str(data, "path", NULL)))
			inflight_add(s, t);
	} else if (strcmp(type, "mv.movie.created") == 0) {
		/* The file becomes a movie id: follow it under the id. */
		if ((s = mv_json_str(data, "path", NULL)) && (f = inflight_find(s)) &&
		    mv_id_valid(id, 'm')) {
			time_t t0 = f->t;

			inflight_drop(f);
			inflight_add(id, t0);
		}
	} else if (strcmp(type, "mv.movie.enriched") == 0) {
		if ((v = mv_json_num(data, "durationMs", -1)) >= 0)
			observe(v / 1000);
		else if ((v = mv_json_num(data, "duration", -1)) >= 0)
			observe(v);
	} else if (strcmp(type, "mv.video.added") == 0) {
		filed++;
		if (id && (f = inflight_find(id))) {
			observe(difftime(t, f->t));
			inflight_drop(f);
		}
	} else if (strcmp(type, "mv.movie.needs-review") == 0)
		reviews++;
}

static long long flush_events = 1000;
static double flush_interval = 5;
static uint64_t dirty_since;     /* mv_mono_ns() of the first unsaved change */

/* Write usage.json (if accesses are pending) and mv.prom; emit
 * mv.stats.updated after a usage write. Failures are reported and
 * retried at the next flush. */
static void
flush_state(void)
{
	if (pending_acc > 0 && mv_usage_write(&usage) == 0) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddNumberToObject(d, "accesses", (double)pending_acc);
		pending_acc = 0;
		mv_emit("mv.stats.updated", NULL, d);
	}
	if (metrics_dirty)
		prom_write();
	dirty_since = 0;
}

/* Every event goes to the journal and is counted; some are read. */
static int
on_event(void *ctx, struct mv_stage_event *e)
{
	const cJSON *ev;
	const char *why;

	(void)ctx;
	mv_buf_add(&jbuf, e->line, e->len);
	mv_buf_add(&jbuf, "\n", 1);
	if (!needs_tree(e->type, e->line, e->len))
		count_type(e->type);
	else if ((ev = mv_stage_tree(e, &why)))
		handle(ev);
	if (!dirty_since)
		dirty_since = mv_mono_ns();
	if (jbuf.len >= JOURNAL_CHUNK)
		journal_flush();
	if (pending_acc >= flush_events) {
		journal_flush();
		flush_state();
	}
	return 0;
}

/* The burst is over: its lines go to the journal in one write. */
static void
on_idle(void *ctx)
{
	(void)ctx;
	journal_flush();
}

/* --flush-interval after the first unsaved change. */
static uint64_t
next_deadline(void *ctx)
{
	(void)ctx;
	return dirty_since ? dirty_since + (uint64_t)(flush_interval * 1e9) : 0;
}

static void
on_flush(void *ctx)
{
	(void)ctx;
	journal_flush();
	flush_state();
}

static int
filter(void)
{
	const struct mv_stage st = {
		.on_event = on_event,
		.on_idle = on_idle,
		.next_deadline = next_deadline,
		.on_deadline = on_flush,
		.on_stop = on_flush,
	};

	journal_open();
	prom_write();   /* gauges now, so a fresh start is visible at once */
	return mv_stage_run(&st);
}

/* ---- the summary ------------------------------------------------------------ */

/* Pick the five most used movies of v[n] into top: count, then the latest
 * access, then id (v comes sorted by id).  Returns how many were picked. */
static size_t
top_used(const struct mv_use *v, size_t n, size_t top[5])
{
	size_t i, ntop = 0;

	for (size_t k = 0; k < 5 && k < n; k++) {
		size_t best = n;

		for (i = 0; i < n; i++) {
			size_t j;

			for (j = 0; j < ntop && top[j] != i; j++)
				;
			if (j < ntop)
				continue;
			if (best == n || v[i].count > v[best].count ||
			    (v[i].count == v[best].count && v[i].last > v[best].last))
				best = i;
		}
		top[ntop++] = best;
	}
	return ntop;
}

/* Print the summary for a person to read.  Returns nothing. */
static void
summary_text(const struct library *lib, double movies, double total,
    time_t last, const struct mv_use *v, size_t n, const size_t *top,
    size_t ntop)
{
	char when[32];
	size_t i;

	printf("movies      %.0f (minimal %.0f, basic %.0f, medium %.0f, deep %.0f",
	    movies, lib->levels[0], lib->levels[1], lib->levels[2], lib->levels[3]);
	if (lib->unknown > 0)
		printf(", not indexed %.0f", lib->unknown);
	printf(")\npeople      %.0f\nin review   %.0f\nmetadata    %.0f bytes\n"
	    "images      %.0f bytes\naccesses    %.0f to %zu movies, last %s\n",
	    lib->people, lib->in_review, lib->meta_bytes, lib->image_bytes, total, n,
	    last ? mv_time_fmt(last, when) : "never");
	for (i = 0; i < ntop; i++)
		printf("  %-8s %lld, last %s\n", v[top[i]].id, v[top[i]].count,
		    mv_time_fmt(v[top[i]].last, when));
	printf("filed       %.0f\ntmdb        %.0f requests, %.0f retries\n",
	    filed, tmdb_requests, tmdb_retries);
	for (i = 0; i < nstages; i++)
		printf("errors      %s %.0f\n", stages[i].label, stages[i].v);
	if (hist_count > 0)
		printf("enrichment  %.0f timed, mean %.1f s\n", hist_count, hist_sum / hist_count);
}

static int
summary(int json)
{
	static const char *const lv[] = {"minimal", "basic", "medium", "deep"};
	struct library lib;
	struct mv_use *v;
	size_t n, i, top[5], ntop = 0;
	cJSON *o, *x, *a;
	char when[32];
	double total = 0, movies;
	time_t last = 0;

	prom_load();
	library_scan(&lib);
	v = mv_usage_sorted(&usage, &n);
	for (i = 0; i < n; i++) {
		total += (double)v[i].count;
		if (v[i].last > last)
			last = v[i].last;
	}
	ntop = top_used(v, n, top);
	movies = lib.unknown;
	for (i = 0; i < 4; i++)
		movies += lib.levels[i];
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "movies", movies);
	x = cJSON_AddObjectToObject(o, "levels");
	for (i = 0; i < 4; i++)
		cJSON_AddNumberToObject(x, lv[i], lib.levels[i]);
	cJSON_AddNumberToObject(x, "unknown", lib.unknown);
	cJSON_AddNumberToObject(o, "people", lib.people);
	cJSON_AddNumberToObject(o, "inReview", lib.in_review);
	cJSON_AddNumberToObject(o, "metadataBytes", lib.meta_bytes);
	cJSON_AddNumberToObject(o, "imageBytes", lib.image_bytes);
	x = cJSON_AddObjectToObject(o, "accesses");
	cJSON_AddNumberToObject(x, "total", total);
	cJSON_AddNumberToObject(x, "movies", (double)n);
	if (last)
		cJSON_AddStringToObject(x, "last", mv_time_fmt(last, when));
	else
		cJSON_AddNullToObject(x, "last");
	a = cJSON_AddArrayToObject(o, "top");
	for (i = 0; i < ntop; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "id", v[top[i]].id);
		cJSON_AddNumberToObject(e, "count", (double)v[top[i]].count);
		cJSON_AddStringToObject(e, "last", mv_time_fmt(v[top[i]].last, when));
		cJSON_AddItemToArray(a, e);
	}
	qsort(types, ntypes, sizeof *types, counter_cmp);
	qsort(stages, nstages, sizeof *stages, counter_cmp);
	x = cJSON_AddObjectToObject(o, "events");
	for (i = 0; i < ntypes; i++)
		cJSON_AddNumberToObject(x, types[i].label, types[i].v);
	x = cJSON_AddObjectToObject(o, "errors");
	for (i = 0; i < nstages; i++)
		cJSON_AddNumberToObject(x, stages[i].label, stages[i].v);
	x = cJSON_AddObjectToObject(o, "tmdb");
	cJSON_AddNumberToObject(x, "requests", tmdb_requests);
	cJSON_AddNumberToObject(x, "retries", tmdb_retries);
	cJSON_AddNumberToObject(o, "filed", filed);
	x = cJSON_AddObjectToObject(o, "enrichSeconds");
	cJSON_AddNumberToObject(x, "count", hist_count);
	cJSON_AddNumberToObject(x, "mean", hist_count > 0 ? hist_sum / hist_count : 0);
	if (json) {
		char *s = mv_json_compact(o);

		printf("%s\n", s);
		free(s);
	} else
		summary_text(&lib, movies, total, last, v, n, top, ntop);
	cJSON_Delete(o);
	free(v);
	return MV_EX_OK;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"flush-interval", required_argument, NULL, 'i'},
		{"flush-events", required_argument, NULL, 'n'},
		{"journal-max", required_argument, NULL, 'm'},
		{"journal-keep", required_argument, NULL, 'k'},
		{"once", no_argument, NULL, '1'},
		{"summary", no_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		MV_OPT_LONG,
		{NULL, 0, NULL, 0},
	};
	const char *data = NULL;
	int c, once = 0, sum = 0, json = 0, filter_opt = 0, code;
	char *end;
	long long ll;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:i:n:m:k:1sjh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			errno = 0;
			flush_interval = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(flush_interval >= 0.001) ||
			    flush_interval > 86400) {
				mv_warnx("invalid --flush-interval value: %s", optarg);
				goto usage;
			}
			filter_opt = 1;
			break;
		case 'n':
		case 'k':
			errno = 0;
			ll = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || ll < (c == 'n') || ll > 1000000) {
				mv_warnx("invalid --%s value: %s",
				    c == 'n' ? "flush-events" : "journal-keep", optarg);
				goto usage;
			}
			if (c == 'n')
				flush_events = ll;
			else
				journal_keep = (int)ll;
			filter_opt = 1;
			break;
		case 'm':
			if (mv_size_parse(optarg, &journal_max) < 0 || journal_max < 1) {
				mv_warnx("invalid --journal-max value: %s", optarg);
				goto usage;
			}
			filter_opt = 1;
			break;
		case '1':
			once = 1;
			break;
		case 's':
			sum = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			mv_opt_common(c, USAGE, &data);
		}
	}
	if (optind != argc || (once && sum) || (json && !sum) ||
	    ((once || sum) && filter_opt))
		goto usage;
	if ((code = mv_data_open(data, 0)) != 0)
		return code;
	if ((code = mv_usage_load(&usage)) != 0)
		return code;
	if (once) {
		char *dir = mv_path("stats");

		mv_mkdir_p(dir, 0755);
		free(dir);
		prom_load();
		code = prom_write() < 0 ? mv_exit_for_errno(errno) : MV_EX_OK;
	} else if (sum)
		code = summary(json);
	else {
		char *dir = mv_path("stats");

		mv_mkdir_p(dir, 0755);
		free(dir);
		mv_stage_signals();
		prom_load();
		code = filter();
	}
	return mv_finish(code);
usage:
	mv_usage_die(USAGE);
}
