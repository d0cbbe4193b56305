# test_helper.bash: hermetic environment for every bats file.
# Load it with `load test_helper` (or `load ../test_helper` from tests/uc/).

MV_TOP=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)
MV_BUILD=${MV_BUILD:-$MV_TOP/build}
case $MV_BUILD in /*) ;; *) MV_BUILD=$MV_TOP/$MV_BUILD ;; esac
export MV_TOP MV_BUILD

bats_require_minimum_version 1.5.0

# Source what a bats library's load.bash sources, file by file. Its own
# load runs dirname(1) in a command substitution for each of its files:
# 15 forks and execs, ~165 ms for every test on our 2-CPU VM, which bats
# pays again for each of the ~540 tests. A load.bash of another shape
# sources nothing here, and the real load runs instead.
mv_bats_lib() { # DIR FUNCTION-IT-DEFINES
	local line
	while IFS= read -r line; do
		case $line in
		'source "$(dirname "${BASH_SOURCE[0]}")/'*'"')
			line=${line#*)/}
			# shellcheck source=/dev/null
			. "$1/${line%\"}" ;;
		esac
	done <"$1/load.bash"
	declare -F "$2" >/dev/null || load "$1/load"
}
mv_bats_lib /usr/lib/bats/bats-support batslib_err
mv_bats_lib /usr/lib/bats/bats-assert assert_output
. "$MV_TOP/tests/nap.bash"

# A fresh HOME and data dir, the build first on PATH, and nothing from the
# developer's own environment that mv reads.
mv_test_env() {
	export HOME=$BATS_TEST_TMPDIR/home
	export MV_DATA=$BATS_TEST_TMPDIR/data
	export MV_SCHEMAS=$MV_TOP/schemas
	export PATH=$MV_BUILD/bin:$MV_TOP/scripts:$MV_TOP/tests/bin:/usr/local/bin:/usr/bin:/bin
	export LC_ALL=C.UTF-8 TZ=UTC
	unset TMDB_TOKEN TMDB_API_KEY CREDENTIALS_DIRECTORY MV_TMDB_URL MV_NOW \
		XDG_DATA_HOME XDG_CONFIG_HOME MV_REGION MV_TMDB_RATE NO_COLOR \
		MV_PIPELINE_STAGES MV_CONFIG MV_FFPROBE MV_PROBE_TIMEOUT MV_ROOT
	# Most tests drop random bytes named .mkv and assert their exact sizes
	# and checksums: with the probe on they would go to review as "not a
	# video". The probe's own tests (tests/probe.bats, uc-01, uc-12) turn
	# it on and drop real videos made by tests/media.bash.
	export MV_PROBE=off
	mkdir -p "$HOME"
}

setup() {
	mv_test_env
}

# Fixture path: fixtures TOOL FILE
fixture() {
	echo "$MV_TOP/tests/fixtures/$1/$2"
}

# Wait until FILE exists (a readiness file), up to SECONDS (default 10).
# Polls instead of sleeping a fixed time, so tests never race.
wait_for_file() {
	local file=$1 limit=${2:-10} i=0
	while [ ! -e "$file" ]; do
		i=$((i + 1))
		[ $i -le $((limit * 50)) ] || { echo "timed out waiting for $file" >&2; return 1; }
		nap 0.02
	done
}

# Wait until COMMAND succeeds, up to SECONDS: wait_until 10 cmd args...
wait_until() {
	local limit=$1 i=0
	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -le $((limit * 50)) ] || { echo "timed out waiting for: $*" >&2; return 1; }
		nap 0.02
	done
}

# Stop a process group started with setsid, with a kill -9 fallback so a
# test can never hang; assert it is gone.
stop_group() {
	local pid=$1 i=0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 250 ]; then
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
			break
		fi
		nap 0.02
	done
	wait "$pid" 2>/dev/null || true
}

# The index of KIND (movies or people) put together from its shards
# (index/KIND/NNNNN.json), the way mv-profile(5) reads it with jq, into a
# file whose path is printed: {count, items, byExternal}. The shards' names
# sort by id, so the items come out in id order. An empty library has no
# shard: count 0, no items.
index_from_shards() { # DATA-DIR KIND
	local out shards=("$1/index/$2"/*.json)
	[ -e "${shards[0]}" ] || shards=()
	out=$(mktemp "$BATS_TEST_TMPDIR/$2-index.XXXXXX")
	jq -n '[inputs] | {count: (map(.count) | add // 0), items: (map(.items) | add // []),
		byExternal: (map(.byExternal) | add // {})}' "${shards[@]}" </dev/null >"$out"
	echo "$out"
}
people_index() { index_from_shards "$1" people; } # DATA-DIR
movies_index() { index_from_shards "$1" movies; } # DATA-DIR

# jq ARGS... on the movie index of DATA-DIR put together anew, for
# wait_until: each try reads the shards as they are then.
movies_jq() { # DATA-DIR ARGS...
	local ix
	ix=$(movies_index "$1") || return
	shift
	jq "$@" "$ix"
}

# A digest of every file under DIR, to show that a command changed nothing.
# cache/downgrade.scan is left out: it is a derived cache that any
# downgrade plan, a dry run too, may refresh once a profile is 2 s old,
# which a loaded machine makes happen at random.
tree_digest() { # DIR
	(cd "$1" && find . -type f ! -path ./cache/downgrade.scan -print0 | sort -z |
		xargs -0 -r sha256sum) | sha256sum
}

# TOOL run with each ARGS (a string split on blanks) exits 64 with its usage
# on stderr and nothing on stdout, and the data dir is left as it was.
usage_errors_change_nothing() { # TOOL ARGS...
	local tool=$1 args before
	shift
	before=$(tree_digest "$MV_DATA")
	for args in "$@"; do
		run --separate-stderr "$tool" $args
		[ "$status" -eq 64 ] || { echo "$tool $args exited $status"; false; }
		[[ $stderr == *"usage: $tool"* ]]
		[ -z "$output" ]
	done
	[ "$(tree_digest "$MV_DATA")" = "$before" ]
}
