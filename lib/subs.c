/* subs.c: a subtitle's language, flags and format, read from its name. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mv.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

/*
 * The languages subtitles come in most, by ISO 639-1, 639-2/B, 639-2/T
 * and the names people write: English first, then the native ones,
 * lower case, with and without accents as release groups type them.
 * Jellyfin matches the same four things (LocalizationManager's
 * FindLanguageInfo over iso6392.txt); the native names are ours, since
 * "Subs/3_Français.srt" is as common as "Subs/3_French.srt".
 */
static const struct lang {
	const char *c1, *b, *t;  /* "" when 639-1 has no code */
	const char *names;       /* '|'-separated, lower case */
} langs[] = {
	{"en", "eng", "eng", "english"},
	{"fr", "fre", "fra", "french|français|francais|française|francaise"},
	{"de", "ger", "deu", "german|deutsch"},
	{"es", "spa", "spa", "spanish|español|espanol|castellano|castilian"},
	{"it", "ita", "ita", "italian|italiano"},
	{"pt", "por", "por", "portuguese|português|portugues"},
	{"nl", "dut", "nld", "dutch|nederlands|flemish|vlaams"},
	{"sv", "swe", "swe", "swedish|svenska"},
	{"da", "dan", "dan", "danish|dansk"},
	{"no", "nor", "nor", "norwegian|norsk"},
	{"nb", "nob", "nob", "bokmål|bokmal|norwegian bokmål|norsk bokmål"},
	{"nn", "nno", "nno", "nynorsk|norwegian nynorsk"},
	{"fi", "fin", "fin", "finnish|suomi"},
	{"pl", "pol", "pol", "polish|polski"},
	{"ru", "rus", "rus", "russian|русский"},
	{"ja", "jpn", "jpn", "japanese|日本語"},
	{"zh", "chi", "zho", "chinese|中文|mandarin|普通话"},
	{"ko", "kor", "kor", "korean|한국어"},
	{"ar", "ara", "ara", "arabic|العربية"},
	{"he", "heb", "heb", "hebrew|עברית"},
	{"hi", "hin", "hin", "hindi|हिन्दी|हिंदी"},
	{"tr", "tur", "tur", "turkish|türkçe|turkce"},
	{"el", "gre", "ell", "greek|ελληνικά|ελληνικα"},
	{"cs", "cze", "ces", "czech|čeština|cestina"},
	{"sk", "slo", "slk", "slovak|slovenčina|slovencina"},
	{"hu", "hun", "hun", "hungarian|magyar"},
	{"ro", "rum", "ron", "romanian|română|romana"},
	{"bg", "bul", "bul", "bulgarian|български"},
	{"hr", "hrv", "hrv", "croatian|hrvatski"},
	{"sr", "srp", "srp", "serbian|srpski|српски"},
	{"sl", "slv", "slv", "slovenian|slovene|slovenščina|slovenscina"},
	{"uk", "ukr", "ukr", "ukrainian|українська"},
	{"et", "est", "est", "estonian|eesti"},
	{"lv", "lav", "lav", "latvian|latviešu|latviesu"},
	{"lt", "lit", "lit", "lithuanian|lietuvių|lietuviu"},
	{"is", "ice", "isl", "icelandic|íslenska|islenska"},
	{"th", "tha", "tha", "thai|ไทย"},
	{"vi", "vie", "vie", "vietnamese|tiếng việt|tieng viet"},
	{"id", "ind", "ind", "indonesian|bahasa indonesia"},
	{"ms", "may", "msa", "malay|bahasa melayu|melayu"},
	{"fa", "per", "fas", "persian|farsi|فارسی"},
	{"ur", "urd", "urd", "urdu|اردو"},
	{"bn", "ben", "ben", "bengali|bangla|বাংলা"},
	{"ta", "tam", "tam", "tamil|தமிழ்"},
	{"te", "tel", "tel", "telugu|తెలుగు"},
	{"ml", "mal", "mal", "malayalam|മലയാളം"},
	{"kn", "kan", "kan", "kannada|ಕನ್ನಡ"},
	{"mr", "mar", "mar", "marathi|मराठी"},
	{"gu", "guj", "guj", "gujarati|ગુજરાતી"},
	{"pa", "pan", "pan", "punjabi|panjabi|ਪੰਜਾਬੀ"},
	{"ca", "cat", "cat", "catalan|català|catala"},
	{"eu", "baq", "eus", "basque|euskara"},
	{"gl", "glg", "glg", "galician|galego"},
	{"sq", "alb", "sqi", "albanian|shqip"},
	{"mk", "mac", "mkd", "macedonian|македонски"},
	{"bs", "bos", "bos", "bosnian|bosanski"},
	{"hy", "arm", "hye", "armenian|հայերեն"},
	{"ka", "geo", "kat", "georgian|ქართული"},
	{"be", "bel", "bel", "belarusian|беларуская"},
	{"kk", "kaz", "kaz", "kazakh|қазақша"},
	{"az", "aze", "aze", "azerbaijani|azərbaycan"},
	{"cy", "wel", "cym", "welsh|cymraeg"},
	{"ga", "gle", "gle", "irish|gaeilge"},
	{"lb", "ltz", "ltz", "luxembourgish|lëtzebuergesch"},
	{"mt", "mlt", "mlt", "maltese|malti"},
	{"af", "afr", "afr", "afrikaans"},
	{"sw", "swa", "swa", "swahili|kiswahili"},
	{"am", "amh", "amh", "amharic|አማርኛ"},
	{"si", "sin", "sin", "sinhala|sinhalese|සිංහල"},
	{"ne", "nep", "nep", "nepali|नेपाली"},
	{"km", "khm", "khm", "khmer|ខ្មែរ"},
	{"my", "bur", "mya", "burmese|မြန်မာ"},
	{"mn", "mon", "mon", "mongolian|монгол"},
	{"tl", "tgl", "tgl", "tagalog"},
	{"", "fil", "fil", "filipino"},
	{"la", "lat", "lat", "latin"},
	{"eo", "epo", "epo", "esperanto"},
};

/*
 * Words that are a language with a region or script, or that name a
 * language the table spells otherwise: what release groups and
 * OpenSubtitles write ("pob", "Brazilian", "CHS", "Latino") and
 * French releases' VOSTFR ("version originale sous-titrée en
 * français": full French subtitles, so not forced).
 */
static const struct {
	const char *word, *c1, *region;
} aliases[] = {
	{"brazilian", "pt", "BR"}, {"brazilian portuguese", "pt", "BR"},
	{"portuguese brazil", "pt", "BR"}, {"portuguese brazilian", "pt", "BR"},
	{"pob", "pt", "BR"}, {"pb", "pt", "BR"},
	{"latino", "es", "419"}, {"latam", "es", "419"},
	{"spanish latin", "es", "419"}, {"spanish latam", "es", "419"},
	{"chs", "zh", "Hans"}, {"simplified chinese", "zh", "Hans"},
	{"chinese simplified", "zh", "Hans"}, {"简体", "zh", "Hans"},
	{"简体中文", "zh", "Hans"},
	{"cht", "zh", "Hant"}, {"traditional chinese", "zh", "Hant"},
	{"chinese traditional", "zh", "Hant"}, {"繁體", "zh", "Hant"},
	{"繁体", "zh", "Hant"}, {"繁體中文", "zh", "Hant"},
	{"vostfr", "fr", ""}, {"vost", "fr", ""}, {"vostf", "fr", ""},
	{"subfrench", "fr", ""}, {"stfr", "fr", ""},
	{"iw", "he", ""}, {"jp", "ja", ""},
};

/* Flags, as Jellyfin's NamingOptions lists them (MediaForcedFlags,
 * MediaDefaultFlags, MediaHearingImpairedFlags) plus "hoh" and
 * "hearing impaired"; "hi" is handled apart since it is also Hindi. */
enum flag { F_NONE, F_FORCED, F_DEFAULT, F_SDH, F_NEUTRAL };
static const struct {
	const char *word;
	enum flag f;
} flags[] = {
	{"forced", F_FORCED}, {"foreign", F_FORCED}, {"default", F_DEFAULT},
	{"sdh", F_SDH}, {"cc", F_SDH}, {"hoh", F_SDH},
	{"hearing impaired", F_SDH},
	/* Words that say nothing about the track: skipped, not a stop. */
	{"full", F_NEUTRAL}, {"sub", F_NEUTRAL}, {"subs", F_NEUTRAL},
	{"subtitle", F_NEUTRAL}, {"subtitles", F_NEUTRAL},
};

/* Extensions and the codec ffprobe names for their content, so that a
 * sidecar compares with a probed embedded track. A lone .sub may be
 * MicroDVD text; only its .idx makes it VobSub, hence "pair". */
static const struct {
	const char *ext, *codec, *pair;
} formats[] = {
	{"srt", "subrip", NULL}, {"ass", "ass", NULL}, {"ssa", "ass", NULL},
	{"vtt", "webvtt", NULL}, {"idx", "dvd_subtitle", "sub"},
	{"sub", "dvd_subtitle", "idx"}, {"sup", "hdmv_pgs_subtitle", NULL},
	{"smi", "sami", NULL}, {"sami", "sami", NULL}, {"mks", NULL, NULL},
};

/* Lower case of cp for the scripts language names are written in:
 * Latin-1, Latin Extended-A, Greek, Cyrillic. Others have no case. */
static uint32_t
lower(uint32_t cp)
{
	if (cp < 0x80)
		return (uint32_t)tolower((int)cp);
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3ab) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if ((cp >= 0x100 && cp <= 0x137 && !(cp & 1)) ||
	    (cp >= 0x139 && cp <= 0x148 && (cp & 1)) ||
	    (cp >= 0x14a && cp <= 0x177 && !(cp & 1)))
		return cp + 1;
	if (cp == 0x386)
		return 0x3ac;
	if (cp >= 0x388 && cp <= 0x38a)
		return cp + 0x25;
	return cp;
}

/* Fold the n bytes at s into out (size cap): lower case, any run of
 * separators to one space. Returns 0, or -1 if too long or not UTF-8. */
static int
fold(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0, k;
	uint32_t cp;

	for (size_t i = 0; i < n; i += k) {
		if (!(k = mv_utf8_next(s + i, n - i, &cp)))
			return -1;
		if (o + 4 >= cap)
			return -1;
		o += mv_utf8_put(lower(cp), out + o);
	}
	out[o] = '\0';
	return 0;
}

/* 1 if w is one of the '|'-separated names. */
static int
in_names(const char *names, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = names; *p; ) {
		const char *e = strchr(p, '|');
		size_t m = e ? (size_t)(e - p) : strlen(p);

		if (m == n && memcmp(p, w, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* The table entry for folded word w, with *region set from an alias
 * ("" else), or NULL. *bycode is 1 when w was a code, not a name. */
static const struct lang *
find(const char *w, const char **region, int *bycode)
{
	const char *c1 = NULL;

	*region = "";
	*bycode = 0;
	for (size_t i = 0; i < N(aliases); i++)
		if (strcmp(w, aliases[i].word) == 0) {
			c1 = aliases[i].c1;
			*region = aliases[i].region;
			break;
		}
	for (size_t i = 0; i < N(langs); i++) {
		const struct lang *l = &langs[i];

		if (c1 ? strcmp(c1, l->c1) == 0 : in_names(l->names, w))
			return l;
		if (!c1 && (strcmp(w, l->b) == 0 || strcmp(w, l->t) == 0 ||
		    (*l->c1 && strcmp(w, l->c1) == 0))) {
			*bycode = 1;
			return l;
		}
	}
	return NULL;
}

const char *
mv_sub_lang(const char *word)
{
	char w[64];
	const char *region;
	const struct lang *l;
	int bycode;

	if (fold(word, strlen(word), w, sizeof w) < 0 ||
	    !(l = find(w, &region, &bycode)))
		return NULL;
	return *l->c1 ? l->c1 : l->b;
}

/* One token of a name: where it lies, and the separator before it. */
struct tok {
	const char *s;
	size_t n;
	char sep;
};

#define MAXTOK 48

/* Split the n bytes at s into tokens at . _ - space and brackets;
 * returns the count (at most MAXTOK: the last ones, which are those
 * that matter, since flags and language are read from the right). */
static size_t
tokens(const char *s, size_t n, struct tok *t)
{
	size_t c = 0, i = 0;
	char sep = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && !strchr("._- ()[]{},+", s[j]))
			j++;
		if (j > i) {
			if (c == MAXTOK) {
				memmove(t, t + 1, (MAXTOK - 1) * sizeof *t);
				c--;
			}
			t[c++] = (struct tok){ s + i, j - i, sep };
			sep = 0;
		}
		/* The last separator before a token is its own ("pt-BR"). */
		if (j < n)
			sep = s[j];
		i = j + 1;
	}
	return c;
}

/* Fold token t into w; a word too long for w is no word (""). */
static void
word(const struct tok *t, char *w, size_t cap)
{
	if (fold(t->s, t->n, w, cap) < 0)
		w[0] = '\0';
}

static enum flag
flag_of(const char *w)
{
	for (size_t i = 0; i < N(flags); i++)
		if (strcmp(w, flags[i].word) == 0)
			return flags[i].f;
	return F_NONE;
}

/* 1 if t can be the region or script after a language code joined by
 * '-' or '_': two letters, three digits (UN M.49, "419"), or a script
 * ("Hans"). Upper-case two letters unless they are no language, so
 * "fr-CA" is Canadian French and not French then Catalan. */
static int
region_like(const struct tok *t, const char *w)
{
	const char *r;
	int bycode;

	if (t->sep != '-' && t->sep != '_')
		return 0;
	if (t->n == 2 && isalpha((unsigned char)t->s[0]) && isalpha((unsigned char)t->s[1]))
		return isupper((unsigned char)t->s[0]) || !find(w, &r, &bycode);
	if (t->n == 3 && isdigit((unsigned char)t->s[0]) && mv_all_digits(w))
		return 1;
	return t->n == 4 && (!strcmp(w, "hans") || !strcmp(w, "hant") ||
	    !strcmp(w, "latn") || !strcmp(w, "cyrl"));
}

/* What parse_tokens has found so far. */
struct found {
	const struct lang *lang;
	char region[5];
	int from_hi;    /* lang is Hindi from a bare "hi": maybe the flag */
};

/* Take l (with region) as the language, Jellyfin's way: the rightmost
 * language wins, except over a bare "hi", which then was the hearing-
 * impaired flag ("movie.en.hi.srt"). Returns 1 if taken. */
static int
take(struct found *f, struct mv_sub *out, const struct lang *l,
    const char *region, int is_hi)
{
	if (f->lang && !f->from_hi) {
		if (is_hi)
			out->sdh = 1;
		return 0;
	}
	if (f->from_hi)
		out->sdh = 1;
	f->lang = l;
	snprintf(f->region, sizeof f->region, "%s", region);
	f->from_hi = is_hi;
	return 1;
}

/*
 * 1 if, with no video base, token i of t (folded: w) is too common a
 * word to be a language code: "Dr.No", "Let.It.Be", "Who.Am.I.He".
 * It still is one in capitals ("Movie.IT") or with only numbers
 * before it ("Subs/3_it.srt").
 */
static int
common_word(const struct tok *t, size_t i, const char *w)
{
	static const char *const words[] = {
		"am", "be", "el", "he", "hi", "id", "is", "it", "la", "my", "no",
	};
	size_t k;

	for (k = 0; k < N(words) && strcmp(w, words[k]) != 0; k++)
		;
	if (k == N(words) || (isupper((unsigned char)t[i].s[0]) &&
	    isupper((unsigned char)t[i].s[1])))
		return 0;
	for (k = 0; k < i; k++)
		if (!isdigit((unsigned char)t[k].s[0]))
			return 1;
	return 0;
}

/*
 * Read the tokens right to left. With strict set (no video base to cut
 * the name at) the first word that is neither a language nor a flag
 * ends the reading, so a title's last word ("The.Italian.Job") is not
 * taken unless nothing follows it that we do not know, and a common
 * word that is also a code needs capitals (common_word).
 */
static void
parse_tokens(struct tok *t, size_t c, int strict, struct mv_sub *out)
{
	struct found f = { 0 };
	char w[64], pw[64], two[132];
	const char *region;
	const struct lang *l;
	int bycode;

	for (size_t i = c; i-- > 0; ) {
		word(&t[i], w, sizeof w);
		if (i > 0) {
			word(&t[i - 1], pw, sizeof pw);
			/* Two-word names first: "Brazilian Portuguese". */
			snprintf(two, sizeof two, "%s %s", pw, w);
			if ((l = find(two, &region, &bycode))) {
				take(&f, out, l, region, 0);
				i--;
				continue;
			}
			if (flag_of(two) == F_SDH) {
				out->sdh = 1;
				i--;
				continue;
			}
			if (region_like(&t[i], w) && (l = find(pw, &region, &bycode)) &&
			    bycode) {
				char r[5];

				snprintf(r, sizeof r, "%.*s", (int)t[i].n, t[i].s);
				/* "pt-br": regions upper case, scripts title case. */
				for (size_t k = 0; r[k]; k++)
					r[k] = k == 0 || t[i].n != 4 ? (char)toupper((unsigned char)r[k]) :
					    (char)tolower((unsigned char)r[k]);
				take(&f, out, l, r, 0);
				i--;
				continue;
			}
		}
		switch (flag_of(w)) {
		case F_FORCED: out->forced = 1; continue;
		case F_DEFAULT: out->dflt = 1; continue;
		case F_SDH: out->sdh = 1; continue;
		case F_NEUTRAL: continue;
		case F_NONE: break;
		}
		if ((l = find(w, &region, &bycode)) &&
		    !(strict && common_word(t, i, w))) {
			take(&f, out, l, region, strcmp(w, "hi") == 0);
			continue;
		}
		if (strict)
			break;
	}
	if (f.lang) {
		snprintf(out->lang, sizeof out->lang, "%s", *f.lang->c1 ? f.lang->c1 : f.lang->b);
		snprintf(out->region, sizeof out->region, "%s", f.region);
	}
}

int
mv_sub_parse(const char *relpath, const char *video_base, struct mv_sub *out)
{
	const char *base = strrchr(relpath, '/'), *dot, *s;
	struct tok t[MAXTOK];
	size_t n, bn, i;
	int strict = 1;

	memset(out, 0, sizeof *out);
	strcpy(out->lang, "und");
	strcpy(out->tag, "und");
	base = base ? base + 1 : relpath;
	if (!(dot = strrchr(base, '.')) || dot == base || strlen(dot + 1) >= sizeof out->ext)
		return -1;
	for (i = 0; i < N(formats); i++)
		if (strcasecmp(dot + 1, formats[i].ext) == 0)
			break;
	if (i == N(formats))
		return -1;
	strcpy(out->ext, formats[i].ext);
	out->codec = formats[i].codec;
	out->pair = formats[i].pair;

	s = base;
	n = (size_t)(dot - base);
	/* The video's own name says nothing of the subtitle: read only what
	 * follows it, as Jellyfin does, and read all of that. The base must
	 * end at a separator: "Heat" is no prefix of "Heater.srt". */
	if (video_base && (bn = strlen(video_base)) <= n &&
	    strncasecmp(s, video_base, bn) == 0 &&
	    (bn == n || strchr("._- ()[]", s[bn]))) {
		s += bn;
		n -= bn;
		strict = 0;
	}
	parse_tokens(t, tokens(s, n, t), strict, out);
	snprintf(out->tag, sizeof out->tag, "%s%s%s", out->lang,
	    *out->region ? "-" : "", out->region);
	return 0;
}

/*
 * 1 if a and b are a VobSub pair: one .idx and one .sub with the same
 * path otherwise (the name part compared exactly, the extension in any
 * case), so that both are filed together under one name.
 */
int
mv_sub_pair(const char *a, const char *b)
{
	size_t an = strlen(a), bn = strlen(b);

	if (an != bn || an < 5 || a[an - 4] != '.' || b[bn - 4] != '.' ||
	    memcmp(a, b, an - 4) != 0)
		return 0;
	return (strcasecmp(a + an - 3, "idx") == 0 && strcasecmp(b + bn - 3, "sub") == 0) ||
	    (strcasecmp(a + an - 3, "sub") == 0 && strcasecmp(b + bn - 3, "idx") == 0);
}
