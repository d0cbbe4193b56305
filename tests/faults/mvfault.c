/* mvfault.c: an LD_PRELOAD fault injector for make faults and
 * tests/hardening.bats: fails one kind of call, on paths under one
 * directory only, so that stderr and stdout still work and the tool's own
 * message can be checked (libfiu's posix/io/rw/write would fail those
 * too). Settings, from the environment:
 *   MVFAULT_CALL   write, read, fsync, rename, open (for writing), link, mkdir
 *   MVFAULT_ERRNO  ENOSPC, EIO, EACCES, EROFS, EDQUOT or a number
 *   MVFAULT_PATH   fail only on paths that contain this (default $MV_DATA)
 *   MVFAULT_SKIP   let this many matching calls succeed first (0)
 * Each injected failure is counted in the file $MVFAULT_LOG, if set.
 * Build: cc -shared -fPIC -o mvfault.so mvfault.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int inited, err, busy; /* busy: inside fail(), whose own calls pass */
static const char *call, *sub, *logf;
static long skip;

static void
init(void)
{
	const char *e;

	if (inited)
		return;
	inited = 1;
	call = getenv("MVFAULT_CALL");
	sub = getenv("MVFAULT_PATH");
	if (!sub || !*sub)
		sub = getenv("MV_DATA");
	logf = getenv("MVFAULT_LOG");
	skip = (e = getenv("MVFAULT_SKIP")) ? atol(e) : 0;
	e = getenv("MVFAULT_ERRNO");
	if (!e)
		err = EIO;
	else if (!strcmp(e, "ENOSPC"))
		err = ENOSPC;
	else if (!strcmp(e, "EIO"))
		err = EIO;
	else if (!strcmp(e, "EACCES"))
		err = EACCES;
	else if (!strcmp(e, "EROFS"))
		err = EROFS;
	else if (!strcmp(e, "EDQUOT"))
		err = EDQUOT;
	else
		err = atoi(e);
}

/* 1 (errno set) if this call, on path, is to fail now. */
static int
fail(const char *what, const char *path)
{
	int fd;

	init();
	if (busy || !call || strcmp(call, what) != 0 || !sub || !*sub || !path ||
	    !strstr(path, sub))
		return 0;
	if (skip > 0) {
		skip--;
		return 0;
	}
	busy = 1;
	if (logf && (fd = open(logf, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) >= 0) {
		char line[PATH_MAX + 64];
		int n = snprintf(line, sizeof line, "%s %s\n", what, path);

		if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) < 0)
			n = 0;
		close(fd);
	}
	busy = 0;
	errno = err;
	return 1;
}

/* The path behind fd, or NULL. */
static const char *
fdpath(int fd, char *buf, size_t n)
{
	char link[64];
	ssize_t r;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	r = readlink(link, buf, n - 1);
	if (r < 0)
		return NULL;
	buf[r] = '\0';
	return buf;
}

#define REAL(ret, name, ...) \
	static ret (*real_##name)(__VA_ARGS__); \
	if (!real_##name) \
		real_##name = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *p, size_t n)
{
	char buf[PATH_MAX];

	REAL(ssize_t, write, int, const void *, size_t);
	if (fd > 2 && call && !strcmp(call, "write") && fail("write", fdpath(fd, buf, sizeof buf)))
		return -1;
	return real_write(fd, p, n);
}

ssize_t
read(int fd, void *p, size_t n)
{
	char buf[PATH_MAX];

	REAL(ssize_t, read, int, void *, size_t);
	init();
	if (fd > 2 && call && !strcmp(call, "read") && fail("read", fdpath(fd, buf, sizeof buf)))
		return -1;
	return real_read(fd, p, n);
}

int
fsync(int fd)
{
	char buf[PATH_MAX];

	REAL(int, fsync, int);
	init();
	if (call && !strcmp(call, "fsync") && fail("fsync", fdpath(fd, buf, sizeof buf)))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	char buf[PATH_MAX];

	REAL(int, fdatasync, int);
	init();
	if (call && !strcmp(call, "fsync") && fail("fsync", fdpath(fd, buf, sizeof buf)))
		return -1;
	return real_fdatasync(fd);
}

int
rename(const char *a, const char *b)
{
	REAL(int, rename, const char *, const char *);
	if (fail("rename", b))
		return -1;
	return real_rename(a, b);
}

int
renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
	REAL(int, renameat2, int, const char *, int, const char *, unsigned);
	if (fail("rename", b))
		return -1;
	return real_renameat2(da, a, db, b, flags);
}

int
link(const char *a, const char *b)
{
	REAL(int, link, const char *, const char *);
	if (fail("link", b))
		return -1;
	return real_link(a, b);
}

int
mkdir(const char *p, mode_t m)
{
	REAL(int, mkdir, const char *, mode_t);
	if (fail("mkdir", p))
		return -1;
	return real_mkdir(p, m);
}

/* open and openat: only opens for writing fail. */
static int
open_fails(const char *p, int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT)) && fail("open", p);
}

int
open(const char *p, int flags, ...)
{
	mode_t m = 0;
	va_list ap;

	REAL(int, open, const char *, int, ...);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		m = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_fails(p, flags))
		return -1;
	return real_open(p, flags, m);
}

int
open64(const char *p, int flags, ...)
{
	mode_t m = 0;
	va_list ap;

	REAL(int, open64, const char *, int, ...);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		m = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_fails(p, flags))
		return -1;
	return real_open64(p, flags, m);
}

int
openat(int dfd, const char *p, int flags, ...)
{
	mode_t m = 0;
	va_list ap;

	REAL(int, openat, int, const char *, int, ...);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		m = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (open_fails(p, flags))
		return -1;
	return real_openat(dfd, p, flags, m);
}
