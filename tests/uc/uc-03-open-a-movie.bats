#!/usr/bin/env bats
# UC-03  Open a movie: it deepens by one level
# Actor:        a user (via mvctl request, or mvserve)
# Trigger:      mv.movie.requested for a movie at level basic
# Preconditions: a library with that movie, the fake TMDB running
# Main flow:    1. mvenrich loads the movie 2. fetches the next level in one
#               TMDB request 3. at medium: credits and countries, minimal
#               people created 4. at deep: images, videos, keywords, release
#               dates, providers, deep people (bounded) 5. saves atomically
# Events:       mv.movie.requested → mv.person.created… →
#               mv.movie.enriched{level:medium}; then → mv.person.enriched… →
#               mv.movie.enriched{level:deep}
# Postconditions: Movies/<id>.json valid at medium, then deep; People/ valid
# Failure flows: TMDB down → stays basic, exit 0, retried on the next request

load helpers

setup() {
	setup_incoming
	export MV_TMDB_RETRIES=0
	mkvideo "$MV_DATA/incoming/Twelve.Monkeys.1995.mkv"
	mvwatch --once --settle 0 | mvenrich >/dev/null
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
}

teardown() {
	stop_faketmdb
}

@test "UC-03: opening a movie twice takes it to medium, then deep" {
	out=$BATS_TEST_TMPDIR/out
	faketmdb_reset
	ev_requested m1 | mvenrich >"$out"
	run -0 enriched_of "$out"
	assert_output '{"id":"m1","level":"medium","from":"basic","tmdbRequests":1}'
	[ "$(faketmdb_count /3/movie/63)" -eq 1 ]
	[ "$(events_of mv.person.created "$out" | wc -l)" -gt 0 ]
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = medium ]
	profiles_valid
	events_valid "$out"

	ev_requested m1 | mvenrich >"$out"
	run -0 enriched_of "$out"
	# /configuration is cached since basic's card poster.
	assert_output '{"id":"m1","level":"deep","from":"medium","tmdbRequests":13}'
	[ "$(events_of mv.person.enriched "$out" | wc -l)" -eq 5 ]
	[ -s "$MV_DATA/assets/images/m1-poster-w342.jpg" ]
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = deep ]
	profiles_valid
	events_valid "$out"
}

@test "UC-03: TMDB down, the movie stays basic; the next request deepens it" {
	out=$BATS_TEST_TMPDIR/out
	faketmdb_faults 'error_rate=1&error_status=503' >/dev/null
	run --separate-stderr bash -c 'ev_requested m1 | mvenrich >"$1"' _ "$out"
	assert_success
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	[ "$(events_of mv.movie.enriched "$out" | wc -l)" -eq 0 ]
	faketmdb_faults clear=1 >/dev/null
	ev_requested m1 | mvenrich >"$out"
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = medium ]
}
