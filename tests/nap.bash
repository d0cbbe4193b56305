# nap.bash: nap SECONDS, a pause without a process, for polling loops.
# It reads with a timeout from a pipe that nobody writes to. A `sleep` is
# a fork and an exec: about 9 ms of CPU and 30 ms of wall time for a
# 10 ms pause on our 2-CPU VM, and the tests poll thousands of times.
nap() {
	[ -n "${_nap_fd:-}" ] || exec {_nap_fd}<> <(:)
	read -rt "$1" -u "$_nap_fd" || :
}
