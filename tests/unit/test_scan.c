/* test_scan.c: unit tests for the JSON pull scanner (lib/scan.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "tap.h"

/* Skip the whole text as one value with flags; the reason, or NULL. */
static const char *
skip_why(const char *text, size_t len, int flags)
{
	struct mv_js s;

	mv_js_init(&s, text, len, flags);
	if (mv_js_skip(&s) < 0 || mv_js_end(&s) < 0)
		return s.err;
	return NULL;
}

#define SKIP(text, flags) skip_why(text, sizeof text - 1, flags)

/* n brackets of kind open and their closers. */
static char *
nested(int n, char open, char close)
{
	char *b = mv_xmalloc((size_t)n * 2 + 1);

	memset(b, open, (size_t)n);
	memset(b + n, close, (size_t)n);
	b[2 * n] = '\0';
	return b;
}

static void
test_pull(void)
{
	const char *doc = " {\"id\":\"m1\", \"t\\u0069tle\":\"caf\\u00e9 \\ud83c\\udfac\","
	    "\"year\":-1.5e2,\"ok\":true,\"tags\":[\"a\", {\"x\":[null]}, 3]} \n";
	struct mv_js s;
	const char *k, *t;
	size_t n, tn;
	int first = 1, esc, r, seen = 0;
	double v = 0;
	char *dec;

	mv_js_init(&s, doc, strlen(doc), MV_JS_UTF8);
	ok(mv_js_obj_begin(&s) == 0 && s.depth == 1, "obj_begin opens a level");
	ok(mv_js_obj_next(&s, &first, &k, &n) == 1 && mv_js_key_is(k, n, "id"),
	    "first key id");
	ok(!mv_js_key_is(k, n, "i") && !mv_js_key_is(k, n, "idx"), "key_is is exact");
	ok(mv_js_str(&s, &t, &tn, &esc) == 0 && tn == 2 && !memcmp(t, "m1", 2) && !esc,
	    "a plain string: raw bytes, no escapes");
	ok(mv_js_obj_next(&s, &first, &k, &n) == 1 && n == (size_t)-1,
	    "an escaped key has length -1");
	ok(!mv_js_key_is(k, n, "title"), "and matches no name");
	ok(mv_js_str(&s, &t, &tn, &esc) == 0 && esc, "an escaped string");
	dec = mv_js_decode(t, tn, esc);
	is_str(dec, "caf\xc3\xa9 \xf0\x9f\x8e\xac", "decode: \\u and a surrogate pair");
	free(dec);
	ok(mv_js_obj_next(&s, &first, &k, &n) == 1 && mv_js_key_is(k, n, "year"), "key year");
	ok(mv_js_num(&s, &v) == 0 && v == -150, "a number with exponent");
	ok(mv_js_obj_next(&s, &first, &k, &n) == 1 && mv_js_literal(&s) == 0, "a literal");
	ok(mv_js_obj_next(&s, &first, &k, &n) == 1 && mv_js_arr_begin(&s) == 0 &&
	    s.depth == 2, "arr_begin");
	{
		int f2 = 1;

		while ((r = mv_js_arr_next(&s, &f2)) == 1) {
			seen++;
			if (mv_js_skip(&s) < 0)
				break;
		}
		ok(r == 0 && seen == 3 && s.depth == 1, "three elements, then the bracket");
	}
	ok(mv_js_obj_next(&s, &first, &k, &n) == 0 && s.depth == 0, "end of object");
	ok(mv_js_end(&s) == 0 && !s.err, "only white space left");

	mv_js_init(&s, "{}", 2, 0);
	first = 1;
	ok(mv_js_obj_begin(&s) == 0 && mv_js_obj_next(&s, &first, &k, &n) == 0,
	    "an empty object");
	mv_js_init(&s, "[] x", 4, 0);
	first = 1;
	ok(mv_js_arr_begin(&s) == 0 && mv_js_arr_next(&s, &first) == 0 &&
	    mv_js_end(&s) < 0 && !strcmp(s.err, "invalid JSON"), "data after the value");
	mv_js_init(&s, "[1 2]", 5, 0);
	first = 1;
	ok(mv_js_arr_begin(&s) == 0 && mv_js_arr_next(&s, &first) == 1 &&
	    mv_js_skip(&s) == 0 && mv_js_arr_next(&s, &first) < 0, "a missing comma");
	mv_js_init(&s, "\"x\"", 3, 0);
	ok(mv_js_obj_begin(&s) < 0 && !strcmp(s.err, "invalid JSON"), "obj_begin on a string");
	ok(mv_js_num(&s, NULL) < 0 && !strcmp(s.err, "invalid JSON"),
	    "the first failure's reason stays");
	mv_js_init(&s, "12", 2, 0);
	ok(mv_js_num(&s, NULL) == 0 && s.p == s.e, "a number without its value");
	dec = mv_js_decode("a\\nb\\\"\\/\\t", 10, 1);
	is_str(dec, "a\nb\"/\t", "decode: short escapes");
	free(dec);
	dec = mv_js_decode("\\ud800", 6, 1);
	is_str(dec, "\xef\xbf\xbd", "decode: a lone surrogate is U+FFFD");
	free(dec);
	dec = mv_js_decode("", 0, 0);
	is_str(dec, "", "decode: empty");
	free(dec);
}

static void
test_strict(void)
{
	char *s;

	ok(!SKIP("[1,-2.5e+3,0,0.5,1E9,true,false,null,\"\",{}]", MV_JS_UTF8), "values");
	is_str(SKIP("+1", 0), "invalid JSON", "a plus sign");
	is_str(SKIP("01", 0), "invalid JSON", "a leading zero");
	is_str(SKIP("1.", 0), "invalid JSON", "a bare point");
	is_str(SKIP("1e", 0), "invalid JSON", "a bare exponent");
	is_str(SKIP("-", 0), "invalid JSON", "a bare minus");
	is_str(SKIP(".5", 0), "invalid JSON", "no integer part");
	is_str(SKIP("tru", 0), "invalid JSON", "a cut literal");
	is_str(SKIP("nul", 0), "invalid JSON", "a cut null");
	is_str(SKIP("[1,]", 0), "invalid JSON", "a trailing comma");
	is_str(SKIP("{\"a\":1,}", 0), "invalid JSON", "a trailing comma in an object");
	is_str(SKIP("{\"a\" 1}", 0), "invalid JSON", "a missing colon");
	is_str(SKIP("{1:1}", 0), "invalid JSON", "a number key");
	is_str(SKIP("[1}", 0), "invalid JSON", "mismatched brackets");
	is_str(SKIP("\xef\xbb\xbf{}", 0), "invalid JSON", "a byte order mark");
	is_str(SKIP("\"a\tb\"", 0), "invalid JSON", "a raw tab in a string");
	is_str(SKIP("\"\\q\"", 0), "invalid JSON", "a bad escape");
	is_str(SKIP("\"\\u12g4\"", 0), "invalid JSON", "a bad \\u");
	is_str(SKIP("\"\\udc00\"", 0), "invalid JSON", "a lone low surrogate");
	is_str(SKIP("\"\\ud800x\"", 0), "invalid JSON", "a lone high surrogate");
	is_str(SKIP("\"\\ud800\\u0041\"", 0), "invalid JSON", "a high surrogate, then no low");
	ok(!SKIP("\"\\ud83c\\udfac\"", 0), "a surrogate pair");
	is_str(SKIP("\"abc", 0), "invalid JSON (unterminated string)", "a cut string");
	is_str(SKIP("\"ab\\", 0), "invalid JSON (unterminated string)", "a cut escape");
	is_str(SKIP("[1, ", 0), "invalid JSON (truncated)", "a cut array");
	is_str(SKIP("{\"a\":", 0), "invalid JSON (truncated)", "a cut member");
	is_str(SKIP("", 0), "invalid JSON (truncated)", "nothing");
	/* UTF-8: checked with MV_JS_UTF8, passed through without. */
	ok(!SKIP("\"caf\xc3\xa9 \xf0\x9f\x8e\xac\"", MV_JS_UTF8), "valid UTF-8");
	is_str(SKIP("\"\xc3\"", MV_JS_UTF8), "invalid JSON", "cut UTF-8");
	is_str(SKIP("\"\xc0\xaf\"", MV_JS_UTF8), "invalid JSON", "overlong UTF-8");
	is_str(SKIP("\"\xe0\x80\xaf\"", MV_JS_UTF8), "invalid JSON", "overlong 3-byte UTF-8");
	is_str(SKIP("\"\xed\xa0\x80\"", MV_JS_UTF8), "invalid JSON", "an encoded surrogate");
	is_str(SKIP("\"\xf4\x90\x80\x80\"", MV_JS_UTF8), "invalid JSON", "above U+10FFFF");
	is_str(SKIP("\"\xff\"", MV_JS_UTF8), "invalid JSON", "a junk byte");
	is_str(SKIP("{\"\xe9\":1}", MV_JS_UTF8), "invalid JSON", "Latin-1 in a key");
	ok(!SKIP("\"Caf\xe9 \xff\"", 0), "Latin-1 passes without MV_JS_UTF8");
	/* Nesting: MV_JS_DEPTH levels pass, one more does not. */
	s = nested(MV_JS_DEPTH, '[', ']');
	ok(!skip_why(s, strlen(s), 0), "MV_JS_DEPTH levels of arrays");
	free(s);
	s = nested(MV_JS_DEPTH + 1, '[', ']');
	is_str(skip_why(s, strlen(s), 0), "invalid JSON (nested too deeply)", "one level more");
	free(s);
	{
		struct mv_js js;
		char *t = nested(MV_JS_DEPTH, '[', ']');
		int i;

		/* Levels opened with arr_begin count for skip too. */
		mv_js_init(&js, t, strlen(t), 0);
		for (i = 0; i < 2; i++)
			mv_js_arr_begin(&js);
		js.p = t + MV_JS_DEPTH - 1;  /* the innermost "[]" */
		ok(mv_js_skip(&js) == 0, "skip within the limit");
		js.depth = MV_JS_DEPTH;
		js.p = t + MV_JS_DEPTH - 1;
		ok(mv_js_skip(&js) < 0 && !strcmp(js.err, "invalid JSON (nested too deeply)"),
		    "skip counts the levels already open");
		mv_js_init(&js, t, strlen(t), 0);
		for (i = 0; i < MV_JS_DEPTH; i++)
			if (mv_js_arr_begin(&js) < 0)
				break;
		ok(i == MV_JS_DEPTH && js.depth == MV_JS_DEPTH, "arr_begin up to the limit");
		js.p = t;
		ok(mv_js_arr_begin(&js) < 0, "and not past it");
		free(t);
	}
}

/*
 * Strings are scanned eight bytes at a time: every kind of byte that
 * needs a look, at every offset of a string up to 40 bytes long (so in
 * every lane of the first words and in the tail), with and without
 * MV_JS_UTF8, against what a byte-by-byte reading says.
 */
static void
test_string_lanes(void)
{
	static const struct {
		const char *ins;   /* put at the offset */
		int ok_any, ok_utf8, esc;
	} kinds[] = {
		{"\\n", 1, 1, 1},          /* an escape */
		{"\\\"", 1, 1, 1},        /* an escaped quote */
		{"\x01", 0, 0, 0},          /* control bytes */
		{"\x1f", 0, 0, 0},
		{"\t", 0, 0, 0},
		{"\x7f", 1, 1, 0},          /* DEL is not a control byte in JSON */
		{"\xc3\xa9", 1, 1, 0},     /* UTF-8 */
		{"\xf0\x9f\x8e\xac", 1, 1, 0},
		{"\x80", 1, 0, 0},          /* a stray continuation byte */
		{"\xc3", 1, 0, 0},          /* a cut sequence */
		{"\\x", 0, 0, 0},          /* a bad escape */
	};
	int bad = 0, runs = 0;

	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		for (int len = 0; len <= 40; len++)
			for (int at = 0; at <= len; at++)
				for (int flags = 0; flags <= MV_JS_UTF8; flags += MV_JS_UTF8) {
					char text[128];
					size_t n = 0, tn, want;
					const char *t;
					struct mv_js js;
					int esc, r, ok_want = flags ? kinds[k].ok_utf8 : kinds[k].ok_any;

					text[n++] = '"';
					for (int i = 0; i < len; i++) {
						if (i == at) {
							strcpy(text + n, kinds[k].ins);
							n += strlen(kinds[k].ins);
						}
						text[n++] = (char)('a' + i % 26);
					}
					if (at == len) {
						strcpy(text + n, kinds[k].ins);
						n += strlen(kinds[k].ins);
					}
					want = n - 1;
					text[n++] = '"';
					text[n++] = ' ';
					mv_js_init(&js, text, n, flags);
					r = mv_js_str(&js, &t, &tn, &esc);
					runs++;
					if (ok_want ? r != 0 || tn != want || esc != kinds[k].esc ||
					    js.p != text + n - 1 : r == 0) {
						if (bad++ < 5)
							printf("# kind %zu len %d at %d flags %d: r %d\n",
							    k, len, at, flags, r);
					}
				}
	ok(bad == 0, "%d strings: every special byte in every lane", runs);
}

static void
test_utf8_valid(void)
{
	ok(mv_utf8_valid("", 0) && mv_utf8_valid("plain", 5), "ASCII is UTF-8");
	ok(mv_utf8_valid("caf\xc3\xa9 \xf0\x9f\x8e\xac", 10), "two- and four-byte sequences");
	ok(!mv_utf8_valid("caf\xe9", 4), "Latin-1 is not");
	ok(!mv_utf8_valid("\x80", 1), "a lone continuation byte is not");
	ok(!mv_utf8_valid("\xc0\x80", 2), "an overlong form is not");
	ok(!mv_utf8_valid("\xed\xa0\x80", 3), "a surrogate is not");
	ok(!mv_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF is not");
	ok(!mv_utf8_valid("\xe2\x82", 2), "a cut sequence is not");
}

/*
 * Numbers: integers of up to 15 digits are read without strtod; every
 * number comes out as strtod reads it, at the 15/16-digit edge too.
 */
static void
test_numbers(void)
{
	static const char *nums[] = {
		"0", "-0", "7", "-7", "42", "1999", "9007199254740991",
		"123456789012345", "-123456789012345", "999999999999999",
		"1000000000000000", "1234567890123456", "12345678901234567890",
		"1.5", "-0.25", "1e3", "2E-2", "62.0", "10.0e1",
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		struct mv_js s;
		double v = -1, want = strtod(nums[i], NULL);
		size_t n = strlen(nums[i]);

		mv_js_init(&s, nums[i], n, 0);
		if (mv_js_num(&s, &v) != 0 || s.p != s.e || v != want ||
		    signbit(v) != signbit(want)) {
			if (bad++ < 5)
				printf("# %s: %.17g, strtod says %.17g\n", nums[i], v, want);
		}
	}
	ok(bad == 0, "numbers read as strtod reads them");
}

int
main(void)
{
	test_pull();
	test_strict();
	test_string_lanes();
	test_numbers();
	test_utf8_valid();
	return tap_done();
}
