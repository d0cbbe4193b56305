#!/bin/sh
# bench/check.sh: the schema validation mvctl check does, on a generated
# library of 10,000 movies and 50,000 people: `mvctl validate` of every
# profile (read, parsed, validated against its schema) against jq only
# parsing the same documents (`jq empty`), the least any check must do.
# Target (once a timed unit test): validating costs no more than jq's
# parse alone. The whole `mvctl check` (the index compared with a fresh
# scan too) is printed beside it.
# Usage: bench/check.sh [DIR]   (DIR: where the library is generated;
#        kept and reused if it already holds one; default a temp dir)
# Env: MV_BUILD (build dir), MOVIES, PEOPLE.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${MV_BUILD:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
MOVIES=${MOVIES:-10000} PEOPLE=${PEOPLE:-50000}
export LC_ALL=C TZ=UTC MV_SCHEMAS="$top/schemas"

if [ $# -gt 0 ]; then
	D=$1
else
	D=$(mktemp -d "${TMPDIR:-/tmp}/mvbench.XXXXXX")
	trap 'rm -rf "$D"' EXIT INT TERM
fi
mkdir -p "$D"
if [ ! -e "$D/Movies/m$MOVIES.json" ]; then
	echo "generating $MOVIES movies and $PEOPLE people in $D"
	"$B/progs/gen-library" -m "$MOVIES" -p "$PEOPLE" "$D"
fi
mkdir -p "$D/index" "$D/run" "$D/stats" "$D/incoming" "$D/assets/videos"
"$B/bin/mvindex" --data "$D" --rebuild

now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }

best_of3() {
	b=999
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || :
		t=$(elapsed "$t0" "$(now)")
		b=$(echo "$b $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
	done
	echo "$b"
}
validate_all() {
	find "$D/Movies" -name '*.json' -print0 | xargs -0 "$B/bin/mvctl" validate MovieProfile.json
	find "$D/People" -name '*.json' -print0 | xargs -0 "$B/bin/mvctl" validate PeopleProfile.json
}
parse_all() {
	find "$D/Movies" "$D/People" -name '*.json' -exec cat {} + | jq empty
}
validate_all || { echo "FAIL: the generated library is not valid"; exit 1; }
# Warm, best of 3. check's exit status is the library's (the generated
# videos are not on disk): only its time counts here.
best=$(best_of3 validate_all)
jbest=$(best_of3 parse_all)
cbest=$(best_of3 "$B/bin/mvctl" --data "$D" --json check)
echo "mvctl validate, every profile (warm, best of 3): $best s"
echo "jq empty over the same documents (best of 3):   $jbest s"
echo "mvctl check, the whole check (best of 3):         $cbest s"
echo "CPUs: $(getconf _NPROCESSORS_ONLN), $(uptime | sed 's/.*load/load/')"
if echo "$best $jbest" | awk '{ exit !($1 <= $2) }'; then
	echo "ok: validation $best s <= jq's parse alone $jbest s"
else
	echo "FAIL: validation $best s > jq's parse alone $jbest s"
	exit 1
fi
