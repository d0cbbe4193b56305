/* out.c: the event writer: whole lines, at most PIPE_BUF per write(). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

static int out_fd = 1;
static char obuf[PIPE_BUF];
static size_t olen;

void
mv_out_flush(void)
{
	if (olen == 0)
		return;
	if (mv_write_all(out_fd, obuf, olen) < 0) {
		if (errno == EPIPE)
			exit(MV_EX_OK); /* the reader left: a quiet, normal end */
		mv_die(MV_EX_IOERR,
		    "write %s", out_fd == 1 ? "standard output" : "event output");
	}
	olen = 0;
}

void
mv_out_line(const char *line, size_t len)
{
	if (len > MV_EVENT_MAX)
		mv_diex(MV_EX_SOFTWARE, "unable to write event: line of %zu bytes over %d",
		    len, MV_EVENT_MAX);
	if (olen + len + 1 > sizeof obuf)
		mv_out_flush();
	memcpy(obuf + olen, line, len);
	olen += len;
	obuf[olen++] = '\n';
}

void
mv_out_fd(int fd)
{
	mv_out_flush();
	out_fd = fd;
}
