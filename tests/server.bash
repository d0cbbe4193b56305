# server.bash: wait for a test server (faketmdb, mvserve) to be ready, and
# stop it.
# Sourced by tests/faketmdb.bash and tests/fixtures/mvserve/helpers.bash.

. "$(dirname "${BASH_SOURCE[0]}")/nap.bash"

# wait_for_server NAME PID PORTFILE ERRLOG: poll (bounded, 10 s) until the
# server writes its port file. Returns 0 then; if it dies or times out
# first, prints why with its stderr, kills and reaps it, and returns 1.
wait_for_server() {
	local name=$1 pid=$2 portfile=$3 errlog=$4 i=0
	while [ ! -s "$portfile" ]; do
		if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 500 ]; then
			echo "start_$name: unable to start $name:" >&2
			cat "$errlog" >&2
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 1
		fi
		i=$((i + 1))
		nap 0.02
	done
}

# stop_server PID [SIGNAL]: send SIGNAL (default TERM), SIGKILL after 5 s,
# and reap it; its exit status in SERVER_STATUS.
stop_server() {
	local pid=$1 i=0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 250 ]; then
			kill -KILL "$pid" 2>/dev/null
			break
		fi
		nap 0.02
	done
	wait "$pid" 2>/dev/null
	SERVER_STATUS=$?
}
