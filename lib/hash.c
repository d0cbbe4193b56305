/* hash.c: one string hash (FNV-1a, 64 bits) for every table and key. */
#include "mv.h"

uint64_t
mv_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a offset basis */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}
