/* lang.c: language tags: the setting's, the locale's, a browser's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

int
mv_lang_norm(const char *s, char out[8])
{
	size_t n = 0;

	if (!s || strcmp(s, "C") == 0 || strncmp(s, "C.", 2) == 0 ||
	    strcmp(s, "POSIX") == 0)
		return 0;
	while (n < 3 && isalpha((unsigned char)s[n]) && isascii(s[n]))
		n++;
	if (n < 2 || isalpha((unsigned char)s[n]))
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	if ((s[n] == '_' || s[n] == '-') && isalpha((unsigned char)s[n + 1]) &&
	    isalpha((unsigned char)s[n + 2]) && isascii(s[n + 1]) && isascii(s[n + 2]) &&
	    !isalnum((unsigned char)s[n + 3])) {
		out[n] = '-';
		out[n + 1] = (char)toupper((unsigned char)s[n + 1]);
		out[n + 2] = (char)toupper((unsigned char)s[n + 2]);
		out[n + 3] = '\0';
	}
	return 1;
}

/*
 * Accept-Language: "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5". The tag of the
 * highest weight wins, the first of equal ones; "*" and q=0 name nothing.
 */
int
mv_lang_accept(const char *header, char out[8])
{
	double best = 0;
	char tag[8], one[32];
	const char *p = header;

	while (p && *p) {
		size_t n = strcspn(p, ","), k;
		const char *semi = memchr(p, ';', n), *q;
		double w = 1;

		if (semi && (q = strstr(semi, "q=")) && q < p + n)
			w = strtod(q + 2, NULL);
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		k = strcspn(p, ",; \t");
		if (k < sizeof one) {
			memcpy(one, p, k);
			one[k] = '\0';
			if (w > best && mv_lang_norm(one, tag)) {
				best = w;
				memcpy(out, tag, sizeof tag);
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return best > 0;
}
