#!/usr/bin/env bats
# hardening: the fast versions of the hardening campaign (issue 10) that
# make check runs: a short crash test, fault injection, bad input and
# secrets. The long runs are make crash, make faults and make fuzz.

load test_helper
load faketmdb
load fixtures/mvenrich/helpers

BAD=$MV_TOP/tests/fixtures/badinput

setup() {
	mv_test_env
	export MV_TMDB_RETRIES=0
	mkdir -p "$MV_DATA/incoming"
}

teardown() {
	[ -z "${SUP:-}" ] || stop_group "$SUP"
	stop_faketmdb
}

# Build the fault injector once per file (tests/faults/mvfault.c).
setup_file() {
	cc -std=c11 -O1 -Wall -Wextra -Werror -shared -fPIC -o "$BATS_FILE_TMPDIR/mvfault.so" \
		"$BATS_TEST_DIRNAME/faults/mvfault.c" -ldl
}

# Run a command with one kind of call failing under $MV_DATA:
# with_fault CALL ERRNO cmd...
with_fault() {
	local call=$1 e=$2
	shift 2
	# Under make asan the sanitizer runtime is not first in the preload
	# list any more; it works all the same.
	MVFAULT_CALL=$call MVFAULT_ERRNO=$e LD_PRELOAD=$BATS_FILE_TMPDIR/mvfault.so \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 "$@"
}

# Start the supervisor in its own session; wait until it is ready.
start_pipeline() {
	setsid mvpipeline "$@" </dev/null >"$BATS_TEST_TMPDIR/pipeline.out" \
		2>"$BATS_TEST_TMPDIR/pipeline.err" 3>&- &
	SUP=$!
	wait_until 30 test -e "$MV_DATA/run/pipeline.ready" ||
		{ cat "$BATS_TEST_TMPDIR/pipeline.err"; return 1; }
}

# ---- crash safety ------------------------------------------------------------

@test "hardening: after a crash of everything mid-filing, the supervisor repairs, then starts" {
	# Regression: the boot check refused (65) a library with a half-done
	# filing and a stale index, the state a power loss leaves, so the
	# recovery the stages do at start could never run.
	start_faketmdb
	mkvideo "$MV_DATA/incoming/Heat (1995).mkv" 100000
	sum=$(sha "$MV_DATA/incoming/Heat (1995).mkv")
	mvctl init >/dev/null
	EVENTS=$BATS_TEST_TMPDIR/ev
	ev_added "$MV_DATA/incoming/Heat (1995).mkv" >"$EVENTS"
	run -137 env MV_CRASH_AT=staged mvenrich <"$EVENTS"
	[ -n "$(ls -A "$MV_DATA/run/filing")" ]
	run -1 mvctl check
	MV_PIPELINE_STAGES="mvwatch mvenrich mvindex" start_pipeline
	[ -z "$(ls -A "$MV_DATA/run/filing")" ]
	[ "$(copies_of "$sum")" -eq 1 ]
	run -0 mvctl check
}

@test "hardening: crash test, 30 files, 20 kills of mvenrich, mvindex and the supervisor" {
	run "$MV_TOP/tests/crash/crash-test" -n 30 -k 20 -g 0.3
	echo "$output"
	[ "$status" -eq 0 ]
	refute_output --partial FAIL
	assert_output --partial "crash-test: all invariants hold"
}

@test "hardening: mvctl check and gc on an empty library, and with an orphan video only" {
	# Regression (make asan): qsort and bsearch were handed the NULL list
	# of an empty library, undefined behaviour that UBSan stops on, so
	# the supervisor's boot check failed under make asan.
	mvctl init >/dev/null
	run -0 mvctl check --text
	assert_line --index -1 --partial "0 orphan videos"
	run -0 mvctl gc
	mkdir -p "$MV_DATA/assets/videos"
	mkvideo "$MV_DATA/assets/videos/Orphan (1999).mkv" 100
	run -1 mvctl check --text
	assert_line "assets/videos/Orphan (1999).mkv: no profile points at this video"
}

# ---- fault injection -----------------------------------------------------------

@test "hardening: mvctl migrate that cannot write says so and exits 74 or 73, not 65" {
	# Regression: a full disk or a denied write made migrate exit 65
	# (bad data: permanent) though the document was fine.
	mvctl init >/dev/null
	cp "$MV_TOP/tests/fixtures/mvctl/v0/m4.json" "$MV_DATA/Movies/m4.json"
	before=$(tree_digest "$MV_DATA")
	run -74 --separate-stderr with_fault rename ENOSPC mvctl migrate --text
	assert_equal "$stderr" "mvctl: unable to write Movies/m4.json: No space left on device"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -73 --separate-stderr with_fault open EACCES mvctl migrate --text
	assert_equal "$stderr" "mvctl: unable to write Movies/m4.json: Permission denied"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -0 mvctl migrate --text
	assert_line "migrate: 1 migrated, 3 already current, 0 failed"
}

@test "hardening: a profile that cannot be read is an I/O error (74), not bad data (65)" {
	# Regression: mvindex --rebuild and mvctl migrate exited 65 (bad
	# data: permanent, the supervisor gives up) when a read failed.
	mvctl init >/dev/null
	cp "$MV_TOP/tests/fixtures/mvctl/v0/m4.json" "$MV_DATA/Movies/m4.json"
	before=$(tree_digest "$MV_DATA")
	MVFAULT_PATH=$MV_DATA/Movies/m4.json run -74 --separate-stderr \
		with_fault read EIO mvctl migrate --text
	assert_equal "${stderr_lines[0]}" "mvctl: unable to read Movies/m4.json: Input/output error"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -0 mvctl migrate --text
	# The rebuild goes on with what it can read and says what it could not.
	MVFAULT_PATH=$MV_DATA/Movies/m4.json run -74 --separate-stderr \
		with_fault read EIO mvindex --rebuild
	assert_equal "${stderr_lines[0]}" "mvindex: unable to read Movies/m4.json: Input/output error"
	assert_equal "${stderr_lines[1]}" "mvindex: 1 document skipped, 0 claim conflicts"
	run -0 jq -r '[.items[].id] | join(" ")' "$(movies_index "$MV_DATA")"
	refute_output --partial m4
	run -0 mvindex --rebuild
	run -0 jq -r '[.items[].id] | join(" ")' "$(movies_index "$MV_DATA")"
	assert_output --partial m4
}

@test "hardening: fault matrix (quick): write/fsync/rename/open faults, libfiu, read-only, full disk, unmount" {
	run "$MV_TOP/tests/faults/faults-test" -q
	echo "$output"
	[ "$status" -eq 0 ]
	refute_output --partial FAIL
	assert_line --regexp '^faults-test: [0-9]+ ok, 0 failed, [0-9]+ skipped$'
}

# ---- bad input ---------------------------------------------------------------

@test "hardening: malformed, huge, nested, NUL and non-UTF-8 event lines are reported by line and skipped" {
	mvctl init >/dev/null
	local t
	for t in mvenrich mvindex; do
		run -0 --separate-stderr "$t" <"$BAD/events.ndjson"
		# Each bad line: its number and why, on stderr; the stage goes on.
		assert_equal "$(grep -c "^$t: stdin:" <<<"$stderr")" 10
		grep -q "^$t: stdin:2: invalid JSON" <<<"$stderr"
		grep -q "^$t: stdin:3: line too long (over 4095 bytes), skipped" <<<"$stderr"
		grep -q "^$t: stdin:4: invalid JSON" <<<"$stderr"
		grep -q "^$t: stdin:5: NUL byte in line, skipped" <<<"$stderr"
		grep -q "^$t: stdin:6: invalid JSON" <<<"$stderr"
		grep -q "^$t: stdin:7: not a JSON object" <<<"$stderr"
		grep -q "^$t: stdin:8: specversion is not \"1.0\"" <<<"$stderr"
		grep -q "^$t: stdin:9: missing type" <<<"$stderr"
		grep -q "^$t: stdin:10: data is not an object" <<<"$stderr"
		# The good lines pass through, byte for byte (CR dropped), in order.
		assert_equal "$(jq -r .id <<<"$output" | tr '\n' ' ')" "bad-1 bad-11 bad-13 bad-14 bad-15 bad-16 bad-17 "
		assert_equal "$(sed -n 1p <<<"$output")" "$(sed -n 1p "$BAD/events.ndjson")"
		assert_equal "$(sed -n 3p <<<"$output")" "$(sed -n 13p "$BAD/events.ndjson")"
	done
	# Nothing was created from them.
	[ -z "$(ls -A "$MV_DATA/Movies")" ]
}

@test "hardening: profiles with wrong types and unknown schemaVersions are reported, skipped, never rewritten" {
	mvctl init >/dev/null
	cp -r "$BAD/profiles/Movies" "$BAD/profiles/People" "$MV_DATA/"
	before=$(tree_digest "$MV_DATA/Movies")
	run -1 --separate-stderr mvctl check
	local f
	for f in m2 m3 m4 m5 m6 m7 m8 m9 m11 m12; do
		assert_line --partial "Movies/$f.json: "
	done
	assert_line --partial "People/p2.json: "
	assert_line --partial "People/p3.json: "
	refute_line --partial "Movies/m1.json: "
	refute_line --partial "People/p1.json: "
	run -65 --separate-stderr mvindex --rebuild
	assert_equal "$(grep -c '^mvindex: unable to read ' <<<"$stderr")" 9
	assert_equal "$(tail -1 <<<"$stderr")" "mvindex: 9 documents skipped, 0 claim conflicts"
	run -65 --separate-stderr mvctl migrate --text
	assert_line --index 0 "migrate: 0 migrated, 13 already current, 5 failed"
	grep -q "^mvctl: unable to migrate Movies/m4.json: unknown schemaVersion 99$" <<<"$stderr"
	assert_equal "$(tree_digest "$MV_DATA/Movies")" "$before"
}

@test "hardening: TMDB bodies with missing fields, nulls for objects, ids over 2^31, huge arrays" {
	start_faketmdb --root "$BAD/tmdb"
	mvctl init >/dev/null
	local n
	for n in "Nofields" "Nullobjects" "Bigid Film (2020)" "Hugearrays (2001)"; do
		mkvideo "$MV_DATA/incoming/$n.mkv" 3000
	done
	mvwatch --once --settle 0 | mvenrich >"$BATS_TEST_TMPDIR/out"
	[ "$(jq -r 'select(.type == "mv.video.added") | .subject' "$BATS_TEST_TMPDIR/out" | wc -l)" -eq 4 ]
	for n in m1 m2 m3 m4; do ev_requested "$n" deep; done >"$BATS_TEST_TMPDIR/req"
	run -0 --separate-stderr mvenrich <"$BATS_TEST_TMPDIR/req"
	[ "$(jq -r 'select(.type == "mv.movie.enriched") | .data.level' <<<"$output" | sort | uniq -c | awk '{print $1, $2}')" = "4 deep" ]
	profiles_valid
	# Ids over 2^31 stay exact, in profiles and claims.
	run jq -c '[.externalIds.tmdb, .credits.cast[0].tmdb, .credits.crew[0].tmdb, .externalIds.wikidata]' \
		"$MV_DATA/Movies/$(basename "$(readlink "$MV_DATA/index/ext/m/tmdb:3000000001")").json"
	assert_output '[3000000001,4000000001,4000000002,"Q4294967297"]'
	[ -L "$MV_DATA/index/ext/p/tmdb:4000000001" ]
	# Huge arrays are bounded: 20 cast members, each genre and keyword once.
	run jq -c '[(.credits.cast | length), (.genres | length), (.keywords | length)]' \
		"$MV_DATA/Movies/$(readlink "$MV_DATA/index/ext/m/tmdb:900004").json"
	assert_output '[20,500,2000]'
	mvindex --rebuild
	run -0 mvctl check
}

@test "hardening: file names with newlines, quotes, leading dashes, 255 bytes are filed once; bad UTF-8 is said and kept" {
	start_faketmdb
	mvctl init >/dev/null
	local names=($'New\nLine (1999).mkv' 'Say "Hello" (2001).mkv' "It's (2002).mkv" '-rf (2003).mkv'
		'--help.mkv' "$(printf 'A%.0s' $(seq 1 251)).mkv" $'Tab\there.mkv'
		'Back\slash (2005).mkv' ' lead space.mkv' 'Heat (1995).mkv') n sums=()
	# Names that are not UTF-8 (Latin-1 from an old share, junk bytes).
	local latin=($'Caf\xe9 (2004).mkv' $'\xff\xfe.mkv')
	for n in "${names[@]}" "${latin[@]}"; do
		mkvideo "$MV_DATA/incoming/$n" 1000
		sums+=("$(sha256sum <"$MV_DATA/incoming/$n" | cut -d' ' -f1)")
	done
	[ "${#names[5]}" -eq 255 ]
	run -0 --separate-stderr mvwatch --once --settle 0
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ev"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ev")" -eq ${#names[@]} ]
	# Regression: mvwatch emitted their raw bytes, which the event parser
	# refuses: mvenrich dropped the line ("invalid JSON") and the file sat
	# in incoming/ with no word about it. Now mvwatch names it, once.
	assert_equal "$(grep -c 'its name is not UTF-8 (rename it)$' <<<"$stderr")" 2
	run -0 --separate-stderr mvenrich <"$BATS_TEST_TMPDIR/ev"
	assert_equal "$stderr" ""
	jq -e . <<<"$output" >/dev/null
	# Every video exactly once: filed, or still in incoming/ for the two.
	for i in "${!sums[@]}"; do
		[ "$(copies_of "${sums[$i]}")" -eq 1 ] || { echo "file $i: $(copies_of "${sums[$i]}") copies"; return 1; }
	done
	[ "$(ls -A "$MV_DATA/incoming" | wc -l)" -eq 2 ]
	for n in "${latin[@]}"; do [ -f "$MV_DATA/incoming/$n" ]; done
	# What we named is text: every filed name is valid UTF-8, no control byte.
	run bash -c 'cd "$MV_DATA" && find assets quarantine -type f -print0 | iconv -f UTF-8 -t UTF-8 >/dev/null'
	assert_success
	[ -z "$(find "$MV_DATA/assets" "$MV_DATA/quarantine" -name $'*[\n\t]*')" ]
	[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv" ]
	profiles_valid
	mvindex --rebuild
	MV_INCOMING_GRACE=100d run -0 mvctl check
}

# ---- secrets -------------------------------------------------------------------

@test "hardening: the TMDB key is never in argv, logs, the journal, the cache or messages" {
	local key=KEYsecret$RANDOM$RANDOM token=TOKENsecret$RANDOM$RANDOM pid p seen=0
	start_faketmdb --key "$key" --key "$token"
	export TMDB_API_KEY=$key
	mvctl init >/dev/null
	mkvideo "$MV_DATA/incoming/Heat (1995).mkv" 5000
	mkvideo "$MV_DATA/incoming/Twelve Monkeys (1995).mkv" 5000
	local stages="mvwatch mvenrich mvindex"
	[ ! -x "$MV_BUILD/bin/mvstat" ] || stages="$stages mvstat"
	MV_PIPELINE_STAGES=$stages start_pipeline
	# Every process of the pipeline, sampled while it works: not in argv.
	# The stage files and argv are read with builtins: a sample costs two
	# processes (ps, pgrep), not thirty, so the samples are close.
	local line args stage_pids
	for i in $(seq 1 200); do
		stage_pids=
		for s in $stages; do
			{ read -r line <"$MV_DATA/run/stage.$s.json"; } 2>/dev/null || continue
			[[ $line =~ \"pid\":([0-9]+) ]] && stage_pids="$stage_pids ${BASH_REMATCH[1]}"
		done
		for p in $(ps -o pid= --ppid "$SUP") $(pgrep -s 0 -x 'mv[a-z]*' 2>/dev/null) $stage_pids; do
			{ mapfile -d '' args <"/proc/$p/cmdline"; } 2>/dev/null || continue
			[ ${#args[@]} -gt 0 ] || continue
			seen=$((seen + 1))
			if [[ "${args[*]}" == *"$key"* ]]; then
				echo "key in argv of $p: ${args[*]}"; return 1
			fi
		done
		[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv" ] && [ $i -gt 20 ] && break
		nap 0.05
	done
	[ "$seen" -gt 0 ]
	wait_until 20 test -f "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"
	# Deep levels (images, people), then failures: 401, 500, a timeout.
	mvctl request m1 --level deep >/dev/null
	wait_until 30 bash -c '[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = deep ]'
	faketmdb_faults 'fail_first=3&fail_status=401' >/dev/null
	mvctl request m2 --level deep >/dev/null 2>&1 || true
	faketmdb_faults 'clear=1' >/dev/null
	stop_group "$SUP"
	SUP=
	faketmdb_faults 'fail_first=2&fail_status=500' >/dev/null
	mvfetch movie 63 2>"$BATS_TEST_TMPDIR/fetch.err" >/dev/null || true
	TMDB_API_KEY=wrong$key mvfetch --no-cache movie 550 2>>"$BATS_TEST_TMPDIR/fetch.err" >/dev/null || true
	unset TMDB_API_KEY
	faketmdb_faults 'clear=1' >/dev/null
	TMDB_TOKEN=$token mvfetch --no-cache person 62 2>>"$BATS_TEST_TMPDIR/fetch.err" >/dev/null
	TMDB_TOKEN=wrong$token mvfetch --no-cache movie 63 2>>"$BATS_TEST_TMPDIR/fetch.err" >/dev/null || true
	MV_TMDB_URL=http://127.0.0.1:1/3 TMDB_TOKEN=$token mvfetch --no-cache movie 63 \
		2>>"$BATS_TEST_TMPDIR/fetch.err" >/dev/null || true
	# Errors happened, and were said...
	grep -q '^mvfetch: unable to ' "$BATS_TEST_TMPDIR/fetch.err"
	[ -s "$BATS_TEST_TMPDIR/pipeline.err" ] || [ -s "$BATS_TEST_TMPDIR/fetch.err" ]
	[ -n "$(ls -A "$MV_DATA/cache/tmdb")" ]
	# ...and nowhere under the data dir nor in any message is the key.
	run grep -rlaF -e "$key" -e "$token" "$MV_DATA" "$BATS_TEST_TMPDIR/pipeline.err" \
		"$BATS_TEST_TMPDIR/pipeline.out" "$BATS_TEST_TMPDIR/fetch.err"
	assert_failure 1
	assert_output ''
}
