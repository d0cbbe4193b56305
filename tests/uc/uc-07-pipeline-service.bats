#!/usr/bin/env bats
# UC-07  Run mv as a service: drop videos, open one, stop cleanly
# Actor:        an admin (systemd or a shell starts scripts/mvpipeline)
# Trigger:      mvpipeline starts on a library; files land in incoming/
# Preconditions: an empty data directory, the fake TMDB running
# Main flow:    1. mvpipeline creates the library, checks it and starts
#               mvwatch | mvenrich | mvstat | mvdowngrade | mvnfo | mvindex
#               2. it reports ready 3. dropped videos are filed
#               4. mvctl request puts mv.movie.requested into the running
#               pipeline (run/inject.fifo) and the movie deepens
#               5. mvctl status shows every stage alive 6. SIGTERM stops it
# Events:       mv.file.added → mv.movie.created → … → mv.video.added;
#               mv.movie.requested → mv.movie.enriched{level:medium}
# Postconditions: videos filed whole, indexes list them, the journal holds
#               every event, no stage process is left after the stop
# Failure flows: a stage exits 75 → restarted with a growing delay; 64/65/78
#               → the pipeline stops with that code (tests/mvpipeline.bats)

load helpers

setup() {
	setup_pipeline
}

teardown() {
	teardown_pipeline
}

# Every process of ours that still runs, by name.
stages_alive() {
	pgrep -f -- "--data $MV_DATA" || true
}

@test "UC-07: the supervised pipeline files, deepens on request and stops cleanly" {
	# 1-2: start on an empty directory; wait for readiness, never sleep.
	start_pipeline
	run -0 mvctl status --json
	run jq -r '.pipeline.up // .up' <<<"$output"
	# 3: drop two videos, as finished downloads appear (rename into place).
	mkvideo "$BATS_TEST_TMPDIR/Heat.1995.1080p.BluRay.x264-GRP.mkv" 30000
	mkvideo "$BATS_TEST_TMPDIR/L.Armee.des.12.singes.1995.FRENCH.1080p.BluRay.x264-LOST.mkv" 30000
	heat=$(sha "$BATS_TEST_TMPDIR/Heat.1995.1080p.BluRay.x264-GRP.mkv")
	monkeys=$(sha "$BATS_TEST_TMPDIR/L.Armee.des.12.singes.1995.FRENCH.1080p.BluRay.x264-LOST.mkv")
	mv "$BATS_TEST_TMPDIR"/*.mkv "$MV_DATA/incoming/"
	wait_until 20 test -e "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"
	wait_until 20 test -e "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
	[ "$(sha "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv")" = "$heat" ]
	[ "$(sha "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv")" = "$monkeys" ]
	[ -z "$(ls -A "$MV_DATA/incoming")" ]
	# The index follows the events.
	wait_until 10 movies_jq "$MV_DATA" -e '.count == 2'
	id=$(jq -r '.byExternal["tmdb:63"]' "$(movies_index "$MV_DATA")")
	[[ $id =~ ^m[12]$ ]]
	# 4: a request goes into the running pipeline, not to stdout.
	run -0 mvctl request "$id"
	assert_output ''
	wait_until 20 jq -e '.level == "medium"' "$MV_DATA/Movies/$id.json"
	# 5: every stage is up.
	run -0 mvctl status --json
	run jq -r '[.stages[] | select(.state == "running")] | length' "$MV_DATA/run/pipeline.status"
	assert_output 6
	run jq -r '[.stages[].name] | join(" ")' "$MV_DATA/run/pipeline.status"
	assert_output "mvwatch mvenrich mvstat mvdowngrade mvnfo mvindex"
	# The journal saw the whole story (mvstat writes it).
	wait_until 10 grep -q '"type":"mv.movie.enriched".*"level":"medium"' "$MV_DATA/events/journal.ndjson"
	run jq -r .type "$MV_DATA/events/journal.ndjson"
	assert_line mv.file.added
	assert_line mv.video.added
	assert_line mv.movie.requested
	profiles_valid
	# 6: a clean stop: exit 0, no stage left, status says stopped.
	kill -TERM "$sup"
	status=0
	wait "$sup" || status=$?
	sup=
	[ "$status" -eq 0 ]
	run stages_alive
	assert_output ''
	run jq -r .state "$MV_DATA/run/pipeline.status"
	assert_output stopped
	[ ! -e "$MV_DATA/run/pipeline.ready" ]
}
