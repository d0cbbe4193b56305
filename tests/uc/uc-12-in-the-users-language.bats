#!/usr/bin/env bats
# UC-12  In the user's language: a French library reads and files in French
# Actor:        a user whose language is French (language = fr-FR, or a
#               fr_FR locale)
# Trigger:      mv.file.added for a French release's name
# Preconditions: a data directory, the fake TMDB running (its 63 has a
#               fr-FR translation "L'Armée des 12 singes")
# Main flow:    1. mvenrich searches TMDB in fr-FR 2. matches 63 and writes
#               its basic profile with every title (original, default,
#               translations, alternative titles) 3. files the video under
#               the French title 4. mvindex indexes every title 5. mvctl
#               show and ls show the French title 6. mvctl ls --query and
#               mvserve's q= find it by any of its titles, folded 7. the
#               web page (Chromium) shows its card in French: poster, class
#               "wrapper free", the watch link titled in French
# Events:       mv.file.added → mv.movie.created → mv.movie.matched →
#               mv.movie.enriched{level:basic} → mv.video.added
# Postconditions: assets/videos/L'Armée des 12 singes (1995) [tmdbid-63]/L'Armée des 12 singes (1995) [tmdbid-63].mkv;
#               with en-US the same drop gives "Twelve Monkeys (1995) [tmdbid-63].mkv"
# Failure flows: no translation in the language → the original title if the
#               language is the original one, else TMDB's default title

load helpers
load ../fixtures/mvserve/helpers

NAME=L.Armee.des.12.singes.1995.FRENCH.1080p.BluRay.x264.mkv

setup() {
	setup_incoming
	BODY=$BATS_TEST_TMPDIR/body
}

teardown() {
	stop_mvserve
	stop_faketmdb
}

# get PATH: GET $MVSERVE_URL$PATH into $BODY; prints the status.
get() {
	curl -sS -o "$BODY" -w '%{http_code}' "$MVSERVE_URL$1"
}

# Drop the French release and run the head of the pipeline once.
drop() {
	mkvideo "$MV_DATA/incoming/$NAME" 50000
	mvwatch --once --settle 0 | mvenrich | mvindex >"$BATS_TEST_TMPDIR/out"
}

@test "UC-12: with language fr-FR the drop is filed and shown under its French title" {
	export MV_LANGUAGE=fr-FR
	drop
	run events_of mv.video.added "$BATS_TEST_TMPDIR/out"
	assert_output "{\"id\":\"m1\",\"path\":\"assets/videos/L'Armée des 12 singes (1995) [tmdbid-63]/L'Armée des 12 singes (1995) [tmdbid-63].mkv\",\"tmdb\":63,\"title\":\"Twelve Monkeys\",\"year\":1995}"
	[ -s "$MV_DATA/assets/videos/L'Armée des 12 singes (1995) [tmdbid-63]/L'Armée des 12 singes (1995) [tmdbid-63].mkv" ]
	[ -z "$(ls -A "$MV_DATA/incoming")" ]
	# Every title is kept: original, default, translations, alternative.
	run jq -c '[.title, .originalTitle, .originalLanguage, .titles["fr-FR"], .titles["de-DE"],
		[.alternativeTitles[].title], .overviews["fr-FR"][:24]]' "$MV_DATA/Movies/m1.json"
	assert_output "[\"Twelve Monkeys\",\"Twelve Monkeys\",\"en\",\"L'Armée des 12 singes\",\"12 Monkeys\",[\"12 Monkeys\"],\"Dans un futur dévasté, u\"]"
	profiles_valid
	run --separate-stderr mvctl show --text m1
	assert_success
	[ "${lines[0]}" = "L'Armée des 12 singes (1995)  [m1]" ]
	[ "${lines[-1]}" = "Dans un futur dévasté, un prisonnier est renvoyé dans les années 1990 pour trouver l'origine d'un virus qui a décimé l'humanité." ]
	run --separate-stderr mvctl ls --text
	assert_success
	[ "${lines[0]}" = "m1      1995  basic   ready        L'Armée des 12 singes" ]
	[ "${#lines[@]}" -eq 2 ]
	# Search by any title, folded: each finds m1 and only m1.
	for q in singes armee "12 monkeys" "L'Armée" TWELVE; do
		run --separate-stderr mvctl ls --json --query "$q"
		assert_equal "$q: $(jq -c '[.items[].id]' <<<"$output")" "$q: [\"m1\"]"
	done
	run --separate-stderr mvctl ls --json --query "singes du futur"
	assert_equal "$(jq -c '[.items[].id]' <<<"$output")" '[]'
	# mvserve: q=singes finds it, titled in the request's language.
	start_mvserve
	[ "$(get '/movies?q=singes')" = 200 ]
	assert_equal "$(jq -c '[.items[] | [.id, .displayTitle]]' "$BODY")" "[[\"m1\",\"L'Armée des 12 singes\"]]"
	[ "$(get '/movies?q=armee&lang=en-US')" = 200 ]
	assert_equal "$(jq -c '[.items[] | [.id, .displayTitle]]' "$BODY")" '[["m1","Twelve Monkeys"]]'
	[ "$(get '/health')" = 200 ]
	assert_equal "$(jq -r .language "$BODY")" fr-FR
}

@test "UC-12: with en-US the same drop gives Twelve Monkeys" {
	export MV_LANGUAGE=en-US
	drop
	[ -s "$MV_DATA/assets/videos/Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv" ]
	[ "$(cd "$MV_DATA/assets/videos" && ls -d */*)" = "Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv" ]
	run --separate-stderr mvctl show --text m1
	[ "${lines[0]}" = "Twelve Monkeys (1995)  [m1]" ]
	run --separate-stderr mvctl ls --json --query singes
	assert_equal "$(jq -c '[.items[].id]' <<<"$output")" '["m1"]'
}

@test "UC-12: the locale decides without a setting; name_title original files the original" {
	unset MV_LANGUAGE
	export MV_NAME_TITLE=original
	mkvideo "$MV_DATA/incoming/$NAME" 50000
	mvwatch --once --settle 0 | env LC_ALL=fr_FR.UTF-8 mvenrich | mvindex >/dev/null
	[ "$(cd "$MV_DATA/assets/videos" && ls -d */*)" = "Twelve Monkeys (1995) [tmdbid-63]/Twelve Monkeys (1995) [tmdbid-63].mkv" ]
	run --separate-stderr env LC_ALL=fr_FR.UTF-8 mvctl show --text m1
	[ "${lines[0]}" = "L'Armée des 12 singes (1995)  [m1]" ]
	# The C locale reads en-US: the original, English title.
	run --separate-stderr mvctl show --text m1
	[ "${lines[0]}" = "Twelve Monkeys (1995)  [m1]" ]
}

@test "UC-12: an unknown name_title is warned about and read as local" {
	export MV_LANGUAGE=fr-FR MV_NAME_TITLE=french
	mkvideo "$MV_DATA/incoming/$NAME" 50000
	mvwatch --once --settle 0 | mvenrich 2>"$BATS_TEST_TMPDIR/err" >/dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = 'mvenrich: unable to use name_title "french": want local, original or default; using local' ]
	[ "$(cd "$MV_DATA/assets/videos" && ls -d */*)" = "L'Armée des 12 singes (1995) [tmdbid-63]/L'Armée des 12 singes (1995) [tmdbid-63].mkv" ]
}

@test "UC-12: in Chromium, the card of 63 is French for a French user, English for an English one" {
	[ -x /usr/bin/chromium ] ||
		skip "chromium is not installed: scripts/bootstrap installs it (as root, with Debian's archive)"
	[ -d "$MV_TOP/tests/node_modules/puppeteer-core" ] ||
		skip "puppeteer-core is not installed: scripts/bootstrap-npm installs it"
	export MV_LANGUAGE=fr-FR
	lib=$BATS_TEST_TMPDIR/lib
	id=$(mvserve_library "$lib")
	t="L'Armée des 12 singes (1995) [tmdbid-63]"
	[ "$(jq -r '.video.path // .videos[0].path' "$lib/Movies/$id.json")" = "assets/videos/$t/$t.mkv" ]
	for lang in fr-FR en-US; do
		case $lang in fr-FR) title="L'Armée des 12 singes" ;; *) title="Twelve Monkeys" ;; esac
		MV_LANGUAGE=$lang start_mvserve --data "$lib" --web "$MV_TOP/web"
		run node "$MV_TOP/tests/browser/lang.mjs" "$MVSERVE_URL/" "$id" "$lang" "$title" \
			"$BATS_TEST_TMPDIR/$lang.png"
		echo "$output"
		assert_success
		[ "$(grep -c '^ok ' <<<"$output")" -eq 9 ]
		[ "$(head -c 8 "$BATS_TEST_TMPDIR/$lang.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
		# Looking and searching request nothing.
		stop_mvserve
		[ ! -s "$MVSERVE_OUT" ]
	done
}
