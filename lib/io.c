/* io.c: read/write loops, whole-file reads and atomic state-file writes. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

int
mv_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
mv_read_full(int fd, void *p, size_t n)
{
	char *s = p;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, s + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
mv_slurp(const char *path, size_t max, char **out, size_t *len)
{
	struct mv_buf b = {0};
	char chunk[65536];
	ssize_t r;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		r = mv_read_full(fd, chunk, sizeof chunk);
		if (r < 0)
			goto fail;
		if (b.len + (size_t)r > max) {
			errno = EFBIG;
			goto fail;
		}
		mv_buf_add(&b, chunk, (size_t)r);
		if ((size_t)r < sizeof chunk)
			break;
	}
	close(fd);
	if (!b.buf)
		b.buf = mv_xstrdup("");
	*out = b.buf;
	*len = b.len;
	return 0;
fail:
	saved = errno;
	close(fd);
	mv_buf_free(&b);
	errno = saved;
	return -1;
}

int
mv_fsync_dir(const char *path)
{
	struct stat st;
	char *copy, *dir;
	int fd, r, saved;

	copy = mv_xstrdup(path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		dir = copy;
	else
		dir = dirname(copy);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	/* Some filesystems cannot fsync a directory; that is not a failure
	 * of ours, and rename was already atomic. */
	if (r < 0 && (errno == EINVAL || errno == ENOTSUP))
		r = 0;
	return r;
}

/*
 * The one way state is written (style habit 9): temp file beside the
 * target, so rename stays on one filesystem and is atomic. sync adds the
 * fsyncs that make it durable as well. With old, the file replaced is
 * swapped to the temp name instead of freed (mv_write_swap).
 */
static int
write_atomic(const char *path, const void *p, size_t len, int sync, char **old)
{
	char *tmp;
	int fd, saved;

	tmp = mv_xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a killed process with our pid: it was never
		 * renamed, so it holds nothing anyone needs. */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		goto fail_noclose;
	if (mv_write_all(fd, p, len) < 0 || (sync && fsync(fd) < 0)) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) < 0)
		goto fail;
	if (old && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		*old = tmp;
		return sync ? mv_fsync_dir(path) : 0;
	}
	/* No file to swap with (ENOENT), or a filesystem that cannot
	 * exchange (EINVAL): a plain rename does it. */
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return sync ? mv_fsync_dir(path) : 0;
fail:
	saved = errno;
	/* A removal that fails (EIO from a flaky disk) is tried once more,
	 * as the index's reaper does; a temp file still left is never
	 * renamed, and the next recovery's sweep removes it. */
	if (unlink(tmp) < 0 && errno != ENOENT)
		unlink(tmp);
	errno = saved;
fail_noclose:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

int
mv_write_atomic(const char *path, const void *p, size_t len)
{
	return write_atomic(path, p, len, 1, NULL);
}

int
mv_write_atomic_nosync(const char *path, const void *p, size_t len)
{
	return write_atomic(path, p, len, 0, NULL);
}

int
mv_write_swap(const char *path, const void *p, size_t len, int sync, char **old)
{
	*old = NULL;
	return write_atomic(path, p, len, sync, old);
}

int
mv_write_json(const char *path, const cJSON *doc)
{
	char *text;
	size_t n;
	int r, saved;

	text = cJSON_Print(doc);
	if (!text)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	n = strlen(text);
	/* cJSON_Print's buffer has room only for its NUL; add the newline
	 * through a copy so the file ends like a text file. */
	text = mv_xrealloc(text, n + 2);
	text[n] = '\n';
	text[n + 1] = '\0';
	r = mv_write_atomic(path, text, n + 1);
	saved = errno;
	free(text);
	errno = saved;
	return r;
}

int
mv_write_state(const char *rel, const void *p, size_t len)
{
	char *path = mv_path("%s", rel);
	int r = mv_write_atomic(path, p, len), saved = errno;

	if (r < 0)
		mv_warn("write %s", rel);
	free(path);
	errno = saved;
	return r;
}

int
mv_mkdir_p(const char *path, mode_t mode)
{
	char *p, *s;
	int saved;

	p = mv_xstrdup(path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	saved = errno;
	free(p);
	errno = saved;
	return -1;
}

cJSON *
mv_json_load(const char *path, size_t max, const char **why)
{
	char *text;
	size_t len;
	cJSON *doc;

	if (mv_slurp(path, max, &text, &len) < 0) {
		*why = strerror(errno);
		return NULL;
	}
	if (strlen(text) != len) {
		free(text);
		errno = 0;
		*why = "NUL byte in document";
		return NULL;
	}
	doc = cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1);
	free(text);
	if (!doc) {
		errno = 0;
		*why = "invalid JSON";
	}
	return doc;
}
