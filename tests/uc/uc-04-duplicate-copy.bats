#!/usr/bin/env bats
# UC-04  A second copy of a film goes to review; neither copy is lost
# Actor:        a user (drops a film the library already holds)
# Trigger:      mv.file.added for a video that matches a movie already filed
# Preconditions: a library with that film filed, the fake TMDB running
# Main flow:    1. mvenrich creates the minimal movie 2. matches it on TMDB
#               3. the claim on tmdb:<id> is held by the first movie 4. the
#               copy moves to quarantine/ with reason "duplicate of m1"
# Events:       mv.file.added → mv.movie.created → mv.movie.needs-review
# Postconditions: both copies exist, whole: one in assets/videos/, one in
#               quarantine/; one video.added in all
# Failure flows: TMDB down → UC-05

load helpers

setup() {
	setup_incoming
}

teardown() {
	stop_faketmdb
}

@test "UC-04: the same film dropped twice is filed once, the copy reviewed" {
	mkvideo "$MV_DATA/incoming/Fight Club (1999).mkv" 30000
	a=$(sha "$MV_DATA/incoming/Fight Club (1999).mkv")
	mvwatch --once --settle 0 | mvenrich >/dev/null
	mkvideo "$MV_DATA/incoming/Fight.Club.1999.REMUX.mkv" 40000
	b=$(sha "$MV_DATA/incoming/Fight.Club.1999.REMUX.mkv")
	out=$BATS_TEST_TMPDIR/out
	mvwatch --once --settle 0 | mvenrich >"$out"
	assert_event_types "$out" mv.file.added mv.movie.created mv.movie.needs-review
	run events_of mv.movie.needs-review "$out"
	assert_output '{"id":"m2","path":"quarantine/Fight.Club.1999.REMUX.mkv","reason":"duplicate of m1","candidates":[{"tmdb":550,"title":"Fight Club","year":1999}]}'
	[ "$(copies_of "$a")" -eq 1 ]
	[ "$(copies_of "$b")" -eq 1 ]
	[ "$(sha "$MV_DATA/assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550].mkv")" = "$a" ]
	[ "$(sha "$MV_DATA/quarantine/Fight.Club.1999.REMUX.mkv")" = "$b" ]
	run jq -r .reason "$MV_DATA/quarantine/Fight.Club.1999.REMUX.mkv.why.json"
	assert_output "duplicate of m1"
	profiles_valid
	events_valid "$out"
}
