/* test_file.c: unit tests for file.c: safe names, filing, crash recovery. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char tmpdir[] = "/tmp/mvunit-file.XXXXXX";
static char shmdir[] = "/dev/shm/mvunit-file.XXXXXX";
static int have_shm;

static const char *const steps[] = {
	"journal", "copy", "staged", "link", "unlink-partial", "fsync-dir",
	"recheck", "unlink-source", "fsync-srcdir",
};
/* The steps of a filing that keeps its source: it stops at the recheck. */
static const char *const keep_steps[] = {
	"journal", "copy", "staged", "link", "unlink-partial", "fsync-dir",
	"recheck",
};

/* Write a file of n bytes whose content depends on seed. */
static void
make_file(const char *path, size_t n, int seed)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *b = malloc(n ? n : 1);

	for (size_t i = 0; i < n; i++)
		b[i] = (char)(i * 31 + seed);
	if (fd < 0 || mv_write_all(fd, b, n) < 0 || close(fd) < 0)
		abort();
	free(b);
}

/* 1 if path holds exactly the content make_file(path, n, seed) wrote. */
static int
same_content(const char *path, size_t n, int seed)
{
	char *buf;
	size_t len;
	int r;

	if (mv_slurp(path, n + 1, &buf, &len) < 0)
		return 0;
	r = len == n;
	for (size_t i = 0; r && i < n; i++)
		r = buf[i] == (char)(i * 31 + seed);
	free(buf);
	return r;
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Number of directory entries (hidden ones included) in dir. */
static int
count_entries(const char *dir)
{
	char *cmd = mv_xasprintf("ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;

	if (!p || fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	free(cmd);
	return n;
}

static void
test_safe_name(void)
{
	char *s;

	s = mv_file_safe_name("2001: A Space Odyssey (1968) [tmdbid-62]", 200);
	is_str(s, "2001 A Space Odyssey (1968) [tmdbid-62]", "colon dropped, space kept");
	free(s);
	s = mv_file_safe_name("  ..AC/DC: \"Live\" <at> Donington?*|\\\t. . ", 200);
	is_str(s, "ACDC Live at Donington", "forbidden characters, leading dots, trailing dots and spaces");
	free(s);
	s = mv_file_safe_name("a\x01\x1f\x7f" "b", 200);
	is_str(s, "ab", "control characters dropped");
	free(s);
	s = mv_file_safe_name("/:*?", 200);
	is_str(s, "Untitled", "never empty");
	free(s);
	s = mv_file_safe_name("L'Armée", 5);
	is_str(s, "L'Arm", "cut before a two-byte character that does not fit");
	free(s);
	s = mv_file_safe_name("L'Armée", 6);
	is_str(s, "L'Arm", "never cut inside a UTF-8 sequence");
	free(s);
	s = mv_file_safe_name("L'Armée", 7);
	is_str(s, "L'Armé", "a whole sequence fits");
	free(s);
	s = mv_file_safe_name("abc. def", 4);
	is_str(s, "abc", "trailing dot trimmed after the cut");
	free(s);
}

static void
test_move_same_fs(void)
{
	char *src = mv_path("incoming/Heat.1995.mkv"), *dst = mv_path("assets/videos");
	char *final = NULL, *want = mv_path("assets/videos/Heat (1995).mkv");
	char *j = mv_path("run/filing/m1.json"), *taken;

	make_file(src, 100000, 1);
	ok(mv_file_move("m1", src, dst, "Heat (1995).mkv", &final) == 0, "move on one filesystem");
	is_str(final, want, "placed under its name");
	ok(same_content(want, 100000, 1), "content whole");
	ok(!exists(src), "source removed");
	ok(exists(j), "journal kept until commit");
	/* mv_file_move clears *final first: free the result before reuse. */
	free(final);
	is_int(mv_file_move("m2", src, dst, "x.mkv", &final), -1, "second move before commit refused");
	ok(final == NULL, "a refused move gives no name");
	ok(mv_file_commit("m1") == 0 && !exists(j), "commit drops the journal");
	is_int(count_entries(dst), 1, "no partial left behind");

	/* A name collision never replaces: " (2)" before the extension. */
	make_file(src, 5000, 2);
	ok(mv_file_move("m2", src, dst, "Heat (1995).mkv", &final) == 0, "move onto a taken name");
	taken = mv_path("assets/videos/Heat (1995) (2).mkv");
	is_str(final, taken, "collision gets (2)");
	ok(same_content(want, 100000, 1), "existing file untouched");
	ok(same_content(taken, 5000, 2), "new file whole");
	mv_file_commit("m2");
	free(final);
	free(taken);

	/* A missing source fails cleanly, with no journal left. */
	is_int(mv_file_move("m3", src, dst, "y.mkv", &final), -1, "missing source refused");
	is_int(errno, ENOENT, "errno ENOENT");
	ok(!exists(j) && count_entries(dst) == 2, "nothing left from the failure");
	free(src);
	free(dst);
	free(want);
	free(j);
}

static void
test_move_exdev(void)
{
	char *src, *dst = mv_path("assets/videos"), *final = NULL;
	struct stat a, b;

	if (!have_shm || stat(shmdir, &a) < 0 || stat(tmpdir, &b) < 0 ||
	    a.st_dev == b.st_dev) {
		printf("ok %d - # SKIP no second filesystem at /dev/shm\n", ++tap_n);
		free(dst);
		return;
	}
	src = mv_xasprintf("%s/Big.mkv", shmdir);
	make_file(src, 3 * (1 << 20) + 17, 3);
	ok(mv_file_move("m4", src, dst, "Big.mkv", &final) == 0, "move across filesystems (EXDEV)");
	ok(final && same_content(final, 3 * (1 << 20) + 17, 3), "copy whole across filesystems");
	ok(!exists(src), "source removed after the copy");
	mv_file_commit("m4");
	unlink(final);
	free(final);
	free(src);
	free(dst);
}

/* Copy and hardlink file the video and leave the source as it was. */
static void
test_keep_modes(void)
{
	char *src = mv_path("incoming/Keep.mkv"), *dst = mv_path("keep");
	char *final = NULL, *ksrc = NULL, ident[MV_FILE_IDENT_MAX], want[MV_FILE_IDENT_MAX];
	struct stat before, after, fin;

	make_file(src, 70000, 4);
	/* An old mtime: a copy that touched the source would show. */
	{
		struct timespec ts[2] = { { 1000000000, 5 }, { 1000000000, 5 } };

		utimensat(AT_FDCWD, src, ts, 0);
	}
	stat(src, &before);
	ok(mv_file_import("m5", src, dst, "Keep.mkv", MV_IMPORT_COPY, &final) == 0, "copy mode files");
	stat(src, &after);
	ok(same_content(src, 70000, 4) && same_content(final, 70000, 4), "copy: source and copy whole");
	ok(after.st_ino == before.st_ino && after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
	    after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_nlink == 1,
	    "copy: the source untouched, its own bytes (one link)");
	ok(stat(final, &fin) == 0 && fin.st_ino != before.st_ino, "copy: the library owns its copy");
	ok(mv_file_kept("m5", &ksrc, ident) == 1 && ksrc && !strcmp(ksrc, src) &&
	    !strcmp(ident, mv_file_ident(&before, want)), "copy: the journal says the source was kept");
	free(ksrc);
	mv_file_commit("m5");
	ok(mv_file_kept("m5", &ksrc, ident) == 0 && !ksrc, "committed: nothing to say");
	unlink(final);
	free(final);

	ok(mv_file_import("m6", src, dst, "Keep.mkv", MV_IMPORT_HARDLINK, &final) == 0, "hardlink mode files");
	stat(src, &after);
	ok(stat(final, &fin) == 0 && fin.st_ino == before.st_ino && after.st_nlink == 2,
	    "hardlink: the same inode, linked twice");
	ok(after.st_mtim.tv_sec == before.st_mtim.tv_sec && same_content(src, 70000, 4),
	    "hardlink: the source as it was");
	mv_file_commit("m6");
	unlink(final);
	free(final);

	ok(mv_file_import("m7", src, dst, "Keep.mkv", MV_IMPORT_MOVE, &final) == 0 && !exists(src),
	    "move mode removes the source");
	ok(mv_file_kept("m7", &ksrc, ident) == 0, "move: no source kept");
	mv_file_commit("m7");
	unlink(final);
	free(final);
	rmdir(dst);
	free(src);
	free(dst);
}

/* Hardlink across filesystems: a copy, with a notice; the source stays. */
static void
test_hardlink_exdev(void)
{
	char *src, *dst = mv_path("assets/videos"), *final = NULL, *errpath, *err = NULL, *want;
	struct stat a, b;
	size_t len;
	int saved, fd, r;

	if (!have_shm || stat(shmdir, &a) < 0 || stat(tmpdir, &b) < 0 ||
	    a.st_dev == b.st_dev) {
		printf("ok %d - # SKIP no second filesystem at /dev/shm\n", ++tap_n);
		free(dst);
		return;
	}
	src = mv_xasprintf("%s/Seed.mkv", shmdir);
	errpath = mv_path("stderr");
	make_file(src, 40000, 5);
	/* The notice goes to stderr: catch it in a file. */
	fflush(stderr);
	saved = dup(2);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	close(fd);
	r = mv_file_import("m8", src, dst, "Seed.mkv", MV_IMPORT_HARDLINK, &final);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ok(r == 0, "hardlink across filesystems files a copy");
	ok(final && same_content(final, 40000, 5) && same_content(src, 40000, 5),
	    "hardlink across filesystems: both whole");
	ok(stat(final, &a) == 0 && stat(src, &b) == 0 && a.st_dev != b.st_dev,
	    "hardlink across filesystems: two files");
	want = mv_xasprintf("test_file: unable to hard-link %s into %s: "
	    "Invalid cross-device link; copying it instead\n", src, dst);
	ok(mv_slurp(errpath, 4096, &err, &len) == 0 && !strcmp(err, want),
	    "hardlink across filesystems: a one-line notice");
	free(err);
	free(want);
	unlink(errpath);
	free(errpath);
	mv_file_commit("m8");
	unlink(final);
	unlink(src);
	free(final);
	free(src);
	free(dst);
}

/* A crash of a filing in mode at step, recovered: a kept source (copy,
 * hardlink) is still there and whole, and the library holds the video
 * once, or not at all (rolled back). */
static void
crash_keep(const char *step, const char *srcdir, const char *label,
    enum mv_import_mode mode)
{
	char *src = mv_xasprintf("%s/Crash.mkv", srcdir);
	char *dst = mv_path("crash"), *fin = mv_path("crash/Crash.mkv");
	char *j = mv_path("run/filing/m9.json");
	size_t size = 2 * (1 << 20) + 5;
	struct stat before, after;
	int status, recovered;
	pid_t pid;

	make_file(src, size, 9);
	stat(src, &before);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		char *final;

		setenv("MV_CRASH_AT", step, 1);
		/* The notice of a hardlink across filesystems: tested above. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(1);
		mv_file_import("m9", src, dst, "Crash.mkv", mode, &final);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "%s %s: killed at the step", label, step);
	recovered = mv_file_recover(NULL, NULL);
	ok(recovered == 1 && !exists(j), "%s %s: journal replayed", label, step);
	ok(stat(src, &after) == 0 && after.st_ino == before.st_ino &&
	    after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && same_content(src, size, 9),
	    "%s %s: the source still there, whole", label, step);
	/* From the link on, the filing is finished; before, rolled back. */
	if (exists(fin))
		ok(same_content(fin, size, 9) && count_entries(dst) == 1,
		    "%s %s: one copy in the library, no partial", label, step);
	else
		ok(!exists(dst), "%s %s: rolled back, no partial nor folder left", label, step);
	unlink(src);
	unlink(fin);
	rmdir(dst);
	free(src);
	free(dst);
	free(fin);
	free(j);
}

/* Crash at step in a child, recover, then check the video exists once. */
static void
crash_case(const char *step, const char *srcdir, const char *label, size_t size)
{
	char *src = mv_xasprintf("%s/Crash.mkv", srcdir);
	char *dst = mv_path("crash"), *fin = mv_path("crash/Crash.mkv");
	char *j = mv_path("run/filing/m9.json");
	int status, in_src, in_dst, recovered;
	pid_t pid;

	make_file(src, size, 9);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		char *final;

		setenv("MV_CRASH_AT", step, 1);
		mv_file_move("m9", src, dst, "Crash.mkv", &final);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "%s %s: killed at the step", label, step);
	recovered = mv_file_recover(NULL, NULL);
	in_src = exists(src);
	in_dst = exists(fin);
	ok(recovered == 1 && !exists(j), "%s %s: journal replayed", label, step);
	ok(in_src + in_dst == 1 && same_content(in_src ? src : fin, size, 9),
	    "%s %s: once, whole, in %s", label, step, in_src ? "incoming" : "videos");
	/* The folder is new to each filing: a rollback removes it again. */
	if (in_dst)
		ok(count_entries(dst) == 1, "%s %s: no partial left", label, step);
	else
		ok(!exists(dst), "%s %s: no partial, nor the folder it made, left", label, step);
	unlink(src);
	unlink(fin);
	rmdir(dst);
	free(src);
	free(dst);
	free(fin);
	free(j);
}

int
main(void)
{
	char *inc;

	mv_init("test_file");
	if (!mkdtemp(tmpdir))
		abort();
	have_shm = mkdtemp(shmdir) != NULL;
	setenv("MV_DATA", tmpdir, 1);
	if (mv_data_open(NULL, 1) != 0)
		abort();
	test_safe_name();
	test_move_same_fs();
	test_move_exdev();
	test_keep_modes();
	test_hardlink_exdev();
	inc = mv_path("incoming");
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		crash_case(steps[i], inc, "same-fs", 2 * (1 << 20) + 5);
	if (have_shm)
		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
			crash_case(steps[i], shmdir, "exdev", 2 * (1 << 20) + 5);
	for (size_t i = 0; i < sizeof keep_steps / sizeof keep_steps[0]; i++) {
		crash_keep(keep_steps[i], inc, "copy", MV_IMPORT_COPY);
		crash_keep(keep_steps[i], inc, "hardlink", MV_IMPORT_HARDLINK);
		if (have_shm)
			crash_keep(keep_steps[i], shmdir, "hardlink-exdev", MV_IMPORT_HARDLINK);
	}
	free(inc);
	inc = mv_xasprintf("rm -rf '%s' '%s'", tmpdir, shmdir);
	if (system(inc) != 0)
		printf("# cleanup failed\n");
	free(inc);
	return tap_done();
}
