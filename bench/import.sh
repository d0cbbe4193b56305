#!/bin/bash
# bench/import.sh: mvctl import --in-place of a 1,000-movie Jellyfin tree
# ("Title N (Year) [tmdbid-N]/Title N (Year) [tmdbid-N].mkv", small
# files) against the fake TMDB server serving 1,000 films made from the
# sample's Heat. Prints the wall time of the import, and of a second
# import of the same tree (which adds nothing). MV_TMDB_RATE=0 unless
# set: TMDB's own 40 requests a second would bound the run at 2 requests
# a film (the film, its card poster), 50 s for 1,000.
# Usage: bench/import.sh [N]   (env MV_BUILD, MV_TMDB_RATE)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
N=${1:-1000}
make -C "$top" -s B="$B" all >&2
W=$(mktemp -d /dev/shm/mvimport.XXXXXX 2>/dev/null) || W=$(mktemp -d "${TMPDIR:-/tmp}/mvimport.XXXXXX")
trap 'stop_faketmdb; rm -rf "$W"' EXIT INT TERM
. "$top/tests/faketmdb.bash"

# The films: Heat's reply with a new id, title and IMDb id each.
mkdir -p "$W/tmdb/movie" "$W/lib"
cp "$top/data/sample/tmdb/configuration.json" "$W/tmdb/"
cp -r "$top/data/sample/tmdb/images" "$W/tmdb/" 2>/dev/null || true
jq -c --argjson n "$N" 'range(1; $n + 1) as $i | .id = 100000 + $i |
	.title = "Film \($i)" | .original_title = .title |
	.imdb_id = "tt9\(1000000 + $i)"' "$top/data/sample/tmdb/movie/949.json" |
while IFS= read -r m; do
	i=$(printf '%s' "$m" | jq .id)
	printf '%s\n' "$m" >"$W/tmdb/movie/$i.json"
	d="$W/lib/Film $((i - 100000)) (1995) [tmdbid-$i]"
	mkdir -p "$d"
	printf 'x' >"$d/Film $((i - 100000)) (1995) [tmdbid-$i].mkv"
done

export HOME=$W/home MV_DATA=$W/data MV_SCHEMAS=$top/schemas MV_PROBE=off
export MV_TMDB_RATE=${MV_TMDB_RATE:-0} PATH=$B/bin:$PATH
unset MV_CONFIG XDG_CONFIG_HOME MV_ROOT
mkdir -p "$HOME"
start_faketmdb --root "$W/tmdb"
mvctl init >/dev/null
t0=$(date +%s.%N)
mvctl --text import --in-place "$W/lib" >"$W/out"
t1=$(date +%s.%N)
mvctl --text import --in-place "$W/lib" >"$W/out2"
t2=$(date +%s.%N)
mvctl check >/dev/null
printf 'import in place, %d movies: %.1f s (%s)\n' "$N" "$(echo "$t1 - $t0" | bc)" "$(tail -1 "$W/out")"
printf 'second import: %.1f s (%s)\n' "$(echo "$t2 - $t1" | bc)" "$(tail -1 "$W/out2")"
printf 'mvctl check: ok\n'
