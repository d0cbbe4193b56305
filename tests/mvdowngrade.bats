#!/usr/bin/env bats
# mvdowngrade: plans, downgrades, hooks, bad input and the filter.
#
# The fixture library (tests/fixtures/mvdowngrade/lib), with the clock at
# MV_NOW=2026-06-01: m1 deep with two images, last read 2026-02-01 (once);
# m2 minimal; m3 medium, read 4 times, last 2026-05-01; m4 basic, never
# read, created 2026-01-13.

load test_helper

FIX=$MV_TOP/tests/fixtures/mvdowngrade

setup() {
	mv_test_env
	cp -r "$FIX/lib" "$MV_DATA"
	export MV_NOW=2026-06-01T00:00:00Z
	unset MV_DOWNGRADE_HOOK MV_HOOK_TIMEOUT MV_DOWNGRADE_LEVEL \
		MV_DOWNGRADE_UNREAD_SINCE MV_DOWNGRADE_BUDGET MV_DOWNGRADE_INTERVAL
	VIDEOS=$(cd "$MV_DATA/assets/videos" && sha256sum -- */*)
}

# The videos are exactly as they were.
videos_intact() {
	[ "$(cd "$MV_DATA/assets/videos" && sha256sum -- */*)" = "$VIDEOS" ]
}

profiles_valid() {
	"$MV_BUILD/progs/schemacheck" -s "$MV_TOP/schemas" MovieProfile.json "$MV_DATA"/Movies/*.json >/dev/null
}

# The plan of a dry run, reduced to "id from to" lines.
plan() {
	mvdowngrade --dry-run "$@" | jq -r '"\(.id) \(.from) \(.to)"'
}

size() { stat -c %s "$1"; }

# The library's digest but for cache/downgrade.scan: any plan may refresh
# that cache (a profile enters it once its ctime is 2 s old, so a slow run,
# under ASan say, writes it where a quick one does not); "nothing changed"
# is about the profiles, the index, the journal and the videos.
library_digest() {
	tree_digest "$MV_DATA"
}

# ---- usage ------------------------------------------------------------------

@test "-h prints the usage on stdout and exits 0" {
	run --separate-stderr mvdowngrade -h
	assert_success
	assert_line --index 0 --partial "usage: mvdowngrade [--data DIR] --level LEVEL"
	[ -z "$stderr" ]
}

@test "bad options and combinations exit 64 with the usage, changing nothing" {
	before=$(library_digest)
	for args in "--bogus" "--level deep" "--level huge" "--level minimal --unread-since 3x" \
		"--level minimal --budget lots" "--level minimal --interval 1h" \
		"--filter --dry-run" "--filter --once" "--unread-since 90d" \
		"--level minimal extra" "--filter --interval 0"; do
		# shellcheck disable=SC2086
		run -64 --separate-stderr mvdowngrade $args </dev/null
		[ -z "$output" ]
		[[ $stderr == *"usage: mvdowngrade"* ]] || { echo "no usage for: $args"; false; }
	done
	run -64 --separate-stderr mvdowngrade --level deep
	assert_equal "${stderr_lines[0]}" "mvdowngrade: invalid --level value: deep (minimal, light, basic or medium)"
	[ "$(library_digest)" = "$before" ]
}

@test "every option of the usage is in the man page, and back" {
	man=$MV_TOP/man/mvdowngrade.1
	mandoc -Tlint -W warning "$man"
	for o in $(mvdowngrade -h | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "Fl \\\\-${o#--}" "$man" || { echo "missing in man: $o"; false; }
	done
	for o in $(grep -o 'Fl \\-[a-z-]*' "$man" | sed 's/Fl \\-//' | sort -u); do
		mvdowngrade -h | grep -q -- "--$o" || { echo "missing in usage: --$o"; false; }
	done
	# Every exit code the tool uses is in the table.
	for c in 0 64 65 69 74 78; do
		grep -q "^\.It $c\$" "$man" || { echo "exit $c not documented"; false; }
	done
}

# ---- plans ------------------------------------------------------------------

@test "--dry-run prints the plan by score and changes nothing" {
	before=$(library_digest)
	run --separate-stderr mvdowngrade --level minimal --dry-run
	assert_success
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	assert_line --index 0 '{"id":"m1","from":"deep","to":"minimal","freedBytes":81166,"score":1532.964}'
	run jq -r .id <<<"$output"
	assert_output "m1
m4
m3"
	# Nothing but the scan cache (below), if the profiles were old enough.
	rm -f "$MV_DATA/cache/downgrade.scan"
	[ "$(library_digest)" = "$before" ]
}

# ---- the scan cache ------------------------------------------------------------

# A plan, then 0 once cache/downgrade.scan holds all four movies (a
# profile is kept once its ctime is 2 s old).
cached_all() {
	mvdowngrade --level minimal --dry-run >/dev/null &&
		[ "$(grep -sc '^m[1-4] [0-9]' "$MV_DATA/cache/downgrade.scan")" = 4 ]
}

@test "the scan cache: the same plan from it; a record is trusted while its profile's stat holds" {
	cold=$(mvdowngrade --level minimal --dry-run)
	wait_until 10 cached_all
	run --separate-stderr mvdowngrade --level minimal --dry-run
	assert_success
	[ -z "$stderr" ]
	assert_output "$cold"
	# The hook hears the same of each movie (title and year come from
	# the cache too).
	: >"$BATS_TEST_TMPDIR/wish"
	export MV_DOWNGRADE_HOOK=$FIX/hook-wishlist WISHLIST=$BATS_TEST_TMPDIR/wish
	HOOK_SEEN=$BATS_TEST_TMPDIR/warm mvdowngrade --level minimal --dry-run >/dev/null
	mv "$MV_DATA/cache/downgrade.scan" "$BATS_TEST_TMPDIR/kept"
	HOOK_SEEN=$BATS_TEST_TMPDIR/cold mvdowngrade --level minimal --dry-run >/dev/null
	cmp "$BATS_TEST_TMPDIR/cold" "$BATS_TEST_TMPDIR/warm"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/warm")" -eq 3 ]
	grep -q '"title":"Twelve Monkeys","year":1995,' "$BATS_TEST_TMPDIR/warm"
	unset MV_DOWNGRADE_HOOK
	mv "$BATS_TEST_TMPDIR/kept" "$MV_DATA/cache/downgrade.scan"
	# The plan reads the cache: a record made to lie, its profile
	# untouched, is believed (m1's deep members 1000 bytes larger).
	awk '$1 == "m1" && NF == 15 { $12 += 1000 } 1' "$MV_DATA/cache/downgrade.scan" \
		>"$BATS_TEST_TMPDIR/scan"
	cp "$BATS_TEST_TMPDIR/scan" "$MV_DATA/cache/downgrade.scan"
	was=$(jq 'select(.id == "m1") | .freedBytes' <<<"$cold")
	run -0 bash -c 'mvdowngrade --level minimal --dry-run | jq "select(.id == \"m1\") | .freedBytes"'
	assert_output "$((was + 1000))"
	# The profile rewritten in place (same inode), a minimal member
	# longer: read again, its deep members as they are.
	sed '0,/"title": "Twelve Monkeys"/s//"title": "Twelve Monkeys II"/' \
		"$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	cat "$BATS_TEST_TMPDIR/m1" >"$MV_DATA/Movies/m1.json"
	warm=$(mvdowngrade --level minimal --dry-run)
	rm "$MV_DATA/cache/downgrade.scan"
	run -0 mvdowngrade --level minimal --dry-run
	assert_output "$warm"
	run -0 jq 'select(.id == "m1") | .freedBytes' <<<"$output"
	assert_output "$was"
}

@test "the scan cache: one that cannot be read costs a full scan, nothing else" {
	cold=$(mvdowngrade --level minimal --dry-run)
	wait_until 10 cached_all
	head -c 300 "$MV_DATA/cache/downgrade.scan" >"$BATS_TEST_TMPDIR/cut"
	for bad in "$BATS_TEST_TMPDIR/cut" /dev/null "$FIX/lib/Movies/m1.json"; do
		cp "$bad" "$MV_DATA/cache/downgrade.scan"
		run --separate-stderr mvdowngrade --level minimal --dry-run
		assert_success
		[ -z "$stderr" ]
		assert_output "$cold"
		# And it is written whole again.
		[ "$(grep -c '^m[1-4] [0-9]' "$MV_DATA/cache/downgrade.scan")" -eq 4 ]
	done
}

@test "--unread-since takes only what was not read for that long (never read: since created)" {
	run plan --level minimal --unread-since 90d
	assert_output "m1 deep minimal
m4 basic minimal"
	# Read 31 days ago: m3 goes at 30d, not at 32d.
	run plan --level minimal --unread-since 30d
	assert_output "m1 deep minimal
m4 basic minimal
m3 medium minimal"
	run plan --level minimal --unread-since 32d
	assert_output "m1 deep minimal
m4 basic minimal"
	# m4 was created 139 days before now, m1 read 120 days before.
	run plan --level minimal --unread-since 130d
	assert_output "m4 basic minimal"
	run plan --level minimal --unread-since 200d
	assert_output ""
}

@test "light means basic; movies at or below the level are left alone" {
	run plan --level light
	assert_output "m1 deep basic
m3 medium basic"
	run plan --level basic
	assert_output "m1 deep basic
m3 medium basic"
	run plan --level medium
	assert_output "m1 deep medium"
}

@test "the score follows the documented formula" {
	# m4: basic (rank 1), never read, created 2026-01-13T10:00Z, 589 bytes:
	# (1 + 138.583333) * 2 * log2(2 + 589/1024) / 1 = 379.1...
	run bash -c 'mvdowngrade --level minimal --dry-run | jq -r "select(.id == \"m4\") | .score"'
	expect=$(awk 'BEGIN { idle = (1780272000 - 1768298400) / 86400;
		s = (1 + idle) * 2 * log(2 + 589 / 1024) / log(2); printf "%.3f\n", s }')
	assert_output "$expect"
}

# ---- downgrading ------------------------------------------------------------

@test "a downgrade strips the profile, removes its images, keeps the video, emits an event" {
	before=$(size "$MV_DATA/Movies/m1.json")
	run --separate-stderr mvdowngrade --level medium
	assert_success
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 1 ]
	run jq -c '[.type, .source, .subject, .data]' <<<"$output"
	after=$(size "$MV_DATA/Movies/m1.json")
	assert_output "[\"mv.movie.downgraded\",\"mvdowngrade\",\"m1\",{\"id\":\"m1\",\"from\":\"deep\",\"to\":\"medium\",\"freedBytes\":$((before - after + 80000))}]"
	[ ! -e "$MV_DATA/assets/images/m1-poster-w342.jpg" ]
	[ ! -e "$MV_DATA/assets/images/m1-backdrop-w780.jpg" ]
	run jq -c '[.level, has("images"), has("keywords"), has("credits"), .externalIds, (.levels | keys)]' "$MV_DATA/Movies/m1.json"
	assert_output '["medium",false,false,true,{"tmdb":63,"imdb":"tt0114746"},["basic","medium","minimal"]]'
	videos_intact
	profiles_valid
	mvdowngrade --level medium --dry-run >"$BATS_TEST_TMPDIR/again"
	[ ! -s "$BATS_TEST_TMPDIR/again" ]
}

@test "the card poster stays at basic and goes below it, planned and freed exactly" {
	# m4 (basic) with the card poster basic downloads, as mvenrich leaves it.
	head -c 3000 /dev/zero >"$MV_DATA/assets/images/m4-card-w92.jpg"
	jq -c '.cardPoster = "assets/images/m4-card-w92.jpg"' "$FIX/lib/Movies/m4.json" >"$MV_DATA/Movies/m4.json"
	profiles_valid
	run -0 mvdowngrade --level basic
	[ -e "$MV_DATA/assets/images/m4-card-w92.jpg" ]
	before=$(size "$MV_DATA/Movies/m4.json")
	# The plan counts the poster's bytes (the profile's own are an
	# estimate from its text, so compare with the file away).
	planned=$(mvdowngrade --level minimal --dry-run | jq 'select(.id == "m4") | .freedBytes')
	mv "$MV_DATA/assets/images/m4-card-w92.jpg" "$BATS_TEST_TMPDIR/card"
	without=$(mvdowngrade --level minimal --dry-run | jq 'select(.id == "m4") | .freedBytes')
	mv "$BATS_TEST_TMPDIR/card" "$MV_DATA/assets/images/m4-card-w92.jpg"
	[ "$planned" -eq $((without + 3000)) ]
	run --separate-stderr mvdowngrade --level minimal
	assert_success
	[ -z "$stderr" ]
	[ ! -e "$MV_DATA/assets/images/m4-card-w92.jpg" ]
	after=$(size "$MV_DATA/Movies/m4.json")
	run jq -c 'select(.subject == "m4") | .data' <<<"$output"
	assert_output "{\"id\":\"m4\",\"from\":\"basic\",\"to\":\"minimal\",\"freedBytes\":$((before - after + 3000))}"
	[ "$(jq -c '[.level, has("cardPoster")]' "$MV_DATA/Movies/m4.json")" = '["minimal",false]' ]
	profiles_valid
	videos_intact
}

@test "the event is valid against its schema" {
	mvdowngrade --level minimal >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 3 ]
	i=0
	while IFS= read -r line; do
		i=$((i + 1))
		printf '%s\n' "$line" >"$BATS_TEST_TMPDIR/ev$i.json"
		"$MV_BUILD/progs/schemacheck" -s "$MV_TOP/schemas" events/mv.movie.downgraded.json \
			"$BATS_TEST_TMPDIR/ev$i.json"
	done <"$BATS_TEST_TMPDIR/out"
}

@test "minimal keeps the minimal record; m2, already minimal, is not even rewritten" {
	m2=$(sha256sum <"$MV_DATA/Movies/m2.json")
	mvdowngrade --level minimal >/dev/null
	for id in m1 m3 m4; do
		run jq -c '[.id, .level, .status, .title, .year, .externalIds.tmdb, (.videos | type), has("overview")]' \
			"$MV_DATA/Movies/$id.json"
		assert_output --regexp "^\[\"$id\",\"minimal\",\"ready\",\"[^\"]+\",[0-9]{4},[0-9]+,\"array\",false\]$"
	done
	[ "$(sha256sum <"$MV_DATA/Movies/m2.json")" = "$m2" ]
	run jq -r '.videos[0].path' "$MV_DATA/Movies/m1.json"
	assert_output "assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"
	videos_intact
	profiles_valid
}

@test "running it twice does nothing the second time" {
	mvdowngrade --level minimal --unread-since 90d >/dev/null
	before=$(library_digest)
	run --separate-stderr mvdowngrade --level minimal --unread-since 90d
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(library_digest)" = "$before" ]
}

@test "the dry run's plan is what the run does" {
	mvdowngrade --level basic --dry-run | jq -c '{id, from, to}' >"$BATS_TEST_TMPDIR/plan"
	mvdowngrade --level basic | jq -c '.data | {id, from, to}' >"$BATS_TEST_TMPDIR/done"
	diff "$BATS_TEST_TMPDIR/plan" "$BATS_TEST_TMPDIR/done"
}

# ---- budgets ------------------------------------------------------------------

@test "--budget already met: nothing to do" {
	before=$(library_digest)
	run --separate-stderr mvdowngrade --level minimal --budget 2G
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -0 mvdowngrade --level minimal --budget 500M --dry-run
	[ -z "$output" ]
	[ "$(library_digest)" = "$before" ]
}

@test "--budget downgrades the least valuable first, only until it fits" {
	# 83,852 bytes in all: m1 alone (81,164) brings it under 10k.
	run plan --level minimal --budget 10k
	assert_output "m1 deep minimal"
	# 2,688 are left then: under 2,600 needs m4 as well, under 2,400 all three.
	run plan --level minimal --budget 2600
	assert_output "m1 deep minimal
m4 basic minimal"
	run plan --level minimal --budget 2400
	assert_output "m1 deep minimal
m4 basic minimal
m3 medium minimal"
	# With --unread-since, only those candidates; a warning if short.
	run --separate-stderr mvdowngrade --level minimal --budget 2400 --unread-since 90d --dry-run
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "$stderr" "mvdowngrade: unable to fit the budget of 2400 bytes: 2480 bytes left after downgrading every candidate"
	mvdowngrade --level minimal --budget 10k >/dev/null
	run jq -r .level "$MV_DATA/Movies/m1.json" "$MV_DATA/Movies/m3.json" "$MV_DATA/Movies/m4.json"
	assert_output "minimal
medium
basic"
	total=$(( $(cat "$MV_DATA"/Movies/*.json | wc -c) + $(find "$MV_DATA/assets/images" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }') ))
	[ "$total" -le 10240 ]
}

# ---- bad input ----------------------------------------------------------------

@test "a corrupt usage.json: exit 65, a clear message, nothing changed" {
	printf '{"schemaVersion":1,"movies":{"m1":{"count":3,' >"$MV_DATA/stats/usage.json"
	before=$(library_digest)
	run -65 --separate-stderr mvdowngrade --level minimal
	[ -z "$output" ]
	assert_equal "$stderr" "mvdowngrade: unable to read stats/usage.json: invalid JSON"
	run -65 --separate-stderr mvdowngrade --level minimal --dry-run
	[ -z "$output" ]
	[ "$(library_digest)" = "$before" ]
	echo '{"schemaVersion":1,"movies":{"m1":{"count":"x","last":"yesterday"}}}' >"$MV_DATA/stats/usage.json"
	before=$(library_digest)
	run -65 --separate-stderr mvdowngrade --level minimal
	assert_equal "$stderr" "mvdowngrade: unable to read stats/usage.json: bad entry for m1"
	[ "$(library_digest)" = "$before" ]
	echo '[1,2]' >"$MV_DATA/stats/usage.json"
	before=$(library_digest)
	run -65 --separate-stderr mvdowngrade --level minimal
	assert_equal "$stderr" "mvdowngrade: unable to read stats/usage.json: not a usage document (schemaVersion 1 with a movies object)"
	[ "$(library_digest)" = "$before" ]
}

@test "no usage.json: nothing was read yet, ages count from createdAt" {
	rm "$MV_DATA/stats/usage.json"
	run plan --level minimal --unread-since 130d
	assert_output "m1 deep minimal
m3 medium minimal
m4 basic minimal"
	run plan --level minimal --unread-since 140d
	assert_output "m1 deep minimal"
}

@test "an invalid profile is reported and skipped; the others go on" {
	head -c 300 "$MV_DATA/Movies/m1.json" >"$MV_DATA/Movies/m5.json"
	jq '.id = "m6"' "$MV_DATA/Movies/m3.json" | jq 'del(.createdAt)' >"$MV_DATA/Movies/m6.json"
	jq '.id = "m9"' "$MV_DATA/Movies/m4.json" >"$MV_DATA/Movies/m7.json"
	echo 'not json' >"$MV_DATA/Movies/m8.json"
	run --separate-stderr mvdowngrade --level minimal
	assert_success
	# Then the index rebuild (no pipeline runs) reports what it skips.
	assert_equal "$stderr" "mvdowngrade: unable to read Movies/m5.json: invalid JSON (unterminated string), skipped
mvdowngrade: unable to read Movies/m6.json: no valid createdAt, skipped
mvdowngrade: unable to read Movies/m7.json: not a profile of that id, skipped
mvdowngrade: unable to read Movies/m8.json: not a JSON object, skipped
mvdowngrade: unable to read Movies/m5.json: invalid JSON
mvdowngrade: unable to read Movies/m7.json: id does not match the file name
mvdowngrade: unable to read Movies/m8.json: invalid JSON
mvdowngrade: unable to claim tmdb:603 for m6: owned by m3
mvdowngrade: unable to claim imdb:tt0133093 for m6: owned by m3
mvdowngrade: 3 documents skipped, 2 claim conflicts"
	[ "${#lines[@]}" -eq 3 ]
	# The index is rebuilt from what could be read (no pipeline runs).
	run jq -r '.items[] | select(.id == "m1") | .level' "$(movies_index "$MV_DATA")"
	assert_output minimal
	run jq -r .level "$MV_DATA/Movies/m1.json"
	assert_output minimal
}

@test "a full stdout is an I/O error" {
	run -74 --separate-stderr bash -c 'mvdowngrade --level minimal --dry-run >/dev/full'
	assert_equal "$stderr" "mvdowngrade: unable to write standard output: No space left on device"
}

@test "a downgrade waits for the library lock" {
	exec {lk}>>"$MV_DATA/run/library.lock"
	before=$(library_digest)
	flock "$lk"
	run -124 timeout 1 mvdowngrade --level minimal
	exec {lk}>&-
	[ "$(library_digest)" = "$before" ]
	run -0 mvdowngrade --level minimal
	[ "${#lines[@]}" -eq 3 ]
}

# ---- the hook -----------------------------------------------------------------

@test "the hook gets every candidate as NDJSON; weight 0 protects a movie" {
	echo m1 >"$BATS_TEST_TMPDIR/wish"
	export MV_DOWNGRADE_HOOK=$FIX/hook-wishlist WISHLIST=$BATS_TEST_TMPDIR/wish \
		HOOK_SEEN=$BATS_TEST_TMPDIR/seen
	run plan --level minimal
	assert_output "m4 basic minimal
m3 medium minimal"
	run cat "$HOOK_SEEN"
	assert_line --index 0 '{"id":"m1","title":"Twelve Monkeys","year":1995,"level":"deep","count":1,"lastRead":"2026-02-01T10:00:00Z","bytes":81856,"score":1532.964}'
	assert_line --index 1 --regexp '^\{"id":"m3","title":"The Matrix","year":1999,"level":"medium","count":4,"lastRead":"2026-05-01T10:00:00Z","bytes":1201,"score":[0-9.]+\}$'
	assert_line --index 2 --regexp '^\{"id":"m4","title":"Heat","year":1995,"level":"basic","count":0,"lastRead":null,"bytes":589,"score":[0-9.]+\}$'
	[ "${#lines[@]}" -eq 3 ]
	mvdowngrade --level minimal >/dev/null
	run jq -r .level "$MV_DATA/Movies/m1.json"
	assert_output deep
	[ -e "$MV_DATA/assets/images/m1-poster-w342.jpg" ]
}

@test "a weight reorders the plan; missing ids keep weight 1" {
	echo m3 >"$BATS_TEST_TMPDIR/wish"
	export MV_DOWNGRADE_HOOK=$FIX/hook-wishlist WISHLIST=$BATS_TEST_TMPDIR/wish WISH_WEIGHT=100
	run --separate-stderr mvdowngrade --level minimal --dry-run
	run jq -r '"\(.id) \(.score)"' <<<"$output"
	assert_output "m3 3156.7
m1 1532.964
m4 380.974"
	# With a budget, the boosted movie goes first and alone.
	run plan --level minimal --budget 83500
	assert_output "m3 medium minimal"
}

@test "the example hook keeps listed movies and scales others" {
	printf '# keep\nm1\nm4 0.5 # later\n' >"$BATS_TEST_TMPDIR/wish"
	export MV_DOWNGRADE_HOOK=$MV_TOP/examples/hooks/wishlist MV_WISHLIST=$BATS_TEST_TMPDIR/wish
	run --separate-stderr mvdowngrade --level minimal --dry-run
	run jq -r '"\(.id) \(.score)"' <<<"$output"
	assert_output "m4 190.487
m3 31.567"
	rm "$MV_WISHLIST"
	run plan --level minimal
	[ "${#lines[@]}" -eq 3 ]
}

@test "a hook that fails: exit 69, a clear message, nothing changed" {
	export MV_DOWNGRADE_HOOK=$FIX/hook-fail
	before=$(library_digest)
	run -69 --separate-stderr mvdowngrade --level minimal
	[ -z "$output" ]
	assert_equal "$stderr" "hook-fail: wishlist service unreachable
mvdowngrade: unable to run hook $FIX/hook-fail: exited 3"
	[ "$(library_digest)" = "$before" ]
}

@test "a hook that prints garbage, unknown ids or bad weights: exit 65, nothing changed" {
	before=$(library_digest)
	export MV_DOWNGRADE_HOOK=$FIX/hook-garbage
	run -65 --separate-stderr mvdowngrade --level minimal
	[ -z "$output" ]
	assert_equal "$stderr" "mvdowngrade: unable to use hook $FIX/hook-garbage: output line 2: not a JSON object"
	MV_DOWNGRADE_HOOK=$FIX/hook-unknown run -65 --separate-stderr mvdowngrade --level minimal
	assert_equal "$stderr" "mvdowngrade: unable to use hook $FIX/hook-unknown: output line 1: an id that is not a candidate"
	MV_DOWNGRADE_HOOK=$FIX/hook-negative run -65 --separate-stderr mvdowngrade --level minimal --dry-run
	[ -z "$output" ]
	assert_equal "$stderr" "mvdowngrade: unable to use hook $FIX/hook-negative: output line 1: no \"weight\" number >= 0"
	[ "$(library_digest)" = "$before" ]
}

@test "a hook that hangs is killed after MV_HOOK_TIMEOUT: exit 69, nothing changed" {
	export MV_DOWNGRADE_HOOK=$FIX/hook-slow MV_HOOK_TIMEOUT=1 HOOK_PID=$BATS_TEST_TMPDIR/pid
	before=$(library_digest)
	t0=$(date +%s)
	run -69 --separate-stderr mvdowngrade --level minimal
	[ $(($(date +%s) - t0)) -le 5 ]
	assert_equal "$stderr" "mvdowngrade: unable to run hook $FIX/hook-slow: timed out after 1s"
	[ "$(library_digest)" = "$before" ]
	! kill -0 "$(cat "$HOOK_PID")" 2>/dev/null
}

@test "a hook that cannot run, or a bad timeout: exit 78" {
	MV_DOWNGRADE_HOOK=$BATS_TEST_TMPDIR/none run -78 --separate-stderr mvdowngrade --level minimal
	assert_equal "$stderr" "mvdowngrade: unable to run hook $BATS_TEST_TMPDIR/none: No such file or directory"
	MV_DOWNGRADE_HOOK=$FIX/hook-fail MV_HOOK_TIMEOUT=soon run -78 --separate-stderr mvdowngrade --level minimal
	assert_equal "$stderr" 'mvdowngrade: unable to use hook_timeout "soon": not a duration of 1s or more'
}

@test "no candidates: the hook is not run" {
	export MV_DOWNGRADE_HOOK=$FIX/hook-fail
	run -0 mvdowngrade --level minimal --budget 1G
	run -0 mvdowngrade --level minimal --unread-since 300d
}

# ---- configuration, --once, mvctl -----------------------------------------------

@test "--once applies the configured policy; the command line wins" {
	export MV_DOWNGRADE_LEVEL=minimal MV_DOWNGRADE_UNREAD_SINCE=90d
	run plan --once
	assert_output "m1 deep minimal
m4 basic minimal"
	run plan --once --unread-since 130d
	assert_output "m4 basic minimal"
	# --level alone is the whole policy: the configured age does not apply.
	run plan --level medium
	assert_output "m1 deep medium"
	printf 'downgrade_level = light\n' >"$BATS_TEST_TMPDIR/conf"
	unset MV_DOWNGRADE_LEVEL MV_DOWNGRADE_UNREAD_SINCE
	MV_CONFIG=$BATS_TEST_TMPDIR/conf run plan --once
	assert_output "m1 deep basic
m3 medium basic"
}

@test "--once without a level, or a bad configured value: exit 78" {
	run -78 --separate-stderr mvdowngrade --once
	assert_equal "$stderr" "mvdowngrade: unable to downgrade: no level (set downgrade_level or give --level)"
	MV_DOWNGRADE_LEVEL=deep run -78 --separate-stderr mvdowngrade --once
	assert_equal "$stderr" 'mvdowngrade: unable to use downgrade_level "deep": not minimal, light, basic or medium'
	# A level on the command line is the whole policy: the file is not read.
	MV_DOWNGRADE_BUDGET=big run -0 mvdowngrade --level minimal --unread-since 1000d
	MV_DOWNGRADE_LEVEL=minimal MV_DOWNGRADE_BUDGET=big run -78 --separate-stderr mvdowngrade --once
	assert_equal "$stderr" 'mvdowngrade: unable to use downgrade_budget "big": not a size'
}

@test "mvctl downgrade runs mvdowngrade with the same options" {
	expect=$(mvdowngrade --level light --unread-since 90d --dry-run)
	run -0 mvctl downgrade --level light --unread-since 90d --dry-run
	assert_output "$expect"
	run -64 --separate-stderr mvctl downgrade --level deep
}

# ---- the filter ---------------------------------------------------------------

@test "filter: every event passes through byte for byte; no policy, no change" {
	before=$(library_digest)
	{
		printf '%s\n' '{"specversion":"1.0","id":"a1","source":"mvstat","type":"mv.stats.updated","time":"2026-06-01T00:00:00Z","data":{"accesses":2}}'
		printf '%s\n' '{ "specversion" : "1.0", "id":"a2","source":"x","type":"mv.movie.requested","time":"2026-06-01T00:00:00Z","subject":"m1","data":{"id":"m1"} , "extra": [1, 2.50, "é"] }'
		printf '%s\n' '{"specversion":"1.0","id":"a3","source":"mvenrich","type":"mv.movie.enriched","time":"2026-06-01T00:00:00Z","subject":"m3","data":{"id":"m3","level":"deep","from":"medium"}}'
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr mvdowngrade <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ -z "$stderr" ]
	mvdowngrade --filter <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	[ "$(library_digest)" = "$before" ]
}

@test "filter: a bad line is reported with its number and dropped" {
	printf '%s\nnot json\n%s\n' '{"specversion":"1.0","id":"a","source":"s","type":"mv.x","time":"2026-06-01T00:00:00Z","data":{}}' \
		'{"specversion":"1.0","id":"b","source":"s","type":"mv.y","time":"2026-06-01T00:00:00Z","data":{}}' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr mvdowngrade --filter <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "$stderr" "mvdowngrade: stdin:2: invalid JSON, skipped"
}

@test "filter: the configured policy runs at start, then at most every interval" {
	export MV_DOWNGRADE_LEVEL=minimal MV_DOWNGRADE_UNREAD_SINCE=90d
	ev='{"specversion":"1.0","id":"a","source":"s","type":"mv.x","time":"2026-06-01T00:00:00Z","data":{}}'
	run --separate-stderr bash -c 'printf "%s\n" "$1" | mvdowngrade --filter' _ "$ev"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	run jq -r 'select(.type == "mv.movie.downgraded") | .subject' <<<"$output"
	assert_output "m1
m4"
	run jq -r .lastRun "$MV_DATA/run/downgrade.json"
	assert_output "2026-06-01T00:00:00Z"
	# m1 deep again: within the interval nothing runs, after it the policy does.
	cp "$FIX/lib/Movies/m1.json" "$MV_DATA/Movies/m1.json"
	run bash -c 'printf "%s\n" "$1" | MV_NOW=2026-06-01T00:59:00Z mvdowngrade --filter' _ "$ev"
	assert_output "$ev"
	run bash -c 'printf "%s\n" "$1" | MV_NOW=2026-06-01T00:59:00Z mvdowngrade --filter --interval 30m' _ "$ev"
	run jq -r 'select(.type == "mv.movie.downgraded") | .subject' <<<"$output"
	assert_output "m1"
}

@test "filter: after mv.stats.updated, only an exceeded budget runs the policy" {
	export MV_DOWNGRADE_LEVEL=minimal MV_DOWNGRADE_BUDGET=10k
	stats='{"specversion":"1.0","id":"s","source":"mvstat","type":"mv.stats.updated","time":"2026-06-01T00:00:00Z","data":{"accesses":1}}'
	enriched='{"specversion":"1.0","id":"e","source":"mvenrich","type":"mv.movie.enriched","time":"2026-06-01T00:00:00Z","subject":"m1","data":{"id":"m1","level":"deep","from":"medium"}}'
	# The policy ran a minute ago; the library fits once m1 is minimal.
	mvdowngrade --level minimal --budget 10k >/dev/null
	echo '{"lastRun":"2026-05-31T23:59:00Z"}' >"$MV_DATA/run/downgrade.json"
	run bash -c 'printf "%s\n" "$1" | mvdowngrade --filter' _ "$stats"
	assert_output "$stats"
	# m1 grows back to deep (as mvenrich would): the next stats update
	# finds the budget exceeded and downgrades it again.
	cp "$FIX/lib/Movies/m1.json" "$MV_DATA/Movies/m1.json"
	cp "$FIX/lib/assets/images/"* "$MV_DATA/assets/images/"
	run bash -c 'printf "%s\n%s\n" "$1" "$2" | mvdowngrade --filter' _ "$enriched" "$stats"
	assert_line --index 0 "$enriched"
	assert_line --index 1 "$stats"
	run jq -r 'select(.type == "mv.movie.downgraded") | .subject' <<<"$output"
	assert_output "m1"
	[ ! -e "$MV_DATA/assets/images/m1-poster-w342.jpg" ]
}

@test "filter: a policy that would take everything is refused (78)" {
	MV_DOWNGRADE_LEVEL=minimal run -78 --separate-stderr mvdowngrade --filter </dev/null
	assert_equal "$stderr" "mvdowngrade: unable to use the policy: downgrade_level needs downgrade_unread_since or downgrade_budget"
	MV_DOWNGRADE_BUDGET=1G run -78 --separate-stderr mvdowngrade --filter </dev/null
	assert_equal "$stderr" "mvdowngrade: unable to use the policy: downgrade_unread_since and downgrade_budget need downgrade_level"
}

@test "filter: SIGTERM ends it cleanly" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	setsid mvdowngrade --filter <>"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	printf '%s\n' '{"specversion":"1.0","id":"a","source":"s","type":"mv.x","time":"2026-06-01T00:00:00Z","data":{}}' >"$BATS_TEST_TMPDIR/fifo"
	wait_until 10 test -s "$BATS_TEST_TMPDIR/out"
	kill -TERM "$pid"
	wait "$pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 1 ]
}
