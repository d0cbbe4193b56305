/* publish.c: the one way a tool outside the pipeline's stages hands events to the system. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

/*
 * What mvindex --rebuild does, for any tool: under run/index.lock, so
 * that it never interleaves with another writer of index/ (a filter's
 * flush, another rebuild). A lock that cannot be taken is reported and
 * the rebuild goes ahead: the next one repairs a race, a refusal would
 * leave the index stale for sure.
 */
int
mv_index_rebuild_locked(int flags)
{
	struct mv_index *ix;
	long skipped, conflicts = 0;
	char *run = mv_path("run");
	int lock, code = MV_EX_OK;

	mv_mkdir_p(run, 0755);
	free(run);
	if ((lock = mv_lock("index", 1)) < 0)
		mv_warn("lock run/index.lock");
	ix = mv_index_new();
	mv_index_nosync(ix, flags & MV_REBUILD_NOSYNC);
	/* 500,000 people need not be in memory at once (issue 19). */
	mv_index_stream(ix);
	skipped = mv_index_scan(ix, MV_INDEX_CLAIMS);
	/* Claims live under index/ too: no use trying if it is not writable. */
	if (mv_index_write(ix, 1) < 0)
		code = mv_exit_for_errno(errno);
	else
		conflicts = mv_index_claims(ix);
	skipped += mv_index_stream_skipped(ix);
	/* The old index files, unlinked meanwhile (see mv_index_write). */
	mv_index_reap(ix);
	if (lock >= 0)
		mv_unlock(lock);
	if (code == MV_EX_OK && skipped + conflicts > 0) {
		mv_warnx("%ld document%s skipped, %ld claim conflict%s", skipped,
		    skipped == 1 ? "" : "s", conflicts, conflicts == 1 ? "" : "s");
		/* A disk that fails a read is not bad data: say so, so that
		 * the supervisor tries again rather than give up. */
		code = mv_index_read_errno(ix) ?
		    mv_exit_for_read_errno(mv_index_read_errno(ix)) : MV_EX_DATAERR;
	}
	/* exit() frees 60,000 nodes faster than free() does. A sanitizer
	 * build frees them anyway, so that a real leak stands out. */
#ifndef __SANITIZE_ADDRESS__
	if (!(flags & MV_REBUILD_EXITING))
#endif
		mv_index_free(ix);
	return code;
}

/* Open run/inject.fifo if a pipeline reads it; nonblocking stays so. */
static int
inject_open(int nonblock)
{
	char *path;
	struct stat st;
	int fd;

	if (!nonblock)
		return mv_inject_open();
	path = mv_path("run/inject.fifo");
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	free(path);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Write each event as one line in one write(): a line is at most
 * PIPE_BUF bytes, so it never interleaves with another writer's. Written
 * directly, not through mv_out: mvserve publishes from several threads.
 * Returns 0, or an exit code after a warning.
 */
static int
inject(int fd, const cJSON *events, int nonblock)
{
	const cJSON *ev;
	int code = MV_EX_OK;

	cJSON_ArrayForEach(ev, events) {
		char *line = mv_json_compact(ev);
		size_t n = strlen(line);

		if (n > MV_EVENT_MAX) {
			mv_warnx("unable to send %s: event over %d bytes",
			    mv_json_str(ev, "type", "an event"), MV_EVENT_MAX);
			free(line);
			continue;
		}
		line = mv_xrealloc(line, n + 2);
		line[n++] = '\n';
		line[n] = '\0';
		/* A full FIFO under NONBLOCK drops the line: a hint only. */
		if (nonblock ? write(fd, line, n) != (ssize_t)n : mv_write_all(fd, line, n) < 0) {
			mv_warn("send %s for %s to the pipeline", mv_json_str(ev, "type", "?"),
			    mv_json_str(ev, "subject", "-"));
			if (!nonblock)
				code = mv_exit_for_errno(errno);
		}
		free(line);
	}
	return code;
}

int
mv_publish(cJSON *events, int flags)
{
	int fd = inject_open(flags & MV_PUBLISH_NONBLOCK), code;

	if (fd >= 0) {
		code = inject(fd, events, flags & MV_PUBLISH_NONBLOCK);
		close(fd);
		cJSON_Delete(events);
		return code ? code : MV_PUBLISH_SENT;
	}
	cJSON_Delete(events);
	if (flags & MV_PUBLISH_NOINDEX)
		return MV_EX_UNAVAILABLE;
	/* No pipeline: whatever the events say, the files are the truth, and
	 * a rebuild reads them all. Correct whatever changed, at the cost of
	 * a scan; mvindex's filter is the incremental path. */
	return mv_index_rebuild_locked(0);
}

int
mv_journal_append(const cJSON *events)
{
	struct mv_buf b = {0};
	const cJSON *ev;
	char *path, *dir;
	int fd, e;

	cJSON_ArrayForEach(ev, events) {
		char *line = mv_json_compact(ev);

		mv_buf_adds(&b, line);
		mv_buf_add(&b, "\n", 1);
		free(line);
	}
	if (b.len == 0)
		return 0;
	dir = mv_path("events");
	mv_mkdir_p(dir, 0755);
	free(dir);
	path = mv_path("events/journal.ndjson");
	/* O_APPEND, whole lines in one write: as mvstat appends, so the two
	 * never cut into each other's lines. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (fd < 0 || mv_write_all(fd, b.buf, b.len) < 0) {
		e = errno;
		mv_warn("append to events/journal.ndjson");
		if (fd >= 0)
			close(fd);
		mv_buf_free(&b);
		errno = e;
		return -1;
	}
	mv_buf_free(&b);
	if (close(fd) < 0) {
		mv_warn("append to events/journal.ndjson");
		return -1;
	}
	return 0;
}
