#!/usr/bin/env bats
# mvctl as a service: the systemd units, the bash completion, the example
# configuration.

load test_helper

setup() {
	mv_test_env
	cp -r "$(fixture mvctl lib)" "$MV_DATA"
}

# The units with @BINDIR@ pointing at this tree, in dir $1.
units_here() {
	local u
	mkdir -p "$1/user"
	for u in "$MV_TOP"/systemd/*.service "$MV_TOP"/systemd/*.timer; do
		sed "s|@BINDIR@/mvpipeline|$MV_TOP/scripts/mvpipeline|; s|@BINDIR@|$MV_BUILD/bin|" "$u" >"$1/${u##*/}"
	done
	for u in "$MV_TOP"/systemd/user/*; do
		sed "s|@BINDIR@/mvpipeline|$MV_TOP/scripts/mvpipeline|; s|@BINDIR@|$MV_BUILD/bin|" "$u" >"$1/user/${u##*/}"
	done
}

@test "systemd units pass systemd-analyze verify (system and user)" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	local d=$BATS_TEST_TMPDIR/units
	units_here "$d"
	cd "$d"
	run -0 --separate-stderr systemd-analyze verify --man=no ./*.service ./*.timer
	assert_equal "$stderr" ""
	cd user
	run -0 --separate-stderr systemd-analyze verify --man=no ./*.service ./*.timer
	assert_equal "$stderr" ""
}

@test "mv-pipeline.service: restart policy matches the exit-code table, hardening on" {
	local u=$MV_TOP/systemd/mv-pipeline.service
	grep -qx 'Restart=on-failure' "$u"
	grep -qx 'RestartPreventExitStatus=64 65 78' "$u"
	grep -qx 'LoadCredential=TMDB_TOKEN:/etc/mv/tmdb-token' "$u"
	grep -qx 'NoNewPrivileges=yes' "$u"
	grep -qx 'ProtectSystem=strict' "$u"
	grep -qx 'PrivateTmp=yes' "$u"
	grep -qx 'ReadWritePaths=%S/mv' "$u"
	# Debian's systemd 252 has no RestartSteps.
	run -1 grep -r RestartSteps "$MV_TOP/systemd"
	grep -qx 'RestartPreventExitStatus=64 65 78' "$MV_TOP/systemd/user/mv-pipeline.service"
}

@test "the readiness wait of mv-pipeline.service ends on the ready file" {
	local line
	line=$(sed -n 's/^ExecStartPost=\/bin\/sh -c //p' "$MV_TOP/systemd/mv-pipeline.service")
	# Undo systemd's $$ escaping and run it against a ready library.
	line=${line//\$\$/\$}
	line=${line#\'}
	line=${line%\'}
	touch "$MV_DATA/run/pipeline.ready"
	run -0 timeout 5 sh -c "$line"
}

# Complete the words given, as bash would at the end of the line.
complete_words() {
	# shellcheck disable=SC1091
	source "$MV_TOP/completion/mvctl.bash"
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_mvctl
	printf '%s\n' "${COMPREPLY[@]}"
}

@test "completion: verbs are those of mvctl help" {
	local want got
	want=$(mvctl help | awk '/^verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' | sort)
	got=$(complete_words mvctl "" | grep -v '^-' | sort)
	assert_equal "$got" "$want"
	assert_equal "$(complete_words mvctl st)" "$(printf 'status\nstats')"
}

@test "completion: ids from the index, options per verb, levels" {
	assert_equal "$(complete_words mvctl show "" | tr '\n' ' ')" "m1 m2 m3 "
	assert_equal "$(complete_words mvctl --data "$MV_DATA" people p | tr '\n' ' ')" "p1 p2 p3 "
	assert_equal "$(complete_words mvctl ls --so)" "--sort"
	assert_equal "$(complete_words mvctl enrich m1 --level l)" "light"
	assert_equal "$(complete_words mvctl ls --sort l)" "lastRead"
}

@test "the example configuration parses, and every key in it is documented" {
	sed 's/^#\([a-z_]* = \)/\1/' "$MV_TOP/etc/mv.conf.example" |
		sed "s|^data = .*|data = $MV_DATA|" >"$BATS_TEST_TMPDIR/conf"
	unset MV_DATA
	run -0 mvctl --config "$BATS_TEST_TMPDIR/conf" ls
	assert_equal "$(jq -r .totalItems <<<"$output")" 3
	run -0 mvctl --config "$BATS_TEST_TMPDIR/conf" gc --dry-run
}
