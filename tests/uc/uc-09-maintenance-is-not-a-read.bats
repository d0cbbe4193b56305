#!/usr/bin/env bats
# UC-09  Maintenance is not a read: enriching the library resets no clock
# Actor:        the admin (mvctl enrich --all), then a user (mvctl request)
# Trigger:      mvctl enrich --all --level medium, no pipeline running (mvctl
#               runs mvenrich | mvstat | mvindex itself)
# Preconditions: a library with a movie read once 100 days ago, counted by
#               mvstat in stats/usage.json; the fake TMDB running
# Main flow:    1. mvctl enrich --all emits mv.movie.requested with reason
#               "maintenance" for every movie below the level 2. mvenrich
#               enriches them 3. mvstat passes them on, counts none
#               4. mvdowngrade still sees the movie unread for 100 days
#               5. a user's mvctl request (reason "user") counts one read
# Events:       mv.movie.requested{reason:maintenance} →
#               mv.movie.enriched{level:medium}, no mv.stats.updated;
#               mv.movie.requested{reason:user} → mv.movie.enriched{level:deep}
#               → mv.stats.updated{accesses:1}
# Postconditions: stats/usage.json unchanged by maintenance, byte for byte;
#               one more access after the user's request
# Failure flows: an event without a reason (an old journal) → counted as a
#               user's read

load helpers

setup() {
	setup_incoming
	export MV_TMDB_RETRIES=0
	# Filed and read once on 2026-03-01.
	export MV_NOW=2026-03-01T12:00:00Z
	mkvideo "$MV_DATA/incoming/Twelve.Monkeys.1995.mkv"
	mvwatch --once --settle 0 | mvenrich | mvstat | mvindex >/dev/null
	mvctl open m1 2>/dev/null | mvenrich | mvstat | mvindex >/dev/null
	mvctl downgrade --level basic >/dev/null
	mvindex --rebuild
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	run jq -c '.movies.m1 | [.count, .last]' "$MV_DATA/stats/usage.json"
	assert_output '[1,"2026-03-01T12:00:00Z"]'
	# 100 days later.
	export MV_NOW=2026-06-09T12:00:00Z
}

teardown() {
	stop_faketmdb
}

@test "UC-09: mvctl enrich --all enriches but leaves usage.json and the clocks alone" {
	usage=$(sha "$MV_DATA/stats/usage.json")
	out=$BATS_TEST_TMPDIR/out
	mvctl enrich --all --level medium 2>/dev/null >"$out"
	run jq -c 'select(.type == "mv.movie.requested") | .data' "$out"
	assert_output '{"id":"m1","level":"medium","reason":"maintenance"}'
	run -0 enriched_of "$out"
	assert_output '{"id":"m1","level":"medium","from":"basic","tmdbRequests":1}'
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = medium ]
	run grep -c mv.stats.updated "$out"
	assert_output 0
	[ "$(sha "$MV_DATA/stats/usage.json")" = "$usage" ]
	# The downgrade clock still runs from the user's read of 2026-03-01.
	run -0 mvctl downgrade --level minimal --unread-since 90d --dry-run
	run jq -c '[.id, .from, .to]' <<<"$output"
	assert_output '["m1","medium","minimal"]'
	# Enriching one movie by id is maintenance too.
	mvctl enrich m1 --level deep 2>/dev/null >"$out"
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = deep ]
	[ "$(sha "$MV_DATA/stats/usage.json")" = "$usage" ]
}

@test "UC-09: a user's mvctl request counts one read" {
	out=$BATS_TEST_TMPDIR/out
	mvctl request m1 2>/dev/null >"$out"
	run jq -c 'select(.type == "mv.movie.requested") | .data' "$out"
	assert_output '{"id":"m1","reason":"user"}'
	run jq -c 'select(.type == "mv.stats.updated") | .data' "$out"
	assert_output '{"accesses":1}'
	run jq -c '.movies.m1 | [.count, .first, .last]' "$MV_DATA/stats/usage.json"
	assert_output '[2,"2026-03-01T12:00:00Z","2026-06-09T12:00:00Z"]'
	run -0 mvctl downgrade --level minimal --unread-since 90d --dry-run
	assert_output ""
}

@test "UC-09: a request without a reason, as in an old journal, is a user's read" {
	ev_requested m1 | mvenrich | mvstat >/dev/null
	run jq -c '.movies.m1.count' "$MV_DATA/stats/usage.json"
	assert_output 2
}
