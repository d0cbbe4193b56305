#!/usr/bin/env bats
# mvstat.bats: access counting, metrics, the journal and the summary.

load test_helper

export BATS_TEST_TIMEOUT=60

setup() {
	mv_test_env
	mkdir -p "$MV_DATA"
	cp -r "$(fixture mvindex lib)"/. "$MV_DATA"/
	mkdir -p "$MV_DATA/index" "$MV_DATA/run" "$MV_DATA/stats" "$MV_DATA/events"
	export MV_NOW=2026-11-26T12:00:00Z
	ST=$MV_DATA/stats
	J=$MV_DATA/events/journal.ndjson
	SPID=
}

teardown() {
	if [ -n "$SPID" ]; then stop_group "$SPID"; fi
}

# An event line: ev TYPE DATA-JSON [TIME]
ev() {
	jq -nc --arg t "$1" --argjson d "$2" --arg time "${3:-2026-11-26T10:00:00Z}" \
		'{specversion:"1.0", id:"t-\($t)", source:"test", type:$t, time:$time, data:$d}'
}
req() { ev mv.movie.requested "{\"id\":\"$1\"}" "${2:-2026-11-26T10:00:00Z}"; }
# How many mv.movie.requested lines mvstat has passed on so far.
reqs_out() { grep -c mv.movie.requested "$BATS_TEST_TMPDIR/out" 2>/dev/null || true; }
reqs_at_least() { [ "$(reqs_out)" -ge "$1" ]; }

# Every line of mv.prom is a comment (HELP or TYPE) or name{labels} value,
# every sample's family has a TYPE, and no label names a movie.
prom_ok() {
	awk '
		/^# HELP [a-z_]+ .+$/ { next }
		/^# TYPE [a-z_]+ (counter|gauge|histogram)$/ { type[$3] = 1; next }
		/^[a-z_]+(\{[a-z_]+="[^"]*"\})? -?[0-9.e+]+$/ {
			n = $1; sub(/\{.*/, "", n)
			b = n; sub(/_(bucket|sum|count)$/, "", b)
			if (!(n in type) && !(b in type)) { print "no TYPE: " $0; bad = 1 }
			if ($0 ~ /"m[0-9]+"/) { print "movie label: " $0; bad = 1 }
			next
		}
		{ print "bad line: " $0; bad = 1 }
		END { exit bad }' "$1"
}

@test "mvstat: --help prints the usage on stdout and exits 0" {
	run --separate-stderr mvstat --help
	assert_success
	assert_line --index 0 --partial "usage: mvstat"
	[ -z "$stderr" ]
}

@test "mvstat: bad usage exits 64 and changes nothing" {
	usage_errors_change_nothing mvstat "--bogus" "--once --summary" "--json" "--once extra" \
		"--flush-interval 0" "--flush-interval x" "--flush-events 0" \
		"--journal-max 0" "--journal-max 12Q" "--journal-keep -1" \
		"--once --flush-events 5" "--summary --journal-max 1M"
}

@test "mvstat: a missing data directory exits 66" {
	run --separate-stderr mvstat --data "$BATS_TEST_TMPDIR/nowhere" --once
	[ "$status" -eq 66 ]
	[ ! -e "$BATS_TEST_TMPDIR/nowhere" ]
}

@test "mvstat: counts accesses with first and last time into usage.json" {
	{
		req m1 2026-11-26T10:00:00Z
		req m2 2026-11-26T10:30:00Z
		req m1 2026-11-26T11:00:00Z
		ev mv.movie.requested '{"id":"bogus"}'
		req m1 2026-11-26T09:00:00Z
	} | mvstat >"$BATS_TEST_TMPDIR/out"
	run jq -c '.movies' "$ST/usage.json"
	assert_output '{"m1":{"count":3,"first":"2026-11-26T09:00:00Z","last":"2026-11-26T11:00:00Z"},"m2":{"count":1,"first":"2026-11-26T10:30:00Z","last":"2026-11-26T10:30:00Z"}}'
	run jq -r .schemaVersion "$ST/usage.json"
	assert_output 1
	# One mv.stats.updated, after the events, with the accesses it saved.
	run jq -c 'select(.source == "mvstat") | [.type, .data]' "$BATS_TEST_TMPDIR/out"
	assert_output '["mv.stats.updated",{"accesses":4}]'
	# A second run adds to the first.
	req m2 2026-11-26T12:00:00Z | mvstat >/dev/null
	run jq -c '.movies.m2' "$ST/usage.json"
	assert_output '{"count":2,"first":"2026-11-26T10:30:00Z","last":"2026-11-26T12:00:00Z"}'
}

@test "mvstat: only a user's request is a read; maintenance passes uncounted" {
	{
		ev mv.movie.requested '{"id":"m1","reason":"user"}' 2026-11-26T10:00:00Z
		ev mv.movie.requested '{"id":"m1","reason":"maintenance"}' 2026-11-26T11:00:00Z
		ev mv.movie.requested '{"id":"m2","reason":"maintenance"}' 2026-11-26T11:00:00Z
		# No reason: an older journal, or written by hand; a user's read.
		req m1 2026-11-26T09:00:00Z
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr mvstat <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ -z "$stderr" ]
	# All four go on to the next stage (mvenrich deepens on both).
	assert_equal "$(grep -c mv.movie.requested <<<"$output")" 4
	run jq -c '.movies' "$ST/usage.json"
	assert_output '{"m1":{"count":2,"first":"2026-11-26T09:00:00Z","last":"2026-11-26T10:00:00Z"}}'
	# Maintenance alone writes no usage.json at all.
	rm "$ST/usage.json"
	ev mv.movie.requested '{"id":"m2","reason":"maintenance"}' | mvstat >"$BATS_TEST_TMPDIR/out"
	[ ! -e "$ST/usage.json" ]
	run grep -c mv.stats.updated "$BATS_TEST_TMPDIR/out"
	assert_output 0
	# It is still an event that passed: 4 before, 5 now.
	grep -qx 'mv_events_total{type="mv.movie.requested"} 5' "$ST/mv.prom"
}

@test "mvstat: passes every valid line through byte for byte, reports bad ones" {
	{
		ev mv.file.added '{"path":"incoming/x.mkv","size":1,"dev":1,"ino":2,"mtime":3}'
		printf '%s\n' '{"specversion":"1.0","id":"odd  spacing","source":"t","type":"mv.other.thing","data":{"k":"é\u00e9"}}'
		req m1
		ev mv.index.updated '{"movies":1,"people":1}'
	} >"$BATS_TEST_TMPDIR/in"
	{ cat "$BATS_TEST_TMPDIR/in"; echo 'garbage'; } >"$BATS_TEST_TMPDIR/in2"
	run --separate-stderr mvstat <"$BATS_TEST_TMPDIR/in2"
	assert_success
	[ "$stderr" = "mvstat: stdin:5: invalid JSON, skipped" ]
	grep -v '"source":"mvstat"' <<<"$output" >"$BATS_TEST_TMPDIR/passed"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/passed"
	# The journal holds exactly the valid lines, in order.
	cmp "$BATS_TEST_TMPDIR/in" "$J"
}

@test "mvstat: a corrupt usage.json is refused with 65 and left untouched" {
	echo '{"schemaVersion":1,"movies":{"m1":' >"$ST/usage.json"
	cp "$ST/usage.json" "$BATS_TEST_TMPDIR/orig"
	for mode in "" "--once" "--summary"; do
		run --separate-stderr mvstat $mode < <(req m1)
		[ "$status" -eq 65 ]
		[ "$stderr" = "mvstat: unable to read stats/usage.json: invalid JSON" ]
		[ -z "$output" ]
		cmp "$ST/usage.json" "$BATS_TEST_TMPDIR/orig"
	done
	echo '{"schemaVersion":1,"movies":{"m1":{"count":"x"}}}' >"$ST/usage.json"
	run --separate-stderr mvstat --summary
	[ "$status" -eq 65 ]
	[ "$stderr" = "mvstat: unable to read stats/usage.json: bad entry for m1" ]
	echo '[]' >"$ST/usage.json"
	run --separate-stderr mvstat --summary
	[ "$status" -eq 65 ]
	[[ $stderr == "mvstat: unable to read stats/usage.json: not a usage document"* ]]
	[ ! -e "$J" ]
}

@test "mvstat: mv.prom is a valid textfile with the pipeline metrics" {
	mvindex --rebuild
	mkdir -p "$MV_DATA/assets/images" "$MV_DATA/quarantine"
	head -c 1000 /dev/zero >"$MV_DATA/assets/images/m1-poster.jpg"
	echo x >"$MV_DATA/quarantine/odd.mkv"
	echo '{}' >"$MV_DATA/quarantine/odd.mkv.why.json"
	{
		# As mvwatch has it: the absolute path in data, the data-relative
		# one as subject, which is what mv.movie.created's path says.
		ev mv.file.added "{\"path\":\"$MV_DATA/incoming/a.mkv\",\"size\":1,\"dev\":1,\"ino\":1,\"mtime\":1}" 2026-11-26T10:00:00Z |
			jq -c '.subject = "incoming/a.mkv"'
		ev mv.movie.created '{"id":"m7","path":"incoming/a.mkv","title":"A","year":2000}' 2026-11-26T10:00:01Z
		ev mv.video.added '{"id":"m7","path":"assets/videos/A (2000).mkv","tmdb":1,"title":"A","year":2000}' 2026-11-26T10:00:07Z
		ev mv.movie.enriched '{"id":"m1","level":"deep","from":"medium","durationMs":45000,"tmdbRequests":3,"tmdbRetries":1}'
		ev mv.error '{"stage":"enrich","code":75,"message":"TMDB down"}'
		ev mv.error '{"stage":"Bad Stage!","code":70,"message":"x"}'
		ev mv.movie.needs-review '{"id":null,"path":"incoming/b.mkv","reason":"ambiguous","candidates":[]}'
		req m1
	} | mvstat >/dev/null
	P=$ST/mv.prom
	prom_ok "$P"
	grep -qx 'mv_events_total{type="mv.error"} 2' "$P"
	grep -qx 'mv_events_total{type="mv.movie.requested"} 1' "$P"
	grep -qx 'mv_errors_total{stage="enrich"} 1' "$P"
	grep -qx 'mv_errors_total{stage="other"} 1' "$P"
	# 7 s from file to filed video, 45 s reported by enrich.
	grep -qx 'mv_enrich_duration_seconds_bucket{le="5"} 0' "$P"
	grep -qx 'mv_enrich_duration_seconds_bucket{le="10"} 1' "$P"
	grep -qx 'mv_enrich_duration_seconds_bucket{le="60"} 2' "$P"
	grep -qx 'mv_enrich_duration_seconds_bucket{le="+Inf"} 2' "$P"
	grep -qx 'mv_enrich_duration_seconds_sum 52' "$P"
	grep -qx 'mv_enrich_duration_seconds_count 2' "$P"
	grep -qx 'mv_tmdb_requests_total 3' "$P"
	grep -qx 'mv_tmdb_retries_total 1' "$P"
	grep -qx 'mv_files_filed_total 1' "$P"
	grep -qx 'mv_review_events_total 1' "$P"
	grep -qx 'mv_files_in_review 1' "$P"
	grep -qx 'mv_library_movies{level="minimal"} 1' "$P"
	grep -qx 'mv_library_movies{level="medium"} 1' "$P"
	grep -qx 'mv_library_people 3' "$P"
	grep -qx 'mv_image_bytes 1000' "$P"
	meta=$(cat "$MV_DATA"/Movies/* "$MV_DATA"/People/* "$MV_DATA"/index/*.json | wc -c)
	grep -qx "mv_metadata_bytes $meta" "$P"
	# No temp file left beside it.
	[ "$(ls "$ST")" = "$(printf 'mv.prom\nusage.json')" ]
}

@test "mvstat: counters survive a restart; --once recomputes the gauges only" {
	mvindex --rebuild
	{ req m1; req m2; ev mv.error '{"stage":"fetch","code":75,"message":"x"}'; } | mvstat >/dev/null
	req m1 | mvstat >/dev/null
	grep -qx 'mv_events_total{type="mv.movie.requested"} 3' "$ST/mv.prom"
	grep -qx 'mv_errors_total{stage="fetch"} 1' "$ST/mv.prom"
	grep -qx 'mv_accesses_total 3' "$ST/mv.prom"
	rm "$MV_DATA/Movies/m3.json"
	mvindex --rebuild
	cp "$ST/usage.json" "$BATS_TEST_TMPDIR/usage"
	run --separate-stderr mvstat --once
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
	prom_ok "$ST/mv.prom"
	grep -qx 'mv_events_total{type="mv.movie.requested"} 3' "$ST/mv.prom"
	grep -qx 'mv_library_movies{level="minimal"} 0' "$ST/mv.prom"
	cmp "$ST/usage.json" "$BATS_TEST_TMPDIR/usage"
}

@test "mvstat: the journal rotates by size and keeps K old files" {
	for i in $(seq 1 30); do req m1; done >"$BATS_TEST_TMPDIR/in"
	size=$(head -n 1 "$BATS_TEST_TMPDIR/in" | wc -c)
	# Room for 10 lines per file; feed one line per write so that each
	# burst is one line.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	setsid mvstat --journal-max $((size * 10)) --journal-keep 2 <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" &
	SPID=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	i=0
	while read -r line; do
		i=$((i + 1))
		printf '%s\n' "$line" >&7
		wait_until 10 reqs_at_least "$i"
	done <"$BATS_TEST_TMPDIR/in"
	exec 7>&-
	wait "$SPID"; SPID=
	[ "$(wc -l <"$J")" -eq 10 ]
	[ "$(wc -l <"$J.1")" -eq 10 ]
	[ "$(wc -l <"$J.2")" -eq 10 ]
	[ ! -e "$J.3" ]
	# 35 more lines in one burst: rotated before the write, never split.
	for i in $(seq 1 35); do req m2; done >"$BATS_TEST_TMPDIR/in35"
	mvstat --journal-max $((size * 10)) --journal-keep 2 <"$BATS_TEST_TMPDIR/in35" >/dev/null
	[ "$(wc -l <"$J")" -eq 35 ]
	[ "$(wc -l <"$J.1")" -eq 10 ]
	[ ! -e "$J.3" ]
}

@test "mvstat: batched writes; kill -9 loses at most --flush-events - 1 accesses" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	setsid mvstat --flush-events 3 --flush-interval 3600 <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" &
	SPID=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	for i in 1 2 3 4 5 6 7 8; do req m1; done >"$BATS_TEST_TMPDIR/burst"
	cat "$BATS_TEST_TMPDIR/burst" >&7
	wait_until 10 reqs_at_least 8
	kill -KILL "$SPID"
	wait "$SPID" || true
	SPID=
	exec 7>&-
	# Written after 3 and 6 accesses; the last 2 (< 3) are lost.
	run jq -r .movies.m1.count "$ST/usage.json"
	assert_output 6
	[ "$(grep -c mv.stats.updated "$BATS_TEST_TMPDIR/out")" -eq 2 ]
	# The journal is written per burst, before the burst's events go on.
	[ "$(wc -l <"$J")" -eq 8 ]
}

@test "mvstat: an idle filter writes pending accesses after --flush-interval" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	setsid mvstat --flush-interval 0.2 <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" &
	SPID=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	req m2 >&7
	wait_until 10 grep -q mv.stats.updated "$BATS_TEST_TMPDIR/out"
	run jq -r .movies.m2.count "$ST/usage.json"
	assert_output 1
	exec 7>&-
	wait "$SPID"; SPID=
}

@test "mvstat: SIGTERM saves what is pending and exits 0" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	setsid mvstat --flush-interval 3600 <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" &
	SPID=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	{ req m1; req m1; } >"$BATS_TEST_TMPDIR/burst"
	cat "$BATS_TEST_TMPDIR/burst" >&7
	wait_until 10 reqs_at_least 2
	[ ! -e "$ST/usage.json" ]
	kill -TERM "$SPID"
	st=0
	wait "$SPID" || st=$?
	SPID=
	exec 7>&-
	[ "$st" -eq 0 ]
	run jq -r .movies.m1.count "$ST/usage.json"
	assert_output 2
}

@test "mvstat --summary: the human summary and its JSON" {
	mvindex --rebuild
	{ req m1 2026-11-26T10:00:00Z; req m1 2026-11-26T11:00:00Z; req m2 2026-11-26T09:00:00Z; } | mvstat >/dev/null
	run --separate-stderr mvstat --summary
	assert_success
	assert_line --index 0 "movies      3 (minimal 1, basic 1, medium 1, deep 0)"
	assert_line --index 1 "people      3"
	assert_line "accesses    3 to 2 movies, last 2026-11-26T11:00:00Z"
	assert_line "  m1       2, last 2026-11-26T11:00:00Z"
	run --separate-stderr mvstat --summary --json
	assert_success
	run jq -c '[.movies, .levels, .people, .accesses, .top, .events["mv.movie.requested"], .filed]' <<<"$output"
	assert_output '[3,{"minimal":1,"basic":1,"medium":1,"deep":0,"unknown":0},3,{"total":3,"movies":2,"last":"2026-11-26T11:00:00Z"},[{"id":"m1","count":2,"last":"2026-11-26T11:00:00Z"},{"id":"m2","count":1,"last":"2026-11-26T09:00:00Z"}],3,0]'
}

@test "mvstat --summary: an empty library" {
	rm -rf "$MV_DATA"/Movies/* "$MV_DATA"/People/*
	run --separate-stderr mvstat --summary --json
	assert_success
	run jq -c '[.movies, .people, .accesses]' <<<"$output"
	assert_output '[0,0,{"total":0,"movies":0,"last":null}]'
}

@test "mvstat: a full standard output is an I/O error (74)" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr sh -c 'mvstat --summary >/dev/full'
	[ "$status" -eq 74 ]
}

@test "mvstat: every kind of bad usage.json is refused the same way" {
	for f in usage-truncated usage-version2 usage-negative usage-badid; do
		cp "$(fixture mvstat "$f.json")" "$ST/usage.json"
		run --separate-stderr mvstat --once
		[ "$status" -eq 65 ] || { echo "$f: exit $status"; false; }
		[[ $stderr == "mvstat: unable to read stats/usage.json: "* ]]
		cmp "$ST/usage.json" "$(fixture mvstat "$f.json")"
		[ ! -e "$ST/mv.prom" ]
	done
}

@test "mvstat --summary: the top movies from an existing usage.json" {
	cp "$(fixture mvstat usage.json)" "$ST/usage.json"
	run --separate-stderr mvstat --summary --json
	assert_success
	# Equal counts: the latest access first.
	run jq -c '[.accesses, [.top[].id]]' <<<"$output"
	assert_output '[{"total":11,"movies":3,"last":"2026-11-25T21:30:00Z"},["m3","m1","m2"]]'
	# Accesses continue from it.
	req m2 2026-11-26T08:00:00Z | mvstat >/dev/null
	run jq -c '.movies.m2' "$ST/usage.json"
	assert_output '{"count":2,"first":"2026-06-01T20:00:00Z","last":"2026-11-26T08:00:00Z"}'
	run jq -c '.movies.m1' "$ST/usage.json"
	assert_output '{"count":5,"first":"2026-10-01T20:00:00Z","last":"2026-11-24T21:30:00Z"}'
}

@test "mvstat --once: creates stats/ if needed and writes only mv.prom" {
	rm -rf "$ST"
	run --separate-stderr mvstat --once
	assert_success
	[ -z "$stderr" ]
	[ "$(ls "$ST")" = mv.prom ]
	prom_ok "$ST/mv.prom"
}
