/* mvwatch_bench.c: drop N files under a running mvwatch; check each is reported once, time close to event. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mv.h"

static const char USAGE[] =
    "usage: mvwatch_bench [--stopped] MVWATCH N\n"
    "Starts MVWATCH --settle 0 --verbose on $MV_DATA/incoming, writes N files\n"
    "f00000.mkv... into it and reads its events. --stopped writes them while\n"
    "mvwatch is stopped (SIGSTOP), which overflows the inotify queue.\n"
    "Prints one line of key=value results; exits 1 unless every file was\n"
    "reported exactly once.\n";

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Peak resident set of pid in kB (VmHWM), or -1. */
static long
peak_rss(pid_t pid)
{
	char path[64], *buf, *p;
	size_t len;
	long kb = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (mv_slurp(path, 1 << 16, &buf, &len) < 0)
		return -1;
	if ((p = strstr(buf, "VmHWM:")))
		kb = strtol(p + 6, NULL, 10);
	free(buf);
	return kb;
}

/* Write n files into dir, storing each one's time just before close. */
static void
writer(const char *dir, long n, uint64_t *closed)
{
	char path[4096], block[256];

	memset(block, 'v', sizeof block);
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof path, "%s/f%05ld.mkv", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || mv_write_all(fd, block, sizeof block) < 0)
			mv_die(MV_EX_IOERR, "write %s", path);
		closed[i] = mv_mono_ns();
		if (close(fd) < 0)
			mv_die(MV_EX_IOERR, "close %s", path);
	}
	_exit(0);
}

/* CPU time (user + system) used by pid so far, in ms, or -1. */
static long
cpu_ms(pid_t pid)
{
	char path[64], *buf, *p;
	size_t len;
	unsigned long ut, stime;
	long ms = -1;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (mv_slurp(path, 1 << 16, &buf, &len) < 0)
		return -1;
	/* Fields 14 and 15, counted after the ")" that ends the name. */
	if ((p = strrchr(buf, ')')) &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &stime) == 2)
		ms = (long)((ut + stime) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
	free(buf);
	return ms;
}

int
main(int argc, char **argv)
{
	int stopped = 0, p[2], st;
	long n, got = 0, dups = 0, bad = 0, rss, cpu;
	char *dir, *ready, buf[1 << 16];
	size_t have = 0;
	uint64_t *closed, *recv, *lat, t0, t_last = 0;
	pid_t w, wr;
	struct pollfd pfd;

	mv_init(argv[0]);
	if (argc > 1 && strcmp(argv[1], "--stopped") == 0) {
		stopped = 1;
		argv++;
		argc--;
	}
	if (argc != 3 || (n = atol(argv[2])) <= 0 || n > 99999) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	if (mv_data_open(NULL, 1) != 0)
		return MV_EX_CANTCREAT;
	dir = mv_path("incoming");
	ready = mv_path("run/mvwatch.ready");
	closed = mmap(NULL, (size_t)n * sizeof *closed, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (closed == MAP_FAILED)
		mv_die(MV_EX_SOFTWARE, "map shared memory");
	recv = mv_xcalloc((size_t)n, sizeof *recv);

	if (pipe(p) < 0)
		mv_die(MV_EX_SOFTWARE, "create pipe");
	if ((w = fork()) < 0)
		mv_die(MV_EX_SOFTWARE, "fork");
	if (w == 0) {
		setpgid(0, 0);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl(argv[1], "mvwatch", "--settle", "0", "--verbose", (char *)NULL);
		mv_die(127, "run %s", argv[1]);
	}
	close(p[1]);
	for (int i = 0; access(ready, F_OK) < 0; i++) {
		if (i > 1000 || waitpid(w, &st, WNOHANG) == w)
			mv_diex(MV_EX_SOFTWARE, "mvwatch did not get ready");
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	if (stopped)
		kill(w, SIGSTOP);

	t0 = mv_mono_ns();
	if ((wr = fork()) < 0)
		mv_die(MV_EX_SOFTWARE, "fork");
	if (wr == 0)
		writer(dir, n, closed);
	if (stopped) {
		/* Every event waits in the kernel queue, which overflows. */
		waitpid(wr, &st, 0);
		wr = 0;
		kill(w, SIGCONT);
	}

	/* Read events until all are in, or 20 s pass with none new. */
	pfd.fd = p[0];
	pfd.events = POLLIN;
	t_last = mv_mono_ns();
	while (got < n) {
		ssize_t r;
		char *s, *nl;
		uint64_t now;

		if (poll(&pfd, 1, 1000) == 0) {
			if (mv_mono_ns() - t_last > 20000000000ull)
				break;
			continue;
		}
		r = read(p[0], buf + have, sizeof buf - have);
		if (r <= 0)
			break;
		now = mv_mono_ns();
		have += (size_t)r;
		s = buf;
		while ((nl = memchr(s, '\n', have - (size_t)(s - buf)))) {
			char *name = memmem(s, (size_t)(nl - s), "\"name\":\"f", 9);
			long i = name ? strtol(name + 9, NULL, 10) : -1;

			if (i < 0 || i >= n)
				bad++;
			else if (recv[i])
				dups++;
			else {
				recv[i] = now;
				got++;
			}
			s = nl + 1;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
		t_last = now;
	}
	if (wr > 0)
		waitpid(wr, &st, 0);
	/* Late duplicates: give mvwatch a moment to emit anything extra. */
	pfd.fd = p[0];
	while (poll(&pfd, 1, 300) > 0) {
		ssize_t r = read(p[0], buf, sizeof buf);

		if (r <= 0)
			break;
		for (char *q = buf; (q = memchr(q, '\n', (size_t)(buf + r - q))); q++)
			dups++;
	}
	rss = peak_rss(w);
	cpu = cpu_ms(w);
	kill(w, SIGTERM);
	waitpid(w, &st, 0);

	lat = mv_xcalloc((size_t)n, sizeof *lat);
	long m = 0;
	for (long i = 0; i < n; i++)
		if (recv[i])
			lat[m++] = recv[i] > closed[i] ? recv[i] - closed[i] : 0;
	qsort(lat, (size_t)m, sizeof *lat, cmp_u64);
	printf("files=%ld reported=%ld missing=%ld duplicates=%ld unknown=%ld "
	    "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f total_ms=%.0f peak_rss_kb=%ld "
	    "cpu_ms=%ld mvwatch_exit=%d\n",
	    n, got, n - got, dups, bad,
	    m ? lat[m / 2] / 1e6 : -1.0, m ? lat[(m * 99) / 100] / 1e6 : -1.0,
	    m ? lat[m - 1] / 1e6 : -1.0, (t_last - t0) / 1e6, rss, cpu,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fflush(stdout);
	free(lat);
	free(recv);
	free(dir);
	free(ready);
	return got == n && dups == 0 && bad == 0 ? 0 : 1;
}
