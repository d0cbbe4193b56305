/* index_check.c: comparing the index files on disk with a fresh scan. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "index_int.h"

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
 * The items of the index file of kind against the nodes: each entry
 * must be the text a write would give its node, in id order, and every
 * present node must have one. Returns the problems found.
 */
static long
check_items(struct mv_index *ix, char kind, const cJSON *items, FILE *out)
{
	const char *name = kind == 'm' ? "movies" : "people";
	struct map *map = kind == 'm' ? &ix->movies : &ix->people;
	struct node **arr = kind == 'm' ? ix->msorted : ix->psorted;
	size_t n = kind == 'm' ? ix->nm : ix->np, i;
	struct mv_buf b = {0}, t = {0};
	const cJSON *it;
	cJSON *fresh;
	long bad = 0;
	long long prev = 0;

	cJSON_ArrayForEach(it, items) {
		const char *id = mv_json_str(it, "id", NULL);
		struct node *x = id && idx_id_ok(id, kind) ? idx_map_get(map, id) : NULL;

		if (!id || !mv_id_valid(id, kind)) {
			fprintf(out, "%s: an item has no valid id\n", name);
			bad++;
			continue;
		}
		if (atoll(id + 1) <= prev) {
			fprintf(out, "%s: %s: out of order or repeated\n", name, id);
			bad++;
		}
		prev = atoll(id + 1);
		if (!x || !x->present) {
			fprintf(out, "%s: %s: in the index, but no valid %s/%s.json\n",
			    name, id, kind == 'm' ? "Movies" : "People", id);
			bad++;
			continue;
		}
		/* A person's text is built, not kept (index_shard.c). */
		t.len = 0;
		if (kind == 'p')
			idx_node_text(x, &t);
		fresh = cJSON_Parse(kind == 'p' ? t.buf : idx_node_json(x));
		if (!cJSON_Compare(fresh, it, 1)) {
			b.len = 0;
			diff_members(fresh, it, &b);
			fprintf(out, "%s: %s: differs: %s\n", name, id, b.buf ? b.buf : "");
			bad++;
		}
		cJSON_Delete(fresh);
		x->present = 2; /* seen; set back to 1 below */
	}
	for (i = 0; i < n; i++) {
		if (arr[i]->present == 1) {
			fprintf(out, "%s: %s: missing from the index\n", name, arr[i]->id);
			bad++;
		}
		if (arr[i]->present == 2)
			arr[i]->present = 1;
	}
	mv_buf_free(&b);
	mv_buf_free(&t);
	return bad;
}

/* byExternal of the index file of kind (doc) against what a rebuild
 * would write. Returns the problems found. */
static long
check_external(struct mv_index *ix, char kind, const cJSON *doc, FILE *out)
{
	const char *name = kind == 'm' ? "movies" : "people", *v;
	const cJSON *bx = cJSON_GetObjectItemCaseSensitive(doc, "byExternal");
	struct mv_table have = {0}, want = {0};
	struct mv_buf b = {0};
	cJSON *fresh, *fx, *m;
	long bad = 0;

	if (!cJSON_IsObject(bx)) {
		fprintf(out, "%s: byExternal missing\n", name);
		return 1;
	}
	idx_index_text(ix, kind, &b);
	fresh = cJSON_Parse(b.buf);
	mv_buf_free(&b);
	fx = cJSON_GetObjectItemCaseSensitive(fresh, "byExternal");
	/* Hash both sides: these objects hold tens of thousands of
	 * members and cJSON looks members up one by one. The tables borrow
	 * the documents' strings; of a repeated member the first counts. */
	cJSON_ArrayForEach(m, bx)
		if (cJSON_IsString(m) && !mv_table_get(&have, m->string))
			mv_table_put(&have, m->string, m->valuestring);
	cJSON_ArrayForEach(m, fx) {
		mv_table_put(&want, m->string, m);
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
	cJSON_Delete(fresh);
	return bad;
}

long
idx_check_one(struct mv_index *ix, char kind, FILE *out)
{
	const char *name = kind == 'm' ? "movies" : "people", *why;
	cJSON *doc = mv_index_load(kind, &why), *items;
	long bad = 0;

	bad += idx_shards_check_files(kind, out);
	if (!doc) {
		fprintf(out, "%s: unable to read index/%s.json: %s\n", name, name, why);
		return bad + 1;
	}
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	if (!cJSON_IsArray(items)) {
		fprintf(out, "%s: index/%s.json has no items array\n", name, name);
		cJSON_Delete(doc);
		return 1;
	}
	if (mv_json_int(doc, "count", -1) != cJSON_GetArraySize(items)) {
		fprintf(out, "%s: count is %lld, items has %d\n", name,
		    mv_json_int(doc, "count", -1), cJSON_GetArraySize(items));
		bad++;
	}
	bad += check_items(ix, kind, items, out);
	bad += check_external(ix, kind, doc, out);
	cJSON_Delete(doc);
	return bad;
}
