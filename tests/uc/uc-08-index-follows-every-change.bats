#!/usr/bin/env bats
# UC-08  The index follows every change, whoever makes it
# Actor:        cron (the crontab lines of the man pages), the admin (mvctl),
#               the pipeline's downgrade filter
# Trigger:      a change to Movies/ or People/ outside a pipeline stage, or by
#               mvstat or mvdowngrade inside the pipeline
# Preconditions: a library with Twelve Monkeys (m1) filed; the fake TMDB
#               running; the clock set through MV_NOW
# Main flow:    1. every crontab line printed in the man pages runs as printed
#               2. the pipeline (mvwatch | mvenrich | mvstat | mvdowngrade |
#               mvindex) downgrades an unread movie by its configured policy
#               3. mvctl request counts a read, with or without a pipeline
#               4. mvctl downgrade, add, enrich, gc and repair run, with and
#               without a pipeline
# Events:       mv.movie.requested → mv.movie.enriched → mv.stats.updated →
#               mv.index.updated; mv.movie.downgraded → mv.index.updated
# Postconditions: after each step mvctl check exits 0; every movie's level in
#               the movie index is its profile's, its lastRead is the last
#               access in stats/usage.json; the journal holds the downgrade
# Failure flows: mvctl repair under a running pipeline → exit 75, nothing
#               changed, the check still passes

load helpers

BASE=1772366400   # 2026-03-01T12:00:00Z
DAY=86400

setup() {
	setup_pipeline
	export MV_TMDB_RETRIES=0
	mkdir -p "$MV_DATA/incoming"
	export MV_NOW=$BASE
	mvctl init
	mkvideo "$MV_DATA/incoming/Twelve.Monkeys.1995.mkv" 20000
	mvwatch --once --settle 0 | mvenrich | mvstat | mvindex >/dev/null
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
}

teardown() {
	teardown_pipeline
}

# The crontab lines of a man page, without their five time fields, as a
# shell reads them.
cron_lines() {
	awk '$1 ~ /^[0-9*\/,-]+$/ && $5 ~ /^[0-9*\/,-]+$/ && $6 ~ /^mv/' "$1" |
		sed -E 's/^([^ ]+ +){5}//; s/\\-/-/g; s/\\e/\\/g'
}

# Every movie's level in the index is its profile's, and its lastRead the
# last access usage.json holds (null if none).
index_follows() {
	local f id want got ix
	ix=$(movies_index "$MV_DATA")
	for f in "$MV_DATA"/Movies/*.json; do
		id=$(basename "$f" .json)
		want=$(jq -c '[.level]' "$f")
		got=$(jq -c --arg id "$id" '[.items[] | select(.id == $id) | .level]' "$ix")
		[ "$got" = "$want" ] || { echo "$id: index $got, profile $want" >&2; return 1; }
		want=$(jq -c --arg id "$id" '.movies[$id].last' "$MV_DATA/stats/usage.json" 2>/dev/null ||
			echo null)
		got=$(jq -c --arg id "$id" '.items[] | select(.id == $id) | .lastRead' "$ix")
		[ "$got" = "$want" ] || { echo "$id: lastRead $got, usage $want" >&2; return 1; }
	done
}

# The index lists MOVIE at LEVEL.
index_level() {
	movies_jq "$MV_DATA" -e --arg id "$1" --arg l "$2" \
		'.items[] | select(.id == $id and .level == $l)' >/dev/null
}

# Heat's video is filed: the index shows where, no filing is half done.
heat_filed() {
	movies_jq "$MV_DATA" -e '.items[] | select(.tmdb == 949 and .video != null)' \
		>/dev/null && [ -z "$(ls -A "$MV_DATA/run/filing" 2>/dev/null)" ]
}

stop_pipeline() {
	stop_group "$sup"
	sup=
}

@test "UC-08: every crontab line of the man pages leaves mvctl check passing" {
	local page i=0 t line n before
	local -a cmds
	for page in mv.7 mvctl.1 mvdowngrade.1 mvstat.1 mvwatch.1 mvenrich.1; do
		mapfile -t cmds < <(cron_lines "$MV_TOP/man/$page")
		[ "${#cmds[@]}" -gt 0 ] || { echo "no crontab line in $page"; return 1; }
		# m1 read at t, one level up: 100 days on, it is due.
		t=$((BASE + i * 150 * DAY))
		i=$((i + 1))
		MV_NOW=$t run -0 mvctl request m1
		# A finished download for a scan line, an hour old.
		if printf '%s\n' "${cmds[@]}" | grep -q '^mvwatch'; then
			mkvideo "$MV_DATA/incoming/Movie $i (1999) [tmdbid-$(sed -n "${i}p" <<<$'550\n603\n949\n194\n335984\n62')].mkv" 30000
			touch -d '-1 hour' "$MV_DATA"/incoming/*.mkv
		fi
		before=$(jq .count "$(movies_index "$MV_DATA")")
		export MV_NOW=$((t + 100 * DAY))
		for line in "${cmds[@]}"; do
			line=${line//\/srv\/videos\/incoming/\"\$MV_DATA/incoming\"}
			line=${line//\/mnt\/nas\/incoming/\"\$MV_DATA/incoming\"}
			run -0 sh -c "$line"
			[[ $line != "mvctl check"* ]] || assert_output ""
		done
		run -0 mvctl check
		index_follows
		if printf '%s\n' "${cmds[@]}" | grep -q 'downgrade --level light'; then
			[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
		fi
		if printf '%s\n' "${cmds[@]}" | grep -q '^mvwatch'; then
			[ -z "$(ls -A "$MV_DATA/incoming")" ]
			[ "$(jq .count "$(movies_index "$MV_DATA")")" -eq $((before + 1)) ]
		fi
	done
}

@test "UC-08: the pipeline's downgrade filter reaches the index and the journal" {
	run -0 mvctl request m1
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = medium ]
	export MV_NOW=$((BASE + 100 * DAY))
	MV_DOWNGRADE_LEVEL=light MV_DOWNGRADE_UNREAD_SINCE=90d start_pipeline
	wait_until 20 index_level m1 basic
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	wait_until 10 grep -q '"type":"mv.movie.downgraded"' "$MV_DATA/events/journal.ndjson"
	run jq -c 'select(.type == "mv.movie.downgraded") | .data | [.id, .from, .to]' \
		"$MV_DATA/events/journal.ndjson"
	assert_output '["m1","medium","basic"]'
	run -0 mvctl check
	index_follows
	stop_pipeline
	run -0 mvctl check
}

@test "UC-08: a read is counted and reaches the index's lastRead, with or without a pipeline" {
	run -0 mvctl request m1
	run jq -c '.movies.m1 | [.count, .last]' "$MV_DATA/stats/usage.json"
	assert_output '[1,"2026-03-01T12:00:00Z"]'
	[ "$(jq -r '.items[] | select(.id == "m1") | .lastRead' "$(movies_index "$MV_DATA")")" = 2026-03-01T12:00:00Z ]
	index_follows
	run -0 mvctl check

	export MV_NOW=$((BASE + DAY))
	start_pipeline
	run -0 mvctl request m1
	assert_output ''
	wait_until 20 jq -e '.movies.m1.count == 2' "$MV_DATA/stats/usage.json"
	wait_until 20 movies_jq "$MV_DATA" -e \
		'.items[] | select(.id == "m1") | .lastRead == "2026-03-02T12:00:00Z"'
	index_follows
	run -0 mvctl check
}

# mvctl check exits 0. In a running pipeline, once the stages are done:
# mvstat writes usage.json a few seconds after a read, and mvindex then
# follows, so the files are consistent again only after both.
check_passes() {
	[ "$1" != piped ] || wait_until 20 bash -c 'mvctl check >/dev/null 2>&1'
	run -0 mvctl check
	index_follows
}

# The verbs that change Movies/ or People/ (or their files), each followed
# by a passing check; with a pipeline, once the index shows the change.
verbs_then_check() {
	local piped=$1 n
	run -0 mvctl enrich m1 --level medium
	wait_until 20 index_level m1 medium
	check_passes "$piped"

	MV_NOW=$((BASE + 100 * DAY)) run -0 mvctl downgrade --level light --unread-since 90d
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = basic ]
	wait_until 20 index_level m1 basic
	check_passes "$piped"

	n=$(jq .count "$(movies_index "$MV_DATA")")
	run -0 mvctl add 603
	wait_until 20 movies_jq "$MV_DATA" -e --argjson n $((n + 1)) '.count == $n'
	check_passes "$piped"

	n=$(jq .count "$MV_DATA/index/people.json")
	run -0 mvctl add --person 1158
	wait_until 20 jq -e --argjson n $((n + 1)) '.count == $n' "$MV_DATA/index/people.json"
	check_passes "$piped"

	n=$(jq .count "$(movies_index "$MV_DATA")")
	mkvideo "$BATS_TEST_TMPDIR/Heat.1995.1080p.BluRay.x264-GRP.mkv" 30000
	run -0 mvctl add "$BATS_TEST_TMPDIR/Heat.1995.1080p.BluRay.x264-GRP.mkv"
	# The whole change: the movie, and its filing finished.
	wait_until 20 heat_filed
	[ "$(jq .count "$(movies_index "$MV_DATA")")" -eq $((n + 1)) ]
	check_passes "$piped"

	run -0 mvctl enrich m1 --level deep
	wait_until 20 index_level m1 deep
	run -0 mvctl gc --cache-max 0 --images-max 0
	check_passes "$piped"

	if [ "$piped" = piped ]; then
		before=$(tree_digest "$MV_DATA/Movies")
		run -75 --separate-stderr mvctl repair
		assert_equal "$stderr" "mvctl: unable to repair: the pipeline is running; stop it first (systemctl stop mv-pipeline)"
		[ "$(tree_digest "$MV_DATA/Movies")" = "$before" ]
	else
		rm "$MV_DATA/index/movies.json"
		run -1 mvctl check
		run -0 mvctl repair
		assert_line "rebuilt the indexes"
	fi
	check_passes "$piped"
}

@test "UC-08: mvctl enrich, downgrade, add, gc and repair leave mvctl check passing, no pipeline" {
	verbs_then_check alone
}

@test "UC-08: mvctl enrich, downgrade, add, gc and repair leave mvctl check passing, in a running pipeline" {
	start_pipeline
	verbs_then_check piped
	stop_pipeline
	run -0 mvctl check
	index_follows
}
