#!/usr/bin/env bats
# UC-15  Import a Jellyfin library in place: mv knows it, nothing moves
# Actor:        a user whose films are already laid out for Jellyfin,
#               Plex or Kodi (on a NAS, say)
# Trigger:      mvctl import DIR (--in-place is the default)
# Preconditions: a data directory, the fake TMDB running, DIR holding a
#               folder per movie ("Heat (1995) [tmdbid-949]/…mkv"), one
#               with a Kodi movie.nfo (uniqueid), and a name TMDB cannot
#               tell apart
# Main flow:    1. mvctl import --dry-run DIR prints the plan: per video
#               the film, its id and why, or review and why 2. mvctl
#               import DIR records DIR as a library root (root = in the
#               config) 3. each video goes to mvenrich as mv.file.added
#               with importedFrom {root, inPlace:true, ids of its NFO}
#               4. an id in the name, else the NFO's, wins over a search
#               5. the movie is ready with its video where it lies
# Events:       mv.file.added{importedFrom} → mv.movie.created →
#               mv.movie.matched → mv.movie.enriched → mv.video.added
#               (or mv.movie.needs-review, the video left in place)
# Postconditions: one profile per film, video.path absolute under DIR;
#               DIR byte for byte as it was; mvctl check passes
# Failure flows: the dry run changes nothing; a second import adds
#               nothing; DIR gone (a NAS unmounted) is one note from
#               check naming it, exit 0, no profile changed

load ../test_helper
load ../faketmdb

setup() {
	mv_test_env
	mvctl init >/dev/null
	start_faketmdb
	L=$BATS_TEST_TMPDIR/nas/films
	mkdir -p "$L/Heat (1995) [tmdbid-949]" "$L/Twelve Monkeys (1995)" "$L/The Thing"
	head -c 4096 /dev/urandom >"$L/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"
	head -c 4096 /dev/urandom >"$L/Twelve Monkeys (1995)/Twelve Monkeys (1995).mkv"
	printf '<movie><uniqueid type="imdb">tt0114746</uniqueid></movie>\n' >"$L/Twelve Monkeys (1995)/movie.nfo"
	head -c 4096 /dev/urandom >"$L/The Thing/The Thing.mkv"
}

teardown() {
	stop_faketmdb
}

tree() {
	(cd "$L" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

@test "UC-15: import in place: planned, imported where the files lie, checked" {
	before=$(tree)
	data=$(cd "$MV_DATA" && find . -path ./run -prune -o -print | sort)
	run -0 --separate-stderr mvctl import --dry-run "$L"
	assert_line --index 0 "Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv: match tmdb:949 Heat (1995), by id, named in the file name; in place"
	assert_line --index 1 "The Thing/The Thing.mkv: review ambiguous: 2 candidates match \"The Thing\" and the name gives no year"
	assert_line --index 2 "Twelve Monkeys (1995)/Twelve Monkeys (1995).mkv: match tmdb:63 Twelve Monkeys (1995), by id, NFO Twelve Monkeys (1995)/movie.nfo; in place"
	[ "$(cd "$MV_DATA" && find . -path ./run -prune -o -print | sort)" = "$data" ]
	[ ! -e "$HOME/.config/mv/config" ]

	run -0 --separate-stderr mvctl --json import "$L"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.action) | [.action, .movie, .tmdb]')" = '["imported","m1",949]
["review","m2",null]
["imported","m3",63]' ]
	grep -qx "root = \"$L\"" "$HOME/.config/mv/config"
	[ "$(tree)" = "$before" ]
	[ "$(jq -r .videos[0].path "$MV_DATA/Movies/m3.json")" = "$L/Twelve Monkeys (1995)/Twelve Monkeys (1995).mkv" ]
	[ "$(jq -c .videos[0].importedFrom "$MV_DATA/Movies/m3.json")" = "{\"root\":\"$L\",\"inPlace\":true,\"imdb\":\"tt0114746\",\"idFrom\":\"Twelve Monkeys (1995)/movie.nfo\"}" ]
	[ "$(jq -r .status "$MV_DATA/Movies/m2.json")" = needs-review ]
	[ -f "$L/The Thing/The Thing.mkv" ]
	[ "$(jq -r .match.by "$MV_DATA/Movies/m1.json")" = id ]
	run -0 mvctl check

	# Again: nothing new.
	run -0 mvctl import "$L"
	assert_output --partial "import: 3 videos: 0 matched, 0 to review, 3 already in the library"
	[ "$(ls "$MV_DATA/Movies" | wc -l)" -eq 3 ]

	# The NAS goes away: reported, nothing changed.
	profiles=$(sha256sum "$MV_DATA"/Movies/*.json)
	mv "$BATS_TEST_TMPDIR/nas" "$BATS_TEST_TMPDIR/nas.off"
	run -0 mvctl check
	assert_line "note: $L library root has vanished (No such file or directory): its 3 videos are kept as they are, nothing changed; mount it again"
	[ "$(sha256sum "$MV_DATA"/Movies/*.json)" = "$profiles" ]
}
