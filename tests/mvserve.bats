#!/usr/bin/env bats
# mvserve: the HTTP API over a demo-like library (the sample videos, movie
# 63 deep), every answer checked against its schema.

load test_helper
load faketmdb
load fixtures/mvserve/helpers

# One library for the file, built with the real tools against the fake
# TMDB; tests read it and never change it (the ones that must, copy it).
setup_file() {
	export HOME=$BATS_FILE_TMPDIR/home MV_SCHEMAS=$MV_TOP/schemas
	export PATH=$MV_BUILD/bin:$MV_TOP/scripts:/usr/local/bin:/usr/bin:/bin
	export LC_ALL=C.UTF-8 TZ=UTC
	unset MV_REGION MV_NOW
	mkdir -p "$HOME"
	export LIB=$BATS_FILE_TMPDIR/lib
	start_faketmdb
	MOVIE63=$(mvserve_library "$LIB")
	stop_faketmdb
	export MOVIE63
	# A person credited on 63 (deep), for /people/{id}.
	PERSON=$(jq -r '.credits.cast[0].person' "$LIB/Movies/$MOVIE63.json")
	export PERSON
	export DIGEST=$(tree_digest "$LIB")
}

setup() {
	mv_test_env
	export MV_DATA=$LIB
	BODY=$BATS_TEST_TMPDIR/body HEAD=$BATS_TEST_TMPDIR/head
}

teardown() {
	stop_mvserve
}

# get PATH [curl options...]: GET $MVSERVE_URL$PATH; the body goes to
# $BODY, the headers to $HEAD; prints the status.
get() {
	local path=$1
	shift
	rm -f "$BODY" "$HEAD"
	curl -sS --path-as-is -o "$BODY" -D "$HEAD" -w '%{http_code}' "$@" "$MVSERVE_URL$path"
}

# GET PATH answers 200, and the jq -c FILTER of its body is exactly WANT.
get_ok_is() { # PATH FILTER WANT
	[ "$(get "$1")" = 200 ]
	run jq -c "$2" "$BODY"
	assert_output "$3"
}

# header NAME: the value of that header in $HEAD (last one), CR dropped.
header() {
	grep -i "^$1:" "$HEAD" | tail -n 1 | cut -d' ' -f2- | tr -d '\r'
}

# valid SCHEMA: $BODY validates against SCHEMA.
valid() {
	mvctl validate "$1" "$BODY"
}

# is_error STATUS: $BODY is the error shape with that status.
is_error() {
	valid Error.json || return 1
	[ "$(jq .error.status "$BODY")" = "$1" ] || { cat "$BODY"; return 1; }
	[ "$(header Content-Type)" = "application/json; charset=utf-8" ]
}

# ---- command line -----------------------------------------------------------

@test "mvserve: -h prints the usage on stdout; an unknown option is 64" {
	run --separate-stderr mvserve -h
	assert_success
	assert_line --index 0 --partial "usage: mvserve [--data DIR] [--listen ADDR:PORT]"
	[ -z "$stderr" ]
	run --separate-stderr -64 mvserve --bogus
	[ -z "$output" ]
	[[ $stderr == *"usage: mvserve"* ]]
	run --separate-stderr -64 mvserve extra
	[[ $stderr == "mvserve: unexpected argument \"extra\""* ]]
}

@test "mvserve: a bad --listen is 64, a missing data dir 66, a missing --web 66" {
	for l in 127.0.0.1 127.0.0.1:x 127.0.0.1:70000 nohost:80 '[::1:80' 1.2.3.4.5:1; do
		run --separate-stderr -64 mvserve --listen "$l"
		assert_equal "$stderr" "mvserve: bad --listen \"$l\": expected ADDR:PORT, such as 127.0.0.1:8080"
	done
	run --separate-stderr -66 mvserve --data "$BATS_TEST_TMPDIR/none" --listen 127.0.0.1:0
	[[ $stderr == "mvserve: unable to open data directory $BATS_TEST_TMPDIR/none: "* ]]
	run --separate-stderr -66 mvserve --web "$BATS_TEST_TMPDIR" --listen 127.0.0.1:0
	[[ $stderr == "mvserve: unable to open the web page: $BATS_TEST_TMPDIR/index.html: "* ]]
}

@test "mvserve: every option of the usage is in the man page and the other way round" {
	opts=$(mvserve -h | grep -o -- '--[a-z-]*' | sort -u)
	man=$(grep -o '^\.It Fl .*' "$MV_TOP/man/mvserve.1" | grep -o -- '\\-[a-z-]*' | tr -d '\\' | sed 's/^/-/' | sort -u)
	assert_equal "$man" "$opts"
	mandoc -Tlint -W warning "$MV_TOP/man/mvserve.1"
}

@test "mvserve: SIGTERM and SIGINT stop it with 0 and remove the port file" {
	for sig in TERM INT; do
		start_mvserve
		[ "$(get /health)" = 200 ]
		stop_mvserve "$sig"
		assert_equal "$MVSERVE_STATUS" 0
		[ ! -e "$MVSERVE_PORTFILE" ]
	done
}

@test "mvserve: an address in use is 75 (temporary), with the reason" {
	start_mvserve
	run --separate-stderr -75 mvserve --listen "127.0.0.1:$MVSERVE_PORT"
	assert_equal "$stderr" "mvserve: unable to listen on 127.0.0.1:$MVSERVE_PORT: Address already in use"
}

@test "mvserve: an unwritable port file is 73 and the server does not stay" {
	run --separate-stderr -73 mvserve --listen 127.0.0.1:0 --port-file "$BATS_TEST_TMPDIR/no/such/port"
	[[ $stderr == "mvserve: unable to write $BATS_TEST_TMPDIR/no/such/port: "* ]]
}

# ---- /movies ---------------------------------------------------------------

@test "GET /movies: a PaginatedResponse of index entries, sorted by title, with card members" {
	start_mvserve
	[ "$(get /movies)" = 200 ]
	valid PaginatedResponse.json
	[ "$(header Content-Type)" = "application/json; charset=utf-8" ]
	run jq -c '[.page, .perPage, .totalItems, .totalPages, .next, .prev]' "$BODY"
	assert_output '[1,20,10,1,null,null]'
	jq -c '.items[]' "$BODY" | mvctl validate 'MovieIndex.json#/properties/items/items' -
	run jq -r '.items[].title' "$BODY"
	assert_output "2001: A Space Odyssey
Amélie
Blade Runner 2049
Fight Club
Heat
The Matrix
The Thing
The Thing
The Thing
Twelve Monkeys"
	# 63 is deep: its card poster (basic's, w92) and Arte's free offer;
	# every matched movie has a card poster, none other a free offer.
	run jq -c --arg id "$MOVIE63" '.items[] | select(.id == $id) | [.poster, .free]' "$BODY"
	assert_output "[\"/images/$MOVIE63-card-w92.jpg\",{\"provider\":\"Arte\",\"link\":\"https://www.themoviedb.org/movie/63-twelve-monkeys/watch?locale=FR\",\"offer\":\"free\"}]"
	[ "$(jq '[.items[] | select(.free == null)] | length' "$BODY")" = 9 ]
	# The one without a poster is the movie in review (never matched).
	[ "$(jq -c '[.items[] | select(.poster == null) | .level]' "$BODY")" = '["minimal"]' ]
	# The badge is for MV_REGION's providers only: 63 was deepened for FR.
	stop_mvserve
	MV_REGION=US start_mvserve
	get_ok_is "/movies?q=monkeys" '[.items[0].poster != null, .items[0].free]' '[true,null]'
}

@test "GET /movies: pages, links that lead to the next page, sorts, q" {
	start_mvserve
	[ "$(get '/movies?perPage=3&page=2&sort=year')" = 200 ]
	valid PaginatedResponse.json
	run jq -c '[.page, .perPage, .totalItems, .totalPages, .next, .prev, [.items[].year]]' "$BODY"
	assert_output '[2,3,10,4,"/movies?page=3&perPage=3&sort=year","/movies?page=1&perPage=3&sort=year",[1995,1999,1999]]'
	# Following next to the end visits every movie once, by year.
	path='/movies?perPage=3&sort=-year' years=
	while [ "$path" != null ]; do
		[ "$(get "$path")" = 200 ]
		years="$years $(jq -r '[.items[].year | tostring] | join(" ")' "$BODY")"
		path=$(jq -r .next "$BODY")
	done
	assert_equal "$years" " 2017 2011 2001 1999 1999 1995 1995 1982 1968 null"
	# A page past the end is empty, and prev leads back to the last one.
	get_ok_is '/movies?page=9&perPage=4' '[.items, .totalPages, .next, .prev]' \
		'[[],3,null,"/movies?page=3&perPage=4&sort=title"]'
	# q matches the folded title: case and accents do not count.
	get_ok_is '/movies?q=AMELIE' '[.totalItems, [.items[].title]]' '[1,["Amélie"]]'
	get_ok_is '/movies?q=the%20thing&perPage=1&sort=-year' \
		'[.totalItems, .items[0].year, .next]' \
		'[3,2011,"/movies?page=2&perPage=1&sort=-year&q=the%20thing"]'
	get_ok_is '/movies?q=nothing%20like%20it' '[.totalItems, .totalPages, .items]' '[0,0,[]]'
	valid PaginatedResponse.json
}

@test "GET /movies: bad parameters are 400 in the one error shape" {
	start_mvserve
	for q in page=0 page=x page=-1 page=1e3 perPage=0 perPage=201 perPage=99999999999999999999 sort=rating sort=--year; do
		[ "$(get "/movies?$q")" = 400 ]
		is_error 400
	done
	[ "$(get '/movies?page=x')" = 400 ]
	run jq -r .error.message "$BODY"
	assert_output "bad page: an integer from 1 to 1000000"
	[ "$(get "/movies/$MOVIE63?level=higher")" = 400 ]
	is_error 400
	run jq -r .error.message "$BODY"
	assert_output 'bad level "higher": minimal, basic, medium or deep'
	for id in m0 m01 x1 p1 M1 m1x; do
		[ "$(get "/movies/$id")" = 400 ]
		is_error 400
	done
	# Nothing was requested by any of them.
	[ ! -s "$MVSERVE_OUT" ]
}

# ---- /movies/{id} and the request event -------------------------------------

@test "GET /movies/{id}: the MovieProfile; each open prints mv.movie.requested when no pipeline runs" {
	start_mvserve
	[ "$(get "/movies/$MOVIE63")" = 200 ]
	valid MovieProfile.json
	cmp "$BODY" "$LIB/Movies/$MOVIE63.json"
	[ "$(header Cache-Control)" = no-store ]
	[ "$(get "/movies/$MOVIE63?level=deep")" = 200 ]
	[ "$(get "/movies/$MOVIE63?level=light")" = 200 ]
	# HEAD is not an open.
	[ "$(get "/movies/$MOVIE63" -I)" = 200 ]
	[ "$(wc -l <"$MVSERVE_OUT")" -eq 3 ]
	mvctl validate events/mv.movie.requested.json - <"$MVSERVE_OUT"
	run jq -c '[.source, .subject, .data]' "$MVSERVE_OUT"
	assert_output "[\"mvserve\",\"$MOVIE63\",{\"id\":\"$MOVIE63\",\"reason\":\"user\"}]
[\"mvserve\",\"$MOVIE63\",{\"id\":\"$MOVIE63\",\"level\":\"deep\",\"reason\":\"user\"}]
[\"mvserve\",\"$MOVIE63\",{\"id\":\"$MOVIE63\",\"level\":\"basic\",\"reason\":\"user\"}]"
	[ "$(jq -r .id "$MVSERVE_OUT" | sort -u | wc -l)" -eq 3 ]
}

# versioned DIR: a copy of the library in DIR where 63 has subtitles and
# a Director's Cut, and Heat two parts (profiles edited as mvenrich files
# them, UC-17 to UC-19), the index rebuilt. Prints Heat's id.
versioned() {
	local d=$1 heat
	cp -a "$LIB" "$d"
	heat=$(jq -r 'select(.title == "Heat") | .id' "$d"/Movies/*.json)
	jq '.videos[0].path as $p | ($p | rtrimstr(".mkv")) as $b
	| .videos[0].subtitles = [
		{path: ($b + ".en.srt"), lang: "en", forced: false, sdh: false, source: "incoming/en.srt"},
		{path: ($b + ".fr.forced.srt"), lang: "fr", forced: true, sdh: false, source: "incoming/fr.srt"}]
	| .videos += [{path: ($b + " - Director'"'"'s Cut.mkv"), size: 1, source: "incoming/dc.mkv",
		addedAt: "2026-11-27T10:00:00Z", edition: "Director'"'"'s Cut",
		subtitles: [{path: ($b + " - Director'"'"'s Cut.de.sdh.srt"), lang: "de", forced: false,
		  sdh: true, source: "incoming/de.srt"}]}]' \
		"$d/Movies/$MOVIE63.json" >"$d/m" && mv "$d/m" "$d/Movies/$MOVIE63.json"
	jq '.videos[0].path as $p | ($p | rtrimstr(".mkv")) as $b
	| .videos = [.videos[0] + {path: ($b + " - part1.mkv"), part: 1},
		.videos[0] + {path: ($b + " - part2.mkv"), part: 2}]' \
		"$d/Movies/$heat.json" >"$d/m" && mv "$d/m" "$d/Movies/$heat.json"
	MV_DATA=$d mvindex --rebuild >/dev/null
	echo "$heat"
}

@test "GET /movies, /movies/{id}, mvctl ls: a movie's versions, parts and subtitles, the same item" {
	lib=$BATS_TEST_TMPDIR/lib
	heat=$(versioned "$lib")
	start_mvserve --data "$lib"
	[ "$(get "/movies?perPage=100&sort=id")" = 200 ]
	valid PaginatedResponse.json
	jq -c '.items[]' "$BODY" | mvctl validate 'MovieIndex.json#/properties/items/items' -
	B=$(jq -r '.videos[0].path | rtrimstr(".mkv")' "$LIB/Movies/$MOVIE63.json")
	H=$(jq -r '.videos[0].path | rtrimstr(".mkv")' "$LIB/Movies/$heat.json")
	run jq -c '.items[] | select(.videos) | [.id, .videos]' "$BODY"
	assert_output "[\"$MOVIE63\",[{\"path\":\"$B.mkv\",\"subtitles\":[\"en\",\"fr.forced\"]},{\"path\":\"$B - Director's Cut.mkv\",\"edition\":\"Director's Cut\",\"subtitles\":[\"de.sdh\"]}]]
[\"$heat\",[{\"path\":\"$H - part1.mkv\",\"part\":1},{\"path\":\"$H - part2.mkv\",\"part\":2}]]"
	# Every other movie has one plain video: video alone says it.
	assert_equal "$(jq '[.items[] | select(.videos == null and .video != null)] | length' "$BODY")" 8
	# mvctl ls --json gives the same items, without the card members
	# (poster, free, displayTitle) that mvserve adds.
	mine=$(MV_DATA=$lib mvctl ls --json --per-page 100 --sort id)
	assert_equal "$(jq -c '[.items[] | del(.poster, .free, .displayTitle)]' "$BODY")" "$(jq -c .items <<<"$mine")"
	# The profile has every detail: paths and origins of each subtitle.
	[ "$(get "/movies/$MOVIE63")" = 200 ]
	valid MovieProfile.json
	run jq -c '[.videos[] | [.edition, [.subtitles[] | [.lang, .forced, .sdh]]]]' "$BODY"
	assert_output '[[null,[["en",false,false],["fr",true,false]]],["Director'"'"'s Cut",[["de",false,true]]]]'
}

@test "GET /movies/{id}: with a pipeline reading run/inject.fifo, the event goes there" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	mkdir -p "$lib/run"
	mkfifo "$lib/run/inject.fifo"
	start_mvserve --data "$lib"
	# A reader on the FIFO, as scripts/mvpipeline holds it.
	exec 8<>"$lib/run/inject.fifo"
	[ "$(get "/movies/$MOVIE63?level=deep")" = 200 ]
	read -r -t 5 line <&8
	exec 8<&-
	jq -e --arg id "$MOVIE63" '.type == "mv.movie.requested" and .data == {id: $id, level: "deep", reason: "user"}' <<<"$line"
	mvctl validate events/mv.movie.requested.json - <<<"$line"
	[ ! -s "$MVSERVE_OUT" ]
	# The reader gone (ENXIO): back to standard output.
	[ "$(get "/movies/$MOVIE63")" = 200 ]
	[ "$(jq -r .data.id "$MVSERVE_OUT")" = "$MOVIE63" ]
}

@test "GET /movies/{token}, /people/{token}: tmdb: and imdb ids read as mvctl reads them" {
	start_mvserve
	[ "$(get "/movies/$MOVIE63")" = 200 ]
	cp "$BODY" "$BATS_TEST_TMPDIR/by-id"
	imdb=$(jq -r .externalIds.imdb "$LIB/Movies/$MOVIE63.json")
	for tok in tmdb:63 63 "$imdb" "imdb:$imdb"; do
		[ "$(get "/movies/$tok")" = 200 ]
		cmp "$BODY" "$BATS_TEST_TMPDIR/by-id"
		run -0 mvctl show "$tok" --json
		assert_equal "$(jq -r .id <<<"$output")" "$MOVIE63"
	done
	# Each open is one user's request for the resolved id.
	run jq -r '.data.id' "$MVSERVE_OUT"
	assert_output "$(printf '%s\n' "$MOVIE63" "$MOVIE63" "$MOVIE63" "$MOVIE63" "$MOVIE63")"
	ptmdb=$(jq -r .externalIds.tmdb "$LIB/People/$PERSON.json")
	[ "$(get "/people/tmdb:$ptmdb")" = 200 ]
	[ "$(jq -r .id "$BODY")" = "$PERSON" ]
	[ "$(get "/people/tmdb:$ptmdb/movies")" = 200 ]
	valid PaginatedResponse.json
	[ "$(get /movies/tmdb:999999)" = 404 ]
	is_error 404
	run jq -r .error.message "$BODY"
	assert_output "no movie with tmdb:999999 in the library"
	[ "$(get /people/tmdb:999999/movies)" = 404 ]
	is_error 404
}

@test "GET /movies/{id}: a movie of version 1, not migrated yet, is served as the v2 it reads as" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	# Back to v1: one "video", TMDB's list as "videos".
	jq '.schemaVersion = 1 | .video = .videos[0] | del(.videos) | .videos = .trailers | del(.trailers)' \
		"$LIB/Movies/$MOVIE63.json" >"$lib/Movies/$MOVIE63.json"
	start_mvserve --data "$lib"
	[ "$(get "/movies/$MOVIE63")" = 200 ]
	valid MovieProfile.json
	assert_equal "$(jq -c '[.schemaVersion, .videos[0].path, has("video"), (.trailers | length > 0)]' "$BODY")" \
		"$(jq -c '[.schemaVersion, .videos[0].path, false, true]' "$LIB/Movies/$MOVIE63.json")"
	# Served as v2; the file stays as it was (mvctl migrate rewrites it).
	assert_equal "$(jq .schemaVersion "$lib/Movies/$MOVIE63.json")" 1
}

@test "GET /movies/{id}: unknown is 404; a broken profile is 500" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	start_mvserve --data "$lib"
	[ "$(get /movies/m999)" = 404 ]
	is_error 404
	run jq -r .error.message "$BODY"
	assert_output "no movie m999 in the library"
	echo '{"id": "m1", "title": ' >"$lib/Movies/m1.json"
	[ "$(get /movies/m1)" = 500 ]
	is_error 500
	[ ! -s "$MVSERVE_OUT" ]
}

# ---- /people -------------------------------------------------------------------

@test "GET /people, /people/{id}, /people/{id}/movies" {
	start_mvserve
	[ "$(get '/people?perPage=5')" = 200 ]
	valid PaginatedResponse.json
	jq -c '.items[]' "$BODY" | mvctl validate 'PeopleIndex.json#/properties/items/items' -
	n=$(jq '.people' <(curl -s "$MVSERVE_URL/health"))
	[ "$(jq .totalItems "$BODY")" = "$n" ]
	[ "$(jq -r '[.items[].name] | . == sort_by(ascii_downcase)' "$BODY")" = true ]
	[ "$(get "/people?q=$(jq -r --arg p "$PERSON" '.credits.cast[] | select(.person == $p) | .name | @uri' "$LIB/Movies/$MOVIE63.json")")" = 200 ]
	[ "$(jq -r '.items[0].id' "$BODY")" = "$PERSON" ]
	[ "$(jq -r '.items[0].image' "$BODY")" = "/images/$PERSON-profile-w185.jpg" ]

	[ "$(get "/people/$PERSON")" = 200 ]
	valid PeopleProfile.json
	cmp "$BODY" "$LIB/People/$PERSON.json"

	[ "$(get "/people/$PERSON/movies")" = 200 ]
	valid PaginatedResponse.json
	jq -c '.items[]' "$BODY" | mvctl validate 'MovieIndex.json#/properties/items/items' -
	run jq -c --arg id "$MOVIE63" '[.totalItems, .items[0].id == $id, .items[0].role, .items[0].free.provider]' "$BODY"
	assert_output '[1,true,"cast","Arte"]'
	# Looking at a person is not a request for a movie.
	[ ! -s "$MVSERVE_OUT" ]

	[ "$(get /people/p999)" = 404 ]
	is_error 404
	[ "$(get /people/p999/movies)" = 404 ]
	is_error 404
	[ "$(get /people/m1/movies)" = 400 ]
	is_error 400
	[ "$(get "/people/$PERSON/movies?sort=size")" = 400 ]
	is_error 400
}

# ---- /images ---------------------------------------------------------------------

@test "GET /images/<file>: the type by extension, caching headers, 304 on revalidation" {
	start_mvserve
	f=$MOVIE63-poster-w342.jpg
	[ "$(get "/images/$f")" = 200 ]
	cmp "$BODY" "$LIB/assets/images/$f"
	[ "$(header Content-Type)" = image/jpeg ]
	[ "$(header Cache-Control)" = "public, max-age=86400" ]
	etag=$(header ETag)
	lm=$(header Last-Modified)
	[ -n "$etag" ] && [ -n "$lm" ]
	[ "$(get "/images/$f" -H "If-None-Match: $etag")" = 304 ]
	[ ! -s "$BODY" ]
	[ "$(get "/images/$f" -H "If-Modified-Since: $lm")" = 304 ]
	[ "$(get "/images/$f" -H 'If-None-Match: "other"')" = 200 ]
	[ "$(get /images/m999-poster-w342.jpg)" = 404 ]
	is_error 404
}

@test "GET /images/: no way out of assets/images (dot-dot, encoded slashes, absolute, symlinks)" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	echo secret >"$BATS_TEST_TMPDIR/secret.jpg"
	ln -s "$BATS_TEST_TMPDIR/secret.jpg" "$lib/assets/images/out.jpg"
	ln -s ../../index/movies.json "$lib/assets/images/index.json"
	start_mvserve --data "$lib"
	for p in '/images/../index/movies.json' '/images/%2e%2e/index/movies.json' \
		'/images/%2e%2e%2findex%2fmovies.json' '/images/..%2F..%2Fetc%2Fpasswd' \
		'/images//etc/passwd' '/images/%2Fetc%2Fpasswd' '/images/.' '/images/..' \
		'/images/%2e%2e' '/images/.hidden' '/images/a%00b.jpg' '/images/%5c..%5cindex'; do
		code=$(get "$p")
		[[ $code == 400 || $code == 404 ]] || { echo "$p: $code"; return 1; }
		is_error "$code"
		! grep -q -e secret -e schemaVersion -e root: "$BODY"
	done
	[ "$(get /images/out.jpg)" = 404 ]
	[ "$(get /images/index.json)" = 404 ]
	! grep -q secret "$BODY"
}

# ---- /health, /metrics, errors ----------------------------------------------------

@test "GET /health: counts by level and whether the pipeline runs" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	start_mvserve --data "$lib"
	[ "$(get /health)" = 200 ]
	valid Health.json
	run jq -c '[.status, .pipeline, .movies, .levels]' "$BODY"
	assert_output '["ok","down",10,{"minimal":1,"basic":8,"medium":0,"deep":1}]'
	# People are minimal or deep: no other key.
	[ "$(jq -c '.peopleLevels | keys' "$BODY")" = '["deep","minimal"]' ]
	# The supervisor's lock held: up.
	mkdir -p "$lib/run"
	exec 9>"$lib/run/pipeline.lock"
	flock -n 9
	[ "$(get /health)" = 200 ]
	exec 9>&-
	[ "$(jq -r .pipeline "$BODY")" = up ]
}

@test "GET /metrics: mvstat's textfile plus mvserve's counters, text/plain version 0.0.4" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	start_mvserve --data "$lib"
	[ "$(get /metrics)" = 200 ]
	[ "$(header Content-Type)" = "text/plain; version=0.0.4; charset=utf-8" ]
	grep -qx 'mvserve_responses_total{class="2xx"} 0' "$BODY"
	mkdir -p "$lib/stats"
	printf '# TYPE mv_movies gauge\nmv_movies 10\n' >"$lib/stats/mv.prom"
	get /nope >/dev/null
	[ "$(get /metrics)" = 200 ]
	run head -n 2 "$BODY"
	assert_output $'# TYPE mv_movies gauge\nmv_movies 10'
	grep -qx 'mvserve_responses_total{class="2xx"} 1' "$BODY"
	grep -qx 'mvserve_responses_total{class="4xx"} 1' "$BODY"
	# Every line is a comment or "name{labels} value".
	! grep -Ev '^(# (HELP|TYPE) .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [0-9.e+-]+)$' "$BODY"
}

@test "mvserve: unknown routes are 404, other methods 405 with Allow" {
	start_mvserve
	for p in /nope /movies/m1/cast /people/p1/movies/x /health/x '/movies//m1' /images; do
		[ "$(get "$p")" = 404 ]
		is_error 404
	done
	for m in POST PUT DELETE PATCH OPTIONS; do
		[ "$(get /movies -X "$m" -d '{}')" = 405 ]
		is_error 405
		[ "$(header Allow)" = "GET, HEAD" ]
	done
	[ ! -s "$MVSERVE_OUT" ]
}

@test "mvserve: the index is reloaded when it changes; a missing one is an empty library" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	start_mvserve --data "$lib"
	[ "$(get /movies)" = 200 ]
	[ "$(jq .totalItems "$BODY")" = 10 ]
	first=$(jq -r '.items[0].id' "$BODY")
	rm "$lib/Movies/$first.json"
	MV_DATA=$lib mvindex --rebuild
	[ "$(get /movies)" = 200 ]
	[ "$(jq .totalItems "$BODY")" = 9 ]
	[ "$(jq -r '.items[0].id' "$BODY")" != "$first" ]
	[ "$(get /health)" = 200 ]
	[ "$(jq .movies "$BODY")" = 9 ]
	rm "$lib/index/movies.json"
	[ "$(get /movies)" = 200 ]
	valid PaginatedResponse.json
	[ "$(jq -c '[.totalItems, .items]' "$BODY")" = '[0,[]]' ]
	# An index that cannot be parsed keeps the last good one in memory, or
	# is a 500 when there was none.
	echo '{' >"$lib/index/people.json"
	[ "$(get /people)" = 200 ]
	stop_mvserve
	start_mvserve --data "$lib"
	[ "$(get /people)" = 500 ]
	is_error 500
	grep -q "unable to read $lib/index/people.json: " "$MVSERVE_ERR"
}

@test "mvserve: movies in two shards list as one index; a shard rewritten by mvindex is reloaded" {
	lib=$BATS_TEST_TMPDIR/gen
	# m1 and m1100: one movie in shard 0, one in shard 1.
	"$MV_BUILD/progs/gen-library" -m 1100 -p 20 "$lib" >/dev/null
	find "$lib/Movies" -name 'm*.json' ! -name m1.json ! -name m1100.json -delete
	mvindex --data "$lib" --rebuild --no-sync
	[ "$(jq -c '[.count, .shards]' "$lib/index/movies.json")" = \
		'[2,[{"file":"movies/00000.json","count":1},{"file":"movies/00001.json","count":1}]]' ]
	t1=$(jq -r .title "$lib/Movies/m1.json")
	start_mvserve --data "$lib"
	[ "$(get '/movies?sort=id')" = 200 ]
	valid PaginatedResponse.json
	[ "$(jq -c '[.totalItems, [.items[] | del(.poster, .free, .displayTitle)]]' "$BODY")" = \
		"$(jq -sc '[2, map(.items[])]' "$lib"/index/movies/00000.json "$lib"/index/movies/00001.json)" ]
	[ "$(get '/movies?sort=-id')" = 200 ]
	[ "$(jq -c '[.items[].id]' "$BODY")" = '["m1100","m1"]' ]
	[ "$(get /health)" = 200 ]
	[ "$(jq -c '[.movies, .indexedAt]' "$BODY")" = \
		"$(jq -c '[.count, .generatedAt]' "$lib/index/movies.json")" ]
	# m1100 renamed while the pipeline's mvindex runs (it reads the
	# profiles at its start): it rewrites that shard and the list only.
	cp "$lib/index/movies/00000.json" "$BATS_TEST_TMPDIR/shard0"
	out=$BATS_TEST_TMPDIR/mvindex.out
	ev() { # TYPE
		jq -nc --arg t "$1" '{specversion:"1.0", id:"e1", source:"test", type:$t,
			time:"2026-11-26T10:00:00Z", data:{id:"m1100", level:"medium", from:"medium"}}'
	}
	{
		ev mv.movie.requested
		wait_until 10 grep -q mv.movie.requested "$out"
		jq '.title = "Zebra crossing"' "$lib/Movies/m1100.json" >"$BATS_TEST_TMPDIR/m" &&
			mv "$BATS_TEST_TMPDIR/m" "$lib/Movies/m1100.json"
		ev mv.movie.enriched
	} | MV_DATA=$lib mvindex --no-sync >"$out"
	[ "$(jq -r .type "$out" | grep -c mv.index.updated)" = 1 ]
	cmp "$BATS_TEST_TMPDIR/shard0" "$lib/index/movies/00000.json"
	[ "$(jq -r '.items[0].title' "$lib/index/movies/00001.json")" = "Zebra crossing" ]
	[ "$(get '/movies?q=zebra')" = 200 ]
	[ "$(jq -c '[.totalItems, [.items[] | [.id, .title]]]' "$BODY")" = '[1,[["m1100","Zebra crossing"]]]' ]
	[ "$(get '/movies?sort=-title')" = 200 ]
	[ "$(jq -c '[.items[] | [.id, .title]]' "$BODY")" = \
		"$(jq -nc --arg t "$t1" '[["m1100","Zebra crossing"],["m1",$t]]')" ]
	stop_mvserve
	# Each shard with its key file, written with it: nothing to say.
	[ ! -s "$MVSERVE_ERR" ]
	[ "$(ls "$lib/index/movies")" = $'00000.json\n00000.keys\n00001.json\n00001.keys' ]
}

@test "mvserve: a people shard missing, empty or cut short is named; the people are a 500, the movies still served" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	shard=$(jq -r '.shards[0].file' "$lib/index/people.json")
	[ -s "$lib/index/$shard" ]
	head -c 40 "$lib/index/$shard" >"$BATS_TEST_TMPDIR/cut"
	for how in cut empty missing; do
		case $how in
		cut) cp "$BATS_TEST_TMPDIR/cut" "$lib/index/$shard" ;;
		empty) : >"$lib/index/$shard" ;;
		missing) rm "$lib/index/$shard" ;;
		esac
		start_mvserve --data "$lib"
		[ "$(get /people)" = 500 ]
		is_error 500
		[ "$(get /movies)" = 200 ]
		[ "$(jq .totalItems "$BODY")" = 10 ]
		stop_mvserve
		case $how in
		missing) grep -qx "mvserve: unable to read $lib/index/people.json: $shard: No such file or directory" "$MVSERVE_ERR" ;;
		*) grep -q "^mvserve: unable to read $lib/index/people.json: $shard: ." "$MVSERVE_ERR" ;;
		esac
	done
	# The shards put back: the same people as the library's.
	cp "$LIB/index/$shard" "$lib/index/$shard"
	start_mvserve --data "$lib"
	[ "$(get /people)" = 200 ]
	[ "$(jq .totalItems "$BODY")" = "$(jq .count "$LIB/index/people.json")" ]
}

# people_shards DIR: an index of five people in three shards, their
# names in another order than their ids.
people_shards() {
	mkdir -p "$1/index/people"
	rm -f "$1/index/people/"*.json
	cat >"$1/index/people.json" <<-'EOF'
	{"schemaVersion":2,"generatedAt":"2026-01-01T00:00:00Z","count":5,"shardIds":1024,"shards":[
	{"file":"people/00000.json","count":2},
	{"file":"people/00001.json","count":1},
	{"file":"people/00002.json","count":2}]}
	EOF
	printf '%s\n' '{"schemaVersion":2,"count":2,"items":[' \
		'{"id":"p1","name":"Eve","level":"minimal","movies":[]},' \
		'{"id":"p2","name":"Bob","level":"minimal","movies":[]}]}' >"$1/index/people/00000.json"
	printf '%s\n' '{"schemaVersion":2,"count":1,"items":[' \
		'{"id":"p1025","name":"Dan","level":"minimal","movies":[]}]}' >"$1/index/people/00001.json"
	printf '%s\n' '{"schemaVersion":2,"count":2,"items":[' \
		'{"id":"p2049","name":"Ann","level":"basic","movies":[]},' \
		'{"id":"p2050","name":"Cy","level":"minimal","movies":[]}]}' >"$1/index/people/00002.json"
}

@test "mvserve: people in several shards, read two halves at once, list as one index; the first bad shard is named" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	people_shards "$lib"
	start_mvserve --data "$lib"
	[ "$(get /people)" = 200 ]
	valid PaginatedResponse.json
	[ "$(jq -c '[.totalItems, [.items[].id]]' "$BODY")" = '[5,["p2049","p2","p2050","p1025","p1"]]' ]
	[ "$(get '/people?sort=-title')" = 200 ]
	[ "$(jq -c '[.items[].id]' "$BODY")" = '["p1","p1025","p2050","p2","p2049"]' ]
	[ "$(get '/people?sort=-id')" = 200 ]
	[ "$(jq -c '[.items[].id]' "$BODY")" = '["p2050","p2049","p1025","p2","p1"]' ]
	[ "$(get '/people?q=an')" = 200 ]
	[ "$(jq -c '[.items[].id]' "$BODY")" = '["p2049","p1025"]' ]
	[ "$(get /health)" = 200 ]
	[ "$(jq -c '[.people, .peopleLevels.minimal]' "$BODY")" = '[5,4]' ]
	stop_mvserve
	# A bad shard in each half: the first in the list is the one named.
	echo '{' >"$lib/index/people/00002.json"
	start_mvserve --data "$lib"
	[ "$(get /people)" = 500 ]
	stop_mvserve
	grep -q "unable to read $lib/index/people.json: people/00002.json: " "$MVSERVE_ERR"
	echo '{' >"$lib/index/people/00000.json"
	start_mvserve --data "$lib"
	[ "$(get /people)" = 500 ]
	stop_mvserve
	grep -q "unable to read $lib/index/people.json: people/00000.json: " "$MVSERVE_ERR"
	! grep -q "00002" "$MVSERVE_ERR"
}

# answers DIR ROUTE...: each route's answer into DIR, one file each, and
# /health's but for its times.
answers() {
	local dir=$1 i=0 r
	shift
	mkdir -p "$dir"
	for r; do
		i=$((i + 1))
		[ "$(get "$r")" = 200 ] || return 1
		cp "$BODY" "$dir/$i"
	done
	get /health >/dev/null
	jq -c 'del(.uptime, .indexedAt)' "$BODY" >"$dir/health"
}

# people_answers DIR: the people routes' answers into DIR.
people_answers() {
	answers "$1" /people '/people?sort=-title' '/people?sort=id&perPage=2&page=2' \
		'/people?q=willis' '/people?sort=-added' "/people/$PERSON" \
		"/people/$PERSON/movies?sort=year" "/movies/$MOVIE63"
}

# damaged_keys_same_answers DIR SHARD ANSWERS: with the key file of
# SHARD (people/00000.json) missing, then stale, then damaged, mvserve on
# DIR gives what the function ANSWERS gave into $BATS_TEST_TMPDIR/want,
# before and after a reload of the index, and says so once.
damaged_keys_same_answers() {
	local lib=$1 shard=$2 answers=$3 how keys=$1/index/${2%.json}.keys
	cp -p "$keys" "$BATS_TEST_TMPDIR/keys"
	cp -p "$lib/index/$shard" "$BATS_TEST_TMPDIR/shard"
	for how in missing stale corrupt; do
		cp -p "$BATS_TEST_TMPDIR/keys" "$keys"
		cp -p "$BATS_TEST_TMPDIR/shard" "$lib/index/$shard"
		case $how in
		missing) rm "$keys" ;;
		stale) touch -d '2026-02-03 04:05:06' "$lib/index/$shard" ;;
		# A byte of the records changed: the hash of them differs.
		corrupt) printf 'X' | dd of="$keys" bs=1 seek=90 conv=notrunc 2>/dev/null ;;
		esac
		start_mvserve --data "$lib"
		"$answers" "$BATS_TEST_TMPDIR/$how"
		# A reload of the index (its list changed) says nothing new.
		touch "$lib/index/${shard%%/*}.json"
		"$answers" "$BATS_TEST_TMPDIR/$how-again"
		stop_mvserve
		diff -r "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/$how"
		diff -r "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/$how-again"
		run cat "$MVSERVE_ERR"
		assert_output "mvserve: unable to use $keys: $how: scanning its shard (mvindex --rebuild writes it anew)"
	done
}

@test "mvserve: a people shard's key file missing, stale or damaged: the shard is scanned, the same answers, said once" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	shard=$(jq -r '.shards[0].file' "$lib/index/people.json")
	keys=$lib/index/${shard%.json}.keys
	[ -s "$keys" ]
	start_mvserve --data "$lib"
	people_answers "$BATS_TEST_TMPDIR/want"
	stop_mvserve
	[ ! -s "$MVSERVE_ERR" ]
	damaged_keys_same_answers "$lib" "$shard" people_answers
	# mvctl check reports it; mvindex --rebuild writes it anew: used
	# again, nothing said.
	run --separate-stderr mvindex --data "$lib" --check
	[ "$status" -eq 1 ]
	assert_output "people: index/${shard%.json}.keys: corrupt (mvindex --rebuild writes it anew)"
	mvindex --data "$lib" --rebuild
	mvindex --data "$lib" --check
	start_mvserve --data "$lib"
	people_answers "$BATS_TEST_TMPDIR/rebuilt"
	stop_mvserve
	diff -r "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/rebuilt"
	[ ! -s "$MVSERVE_ERR" ]
}

# movie_answers DIR: the movie routes' answers into DIR: every order, and
# a search that matches a title in another language.
movie_answers() {
	answers "$1" /movies '/movies?sort=-title' '/movies?sort=year' '/movies?sort=-year' \
		'/movies?sort=-added' '/movies?sort=lastRead' '/movies?sort=-lastRead' \
		'/movies?sort=id&perPage=7&page=3' "/movies?q=$ALT" "/movies/m1100"
}

@test "mvserve: a movie shard's key file missing, stale or damaged: the shard is scanned, the same answers, said once" {
	lib=$BATS_TEST_TMPDIR/gen
	# 1,100 movies in two shards, with titles in four languages; some
	# read (lastRead), some without a year.
	"$MV_BUILD/progs/gen-library" -m 1100 -p 50 "$lib" >/dev/null
	for n in 3 5 1100; do
		jq 'del(.year)' "$lib/Movies/m$n.json" >"$BATS_TEST_TMPDIR/m" &&
			mv "$BATS_TEST_TMPDIR/m" "$lib/Movies/m$n.json"
	done
	for n in 7 11 1099; do
		jq -nc --arg id "m$n" --arg t "2026-11-2${n: -1}T10:00:00Z" '{specversion:"1.0",
			id:"r\($id)", source:"test", type:"mv.movie.requested", time:$t,
			subject:$id, data:{id:$id}}'
	done | MV_DATA=$lib MV_NOW=2026-11-30T00:00:00Z mvstat >/dev/null
	mvindex --data "$lib" --rebuild --no-sync
	[ "$(jq -r '[.items[] | select(.lastRead != null)] | length' "$lib/index/movies/00000.json")" = 2 ]
	ALT=$(jq -r '.items[] | select(.id == "m1100") | .titles | to_entries[0].value' \
		"$lib/index/movies/00001.json" | jq -sRr @uri)
	start_mvserve --data "$lib"
	movie_answers "$BATS_TEST_TMPDIR/want"
	stop_mvserve
	[ ! -s "$MVSERVE_ERR" ]
	[ "$(jq '.items[0].id' "$BATS_TEST_TMPDIR/want/9")" = '"m1100"' ]
	damaged_keys_same_answers "$lib" movies/00000.json movie_answers
	run --separate-stderr mvindex --data "$lib" --check
	[ "$status" -eq 1 ]
	assert_output "movies: index/movies/00000.keys: corrupt (mvindex --rebuild writes it anew)"
	# Both shards without: one line for the movies.
	rm "$lib/index/movies/"*.keys
	start_mvserve --data "$lib"
	movie_answers "$BATS_TEST_TMPDIR/keyless"
	stop_mvserve
	diff -r "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/keyless"
	run cat "$MVSERVE_ERR"
	assert_output "mvserve: unable to use the key files of 2 of 2 movie shards ($lib/index/movies/00000.keys: missing): scanning their shards (mvindex --rebuild writes them anew)"
	mvindex --data "$lib" --rebuild --no-sync
	mvindex --data "$lib" --check
}

@test "mvserve: shards without key files (an index by an older mvindex) are scanned, said in one line" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	people_shards "$lib"
	rm -f "$lib/index/people/"*.keys
	start_mvserve --data "$lib"
	[ "$(get '/people?sort=-title')" = 200 ]
	[ "$(jq -c '[.items[].id]' "$BODY")" = '["p1","p1025","p2050","p2","p2049"]' ]
	stop_mvserve
	run cat "$MVSERVE_ERR"
	assert_output "mvserve: unable to use the key files of 3 of 3 people shards ($lib/index/people/00000.keys: missing): scanning their shards (mvindex --rebuild writes them anew)"
}

@test "mvserve: the page and its files, with their types" {
	start_mvserve --web "$MV_TOP/web"
	[ "$(get /)" = 200 ]
	[ "$(header Content-Type)" = "text/html; charset=utf-8" ]
	[ -n "$(header Content-Security-Policy)" ]
	cmp "$BODY" "$MV_TOP/web/index.html"
	[ "$(get /app.js)" = 200 ]
	[ "$(header Content-Type)" = "text/javascript; charset=utf-8" ]
	[ "$(get /style.css)" = 200 ]
	[ "$(header Content-Type)" = "text/css; charset=utf-8" ]
	[ "$(get /missing.js)" = 404 ]
	is_error 404
}

@test "mvserve: a whole session of requests leaves the library as it was" {
	start_mvserve
	for p in / /movies "/movies/$MOVIE63" "/movies/$MOVIE63?level=deep" /people \
		"/people/$PERSON" "/people/$PERSON/movies" /health /metrics \
		"/images/$MOVIE63-poster-w342.jpg" /images/../x /nope; do
		get "$p" >/dev/null
	done
	get /movies -X POST >/dev/null
	stop_mvserve
	assert_equal "$(tree_digest "$LIB")" "$DIGEST"
}

@test "mvserve: keep-alive: many requests on one connection" {
	start_mvserve
	urls=()
	for i in $(seq 20); do urls+=("$MVSERVE_URL/movies?page=1&perPage=2"); done
	run bash -c 'curl -sv "$@" 2>&1 >/dev/null | grep -c "Re-using existing connection"' _ "${urls[@]}"
	assert_output 19
}

# ---- POST /hooks/jellyfin: a play in Jellyfin is a read ---------------------------

# play [curl options...]: POST the body of the template mvserve(1)
# documents, a PlaybackStart of Twelve Monkeys, to /hooks/jellyfin;
# prints the status.
play() {
	get /hooks/jellyfin -X POST -H 'Content-Type: application/json' "$@"
}
PLAY63='{"NotificationType":"PlaybackStart","ItemType":"Movie","ItemId":"f1e2","Name":"Twelve Monkeys","Year":"1995","Provider_tmdb":"63","Provider_imdb":"tt0114746","NotificationUsername":"ann"}'

@test "POST /hooks/jellyfin: with the token, a PlaybackStart of a movie is a user read that mvstat counts" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	MV_WEBHOOK_TOKEN=s3cret start_mvserve --data "$lib"
	[ "$(play -H 'Authorization: Bearer s3cret' -d "$PLAY63")" = 204 ]
	[ ! -s "$BODY" ]
	[ "$(header Cache-Control)" = no-store ]
	# The scheme's name is case-insensitive (RFC 9110 11.1).
	[ "$(play -H 'Authorization: bearer s3cret' -d "$PLAY63")" = 204 ]
	mvctl validate events/mv.movie.requested.json - <"$MVSERVE_OUT"
	run jq -c '[.type, .source, .subject, .data]' "$MVSERVE_OUT"
	assert_output "[\"mv.movie.requested\",\"mvserve\",\"$MOVIE63\",{\"id\":\"$MOVIE63\",\"reason\":\"user\"}]
[\"mv.movie.requested\",\"mvserve\",\"$MOVIE63\",{\"id\":\"$MOVIE63\",\"reason\":\"user\"}]"
	# What the pipeline's mvstat makes of them: two reads of the movie.
	MV_DATA=$lib mvstat <"$MVSERVE_OUT" >/dev/null
	[ "$(jq --arg id "$MOVIE63" '.movies[$id].count' "$lib/stats/usage.json")" = 2 ]
}

@test "POST /hooks/jellyfin: the token from the configuration file; an IMDb id alone is read too" {
	printf 'webhook_token = "from file"\n' >"$BATS_TEST_TMPDIR/config"
	MV_CONFIG=$BATS_TEST_TMPDIR/config start_mvserve
	[ "$(play -H 'Authorization: Bearer from file' -d '{"NotificationType":"PlaybackStart","ItemType":"Movie","Provider_tmdb":"","Provider_imdb":"tt0114746"}')" = 204 ]
	[ "$(jq -r .data.id "$MVSERVE_OUT")" = "$MOVIE63" ]
}

@test "POST /hooks/jellyfin: other notifications and item types are 204 and ignored; an unknown movie 404; a bad body 400" {
	MV_WEBHOOK_TOKEN=s3cret start_mvserve
	for b in '{"NotificationType":"PlaybackStop","ItemType":"Movie","Provider_tmdb":"63"}' \
		'{"NotificationType":"ItemAdded","ItemType":"Movie","Provider_tmdb":"63"}' \
		'{"NotificationType":"PlaybackStart","ItemType":"Episode","Provider_tmdb":"63"}'; do
		[ "$(play -H 'Authorization: Bearer s3cret' -d "$b")" = 204 ]
		[ ! -s "$BODY" ]
	done
	[ "$(play -H 'Authorization: Bearer s3cret' -d '{"NotificationType":"PlaybackStart","ItemType":"Movie","Provider_tmdb":"999999"}')" = 404 ]
	is_error 404
	[ "$(jq -r .error.message "$BODY")" = "no movie with tmdb:999999 in the library" ]
	for b in 'not json' '[1]' '' '{"NotificationType":"PlaybackStart","ItemType":"Movie","Provider_tmdb":"x63"}' \
		'{"NotificationType":"PlaybackStart","ItemType":"Movie"}'; do
		[ "$(play -H 'Authorization: Bearer s3cret' -d "$b")" = 400 ]
		is_error 400
	done
	[ ! -s "$MVSERVE_OUT" ]
}

@test "POST /hooks/jellyfin: no token, a wrong one, another scheme or ?token= are 401; nothing is read" {
	MV_WEBHOOK_TOKEN=s3cret start_mvserve
	for h in 'X-None: 1' 'Authorization: Bearer s3cre' 'Authorization: Bearer s3cret2' \
		'Authorization: Bearer S3CRET' 'Authorization: Basic czNjcmV0' 'Authorization: s3cret' \
		'X-Token: s3cret' 'Authorization: Bearer '; do
		[ "$(play -H "$h" -d "$PLAY63")" = 401 ]
		is_error 401
		[ "$(header WWW-Authenticate)" = 'Bearer realm="mv"' ]
	done
	[ "$(get '/hooks/jellyfin?token=s3cret' -X POST -d "$PLAY63")" = 401 ]
	[ ! -s "$MVSERVE_OUT" ]
}

@test "POST /hooks/jellyfin: a body over 64 KiB is 413, declared or chunked; nothing is read" {
	MV_WEBHOOK_TOKEN=s3cret start_mvserve
	big=$BATS_TEST_TMPDIR/big
	{ printf '%s' "${PLAY63%\}}"; printf ',"Overview":"'; head -c 65536 /dev/zero | tr '\0' x; printf '"}'; } >"$big"
	[ "$(play -H 'Authorization: Bearer s3cret' --data-binary "@$big")" = 413 ]
	is_error 413
	[ "$(jq -r .error.message "$BODY")" = "body over 65536 bytes" ]
	[ "$(play -H 'Authorization: Bearer s3cret' -H 'Transfer-Encoding: chunked' --data-binary "@$big")" = 413 ]
	is_error 413
	# Exactly the bound is taken.
	head -c 65536 "$big" >"$big.cut"
	truncate -s 65534 "$big.cut"
	printf '"}' >>"$big.cut"
	[ "$(stat -c %s "$big.cut")" = 65536 ]
	[ "$(play -H 'Authorization: Bearer s3cret' --data-binary "@$big.cut")" = 204 ]
	[ "$(wc -l <"$MVSERVE_OUT")" -eq 1 ]
}

@test "/hooks/jellyfin: other methods are 405 with Allow: POST; other routes still refuse POST" {
	MV_WEBHOOK_TOKEN=s3cret start_mvserve
	for m in GET PUT DELETE PATCH; do
		[ "$(get /hooks/jellyfin -X "$m" -H 'Authorization: Bearer s3cret')" = 405 ]
		is_error 405
		[ "$(header Allow)" = POST ]
	done
	[ "$(get /hooks/plex -X POST -H 'Authorization: Bearer s3cret' -d "$PLAY63")" = 404 ]
	is_error 404
	for p in /movies "/movies/$MOVIE63" /health /; do
		[ "$(get "$p" -X POST -H 'Authorization: Bearer s3cret' -d "$PLAY63")" = 405 ]
		[ "$(header Allow)" = "GET, HEAD" ]
	done
	[ ! -s "$MVSERVE_OUT" ]
}

@test "/hooks/jellyfin: off without webhook_token (or with an empty one), it is absent: 404" {
	for tok in unset ''; do
		if [ "$tok" = unset ]; then start_mvserve; else MV_WEBHOOK_TOKEN= start_mvserve; fi
		for m in POST GET; do
			[ "$(get /hooks/jellyfin -X "$m" -H 'Authorization: Bearer ' -d "$PLAY63")" = 404 ]
			is_error 404
			[ "$(jq -r .error.message "$BODY")" = "no such route" ]
		done
		stop_mvserve
		[ ! -s "$MVSERVE_OUT" ]
	done
}

# ---- the page in a real browser ---------------------------------------------------

# chromium ARGS...: Debian's Chromium, headless, as root, with a fresh
# profile and nothing that reaches outside.
chromium_headless() {
	timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$(mktemp -d "$BATS_TEST_TMPDIR/chromium.XXXXXX")" \
		--window-size=1100,760 --virtual-time-budget=5000 "$@" 2>/dev/null
}

@test "browser: Chromium shows the cards and the free badge of 63; a click on its card requests it" {
	[ -x /usr/bin/chromium ] ||
		skip "chromium is not installed: scripts/bootstrap installs it (as root, with Debian's archive)"
	start_mvserve --web "$MV_TOP/web"
	shots=$BATS_TEST_TMPDIR/shots
	mkdir -p "$shots"
	if [ -d "$MV_TOP/tests/node_modules/puppeteer-core" ]; then
		run node "$MV_TOP/tests/browser/page.mjs" "$MVSERVE_URL/" "$MOVIE63" "$MVSERVE_OUT" "$shots"
		echo "$output"
		assert_success
		[ "$(grep -c '^ok ' <<<"$output")" -eq 16 ]
		[ -s "$shots/detail.png" ] && [ -s "$shots/person.png" ]
	else
		# No npm for puppeteer-core: Chromium alone, loading the grid, then
		# the movie's view (what a click on its card opens).
		echo "# puppeteer-core missing (scripts/bootstrap-npm): checking with --dump-dom" >&3
		chromium_headless --dump-dom "$MVSERVE_URL/" >"$BATS_TEST_TMPDIR/grid.html"
		[ "$(grep -o '<article class="wrapper[ "]' "$BATS_TEST_TMPDIR/grid.html" | wc -l)" -eq 10 ]
		grep -q "<article class=\"wrapper free\" data-id=\"$MOVIE63\"" "$BATS_TEST_TMPDIR/grid.html"
		[ "$(grep -o 'class="wrapper free"' "$BATS_TEST_TMPDIR/grid.html" | wc -l)" -eq 1 ]
		[ ! -s "$MVSERVE_OUT" ]
		chromium_headless --screenshot="$shots/grid.png" "$MVSERVE_URL/"
		chromium_headless --dump-dom "$MVSERVE_URL/#/movies/$MOVIE63" >"$BATS_TEST_TMPDIR/detail.html"
		grep -q "<article class=\"detail free\" data-id=\"$MOVIE63\"" "$BATS_TEST_TMPDIR/detail.html"
	fi
	# The grid was shown; the one open of the movie was requested, once.
	[ "$(head -c 8 "$shots/grid.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ "$(wc -l <"$MVSERVE_OUT")" -eq 1 ]
	mvctl validate events/mv.movie.requested.json - <"$MVSERVE_OUT"
	[ "$(jq -r .data.id "$MVSERVE_OUT")" = "$MOVIE63" ]
	# MV_SHOTS=DIR keeps the screenshots for a person to look at.
	[ -z "${MV_SHOTS:-}" ] || cp "$shots"/*.png "$MV_SHOTS"/
}

@test "browser: the page lists a movie's versions and parts with their labels and subtitle languages" {
	[ -x /usr/bin/chromium ] ||
		skip "chromium is not installed: scripts/bootstrap installs it (as root, with Debian's archive)"
	[ -d "$MV_TOP/tests/node_modules/puppeteer-core" ] ||
		skip "puppeteer-core is not installed: scripts/bootstrap-npm"
	lib=$BATS_TEST_TMPDIR/lib
	heat=$(versioned "$lib")
	start_mvserve --data "$lib" --web "$MV_TOP/web"
	run node "$MV_TOP/tests/browser/videos.mjs" "$MVSERVE_URL/" "$MOVIE63" "$heat" "$BATS_TEST_TMPDIR/videos.png"
	echo "$output"
	assert_success
	[ "$(grep -c '^ok ' <<<"$output")" -eq 11 ]
	[ "$(head -c 8 "$BATS_TEST_TMPDIR/videos.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ -z "${MV_SHOTS:-}" ] || cp "$BATS_TEST_TMPDIR/videos.png" "$MV_SHOTS"/
}

@test "mvserve: every sort, forward and reversed, orders as lib/listing.c documents; a person's movies keep that order" {
	lib=$BATS_TEST_TMPDIR/gen
	"$MV_BUILD/progs/gen-library" -m 150 -p 300 "$lib" >/dev/null
	mvindex --data "$lib" --rebuild --no-sync
	# Some movies without a year, never read, or read, to test "missing last".
	start_mvserve --data "$lib"
	# The movie index is its shards: their items put together.
	ix=$BATS_TEST_TMPDIR/movies-index.json
	jq -s '{count: (map(.count) | add), items: (map(.items) | add),
		byExternal: (map(.byExternal) | add)}' "$lib"/index/movies/*.json >"$ix"
	# The order in jq: missing values last in both directions, ties by id
	# (reversed with the sort); added and lastRead newest first.
	order() {
		jq -c --arg k "$1" --argjson rev "$2" '
			def num: .id[1:] | tonumber;
			def key: if $k == "title" then (.title | ascii_downcase)
				elif $k == "year" then .year
				elif $k == "added" then .addedAt elif $k == "lastRead" then .lastRead
				else null end;
			[.items[] | select(key != null or $k == "id")] as $have
			| [.items[] | select(key == null and $k != "id")] as $miss
			| (if $k == "added" or $k == "lastRead" then 1 - $rev else $rev end) as $down
			| ($have | sort_by([key, num]) | if $down == 1 then reverse else . end
				| if $k == "added" or $k == "lastRead" then
					group_by(key) | sort_by(.[0] | key) | (if $down == 1 then reverse else . end)
					| map(sort_by(num) | if $rev == 1 then reverse else . end) | add // []
				  else group_by(key) | (if $down == 1 then sort_by(.[0] | key) | reverse else sort_by(.[0] | key) end)
					| map(sort_by(num) | if $rev == 1 then reverse else . end) | add // [] end) as $sorted
			| [($sorted + ($miss | sort_by(num) | if $rev == 1 then reverse else . end))[].id]' "$ix"
	}
	for k in title year added lastRead id; do
		for rev in 0 1; do
			s=$k
			[ "$rev" = 1 ] && s=-$k
			want=$(order "$k" "$rev")
			[ "$(get "/movies?sort=$s&perPage=200")" = 200 ]
			got=$(jq -c '[.items[].id]' "$BODY")
			assert_equal "$got" "$want"
		done
	done
	# A person with several movies: their order is the global one, restricted.
	p=$(jq -r '[.items[] | select((.movies | map(.movie) | unique | length) > 3)][0].id' "$(people_index "$lib")")
	for s in year -title added; do
		[ "$(get "/people/$p/movies?sort=$s&perPage=200")" = 200 ]
		valid PaginatedResponse.json
		mine=$(jq -c '[.items[].id] | unique' "$BODY")
		got=$(jq -c '[.items[].id] | reduce .[] as $i ([]; if .[-1] == $i then . else . + [$i] end)' "$BODY")
		[ "$(get "/movies?sort=$s&perPage=200")" = 200 ]
		want=$(jq -c --argjson m "$mine" '[.items[].id | select(. as $i | $m | index($i))]' "$BODY")
		assert_equal "$got" "$want"
	done
}

# ---- /collections ----------------------------------------------------------------

@test "GET /collections: a PaginatedResponse of collections by name, pages, q, sort" {
	start_mvserve
	[ "$(get /collections)" = 200 ]
	valid PaginatedResponse.json
	jq -c '.items[]' "$BODY" | mvctl validate 'CollectionIndex.json#/properties/items/items' -
	m=$(jq -r 'select(.type == "mv.video.added" and .data.tmdb == 603) | .data.id' "$LIB.events")
	b=$(jq -r 'select(.type == "mv.video.added" and .data.tmdb == 335984) | .data.id' "$LIB.events")
	run jq -c '[.totalItems, .totalPages, .next, .prev, [.items[] | [.tmdb, .name, .count, .movies]]]' "$BODY"
	assert_output "[2,1,null,null,[[422837,\"Blade Runner Collection\",1,[\"$b\"]],[2344,\"The Matrix Collection\",1,[\"$m\"]]]]"
	# Pages, with links that keep the sort.
	get_ok_is '/collections?perPage=1&sort=-title' \
		'[.totalPages, .items[0].tmdb, .next, .prev]' \
		'[2,2344,"/collections?page=2&perPage=1&sort=-title",null]'
	get_ok_is '/collections?page=2&perPage=1&sort=-title' '[.items[0].tmdb, .next, .prev]' \
		'[422837,null,"/collections?page=1&perPage=1&sort=-title"]'
	get_ok_is '/collections?q=matrix' '[.totalItems, .items[0].tmdb]' '[1,2344]'
	# Only the name orders a collection.
	for q in 'sort=year' 'sort=id' 'perPage=0' 'page=x'; do
		[ "$(get "/collections?$q")" = 400 ]
		is_error 400
	done
	[ ! -s "$MVSERVE_OUT" ]
}

@test "GET /collections/{id}/movies: the movies as /movies gives them, oldest first; unknown is 404" {
	lib=$BATS_TEST_TMPDIR/lib
	cp -a "$LIB" "$lib"
	# The two Things, in one collection for the test (the sample has none).
	t82=$(jq -r 'select(.type == "mv.video.added" and .data.tmdb == 1091) | .data.id' "$LIB.events")
	t11=$(jq -r 'select(.type == "mv.video.added" and .data.tmdb == 60935) | .data.id' "$LIB.events")
	for id in $t11 $t82; do
		jq '.collection = {tmdb: 9, name: "The Thing, test set"}' "$lib/Movies/$id.json" >"$BATS_TEST_TMPDIR/p"
		mv "$BATS_TEST_TMPDIR/p" "$lib/Movies/$id.json"
	done
	MV_DATA=$lib mvindex --rebuild
	start_mvserve --data "$lib"
	[ "$(get /collections/9/movies)" = 200 ]
	valid PaginatedResponse.json
	jq -c '.items[]' "$BODY" | mvctl validate 'MovieIndex.json#/properties/items/items' -
	run jq -c '[.totalItems, [.items[] | [.id, .year, has("poster"), has("free")]], .next]' "$BODY"
	assert_output "[2,[[\"$t82\",1982,true,true],[\"$t11\",2011,true,true]],null]"
	# The same entries as /movies.
	[ "$(get '/movies?q=thing&perPage=200')" = 200 ]
	jq -c --arg a "$t82" '.items[] | select(.id == $a)' "$BODY" >"$BATS_TEST_TMPDIR/from-movies"
	get_ok_is '/collections/9/movies?perPage=1&sort=-year' \
		'[.items[0].id, .totalPages, .next]' \
		"[\"$t11\",2,\"/collections/9/movies?page=2&perPage=1&sort=-year\"]"
	[ "$(get '/collections/9/movies?page=2&perPage=1&sort=-year')" = 200 ]
	jq -c '.items[0]' "$BODY" | cmp - "$BATS_TEST_TMPDIR/from-movies"
	# Unknown and malformed ids, in the one error shape.
	[ "$(get /collections/77/movies)" = 404 ]
	is_error 404
	[ "$(jq -r .error.message "$BODY")" = "no collection 77" ]
	for p in /collections/x/movies /collections/0/movies /collections/-1/movies; do
		[ "$(get "$p")" = 400 ]
		is_error 400
	done
	for p in /collections/9 /collections/9/people /collections/9/movies/x; do
		[ "$(get "$p")" = 404 ]
		is_error 404
	done
	# collections.json is reloaded when it changes.
	jq '.collection = null' "$lib/Movies/$t82.json" >"$BATS_TEST_TMPDIR/p"
	mv "$BATS_TEST_TMPDIR/p" "$lib/Movies/$t82.json"
	MV_DATA=$lib mvindex --rebuild
	get_ok_is /collections/9/movies '[.totalItems, .items[0].id]' "[1,\"$t11\"]"
	rm "$lib/index/collections.json"
	[ "$(get /collections)" = 200 ]
	[ "$(jq -c '[.totalItems, .items]' "$BODY")" = '[0,[]]' ]
	[ "$(get /collections/9/movies)" = 404 ]
	[ ! -s "$MVSERVE_OUT" ]
}
