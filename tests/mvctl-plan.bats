#!/usr/bin/env bats
# mvctl plan: what filing a file or a download would do (the parsed name,
# the match and its evidence, every target, what goes to review and
# why), changing nothing; then checked against what filing really does.

load test_helper
load faketmdb
load fixtures/mvenrich/helpers
load media

setup() {
	mv_test_env
	mvctl init >/dev/null
	start_faketmdb
	IN=$MV_DATA/incoming
	mkdir -p "$IN"
	CONFIG=$HOME/.config/mv/config
	R=$IN/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	F="Heat (1995) [tmdbid-949]"
	PLAN=$BATS_TEST_TMPDIR/plan.json
}

teardown() {
	stop_faketmdb
}

# Every file (with its checksum) and every name under the data dir's
# Movies/, People/, index/, assets/, incoming/ and quarantine/, and the
# config: what plan must leave byte-identical.
snapshot() {
	(cd "$MV_DATA" && find Movies People index assets incoming quarantine \
		-type f -print0 2>/dev/null | sort -z | xargs -0r sha256sum)
	(cd "$MV_DATA" && find Movies People index assets incoming quarantine 2>/dev/null | sort)
	cat "$CONFIG" 2>/dev/null || true
}

srt() {
	mkdir -p "$(dirname "$1")"
	printf '1\n00:00:01,000 --> 00:00:02,000\n%s\n' "$2" >"$1"
}

# The Heat release of issue 16: the film, subtitles beside it and in
# Subs/, a sample, a featurette, the release NFO (IMDb id) and junk.
heat_release() {
	mkvideo "$R/heat.1995.remastered.1080p.bluray.x264-grp.mkv" 20000
	srt "$R/heat.1995.remastered.1080p.bluray.x264-grp.srt" 'Heat'
	srt "$R/Subs/2_English.srt" 'English'
	srt "$R/Subs/3_French.srt" 'Français'
	srt "$R/Subs/4_French.forced.srt" 'Forcé'
	mkvideo "$R/Sample/heat-sample.mkv" 3000
	mkvideo "$R/Featurettes/Making of Heat.mp4" 5000
	printf 'GRP presents\r\nhttps://www.imdb.com/title/tt0113277/\r\n' >"$R/grp.nfo"
	echo 'visit' >"$R/RARBG.txt"
	echo '[InternetShortcut]' >"$R/WWW.SITE.URL"
}

# File what incoming/ holds, as the pipeline does.
file_incoming() {
	mvwatch --once --settle 0 | mvenrich >/dev/null
}

# mvctl plan FILE prints exactly TEXT, exits 0 and says nothing on stderr.
plan_prints() {
	run -0 --separate-stderr mvctl plan "$1"
	assert_output "$2"
	[ -z "$stderr" ]
}

# mvctl plan --json FILE into $PLAN, and the data dir and config are still
# what the caller's $before snapshot holds.
plan_json() {
	mvctl plan --json "$1" >"$PLAN"
	[ "$(snapshot)" = "$before" ]
}

# Filing what incoming/ holds sends m1 to review for the reason the plan in
# $PLAN gave, at the plan's target.
filed_to_review_as_planned() {
	file_incoming
	run jq -c '[.status, .review.reason, .videos[0].path]' "$MV_DATA/Movies/m1.json"
	assert_output "$(jq -c '["needs-review", .review.reason, .target]' "$PLAN")"
}

@test "plan of a clear single file: parsed name, match, evidence, target" {
	mkvideo "$IN/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv"
	before=$(snapshot)
	plan_prints "$IN/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv" "The.Matrix.1999.1080p.BluRay.x264-GRP.mkv
  kind     video
  parsed   The Matrix (1999), 1080p, BluRay, group GRP
  match    tmdb:603 The Matrix (1999), by search: \"The Matrix\" (title), score 90, margin 90
  target   assets/videos/The Matrix (1999) [tmdbid-603]/The Matrix (1999) [tmdbid-603].mkv"
	[ "$(snapshot)" = "$before" ]
	run -0 --separate-stderr mvctl plan --json "$IN/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv"
	[ "${#lines[@]}" -eq 1 ]
	run jq -c '[.path, .kind, .parsed.title, .parsed.year, .match.tmdb, .match.title,
		.match.year, .match.score, .match.margin, .match.evidence.by, .review, .target]' <<<"$output"
	assert_output "[\"$IN/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv\",\"video\",\"The Matrix\",1999,603,\"The Matrix\",1999,90,90,\"search\",null,\"assets/videos/The Matrix (1999) [tmdbid-603]/The Matrix (1999) [tmdbid-603].mkv\"]"
	[ "$(snapshot)" = "$before" ]
	# Filing it puts it exactly there.
	mvctl plan --json "$IN/The.Matrix.1999.1080p.BluRay.x264-GRP.mkv" >"$PLAN"
	file_incoming
	assert_equal "$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")" "$(jq -r .target "$PLAN")"
	assert_equal "$(jq -r .status "$MV_DATA/Movies/m1.json")" ready
}

@test "plan of an ambiguous name: review, with the matcher's reason and candidates" {
	mkvideo "$IN/The.Thing.mkv"
	before=$(snapshot)
	plan_prints "$IN/The.Thing.mkv" "The.Thing.mkv
  kind     video
  parsed   The Thing
  review   ambiguous: 2 candidates match \"The Thing\" and the name gives no year
  target   quarantine/The.Thing.mkv"
	plan_json "$IN/The.Thing.mkv"
	run jq -c '[.match, .review.reason, [.review.candidates[].tmdb]]' "$PLAN"
	assert_output '[null,"ambiguous: 2 candidates match \"The Thing\" and the name gives no year",[1091,60935,10785]]'
	# Filing sends it to review for that very reason, at that target.
	filed_to_review_as_planned
	[ -f "$MV_DATA/quarantine/The.Thing.mkv" ]
}

@test "plan of a release folder: every file's target or why it stays, and filing agrees" {
	heat_release
	before=$(snapshot)
	d=Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	plan_prints "$R" "$d/heat.1995.remastered.1080p.bluray.x264-grp.mkv
  kind     video (main)
  parsed   heat (1995), Remastered, 1080p, BluRay, group grp
  match    tmdb:949 Heat (1995), by id, release NFO grp.nfo
  target   assets/videos/$F/$F - Remastered.mkv

$d/Featurettes/Making of Heat.mp4
  kind     extra
  target   assets/videos/$F/Featurettes/Making of Heat.mp4

$d/RARBG.txt
  kind     junk
  stays    junk: left (mvctl gc --incoming removes it)

$d/Sample/heat-sample.mkv
  kind     sample
  stays    a sample: left where it is

$d/Subs/2_English.srt
  kind     subtitle
  subtitle en
  target   assets/videos/$F/$F - Remastered.en.srt

$d/Subs/3_French.srt
  kind     subtitle
  subtitle fr
  target   assets/videos/$F/$F - Remastered.fr.srt

$d/Subs/4_French.forced.srt
  kind     subtitle
  subtitle fr, forced
  target   assets/videos/$F/$F - Remastered.fr.forced.srt

$d/WWW.SITE.URL
  kind     junk
  stays    junk: left (mvctl gc --incoming removes it)

$d/grp.nfo
  kind     nfo
  stays    the release NFO: read for ids, left where it is

$d/heat.1995.remastered.1080p.bluray.x264-grp.srt
  kind     subtitle
  subtitle und
  target   assets/videos/$F/$F - Remastered.srt"
	[ "$(snapshot)" = "$before" ]
	plan_json "$R"
	# One document per file of the download.
	assert_equal "$(wc -l <"$PLAN")" 10
	run jq -c 'select(.role == "main") | [.match.tmdb, .match.evidence.by,
		.match.evidence.imdb, .match.evidence.from, .match.score, .review]' "$PLAN"
	assert_output '[949,"id","tt0113277","release NFO grp.nfo",null,null]'

	file_incoming
	m=$MV_DATA/Movies/m1.json
	assert_equal "$(jq -r .status "$m")" ready
	# Every target the plan printed is exactly where its file was
	# filed: the film, each subtitle and each extra, by its source.
	assert_equal "$(jq -r 'select(.role == "main") | .target' "$PLAN")" \
		"$(jq -r .videos[0].path "$m")"
	for role in subtitle:subtitles extra:extras; do
		want=$(jq -r --arg r "${role%%:*}" --arg d "$MV_DATA/" \
			'select(.role == $r) | [(.path | ltrimstr($d)), .target] | @tsv' "$PLAN" | sort)
		got=$(jq -r --arg k "${role#*:}" '.videos[0][$k][] | [.source, .path] | @tsv' "$m" | sort)
		[ -n "$want" ]
		assert_equal "$got" "$want"
	done
	jq -r 'select(.target != null) | .target' "$PLAN" | while IFS= read -r t; do
		[ -f "$MV_DATA/$t" ]
	done
	# What the plan said stays, stays; and nothing else is left.
	want=$(jq -r 'select(.target == null) | .path' "$PLAN" | sort)
	assert_equal "$(jq -r 'select(.target == null) | .stays' "$PLAN" | grep -c .)" 4
	assert_equal "$(find "$R" -type f | sort)" "$want"
}

@test "plan of a download whose film goes to review: its sidecars wait with it" {
	R=$IN/The.Thing.1080p.BluRay.x264-GRP
	mkvideo "$R/the.thing.1080p.bluray.x264-grp.mkv" 20000
	srt "$R/the.thing.1080p.bluray.x264-grp.en.srt" 'English'
	mkvideo "$R/Trailers/The Thing.mp4" 5000
	mvctl plan --json "$R" >"$PLAN"
	run jq -c '[.role, .review.reason // .stays, .target]' "$PLAN"
	assert_output '["main","ambiguous: 2 candidates match \"the thing\" and the name gives no year","quarantine/the.thing.1080p.bluray.x264-grp.mkv"]
["extra","waits where it is until the film'"'"'s review is resolved",null]
["subtitle","waits where it is until the film'"'"'s review is resolved",null]'
	file_incoming
	assert_equal "$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")" \
		quarantine/the.thing.1080p.bluray.x264-grp.mkv
	assert_equal "$(cd "$R" && find . -type f | LC_ALL=C sort)" "./Trailers/The Thing.mp4
./the.thing.1080p.bluray.x264-grp.en.srt"
}

@test "plan of a film the library has: review as a duplicate" {
	mkvideo "$IN/Heat.1995.mkv"
	file_incoming
	mkvideo "$BATS_TEST_TMPDIR/heat.1995.720p.mkv"
	before=$(snapshot)
	run -0 mvctl plan --json "$BATS_TEST_TMPDIR/heat.1995.720p.mkv"
	run jq -c '[.match.tmdb, .review.reason, .target]' <<<"$output"
	assert_output '[949,"duplicate of m1","quarantine/heat.1995.720p.mkv"]'
	[ "$(snapshot)" = "$before" ]
}

@test "plan of a file that is no video: it stays, with its kind" {
	srt "$IN/heat.en.srt" 'Heat'
	plan_prints "$IN/heat.en.srt" "heat.en.srt
  kind     subtitle
  stays    not a video: mvenrich files no such file alone; it stays where it is"
}

@test "plan: usage and a missing file" {
	run -64 --separate-stderr mvctl plan
	assert_equal "$stderr" "mvctl: expected one file or folder to plan
usage: mvctl plan FILE|DIR [--json]"
	run -66 --separate-stderr mvctl plan "$IN/nothing.mkv"
	assert_equal "$stderr" "mvctl: unable to plan $IN/nothing.mkv: No such file or directory"
}

@test "plan when TMDB fails: its exit code, nothing printed or changed" {
	stop_faketmdb
	start_faketmdb --error-rate 1 --error-status 500
	mkvideo "$IN/The.Matrix.1999.mkv"
	before=$(snapshot)
	MV_TMDB_RETRIES=0 run -75 --separate-stderr mvctl plan "$IN/The.Matrix.1999.mkv"
	assert_output ''
	assert_equal "$stderr" "mvctl: unable to fetch /search/movie: HTTP 500 (retries exhausted)
mvctl: unable to plan $IN/The.Matrix.1999.mkv: TMDB failed (tempfail)"
	[ "$(snapshot)" = "$before" ]
}

@test "plan with the probe on: a file that is no video goes to review, as filing sends it" {
	export MV_PROBE=on
	# Text, not random bytes: ffprobe's answer to it never varies.
	printf 'hello\n' >"$IN/Heat.1995.mkv"
	before=$(snapshot)
	plan_json "$IN/Heat.1995.mkv"
	run jq -c '[.match, .review.reason, .target]' "$PLAN"
	assert_output '[null,"not a video: ffprobe failed: Invalid data found when processing input","quarantine/Heat.1995.mkv"]'
	filed_to_review_as_planned
}

@test "plan with the probe on: a sample matched to the film goes to review, as filing sends it" {
	export MV_PROBE=on
	cp "$(media_video small)" "$IN/Heat.1995.mkv"
	before=$(snapshot)
	plan_json "$IN/Heat.1995.mkv"
	run jq -c '[.match.tmdb, .review.reason, .target]' "$PLAN"
	assert_output '[949,"sample: 2 s long, and TMDB says the film runs 170 min","quarantine/Heat.1995.mkv"]'
	filed_to_review_as_planned
}

@test "plan of a loose subtitle names the video it is filed with, by the longest stem" {
	printf 'v' >"$IN/Heat.1995.mkv"
	printf 'e' >"$IN/Heat.1995.Extended.mkv"
	srt "$IN/Heat.1995.en.srt" 'Heat'
	srt "$IN/Heat.1995.Extended.fr.srt" 'Heat'
	srt "$IN/Other.en.srt" 'Other'
	before=$(snapshot)
	plan_prints "$IN/Heat.1995.en.srt" "Heat.1995.en.srt
  kind     subtitle
  stays    a subtitle of Heat.1995.mkv beside it: filed with that video, never alone (mvctl plan $IN/Heat.1995.mkv)"
	# Both videos' stems start this one's name: the longer one owns it,
	# as filing decides (mv_download_loose).
	run -0 --separate-stderr mvctl plan "$IN/Heat.1995.Extended.fr.srt"
	assert_line --index 2 "  stays    a subtitle of Heat.1995.Extended.mkv beside it: filed with that video, never alone (mvctl plan $IN/Heat.1995.Extended.mkv)"
	# No video claims it: it stays, as before.
	run -0 --separate-stderr mvctl plan "$IN/Other.en.srt"
	assert_line --index 2 "  stays    not a video: mvenrich files no such file alone; it stays where it is"
	run -0 --separate-stderr mvctl plan --json "$IN/Heat.1995.en.srt"
	assert_equal "$(jq -r .stays <<<"$output")" "a subtitle of Heat.1995.mkv beside it: filed with that video, never alone (mvctl plan $IN/Heat.1995.mkv)"
	# Plan changes nothing.
	assert_equal "$(snapshot)" "$before"
	# And filing agrees: the Extended video takes the fr subtitle.
	file_incoming
	run jq -r '.videos[] | "\(.path) \([.subtitles[]?.lang] | join(","))"' "$MV_DATA"/Movies/*.json
	assert_output "assets/videos/$F/$F.mkv en
assets/videos/$F/$F - Extended.mkv fr"
}
