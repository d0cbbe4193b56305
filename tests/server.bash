# server.bash: wait for a test server (faketmdb, mvserve) to be ready.
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
