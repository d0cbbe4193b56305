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

/* What the command line asked for. */
struct opts {
	const char *data, *append, *language, *region, *size, *dest, *cmd;
	enum mv_level level;
	int deep, nocache, refresh, nargs;
	long year, page;
	char **args;
};

/* Fill o from the options; exits 64 on a bad value. */
static void
parse_options(int argc, char **argv, struct opts *o)
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
	const char *seen[O_REFRESH - O_LEVEL + 1] = { 0 };
	int c;

	*o = (struct opts){ .size = "w342", .level = MV_BASIC, .page = 1 };
	while ((c = getopt_long(argc, argv, "d:ho:", longopts, NULL)) != -1) {
		if (c >= O_LEVEL && c <= O_REFRESH)
			seen[c - O_LEVEL] = argv[optind - 1];
		switch (c) {
		case O_LEVEL:
			if ((o->level = mv_level_parse(optarg)) == MV_LEVEL_BAD)
				bad("unable to use --level %s: want basic, medium or deep", optarg);
			break;
		case O_APPEND:
			o->append = optarg;
			break;
		case O_LANGUAGE:
			if (!language_ok(optarg))
				bad("unable to use --language %s: want a code like fr or fr-FR", optarg);
			o->language = optarg;
			break;
		case O_DEEP:
			o->deep = 1;
			break;
		case O_YEAR:
			if ((o->year = parse_num(optarg, MV_YEAR_MIN, MV_YEAR_MAX)) < 0)
				bad("unable to use --year %s: want a year from "
				    STR(MV_YEAR_MIN) " to " STR(MV_YEAR_MAX), optarg);
			break;
		case O_PAGE:
			if ((o->page = parse_num(optarg, 1, 500)) < 0)
				bad("unable to use --page %s: want a page from 1 to 500", optarg);
			break;
		case O_REGION:
			o->region = optarg;
			break;
		case O_SIZE:
			o->size = optarg;
			break;
		case 'o':
			o->dest = optarg;
			break;
		case O_NOCACHE:
			o->nocache = 1;
			break;
		case O_REFRESH:
			o->refresh = 1;
			break;
		default:
			mv_opt_common(c, USAGE, &o->data);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs < 1)
		bad("unable to run: %s", "no command given");
	o->cmd = *o->args++;
	o->nargs--;
	if (strcmp(o->cmd, "movie") && strcmp(o->cmd, "person") && strcmp(o->cmd, "search") &&
	    strcmp(o->cmd, "find") && strcmp(o->cmd, "config") && strcmp(o->cmd, "providers") &&
	    strcmp(o->cmd, "image"))
		bad("unable to run %s: no such command", o->cmd);
	for (size_t i = 0; i < sizeof owner / sizeof owner[0]; i++)
		if (seen[i] && owner[i] && strcmp(owner[i], o->cmd)) {
			mv_warnx("unable to use %s with %s: it belongs to mvfetch %s",
			    seen[i], o->cmd, owner[i]);
			mv_usage_die(USAGE);
		}
}

/* Reject what the options cannot mean together, and each command's bad arguments. */
static void
check_options(struct opts *o)
{
	const char *cmd = o->cmd;
	char **args = o->args;
	int nargs = o->nargs;

	if (o->dest && strcmp(cmd, "image"))
		bad("unable to use -o with %s: it belongs to mvfetch image", cmd);
	if (o->nocache && o->refresh)
		bad("unable to use %s: --no-cache and --refresh exclude each other", "both");
	if (o->level == MV_MINIMAL)
		o->level = MV_BASIC;
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
		if (!o->region)
			o->region = mv_config_get("region", "FR");
		if (strlen(o->region) != 2 || !isalpha((unsigned char)o->region[0]) ||
		    !isalpha((unsigned char)o->region[1]))
			bad("unable to use region %s: want a country code such as FR", o->region);
	} else if (!strcmp(cmd, "image")) {
		if (nargs != 1)
			bad("unable to run %s: want exactly one FILE_PATH", cmd);
		if (!o->dest)
			bad("unable to run %s: -o DEST is required", cmd);
	}
}

/*
 * Fetch each movie or person id in turn. Go on past a missing or broken
 * one; stop when every later request would fail alike (key, network,
 * disk). Returns the first failure's exit code, or MV_EX_OK.
 */
static int
fetch_each(const struct opts *o, const char *parts)
{
	int code = MV_EX_OK;

	for (int i = 0; i < o->nargs; i++) {
		cJSON *doc = NULL;
		int r = !strcmp(o->cmd, "movie") ?
		    mv_tmdb_movie_parts(parse_id(o->args[i]), parts, o->language, &doc) :
		    mv_tmdb_person(parse_id(o->args[i]), o->deep, &doc);

		if (r == MV_EX_OK)
			print_doc(doc);
		cJSON_Delete(doc);
		if (r != MV_EX_OK && code == MV_EX_OK)
			code = r;
		if (fatal(r))
			break;
	}
	return code;
}

/* Print one country's watch providers for a movie. Returns an exit code. */
static int
fetch_providers(const struct opts *o)
{
	char path[64], cc[3] = { (char)toupper((unsigned char)o->region[0]),
		(char)toupper((unsigned char)o->region[1]), 0 };
	cJSON *doc = NULL;
	int code;

	snprintf(path, sizeof path, "/movie/%lld/watch/providers", parse_id(o->args[0]));
	if ((code = mv_tmdb_get(path, &doc)) == 0) {
		cJSON *one = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(doc, "results"), cc);

		if (cJSON_IsObject(one))
			print_doc(one);
		else {
			mv_warnx("unable to find watch providers for movie %s in %s",
			    o->args[0], cc);
			code = MV_EX_NOTFOUND;
		}
	}
	cJSON_Delete(doc);
	return code;
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;
	int code = MV_EX_OK;
	char *parts = NULL;
	cJSON *doc = NULL;

	mv_init(argv[0]);
	parse_options(argc, argv, &o);
	check_options(&o);
	cmd = o.cmd;

	if (!strcmp(cmd, "movie"))
		parts = merge_parts(mv_tmdb_level_parts(o.level), o.append);
	/* A bad URL or a missing key is refused before anything is created. */
	if ((code = mv_tmdb_init()) != 0 || (code = mv_data_open(o.data, 1)) != 0) {
		free(parts);
		return mv_finish(code);
	}
	mv_tmdb_flags = (o.nocache ? MV_TMDB_NOCACHE : 0) | (o.refresh ? MV_TMDB_REFRESH : 0);

	if (!strcmp(cmd, "movie") || !strcmp(cmd, "person")) {
		code = fetch_each(&o, parts);
	} else if (!strcmp(cmd, "search")) {
		struct mv_buf t = { 0 };

		for (int i = 0; i < o.nargs; i++)
			mv_buf_printf(&t, "%s%s", i ? " " : "", o.args[i]);
		if ((code = mv_tmdb_search(t.buf ? t.buf : "", (int)o.year, (int)o.page,
		    &doc)) == 0)
			print_doc(doc);
		mv_buf_free(&t);
	} else if (!strcmp(cmd, "find")) {
		if ((code = mv_tmdb_find(o.args[0], &doc)) == 0)
			print_doc(doc);
	} else if (!strcmp(cmd, "config")) {
		if ((code = mv_tmdb_get("/configuration", &doc)) == 0)
			print_doc(doc);
	} else if (!strcmp(cmd, "providers")) {
		code = fetch_providers(&o);
	} else {
		code = mv_tmdb_image(o.args[0], o.size, o.dest);
	}
	cJSON_Delete(doc);
	free(parts);
	return mv_finish(code);
}
