#!/usr/bin/env bats
# UC-20  Subtitles dropped loose beside a loose video are filed with it
# Actor:        a user (drops Movie.mkv with Movie.en.srt and
#               Movie.fr.forced.srt straight into incoming/, no folder)
# Trigger:      mv.file.added for the loose video
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. the video and the subtitles whose names start with its
#               name without extension, then a '.' (Jellyfin's rule, one
#               function: lib/download.c mv_download_loose) are one
#               download 2. mvwatch waits until all of it has been quiet
#               for the settle time 3. mvctl plan shows each subtitle's
#               target, mvctl gc --incoming lists each as filed with its
#               video 4. mvenrich files the subtitles beside the film under
#               its name (".en.srt", ".fr.forced.srt"), each with the
#               filing journal and listed in the video's subtitles[], then
#               the film
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched → mv.video.added
# Postconditions: exact filed names; a subtitle that matches no video is
#               left in incoming/ as before (gc lists it as left over);
#               mvctl check passes
# Failure flows: a subtitle written less than the settle time ago holds
#               its video back (mvwatch --once skips it, says so); a kill
#               -9 at any step of the filing leaves every file once

load helpers

setup() {
	setup_incoming
	M=The.Matrix.1999.1080p.BluRay.x264-GRP
	F="The Matrix (1999) [tmdbid-603]"
	V=$MV_DATA/assets/videos/$F
}

teardown() {
	stop_faketmdb
}

# A subtitle at PATH saying TEXT, written two hours ago.
srt() {
	printf '1\n00:00:01,000 --> 00:00:02,000\n%s\n' "$2" >"$1"
	touch -d '2 hours ago' "$1"
}

# The Matrix dropped loose with two subtitles, and a subtitle of no video.
drop_loose() {
	mkvideo "$IN/$M.mkv" 20000
	touch -d '2 hours ago' "$IN/$M.mkv"
	srt "$IN/$M.en.srt" 'English'
	srt "$IN/$M.fr.forced.srt" 'Forcé'
	srt "$IN/Heat.1995.srt" 'Heat'
}

@test "UC-20: a loose video's subtitles are filed beside it; a subtitle of no video stays" {
	mvctl init >/dev/null
	drop_loose
	en=$(sha "$IN/$M.en.srt")
	# plan and gc --incoming ask the same rule as the filing.
	run -0 --separate-stderr mvctl plan "$IN/$M.mkv"
	assert_output "$M.mkv
  kind     video
  parsed   The Matrix (1999), 1080p, BluRay, group GRP
  match    tmdb:603 The Matrix (1999), by search: \"The Matrix\" (title), score 90, margin 90
  target   assets/videos/$F/$F.mkv

$M.en.srt
  kind     subtitle
  subtitle en
  target   assets/videos/$F/$F.en.srt

$M.fr.forced.srt
  kind     subtitle
  subtitle fr, forced
  target   assets/videos/$F/$F.fr.forced.srt"
	run -0 mvctl gc --incoming --dry-run
	assert_output "incoming/Heat.1995.srt: subtitle, kept
incoming/$M.en.srt: subtitle, kept (filed with incoming/$M.mkv)
incoming/$M.fr.forced.srt: subtitle, kept (filed with incoming/$M.mkv)
incoming/$M.mkv: video, kept
incoming: 4 files left over: would remove 0 junk files, 0 bytes, and 0 empty folders"
	run -0 mvctl gc --incoming --dry-run --json
	run jq -c 'select(.file) | [.file, .video]' <<<"$output"
	assert_output "[\"incoming/Heat.1995.srt\",null]
[\"incoming/$M.en.srt\",\"incoming/$M.mkv\"]
[\"incoming/$M.fr.forced.srt\",\"incoming/$M.mkv\"]
[\"incoming/$M.mkv\",null]"
	mvwatch --once --settle 0 | mvenrich 2>"$BATS_TEST_TMPDIR/err" >"$OUT"
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added
	run bash -c "cd '$V' && find . -type f | LC_ALL=C sort"
	assert_output "./$F.en.srt
./$F.fr.forced.srt
./$F.mkv"
	[ "$(sha "$V/$F.en.srt")" = "$en" ]
	[ "$(copies_of "$en")" -eq 1 ]
	run jq -c '.videos[0].subtitles[]' "$MV_DATA/Movies/m1.json"
	assert_output "{\"path\":\"assets/videos/$F/$F.en.srt\",\"lang\":\"en\",\"forced\":false,\"sdh\":false,\"source\":\"incoming/$M.en.srt\"}
{\"path\":\"assets/videos/$F/$F.fr.forced.srt\",\"lang\":\"fr\",\"forced\":true,\"sdh\":false,\"source\":\"incoming/$M.fr.forced.srt\"}"
	# What no video claims is left, and still the only left-over.
	[ "$(ls "$IN")" = Heat.1995.srt ]
	run -0 mvctl gc --incoming --dry-run
	assert_output "incoming/Heat.1995.srt: subtitle, kept
incoming: 1 files left over: would remove 0 junk files, 0 bytes, and 0 empty folders"
	profiles_valid
	events_valid "$OUT"
	mvindex --rebuild >/dev/null
	run -0 mvctl check
}

@test "UC-20: mvwatch holds a loose video back while its subtitle is being written" {
	drop_loose
	touch "$IN/$M.fr.forced.srt"
	run -0 --separate-stderr mvwatch --once --settle 60
	[ -z "$output" ]
	assert_equal "$stderr" "mvwatch: unable to report $IN/$M.mkv: its subtitle $M.fr.forced.srt was modified less than 60 s ago; skipped"
	# A subtitle of no video holds nothing back.
	touch -d '2 hours ago' "$IN/$M.fr.forced.srt"
	touch "$IN/Heat.1995.srt"
	run -0 --separate-stderr mvwatch --once --settle 60
	assert_equal "$(jq -r .subject <<<"$output")" "incoming/$M.mkv"
	[ -z "$stderr" ]
}

# Every file under the film's folder and incoming/, and the profile's list.
loose_state() {
	(cd "$MV_DATA" && find assets incoming -type f | LC_ALL=C sort)
	jq -c '[.status, [.videos[0].subtitles[] | [.path, .source]]]' "$MV_DATA/Movies/m1.json"
}

@test "UC-20: a kill -9 at any step of a loose video's filing leaves every file once" {
	drop_loose
	mvwatch --once --settle 0 | mvenrich >/dev/null
	want=$(loose_state)
	for step in created claimed matched journal link fsync-srcdir sidecar-saved \
	    sidecar-saved:2 saved; do
		setup_crash_dir $step
		drop_loose
		sums=$(all_copies)
		mvwatch --once --settle 0 >"$BATS_TEST_TMPDIR/ev"
		crash_then_retry $step
		assert_equal "$(loose_state)" "$want"
		assert_equal "$(all_copies)" "$sums"
		[ ! -e "$MV_DATA/run/filing/m1.json" ]
		profiles_valid
		run -0 mvctl check
	done
}
