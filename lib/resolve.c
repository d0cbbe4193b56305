/* resolve.c: the one reading of a token naming a movie or a person. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

/* The message of the last failure: mv_resolve's *why points here. */
static __thread char msg[1024];

static int __attribute__((format(printf, 3, 4)))
fail(int code, const char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	*why = msg;
	return code;
}

static const char *
noun(char kind)
{
	return kind == 'm' ? "movie" : "person";
}

/* 1 if s is a source name as externalIds spells them: "tmdb", "imdb". */
static int
source_name(const char *s, size_t n)
{
	if (n == 0 || n >= 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/*
 * Split an external id token into src (at least 32 bytes) and *val:
 * "tmdb:63", "63" (tmdb), "imdb:tt0133093", "tt0133093" and "nm0000206"
 * (imdb). Returns 1, or 0 if tok has no such shape.
 */
static int
external(const char *tok, char *src, const char **val)
{
	const char *colon = strchr(tok, ':');

	if (colon && source_name(tok, (size_t)(colon - tok))) {
		memcpy(src, tok, (size_t)(colon - tok));
		src[colon - tok] = '\0';
		*val = colon + 1;
		if (!**val || strchr(*val, '/') || **val == '.')
			return 0;
		return strcmp(src, "tmdb") != 0 || mv_all_digits(*val);
	}
	*val = tok;
	if (mv_all_digits(tok) && strlen(tok) <= 15) {
		strcpy(src, "tmdb");
		return 1;
	}
	if ((!strncmp(tok, "tt", 2) || !strncmp(tok, "nm", 2)) && mv_all_digits(tok + 2)) {
		strcpy(src, "imdb");
		return 1;
	}
	return 0;
}

/* The id of a live record of kind in the index's byExternal for key,
 * or NULL: for a library whose claims are not made yet. */
static char *
by_index(char kind, const char *key)
{
	const char *why, *owner;
	cJSON *idx = mv_index_load(kind, &why);
	char *id = NULL;

	owner = mv_json_str(cJSON_GetObjectItemCaseSensitive(idx, "byExternal"), key, NULL);
	if (owner && !mv_claim_stale(kind, owner))
		id = mv_xstrdup(owner);
	cJSON_Delete(idx);
	return id;
}

/*
 * The data-relative path tok names: absolute, relative to the current
 * directory when it exists there, else relative to the data directory.
 * Symbolic links are resolved on both sides, so a data directory reached
 * through one still matches. Returns malloc'd, or NULL if it is outside.
 */
static char *
data_relative(const char *tok)
{
	char *real = NULL, *root = realpath(mv_data, NULL), *rel = NULL;
	const char *p = NULL;
	size_t n;

	if (tok[0] == '/' || access(tok, F_OK) == 0)
		real = realpath(tok, NULL);
	if (!real && tok[0] != '/') {
		while (!strncmp(tok, "./", 2))
			tok += 2;
		free(root);
		return mv_xstrdup(tok);
	}
	if (!real)
		real = mv_xstrdup(tok);
	n = root ? strlen(root) : 0;
	if (root && !strncmp(real, root, n) && real[n] == '/')
		p = real + n + 1;
	else if (!strncmp(real, mv_data, strlen(mv_data)) && real[strlen(mv_data)] == '/')
		p = real + strlen(mv_data) + 1;
	if (p)
		rel = mv_xstrdup(p);
	free(real);
	free(root);
	return rel;
}

/* 1 if movie id's profile lists the video rel. */
static int
lists_video(const char *id, const char *rel)
{
	const char *why;
	cJSON *doc = mv_movie_load(id, &why);
	int r = strcmp(mv_json_str(mv_movie_video(doc),
	    "path", ""), rel) == 0;

	cJSON_Delete(doc);
	return r;
}

/* The movie whose profile lists the video rel: the index says which (or
 * the [tmdbid-N] of the filed name, through its claim), the profile
 * confirms it. Returns malloc'd id, or NULL. */
static char *
by_video(const char *rel)
{
	const char *why;
	cJSON *idx = mv_index_load('m', &why), *it;
	struct mv_name nm;
	char *id = NULL, val[32];

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(idx, "items"))
		if (!strcmp(mv_json_str(it, "video", ""), rel)) {
			if (lists_video(mv_json_str(it, "id", ""), rel))
				id = mv_xstrdup(mv_json_str(it, "id", ""));
			break;
		}
	cJSON_Delete(idx);
	if (id)
		return id;
	if (mv_parse_name(rel, &nm) == 0 && nm.tmdb > 0) {
		snprintf(val, sizeof val, "%lld", nm.tmdb);
		if ((id = mv_claim_owner('m', "tmdb", val)) && !lists_video(id, rel)) {
			free(id);
			id = NULL;
		}
	}
	mv_name_free(&nm);
	return id;
}

static int
resolve_path(const char *tok, char **id, const char **why)
{
	char *rel = data_relative(tok);

	if (!rel)
		return fail(MV_EX_NOTFOUND, why, "no movie with the video %s: "
		    "it is not in the library", tok);
	*id = by_video(rel);
	if (!*id) {
		fail(MV_EX_NOTFOUND, why, "no movie with the video %s in the library", rel);
		free(rel);
		return MV_EX_NOTFOUND;
	}
	free(rel);
	return 0;
}

int
mv_resolve(const char *tok, char kind, int flags, char **id, const char **why)
{
	const char *val;
	char src[32], *key;
	int paths = kind == 'm' && (flags & MV_RESOLVE_PATH);
	struct stat st;

	*id = NULL;
	if (mv_id_valid(tok, kind)) {
		if (mv_claim_stale(kind, tok))
			return fail(MV_EX_NOTFOUND, why, "no %s %s in the library", noun(kind), tok);
		*id = mv_xstrdup(tok);
		return 0;
	}
	if (paths && strchr(tok, '/'))
		return resolve_path(tok, id, why);
	if (external(tok, src, &val)) {
		if ((*id = mv_claim_owner(kind, src, val)))
			return 0;
		key = mv_xasprintf("%s:%s", src, val);
		if (flags & MV_RESOLVE_INDEX)
			*id = by_index(kind, key);
		if (!*id)
			fail(MV_EX_NOTFOUND, why, "no %s with %s in the library", noun(kind), key);
		free(key);
		return *id ? 0 : MV_EX_NOTFOUND;
	}
	if (paths && *tok && stat(tok, &st) == 0)
		return resolve_path(tok, id, why);
	return fail(MV_EX_USAGE, why, "bad %s id \"%s\": expected %c42, a TMDB id%s",
	    noun(kind), tok, kind, paths ? ", tt1234567 or a video file" : " or tt1234567");
}
