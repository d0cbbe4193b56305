/* index_write.c: serialising the index entries, and writing what changed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "index_int.h"

/* ---- serialising ----------------------------------------------------- */

/* Append n bytes; like mv_buf_add, inlined: a write makes millions. */
static inline void
put(struct mv_buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		/* Small start: 60,000 cached entries live in such buffers. */
		size_t cap = b->cap ? b->cap : 128;

		while (b->len + n + 1 > cap)
			cap *= 2;
		/* Not malloc and copy: a document of tens of megabytes (the
		 * check's whole index) grows by mremap, never twice resident. */
		b->buf = mv_xrealloc(b->buf, cap);
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

/* Nodes in id order. */
int
idx_node_num_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* A string literal (only: sizeof), its length known at compile time. */
#define PUT_LIT(b, lit) put(b, "" lit, sizeof lit - 1)

/* s (n bytes) as a JSON string. Most strings need no escape: they are
 * checked eight bytes at a time and copied whole. */
static void
jstr_n(struct mv_buf *b, const char *s, size_t n)
{
	size_t i = 0, lim;
	const char *run = s;
	uint64_t w, m;

	put(b, "\"", 1);
	while (i < n) {
		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (!(m = mv_json_word_special(w, 0))) {
				i += 8;
				continue;
			}
			lim = i + 8;
			i += mv_json_word_first(m);
		} else
			lim = n;
		for (; i < lim; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c >= 0x20 && c != '"' && c != '\\')
				continue;
			put(b, run, (size_t)(s + i - run));
			run = s + i + 1;
			switch (c) {
			case '"': put(b, "\\\"", 2); break;
			case '\\': put(b, "\\\\", 2); break;
			case '\n': put(b, "\\n", 2); break;
			case '\t': put(b, "\\t", 2); break;
			case '\r': put(b, "\\r", 2); break;
			default: mv_buf_printf(b, "\\u%04x", c); break;
			}
		}
	}
	put(b, run, (size_t)(s + n - run));
	put(b, "\"", 1);
}

static void
jstr(struct mv_buf *b, const char *s)
{
	jstr_n(b, s, strlen(s));
}

/* A number, without printf's machinery: a write formats 20,000. */
static void
jnum(struct mv_buf *b, long long v)
{
	char d[24], *p = d + sizeof d;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(b, p, (size_t)(d + sizeof d - p));
}

static void
jstr_or_null(struct mv_buf *b, const char *s)
{
	if (s)
		jstr(b, s);
	else
		mv_buf_adds(b, "null");
}

/* A movie's other titles, from basic up: what mv_movie_title_for
 * chooses from and what a listing's q searches. */
static void
node_titles(struct mv_buf *b, const struct node *x)
{
	if (x->otitle) {
		PUT_LIT(b, ",\"originalTitle\":");
		jstr(b, x->otitle);
	}
	if (x->olang) {
		PUT_LIT(b, ",\"originalLanguage\":");
		jstr(b, x->olang);
	}
	if (x->tjson) {
		PUT_LIT(b, ",\"titles\":");
		mv_buf_adds(b, x->tjson);
	}
	if (x->ajson) {
		PUT_LIT(b, ",\"alternativeTitles\":");
		mv_buf_adds(b, x->ajson);
	}
}

/* Append the item text of a present node to b. */
void
idx_node_text(struct node *x, struct mv_buf *b)
{
	PUT_LIT(b, "{\"id\":");
	jstr_n(b, x->id, x->idlen);
	if (x->id[0] == 'm') {
		PUT_LIT(b, ",\"title\":");
		jstr(b, x->name);
		if (x->year) {
			PUT_LIT(b, ",\"year\":");
			jnum(b, x->year);
		} else
			PUT_LIT(b, ",\"year\":null");
		PUT_LIT(b, ",\"level\":");
		jstr(b, x->level);
		PUT_LIT(b, ",\"status\":");
		jstr(b, x->status);
		if (x->tmdb) {
			PUT_LIT(b, ",\"tmdb\":");
			jnum(b, x->tmdb);
		} else
			PUT_LIT(b, ",\"tmdb\":null");
		PUT_LIT(b, ",\"imdb\":");
		jstr_or_null(b, x->imdb);
		PUT_LIT(b, ",\"addedAt\":");
		jstr_or_null(b, x->added);
		PUT_LIT(b, ",\"lastRead\":");
		jstr_or_null(b, x->last_read);
		PUT_LIT(b, ",\"video\":");
		jstr_or_null(b, x->video);
		if (x->vjson) {
			PUT_LIT(b, ",\"videos\":");
			mv_buf_adds(b, x->vjson);
		}
		node_titles(b, x);
	} else {
		PUT_LIT(b, ",\"name\":");
		jstr(b, x->name);
		if (x->tmdb) {
			PUT_LIT(b, ",\"tmdb\":");
			jnum(b, x->tmdb);
		} else
			PUT_LIT(b, ",\"tmdb\":null");
		PUT_LIT(b, ",\"level\":");
		jstr(b, x->level);
		PUT_LIT(b, ",\"movies\":[");
		for (size_t i = 0; i < x->nlinks; i++) {
			struct link *l = &x->links[i];

			if (i)
				PUT_LIT(b, ",");
			/* "m" and its number, the one spelling of a movie's id,
			 * from the link: the movie's node is a cache miss, 3.7
			 * million times in a rebuild of 500,000 people. */
			PUT_LIT(b, "{\"movie\":\"m");
			jnum(b, l->mnum);
			PUT_LIT(b, "\"");
			if (l->role == 'c')
				PUT_LIT(b, ",\"role\":\"cast\",\"character\":");
			else
				PUT_LIT(b, ",\"role\":\"crew\",\"job\":");
			jstr_n(b, l->detail ? l->detail : "", l->dlen);
			PUT_LIT(b, "}");
		}
		PUT_LIT(b, "]");
	}
	PUT_LIT(b, "}");
}

/* The cached item text of a present node, built if stale. */
const char *
idx_node_json(struct node *x)
{
	struct mv_buf b = {0};

	if (x->json)
		return x->json;
	idx_node_text(x, &b);
	x->json = b.buf;
	x->jlen = b.len;
	return x->json;
}

/* The cached byExternal members of a present node, without a leading
 * comma ("" if it has no outside id). */
void
idx_node_ext_text(struct node *x, struct mv_buf *b)
{
	for (size_t j = 0; j < x->next; j++) {
		if (j)
			PUT_LIT(b, ",");
		jstr(b, x->ext[j]);
		PUT_LIT(b, ":");
		jstr_n(b, x->id, x->idlen);
	}
}

const char *
idx_node_extjson(struct node *x)
{
	struct mv_buf b = {0};

	if (x->extjson)
		return x->extjson;
	idx_node_ext_text(x, &b);
	x->extjson = b.buf ? b.buf : mv_xstrdup("");
	x->extlen = b.len;
	return x->extjson;
}

/* "{...,"items":[" with count entries. */
void
idx_doc_head(struct mv_buf *b, int version, size_t count)
{
	char when[32];

	mv_buf_printf(b, "{\"schemaVersion\":%d,\"generatedAt\":\"%s\",\"count\":%zu,\"items\":[",
	    version, mv_time_fmt(mv_now(), when), count);
}

/*
 * A present entry's text after its separator. A movie's is cached (an
 * update compares it, index_apply.c); a person's is not (at 500,000
 * people the texts would double the memory of a rebuild), nor a
 * movie's in a streamed rebuild, which keeps none.
 */
void
idx_doc_item(struct mv_index *ix, struct mv_buf *b, struct node *x)
{
	if (b->len && b->buf[b->len - 1] == '[')
		PUT_LIT(b, "\n");
	else
		PUT_LIT(b, ",\n");
	if (x->id[0] == 'm' && !ix->stream) {
		idx_node_json(x);
		put(b, x->json, x->jlen);
	} else
		idx_node_text(x, b);
}

/*
 * The byExternal members of the entries [lo, hi) of one index, then the
 * end of the document. De-duplicated (first record in id order wins,
 * over the whole index) only when some outside id has two holders: seen
 * (if not NULL) then holds the keys of the entries before lo, and gets
 * those of [lo, hi); a write of every shard carries it from one to the
 * next rather than look back over the index for each.
 */
void
idx_doc_external(struct mv_index *ix, char kind, struct mv_buf *b, size_t lo,
    size_t hi, struct mv_table *seen)
{
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t i, j;
	struct refmap *ref = kind == 'm' ? &ix->mref : &ix->pref;
	struct mv_table own = {0}; /* byExternal keys written: first claimant in id order wins */
	struct mv_table *set = seen ? seen : &own;
	int first = 1;

	if (ref->dups == 0) {
		for (i = lo; i < hi; i++) {
			if (!arr[i]->present || !arr[i]->next)
				continue;
			if (!first)
				PUT_LIT(b, ",");
			if (kind == 'm') {
				idx_node_extjson(arr[i]);
				put(b, arr[i]->extjson, arr[i]->extlen);
			} else
				idx_node_ext_text(arr[i], b);
			first = 0;
		}
	} else {
		/* Keys an earlier shard holds are its own. */
		for (i = 0; !seen && i < lo; i++)
			for (j = 0; arr[i]->present && j < arr[i]->next; j++)
				if (idx_refmap_count(ref, arr[i]->ext[j]) > 1)
					mv_table_put(set, arr[i]->ext[j], arr[i]->ext[j]);
		for (i = lo; i < hi; i++) {
			if (!arr[i]->present)
				continue;
			for (j = 0; j < arr[i]->next; j++) {
				if (mv_table_put(set, arr[i]->ext[j], arr[i]->ext[j]))
					continue;
				if (!first)
					PUT_LIT(b, ",");
				first = 0;
				jstr(b, arr[i]->ext[j]);
				PUT_LIT(b, ":");
				jstr_n(b, arr[i]->id, arr[i]->idlen);
			}
		}
		mv_table_free(&own);
	}
	PUT_LIT(b, "}}\n");
}

/* The file of d needs writing: an entry or byExternal changed. */
static int
doc_dirty(const struct idoc *d)
{
	return d->nchanged || d->extchanged;
}

int
mv_index_dirty(const struct mv_index *ix)
{
	return doc_dirty(&ix->doc[0]) || doc_dirty(&ix->doc[1]) || ix->colls.dirty;
}

/* How many threads build texts: one per CPU, at most 8. */
static int
nthreads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
}

/*
 * The text of every present entry of arr, built on all CPUs once a scan
 * is over: each is a function of its own node and of the ids of the
 * movies it links to, which nobody changes meanwhile.
 */
struct texts {
	struct node **arr;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *
texts_worker(void *arg)
{
	struct texts *t = arg;
	size_t i, end;

	for (;;) {
		pthread_mutex_lock(&t->mu);
		i = t->next;
		end = t->next = i + 512 < t->n ? i + 512 : t->n;
		pthread_mutex_unlock(&t->mu);
		if (i >= end)
			return NULL;
		for (; i < end; i++)
			if (t->arr[i]->present) {
				idx_node_json(t->arr[i]);
				idx_node_extjson(t->arr[i]);
				/* Its key file record too: an update's write of
				 * a shard makes only its changed movies'. */
				idx_node_keyrec(t->arr[i]);
			}
	}
}

void
idx_texts_build(struct node **arr, size_t n)
{
	struct texts t = {arr, n, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t th[8];
	int nth = 0, cpus = nthreads();

	while (nth < cpus - 1 && pthread_create(&th[nth], NULL, texts_worker, &t) == 0)
		nth++;
	texts_worker(&t);
	while (nth-- > 0)
		pthread_join(th[nth], NULL);
}

/* Unlink the replaced files; a file that will not go is tried once
 * more, then left to the temp file sweep of the next recovery (it is a
 * whole old copy, harmless) with a warning. */
static void *
reap_worker(void *arg)
{
	struct mv_index *ix = arg;

	for (int k = 0; k < 2; k++) {
		if (ix->old[k] && unlink(ix->old[k]) < 0 && errno != ENOENT &&
		    unlink(ix->old[k]) < 0 && errno != ENOENT)
			mv_warn("remove %s", ix->old[k]);
		free(ix->old[k]);
		ix->old[k] = NULL;
	}
	return NULL;
}

/*
 * Unlink the files the last write replaced, on a thread of its own: on
 * a filesystem that discards freed blocks, that takes longer than the
 * write, and nothing needs to wait for it but the next write.
 */
static void
reap_start(struct mv_index *ix)
{
	if (!ix->old[0] && !ix->old[1])
		return;
	if (pthread_create(&ix->reaper, NULL, reap_worker, ix) == 0)
		ix->reaping = 1;
	else
		reap_worker(ix);
}

void
mv_index_reap(struct mv_index *ix)
{
	if (ix->reaping) {
		pthread_join(ix->reaper, NULL);
		ix->reaping = 0;
	}
}

int
mv_index_write(struct mv_index *ix, int force)
{
	int r = 0;

	mv_index_reap(ix);
	/* The movies first: a streamed rebuild frees what of them only
	 * their entries use before it reads the people. */
	for (int k = 0; k < 2 && r == 0; k++)
		if (force || doc_dirty(&ix->doc[k]))
			r = idx_shards_write(ix, k ? 'p' : 'm', force);
	if (r == 0)
		r = idx_colls_write(ix, force);
	reap_start(ix);
	return r;
}

/* Newest mtime among the *.json files of dir; 0 if none. */
static struct timespec
newest(const char *dir, struct timespec t)
{
	char *path = mv_path("%s", dir);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	struct stat st;

	free(path);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return t;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (fstatat(dfd, e->d_name, &st, 0) == 0 &&
		    (st.st_mtim.tv_sec > t.tv_sec || (st.st_mtim.tv_sec == t.tv_sec &&
		    st.st_mtim.tv_nsec > t.tv_nsec)))
			t = st.st_mtim;
	}
	closedir(d);
	return t;
}

int
mv_index_stale(void)
{
	struct timespec t = {0, 0}, oldest = {0, 0};
	struct stat st;

	if (idx_colls_missing())
		return 1;
	for (int k = 0; k < 2; k++) {
		char *path = mv_path("index/%s", k ? "people.json" : "movies.json");
		int r = stat(path, &st);

		free(path);
		if (r < 0)
			return 1;
		if (k == 0 || st.st_mtim.tv_sec < oldest.tv_sec ||
		    (st.st_mtim.tv_sec == oldest.tv_sec && st.st_mtim.tv_nsec < oldest.tv_nsec))
			oldest = st.st_mtim;
	}
	t = newest("Movies", t);
	t = newest("People", t);
	/* lastRead comes from stats/usage.json. */
	{
		char *u = mv_path("stats/usage.json");

		if (stat(u, &st) == 0 && (st.st_mtim.tv_sec > t.tv_sec ||
		    (st.st_mtim.tv_sec == t.tv_sec && st.st_mtim.tv_nsec > t.tv_nsec)))
			t = st.st_mtim;
		free(u);
	}
	/* A people index of before the shards (schemaVersion 1) is
	 * rebuilt, like a missing one. */
	if (!mv_index_current('m') || !mv_index_current('p') || idx_keys_missing())
		return 1;
	/* A tie counts as stale: file times move in clock ticks, and a
	 * profile written in the tick of the index write may be newer. */
	return t.tv_sec > oldest.tv_sec ||
	    (t.tv_sec == oldest.tv_sec && t.tv_nsec >= oldest.tv_nsec);
}

