#!/usr/bin/env bats
# UC-11  Something that is not a video waits in incoming/: a note, never a failure
# Actor:        a user (a download client leaves sidecars beside a film)
# Trigger:      Heat.1995.srt, an NFO or a sample stays in incoming/ beyond
#               incoming_grace (1h), here three days
# Preconditions: a library; the fake TMDB running for the pipeline
# Main flow:    1. mvwatch announces only videos: no mv.file.added for the
#               subtitle, the NFO or the sample (lib/media.c decides)
#               2. mvctl check prints a note per file with what to do and
#               exits 0 3. mvpipeline's boot check (mvctl check --boot)
#               passes and the supervisor starts
# Events:       none for the non-videos; for a video: mv.file.added →
#               mv.movie.created → … → mv.video.added
# Postconditions: the non-videos are where they were, untouched; the
#               supervisor runs; mvctl check exits 0
# Failure flows: a VIDEO stuck in incoming/ for three days → mvctl check
#               fails (exit 1), but the supervisor still starts (the
#               pipeline is what files it) and files it, and check passes
#               again; an invalid document → the supervisor refuses (65,
#               tests/mvpipeline.bats)

load helpers

setup() {
	setup_pipeline
	mvctl init >/dev/null
	IN=$MV_DATA/incoming
}

teardown() {
	teardown_pipeline
}

# A file of a few bytes at PATH, last written three days ago.
three_days_old() {
	mkdir -p "$(dirname "$1")"
	echo "${2:-x}" >"$1"
	touch -d '3 days ago' "$1"
}

@test "UC-11: a subtitle, an NFO and a sample left three days are notes; the supervisor starts" {
	three_days_old "$IN/Heat.1995.srt"
	three_days_old "$IN/Heat.1995/grp.nfo"
	three_days_old "$IN/Heat.1995/Sample/heat-sample.mkv"
	local before
	before=$(tree_digest "$IN")
	# 2: notes, exit 0, as text and as JSON.
	run -0 --separate-stderr mvctl check
	assert_line "note: incoming/Heat.1995.srt is not a video (subtitle); it stays there (remove it or keep it beside its video)"
	assert_line "note: incoming/Heat.1995/grp.nfo is not a video (nfo); it stays there (remove it or keep it beside its video)"
	assert_line "note: incoming/Heat.1995/Sample/heat-sample.mkv is not a video (sample); it stays there (remove it)"
	assert_line --index -1 "check: 3 documents, 0 invalid; index consistent; 0 orphan videos; 0 missed in incoming/; 0 half-done filings; 3 notes: ok"
	run -0 mvctl check --json
	assert_equal "$(jq -s -c '[.[] | select(.kind) | [.severity, .media]] | sort' <<<"$output")" \
		'[["note","nfo"],["note","sample"],["note","subtitle"]]'
	# 3: the supervisor starts, without a warning.
	start_pipeline
	run jq -r .state "$MV_DATA/run/pipeline.status"
	assert_output running
	assert_equal "$(tail -n 1 "$MV_DATA/run/boot-check.txt")" \
		"check: 3 documents, 0 invalid; index consistent; 0 orphan videos; 0 missed in incoming/; 0 half-done filings; 3 notes: ok"
	[ ! -s "$BATS_TEST_TMPDIR/sup.err" ]
	# 1: a video dropped now is filed; the journal saw no file.added for
	# the others, which are untouched.
	mkvideo "$BATS_TEST_TMPDIR/Heat.1995.1080p.BluRay.x264-GRP.mkv" 30000
	mv "$BATS_TEST_TMPDIR/Heat.1995.1080p.BluRay.x264-GRP.mkv" "$IN/"
	wait_until 20 test -e "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
	wait_until 10 grep -q '"type":"mv.video.added"' "$MV_DATA/events/journal.ndjson"
	run jq -r 'select(.type == "mv.file.added") | .data.name' "$MV_DATA/events/journal.ndjson"
	assert_output Heat.1995.1080p.BluRay.x264-GRP.mkv
	assert_equal "$(tree_digest "$IN")" "$before"
	run -0 mvctl check
}

@test "UC-11: a video stuck three days fails check, yet the supervisor starts and files it" {
	mkvideo "$IN/Heat.1995.1080p.BluRay.x264-GRP.mkv" 30000
	touch -d '3 days ago' "$IN/Heat.1995.1080p.BluRay.x264-GRP.mkv"
	three_days_old "$IN/Heat.1995.1080p.BluRay.x264-GRP.srt"
	run -1 --separate-stderr mvctl check
	assert_line "incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv: not filed after 3d00h"
	assert_line --index -1 "check: 3 documents, 0 invalid; index consistent; 0 orphan videos; 1 missed in incoming/; 0 half-done filings; 1 notes: FAILED"
	# The pipeline is what files it: a stuck video does not keep it down.
	start_pipeline
	run cat "$BATS_TEST_TMPDIR/sup.err"
	assert_line "mvpipeline: starting; mvctl check found what the pipeline fixes as it runs (see $MV_DATA/run/boot-check.txt)"
	assert_equal "$(tail -n 1 "$MV_DATA/run/boot-check.txt")" \
		"check: 3 documents, 0 invalid; index consistent; 0 orphan videos; 1 missed in incoming/; 0 half-done filings; 1 notes: ok to start"
	wait_until 20 test -e "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
	wait_until 10 movies_jq "$MV_DATA" -e '.count == 1'
	# Filed: check passes again. The subtitle is the video's (its name
	# starts with the video's, UC-20): filed with it, no note left.
	run -0 --separate-stderr mvctl check
	assert_line --index -1 --regexp '^check: .*; 0 missed in incoming/; 0 half-done filings; 0 notes: ok$'
	[ ! -e "$IN/Heat.1995.1080p.BluRay.x264-GRP.srt" ]
	[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].srt" ]
}
