/* import.c: mvctl import: an existing Jellyfin, Plex or Kodi library, in place or moved in. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/*
 * The import hands every video to mvenrich as an mv.file.added event,
 * exactly as a drop or mvctl add does, with data.importedFrom saying
 * where it came from, whether it stays in place, and the ids an NFO
 * beside it gave. mvenrich alone creates, matches, claims, files or
 * keeps, and sends to review: one path for every video, so an import
 * and a drop cannot disagree. The import itself only finds the videos,
 * reads their NFOs, skips what is already in the library and, for
 * --dry-run, asks the matcher what it would do.
 */

/* One video found under DIR. Strings malloc'd, owned. */
struct item {
	char *rel;          /* relative to DIR, for the plan */
	char *abs;          /* absolute */
	char *movie;        /* the movie that has it already, or NULL */
	struct mv_nfoid ids;/* from an NFO beside it */
	char *nfo;          /* that NFO, relative to DIR, or NULL */
	int nfo_ambiguous;  /* an NFO that names two films of one kind */
};

struct import {
	const char *dir;    /* absolute, normalised */
	int in_place, dry;
	struct item *v;
	size_t n, cap;
	struct mv_table known; /* absolute video path or source -> movie id;
	                        * each value is one block "id\0path", the key
	                        * points into it: freeing the value frees both */
	long matched, review, skipped, failed;
};

/* ---- finding the videos ------------------------------------------------ */

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every video under dir/rel (rel "" at the top), in name order, hidden
 * names skipped and symlinks not followed: mv_media_kind decides, so a
 * sample or an extra (Featurettes/, "-trailer") is not a movie. Returns
 * 0, or -1 after a warning (a folder that cannot be read).
 */
static int
walk(struct import *im, const char *rel)
{
	char *path = *rel ? mv_xasprintf("%s/%s", im->dir, rel) : mv_xstrdup(im->dir);
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	struct stat st;
	int r = 0;
	DIR *d;

	if (!(d = opendir(path))) {
		mv_warn("read %s", path);
		free(path);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = mv_xrealloc(names, (nn + 1) * sizeof *names);
		names[nn++] = mv_xstrdup(e->d_name);
	}
	closedir(d);
	if (nn)                 /* qsort of a NULL array: UB, even empty */
		qsort(names, nn, sizeof *names, cmp_name);
	for (size_t i = 0; i < nn; i++) {
		char *sub = *rel ? mv_xasprintf("%s/%s", rel, names[i]) : mv_xstrdup(names[i]);
		char *full = mv_xasprintf("%s/%s", im->dir, sub);

		if (lstat(full, &st) < 0)
			mv_warn("read %s", full);
		else if (S_ISDIR(st.st_mode))
			r |= walk(im, sub);
		else if (S_ISREG(st.st_mode) && mv_media_kind(sub) == MV_MEDIA_VIDEO) {
			if (im->n == im->cap) {
				im->cap = im->cap ? 2 * im->cap : 64;
				im->v = mv_xrealloc(im->v, im->cap * sizeof *im->v);
			}
			memset(&im->v[im->n], 0, sizeof *im->v);
			im->v[im->n].rel = sub;
			im->v[im->n].abs = full;
			im->n++;
			continue;
		}
		free(sub);
		free(full);
	}
	mv_list_free(names, nn);
	free(path);
	return r;
}

/* Lexically normalised absolute path of p, relative to base when it is
 * not absolute. Returns malloc'd. */
static char *
norm_path(const char *base, const char *p)
{
	char *full = p[0] == '/' ? mv_xstrdup(p) : mv_xasprintf("%s/%s", base, p);
	char *save, *tok;
	struct mv_buf b = {0};
	size_t *ends = mv_xcalloc(strlen(full) + 1, sizeof *ends);
	size_t n = 0;

	for (tok = strtok_r(full, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (n > 0)
				b.len = ends[--n];
			continue;
		}
		ends[n++] = b.len;
		mv_buf_adds(&b, "/");
		mv_buf_adds(&b, tok);
	}
	if (!b.len)
		mv_buf_adds(&b, "/");
	b.buf[b.len] = '\0';
	free(ends);
	free(full);
	return b.buf;
}

/*
 * Every movie's video, by its absolute path and its source's: a video
 * kept in place is found by where it lies, one moved in by where it
 * came from (mvenrich keeps that as the source), so a second import of
 * one folder adds nothing.
 */
static void
load_known(struct import *im)
{
	size_t n;
	char **ids = mv_dir_list("Movies", ".json", &n);
	const char *why;

	for (size_t i = 0; i < n; i++) {
		cJSON *m, *v;
		size_t il;

		ids[i][strlen(ids[i]) - 5] = '\0';
		il = strlen(ids[i]);
		if (!mv_id_valid(ids[i], 'm') || !(m = mv_movie_load(ids[i], &why)))
			continue;
		cJSON_ArrayForEach(v, mv_movie_videos(m))
		for (int k = 0; k < 2; k++) {
			const char *p = mv_json_str(v, k ? "source" : "path", NULL);
			char *key, *val;
			size_t kl;

			if (!p)
				continue;
			key = norm_path(mv_data, p);
			kl = strlen(key);
			val = mv_xmalloc(il + kl + 2);
			memcpy(val, ids[i], il + 1);
			memcpy(val + il + 1, key, kl + 1);
			free(key);
			/* A replaced value is the old block, its key with it. */
			free(mv_table_put(&im->known, val + il + 1, val));
		}
		cJSON_Delete(m);
	}
	mv_list_free(ids, n);
}

/* The ids of an NFO beside it (Kodi's movie.nfo or <name>.nfo with
 * uniqueid, a release's NFO): what mvenrich takes as evidence. */
static void
read_nfo(struct import *im, struct item *it)
{
	char *path;
	int r;

	if (!(it->nfo = mv_nfoid_beside(im->dir, it->rel)))
		return;
	path = mv_xasprintf("%s/%s", im->dir, it->nfo);
	if ((r = mv_nfoid_read(path, &it->ids)) < 0)
		mv_warn("read %s", path);
	it->nfo_ambiguous = r == MV_NFOID_AMBIGUOUS;
	if (r != MV_NFOID_FOUND) {
		memset(&it->ids, 0, sizeof it->ids);
		if (!it->nfo_ambiguous) {
			free(it->nfo);
			it->nfo = NULL;
		}
	}
	free(path);
}

/* ---- the plan ---------------------------------------------------------- */

/* Print one line of the plan or the report: "REL: WHAT", or an object
 * {file, action, movie?, tmdb?, title?, year?, why?, target?} in JSON. */
static void
say(const struct item *it, const char *action, const char *movie, long long tmdb,
    const char *title, int year, const char *why, const char *target)
{
	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "file", it->abs);
		cJSON_AddStringToObject(o, "action", action);
		if (movie)
			cJSON_AddStringToObject(o, "movie", movie);
		if (tmdb > 0)
			cJSON_AddNumberToObject(o, "tmdb", (double)tmdb);
		if (title)
			cJSON_AddStringToObject(o, "title", title);
		if (year > 0)
			cJSON_AddNumberToObject(o, "year", year);
		if (why)
			cJSON_AddStringToObject(o, "why", why);
		if (target)
			cJSON_AddStringToObject(o, "target", target);
		ctl_put_json(o);
		cJSON_Delete(o);
		return;
	}
	printf("%s: %s", it->rel, action);
	if (movie)
		printf(" %s", movie);
	if (tmdb > 0)
		printf(" tmdb:%lld %s", tmdb, title ? title : "");
	if (tmdb > 0 && year > 0)
		printf(" (%d)", year);
	if (why)
		printf("%s%s", tmdb > 0 || movie ? ", " : " ", why);
	if (target)
		printf("; %s", target);
	putchar('\n');
}

/* Where a video matched to tm would be filed (--move), by the one rule
 * (mv_name_path) on the profile it would have. */
static char *
move_target(const cJSON *tm, const char *abs)
{
	cJSON *m = ctl_profile_of(tm), *v = cJSON_CreateObject();
	char *target;

	cJSON_AddStringToObject(v, "source", abs);
	target = mv_name_path(m, v, NULL);
	cJSON_Delete(m);
	cJSON_Delete(v);
	return target;
}

/*
 * --dry-run: what mvenrich would do with it, asked of the same matcher
 * with the same evidence (the name's ids, else the NFO's, else a
 * search), and of the claims for a duplicate. Nothing is written: TMDB's
 * answers are not cached. Returns 0, or TMDB's exit code.
 */
static int
plan_one(struct import *im, struct item *it)
{
	struct mv_name nm;
	struct mv_match mr;
	char *from = NULL, *why, *owner, *target = NULL, value[32];
	const char *base = strrchr(it->rel, '/') ? strrchr(it->rel, '/') + 1 : it->rel;
	long long tmdb;
	int r, year;

	mv_parse_name(it->rel, &nm);
	if (it->nfo)
		from = mv_xasprintf("NFO %s", it->nfo);
	if ((r = ctl_match(&nm, base, &it->ids, from, &mr)) != 0) {
		free(from);
		mv_name_free(&nm);
		return r;
	}
	if (!mr.tm) {
		say(it, "review", NULL, 0, NULL, 0, mr.reason, NULL);
		im->review++;
		goto out;
	}
	tmdb = mv_json_int(mr.tm, "id", 0);
	year = atoi(mv_json_str(mr.tm, "release_date", "0"));
	snprintf(value, sizeof value, "%lld", tmdb);
	if ((owner = mv_claim_owner('m', "tmdb", value))) {
		why = mv_xasprintf("duplicate of %s", owner);
		say(it, "review", NULL, tmdb, mv_json_str(mr.tm, "title", ""), year, why, NULL);
		im->review++;
		free(why);
		free(owner);
		goto out;
	}
	why = ctl_evidence_text(mr.evidence);
	if (!im->in_place)
		target = move_target(mr.tm, it->abs);
	say(it, "match", NULL, tmdb, mv_json_str(mr.tm, "title", ""), year, why,
	    target ? target : "in place");
	im->matched++;
	free(why);
	free(target);
out:
	mv_match_free(&mr);
	free(from);
	mv_name_free(&nm);
	return 0;
}

/* ---- the import -------------------------------------------------------- */

/* The mv.file.added of it, with importedFrom. NULL after a message. */
static cJSON *
event_of(const struct import *im, const struct item *it)
{
	cJSON *ev = ctl_file_event(it->abs, 0), *from;

	if (!ev)
		return NULL;
	from = cJSON_AddObjectToObject(mv_event_data(ev), "importedFrom");
	cJSON_AddStringToObject(from, "root", im->dir);
	cJSON_AddBoolToObject(from, "inPlace", im->in_place);
	if (it->ids.tmdb > 0)
		cJSON_AddNumberToObject(from, "tmdb", (double)it->ids.tmdb);
	if (it->ids.imdb[0])
		cJSON_AddStringToObject(from, "imdb", it->ids.imdb);
	if (it->ids.tmdb > 0 || it->ids.imdb[0])
		cJSON_AddStringToObject(from, "idFrom", it->nfo);
	return ev;
}

/* Where m holds the video that was at abs: the path of its entry (a
 * version that joined a filed film is not m's main video). Borrowed. */
static const char *
held_at(const cJSON *m, const char *abs)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, mv_movie_videos(m))
		for (int k = 0; k < 2; k++) {
			char *key = norm_path(mv_data, mv_json_str(v, k ? "source" : "path", ""));
			int same = !strcmp(key, abs);

			free(key);
			if (same)
				return mv_json_str(v, "path", "");
		}
	return mv_json_str(mv_movie_video(m), "path", "");
}

/* Free the known table, its blocks included, and leave it empty. */
static void
known_free(struct import *im)
{
	size_t pos = 0;
	const char *key;
	void *val;

	while (mv_table_next(&im->known, &pos, &key, &val))
		free(val);
	mv_table_free(&im->known);
	memset(&im->known, 0, sizeof im->known);
}

/* Free all that im holds. */
static void
import_free(struct import *im)
{
	for (size_t i = 0; i < im->n; i++) {
		free(im->v[i].rel);
		free(im->v[i].abs);
		free(im->v[i].movie);
		free(im->v[i].nfo);
	}
	free(im->v);
	free((char *)im->dir);
	known_free(im);
}

/* After the stages ran: what became of each video sent. */
static void
report(struct import *im)
{
	known_free(im);
	load_known(im);
	for (size_t i = 0; i < im->n; i++) {
		struct item *it = &im->v[i];
		const char *id = mv_table_get(&im->known, it->abs), *why;
		cJSON *m;

		if (it->movie)
			continue;
		if (!id || !(m = mv_movie_load(id, &why))) {
			say(it, "failed", NULL, 0, NULL, 0, "no movie was made (see the messages above)", NULL);
			im->failed++;
			continue;
		}
		if (!strcmp(mv_json_str(m, "status", ""), "needs-review")) {
			say(it, "review", id, 0, NULL, 0, mv_json_str(cJSON_GetObjectItemCaseSensitive(
			    m, "review"), "reason", "needs review"), NULL);
			im->review++;
		} else if (!strcmp(mv_json_str(m, "status", ""), "ready")) {
			say(it, "imported", id, mv_json_int(cJSON_GetObjectItemCaseSensitive(m,
			    "externalIds"), "tmdb", 0), mv_json_str(m, "title", ""),
			    (int)mv_json_int(m, "year", 0), NULL, held_at(m, it->abs));
			im->matched++;
		} else {
			say(it, "pending", id, 0, NULL, 0, "TMDB failed: mvenrich --retry resumes it", NULL);
			im->failed++;
		}
		cJSON_Delete(m);
	}
}

/* Check DIR against the data directory and the roots; set im->dir. */
static void
check_dir(struct import *im, const char *arg)
{
	char real[PATH_MAX], data[PATH_MAX];
	const char *root;
	size_t n;

	if (!realpath(arg, real))
		mv_die(mv_exit_for_read_errno(errno), "import %s", arg);
	if (!realpath(mv_data, data))
		mv_die(mv_exit_for_read_errno(errno), "read %s", mv_data);
	n = strlen(data);
	if (!strncmp(real, data, n) && (real[n] == '/' || !real[n]))
		mv_diex(MV_EX_USAGE, "unable to import %s: it is inside the data directory", arg);
	n = strlen(real);
	if (!strncmp(data, real, n) && data[n] == '/')
		mv_diex(MV_EX_USAGE, "unable to import %s: it holds the data directory", arg);
	root = mv_root_of(real);
	if (!im->in_place && root)
		mv_diex(MV_EX_USAGE, "unable to import %s with --move: it is under the library "
		    "root %s, whose videos stay in place", arg, root);
	if (im->in_place && root && strcmp(root, real))
		mv_diex(MV_EX_USAGE, "unable to import %s: it is inside the library root %s "
		    "already (import that root again)", arg, root);
	im->dir = mv_xstrdup(real);
}

/* Send the videos not in the library yet, then report. Returns an
 * exit code. */
static int
run_import(struct import *im)
{
	cJSON *evs = cJSON_CreateArray(), *ev;
	int code, r;

	for (size_t i = 0; i < im->n; i++)
		if (!im->v[i].movie && (ev = event_of(im, &im->v[i])))
			cJSON_AddItemToArray(evs, ev);
	if (!cJSON_GetArraySize(evs)) {
		cJSON_Delete(evs);
		return MV_EX_OK;
	}
	if (im->in_place) {
		if ((r = mv_config_add_root(im->dir)) < 0)
			mv_die(errno == ENOENT ? MV_EX_CONFIG : mv_exit_for_errno(errno),
			    "record the library root %s in the configuration", im->dir);
		if (r > 0 && !ctl_want_json())
			printf("library root %s recorded in the configuration\n", im->dir);
	}
	code = ctl_deliver_files(evs);
	if (!mv_pipeline_running())
		report(im);
	return code;
}

int
v_import(int argc, char **argv)
{
	static const struct option lo[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"in-place", no_argument, NULL, 'I'},
		{"move", no_argument, NULL, 'M'},
		COMMON_OPTS
	};
	struct import im = { .in_place = 1 };
	int c, code = MV_EX_OK, move = 0, inpl = 0;

	while ((c = getopt_long(argc, argv, "nd:h", lo, NULL)) != -1) {
		if (c == 'n')
			im.dry = 1;
		else if (c == 'I')
			inpl = 1;
		else if (c == 'M')
			move = 1;
		else
			ctl_common_opt(c);
	}
	if (inpl && move)
		ctl_usage_error("%s", "--in-place and --move exclude each other");
	if (optind != argc - 1)
		ctl_usage_error("%s", "expected one folder to import");
	im.in_place = !move;
	ctl_report_text();
	ctl_open_library();
	check_dir(&im, argv[optind]);
	if (walk(&im, "") < 0)
		code = MV_EX_IOERR;
	load_known(&im);
	if (im.dry)
		mv_tmdb_flags |= MV_TMDB_NOCACHE;
	for (size_t i = 0; i < im.n; i++) {
		struct item *it = &im.v[i];
		const char *id = mv_table_get(&im.known, it->abs);
		int r;

		if (id) {
			it->movie = mv_xstrdup(id);
			say(it, "skip", id, 0, NULL, 0, "already in the library", NULL);
			im.skipped++;
			continue;
		}
		read_nfo(&im, it);
		if (it->nfo_ambiguous)
			mv_warnx("%s: %s names two films; the name alone decides", it->rel, it->nfo);
		if (im.dry && (r = plan_one(&im, it)) != 0) {
			mv_warnx("unable to plan %s: TMDB failed (%s)", it->rel, mv_exit_name(r));
			import_free(&im);
			return r;
		}
	}
	if (!im.dry) {
		int r = run_import(&im);

		code = code ? code : r;
	}
	if (!ctl_want_json())
		printf("import: %zu videos: %ld matched, %ld to review, %ld already in the "
		    "library%s%s\n", im.n, im.matched, im.review, im.skipped,
		    im.failed ? ", some not imported" : "",
		    im.dry ? " (dry run: nothing changed)" : "");
	code = code ? code : im.failed ? MV_EX_TEMPFAIL : MV_EX_OK;
	import_free(&im);
	return code;
}
