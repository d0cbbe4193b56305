#!/usr/bin/env bats
# mvpipeline: the supervisor's wiring, restart policy and clean stop,
# with stub stages (real FIFOs, processes and signals).

load test_helper

setup() {
	mv_test_env
	export PATH=$MV_TOP/tests/fixtures/mvpipeline/bin:$PATH
	export MV_RESTART_MIN=1 MV_STOP_GRACE=2
	mkdir -p "$MV_DATA/run"
	run_dir=$MV_DATA/run
}

teardown() {
	[ -z "${BATS_TEST_COMPLETED:-}" ] && cat "$BATS_TEST_TMPDIR/sup.err" >&3 2>/dev/null || true
	[ -z "${sup:-}" ] || stop_group "$sup"
}

# Start the supervisor in its own session; wait until it is ready.
start_pipeline() {
	setsid mvpipeline "$@" 2>"$BATS_TEST_TMPDIR/sup.err" &
	sup=$!
	wait_for_file "$run_dir/pipeline.ready" 10
}

inject() {
	printf '%s\n' "$1" >"$run_dir/inject.fifo"
}

ev() {
	printf '{"specversion":"1.0","id":"%s","source":"t","type":"mv.movie.requested","data":{"id":"m1"}}' "$1"
}

# True when FILE has exactly N lines.
lines_are() {
	[ "$(wc -l <"$2" 2>/dev/null)" = "$1" ]
}

# SIGTERM the supervisor and wait for it: its exit status in $status,
# how long the stop took in $ms.
term_and_time() {
	local t0=${EPOCHREALTIME/[.,]/}
	kill -TERM "$sup"
	status=0
	wait "$sup" || status=$?
	sup=
	ms=$(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 ))
}

# True when no stub stage of this test is alive any more.
no_orphans() {
	! pgrep -f "$MV_TOP/tests/fixtures/mvpipeline/bin/" >/dev/null
}

@test "mvpipeline: usage errors exit 64, --help exits 0" {
	run -64 --separate-stderr mvpipeline --bogus
	assert_equal "$stderr" 'usage: mvpipeline [-d|--data DIR] [--no-check] [--stages "LIST"] [-h | --help | --version]'
	run -0 mvpipeline --help
	assert_output --partial 'usage: mvpipeline'
}

@test "mvpipeline: a missing stage is a configuration error (78)" {
	run -78 --separate-stderr mvpipeline --stages "mvwatch nosuchstage"
	assert_equal "$stderr" "mvpipeline: unable to find stage nosuchstage in PATH"
	[ ! -e "$run_dir/pipeline.status" ]
}

@test "mvpipeline: refuses to start on an invalid library (65), starts nothing" {
	touch "$MV_DATA/BROKEN"
	run -65 --separate-stderr mvpipeline --stages "mvwatch stagecat sink"
	assert_equal "$stderr" "Movies/m1.json: /year: type: not an integer
mvpipeline: unable to start: the library in $MV_DATA is invalid (see mvctl check; mvctl repair)"
	[ ! -e "$MV_DATA/stagecat.starts" ]
}

@test "mvpipeline: the boot check is mvctl check --boot; what it lets start is a warning" {
	touch "$MV_DATA/STUCK"
	start_pipeline --stages "mvwatch stagecat sink"
	assert_equal "$(cat "$MV_DATA/check.args")" "check --boot --data $MV_DATA"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/sup.err")" \
		"mvpipeline: starting; mvctl check found what the pipeline fixes as it runs (see $run_dir/boot-check.txt)"
	assert_equal "$(head -n 1 "$run_dir/boot-check.txt")" "incoming/Heat.1995.mkv: not filed after 3d00h"
	run jq -r .state "$run_dir/pipeline.status"
	assert_output running
}

@test "mvpipeline: injected events flow through every stage in order" {
	start_pipeline --stages "mvwatch stagecat stagecat sink"
	for i in 1 2 3; do inject "$(ev $i)"; done
	wait_until 10 lines_are 3 "$MV_DATA/sink.ndjson"
	run jq -r .id "$MV_DATA/sink.ndjson"
	assert_output $'1\n2\n3'
	run jq -r '.state, (.stages | length), .stages[0].name' "$run_dir/pipeline.status"
	assert_output $'running\n4\nmvwatch'
}

@test "mvpipeline: by default mvindex is the last stage, so every event reaches it" {
	# Stubs under the real names: the middle ones pass through, the
	# last keeps what it gets.
	local bin=$BATS_TEST_TMPDIR/bin s
	mkdir -p "$bin"
	for s in mvenrich mvstat mvdowngrade mvnfo; do
		ln -s "$MV_TOP/tests/fixtures/mvpipeline/bin/stagecat" "$bin/$s"
	done
	ln -s "$MV_TOP/tests/fixtures/mvpipeline/bin/sink" "$bin/mvindex"
	PATH=$bin:$PATH start_pipeline --no-check
	run jq -r '[.stages[].name] | join(" ")' "$run_dir/pipeline.status"
	assert_output "mvwatch mvenrich mvstat mvdowngrade mvnfo mvindex"
	inject "$(ev last)"
	wait_until 10 lines_are 1 "$MV_DATA/sink.ndjson"
	run jq -r .id "$MV_DATA/sink.ndjson"
	assert_output last
}

@test "mvpipeline: only one supervisor per library (75)" {
	start_pipeline --stages "mvwatch sink"
	run -75 --separate-stderr mvpipeline --stages "mvwatch sink"
	assert_equal "$stderr" "mvpipeline: unable to lock $run_dir/pipeline.lock: another pipeline is running"
}

@test "mvpipeline: exit 75 restarts with a growing delay, and nothing is lost" {
	start_pipeline --stages "mvwatch flaky sink"
	inject "$(ev a)"
	wait_until 15 grep -qx 3 "$MV_DATA/flaky.count"
	wait_until 10 test -s "$MV_DATA/sink.ndjson"
	run jq -r .id "$MV_DATA/sink.ndjson"
	assert_output a
	# The supervisor chose delays of 1 s then 2 s, and kept them: each gap
	# between starts is at least its delay. Only lower bounds are checked:
	# on a loaded machine a start can come late, never early.
	run grep -o 'restarting in [0-9]*s' "$BATS_TEST_TMPDIR/sup.err"
	assert_output $'restarting in 1s\nrestarting in 2s'
	run awk 'NR > 1 { print ($1 - prev >= d) ? "ok" : "early " $1 - prev; d *= 2 }
		{ prev = $1 } NR == 1 { d = 1 }' "$MV_DATA/flaky.times"
	assert_output $'ok\nok'
	wait_until 5 jq -e '.stages[1].restarts == 2' "$run_dir/pipeline.status"
	run jq -r '.stages[1].lastExit, .lastError.exit' "$run_dir/pipeline.status"
	assert_output $'75\n75'
}

@test "mvpipeline: a killed stage restarts and the queued event survives" {
	start_pipeline --stages "mvwatch stagecat sink"
	wait_until 5 test -s "$MV_DATA/stagecat.starts"
	kill -KILL "$(head -n 1 "$MV_DATA/stagecat.starts")"
	inject "$(ev kept)"
	wait_until 10 test -s "$MV_DATA/sink.ndjson"
	run jq -r .id "$MV_DATA/sink.ndjson"
	assert_output kept
	run wc -l <"$MV_DATA/stagecat.starts"
	assert_output 2
}

@test "mvpipeline: a permanent failure (78) stops everything with 78" {
	setsid mvpipeline --stages "mvwatch stagecat fatal" 2>"$BATS_TEST_TMPDIR/sup.err" &
	sup=$!
	status=0
	wait "$sup" || status=$?
	sup=
	[ "$status" -eq 78 ]
	grep -q 'stage fatal exited 78 (permanent failure): stopping the pipeline' "$BATS_TEST_TMPDIR/sup.err"
	run jq -r .state "$run_dir/pipeline.status"
	assert_output failed
	wait_until 5 no_orphans
}

# Run the pipeline with a stage that exits $1 until the pipeline ends;
# prints the pipeline's exit status.
pipeline_exit_with() {
	local st=0
	STUB_EXIT=$1 setsid mvpipeline --stages "mvwatch stagecat exitwith" \
		2>"$BATS_TEST_TMPDIR/sup.err" &
	sup=$!
	wait "$sup" || st=$?
	sup=
	echo "$st"
}

@test "mvpipeline: every permanent code of mvctl exit-codes (lib/exit.c) stops the pipeline" {
	local code
	run -0 --separate-stderr "$MV_BUILD/bin/mvctl" exit-codes --permanent
	assert_equal "$output" "64 65 78"
	for code in $output; do
		rm -f "$run_dir/permanent-exit"
		[ "$(pipeline_exit_with "$code")" -eq "$code" ]
		grep -q "stage exitwith exited $code (permanent failure): stopping the pipeline" \
			"$BATS_TEST_TMPDIR/sup.err"
		wait_until 5 no_orphans
	done
}

@test "mvpipeline: the permanent codes are mvctl's, not a copy in the script" {
	# With mvctl saying 75 is permanent, a stage exiting 75 stops it all.
	export STUB_PERMANENT=75
	[ "$(pipeline_exit_with 75)" -eq 75 ]
	grep -q 'stage exitwith exited 75 (permanent failure): stopping the pipeline' \
		"$BATS_TEST_TMPDIR/sup.err"
	wait_until 5 no_orphans
}

@test "mvpipeline: no permanent codes from mvctl is a configuration error (78)" {
	export STUB_PERMANENT=none
	run -78 --separate-stderr mvpipeline --stages "mvwatch stagecat sink"
	assert_equal "$stderr" "mvpipeline: unable to read the permanent exit codes: mvctl exit-codes failed or is not in PATH"
	[ ! -e "$run_dir/pipeline.status" ]
}

@test "mvpipeline: SIGTERM stops cleanly: exit 0, no orphans, not ready" {
	start_pipeline --stages "mvwatch stagecat sink"
	kill -TERM "$sup"
	status=0
	wait "$sup" || status=$?
	sup=
	[ "$status" -eq 0 ]
	[ ! -e "$run_dir/pipeline.ready" ]
	run jq -r '.state, ([.stages[].state] | unique | join(","))' "$run_dir/pipeline.status"
	assert_output $'stopped\nstopped'
	no_orphans
	# The lock is free again: a new supervisor may start.
	flock -n "$run_dir/pipeline.lock" true
}

@test "mvpipeline: SIGTERM does not wait out MV_STOP_GRACE when the stages exit at once" {
	# The grace is a bound, not a wait: stages that exit on SIGTERM end
	# the stop at once, and none is killed.
	export MV_STOP_GRACE=60
	start_pipeline --stages "mvwatch stagecat sink"
	wait_until 5 test -s "$MV_DATA/stagecat.starts"
	term_and_time
	echo "the stop took $ms ms"
	[ "$status" -eq 0 ]
	[ "$ms" -lt 20000 ]
	# Each stage exited by itself: none was killed (128 + 9).
	run jq -r '[.stages[].lastExit] | map(select(. == 137)) | length' "$run_dir/pipeline.status"
	assert_output 0
	no_orphans
}

@test "mvpipeline: a stage that ignores SIGTERM is killed after MV_STOP_GRACE" {
	export MV_STOP_GRACE=1
	start_pipeline --stages "mvwatch stubborn sink"
	wait_until 5 test -s "$MV_DATA/stubborn.starts"
	term_and_time
	[ "$status" -eq 0 ]
	# It had its grace, then the KILL; the status it records is the
	# stage's own (137), not that of the loop's interrupted wait (143).
	[ "$ms" -ge 1000 ]
	run jq -r '.stages[] | select(.name == "stubborn") | .lastExit, .state' "$run_dir/pipeline.status"
	assert_output $'137\nstopped'
	no_orphans
}

@test "mvpipeline: a kill -9 of the supervisor alone stops its stages and frees the lock" {
	# Regression: the stage loops went on running without it, holding
	# the lock, and a new supervisor exited 75 until someone killed them.
	start_pipeline --stages "mvwatch stagecat sink"
	wait_until 5 test -s "$MV_DATA/stagecat.starts"
	kill -KILL "$sup"
	wait "$sup" 2>/dev/null || true
	sup=
	wait_until 10 no_orphans
	wait_until 10 flock -n "$run_dir/pipeline.lock" true
	# And a new one starts and works.
	start_pipeline --stages "mvwatch stagecat sink"
	inject "$(ev after)"
	wait_until 10 test -s "$MV_DATA/sink.ndjson"
	run jq -r .id "$MV_DATA/sink.ndjson"
	assert_output after
}

@test "mvpipeline: more stages than sh has spare file descriptors: events flow through all of them" {
	# Each stage loop holds its own output FIFO, so the 0-9 of sh no
	# longer bound the pipeline (it was "at most 5 stages": mvnfo made 6).
	start_pipeline --stages "mvwatch stagecat stagecat stagecat stagecat stagecat stagecat sink"
	run jq -r '.stages | length' "$run_dir/pipeline.status"
	assert_output 8
	for i in 1 2 3; do inject "$(ev $i)"; done
	wait_until 10 lines_are 3 "$MV_DATA/sink.ndjson"
	run jq -r .id "$MV_DATA/sink.ndjson"
	assert_output $'1\n2\n3'
}
