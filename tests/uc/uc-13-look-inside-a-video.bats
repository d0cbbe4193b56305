#!/usr/bin/env bats
# UC-13  Look inside a video before filing it: a non-video or a sample goes to review
# Actor:        a user (a download leaves a renamed file, a cut download or
#               a sample in incoming/)
# Trigger:      mv.file.added for a file whose name says video
# Preconditions: a data directory, the fake TMDB running, ffprobe installed
#               (probe = on, the default)
# Main flow:    1. mvenrich creates the minimal movie 2. runs ffprobe on
#               the file in a child process, bounded by probe_timeout
#               3. records container, duration, codecs, resolution, HDR,
#               audio and subtitle tracks and a quality label as
#               video.media 4. matches and files it as UC-01
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched{level:basic} → mv.video.added
# Postconditions: Movies/m1.json valid with video.media; the video filed
# Failure flows: not a video (text, random bytes, cut short, ffprobe hangs
#               past the bound) → quarantine/ with "not a video: …", no
#               TMDB request; much shorter than TMDB's runtime (< 25%) and
#               not a part → quarantine/ with "sample: …", the film as its
#               candidate, its TMDB id not claimed; ffprobe missing → one
#               warning, filed without media; probe = off → filed without
#               media; a user's choice files a quarantined file anyway;
#               a bad probe setting → exit 78

load helpers
load ../media

setup() {
	setup_incoming
	export MV_PROBE=on MV_TMDB_RETRIES=0
}

teardown() {
	stop_faketmdb
}

# mvenrich on the mv.file.added of each PATH: events in $OUT, stderr in
# $stderr, status in $status.
enrich_files() {
	local f
	for f in "$@"; do ev_added "$f"; done >"$BATS_TEST_TMPDIR/events"
	status=0
	mvenrich <"$BATS_TEST_TMPDIR/events" >"$OUT" 2>"$OUT.err" || status=$?
	stderr=$(cat "$OUT.err")
}

# The number of TMDB requests the fake server has answered.
tmdb_requests() {
	curl -fsS "$FAKETMDB_URL/__stats" | jq .total
}

@test "UC-13: a real video is filed with what it holds" {
	mkmedia film "$IN/Heat.1995.mkv"
	enrich_files "$IN/Heat.1995.mkv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added
	run jq -c '[.status, .videos[0].path, .videos[0].media.container, .videos[0].media.video, .videos[0].media.audio, .videos[0].media.subtitles, .videos[0].media.quality]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready","assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","matroska",{"codec":"h264","width":64,"height":48,"hdr":false},[{"codec":"aac","language":null,"channels":1}],[],"SD"]'
	profiles_valid
	events_valid "$OUT"
}

@test "UC-13: the tracks, languages and an HDR 1080p quality are recorded" {
	mkmedia small "$IN/Heat.1995.2nd.mkv"
	mkmedia hdr "$IN/Fight.Club.1999.mkv"
	# No runtime check without a match: a name TMDB cannot match.
	mv "$IN/Heat.1995.2nd.mkv" "$IN/Qwxzy.Unknown.mkv"
	enrich_files "$IN/Qwxzy.Unknown.mkv" "$IN/Fight.Club.1999.mkv"
	run jq -c '.videos[0].media | [.audio, .subtitles]' "$MV_DATA/Movies/m1.json"
	assert_output '[[{"codec":"aac","language":"fra","channels":1}],[{"codec":"subrip","language":"eng","forced":true}]]'
	run jq -c '.videos[0].media | [.video.hdrFormat, .quality]' "$MV_DATA/Movies/m2.json"
	assert_output '["HDR10","1080p HDR"]'
	# mvctl show gives the quality, then the tracks.
	run -0 --separate-stderr mvctl show --text m2
	assert_line --index 3 "quality   1080p HDR"
	assert_line --index 4 "media     matroska, h264 1920x1080 HDR10, 0h00m; audio und 1ch"
	run -0 --separate-stderr mvctl show --text m1
	assert_line "media     matroska, h264 64x48, 0h00m; audio fra 1ch; subtitles eng forced"
	profiles_valid
}

@test "UC-13: text, random bytes and a cut download go to review as not videos, before TMDB" {
	printf 'hello\n' >"$IN/Heat.1995.mkv"
	head -c 5000 /dev/urandom >"$IN/The.Thing.1982.mkv"
	mkmedia small "$BATS_TEST_TMPDIR/full.mkv"
	head -c 9000 "$BATS_TEST_TMPDIR/full.mkv" >"$IN/Fight.Club.1999.mkv"
	before=$(tmdb_requests)
	enrich_files "$IN/Heat.1995.mkv" "$IN/The.Thing.1982.mkv" "$IN/Fight.Club.1999.mkv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(tmdb_requests)" = "$before" ]
	run events_of mv.movie.needs-review "$OUT"
	assert_output '{"id":"m1","path":"quarantine/Heat.1995.mkv","reason":"not a video: ffprobe failed: Invalid data found when processing input","candidates":[]}
{"id":"m2","path":"quarantine/The.Thing.1982.mkv","reason":"not a video: ffprobe failed: Invalid data found when processing input","candidates":[]}
{"id":"m3","path":"quarantine/Fight.Club.1999.mkv","reason":"not a video: truncated: the file ends before its data does","candidates":[]}'
	run jq -r .reason "$MV_DATA/quarantine/Fight.Club.1999.mkv.why.json"
	assert_output "not a video: truncated: the file ends before its data does"
	[ -z "$(ls -A "$IN")" ]
	[ -z "$(ls -A "$MV_DATA/assets/videos")" ]
	run jq -c '[.status, .level, .videos[0].media]' "$MV_DATA/Movies/m1.json"
	assert_output '["needs-review","minimal",null]'
	profiles_valid
}

@test "UC-13: a sample much shorter than the film goes to review; the film then files" {
	mkmedia small "$IN/Heat.1995.mkv"
	enrich_files "$IN/Heat.1995.mkv"
	[ "$status" -eq 0 ]
	run events_of mv.movie.needs-review "$OUT"
	assert_output '{"id":"m1","path":"quarantine/Heat.1995.mkv","reason":"sample: 2 s long, and TMDB says the film runs 170 min","candidates":[{"tmdb":949,"title":"Heat","year":1995}],"tmdbRequests":2}'
	# Not claimed: the film itself is no duplicate of its sample.
	[ ! -e "$MV_DATA/index/ext/m/tmdb:949" ]
	mkmedia film "$IN/Heat (1995).mkv"
	enrich_files "$IN/Heat (1995).mkv"
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m2","path":"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","tmdb":949,"title":"Heat","year":1995}'
	profiles_valid
}

@test "UC-13: a short part of a multi-part film is no sample" {
	mkmedia small "$IN/Heat.1995.cd1.mkv"
	enrich_files "$IN/Heat.1995.cd1.mkv"
	[ "$status" -eq 0 ]
	run jq -c '[.status, .videos[0].media.durationSec]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",2.128]'
}

@test "UC-13: a user's choice files a quarantined file anyway" {
	printf 'hello\n' >"$IN/Heat.1995.mkv"
	enrich_files "$IN/Heat.1995.mkv"
	[ -f "$MV_DATA/quarantine/Heat.1995.mkv" ]
	jq -nc --arg p "$MV_DATA/quarantine/Heat.1995.mkv" '{specversion:"1.0", id:"c1",
		source:"mvctl", type:"mv.file.added", time:"2026-11-26T10:00:00Z",
		data:{path:$p, tmdb:949}}' >"$BATS_TEST_TMPDIR/events"
	mvenrich <"$BATS_TEST_TMPDIR/events" >"$OUT"
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m1","path":"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","tmdb":949,"title":"Heat","year":1995}'
	[ ! -e "$MV_DATA/quarantine/Heat.1995.mkv.why.json" ]
}

@test "UC-13: ffprobe hanging past probe_timeout: killed, and the file to review" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexec sleep 60\n' >"$BATS_TEST_TMPDIR/bin/ffprobe"
	chmod +x "$BATS_TEST_TMPDIR/bin/ffprobe"
	mkmedia film "$IN/Heat.1995.mkv"
	SECONDS=0
	MV_FFPROBE=$BATS_TEST_TMPDIR/bin/ffprobe MV_PROBE_TIMEOUT=1s enrich_files "$IN/Heat.1995.mkv"
	[ "$status" -eq 0 ]
	[ "$SECONDS" -lt 10 ]
	run events_of mv.movie.needs-review "$OUT"
	assert_output '{"id":"m1","path":"quarantine/Heat.1995.mkv","reason":"not a video: ffprobe took more than 1000 ms","candidates":[]}'
}

@test "UC-13: ffprobe missing: one warning, and videos filed without media" {
	mkmedia film "$IN/Heat.1995.mkv"
	mkmedia film "$IN/Fight.Club.1999.mkv"
	printf 'hello\n' >>"$IN/Fight.Club.1999.mkv"
	MV_FFPROBE=$BATS_TEST_TMPDIR/none enrich_files "$IN/Heat.1995.mkv" "$IN/Fight.Club.1999.mkv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "mvenrich: unable to probe videos: unable to run $BATS_TEST_TMPDIR/none: No such file or directory; they are filed without media" ]
	[ "$(events_of mv.video.added "$OUT" | wc -l)" -eq 2 ]
	run jq -c '[.status, .videos[0].media]' "$MV_DATA/Movies/m1.json" "$MV_DATA/Movies/m2.json"
	assert_output '["ready",null]
["ready",null]'
}

@test "UC-13: probe = off files without looking; a bad setting is 78" {
	printf 'hello\n' >"$IN/Heat.1995.mkv"
	MV_PROBE=off enrich_files "$IN/Heat.1995.mkv"
	[ "$status" -eq 0 ]
	run jq -c '[.status, .videos[0].media]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",null]'
	printf 'hello\n' >"$IN/Fight.Club.1999.mkv"
	MV_PROBE=maybe enrich_files "$IN/Fight.Club.1999.mkv"
	[ "$status" -eq 78 ]
	[ "$stderr" = 'mvenrich: unable to use probe = "maybe", probe_timeout = "30s": expected on or off, and a duration from 1s to 1h' ]
	[ -f "$IN/Fight.Club.1999.mkv" ]
	run jq -r .status "$MV_DATA/Movies/m2.json"
	assert_output initial
}
