/* test_utf8.c: unit tests for the one UTF-8 decoder and encoder (lib/utf8.c). */
#include <string.h>

#include "mv.h"
#include "tap.h"

#define NEXT(lit, cp) mv_utf8_next(lit, sizeof lit - 1, cp)

/*
 * The rule written the long way, as the six hand-written checks had it:
 * decode by the lead byte, then refuse overlong forms, surrogates and
 * code points above U+10FFFF. mv_utf8_next must agree with it on every
 * input, which is what keeps the callers' behaviour byte-identical.
 */
static size_t
reference(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Agree with reference on every input of one to three bytes, and on
 * every four-byte one whose last two bytes are at a class boundary. */
static void
against_reference(void)
{
	static const unsigned char edge[] = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
	    0xa0, 0xbf, 0xc0, 0xff};
	unsigned char b[4];
	uint32_t c1, c2;
	long bad = 0;

	for (unsigned x = 0; x < 1u << 24; x++) {
		b[0] = (unsigned char)(x >> 16), b[1] = (unsigned char)(x >> 8);
		b[2] = (unsigned char)x;
		for (size_t n = 1; n <= 3; n++) {
			size_t k = mv_utf8_next((const char *)b, n, &c1);

			if (k != reference(b, n, &c2) || (k && c1 != c2))
				bad++;
		}
	}
	for (unsigned x = 0; x < 1u << 16; x++)
		for (size_t i = 0; i < sizeof edge; i++)
			for (size_t j = 0; j < sizeof edge; j++) {
				size_t k;

				b[0] = (unsigned char)(x >> 8), b[1] = (unsigned char)x;
				b[2] = edge[i], b[3] = edge[j];
				k = mv_utf8_next((const char *)b, 4, &c1);
				if (k != reference(b, 4, &c2) || (k && c1 != c2))
					bad++;
			}
	is_int(bad, 0, "mv_utf8_next agrees with the long-hand rule everywhere");
}

int
main(void)
{
	uint32_t cp = 0;
	char out[4];

	/* valid sequences of every length, first and last of each */
	ok(NEXT("A", &cp) == 1 && cp == 'A', "one byte");
	ok(NEXT("\x7f", &cp) == 1 && cp == 0x7f, "U+007F");
	ok(mv_utf8_next("\0", 1, &cp) == 1 && cp == 0, "U+0000 is one byte");
	ok(NEXT("\xc2\x80", &cp) == 2 && cp == 0x80, "U+0080");
	ok(NEXT("\xc3\xa9t\xc3\xa9", &cp) == 2 && cp == 0xe9, "e acute, rest not read");
	ok(NEXT("\xdf\xbf", &cp) == 2 && cp == 0x7ff, "U+07FF");
	ok(NEXT("\xe0\xa0\x80", &cp) == 3 && cp == 0x800, "U+0800");
	ok(NEXT("\xe2\x80\x99", &cp) == 3 && cp == 0x2019, "U+2019");
	ok(NEXT("\xed\x9f\xbf", &cp) == 3 && cp == 0xd7ff, "U+D7FF, last before surrogates");
	ok(NEXT("\xee\x80\x80", &cp) == 3 && cp == 0xe000, "U+E000, first after surrogates");
	ok(NEXT("\xef\xbf\xbd", &cp) == 3 && cp == 0xfffd, "U+FFFD");
	ok(NEXT("\xef\xbf\xbf", &cp) == 3 && cp == 0xffff, "U+FFFF");
	ok(NEXT("\xf0\x90\x80\x80", &cp) == 4 && cp == 0x10000, "U+10000");
	ok(NEXT("\xf0\x9f\x8e\xac", &cp) == 4 && cp == 0x1f3ac, "U+1F3AC clapper board");
	ok(NEXT("\xf4\x8f\xbf\xbf", &cp) == 4 && cp == 0x10ffff, "U+10FFFF");
	is_int(NEXT("\xc3\xa9", NULL), 2, "cp may be NULL");

	/* overlong forms */
	is_int(NEXT("\xc0\x80", &cp), 0, "C0 80 (overlong NUL)");
	is_int(NEXT("\xc1\xbf", &cp), 0, "C1 BF (overlong U+007F)");
	is_int(NEXT("\xe0\x80\x80", &cp), 0, "E0 80 80");
	is_int(NEXT("\xe0\x9f\xbf", &cp), 0, "E0 9F BF (overlong U+07FF)");
	is_int(NEXT("\xf0\x80\x80\x80", &cp), 0, "F0 80 80 80");
	is_int(NEXT("\xf0\x8f\xbf\xbf", &cp), 0, "F0 8F BF BF (overlong U+FFFF)");

	/* surrogates, and what is above U+10FFFF */
	is_int(NEXT("\xed\xa0\x80", &cp), 0, "ED A0 80 (U+D800)");
	is_int(NEXT("\xed\xbf\xbf", &cp), 0, "ED BF BF (U+DFFF)");
	is_int(NEXT("\xf4\x90\x80\x80", &cp), 0, "F4 90 80 80 (U+110000)");
	is_int(NEXT("\xf5\x80\x80\x80", &cp), 0, "F5 lead byte");
	is_int(NEXT("\xff", &cp), 0, "FF lead byte");

	/* cut at the end of the input, or by a byte that does not continue */
	is_int(mv_utf8_next("", 0, &cp), 0, "nothing left");
	is_int(mv_utf8_next("\xc3\xa9", 1, &cp), 0, "two-byte cut after one");
	is_int(mv_utf8_next("\xe2\x80\x99", 2, &cp), 0, "three-byte cut after two");
	is_int(mv_utf8_next("\xf0\x9f\x8e\xac", 3, &cp), 0, "four-byte cut after three");
	is_int(NEXT("\xe2\x80", &cp), 0, "three-byte sequence at end of input");
	is_int(NEXT("\xe2\x80" "A", &cp), 0, "three-byte sequence cut by ASCII");
	is_int(NEXT("\xf0\x9f\x8e", &cp), 0, "four-byte sequence at end of input");
	is_int(mv_utf8_next("\xc3\0", 2, &cp), 0, "two-byte sequence cut by NUL");

	/* stray continuation bytes */
	is_int(NEXT("\x80", &cp), 0, "lone 80");
	is_int(NEXT("\xbf" "A", &cp), 0, "lone BF");
	is_int(NEXT("\xc3\xa9\xa9", &cp), 2, "a sequence, then a stray byte: the sequence");
	is_int(NEXT("\xa9", &cp), 0, "the stray byte after it");

	/* mv_utf8_valid over whole strings */
	ok(mv_utf8_valid("", 0), "empty is valid");
	ok(mv_utf8_valid("Am\xc3\xa9lie \xf0\x9f\x8e\xac", 12), "mixed text is valid");
	ok(!mv_utf8_valid("Am\xc3\xa9lie\xc3", 9), "cut at the end is not");
	ok(!mv_utf8_valid("Am\xe9lie", 6), "Latin-1 is not");
	ok(!mv_utf8_valid("a\xed\xa0\x80z", 5), "an encoded surrogate is not");
	ok(mv_utf8_valid("a\0b", 3), "NUL bytes are UTF-8");

	/* the encoder at every boundary, and back */
	{
		static const uint32_t cps[] = {0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff,
		    0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff};
		static const size_t lens[] = {1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4};

		for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
			size_t k = mv_utf8_put(cps[i], out);

			ok(k == lens[i] && mv_utf8_next(out, k, &cp) == k && cp == cps[i],
			    "U+%04X: %zu bytes, round trip", (unsigned)cps[i], lens[i]);
		}
	}
	ok(mv_utf8_put(0xe9, out) == 2 && memcmp(out, "\xc3\xa9", 2) == 0, "U+00E9 is C3 A9");
	ok(mv_utf8_put(0x1f3ac, out) == 4 && memcmp(out, "\xf0\x9f\x8e\xac", 4) == 0,
	    "U+1F3AC is F0 9F 8E AC");
	{
		long bad = 0;

		for (uint32_t c = 0; c <= 0x10ffff; c++) {
			size_t k;

			if (c >= 0xd800 && c <= 0xdfff)
				continue;
			k = mv_utf8_put(c, out);
			if (mv_utf8_next(out, k, &cp) != k || cp != c ||
			    mv_utf8_next(out, k - 1, &cp) != 0)
				bad++;
		}
		is_int(bad, 0, "every scalar value round trips, and one byte short fails");
	}
	against_reference();
	return tap_done();
}
