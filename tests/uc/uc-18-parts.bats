#!/usr/bin/env bats
# UC-18  A film in parts is one movie, its parts in order
# Actor:        a user (drops a film in two files: cd1 and cd2)
# Trigger:      mv.file.added with data.parts (every part, path first, in
#               order: mvwatch's announcement of a download in parts), or
#               a file whose name has a part number, alone
# Preconditions: a data directory, the fake TMDB running
# Main flow:    1. mvenrich creates ONE minimal movie whose videos[] holds
#               every part (part 1..N, in order) 2. matches it on TMDB
#               3. files each part, one at a time, by mv_name_path:
#               "Title (Year) [tmdbid-N] - part1.avi", " - part2.avi"
#               (the stacking name of Jellyfin, Plex and Kodi)
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched → mv.video.added{part:1} →
#               mv.video.added{part:2}
# Postconditions: one movie, ready, with both parts filed; mvctl check
#               passes; mvctl show, the index item and GET /movies list
#               each part
# Failure flows: a part alone keeps its number and is never filed as the
#               whole film; its sibling, arriving later alone, joins it as
#               the next part; a part much shorter than the film is no
#               sample; kill -9 at any step of the filing leaves every
#               part exactly once (in incoming/, or filed and recorded)
#               and a rerun finishes

load helpers
load ../media
load ../fixtures/mvserve/helpers

setup() {
	setup_incoming
	DIR="$MV_DATA/assets/videos/Fight Club (1999) [tmdbid-550]"
}

teardown() {
	stop_mvserve
	stop_faketmdb
}

# mv.file.added for a film in parts: PATH... (the first is data.path).
ev_parts() {
	local st
	st=$(stat -L -c '%s %d %i %Y' "$1")
	set -- "$(printf '%s\n' "$@" | jq -R . | jq -sc .)" $st
	jq -nc --argjson parts "$1" --argjson size "$2" --argjson dev "$3" \
		--argjson ino "$4" --argjson mtime "$5" '{specversion:"1.0",
		id:("t-" + $parts[0]), source:"mvwatch", type:"mv.file.added",
		time:"2026-11-26T10:00:00Z", subject:$parts[0], data:{path:$parts[0],
		size:$size, dev:$dev, ino:$ino, mtime:$mtime, parts:$parts}}'
}

@test "UC-18: cd1 and cd2 are filed as one movie with ordered parts" {
	mkvideo "$IN/Fight.Club.1999.cd1.avi" 30000
	mkvideo "$IN/Fight.Club.1999.cd2.avi" 31000
	a=$(sha "$IN/Fight.Club.1999.cd1.avi")
	b=$(sha "$IN/Fight.Club.1999.cd2.avi")
	ev_parts "$IN/Fight.Club.1999.cd1.avi" "$IN/Fight.Club.1999.cd2.avi" >"$BATS_TEST_TMPDIR/ev"
	run -0 --separate-stderr mvenrich <"$BATS_TEST_TMPDIR/ev"
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$OUT"
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added mv.video.added
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m1","path":"assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550] - part1.avi","tmdb":550,"title":"Fight Club","year":1999,"part":1}
{"id":"m1","path":"assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550] - part2.avi","tmdb":550,"title":"Fight Club","year":1999,"part":2}'
	[ "$(sha "$DIR/Fight Club (1999) [tmdbid-550] - part1.avi")" = "$a" ]
	[ "$(sha "$DIR/Fight Club (1999) [tmdbid-550] - part2.avi")" = "$b" ]
	[ "$(ls "$DIR" | wc -l)" -eq 2 ]
	[ -z "$(ls "$IN")" ]
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	run jq -c '[.status, [.videos[] | [.part, .source]]]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",[[1,"incoming/Fight.Club.1999.cd1.avi"],[2,"incoming/Fight.Club.1999.cd2.avi"]]]'
	profiles_valid
	events_valid "$OUT"
	mvindex --rebuild >/dev/null
	run -0 mvctl check
	# The index item and GET /movies list both parts, in order.
	P="assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550]"
	want="[{\"path\":\"$P - part1.avi\",\"part\":1},{\"path\":\"$P - part2.avi\",\"part\":2}]"
	run index_and_api_videos m1
	assert_output "$want
$want"
	assert_equal "$(jq -r '.items[0].video' "$(movies_index "$MV_DATA")")" "$P - part1.avi"
	run -0 mvctl show --text m1
	[[ $output == *"video     assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550] - part1.avi
          part 1
video     assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550] - part2.avi
          part 2"* ]]
}

@test "UC-18: a part alone is never filed as the whole film; its sibling joins it" {
	mkvideo "$IN/Fight.Club.1999.part2.avi" 30000
	ev_added "$IN/Fight.Club.1999.part2.avi" | mvenrich >"$OUT"
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m1","path":"assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550] - part2.avi","tmdb":550,"title":"Fight Club","year":1999,"part":2}'
	[ ! -e "$DIR/Fight Club (1999) [tmdbid-550].avi" ]
	run jq -c '[.videos[] | .part]' "$MV_DATA/Movies/m1.json"
	assert_output '[2]'
	# Part 1 comes later, alone: it joins m1, whose record it came as goes.
	mkvideo "$IN/Fight.Club.1999.part1.avi" 30000
	ev_added "$IN/Fight.Club.1999.part1.avi" | mvenrich | mvindex >"$OUT"
	run jq -r 'select(.type != "mv.index.updated") | .type' "$OUT"
	assert_output "mv.file.added
mv.movie.created
mv.video.added"
	run events_of mv.video.added "$OUT"
	assert_output '{"id":"m1","path":"assets/videos/Fight Club (1999) [tmdbid-550]/Fight Club (1999) [tmdbid-550] - part1.avi","tmdb":550,"title":"Fight Club","year":1999,"part":1,"merged":"m2"}'
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	run jq -c '[.status, [.videos[] | [.part, .joinedFrom]]]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",[[2,null],[1,"m2"]]]'
	run jq -c '[.items[].id]' "$(movies_index "$MV_DATA")"
	assert_output '["m1"]'
	profiles_valid
	run -0 mvctl check
}

@test "UC-18: a part much shorter than the film is not a sample" {
	cp "$(media_video small)" "$IN/Fight.Club.1999.cd1.mkv"
	cp "$(media_video small)" "$IN/Fight.Club.1999.cd2.mkv"
	ev_parts "$IN/Fight.Club.1999.cd1.mkv" "$IN/Fight.Club.1999.cd2.mkv" |
		MV_PROBE=on mvenrich >"$OUT"
	assert_event_types "$OUT" mv.file.added mv.movie.created mv.movie.matched mv.movie.enriched mv.video.added mv.video.added
	run jq -c '[.status, [.videos[] | .media.durationSec > 0]]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",[true,true]]'
}

@test "UC-18: kill -9 at every step of a two-part filing leaves each part once" {
	local step
	for step in created claimed matched journal link unlink-source saved \
	    link:2 saved:2; do
		rm -rf "$MV_DATA"
		mkdir -p "$IN"
		echo "part one" >"$IN/Fight.Club.1999.cd1.avi"
		echo "part two" >"$IN/Fight.Club.1999.cd2.avi"
		a=$(sha "$IN/Fight.Club.1999.cd1.avi")
		b=$(sha "$IN/Fight.Club.1999.cd2.avi")
		ev_parts "$IN/Fight.Club.1999.cd1.avi" "$IN/Fight.Club.1999.cd2.avi" >"$BATS_TEST_TMPDIR/ev"
		index_follow
		run -137 env MV_CRASH_AT=$step sh -c 'exec mvenrich <"$1" 2>/dev/null >&7' _ \
			"$BATS_TEST_TMPDIR/ev"
		# A staged copy may be there too, until the restart's recovery.
		[ "$(copies_of "$a")" -ge 1 ] || { echo "$step: part 1 lost"; false; }
		[ "$(copies_of "$b")" -ge 1 ] || { echo "$step: part 2 lost"; false; }
		# The rerun: the same announcement (a rescan) finishes it.
		run -0 sh -c 'exec mvenrich <"$1" >&7' _ "$BATS_TEST_TMPDIR/ev"
		index_unfollow
		[ "$(sha "$DIR/Fight Club (1999) [tmdbid-550] - part1.avi")" = "$a" ] ||
			{ echo "$step: part 1 not filed"; false; }
		[ "$(sha "$DIR/Fight Club (1999) [tmdbid-550] - part2.avi")" = "$b" ] ||
			{ echo "$step: part 2 not filed"; false; }
		[ "$(copies_of "$a")" -eq 1 ] && [ "$(copies_of "$b")" -eq 1 ]
		[ "$(ls "$MV_DATA/Movies")" = m1.json ] || { echo "$step: $(ls "$MV_DATA/Movies")"; false; }
		run jq -c '[.status, [.videos[] | .part]]' "$MV_DATA/Movies/m1.json"
		[ "$output" = '["ready",[1,2]]' ] || { echo "$step: $output"; false; }
		run -0 mvctl check
	done
}
