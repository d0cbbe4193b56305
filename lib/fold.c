/* fold.c: titles folded for comparison, one rule for matching, search and listings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/* Base letters of U+00C0..U+017F ("" for non-letters: ×, ÷). */
static const char *const latin[] = {
	/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i",
	/* D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u",
	"y", "th", "ss",
	/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i",
	/* F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u",
	"y", "th", "y",
	/* 100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c",
	"c", "c", "d", "d",
	/* 110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e",
	"g", "g", "g", "g",
	/* 120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i",
	"i", "i", "i", "i",
	/* 130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l",
	"l", "l", "l", "l",
	/* 140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n",
	"o", "o", "o", "o",
	/* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s",
	"s", "s", "s", "s",
	/* 160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u",
	"u", "u", "u", "u",
	/* 170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z",
	"z", "z", "z", "s",
};

/* Words both sides of a comparison spell alike once folded: roman
 * numerals of sequels and episodes (II..XX; not I, V, X, which are also
 * words and initials) and "part" before a number go to digits, so "Part
 * II", "Part 2" and "2" agree. */
static const char *const roman_word[] = {
	"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xiii",
	"xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx",
};
static const char *const roman_val[] = {
	"2", "3", "4", "6", "7", "8", "9", "11", "12", "13",
	"14", "15", "16", "17", "18", "19", "20",
};

/* A leading article or elision, dropped when words follow: "The Matrix"
 * and "Matrix", "L'Armée" and "Armée" fold alike. */
static const char *const article[] = {
	"the", "a", "an", "l", "le", "la", "les", "der", "die", "das", "el",
	"il", "lo",
};

static int
word_in(const char *w, size_t len, const char *const *set, size_t n)
{
	/* The first letter before strlen: mvserve folds the 600,000 titles
	 * of 100,000 movies at its start, 30 strlen a word took 15% of it. */
	for (size_t i = 0; i < n; i++)
		if (set[i][0] == *w && strlen(set[i]) == len && memcmp(set[i], w, len) == 0)
			return (int)i;
	return -1;
}

/* Rewrite the folded words of s in place (it never grows: each numeral
 * is no longer than its roman spelling). */
static void
fold_words(char *s)
{
	char *r = s, *w = s;
	int first = 1;

	while (*r) {
		char *e = strchr(r, ' ');
		size_t len = e ? (size_t)(e - r) : strlen(r);
		const char *put = r;
		size_t plen = len;
		int k;

		if (first && e && word_in(r, len, article,
		    sizeof article / sizeof *article) >= 0) {
			r = e + 1;
			first = 0;
			continue;
		}
		first = 0;
		if ((k = word_in(r, len, roman_word, sizeof roman_word / sizeof *roman_word)) >= 0) {
			put = roman_val[k];
			plen = strlen(put);
		} else if (len == 4 && !memcmp(r, "part", 4) && e &&
		    (mv_ascii_digit((unsigned char)e[1]) || word_in(e + 1,
		    strcspn(e + 1, " "), roman_word, sizeof roman_word / sizeof *roman_word) >= 0)) {
			r = e + 1;
			continue;
		}
		if (w != s)
			*w++ = ' ';
		memmove(w, put, plen);
		w += plen;
		r = e ? e + 1 : r + len;
	}
	*w = '\0';
}

/* The output of a fold: words written with one space between them. */
struct out {
	char *s;
	size_t o;
	int space; /* a separator was seen since the last word */
};

/* Append str, after a space if a separator came before it; "" is a
 * separator itself. */
static void
put(struct out *w, const char *str)
{
	if (!*str) {
		w->space = 1;
		return;
	}
	if (w->space && w->o)
		w->s[w->o++] = ' ';
	w->space = 0;
	while (*str)
		w->s[w->o++] = *str++;
}

/*
 * A symbol that reads as a word of its own: "Fast & Furious" reads "Fast
 * and Furious", Alien³ reads "Alien 3". Returns the bytes it took at s,
 * or 0.
 */
static size_t
fold_symbol(const char *s, size_t n, struct out *w)
{
	unsigned char c2;

	if (*s == '&')
		c2 = 0;
	else if ((unsigned char)s[0] == 0xc2 && n > 1 &&
	    ((unsigned char)s[1] == 0xb2 || (unsigned char)s[1] == 0xb3 ||
	    (unsigned char)s[1] == 0xb9))
		c2 = (unsigned char)s[1];
	else
		return 0;
	w->space = 1;
	put(w, c2 == 0 ? "and" : c2 == 0xb2 ? "2" : c2 == 0xb3 ? "3" : "1");
	w->space = 1;
	return c2 ? 2 : 1;
}

/* The bytes of a possessive's apostrophe at s[i] after a letter, which
 * joins as release names write it ("Schindler's" and "Schindlers"); an
 * elision ("L'Armée") does not. 0 if none. */
static size_t
possessive(const char *s, size_t i)
{
	size_t k;

	if (i == 0 || !mv_ascii_alpha((unsigned char)s[i - 1]))
		return 0;
	if (s[i] == '\'')
		k = 1;
	else if (!strncmp(s + i, "\xe2\x80\x99", 3))
		k = 3;
	else
		return 0;
	if (mv_ascii_lower((unsigned char)s[i + k]) == 's' &&
	    !mv_ascii_alpha((unsigned char)s[i + k + 1]) &&
	    (unsigned char)s[i + k + 1] < 0x80)
		return k;
	return 0;
}

/* Fold one code point beyond ASCII. */
static void
fold_cp(uint32_t cp, struct out *w)
{
	char buf[5];

	if (cp >= 0xc0 && cp <= 0x17f) {
		put(w, latin[cp - 0xc0]);
	} else if (cp >= 0x300 && cp <= 0x36f) {
		/* combining accents: dropped, no space */
	} else if (cp < 0xc0 || (cp >= 0x2000 && cp <= 0x2bff) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xff00 && cp <= 0xff0f) || cp == 0xfffd ||
	    cp >= 0x1f000) {
		w->space = 1; /* punctuation, symbols, emoji */
	} else {
		/* Greek and Cyrillic capitals fold too */
		if ((cp >= 0x391 && cp <= 0x3a9) || (cp >= 0x410 && cp <= 0x42f))
			cp += 0x20;
		else if (cp >= 0x400 && cp <= 0x40f)
			cp += 0x50;
		buf[mv_utf8_put(cp, buf)] = '\0';
		put(w, buf);
	}
}

char *
mv_title_fold(const char *s)
{
	size_t n = strlen(s), i = 0, k;
	struct out w = {mv_xmalloc(n * 2 + 1), 0, 0};

	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		uint32_t cp;

		if (mv_ascii_alpha(ch) &&
		    (i == 0 || !mv_ascii_alpha((unsigned char)s[i - 1])) &&
		    (k = mv_acronym_len(s + i, n - i)) != 0) {
			/* U.N.C.L.E. folds like UNCLE */
			if (w.space && w.o)
				w.s[w.o++] = ' ';
			for (size_t j = 0; j < k; j++)
				if (s[i + j] != '.')
					w.s[w.o++] =
					    (char)mv_ascii_lower((unsigned char)s[i + j]);
			i += k;
			w.space = 1;
		} else if ((k = fold_symbol(s + i, n - i, &w)) != 0) {
			i += k;
		} else if ((k = possessive(s, i)) != 0) {
			i += k;
		} else if (ch < 0x80) {
			char one[2] = {0, 0};

			if (mv_ascii_alpha(ch) || mv_ascii_digit(ch))
				one[0] = (char)mv_ascii_lower(ch);
			put(&w, one);
			i++;
		} else if ((k = mv_utf8_next(s + i, n - i, &cp)) == 0) {
			w.space = 1;
			i++;
		} else {
			fold_cp(cp, &w);
			i += k;
		}
	}
	w.s[w.o] = '\0';
	fold_words(w.s);
	return w.s;
}
