#!/bin/bash
# bench/scale.sh: the index and mvserve at the size of a large collection
# (issue 19). Prints each figure beside its target, then PASS or FAIL.
# Usage: bench/scale.sh [-s SIZE] [-r ROUNDS] [-o PART] [DIR]
#   SIZE: 10k (10,000 movies, 50,000 people), 50k, 100k (default: 100,000
#   movies, 500,000 people), 1mp (100,000 movies, 1,000,000 people).
#   DIR: where the library is generated, kept and reused (default
#   $TMPDIR/mv-bench-scale-SIZE). It is heavy at 100k: run it niced.
#   PART: only one part's figures: mvindex (rebuild and updates, which
#   write the library), mvserve (reads it, with the index as it is) or
#   mvdowngrade (its plan, a dry run).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
size=100k rounds=50 only=
while getopts s:r:o: opt; do
	case $opt in
	s) size=$OPTARG ;;
	r) rounds=$OPTARG ;;
	o) only=$OPTARG ;;
	*) echo "usage: bench/scale.sh [-s 10k|50k|100k|1mp] [-r ROUNDS] [-o PART] [DIR]" >&2; exit 64 ;;
	esac
done
case $only in
'' | mvindex | mvserve | mvdowngrade) ;;
*) echo "scale.sh: unknown part $only: mvindex, mvserve or mvdowngrade" >&2; exit 64 ;;
esac
# part NAME: 0 if NAME's figures are wanted.
part() { [ -z "$only" ] || [ "$only" = "$1" ]; }
shift $((OPTIND - 1))
case $size in
10k) M=10000 P=50000 ;;
50k) M=50000 P=250000 ;;
100k) M=100000 P=500000 ;;
1mp) M=100000 P=1000000 ;;
*) echo "scale.sh: unknown size $size" >&2; exit 64 ;;
esac
D=${1:-${TMPDIR:-/tmp}/mv-bench-scale-$size}
make -C "$top" -s B="$B" "$B/bin/mvindex" "$B/bin/mvserve" "$B/bin/mvdowngrade" \
	"$B/progs/gen-library" "$B/progs/index-latency" "$B/progs/httpload" \
	"$B/progs/read-floor" >&2
export LC_ALL=C.UTF-8 TZ=UTC MV_SCHEMAS=$top/schemas
if [ ! -e "$D/Movies/m$M.json" ] || [ ! -e "$D/People/p$P.json" ]; then
	echo "scale: generating $M movies and $P people in $D (once)" >&2
	rm -rf "$D"
	"$B/progs/gen-library" -m "$M" -p "$P" "$D" >&2
fi
mkdir -p "$D/index" "$D/run" "$D/stats"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mv-scale.XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fail=0
# row FIGURE VALUE UNIT OP TARGET: one line of the table, judged.
row() {
	local ok=ok
	awk -v v="$2" -v t="$5" -v op="$4" 'BEGIN { exit !(op == "<" ? v < t : v <= t) }' ||
		{ ok=FAIL; fail=1; }
	printf '%-44s %10s %-3s  target %s %s %s  %s\n' "$1" "$2" "$3" "$4" "$5" "$3" "$ok"
}
info() { printf '%-44s %10s %s\n' "$1" "$2" "$3"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# secs_since T0: the seconds since now_ms said T0, to the hundredth.
secs_since() { awk -v t="$(($(now_ms) - $1))" 'BEGIN { printf "%.2f", t / 1000 }'; }

echo "scale: $M movies, $P people in $D; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Rebuild: one warm-up (page cache, claims in place), then three
# measured, the median judged: a VM's speed moves by a third within
# minutes, and one run is as likely its worst moment as its best.
if part mvindex; then
"$B/bin/mvindex" --data "$D" --rebuild
for i in 1 2 3; do
	/usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$B/bin/mvindex" --data "$D" --rebuild
	cat "$tmp/time" >>"$tmp/rebuilds"
done
read -r wall rss usr sys < <(sort -n "$tmp/rebuilds" | sed -n 2p)
row "mvindex --rebuild, warm: wall, median of 3" "$wall" s "<" 5
info "  the three" "$(cut -d' ' -f1 "$tmp/rebuilds" | paste -sd' ')" s
row "mvindex --rebuild, warm: max RSS" "$(($(sort -n -k2 "$tmp/rebuilds" | tail -1 | cut -d' ' -f2) / 1024))" MB "<" 300
# Its CPU time beside the wall: CPU / CPUs near the wall says the
# rebuild is bound by the CPUs, not by waits (compare builds in
# alternated runs).
info "  its CPU time, user + sys" "$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "s on $(nproc) CPUs"
# Baselines in the same run: what reading every profile costs, which a
# rebuild must do while the profiles are the truth, one file each.
# read-floor reads them as the rebuild does (mv_profiles_read, every
# CPU) and makes nothing of them; cat and readlink (the claims) are the
# tools' way, with a process per 5,000 files.
read -r _ _ _ _ floor _ < <("$B/progs/read-floor" "$D")
info "  baseline: read-floor, every profile read" "$floor" s
t0=$(now_ms)
(cd "$D" && find Movies People -name '*.json' -print0 |
	xargs -0 -P "$(nproc)" -n 5000 cat >/dev/null)
info "  baseline: cat of every profile, $(nproc) procs" "$(secs_since "$t0")" s
t0=$(now_ms)
(cd "$D" && find index/ext -type l -print0 | xargs -0 -P "$(nproc)" -n 5000 readlink >/dev/null)
info "  baseline: readlink of every claim, $(nproc) procs" "$(secs_since "$t0")" s
info "index/movies*: size" "$(($(du -sb "$D"/index/movies* | awk '{ s += $1 } END { print s }') / 1048576))" MB
info "index/people*: size" "$(($(du -sb "$D"/index/people* | awk '{ s += $1 } END { print s }') / 1048576))" MB
# The check that mvctl check runs. The issue sets its time no target,
# but a small box must be able to run it: it streams as the rebuild
# does, and is held to the rebuild's memory. (It held the whole index
# as cJSON trees: 5.4 GB at 100k.) Right after a rebuild it finds
# nothing (exit 0).
/usr/bin/time -f '%e %M' -o "$tmp/time" "$B/bin/mvindex" --data "$D" --check >/dev/null
read -r wall rss <"$tmp/time"
info "mvindex --check: wall" "$wall" s
row "mvindex --check: max RSS" "$((rss / 1024))" MB "<" 300

# Through the filter as mvpipeline runs it (fsync): event in,
# mv.index.updated out. Fields: min median max p99.
read -r _ med _ p99 < <("$B/progs/index-latency" -n "$rounds" "$D" "$B/bin/mvindex")
row "one movie updated, filter, fsync: median" "$med" ms "<" 10
row "one movie updated, filter, fsync: p99" "$p99" ms "<" 50
read -r _ med _ p99 < <("$B/progs/index-latency" -n "$((rounds / 2))" -c "$D" "$B/bin/mvindex")
row "one credits change, filter, fsync: median" "$med" ms "<" 20
read -r _ med _ _ _ < <("$B/progs/index-latency" -n "$((rounds / 5))" -c -i "$D")
row "one credits change, in process, fsync: median" "$med" ms "<" 20
fi

# mvserve: started until /health answers; the first request of each
# route; then every route under load; its memory while serving.
if part mvserve; then
t0=$(now_ms)
"$B/bin/mvserve" --data "$D" --listen 127.0.0.1:0 --port-file "$tmp/port" \
	</dev/null >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
until [ -s "$tmp/port" ] && curl -sf -o /dev/null "http://127.0.0.1:$(cat "$tmp/port")/health"; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/stderr" >&2; exit 70; }
	sleep 0.01
done
row "mvserve ready (/health answers)" "$(($(now_ms) - t0))" ms "<" 500
port=$(cat "$tmp/port")
pm=$((M / 2)) pp=$((P / 2))
cat >"$tmp/routes" <<EOF
/movies?page=100
/movies?page=100&sort=-year
/movies?q=night+river
/movies/m$pm
/people?page=100
/people/p$pp
/people/p7/movies?sort=year
/health
/metrics
EOF
first=0
while read -r r; do
	t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$r")
	t=$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')
	info "  first $r" "$t" ms
	first=$(awk -v a="$first" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
done <"$tmp/routes"
row "every route, first request: worst" "$first" ms "<" 50
for i in $(seq 1 20); do
	echo "/movies?page=$((i * 37))&sort=title"
	echo "/people?page=$((i * 91))"
	echo "/movies/m$((i * M / 21))"
	echo "/people/p$((i * P / 21))"
	echo "/people/p$((i * 7))/movies?sort=year"
done >>"$tmp/routes"
out=$("$B/progs/httpload" -p "$port" -c 2 -n 5000 -t 30 "$tmp/routes")
[ "$(jq -r .errors <<<"$out")" = 0 ] || { echo "httpload errors: $out" >&2; fail=1; }
row "every route, after the first: p99" "$(jq -r .p99_ms <<<"$out")" ms "<" 5
row "mvserve RSS while serving" "$(($(awk '/VmRSS/ { print $2 }' "/proc/$pid/status") / 1024))" MB "<" 150
kill -TERM "$pid"
wait "$pid" || true
pid=
fi

# mvdowngrade's plan over the whole library (a dry run): the first plan
# reads every profile (cache/downgrade.scan is made then), the next reads
# only the changed ones, as a pipeline or a cron job does day after day.
if part mvdowngrade; then
plan() {
	MV_NOW=2026-12-01T00:00:00Z "$B/bin/mvdowngrade" --data "$D" --dry-run \
		--level minimal --unread-since 90d >/dev/null
}
rm -f "$D/cache/downgrade.scan"
t0=$(now_ms)
plan
echo "mvdowngrade --dry-run plan, cold (every profile read): $(($(now_ms) - t0)) ms"
t0=$(now_ms)
plan
row "mvdowngrade --dry-run plan" "$(($(now_ms) - t0))" ms "<" 2000
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ $fail -eq 0 ] && echo "PASS: scale targets met at $size${only:+ ($only)}" ||
	echo "FAIL: scale targets not met at $size${only:+ ($only)}"
exit $fail
