#!/usr/bin/env bats
# listing: mvctl ls / people --movies and mvserve's /movies and
# /people/{id}/movies give the same pages, in the order mv.h documents
# (lib/listing.c), computed here again independently with jq.

load test_helper
load fixtures/mvserve/helpers

# A synthetic library with ties in every key and missing values: three
# titles equal but for case, three movies of 1995 and two without a year,
# three added at one instant and one without a time, three read at one
# instant, one read later, the rest never read.
setup_file() {
	export HOME=$BATS_FILE_TMPDIR/home MV_SCHEMAS=$MV_TOP/schemas
	export PATH=$MV_BUILD/bin:$MV_TOP/scripts:/usr/local/bin:/usr/bin:/bin
	export LC_ALL=C.UTF-8 TZ=UTC
	mkdir -p "$HOME"
	export LIB=$BATS_FILE_TMPDIR/lib
	"$MV_BUILD/progs/gen-library" -m 40 -p 60 -s 14 "$LIB" >/dev/null
	edit() { # ID JQ-FILTER
		jq "$2" "$LIB/Movies/$1.json" >"$LIB/tmp.json" && mv "$LIB/tmp.json" "$LIB/Movies/$1.json"
	}
	edit m1 '.title = "Heat"'
	edit m10 '.title = "heat"'
	edit m2 '.title = "HEAT"'
	edit m4 '.year = 1995'
	edit m11 '.year = 1995'
	edit m20 '.year = 1995'
	edit m3 'del(.year)'
	edit m12 'del(.year)'
	edit m5 '.videos[0].addedAt = "2026-01-01T05:00:00Z"'
	edit m6 '.videos[0].addedAt = "2026-01-01T05:00:00Z"'
	edit m15 '.videos[0].addedAt = "2026-01-01T05:00:00Z"'
	# addedAt falls back on createdAt: without both, no time at all.
	edit m7 'del(.videos[0].addedAt, .createdAt)'
	mkdir -p "$LIB/stats"
	jq -n '{schemaVersion: 1, movies: {
		m1: {count: 2, first: "2026-02-01T00:00:00Z", last: "2026-03-01T00:00:00Z"},
		m9: {count: 1, first: "2026-03-01T00:00:00Z", last: "2026-03-01T00:00:00Z"},
		m30: {count: 1, first: "2026-03-01T00:00:00Z", last: "2026-03-01T00:00:00Z"},
		m4: {count: 5, first: "2026-01-01T00:00:00Z", last: "2026-04-01T00:00:00Z"}}}' \
		>"$LIB/stats/usage.json"
	MV_DATA=$LIB mvindex --rebuild --no-sync
}

setup() {
	mv_test_env
	export MV_DATA=$LIB
	BODY=$BATS_TEST_TMPDIR/body
	start_mvserve
}

teardown() {
	stop_mvserve
}

# get PATH: GET $MVSERVE_URL$PATH into $BODY; prints the status.
get() {
	rm -f "$BODY"
	curl -sS -o "$BODY" -w '%{http_code}' "$MVSERVE_URL$1"
}

# The documented order of the items of index file $1 under sort $2,
# as ids, one JSON array: present values grouped and ordered by the key
# (added and lastRead newest first), each group by id number, then the
# items without the value by id number; "-" reverses the groups and the
# ids but leaves the missing last; one id twice keeps its given order.
order() { # JSON-ARRAY-OF-ITEMS SORT
	jq -c --arg s "$2" '
		($s | ltrimstr("-")) as $k | (if $s | startswith("-") then 1 else 0 end) as $rev
		| def num: .id[1:] | tonumber;
		  def val: if $k == "title" then (.title // .name | ascii_downcase)
			elif $k == "year" then .year elif $k == "added" then .addedAt
			elif $k == "lastRead" then .lastRead else 0 end;
		  def byid: if $rev == 1 then sort_by([-num, ._pos]) else sort_by([num, ._pos]) end;
		to_entries | map(.value + {_pos: .key})
		| (map(select(val != null)) | group_by(val)
			| if ($k == "added" or $k == "lastRead") != ($rev == 1) then reverse else . end
			| map(byid) | add // [])
		  + (map(select(val == null)) | byid)
		| map(.id)' <<<"$1"
}

# compare LABEL MVCTL-JSON: $BODY (mvserve) and the mvctl page have the
# same envelope and the same ids, and both are valid PaginatedResponses.
compare() {
	mvctl validate PaginatedResponse.json "$BODY"
	mvctl validate PaginatedResponse.json - <<<"$2"
	assert_equal "$1: $(jq -c '[.items[].id]' <<<"$2")" "$1: $(jq -c '[.items[].id]' "$BODY")"
	assert_equal "$1: $(jq -c 'del(.items)' <<<"$2")" "$1: $(jq -c 'del(.items)' "$BODY")"
}

@test "listing: the library has ties and missing values in every key" {
	# The movie index is its shards: their items put together.
	ix=$BATS_TEST_TMPDIR/movies-index.json
	jq -s '{count: (map(.count) | add), items: (map(.items) | add),
		byExternal: (map(.byExternal) | add)}' "$LIB"/index/movies/*.json >"$ix"
	assert_equal "$(jq '[.items[] | select(.title | ascii_downcase == "heat")] | length' "$ix")" 3
	assert_equal "$(jq '[.items[] | select(.year == 1995)] | length >= 3' "$ix")" true
	assert_equal "$(jq -c '[.items[] | select(.year == null) | .id]' "$ix")" '["m3","m12"]'
	assert_equal "$(jq '[.items[] | select(.addedAt == "2026-01-01T05:00:00Z")] | length' "$ix")" 3
	assert_equal "$(jq -c '[.items[] | select(.addedAt == null) | .id]' "$ix")" '["m7"]'
	assert_equal "$(jq -c '[.items[] | select(.lastRead != null) | [.id, .lastRead]]' "$ix")" \
		'[["m1","2026-03-01T00:00:00Z"],["m4","2026-04-01T00:00:00Z"],["m9","2026-03-01T00:00:00Z"],["m30","2026-03-01T00:00:00Z"]]'
}

@test "listing: mvctl ls and GET /movies: the same pages, in the documented order, for every sort" {
	items=$(jq -sc 'map(.items) | add' "$LIB"/index/movies/*.json)
	n=$(jq length <<<"$items")
	per=9
	pages=$(((n + per - 1) / per))
	for s in title year added lastRead id -title -year -added -lastRead -id; do
		want=$(order "$items" "$s")
		# The pages of the documented order partition it: comparing each
		# page with its slice proves nothing lost and nothing twice.
		for p in $(seq 1 $((pages + 1))); do
			mine=$(mvctl ls --json --sort "$s" --page "$p" --per-page "$per")
			[ "$(get "/movies?sort=$s&page=$p&perPage=$per")" = 200 ]
			[ "$p" != 1 ] || compare "$s" "$mine"
			assert_equal "$s page $p: $(jq -c --argjson w "$want" --argjson p "$p" --argjson m "$per" \
				'[[.items[].id] == $w[($p - 1) * $m:$p * $m], [.items[].id], del(.items)]' <<<"$mine")" \
				"$s page $p: $(jq -c --argjson w "$want" --argjson p "$p" --argjson m "$per" \
				'[true, [.items[].id], del(.items)]' "$BODY")"
		done
	done
}

@test "listing: next and prev are mvserve routes that lead to the neighbouring pages" {
	for s in year -lastRead; do
		mine=$(mvctl ls --json --sort "$s" --per-page 6 --page 2)
		next=$(jq -r .next <<<"$mine")
		prev=$(jq -r .prev <<<"$mine")
		assert_equal "$next" "/movies?page=3&perPage=6&sort=$s"
		assert_equal "$prev" "/movies?page=1&perPage=6&sort=$s"
		[ "$(get "$next")" = 200 ]
		assert_equal "$(jq -c '[.items[].id]' "$BODY")" \
			"$(mvctl ls --json --sort "$s" --per-page 6 --page 3 | jq -c '[.items[].id]')"
		[ "$(get "$prev")" = 200 ]
		assert_equal "$(jq -c '[.items[].id]' "$BODY")" \
			"$(mvctl ls --json --sort "$s" --per-page 6 --page 1 | jq -c '[.items[].id]')"
	done
	# Walking next from page 1 visits every movie once, in order.
	url="/movies?sort=-added&perPage=9" ids=
	while [ "$url" != null ]; do
		[ "$(get "$url")" = 200 ]
		ids+=$(jq -r '.items[].id' "$BODY")$'\n'
		url=$(jq -r .next "$BODY")
	done
	assert_equal "$(jq -Rsc 'split("\n") | map(select(. != ""))' <<<"$ids")" \
		"$(order "$(jq -sc 'map(.items) | add' "$LIB"/index/movies/*.json)" -added)"
}

@test "listing: --query and q filter alike, and the links keep q" {
	for q in heat 'HE' 'star  ' 'zzz-none'; do
		mine=$(mvctl ls --json --sort -year --per-page 2 --query "$q")
		enc=$(jq -rn --arg q "$q" '$q | @uri')
		[ "$(get "/movies?sort=-year&perPage=2&q=$enc")" = 200 ]
		compare "q=$q" "$mine"
	done
	mine=$(mvctl ls --json --sort title --query heat)
	assert_equal "$(jq -c '[.items[].id]' <<<"$mine")" '["m1","m2","m10"]'
	mine=$(mvctl ls --json --per-page 1 --query 'E ')
	assert_equal "$(jq -r .next <<<"$mine")" "/movies?page=2&perPage=1&sort=title&q=E%20"
}

@test "listing: a person's movies: mvctl people --movies and GET /people/{id}/movies agree, ties and two credits in one movie included" {
	pix=$(people_index "$LIB")
	# The person with the most credits that fit one page (200), some of
	# them in one movie.
	p=$(jq -r '.items | map(select((.movies | length) <= 200)) | max_by(.movies | length) | .id' "$pix")
	assert_equal "$(jq --arg p "$p" '.items[] | select(.id == $p) | (.movies | length) > (.movies | map(.movie) | unique | length)' "$pix")" true
	items=$(jq -c --arg p "$p" --slurpfile m <(cat "$LIB"/index/movies/*.json) '
		($m | map(.items[]) | map({(.id): .}) | add) as $by
		| .items[] | select(.id == $p) | [.movies[] | $by[.movie] // empty]' "$pix")
	n=$(jq length <<<"$items")
	[ "$n" -le 200 ]  # mvserve's largest page
	for s in title year added lastRead id -title -year -added -lastRead -id; do
		want=$(order "$items" "$s")
		mine=$(mvctl people "$p" --movies --json --sort "$s" --per-page "$n")
		[ "$(get "/people/$p/movies?sort=$s&perPage=$n")" = 200 ]
		compare "$p $s" "$mine"
		assert_equal "$p $s: $(jq -c '[.items[].id]' <<<"$mine")" "$p $s: $want"
		# The credits come with their movie, in the people index's order.
		assert_equal "$(jq -c '[.items[] | [.id, .role, .character, .job]]' <<<"$mine")" \
			"$(jq -c '[.items[] | [.id, .role, .character, .job]]' "$BODY")"
	done
	# Pages: the same split, links to the route of the same listing.
	mine=$(mvctl people "$p" --movies --json --sort year --per-page 2 --page 2)
	[ "$(get "/people/$p/movies?sort=year&perPage=2&page=2")" = 200 ]
	compare "$p page 2" "$mine"
	assert_equal "$(jq -r .next <<<"$mine")" "/people/$p/movies?page=3&perPage=2&sort=year"
	[ "$(get "$(jq -r .next <<<"$mine")")" = 200 ]
	assert_equal "$(jq -c '[.items[].id]' "$BODY")" \
		"$(mvctl people "$p" --movies --json --sort year --per-page 2 --page 3 | jq -c '[.items[].id]')"
}

@test "listing: GET /people is in the documented order of names" {
	items=$(jq -c .items "$(people_index "$LIB")")
	for s in title -title id; do
		[ "$(get "/people?sort=$s&perPage=200")" = 200 ]
		assert_equal "$s: $(jq -c '[.items[].id]' "$BODY")" "$s: $(order "$items" "$s")"
	done
}
