/* fuzz_lines.c: libFuzzer target for the NDJSON line reader (mv_lines_*).
 * Build and run: make fuzz FUZZ=lines [FUZZTIME=seconds]. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mv.h"

/*
 * Input: byte 0 picks the longest line (1..64), byte 1 seeds the chunk
 * sizes, the rest is the stream. The stream goes through a SOCK_SEQPACKET
 * pair, one message per chunk, so every read() returns exactly one chunk:
 * the reader sees lines split at arbitrary, reproducible boundaries.
 * What it returns must equal a plain reference split of the same bytes.
 */

/* The reference: line number (1-based) and text of each accepted line. */
struct ref {
	size_t n;
	unsigned long no[8192];
	size_t off[8192], len[8192];
};

static void
reference(const uint8_t *d, size_t size, size_t max, struct ref *rf)
{
	size_t i = 0, start, n;
	unsigned long lineno = 0;

	rf->n = 0;
	while (i < size) {
		start = i;
		while (i < size && d[i] != '\n')
			i++;
		n = i - start;
		lineno++;
		if (i < size)
			i++; /* the newline */
		if (n > 0 && d[start + n - 1] == '\r')
			n--;
		if (n > max || memchr(d + start, '\0', n))
			continue;
		rf->no[rf->n] = lineno;
		rf->off[rf->n] = start;
		rf->len[rf->n] = n;
		rf->n++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref rf;
	struct mv_lines *r;
	size_t max, pos, k = 0, len;
	unsigned seed;
	int sv[2], rc, sz = 1 << 20;
	char *line;

	if (size < 2 || size > 8192 + 2)
		return 0;
	max = 1 + data[0] % 64;
	seed = data[1];
	data += 2;
	size -= 2;
	reference(data, size, max, &rf);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		abort();
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	for (pos = 0; pos < size;) {
		size_t c = 1 + (seed = seed * 1103515245u + 12345u) % 97;

		if (c > size - pos)
			c = size - pos;
		if (write(sv[0], data + pos, c) != (ssize_t)c)
			abort();
		pos += c;
	}
	close(sv[0]);

	r = mv_lines_new(sv[1], "fuzz", max);
	while ((rc = mv_lines_next(r, &line, &len)) == 1) {
		/* Every returned line is one the reference accepts, in order. */
		if (k >= rf.n || mv_lines_lineno(r) != rf.no[k] ||
		    len != rf.len[k] ||
		    memcmp(line, data + rf.off[k], len) != 0 || line[len] != '\0' ||
		    strlen(line) != len || len > max)
			abort();
		k++;
	}
	if (rc != 0 || k != rf.n)
		abort();
	/* End of input is sticky. */
	if (mv_lines_next(r, &line, &len) != 0)
		abort();
	mv_lines_free(r);
	close(sv[1]);
	return 0;
}
