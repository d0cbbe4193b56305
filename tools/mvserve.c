/* mvserve.c: the HTTP front door: a read-only JSON API over the library and a web page of poster cards. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "mv.h"
#include "mvserve/mvserve.h"

static const char USAGE[] =
    "usage: mvserve [--data DIR] [--listen ADDR:PORT] [--port-file FILE]\n"
    "               [--web DIR] [--verbose]\n"
    "Serve the library over HTTP: a JSON API (/movies, /people,\n"
    "/collections, /images, /health, /metrics) and a web page of poster\n"
    "cards at /. Opening a movie, or playing it in Jellyfin (POST\n"
    "/hooks/jellyfin, with a webhook_token), emits mv.movie.requested into\n"
    "the running pipeline, or on standard output when none runs.\n"
    "  -d, --data DIR          data directory (default $MV_DATA)\n"
    "  -l, --listen ADDR:PORT  address to listen on (127.0.0.1:8080); port 0\n"
    "                          picks a free one; [::1]:PORT for IPv6\n"
    "  -p, --port-file FILE    write the port there, atomically, once ready\n"
    "  -w, --web DIR           the page's files (default $MV_WEB, else the\n"
    "                          installed share/mv/web)\n"
    "  -v, --verbose           log each request on standard error\n"
    "  -h, --help              print this help\n"
    "      --version           print the version\n";

#define PER_PAGE_DEF 20
#define PER_PAGE_MAX 200
#define PAGE_MAX 1000000L

/* The indexes in memory, movies and people, are tools/mvserve/table.c's. */
int verbose;                    /* --verbose: log loads and requests */
static const char *webdir;      /* NULL: no page, only the API */
static time_t started;
static unsigned long counts[6]; /* responses by status class: 1xx..5xx */

/* ---- responses -------------------------------------------------------------- */

/* Queue a response and count it. Takes r. */
enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result ok;

	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	if (status >= 100 && status < 600)
		counts[status / 100]++;
	return ok;
}

/* A response owning the malloc'd buffer s of n bytes. */
struct MHD_Response *
body(char *s, size_t n, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(n, s,
	    MHD_RESPMEM_MUST_FREE);

	if (!r)
		mv_diex(MV_EX_SOFTWARE, "unable to create a response");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

/* Send buf (taken) as JSON with status and a Cache-Control value. */
enum MHD_Result
send_json(struct MHD_Connection *c, unsigned status, struct mv_buf *b,
    const char *cache)
{
	struct MHD_Response *r;

	if (!b->len || b->buf[b->len - 1] != '\n')
		mv_buf_adds(b, "\n");
	r = body(b->buf, b->len, "application/json; charset=utf-8");
	b->buf = NULL;
	b->len = b->cap = 0;
	/* A 405 must say what is allowed (RFC 9110 15.5.6). */
	if (status == 405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	return reply(c, status, r);
}

/* Send doc (consumed) as JSON. */
static enum MHD_Result
send_doc(struct MHD_Connection *c, unsigned status, cJSON *doc, const char *cache)
{
	struct mv_buf b = { 0 };
	char *s = cJSON_PrintUnformatted(doc);

	if (!s)
		mv_diex(MV_EX_SOFTWARE, "unable to allocate memory");
	mv_buf_adds(&b, s);
	free(s);
	cJSON_Delete(doc);
	return send_json(c, status, &b, cache);
}

/* The one error shape: {"error":{"status":N,"message":"..."}}. */
enum MHD_Result
send_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = mv_xvasprintf(fmt, ap);
	va_end(ap);
	cJSON_AddNumberToObject(e, "status", status);
	cJSON_AddStringToObject(e, "message", msg);
	free(msg);
	return send_doc(c, status, doc, "no-store");
}

/* ---- request parameters ------------------------------------------------------ */

static const char *
arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* Parse integer parameter name into *v (def when absent) within 1..max.
 * Returns 0, or -1 for a bad value. */
static int
num_arg(struct MHD_Connection *c, const char *name, long def, long max, long *v)
{
	const char *s = arg(c, name);
	char *end;

	*v = def;
	if (!s)
		return 0;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	return *end || errno || *v < 1 || *v > max ? -1 : 0;
}

/* Read page, perPage, sort and q; on a bad one, send 400 and return -1
 * with *res set. */
int
listing_args(struct MHD_Connection *c, struct mv_listing *l, enum MHD_Result *res)
{
	const char *sort = arg(c, "sort");

	l->q = arg(c, "q");
	if (num_arg(c, "page", 1, PAGE_MAX, &l->page) < 0) {
		*res = send_error(c, 400, "bad page: an integer from 1 to %ld", PAGE_MAX);
		return -1;
	}
	if (num_arg(c, "perPage", PER_PAGE_DEF, PER_PAGE_MAX, &l->per_page) < 0) {
		*res = send_error(c, 400, "bad perPage: an integer from 1 to %d", PER_PAGE_MAX);
		return -1;
	}
	l->sort = !sort || !*sort ? MV_SORT_TITLE : mv_sort_parse(sort);
	if (l->sort < 0) {
		*res = send_error(c, 400, "bad sort: " MV_SORT_HELP);
		return -1;
	}
	return 0;
}

/*
 * The language of a request: ?lang=, else the browser's Accept-Language,
 * else the language setting. Into buf; returns it.
 */
const char *
req_lang(struct MHD_Connection *c, char buf[8])
{
	if (mv_lang_norm(arg(c, "lang"), buf) || mv_lang_accept(MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE), buf))
		return buf;
	return strcpy(buf, mv_language());
}

/* ---- handlers ----------------------------------------------------------------- */

/* mv_list_write's item writer: an entry as the index holds it, its card
 * members, and the credit. */
void
put_entry(struct mv_buf *b, size_t i, void *ctx)
{
	struct page *pg = ctx;
	size_t ent = pg->ent[i];
	cJSON *item = table_item(pg->t, ent), *cr;
	const cJSON *x, *link;
	struct mv_buf e = { 0 };
	char *s, *cs;

	if (!item) {
		pg->gone = 1;
		mv_buf_adds(b, "null");
		return;
	}
	cr = cJSON_CreateObject();
	/* The title in the request's language: the index item has them all. */
	if (pg->t->kind == 'm')
		cJSON_AddStringToObject(cr, "displayTitle", mv_movie_title_for(
		    item, pg->lang, MV_TITLE_LOCAL));
	if ((link = pg->links ? pg->links[i] : NULL))
		cJSON_AddStringToObject(cr, "role", mv_json_str(link, "role", ""));
	if ((x = cJSON_GetObjectItemCaseSensitive(link, "character")))
		cJSON_AddItemToObject(cr, "character", cJSON_Duplicate(x, 1));
	if ((x = cJSON_GetObjectItemCaseSensitive(link, "job")))
		cJSON_AddItemToObject(cr, "job", cJSON_Duplicate(x, 1));
	s = cJSON_PrintUnformatted(item);
	cs = cJSON_PrintUnformatted(cr);
	if (!s || !cs)
		mv_diex(MV_EX_SOFTWARE, "unable to allocate memory");
	json_join(&e, s, strlen(s), entry_extras(pg->t, ent));
	json_join(b, e.buf, e.len, cs);
	mv_buf_free(&e);
	free(s);
	free(cs);
	cJSON_Delete(cr);
	cJSON_Delete(item);
}

/* GET /movies, GET /people: a PaginatedResponse over the whole index. */
static enum MHD_Result
list(struct MHD_Connection *c, struct table *t, const char *base)
{
	struct mv_listing l;
	struct mv_buf b = { 0 };
	struct page pg = { t, NULL, NULL, NULL, 0 };
	enum MHD_Result res;
	size_t *hits = NULL, total;
	char lang[8];

	if (listing_args(c, &l, &res) < 0)
		return res;
	for (int tries = 0;; tries++) {
		if (table_fresh(t) < 0)
			return send_error(c, 500, "unable to read %s", t->rel);
		pg.ent = table_order(t, l.sort);
		pg.lang = t->kind == 'm' ? req_lang(c, lang) : NULL;
		pg.gone = 0;
		total = t->n;
		if (l.q && *l.q) {
			/* Matched in the entries' own order, the order their
			 * folds lie in memory, then picked in the sort's. */
			unsigned char *hit = mv_xmalloc(t->n + 1);
			size_t k = 0;

			total = mv_list_match(t->fold, table_sigs(t), t->n, l.q, hit);
			/* Every entry (a q of punctuation, or one every name
			 * holds): the order as it is, not a copy of it. */
			if (total < t->n) {
				hits = mv_xmalloc((total + 1) * sizeof *hits);
				for (size_t i = 0; i < t->n && k < total; i++)
					if (hit[pg.ent[i]])
						hits[k++] = pg.ent[i];
				pg.ent = hits;
			}
			free(hit);
		}
		mv_list_write(&b, &l, total, base, put_entry, &pg);
		/* An entry's text gone under the page (a people shard rewritten,
		 * its list not yet): reload and write it again, once. */
		if (!pg.gone || tries == 1)
			break;
		free(hits);
		hits = NULL;
		mv_buf_free(&b);
	}
	free(hits);
	if (pg.gone) {
		mv_buf_free(&b);
		return send_error(c, 500, "unable to read %s: it changed while read", t->rel);
	}
	return send_json(c, 200, &b, "no-cache");
}

/*
 * Send mv.movie.requested {id, level?, reason} into the running pipeline through
 * run/inject.fifo (mv_publish), or print it on standard output when
 * nobody reads the FIFO (ENXIO), so `mvserve | mvenrich | mvstat |
 * mvindex` works too. Never blocks: a full FIFO drops the event with a
 * warning (a request is only a hint).
 */
void
request_event(const char *id, const char *level)
{
	cJSON *d = cJSON_CreateObject(), *evs = cJSON_CreateArray();
	char *line;
	size_t n;

	cJSON_AddStringToObject(d, "id", id);
	if (level)
		cJSON_AddStringToObject(d, "level", level);
	/* A page opened in a browser: a read, it resets the movie's clock. */
	cJSON_AddStringToObject(d, "reason", "user");
	cJSON_AddItemToArray(evs, mv_event_new("mv.movie.requested", id, d));
	line = mv_json_compact(evs->child);
	if (mv_publish(evs, MV_PUBLISH_NONBLOCK | MV_PUBLISH_NOINDEX) == MV_EX_UNAVAILABLE) {
		n = strlen(line);
		line = mv_xrealloc(line, n + 2);
		line[n++] = '\n';
		line[n] = '\0';
		if (mv_write_all(1, line, n) < 0)
			mv_warn("write mv.movie.requested for %s on standard output", id);
	}
	free(line);
}

/* GET /movies/{id}, GET /people/{id} for a resolved id: the profile as
 * stored (a movie as version 2). lv is the level asked for (NULL: the
 * next). */
static enum MHD_Result
profile_of(struct MHD_Connection *c, char kind, const char *id, const char *lv,
    int head)
{
	char *path, *text;
	size_t len;
	cJSON *doc;

	path = mv_path("%s/%s.json", kind == 'm' ? "Movies" : "People", id);
	if (mv_slurp(path, MV_PROFILE_MAX, &text, &len) < 0) {
		int e = errno;

		free(path);
		if (e == ENOENT)
			return send_error(c, 404, "no %s %s", kind == 'm' ? "movie" : "person", id);
		return send_error(c, 500, "unable to read %s: %s", id, strerror(e));
	}
	free(path);
	/* Serve the bytes as stored, once we know they are a document. */
	if (!(doc = cJSON_ParseWithLength(text, len)) || !cJSON_IsObject(doc) ||
	    strcmp(mv_json_str(doc, "id", ""), id) != 0) {
		cJSON_Delete(doc);
		free(text);
		return send_error(c, 500, "unable to read %s: not a valid profile", id);
	}
	/* A movie not migrated yet is served as the version 2 it reads as,
	 * so the page knows one shape. */
	if (kind == 'm' && mv_movie_upgrade(doc) == 1) {
		free(text);
		text = mv_json_compact(doc);
		len = strlen(text);
	}
	cJSON_Delete(doc);
	if (kind == 'm' && !head)
		request_event(id, lv);
	{
		struct mv_buf b = { text, len, len + 1 };

		return send_json(c, 200, &b, "no-store");
	}
}

/* Read tok as an id of kind (lib/resolve.c) into *id (malloc'd).
 * Returns 0, or -1 with the 400/404 reply queued in *res. */
static int
resolve(struct MHD_Connection *c, const char *tok, char kind, char **id,
    enum MHD_Result *res)
{
	const char *why;
	int code;

	if ((code = mv_resolve(tok, kind, 0, id, &why)) != 0)
		*res = send_error(c, code == MV_EX_USAGE ? 400 : 404, "%s", why);
	return code ? -1 : 0;
}

/* GET /movies/{token}, GET /people/{token}: the token (m12, tmdb:63,
 * tt0114746) read by lib/resolve.c, as mvctl reads it; no paths. */
static enum MHD_Result
profile(struct MHD_Connection *c, char kind, const char *tok, int head)
{
	const char *lv = kind == 'm' ? arg(c, "level") : NULL;
	enum mv_level level = MV_LEVEL_BAD;
	enum MHD_Result res;
	char *id;

	if (resolve(c, tok, kind, &id, &res) < 0)
		return res;
	if (lv && (level = mv_level_parse(lv)) == MV_LEVEL_BAD)
		res = send_error(c, 400, "bad level \"%s\": minimal, basic, medium or deep", lv);
	else
		res = profile_of(c, kind, id, lv ? mv_level_name(level) : NULL, head);
	free(id);
	return res;
}

/*
 * GET /people/{id}/movies: the person's movies from the people index,
 * each a movie index entry with its card members and the credit, in the
 * listing order (mv_list_order, which mvctl people --movies uses too).
 * A credit in a movie the movie index does not hold yet is left out.
 */
static enum MHD_Result
person_movies(struct MHD_Connection *c, const char *id)
{
	struct mv_listing l;
	struct mv_buf b = { 0 };
	struct page pg = { &movies, NULL, NULL, NULL, 0 };
	enum MHD_Result res;
	const cJSON *link, *list, **links, **ls;
	cJSON *person;
	size_t n = 0, *ent, *ord, *es;
	char *base, lang[8];
	long i;

	if (!mv_id_valid(id, 'p'))
		return send_error(c, 400, "bad person id \"%s\"", id);
	if (listing_args(c, &l, &res) < 0)
		return res;
	if (table_fresh(&people) < 0 || table_fresh(&movies) < 0)
		return send_error(c, 500, "unable to read the indexes");
	if ((i = table_find(&people, id)) < 0)
		return send_error(c, 404, "no person %s", id);
	/* A shard rewritten under us: its list follows, read it again. */
	if (!(person = table_item(&people, (size_t)i)) && (table_fresh(&people) < 0 ||
	    (i = table_find(&people, id)) < 0 || !(person = table_item(&people, (size_t)i))))
		return i < 0 ? send_error(c, 404, "no person %s", id) :
		    send_error(c, 500, "unable to read the indexes");
	list = cJSON_GetObjectItemCaseSensitive(person, "movies");
	links = mv_xmalloc(((size_t)cJSON_GetArraySize(list) + 1) * sizeof *links);
	ent = mv_xmalloc(((size_t)cJSON_GetArraySize(list) + 1) * sizeof *ent);
	cJSON_ArrayForEach(link, list) {
		long m = table_find(&movies, mv_json_str(link, "movie", NULL));

		if (m < 0)
			continue;  /* the movie index lags behind; skip */
		links[n] = link;
		ent[n++] = (size_t)m;
	}
	ord = mv_xmalloc((n + 1) * sizeof *ord);
	table_order_some(&movies, ent, n, l.sort, ord);
	es = mv_xmalloc((n + 1) * sizeof *es);
	ls = mv_xmalloc((n + 1) * sizeof *ls);
	for (size_t j = 0; j < n; j++) {
		es[j] = ent[ord[j]];
		ls[j] = links[ord[j]];
	}
	pg.ent = es;
	pg.links = ls;
	pg.lang = req_lang(c, lang);
	base = mv_xasprintf("/people/%s/movies", id);
	l.q = NULL;
	mv_list_write(&b, &l, n, base, put_entry, &pg);
	free(base);
	free(links);
	free(ent);
	free(ord);
	free(es);
	free(ls);
	cJSON_Delete(person);
	return send_json(c, 200, &b, "no-cache");
}

/* GET /people/{token}/movies: the token read as for /people/{token}. */
static enum MHD_Result
person_movies_of(struct MHD_Connection *c, const char *tok)
{
	enum MHD_Result res;
	char *id;

	if (resolve(c, tok, 'p', &id, &res) < 0)
		return res;
	res = person_movies(c, id);
	free(id);
	return res;
}

static enum MHD_Result
health(struct MHD_Connection *c)
{
	static const char *const names[] = { "minimal", "basic", "medium", "deep" };
	cJSON *doc = cJSON_CreateObject(), *lv;
	int ok = table_fresh(&movies) == 0 && table_fresh(&people) == 0;
	char lang[8];

	cJSON_AddStringToObject(doc, "status", ok ? "ok" : "degraded");
	cJSON_AddStringToObject(doc, "pipeline", mv_pipeline_running() ? "up" : "down");
	cJSON_AddNumberToObject(doc, "movies", (double)movies.n);
	cJSON_AddNumberToObject(doc, "people", (double)people.n);
	lv = cJSON_AddObjectToObject(doc, "levels");
	for (int i = 0; i < 4; i++)
		cJSON_AddNumberToObject(lv, names[i], (double)movies.levels[i]);
	lv = cJSON_AddObjectToObject(doc, "peopleLevels");
	/* People are minimal or deep (PeopleProfile.json). */
	cJSON_AddNumberToObject(lv, "minimal", (double)people.levels[MV_MINIMAL]);
	cJSON_AddNumberToObject(lv, "deep", (double)people.levels[MV_DEEP]);
	if (movies.indexed_at)
		cJSON_AddStringToObject(doc, "indexedAt", movies.indexed_at);
	else
		cJSON_AddNullToObject(doc, "indexedAt");
	cJSON_AddStringToObject(doc, "version", MV_VERSION);
	cJSON_AddNumberToObject(doc, "uptime", (double)(time(NULL) - started));
	cJSON_AddStringToObject(doc, "language", req_lang(c, lang));
	return send_doc(c, 200, doc, "no-store");
}

/* GET /metrics: stats/mv.prom (mvstat's) and our own response counts. */
static enum MHD_Result
metrics(struct MHD_Connection *c)
{
	struct mv_buf b = { 0 };
	char *path = mv_path("stats/mv.prom"), *text = NULL;
	struct MHD_Response *r;
	size_t len = 0;

	if (mv_slurp(path, 16UL << 20, &text, &len) < 0 && errno != ENOENT) {
		int e = errno;

		free(path);
		return send_error(c, 500, "unable to read stats/mv.prom: %s", strerror(e));
	}
	free(path);
	if (len) {
		mv_buf_add(&b, text, len);
		if (text[len - 1] != '\n')
			mv_buf_adds(&b, "\n");
	}
	free(text);
	mv_buf_adds(&b, "# HELP mvserve_responses_total HTTP responses sent by mvserve, "
	    "by status class.\n# TYPE mvserve_responses_total counter\n");
	for (int i = 1; i < 6; i++)
		mv_buf_printf(&b, "mvserve_responses_total{class=\"%dxx\"} %lu\n", i, counts[i]);
	r = body(b.buf, b.len, "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return reply(c, 200, r);
}

/* Content type of a file name by its extension. */
static const char *
mime(const char *name)
{
	static const char *const types[][2] = {
		{ "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" }, { "png", "image/png" },
		{ "webp", "image/webp" }, { "gif", "image/gif" },
		{ "html", "text/html; charset=utf-8" }, { "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" }, { "ico", "image/x-icon" },
		{ "json", "application/json; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(dot + 1, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* 1 if name is one plain file name: no slash, no leading dot (so no ".."),
 * only letters, digits and . _ - */
static int
plain_name(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 255)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return !strstr(name, "..");
}

/*
 * Send the file name from dir (absolute), after checking that its real
 * path stays inside dir's real path (no symlink out). Conditional GETs
 * get 304. cache is the Cache-Control value.
 */
static enum MHD_Result
send_file(struct MHD_Connection *c, const char *dir, const char *name,
    const char *cache)
{
	char *path, real[PATH_MAX], top[PATH_MAX], etag[64], date[64];
	const char *inm, *ims;
	struct MHD_Response *r;
	struct stat st;
	struct tm tm;
	size_t tl;
	int fd;

	if (!plain_name(name))
		return send_error(c, 400, "bad file name");
	path = mv_xasprintf("%s/%s", dir, name);
	if (!realpath(dir, top) || !realpath(path, real)) {
		int e = errno;

		free(path);
		return send_error(c, e == ENOENT || e == ENOTDIR ? 404 : 500,
		    "no file %s", name);
	}
	free(path);
	tl = strlen(top);
	if (strncmp(real, top, tl) != 0 || real[tl] != '/')
		return send_error(c, 404, "no file %s", name);
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) < 0)
		return send_error(c, errno == ENOENT ? 404 : 500, "no file %s", name);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return send_error(c, 404, "no file %s", name);
	}
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
	    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)st.st_mtim.tv_nsec);
	gmtime_r(&st.st_mtime, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if ((inm && strstr(inm, etag)) || (!inm && ims && strcmp(ims, date) == 0)) {
		close(fd);
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
		return reply(c, 304, r);
	}
	if (!(r = MHD_create_response_from_fd((uint64_t)st.st_size, fd))) {
		close(fd);
		return send_error(c, 500, "unable to send %s", name);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime(name));
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	if (strncmp(mime(name), "text/html", 9) == 0)
		MHD_add_response_header(r, "Content-Security-Policy",
		    "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
		    "form-action 'self'; frame-ancestors 'none'");
	return reply(c, 200, r);
}

/* Split path into at most 4 segments (in place); returns the count, or
 * -1 for more, or an empty segment (a double slash). */
static int
split(char *path, char **seg)
{
	int n = 0;
	size_t len = strlen(path);

	if (len > 1 && path[len - 1] == '/')
		path[len - 1] = '\0';  /* "/movies/" is "/movies" */
	if (strcmp(path, "/") == 0)
		return 0;
	for (char *p = path + 1;; ) {
		char *s = strchr(p, '/');

		if (n == 4)
			return -1;
		seg[n++] = p;
		if (!*p)
			return -1;
		if (!s)
			break;
		*s = '\0';
		p = s + 1;
	}
	return n;
}

/* Route one GET or HEAD. path is writable (our copy). */
static enum MHD_Result
route(struct MHD_Connection *c, char *path, int head)
{
	char *seg[4], *images;
	int n;

	/* /images/ takes the rest whole, so that a name with a slash (an
	 * encoded one included: the path arrives decoded) is refused, not
	 * routed elsewhere. */
	if (strncmp(path, "/images/", 8) == 0) {
		images = mv_path("assets/images");
		enum MHD_Result r = send_file(c, images, path + 8, "public, max-age=86400");

		free(images);
		return r;
	}
	if (path[0] != '/' || (n = split(path, seg)) < 0)
		return send_error(c, 404, "no such route");
	if (n == 0)
		return webdir ? send_file(c, webdir, "index.html", "no-cache") :
		    send_error(c, 404, "no web page: start mvserve with --web DIR");
	if (strcmp(seg[0], "movies") == 0) {
		if (n == 1)
			return list(c, &movies, "/movies");
		if (n == 2)
			return profile(c, 'm', seg[1], head);
	} else if (strcmp(seg[0], "people") == 0) {
		if (n == 1)
			return list(c, &people, "/people");
		if (n == 2)
			return profile(c, 'p', seg[1], 0);
		if (n == 3 && strcmp(seg[2], "movies") == 0)
			return person_movies_of(c, seg[1]);
	} else if (strcmp(seg[0], "collections") == 0) {
		return collections_route(c, seg, n);
	} else if (n == 1 && strcmp(seg[0], "health") == 0) {
		return health(c);
	} else if (n == 1 && strcmp(seg[0], "metrics") == 0) {
		return metrics(c);
	} else if (n == 1 && webdir && plain_name(seg[0])) {
		return send_file(c, webdir, seg[0], "no-cache");
	}
	return send_error(c, 404, "no such route");
}

/* libmicrohttpd's request callback: every request, in the server thread. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	enum MHD_Result r;
	uint64_t t0 = mv_mono_ns();
	char *path;
	int head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	(void)cls;
	(void)version;
	(void)upload;
	/* Answer once the whole request is in (a body, if any, read and
	 * dropped): a reply queued earlier makes libmicrohttpd close the
	 * connection, which would cost every client a new one. */
	if (!*state) {
		*state = hook_path(url) ? (void *)hook_begin(c) : &counts;
		return MHD_YES;
	}
	if (*upload_size) {
		if (*state != &counts)
			hook_body(*state, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	/* /hooks/ is the one place a POST goes (tools/mvserve/hooks.c). */
	if (*state != &counts)
		r = hook_reply(c, url, method, *state);
	else if (!head && strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		r = send_error(c, 405, "method not allowed: the API is read-only");
	else {
		path = mv_xstrdup(url);
		r = route(c, path, head);
		free(path);
	}
	if (verbose)
		mv_warnx("%s %s %.3f ms", method, url, (double)(mv_mono_ns() - t0) / 1e6);
	return r;
}

/* A request is over, answered or cut: free a hook's body. */
static void
on_done(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	if (*state && *state != &counts)
		hook_end(*state);
	*state = NULL;
}

/* libmicrohttpd's own messages, in our grammar. */
static void
on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	mv_warnx("libmicrohttpd: %s", msg);
}

/* ---- setup -------------------------------------------------------------------- */

/*
 * Parse ADDR:PORT ("127.0.0.1:8080", "[::1]:0", ":8080" for 127.0.0.1)
 * into ss. Returns 0, or -1 for bad syntax.
 */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2], *end;
	long port;
	size_t hl;

	if (!colon || !colon[1])
		return -1;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (*end || errno || port < 0 || port > 65535 || colon[1] < '0' || colon[1] > '9')
		return -1;
	hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof *ss);
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof *a;
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof *a;
		return inet_pton(AF_INET, hl ? host : "127.0.0.1", &a->sin_addr) == 1 ? 0 : -1;
	}
}

/* 1 if path is a directory holding index.html. */
static int
has_page(const char *dir)
{
	char *p = mv_xasprintf("%s/index.html", dir);
	int ok = access(p, R_OK) == 0;

	free(p);
	return ok;
}

/*
 * The page's directory: opt, $MV_WEB, the installed share/mv/web (next
 * to the schemas), or web/ of the source tree when run from build/bin.
 * Returns malloc'd, or NULL (the API runs alone).
 */
static char *
find_web(const char *opt)
{
	const char *env = getenv("MV_WEB");
	char self[PATH_MAX], *p, *s;
	ssize_t n;

	if (opt)
		return mv_xstrdup(opt);
	if (env && *env)
		return mv_xstrdup(env);
	p = mv_xstrdup(MV_SCHEMADIR);
	if ((s = strrchr(p, '/'))) {
		*s = '\0';
		s = mv_xasprintf("%s/web", p);
		free(p);
		if (has_page(s))
			return s;
		p = s;
	}
	free(p);
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((s = strrchr(self, '/'))) {
			*s = '\0';
			p = mv_xasprintf("%s/../../web", self);
			if (has_page(p) && (s = realpath(p, NULL))) {
				free(p);
				return s;
			}
			free(p);
		}
	}
	return NULL;
}

/* What the command line asked for. */
struct opts {
	const char *data, *listen_at, *port_file, *web_opt;
	struct sockaddr_storage ss; /* listen_at, parsed */
	socklen_t sl;
};

/* Fill o from the options. Returns 0, or MV_EX_USAGE for a bad --listen;
 * exits 64 on other bad usage. */
static int
parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "web", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		MV_OPT_LONG,
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*o = (struct opts){ .listen_at = "127.0.0.1:8080" };
	while ((ch = getopt_long(argc, argv, "d:l:p:w:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': o->listen_at = optarg; break;
		case 'p': o->port_file = optarg; break;
		case 'w': o->web_opt = optarg; break;
		case 'v': verbose = 1; break;
		default: mv_opt_common(ch, USAGE, &o->data);
		}
	}
	if (optind < argc) {
		mv_warnx("unexpected argument \"%s\"", argv[optind]);
		mv_usage_die(USAGE);
	}
	if (parse_listen(o->listen_at, &o->ss, &o->sl) < 0) {
		mv_warnx("bad --listen \"%s\": expected ADDR:PORT, such as 127.0.0.1:8080",
		    o->listen_at);
		return MV_EX_USAGE;
	}
	return 0;
}

/* Our own listening socket, so a bind error is reported with its reason. */
static int
listen_socket(const struct opts *o)
{
	int fd, one = 1;

	if ((fd = socket(o->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		mv_die(MV_EX_UNAVAILABLE, "create a socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&o->ss, o->sl) < 0 || listen(fd, 128) < 0)
		mv_die(errno == EADDRINUSE ? MV_EX_TEMPFAIL : MV_EX_UNAVAILABLE,
		    "listen on %s", o->listen_at);
	return fd;
}

/* Start the HTTP server on fd, say where, and write the port file. */
static struct MHD_Daemon *
serve(const struct opts *o, int fd)
{
	const struct sockaddr_storage *ss = &o->ss;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	/* One internal thread: the caches and the event writer need no locks,
	 * and a request costs microseconds. */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    (ss->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
	    on_request, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_END);
	if (!d)
		mv_diex(MV_EX_UNAVAILABLE, "unable to start the HTTP server on %s", o->listen_at);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (verbose || isatty(2))
		mv_warnx("listening on http://%s%s%s:%u/", ss->ss_family == AF_INET6 ? "[" : "",
		    ss->ss_family == AF_INET6 ? "::1" :
		    inet_ntoa(((const struct sockaddr_in *)ss)->sin_addr),
		    ss->ss_family == AF_INET6 ? "]" : "", info ? info->port : 0);
	if (o->port_file) {
		char buf[16];
		int n = snprintf(buf, sizeof buf, "%u\n", info ? info->port : 0);

		if (mv_write_atomic(o->port_file, buf, (size_t)n) < 0) {
			int e = errno;

			MHD_stop_daemon(d);
			errno = e;
			mv_die(e == ENOENT || e == EACCES || e == ENOTDIR ? MV_EX_CANTCREAT :
			    mv_exit_for_errno(e), "write %s", o->port_file);
		}
	}
	return d;
}

/* The people index, loaded beside the movie index at start. */
static void *
load_people(void *arg)
{
	(void)arg;
	table_fresh(&people);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct MHD_Daemon *d;
	pthread_t loader;
	sigset_t sigs;
	char *web;
	int fd, code, sig, threaded;

	mv_init(argv[0]);
	/* The tables' arrays and sort buffers are large and freed at every
	 * reload: mapped, they go back to the system. glibc's own threshold
	 * rises to the size of a freed block, after which they stayed in
	 * the heap (17 MB of RSS at 500,000 people). */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	if ((code = parse_options(argc, argv, &o)) != 0)
		return code;
	if ((code = mv_data_open(o.data, 0)) != 0 || (code = mv_config_load()) != 0)
		return code;
	web = find_web(o.web_opt);
	if (web && !has_page(web)) {
		if (o.web_opt || getenv("MV_WEB"))
			mv_diex(MV_EX_NOINPUT, "unable to open the web page: %s/index.html: %s",
			    web, strerror(errno ? errno : ENOENT));
		free(web);
		web = NULL;
	}
	if (!web)
		mv_warnx("no web page found (--web DIR): serving the API only");
	webdir = web;
	started = time(NULL);
	/* Two files, two CPUs: the start waits for the larger one only.
	 * The tables share nothing; the server thread starts after both. */
	threaded = pthread_create(&loader, NULL, load_people, NULL) == 0;
	table_fresh(&movies);
	if (threaded)
		pthread_join(loader, NULL);
	else
		table_fresh(&people);
	fd = listen_socket(&o);

	/* SIGTERM and SIGINT are taken by sigwait below, never by a handler;
	 * the server thread inherits the mask and so never sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	d = serve(&o, fd);

	for (;;) {
		if (sigwait(&sigs, &sig) == 0 && (sig == SIGTERM || sig == SIGINT))
			break;
	}
	MHD_stop_daemon(d);
	if (o.port_file)
		unlink(o.port_file);
	table_clear(&movies);
	table_clear(&people);
	free(web);
	return mv_finish(MV_EX_OK);
}
