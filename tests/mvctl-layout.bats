#!/usr/bin/env bats
# mvctl migrate and rename: filed videos move to where lib/name.c says (a
# folder per movie), crash-safely.

load test_helper

M1='assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv'
M3='assets/videos/The Matrix (1999) [tmdbid-603]/The Matrix (1999) [tmdbid-603].mkv'

setup() {
	mv_test_env
	cp -r "$(fixture mvctl lib)" "$MV_DATA"
	mvindex --rebuild >/dev/null 2>&1
}

# Put the fixture back as a flat library, as mv filed before folders.
flatten() {
	(cd "$MV_DATA/assets/videos" && for d in */; do mv "$d"* . && rmdir "$d"; done)
	sed -i -E 's#assets/videos/([^/"]*)/([^/"]*)#assets/videos/\2#' "$MV_DATA"/Movies/*.json
	mvindex --rebuild >/dev/null 2>&1
}

@test "migrate: a flat library moves into a folder per movie; --dry-run changes nothing" {
	flatten
	# check asks mv_name_path too: a flat library is a note, not a failure.
	run -0 --separate-stderr mvctl --text check
	assert_line "note: assets/videos/Twelve Monkeys (1995) [tmdbid-63].mkv is filed as $M1 under the settings now (mvctl rename m1 moves it)"
	assert_line "note: assets/videos/The Matrix (1999) [tmdbid-603].mkv is filed as $M3 under the settings now (mvctl rename m3 moves it)"
	assert_line --regexp '; 2 notes: ok$'
	before=$(cd "$MV_DATA" && find . | sort)
	run -0 --separate-stderr mvctl migrate --dry-run
	assert_output "m1: assets/videos/Twelve Monkeys (1995) [tmdbid-63].mkv -> $M1 (dry run)
m3: assets/videos/The Matrix (1999) [tmdbid-603].mkv -> $M3 (dry run)
migrate: 0 would be migrated, 9 already current, 0 failed
migrate: 2 videos would be moved into their folders, 0 failed"
	[ "$(cd "$MV_DATA" && find . | sort)" = "$before" ]
	run -0 --separate-stderr mvctl migrate
	assert_line --index 2 "migrate: 0 migrated, 9 already current, 0 failed"
	assert_line --index 3 "migrate: 2 videos moved into their folders, 0 failed"
	[ -f "$MV_DATA/$M1" ] && [ -f "$MV_DATA/$M3" ]
	[ "$(find "$MV_DATA/assets/videos" -type f | wc -l)" -eq 2 ]
	[ "$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")" = "$M1" ]
	run -0 --separate-stderr mvctl --text check
	refute_line --partial 'under the settings now'
	assert_line --regexp '; 0 notes: ok$'
	run -0 mvctl migrate --json
	assert_output '{"migrated":0,"current":9,"failed":0,"moved":0,"moveFailed":0,"dryRun":false}'
}

@test "rename: a changed title renames the folder and the video; --dry-run changes nothing" {
	jq '.title = "12 Monkeys" | .originalTitle = "12 Monkeys"' "$MV_DATA/Movies/m1.json" >"$BATS_TEST_TMPDIR/m1"
	mv "$BATS_TEST_TMPDIR/m1" "$MV_DATA/Movies/m1.json"
	new='assets/videos/12 Monkeys (1995) [tmdbid-63]/12 Monkeys (1995) [tmdbid-63].mkv'
	run -0 --separate-stderr mvctl rename --dry-run m1
	assert_output "m1: $M1 -> $new (dry run)
rename: 1 would be moved, 0 failed"
	[ -f "$MV_DATA/$M1" ]
	run -0 --separate-stderr mvctl rename --all
	assert_output "m1: $M1 -> $new
rename: 1 moved, 0 failed"
	[ -f "$MV_DATA/$new" ] && [ -f "$MV_DATA/$M3" ]
	[ ! -e "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]" ]
	[ "$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")" = "$new" ]
	run -0 mvctl check
	run -0 mvctl rename tmdb:63 --json
	assert_output '{"moved":0,"failed":0,"dryRun":false}'
}

@test "rename: usage errors and unknown movies change nothing" {
	run -64 --separate-stderr mvctl rename
	assert_equal "${stderr_lines[0]}" "mvctl: expected ID... or --all"
	run -64 --separate-stderr mvctl rename --all m1
	assert_equal "${stderr_lines[0]}" "mvctl: --all takes no ID"
	run -1 --separate-stderr mvctl rename m99
	[ -f "$MV_DATA/$M1" ]
}

@test "migrate and rename (a title changed, the language switched fr-FR <-> en-US): a kill -9 at any step leaves every video once, and check passes" {
	run -0 "$MV_TOP/tests/crash/migrate-crash"
	refute_output --partial FAIL
	# 11 steps of migrate and of rename, one kill between two profiles
	# rewritten, and the 10 steps of a move for both language switches.
	[ "$(grep -c '^ok' <<<"$output")" -eq 43 ]
	[ "$(grep -c '^ok language-' <<<"$output")" -eq 20 ]
}
