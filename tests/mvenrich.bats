#!/usr/bin/env bats
# mvenrich: matching, filing, review, retries, requests and crash safety,
# on real files against the fake TMDB server.

load test_helper
load faketmdb
load fixtures/mvenrich/helpers

setup() {
	mv_test_env
	export MV_TMDB_RETRIES=0
	mkdir -p "$MV_DATA/incoming"
	start_faketmdb
	IN=$MV_DATA/incoming
}

teardown() {
	stop_faketmdb
}

# Run mvenrich on the events in the file EVENTS: its stdout in the file
# $OUT, its stderr in $stderr, its exit status in $status.
enrich() {
	OUT=$BATS_TEST_TMPDIR/out.$RANDOM.ndjson
	status=0
	mvenrich "$@" <"$EVENTS" >"$OUT" 2>"$OUT.err" || status=$?
	stderr=$(cat "$OUT.err")
	output=$stderr
}

# Drop NAME (SIZE random bytes, default 4096) into incoming/, its sha256
# in $sum, and write its mv.file.added to the file $EVENTS.
drop_video() {
	mkvideo "$IN/$1" "${2:-}"
	sum=$(sha "$IN/$1")
	EVENTS=$BATS_TEST_TMPDIR/ev
	ev_added "$IN/$1" >"$EVENTS"
}

# Drop each NAME (4096 random bytes) into incoming/ and write their
# mv.file.added, in that order, to the file $EVENTS.
drop_videos() {
	local name
	for name in "$@"; do mkvideo "$IN/$name"; done
	EVENTS=$BATS_TEST_TMPDIR/ev
	for name in "$@"; do ev_added "$IN/$name"; done >"$EVENTS"
}

@test "mvenrich: -h prints usage on stdout; bad options exit 64" {
	run --separate-stderr mvenrich -h
	assert_success
	assert_line --index 0 --partial "usage: mvenrich"
	run --separate-stderr mvenrich --bogus
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"usage: mvenrich"* ]]
	run --separate-stderr mvenrich extra
	[ "$status" -eq 64 ]
}

@test "mvenrich: a clear match is created, matched, filed, and the original removed" {
	drop_video "Heat.1995.1080p.BluRay.x264-GRP.mkv" 100000
	enrich
	assert_success
	[ -z "$stderr" ]
	# The input event passes first, unchanged; ours follow in order.
	[ "$(head -n 1 "$OUT")" = "$(cat "$EVENTS")" ]
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m1","path":"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","tmdb":949,"title":"Heat","year":1995}'
	run events_of mv.movie.enriched "$OUT"
	assert_output '{"id":"m1","level":"basic","from":"minimal"}'
	[ "$(jq -r 'select(.type != "mv.file.added") | .subject' "$OUT" | sort -u)" = m1 ]
	[ "$(sha "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv")" = "$sum" ]
	[ -z "$(ls -A "$IN")" ]
	run jq -c '[.status, .level, .externalIds.tmdb, .videos[0].path, .videos[0].source, .videos[0].size]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready","basic",949,"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv","incoming/Heat.1995.1080p.BluRay.x264-GRP.mkv",100000]'
	[ -z "$(ls -A "$MV_DATA/run/filing" 2>/dev/null)" ]
	profiles_valid
	events_valid "$OUT"
}

@test "mvenrich: data.tmdbRequests counts the HTTP requests; mvstat sums them into mv.prom" {
	mkvideo "$IN/The.Thing.1982.mkv" 1000
	mkvideo "$IN/The.Thing.2011.mkv" 1000
	EVENTS=$BATS_TEST_TMPDIR/ev
	{ ev_added "$IN/The.Thing.1982.mkv"; ev_added "$IN/The.Thing.2011.mkv"; } >"$EVENTS"
	faketmdb_reset
	mvenrich <"$EVENTS" | mvstat >/dev/null
	total=$(faketmdb_stats | jq .total)
	[ "$total" -gt 0 ]
	grep -qx "mv_tmdb_requests_total $total" "$MV_DATA/stats/mv.prom"
	# A second run answers from the cache: no request, none counted.
	mkvideo "$IN/The.Thing.1982.copy.mkv" 1000
	ev_added "$IN/The.Thing.1982.copy.mkv" >"$EVENTS"
	faketmdb_reset
	enrich
	[ "$(faketmdb_stats | jq .total)" -eq 0 ]
	[ -z "$(jq -c 'select(.data.tmdbRequests)' "$OUT")" ]
}

@test "mvenrich: data.tmdbRetries counts the retries among them; mvstat sums them" {
	drop_video "The.Thing.1982.mkv" 1000
	faketmdb_reset
	# The first two requests get a 500: each is tried again.
	faketmdb_faults 'fail_first=2&fail_status=500' >/dev/null
	OUT=$BATS_TEST_TMPDIR/out
	MV_TMDB_RETRIES=3 MV_TMDB_BACKOFF_MS=1 mvenrich <"$EVENTS" >"$OUT"
	total=$(faketmdb_stats | jq .total)
	run jq -s -c '[.[] | .data.tmdbRetries // empty] | add' "$OUT"
	assert_output 2
	run jq -s -c '[.[] | .data.tmdbRequests // empty] | add' "$OUT"
	assert_output "$total"
	events_valid "$OUT"
	mvstat <"$OUT" >/dev/null
	grep -qx "mv_tmdb_retries_total 2" "$MV_DATA/stats/mv.prom"
	grep -qx "mv_tmdb_requests_total $total" "$MV_DATA/stats/mv.prom"
}

@test "mvenrich: the year tells two films of one title apart" {
	drop_videos "The Thing (1982).mkv" "The.Thing.2011.720p.avi"
	enrich
	assert_success
	run events_of mv.movie.matched "$OUT"
	# search, details and the card's poster each; the first also reads
	# /configuration, cached from then on.
	assert_output '{"id":"m1","tmdb":1091,"title":"The Thing","year":1982,"tmdbRequests":4}
{"id":"m2","tmdb":60935,"title":"The Thing","year":2011,"tmdbRequests":3}'
	[ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ]
	[ -f "$MV_DATA/assets/videos/The Thing (2011) [tmdbid-60935]/The Thing (2011) [tmdbid-60935].avi" ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]
}

@test "mvenrich: a translated title matches (French release of Twelve Monkeys)" {
	drop_video "L'Armée des 12 singes (1995) FRENCH.mkv"
	enrich
	assert_success
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m1","path":"assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv","tmdb":63,"title":"Twelve Monkeys","year":1995}'
	[ "$(jq -r '.titles["fr-FR"]' "$MV_DATA/Movies/m1.json")" = "L'Armée des 12 singes" ]
}

@test "mvenrich: basic downloads one card poster, in the user's language, at w92" {
	drop_videos "Twelve Monkeys (1995).mkv" "Heat (1995).mkv"
	MV_LANGUAGE=fr-FR enrich
	assert_success
	[ -z "$stderr" ]
	# The French poster of each, not poster_path (English), at the
	# smallest of /configuration's poster_sizes that fills a 50px card.
	cmp "$MV_DATA/assets/images/m1-card-w92.jpg" "$MV_TOP/data/sample/tmdb/images/original/xNv8Y0FpPv0PNIG2hdrcnYzaoTI.jpg"
	cmp "$MV_DATA/assets/images/m2-card-w92.jpg" "$MV_TOP/data/sample/tmdb/images/original/uZuyVwMTwSmTNjw1nLhxDv5bE75.jpg"
	[ "$(ls "$MV_DATA/assets/images")" = "m1-card-w92.jpg
m2-card-w92.jpg" ]
	[ "$(faketmdb_count /t/p/w92/xNv8Y0FpPv0PNIG2hdrcnYzaoTI.jpg)" -eq 1 ]
	[ "$(faketmdb_count /t/p/w92/uZuyVwMTwSmTNjw1nLhxDv5bE75.jpg)" -eq 1 ]
	# One image request a movie: search, details, poster (and once
	# /configuration, then cached).
	run events_of mv.movie.matched "$OUT"
	assert_output '{"id":"m1","tmdb":63,"title":"Twelve Monkeys","year":1995,"tmdbRequests":4}
{"id":"m2","tmdb":949,"title":"Heat","year":1995,"tmdbRequests":3}'
	[ "$(faketmdb_stats | jq .total)" -eq 7 ]
	# The details were asked without language=: TMDB's default title stays.
	run jq -c '[.title, .cardPoster, .level]' "$MV_DATA/Movies/m1.json"
	assert_output '["Twelve Monkeys","assets/images/m1-card-w92.jpg","basic"]'
	profiles_valid
	# Below basic, the poster goes with the profile's basic members.
	run -0 mvdowngrade --level minimal
	[ -z "$(ls -A "$MV_DATA/assets/images")" ]
	[ "$(jq -c '[.level, has("cardPoster")]' "$MV_DATA/Movies/m1.json")" = '["minimal",false]' ]
}

@test "mvenrich: the card poster is English in English, poster_path where TMDB has none in the language" {
	mkvideo "$IN/Twelve Monkeys (1995).mkv"
	mkvideo "$IN/Heat (1995).mkv"
	EVENTS=$BATS_TEST_TMPDIR/ev
	ev_added "$IN/Twelve Monkeys (1995).mkv" >"$EVENTS"
	MV_LANGUAGE=en-US enrich
	assert_success
	cmp "$MV_DATA/assets/images/m1-card-w92.jpg" "$MV_TOP/data/sample/tmdb/images/original/gt3iyguaCIw8DpQZI1LIN5TohM2.jpg"
	# German: the sample has no German and no language-neutral poster.
	ev_added "$IN/Heat (1995).mkv" >"$EVENTS"
	MV_LANGUAGE=de-DE enrich
	assert_success
	cmp "$MV_DATA/assets/images/m2-card-w92.jpg" "$MV_TOP/data/sample/tmdb/images/original$(jq -r .poster_path "$MV_TOP/data/sample/tmdb/movie/949.json")"
}

@test "mvenrich: an id in the name wins over any search" {
	drop_videos "Some Other Name (2001) [tmdbid-63].mkv" "fc.tt0137523.mkv"
	faketmdb_reset
	enrich
	assert_success
	run events_of mv.movie.matched "$OUT"
	# details (find first for m2) and the card's poster; m1 also reads
	# /configuration.
	assert_output '{"id":"m1","tmdb":63,"title":"Twelve Monkeys","year":1995,"tmdbRequests":3}
{"id":"m2","tmdb":550,"title":"Fight Club","year":1999,"tmdbRequests":3}'
	[ "$(faketmdb_count /3/search/movie)" -eq 0 ]
	[ "$(faketmdb_count /3/find/tt0137523)" -eq 1 ]
}

@test "mvenrich: an ambiguous name goes to quarantine with its candidates" {
	drop_video "The.Thing.mkv" 5000
	enrich
	assert_success
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.needs-review
	[ "$(sha "$MV_DATA/quarantine/The.Thing.mkv")" = "$sum" ]
	run jq -c '[.candidates[].tmdb] | sort' "$MV_DATA/quarantine/The.Thing.mkv.why.json"
	assert_output '[1091,10785,60935]'
	run jq -r .reason "$MV_DATA/quarantine/The.Thing.mkv.why.json"
	assert_output --partial "ambiguous"
	run jq -c '[.status, .level, .videos[0].path]' "$MV_DATA/Movies/m1.json"
	assert_output '["needs-review","minimal","quarantine/The.Thing.mkv"]'
	[ -z "$(ls -A "$MV_DATA/assets/videos")" ]
	[ -z "$(ls -A "$IN")" ]
	events_valid "$OUT"
	profiles_valid
}

@test "mvenrich: the same film dropped twice is filed once; the copy goes to review" {
	mkvideo "$IN/Heat (1995).mkv" 3000
	cp "$IN/Heat (1995).mkv" "$IN/Heat.1995.REPACK.mkv"
	sum=$(sha "$IN/Heat (1995).mkv")
	EVENTS=$BATS_TEST_TMPDIR/ev
	{ ev_added "$IN/Heat (1995).mkv"; ev_added "$IN/Heat.1995.REPACK.mkv"; } >"$EVENTS"
	enrich
	assert_success
	run events_of mv.movie.needs-review "$OUT"
	assert_output '{"id":"m2","path":"quarantine/Heat.1995.REPACK.mkv","reason":"duplicate of m1","candidates":[{"tmdb":949,"title":"Heat","year":1995}]}'
	[ "$(events_of mv.video.added "$OUT" | wc -l)" -eq 1 ]
	[ "$(copies_of "$sum")" -eq 2 ]
	[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv" ]
	[ "$(readlink "$MV_DATA/index/ext/m/tmdb:949")" = m1 ]
	[ "$(jq -c .externalIds "$MV_DATA/Movies/m2.json")" = '{}' ]
}

@test "mvenrich: TMDB down leaves the movie initial in incoming; a restart resumes it, a rescan reuses it" {
	drop_video "Heat (1995).mkv"
	faketmdb_faults 'error_rate=1&error_status=503' >/dev/null
	enrich
	assert_success
	[[ "$stderr" == *"m1 stays initial"* ]]
	assert_event_types "$OUT" mv.file.added mv.movie.created
	run jq -c '[.status, .level]' "$MV_DATA/Movies/m1.json"
	assert_output '["initial","minimal"]'
	[ -f "$IN/Heat (1995).mkv" ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]

	# Still down: --retry says "try later" (75) and changes nothing.
	run --separate-stderr mvenrich --retry
	[ "$status" -eq 75 ]
	[ -f "$IN/Heat (1995).mkv" ]

	# Back up: a restart resumes the same movie before it reads anything,
	# and the rescan of the same path that follows is the same movie, not
	# a new one: nothing is left to do for it.
	faketmdb_faults clear=1 >/dev/null
	enrich
	assert_success
	run jq -r '.type + " " + .subject' "$OUT"
	assert_output "mv.movie.matched m1
mv.movie.enriched m1
mv.video.added m1
mv.file.added $IN/Heat (1995).mkv"
	[ ! -e "$MV_DATA/Movies/m2.json" ]
	[ ! -e "$IN/Heat (1995).mkv" ]
}

@test "mvenrich: --retry files what waited for TMDB, then exits 0" {
	drop_video "Fight Club (1999).mkv"
	faketmdb_faults 'error_rate=1&error_status=500' >/dev/null
	enrich
	assert_success
	faketmdb_faults clear=1 >/dev/null
	run --separate-stderr mvenrich --retry
	assert_success
	run jq -r .type <<<"$output"
	assert_output "mv.movie.matched
mv.movie.enriched
mv.video.added"
	[ -f "$MV_DATA/assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550].mkv" ]
}

@test "mvenrich: a refused key (401) is fatal: exit 78, the file stays" {
	mkvideo "$IN/Heat (1995).mkv"
	EVENTS=$BATS_TEST_TMPDIR/ev
	{ ev_added "$IN/Heat (1995).mkv"; ev_requested m9; } >"$EVENTS"
	TMDB_API_KEY=wrong enrich
	[ "$status" -eq 78 ]
	[ -f "$IN/Heat (1995).mkv" ]
	[ "$(jq -r .status "$MV_DATA/Movies/m1.json")" = initial ]
	# It stopped at the failure: the request after it was not read.
	[ "$(grep -c mv.movie.requested "$OUT")" -eq 0 ]
}

@test "mvenrich: filing across filesystems (EXDEV) copies, verifies, then removes" {
	[ -d /dev/shm ] || skip "no /dev/shm"
	shm=$(mktemp -d /dev/shm/mvenrich.XXXXXX)
	[ "$(stat -c %d "$shm")" != "$(stat -c %d "$MV_DATA")" ] || { rm -rf "$shm"; skip "/dev/shm on the data filesystem"; }
	rmdir "$IN"
	ln -s "$shm" "$IN"
	drop_video "Heat (1995).mkv" 3000000
	enrich
	status_was=$status
	filed="$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
	left=$(ls -A "$shm")
	rm -rf "$shm"
	[ "$status_was" -eq 0 ]
	[ "$(sha "$filed")" = "$sum" ]
	[ -z "$left" ]
	[ "$(ls -A "$MV_DATA/assets/videos" | wc -l)" -eq 1 ]
}

@test "mvenrich: a taken name gets (2); nothing is overwritten" {
	mkdir -p "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]"
	echo "someone else's" >"$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
	drop_video "Heat (1995).mkv"
	enrich
	assert_success
	[ "$(cat "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv")" = "someone else's" ]
	[ "$(sha "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949] (2).mkv")" = "$sum" ]
	run events_of mv.video.added "$OUT"
	assert_output --partial '"path":"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949] (2).mkv"'
}

@test "mvenrich: titles become safe file names" {
	drop_video "2001.A.Space.Odyssey.1968.mkv"
	enrich
	assert_success
	[ -f "$MV_DATA/assets/videos/2001 A Space Odyssey (1968) [tmdbid-62]/2001 A Space Odyssey (1968) [tmdbid-62].mkv" ]
	[ "$(jq -r .title "$MV_DATA/Movies/m1.json")" = "2001: A Space Odyssey" ]
}

@test "mvenrich: a subtitle, a sample or an extra is refused, never filed as a movie" {
	mkvideo "$IN/Heat.1995.srt" 100
	mkvideo "$IN/Heat.1995/Sample/heat-sample.mkv"
	mkvideo "$IN/Heat.1995/Featurettes/Making of Heat.mkv"
	mkvideo "$BATS_TEST_TMPDIR/Trailers/Heat.mkv"
	EVENTS=$BATS_TEST_TMPDIR/ev
	{
		ev_added "$IN/Heat.1995.srt"
		ev_added "$IN/Heat.1995/Sample/heat-sample.mkv"
		ev_added "$IN/Heat.1995/Featurettes/Making of Heat.mkv"
		# Outside incoming/ (mvctl add): the folders around do not count.
		ev_added "$BATS_TEST_TMPDIR/Trailers/Heat.mkv"
	} >"$EVENTS"
	local before
	before=$(tree_digest "$IN")
	enrich
	assert_success
	assert_equal "$(head -n 3 <<<"$stderr")" "mvenrich: unable to file incoming/Heat.1995.srt: not a video (subtitle); it stays where it is
mvenrich: unable to file incoming/Heat.1995/Sample/heat-sample.mkv: not a video (sample); it stays where it is
mvenrich: unable to file incoming/Heat.1995/Featurettes/Making of Heat.mkv: not a video (extra); it stays where it is"
	# The events pass on; only the video outside incoming/ became a movie.
	assert_equal "$(jq -r .type "$OUT" | head -n 4 | sort -u)" mv.file.added
	assert_equal "$(jq -r 'select(.type == "mv.movie.created") | .data.path' "$OUT")" \
		../Trailers/Heat.mkv
	assert_equal "$(tree_digest "$IN")" "$before"
}

@test "mvenrich: bad lines are reported and skipped; other events pass unchanged" {
	mkvideo "$IN/notes.txt"
	EVENTS=$BATS_TEST_TMPDIR/ev
	{
		echo '{"specversion":"1.0","id":"x1","source":"t","type":"mv.index.updated","time":"2026-11-26T10:00:00Z","data":{"movies":1,"people":0}}'
		echo 'not json'
		echo '{"specversion":"1.0","id":"x2","source":"t","type":"mv.file.added","time":"2026-11-26T10:00:00Z","data":{}}'
		jq -nc --arg p "$IN/gone.mkv" '{specversion:"1.0",id:"x3",source:"t",type:"mv.file.added",time:"2026-11-26T10:00:00Z",data:{path:$p}}'
	} >"$EVENTS"
	enrich
	assert_success
	[ "$stderr" = "mvenrich: stdin:2: invalid JSON
mvenrich: stdin:3: mv.file.added without data.path" ]
	[ "$(wc -l <"$OUT")" -eq 3 ]
	[ "$(sed -n 1p "$OUT")" = "$(sed -n 1p "$EVENTS")" ]
	[ -z "$(ls -A "$MV_DATA/Movies")" ]
}

@test "mvenrich: a request deepens one level at a time, then to an asked level" {
	drop_video "Twelve Monkeys (1995).mkv"
	enrich
	assert_success
	ev_requested m1 >"$EVENTS"
	enrich
	assert_success
	run -0 enriched_of "$OUT"
	assert_output '{"id":"m1","level":"medium","from":"basic","tmdbRequests":1}'
	[ "$(events_of mv.person.created "$OUT" | wc -l)" -eq 8 ]
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = medium ]
	[ "$(jq -r '.credits.crew[] | select(.job == "Director") | .name' "$MV_DATA/Movies/m1.json")" = "Terry Gilliam" ]
	[ "$(jq -c .productionCountries "$MV_DATA/Movies/m1.json")" = '["US"]' ]

	MV_DEEP_PEOPLE=3 enrich
	assert_success
	run -0 enriched_of "$OUT"
	# /configuration was read (and cached) by basic's card poster.
	assert_output '{"id":"m1","level":"deep","from":"medium","tmdbRequests":9}'
	[ "$(events_of mv.person.enriched "$OUT" | wc -l)" -eq 3 ]
	[ -s "$MV_DATA/assets/images/m1-poster-w342.jpg" ]
	run jq -c '[.images.poster, .watchProviders.region, (.watchProviders.free | map(.name)), .certification, .externalIds.wikidata]' "$MV_DATA/Movies/m1.json"
	assert_output '["assets/images/m1-poster-w342.jpg","FR",["Arte"],"12","Q208108"]'
	profiles_valid
	events_valid "$OUT"

	# At deep, a plain request has nothing left to do.
	faketmdb_reset
	enrich
	assert_success
	[ "$(wc -l <"$OUT")" -eq 1 ]
	[ "$(faketmdb_stats | jq .total)" -eq 0 ]
}

@test "mvenrich: a request for a level raises straight to it in one movie request" {
	drop_video "Heat (1995).mkv"
	enrich
	faketmdb_reset
	ev_requested m1 deep >"$EVENTS"
	MV_DEEP_PEOPLE=0 enrich
	assert_success
	run -0 enriched_of "$OUT"
	# details, poster and backdrop: basic's card poster cached /configuration.
	assert_output '{"id":"m1","level":"deep","from":"basic","tmdbRequests":3}'
	[ "$(faketmdb_count /3/movie/949)" -eq 1 ]
	profiles_valid
}

@test "mvenrich: a profile changes only under the library lock (mvdowngrade's too)" {
	drop_video "Heat (1995).mkv"
	enrich
	assert_success
	ev_requested m1 >"$EVENTS"
	# Hold the lock as a downgrade would, then let mvenrich try.
	exec {fd}>>"$MV_DATA/run/library.lock"
	flock "$fd"
	mvenrich <"$EVENTS" >"$BATS_TEST_TMPDIR/out" 2>/dev/null {fd}>&- &
	pid=$!
	# It read the request and now waits on the lock (the kernel lists a
	# blocked flock as "->" in /proc/locks): the profile stays at basic.
	wait_until 10 grep -Eq -- "-> FLOCK +ADVISORY +WRITE +$pid " /proc/locks
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	kill -0 "$pid"
	# Released, it goes on and deepens the movie.
	exec {fd}>&-
	wait "$pid"
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = medium ]
}

@test "mvenrich: a request with a bad level or id is reported and skipped" {
	EVENTS=$BATS_TEST_TMPDIR/ev
	{ ev_requested m1 huge; ev_requested x; ev_requested m42; } >"$EVENTS"
	enrich
	assert_success
	[ "$(wc -l <"$OUT")" -eq 3 ]
	[ "$stderr" = "mvenrich: stdin:1: mv.movie.requested with an unknown level: huge
mvenrich: stdin:2: mv.movie.requested without a movie id
mvenrich: unable to read movie m42: No such file or directory" ]
}

# Crash at STEP while filing one video, then recover; the video must end
# up once, whole, and every document must parse.
crash_at() {
	local step=$1 name="Heat (1995).mkv" sum
	drop_video "$name" 200000
	MV_CRASH_AT=$step enrich
	[ "$status" -eq 137 ] || { echo "step $step: status $status"; return 1; }
	# Restart: recovery, then the rescan mvwatch would send.
	if [ -e "$IN/$name" ]; then ev_added "$IN/$name"; fi >"$EVENTS"
	enrich
	[ "$status" -eq 0 ] || { echo "step $step: rerun status $status: $stderr"; return 1; }
	[ -z "$stderr" ] || { echo "step $step: $stderr"; return 1; }
	[ "$(copies_of "$sum")" -eq 1 ] || { echo "step $step: $(copies_of "$sum") copies"; return 1; }
	# The restart announces the video once (the crashed run never did).
	[ "$(jq -r .type "$OUT" | grep -c '^mv.video.added$')" -eq 1 ] || { echo "step $step: $(cat "$OUT")"; return 1; }
	all_json_parse
	[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv" ] || { echo "step $step: not filed"; return 1; }
	[ "$(jq -r .status "$MV_DATA/Movies/m1.json")" = ready ] || { echo "step $step: $(jq -c . "$MV_DATA/Movies/m1.json")"; return 1; }
	[ ! -e "$MV_DATA/Movies/m2.json" ] || { echo "step $step: a second movie"; return 1; }
	[ -z "$(ls -A "$MV_DATA/run/filing")" ] || { echo "step $step: journal left"; return 1; }
	[ -z "$(find "$MV_DATA" -name '.mv-partial-*')" ]
}

@test "mvenrich: a kill -9 at any filing step loses nothing and duplicates nothing" {
	for step in created matched journal copy staged link unlink-partial fsync-dir \
		recheck unlink-source fsync-srcdir saved; do
		rm -rf "$MV_DATA"
		mkdir -p "$IN"
		crash_at "$step"
	done
}

# Crash at STEP while filing one video in import_mode MODE (copy,
# hardlink), then restart with the rescan mvwatch would send: the download
# must stay whole and untouched, the library hold the video once, and the
# rescan after that import nothing.
crash_keep() {
	local mode=$1 step=$2 name="Heat (1995).mkv" sum before
	mkvideo "$IN/$name" 200000
	sum=$(sha "$IN/$name")
	before=$(stat -c '%i %s %y' "$IN/$name")
	EVENTS=$BATS_TEST_TMPDIR/ev
	ev_added "$IN/$name" >"$EVENTS"
	MV_IMPORT_MODE=$mode MV_CRASH_AT=$step enrich
	[ "$status" -eq 137 ] || { echo "$mode $step: status $status"; return 1; }
	MV_IMPORT_MODE=$mode enrich
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || { echo "$mode $step: rerun $status: $stderr"; return 1; }
	[ "$(stat -c '%i %s %y' "$IN/$name")" = "$before" ] && [ "$(sha "$IN/$name")" = "$sum" ] ||
		{ echo "$mode $step: the download changed"; return 1; }
	[ "$(copies_of "$sum")" -eq 2 ] || { echo "$mode $step: $(copies_of "$sum") copies"; return 1; }
	[ "$(jq -r .type "$OUT" | grep -c '^mv.video.added$')" -eq 1 ] || { echo "$mode $step: $(cat "$OUT")"; return 1; }
	[ "$(jq -r '[.status, .videos[0].keptFrom] | @tsv' "$MV_DATA/Movies/m1.json")" = "ready	$IN/$name" ] ||
		{ echo "$mode $step: $(jq -c . "$MV_DATA/Movies/m1.json")"; return 1; }
	[ -z "$(ls -A "$MV_DATA/run/filing")" ] && [ -z "$(find "$MV_DATA" -name '.mv-partial-*')" ] ||
		{ echo "$mode $step: a journal or a partial left"; return 1; }
	# Once more: the rescan of a filed download passes through.
	MV_IMPORT_MODE=$mode enrich
	[ "$status" -eq 0 ] && [ -z "$stderr" ] && [ "$(jq -r .type "$OUT")" = mv.file.added ] ||
		{ echo "$mode $step: rescan $status $stderr $(cat "$OUT")"; return 1; }
	[ ! -e "$MV_DATA/Movies/m2.json" ] || { echo "$mode $step: a second movie"; return 1; }
	profiles_valid >/dev/null
}

@test "mvenrich: copy and hardlink: a kill -9 at any filing step keeps the download and files one copy" {
	for mode in copy hardlink; do
		for step in created matched journal copy staged link unlink-partial fsync-dir \
			recheck saved; do
			rm -rf "$MV_DATA"
			mkdir -p "$IN"
			crash_keep "$mode" "$step"
		done
	done
}

@test "mvenrich: killed between its claim and its match, restarted alone, it finishes the movie" {
	local name="Heat (1995).mkv" sum
	drop_video "$name" 200000
	MV_CRASH_AT=claimed enrich
	assert_equal "$status" 137
	# The claim is made, the profile does not record it yet.
	assert_equal "$(readlink "$MV_DATA/index/ext/m/tmdb:949")" m1
	assert_equal "$(jq -r .status "$MV_DATA/Movies/m1.json")" initial
	# A stage restarted alone: no rescan, no request, only its start.
	: >"$EVENTS"
	enrich
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_equal "$(jq -r .type "$OUT" | tr '\n' ' ')" \
		"mv.movie.matched mv.movie.enriched mv.video.added "
	assert_equal "$(jq -r .status "$MV_DATA/Movies/m1.json")" ready
	assert_equal "$(copies_of "$sum")" 1
	[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv" ]
	run -0 mvindex --rebuild
	run -0 mvctl check
}

@test "mvenrich: a kill -9 while quarantining loses nothing" {
	for step in journal copy link unlink-source saved; do
		rm -rf "$MV_DATA"
		mkdir -p "$IN"
		drop_video "The.Thing.mkv" 100000
		MV_CRASH_AT=$step enrich
		[ "$status" -eq 137 ]
		if [ -e "$IN/The.Thing.mkv" ]; then ev_added "$IN/The.Thing.mkv"; fi >"$EVENTS"
		enrich
		assert_success
		[ "$(copies_of "$sum")" -eq 1 ]
		[ -f "$MV_DATA/quarantine/The.Thing.mkv" ]
		[ -f "$MV_DATA/quarantine/The.Thing.mkv.why.json" ]
		[ "$(jq -r .status "$MV_DATA/Movies/m1.json")" = needs-review ]
		all_json_parse
	done
}

# MV_CRASH_FILES=200 (make crash) runs the long version.
@test "mvenrich: random kills during an import of many files, then every video is there once" {
	local titles=("Heat (1995)" "The Thing (1982)" "Fight Club (1999)" "The Matrix (1999)"
		"La Haine (1995)" "1917 (2019)" "The.Thing" "Amelie (2001)" "Blade Runner 2049 (2017)")
	local i n sums=() rounds=0 pid
	for i in $(seq 1 "${MV_CRASH_FILES:-50}"); do
		n="${titles[$((i % ${#titles[@]}))]} part$i.mkv"
		mkvideo "$IN/$n" $((20000 + i * 997))
		sums+=("$(sha "$IN/$n")")
	done
	EVENTS=$BATS_TEST_TMPDIR/ev
	# Kill at a random moment, restart with a rescan, until a run ends.
	while :; do
		rounds=$((rounds + 1))
		[ $rounds -le 200 ] || { echo "no clean run in 200 rounds"; return 1; }
		ev_added_all "$IN" >"$EVENTS"
		mvenrich <"$EVENTS" >/dev/null 2>&1 &
		pid=$!
		# A growing bound, so that a run finally gets through.
		sleep "$(awk -v r=$RANDOM -v n=$rounds 'BEGIN { printf "%.3f", r / 32768 * 0.05 * n }')"
		kill -KILL "$pid" 2>/dev/null || true
		# 0: it read all its input and finished before the kill.
		if wait "$pid"; then break; fi
	done
	# One last recovery pass, as a restart would do.
	mvenrich </dev/null >/dev/null
	all_copies >"$BATS_TEST_TMPDIR/copies"
	for i in "${!sums[@]}"; do
		grep -qx "1 ${sums[$i]}" "$BATS_TEST_TMPDIR/copies" || { echo "file $i: not there exactly once"; return 1; }
	done
	# Nothing else either: no stray partial or doubled copy.
	[ "$(wc -l <"$BATS_TEST_TMPDIR/copies")" -eq "${#sums[@]}" ]
	all_json_parse
	[ -z "$(ls -A "$IN")" ]
	[ -z "$(find "$MV_DATA" -name '.mv-partial-*')" ]
	echo "# $rounds rounds" >&3
}

@test "mvenrich: a name that says little is read from its folder" {
	drop_video "Heat (1995)/movie.mkv"
	enrich
	assert_success
	[ -f "$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv" ]
	[ "$(jq -r .videos[0].source "$MV_DATA/Movies/m1.json")" = "incoming/Heat (1995)/movie.mkv" ]
}

@test "mvenrich: every option and crash step is in the man page, and the page lints" {
	local opt step
	sed 's/\\-/-/g' "$MV_TOP/man/mvenrich.1" >"$BATS_TEST_TMPDIR/man"
	for opt in $(mvenrich --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -q -- "Fl ${opt#-}" "$BATS_TEST_TMPDIR/man" || { echo "missing $opt"; false; }
	done
	for step in $(grep -oh 'mv_crash_point("[a-z-]*")' "$MV_TOP"/lib/file.c "$MV_TOP"/tools/mvenrich.c |
		sed 's/.*("\(.*\)")/\1/' | sort -u); do
		grep -q "^\.Li $step" "$BATS_TEST_TMPDIR/man" || { echo "missing step $step"; false; }
	done
	if command -v mandoc >/dev/null; then
		run mandoc -Tlint -W warning "$MV_TOP/man/mvenrich.1"
		assert_success
		assert_output ""
	fi
}

@test "mvenrich: a full disk on standard output is 74" {
	EVENTS=$BATS_TEST_TMPDIR/ev
	echo '{"specversion":"1.0","id":"x1","source":"t","type":"mv.index.updated","time":"2026-11-26T10:00:00Z","data":{"movies":1,"people":0}}' >"$EVENTS"
	run --separate-stderr bash -c 'mvenrich <"$1" >/dev/full' _ "$EVENTS"
	[ "$status" -eq 74 ]
	[ "$stderr" = "mvenrich: unable to write standard output: No space left on device" ]
}

# mv.file.added for PATH with a user's choice of TMDB id.
ev_chosen() {
	ev_added "$1" | jq -c --argjson t "$2" '.data.tmdb = $t'
}

@test "mvenrich: data.tmdb wins over the id in the name and over the search" {
	mkvideo "$IN/Heat (1995) [tmdbid-949].mkv"
	EVENTS=$BATS_TEST_TMPDIR/ev
	ev_chosen "$IN/Heat (1995) [tmdbid-949].mkv" 63 >"$EVENTS"
	enrich
	assert_success
	[ -f "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv" ]
	run jq -c '[.status, .externalIds.tmdb, .choice]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",63,{"tmdb":63}]'
	profiles_valid
	events_valid "$OUT"
}

@test "mvenrich: a quarantined video comes back only with a choice, which files it" {
	drop_video "The.Thing.mkv"
	enrich
	Q=$MV_DATA/quarantine/The.Thing.mkv
	# Without a choice: dropped, as mvwatch's events of our own places are.
	ev_added "$Q" >"$EVENTS"
	enrich
	assert_success
	[ "$(jq -r .type "$OUT")" = mv.file.added ]
	ev_chosen "$Q" 1091 >"$EVENTS"
	enrich
	assert_success
	assert_event_types "$OUT" mv.file.added mv.movie.matched mv.movie.enriched mv.video.added
	[ "$(sha "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv")" = "$sum" ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]
	[ "$(jq -r .status "$MV_DATA/Movies/m1.json")" = ready ]
	events_valid "$OUT"
}

@test "mvenrich: a choice that is a duplicate leaves the video in review, candidates kept" {
	drop_videos "The Thing (1982).mkv" "The.Thing.mkv"
	enrich
	Q=$MV_DATA/quarantine/The.Thing.mkv
	sum=$(sha "$Q")
	ev_chosen "$Q" 1091 >"$EVENTS"
	enrich
	assert_success
	run events_of mv.movie.needs-review "$OUT"
	assert_output '{"id":"m2","path":"quarantine/The.Thing.mkv","reason":"duplicate of m1","candidates":[{"tmdb":1091,"title":"The Thing","year":1982},{"tmdb":60935,"title":"The Thing","year":2011,"score":60,"matchedTitle":"The Thing","matchedBy":"title","yearAgreement":"none"},{"tmdb":10785,"title":"The Thing from Another World","year":1951,"score":0,"yearAgreement":"none"}]}'
	[ "$(sha "$Q")" = "$sum" ]
	[ "$(ls "$MV_DATA/quarantine")" = "The.Thing.mkv
The.Thing.mkv.why.json" ]
	[ "$(jq -r .reason "$Q.why.json")" = "duplicate of m1" ]
	[ "$(jq -r .status "$MV_DATA/Movies/m2.json")" = needs-review ]
}

@test "mvenrich: a kill -9 while filing a choice leaves the queue entry or the filed video" {
	for step in matched journal link unlink-source saved; do
		rm -rf "$MV_DATA"
		mkdir -p "$IN"
		drop_video "The.Thing.mkv" 100000
		enrich
		Q=$MV_DATA/quarantine/The.Thing.mkv
		ev_chosen "$Q" 1091 >"$EVENTS"
		MV_CRASH_AT=$step enrich
		[ "$status" -eq 137 ] || { echo "step $step: status $status"; return 1; }
		# Never neither: the entry with its video, or the video filed.
		[ -f "$Q.why.json" ] || [ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ]
		# The restart (recovery, then --retry) finishes the filing.
		EVENTS=/dev/null
		enrich --retry
		[ "$status" -eq 0 ] || { echo "step $step: retry $status: $stderr"; return 1; }
		[ "$(copies_of "$sum")" -eq 1 ] || { echo "step $step: copies"; return 1; }
		[ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ] || { echo "step $step: not filed"; return 1; }
		[ -z "$(ls -A "$MV_DATA/quarantine")" ] || { echo "step $step: $(ls "$MV_DATA/quarantine")"; return 1; }
		[ "$(jq -r .status "$MV_DATA/Movies/m1.json")" = ready ]
		all_json_parse
	done
}

@test "mvenrich: a film's parts (data.parts) are filed as its parts, never as the whole film" {
	mkvideo "$IN/Heat.1995.cd1.avi"
	mkvideo "$IN/Heat.1995.cd2.avi"
	mvwatch --once --settle 0 >"$BATS_TEST_TMPDIR/ev"
	EVENTS=$BATS_TEST_TMPDIR/ev
	enrich
	[ "$status" -eq 0 ]
	F="Heat (1995) [tmdbid-949]"
	[ -f "$MV_DATA/assets/videos/$F/$F - part1.avi" ]
	[ -f "$MV_DATA/assets/videos/$F/$F - part2.avi" ]
	# Both parts are one movie's videos, in order (versions' parts_of).
	assert_equal "$(jq -c '[.videos[] | [.part, .path]]' "$MV_DATA/Movies/m1.json")" \
		"[[1,\"assets/videos/$F/$F - part1.avi\"],[2,\"assets/videos/$F/$F - part2.avi\"]]"
	[ ! -e "$IN/Heat.1995.cd1.avi" ]
	[ ! -e "$IN/Heat.1995.cd2.avi" ]
	[ "$(jq -r .type "$OUT" | grep -c mv.movie.created)" -eq 1 ]
	[ ! -e "$MV_DATA/Movies/m2.json" ]
}
