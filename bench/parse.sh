#!/bin/sh
# bench/parse.sh: file-name parser accuracy on the peer suites and its
# speed (goal: >= 97% on each suite, >= 200,000 names/s on one thread).
# Usage: bench/parse.sh [suite-dir]   (default tests/fixtures/peers/filenames)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
make -C "$top" -s B="$B" "$B/progs/parse-accuracy" >&2
exec "$B/progs/parse-accuracy" -f "$top/bench/parse-floors" -s 2 \
	"${1:-$top/tests/fixtures/peers/filenames}"
