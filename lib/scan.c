/* scan.c: the one JSON pull scanner: validates as it goes, allocates nothing. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/*
 * Design. Readers that need a few members out of a large document (the
 * index, mvdowngrade's plan) or only a verdict and one member (an event
 * line) walk the text with these calls instead of building a cJSON tree.
 * Everything walked over is checked against RFC 8259: the number grammar
 * (no "+1", "01", "1."), escapes, \u surrogates that pair, control bytes,
 * nesting, and with MV_JS_UTF8 the UTF-8 of string bytes. Without that
 * flag bytes >= 0x80 pass as they are, as cJSON takes them: a profile
 * cJSON wrote and mvctl check accepts is never refused here.
 *
 * Strings and white space are the bulk of the bytes, so the string loop
 * runs over a 256-entry table and mv_js_skip is one iterative loop with
 * its own bracket stack.
 */

#define R_BAD "invalid JSON"
#define R_STRING "invalid JSON (unterminated string)"
#define R_TRUNC "invalid JSON (truncated)"
#define R_DEEP "invalid JSON (nested too deeply)"

/* 1 for the bytes a string holds as they are: printable ASCII but the
 * quote and the backslash; in plain_any also every byte >= 0x80. */
static const unsigned char plain_utf8[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,  /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xf0 */
};

static const unsigned char plain_any[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,  /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xa0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xb0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xc0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xd0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xe0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xf0 */
};

/* The value of a hex digit, or -1. */
static const signed char hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};  /* stored plus one, so that 0 means "not a digit" */

/* White space: profiles are indented, a quarter of their bytes. */
static const unsigned char wsp[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1,
};

static inline int
is_ws(unsigned char c)
{
	return wsp[c];
}

void
mv_js_init(struct mv_js *s, const char *p, size_t len, int flags)
{
	s->p = p;
	s->e = p + len;
	s->err = NULL;
	s->depth = 0;
	s->flags = flags;
}

int
mv_js_fail(struct mv_js *s, const char *why)
{
	if (!s->err)
		s->err = why;
	return -1;
}

/* White space; compact JSON has none, hence the early test. */
static inline void
ws(struct mv_js *s)
{
	const char *p = s->p;

	if (p < s->e && (unsigned char)*p > ' ')
		return;
	while (p < s->e && is_ws((unsigned char)*p))
		p++;
	s->p = p;
}

void
mv_js_ws(struct mv_js *s)
{
	ws(s);
}

/* Four hex digits at p (at least 4 bytes there): the code unit, or -1. */
static inline long
hex4(const unsigned char *p)
{
	int a = hexv[p[0]], b = hexv[p[1]], c = hexv[p[2]], d = hexv[p[3]];

	if (!a || !b || !c || !d)
		return -1;
	return (long)(a - 1) << 12 | (b - 1) << 8 | (c - 1) << 4 | (d - 1);
}

/*
 * The rest of a string from p, inside it: returns the byte after its
 * closing quote, or NULL with s->err set. *esc is set if it has escapes.
 */
static const unsigned char *
str_rest(struct mv_js *s, const unsigned char *p, int *esc)
{
	const unsigned char *e = (const unsigned char *)s->e;
	const unsigned char *plain = s->flags & MV_JS_UTF8 ? plain_utf8 : plain_any;
	const uint64_t high = s->flags & MV_JS_UTF8 ? 0x8080808080808080ULL : 0;
	long u, lo;
	unsigned c;
	size_t n;

	for (;;) {
		/* Eight bytes a round while eight are left, tested at once
		 * (SWAR): does one need a look, as a quote, a backslash, a
		 * control byte or (checking UTF-8) a byte >= 0x80? Then its
		 * lowest flag says which: a loop over the bytes up to it was
		 * 4% of a rebuild's instructions (callgrind). */
		while (e - p >= 8) {
			uint64_t w, m;

			memcpy(&w, p, 8);
			if (!(m = mv_json_word_special(w, high)))
				p += 8;
			else {
				p += mv_json_word_first(m);
				goto special;
			}
		}
		while (p < e && plain[*p])
			p++;
		if (p >= e)
			goto cut;
special:
		c = *p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			goto bad;
		if (c >= 0x80) {    /* only with MV_JS_UTF8 */
			if (!(n = mv_utf8_next((const char *)p, (size_t)(e - p), NULL)))
				goto bad;
			p += n;
			continue;
		}
		/* A backslash. */
		*esc = 1;
		if (e - p < 2)
			goto cut;
		c = p[1];
		p += 2;
		switch (c) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			break;
		case 'u':
			if (e - p < 4)
				goto cut;
			if ((u = hex4(p)) < 0 || (u >= 0xdc00 && u <= 0xdfff))
				goto bad;
			p += 4;
			/* A high surrogate must be followed by a low one. */
			if (u >= 0xd800 && u <= 0xdbff) {
				if ((e - p >= 1 && p[0] != '\\') ||
				    (e - p >= 2 && p[1] != 'u'))
					goto bad;
				if (e - p < 6)
					goto cut;
				if ((lo = hex4(p + 2)) < 0xdc00 || lo > 0xdfff)
					goto bad;
				p += 6;
			}
			break;
		default:
			goto bad;
		}
	}
cut:
	s->p = (const char *)e;
	mv_js_fail(s, R_STRING);
	return NULL;
bad:
	s->p = (const char *)p;
	mv_js_fail(s, R_BAD);
	return NULL;
}

/*
 * The string whose opening quote is at p: returns the byte after its
 * closing quote, or NULL with s->err set. *esc is set if it has escapes.
 * Inline, the words up to a closing quote with nothing to look at
 * before it, as most strings are (keys, ids, names); anything else
 * from there on is str_rest's. A rebuild scans millions of short
 * strings: inline, it takes 6% fewer instructions (callgrind).
 */
static inline const unsigned char *
str_scan(struct mv_js *s, const unsigned char *p, int *esc)
{
	const unsigned char *e = (const unsigned char *)s->e;
	const uint64_t high = s->flags & MV_JS_UTF8 ? 0x8080808080808080ULL : 0;

	for (p++; e - p >= 8; ) {
		uint64_t w, m;

		memcpy(&w, p, 8);
		if (!(m = mv_json_word_special(w, high))) {
			p += 8;
			continue;
		}
		p += mv_json_word_first(m);
		if (*p == '"')
			return p + 1;
		break;
	}
	return str_rest(s, p, esc);
}

/* mv_js_str, inline for mv_js_obj_next's keys. */
static inline int
js_str(struct mv_js *s, const char **start, size_t *len, int *esc)
{
	const unsigned char *q;

	ws(s);
	*esc = 0;
	if (s->p >= s->e)
		return mv_js_fail(s, R_TRUNC);
	if (*s->p != '"')
		return mv_js_fail(s, R_BAD);
	if (!(q = str_scan(s, (const unsigned char *)s->p, esc)))
		return -1;
	*start = s->p + 1;
	*len = (size_t)((const char *)q - 1 - *start);
	s->p = (const char *)q;
	return 0;
}

int
mv_js_str(struct mv_js *s, const char **start, size_t *len, int *esc)
{
	return js_str(s, start, len, esc);
}

int
mv_js_str_or_skip(struct mv_js *s, const char **start, size_t *len, int *esc)
{
	ws(s);
	if (s->p >= s->e || *s->p != '"')
		return mv_js_skip(s) < 0 ? -1 : 0;
	return js_str(s, start, len, esc) < 0 ? -1 : 1;
}

/* The number at p (its first byte is there): the byte after it, or NULL
 * if the grammar is not met ("-", "01", "1.", "1e"). */
static inline const char *
num_scan(const char *p, const char *e)
{
	if (*p == '-' && ++p >= e)
		return NULL;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (++p < e && *p >= '0' && *p <= '9')
			;
	else
		return NULL;
	if (p < e && *p == '.') {
		if (++p >= e || *p < '0' || *p > '9')
			return NULL;
		while (++p < e && *p >= '0' && *p <= '9')
			;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9')
			return NULL;
		while (++p < e && *p >= '0' && *p <= '9')
			;
	}
	return p;
}

int
mv_js_num(struct mv_js *s, double *v)
{
	const char *q;

	ws(s);
	if (s->p >= s->e)
		return mv_js_fail(s, R_TRUNC);
	if (!(q = num_scan(s->p, s->e)))
		return mv_js_fail(s, R_BAD);
	if (v) {
		const char *d = s->p + (*s->p == '-');
		char tmp[64];
		size_t n = (size_t)(q - s->p);
		uint64_t u = 0;

		/* Most are integers of a few digits (ids, years): up to 15
		 * digits, a double holds one exactly, as strtod would read
		 * it (450 instructions each, 1.6% of a rebuild). */
		if (q - d <= 15)
			while (d < q && *d >= '0' && *d <= '9')
				u = u * 10 + (uint64_t)(*d++ - '0');
		if (d == q) {
			*v = *s->p == '-' ? -(double)u : (double)u;
			s->p = q;
			return 0;
		}
		/* strtod needs a terminator; 63 digits are more than a
		 * double holds. */
		if (n >= sizeof tmp)
			n = sizeof tmp - 1;
		memcpy(tmp, s->p, n);
		tmp[n] = '\0';
		*v = strtod(tmp, NULL);
	}
	s->p = q;
	return 0;
}

/* The literal at p: the byte after it, or NULL. */
static inline const char *
lit_scan(const char *p, const char *e)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *w = *p == 't' ? words[0] : *p == 'f' ? words[1] :
	    *p == 'n' ? words[2] : NULL;
	size_t n;

	if (!w)
		return NULL;
	n = w == words[1] ? 5 : 4;
	if ((size_t)(e - p) < n || memcmp(p, w, n) != 0)
		return NULL;
	return p + n;
}

int
mv_js_literal(struct mv_js *s)
{
	const char *q;

	ws(s);
	if (s->p >= s->e)
		return mv_js_fail(s, R_TRUNC);
	if (!(q = lit_scan(s->p, s->e)))
		return mv_js_fail(s, R_BAD);
	s->p = q;
	return 0;
}

/* An opening bracket c, after white space. */
static int
begin(struct mv_js *s, char c)
{
	ws(s);
	if (s->p >= s->e)
		return mv_js_fail(s, R_TRUNC);
	if (*s->p != c)
		return mv_js_fail(s, R_BAD);
	if (s->depth >= MV_JS_DEPTH)
		return mv_js_fail(s, R_DEEP);
	s->depth++;
	s->p++;
	return 0;
}

int
mv_js_obj_begin(struct mv_js *s)
{
	return begin(s, '{');
}

int
mv_js_arr_begin(struct mv_js *s)
{
	return begin(s, '[');
}

/* The closing bracket or, but for the first element, a comma. */
static int
elem_next(struct mv_js *s, int *first, char close)
{
	ws(s);
	if (s->p >= s->e)
		return mv_js_fail(s, R_TRUNC);
	if (*s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	if (!*first) {
		if (*s->p != ',')
			return mv_js_fail(s, R_BAD);
		s->p++;
	}
	*first = 0;
	return 1;
}

int
mv_js_obj_next(struct mv_js *s, int *first, const char **key, size_t *klen)
{
	int r = elem_next(s, first, '}'), esc;

	if (r <= 0)
		return r;
	if (js_str(s, key, klen, &esc) < 0)
		return -1;
	if (esc)
		*klen = (size_t)-1;
	ws(s);
	if (s->p >= s->e)
		return mv_js_fail(s, R_TRUNC);
	if (*s->p != ':')
		return mv_js_fail(s, R_BAD);
	s->p++;
	ws(s);
	return 1;
}

int
mv_js_arr_next(struct mv_js *s, int *first)
{
	int r = elem_next(s, first, ']');

	if (r > 0)
		ws(s);
	return r;
}

/*
 * Skip any value, validating it. One loop with its own stack of closing
 * brackets: most of a profile (overview, release dates, videos) and all
 * of an event's data are skipped, so this is where readers spend their
 * time.
 */
int
mv_js_skip(struct mv_js *s)
{
	char stk[MV_JS_DEPTH];
	int d = 0, esc;
	const char *p, *e = s->e, *q;

	p = s->p;
value:
	while (p < e && is_ws((unsigned char)*p))
		p++;
	if (p >= e)
		goto cut;
	switch (*p) {
	case '{':
	case '[':
		if (d + s->depth >= MV_JS_DEPTH) {
			s->p = p;
			return mv_js_fail(s, R_DEEP);
		}
		stk[d++] = *p == '{' ? '}' : ']';
		p++;
		while (p < e && is_ws((unsigned char)*p))
			p++;
		if (p < e && *p == stk[d - 1]) {
			p++;
			d--;
			goto after;
		}
		if (stk[d - 1] == '}')
			goto key;
		goto value;
	case '"':
		q = (const char *)str_scan(s, (const unsigned char *)p, &esc);
		if (!q)
			return -1;
		p = q;
		break;
	case 't':
	case 'f':
	case 'n':
		if (!(q = lit_scan(p, e)))
			goto bad;
		p = q;
		break;
	default:
		if (!(q = num_scan(p, e)))
			goto bad;
		p = q;
		break;
	}
after:
	if (d == 0) {
		s->p = p;
		return 0;
	}
	while (p < e && is_ws((unsigned char)*p))
		p++;
	if (p >= e)
		goto cut;
	if (*p == ',') {
		p++;
		if (stk[d - 1] == '}')
			goto key;
		goto value;
	}
	if (*p == stk[d - 1]) {
		p++;
		d--;
		goto after;
	}
	goto bad;
key:
	while (p < e && is_ws((unsigned char)*p))
		p++;
	if (p >= e)
		goto cut;
	if (*p != '"')
		goto bad;
	if (!(q = (const char *)str_scan(s, (const unsigned char *)p, &esc)))
		return -1;
	p = q;
	while (p < e && is_ws((unsigned char)*p))
		p++;
	if (p >= e)
		goto cut;
	if (*p != ':')
		goto bad;
	p++;
	goto value;
cut:
	s->p = e;
	return mv_js_fail(s, R_TRUNC);
bad:
	s->p = p;
	return mv_js_fail(s, p >= e ? R_TRUNC : R_BAD);
}

int
mv_js_end(struct mv_js *s)
{
	ws(s);
	if (s->p != s->e)
		return mv_js_fail(s, R_BAD);
	return 0;
}

char *
mv_js_decode(const char *p, size_t n, int esc)
{
	struct mv_buf b = {0};
	const char *e = p + n;

	if (!esc)
		return mv_xstrndup(p, n);
	while (p < e) {
		const char *bs = memchr(p, '\\', (size_t)(e - p));
		long c, lo;
		char o[4];

		if (!bs) {
			mv_buf_add(&b, p, (size_t)(e - p));
			break;
		}
		mv_buf_add(&b, p, (size_t)(bs - p));
		p = bs + 1;
		if (p >= e)
			break;
		switch (*p++) {
		case 'b': mv_buf_add(&b, "\b", 1); break;
		case 'f': mv_buf_add(&b, "\f", 1); break;
		case 'n': mv_buf_add(&b, "\n", 1); break;
		case 'r': mv_buf_add(&b, "\r", 1); break;
		case 't': mv_buf_add(&b, "\t", 1); break;
		case 'u':
			if (e - p < 4 || (c = hex4((const unsigned char *)p)) < 0) {
				c = 0xfffd;
				p = e;
			} else
				p += 4;
			if (c >= 0xd800 && c < 0xdc00 && e - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u' && (lo = hex4((const unsigned char *)p + 2)) >= 0xdc00 &&
			    lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (c >= 0xd800 && c < 0xe000)
				c = 0xfffd;
			mv_buf_add(&b, o, mv_utf8_put((uint32_t)c, o));
			break;
		default: mv_buf_add(&b, p - 1, 1); break;
		}
	}
	if (!b.buf)
		return mv_xstrdup("");
	return b.buf;
}
