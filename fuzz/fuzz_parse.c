/* fuzz_parse.c: libFuzzer target for mv_parse_name, mv_name_json and
 * mv_title_fold. Build and run: make fuzz [FUZZTIME=seconds]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/* 1 if s is valid UTF-8 (no overlongs, no surrogates). */
static int
utf8_ok(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, cp, i;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4, cp = c & 0x07;
		else
			return 0;
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *txt, *f, *ff;
	struct mv_name n;
	cJSON *o;
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = mv_parse_name(s, &n);
	/* Invariants of a reading. */
	if ((rc == 0) != (n.title != NULL))
		abort();
	if (n.title && (!*n.title || !utf8_ok((const unsigned char *)n.title) ||
	    n.title[0] == ' ' || n.title[strlen(n.title) - 1] == ' '))
		abort();
	if (n.year && (n.year < 1870 || n.year > 2100))
		abort();
	if (n.confidence < 0 || n.confidence > 100 || n.part < 0 || n.tmdb < 0)
		abort();
	o = mv_name_json(&n);
	txt = cJSON_PrintUnformatted(o);
	if (!txt)
		abort();
	free(txt);
	cJSON_Delete(o);
	mv_name_free(&n);

	/* Folding is idempotent and yields valid UTF-8. */
	f = mv_title_fold(s);
	if (!utf8_ok((const unsigned char *)f))
		abort();
	ff = mv_title_fold(f);
	if (strcmp(f, ff) != 0)
		abort();
	free(ff);
	free(f);
	free(s);
	return 0;
}
