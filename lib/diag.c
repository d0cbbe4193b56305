/* diag.c: diagnostics in one grammar, and the end-of-main stdout check. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

const char *mv_prog = "mv";

void
mv_init(const char *argv0)
{
	const char *slash;

	if (argv0 && *argv0) {
		slash = strrchr(argv0, '/');
		mv_prog = slash ? slash + 1 : argv0;
	}
	/* A reader that goes away must not kill us mid-write of a state
	 * file; EPIPE is handled where stdout is written. */
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Format the whole message first and write it with one call, so messages
 * from the stages of a pipeline sharing one stderr never interleave.
 */
static void
vwarn(int with_errno, const char *fmt, va_list ap)
{
	int saved = errno;
	char msg[1024];
	int n;

	n = snprintf(msg, sizeof msg, "%s: %s", mv_prog, with_errno ? "unable to " : "");
	if (n < 0 || (size_t)n >= sizeof msg)
		n = 0;
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	n = (int)strlen(msg);
	if (with_errno)
		n += snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(saved));
	if ((size_t)n >= sizeof msg - 1)
		n = (int)sizeof msg - 2;
	msg[n++] = '\n';
	(void)mv_write_all(2, msg, (size_t)n);
	errno = saved;
}

void
mv_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(1, fmt, ap);
	va_end(ap);
}

void
mv_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
}

void
mv_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(1, fmt, ap);
	va_end(ap);
	exit(code);
}

void
mv_diex(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
	exit(code);
}

int
mv_exit_for_errno(int err)
{
	switch (err) {
	case ENOSPC: case EDQUOT: case EIO: case EROFS:
		return MV_EX_IOERR;
	case EACCES: case EPERM: case EEXIST: case ENOTDIR: case EISDIR:
		return MV_EX_CANTCREAT;
	case ENOENT:
		return MV_EX_NOINPUT;
	case ENOMEM:
		return MV_EX_SOFTWARE;
	case EAGAIN: case EINTR: case EBUSY:
		return MV_EX_TEMPFAIL;
	default:
		return MV_EX_IOERR;
	}
}

int
mv_exit_for_read_errno(int err)
{
	if (err == ENOENT || err == EACCES || err == EPERM)
		return MV_EX_NOINPUT;
	return mv_exit_for_errno(err);
}

int
mv_finish(int code)
{
	mv_out_flush();
	/* fclose reports errors that fflush deferred, e.g. on NFS. */
	if (ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE)
			return code;
		mv_warn("write standard output");
		return code ? code : MV_EX_IOERR;
	}
	return code;
}
