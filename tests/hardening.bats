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
