#!/usr/bin/env bats
# mvindex.bats: rebuild, check and the filter, on a small library of valid
# profiles (tests/fixtures/mvindex/lib) and broken copies of them.

load test_helper

export BATS_TEST_TIMEOUT=60

setup() {
	mv_test_env
	mkdir -p "$MV_DATA"
	cp -r "$(fixture mvindex lib)"/. "$MV_DATA"/
	# Profiles older than any index a test builds: files written within
	# one tick of the filesystem's coarse clock share an mtime, and an
	# index no newer than a profile is stale, so the filter would rebuild
	# at start and emit an mv.index.updated some tests do not expect.
	find "$MV_DATA" -type f -exec touch -d '2026-01-01 00:00:00' {} +
	mkdir -p "$MV_DATA/index" "$MV_DATA/run" "$MV_DATA/stats"
	export MV_NOW=2026-11-26T10:00:00Z
	IX=$MV_DATA/index
}

# An event line: ev TYPE DATA-JSON [SUBJECT]
ev() {
	jq -nc --arg t "$1" --argjson d "$2" --arg s "${3:-}" \
		'{specversion:"1.0", id:"t-\($t)", source:"test", type:$t,
		  time:"2026-11-26T10:00:00Z", data:$d} + (if $s == "" then {} else {subject:$s} end)'
}

# The items of an index file, one compact line each (generatedAt left out).
items() { jq -c '.items[]' "$1"; }

# Rebuild into a scratch copy and print its items, to compare an
# incrementally updated index with what a rebuild says.
rebuilt_items() { # movies|people
	local d=$BATS_TEST_TMPDIR/rebuilt
	rm -rf "$d"
	cp -r "$MV_DATA" "$d"
	rm -rf "$d/index"
	mvindex --data "$d" --rebuild >/dev/null 2>&1 || true
	jq -c '.items[], .byExternal' "$(index_from_shards "$d" "$1")"
}

@test "mvindex: --help prints the usage on stdout and exits 0" {
	run --separate-stderr mvindex --help
	assert_success
	assert_line --index 0 --partial "usage: mvindex"
	[ -z "$stderr" ]
}

@test "mvindex: bad usage exits 64 and changes nothing" {
	usage_errors_change_nothing mvindex "--bogus" "--rebuild --check" "--rebuild extra" \
		"--batch 0" "--batch x" "--delay -1" "--rebuild --batch 5" "--check --no-sync"
}

@test "mvindex: a missing data directory exits 66" {
	run --separate-stderr mvindex --data "$BATS_TEST_TMPDIR/nowhere" --rebuild
	[ "$status" -eq 66 ]
	[[ $stderr == "mvindex: unable to open data directory"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/nowhere" ]
}

@test "mvindex --rebuild: both indexes, sorted, exactly as expected" {
	run --separate-stderr mvindex --rebuild
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
	# movies.json lists the shards; three movies fit in the first.
	cmp "$IX/movies.json" "$(fixture mvindex expected-movies.json)"
	cmp "$IX/movies/00000.json" "$(fixture mvindex expected-movies-00000.json)"
	# With its key file, for mvserve (mv-profile(5)).
	[ "$(ls "$IX/movies")" = $'00000.json\n00000.keys' ]
	# people.json lists the shards; three people fit in the first.
	cmp "$IX/people.json" "$(fixture mvindex expected-people.json)"
	cmp "$IX/people/00000.json" "$(fixture mvindex expected-people-00000.json)"
	# With its key file, for mvserve (mv-profile(5)).
	[ "$(ls "$IX/people")" = $'00000.json\n00000.keys' ]
	# Deterministic: a second run writes the same bytes.
	cp "$IX/people/00000.json" "$BATS_TEST_TMPDIR/first"
	cp "$IX/movies/00000.json" "$BATS_TEST_TMPDIR/first-movies"
	mvindex --rebuild
	cmp "$IX/people/00000.json" "$BATS_TEST_TMPDIR/first"
	cmp "$IX/people.json" "$(fixture mvindex expected-people.json)"
	cmp "$IX/movies/00000.json" "$BATS_TEST_TMPDIR/first-movies"
	cmp "$IX/movies.json" "$(fixture mvindex expected-movies.json)"
}

@test "mvindex --rebuild: people list their movie ids and roles from credits and profiles" {
	mvindex --rebuild
	# p2 is credited on m1 only; its own profile adds m2 twice (two jobs).
	run jq -c '.items[] | select(.id == "p2") | .movies' "$(people_index "$MV_DATA")"
	assert_output '[{"movie":"m1","role":"crew","job":"Director"},{"movie":"m2","role":"crew","job":"Director"},{"movie":"m2","role":"crew","job":"Screenplay"}]'
	# p3's profile lists nothing; m1's credits give it two roles.
	run jq -c '.items[] | select(.id == "p3") | [.movies[] | [.movie, .role]]' "$(people_index "$MV_DATA")"
	assert_output '[["m1","cast"],["m1","crew"]]'
	run jq -r '.count, (.items | length)' "$(people_index "$MV_DATA")"
	assert_output $'3\n3'
	run jq -r .count "$(people_index "$MV_DATA")"
	assert_output 3
}

@test "mvindex --rebuild: a person's credits in link order, however the movies list them" {
	# A movie lists its people in its own order: two characters and two
	# jobs of p3 given backwards, then a person past the numbers a credit
	# is packed in (the rebuild files those apart, and sorts them alone).
	jq '.credits.cast += [{person:"p3",name:"Madeleine Stowe",character:"Zed"},
	                      {person:"p3",name:"Madeleine Stowe",character:"Amy"},
	                      {person:"p16777216",name:"Odd",character:"Ghost"}]
	  | .credits.crew += [{person:"p3",name:"Madeleine Stowe",job:"Writer"},
	                      {person:"p3",name:"Madeleine Stowe",job:"Actor Double"},
	                      {person:"p16777216",name:"Odd",job:"Writer"},
	                      {person:"p16777216",name:"Odd",job:"Editor"}]' \
		"$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	jq '.credits = {cast:[{person:"p3",name:"Madeleine Stowe",character:"Bob"}],
	                crew:[{person:"p16777216",name:"Odd",job:"Director"}]}' \
		"$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
	jq '.id = "p16777216" | .name = "Odd" | .externalIds = {}' \
		"$MV_DATA/People/p3.json" >"$MV_DATA/People/p16777216.json"
	run -0 --separate-stderr mvindex --rebuild
	run jq -c '.items[] | select(.id == "p3") | [.movies[] | [.movie, .role, .character // .job]]' \
		"$(people_index "$MV_DATA")"
	assert_output '[["m1","cast","Amy"],["m1","cast","Kathryn Railly"],["m1","cast","Zed"],["m1","crew","Actor Double"],["m1","crew","Thanks"],["m1","crew","Writer"],["m2","cast","Bob"]]'
	run jq -c '.items[] | select(.id == "p16777216") | [.movies[] | [.movie, .role, .character // .job]]' \
		"$(people_index "$MV_DATA")"
	assert_output '[["m1","cast","Ghost"],["m1","crew","Editor"],["m1","crew","Writer"],["m2","crew","Director"]]'
	# And the check finds the index whole, its key files too.
	run -0 mvindex --check
}

@test "mvindex --rebuild: items are in id order, numerically" {
	for n in 10 9 100 2000; do
		jq --arg id "m$n" '.id = $id | .externalIds = {}' "$MV_DATA/Movies/m3.json" >"$MV_DATA/Movies/m$n.json"
	done
	mvindex --rebuild
	run jq -r '[.items[].id] | join(" ")' "$(movies_index "$MV_DATA")"
	assert_output "m1 m2 m3 m9 m10 m100 m2000"
	# m2000 is in shard 1 (2000 / 1024): two shards, listed in order.
	[ "$(ls "$IX/movies")" = $'00000.json\n00000.keys\n00001.json\n00001.keys' ]
	run jq -c '[.count, .shardIds, .shards]' "$IX/movies.json"
	assert_output '[7,1024,[{"file":"movies/00000.json","count":6},{"file":"movies/00001.json","count":1}]]'
}

@test "mvindex --rebuild: broken and invalid profiles are skipped with their path, exit 65" {
	printf '{"schemaVersion": 1, "id": "m4",' >"$MV_DATA/Movies/m4.json"
	jq '.id = "m1"' "$MV_DATA/Movies/m2.json" >"$MV_DATA/Movies/m5.json"
	jq '.schemaVersion = 7 | .id = "m6"' "$MV_DATA/Movies/m2.json" >"$MV_DATA/Movies/m6.json"
	jq 'del(.title) | .id = "m7"' "$MV_DATA/Movies/m2.json" >"$MV_DATA/Movies/m7.json"
	jq '.level = "medium"' "$MV_DATA/People/p3.json" >"$MV_DATA/People/p3.json.new"
	mv "$MV_DATA/People/p3.json.new" "$MV_DATA/People/p3.json"
	run --separate-stderr mvindex --rebuild
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "mvindex: unable to read Movies/m4.json: invalid JSON" ]
	[ "${stderr_lines[1]}" = "mvindex: unable to read Movies/m5.json: id does not match the file name" ]
	[ "${stderr_lines[2]}" = "mvindex: unable to read Movies/m6.json: unsupported schemaVersion" ]
	[ "${stderr_lines[3]}" = "mvindex: unable to read Movies/m7.json: missing title" ]
	[ "${stderr_lines[4]}" = "mvindex: unable to read People/p3.json: missing or unknown level" ]
	[ "${stderr_lines[5]}" = "mvindex: 5 documents skipped, 0 claim conflicts" ]
	[ "${#stderr_lines[@]}" -eq 6 ]
	# The rest is indexed all the same.
	run jq -r '[.items[].id] | join(" ")' "$(movies_index "$MV_DATA")"
	assert_output "m1 m2 m3"
	run jq -r '[.items[].id] | join(" ")' "$(people_index "$MV_DATA")"
	assert_output "p1 p2"
}

@test "mvindex --rebuild: a profile longer than one read is read whole; a FIFO or a folder named like one is refused" {
	# Readers stop at a short read of a file readdir calls regular, and
	# read again when the room was filled: 256 KiB is the first room.
	head -c 400000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/bio"
	jq --rawfile bio "$BATS_TEST_TMPDIR/bio" \
		'.id = "p4" | .externalIds = {tmdb: 9004} | .biography = $bio | .name = "Long Read"' \
		"$MV_DATA/People/p1.json" >"$MV_DATA/People/p4.json"
	[ "$(stat -c %s "$MV_DATA/People/p4.json")" -gt 300000 ]
	mkfifo "$MV_DATA/Movies/m8.json"
	mkdir "$MV_DATA/Movies/m9.json"
	run --separate-stderr timeout 20 mvindex --rebuild
	[ "$status" -eq 65 ]
	assert_equal "$stderr" "mvindex: unable to read Movies/m8.json: not a regular file
mvindex: unable to read Movies/m9.json: not a regular file
mvindex: 2 documents skipped, 0 claim conflicts"
	run jq -r '.items[] | select(.id == "p4") | .name' "$(people_index "$MV_DATA")"
	assert_output "Long Read"
	[ "$(readlink "$IX/ext/p/tmdb:9004")" = p4 ]
}

@test "mvindex --rebuild: an outside id spelled 1e3 or 62.0 is the number's decimal, as check reads it" {
	jq '.externalIds.tmdb = 1e3' "$MV_DATA/People/p2.json" >"$BATS_TEST_TMPDIR/p2"
	sed 's/"tmdb": *1000/"tmdb": 1e3/' "$BATS_TEST_TMPDIR/p2" >"$MV_DATA/People/p2.json"
	sed 's/"tmdb": *\([0-9]*\)/"tmdb": \1.0/' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	grep -q '"tmdb": 1e3' "$MV_DATA/People/p2.json"
	grep -q '"tmdb": 63.0' "$MV_DATA/Movies/m1.json"
	run -0 mvindex --rebuild
	[ "$(readlink "$IX/ext/p/tmdb:1000")" = p2 ]
	[ "$(readlink "$IX/ext/m/tmdb:63")" = m1 ]
	run -0 mvindex --check
	assert_output ""
}

@test "mvindex --rebuild: recreates claims, drops stale ones, reports conflicts" {
	mkdir -p "$IX/ext/m"
	ln -s m2 "$IX/ext/m/tmdb:999"     # m2 has no tmdb:999: stale
	ln -s m1 "$IX/ext/m/imdb:tt0088846" # Brazil's imdb id held by m1: wrong
	run --separate-stderr mvindex --rebuild
	[ "$status" -eq 0 ]
	[ ! -L "$IX/ext/m/tmdb:999" ]
	[ "$(readlink "$IX/ext/m/tmdb:63")" = m1 ]
	[ "$(readlink "$IX/ext/m/imdb:tt0088846")" = m2 ]
	[ "$(readlink "$IX/ext/p/tmdb:62")" = p1 ]
	[ "$(ls "$IX/ext/m" | wc -l)" -eq 4 ]
	[ "$(ls "$IX/ext/p" | wc -l)" -eq 4 ]
	# Two movies with one TMDB id: the claim stays with the first.
	jq '.id = "m4"' "$MV_DATA/Movies/m1.json" >"$MV_DATA/Movies/m4.json"
	run --separate-stderr mvindex --rebuild
	[ "$status" -eq 65 ]
	[ "${stderr_lines[0]}" = "mvindex: unable to claim tmdb:63 for m4: owned by m1" ]
	[ "${stderr_lines[1]}" = "mvindex: unable to claim imdb:tt0114746 for m4: owned by m1" ]
	[ "$(readlink "$IX/ext/m/tmdb:63")" = m1 ]
	run jq -r '.byExternal["tmdb:63"]' "$(movies_index "$MV_DATA")"
	assert_output m1
}

@test "mvindex --rebuild: an index that cannot be written fails with 73, profiles untouched" {
	# A file where the index directory should be: even root cannot write.
	rm -rf "$IX"
	echo x >"$IX"
	before=$(tree_digest "$MV_DATA/Movies")$(tree_digest "$MV_DATA/People")
	run --separate-stderr mvindex --rebuild
	[ "$status" -eq 73 ]
	# The movie shards are written first, into index/movies/.
	[ "$stderr" = "mvindex: unable to create index/movies: Not a directory" ]
	[ "$(tree_digest "$MV_DATA/Movies")$(tree_digest "$MV_DATA/People")" = "$before" ]
	[ "$(cat "$IX")" = x ]
	# The filter reports it as an mv.error event and goes on.
	run --separate-stderr mvindex < <(ev mv.movie.requested '{"id":"m1"}')
	assert_success
	run jq -c 'select(.type == "mv.error") | .data | [.stage, .code]' <<<"$output"
	assert_output '["index",73]'
}

@test "mvindex --check: a consistent index passes silently" {
	mvindex --rebuild
	run --separate-stderr mvindex --check
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
}

@test "mvindex --check: finds every kind of difference, --rebuild repairs them" {
	mvindex --rebuild
	jq '.title = "Brazil (Director'"'"'s Cut)"' "$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
	rm "$MV_DATA/Movies/m3.json"
	jq '.id = "m4" | .externalIds = {"tmdb": 18}' "$MV_DATA/Movies/m2.json" >"$MV_DATA/Movies/m4.json"
	rm "$IX/ext/p/tmdb:4"
	before=$(tree_digest "$MV_DATA")
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	assert_line "movies: m2: differs: title"
	assert_line "movies: m3: in the index, but no valid Movies/m3.json"
	assert_line "movies: m4: missing from the index"
	assert_line "movies: byExternal tmdb:18: missing, expected m4"
	assert_line "claims: m/tmdb:18: missing, m4 has it"
	assert_line "claims: p/tmdb:4: missing, p3 has it"
	[ "${#lines[@]}" -eq 6 ]
	# --check changed nothing.
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
	run mvindex --rebuild
	assert_success
	run --separate-stderr mvindex --check
	assert_success
	[ -z "$output" ]
}

@test "mvindex --check: compares shard by shard: the same entries laid out anew differ only in their key file; a wrong count, a shard no profile backs, an unlisted one and a shared id are each said" {
	mvindex --rebuild
	# Another tool's layout of the same entries (jq's): the check reads
	# what the text says, and finds the entries right; only the key
	# file no longer matches the shard.
	jq . "$IX/movies/00000.json" >"$BATS_TEST_TMPDIR/shard"
	mv "$BATS_TEST_TMPDIR/shard" "$IX/movies/00000.json"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	assert_output "movies: index/movies/00000.keys: stale (mvindex --rebuild writes it anew)"
	mvindex --rebuild
	# The list's count of a shard that is right.
	jq -c '.shards[0].count = 9' "$IX/movies.json" >"$BATS_TEST_TMPDIR/list"
	mv "$BATS_TEST_TMPDIR/list" "$IX/movies.json"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	# (The key file says 3 entries, the list 9: stale too.)
	assert_output "movies: index/movies/00000.keys: stale (mvindex --rebuild writes it anew)
movies: index/movies/00000.json: count is not the 9 of index/movies.json"
	# A person alone in shard 4, then gone: the whole shard is stale.
	jq '.id = "p5000" | .externalIds = {"tmdb": 5000}' "$MV_DATA/People/p3.json" \
		>"$MV_DATA/People/p5000.json"
	mvindex --rebuild
	rm "$MV_DATA/People/p5000.json"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_output "people: p5000: in the index, but no valid People/p5000.json
people: byExternal tmdb:5000: stale
claims: p/tmdb:5000: stale: p5000 has no tmdb:5000"
	# Back, and its shard left out of the list.
	jq '.id = "p5000" | .externalIds = {"tmdb": 5000}' "$MV_DATA/People/p3.json" \
		>"$MV_DATA/People/p5000.json"
	mvindex --rebuild
	jq -c 'del(.shards[] | select(.file == "people/00004.json"))' "$IX/people.json" \
		>"$BATS_TEST_TMPDIR/list"
	mv "$BATS_TEST_TMPDIR/list" "$IX/people.json"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_output "people: p5000: missing from the index
people: byExternal tmdb:5000: missing, expected p5000
people: index/people/00004.json: not listed in index/people.json
people: index/people/00004.keys: not listed in index/people.json
people: count is 4, items has 3"
	# Two people with one TMDB id: the first holds the claim.
	jq '.id = "p6000"' "$MV_DATA/People/p1.json" >"$MV_DATA/People/p6000.json"
	run --separate-stderr mvindex --rebuild
	[ "$status" -eq 65 ]
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_output "claims: p/tmdb:62: owned by p1, p6000 has it
claims: p/imdb:nm0000246: owned by p1, p6000 has it"
	# --check wrote nothing; a rebuild without the double passes.
	rm "$MV_DATA/People/p6000.json"
	mvindex --rebuild
	run --separate-stderr mvindex --check
	assert_success
	[ -z "$output" ]
}

@test "mvindex --check: a shard changed in place, its size and mtime kept, has key records that are not its entries" {
	mvindex --rebuild
	# The same length, the old mtime to the nanosecond: the key file's
	# header still names the shard, only its records can tell.
	for f in movies/00000.json:'s/"title":"Twelve Monkeys"/"title":"Twelve Monkeyz"/' \
		people/00000.json:'s/"name":"Bruce Willis"/"name":"Bruce Willix"/'; do
		cp -p "$IX/${f%%:*}" "$BATS_TEST_TMPDIR/ref"
		sed -i "${f#*:}" "$IX/${f%%:*}"
		touch -r "$BATS_TEST_TMPDIR/ref" "$IX/${f%%:*}"
		! cmp -s "$BATS_TEST_TMPDIR/ref" "$IX/${f%%:*}"
	done
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	assert_output "movies: index/movies/00000.keys: m1: not its entry (mvindex --rebuild writes it anew)
movies: m1: differs: title
people: index/people/00000.keys: p1: not its entry (mvindex --rebuild writes it anew)
people: p1: differs: name"
	mvindex --rebuild
	run -0 --separate-stderr mvindex --check
	[ -z "$output" ]
}

@test "mvindex --check: a missing or corrupt index is a failed check" {
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_line --index 0 --partial "movies: unable to read index/movies.json"
	mvindex --rebuild
	echo '{"items": [' >"$IX/people.json"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_output "people: unable to read index/people.json: invalid JSON"
}

@test "mvindex --check: a list naming a file that is not a shard of its own is refused, and repaired" {
	mvindex --rebuild
	cp "$IX/movies.json" "$BATS_TEST_TMPDIR/list"
	# Shorter than the five digits the writer gives, outside the folder,
	# the other index's: each is a name no shard has.
	for f in movies/0.json ../movies/00000.json people/00000.json; do
		jq -c --arg f "$f" '.shards[0].file = $f' "$BATS_TEST_TMPDIR/list" >"$IX/movies.json"
		run --separate-stderr mvindex --check
		[ "$status" -eq 1 ]
		assert_output "movies: index/movies.json: bad or repeated shard $f
movies: index/movies/00000.json: not listed in index/movies.json
movies: index/movies/00000.keys: not listed in index/movies.json
movies: unable to read index/movies.json: a shard is not movies/NNNNN.json"
		# A broken index is bad data (65), not an empty library.
		run --separate-stderr mvctl ls --json
		[ "$status" -eq 65 ]
		[ "$stderr" = "mvctl: unable to read index/movies.json: a shard is not movies/NNNNN.json" ]
		assert_output ''
	done
	# A listed shard that is gone: a broken index, not "no index yet".
	cp "$BATS_TEST_TMPDIR/list" "$IX/movies.json"
	rm "$IX/movies/00000.json"
	run --separate-stderr mvctl ls --json
	[ "$status" -eq 65 ]
	[ "$stderr" = "mvctl: unable to read index/movies.json: movies/00000.json: No such file or directory" ]
	mvindex --rebuild
	run --separate-stderr mvindex --check
	assert_success
}

@test "mvindex: the filter passes every valid line through byte for byte" {
	mvindex --rebuild
	{
		ev mv.file.added '{"path":"incoming/x.mkv","size":1,"dev":1,"ino":2,"mtime":3}'
		printf '%s\n' '{"specversion":"1.0","id":"odd  spacing","source":"t","type":"mv.other.thing","data":{"k":"é\u00e9"}}'
		ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}'
		ev mv.movie.requested '{"id":"m1"}'
		ev mv.index.updated '{"movies":1,"people":1}'
	} >"$BATS_TEST_TMPDIR/in"
	mvindex <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	grep -v '"source":"mvindex"' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/passed"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/passed"
}

@test "mvindex: the filter reports bad lines with their number and skips them" {
	mvindex --rebuild
	{
		ev mv.movie.requested '{"id":"m1"}'
		echo 'not json'
		echo '{"specversion":"1.0","id":"x","source":"t"}'
		ev mv.movie.requested '{"id":"m2"}'
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr mvindex <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${stderr_lines[0]}" = "mvindex: stdin:2: invalid JSON, skipped" ]
	[ "${stderr_lines[1]}" = "mvindex: stdin:3: missing type, skipped" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "mvindex: one changed movie updates its entry, once per burst" {
	mvindex --rebuild
	cp "$IX/people.json" "$BATS_TEST_TMPDIR/people.before"
	cp "$IX/people/00000.json" "$BATS_TEST_TMPDIR/shard.before"
	jq '.title = "Brazil (1985 cut)" | .level = "medium" | .status = "ready"' \
		"$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
	{
		ev mv.movie.enriched '{"id":"m2","level":"medium","from":"basic"}'
		ev mv.movie.matched '{"id":"m2","tmdb":68,"title":"Brazil","year":1985}'
		ev mv.movie.requested '{"id":"m2"}'
	} >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr mvindex <"$BATS_TEST_TMPDIR/in"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	run jq -c 'select(.type == "mv.index.updated") | [.source, .data]' <<<"$output"
	assert_output '["mvindex",{"movies":3,"people":3}]'
	mix=$(movies_index "$MV_DATA")
	run jq -c '.items[] | select(.id == "m2") | [.title, .level, .status]' "$mix"
	assert_output '["Brazil (1985 cut)","medium","ready"]'
	# No credit changed: people.json was not rewritten.
	cmp "$IX/people.json" "$BATS_TEST_TMPDIR/people.before"
	cmp "$IX/people/00000.json" "$BATS_TEST_TMPDIR/shard.before"
	[ "$(items "$mix"; jq -c .byExternal "$mix")" = "$(rebuilt_items movies)" ]
}

# Give m1 subtitles and two versions, and m2 two parts, as mvenrich files
# them (UC-17, UC-18, UC-19).
versions_and_parts() {
	local a="assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63]"
	local b="assets/videos/Brazil (1985) [tmdbid-68]/Brazil (1985) [tmdbid-68]"
	jq --arg a "$a" '.videos[0].subtitles = [
		{path: ($a + ".en.srt"), lang: "en", forced: false, sdh: false, source: "incoming/r/en.srt"},
		{path: ($a + ".fr.forced.srt"), lang: "fr", forced: true, sdh: false, source: "incoming/r/fr.srt"},
		{path: ($a + ".srt"), lang: "und", forced: false, sdh: true, source: "incoming/r/r.srt"}]
	| .videos += [
		{path: ($a + " - Director'"'"'s Cut.mkv"), size: 1, source: "incoming/dc.mkv",
		 addedAt: "2026-11-02T10:00:00Z", edition: "Director'"'"'s Cut"},
		{path: ($a + " - 2160p.mkv"), size: 1, source: "incoming/uhd.mkv",
		 addedAt: "2026-11-02T11:00:00Z", quality: "2160p"}]' \
		"$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	jq --arg b "$b" '.videos = [
		{path: ($b + " - part1.mkv"), size: 1, source: "incoming/cd1.mkv",
		 addedAt: "2026-11-03T09:00:00Z", part: 1},
		{path: ($b + " - part2.mkv"), size: 1, source: "incoming/cd2.mkv",
		 addedAt: "2026-11-03T09:00:00Z", part: 2,
		 subtitles: [{path: ($b + " - part2.pt-BR.srt"), lang: "pt-BR", forced: false,
		   sdh: false, source: "incoming/cd2.srt"}]}]' \
		"$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
}

@test "mvindex: an item lists the versions, parts and subtitles; a plain video is only video" {
	mvindex --rebuild
	versions_and_parts
	{
		ev mv.video.added '{"id":"m1","path":"x"}'
		ev mv.video.added '{"id":"m2","path":"x"}'
	} >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mvindex <"$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	A="assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63]"
	B="assets/videos/Brazil (1985) [tmdbid-68]/Brazil (1985) [tmdbid-68]"
	mix=$(movies_index "$MV_DATA")
	run jq -c '.items[] | [.id, .video, .videos]' "$mix"
	assert_output "[\"m1\",\"$A.mkv\",[{\"path\":\"$A.mkv\",\"subtitles\":[\"en\",\"fr.forced\",\"und.sdh\"]},{\"path\":\"$A - Director's Cut.mkv\",\"edition\":\"Director's Cut\"},{\"path\":\"$A - 2160p.mkv\",\"quality\":\"2160p\"}]]
[\"m2\",\"$B - part1.mkv\",[{\"path\":\"$B - part1.mkv\",\"part\":1},{\"path\":\"$B - part2.mkv\",\"part\":2,\"subtitles\":[\"pt-BR\"]}]]
[\"m3\",null,null]"
	# m3 has no video: no videos member at all, not an empty list.
	assert_equal "$(jq -c '.items[2] | has("videos")' "$mix")" false
	# The incremental entries are what a rebuild writes.
	[ "$(items "$mix"; jq -c .byExternal "$mix")" = "$(rebuilt_items movies)" ]
	run -0 mvctl validate MovieIndex.json "$IX/movies/00000.json"
	run -0 mvctl validate MovieIndexList.json "$IX/movies.json"
	run -0 --separate-stderr mvindex --check
	[ -z "$output" ] && [ -z "$stderr" ]
	# Back to one plain video: the item loses videos again.
	jq '.videos |= [.[0] | del(.part, .subtitles)]' "$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
	ev mv.video.added '{"id":"m2","path":"x"}' | mvindex >/dev/null
	run jq -c '.items[1] | [.video, has("videos")]' "$(movies_index "$MV_DATA")"
	assert_output "[\"$B - part1.mkv\",false]"
}

@test "mvindex --check: an index written before videos existed is valid but behind; --rebuild repairs it" {
	versions_and_parts
	mvindex --rebuild
	jq 'del(.items[].videos)' "$IX/movies/00000.json" >"$BATS_TEST_TMPDIR/old"
	mv "$BATS_TEST_TMPDIR/old" "$IX/movies/00000.json"
	# Nor did movie shards have key files then.
	rm "$IX/movies/00000.keys"
	run -0 mvctl validate MovieIndex.json "$IX/movies/00000.json"
	run -1 --separate-stderr mvindex --check
	[ -z "$stderr" ]
	assert_output "movies: index/movies/00000.keys: missing (mvindex --rebuild writes it anew)
movies: m1: differs: videos
movies: m2: differs: videos"
	run -1 --separate-stderr mvctl --text check
	assert_line "index/: inconsistent with Movies/ and People/ (mvindex --check exit 1): mvindex --rebuild repairs it"
	# Valid: no schema line names the index, its list or its shard (the
	# lines of mvindex --check above do).
	refute_line --regexp "^index/movies"
	mvindex --rebuild
	run -0 --separate-stderr mvindex --check
	[ -z "$output" ]
}

@test "mvindex: new credits update the people they name, as a rebuild would" {
	mvindex --rebuild
	# m2 gains a cast: p1 joins it; p3 leaves m1's crew.
	jq '.level = "medium" | .credits = {"cast":[{"person":"p1","tmdb":62,"name":"Bruce Willis","character":"Sam"}],"crew":[]}' \
		"$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
	jq '.credits.crew |= map(select(.person != "p3"))' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	{
		ev mv.movie.enriched '{"id":"m2","level":"medium","from":"basic"}'
		ev mv.movie.enriched '{"id":"m1","level":"medium","from":"basic"}'
	} | mvindex >"$BATS_TEST_TMPDIR/out"
	run jq -c '.items[] | select(.id == "p1") | .movies' "$(people_index "$MV_DATA")"
	assert_output '[{"movie":"m1","role":"cast","character":"James Cole"},{"movie":"m2","role":"cast","character":"Sam"}]'
	run jq -c '.items[] | select(.id == "p3") | .movies' "$(people_index "$MV_DATA")"
	assert_output '[{"movie":"m1","role":"cast","character":"Kathryn Railly"}]'
	[ "$(items "$(people_index "$MV_DATA")"; jq -c .byExternal "$(people_index "$MV_DATA")")" = "$(rebuilt_items people)" ]
	run mvindex --check
	assert_success
}

@test "mvindex: people created and enriched, movies deleted, ids from the subject" {
	mvindex --rebuild
	jq '.id = "p4" | .name = "Jonathan Pryce" | .externalIds = {"tmdb": 378} | .movies = [{"movie":"m2","role":"cast","character":"Sam Lowry"}]' \
		"$MV_DATA/People/p3.json" >"$MV_DATA/People/p4.json"
	rm "$MV_DATA/Movies/m3.json"
	ln -s p4 "$IX/ext/p/tmdb:378"   # as mvenrich claims it
	{
		ev mv.person.created '{"id":"p4","tmdb":378,"name":"Jonathan Pryce"}'
		ev mv.movie.needs-review '{"id":null,"path":"incoming/x.mkv","reason":"ambiguous","candidates":[]}' m3
	} | mvindex >"$BATS_TEST_TMPDIR/out"
	run jq -r '[.items[].id] | join(" ")' "$(people_index "$MV_DATA")"
	assert_output "p1 p2 p3 p4"
	run jq -r '[.items[].id] | join(" ")' "$(movies_index "$MV_DATA")"
	assert_output "m1 m2"
	run jq -r '.byExternal["tmdb:378"]' "$(people_index "$MV_DATA")"
	assert_output p4
	run jq -c 'select(.type == "mv.index.updated") | .data' "$BATS_TEST_TMPDIR/out"
	assert_output '{"movies":2,"people":4}'
	run mvindex --check
	assert_success
}

@test "mvindex: each shard's key file is written with it; a stale, damaged or stray one fails the check, --rebuild repairs it" {
	mvindex --rebuild
	keys=$IX/people/00000.keys
	[ "$(head -c 6 "$keys")" = MVKEYS ]
	cp -p "$keys" "$BATS_TEST_TMPDIR/keys"
	# A person renamed: the update rewrites shard 0 and its key file.
	jq '.name = "Bruno Willis"' "$MV_DATA/People/p1.json" >"$BATS_TEST_TMPDIR/p1"
	mv "$BATS_TEST_TMPDIR/p1" "$MV_DATA/People/p1.json"
	run --separate-stderr mvindex --delay 0 < <(ev mv.person.enriched '{"id":"p1","level":"minimal"}')
	assert_success
	[ -z "$stderr" ]
	! cmp -s "$keys" "$BATS_TEST_TMPDIR/keys"
	run --separate-stderr mvindex --check
	assert_success
	[ -z "$output" ]
	# The old key file put back: stale (it names the shard before).
	cp -p "$BATS_TEST_TMPDIR/keys" "$keys"
	before=$(tree_digest "$MV_DATA")
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	assert_output "people: index/people/00000.keys: stale (mvindex --rebuild writes it anew)"
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
	# Damaged; and one of a shard that is not listed.
	printf 'MVKEYS\2\0' | dd of="$keys" conv=notrunc 2>/dev/null
	cp "$keys" "$IX/people/00007.keys"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_line --index 0 "people: index/people/00000.keys: of another version (mvindex --rebuild writes it anew)"
	assert_line --index 1 "people: index/people/00007.keys: not listed in index/people.json"
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr mvindex --rebuild
	assert_success
	[ "$(ls "$IX/people")" = $'00000.json\n00000.keys' ]
	run --separate-stderr mvindex --check
	assert_success
	[ -z "$output" ]
}

@test "mvindex: an invalid profile named by an event leaves the index with a message" {
	mvindex --rebuild
	echo '{' >"$MV_DATA/Movies/m2.json"
	run --separate-stderr mvindex < <(ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}')
	assert_success
	# Once from the scan at start, once for the event.
	[ "${stderr_lines[0]}" = "mvindex: unable to read Movies/m2.json: invalid JSON" ]
	[ "${stderr_lines[1]}" = "mvindex: unable to read Movies/m2.json: invalid JSON" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	run jq -r '[.items[].id] | join(" ")' "$(movies_index "$MV_DATA")"
	assert_output "m1 m3"
}

@test "mvindex: events that change nothing write nothing and emit nothing" {
	mvindex --rebuild
	touch -d '1 hour ago' "$IX/movies.json" "$IX/people.json" "$IX/movies/00000.json" "$IX/people/00000.json"
	find "$MV_DATA/Movies" "$MV_DATA/People" -name '*.json' -exec touch -d '2 hours ago' {} +
	before=$(stat -c %Y "$IX/movies.json" "$IX/people.json" "$IX/movies/00000.json" "$IX/people/00000.json")
	{
		ev mv.movie.requested '{"id":"m1"}'
		ev mv.movie.enriched '{"id":"m1","level":"medium","from":"basic"}'
	} | mvindex >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 2 ]
	! grep -q mv.index.updated "$BATS_TEST_TMPDIR/out"
	[ "$(stat -c %Y "$IX/movies.json" "$IX/people.json" "$IX/movies/00000.json" "$IX/people/00000.json")" = "$before" ]
}

@test "mvindex: at start, a missing or stale index is rebuilt; a fresh one is left alone" {
	# Missing: rebuilt before any event, with one mv.index.updated.
	run --separate-stderr mvindex </dev/null
	assert_success
	run jq -c '[.type, .data]' <<<"$output"
	assert_output '["mv.index.updated",{"movies":3,"people":3}]'
	cmp "$IX/movies.json" "$(fixture mvindex expected-movies.json)"
	cmp "$IX/movies/00000.json" "$(fixture mvindex expected-movies-00000.json)"
	# Fresh: untouched.
	touch -d '1 hour ago' "$IX/movies.json" "$IX/people.json"
	find "$MV_DATA/Movies" "$MV_DATA/People" -name '*.json' -exec touch -d '2 hours ago' {} +
	run mvindex </dev/null
	assert_success
	[ -z "$output" ]
	# A profile newer than the index (a crash between the two writes).
	jq '.title = "Brazil!"' "$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
	mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
	run mvindex </dev/null
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run jq -r '.items[] | select(.id == "m2") | .title' "$(movies_index "$MV_DATA")"
	assert_output "Brazil!"
}

@test "mvindex: mv.stats.updated refreshes lastRead from stats/usage.json" {
	mvindex --rebuild
	echo '{"schemaVersion":1,"movies":{"m2":{"count":2,"first":"2026-11-20T10:00:00Z","last":"2026-11-25T10:00:00Z"}}}' \
		>"$MV_DATA/stats/usage.json"
	ev mv.stats.updated '{"accesses":2}' | mvindex >"$BATS_TEST_TMPDIR/out"
	run jq -c '[.items[] | [.id, .lastRead]]' "$(movies_index "$MV_DATA")"
	assert_output '[["m1",null],["m2","2026-11-25T10:00:00Z"],["m3",null]]'
	[ "$(grep -c mv.index.updated "$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

# Start the filter on a FIFO (fd 7 writes to it); return once it has
# scanned and waits for input: a first event has come back out.
start_fifo() {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	setsid mvindex "$@" <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	ev mv.movie.requested '{"id":"m1"}' >&7
	wait_until 10 grep -q mv.movie.requested "$BATS_TEST_TMPDIR/out"
}
updates() { grep -c mv.index.updated "$BATS_TEST_TMPDIR/out" || true; }
have_updates() { [ "$(updates)" -ge "$1" ]; }
retitle() { # ID TITLE
	jq --arg t "$2" '.title = $t' "$MV_DATA/Movies/$1.json" >"$BATS_TEST_TMPDIR/new"
	mv "$BATS_TEST_TMPDIR/new" "$MV_DATA/Movies/$1.json"
}

@test "mvindex: a burst of events is written once" {
	mvindex --rebuild
	start_fifo
	retitle m1 "One"; retitle m2 "Two"; retitle m3 "Three"
	{
		ev mv.movie.enriched '{"id":"m1","level":"medium","from":"basic"}'
		ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}'
		ev mv.movie.enriched '{"id":"m3","level":"minimal","from":"minimal"}'
		ev mv.movie.requested '{"id":"m3"}'
	} >"$BATS_TEST_TMPDIR/burst"
	cat "$BATS_TEST_TMPDIR/burst" >&7   # one write: one burst
	wait_until 10 have_updates 1
	exec 7>&-
	wait "$pid"
	[ "$(updates)" -eq 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 6 ]
	# The update follows the events it covers.
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out" | jq -r .type)" = mv.index.updated ]
	run jq -r '[.items[].title] | join(",")' "$(movies_index "$MV_DATA")"
	assert_output "One,Two,Three"
}

@test "mvindex: --batch N writes after N updates within a burst" {
	mvindex --rebuild
	start_fifo --batch 2
	retitle m1 "One"; retitle m2 "Two"; retitle m3 "Three"
	{
		ev mv.movie.enriched '{"id":"m1","level":"medium","from":"basic"}'
		ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}'
		ev mv.movie.enriched '{"id":"m3","level":"minimal","from":"minimal"}'
	} >"$BATS_TEST_TMPDIR/burst"
	cat "$BATS_TEST_TMPDIR/burst" >&7   # one write: one burst
	exec 7>&-
	wait "$pid"
	[ "$(updates)" -eq 2 ]
	# After the second update, then at the end of the burst.
	run jq -r .type "$BATS_TEST_TMPDIR/out"
	assert_output "$(printf '%s\n' mv.movie.requested mv.movie.enriched mv.movie.enriched \
		mv.index.updated mv.movie.enriched mv.index.updated)"
	run jq -r '[.items[].title] | join(",")' "$(movies_index "$MV_DATA")"
	assert_output "One,Two,Three"
}

@test "mvindex: a slow stream is written after each event" {
	mvindex --rebuild
	start_fifo
	for i in 1 2 3; do
		retitle m2 "Slow $i"
		ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}' >&7
		wait_until 10 have_updates "$i"
		[ "$(updates)" -eq "$i" ]
		run jq -r '.items[] | select(.id == "m2") | .title' "$(movies_index "$MV_DATA")"
		assert_output "Slow $i"
	done
	exec 7>&-
	wait "$pid"
}

@test "mvindex: SIGTERM while waiting ends the filter cleanly with exit 0" {
	mvindex --rebuild
	start_fifo
	retitle m2 "Pending"
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	exec 7>&-
	[ "$st" -eq 0 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

@test "mvindex: titles with quotes, backslashes, control characters and UTF-8 come out as written" {
	i=10
	for t in 'Say "When"' 'back\\slash' $'tab\there' 'Amélie — 東京' '12345678"' '"""""""""' \
		'a long title that is clearly longer than eight bytes, with one " near the end' \
		$'ctl\x01\x1f!' 'x'; do
		jq --arg id "m$i" --arg t "$t" '.id = $id | .title = $t | .externalIds = {}' \
			"$MV_DATA/Movies/m3.json" >"$MV_DATA/Movies/m$i.json"
		i=$((i + 1))
	done
	mvindex --rebuild
	run jq -c '[.items[] | select(.id | ltrimstr("m") | tonumber >= 10) | .title]' "$(movies_index "$MV_DATA")"
	want=$(for f in $(seq 10 18); do jq -c .title "$MV_DATA/Movies/m$f.json"; done | jq -cs .)
	assert_output "$want"
}

# ---- index/collections.json --------------------------------------------------

# in_collection ID TMDB NAME: the movie's profile says it belongs to that
# collection (TMDB 0: to none).
in_collection() {
	jq --argjson t "$2" --arg n "${3:-}" \
		'.collection = (if $t == 0 then null else {tmdb: $t, name: $n} end)' \
		"$MV_DATA/Movies/$1.json" >"$BATS_TEST_TMPDIR/new"
	mv "$BATS_TEST_TMPDIR/new" "$MV_DATA/Movies/$1.json"
}

# The collections of index/collections.json, one compact line each.
colls() { jq -c '.items[]' "$IX/collections.json"; }

@test "mvindex --rebuild: collections.json lists each collection, its movies in release order" {
	# Brazil (1985-02-20) is older than Twelve Monkeys (1995-12-29); m3
	# has no date at all: last.
	in_collection m1 8 "Gilliam & Co."
	in_collection m2 8 "Gilliam & Co."
	in_collection m3 8 "Gilliam & Co."
	run --separate-stderr mvindex --rebuild
	assert_success
	[ -z "$output" ] && [ -z "$stderr" ]
	run colls
	assert_output '{"tmdb":8,"name":"Gilliam & Co.","count":3,"movies":["m2","m1","m3"]}'
	run jq -r '[.schemaVersion, .count] | join(" ")' "$IX/collections.json"
	assert_output "1 1"
	mvctl validate CollectionIndex.json "$IX/collections.json"
	# Two collections, by tmdb id; a movie in none is in no item.
	in_collection m2 1 "Brazil Set"
	in_collection m3 0
	mvindex --rebuild
	run colls
	assert_output $'{"tmdb":1,"name":"Brazil Set","count":1,"movies":["m2"]}\n{"tmdb":8,"name":"Gilliam & Co.","count":1,"movies":["m1"]}'
	mvctl validate CollectionIndex.json "$IX/collections.json"
	run --separate-stderr mvindex --check
	assert_success
	# No collection at all: an empty list, still a valid document.
	in_collection m1 0
	in_collection m2 0
	mvindex --rebuild
	run jq -c '[.count, .items]' "$IX/collections.json"
	assert_output '[0,[]]'
	mvctl validate CollectionIndex.json "$IX/collections.json"
}

@test "mvindex: an update that adds or moves a movie rewrites collections.json, others leave it" {
	in_collection m1 8 "Gilliam & Co."
	find "$MV_DATA" -type f -exec touch -d '2026-01-01 00:00:00' {} +
	mvindex --rebuild
	start_fifo
	# m2 joins: it comes first, being older.
	in_collection m2 8 "Gilliam & Co."
	ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}' >&7
	wait_until 10 have_updates 1
	run colls
	assert_output '{"tmdb":8,"name":"Gilliam & Co.","count":2,"movies":["m2","m1"]}'
	# A new title changes the movie index only: collections.json is the same file.
	ino=$(stat -c %i "$IX/collections.json")
	retitle m2 "Brazil (1985 cut)"
	ev mv.movie.enriched '{"id":"m2","level":"basic","from":"minimal"}' >&7
	wait_until 10 have_updates 2
	[ "$(stat -c %i "$IX/collections.json")" = "$ino" ]
	# m1 moves to another collection; 8 keeps m2 alone.
	in_collection m1 3 "Monkeys"
	ev mv.movie.enriched '{"id":"m1","level":"medium","from":"basic"}' >&7
	wait_until 10 have_updates 3
	run colls
	assert_output $'{"tmdb":3,"name":"Monkeys","count":1,"movies":["m1"]}\n{"tmdb":8,"name":"Gilliam & Co.","count":1,"movies":["m2"]}'
	# A movie deleted leaves its collection, which goes with its last movie.
	rm "$MV_DATA/Movies/m2.json"
	ev mv.movie.downgraded '{"id":"m2","level":"minimal","from":"basic"}' >&7
	wait_until 10 have_updates 4
	exec 7>&-
	wait "$pid"
	run colls
	assert_output '{"tmdb":3,"name":"Monkeys","count":1,"movies":["m1"]}'
	mvctl validate CollectionIndex.json "$IX/collections.json"
	# As a rebuild would say (claims of the deleted movie aside: those
	# are the next rebuild's to drop).
	rm -rf "$BATS_TEST_TMPDIR/rebuilt"
	cp -r "$MV_DATA" "$BATS_TEST_TMPDIR/rebuilt"
	mvindex --data "$BATS_TEST_TMPDIR/rebuilt" --rebuild
	[ "$(colls)" = "$(jq -c '.items[]' "$BATS_TEST_TMPDIR/rebuilt/index/collections.json")" ]
}

@test "mvindex --check: collections.json that differs from the profiles is a failed check" {
	in_collection m1 8 "Gilliam & Co."
	in_collection m2 8 "Gilliam & Co."
	mvindex --rebuild
	in_collection m1 3 "Monkeys"
	in_collection m2 8 "Gilliam & Co"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	assert_output $'collections: 8: differs: name,count,movies\ncollections: 3: missing from the index'
	rm "$IX/collections.json"
	run --separate-stderr mvindex --check
	[ "$status" -eq 1 ]
	assert_output "collections: unable to read index/collections.json: No such file or directory"
	# A missing collections.json makes the index stale: the filter writes it at start.
	run --separate-stderr mvindex </dev/null
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run colls
	assert_output $'{"tmdb":3,"name":"Monkeys","count":1,"movies":["m1"]}\n{"tmdb":8,"name":"Gilliam & Co","count":1,"movies":["m2"]}'
}

@test "mvindex: killed at any step of an index write, the index is whole or seen stale and rebuilt" {
	# A person in a second shard: m2's new cast dirties two shards.
	jq '.id = "p2000" | .name = "Ian Holm" | .externalIds = {}' \
		"$MV_DATA/People/p3.json" >"$MV_DATA/People/p2000.json"
	touch -d '2026-01-01 00:00:00' "$MV_DATA/People/p2000.json"
	for step in index-movie-shard index-movie-keys index-movies index-keys index-shard \
		index-list; do
		cp "$(fixture mvindex lib)/Movies/m2.json" "$MV_DATA/Movies/m2.json"
		touch -d '2026-01-01 00:00:00' "$MV_DATA/Movies/m2.json"
		rm -rf "$IX/people" "$IX/people.json" "$IX/movies" "$IX/movies.json"
		mvindex --rebuild
		[ "$(ls "$IX/people")" = $'00000.json\n00000.keys\n00001.json\n00001.keys' ]
		# Killed during a rebuild: what is there is what a rebuild says,
		# but for the key file of the shard just written: removed first.
		run -137 env MV_CRASH_AT=$step mvindex --rebuild
		run --separate-stderr mvindex --check
		if [ "$step" = index-keys ] || [ "$step" = index-movie-keys ]; then
			kind=people
			[ "$step" = index-keys ] || kind=movies
			[ "$status" -eq 1 ]
			assert_output "$kind: index/$kind/00000.keys: missing (mvindex --rebuild writes it anew)"
			# A shard without its key file: the filter's start rebuilds.
			run --separate-stderr mvindex </dev/null
			assert_success
			run jq -c '[.type, .data]' <<<"$output"
			assert_output '["mv.index.updated",{"movies":3,"people":4}]'
			run --separate-stderr mvindex --check
		fi
		assert_success
		jq --arg s "$step" '.level = "medium" | .title = $s | .credits = {"cast":[
			{"person":"p1","tmdb":62,"name":"Bruce Willis","character":"Sam"},
			{"person":"p2000","name":"Ian Holm","character":"Kurtzmann"}],"crew":[]}' \
			"$MV_DATA/Movies/m2.json" >"$BATS_TEST_TMPDIR/m2"
		mv "$BATS_TEST_TMPDIR/m2" "$MV_DATA/Movies/m2.json"
		# Killed during an update: the list is older than m2's profile.
		run -137 env MV_CRASH_AT=$step mvindex --delay 0 \
			< <(ev mv.movie.enriched '{"id":"m2","level":"medium","from":"basic"}')
		if [ "$step" = index-keys ]; then
			# Shard 0 written, its key file not, shard 1 not either.
			run --separate-stderr mvindex --check
			[ "$status" -eq 1 ]
			assert_line --index 0 "people: index/people/00000.keys: missing (mvindex --rebuild writes it anew)"
			assert_line --index 1 "people: p2000: differs: movies"
			[ "${#lines[@]}" -eq 2 ]
		fi
		if [ "$step" = index-movie-keys ]; then
			# The movie shard written, its key file not, no people's.
			run --separate-stderr mvindex --check
			[ "$status" -eq 1 ]
			assert_line --index 0 "movies: index/movies/00000.keys: missing (mvindex --rebuild writes it anew)"
			assert_line "people: p2000: differs: movies"
		fi
		if [ "$step" = index-shard ]; then
			# Shard 0 written, shard 1 not: the check sees it.
			run --separate-stderr mvindex --check
			[ "$status" -eq 1 ]
			assert_output "people: p2000: differs: movies"
		fi
		# The filter's next start (its supervisor's restart) repairs it.
		run --separate-stderr mvindex </dev/null
		assert_success
		if [ "$step" = index-list ]; then
			# Killed after the list: whole, not stale, left alone.
			[ -z "$output" ] && [ -z "$stderr" ]
		else
			run jq -c '[.type, .data]' <<<"$output"
			assert_output '["mv.index.updated",{"movies":3,"people":4}]'
		fi
		run --separate-stderr mvindex --check
		assert_success
		run jq -c '.items[] | select(.id == "p2000") | .movies' "$(people_index "$MV_DATA")"
		assert_output '[{"movie":"m2","role":"cast","character":"Kurtzmann"}]'
	done
}
