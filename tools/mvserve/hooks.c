/* hooks.c: POST /hooks/jellyfin, a real play in Jellyfin counted as a read of the movie. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mvserve.h"

/* The largest body taken: the plugin's template is a few hundred bytes. */
#define HOOK_BODY_MAX (64 * 1024)

/* One POST to /hooks/..., from its headers to its reply. */
struct hook {
	struct mv_buf body; /* the first HOOK_BODY_MAX bytes */
	int too_big;        /* more came, or Content-Length said so: dropped */
};

/* The configured token ("" off), read once: a route cannot change under
 * a running server. */
static const char *
hook_token(void)
{
	static const char *tok;

	if (!tok)
		tok = mv_config_get("webhook_token", "");
	return tok;
}

int
hook_path(const char *url)
{
	return strncmp(url, "/hooks/", 7) == 0 || strcmp(url, "/hooks") == 0;
}

struct hook *
hook_begin(struct MHD_Connection *c)
{
	struct hook *h = mv_xcalloc(1, sizeof *h);
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	/* Said too long: nothing of it is kept, it is only drained. */
	if (cl && strtoull(cl, NULL, 10) > HOOK_BODY_MAX)
		h->too_big = 1;
	return h;
}

void
hook_body(struct hook *h, const char *data, size_t n)
{
	if (h->too_big || h->body.len + n > HOOK_BODY_MAX) {
		h->too_big = 1;
		return;
	}
	mv_buf_add(&h->body, data, n);
}

void
hook_end(struct hook *h)
{
	if (!h)
		return;
	mv_buf_free(&h->body);
	free(h);
}

/*
 * 1 if the request carries "Authorization: Bearer TOKEN" with our token.
 * A header, not ?token=: a query string lands in access logs (ours with
 * --verbose, a proxy's), and the plugin's Generic destination sets
 * headers. The time taken depends on the length of our token only, never
 * on how much of it a guess got right.
 */
static int
authorized(struct MHD_Connection *c, const char *tok)
{
	const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	size_t tl = strlen(tok), gl;
	volatile unsigned char d;

	if (!a || strncasecmp(a, "Bearer ", 7) != 0)
		return 0;
	a += 7;
	while (*a == ' ')
		a++;
	gl = strlen(a);
	d = gl != tl;
	for (size_t i = 0; i < tl; i++)
		d |= (unsigned char)tok[i] ^ (unsigned char)(i < gl ? a[i] : 0);
	return d == 0;
}

/* The one error shape with one more header: the Allow of a 405 (RFC
 * 9110 15.5.6) or the WWW-Authenticate of a 401 (11.6.1), which
 * send_error does not add. */
static enum MHD_Result
error_with(struct MHD_Connection *c, unsigned status, const char *msg,
    const char *name, const char *value)
{
	cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");
	struct MHD_Response *r;
	char *s;

	cJSON_AddNumberToObject(e, "status", status);
	cJSON_AddStringToObject(e, "message", msg);
	s = mv_json_compact(doc);
	cJSON_Delete(doc);
	s = mv_xrealloc(s, strlen(s) + 2);
	strcat(s, "\n");
	r = body(s, strlen(s), "application/json; charset=utf-8");
	MHD_add_response_header(r, name, value);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return reply(c, status, r);
}

/* 204: taken, nothing to say (an event we do not count, or a count). */
static enum MHD_Result
no_content(struct MHD_Connection *c)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);

	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return reply(c, 204, r);
}

/*
 * The Jellyfin Webhook plugin's Generic destination posts the template
 * the user wrote (see mvserve(1)) with the plugin's own variable names.
 * A PlaybackStart of a Movie with a TMDB id (else an IMDb id) in the
 * library is a read: mv.movie.requested, reason "user", as an open of
 * the page. Any other notification or item type is taken and ignored:
 * the plugin sends whatever its destination was ticked for.
 */
static enum MHD_Result
jellyfin(struct MHD_Connection *c, struct hook *h)
{
	const char *type, *item, *tmdb, *imdb, *why;
	enum MHD_Result r;
	char *tok, *id;
	cJSON *doc;
	int code;

	if (!(doc = cJSON_ParseWithLength(h->body.buf ? h->body.buf : "", h->body.len)) ||
	    !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return send_error(c, 400, "bad body: expected the JSON object of mvserve(1)'s template");
	}
	type = mv_json_str(doc, "NotificationType", "");
	item = mv_json_str(doc, "ItemType", "Movie");
	tmdb = mv_json_str(doc, "Provider_tmdb", "");
	imdb = mv_json_str(doc, "Provider_imdb", "");
	if (strcmp(type, "PlaybackStart") != 0 || strcmp(item, "Movie") != 0) {
		cJSON_Delete(doc);
		return no_content(c);
	}
	if (*tmdb && mv_all_digits(tmdb))
		tok = mv_xasprintf("tmdb:%s", tmdb);
	else if (!*tmdb && *imdb)
		tok = mv_xasprintf("imdb:%s", imdb);
	else {
		r = send_error(c, 400, "bad Provider_tmdb \"%s\": expected a TMDB id", tmdb);
		cJSON_Delete(doc);
		return r;
	}
	cJSON_Delete(doc);
	code = mv_resolve(tok, 'm', 0, &id, &why);
	free(tok);
	if (code != 0)
		return send_error(c, code == MV_EX_USAGE ? 400 : 404, "%s", why);
	request_event(id, NULL);
	free(id);
	return no_content(c);
}

enum MHD_Result
hook_reply(struct MHD_Connection *c, const char *url, const char *method,
    struct hook *h)
{
	const char *tok = hook_token();

	/* Off, or no such hook: absent, as any unknown route. */
	if (!*tok || strcmp(url, "/hooks/jellyfin") != 0)
		return send_error(c, 404, "no such route");
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return error_with(c, 405, "method not allowed: POST only",
		    MHD_HTTP_HEADER_ALLOW, "POST");
	if (!authorized(c, tok))
		return error_with(c, 401, "unauthorized: send Authorization: Bearer "
		    "and the webhook_token of the configuration",
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"mv\"");
	if (h->too_big)
		return send_error(c, 413, "body over %d bytes", HOOK_BODY_MAX);
	return jellyfin(c, h);
}
