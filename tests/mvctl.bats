#!/usr/bin/env bats
# mvctl: the admin console. Verbs that read the library, the help and the
# man page. Maintenance verbs are in mvctl-maint.bats.

load test_helper

setup() {
	mv_test_env
	cp -r "$(fixture mvctl lib)" "$MV_DATA"
}

# The verbs mvctl help lists (hidden ones excluded).
listed_verbs() {
	mvctl help | awk '/^verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'
}

# Start a fake supervisor: hold run/pipeline.lock like mvpipeline does and
# write its status file. Sets FAKE_PID (a process group to stop).
fake_pipeline() {
	local ready=$BATS_TEST_TMPDIR/locked
	setsid flock "$MV_DATA/run/pipeline.lock" sh -c "touch '$ready'; exec sleep 300" &
	FAKE_PID=$!
	wait_for_file "$ready"
	cat >"$MV_DATA/run/pipeline.status" <<-EOF
	{"pid":$FAKE_PID,"started":"2026-01-20T10:00:00Z","state":"running",
	 "stages":[{"name":"mvwatch","pid":$FAKE_PID,"started":"2026-01-20T10:00:00Z","restarts":0,"lastExit":null},
	  {"name":"mvenrich","pid":999999999,"started":"2026-01-20T11:00:00Z","restarts":2,"lastExit":75}],
	 "lastError":"mvenrich: unable to fetch /movie/63: timed out"}
	EOF
}

teardown() {
	[ -z "${FAKE_PID:-}" ] || stop_group "$FAKE_PID"
}

@test "help lists every verb, and help VERB shows its usage" {
	run -0 mvctl help
	assert_line --partial "usage: mvctl"
	for v in check migrate repair gc add status ls show people request open enrich \
		downgrade reindex stats events review parse version help; do
		assert_line --regexp "^  $v +"
	done
	run -0 mvctl help ls
	assert_line --index 0 "usage: mvctl ls [--page N] [--per-page M] [--sort [-]title|year|added|lastRead|id] [--query TEXT] [--json]"
	run -64 --separate-stderr mvctl help nosuchverb
	assert_equal "${lines[*]}" ""
	assert_equal "${stderr_lines[0]}" 'mvctl: no verb "nosuchverb"; try mvctl help'
}

@test "every verb and every option is in man/mvctl.1, and the man page is lint-clean" {
	local man=$MV_TOP/man/mvctl.1 v o
	[ -f "$man" ]
	for v in $(listed_verbs); do
		grep -q "^\.It Cm $v\b" "$man" || { echo "verb $v missing from mvctl.1"; return 1; }
	done
	# Every long option a verb's usage names is documented.
	for v in $(listed_verbs); do
		for o in $(mvctl help "$v" | sed -n 1p | grep -o -- '--[a-z-]*' | sort -u); do
			grep -qF -- "Fl \\-${o#--}" "$man" || { echo "option $o of $v missing from mvctl.1"; return 1; }
		done
	done
	if command -v mandoc >/dev/null; then
		run -0 mandoc -Tlint -W warning "$man"
		assert_output ""
	fi
}

@test "no verb, an unknown verb, an unknown option: usage, exit 64" {
	run -64 --separate-stderr mvctl
	assert_equal "${stderr_lines[0]}" "usage: mvctl [-d|--data DIR] [--config FILE] [--json | --text] VERB [ARGS]"
	run -64 --separate-stderr mvctl frobnicate
	assert_equal "$stderr" 'mvctl: no verb "frobnicate"; try mvctl help'
	run -64 --separate-stderr mvctl --bogus ls
	run -64 --separate-stderr mvctl ls --bogus
	assert_equal "$output" ""
	assert_equal "${stderr_lines[-1]}" "usage: mvctl ls [--page N] [--per-page M] [--sort [-]title|year|added|lastRead|id] [--query TEXT] [--json]"
	run -0 mvctl ls --help
	assert_output --partial "usage: mvctl ls"
}

@test "every verb that reads the library exits 66 when there is none" {
	local v
	for v in "check" "migrate" "status" "ls" "show m1" "people p1" "request m1" "open m1" \
		"enrich m1 --level deep" "events" "review" "reindex" "stats" "gc" \
		"repair" "add 603" "downgrade --level minimal"; do
		# shellcheck disable=SC2086
		run -66 --separate-stderr mvctl --data "$BATS_TEST_TMPDIR/nolib" $v
		assert_equal "$output" ""
		[[ $stderr == *"unable to open data directory $BATS_TEST_TMPDIR/nolib"* ]] ||
			{ echo "$v: $stderr"; return 1; }
	done
	# A directory without Movies/ is not a library either.
	mkdir "$BATS_TEST_TMPDIR/empty"
	run -66 --separate-stderr mvctl --data "$BATS_TEST_TMPDIR/empty" ls
	assert_equal "$stderr" "mvctl: unable to open library $BATS_TEST_TMPDIR/empty: no Movies/ folder"
}

@test "version: text and JSON" {
	run -0 mvctl --text version
	assert_output "mvctl 0.1.0 (schemaVersion 1)"
	run -0 mvctl version
	assert_output '{"version":"0.1.0","schemaVersion":1}'
	run -64 mvctl version extra
}

@test "ls: one page of text, sorted by title" {
	run -0 --separate-stderr mvctl ls --text
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "m2      1979  minimal initial      Alien"
	assert_line --index 1 "m3      1999  medium  ready        The Matrix"
	assert_line --index 2 "m1      1995  basic   ready        Twelve Monkeys"
	assert_line --index 3 "page 1 of 1, 3 movies"
	assert_equal "$stderr" ""
}

@test "ls --json is a valid PaginatedResponse with next and prev" {
	run -0 mvctl ls --json --sort year --per-page 2
	echo "$output" | mvctl validate PaginatedResponse.json -
	assert_equal "$(jq -r '[.items[].id] | join(" ")' <<<"$output")" "m2 m1"
	assert_equal "$(jq -r '.totalItems, .totalPages, .page, .perPage' <<<"$output" | tr '\n' ' ')" "3 2 1 2 "
	assert_equal "$(jq -r .prev <<<"$output")" "null"
	run -0 mvctl ls --json --sort year --per-page 2 --page 2
	assert_equal "$(jq -r '[.items[].id] | join(" ")' <<<"$output")" "m3"
	assert_equal "$(jq -r .next <<<"$output")" "null"
	[[ $(jq -r .prev <<<"$output") == *page=1* ]]
	# stdout is not a terminal here: JSON is the default.
	run -0 mvctl ls --sort lastRead
	assert_equal "$(jq -r '[.items[].id] | join(" ")' <<<"$output")" "m1 m3 m2"
	# Past the last page: no items, prev leads back.
	run -0 mvctl ls --page 9
	assert_equal "$(jq -c '.items' <<<"$output")" "[]"
}

@test "ls: bad --sort, --page, --per-page are usage errors" {
	run -64 --separate-stderr mvctl ls --sort rating
	assert_equal "${stderr_lines[0]}" 'mvctl: bad sort key "rating": title, year, added, lastRead or id, optionally with a leading -'
	run -64 mvctl ls --page 0
	run -64 mvctl ls --per-page x
	run -64 mvctl ls extra
}

@test "ls: a library without an index lists nothing and says why" {
	rm "$MV_DATA/index/movies.json"
	run -0 --separate-stderr mvctl ls
	assert_equal "$(jq -r .totalItems <<<"$output")" 0
	assert_equal "$stderr" "mvctl: no index/movies.json yet: run mvctl reindex"
}

@test "ls, people, status, enrich --all: an index that is there but broken is 65, never an empty list" {
	# A script reading `mvctl ls --json` must not take a broken index for
	# an empty library.
	cp "$MV_DATA/index/people.json" "$BATS_TEST_TMPDIR/people.json"
	echo '{' >"$MV_DATA/index/movies.json"
	for cmd in "ls --json" "ls" "status --json" "people --movies p2 --json" "enrich --all --level deep"; do
		# shellcheck disable=SC2086
		run --separate-stderr mvctl $cmd
		[ "$status" -eq 65 ] || { echo "mvctl $cmd exited $status"; false; }
		assert_output ''
		assert_equal "$stderr" "mvctl: unable to read index/movies.json: invalid JSON"
	done
	mvindex --rebuild
	echo '[' >"$MV_DATA/index/people.json"
	run -65 --separate-stderr mvctl people --movies p2 --json
	assert_equal "$stderr" "mvctl: unable to read index/people.json: invalid JSON"
	# What the message points at mends it.
	run -0 mvctl reindex
	run -0 mvctl ls --json
	assert_equal "$(jq -r .totalItems <<<"$output")" 3
}

@test "ls, status, people --movies: the movie index in shards reads as the document of before them" {
	# The fixture's index is one document of schemaVersion 1, read as it is.
	before=$(mvctl ls --json --sort title | jq -c '[.items[] | [.id, .level, .title, .video]]')
	status=$(mvctl status --json | jq -c .library)
	credits=$(mvctl people --movies p2 --json | jq -c '[.items[] | [.movie, .title, .role]]')
	assert_equal "$(jq -r .schemaVersion "$MV_DATA/index/movies.json")" 1
	# Rebuilt: a list of shards; every reader puts the shards together.
	mvindex --rebuild
	assert_equal "$(jq -c '[.schemaVersion, .shards]' "$MV_DATA/index/movies.json")" \
		'[2,[{"file":"movies/00000.json","count":3}]]'
	assert_equal "$(mvctl ls --json --sort title | jq -c '[.items[] | [.id, .level, .title, .video]]')" "$before"
	assert_equal "$(jq length <<<"$before")" 3
	assert_equal "$(mvctl status --json | jq -c .library)" "$status"
	assert_equal "$(mvctl people --movies p2 --json | jq -c '[.items[] | [.movie, .title, .role]]')" "$credits"
	assert_equal "$(jq length <<<"$credits")" 1
}

@test "show: by id, TMDB id, tmdb: and IMDb id; JSON is a valid MovieProfile" {
	run -0 mvctl show m1
	echo "$output" | mvctl validate MovieProfile.json -
	assert_equal "$(jq -r .title <<<"$output")" "Twelve Monkeys"
	run -0 mvctl show 603
	assert_equal "$(jq -r .id <<<"$output")" m3
	run -0 mvctl show tmdb:603
	assert_equal "$(jq -r .id <<<"$output")" m3
	run -0 mvctl show tt0114746
	assert_equal "$(jq -r .id <<<"$output")" m1
	run -0 mvctl show --text m3
	assert_line --index 0 "The Matrix (1999)  [m3]"
	assert_line "cast      Keanu Reeves (Neo)"
	assert_line "director  Lana Wachowski"
}

@test "show: every video entry, with its part, edition, quality and sidecars; a v1 movie reads as v2" {
	local d='assets/videos/The Matrix (1999) [tmdbid-603]'
	jq --arg d "$d" '.videos = [
		{path: "\($d)/The Matrix (1999) [tmdbid-603] - part1.mkv", size: 1, source: "incoming", addedAt: "2026-01-12T10:00:05Z", part: 1,
		 subtitles: [{path: "\($d)/a.fr.srt", lang: "fr", forced: false, sdh: false, source: "incoming/a.srt"},
			{path: "\($d)/a.en.srt", lang: "en", forced: false, sdh: false, source: "incoming/b.srt"}]},
		{path: "\($d)/The Matrix (1999) [tmdbid-603] - part2.mkv", size: 1, source: "incoming", addedAt: "2026-01-12T10:00:05Z", part: 2},
		{path: "\($d)/The Matrix (1999) [tmdbid-603] - Director'"'"'s Cut - 2160p.mkv", size: 1, source: "incoming", addedAt: "2026-01-12T10:00:05Z",
		 edition: "Director'"'"'s Cut", quality: "2160p", extras: [{path: "\($d)/Featurettes/x.mkv", kind: "featurette", source: "incoming/x.mkv"}]}]' \
		"$MV_DATA/Movies/m3.json" >"$BATS_TEST_TMPDIR/m3"
	mv "$BATS_TEST_TMPDIR/m3" "$MV_DATA/Movies/m3.json"
	mvctl validate MovieProfile.json "$MV_DATA/Movies/m3.json"
	run -0 mvctl show --text m3
	assert_equal "$(grep -A1 '^video ' <<<"$output")" "video     $d/The Matrix (1999) [tmdbid-603] - part1.mkv
          part 1, 2 subtitles
video     $d/The Matrix (1999) [tmdbid-603] - part2.mkv
          part 2
video     $d/The Matrix (1999) [tmdbid-603] - Director's Cut - 2160p.mkv
          Director's Cut, 2160p, 1 extra"
	# No video at all.
	run -0 mvctl show --text m2
	assert_line "video     (none)"
	# A movie of version 1, not migrated yet: shown, and as JSON as v2.
	cp "$(fixture mvctl v1/m1.json)" "$MV_DATA/Movies/m1.json"
	run -0 mvctl show --text m1
	assert_line "video     assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"
	run -0 mvctl show --json m1
	echo "$output" | mvctl validate MovieProfile.json -
	assert_equal "$(jq -c '[.schemaVersion, (.videos | length), has("video")]' <<<"$output")" '[2,1,false]'
}

@test "show: an unknown id exits 1, a bad token 64" {
	run -1 --separate-stderr mvctl show m99
	assert_equal "$stderr" "mvctl: no movie m99 in the library"
	run -1 --separate-stderr mvctl show 999
	assert_equal "$stderr" "mvctl: no movie with tmdb:999 in the library"
	run -64 --separate-stderr mvctl show Matrix
	assert_equal "$stderr" 'mvctl: bad movie id "Matrix": expected m42, a TMDB id, tt1234567 or a video file'
	run -1 --separate-stderr mvctl show assets/videos/Nothing.mkv
	assert_equal "$stderr" "mvctl: no movie with the video assets/videos/Nothing.mkv in the library"
	run -1 --separate-stderr mvctl show /elsewhere/Nothing.mkv
	assert_equal "$stderr" "mvctl: no movie with the video /elsewhere/Nothing.mkv: it is not in the library"
	run -64 --separate-stderr mvctl people Keanu
	assert_equal "$stderr" 'mvctl: bad person id "Keanu": expected p42, a TMDB id or tt1234567'
	run -64 mvctl show
	run -64 mvctl show m1 m2
}

@test "show: tmdb:63, 63, tt0114746, imdb:tt…, m1 and the video's path all name m1" {
	video="assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"
	run -0 mvctl show m1 --json
	want=$output
	# Relative to the data dir, to the current directory, and absolute.
	for tok in tmdb:63 63 tt0114746 imdb:tt0114746 "$video" "$MV_DATA/$video"; do
		run -0 --separate-stderr mvctl show "$tok" --json
		assert_equal "$output" "$want"
	done
	cd "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]"
	run -0 mvctl show "./Twelve Monkeys (1995) [tmdbid-63].mkv" --json
	assert_equal "$output" "$want"
	run -0 mvctl show "Twelve Monkeys (1995) [tmdbid-63].mkv" --json
	assert_equal "$output" "$want"
	# Every verb that takes an ID reads it the same way (with no pipeline
	# they run mvenrich | mvstat | mvindex: the offline sample serves).
	export MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb
	run -0 mvctl request "$MV_DATA/$video"
	assert_equal "$(jq -r 'select(.type == "mv.movie.requested") | .data.id' <<<"$output")" m1
	run -0 mvctl enrich tt0114746 --level deep
	assert_equal "$(jq -r 'select(.type == "mv.movie.requested") | .data.id' <<<"$output")" m1
	# A claim whose profile is gone is no owner: the token names nothing.
	mkdir -p "$MV_DATA/index/ext/m"
	ln -s m9 "$MV_DATA/index/ext/m/tmdb:550"
	run -1 --separate-stderr mvctl show tmdb:550
	assert_equal "$stderr" "mvctl: no movie with tmdb:550 in the library"
}

@test "people: a person, by id or TMDB id; --movies is a PaginatedResponse" {
	run -0 mvctl people p2
	echo "$output" | mvctl validate PeopleProfile.json -
	assert_equal "$(jq -r .name <<<"$output")" "Keanu Reeves"
	run -0 mvctl people 6384 --movies
	echo "$output" | mvctl validate PaginatedResponse.json -
	assert_equal "$(jq -c '[.items[] | [.movie, .title, .character]]' <<<"$output")" '[["m3","The Matrix","Neo"]]'
	run -0 mvctl people --text p3
	assert_line --index 0 "Lana Wachowski  [p3]"
	assert_line "  m3      The Matrix (1999)  crew: Director"
	run -1 mvctl people p99
	run -64 mvctl people x1
	run -64 mvctl people p1 --page 0
}

@test "status: no pipeline" {
	run -0 mvctl status --json
	assert_equal "$(jq -c .pipeline <<<"$output")" '{"running":false,"state":"stopped","stages":[],"lastError":null}'
	assert_equal "$(jq -c .queue <<<"$output")" '{"incoming":0,"review":1}'
	assert_equal "$(jq -c .library <<<"$output")" \
		'{"movies":3,"levels":{"minimal":1,"basic":1,"medium":1,"deep":0},"statuses":{"ready":2,"initial":1},"people":3}'
	run -0 mvctl --text status
	assert_line --index 0 "pipeline  stopped"
	assert_line "library   3 movies, 3 people"
	run -64 mvctl status now
}

@test "status: a running pipeline, its stages, restarts and last error" {
	fake_pipeline
	MV_NOW=2026-01-20T12:00:00Z run -0 mvctl status --json
	assert_equal "$(jq -r '.pipeline | [.running, .state, .uptime] | join(" ")' <<<"$output")" "true running 7200"
	assert_equal "$(jq -c '[.pipeline.stages[] | [.name, .alive, .restarts, .lastExit, .uptime]]' <<<"$output")" \
		'[["mvwatch",true,0,null,7200],["mvenrich",false,2,75,3600]]'
	assert_equal "$(jq -r .pipeline.lastError <<<"$output")" "mvenrich: unable to fetch /movie/63: timed out"
	MV_NOW=2026-01-20T12:00:00Z run -0 mvctl --text status
	assert_line --index 0 "pipeline  running, pid $FAKE_PID, up 2h00m"
	assert_line --partial "mvenrich     pid 999999999 gone  up 1h00m   restarts 2, last exit 75 (tempfail)"
}

@test "status: a status file left by a dead supervisor says dead" {
	fake_pipeline
	stop_group "$FAKE_PID"
	FAKE_PID=
	run -0 mvctl status --json
	assert_equal "$(jq -r '.pipeline | [.running, .state] | join(" ")' <<<"$output")" "false dead"
	assert_equal "$(jq -r '[.pipeline.stages[].alive] | join(" ")' <<<"$output")" "false false"
}

# The events of the output but mvindex's mv.index.updated, whose number
# depends on whether the copied fixture's index looked stale.
but_index() {
	jq -c 'select(.type != "mv.index.updated") | [.type, .source, .subject, .data]' <<<"$output"
}

@test "request: no pipeline runs it through mvenrich | mvstat | mvindex, which count and index it" {
	run -0 --separate-stderr mvctl request 63 --level light
	jq -c 'select(.type == "mv.movie.requested")' <<<"$output" |
		mvctl validate events/mv.movie.requested.json -
	assert_equal "$(but_index)" \
'["mv.movie.requested","mvctl","m1",{"id":"m1","level":"basic","reason":"user"}]
["mv.stats.updated","mvstat",null,{"accesses":1}]'
	# mvindex said it updated the index, and the index has the read
	# (below). Where its mv.index.updated falls among the lines is a race:
	# if mvindex starts on a stale index it rebuilds first, possibly with
	# usage.json already written, and the request then changes nothing.
	jq -r .type <<<"$output" | grep -qx mv.index.updated
	assert_equal "$(jq -c '.movies.m1.count' "$MV_DATA/stats/usage.json")" 1
	assert_equal "$(jq -r '.items[] | select(.id == "m1") | .lastRead' "$(movies_index "$MV_DATA")")" \
		"$(jq -r .movies.m1.last "$MV_DATA/stats/usage.json")"
	run -0 mvctl open m2
	assert_equal "$(jq -c 'select(.type == "mv.movie.requested") | .data' <<<"$output")" '{"id":"m2","reason":"user"}'
	run -64 --separate-stderr mvctl open m2 --level deep
	run -64 --separate-stderr mvctl request m1 --level huge
	assert_equal "${stderr_lines[0]}" 'mvctl: bad level "huge": minimal, basic (light), medium or deep'
	run -1 mvctl request m42
	run -64 mvctl request
}

@test "request: a running pipeline gets the event through run/inject.fifo" {
	mkfifo "$MV_DATA/run/inject.fifo"
	# Our own read end keeps the FIFO open without racing a reader.
	exec 7<>"$MV_DATA/run/inject.fifo"
	run -0 --separate-stderr mvctl request m3
	assert_equal "$output" ""
	read -r -t 5 line <&7
	exec 7<&-
	assert_equal "$(jq -c '[.type, .data]' <<<"$line")" '["mv.movie.requested",{"id":"m3","reason":"user"}]'
}

@test "request: a FIFO without a reader falls back to running the stages" {
	mkfifo "$MV_DATA/run/inject.fifo"
	MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb run -0 timeout 20 mvctl open m1
	assert_equal "$(jq -r 'select(.type == "mv.movie.requested" or .type == "mv.movie.enriched") | .type' <<<"$output")" \
		$'mv.movie.requested\nmv.movie.enriched'
	assert_equal "$(jq -r .level "$MV_DATA/Movies/m1.json")" medium
}

@test "enrich: one movie, or --all below the level" {
	export MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb
	run -0 mvctl enrich m2 --level basic
	assert_equal "$(jq -c 'select(.type == "mv.movie.requested") | .data' <<<"$output")" \
		'{"id":"m2","level":"basic","reason":"maintenance"}'
	run -0 mvctl enrich --all --level medium
	assert_equal "$(jq -s -c '[.[] | select(.type == "mv.movie.requested") | .data.id]' <<<"$output")" \
		'["m1","m2"]'
	assert_equal "$(jq -s -c '[.[] | select(.type == "mv.movie.requested") | .data.reason] | unique' <<<"$output")" \
		'["maintenance"]'
	jq -c 'select(.type == "mv.movie.requested")' <<<"$output" |
		mvctl validate events/mv.movie.requested.json -
	assert_equal "$(jq -r .level "$MV_DATA/Movies/m1.json")" medium
	run -0 mvctl enrich --all --level minimal
	assert_output ""
	run -64 mvctl enrich m1
	run -64 mvctl enrich --all
	run -64 mvctl enrich m1 --all --level deep
	run -64 mvctl enrich --level deep
	run -1 mvctl enrich m77 --level deep
}

@test "events: the journal with its rotated files, filtered by type and age" {
	run -0 mvctl events
	assert_equal "${#lines[@]}" 6
	assert_equal "$(jq -r .id <<<"${lines[0]}")" fx-old
	echo "$output" | mvctl validate Event.json -
	run -0 mvctl events --type 'mv.movie.*'
	assert_equal "${#lines[@]}" 4
	run -0 mvctl events --type mv.movie.matched --type mv.index.updated
	assert_equal "$(jq -s -c '[.[].type]' <<<"$output")" '["mv.movie.matched","mv.index.updated"]'
	MV_NOW=2026-01-15T10:00:00Z run -0 mvctl events --since 2h
	assert_equal "$(jq -r .id <<<"$output")" fx-4
	run -0 mvctl events --text --type mv.movie.requested
	assert_output '2026-01-15T09:00:00Z  mv.movie.requested     m1       {"id":"m1"}'
	run -64 mvctl events --type movie
	run -64 mvctl events --since soon
}

@test "events --follow prints what is appended, then stops on TERM" {
	local out=$BATS_TEST_TMPDIR/follow
	setsid mvctl events --follow --type mv.stats.updated >"$out" 2>&1 &
	local pid=$!
	printf '%s\n' '{"specversion":"1.0","id":"new-1","source":"t","type":"mv.stats.updated","time":"2026-01-16T00:00:00Z","data":{"accesses":1}}' \
		>>"$MV_DATA/events/journal.ndjson"
	wait_until 10 grep -q new-1 "$out"
	stop_group "$pid"
	assert_equal "$(wc -l <"$out")" 1
}

@test "review: the quarantine queue with candidates" {
	run -0 mvctl review
	assert_equal "$(jq -r .file <<<"$output")" quarantine/Some.Film.2003.mkv
	assert_equal "$(jq -c '[.candidates[].tmdb]' <<<"$output")" "[1001,1002]"
	run -0 mvctl review --text
	assert_output "quarantine/Some.Film.2003.mkv: ambiguous: 2 candidates
  mvctl add 'quarantine/Some.Film.2003.mkv' --tmdb 1001     # Some Film (2003)
  mvctl add 'quarantine/Some.Film.2003.mkv' --tmdb 1002     # Some Film (2003)
  mvfetch search 'Some Film' # another film: its TMDB id goes after --tmdb
  mvctl review --reject 'quarantine/Some.Film.2003.mkv' # none of these: set it aside"
	# Found through --data, the commands name the library.
	run -0 mvctl --data "$MV_DATA" review --text
	assert_line --index 1 "  mvctl --data '$MV_DATA' add 'quarantine/Some.Film.2003.mkv' --tmdb 1001     # Some Film (2003)"
	assert_line --index 3 "  mvfetch --data '$MV_DATA' search 'Some Film' # another film: its TMDB id goes after --tmdb"
	run -64 mvctl review x
}

@test "validate (hidden): a valid and an invalid document" {
	run -0 mvctl validate MovieProfile.json "$MV_DATA/Movies/m1.json"
	jq '.year = "x"' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/bad.json"
	run -1 --separate-stderr mvctl validate MovieProfile.json "$BATS_TEST_TMPDIR/bad.json"
	[[ $stderr == *"/year: type:"* ]]
	run -64 mvctl validate MovieProfile.json
	run -64 mvctl validate NoSuch.json "$MV_DATA/Movies/m1.json"
}

@test "configuration: data from the file, the environment wins, bad files refused" {
	local lib=$MV_DATA
	unset MV_DATA
	mkdir -p "$HOME/.config/mv"
	printf '# mv\ndata = %s\n' "$lib" >"$HOME/.config/mv/config"
	run -0 mvctl ls
	assert_equal "$(jq -r .totalItems <<<"$output")" 3
	MV_DATA=$BATS_TEST_TMPDIR/nolib run -66 mvctl ls
	printf 'data %s\n' "$lib" >"$BATS_TEST_TMPDIR/bad.conf"
	run -78 --separate-stderr mvctl --config "$BATS_TEST_TMPDIR/bad.conf" ls
	assert_equal "$stderr" "mvctl: $BATS_TEST_TMPDIR/bad.conf:1: expected \"key = value\""
	run -66 mvctl --config "$BATS_TEST_TMPDIR/none.conf" ls
}

@test "output to a full disk fails with 74" {
	run -74 --separate-stderr sh -c 'mvctl ls >/dev/full'
	assert_equal "$stderr" "mvctl: unable to write standard output: No space left on device"
}
