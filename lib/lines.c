/* lines.c: the NDJSON line reader: bounded lines, no NUL, CRLF-tolerant. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

#define CHUNK 65536

struct mv_lines {
	int fd;
	const char *name;       /* borrowed; for messages: "name:line: ..." */
	unsigned long lineno;   /* number of the line last returned */
	size_t max;             /* longest line accepted, newline excluded */
	char *buf;              /* owned */
	size_t cap, start, end; /* buf[start..end) is unread data */
	int eof;
	int skipping;           /* inside an over-long line being discarded */
};

struct mv_lines *
mv_lines_new(int fd, const char *name, size_t max)
{
	struct mv_lines *r = mv_xcalloc(1, sizeof *r);

	r->fd = fd;
	r->name = name;
	r->max = max;
	/* Room for one whole line of max bytes, its CR LF, a read chunk and
	 * the NUL we write after a final line that has no newline. */
	r->cap = max + 2 + CHUNK + 1;
	r->buf = mv_xmalloc(r->cap);
	return r;
}

void
mv_lines_free(struct mv_lines *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

unsigned long
mv_lines_lineno(const struct mv_lines *r)
{
	return r->lineno;
}

int
mv_lines_ready(const struct mv_lines *r)
{
	return r->eof || memchr(r->buf + r->start, '\n', r->end - r->start) != NULL;
}

/* Check one complete line; return 1 if it may be handed out. */
static int
accept(struct mv_lines *r, char *s, size_t *n)
{
	if (*n > 0 && s[*n - 1] == '\r')
		(*n)--;
	if (*n > r->max) {
		mv_warnx("%s:%lu: line too long (over %zu bytes), skipped",
		    r->name, r->lineno, r->max);
		return 0;
	}
	if (memchr(s, '\0', *n)) {
		mv_warnx("%s:%lu: NUL byte in line, skipped", r->name, r->lineno);
		return 0;
	}
	s[*n] = '\0';
	return 1;
}

int
mv_lines_next(struct mv_lines *r, char **line, size_t *len)
{
	char *s, *nl;
	size_t n;
	ssize_t got;

	for (;;) {
		s = r->buf + r->start;
		nl = memchr(s, '\n', r->end - r->start);
		if (nl) {
			n = (size_t)(nl - s);
			r->start += n + 1;
			r->lineno++;
			if (r->skipping) {
				r->skipping = 0;
				mv_warnx("%s:%lu: line too long (over %zu bytes), skipped",
				    r->name, r->lineno, r->max);
				continue;
			}
			if (!accept(r, s, &n))
				continue;
			*line = s;
			*len = n;
			return 1;
		}
		if (r->eof) {
			if (r->start == r->end && !r->skipping)
				return 0;
			/* A last line without its newline still counts. */
			n = r->end - r->start;
			r->start = r->end;
			r->lineno++;
			if (r->skipping) {
				r->skipping = 0;
				mv_warnx("%s:%lu: line too long (over %zu bytes), skipped",
				    r->name, r->lineno, r->max);
				return 0;
			}
			if (!accept(r, s, &n))
				return 0;
			*line = s;
			*len = n;
			return 1;
		}
		/* No newline in what we hold: an over-long line is dropped
		 * as it streams by, so memory stays bounded. */
		if (r->end - r->start > r->max + 1) {
			r->skipping = 1;
			r->start = r->end = 0;
		} else if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		/* We may block now: whatever we produced must reach the next
		 * stage first, or a pipeline could wait on itself. */
		mv_out_flush();
		do
			got = read(r->fd, r->buf + r->end, r->cap - r->end - 1);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
		r->end += (size_t)got;
	}
}
