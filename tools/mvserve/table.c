/* table.c: mvserve's indexes in memory: compact entries with their sort keys, each entry's text read from the index file when a page shows it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvserve.h"

/*
 * Design (issue 19): at 100,000 movies and 500,000 people the indexes
 * are 295 MB of JSON; parsed into cJSON trees they took 2.5 GB and two
 * minutes of malloc (perf: 70% in _int_malloc and its page faults). So
 * no tree is kept. The pull scanner (lib/scan.c, no allocation) reads
 * each index file once per version, and keeps per entry only where its
 * text is (file, offset, length), its level and the sort keys
 * lib/listing.c orders by (struct mv_list_key, with the folded titles
 * for q). A page parses the 20 entries it shows. Both indexes are in
 * shards listed by index/movies.json and index/people.json (one rule,
 * load_table, for both); a shard is read with pread when a page shows
 * one of its entries, so neither the 43 MB of movies nor the 267 MB of
 * credits stay in memory. The places and keys come from each shard's
 * key file (lib/index_keys.c), 21 MB instead of 257 MB of people to
 * scan, and no title of 100,000 movies to fold: a shard is scanned only
 * when its key file cannot be used.
 */

struct table movies = { .kind = 'm', .rel = "index/movies.json" };
struct table people = { .kind = 'p', .rel = "index/people.json" };

/* The card members of an entry that needs no profile read. */
static const char no_poster[] = "{\"poster\":null,\"free\":null}";
static const char no_image[] = "{\"image\":null}";

static void
src_free(struct source *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].rel);
	free(v);
}

void
table_clear(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].extras);
	mv_strs_free(&t->strs);
	free(t->e);
	free(t->keys);
	free(t->fold);
	free(t->byid);
	free(t->sig);
	for (int k = 0; k < MV_SORT_COUNT; k++)
		free(t->order[k]);
	src_free(t->src, t->nsrc);
	free(t->indexed_at);
	memset(&t->loaded, 0, sizeof *t - offsetof(struct table, loaded));
}

static int
cmp_byid(const void *a, const void *b, void *ctx)
{
	const struct mv_list_key *k = ctx;
	long long x = k[*(const size_t *)a].num, y = k[*(const size_t *)b].num;

	return x < y ? -1 : x > y;
}

/* The number of an id ("m42" -> 42), or -1 if it is not one of kind. */
static long long
id_num(const char *id, char kind)
{
	return id && mv_id_valid(id, kind) ? atoll(id + 1) : -1;
}

/* ---- scanning ---------------------------------------------------------------- */

/* A copy of s (n bytes and a NUL) in t's strings: the half a million
 * folded names of a large library, in blocks of 8 MiB. */
static char *
arena_dup(struct table *t, const char *s, size_t n)
{
	t->strs.block = 8 << 20;
	return mv_strs_dup(&t->strs, s, n);
}

/* Room for n more entries in t, in one step when the count is known. */
static void
reserve(struct table *t, size_t n)
{
	if (t->cap >= t->n + n)
		return;
	t->cap = t->n + n;
	if (!t->e) {
		t->e = mv_xmalloc_big(t->cap * sizeof *t->e);
		t->keys = mv_xmalloc_big(t->cap * sizeof *t->keys);
		t->fold = mv_xmalloc_big(t->cap * sizeof *t->fold);
		return;
	}
	t->e = mv_xrealloc(t->e, t->cap * sizeof *t->e);
	t->keys = mv_xrealloc(t->keys, t->cap * sizeof *t->keys);
	t->fold = mv_xrealloc(t->fold, t->cap * sizeof *t->fold);
}

/* What an item says that the table keeps; strings malloc'd. */
struct scanned {
	char *id, *title, *name, *orig, *added, *last, *level;
	char **other;       /* titles' and alternativeTitles' strings, in order */
	size_t nother, cap;
	double year;
	int has_year;
};

static void
scanned_free(struct scanned *x)
{
	free(x->id);
	free(x->title);
	free(x->name);
	free(x->orig);
	free(x->added);
	free(x->last);
	free(x->level);
	for (size_t i = 0; i < x->nother; i++)
		free(x->other[i]);
	free(x->other);
}

/* A string value into *out; any other value is skipped. */
static int
str_val(struct mv_js *s, char **out)
{
	const char *p;
	size_t n;
	int esc, r = mv_js_str_or_skip(s, &p, &n, &esc);

	if (r <= 0)
		return r;
	*out = mv_js_decode(p, n, esc);
	return 0;
}

/* The string values of an array or object (what cJSON_ArrayForEach
 * walks), appended to x->other; a value of another kind is skipped. */
static int
other_titles(struct mv_js *s, struct scanned *x)
{
	const char *k;
	size_t kl;
	int first = 1, r, obj;

	mv_js_ws(s);
	if (s->p >= s->e || (*s->p != '[' && *s->p != '{'))
		return mv_js_skip(s);
	obj = *s->p == '{';
	if ((obj ? mv_js_obj_begin(s) : mv_js_arr_begin(s)) < 0)
		return -1;
	while ((r = obj ? mv_js_obj_next(s, &first, &k, &kl) : mv_js_arr_next(s, &first)) == 1) {
		char *v = NULL;

		if (str_val(s, &v) < 0)
			return -1;
		if (!v)
			continue;
		if (x->nother == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 8;
			x->other = mv_xrealloc(x->other, x->cap * sizeof *x->other);
		}
		x->other[x->nother++] = v;
	}
	return r;
}

/* The members an item is scanned for: the first of each name counts,
 * as cJSON's lookup takes the first. */
static const char *const members[] = {
	"id", "title", "name", "originalTitle", "addedAt", "lastRead", "level",
	"titles", "alternativeTitles", "year",
};
enum { NMEMBERS = sizeof members / sizeof *members };
static const unsigned char member_len[NMEMBERS] = { 2, 5, 4, 13, 7, 8, 5, 6, 17, 4 };

/* One item of the items array into x; a value that is not an object
 * is skipped (x->id stays NULL). */
static int
scan_item(struct mv_js *s, struct scanned *x)
{
	char **str[] = { &x->id, &x->title, &x->name, &x->orig, &x->added, &x->last,
	    &x->level };
	const char *k;
	size_t kl, m;
	unsigned seen = 0;
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &kl)) == 1) {
		/* By length first: a person's few members, half a million
		 * times, spent more in strlen than in comparing. */
		for (m = 0; m < NMEMBERS; m++)
			if (member_len[m] == kl && memcmp(k, members[m], kl) == 0)
				break;
		if (m == NMEMBERS || (seen & 1U << m)) {
			r = mv_js_skip(s);
		} else if (m < 7) {
			r = str_val(s, str[m]);
		} else if (m < 9) {
			r = other_titles(s, x);
		} else {
			mv_js_ws(s);
			x->has_year = s->p < s->e && (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'));
			r = x->has_year ? mv_js_num(s, &x->year) : mv_js_skip(s);
		}
		seen |= 1U << (m < 32 ? m : 31);
		if (r < 0)
			return -1;
	}
	return r;
}

/* Keep the entry e of a key file (or of a scanned item, keep_item), of
 * source src, as an entry of t; its strings are copied into t's arena. */
static void
keep_key(struct table *t, const struct mv_key *e, uint32_t src)
{
	struct mv_list_key *k;
	struct entry *x;

	if (t->n == t->cap)
		reserve(t, t->cap ? t->cap : 1024);
	x = &t->e[t->n];
	k = &t->keys[t->n];
	t->fold[t->n++] = (char *)(k->fold = e->fold ? arena_dup(t, e->fold, e->foldlen) : NULL);
	*x = (struct entry){ .src = src, .off = e->off, .len = e->len, .level = e->level };
	if (e->level != MV_LEVEL_BAD)
		t->levels[e->level]++;
	k->num = e->num;
	k->added = e->added ? arena_dup(t, e->added, e->addedlen) : NULL;
	k->last_read = e->last_read ? arena_dup(t, e->last_read, e->lastlen) : NULL;
	k->year = e->year;
	k->has_year = e->has_year;
}

/*
 * mv_list_fold of the item x was read from: its title (else name), then
 * originalTitle and the other titles, one a line. The other lines are
 * in the text's order: only the first line sorts, and q matches within
 * one line, so their order changes nothing. Built in b (the caller
 * frees it) and lent to k->fold, NULL when x has neither title nor
 * name: keep_key copies it into the arena, once.
 */
static void
fold_of(const struct scanned *x, struct mv_buf *b, struct mv_key *k)
{
	const char *s = x->title ? x->title : x->name;

	if (!s)
		return;
	mv_list_fold_add(b, s, 1);
	mv_list_fold_add(b, x->orig, 0);
	for (size_t i = 0; i < x->nother; i++)
		mv_list_fold_add(b, x->other[i], 0);
	k->fold = b->buf ? b->buf : "";
	k->foldlen = b->len;
}

/* Keep the item x of source src at [off, off + len) as an entry of t,
 * unless its id is not one of t's kind: as the key a key file would
 * hold for it, so that one function appends entries. */
static void
keep_item(struct table *t, struct scanned *x, uint32_t src, size_t off, size_t len)
{
	struct mv_key k = { .num = id_num(x->id, t->kind), .off = off, .len = (uint32_t)len };
	struct mv_buf b = { 0 };

	if (k.num < 0)
		return;
	k.level = (signed char)mv_level_parse(x->level ? x->level : "");
	fold_of(x, &b, &k);
	k.added = x->added;
	k.addedlen = x->added ? strlen(x->added) : 0;
	k.last_read = x->last;
	k.lastlen = x->last ? strlen(x->last) : 0;
	k.year = x->year;
	k.has_year = x->has_year;
	keep_key(t, &k, src);
	mv_buf_free(&b);
}

/*
 * Read one index document, text[0..len), into t: the entries of its
 * items array (of source src) and, when at is not NULL, its generatedAt.
 * Returns 0; 1 with *why when it has no items array (a list of shards
 * has none); -1 with *why (static) when it is not JSON.
 */
static int
scan_doc(struct table *t, const char *text, size_t len, uint32_t src, char **at,
    const char **why)
{
	struct mv_js s;
	const char *k;
	size_t kl, want = 0;
	int first = 1, r, items = 0;

	mv_js_init(&s, text, len, 0);
	if (mv_js_obj_begin(&s) < 0)
		goto bad;
	while ((r = mv_js_obj_next(&s, &first, &k, &kl)) == 1) {
		int ifirst = 1;

		if (at && mv_js_key_is(k, kl, "generatedAt")) {
			r = str_val(&s, at);
		} else if (mv_js_key_is(k, kl, "count") && !items) {
			double c = 0;

			/* The count before the items: their room in one step,
			 * taken at the items (a list's count is not its own). */
			mv_js_ws(&s);
			if (s.p < s.e && *s.p >= '0' && *s.p <= '9') {
				if ((r = mv_js_num(&s, &c)) == 0 && c < 1e8)
					want = (size_t)c;
			} else
				r = mv_js_skip(&s);
		} else if (mv_js_key_is(k, kl, "items") && !items) {
			mv_js_ws(&s);
			if (s.p >= s.e || *s.p != '[' || mv_js_arr_begin(&s) < 0)
				goto bad;
			items = 1;
			reserve(t, want);
			while ((r = mv_js_arr_next(&s, &ifirst)) == 1) {
				struct scanned x = { 0 };
				size_t off;

				mv_js_ws(&s);
				off = (size_t)(s.p - text);
				if ((r = scan_item(&s, &x)) == 0)
					keep_item(t, &x, src, off, (size_t)(s.p - text) - off);
				scanned_free(&x);
				if (r < 0)
					break;
			}
		} else
			r = mv_js_skip(&s);
		if (r < 0)
			goto bad;
	}
	if (r < 0 || mv_js_end(&s) < 0)
		goto bad;
	if (!items) {
		*why = "not an index (no items array)";
		return 1;
	}
	return 0;
bad:
	*why = s.err ? s.err : "invalid JSON";
	return -1;
}

/* Open rel and read it whole into *b (reused), with its stat.
 * Returns 0, or -1 with errno. */
static int
read_file(const char *rel, struct mv_buf *b, struct stat *st)
{
	char *path = mv_path("%s", rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	ssize_t r = -1;

	free(path);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) == 0 && (size_t)st->st_size <= MV_INDEX_MAX) {
		if (b->cap < (size_t)st->st_size + 1) {
			free(b->buf);
			b->cap = (size_t)st->st_size + 1;
			b->buf = mv_xmalloc(b->cap);
		}
		r = mv_read_full(fd, b->buf, (size_t)st->st_size);
		b->len = r < 0 ? 0 : (size_t)r;
	} else if (errno == 0 || (size_t)st->st_size > MV_INDEX_MAX)
		errno = EFBIG;
	e = errno;
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

/*
 * Shard number s, rel, as source src of t (listed with count entries):
 * from its key file (lib/index_keys.c), which mvindex writes for a
 * reader to read 20 MB rather than scan 257 MB of people and fold no
 * title; else scanned, *keyless then saying why the key file was not
 * used. The shard is mapped for the scan only: a read copied it into a buffer
 * that faulted in again each time it grew; a mapping filled in one call
 * copies nothing and faults nothing. Returns 0, or -1 with *why, or with
 * errno set and *why NULL.
 */
static int
scan_shard(struct table *t, struct mv_buf *kb, struct source *sv, long long s, long long count,
    uint32_t src, const char **why, const char **keyless)
{
	char *path = mv_path("%s", sv[src].rel), *map = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1, e;
	size_t len = 0;
	struct mv_keys k;
	struct mv_key x;

	free(path);
	*why = *keyless = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &sv[src].st) == 0 && mv_keys_open(&k, kb, t->kind, s,
	    &sv[src].st, count, keyless) == 0) {
		reserve(t, k.left);
		while (mv_keys_next(&k, &x) == 1)
			keep_key(t, &x, src);
		mv_keys_close(&k);
		close(fd);
		return 0;
	}
	if (sv[src].st.st_ino) {
		len = (size_t)sv[src].st.st_size;
		if (len > MV_INDEX_MAX)
			errno = EFBIG;
		else if (!len || (map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		    fd, 0)) != MAP_FAILED)
			rc = scan_doc(t, len ? map : "", len, src, NULL, why) ? -1 : 0;
	}
	e = errno;
	if (map && map != MAP_FAILED && len)
		munmap(map, len);
	close(fd);
	errno = e;
	return rc;
}

/* Shards [from, to) of the list, scanned into the table t. */
struct half {
	struct table t;
	struct source *src;       /* every shard's, shared: each half its own slots */
	const cJSON *shards;
	size_t from, to;
	int all;                  /* room for every shard's entries: t takes them */
	char msg[256];            /* why it failed, "" if it did not */
	size_t keyless;           /* shards scanned for want of a key file */
	char first[128];          /* the first of them and why */
};

/* Scan h's shards in order; stops at the first that fails. */
static void *
scan_half(void *arg)
{
	struct half *h = arg;
	struct mv_buf kb = {0};   /* the key files', one after the other */
	size_t k = 0, want = 0;
	const cJSON *it;

	cJSON_ArrayForEach(it, h->shards) {
		if ((h->all || (k >= h->from && k < h->to)) && mv_json_int(it, "count", 0) > 0)
			want += (size_t)mv_json_int(it, "count", 0);
		k++;
	}
	if (want < 100000000)
		reserve(&h->t, want);
	k = 0;
	cJSON_ArrayForEach(it, h->shards) {
		const char *f = mv_json_str(it, "file", NULL), *w, *kw;
		long long s;

		if (k < h->from || k >= h->to) {
			k++;
			continue;
		}
		if ((s = mv_index_shard(f, h->t.kind)) < 0) {
			snprintf(h->msg, sizeof h->msg, "a shard is not %s/NNNNN.json",
			    h->t.kind == 'm' ? "movies" : "people");
			break;
		}
		h->src[k].rel = mv_xasprintf("index/%s", f);
		if (scan_shard(&h->t, &kb, h->src, s, mv_json_int(it, "count", -1),
		    (uint32_t)k, &w, &kw) < 0) {
			snprintf(h->msg, sizeof h->msg, "%s: %s", f, w ? w : strerror(errno));
			break;
		}
		if (kw && !h->keyless++)
			snprintf(h->first, sizeof h->first, "index/%.12s.keys: %s", f, kw);
		k++;
	}
	mv_buf_free(&kb);
	return NULL;
}

/* Move the entries of h (emptied) to the end of t, with their strings. */
static void
table_append(struct table *t, struct table *h)
{
	if (!t->e) {
		/* The first half: its arrays have room for all, and become t's. */
		t->e = h->e;
		t->keys = h->keys;
		t->fold = h->fold;
		t->cap = h->cap;
		h->e = NULL;
		h->keys = NULL;
		h->fold = NULL;
		h->cap = 0;
	}
	reserve(t, h->n);
	if (h->e) {
		memcpy(t->e + t->n, h->e, h->n * sizeof *h->e);
		memcpy(t->keys + t->n, h->keys, h->n * sizeof *h->keys);
		memcpy(t->fold + t->n, h->fold, h->n * sizeof *h->fold);
	}
	t->n += h->n;
	mv_strs_move(&t->strs, &h->strs);
	for (int l = 0; l < 4; l++)
		t->levels[l] += h->levels[l];
	free(h->e);
	free(h->keys);
	free(h->fold);
}

/*
 * Say that n of the nsrc shards of kind were scanned for want of their
 * key files, first the first of them and why: once, not at each reload
 * of an index whose key files are still what they were.
 */
static void
keyless_say(char kind, size_t n, size_t nsrc, const char *first)
{
	static char said[2][192];  /* each index's own */
	char now[192], *was = said[kind == 'p'];

	snprintf(now, sizeof now, "%zu %s", n, n ? first : "");
	if (strcmp(now, was) == 0 || (!n && !was[0]))
		return;
	snprintf(was, sizeof said[0], "%s", now);
	if (n == 1)
		mv_warnx("unable to use %s/%s: scanning its shard (mvindex --rebuild writes "
		    "it anew)", mv_data, first);
	else if (n)
		mv_warnx("unable to use the key files of %zu of %zu %s shards (%s/%s): "
		    "scanning their shards (mvindex --rebuild writes them anew)", n, nsrc,
		    kind == 'm' ? "movie" : "people", mv_data, first);
}

/*
 * The shards of the list into t (its src slots ready), the second half
 * on a thread of its own: the people's 257 MB of text (at 500,000
 * people) were 84% of the start, on one CPU while the movies took the
 * other one a sixth of the time; the movies, in shards too, now halve
 * theirs as well. Entries stay in the list's order.
 * Returns 0, or -1 with msg: the first shard in the list that failed.
 */
static int
scan_halves(struct table *t, const cJSON *shards, char *msg, size_t len)
{
	struct half a = { .src = t->src, .shards = shards, .to = t->nsrc / 2, .all = 1 };
	struct half b = { .src = t->src, .shards = shards, .from = a.to, .to = t->nsrc };
	pthread_t th;
	int threaded;

	a.t = b.t = (struct table){ .kind = t->kind, .rel = t->rel };
	threaded = a.to > 0 && pthread_create(&th, NULL, scan_half, &b) == 0;
	scan_half(&a);
	if (threaded)
		pthread_join(th, NULL);
	else if (!a.msg[0])
		scan_half(&b);
	table_append(t, &a.t);
	table_append(t, &b.t);
	snprintf(msg, len, "%s", a.msg[0] ? a.msg : b.msg);
	if (!*msg)
		keyless_say(t->kind, a.keyless + b.keyless, t->nsrc, a.keyless ? a.first : b.first);
	return *msg ? -1 : 0;
}

/*
 * An index, movies or people: its file (t->rel) lists its shards
 * (schemaVersion 2), each read and scanned once; an older file with its
 * own items (schemaVersion 1) is its one source, read as it is until the
 * next mvindex writes the list. Either way an entry's text is read back
 * from its file when shown (table_item), so no file stays mapped. A
 * shard that cannot be read fails it all, as mv_index_load does.
 */
static int
load_table(struct table *t, const char **why)
{
	static char msg[256];
	struct mv_buf b = { 0 };
	struct stat st;
	cJSON *list = NULL;
	const cJSON *shards;
	int rc = -1;

	if (read_file(t->rel, &b, &st) < 0) {
		*why = strerror(errno);
		goto out;
	}
	t->st = st;
	/* Scanned, not parsed: an old file is the whole index (43 MB at
	 * 100,000 movies), its tree ten times that. */
	t->src = mv_xcalloc(1, sizeof *t->src);
	t->src[t->nsrc++] = (struct source){ mv_xstrdup(t->rel), st };
	if ((rc = scan_doc(t, b.buf ? b.buf : "", b.len, 0, &t->indexed_at, why)) <= 0)
		goto out;
	rc = -1;
	src_free(t->src, t->nsrc);
	t->src = NULL;
	t->nsrc = 0;
	if (!(list = cJSON_ParseWithLength(b.buf, b.len))) {
		*why = "invalid JSON";
		goto out;
	}
	if (!cJSON_IsArray(shards = cJSON_GetObjectItemCaseSensitive(list, "shards")))
		goto out;
	t->nsrc = (size_t)cJSON_GetArraySize(shards);
	t->src = mv_xcalloc(t->nsrc + 1, sizeof *t->src);
	if (scan_halves(t, shards, msg, sizeof msg) < 0) {
		*why = msg;
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(list);
	mv_buf_free(&b);
	return rc;
}

/*
 * Move the card members of old's entries to t's entries of the same id
 * and level: they come from profiles (reading them is what costs), and a
 * profile's images and providers change only with its level. So a reload
 * of the index, as frequent as the pipeline's writes, stays warm.
 */
static void
carry_extras(struct table *t, struct table *old)
{
	size_t i = 0, j = 0;

	while (i < t->n && j < old->n) {
		size_t a = t->byid[i], b = old->byid[j];

		if (t->keys[a].num < old->keys[b].num) {
			i++;
		} else if (t->keys[a].num > old->keys[b].num) {
			j++;
		} else {
			if (old->e[b].extras && t->e[a].level == old->e[b].level) {
				t->e[a].extras = old->e[b].extras;
				old->e[b].extras = NULL;
			}
			i++;
			j++;
		}
	}
}

/*
 * Bring t up to date with its file: reload when the file changed. A file
 * that is missing gives an empty table; one that cannot be read keeps
 * the table as it was (reported once per version of the file).
 * Returns 0, or -1 if there is no usable table (never loaded, unreadable).
 */
int
table_fresh(struct table *t)
{
	struct stat st, *bad = &t->bad;
	char *path = mv_path("%s", t->rel);
	struct table old, nt = { .kind = t->kind, .rel = t->rel };
	const char *why = NULL;
	int rc, unsorted = 0;

	if (stat(path, &st) < 0) {
		free(path);
		if (t->st.st_ino)
			table_clear(t);
		return 0;
	}
	if (!t->stale && st.st_ino == t->st.st_ino && st.st_size == t->st.st_size &&
	    st.st_mtim.tv_sec == t->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == t->st.st_mtim.tv_nsec) {
		free(path);
		return 0;
	}
	errno = 0;
	rc = load_table(&nt, &why);
	if (rc < 0) {
		if (st.st_ino != bad->st_ino || st.st_mtim.tv_nsec != bad->st_mtim.tv_nsec ||
		    st.st_mtim.tv_sec != bad->st_mtim.tv_sec)
			mv_warnx("unable to read %s: %s", path, why);
		*bad = st;
		free(path);
		table_clear(&nt);
		t->stale = 0;
		return t->st.st_ino ? 0 : -1;
	}
	free(path);
	nt.loaded = 1;
	nt.byid = mv_xmalloc_big((nt.n + 1) * sizeof *nt.byid);
	for (size_t i = 0; i < nt.n; i++) {
		nt.byid[i] = i;
		unsorted |= i && nt.keys[i].num < nt.keys[i - 1].num;
	}
	/* mvindex writes by id: sort only an index written otherwise. */
	if (unsorted)
		qsort_r(nt.byid, nt.n, sizeof *nt.byid, cmp_byid, nt.keys);
	nt.unique = 1;
	for (size_t i = 1; i < nt.n; i++)
		nt.unique &= nt.keys[nt.byid[i]].num != nt.keys[nt.byid[i - 1]].num;
	old = *t;
	nt.bad = t->bad;
	*t = nt;
	carry_extras(t, &old);
	table_clear(&old);
	/* The default order, so that the first page costs no sort. */
	table_order(t, MV_SORT_TITLE);
	if (verbose)
		mv_warnx("loaded %s: %zu entries", t->rel, t->n);
	return 0;
}

/* The entry number of id in t, or -1. */
long
table_find(const struct table *t, const char *id)
{
	long long num = id_num(id, t->kind);
	size_t lo = 0, hi = t->n;

	while (num >= 0 && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long long x = t->keys[t->byid[mid]].num;

		if (x == num)
			return (long)t->byid[mid];
		if (x < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* 1 if entry i has no value for the sort field (sort % 5). */
static int
key_missing(const struct table *t, size_t i, int field)
{
	const struct mv_list_key *k = &t->keys[i];

	switch (field) {
	case MV_SORT_TITLE:
		return !k->fold;
	case MV_SORT_YEAR:
		return !k->has_year;
	case MV_SORT_ADDED:
		return !k->added;
	case MV_SORT_LASTREAD:
		return !k->last_read;
	}
	return 0;
}

/*
 * The "-" sort of field from its order, into out: with every id once,
 * no two entries tie, so it is that order turned round, the entries
 * without a value still last (mv.h). A sort of 500,000 names on a "-"
 * sort's first request took 60 ms; this takes one pass.
 */
static void
reverse_order(const struct table *t, int field, size_t *out)
{
	const size_t *f = t->order[field];
	size_t have = t->n;

	while (have > 0 && key_missing(t, f[have - 1], field))
		have--;
	for (size_t j = 0; j < have; j++)
		out[j] = f[have - 1 - j];
	for (size_t j = have; j < t->n; j++)
		out[j] = f[t->n - 1 - (j - have)];
}

/*
 * The entries of t in the order of sort (mv_sort_parse's), computed once
 * per load: a listing is asked for far more often than the index file
 * changes. Returns an array of t->n entry numbers.
 */
const size_t *
table_order(struct table *t, int sort)
{
	if (!t->order[sort]) {
		t->order[sort] = mv_xmalloc_big((t->n + 1) * sizeof **t->order);
		if (sort >= 5 && t->order[sort - 5] && t->unique)
			reverse_order(t, sort - 5, t->order[sort]);
		else
			mv_list_order_keys(t->keys, t->n, sort, t->order[sort]);
	}
	return t->order[sort];
}

/* The signatures of t's folds for q (mv_list_sig), computed once per
 * load, on the first q: a load that no search follows pays nothing. */
const struct mv_list_sig *
table_sigs(struct table *t)
{
	if (!t->sig) {
		t->sig = mv_xmalloc_big((t->n + 1) * sizeof *t->sig);
		for (size_t i = 0; i < t->n; i++)
			mv_list_sig(t->fold[i], &t->sig[i]);
	}
	return t->sig;
}

/* The entries ent[0..n) of t in the order of sort, into ord (positions
 * in ent), as mv_list_order orders their items. */
void
table_order_some(const struct table *t, const size_t *ent, size_t n, int sort, size_t *ord)
{
	struct mv_list_key *k = mv_xmalloc((n + 1) * sizeof *k);

	for (size_t j = 0; j < n; j++)
		k[j] = t->keys[ent[j]];
	mv_list_order_keys(k, n, sort, ord);
	free(k);
}

/*
 * Entry i of t parsed from its text (caller deletes), or NULL when the
 * text is no longer there (a shard rewritten since the load, its list
 * not yet): t is then marked stale, for table_fresh to reload.
 */
cJSON *
table_item(struct table *t, size_t i)
{
	const struct entry *e = &t->e[i];
	const struct source *src = &t->src[e->src];
	char *path, *text;
	struct stat st;
	cJSON *item = NULL;
	int fd;

	path = mv_path("%s", src->rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	text = mv_xmalloc((size_t)e->len + 1);
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == src->st.st_ino &&
	    st.st_mtim.tv_sec == src->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == src->st.st_mtim.tv_nsec &&
	    pread(fd, text, e->len, (off_t)e->off) == (ssize_t)e->len)
		item = cJSON_ParseWithLength(text, e->len);
	if (fd >= 0)
		close(fd);
	free(text);
	if (!item)
		t->stale = 1;
	return item;
}

/* "assets/images/x.jpg" as the URL "/images/x.jpg", or NULL for anything
 * else (a value that would not be served anyway). */
static cJSON *
image_url(const char *rel)
{
	char *u;
	cJSON *s;

	if (!rel || strncmp(rel, "assets/images/", 14) != 0 || strchr(rel + 14, '/') ||
	    !rel[14])
		return cJSON_CreateNull();
	u = mv_xasprintf("/images/%s", rel + 14);
	s = cJSON_CreateString(u);
	free(u);
	return s;
}

/*
 * The "free" card member of a movie profile: {"provider","link","offer"}
 * when its watch providers for MV_REGION list a free or ad-supported
 * offer, else null.
 */
static cJSON *
free_offer(const cJSON *doc)
{
	static const char *const offers[] = { "free", "ads" };
	const cJSON *wp = cJSON_GetObjectItemCaseSensitive(doc, "watchProviders");
	const char *link;
	cJSON *o;

	if (!cJSON_IsObject(wp) || strcmp(mv_json_str(wp, "region", ""), mv_region()) != 0)
		return cJSON_CreateNull();
	for (size_t i = 0; i < 2; i++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(wp, offers[i]);
		const cJSON *p = cJSON_GetArrayItem(list, 0);

		if (!cJSON_IsObject(p))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "provider", mv_json_str(p, "name", ""));
		link = mv_json_str(wp, "link", NULL);
		cJSON_AddItemToObject(o, "link", link && (strncmp(link, "https://", 8) == 0 ||
		    strncmp(link, "http://", 7) == 0) ? cJSON_CreateString(link) :
		    cJSON_CreateNull());
		cJSON_AddStringToObject(o, "offer", offers[i]);
		return o;
	}
	return cJSON_CreateNull();
}

/*
 * The card members of entry i as compact object text, which the index
 * does not hold: for a movie "poster" (URL or null) and "free"; for a
 * person "image". A movie has its card poster from basic, a person an
 * image at deep: only profiles at those levels are read, and only what
 * was read is kept (a few dozen bytes an entry shown).
 */
const char *
entry_extras(struct table *t, size_t i)
{
	struct entry *e = &t->e[i];
	enum mv_level l = (enum mv_level)e->level;
	char id[32];
	cJSON *doc, *x;
	const char *why, *card;

	if (e->extras)
		return e->extras;
	if (t->kind == 'm' ? l < MV_BASIC || l == MV_LEVEL_BAD : l != MV_DEEP)
		return t->kind == 'm' ? no_poster : no_image;
	snprintf(id, sizeof id, "%c%lld", t->kind, t->keys[i].num);
	doc = t->kind == 'm' ? mv_movie_load(id, &why) : mv_person_load(id, &why);
	x = cJSON_CreateObject();
	if (t->kind == 'm') {
		/* The card's own small poster in the user's language; a deep
		 * profile made before it has only the larger one. */
		card = mv_json_str(doc, "cardPoster", NULL);
		cJSON_AddItemToObject(x, "poster", image_url(card ? card : mv_json_str(
		    cJSON_GetObjectItemCaseSensitive(doc, "images"), "poster", NULL)));
		cJSON_AddItemToObject(x, "free", free_offer(doc));
	} else
		cJSON_AddItemToObject(x, "image", image_url(mv_json_str(doc, "image", NULL)));
	cJSON_Delete(doc);
	e->extras = mv_json_compact(x);
	cJSON_Delete(x);
	return e->extras;
}

/* Append object text s (n bytes) with the members of object text x:
 * {"id":…} + {"poster":…} -> {"id":…,"poster":…}.  Returns nothing. */
void
json_join(struct mv_buf *b, const char *s, size_t n, const char *x)
{
	mv_buf_add(b, s, n - 1);
	if (n > 2 && strlen(x) > 2)
		mv_buf_adds(b, ",");
	mv_buf_adds(b, x + 1);
}
