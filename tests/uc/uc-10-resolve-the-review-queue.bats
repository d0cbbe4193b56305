#!/usr/bin/env bats
# UC-10  Resolve the review queue: file an item as the film chosen, or set it aside
# Actor:        a user (mvctl review, then a command it printed, from any directory)
# Trigger:      a video waits in quarantine/ with its .why.json (UC-02, UC-04)
# Preconditions: a library with an item in review, the fake TMDB running;
#               the pipeline running or not
# Main flow:    1. mvctl review lists the item, then one command a line that
#               resolves it, each runnable as printed 2. the user runs one:
#               mvctl add 'quarantine/NAME' --tmdb N 3. mvenrich matches the
#               movie as chosen and files the video into assets/videos/
#               through lib/file.c 4. the .why.json goes: the item leaves
#               the queue 5. mvctl says where the video went, exit 0
# Events:       mv.file.added{tmdb} → mv.movie.matched → mv.movie.enriched
#               → mv.video.added; reject: mv.movie.needs-review{path in rejected/}
# Postconditions: the video whole, once; mvctl check passes; the queue empty
# Failure flows: a film another movie has → "duplicate of mN: ...", exit 65,
#               the item as it was; TMDB has no such film → exit 1, the item as
#               it was; mvctl review --reject moves the video to
#               quarantine/rejected/ (never deleted), the movie stays
#               needs-review and can be filed later the same way

load helpers

setup() {
	setup_pipeline
	mvctl init >/dev/null
	ELSEWHERE=$BATS_TEST_TMPDIR/elsewhere
	mkdir -p "$ELSEWHERE"
}

teardown() {
	teardown_pipeline
}

# Drop FILE (a name in incoming/) and run the cron form of the pipeline.
drop() {
	mkvideo "$MV_DATA/incoming/$1" 20000
	mvwatch --once --settle 0 | mvenrich | mvindex >/dev/null
}

# The line of the review listing that contains TEXT, leading blanks cut.
printed() {
	mvctl review --text | grep -F -- "$1" | sed 's/^ *//'
}

# Run a printed line literally, by sh, from a directory that is not the
# library's.
run_printed() {
	local st=$1 line=$2
	run "-$st" --separate-stderr sh -c "cd '$ELSEWHERE' && $line"
}

# The path of the mv.video.added in the events of $output (stdout is no
# terminal, so mvctl prints the events the filing produced).
video_added() {
	jq -r 'select(.type == "mv.video.added") | .data.path' <<<"$output"
}

# mvctl check passes, and says so.
check_ok() {
	run -0 mvctl check
	assert_output --partial ": ok"
}

@test "UC-10: review prints, for an ambiguous name, commands that run as printed" {
	drop The.Thing.mkv
	run -0 mvctl review --text
	assert_output "quarantine/The.Thing.mkv: ambiguous: 2 candidates match \"The Thing\" and the name gives no year
  mvctl add 'quarantine/The.Thing.mkv' --tmdb 1091     # The Thing (1982); matched \"The Thing\" (title), year none, score 60
  mvctl add 'quarantine/The.Thing.mkv' --tmdb 60935    # The Thing (2011); matched \"The Thing\" (title), year none, score 60
  mvctl add 'quarantine/The.Thing.mkv' --tmdb 10785    # The Thing from Another World (1951); no title agrees, year none, score 0
  mvfetch search 'The Thing' # another film: its TMDB id goes after --tmdb
  mvctl review --reject 'quarantine/The.Thing.mkv' # none of these: set it aside"
	check_ok
	# The search line finds the candidates, and more.
	run_printed 0 "$(printed 'mvfetch search')"
	jq -e '[.results[].id] | index(1091)' <<<"$output"
}

@test "UC-10: a candidate's command, run from elsewhere, files the video and empties the queue" {
	drop The.Thing.mkv
	sum=$(sha "$MV_DATA/quarantine/The.Thing.mkv")
	run_printed 0 "$(printed '--tmdb 1091 ')"
	assert_equal "$(video_added)" "assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv"
	assert_equal "$stderr" ""
	[ "$(sha "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv")" = "$sum" ]
	[ "$(copies_of "$sum")" -eq 1 ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]
	run -0 mvctl review --text
	assert_output ""
	run jq -c '[.status, .level, .externalIds.tmdb, .choice]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready","basic",1091,{"tmdb":1091}]'
	run jq -r '.byExternal["tmdb:1091"]' "$(movies_index "$MV_DATA")"
	assert_output m1
	profiles_valid
	check_ok
}

@test "UC-10: any TMDB id resolves it, and an absolute path works too" {
	drop The.Thing.mkv
	run -0 --separate-stderr mvctl --text add "$MV_DATA/quarantine/The.Thing.mkv" --tmdb 63
	assert_output "filed m1: Twelve Monkeys (1995), tmdb:63, as assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv"
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]
	check_ok
}

@test "UC-10: a duplicate says so, and the item stays in the queue as it was" {
	drop "The Thing (1982).mkv"
	drop The.Thing.mkv
	before=$(tree_digest "$MV_DATA/quarantine")
	movie=$(cat "$MV_DATA/Movies/m2.json")
	# Review offers no command that would only be refused.
	run -0 mvctl review --text
	assert_line --index 1 "  # tmdb:1091 The Thing (1982) is m1 already"
	run_printed 65 "mvctl add 'quarantine/The.Thing.mkv' --tmdb 1091"
	assert_output ""
	assert_equal "$stderr" "mvctl: duplicate of m1: The Thing (1982), tmdb:1091, is already filed as assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv
mvctl: quarantine/The.Thing.mkv stays in review; to set it aside: mvctl review --reject 'quarantine/The.Thing.mkv'"
	[ "$(tree_digest "$MV_DATA/quarantine")" = "$before" ]
	[ "$(cat "$MV_DATA/Movies/m2.json")" = "$movie" ]
	check_ok
	# TMDB has no such film: exit 1, nothing changed either.
	run_printed 1 "mvctl add 'quarantine/The.Thing.mkv' --tmdb 99999999"
	assert_equal "${stderr_lines[1]}" "mvctl: TMDB has no movie 99999999"
	[ "$(tree_digest "$MV_DATA/quarantine")" = "$before" ]
	# Without --tmdb a queued video is refused: the queue needs a choice.
	run -64 --separate-stderr mvctl add quarantine/The.Thing.mkv
	assert_equal "${stderr_lines[0]}" "mvctl: a video in quarantine/ takes --tmdb ID and no --copy (mvctl review lists the candidates)"
}

@test "UC-10: reject sets the video aside, never deletes it; it can be filed later" {
	drop The.Thing.mkv
	sum=$(sha "$MV_DATA/quarantine/The.Thing.mkv")
	line=$(printed 'review --reject')
	run_printed 0 "${line/mvctl /mvctl --text }"
	assert_output "rejected quarantine/The.Thing.mkv: set aside as quarantine/rejected/The.Thing.mkv; m1 stays needs-review"
	[ "$(sha "$MV_DATA/quarantine/rejected/The.Thing.mkv")" = "$sum" ]
	[ ! -e "$MV_DATA/quarantine/The.Thing.mkv" ]
	[ ! -e "$MV_DATA/quarantine/The.Thing.mkv.why.json" ]
	run jq -c '[.file, .movie, (.candidates | length), (.rejectedAt | type)]' \
		"$MV_DATA/quarantine/rejected/The.Thing.mkv.why.json"
	assert_output '["quarantine/rejected/The.Thing.mkv","m1",3,"string"]'
	run -0 mvctl review --text
	assert_output ""
	# The queue is empty for status and stats too: quarantine/rejected/
	# is a folder of what is decided, not an item.
	run -0 mvctl status --json
	assert_equal "$(jq -c .queue <<<"$output")" '{"incoming":0,"review":0}'
	run -0 mvctl stats --json
	assert_equal "$(jq .inReview <<<"$output")" 0
	run jq -c '[.status, .videos[0].path]' "$MV_DATA/Movies/m1.json"
	assert_output '["needs-review","quarantine/rejected/The.Thing.mkv"]'
	check_ok
	# Not in the queue any more: a second reject says so.
	run -66 --separate-stderr mvctl review --reject quarantine/The.Thing.mkv
	assert_equal "$stderr" "mvctl: unable to reject quarantine/The.Thing.mkv: No such file or directory"
	# A file that is no queue item is refused, and left alone.
	mkvideo "$ELSEWHERE/Mine.mkv"
	run -1 --separate-stderr mvctl review --reject "$ELSEWHERE/Mine.mkv"
	assert_equal "$stderr" "mvctl: unable to reject $ELSEWHERE/Mine.mkv: not in the review queue (mvctl review lists it)"
	[ -f "$ELSEWHERE/Mine.mkv" ]
	# Later, the user decides: the same add files it.
	run -0 sh -c "cd '$ELSEWHERE' && mvctl --text add 'quarantine/rejected/The.Thing.mkv' --tmdb 60935"
	assert_output "filed m1: The Thing (2011), tmdb:60935, as assets/videos/The Thing (2011) [tmdbid-60935]/The Thing (2011) [tmdbid-60935].mkv"
	[ -z "$(ls -A "$MV_DATA/quarantine/rejected")" ]
	[ "$(copies_of "$sum")" -eq 1 ]
	check_ok
}

@test "UC-10: found through --data, the commands carry it and work with no MV_DATA" {
	drop The.Thing.mkv
	line=$(mvctl --data "$MV_DATA" review --text | grep -F -- '--tmdb 10785 ' | sed 's/^ *//')
	assert_equal "$line" "mvctl --data '$MV_DATA' add 'quarantine/The.Thing.mkv' --tmdb 10785    # The Thing from Another World (1951); no title agrees, year none, score 0"
	run -0 env -u MV_DATA sh -c "cd '$ELSEWHERE' && $line"
	assert_equal "$(video_added)" "assets/videos/The Thing from Another World (1951) [tmdbid-10785]/The Thing from Another World (1951) [tmdbid-10785].mkv"
	check_ok
}

@test "UC-10: with the pipeline running, the printed command files through it" {
	start_pipeline
	mkvideo "$BATS_TEST_TMPDIR/The.Thing.mkv" 20000
	sum=$(sha "$BATS_TEST_TMPDIR/The.Thing.mkv")
	mv "$BATS_TEST_TMPDIR/The.Thing.mkv" "$MV_DATA/incoming/"
	wait_until 20 test -e "$MV_DATA/quarantine/The.Thing.mkv.why.json"
	line=$(printed '--tmdb 1091 ')
	run_printed 0 "$line"
	assert_output ""
	assert_equal "$stderr" ""
	# The same in text, on the next item: where the pipeline filed it.
	mkvideo "$BATS_TEST_TMPDIR/The.Thing.REPACK.mkv" 20000
	mv "$BATS_TEST_TMPDIR/The.Thing.REPACK.mkv" "$MV_DATA/incoming/"
	wait_until 20 test -e "$MV_DATA/quarantine/The.Thing.REPACK.mkv.why.json"
	line=$(printed '--tmdb 60935 ')
	run_printed 0 "${line/mvctl /mvctl --text }"
	assert_output "sent to the running pipeline
filed m2: The Thing (2011), tmdb:60935, as assets/videos/The Thing (2011) [tmdbid-60935]/The Thing (2011) [tmdbid-60935].mkv"
	[ "$(sha "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv")" = "$sum" ]
	[ -z "$(ls -A "$MV_DATA/quarantine")" ]
	wait_until 10 movies_jq "$MV_DATA" -e '.items[] | select(.id == "m1") | .status == "ready"'
	stop_group "$sup"
	sup=
	check_ok
}
