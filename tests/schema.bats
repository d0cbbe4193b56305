#!/usr/bin/env bats
# schema.bats: the validator (lib/schema.c) against the official
# JSON-Schema-Test-Suite, the schemas/ files, their fixtures, and ajv.

load test_helper

JSTS=/usr/share/json-schema-test-suite
FIX=$MV_TOP/tests/fixtures/schema

# Schema of a fixture from its name: "MovieProfile--x.json" ->
# MovieProfile.json, "mv.file.added--x.json" -> events/mv.file.added.json.
schema_of() {
	local b
	b=$(basename "$1" .json)
	b=${b%%--*}
	case $b in mv.*) echo "events/$b.json" ;; *) echo "$b.json" ;; esac
}

@test "JSON-Schema-Test-Suite draft7: every case of every claimed keyword passes" {
	[ -d "$JSTS/tests/draft7" ] || skip "json-schema-test-suite is not installed (scripts/bootstrap)"
	run --separate-stderr "$MV_BUILD/progs/jsts" -m "$MV_TOP/tests/jsts/draft-07-schema.json" "$JSTS"
	# Show the numbers and the skipped files with their reasons in the TAP log.
	printf '# %s\n' "${lines[@]}" | grep -v '^# FAIL' >&3 || true
	[ -z "$stderr" ]
	refute_output --partial FAIL
	[ "$status" -eq 0 ]
	summary=${lines[${#lines[@]}-1]}
	[[ $summary =~ ^jsts:\ ([0-9]+)/([0-9]+)\ passed,\ ([0-9]+)\ files\ skipped$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${BASH_REMATCH[1]}" -ge 450 ]
	# Only optional files may be skipped: every core draft7 file is run.
	skips=$(printf '%s\n' "${lines[@]}" | grep '^skip ')
	[ "$(grep -c . <<<"$skips")" -eq "${BASH_REMATCH[3]}" ]
	run grep -v '^skip optional/' <<<"$skips"
	[ "$status" -eq 1 ]
}

@test "jsts refuses to run without the meta-schema (64)" {
	run -64 --separate-stderr "$MV_BUILD/progs/jsts" "$JSTS"
	[ -z "$output" ]
	[[ ${stderr_lines[0]} == "usage: jsts "* ]]
}

@test "every schema has \$schema draft-07 and the \$id of its path" {
	cd "$MV_TOP/schemas"
	n=0
	for f in *.json events/*.json; do
		run jq -r '[."$schema", ."$id"] | join(" ")' "$f"
		[ "$output" = "http://json-schema.org/draft-07/schema# https://mv.invalid/schemas/$f" ]
		n=$((n + 1))
	done
	[ "$n" -eq 25 ]
}

@test "one schema per event type of the design" {
	for t in mv.file.added mv.movie.created mv.movie.matched mv.movie.needs-review \
	    mv.movie.requested mv.movie.enriched mv.video.added mv.movie.downgraded \
	    mv.person.created mv.person.enriched mv.index.updated mv.stats.updated mv.error; do
		[ -f "$MV_TOP/schemas/events/$t.json" ]
		run jq -r '.allOf[1].properties.type.const' "$MV_TOP/schemas/events/$t.json"
		[ "$output" = "$t" ]
	done
	run ls "$MV_TOP/schemas/events"
	[ "${#lines[@]}" -eq 13 ]
}

@test "every schema has at least one valid and one invalid fixture" {
	cd "$MV_TOP/schemas"
	for f in *.json events/*.json; do
		b=$(basename "$f" .json)
		ls "$FIX/valid/$b--"*.json >/dev/null
		ls "$FIX/invalid/$b--"*.json >/dev/null
	done
}

@test "valid fixtures are valid: minimal to deep movies, people, indexes, pages, events" {
	n=0
	for f in "$FIX"/valid/*.json; do
		run --separate-stderr schemacheck_ "$(schema_of "$f")" "$f"
		[ "$status" -eq 0 ] || { echo "$output"; false; }
		[ "$output" = "$f: valid" ]
		[ -z "$stderr" ]
		n=$((n + 1))
	done
	[ "$n" -ge 29 ]
}

@test "invalid fixtures fail, each at the pointer and keyword it was made for" {
	n=0
	# Every invalid fixture is listed in EXPECT, and every line names one.
	diff <(ls "$FIX/invalid" | grep '\.json$') <(grep -v '^#' "$FIX/invalid/EXPECT" | cut -d' ' -f1 | sort)
	while read -r f expect; do
		case $f in '#'*) continue ;; esac
		run --separate-stderr schemacheck_ "$(schema_of "$f")" "$FIX/invalid/$f"
		[ "$status" -eq 1 ] || { echo "$f: status $status"; false; }
		[ "${lines[${#lines[@]}-1]}" = "$FIX/invalid/$f: invalid" ]
		printf '%s\n' "${lines[@]}" | grep -qF "$FIX/invalid/$f: $expect: " ||
			{ echo "$f: no error '$expect' in:"; echo "$output"; false; }
		[ -z "$stderr" ]
		n=$((n + 1))
	done <"$FIX/invalid/EXPECT"
	[ "$n" -ge 50 ]
}

@test "an error names the file, the JSON pointer, the keyword and the reason" {
	f=$FIX/invalid/MovieProfile--cast-person-not-an-id.json
	run -1 --separate-stderr schemacheck_ MovieProfile.json "$f"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$f: /credits/cast/0/person: pattern: does not match ^p[1-9][0-9]*\$" ]
	[ "${lines[1]}" = "$f: invalid" ]
}

@test "a v0 document (no schemaVersion, tmdbId, level light) is reported, not accepted" {
	f=$BATS_TEST_TMPDIR/v0.json
	jq 'del(.schemaVersion, .externalIds) | .tmdbId = 63 | .level = "light"' \
		"$FIX/valid/MovieProfile--basic.json" >"$f"
	run -1 schemacheck_ MovieProfile.json "$f"
	assert_line "$f: /: required: missing member \"schemaVersion\""
	assert_line "$f: /: required: missing member \"externalIds\""
	assert_line --partial "$f: /level: enum: "
}

@test "a v1 movie (schemaVersion 1, one video) is not v2: readers upgrade it, the schema does not" {
	f=$BATS_TEST_TMPDIR/v1.json
	jq '.schemaVersion = 1 | .video = .videos[0] | del(.videos)' \
		"$FIX/valid/MovieProfile--basic.json" >"$f"
	run -1 schemacheck_ MovieProfile.json "$f"
	assert_line "$f: /schemaVersion: const: differs from the constant"
	assert_line "$f: /: required: missing member \"videos\""
	assert_equal "${#lines[@]}" 3
	# A v2 movie with versions, parts, subtitles and extras is valid.
	run -0 schemacheck_ MovieProfile.json "$FIX/valid/MovieProfile--versions-parts.json"
}

@test "schemacheck: unknown schema is a usage error (64), bad JSON is bad data (65)" {
	run -64 --separate-stderr schemacheck_ NoSuch.json "$FIX/valid/ExternalIds--all.json"
	[ "$stderr" = "schemacheck: unable to validate: no schema NoSuch.json" ]
	printf '{"tmdb": ' >"$BATS_TEST_TMPDIR/bad.json"
	run -65 --separate-stderr schemacheck_ ExternalIds.json "$BATS_TEST_TMPDIR/bad.json"
	[[ $stderr == "schemacheck: unable to load $BATS_TEST_TMPDIR/bad.json: "* ]]
	[ -z "$output" ]
}

@test "schemas come from \$MV_SCHEMAS; a broken schema directory is a configuration error (78)" {
	mkdir "$BATS_TEST_TMPDIR/s"
	printf '{"type": "object", "properties": {"a": {"pattern": "(?=x)"}}}\n' >"$BATS_TEST_TMPDIR/s/T.json"
	MV_SCHEMAS=$BATS_TEST_TMPDIR/s run -78 --separate-stderr "$MV_BUILD/progs/schemacheck" T.json "$FIX/valid/ExternalIds--all.json"
	[ "$stderr" = "schemacheck: T.json: unsupported regular expression (?=x): lookaround or named group (?...)" ]
	MV_SCHEMAS=$BATS_TEST_TMPDIR/none run -78 --separate-stderr "$MV_BUILD/progs/schemacheck" T.json "$FIX/valid/ExternalIds--all.json"
	[ "$stderr" = "schemacheck: unable to open schema directory $BATS_TEST_TMPDIR/none: No such file or directory" ]
}

@test "ajv cross-check: every schema compiles in ajv, every fixture gets the same verdict" {
	command -v npm >/dev/null 2>&1 || skip "npm not found: cannot install ajv-cli (scripts/bootstrap-npm)"
	run "$MV_TOP/tests/ajv-crosscheck"
	echo "# ${lines[${#lines[@]}-1]}" >&3
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ ${lines[${#lines[@]}-1]} =~ ^ajv-crosscheck:\ 25/25\ schemas\ compiled,\ ([0-9]+)/([0-9]+)\ documents\ agree$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${BASH_REMATCH[1]}" -eq "$(ls "$FIX"/valid/*.json "$FIX"/invalid/*.json | wc -l)" ]
}

schemacheck_() {
	"$MV_BUILD/progs/schemacheck" "$@"
}
