#!/usr/bin/env bats
# faketmdb.bats: the fake TMDB server answers like TMDB, faults included,
# and the offline sample it serves is complete and consistent.

load test_helper
load faketmdb

SAMPLE=$MV_TOP/data/sample/tmdb

# One server for the tests that only read; tests that count requests,
# inject faults or need other options start their own.
setup_file() {
	start_faketmdb
	export SHARED_FAKETMDB_PID=$FAKETMDB_PID SHARED_FAKETMDB_PORT=$FAKETMDB_PORT
	unset FAKETMDB_PID
}

teardown_file() {
	FAKETMDB_PID=$SHARED_FAKETMDB_PID
	stop_faketmdb
}

setup() {
	mv_test_env
}

teardown() {
	stop_faketmdb
}

# Point this test at the shared server (it must not change its state).
shared_faketmdb() {
	FAKETMDB_PORT=$SHARED_FAKETMDB_PORT
	FAKETMDB_URL=http://127.0.0.1:$FAKETMDB_PORT
	MV_TMDB_URL=$FAKETMDB_URL/3
	export FAKETMDB_PORT FAKETMDB_URL MV_TMDB_URL
}

# get PATH [curl args...]: GET $MV_TMDB_URL/PATH with the test key, body on
# stdout; the status goes to $BATS_TEST_TMPDIR/status.
get() {
	local p=$1
	shift
	curl -sS -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' \
		-H "Authorization: Bearer testkey" "$@" "$MV_TMDB_URL/$p" >"$BATS_TEST_TMPDIR/status"
	cat "$BATS_TEST_TMPDIR/body"
}

# GET PATH; the jq -c FILTER of its body is exactly WANT.
get_is() { # PATH FILTER WANT
	run get "$1"
	run jq -c "$2" <<<"$output"
	assert_output "$3"
}

status_of() {
	cat "$BATS_TEST_TMPDIR/status"
}

@test "starts on a free port, writes the port file and a listening line" {
	start_faketmdb
	[[ $FAKETMDB_PORT =~ ^[0-9]+$ ]]
	[ "$FAKETMDB_PORT" -gt 0 ]
	[ "$MV_TMDB_URL" = "http://127.0.0.1:$FAKETMDB_PORT/3" ]
	[ "$TMDB_API_KEY" = testkey ]
	run cat "$FAKETMDB_LOG"
	assert_output "listening on 127.0.0.1:$FAKETMDB_PORT"
}

@test "movie without append_to_response has none of the parts" {
	shared_faketmdb
	run get movie/63
	assert_success
	[ "$(status_of)" = 200 ]
	run jq -r '[.id, .title, .original_title, .release_date, .imdb_id] | @tsv' <<<"$output"
	assert_output "$(printf '63\tTwelve Monkeys\tTwelve Monkeys\t1995-12-29\ttt0114746')"
	run jq -c '[has("credits","images","videos","keywords","release_dates","external_ids","watch/providers","translations","alternative_titles")] | unique' "$BATS_TEST_TMPDIR/body"
	assert_output '[false]'
}

@test "append_to_response keeps exactly the parts asked for" {
	shared_faketmdb
	get 'movie/63?append_to_response=credits,watch/providers,nosuchpart' >/dev/null
	[ "$(status_of)" = 200 ]
	run jq -c '[has("credits"), has("watch/providers"), has("images"), has("nosuchpart")]' "$BATS_TEST_TMPDIR/body"
	assert_output '[true,true,false,false]'
	run jq -r '[.credits.cast[0].name, (.credits.crew[] | select(.job == "Director") | .name)] | @tsv' "$BATS_TEST_TMPDIR/body"
	assert_output "$(printf 'Bruce Willis\tTerry Gilliam')"
	# Appended parts carry no "id" of their own, as on TMDB.
	run jq -c '.credits | has("id")' "$BATS_TEST_TMPDIR/body"
	assert_output false
}

@test "the deep set of parts comes back in one request; more than 20 is refused" {
	shared_faketmdb
	get 'movie/63?append_to_response=credits,images,videos,keywords,release_dates,external_ids,watch/providers,translations' >/dev/null
	run jq -c '[keys[] | select(. == "credits" or . == "images" or . == "videos" or . == "keywords" or . == "release_dates" or . == "external_ids" or . == "watch/providers" or . == "translations")] | length' "$BATS_TEST_TMPDIR/body"
	assert_output 8
	list=$(printf 'credits,%.0s' $(seq 21))
	get "movie/63?append_to_response=${list%,}" >/dev/null
	[ "$(status_of)" = 400 ]
	run jq -c .status_code "$BATS_TEST_TMPDIR/body"
	assert_output 5
}

@test "movie sub-resources start with the id; watch/providers shows Arte free in FR" {
	shared_faketmdb
	get_is movie/63/credits \
		'[keys_unsorted[0], .id, (.cast | length >= 3), (.crew | length >= 2)]' \
		'["id",63,true,true]'
	run get movie/63/watch/providers
	[ "$(status_of)" = 200 ]
	run jq -c '[.id, .results.FR.free[0].provider_id, .results.FR.free[0].provider_name, (.results.FR.link | startswith("https://"))]' <<<"$output"
	assert_output '[63,234,"Arte",true]'
	run get movie/63/release_dates
	run jq -r '.results[] | select(.iso_3166_1 == "FR") | .release_dates[] | select(.type == 3) | .certification' <<<"$output"
	assert_output 12
	run get movie/63/similar
	[ "$(status_of)" = 404 ]
}

@test "language=fr-FR gives the French title; an IMDb id works as a movie id" {
	shared_faketmdb
	run get 'movie/63?language=fr-FR'
	run jq -r '.title, .original_title' <<<"$output"
	assert_output "$(printf "L'Armée des 12 singes\nTwelve Monkeys")"
	run get movie/tt0133093
	[ "$(status_of)" = 200 ]
	run jq -r .id <<<"$output"
	assert_output 603
}

@test "unknown ids and routes give TMDB's 404 code-34 body without Cache-Control" {
	shared_faketmdb
	for p in movie/999999999 person/999999999 movie/abc tv/1 nosuch; do
		run get "$p"
		[ "$(status_of)" = 404 ]
		assert_output '{"success":false,"status_code":34,"status_message":"The resource you requested could not be found."}'
	done
	run curl -sS -D - -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/999999999"
	refute_output --partial Cache-Control
}

@test "a missing or bad key gets 401 and the code-7 body" {
	shared_faketmdb
	body='{"status_code":7,"status_message":"Invalid API key: You must be granted a valid key.","success":false}'
	run curl -sS -w ' %{http_code}' "$MV_TMDB_URL/movie/63"
	assert_output "$body 401"
	run curl -sS -w ' %{http_code}' -H 'Authorization: Bearer wrong' "$MV_TMDB_URL/movie/63"
	assert_output "$body 401"
	run curl -sS -w ' %{http_code}' "$MV_TMDB_URL/movie/63?api_key=wrong"
	assert_output "$body 401"
	run curl -sS -o /dev/null -w '%{http_code}' "$MV_TMDB_URL/movie/63?api_key=testkey"
	assert_output 200
	run curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63"
	assert_output 200
}

@test "--key sets the accepted key; --no-auth accepts anything" {
	start_faketmdb --key s3cret
	run curl -sS -o /dev/null -w '%{http_code}' "$MV_TMDB_URL/movie/63?api_key=testkey"
	assert_output 401
	run curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret' "$MV_TMDB_URL/movie/63"
	assert_output 200
	stop_faketmdb
	start_faketmdb --no-auth
	run curl -sS -o /dev/null -w '%{http_code}' "$MV_TMDB_URL/movie/63"
	assert_output 200
}

@test "headers: TMDB's Content-Type, Cache-Control max-age, weak ETag and 304" {
	shared_faketmdb
	run curl -sS -D - -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63"
	assert_line --partial 'Content-Type: application/json;charset=utf-8'
	assert_line --partial 'Cache-Control: public, max-age=28800'
	etag=$(grep -i '^etag:' <<<"$output" | tr -d '\r' | cut -d' ' -f2)
	[[ $etag =~ ^W/\"[0-9a-f]{32}\"$ ]]
	run curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer testkey' -H "If-None-Match: $etag" "$MV_TMDB_URL/movie/63"
	assert_output 304
	run curl -sS -D - -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/search/movie?query=heat"
	assert_line --partial 'Cache-Control: public, max-age=600'
	stop_faketmdb
	start_faketmdb --max-age 5
	run curl -sS -D - -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/search/movie?query=heat"
	assert_line --partial 'Cache-Control: public, max-age=5'
}

@test "search: a title shared by several films, sorted by popularity, with paging fields" {
	shared_faketmdb
	get_is 'search/movie?query=the%20thing&include_adult=false' \
		'[.page, .total_results, .total_pages, [.results[].id]]' \
		'[1,3,1,[1091,60935,10785]]'
	run jq -c '.results[0] | keys' "$BATS_TEST_TMPDIR/body"
	assert_output '["adult","backdrop_path","genre_ids","id","original_language","original_title","overview","popularity","poster_path","release_date","softcore","title","video","vote_average","vote_count"]'
	get_is 'search/movie?query=the%20thing&page=2' \
		'[.page, .total_results, .total_pages, (.results | length)]' \
		'[2,3,1,0]'
	run get 'search/movie?query=the%20thing&page=0'
	[ "$(status_of)" = 400 ]
	run jq -c .status_code <<<"$output"
	assert_output 22
}

@test "search: year and primary_release_year tell same-title films apart" {
	shared_faketmdb
	get_is 'search/movie?query=The+Thing&year=1982' '[.total_results, [.results[].id]]' \
		'[1,[1091]]'
	get_is 'search/movie?query=The+Thing&primary_release_year=2011' '[.results[].id]' '[60935]'
	get_is 'search/movie?query=The+Thing&year=1990' '[.page, .total_results, .results]' \
		'[1,0,[]]'
}

@test "search: case and accents do not matter; translated titles match" {
	shared_faketmdb
	get_is "search/movie?query=L%27ARMEE%20des%2012%20singes&year=1995" '[.results[].id]' '[63]'
	get_is 'search/movie?query=amelie' '[.results[].id]' '[194]'
	get_is 'search/movie?query=Le%20Fabuleux%20Destin%20d%20Amelie%20Poulain' \
		'[.results[].id]' \
		'[194]'
	get_is 'search/movie?query=1917' '[.results[].id]' '[530915]'
}

@test "search paginates 20 per page" {
	root=$BATS_TEST_TMPDIR/snap
	mkdir -p "$root/movie"
	jq -c 'range(1; 46) as $i | .id = $i | .imdb_id = null | .popularity = $i' \
		"$SAMPLE/movie/1091.json" | split -l 1 --additional-suffix=.json - "$root/movie/m"
	start_faketmdb --root "$root"
	get_is 'search/movie?query=thing&page=3' \
		'[.page, .total_results, .total_pages, (.results | length), .results[0].id]' \
		'[3,45,3,5,5]'
	get_is 'search/movie?query=thing' '[(.results | length), .results[0].id, .results[19].id]' \
		'[20,45,26]'
}

@test "find: IMDb ids of a movie and a person; an unknown id finds nothing" {
	shared_faketmdb
	get_is 'find/tt0114746?external_source=imdb_id' \
		'[[.movie_results[] | .id, .media_type], .person_results, .tv_results]' \
		'[[63,"movie"],[],[]]'
	get_is 'find/nm0000246?external_source=imdb_id' \
		'[.person_results[0].id, .person_results[0].name, .person_results[0].known_for[0].id, .movie_results]' \
		'[62,"Bruce Willis",63,[]]'
	get_is 'find/tt0000000?external_source=imdb_id' '[.movie_results, .person_results]' \
		'[[],[]]'
	run get 'find/tt0114746'
	[ "$(status_of)" = 400 ]
}

@test "person: append movie_credits and external_ids" {
	shared_faketmdb
	get_is person/2406 '[.name, has("movie_credits"), has("external_ids")]' \
		'["Mathieu Kassovitz",false,false]'
	get_is 'person/2406?append_to_response=movie_credits,external_ids' \
		'[[.movie_credits.cast[].id], [.movie_credits.crew[] | [.id, .job]], .external_ids.imdb_id]' \
		'[[194],[[406,"Director"],[406,"Writer"]],"nm0440913"]'
	get_is person/62/movie_credits '[.id, [.cast[] | .id, .character]]' '[62,[63,"James Cole"]]'
}

@test "configuration points images at the server, which serves them" {
	shared_faketmdb
	run get configuration
	run jq -r '.images.base_url, .images.secure_base_url, (.images.poster_sizes | index("w185") != null)' <<<"$output"
	assert_output "$(printf '%s\n%s\ntrue' "$FAKETMDB_URL/t/p/" "$FAKETMDB_URL/t/p/")"
	# The file itself keeps TMDB's value; only the reply is rewritten.
	run jq -r .images.secure_base_url "$SAMPLE/configuration.json"
	assert_output https://image.tmdb.org/t/p/
	poster=$(get movie/63 | jq -r .poster_path)
	run curl -sS -o "$BATS_TEST_TMPDIR/p.jpg" -w '%{http_code} %{content_type}' "$FAKETMDB_URL/t/p/w185$poster"
	assert_output '200 image/jpeg'
	run cmp "$BATS_TEST_TMPDIR/p.jpg" "$SAMPLE/images/original$poster"
	assert_success
	logo=$(get 'movie/63/images' | jq -r '.logos[0].file_path')
	run curl -sS -o /dev/null -w '%{http_code} %{content_type}' "$FAKETMDB_URL/t/p/original$logo"
	assert_output '200 image/png'
	run curl -sS -o /dev/null -w '%{http_code}' "$FAKETMDB_URL/t/p/w185/nosuch.jpg"
	assert_output 404
	run curl -sS -o /dev/null -w '%{http_code}' "$FAKETMDB_URL/t/p/w185/..%2F..%2Fmovie%2F63.json"
	assert_output 404
}

@test "--fail-first 2 answers 429 with code 25 and Retry-After, then 200" {
	start_faketmdb --fail-first 2 --retry-after 3
	for i in 1 2; do
		run curl -sS -D "$BATS_TEST_TMPDIR/h" -w ' %{http_code}' -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63"
		assert_output '{"success":false,"status_code":25,"status_message":"Your request count (#) is over the allowed limit of (40)."} 429'
		run grep -i '^retry-after: 3' "$BATS_TEST_TMPDIR/h"
		assert_success
	done
	run curl -sS -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63"
	assert_output 200
}

@test "--fail-status and --error-rate give TMDB's 5xx bodies" {
	start_faketmdb --fail-first 1 --fail-status 500 --error-rate 1 --error-status 503
	run get movie/63
	[ "$(status_of)" = 500 ]
	run jq -c .status_code <<<"$output"
	assert_output 11
	run get movie/63
	[ "$(status_of)" = 503 ]
	run jq -c .status_code <<<"$output"
	assert_output 9
}

@test "--error-rate 0.5 fails about half of the requests" {
	start_faketmdb --error-rate 0.5
	args=()
	for i in $(seq 40); do args+=(-o /dev/null "$MV_TMDB_URL/movie/550"); done
	curl -sS -H 'Authorization: Bearer testkey' "${args[@]}"
	n=$(faketmdb_stats | jq '.byStatus["500"]')
	[ "$n" -ge 8 ] && [ "$n" -le 32 ]
	run faketmdb_stats
	run jq -c '[.total, .byStatus["200"] + .byStatus["500"]]' <<<"$output"
	assert_output '[40,40]'
}

@test "--delay holds each reply" {
	start_faketmdb --delay 300
	run curl -sS -o /dev/null -w '%{time_total}' -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/configuration"
	awk -v t="$output" 'BEGIN { exit !(t >= 0.3) }'
}

@test "--truncate cuts the body short of its Content-Length and closes" {
	start_faketmdb --truncate 1
	run curl -sS -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63"
	[ "$status" -eq 18 ] # CURLE_PARTIAL_FILE
	# Counted: the second request is whole.
	run get movie/63
	[ "$(status_of)" = 200 ]
	run jq -r .id <<<"$output"
	assert_output 63
}

@test "--invalid-json sends a complete 200 that is not JSON" {
	start_faketmdb --invalid-json
	run get movie/63
	assert_success
	[ "$(status_of)" = 200 ]
	run jq . "$BATS_TEST_TMPDIR/body"
	assert_failure
}

@test "--close-mid-body drops a chunked reply before its end" {
	start_faketmdb --close-mid-body
	run curl -sS -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63"
	[ "$status" -eq 18 ] || [ "$status" -eq 56 ]
}

@test "--fault-path limits faults to matching paths" {
	start_faketmdb --fault-path /3/search --error-rate 1
	run get movie/63
	[ "$(status_of)" = 200 ]
	run get 'search/movie?query=heat'
	[ "$(status_of)" = 500 ]
}

@test "/__faults changes faults at run time and clear=1 removes them" {
	start_faketmdb
	run faketmdb_faults 'fail_first=1&fail-status=503&delay=0'
	assert_success
	run jq -c '[.fail_first, .fail_status]' <<<"$output"
	assert_output '[1,503]'
	run get movie/63
	[ "$(status_of)" = 503 ]
	run curl -sS "$FAKETMDB_URL/__faults?truncate"
	run jq -c .truncate <<<"$output"
	assert_output -1
	run curl -sS "$FAKETMDB_URL/__faults?clear=1"
	run jq -c '[.fail_first, .truncate, .error_rate]' <<<"$output"
	assert_output '[0,0,0]'
	run get movie/63
	[ "$(status_of)" = 200 ]
	run curl -sS -w ' %{http_code}' "$FAKETMDB_URL/__faults?nosuch=1"
	assert_output --partial ' 400'
}

@test "/__stats counts requests per path and status, faults included; /__reset zeroes" {
	start_faketmdb --fail-first 1
	get movie/63 >/dev/null
	get 'movie/63?append_to_response=credits' >/dev/null
	get movie/999999999 >/dev/null
	curl -sS -o /dev/null "$MV_TMDB_URL/configuration"
	run faketmdb_stats
	run jq -cS 'del(.times)' <<<"$output"
	assert_output '{"byStatus":{"200":1,"401":1,"404":1,"429":1},"paths":{"/3/configuration":1,"/3/movie/63":2,"/3/movie/999999999":1},"total":4}'
	# One arrival time per counted request, in order.
	run faketmdb_stats
	run jq -c '[(.times | length), (.times == (.times | sort)), (.times[0] > 1.7e9)]' <<<"$output"
	assert_output '[4,true,true]'
	run faketmdb_count /3/movie/63
	assert_output 2
	faketmdb_reset
	run faketmdb_stats
	assert_output '{"total":0,"paths":{},"byStatus":{},"times":[]}'
}

@test "keeps the connection alive across requests" {
	shared_faketmdb
	run curl -sS -v -o /dev/null -o /dev/null -H 'Authorization: Bearer testkey' "$MV_TMDB_URL/movie/63" "$MV_TMDB_URL/movie/550"
	assert_success
	assert_line --partial 'Re-using existing connection'
}

@test "SIGTERM and SIGINT stop it cleanly with status 0" {
	start_faketmdb
	port=$FAKETMDB_PORT
	stop_faketmdb
	[ "$FAKETMDB_STATUS" -eq 0 ]
	run curl -sS "http://127.0.0.1:$port/__stats"
	assert_failure
	start_faketmdb
	kill -INT "$FAKETMDB_PID"
	wait "$FAKETMDB_PID"
	[ "$?" -eq 0 ]
	unset FAKETMDB_PID
}

@test "bad usage exits 2; --help exits 0" {
	run "$MV_TOP/tests/faketmdb" --nosuch
	[ "$status" -eq 2 ]
	run "$MV_TOP/tests/faketmdb" --root /nonexistent
	[ "$status" -eq 2 ]
	run "$MV_TOP/tests/faketmdb" --help
	assert_success
	assert_output --partial --fail-first
}

@test "sample: at least 10 movies, every credited person and image present" {
	run bash -c "ls '$SAMPLE'/movie/*.json | wc -l"
	[ "$output" -ge 10 ]
	# Every person and image a movie or person refers to has its file.
	jq -r '(.credits // {} | .cast + .crew | .[].id | "person/\(.).json"),
		(.poster_path, .backdrop_path, .profile_path, (.images // {} | .[][] | .file_path)
			| select(. != null) | "images/original\(.)")' \
		"$SAMPLE"/movie/*.json "$SAMPLE"/person/*.json | sort -u >"$BATS_TEST_TMPDIR/refs"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/refs")" -ge 100 ]
	while read -r f; do
		[ -f "$SAMPLE/$f" ] || { echo "missing $f"; return 1; }
	done <"$BATS_TEST_TMPDIR/refs"
	# Each movie has the fields and parts the levels need; each person too.
	run jq -n -r 'inputs | select((.adult == false and .video == false
		and (.id | type) == "number" and (.imdb_id | test("^tt[0-9]{7,}$"))
		and (.credits.crew | map(.job) | index("Director") != null)
		and (.credits.cast | length) >= 2
		and (.translations.translations | length) >= 2
		and (.release_dates.results | length) >= 1
		and (.external_ids.imdb_id == .imdb_id)
		and (."watch/providers".results.FR.link | type) == "string") | not)
		| input_filename' "$SAMPLE"/movie/*.json
	assert_output ''
	run jq -n -r 'inputs | select(((.movie_credits.cast + .movie_credits.crew | length) >= 1
		and (.external_ids.imdb_id | test("^nm[0-9]{7,}$"))) | not) | input_filename' "$SAMPLE"/person/*.json
	assert_output ''
}

@test "sample: movie 63 has the French title, FR certification and Arte free" {
	run jq -r '(.translations.translations[] | select(.iso_3166_1 == "FR") | .data.title),
		(.translations.translations[] | select(.iso_639_1 == "de") | .data.title),
		(."watch/providers".results.FR.free[0] | "\(.provider_id) \(.provider_name)"),
		([.credits.cast[].id] | map(tostring) | join(",")),
		(.credits.crew[] | select(.job == "Director") | .id)' "$SAMPLE/movie/63.json"
	assert_output "$(printf "L'Armée des 12 singes\n12 Monkeys\n234 Arte\n62,289,287,290,52\n280")"
}

@test "sample: videos.txt names the files the demo drops" {
	run wc -l <"$MV_TOP/data/sample/videos.txt"
	[ "$output" -ge 8 ]
	run grep -c -e '\[tmdbid-550\]' -e '^L\.Armee\.des\.12\.singes\.1995' -e '^The Thing\.mkv$' -e '/' "$MV_TOP/data/sample/videos.txt"
	assert_output 4
}
