/* jsts.c: run the JSON-Schema-Test-Suite (draft7) against lib/schema.c. */
#include "mv.h"

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
	"usage: jsts [-v] -m METASCHEMA SUITEDIR\n"
	"  Runs SUITEDIR/tests/draft7/*.json and the claimed optional files;\n"
	"  SUITEDIR/remotes serves http://localhost:1234/, METASCHEMA serves\n"
	"  http://json-schema.org/draft-07/schema. Prints failures, skipped\n"
	"  files with the reason, and \"jsts: N/M passed\". Exit 1 on failure.\n";

/*
 * Files not run, and why. Every other file of draft7/ is run; in
 * optional/ only the files listed in claimed[] are.
 */
static const struct { const char *file, *why; } skipped[] = {
	{"optional/content.json", "contentMediaType/contentEncoding are not claimed"},
	{"optional/format/email.json", "format email is not claimed (passes any string)"},
	{"optional/format/hostname.json", "format hostname is not claimed"},
	{"optional/format/idn-email.json", "format idn-email is not claimed"},
	{"optional/format/idn-hostname.json", "format idn-hostname is not claimed"},
	{"optional/format/ipv4.json", "format ipv4 is not claimed"},
	{"optional/format/ipv6.json", "format ipv6 is not claimed"},
	{"optional/format/iri-reference.json", "format iri-reference is not claimed"},
	{"optional/format/iri.json", "format iri is not claimed"},
	{"optional/format/json-pointer.json", "format json-pointer is not claimed"},
	{"optional/format/relative-json-pointer.json", "format relative-json-pointer is not claimed"},
	{"optional/format/time.json", "format time is not claimed"},
	{"optional/format/uri-reference.json", "format uri-reference is not claimed"},
	{"optional/format/uri-template.json", "format uri-template is not claimed"},
};

static const char *claimed[] = {
	"optional/bignum.json",
	"optional/ecmascript-regex.json",
	"optional/zeroTerminatedFloats.json",
	"optional/format/date-time.json",
	"optional/format/date.json",
	"optional/format/regex.json",
	"optional/format/uri.json",
};

static const char *suite, *meta;
static int verbose, passed, total, nskipped;

#define REMOTE "http://localhost:1234/"
#define METAURI "http://json-schema.org/draft-07/schema"

/* Serve remote refs from the suite's remotes/ and the meta-schema file. */
static cJSON *
loader(void *ctx, const char *uri)
{
	const char *why;
	char *path = NULL;
	cJSON *s;

	(void)ctx;
	if (!strncmp(uri, REMOTE, strlen(REMOTE)) && !strstr(uri, ".."))
		path = mv_xasprintf("%s/remotes/%s", suite, uri + strlen(REMOTE));
	else if (!strcmp(uri, METAURI) && meta)
		path = mv_xstrdup(meta);
	if (!path)
		return NULL;
	s = mv_json_load(path, 1 << 20, &why);
	if (!s && verbose)
		mv_warnx("unable to load %s: %s", path, why);
	free(path);
	return s;
}

static void
print_err(void *ctx, const char *ptr, const char *kw, const char *msg)
{
	(void)ctx;
	printf("#     %s: %s: %s\n", *ptr ? ptr : "/", kw, msg);
}

/* Run every case of one test file; rel is its name under draft7/. */
static void
run_file(const char *rel)
{
	char *path = mv_xasprintf("%s/tests/draft7/%s", suite, rel);
	const char *why;
	cJSON *groups = mv_json_load(path, 1 << 22, &why), *g, *t;

	if (!cJSON_IsArray(groups))
		mv_diex(MV_EX_NOINPUT, "unable to load %s: %s", path,
		    groups ? "not an array" : why);
	cJSON_ArrayForEach(g, groups) {
		struct mv_schemas *set = mv_schemas_new();
		const char *gdesc = mv_json_str(g, "description", "?");
		cJSON *schema = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(g, "schema"), 1);

		mv_schemas_set_loader(set, loader, NULL);
		mv_schemas_add(set, "jsts-case.json", schema);
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests")) {
			const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
			int want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "valid"));
			int n = mv_schema_validate(set, "jsts-case.json", data, NULL, NULL);

			total++;
			if ((n == 0) == want) {
				passed++;
				continue;
			}
			printf("FAIL %s: %s / %s: expected %s, got %s\n", rel, gdesc,
			    mv_json_str(t, "description", "?"),
			    want ? "valid" : "invalid", n == 0 ? "valid" : "invalid");
			if (verbose && n > 0)
				mv_schema_validate(set, "jsts-case.json", data, print_err, NULL);
		}
		mv_schemas_free(set);
	}
	cJSON_Delete(groups);
	free(path);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"verbose", no_argument, NULL, 'v'},
		{"meta", required_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	char *dirpath, *names[256];
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int c;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hvm:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(USAGE, stdout);
			return mv_finish(MV_EX_OK);
		case 'v':
			verbose = 1;
			break;
		case 'm':
			meta = optarg;
			break;
		default:
			fputs(USAGE, stderr);
			return MV_EX_USAGE;
		}
	}
	/* Without it the meta-schema refs of ref.json and definitions.json fail. */
	if (argc - optind != 1 || !meta) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	suite = argv[optind];
	dirpath = mv_xasprintf("%s/tests/draft7", suite);
	if (!(d = opendir(dirpath)))
		mv_die(MV_EX_NOINPUT, "open %s", dirpath);
	while ((de = readdir(d)) && n < sizeof names / sizeof *names) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
			names[n++] = mv_xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	for (size_t i = 0; i < n; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	for (size_t i = 0; i < sizeof claimed / sizeof *claimed; i++)
		run_file(claimed[i]);
	for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++) {
		printf("skip %s: %s\n", skipped[i].file, skipped[i].why);
		nskipped++;
	}
	printf("jsts: %d/%d passed, %d files skipped\n", passed, total, nskipped);
	free(dirpath);
	return mv_finish(passed == total ? MV_EX_OK : MV_EX_NOTFOUND);
}
