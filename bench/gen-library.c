/* gen-library.c: write a synthetic library (Movies/, People/) for benchmarks. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

static const char USAGE[] =
    "usage: gen-library [-m MOVIES] [-p PEOPLE] [-s SEED] DIR\n"
    "  writes MOVIES movie profiles (default 10000) and PEOPLE person\n"
    "  profiles (default 50000) in the schema's shape under DIR\n";

/* xorshift64*: reproducible across runs and machines, unlike rand(). */
static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static long
range(long lo, long hi)
{
	return lo + (long)(rnd() % (uint64_t)(hi - lo + 1));
}

static const char *const words[] = {
	"night", "river", "city", "ghost", "summer", "machine", "winter",
	"silent", "golden", "last", "dark", "blue", "road", "house", "storm",
	"king", "garden", "stranger", "monkeys", "twelve", "return", "secret",
	"island", "fire", "glass", "dream", "empire", "heart", "shadow", "star",
};
#define NWORDS (sizeof words / sizeof words[0])

static const char *const genres[] = {
	"Drama", "Comedy", "Thriller", "Science Fiction", "Horror", "Romance",
	"Crime", "Animation", "Documentary", "Adventure", "Mystery", "War",
};

static const char *const jobs[][2] = {
	{"Director", "Directing"}, {"Screenplay", "Writing"},
	{"Producer", "Production"}, {"Original Music Composer", "Sound"},
	{"Director of Photography", "Camera"}, {"Editor", "Editing"},
	{"Casting", "Production"}, {"Costume Design", "Costume & Make-Up"},
};

static const char *const countries[] = {
	"US", "FR", "DE", "GB", "IT", "ES", "JP", "CA", "AU", "BR", "SE", "KR",
};

/* A phrase of n random words, capitalised; malloc'd. */
static char *
phrase(int n)
{
	struct mv_buf b = {0};

	for (int i = 0; i < n; i++) {
		const char *w = words[rnd() % NWORDS];

		if (i)
			mv_buf_adds(&b, " ");
		mv_buf_printf(&b, "%c%s", i == 0 ? w[0] - 32 : w[0], w + 1);
	}
	return b.buf;
}

static void
add_phrase(cJSON *o, const char *key, int n)
{
	char *s = phrase(n);

	cJSON_AddStringToObject(o, key, s);
	free(s);
}

/* One link of a person back to a movie, collected while writing movies. */
struct link {
	long movie;
	int crew;
	int job;    /* index into jobs[] for crew */
	int ch;     /* a character number for cast */
};
struct plinks {
	struct link *v;
	size_t n, cap;
};

static void
write_doc(const char *dir, char kind, long n, cJSON *doc)
{
	char *path = mv_xasprintf("%s/%s/%c%ld.json", dir,
	    kind == 'm' ? "Movies" : "People", kind, n);
	char *text = cJSON_Print(doc);
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fputc('\n', f) == EOF || fclose(f) == EOF)
		mv_die(MV_EX_IOERR, "write %s", path);
	free(text);
	free(path);
}

/* Pick a person, skewed so a few people appear in many movies. */
static long
pick_person(long people)
{
	uint64_t r = rnd() % 1000;

	if (r < 300)
		return range(1, people / 50 > 0 ? people / 50 : 1);
	return range(1, people);
}

static void
gen_movie(const char *dir, long id, long people, struct plinks *pl)
{
	cJSON *m = cJSON_CreateObject(), *o, *a, *c;
	long r = range(0, 99), year = range(1920, 2025);
	int level = r < 5 ? 0 : r < 30 ? 1 : r < 75 ? 2 : 3;
	char when[32], *title = phrase((int)range(1, 4)), buf[64];
	time_t t0 = 1767225600 + id * 60;

	cJSON_AddNumberToObject(m, "schemaVersion", 2);
	snprintf(buf, sizeof buf, "m%ld", id);
	cJSON_AddStringToObject(m, "id", buf);
	cJSON_AddStringToObject(m, "level", mv_level_name((enum mv_level)level));
	cJSON_AddStringToObject(m, "status", level ? "ready" : "initial");
	cJSON_AddStringToObject(m, "createdAt", mv_time_fmt(t0, when));
	cJSON_AddStringToObject(m, "updatedAt", mv_time_fmt(t0 + 3600, when));
	cJSON_AddStringToObject(m, "title", title);
	cJSON_AddNumberToObject(m, "year", (double)year);
	o = cJSON_AddObjectToObject(m, "parsed");
	cJSON_AddStringToObject(o, "title", title);
	cJSON_AddNumberToObject(o, "year", (double)year);
	cJSON_AddStringToObject(o, "resolution", "1080p");
	o = cJSON_AddObjectToObject(m, "externalIds");
	if (level) {
		cJSON_AddNumberToObject(o, "tmdb", (double)(1000 + id * 7));
		snprintf(buf, sizeof buf, "tt%07ld", 100000 + id);
		cJSON_AddStringToObject(o, "imdb", buf);
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(m, "videos"), o);
	snprintf(buf, sizeof buf, "assets/videos/%s (%ld) [tmdbid-%ld].mkv",
	    title, year, 1000 + id * 7);
	cJSON_AddStringToObject(o, "path", buf);
	cJSON_AddNumberToObject(o, "size", (double)range(700000000, 9000000000));
	cJSON_AddStringToObject(o, "source", "incoming");
	cJSON_AddStringToObject(o, "addedAt", mv_time_fmt(t0 + 60, when));
	if (level >= 1) {
		cJSON_AddStringToObject(m, "originalTitle", title);
		cJSON_AddStringToObject(m, "originalLanguage", "en");
		snprintf(buf, sizeof buf, "%ld-%02ld-%02ld", year, range(1, 12), range(1, 28));
		cJSON_AddStringToObject(m, "releaseDate", buf);
		cJSON_AddNumberToObject(m, "runtime", (double)range(75, 190));
		a = cJSON_AddArrayToObject(m, "genres");
		/* Distinct, as the schema wants (uniqueItems): a repeat takes
		 * the next genre, so the generator draws as many numbers as
		 * before and a library of a seed stays the same elsewhere. */
		for (long i = range(1, 3), g[3], n = 0; i > 0; i--, n++) {
			g[n] = (long)(rnd() % 12);
			for (long k = 0; k < n; k++)
				if (g[k] == g[n]) {
					g[n] = (g[n] + 1) % 12;
					k = -1;
				}
			cJSON_AddItemToArray(a, cJSON_CreateString(genres[g[n]]));
		}
		add_phrase(m, "overview", (int)range(25, 70));
		snprintf(buf, sizeof buf, "/%016llx.jpg", (unsigned long long)rnd());
		cJSON_AddStringToObject(m, "posterPath", buf);
		snprintf(buf, sizeof buf, "/%016llx.jpg", (unsigned long long)rnd());
		cJSON_AddStringToObject(m, "backdropPath", buf);
		add_phrase(m, "tagline", (int)range(3, 9));
		cJSON_AddNumberToObject(m, "voteAverage", (double)range(20, 90) / 10);
		o = cJSON_AddObjectToObject(m, "titles");
		for (int i = 0; i < 4; i++)
			add_phrase(o, countries[i + 1], (int)range(1, 4));
	}
	if (level >= 2) {
		c = cJSON_AddObjectToObject(m, "credits");
		a = cJSON_AddArrayToObject(c, "cast");
		for (long i = 0, n = range(12, 45); i < n; i++) {
			long p = pick_person(people);
			cJSON *e = cJSON_CreateObject();
			struct plinks *l = &pl[p];

			snprintf(buf, sizeof buf, "p%ld", p);
			cJSON_AddStringToObject(e, "person", buf);
			cJSON_AddNumberToObject(e, "tmdb", (double)(5000 + p * 3));
			snprintf(buf, sizeof buf, "Person Number %ld", p);
			cJSON_AddStringToObject(e, "name", buf);
			snprintf(buf, sizeof buf, "Character %ld", i + 1);
			cJSON_AddStringToObject(e, "character", buf);
			cJSON_AddNumberToObject(e, "order", (double)i);
			cJSON_AddItemToArray(a, e);
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 4;
				l->v = mv_xrealloc(l->v, l->cap * sizeof *l->v);
			}
			l->v[l->n++] = (struct link){id, 0, 0, (int)i + 1};
		}
		a = cJSON_AddArrayToObject(c, "crew");
		for (long i = 0, n = range(8, 40); i < n; i++) {
			long p = pick_person(people);
			int j = (int)(i < 8 ? i : range(0, 7));
			cJSON *e = cJSON_CreateObject();
			struct plinks *l = &pl[p];

			snprintf(buf, sizeof buf, "p%ld", p);
			cJSON_AddStringToObject(e, "person", buf);
			cJSON_AddNumberToObject(e, "tmdb", (double)(5000 + p * 3));
			snprintf(buf, sizeof buf, "Person Number %ld", p);
			cJSON_AddStringToObject(e, "name", buf);
			cJSON_AddStringToObject(e, "job", jobs[j][0]);
			cJSON_AddStringToObject(e, "department", jobs[j][1]);
			cJSON_AddItemToArray(a, e);
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 4;
				l->v = mv_xrealloc(l->v, l->cap * sizeof *l->v);
			}
			l->v[l->n++] = (struct link){id, 1, j, 0};
		}
		a = cJSON_AddArrayToObject(m, "productionCountries");
		cJSON_AddItemToArray(a, cJSON_CreateString(countries[rnd() % 12]));
	}
	if (level >= 3) {
		o = cJSON_AddObjectToObject(m, "images");
		snprintf(buf, sizeof buf, "assets/images/m%ld-poster.jpg", id);
		cJSON_AddStringToObject(o, "poster", buf);
		snprintf(buf, sizeof buf, "assets/images/m%ld-backdrop.jpg", id);
		cJSON_AddStringToObject(o, "backdrop", buf);
		a = cJSON_AddArrayToObject(m, "trailers");
		for (long i = range(1, 6); i > 0; i--) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "site", "YouTube");
			snprintf(buf, sizeof buf, "%011llx", (unsigned long long)rnd() % 100000000000ULL);
			cJSON_AddStringToObject(e, "key", buf);
			cJSON_AddStringToObject(e, "type", "Trailer");
			add_phrase(e, "name", 3);
			cJSON_AddItemToArray(a, e);
		}
		a = cJSON_AddArrayToObject(m, "keywords");
		for (long i = range(3, 15); i > 0; i--)
			cJSON_AddItemToArray(a, cJSON_CreateString(words[rnd() % NWORDS]));
		o = cJSON_AddObjectToObject(m, "releaseDates");
		for (int k = 0; k < 12; k++) {
			cJSON *e = cJSON_CreateObject();

			a = cJSON_AddArrayToObject(o, countries[k]);
			cJSON_AddNumberToObject(e, "type", 3);
			snprintf(buf, sizeof buf, "%ld-06-01T00:00:00.000Z", year);
			cJSON_AddStringToObject(e, "date", buf);
			cJSON_AddStringToObject(e, "certification", k % 3 ? "12" : "");
			cJSON_AddItemToArray(a, e);
		}
		cJSON_AddStringToObject(m, "certification", "PG-13");
		o = cJSON_AddObjectToObject(m, "watchProviders");
		cJSON_AddStringToObject(o, "region", "FR");
		cJSON_AddStringToObject(o, "link", "https://www.themoviedb.org/movie/1/watch?locale=FR");
		static const char *const kinds[] = {"free", "ads", "flatrate", "rent", "buy"};
		for (int k = 0; k < 5; k++) {
			a = cJSON_AddArrayToObject(o, kinds[k]);
			for (long i = range(0, 3); i > 0; i--) {
				cJSON *e = cJSON_CreateObject();

				cJSON_AddNumberToObject(e, "id", (double)range(1, 600));
				add_phrase(e, "name", 2);
				cJSON_AddStringToObject(e, "logoPath", "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg");
				cJSON_AddItemToArray(a, e);
			}
		}
	}
	o = cJSON_AddObjectToObject(m, "levels");
	for (int l = 0; l <= level; l++)
		cJSON_AddStringToObject(o, mv_level_name((enum mv_level)l), mv_time_fmt(t0 + l * 60, when));
	write_doc(dir, 'm', id, m);
	cJSON_Delete(m);
	free(title);
}

static void
gen_person(const char *dir, long id, const struct plinks *l)
{
	cJSON *p = cJSON_CreateObject(), *o, *a;
	char buf[64], when[32];
	int deep = rnd() % 5 == 0;
	time_t t0 = 1767225600 + id;

	cJSON_AddNumberToObject(p, "schemaVersion", 1);
	snprintf(buf, sizeof buf, "p%ld", id);
	cJSON_AddStringToObject(p, "id", buf);
	cJSON_AddStringToObject(p, "level", deep ? "deep" : "minimal");
	snprintf(buf, sizeof buf, "Person Number %ld", id);
	cJSON_AddStringToObject(p, "name", buf);
	o = cJSON_AddObjectToObject(p, "externalIds");
	cJSON_AddNumberToObject(o, "tmdb", (double)(5000 + id * 3));
	cJSON_AddStringToObject(p, "createdAt", mv_time_fmt(t0, when));
	cJSON_AddStringToObject(p, "updatedAt", mv_time_fmt(t0, when));
	a = cJSON_AddArrayToObject(p, "movies");
	for (size_t i = 0; l && i < l->n; i++) {
		cJSON *e = cJSON_CreateObject();

		snprintf(buf, sizeof buf, "m%ld", l->v[i].movie);
		cJSON_AddStringToObject(e, "movie", buf);
		cJSON_AddStringToObject(e, "role", l->v[i].crew ? "crew" : "cast");
		if (l->v[i].crew)
			cJSON_AddStringToObject(e, "job", jobs[l->v[i].job][0]);
		else {
			snprintf(buf, sizeof buf, "Character %d", l->v[i].ch);
			cJSON_AddStringToObject(e, "character", buf);
		}
		cJSON_AddItemToArray(a, e);
	}
	if (deep) {
		add_phrase(p, "biography", (int)range(40, 200));
		snprintf(buf, sizeof buf, "19%02ld-%02ld-%02ld", range(20, 99), range(1, 12), range(1, 28));
		cJSON_AddStringToObject(p, "birthday", buf);
		cJSON_AddNullToObject(p, "deathday");
		add_phrase(p, "placeOfBirth", 3);
		cJSON_AddStringToObject(p, "knownForDepartment", "Acting");
		cJSON_AddStringToObject(p, "profilePath", "/kU3B75TyRiCgE270EyZnHjfivoq.jpg");
		snprintf(buf, sizeof buf, "assets/images/p%ld-profile.jpg", id);
		cJSON_AddStringToObject(p, "image", buf);
		a = cJSON_AddArrayToObject(p, "alsoKnownAs");
		cJSON_AddItemToArray(a, cJSON_CreateString("Another Name"));
	}
	write_doc(dir, 'p', id, p);
	cJSON_Delete(p);
}

int
main(int argc, char **argv)
{
	long movies = 10000, people = 50000;
	struct plinks *pl;
	char *d;
	int c;

	mv_init(argv[0]);
	while ((c = getopt(argc, argv, "hm:p:s:")) != -1) {
		switch (c) {
		case 'm': movies = atol(optarg); break;
		case 'p': people = atol(optarg); break;
		case 's': rng ^= (uint64_t)atoll(optarg) * 0x9E3779B97F4A7C15ULL; break;
		case 'h': fputs(USAGE, stdout); return 0;
		default: fputs(USAGE, stderr); return MV_EX_USAGE;
		}
	}
	if (optind != argc - 1 || movies < 1 || people < 1) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	for (int i = 0; i < 2; i++) {
		d = mv_xasprintf("%s/%s", argv[optind], i ? "People" : "Movies");
		if (mv_mkdir_p(d, 0755) < 0)
			mv_die(MV_EX_CANTCREAT, "create %s", d);
		free(d);
	}
	pl = mv_xcalloc((size_t)people + 1, sizeof *pl);
	for (long i = 1; i <= movies; i++)
		gen_movie(argv[optind], i, people, pl);
	for (long i = 1; i <= people; i++) {
		gen_person(argv[optind], i, &pl[i]);
		free(pl[i].v);
	}
	free(pl);
	return mv_finish(0);
}
