#!/usr/bin/env bash
# load: sustain EVENTS events through the whole supervised pipeline
# (mvwatch | mvenrich | mvstat | mvdowngrade | mvnfo | mvindex) with the journal
# rotating, then drop FILES video files at once; report the time taken and
# each stage's peak RSS (VmHWM), so unbounded memory shows.
# Issue 10's figures: EVENTS=100000 FILES=10000.
# Usage: bench/load.sh [EVENTS [FILES]]   (default 100000 1000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
events=${1:-100000} files=${2:-1000}
export PATH=$B/bin:$top/scripts:$PATH LC_ALL=C.UTF-8
work=$(mktemp -d "${TMPDIR:-/tmp}/mvload.XXXXXX")
export MV_DATA=$work/data
unset TMDB_TOKEN TMDB_API_KEY
# The files dropped are a few bytes named .mkv: the probe would send every
# one to review as "not a video", after one ffprobe each. This measures the
# pipeline; bench/download.sh measures the probe.
export MV_PROBE=off

. "$top/tests/faketmdb.bash"
sup=
cleanup() {
	[ -z "$sup" ] || { kill -TERM "$sup" 2>/dev/null; wait "$sup" 2>/dev/null; }
	stop_faketmdb
	rm -rf "$work"
}
trap cleanup EXIT
start_faketmdb --root "$top/data/sample/tmdb" --no-auth >/dev/null
unset TMDB_API_KEY

# A small journal bound, so 100,000 events rotate it many times.
export MV_ARGS_mvwatch="--settle 0" MV_ARGS_mvstat="--journal-max 4M --journal-keep 2"
setsid mvpipeline 2>"$work/pipeline.err" &
sup=$!
until [ -e "$MV_DATA/run/pipeline.ready" ]; do
	kill -0 "$sup" || { cat "$work/pipeline.err" >&2; exit 1; }
	sleep 0.1
done

# Events mvstat has counted, from its metrics file (0 before the first).
counted() {
	awk '/^mv_events_total/ { n += $2 } END { print n + 0 }' "$MV_DATA/stats/mv.prom" 2>/dev/null || echo 0
}
peaks() {
	for s in mvwatch mvenrich mvstat mvdowngrade mvnfo mvindex; do
		pid=$(jq -r --arg s "$s" '.stages[] | select(.name == $s) | .pid' \
			"$MV_DATA/run/pipeline.status")
		kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo '?')
		printf '  %-12s peak RSS %6s kB\n' "$s" "$kb"
	done
}

# 1. Events: a type no stage acts on, so every stage parses and passes it,
# and mvstat journals and counts it. Written through the injection FIFO,
# then one last event whose arrival in the journal (written per burst by
# the third stage, mvstat) ends the clock; the metrics (written every few seconds)
# must then count every one.
base=$(counted)
t0=$(date +%s.%N)
awk -v n="$events" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "{\"specversion\":\"1.0\",\"id\":\"load-%d\",\"source\":\"load\",\"type\":\"mv.load.tick\",\"time\":\"2026-11-26T10:00:00Z\",\"data\":{\"n\":%d,\"pad\":\"sustained load through every stage of the pipeline\"}}\n", i, i
	printf "{\"specversion\":\"1.0\",\"id\":\"load-end\",\"source\":\"load\",\"type\":\"mv.load.tick\"}\n"
}' >"$MV_DATA/run/inject.fifo"
until grep -q '"id":"load-end"' "$MV_DATA/events/journal.ndjson" 2>/dev/null; do
	kill -0 "$sup" || { cat "$work/pipeline.err" >&2; exit 1; }
	sleep 0.05
done
t1=$(date +%s.%N)
until [ "$(counted)" -ge $((base + events + 1)) ]; do
	kill -0 "$sup" || { cat "$work/pipeline.err" >&2; exit 1; }
	sleep 0.2
done
rot=$(ls "$MV_DATA/events" | grep -c 'journal.ndjson.[0-9]' || true)
awk -v n="$events" -v a="$t0" -v b="$t1" -v r="$rot" 'BEGIN {
	printf "events: %d through the pipeline into the journal (stage 4 of 5) in %.2f s (%.0f events/s); journal rotated, %d old files kept\n", n, b - a, n / (b - a), r }'
peaks

# 2. Files: dropped at once (renamed into incoming/, as finished downloads).
mkdir -p "$work/drop"
for i in $(seq 1 "$files"); do
	# Copies told apart by their release group: "part$i" would make them
	# loose parts of one film, which wait --part-wait for each other.
	printf '%s' "$i" >"$work/drop/Heat.1995.1080p.BluRay.x264-COPY$i.mkv"
done
t0=$(date +%s.%N)
mv "$work/drop"/* "$MV_DATA/incoming/"
until [ -z "$(ls -A "$MV_DATA/incoming")" ]; do
	kill -0 "$sup" || { cat "$work/pipeline.err" >&2; exit 1; }
	sleep 0.2
done
t1=$(date +%s.%N)
# Videos only: mvnfo writes an NFO beside each filed film.
filed=$(find "$MV_DATA/assets/videos" -type f -name '*.mkv' | wc -l)
review=$(find "$MV_DATA/quarantine" -type f ! -name '*.why.json' | wc -l)
awk -v n="$files" -v a="$t0" -v b="$t1" -v f="$filed" -v q="$review" 'BEGIN {
	printf "files: %d handled in %.1f s (%.1f files/s): %d filed, %d in review (copies of one film)\n", n, b - a, n / (b - a), f, q }'
[ $((filed + review)) -eq "$files" ] || { echo "load: files lost: $filed + $review != $files" >&2; exit 1; }
peaks
