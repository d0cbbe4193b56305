/* regex.c: JSON Schema's patterns, an ECMA-262 subset, as POSIX ERE matching code points. */
#include <locale.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/*
 * Patterns are compiled and run in the C.UTF-8 locale when the system has
 * it, so "." and bracket expressions match code points, not bytes, as in
 * ECMA-262. The switch is per thread (uselocale) and cheap.
 */
static locale_t
utf8_locale(void)
{
	static int tried;
	static locale_t loc;

	if (!tried) {
		tried = 1;
		loc = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
		if (!loc)
			loc = newlocale(LC_ALL_MASK, "C.utf8", (locale_t)0);
	}
	return loc;
}

/* Read n hex digits at s; returns the value or -1. */
static long
hexn(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		int h = mv_ascii_hexval((unsigned char)s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Decode one UTF-8 sequence at s (NUL-terminated); sets *cp, returns its
 * length: 1, with the byte itself, where s holds no valid sequence. */
static size_t
utf8_get(const char *s, long *cp)
{
	uint32_t c;
	size_t n = mv_utf8_next(s, strnlen(s, 4), &c);

	*cp = n ? (long)c : (unsigned char)*s;
	return n ? n : 1;
}

#define ERE_SPECIAL ".[]()*+?{}|^$\\"
#define SPACES " \t\n\r\f\v"
#define WORDS "A-Za-z0-9_"

/*
 * One atom of an ECMA character class: a code point (*lo == *hi), a range,
 * or a class escape (\d \w \s) expanded into the ASCII bitmap. Returns the
 * number of pattern bytes used, or 0 with *why set.
 */
static size_t
class_atom(const char *p, long *cp, int *isset, unsigned char *map,
    const char **why)
{
	*isset = 0;
	if (*p != '\\')
		return utf8_get(p, cp);
	switch (p[1]) {
	case 'd':
		for (int c = '0'; c <= '9'; c++)
			map[c] = 1;
		*isset = 1;
		return 2;
	case 'w':
		for (int c = 0; c < 128; c++)
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_')
				map[c] = 1;
		*isset = 1;
		return 2;
	case 's':
		for (const char *s = SPACES; *s; s++)
			map[(unsigned char)*s] = 1;
		*isset = 1;
		return 2;
	case 'D': case 'W': case 'S':
		*why = "negated class escape inside [...]";
		return 0;
	case 'n': *cp = '\n'; return 2;
	case 't': *cp = '\t'; return 2;
	case 'r': *cp = '\r'; return 2;
	case 'f': *cp = '\f'; return 2;
	case 'v': *cp = '\v'; return 2;
	case 'b': *cp = '\b'; return 2;
	case 'x':
		if ((*cp = hexn(p + 2, 2)) < 0)
			break;
		return 4;
	case 'u':
		if ((*cp = hexn(p + 2, 4)) < 0 || (*cp >= 0xd800 && *cp < 0xe000))
			break;
		return 6;
	case '\0':
		break;
	default:
		if ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') ||
		    (p[1] >= '0' && p[1] <= '9'))
			break;
		return 1 + utf8_get(p + 1, cp);
	}
	*why = "unsupported escape inside [...]";
	return 0;
}

/*
 * Append the POSIX bracket expression for the ASCII members in map and
 * the non-ASCII ones in wide (neg: negated), with "]", "^", "-" and "["
 * where POSIX reads them literally.
 */
static void
ere_bracket(struct mv_buf *b, const unsigned char *map, int neg,
    const struct mv_buf *wide)
{
	char u[2];

	/* Only "^" in a positive class: POSIX would read "[^]" as negation. */
	{
		int others = wide->len > 0;
		for (int c = 1; c < 128; c++)
			if (map[c] && c != '^')
				others = 1;
		if (!others && !neg) {
			mv_buf_adds(b, "\\^");
			return;
		}
	}
	mv_buf_adds(b, neg ? "[^" : "[");
	if (map[']'])
		mv_buf_adds(b, "]");
	for (int c = 1; c < 128; c++) {
		int e;
		if (!map[c] || c == ']' || c == '^' || c == '-' || c == '[')
			continue;
		/* A run of three or more becomes a range; stop at the specials. */
		for (e = c; e + 1 < 128 && map[e + 1] && e + 1 != ']' &&
		     e + 1 != '^' && e + 1 != '-' && e + 1 != '['; e++)
			;
		u[0] = (char)c;
		mv_buf_add(b, u, 1);
		if (e - c >= 2) {
			u[0] = '-';
			u[1] = (char)e;
			mv_buf_add(b, u, 2);
			c = e;
		}
	}
	if (wide->len)
		mv_buf_add(b, wide->buf, wide->len);
	if (map['^'])
		mv_buf_adds(b, "^");
	if (map['['])
		mv_buf_adds(b, "[");
	if (map['-'])
		mv_buf_adds(b, "-");
	mv_buf_adds(b, "]");
}

/*
 * Translate the ECMA class starting after "[" at p into a POSIX bracket
 * expression appended to b. ASCII members go through a bitmap so that
 * "]", "^", "-" and "[" can be placed where POSIX reads them literally.
 * Returns bytes consumed including the closing "]", or 0 with *why.
 */
static size_t
ere_class(struct mv_buf *b, const char *p, int utf8, const char **why)
{
	unsigned char map[128] = {0};
	struct mv_buf wide = {0};   /* non-ASCII members, as raw UTF-8 */
	const char *s = p;
	int neg = 0, any = 0;
	char u[8];

	if (*s == '^') {
		neg = 1;
		s++;
	}
	while (*s && *s != ']') {
		long lo, hi;
		int isset, hiset;
		size_t n = class_atom(s, &lo, &isset, map, why);

		if (!n)
			goto fail;
		s += n;
		any = 1;
		if (isset)
			continue;
		hi = lo;
		if (s[0] == '-' && s[1] && s[1] != ']') {
			n = class_atom(s + 1, &hi, &hiset, map, why);
			if (!n)
				goto fail;
			if (hiset) {    /* "a-\d": "-" is literal in ECMA */
				map['-'] = 1;
				hi = lo;
			} else if (hi < lo) {
				*why = "range out of order in [...]";
				goto fail;
			}
			s += 1 + n;
		}
		if (lo == 0) {
			*why = "NUL in [...]";
			goto fail;
		}
		for (long c = lo; c <= hi && c < 128; c++)
			map[c] = 1;
		if (hi >= 128) {
			if (!utf8) {
				*why = "non-ASCII in [...] without a UTF-8 locale";
				goto fail;
			}
			if (lo < 128)
				lo = 128;
			mv_buf_add(&wide, u, mv_utf8_put((uint32_t)lo, u));
			if (hi > lo) {
				mv_buf_adds(&wide, "-");
				mv_buf_add(&wide, u, mv_utf8_put((uint32_t)hi, u));
			}
		}
	}
	if (*s != ']') {
		*why = "unterminated [...]";
		goto fail;
	}
	if (!any) {
		*why = "empty class [] or [^]";
		goto fail;
	}
	ere_bracket(b, map, neg, &wide);
	mv_buf_free(&wide);
	return (size_t)(s - p) + 1;
fail:
	mv_buf_free(&wide);
	return 0;
}

/* Append code point cp as a literal, escaped or grouped as ERE needs. */
static void
ere_literal(struct mv_buf *b, long cp)
{
	char u[8];
	size_t n = mv_utf8_put((uint32_t)cp, u);

	if (n == 1 && strchr(ERE_SPECIAL, u[0]))
		mv_buf_adds(b, "\\");
	if (n > 1)  /* a following quantifier applies to the whole char */
		mv_buf_adds(b, "(");
	mv_buf_add(b, u, n);
	if (n > 1)
		mv_buf_adds(b, ")");
}

/*
 * Translate the ECMA escape at p (its backslash) into ERE appended to b.
 * Returns bytes consumed, or 0 with *why for an unsupported one.
 */
static size_t
ere_escape(struct mv_buf *b, const char *p, int utf8, const char **why)
{
	long cp;
	size_t n;

	switch (p[1]) {
	case 'd': mv_buf_adds(b, "[0-9]"); return 2;
	case 'D': mv_buf_adds(b, "[^0-9]"); return 2;
	case 'w': mv_buf_adds(b, "[" WORDS "]"); return 2;
	case 'W': mv_buf_adds(b, "[^" WORDS "]"); return 2;
	case 's': mv_buf_adds(b, "[" SPACES "]"); return 2;
	case 'S': mv_buf_adds(b, "[^" SPACES "]"); return 2;
	case 'n': ere_literal(b, '\n'); return 2;
	case 't': ere_literal(b, '\t'); return 2;
	case 'r': ere_literal(b, '\r'); return 2;
	case 'f': ere_literal(b, '\f'); return 2;
	case 'v': ere_literal(b, '\v'); return 2;
	case 'x':
	case 'u':
		n = p[1] == 'x' ? 2 : 4;
		cp = hexn(p + 2, (int)n);
		if (cp <= 0 || (cp >= 0xd800 && cp < 0xe000) ||
		    (cp >= 128 && !utf8)) {
			*why = "unsupported \\x or \\u escape";
			return 0;
		}
		ere_literal(b, cp);
		return 2 + n;
	case 'b': case 'B':
		*why = "word boundary \\b or \\B";
		return 0;
	case '\0':
		*why = "trailing backslash";
		return 0;
	default:
		if ((p[1] >= '0' && p[1] <= '9')) {
			*why = "backreference or \\0";
			return 0;
		}
		if ((p[1] >= 'a' && p[1] <= 'z') ||
		    (p[1] >= 'A' && p[1] <= 'Z')) {
			*why = "unknown escape";
			return 0;
		}
		n = utf8_get(p + 1, &cp);
		ere_literal(b, cp);
		return 1 + n;
	}
}

/*
 * Translate an ECMA-262 pattern (the JSON Schema dialect) into a POSIX
 * extended regular expression. Supported: literals, ., [...] classes,
 * \d \D \w \W \s \S (ASCII sets), \n \t \r \f \v \xHH \uHHHH, escaped
 * punctuation, groups, (?:...), alternation, ^ $, the quantifiers
 * * + ? {n} {n,} {n,m} and their lazy forms (laziness cannot change
 * whether a match exists). Not supported (returns NULL with *why):
 * lookaround, backreferences, \b \B, named groups, \c, \0, \p{...}.
 * Returns malloc'd ERE.
 */
static char *
ecma_to_ere(const char *p, int utf8, const char **why)
{
	struct mv_buf b = {0};
	int quant = 0;      /* the last thing emitted was a quantifier */

	mv_buf_adds(&b, "");
	while (*p) {
		int q = 0;
		long cp;
		size_t n;

		switch (*p) {
		case '\\':
			if (!(n = ere_escape(&b, p, utf8, why)))
				goto fail;
			p += n;
			break;
		case '[':
			n = ere_class(&b, p + 1, utf8, why);
			if (!n)
				goto fail;
			p += 1 + n;
			break;
		case '(':
			if (p[1] == '?') {
				if (p[2] != ':') {
					*why = "lookaround or named group (?...)";
					goto fail;
				}
				p += 2;
			}
			mv_buf_adds(&b, "(");
			p++;
			break;
		case '.':
			/* ECMA's dot excludes line terminators; POSIX's does not. */
			mv_buf_adds(&b, "[^\n\r]");
			p++;
			break;
		case '*': case '+': case '?':
			if (quant && *p == '?') {   /* lazy: same match/no match */
				p++;
				quant = 0;
				continue;
			}
			mv_buf_add(&b, p, 1);
			p++;
			q = 1;
			break;
		case '{':
			n = 1;
			while (p[n] >= '0' && p[n] <= '9')
				n++;
			if (n > 1 && p[n] == ',')
				for (n++; p[n] >= '0' && p[n] <= '9'; n++)
					;
			if (n > 1 && p[n] == '}') {
				mv_buf_add(&b, p, n + 1);
				p += n + 1;
				q = 1;
			} else {    /* not a quantifier: a literal brace */
				mv_buf_adds(&b, "\\{");
				p++;
			}
			break;
		case '}':
			mv_buf_adds(&b, "\\}");
			p++;
			break;
		case ']':
			mv_buf_adds(&b, "\\]");
			p++;
			break;
		default:
			n = utf8_get(p, &cp);
			if (n > 1)
				ere_literal(&b, cp);
			else
				mv_buf_add(&b, p, 1);
			p += n;
		}
		quant = q;
	}
	return b.buf;
fail:
	mv_buf_free(&b);
	return NULL;
}

static int
has_high(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int
mv_regex_compile(struct mv_regex *r, const char *src)
{
	locale_t loc, old = (locale_t)0;
	const char *why = NULL;
	char *ere;
	int rc;

	if (r->state)
		return r->state > 0;
	loc = utf8_locale();
	ere = ecma_to_ere(src, loc != (locale_t)0, &why);
	if (!ere) {
		r->state = -1;
		r->why = mv_xasprintf("unsupported regular expression %s: %s", src, why);
		return 0;
	}
	/*
	 * Only a negated class (which "." became) or a non-ASCII byte can
	 * match differently on bytes than on code points; other patterns run
	 * in the caller's locale, which is cheaper than decoding UTF-8.
	 */
	r->wide = loc && (strstr(ere, "[^") || has_high(ere));
	if (r->wide)
		old = uselocale(loc);
	rc = regcomp(&r->re, ere, REG_EXTENDED | REG_NOSUB);
	if (r->wide)
		uselocale(old);
	if (rc) {
		char msg[128];
		regerror(rc, &r->re, msg, sizeof msg);
		r->state = -1;
		r->why = mv_xasprintf("invalid regular expression %s: %s", src, msg);
	} else {
		r->state = 1;
	}
	free(ere);
	return r->state > 0;
}

int
mv_regex_match(const struct mv_regex *r, const char *s)
{
	locale_t old = (locale_t)0;
	int rc;

	if (r->wide)
		old = uselocale(utf8_locale());
	rc = regexec(&r->re, s, 0, NULL, 0);
	if (r->wide)
		uselocale(old);
	return rc == 0;
}

void
mv_regex_free(struct mv_regex *r)
{
	if (r->state > 0)
		regfree(&r->re);
	free(r->why);
	memset(r, 0, sizeof *r);
}

int
mv_regex_ok(const char *src)
{
	const char *why;
	char *ere = ecma_to_ere(src, utf8_locale() != (locale_t)0, &why);
	regex_t re;
	int ok = ere && regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) == 0;

	if (ok)
		regfree(&re);
	free(ere);
	return ok;
}
