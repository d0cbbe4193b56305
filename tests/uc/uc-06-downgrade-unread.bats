#!/usr/bin/env bats
# UC-06  Downgrade what nobody reads: an unread movie goes back to minimal
# Actor:        cron or the admin (mvctl downgrade), or the pipeline's last stage
# Trigger:      mvdowngrade --level minimal --unread-since 90d
# Preconditions: a library with a deep movie and its images, usage counted
#               by mvstat in stats/usage.json; the clock set through MV_NOW
# Main flow:    1. a video is dropped, matched and filed (UC-01) 2. it is
#               opened twice and reaches deep, with images (UC-03) 3. mvstat
#               counts the accesses 4. 30 days later nothing is due 5. 100
#               days later mvdowngrade strips it to minimal, removes its
#               images, and announces it 6. opened again, it climbs back
# Events:       mv.movie.requested → mv.movie.enriched{level:deep} →
#               mv.stats.updated; later mv.movie.downgraded{from:deep,
#               to:minimal, freedBytes} → mv.movie.requested →
#               mv.movie.enriched{level:basic}
# Postconditions: Movies/m1.json valid at minimal with its video and ids;
#               the video whole; no image of m1 left; a second run changes
#               nothing
# Failure flows: corrupt usage.json → exit 65, nothing changed; a hook that
#               fails → exit 69, nothing changed; a hook that protects the
#               movie (weight 0) → it stays deep

load helpers

setup() {
	setup_incoming
	export MV_TMDB_RETRIES=0
	# 1-3, on 2026-03-01: drop, open twice, count.
	export MV_NOW=2026-03-01T12:00:00Z
	mkvideo "$MV_DATA/incoming/Twelve.Monkeys.1995.mkv" 20000
	SUM=$(sha "$MV_DATA/incoming/Twelve.Monkeys.1995.mkv")
	mvwatch --once --settle 0 | mvenrich | mvstat >/dev/null
	# No pipeline runs: each request goes through mvenrich | mvstat |
	# mvindex run by mvctl, whose events it prints.
	{ mvctl request m1; mvctl request m1; } 2>/dev/null >"$BATS_TEST_TMPDIR/up"
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = deep ]
	[ -s "$MV_DATA/assets/images/m1-poster-w342.jpg" ]
}

teardown() {
	stop_faketmdb
}

@test "UC-06: a movie unread for 90 days goes back to minimal, keeps its video, and can climb back" {
	run jq -c '.movies.m1 | [.count, .last]' "$MV_DATA/stats/usage.json"
	assert_output '[2,"2026-03-01T12:00:00Z"]'
	grep -q '"mv.stats.updated"' "$BATS_TEST_TMPDIR/up"
	video=$(jq -r .videos[0].path "$MV_DATA/Movies/m1.json")

	# 4. 30 days later: read recently enough.
	MV_NOW=2026-03-31T12:00:00Z run -0 --separate-stderr mvdowngrade --level minimal --unread-since 90d
	[ -z "$output" ]
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = deep ]

	# 5. 100 days later: the plan, then the downgrade.
	export MV_NOW=2026-06-09T12:00:00Z
	before=$(tree_digest "$MV_DATA")
	run -0 mvctl downgrade --level minimal --unread-since 90d --dry-run
	run jq -c '[.id, .from, .to]' <<<"$output"
	assert_output '["m1","deep","minimal"]'
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
	images=$(find "$MV_DATA/assets/images" -name 'm1-*' -printf '%s\n' | awk '{ s += $1 } END { print s }')
	[ "$images" -gt 0 ]
	run -0 --separate-stderr mvdowngrade --level minimal --unread-since 90d
	[ "${#lines[@]}" -eq 1 ]
	run jq -c '[.type, .data.id, .data.from, .data.to, .data.freedBytes > '"$images"']' <<<"$output"
	assert_output '["mv.movie.downgraded","m1","deep","minimal",true]'
	# Postconditions.
	run jq -c '[.level, .status, .title, .year, .externalIds.tmdb, .videos[0].path, has("credits"), has("overview")]' \
		"$MV_DATA/Movies/m1.json"
	assert_output "[\"minimal\",\"ready\",\"Twelve Monkeys\",1995,63,\"$video\",false,false]"
	[ "$(sha "$MV_DATA/$video")" = "$SUM" ]
	[ -z "$(find "$MV_DATA/assets/images" -name 'm1-*')" ]
	profiles_valid
	after=$(tree_digest "$MV_DATA")
	run -0 mvdowngrade --level minimal --unread-since 90d
	[ -z "$output" ]
	[ "$(tree_digest "$MV_DATA")" = "$after" ]

	# 6. Opened again, it climbs back through mvenrich.
	mvctl request m1 2>/dev/null >"$BATS_TEST_TMPDIR/back"
	run -0 enriched_of "$BATS_TEST_TMPDIR/back"
	# details, /configuration (its cache aged with the clock) and the
	# card poster downgrading removed.
	assert_output '{"id":"m1","level":"basic","from":"minimal","tmdbRequests":3}'
	[ "$(find "$MV_DATA/assets/images" -name 'm1-*' -printf '%f\n')" = m1-card-w92.jpg ]
	profiles_valid
}

@test "UC-06: failure flows: a corrupt usage.json or a failing hook change nothing; a protecting hook keeps the movie" {
	export MV_NOW=2026-06-09T12:00:00Z
	cp "$MV_DATA/stats/usage.json" "$BATS_TEST_TMPDIR/usage.json"
	echo '{"schemaVersion":1,"movies":' >"$MV_DATA/stats/usage.json"
	before=$(tree_digest "$MV_DATA")
	run -65 --separate-stderr mvdowngrade --level minimal --unread-since 90d
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
	cp "$BATS_TEST_TMPDIR/usage.json" "$MV_DATA/stats/usage.json"

	before=$(tree_digest "$MV_DATA")
	MV_DOWNGRADE_HOOK=$MV_TOP/tests/fixtures/mvdowngrade/hook-fail \
		run -69 --separate-stderr mvdowngrade --level minimal --unread-since 90d
	[ "$(tree_digest "$MV_DATA")" = "$before" ]

	echo m1 >"$BATS_TEST_TMPDIR/wish"
	MV_DOWNGRADE_HOOK=$MV_TOP/examples/hooks/wishlist MV_WISHLIST=$BATS_TEST_TMPDIR/wish \
		run -0 mvdowngrade --level minimal --unread-since 90d
	[ -z "$output" ]
	[ "$(jq -r .level "$MV_DATA/Movies/m1.json")" = deep ]
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
}
