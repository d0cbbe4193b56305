/* mvfetch: fetch movies, people, searches and images from TMDB; print TMDB's JSON. */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

static const char USAGE[] =
	"usage: mvfetch [--data DIR] [--no-cache | --refresh] COMMAND ...\n"
	"       mvfetch movie ID... [--level basic|medium|deep] [--append LIST] [--language L]\n"
	"       mvfetch person ID... [--deep]\n"
	"       mvfetch search TITLE [--year Y] [--page N]\n"
	"       mvfetch find IMDB_ID\n"
	"       mvfetch config\n"
	"       mvfetch providers ID [--region CC]\n"
	"       mvfetch image FILE_PATH [--size SIZE] -o|--output DEST\n"
	"       mvfetch -h | --help | --version\n"
	"  -d, --data DIR  data directory (default $MV_DATA)\n";

/* Longest append_to_response list TMDB accepts. */
#define APPEND_MAX 20

/* A macro's value as a string literal, for messages built at compile time. */
#define STR_(x) #x
#define STR(x) STR_(x)

static void
bad(const char *fmt, const char *arg)
{
	mv_warnx(fmt, arg);
	mv_usage_die(USAGE);
}

/* A TMDB id: 1 to 15 digits, no sign. Returns it, or 0 if malformed. */
static long long
parse_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || s[0] == '0' || strspn(s, "0123456789") != n)
		return 0;
	return strtoll(s, NULL, 10);
}

/* A whole number in [min, max], or -1. */
static long
parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < min || v > max ? -1 : v;
}

/* "fr" or "fr-FR". */
static int
language_ok(const char *s)
{
	return islower((unsigned char)s[0]) && islower((unsigned char)s[1]) &&
	    (s[2] == '\0' || (s[2] == '-' && isupper((unsigned char)s[3]) &&
	    isupper((unsigned char)s[4]) && s[5] == '\0'));
}

/*
 * Merge the level's parts and the user's list into one append_to_response
 * value, without duplicates. Returns malloc'd, or exits 64 on a bad item
 * or more than APPEND_MAX items.
 */
static char *
merge_parts(const char *level_parts, const char *extra)
{
	struct mv_buf b = { 0 };
	char *all = mv_xasprintf("%s,%s", level_parts, extra ? extra : ""), *save, *it;
	int n = 0;

	for (it = strtok_r(all, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(it);
		char *probe;
		int dup;

		if (strspn(it, "abcdefghijklmnopqrstuvwxyz_/") != len || it[0] == '/')
			bad("unable to use --append item \"%s\": not a TMDB part name", it);
		probe = mv_xasprintf(",%s,", it);
		mv_buf_add(&b, ",", 1);  /* b is ",a,b," while we search it */
		dup = strstr(b.buf, probe) != NULL;
		b.len--;
		b.buf[b.len] = '\0';
		free(probe);
		if (dup)
			continue;
		if (++n > APPEND_MAX)
			bad("unable to append %s: TMDB takes at most 20 parts", extra);
		mv_buf_printf(&b, ",%s", it);
	}
	free(all);
	it = mv_xstrdup(b.len ? b.buf + 1 : "");
	mv_buf_free(&b);
	return it;
}

/* Print one reply as compact JSON on one line. */
static void
print_doc(const cJSON *doc)
{
	char *s = mv_json_compact(doc);

	fputs(s, stdout);
	putchar('\n');
	fflush(stdout);
	free(s);
}

/* A failure that every later request would meet as well. */
static int
fatal(int code)
{
	return code != MV_EX_OK && code != MV_EX_NOTFOUND && code != MV_EX_DATAERR;
}

int
main(int argc, char **argv)
{
	enum { O_LEVEL = 256, O_APPEND, O_LANGUAGE, O_DEEP, O_YEAR, O_PAGE, O_REGION,
		O_SIZE, O_NOCACHE, O_REFRESH };
	static const struct option longopts[] = {
		{ "level", required_argument, NULL, O_LEVEL },
		{ "append", required_argument, NULL, O_APPEND },
		{ "language", required_argument, NULL, O_LANGUAGE },
		{ "deep", no_argument, NULL, O_DEEP },
		{ "year", required_argument, NULL, O_YEAR },
		{ "page", required_argument, NULL, O_PAGE },
		{ "region", required_argument, NULL, O_REGION },
		{ "size", required_argument, NULL, O_SIZE },
		{ "output", required_argument, NULL, 'o' },
		{ "no-cache", no_argument, NULL, O_NOCACHE },
		{ "refresh", no_argument, NULL, O_REFRESH },
		MV_OPT_LONG,
		{ NULL, 0, NULL, 0 },
	};
	/* Which subcommand each option belongs to ("" = every one). */
	static const char *const owner[] = {
		[O_LEVEL - O_LEVEL] = "movie", [O_APPEND - O_LEVEL] = "movie",
		[O_LANGUAGE - O_LEVEL] = "movie", [O_DEEP - O_LEVEL] = "person",
		[O_YEAR - O_LEVEL] = "search", [O_PAGE - O_LEVEL] = "search",
		[O_REGION - O_LEVEL] = "providers", [O_SIZE - O_LEVEL] = "image",
	};
	const char *data = NULL, *append = NULL, *language = NULL, *region = NULL;
	const char *size = "w342", *dest = NULL, *cmd, *seen[O_REFRESH - O_LEVEL + 1] = { 0 };
	enum mv_level level = MV_BASIC;
	int c, deep = 0, code = MV_EX_OK, nocache = 0, refresh = 0, nargs;
	long year = 0, page = 1;
	char **args, *parts = NULL;
	cJSON *doc = NULL;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:ho:", longopts, NULL)) != -1) {
		if (c >= O_LEVEL && c <= O_REFRESH)
			seen[c - O_LEVEL] = argv[optind - 1];
		switch (c) {
		case O_LEVEL:
			if ((level = mv_level_parse(optarg)) == MV_LEVEL_BAD)
				bad("unable to use --level %s: want basic, medium or deep", optarg);
			break;
		case O_APPEND:
			append = optarg;
			break;
		case O_LANGUAGE:
			if (!language_ok(optarg))
				bad("unable to use --language %s: want a code like fr or fr-FR", optarg);
			language = optarg;
			break;
		case O_DEEP:
			deep = 1;
			break;
		case O_YEAR:
			if ((year = parse_num(optarg, MV_YEAR_MIN, MV_YEAR_MAX)) < 0)
				bad("unable to use --year %s: want a year from "
				    STR(MV_YEAR_MIN) " to " STR(MV_YEAR_MAX), optarg);
			break;
		case O_PAGE:
			if ((page = parse_num(optarg, 1, 500)) < 0)
				bad("unable to use --page %s: want a page from 1 to 500", optarg);
			break;
		case O_REGION:
			region = optarg;
			break;
		case O_SIZE:
			size = optarg;
			break;
		case 'o':
			dest = optarg;
			break;
		case O_NOCACHE:
			nocache = 1;
			break;
		case O_REFRESH:
			refresh = 1;
			break;
		default:
			mv_opt_common(c, USAGE, &data);
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (nargs < 1)
		bad("unable to run: %s", "no command given");
	cmd = *args++;
	nargs--;
	if (strcmp(cmd, "movie") && strcmp(cmd, "person") && strcmp(cmd, "search") &&
	    strcmp(cmd, "find") && strcmp(cmd, "config") && strcmp(cmd, "providers") &&
	    strcmp(cmd, "image"))
		bad("unable to run %s: no such command", cmd);
	for (size_t i = 0; i < sizeof owner / sizeof owner[0]; i++)
		if (seen[i] && owner[i] && strcmp(owner[i], cmd)) {
			mv_warnx("unable to use %s with %s: it belongs to mvfetch %s",
			    seen[i], cmd, owner[i]);
			mv_usage_die(USAGE);
		}
	if (dest && strcmp(cmd, "image"))
		bad("unable to use -o with %s: it belongs to mvfetch image", cmd);
	if (nocache && refresh)
		bad("unable to use %s: --no-cache and --refresh exclude each other", "both");
	if (level == MV_MINIMAL)
		level = MV_BASIC;
	if (!strcmp(cmd, "movie") || !strcmp(cmd, "person")) {
		if (nargs < 1)
			bad("unable to run %s: no ID given", cmd);
		for (int i = 0; i < nargs; i++)
			if (!parse_id(args[i]))
				bad("unable to use id %s: want a positive TMDB id", args[i]);
	} else if (!strcmp(cmd, "search")) {
		if (nargs < 1)
			bad("unable to run %s: no TITLE given", cmd);
	} else if (!strcmp(cmd, "find")) {
		if (nargs != 1)
			bad("unable to run %s: want exactly one IMDb id", cmd);
		if ((strncmp(args[0], "tt", 2) && strncmp(args[0], "nm", 2)) ||
		    strlen(args[0]) < 9 || strlen(args[0]) > 12 ||
		    strspn(args[0] + 2, "0123456789") != strlen(args[0] + 2))
			bad("unable to use %s: want an IMDb id such as tt0114746", args[0]);
	} else if (!strcmp(cmd, "config")) {
		if (nargs != 0)
			bad("unable to run %s: it takes no argument", cmd);
	} else if (!strcmp(cmd, "providers")) {
		if (nargs != 1 || !parse_id(args[0]))
			bad("unable to run %s: want exactly one TMDB movie id", cmd);
		if (!region)
			region = mv_config_get("region", "FR");
		if (strlen(region) != 2 || !isalpha((unsigned char)region[0]) ||
		    !isalpha((unsigned char)region[1]))
			bad("unable to use region %s: want a country code such as FR", region);
	} else if (!strcmp(cmd, "image")) {
		if (nargs != 1)
			bad("unable to run %s: want exactly one FILE_PATH", cmd);
		if (!dest)
			bad("unable to run %s: -o DEST is required", cmd);
	}

	if (!strcmp(cmd, "movie"))
		parts = merge_parts(mv_tmdb_level_parts(level), append);
	/* A bad URL or a missing key is refused before anything is created. */
	if ((code = mv_tmdb_init()) != 0 || (code = mv_data_open(data, 1)) != 0) {
		free(parts);
		return mv_finish(code);
	}
	mv_tmdb_flags = (nocache ? MV_TMDB_NOCACHE : 0) | (refresh ? MV_TMDB_REFRESH : 0);

	if (!strcmp(cmd, "movie")) {
		/* Go on past a missing or broken movie; stop when every
		 * later request would fail alike (key, network, disk). */
		for (int i = 0; i < nargs; i++) {
			int r = mv_tmdb_movie_parts(parse_id(args[i]), parts, language, &doc);

			if (r == MV_EX_OK)
				print_doc(doc);
			cJSON_Delete(doc);
			doc = NULL;
			if (r != MV_EX_OK && code == MV_EX_OK)
				code = r;
			if (fatal(r))
				break;
		}
	} else if (!strcmp(cmd, "person")) {
		for (int i = 0; i < nargs; i++) {
			int r = mv_tmdb_person(parse_id(args[i]), deep, &doc);

			if (r == MV_EX_OK)
				print_doc(doc);
			cJSON_Delete(doc);
			doc = NULL;
			if (r != MV_EX_OK && code == MV_EX_OK)
				code = r;
			if (fatal(r))
				break;
		}
	} else if (!strcmp(cmd, "search")) {
		struct mv_buf t = { 0 };

		for (int i = 0; i < nargs; i++)
			mv_buf_printf(&t, "%s%s", i ? " " : "", args[i]);
		if ((code = mv_tmdb_search(t.buf ? t.buf : "", (int)year, (int)page, &doc)) == 0)
			print_doc(doc);
		mv_buf_free(&t);
	} else if (!strcmp(cmd, "find")) {
		if ((code = mv_tmdb_find(args[0], &doc)) == 0)
			print_doc(doc);
	} else if (!strcmp(cmd, "config")) {
		if ((code = mv_tmdb_get("/configuration", &doc)) == 0)
			print_doc(doc);
	} else if (!strcmp(cmd, "providers")) {
		char path[64], cc[3] = { (char)toupper((unsigned char)region[0]),
			(char)toupper((unsigned char)region[1]), 0 };

		snprintf(path, sizeof path, "/movie/%lld/watch/providers", parse_id(args[0]));
		if ((code = mv_tmdb_get(path, &doc)) == 0) {
			cJSON *one = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(doc, "results"), cc);

			if (cJSON_IsObject(one))
				print_doc(one);
			else {
				mv_warnx("unable to find watch providers for movie %s in %s",
				    args[0], cc);
				code = MV_EX_NOTFOUND;
			}
		}
	} else {
		code = mv_tmdb_image(args[0], size, dest);
	}
	cJSON_Delete(doc);
	free(parts);
	return mv_finish(code);
}
