/* parse.c: read title, year, ids and release tags from a movie file path. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mv.h"

/*
 * How it works. A path component is cut into tokens (words, brackets,
 * dashes). Each word is classified against one table of release tags
 * (resolution, source, codec, audio, language, edition, flags) and a few
 * patterns (years, x264, 1080p, CD1, tt1234567). A tag is either strong
 * (it never appears in a title: 1080p, x264, BluRay) or weak (it may:
 * French, Extended, 3D, DC); a weak tag ends the title only when it leads,
 * through other tags, to a strong tag, a year, a bracket or the end.
 * The title is the stretch before the first tag, cut at the release year,
 * which is the last year inside that stretch (so 1917, 2001 and 2049 in
 * titles survive). Parent folders are used when the file name says little.
 */

#define COMP_MAX 1024 /* bytes of one path component we look at */
#define TOK_MAX 256   /* tokens of one component */
#define KEY_MAX 32    /* longest table key */

enum kind { K_WORD, K_OPEN, K_CLOSE, K_DASH, K_DDASH };
enum cls {
	C_NONE, C_RES, C_SRC, C_CODEC, C_AUDIO, C_LANG, C_EDITION, C_FLAG,
	C_SUBS, C_CONT, C_SERVICE, C_GENRE, C_PART, C_ID, C_SIZE, C_VERSION,
	C_BONUS
};
/* Strength of a tag: TAIL tags are recorded but never end a title. */
enum strength { S_PLAIN, S_TAIL, S_WEAK, S_STRONG };

/* Table flags. */
#define F_UP 1      /* only when written in capitals: DC, SE, TS, DL */
#define F_TECH 2    /* may be skipped before the title: [h265 - HEVC] Riddick */
#define F_EDADJ 4   /* may open an edition phrase: Special Edition */
#define F_EDNOUN 8  /* closes an edition phrase: Edition, Cut, Version */
#define F_FRADJ 16  /* follows the noun in French phrases: Version Longue */

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

/* ---- tokens ---------------------------------------------------------- */

struct tok {
	unsigned short off, len;  /* bytes of the word in the component */
	unsigned char kind;       /* enum kind */
	unsigned char cls, str;   /* enum cls, enum strength */
	unsigned char flags;      /* F_* of the table entry */
	unsigned char hyph;       /* joined to the previous word by one '-' */
	unsigned char span;       /* words this tag covers (phrases), >= 1 */
	short match;              /* K_OPEN: index of its K_CLOSE, or n */
	short year;               /* a plausible year, else 0 */
	short num;                /* small number (part), else -1 */
	const char *canon;
};

struct comp {
	const char *s;  /* the component, at most COMP_MAX bytes */
	size_t len;
	struct tok t[TOK_MAX];
	int n;
	int ymax;       /* latest plausible year */
};

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
static void
tokenize(struct comp *c)
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

static int
has_lower(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			return 1;
	return 0;
}

static int
has_letter(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mv_ascii_alpha((unsigned char)p[i]))
			return 1;
	return 0;
}

static int
all_digits(const char *k, size_t n)
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
static int
small_num(const char *p)
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
		    all_digits(key + i + 1, kl - i - 1)))) {
			t->cls = C_RES, t->str = S_STRONG, t->flags = F_TECH;
			return 1;
		}
		if ((i == 3 || i == 4) && key[i] == 'x' &&
		    all_digits(key + i + 1, kl - i - 1) && kl - i - 1 >= 3 &&
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
		if ((v = small_num(key + i)) > 0) {
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
	    all_digits(key + 2, kl - 2)) {
		t->cls = C_ID, t->str = S_STRONG, t->canon = "imdb";
		return 1;
	}
	/* v2: an anime release version */
	if ((kl == 2 || kl == 3) && key[0] == 'v' && all_digits(key + 1, kl - 1)) {
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

	if (all_digits(key, kl)) {
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
		if ((g->flags & F_UP) && has_lower(raw, rl))
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

/* Text of token i. */
#define TXT(c, i) ((c)->s + (c)->t[i].off)

static int
word_is(const struct comp *c, int i, const char *w)
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
			if (k2 && !(k2 == 4 && all_digits(key + kl, 4)) && classify_key(key, kl + k2, TXT(c, i),
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
		if (t->num > 0 && i + 1 < c->n && word_is(c, i + 1, "cd")) {
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
			    has_lower(c->s, c->len)) {
				t->cls = C_SERVICE, t->str = S_STRONG;
				continue;
			}
		}
	}
}

/* Classify every word: single words, two-word tags (WEB-DL, H.264, Dual
 * Audio), edition phrases, part numbers. */
static void
classify(struct comp *c)
{
	classify_words(c);
	classify_phrases(c);
}

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

	if (c->t[i].cls == C_LANG && ((i - 1 >= ts && word_is(c, i - 1, "the")) ||
	    (i - 2 >= ts && word_is(c, i - 2, "the"))))
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
	if (t->str == S_WEAK && i == ts + 1 && (word_is(c, ts, "the") ||
	    word_is(c, ts, "a") || word_is(c, ts, "an")))
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
	    all_digits(p + 1, t->len - 1u) && i + 1 < c->n && c->t[i + 1].hyph;
}

/* Result of reading one component. */
struct reading {
	int ts, te;     /* title tokens [ts, te), te <= ts if none */
	int year;
	int lead_year;  /* the year was read in front of the title */
	int ntags;      /* tags seen, years excluded */
	int generic;    /* the name says nothing (movie, VIDEO_TS, CD1) */
};

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

			if (word_is(c, i + 1, "aka"))
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
static void
read_comp(struct comp *c, struct reading *r)
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
static char *
clean_title(const char *s, size_t n)
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

/* ---- putting it together --------------------------------------------- */

/* Length of the extension at the end of name (with its dot), or 0: that
 * of a video, a subtitle or an NFO (mv_media_ext), the files that are
 * named after their film. */
static size_t
ext_len(const char *name, size_t n)
{
	size_t i, e;
	char k[8];

	for (i = n; i > 0 && n - i < 6; i--)
		if (name[i - 1] == '.')
			break;
	if (i <= 1 || name[i - 1] != '.' || n - i == 0 || n - i >= sizeof k)
		return 0;
	for (e = 0; e < n - i; e++)
		k[e] = (char)mv_ascii_lower((unsigned char)name[i + e]);
	k[e] = '\0';
	switch (mv_media_ext(k)) {
	case MV_MEDIA_VIDEO: case MV_MEDIA_SUBTITLE: case MV_MEDIA_NFO:
		return n - i + 1;
	default:
		return 0;
	}
}

/* One parsed component. */
struct part {
	struct comp c;
	struct reading r;
	char *title;    /* malloc'd, or NULL */
	char *fold;     /* malloc'd fold of title, on demand */
	size_t skip;    /* bytes of a scene prefix or site cut from the front */
};

/* Files named for their role, not their film: movie.mkv, VIDEO_TS,
 * VTS_01_1.VOB, sample.mkv, CD1. */
static int
generic_name(const char *fold)
{
	static const char *const names[] = {
		"movie", "film", "video", "sample", "trailer", "bdmv", "stream", "certificate", "samples", "subs",
		"subtitles", "extras", "featurettes", "video ts", "audio ts", NULL
	};
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(fold, names[i]))
			return 1;
	if (!strncmp(fold, "video ts", 8) || !strncmp(fold, "vts ", 4))
		return 1;
	if ((!strncmp(fold, "cd", 2) && all_digits(fold + 2, strlen(fold + 2))) ||
	    (!strncmp(fold, "disc ", 5) && all_digits(fold + 5, strlen(fold + 5))) ||
	    (!strncmp(fold, "disk ", 5) && all_digits(fold + 5, strlen(fold + 5))))
		return 1;
	return 0;
}

/*
 * Bytes to drop from the front of a name: a "www.site.tld - " prefix, or
 * the lower-case scene group prefix of "blow-how.to.be.single.2016.mkv".
 */
static size_t
prefix_skip(const char *s, size_t n)
{
	size_t i;

	if (n > 4 && mv_ascii_lower((unsigned char)s[0]) == 'w' &&
	    mv_ascii_lower((unsigned char)s[1]) == 'w' &&
	    mv_ascii_lower((unsigned char)s[2]) == 'w' && s[3] == '.') {
		for (i = 4; i + 2 < n; i++)
			if (s[i] == ' ' && s[i + 1] == '-')
				return i + 2;
		for (i = 4; i < n; i++)
			if (s[i] == ' ')
				return i + 1;
		return 0;
	}
	if (has_lower(s, n)) {
		size_t k;

		for (k = 0; k < n; k++)
			if (s[k] >= 'A' && s[k] <= 'Z')
				return 0;
		for (i = 0; i < n && i < 7 && (mv_ascii_alpha((unsigned char)s[i]) ||
		    mv_ascii_digit((unsigned char)s[i])); i++)
			;
		if (i >= 2 && i <= 6 && i < n && s[i] == '-' && i + 1 < n &&
		    mv_ascii_alpha((unsigned char)s[i + 1]) &&
		    memchr(s + i, '.', n - i))
			return i + 1;
	}
	return 0;
}

/* Read one component; need_fold: compute the folded title even when
 * only folder comparisons need it. */
/* Disc-structure names: VIDEO_TS, BDMV, VTS_01_1. */
static int
raw_generic(const char *s, size_t n)
{
	static const char *const names[] = {
		"video_ts", "audio_ts", "bdmv", "stream", "certificate", "backup",
		"playlist", "clipinf", NULL
	};
	char k[16];
	size_t i;

	if (n >= sizeof k)
		return 0;
	for (i = 0; i < n; i++)
		k[i] = (char)mv_ascii_lower((unsigned char)s[i]);
	k[n] = '\0';
	for (i = 0; names[i]; i++)
		if (!strcmp(k, names[i]))
			return 1;
	return !strncmp(k, "vts_", 4) || !strncmp(k, "video_ts", 8);
}

static void
part_read(struct part *p, const char *s, size_t n, int ymax, int need_fold)
{
	size_t skip;

	if (raw_generic(s, n)) {
		memset(&p->r, 0, sizeof p->r);
		p->r.generic = 1;
		p->c.n = 0;
		p->title = p->fold = NULL;
		return;
	}

	if (n > COMP_MAX)
		n = COMP_MAX;
	skip = prefix_skip(s, n);
	p->skip = skip;
	p->c.s = s + skip;
	p->c.len = n - skip;
	p->c.ymax = ymax;
	tokenize(&p->c);
	classify(&p->c);
	read_comp(&p->c, &p->r);
	p->title = NULL;
	p->fold = NULL;
	if (p->r.te > p->r.ts) {
		const struct tok *a = &p->c.t[p->r.ts], *b = &p->c.t[p->r.te - 1];
		size_t end = b->off + b->len;

		/* keep the last dot of an acronym: "U.N.C.L.E." */
		if (end + 1 <= p->c.len && end >= 3 && p->c.s[end] == '.' &&
		    p->c.s[end - 2] == '.' &&
		    mv_ascii_alpha((unsigned char)p->c.s[end - 1]))
			end++;
		p->title = clean_title(p->c.s + a->off, end - a->off);
	}
	if (p->title && (need_fold || (!p->r.year && !p->r.ntags))) {
		p->fold = mv_title_fold(p->title);
		p->r.generic = generic_name(p->fold) && !p->r.year && !p->r.ntags;
		if (!*p->fold) {
			free(p->fold);
			free(p->title);
			p->fold = p->title = NULL;
		}
	}
	if (!p->title)
		p->r.generic = 1;
}

static void
part_free(struct part *p)
{
	free(p->title);
	free(p->fold);
}

/* The component says something about a film: a year or a tag. */
static int
informative(const struct part *p)
{
	return p->title && !p->r.generic && (p->r.year || p->r.ntags > 0);
}

/* a ends with b at a word boundary (both folded). */
static int
ends_with_words(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (lb == 0 || lb > la || strcmp(a + la - lb, b) != 0)
		return 0;
	return la == lb || a[la - lb - 1] == ' ';
}

static char *
dup_or_null(const char *s)
{
	return s ? mv_xstrdup(s) : NULL;
}

static void
add_lang(struct mv_buf *b, const char *lang)
{
	const char *p = b->len ? b->buf : "";
	size_t n = strlen(lang);

	/* skip duplicates */
	while ((p = strstr(p, lang)) != NULL) {
		if ((p == b->buf || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	if (b->len)
		mv_buf_add(b, ",", 1);
	mv_buf_adds(b, lang);
}

/* Canonical resolution of a resolution token. */
static const char *
res_canon(const struct comp *c, int i)
{
	const struct tok *t = &c->t[i];
	const char *p = TXT(c, i);
	int h = 0, k = 0;

	if (t->canon)
		return t->canon;
	while (k < t->len && mv_ascii_digit((unsigned char)p[k]))
		h = h * 10 + (p[k++] - '0');
	if (k < t->len && (p[k] == 'x' || p[k] == 'X')) {
		h = 0;
		for (k++; k < t->len && mv_ascii_digit((unsigned char)p[k]); k++)
			h = h * 10 + (p[k] - '0');
		return h >= 1600 ? "2160p" : h >= 800 ? "1080p" : h >= 600 ? "720p" :
		    h >= 500 ? "576p" : "480p";
	}
	if (k < t->len && mv_ascii_lower((unsigned char)p[k]) == 'i')
		return h == 1080 ? "1080i" : h == 576 ? "576i" : "480i";
	switch (h) {
	case 2160: return "2160p";
	case 1440: return "1440p";
	case 1080: return "1080p";
	case 720: return "720p";
	case 576: return "576p";
	case 540: return "540p";
	case 480: return "480p";
	case 360: return "360p";
	}
	return NULL;
}

/* Canonical video codec of a codec token. */
static const char *
codec_canon(const struct comp *c, int i)
{
	const struct tok *t = &c->t[i];
	const char *p = TXT(c, i);
	char k[8];
	size_t n = 0, j;

	if (t->canon)
		return t->canon;
	for (j = 0; j < t->len && n < sizeof k - 1; j++)
		if (mv_ascii_alpha((unsigned char)p[j]) ||
		    mv_ascii_digit((unsigned char)p[j]))
			k[n++] = (char)mv_ascii_lower((unsigned char)p[j]);
	k[n] = '\0';
	if (t->span == 2 && n == 1 && i + 1 < c->n) {
		/* H.264 */
		const char *q = TXT(c, i + 1);

		for (j = 0; j < c->t[i + 1].len && n < sizeof k - 1; j++)
			k[n++] = q[j];
		k[n] = '\0';
	}
	if (!strcmp(k, "x264")) return "x264";
	if (!strcmp(k, "x265")) return "x265";
	if (!strcmp(k, "h264")) return "H.264";
	if (!strcmp(k, "h265")) return "H.265";
	if (!strncmp(k, "hevc", 4)) return "HEVC";
	if (!strncmp(k, "avc", 3)) return "AVC";
	if (!strcmp(k, "h263")) return "H.263";
	if (!strcmp(k, "h262")) return "H.262";
	return NULL;
}

/* Text of an edition phrase in title case: "Director's Cut". */
static char *
phrase_text(const struct comp *c, int i)
{
	const struct tok *a = &c->t[i], *b = &c->t[i + c->t[i].span - 1];
	char *s = clean_title(c->s + a->off, b->off + b->len - a->off), *p;
	int start = 1;

	if (!s)
		return NULL;
	for (p = s; *p; p++) {
		if (*p == ' ') {
			start = 1;
			continue;
		}
		*p = (char)(start ? (*p >= 'a' && *p <= 'z' ? *p - 32 : *p) :
		    mv_ascii_lower((unsigned char)*p));
		start = 0;
	}
	/* "Directors.Cut" is the Director's Cut: one label, so that two
	 * copies of it compare as the same edition. */
	if (!strncmp(s, "Directors ", 10)) {
		p = mv_xasprintf("Director's %s", s + 10);
		free(s);
		s = p;
	}
	return s;
}

/* Fill the tag fields of out from the tokens of p outside its title. */
static void
collect(const struct part *p, struct mv_name *out, struct mv_buf *langs,
    struct mv_buf *ed)
{
	const struct comp *c = &p->c;
	int i, group = -1;

	for (i = 0; i < c->n; i++) {
		const struct tok *t = &c->t[i];

		if (i >= p->r.ts && i < p->r.te)
			continue;
		if (t->kind != K_WORD || t->span == 0)
			continue;
		switch (t->cls) {
		case C_RES:
			if (!out->resolution && res_canon(c, i))
				out->resolution = mv_xstrdup(res_canon(c, i));
			break;
		case C_SRC:
			if (!out->source && t->canon && t->str != S_TAIL)
				out->source = mv_xstrdup(t->canon);
			break;
		case C_CODEC:
			if (!out->codec && codec_canon(c, i))
				out->codec = mv_xstrdup(codec_canon(c, i));
			break;
		case C_LANG:
			if (t->canon)
				add_lang(langs, t->canon);
			break;
		case C_EDITION:
			if (t->canon) {
				if (!ed->len || !strstr(ed->buf, t->canon)) {
					if (ed->len)
						mv_buf_add(ed, " ", 1);
					mv_buf_adds(ed, t->canon);
				}
			} else {
				char *s = phrase_text(c, i);

				if (s && (!ed->len || !strstr(ed->buf, s))) {
					if (ed->len)
						mv_buf_add(ed, " ", 1);
					mv_buf_adds(ed, s);
				}
				free(s);
			}
			break;
		case C_PART:
			if (!out->part && t->num > 0)
				out->part = t->num;
			break;
		case C_ID:
			if (!strcmp(t->canon, "imdb") && t->len > 2 &&
			    mv_ascii_lower((unsigned char)TXT(c, i)[0]) == 't' &&
			    mv_ascii_lower((unsigned char)TXT(c, i)[1]) == 't') {
				if (!out->imdb)
					out->imdb = mv_xstrndup(TXT(c, i), t->len);
			} else if (i + 1 < c->n && c->t[i + 1].kind == K_WORD) {
				const struct tok *v = &c->t[i + 1];
				const char *q = TXT(c, i + 1);

				if (!strcmp(t->canon, "imdb") && c->t[i + 1].cls == C_ID &&
				    !out->imdb && v->len > 2)
					out->imdb = mv_xstrndup(q, v->len);
				else if (all_digits(q, v->len) && v->len <= 12) {
					long long id = 0;
					unsigned k;

					/* the digits end at the token, not at the NUL */
					for (k = 0; k < v->len; k++)
						id = id * 10 + (q[k] - '0');

					if (!strcmp(t->canon, "tmdb") && !out->tmdb && id > 0)
						out->tmdb = id;
					else if (!strcmp(t->canon, "tvdb") && !out->tvdb &&
					    id > 0)
						out->tvdb = id;
				}
			}
			break;
		}
		if (i > p->r.te && t->hyph && t->cls == C_NONE && !t->year &&
		    c->t[i - 1].kind == K_WORD && c->t[i - 1].cls != C_ID &&
		    has_letter(TXT(c, i), t->len))
			group = i;
	}
	if (group >= 0 && !out->group)
		out->group = mv_xstrndup(TXT(c, group), c->t[group].len);
	/* The imdb value is lower case "tt" in ids. */
	if (out->imdb) {
		out->imdb[0] = 't';
		out->imdb[1] = 't';
	}
}

static int
current_year_max(void)
{
	time_t now = time(NULL);

	return (int)(1970 + (long long)now / 31556952) + 2;
}

/* Split path into its last max components, the file's first, into
 * comp/clen (pointers into path).  Returns how many. */
static int
split_path(const char *path, const char **comp, size_t *clen, int max)
{
	size_t n = strlen(path), e;
	int nc = 0;

	/* trailing slashes name the directory itself */
	while (n > 0 && path[n - 1] == '/')
		n--;
	e = n;
	while (nc < max && e > 0) {
		size_t b = e;

		while (b > 0 && path[b - 1] != '/')
			b--;
		if (e > b) {
			comp[nc] = path + b;
			clen[nc] = e - b;
			nc++;
		}
		e = b;
		while (e > 0 && path[e - 1] == '/')
			e--;
	}
	return nc;
}

/* What backs the reading out of part p (a folder's when from_folder).
 * Returns the confidence, 0 to 100. */
static int
confidence(const struct mv_name *out, const struct part *p, int from_folder)
{
	int conf = 40;

	if (out->year)
		conf += 30;
	if (p->r.ntags)
		conf += 15;
	if (out->tmdb || out->imdb)
		conf += 15;
	if (from_folder)
		conf -= 10;
	if (p->r.lead_year)
		conf -= 15;
	if (all_digits(out->title, strlen(out->title)))
		conf -= 10;
	return conf < 0 ? 0 : conf > 100 ? 100 : conf;
}

int
mv_parse_name(const char *path, struct mv_name *out)
{
	/* Components from the end: file, parent, grandparent, … */
	enum { UP = 3 };
	struct part parts[UP + 1];
	const char *comp[UP + 1];
	size_t clen[UP + 1];
	size_t ext;
	int nc, i, ymax = current_year_max(), chosen = 0, from_folder = 0;
	struct mv_buf langs = {0}, ed = {0};
	const struct part *f, *a = NULL, *near = NULL;

	pthread_once(&tags_once, tags_index);
	memset(out, 0, sizeof *out);
	nc = split_path(path, comp, clen, UP + 1);
	if (nc == 0)
		return -1;
	ext = ext_len(comp[0], clen[0]);
	if (ext) {
		out->ext = mv_xstrndup(comp[0] + clen[0] - ext + 1, ext - 1);
		for (i = 0; out->ext[i]; i++)
			out->ext[i] = (char)mv_ascii_lower((unsigned char)out->ext[i]);
	}
	part_read(&parts[0], comp[0], clen[0] - ext, ymax, nc > 1);
	for (i = 1; i < nc; i++)
		part_read(&parts[i], comp[i], clen[i], ymax, 1);
	f = &parts[0];
	/* The nearest folder that says something, and the nearest folder
	 * that is not a role name (VIDEO_TS, CD1, Sample). */
	for (i = 1; i < nc; i++) {
		if (!near && !parts[i].r.generic)
			near = &parts[i];
		if (informative(&parts[i])) {
			a = &parts[i];
			break;
		}
	}
	if (!f->title || f->r.generic) {
		if (a || near) {
			chosen = (int)((a ? a : near) - parts);
			from_folder = 1;
		}
	} else if (!informative(f)) {
		if (a) {
			chosen = (int)(a - parts);
			from_folder = 1;
		}
	} else if (a && a->r.year && a->title) {
		/* "Heat (1995)/Heat.1080p.mkv": the folder's year (and its
		 * spelling of the title) when the file names the same film. */
		if (!f->r.year && (strstr(f->fold, a->fold) || strstr(a->fold, f->fold)))
			chosen = (int)(a - parts);
		else if (f->r.year == a->r.year && strcmp(f->fold, a->fold) &&
		    ends_with_words(f->fold, a->fold))
			chosen = (int)(a - parts);
	}
	{
		const struct part *p = &parts[chosen];

		out->title = dup_or_null(p->title);
		out->year = p->r.year;
	}
	/* Tags: the file first, then the chosen folder, then the rest. */
	collect(f, out, &langs, &ed);
	for (i = 1; i < nc; i++)
		if (i == chosen || informative(&parts[i]) || parts[i].r.generic)
			collect(&parts[i], out, &langs, &ed);
	if (langs.len)
		out->languages = mv_xstrdup(langs.buf);
	if (ed.len)
		out->edition = mv_xstrdup(ed.buf);
	mv_buf_free(&langs);
	mv_buf_free(&ed);
	/* A folder "CD2" numbers the part. */
	if (!out->part)
		for (i = 1; i < nc; i++)
			if (parts[i].fold && !strncmp(parts[i].fold, "cd", 2) &&
			    all_digits(parts[i].fold + 2, strlen(parts[i].fold + 2)) &&
			    small_num(parts[i].fold + 2) > 0) {
				out->part = small_num(parts[i].fold + 2);
				break;
			}
	/* Confidence: what backs the reading. */
	if (out->title)
		out->confidence = confidence(out, &parts[chosen], from_folder);
	for (i = 0; i < nc; i++)
		part_free(&parts[i]);
	return out->title ? 0 : -1;
}

void
mv_name_free(struct mv_name *n)
{
	free(n->title);
	free(n->edition);
	free(n->resolution);
	free(n->source);
	free(n->codec);
	free(n->group);
	free(n->languages);
	free(n->ext);
	free(n->imdb);
	memset(n, 0, sizeof *n);
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *
mv_name_json(const struct mv_name *n)
{
	cJSON *o = cJSON_CreateObject(), *langs;

	if (!o)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	add_str(o, "title", n->title);
	if (n->year)
		cJSON_AddNumberToObject(o, "year", n->year);
	else
		cJSON_AddNullToObject(o, "year");
	add_str(o, "edition", n->edition);
	add_str(o, "resolution", n->resolution);
	add_str(o, "source", n->source);
	add_str(o, "codec", n->codec);
	add_str(o, "group", n->group);
	langs = cJSON_AddArrayToObject(o, "languages");
	if (langs && n->languages) {
		const char *p = n->languages;

		while (*p) {
			const char *q = strchr(p, ',');
			size_t len = q ? (size_t)(q - p) : strlen(p);
			char *s = mv_xstrndup(p, len);

			cJSON_AddItemToArray(langs, cJSON_CreateString(s));
			free(s);
			p += len;
			if (*p == ',')
				p++;
		}
	}
	if (n->part)
		cJSON_AddNumberToObject(o, "part", n->part);
	else
		cJSON_AddNullToObject(o, "part");
	add_str(o, "ext", n->ext);
	if (n->tmdb)
		cJSON_AddNumberToObject(o, "tmdb", (double)n->tmdb);
	if (n->imdb)
		cJSON_AddStringToObject(o, "imdb", n->imdb);
	if (n->tvdb)
		cJSON_AddNumberToObject(o, "tvdb", (double)n->tvdb);
	cJSON_AddNumberToObject(o, "confidence", n->confidence);
	return o;
}
