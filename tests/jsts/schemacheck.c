/* schemacheck.c: validate JSON files against a schema of schemas/ (tests). */
#include "mv.h"

#include <getopt.h>
#include <stdlib.h>

static const char USAGE[] =
	"usage: schemacheck [-q] [-s SCHEMADIR] SCHEMA FILE...\n"
	"  Validates each FILE against SCHEMA (\"MovieProfile.json\",\n"
	"  \"events/mv.file.added.json\") of SCHEMADIR (default: $MV_SCHEMAS\n"
	"  or the installed schemas). Prints \"FILE: valid\" or one line per\n"
	"  error \"FILE: POINTER: KEYWORD: MESSAGE\" on stdout, then\n"
	"  \"FILE: invalid\". -q prints only the verdict lines.\n"
	"  Exit 0 if all are valid, 1 if any is invalid, 65 if a file is not JSON.\n";

static int quiet;

static void
print_err(void *ctx, const char *ptr, const char *kw, const char *msg)
{
	if (!quiet)
		printf("%s: %s: %s: %s\n", (const char *)ctx, *ptr ? ptr : "/", kw, msg);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{"schemas", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *schema;
	struct mv_schemas *set;
	int c, code = MV_EX_OK;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hqs:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(USAGE, stdout);
			return mv_finish(MV_EX_OK);
		case 'q':
			quiet = 1;
			break;
		case 's':
			dir = optarg;
			break;
		default:
			fputs(USAGE, stderr);
			return MV_EX_USAGE;
		}
	}
	if (argc - optind < 2) {
		fputs(USAGE, stderr);
		return MV_EX_USAGE;
	}
	schema = argv[optind++];
	if (!(set = mv_schemas_load(dir ? dir : mv_schemas_dir())))
		return MV_EX_CONFIG;
	for (; optind < argc; optind++) {
		const char *file = argv[optind], *why;
		cJSON *doc = mv_json_load(file, 64 << 20, &why);
		int n;

		if (!doc) {
			mv_warnx("unable to load %s: %s", file, why);
			code = MV_EX_DATAERR;
			continue;
		}
		n = mv_schema_validate(set, schema, doc, print_err, (void *)file);
		cJSON_Delete(doc);
		if (n < 0) {
			mv_schemas_free(set);
			mv_diex(MV_EX_USAGE, "unable to validate: no schema %s", schema);
		}
		printf("%s: %s\n", file, n ? "invalid" : "valid");
		if (n && code == MV_EX_OK)
			code = MV_EX_NOTFOUND;
	}
	mv_schemas_free(set);
	return mv_finish(code);
}
