/* utf8.c: the UTF-8 encoder and whole-string check (mv_utf8_next is inline in mv.h). */
#include "mv.h"

size_t
mv_utf8_put(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
mv_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		/* ASCII runs are the bulk of every name and title. */
		if ((unsigned char)s[i] < 0x80)
			i++;
		else if ((k = mv_utf8_next(s + i, n - i, NULL)))
			i += k;
		else
			return 0;
	}
	return 1;
}
