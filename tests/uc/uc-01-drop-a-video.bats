#!/usr/bin/env bats
# UC-01  Drop a video: it is matched, filed under a clean name, and announced
# Actor:        a user (copies a file into incoming/)
# Trigger:      mv.file.added from mvwatch for a complete video
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvwatch reports the file 2. mvenrich creates the minimal
#               movie 3. searches TMDB with the title and year 4. picks the
#               one clear match 5. writes the basic profile 6. files the
#               video as "Title (Year) [tmdbid-N].ext" 7. removes the original
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched{level:basic} → mv.video.added
# Postconditions: Movies/m1.json valid, status ready, level basic; the video
#               whole in assets/videos/; incoming/ empty
# Failure flows: no clear match → UC-02; already in the library → UC-04;
#               TMDB down → UC-05

load ../test_helper
load ../faketmdb
load ../fixtures/mvenrich/helpers

setup() {
	mv_test_env
	mkdir -p "$MV_DATA/incoming"
	start_faketmdb
}

teardown() {
	stop_faketmdb
}

@test "UC-01: a dropped video is matched, filed and announced" {
	mkvideo "$MV_DATA/incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv" 50000
	sum=$(sha "$MV_DATA/incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv")
	out=$BATS_TEST_TMPDIR/out
	# 1-7: the head of the real pipeline, once.
	mvwatch --once --settle 0 | mvenrich >"$out"
	run jq -r .type "$out"
	assert_output "mv.file.added
mv.movie.created
mv.movie.matched
mv.movie.enriched
mv.video.added"
	run events_of mv.movie.created "$out"
	assert_output '{"id":"m1","path":"incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv","title":"Heat","year":1995}'
	run events_of mv.video.added "$out"
	assert_output '{"id":"m1","path":"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","tmdb":949,"title":"Heat","year":1995}'
	# Postconditions.
	[ "$(sha "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv")" = "$sum" ]
	[ -z "$(ls -A "$MV_DATA/incoming")" ]
	run jq -c '[.status, .level, .externalIds.tmdb, .externalIds.imdb]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready","basic",949,"tt0113277"]'
	profiles_valid
	events_valid "$out"
}
