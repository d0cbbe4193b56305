/* test_tmdb.c: every real TMDB body through the client's parser into our model; offline paths. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/* Where the real bodies are: $MV_TMDB_PEERS, else the copy kept in
 * tests/fixtures/peers/tmdb (SOURCES.md there says where each came from). */
static char *
peers_dir(const char *top)
{
	const char *e = getenv("MV_TMDB_PEERS");

	return e && *e ? mv_xstrdup(e) : mv_xasprintf("%s/tests/fixtures/peers/tmdb", top);
}

/* Append s to b escaped as jq's @tsv does: \\ \t \n \r. */
static void
tsv(struct mv_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': mv_buf_adds(b, "\\\\"); break;
		case '\t': mv_buf_adds(b, "\\t"); break;
		case '\n': mv_buf_adds(b, "\\n"); break;
		case '\r': mv_buf_adds(b, "\\r"); break;
		default: mv_buf_add(b, s, 1);
		}
	}
}

/*
 * One line per value, in document order, as the jq program JQ_WALK below
 * prints them: the path as a JSON array, a tab, then the type and value.
 */
static void
walk(const cJSON *v, cJSON *path, struct mv_buf *b)
{
	char *p;
	int i = 0;

	if (cJSON_GetArraySize(path) > 0) {
		p = cJSON_PrintUnformatted(path);
		tsv(b, p);
		free(p);
		mv_buf_add(b, "\t", 1);
		if (cJSON_IsObject(v))
			mv_buf_printf(b, "{}%d", cJSON_GetArraySize(v));
		else if (cJSON_IsArray(v))
			mv_buf_printf(b, "[]%d", cJSON_GetArraySize(v));
		else if (cJSON_IsString(v)) {
			mv_buf_add(b, "s", 1);
			tsv(b, v->valuestring);
		} else if (cJSON_IsNumber(v))
			mv_buf_printf(b, "n%.17g", v->valuedouble);
		else if (cJSON_IsBool(v))
			mv_buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
		else
			mv_buf_adds(b, "null");
		mv_buf_add(b, "\n", 1);
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		cJSON_AddItemToArray(path, cJSON_IsObject(v) ?
		    cJSON_CreateString(c->string) : cJSON_CreateNumber(i));
		walk(c, path, b);
		cJSON_DeleteItemFromArray(path, cJSON_GetArraySize(path) - 1);
	}
}

#define JQ_WALK "jq -r 'paths as $p | [($p | tojson), (getpath($p) | " \
	"if type == \"object\" then \"{}\\(length)\" elif type == \"array\" then " \
	"\"[]\\(length)\" elif type == \"string\" then \"s\" + . elif type == " \
	"\"number\" then \"n\" + tostring else tostring end)] | @tsv'"

/*
 * Compare our walk with jq's, line by line: same paths, types, strings,
 * and numbers equal as doubles (jq prints them its own way). Returns
 * NULL if all agree, else a malloc'd description of the first difference.
 */
static char *
compare_with_jq(const char *file, const char *ours)
{
	char *cmd = mv_xasprintf(JQ_WALK " '%s'", file), *line = NULL, *diff = NULL;
	size_t cap = 0;
	ssize_t n;
	const char *o = ours;
	FILE *f = popen(cmd, "r");

	free(cmd);
	if (!f)
		return mv_xstrdup("cannot run jq");
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *end = strchr(o, '\n');
		size_t olen = end ? (size_t)(end - o) : strlen(o);
		char *tab1, *tab2;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!*o) {
			diff = mv_xasprintf("we lack: %s", line);
			break;
		}
		tab1 = strchr(line, '\t');
		tab2 = memchr(o, '\t', olen);
		if (tab1 && tab2 && tab1[1] == 'n' && tab2[1] == 'n' &&
		    (size_t)(tab1 - line) == (size_t)(tab2 - o) &&
		    strncmp(line, o, (size_t)(tab1 - line)) == 0) {
			if (strtod(tab1 + 2, NULL) != strtod(tab2 + 2, NULL)) {
				diff = mv_xasprintf("jq: %s\n#   us: %.*s", line, (int)olen, o);
				break;
			}
		} else if ((size_t)n != olen || strncmp(line, o, olen) != 0) {
			diff = mv_xasprintf("jq: %.300s\n#   us: %.*s", line, (int)(olen < 300 ? olen : 300), o);
			break;
		}
		o += olen + (end ? 1 : 0);
	}
	if (!diff && *o)
		diff = mv_xasprintf("jq lacks: %.300s", o);
	free(line);
	if (pclose(f) != 0 && !diff)
		diff = mv_xstrdup("jq failed");
	return diff;
}

/* 1 if o[key] is a string, or null when nullable. */
static int
str_or_null(const cJSON *o, const char *key, int nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) || (nullable && cJSON_IsNull(v));
}

static int
num_field(const cJSON *o, const char *key)
{
	return cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Every element of o[key] (an array) passes check. */
static int
each(const cJSON *o, const char *key, int (*check)(const cJSON *))
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *e;

	if (!cJSON_IsArray(a))
		return 0;
	cJSON_ArrayForEach(e, a)
		if (!check(e))
			return 0;
	return 1;
}

static int
genre_ok(const cJSON *g)
{
	return num_field(g, "id") && str_or_null(g, "name", 0);
}

static int
cast_ok(const cJSON *c)
{
	return num_field(c, "id") && str_or_null(c, "name", 0) &&
	    str_or_null(c, "character", 1) && num_field(c, "order");
}

static int
crew_ok(const cJSON *c)
{
	return num_field(c, "id") && str_or_null(c, "name", 0) &&
	    str_or_null(c, "job", 0) && str_or_null(c, "department", 0);
}

static int
country_ok(const cJSON *c)
{
	return str_or_null(c, "iso_3166_1", 0);
}

static int
image_ok(const cJSON *i)
{
	const char *p = mv_json_str(i, "file_path", "");

	return p[0] == '/' && num_field(i, "width") && num_field(i, "height");
}

static int
video_ok(const cJSON *v)
{
	return str_or_null(v, "site", 0) && str_or_null(v, "key", 0) &&
	    str_or_null(v, "type", 0) && str_or_null(v, "name", 0);
}

static int
named_ok(const cJSON *k)
{
	return num_field(k, "id") && str_or_null(k, "name", 0);
}

/* A person's credit: a movie (title) or, in combined_credits, a show (name). */
static int
credit_ok(const cJSON *c)
{
	return num_field(c, "id") && (str_or_null(c, "title", 0) || str_or_null(c, "name", 0));
}

static int
translation_ok(const cJSON *t)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(t, "data");

	return str_or_null(t, "iso_639_1", 0) && str_or_null(t, "iso_3166_1", 0) &&
	    cJSON_IsObject(d) &&
	    (str_or_null(d, "title", 0) || str_or_null(d, "name", 0));
}

static int
release_date_ok(const cJSON *d)
{
	return num_field(d, "type") && str_or_null(d, "release_date", 0) &&
	    str_or_null(d, "certification", 0);
}

static int
release_country_ok(const cJSON *c)
{
	return str_or_null(c, "iso_3166_1", 0) && each(c, "release_dates", release_date_ok);
}

static int
search_hit_ok(const cJSON *m)
{
	return mv_json_num(m, "id", 0) > 0 && str_or_null(m, "title", 0) &&
	    str_or_null(m, "original_title", 0) && str_or_null(m, "release_date", 1) &&
	    str_or_null(m, "poster_path", 1);
}

/* The movie fields a MovieProfile keeps (schemas/README.md, basic up). */
static int
movie_details_ok(const cJSON *m)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(m, "runtime");

	return mv_json_num(m, "id", 0) > 0 && str_or_null(m, "title", 0) &&
	    str_or_null(m, "original_title", 0) && str_or_null(m, "original_language", 0) &&
	    str_or_null(m, "release_date", 1) && (cJSON_IsNumber(rt) || cJSON_IsNull(rt)) &&
	    each(m, "genres", genre_ok) && str_or_null(m, "overview", 1) &&
	    str_or_null(m, "poster_path", 1) && str_or_null(m, "backdrop_path", 1) &&
	    str_or_null(m, "tagline", 1) && num_field(m, "vote_average") &&
	    str_or_null(m, "imdb_id", 1) && each(m, "production_countries", country_ok);
}

/* The object holding a movie part: appended (an object under its name),
 * or the whole body when the file is that part alone (named "-tag"). */
static const cJSON *
part_of(const cJSON *d, const char *part, const char *name, const char *tag)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, part);

	if (cJSON_IsObject(v))
		return v;
	return strstr(name, tag) ? d : NULL;
}

/* The kept fields of one body, by what the file holds. Returns a static
 * reason for the first missing or mistyped field, or NULL. */
static const char *
kept_fields(const char *name, const cJSON *d)
{
	const cJSON *x;

	if (strncmp(name, "error-", 6) == 0)
		return num_field(d, "status_code") && str_or_null(d, "status_message", 0) ?
		    NULL : "status_code/status_message";
	if (strcmp(name, "configuration.json") == 0) {
		x = cJSON_GetObjectItemCaseSensitive(d, "images");
		return str_or_null(x, "secure_base_url", 0) &&
		    cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(x, "poster_sizes")) ?
		    NULL : "images.secure_base_url/poster_sizes";
	}
	if (strncmp(name, "search-", 7) == 0)
		return num_field(d, "page") && num_field(d, "total_pages") &&
		    num_field(d, "total_results") && each(d, "results", search_hit_ok) ?
		    NULL : "page/total_pages/total_results/results";
	if (strncmp(name, "find-", 5) == 0)
		return each(d, "movie_results", search_hit_ok) &&
		    each(d, "person_results", named_ok) ? NULL : "movie_results/person_results";
	if (strncmp(name, "person-", 7) == 0) {
		if (strstr(name, "_credits"))
			return each(d, "cast", credit_ok) && each(d, "crew", credit_ok) ?
			    NULL : "cast/crew";
		return mv_json_num(d, "id", 0) > 0 && str_or_null(d, "name", 0) &&
		    str_or_null(d, "biography", 1) && str_or_null(d, "birthday", 1) &&
		    str_or_null(d, "deathday", 1) && str_or_null(d, "place_of_birth", 1) &&
		    str_or_null(d, "known_for_department", 1) &&
		    str_or_null(d, "profile_path", 1) &&
		    cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d, "also_known_as")) ?
		    NULL : "person fields";
	}
	if (strstr(name, "changes"))
		return cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d, "results")) ||
		    cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d, "changes")) ?
		    NULL : "results/changes";
	/* A movie part alone, or a movie with parts appended. */
	x = part_of(d, "credits", name, "-credits");
	if (x && !(each(x, "cast", cast_ok) && each(x, "crew", crew_ok)))
		return "credits cast/crew";
	x = part_of(d, "images", name, "-images-");
	if (x && !(each(x, "posters", image_ok) && each(x, "backdrops", image_ok)))
		return "images posters/backdrops";
	x = part_of(d, "videos", name, "-videos");
	if (x && !each(x, "results", video_ok))
		return "videos results";
	x = part_of(d, "keywords", name, "-keywords");
	if (x && !each(x, "keywords", named_ok))
		return "keywords";
	x = part_of(d, "release_dates", name, "-release_dates");
	if (x && !each(x, "results", release_country_ok))
		return "release_dates results";
	x = part_of(d, "translations", name, "-translations");
	if (x && !each(x, "translations", translation_ok))
		return "translations";
	if (strstr(name, "-external_ids"))
		return str_or_null(d, "imdb_id", 1) && num_field(d, "id") ? NULL : "imdb_id";
	if (cJSON_GetObjectItemCaseSensitive(d, "title") && !movie_details_ok(d))
		return "movie details";
	return NULL;
}

/* Load peers/<name> into a tree, or NULL (reported as a failure). */
static cJSON *
load_body(const char *dir, const char *name)
{
	char *file = mv_xasprintf("%s/%s", dir, name);
	const char *why;
	cJSON *doc = mv_json_load(file, 64 << 20, &why);

	if (!doc)
		ok(0, "load %s: %s", name, why);
	free(file);
	return doc;
}

/* Add the part stored alone in peers/<file> to tm under part, as
 * append_to_response would have (without the part's own "id"). */
static void
merge_part(cJSON *tm, const char *dir, const char *file, const char *part)
{
	cJSON *p = load_body(dir, file);

	if (!p)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(p, "id");
	mv_json_set(tm, part, p);
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* 1 if the profile's string member key equals tm's tkey (null for ""). */
static int
same_str(const cJSON *doc, const char *key, const cJSON *tm, const char *tkey)
{
	const char *want = mv_json_str(tm, tkey, NULL);
	const cJSON *got = get(doc, key);

	if (!want || !*want)
		return cJSON_IsNull(got) || (cJSON_IsString(got) && !*got->valuestring);
	return cJSON_IsString(got) && strcmp(got->valuestring, want) == 0;
}

/* The basic members of doc carry tm's values without loss. */
static void
check_basic(const char *name, const cJSON *doc, const cJSON *tm)
{
	const cJSON *ext = get(doc, "externalIds"), *g, *t;
	const char *imdb = mv_json_str(tm, "imdb_id", NULL);
	long long rt = mv_json_int(tm, "runtime", 0);
	int i = 0, gok = 1, tok = 1;

	ok(same_str(doc, "title", tm, "title") && same_str(doc, "originalTitle", tm, "original_title") &&
	    same_str(doc, "releaseDate", tm, "release_date") && same_str(doc, "overview", tm, "overview") &&
	    same_str(doc, "posterPath", tm, "poster_path") &&
	    same_str(doc, "backdropPath", tm, "backdrop_path") &&
	    same_str(doc, "tagline", tm, "tagline"),
	    "%s: titles, date, overview, tagline and image paths kept", name);
	ok(rt > 0 ? mv_json_int(doc, "runtime", 0) == rt : cJSON_IsNull(get(doc, "runtime")),
	    "%s: runtime kept", name);
	ok(mv_json_num(ext, "tmdb", 0) == mv_json_num(tm, "id", -1) &&
	    (!imdb || !*imdb || strcmp(mv_json_str(ext, "imdb", ""), imdb) == 0),
	    "%s: externalIds tmdb and imdb kept", name);
	cJSON_ArrayForEach(g, get(tm, "genres")) {
		const cJSON *n = cJSON_GetArrayItem(get(doc, "genres"), i++);

		gok &= cJSON_IsString(n) && strcmp(n->valuestring, mv_json_str(g, "name", "")) == 0;
	}
	ok(gok && cJSON_GetArraySize(get(doc, "genres")) == i, "%s: %d genres kept", name, i);
	i = 0;
	cJSON_ArrayForEach(t, get(get(tm, "translations"), "translations")) {
		const char *title = mv_json_str(get(t, "data"), "title", "");
		char key[16];

		if (!*title)
			continue;
		snprintf(key, sizeof key, "%s-%s", mv_json_str(t, "iso_639_1", ""),
		    mv_json_str(t, "iso_3166_1", ""));
		tok &= cJSON_IsString(get(get(doc, "titles"), key));
		i++;
	}
	ok(tok, "%s: the %d translated titles kept", name, i);
}

/* The medium members: every kept credit is TMDB's, name and role. */
static void
check_medium(const char *name, const cJSON *doc, const cJSON *tm)
{
	const cJSON *cr = get(tm, "credits"), *c, *x;
	int good = 1, n = 0;

	cJSON_ArrayForEach(c, get(get(doc, "credits"), "cast")) {
		int found = 0;

		cJSON_ArrayForEach(x, get(cr, "cast"))
			if (mv_json_num(x, "id", 0) == mv_json_num(c, "tmdb", -1) &&
			    !strcmp(mv_json_str(x, "name", ""), mv_json_str(c, "name", "?")) &&
			    !strcmp(mv_json_str(x, "character", ""), mv_json_str(c, "character", "?")))
				found = 1;
		good &= found && mv_id_valid(mv_json_str(c, "person", ""), 'p');
		n++;
	}
	cJSON_ArrayForEach(c, get(get(doc, "credits"), "crew")) {
		int found = 0;

		cJSON_ArrayForEach(x, get(cr, "crew"))
			if (mv_json_num(x, "id", 0) == mv_json_num(c, "tmdb", -1) &&
			    !strcmp(mv_json_str(x, "job", ""), mv_json_str(c, "job", "?")))
				found = 1;
		good &= found;
		n++;
	}
	ok(good && n > 0, "%s: %d credits kept, each as TMDB gave it", name, n);
	n = 0;
	cJSON_ArrayForEach(c, get(tm, "production_countries"))
		n++;
	is_int(cJSON_GetArraySize(get(doc, "productionCountries")), n,
	    "production countries kept");
}

/*
 * Our model: the real movie bodies (parts merged as append_to_response
 * would) go through mv_movie_apply into MovieProfiles that keep every
 * value and validate against the schema.
 */
static void
test_model(const char *top)
{
	static const struct { const char *file; const char *parts[6][2]; } bodies[] = {
		{ "movie-47964.json", { { "movie-47964-translations.json", "translations" },
			{ "movie-47964-credits.json", "credits" },
			{ "movie-47964-keywords.json", "keywords" },
			{ "movie-47964-videos.json", "videos" },
			{ "movie-47964-release_dates.json", "release_dates" } } },
		{ "movie-550-en.json", { { "movie-550-credits-en.json", "credits" } } },
		{ "movie-19995-de-DE-append-images.json", { { NULL, NULL } } },
		{ "movie-299534-fr-FR-append.json", { { NULL, NULL } } },
		{ "movie-tt1345836-append-credits-images-keywords.json", { { NULL, NULL } } },
	};
	char *dir = peers_dir(top), *schemas = mv_xasprintf("%s/schemas", top);
	char tmp[] = "/tmp/test_tmdb.XXXXXX";
	struct mv_schemas *set;
	DIR *d;

	if (!(d = opendir(dir))) {
		/* They are part of the tree: missing is a failure, not a skip. */
		ok(0, "the real TMDB bodies for the model are in %s", dir);
		free(dir);
		free(schemas);
		return;
	}
	closedir(d);
	if (!mkdtemp(tmp) || mv_data_open(tmp, 1) != 0) {
		ok(0, "a scratch data directory");
		free(dir);
		free(schemas);
		return;
	}
	set = mv_schemas_load(schemas);
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		const char *name = bodies[i].file;
		cJSON *tm = load_body(dir, name), *doc;
		int errs;

		if (!tm)
			continue;
		for (int j = 0; j < 6 && bodies[i].parts[j][0]; j++)
			merge_part(tm, dir, bodies[i].parts[j][0], bodies[i].parts[j][1]);
		doc = mv_movie_create("placeholder", 0, NULL, NULL);
		ok(doc != NULL, "%s: a minimal profile to fill", name);
		if (!doc) {
			cJSON_Delete(tm);
			continue;
		}
		is_int(mv_movie_apply(doc, tm, MV_BASIC), 0, "applied at basic");
		check_basic(name, doc, tm);
		if (get(tm, "credits")) {
			is_int(mv_movie_apply(doc, tm, MV_MEDIUM), 0, "applied at medium");
			check_medium(name, doc, tm);
		}
		if (set) {
			errs = mv_schema_validate(set, "MovieProfile.json", doc,
			    mv_schema_err_print, (void *)name);
			is_int(errs, 0, "the profile is a valid MovieProfile");
		}
		cJSON_Delete(doc);
		cJSON_Delete(tm);
	}
	if (!set)
		ok(0, "load the schemas from %s", schemas);
	mv_schemas_free(set);
	{
		char *cmd = mv_xasprintf("rm -rf '%s'", tmp);

		(void)system(cmd);
		free(cmd);
	}
	free(dir);
	free(schemas);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_peers(const char *top)
{
	char *dir = peers_dir(top), **names = NULL;
	size_t n = 0, cap = 0;
	int have_jq = system("jq --version >/dev/null 2>&1") == 0;
	struct dirent *e;
	DIR *d;

	if (!(d = opendir(dir))) {
		ok(0, "the real TMDB bodies are in %s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		/* response-headers-observed.json is not a reply body. */
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") ||
		    strcmp(e->d_name, "response-headers-observed.json") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			names = mv_xrealloc(names, cap * sizeof *names);
		}
		names[n++] = mv_xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, name_cmp);
	ok(n >= 25, "%s holds the real bodies (%zu)", dir, n);
	for (size_t i = 0; i < n; i++) {
		char *file = mv_xasprintf("%s/%s", dir, names[i]), *text, *diff;
		const char *why = "";
		struct mv_buf b = { 0 };
		cJSON *doc, *path;
		size_t len;

		if (mv_slurp(file, 64 << 20, &text, &len) < 0) {
			ok(0, "read %s: %s", names[i], strerror(errno));
			free(file);
			continue;
		}
		doc = mv_tmdb_parse(text, len, &why);
		ok(doc != NULL, "%s parses as one TMDB object%s%s", names[i],
		    doc ? "" : ": ", doc ? "" : why);
		if (doc) {
			why = kept_fields(names[i], doc);
			ok(why == NULL, "%s: the kept fields are there, typed%s%s", names[i],
			    why ? ": " : "", why ? why : "");
			if (have_jq) {
				path = cJSON_CreateArray();
				walk(doc, path, &b);
				cJSON_Delete(path);
				diff = compare_with_jq(file, b.buf ? b.buf : "");
				ok(diff == NULL, "%s: every value equals jq's reading", names[i]);
				if (diff)
					printf("#   %s\n", diff);
				free(diff);
			} else
				printf("ok %d - # SKIP jq is not installed\n", ++tap_n);
		}
		mv_buf_free(&b);
		cJSON_Delete(doc);
		free(text);
		free(file);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static void
test_parse_errors(void)
{
	const char *why;
	cJSON *d;
	static const char full[] = "{\"id\":63,\"title\":\"Twelve Monkeys\"}";

	ok(!mv_tmdb_parse(full, sizeof full / 2, &why) && !strcmp(why, "invalid JSON"),
	    "a body cut in half is invalid JSON");
	ok(!mv_tmdb_parse("[1,2]", 5, &why) && !strcmp(why, "not a JSON object"),
	    "an array is not a TMDB object");
	ok(!mv_tmdb_parse("{} {}", 5, &why) && !strcmp(why, "trailing data after the JSON document"),
	    "two documents are refused");
	ok(!mv_tmdb_parse("", 0, &why) && !strcmp(why, "empty body"), "an empty body is refused");
	d = mv_tmdb_parse("{\"id\":12345678901}\n", 19, &why);
	ok(d && mv_json_int(d, "id", 0) == 12345678901LL, "ids beyond INT_MAX survive");
	cJSON_Delete(d);
}

/* Count the items of a comma-separated list. */
static int
items(const char *s)
{
	int n = *s ? 1 : 0;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

static void
test_levels(void)
{
	const char *deep = mv_tmdb_level_parts(MV_DEEP);
	static const char *const need[] = { "credits", "images", "videos", "keywords",
		"release_dates", "external_ids", "watch/providers", "translations",
		"alternative_titles" };

	/* images from basic up: the card's poster (issue 17). */
	is_str(mv_tmdb_level_parts(MV_BASIC), "external_ids,translations,alternative_titles,images",
	    "basic parts");
	is_str(mv_tmdb_level_parts(MV_MINIMAL), "external_ids,translations,alternative_titles,images",
	    "minimal = basic");
	is_str(mv_tmdb_level_parts(MV_MEDIUM),
	    "external_ids,translations,alternative_titles,images,credits", "medium parts");
	is_int(items(deep), 9, "deep has 9 parts, within TMDB's 20");
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		ok(strstr(deep, need[i]) != NULL, "deep has %s", need[i]);
}

/* The offline sample through a file:// base URL: no server, no key. */
static void
test_file_base(const char *top)
{
	char *url = mv_xasprintf("file://%s/data/sample/tmdb", top);
	cJSON *m = NULL;
	int code;

	setenv("MV_TMDB_URL", url, 1);
	unsetenv("TMDB_TOKEN");
	unsetenv("TMDB_API_KEY");
	unsetenv("CREDENTIALS_DIRECTORY");
	code = mv_tmdb_movie(63, MV_BASIC, NULL, &m);
	is_int(code, MV_EX_OK, "file:// movie 63 at basic");
	is_str(mv_json_str(m, "title", NULL), "Twelve Monkeys", "its title");
	is_str(mv_json_str(cJSON_GetObjectItemCaseSensitive(m, "external_ids"), "imdb_id", NULL),
	    "tt0114746", "its appended IMDb id");
	ok(!cJSON_HasObjectItem(m, "credits"), "no part that basic did not ask for");
	cJSON_Delete(m);
	m = NULL;
	code = mv_tmdb_movie(63, MV_DEEP, NULL, &m);
	ok(code == 0 && cJSON_HasObjectItem(m, "watch/providers") &&
	    cJSON_HasObjectItem(m, "release_dates"), "file:// movie 63 at deep has its parts");
	cJSON_Delete(m);
	m = NULL;
	is_int(mv_tmdb_movie(424242424, MV_BASIC, NULL, &m), MV_EX_NOTFOUND,
	    "a missing movie is not found (a message on stderr)");
	ok(m == NULL, "and no tree");
	free(url);
}

/* The work tree: $MV_TOP, else three levels above this program
 * (<top>/build/unit/test_tmdb), else the current directory. malloc'd. */
static char *
find_top(void)
{
	const char *e = getenv("MV_TOP");
	char exe[4096], *slash, *probe;
	ssize_t n;
	int i;

	if (e && *e)
		return mv_xstrdup(e);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		for (i = 0; i < 3 && (slash = strrchr(exe, '/')); i++)
			*slash = '\0';
		probe = mv_xasprintf("%s/data/sample/tmdb", exe);
		i = access(probe, F_OK);
		free(probe);
		if (i == 0)
			return mv_xstrdup(exe);
	}
	return getcwd(exe, sizeof exe) ? mv_xstrdup(exe) : mv_xstrdup(".");
}

int
main(void)
{
	char *top;
	int code;

	mv_init("test_tmdb");
	top = find_top();
	test_parse_errors();
	test_levels();
	test_file_base(top);
	test_peers(top);
	test_model(top);
	code = tap_done();
	free(top);
	return code;
}
