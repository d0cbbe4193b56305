/* file.c: crash-safe filing of a video, with a journal a restart replays. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

/*
 * The filing of one video, in order (each name is also an MV_CRASH_AT
 * step, reached right after the action it names):
 *
 *   journal         run/filing/<movie>.json records the intent, and
 *                   whether the target folder is new (it is made next,
 *                   and a rollback removes it again if still empty)
 *   copy            the hidden partial exists (a hard link of the source
 *                   on one filesystem; on EXDEV a copy, cut after its
 *                   first block)
 *   staged          partial complete: fsync'd, size verified, and the
 *                   journal updated with the partial's inode
 *   link            the partial is linked under its final name (never
 *                   replacing: a taken name gets " (2)", " (3)"...)
 *   unlink-partial  the hidden name is gone
 *   fsync-dir       the target directory is synced
 *   recheck         the source is still the file we staged
 *   unlink-source   the source is gone (move only)
 *   fsync-srcdir    the source directory is synced (move only)
 *
 * The import mode (mv_import_mode) changes the staging and the end: copy
 * always copies, hardlink always links (copying across filesystems), and
 * both stop after the recheck, leaving the source as it was. The journal
 * records the mode, so that a recovery finishing a copy or a hardlink
 * never removes the source either.
 *
 * The journal stays until the caller has recorded the result
 * (mv_file_commit), so a crash at any step, including after the last,
 * leaves enough for mv_file_recover to finish or roll back: the final
 * name is recognised by the partial's inode, which only a complete,
 * verified partial ever records.
 */

#define COPY_BLOCK (1 << 20)
#define MAX_COLLISIONS 999

/* The lock held from mv_file_move to mv_file_commit (-1: none). */
static int filing_lock = -1;

void
mv_crash_point(const char *step)
{
	static int hits;
	const char *want = getenv("MV_CRASH_AT"), *colon;
	size_t n;

	if (!want)
		return;
	/* "step:N": the Nth time at step (the second part of a film...). */
	colon = strchr(want, ':');
	n = colon ? (size_t)(colon - want) : strlen(want);
	if (strlen(step) == n && !strncmp(want, step, n) &&
	    ++hits >= (colon ? atoi(colon + 1) : 1)) {
		/* SIGKILL: no handler, no atexit, no stdio flush, as a real
		 * power cut or OOM kill would do it. */
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
}

char *
mv_file_safe_name(const char *s, size_t max)
{
	struct mv_buf b = {0};
	size_t n, keep;
	int space = 1; /* at the start or after a space: drop more spaces */
	const unsigned char *end = (const unsigned char *)s + strlen(s);

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr("/\\:*?\"<>|", *p)) {
			/* "2001: A Space Odyssey" must not become "2001A". */
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			if (!space)
				mv_buf_add(&b, " ", 1);
			space = 1;
			continue;
		}
		/* A leading dot would hide the file. */
		if (b.len == 0 && *p == '.')
			continue;
		if (*p >= 0x80) {
			/* Names are text in profiles and URLs: a byte that
			 * is not UTF-8 becomes U+FFFD, as a decoder shows it. */
			size_t k = mv_utf8_next((const char *)p, (size_t)(end - p), NULL);

			if (k) {
				mv_buf_add(&b, p, k);
				p += k - 1;
			} else
				mv_buf_adds(&b, MV_UTF8_FFFD);
			space = 0;
			continue;
		}
		mv_buf_add(&b, p, 1);
		space = 0;
	}
	if (max < 1)
		max = 1;
	/* Cut at max bytes, never inside a UTF-8 sequence (b holds only
	 * valid ones by now). */
	for (keep = 0; keep < b.len; keep += n) {
		n = mv_utf8_next(b.buf + keep, b.len - keep, NULL);
		if (n == 0 || keep + n > max)
			break;
	}
	b.len = keep;
	/* Windows drops trailing dots and spaces: do it first, here. */
	while (b.len > 0 && (b.buf[b.len - 1] == '.' || b.buf[b.len - 1] == ' '))
		b.len--;
	if (b.len == 0) {
		mv_buf_free(&b);
		return mv_xstrdup("Untitled");
	}
	b.buf[b.len] = '\0';
	return b.buf;
}

/* name with " (i)" before its extension when i > 1: malloc'd. */
static char *
collision_name(const char *name, int i)
{
	const char *dot = strrchr(name, '.');

	if (i <= 1)
		return mv_xstrdup(name);
	if (!dot || dot == name)
		return mv_xasprintf("%s (%d)", name, i);
	return mv_xasprintf("%.*s (%d)%s", (int)(dot - name), name, i, dot);
}

/* Numbers are kept as strings: inodes may exceed a double's 2^53. */
static void
put_u(cJSON *o, const char *key, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%llu", v);
	mv_json_set(o, key, cJSON_CreateString(buf));
}

static unsigned long long
get_u(const cJSON *o, const char *key)
{
	return strtoull(mv_json_str(o, key, "0"), NULL, 10);
}

static char *
journal_path(const char *movie)
{
	return mv_path("run/filing/%s.json", movie);
}

/* 1 when st is still the file the journal describes. */
static int
same_source(const cJSON *j, const struct stat *st)
{
	return (unsigned long long)st->st_dev == get_u(j, "dev") &&
	    (unsigned long long)st->st_ino == get_u(j, "ino") &&
	    (unsigned long long)st->st_size == get_u(j, "size") &&
	    (unsigned long long)st->st_mtim.tv_sec == get_u(j, "mtime") &&
	    (unsigned long long)st->st_mtim.tv_nsec == get_u(j, "mtimeNs");
}

/* Copy src (open, described by st) into a new file dst; fsync it and
 * verify its size. Returns 0, or -1 with errno (dst then removed). */
static int
copy_file(int in, const struct stat *st, const char *dst)
{
	char *buf;
	ssize_t n;
	off_t total = 0;
	struct stat ds;
	int out, saved, first = 1;

	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		return -1;
	buf = mv_xmalloc(COPY_BLOCK);
	for (;;) {
		n = mv_read_full(in, buf, COPY_BLOCK);
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		if (mv_write_all(out, buf, (size_t)n) < 0)
			goto fail;
		total += n;
		if (first) {
			first = 0;
			mv_crash_point("copy");
		}
		if ((size_t)n < COPY_BLOCK)
			break;
	}
	if (first)
		mv_crash_point("copy");
	if (fsync(out) < 0 || fstat(out, &ds) < 0)
		goto fail;
	if (ds.st_size != st->st_size || total != st->st_size) {
		/* The source grew or shrank under us: not a whole video. */
		errno = EAGAIN;
		goto fail;
	}
	free(buf);
	if (close(out) < 0) {
		saved = errno;
		unlink(dst);
		errno = saved;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	free(buf);
	close(out);
	unlink(dst);
	errno = saved;
	return -1;
}

/* Link (or, where links are refused, rename without replacing) the
 * partial into dir under name or its first free " (i)" variant.
 * Returns the final name (malloc'd), or NULL with errno. */
static char *
place(const char *dir, const char *partial, const char *name)
{
	char *fname, *path;
	int r, saved;

	for (int i = 1; i <= MAX_COLLISIONS; i++) {
		fname = collision_name(name, i);
		path = mv_xasprintf("%s/%s", dir, fname);
		r = link(partial, path);
		if (r < 0 && (errno == EPERM || errno == ENOTSUP ||
		    errno == EOPNOTSUPP || errno == EMLINK))
			r = renameat2(AT_FDCWD, partial, AT_FDCWD, path,
			    RENAME_NOREPLACE);
		saved = errno;
		free(path);
		if (r == 0)
			return fname;
		free(fname);
		if (saved != EEXIST) {
			errno = saved;
			return NULL;
		}
	}
	errno = EEXIST;
	return NULL;
}

/* Find the name under which the partial (pdev, pino) was placed.
 * Returns the final name (malloc'd) or NULL. */
static char *
find_placed(const char *dir, const char *name, unsigned long long pdev,
    unsigned long long pino)
{
	struct stat st;
	char *fname, *path;

	for (int i = 1; i <= MAX_COLLISIONS; i++) {
		fname = collision_name(name, i);
		path = mv_xasprintf("%s/%s", dir, fname);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (unsigned long long)st.st_dev == pdev &&
		    (unsigned long long)st.st_ino == pino) {
			free(path);
			return fname;
		}
		free(path);
		free(fname);
	}
	return NULL;
}

static void
release_lock(void)
{
	if (filing_lock >= 0)
		mv_unlock(filing_lock);
	filing_lock = -1;
}

static int
remove_journal(const char *movie)
{
	char *j = journal_path(movie);
	int r = unlink(j);

	if (r < 0 && errno == ENOENT)
		r = 0;
	if (r == 0)
		r = mv_fsync_dir(j);
	free(j);
	return r;
}

/* The journal of one filing, before staging: source identity and where
 * it goes.  Returns a new object (caller deletes). */
static cJSON *
journal_new(const char *movie, const char *src, const struct stat *st,
    const char *dstdir, const char *pname, const char *name,
    enum mv_import_mode mode)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddNumberToObject(j, "schemaVersion", 1);
	cJSON_AddStringToObject(j, "movie", movie);
	cJSON_AddStringToObject(j, "src", src);
	/* A journal without a mode (older ones) is a move. */
	cJSON_AddStringToObject(j, "mode", mv_import_mode_name(mode));
	put_u(j, "dev", (unsigned long long)st->st_dev);
	put_u(j, "ino", (unsigned long long)st->st_ino);
	put_u(j, "size", (unsigned long long)st->st_size);
	put_u(j, "mtime", (unsigned long long)st->st_mtim.tv_sec);
	put_u(j, "mtimeNs", (unsigned long long)st->st_mtim.tv_nsec);
	cJSON_AddStringToObject(j, "dstdir", dstdir);
	cJSON_AddStringToObject(j, "partial", pname);
	cJSON_AddStringToObject(j, "name", name);
	return j;
}

/* Stage src (open as in, stat st) as the partial and lstat it into ps,
 * as mode says: a move links where it can (on one filesystem a hard link
 * is the whole copy, atomic and free) and copies where it cannot (EXDEV,
 * links refused); a hardlink does the same, saying so when it copies; a
 * copy always copies, so the library owns bytes of its own.
 * Returns 0, or -1 with errno set (EAGAIN: the copy came out short). */
static int
stage_partial(const char *src, int in, const struct stat *st,
    const char *partial, struct stat *ps, enum mv_import_mode mode)
{
	/* A partial left by an older crash is ours and never complete. */
	if (unlink(partial) < 0 && errno != ENOENT)
		return -1;
	if (mode != MV_IMPORT_COPY && link(src, partial) == 0) {
		mv_crash_point("copy");
		if (lstat(partial, ps) < 0)
			return -1;
	} else if (mode == MV_IMPORT_COPY || errno == EXDEV || errno == EPERM ||
	    errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK) {
		if (mode == MV_IMPORT_HARDLINK)
			mv_warnx("unable to hard-link %s into %.*s: %s; copying it instead",
			    src, (int)(strrchr(partial, '/') - partial), partial,
			    strerror(errno));
		if (copy_file(in, st, partial) < 0 || lstat(partial, ps) < 0)
			return -1;
	} else
		return -1;
	if (ps->st_size != st->st_size) {
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

/* Unlink the source once the filed copy is durable; only check it when
 * mode keeps it (a copy of a file rewritten meanwhile is stale too).
 * Returns 0, or -1 with errno set (ESTALE: it changed since journaled). */
static int
retire_source(const char *src, const cJSON *j, enum mv_import_mode mode)
{
	struct stat now;

	/* Only an unchanged source may go: a file rewritten meanwhile is
	 * the user's new data, and our copy would be stale. */
	if (lstat(src, &now) < 0 || !same_source(j, &now)) {
		errno = ESTALE;
		return -1;
	}
	mv_crash_point("recheck");
	if (mode != MV_IMPORT_MOVE)
		return 0;
	if (unlink(src) < 0)
		return -1;
	mv_crash_point("unlink-source");
	return 0;
}

/* Remove path, a file of a filing being rolled back, trying once more if
 * the first unlink fails: 1 if it is gone (or was never there). */
static int
gone(const char *path)
{
	if (unlink(path) == 0 || errno == ENOENT)
		return 1;
	return unlink(path) == 0 || errno == ENOENT;
}

/* Make dir (a movie's folder) and its parents, and make its entry
 * durable in its parent. Returns 0, or -1 with errno. */
static int
make_dir(const char *dir)
{
	struct stat st;
	char *parent;
	int r;

	if (lstat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
	if (mv_mkdir_p(dir, 0755) < 0)
		return -1;
	parent = mv_xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	r = mv_fsync_dir(parent);
	free(parent);
	return r;
}

/* Roll back the folder a filing made (journal j says so), if it is still
 * empty: another file in it is not ours to judge. */
static void
unmake_dir(const cJSON *j)
{
	const char *dir = mv_json_str(j, "dstdir", NULL);

	if (!dir || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "madeDir")))
		return;
	if (rmdir(dir) == 0)
		mv_fsync_dir(dir);
	else if (errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
		mv_warn("remove %s", dir);
}

/*
 * Roll a failed filing back to "nothing happened": the source is still in
 * place. placed (the filed name, if it was linked) and partial are
 * removed; a removal that fails (EIO) is tried once more, and if it still
 * fails the journal j stays, so the next recovery finishes the rollback
 * instead of leaving a copy nothing would ever remove. Rolled back (or the
 * source vanished under us): nothing to replay, the journal goes.
 */
static void
rollback(const char *movie, const cJSON *j, const char *placed,
    const char *partial)
{
	int rolled = 1;

	if (placed && !gone(placed))
		rolled = 0;
	if (partial && !gone(partial))
		rolled = 0;
	if (!rolled || !j)
		return;
	unmake_dir(j);
	remove_journal(movie);
}

/* Check a filing's arguments and take the filing lock. Returns 0, or -1
 * with errno (EINVAL, EBUSY, or the lock's). */
static int
filing_begin(const char *movie, const char *name, enum mv_import_mode mode)
{
	if (!mv_id_valid(movie, 0) || strchr(name, '/') || !*name ||
	    name[0] == '.' || (unsigned)mode > MV_IMPORT_HARDLINK) {
		errno = EINVAL;
		return -1;
	}
	if (filing_lock >= 0) {
		/* One filing at a time per process: commit the last first. */
		errno = EBUSY;
		return -1;
	}
	if ((filing_lock = mv_lock("filing", 1)) < 0)
		return -1;
	return 0;
}

/* mv_file_import, and mv_file_refile when refile is set: the journal
 * then says so, and the recovery records a refile itself
 * (mv_refile_recovered). */
static int
file_move(const char *movie, const char *src, const char *dstdir,
    const char *name, char **final, int refile, enum mv_import_mode mode)
{
	struct stat st, ps, ds;
	cJSON *j = NULL;
	char *jpath = NULL, *jdir = NULL, *partial = NULL, *pname = NULL;
	char *fname = NULL, *fpath = NULL;
	int in = -1, saved, linked = 0;

	*final = NULL;
	if (filing_begin(movie, name, mode) < 0)
		return -1;
	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0 || fstat(in, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	jdir = mv_path("run/filing");
	if (mv_mkdir_p(jdir, 0755) < 0)
		goto fail;
	jpath = journal_path(movie);
	pname = mv_xasprintf(".mv-partial-%s-%s", movie, name);
	partial = mv_xasprintf("%s/%s", dstdir, pname);

	j = journal_new(movie, src, &st, dstdir, pname, name, mode);
	/* A movie's folder is made after the journal says so: a rollback
	 * then removes the folder it made, and only if it is still empty. */
	if (lstat(dstdir, &ds) < 0)
		cJSON_AddBoolToObject(j, "madeDir", 1);
	if (refile)
		cJSON_AddBoolToObject(j, "refile", 1);
	if (mv_write_json(jpath, j) < 0)
		goto fail;
	mv_crash_point("journal");
	if (make_dir(dstdir) < 0)
		goto fail;

	if (stage_partial(src, in, &st, partial, &ps, mode) < 0)
		goto fail;
	put_u(j, "pdev", (unsigned long long)ps.st_dev);
	put_u(j, "pino", (unsigned long long)ps.st_ino);
	if (mv_write_json(jpath, j) < 0)
		goto fail;
	mv_crash_point("staged");

	if (!(fname = place(dstdir, partial, name)))
		goto fail;
	linked = 1;
	fpath = mv_xasprintf("%s/%s", dstdir, fname);
	mv_crash_point("link");
	if (unlink(partial) < 0 && errno != ENOENT)
		goto fail;
	mv_crash_point("unlink-partial");
	if (mv_fsync_dir(dstdir) < 0)
		goto fail;
	mv_crash_point("fsync-dir");

	if (retire_source(src, j, mode) < 0)
		goto fail;
	if (mode == MV_IMPORT_MOVE) {
		if (mv_fsync_dir(src) < 0)
			mv_warn("sync the directory of %s", src);
		mv_crash_point("fsync-srcdir");
	}

	close(in);
	cJSON_Delete(j);
	free(jpath);
	free(jdir);
	free(partial);
	free(pname);
	free(fname);
	*final = fpath;
	return 0;
fail:
	saved = errno;
	rollback(movie, j, linked ? fpath : NULL, partial);
	if (in >= 0)
		close(in);
	cJSON_Delete(j);
	free(jpath);
	free(jdir);
	free(partial);
	free(pname);
	free(fname);
	free(fpath);
	release_lock();
	errno = saved;
	return -1;
}

int
mv_file_import(const char *movie, const char *src, const char *dstdir,
    const char *name, enum mv_import_mode mode, char **final)
{
	return file_move(movie, src, dstdir, name, final, 0, mode);
}

int
mv_file_move(const char *movie, const char *src, const char *dstdir,
    const char *name, char **final)
{
	return file_move(movie, src, dstdir, name, final, 0, MV_IMPORT_MOVE);
}

int
mv_file_refile(const char *movie, const char *src, const char *dstdir,
    const char *name, char **final)
{
	/* A filed video is ours: a refile never leaves a copy behind. */
	return file_move(movie, src, dstdir, name, final, 1, MV_IMPORT_MOVE);
}

char *
mv_file_ident(const struct stat *st, char buf[MV_FILE_IDENT_MAX])
{
	snprintf(buf, MV_FILE_IDENT_MAX, "%llu:%llu:%llu:%llu.%09ld",
	    (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
	    (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec);
	return buf;
}

/* 1 when journal j keeps its source in place (copy, hardlink). */
static int
keeps_source(const cJSON *j)
{
	return strcmp(mv_json_str(j, "mode", "move"), "move") != 0;
}

int
mv_file_kept(const char *movie, char **src, char ident[MV_FILE_IDENT_MAX])
{
	char *jpath = journal_path(movie);
	const char *why, *s;
	cJSON *j = mv_json_load(jpath, 65536, &why);
	struct stat st;
	int r = 0;

	*src = NULL;
	free(jpath);
	s = mv_json_str(j, "src", NULL);
	/* Only the file the journal filed: a source rewritten since is
	 * the user's new data, which a rescan must see. */
	if (j && s && keeps_source(j) && lstat(s, &st) == 0 && S_ISREG(st.st_mode) &&
	    same_source(j, &st)) {
		*src = mv_xstrdup(s);
		mv_file_ident(&st, ident);
		r = 1;
	}
	cJSON_Delete(j);
	return r;
}

int
mv_file_commit(const char *movie)
{
	int r = remove_journal(movie);

	release_lock();
	return r;
}

/*
 * Replay one journal: finish the filing when the partial was complete and
 * placed, or roll it back. Sets *final (malloc'd, or NULL when rolled
 * back). Returns 0, or -1 when the journal is unusable or nothing could
 * be decided safely (then the journal stays, and files are untouched).
 */
static int
replay(const cJSON *j, char **final)
{
	const char *src = mv_json_str(j, "src", NULL);
	const char *dir = mv_json_str(j, "dstdir", NULL);
	const char *pname = mv_json_str(j, "partial", NULL);
	const char *name = mv_json_str(j, "name", NULL);
	unsigned long long pino = get_u(j, "pino"), pdev = get_u(j, "pdev");
	struct stat ss, ps;
	char *partial, *fname = NULL;
	int have_src, have_part;

	*final = NULL;
	if (!src || !dir || !pname || !name || strchr(pname, '/') ||
	    strncmp(pname, ".mv-partial-", 12) != 0 || strchr(name, '/')) {
		errno = EINVAL;
		return -1;
	}
	partial = mv_xasprintf("%s/%s", dir, pname);
	have_src = lstat(src, &ss) == 0;
	have_part = lstat(partial, &ps) == 0;
	/* Only a staged (complete, verified) partial recorded its inode. */
	if (pino)
		fname = find_placed(dir, name, pdev, pino);
	if (!fname && !have_src && have_part && pino &&
	    (unsigned long long)ps.st_ino == pino &&
	    (unsigned long long)ps.st_size == get_u(j, "size")) {
		/* The partial is the only copy left: place it after all. */
		fname = place(dir, partial, name);
		if (!fname) {
			mv_warn("place %s", partial);
			free(partial);
			return -1;
		}
	}
	if (fname) {
		/* Forward: the video is in place; finish the steps. */
		if (have_part && (unsigned long long)ps.st_ino == pino)
			unlink(partial);
		mv_fsync_dir(dir);
		/* A copy or a hardlink leaves the source as it was. */
		if (have_src && same_source(j, &ss) && !keeps_source(j)) {
			if (unlink(src) < 0 && errno != ENOENT) {
				mv_warn("remove %s", src);
				free(fname);
				free(partial);
				return -1;
			}
			mv_fsync_dir(src);
		}
		*final = mv_xasprintf("%s/%s", dir, fname);
		free(fname);
		free(partial);
		return 0;
	}
	if (!have_src)
		/* Neither a placed copy nor the source: the user took the
		 * video away; an incomplete partial is of no use to anyone. */
		mv_warnx("%s vanished during its filing; nothing to recover", src);
	/* Backward: the source is intact; drop our partial copy. */
	if (have_part && unlink(partial) < 0 && errno != ENOENT) {
		mv_warn("remove %s", partial);
		free(partial);
		return -1;
	}
	mv_fsync_dir(dir);
	unmake_dir(j);
	free(partial);
	return 0;
}

/*
 * Remove the temp files ("<name>.tmp.<pid>", as mv_write_atomic and the
 * index writer name them) that a writer killed before its rename left in
 * rel: those whose pid is no live process. A live writer's file stays.
 * When only is set, <name> must end with it: in a folder that also holds
 * the user's videos (quarantine/), a video called "x.tmp.264" is theirs.
 */
static void
sweep_tmp(const char *rel, const char *only)
{
	char *dir = mv_path("%s", rel), *path, *end;
	const char *t;
	struct dirent *e;
	long pid;
	DIR *d;

	if (!(d = opendir(dir))) {
		free(dir);
		return;
	}
	while ((e = readdir(d))) {
		if (!(t = strstr(e->d_name, ".tmp.")) || !t[5])
			continue;
		if (only && ((size_t)(t - e->d_name) < strlen(only) ||
		    strncmp(t - strlen(only), only, strlen(only)) != 0))
			continue;
		pid = strtol(t + 5, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = mv_xasprintf("%s/%s", dir, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			mv_warn("remove %s", path);
		free(path);
	}
	closedir(d);
	free(dir);
}

int
mv_file_recover(mv_file_recover_fn fn, void *ctx)
{
	char *dir = mv_path("run/filing"), *path, *final;
	const char *why, *movie, *src;
	struct dirent *e;
	DIR *d;
	cJSON *j;
	int lock, n = 0;

	if ((lock = mv_lock("filing", 1)) < 0) {
		free(dir);
		return -1;
	}
	/* A filing killed while it wrote its journal or its profiles left
	 * temp files that nobody would ever rename or remove. */
	sweep_tmp("run/filing", NULL);
	sweep_tmp("Movies", NULL);
	sweep_tmp("People", NULL);
	sweep_tmp("index", NULL);
	sweep_tmp("index/movies", NULL);
	sweep_tmp("index/people", NULL);
	sweep_tmp("quarantine", ".why.json");
	sweep_tmp("assets/images", NULL);
	sweep_tmp("cache/tmdb", NULL);
	sweep_tmp("stats", NULL);
	if (!(d = opendir(dir))) {
		int r = errno == ENOENT ? 0 : -1;

		free(dir);
		mv_unlock(lock);
		return r;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 ||
		    e->d_name[0] == '.')
			continue;
		path = mv_xasprintf("%s/%s", dir, e->d_name);
		j = mv_json_load(path, 65536, &why);
		if (!j) {
			/* Journals are written atomically: a broken one is not
			 * ours to guess about. */
			mv_warnx("unable to read %s: %s", path, why);
			free(path);
			continue;
		}
		movie = mv_json_str(j, "movie", "");
		src = mv_json_str(j, "src", "");
		if (replay(j, &final) == 0) {
			/* A refile is recorded the same way whoever recovers it. */
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "refile")))
				mv_refile_recovered(movie, final, src);
			else if (fn)
				fn(ctx, movie, final, src);
			/* fn may have committed (removed) it already. */
			if (unlink(path) < 0 && errno != ENOENT)
				mv_warn("remove %s", path);
			n++;
			free(final);
		}
		cJSON_Delete(j);
		free(path);
	}
	closedir(d);
	mv_fsync_dir(dir);
	free(dir);
	mv_unlock(lock);
	return n;
}
