/* match.c: a new movie matched on TMDB, what is inside its file, and its review. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "mvenrich.h"

#define CANDIDATES_MAX 10   /* candidates listed for a review */

static int
year_of(const cJSON *o, const char *key)
{
	const char *d = mv_json_str(o, key, "");

	return strlen(d) >= 4 ? atoi(d) : 0;
}

static cJSON *
candidate(long long tmdb, const char *title, int year)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddNumberToObject(c, "tmdb", (double)tmdb);
	cJSON_AddStringToObject(c, "title", title);
	if (year >= MV_YEAR_MIN && year <= MV_YEAR_MAX)
		cJSON_AddNumberToObject(c, "year", year);
	else
		cJSON_AddNullToObject(c, "year");
	return c;
}

/* Mark m for review with reason and candidates (consumed); saved. The
 * candidates of an earlier review follow the new ones: a choice that
 * failed must not take the other films away from the reviewer. */
static void
set_review(cJSON *m, const char *reason, cJSON *cands)
{
	cJSON *r = cJSON_CreateObject(), *old;
	char buf[32];

	if (!cands)
		cands = cJSON_CreateArray();
	cJSON_ArrayForEach(old, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(m, "review"), "candidates")) {
		const cJSON *c;
		int seen = 0;

		cJSON_ArrayForEach(c, cands)
			seen |= mv_json_int(c, "tmdb", 0) == mv_json_int(old, "tmdb", -1);
		if (!seen && cJSON_GetArraySize(cands) < CANDIDATES_MAX)
			cJSON_AddItemToArray(cands, cJSON_Duplicate(old, 1));
	}
	cJSON_AddStringToObject(r, "reason", reason);
	cJSON_AddItemToObject(r, "candidates", cands);
	cJSON_AddStringToObject(r, "at", mv_time_fmt(mv_now(), buf));
	mv_json_set(m, "review", r);
	mv_json_set(m, "status", cJSON_CreateString("needs-review"));
	save(m);
}

/* ---- what is inside the file ------------------------------------------ */

/*
 * Look inside m's videos (every part) before they are matched (key
 * probe, on by default; probe_timeout bounds ffprobe): record what each
 * holds as its media, or send the movie to review with the reason one is
 * not a video, unless a user chose its film. A missing ffprobe is
 * reported once and the videos filed without media: it must not block
 * anybody's library. The one place that builds a video's media. Returns
 * an outcome.
 */
enum outcome
inspect(cJSON *m)
{
	static int warned;
	cJSON *v, *media;
	char *path, *reason, *why;
	int r, ms, on = mv_probe_setting(&ms);

	if (on == 0)
		return OUT_DONE;
	if (on < 0) {
		mv_warnx("unable to use probe = \"%s\", probe_timeout = \"%s\": "
		    "expected on or off, and a duration from 1s to 1h",
		    mv_config_get("probe", "on"), mv_config_get("probe_timeout", "30s"));
		fatal_code = MV_EX_CONFIG;
		return OUT_FATAL;
	}
	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		if (cJSON_GetObjectItemCaseSensitive(v, "media"))
			continue;
		path = open_path(mv_json_str(v, "path", ""));
		r = mv_probe(path, ms, &media, &reason);
		free(path);
		if (r == 0)
			mv_json_set(v, "media", media);
		else if (r == MV_EX_UNAVAILABLE) {
			if (!warned++)
				mv_warnx("unable to probe videos: %s; they are filed "
				    "without media", reason);
		} else if (!cJSON_GetObjectItemCaseSensitive(m, "choice")) {
			why = mv_xasprintf("not a video: %s", reason);
			set_review(m, why, NULL);
			free(why);
			free(reason);
			break;
		}
		free(reason);
	}
	return OUT_DONE;
}

/*
 * A sample: a video much shorter than the film TMDB (tm) says it is
 * matched to, and no part of a multi-part film. Sent to review with the
 * film as its candidate, never filed as the film, unless a user chose
 * it. Returns 1 if so (m saved), else 0.
 */
static int
sample(cJSON *m, const cJSON *tm)
{
	const cJSON *media = cJSON_GetObjectItemCaseSensitive(
	    mv_movie_video(m), "media");
	cJSON *cands;
	char *reason;

	if (in_parts(m) || cJSON_GetObjectItemCaseSensitive(m, "choice") ||
	    !(reason = mv_probe_sample(media, tm)))
		return 0;
	cands = cJSON_CreateArray();
	cJSON_AddItemToArray(cands, candidate(mv_json_int(tm, "id", 0),
	    mv_json_str(tm, "title", ""), year_of(tm, "release_date")));
	set_review(m, reason, cands);
	free(reason);
	return 1;
}

/* ---- matching ---------------------------------------------------------- */

/* An exit code from the TMDB client as an outcome for this movie. */
enum outcome
tmdb_failure(const cJSON *m, int code)
{
	if (code == MV_EX_CONFIG) {
		fatal_code = MV_EX_CONFIG;
		return OUT_FATAL;
	}
	/* 75, 69, a malformed body: TMDB's trouble, not the file's. */
	mv_warnx("%s stays %s: TMDB failed (%s); it will be retried",
	    mv_json_str(m, "id", "?"), mv_json_str(m, "status", "?"),
	    mv_exit_name(code));
	waiting++;
	return OUT_WAIT;
}

/*
 * A release NFO beside m's video in incoming/ (or at the top of its
 * download, for a video in a subfolder) names its film as surely
 * as an id in the name: put its ids in q when q has none (no id in the
 * name, no choice); so do the ids mvctl import found in an NFO beside
 * an imported video (importedFrom). Returns q->id_from's text (malloc'd, caller frees)
 * when it did, else NULL. The NFO stays where it is: it describes the
 * release, not the film, and is never the movie's NFO.
 */
static char *
release_nfo(const cJSON *m, struct mv_match_query *q, struct mv_nfoid *ids)
{
	const char *rel = mv_json_str(mv_movie_video(m), "path", "");
	const cJSON *imp = cJSON_GetObjectItemCaseSensitive(video_entry(m), "importedFrom");
	char *root, *nfo, *path, *from = NULL;
	int r;

	if (q->tmdb > 0 || (q->imdb && *q->imdb))
		return NULL;
	/* mvctl import read the NFO beside the video where it found it. */
	if (mv_json_int(imp, "tmdb", 0) > 0 || mv_json_str(imp, "imdb", NULL)) {
		q->tmdb = mv_json_int(imp, "tmdb", 0);
		q->imdb = mv_json_str(imp, "imdb", NULL);
		from = mv_xasprintf("NFO %s", mv_json_str(imp, "idFrom", "?"));
		q->id_from = from;
		return from;
	}
	if (strncmp(rel, "incoming/", 9) != 0)
		return NULL;
	root = mv_path("incoming");
	nfo = mv_nfoid_release(root, rel + 9);
	free(root);
	if (!nfo)
		return NULL;
	path = mv_path("incoming/%s", nfo);
	if ((r = mv_nfoid_read(path, ids)) < 0)
		mv_warn("read %s", path);
	else if (r == MV_NFOID_FOUND) {
		q->tmdb = ids->tmdb;
		q->imdb = ids->imdb[0] ? ids->imdb : NULL;
		q->id_from = from = mv_xasprintf("release NFO %s", base_name(nfo));
	}
	free(path);
	free(nfo);
	return from;
}

/*
 * Match an initial movie: a user's choice (choice.tmdb) wins, then an id
 * in its name, then an id in its release NFO, else a search. On a match: claim tmdb:<id> (a duplicate
 * goes to review), write the basic profile, emit matched and enriched.
 * Returns an outcome.
 */
enum outcome
match(cJSON *m)
{
	const cJSON *parsed = cJSON_GetObjectItemCaseSensitive(m, "parsed");
	const char *id = mv_json_str(m, "id", "");
	long long chosen = mv_json_int(cJSON_GetObjectItemCaseSensitive(m, "choice"), "tmdb", 0);
	struct mv_match_query q = {
		.title = mv_json_str(m, "title", ""),
		.year = (int)mv_json_int(m, "year", 0),
		.part = (int)mv_json_int(parsed, "part", 0),
		.tmdb = chosen > 0 ? chosen : mv_json_int(parsed, "tmdb", 0),
		.imdb = chosen > 0 ? NULL : mv_json_str(parsed, "imdb", NULL),
		.id_from = chosen > 0 ? "chosen with --tmdb" : NULL,
	};
	struct mv_match mr;
	struct mv_nfoid ids;
	long long tmdb;
	cJSON *tm, *cands = NULL, *d;
	char *reason, *owner = NULL, value[32], *nfo_from = release_nfo(m, &q, &ids);
	int r;

	r = mv_match_run(&q, &mr);
	free(nfo_from);
	if (r != 0)
		return tmdb_failure(m, r);
	if (!mr.tm) {
		set_review(m, mr.reason, mr.candidates);
		mr.candidates = NULL;
		mv_match_free(&mr);
		return OUT_DONE;
	}
	tm = mr.tm;
	mr.tm = NULL;
	if (sample(m, tm)) {
		cJSON_Delete(tm);
		mv_match_free(&mr);
		return OUT_DONE;
	}
	tmdb = mv_json_int(tm, "id", 0);
	snprintf(value, sizeof value, "%lld", tmdb);
	/* The claim is what detects a second copy of one film; a claim left
	 * by a movie since deleted is stale and mv_claim takes it over. */
	mv_claim("tmdb", value, id, &owner);
	mv_crash_point("claimed");
	/* Another version or part of a film already filed joins it; a
	 * true duplicate goes to review, as the duplicates setting says. */
	if (owner && join(m, owner, &reason)) {
		free(owner);
		cJSON_Delete(tm);
		mv_match_free(&mr);
		return OUT_DONE;
	}
	if (owner) {
		cands = cJSON_CreateArray();
		cJSON_AddItemToArray(cands, candidate(tmdb, mv_json_str(tm, "title", ""),
		    year_of(tm, "release_date")));
		set_review(m, reason, cands);
		free(reason);
		free(owner);
		cJSON_Delete(tm);
		mv_match_free(&mr);
		return OUT_DONE;
	}
	if ((r = mv_movie_apply(m, tm, MV_BASIC)) != 0) {
		cJSON_Delete(tm);
		mv_match_free(&mr);
		return tmdb_failure(m, r);
	}
	cJSON_Delete(tm);
	/* How it was matched stays with the match, for show and review. */
	mv_json_set(m, "match", mr.evidence);
	mr.evidence = NULL;
	mv_match_free(&mr);
	cJSON_DeleteItemFromObjectCaseSensitive(m, "review");
	mv_json_set(m, "status", cJSON_CreateString("matched"));
	save(m);
	mv_crash_point("matched");
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddNumberToObject(d, "tmdb", (double)tmdb);
	cJSON_AddStringToObject(d, "title", mv_json_str(m, "title", ""));
	cJSON_AddItemToObject(d, "year", cJSON_Duplicate(cJSON_GetObjectItem(m, "year"), 1));
	emit("mv.movie.matched", id, d);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "level", "basic");
	cJSON_AddStringToObject(d, "from", "minimal");
	emit("mv.movie.enriched", id, d);
	return OUT_DONE;
}
