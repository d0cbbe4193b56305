#!/usr/bin/env bats
# common-options.bats: every tool takes -d/--data DIR, -h/--help and
# --version the same way, and ends an unknown option the same way
# (lib/opt.c; issue 15). One file for all tools, so a tool that drifts
# shows up next to the others.

load test_helper
load faketmdb

TOOLS='mvwatch mvfetch mvenrich mvindex mvstat mvdowngrade mvserve mvctl mvpipeline'

teardown() {
	stop_faketmdb
}

@test "common options: -h and --help print the usage on stdout, nothing on stderr, exit 0" {
	local t o
	for t in $TOOLS; do
		for o in -h --help; do
			run --separate-stderr "$t" "$o"
			[ "$status" -eq 0 ] || { echo "$t $o: exit $status"; false; }
			[[ ${lines[0]} == "usage: $t "* ]] || { echo "$t $o: ${lines[0]}"; false; }
			[ -z "$stderr" ] || { echo "$t $o: stderr: $stderr"; false; }
		done
	done
}

@test "common options: --version prints \"TOOL MV_VERSION\" and exits 0" {
	local t version
	version=$(sed -n 's/^#define MV_VERSION "\(.*\)"$/\1/p' "$MV_TOP/lib/mv.h")
	[ "$version" = 0.1.0 ]
	for t in $TOOLS; do
		run --separate-stderr "$t" --version
		[ "$status" -eq 0 ] || { echo "$t: exit $status"; false; }
		[ "$output" = "$t $version" ] || { echo "$t: $output"; false; }
		[ -z "$stderr" ] || { echo "$t: stderr: $stderr"; false; }
	done
}

@test "common options: an unknown option exits 64 with the usage on stderr only" {
	local t
	for t in $TOOLS; do
		run --separate-stderr "$t" --no-such-option
		[ "$status" -eq 64 ] || { echo "$t: exit $status"; false; }
		[ -z "$output" ] || { echo "$t: stdout: $output"; false; }
		grep -q "^usage: $t " <<<"$stderr" || { echo "$t: stderr: $stderr"; false; }
	done
}

# The tools that open an existing library: a missing DIR given either way
# is the directory they report (exit 66), so the option was taken.
@test "common options: -d DIR and --data DIR name the library of mvindex, mvstat, mvdowngrade, mvserve, mvctl" {
	local o missing=$BATS_TEST_TMPDIR/none
	for o in -d --data; do
		run --separate-stderr mvindex "$o" "$missing" --check
		[ "$status" -eq 66 ]
		[ "$stderr" = "mvindex: unable to open data directory $missing: No such file or directory" ]
		run --separate-stderr mvstat "$o" "$missing" --summary
		[ "$status" -eq 66 ]
		[ "$stderr" = "mvstat: unable to open data directory $missing: No such file or directory" ]
		run --separate-stderr mvdowngrade "$o" "$missing" --once --dry-run
		[ "$status" -eq 66 ]
		[ "$stderr" = "mvdowngrade: unable to open data directory $missing: No such file or directory" ]
		run --separate-stderr mvserve "$o" "$missing"
		[ "$status" -eq 66 ]
		[ "$stderr" = "mvserve: unable to open data directory $missing: No such file or directory" ]
		# mvctl: before the verb and after it.
		run --separate-stderr mvctl "$o" "$missing" status
		[ "$status" -eq 66 ]
		[ "$stderr" = "mvctl: unable to open data directory $missing: No such file or directory" ]
		run --separate-stderr mvctl status "$o" "$missing"
		[ "$status" -eq 66 ]
		[ "$stderr" = "mvctl: unable to open data directory $missing: No such file or directory" ]
	done
	[ ! -e "$missing" ]
}

# The tools that make the layout on first use: DIR is created and used.
@test "common options: -d DIR and --data DIR are the library mvwatch and mvenrich create" {
	local o d
	for o in -d --data; do
		d=$BATS_TEST_TMPDIR/watch$o
		run --separate-stderr mvwatch "$o" "$d" --once
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		[ -z "$stderr" ]
		[ -d "$d/incoming" ]
		[ -d "$d/run" ]
		d=$BATS_TEST_TMPDIR/enrich$o
		run --separate-stderr mvenrich "$o" "$d" </dev/null
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		[ -z "$stderr" ]
		[ -d "$d/Movies" ]
	done
	[ ! -e "$MV_DATA" ]
}

@test "common options: -d DIR and --data DIR hold mvfetch's cache" {
	local o d
	start_faketmdb
	for o in -d --data; do
		d=$BATS_TEST_TMPDIR/fetch$o
		mvctl init "$o" "$d"
		run --separate-stderr mvfetch "$o" "$d" config
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[ -n "$(find "$d/cache" -type f)" ]
	done
	[ ! -e "$MV_DATA" ]
}

# mvpipeline: a DIR that is a file cannot hold run/: the error names it.
@test "common options: -d DIR and --data DIR are mvpipeline's library" {
	local o
	touch "$BATS_TEST_TMPDIR/file"
	for o in -d --data; do
		run --separate-stderr mvpipeline "$o" "$BATS_TEST_TMPDIR/file" --stages mvstat
		[ "$status" -eq 73 ]
		[ "${stderr##*$'\n'}" = "mvpipeline: unable to create $BATS_TEST_TMPDIR/file/run" ]
	done
	[ ! -e "$MV_DATA" ]
}
