#!/usr/bin/env bats
# probe: mv_probe (lib/probe.c) on real small videos made by ffmpeg, on
# files that are not videos, and with a hanging or missing ffprobe.
# tests/progs/probe is a thin driver that prints what mv_probe returns.

load test_helper
load media

setup() {
	mv_test_env
	unset MV_FFPROBE
	P=$MV_BUILD/progs/probe
	W=$BATS_TEST_TMPDIR
}

# 0 if process PID has ended: no such process, or a zombie.
gone() {
	local st
	st=$(ps -o stat= -p "$1") || return 0
	[[ $st == Z* ]]
}

@test "probe: a real mkv: container, duration, codecs, tracks with languages, quality" {
	mkmedia small "$W/Heat.1995.mkv"
	run --separate-stderr "$P" "$W/Heat.1995.mkv"
	assert_success
	[ -z "$stderr" ]
	# Two seconds of picture, starting a frame late as x264 in mkv does.
	assert_output '{"container":"matroska","durationSec":2.128,"video":{"codec":"h264","width":64,"height":48,"hdr":false},"audio":[{"codec":"aac","language":"fra","channels":1}],"subtitles":[{"codec":"subrip","language":"eng","forced":true}],"quality":"SD"}'
}

@test "probe: a 1080p mkv, an HDR10 one and an mp4" {
	mkmedia 1080p "$W/a.mkv"
	mkmedia hdr "$W/b.mkv"
	mkmedia mp4 "$W/c.mp4"
	run --separate-stderr "$P" "$W/a.mkv" "$W/b.mkv" "$W/c.mp4"
	assert_success
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(jq -c '[.video, .audio, .quality]' <<<"${lines[0]}")" = '[{"codec":"h264","width":1920,"height":1080,"hdr":false},[{"codec":"aac","language":"eng","channels":1}],"1080p"]' ]
	[ "$(jq -c '[.video, .quality]' <<<"${lines[1]}")" = '[{"codec":"h264","width":1920,"height":1080,"hdr":true,"hdrFormat":"HDR10"},"1080p HDR"]' ]
	[ "$(jq -c '[.container, .durationSec, .audio[0].language, .subtitles]' <<<"${lines[2]}")" = '["mp4",2,"deu",[]]' ]
}

@test "probe: a feature-length video stays a few KB" {
	mkmedia film "$W/film.mkv"
	[ "$(stat -c %s "$W/film.mkv")" -lt 100000 ]
	run --separate-stderr "$P" "$W/film.mkv"
	assert_success
	[ "$(jq -c '[.durationSec >= 7200, .durationSec < 7201, .quality]' <<<"$output")" = '[true,true,"SD"]' ]
}

@test "probe: a renamed text file, random bytes and a script are not videos (65)" {
	printf 'hello\n' >"$W/notes.mkv"
	head -c 5000 /dev/urandom >"$W/random.mkv"
	printf '#!/bin/sh\necho hi\n' >"$W/setup.avi"
	for f in notes.mkv random.mkv setup.avi; do
		run --separate-stderr "$P" "$W/$f"
		[ "$status" -eq 65 ]
		[ -z "$output" ]
		[ "$stderr" = "$W/$f: ffprobe failed: Invalid data found when processing input" ]
	done
}

@test "probe: an audio file and a still image are not videos" {
	ffmpeg -nostdin -v error -f lavfi -i "sine=duration=1" "$W/song.mkv"
	ffmpeg -nostdin -v error -f lavfi -i "color=size=32x32" -frames:v 1 -c:v png -f image2 "$W/poster.mkv"
	run --separate-stderr "$P" "$W/song.mkv"
	[ "$status" -eq 65 ]
	[ "$stderr" = "$W/song.mkv: no video stream (matroska,webm)" ]
	run --separate-stderr "$P" "$W/poster.mkv"
	[ "$status" -eq 65 ]
	[ "$stderr" = "$W/poster.mkv: a still image (png_pipe)" ]
}

@test "probe: a truncated download is not a video" {
	mkmedia small "$W/full.mkv"
	for n in 1000 9000; do
		head -c "$n" "$W/full.mkv" >"$W/cut$n.mkv"
		run --separate-stderr "$P" "$W/cut$n.mkv"
		[ "$status" -eq 65 ]
		[ "$stderr" = "$W/cut$n.mkv: truncated: the file ends before its data does" ]
	done
}

@test "probe: a name ffmpeg would read as a protocol is a plain file name" {
	mkmedia small "$W/concat:x.mkv"
	cd "$W"
	run --separate-stderr "$P" "concat:x.mkv"
	assert_success
	[ "$(jq -r .container <<<"$output")" = matroska ]
}

@test "probe: a hanging ffprobe is killed at the time bound, its children too" {
	mkdir -p "$W/bin"
	# It leaves a child holding its output, then hangs itself.
	printf '#!/bin/sh\nsleep 60 &\necho $! >%s/child\necho $$ >%s/self\nexec sleep 60\n' "$W" "$W" >"$W/bin/ffprobe"
	chmod +x "$W/bin/ffprobe"
	mkmedia small "$W/a.mkv"
	SECONDS=0
	MV_FFPROBE=$W/bin/ffprobe run --separate-stderr "$P" -t 300 "$W/a.mkv"
	[ "$status" -eq 65 ]
	[ "$stderr" = "$W/a.mkv: ffprobe took more than 300 ms" ]
	[ "$SECONDS" -lt 5 ]
	# Killed: gone, or a zombie until init reaps the orphan.
	gone "$(cat "$W/self")"
	wait_until 5 gone "$(cat "$W/child")"
}

@test "probe: ffprobe missing is 69, not a verdict on the file" {
	mkmedia small "$W/a.mkv"
	MV_FFPROBE=$W/no/ffprobe run --separate-stderr "$P" "$W/a.mkv"
	[ "$status" -eq 69 ]
	[ "$stderr" = "$W/a.mkv: unable to run $W/no/ffprobe: No such file or directory" ]
	run --separate-stderr env PATH="$W/empty" "$P" "$W/a.mkv"
	[ "$status" -eq 69 ]
	[ "$stderr" = "$W/a.mkv: unable to run ffprobe: No such file or directory" ]
}
