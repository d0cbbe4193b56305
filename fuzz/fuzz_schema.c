/* fuzz_schema.c: libFuzzer target for the JSON Schema validator and the
 * migration of stored documents, against the project's own schemas.
 * Build and run: make fuzz FUZZ=schema. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

static struct mv_schemas *set;

/* The schema an input is checked against: its first byte picks one. */
static const struct {
	const char *schema, *kind;
} targets[] = {
	{"MovieProfile.json", "MovieProfile"},
	{"PeopleProfile.json", "PeopleProfile"},
	{"MovieIndex.json", "MovieIndex"},
	{"PeopleIndex.json", "PeopleIndex"},
	{"Event.json", NULL},
	{"PaginatedResponse.json", NULL},
	{"events/mv.file.added.json", NULL},
	{"events/mv.movie.enriched.json", NULL},
};
#define NTARGETS (sizeof targets / sizeof targets[0])

static void
count(void *ctx, const char *pointer, const char *keyword, const char *message)
{
	if (!pointer || !keyword || !*keyword || !message)
		abort();
	++*(int *)ctx;
}

/* 1 if a and b print the same. Not cJSON_Compare: it looks duplicate
 * names up by name and so calls {"a":1,"a":2} unequal to itself. */
static int
same(const cJSON *a, const cJSON *b)
{
	char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
	int r = x && y && strcmp(x, y) == 0;

	free(x);
	free(y);
	return r;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("MV_SCHEMAS", MV_SCHEMADIR, 0);
	if (!(set = mv_schemas_load(mv_schemas_dir())))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *end;
	cJSON *doc, *copy;
	int n, quick, seen = 0, from, m;
	size_t t;

	if (size < 1 || size > 1 << 16)
		return 0;
	t = data[0] % NTARGETS;
	doc = cJSON_ParseWithLengthOpts((const char *)data + 1, size - 1, &end, 0);
	if (!doc)
		return 0;
	/* With or without a callback, the verdict is the same, and the
	 * callback hears exactly the count returned. */
	n = mv_schema_validate(set, targets[t].schema, doc, count, &seen);
	quick = mv_schema_validate(set, targets[t].schema, doc, NULL, NULL);
	if (n < 0 || quick < 0 || (n == 0) != (quick == 0) || seen != n)
		abort();
	if (targets[t].kind) {
		copy = cJSON_Duplicate(doc, 1);
		m = mv_schema_migrate(copy, targets[t].kind, &from);
		if (m < 0 && !same(copy, doc))
			abort(); /* refused: untouched */
		if (m >= 0) {
			/* Current now: a second pass changes nothing. */
			cJSON *twice = cJSON_Duplicate(copy, 1);

			if (mv_schema_migrate(twice, targets[t].kind, NULL) != 0 ||
			    !same(twice, copy))
				abort();
			cJSON_Delete(twice);
			(void)mv_schema_validate(set, targets[t].schema, copy, NULL, NULL);
		}
		cJSON_Delete(copy);
	}
	cJSON_Delete(doc);
	return 0;
}
