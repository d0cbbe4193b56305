#!/usr/bin/env bats
# UC-01  Drop a video: it is matched, filed under a clean name, and announced
# Actor:        a user (copies a file into incoming/)
# Trigger:      mv.file.added from mvwatch for a complete video
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvwatch reports the file 2. mvenrich creates the minimal
#               movie 3. looks inside the file (ffprobe: UC-12) 4. searches
#               TMDB with the title and year 5. picks the one clear match
#               6. writes the basic profile, with what the file holds 7. files
#               the video as "Title (Year) [tmdbid-N].ext" 8. removes the
#               original
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched{level:basic} → mv.video.added
# Postconditions: Movies/m1.json valid, status ready, level basic; the video
#               whole in assets/videos/; incoming/ empty
# Failure flows: no clear match → UC-02; already in the library → UC-04;
#               TMDB down → UC-05

load helpers
load ../media

setup() {
	setup_incoming
	# A real video, looked inside as a user's would be.
	export MV_PROBE=on
}

teardown() {
	stop_faketmdb
}

@test "UC-01: a dropped video is matched, filed and announced" {
	mkmedia film "$MV_DATA/incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv"
	sum=$(sha "$MV_DATA/incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv")
	out=$BATS_TEST_TMPDIR/out
	# 1-8: the head of the real pipeline, once.
	mvwatch --once --settle 0 | mvenrich >"$out"
	assert_event_types "$out" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added
	run events_of mv.movie.created "$out"
	assert_output '{"id":"m1","path":"incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv","title":"Heat","year":1995}'
	run events_of mv.video.added "$out"
	assert_output '{"id":"m1","path":"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","tmdb":949,"title":"Heat","year":1995}'
	# Postconditions.
	[ "$(sha "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv")" = "$sum" ]
	[ -z "$(ls -A "$MV_DATA/incoming")" ]
	run jq -c '[.status, .level, .externalIds.tmdb, .externalIds.imdb]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready","basic",949,"tt0113277"]'
	run jq -c '.videos[0].media | [.container, (.durationSec | floor), .video.codec, .quality]' "$MV_DATA/Movies/m1.json"
	assert_output '["matroska",7200,"h264","SD"]'
	profiles_valid
	events_valid "$out"
}
