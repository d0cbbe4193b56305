#!/usr/bin/env bats
# UC-16  Keep the download for seeding: import_mode copy or hardlink
# Actor:        a user whose torrent client seeds from incoming/
# Trigger:      mv.file.added from mvwatch for a complete video (or from
#               mvctl add FILE), with import_mode = copy or hardlink (config
#               file or MV_IMPORT_MODE)
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvwatch reports the file 2. mvenrich matches it as in
#               UC-01 3. copies it (copy) or hard-links it (hardlink: the
#               same inode) into assets/videos/, crash-safely 4. leaves the
#               download where it was, same bytes, same mtime 5. records
#               keptFrom (its absolute path) and keptStat (its
#               identity) in the video entry 6. a rescan (mvwatch --once
#               again, or a restart) reports it again, and mvenrich passes
#               it through in silence: no second movie, no review
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched{level:basic} → mv.video.added; on a
#               rescan, mv.file.added only
# Postconditions: one movie, one copy in assets/videos/, the download
#               untouched in incoming/; mvctl check passes, also days later
#               (a kept download is not stuck); mvctl gc --incoming keeps it;
#               mvctl add --copy's own copy in run/add/ never stays behind
# Failure flows: no clear match → the copy waits in quarantine/, the
#               download stays and a rescan adds no second review; the
#               user's choice moves the copy on; hardlink across
#               filesystems → a copy, with a one-line notice
#               (tests/unit/test_file.c); kill -9 at any filing step
#               → the download still whole, the video once in the library
#               (tests/mvenrich.bats, tests/unit/test_file.c); an unknown
#               import_mode → warned about once, read as move; move (the
#               default) → the download goes, as in UC-01

load helpers

setup() {
	setup_incoming
	NAME=Heat.1995.1080p.BluRay.x264-GRP.mkv
	FILED="$MV_DATA/assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
}

teardown() {
	stop_faketmdb
}

# The head of the pipeline once, as cron runs it: mvenrich's events in
# $out, its stderr in $out.err.
pipeline_once() {
	out=$BATS_TEST_TMPDIR/out.$RANDOM
	mvwatch --once --settle 0 | mvenrich 2>"$out.err" | tee "$out" | mvindex >/dev/null
}

# Drop a video last written three days ago, file it in mode MODE, rescan,
# and check that the download stayed as it was and was filed once.
keep_case() {
	export MV_IMPORT_MODE=$1
	mkvideo "$IN/$NAME" 100000
	touch -d '3 days ago' "$IN/$NAME"
	before=$(stat -c '%i %s %Y %y' "$IN/$NAME")
	sum=$(sha "$IN/$NAME")
	# 1-5
	pipeline_once
	[ -z "$(cat "$out.err")" ]
	[ "$(jq -r .type "$out" | grep -c '^mv.video.added$')" = 1 ]
	[ "$(sha "$FILED")" = "$sum" ]
	[ "$(sha "$IN/$NAME")" = "$sum" ]
	[ "$(stat -c '%i %s %Y %y' "$IN/$NAME")" = "$before" ]
	run -0 jq -c '[.status, .videos[0].path, .videos[0].source, .videos[0].keptFrom]' "$MV_DATA/Movies/m1.json"
	assert_output "[\"ready\",\"assets/videos/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv\",\"incoming/$NAME\",\"$IN/$NAME\"]"
	[ "$(jq -r .videos[0].keptStat "$MV_DATA/Movies/m1.json")" = \
		"$(stat -c '%d:%i:%s' "$IN/$NAME"):$(stat -c '%.9Y' "$IN/$NAME")" ]
	profiles_valid
	# 6: a rescan (cron's next run, a restart) reports it again.
	pipeline_once
	[ -z "$(cat "$out.err")" ]
	run -0 jq -r .type "$out"
	assert_output "mv.file.added"
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	[ -z "$(ls -A "$MV_DATA/quarantine" 2>/dev/null)" ]
	[ "$(copies_of "$sum")" = 2 ]
	[ "$(find "$MV_DATA/assets/videos" -type f | wc -l)" = 1 ]
	[ "$(stat -c '%i %s %Y %y' "$IN/$NAME")" = "$before" ]
	# Postconditions: check passes though the download is three days old.
	run -0 --separate-stderr mvctl check
	assert_line --index 0 --regexp '; 0 missed in incoming/; 0 half-done filings; 0 notes: ok$'
	run -0 --separate-stderr mvctl gc --incoming
	assert_line --index 0 "incoming/$NAME: video, kept"
	[ "$(sha "$IN/$NAME")" = "$sum" ]
}

@test "UC-16: import_mode copy files a copy and leaves the download as it was, once" {
	keep_case copy
	# A copy of its own: the library does not share the download's inode.
	[ "$(stat -c %i "$FILED")" != "$(stat -c %i "$IN/$NAME")" ]
	[ "$(stat -c %h "$IN/$NAME")" = 1 ]
}

@test "UC-16: import_mode hardlink files the same inode and leaves the download, once" {
	keep_case hardlink
	[ "$(stat -c %i "$FILED")" = "$(stat -c %i "$IN/$NAME")" ]
	[ "$(stat -c %h "$IN/$NAME")" = 2 ]
}

@test "UC-16: the config file's import_mode, and mvwatch restarted, import it once" {
	mkdir -p "$HOME/.config/mv"
	echo 'import_mode = hardlink' >"$HOME/.config/mv/config"
	mkvideo "$IN/$NAME" 50000
	pipeline_once
	[ "$(stat -c %i "$FILED")" = "$(stat -c %i "$IN/$NAME")" ]
	# A long-running mvwatch started again scans incoming/ at start.
	wout=$BATS_TEST_TMPDIR/watch.out
	setsid mvwatch --settle 0 >"$wout" 2>/dev/null &
	wpid=$!
	wait_until 10 test -s "$wout"
	stop_group "$wpid"
	mvenrich <"$wout" >"$wout.enriched" 2>"$wout.err"
	[ -z "$(cat "$wout.err")" ]
	run -0 jq -r .type "$wout.enriched"
	assert_output "mv.file.added"
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
}

@test "UC-16: move, the default, still removes the download" {
	mkvideo "$IN/$NAME" 50000
	sum=$(sha "$IN/$NAME")
	pipeline_once
	[ "$(sha "$FILED")" = "$sum" ]
	[ ! -e "$IN/$NAME" ]
	[ "$(jq -r '.videos[0] | has("keptFrom"), has("keptStat")' "$MV_DATA/Movies/m1.json")" = "false
false" ]
}

@test "UC-16: an unknown import_mode is warned about once and read as move" {
	export MV_IMPORT_MODE=symlink
	mkvideo "$IN/$NAME" 50000
	mkvideo "$IN/The.Thing.1982.mkv" 50000
	pipeline_once
	[ "$(cat "$out.err")" = 'mvenrich: unable to use import_mode "symlink": want move, copy or hardlink; using move' ]
	[ -f "$FILED" ]
	[ -z "$(ls -A "$IN")" ]
}

@test "UC-16: mvctl add FILE keeps the user's file in copy mode; --copy's own copy never stays" {
	export MV_IMPORT_MODE=copy
	mvctl init >/dev/null
	mkdir -p "$HOME/dl"
	mkvideo "$HOME/dl/$NAME" 50000
	sum=$(sha "$HOME/dl/$NAME")
	run -0 --separate-stderr mvctl add "$HOME/dl/$NAME"
	[ "$(sha "$FILED")" = "$sum" ]
	[ "$(sha "$HOME/dl/$NAME")" = "$sum" ]
	[ "$(jq -r .videos[0].keptFrom "$MV_DATA/Movies/m1.json")" = "$HOME/dl/$NAME" ]
	mkvideo "$HOME/dl/The.Thing.1982.mkv" 50000
	run -0 --separate-stderr mvctl add "$HOME/dl/The.Thing.1982.mkv" --copy
	[ -f "$MV_DATA/assets/videos/The Thing (1982) [tmdbid-1091]/The Thing (1982) [tmdbid-1091].mkv" ]
	[ -z "$(ls -A "$MV_DATA/run/add")" ]
	[ "$(jq -r '.videos[0] | has("keptFrom")' "$MV_DATA/Movies/m2.json")" = false ]
}

@test "UC-16: a kept download that goes to review: the copy waits in quarantine/, the choice moves it on" {
	export MV_IMPORT_MODE=copy MV_INCOMING_GRACE=0
	mvctl init >/dev/null
	mkvideo "$IN/The.Thing.mkv" 50000
	sum=$(sha "$IN/The.Thing.mkv")
	pipeline_once
	[ "$(sha "$MV_DATA/quarantine/The.Thing.mkv")" = "$sum" ]
	[ "$(sha "$IN/The.Thing.mkv")" = "$sum" ]
	# Rescanned while in review: no second movie, no second review.
	pipeline_once
	[ "$(jq -r .type "$out")" = mv.file.added ]
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	run -0 --separate-stderr mvctl add quarantine/The.Thing.mkv --tmdb 1091
	t="The Thing (1982) [tmdbid-1091]"
	[ "$(sha "$MV_DATA/assets/videos/$t/$t.mkv")" = "$sum" ]
	[ ! -e "$MV_DATA/quarantine/The.Thing.mkv" ]
	[ "$(sha "$IN/The.Thing.mkv")" = "$sum" ]
	[ "$(jq -r .videos[0].keptFrom "$MV_DATA/Movies/m1.json")" = "$IN/The.Thing.mkv" ]
	run -0 --separate-stderr mvctl check
}
