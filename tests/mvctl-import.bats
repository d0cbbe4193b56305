#!/usr/bin/env bats
# mvctl import: a library laid out for Jellyfin, Plex or Kodi, imported in
# place (its folder becomes a library root) or moved into assets/videos/.

load test_helper
load faketmdb

setup() {
	mv_test_env
	mvctl init >/dev/null
	start_faketmdb
	L=$BATS_TEST_TMPDIR/films
	CONFIG=$HOME/.config/mv/config
	HEAT='Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv'
	MONK='Twelve Monkeys (1995)/Twelve Monkeys (1995).mkv'
	FIGHT='flat/Fight Club (1999) {tmdb-550}.mkv'
	MATRIX='The Matrix (1999)/The Matrix (1999).mkv'
	THING='flat/The Thing.mkv'
	mktree
}

teardown() {
	stop_faketmdb
}

vid() {
	mkdir -p "$(dirname "$L/$1")"
	head -c 4096 /dev/urandom >"$L/$1"
}

# The Jellyfin-style tree: a folder named with its id, a folder with a
# Kodi movie.nfo, a flat {tmdb-N} name, a title and year to search, a
# name TMDB cannot tell apart (three films), and a sample and an extra
# that are no movies.
mktree() {
	vid "$HEAT"
	vid "$MONK"
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<movie>\n  <title>Twelve Monkeys</title>\n  <uniqueid type="tmdb" default="true">63</uniqueid>\n</movie>\n' \
		>"$L/Twelve Monkeys (1995)/movie.nfo"
	vid "$FIGHT"
	vid "$MATRIX"
	vid "$THING"
	vid 'Heat (1995) [tmdbid-949]/Featurettes/Making of.mkv'
	vid 'The Matrix (1999)/The Matrix (1999)-sample.mkv'
}

# Every file under the tree and the data dir with its checksum, and the
# config; run/ (locks, the TMDB rate clock) excepted.
snapshot() {
	(cd "$L" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
	(cd "$MV_DATA" && find . -path ./run -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
	(cd "$MV_DATA" && find . -path ./run -prune -o -print | sort)
	cat "$CONFIG" 2>/dev/null || true
}

@test "import --dry-run prints the whole plan and changes nothing" {
	before=$(snapshot)
	run -0 --separate-stderr mvctl import --dry-run "$L"
	assert_output "Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv: match tmdb:949 Heat (1995), by id, named in the file name; in place
The Matrix (1999)/The Matrix (1999).mkv: match tmdb:603 The Matrix (1999), by search: \"The Matrix\" (title), score 90, margin 90; in place
Twelve Monkeys (1995)/Twelve Monkeys (1995).mkv: match tmdb:63 Twelve Monkeys (1995), by id, NFO Twelve Monkeys (1995)/movie.nfo; in place
flat/Fight Club (1999) {tmdb-550}.mkv: match tmdb:550 Fight Club (1999), by id, named in the file name; in place
flat/The Thing.mkv: review ambiguous: 2 candidates match \"The Thing\" and the name gives no year
import: 5 videos: 4 matched, 1 to review, 0 already in the library (dry run: nothing changed)"
	[ -z "$stderr" ]
	[ "$(snapshot)" = "$before" ]
	run -0 --separate-stderr mvctl import -n --move "$L"
	assert_line --index 0 "Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv: match tmdb:949 Heat (1995), by id, named in the file name; assets/videos/$HEAT"
	[ "$(snapshot)" = "$before" ]
}

@test "import --in-place: profiles for every movie, nothing moved, DIR a library root" {
	tree=$(cd "$L" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
	run -0 --separate-stderr mvctl import --in-place "$L"
	assert_line --index 0 "library root $L recorded in the configuration"
	assert_line --index 1 "$HEAT: imported m1 tmdb:949 Heat (1995); $L/$HEAT"
	assert_line --index 3 "$MONK: imported m3 tmdb:63 Twelve Monkeys (1995); $L/$MONK"
	assert_line --index 5 "$THING: review m5, ambiguous: 2 candidates match \"The Thing\" and the name gives no year"
	assert_line --index 6 "import: 5 videos: 4 matched, 1 to review, 0 already in the library"
	[ "$(cd "$L" && find . -type f -print0 | sort -z | xargs -0 sha256sum)" = "$tree" ]
	[ "$(cat "$CONFIG")" = "root = \"$L\"" ]
	[ "$(jq -c .videos[0].importedFrom "$MV_DATA/Movies/m1.json")" = "{\"root\":\"$L\",\"inPlace\":true}" ]
	[ "$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")" = "$L/$HEAT" ]
	[ "$(jq -c '[.status, .match.from]' "$MV_DATA/Movies/m3.json")" = '["ready","NFO Twelve Monkeys (1995)/movie.nfo"]' ]
	[ "$(jq -c .videos[0].importedFrom.tmdb "$MV_DATA/Movies/m3.json")" = 63 ]
	[ "$(jq -r .status "$MV_DATA/Movies/m5.json")" = needs-review ]
	[ -z "$(find "$MV_DATA/quarantine" "$MV_DATA/assets/videos" -mindepth 1)" ]
	[ "$(jq -c '[.items[] | [.id, .tmdb]]' "$(movies_index "$MV_DATA")")" = '[["m1",949],["m2",603],["m3",63],["m4",550],["m5",null]]' ]
	run -0 mvctl check
	assert_output --partial "0 invalid; index consistent; 0 orphan videos"
	# An absolute path is valid only for a video kept in place.
	jq 'del(.videos[0].importedFrom)' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1.json"
	run -1 mvctl validate MovieProfile.json "$BATS_TEST_TMPDIR/m1.json"
	jq '.videos[0].importedFrom.inPlace = false' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1.json"
	run -1 mvctl validate MovieProfile.json "$BATS_TEST_TMPDIR/m1.json"
	# gc and a downgrade leave the root alone.
	run -0 mvctl gc --incoming
	run -0 mvctl downgrade --level minimal
	[ "$(cd "$L" && find . -type f -print0 | sort -z | xargs -0 sha256sum)" = "$tree" ]
	run -0 mvctl check
}

@test "import twice: the second one changes nothing" {
	run -0 mvctl import "$L"
	before=$(snapshot)
	run -0 --separate-stderr mvctl import "$L"
	assert_line --index 0 "$HEAT: skip m1, already in the library"
	assert_line --index 5 "import: 5 videos: 0 matched, 0 to review, 5 already in the library"
	[ "$(snapshot)" = "$before" ]
	run -0 mvctl check
}

@test "a vanished root is reported by check, and no profile changes" {
	run -0 mvctl import "$L"
	profiles=$(cd "$MV_DATA" && sha256sum Movies/*.json index/movies.json index/movies/*.json)
	mv "$L" "$L.away"
	run -0 --separate-stderr mvctl check
	assert_line "note: $L library root has vanished (No such file or directory): its 5 videos are kept as they are, nothing changed; mount it again"
	assert_line --partial "0 invalid; index consistent; 0 orphan videos; 0 missed in incoming/; 0 half-done filings; 1 notes: ok"
	# An empty mount point is the same.
	mkdir "$L"
	run -0 mvctl check
	assert_line "note: $L library root has vanished (empty: not mounted?): its 5 videos are kept as they are, nothing changed; mount it again"
	run -0 mvctl repair
	run -0 mvctl gc
	[ "$(cd "$MV_DATA" && sha256sum Movies/*.json index/movies.json index/movies/*.json)" = "$profiles" ]
	rmdir "$L"
	mv "$L.away" "$L"
	run -0 mvctl check
	refute_output --partial "note:"
	# A video deleted from a root that is there is missing, as anywhere.
	rm "$L/$FIGHT"
	run -1 mvctl check
	assert_line "Movies/m4.json: /videos/0/path: video missing: $L/$FIGHT"
}

@test "an in-place video in review takes a choice where it lies" {
	run -0 mvctl import "$L"
	run -0 mvctl add "$L/$THING" --tmdb 1091
	[ "$(jq -c '[.status, .externalIds.tmdb, .videos[0].path]' "$MV_DATA/Movies/m5.json")" = "[\"ready\",1091,\"$L/$THING\"]" ]
	[ -f "$L/$THING" ]
	run -0 mvctl check
}

@test "import --move files every video as a drop would" {
	run -0 --separate-stderr mvctl import --move "$L"
	assert_line --index 0 "$HEAT: imported m1 tmdb:949 Heat (1995); assets/videos/$HEAT"
	assert_line --index 4 "$THING: review m5, ambiguous: 2 candidates match \"The Thing\" and the name gives no year"
	[ ! -e "$CONFIG" ]
	[ -f "$MV_DATA/assets/videos/$HEAT" ]
	[ -f "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv" ]
	[ -f "$MV_DATA/quarantine/The Thing.mkv" ]
	[ ! -e "$L/$HEAT" ] && [ ! -e "$L/$THING" ]
	# What is not a movie stays, and so does the NFO.
	[ -f "$L/Heat (1995) [tmdbid-949]/Featurettes/Making of.mkv" ]
	[ -f "$L/Twelve Monkeys (1995)/movie.nfo" ]
	[ "$(jq -c .videos[0].importedFrom "$MV_DATA/Movies/m3.json")" = "{\"root\":\"$L\",\"inPlace\":false,\"tmdb\":63,\"idFrom\":\"Twelve Monkeys (1995)/movie.nfo\"}" ]
	run -0 mvctl check
	before=$(snapshot)
	run -0 --separate-stderr mvctl import --move "$L"
	assert_output "import: 0 videos: 0 matched, 0 to review, 0 already in the library"
	[ "$(snapshot)" = "$before" ]
}

@test "import refuses what it must not touch" {
	run -64 --separate-stderr mvctl import --in-place --move "$L"
	run -64 --separate-stderr mvctl import "$MV_DATA/incoming"
	assert_equal "$stderr" "mvctl: unable to import $MV_DATA/incoming: it is inside the data directory"
	run -66 --separate-stderr mvctl import "$L/none"
	run -0 mvctl import "$L"
	run -64 --separate-stderr mvctl import --move "$L"
	assert_equal "$stderr" "mvctl: unable to import $L with --move: it is under the library root $L, whose videos stay in place"
	run -64 --separate-stderr mvctl import "$L/flat"
}
