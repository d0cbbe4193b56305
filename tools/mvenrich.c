/* mvenrich: match new videos on TMDB, file them, and deepen movies on request. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvenrich/mvenrich.h"

static const char USAGE[] =
	"usage: mvenrich [--data DIR] [--retry]\n"
	"       mvenrich -h | --help | --version\n"
	"  -d, --data DIR  data directory (default $MV_DATA)\n"
	"  --retry         resume every pending movie, then exit\n"
	"  -h, --help      print this help\n"
	"  --version       print the version\n";

/*
 * The life of a movie, by its status (stored in its profile, so a restart
 * resumes where it stopped):
 *
 *   initial       created from a file; not matched yet (TMDB down: stays)
 *     -> matched       a clear match: basic profile written
 *     -> needs-review  no clear match, or a duplicate: review info written
 *   matched       -> ready: the video filed into assets/videos/
 *   needs-review  -> (stays): the video filed into quarantine/
 *     -> initial       a user's choice (mv.file.added of the quarantined
 *                      video with data.tmdb): matched again as chosen
 *
 * A movie is "pending" while its video is still at its source (video.path
 * equals video.source), or matched but still in quarantine/ (a choice a
 * crash interrupted): a rescan of that path, a request, or --retry
 * resumes it from its status, and so does the filter when it starts: a
 * stage killed mid-match and restarted alone (no rescan comes then) must
 * not leave a movie half matched, its claim made and not yet recorded.
 * (enum outcome, a step's result: mvenrich/mvenrich.h.)
 */

/* Pending movies by the relative path of their video. */
struct pending {
	char *path;
	char *id;
};
static struct pending *pending;
static size_t npending, cappending;

/* The identities (mv_file_ident) of the downloads a copy or hardlink
 * import left in place, sorted: a rescan reports them again, and they
 * are in the library already. Built from the profiles, which record
 * them in the save that records the filing. */
static char **kept;
static size_t nkept;

int fatal_code;           /* the exit code once OUT_FATAL happened */
int waiting;              /* movies left waiting on a temporary failure */

/* Requests and retries already reported: each event carries only those
 * made since the previous one, so mvstat's sums count each once. */
static long long tmdb_reported, retries_reported;

void
emit(const char *type, const char *id, cJSON *data)
{
	long long n = mv_tmdb_requests(), r = mv_tmdb_retries();

	if (n > tmdb_reported && data && (!strcmp(type, "mv.movie.matched") ||
	    !strcmp(type, "mv.movie.enriched") || !strcmp(type, "mv.movie.needs-review"))) {
		cJSON_AddNumberToObject(data, "tmdbRequests", (double)(n - tmdb_reported));
		tmdb_reported = n;
		if (r > retries_reported)
			cJSON_AddNumberToObject(data, "tmdbRetries", (double)(r - retries_reported));
		retries_reported = r;
	}
	mv_emit(type, id, data);
}

static void
notify(const char *type, const char *subject, cJSON *data)
{
	emit(type, subject, data);
}

/* ---- paths ------------------------------------------------------------- */

/* Absolute, lexically normalised path ("." and ".." resolved). malloc'd. */
static char *
abs_path(const char *p)
{
	char cwd[4096], *full, *save, *tok;
	struct mv_buf b = {0};
	const char *parts[512];
	int n = 0;

	if (p[0] == '/')
		full = mv_xstrdup(p);
	else {
		if (!getcwd(cwd, sizeof cwd))
			mv_die(MV_EX_SOFTWARE, "get the current directory");
		full = mv_xasprintf("%s/%s", cwd, p);
	}
	for (tok = strtok_r(full, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n > 0)
				n--;
			continue;
		}
		if (n < 512)
			parts[n++] = tok;
	}
	for (int i = 0; i < n; i++) {
		mv_buf_adds(&b, "/");
		mv_buf_adds(&b, parts[i]);
	}
	if (n == 0)
		mv_buf_adds(&b, "/");
	free(full);
	return b.buf;
}

/* p relative to the data directory ("incoming/x.mkv", or "../x" when it
 * lies outside): the form stored in profiles. malloc'd. */
char *
rel_path(const char *p)
{
	char *a = abs_path(p), *d = abs_path(mv_data), *r;
	size_t i = 0, k = 0;
	struct mv_buf b = {0};

	/* Longest common prefix that ends at a component boundary. */
	while (a[i] && a[i] == d[i]) {
		i++;
		if (a[i] == '/' || (!a[i] && !d[i]))
			k = i;
	}
	if (!d[i] && a[i] == '/')
		k = i;
	if (d[k] == '\0' && a[k] == '/') {
		r = mv_xstrdup(a + k + 1);
		free(a);
		free(d);
		return r;
	}
	for (const char *q = d + k; *q; q++)
		if (*q == '/')
			mv_buf_adds(&b, "../");
	mv_buf_adds(&b, a + k + 1);
	free(a);
	free(d);
	return b.buf;
}

/* A stored relative path as a path to open. malloc'd. */
char *
open_path(const char *rel)
{
	return rel[0] == '/' ? mv_xstrdup(rel) : mv_path("%s", rel);
}

const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* What the file at rel (data-relative) is. Below incoming/ its folders
 * there count ("incoming/x/Sample/y.mkv"); elsewhere (mvctl add of a
 * file the user chose) only its name does, not the folders around it. */
static enum mv_media
media_kind(const char *rel)
{
	if (strncmp(rel, "incoming/", 9) == 0)
		return mv_media_kind(rel + 9);
	return mv_media_kind(base_name(rel));
}

/* ---- videos kept in place under a library root ------------------------- */

/* m's video entry: the one reading of it in the in-place code below, so
 * that the profile's shape changes at one call site. Borrowed. */
cJSON *
video_entry(const cJSON *m)
{
	return mv_movie_video(m);
}

/* 1 when m's video stays where it lies, under a library root. */
static int
in_place(const cJSON *m)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(video_entry(m), "importedFrom"), "inPlace"));
}

/* ---- pending movies ----------------------------------------------------- */

static const char *
pending_find(const char *path)
{
	for (size_t i = 0; i < npending; i++)
		if (strcmp(pending[i].path, path) == 0)
			return pending[i].id;
	return NULL;
}

void
pending_add(const char *path, const char *id)
{
	/* A path may be pending for two movies after a crash in a join
	 * (pending_scan removes the leftover); an id for several paths
	 * (its parts). */
	for (size_t i = 0; i < npending; i++)
		if (!strcmp(pending[i].path, path) && !strcmp(pending[i].id, id))
			return;
	if (npending == cappending) {
		cappending = cappending ? 2 * cappending : 64;
		pending = mv_xrealloc(pending, cappending * sizeof *pending);
	}
	pending[npending].path = mv_xstrdup(path);
	pending[npending].id = mv_xstrdup(id);
	npending++;
}

void
pending_drop(const char *id)
{
	for (size_t i = 0; i < npending; )
		if (strcmp(pending[i].id, id) == 0) {
			free(pending[i].path);
			free(pending[i].id);
			pending[i] = pending[--npending];
		} else
			i++;
}

static int
kept_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
kept_find(const char *ident)
{
	return nkept && bsearch(&ident, kept, nkept, sizeof *kept, kept_cmp);
}

/* Remember ident, keeping the table sorted. */
static void
kept_add(const char *ident)
{
	size_t i = 0;

	if (kept_find(ident))
		return;
	while (i < nkept && strcmp(kept[i], ident) < 0)
		i++;
	kept = mv_xrealloc(kept, (nkept + 1) * sizeof *kept);
	memmove(kept + i + 1, kept + i, (nkept - i) * sizeof *kept);
	kept[i] = mv_xstrdup(ident);
	nkept++;
}

/* 1 when a movie's videos, or one of them, still wait to be filed. */
int
is_pending(const cJSON *m)
{
	const char *st = mv_json_str(m, "status", "");

	return (!strcmp(st, "initial") || !strcmp(st, "matched") ||
	    !strcmp(st, "needs-review")) && unfiled(m);
}

/* Announce again the videos that came from each record parked in
 * run/joined/, by the holder joined[] names (pairs: joined, holder),
 * then let the record go. */
static void
parked_scan(char **joined, size_t njoined)
{
	size_t n;
	char **v = mv_dir_list("run/joined", ".json", &n);

	for (size_t k = 0; k < n; k++) {
		char *id = mv_xstrndup(v[k], strlen(v[k]) - 5);

		for (size_t i = 0; i + 1 < njoined; i += 2)
			if (!strcmp(joined[i], id))
				announce_joined(id, joined[i + 1]);
		unpark_movie(id);
		free(id);
	}
	mv_list_free(v, n);
}

/* Every pending movie in Movies/, by path. Returns how many. */
static size_t
pending_scan(void)
{
	char *dir = mv_path("Movies");
	struct dirent *e;
	DIR *d;
	const char *why, *ks;
	char **joined = NULL;
	size_t njoined = 0;

	if (!(d = opendir(dir))) {
		free(dir);
		return 0;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char id[64];
		cJSON *m, *v;

		if (len < 7 || len >= sizeof id || strcmp(e->d_name + len - 5, ".json"))
			continue;
		memcpy(id, e->d_name, len - 5);
		id[len - 5] = '\0';
		if (!mv_id_valid(id, 'm'))
			continue;
		if (!(m = mv_movie_load(id, &why))) {
			mv_warnx("unable to read movie %s: %s", id, why);
			continue;
		}
		if (is_pending(m)) {
			pending_add(mv_json_str(mv_movie_video(m), "path", ""), id);
			cJSON_ArrayForEach(v, mv_movie_videos(m))
				if (at_source(v))
					pending_add(mv_json_str(v, "path", ""), id);
		}
		cJSON_ArrayForEach(v, mv_movie_videos(m))
			if ((ks = mv_json_str(v, "keptStat", NULL)))
				kept_add(ks);
		joined_from(m, &joined, &njoined);
		cJSON_Delete(m);
	}
	closedir(d);
	free(dir);
	/* A record whose videos another movie holds is what a crash left
	 * of a join: it goes, as the join would have removed it, and the
	 * index is told as the join would have told it (announce's
	 * "merged"), once the video is filed; a video still to file is
	 * announced so when it is. */
	for (size_t i = 0; i + 1 < njoined; i += 2) {
		char *p = mv_path("Movies/%s.json", joined[i]);

		if (access(p, F_OK) == 0) {
			mv_warnx("%s joined another movie: its record goes", joined[i]);
			let_go(joined[i], joined[i + 1]);
		}
		free(p);
	}
	/* A record parked in run/joined/ (park_movie) until a video in
	 * place was announced: the announcement may not be out. */
	parked_scan(joined, njoined);
	for (size_t i = 0; i < njoined; i++)
		free(joined[i]);
	free(joined);
	return npending;
}

/* ---- saving ------------------------------------------------------------ */

/* Save a movie or die: a library we cannot write to is no place to go on
 * moving videos into. */
void
save(cJSON *m)
{
	if (mv_movie_save(m) < 0)
		mv_die(mv_exit_for_errno(errno), "write movie %s",
		    mv_json_str(m, "id", "?"));
}

/* ---- filing ------------------------------------------------------------ */

/* Path of the review note beside a quarantined video. malloc'd. */
char *
why_path(const char *final)
{
	return mv_xasprintf("%s.why.json", final);
}

/* A video filed out of the review queue leaves it: remove the .why.json
 * beside src (absolute), its place in quarantine/ before the filing. */
void
drop_why(const char *src)
{
	char *qdir = mv_path("quarantine/"), *why;

	if (strncmp(src, qdir, strlen(qdir)) == 0) {
		why = why_path(src);
		if (unlink(why) == 0)
			mv_fsync_dir(why);
		else if (errno != ENOENT)
			mv_warn("remove %s", why);
		free(why);
	}
	free(qdir);
}

/*
 * Remember in video entry v the download that m's filing (its journal,
 * not yet committed) left in place, copied or hard-linked: keptFrom
 * its absolute path, keptStat its identity, which a rescan of it is
 * matched against. The one writer of both. (importedFrom is another
 * thing: the library mvctl import took the video from.)
 */
void
imported_from(cJSON *v, const char *id)
{
	char ident[MV_FILE_IDENT_MAX], *src, *abs;

	if (!mv_file_kept(id, &src, ident))
		return;
	abs = abs_path(src);
	mv_json_set(v, "keptFrom", cJSON_CreateString(abs));
	mv_json_set(v, "keptStat", cJSON_CreateString(ident));
	kept_add(ident);
	free(abs);
	free(src);
}

/*
 * Drive a pending movie as far as it goes: match, then file (or
 * quarantine). Returns an outcome.
 */
static enum outcome advance_in_place(cJSON *m);

static enum outcome
advance(cJSON *m)
{
	enum outcome o;

	if (in_place(m))
		return advance_in_place(m);
	if (strcmp(mv_json_str(m, "status", ""), "initial") == 0 &&
	    (o = inspect(m)) != OUT_DONE)
		return o;
	if (strcmp(mv_json_str(m, "status", ""), "initial") == 0 &&
	    (o = match(m)) != OUT_DONE)
		return o;
	if (strcmp(mv_json_str(m, "status", ""), "matched") == 0) {
		/* A download's subtitles and extras first: tools/mvenrich/sidecars.c. */
		if (sidecars_file(m)) {
			waiting++;
			return OUT_WAIT;
		}
		return file_video(m, 0);
	}
	if (strcmp(mv_json_str(m, "status", ""), "needs-review") == 0)
		return file_video(m, 1);
	return OUT_DONE;
}

/*
 * A video in place is filed where it lies: matched, it is ready there;
 * sent to review, it stays there too (not in quarantine/) and waits for
 * a choice (mvctl add PATH --tmdb ID). Announced once, on the change.
 */
static void
keep_in_place(cJSON *m)
{
	const cJSON *v = video_entry(m);
	const char *path = mv_json_str(v, "path", "");

	if (strcmp(mv_json_str(m, "status", ""), "matched") == 0) {
		mv_json_set(m, "status", cJSON_CreateString("ready"));
		save(m);
		pending_drop(mv_json_str(m, "id", ""));
		announce(m, v, path, 0);
	} else if (strcmp(mv_json_str(m, "status", ""), "needs-review") == 0)
		announce(m, v, path, 1);
}

/* advance for a video in place: match, then keep it where it lies. */
static enum outcome
advance_in_place(cJSON *m)
{
	enum outcome o;

	if (strcmp(mv_json_str(m, "status", ""), "initial") == 0) {
		if ((o = inspect(m)) != OUT_DONE)
			return o;
		if (strcmp(mv_json_str(m, "status", ""), "initial") == 0 &&
		    (o = match(m)) != OUT_DONE)
			return o;
		keep_in_place(m);
	} else if (strcmp(mv_json_str(m, "status", ""), "matched") == 0)
		keep_in_place(m);  /* a crash came between the match and now */
	return OUT_DONE;
}

/* Finish, as the recovery found it, a filing a crash interrupted. */
static void
recovered(void *ctx, const char *movie, const char *final, const char *src)
{
	const char *why;
	cJSON *m, *v, *by;
	char *rel, *srel, *qdir;
	int quarantined;

	(void)ctx;
	if (!final)
		return;  /* rolled back: the movie is still pending */
	if (!(m = mv_movie_load(movie, &why))) {
		mv_warnx("unable to read movie %s after recovering %s: %s", movie, final, why);
		return;
	}
	if (sidecars_recovered(m, final, src) || set_aside_recovered(m, final, src)) {
		cJSON_Delete(m);
		return;
	}
	rel = rel_path(final);
	srel = rel_path(src);
	qdir = mv_path("quarantine/");
	quarantined = strncmp(final, qdir, strlen(qdir)) == 0;
	if ((v = entry_at(m, srel))) {
		/* Moved, not recorded: a replaced copy set aside, or a video
		 * filed. */
		cJSON_ArrayForEach(by, mv_movie_videos(m))
			if (!strcmp(mv_json_str(by, "replaces", ""), srel))
				break;
		if (by && !strncmp(rel, "quarantine/replaced/", 20)) {
			/* Then the better copy's announcement, as
			 * replace_old makes it. */
			replaced(m, by, v, final);
			announce(m, by, mv_json_str(by, "path", ""), 0);
		} else
			filed(m, v, final, quarantined);
	} else if (!strncmp(rel, "quarantine/replaced/", 20)) {
		/* Set aside and recorded: the announcement may not be. */
		announce_replacer(m, final);
	} else if ((v = entry_at(m, rel))) {
		/* Recorded, but the journal was still there: the crash came
		 * before the announcement. */
		if (quarantined)
			write_why(m, v, final, NULL, NULL);
		else
			drop_why(src);
		announce(m, v, rel, quarantined);
	}
	free(rel);
	free(srel);
	free(qdir);
	cJSON_Delete(m);
}

/* ---- events ------------------------------------------------------------ */

/* The choice {"tmdb": N} a user made for a video. */
static cJSON *
choice(long long tmdb)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddNumberToObject(c, "tmdb", (double)tmdb);
	return c;
}

/*
 * The movie whose video is the quarantined file at path (rel): the one
 * its .why.json names, if that movie's video is indeed there. Returns
 * the tree (caller deletes) or NULL.
 */
static cJSON *
queued_movie(const char *path, const char *rel)
{
	char *wp = why_path(path);
	const char *why, *id;
	cJSON *w = mv_json_load(wp, 1 << 20, &why), *m = NULL;

	free(wp);
	id = mv_json_str(w, "movie", NULL);
	if (id && mv_id_valid(id, 'm') && (m = mv_movie_load(id, &why)) &&
	    !entry_at(m, rel)) {
		cJSON_Delete(m);
		m = NULL;
	}
	cJSON_Delete(w);
	return m;
}

/*
 * A user chose tmdb for m, a movie in review: match it as chosen and
 * file it, or put it back in review with the reason it failed (the
 * video stays where it is). Returns an outcome.
 */
static enum outcome
resolve(cJSON *m, long long tmdb)
{
	mv_json_set(m, "choice", choice(tmdb));
	/* Saved only by match(), once the choice has been decided on: a
	 * TMDB failure leaves the review as it was. */
	if (strcmp(mv_json_str(m, "status", ""), "needs-review") == 0)
		mv_json_set(m, "status", cJSON_CreateString("initial"));
	return advance(m);
}

/* A video of pending movie id, seen before and not done, reported
 * again (tmdb: a choice, or 0): the same movie is retried. */
static enum outcome
rescanned(const char *id, long long tmdb)
{
	const char *why;
	enum outcome o;
	cJSON *m = mv_movie_load(id, &why);

	if (!m) {
		mv_warnx("unable to read movie %s: %s", id, why);
		return OUT_DONE;
	}
	if (tmdb > 0 && in_place(m) &&
	    strcmp(mv_json_str(m, "status", ""), "needs-review") == 0) {
		/* A choice for a video in review in place. */
		o = resolve(m, tmdb);
		cJSON_Delete(m);
		return o;
	}
	if (tmdb > 0 && is_pending(m) &&
	    strcmp(mv_json_str(m, "status", ""), "initial") == 0) {
		mv_json_set(m, "choice", choice(tmdb));
		save(m);
	}
	o = is_pending(m) ? advance(m) : OUT_DONE;
	cJSON_Delete(m);
	return o;
}

/*
 * A new movie for the video at rel (path as the event gave it; st its
 * lstat; data the event's data; root its library root or NULL), its
 * creation announced, then matched as far as it goes. Returns the
 * outcome of that.
 */
static enum outcome
create_movie(const char *path, const char *rel, const struct stat *st,
    const cJSON *data, const char *root, long long tmdb)
{
	const cJSON *imp = cJSON_GetObjectItemCaseSensitive(data, "importedFrom");
	const char *id;
	struct mv_name n;
	cJSON *m, *video, *d;
	char *title;
	enum outcome o;

	/* The parser reads the parent folders when the name says little
	 * ("Heat (1995)/movie.mkv"). */
	mv_parse_name(path, &n);
	if (n.title && *n.title)
		title = mv_xstrdup(n.title);
	else
		title = mv_xstrdup(base_name(rel));
	/* A film in parts is one movie, its parts in order (this replaces
	 * dl's filing of the first part alone); a part alone keeps its
	 * number, and is never filed as the whole film. */
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(data, "parts")))
		video = parts_of(data, rel, st, n.edition);
	else
		video = new_video(rel, st, n.part, n.edition, imp, root);
	m = mv_movie_create(title, n.year, mv_name_json(&n), video);
	mv_name_free(&n);
	free(title);
	if (!m)
		mv_die(mv_exit_for_errno(errno), "create a movie for %s", rel);
	if (tmdb > 0) {
		mv_json_set(m, "choice", choice(tmdb));
		save(m);
	}
	id = mv_json_str(m, "id", "");
	cJSON_ArrayForEach(video, mv_movie_videos(m))
		pending_add(mv_json_str(video, "path", ""), id);
	mv_crash_point("created");
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "path", rel);
	cJSON_AddStringToObject(d, "title", mv_json_str(m, "title", ""));
	cJSON_AddItemToObject(d, "year", cJSON_Duplicate(cJSON_GetObjectItem(m, "year"), 1));
	emit("mv.movie.created", id, d);
	o = advance(m);
	cJSON_Delete(m);
	return o;
}

static enum outcome
on_file_added(const cJSON *ev, unsigned long lineno)
{
	const cJSON *data = mv_event_data(ev);
	const char *path = mv_json_str(data, "path", NULL), *id;
	const char *base, *root;
	const cJSON *imp = cJSON_GetObjectItemCaseSensitive(data, "importedFrom");
	long long tmdb = mv_json_int(data, "tmdb", 0);
	struct stat st;
	cJSON *m;
	char *rel, ident[MV_FILE_IDENT_MAX];
	enum outcome o;
	int queued;
	enum mv_media kind;

	if (!path || !*path) {
		mv_warnx("stdin:%lu: mv.file.added without data.path", lineno);
		return OUT_DONE;
	}
	/* Under a library root a video stays where it is, and its
	 * absolute path is what the profile keeps. */
	rel = abs_path(path);
	if (!(root = mv_root_of(rel)) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(imp, "inPlace"))) {
		mv_warnx("unable to import %s in place: it is under no library root", rel);
		free(rel);
		return OUT_DONE;
	}
	if (!root) {
		free(rel);
		rel = rel_path(path);
	}
	base = base_name(rel);
	queued = strncmp(rel, "quarantine/", 11) == 0;
	/* Our own places and our own partial files are never new videos;
	 * a video in quarantine/ comes back only with a user's choice. */
	if (strncmp(rel, "assets/", 7) == 0 || (queued && tmdb <= 0) ||
	    base[0] == '.' || lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(rel);
		return OUT_DONE;
	}
	/* A download a copy or hardlink import left in place, reported
	 * again by a rescan: in the library already, nothing to say. */
	if (!queued && kept_find(mv_file_ident(&st, ident))) {
		free(rel);
		return OUT_DONE;
	}
	if (queued && (m = queued_movie(path, rel))) {
		free(rel);
		o = resolve(m, tmdb);
		cJSON_Delete(m);
		return o;
	}
	/* Only a film is filed as a movie: a subtitle, a sample or an
	 * extra would become a movie of its own (one rule: mv_media_kind). */
	if ((kind = media_kind(rel)) != MV_MEDIA_VIDEO) {
		mv_warnx("unable to file %s: not a video (%s); it stays where it is",
		    rel, mv_media_name(kind));
		free(rel);
		return OUT_DONE;
	}
	if ((id = pending_find(rel))) {
		free(rel);
		return rescanned(id, tmdb);
	}
	o = create_movie(path, rel, &st, data, root, tmdb);
	free(rel);
	return o;
}

static enum outcome
on_requested(const cJSON *ev, unsigned long lineno)
{
	const cJSON *data = mv_event_data(ev);
	const char *id = mv_json_str(data, "id", mv_event_subject(ev));
	const char *lv = mv_json_str(data, "level", NULL), *why;
	enum mv_level cur, target, want = MV_LEVEL_BAD;
	cJSON *m, *d;
	uint64_t t0;
	int r;

	if (!id || !mv_id_valid(id, 'm')) {
		mv_warnx("stdin:%lu: mv.movie.requested without a movie id", lineno);
		return OUT_DONE;
	}
	if (lv && (want = mv_level_parse(lv)) == MV_LEVEL_BAD) {
		mv_warnx("stdin:%lu: mv.movie.requested with an unknown level: %s", lineno, lv);
		return OUT_DONE;
	}
	if (!(m = mv_movie_load(id, &why))) {
		mv_warnx("unable to read movie %s: %s", id, why);
		return OUT_DONE;
	}
	if (mv_json_int(cJSON_GetObjectItemCaseSensitive(m, "externalIds"), "tmdb", 0) <= 0) {
		/* Not matched yet: opening it is as good a time as any to retry. */
		enum outcome o = is_pending(m) ? advance(m) : OUT_DONE;

		cJSON_Delete(m);
		return o;
	}
	cur = mv_profile_level(m);
	target = want != MV_LEVEL_BAD ? want : cur + 1;
	if (target > MV_DEEP)
		target = MV_DEEP;
	if (target <= cur) {
		/* Already there: a request for its own level still brings back
		 * the images that mvctl gc trimmed from the cache. */
		enum outcome o = OUT_DONE;
		int fetched;

		if (lv && (r = mv_movie_refetch_images(m, &fetched)) != 0)
			o = tmdb_failure(m, r);
		cJSON_Delete(m);
		return o;
	}
	t0 = mv_mono_ns();
	r = mv_movie_enrich(m, target);
	if (mv_profile_level(m) > cur) {
		/* Save what was reached, even when a later level failed. */
		save(m);
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddStringToObject(d, "level", mv_level_name(mv_profile_level(m)));
		cJSON_AddStringToObject(d, "from", mv_level_name(cur));
		/* What the request cost, TMDB and images included (mvstat's
		 * mv_enrich_duration_seconds). */
		cJSON_AddNumberToObject(d, "durationMs",
		    (double)((mv_mono_ns() - t0) / 1000000));
		emit("mv.movie.enriched", id, d);
	}
	if (r != 0) {
		enum outcome o = tmdb_failure(m, r);

		cJSON_Delete(m);
		return o;
	}
	cJSON_Delete(m);
	return OUT_DONE;
}

/* One mv.file.added or mv.movie.requested, passed through already; ours
 * follow it. Returns 0, or the exit code of a fatal failure. */
static int
on_event(void *ctx, struct mv_stage_event *e)
{
	const cJSON *ev;
	const char *why;
	int lock;

	(void)ctx;
	if (!(ev = mv_stage_tree(e, &why)))
		/* Cannot happen: the peek is the stricter test. */
		mv_diex(MV_EX_SOFTWARE, "unable to parse stdin:%lu: %s",
		    e->lineno, why);
	/* Profiles change only under the library lock, which
	 * mvdowngrade takes too: otherwise a downgrade and an
	 * enrichment of one movie could each save over the other. */
	if ((lock = mv_lock("library", 1)) < 0)
		mv_die(mv_exit_for_errno(errno), "lock run/library.lock");
	if (strcmp(e->type, "mv.file.added") == 0)
		on_file_added(ev, e->lineno);
	else
		on_requested(ev, e->lineno);
	close(lock);
	mv_out_flush();
	return fatal_code;
}

/* Work through every pending movie once (--retry). */
static void
retry_all(void)
{
	/* advance() drops entries as it finishes them: work on a copy. */
	size_t n = npending;
	char **ids = mv_xcalloc(n ? n : 1, sizeof *ids);
	const char *why;

	for (size_t i = 0; i < n; i++)
		ids[i] = mv_xstrdup(pending[i].id);
	for (size_t i = 0; i < n && !fatal_code; i++) {
		cJSON *m = mv_movie_load(ids[i], &why);
		char *src;

		if (!m)
			continue;
		src = open_path(mv_json_str(unfiled(m), "path", ""));
		if (is_pending(m) && access(src, F_OK) == 0)
			advance(m);
		free(src);
		cJSON_Delete(m);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
main(int argc, char **argv)
{
	enum { O_RETRY = 256 };
	static const struct option longopts[] = {
		{ "retry", no_argument, NULL, O_RETRY },
		MV_OPT_LONG,
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL;
	const struct mv_stage stage = {
		.types = "mv.file.added,mv.movie.requested",
		/* TERSE: mvenrich's reports as they always were; KILL_BUSY: a
		 * filing or a TMDB wait is not worth a slow stop. */
		.flags = MV_STAGE_TERSE | MV_STAGE_KILL_BUSY,
		.on_event = on_event,
	};
	int c, retry = 0, code;

	mv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_RETRY:
			retry = 1;
			break;
		default:
			mv_opt_common(c, USAGE, &data);
		}
	}
	if (optind < argc) {
		mv_warnx("unexpected argument: %s", argv[optind]);
		mv_usage_die(USAGE);
	}

	if ((code = mv_data_open(data, 1)) != 0)
		return mv_finish(code);
	mv_movie_notify = notify;
	/* Finish what a crash left half done before anything new. */
	if (mv_file_recover(recovered, NULL) < 0)
		mv_die(mv_exit_for_errno(errno), "recover the filings in run/filing");
	pending_scan();

	if (retry) {
		int lock = mv_lock("library", 1);

		if (lock < 0)
			mv_die(mv_exit_for_errno(errno), "lock run/library.lock");
		retry_all();
		close(lock);
		code = fatal_code ? fatal_code : waiting ? MV_EX_TEMPFAIL : MV_EX_OK;
		return mv_finish(code);
	}

	/* Resume what a killed predecessor left pending before anything new;
	 * its events go downstream like any others. */
	if (npending > 0) {
		int lock = mv_lock("library", 1);

		if (lock < 0)
			mv_die(mv_exit_for_errno(errno), "lock run/library.lock");
		retry_all();
		close(lock);
		mv_out_flush();
		if (fatal_code)
			return mv_finish(fatal_code);
	}
	code = mv_stage_run(&stage);
	for (size_t i = 0; i < npending; i++) {
		free(pending[i].path);
		free(pending[i].id);
	}
	free(pending);
	mv_list_free(kept, nkept);
	return mv_finish(code);
}
