/* parse_tags.c: the release-tag vocabulary, and the classifier of the words of a name. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "parse_int.h"

#define KEY_MAX 32    /* longest table key */

struct tag {
	const char *key; /* lower case, no apostrophes */
	unsigned char cls, str, flags;
	const char *canon; /* canonical tag for output, or NULL */
};

/* The release-tag vocabulary. Domain knowledge only: no film titles. */
static struct tag tags[] = {
	/* resolution */
	{"4k", C_RES, S_STRONG, F_TECH, "2160p"},
	{"8k", C_RES, S_STRONG, F_TECH, "4320p"},
	{"uhd", C_RES, S_WEAK, F_TECH, "2160p"},
	{"fullhd", C_RES, S_STRONG, F_TECH, "1080p"},
	{"fhd", C_RES, S_WEAK, F_TECH, "1080p"},
	{"qhd", C_RES, S_WEAK, F_TECH, "1440p"},
	{"hd", C_RES, S_TAIL, 0, NULL},
	/* source */
	{"bluray", C_SRC, S_STRONG, F_TECH, "BluRay"},
	{"bdrip", C_SRC, S_STRONG, F_TECH, "BDRip"},
	{"brrip", C_SRC, S_STRONG, F_TECH, "BRRip"},
	{"bdremux", C_SRC, S_STRONG, F_TECH, "Remux"},
	{"remux", C_SRC, S_STRONG, F_TECH, "Remux"},
	{"bd", C_SRC, S_WEAK, F_UP | F_TECH, "BluRay"},
	{"bdmux", C_SRC, S_STRONG, F_TECH, "BluRay"},
	{"brmux", C_SRC, S_STRONG, F_TECH, "BluRay"},
	{"bdripmux", C_SRC, S_STRONG, F_TECH, "BDRip"},
	{"brripmux", C_SRC, S_STRONG, F_TECH, "BRRip"},
	{"dvdrip", C_SRC, S_STRONG, F_TECH, "DVDRip"},
	{"dvd", C_SRC, S_WEAK, F_TECH, "DVD"},
	{"dvdr", C_SRC, S_STRONG, F_TECH, "DVD"},
	{"dvdivx", C_SRC, S_STRONG, F_TECH, "DVDRip"},
	{"dvdscr", C_SRC, S_STRONG, F_TECH, "SCR"},
	{"dvdscreener", C_SRC, S_STRONG, F_TECH, "SCR"},
	{"scr", C_SRC, S_WEAK, F_UP | F_TECH, "SCR"},
	{"screener", C_SRC, S_WEAK, F_TECH, "SCR"},
	{"desiscr", C_SRC, S_STRONG, F_TECH, "SCR"},
	{"r5", C_SRC, S_STRONG, F_TECH, "R5"},
	{"r6", C_SRC, S_STRONG, F_TECH, "R6"},
	{"cam", C_SRC, S_WEAK, F_UP | F_TECH, "CAM"},
	{"camrip", C_SRC, S_STRONG, F_TECH, "CAM"},
	{"hdcam", C_SRC, S_STRONG, F_TECH, "CAM"},
	{"ts", C_SRC, S_WEAK, F_UP | F_TECH, "TS"},
	{"hdts", C_SRC, S_STRONG, F_TECH, "TS"},
	{"telesync", C_SRC, S_STRONG, F_TECH, "TS"},
	{"tc", C_SRC, S_WEAK, F_UP | F_TECH, "TC"},
	{"hdtc", C_SRC, S_STRONG, F_TECH, "TC"},
	{"telecine", C_SRC, S_STRONG, F_TECH, "TC"},
	{"hdtv", C_SRC, S_STRONG, F_TECH, "HDTV"},
	{"hdtvrip", C_SRC, S_STRONG, F_TECH, "HDTV"},
	{"pdtv", C_SRC, S_STRONG, F_TECH, "PDTV"},
	{"sdtv", C_SRC, S_STRONG, F_TECH, "SDTV"},
	{"dsrip", C_SRC, S_STRONG, F_TECH, "SATRip"},
	{"satrip", C_SRC, S_STRONG, F_TECH, "SATRip"},
	{"tvrip", C_SRC, S_STRONG, F_TECH, "TVRip"},
	{"vhs", C_SRC, S_WEAK, F_TECH, "VHS"},
	{"vhsrip", C_SRC, S_STRONG, F_TECH, "VHS"},
	{"webrip", C_SRC, S_STRONG, F_TECH, "WEBRip"},
	{"webdl", C_SRC, S_STRONG, F_TECH, "WEB-DL"},
	{"webdlrip", C_SRC, S_STRONG, F_TECH, "WEB-DL"},
	{"webhd", C_SRC, S_STRONG, F_TECH, "WEB-DL"},
	{"webhdrip", C_SRC, S_STRONG, F_TECH, "WEB-DL"},
	{"web", C_SRC, S_TAIL, 0, "WEB"},
	{"hdrip", C_SRC, S_STRONG, F_TECH, "HDRip"},
	{"hddvd", C_SRC, S_STRONG, F_TECH, "HD-DVD"},
	{"hddvdrip", C_SRC, S_STRONG, F_TECH, "HD-DVD"},
	{"hdlight", C_SRC, S_STRONG, F_TECH, "HDLight"},
	{"mhd", C_SRC, S_STRONG, F_TECH, "HDLight"},
	{"dmrip", C_SRC, S_STRONG, F_TECH, "DMRip"},
	{"wbbrip", C_SRC, S_STRONG, F_TECH, "BRRip"},
	{"uhdrip", C_SRC, S_STRONG, F_TECH, "BRRip"},
	{"ppv", C_SRC, S_STRONG, F_TECH, "PPV"},
	{"ppvrip", C_SRC, S_STRONG, F_TECH, "PPV"},
	{"workprint", C_SRC, S_STRONG, F_TECH, "WP"},
	/* video codec */
	{"xvid", C_CODEC, S_STRONG, F_TECH, "XviD"},
	{"divx", C_CODEC, S_STRONG, F_TECH, "DivX"},
	{"hevc", C_CODEC, S_STRONG, F_TECH, "HEVC"},
	{"avc", C_CODEC, S_STRONG, F_TECH, "AVC"},
	{"vc1", C_CODEC, S_STRONG, F_TECH, "VC-1"},
	{"vp9", C_CODEC, S_STRONG, F_TECH, "VP9"},
	{"av1", C_CODEC, S_STRONG, F_TECH, "AV1"},
	{"mpeg2", C_CODEC, S_STRONG, F_TECH, "MPEG-2"},
	{"mpeg4", C_CODEC, S_STRONG, F_TECH, "MPEG-4"},
	{"hi10", C_CODEC, S_STRONG, F_TECH, "Hi10P"},
	{"hi10p", C_CODEC, S_STRONG, F_TECH, "Hi10P"},
	/* audio */
	{"aac", C_AUDIO, S_STRONG, F_TECH, "AAC"},
	{"aaclc", C_AUDIO, S_STRONG, F_TECH, "AAC"},
	{"heaac", C_AUDIO, S_STRONG, F_TECH, "AAC"},
	{"ac3", C_AUDIO, S_STRONG, F_TECH, "AC3"},
	{"ac3d", C_AUDIO, S_STRONG, F_TECH, "AC3"},
	{"eac3", C_AUDIO, S_STRONG, F_TECH, "EAC3"},
	{"dts", C_AUDIO, S_STRONG, F_TECH, "DTS"},
	{"dtshd", C_AUDIO, S_STRONG, F_TECH, "DTS-HD"},
	{"dtses", C_AUDIO, S_STRONG, F_TECH, "DTS-ES"},
	{"dtsx", C_AUDIO, S_STRONG, F_TECH, "DTS:X"},
	{"dtshdma", C_AUDIO, S_STRONG, F_TECH, "DTS-HD"},
	{"truehd", C_AUDIO, S_STRONG, F_TECH, "TrueHD"},
	{"atmos", C_AUDIO, S_WEAK, F_TECH, "Atmos"},
	{"flac", C_AUDIO, S_STRONG, F_TECH, "FLAC"},
	{"opus", C_AUDIO, S_WEAK, F_TECH, "Opus"},
	{"mp3", C_AUDIO, S_STRONG, F_TECH, "MP3"},
	{"pcm", C_AUDIO, S_WEAK, F_UP | F_TECH, "PCM"},
	{"lpcm", C_AUDIO, S_STRONG, F_TECH, "LPCM"},
	{"dd", C_AUDIO, S_WEAK, F_UP | F_TECH, "DD"},
	{"ddp", C_AUDIO, S_STRONG, F_TECH, "DD+"},
	{"ddex", C_AUDIO, S_STRONG, F_TECH, "DD-EX"},
	{"dolby", C_AUDIO, S_WEAK, 0, NULL},
	{"dualaudio", C_LANG, S_STRONG, F_TECH, "DUAL"},
	/* languages: weak, since "The Good German" and "French Kiss" exist */
	{"truefrench", C_LANG, S_STRONG, 0, "TRUEFRENCH"},
	{"vostfr", C_LANG, S_STRONG, 0, "VOSTFR"},
	{"vost", C_LANG, S_STRONG, 0, "VOSTFR"},
	{"vostf", C_LANG, S_STRONG, 0, "VOSTFR"},
	{"subfrench", C_LANG, S_STRONG, 0, "VOSTFR"},
	{"multi", C_LANG, S_WEAK, 0, "MULTI"},
	{"vff", C_LANG, S_STRONG, 0, "VFF"},
	{"vfq", C_LANG, S_STRONG, 0, "VFQ"},
	{"vfi", C_LANG, S_STRONG, 0, "VFI"},
	{"vf2", C_LANG, S_STRONG, 0, "VF2"},
	{"vf", C_LANG, S_WEAK, F_UP, "VF"},
	{"vo", C_LANG, S_WEAK, F_UP, "VO"},
	{"vof", C_LANG, S_STRONG, 0, "VO"},
	{"french", C_LANG, S_WEAK, 0, "FRENCH"},
	{"fr", C_LANG, S_WEAK, 0, "FRENCH"},
	{"fre", C_LANG, S_WEAK, F_UP, "FRENCH"},
	{"swissgerman", C_LANG, S_STRONG, 0, "GERMAN"},
	{"german", C_LANG, S_WEAK, 0, "GERMAN"},
	{"deutsch", C_LANG, S_WEAK, 0, "GERMAN"},
	{"ger", C_LANG, S_WEAK, F_UP, "GERMAN"},
	{"de", C_LANG, S_WEAK, F_UP, "GERMAN"},
	{"english", C_LANG, S_WEAK, 0, "ENGLISH"},
	{"eng", C_LANG, S_WEAK, 0, "ENGLISH"},
	{"italian", C_LANG, S_WEAK, 0, "ITALIAN"},
	{"ita", C_LANG, S_WEAK, 0, "ITALIAN"},
	{"spanish", C_LANG, S_WEAK, 0, "SPANISH"},
	{"esp", C_LANG, S_WEAK, F_UP, "SPANISH"},
	{"castellano", C_LANG, S_WEAK, 0, "SPANISH"},
	{"latino", C_LANG, S_WEAK, 0, "LATINO"},
	{"russian", C_LANG, S_WEAK, 0, "RUSSIAN"},
	{"rus", C_LANG, S_WEAK, 0, "RUSSIAN"},
	{"ru", C_LANG, S_WEAK, F_UP, "RUSSIAN"},
	{"ukr", C_LANG, S_WEAK, 0, "UKRAINIAN"},
	{"japanese", C_LANG, S_WEAK, 0, "JAPANESE"},
	{"jpn", C_LANG, S_WEAK, 0, "JAPANESE"},
	{"korean", C_LANG, S_WEAK, 0, "KOREAN"},
	{"kor", C_LANG, S_WEAK, F_UP, "KOREAN"},
	{"chinese", C_LANG, S_WEAK, 0, "CHINESE"},
	{"chi", C_LANG, S_WEAK, F_UP, "CHINESE"},
	{"mandarin", C_LANG, S_WEAK, 0, "MANDARIN"},
	{"cantonese", C_LANG, S_WEAK, 0, "CANTONESE"},
	{"hindi", C_LANG, S_WEAK, 0, "HINDI"},
	{"tamil", C_LANG, S_WEAK, 0, "TAMIL"},
	{"tam", C_LANG, S_WEAK, F_UP, "TAMIL"},
	{"telugu", C_LANG, S_WEAK, 0, "TELUGU"},
	{"tel", C_LANG, S_WEAK, F_UP, "TELUGU"},
	{"malayalam", C_LANG, S_WEAK, 0, "MALAYALAM"},
	{"mal", C_LANG, S_WEAK, F_UP, "MALAYALAM"},
	{"kannada", C_LANG, S_WEAK, 0, "KANNADA"},
	{"bengali", C_LANG, S_WEAK, 0, "BENGALI"},
	{"bangla", C_LANG, S_WEAK, 0, "BENGALI"},
	{"punjabi", C_LANG, S_WEAK, 0, "PUNJABI"},
	{"marathi", C_LANG, S_WEAK, 0, "MARATHI"},
	{"urdu", C_LANG, S_WEAK, 0, "URDU"},
	{"nordic", C_LANG, S_WEAK, 0, "NORDIC"},
	{"swedish", C_LANG, S_WEAK, 0, "SWEDISH"},
	{"swe", C_LANG, S_WEAK, F_UP, "SWEDISH"},
	{"danish", C_LANG, S_WEAK, 0, "DANISH"},
	{"norwegian", C_LANG, S_WEAK, 0, "NORWEGIAN"},
	{"finnish", C_LANG, S_WEAK, 0, "FINNISH"},
	{"dutch", C_LANG, S_WEAK, 0, "DUTCH"},
	{"flemish", C_LANG, S_WEAK, 0, "FLEMISH"},
	{"polish", C_LANG, S_WEAK, 0, "POLISH"},
	{"pl", C_LANG, S_WEAK, F_UP, "POLISH"},
	{"portuguese", C_LANG, S_WEAK, 0, "PORTUGUESE"},
	{"pt", C_LANG, S_WEAK, F_UP, "PORTUGUESE"},
	{"czech", C_LANG, S_WEAK, 0, "CZECH"},
	{"hungarian", C_LANG, S_WEAK, 0, "HUNGARIAN"},
	{"turkish", C_LANG, S_WEAK, 0, "TURKISH"},
	{"arabic", C_LANG, S_WEAK, 0, "ARABIC"},
	{"ara", C_LANG, S_WEAK, F_UP, "ARABIC"},
	{"hebrew", C_LANG, S_WEAK, 0, "HEBREW"},
	{"greek", C_LANG, S_WEAK, 0, "GREEK"},
	{"thai", C_LANG, S_WEAK, 0, "THAI"},
	{"vietnamese", C_LANG, S_WEAK, 0, "VIETNAMESE"},
	/* subtitles and dubbing */
	{"dubbed", C_SUBS, S_WEAK, 0, NULL},
	{"dub", C_SUBS, S_WEAK, 0, NULL},
	{"subbed", C_SUBS, S_WEAK, 0, NULL},
	{"subs", C_SUBS, S_TAIL, 0, NULL},
	{"sub", C_SUBS, S_TAIL, 0, NULL},
	{"esub", C_SUBS, S_STRONG, 0, NULL},
	{"esubs", C_SUBS, S_STRONG, 0, NULL},
	{"msub", C_SUBS, S_STRONG, 0, NULL},
	{"msubs", C_SUBS, S_STRONG, 0, NULL},
	{"korsub", C_SUBS, S_STRONG, 0, NULL},
	{"nlsubs", C_SUBS, S_STRONG, 0, NULL},
	{"ensubbed", C_SUBS, S_STRONG, 0, NULL},
	{"subforced", C_SUBS, S_STRONG, 0, NULL},
	{"softsub", C_SUBS, S_STRONG, 0, NULL},
	{"hardsub", C_SUBS, S_STRONG, 0, NULL},
	{"multisub", C_SUBS, S_STRONG, 0, NULL},
	{"multisubs", C_SUBS, S_STRONG, 0, NULL},
	{"hc", C_SUBS, S_WEAK, F_UP, NULL},
	/* editions, alone or opening/closing a phrase */
	{"extended", C_EDITION, S_WEAK, F_EDADJ, "Extended"},
	{"unrated", C_EDITION, S_WEAK, F_EDADJ, "Unrated"},
	{"uncut", C_EDITION, S_WEAK, F_EDADJ, "Uncut"},
	{"remastered", C_EDITION, S_WEAK, F_EDADJ, "Remastered"},
	{"restored", C_EDITION, S_WEAK, F_EDADJ, "Restored"},
	{"theatrical", C_EDITION, S_WEAK, F_EDADJ, "Theatrical"},
	{"criterion", C_EDITION, S_WEAK, F_EDADJ, "Criterion"},
	{"imax", C_EDITION, S_WEAK, F_EDADJ, "IMAX"},
	{"colorized", C_EDITION, S_WEAK, 0, "Colorized"},
	{"redux", C_EDITION, S_WEAK, 0, "Redux"},
	{"recut", C_EDITION, S_WEAK, 0, "Recut"},
	{"dc", C_EDITION, S_WEAK, F_UP, "Director's Cut"},
	{"se", C_EDITION, S_WEAK, F_UP, "Special Edition"},
	{"om", C_EDITION, S_WEAK, F_UP, "Open Matte"},
	{"oar", C_EDITION, S_WEAK, F_UP, "OAR"},
	{"openmatte", C_EDITION, S_WEAK, 0, "Open Matte"},
	{"special", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"ultimate", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"collector", C_NONE, S_PLAIN, F_EDADJ | F_FRADJ, NULL},
	{"collectors", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"director", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"directors", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"final", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"anniversary", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"deluxe", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"definitive", C_NONE, S_PLAIN, F_EDADJ | F_FRADJ, NULL},
	{"international", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"alternative", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"integral", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"platinum", C_NONE, S_PLAIN, F_EDADJ, NULL},
	{"edition", C_NONE, S_PLAIN, F_EDNOUN, NULL},
	{"collection", C_NONE, S_PLAIN, F_EDNOUN, NULL},
	{"cut", C_NONE, S_PLAIN, F_EDNOUN, NULL},
	{"version", C_NONE, S_PLAIN, F_EDNOUN, NULL},
	{"longue", C_NONE, S_PLAIN, F_FRADJ, NULL},
	{"integrale", C_NONE, S_PLAIN, F_EDADJ | F_FRADJ, NULL},
	{"originale", C_NONE, S_PLAIN, F_FRADJ, NULL},
	{"speciale", C_NONE, S_PLAIN, F_FRADJ, NULL},
	/* release flags */
	{"proper", C_FLAG, S_WEAK, F_TECH, "PROPER"},
	{"repack", C_FLAG, S_WEAK, F_TECH, "REPACK"},
	{"rerip", C_FLAG, S_WEAK, F_TECH, "RERIP"},
	{"limited", C_FLAG, S_WEAK, F_EDADJ, "LIMITED"},
	{"internal", C_FLAG, S_WEAK, 0, "INTERNAL"},
	{"complete", C_FLAG, S_WEAK, 0, NULL},
	{"convert", C_FLAG, S_WEAK, 0, NULL},
	{"docu", C_FLAG, S_WEAK, 0, NULL},
	{"doku", C_FLAG, S_WEAK, 0, NULL},
	{"festival", C_FLAG, S_WEAK, 0, NULL},
	{"stv", C_FLAG, S_WEAK, 0, NULL},
	{"readnfo", C_FLAG, S_STRONG, F_TECH, NULL},
	{"nfofix", C_FLAG, S_STRONG, F_TECH, NULL},
	{"prooffix", C_FLAG, S_STRONG, F_TECH, NULL},
	{"dirfix", C_FLAG, S_STRONG, F_TECH, NULL},
	{"syncfix", C_FLAG, S_STRONG, F_TECH, NULL},
	{"proof", C_FLAG, S_WEAK, 0, NULL},
	{"sample", C_FLAG, S_WEAK, 0, NULL},
	{"3d", C_FLAG, S_WEAK, 0, NULL},
	{"hsbs", C_FLAG, S_STRONG, F_TECH, NULL},
	{"halfsbs", C_FLAG, S_STRONG, F_TECH, NULL},
	{"halfou", C_FLAG, S_STRONG, F_TECH, NULL},
	{"sbs", C_FLAG, S_WEAK, F_UP, NULL},
	{"hdr", C_FLAG, S_WEAK, F_TECH, NULL},
	{"hdr10", C_FLAG, S_STRONG, F_TECH, NULL},
	{"hdr10plus", C_FLAG, S_STRONG, F_TECH, NULL},
	{"dv", C_FLAG, S_WEAK, F_UP, NULL},
	{"dovi", C_FLAG, S_STRONG, F_TECH, NULL},
	{"bt2020", C_FLAG, S_STRONG, F_TECH, NULL},
	{"bt709", C_FLAG, S_STRONG, F_TECH, NULL},
	{"sdr", C_FLAG, S_WEAK, F_UP, NULL},
	{"xxx", C_FLAG, S_WEAK, 0, NULL},
	{"line", C_FLAG, S_WEAK, 0, NULL},
	{"pal", C_FLAG, S_WEAK, 0, NULL},
	{"ntsc", C_FLAG, S_WEAK, 0, NULL},
	{"secam", C_FLAG, S_WEAK, 0, NULL},
	{"custom", C_FLAG, S_WEAK, 0, NULL},
	{"hfr", C_FLAG, S_STRONG, F_TECH, NULL},
	{"untouched", C_FLAG, S_WEAK, 0, NULL},
	{"hq", C_FLAG, S_WEAK, 0, NULL},
	{"dl", C_FLAG, S_WEAK, F_UP, NULL},
	{"ld", C_FLAG, S_WEAK, F_UP, NULL},
	{"md", C_FLAG, S_WEAK, F_UP, NULL},
	{"qc", C_FLAG, S_WEAK, F_UP, NULL},
	{"ws", C_FLAG, S_WEAK, F_UP, NULL},
	{"fs", C_FLAG, S_WEAK, F_UP, NULL},
	{"2in1", C_FLAG, S_STRONG, F_TECH, NULL},
	{"upscaled", C_FLAG, S_WEAK, 0, NULL},
	{"upscale", C_FLAG, S_WEAK, 0, NULL},
	{"hybrid", C_FLAG, S_WEAK, 0, NULL},
	{"mkv", C_CONT, S_TAIL, 0, NULL},
	{"mp4", C_CONT, S_TAIL, 0, NULL},
	{"avi", C_CONT, S_TAIL, 0, NULL},
	{"amzn", C_SERVICE, S_TAIL, 0, NULL},
	{"nf", C_SERVICE, S_TAIL, F_UP, NULL},
	{"hmax", C_SERVICE, S_TAIL, 0, NULL},
	{"dsnp", C_SERVICE, S_TAIL, 0, NULL},
	{"atvp", C_SERVICE, S_TAIL, 0, NULL},
	/* external ids, followed by their value */
	{"tmdbid", C_ID, S_STRONG, 0, "tmdb"},
	{"tmdb", C_ID, S_STRONG, 0, "tmdb"},
	{"imdbid", C_ID, S_STRONG, 0, "imdb"},
	{"imdb", C_ID, S_STRONG, 0, "imdb"},
	{"tvdbid", C_ID, S_STRONG, 0, "tvdb"},
	{"tvdb", C_ID, S_STRONG, 0, "tvdb"},
	/* genres: a tag only as a whole segment after " - " */
	{"drama", C_GENRE, S_PLAIN, 0, NULL},
	{"comedy", C_GENRE, S_PLAIN, 0, NULL},
	{"thriller", C_GENRE, S_PLAIN, 0, NULL},
	{"horror", C_GENRE, S_PLAIN, 0, NULL},
	{"action", C_GENRE, S_PLAIN, 0, NULL},
	{"western", C_GENRE, S_PLAIN, 0, NULL},
	{"documentary", C_GENRE, S_PLAIN, 0, NULL},
	{"animation", C_GENRE, S_PLAIN, 0, NULL},
	{"romance", C_GENRE, S_PLAIN, 0, NULL},
	/* words that count parts */
	{"part", C_NONE, S_PLAIN, 0, "part"},
	{"pt", C_NONE, S_PLAIN, 0, "part"},
	{"cd", C_NONE, S_PLAIN, 0, "cd"},
	{"disc", C_NONE, S_PLAIN, 0, "part"},
	{"disk", C_NONE, S_PLAIN, 0, "part"},
};
#define NTAGS (sizeof tags / sizeof tags[0])

/* Open-addressing hash of the table, built once: lookups are the hot
 * path (two per word, with the two-word tags). */
#define HASH_SIZE 1024 /* power of two, over twice NTAGS */
static short hash_slot[HASH_SIZE];
static pthread_once_t tags_once = PTHREAD_ONCE_INIT;

static unsigned
hash_key(const char *k, size_t n)
{
	return (unsigned)mv_hash_bytes(MV_HASH_BASIS, k, n);
}

static void
tags_index(void)
{
	size_t i;

	for (i = 0; i < NTAGS; i++) {
		unsigned h = hash_key(tags[i].key, strlen(tags[i].key)) & (HASH_SIZE - 1);

		while (hash_slot[h])
			h = (h + 1) & (HASH_SIZE - 1);
		hash_slot[h] = (short)(i + 1);
	}
}

static const struct tag *
tag_find(const char *key, size_t n)
{
	unsigned h = hash_key(key, n) & (HASH_SIZE - 1);

	while (hash_slot[h]) {
		const struct tag *g = &tags[hash_slot[h] - 1];

		if (!strcmp(g->key, key))
			return g;
		h = (h + 1) & (HASH_SIZE - 1);
	}
	return NULL;
}

/* Whichever thread parses first builds the hash; the others wait for it. */
void
parse_tags_init(void)
{
	pthread_once(&tags_once, tags_index);
}

/* ---- tokens ---------------------------------------------------------- */

static int
is_sep(unsigned char c)
{
	switch (c) {
	case ' ': case '.': case '_': case '\t': case ',': case ';': case ':':
	case '+': case '*': case '~': case '=': case '|': case '"': case '?':
	case '\r': case '\n': case '\v': case '\f': case '\\':
		return 1;
	}
	return c < 0x20 || c == 0x7f;
}

static int
is_open(unsigned char c)
{
	return c == '(' || c == '[' || c == '{' || c == '<';
}

static int
is_close(unsigned char c)
{
	return c == ')' || c == ']' || c == '}' || c == '>';
}

static int
is_word_char(unsigned char c)
{
	return !is_sep(c) && !is_open(c) && !is_close(c) && c != '-';
}

/* Cut a component into tokens. */
void
parse_tokenize(struct comp *c)
{
	const unsigned char *s = (const unsigned char *)c->s;
	size_t i = 0, n = c->len;
	int hyph = 0;

	c->n = 0;
	while (i < n && c->n < TOK_MAX) {
		struct tok *t = &c->t[c->n];
		unsigned char ch = s[i];

		*t = (struct tok){.num = -1, .span = 1, .off = (unsigned short)i};
		if (is_sep(ch)) {
			i++;
			hyph = 0;
			continue;
		}
		if (ch == '-') {
			size_t j = i;

			while (j < n && s[j] == '-')
				j++;
			/* A single '-' between two word characters joins them. */
			if (j - i == 1 && i > 0 && j < n && is_word_char(s[i - 1]) &&
			    is_word_char(s[j])) {
				hyph = 1;
				i = j;
				continue;
			}
			t->kind = j - i >= 2 ? K_DDASH : K_DASH;
			t->len = (unsigned short)(j - i);
			i = j;
			hyph = 0;
			c->n++;
			continue;
		}
		if (is_open(ch) || is_close(ch)) {
			t->kind = is_open(ch) ? K_OPEN : K_CLOSE;
			t->len = 1;
			i++;
			hyph = 0;
			c->n++;
			continue;
		}
		while (i < n && is_word_char(s[i]))
			i++;
		t->kind = K_WORD;
		t->len = (unsigned short)(i - t->off);
		t->hyph = (unsigned char)hyph;
		hyph = 0;
		c->n++;
	}
	/* Match brackets (any closing bracket closes the innermost). */
	{
		short stack[TOK_MAX];
		int sp = 0, k;

		for (k = 0; k < c->n; k++) {
			if (c->t[k].kind == K_OPEN) {
				c->t[k].match = (short)c->n;
				stack[sp++] = (short)k;
			} else if (c->t[k].kind == K_CLOSE && sp > 0) {
				c->t[stack[--sp]].match = (short)k;
			}
		}
	}
}

/* Lower-case key of a word without apostrophes; 0 if it does not fit. */
static size_t
make_key(const char *p, size_t len, char *key)
{
	size_t i, k = 0;
	uint32_t cp;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\'')
			continue;
		/* U+2019 RIGHT SINGLE QUOTATION MARK */
		if (ch >= 0x80 && mv_utf8_next(p + i, len - i, &cp) == 3 && cp == 0x2019) {
			i += 2;
			continue;
		}
		if (k + 1 >= KEY_MAX)
			return 0;
		key[k++] = (char)mv_ascii_lower(ch);
	}
	key[k] = '\0';
	return k;
}

int
parse_has_lower(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			return 1;
	return 0;
}

int
parse_all_digits(const char *k, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!mv_ascii_digit(k[i]))
			return 0;
	return 1;
}

/* The number of one or two digits at p (then a non-digit), else -1. */
int
parse_small_num(const char *p)
{
	if (!mv_ascii_digit(p[0]))
		return -1;
	if (!mv_ascii_digit(p[1]))
		return p[0] - '0';
	if (!mv_ascii_digit(p[2]))
		return (p[0] - '0') * 10 + (p[1] - '0');
	return -1;
}

/* k starts with prefix p followed only by digits (at least one), then
 * optionally by the suffix sfx. */
static int
prefix_digits(const char *k, const char *p, const char *sfx)
{
	size_t lp = strlen(p), i;

	if (strncmp(k, p, lp) != 0 || !mv_ascii_digit(k[lp]))
		return 0;
	for (i = lp; mv_ascii_digit(k[i]); i++)
		;
	if (k[i] == '\0')
		return 1;
	return sfx && strcmp(k + i, sfx) == 0;
}

/* Classify key (kl bytes, holding a digit) by the patterns of technical
 * tags: 1080p, x264, 10bit, 700mb, cd2, dvd5, tt0113277, v2.  Fills t;
 * returns 1 if it is a tag. */
static int
classify_pattern(const char *key, size_t kl, struct tok *t)
{
	static const char *const audio[] = {
		"aac", "ac3", "dd", "ddp", "dts", "eac3", "flac", "opus",
		"mp3", "lame", "truehd", "atmos", "pcm", "lpcm", NULL
	};
	size_t i;

	/* 1080p, 720i, 1080p24, 1920x1080 */
	if (kl >= 4 && mv_ascii_digit(key[0])) {
		for (i = 0; mv_ascii_digit(key[i]); i++)
			;
		if ((i == 3 || i == 4) && (key[i] == 'p' || key[i] == 'i') &&
		    (key[i + 1] == '\0' || (kl - i - 1 <= 3 &&
		    parse_all_digits(key + i + 1, kl - i - 1)))) {
			t->cls = C_RES, t->str = S_STRONG, t->flags = F_TECH;
			return 1;
		}
		if ((i == 3 || i == 4) && key[i] == 'x' &&
		    parse_all_digits(key + i + 1, kl - i - 1) && kl - i - 1 >= 3 &&
		    kl - i - 1 <= 4) {
			t->cls = C_RES, t->str = S_STRONG, t->flags = F_TECH;
			return 1;
		}
	}
	/* x264, h.264 joined, hevc10, avc1 */
	if (kl == 4 && (key[0] == 'x' || key[0] == 'h') && key[1] == '2' &&
	    key[2] == '6' && key[3] >= '2' && key[3] <= '5') {
		t->cls = C_CODEC, t->str = S_STRONG, t->flags = F_TECH;
		return 1;
	}
	if (prefix_digits(key, "hevc", NULL) || prefix_digits(key, "avc", NULL)) {
		t->cls = C_CODEC, t->str = S_STRONG, t->flags = F_TECH;
		return 1;
	}
	for (i = 0; audio[i] && strchr("adflmopt", key[0]); i++)
		if (prefix_digits(key, audio[i], NULL) ||
		    prefix_digits(key, audio[i], "ch")) {
			t->cls = C_AUDIO, t->str = S_STRONG, t->flags = F_TECH;
			return 1;
		}
	if (mv_ascii_digit(key[0])) {
		for (i = 0; mv_ascii_digit(key[i]); i++)
			;
		if (!strcmp(key + i, "bit") || !strcmp(key + i, "fps") ||
		    !strcmp(key + i, "ch") || !strcmp(key + i, "cd") ||
		    !strcmp(key + i, "cds")) {
			t->cls = C_FLAG, t->str = S_STRONG, t->flags = F_TECH;
			return 1;
		}
		if (!strcmp(key + i, "mb") || !strcmp(key + i, "gb") ||
		    !strcmp(key + i, "mbps") || !strcmp(key + i, "kbps")) {
			t->cls = C_SIZE, t->str = S_STRONG, t->flags = F_TECH;
			return 1;
		}
	}
	/* CD1, CD1of2, disc2, part1, pt2: at most 99 parts (the stacking
	 * words of Jellyfin, Plex and Kodi) */
	if (prefix_digits(key, "cd", NULL) || prefix_digits(key, "disc", NULL) ||
	    prefix_digits(key, "disk", NULL) || prefix_digits(key, "part", NULL) ||
	    prefix_digits(key, "pt", NULL) || (strncmp(key, "cd", 2) == 0 &&
	    mv_ascii_digit(key[2]) && strstr(key, "of"))) {
		int v;

		for (i = 0; !mv_ascii_digit(key[i]); i++)
			;
		if ((v = parse_small_num(key + i)) > 0) {
			t->cls = C_PART, t->str = S_STRONG, t->flags = F_TECH;
			t->num = (short)v;
			return 1;
		}
	}
	if (prefix_digits(key, "dvd", NULL) || prefix_digits(key, "bd", NULL)) {
		t->cls = C_SRC, t->str = S_STRONG, t->flags = F_TECH;
		t->canon = key[0] == 'd' ? "DVD" : "BluRay";
		return 1;
	}
	/* tt0113277 */
	if (kl >= 9 && kl <= 12 && key[0] == 't' && key[1] == 't' &&
	    parse_all_digits(key + 2, kl - 2)) {
		t->cls = C_ID, t->str = S_STRONG, t->canon = "imdb";
		return 1;
	}
	/* v2: an anime release version */
	if ((kl == 2 || kl == 3) && key[0] == 'v' && parse_all_digits(key + 1, kl - 1)) {
		t->cls = C_VERSION, t->str = S_WEAK;
		return 1;
	}
	return 0;
}

/* Classify one key against the patterns and the table; fills t.
 * Returns 1 if it is a tag. */
static int
classify_key(const char *key, size_t kl, const char *raw, size_t rl,
    int ymax, struct tok *t)
{
	const struct tag *g;
	size_t i;

	if (parse_all_digits(key, kl)) {
		if (kl == 4) {
			int y = atoi(key);

			if (y >= MV_YEAR_MIN && y <= ymax)
				t->year = (short)y;
		}
		if (kl <= 2)
			t->num = (short)atoi(key);
		return 0;
	}
	g = tag_find(key, kl);
	if (g) {
		if ((g->flags & F_UP) && parse_has_lower(raw, rl))
			return 0;
		t->cls = g->cls;
		t->str = g->str;
		t->flags = g->flags;
		t->canon = g->canon;
		return g->cls != C_NONE && g->str != S_PLAIN;
	}
	/* Every pattern below holds a digit; most title words do not. */
	for (i = 0; i < kl && !mv_ascii_digit(key[i]); i++)
		;
	if (i == kl)
		return 0;
	return classify_pattern(key, kl, t);
}

int
parse_word_is(const struct comp *c, int i, const char *w)
{
	size_t n = strlen(w), k;

	if (i < 0 || i >= c->n || c->t[i].kind != K_WORD || c->t[i].len != n)
		return 0;
	for (k = 0; k < n; k++)
		if (mv_ascii_lower((unsigned char)TXT(c, i)[k]) != w[k])
			return 0;
	return 1;
}

/* Two words with one '.', '-' or ' ' between them. */
static int
adjacent(const struct comp *c, int i)
{
	const struct tok *a = &c->t[i], *b = &c->t[i + 1];
	char sep;

	if (a->kind != K_WORD || b->kind != K_WORD || b->off != a->off + a->len + 1)
		return 0;
	sep = c->s[a->off + a->len];
	return sep == '.' || sep == '-' || sep == ' ';
}

static int
roman(const char *p, size_t n)
{
	static const char *const r[] = {
		"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", NULL
	};
	char k[8];
	size_t i;

	if (n == 0 || n >= sizeof k)
		return 0;
	for (i = 0; i < n; i++)
		k[i] = (char)mv_ascii_lower((unsigned char)p[i]);
	k[n] = '\0';
	for (i = 0; r[i]; i++)
		if (!strcmp(k, r[i]))
			return (int)i + 1;
	return 0;
}

/* Classify every word alone, or with the next as one two-word tag
 * (WEB-DL, H.264, Dual Audio).  Returns nothing; fills c's tokens. */
static void
classify_words(struct comp *c)
{
	char key[KEY_MAX * 2 + 2];
	int i;

	for (i = 0; i < c->n; i++) {
		struct tok *t = &c->t[i];
		size_t kl;

		if (t->kind != K_WORD)
			continue;
		kl = make_key(TXT(c, i), t->len, key);
		if (kl == 0)
			continue;
		/* Two words that form one tag win over either alone (WEB-DL,
		 * Blu-ray, H.264, Dual Audio, Open Matte): short halves only. */
		if (kl <= 4 && i + 1 < c->n && c->t[i + 1].len <= 5 && adjacent(c, i)) {
			struct tok tmp;
			size_t k2;

			memset(&tmp, 0, sizeof tmp);
			tmp.num = -1;
			k2 = make_key(TXT(c, i + 1), c->t[i + 1].len, key + kl);
			/* never glue a year to a tag: "720p 2016" */
			if (k2 && !(k2 == 4 && parse_all_digits(key + kl, 4)) && classify_key(key, kl + k2, TXT(c, i),
			    c->t[i + 1].off + c->t[i + 1].len - t->off, c->ymax,
			    &tmp) && tmp.year == 0 &&
			    /* "Part 2" apart is the phrase rule's (not
			     * after " - ", where it is a subtitle's) */
			    !(tmp.cls == C_PART && key[0] == 'p')) {
				tmp.off = t->off, tmp.len = t->len;
				tmp.kind = K_WORD, tmp.hyph = t->hyph;
				tmp.span = 2, tmp.match = 0;
				*t = tmp;
				c->t[i + 1].cls = C_NONE;
				c->t[i + 1].str = S_PLAIN;
				c->t[i + 1].span = 0; /* covered by i */
				i++;
				continue;
			}
			key[kl] = '\0';
		}
		classify_key(key, kl, TXT(c, i), t->len, c->ymax, t);
	}
}

/* Join classified words into edition phrases, part numbers, disc counts
 * and service tags.  Returns nothing; fills c's tokens. */
static void
classify_phrases(struct comp *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		struct tok *t = &c->t[i];
		int j, filler;

		if (t->kind != K_WORD || t->span == 0)
			continue;
		/* Edition phrases: Special Edition, Director's Cut, Ultimate
		 * Fan Collection, and French Version Longue. */
		if (t->flags & F_EDADJ) {
			filler = 0;
			for (j = i + 1; j < c->n && j <= i + 3; j++) {
				if (c->t[j].kind != K_WORD)
					break;
				if (c->t[j].flags & F_EDNOUN)
					break;
				if (c->t[j].flags & F_EDADJ)
					continue;
				if (c->t[j].cls != C_NONE || filler++)
					break;
			}
			if (j < c->n && j <= i + 3 && c->t[j].kind == K_WORD &&
			    (c->t[j].flags & F_EDNOUN)) {
				t->cls = C_EDITION, t->str = S_WEAK;
				t->span = (unsigned char)(j - i + 1);
				t->canon = NULL;
				i = j;
				continue;
			}
		}
		if ((t->flags & F_EDNOUN) && i + 1 < c->n &&
		    c->t[i + 1].kind == K_WORD && (c->t[i + 1].flags & F_FRADJ)) {
			t->cls = C_EDITION, t->str = S_WEAK, t->span = 2;
			t->canon = NULL;
			i++;
			continue;
		}
		/* Part 3, Part III, pt1 spelled apart, Disc 2; not after " - "
		 * where "Part 2" belongs to a subtitle. */
		if (t->canon && (!strcmp(t->canon, "part") || !strcmp(t->canon, "cd")) &&
		    t->cls == C_NONE && i + 1 < c->n && c->t[i + 1].kind == K_WORD &&
		    !(i > 0 && c->t[i - 1].kind == K_DASH)) {
			const struct tok *u = &c->t[i + 1];
			int v = u->num >= 0 ? u->num : roman(TXT(c, i + 1), u->len);

			if (v > 0) {
				t->cls = C_PART, t->str = S_STRONG, t->span = 2;
				t->num = (short)v;
				i++;
				continue;
			}
		}
		/* "2 cd": a count of discs */
		if (t->num > 0 && i + 1 < c->n && parse_word_is(c, i + 1, "cd")) {
			t->cls = C_FLAG, t->str = S_STRONG, t->span = 2;
			t->num = -1;
			i++;
			continue;
		}
		/* AMZN.WEB-DL style: a short capitalised service tag just
		 * before a WEB source. */
		if (t->cls == C_NONE && t->len >= 2 && t->len <= 5 && t->year == 0 &&
		    i + 1 < c->n && c->t[i + 1].cls == C_SRC && c->t[i + 1].canon &&
		    !strncmp(c->t[i + 1].canon, "WEB", 3)) {
			const char *p = TXT(c, i);
			unsigned k;

			for (k = 0; k < t->len && p[k] >= 'A' && p[k] <= 'Z'; k++)
				;
			/* only in dotted, mixed-case names: Abidin.Dino.DDY.WEBRip */
			if (k == t->len && t->off > 0 && c->s[t->off - 1] == '.' &&
			    parse_has_lower(c->s, c->len)) {
				t->cls = C_SERVICE, t->str = S_STRONG;
				continue;
			}
		}
	}
}

/* Classify every word: single words, two-word tags (WEB-DL, H.264, Dual
 * Audio), edition phrases, part numbers. */
void
parse_classify(struct comp *c)
{
	classify_words(c);
	classify_phrases(c);
}
