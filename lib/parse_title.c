/* parse_title.c: the title of one path component: where it starts and stops, its text. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "parse_int.h"

/* ---- the title ------------------------------------------------------- */

/* A group (from an opening bracket at i) holds a year or a tag. */
static int
group_tagged(const struct comp *c, int i, int *year)
{
	int j, end = c->t[i].match, found = 0;

	if (year)
		*year = 0;
	for (j = i + 1; j < end && j < c->n; j++) {
		if (c->t[j].kind != K_WORD)
			continue;
		if (c->t[j].year) {
			if (year)
				*year = c->t[j].year;
			found = 1;
		} else if (c->t[j].str == S_STRONG || c->t[j].str == S_WEAK ||
		    (c->t[j].str == S_TAIL && c->t[j].cls != C_SRC)) {
			found = 1;
		}
	}
	return found;
}

static int
group_has_digit(const struct comp *c, int i)
{
	int end = c->t[i].match;
	size_t a, b, k;

	if (end >= c->n)
		end = c->n - 1;
	a = c->t[i].off;
	b = c->t[end].off + c->t[end].len;
	for (k = a; k < b; k++)
		if (mv_ascii_digit((unsigned char)c->s[k]))
			return 1;
	return 0;
}

/* Index of the token after the one at i (skipping a phrase or group). */
static int
next_tok(const struct comp *c, int i)
{
	if (c->t[i].kind == K_OPEN)
		return c->t[i].match + 1;
	if (c->t[i].kind == K_WORD && c->t[i].span > 1)
		return i + c->t[i].span;
	return i + 1;
}

static int
is_tag(const struct tok *t)
{
	return t->kind == K_WORD && (t->str == S_STRONG || t->str == S_WEAK);
}

/* Same language tag used again after i: then the first one is a word of
 * the title ("Immersion.French.2011...QC.FRENCH"). */
static int
lang_repeated(const struct comp *c, int i)
{
	int j;

	for (j = i + 1; j < c->n; j++)
		if (c->t[j].cls == C_LANG && c->t[j].canon &&
		    !strcmp(c->t[j].canon, c->t[i].canon))
			return 1;
	return 0;
}

/*
 * Does the weak tag at i end the title? Only when the run of tags from
 * it reaches a strong tag, a year, a bracket or the end of the name.
 * A language right after "the" ("The Good German", "The French
 * Connection") is a word, and so is one whose tag is repeated later.
 */
static int
weak_ends(const struct comp *c, int i, int ts)
{
	int j = next_tok(c, i);

	if (c->t[i].cls == C_LANG && ((i - 1 >= ts && parse_word_is(c, i - 1, "the")) ||
	    (i - 2 >= ts && parse_word_is(c, i - 2, "the"))))
		return 0;
	while (j < c->n) {
		const struct tok *t = &c->t[j];

		switch (t->kind) {
		case K_DASH:
			j++;
			continue;
		case K_WORD:
			break;
		default:
			return 1;
		}
		if (t->year)
			return !(j == next_tok(c, i) && c->t[i].cls == C_LANG &&
			    lang_repeated(c, i));
		if (t->str == S_STRONG)
			return 1;
		if (t->str == S_WEAK || t->str == S_TAIL || t->span == 0) {
			j = next_tok(c, j);
			continue;
		}
		return 0;
	}
	return 1;
}

/* The token at i (a word) ends the title started at ts. */
static int
ends_title(const struct comp *c, int i, int ts)
{
	const struct tok *t = &c->t[i];

	if (t->kind != K_WORD || t->year)
		return 0;
	if (t->cls == C_GENRE)
		return i > ts && c->t[i - 1].kind == K_DASH && weak_ends(c, i, ts);
	if (t->str == S_STRONG)
		return 1;
	/* A title is more than an article: "The Final Cut (2004)" is a
	 * film, not "The" in its Final Cut. */
	if (t->str == S_WEAK && i == ts + 1 && (parse_word_is(c, ts, "the") ||
	    parse_word_is(c, ts, "a") || parse_word_is(c, ts, "an")))
		return 0;
	if (t->str == S_WEAK)
		return weak_ends(c, i, ts);
	return 0;
}

/* A standalone word that looks like a scene film or bonus number:
 * James_Bond-f21-Casino_Royale-x02-Stunts. */
static int
numbered(const struct comp *c, int i, char letter)
{
	const struct tok *t = &c->t[i];
	const char *p = TXT(c, i);

	return t->kind == K_WORD && t->hyph && t->len >= 2 && t->len <= 4 &&
	    mv_ascii_lower((unsigned char)p[0]) == letter &&
	    parse_all_digits(p + 1, t->len - 1u) && i + 1 < c->n && c->t[i + 1].hyph;
}

/*
 * Find where the title starts: skip a site prefix, release-group
 * brackets, an index "(1)", technical tags and a "Fr - " language prefix.
 * Sets *lead_year for a leading "(1995)".
 */
static int
title_start(const struct comp *c, int *lead_year)
{
	int i = 0;

	*lead_year = 0;
	while (i < c->n) {
		const struct tok *t = &c->t[i];

		if (t->kind == K_DASH || t->kind == K_DDASH || t->kind == K_CLOSE) {
			i++;
			continue;
		}
		if (t->kind == K_OPEN) {
			int end = t->match, inner = end - i - 1;

			if (c->s[t->off] == '[' || c->s[t->off] == '{') {
				if (end + 1 >= c->n)
					break; /* nothing else: keep it */
				i = end + 1;
				continue;
			}
			if (c->s[t->off] == '(' && inner == 1 &&
			    c->t[i + 1].kind == K_WORD) {
				if (c->t[i + 1].year && end + 1 < c->n) {
					*lead_year = c->t[i + 1].year;
					i = end + 1;
					continue;
				}
				if (c->t[i + 1].num >= 0 && c->t[i + 1].len <= 2 &&
				    end + 1 < c->n) {
					i = end + 1;
					continue;
				}
			}
			if (c->s[t->off] == '(' && inner == 0) {
				i = end + 1;
				continue;
			}
			break;
		}
		/* A tag followed by " - ": "Fr - Paris 2054", "h265 - HEVC". */
		if (is_tag(t) && next_tok(c, i) < c->n &&
		    c->t[next_tok(c, i)].kind == K_DASH) {
			i = next_tok(c, i) + 1;
			continue;
		}
		if (is_tag(t) && (t->flags & F_TECH) && t->cls != C_EDITION) {
			i = next_tok(c, i);
			continue;
		}
		break;
	}
	return i;
}

/* Where the title of c stops, scanning from *tsp (a film number moves
 * *tsp past it); the last year word goes to *ylast, a year in the group
 * that stops the title to *gyear.  Returns the stop token index. */
static int
title_stop(struct comp *c, int *tsp, int *ylast, int *gyear)
{
	int i, ts = *tsp, stop = c->n;

	for (i = ts; i < c->n; i = next_tok(c, i)) {
		const struct tok *t = &c->t[i];

		if (t->kind == K_DDASH && i > ts) {
			stop = i;
			break;
		}
		if (t->kind == K_DASH) {
			int j = i + 1;

			if (i > ts && j < c->n && (ends_title(c, j, ts) ||
			    (c->t[j].kind == K_OPEN && group_tagged(c, j, gyear)))) {
				stop = i;
				break;
			}
			continue;
		}
		if (t->kind == K_OPEN && i > ts) {
			int end = t->match;

			if (parse_word_is(c, i + 1, "aka"))
				continue;
			if (end == i + 1 || group_tagged(c, i, gyear)) {
				stop = i;
				break;
			}
			if (c->s[t->off] == '[' && !group_has_digit(c, i))
				continue;
			if (c->s[t->off] == '(' && end + 1 < c->n &&
			    c->t[end + 1].kind == K_WORD && !c->t[end + 1].year &&
			    !ends_title(c, end + 1, ts))
				continue;
			stop = i;
			break;
		}
		if (t->kind != K_WORD)
			continue;
		if (t->year) {
			*ylast = i;
			continue;
		}
		if (i > ts && numbered(c, i, 'f')) {
			/* Film number of a series: the title follows. */
			ts = i + 1;
			*ylast = -1;
			continue;
		}
		if (i > ts && numbered(c, i, 'x')) {
			stop = i;
			break;
		}
		if (i > ts && ends_title(c, i, ts)) {
			stop = i;
			break;
		}
	}
	*tsp = ts;
	return stop;
}

/* The first " - " of c from ts on, when two or more come before the
 * first strong tag, year or group.  Returns its index, or -1. */
static int
credit_dash(struct comp *c, int ts)
{
	int i, dashes = 0, firstdash = -1;

	for (i = ts; i < c->n; i++) {
		const struct tok *t = &c->t[i];

		if (t->kind == K_OPEN || (t->kind == K_WORD && (t->year ||
		    t->str == S_STRONG)))
			break;
		if (t->kind == K_DASH) {
			if (firstdash < 0)
				firstdash = i;
			dashes++;
		}
	}
	return dashes >= 2 ? firstdash : -1;
}

/* Read one component: title range, year, tag count. */
void
parse_read_comp(struct comp *c, struct reading *r)
{
	int i, ts, stop, ylast = -1, yat = -1, gyear = 0, firstdash;

	memset(r, 0, sizeof *r);
	ts = title_start(c, &r->lead_year);
	stop = title_stop(c, &ts, &ylast, &gyear);
	/* The release year: last one before the stop, or in the group that
	 * stopped the title, or failing both the last one after it. */
	if (gyear) {
		r->year = gyear;
	} else if (ylast >= 0) {
		r->year = c->t[ylast].year;
		yat = ylast;
	} else {
		for (i = stop; i < c->n; i++)
			if (c->t[i].kind == K_WORD && c->t[i].year)
				r->year = c->t[i].year;
	}
	r->te = stop;
	if (yat >= 0 && !gyear) {
		if (yat == ts) {
			/* 2009.shoot.fruit.chan: a year in front of a title,
			 * unless nothing follows (1917.mkv). */
			if (yat + 1 < stop) {
				ts = yat + 1;
				r->lead_year = r->year;
			} else {
				r->year = 0;
			}
		} else {
			r->te = yat;
		}
	}
	if (!r->year && r->lead_year)
		r->year = r->lead_year;
	else if (r->year != r->lead_year)
		r->lead_year = 0;
	/*
	 * Two or more " - " before the first strong tag or year: the first
	 * segment is the title, the rest alternative titles or credits.
	 */
	firstdash = credit_dash(c, ts);
	if (firstdash > ts && firstdash < r->te)
		r->te = firstdash;
	/* Trim dashes and brackets at the ends. */
	while (r->te > ts && (c->t[r->te - 1].kind == K_DASH ||
	    c->t[r->te - 1].kind == K_DDASH || c->t[r->te - 1].kind == K_OPEN))
		r->te--;
	r->ts = ts;
	/* Tags outside the title: "sample.mkv" is a title word, no tag. */
	for (i = 0; i < c->n; i++)
		if ((i < r->ts || i >= r->te) && is_tag(&c->t[i]) && c->t[i].span)
			r->ntags++;
}

/* ---- text helpers ---------------------------------------------------- */

size_t
mv_acronym_len(const char *p, size_t n)
{
	size_t i = 0;
	int letters = 0;

	while (i < n && mv_ascii_alpha((unsigned char)p[i]) &&
	    (i + 1 == n || !mv_ascii_alpha((unsigned char)p[i + 1]))) {
		letters++;
		i++;
		if (i < n && p[i] == '.' && (i + 1 == n ||
		    !mv_ascii_alpha((unsigned char)p[i + 1]) || i + 2 == n ||
		    !mv_ascii_alpha((unsigned char)p[i + 2]) || p[i + 2] == '.')) {
			i++;
			if (i < n && mv_ascii_alpha((unsigned char)p[i]))
				continue;
			break;
		}
		break;
	}
	if (letters < 2)
		return 0;
	if (i < n && p[i] == '.')
		i++; /* "A.I.Artificial": the dot after the last letter */
	return i;
}

/*
 * Clean a title span: '.' and '_' become spaces except inside acronyms,
 * blanks collapse, ends are trimmed of blanks and separators, invalid
 * UTF-8 becomes U+FFFD. Returns malloc'd, or NULL if nothing is left.
 */
char *
parse_clean_title(const char *s, size_t n)
{
	char *out = mv_xmalloc(n * 3 + 1);
	size_t i = 0, o = 0;
	int space = 0;

	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		if (mv_ascii_alpha(ch) &&
		    (i == 0 || !mv_ascii_alpha((unsigned char)s[i - 1]))) {
			size_t a = mv_acronym_len(s + i, n - i);

			if (a) {
				if (space && o)
					out[o++] = ' ';
				memcpy(out + o, s + i, a);
				o += a, i += a;
				/* "V.H.S.2" reads "V.H.S. 2" */
				space = s[i - 1] == '.';
				continue;
			}
		}
		if (ch == '.' || ch == '_' || ch == ' ' || ch < 0x20 || ch == 0x7f ||
		    ch == '~') {
			space = 1;
			i++;
			continue;
		}
		if (space && o)
			out[o++] = ' ';
		space = 0;
		k = mv_utf8_next(s + i, n - i, &cp);
		if (k == 0) {
			memcpy(out + o, MV_UTF8_FFFD, 3);
			o += 3, i++;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k, i += k;
	}
	/* trailing separators */
	while (o > 0 && strchr(" -,:;+=|*", out[o - 1]))
		o--;
	out[o] = '\0';
	/* leading separators */
	for (i = 0; i < o && strchr(" -,:;+=|*", out[i]); i++)
		;
	if (i == o) {
		free(out);
		return NULL;
	}
	if (i)
		memmove(out, out + i, o - i + 1);
	return out;
}
