#!/usr/bin/env bats
# UC-02  An ambiguous name goes to review, never to a guess
# Actor:        a user (drops "The.Thing.mkv": three films bear that title)
# Trigger:      mv.file.added for a name with no clear match
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvenrich creates the minimal movie 2. the search finds
#               several films titled so, and the name gives no year 3. the
#               video moves to quarantine/ with a .why.json listing the
#               reason and the candidates 4. the movie is needs-review
# Events:       mv.file.added → mv.movie.created → mv.movie.needs-review
# Postconditions: the video whole in quarantine/; no video.added; nothing
#               in assets/videos/; Movies/m1.json valid, needs-review, minimal;
#               mvctl status and mvctl stats both count 1 in review
# Failure flows: a year in the name ("The Thing (1982)") makes it clear →
#               UC-01; the review is resolved by the commands mvctl review
#               prints (UC-10)

load helpers

setup() {
	setup_incoming
}

teardown() {
	stop_faketmdb
}

@test "UC-02: an ambiguous name is quarantined with its candidates" {
	mkvideo "$MV_DATA/incoming/The.Thing.mkv" 20000
	sum=$(sha "$MV_DATA/incoming/The.Thing.mkv")
	out=$BATS_TEST_TMPDIR/out
	mvwatch --once --settle 0 | mvenrich >"$out"
	assert_event_types "$out" mv.file.added mv.movie.created mv.movie.needs-review
	run events_of mv.movie.needs-review "$out"
	assert_output --partial '"id":"m1","path":"quarantine/The.Thing.mkv","reason":"ambiguous'
	[ "$(sha "$MV_DATA/quarantine/The.Thing.mkv")" = "$sum" ]
	run jq -c '[.candidates[] | [.tmdb, .year]] | sort' "$MV_DATA/quarantine/The.Thing.mkv.why.json"
	assert_output '[[1091,1982],[10785,1951],[60935,2011]]'
	[ -z "$(ls -A "$MV_DATA/assets/videos")" ]
	[ -z "$(ls -A "$MV_DATA/incoming")" ]
	run jq -c '[.status, .level]' "$MV_DATA/Movies/m1.json"
	assert_output '["needs-review","minimal"]'
	profiles_valid
	events_valid "$out"
}

@test "UC-02: with its year the same title is clear" {
	mkvideo "$MV_DATA/incoming/The.Thing.1982.mkv"
	mvwatch --once --settle 0 | mvenrich >/dev/null
	[ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]
}

@test "UC-02: the quarantined file is one item in review, for mvctl status and mvctl stats alike" {
	mkvideo "$MV_DATA/incoming/The.Thing.mkv" 20000
	mvwatch --once --settle 0 | mvenrich | mvindex >/dev/null
	# It is a file in quarantine/ with its note, and a needs-review movie:
	# one item, not one per file nor one more for the movie.
	[ "$(ls "$MV_DATA/quarantine")" = "The.Thing.mkv
The.Thing.mkv.why.json" ]
	[ "$(jq -r '.items[] | .status' "$(movies_index "$MV_DATA")")" = needs-review ]
	run -0 mvctl status --json
	assert_equal "$(jq -c .queue <<<"$output")" '{"incoming":0,"review":1}'
	run -0 mvctl stats --json
	assert_equal "$(jq .inReview <<<"$output")" 1
	run -0 mvctl --text stats
	assert_line "in review   1"
	run -0 mvctl --text status
	assert_line "queue     0 in incoming/, 1 in review"
}
