/* schema.c: a JSON Schema draft-07 validator over cJSON trees. */
#include "mv.h"

#include <dirent.h>
#include <limits.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MV_SCHEMADIR
#define MV_SCHEMADIR "/usr/local/share/mv/schemas"
#endif

#define MAX_DEPTH 512        /* nested subschema evaluations: stops $ref loops */
#define MAX_SCHEMA (1 << 20) /* bytes in one schema file */

/* The keywords of one schema object, found once (first of duplicates wins). */
struct kw {
	const cJSON *ref;
	const cJSON *type;
	const cJSON *enum_;
	const cJSON *const_;
	const cJSON *properties;
	const cJSON *patternProperties;
	const cJSON *additionalProperties;
	const cJSON *required;
	const cJSON *propertyNames;
	const cJSON *dependencies;
	const cJSON *minProperties;
	const cJSON *maxProperties;
	const cJSON *items;
	const cJSON *additionalItems;
	const cJSON *minItems;
	const cJSON *maxItems;
	const cJSON *uniqueItems;
	const cJSON *contains;
	const cJSON *minLength;
	const cJSON *maxLength;
	const cJSON *pattern;
	const cJSON *format;
	const cJSON *minimum;
	const cJSON *maximum;
	const cJSON *exclusiveMinimum;
	const cJSON *exclusiveMaximum;
	const cJSON *multipleOf;
	const cJSON *allOf;
	const cJSON *anyOf;
	const cJSON *oneOf;
	const cJSON *not_;
	const cJSON *if_;
	const cJSON *then;
	const cJSON *else_;
};

#define KW(f, name) {name, offsetof(struct kw, f)}
static const struct { const char *name; size_t off; } kwtab[] = {
	KW(ref, "$ref"),
	KW(type, "type"),
	KW(enum_, "enum"),
	KW(const_, "const"),
	KW(properties, "properties"),
	KW(patternProperties, "patternProperties"),
	KW(additionalProperties, "additionalProperties"),
	KW(required, "required"),
	KW(propertyNames, "propertyNames"),
	KW(dependencies, "dependencies"),
	KW(minProperties, "minProperties"),
	KW(maxProperties, "maxProperties"),
	KW(items, "items"),
	KW(additionalItems, "additionalItems"),
	KW(minItems, "minItems"),
	KW(maxItems, "maxItems"),
	KW(uniqueItems, "uniqueItems"),
	KW(contains, "contains"),
	KW(minLength, "minLength"),
	KW(maxLength, "maxLength"),
	KW(pattern, "pattern"),
	KW(format, "format"),
	KW(minimum, "minimum"),
	KW(maximum, "maximum"),
	KW(exclusiveMinimum, "exclusiveMinimum"),
	KW(exclusiveMaximum, "exclusiveMaximum"),
	KW(multipleOf, "multipleOf"),
	KW(allOf, "allOf"),
	KW(anyOf, "anyOf"),
	KW(oneOf, "oneOf"),
	KW(not_, "not"),
	KW(if_, "if"),
	KW(then, "then"),
	KW(else_, "else"),
};
#undef KW

/*
 * Per-node facts computed once and cached, keyed by the address of a
 * cJSON node of a schema: for a schema object with "$ref", the absolute
 * reference and (lazily) its target; for a "pattern" string, or for a
 * subschema under "patternProperties" (whose key is the pattern), the
 * compiled regular expression.
 */
struct ninfo {
	const cJSON *node;
	char *ref;              /* owned: absolute URI of $ref, or NULL */
	const cJSON *target;    /* resolved $ref target */
	signed char tstate;     /* 0 unresolved yet, 1 target set, -1 failed */
	struct mv_regex rx;     /* owned: the pattern's, once compiled */
	struct kw *kw;          /* owned: keywords of a schema object, or NULL */
};

struct reg {
	char *uri;              /* owned: absolute, without an empty fragment */
	const cJSON *node;
};

struct mv_schemas {
	cJSON **docs;           /* owned trees */
	size_t ndocs, capdocs;
	struct reg *regs;       /* URI -> schema node */
	size_t nregs, capregs;
	struct ninfo **slots;   /* open addressing hash of owned ninfo */
	size_t cap, n;
	mv_schema_loader_fn loader;
	void *loaderctx;
	int badpatterns;        /* patterns that failed to compile while adding */
};

/* ---- the node cache -------------------------------------------------- */

static size_t
ptrhash(const void *p)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(x ^ (x >> 29));
}

/* The cached facts about node, created empty on first use. */
static struct ninfo *
ninfo_get(struct mv_schemas *set, const cJSON *node)
{
	size_t i;

	if (set->n * 2 >= set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 256;
		struct ninfo **ns = mv_xcalloc(ncap, sizeof *ns);
		for (i = 0; i < set->cap; i++) {
			struct ninfo *ni = set->slots[i];
			size_t j;
			if (!ni)
				continue;
			for (j = ptrhash(ni->node) & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
				;
			ns[j] = ni;
		}
		free(set->slots);
		set->slots = ns;
		set->cap = ncap;
	}
	for (i = ptrhash(node) & (set->cap - 1); set->slots[i]; i = (i + 1) & (set->cap - 1))
		if (set->slots[i]->node == node)
			return set->slots[i];
	set->slots[i] = mv_xcalloc(1, sizeof **set->slots);
	set->slots[i]->node = node;
	set->n++;
	return set->slots[i];
}

/* The keywords of schema object s, looked up once and then cached. */
static const struct kw *
keywords(struct mv_schemas *set, const cJSON *s)
{
	struct ninfo *ni = ninfo_get(set, s);
	const cJSON *m;

	if (ni->kw)
		return ni->kw;
	ni->kw = mv_xcalloc(1, sizeof *ni->kw);
	cJSON_ArrayForEach(m, s) {
		for (size_t i = 0; i < sizeof kwtab / sizeof *kwtab; i++) {
			const cJSON **f = (const cJSON **)((char *)ni->kw + kwtab[i].off);
			if (!*f && !strcmp(m->string, kwtab[i].name)) {
				*f = m;
				break;
			}
		}
	}
	return ni->kw;
}

/* ---- URIs (RFC 3986 section 5) --------------------------------------- */

struct uri {
	const char *scheme, *auth, *path, *query, *frag;
	size_t lscheme, lauth, lpath, lquery, lfrag;
	int hauth, hquery, hfrag;
};

static void
uri_parse(const char *s, struct uri *u)
{
	size_t i = 0;

	memset(u, 0, sizeof *u);
	u->scheme = u->auth = u->path = u->query = u->frag = "";
	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
		for (i = 1; s[i] && strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.", s[i]); i++)
			;
		if (s[i] == ':') {
			u->scheme = s;
			u->lscheme = i;
			s += i + 1;
		}
	}
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		u->hauth = 1;
		u->auth = s;
		u->lauth = strcspn(s, "/?#");
		s += u->lauth;
	}
	u->path = s;
	u->lpath = strcspn(s, "?#");
	s += u->lpath;
	if (*s == '?') {
		u->hquery = 1;
		u->query = ++s;
		u->lquery = strcspn(s, "#");
		s += u->lquery;
	}
	if (*s == '#') {
		u->hfrag = 1;
		u->frag = ++s;
		u->lfrag = strlen(s);
	}
}

/* RFC 3986 5.2.4: append path p (n bytes) to out without dot segments. */
static void
remove_dots(struct mv_buf *out, const char *p, size_t n)
{
	size_t base = out->len;
	const char *end = p + n;

	while (p < end) {
		size_t left = (size_t)(end - p);
		if (left >= 3 && !strncmp(p, "../", 3))
			p += 3;
		else if (left >= 2 && !strncmp(p, "./", 2))
			p += 2;
		else if (left >= 3 && !strncmp(p, "/./", 3))
			p += 2;
		else if (left == 2 && !strncmp(p, "/.", 2)) {
			/* "/." becomes "/" and ends the path. */
			mv_buf_adds(out, "/");
			break;
		} else if ((left >= 4 && !strncmp(p, "/../", 4)) ||
		    (left == 3 && !strncmp(p, "/..", 3))) {
			int last = left == 3;
			p += 3;
			while (out->len > base && out->buf[out->len - 1] != '/')
				out->len--;
			if (out->len > base)
				out->len--;
			if (last) {
				mv_buf_adds(out, "/");
				break;
			}
		} else if ((left == 1 && *p == '.') || (left == 2 && !strncmp(p, "..", 2))) {
			break;
		} else {
			const char *q = p + (*p == '/');
			while (q < end && *q != '/')
				q++;
			mv_buf_add(out, p, (size_t)(q - p));
			p = q;
		}
	}
	if (out->buf)
		out->buf[out->len] = '\0';
}

/* Resolve reference ref against base (may be NULL). Returns malloc'd. */
static char *
uri_resolve(const char *base, const char *ref)
{
	struct uri b, r;
	struct mv_buf t = {0};
	const char *q;
	size_t lq;
	int hq;

	uri_parse(ref, &r);
	if (!base || r.lscheme) {
		b = r;
	} else {
		uri_parse(base, &b);
	}
	mv_buf_adds(&t, "");
	if (b.lscheme) {
		mv_buf_add(&t, b.scheme, b.lscheme);
		mv_buf_adds(&t, ":");
	}
	if (r.lscheme || r.hauth) {
		if (r.hauth) {
			mv_buf_adds(&t, "//");
			mv_buf_add(&t, r.auth, r.lauth);
		}
		remove_dots(&t, r.path, r.lpath);
		q = r.query, lq = r.lquery, hq = r.hquery;
	} else {
		if (b.hauth) {
			mv_buf_adds(&t, "//");
			mv_buf_add(&t, b.auth, b.lauth);
		}
		if (r.lpath == 0) {
			mv_buf_add(&t, b.path, b.lpath);
			if (r.hquery)
				q = r.query, lq = r.lquery, hq = 1;
			else
				q = b.query, lq = b.lquery, hq = b.hquery;
		} else {
			if (r.path[0] == '/') {
				remove_dots(&t, r.path, r.lpath);
			} else {
				struct mv_buf m = {0};
				if (b.hauth && b.lpath == 0) {
					mv_buf_adds(&m, "/");
				} else {
					size_t k = b.lpath;
					while (k > 0 && b.path[k - 1] != '/')
						k--;
					mv_buf_add(&m, b.path, k);
				}
				mv_buf_add(&m, r.path, r.lpath);
				remove_dots(&t, m.buf, m.len);
				mv_buf_free(&m);
			}
			q = r.query, lq = r.lquery, hq = r.hquery;
		}
	}
	if (hq) {
		mv_buf_adds(&t, "?");
		mv_buf_add(&t, q, lq);
	}
	if (r.hfrag && r.lfrag) {   /* an empty fragment is dropped */
		mv_buf_adds(&t, "#");
		mv_buf_add(&t, r.frag, r.lfrag);
	}
	return t.buf;
}

/* ---- the registry ---------------------------------------------------- */

static const cJSON *
reg_find(const struct mv_schemas *set, const char *uri, size_t n)
{
	for (size_t i = 0; i < set->nregs; i++)
		if (strlen(set->regs[i].uri) == n && !memcmp(set->regs[i].uri, uri, n))
			return set->regs[i].node;
	return NULL;
}

/* Register uri (copied) for node. Returns 0, or -1 if already taken. */
static int
reg_add(struct mv_schemas *set, const char *uri, const cJSON *node)
{
	if (reg_find(set, uri, strlen(uri)))
		return -1;
	if (set->nregs == set->capregs) {
		set->capregs = set->capregs ? set->capregs * 2 : 32;
		set->regs = mv_xrealloc(set->regs, set->capregs * sizeof *set->regs);
	}
	set->regs[set->nregs].uri = mv_xstrdup(uri);
	set->regs[set->nregs].node = node;
	set->nregs++;
	return 0;
}

static int
is_schema_map(const char *k)
{
	return !strcmp(k, "properties") || !strcmp(k, "patternProperties") ||
	    !strcmp(k, "definitions") || !strcmp(k, "dependencies");
}

static int
is_data(const char *k)
{
	return !strcmp(k, "enum") || !strcmp(k, "const") ||
	    !strcmp(k, "default") || !strcmp(k, "examples");
}

static void walk(struct mv_schemas *set, const cJSON *s, const char *base, const char *where);

/* Walk a value found under a keyword we do not treat as data. */
static void
walk_any(struct mv_schemas *set, const cJSON *v, const char *base,
    const char *where)
{
	const cJSON *e;

	if (cJSON_IsObject(v))
		walk(set, v, base, where);
	else if (cJSON_IsArray(v))
		cJSON_ArrayForEach(e, v)
			walk_any(set, e, base, where);
}

/*
 * Walk schema s lexically with base URI base: register every "$id",
 * record the absolute URI of every "$ref" and compile every pattern, so
 * that validation never does string work on URIs or regexes again. A
 * "$ref" makes its siblings, "$id" included, inert (draft-07), but its
 * siblings are still walked because a pointer may lead into them.
 */
static void
walk(struct mv_schemas *set, const cJSON *s, const char *base,
    const char *where)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "$id");
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(s, "$ref");
	const cJSON *m, *e;
	char *nbase = NULL;

	if (cJSON_IsString(ref)) {
		struct ninfo *ni = ninfo_get(set, s);
		if (!ni->ref)
			ni->ref = uri_resolve(base, ref->valuestring);
	} else if (cJSON_IsString(id)) {
		nbase = uri_resolve(base, id->valuestring);
		reg_add(set, nbase, s);   /* the first schema with an id wins */
		char *h = strchr(nbase, '#');
		if (h)  /* a plain-name fragment does not change the base */
			*h = '\0';
		base = nbase;
	}
	cJSON_ArrayForEach(m, s) {
		if (is_data(m->string))
			continue;
		if (!strcmp(m->string, "pattern") && cJSON_IsString(m)) {
			struct ninfo *ni = ninfo_get(set, m);
			if (!mv_regex_compile(&ni->rx, m->valuestring)) {
				mv_warnx("%s: %s", where, ni->rx.why);
				set->badpatterns++;
			}
		} else if (is_schema_map(m->string) && cJSON_IsObject(m)) {
			cJSON_ArrayForEach(e, m) {
				if (!strcmp(m->string, "patternProperties")) {
					struct ninfo *ni = ninfo_get(set, e);
					if (!mv_regex_compile(&ni->rx, e->string)) {
						mv_warnx("%s: %s", where, ni->rx.why);
						set->badpatterns++;
					}
				}
				if (cJSON_IsObject(e))
					walk(set, e, base, where);
			}
		} else {
			walk_any(set, m, base, where);
		}
	}
	free(nbase);
}

/* ---- sets of schemas ------------------------------------------------- */

struct mv_schemas *
mv_schemas_new(void)
{
	return mv_xcalloc(1, sizeof(struct mv_schemas));
}

void
mv_schemas_set_loader(struct mv_schemas *set, mv_schema_loader_fn fn, void *ctx)
{
	set->loader = fn;
	set->loaderctx = ctx;
}

int
mv_schemas_add(struct mv_schemas *set, const char *name, cJSON *schema)
{
	char *uri = uri_resolve(MV_SCHEMA_BASE, name);
	int bad = set->badpatterns;
	char *h = strchr(uri, '#');

	if (h)
		*h = '\0';
	if (reg_find(set, uri, strlen(uri))) {
		mv_warnx("unable to add schema %s: name already taken", name);
		free(uri);
		cJSON_Delete(schema);
		return -1;
	}
	if (set->ndocs == set->capdocs) {
		set->capdocs = set->capdocs ? set->capdocs * 2 : 32;
		set->docs = mv_xrealloc(set->docs, set->capdocs * sizeof *set->docs);
	}
	set->docs[set->ndocs++] = schema;
	reg_add(set, uri, schema);
	if (cJSON_IsObject(schema))
		walk(set, schema, uri, name);
	free(uri);
	return set->badpatterns > bad ? -1 : 0;
}

void
mv_schemas_free(struct mv_schemas *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++) {
		struct ninfo *ni = set->slots[i];
		if (!ni)
			continue;
		mv_regex_free(&ni->rx);
		free(ni->ref);
		free(ni->kw);
		free(ni);
	}
	free(set->slots);
	for (size_t i = 0; i < set->nregs; i++)
		free(set->regs[i].uri);
	free(set->regs);
	for (size_t i = 0; i < set->ndocs; i++)
		cJSON_Delete(set->docs[i]);
	free(set->docs);
	free(set);
}

const char *
mv_schemas_dir(void)
{
	static char tree[PATH_MAX];
	const char *e = getenv("MV_SCHEMAS");
	char exe[PATH_MAX], *slash;
	ssize_t n;
	struct stat st;

	if (e && *e)
		return e;
	if (stat(MV_SCHEMADIR, &st) == 0)
		return MV_SCHEMADIR;
	/* Not installed: a tool run from the build tree (build/bin/mvctl)
	 * finds the schemas of the checkout it was built from. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3 && (slash = strrchr(exe, '/')); up++)
			*slash = '\0';
		if (strlen(exe) + 32 < sizeof tree &&
		    snprintf(tree, sizeof tree, "%.*s/schemas/MovieProfile.json",
		    (int)(sizeof tree - 32), exe) > 0 && stat(tree, &st) == 0) {
			*strrchr(tree, '/') = '\0';
			return tree;
		}
	}
	return MV_SCHEMADIR;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add every *.json under dir/rel (rel "" or "events/"). 0 or -1. */
static int
load_dir(struct mv_schemas *set, const char *dir, const char *rel, int depth)
{
	char *path = *rel ? mv_xasprintf("%s/%s", dir, rel) : mv_xstrdup(dir);
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		mv_warn("open schema directory %s", path);
		free(path);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = mv_xrealloc(names, cap * sizeof *names);
		}
		names[n++] = mv_xstrdup(de->d_name);
	}
	closedir(d);
	/* Sorted, so that messages and first-id-wins do not depend on readdir. */
	if (n)
		qsort(names, n, sizeof *names, namecmp);
	for (size_t i = 0; i < n; i++) {
		char *relname = mv_xasprintf("%s%s", rel, names[i]);
		char *file = mv_xasprintf("%s/%s", dir, relname);
		size_t l = strlen(names[i]);
		struct stat st;

		if (stat(file, &st) == 0 && S_ISDIR(st.st_mode) && depth < 4) {
			char *sub = mv_xasprintf("%s/", relname);
			if (load_dir(set, dir, sub, depth + 1) < 0)
				rc = -1;
			free(sub);
		} else if (l > 5 && !strcmp(names[i] + l - 5, ".json")) {
			const char *why;
			cJSON *s = mv_json_load(file, MAX_SCHEMA, &why);
			if (!s) {
				mv_warnx("unable to load schema %s: %s", file, why);
				rc = -1;
			} else if (mv_schemas_add(set, relname, s) < 0) {
				rc = -1;
			}
		}
		free(file);
		free(relname);
		free(names[i]);
	}
	free(names);
	free(path);
	return rc;
}

struct mv_schemas *
mv_schemas_load(const char *dir)
{
	struct mv_schemas *set = mv_schemas_new();

	if (load_dir(set, dir, "", 0) < 0) {
		mv_schemas_free(set);
		return NULL;
	}
	return set;
}

const char *
mv_schema_for_path(const char *rel)
{
	size_t n = strlen(rel);

	if (n < 6 || strcmp(rel + n - 5, ".json"))
		return NULL;
	if (!strncmp(rel, "Movies/", 7) && !strchr(rel + 7, '/'))
		return "MovieProfile.json";
	if (!strncmp(rel, "People/", 7) && !strchr(rel + 7, '/'))
		return "PeopleProfile.json";
	if (!strcmp(rel, "index/movies.json"))
		return "MovieIndexList.json";
	if (!strcmp(rel, "index/people.json"))
		return "PeopleIndexList.json";
	if (!strncmp(rel, "index/", 6) && mv_index_shard(rel + 6, 'm') >= 0)
		return "MovieIndex.json";
	if (!strncmp(rel, "index/", 6) && mv_index_shard(rel + 6, 'p') >= 0)
		return "PeopleIndex.json";
	if (!strcmp(rel, "index/collections.json"))
		return "CollectionIndex.json";
	return NULL;
}

/* ---- $ref resolution ------------------------------------------------- */

/* Follow JSON pointer p (already percent-decoded) from node. */
static const cJSON *
pointer_get(const cJSON *node, const char *p)
{
	char *seg = mv_xstrdup(p);
	char *s = seg;

	while (node && *s == '/') {
		char *e = strchr(s + 1, '/'), *w, *r;
		if (e)
			*e = '\0';
		for (w = r = s + 1; *r; r++) {
			if (r[0] == '~' && r[1] == '1')
				*w++ = '/', r++;
			else if (r[0] == '~' && r[1] == '0')
				*w++ = '~', r++;
			else
				*w++ = *r;
		}
		*w = '\0';
		if (cJSON_IsArray(node)) {
			char *end;
			long i = strtol(s + 1, &end, 10);
			node = *end || end == s + 1 || i < 0 ? NULL : cJSON_GetArrayItem(node, (int)i);
		} else if (cJSON_IsObject(node)) {
			node = cJSON_GetObjectItemCaseSensitive(node, s + 1);
		} else {
			node = NULL;
		}
		if (!e)
			break;
		*e = '/';
		s = e;
	}
	free(seg);
	return node;
}

/* Find the schema for absolute URI uri, loading its document if needed. */
static const cJSON *
resolve_uri(struct mv_schemas *set, const char *uri)
{
	const char *h = strchr(uri, '#');
	size_t dl = h ? (size_t)(h - uri) : strlen(uri);
	const cJSON *doc, *t;
	char *frag, *w;

	if (h && h[1] && h[1] != '/')   /* plain-name fragment, from an $id */
		return reg_find(set, uri, strlen(uri));
	doc = reg_find(set, uri, dl);
	if (!doc && set->loader) {
		char *d = mv_xstrndup(uri, dl);
		cJSON *s = set->loader(set->loaderctx, d);
		if (s)
			mv_schemas_add(set, d, s);
		free(d);
		doc = reg_find(set, uri, dl);
	}
	if (!doc || !h)
		return doc;
	frag = mv_xstrdup(h + 1);
	for (w = frag, h = frag; *h; h++) {
		if (h[0] == '%' && mv_ascii_hexval(h[1]) >= 0 &&
		    mv_ascii_hexval(h[2]) >= 0) {
			*w++ = (char)(mv_ascii_hexval(h[1]) * 16 + mv_ascii_hexval(h[2]));
			h += 2;
		} else {
			*w++ = *h;
		}
	}
	*w = '\0';
	t = pointer_get(doc, frag);
	free(frag);
	return t;
}

/* ---- validation ------------------------------------------------------ */

struct vctx {
	struct mv_schemas *set;
	mv_schema_err_fn fn;
	void *ctx;
	struct mv_buf path;     /* JSON pointer of the current value */
	int silent;             /* inside anyOf/oneOf/not/if/contains: stop at 1 */
	int depth;
};

static int validate(struct vctx *v, const cJSON *s, const cJSON *x);

/* Report one error unless silent. Returns 1 (the error count). */
__attribute__((format(printf, 3, 4)))
static int
fail(struct vctx *v, const char *kw, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (v->silent || !v->fn)
		return 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->fn(v->ctx, v->path.len ? v->path.buf : "", kw, msg);
	return 1;
}

/* Push a JSON pointer segment; returns the length to pop back to. */
static size_t
push_key(struct vctx *v, const char *k)
{
	size_t old = v->path.len;

	if (v->silent || !v->fn)
		return old;
	mv_buf_adds(&v->path, "/");
	for (; *k; k++) {
		if (*k == '~')
			mv_buf_adds(&v->path, "~0");
		else if (*k == '/')
			mv_buf_adds(&v->path, "~1");
		else
			mv_buf_add(&v->path, k, 1);
	}
	return old;
}

static size_t
push_index(struct vctx *v, int i)
{
	size_t old = v->path.len;

	if (!v->silent && v->fn)
		mv_buf_printf(&v->path, "/%d", i);
	return old;
}

static void
pop(struct vctx *v, size_t old)
{
	v->path.len = old;
	if (v->path.buf)
		v->path.buf[old] = '\0';
}

/* Validate silently: 1 if x is valid against s. */
static int
valid(struct vctx *v, const cJSON *s, const cJSON *x)
{
	int save = v->silent, n;

	v->silent = 1;
	n = validate(v, s, x);
	v->silent = save;
	return n == 0;
}

/* Deep equality of JSON values; numbers by value (1 equals 1.0). */
static int
json_eq(const cJSON *a, const cJSON *b)
{
	const cJSON *e;
	int na = 0, nb = 0;

	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble;
	if (cJSON_IsString(a))
		return !strcmp(a->valuestring, b->valuestring);
	if (cJSON_IsArray(a)) {
		const cJSON *f = b->child;
		for (e = a->child; e && f; e = e->next, f = f->next)
			if (!json_eq(e, f))
				return 0;
		return !e && !f;
	}
	if (cJSON_IsObject(a)) {
		cJSON_ArrayForEach(e, a) {
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(b, e->string);
			na++;
			if (!f || !json_eq(e, f))
				return 0;
		}
		cJSON_ArrayForEach(e, b)
			nb++;
		return na == nb;
	}
	return 1;   /* true, false, null */
}

static const char *
type_name(const cJSON *x)
{
	if (cJSON_IsObject(x)) return "object";
	if (cJSON_IsArray(x)) return "array";
	if (cJSON_IsString(x)) return "string";
	if (cJSON_IsNumber(x)) return "number";
	if (cJSON_IsBool(x)) return "boolean";
	if (cJSON_IsNull(x)) return "null";
	return "invalid";
}

static int
is_integer(const cJSON *x)
{
	return cJSON_IsNumber(x) && isfinite(x->valuedouble) &&
	    floor(x->valuedouble) == x->valuedouble;
}

static int
type_is(const cJSON *x, const char *t)
{
	if (!strcmp(t, "integer"))
		return is_integer(x);
	return !strcmp(t, type_name(x));
}

/* Shortest "%g" text of a number that reads back the same. */
static const char *
num(double d, char *buf)
{
	for (int p = 6; p <= 17; p++) {
		snprintf(buf, 32, "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return buf;
}

static size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* ---- formats --------------------------------------------------------- */

static int
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* RFC 3339 full-date at s: "YYYY-MM-DD" with a real day. Returns 10 or 0. */
static int
full_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return 0;
	y = num2(s) * 100 + num2(s + 2);
	m = num2(s + 5);
	d = num2(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 10;
}

/* RFC 3339 full-time: hh:mm:ss[.frac](Z|+hh:mm|-hh:mm). Leap second 60 ok. */
static int
full_time(const char *s)
{
	if (!digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || s[5] != ':' ||
	    !digits(s + 6, 2))
		return 0;
	if (num2(s) > 23 || num2(s + 3) > 59 || num2(s + 6) > 60)
		return 0;
	s += 8;
	if (*s == '.') {
		if (!digits(++s, 1))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && !s[1])
		return 1;
	if ((*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' &&
	    digits(s + 4, 2) && !s[6])
		return num2(s + 1) <= 23 && num2(s + 4) <= 59;
	return 0;
}

static int
is_date_time(const char *s)
{
	return full_date(s) && (s[10] == 'T' || s[10] == 't') && full_time(s + 11);
}

static int
uri_char(const char *p)
{
	if (*p == '%')
		return mv_ascii_hexval(p[1]) >= 0 && mv_ascii_hexval(p[2]) >= 0;
	return *p && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-._~!$&'()*+,;=:@/?", *p) != NULL;
}

/*
 * RFC 3986 URI (absolute, with a scheme): characters from the URI set,
 * "%" followed by two hex digits, an authority whose port is numeric, and
 * brackets only around an IP literal host.
 */
static int
is_uri(const char *s)
{
	struct uri u;
	const char *p;

	uri_parse(s, &u);
	if (!u.lscheme)
		return 0;
	if (u.hauth) {
		const char *a = u.auth, *end = u.auth + u.lauth, *at, *host;
		for (at = NULL, p = a; p < end; p++)
			if (*p == '@')
				at = p;
		host = at ? at + 1 : a;
		for (p = a; p < host; p += *p == '%' ? 3 : 1)
			if (*p == '/' || *p == '?' || !uri_char(p))
				return 0;
		if (*host == '[') {
			for (p = host + 1; p < end && *p != ']'; p++)
				if (!strchr("0123456789abcdefABCDEF:.vV", *p))
					return 0;
			if (p >= end)
				return 0;
			p++;
		} else {
			for (p = host; p < end && *p != ':'; p += *p == '%' ? 3 : 1)
				if (*p == '@' || !uri_char(p))
					return 0;
		}
		if (p < end && *p++ != ':')
			return 0;
		for (; p < end; p++)
			if (*p < '0' || *p > '9')
				return 0;
	}
	/* Path, query and fragment; one "#" starts the fragment. */
	for (p = u.path; *p; p += *p == '%' ? 3 : 1)
		if (*p == '#' ? p != u.frag - 1 : !uri_char(p))
			return 0;
	return 1;
}

int
mv_format_ok(const char *f, const char *s)
{
	if (!strcmp(f, "date-time"))
		return is_date_time(s);
	if (!strcmp(f, "date"))
		return full_date(s) && !s[10];
	if (!strcmp(f, "uri"))
		return is_uri(s);
	if (!strcmp(f, "regex"))
		return mv_regex_ok(s);
	return 1;
}

/* ---- keywords -------------------------------------------------------- */

static int
v_type(struct vctx *v, const cJSON *t, const cJSON *x)
{
	const cJSON *e;

	if (cJSON_IsString(t)) {
		if (type_is(x, t->valuestring))
			return 0;
		return fail(v, "type", "expected %s, got %s", t->valuestring, type_name(x));
	}
	cJSON_ArrayForEach(e, t)
		if (cJSON_IsString(e) && type_is(x, e->valuestring))
			return 0;
	{
		char *list = cJSON_PrintUnformatted(t);
		int n = fail(v, "type", "expected one of %s, got %s", list ? list : "?",
		    type_name(x));
		free(list);
		return n;
	}
}

/* Check object x against dep, the dependencies entry of its member
 * name: a list of members it requires, or a schema for x.
 * Returns the number of failures (stops at the first when silent). */
static int
v_dependency(struct vctx *v, const cJSON *dep, const cJSON *x, const char *name)
{
	const cJSON *e;
	int n = 0;

	if (!cJSON_IsArray(dep))
		return validate(v, dep, x);
	cJSON_ArrayForEach(e, dep) {
		if (cJSON_IsString(e) &&
		    !cJSON_GetObjectItemCaseSensitive(x, e->valuestring)) {
			n += fail(v, "dependencies",
			    "member \"%s\" requires member \"%s\"",
			    name, e->valuestring);
			if (v->silent)
				return n;
		}
	}
	return n;
}

/* Returns whether the member name, as a string, is valid against the
 * propertyNames schema k. */
static int
name_valid(struct vctx *v, const cJSON *k, const char *name)
{
	cJSON s = {0};

	s.type = cJSON_String;
	s.valuestring = (char *)name;
	return valid(v, k, &s);
}

static int
v_object(struct vctx *v, const struct kw *K, const cJSON *x)
{
	const cJSON *props = K->properties;
	const cJSON *pats = K->patternProperties;
	const cJSON *add = K->additionalProperties;
	const cJSON *k, *m, *e;
	int n = 0, count = 0;
	char b1[32], b2[32];

	if ((k = K->required) && cJSON_IsArray(k)) {
		cJSON_ArrayForEach(e, k) {
			if (cJSON_IsString(e) &&
			    !cJSON_GetObjectItemCaseSensitive(x, e->valuestring)) {
				n += fail(v, "required", "missing member \"%s\"", e->valuestring);
				if (v->silent)
					return n;
			}
		}
	}
	cJSON_ArrayForEach(m, x) {
		int matched = 0;
		size_t old;

		count++;
		if (props && (e = cJSON_GetObjectItemCaseSensitive(props, m->string))) {
			matched = 1;
			old = push_key(v, m->string);
			n += validate(v, e, m);
			pop(v, old);
			if (n && v->silent)
				return n;
		}
		if (cJSON_IsObject(pats)) {
			cJSON_ArrayForEach(e, pats) {
				struct ninfo *ni = ninfo_get(v->set, e);
				if (!mv_regex_compile(&ni->rx, e->string)) {
					n += fail(v, "patternProperties", "%s", ni->rx.why);
					if (v->silent)
						return n;
					continue;
				}
				if (!mv_regex_match(&ni->rx, m->string))
					continue;
				matched = 1;
				old = push_key(v, m->string);
				n += validate(v, e, m);
				pop(v, old);
				if (n && v->silent)
					return n;
			}
		}
		if (!matched && add) {
			if (cJSON_IsFalse(add)) {
				n += fail(v, "additionalProperties",
				    "member \"%s\" is not allowed", m->string);
			} else {
				old = push_key(v, m->string);
				n += validate(v, add, m);
				pop(v, old);
			}
			if (n && v->silent)
				return n;
		}
		if ((k = K->propertyNames) && !name_valid(v, k, m->string)) {
			n += fail(v, "propertyNames", "member name \"%s\" is not allowed",
			    m->string);
			if (v->silent)
				return n;
		}
		if ((k = K->dependencies) &&
		    (k = cJSON_GetObjectItemCaseSensitive(k, m->string))) {
			n += v_dependency(v, k, x, m->string);
			if (n && v->silent)
				return n;
		}
	}
	if ((k = K->minProperties) &&
	    cJSON_IsNumber(k) && count < k->valuedouble)
		n += fail(v, "minProperties", "has %d members, fewer than %s", count,
		    num(k->valuedouble, b1));
	if ((k = K->maxProperties) &&
	    cJSON_IsNumber(k) && count > k->valuedouble)
		n += fail(v, "maxProperties", "has %d members, more than %s", count,
		    num(k->valuedouble, b2));
	return n;
}

static int
v_array(struct vctx *v, const struct kw *K, const cJSON *x)
{
	const cJSON *items = K->items;
	const cJSON *k, *e, *f;
	int n = 0, count = cJSON_GetArraySize(x), i;
	char b1[32];

	if (items && !cJSON_IsArray(items)) {
		i = 0;
		cJSON_ArrayForEach(e, x) {
			size_t old = push_index(v, i++);
			n += validate(v, items, e);
			pop(v, old);
			if (n && v->silent)
				return n;
		}
	} else if (items) {
		const cJSON *add = K->additionalItems;
		f = items->child;
		i = 0;
		cJSON_ArrayForEach(e, x) {
			const cJSON *sub = f ? f : add;
			if (f)
				f = f->next;
			if (sub) {
				if (cJSON_IsFalse(sub) && sub == add) {
					n += fail(v, "additionalItems",
					    "has %d items, at most %d allowed", count,
					    cJSON_GetArraySize(items));
					break;
				}
				size_t old = push_index(v, i);
				n += validate(v, sub, e);
				pop(v, old);
				if (n && v->silent)
					return n;
			}
			i++;
		}
	}
	if ((k = K->minItems) && cJSON_IsNumber(k) &&
	    count < k->valuedouble)
		n += fail(v, "minItems", "has %d items, fewer than %s", count,
		    num(k->valuedouble, b1));
	if ((k = K->maxItems) && cJSON_IsNumber(k) &&
	    count > k->valuedouble)
		n += fail(v, "maxItems", "has %d items, more than %s", count,
		    num(k->valuedouble, b1));
	if ((k = K->uniqueItems) && cJSON_IsTrue(k)) {
		int a = 0, dup = 0;
		for (e = x->child; e && !dup; e = e->next, a++) {
			int b = a + 1;
			for (f = e->next; f; f = f->next, b++) {
				if (json_eq(e, f)) {
					n += fail(v, "uniqueItems", "items %d and %d are equal", a, b);
					dup = 1;
					break;
				}
			}
		}
	}
	if ((k = K->contains)) {
		int found = 0;
		cJSON_ArrayForEach(e, x)
			if ((found = valid(v, k, e)))
				break;
		if (!found)
			n += fail(v, "contains", "no item matches");
	}
	return n;
}

static int
v_string(struct vctx *v, const struct kw *K, const cJSON *x)
{
	const cJSON *k;
	int n = 0;
	char b1[32];
	size_t len = (size_t)-1;

	if ((k = K->minLength) && cJSON_IsNumber(k) &&
	    (double)(len = utf8_len(x->valuestring)) < k->valuedouble)
		n += fail(v, "minLength", "is %zu characters long, shorter than %s", len,
		    num(k->valuedouble, b1));
	if ((k = K->maxLength) && cJSON_IsNumber(k)) {
		if (len == (size_t)-1)
			len = utf8_len(x->valuestring);
		if ((double)len > k->valuedouble)
			n += fail(v, "maxLength", "is %zu characters long, longer than %s",
			    len, num(k->valuedouble, b1));
	}
	if ((k = K->pattern) && cJSON_IsString(k)) {
		struct ninfo *ni = ninfo_get(v->set, k);
		if (!mv_regex_compile(&ni->rx, k->valuestring))
			n += fail(v, "pattern", "%s", ni->rx.why);
		else if (!mv_regex_match(&ni->rx, x->valuestring))
			n += fail(v, "pattern", "does not match %s", k->valuestring);
	}
	if ((k = K->format) && cJSON_IsString(k) &&
	    !mv_format_ok(k->valuestring, x->valuestring))
		n += fail(v, "format", "is not a valid %s", k->valuestring);
	return n;
}

static int
v_number(struct vctx *v, const struct kw *K, const cJSON *x)
{
	const cJSON *k;
	double d = x->valuedouble;
	int n = 0;
	char b1[32], b2[32];

	if ((k = K->minimum) && cJSON_IsNumber(k) &&
	    d < k->valuedouble)
		n += fail(v, "minimum", "%s is less than %s", num(d, b1),
		    num(k->valuedouble, b2));
	if ((k = K->maximum) && cJSON_IsNumber(k) &&
	    d > k->valuedouble)
		n += fail(v, "maximum", "%s is greater than %s", num(d, b1),
		    num(k->valuedouble, b2));
	if ((k = K->exclusiveMinimum) &&
	    cJSON_IsNumber(k) && d <= k->valuedouble)
		n += fail(v, "exclusiveMinimum", "%s is not greater than %s", num(d, b1),
		    num(k->valuedouble, b2));
	if ((k = K->exclusiveMaximum) &&
	    cJSON_IsNumber(k) && d >= k->valuedouble)
		n += fail(v, "exclusiveMaximum", "%s is not less than %s", num(d, b1),
		    num(k->valuedouble, b2));
	if ((k = K->multipleOf) && cJSON_IsNumber(k) &&
	    k->valuedouble > 0) {
		/* Exact for integers; relative tolerance for decimal fractions
		 * such as 0.0075 / 0.0001 that binary floating point cannot hold. */
		double q = d / k->valuedouble, r = round(q);
		int ok = isfinite(q) && (fmod(d, k->valuedouble) == 0 ||
		    fabs(q - r) <= 1e-9 * fmax(1.0, fabs(q)));
		if (!ok)
			n += fail(v, "multipleOf", "%s is not a multiple of %s", num(d, b1),
			    num(k->valuedouble, b2));
	}
	return n;
}

/* draft-07: a $ref (k) makes every sibling keyword of s inert; x is
 * validated against its target alone. Returns the number of errors. */
static int
v_ref(struct vctx *v, const cJSON *s, const cJSON *k, const cJSON *x)
{
	struct ninfo *ni = ninfo_get(v->set, s);

	if (!ni->ref)
		ni->ref = uri_resolve(MV_SCHEMA_BASE, k->valuestring);
	if (!ni->tstate) {
		ni->target = resolve_uri(v->set, ni->ref);
		ni->tstate = ni->target ? 1 : -1;
	}
	if (ni->tstate < 0)
		return fail(v, "$ref", "unable to resolve %s", ni->ref);
	return validate(v, ni->target, x);
}

/* oneOf k: 1 error unless exactly one alternative matches x. */
static int
v_oneof(struct vctx *v, const cJSON *k, const cJSON *x)
{
	const cJSON *e;
	int first = -1, second = -1, i = 0;

	cJSON_ArrayForEach(e, k) {
		if (valid(v, e, x)) {
			if (first < 0) {
				first = i;
			} else {
				second = i;
				break;
			}
		}
		i++;
	}
	if (first < 0)
		return fail(v, "oneOf", "matches none of the %d alternatives", i);
	if (second >= 0)
		return fail(v, "oneOf", "matches alternatives %d and %d, "
		    "expected exactly one", first, second);
	return 0;
}

/* The applicators that combine subschemas: allOf, anyOf, oneOf, not,
 * if/then/else. Returns the number of errors (silent: stops at one). */
static int
v_logic(struct vctx *v, const struct kw *K, const cJSON *x)
{
	const cJSON *k, *e;
	int n = 0;

#define STOP() do { if (n && v->silent) return n; } while (0)
	if ((k = K->allOf)) {
		cJSON_ArrayForEach(e, k) {
			n += validate(v, e, x);
			STOP();
		}
	}
	if ((k = K->anyOf)) {
		int found = 0, count = 0;
		cJSON_ArrayForEach(e, k) {
			count++;
			if ((found = valid(v, e, x)))
				break;
		}
		if (!found)
			n += fail(v, "anyOf", "matches none of the %d alternatives", count);
		STOP();
	}
	if ((k = K->oneOf)) {
		n += v_oneof(v, k, x);
		STOP();
	}
	if ((k = K->not_) && valid(v, k, x)) {
		n += fail(v, "not", "matches a schema it must not match");
		STOP();
	}
	if ((k = K->if_)) {
		const cJSON *branch = valid(v, k, x) ?
		    K->then :
		    K->else_;
		if (branch)
			n += validate(v, branch, x);
	}
#undef STOP
	return n;
}

/*
 * Validate x against schema s. Returns the number of errors (in silent
 * mode, stops at the first and returns 1).
 */
static int
validate(struct vctx *v, const cJSON *s, const cJSON *x)
{
	const struct kw *K;
	const cJSON *k, *e;
	int n = 0;

	if (cJSON_IsTrue(s))
		return 0;
	if (cJSON_IsFalse(s))
		return fail(v, "false", "no value is allowed here");
	if (!cJSON_IsObject(s))
		return fail(v, "schema", "schema is a %s, not an object or boolean",
		    type_name(s));
	K = keywords(v->set, s);
	if (v->depth >= MAX_DEPTH)
		return fail(v, "$ref", "schema nesting deeper than %d (a $ref loop?)",
		    MAX_DEPTH);
	v->depth++;
	if ((k = K->ref) && cJSON_IsString(k)) {
		n = v_ref(v, s, k, x);
		v->depth--;
		return n;
	}
#define STOP() do { if (n && v->silent) goto out; } while (0)
	if ((k = K->type)) {
		n += v_type(v, k, x);
		STOP();
	}
	if ((k = K->enum_) && cJSON_IsArray(k)) {
		int found = 0;
		cJSON_ArrayForEach(e, k)
			if ((found = json_eq(e, x)))
				break;
		if (!found)
			n += fail(v, "enum", "is not one of the allowed values");
		STOP();
	}
	if ((k = K->const_) && !json_eq(k, x)) {
		n += fail(v, "const", "differs from the constant");
		STOP();
	}
	if (cJSON_IsObject(x))
		n += v_object(v, K, x);
	else if (cJSON_IsArray(x))
		n += v_array(v, K, x);
	else if (cJSON_IsString(x))
		n += v_string(v, K, x);
	else if (cJSON_IsNumber(x))
		n += v_number(v, K, x);
	STOP();
	n += v_logic(v, K, x);
#undef STOP
out:
	v->depth--;
	return n;
}

int
mv_schema_validate(struct mv_schemas *set, const char *name, const cJSON *doc,
    mv_schema_err_fn fn, void *ctx)
{
	struct vctx v = {0};
	char *uri = uri_resolve(MV_SCHEMA_BASE, name);
	const cJSON *s = resolve_uri(set, uri);
	int n;

	free(uri);
	if (!s)
		return -1;
	v.set = set;
	v.fn = fn;
	v.ctx = ctx;
	v.silent = fn == NULL;  /* nobody to tell: the first error decides */
	mv_buf_adds(&v.path, "");
	n = validate(&v, s, doc);
	mv_buf_free(&v.path);
	return n;
}

void
mv_schema_err_print(void *ctx, const char *pointer, const char *keyword,
    const char *message)
{
	mv_warnx("%s: %s: %s: %s", ctx ? (const char *)ctx : "-",
	    *pointer ? pointer : "/", keyword, message);
}
