/* profiles.c: reading many profiles on all CPUs, handed over in id order. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

/*
 * Design. A rebuild of the index and a downgrade plan both read every
 * profile, and reading (open, read, scan) is most of their time; the
 * files are independent, so they are read on all CPUs. What each tool
 * makes of a file differs, so the text goes to the tool's callback on
 * the thread that read it, and the tool scans it there (scan.c).
 *
 * With a window, the caller consumes results in id order as they come
 * (take), and readers stay at most window items ahead of it: a rebuild
 * keeps memory bounded and applies while the rest is read. Without
 * one, every item has its own slot and the call returns when all are
 * read. Either way the results, and the messages the caller prints
 * from them, do not depend on thread timing.
 */

/* Not a regular file, when a read says something odd (an empty read, no
 * end): a FIFO or a device named like a profile is refused as such. */
static int
irregular(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Without O_NOATIME once a file said EPERM (not ours, no CAP_FOWNER). */
static int noatime_refused;

/* O_NOATIME: indexing the library is not using it. Under relatime the
 * first read of each changed profile would write its inode back, and
 * every read checks whether to; backup tools open so for the same
 * reason. */
static int
open_profile(int dfd, const char *path)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK, fd = -1;

	if (!__atomic_load_n(&noatime_refused, __ATOMIC_RELAXED)) {
		fd = openat(dfd, path, flags | O_NOATIME);
		if (fd >= 0 || errno != EPERM)
			return fd;
		__atomic_store_n(&noatime_refused, 1, __ATOMIC_RELAXED);
	}
	return openat(dfd, path, flags);
}

/* mv_profile_read; regular: a listing found a regular file, so a read
 * short of the room it was given is the file's end (read(2) on a
 * regular file), and the read that would return 0 is not made: one
 * system call in four, 600,000 at 600,000 files (read-floor's system
 * time: 3.0 s with that read, 2.8 s without). */
static int
profile_read(int dfd, const char *id, int regular, size_t max, struct mv_buf *b,
    const char **why)
{
	char name[48];
	ssize_t got;
	size_t room, n = strlen(id);
	int fd, err = 0;

	b->len = 0;
	*why = NULL;
	/* "<id>.json", cut as snprintf would cut it; not snprintf, at
	 * 400 instructions a file. */
	if (n > sizeof name - sizeof ".json")
		n = sizeof name - sizeof ".json";
	memcpy(name, id, n);
	memcpy(name + n, ".json", sizeof ".json");
	/* No fstat per file: read until end of file into a buffer that
	 * grows. O_NONBLOCK keeps a FIFO named like a profile from
	 * hanging us. */
	if (dfd >= 0)
		fd = open_profile(dfd, name);
	else {
		char *path = mv_path("%s/%s", id[0] == 'p' ? "People" : "Movies", name);

		fd = open_profile(AT_FDCWD, path);
		free(path);
	}
	if (fd < 0) {
		err = errno;
		*why = strerror(err);
		errno = err;
		return -1;
	}
	for (;;) {
		if (b->cap - b->len < 2) {
			b->cap = b->cap ? b->cap * 2 : 256 * 1024;
			b->buf = mv_xrealloc(b->buf, b->cap);
		}
		room = b->cap - b->len - 1;
		got = read(fd, b->buf + b->len, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EISDIR || errno == EAGAIN))
			*why = "not a regular file";
		else if (got < 0) {
			err = errno;
			*why = strerror(err);
		} else if (got == 0 && b->len == 0 && irregular(fd))
			*why = "not a regular file";
		else if (got > 0 && (b->len += (size_t)got) > max)
			*why = irregular(fd) ? "not a regular file" : "document too large";
		else if (got > 0 && regular && (size_t)got < room)
			break;
		else if (got > 0)
			continue;
		break;
	}
	close(fd);
	if (*why) {
		b->len = 0;
		errno = err;
		return -1;
	}
	b->buf[b->len] = '\0';
	return 0;
}

int
mv_profile_read(int dfd, const char *id, size_t max, struct mv_buf *b, const char **why)
{
	return profile_read(dfd, id, 0, max, b, why);
}

/* What the readers share. */
struct reader {
	const struct mv_profiles *r;
	int dfd[2];             /* Movies/ and People/, or -1 */
	size_t *done;           /* i + 1 once slot i % window holds item i */
	size_t window;          /* slots: r->window, or n + 1 (slot i: item i) */
	size_t next;            /* next item to read */
	size_t applied;         /* items taken: slots below are free */
	size_t want;            /* item the taker sleeps on, or SIZE_MAX */
	int sleepers;           /* readers asleep for want of room */
	pthread_mutex_t mu;
	pthread_cond_t ready, room;
};

/* Read item i into its slot. */
static void
read_one(struct reader *rd, size_t i, struct mv_buf *b)
{
	const struct mv_profiles *r = rd->r;
	const char *id = r->ids[i], *why;
	size_t slot = i % rd->window;
	int err = 0;

	if (profile_read(rd->dfd[id[0] == 'p'], id, r->regular && r->regular[i], r->max, b,
	    &why) < 0)
		err = errno;
	r->scan(r->ctx, i, slot, why ? NULL : b->buf, b->len, why, err);
}

/* A reader with no window: take the next item, lock-free. */
static void *
free_worker(void *arg)
{
	struct reader *rd = arg;
	struct mv_buf b = {0};
	size_t i;

	while ((i = __atomic_fetch_add(&rd->next, 1, __ATOMIC_RELAXED)) < rd->r->n)
		read_one(rd, i, &b);
	mv_buf_free(&b);
	return NULL;
}

/* A reader in a window: wait for room, read, say it is done. */
static void *
window_worker(void *arg)
{
	struct reader *rd = arg;
	struct mv_buf b = {0};
	size_t i;

	for (;;) {
		pthread_mutex_lock(&rd->mu);
		while (rd->next < rd->r->n && rd->next >= rd->applied + rd->window) {
			rd->sleepers++;
			pthread_cond_wait(&rd->room, &rd->mu);
			rd->sleepers--;
		}
		if (rd->next >= rd->r->n) {
			pthread_mutex_unlock(&rd->mu);
			break;
		}
		i = rd->next++;
		pthread_mutex_unlock(&rd->mu);
		read_one(rd, i, &b);
		pthread_mutex_lock(&rd->mu);
		rd->done[i % rd->window] = i + 1;
		/* Wake the taker only for the item it waits on: a wake-up
		 * per file costs more than reading it. */
		if (rd->want == i)
			pthread_cond_signal(&rd->ready);
		pthread_mutex_unlock(&rd->mu);
	}
	mv_buf_free(&b);
	return NULL;
}

/* Hand the items to take in order as the readers finish them. */
static void
window_take(struct reader *rd)
{
	const struct mv_profiles *r = rd->r;

	for (size_t i = 0; i < r->n; i++) {
		size_t k = i % rd->window;

		pthread_mutex_lock(&rd->mu);
		while (rd->done[k] != i + 1) {
			rd->want = i;
			pthread_cond_wait(&rd->ready, &rd->mu);
		}
		rd->want = SIZE_MAX;
		pthread_mutex_unlock(&rd->mu);
		r->take(r->ctx, i, k);
		pthread_mutex_lock(&rd->mu);
		rd->applied = i + 1;
		/* Sleepers wait for a sixteenth of the window, not one slot:
		 * a wake-up per item costs more than the item. Not a
		 * quarter: while 256 items were taken the readers slept,
		 * and the taker then waited on them (alternated rebuilds
		 * at 100,000 movies: 2 to 4% faster, in 8 pairs of 10). */
		if (rd->sleepers && rd->applied % (rd->window < 16 ? 1 : rd->window / 16) == 0)
			pthread_cond_broadcast(&rd->room);
		pthread_mutex_unlock(&rd->mu);
	}
}

/* How many threads read: as asked, else one per CPU; at most 8, and
 * one for a few files. */
static int
readers(const struct mv_profiles *r)
{
	long n = r->threads;

	if (n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 8)
		n = 8;
	if (r->n <= 64)
		n = 1;
	return (int)n;
}

void
mv_profiles_read(const struct mv_profiles *r)
{
	struct reader rd = {.r = r, .want = SIZE_MAX};
	pthread_t th[8];
	int nth = 0, want = readers(r), windowed = r->window > 0;

	for (int k = 0; k < 2; k++) {
		char *dir = mv_path("%s", k ? "People" : "Movies");

		rd.dfd[k] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
	}
	rd.window = windowed ? r->window : r->n + 1;
	if (windowed) {
		rd.done = mv_xcalloc(rd.window, sizeof *rd.done);
		pthread_mutex_init(&rd.mu, NULL);
		pthread_cond_init(&rd.ready, NULL);
		pthread_cond_init(&rd.room, NULL);
	} else
		want--;         /* this thread reads too */
	while (nth < want && pthread_create(&th[nth], NULL,
	    windowed ? window_worker : free_worker, &rd) == 0)
		nth++;
	if (windowed && nth == 0)
		mv_die(MV_EX_SOFTWARE, "start a thread");
	if (windowed)
		window_take(&rd);
	else
		free_worker(&rd);
	while (nth-- > 0)
		pthread_join(th[nth], NULL);
	if (windowed) {
		pthread_mutex_destroy(&rd.mu);
		pthread_cond_destroy(&rd.ready);
		pthread_cond_destroy(&rd.room);
		free(rd.done);
	} else if (r->take)
		for (size_t i = 0; i < r->n; i++)
			r->take(r->ctx, i, i);
	for (int k = 0; k < 2; k++)
		if (rd.dfd[k] >= 0)
			close(rd.dfd[k]);
}
