/* check.c: mvctl check, migrate and validate: documents against schemas. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/* Load the schemas or die with 78: a broken install, not bad data. */
static struct mv_schemas *
load_schemas(void)
{
	struct mv_schemas *set = mv_schemas_load(mv_schemas_dir());

	if (!set)
		exit(MV_EX_CONFIG);
	return set;
}

/*
 * Hidden, for tests and scripts: validate FILEs (or NDJSON lines on stdin
 * with "-") against SCHEMA. Exit 1 if anything is invalid.
 */
int
v_validate(int argc, char **argv)
{
	struct mv_schemas *set;
	int bad = 0;

	ctl_only_common(argc, argv);
	if (argc - optind < 2)
		ctl_usage_error("%s", "expected SCHEMA FILE...");
	set = load_schemas();
	for (int i = optind + 1; i < argc; i++) {
		const char *why;
		cJSON *doc;
		int n;

		if (!strcmp(argv[i], "-")) {
			struct mv_lines *r = mv_lines_new(0, "stdin", 1 << 24);
			char *line, label[64];
			size_t len;

			while (mv_lines_next(r, &line, &len) > 0) {
				snprintf(label, sizeof label, "stdin:%lu", mv_lines_lineno(r));
				if (!(doc = cJSON_ParseWithLength(line, len))) {
					mv_warnx("%s: invalid JSON", label);
					bad++;
					continue;
				}
				n = mv_schema_validate(set, argv[optind], doc,
				    mv_schema_err_print, label);
				cJSON_Delete(doc);
				if (n < 0)
					mv_diex(MV_EX_USAGE, "no schema %s", argv[optind]);
				bad += n > 0;
			}
			mv_lines_free(r);
			continue;
		}
		/* Any stored document: the largest kind is an index. */
		if (!(doc = mv_json_load(argv[i], MV_INDEX_MAX, &why))) {
			mv_warnx("unable to read %s: %s", argv[i], why);
			bad++;
			continue;
		}
		n = mv_schema_validate(set, argv[optind], doc, mv_schema_err_print, argv[i]);
		cJSON_Delete(doc);
		if (n < 0)
			mv_diex(MV_EX_USAGE, "no schema %s", argv[optind]);
		bad += n > 0;
	}
	mv_schemas_free(set);
	return bad ? MV_EX_NOTFOUND : MV_EX_OK;
}

/* Report one problem: "file: pointer: keyword: message" as text, or an
 * NDJSON object {kind, file, pointer, keyword, message}. */
static void __attribute__((format(printf, 5, 6)))
problem(const char *kind, const char *file, const char *pointer,
    const char *keyword, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "severity", "problem");
		cJSON_AddStringToObject(o, "file", file);
		if (pointer)
			cJSON_AddStringToObject(o, "pointer", pointer);
		if (keyword)
			cJSON_AddStringToObject(o, "keyword", keyword);
		cJSON_AddStringToObject(o, "message", msg);
		ctl_put_json(o);
		cJSON_Delete(o);
		return;
	}
	printf("%s: ", file);
	if (pointer)
		printf("%s: ", *pointer ? pointer : "(root)");
	if (keyword)
		printf("%s: ", keyword);
	printf("%s\n", msg);
}

static void
schema_err(void *ctx, const char *pointer, const char *keyword, const char *msg)
{
	problem("schema", ((struct check *)ctx)->rel, pointer, keyword, "%s", msg);
}

/* Progress on stderr, only when it is a terminal; done ends the line. */
static void
progress(const char *what, long n, long total, int done)
{
	if (!isatty(2) || (!done && n % 200))
		return;
	fprintf(stderr, "\r%s %ld/%ld", what, n, total);
	if (done)
		fputs("\r\033[K", stderr);
}

/*
 * Report every string (member name or value) under it that is not
 * UTF-8, by JSON pointer (ptr holds it so far, len bytes). cJSON keeps
 * such bytes as they are, and the schemas cannot see them; JSON text is
 * UTF-8 (RFC 8259), and a browser showing mvserve's pages would get
 * replacement characters. Returns how many.
 */
static int
check_utf8(const char *rel, const cJSON *it, char *ptr, size_t len, size_t cap)
{
	const cJSON *c;
	int n = 0, i = 0;

	if (cJSON_IsString(it) && !mv_utf8_valid(it->valuestring, strlen(it->valuestring))) {
		problem("schema", rel, ptr, NULL, "not UTF-8");
		n++;
	}
	cJSON_ArrayForEach(c, it) {
		size_t m = len;

		if (cJSON_IsObject(it)) {
			const char *k = c->string;

			if (!mv_utf8_valid(k, strlen(k))) {
				problem("schema", rel, ptr, NULL, "a member name is not UTF-8");
				n++;
				continue;
			}
			/* RFC 6901: "~" is "~0", "/" is "~1". */
			if (m + 1 < cap)
				ptr[m++] = '/';
			for (; *k && m + 2 < cap; k++) {
				if (*k == '~' || *k == '/') {
					ptr[m++] = '~';
					ptr[m++] = *k == '~' ? '0' : '1';
				} else
					ptr[m++] = *k;
			}
		} else
			m += (size_t)snprintf(ptr + m, cap - m, "/%d", i++);
		if (m >= cap)
			m = cap - 1;
		ptr[m] = '\0';
		n += check_utf8(rel, c, ptr, m, cap);
		ptr[len] = '\0';
	}
	return n;
}

static int root_video(struct check *c, const char *rel, const char *ptr,
    const char *path);
static void misplaced(void *ctx, const char *movie, const char *from,
    const char *to);
static void note(const char *kind, const char *file, const char *media,
    const char *msg);

/* The kind of the index whose list rel is ('m', 'p'), or 0. */
static char
index_list(const char *rel)
{
	return !strcmp(rel, "index/movies.json") ? 'm' : !strcmp(rel, "index/people.json") ? 'p' : 0;
}

/*
 * A movie of version 1 is a note, not a problem: every tool reads it as
 * version 2 (mv_movie_upgrade), and each write turns it into one, so it
 * is safe to run on; mvctl migrate rewrites them all. It is validated
 * as the version 2 it reads as. As a flat library or an index of before
 * the shards, it is what migrate is for, not damage.
 */
static void
check_version(struct check *c, const char *rel, cJSON *doc)
{
	if (strncmp(rel, "Movies/", 7) || mv_json_int(doc, "schemaVersion", 0) != 1 ||
	    mv_movie_upgrade(doc) != 1)
		return;
	note("migrate", rel, NULL, "is of schemaVersion 1: every tool reads it, "
	    "run mvctl migrate to rewrite it as version 2");
	c->notes++;
}

/* Check that every video of movie doc exists, and collect their paths
 * for the orphan check. Returns the number missing. */
static int
check_videos(struct check *c, const char *rel, const cJSON *doc)
{
	const cJSON *v;
	int i = 0, n = 0;

	cJSON_ArrayForEach(v, mv_movie_videos(doc)) {
		const char *path = mv_json_str(v, "path", NULL), *kept;
		char *full, ptr[48];

		snprintf(ptr, sizeof ptr, "/videos/%d/path", i++);
		if (!path)
			continue;
		if (path[0] == '/') {
			/* kept in place under a library root */
			n += root_video(c, rel, ptr, path);
		} else {
			full = mv_path("%s", path);
			if (access(full, F_OK) < 0) {
				problem("video", rel, ptr, NULL, "video missing: %s", path);
				n++;
			}
			free(full);
		}
		c->videos = mv_xrealloc(c->videos, (c->nvideos + 1) * sizeof *c->videos);
		c->videos[c->nvideos++] = mv_xstrdup(path);
		if ((kept = mv_json_str(v, "keptStat", NULL))) {
			c->kept = mv_xrealloc(c->kept, (c->nkept + 1) * sizeof *c->kept);
			c->kept[c->nkept++] = mv_xstrdup(kept);
		}
	}
	return n;
}

/* Validate one stored document; collect movie video paths. */
static void
check_doc(struct check *c, const char *rel)
{
	const char *name = mv_schema_for_path(rel), *slash, *id;
	cJSON *doc = ctl_load_raw(rel, 0);
	size_t len;
	int n;

	c->docs++;
	if (!doc) {
		problem("schema", rel, NULL, NULL, "unable to read: %s",
		    errno ? strerror(errno) : "invalid JSON");
		c->invalid++;
		return;
	}
	c->rel = rel;
	check_version(c, rel, doc);
	/* An index of before the shards is stale, not invalid: the index
	 * check says so, and mvindex rebuilds it. */
	if (index_list(rel) && !mv_index_current(index_list(rel)))
		name = NULL;
	n = name ? mv_schema_validate(c->set, name, doc, schema_err, c) : 0;
	{
		char ptr[1024] = "";

		n += check_utf8(rel, doc, ptr, 0, sizeof ptr);
	}
	/* A record's id is its file name: "Movies/m3.json" holds m3. */
	slash = strrchr(rel, '/');
	id = mv_json_str(doc, "id", NULL);
	len = strlen(slash + 1) - 5;
	if (strncmp(rel, "index/", 6) &&
	    (!id || strlen(id) != len || strncmp(id, slash + 1, len))) {
		problem("schema", rel, "/id", NULL, "id does not match the file name");
		n++;
	}
	if (!strncmp(rel, "Movies/", 7))
		n += check_videos(c, rel, doc);
	/* Where each filed file belongs is mv_name_path's to say, as for
	 * filing and rename: asked here without moving anything. */
	if (!strncmp(rel, "Movies/", 7) && n == 0)
		mv_refile_movie(doc, 1, misplaced, c);
	c->invalid += n > 0;
	cJSON_Delete(doc);
}

int
ctl_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
check_orphan(void *ctx, const char *rel, const struct stat *st)
{
	struct check *c = ctx;

	(void)st;
	/* Subtitles, NFO, artwork and extras live beside the films in
	 * their folders; only a film needs a profile. */
	if (mv_media_kind(rel + strlen("assets/videos/")) != MV_MEDIA_VIDEO)
		return 0;
	/* No profile has a video: c->videos is NULL, which bsearch must
	 * not be given (UBSan: nonnull). */
	if (!c->nvideos || !bsearch(&rel, c->videos, c->nvideos, sizeof *c->videos, ctl_cmp_str)) {
		problem("orphan", rel, NULL, NULL, "no profile points at this video");
		c->orphans++;
	}
	return 0;
}

static long long incoming_grace;

/* What to do about a file of each kind that is not a video, left in
 * incoming/: it is not wrong, the pipeline just never files it. */
static const char *const incoming_advice[] = {
	[MV_MEDIA_SUBTITLE] = "remove it or keep it beside its video",
	[MV_MEDIA_NFO] = "remove it or keep it beside its video",
	[MV_MEDIA_ARTWORK] = "remove it or keep it beside its video",
	[MV_MEDIA_EXTRA] = "remove it or keep it beside its video",
	[MV_MEDIA_SAMPLE] = "remove it",
	[MV_MEDIA_ARCHIVE] = "extract its video into incoming/, then remove it",
	[MV_MEDIA_JUNK] = "remove it",
	[MV_MEDIA_PARTIAL] = "a download not finished: it is filed once it has "
	    "its final name; remove it if the download was abandoned",
	[MV_MEDIA_OTHER] = "remove it",
};

/* Something to look at that is not a problem: "note: file message" as
 * text, or {kind, severity:"note", file, media (if not NULL), message}. */
static void
note(const char *kind, const char *file, const char *media, const char *msg)
{
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "severity", "note");
		cJSON_AddStringToObject(o, "file", file);
		if (media)
			cJSON_AddStringToObject(o, "media", media);
		cJSON_AddStringToObject(o, "message", msg);
		ctl_put_json(o);
		cJSON_Delete(o);
		return;
	}
	printf("note: %s %s\n", file, msg);
}

/* A filed video whose name is not the one the settings give now (a
 * flat library of before the folders, a changed language or
 * name_title): a note, since nothing is lost or inconsistent; rename
 * and migrate move it. */
static void
misplaced(void *ctx, const char *movie, const char *from, const char *to)
{
	struct check *c = ctx;
	char msg[2048];

	snprintf(msg, sizeof msg, "is filed as %s under the settings now "
	    "(mvctl rename %s moves it)", to, movie);
	note("name", from, "video", msg);
	c->notes++;
}

/*
 * Library roots (mvctl import --in-place): a video kept in place is
 * checked where it lies, unless its root has vanished: a NAS not
 * mounted, a disk unplugged. Then the root is reported once, as a note,
 * and none of its videos counts as missing: nothing was deleted, and
 * nothing is to be repaired. A root has vanished when it cannot be
 * stat'ed, is no folder, or is empty (an empty mount point).
 */
struct root_state {
	char *root;
	int vanished;
	char why[128];
	long videos;
};
static struct root_state *rstate;
static size_t nrstate;

/* The state of root (from mv_root_of), looked at on first use. */
static struct root_state *
root_state(const char *root)
{
	struct root_state *r;
	struct stat st;
	struct dirent *e;
	DIR *d;

	for (size_t i = 0; i < nrstate; i++)
		if (!strcmp(rstate[i].root, root))
			return &rstate[i];
	rstate = mv_xrealloc(rstate, (nrstate + 1) * sizeof *rstate);
	r = &rstate[nrstate++];
	memset(r, 0, sizeof *r);
	r->root = mv_xstrdup(root);
	if (stat(root, &st) < 0) {
		r->vanished = 1;
		snprintf(r->why, sizeof r->why, "%s", strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		r->vanished = 1;
		snprintf(r->why, sizeof r->why, "not a folder");
	} else if ((d = opendir(root))) {
		r->vanished = 1;
		snprintf(r->why, sizeof r->why, "empty: not mounted?");
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				r->vanished = 0;
				break;
			}
		closedir(d);
	}
	return r;
}

/* Check the video at path (absolute) of the movie in rel. Returns the
 * problems found (0 or 1). */
static int
root_video(struct check *c, const char *rel, const char *ptr, const char *path)
{
	const char *root = mv_root_of(path);
	struct root_state *r;

	(void)c;
	if (!root) {
		problem("video", rel, ptr, NULL,
		    "video under no library root: %s (the configuration lost its root line?)", path);
		return 1;
	}
	r = root_state(root);
	r->videos++;
	if (r->vanished || access(path, F_OK) == 0)
		return 0;
	problem("video", rel, ptr, NULL, "video missing: %s", path);
	return 1;
}

/* Report each vanished root once, with the videos kept for it. */
static void
check_roots(struct check *c)
{
	size_t n;
	const char *const *roots = mv_roots(&n);
	char msg[512];

	for (size_t i = 0; i < n; i++)
		root_state(roots[i]);
	for (size_t i = 0; i < nrstate; i++) {
		struct root_state *r = &rstate[i];

		if (r->vanished && (r->videos || strncmp(r->why, "empty", 5))) {
			snprintf(msg, sizeof msg, "library root has vanished (%s): its %ld "
			    "video%s kept as they are, nothing changed; mount it again",
			    r->why, r->videos, r->videos == 1 ? " is" : "s are");
			note("root", r->root, "root", msg);
			c->notes++;
		}
		free(r->root);
	}
	free(rstate);
	rstate = NULL;
	nrstate = 0;
}

/* Only a video left in incoming/ past the grace is a problem: the
 * pipeline should have filed it. Anything else never will be, by
 * design (mv_media_kind), so it is a note saying what to do. */
static int
check_incoming(void *ctx, const char *rel, const struct stat *st)
{
	struct check *c = ctx;
	long long age = (long long)(mv_now() - st->st_mtime);
	enum mv_media kind = mv_media_kind(rel + strlen("incoming/"));
	char b[32], msg[256], ident[MV_FILE_IDENT_MAX];
	const char *key;

	if (age < incoming_grace)
		return 0;
	/* A download a copy or hardlink import left in place (for seeding)
	 * is filed: nothing is stuck. */
	key = mv_file_ident(st, ident);
	if (kind == MV_MEDIA_VIDEO && c->nkept &&
	    bsearch(&key, c->kept, c->nkept, sizeof *c->kept, ctl_cmp_str))
		return 0;
	if (kind == MV_MEDIA_VIDEO) {
		problem("incoming", rel, NULL, NULL, "not filed after %s", mv_age_fmt(age, b));
		c->missed++;
		return 0;
	}
	snprintf(msg, sizeof msg, "is not a video (%s); it stays there (%s)",
	    mv_media_name(kind), incoming_advice[kind]);
	note("incoming", rel, mv_media_name(kind), msg);
	c->notes++;
	return 0;
}

/* Every stored document, data-relative: Movies/, People/, index/. */
char **
ctl_all_docs(size_t *n)
{
	static const char *const dirs[] = { "Movies", "People" };
	char **out = NULL;

	*n = 0;
	for (size_t d = 0; d < 2; d++) {
		size_t m;
		char **v = mv_dir_list(dirs[d], ".json", &m);

		out = mv_xrealloc(out, (*n + m + 2) * sizeof *out);
		for (size_t i = 0; i < m; i++)
			out[(*n)++] = mv_xasprintf("%s/%s", dirs[d], v[i]);
		mv_list_free(v, m);
	}
	static const char *const ix[] = {
		"index/movies.json", "index/people.json", "index/collections.json",
	};

	out = mv_xrealloc(out, (*n + 3) * sizeof *out);
	for (size_t i = 0; i < 3; i++) {
		char *rel = mv_xstrdup(ix[i]);
		char *p = mv_path("%s", rel);

		if (access(p, F_OK) == 0)
			out[(*n)++] = rel;
		else
			free(rel);
		free(p);
	}
	return out;
}

/* Copy what a child wrote to from (from its start) to to, after all
 * that is ours so far, as if it had run now. */
static void
replay(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;

	fflush(stdout);
	fflush(to);
	rewind(from);
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		fwrite(buf, 1, n, to);
	fflush(to);
}

/* Run every check; prints problems, returns the number found. */
long
ctl_run_checks(struct check *c)
{
	char *av[] = { "mvindex", "--check", NULL };
	const char *g = mv_config_get("incoming_grace", "1h");
	size_t n, nh;
	char **docs = ctl_all_docs(&n), **half;
	FILE *out = NULL, *err = NULL;
	pid_t pid = -1;
	int st;

	if (mv_duration_parse(g, &incoming_grace) < 0)
		mv_diex(MV_EX_CONFIG, "bad incoming_grace \"%s\": expected 1h, 30m", g);
	/* mvindex owns what "consistent" means. It checks the index on its
	 * CPUs while this one validates the documents (at 100,000 movies,
	 * 15 s of an 80 s check). Its report and its messages wait in
	 * temporary files, to come after the documents' as they did when it
	 * ran after them: stdout stays in one order. Without a temporary
	 * file it runs after them, as before. */
	if ((out = tmpfile()) && (err = tmpfile()))
		pid = mv_tool_start(av, -1, fileno(out), fileno(err));
	c->set = load_schemas();
	for (size_t i = 0; i < n; i++) {
		check_doc(c, docs[i]);
		progress("checked", (long)i + 1, (long)n, 0);
	}
	progress("checked", (long)n, (long)n, 1);
	mv_list_free(docs, n);
	mv_schemas_free(c->set);

	/* Its report goes to stderr in JSON mode, so stdout stays NDJSON. */
	if (pid > 0) {
		st = mv_tool_wait(pid, av[0]);
		replay(err, stderr);
		replay(out, ctl_want_json() ? stderr : stdout);
	} else
		st = mv_tool_run(av, -1, ctl_want_json() ? 2 : -1);
	if (out)
		fclose(out);
	if (err)
		fclose(err);
	if (st == 127)
		problem("index", "index/", NULL, NULL, "unable to run mvindex --check");
	else if (st != 0)
		problem("index", "index/", NULL, NULL, "inconsistent with Movies/ and People/ "
		    "(mvindex --check exit %d): mvindex --rebuild repairs it", st);
	c->index = st == 127 ? 2 : st != 0;

	if (c->nvideos)
		qsort(c->videos, c->nvideos, sizeof *c->videos, ctl_cmp_str);
	if (c->nkept)
		qsort(c->kept, c->nkept, sizeof *c->kept, ctl_cmp_str);
	mv_walk("assets/videos", check_orphan, c);
	check_roots(c);
	mv_walk("incoming", check_incoming, c);
	mv_list_free(c->kept, c->nkept);
	half = mv_dir_list("run/filing", NULL, &nh);
	for (size_t i = 0; i < nh; i++) {
		char *rel = mv_xasprintf("run/filing/%s", half[i]);

		problem("filing", rel, NULL, NULL, "half-done filing (mvctl repair finishes it)");
		free(rel);
	}
	c->halfdone = (long)nh;
	mv_list_free(half, nh);
	mv_list_free(c->videos, c->nvideos);
	return c->invalid + c->index + c->orphans + c->missed + c->halfdone;
}

/*
 * check, and check --boot for the supervisor: the same report, but
 * --boot fails only for what makes running the pipeline unsafe, an
 * invalid document or a filing left half done after the boot recovery.
 * A video waiting in incoming/, an orphan or a stale index are the
 * pipeline's to fix (it files, mvindex rebuilds), not reasons to stay
 * down.
 */
int
v_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{"boot", no_argument, NULL, 'b'},
		COMMON_OPTS
	};
	struct check c = { 0 };
	long bad, blocking;
	int opt, boot = 0;

	while ((opt = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		if (opt == 'b')
			boot = 1;
		else
			ctl_common_opt(opt);
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_report_text();
	ctl_open_library();
	bad = ctl_run_checks(&c);
	blocking = c.invalid + c.halfdone;
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject(), *s = cJSON_AddObjectToObject(o, "summary");

		cJSON_AddNumberToObject(s, "documents", (double)c.docs);
		cJSON_AddNumberToObject(s, "invalid", (double)c.invalid);
		cJSON_AddBoolToObject(s, "indexConsistent", !c.index);
		cJSON_AddBoolToObject(s, "indexChecked", c.index != 2);
		cJSON_AddNumberToObject(s, "orphanVideos", (double)c.orphans);
		cJSON_AddNumberToObject(s, "missedIncoming", (double)c.missed);
		cJSON_AddNumberToObject(s, "halfDoneFilings", (double)c.halfdone);
		cJSON_AddNumberToObject(s, "notes", (double)c.notes);
		cJSON_AddBoolToObject(s, "ok", bad == 0);
		cJSON_AddBoolToObject(s, "bootOk", blocking == 0);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else
		printf("check: %ld documents, %ld invalid; index %s; %ld orphan videos; "
		    "%ld missed in incoming/; %ld half-done filings; %ld notes: %s\n", c.docs,
		    c.invalid, c.index == 2 ? "unchecked" : c.index ? "inconsistent" : "consistent", c.orphans,
		    c.missed, c.halfdone, c.notes, !bad ? "ok" : boot && !blocking ?
		    "ok to start" : "FAILED");
	return (boot ? blocking : bad) ? MV_EX_NOTFOUND : MV_EX_OK;
}

/*
 * Migrate every stored document to its current version (movies to
 * MV_MOVIE_SCHEMA_VERSION, the rest to MV_SCHEMA_VERSION), each atomically:
 * a kill leaves each one old or new, and both read.
 * Counts go to *done, *current, *failed. Prints one line per change.
 * Returns 0, or the exit code of the first document that could not be
 * written (74 full disk, 73 no permission): the disk's fault, not the data's.
 */
int
ctl_migrate_all(int dry, long *done, long *current, long *failed)
{
	int io = 0;
	size_t n;
	char **docs = ctl_all_docs(&n);

	*done = *current = *failed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = mv_schema_for_path(docs[i]);
		char kind[32], *path;
		cJSON *doc = ctl_load_raw(docs[i], 1);
		int from = 0, r, e = errno;

		progress("migrated", (long)i + 1, (long)n, 0);
		/* A read that failed is an I/O error, not bad data. */
		if (!doc && e && !io)
			io = mv_exit_for_read_errno(e);
		if (!doc || !name) {
			++*failed;
			cJSON_Delete(doc);
			continue;
		}
		snprintf(kind, sizeof kind, "%.*s", (int)(strlen(name) - 5), name);
		/* The indexes are derived: one of before the shards is
		 * rebuilt (below, as after any migration), not rewritten. */
		if (index_list(docs[i])) {
			int cur = mv_index_current(index_list(docs[i]));

			if (cur)
				++*current;
			else {
				if (!ctl_want_json())
					printf("%s: schemaVersion %lld -> 2 (rebuilt)%s\n", docs[i],
					    mv_json_int(doc, "schemaVersion", 0), dry ? " (dry run)" : "");
				++*done;
			}
			cJSON_Delete(doc);
			continue;
		}
		if ((r = mv_schema_migrate(doc, kind, &from)) < 0) {
			mv_warnx("unable to migrate %s: unknown schemaVersion %d", docs[i], from);
			++*failed;
		} else if (r == 0)
			++*current;
		else {
			path = mv_path("%s", docs[i]);
			if (!dry && mv_write_json(path, doc) < 0) {
				mv_warn("write %s", docs[i]);
				if (!io)
					io = mv_exit_for_errno(errno);
				++*failed;
			} else {
				/* For the crash tests: killed between two
				 * documents, each is old or new, and both read. */
				if (!dry)
					mv_crash_point("migrated");
				if (!ctl_want_json())
					printf("%s: schemaVersion %d -> %d%s\n", docs[i], from,
					    strcmp(kind, "MovieProfile") ? MV_SCHEMA_VERSION :
					    MV_MOVIE_SCHEMA_VERSION, dry ? " (dry run)" : "");
				++*done;
			}
			free(path);
		}
		cJSON_Delete(doc);
	}
	progress("migrated", (long)n, (long)n, 1);
	mv_list_free(docs, n);
	return io;
}

int
v_migrate(int argc, char **argv)
{
	static const struct option lo[] = {
		{"dry-run", no_argument, NULL, 'n'},
		COMMON_OPTS
	};
	long done, current, failed, moved, mfailed;
	int c, dry = 0, io, mio;

	while ((c = getopt_long(argc, argv, "d:hn", lo, NULL)) != -1) {
		if (c == 'n')
			dry = 1;
		else
			ctl_common_opt(c);
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_report_text();
	ctl_open_library();
	if (!dry)
		ctl_need_pipeline_stopped();
	io = ctl_migrate_all(dry, &done, &current, &failed);
	/* Then the files: a flat library moves into a folder per movie.
	 * Only from documents that migrated: an unknown version is not
	 * ours to read. */
	mio = failed ? 0 : ctl_refile(NULL, 0, dry, &moved, &mfailed);
	if (failed)
		moved = mfailed = 0;
	/* Rewritten profiles: the index is built from them. */
	if (!dry && (done || moved) && mv_index_rebuild_locked(0) != 0)
		mv_warnx("the index is stale: run mvctl reindex");
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "migrated", (double)done);
		cJSON_AddNumberToObject(o, "current", (double)current);
		cJSON_AddNumberToObject(o, "failed", (double)failed);
		cJSON_AddNumberToObject(o, "moved", (double)moved);
		cJSON_AddNumberToObject(o, "moveFailed", (double)mfailed);
		cJSON_AddBoolToObject(o, "dryRun", dry);
		ctl_put_json(o);
		cJSON_Delete(o);
	} else {
		printf("migrate: %ld %smigrated, %ld already current, %ld failed\n",
		    done, dry ? "would be " : "", current, failed);
		if (moved || mfailed)
			printf("migrate: %ld videos %smoved into their folders, %ld failed\n",
			    moved, dry ? "would be " : "", mfailed);
	}
	if (io || mio)
		return io ? io : mio;
	return failed || mfailed ? MV_EX_DATAERR : MV_EX_OK;
}
