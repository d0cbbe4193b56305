#!/usr/bin/env bats
# UC-17  A release folder is one download: the film, its subtitles and extras filed
# Actor:        a user (a download client drops a whole release folder
#               into incoming/, writing its files in turn)
# Trigger:      a folder created or moved into incoming/
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvwatch waits until every file of the folder has been
#               quiet for the settle time, then announces its main video
#               (the largest video; lib/download.c) as one mv.file.added
#               with data.download 2. mvenrich matches it (the release
#               NFO's IMDb id counts, UC-14) 3. it files the subtitles
#               beside the film under its name with language and flags
#               (".en.srt", ".fr.forced.srt") and the extras into their
#               Jellyfin/Plex folders (Featurettes/), each crash-safely
#               with the filing journal, then the film 4. the profile's
#               video lists every sidecar: subtitles [{path, lang, forced,
#               sdh, source}] and extras [{path, kind, source}]
# Events:       mv.file.added{download} → mv.movie.created →
#               mv.movie.matched → mv.movie.enriched → mv.video.added
# Postconditions: exact filed names; the sample, the release NFO and the
#               junk left in incoming/, never deleted (mvctl gc
#               --incoming lists them, removes only the junk); the index
#               item and GET /movies tag its subtitles ("fr.forced");
#               mvctl check passes
# Failure flows: a kill -9 between a sidecar's move and its record is
#               finished by the next start (each file exactly once, the
#               profile lists it once); a sample larger than the film is
#               never announced; a movie sent to review files no sidecar
#               (they wait in incoming/ for its resolution)

load helpers
load ../media
load ../fixtures/mvserve/helpers

setup() {
	setup_incoming
	R=$IN/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	F="Heat (1995) [tmdbid-949]"
	V=$MV_DATA/assets/videos/$F
}

teardown() {
	stop_mvserve
	stop_faketmdb
}

srt() {
	mkdir -p "$(dirname "$1")"
	printf '1\n00:00:01,000 --> 00:00:02,000\n%s\n' "$2" >"$1"
}

# The Heat release of issue 16, with real small videos.
heat_release() {
	mkdir -p "$R/Sample" "$R/Featurettes" "$R/Subs"
	cp "$(media_video film)" "$R/heat.1995.remastered.1080p.bluray.x264-grp.mkv"
	srt "$R/heat.1995.remastered.1080p.bluray.x264-grp.srt" 'Heat'
	srt "$R/Subs/2_English.srt" 'English'
	srt "$R/Subs/3_French.srt" 'Français'
	srt "$R/Subs/4_French.forced.srt" 'Forcé'
	cp "$(media_video small)" "$R/Sample/heat-sample.mkv"
	cp "$(media_video mp4)" "$R/Featurettes/Making of Heat.mp4"
	printf 'GRP presents\r\nhttps://www.imdb.com/title/tt0113277/\r\n' >"$R/grp.nfo"
	echo 'visit' >"$R/RARBG.txt"
	echo '[InternetShortcut]' >"$R/WWW.SITE.URL"
}

@test "UC-17: the Heat release folder: film, subtitles and extras filed, the rest left" {
	# The release is REMASTERED: the parser's edition labels every name.
	N="$F - Remastered"
	heat_release
	for f in "$R"/*.srt "$R"/Subs/*.srt "$R/Featurettes/Making of Heat.mp4" "$R"/*.mkv; do
		sums+=("$(sha "$f")")
	done
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added
	assert_equal "$(head -1 "$OUT" | jq -r .data.download)" "$R"
	run jq -c '.match | [.by, .imdb, .from]' "$MV_DATA/Movies/m1.json"
	assert_output '["id","tt0113277","release NFO grp.nfo"]'
	# Exactly these files, under these names.
	run bash -c "cd '$V' && find . -type f | LC_ALL=C sort"
	assert_output "./Featurettes/Making of Heat.mp4
./$N.en.srt
./$N.fr.forced.srt
./$N.fr.srt
./$N.mkv
./$N.srt"
	# Each moved whole, not copied: the same bytes, once.
	for s in "${sums[@]}"; do [ "$(copies_of "$s")" -eq 1 ]; done
	# The profile lists every sidecar with its origin, in the order of
	# their paths in the download.
	src=incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	dst="assets/videos/$F"
	run jq -c '.videos[0].subtitles[]' "$MV_DATA/Movies/m1.json"
	assert_output "{\"path\":\"$dst/$N.en.srt\",\"lang\":\"en\",\"forced\":false,\"sdh\":false,\"source\":\"$src/Subs/2_English.srt\"}
{\"path\":\"$dst/$N.fr.srt\",\"lang\":\"fr\",\"forced\":false,\"sdh\":false,\"source\":\"$src/Subs/3_French.srt\"}
{\"path\":\"$dst/$N.fr.forced.srt\",\"lang\":\"fr\",\"forced\":true,\"sdh\":false,\"source\":\"$src/Subs/4_French.forced.srt\"}
{\"path\":\"$dst/$N.srt\",\"lang\":\"und\",\"forced\":false,\"sdh\":false,\"source\":\"$src/heat.1995.remastered.1080p.bluray.x264-grp.srt\"}"
	run jq -c '.videos[0].extras' "$MV_DATA/Movies/m1.json"
	assert_output "[{\"path\":\"$dst/Featurettes/Making of Heat.mp4\",\"kind\":\"featurettes\",\"source\":\"$src/Featurettes/Making of Heat.mp4\"}]"
	assert_equal "$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")" "$dst/$N.mkv"
	# The sample, the release NFO and the junk stay, never deleted.
	run bash -c "cd '$IN' && find . -type f | LC_ALL=C sort"
	assert_output "./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/RARBG.txt
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Sample/heat-sample.mkv
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/WWW.SITE.URL
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/grp.nfo"
	[ -z "$(find "$MV_DATA/assets" -iname '*.nfo')" ]
	profiles_valid
	events_valid "$OUT"
	mvindex --rebuild >/dev/null
	run -0 mvctl check
	# The index item and GET /movies tag each subtitle as its name does.
	want="[{\"path\":\"$dst/$N.mkv\",\"edition\":\"Remastered\",\"subtitles\":[\"en\",\"fr\",\"fr.forced\",\"und\"]}]"
	run index_and_api_videos m1
	assert_output "$want
$want"
	# gc --incoming lists the left-overs of the filed download, and
	# --dry-run removes nothing.
	run -0 mvctl gc --incoming --dry-run
	assert_output --partial "$src/RARBG.txt: junk, would remove"
	assert_output --partial "$src/Sample/heat-sample.mkv: sample, kept"
	assert_output --partial "$src/grp.nfo: nfo, kept"
	[ -f "$R/RARBG.txt" ]
}

@test "UC-17: rename and check know the sidecars: a new title moves the film, its subtitles and extras" {
	heat_release
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	mvindex --rebuild >/dev/null
	# The film's name changes (here its year: its titles come from TMDB
	# in the language, so a title edit alone would not show).
	jq '.year = 1996' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	mvindex --rebuild >/dev/null
	G="Heat (1996) [tmdbid-949]"
	# The release is a REMASTERED one: its files carry the edition.
	E="$G - Remastered"
	# check asks the same rule: every sidecar is noted, not only the film.
	run -0 --separate-stderr mvctl --text check
	assert_line --regexp '; 6 notes: ok$'
	assert_line "note: assets/videos/$F/Featurettes/Making of Heat.mp4 is filed as assets/videos/$G/Featurettes/Making of Heat.mp4 under the settings now (mvctl rename m1 moves it)"
	run -0 --separate-stderr mvctl rename --all
	assert_line 'rename: 6 moved, 0 failed'
	run bash -c "cd '$MV_DATA/assets/videos' && find . | LC_ALL=C sort"
	assert_output ".
./$G
./$G/Featurettes
./$G/Featurettes/Making of Heat.mp4
./$G/$E.en.srt
./$G/$E.fr.forced.srt
./$G/$E.fr.srt
./$G/$E.mkv
./$G/$E.srt"
	run jq -r '.videos[0] | .path, .subtitles[].path, .extras[].path' "$MV_DATA/Movies/m1.json"
	assert_output "assets/videos/$G/$E.mkv
assets/videos/$G/$E.en.srt
assets/videos/$G/$E.fr.srt
assets/videos/$G/$E.fr.forced.srt
assets/videos/$G/$E.srt
assets/videos/$G/Featurettes/Making of Heat.mp4"
	run -0 --separate-stderr mvctl --text check
	assert_line --regexp '; 0 notes: ok$'
}

# The filed state the first test asserts, in short: every name, and the
# profile's lists by path.
filed_state() {
	(cd "$V" && find . -type f | LC_ALL=C sort)
	jq -c '[.status, [.videos[0].subtitles[].path], [.videos[0].extras[].path]]' "$MV_DATA/Movies/m1.json"
}

@test "UC-17: a kill -9 at any step of a download's filing leaves every file once, listed once" {
	heat_release
	mvwatch --once --settle 0 | mvenrich >/dev/null
	want=$(filed_state)
	sums=$(all_copies)
	# Every step of the first sidecar's filing and of the film's.
	for step in journal link fsync-srcdir sidecar-saved saved; do
		setup_crash_dir $step
		R=$IN/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
		V=$MV_DATA/assets/videos/$F
		heat_release
		mvwatch --once --settle 0 >"$BATS_TEST_TMPDIR/ev"
		crash_then_retry $step
		assert_equal "$(filed_state)" "$want"
		assert_equal "$(all_copies)" "$sums"
		[ ! -e "$MV_DATA/run/filing/m1.json" ]
		profiles_valid
	done
}

@test "UC-17: a download sent to review files no sidecar until it is resolved" {
	R=$IN/The.Thing.1080p.BluRay.x264-GRP
	mkdir -p "$R"
	cp "$(media_video small)" "$R/the.thing.1080p.bluray.x264-grp.mkv"
	srt "$R/the.thing.1080p.bluray.x264-grp.en.srt" 'English'
	mkdir -p "$R/Trailers"
	cp "$(media_video mp4)" "$R/Trailers/The Thing.mp4"
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	assert_equal "$(jq -r .status "$MV_DATA/Movies/m1.json")" needs-review
	# Ambiguous: the video waits in quarantine/, its sidecars in incoming/.
	run bash -c "cd '$R' && find . -type f | LC_ALL=C sort"
	assert_output "./Trailers/The Thing.mp4
./the.thing.1080p.bluray.x264-grp.en.srt"
	assert_equal "$(jq -c '.videos[0] | has("subtitles")' "$MV_DATA/Movies/m1.json")" false
	# The user's choice files the film and then its download's sidecars.
	ev_added "$MV_DATA/quarantine/the.thing.1080p.bluray.x264-grp.mkv" |
		jq -c '.data.tmdb = 1091' | mvenrich >"$OUT"
	T="The Thing (1982) [tmdbid-1091]"
	run bash -c "cd '$MV_DATA/assets/videos/$T' && find . -type f | LC_ALL=C sort"
	assert_output "./$T.en.srt
./$T.mkv
./Trailers/The Thing.mp4"
	run jq -c '[.status, [.videos[0].subtitles[].lang], [.videos[0].extras[].kind]]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",["en"],["trailers"]]'
	[ -z "$(find "$R" -type f)" ]
	profiles_valid
}

@test "UC-17: the release NFO at the top of a download names the film of a video in a subfolder" {
	# The release is REMASTERED: the parser's edition labels every name.
	N="$F - Remastered"
	mkvideo "$R/Movie/heat.mkv" 20000
	printf 'GRP\r\nhttps://www.imdb.com/title/tt0113277/\r\n' >"$R/grp.nfo"
	srt "$R/Movie/heat.en.srt" 'English'
	mvwatch --once --settle 0 | mvenrich >"$OUT"
	run jq -c '.match | [.by, .imdb, .from]' "$MV_DATA/Movies/m1.json"
	assert_output '["id","tt0113277","release NFO grp.nfo"]'
	run bash -c "cd '$V' && find . -type f | LC_ALL=C sort"
	assert_output "./$N.en.srt
./$N.mkv"
	run bash -c "cd '$R' && find . -type f"
	assert_output ./grp.nfo
}
