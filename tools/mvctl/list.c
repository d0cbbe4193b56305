/* list.c: mvctl ls, show, people and parse: reading the library. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "mvctl.h"

/* The items of a listing, in the order and filter of l (lib/listing.c,
 * the rules mvserve lists by too). */
struct listed {
	const cJSON **v;  /* the items, borrowed */
	size_t *sel;      /* positions in v, in order; total of them kept */
	size_t total;
};

static void
list_select(struct listed *ls, const cJSON *items, const struct mv_listing *l)
{
	const cJSON *it;
	size_t n = 0;

	ls->v = mv_xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *ls->v);
	cJSON_ArrayForEach(it, items)
		ls->v[n++] = it;
	ls->sel = mv_xcalloc(n + 1, sizeof *ls->sel);
	mv_list_order(ls->v, n, l->sort, ls->sel);
	ls->total = mv_list_filter(ls->v, ls->sel, n, l->q, NULL);
}

static void
list_free(struct listed *ls)
{
	free(ls->v);
	free(ls->sel);
}

static void
put_listed(struct mv_buf *b, size_t i, void *ctx)
{
	const struct listed *ls = ctx;
	char *s = mv_json_compact(ls->v[ls->sel[i]]);

	mv_buf_adds(b, s);
	free(s);
}

/* Print l's page of ls as a PaginatedResponse line; base is the
 * mvserve route of the same listing, for the next/prev links. */
static void
put_page(struct listed *ls, const struct mv_listing *l, const char *base)
{
	struct mv_buf b = { 0 };

	mv_list_write(&b, l, ls->total, base, put_listed, ls);
	puts(b.buf);
	mv_buf_free(&b);
}

/* Parse --sort's key. */
static int
sort_arg(const char *s)
{
	int k = mv_sort_parse(s);

	if (k < 0)
		ctl_usage_error("bad sort key \"%s\": " MV_SORT_HELP, s);
	return k;
}

/* Parse a positive count for option opt. */
static long long
pos_arg(const char *opt, const char *s)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end || n < 1 || n > 1000000000)
		ctl_usage_error("bad number for %s", opt);
	return n;
}

/* One line of a human movie listing. */
static void
put_movie_line(const cJSON *it)
{
	long long y = mv_json_int(it, "year", 0);
	char year[16] = "";

	if (y)
		snprintf(year, sizeof year, "%lld", y);
	printf("%-7s %-4s  %-7s %-12s %s\n", mv_json_str(it, "id", "?"), year,
	    mv_json_str(it, "level", "?"), mv_json_str(it, "status", "?"),
	    mv_movie_title_for(it, NULL, MV_TITLE_LOCAL));
}

int
v_ls(int argc, char **argv)
{
	static const struct option lo[] = {
		{"page", required_argument, NULL, 'p'},
		{"per-page", required_argument, NULL, 'n'},
		{"sort", required_argument, NULL, 's'},
		{"query", required_argument, NULL, 'q'},
		COMMON_OPTS
	};
	struct mv_listing l = { MV_SORT_TITLE, 1, 20, NULL };
	struct listed ls;
	cJSON *idx, *items;
	size_t from, to;
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': l.page = pos_arg("--page", optarg); break;
		case 'n': l.per_page = pos_arg("--per-page", optarg); break;
		case 's': l.sort = sort_arg(optarg); break;
		case 'q': l.q = optarg; break;
		default: ctl_common_opt(c);
		}
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_open_library();
	idx = ctl_load_index("movies", &items);
	list_select(&ls, items, &l);
	if (ctl_want_json())
		put_page(&ls, &l, "/movies");
	else {
		mv_list_range(&l, ls.total, &from, &to);
		for (size_t i = from; i < to; i++)
			put_movie_line(ls.v[ls.sel[i]]);
		printf("page %ld of %ld, %zu movie%s\n", l.page, mv_list_pages(&l, ls.total),
		    ls.total, ls.total == 1 ? "" : "s");
	}
	list_free(&ls);
	cJSON_Delete(idx);
	return MV_EX_OK;
}

/* Join the "name" members of array arr[key] with ", ", at most max. */
static void
put_names(const char *label, const cJSON *arr, const char *key,
    const char *extra, int max)
{
	const cJSON *e;
	int n = 0;

	if (!cJSON_GetArraySize(arr))
		return;
	printf("%-10s", label);
	cJSON_ArrayForEach(e, arr) {
		const char *x = extra ? mv_json_str(e, extra, NULL) : NULL;

		if (n == max) {
			printf(", …");
			break;
		}
		printf("%s%s", n++ ? ", " : "",
		    cJSON_IsString(e) ? e->valuestring : mv_json_str(e, key, "?"));
		if (x && *x)
			printf(" (%s)", x);
	}
	putchar('\n');
}

/* The quality and the tracks of a video's media (lib/probe.c), if it
 * was looked inside: "quality   1080p HDR" then "media     matroska,
 * hevc 1920x1080 HDR10, 2h03m; audio eng 6ch, fra 2ch; subtitles eng
 * forced". */
static void
put_media(const cJSON *media)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(media, "video"), *t;
	double secs = mv_json_num(media, "durationSec", -1);
	int n = 0;

	if (!cJSON_IsObject(media))
		return;
	printf("%-10s%s\n", "quality", mv_json_str(media, "quality", "?"));
	printf("%-10s%s, %s %lldx%lld", "media", mv_json_str(media, "container", "?"),
	    mv_json_str(v, "codec", "?"), mv_json_int(v, "width", 0), mv_json_int(v, "height", 0));
	if (mv_json_str(v, "hdrFormat", NULL))
		printf(" %s", mv_json_str(v, "hdrFormat", ""));
	if (secs >= 0)
		printf(", %dh%02dm", (int)(secs / 3600), (int)secs % 3600 / 60);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(media, "audio"))
		printf("%s%s %lldch", n++ ? ", " : "; audio ", mv_json_str(t, "language", "und"),
		    mv_json_int(t, "channels", 0));
	n = 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(media, "subtitles"))
		printf("%s%s%s", n++ ? ", " : "; subtitles ", mv_json_str(t, "language", "und"),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "forced")) ? " forced" : "");
	putchar('\n');
}

/* Every filed video of m, the main one first as stored: its path, then
 * what tells it from the others (part, edition, quality) and its
 * sidecars, then its media. One plain video prints as before videos[]. */
static void
put_videos(const cJSON *m)
{
	const cJSON *v;

	if (!cJSON_GetArraySize(mv_movie_videos(m)))
		printf("%-10s%s\n", "video", "(none)");
	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		int ns = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "subtitles"));
		int nx = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "extras"));
		const char *sep = "";

		printf("%-10s%s\n", "video", mv_json_str(v, "path", "?"));
		if (mv_json_int(v, "part", 0) > 0 || mv_json_str(v, "edition", NULL) ||
		    mv_json_str(v, "quality", NULL) || ns || nx) {
			printf("%-10s", "");
			if (mv_json_int(v, "part", 0) > 0) {
				printf("part %lld", mv_json_int(v, "part", 0));
				sep = ", ";
			}
			if (mv_json_str(v, "edition", NULL)) {
				printf("%s%s", sep, mv_json_str(v, "edition", ""));
				sep = ", ";
			}
			if (mv_json_str(v, "quality", NULL)) {
				printf("%s%s", sep, mv_json_str(v, "quality", ""));
				sep = ", ";
			}
			if (ns) {
				printf("%s%d subtitle%s", sep, ns, ns == 1 ? "" : "s");
				sep = ", ";
			}
			if (nx)
				printf("%s%d extra%s", sep, nx, nx == 1 ? "" : "s");
			putchar('\n');
		}
		put_media(cJSON_GetObjectItemCaseSensitive(v, "media"));
	}
}

/* How the movie was matched (its "match" evidence), on one line. */
static void
put_match(const cJSON *e)
{
	long long req = mv_json_int(e, "requests", 0);

	if (!cJSON_IsObject(e))
		return;
	if (!strcmp(mv_json_str(e, "by", ""), "id")) {
		if (mv_json_int(e, "tmdb", 0) > 0)
			printf("%-10stmdb:%lld %s", "match", mv_json_int(e, "tmdb", 0),
			    mv_json_str(e, "from", ""));
		else
			printf("%-10s%s %s", "match", mv_json_str(e, "imdb", "?"),
			    mv_json_str(e, "from", ""));
	} else {
		printf("%-10s\"%s\" (%s), year %s, score %lld, margin %lld",
		    "match", mv_json_str(e, "matchedTitle", "?"),
		    ctl_title_kind(mv_json_str(e, "matchedBy", "?")),
		    mv_json_str(e, "yearAgreement", "?"),
		    mv_json_int(e, "score", 0), mv_json_int(e, "margin", 0));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sequel")))
			printf(", sequel number agrees");
	}
	printf(", %lld request%s\n", req, req == 1 ? "" : "s");
}

/* Human summary of a MovieProfile. */
static void
show_movie(const cJSON *m)
{
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(m, "externalIds");
	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(m, "credits");
	const cJSON *e, *crew;
	long long y = mv_json_int(m, "year", 0), rt = mv_json_int(m, "runtime", 0);
	int n = 0;

	printf("%s", mv_movie_title_for(m, NULL, MV_TITLE_LOCAL));
	if (y)
		printf(" (%lld)", y);
	printf("  [%s]\n", mv_json_str(m, "id", "?"));
	printf("%-10s%s, %s\n", "level", mv_json_str(m, "level", "?"),
	    mv_json_str(m, "status", "?"));
	if (cJSON_GetArraySize(ext)) {
		printf("%-10s", "ids");
		cJSON_ArrayForEach(e, ext) {
			if (cJSON_IsNumber(e))
				printf("%s%s:%.0f", n++ ? " " : "", e->string, e->valuedouble);
			else if (cJSON_IsString(e))
				printf("%s%s:%s", n++ ? " " : "", e->string, e->valuestring);
		}
		putchar('\n');
	}
	put_match(cJSON_GetObjectItemCaseSensitive(m, "match"));
	if (rt)
		printf("%-10s%lld min\n", "runtime", rt);
	put_names("genres", cJSON_GetObjectItemCaseSensitive(m, "genres"), NULL, NULL, 8);
	put_names("cast", cJSON_GetObjectItemCaseSensitive(credits, "cast"),
	    "name", "character", 5);
	crew = cJSON_GetObjectItemCaseSensitive(credits, "crew");
	n = 0;
	cJSON_ArrayForEach(e, crew)
		if (!strcmp(mv_json_str(e, "job", ""), "Director"))
			printf("%s%s", n++ ? ", " : "director  ", mv_json_str(e, "name", "?"));
	if (n)
		putchar('\n');
	put_videos(m);
	if (*mv_movie_overview_for(m, NULL))
		printf("\n%s\n", mv_movie_overview_for(m, NULL));
}

int
v_show(int argc, char **argv)
{
	char *id, rel[64];
	cJSON *m;

	ctl_only_common(argc, argv);
	if (argc - optind != 1)
		ctl_usage_error("%s", "expected one movie ID");
	ctl_open_library();
	if (!(id = ctl_resolve_id('m', argv[optind])))
		return MV_EX_NOTFOUND;
	snprintf(rel, sizeof rel, "Movies/%s.json", id);
	free(id);
	if (!(m = ctl_load_rel(rel, 1))) {
		if (errno == ENOENT)
			mv_warnx("unable to read %s: vanished", rel);
		return MV_EX_DATAERR;
	}
	if (ctl_want_json())
		ctl_put_json(m);
	else
		show_movie(m);
	cJSON_Delete(m);
	return MV_EX_OK;
}

/*
 * The movies of a person from index/people.json, one item per credit:
 * the movie's index entry with the credit's role, character or job and
 * "movie" (its id again), as mvserve's /people/{id}/movies gives them.
 * A credit whose movie the movie index does not hold yet is left out,
 * as mvserve leaves it out. Returns an array the caller deletes.
 */
static cJSON *
person_movies(const char *id)
{
	static const char *const credit[] = { "role", "character", "job", "movie" };
	cJSON *pidx, *pitems, *midx, *mitems, *p, *out = cJSON_CreateArray(), *l;

	pidx = ctl_load_index("people", &pitems);
	midx = ctl_load_index("movies", &mitems);
	cJSON_ArrayForEach(p, pitems) {
		if (strcmp(mv_json_str(p, "id", ""), id))
			continue;
		cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(p, "movies")) {
			const char *mid = mv_json_str(l, "movie", "");
			cJSON *m, *o;

			cJSON_ArrayForEach(m, mitems)
				if (!strcmp(mv_json_str(m, "id", ""), mid))
					break;
			if (!m)
				continue;
			o = cJSON_Duplicate(m, 1);
			for (size_t i = 0; i < sizeof credit / sizeof *credit; i++) {
				cJSON *x = cJSON_GetObjectItemCaseSensitive(l, credit[i]);

				if (x)
					mv_json_set(o, credit[i], cJSON_Duplicate(x, 1));
			}
			cJSON_AddItemToArray(out, o);
		}
		break;
	}
	cJSON_Delete(pidx);
	cJSON_Delete(midx);
	return out;
}

/* The text of a person: the profile's summary, then the movies in l's
 * order. */
static void
show_person(const cJSON *p, const char *id, struct listed *ls)
{
	const char *s;

	printf("%s  [%s]\n", mv_json_str(p, "name", "?"), id);
	printf("%-10s%s\n", "level", mv_json_str(p, "level", "?"));
	if ((s = mv_json_str(p, "knownForDepartment", NULL)))
		printf("%-10s%s\n", "known for", s);
	if ((s = mv_json_str(p, "birthday", NULL)))
		printf("%-10s%s\n", "born", s);
	for (size_t i = 0; i < ls->total; i++) {
		const cJSON *e = ls->v[ls->sel[i]];
		long long y = mv_json_int(e, "year", 0);

		printf("  %-7s %s", mv_json_str(e, "movie", "?"),
		    mv_movie_title_for(e, NULL, MV_TITLE_LOCAL));
		if (y)
			printf(" (%lld)", y);
		s = mv_json_str(e, "character", mv_json_str(e, "job", NULL));
		printf("  %s%s%s\n", mv_json_str(e, "role", ""), s ? ": " : "",
		    s ? s : "");
	}
}

int
v_people(int argc, char **argv)
{
	static const struct option lo[] = {
		{"movies", no_argument, NULL, 'm'},
		{"page", required_argument, NULL, 'p'},
		{"per-page", required_argument, NULL, 'n'},
		{"sort", required_argument, NULL, 's'},
		COMMON_OPTS
	};
	struct mv_listing l = { MV_SORT_TITLE, 1, 20, NULL };
	struct listed ls;
	int c, movies = 0;
	char *id, rel[64], *base;
	cJSON *p, *list;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'm': movies = 1; break;
		case 'p': l.page = pos_arg("--page", optarg); break;
		case 'n': l.per_page = pos_arg("--per-page", optarg); break;
		case 's': l.sort = sort_arg(optarg); break;
		default: ctl_common_opt(c);
		}
	}
	if (argc - optind != 1)
		ctl_usage_error("%s", "expected one person ID");
	ctl_open_library();
	if (!(id = ctl_resolve_id('p', argv[optind])))
		return MV_EX_NOTFOUND;
	snprintf(rel, sizeof rel, "People/%s.json", id);
	if (!(p = ctl_load_rel(rel, 1))) {
		free(id);
		return MV_EX_DATAERR;
	}
	list = person_movies(id);
	list_select(&ls, list, &l);
	if (movies && ctl_want_json()) {
		base = mv_xasprintf("/people/%s/movies", id);
		put_page(&ls, &l, base);
		free(base);
	} else if (ctl_want_json())
		ctl_put_json(p);
	else
		show_person(p, id, &ls);
	list_free(&ls);
	free(id);
	cJSON_Delete(list);
	cJSON_Delete(p);
	return MV_EX_OK;
}

int
v_parse(int argc, char **argv)
{
	struct mv_name nm;
	int bad = 0;

	ctl_only_common(argc, argv);
	/* One JSON object per name, from the arguments or stdin lines. */
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			if (mv_parse_name(argv[i], &nm) < 0) {
				mv_warnx("unable to parse \"%s\": no title", argv[i]);
				bad++;
			} else {
				cJSON *o = mv_name_json(&nm);

				ctl_put_json(o);
				cJSON_Delete(o);
			}
			mv_name_free(&nm);
		}
	} else {
		struct mv_lines *r = mv_lines_new(0, "stdin", PATH_MAX);
		char *line;
		size_t len;

		while (mv_lines_next(r, &line, &len) > 0) {
			if (mv_parse_name(line, &nm) < 0) {
				mv_warnx("stdin:%lu: unable to parse \"%s\": no title",
				    mv_lines_lineno(r), line);
				bad++;
			} else {
				cJSON *o = mv_name_json(&nm);

				ctl_put_json(o);
				cJSON_Delete(o);
			}
			mv_name_free(&nm);
			fflush(stdout);
		}
		mv_lines_free(r);
	}
	return bad ? MV_EX_DATAERR : MV_EX_OK;
}
