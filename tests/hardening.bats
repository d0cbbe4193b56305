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
	MVFAULT_CALL=$call MVFAULT_ERRNO=$e LD_PRELOAD=$BATS_FILE_TMPDIR/mvfault.so "$@"
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
	assert_line "migrate: 1 migrated, 2 already at version 1, 0 failed"
}

@test "hardening: fault matrix (quick): write/fsync/rename/open faults, libfiu, read-only, full disk, unmount" {
	run "$MV_TOP/tests/faults/faults-test" -q
	echo "$output"
	[ "$status" -eq 0 ]
	refute_output --partial FAIL
	assert_line --regexp '^faults-test: [0-9]+ ok, 0 failed, [0-9]+ skipped$'
}
