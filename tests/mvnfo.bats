#!/usr/bin/env bats
# mvnfo: the Kodi NFO, poster and fanart beside each filed video. Every
# NFO written is parsed with xmllint and its fields checked against the
# profile it came from.

load test_helper
load faketmdb
load fixtures/mvenrich/helpers

setup() {
	mv_test_env
	export MV_TMDB_RETRIES=0
	mkdir -p "$MV_DATA/incoming"
	# The offline sample, with a collection and a title that XML must
	# escape (& < > quotes, accents, a control character) on movie 63.
	tmdb=$BATS_TEST_TMPDIR/tmdb
	cp -r "$MV_TOP/data/sample/tmdb" "$tmdb"
	jq '.title = "Twelve & <Monkeys> \"L\u0027Armée\"\u0001 des 12 singes"
		| .belongs_to_collection = {id: 4242, name: "Monkeys & Co. Collection"}' \
		"$MV_TOP/data/sample/tmdb/movie/63.json" >"$tmdb/movie/63.json"
	start_faketmdb --root "$tmdb"
	mkvideo "$MV_DATA/incoming/Twelve.Monkeys.1995.mkv"
}

teardown() {
	stop_faketmdb
}

# The profile of m1, and the NFO beside its video.
nfo_of() {
	local v
	v=$(jq -r .videos[0].path "$MV_DATA/Movies/$1.json")
	echo "$MV_DATA/${v%.*}.nfo"
}

# xpath EXPR on the NFO of m1, as a string.
x() {
	xmllint --xpath "$1" "$(nfo_of m1)"
}

# A string member of the profile of m1 as XML can hold it: without the
# C0 controls that XML 1.0 cannot carry.
xmltext() {
	jq -r "$1"' | gsub("[\u0000-\u0008\u000b\u000c\u000e-\u001f]"; "")' "$2"
}

# Every field of the NFO that basic knows equals the profile's.
basic_fields_match() {
	local p=$MV_DATA/Movies/m1.json
	xmllint --noout "$(nfo_of m1)"
	[ "$(x 'string(/movie/title)')" = "$(xmltext .title "$p")" ]
	[ "$(x 'string(/movie/originaltitle)')" = "$(xmltext .originalTitle "$p")" ]
	[ "$(x 'string(/movie/sorttitle)')" = "$(xmltext .title "$p")" ]
	[ "$(x 'string(/movie/year)')" = "$(jq -r .year "$p")" ]
	[ "$(x 'string(/movie/premiered)')" = "$(jq -r .releaseDate "$p")" ]
	[ "$(x 'string(/movie/runtime)')" = "$(jq -r .runtime "$p")" ]
	[ "$(x 'string(/movie/plot)')" = "$(jq -r .overview "$p")" ]
	[ "$(x 'string(/movie/tagline)')" = "$(jq -r .tagline "$p")" ]
	[ "$(x 'string(/movie/uniqueid[@type="tmdb"][@default="true"])')" = "$(jq -r .externalIds.tmdb "$p")" ]
	[ "$(x 'string(/movie/uniqueid[@type="imdb"])')" = "$(jq -r .externalIds.imdb "$p")" ]
	[ "$(x 'count(/movie/uniqueid[@default="true"])')" = 1 ]
	[ "$(x 'string(/movie/set/name)')" = "$(jq -r .collection.name "$p")" ]
	[ "$(xmllint --xpath '/movie/genre/text()' "$(nfo_of m1)")" = "$(jq -r '.genres[]' "$p")" ]
	[ "$(xmllint --xpath '/movie/studio/text()' "$(nfo_of m1)")" = "$(jq -r '.productionCompanies[]' "$p")" ]
}

@test "mvnfo: a filed movie at basic gets an NFO whose fields are the profile's" {
	out=$BATS_TEST_TMPDIR/out
	mvwatch --once --settle 0 | mvenrich >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mvnfo <"$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" ""
	# Every event passes through unchanged.
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/in")"
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	profiles_valid
	basic_fields_match
	# The collection is kept at basic, in the profile.
	run jq -c .collection "$MV_DATA/Movies/m1.json"
	assert_output '{"tmdb":4242,"name":"Monkeys & Co. Collection"}'
	# Nothing of medium yet; no artwork before deep.
	[ "$(x 'count(/movie/actor)')" = 0 ]
	[ "$(x 'count(/movie/director)')" = 0 ]
	v=$(nfo_of m1)
	[ ! -e "${v%.nfo}-poster.jpg" ] && [ ! -e "${v%.nfo}-fanart.jpg" ]
	# The NFO sits beside the video, under the video's base name.
	[ -f "${v%.nfo}.mkv" ]
}

@test "mvnfo: XML escaping keeps any title whole: & < > quotes, accents; control characters dropped" {
	mvwatch --once --settle 0 | mvenrich | mvnfo >/dev/null
	run jq -r .title "$MV_DATA/Movies/m1.json"
	assert_output "$(printf 'Twelve & <Monkeys> "L\x27Armée"\x01 des 12 singes')"
	run x 'string(/movie/title)'
	assert_output "Twelve & <Monkeys> \"L'Armée\" des 12 singes"
	grep -qF '<title>Twelve &amp; &lt;Monkeys&gt; &quot;L&apos;Armée&quot; des 12 singes</title>' "$(nfo_of m1)"
	run x 'string(/movie/set/name)'
	assert_output "Monkeys & Co. Collection"
}

@test "mvnfo: at deep, credits, actors with role, order and thumb, and the poster and fanart as links" {
	mvwatch --once --settle 0 | mvenrich | mvnfo >/dev/null
	ev_requested m1 deep | mvenrich | mvnfo >/dev/null
	p=$MV_DATA/Movies/m1.json
	[ "$(jq -r .level "$p")" = deep ]
	basic_fields_match
	[ "$(x 'count(/movie/actor)')" = "$(jq '.credits.cast | length' "$p")" ]
	[ "$(x 'string(/movie/actor[1]/name)')" = "$(jq -r '.credits.cast[0].name' "$p")" ]
	[ "$(x 'string(/movie/actor[1]/role)')" = "$(jq -r '.credits.cast[0].character' "$p")" ]
	[ "$(x 'string(/movie/actor[2]/order)')" = "$(jq -r '.credits.cast[1].order' "$p")" ]
	person=$(jq -r '.credits.cast[0].person' "$p")
	[ "$(x 'string(/movie/actor[1]/thumb)')" = \
		"https://image.tmdb.org/t/p/original$(jq -r .profilePath "$MV_DATA/People/$person.json")" ]
	[ "$(xmllint --xpath '/movie/director/text()' "$(nfo_of m1)")" = \
		"$(jq -r '.credits.crew[] | select(.job == "Director") | .name' "$p")" ]
	[ "$(xmllint --xpath '/movie/country/text()' "$(nfo_of m1)")" = "$(jq -r '.productionCountries[]' "$p")" ]
	[ "$(x 'string(/movie/mpaa)')" = "$(jq -r .certification "$p")" ]
	v=$(nfo_of m1)
	[ "${v%.nfo}-poster.jpg" -ef "$MV_DATA/$(jq -r .images.poster "$p")" ]
	[ "${v%.nfo}-fanart.jpg" -ef "$MV_DATA/$(jq -r .images.backdrop "$p")" ]
}

@test "mvnfo: a downgrade never strips the NFO below what basic knew" {
	mvwatch --once --settle 0 | mvenrich | mvnfo >/dev/null
	ev_requested m1 medium | mvenrich | mvnfo >/dev/null
	[ "$(x 'count(/movie/actor)')" -gt 0 ]
	# To basic: the NFO follows the profile, credits go, basic stays.
	mvctl downgrade --level light --unread-since 0s >/dev/null
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	run -0 mvctl export m1
	assert_output "m1: wrote nfo"
	[ "$(x 'count(/movie/actor)')" = 0 ]
	basic_fields_match
	cp "$MV_DATA/Movies/m1.json" "$BATS_TEST_TMPDIR/basic.json"
	before=$(sha "$(nfo_of m1)")
	# To minimal: the NFO is kept as basic wrote it.
	mvctl downgrade --level minimal --unread-since 0s >/dev/null
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = minimal ]
	jq -nc '{specversion:"1.0", id:"d1", source:"t", type:"mv.movie.downgraded",
		subject:"m1", data:{id:"m1", level:"minimal", from:"basic"}}' | mvnfo >/dev/null
	[ "$(sha "$(nfo_of m1)")" = "$before" ]
	run -0 mvctl export m1
	assert_output "m1: kept (below basic)"
	p=$BATS_TEST_TMPDIR/basic.json
	[ "$(x 'string(/movie/plot)')" = "$(jq -r .overview "$p")" ]
	[ "$(x 'string(/movie/uniqueid[@type="tmdb"])')" = "$(jq -r .externalIds.tmdb "$p")" ]
}

@test "mvnfo: nfo = off in the config writes nothing and passes every event through" {
	echo 'nfo = off' >"$BATS_TEST_TMPDIR/config"
	export MV_CONFIG=$BATS_TEST_TMPDIR/config
	mvwatch --once --settle 0 | mvenrich >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr mvnfo <"$BATS_TEST_TMPDIR/in"
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/in")"
	assert_equal "$stderr" ""
	run find "$MV_DATA/assets/videos" -name '*.nfo'
	assert_output ""
	# MV_NFO wins over the file; an explicit export writes all the same.
	MV_NFO=on mvnfo <"$BATS_TEST_TMPDIR/in" >/dev/null
	[ -f "$(nfo_of m1)" ]
	rm "$(nfo_of m1)"
	run -0 mvctl export --all
	assert_output "m1: wrote nfo"
	xmllint --noout "$(nfo_of m1)"
}

@test "mvctl export: --all, ids by any token; up to date is said; errors change nothing" {
	mvwatch --once --settle 0 | mvenrich >/dev/null
	mvctl add 949 >/dev/null
	run -0 mvctl export --all
	assert_output $'m1: wrote nfo\nm2: no filed video'
	basic_fields_match
	run -0 mvctl export tmdb:63
	assert_output "m1: up to date"
	before=$(tree_digest "$MV_DATA/assets")
	run -1 --separate-stderr mvctl export m1 m99
	assert_output ""
	assert_equal "$stderr" "mvctl: no movie m99 in the library"
	run -64 --separate-stderr mvctl export
	assert_equal "${stderr_lines[0]}" "mvctl: an ID or --all is needed"
	run -64 --separate-stderr mvctl export --all m1
	assert_equal "${stderr_lines[0]}" "mvctl: --all takes no ID"
	run -64 --separate-stderr mvnfo --all m1
	run -64 --separate-stderr mvnfo notanid
	assert_equal "$stderr" "mvnfo: not a movie id: notanid"
	[ "$(tree_digest "$MV_DATA/assets")" = "$before" ]
}

@test "mvnfo: a bad line is reported with its number and skipped" {
	mvwatch --once --settle 0 | mvenrich >"$BATS_TEST_TMPDIR/in"
	{ echo 'not json'; cat "$BATS_TEST_TMPDIR/in"; } >"$BATS_TEST_TMPDIR/in2"
	run -0 --separate-stderr mvnfo <"$BATS_TEST_TMPDIR/in2"
	assert_equal "$stderr" "mvnfo: stdin:1: invalid JSON, skipped"
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/in")"
	xmllint --noout "$(nfo_of m1)"
}

@test "mvnfo: fileinfo/streamdetails from the probe's video.media" {
	mvwatch --once --settle 0 | mvenrich >/dev/null
	p=$MV_DATA/Movies/m1.json
	jq '.videos[0].media = {duration: 7740.4, video: {codec: "h264", width: 1920, height: 1080, hdr: "HDR10"},
		audio: [{codec: "aac", channels: 6, language: "eng"}, {codec: "ac3", channels: 2, language: "fre"}],
		subtitles: [{language: "fre"}]}' "$p" >"$p.new" && mv "$p.new" "$p"
	run -0 mvctl export m1
	assert_output "m1: wrote nfo"
	run x 'concat(/movie/fileinfo/streamdetails/video/codec, " ", /movie/fileinfo/streamdetails/video/width, "x",
		/movie/fileinfo/streamdetails/video/height, " ", /movie/fileinfo/streamdetails/video/durationinseconds, " ",
		/movie/fileinfo/streamdetails/video/hdrtype)'
	assert_output "h264 1920x1080 7740 HDR10"
	run x 'count(/movie/fileinfo/streamdetails/audio)'
	assert_output 2
	run x 'concat(/movie/fileinfo/streamdetails/audio[2]/language, " ", /movie/fileinfo/streamdetails/audio[1]/channels, " ",
		/movie/fileinfo/streamdetails/subtitle/language)'
	assert_output "fre 6 fre"
}

@test "mvctl export after gc trimmed the images: the NFO is written, the art is said missing, enrich fetches it again" {
	mvwatch --once --settle 0 | mvenrich | mvnfo >/dev/null
	ev_requested m1 deep | mvenrich | mvnfo >/dev/null
	p=$MV_DATA/Movies/m1.json
	v=$(nfo_of m1)
	poster=$(jq -r .images.poster "$p")
	[ -f "$MV_DATA/$poster" ]
	# The posters and backdrops leave the cache; the NFO and the art
	# beside the video were placed before, so remove them too.
	run -0 mvctl gc --images-max 1K
	[ ! -e "$MV_DATA/$poster" ]
	rm "$v" "${v%.nfo}-poster.jpg" "${v%.nfo}-fanart.jpg"
	run -0 --separate-stderr mvctl export m1
	assert_output "m1: wrote nfo"
	assert_equal "${stderr_lines[0]}" "mvnfo: m1: $poster is no longer in the image cache (trimmed by mvctl gc); kept ${v%.nfo}-poster.jpg as it is; mvctl enrich m1 --level deep fetches it again"
	[ "${#stderr_lines[@]}" -eq 2 ]
	basic_fields_match
	[ ! -e "${v%.nfo}-poster.jpg" ]
	# What the message says brings the image back, and export places it.
	run -0 mvctl enrich m1 --level deep
	[ -f "$MV_DATA/$poster" ]
	run -0 --separate-stderr mvctl export m1
	[ -z "$stderr" ]
	[ "${v%.nfo}-poster.jpg" -ef "$MV_DATA/$poster" ]
}
