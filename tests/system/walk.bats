#!/usr/bin/env bats
# walk.bats: the whole-system test in make check: a walk of WALK_STEPS
# (200) random operations, seed WALK_SEED (14), through the supervised
# pipeline; tests/system/walk says which invariant broke, at which step,
# and how to replay it. Long walks: make soak SEED=N STEPS=N.

load ../test_helper

@test "system walk: 200 random operations (WALK_STEPS), every invariant after each" {
	# The walk bounds every wait itself; timeout(1) only keeps a hang of
	# the walk's own from holding make check (its trap still cleans up).
	run timeout -s TERM 900 "$MV_TOP/tests/system/walk" \
		--seed "${WALK_SEED:-14}" --steps "${WALK_STEPS:-200}"
	# On a failure, the walk's report is the test's output: what broke
	# (each FAIL line with what the invariant said), then the end of the
	# operation log and the replay command. The log alone is hundreds of
	# lines, and its tail hid the FAIL above it.
	[ "$status" -eq 0 ] || {
		printf '%s\n' "$output" | sed -n '/^walk: FAIL/,/^walk: operation log/p' | head -60
		printf '%s\n' "$output" | tail -40
		false
	}
	assert_line --regexp '^walk: seed [0-9]+: [0-9]+ steps in .*, 0 broken invariants$'
}
