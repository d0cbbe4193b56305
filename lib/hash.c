/* hash.c: one string hash (FNV-1a, 64 bits) for every table and key. */
#include "mv.h"

#define FNV_PRIME 0x100000001b3ULL

uint64_t
mv_hash(const char *s)
{
	uint64_t h = MV_HASH_BASIS;

	/* Its own loop, not mv_hash_bytes(strlen): every table lookup hashes,
	 * and one pass over the key is enough. */
	while (*s)
		h = (h ^ (unsigned char)*s++) * FNV_PRIME;
	return h;
}

uint64_t
mv_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}
