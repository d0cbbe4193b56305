# helpers.bash: the set-up the use cases share; what each case drops
# stays in its file. `load helpers` also loads what every case uses: the
# hermetic environment, the fake TMDB and the mvenrich event helpers.

load ../test_helper
load ../faketmdb
load ../fixtures/mvenrich/helpers

# Most cases: a fresh data dir with an empty incoming/ and the fake TMDB
# running (MV_TMDB_URL points at it), nothing filed yet. IN is incoming/,
# OUT a file for the events a case collects. Stop it with stop_faketmdb.
setup_incoming() {
	mv_test_env
	mkdir -p "$MV_DATA/incoming"
	start_faketmdb
	IN=$MV_DATA/incoming
	OUT=$BATS_TEST_TMPDIR/out
}

# The cases that run the supervised pipeline: the fake TMDB running, no
# supervisor yet ($sup is empty until start_pipeline), and mvwatch quick
# to settle so that a dropped file is seen within a fraction of a second.
# Stop them with teardown_pipeline.
setup_pipeline() {
	mv_test_env
	start_faketmdb
	export MV_ARGS_mvwatch="--settle 0.2"
	sup=
}

# Start mvpipeline in its own process group ($sup) and wait until it is
# ready.
start_pipeline() {
	setsid mvpipeline 2>"$BATS_TEST_TMPDIR/sup.err" &
	sup=$!
	wait_for_file "$MV_DATA/run/pipeline.ready" 20
}

# Stop the supervisor (if one runs) with its stages, then the fake TMDB.
teardown_pipeline() {
	[ -z "$sup" ] || stop_group "$sup"
	stop_faketmdb
}

# The kill -9 loops: a fresh data dir (MV_DATA, IN) with an empty
# incoming/ for crash STEP, so that each step starts from nothing; the
# fake TMDB keeps running.
setup_crash_dir() {
	export MV_DATA=$BATS_TEST_TMPDIR/crash-${1/:/-}
	mkdir -p "$MV_DATA/incoming"
	IN=$MV_DATA/incoming
}

# The index as the supervisor keeps it: index_follow starts one mvindex
# filter that reads what is written to descriptor 7 until index_unfollow
# closes it and waits for the filter. A mvctl check after that, with no
# rebuild, says whether the index was told of everything the stages did.
index_follow() {
	local q=$BATS_TEST_TMPDIR/q
	rm -f "$q"
	mkfifo "$q"
	mvindex <"$q" >/dev/null 2>"$BATS_TEST_TMPDIR/mvindex.err" &
	follower=$!
	exec 7>"$q"
}
index_unfollow() {
	exec 7>&-
	wait "$follower"
}

# mvenrich killed (exit 137) at STEP on the events in $BATS_TEST_TMPDIR/ev,
# then restarted: mvenrich --retry finishes the work and exits 0. Both
# runs' events go to one index filter (index_follow).
crash_then_retry() {
	local killed=0 retried=0

	index_follow
	MV_CRASH_AT=$1 mvenrich <"$BATS_TEST_TMPDIR/ev" >&7 2>"$BATS_TEST_TMPDIR/killed.err" ||
		killed=$?
	mvenrich --retry >&7 2>"$BATS_TEST_TMPDIR/retry.err" || retried=$?
	index_unfollow
	[ $killed -eq 137 ] || { echo "$1: mvenrich exited $killed, not killed"; return 1; }
	[ $retried -eq 0 ] || { echo "$1: mvenrich --retry exited $retried"; return 1; }
}
