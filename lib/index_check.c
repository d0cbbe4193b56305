/* index_check.c: comparing the index files on disk with what a rebuild would write, shard by shard. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "index_int.h"

/*
 * Design (issue 19). The check loaded each index whole, as one cJSON
 * document, and built and parsed the whole text a rebuild would write
 * beside it, over every person in memory: at 100,000 movies and 500,000
 * people, 5.4 GB resident and 63 s (mvctl check, which runs it, 86 s).
 * A small box could not check the library it could hold. Now the check
 * is a streamed rebuild (index_stream.c) that compares instead of
 * writing: each shard's text is built as the rebuild builds it, and
 * compared byte for byte with the file, but for its generatedAt. Only a
 * shard that differs is parsed, both sides, to say which entries and
 * outside ids differ. A shard-by-shard check over cJSON documents was
 * tried first: 0.75 GB, but twice as slow, all of it in malloc.
 */

/* A shard index/<kind>.json lists: its number and count, and whether a
 * fresh shard of that number was compared with it. */
struct listed {
	long long s, count;
	int seen;
};

/* The check of one kind's files. */
struct kcheck {
	int read;              /* the list was read, a list of shards */
	int ok;                /* and names only shards */
	int badname;           /* it names a file that is not a shard */
	long long count;       /* the list's count */
	long long items;       /* the entries found in the listed shards */
	struct listed *v;      /* sorted by number */
	size_t n;
};

struct check {
	FILE *out;
	long bad;
	struct kcheck k[2];    /* movies, people */
};

static int
listed_cmp(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

static struct listed *
listed_find(struct kcheck *k, long long s)
{
	struct listed key = { .s = s };

	return k->n ? bsearch(&key, k->v, k->n, sizeof *k->v, listed_cmp) : NULL;
}

/* Read index/<kind>.json and the shards it names; what is wrong with
 * it to out. */
static void
list_read(struct check *c, char kind)
{
	struct kcheck *k = &c->k[kind == 'p'];
	const char *name = idx_kdir(kind), *why;
	char *path = mv_path("index/%s.json", name);
	cJSON *list = mv_json_load(path, MV_INDEX_MAX, &why), *it;
	struct mv_table names = {0};  /* borrows list's strings */
	size_t cap = 0;

	free(path);
	if (!list) {
		fprintf(c->out, "%s: unable to read index/%s.json: %s\n", name, name, why);
		c->bad++;
		return;
	}
	if (mv_json_int(list, "schemaVersion", 0) != 2 ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(list, "shards"))) {
		fprintf(c->out, "%s: index/%s.json is of schemaVersion %lld, not 2 "
		    "(mvindex rebuilds it)\n", name, name, mv_json_int(list, "schemaVersion", 0));
		c->bad++;
		cJSON_Delete(list);
		return;
	}
	k->read = 1;
	k->count = mv_json_int(list, "count", -1);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "shards")) {
		const char *f = mv_json_str(it, "file", NULL);
		long long s = mv_index_shard(f, kind);

		if (s < 0 || mv_table_put(&names, f, it)) {
			fprintf(c->out, "%s: index/%s.json: bad or repeated shard %s\n", name, name,
			    f ? f : "(none)");
			c->bad++;
			k->badname |= s < 0;
			continue;
		}
		if (k->n == cap) {
			cap = cap ? cap * 2 : 64;
			k->v = mv_xrealloc(k->v, cap * sizeof *k->v);
		}
		k->v[k->n++] = (struct listed){s, mv_json_int(it, "count", -1), 0};
	}
	if (k->n)
		qsort(k->v, k->n, sizeof *k->v, listed_cmp);
	/* A reader refuses a list with a name that is no shard: its
	 * entries are not compared then. */
	k->ok = !k->badname;
	mv_table_free(&names);
	cJSON_Delete(list);
}

/* The byte count of text up to the end of its generatedAt's value, or 0
 * if it does not start as a shard does. */
static size_t
head_len(const char *t, size_t len)
{
	static const char head[] = "{\"schemaVersion\":2,\"generatedAt\":\"";
	const char *q;

	if (len < sizeof head || memcmp(t, head, sizeof head - 1) != 0)
		return 0;
	q = memchr(t + sizeof head - 1, '"', len - (sizeof head - 1));
	return q ? (size_t)(q - t) : 0;
}

/* 1 if a and b are the same text but for generatedAt. */
static int
same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t ha = head_len(a, alen), hb = head_len(b, blen);

	return ha && hb && alen - ha == blen - hb && memcmp(a + ha, b + hb, alen - ha) == 0;
}

/* Names of the members of a and b whose values differ, "title,year". */
static void
diff_members(const cJSON *a, const cJSON *b, struct mv_buf *out)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, a) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);

		if (!o || !cJSON_Compare(m, o, 1))
			mv_buf_printf(out, "%s%s", out->len ? "," : "", m->string);
	}
	cJSON_ArrayForEach(m, b)
		if (!cJSON_GetObjectItemCaseSensitive(a, m->string))
			mv_buf_printf(out, "%s%s", out->len ? "," : "", m->string);
}

/*
 * The entries of shard s as a rebuild would write them (fresh; NULL:
 * none) against the file's (disk; NULL: not listed), one line to out
 * for each entry and outside id that differs. Returns the problems.
 */
static long
entries_diff(char kind, long long s, const cJSON *fresh, const cJSON *disk, FILE *out)
{
	const char *name = idx_kdir(kind);
	const cJSON *fi = cJSON_GetObjectItemCaseSensitive(fresh, "items");
	const cJSON *di = cJSON_GetObjectItemCaseSensitive(disk, "items"), *it;
	struct mv_table want = {0}, met = {0};
	struct mv_buf b = {0};
	long long prev = -1, num;
	long bad = 0;

	cJSON_ArrayForEach(it, fi)
		mv_table_put(&want, mv_json_str(it, "id", ""), (void *)it);
	cJSON_ArrayForEach(it, di) {
		const char *id = mv_json_str(it, "id", NULL);
		const cJSON *f;

		if (!id || !mv_id_valid(id, kind)) {
			fprintf(out, "%s: an item has no valid id\n", name);
			bad++;
			continue;
		}
		num = idx_id_num(id);
		if (num <= prev) {
			fprintf(out, "%s: %s: out of order or repeated\n", name, id);
			bad++;
		}
		prev = num;
		/* An entry of another shard is said as such (shard_parse). */
		if (num / SHARD_IDS != s || mv_table_get(&met, id))
			continue;
		if (!(f = mv_table_get(&want, id))) {
			fprintf(out, "%s: %s: in the index, but no valid %s/%s.json\n", name, id,
			    kind == 'm' ? "Movies" : "People", id);
			bad++;
			continue;
		}
		mv_table_put(&met, id, (void *)it);
		if (!cJSON_Compare(f, it, 1)) {
			b.len = 0;
			diff_members(f, it, &b);
			fprintf(out, "%s: %s: differs: %s\n", name, id, b.buf ? b.buf : "");
			bad++;
		}
	}
	cJSON_ArrayForEach(it, fi)
		if (!mv_table_get(&met, mv_json_str(it, "id", ""))) {
			fprintf(out, "%s: %s: missing from the index\n", name, mv_json_str(it, "id", ""));
			bad++;
		}
	mv_table_free(&want);
	mv_table_free(&met);
	mv_buf_free(&b);
	return bad;
}

/* byExternal of the shard, fresh against disk (either may be NULL). */
static long
external_diff(char kind, const cJSON *fresh, const cJSON *disk, FILE *out)
{
	const char *name = idx_kdir(kind), *v;
	const cJSON *fx = cJSON_GetObjectItemCaseSensitive(fresh, "byExternal");
	const cJSON *bx = cJSON_GetObjectItemCaseSensitive(disk, "byExternal"), *m;
	struct mv_table have = {0}, want = {0};
	long bad = 0;

	if (disk && !cJSON_IsObject(bx)) {
		fprintf(out, "%s: byExternal missing\n", name);
		return 1;
	}
	/* The tables borrow the documents' strings; of a repeated member
	 * the first counts. */
	cJSON_ArrayForEach(m, bx)
		if (cJSON_IsString(m) && !mv_table_get(&have, m->string))
			mv_table_put(&have, m->string, m->valuestring);
	cJSON_ArrayForEach(m, fx) {
		mv_table_put(&want, m->string, (void *)m);
		v = mv_table_get(&have, m->string);
		if (!v || strcmp(v, m->valuestring) != 0) {
			fprintf(out, "%s: byExternal %s: %s, expected %s\n", name,
			    m->string, v ? v : "missing", m->valuestring);
			bad++;
		}
	}
	cJSON_ArrayForEach(m, bx)
		if (!mv_table_get(&want, m->string)) {
			fprintf(out, "%s: byExternal %s: stale\n", name, m->string);
			bad++;
		}
	mv_table_free(&have);
	mv_table_free(&want);
	return bad;
}

/* Shard s's file, parsed: its count against the list's (l), each entry
 * in its range. NULL if it cannot be read (said). *items: its entries. */
static cJSON *
shard_parse(struct check *c, char kind, const struct listed *l, const char *text,
    long long *items)
{
	const char *name = idx_kdir(kind);
	cJSON *sh = cJSON_Parse(text), *it;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(sh, "items");

	*items = 0;
	if (!sh || !cJSON_IsArray(arr)) {
		fprintf(c->out, "%s: unable to read index/%s/%05lld.json: %s\n", name, name, l->s,
		    sh ? "no items array" : "invalid JSON");
		c->bad++;
		cJSON_Delete(sh);
		return NULL;
	}
	*items = cJSON_GetArraySize(arr);
	if (mv_json_int(sh, "schemaVersion", 0) != 2 || mv_json_int(sh, "count", -1) != l->count ||
	    *items != l->count) {
		fprintf(c->out, "%s: index/%s/%05lld.json: count is not the %lld of index/%s.json\n",
		    name, name, l->s, l->count, name);
		c->bad++;
	}
	cJSON_ArrayForEach(it, arr) {
		const char *id = mv_json_str(it, "id", "");

		if (!mv_id_valid(id, kind) || idx_id_num(id) / SHARD_IDS != l->s) {
			fprintf(c->out, "%s: %s: in index/%s/%05lld.json, not its shard\n", name, id,
			    name, l->s);
			c->bad++;
		}
	}
	return sh;
}

/* Shard s of kind: text (NULL: no entry should be there) with count
 * entries, against its listed file l (NULL: not listed). */
static void
shard_compare(struct check *c, char kind, long long s, const char *text, size_t len,
    size_t count, struct listed *l)
{
	const char *name = idx_kdir(kind);
	struct kcheck *k = &c->k[kind == 'p'];
	char *path, *disk = NULL;
	cJSON *fresh = NULL, *sh = NULL;
	size_t dlen = 0;
	long long items = 0;
	int rd, e;

	if (l) {
		l->seen = 1;
		/* Read once, for the key file's check and for the entries'. */
		path = mv_path("index/%s/%05lld.json", name, s);
		rd = mv_slurp(path, MV_INDEX_MAX, &disk, &dlen);
		e = errno;
		free(path);
		c->bad += idx_keys_check(kind, s, l->count, rd == 0 ? disk : NULL, dlen, c->out);
		if (rd < 0) {
			fprintf(c->out, "%s: unable to read index/%s/%05lld.json: %s\n", name, name, s,
			    strerror(e));
			c->bad++;
			return;
		}
		if (text && same_text(text, len, disk, dlen)) {
			k->items += (long long)count;
			if ((long long)count != l->count) {
				fprintf(c->out, "%s: index/%s/%05lld.json: count is not the %lld of "
				    "index/%s.json\n", name, name, s, l->count, name);
				c->bad++;
			}
			free(disk);
			return;
		}
		if (!(sh = shard_parse(c, kind, l, disk, &items))) {
			free(disk);
			return;
		}
		k->items += items;
		free(disk);
	}
	if (text)
		fresh = cJSON_Parse(text);
	c->bad += entries_diff(kind, s, fresh, sh, c->out);
	c->bad += external_diff(kind, fresh, sh, c->out);
	cJSON_Delete(fresh);
	cJSON_Delete(sh);
}

void
idx_check_shard(struct mv_index *ix, char kind, long long s, const struct mv_buf *b,
    size_t count)
{
	struct check *c = ix->check;
	struct kcheck *k = &c->k[kind == 'p'];

	if (k->ok)
		shard_compare(c, kind, s, b->buf, b->len, count, listed_find(k, s));
}

/* After the fresh shards of kind: the listed ones no fresh shard met,
 * the files the list does not name, the count. */
static void
kind_end(struct check *c, char kind)
{
	struct kcheck *k = &c->k[kind == 'p'];
	const char *name = idx_kdir(kind);
	char *dir = mv_xasprintf("index/%s", name);

	for (size_t i = 0; k->ok && i < k->n; i++)
		if (!k->v[i].seen)
			shard_compare(c, kind, k->v[i].s, NULL, 0, 0, &k->v[i]);
	for (int j = 0; k->read && j < 2; j++) {
		size_t n;
		char **v = mv_dir_list(dir, j ? ".keys" : ".json", &n);

		for (size_t i = 0; i < n; i++) {
			char f[32];
			long long s;

			/* A key file counts as listed with its shard. */
			snprintf(f, sizeof f, "%s/%.*s.json", name, (int)strlen(v[i]) - 5, v[i]);
			s = mv_index_shard(f, kind);
			if (s < 0 || !listed_find(k, s)) {
				fprintf(c->out, "%s: index/%s/%s: not listed in index/%s.json\n",
				    name, name, v[i], name);
				c->bad++;
			}
		}
		mv_list_free(v, n);
	}
	free(dir);
	if (k->badname) {
		/* What every reader of the index says (mv_index_load). */
		fprintf(c->out, "%s: unable to read index/%s.json: a shard is not %s/NNNNN.json\n",
		    name, name, name);
		c->bad++;
	} else if (k->ok && k->count != k->items) {
		fprintf(c->out, "%s: count is %lld, items has %lld\n", name, k->count, k->items);
		c->bad++;
	}
}

long
mv_index_check(FILE *out)
{
	struct mv_index *ix = mv_index_new();
	struct check c = { .out = out };
	long bad;

	/* A streamed rebuild, but for the writes (index_stream.c). */
	mv_index_stream(ix);
	ix->check = &c;
	mv_index_scan(ix, MV_INDEX_CLAIMS);
	list_read(&c, 'm');
	idx_shards_check_movies(ix);
	kind_end(&c, 'm');
	list_read(&c, 'p');
	if (idx_stream_people(ix) < 0)
		c.bad++;
	kind_end(&c, 'p');
	c.bad += idx_claims(ix, out);
	c.bad += idx_colls_check(ix, out);
	bad = c.bad;
	ix->check = NULL;
	for (int k = 0; k < 2; k++)
		free(c.k[k].v);
	mv_index_free(ix);
	return bad;
}
