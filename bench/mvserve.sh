#!/bin/bash
# bench/mvserve.sh: mvserve's API under load on a generated library of
# 10,000 movies and 50,000 people: /movies pages (every sort, some q) and
# /people/{id}/movies, over keep-alive connections on 127.0.0.1, with
# bench/httpload. Goal: p99 < 5 ms on a warm index. Bounded: each run
# stops at REQUESTS requests or 30 s.
# Usage: bench/mvserve.sh [-c CONNS] [-n REQUESTS] [LIBRARY-DIR]
#   LIBRARY-DIR is made with gen-library + mvindex --rebuild if it has no
#   index yet (kept for the next run when given; a temp dir otherwise).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
conns=4 requests=20000 goal_ms=5
while getopts c:n: opt; do
	case $opt in
	c) conns=$OPTARG ;;
	n) requests=$OPTARG ;;
	*) echo "usage: bench/mvserve.sh [-c CONNS] [-n REQUESTS] [LIBRARY-DIR]" >&2; exit 64 ;;
	esac
done
shift $((OPTIND - 1))
make -C "$top" -s B="$B" "$B/bin/mvserve" "$B/bin/mvindex" "$B/progs/gen-library" "$B/progs/httpload" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvserve-bench.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
lib=${1:-$tmp/lib}
export MV_SCHEMAS=$top/schemas LC_ALL=C.UTF-8
if [ ! -s "$lib/index/people.json" ]; then
	echo "mvserve bench: generating 10,000 movies and 50,000 people in $lib" >&2
	"$B/progs/gen-library" -m 10000 -p 50000 "$lib" >&2
	"$B/bin/mvindex" --data "$lib" --rebuild --no-sync >&2
fi

# The paths: every sort on pages spread over the whole list, some
# searches, and the movies of people who have some.
paths=$tmp/movies.txt ppaths=$tmp/people.txt
pages=$(jq '(.count + 19) / 20 | floor' "$lib/index/movies.json")
for sort in title year added lastRead -year -title; do
	for p in $(seq 1 7 "$pages"); do
		echo "/movies?page=$p&perPage=20&sort=$sort"
	done
done >"$paths"
for q in night river city ghost summer machine monkeys twelve dark star; do
	echo "/movies?q=$q&perPage=20"
	echo "/movies?q=$q&page=2&perPage=20&sort=year"
done >>"$paths"
shuf --random-source=<(yes) "$paths" -o "$paths"
# The people index is in shards (mv-profile(5)).
jq -r '.items[] | select(.movies | length > 0) | "/people/\(.id)/movies?perPage=20&sort=year"' \
	"$lib"/index/people/*.json | shuf --random-source=<(yes) | awk 'NR <= 5000' >"$ppaths"
cat "$paths" "$ppaths" | shuf --random-source=<(yes) >"$tmp/mixed.txt"

t0=$(date +%s.%N)
"$B/bin/mvserve" --data "$lib" --listen 127.0.0.1:0 --port-file "$tmp/port" \
	</dev/null >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
for _ in $(seq 1 1500); do
	[ -s "$tmp/port" ] && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/stderr" >&2; exit 70; }
	sleep 0.02
done
port=$(cat "$tmp/port")
curl -sf -o /dev/null "http://127.0.0.1:$port/health"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "mvserve bench: indexes loaded and answering after %.2f s\n", b - a }' >&2

# Warm up: every page once in each sort, then each person path once.
"$B/progs/httpload" -p "$port" -c "$conns" -n "$(wc -l <"$paths")" "$paths" >/dev/null
"$B/progs/httpload" -p "$port" -c "$conns" -n "$(wc -l <"$ppaths")" "$ppaths" >/dev/null

fail=0
for run in movies:"$paths" people:"$ppaths" mixed:"$tmp/mixed.txt"; do
	name=${run%%:*} file=${run#*:}
	out=$("$B/progs/httpload" -p "$port" -c "$conns" -n "$requests" -t 30 "$file")
	p99=$(jq -r .p99_ms <<<"$out")
	verdict=ok
	if [ "$(jq -r .errors <<<"$out")" != 0 ] || ! awk -v p="$p99" -v g="$goal_ms" 'BEGIN { exit !(p < g) }'; then
		verdict=FAIL
		fail=1
	fi
	printf '%-7s %s  p99 < %d ms: %s\n' "$name" "$out" "$goal_ms" "$verdict"
done
exit $fail
