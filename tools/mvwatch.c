/* mvwatch.c: report complete video files under a directory as mv.file.added events. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvwatch/mvwatch.h"

static const char USAGE[] =
    "usage: mvwatch [--data DIR] [--settle SECONDS] [--rescan MINUTES] [--once]\n"
    "               [--part-wait SECONDS] [--inject FIFO] [--verbose] [DIR]\n"
    "Report complete video files under DIR (default: <data>/incoming) as\n"
    "mv.file.added events on standard output.\n"
    "  -d, --data DIR        data directory (default $MV_DATA)\n"
    "  -s, --settle SECONDS  quiet time before a file counts as complete (2)\n"
    "  -r, --rescan MINUTES  rescan the tree this often; 0 never (10)\n"
    "  -p, --part-wait SECONDS  how long a loose part waits for the other\n"
    "                        parts of its film (600)\n"
    "  -1, --once            scan once, report, exit (cron, network mounts)\n"
    "  -i, --inject FIFO     also pass valid event lines read from FIFO\n"
    "  -v, --verbose         report overflows and counts on standard error\n"
    "  -h, --help            print this help\n"
    "      --version         print the version\n";

#define MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | \
	IN_DELETE_SELF | IN_MOVE_SELF | IN_EXCL_UNLINK | IN_ONLYDIR)
#define BACKOFF_MAX 8000000000ull /* longest wait between checks for DIR */

/* ---- options and global state ------------------------------------------ */

char *root;               /* DIR, absolute, normalised; owned */
static char *data_abs;    /* the data directory, absolute; owned */
uint64_t settle_ns;
static uint64_t rescan_ns; /* 0: no periodic rescan */
static int once;          /* --once: scan, report, exit; no inotify */
static int verbose;       /* --verbose: overflow notes and counts */

/*
 * The root is either watched, or gone (an unmounted share, rm -rf) and
 * polled for with a growing delay. While VANISHED there are no watches,
 * no pending files, and the set of reported files is kept as it is: a
 * vanished directory is not a deletion of the files in it.
 */
enum root_state { WATCHING, VANISHED };
static enum root_state state = WATCHING;
int root_wd = -1;
static dev_t root_dev;    /* st_dev of DIR when last watched */
static int root_mount;    /* 1: DIR was a mount point: on return it must be one again */
static uint64_t retry_at, retry_delay;

int ifd = -1;             /* inotify; -1 with --once */
static uint64_t next_rescan; /* monotonic ns; 0: none planned */
static int rescan_asked;  /* 1: an overflow or SIGHUP asked for a full scan */
unsigned gen;             /* number of the current full scan */
static int scan_errors;   /* errors in the scan in progress: then no sweep */

static char *ready_path;  /* run/mvwatch.ready; owned */
static int ready_written; /* 1: ready_path is ours to remove */
static int watch_only;    /* 1: a scan sets watches and reports nothing */

static int sigpipe[2] = {-1, -1}; /* self-pipe: the handler writes signo */

static unsigned long n_reported, n_scans, n_overflows, n_skipped;

/* The files already reported and those waiting to settle are
 * tools/mvwatch/files.c's; the directories being watched,
 * tools/mvwatch/watches.c's. */

/* ---- names ------------------------------------------------------------- */

/*
 * 1 if the file at path, under the root, is a video to announce, as
 * mv_media_kind says: not a subtitle, NFO, sample, extra, archive, junk,
 * a download still being written or a hidden name. Judged by the path
 * below the root, so that only folders inside it count ("Sample/",
 * "Featurettes/"), never the ones that hold the root. The others stay
 * where they are, unannounced; mvctl check notes them.
 */
static int
is_video(const char *path)
{
	size_t n = strlen(root);

	if (strncmp(path, root, n) == 0 && path[n] == '/')
		path += n + 1;
	return mv_media_kind(path) == MV_MEDIA_VIDEO;
}

/* ---- reporting --------------------------------------------------------- */

/* Announce the file at path, as stat'ed in st, unless it was already;
 * more (consumed; may be NULL) adds its members to the event's data. */
void
report(const char *path, const struct stat *st, cJSON *more)
{
	struct fkey k;
	const char *subject = path, *name = strrchr(path, '/');
	size_t dlen = strlen(data_abs);
	cJSON *data;

	key_of(st, &k);
	if (seen_find(&k)) {
		cJSON_Delete(more);
		return;
	}
	seen_add(&k);
	if (strncmp(path, data_abs, dlen) == 0 && path[dlen] == '/')
		subject = path + dlen + 1;
	/* No event can carry such a name, and the next stage would drop it
	 * as invalid JSON without a word: say so once, leave the file. */
	if (!mv_utf8_valid(path, strlen(path))) {
		mv_warnx("unable to report %s: its name is not UTF-8 (rename it)", subject);
		cJSON_Delete(more);
		return;
	}
	data = cJSON_CreateObject();
	if (!data)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	cJSON_AddStringToObject(data, "path", path);
	cJSON_AddNumberToObject(data, "size", (double)st->st_size);
	cJSON_AddNumberToObject(data, "dev", (double)st->st_dev);
	cJSON_AddNumberToObject(data, "ino", (double)st->st_ino);
	/* Seconds since the epoch, with the nanoseconds, as the event's
	 * schema and mvctl add have it. */
	cJSON_AddNumberToObject(data, "mtime", (double)st->st_mtim.tv_sec +
	    st->st_mtim.tv_nsec / 1e9);
	cJSON_AddStringToObject(data, "name", name ? name + 1 : path);
	while (more && more->child) {
		cJSON *it = cJSON_DetachItemViaPointer(more, more->child);

		cJSON_AddItemToObject(data, it->string, it);
	}
	cJSON_Delete(more);
	/* An event over the size bound (a very long path) is reported by
	 * mv_emit and stays marked, so it is not retried on every scan. */
	if (mv_emit("mv.file.added", subject, data) == 0)
		n_reported++;
}

/* Nanoseconds since st was last modified (negative: in the future). */
static int64_t
age_ns(const struct stat *st)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)(now.tv_sec - st->st_mtim.tv_sec) * 1000000000 +
	    (now.tv_nsec - st->st_mtim.tv_nsec);
}

enum how { FROM_EVENT, FROM_SCAN };

/* The subtitle of the loose video at path that was written less than
 * the settle time ago (malloc'd bare name), or NULL: its subtitles
 * (mv_download_loose, the rule mvenrich files them by) are written in
 * turn beside it, and they must be there when it is filed. */
static char *
young_sidecar(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct mv_download d = {0};
	struct stat st;
	char *young = NULL;

	if (settle_ns == 0 || mv_download_loose(path, &d) < 0) {
		mv_download_free(&d);
		return NULL;
	}
	for (size_t i = 0; i < d.n && !young; i++) {
		char *p = mv_xasprintf("%.*s/%s", (int)(slash ? slash - path : 0), path,
		    d.files[i].rel);

		if (i != d.main && lstat(p, &st) == 0 && age_ns(&st) < (int64_t)settle_ns)
			young = mv_xstrdup(d.files[i].rel);
		free(p);
	}
	mv_download_free(&d);
	return young;
}

/* A settled loose file: one whose subtitles are still being written
 * waits for them (again the settle time; --once skips it); a part of a
 * film waits for the others (tools/mvwatch/parts.c); anything else goes
 * out now. Returns 1 when it waits again (its timer re-armed). */
static int
report_loose(const char *path, const struct stat *st)
{
	struct fkey k;
	char *young;

	key_of(st, &k);
	if (seen_find(&k))
		return 0;
	if ((young = young_sidecar(path))) {
		if (once) {
			mv_warnx("unable to report %s: its subtitle %s was modified less "
			    "than %g s ago; skipped", path, young, (double)settle_ns / 1e9);
			n_skipped++;
		} else
			pend_arm(path, st);
		free(young);
		return !once;
	}
	if (!part_hold(path))
		report(path, st, NULL);
	return 0;
}

/*
 * A regular file with a video name appeared or changed at path: report it
 * now, or once it has settled, unless it was reported as it is already.
 * A file found by a scan that has not changed for the settle time is
 * complete already; one signalled by an event waits the settle time.
 */
static void
consider(const char *path, enum how how)
{
	struct stat st;
	struct fkey k;
	struct seen *s;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	key_of(&st, &k);
	if ((s = seen_find(&k))) {
		s->gen = gen;   /* still here: the sweep after a scan keeps it */
		return;
	}
	if (watch_only)
		return;
	if (settle_ns == 0 || (how == FROM_SCAN && age_ns(&st) >= (int64_t)settle_ns)) {
		report_loose(path, &st);
		return;
	}
	if (once) {
		mv_warnx("unable to report %s: modified less than %g s ago; skipped",
		    path, (double)settle_ns / 1e9);
		n_skipped++;
		return;
	}
	pend_arm(path, &st);
}

/*
 * A file in a folder below the root, which is a download
 * (tools/mvwatch/download.c): any file, not only a video, restarts the
 * download's settle time; one reported already changes nothing.
 */
static void
consider_in_download(const char *path, enum how how)
{
	struct stat st;
	struct fkey k;
	struct seen *s;
	char *dir;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	key_of(&st, &k);
	if ((s = seen_find(&k))) {
		s->gen = gen;
		return;
	}
	if (watch_only || !(dir = dl_of(path)))
		return;
	dl_touch(dir, how == FROM_EVENT);
	free(dir);
}

/* Timers due: report files that stayed still, re-arm the others. */
static void
run_timers(uint64_t now)
{
	struct stat st;
	struct pend *p;

	while ((p = qhead) && p->due <= now) {
		/* Gone or replaced: a rename brings it back by IN_MOVED_TO. */
		if (lstat(p->path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_dev != p->k.dev || st.st_ino != p->k.ino) {
			pend_free(p);
			continue;
		}
		if (st.st_size == p->k.size &&
		    st.st_mtim.tv_sec == p->k.mtime.tv_sec &&
		    st.st_mtim.tv_nsec == p->k.mtime.tv_nsec) {
			if (!report_loose(p->path, &st))
				pend_free(p);
		} else
			pend_arm(p->path, &st);
	}
}

/* ---- scanning ---------------------------------------------------------- */

/*
 * Watch a directory (parent < 0: the root). Returns the wd, -2 when there
 * is no inotify (--once), or -1 with errno. Dies with 69 when the
 * kernel's limit on watches is reached.
 */
static int
watch_dir(const char *path, int parent, const char *name)
{
	int wd;

	if (ifd < 0)
		return -2;
	wd = inotify_add_watch(ifd, path, MASK | (parent < 0 ? 0 : IN_DONT_FOLLOW));
	if (wd < 0) {
		if (errno == ENOSPC)
			mv_diex(MV_EX_UNAVAILABLE, "unable to watch %s: too many inotify "
			    "watches; raise the sysctl fs.inotify.max_user_watches", path);
		return -1;
	}
	/* A bind mount can bring a directory back below itself. */
	if (parent >= 0 && below(parent, wd)) {
		errno = ELOOP;
		return -1;
	}
	wput(wd, parent, parent < 0 ? path : name);
	return wd;
}

/*
 * Scan the directory path (in b) recursively, watching it and every
 * subdirectory and considering every video file. parent and name place
 * it in the watch tree. Returns 0, or -1 with errno if the directory
 * itself cannot be read.
 */
static int
scan_dir(struct mv_buf *b, int parent, const char *name, int depth)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	size_t len = b->len;
	int wd, saved;

	/* Watch first, then read: a file that lands in between is seen
	 * by both, never by neither; the set of reported files dedups. */
	if ((wd = watch_dir(b->buf, parent, name)) == -1) {
		if (errno == ELOOP)
			return 0;
		return -1;
	}
	if (parent < 0 && wd >= 0)
		root_wd = wd;
	if (!(d = opendir(b->buf))) {
		saved = errno;
		if (wd >= 0 && parent >= 0)
			wdrop(wd);
		errno = saved;
		return -1;
	}
	while ((errno = 0, e = readdir(d))) {
		int type = e->d_type;

		if (e->d_name[0] == '.')
			continue; /* ".", "..", hidden files and partial copies */
		mv_buf_add(b, "/", 1);
		mv_buf_adds(b, e->d_name);
		if (type == DT_UNKNOWN || type == DT_LNK)
			type = lstat(b->buf, &st) < 0 ? DT_UNKNOWN :
			    S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		if (type == DT_DIR) {
			if (depth >= MAXDEPTH) {
				mv_warnx("unable to scan %s: deeper than %d levels", b->buf, MAXDEPTH);
				scan_errors++;
			} else if (scan_dir(b, wd, e->d_name, depth + 1) < 0 &&
			    errno != ENOENT && errno != ENOTDIR) {
				/* ENOENT: removed since readdir; nothing to see. */
				mv_warn("scan %s", b->buf);
				scan_errors++;
			}
		} else if (type == DT_REG && depth > 0)
			consider_in_download(b->buf, FROM_SCAN);
		else if (type == DT_REG && is_video(b->buf))
			consider(b->buf, FROM_SCAN);
		b->len = len;
		b->buf[len] = '\0';
	}
	saved = errno;
	closedir(d);
	if (saved) {
		errno = saved;
		return -1;
	}
	return 0;
}

static void vanish(void);
static void ready(int up);

/*
 * Scan the whole tree from the root, (re)placing watches. After a scan
 * that saw everything, forget reported files that are gone. Returns 0, or
 * -1 if the root itself could not be read (after a message).
 */
static int
full_scan(void)
{
	struct mv_buf b = {0};
	int r;

	gen++;
	n_scans++;
	scan_errors = 0;
	mv_buf_adds(&b, root);
	r = scan_dir(&b, -1, root, 0);
	mv_buf_free(&b);
	if (r < 0) {
		if (!once && (errno == ENOENT || errno == ENOTDIR)) {
			vanish();
			return -1;
		}
		mv_warn("scan %s", root);
		return -1;
	}
	if (!scan_errors)
		seen_sweep(&gen);
	if (rescan_ns)
		next_rescan = mv_mono_ns() + rescan_ns;
	return 0;
}

/*
 * Set the watches, say we are ready, then report what the tree holds.
 * Ready means that nothing dropped from now on can be missed, which is
 * true once the watches are set. Reporting a large backlog takes as long
 * as the next stage needs to read it (our writes block on a full pipe),
 * and must not hold readiness back: a supervisor waiting for us would
 * give up. A file landing between the two walks is seen by inotify or by
 * the second walk, and the set of reported files keeps it to one event.
 * Returns full_scan's result.
 */
static int
watch_then_scan(void)
{
	int r;

	watch_only = 1;
	r = full_scan();
	watch_only = 0;
	if (r < 0)
		return r;
	if (state == WATCHING)
		ready(1);
	return full_scan();
}

/* ---- the root coming and going ----------------------------------------- */

/* Write or remove run/mvwatch.ready, which holds our pid. */
static void
ready(int up)
{
	char pid[32];
	int n;

	if (up) {
		n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		if (mv_write_atomic(ready_path, pid, (size_t)n) < 0)
			mv_die(mv_exit_for_errno(errno) == MV_EX_NOINPUT ?
			    MV_EX_CANTCREAT : mv_exit_for_errno(errno), "write %s", ready_path);
		ready_written = 1;
	} else if (ready_written) {
		unlink(ready_path);
		ready_written = 0;
	}
}

static void
cleanup(void)
{
	ready(0);
}

/* The root is gone: drop every watch and timer, and start polling for it. */
static void
vanish(void)
{
	wclear();
	pend_clear();
	dl_clear();
	part_clear();
	state = VANISHED;
	retry_delay = 1000000000ull;
	retry_at = mv_mono_ns() + retry_delay;
	next_rescan = 0;
	ready(0);
	mv_warnx("unable to watch %s: directory vanished; waiting", root);
}

/* 1 if st (the root) is a mount point: its parent lies on another device. */
static int
is_mount(const char *path, const struct stat *st)
{
	char *up = mv_xasprintf("%s/..", path);
	struct stat pst;
	int r = stat(up, &pst) == 0 && pst.st_dev != st->st_dev;

	free(up);
	return r;
}

/* While VANISHED: if the root is back, watch and scan it again. */
static void
try_return(void)
{
	struct stat st;

	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (root_mount && !is_mount(root, &st))) {
		/* An unmounted share leaves its empty mount point behind:
		 * wait for the mount, not for the directory. */
		retry_delay = retry_delay * 2 > BACKOFF_MAX ? BACKOFF_MAX : retry_delay * 2;
		retry_at = mv_mono_ns() + retry_delay;
		return;
	}
	state = WATCHING;
	root_dev = st.st_dev;
	root_mount = is_mount(root, &st);
	mv_warnx("watching %s again", root);
	if (watch_then_scan() < 0) {
		if (state == WATCHING)
			vanish(); /* unreadable now: keep polling */
		return;
	}
	mv_out_flush();
}

/* ---- inotify events ---------------------------------------------------- */

static void
on_event(const struct inotify_event *ev)
{
	struct mv_buf b = {0};

	if (ev->mask & IN_Q_OVERFLOW) {
		n_overflows++;
		rescan_asked = 1;
		if (verbose)
			mv_warnx("inotify queue overflowed; rescanning %s", root);
		return;
	}
	if (!wfind(ev->wd))
		return; /* a watch we dropped: its last events */
	if (ev->wd == root_wd &&
	    (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED))) {
		vanish();
		return;
	}
	if (ev->mask & IN_IGNORED) {
		wdel(ev->wd); /* a subdirectory went away */
		return;
	}
	/* The root's own moves are handled above; a subdirectory's, by the
	 * IN_MOVED_FROM/IN_MOVED_TO of its parent. */
	if (!ev->len || ev->name[0] == '.' || (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
		return;
	if (wpath(ev->wd, &b, 0) < 0) {
		mv_buf_free(&b);
		return;
	}
	mv_buf_add(&b, "/", 1);
	mv_buf_adds(&b, ev->name);
	if (ev->mask & IN_ISDIR) {
		if (ev->mask & IN_MOVED_FROM) {
			for (size_t i = 0; i < nwatch; i++)
				if (watches[i].parent == ev->wd &&
				    strcmp(watches[i].name, ev->name) == 0) {
					wdrop(watches[i].wd);
					break;
				}
		} else if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
			/* A new directory, perhaps a whole folder moved
			 * in: watch it and report what it already holds. */
			int depth = 0;
			char *dir;

			for (int wd = ev->wd; wd >= 0 && wfind(wd); wd = wfind(wd)->parent)
				depth++;
			if (scan_dir(&b, ev->wd, ev->name, depth) < 0 &&
			    errno != ENOENT && errno != ENOTDIR)
				mv_warn("scan %s", b.buf);
			/* A folder moved in whole, old times and all, still
			 * waits its settle time, as a file moved in does. */
			mv_buf_adds(&b, "/");
			if ((dir = dl_of(b.buf)))
				dl_touch(dir, 1);
			free(dir);
		}
	} else if ((ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && ev->wd != root_wd)
		consider_in_download(b.buf, FROM_EVENT);
	else if ((ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && is_video(b.buf))
		consider(b.buf, FROM_EVENT);
	mv_buf_free(&b);
}

/*
 * Read and handle one buffer of inotify events. One read per wake-up, not
 * a loop until EAGAIN, so a steady stream of events cannot starve the
 * timers, the FIFO or a SIGTERM.
 */
static void
read_events(void)
{
	/* Aligned as the kernel writes struct inotify_event. */
	static char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	do
		n = read(ifd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN)
			return;
		mv_die(MV_EX_IOERR, "read inotify events");
	}
	for (char *p = buf; p < buf + n;) {
		const struct inotify_event *ev = (const struct inotify_event *)p;

		p += sizeof *ev + ev->len;
		if (state == WATCHING || (ev->mask & IN_Q_OVERFLOW))
			on_event(ev);
	}
}

/* ---- the injection FIFO ------------------------------------------------ */

static const char *fifo_path;
static int fifo_fd = -1, fifo_dummy = -1;
static struct mv_lines *fifo_lines;

/*
 * Open (creating it if missing) the FIFO for reading without blocking,
 * and hold a write end ourselves so that the last writer leaving never
 * reads as end of input.
 */
static void
fifo_open(void)
{
	struct stat st;

	if (mkfifo(fifo_path, 0600) < 0 && errno != EEXIST)
		mv_die(mv_exit_for_errno(errno) == MV_EX_NOINPUT ? MV_EX_CANTCREAT :
		    mv_exit_for_errno(errno), "create FIFO %s", fifo_path);
	fifo_fd = open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo_fd < 0)
		mv_die(MV_EX_NOINPUT, "open FIFO %s", fifo_path);
	if (fstat(fifo_fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		mv_diex(MV_EX_NOINPUT, "unable to open FIFO %s: not a FIFO", fifo_path);
	fifo_dummy = open(fifo_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo_dummy < 0)
		mv_die(MV_EX_NOINPUT, "open FIFO %s", fifo_path);
	fifo_lines = mv_lines_new(fifo_fd, fifo_path, MV_EVENT_MAX);
}

/*
 * Pass every whole, valid event line waiting in the FIFO to stdout. The
 * FIFO is non-blocking: mv_lines_next then returns -1 with EAGAIN when no
 * whole line is left, keeping a partial one buffered for the next call.
 */
static void
read_fifo(void)
{
	char *line;
	size_t len;
	const char *why;
	cJSON *ev;
	int r;

	while ((r = mv_lines_next(fifo_lines, &line, &len)) == 1) {
		if (len == 0)
			continue;
		if (!(ev = mv_event_parse(line, len, &why))) {
			mv_warnx("%s:%lu: %s", fifo_path, mv_lines_lineno(fifo_lines), why);
			continue;
		}
		cJSON_Delete(ev);
		mv_out_line(line, len); /* unchanged, as every stage passes events */
		mv_out_flush();
	}
	if (r < 0 && errno != EAGAIN)
		mv_die(MV_EX_IOERR, "read FIFO %s", fifo_path);
}

/* ---- signals ----------------------------------------------------------- */

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	(void)!write(sigpipe[1], &c, 1);
	errno = saved;
}

static void
signals_init(void)
{
	struct sigaction sa;

	if (pipe2(sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		mv_die(MV_EX_SOFTWARE, "create self-pipe");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Drain the self-pipe. Returns 1 if asked to stop (TERM, INT). SIGHUP
 * asks for a rescan. */
static int
read_signals(void)
{
	char c[64];
	ssize_t n;
	int stop = 0;

	while ((n = read(sigpipe[0], c, sizeof c)) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (c[i] == SIGHUP)
				rescan_asked = 1;
			else
				stop = 1;
		}
	return stop;
}

/* ---- main -------------------------------------------------------------- */

/* Make p absolute (from the working directory) without resolving links:
 * a symlinked incoming/ keeps its name in events. Returns malloc'd. */
static char *
absolute(const char *p)
{
	char *s, *out, *o, cwd[PATH_MAX];

	if (p[0] == '/')
		s = mv_xstrdup(p);
	else {
		if (!getcwd(cwd, sizeof cwd))
			mv_die(MV_EX_SOFTWARE, "find the working directory");
		s = mv_xasprintf("%s/%s", cwd, p);
	}
	/* Collapse "//" and "/./"; drop a trailing "/" or "/.". */
	out = o = mv_xmalloc(strlen(s) + 1);
	for (const char *q = s; *q;) {
		if (q[0] == '/' && (q[1] == '/' || q[1] == '\0')) {
			q++;
			continue;
		}
		if (q[0] == '/' && q[1] == '.' && (q[2] == '/' || q[2] == '\0')) {
			q += 2;
			continue;
		}
		*o++ = *q++;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	free(s);
	return out;
}

/* Parse a non-negative decimal number of unit nanoseconds; 0 or -1. */
static int
parse_span(const char *s, double unit, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v * unit > 1e18)
		return -1;
	*ns = (uint64_t)llround(v * unit);
	return 0;
}

static void
usage_die(const char *why, const char *arg)
{
	mv_warnx("%s: %s", why, arg);
	mv_usage_die(USAGE);
}

/* What the command line gives besides the globals above. */
struct opts {
	const char *data; /* --data, or NULL */
	const char *dir;  /* DIR, or NULL for <data>/incoming */
};

/* Set the option globals and fill o; exits 64 on a bad value or combination. */
static void
parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"settle", required_argument, NULL, 's'},
		{"rescan", required_argument, NULL, 'r'},
		{"part-wait", required_argument, NULL, 'p'},
		{"once", no_argument, NULL, '1'},
		{"inject", required_argument, NULL, 'i'},
		{"verbose", no_argument, NULL, 'v'},
		MV_OPT_LONG,
		{NULL, 0, NULL, 0},
	};
	int c, rescan_set = 0, part_wait_set = 0;

	o->data = NULL;
	settle_ns = 2000000000ull;
	rescan_ns = 600000000000ull;
	while ((c = getopt_long(argc, argv, "d:s:r:p:1i:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_span(optarg, 1e9, &settle_ns) < 0)
				usage_die("invalid --settle (seconds)", optarg);
			break;
		case 'r':
			if (parse_span(optarg, 60e9, &rescan_ns) < 0)
				usage_die("invalid --rescan (minutes)", optarg);
			rescan_set = 1;
			break;
		case 'p':
			if (parse_span(optarg, 1e9, &part_wait_ns) < 0)
				usage_die("invalid --part-wait (seconds)", optarg);
			part_wait_set = 1;
			break;
		case '1':
			once = 1;
			break;
		case 'i':
			fifo_path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			mv_opt_common(c, USAGE, &o->data);
		}
	}
	if (argc - optind > 1)
		usage_die("too many arguments", argv[optind + 1]);
	if (once && fifo_path)
		usage_die("--once reads no FIFO", "--inject");
	if (once && rescan_set)
		usage_die("--once does not rescan", "--rescan");
	if (once && part_wait_set)
		usage_die("--once does not wait for parts", "--part-wait");
	o->dir = optind < argc ? argv[optind] : NULL;
}

/* Milliseconds for poll until the next deadline: timers, rescan, retry. */
static int
poll_timeout(void)
{
	uint64_t now, wake = UINT64_MAX;

	if (qhead)
		wake = qhead->due;
	if (dl_next() < wake)
		wake = dl_next();
	if (part_next() < wake)
		wake = part_next();
	if (state == WATCHING && next_rescan && next_rescan < wake)
		wake = next_rescan;
	if (state == VANISHED && retry_at < wake)
		wake = retry_at;
	now = mv_mono_ns();
	if (wake == UINT64_MAX)
		return -1;
	if (wake <= now)
		return 0;
	if (wake - now > (uint64_t)INT_MAX * 1000000)
		return INT_MAX;
	/* round up, so we never wake just before a deadline */
	return (int)((wake - now + 999999) / 1000000);
}

/* Watch until SIGTERM or SIGINT: timers, rescans, inotify, the FIFO. */
static void
watch_loop(void)
{
	struct pollfd pfd[3];

	for (;;) {
		uint64_t now = mv_mono_ns();
		int timeout, n = 0, ipoll = -1, fpoll = -1;

		if (state == VANISHED && retry_at <= now)
			try_return();
		if (state == WATCHING && (rescan_asked || (next_rescan && next_rescan <= now))) {
			rescan_asked = 0;
			full_scan();
		}
		run_timers(mv_mono_ns());
		dl_run(mv_mono_ns(), 0);
		part_run(mv_mono_ns(), 0);
		mv_out_flush();
		timeout = poll_timeout();

		pfd[n].fd = sigpipe[0];
		pfd[n++].events = POLLIN;
		pfd[n].fd = ifd;
		pfd[n].events = POLLIN;
		ipoll = n++;
		if (fifo_fd >= 0) {
			pfd[n].fd = fifo_fd;
			pfd[n].events = POLLIN;
			fpoll = n++;
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			mv_die(MV_EX_SOFTWARE, "poll");
		}
		if ((pfd[0].revents & POLLIN) && read_signals())
			return;
		if (pfd[ipoll].revents & POLLIN)
			read_events();
		if (fpoll >= 0 && (pfd[fpoll].revents & POLLIN))
			read_fifo();
	}
}

/* Start inotify, the FIFO and the signals, set the watches and report
 * what the tree holds. st is the root's stat. */
static void
watch_start(const struct stat *st)
{
	signals_init();
	ready_path = mv_path("run/mvwatch.ready");
	atexit(cleanup);
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0) {
		if (errno == EMFILE)
			mv_diex(MV_EX_UNAVAILABLE, "unable to start inotify: too many "
			    "instances; raise the sysctl fs.inotify.max_user_instances");
		mv_die(MV_EX_UNAVAILABLE, "start inotify");
	}
	if (fifo_path)
		fifo_open();
	root_dev = st->st_dev;
	root_mount = is_mount(root, st);
	if (watch_then_scan() < 0 && state == WATCHING)
		exit(MV_EX_NOINPUT); /* unreadable, and full_scan said why */
	mv_out_flush();
}

/* Say the counts if asked, and free and close everything. */
static void
teardown(void)
{
	mv_out_flush();
	if (verbose)
		mv_warnx("%lu reported, %lu skipped, %lu scans, %lu queue overflows",
		    n_reported, n_skipped, n_scans, n_overflows);
	ready(0);
	wclear();
	free(watches);
	pend_clear();
	dl_clear();
	part_clear();
	mv_table_free(&pending);
	seen_sweep(NULL);
	mv_table_free(&seen);
	if (fifo_fd >= 0) {
		mv_lines_free(fifo_lines);
		close(fifo_fd);
		close(fifo_dummy);
	}
	if (ifd >= 0)
		close(ifd);
	if (sigpipe[0] >= 0) {
		close(sigpipe[0]);
		close(sigpipe[1]);
	}
	free(ready_path);
	free(root);
	free(data_abs);
	free((char *)mv_data);
}

int
main(int argc, char **argv)
{
	struct opts o;
	int code;
	struct stat st;

	mv_init(argv[0]);
	parse_options(argc, argv, &o);

	/* Like every tool, make the data layout on first use: the watcher
	 * needs run/, and the default DIR is its incoming/. */
	if ((code = mv_data_open(o.data, 1)) != 0)
		return code;
	data_abs = absolute(mv_data);
	if (o.dir) {
		root = absolute(o.dir);
	} else {
		char *in = mv_path("incoming");

		root = absolute(in);
		free(in);
	}
	if (stat(root, &st) < 0)
		mv_die(MV_EX_NOINPUT, "%s %s", once ? "scan" : "watch", root);
	if (!S_ISDIR(st.st_mode))
		mv_diex(MV_EX_NOINPUT, "unable to %s %s: not a directory",
		    once ? "scan" : "watch", root);

	if (once) {
		code = full_scan() < 0 ? MV_EX_NOINPUT : MV_EX_OK;
		n_skipped += dl_run(0, 1);
		part_run(0, 1); /* no one waits for a cron run */
	} else {
		watch_start(&st);
		watch_loop();
		code = MV_EX_OK;
	}
	teardown();
	return mv_finish(code);
}
