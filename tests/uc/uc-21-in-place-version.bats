#!/usr/bin/env bats
# UC-21  A video kept in place joins the film filed already as a version
# Actor:        a user (imports a library in place, mvctl import
#               --in-place, that holds another copy of a film filed)
# Trigger:      mv.file.added with importedFrom.inPlace for a video under
#               a library root whose film the library holds
# Preconditions: a library with that film filed, the fake TMDB running
# Main flow:    1. mvenrich matches it; the claim on tmdb:<id> is held by
#               the movie filed 2. another edition or quality joins that
#               movie's videos[] as a version that stays where it lies
#               (absolute path, importedFrom), never moved 3. the record
#               it came as goes; mv.video.added names it as merged
# Events:       mv.file.added → mv.movie.created → mv.video.added{merged}
# Postconditions: one movie with both copies; the library root unchanged;
#               mvctl check passes
# Failure flows: a true duplicate goes to review, where it lies
#               (duplicates = review); duplicates = upgrade never moves
#               nor sets aside a file under a library root: a better copy
#               on either side joins as a version and the lower one
#               stays; a kill -9 at any step of the join leaves the root
#               as it was and the restart finishes it

load helpers

setup() {
	mv_test_env
	mvctl init >/dev/null
	start_faketmdb
	IN=$MV_DATA/incoming
	L=$BATS_TEST_TMPDIR/films
	F="Heat (1995) [tmdbid-949]"
	DIR=$MV_DATA/assets/videos/$F
}

teardown() {
	stop_faketmdb
}

# File Heat from incoming/ as NAME.
file_heat() {
	mkvideo "$IN/$1" 20000
	ev_added "$IN/$1" | mvenrich | mvindex >/dev/null
}

# Every file under the library root, with its checksum.
tree() {
	(cd "$L" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

@test "UC-21: another quality kept in place joins as a version, where it lies" {
	file_heat Heat.1995.1080p.mkv
	mkvideo "$L/$F/$F - 2160p.mkv" 30000
	before=$(tree)
	run -0 --separate-stderr mvctl import --in-place "$L"
	assert_line --index 1 "$F/$F - 2160p.mkv: imported m1 tmdb:949 Heat (1995); $L/$F/$F - 2160p.mkv"
	assert_line --index 2 "import: 1 videos: 1 matched, 0 to review, 0 already in the library"
	[ "$(tree)" = "$before" ]
	[ "$(cd "$DIR" && ls *.mkv)" = "$F.mkv" ]
	run jq -c '[.status, [.videos[] | [.path, .quality, .joinedFrom, .importedFrom.inPlace]]]' \
		"$MV_DATA/Movies/m1.json"
	assert_output "[\"ready\",[[\"assets/videos/$F/$F.mkv\",null,null,null],[\"$L/$F/$F - 2160p.mkv\",\"2160p\",\"m2\",true]]]"
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	run jq -c '[.items[].id]' "$(movies_index "$MV_DATA")"
	assert_output '["m1"]'
	profiles_valid
	run -0 mvctl check
}

@test "UC-21: a true duplicate kept in place goes to review where it lies" {
	file_heat Heat.1995.1080p.mkv
	mkvideo "$L/Heat.1995.1080p.WEB.mkv" 30000
	before=$(tree)
	run -0 --separate-stderr mvctl import --in-place "$L"
	assert_line --index 1 "Heat.1995.1080p.WEB.mkv: review m2, duplicate of m1"
	[ "$(tree)" = "$before" ]
	run jq -c '[.status, .videos[0].path]' "$MV_DATA/Movies/m2.json"
	assert_output "[\"needs-review\",\"$L/Heat.1995.1080p.WEB.mkv\"]"
	[ "$(jq '.videos | length' "$MV_DATA/Movies/m1.json")" -eq 1 ]
	run -0 mvctl check
}

@test "UC-21: upgrade never moves a file kept in place: a better copy on either side joins" {
	export MV_DUPLICATES=upgrade
	# A better copy in place: it joins; the filed 720p stays filed.
	file_heat Heat.1995.720p.mkv
	mkvideo "$L/Heat.1995.1080p.mkv" 30000
	before=$(tree)
	run -0 --separate-stderr mvctl import --in-place "$L"
	assert_line --index 1 "Heat.1995.1080p.mkv: imported m1 tmdb:949 Heat (1995); $L/Heat.1995.1080p.mkv"
	[ "$(tree)" = "$before" ]
	[ "$(cd "$DIR" && ls *.mkv)" = "$F.mkv" ]
	[ ! -e "$MV_DATA/quarantine/replaced" ]
	run jq -c '[.videos[] | [.path, .replaces]]' "$MV_DATA/Movies/m1.json"
	assert_output "[[\"assets/videos/$F/$F.mkv\",null],[\"$L/Heat.1995.1080p.mkv\",null]]"
	# A better copy dropped in incoming/: the filed 720p, ours, is set
	# aside as an upgrade does; the copy in place is never touched.
	mkvideo "$IN/Heat.1995.2160p.mkv" 40000
	ev_added "$IN/Heat.1995.2160p.mkv" | mvenrich | mvindex >/dev/null
	[ "$(tree)" = "$before" ]
	[ -f "$MV_DATA/quarantine/replaced/$F.mkv" ]
	run jq -c '[.status, [.videos[] | .path]]' "$MV_DATA/Movies/m1.json"
	assert_output "[\"ready\",[\"$L/Heat.1995.1080p.mkv\",\"assets/videos/$F/$F - 2160p.mkv\"]]"
	profiles_valid
	# The event-fed index follows the set-aside too: the film's first
	# video is the one in place now.
	run -0 mvctl check
	run jq -r '.items[] | select(.id == "m1") | .video' "$(movies_index "$MV_DATA")"
	assert_output "$L/Heat.1995.1080p.mkv"
}

@test "UC-21: upgrade with the film only in place: a better copy joins, the one in place stays" {
	export MV_DUPLICATES=upgrade
	mkvideo "$L/Heat.1995.720p.mkv" 10000
	before=$(tree)
	mvctl import --in-place "$L" >/dev/null
	mkvideo "$IN/Heat.1995.1080p.mkv" 30000
	ev_added "$IN/Heat.1995.1080p.mkv" | mvenrich | mvindex >/dev/null
	[ "$(tree)" = "$before" ]
	[ ! -e "$MV_DATA/quarantine/replaced" ]
	run jq -c '[.status, [.videos[] | [.path, .replaces]]]' "$MV_DATA/Movies/m1.json"
	assert_output "[\"ready\",[[\"$L/Heat.1995.720p.mkv\",null],[\"assets/videos/$F/$F - 1080p.mkv\",null]]]"
	[ "$(ls "$MV_DATA/Movies")" = m1.json ]
	profiles_valid
	run -0 mvctl check
}

@test "UC-21: a kill -9 at any step of an in-place join: the root untouched, the restart finishes" {
	local step
	for step in claimed joined merged; do
		export MV_DATA=$BATS_TEST_TMPDIR/crash-$step HOME=$BATS_TEST_TMPDIR/home-$step
		mkdir -p "$HOME"
		mvctl init >/dev/null
		IN=$MV_DATA/incoming L=$BATS_TEST_TMPDIR/films-$step
		file_heat Heat.1995.1080p.mkv
		mkvideo "$L/Heat.1995.2160p.mkv" 30000
		before=$(tree)
		mkdir -p "$HOME/.config/mv"
		printf 'root = "%s"\n' "$L" >"$HOME/.config/mv/config"
		jq -nc --arg p "$L/Heat.1995.2160p.mkv" '{specversion:"1.0", id:"t-1",
			source:"mvctl", type:"mv.file.added", time:"2026-11-26T10:00:00Z",
			subject:$p, data:{path:$p, importedFrom:{inPlace:true}}}' >"$BATS_TEST_TMPDIR/ev"
		# The restart resumes the pending movie (a second import would
		# find the video known and send nothing).
		crash_then_retry $step
		[ "$(tree)" = "$before" ] || { echo "$step: root changed"; false; }
		[ "$(ls "$MV_DATA/Movies")" = m1.json ] || { echo "$step: $(ls "$MV_DATA/Movies")"; false; }
		run jq -c '[.status, [.videos[] | .path]]' "$MV_DATA/Movies/m1.json"
		assert_output "[\"ready\",[\"assets/videos/$F/$F.mkv\",\"$L/Heat.1995.2160p.mkv\"]]"
		profiles_valid
		[ ! -e "$MV_DATA/run/joined" ] || [ -z "$(ls -A "$MV_DATA/run/joined")" ]
		run -0 mvctl check
	done
}
