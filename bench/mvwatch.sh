#!/bin/sh
# bench/mvwatch.sh: drop 10,000 files at once under mvwatch (--settle 0).
# Every file must be reported exactly once, live and across an inotify
# queue overflow (forced by stopping mvwatch while the files land). Prints
# the close-to-event latency p50/p99 and mvwatch's peak RSS (VmHWM)
# against the goals: p99 < 50 ms, RSS < 5 MB.
# Usage: bench/mvwatch.sh [N]   (MVWATCH_BENCH_TMP: where to drop, default $TMPDIR)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
n=${1:-10000}
make -C "$top" -s B="$B" "$B/bin/mvwatch" "$B/progs/mvwatch_bench" >&2

tmp=$(mktemp -d "${MVWATCH_BENCH_TMP:-${TMPDIR:-/tmp}}/mvwatch-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# One run: a fresh data dir; prints the driver's result line plus what
# mvwatch said about overflows.
run() { # name [--stopped]
	name=$1
	shift
	MV_DATA=$tmp/$name/data "$B/progs/mvwatch_bench" "$@" "$B/bin/mvwatch" "$n" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" || {
		cat "$tmp/$name.out" "$tmp/$name.err" >&2
		echo "mvwatch bench: $name: FAILED: not every file reported exactly once" >&2
		return 1
	}
	over=$(sed -n 's/.* \([0-9]*\) queue overflows$/\1/p' "$tmp/$name.err")
	echo "$name: $(cat "$tmp/$name.out") overflows=${over:-?}"
}

echo "# mvwatch: $n files dropped at once, --settle 0, on $(df -P "$tmp" | awk 'NR==2 {print $1}')"
run live
run overflow --stopped
# Goals, from the live run (the overflow run's latency includes the stop).
awk '{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	p99 = v["p99_ms"] + 0; rss = v["peak_rss_kb"] + 0
	printf "goal p99 < 50 ms: %s (%.2f ms); goal RSS < 5 MB: %s (%d kB)\n",
		p99 < 50 ? "met" : "MISSED", p99, rss < 5120 ? "met" : "MISSED", rss
}' "$tmp/live.out"
grep -q ' queue overflows$' "$tmp/overflow.err" &&
	! grep -q ' 0 queue overflows$' "$tmp/overflow.err" ||
	echo "note: the stopped run did not overflow (fs.inotify.max_queued_events=$(cat /proc/sys/fs/inotify/max_queued_events))"
