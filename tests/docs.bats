#!/usr/bin/env bats
# docs.bats: code and manuals agree. Every tool (tools/*.c, scripts/mv*) has
# a man page with the fixed sections; every page lints; --help, getopt and
# the page name the same options; EXIT STATUS is lib/exit.c's table.
# (style.md habits 15 and 16; curl's test1139 does the same for curl.)

load test_helper

SECTIONS='NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES EXIT STATUS EXAMPLES SEE ALSO'

# Every tool's help, once: $H/TOOL for --help, $H/TOOL.VERB for
# "TOOL help VERB" (a tool whose --help shows "TOOL help"), $H/TOOL.verbs.
setup_file() {
	local t v
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mv_test_env
	H=$BATS_FILE_TMPDIR/help
	mkdir -p "$H"
	for t in $(doc_tools); do
		"$t" --help >"$H/$t" 2>"$H/$t.stderr" || echo "$?" >"$H/$t.failed"
		grep -q "$t help" "$H/$t" || continue
		"$t" help | awk '/^verbs:/ { v = 1; next } v && /^  [a-z]/ { print $1 }' >"$H/$t.verbs"
		for v in $(cat "$H/$t.verbs"); do
			# The usage lines only: the summary is prose.
			"$t" help "$v" | sed '/^$/q' >"$H/$t.$v"
		done
	done
}

setup() {
	mv_test_env
	H=$BATS_FILE_TMPDIR/help
}

# Every tool by name: tools/mvfoo.c and scripts/mvfoo. A tool that lands
# later is covered without editing this file.
doc_tools() {
	local f
	for f in "$MV_TOP"/tools/*.c "$MV_TOP"/scripts/mv*; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "${f%.c}"
	done
}

# Every man page in man/.
doc_pages() {
	local f
	for f in "$MV_TOP"/man/*.[1-9]; do
		[ -e "$f" ] && echo "$f"
	done
}

# "SCOPE OPTION" for each option of a tool's help: SCOPE is "-" for
# --help, the verb for "TOOL help VERB". Options are --long and -x tokens
# that start a word (so "half-done" or "mv.movie.*" are not options).
help_scoped() { # tool
	(cd "$H" && grep -oHE '(^|[][ ,|(])--?[A-Za-z0-9][A-Za-z0-9-]*' "$1" $(ls | grep "^$1\\.") |
		grep -v "^$1\\.\\(verbs\\|failed\\|stderr\\):" |
		sed -E "s/^$1(\\.([a-z]+))?:[][ ,|(]?/\\2 /; s/^ /- /")
}

# "SCOPE OPTION" for each .Fl in a page's SYNOPSIS and DESCRIPTION: SCOPE
# is the verb of the ".It Cm VERB" item it is under (up to the next .It
# Cm), or "-" outside every verb.
man_scoped() { # page
	sed 's/\\-/-/g' "$1" | awk '
	/^\.Sh / { sec = substr($0, 5); inverb = "" }
	/^\.It Cm / && sec == "DESCRIPTION" { inverb = $3 }
	sec != "SYNOPSIS" && sec != "DESCRIPTION" { next }
	/^\./ {
		scope = inverb != "" ? inverb : "-"
		sub(/^\./, "")
		for (i = 1; i <= NF; i++) {
			if ($i != "Fl")
				continue
			for (j = i + 1; j <= NF; j++) {
				if ($j ~ /^[A-Z][a-z][a-z]?$/)
					break
				if ($j ~ /^[][,|;.():]$/)
					continue
				gsub(/"/, "", $j)
				print scope, "-" $j
			}
			i = j - 1
		}
	}' | sort -u
}

# Compare the scoped option lists of help (file 1) and page (file 2) of
# tool t; print each difference. With verbs, a verb's options may also be
# the common ones ("-"); without, everything is in scope "-".
compare_opts() { # tool helpfile manfile verbs(0|1)
	awk -v t="$1" -v verbs="$4" '
	FNR == NR { if (!verbs) $1 = "-"; h[$1 " " $2] = 1; hs[$1] = 1; next }
	{ if (!verbs) $1 = "-"; m[$1 " " $2] = 1 }
	END {
		for (k in h) {
			split(k, p, " ")
			if (!(k in m) && !((p[1] != "-") && (("- " p[2]) in m || ("- " p[2]) in h)))
				print t (p[1] == "-" ? "" : " " p[1]) ": " p[2] " is in the help, not in the page"
		}
		for (k in m) {
			split(k, p, " ")
			if (!(k in h) && !((p[1] != "-") && ("- " p[2]) in h))
				print t (p[1] == "-" ? "" : " " p[1]) ": " p[2] " is in the page, not in the help" \
				    (p[1] in hs || p[1] == "-" ? "" : " (no help for verb " p[1] ")")
		}
	}' "$2" "$3" | sort
}

# Letters of every getopt_long short-options string in C files, each with
# the function it is in: "v_request l".
getopt_letters() {
	awk '
	/^[a-z_][a-z0-9_]*\(/ { fn = $0; sub(/\(.*/, "", fn) }
	/getopt_long\(/ {
		s = $0
		if (!match(s, /argv, "[^"]*"/))
			next
		s = substr(s, RSTART + 7, RLENGTH - 8)
		gsub(/[:+-]/, "", s)
		for (i = 1; i <= length(s); i++)
			print fn, substr(s, i, 1)
	}' "$@"
}

# Add lines (if any) to the test's list of failures, errs.
add_err() {
	[ -z "$1" ] || errs+="$1"$'\n'
}

@test "docs: every tool has a man page with the sections in the fixed order" {
	local t page errs=
	for t in $(doc_tools); do
		page=$MV_TOP/man/$t.1
		if [ ! -f "$page" ]; then
			errs+="$t: no man/$t.1"$'\n'
		fi
	done
	for page in $(doc_pages); do
		got=$(sed -n 's/^\.Sh //p' "$page" | tr '\n' ' ')
		[ "$got" = "$SECTIONS " ] || errs+="${page##*/}: sections: $got"$'\n'
	done
	for page in mv.7 mv-events.5 mv-profile.5; do
		[ -f "$MV_TOP/man/$page" ] || errs+="no man/$page"$'\n'
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: mandoc -Tlint -Wwarning prints nothing for every page" {
	local page out errs=
	for page in $(doc_pages); do
		out=$(mandoc -Tlint -Wwarning "$page" 2>&1 | grep -v 'outdated mandoc.db' || true)
		[ -z "$out" ] || errs+="$out"$'\n'
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: plain mandoc -Tlint is clean but for manuals outside man/" {
	local page line ref name sec errs=
	for page in $(doc_pages); do
		while IFS= read -r line; do
			case $line in
			*'outdated mandoc.db'*) continue ;;
			*'STYLE: referenced manual not found: Xr '*)
				ref=${line##*Xr }
				name=${ref%% *} sec=${ref#* } sec=${sec%% *}
				# An mv page must exist; others are the system's.
				case $name in
				mv|mv[a-z-]*) [ -f "$MV_TOP/man/$name.$sec" ] && continue ;;
				*) continue ;;
				esac
				;;
			esac
			errs+="$line"$'\n'
		done < <(mandoc -Tlint "$page" 2>&1)
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: every option in --help is in the man page, and the other way round" {
	local t v page errs=
	for t in $(doc_tools); do
		page=$MV_TOP/man/$t.1
		[ -f "$page" ] || { errs+="$t: no man page"$'\n'; continue; }
		[ ! -f "$H/$t.failed" ] || add_err "$t: --help exits $(cat "$H/$t.failed")"
		[ ! -s "$H/$t.stderr" ] || add_err "$t: --help writes to standard error"
		help_scoped "$t" >"$BATS_TEST_TMPDIR/h"
		man_scoped "$page" >"$BATS_TEST_TMPDIR/m"
		add_err "$(compare_opts "$t" "$BATS_TEST_TMPDIR/h" "$BATS_TEST_TMPDIR/m" \
			"$([ -f "$H/$t.verbs" ] && echo 1 || echo 0)")"
		# Every verb that help lists has its item in the page.
		for v in $(cat "$H/$t.verbs" 2>/dev/null); do
			grep -qE "^\.It Cm $v( |\$)" "$page" || add_err "$t: verb $v is not in the page"
		done
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: every getopt letter and every script option is in --help" {
	local t c errs=
	for t in $(doc_tools); do
		help_scoped "$t" >"$BATS_TEST_TMPDIR/h"
		if [ -f "$MV_TOP/tools/$t.c" ]; then
			# A verb's function v_fn checks against its verbs' help (the
			# table's { "name", v_fn, ... }) and the common options.
			# A tool split in git's builtin/ manner keeps its verbs in
			# tools/$t/*.c (mvctl); its table stays in tools/$t.c.
			getopt_letters "$MV_TOP/tools/$t.c" $(ls "$MV_TOP/tools/$t"/*.c 2>/dev/null) \
				>"$BATS_TEST_TMPDIR/g"
			grep -oE '\{ *"[a-z]+", *v_[a-z_]+,' "$MV_TOP/tools/$t.c" |
				sed -E 's/\{ *"([a-z]+)", *(v_[a-z_]+),/\2 \1/' >"$BATS_TEST_TMPDIR/v" || true
			add_err "$(awk -v t="$t" '
			FILENAME ~ /\/v$/ { verbs[$1] = verbs[$1] " " $2; next }
			FILENAME ~ /\/h$/ { h[$1 " " $2] = 1; next }
			{
				ok = ("- -" $2) in h
				n = split(verbs[$1], vs, " ")
				for (i = 1; i <= n; i++)
					ok = ok || (vs[i] " -" $2) in h
				if (!ok)
					print t ": getopt letter -" $2 " (in " $1 ") is not in its help"
			}' "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/h" "$BATS_TEST_TMPDIR/g")"
		else
			# A script: every case label of its option loop.
			for c in $(sed -n 's/^[[:space:]]*\(-[-a-zA-Z0-9|=*]*\))[[:space:]].*/\1/p' \
				"$MV_TOP/scripts/$t" | tr '|' ' '); do
				c=${c%%=*}
				grep -qx -- "- $c" "$BATS_TEST_TMPDIR/h" ||
					add_err "$t: option $c is not in its help"
			done
		fi
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: every EXIT STATUS lists exactly the codes of lib/exit.c" {
	local names codes n page got errs=
	names=$(grep -oE '^[[:space:]]*\{MV_EX_[A-Z]+,' "$MV_TOP/lib/exit.c" | tr -d '{, \t')
	codes=
	for n in $names; do
		codes+="$(sed -n "s/^[[:space:]]*$n = \([0-9]*\),.*/\1/p" "$MV_TOP/lib/mv.h") "
	done
	# The table itself must have been read: sysexits plus 0 and 1.
	[ "$(wc -w <<<"$codes")" -ge 11 ]
	codes=$(printf '%s\n' $codes | sort -n | tr '\n' ' ')
	for page in $(doc_pages); do
		got=$(awk '/^\.Sh / { s = substr($0, 5) } s == "EXIT STATUS" && /^\.It [0-9]+$/ { print $2 }' \
			"$page" | sort -n | tr '\n' ' ')
		[ "$got" = "$codes" ] || errs+="${page##*/}: EXIT STATUS lists $got; lib/exit.c has $codes"$'\n'
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: mv(7) names every variable and configuration key the code reads" {
	local n errs=
	# Variables read directly, and the settings read as MV_KEY or key.
	for n in $(grep -ohE 'getenv\("[A-Z_]+"\)' "$MV_TOP"/lib/*.c "$MV_TOP"/tools/*.c "$MV_TOP"/tools/*/*.c |
		sed 's/getenv("\(.*\)")/\1/' | sort -u); do
		grep -qw -- "$n" "$MV_TOP/man/mv.7" || add_err "mv.7: no $n"
	done
	for n in $( { grep -ohE '(setting|env_num)\("MV_[A-Z_]+"' "$MV_TOP"/lib/*.c "$MV_TOP"/tools/*.c "$MV_TOP"/tools/*/*.c |
			sed 's/.*("MV_\(.*\)"/\1/' | tr A-Z a-z
		grep -ohE 'mv_config_get\("[a-z_]+"' "$MV_TOP"/lib/*.c "$MV_TOP"/tools/*.c "$MV_TOP"/tools/*/*.c |
			sed 's/.*("\(.*\)"/\1/'
		sed -n 's/^#* *\([a-z_]*\) *=.*/\1/p' "$MV_TOP/etc/mv.conf.example"
		} | sort -u); do
		grep -qx "\.It Li $n" "$MV_TOP/man/mv.7" || add_err "mv.7: no configuration key $n"
	done
	# A script's variables are in its own page.
	for f in "$MV_TOP"/scripts/mv*; do
		for n in $(grep -oE '\$\{?MV_[A-Z_]+' "$f" | tr -d '${' | sort -u); do
			[ "$n" = MV_DATA ] && continue
			grep -q -- "Ev $n" "$MV_TOP/man/${f##*/}.1" || add_err "${f##*/}.1: no $n"
		done
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}

@test "docs: the maps of the tree in README.md and mv(7) name every lib/*.c and tools/ folder" {
	local f n errs=
	for f in "$MV_TOP"/lib/*.c "$MV_TOP"/tools/*/; do
		n=${f%/}
		n=${n##*/}
		case $f in */) n=$n/ ;; esac
		grep -qE "^      $n( |\$)" "$MV_TOP/README.md" || add_err "README.md: $n is not in the layout"
		grep -qx "\.It Pa $n" "$MV_TOP/man/mv.7" || add_err "mv.7: $n is not in The source tree"
	done
	# And nothing the tree no longer has.
	for n in $(sed -n '/^\.Ss The source tree/,/^\.S[hs] [^T]/s/^\.It Pa //p' "$MV_TOP/man/mv.7"); do
		[ -e "$MV_TOP/lib/$n" ] || [ -d "$MV_TOP/tools/$n" ] ||
			add_err "mv.7: $n of The source tree is not in lib/ or tools/"
	done
	for n in $(sed -n '/^    lib\//,/^    scripts\//s/^      \([a-z_0-9]*\(\.c\|\/\)\) .*/\1/p' "$MV_TOP/README.md"); do
		[ -e "$MV_TOP/lib/$n" ] || [ -d "$MV_TOP/tools/$n" ] ||
			add_err "README.md: $n of the layout is not in lib/ or tools/"
	done
	[ -z "$errs" ] || { printf '%s' "$errs"; false; }
}
