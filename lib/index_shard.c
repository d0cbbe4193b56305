/* index_shard.c: each index as shards of 1,024 ids, each rewritten alone, and their list. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design (issue 19). At 500,000 people, index/people.json was 255 MB,
 * and a credits change copied and fsynced all of it (854 ms median,
 * measured with perf: the copy and the fsync were the whole cost).
 * mvenrich numbers a new movie's people consecutively, so a new cast
 * lands in one or two ranges of ids: the entries live in shards
 * index/people/NNNNN.json of SHARD_IDS ids each (about 0.5 MB), each a
 * PeopleIndex document (schemaVersion 2) of its own, and a write
 * rewrites only the shards whose entries changed. index/people.json then
 * lists the shards; it is written last, so a crash part-way leaves it
 * older than the profile that changed: mv_index_stale sees it, and the
 * next mvindex rebuilds. The texts of the people entries are not kept in
 * memory (a hash of them tells an update whether an entry changed): a
 * rebuild writes each shard straight from the nodes.
 *
 * The movies followed: at 100,000 movies, index/movies.json was 43 MB,
 * and one movie updated through the filter cost 56 ms (median, fsync),
 * nearly all of it the copy and the write of that file. The same shards
 * (index/movies/NNNNN.json, MovieIndex schemaVersion 2, listed by
 * index/movies.json) make it one shard of about 0.4 MB. Movies keep
 * their entries' texts (an update compares them). Each shard of either
 * kind has its key file for mvserve (index_keys.c).
 */

/* kind's nodes in id order, present or not, and how many. */
static struct node **
ksorted(const struct mv_index *ix, char kind, size_t *n)
{
	*n = kind == 'm' ? ix->nm : ix->np;
	return kind == 'm' ? ix->msorted : ix->psorted;
}

/* The first of kind's sorted nodes whose number is num or more. */
static size_t
kfind(const struct mv_index *ix, char kind, long long num)
{
	size_t hi, lo = 0;
	struct node **arr = ksorted(ix, kind, &hi);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (arr[mid]->num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t
idx_person_hash(struct node *x, uint64_t *ext)
{
	static struct mv_buf b;    /* updates run on one thread */
	uint64_t h;

	b.len = 0;
	idx_node_text(x, &b);
	h = mv_hash_bytes(MV_HASH_BASIS, b.buf, b.len);
	b.len = 0;
	idx_node_ext_text(x, &b);
	*ext = mv_hash_bytes(MV_HASH_BASIS, b.buf ? b.buf : "", b.len);
	return h;
}

void
idx_person_seal(struct node *x)
{
	if (x->present && !x->hashok) {
		x->hash = idx_person_hash(x, &x->exthash);
		x->hashok = 1;
	}
}

void
idx_node_dups(struct mv_index *ix, struct node *x, char **keys, size_t n)
{
	struct mv_table set = {0};
	char kind = x->id[0];
	struct idoc *d = &ix->doc[kind == 'p'];
	struct node **arr;
	size_t i, j, nx;

	arr = ksorted(ix, kind, &nx);
	for (i = 0; i < n; i++)
		mv_table_put(&set, keys[i], keys[i]);
	for (i = 0; x->present && i < x->next; i++)
		if (idx_refmap_count(kind == 'm' ? &ix->mref : &ix->pref, x->ext[i]) > 1)
			mv_table_put(&set, x->ext[i], x->ext[i]);
	/* Rare (two records with one outside id): a look at everyone. */
	for (i = 0; set.n && i < nx; i++) {
		struct node *y = arr[i];

		for (j = 0; y != x && y->present && j < y->next; j++)
			if (mv_table_get(&set, y->ext[j])) {
				if (d->nchanged == d->capchanged) {
					d->capchanged = d->capchanged ? d->capchanged * 2 : 64;
					d->changed = mv_xrealloc(d->changed,
					    d->capchanged * sizeof *d->changed);
				}
				d->changed[d->nchanged++] = y;
				break;
			}
	}
	mv_table_free(&set);
}

/* ---- the list of shards ------------------------------------------------ */

void
idx_shards_count(struct mv_index *ix, char kind)
{
	struct idoc *d = &ix->doc[kind == 'p'];
	size_t n;
	struct node **arr = ksorted(ix, kind, &n);

	d->nshards = 0;
	for (size_t i = 0; i < n; i++) {
		long long s = arr[i]->num / SHARD_IDS;

		if (!arr[i]->present)
			continue;
		if (d->nshards && d->shards[d->nshards - 1].s == s) {
			d->shards[d->nshards - 1].count++;
			continue;
		}
		idx_shard_add(d, s, 1);
	}
	d->shards_ok = 1;
}

void
idx_shard_add(struct idoc *d, long long s, size_t count)
{
	if (d->nshards == d->capshards) {
		d->capshards = d->capshards ? d->capshards * 2 : 64;
		d->shards = mv_xrealloc(d->shards, d->capshards * sizeof *d->shards);
	}
	d->shards[d->nshards++] = (struct shard){s, count};
}

/* Set shard s's count (0: no shard). */
static void
shards_set(struct idoc *d, long long s, size_t count)
{
	size_t lo = 0, hi = d->nshards;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->shards[mid].s < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->nshards && d->shards[lo].s == s) {
		if (count) {
			d->shards[lo].count = count;
			return;
		}
		memmove(d->shards + lo, d->shards + lo + 1,
		    (d->nshards - lo - 1) * sizeof *d->shards);
		d->nshards--;
		return;
	}
	if (!count)
		return;
	idx_shard_add(d, s, count);
	memmove(d->shards + lo + 1, d->shards + lo, (d->nshards - 1 - lo) * sizeof *d->shards);
	d->shards[lo] = (struct shard){s, count};
}

static int
ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* ---- writing ------------------------------------------------------------ */

/* Shard s of kind's text in b, from the nodes [*lo, *hi) of kind's
 * sorted array; *count gets its entries (0: b left as it was). */
static void
shard_text(struct mv_index *ix, char kind, long long s, struct mv_buf *b, size_t *count,
    struct mv_table *seen, size_t *lo, size_t *hi)
{
	size_t i, n = 0;
	struct node **arr = ksorted(ix, kind, &i);

	*lo = kfind(ix, kind, s * SHARD_IDS);
	*hi = kfind(ix, kind, (s + 1) * SHARD_IDS);
	/* A streamed rebuild has built no movie's text yet (they would
	 * all be in memory at once): the shard's, on every CPU. */
	if (kind == 'm' && ix->stream)
		idx_texts_build(arr + *lo, *hi - *lo);
	for (i = *lo; i < *hi; i++)
		n += arr[i]->present != 0;
	*count = n;
	if (!n)
		return;
	b->len = 0;
	idx_doc_head(b, 2, n);
	for (i = *lo; i < *hi; i++)
		if (arr[i]->present)
			idx_doc_item(ix, b, arr[i]);
	mv_buf_adds(b, "\n],\"byExternal\":{");
	idx_doc_external(ix, kind, b, *lo, *hi, seen);
}

/*
 * Write shard s of kind from the nodes (unless it has no present entry);
 * *count gets its entries. sync 0 leaves the fsync to the caller (a
 * rebuild syncs them all at the end). A check compares the text with
 * the file instead (index_check.c), as the people's stream does. A
 * streamed rebuild frees what of each movie only its entry used once its
 * shard is written (the people's stream does that itself,
 * index_stream.c). 0, or -1 with errno after a warning.
 */
static int
shard_write(struct mv_index *ix, char kind, long long s, int sync, struct mv_buf *b,
    size_t *count, struct mv_table *seen)
{
	size_t lo, hi, n;
	struct node **arr = ksorted(ix, kind, &n);
	int r;

	shard_text(ix, kind, s, b, count, seen, &lo, &hi);
	if (!*count)
		return 0;
	if (ix->check) {
		idx_check_shard(ix, kind, s, b, *count);
		r = 0;
	} else
		r = idx_shard_put(ix, kind, s, b, arr + lo, hi - lo, sync);
	for (size_t i = lo; kind == 'm' && ix->stream && i < hi; i++)
		idx_stream_thin(arr[i]);
	return r;
}

/* The list of kind's shards in order, with their counts. */
static int
list_write(struct mv_index *ix, char kind, struct mv_buf *b)
{
	struct idoc *d = &ix->doc[kind == 'p'];
	char when[32], *path;
	size_t total = 0;
	int r;

	for (size_t i = 0; i < d->nshards; i++)
		total += d->shards[i].count;
	b->len = 0;
	mv_buf_printf(b, "{\"schemaVersion\":2,\"generatedAt\":\"%s\",\"count\":%zu,"
	    "\"shardIds\":%d,\"shards\":[", mv_time_fmt(mv_now(), when), total, SHARD_IDS);
	for (size_t i = 0; i < d->nshards; i++)
		mv_buf_printf(b, "%s\n{\"file\":\"%s/%05lld.json\",\"count\":%zu}",
		    i ? "," : "", idx_kdir(kind), d->shards[i].s, d->shards[i].count);
	mv_buf_adds(b, "\n]}\n");
	path = mv_path("index/%s.json", idx_kdir(kind));
	r = mv_write_swap(path, b->buf, b->len, !ix->nosync, &ix->old[kind == 'p']);
	if (r < 0)
		mv_warn("write index/%s.json", idx_kdir(kind));
	free(path);
	return r;
}

/* Shard s is listed (shards sorted). */
static int
shard_listed(const struct idoc *d, long long s)
{
	size_t lo = 0, hi = d->nshards;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->shards[mid].s == s)
			return 1;
		if (d->shards[mid].s < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The number of a shard file name ("00012.json", ext ".json"), or of its
 * key file's (".keys"): five digits or more, as list_write names them;
 * or -1. */
static long long
shard_num(const char *name, const char *ext)
{
	size_t n = strlen(name);
	long long s = 0;

	if (n < 10 || n > 24 || strcmp(name + n - 5, ext))
		return -1;
	for (size_t i = 0; i < n - 5; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		s = s * 10 + (name[i] - '0');
	}
	return s;
}

/* Unlink the shard files of kind no longer listed, and their key files:
 * after the list is written, so that a reader never finds a listed file
 * missing. */
static void
strays_remove(struct mv_index *ix, char kind)
{
	static const char *const ext[] = { ".json", ".keys" };
	const struct idoc *d = &ix->doc[kind == 'p'];

	for (int j = 0; j < 2; j++) {
		size_t n;
		char **v = mv_dir_list(kind == 'p' ? "index/people" : "index/movies", ext[j], &n);

		for (size_t i = 0; i < n; i++) {
			long long s = shard_num(v[i], ext[j]);
			char *path;

			if (s < 0 || shard_listed(d, s))
				continue;
			path = mv_path("index/%s/%s", idx_kdir(kind), v[i]);
			if (unlink(path) < 0 && errno != ENOENT)
				mv_warn("remove index/%s/%s", idx_kdir(kind), v[i]);
			free(path);
		}
		mv_list_free(v, n);
	}
}

/* The shards to write: of every node of d that changed, in order, once. */
static long long *
dirty_shards(struct idoc *d, size_t *n)
{
	long long *v = mv_xmalloc((d->nchanged + 1) * sizeof *v);
	size_t k = 0;

	for (size_t i = 0; i < d->nchanged; i++)
		v[i] = d->changed[i]->num / SHARD_IDS;
	if (d->nchanged)
		qsort(v, d->nchanged, sizeof *v, ll_cmp);
	for (size_t i = 0; i < d->nchanged; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*n = k;
	return v;
}

/*
 * Every shard of kind with no fsync, then each file's fsync and one of
 * the folder before the list: the kernel writes the shards back
 * meanwhile, rather than 500 rounds of write, fsync, rename, fsync. As
 * safe: the list is written last.
 */
static int
shards_write_all(struct mv_index *ix, char kind, const char *dir)
{
	struct idoc *d = &ix->doc[kind == 'p'];
	struct mv_table seen = {0};   /* byExternal keys of the shards written */
	size_t count;
	int r = 0, fd;

	/* The shards are built here and written on a thread (index_keys.c). */
	if (!ix->check)
		idx_put_start(ix);
	if (kind == 'p' && ix->stream)
		r = idx_stream_people(ix);
	for (size_t i = 0; i < d->nshards && r == 0 && !(kind == 'p' && ix->stream); i++)
		r = shard_write(ix, kind, d->shards[i].s, 0, &ix->text, &count, &seen);
	mv_table_free(&seen);
	if (idx_put_finish(ix) < 0)
		r = -1;
	for (size_t i = 0; i < d->nshards && r == 0 && !ix->nosync; i++) {
		char *path = mv_path("index/%s/%05lld.json", idx_kdir(kind), d->shards[i].s);

		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0) {
			mv_warn("sync index/%s/%05lld.json", idx_kdir(kind), d->shards[i].s);
			r = -1;
		}
		if (fd >= 0)
			close(fd);
		free(path);
	}
	if (r == 0 && !ix->nosync && mv_fsync_dir(dir) < 0) {
		mv_warn("sync index/%s", idx_kdir(kind));
		r = -1;
	}
	return r;
}

int
idx_shards_write(struct mv_index *ix, char kind, int force)
{
	struct idoc *d = &ix->doc[kind == 'p'];
	struct mv_buf *b = &ix->text;
	char *dir = mv_path("index/%s", idx_kdir(kind));
	long long *dirty = NULL;
	size_t n = 0, count;
	int r = 0;

	if (mv_mkdir_p(dir, 0755) < 0) {
		mv_warn("create index/%s", idx_kdir(kind));
		free(dir);
		return -1;
	}
	if (force || !d->shards_ok)
		idx_shards_count(ix, kind);
	if (force)
		r = shards_write_all(ix, kind, dir);
	else {
		dirty = dirty_shards(d, &n);
		for (size_t i = 0; i < n && r == 0; i++)
			if ((r = shard_write(ix, kind, dirty[i], !ix->nosync, b, &count, NULL)) == 0)
				shards_set(d, dirty[i], count);
	}
	if (r == 0)
		r = list_write(ix, kind, b);
	if (r == 0) {
		mv_crash_point(kind == 'p' ? "index-list" : "index-movies");
		if (force)
			strays_remove(ix, kind);
		else
			for (size_t i = 0; i < n; i++)
				if (!shard_listed(d, dirty[i])) {
					char *path = mv_path("index/%s/%05lld.json", idx_kdir(kind), dirty[i]);

					if (unlink(path) < 0 && errno != ENOENT)
						mv_warn("remove index/%s/%05lld.json", idx_kdir(kind), dirty[i]);
					free(path);
					idx_keys_remove(kind, dirty[i]);
				}
		d->nchanged = 0;
		d->extchanged = 0;
	} else
		/* What was written is unknown: count again next time. */
		d->shards_ok = 0;
	free(dirty);
	free(dir);
	return r;
}

/* ---- reading ------------------------------------------------------------ */

/* Move the members of from to the end of to, in O(1): cJSON keeps the
 * last member in the first one's prev. */
static void
members_move(cJSON *to, cJSON *from)
{
	cJSON *first = from->child, *last;

	if (!first)
		return;
	from->child = NULL;
	if (!to->child) {
		to->child = first;
		return;
	}
	last = to->child->prev;
	to->child->prev = first->prev;
	last->next = first;
	first->prev = last;
}

long long
mv_index_shard(const char *f, char kind)
{
	size_t n = strlen(idx_kdir(kind));

	if (!f || strncmp(f, idx_kdir(kind), n) != 0 || f[n] != '/')
		return -1;
	return shard_num(f + n + 1, ".json");
}

int
mv_index_current(char kind)
{
	char *path = mv_path("index/%s.json", idx_kdir(kind)), head[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof head - 1) : -1;

	free(path);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	head[n] = '\0';
	return strstr(head, "\"schemaVersion\":2,") != NULL;
}

cJSON *
idx_shards_load(char kind, const char **why)
{
	static char msg[256];
	char *path = mv_path("index/%s.json", idx_kdir(kind));
	cJSON *list = mv_json_load(path, MV_INDEX_MAX, why), *doc, *items, *bx, *it;
	const cJSON *shards;

	free(path);
	if (!list)
		return NULL;
	/* A list of before the shards reads as it is, until the next
	 * mvindex rebuilds it. */
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(list, "items")))
		return list;
	shards = cJSON_GetObjectItemCaseSensitive(list, "shards");
	if (!cJSON_IsObject(list) || !cJSON_IsArray(shards)) {
		cJSON_Delete(list);
		errno = 0;
		*why = "not an index (no items array)";
		return NULL;
	}
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "schemaVersion", 2);
	cJSON_AddStringToObject(doc, "generatedAt", mv_json_str(list, "generatedAt", ""));
	cJSON_AddNumberToObject(doc, "count", (double)mv_json_int(list, "count", 0));
	items = cJSON_AddArrayToObject(doc, "items");
	bx = cJSON_AddObjectToObject(doc, "byExternal");
	cJSON_ArrayForEach(it, shards) {
		const char *f = mv_json_str(it, "file", NULL), *w;
		cJSON *sh;

		if (mv_index_shard(f, kind) < 0) {
			errno = 0;
			snprintf(msg, sizeof msg, "a shard is not %s/NNNNN.json", idx_kdir(kind));
			goto bad;
		}
		path = mv_path("index/%s", f);
		sh = mv_json_load(path, MV_INDEX_MAX, &w);
		free(path);
		if (!sh || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(sh, "items"))) {
			snprintf(msg, sizeof msg, "%s: %s", f, sh ? "no items array" : w);
			if (sh)
				errno = 0;
			cJSON_Delete(sh);
			goto bad;
		}
		members_move(items, cJSON_GetObjectItemCaseSensitive(sh, "items"));
		if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(sh, "byExternal")))
			members_move(bx, cJSON_GetObjectItemCaseSensitive(sh, "byExternal"));
		cJSON_Delete(sh);
	}
	cJSON_Delete(list);
	return doc;
bad:
	cJSON_Delete(list);
	cJSON_Delete(doc);
	/* ENOENT says the list is missing (no index yet): a listed shard
	 * that is missing, or a name that is not one, is a broken index. */
	if (errno == ENOENT)
		errno = 0;
	*why = msg;
	return NULL;
}

/* ---- checking ----------------------------------------------------------- */

void
idx_shards_check_movies(struct mv_index *ix)
{
	struct idoc *d = &ix->doc[0];
	struct mv_table seen = {0};   /* byExternal keys of the shards before */
	size_t count;

	/* shard_write, which compares in a check, as a forced write of
	 * every shard calls it. */
	idx_shards_count(ix, 'm');
	for (size_t i = 0; i < d->nshards; i++)
		(void)shard_write(ix, 'm', d->shards[i].s, 0, &ix->text, &count, &seen);
	mv_table_free(&seen);
}
