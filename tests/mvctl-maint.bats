#!/usr/bin/env bats
# mvctl: the maintenance verbs (check, migrate, repair, gc), add, parse,
# and the verbs that run other tools (reindex, stats, downgrade).

load test_helper
load faketmdb

setup() {
	mv_test_env
	cp -r "$(fixture mvctl lib)" "$MV_DATA"
	# The fixture's index is hand-made; let mvindex write its own.
	if [ -x "$MV_BUILD/bin/mvindex" ]; then
		mvindex --rebuild >/dev/null 2>&1
	fi
}

teardown() {
	[ -z "${FAKE_PID:-}" ] || stop_group "$FAKE_PID"
	[ -z "${FAKETMDB_PID:-}" ] || stop_faketmdb
}

need_tool() {
	[ -x "$MV_BUILD/bin/$1" ] || skip "$1 is not built yet"
}

# Hold run/pipeline.lock like a running supervisor.
fake_pipeline() {
	setsid flock "$MV_DATA/run/pipeline.lock" sh -c "touch '$BATS_TEST_TMPDIR/locked'; exec sleep 300" &
	FAKE_PID=$!
	wait_for_file "$BATS_TEST_TMPDIR/locked"
}

@test "check: a sound library passes with a one-line summary" {
	need_tool mvindex
	run -0 --separate-stderr mvctl check
	assert_output "check: 9 documents, 0 invalid; index consistent; 0 orphan videos; 0 missed in incoming/; 0 half-done filings; 0 notes: ok"
	run -0 mvctl check --json
	assert_equal "$(jq -c .summary <<<"$output")" \
		'{"documents":9,"invalid":0,"indexConsistent":true,"indexChecked":true,"orphanVideos":0,"missedIncoming":0,"halfDoneFilings":0,"notes":0,"ok":true,"bootOk":true}'
	run -64 mvctl check extra
}

@test "check: every kind of problem, one line each, exit 1" {
	need_tool mvindex
	jq '.year = "1979"' "$MV_DATA/Movies/m2.json" >"$MV_DATA/Movies/m2.json.new"
	mv "$MV_DATA/Movies/m2.json.new" "$MV_DATA/Movies/m2.json"
	echo video >"$MV_DATA/assets/videos/Lost (2001).mkv"
	echo video >"$MV_DATA/incoming/Old.Film.2001.mkv"
	touch -d 2026-01-01T00:00:00Z "$MV_DATA/incoming/Old.Film.2001.mkv"
	echo video >"$MV_DATA/incoming/New.Film.2001.mkv"
	touch -d 2026-01-20T11:30:00Z "$MV_DATA/incoming/New.Film.2001.mkv"
	mkdir -p "$MV_DATA/run/filing"
	echo '{}' >"$MV_DATA/run/filing/m9.json"
	local before
	before=$(tree_digest "$MV_DATA")
	MV_NOW=2026-01-20T12:00:00Z run -1 --separate-stderr mvctl check
	assert_line --regexp '^Movies/m2.json: /year: type: '
	assert_line "assets/videos/Lost (2001).mkv: no profile points at this video"
	assert_line "incoming/Old.Film.2001.mkv: not filed after 19d12h"
	refute_line --partial "New.Film"
	assert_line "run/filing/m9.json: half-done filing (mvctl repair finishes it)"
	assert_line --index -1 --regexp "^check: 9 documents, 1 invalid; index .*; 1 orphan videos; 1 missed in incoming/; 1 half-done filings; 0 notes: FAILED$"
	# check never changes anything.
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	MV_NOW=2026-01-20T12:00:00Z run -1 --separate-stderr mvctl check --json
	assert_equal "$(jq -s -c '[.[] | select(.kind) | .kind] | sort' <<<"$output")" \
		'["filing","incoming","index","orphan","schema"]'
	assert_equal "$(jq -s -c '.[] | select(.kind == "schema") | [.file, .pointer, .keyword]' <<<"$output")" \
		'["Movies/m2.json","/year","type"]'
	assert_equal "$(jq -s -c '[.[] | select(.kind) | .severity] | unique' <<<"$output")" '["problem"]'
	# --boot: an invalid document and a half-done filing block a start.
	MV_NOW=2026-01-20T12:00:00Z run -1 --separate-stderr mvctl check --boot
	assert_line --index -1 --regexp "^check: .*; 1 half-done filings; 0 notes: FAILED$"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
}

@test "check: a file in incoming/ that is not a video is a note, exit 0" {
	need_tool mvindex
	local f
	mkdir -p "$MV_DATA/incoming/Heat.1995/Sample" "$MV_DATA/incoming/Heat.1995/Subs"
	for f in Heat.1995.srt Heat.1995/Subs/2_English.srt Heat.1995/grp.nfo Heat.1995/RARBG.txt \
		Heat.1995/Sample/heat-sample.mkv Heat.1995/heat.r00 Heat.1995.mkv.part; do
		echo x >"$MV_DATA/incoming/$f"
		touch -d 2026-01-17T12:00:00Z "$MV_DATA/incoming/$f"
	done
	local before
	before=$(tree_digest "$MV_DATA")
	MV_NOW=2026-01-20T12:00:00Z run -0 --separate-stderr mvctl check
	assert_equal "$output" "note: incoming/Heat.1995/RARBG.txt is not a video (junk); it stays there (remove it)
note: incoming/Heat.1995/Sample/heat-sample.mkv is not a video (sample); it stays there (remove it)
note: incoming/Heat.1995/Subs/2_English.srt is not a video (subtitle); it stays there (remove it or keep it beside its video)
note: incoming/Heat.1995/grp.nfo is not a video (nfo); it stays there (remove it or keep it beside its video)
note: incoming/Heat.1995/heat.r00 is not a video (archive); it stays there (extract its video into incoming/, then remove it)
note: incoming/Heat.1995.mkv.part is not a video (partial); it stays there (a download not finished: it is filed once it has its final name; remove it if the download was abandoned)
note: incoming/Heat.1995.srt is not a video (subtitle); it stays there (remove it or keep it beside its video)
check: 9 documents, 0 invalid; index consistent; 0 orphan videos; 0 missed in incoming/; 0 half-done filings; 7 notes: ok"
	[ -z "$stderr" ]
	MV_NOW=2026-01-20T12:00:00Z run -0 --separate-stderr mvctl check --json
	assert_equal "$(jq -s -c '[.[] | select(.severity == "note") | .media] | sort' <<<"$output")" \
		'["archive","junk","nfo","partial","sample","subtitle","subtitle"]'
	assert_equal "$(jq -s -c '[.[] | select(.severity == "problem")] | length' <<<"$output")" 0
	assert_equal "$(jq -s -c '.[-1].summary | [.notes, .missedIncoming, .ok, .bootOk]' <<<"$output")" \
		'[7,0,true,true]'
	# Within the grace nothing is said at all.
	MV_NOW=2026-01-17T12:30:00Z run -0 --separate-stderr mvctl check
	assert_output "check: 9 documents, 0 invalid; index consistent; 0 orphan videos; 0 missed in incoming/; 0 half-done filings; 0 notes: ok"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
}

@test "check --boot: a video stuck in incoming/ fails check but not --boot" {
	need_tool mvindex
	echo video >"$MV_DATA/incoming/Heat.1995.mkv"
	touch -d 2026-01-17T12:00:00Z "$MV_DATA/incoming/Heat.1995.mkv"
	MV_NOW=2026-01-20T12:00:00Z run -1 --separate-stderr mvctl check
	assert_output "incoming/Heat.1995.mkv: not filed after 3d00h
check: 9 documents, 0 invalid; index consistent; 0 orphan videos; 1 missed in incoming/; 0 half-done filings; 0 notes: FAILED"
	MV_NOW=2026-01-20T12:00:00Z run -0 --separate-stderr mvctl check --boot
	assert_output "incoming/Heat.1995.mkv: not filed after 3d00h
check: 9 documents, 0 invalid; index consistent; 0 orphan videos; 1 missed in incoming/; 0 half-done filings; 0 notes: ok to start"
	MV_NOW=2026-01-20T12:00:00Z run -0 mvctl check --boot --json
	assert_equal "$(jq -s -c '.[-1].summary | [.missedIncoming, .ok, .bootOk]' <<<"$output")" '[1,false,true]'
	run -64 mvctl check --boot extra
}

@test "check: a profile whose id is not its file name, a missing video, broken JSON" {
	need_tool mvindex
	cp "$MV_DATA/Movies/m1.json" "$MV_DATA/Movies/m7.json"
	rm "$MV_DATA/assets/videos/The Matrix (1999) [tmdbid-603]/The Matrix (1999) [tmdbid-603].mkv"
	echo '{' >"$MV_DATA/People/p9.json"
	run -1 --separate-stderr mvctl check
	assert_line "Movies/m7.json: /id: id does not match the file name"
	assert_line "Movies/m3.json: /videos/0/path: video missing: assets/videos/The Matrix (1999) [tmdbid-603]/The Matrix (1999) [tmdbid-603].mkv"
	assert_line --regexp "^People/p9.json: unable to read: "
}

@test "check: mvindex checks the index beside the documents, and its lines still come after theirs" {
	need_tool mvindex
	echo '{' >"$MV_DATA/People/p9.json"
	jq '.title = "Matrix"' "$MV_DATA/Movies/m3.json" >"$BATS_TEST_TMPDIR/m3"
	mv "$BATS_TEST_TMPDIR/m3" "$MV_DATA/Movies/m3.json"
	# stdout and stderr as one stream: the documents' problem, then
	# mvindex's message on the profile it skips, then its report (on
	# stdout as ever), then what check makes of it.
	run -1 mvctl --text check
	[ "${#lines[@]}" -eq 5 ]
	assert_line --index 0 --regexp "^People/p9.json: unable to read: "
	assert_line --index 1 --regexp "^mvindex: unable to read People/p9.json: "
	assert_line --index 2 "movies: m3: differs: title"
	assert_line --index 3 --partial "index/: inconsistent with Movies/ and People/ (mvindex --check exit 1)"
	assert_line --index 4 --regexp "^check: .* index inconsistent; .*: FAILED$"
	# JSON: mvindex's lines on stderr, stdout NDJSON only.
	want=$(printf '%s\n' "${lines[1]}" "${lines[2]}")
	run -1 --separate-stderr mvctl check --json
	jq -e . <<<"$output" >/dev/null
	assert_equal "$stderr" "$want"
}

@test "check: strings that are not UTF-8 are problems, by JSON pointer" {
	need_tool mvindex
	# Latin-1 bytes in a value and in a member name: cJSON reads them,
	# the schemas cannot see them.
	jq -c '.title = "CAFE" | .titles = {"a/b": "X"}' "$MV_DATA/Movies/m1.json" |
		sed -e 's/CAFE/Caf\xe9/' -e 's/"X"/"\xff"/' >"$MV_DATA/Movies/m1.json.new"
	mv "$MV_DATA/Movies/m1.json.new" "$MV_DATA/Movies/m1.json"
	jq -c '.name = "N"' "$MV_DATA/People/p1.json" | sed 's/"name":"N"/"name":"N","\xc3":1/' \
		>"$MV_DATA/People/p1.json.new"
	mv "$MV_DATA/People/p1.json.new" "$MV_DATA/People/p1.json"
	run -1 --separate-stderr mvctl check
	assert_line "Movies/m1.json: /title: not UTF-8"
	assert_line "Movies/m1.json: /titles/a~1b: not UTF-8"
	assert_line "People/p1.json: (root): a member name is not UTF-8"
	assert_line --index -1 --regexp '^check: 9 documents, 2 invalid; '
}

@test "migrate: a v0 document is upgraded atomically; --dry-run changes nothing" {
	cp "$(fixture mvctl v0/m4.json)" "$MV_DATA/Movies/m4.json"
	local before
	before=$(tree_digest "$MV_DATA")
	run -0 mvctl migrate --dry-run --text
	assert_line --index 0 "Movies/m4.json: schemaVersion 0 -> 2 (dry run)"
	assert_line --index 1 "migrate: 1 would be migrated, 9 already current, 0 failed"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -0 mvctl migrate
	assert_line --index 1 "migrate: 1 migrated, 9 already current, 0 failed"
	mvctl validate MovieProfile.json "$MV_DATA/Movies/m4.json"
	assert_equal "$(jq -c '[.schemaVersion, .level, .externalIds.tmdb, has("tmdbId")]' "$MV_DATA/Movies/m4.json")" '[2,"basic",68,false]'
	assert_equal "$(find "$MV_DATA/Movies" -name '.*' | wc -l)" 0
	run -0 mvctl migrate --json
	assert_output '{"migrated":0,"current":10,"failed":0,"moved":0,"moveFailed":0,"dryRun":false}'
}

@test "migrate: a v1 library becomes v2 (video -> videos[], TMDB's videos -> trailers); check notes it until then" {
	need_tool mvindex
	cp "$(fixture mvctl v1/m1.json)" "$(fixture mvctl v1/m2.json)" "$(fixture mvctl v1/m3.json)" "$MV_DATA/Movies/"
	jq '.videos = [{site: "YouTube", key: "k1", type: "Trailer", name: "T"}]' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	mvindex --rebuild >/dev/null 2>&1
	local items before
	items=$(jq -c '[.items[] | [.id, .video, .added]]' "$(movies_index "$MV_DATA")")
	assert_equal "$(jq -c '[.[] | .[1] != null]' <<<"$items")" '[true,false,true]'
	# Every tool reads v1: check passes with a note per movie.
	run -0 --separate-stderr mvctl check --text
	local i
	for i in 1 2 3; do
		assert_line "note: Movies/m$i.json is of schemaVersion 1: every tool reads it, run mvctl migrate to rewrite it as version 2"
	done
	assert_line --index -1 --regexp '; 3 notes: ok$'
	run -0 mvctl check --json
	assert_equal "$(jq -c 'select(.kind == "migrate") | [.severity, .file, has("media")]' <<<"$output" | head -1)" '["note","Movies/m1.json",false]'
	before=$(tree_digest "$MV_DATA")
	run -0 --separate-stderr mvctl migrate --dry-run --text
	assert_output "Movies/m1.json: schemaVersion 1 -> 2 (dry run)
Movies/m2.json: schemaVersion 1 -> 2 (dry run)
Movies/m3.json: schemaVersion 1 -> 2 (dry run)
migrate: 3 would be migrated, 6 already current, 0 failed"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -0 --separate-stderr mvctl migrate --text
	assert_line --index 3 "migrate: 3 migrated, 6 already current, 0 failed"
	mvctl validate MovieProfile.json "$MV_DATA"/Movies/m*.json
	assert_equal "$(jq -c '[.schemaVersion, .videos[0].path, has("video"), .trailers[0].key]' "$MV_DATA/Movies/m1.json")" \
		'[2,"assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv",false,"k1"]'
	assert_equal "$(jq -c '[.schemaVersion, .videos, has("video"), has("trailers")]' "$MV_DATA/Movies/m2.json")" '[2,[],false,false]'
	# Only the shape changed: the rest is as it was, the index too.
	assert_equal "$(jq -S 'del(.schemaVersion, .videos, .trailers)' "$MV_DATA/Movies/m3.json")" \
		"$(jq -S 'del(.schemaVersion, .video)' "$(fixture mvctl v1/m3.json)")"
	assert_equal "$(jq -c '[.items[] | [.id, .video, .added]]' "$(movies_index "$MV_DATA")")" "$items"
	run -0 mvctl check --text
	assert_line --index -1 --regexp '; 0 notes: ok$'
	# Idempotent: a second migrate changes nothing.
	before=$(tree_digest "$MV_DATA")
	run -0 mvctl migrate --json
	assert_output '{"migrated":0,"current":9,"failed":0,"moved":0,"moveFailed":0,"dryRun":false}'
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
}

@test "migrate: a person at basic (people are minimal or deep) becomes minimal" {
	jq '.level = "basic" | .levels = {minimal: .createdAt, basic: .createdAt}' \
		"$MV_DATA/People/p2.json" >"$BATS_TEST_TMPDIR/p2.json"
	mv "$BATS_TEST_TMPDIR/p2.json" "$MV_DATA/People/p2.json"
	run -1 mvctl validate PeopleProfile.json "$MV_DATA/People/p2.json"
	run -0 mvctl migrate --text
	assert_line --index 0 "People/p2.json: schemaVersion 1 -> 1"
	assert_line --index 1 "migrate: 1 migrated, 8 already current, 0 failed"
	mvctl validate PeopleProfile.json "$MV_DATA/People/p2.json"
	assert_equal "$(jq -c '[.level, (.levels | keys)]' "$MV_DATA/People/p2.json")" '["minimal",["minimal"]]'
}

@test "migrate: an unknown version fails with 65 and is left alone" {
	cp "$(fixture mvctl v0/m5-future.json)" "$MV_DATA/Movies/m5.json"
	run -65 --separate-stderr mvctl migrate --text
	assert_equal "$stderr" "mvctl: unable to migrate Movies/m5.json: unknown schemaVersion 7"
	cmp "$(fixture mvctl v0/m5-future.json)" "$MV_DATA/Movies/m5.json"
}

@test "migrate and repair refuse while the pipeline runs (75), change nothing" {
	cp "$(fixture mvctl v0/m4.json)" "$MV_DATA/Movies/m4.json"
	fake_pipeline
	local before
	before=$(tree_digest "$MV_DATA")
	run -75 --separate-stderr mvctl migrate
	assert_equal "$stderr" "mvctl: unable to migrate: the pipeline is running; stop it first (systemctl stop mv-pipeline)"
	run -75 mvctl repair
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	# A dry run only reads.
	run -0 mvctl migrate --dry-run
}

@test "repair: nothing to do on a sound library" {
	need_tool mvindex
	run -0 mvctl repair
	assert_output "repair: nothing to repair"
}

@test "repair: migrates, finishes a half-done filing, rebuilds the index, lists what it left" {
	need_tool mvindex
	cp "$(fixture mvctl v0/m4.json)" "$MV_DATA/Movies/m4.json"
	echo video >"$MV_DATA/assets/videos/Lost (2001).mkv"
	rm "$MV_DATA/index/movies.json"
	run --separate-stderr mvctl repair --dry-run
	assert_line --partial "repair: would finish 0 half-done filings"
	[ ! -e "$MV_DATA/index/movies.json" ]
	run -0 --separate-stderr mvctl repair
	assert_line "migrated 1 documents"
	assert_line "rebuilt the indexes"
	assert_line "left alone: 0 invalid documents, 1 orphan videos (see mvctl check; mvctl add FILE files an orphan)"
	assert_equal "$(jq .count "$(movies_index "$MV_DATA")")" 4
}

@test "gc: trims the cache to its bound, oldest first; images in use go last" {
	local i
	for i in 1 2 3 4; do
		head -c 1000 /dev/zero >"$MV_DATA/cache/tmdb/c$i.json"
		touch -d "2026-01-0${i}T00:00:00Z" "$MV_DATA/cache/tmdb/c$i.json"
	done
	head -c 1000 /dev/zero >"$MV_DATA/assets/images/used.jpg"
	head -c 1000 /dev/zero >"$MV_DATA/assets/images/unused.jpg"
	touch -d 2026-01-01T00:00:00Z "$MV_DATA/assets/images/used.jpg"
	jq '.images = {"poster": "assets/images/used.jpg", "backdrop": null}' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	cp "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	local before
	before=$(tree_digest "$MV_DATA")
	run -0 mvctl gc --cache-max 2500 --images-max 1K --dry-run --text
	assert_line --index 0 "cache/tmdb: 4000 bytes, bound 2500: would remove 2 files, 2000 bytes"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -0 mvctl gc --cache-max 2500 --images-max 1K --json
	assert_equal "$(jq -s -c '[.[] | [.dir, .after, .removed]]' <<<"$output")" \
		'[["cache/tmdb",2000,2],["assets/images",1000,1]]'
	[ ! -e "$MV_DATA/cache/tmdb/c1.json" ] && [ ! -e "$MV_DATA/cache/tmdb/c2.json" ]
	[ -e "$MV_DATA/cache/tmdb/c3.json" ] && [ -e "$MV_DATA/cache/tmdb/c4.json" ]
	[ -e "$MV_DATA/assets/images/used.jpg" ] && [ ! -e "$MV_DATA/assets/images/unused.jpg" ]
	run -64 mvctl gc --cache-max lots
	MV_TMDB_CACHE_MAX=lots run -78 mvctl gc
}

# A release folder as downloads leave it, plus a folder of junk only,
# one empty already, an unknown name, a symlink named as junk, a hidden
# name and a video being filed (a journal in run/filing/ names it).
incoming_leftovers() {
	local in=$MV_DATA/incoming r=$MV_DATA/incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	mkdir -p "$r/Subs" "$r/Sample" "$r/Featurettes" "$in/Junk.Only/deeper" "$in/Empty"
	printf v >"$r/heat.1995.remastered.1080p.bluray.x264-grp.mkv"
	printf s >"$r/heat.1995.remastered.1080p.bluray.x264-grp.srt"
	printf s >"$r/Subs/2_English.srt"
	printf x >"$r/Sample/heat-sample.mkv"
	printf e >"$r/Featurettes/Making of Heat.mkv"
	printf n >"$r/grp.nfo"
	printf p >"$r/poster.jpg"
	printf rar >"$r/heat.rar"
	printf 'RARBG junk' >"$r/RARBG.txt"
	printf url >"$r/WWW.SITE.URL"
	printf t >"$in/Junk.Only/Thumbs.db"
	printf d >"$in/Junk.Only/.DS_Store"
	printf m >"$in/Junk.Only/deeper/._heat.mkv"
	printf q >"$in/notes.xyz"
	printf k >"$in/.stfolder"
	ln -s /etc/hostname "$in/link.txt"
	printf v >"$in/Being.Filed.2001.mkv"
	jq -n --arg src "$in/Being.Filed.2001.mkv" '{schemaVersion: 1, movie: "m9", src: $src}' \
		>"$MV_DATA/run/filing/m9.json"
}

@test "gc --incoming --dry-run: lists what is left over in incoming/, by kind, and changes nothing" {
	rm "$MV_DATA/incoming/.keep"
	mkdir -p "$MV_DATA/run/filing"
	incoming_leftovers
	local before
	before=$(tree_digest "$MV_DATA")
	run -0 --separate-stderr mvctl gc --incoming --dry-run
	assert_output 'incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Featurettes/Making of Heat.mkv: extra, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/RARBG.txt: junk, would remove
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Sample/heat-sample.mkv: sample, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Subs/2_English.srt: subtitle, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/WWW.SITE.URL: junk, would remove
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/grp.nfo: nfo, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.1995.remastered.1080p.bluray.x264-grp.mkv: video, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.1995.remastered.1080p.bluray.x264-grp.srt: subtitle, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.rar: archive, kept
incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/poster.jpg: artwork, kept
incoming/Junk.Only/.DS_Store: junk, would remove
incoming/Junk.Only/Thumbs.db: junk, would remove
incoming/Junk.Only/deeper/._heat.mkv: junk, would remove
incoming/Junk.Only/deeper/: folder, would remove
incoming/Junk.Only/: folder, would remove
incoming/link.txt: junk, kept
incoming/notes.xyz: other, kept
incoming: 15 files left over: would remove 5 junk files, 16 bytes, and 2 empty folders'
	[ -z "$stderr" ]
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
	run -0 mvctl gc --incoming -n --json
	assert_equal "$(jq -c 'select(.dir)' <<<"$output")" \
		'{"dir":"incoming","files":15,"removed":5,"bytes":16,"folders":2,"dryRun":true}'
	assert_equal "$(jq -r 'select(.removed == true) | .file' <<<"$output" | wc -l)" 7
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
}

@test "gc --incoming: removes known junk and the folders it empties, never anything else" {
	rm "$MV_DATA/incoming/.keep"
	mkdir -p "$MV_DATA/run/filing"
	incoming_leftovers
	local r=$MV_DATA/incoming/Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
	run -0 --separate-stderr mvctl gc --incoming
	assert_equal "$(grep -c ', removed$' <<<"$output")" 7
	assert_equal "${lines[-1]}" "incoming: 15 files left over: removed 5 junk files, 16 bytes, and 2 empty folders"
	[ -z "$stderr" ]
	[ ! -e "$r/RARBG.txt" ] && [ ! -e "$r/WWW.SITE.URL" ] && [ ! -e "$MV_DATA/incoming/Junk.Only" ]
	# What is left: exactly the files that are not junk, the hidden name,
	# the symlink (never removed), the video being filed, the empty folder.
	run -0 bash -c 'cd "$MV_DATA/incoming" && find . -mindepth 1 | LC_ALL=C sort'
	assert_output './.stfolder
./Being.Filed.2001.mkv
./Empty
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Featurettes
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Featurettes/Making of Heat.mkv
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Sample
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Sample/heat-sample.mkv
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Subs
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/Subs/2_English.srt
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/grp.nfo
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.1995.remastered.1080p.bluray.x264-grp.mkv
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.1995.remastered.1080p.bluray.x264-grp.srt
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/heat.rar
./Heat.1995.REMASTERED.1080p.BluRay.x264-GRP/poster.jpg
./link.txt
./notes.xyz'
	[ "$(cat "$r/grp.nfo")" = n ]
	# Again: nothing left to remove; the filing's source is never listed.
	run -0 mvctl gc --incoming
	assert_equal "${lines[-1]}" "incoming: 10 files left over: removed 0 junk files, 0 bytes, and 0 empty folders"
	refute_output --partial Being.Filed
}

@test "gc --incoming: an empty or missing incoming/ is nothing left over; it takes no bounds" {
	run -0 --separate-stderr mvctl gc --incoming
	assert_output "incoming: 0 files left over: removed 0 junk files, 0 bytes, and 0 empty folders"
	[ -e "$MV_DATA/incoming/.keep" ]
	rm -r "$MV_DATA/incoming"
	run -0 --separate-stderr mvctl gc --incoming
	assert_output "incoming: 0 files left over: removed 0 junk files, 0 bytes, and 0 empty folders"
	[ -z "$stderr" ]
	run -64 --separate-stderr mvctl gc --incoming --cache-max 1M
	assert_equal "${stderr_lines[0]}" "mvctl: --incoming takes no --cache-max or --images-max"
	[ -z "$output" ]
}

@test "add: a TMDB id, tmdb:, an IMDb id, from the offline sample" {
	need_tool mvindex
	export MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb
	run -0 --separate-stderr mvctl add 550 --text
	assert_output "added m4: Fight Club (1999), tmdb:550"
	mvctl validate MovieProfile.json "$MV_DATA/Movies/m4.json"
	assert_equal "$(jq -r '[.level, .status] | join(" ")' "$MV_DATA/Movies/m4.json")" "basic ready"
	assert_equal "$(jq -r '.byExternal["tmdb:550"]' "$(movies_index "$MV_DATA")")" m4
	run -0 mvctl add tmdb:550 --text
	assert_output "tmdb:550 is already in the library as m4"
	run -0 mvctl add 603 --text
	assert_output "tmdb:603 is already in the library as m3"
	[ ! -e "$MV_DATA/Movies/m5.json" ]
	run -1 --separate-stderr mvctl add 999999
	[[ $stderr == *"unable to fetch /movie/999999"* ]]
	[ ! -e "$MV_DATA/Movies/m5.json" ]
	# With --json the events come out, each valid against its schema.
	mvctl add 194 --json >"$BATS_TEST_TMPDIR/events"
	run jq -r .type "$BATS_TEST_TMPDIR/events"
	assert_output $'mv.movie.created\nmv.movie.enriched'
	while IFS= read -r ev; do
		mvctl validate "events/$(jq -r .type <<<"$ev").json" - <<<"$ev"
	done <"$BATS_TEST_TMPDIR/events"
}

@test "add: a claim whose movie is gone is stale; the movie is added again" {
	need_tool mvindex
	export MV_TMDB_URL=file://$MV_TOP/data/sample/tmdb
	# m1 (tmdb:63) deleted by hand: its claims stay behind, stale.
	rm "$MV_DATA/Movies/m1.json"
	[ "$(readlink "$MV_DATA/index/ext/m/tmdb:63")" = m1 ]
	run -0 --separate-stderr mvctl add 63 --text
	assert_output "added m4: Twelve Monkeys (1995), tmdb:63"
	[ -z "$stderr" ]
	[ "$(readlink "$MV_DATA/index/ext/m/tmdb:63")" = m4 ]
	assert_equal "$(jq -r '[.level, .status, .externalIds.tmdb] | join(" ")' "$MV_DATA/Movies/m4.json")" "basic ready 63"
	assert_equal "$(jq -r '.byExternal["tmdb:63"]' "$(movies_index "$MV_DATA")")" m4
	# The imdb claim m1 left was stale too: now m4's, through the same rule.
	[ "$(readlink "$MV_DATA/index/ext/m/imdb:tt0114746")" = m4 ]
	run -0 mvctl add 63 --text
	assert_output "tmdb:63 is already in the library as m4"
	[ ! -e "$MV_DATA/Movies/m5.json" ]
	run -0 mvctl show tmdb:63 --json
	assert_equal "$(jq -r .id <<<"$output")" m4
}

@test "add: a title and year; no match and several matches list candidates, exit 1" {
	need_tool mvindex
	start_faketmdb
	run -0 mvctl add "Twelve Monkeys" 1995 --text
	assert_output "tmdb:63 is already in the library as m1"
	run -1 --separate-stderr mvctl add "No Such Film Anywhere" 2001
	assert_equal "$stderr" 'mvctl: no TMDB movie matches "No Such Film Anywhere" in that year'
	run -64 mvctl add "The Matrix" 99
}

@test "add: bad tokens and combinations are usage errors" {
	run -64 mvctl add
	run -64 mvctl add --person abc
	run -64 mvctl add --person 5 603
	run -64 mvctl add 603 --copy
	run -64 mvctl add 603 --tmdb x
	run -66 --separate-stderr mvctl add ./no-such-file.mkv
	# Only a video is filed (mv_media_kind): refused before any copy.
	echo sub >"$BATS_TEST_TMPDIR/Heat.1995.srt"
	local before
	before=$(tree_digest "$MV_DATA")
	run -65 --separate-stderr mvctl add "$BATS_TEST_TMPDIR/Heat.1995.srt" --copy
	assert_equal "$stderr" "mvctl: unable to add $BATS_TEST_TMPDIR/Heat.1995.srt: not a video (subtitle)"
	assert_equal "$(tree_digest "$MV_DATA")" "$before"
}

@test "add FILE: an mv.file.added event reaches the running pipeline" {
	echo video >"$BATS_TEST_TMPDIR/Brazil.1985.mkv"
	mkfifo "$MV_DATA/run/inject.fifo"
	exec 7<>"$MV_DATA/run/inject.fifo"
	run -0 mvctl add "$BATS_TEST_TMPDIR/Brazil.1985.mkv" --tmdb 68 --json
	read -r -t 5 line <&7
	exec 7<&-
	echo "$line" | mvctl validate events/mv.file.added.json -
	assert_equal "$(jq -c '[.type, .data.path, .data.size, .data.tmdb]' <<<"$line")" \
		"[\"mv.file.added\",\"$BATS_TEST_TMPDIR/Brazil.1985.mkv\",6,68]"
}

@test "add FILE --copy: the copy is staged under run/add, the original stays" {
	echo video >"$BATS_TEST_TMPDIR/Brazil.1985.mkv"
	mkfifo "$MV_DATA/run/inject.fifo"
	exec 7<>"$MV_DATA/run/inject.fifo"
	run -0 mvctl add "$BATS_TEST_TMPDIR/Brazil.1985.mkv" --copy --json
	read -r -t 5 line <&7
	exec 7<&-
	assert_equal "$(jq -r .data.path <<<"$line")" "$MV_DATA/run/add/Brazil.1985.mkv"
	cmp "$BATS_TEST_TMPDIR/Brazil.1985.mkv" "$MV_DATA/run/add/Brazil.1985.mkv"
}

@test "parse: names as arguments or stdin lines, one JSON object each" {
	run -0 mvctl parse "The.Matrix.1999.1080p.BluRay.x264.mkv" "Twelve Monkeys (1995).avi"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(jq -c '[.title, .year]' <<<"${lines[0]}")" '["The Matrix",1999]'
	assert_equal "$(jq -c '[.title, .year]' <<<"${lines[1]}")" '["Twelve Monkeys",1995]'
	run -0 sh -c 'printf "Alien.1979.mkv\nBrazil (1985).mkv\n" | mvctl parse'
	assert_equal "${#lines[@]}" 2
	run -65 --separate-stderr mvctl parse ""
	assert_equal "$stderr" 'mvctl: unable to parse "": no title'
	run -64 mvctl parse --bogus
}

@test "reindex, stats and downgrade run their tools" {
	need_tool mvindex
	rm "$MV_DATA/index/movies.json"
	run -0 mvctl reindex
	[ -e "$MV_DATA/index/movies.json" ]
	run -64 mvctl reindex extra
	if [ -x "$MV_BUILD/bin/mvstat" ]; then
		run -0 mvctl stats --json
		jq -e . <<<"$output" >/dev/null
	fi
	if [ -x "$MV_BUILD/bin/mvdowngrade" ]; then
		run -0 mvctl downgrade --level minimal --dry-run
		run -64 mvctl downgrade --level nowhere
	fi
	run -0 mvctl downgrade --help
	assert_output --partial "usage: mvctl downgrade --level minimal|light"
}
