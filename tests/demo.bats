#!/usr/bin/env bats
# demo: scripts/demo (make demo) on the offline sample speaks the user's
# language: French under a French locale (not even installed here: mv
# reads the locale's name), English under C.

load test_helper

# demo LOCALE: run the demo with LC_ALL=LOCALE into $D, without colour;
# sets ID to the id of TMDB 63 and HEADS to the demo's "== " lines, with
# that id written ID.
demo() {
	D=$BATS_TEST_TMPDIR/demo
	run --separate-stderr env LC_ALL="$1" NO_COLOR=1 "$MV_TOP/scripts/demo" "$D"
	echo "$output"
	echo "$stderr" >&2
	assert_success
	ID=$(jq -r 'select(.externalIds.tmdb == 63) | .id' "$D"/Movies/*.json)
	HEADS=$(grep '^== ' <<<"$output" | sed "s/ $ID)\$/ ID)/")
}

# filed63 TITLE: TMDB 63's one video is filed under TITLE, and its
# profile points at it (video, or videos[] from schemaVersion 2).
filed63() {
	local t="$1 (1995) [tmdbid-63]"
	[ "$(jq -r '.video.path // .videos[0].path' "$D/Movies/$ID.json")" = "assets/videos/$t/$t.mkv" ]
	[ -f "$D/assets/videos/$t/$t.mkv" ]
	[ "$(find "$D/assets/videos" -name '*tmdbid-63*' -type d)" = "$D/assets/videos/$t" ]
}

@test "demo: under fr_FR.UTF-8 it files and shows L'Armée des 12 singes, and speaks French" {
	demo fr_FR.UTF-8
	assert_equal "$HEADS" "== Démarrage du faux serveur TMDB sur l'échantillon hors ligne (data/sample/tmdb)
== Démarrage du pipeline : mvwatch | mvenrich | mvstat | mvdowngrade | mvnfo | mvindex
== Dépôt des vidéos d'exemple dans incoming/
== Attente du classement de chaque vidéo, ou de son envoi en revue
== Ouverture de L'Armée des 12 singes (TMDB 63), deux fois : basic -> medium -> deep
== La bibliothèque (mvctl ls)
== Une fiche (mvctl show ID)
== La file de revue (mvctl review)
== Les vidéos classées
== Les événements (mvctl events --type 'mv.video.*,mv.movie.needs-review')
== État du pipeline
== Terminé"
	filed63 "L'Armée des 12 singes"
	# mvctl ls and show, as the demo printed them.
	assert_line --regexp "^$ID +1995  deep    ready        L'Armée des 12 singes\$"
	assert_line "L'Armée des 12 singes (1995)  [$ID]"
	assert_line "L'Armée des 12 singes (1995) [tmdbid-63]"
	refute_output --partial "Twelve Monkeys (1995)"
	assert_line "La bibliothèque est dans $D (export MV_DATA=$D pour l'explorer avec mvctl)."
}

@test "demo: under C it files and shows Twelve Monkeys, and speaks English" {
	demo C.UTF-8
	assert_equal "$HEADS" "== Starting the fake TMDB server on the offline sample (data/sample/tmdb)
== Starting the pipeline: mvwatch | mvenrich | mvstat | mvdowngrade | mvnfo | mvindex
== Dropping sample videos into incoming/
== Waiting until every video is filed or sent to review
== Opening Twelve Monkeys (TMDB 63) twice: basic -> medium -> deep
== The library (mvctl ls)
== A profile (mvctl show ID)
== The review queue (mvctl review)
== The filed videos
== The events (mvctl events --type 'mv.video.*,mv.movie.needs-review')
== Pipeline status
== Done"
	filed63 "Twelve Monkeys"
	assert_line --regexp "^$ID +1995  deep    ready        Twelve Monkeys\$"
	assert_line "Twelve Monkeys (1995)  [$ID]"
	assert_line "Twelve Monkeys (1995) [tmdbid-63]"
	refute_output --partial "L'Armée des 12 singes (1995)"
	assert_line "The library is in $D (export MV_DATA=$D to explore it with mvctl)."
}
