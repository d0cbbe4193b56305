#!/usr/bin/env bats
# match: the match test set (tests/fixtures/match/names.tsv, 237 names with
# the TMDB ids TMDB really gives them) through the real mvenrich against the
# fake TMDB server; one wrong filing fails. Also the matcher's evidence in
# the profile, in mvctl show and in the review queue.

load test_helper
load faketmdb
load fixtures/mvenrich/helpers

setup() {
	mv_test_env
	export MV_TMDB_RETRIES=0 MV_TMDB_RATE=0
}

teardown() {
	stop_faketmdb
	[ -z "${SHM:-}" ] || rm -rf "$SHM"
}

# A work directory on tmpfs when there is one: filing fsyncs every step,
# and the set files 200 videos.
workdir() {
	SHM=$(mktemp -d /dev/shm/mvmatch.XXXXXX 2>/dev/null) || SHM=
	W=${SHM:-$BATS_TEST_TMPDIR/w}
	mkdir -p "$W"
}

@test "match: the test set files nothing wrong and >= 97% of the clear names right" {
	workdir
	run -0 --separate-stderr "$MV_TOP/tests/fixtures/match/run" "$W"
	[ "${#lines[@]}" -eq "$(grep -vc '^#' "$MV_TOP/tests/fixtures/match/names.tsv")" ]
	# A wrong filing: a film other than the expected one, or any film
	# for a name that must go to review.
	wrong=$(awk -F'\t' '$2 != "review" && $1 != $2' <<<"$output")
	[ -z "$wrong" ] || { echo "filed wrong (expected, got, name):"; echo "$wrong"; false; }
	clear=$(awk -F'\t' '$1 != "review"' <<<"$output" | wc -l)
	right=$(awk -F'\t' '$1 != "review" && $1 == $2' <<<"$output" | wc -l)
	echo "clear names filed right: $right of $clear"
	[ $((right * 100)) -ge $((clear * 97)) ]
	# Every ambiguous name went to review, with its reason.
	run awk -F'\t' '$1 == "review" && $2 != "review"' <<<"$output"
	assert_output ""
}

@test "match: evidence of a filing is in the profile and mvctl show; a remake's review lists both" {
	"$MV_TOP/tests/fixtures/match/mkfilms" "$BATS_TEST_TMPDIR/tmdb"
	start_faketmdb --root "$BATS_TEST_TMPDIR/tmdb"
	IN=$MV_DATA/incoming
	mkvideo "$IN/Seven.1995.1080p.mkv"
	mkvideo "$IN/Amores.Perros.2001.mkv"
	mkvideo "$IN/Total Recall.mkv"
	EVENTS=$BATS_TEST_TMPDIR/ev
	{ ev_added "$IN/Seven.1995.1080p.mkv"; ev_added "$IN/Amores.Perros.2001.mkv"
	  ev_added "$IN/Total Recall.mkv"; } >"$EVENTS"
	faketmdb_reset
	run -0 --separate-stderr mvenrich <"$EVENTS"
	[ -z "$stderr" ]
	events_valid <(printf '%s\n' "$output")
	profiles_valid
	# Se7en through its fr-FR title "Seven" (also an alternative title): one
	# search, one details request (the one candidate of 1995).
	run jq -c '[.status, .externalIds.tmdb, .match]' "$MV_DATA/Movies/m1.json"
	assert_output '["ready",807,{"by":"search","matchedTitle":"Seven","matchedBy":"translation","yearAgreement":"exact","score":90,"margin":90,"requests":2}]'
	run -0 mvctl show --text m1
	assert_line 'match     "Seven" (translated title), year exact, score 90, margin 90, 2 requests'
	# Amores perros (2000) named 2001: the year one off, nothing close.
	run jq -c '[.status, .externalIds.tmdb, .match.yearAgreement, .match.score, .match.margin]' "$MV_DATA/Movies/m2.json"
	assert_output '["ready",55,"off-by-one",70,70]'
	# Two films called Total Recall, no year: review, both listed.
	run jq -c '[.status, .review.reason, [.review.candidates[].tmdb]]' "$MV_DATA/Movies/m3.json"
	assert_output '["needs-review","ambiguous: 2 candidates match \"Total Recall\" and the name gives no year",[861,64635]]'
	run -0 mvctl review --text
	assert_output "quarantine/Total Recall.mkv: ambiguous: 2 candidates match \"Total Recall\" and the name gives no year
  mvctl add 'quarantine/Total Recall.mkv' --tmdb 861      # Total Recall (1990); matched \"Total Recall\" (title), year none, score 60
  mvctl add 'quarantine/Total Recall.mkv' --tmdb 64635    # Total Recall (2012); matched \"Total Recall\" (title), year none, score 60
  mvfetch search 'Total Recall' # another film: its TMDB id goes after --tmdb
  mvctl review --reject 'quarantine/Total Recall.mkv' # none of these: set it aside"
}
