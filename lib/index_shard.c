/* index_shard.c: the people index as shards of 1,024 ids, each rewritten alone, and their list. */
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
 */

/* The first of psorted whose number is num or more. */
static size_t
pfind(const struct mv_index *ix, long long num)
{
	size_t lo = 0, hi = ix->np;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->psorted[mid]->num < num)
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
idx_person_dups(struct mv_index *ix, struct node *x, char **keys, size_t n)
{
	struct mv_table set = {0};
	struct idoc *d = &ix->doc[1];
	size_t i, j;

	for (i = 0; i < n; i++)
		mv_table_put(&set, keys[i], keys[i]);
	for (i = 0; x->present && i < x->next; i++)
		if (idx_refmap_count(&ix->pref, x->ext[i]) > 1)
			mv_table_put(&set, x->ext[i], x->ext[i]);
	/* Rare (two people with one outside id): a look at everyone. */
	for (i = 0; set.n && i < ix->np; i++) {
		struct node *y = ix->psorted[i];

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

/* The shards as the nodes say: how many present people each holds. */
static void
shards_count(struct mv_index *ix)
{
	ix->nshards = 0;
	for (size_t i = 0; i < ix->np; i++) {
		long long s = ix->psorted[i]->num / SHARD_IDS;

		if (!ix->psorted[i]->present)
			continue;
		if (ix->nshards && ix->shards[ix->nshards - 1].s == s) {
			ix->shards[ix->nshards - 1].count++;
			continue;
		}
		if (ix->nshards == ix->capshards) {
			ix->capshards = ix->capshards ? ix->capshards * 2 : 64;
			ix->shards = mv_xrealloc(ix->shards, ix->capshards * sizeof *ix->shards);
		}
		ix->shards[ix->nshards++] = (struct shard){s, 1};
	}
	ix->shards_ok = 1;
}

/* Set shard s's count (0: no shard). */
static void
shards_set(struct mv_index *ix, long long s, size_t count)
{
	size_t lo = 0, hi = ix->nshards;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->shards[mid].s < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->nshards && ix->shards[lo].s == s) {
		if (count) {
			ix->shards[lo].count = count;
			return;
		}
		memmove(ix->shards + lo, ix->shards + lo + 1,
		    (ix->nshards - lo - 1) * sizeof *ix->shards);
		ix->nshards--;
		return;
	}
	if (!count)
		return;
	if (ix->nshards == ix->capshards) {
		ix->capshards = ix->capshards ? ix->capshards * 2 : 64;
		ix->shards = mv_xrealloc(ix->shards, ix->capshards * sizeof *ix->shards);
	}
	memmove(ix->shards + lo + 1, ix->shards + lo, (ix->nshards - lo) * sizeof *ix->shards);
	ix->shards[lo] = (struct shard){s, count};
	ix->nshards++;
}

static int
ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* ---- writing ------------------------------------------------------------ */

/*
 * Write shard s from the nodes (unless it has no present entry); *count
 * gets its entries. sync 0 leaves the fsync to the caller (a rebuild
 * syncs the filesystem once). 0, or -1 with errno after a warning.
 */
static int
shard_write(struct mv_index *ix, long long s, int sync, struct mv_buf *b, size_t *count,
    struct mv_table *seen)
{
	size_t lo = pfind(ix, s * SHARD_IDS), hi = pfind(ix, (s + 1) * SHARD_IDS), i, n = 0;

	for (i = lo; i < hi; i++)
		n += ix->psorted[i]->present != 0;
	*count = n;
	if (!n)
		return 0;
	b->len = 0;
	idx_doc_head(b, 2, n);
	for (i = lo; i < hi; i++)
		if (ix->psorted[i]->present)
			idx_doc_person(b, ix->psorted[i]);
	mv_buf_adds(b, "\n],\"byExternal\":{");
	idx_doc_external(ix, 'p', b, lo, hi, seen);
	return idx_shard_put(s, b, ix->psorted + lo, hi - lo, sync);
}

/* index/people.json: the shards in order, with their counts. */
static int
manifest_write(struct mv_index *ix, struct mv_buf *b)
{
	char when[32], *path;
	size_t total = 0;
	int r;

	for (size_t i = 0; i < ix->nshards; i++)
		total += ix->shards[i].count;
	b->len = 0;
	mv_buf_printf(b, "{\"schemaVersion\":2,\"generatedAt\":\"%s\",\"count\":%zu,"
	    "\"shardIds\":%d,\"shards\":[", mv_time_fmt(mv_now(), when), total, SHARD_IDS);
	for (size_t i = 0; i < ix->nshards; i++)
		mv_buf_printf(b, "%s\n{\"file\":\"people/%05lld.json\",\"count\":%zu}",
		    i ? "," : "", ix->shards[i].s, ix->shards[i].count);
	mv_buf_adds(b, "\n]}\n");
	path = mv_path("index/people.json");
	r = mv_write_swap(path, b->buf, b->len, !ix->nosync, &ix->old[1]);
	if (r < 0)
		mv_warn("write index/people.json");
	free(path);
	return r;
}

/* Shard s is listed (shards sorted). */
static int
shard_listed(const struct mv_index *ix, long long s)
{
	size_t lo = 0, hi = ix->nshards;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->shards[mid].s == s)
			return 1;
		if (ix->shards[mid].s < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The number of a shard file name ("00012.json", ext ".json"), or of its
 * key file's (".keys"), or -1. */
static long long
shard_num(const char *name, const char *ext)
{
	size_t n = strlen(name);
	long long s = 0;

	if (n < 6 || n > 24 || strcmp(name + n - 5, ext))
		return -1;
	for (size_t i = 0; i < n - 5; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		s = s * 10 + (name[i] - '0');
	}
	return s;
}

/* Unlink the shard files no longer listed, and their key files: after
 * the list is written, so that a reader never finds a listed file
 * missing. */
static void
strays_remove(struct mv_index *ix)
{
	static const char *const ext[] = { ".json", ".keys" };

	for (int j = 0; j < 2; j++) {
		size_t n;
		char **v = mv_dir_list("index/people", ext[j], &n);

		for (size_t i = 0; i < n; i++) {
			long long s = shard_num(v[i], ext[j]);
			char *path;

			if (s < 0 || shard_listed(ix, s))
				continue;
			path = mv_path("index/people/%s", v[i]);
			if (unlink(path) < 0 && errno != ENOENT)
				mv_warn("remove index/people/%s", v[i]);
			free(path);
		}
		mv_list_free(v, n);
	}
}

/* The shards to write: of every node that changed, in order, once. */
static long long *
dirty_shards(struct mv_index *ix, size_t *n)
{
	struct idoc *d = &ix->doc[1];
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

int
idx_people_write(struct mv_index *ix, int force)
{
	struct mv_buf *b = &ix->text;
	char *dir = mv_path("index/people");
	long long *dirty = NULL;
	size_t n = 0, count;
	struct mv_table seen = {0};   /* byExternal keys of the shards written */
	int r = 0, fd;

	if (mv_mkdir_p(dir, 0755) < 0) {
		mv_warn("create index/people");
		free(dir);
		return -1;
	}
	if (force || !ix->shards_ok)
		shards_count(ix);
	if (force) {
		/* Every shard with no fsync, then each file's fsync and one
		 * of the directory before the list: the kernel writes the
		 * shards back meanwhile, rather than 500 rounds of write,
		 * fsync, rename, fsync. As safe: the list is written last. */
		if (ix->stream)
			r = idx_stream_people(ix);
		for (size_t i = 0; i < ix->nshards && r == 0 && !ix->stream; i++)
			if ((r = shard_write(ix, ix->shards[i].s, 0, b, &count, &seen)) == 0)
				mv_crash_point("index-shard");
		for (size_t i = 0; i < ix->nshards && r == 0 && !ix->nosync; i++) {
			char *path = mv_path("index/people/%05lld.json", ix->shards[i].s);

			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0) {
				mv_warn("sync index/people/%05lld.json", ix->shards[i].s);
				r = -1;
			}
			if (fd >= 0)
				close(fd);
			free(path);
		}
		if (r == 0 && !ix->nosync && mv_fsync_dir(dir) < 0) {
			mv_warn("sync index/people");
			r = -1;
		}
	} else {
		dirty = dirty_shards(ix, &n);
		for (size_t i = 0; i < n && r == 0; i++)
			if ((r = shard_write(ix, dirty[i], !ix->nosync, b, &count, NULL)) == 0) {
				shards_set(ix, dirty[i], count);
				mv_crash_point("index-shard");
			}
	}
	if (r == 0)
		r = manifest_write(ix, b);
	if (r == 0) {
		mv_crash_point("index-list");
		if (force)
			strays_remove(ix);
		else
			for (size_t i = 0; i < n; i++)
				if (!shard_listed(ix, dirty[i])) {
					char *path = mv_path("index/people/%05lld.json", dirty[i]);

					if (unlink(path) < 0 && errno != ENOENT)
						mv_warn("remove index/people/%05lld.json", dirty[i]);
					free(path);
					idx_keys_remove(dirty[i]);
				}
		ix->doc[1].nchanged = 0;
		ix->doc[1].extchanged = 0;
	} else
		/* What was written is unknown: count again next time. */
		ix->shards_ok = 0;
	mv_table_free(&seen);
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

/* A listed file name: "people/" digits ".json", nothing else. */
static int
shard_name_ok(const char *f)
{
	return f && strncmp(f, "people/", 7) == 0 && shard_num(f + 7, ".json") >= 0;
}

int
mv_index_people_current(void)
{
	char *path = mv_path("index/people.json"), head[64];
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
idx_people_load(const char **why)
{
	static char msg[256];
	char *path = mv_path("index/people.json");
	cJSON *list = mv_json_load(path, MV_INDEX_MAX, why), *doc, *items, *bx, *it;
	const cJSON *shards;

	free(path);
	if (!list)
		return NULL;
	/* A people.json of before the shards reads as it is, until the
	 * next mvindex rebuilds it. */
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

		if (!shard_name_ok(f)) {
			snprintf(msg, sizeof msg, "a shard is not people/NNNNN.json");
			goto bad;
		}
		path = mv_path("index/%s", f);
		sh = mv_json_load(path, MV_INDEX_MAX, &w);
		free(path);
		if (!sh || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(sh, "items"))) {
			snprintf(msg, sizeof msg, "%s: %s", f, sh ? "no items array" : w);
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
	*why = msg;
	return NULL;
}

/* ---- checking ----------------------------------------------------------- */

/* Shard f (listed as holding count) holds that many entries, each of its
 * range. Returns the problems found. */
static long
check_shard(const char *f, long long count, FILE *out)
{
	char *path = mv_path("index/%s", f);
	const char *why;
	cJSON *sh = mv_json_load(path, MV_INDEX_MAX, &why), *it;
	long long s = shard_num(f + 7, ".json"), num;
	long bad = 0;

	free(path);
	if (!sh) {
		fprintf(out, "people: unable to read index/%s: %s\n", f, why);
		return 1;
	}
	if (mv_json_int(sh, "schemaVersion", 0) != 2 ||
	    mv_json_int(sh, "count", -1) != count ||
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sh, "items")) != count) {
		fprintf(out, "people: index/%s: count is not the %lld of index/people.json\n",
		    f, count);
		bad++;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sh, "items")) {
		const char *id = mv_json_str(it, "id", "");

		num = mv_id_valid(id, 'p') ? atoll(id + 1) : -1;
		if (num / SHARD_IDS != s) {
			fprintf(out, "people: %s: in index/%s, not its shard\n", id, f);
			bad++;
		}
	}
	cJSON_Delete(sh);
	return bad;
}

long
idx_people_check_files(FILE *out)
{
	char *path = mv_path("index/people.json");
	const char *why;
	cJSON *list = mv_json_load(path, MV_INDEX_MAX, &why), *it;
	struct mv_table listed = {0};
	size_t n;
	char **v;
	long bad = 0;

	free(path);
	if (!list)
		return 0;      /* said by the check of the items */
	if (mv_json_int(list, "schemaVersion", 0) != 2) {
		fprintf(out, "people: index/people.json is of schemaVersion %lld, not 2 "
		    "(mvindex rebuilds it)\n", mv_json_int(list, "schemaVersion", 0));
		cJSON_Delete(list);
		return 1;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "shards")) {
		const char *f = mv_json_str(it, "file", NULL);

		if (!shard_name_ok(f) || mv_table_put(&listed, f + 7, it)) {
			fprintf(out, "people: index/people.json: bad or repeated shard %s\n",
			    f ? f : "(none)");
			bad++;
			continue;
		}
		bad += check_shard(f, mv_json_int(it, "count", -1), out);
		bad += idx_keys_check(shard_num(f + 7, ".json"), mv_json_int(it, "count", -1), out);
	}
	for (int j = 0; j < 2; j++) {
		v = mv_dir_list("index/people", j ? ".keys" : ".json", &n);
		for (size_t i = 0; i < n; i++) {
			char name[32];

			/* A key file counts as listed with its shard. */
			snprintf(name, sizeof name, "%.*s.json", (int)strlen(v[i]) - 5, v[i]);
			if (!mv_table_get(&listed, name)) {
				fprintf(out, "people: index/people/%s: not listed in "
				    "index/people.json\n", v[i]);
				bad++;
			}
		}
		mv_list_free(v, n);
	}
	mv_table_free(&listed);
	cJSON_Delete(list);
	return bad;
}
