#!/usr/bin/env bats
# mvwatch.bats: the watcher on real inotify and real files. Never a fixed
# sleep to wait for mvwatch: the ready file, or a later file reported
# after the one under test (events are handled in order), is the latch.

load test_helper

export BATS_TEST_TIMEOUT=60

setup() {
	mv_test_env
	IN=$MV_DATA/incoming
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
	READY=$MV_DATA/run/mvwatch.ready
	WPID=
}

teardown() {
	if [ -n "$WPID" ]; then stop_group "$WPID"; fi
}

# Start mvwatch ARGS... in its own session; wait until it is ready.
start() {
	setsid mvwatch "$@" >"$OUT" 2>"$ERR" &
	WPID=$!
	wait_for_file "$READY"
}

# Stop mvwatch with signal SIG; set ST to its exit status.
stop_with() {
	local i=0
	kill -"$1" "$WPID"
	while kill -0 "$WPID" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 500 ]; then
			kill -KILL -- "-$WPID"
			echo "mvwatch ignored SIG$1" >&2
			return 1
		fi
		nap 0.02
	done
	ST=0
	wait "$WPID" || ST=$?
	WPID=
}

have_lines() { [ "$(wc -l <"$OUT")" -ge "$1" ]; }
# Wait until N events are out.
wait_lines() { wait_until 10 have_lines "$1"; }
# Field names of each event, one line per event: subject.
subjects() { jq -r .subject "$OUT"; }

# A file with old times, so a scan takes it as complete at once.
old_file() {
	mkdir -p "$(dirname "$1")"
	printf '%s' "${2:-data}" >"$1"
	touch -d '2 hours ago' "$1"
}

@test "mvwatch: -h prints usage on stdout, exit 0" {
	run --separate-stderr mvwatch -h
	assert_success
	assert_line --index 0 --partial 'usage: mvwatch [--data DIR]'
	[ -z "$stderr" ]
}

@test "mvwatch: usage errors exit 64 and create nothing" {
	run --separate-stderr -64 mvwatch --bogus
	assert_equal "${stderr_lines[0]}" "mvwatch: unrecognized option '--bogus'"
	assert_equal "${stderr_lines[1]}" "usage: mvwatch [--data DIR] [--settle SECONDS] [--rescan MINUTES] [--once]"
	run --separate-stderr -64 mvwatch a b
	assert_equal "${stderr_lines[0]}" "mvwatch: too many arguments: b"
	run --separate-stderr -64 mvwatch --settle -1
	assert_equal "${stderr_lines[0]}" "mvwatch: invalid --settle (seconds): -1"
	run --separate-stderr -64 mvwatch --settle 2x
	assert_equal "${stderr_lines[0]}" "mvwatch: invalid --settle (seconds): 2x"
	run --separate-stderr -64 mvwatch --rescan never
	assert_equal "${stderr_lines[0]}" "mvwatch: invalid --rescan (minutes): never"
	run --separate-stderr -64 mvwatch --once --inject "$BATS_TEST_TMPDIR/f"
	assert_equal "${stderr_lines[0]}" "mvwatch: --once reads no FIFO: --inject"
	run --separate-stderr -64 mvwatch --once --rescan 5
	assert_equal "${stderr_lines[0]}" "mvwatch: --once does not rescan: --rescan"
	[ ! -e "$MV_DATA" ]
	[ ! -e "$BATS_TEST_TMPDIR/f" ]
}

@test "mvwatch: a missing or non-directory DIR exits 66" {
	run --separate-stderr -66 mvwatch "$BATS_TEST_TMPDIR/nope"
	assert_equal "$stderr" "mvwatch: unable to watch $BATS_TEST_TMPDIR/nope: No such file or directory"
	[ -z "$output" ]
	touch "$BATS_TEST_TMPDIR/file"
	run --separate-stderr -66 mvwatch --once "$BATS_TEST_TMPDIR/file"
	assert_equal "$stderr" "mvwatch: unable to scan $BATS_TEST_TMPDIR/file: not a directory"
	[ ! -e "$READY" ]
}

@test "mvwatch: the start scan reports complete videos before the ready file" {
	old_file "$IN/Heat (1995).mkv"
	old_file "$IN/sub/deeper/movie.MP4"
	old_file "$IN/notes.txt"
	old_file "$IN/.hidden.mkv"
	old_file "$IN/.mv-partial-1234.mkv"
	old_file "$IN/.trash/lost.mkv"
	start
	# Ready means the scan is out already: exact, with no waiting.
	run sort <(subjects)
	assert_output "$(printf '%s\n' 'incoming/Heat (1995).mkv' 'incoming/sub/deeper/movie.MP4')"
	assert_equal "$(cat "$READY")" "$WPID"
	[ ! -s "$ERR" ]
}

@test "mvwatch: ready once its watches are set, while a backlog still waits to be read" {
	# 600 events are far more than a pipe holds (64 KiB): reporting them
	# blocks until the next stage reads, and readiness must not wait.
	# Made with builtins and one touch: 1,800 processes took a minute
	# on a loaded machine, longer than the test's own bounds.
	mkdir -p "$IN"
	for i in $(seq 1 600); do printf data >"$IN/Backlog.Film.$i.2001.mkv"; done
	touch -d '2 hours ago' "$IN"/Backlog.Film.*.mkv
	mkfifo "$BATS_TEST_TMPDIR/pipe"
	exec {hold}<>"$BATS_TEST_TMPDIR/pipe"   # a reader that reads nothing yet
	setsid mvwatch --settle 0 >"$BATS_TEST_TMPDIR/pipe" 2>"$ERR" {hold}>&- &
	WPID=$!
	wait_for_file "$READY" 10
	# Now drain: every file once, and a file dropped after ready too.
	old_file "$IN/After.Ready.2002.mkv"
	cat <&$hold >"$OUT" &
	drain=$!
	wait_until 20 have_lines 601
	kill "$drain"
	exec {hold}>&-
	[ "$(jq -r .data.path "$OUT" | sort -u | wc -l)" -eq 601 ]
	[ "$(wc -l <"$OUT")" -eq 601 ]
	grep -q After.Ready "$OUT"
}

@test "mvwatch: a file written then closed is reported once, with exact fields" {
	start --settle 0
	f=$IN/a.mkv
	printf 'hello' >"$f"
	wait_lines 1
	printf 'b' >"$IN/b.mkv" # the latch: a's event came first
	wait_lines 2
	run jq -r '[.specversion, .source, .type, .subject, (.data | .path, .size,
		.dev, .ino, (.mtime | floor), .name)] | map(tostring) | join("|")' "$OUT"
	assert_line --index 0 "1.0|mvwatch|mv.file.added|incoming/a.mkv|$f|5|$(stat -c %d "$f")|$(stat -c %i "$f")|$(stat -c %Y "$f")|a.mkv"
	assert_line --index 1 --partial "|incoming/b.mkv|$IN/b.mkv|1|"
	[ "${#lines[@]}" -eq 2 ]
	# Every line is one CloudEvent with a time and a unique id.
	[ "$(jq -r .id "$OUT" | sort -u | wc -l)" -eq 2 ]
	run jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' "$OUT"
	assert_success
	# And what mvwatch emits is what its schema says.
	while IFS= read -r ev; do
		mvctl validate events/mv.file.added.json - <<<"$ev"
	done <"$OUT"
}

@test "mvwatch: --settle 1 waits until a growing file is still" {
	start --settle 1
	f=$IN/growing.mkv
	for i in 1 2 3 4 5; do
		printf 'x' >>"$f" # each append closes the file: IN_CLOSE_WRITE
		sleep 0.1          # paces the writer; not a wait for mvwatch
	done
	# The last change was ~0.1 s ago and settle is 1 s: nothing yet.
	[ "$(wc -l <"$OUT")" -eq 0 ]
	wait_lines 1
	printf 'y' >"$IN/latch.mkv"
	wait_lines 2
	run jq -r '"\(.data.name) \(.data.size)"' "$OUT"
	assert_output "$(printf '%s\n' 'growing.mkv 5' 'latch.mkv 1')"
}

@test "mvwatch: --settle 0 reports each completed write at once" {
	start --settle 0
	f=$IN/growing.mkv
	printf 'abc' >"$f"
	wait_lines 1
	printf 'de' >>"$f"
	wait_lines 2
	run jq -r '"\(.data.name) \(.data.size)"' "$OUT"
	assert_output "$(printf '%s\n' 'growing.mkv 3' 'growing.mkv 5')"
}

@test "mvwatch: temporary names are ignored until renamed to a real name" {
	start --settle 0
	for n in movie.mkv.part movie.mkv.tmp movie.mkv.crdownload 'movie.mkv.!qB' \
		movie.mkv~ .movie.mkv .mv-partial-99.mkv movie.mkv.partial; do
		printf 'x' >"$IN/$n"
	done
	printf 'l' >"$IN/latch1.mkv"
	wait_lines 1
	mv "$IN/movie.mkv.part" "$IN/movie.mkv" # IN_MOVED_TO
	wait_lines 2
	mv "$IN/.mv-partial-99.mkv" "$IN/Other (2001).mkv"
	wait_lines 3
	printf 'l' >"$IN/latch2.mkv"
	wait_lines 4
	run subjects
	assert_output "$(printf 'incoming/%s\n' latch1.mkv movie.mkv 'Other (2001).mkv' latch2.mkv)"
}

@test "mvwatch: files that are not video are ignored; extensions ignore case" {
	start --settle 0
	for n in notes.txt cover.jpg movie.srt movie.nfo movie.mkv.torrent README; do
		printf 'x' >"$IN/$n"
	done
	for n in A.MKV b.mp4 c.avi d.m4v e.mov f.wmv g.mpg h.mpeg i.ts j.m2ts k.webm \
		l.ogv m.flv n.iso o.vob p.divx q.xvid r.3gp; do
		printf 'x' >"$IN/$n"
	done
	wait_lines 18
	printf 'l' >"$IN/latch.mkv"
	wait_lines 19
	run jq -r .data.name "$OUT"
	assert_output "$(printf '%s\n' A.MKV b.mp4 c.avi d.m4v e.mov f.wmv g.mpg h.mpeg i.ts \
		j.m2ts k.webm l.ogv m.flv n.iso o.vob p.divx q.xvid r.3gp latch.mkv)"
}

@test "mvwatch: a new subdirectory is watched, with what it holds already" {
	start --settle 0
	mkdir -p "$IN/a/b"
	printf 'x' >"$IN/a/b/c.mkv"
	wait_lines 1
	mkdir "$IN/a/b/d"
	# a/ is one download: a smaller video is not its film, a larger
	# one is (seen in the new folder d/, so d/ is watched).
	printf '' >"$IN/a/b/d/small.mkv"
	printf 'yy' >"$IN/a/b/d/e.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/a/b/c.mkv incoming/a/b/d/e.mkv)"
	run jq -r .data.download "$OUT"
	assert_output "$(printf '%s\n' "$IN/a" "$IN/a")"
}

@test "mvwatch: a folder moved in is reported whole, subfolders included" {
	start --settle 0
	src=$BATS_TEST_TMPDIR/Heat.1995.1080p
	old_file "$src/Heat.1995.1080p.mkv" 'the movie'
	old_file "$src/Heat.1995.1080p.nfo"
	old_file "$src/Extras/Making of.mp4" 'extra'
	old_file "$src/CD2/Heat.1995.1080p.CD2.mkv" 'part two'
	mv "$src" "$IN/"
	wait_lines 1
	printf 'l' >"$IN/latch.mkv"
	wait_lines 2
	# One download, one event: its film, the largest video. Extras/
	# holds an extra, the CD2 video is smaller: neither is announced
	# (a lone part is not the film; mv_download_scan).
	run subjects
	assert_output "$(printf '%s\n' incoming/Heat.1995.1080p/Heat.1995.1080p.mkv incoming/latch.mkv)"
	assert_equal "$(head -1 "$OUT" | jq -r .data.download)" "$IN/Heat.1995.1080p"
	# The moved folder is watched too, subfolders included: a larger
	# video written later is its film now.
	printf 'y' >"$IN/Heat.1995.1080p/Extras/new.mkv"
	printf 'a larger film' >"$IN/Heat.1995.1080p/CD2/new.mkv"
	wait_lines 3
	assert_equal "$(sed -n 3p "$OUT" | jq -r .subject)" incoming/Heat.1995.1080p/CD2/new.mkv
	[ "$(wc -l <"$OUT")" -eq 3 ]
}

@test "mvwatch: a download settles as a whole: a file written later delays its one event" {
	start --settle 2
	dl=$IN/Heat.1995.1080p-GRP
	mkdir "$dl"
	printf 'the film' >"$dl/heat.mkv"
	# A download client writes the rest in turn, each file well within
	# the settle time of the one before: nothing may be out meanwhile.
	for f in heat.srt Subs/2_English.srt Sample/heat-sample.mkv grp.nfo; do
		sleep 0.3 # the writer's pace, not a wait for mvwatch
		[ ! -s "$OUT" ]
		mkdir -p "$(dirname "$dl/$f")"
		printf 'x' >"$dl/$f"
	done
	wait_lines 1
	printf 'l' >"$IN/latch.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/Heat.1995.1080p-GRP/heat.mkv incoming/latch.mkv)"
	run jq -c '.data | [.path, .download, .size, .name]' "$OUT"
	assert_line --index 0 "[\"$dl/heat.mkv\",\"$dl\",8,\"heat.mkv\"]"
	# The loose file keeps today's event: no download member.
	assert_equal "$(sed -n 2p "$OUT" | jq -c '.data | has("download")')" false
	[ ! -s "$ERR" ]
}

@test "mvwatch: in a download, a sample larger than the film and the extras are never announced" {
	dl=$IN/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	old_file "$dl/heat.1995.remastered.1080p.bluray.x264-grp.mkv" 'the film'
	old_file "$dl/Sample/heat-sample.mkv" 'a sample larger than the film'
	old_file "$dl/Featurettes/Making of Heat.mkv" 'an extra larger than the film'
	old_file "$dl/heat-trailer.mkv" 'a trailer larger than the film'
	old_file "$dl/Subs/2_English.srt"
	old_file "$dl/RARBG.txt"
	old_file "$IN/Sample/lone-sample.mkv"
	run -0 --separate-stderr mvwatch --once
	[ "${#lines[@]}" -eq 1 ]
	assert_equal "$(jq -r .subject <<<"$output")" \
		incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.1995.remastered.1080p.bluray.x264-grp.mkv
	assert_equal "$(jq -r .data.download <<<"$output")" "$dl"
	[ -z "$stderr" ]
	# --once skips a download with a young file, naming the folder.
	printf 'new' >"$dl/Subs/3_French.srt"
	rm -f "$dl"/*.mkv
	old_file "$dl/other.mkv"
	run -0 --separate-stderr mvwatch --once --settle 60
	[ -z "$output" ]
	assert_equal "$stderr" "mvwatch: unable to report $dl: modified less than 60 s ago; skipped"
}

@test "mvwatch: a download in parts is one event with its parts in order" {
	dl=$IN/Movie.1995.DVDRip
	old_file "$dl/Movie.1995.CD2.avi" 'part two, longer'
	old_file "$dl/Movie.1995.CD1.avi" 'part one'
	run -0 --separate-stderr mvwatch --once
	[ "${#lines[@]}" -eq 1 ]
	assert_equal "$(jq -r .data.path <<<"$output")" "$dl/Movie.1995.CD1.avi"
	assert_equal "$(jq -c .data.parts <<<"$output")" "[\"$dl/Movie.1995.CD1.avi\",\"$dl/Movie.1995.CD2.avi\"]"
	[ -z "$stderr" ]
}

@test "mvwatch: loose parts of one film wait for each other, then go out as one event" {
	start --settle 0 --part-wait 1
	printf 'one' >"$IN/Movie.1995.cd1.avi"
	printf 'two' >"$IN/Movie.1995.CD2.avi"
	printf 'x' >"$IN/Other.Film.2001.cd1.avi"
	# Not a part: out at once, while the parts still wait.
	printf 'l' >"$IN/latch.mkv"
	wait_lines 3
	run subjects
	assert_line --index 0 incoming/latch.mkv
	run sort <(subjects | tail -n +2)
	assert_output "$(printf '%s\n' incoming/Movie.1995.cd1.avi incoming/Other.Film.2001.cd1.avi)"
	run jq -c 'select(.subject == "incoming/Movie.1995.cd1.avi") | .data.parts' "$OUT"
	assert_output "[\"$IN/Movie.1995.cd1.avi\",\"$IN/Movie.1995.CD2.avi\"]"
	# A part alone is never the whole film: it says it is a part.
	run jq -c 'select(.subject == "incoming/Other.Film.2001.cd1.avi") | .data.parts' "$OUT"
	assert_output "[\"$IN/Other.Film.2001.cd1.avi\"]"
	# cd2 is the film's, never announced alone, not even by a rescan.
	kill -HUP "$WPID"
	printf 'l2' >"$IN/latch2.mkv"
	wait_lines 4
	assert_equal "$(tail -1 "$OUT" | jq -r .subject)" incoming/latch2.mkv
	[ ! -s "$ERR" ]
}

@test "mvwatch: --once reports loose parts as one event, with no wait" {
	old_file "$IN/Movie.1995.cd2.avi" 'two'
	old_file "$IN/Movie.1995.cd1.avi" 'one'
	run -0 --separate-stderr mvwatch --once
	[ "${#lines[@]}" -eq 1 ]
	assert_equal "$(jq -r .data.path <<<"$output")" "$IN/Movie.1995.cd1.avi"
	assert_equal "$(jq -c .data.parts <<<"$output")" "[\"$IN/Movie.1995.cd1.avi\",\"$IN/Movie.1995.cd2.avi\"]"
	[ -z "$stderr" ]
	run --separate-stderr -64 mvwatch --once --part-wait 5
	assert_equal "${stderr_lines[0]}" "mvwatch: --once does not wait for parts: --part-wait"
	run --separate-stderr -64 mvwatch --part-wait soon
	assert_equal "${stderr_lines[0]}" "mvwatch: invalid --part-wait (seconds): soon"
}

@test "mvwatch: a 17th loose part of one film is reported alone, never left unseen" {
	for i in $(seq 1 17); do old_file "$IN/Movie.1995.part$i.avi" "$i"; done
	run -0 --separate-stderr mvwatch --once
	[ "${#lines[@]}" -eq 2 ]
	events=$output
	# One event holds 16 parts, the other the one left over, alone.
	run jq -s -c 'map(.data.parts | length) | sort' <<<"$events"
	assert_output '[1,16]'
	one=$(jq -r 'select((.data.parts | length) == 1) | .data.path' <<<"$events")
	run jq -r '.data.parts[]' <<<"$events"
	[ "${#lines[@]}" -eq 17 ]
	assert_equal "$(sort -u <<<"$output" | wc -l)" 17
	assert_equal "$stderr" "mvwatch: unable to group $one: more than 16 parts of one film; reported alone"
}

@test "mvwatch: only videos are announced: no file.added for a subtitle, sample or extra" {
	# Scan path (--once) and event path (running) ask the same rule.
	for n in Heat.1995.srt Subs/2_English.srt grp.nfo RARBG.txt WWW.SITE.URL movie.part \
		name.r00 poster.jpg Sample/heat-sample.mkv heat.sample.mkv \
		'Featurettes/Making of Heat.mkv' Heat-trailer.mkv .hidden.mkv; do
		old_file "$IN/$n"
	done
	old_file "$IN/Heat.1995.mkv"
	run -0 --separate-stderr mvwatch --once
	assert_equal "$(jq -r .subject <<<"$output")" incoming/Heat.1995.mkv
	[ -z "$stderr" ]
	start --settle 0
	wait_lines 1
	printf 'x' >"$IN/Heat.1995.en.srt"
	printf 'x' >"$IN/Sample/new-sample.mkv"
	printf 'x' >"$IN/Featurettes/new.mkv"
	printf 'l' >"$IN/latch.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/Heat.1995.mkv incoming/latch.mkv)"
	run jq -r .type "$OUT"
	refute_output --partial srt
}

@test "mvwatch: a loose video waits for its subtitle to settle, then is reported once" {
	old_file "$IN/Movie.2001.mkv"
	printf 'sub' >"$IN/Movie.2001.en.srt"
	# The scan finds the video complete, its subtitle not: it waits one
	# settle time more, then goes out (not skipped, not twice).
	start --settle 0.3
	wait_lines 1
	printf 'l' >"$IN/latch.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/Movie.2001.mkv incoming/latch.mkv)"
	[ -z "$(cat "$ERR")" ]
}

@test "mvwatch: the same file is not reported twice (reopen, rename, rescan)" {
	start --settle 0
	f=$IN/a.mkv
	printf 'hello' >"$f"
	wait_lines 1
	: >>"$f"                      # IN_CLOSE_WRITE, nothing changed
	mv "$f" "$IN/renamed.mkv"     # IN_MOVED_TO, same inode, size, mtime
	mkdir "$IN/sub"
	mv "$IN/renamed.mkv" "$IN/sub/" # and into a subdirectory
	kill -HUP "$WPID"             # a full rescan
	printf 'l' >"$IN/latch.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/a.mkv incoming/latch.mkv)"
	[ ! -s "$ERR" ]
}

@test "mvwatch: a periodic rescan finds what inotify did not report" {
	old_file "$BATS_TEST_TMPDIR/outside.mkv"
	start --settle 0 --rescan 0.01
	# A hard link makes only IN_CREATE, which alone reports nothing.
	ln "$BATS_TEST_TMPDIR/outside.mkv" "$IN/linked.mkv"
	wait_lines 1
	run subjects
	assert_output incoming/linked.mkv
}

@test "mvwatch: --once reports settled files, skips young ones, exits 0" {
	old_file "$IN/a.mkv"
	old_file "$IN/b/c.mp4"
	old_file "$IN/d.avi"
	old_file "$IN/e.txt"
	printf 'new' >"$IN/young.mkv"
	# A long settle time, so a slow machine cannot make young.mkv old.
	run --separate-stderr mvwatch --once --settle 60
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	assert_equal "$stderr" "mvwatch: unable to report $IN/young.mkv: modified less than 60 s ago; skipped"
	run sort <(printf '%s\n' "${lines[@]}" | jq -r .subject)
	assert_output "$(printf '%s\n' incoming/a.mkv incoming/b/c.mp4 incoming/d.avi)"
	run --separate-stderr mvwatch --once --settle 0 "$IN"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
	[ ! -e "$READY" ]
}

@test "mvwatch: a DIR outside the data dir gets absolute subjects" {
	d=$BATS_TEST_TMPDIR/share
	old_file "$d/x.mkv"
	run --separate-stderr mvwatch --once "$d/"
	assert_success
	assert_equal "$(jq -r '"\(.subject) \(.data.path)"' <<<"$output")" "$d/x.mkv $d/x.mkv"
}

@test "mvwatch: DIR vanishes and returns: a message, no bogus events, watched again" {
	start --settle 0
	printf 'a' >"$IN/a.mkv"
	wait_lines 1
	rm -rf "$IN"
	wait_until 10 test ! -e "$READY"
	assert_equal "$(cat "$ERR")" "mvwatch: unable to watch $IN: directory vanished; waiting"
	mkdir "$IN"
	wait_for_file "$READY"
	printf 'b' >"$IN/b.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/a.mkv incoming/b.mkv)"
	run cat "$ERR"
	assert_output "$(printf '%s\n' "mvwatch: unable to watch $IN: directory vanished; waiting" \
		"mvwatch: watching $IN again")"
}

@test "mvwatch: DIR moved away and back is not a new set of files" {
	start --settle 0
	printf 'a' >"$IN/a.mkv"
	wait_lines 1
	mv "$IN" "$IN.away"
	wait_until 10 test ! -e "$READY"
	mv "$IN.away" "$IN"
	wait_for_file "$READY"
	printf 'l' >"$IN/latch.mkv"
	wait_lines 2
	run subjects
	assert_output "$(printf '%s\n' incoming/a.mkv incoming/latch.mkv)"
	[ "$(wc -l <"$ERR")" -eq 2 ]
}

@test "mvwatch: --inject passes valid events unchanged and reports bad lines" {
	fifo=$MV_DATA/run/inject.fifo
	start --settle 0 --inject "$fifo"
	[ -p "$fifo" ]
	cat "$(fixture mvwatch inject.ndjson)" >"$fifo"
	wait_lines 3
	run cat "$OUT"
	assert_output "$(sed -n '1p;3p;5p' "$(fixture mvwatch inject.ndjson)")"
	run cat "$ERR"
	assert_output "$(printf '%s\n' "mvwatch: $fifo:2: invalid JSON" "mvwatch: $fifo:4: missing type")"
	# A second writer after the first left: no end of input, still read.
	printf 'a' >"$IN/a.mkv"
	sed -n 1p "$(fixture mvwatch inject.ndjson)" >"$fifo"
	wait_lines 5
	assert_equal "$(jq -r .type "$OUT" | sort | uniq -c | tr -s ' ')" \
		"$(printf ' 1 mv.file.added\n 4 mv.movie.requested')"
	# A line written in two pieces by two writers is one line.
	line=$(sed -n 3p "$(fixture mvwatch inject.ndjson)")
	printf '%s' "${line%%\"type\"*}" >"$fifo"
	printf '"type%s\n' "${line#*\"type}" >"$fifo"
	wait_lines 6
	assert_equal "$(tail -n 1 "$OUT")" "$line"
	[ "$(wc -l <"$ERR")" -eq 2 ]
}

# The inotify limits are per user namespace: lower them in a private one.
in_userns() {
	unshare -Ur true 2>/dev/null || skip "no user namespaces here"
	run --separate-stderr unshare -Ur sh -c "$1"
}

@test "mvwatch: inotify watches exhausted exits 69 naming the sysctl" {
	mkdir -p "$IN"/d1 "$IN"/d2 "$IN"/d3 "$IN"/d4
	in_userns 'echo 3 >/proc/sys/user/max_inotify_watches && exec mvwatch'
	[ "$status" -eq 69 ]
	assert_regex "$stderr" "^mvwatch: unable to watch $IN/d[1-4]: too many inotify watches; raise the sysctl fs.inotify.max_user_watches\$"
	[ -z "$output" ]
	[ ! -e "$READY" ]
}

@test "mvwatch: inotify instances exhausted exits 69 naming the sysctl" {
	in_userns 'echo 0 >/proc/sys/user/max_inotify_instances && exec mvwatch'
	[ "$status" -eq 69 ]
	assert_equal "$stderr" "mvwatch: unable to start inotify: too many instances; raise the sysctl fs.inotify.max_user_instances"
	[ ! -e "$READY" ]
}

@test "mvwatch: --inject on a path that is not a FIFO exits 66" {
	touch "$BATS_TEST_TMPDIR/plain"
	run --separate-stderr -66 mvwatch --inject "$BATS_TEST_TMPDIR/plain"
	assert_equal "$stderr" "mvwatch: unable to open FIFO $BATS_TEST_TMPDIR/plain: not a FIFO"
	[ ! -e "$READY" ]
}

@test "mvwatch: --once to a full disk exits 74 with the message" {
	old_file "$IN/a.mkv"
	run --separate-stderr -74 sh -c 'mvwatch --once >/dev/full'
	assert_equal "$stderr" "mvwatch: unable to write standard output: No space left on device"
}

@test "mvwatch: a reader that leaves (EPIPE) is a quiet exit 0" {
	for i in 1 2 3; do old_file "$IN/$i.mkv"; done
	run --separate-stderr bash -c 'mvwatch --once | head -c0; echo "${PIPESTATUS[0]}"'
	assert_output 0
	[ -z "$stderr" ]
}

@test "mvwatch: SIGTERM and SIGINT exit 0, remove the ready file, leave no process" {
	start
	stop_with TERM
	assert_equal "$ST" 0
	[ ! -e "$READY" ]
	start --inject "$MV_DATA/run/inject.fifo"
	pid=$WPID
	stop_with INT
	assert_equal "$ST" 0
	[ ! -e "$READY" ]
	run kill -0 "$pid"
	assert_failure
	[ ! -s "$ERR" ]
}
