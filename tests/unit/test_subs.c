/* test_subs.c: unit tests for mv_sub_parse, a subtitle's language and flags from its name. */
#include "mv.h"
#include "tap.h"

#define HEAT "heat.1995.remastered.1080p.bluray.x264-grp"

/*
 * Real names: the release folder of issue 16, Jellyfin's
 * ExternalPathParserTests (as "My.Video" + tokens + ".srt"; Jellyfin
 * gives 639-2 codes, we give 639-1), and what release groups,
 * OpenSubtitles and Subscene leave beside films.
 */
static const struct {
	const char *path, *base;
	const char *tag;
	int forced, sdh, dflt;
	const char *ext;
} cases[] = {
	/* Issue 16's folder. */
	{HEAT ".srt", HEAT, "und", 0, 0, 0, "srt"},
	{"Subs/2_English.srt", HEAT, "en", 0, 0, 0, "srt"},
	{"Subs/3_French.srt", HEAT, "fr", 0, 0, 0, "srt"},
	{"Subs/4_French.forced.srt", HEAT, "fr", 1, 0, 0, "srt"},
	/* Jellyfin's ExternalPathParserTests. */
	{"My.Video.srt", "My.Video", "und", 0, 0, 0, "srt"},
	{"My.Video.default.srt", "My.Video", "und", 0, 0, 1, "srt"},
	{"My.Video.forced.srt", "My.Video", "und", 1, 0, 0, "srt"},
	{"My.Video.foreign.srt", "My.Video", "und", 1, 0, 0, "srt"},
	{"My.Video.default.forced.srt", "My.Video", "und", 1, 0, 1, "srt"},
	{"My.Video.forced.default.srt", "My.Video", "und", 1, 0, 1, "srt"},
	{"My.Video.DEFAULT.FORCED.srt", "My.Video", "und", 1, 0, 1, "srt"},
	{"My.Video.en.srt", "My.Video", "en", 0, 0, 0, "srt"},
	{"My.Video.EN.srt", "My.Video", "en", 0, 0, 0, "srt"},
	{"My.Video.hi.srt", "My.Video", "hi", 0, 0, 0, "srt"},
	{"My.Video.fr.en.srt", "My.Video", "en", 0, 0, 0, "srt"},
	{"My.Video.en.fr.srt", "My.Video", "fr", 0, 0, 0, "srt"},
	{"My.Video.title.en.fr.srt", "My.Video", "fr", 0, 0, 0, "srt"},
	{"My.Video.Title Goes Here.srt", "My.Video", "und", 0, 0, 0, "srt"},
	{"My.Video.Title.with.Separator.srt", "My.Video", "und", 0, 0, 0, "srt"},
	{"My.Video.title.en.default.forced.srt", "My.Video", "en", 1, 0, 1, "srt"},
	{"My.Video.forced.default.en.title.srt", "My.Video", "en", 1, 0, 1, "srt"},
	{"My.Video.sdh.en.title.srt", "My.Video", "en", 0, 1, 0, "srt"},
	{"My.Video.en.cc.title.srt", "My.Video", "en", 0, 1, 0, "srt"},
	{"My.Video.hi.en.title.srt", "My.Video", "en", 0, 1, 0, "srt"},
	{"My.Video.en.hi.title.srt", "My.Video", "en", 0, 1, 0, "srt"},
	{"My.Video.Subs for Chinese Audio.eng.srt", "My.Video", "en", 0, 0, 0, "srt"},
	/* The brief's and the players' naming. */
	{"movie.eng.srt", "movie", "en", 0, 0, 0, "srt"},
	{"movie.en.hi.srt", "movie", "en", 0, 1, 0, "srt"},
	{"movie.French.srt", "movie", "fr", 0, 0, 0, "srt"},
	{"movie.pt-BR.srt", "movie", "pt-BR", 0, 0, 0, "srt"},
	{"movie.pt-br.srt", "movie", "pt-BR", 0, 0, 0, "srt"},
	{"movie.fr-CA.srt", "movie", "fr-CA", 0, 0, 0, "srt"},
	{"movie.zh-Hant.srt", "movie", "zh-Hant", 0, 0, 0, "srt"},
	{"movie.es-419.srt", "movie", "es-419", 0, 0, 0, "srt"},
	{"movie.zh-CN.srt", "movie", "zh-CN", 0, 0, 0, "srt"},
	{"movie.sr-Latn.srt", "movie", "sr-Latn", 0, 0, 0, "srt"},
	{"movie.en_US.srt", "movie", "en-US", 0, 0, 0, "srt"},
	{"Inception.2010.720p.BluRay.x264-SPARKS.en.srt",
	    "Inception.2010.720p.BluRay.x264-SPARKS", "en", 0, 0, 0, "srt"},
	{"Inception (2010).eng.SDH.srt", "Inception (2010)", "en", 0, 1, 0, "srt"},
	{"Heat (1995) [tmdbid-949].fr.srt", "Heat (1995) [tmdbid-949]", "fr", 0, 0, 0, "srt"},
	{"Heat (1995) [tmdbid-949].en.forced.srt", "Heat (1995) [tmdbid-949]", "en", 1, 0, 0, "srt"},
	{"Heat (1995) [tmdbid-949].en.sdh.srt", "Heat (1995) [tmdbid-949]", "en", 0, 1, 0, "srt"},
	{"Heat (1995).de.default.ass", "Heat (1995)", "de", 0, 0, 1, "ass"},
	/* 639-2/B and /T, English and native names, any case. */
	{"Amelie.2001.fre.srt", "Amelie.2001", "fr", 0, 0, 0, "srt"},
	{"Amelie.2001.fra.srt", "Amelie.2001", "fr", 0, 0, 0, "srt"},
	{"Amelie.2001.Français.srt", "Amelie.2001", "fr", 0, 0, 0, "srt"},
	{"Amelie.2001.FRANÇAIS.srt", "Amelie.2001", "fr", 0, 0, 0, "srt"},
	{"Das.Boot.1981.ger.srt", "Das.Boot.1981", "de", 0, 0, 0, "srt"},
	{"Das.Boot.1981.Deutsch.srt", "Das.Boot.1981", "de", 0, 0, 0, "srt"},
	{"Roma.2018.Español.srt", "Roma.2018", "es", 0, 0, 0, "srt"},
	{"Roma.2018.Latino.srt", "Roma.2018", "es-419", 0, 0, 0, "srt"},
	{"x.Italiano.srt", "x", "it", 0, 0, 0, "srt"},
	{"x.Português.srt", "x", "pt", 0, 0, 0, "srt"},
	{"x.Nederlands.srt", "x", "nl", 0, 0, 0, "srt"},
	{"x.dut.srt", "x", "nl", 0, 0, 0, "srt"},
	{"x.Svenska.srt", "x", "sv", 0, 0, 0, "srt"},
	{"x.Dansk.srt", "x", "da", 0, 0, 0, "srt"},
	{"x.Norsk.srt", "x", "no", 0, 0, 0, "srt"},
	{"x.Suomi.srt", "x", "fi", 0, 0, 0, "srt"},
	{"x.Polski.srt", "x", "pl", 0, 0, 0, "srt"},
	{"x.Русский.srt", "x", "ru", 0, 0, 0, "srt"},
	{"x.РУССКИЙ.srt", "x", "ru", 0, 0, 0, "srt"},
	{"x.日本語.srt", "x", "ja", 0, 0, 0, "srt"},
	{"x.中文.srt", "x", "zh", 0, 0, 0, "srt"},
	{"x.한국어.srt", "x", "ko", 0, 0, 0, "srt"},
	{"x.العربية.srt", "x", "ar", 0, 0, 0, "srt"},
	{"x.Ελληνικά.srt", "x", "el", 0, 0, 0, "srt"},
	{"x.gre.srt", "x", "el", 0, 0, 0, "srt"},
	{"x.ČEŠTINA.srt", "x", "cs", 0, 0, 0, "srt"},
	{"x.Türkçe.srt", "x", "tr", 0, 0, 0, "srt"},
	{"x.Filipino.srt", "x", "fil", 0, 0, 0, "srt"},
	{"x.Bahasa Indonesia.srt", "x", "id", 0, 0, 0, "srt"},
	{"x.Brazilian.Portuguese.srt", "x", "pt-BR", 0, 0, 0, "srt"},
	{"x.Portuguese (Brazil).srt", "x", "pt-BR", 0, 0, 0, "srt"},
	{"x.pob.srt", "x", "pt-BR", 0, 0, 0, "srt"},
	{"x.chs.srt", "x", "zh-Hans", 0, 0, 0, "srt"},
	{"x.繁體中文.ass", "x", "zh-Hant", 0, 0, 0, "ass"},
	/* VOSTFR is full French subtitles, not forced ones. */
	{"Film.2010.VOSTFR.srt", NULL, "fr", 0, 0, 0, "srt"},
	{"Film.2010.vost.srt", "Film.2010", "fr", 0, 0, 0, "srt"},
	/* No video base: the name is read from the right, up to a word
	 * that is neither language nor flag. */
	{"Subs/English.srt", NULL, "en", 0, 0, 0, "srt"},
	{"Subs/5_English_SDH.srt", NULL, "en", 0, 1, 0, "srt"},
	{"Subs/6_Spanish-forced.srt", NULL, "es", 1, 0, 0, "srt"},
	{"Subs/7_Chinese(Simplified).srt", NULL, "zh-Hans", 0, 0, 0, "srt"},
	{"Subs/English (SDH).srt", NULL, "en", 0, 1, 0, "srt"},
	{"The.Italian.Job.2003.srt", NULL, "und", 0, 0, 0, "srt"},
	{"The.Italian.Job.2003.srt", "The.Italian.Job.2003", "und", 0, 0, 0, "srt"},
	{"Heater.srt", "Heat", "und", 0, 0, 0, "srt"},
	{"Dr.No.srt", NULL, "und", 0, 0, 0, "srt"},
	{"Let.It.Be.srt", NULL, "und", 0, 0, 0, "srt"},
	{"Dr.No.srt", "Dr", "no", 0, 0, 0, "srt"},
	{"Movie.IT.srt", NULL, "it", 0, 0, 0, "srt"},
	{"Subs/3_it.srt", NULL, "it", 0, 0, 0, "srt"},
	{"Subs/hi.srt", NULL, "hi", 0, 0, 0, "srt"},
	{"Movie.2010.1080p.BluRay.x264-GRP.srt", NULL, "und", 0, 0, 0, "srt"},
	{"Movie.2010.1080p.BluRay.x264-GRP.English.srt", NULL, "en", 0, 0, 0, "srt"},
	{"Movie.2010.1080p.BluRay.x264-GRP.English.srt",
	    "Movie.2010.1080p.BluRay.x264-GRP", "en", 0, 0, 0, "srt"},
	{"heat.eng.hearing impaired.srt", "heat", "en", 0, 1, 0, "srt"},
	/* Formats. */
	{"movie.en.vtt", "movie", "en", 0, 0, 0, "vtt"},
	{"movie.en.SSA", "movie", "en", 0, 0, 0, "ssa"},
	{"movie.en.sup", "movie", "en", 0, 0, 0, "sup"},
	{"VIDEO_TS/movie.idx", "movie", "und", 0, 0, 0, "idx"},
	{"movie.ita.sub", "movie", "it", 0, 0, 0, "sub"},
};

int
main(void)
{
	struct mv_sub s;
	char d[160];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = mv_sub_parse(cases[i].path, cases[i].base, &s);

		snprintf(d, sizeof d, "%s (base %s)", cases[i].path,
		    cases[i].base ? cases[i].base : "none");
		if (rc != 0) {
			ok(rc == 0, "%s: parsed", d);
			continue;
		}
		is_str(s.tag, cases[i].tag, d);
		if (s.forced != cases[i].forced || s.sdh != cases[i].sdh ||
		    s.dflt != cases[i].dflt)
			printf("#   flags: forced %d sdh %d default %d\n", s.forced, s.sdh, s.dflt);
		ok(s.forced == cases[i].forced && s.sdh == cases[i].sdh &&
		    s.dflt == cases[i].dflt, "%s: flags", d);
		is_str(s.ext, cases[i].ext, d);
	}

	/* Language and region apart, and the codec ffprobe would name. */
	ok(mv_sub_parse("movie.pt-BR.forced.srt", "movie", &s) == 0, "pt-BR forced");
	is_str(s.lang, "pt", "lang without region");
	is_str(s.region, "BR", "region");
	is_int(s.forced, 1, "forced after a region");
	is_str(s.codec, "subrip", "srt is subrip");
	ok(s.pair == NULL, "an srt has no pair");
	mv_sub_parse("movie.vtt", "movie", &s);
	is_str(s.codec, "webvtt", "vtt is webvtt");
	mv_sub_parse("movie.sup", "movie", &s);
	is_str(s.codec, "hdmv_pgs_subtitle", "sup is PGS");
	mv_sub_parse("movie.ass", NULL, &s);
	is_str(s.codec, "ass", "ass");
	mv_sub_parse("movie.en.IDX", "movie", &s);
	is_str(s.codec, "dvd_subtitle", "idx is VobSub");
	is_str(s.pair, "sub", "an idx wants its sub");
	is_str(s.ext, "idx", "extension lower case");
	mv_sub_parse("movie.en.sub", "movie", &s);
	is_str(s.pair, "idx", "a sub wants its idx");
	mv_sub_parse("x.mks", NULL, &s);
	ok(s.codec == NULL, "mks is a container, no codec");

	/* One rule: every extension media.c calls a subtitle reads here,
	 * and nothing else does. */
	{
		static const char *const exts[] = {
			"srt", "ass", "ssa", "vtt", "idx", "sub", "sup", "smi",
			"sami", "mks", "SRT", "mkv", "nfo", "txt", "jpg",
		};
		char p[32];

		for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
			snprintf(p, sizeof p, "m.%s", exts[i]);
			is_int(mv_sub_parse(p, "m", &s) == 0,
			    mv_media_ext(exts[i]) == MV_MEDIA_SUBTITLE, p);
		}
	}

	/* Not subtitles. */
	is_int(mv_sub_parse("movie.mkv", "movie", &s), -1, "a video is no subtitle");
	is_str(s.tag, "und", "und on failure");
	is_str(s.ext, "", "no ext on failure");
	is_int(mv_sub_parse("srt", NULL, &s), -1, "no extension");
	is_int(mv_sub_parse(".srt", NULL, &s), -1, "a hidden name");
	is_int(mv_sub_parse("a.srtx", NULL, &s), -1, "srtx");
	is_int(mv_sub_parse("Subs.d/readme", NULL, &s), -1, "a dot in the folder only");
	ok(mv_sub_parse("", NULL, &s) == -1, "empty");
	/* Bytes that are not UTF-8 are no language, never a crash. */
	ok(mv_sub_parse("x.\xff\xfe.srt", "x", &s) == 0, "bad UTF-8 parsed");
	is_str(s.tag, "und", "bad UTF-8 is und");

	/* The language word alone, for embedded tracks' tags. */
	is_str(mv_sub_lang("eng"), "en", "eng");
	is_str(mv_sub_lang("fre"), "fr", "fre");
	is_str(mv_sub_lang("fra"), "fr", "fra");
	is_str(mv_sub_lang("chi"), "zh", "chi");
	is_str(mv_sub_lang("zho"), "zh", "zho");
	is_str(mv_sub_lang("Deutsch"), "de", "Deutsch");
	is_str(mv_sub_lang("pob"), "pt", "pob without region");
	is_str(mv_sub_lang("fil"), "fil", "no 639-1: 639-2/B");
	is_str(mv_sub_lang("tgl"), "tl", "tgl");
	ok(mv_sub_lang("und") == NULL, "und is no language");
	ok(mv_sub_lang("bluray") == NULL, "bluray");
	ok(mv_sub_lang("") == NULL, "empty");

	/* VobSub pairs. */
	is_int(mv_sub_pair("Subs/movie.idx", "Subs/movie.sub"), 1, "idx+sub");
	is_int(mv_sub_pair("movie.SUB", "movie.IDX"), 1, "any case, any order");
	is_int(mv_sub_pair("movie.idx", "movie.idx"), 0, "two idx");
	is_int(mv_sub_pair("movie.idx", "Movie.sub"), 0, "names differ");
	is_int(mv_sub_pair("a.idx", "a.srt"), 0, "idx+srt");
	is_int(mv_sub_pair("idx", "sub"), 0, "no dot");
	return tap_done();
}
