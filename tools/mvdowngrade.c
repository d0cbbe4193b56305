/* mvdowngrade.c: score movies by disuse and downgrade them to a level. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"
#include "mvdowngrade/mvdowngrade.h"

static const char USAGE[] =
    "usage: mvdowngrade [--data DIR] --level LEVEL [--unread-since DURATION]\n"
    "                   [--budget SIZE] [--dry-run]\n"
    "       mvdowngrade [--data DIR] --once [--dry-run]\n"
    "       mvdowngrade [--data DIR] [--filter] [--interval DURATION]\n"
    "Score movies by disuse and strip what lies above LEVEL (minimal, light\n"
    "or basic, medium), least valuable first. Without --level, pass events\n"
    "through and apply the configured policy now and then.\n"
    "  -d, --data DIR              data directory (default $MV_DATA)\n"
    "  -l, --level LEVEL           target level: minimal, light, basic, medium\n"
    "  -u, --unread-since DURATION only movies not read for DURATION (90d)\n"
    "  -b, --budget SIZE           stop once movies fit in SIZE (2G, 500M)\n"
    "  -n, --dry-run               print the plan as NDJSON, change nothing\n"
    "  -1, --once                  apply the configured policy once, exit\n"
    "  -f, --filter                pass events through (default when stdin\n"
    "                              is not a terminal and no --level)\n"
    "  -i, --interval DURATION     in the filter: policy at most this often (1h)\n"
    "  -h, --help                  print this help\n"
    "      --version               print the version\n";

/* ---- the policy ------------------------------------------------------ */

struct policy {
	enum mv_level level;    /* target; MV_LEVEL_BAD: no policy */
	long long unread;       /* seconds; -1: any age */
	long long budget;       /* bytes; -1: no budget */
};

static int dry_run;

/* ---- stats/usage.json ------------------------------------------------ */

/* mvstat's file (lib/usage.c). A missing one means nobody has read
 * anything yet; a corrupt one is refused with 65: scores made up from
 * half a file would downgrade what people read. */
static struct mv_usage usage;

/* Reading profiles is tools/mvdowngrade/scan.c's; the hook,
 * tools/mvdowngrade/hook.c's. */

/* ---- scores ------------------------------------------------------------ */

/*
 * Disuse, in mvdowngrade(1)'s words:
 *   score = weight * (1 + idleDays) * (1 + rank) * log2(2 + bytes/1024)
 *           / (1 + count)
 * idleDays since the last read (else since createdAt), rank 1 basic,
 * 2 medium, 3 deep, bytes the profile plus its images. Higher goes first.
 * Rounded to 3 decimals so that a plan prints the same everywhere.
 */
static double
score_of(const struct movie *m, time_t now)
{
	time_t ref = m->last ? m->last : m->created;
	double idle = now > ref ? (double)(now - ref) / 86400.0 : 0;
	double s = (1 + idle) * (1 + (int)m->level) *
	    log2(2 + (double)(m->pbytes + m->ibytes) / 1024.0) / (1 + (double)m->count);

	return floor(s * 1000 + 0.5) / 1000;
}

static long long
id_num(const char *id)
{
	return strtoll(id + 1, NULL, 10);
}

static int
by_score(const void *a, const void *b)
{
	const struct movie *x = *(struct movie *const *)a, *y = *(struct movie *const *)b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return id_num(x->id) < id_num(y->id) ? -1 : id_num(x->id) > id_num(y->id);
}

/* ---- the plan ---------------------------------------------------------- */

/* Every movie of the last scan, in id order; kept between runs of the
 * filter to follow the library's size. */
struct library {
	char **names;           /* Movies/ listing; v[i].id points into it */
	size_t nnames;
	struct movie *v;
	size_t n;
	long long total;        /* bytes of every usable movie and its images */
};
static struct library lib;

static void
library_free(struct library *l)
{
	for (size_t i = 0; i < l->n; i++)
		movie_clear(&l->v[i]);
	free(l->v);
	mv_list_free(l->names, l->nnames);
	memset(l, 0, sizeof *l);
}

/* Read usage.json and every profile into lib. Returns 0 or an exit code. */
static int
library_scan(enum mv_level target)
{
	int code;

	library_free(&lib);
	if ((code = mv_usage_load(&usage)) != 0)
		return code;
	lib.names = mv_dir_list("Movies", ".json", &lib.nnames);
	lib.v = mv_xcalloc(lib.nnames + 1, sizeof *lib.v);
	for (size_t i = 0; i < lib.nnames; i++) {
		char *dot = strrchr(lib.names[i], '.');

		*dot = '\0';
		if (!mv_id_valid(lib.names[i], 'm')) {
			mv_warnx("unable to read Movies/%s.json: not a movie id, skipped",
			    lib.names[i]);
			continue;
		}
		lib.v[lib.n++].id = lib.names[i];
	}
	scan_all(lib.v, lib.n, target);
	lib.total = 0;
	for (size_t i = 0; i < lib.n; i++) {
		struct movie *m = &lib.v[i];
		const struct mv_use *u = mv_usage_get(&usage, m->id, 0);

		if (m->bad) {
			mv_warnx("unable to read Movies/%s.json: %s, skipped", m->id, m->bad);
			continue;
		}
		lib.total += m->pbytes + m->ibytes;
		m->count = u ? u->count : 0;
		m->last = u ? u->last : 0;
	}
	return 0;
}

/*
 * Choose what to downgrade under pol: the candidates (above the target,
 * unread long enough, not protected by the hook) by score, all of them,
 * or with a budget only until the library fits. *sel gets a malloc'd
 * array of pointers into lib. Returns 0 or an exit code.
 */
static int
plan(const struct policy *pol, struct movie ***sel, size_t *nsel)
{
	time_t now = mv_now();
	struct movie **c;
	size_t n = 0, k = 0;
	long long left;
	int code;

	*sel = NULL;
	*nsel = 0;
	if ((code = library_scan(pol->level)) != 0)
		return code;
	c = mv_xcalloc(lib.n + 1, sizeof *c);
	for (size_t i = 0; i < lib.n; i++) {
		struct movie *m = &lib.v[i];
		time_t ref = m->last ? m->last : m->created;

		m->cand = !m->bad && m->level > pol->level &&
		    (pol->unread < 0 || (long long)(now - ref) >= pol->unread);
		if (!m->cand)
			continue;
		m->weight = 1;
		m->score = score_of(m, now);
		c[n++] = m;
	}
	if (pol->budget >= 0 && lib.total <= pol->budget)
		n = 0;  /* it fits already: nothing to ask the hook about */
	if ((code = hook_apply(c, n)) != 0) {
		free(c);
		return code;
	}
	for (size_t i = 0; i < n; i++)
		if (c[i]->weight > 0)
			c[k++] = c[i];
	n = k;
	qsort(c, n, sizeof *c, by_score);
	if (pol->budget >= 0) {
		left = lib.total;
		for (k = 0; k < n && left > pol->budget; k++)
			left -= c[k]->freed;
		n = k;
		if (left > pol->budget)
			mv_warnx("unable to fit the budget of %lld bytes: %lld bytes"
			    " left after downgrading every candidate", pol->budget, left);
	}
	*sel = c;
	*nsel = n;
	return 0;
}

/* ---- downgrading ------------------------------------------------------- */

static long long
file_size(const char *rel)
{
	char *path = mv_path("%s", rel);
	struct stat st;
	long long n = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;

	free(path);
	return n;
}

/*
 * Downgrade movie id to target under the library lock: load, strip with
 * libmv, save atomically, then unlink the images it no longer names (a
 * crash in between leaves unreferenced images, never a profile naming
 * missing ones). A movie already at or below target is left alone. Adds
 * the event to events. Returns 0 or an exit code after a message.
 */
static int
downgrade_one(const char *id, enum mv_level target, cJSON *events)
{
	char *rel = mv_xasprintf("Movies/%s.json", id);
	long long before, after, freed = 0, sz;
	enum mv_level from;
	const char *why;
	cJSON *doc, *files, *f, *d, *ext;
	int lock, code = 0;

	/* Wait for the lock in steps, so that SIGTERM is heard meanwhile. */
	while ((lock = mv_lock("library", 0)) < 0 && errno == EWOULDBLOCK &&
	    !mv_stage_stopped())
		poll(NULL, 0, 50);
	if (lock < 0) {
		code = mv_stage_stopped() ? 0 : mv_exit_for_errno(errno);
		if (!mv_stage_stopped())
			mv_warn("lock run/library.lock");
		free(rel);
		return code;
	}
	before = file_size(rel);
	if (!(doc = mv_movie_load(id, &why))) {
		mv_warnx("unable to read %s: %s, skipped", rel, why);
		goto out;
	}
	if ((from = mv_profile_level(doc)) <= target)
		goto out;
	ext = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "externalIds"), 1);
	files = mv_movie_strip(doc, target);
	if (mv_movie_save(doc) < 0) {
		code = mv_exit_for_errno(errno);
		mv_warn("write %s", rel);
		cJSON_Delete(files);
		cJSON_Delete(ext);
		goto out;
	}
	/* What the profile no longer holds, nobody claims for it. */
	mv_claims_follow(id, ext, cJSON_GetObjectItemCaseSensitive(doc, "externalIds"));
	cJSON_Delete(ext);
	after = file_size(rel);
	if (before > after && after >= 0)
		freed = before - after;
	cJSON_ArrayForEach(f, files) {
		char *path = mv_path("%s", f->valuestring);

		sz = file_size(f->valuestring);
		if (unlink(path) == 0)
			freed += sz > 0 ? sz : 0;
		else if (errno != ENOENT)
			mv_warn("remove %s", f->valuestring);
		free(path);
	}
	cJSON_Delete(files);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "from", mv_level_name(from));
	cJSON_AddStringToObject(d, "to", mv_level_name(target));
	cJSON_AddNumberToObject(d, "freedBytes", (double)freed);
	f = mv_event_new("mv.movie.downgraded", id, d);
	mv_event_emit(f, 1);
	cJSON_AddItemToArray(events, f);
out:
	cJSON_Delete(doc);
	close(lock);
	free(rel);
	return code;
}

/* The plan as NDJSON: {"id","from","to","freedBytes","score"}. Printed
 * by hand: ids and level names need no escaping, and cJSON's number
 * printing is most of the time of a large plan. A score has at most 3
 * decimals, so %.15g prints it exactly as cJSON would. */
static void
print_plan(struct movie **c, size_t n, enum mv_level target)
{
	char line[256];
	int len;

	for (size_t i = 0; i < n; i++) {
		len = snprintf(line, sizeof line,
		    "{\"id\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"freedBytes\":%lld,"
		    "\"score\":%.15g}", c[i]->id, mv_level_name(c[i]->level),
		    mv_level_name(target), c[i]->freed, c[i]->score);
		mv_out_line(line, (size_t)len);
	}
	mv_out_flush();
}

/*
 * Plan, then print it (dry run) or carry it out. Events go to stdout;
 * with publish (one shot, not a stage), they are also published
 * (mv_publish): into the running pipeline, whose last stage mvindex
 * hears of them, or else the index is rebuilt here, so that a cron job
 * whose stdout goes to /dev/null leaves the index current too. The
 * filter emits them for mvindex, downstream, and journals them. Returns
 * an exit code.
 */
static int
run_policy(const struct policy *pol, int publish)
{
	struct movie **c;
	size_t n;
	cJSON *events;
	int code, st;

	if ((code = plan(pol, &c, &n)) != 0)
		return code;
	if (dry_run) {
		print_plan(c, n, pol->level);
		free(c);
		return 0;
	}
	events = cJSON_CreateArray();
	for (size_t i = 0; i < n && !mv_stage_stopped() && !code; i++) {
		code = downgrade_one(c[i]->id, pol->level, events);
		if (code == 0) {
			/* Keep the filter's view of the size current. */
			lib.total -= c[i]->freed;
			c[i]->pbytes -= c[i]->freed - c[i]->ibytes;
			c[i]->ibytes = 0;
			c[i]->level = pol->level;
		}
	}
	free(c);
	if (cJSON_GetArraySize(events) == 0) {
		cJSON_Delete(events);
		return code;
	}
	if (!publish) {
		/* The filter comes after mvstat, which journals what it sees:
		 * ours it never sees. mvindex hears them on our stdout. */
		mv_journal_append(events);
		cJSON_Delete(events);
		return code;
	}
	st = mv_publish(events, 0);
	/* 65: the index is written without documents already invalid, each
	 * reported: not this run's failure. */
	if (st != MV_PUBLISH_SENT && st != MV_EX_OK && st != MV_EX_DATAERR) {
		mv_warnx("the index is stale: run mvctl reindex");
		if (!code)
			code = st;
	}
	return code;
}

/* ---- the filter -------------------------------------------------------- */

/*
 * State of the filter, besides the reader:
 *   last_run  when the policy last ran (run/downgrade.json keeps it across
 *             restarts, so a stage restarted in a loop cannot run it more
 *             often than --interval);
 *   grown[]   ids of movies enriched, created or filed since the last
 *             scan: their bytes are re-read after mv.stats.updated to
 *             tell whether the budget is exceeded;
 *   over_at   the total at which the budget was found out of reach, so
 *             that an unreachable budget does not rescan after every
 *             stats update (0: none).
 */
static time_t last_run;
static char **grown;
static size_t ngrown, grown_cap;
static long long over_at;

static time_t
last_run_load(void)
{
	char *path = mv_path("run/downgrade.json");
	const char *why;
	cJSON *doc = mv_json_load(path, 4096, &why);
	time_t t = doc ? mv_json_time(doc, "lastRun") : 0;

	free(path);
	cJSON_Delete(doc);
	return t;
}

static void
last_run_save(time_t t)
{
	char when[32], *s;

	s = mv_xasprintf("{\"lastRun\":\"%s\"}\n", mv_time_fmt(t, when));
	(void)mv_write_state("run/downgrade.json", s, strlen(s));
	free(s);
}

/* Run the policy from the filter; a failure is reported, never fatal:
 * the events must keep flowing. */
static void
filter_run(const struct policy *pol)
{
	int code;

	last_run = mv_now();
	last_run_save(last_run);
	for (size_t i = 0; i < ngrown; i++)
		free(grown[i]);
	ngrown = 0;
	code = run_policy(pol, 0);
	if (code)
		mv_warnx("unable to apply the policy: %s (exit %d); next try in an interval",
		    mv_exit_name(code), code);
	over_at = pol->budget >= 0 && lib.total > pol->budget ? lib.total : 0;
}

static int
by_id(const void *key, const void *elem)
{
	long long a = id_num(key), b = id_num(((const struct movie *)elem)->id);

	return a < b ? -1 : a > b;
}

/* Re-read the movies that grew since the scan and bring lib.total up to
 * date. New movies are added to the total as they come. */
static void
regrow(enum mv_level target)
{
	char *buf = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < ngrown; i++) {
		struct movie tmp = {0}, *m;
		long long was = 0;

		tmp.id = grown[i];
		read_movie(&tmp, target, &buf, &cap);
		/* lib.v is NULL until a scan found movies: bsearch must
		 * not see it (UBSan: null argument). */
		m = lib.n ? bsearch(grown[i], lib.v, lib.n, sizeof *lib.v, by_id) : NULL;
		if (m && strcmp(m->id, grown[i]) == 0) {
			was = m->bad ? 0 : m->pbytes + m->ibytes;
			m->pbytes = tmp.bad ? 0 : tmp.pbytes;
			m->ibytes = tmp.bad ? 0 : tmp.ibytes;
			if (!m->bad && !tmp.bad)
				m->level = tmp.level;
		}
		lib.total += (tmp.bad ? 0 : tmp.pbytes + tmp.ibytes) - was;
		movie_clear(&tmp);
		free(grown[i]);
	}
	ngrown = 0;
	free(buf);
}

/* Note a movie whose size may have grown. */
static void
note_growth(const cJSON *ev)
{
	const char *id = mv_json_str(mv_event_data(ev), "id", mv_event_subject(ev));

	if (!id || !mv_id_valid(id, 'm'))
		return;
	if (ngrown == grown_cap) {
		grown_cap = grown_cap ? grown_cap * 2 : 64;
		grown = mv_xrealloc(grown, grown_cap * sizeof *grown);
	}
	grown[ngrown++] = mv_xstrdup(id);
}

/* Only growth needs the tree, for the movie's id; a stats update tells
 * whether the library has outgrown the budget. */
static int
on_event(void *ctx, struct mv_stage_event *e)
{
	const struct policy *pol = ctx;
	const cJSON *ev;
	const char *why;

	if (strcmp(e->type, "mv.stats.updated") != 0) {
		if ((ev = mv_stage_tree(e, &why)))
			note_growth(ev);
		return 0;
	}
	mv_out_flush();
	regrow(pol->level);
	if (lib.total > pol->budget && (!over_at || lib.total > over_at))
		filter_run(pol);
	return 0;
}

static long long run_every;      /* --interval, seconds */

/* The policy is due an interval after its last run. The interval is
 * counted in mv_now() time (which tests set), the deadline in
 * mv_mono_ns(): asked again before each wait, it follows mv_now(). */
static uint64_t
next_run(void *ctx)
{
	long long left = (long long)(last_run + run_every - mv_now());
	uint64_t now = mv_mono_ns();

	(void)ctx;
	if (left <= 0)
		return now;
	return now + (uint64_t)(left > 86400 ? 86400 : left) * 1000000000ULL;
}

static void
on_run(void *ctx)
{
	filter_run(ctx);
}

/*
 * Pass every event through unchanged; run the policy (if one is set) when
 * an interval has passed since the last run, and after mv.stats.updated
 * when the library has outgrown the budget. Returns an exit code.
 */
static int
filter(const struct policy *pol, long long every)
{
	struct mv_stage st = {
		.types = "mv.movie.enriched,mv.movie.created,mv.video.added,"
		    "mv.stats.updated",
		.ctx = (void *)pol,
	};

	if (pol->level != MV_LEVEL_BAD) {
		run_every = every;
		last_run = last_run_load();
		st.next_deadline = next_run;
		st.on_deadline = on_run;
		if (pol->budget >= 0)
			st.on_event = on_event;
	}
	return mv_stage_run(&st);
}

/* ---- main -------------------------------------------------------------- */

/* Fill what the command line left unset from the configuration
 * (downgrade_level, downgrade_unread_since, downgrade_budget). Returns 0
 * or 78 after a message naming the key. */
static int
policy_config(struct policy *pol)
{
	const char *s;

	if (pol->level == MV_LEVEL_BAD && (s = mv_config_get("downgrade_level", NULL))) {
		pol->level = mv_level_parse(s);
		if (pol->level == MV_LEVEL_BAD || pol->level == MV_DEEP) {
			mv_warnx("unable to use downgrade_level \"%s\": not minimal, "
			    "light, basic or medium", s);
			return MV_EX_CONFIG;
		}
	}
	if (pol->unread < 0 && (s = mv_config_get("downgrade_unread_since", NULL)) &&
	    mv_duration_parse(s, &pol->unread) < 0) {
		mv_warnx("unable to use downgrade_unread_since \"%s\": not a duration", s);
		return MV_EX_CONFIG;
	}
	if (pol->budget < 0 && (s = mv_config_get("downgrade_budget", NULL)) &&
	    mv_size_parse(s, &pol->budget) < 0) {
		mv_warnx("unable to use downgrade_budget \"%s\": not a size", s);
		return MV_EX_CONFIG;
	}
	return 0;
}

/* What the command line asked for. */
struct opts {
	struct policy pol;
	const char *data;
	long long interval; /* -1: not given */
	int once, filt, cli_policy;
};

/* Fill o from the options and settle the mode; exits 64 on a bad value
 * or combination. */
static void
parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{"level", required_argument, NULL, 'l'},
		{"unread-since", required_argument, NULL, 'u'},
		{"budget", required_argument, NULL, 'b'},
		{"dry-run", no_argument, NULL, 'n'},
		{"once", no_argument, NULL, '1'},
		{"filter", no_argument, NULL, 'f'},
		{"interval", required_argument, NULL, 'i'},
		MV_OPT_LONG,
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){ .pol = {MV_LEVEL_BAD, -1, -1}, .interval = -1 };
	while ((c = getopt_long(argc, argv, "d:l:u:b:n1fi:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->pol.level = mv_level_parse(optarg);
			if (o->pol.level == MV_LEVEL_BAD || o->pol.level == MV_DEEP) {
				mv_warnx("invalid --level value: %s (minimal, light, basic"
				    " or medium)", optarg);
				goto usage;
			}
			o->cli_policy = 1;
			break;
		case 'u':
			if (mv_duration_parse(optarg, &o->pol.unread) < 0) {
				mv_warnx("invalid --unread-since value: %s", optarg);
				goto usage;
			}
			o->cli_policy = 1;
			break;
		case 'b':
			if (mv_size_parse(optarg, &o->pol.budget) < 0) {
				mv_warnx("invalid --budget value: %s", optarg);
				goto usage;
			}
			o->cli_policy = 1;
			break;
		case 'n':
			dry_run = 1;
			break;
		case '1':
			o->once = 1;
			break;
		case 'f':
			o->filt = 1;
			break;
		case 'i':
			if (mv_duration_parse(optarg, &o->interval) < 0 || o->interval < 1) {
				mv_warnx("invalid --interval value: %s", optarg);
				goto usage;
			}
			break;
		default:
			mv_opt_common(c, USAGE, &o->data);
		}
	}
	if (optind != argc) {
		mv_warnx("unexpected argument \"%s\"", argv[optind]);
		goto usage;
	}
	/* One shot with a policy on the command line or --once; otherwise a
	 * filter, when events can come. */
	if (!o->filt && !o->cli_policy && !o->once && !dry_run && isatty(0)) {
		mv_warnx("no --level given and standard input is a terminal");
		goto usage;
	}
	if (!o->filt && !o->cli_policy && !o->once && !dry_run)
		o->filt = 1;
	if (o->filt && (o->once || dry_run)) {
		mv_warnx("--filter goes with neither --once nor --dry-run");
		goto usage;
	}
	if (!o->filt && o->interval >= 0) {
		mv_warnx("--interval goes with the filter only");
		goto usage;
	}
	if (!o->filt && !o->once && o->pol.level == MV_LEVEL_BAD && o->cli_policy) {
		mv_warnx("--unread-since and --budget need --level or --once");
		goto usage;
	}
	return;
usage:
	mv_usage_die(USAGE);
}

/*
 * Complete the policy and the filter's interval from the configuration
 * and check that they make a whole. Returns 0, or MV_EX_CONFIG after a
 * message.
 */
static int
policy_settle(struct opts *o)
{
	struct policy *pol = &o->pol;
	int code;

	/* A level on the command line is the whole policy; --once and the
	 * filter take the rest from the configuration. */
	if ((o->filt || pol->level == MV_LEVEL_BAD) && (code = policy_config(pol)) != 0)
		return code;
	if (!o->filt && pol->level == MV_LEVEL_BAD) {
		mv_warnx("unable to downgrade: no level (set downgrade_level or give --level)");
		return MV_EX_CONFIG;
	}
	if (o->filt && pol->level == MV_LEVEL_BAD && (pol->unread >= 0 || pol->budget >= 0)) {
		mv_warnx("unable to use the policy: downgrade_unread_since and "
		    "downgrade_budget need downgrade_level");
		return MV_EX_CONFIG;
	}
	if (o->filt && pol->level != MV_LEVEL_BAD && pol->unread < 0 && pol->budget < 0) {
		mv_warnx("unable to use the policy: downgrade_level needs "
		    "downgrade_unread_since or downgrade_budget");
		return MV_EX_CONFIG;
	}
	if (o->filt && o->interval < 0) {
		const char *s = mv_config_get("downgrade_interval", "1h");

		if (mv_duration_parse(s, &o->interval) < 0 || o->interval < 1) {
			mv_warnx("unable to use downgrade_interval \"%s\": not a duration", s);
			return MV_EX_CONFIG;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int code;

	mv_init(argv[0]);
	parse_options(argc, argv, &o);
	if ((code = mv_data_open(o.data, 0)) != 0)
		return code;
	if ((code = policy_settle(&o)) != 0)
		return code;
	mv_stage_signals();
	code = o.filt ? filter(&o.pol, o.interval) : run_policy(&o.pol, 1);
	library_free(&lib);
	mv_usage_free(&usage);
	code = mv_finish(code);
	/* A one-shot run cut short says so the usual way: by the signal. */
	if (mv_stage_stopped() && !o.filt) {
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
	}
	return code;
}
