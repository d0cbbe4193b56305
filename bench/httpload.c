/* httpload.c: a small keep-alive HTTP load client for 127.0.0.1: requests/s and latency percentiles. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mv.h"

static const char USAGE[] =
    "usage: httpload [-c CONNS] [-n REQUESTS] [-t SECONDS] -p PORT PATHS-FILE\n"
    "  sends GET requests for the paths of PATHS-FILE (one a line, in turn)\n"
    "  to 127.0.0.1:PORT over CONNS keep-alive connections (default 4),\n"
    "  REQUESTS in all (default 20000) or until SECONDS (default 30) pass;\n"
    "  prints one JSON line: requests, errors, seconds, rps, p50/p90/p99/max ms\n";

static char **paths;
static size_t npaths;
static int port;
static long per_conn;
static uint64_t deadline;

struct worker {
	pthread_t tid;
	int id;
	uint64_t *lat;   /* ns per request, owned */
	long done, errors;
};

static int
dial(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One request on fd: send, read the head, then Content-Length bytes.
 * Returns the status, or -1 when the connection failed (reconnect).
 */
static int
request(int fd, const char *path, char **buf, size_t *cap)
{
	char req[2048];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Accept: application/json\r\n\r\n", path);
	size_t have = 0, head = 0, len;
	char *end, *cl;
	long clen;
	int status;

	if (n < 0 || (size_t)n >= sizeof req || mv_write_all(fd, req, (size_t)n) < 0)
		return -1;
	for (;;) {
		ssize_t r;

		if (have + 1 >= *cap) {
			*cap *= 2;
			*buf = mv_xrealloc(*buf, *cap);
		}
		if ((r = read(fd, *buf + have, *cap - have - 1)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		have += (size_t)r;
		(*buf)[have] = '\0';
		if (!head && (end = strstr(*buf, "\r\n\r\n"))) {
			head = (size_t)(end - *buf) + 4;
			if (sscanf(*buf, "HTTP/1.%*d %d", &status) != 1)
				return -1;
			cl = strcasestr(*buf, "\r\nContent-Length:");
			if (!cl || cl > end)
				return -1;
			clen = strtol(cl + 17, NULL, 10);
			if (clen < 0)
				return -1;
			len = head + (size_t)clen;
			if (len + 1 > *cap) {
				*cap = len + 1;
				*buf = mv_xrealloc(*buf, *cap);
			}
		}
		if (head && have >= len)
			return have == len ? status : -1;
	}
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	size_t cap = 65536, next = (size_t)w->id * 7919;
	char *buf = mv_xmalloc(cap);
	int fd = dial();

	for (long i = 0; i < per_conn && mv_mono_ns() < deadline; i++) {
		const char *p = paths[next++ % npaths];
		uint64_t t0 = mv_mono_ns();
		int st = fd < 0 ? -1 : request(fd, p, &buf, &cap);

		if (st < 0) {
			/* A failed connection counts as an error; dial again. */
			w->errors++;
			if (fd >= 0)
				close(fd);
			fd = dial();
			continue;
		}
		w->lat[w->done++] = mv_mono_ns() - t0;
		if (st != 200)
			w->errors++;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	long conns = 4, total = 20000, secs = 30, errors = 0;
	size_t n = 0, cap = 0;
	struct worker *w;
	uint64_t *all, t0, t1;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	FILE *f;
	int ch;

	mv_init(argv[0]);
	while ((ch = getopt(argc, argv, "c:n:t:p:h")) != -1) {
		switch (ch) {
		case 'c': conns = atol(optarg); break;
		case 'n': total = atol(optarg); break;
		case 't': secs = atol(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'h': fputs(USAGE, stdout); return mv_finish(MV_EX_OK);
		default: fputs(USAGE, stderr); return MV_EX_USAGE;
		}
	}
	if (argc - optind != 1 || port <= 0 || port > 65535 || conns < 1 || conns > 256 ||
	    total < 1 || secs < 1 || secs > 600) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	if (!(f = fopen(argv[optind], "r")))
		mv_die(MV_EX_NOINPUT, "open %s", argv[optind]);
	while ((len = getline(&line, &lcap, f)) > 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len)
			continue;
		if (npaths == cap) {
			cap = cap ? cap * 2 : 256;
			paths = mv_xrealloc(paths, cap * sizeof *paths);
		}
		paths[npaths++] = mv_xstrdup(line);
	}
	free(line);
	fclose(f);
	if (!npaths)
		mv_diex(MV_EX_NOINPUT, "no paths in %s", argv[optind]);

	per_conn = (total + conns - 1) / conns;
	w = mv_xcalloc((size_t)conns, sizeof *w);
	t0 = mv_mono_ns();
	deadline = t0 + (uint64_t)secs * 1000000000ULL;
	for (long i = 0; i < conns; i++) {
		w[i].id = (int)i;
		w[i].lat = mv_xmalloc((size_t)per_conn * sizeof *w[i].lat);
		if (pthread_create(&w[i].tid, NULL, run, &w[i]) != 0)
			mv_diex(MV_EX_SOFTWARE, "unable to start a thread");
	}
	for (long i = 0; i < conns; i++)
		pthread_join(w[i].tid, NULL);
	t1 = mv_mono_ns();
	all = mv_xmalloc(((size_t)per_conn * (size_t)conns + 1) * sizeof *all);
	for (long i = 0; i < conns; i++) {
		memcpy(all + n, w[i].lat, (size_t)w[i].done * sizeof *all);
		n += (size_t)w[i].done;
		errors += w[i].errors;
		free(w[i].lat);
	}
	qsort(all, n, sizeof *all, cmp_u64);
#define PCT(p) (n ? (double)all[(size_t)((double)(n - 1) * (p))] / 1e6 : 0.0)
	printf("{\"requests\":%zu,\"errors\":%ld,\"connections\":%ld,\"seconds\":%.3f,"
	    "\"rps\":%.0f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
	    n, errors, conns, (double)(t1 - t0) / 1e9,
	    (double)n / ((double)(t1 - t0) / 1e9), PCT(0.50), PCT(0.90), PCT(0.99),
	    n ? (double)all[n - 1] / 1e6 : 0.0);
	free(all);
	free(w);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	return mv_finish(errors ? MV_EX_NOTFOUND : MV_EX_OK);
}
