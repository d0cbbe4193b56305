/* ctl.c: pieces of the admin console that other front ends can share. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"

/* Path of tool: next to our own executable if there, else its bare name
 * for a PATH search. Returns malloc'd. */
char *
mv_tool_path(const char *tool)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			p = mv_xasprintf("%s/%s", self, tool);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return mv_xstrdup(tool);
}

/* Replace mvctl by the tool argv[0] (found by mv_tool_path). */
int
mv_tool_exec(char **argv)
{
	char *path = mv_tool_path(argv[0]);

	fflush(stdout);
	execvp(path, argv);
	mv_warn("run %s", argv[0]);
	return errno == ENOENT ? 127 : 126;
}

pid_t
mv_tool_start(char **argv, int in_fd, int out_fd, int err_fd)
{
	char *path = mv_tool_path(argv[0]);
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0)
		mv_die(MV_EX_TEMPFAIL, "fork %s", argv[0]);
	if (pid == 0) {
		if (in_fd < 0)
			in_fd = open("/dev/null", O_RDONLY);
		/* Never close one of the standard fds we were given. */
		if (in_fd >= 0 && in_fd != 0) {
			dup2(in_fd, 0);
			if (in_fd > 2)
				close(in_fd);
		}
		if (out_fd >= 0 && out_fd != 1) {
			dup2(out_fd, 1);
			if (out_fd > 2)
				close(out_fd);
		}
		if (err_fd > 2) {
			dup2(err_fd, 2);
			close(err_fd);
		}
		signal(SIGPIPE, SIG_DFL);
		execvp(path, argv);
		mv_warn("run %s", argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	free(path);
	return pid;
}

int
mv_tool_wait(pid_t pid, const char *name)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			mv_die(MV_EX_SOFTWARE, "wait for %s", name);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
mv_tool_run(char **argv, int in_fd, int out_fd)
{
	return mv_tool_wait(mv_tool_start(argv, in_fd, out_fd, -1), argv[0]);
}

/* Natural order, so m2 sorts before m10. */
static int
cmp_name(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

void
mv_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Names in dir (relative to the data dir) matching suffix, sorted; count
 * in *n. Hidden names are skipped. Returns malloc'd array of malloc'd. */
char **
mv_dir_list(const char *rel, const char *suffix, size_t *n)
{
	char *path = mv_path("%s", rel);
	DIR *d = opendir(path);
	struct dirent *e;
	char **v = NULL;
	size_t len, sl = suffix ? strlen(suffix) : 0;

	*n = 0;
	free(path);
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		len = strlen(e->d_name);
		if (sl && (len <= sl || strcmp(e->d_name + len - sl, suffix)))
			continue;
		v = mv_xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = mv_xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_name);
	return v;
}

/*
 * 1 if a supervisor holds run/pipeline.lock. The lock, not the status
 * file, is the truth: a killed supervisor leaves its status behind.
 */
int
mv_pipeline_running(void)
{
	char *path = mv_path("run/pipeline.lock");
	int fd = open(path, O_RDONLY | O_CLOEXEC), held = 0;

	free(path);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		held = errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/*
 * Open run/inject.fifo for writing if a pipeline reads it. O_NONBLOCK
 * makes the open fail with ENXIO instead of waiting when nobody reads;
 * then writes block again, so a full pipe slows us instead of failing.
 * Returns the fd, or -1 when there is no reader.
 */
int
mv_inject_open(void)
{
	char *path = mv_path("run/inject.fifo");
	struct stat st;
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	free(path);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* A time member as seconds: a number, or an RFC 3339 string; 0 if none. */
time_t
mv_json_time(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	time_t t;

	if (cJSON_IsNumber(v))
		return (time_t)v->valuedouble;
	if (cJSON_IsString(v) && mv_time_parse(v->valuestring, &t) == 0)
		return t;
	return 0;
}

/* "3d04h", "2h05m", "45s" into buf[32]. */
const char *
mv_age_fmt(long long s, char *buf)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, 32, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, 32, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, 32, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, 32, "%llds", s);
	return buf;
}

/* 1 if pid names a live process (EPERM: alive, not ours). */
int
mv_pid_alive(long long pid)
{
	return pid > 0 && pid < INT_MAX &&
	    (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int
mv_walk(const char *rel, mv_walk_fn fn, void *ctx)
{
	size_t n;
	char **v = mv_dir_list(rel, NULL, &n);
	struct stat st;
	int r = 0;

	for (size_t i = 0; i < n && !r; i++) {
		char *sub = mv_xasprintf("%s/%s", rel, v[i]), *p = mv_path("%s", sub);

		/* lstat: a symlink is never followed out of the library. */
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			r = mv_walk(sub, fn, ctx);
		else if (S_ISREG(st.st_mode))
			r = fn(ctx, sub, &st);
		free(p);
		free(sub);
	}
	mv_list_free(v, n);
	return r;
}

static int
count_one(void *ctx, const char *rel, const struct stat *st)
{
	(void)rel;
	(void)st;
	++*(long long *)ctx;
	return 0;
}

long long
mv_dir_count(const char *rel)
{
	long long c = 0;

	mv_walk(rel, count_one, &c);
	return c;
}
