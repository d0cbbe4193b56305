/* index_keys.c: a shard's key file, what a reader keeps of each entry without scanning the shard. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design (issue 19). mvserve kept per people entry its place in the
 * shard, its level and its sort keys, and found them by scanning the
 * 257 MB of shards of 500,000 people: 1.45 s of CPU before /health
 * answered (perf: 60% in the JSON scan, its page faults and the title
 * folds). index/people/NNNNN.keys holds exactly that, about 40 bytes an
 * entry, so a reader maps 20 MB and folds nothing.
 *
 * It is derived and never trusted blindly. It names the shard's size and
 * mtime (to the nanosecond) as the writer found them after the rename: a
 * hash would make the reader read the shard it means to skip, and the
 * mtime and size survive cp -a and rsync -a, which keep the shard's
 * text too. The writer removes the key file before it replaces the
 * shard, so a kill between the two leaves no key file (never an old one
 * of the same size and mtime tick); a shard changed by anything else
 * changes its mtime. A hash of the records catches a damaged file.
 *
 * Layout, in the writer's byte order (a file of another order is
 * corrupt to the reader, who scans the shard):
 *   header  "MVKEYS" u16 version, u32 0x01020304, u32 count,
 *           i64 shard, u64 size, i64 mtime sec, i64 mtime nsec,
 *           u64 length of the records, u64 their hash
 *   record  i64 id number, u32 offset and u32 length of its text in the
 *           shard, i8 level (enum mv_level), u8 flags, then for each
 *           flag set in order: fold (1), addedAt (2), lastRead (4) as u32
 *           length and bytes, year (8) as a double.
 * A person's record has the fold only (an entry with no dates or year);
 * a movie's has what its entry says of each.
 *
 * The movie shards followed: at 100,000 movies mvserve's start scanned
 * their 43 MB and folded 600,000 titles (perf: 60% of its CPU before
 * /health answered, the long pole of a 420 to 500 ms start).
 * index/movies/NNNNN.keys is the same file, of movie records. Each
 * record is made from the entry's own text, as the reader's scan and the
 * check read it (mv_list_fold), once: the node keeps it until its entry
 * changes, so an update rewrites the key file of its shard without
 * folding the other 1,023 movies' titles again.
 */

#define KEYS_VERSION 1
#define KEYS_ORDER 0x01020304u
#define HEAD_LEN 64

enum { F_FOLD = 1, F_ADDED = 2, F_LAST = 4, F_YEAR = 8 };

/* A hash of n bytes, a word at a time: FNV-1a byte by byte cost 20 ms
 * over the 20 MB of 500,000 people. */
static uint64_t
body_hash(const unsigned char *p, size_t n)
{
	uint64_t h = MV_HASH_BASIS, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 31;
	}
	return mv_hash_bytes(h, p, n);
}

static char *
keys_path(char kind, long long s)
{
	return mv_path("index/%s/%05lld.keys", idx_kdir(kind), s);
}

/* ---- writing ------------------------------------------------------------ */

static void
put_u32(struct mv_buf *b, uint32_t v)
{
	mv_buf_add(b, &v, 4);
}

static void
put_u64(struct mv_buf *b, uint64_t v)
{
	mv_buf_add(b, &v, 8);
}

/* A movie's record after its place (level, flags, fold, addedAt,
 * lastRead, year) from its entry's text line[0..len) into b: what the
 * reader's scan would keep of it. -1 if the text is not an entry. */
static int
movie_record(struct mv_buf *b, const char *line, size_t len)
{
	cJSON *it = cJSON_ParseWithLength(line, len);
	const cJSON *y = cJSON_GetObjectItemCaseSensitive(it, "year");
	const char *str[3] = { NULL, mv_json_str(it, "addedAt", NULL),
	    mv_json_str(it, "lastRead", NULL) };
	char *fold;
	unsigned char flags = 0;

	if (!cJSON_IsObject(it)) {
		cJSON_Delete(it);
		return -1;
	}
	str[0] = fold = mv_list_fold(it);
	for (int j = 0; j < 3; j++)
		flags |= str[j] ? 1u << j : 0;
	flags |= cJSON_IsNumber(y) ? F_YEAR : 0;
	mv_buf_add(b, &(signed char){ (signed char)mv_level_parse(mv_json_str(it, "level",
	    "")) }, 1);
	mv_buf_add(b, &flags, 1);
	for (int j = 0; j < 3; j++)
		if (str[j]) {
			put_u32(b, (uint32_t)strlen(str[j]));
			mv_buf_adds(b, str[j]);
		}
	if (cJSON_IsNumber(y))
		mv_buf_add(b, &y->valuedouble, 8);
	free(fold);
	cJSON_Delete(it);
	return 0;
}

/* Movie x's record from its entry's text[0..len), unless it has one:
 * kept until the entry changes (idx_node_clear and was_take free it
 * with the entry's text). 0, or -1 if the text is not an entry. */
static int
keyrec_make(struct node *x, const char *text, size_t len)
{
	struct mv_buf r = {0};

	if (x->keyrec)
		return 0;
	if (movie_record(&r, text, len) < 0)
		return -1;
	x->keyrec = r.buf;
	x->keylen = r.len;
	return 0;
}

void
idx_node_keyrec(struct node *x)
{
	if (x->present)
		(void)keyrec_make(x, idx_node_json(x), x->jlen);
}

/*
 * The records of shard text t[0..n) whose entries are the present nodes
 * of x[0..nx), into b. Each entry is a line of its own after the head
 * line (idx_doc_item), so its place is found with memchr, and checked
 * against the node's id. Returns how many, or -1 if the text is not
 * laid out so (never: no key file then).
 */
static long
keys_records(struct mv_buf *b, const char *t, size_t n, struct node *const *x, size_t nx)
{
	const char *p = memchr(t, '\n', n), *e = t + n, *nl;
	long count = 0;

	for (size_t i = 0; i < nx; i++) {
		size_t len, flen;
		char *fold;
		enum mv_level l;

		if (!x[i]->present)
			continue;
		if (!p || !(nl = memchr(p + 1, '\n', (size_t)(e - p - 1))))
			return -1;
		len = (size_t)(nl - p - 1) - (nl[-1] == ',');
		if (len < 9 + (size_t)x[i]->idlen || memcmp(p + 1, "{\"id\":\"", 7) != 0 ||
		    memcmp(p + 8, x[i]->id, x[i]->idlen) != 0 || p[8 + x[i]->idlen] != '"')
			return -1;
		put_u64(b, (uint64_t)x[i]->num);
		put_u32(b, (uint32_t)(p + 1 - t));
		put_u32(b, (uint32_t)len);
		if (x[i]->id[0] == 'm') {
			if (keyrec_make(x[i], p + 1, len) < 0)
				return -1;
			mv_buf_add(b, x[i]->keyrec, x[i]->keylen);
			p = nl;
			count++;
			continue;
		}
		l = mv_level_parse(x[i]->level ? x[i]->level : "");
		mv_buf_add(b, &(signed char){ (signed char)l }, 1);
		mv_buf_add(b, &(unsigned char){ x[i]->name ? F_FOLD : 0 }, 1);
		if (x[i]->name) {
			/* As the reader's scan folds a person: mv_list_fold
			 * of an item with a name and no other title. */
			fold = mv_title_fold(x[i]->name);
			flen = strlen(fold);
			put_u32(b, (uint32_t)flen);
			mv_buf_add(b, fold, flen);
			free(fold);
		}
		p = nl;
		count++;
	}
	return count;
}

int
idx_keys_missing(void)
{
	int missing = 0;

	for (int k = 0; k < 2 && !missing; k++) {
		char *dir = mv_xasprintf("index/%s", idx_kdir(k ? 'p' : 'm'));
		size_t n;
		char **v = mv_dir_list(dir, ".json", &n);

		for (size_t i = 0; i < n && !missing; i++) {
			char *path = mv_path("%s/%.*s.keys", dir, (int)strlen(v[i]) - 5, v[i]);

			missing = access(path, F_OK) < 0 && errno == ENOENT;
			free(path);
		}
		mv_list_free(v, n);
		free(dir);
	}
	return missing;
}

void
idx_keys_remove(char kind, long long s)
{
	char *path = keys_path(kind, s);

	if (unlink(path) < 0 && errno != ENOENT)
		mv_warn("remove index/%s/%05lld.keys", idx_kdir(kind), s);
	free(path);
}

/*
 * The records of shard s's key file (after HEAD_LEN bytes left for the
 * header) from its text t[0..n) into b: how many, or -1 after a warning
 * if the text is not one entry a line (never: then no key file).
 */
static long
keys_build(char kind, long long s, const char *t, size_t n, struct node *const *x, size_t nx,
    struct mv_buf *b)
{
	long count;

	b->len = 0;
	mv_buf_add(b, (char[HEAD_LEN]){0}, HEAD_LEN);   /* the header, once known */
	if ((count = keys_records(b, t, n, x, nx)) < 0)
		mv_warnx("unable to write index/%s/%05lld.keys: the shard is not one entry "
		    "a line", idx_kdir(kind), s);
	return count;
}

/*
 * The key file of shard s, just written (n bytes), from its count
 * records in b (keys_build): no fsync, as a key file lost in a crash is
 * one the reader finds missing or damaged and does without. A failure
 * is said and is not the index's.
 */
static void
keys_store(char kind, long long s, size_t n, struct mv_buf *b, long count)
{
	struct stat st;
	char *path = mv_path("index/%s/%05lld.json", idx_kdir(kind), s), *kp;
	uint64_t h;

	if (stat(path, &st) < 0 || (size_t)st.st_size != n || n > UINT32_MAX) {
		free(path);
		return;
	}
	free(path);
	h = body_hash((unsigned char *)b->buf + HEAD_LEN, b->len - HEAD_LEN);
	memcpy(b->buf, "MVKEYS", 6);
	memcpy(b->buf + 6, &(uint16_t){ KEYS_VERSION }, 2);
	memcpy(b->buf + 8, &(uint32_t){ KEYS_ORDER }, 4);
	memcpy(b->buf + 12, &(uint32_t){ (uint32_t)count }, 4);
	memcpy(b->buf + 16, &(int64_t){ s }, 8);
	memcpy(b->buf + 24, &(uint64_t){ (uint64_t)st.st_size }, 8);
	memcpy(b->buf + 32, &(int64_t){ st.st_mtim.tv_sec }, 8);
	memcpy(b->buf + 40, &(int64_t){ st.st_mtim.tv_nsec }, 8);
	memcpy(b->buf + 48, &(uint64_t){ b->len - HEAD_LEN }, 8);
	memcpy(b->buf + 56, &h, 8);
	kp = keys_path(kind, s);
	if (mv_write_atomic_nosync(kp, b->buf, b->len) < 0)
		mv_warn("write index/%s/%05lld.keys", idx_kdir(kind), s);
	free(kp);
}

/* A shard to write: its text, its key file's records (count of them,
 * -1 for no key file). */
struct put {
	char kind;
	long long s;
	int sync;
	long count;
	struct mv_buf text, rec;
};

/* Write p's shard, then its key file: the files a shard is. 0, or -1
 * with errno after a warning. */
static int
put_store(struct put *p)
{
	char *path = mv_path("index/%s/%05lld.json", idx_kdir(p->kind), p->s);
	int r;

	/* First: a kill before the new key file is written leaves none. */
	idx_keys_remove(p->kind, p->s);
	r = p->sync ? mv_write_atomic(path, p->text.buf, p->text.len) :
	    mv_write_atomic_nosync(path, p->text.buf, p->text.len);
	free(path);
	if (r < 0) {
		mv_warn("write index/%s/%05lld.json", idx_kdir(p->kind), p->s);
		return -1;
	}
	mv_crash_point(p->kind == 'p' ? "index-keys" : "index-movie-keys");
	if (p->count >= 0)
		keys_store(p->kind, p->s, p->text.len, &p->rec, p->count);
	mv_crash_point(p->kind == 'p' ? "index-shard" : "index-movie-shard");
	return 0;
}

/*
 * Design (issue 19). A rebuild's 600 shards each cost the thread that
 * builds them an unlink of the old key file and two renames over old
 * files. On ext4 each frees the old file's blocks (and mounted with
 * discard, trims them): perf trace at 100,000 movies measured 0.8 s of
 * unlink and 0.6 s of rename there, the CPUs idle meanwhile. So a
 * rebuild hands each shard to a writer thread and builds the next one
 * while it is written. One shard waits at most: the writer writes them
 * in order, as before, and a kill leaves what it left before.
 */
struct putter {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct put next;       /* handed over, not yet taken: full */
	int full, stop, failed, err;
};

static void *
put_worker(void *arg)
{
	struct putter *w = arg;
	struct put cur = {0};

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct put t;

		while (!w->full && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->full)
			break;
		/* Take the shard; its buffers go back for the next. */
		t = w->next;
		w->next = cur;
		cur = t;
		w->full = 0;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		/* After a failure the rest are not written, as a rebuild
		 * that writes them itself stops at the first. */
		if (!w->failed && put_store(&cur) < 0) {
			pthread_mutex_lock(&w->mu);
			w->failed = 1;
			w->err = errno;
		} else
			pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	mv_buf_free(&cur.text);
	mv_buf_free(&cur.rec);
	return NULL;
}

void
idx_put_start(struct mv_index *ix)
{
	struct putter *w = mv_xcalloc(1, sizeof *w);

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, put_worker, w) != 0) {
		/* Written by the caller then, as an update's are. */
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w);
		return;
	}
	ix->put = w;
}

int
idx_put_finish(struct mv_index *ix)
{
	struct putter *w = ix->put;
	int r;

	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	r = w->failed ? -1 : 0;
	errno = w->err;
	mv_buf_free(&w->next.text);
	mv_buf_free(&w->next.rec);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	ix->put = NULL;
	return r;
}

int
idx_shard_put(struct mv_index *ix, char kind, long long s, struct mv_buf *b,
    struct node *const *x, size_t n, int sync)
{
	/* One buffer of records for every shard built here: a rebuild's
	 * 500 of them, each grown and freed, left 7 MB of holes in its
	 * heap. Shards are built on one thread. */
	static struct mv_buf rec;
	struct putter *w = ix->put;
	struct mv_buf t;
	long count;

	if (!w || sync) {
		/* Written here, b's text borrowed. */
		struct put p = {.kind = kind, .s = s, .sync = sync, .text = *b, .rec = rec};
		int r;

		p.count = keys_build(kind, s, b->buf, b->len, x, n, &p.rec);
		r = put_store(&p);
		rec = p.rec;
		return r;
	}
	count = keys_build(kind, s, b->buf, b->len, x, n, &rec);
	pthread_mutex_lock(&w->mu);
	while (w->full && !w->failed)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->failed) {
		errno = w->err;
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	/* The text and records go to the writer; b and rec get the
	 * buffers of a shard it wrote, to build the next in. */
	t = w->next.text;
	w->next.text = *b;
	*b = t;
	b->len = 0;
	t = w->next.rec;
	w->next.rec = rec;
	rec = t;
	w->next.kind = kind;
	w->next.s = s;
	w->next.sync = 0;
	w->next.count = count;
	w->full = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static uint32_t
get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/*
 * Record at k->pos into *e (strings into the map) and past it; with
 * check, first that it lies within the file and says what a record of
 * shard s of size size may. Returns 0, or -1 if it does not.
 */
static int
record(struct mv_keys *k, struct mv_key *e, int check, long long s, uint64_t size)
{
	const unsigned char *p = k->map + k->pos, *end = k->map + k->len;
	const char **str[] = { &e->fold, &e->added, &e->last_read };
	size_t *slen[] = { &e->foldlen, &e->addedlen, &e->lastlen };
	unsigned flags;

	if (check && end - p < 18)
		return -1;
	e->num = (long long)get_u64(p);
	e->off = get_u32(p + 8);
	e->len = get_u32(p + 12);
	e->level = (signed char)p[16];
	flags = p[17];
	p += 18;
	if (check && (e->num / SHARD_IDS != s || e->num < 0 || flags > 15 ||
	    e->level < MV_LEVEL_BAD || e->level > MV_DEEP ||
	    (uint64_t)e->off + e->len > size || e->len < 2))
		return -1;
	for (int j = 0; j < 3; j++) {
		*str[j] = NULL;
		*slen[j] = 0;
		if (!(flags & 1u << j))
			continue;
		if (check && (end - p < 4 || (size_t)(end - p - 4) < get_u32(p)))
			return -1;
		*slen[j] = get_u32(p);
		*str[j] = (const char *)p + 4;
		p += 4 + *slen[j];
	}
	e->has_year = (flags & F_YEAR) != 0;
	e->year = 0;
	if (e->has_year) {
		if (check && end - p < 8)
			return -1;
		memcpy(&e->year, p, 8);
		p += 8;
	}
	k->pos = (size_t)(p - k->map);
	return 0;
}

/* Every record of k in bounds, in id order, count of them, nothing after. */
static int
records_ok(struct mv_keys *k, long long s, uint64_t size, uint32_t count)
{
	struct mv_key e;
	long long last = -1;

	for (uint32_t i = 0; i < count; i++) {
		if (record(k, &e, 1, s, size) < 0 || e.num <= last)
			return -1;
		last = e.num;
	}
	if (k->pos != k->len)
		return -1;
	k->pos = HEAD_LEN;
	return 0;
}

int
mv_keys_open(struct mv_keys *k, struct mv_buf *buf, char kind, long long s,
    const struct stat *st, long long count, const char **why)
{
	/* Read into the caller's buffer, reused from file to file: mapped,
	 * each file's unmapping flushed the TLB of every thread (11% of
	 * mvserve's start). */
	char *path = keys_path(kind, s);
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	const unsigned char *h;
	const char *w = "corrupt";
	struct stat ks;
	ssize_t r = -1;

	free(path);
	memset(k, 0, sizeof *k);
	if (fd < 0) {
		*why = errno == ENOENT ? "missing" : strerror(errno);
		return -1;
	}
	if (fstat(fd, &ks) == 0 && ks.st_size >= HEAD_LEN &&
	    (uint64_t)ks.st_size <= MV_INDEX_MAX) {
		if (buf->cap < (size_t)ks.st_size) {
			free(buf->buf);
			buf->cap = (size_t)ks.st_size;
			buf->buf = mv_xmalloc(buf->cap);
		}
		if ((r = mv_read_full(fd, buf->buf, (size_t)ks.st_size)) < 0)
			w = strerror(errno);
	}
	e = errno;
	close(fd);
	errno = e;
	if (r != (ssize_t)ks.st_size || r < HEAD_LEN) {
		*why = w;
		return -1;
	}
	k->map = h = (unsigned char *)buf->buf;
	k->len = (size_t)r;
	k->pos = HEAD_LEN;
	if (memcmp(h, "MVKEYS", 6) != 0 || get_u32(h + 8) != KEYS_ORDER ||
	    (int64_t)get_u64(h + 16) != s)
		goto bad;
	if (h[6] != KEYS_VERSION || h[7] != 0) {
		w = "of another version";
		goto bad;
	}
	if (get_u64(h + 24) != (uint64_t)st->st_size ||
	    (int64_t)get_u64(h + 32) != (int64_t)st->st_mtim.tv_sec ||
	    (int64_t)get_u64(h + 40) != (int64_t)st->st_mtim.tv_nsec) {
		w = "stale";
		goto bad;
	}
	if (get_u64(h + 48) != k->len - HEAD_LEN ||
	    get_u64(h + 56) != body_hash(h + HEAD_LEN, k->len - HEAD_LEN) ||
	    records_ok(k, s, (uint64_t)st->st_size, get_u32(h + 12)) < 0)
		goto bad;
	if (count >= 0 && get_u32(h + 12) != (uint64_t)count) {
		w = "stale";
		goto bad;
	}
	k->left = get_u32(h + 12);
	return 0;
bad:
	*why = w;
	mv_keys_close(k);
	return -1;
}

int
mv_keys_next(struct mv_keys *k, struct mv_key *e)
{
	if (!k->left)
		return 0;
	k->left--;
	record(k, e, 0, 0, 0);
	return 1;
}

void
mv_keys_close(struct mv_keys *k)
{
	memset(k, 0, sizeof *k);
}

/* ---- checking ----------------------------------------------------------- */

/* The record e against the shard's item it places, as the reader's
 * scan would keep it: 0 if they agree. */
static int
record_right(char kind, const char *text, const struct mv_key *e)
{
	cJSON *it = cJSON_ParseWithLength(text + e->off, e->len);
	const cJSON *y = cJSON_GetObjectItemCaseSensitive(it, "year");
	const char *id = mv_json_str(it, "id", "");
	const char *have[3] = { NULL, mv_json_str(it, "addedAt", NULL),
	    mv_json_str(it, "lastRead", NULL) };
	const char *key[3] = { e->fold, e->added, e->last_read };
	size_t klen[3] = { e->foldlen, e->addedlen, e->lastlen };
	char *fold = cJSON_IsObject(it) ? mv_list_fold(it) : NULL;
	int ok = cJSON_IsObject(it) && mv_id_valid(id, kind) && idx_id_num(id) == e->num &&
	    (signed char)mv_level_parse(mv_json_str(it, "level", "")) == e->level;

	/* A person's record has the fold only. */
	have[0] = fold;
	if (kind == 'p')
		have[1] = have[2] = NULL, y = NULL;
	for (int j = 0; ok && j < 3; j++)
		ok = have[j] ? key[j] && strlen(have[j]) == klen[j] &&
		    memcmp(have[j], key[j], klen[j]) == 0 : !key[j];
	ok = ok && (cJSON_IsNumber(y) ? e->has_year && e->year == y->valuedouble : !e->has_year);
	free(fold);
	cJSON_Delete(it);
	return ok ? 0 : -1;
}

long
idx_keys_check(char kind, long long s, long long count, const char *text, size_t len,
    FILE *out)
{
	char *path = mv_path("index/%s/%05lld.json", idx_kdir(kind), s);
	struct mv_buf buf = {0};
	const char *why;
	struct mv_keys k;
	struct mv_key e;
	struct stat st;
	long bad = 0;

	if (stat(path, &st) < 0) {
		free(path);
		return 0;      /* said by the check of the shard */
	}
	if (mv_keys_open(&k, &buf, kind, s, &st, count, &why) < 0) {
		fprintf(out, "%s: index/%s/%05lld.keys: %s (mvindex --rebuild writes "
		    "it anew)\n", idx_kdir(kind), idx_kdir(kind), s, why);
		mv_buf_free(&buf);
		free(path);
		return 1;
	}
	/* Fresh, whole and in bounds: now that each record is its entry's
	 * (in the shard as the caller read it, if that is the file the key
	 * file names). */
	if (text && len == (size_t)st.st_size)
		while (!bad && mv_keys_next(&k, &e) == 1)
			if (record_right(kind, text, &e) < 0) {
				fprintf(out, "%s: index/%s/%05lld.keys: %c%lld: not its entry"
				    " (mvindex --rebuild writes it anew)\n", idx_kdir(kind), idx_kdir(kind),
				    s, kind, e.num);
				bad++;
			}
	free(path);
	mv_keys_close(&k);
	mv_buf_free(&buf);
	return bad;
}
