#!/usr/bin/env bats
# UC-05  TMDB is down: the video waits in incoming/ and is retried later
# Actor:        a user (drops a video while TMDB fails)
# Trigger:      mv.file.added while TMDB answers 5xx (the client exits 75)
# Preconditions: a data directory, the fake TMDB failing every request
# Main flow:    1. mvenrich creates the minimal movie 2. the search fails
#               temporarily 3. the movie stays minimal, status initial; the
#               file stays in incoming/, not in review 4. later, mvenrich's
#               next start (cron's next run, a restarted stage), a rescan or
#               mvenrich --retry resumes the same movie and files it
# Events:       mv.file.added → mv.movie.created; later, at mvenrich's start,
#               mv.movie.matched → mv.movie.enriched → mv.video.added, then
#               the rescan's mv.file.added passes with nothing left to do
# Postconditions: one movie, m1, ready; the video whole in assets/videos/
# Failure flows: a refused key (401) is not temporary: mvenrich exits 78

load helpers

setup() {
	setup_incoming
	export MV_TMDB_RETRIES=0
}

teardown() {
	stop_faketmdb
}

@test "UC-05: TMDB down, the video waits; the next rescan files it" {
	mkvideo "$MV_DATA/incoming/La.Haine.1995.mkv" 10000
	sum=$(sha "$MV_DATA/incoming/La.Haine.1995.mkv")
	out=$BATS_TEST_TMPDIR/out
	faketmdb_faults 'error_rate=1&error_status=503' >/dev/null
	run --separate-stderr bash -c 'mvwatch --once --settle 0 | mvenrich >"$1"' _ "$out"
	assert_success
	[[ "$stderr" == *"mvenrich: m1 stays initial: TMDB failed (tempfail); it will be retried"* ]]
	assert_event_types "$out" mv.file.added mv.movie.created
	run jq -c '[.status, .level]' "$MV_DATA/Movies/m1.json"
	assert_output '["initial","minimal"]'
	[ "$(sha "$MV_DATA/incoming/La.Haine.1995.mkv")" = "$sum" ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]

	faketmdb_faults clear=1 >/dev/null
	mvwatch --once --settle 0 | mvenrich >"$out"
	run jq -r '.type + " " + (.data.id // "")' "$out"
	assert_output "mv.movie.matched m1
mv.movie.enriched m1
mv.video.added m1
mv.file.added "
	[ ! -e "$MV_DATA/Movies/m2.json" ]
	[ "$(sha "$MV_DATA/assets/videos/La Haine (1995) [tmdbid-406]/La Haine (1995) [tmdbid-406].mkv")" = "$sum" ]
	profiles_valid
}

@test "UC-05: mvenrich --retry (cron) files what waited" {
	mkvideo "$MV_DATA/incoming/La.Haine.1995.mkv"
	faketmdb_faults 'error_rate=1&error_status=503' >/dev/null
	mvwatch --once --settle 0 | mvenrich >/dev/null 2>&1
	run --separate-stderr mvenrich --retry
	[ "$status" -eq 75 ]
	faketmdb_faults clear=1 >/dev/null
	run --separate-stderr mvenrich --retry
	assert_success
	[ -f "$MV_DATA/assets/videos/La Haine (1995) [tmdbid-406]/La Haine (1995) [tmdbid-406].mkv" ]
}
