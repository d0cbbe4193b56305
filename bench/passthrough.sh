#!/bin/sh
# passthrough: 1M CloudEvents lines through real filter stages, against cat
# and jq -c . in the same run. Each stage parses every line (a bad one
# would be reported) and passes events it does not handle through.
# Goal (issue 3): >= 600k events/s and >= 4x faster than jq.
# Usage: bench/passthrough.sh [EVENTS]   (default 1000000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
n=${1:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/mvbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export MV_DATA=$work/data LC_ALL=C
"$B/bin/mvctl" init --data "$MV_DATA" >/dev/null

# Realistic events of a type these stages do not act on, ~300 bytes each.
awk -v n="$n" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "{\"specversion\":\"1.0\",\"id\":\"5f0c2a9e8d7b6a41-%x\",\"source\":\"mvindex\",\"type\":\"mv.index.updated\",\"time\":\"2026-11-26T10:%02d:%02dZ\",\"subject\":\"m%d\",\"data\":{\"people\":%d,\"movies\":%d,\"note\":\"pass-through benchmark line %d\"}}\n", i, (i / 60) % 60, i % 60, i % 10000, i % 97, i % 10000, i
}' >"$work/events.ndjson"
bytes=$(wc -c <"$work/events.ndjson")

# Best of 3 wall-clock runs, in seconds.
best() {
	b=
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" <"$work/events.ndjson" >"$work/out" 2>"$work/err"
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
row() { # name seconds
	printf '%-22s %7.3f s %10.0f events/s\n' "$1" "$2" "$(echo "$n / $2" | bc -l)"
}

echo "passthrough: $n events, $bytes bytes"
tcat=$(best cat); row cat "$tcat"
tjq=$(best jq -c .); row "jq -c ." "$tjq"
fail=0
for stage in mvenrich mvindex mvdowngrade; do
	t=$(best "$B/bin/$stage" --data "$MV_DATA")
	row "$stage" "$t"
	# Byte-exact pass-through, and nothing said on stderr.
	if ! cmp -s "$work/events.ndjson" "$work/out" || [ -s "$work/err" ]; then
		echo "passthrough: $stage did not pass the stream through unchanged" >&2
		fail=1
	fi
	rate=$(echo "$n / $t" | bc -l)
	x=$(echo "$tjq / $t" | bc -l)
	printf '%-22s %.1fx faster than jq; goal >= 600000 events/s and >= 4x: %s\n' "" "$x" \
		"$( [ "$(echo "$rate >= 600000 && $x >= 4" | bc -l)" = 1 ] && echo met || echo MISSED)"
done
exit $fail
