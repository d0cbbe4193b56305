#!/usr/bin/env bats
# UC-14  A release NFO names the film: its id is as good as one in the name
# Actor:        a user (a download client drops a release: a video and the
#               group's NFO, which holds the film's IMDb or TMDB URL)
# Trigger:      mv.file.added for a video whose name alone is ambiguous
#               ("The.Thing": three films bear that title)
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvenrich finds the video's release NFO (same base name,
#               or the only .nfo of its release folder; lib/nfoid.c)
#               2. it reads the IMDb id (imdb.com/title/tt…) or TMDB id
#               (themoviedb.org/movie/N) there 3. the id wins over any
#               search: /find for an IMDb id, no search 4. the video is
#               filed as that film, the match's evidence says
#               "from":"release NFO <name>"
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched → mv.video.added
# Postconditions: the video filed under the NFO's film; the NFO left in
#               incoming/, byte for byte, and not filed as the movie's NFO
# Failure flows: an NFO naming two films of one kind is ambiguous and
#               changes nothing (the name alone decides: review, UC-02);
#               an id in the name, or the user's choice, wins over the
#               NFO's; a loose NFO at the top of incoming/ is only its
#               namesake's; an NFO that cannot be read is a warning
#               ("mvenrich: unable to read …") and the name alone decides

load helpers

setup() {
	setup_incoming
}

teardown() {
	stop_faketmdb
}

# A scene NFO at PATH as groups write them: CP437 art, CRLF, and the
# URL lines given after PATH.
scene_nfo() {
	local path=$1 url
	shift
	mkdir -p "$(dirname "$path")"
	{
		printf '\xdb\xdb\xdb\xdb\xbb \xdb\xdb\xbb  G R P  \xdb\xdb\xbb\r\n'
		printf '\xb0\xb1\xb2 The.Thing.1080p.BluRay.x264-GRP \xb2\xb1\xb0\r\n\r\n'
		printf '  Size .........: 8.7 GB\r\n'
		for url in "$@"; do printf '  Link .........: %s\r\n' "$url"; done
		printf '\xc8\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xbc\r\n'
	} >"$path"
}

@test "UC-14: the IMDb URL in a release folder's NFO files an ambiguous name" {
	R=$IN/The.Thing.1080p.BluRay.x264-GRP
	mkvideo "$R/the.thing.1080p.bluray.x264-grp.mkv" 20000
	scene_nfo "$R/grp.nfo" "http://www.imdb.com/title/tt0084787/"
	echo x >"$R/RARBG.txt"
	nfo=$(sha "$R/grp.nfo")
	faketmdb_reset
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added
	run events_of mv.movie.matched "$OUT"
	# find and details, then the card poster and /configuration (first movie)
	assert_output '{"id":"m1","tmdb":1091,"title":"The Thing","year":1982,"tmdbRequests":4}'
	[ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ]
	# The id won over any search; the evidence says where it came from.
	[ "$(faketmdb_count /3/find/tt0084787)" -eq 1 ]
	[ "$(faketmdb_count /3/search/movie)" -eq 0 ]
	run jq -c '.match | [.by, .imdb, .from]' "$MV_DATA/Movies/m1.json"
	assert_output '["id","tt0084787","release NFO grp.nfo"]'
	# The NFO stays in incoming/, whole, and is not the movie's NFO.
	[ "$(sha "$R/grp.nfo")" = "$nfo" ]
	[ -f "$R/RARBG.txt" ]
	[ -z "$(find "$MV_DATA/assets" "$MV_DATA/quarantine" -iname '*.nfo' 2>/dev/null)" ]
	profiles_valid
	events_valid "$OUT"
}

@test "UC-14: a TMDB URL in an NFO of the video's own name files it too" {
	mkvideo "$IN/The.Thing.mkv" 20000
	scene_nfo "$IN/The.Thing.nfo" "https://www.themoviedb.org/movie/60935-the-thing"
	nfo=$(sha "$IN/The.Thing.nfo")
	faketmdb_reset
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	run events_of mv.movie.matched "$OUT"
	assert_output '{"id":"m1","tmdb":60935,"title":"The Thing","year":2011,"tmdbRequests":3}'
	[ -f "$MV_DATA/assets/videos/The Thing (2011) [tmdbid-60935]/The Thing (2011) [tmdbid-60935].mkv" ]
	[ "$(faketmdb_count /3/search/movie)" -eq 0 ]
	run jq -c '.match | [.by, .tmdb, .from]' "$MV_DATA/Movies/m1.json"
	assert_output '["id",60935,"release NFO The.Thing.nfo"]'
	[ "$(ls "$IN")" = "The.Thing.nfo" ]
	[ "$(sha "$IN/The.Thing.nfo")" = "$nfo" ]
}

@test "UC-14: an NFO naming two films changes nothing: the name goes to review" {
	R=$IN/The.Thing.720p.BluRay-GRP
	mkvideo "$R/the.thing.720p.bluray-grp.mkv" 20000
	scene_nfo "$R/grp.nfo" "http://www.imdb.com/title/tt0084787/" \
		"Remake ....: http://www.imdb.com/title/tt0905372/"
	nfo=$(sha "$R/grp.nfo")
	faketmdb_reset
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.needs-review
	run events_of mv.movie.needs-review "$OUT"
	assert_output --partial '"id":"m1","path":"quarantine/the.thing.720p.bluray-grp.mkv","reason":"ambiguous'
	[ "$(faketmdb_count /3/find/tt0084787)" -eq 0 ]
	[ "$(faketmdb_count /3/find/tt0905372)" -eq 0 ]
	[ "$(ls "$R")" = "grp.nfo" ]
	[ "$(sha "$R/grp.nfo")" = "$nfo" ]
	[ -z "$(ls -A "$MV_DATA/assets/videos")" ]
}

@test "UC-14: an id in the name wins over the NFO's" {
	mkvideo "$IN/The.Thing.tt0084787.mkv" 20000
	scene_nfo "$IN/The.Thing.tt0084787.nfo" "https://www.themoviedb.org/movie/60935"
	faketmdb_reset
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	run events_of mv.movie.matched "$OUT"
	assert_output '{"id":"m1","tmdb":1091,"title":"The Thing","year":1982,"tmdbRequests":4}'
	[ "$(faketmdb_count /3/movie/60935)" -eq 0 ]
	run jq -c '.match | [.by, .imdb, .from]' "$MV_DATA/Movies/m1.json"
	assert_output '["id","tt0084787","named in the file name"]'
	[ -f "$IN/The.Thing.tt0084787.nfo" ]
}

@test "UC-14: a loose NFO at the top of incoming/ is no other video's" {
	mkvideo "$IN/The.Thing.mkv" 20000
	scene_nfo "$IN/other.nfo" "http://www.imdb.com/title/tt0084787/"
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.needs-review
	[ "$(ls "$IN")" = "other.nfo" ]
}

@test "UC-14: the user's choice wins over the NFO's id" {
	mkvideo "$IN/The.Thing.mkv" 20000
	scene_nfo "$IN/The.Thing.nfo" "http://www.imdb.com/title/tt0084787/"
	ev_added "$IN/The.Thing.mkv" | jq -c '.data.tmdb = 60935' >"$BATS_TEST_TMPDIR/ev"
	faketmdb_reset
	mvenrich <"$BATS_TEST_TMPDIR/ev" >"$OUT"
	[ -f "$MV_DATA/assets/videos/The Thing (2011) [tmdbid-60935]/The Thing (2011) [tmdbid-60935].mkv" ]
	[ "$(faketmdb_count /3/find/tt0084787)" -eq 0 ]
	run jq -c '.match | [.by, .tmdb, .from]' "$MV_DATA/Movies/m1.json"
	assert_output '["id",60935,"chosen with --tmdb"]'
	[ -f "$IN/The.Thing.nfo" ]
}

@test "UC-14: an NFO that cannot be read is a warning; the name alone decides" {
	mkvideo "$IN/The.Thing.1982.mkv" 20000
	mkdir "$IN/The.Thing.1982.nfo"
	run -0 --separate-stderr mvenrich < <(ev_added "$IN/The.Thing.1982.mkv")
	assert_equal "$stderr" "mvenrich: unable to read $IN/The.Thing.1982.nfo: Is a directory"
	[ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ]
	[ -d "$IN/The.Thing.1982.nfo" ]
}
