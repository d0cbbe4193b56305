#!/bin/sh
# bench/match.sh: the match test set (tests/fixtures/match/names.tsv)
# through mvenrich against the fake TMDB server. Prints the share of the
# clear names filed right, the share sent to review, the wrong filings
# (goal: 0 wrong, >= 97% of the clear names right) and TMDB requests a name.
# Usage: bench/match.sh   (env MV_BUILD)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-$top/build}
case $B in /*) ;; *) B=$top/$B ;; esac
make -C "$top" -s B="$B" all >&2
# On tmpfs when there is one: filing fsyncs every step.
W=$(mktemp -d /dev/shm/mvmatch.XXXXXX 2>/dev/null) || W=$(mktemp -d "${TMPDIR:-/tmp}/mvmatch.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
MV_BUILD=$B "$top/tests/fixtures/match/run" "$W/w" >"$W/result"
awk -F'\t' -v req="$(jq -s 'map(.data.tmdbRequests // 0) | add' "$W/w/out")" '
	$1 != "review" { clear++; if ($1 == $2) right++; else if ($2 == "review") rev++ }
	$1 == "review" { amb++; if ($2 == "review") amb_rev++ }
	$2 != "review" && $1 != $2 { wrong++; bad = bad "  wrong: expected " $1 ", got " $2 ": " $3 "\n" }
	$1 != "review" && $2 == "review" { miss = miss "  review: " $3 ": " $4 "\n" }
	END {
		printf "names: %d (%d clear, %d ambiguous)\n", NR, clear, amb
		printf "clear names filed right: %d/%d = %.1f%%\n", right, clear, 100 * right / clear
		printf "clear names sent to review: %d/%d = %.1f%%\n", rev, clear, 100 * rev / clear
		printf "ambiguous names sent to review: %d/%d\n", amb_rev, amb
		printf "wrong filings: %d\n", wrong
		printf "TMDB requests: %d, %.2f a name\n", req, req / NR
		printf "%s%s", bad, miss
	}' "$W/result"
