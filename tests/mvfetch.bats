#!/usr/bin/env bats
# mvfetch.bats: the TMDB client against the fake server: levels and their
# request counts, cache, retries and backoff, errors, credentials, file://.

load test_helper
load faketmdb

setup() {
	mv_test_env
	# Short waits: Retry-After and backoff are clamped to the 40 ms cap.
	export MV_TMDB_BACKOFF_MS=5,40
	unset MV_TMDB_DEBUG MV_TMDB_RETRIES MV_TMDB_CACHE_MAX MV_IMAGE_MAX
}

teardown() {
	stop_faketmdb
}

# How many requests the fake server has counted in all.
total() {
	faketmdb_stats | jq .total
}

# Number of files in the response cache.
cached() {
	find "$MV_DATA/cache/tmdb" -type f 2>/dev/null | wc -l
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr mvfetch --help
	assert_success
	assert_line --index 0 --partial "usage: mvfetch"
	assert_line --partial "mvfetch movie ID..."
	[ -z "$stderr" ]
}

@test "usage errors exit 64 with the usage on stderr and create nothing" {
	local args
	for args in "" "bogus" "--bogus movie 63" "movie" "movie abc" "movie 0" \
		"movie 63 --level huge" "search --level deep foo" "movie 63 --year 1995" \
		"--no-cache --refresh movie 63" "image /a.jpg" "find 0114746" \
		"config extra" "providers 63 --region FRA" "movie 63 --append bad,Parts" \
		"search x --year 1700" "search x --page 0" "movie 63 --language french"; do
		# shellcheck disable=SC2086
		run --separate-stderr mvfetch $args
		[ "$status" -eq 64 ] || { echo "mvfetch $args: exit $status"; false; }
		[ -z "$output" ]
		[[ $stderr == *"usage: mvfetch"* ]] || { echo "mvfetch $args: $stderr"; false; }
	done
	[ ! -e "$MV_DATA" ]
}

@test "movie basic is one request with external_ids, translations and the images" {
	start_faketmdb
	run --separate-stderr mvfetch movie 63
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '.id, .external_ids.imdb_id' <<<"$output" | paste -sd' ')" = "63 tt0114746" ]
	jq -e '.translations.translations | length > 0' <<<"$output"
	jq -e 'has("credits") | not' <<<"$output"
	# Basic's images are the card poster's choice: in the language (en
	# under the C locale) and language-neutral only.
	run jq -c '[.images.posters[] | [.iso_639_1, .file_path]]' <<<"$output"
	assert_output '[["en","/gt3iyguaCIw8DpQZI1LIN5TohM2.jpg"]]'
	[ "$(faketmdb_count /3/movie/63)" -eq 1 ]
	[ "$(total)" -eq 1 ]
}

@test "movie medium adds credits in the same single request" {
	start_faketmdb
	run --separate-stderr mvfetch movie 63 --level medium
	assert_success
	jq -e '(.credits.cast | length > 0) and has("external_ids") and has("translations")' <<<"$output"
	jq -e 'has("images") and (has("videos") | not)' <<<"$output"
	[ "$(total)" -eq 1 ]
}

@test "movie deep has every deep part in one request" {
	start_faketmdb
	run --separate-stderr mvfetch movie 63 --level deep
	assert_success
	run jq -c '[has("credits","images","videos","keywords","release_dates","external_ids","watch/providers","translations")] | all' <<<"$output"
	assert_output true
	[ "$(total)" -eq 1 ]
}

@test "--append adds only the parts asked for; light means basic" {
	start_faketmdb
	run --separate-stderr mvfetch movie 63 --level light --append videos,keywords
	assert_success
	jq -e 'has("videos") and has("keywords") and has("external_ids")' <<<"$output"
	jq -e 'has("credits") or has("release_dates") | not' <<<"$output"
	[ "$(total)" -eq 1 ]
	# basic's 4 parts + 15 + credits = 20, TMDB's limit; one more is refused.
	run --separate-stderr mvfetch movie 63 --append "$(printf 'x%s,' a b c d e f g h i j k l m n o | tr -d '\n')credits"
	assert_success
	jq -e 'has("credits")' <<<"$output"
	run --separate-stderr mvfetch movie 63 --append "$(printf 'x%s,' a b c d e f g h i j k l m n o p | tr -d '\n')credits"
	[ "$status" -eq 64 ]
	[[ $stderr == *"at most 20 parts"* ]]
}

@test "MV_LANGUAGE picks basic's images, never the details' language=" {
	start_faketmdb
	MV_LANGUAGE=fr-FR run --separate-stderr mvfetch movie 63
	assert_success
	# TMDB's default title: the language setting changes only the images.
	run jq -c '[.title, [.images.posters[] | [.iso_639_1, .file_path]]]' <<<"$output"
	assert_output '["Twelve Monkeys",[["fr","/xNv8Y0FpPv0PNIG2hdrcnYzaoTI.jpg"]]]'
	[ "$(total)" -eq 1 ]
}

@test "--language passes language= and TMDB localises the title" {
	start_faketmdb
	run --separate-stderr mvfetch movie 63 --language fr-FR
	assert_success
	[ "$(jq -r .title <<<"$output")" = "L'Armée des 12 singes" ]
}

@test "a cached answer costs no request; --refresh and --no-cache bypass it" {
	start_faketmdb
	mvfetch movie 63 >"$BATS_TEST_TMPDIR/first"
	[ "$(cached)" -eq 1 ]
	run --separate-stderr mvfetch movie 63
	assert_success
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/first")" ]
	[ "$(total)" -eq 1 ]
	run --separate-stderr mvfetch --refresh movie 63
	assert_success
	[ "$(total)" -eq 2 ]
	run --separate-stderr mvfetch --no-cache movie 63 --level deep
	assert_success
	[ "$(total)" -eq 3 ]
	[ "$(cached)" -eq 1 ]
	# The cache never holds the key.
	! grep -rq testkey "$MV_DATA"
}

@test "the cache honours max-age, measured on MV_NOW's clock" {
	start_faketmdb --max-age 100
	MV_NOW=1800000000 mvfetch movie 63 >/dev/null
	MV_NOW=1800000099 mvfetch movie 63 >/dev/null
	[ "$(total)" -eq 1 ]
	MV_NOW=1800000100 mvfetch movie 63 >/dev/null
	[ "$(total)" -eq 2 ]
}

@test "the cache stays under MV_TMDB_CACHE_MAX by dropping the oldest" {
	start_faketmdb
	export MV_TMDB_CACHE_MAX=20000
	local id
	for id in 63 550 603 62 949 194; do
		mvfetch movie "$id" --level deep >/dev/null
	done
	# Six replies of 6-7 KB each: only the newest ones fit.
	[ "$(find "$MV_DATA/cache/tmdb" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')" -le 20000 ]
	[ "$(cached)" -ge 2 ]
	[ "$(cached)" -le 3 ]
	# The newest (movie 194) survived; the oldest (63) is gone.
	grep -lq 'movie/194?' "$MV_DATA"/cache/tmdb/*
	! grep -lq 'movie/63?' "$MV_DATA"/cache/tmdb/*
}

@test "429 is retried after Retry-After and then succeeds" {
	start_faketmdb --fail-first 2 --retry-after 1
	run --separate-stderr env MV_TMDB_DEBUG=1 mvfetch movie 63
	assert_success
	[ "$(jq .id <<<"$output")" -eq 63 ]
	[ "$(total)" -eq 3 ]
	[ "$(faketmdb_stats | jq '.byStatus["429"]')" -eq 2 ]
	# Retry-After 1 s is clamped to the 40 ms cap.
	[ "$(grep -c 'HTTP 429.*retry-after 1 s, waiting 40 ms' <<<"$stderr")" -eq 2 ]
}

@test "the backoff ceiling doubles and each wait stays under it" {
	start_faketmdb --fail-first 4 --fail-status 503
	run --separate-stderr env MV_TMDB_DEBUG=1 MV_TMDB_BACKOFF_MS=8,1000 mvfetch movie 63
	assert_success
	[ "$(total)" -eq 5 ]
	run awk '/HTTP 503/ { for (i = 1; i <= NF; i++) if ($i == "ceiling") c = $(i + 1);
		for (i = 1; i <= NF; i++) if ($i == "waiting") w = $(i + 1);
		if (w > c) bad = 1; printf "%s ", c } END { exit bad }' <<<"$stderr"
	assert_success
	assert_output "8 16 32 64 "
	# The server saw the attempts in order, spread by the waits.
	faketmdb_stats | jq -e '.times | . == sort'
}

@test "a 401 stops at once with 78 after exactly one request" {
	start_faketmdb
	export TMDB_API_KEY=wrongkey
	run --separate-stderr mvfetch movie 63
	[ "$status" -eq 78 ]
	[ "$stderr" = "mvfetch: unable to fetch /movie/63: HTTP 401: Invalid API key: You must be granted a valid key. (status_code 7)" ]
	[ -z "$output" ]
	[ "$(total)" -eq 1 ]
}

@test "exhausted retries exit 75 and name the request" {
	start_faketmdb --fail-first 100 --fail-status 503
	run --separate-stderr env MV_TMDB_RETRIES=2 mvfetch movie 63
	[ "$status" -eq 75 ]
	[ "$stderr" = "mvfetch: unable to fetch /movie/63: HTTP 503 (retries exhausted)" ]
	[ "$(total)" -eq 3 ]
	[ "$(cached)" -eq 0 ]
}

@test "a connection refused is retried, then 75" {
	start_faketmdb
	stop_faketmdb
	run --separate-stderr env MV_TMDB_RETRIES=1 mvfetch movie 63
	[ "$status" -eq 75 ]
	[[ $stderr == "mvfetch: unable to fetch /movie/63: "*"(retries exhausted)" ]]
}

@test "a truncated body is retried and never cached" {
	start_faketmdb --truncate 1
	run --separate-stderr mvfetch movie 63
	assert_success
	[ "$(total)" -eq 2 ]
	[ "$(cached)" -eq 1 ]
	# The cached copy is the whole body: served again without a request.
	run --separate-stderr mvfetch movie 63
	jq -e '.id == 63' <<<"$output"
	[ "$(total)" -eq 2 ]
}

@test "a body truncated every time gives 75 and leaves the cache empty" {
	start_faketmdb --truncate
	run --separate-stderr env MV_TMDB_RETRIES=2 mvfetch movie 63
	[ "$status" -eq 75 ]
	[[ $stderr == "mvfetch: unable to fetch /movie/63: "*"(retries exhausted)" ]]
	[ "$(total)" -eq 3 ]
	[ "$(cached)" -eq 0 ]
}

@test "a connection closed mid-body is retried" {
	start_faketmdb --close-mid-body 1
	run --separate-stderr mvfetch movie 63 --level deep
	assert_success
	jq -e '.id == 63' <<<"$output"
	[ "$(total)" -eq 2 ]
}

@test "invalid JSON is a malformed body: 65, one request, nothing cached" {
	start_faketmdb --invalid-json
	run --separate-stderr mvfetch movie 63
	[ "$status" -eq 65 ]
	[ "$stderr" = "mvfetch: unable to fetch /movie/63: malformed body: invalid JSON" ]
	[ "$(total)" -eq 1 ]
	[ "$(cached)" -eq 0 ]
}

@test "an unknown id exits 1; other ids are still fetched" {
	start_faketmdb
	run --separate-stderr mvfetch movie 63 999999 550
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "mvfetch: unable to fetch /movie/999999: HTTP 404: The resource you requested could not be found. (status_code 34)" ]
}

@test "no key and a non-loopback URL: 78, a clear message, nothing created" {
	run --separate-stderr env MV_TMDB_URL=https://api.themoviedb.org/3 mvfetch movie 63
	[ "$status" -eq 78 ]
	[[ $stderr == "mvfetch: unable to find TMDB credentials: set TMDB_TOKEN or TMDB_API_KEY"* ]]
	[ ! -e "$MV_DATA" ]
}

@test "plain http:// to a non-loopback host is refused with 78" {
	export TMDB_API_KEY=testkey
	run --separate-stderr env MV_TMDB_URL=http://192.0.2.1/3 mvfetch movie 63
	[ "$status" -eq 78 ]
	[ "$stderr" = "mvfetch: unable to use MV_TMDB_URL http://192.0.2.1/3: plain http:// is only allowed to a loopback address" ]
	run --separate-stderr env MV_TMDB_URL=http://127.0.0.1@192.0.2.1/3 mvfetch movie 63
	[ "$status" -eq 78 ]
	run --separate-stderr env MV_TMDB_URL=ftp://127.0.0.1/3 mvfetch movie 63
	[ "$status" -eq 78 ]
	[ ! -e "$MV_DATA" ]
}

@test "a bearer token from \$CREDENTIALS_DIRECTORY is used" {
	start_faketmdb --key s3cretTOKEN
	unset TMDB_API_KEY
	mkdir "$BATS_TEST_TMPDIR/creds"
	printf 's3cretTOKEN\n' >"$BATS_TEST_TMPDIR/creds/TMDB_TOKEN"
	run --separate-stderr env CREDENTIALS_DIRECTORY="$BATS_TEST_TMPDIR/creds" mvfetch movie 63
	assert_success
	[ "$(total)" -eq 1 ]
}

@test "the key is never on argv, in messages or in the data directory" {
	start_faketmdb --key Xk3yNeverSh0wn --delay 400 --fail-first 1 --fail-status 500
	export TMDB_API_KEY=Xk3yNeverSh0wn MV_TMDB_DEBUG=1
	mvfetch movie 63 --level deep >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$!
	wait_until 5 test -s "$MV_DATA/run/tmdb.rate"
	! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q Xk3y
	wait "$pid"
	[ "$(total)" -eq 2 ]
	grep -q 'attempt 2' "$BATS_TEST_TMPDIR/err"
	! grep -q Xk3y "$BATS_TEST_TMPDIR/err"
	! grep -rq Xk3y "$MV_DATA"
	# A wrong key is not echoed either.
	export TMDB_API_KEY=Wr0ngSecretValue
	run --separate-stderr mvfetch --refresh movie 63
	[ "$status" -eq 78 ]
	[[ $stderr != *Wr0ng* ]]
}

@test "file:// serves the offline sample without a server or a key" {
	export MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb
	run --separate-stderr mvfetch movie 63
	assert_success
	jq -e '.id == 63 and .external_ids.imdb_id == "tt0114746" and (has("credits") | not)' <<<"$output"
	run --separate-stderr mvfetch movie 63 --level deep
	jq -e 'has("watch/providers") and has("credits")' <<<"$output"
	run --separate-stderr mvfetch providers 63
	jq -e '.free | length > 0' <<<"$output"
	run --separate-stderr mvfetch movie 424242
	[ "$status" -eq 1 ]
	run --separate-stderr mvfetch search "twelve monkeys"
	[ "$status" -eq 69 ]
	[[ $stderr == *"a file:// snapshot answers only movie, person and configuration requests"* ]]
	[ "$(cached)" -eq 0 ]
}

@test "search honours the year and the page" {
	start_faketmdb
	run --separate-stderr mvfetch search Twelve Monkeys --year 1995
	assert_success
	[ "$(jq -c '[.results[].id]' <<<"$output")" = "[63]" ]
	run --separate-stderr mvfetch search "twelve monkeys" --year 1994
	[ "$(jq '.total_results' <<<"$output")" -eq 0 ]
	run --separate-stderr mvfetch search monkeys --page 2
	assert_success
	[ "$(jq .page <<<"$output")" -eq 2 ]
}

@test "find maps an IMDb id to TMDB; person --deep has movie credits" {
	start_faketmdb
	run --separate-stderr mvfetch find tt0114746
	assert_success
	[ "$(jq '.movie_results[0].id' <<<"$output")" -eq 63 ]
	run --separate-stderr mvfetch person 62 --deep
	assert_success
	jq -e '.id == 62 and (.movie_credits.cast | length > 0) and has("external_ids")' <<<"$output"
	run --separate-stderr mvfetch person 62
	jq -e 'has("movie_credits") | not' <<<"$output"
}

@test "providers prints only the region's object" {
	start_faketmdb
	run --separate-stderr mvfetch providers 63 --region fr
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	jq -e '(.free[0].provider_name | length > 0) and (has("results") | not)' <<<"$output"
	run --separate-stderr mvfetch providers 63 --region ZZ
	[ "$status" -eq 1 ]
	[ "$stderr" = "mvfetch: unable to find watch providers for movie 63 in ZZ" ]
	run --separate-stderr env MV_REGION=ZZ mvfetch providers 63
	[ "$status" -eq 1 ]
}

@test "config prints /configuration; image downloads once, atomically, bounded" {
	start_faketmdb
	run --separate-stderr mvfetch config
	assert_success
	[ "$(jq -r .images.secure_base_url <<<"$output")" = "$FAKETMDB_URL/t/p/" ]
	local poster
	poster=$(jq -r .poster_path "$MV_TOP/data/sample/tmdb/movie/63.json")
	run --separate-stderr mvfetch image "$poster" --size w342 -o "$MV_DATA/assets/images/p.jpg"
	assert_success
	cmp "$MV_DATA/assets/images/p.jpg" "$MV_TOP/data/sample/tmdb/images/original$poster"
	# /configuration came from the cache; the image was one request.
	[ "$(total)" -eq 2 ]
	run mvfetch image "$poster" --size w342 -o "$MV_DATA/assets/images/p.jpg"
	assert_success
	[ "$(total)" -eq 2 ]
	run --separate-stderr env MV_IMAGE_MAX=100 mvfetch image "$poster" -o "$MV_DATA/small.jpg"
	[ "$status" -eq 65 ]
	[ ! -e "$MV_DATA/small.jpg" ]
	[ -z "$(find "$MV_DATA/assets/images" -name '*.tmp.*')" ]
	run --separate-stderr mvfetch image /nosuch.jpg -o "$MV_DATA/x.jpg"
	[ "$status" -eq 1 ]
	run --separate-stderr mvfetch image ../etc/passwd -o "$MV_DATA/x.jpg"
	[ "$status" -eq 64 ]
}

@test "the shared rate limit spaces requests from two processes" {
	start_faketmdb
	export MV_TMDB_RATE=10
	mvfetch --no-cache movie 63 63 63 63 >/dev/null &
	mvfetch --no-cache movie 550 550 550 550 >/dev/null
	wait $!
	[ "$(total)" -eq 8 ]
	# One limit for both: 8 requests at 10/s are taken >= 7 x 102 ms
	# apart, so they arrive over >= ~0.7 s; two limits of their own would
	# be done in ~0.3 s. The line between is 0.5 s, 0.2 s from either, so
	# that a first request slowed in transit on a loaded machine (CI saw
	# 60 ms) cannot pass for two limits. (Single gaps between arrivals are
	# not the measure: one request slowed shortens the gap after it.)
	faketmdb_stats | jq -e '.times | sort | (.[-1] - .[0]) > 0.5'
	# And never more than the rate in any 1-second window.
	faketmdb_stats | jq -e '.times | sort | . as $t |
		[range(length) as $i | [$t[] | select(. >= $t[$i] and . < $t[$i] + 1)] | length] | max <= 10'
}

@test "a malformed snapshot body is 65; a good one beside it still works" {
	export MV_TMDB_URL=file://$MV_TOP/tests/fixtures/mvfetch/broken
	run --separate-stderr mvfetch movie 1
	[ "$status" -eq 65 ]
	[[ $stderr == "mvfetch: unable to fetch /movie/1: malformed body in "*": not a JSON object" ]]
	run --separate-stderr mvfetch movie 2
	[ "$status" -eq 65 ]
	run --separate-stderr mvfetch movie 2 3 --level medium
	[ "$status" -eq 65 ]
	[ "$(jq -c '[.id, .credits.cast]' <<<"$output")" = "[3,[]]" ]
}

@test "a request over MV_TMDB_TIMEOUT is retried, then 75" {
	start_faketmdb --delay 1500
	run --separate-stderr env MV_TMDB_TIMEOUT=0.2 MV_TMDB_RETRIES=1 mvfetch movie 63
	[ "$status" -eq 75 ]
	[[ $stderr == "mvfetch: unable to fetch /movie/63: "*"timed out"*"(retries exhausted)" ]]
}

@test "bad settings are configuration errors (78) before anything is created" {
	export TMDB_API_KEY=testkey MV_TMDB_URL=http://127.0.0.1:9/3
	local var
	for var in MV_TMDB_RATE=fast MV_TMDB_RETRIES=-1 MV_TMDB_TIMEOUT=0 \
		MV_TMDB_BACKOFF_MS=100,10 MV_TMDB_URL=file://relative/dir; do
		run --separate-stderr env "$var" mvfetch movie 63
		[ "$status" -eq 78 ] || { echo "$var: exit $status"; false; }
		[[ $stderr == "mvfetch: unable to use "* ]]
	done
	[ ! -e "$MV_DATA" ]
}

@test "every option in the usage is in the man page, and the page lints" {
	local opt
	sed 's/\\-/-/g' "$MV_TOP/man/mvfetch.1" >"$BATS_TEST_TMPDIR/man"
	for opt in $(mvfetch --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "Fl ${opt#-}" "$BATS_TEST_TMPDIR/man" || { echo "missing $opt"; false; }
	done
	grep -q '^\.Fl o Ar dest' "$MV_TOP/man/mvfetch.1"
	run mandoc -Tlint -W warning "$MV_TOP/man/mvfetch.1"
	assert_success
	assert_output ""
}

@test "a full disk on standard output is 74" {
	export MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb
	run --separate-stderr bash -c 'mvfetch movie 63 >/dev/full'
	[ "$status" -eq 74 ]
	[ "$stderr" = "mvfetch: unable to write standard output: No space left on device" ]
}
