#!/usr/bin/env bats
# parse.bats: the file-name parser keeps its accuracy on the peer suites
# (never below bench/parse-floors) and its speed.

load test_helper

bats_require_minimum_version 1.5.0

SUITES=$MV_TOP/tests/fixtures/peers/filenames
SCORER=$MV_BUILD/progs/parse-accuracy
FLOORS=$MV_TOP/bench/parse-floors

# The suites are part of the tree (SOURCES.md there): missing fails.
need_suites() {
	[ -d "$SUITES" ] || { echo "peer suites not found: $SUITES" >&2; return 1; }
}

@test "parse: every suite scores at or above its committed floor" {
	need_suites
	run -0 --separate-stderr "$SCORER" -q -f "$FLOORS" "$SUITES"
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
	for s in guessit-movies ptn-movies radarr-movies radarr-movies-2021; do
		printf '%s\n' "${lines[@]}" | grep -q "^$s "
	done
}

@test "parse: a suite below its floor fails with a message" {
	need_suites
	sed 's/ [0-9.]*$/ 100.01/' "$FLOORS" >"$BATS_TEST_TMPDIR/floors"
	run -1 --separate-stderr "$SCORER" -q -f "$BATS_TEST_TMPDIR/floors" "$SUITES"
	[ "${#lines[@]}" -eq 4 ]
	[[ ${stderr_lines[0]} == "parse-accuracy: "*" is below the floor of 100.01%" ]]
}

@test "parse: a suite without a floor fails" {
	need_suites
	grep -v '^ptn-movies' "$FLOORS" >"$BATS_TEST_TMPDIR/floors"
	run -1 --separate-stderr "$SCORER" -q -f "$BATS_TEST_TMPDIR/floors" "$SUITES"
	[ "$stderr" = "parse-accuracy: ptn-movies: no floor in $BATS_TEST_TMPDIR/floors" ]
}

@test "parse: at least 200,000 names/s of CPU time on one thread" {
	need_suites
	case $MV_BUILD in
	*asan* | *fuzz*) skip "sanitized build: speed is not representative" ;;
	esac
	run -0 "$SCORER" -q -s 0.5 "$SUITES"
	rate=$(printf '%s\n' "$output" | sed -n 's/^speed: \([0-9]*\) names\/s of CPU time.*/\1/p')
	echo "rate: $rate"
	[ "$rate" -ge 200000 ]
}

@test "parse: scorer usage and input errors" {
	run -64 --separate-stderr "$SCORER" -x
	[[ $stderr == *"usage: parse-accuracy"* ]]
	run -64 --separate-stderr "$SCORER" a b
	run -0 "$SCORER" -h
	[ "${lines[0]}" = "usage: parse-accuracy [-qv] [-f floors] [-s seconds] [dir]" ]
	mkdir "$BATS_TEST_TMPDIR/empty"
	run -66 --separate-stderr "$SCORER" "$BATS_TEST_TMPDIR/empty"
	[ "$stderr" = "parse-accuracy: no *.tsv suite in $BATS_TEST_TMPDIR/empty" ]
	run -66 --separate-stderr "$SCORER" "$BATS_TEST_TMPDIR/missing"
	[[ $stderr == "parse-accuracy: unable to open $BATS_TEST_TMPDIR/missing: "* ]]
}

@test "parse: the ids of Jellyfin, Plex and Kodi names, in the file or its folder" {
	run -0 mvctl parse --json 'Heat (1995) {tmdb-949}.mkv' 'Heat (1995) [imdbid-tt0113277].mkv' \
		'Heat (1995) [tmdbid-949]/Heat (1995).mkv' 'Heat (1995) {imdb-tt0113277}/movie.mkv'
	[ "$(printf '%s\n' "$output" | jq -c '[.title, .year, .tmdb, .imdb]')" = '["Heat",1995,949,null]
["Heat",1995,null,"tt0113277"]
["Heat",1995,949,null]
["Heat",1995,null,"tt0113277"]' ]
}
