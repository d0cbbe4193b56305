#!/usr/bin/env bash
# bench/download.sh: a 30-file release folder filed as one download
# (issue 16): one film, 20 subtitles, 4 extras, a sample, an NFO and 3
# junk files, through mvwatch --once | mvenrich against the fake TMDB.
# The probe is off there (its 20 s stand-in film would be a sample beside
# TMDB's 170 minutes): its cost per video is measured below. Baseline in the
# same run: the naive way, `mv` of the same files into a folder, with no
# match, no probe, no journal. Also the probe's cost per file: mv_probe
# (ffprobe in a child, time-bounded) against running ffprobe by hand.
# Usage: bench/download.sh [ROUNDS]   Env: MV_BUILD (build dir).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
rounds=${1:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/mvdl.XXXXXX") || exit 1
trap 'stop_faketmdb; rm -rf "$W"' EXIT INT TERM
. "$top/tests/faketmdb.bash"
export LC_ALL=C.UTF-8 TZ=UTC MV_SCHEMAS="$top/schemas" HOME=$W/home MV_TMDB_RATE=0
export PATH="$B/bin:$PATH"
unset MV_CONFIG XDG_CONFIG_HOME
export MV_PROBE=off
mkdir -p "$HOME" "$W/media"
start_faketmdb || exit 1

# Real small videos: a 20 s film, a 2 s sample and extra.
ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25:duration=20 \
	-f lavfi -i sine=duration=20 -c:v libx264 -preset ultrafast -c:a aac "$W/media/film.mkv" || exit 1
ffmpeg -v error -f lavfi -i testsrc=size=160x120:rate=25:duration=2 \
	-c:v libx264 -preset ultrafast "$W/media/short.mkv" || exit 1

release() { # dir: the 30 files
	local r=$1 i
	mkdir -p "$r/Subs" "$r/Sample" "$r/Featurettes"
	cp "$W/media/film.mkv" "$r/heat.1995.1080p.bluray.x264-grp.mkv"
	for i in $(seq 1 20); do
		printf '1\n00:00:01,000 --> 00:00:02,000\nline %s\n' "$i" \
			>"$r/Subs/$((i + 1))_$(sed -n "${i}p" <<'L'
English
French
German
Spanish
Italian
Portuguese
Dutch
Swedish
Danish
Finnish
Norwegian
Polish
Czech
Hungarian
Greek
Turkish
Russian
Japanese
Korean
Chinese
L
).srt"
	done
	for i in 1 2 3 4; do cp "$W/media/short.mkv" "$r/Featurettes/Extra $i.mkv"; done
	cp "$W/media/short.mkv" "$r/Sample/heat-sample.mkv"
	printf 'https://www.imdb.com/title/tt0113277/\r\n' >"$r/grp.nfo"
	echo junk >"$r/RARBG.txt"; echo junk >"$r/WWW.SITE.URL"; echo junk >"$r/grp.sfv"
}

now() { date +%s%N; }
best_mv=0 best_naive=0
for ((k = 1; k <= rounds; k++)); do
	D=$W/data$k
	mkdir -p "$D/incoming"
	mvctl --data "$D" init >/dev/null 2>&1
	release "$D/incoming/Heat.1995.1080p.BluRay.x264-GRP"
	[ "$(find "$D/incoming" -type f | wc -l)" -eq 30 ] || { echo "FAIL: not 30 files"; exit 1; }
	t0=$(now)
	mvwatch --data "$D" --once --settle 0 | mvenrich --data "$D" >/dev/null 2>"$W/err"
	t=$(( ($(now) - t0) / 1000000 ))
	filed=$(find "$D/assets/videos" -type f | wc -l)
	[ "$filed" -eq 25 ] || { echo "FAIL: $filed files filed, want 25 (film, 20 subtitles, 4 extras)"; cat "$W/err"; find "$D" -type f | head -40; exit 1; }
	[ $best_mv -eq 0 ] || [ $t -lt $best_mv ] && best_mv=$t
	N=$W/naive$k
	release "$N/in"
	mkdir -p "$N/out"
	t0=$(now)
	find "$N/in" -type f -print0 | xargs -0 mv -t "$N/out" --backup=numbered
	t=$(( ($(now) - t0) / 1000000 ))
	[ $best_naive -eq 0 ] || [ $t -lt $best_naive ] && best_naive=$t
done
echo "a 30-file release folder filed (mvwatch --once | mvenrich), best of $rounds: $best_mv ms"
echo "naive mv of the same 30 files, best of $rounds:                     $best_naive ms"

# The probe's cost per file: ffprobe by hand against mv_probe's child.
n=20
t0=$(now)
for ((i = 0; i < n; i++)); do
	ffprobe -v error -show_format -show_streams -of json "$W/media/film.mkv" >/dev/null
done
raw=$(( ($(now) - t0) / 1000000 / n ))
t0=$(now)
"$B/progs/probe" -n "$n" "$W/media/film.mkv" >/dev/null || { echo "FAIL: probe"; exit 1; }
ours=$(( ($(now) - t0) / 1000000 / n ))
echo "probe of one video: mv_probe $ours ms, ffprobe by hand $raw ms (mean of $n)"
echo "CPUs: $(getconf _NPROCESSORS_ONLN), $(uptime | sed 's/.*load/load/')"
