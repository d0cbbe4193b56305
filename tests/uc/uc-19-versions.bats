#!/usr/bin/env bats
# UC-19  Another edition or quality of a film is kept as a version
# Actor:        a user (drops a Director's Cut, or a 2160p copy, of a film
#               the library holds)
# Trigger:      mv.file.added for a video that matches a movie already filed
# Preconditions: a library with that film filed, the fake TMDB running
# Main flow:    1. mvenrich creates a minimal record for the file 2. matches
#               it; the claim on tmdb:<id> is held by the movie filed
#               3. its edition (the parser's) or quality (the probe's label,
#               else the parser's resolution) differs from every copy held:
#               it joins that movie's videos[] as a version, named by
#               mv_name_path with Jellyfin's " - label": "… - Director's
#               Cut.mkv", "… - 2160p.mkv" 4. the record it came as goes
#               5. a version that came in a release folder brings its
#               subtitles, filed beside it under its own name ("… -
#               2160p.fr.srt") and listed in its entry's subtitles[], and
#               its extras, filed into the film's extras folders (a name
#               taken there: "name (2).ext", never over it), each with
#               the filing journal before the version itself
# Events:       mv.file.added → mv.movie.created → mv.video.added{merged}
# Postconditions: one movie with every version; the index lists it alone,
#               its item and GET /movies with every version and its label;
#               mvctl check passes
# Failure flows: a true duplicate (same edition and quality) goes to
#               review (duplicates = review, the default; UC-04); keep
#               files it as another version, labelled so that no name
#               collides; upgrade files a copy of a higher quality first,
#               then sets the lower one aside in quarantine/replaced/,
#               its subtitles first under names that pair with it, its
#               extras in a folder of its name (one the better copy lists
#               too stays), with a .why.json that lists them (never
#               deleted), nothing of it left beside the better copy, an
#               extras folder it leaves empty removed, and sends a copy of the same
#               or a lower quality to review; an unknown duplicates value
#               is warned about once and read as review; a kill -9 at
#               any step of a version's filing, sidecars included, leaves
#               every file exactly once and the restart finishes it

load helpers
load ../fixtures/mvserve/helpers

setup() {
	setup_incoming
	DIR="$MV_DATA/assets/videos/Fight Club (1999) [tmdbid-550]"
	FC="Fight Club (1999) [tmdbid-550]"
}

teardown() {
	stop_mvserve
	stop_faketmdb
}

# The one mv.video.added of $OUT: Fight Club filed as m1 at PATH, the
# record it came as (MERGED, m2 unless given) merged into it.
added_as() { # PATH [MERGED]
	run events_of mv.video.added "$OUT"
	assert_output "{\"id\":\"m1\",\"path\":\"$1\",\"tmdb\":550,\"title\":\"Fight Club\",\"year\":1999,\"merged\":\"${2:-m2}\"}"
}

# Drop NAME (random bytes of SIZE) into incoming/ and run mvenrich and
# mvindex on its announcement, into $OUT; stderr into $BATS_TEST_TMPDIR/err.
drop() {
	mkvideo "$IN/$1" "${2:-20000}"
	ev_added "$IN/$1" | mvenrich 2>"$BATS_TEST_TMPDIR/err" | mvindex >"$OUT"
}

@test "UC-19: a Director's Cut and a 2160p copy are kept as versions, exactly named" {
	drop Fight.Club.1999.1080p.BluRay.mkv
	a=$(sha "$IN/../assets/videos/$FC/$FC.mkv")
	drop Fight.Club.1999.Directors.Cut.mkv
	added_as "assets/videos/$FC/$FC - Director's Cut.mkv"
	drop Fight.Club.1999.2160p.WEB-DL.mkv
	added_as "assets/videos/$FC/$FC - 2160p.mkv" m3
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	run ls "$DIR"
	assert_output "$FC - 2160p.mkv
$FC - Director's Cut.mkv
$FC.mkv"
	[ "$(sha "$DIR/$FC.mkv")" = "$a" ]
	[ -z "$(ls "$IN")" ]
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	run jq -c '[.status, [.videos[] | [.edition, .quality, .joinedFrom]]]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",[[null,null,null],["Director'"'"'s Cut",null,"m2"],[null,"2160p","m3"]]]'
	run jq -c '[.items[].id]' "$(movies_index "$MV_DATA")"
	assert_output '["m1"]'
	# The index item (kept up to date by mvindex, event by event) and
	# GET /movies list every version with its label.
	want="[{\"path\":\"assets/videos/$FC/$FC.mkv\"},{\"path\":\"assets/videos/$FC/$FC - Director's Cut.mkv\",\"edition\":\"Director's Cut\"},{\"path\":\"assets/videos/$FC/$FC - 2160p.mkv\",\"quality\":\"2160p\"}]"
	run index_and_api_videos m1
	assert_output "$want
$want"
	profiles_valid
	events_valid "$OUT"
	run -0 mvctl check
	run -0 mvctl show --text m1
	[[ $output == *"video     assets/videos/$FC/$FC - Director's Cut.mkv
          Director's Cut
video     assets/videos/$FC/$FC - 2160p.mkv
          2160p"* ]]
}

# A release folder NAME with its film (random bytes of SIZE), a subtitle
# beside it, Subs/French.forced.srt and Featurettes/Making of.mkv.
release() {
	local r=$IN/$1 f
	f=$(tr 'A-Z' 'a-z' <<<"$1")
	mkvideo "$r/$f.mkv" "${2:-20000}"
	mkdir -p "$r/Subs"
	printf '1\n00:00:01,000 --> 00:00:02,000\n%s\n' "$1 en" >"$r/$f.en.srt"
	printf '1\n00:00:01,000 --> 00:00:02,000\n%s\n' "$1 fr" >"$r/Subs/French.forced.srt"
	mkvideo "$r/Featurettes/Making of.mkv" 3000
	echo "$r/$f.mkv"
}

# The names under the film's folder, and m1's videos with their sidecars.
version_state() {
	(cd "$DIR" && find . -type f | LC_ALL=C sort)
	jq -c '[.status, [.videos[] | [.path, [.subtitles[]?.path], [.extras[]?.path]]]]' \
		"$MV_DATA/Movies/m1.json"
}

@test "UC-19: a version from a release folder brings its subtitles and extras" {
	v=$(release Fight.Club.1999.1080p.BluRay.x264-GRP)
	ev_added "$v" | mvenrich >/dev/null
	v=$(release Fight.Club.1999.2160p.UHD.BluRay.x265-GRP 30000)
	mk=$(sha "$(dirname "$v")/Featurettes/Making of.mkv")
	ev_added "$v" | mvenrich 2>"$BATS_TEST_TMPDIR/err" | mvindex >"$OUT"
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	added_as "assets/videos/$FC/$FC - 2160p.mkv"
	run bash -c "cd '$DIR' && find . -type f | LC_ALL=C sort"
	assert_output "./Featurettes/Making of (2).mkv
./Featurettes/Making of.mkv
./$FC - 2160p.en.srt
./$FC - 2160p.fr.forced.srt
./$FC - 2160p.mkv
./$FC.en.srt
./$FC.fr.forced.srt
./$FC.mkv"
	# The version's own extra, never over the film's.
	[ "$(sha "$DIR/Featurettes/Making of (2).mkv")" = "$mk" ]
	src=incoming/Fight.Club.1999.2160p.UHD.BluRay.x265-GRP
	run jq -c '.videos[1] | .subtitles[], .extras[]' "$MV_DATA/Movies/m1.json"
	assert_output "{\"path\":\"assets/videos/$FC/$FC - 2160p.fr.forced.srt\",\"lang\":\"fr\",\"forced\":true,\"sdh\":false,\"source\":\"$src/Subs/French.forced.srt\"}
{\"path\":\"assets/videos/$FC/$FC - 2160p.en.srt\",\"lang\":\"en\",\"forced\":false,\"sdh\":false,\"source\":\"$src/fight.club.1999.2160p.uhd.bluray.x265-grp.en.srt\"}
{\"path\":\"assets/videos/$FC/Featurettes/Making of (2).mkv\",\"kind\":\"featurettes\",\"source\":\"$src/Featurettes/Making of.mkv\"}"
	# The first copy's lists are its own still.
	run jq -c '.videos[0] | [(.subtitles | length), .extras[0].path]' "$MV_DATA/Movies/m1.json"
	assert_output "[2,\"assets/videos/$FC/Featurettes/Making of.mkv\"]"
	[ -z "$(find "$IN" -type f)" ]
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	profiles_valid
	events_valid "$OUT"
	run -0 mvctl check
	# "Making of (2)" is in place while "Making of" is the film's: a
	# rename would only number it again.
	refute_output --partial "under the settings now"
	before=$(tree_digest "$MV_DATA")
	run -0 mvctl rename m1
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
}

@test "UC-19: kill -9 at every step of a version's filing with its sidecars: every file once" {
	v=$(release Fight.Club.1999.1080p.BluRay.x264-GRP)
	ev_added "$v" | mvenrich >/dev/null
	v=$(release Fight.Club.1999.2160p.UHD.BluRay.x265-GRP 30000)
	ev_added "$v" | mvenrich >/dev/null
	want=$(version_state)
	sums=$(all_copies)
	local step
	for step in claimed joined merged journal link fsync-srcdir sidecar-saved sidecar-saved:3 \
	    saved; do
		setup_crash_dir $step
		DIR="$MV_DATA/assets/videos/$FC"
		v=$(release Fight.Club.1999.1080p.BluRay.x264-GRP)
		ev_added "$v" | mvenrich >/dev/null
		v=$(release Fight.Club.1999.2160p.UHD.BluRay.x265-GRP 30000)
		ev_added "$v" >"$BATS_TEST_TMPDIR/ev"
		crash_then_retry $step
		assert_equal "$(version_state)" "$want"
		# Random bytes differ from run to run: count the files instead.
		assert_equal "$(all_copies | wc -l)" "$(wc -l <<<"$sums")"
		assert_equal "$(all_copies | awk '$1 != 1')" ""
		[ ! -e "$MV_DATA/run/filing/m1.json" ]
		[ "$(ls "$MV_DATA/Movies")" = m1.json ] || { echo "$step: $(ls "$MV_DATA/Movies")"; false; }
		profiles_valid
		run -0 mvctl check
	done
}

@test "UC-19: a true duplicate (same edition and quality) goes to review" {
	drop Fight.Club.1999.1080p.BluRay.mkv
	drop Fight.Club.1999.1080p.WEB-DL.mkv
	run jq -r 'select(.type != "mv.index.updated") | .type' "$OUT"
	assert_output "mv.file.added
mv.movie.created
mv.movie.needs-review"
	run jq -r .reason "$MV_DATA/quarantine/Fight.Club.1999.1080p.WEB-DL.mkv.why.json"
	assert_output "duplicate of m1"
	[ "$(ls "$DIR")" = "$FC.mkv" ]
	run -0 mvctl check
}

@test "UC-19: duplicates = keep files a true duplicate as another version" {
	export MV_DUPLICATES=keep
	drop Fight.Club.1999.1080p.BluRay.mkv
	drop Fight.Club.1999.1080p.WEB-DL.mkv
	drop Fight.Club.1999.1080p.REMUX.mkv
	run ls "$DIR"
	assert_output "$FC - 1080p (2).mkv
$FC - 1080p.mkv
$FC.mkv"
	run jq -c '[.videos[] | .quality]' "$MV_DATA/Movies/m1.json"
	assert_output '[null,"1080p","1080p"]'
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	[ ! -e "$MV_DATA/quarantine" ] || [ -z "$(ls "$MV_DATA/quarantine")" ]
	profiles_valid
	run -0 mvctl check
}

@test "UC-19: duplicates = upgrade replaces a 720p by a 1080p, the 720p set aside" {
	export MV_DUPLICATES=upgrade
	drop Fight.Club.1999.720p.mkv 10000
	old=$(sha "$DIR/$FC.mkv")
	drop Fight.Club.1999.1080p.mkv 30000
	new=$(sha "$DIR/$FC - 1080p.mkv")
	added_as "assets/videos/$FC/$FC - 1080p.mkv"
	[ "$(ls "$DIR")" = "$FC - 1080p.mkv" ]
	[ "$(sha "$MV_DATA/quarantine/replaced/$FC.mkv")" = "$old" ]
	run jq -c '[.movie, .file, .source, .reason]' "$MV_DATA/quarantine/replaced/$FC.mkv.why.json"
	assert_output "[\"m1\",\"quarantine/replaced/$FC.mkv\",\"incoming/Fight.Club.1999.720p.mkv\",\"replaced by assets/videos/$FC/$FC - 1080p.mkv (1080p, of a higher quality)\"]"
	run jq -c '[.status, [.videos[] | [.path, .quality, .replaces]]]' "$MV_DATA/Movies/m1.json"
	assert_output "[\"ready\",[[\"assets/videos/$FC/$FC - 1080p.mkv\",\"1080p\",null]]]"
	# Not better: a 720p (or another 1080p) goes to review.
	drop Fight.Club.1999.720p.WEB.mkv
	run jq -r .reason "$MV_DATA/quarantine/Fight.Club.1999.720p.WEB.mkv.why.json"
	assert_output "duplicate of m1: not of a higher quality (720p) than its copy (1080p)"
	[ "$(copies_of "$old")" -eq 1 ]
	[ "$(copies_of "$new")" -eq 1 ]
	profiles_valid
	run -0 mvctl check
}

@test "UC-19: kill -9 at every step of an upgrade loses no copy; a rerun finishes" {
	export MV_DUPLICATES=upgrade
	local step
	for step in claimed joined merged journal link saved replaced; do
		rm -rf "$MV_DATA"
		mkdir -p "$IN"
		drop Fight.Club.1999.720p.mkv 10000
		old=$(sha "$DIR/$FC.mkv")
		mkvideo "$IN/Fight.Club.1999.1080p.mkv" 30000
		new=$(sha "$IN/Fight.Club.1999.1080p.mkv")
		ev_added "$IN/Fight.Club.1999.1080p.mkv" >"$BATS_TEST_TMPDIR/ev"
		run -137 env MV_CRASH_AT=$step mvenrich <"$BATS_TEST_TMPDIR/ev"
		# A staged copy may be there too, until the restart's recovery.
		[ "$(copies_of "$old")" -ge 1 ] || { echo "$step: old lost"; false; }
		[ "$(copies_of "$new")" -ge 1 ] || { echo "$step: new lost"; false; }
		run -0 mvenrich <"$BATS_TEST_TMPDIR/ev"
		[ "$(copies_of "$old")" -eq 1 ] && [ "$(copies_of "$new")" -eq 1 ]
		[ "$(sha "$DIR/$FC - 1080p.mkv")" = "$new" ] || { echo "$step: new not filed"; false; }
		[ "$(sha "$MV_DATA/quarantine/replaced/$FC.mkv")" = "$old" ] ||
			{ echo "$step: old not set aside"; false; }
		[ -e "$MV_DATA/quarantine/replaced/$FC.mkv.why.json" ]
		[ "$(ls "$MV_DATA/Movies")" = m1.json ] || { echo "$step: $(ls "$MV_DATA/Movies")"; false; }
		mvindex --rebuild >/dev/null
		run -0 mvctl check
	done
}

@test "UC-19: kill -9 at every step of an upgrade: the index the events keep agrees, no rebuild" {
	# As under the supervisor: one index filter reads what the killed
	# run emitted, then what its restart does with no event to replay.
	# A kill while the replaced copy was set aside left that filter's
	# index with the joined record and without the better copy: the
	# restart finished the set-aside and told nobody.
	export MV_DUPLICATES=upgrade
	local step rc
	for step in claimed joined merged journal link fsync-dir saved \
	    journal:2 staged:2 link:2 fsync-dir:2 replaced; do
		rm -rf "$MV_DATA"
		mkdir -p "$IN"
		drop Fight.Club.1999.720p.mkv 10000
		mkvideo "$IN/Fight.Club.1999.1080p.mkv" 30000
		ev_added "$IN/Fight.Club.1999.1080p.mkv" >"$BATS_TEST_TMPDIR/ev"
		index_follow
		rc=0
		MV_CRASH_AT=$step mvenrich <"$BATS_TEST_TMPDIR/ev" >&7 2>/dev/null || rc=$?
		mvenrich </dev/null >&7 2>/dev/null
		index_unfollow
		[ $rc -eq 137 ] || { echo "$step: exit $rc, not killed"; false; }
		[ -e "$MV_DATA/quarantine/replaced/$FC.mkv" ] || { echo "$step: old not set aside"; false; }
		run mvctl check
		[ "$status" -eq 0 ] || { echo "$step: $output"; false; }
	done
}

# The 720p copy dropped loose with its English subtitle, filed; then the
# 1080p copy, with no subtitle, into incoming/: its event in
# $BATS_TEST_TMPDIR/ev.
upgrade_with_sub() {
	printf '1\n00:00:01,000 --> 00:00:02,000\nEnglish\n' >"$IN/Fight.Club.1999.720p.en.srt"
	drop Fight.Club.1999.720p.mkv 10000
	mkvideo "$IN/Fight.Club.1999.1080p.mkv" 30000
	ev_added "$IN/Fight.Club.1999.1080p.mkv" >"$BATS_TEST_TMPDIR/ev"
}

# Where upgrade_with_sub's files end (the set-aside names under STEM),
# what m1 and the .why.json record: the replaced copy's subtitle beside
# it in quarantine/replaced/, none left in the film's folder.
upgraded_state() {
	local q=$MV_DATA/quarantine/replaced
	ls "$DIR" "$q"
	jq -c '[.status, [.videos[] | [.path, .subtitles, .replaces]]]' "$MV_DATA/Movies/m1.json"
	jq -c '[.file, .subtitles]' "$q/$1.mkv.why.json"
}

# What upgraded_state says once upgrade_with_sub's upgrade is done.
sub_upgraded() {
	echo "$DIR:
$FC - 1080p.mkv

$MV_DATA/quarantine/replaced:
$FC.en.srt
$FC.mkv
$FC.mkv.why.json
[\"ready\",[[\"assets/videos/$FC/$FC - 1080p.mkv\",null,null]]]
[\"quarantine/replaced/$FC.mkv\",[{\"path\":\"quarantine/replaced/$FC.en.srt\",\"lang\":\"en\",\"forced\":false,\"sdh\":false,\"source\":\"incoming/Fight.Club.1999.720p.en.srt\"}]]"
}

@test "UC-19: an upgrade sets the replaced copy's subtitles aside with it" {
	export MV_DUPLICATES=upgrade
	upgrade_with_sub
	old=$(sha "$DIR/$FC.mkv")
	en=$(sha "$DIR/$FC.en.srt")
	ev_added "$IN/Fight.Club.1999.1080p.mkv" | mvenrich 2>"$BATS_TEST_TMPDIR/err" | mvindex >"$OUT"
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	run upgraded_state "$FC"
	assert_output "$(sub_upgraded)"
	[ "$(sha "$MV_DATA/quarantine/replaced/$FC.mkv")" = "$old" ]
	[ "$(sha "$MV_DATA/quarantine/replaced/$FC.en.srt")" = "$en" ]
	[ "$(copies_of "$en")" -eq 1 ]
	[ -z "$(ls -A "$IN")" ]
	added_as "assets/videos/$FC/$FC - 1080p.mkv"
	profiles_valid
	events_valid "$OUT"
	run -0 mvctl check
}

@test "UC-19: a replaced copy whose subtitle's name is taken in quarantine/replaced/ goes under a name that pairs" {
	export MV_DUPLICATES=upgrade
	upgrade_with_sub
	# Set aside earlier: the subtitle's name is taken, the video's not.
	mkdir -p "$MV_DATA/quarantine/replaced"
	echo earlier >"$MV_DATA/quarantine/replaced/$FC.en.srt"
	mvenrich <"$BATS_TEST_TMPDIR/ev" | mvindex >/dev/null
	run upgraded_state "$FC (2)"
	assert_output "$DIR:
$FC - 1080p.mkv

$MV_DATA/quarantine/replaced:
$FC (2).en.srt
$FC (2).mkv
$FC (2).mkv.why.json
$FC.en.srt
[\"ready\",[[\"assets/videos/$FC/$FC - 1080p.mkv\",null,null]]]
[\"quarantine/replaced/$FC (2).mkv\",[{\"path\":\"quarantine/replaced/$FC (2).en.srt\",\"lang\":\"en\",\"forced\":false,\"sdh\":false,\"source\":\"incoming/Fight.Club.1999.720p.en.srt\"}]]"
	[ "$(cat "$MV_DATA/quarantine/replaced/$FC.en.srt")" = earlier ]
	run -0 mvctl check
}

@test "UC-19: kill -9 at every step of setting a replaced copy's subtitle aside: every file once" {
	export MV_DUPLICATES=upgrade
	local step
	# The second filing's steps are the subtitle's, the third the video's.
	for step in journal:2 link:2 unlink-source:2 sidecar-saved journal:3 link:3 replaced; do
		setup_crash_dir $step
		DIR="$MV_DATA/assets/videos/$FC"
		upgrade_with_sub
		sums=$(all_copies)
		crash_then_retry $step
		run upgraded_state "$FC"
		assert_output "$(sub_upgraded)"
		assert_equal "$(all_copies)" "$sums"
		[ ! -e "$MV_DATA/run/filing/m1.json" ]
		[ "$(ls "$MV_DATA/Movies")" = m1.json ] || { echo "$step: $(ls "$MV_DATA/Movies")"; false; }
		profiles_valid
		run -0 mvctl check
	done
}

# The 720p copy from a release folder (release: two subtitles and
# Featurettes/Making of.mkv), filed; then the 1080p copy from one too:
# its event in $BATS_TEST_TMPDIR/ev.
upgrade_with_extras() {
	local v
	v=$(release Fight.Club.1999.720p.BluRay.x264-GRP 10000)
	ev_added "$v" | mvenrich >/dev/null
	v=$(release Fight.Club.1999.1080p.BluRay.x264-GRP 30000)
	ev_added "$v" >"$BATS_TEST_TMPDIR/ev"
}

# Every file under the film's folder and under quarantine/replaced/,
# m1's videos with their sidecars, and what the .why.json of the copy
# set aside as STEM records of them.
extras_state() {
	local q=$MV_DATA/quarantine/replaced
	(cd "$DIR" && find . -type f | LC_ALL=C sort)
	(cd "$q" && find . | LC_ALL=C sort)
	jq -c '[.status, [.videos[] | [.path, [.subtitles[]?.path], .extras, .replaces]]]' \
		"$MV_DATA/Movies/m1.json"
	jq -c '[.file, [.subtitles[]?.path], .extras]' "$q/$1.mkv.why.json"
}

# What extras_state says once upgrade_with_extras's upgrade is done.
extras_upgraded() {
	local s7=incoming/Fight.Club.1999.720p.BluRay.x264-GRP s10=incoming/Fight.Club.1999.1080p.BluRay.x264-GRP
	echo "./Featurettes/Making of (2).mkv
./$FC - 1080p.en.srt
./$FC - 1080p.fr.forced.srt
./$FC - 1080p.mkv
.
./$FC
./$FC.en.srt
./$FC.fr.forced.srt
./$FC.mkv
./$FC.mkv.why.json
./$FC/Featurettes
./$FC/Featurettes/Making of.mkv
[\"ready\",[[\"assets/videos/$FC/$FC - 1080p.mkv\",[\"assets/videos/$FC/$FC - 1080p.fr.forced.srt\",\"assets/videos/$FC/$FC - 1080p.en.srt\"],[{\"path\":\"assets/videos/$FC/Featurettes/Making of (2).mkv\",\"kind\":\"featurettes\",\"source\":\"$s10/Featurettes/Making of.mkv\"}],null]]]
[\"quarantine/replaced/$FC.mkv\",[\"quarantine/replaced/$FC.fr.forced.srt\",\"quarantine/replaced/$FC.en.srt\"],[{\"path\":\"quarantine/replaced/$FC/Featurettes/Making of.mkv\",\"kind\":\"featurettes\",\"source\":\"$s7/Featurettes/Making of.mkv\"}]]"
}

@test "UC-19: an upgrade sets the replaced copy's extras aside with it, in a folder of its name" {
	export MV_DUPLICATES=upgrade
	upgrade_with_extras
	old=$(sha "$DIR/Featurettes/Making of.mkv")
	new=$(sha "$IN/Fight.Club.1999.1080p.BluRay.x264-GRP/Featurettes/Making of.mkv")
	mvenrich <"$BATS_TEST_TMPDIR/ev" 2>"$BATS_TEST_TMPDIR/err" | mvindex >"$OUT"
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	run extras_state "$FC"
	assert_output "$(extras_upgraded)"
	# Each extra once: the replaced copy's set aside, the better one's
	# filed beside it as it came (its name was taken then).
	[ "$(sha "$MV_DATA/quarantine/replaced/$FC/Featurettes/Making of.mkv")" = "$old" ]
	[ "$(sha "$DIR/Featurettes/Making of (2).mkv")" = "$new" ]
	[ "$(copies_of "$old")" -eq 1 ] && [ "$(copies_of "$new")" -eq 1 ]
	[ -z "$(find "$IN" -type f)" ]
	added_as "assets/videos/$FC/$FC - 1080p.mkv"
	profiles_valid
	events_valid "$OUT"
	run -0 mvctl check
	# The name the better copy's extra could not have is free now: check
	# says so, and rename gives it.
	assert_output --partial "note: assets/videos/$FC/Featurettes/Making of (2).mkv is filed as assets/videos/$FC/Featurettes/Making of.mkv under the settings now (mvctl rename m1 moves it)"
	run -0 mvctl rename m1
	[ "$(sha "$DIR/Featurettes/Making of.mkv")" = "$new" ]
	[ ! -e "$DIR/Featurettes/Making of (2).mkv" ]
	run -0 jq -r '.videos[0].extras[0].path' "$MV_DATA/Movies/m1.json"
	assert_output "assets/videos/$FC/Featurettes/Making of.mkv"
	run -0 mvctl check
	refute_output --partial "under the settings now"
	profiles_valid
}

@test "UC-19: a replaced copy's extra that the better copy lists too stays where it is" {
	export MV_DUPLICATES=upgrade
	upgrade_with_extras
	mk=$(sha "$DIR/Featurettes/Making of.mkv")
	# Stopped once the better copy is filed, before the lower one is set
	# aside; then its entry is made to list the lower copy's extra too.
	run -137 env MV_CRASH_AT=saved mvenrich <"$BATS_TEST_TMPDIR/ev"
	jq '.videos[1].extras += [.videos[0].extras[0]]' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	run -0 mvenrich --retry
	[ "$(sha "$DIR/Featurettes/Making of.mkv")" = "$mk" ]
	[ "$(copies_of "$mk")" -eq 1 ]
	run jq -c '[.videos[] | [.path, [.extras[].path]]]' "$MV_DATA/Movies/m1.json"
	assert_output "[[\"assets/videos/$FC/$FC - 1080p.mkv\",[\"assets/videos/$FC/Featurettes/Making of (2).mkv\",\"assets/videos/$FC/Featurettes/Making of.mkv\"]]]"
	# Not the copy set aside's: its .why.json lists no extra.
	run jq -c '[.file, .extras]' "$MV_DATA/quarantine/replaced/$FC.mkv.why.json"
	assert_output "[\"quarantine/replaced/$FC.mkv\",null]"
	[ ! -e "$MV_DATA/quarantine/replaced/$FC" ]
	profiles_valid
	mvindex --rebuild >/dev/null
	run -0 mvctl check
}

@test "UC-19: an extras folder the replaced copy's extras leave empty goes" {
	export MV_DUPLICATES=upgrade
	v=$(release Fight.Club.1999.720p.BluRay.x264-GRP 10000)
	ev_added "$v" | mvenrich >/dev/null
	# The better copy, dropped loose, brings no extra.
	drop Fight.Club.1999.1080p.mkv 30000
	[ -z "$(cat "$BATS_TEST_TMPDIR/err")" ]
	run bash -c "cd '$DIR' && find . | LC_ALL=C sort"
	assert_output ".
./$FC - 1080p.mkv"
	run jq -r '.extras[].path' "$MV_DATA/quarantine/replaced/$FC.mkv.why.json"
	assert_output "quarantine/replaced/$FC/Featurettes/Making of.mkv"
	[ -f "$MV_DATA/quarantine/replaced/$FC/Featurettes/Making of.mkv" ]
	profiles_valid
	run -0 mvctl check
}

@test "UC-19: a kill -9 between setting the last extra aside and removing its folder: the rerun removes it" {
	export MV_DUPLICATES=upgrade
	v=$(release Fight.Club.1999.720p.BluRay.x264-GRP 10000)
	ev_added "$v" | mvenrich >/dev/null
	# The better copy, loose, brings no extra. Its two subtitles are set
	# aside first: the extra's move is the 3rd aside-committed.
	mkvideo "$IN/Fight.Club.1999.1080p.mkv" 30000
	ev_added "$IN/Fight.Club.1999.1080p.mkv" >"$BATS_TEST_TMPDIR/ev"
	run -137 env MV_CRASH_AT=aside-committed:3 mvenrich <"$BATS_TEST_TMPDIR/ev"
	# Killed there: the extra is moved, its emptied folder not removed.
	[ -f "$MV_DATA/quarantine/replaced/$FC/Featurettes/Making of.mkv" ]
	[ -d "$DIR/Featurettes" ]
	run -0 mvenrich --retry
	run bash -c "cd '$DIR' && find . | LC_ALL=C sort"
	assert_output ".
./$FC - 1080p.mkv"
	run jq -r '.extras[].path' "$MV_DATA/quarantine/replaced/$FC.mkv.why.json"
	assert_output "quarantine/replaced/$FC/Featurettes/Making of.mkv"
	profiles_valid
	mvindex --rebuild >/dev/null
	run -0 mvctl check
}

@test "UC-19: kill -9 at every step of setting a replaced copy's extra aside: every file once" {
	export MV_DUPLICATES=upgrade
	local step
	# The better copy's sidecars are filings 1 to 3, itself the 4th; the
	# replaced copy's subtitles the 5th and 6th, its extra the 7th (its
	# profile saved at the 6th sidecar-saved), itself the 8th.
	for step in journal:7 link:7 unlink-source:7 fsync-srcdir:7 sidecar-saved:6 journal:8 \
	    replaced; do
		setup_crash_dir $step
		DIR="$MV_DATA/assets/videos/$FC"
		upgrade_with_extras
		sums=$(all_copies)
		crash_then_retry $step
		run extras_state "$FC"
		assert_output "$(extras_upgraded)"
		assert_equal "$(all_copies)" "$sums"
		[ ! -e "$MV_DATA/run/filing/m1.json" ]
		[ "$(ls "$MV_DATA/Movies")" = m1.json ] || { echo "$step: $(ls "$MV_DATA/Movies")"; false; }
		profiles_valid
		run -0 mvctl check
	done
}

@test "UC-19: an unknown duplicates value is warned about once and read as review" {
	export MV_DUPLICATES=sometimes
	drop Fight.Club.1999.mkv
	drop Fight.Club.1999.REMUX.mkv
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = 'mvenrich: unable to use duplicates "sometimes": want review, keep or upgrade; using review' ]
	run jq -r .reason "$MV_DATA/quarantine/Fight.Club.1999.REMUX.mkv.why.json"
	assert_output "duplicate of m1"
}
