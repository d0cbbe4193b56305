# faketmdb.bash: start and stop the fake TMDB server from bats or a script.
#
#   . tests/faketmdb.bash        (in bats: load faketmdb)
#   start_faketmdb [faketmdb options...]   e.g. --fail-first 2 --root DIR
#   ... MV_TMDB_URL and TMDB_API_KEY now point mv at it ...
#   stop_faketmdb
#
# start_faketmdb sets and exports FAKETMDB_PID, FAKETMDB_PORT, FAKETMDB_URL
# (http://127.0.0.1:PORT, for the control endpoints), MV_TMDB_URL
# (FAKETMDB_URL/3) and TMDB_API_KEY=testkey, and FAKETMDB_LOG (its stderr).
# It waits for the port file with a bounded poll, never a fixed sleep.
# Only one server per shell; stop it before starting another.

FAKETMDB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$FAKETMDB_TOP/tests/server.bash"

# Start the server; returns 1 (with its log on stderr) if it is not ready
# within 10 seconds or dies first.
start_faketmdb() {
	local dir
	dir=$(mktemp -d "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/faketmdb.XXXXXX") || return 1
	FAKETMDB_LOG=$dir/stderr
	# 3>&- : bats waits for fd 3 to close; a server holding it would hang it.
	"$FAKETMDB_TOP/tests/faketmdb" --port-file "$dir/port" "$@" \
		</dev/null >/dev/null 2>"$FAKETMDB_LOG" 3>&- &
	FAKETMDB_PID=$!
	wait_for_server faketmdb "$FAKETMDB_PID" "$dir/port" "$FAKETMDB_LOG" ||
		{ unset FAKETMDB_PID; return 1; }
	FAKETMDB_PORT=$(cat "$dir/port")
	FAKETMDB_URL=http://127.0.0.1:$FAKETMDB_PORT
	MV_TMDB_URL=$FAKETMDB_URL/3
	TMDB_API_KEY=testkey
	export FAKETMDB_PID FAKETMDB_PORT FAKETMDB_URL FAKETMDB_LOG MV_TMDB_URL TMDB_API_KEY
}

# Stop the server with SIGTERM (SIGKILL after 5 s) and reap it. Sets
# FAKETMDB_STATUS to its exit status. Safe to call when none is running.
stop_faketmdb() {
	[ -n "${FAKETMDB_PID:-}" ] || return 0
	stop_server "$FAKETMDB_PID"
	FAKETMDB_STATUS=$SERVER_STATUS
	unset FAKETMDB_PID
	return 0
}

# The /__stats JSON: {"total":N,"paths":{...},"byStatus":{...}}.
faketmdb_stats() {
	curl -sS "$FAKETMDB_URL/__stats"
}

# How many requests PATH (no query, e.g. /3/movie/63) has received.
faketmdb_count() {
	faketmdb_stats | jq --arg p "$1" '.paths[$p] // 0'
}

# Zero the counters.
faketmdb_reset() {
	curl -sS -o /dev/null "$FAKETMDB_URL/__reset"
}

# Change faults at run time: faketmdb_faults 'fail_first=2&fail_status=503'
# (clear=1 removes them all). Prints the resulting settings.
faketmdb_faults() {
	curl -sS -X POST "$FAKETMDB_URL/__faults?$1"
}
