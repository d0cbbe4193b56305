/* movie_enrich.c: TMDB's answers applied to profiles, level by level: people, images, ids. */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "movie_int.h"

#define CAST_MAX 20          /* cast members kept at medium, by order */
#define DEEP_PEOPLE_DEF 5    /* people made deep with a deep movie */
#define CARD_PX 50           /* a listing card's poster: 50x50 CSS pixels */

void (*mv_movie_notify)(const char *type, const char *subject, cJSON *data);

/* The crew jobs kept at medium. */
static const char *const crew_jobs[] = {
	"Director", "Screenplay", "Writer", "Producer",
	"Original Music Composer", "Director of Photography",
};

static void
notify(const char *type, const char *subject, cJSON *data)
{
	if (mv_movie_notify)
		mv_movie_notify(type, subject, data);
	else
		cJSON_Delete(data);
}

/* 1 if s matches the extended regex re (compiled each call: rare). */
static int
matches(const char *s, const char *re)
{
	regex_t r;
	int m;

	if (!s || regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/*
 * 1 if s is a date the schema accepts ("1999-03-31"), or, when times is
 * set, also a date-time: TMDB's dates are copied only then, so a profile
 * never holds one that fails its schema.
 */
static int
date_ok(const char *s, int times)
{
	return s && (mv_format_ok("date", s) || (times && mv_format_ok("date-time", s)));
}

static cJSON *
str_or_null(const char *s)
{
	return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* A TMDB image path "/abc.jpg", or NULL when absent or odd. */
static const char *
image_path(const cJSON *o, const char *key)
{
	const char *p = mv_json_str(o, key, NULL);

	return matches(p, "^/[^/]+$") ? p : NULL;
}

/*
 * Claim every external id of doc but tmdb (claimed by whoever decides
 * about duplicates) for its id, so the index maps them back. Best effort:
 * an id another record holds stays theirs.
 */
static void
claim_others(const cJSON *doc)
{
	const char *id = mv_json_str(doc, "id", "");
	const cJSON *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "externalIds"))
		if (strcmp(v->string, "tmdb") != 0 && cJSON_IsString(v))
			mv_claim(v->string, v->valuestring, id, NULL);
}

/* ---- people ------------------------------------------------------------ */

/* Add the link {movie, role, character|job} to person's movies unless it
 * is there already. Returns 1 if added. */
static int
add_link(cJSON *person, const char *movie, const char *role,
    const char *what_key, const char *what)
{
	cJSON *movies = cJSON_GetObjectItemCaseSensitive(person, "movies"), *l;

	if (!cJSON_IsArray(movies)) {
		movies = cJSON_CreateArray();
		mv_json_set(person, "movies", movies);
	}
	cJSON_ArrayForEach(l, movies)
		if (strcmp(mv_json_str(l, "movie", ""), movie) == 0 &&
		    strcmp(mv_json_str(l, "role", ""), role) == 0 &&
		    strcmp(mv_json_str(l, what_key, ""), what) == 0)
			return 0;
	l = cJSON_CreateObject();
	cJSON_AddStringToObject(l, "movie", movie);
	cJSON_AddStringToObject(l, "role", role);
	cJSON_AddStringToObject(l, what_key, what);
	cJSON_AddItemToArray(movies, l);
	return 1;
}

/*
 * The PeopleProfile of TMDB person tmdb, loaded or created minimal. A new
 * profile is saved first and claimed after (lib/claim.c's rule: a claim
 * whose profile is missing is stale); when another process claimed the
 * person meanwhile, ours goes and theirs is loaded, so two copies can
 * never both create it.
 * Returns the tree (caller deletes) or NULL with errno.
 */
static cJSON *
person_get(long long tmdb, const char *name)
{
	char value[32], *id, *owner = NULL, *path;
	const char *why;
	cJSON *doc, *ext;
	int saved;

	snprintf(value, sizeof value, "%lld", tmdb);
	if ((id = mv_claim_owner('p', "tmdb", value))) {
		doc = mv_person_load(id, &why);
		if (!doc)
			mv_warnx("unable to read person %s: %s", id, why);
		free(id);
		return doc;
	}
	if (!(id = mv_id_new('p')))
		return NULL;
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "schemaVersion", MV_SCHEMA_VERSION);
	cJSON_AddStringToObject(doc, "id", id);
	cJSON_AddStringToObject(doc, "level", "minimal");
	cJSON_AddStringToObject(doc, "name", name && *name ? name : value);
	ext = cJSON_AddObjectToObject(doc, "externalIds");
	cJSON_AddNumberToObject(ext, "tmdb", (double)tmdb);
	movie_set_now(doc, "createdAt");
	movie_set_now(doc, "updatedAt");
	cJSON_AddItemToObject(doc, "movies", cJSON_CreateArray());
	movie_reach(doc, MV_MINIMAL);
	if (mv_person_save(doc) < 0 || mv_claim("tmdb", value, id, &owner) < 0) {
		saved = errno;
		cJSON_Delete(doc);
		doc = NULL;
		path = mv_path("People/%s.json", id);
		unlink(path);
		free(path);
		if (owner) {
			/* Someone else created it meanwhile. */
			if (!(doc = mv_person_load(owner, &why)))
				mv_warnx("unable to read person %s: %s", owner, why);
			free(owner);
		}
		free(id);
		errno = saved;
		return doc;
	}
	{
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddNumberToObject(d, "tmdb", (double)tmdb);
		cJSON_AddStringToObject(d, "name", mv_json_str(doc, "name", ""));
		notify("mv.person.created", id, d);
	}
	free(id);
	return doc;
}

/* Make person (a loaded profile, tmdb id known) deep from TMDB.
 * Returns an exit code; the profile is saved on success. */
static int
person_deepen(cJSON *p)
{
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(p, "externalIds");
	long long tmdb = mv_json_int(ext, "tmdb", 0);
	const char *id = mv_json_str(p, "id", ""), *prof, *imdb;
	cJSON *tp = NULL, *aka, *v, *d;
	char *dest = NULL, *rel = NULL;
	int r;

	if (mv_profile_level(p) >= MV_DEEP)
		return 0;
	if (tmdb <= 0)
		return MV_EX_DATAERR;
	if ((r = mv_tmdb_person(tmdb, 1, &tp)) != 0)
		return r;
	prof = image_path(tp, "profile_path");
	if (prof) {
		rel = mv_xasprintf("assets/images/%s-profile-w185.jpg", id);
		dest = mv_path("%s", rel);
		r = mv_tmdb_image(prof, "w185", dest);
		free(dest);
		if (r == MV_EX_NOTFOUND) {
			free(rel);
			rel = NULL;
		} else if (r != 0) {
			free(rel);
			cJSON_Delete(tp);
			return r;
		}
	}
	mv_json_set(p, "biography", cJSON_CreateString(mv_json_str(tp, "biography", "")));
	mv_json_set(p, "birthday", str_or_null(mv_json_str(tp, "birthday", NULL)));
	mv_json_set(p, "deathday", str_or_null(mv_json_str(tp, "deathday", NULL)));
	mv_json_set(p, "placeOfBirth", str_or_null(mv_json_str(tp, "place_of_birth", NULL)));
	mv_json_set(p, "knownForDepartment",
	    str_or_null(mv_json_str(tp, "known_for_department", NULL)));
	mv_json_set(p, "profilePath", str_or_null(prof));
	mv_json_set(p, "image", str_or_null(rel));
	aka = cJSON_CreateArray();
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(tp, "also_known_as"))
		if (cJSON_IsString(v) && *v->valuestring)
			cJSON_AddItemToArray(aka, cJSON_CreateString(v->valuestring));
	mv_json_set(p, "alsoKnownAs", aka);
	imdb = mv_json_str(tp, "imdb_id", NULL);
	if (!imdb)
		imdb = mv_json_str(cJSON_GetObjectItemCaseSensitive(tp, "external_ids"),
		    "imdb_id", NULL);
	if (matches(imdb, "^nm[0-9]{7,10}$"))
		mv_json_set(cJSON_GetObjectItemCaseSensitive(p, "externalIds"), "imdb",
		    cJSON_CreateString(imdb));
	movie_reach(p, MV_DEEP);
	claim_others(p);
	free(rel);
	cJSON_Delete(tp);
	if (mv_person_save(p) < 0)
		return mv_exit_for_errno(errno);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "level", "deep");
	notify("mv.person.enriched", id, d);
	return 0;
}

/* ---- movie levels ------------------------------------------------------ */

/*
 * The collection (belongs_to_collection: {tmdb, name} or null) and the
 * studios, both in every /movie reply: the NFO's set and studio, and
 * the index's collections, need nothing above basic.
 */
static void
apply_basic_more(cJSON *doc, const cJSON *tm)
{
	const cJSON *bc = cJSON_GetObjectItemCaseSensitive(tm, "belongs_to_collection"), *c;
	cJSON *coll = cJSON_CreateNull(), *studios = cJSON_CreateArray();
	long long cid = mv_json_int(bc, "id", 0);
	const char *name = mv_json_str(bc, "name", "");

	if (cid > 0 && *name) {
		cJSON_Delete(coll);
		coll = cJSON_CreateObject();
		cJSON_AddNumberToObject(coll, "tmdb", (double)cid);
		cJSON_AddStringToObject(coll, "name", name);
	}
	mv_json_set(doc, "collection", coll);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(tm, "production_companies")) {
		const char *s = mv_json_str(c, "name", "");

		if (*s)
			cJSON_AddItemToArray(studios, cJSON_CreateString(s));
	}
	mv_json_set(doc, "productionCompanies", studios);
}

/*
 * TMDB's alternative_titles as [{title, country}], each title once: the
 * names a film also goes by, for search (a title of the same country
 * differs only in type: "working title", "DVD title").
 */
static cJSON *
alternative_titles(const cJSON *tm)
{
	cJSON *out = cJSON_CreateArray(), *x;
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "alternative_titles"), "titles")) {
		const char *title = mv_json_str(t, "title", ""), *cc = mv_json_str(t, "iso_3166_1", "");
		int dup = 0;

		if (!*title)
			continue;
		cJSON_ArrayForEach(x, out)
			dup |= strcmp(mv_json_str(x, "title", ""), title) == 0;
		if (dup)
			continue;
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "title", title);
		cJSON_AddItemToObject(x, "country", matches(cc, "^[A-Z]{2}$") ?
		    cJSON_CreateString(cc) : cJSON_CreateNull());
		cJSON_AddItemToArray(out, x);
	}
	return out;
}

static void
apply_basic(cJSON *doc, const cJSON *tm)
{
	const char *s, *date = mv_json_str(tm, "release_date", NULL);
	cJSON *genres = cJSON_CreateArray(), *titles = cJSON_CreateObject();
	cJSON *overviews = cJSON_CreateObject();
	cJSON *ext = cJSON_GetObjectItemCaseSensitive(doc, "externalIds"), *g, *t;
	double vote = mv_json_num(tm, "vote_average", -1);
	long long runtime = mv_json_int(tm, "runtime", 0);

	if ((s = mv_json_str(tm, "title", NULL)) && *s)
		mv_json_set(doc, "title", cJSON_CreateString(s));
	if (date_ok(date, 0)) {
		int y = atoi(date);

		mv_json_set(doc, "year", y >= MV_YEAR_MIN && y <= MV_YEAR_MAX ?
		    cJSON_CreateNumber(y) : cJSON_CreateNull());
	} else
		date = NULL;
	s = mv_json_str(tm, "original_title", NULL);
	mv_json_set(doc, "originalTitle", cJSON_CreateString(s && *s ? s :
	    mv_json_str(doc, "title", "")));
	s = mv_json_str(tm, "original_language", NULL);
	/* TMDB's own code for "no language" is "xx". */
	mv_json_set(doc, "originalLanguage",
	    cJSON_CreateString(matches(s, "^[a-z]{2,3}$") ? s : "xx"));
	mv_json_set(doc, "releaseDate", str_or_null(date));
	mv_json_set(doc, "runtime", runtime > 0 ? cJSON_CreateNumber((double)runtime) :
	    cJSON_CreateNull());
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(tm, "genres")) {
		const char *name = mv_json_str(g, "name", NULL);
		cJSON *x;
		int dup = 0;

		if (!name || !*name)
			continue;
		cJSON_ArrayForEach(x, genres)
			dup |= strcmp(x->valuestring, name) == 0;
		if (!dup)
			cJSON_AddItemToArray(genres, cJSON_CreateString(name));
	}
	mv_json_set(doc, "genres", genres);
	mv_json_set(doc, "overview", cJSON_CreateString(mv_json_str(tm, "overview", "")));
	mv_json_set(doc, "posterPath", str_or_null(image_path(tm, "poster_path")));
	mv_json_set(doc, "backdropPath", str_or_null(image_path(tm, "backdrop_path")));
	mv_json_set(doc, "tagline", str_or_null(mv_json_str(tm, "tagline", NULL)));
	mv_json_set(doc, "voteAverage", vote >= 0 && vote <= 10 ?
	    cJSON_CreateNumber(vote) : cJSON_CreateNull());
	/* titles: "fr-FR" -> "L'Armée des 12 singes", translated ones only;
	 * overviews alike, so a title and its overview agree in language. */
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "translations"), "translations")) {
		const char *lang = mv_json_str(t, "iso_639_1", ""), *cc = mv_json_str(t, "iso_3166_1", "");
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
		const char *title = mv_json_str(data, "title", "");
		const char *ov = mv_json_str(data, "overview", "");
		char key[16];

		if (!matches(lang, "^[a-z]{2,3}$"))
			continue;
		if (matches(cc, "^[A-Z]{2}$"))
			snprintf(key, sizeof key, "%s-%s", lang, cc);
		else
			snprintf(key, sizeof key, "%s", lang);
		if (*title && !cJSON_GetObjectItemCaseSensitive(titles, key))
			cJSON_AddStringToObject(titles, key, title);
		if (*ov && !cJSON_GetObjectItemCaseSensitive(overviews, key))
			cJSON_AddStringToObject(overviews, key, ov);
	}
	mv_json_set(doc, "titles", titles);
	apply_basic_more(doc, tm);
	mv_json_set(doc, "overviews", overviews);
	mv_json_set(doc, "alternativeTitles", alternative_titles(tm));
	mv_json_set(ext, "tmdb", cJSON_CreateNumber((double)mv_json_int(tm, "id", 0)));
	s = mv_json_str(tm, "imdb_id", NULL);
	if (!s)
		s = mv_json_str(cJSON_GetObjectItemCaseSensitive(tm, "external_ids"),
		    "imdb_id", NULL);
	if (matches(s, "^tt[0-9]{7,10}$"))
		mv_json_set(ext, "imdb", cJSON_CreateString(s));
}

void
mv_movie_preview(cJSON *doc, const cJSON *tm)
{
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "externalIds")))
		mv_json_set(doc, "externalIds", cJSON_CreateObject());
	apply_basic(doc, tm);
}

static int
is_kept_job(const char *job)
{
	for (size_t i = 0; i < sizeof crew_jobs / sizeof crew_jobs[0]; i++)
		if (strcmp(job, crew_jobs[i]) == 0)
			return 1;
	return 0;
}

/* Person id for a credit, with the link back to movie saved. NULL with
 * errno on failure. */
static char *
credit_person(const cJSON *c, const char *movie, const char *role,
    const char *what_key, const char *what)
{
	cJSON *p = person_get(mv_json_int(c, "id", 0), mv_json_str(c, "name", ""));
	char *id;
	int saved;

	if (!p)
		return NULL;
	if (add_link(p, movie, role, what_key, what) && mv_person_save(p) < 0) {
		saved = errno;
		cJSON_Delete(p);
		errno = saved;
		return NULL;
	}
	id = mv_xstrdup(mv_json_str(p, "id", ""));
	cJSON_Delete(p);
	return id;
}

static int
cmp_order(const void *a, const void *b)
{
	long long x = mv_json_int(*(cJSON *const *)a, "order", 1 << 30);
	long long y = mv_json_int(*(cJSON *const *)b, "order", 1 << 30);

	return x < y ? -1 : x > y;
}

static int
apply_medium(cJSON *doc, const cJSON *tm)
{
	const char *movie = mv_json_str(doc, "id", "");
	const cJSON *cr = cJSON_GetObjectItemCaseSensitive(tm, "credits"), *c;
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(cr, "cast");
	cJSON *credits = cJSON_CreateObject(), *cast = cJSON_CreateArray();
	cJSON *crew = cJSON_CreateArray(), *countries = cJSON_CreateArray(), *x;
	cJSON **sorted;
	int n = 0, total = cJSON_GetArraySize(all);
	char *pid;

	sorted = mv_xcalloc(total ? total : 1, sizeof *sorted);
	cJSON_ArrayForEach(c, all)
		if (mv_json_int(c, "id", 0) > 0 && *mv_json_str(c, "name", ""))
			sorted[n++] = (cJSON *)c;
	qsort(sorted, n, sizeof *sorted, cmp_order);
	for (int i = 0; i < n && i < CAST_MAX; i++) {
		const char *ch = mv_json_str(sorted[i], "character", "");

		if (!(pid = credit_person(sorted[i], movie, "cast", "character", ch)))
			goto fail;
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "person", pid);
		cJSON_AddNumberToObject(x, "tmdb", (double)mv_json_int(sorted[i], "id", 0));
		cJSON_AddStringToObject(x, "name", mv_json_str(sorted[i], "name", ""));
		cJSON_AddStringToObject(x, "character", ch);
		cJSON_AddNumberToObject(x, "order", (double)(mv_json_int(sorted[i], "order", i) >= 0 ?
		    mv_json_int(sorted[i], "order", i) : i));
		cJSON_AddItemToArray(cast, x);
		free(pid);
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cr, "crew")) {
		const char *job = mv_json_str(c, "job", ""), *dep = mv_json_str(c, "department", "");

		if (!is_kept_job(job) || mv_json_int(c, "id", 0) <= 0 ||
		    !*mv_json_str(c, "name", ""))
			continue;
		if (!(pid = credit_person(c, movie, "crew", "job", job)))
			goto fail;
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "person", pid);
		cJSON_AddNumberToObject(x, "tmdb", (double)mv_json_int(c, "id", 0));
		cJSON_AddStringToObject(x, "name", mv_json_str(c, "name", ""));
		cJSON_AddStringToObject(x, "job", job);
		cJSON_AddStringToObject(x, "department", *dep ? dep : "Crew");
		cJSON_AddItemToArray(crew, x);
		free(pid);
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(tm, "production_countries")) {
		const char *cc = mv_json_str(c, "iso_3166_1", NULL);
		int dup = 0;

		if (!matches(cc, "^[A-Z]{2}$"))
			continue;
		cJSON_ArrayForEach(x, countries)
			dup |= strcmp(x->valuestring, cc) == 0;
		if (!dup)
			cJSON_AddItemToArray(countries, cJSON_CreateString(cc));
	}
	free(sorted);
	cJSON_AddItemToObject(credits, "cast", cast);
	cJSON_AddItemToObject(credits, "crew", crew);
	mv_json_set(doc, "credits", credits);
	mv_json_set(doc, "productionCountries", countries);
	return 0;
fail:
	{
		int code = mv_exit_for_errno(errno);

		mv_warn("create the people of %s", movie);
		free(sorted);
		cJSON_Delete(cast);
		cJSON_Delete(crew);
		cJSON_Delete(credits);
		cJSON_Delete(countries);
		return code;
	}
}

/* One provider list of TMDB's watch/providers as [{id,name,logoPath}]. */
static cJSON *
providers(const cJSON *reg, const char *kind)
{
	cJSON *out = cJSON_CreateArray(), *x;
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(reg, kind)) {
		if (mv_json_int(p, "provider_id", 0) <= 0)
			continue;
		x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "id", (double)mv_json_int(p, "provider_id", 0));
		cJSON_AddStringToObject(x, "name", mv_json_str(p, "provider_name", ""));
		cJSON_AddItemToObject(x, "logoPath", str_or_null(image_path(p, "logo_path")));
		cJSON_AddItemToArray(out, x);
	}
	return out;
}

/* Download TMDB image fp (NULL: none) at size; *rel gets
 * "assets/images/<movie>-<kind>-<size>.jpg" or NULL. Returns an exit code. */
static int
image_at(const char *movie, const char *fp, const char *kind, const char *size,
    char **rel)
{
	char *dest;
	int r;

	*rel = NULL;
	if (!fp)
		return 0;
	*rel = mv_xasprintf("assets/images/%s-%s-%s.jpg", movie, kind, size);
	dest = mv_path("%s", *rel);
	r = mv_tmdb_image(fp, size, dest);
	free(dest);
	if (r != 0) {
		/* No image: *rel is NULL on every failure, so no caller leaks it. */
		free(*rel);
		*rel = NULL;
	}
	return r == MV_EX_NOTFOUND ? 0 : r;
}

/* Download a movie image; *rel gets "assets/images/..." or NULL when
 * TMDB has none. Returns an exit code. */
static int
movie_image(const char *movie, const cJSON *tm, const char *key,
    const char *kind, const char *size, char **rel)
{
	return image_at(movie, image_path(tm, key), kind, size, rel);
}

/*
 * The card's poster: the first TMDB lists (by votes) in the user's
 * language, else the first without language (no text to misread), else
 * poster_path, whatever its language.
 */
static const char *
card_poster_path(const cJSON *tm)
{
	const char *lang = mv_language(), *mine = NULL, *neutral = NULL;
	size_t n = strcspn(lang, "-_");
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "images"), "posters")) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "iso_639_1");
		const char *fp = image_path(p, "file_path");

		if (!fp)
			continue;
		if (cJSON_IsString(l) && strlen(l->valuestring) == n &&
		    strncmp(l->valuestring, lang, n) == 0 && !mine)
			mine = fp;
		else if ((!l || cJSON_IsNull(l)) && !neutral)
			neutral = fp;
	}
	return mine ? mine : neutral ? neutral : image_path(tm, "poster_path");
}

/*
 * Download the card's poster at the smallest size that fills the card;
 * *rel as image_at. A poster TMDB cannot give (none, refused as malformed
 * or too big) leaves the card without one rather than the movie
 * unmatched; an outage or a full disk fails the level, to be retried.
 */
static int
card_poster(const char *movie, const cJSON *tm, char **rel)
{
	char size[8];
	int r;

	mv_tmdb_poster_size(CARD_PX, size);
	r = image_at(movie, card_poster_path(tm), "card", size, rel);
	return r == MV_EX_DATAERR || r == MV_EX_USAGE ? 0 : r;
}

/* Bound on deep people from $MV_DEEP_PEOPLE or the configuration's
 * deep_people (0..100, default 5). */
static int
deep_people_max(void)
{
	const char *s = mv_config_get("deep_people", NULL);
	char *end;
	long n;

	if (!s || !*s)
		return DEEP_PEOPLE_DEF;
	n = strtol(s, &end, 10);
	return *end || n < 0 || n > 100 ? DEEP_PEOPLE_DEF : (int)n;
}

/* Deep profiles of the directors, then the top-billed cast, bounded. */
static int
deepen_people(const cJSON *doc)
{
	const cJSON *cr = cJSON_GetObjectItemCaseSensitive(doc, "credits"), *c;
	const char *ids[128];
	int n = 0, max = deep_people_max(), r;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cr, "crew"))
		if (n < max && strcmp(mv_json_str(c, "job", ""), "Director") == 0)
			ids[n++] = mv_json_str(c, "person", "");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cr, "cast")) {
		const char *p = mv_json_str(c, "person", "");
		int dup = 0;

		for (int i = 0; i < n; i++)
			dup |= strcmp(ids[i], p) == 0;
		if (n < max && !dup)
			ids[n++] = p;
	}
	for (int i = 0; i < n; i++) {
		const char *why;
		cJSON *p = mv_person_load(ids[i], &why);

		if (!p) {
			mv_warnx("unable to read person %s: %s", ids[i], why);
			continue;
		}
		r = person_deepen(p);
		cJSON_Delete(p);
		if (r != 0)
			return r;
	}
	return 0;
}

/* The releaseDates object of TMDB's release_dates; the certification for
 * region reg goes to cert.  Returns a new object (caller owns). */
static cJSON *
release_dates(const cJSON *tm, const char *reg, char *cert, size_t certsz)
{
	const cJSON *x, *y;
	cJSON *dates, *o;
	int cert_rank = 0;

	/* releaseDates by country; the certification for MV_REGION prefers
	 * the theatrical release (type 3), then any non-empty one. */
	dates = cJSON_CreateObject();
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "release_dates"), "results")) {
		const char *cc = mv_json_str(x, "iso_3166_1", NULL);
		cJSON *list;

		if (!matches(cc, "^[A-Z]{2}$") || cJSON_GetObjectItemCaseSensitive(dates, cc))
			continue;
		list = cJSON_AddArrayToObject(dates, cc);
		cJSON_ArrayForEach(y, cJSON_GetObjectItemCaseSensitive(x, "release_dates")) {
			long long type = mv_json_int(y, "type", 0);
			const char *date = mv_json_str(y, "release_date", NULL);
			const char *c = mv_json_str(y, "certification", "");

			if (type < 1 || type > 6 || !date_ok(date, 1))
				continue;
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "type", (double)type);
			cJSON_AddStringToObject(o, "date", date);
			cJSON_AddStringToObject(o, "certification", c);
			cJSON_AddItemToArray(list, o);
			if (strcmp(cc, reg) == 0 && *c && cert_rank < (type == 3 ? 2 : 1)) {
				cert_rank = type == 3 ? 2 : 1;
				snprintf(cert, certsz, "%s", c);
			}
		}
	}
	return dates;
}

/* The watchProviders object for region reg from TMDB's watch/providers.
 * Returns a new object (caller owns). */
static cJSON *
watch_providers(const cJSON *tm, const char *reg)
{
	const cJSON *rr;
	const char *link;
	cJSON *wp;

	rr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "watch/providers"), "results"), reg);
	wp = cJSON_CreateObject();
	cJSON_AddStringToObject(wp, "region", reg);
	/* An http(s) URI as the schema's format uri reads it, or none:
	 * the web page links to it. */
	link = mv_json_str(rr, "link", NULL);
	if (!matches(link, "^https?://") || !mv_format_ok("uri", link))
		link = NULL;
	cJSON_AddItemToObject(wp, "link", str_or_null(link));
	cJSON_AddItemToObject(wp, "free", providers(rr, "free"));
	cJSON_AddItemToObject(wp, "ads", providers(rr, "ads"));
	cJSON_AddItemToObject(wp, "flatrate", providers(rr, "flatrate"));
	cJSON_AddItemToObject(wp, "rent", providers(rr, "rent"));
	cJSON_AddItemToObject(wp, "buy", providers(rr, "buy"));
	return wp;
}

static int
apply_deep(cJSON *doc, const cJSON *tm)
{
	const char *movie = mv_json_str(doc, "id", ""), *reg = mv_region();
	const cJSON *x;
	cJSON *images, *videos, *keywords, *dates, *o;
	char *poster = NULL, *backdrop = NULL, cert[64] = "";
	int r;

	/* Everything that can fail comes first, so a failure leaves the
	 * movie whole at its old level. */
	if ((r = movie_image(movie, tm, "poster_path", "poster", "w342", &poster)) != 0 ||
	    (r = movie_image(movie, tm, "backdrop_path", "backdrop", "w780", &backdrop)) != 0) {
		free(poster);
		return r;
	}
	if ((r = deepen_people(doc)) != 0) {
		free(poster);
		free(backdrop);
		return r;
	}
	images = cJSON_CreateObject();
	cJSON_AddItemToObject(images, "poster", str_or_null(poster));
	cJSON_AddItemToObject(images, "backdrop", str_or_null(backdrop));
	free(poster);
	free(backdrop);
	mv_json_set(doc, "images", images);

	/* TMDB's videos are trailers and clips: "videos" names the files. */
	videos = cJSON_CreateArray();
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "videos"), "results")) {
		if (!*mv_json_str(x, "key", ""))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "site", mv_json_str(x, "site", ""));
		cJSON_AddStringToObject(o, "key", mv_json_str(x, "key", ""));
		cJSON_AddStringToObject(o, "type", mv_json_str(x, "type", ""));
		cJSON_AddStringToObject(o, "name", mv_json_str(x, "name", ""));
		cJSON_AddItemToArray(videos, o);
	}
	mv_json_set(doc, "trailers", videos);

	keywords = cJSON_CreateArray();
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(tm, "keywords"), "keywords"))
		if (*mv_json_str(x, "name", ""))
			cJSON_AddItemToArray(keywords,
			    cJSON_CreateString(mv_json_str(x, "name", "")));
	mv_json_set(doc, "keywords", keywords);

	dates = release_dates(tm, reg, cert, sizeof cert);
	mv_json_set(doc, "releaseDates", dates);
	mv_json_set(doc, "certification", cJSON_CreateString(cert));

	mv_json_set(doc, "watchProviders", watch_providers(tm, reg));

	{
		const char *wd = mv_json_str(cJSON_GetObjectItemCaseSensitive(tm,
		    "external_ids"), "wikidata_id", NULL);

		if (matches(wd, "^Q[1-9][0-9]*$"))
			mv_json_set(cJSON_GetObjectItemCaseSensitive(doc, "externalIds"),
			    "wikidata", cJSON_CreateString(wd));
	}
	return 0;
}

int
mv_movie_apply(cJSON *doc, const cJSON *tm, enum mv_level level)
{
	int r = 0;

	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "externalIds")))
		mv_json_set(doc, "externalIds", cJSON_CreateObject());
	switch (level) {
	case MV_BASIC: {
		char *card;

		if (mv_json_int(tm, "id", 0) <= 0)
			return MV_EX_DATAERR;
		/* The poster first: on failure the movie stays as it was. */
		if ((r = card_poster(mv_json_str(doc, "id", ""), tm, &card)) != 0)
			return r;
		apply_basic(doc, tm);
		mv_json_set(doc, "cardPoster", str_or_null(card));
		free(card);
		break;
	}
	case MV_MEDIUM:
		r = apply_medium(doc, tm);
		break;
	case MV_DEEP:
		r = apply_deep(doc, tm);
		break;
	default:
		return 0;
	}
	if (r == 0) {
		movie_reach(doc, level);
		claim_others(doc);
	}
	return r;
}

int
mv_movie_enrich(cJSON *doc, enum mv_level target)
{
	enum mv_level cur = mv_profile_level(doc);
	long long tmdb = mv_json_int(cJSON_GetObjectItemCaseSensitive(doc,
	    "externalIds"), "tmdb", 0);
	cJSON *tm = NULL;
	int r;

	if (target <= cur)
		return 0;
	if (tmdb <= 0)
		return MV_EX_DATAERR;
	/* One request covers every level up to the target. */
	if ((r = mv_tmdb_movie(tmdb, target, NULL, &tm)) != 0)
		return r;
	for (enum mv_level l = cur + 1; l <= target && r == 0; l++)
		r = mv_movie_apply(doc, tm, l);
	cJSON_Delete(tm);
	return r;
}

int
mv_movie_refetch_images(cJSON *doc, int *fetched)
{
	static const struct { const char *key, *tmdb, *size; } art[] = {
		{"poster", "poster_path", "w342"}, {"backdrop", "backdrop_path", "w780"},
	};
	const cJSON *images = cJSON_GetObjectItemCaseSensitive(doc, "images");
	const char *movie = mv_json_str(doc, "id", "");
	long long tmdb = mv_json_int(cJSON_GetObjectItemCaseSensitive(doc,
	    "externalIds"), "tmdb", 0);
	cJSON *tm = NULL;
	int r = 0, missing = 0;

	*fetched = 0;
	for (size_t i = 0; i < sizeof art / sizeof art[0]; i++) {
		const char *rel = mv_json_str(images, art[i].key, NULL);
		char *p;

		if (!rel || strncmp(rel, "assets/images/", 14) != 0 || strstr(rel, ".."))
			continue;
		p = mv_path("%s", rel);
		missing |= access(p, F_OK) < 0 ? 1 << i : 0;
		free(p);
	}
	if (!missing || tmdb <= 0 || mv_profile_level(doc) < MV_DEEP)
		return 0;
	/* The same request and the same names as apply_deep: the profile's
	 * paths stay right, only the files come back. */
	if ((r = mv_tmdb_movie(tmdb, MV_DEEP, NULL, &tm)) != 0)
		return r;
	for (size_t i = 0; i < sizeof art / sizeof art[0] && r == 0; i++) {
		char *rel = NULL;

		if (!(missing & 1 << i))
			continue;
		r = movie_image(movie, tm, art[i].tmdb, art[i].key, art[i].size, &rel);
		if (rel && !strcmp(rel, mv_json_str(images, art[i].key, "")))
			++*fetched;
		free(rel);
	}
	cJSON_Delete(tm);
	return r;
}
