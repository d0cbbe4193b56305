/* test_parse.c: unit tests for the file-name parser and title folding. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "tap.h"

/* Parse path and check title and year; returns the struct for more
 * checks (caller frees). */
static struct mv_name
check(const char *path, const char *title, int year)
{
	struct mv_name n;
	int rc = mv_parse_name(path, &n);

	ok(rc == (title ? 0 : -1), "return code for %s", path);
	is_str(n.title, title, path);
	is_int(n.year, year, path);
	return n;
}

static void
is_fold(const char *in, const char *want)
{
	char *got = mv_title_fold(in);

	is_str(got, want, in);
	free(got);
}

static void
test_fold(void)
{
	/* the leading article goes (both sides fold alike) */
	is_fold("La Science des Rêves", "science des reves");
	is_fold("Thor: The Dark World", "thor the dark world");
	is_fold("The Director\xe2\x80\x99s Notebook", "directors notebook");
	is_fold("U.N.C.L.E.", "uncle");
	is_fold("M.A.S.H.", "mash");
	is_fold("V.H.S.2", "vhs 2");
	is_fold("Mon cousin a.k.a. My Cousin", "mon cousin aka my cousin");
	is_fold("Elle.s.en.va", "elle s en va");
	is_fold("Straße Œuvre Łódź", "strasse oeuvre lodz");
	is_fold("Ame\xcc\x81lie", "amelie"); /* combining acute */
	is_fold("\xd0\x81\xd0\x96 \xce\xa9", "\xd1\x91\xd0\xb6 \xcf\x89"); /* ЁЖ Ω */
	is_fold("37\xc2\xb0" "2 le matin", "37 2 le matin");
	is_fold("  -- !! --  ", "");
	is_fold("Caf\xe9 \xff\xfe", "caf");
	is_fold("Kadakh \xe2\xad\x90" "1.1 GB", "kadakh 1 1 gb");
	/* symbols, "&", articles, elisions and sequel numbers */
	is_fold("Alien\xc2\xb3", "alien 3");
	is_fold("Alien 3", "alien 3");
	is_fold("E=mc\xc2\xb2", "e mc 2");
	is_fold("WALL\xc2\xb7" "E", "wall e");
	is_fold("WALL-E", "wall e");
	is_fold("Wall E", "wall e");
	is_fold("Fast & Furious", "fast and furious");
	is_fold("Fast&Furious", "fast and furious");
	is_fold("Fast and Furious", "fast and furious");
	is_fold("L'Arm\xc3\xa9" "e des 12 singes", "armee des 12 singes");
	is_fold("L.Armee.des.12.singes", "armee des 12 singes");
	is_fold("Les Mis\xc3\xa9rables", "miserables");
	is_fold("Der Untergang", "untergang");
	is_fold("Das Boot", "boot");
	is_fold("El Laberinto del Fauno", "laberinto del fauno");
	is_fold("Il Postino", "postino");
	is_fold("A Beautiful Mind", "beautiful mind");
	is_fold("An American Werewolf", "american werewolf");
	is_fold("The", "the");             /* nothing follows: kept */
	is_fold("La La Land", "la land");  /* only the first word */
	is_fold("The Godfather Part II", "godfather 2");
	is_fold("The Godfather: Part 2", "godfather 2");
	is_fold("The Godfather 2", "godfather 2");
	is_fold("Star Wars: Episode IV - A New Hope", "star wars episode 4 a new hope");
	is_fold("Rocky XIV", "rocky 14");
	is_fold("Malcolm X", "malcolm x");  /* single letters stay words */
	is_fold("Part of me", "part of me");
	is_fold("E.T.", "et");
	/* a possessive joins as release names write it; an elision splits */
	is_fold("Schindler's List", "schindlers list");
	is_fold("Ocean's 11", "oceans 11");
	is_fold("Pan\xe2\x80\x99s Labyrinth", "pans labyrinth");
	is_fold("Il \xc3\xa9tait une fois dans l'Ouest", "etait une fois dans l ouest");
	is_fold("Rock 'n' roll", "rock n roll");
	is_fold("It's", "its");
}

static void
test_titles(void)
{
	struct mv_name n;

	n = check("L.Armee.des.12.singes.1995.FRENCH.1080p.BluRay.x264-LOST.mkv",
	    "L Armee des 12 singes", 1995);
	is_str(n.languages, "FRENCH", "language tag");
	is_str(n.resolution, "1080p", "resolution");
	is_str(n.source, "BluRay", "source");
	is_str(n.codec, "x264", "codec");
	is_str(n.group, "LOST", "release group");
	is_str(n.ext, "mkv", "extension");
	ok(n.confidence >= 80, "year and tags give high confidence (%d)", n.confidence);
	mv_name_free(&n);

	/* years that belong to titles */
	n = check("Blade Runner 2049 (2017).mkv", "Blade Runner 2049", 2017);
	mv_name_free(&n);
	n = check("2001.A.Space.Odyssey.1968.REMASTERED.mkv", "2001 A Space Odyssey", 1968);
	is_str(n.edition, "Remastered", "edition tag");
	mv_name_free(&n);
	n = check("1917.mkv", "1917", 0);
	mv_name_free(&n);
	n = check("1917 (2019) 1080p.mkv", "1917", 2019);
	mv_name_free(&n);
	n = check("1941.1979.EXTENDED.720p.BluRay.X264-AMIABLE", "1941", 1979);
	mv_name_free(&n);
	n = check("Die.Klasse.von.1999.1990.German.720p.HDTV.x264-NORETAiL",
	    "Die Klasse von 1999", 1990);
	mv_name_free(&n);

	/* acronyms, apostrophes, punctuation */
	n = check("The.Man.from.U.N.C.L.E.2015.1080p.BluRay.x264-SPARKS",
	    "The Man from U.N.C.L.E.", 2015);
	mv_name_free(&n);
	n = check("Howl's_Moving_Castle_(2004)_[720p,HDTV,x264,DTS]-FlexGet.avi",
	    "Howl's Moving Castle", 2004);
	mv_name_free(&n);
	n = check("Thor: The Dark World 2013", "Thor: The Dark World", 2013);
	mv_name_free(&n);

	/* the title stops at the first tag, weak tags only before others */
	n = check("Pacific.Rim.3D.2013.COMPLETE.BLURAY-PCH.avi", "Pacific Rim", 2013);
	mv_name_free(&n);
	n = check("A Very Harold & Kumar 3D Christmas (2011).mkv",
	    "A Very Harold & Kumar 3D Christmas", 2011);
	mv_name_free(&n);
	n = check("The.Good.German.2006.720p.BluRay.x264-RlsGrp", "The Good German", 2006);
	mv_name_free(&n);
	n = check("Der.Film.deines.Lebens.German.2011.PAL.DVDR-ETM",
	    "Der Film deines Lebens", 2011);
	is_str(n.languages, "GERMAN", "German tag before the year");
	mv_name_free(&n);
	n = check("Riddick Unrated Director's Cut French 1080p DTS.mkv", "Riddick", 0);
	ok(n.edition && strstr(n.edition, "Director's Cut"), "edition phrase");
	mv_name_free(&n);
	/* every edition of issue 16, one label each */
	n = check("Heat.1995.Directors.Cut.1080p.mkv", "Heat", 1995);
	is_str(n.edition, "Director's Cut", "Directors.Cut is the Director's Cut");
	mv_name_free(&n);
	n = check("Blade.Runner.1982.Final.Cut.mkv", "Blade Runner", 1982);
	is_str(n.edition, "Final Cut", "Final Cut");
	mv_name_free(&n);
	n = check("Heat.1995.IMAX.2160p.mkv", "Heat", 1995);
	is_str(n.edition, "IMAX", "IMAX");
	mv_name_free(&n);
	n = check("Heat (1995) {edition-Theatrical}.mkv", "Heat", 1995);
	is_str(n.edition, "Theatrical", "{edition-...}");
	mv_name_free(&n);
	n = check("The Final Cut (2004).mkv", "The Final Cut", 2004);
	ok(!n.edition, "a title is more than an article");
	mv_name_free(&n);
	/* the stacking words of Jellyfin, Plex and Kodi */
	n = check("Movie.1995.pt1.avi", "Movie", 1995);
	is_int(n.part, 1, "pt1");
	mv_name_free(&n);
	n = check("Heat (1995) [tmdbid-949] - part2.mkv", "Heat", 1995);
	is_int(n.part, 2, "our own \" - part2\"");
	mv_name_free(&n);
	n = check("The Twilight Saga Breaking Dawn - Part 2 (2012).mkv",
	    "The Twilight Saga Breaking Dawn - Part 2", 2012);
	is_int(n.part, 0, "\"- Part 2\" apart stays the title's");
	mv_name_free(&n);

	/* UTF-8 kept, invalid bytes replaced */
	n = check("Amélie (2001).mkv", "Amélie", 2001);
	mv_name_free(&n);
	n = check("Caf\xe9 (1999).mkv", "Caf\xef\xbf\xbd", 1999);
	mv_name_free(&n);

	/* nothing to call a title */
	n = check("1080p.x264.mkv", NULL, 0);
	is_str(n.resolution, "1080p", "tags still read without a title");
	mv_name_free(&n);
	n = check("", NULL, 0);
	mv_name_free(&n);
	n = check("///", NULL, 0);
	mv_name_free(&n);
}

static void
test_paths(void)
{
	struct mv_name n;

	n = check("Heat (1995)/movie.mkv", "Heat", 1995);
	ok(n.confidence < 80, "title from a folder costs confidence (%d)", n.confidence);
	mv_name_free(&n);
	n = check("/films/Heat (1995)/VIDEO_TS/VTS_01_1.VOB", "Heat", 1995);
	is_str(n.ext, "vob", "extension of the file");
	mv_name_free(&n);
	n = check("Heat (1995)/CD2/movie.avi", "Heat", 1995);
	is_int(n.part, 2, "part from a CD2 folder");
	mv_name_free(&n);
	n = check("Heat.1995.1080p.BluRay.x264-GRP/sample.mkv", "Heat", 1995);
	mv_name_free(&n);
	n = check("Heat (1995)/Heat.1080p.BluRay.mkv", "Heat", 1995);
	mv_name_free(&n);
	n = check("/C/Test/Some.Hashed.Release.2018.720p.WEB-DL.AAC2.0.H.264-Mercury/"
	    "0e895c37245186812cb08aab1529cf8ee389dd05.mkv", "Some Hashed Release", 2018);
	mv_name_free(&n);
	/* the file wins when it names another film than its folder */
	n = check("Trilogy (2009) BRrip/(1)The Girl With The Dragon Tattoo (2009).mkv",
	    "The Girl With The Dragon Tattoo", 2009);
	mv_name_free(&n);
	/* a folder of no film does not replace a file's title */
	n = check("/movies/Heat.mkv", "Heat", 0);
	mv_name_free(&n);
	n = check("Heat (1995)/", "Heat", 1995);
	mv_name_free(&n);
}

static void
test_ids(void)
{
	struct mv_name n;

	n = check("Twelve Monkeys (1995) [tmdbid-63].mkv", "Twelve Monkeys", 1995);
	is_int(n.tmdb, 63, "[tmdbid-N]");
	mv_name_free(&n);
	n = check("Twelve.Monkeys.1995.{tmdb-63}.mkv", "Twelve Monkeys", 1995);
	is_int(n.tmdb, 63, "{tmdb-N}");
	mv_name_free(&n);
	n = check("Twelve Monkeys tmdb-63.mkv", "Twelve Monkeys", 0);
	is_int(n.tmdb, 63, "tmdb-N ends the title");
	mv_name_free(&n);
	n = check("Twelve.Monkeys.tt0114746.mkv", "Twelve Monkeys", 0);
	is_str(n.imdb, "tt0114746", "tt1234567");
	mv_name_free(&n);
	n = check("Twelve Monkeys (1995) [imdbid-tt0114746] [tvdbid-99].mkv",
	    "Twelve Monkeys", 1995);
	is_str(n.imdb, "tt0114746", "[imdbid-tt…]");
	is_int(n.tvdb, 99, "[tvdbid-N]");
	mv_name_free(&n);
	n = check("Twelve Monkeys (1995) [tmdbid-63]/movie.mkv", "Twelve Monkeys", 1995);
	is_int(n.tmdb, 63, "id in a folder");
	mv_name_free(&n);
	n = check("Big.Id.tmdb-9999999999.mkv", "Big Id", 0);
	ok(n.tmdb == 9999999999LL, "ids beyond INT_MAX");
	mv_name_free(&n);
}

static void
test_json(void)
{
	struct mv_name n;
	cJSON *o;
	char *s;

	mv_parse_name("Twelve.Monkeys.1995.MULTi.TRUEFRENCH.1080p.[tmdbid-63].mkv", &n);
	o = mv_name_json(&n);
	s = cJSON_PrintUnformatted(o);
	is_str(s, "{\"title\":\"Twelve Monkeys\",\"year\":1995,\"edition\":null,"
	    "\"resolution\":\"1080p\",\"source\":null,\"codec\":null,\"group\":null,"
	    "\"languages\":[\"MULTI\",\"TRUEFRENCH\"],\"part\":null,\"ext\":\"mkv\","
	    "\"tmdb\":63,\"confidence\":100}", "JSON shape");
	free(s);
	cJSON_Delete(o);
	mv_name_free(&n);

	mv_parse_name("nothing-here", &n);
	o = mv_name_json(&n);
	ok(cJSON_IsNull(cJSON_GetObjectItem(o, "year")), "year null when absent");
	ok(cJSON_IsArray(cJSON_GetObjectItem(o, "languages")), "languages an array");
	ok(!cJSON_GetObjectItem(o, "tmdb"), "no tmdb key without an id");
	cJSON_Delete(o);
	mv_name_free(&n);
}

static void
test_robust(void)
{
	size_t big = 70000, i;
	char *s = mv_xmalloc(big + 1);
	struct mv_name n;

	/* long names, many tokens, deep nesting: bounded, no crash */
	for (i = 0; i < big; i++)
		s[i] = "a.(["[i % 4];
	s[big] = '\0';
	mv_parse_name(s, &n);
	mv_name_free(&n);
	for (i = 0; i < big; i++)
		s[i] = "A/-."[i % 4];
	mv_parse_name(s, &n);
	mv_name_free(&n);
	memset(s, '(', big);
	mv_parse_name(s, &n);
	ok(1, "long and odd inputs parsed");
	mv_name_free(&n);
	/* found by fuzzing: a part number that overflowed */
	mv_parse_name("5/-Cd00000000000000000000010000000000000000000(-Bf/_T00", &n);
	ok(n.part == 0, "overlong CD number is no part (%d)", n.part);
	mv_name_free(&n);
	mv_parse_name("CD99999999999/movie.avi", &n);
	ok(n.part == 0, "overlong CD folder is no part (%d)", n.part);
	mv_name_free(&n);
	free(s);
}

int
main(void)
{
	test_fold();
	test_titles();
	test_paths();
	test_ids();
	test_json();
	test_robust();
	return tap_done();
}
