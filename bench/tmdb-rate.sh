#!/bin/bash
# tmdb-rate.sh: two mvfetch processes share the TMDB rate limit. They send
# 1,000 requests in all to the fake server at MV_TMDB_RATE=40; from the
# server's own arrival times we check that the rate reached is at least 90%
# of the limit and that no 1-second window holds more than the limit. Then
# it reports how many requests one movie costs at each level.
# Usage: bench/tmdb-rate.sh [TOTAL [RATE]]   (defaults 1000 40)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
total=${1:-1000}
rate=${2:-40}
half=$((total / 2))

work=$(mktemp -d "${TMPDIR:-/tmp}/tmdb-rate.XXXXXX")
. "$top/tests/faketmdb.bash"
trap 'stop_faketmdb; rm -rf "$work"' EXIT INT TERM
start_faketmdb
export MV_DATA=$work/data MV_TMDB_RATE=$rate
unset TMDB_TOKEN CREDENTIALS_DIRECTORY MV_TMDB_DEBUG MV_NOW

# Two processes, each fetching its movie $half times without the cache.
ids() { yes "$1" | head -n "$2" | tr '\n' ' '; }
start=$(date +%s.%N)
# shellcheck disable=SC2046
"$B/bin/mvfetch" --no-cache movie $(ids 63 "$half") >/dev/null &
a=$!
# shellcheck disable=SC2046
"$B/bin/mvfetch" --no-cache movie $(ids 550 $((total - half))) >/dev/null &
b=$!
wait "$a"
wait "$b"
end=$(date +%s.%N)

faketmdb_stats >"$work/stats.json"
if python3 - "$work/stats.json" "$total" "$rate" "$start" "$end" <<'EOF'
import bisect, json, sys
stats = json.load(open(sys.argv[1]))
total, rate = int(sys.argv[2]), float(sys.argv[3])
wall = float(sys.argv[5]) - float(sys.argv[4])
t = sorted(stats["times"])
n = len(t)
span = t[-1] - t[0]
# n requests over span seconds: n-1 intervals, the steady rate.
measured = (n - 1) / span if span > 0 else float("inf")
# Most requests in any 1-second window [t_i, t_i + 1).
worst = max(bisect.bisect_left(t, x + 1.0) - i for i, x in enumerate(t))
ok = n == total and measured >= 0.9 * rate and worst <= rate
print("requests: %d (server counted %d), statuses %s" % (total, n, stats["byStatus"]))
print("wall time: %.2f s, first to last request: %.2f s" % (wall, span))
print("measured rate: %.2f req/s = %.1f%% of the limit %g" % (measured, 100 * measured / rate, rate))
gaps = sorted(b - a for a, b in zip(t, t[1:]))
print("gaps between arrivals: min %.1f ms, median %.1f ms, max %.1f ms" % (
	1000 * gaps[0], 1000 * gaps[len(gaps) // 2], 1000 * gaps[-1]))
print("busiest 1-second window: %d requests (limit %g)" % (worst, rate))
print("result: %s" % ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
EOF
then st=0; else st=1; fi

# Requests per movie at each level, cold cache, then warm.
for level in basic medium deep; do
	faketmdb_reset
	"$B/bin/mvfetch" --refresh movie 63 --level "$level" >/dev/null
	cold=$(faketmdb_stats | jq .total)
	"$B/bin/mvfetch" movie 63 --level "$level" >/dev/null
	warm=$(($(faketmdb_stats | jq .total) - cold))
	echo "requests per movie, $level: $cold (cached again: $warm)"
done
exit $st
