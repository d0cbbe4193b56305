/* versions.c: a movie's videos: a film in parts, versions, duplicates, and their filing. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvenrich.h"

/* The lists of a video entry whose files are set aside with it: its
 * subtitles and its extras (sidecars.c files them). */
static const char *const aside_lists[] = {"subtitles", "extras"};
#define NASIDE (sizeof aside_lists / sizeof *aside_lists)

/* 1 when the video entry v stays where it lies, under a library root
 * (mvctl import --in-place): it is never moved, so never unfiled. */
static int
stays_in_place(const cJSON *v)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(v, "importedFrom"), "inPlace"));
}

/* 1 when the video entry v still lies at its source, not filed. */
int
at_source(const cJSON *v)
{
	const char *path = mv_json_str(v, "path", NULL), *src = mv_json_str(v, "source", NULL);

	return path && src && !strcmp(path, src) && strncmp(path, "assets/", 7);
}

/* 1 when the video entry v is yet to be moved: at its source, and not
 * kept in place under a library root (filed where it lies). */
static int
to_file(const cJSON *v)
{
	return at_source(v) && !stays_in_place(v);
}

/* 1 when m holds a video that is not kept in place: a film filed, or
 * filing, whose copies in place (joined, or joined by) are filed where
 * they lie; a movie all in place waits on its own match instead. */
static int
mixed(const cJSON *m)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, mv_movie_videos(m))
		if (!stays_in_place(v))
			return 1;
	return 0;
}


/* The first video of m that a filing of status st has yet to move: one
 * at its source; for a match (matched), also one in quarantine/ (a
 * choice a crash interrupted) or one whose copy it replaces is still
 * there (an upgrade). NULL if none. */
cJSON *
unfiled(const cJSON *m)
{
	const char *st = mv_json_str(m, "status", "");
	cJSON *v;

	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		const char *path = mv_json_str(v, "path", "");

		if (!strcmp(st, "matched") && (!strncmp(path, "quarantine/", 11) ||
		    cJSON_GetObjectItemCaseSensitive(v, "replaces")))
			return v;
		if (at_source(v) && !(stays_in_place(v) && mixed(m)))
			return v;
	}
	return NULL;
}


/* The video entry of m at path rel, or NULL. Borrowed. */
cJSON *
entry_at(const cJSON *m, const char *rel)
{
	cJSON *v;

	cJSON_ArrayForEach(v, mv_movie_videos(m))
		if (!strcmp(mv_json_str(v, "path", ""), rel))
			return v;
	return NULL;
}


/* Remove movie id's profile: a record whose videos joined another
 * movie (join), or the leftover of a join a crash cut short. */
void
drop_movie(const char *id)
{
	char *p = mv_path("Movies/%s.json", id);

	if (unlink(p) == 0)
		mv_fsync_dir(p);
	else if (errno != ENOENT)
		mv_die(mv_exit_for_errno(errno), "remove movie %s", id);
	free(p);
	pending_drop(id);
}


/*
 * A joined record that goes before a video of its holder is announced
 * (the index rereads the record on "merged", so it must be gone first)
 * waits in run/joined/ rather than being removed: a kill between the
 * two leaves it there, and the restart announces again (pending_scan).
 * Removing it outright left no trace that the event was owed.
 */
static char *
parked_path(const char *id)
{
	return mv_path("run/joined/%s.json", id);
}

static void
park_movie(const char *id)
{
	char *from = mv_path("Movies/%s.json", id), *to = parked_path(id);
	char *dir = mv_path("run/joined");

	if (mv_mkdir_p(dir, 0755) < 0)
		mv_die(mv_exit_for_errno(errno), "create run/joined");
	if (rename(from, to) == 0) {
		mv_fsync_dir(to);
		mv_fsync_dir(from);
	} else if (errno == EXDEV)
		drop_movie(id);    /* run/ elsewhere: no trace, as before */
	else if (errno != ENOENT)
		mv_die(mv_exit_for_errno(errno), "remove movie %s", id);
	free(from);
	free(to);
	free(dir);
	pending_drop(id);
}

void
unpark_movie(const char *id)
{
	char *p = parked_path(id);

	if (unlink(p) == 0)
		mv_fsync_dir(p);
	else if (errno != ENOENT)
		mv_warn("remove run/joined/%s.json", id);
	free(p);
}

/* Let the record id go, whose videos joined holder (a join, or its
 * leftover after a crash), and announce those of them that are filed or
 * in place (announce_joined). */
void
let_go(const char *id, const char *holder)
{
	park_movie(id);
	mv_crash_point("merged");
	announce_joined(id, holder);
	unpark_movie(id);
}


/* Collect the joinedFrom ids of m's videos in *ids (grown), each
 * followed by m's own id: pairs (joined, holder). */
void
joined_from(const cJSON *m, char ***ids, size_t *n)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		const char *id = mv_json_str(v, "joinedFrom", NULL);

		if (id && mv_id_valid(id, 'm')) {
			*ids = mv_xrealloc(*ids, (*n + 2) * sizeof **ids);
			(*ids)[(*n)++] = mv_xstrdup(id);
			(*ids)[(*n)++] = mv_xstrdup(mv_json_str(m, "id", ""));
		}
	}
}


/* Tell the index that the record id, which a crash left after its video
 * joined movie holder, is gone: announce holder's filed video that came
 * from it (mv.video.added with "merged"). A video not filed yet is
 * announced when it is. */
void
announce_joined(const char *id, const char *holder)
{
	const char *why;
	cJSON *m, *v;

	if (!(m = mv_movie_load(holder, &why)))
		return;
	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		const char *path = mv_json_str(v, "path", "");

		if (!strcmp(mv_json_str(v, "joinedFrom", ""), id) &&
		    (!strncmp(path, "assets/videos/", 14) || stays_in_place(v)))
			announce(m, v, path, 0);
	}
	cJSON_Delete(m);
}

/* 1 when m is a film in parts, or a part of one: each is shorter than
 * the film, as a sample is, and none is a sample. */
int
in_parts(const cJSON *m)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, mv_movie_videos(m))
		if (mv_json_int(v, "part", 0) > 0)
			return 1;
	return mv_json_int(cJSON_GetObjectItemCaseSensitive(m, "parsed"), "part", 0) > 0;
}


/* Where m's video v is filed, by the one rule (mv_name_path): its folder
 * (absolute) in *dir and its name in *name, both malloc'd. */
static void
video_place(const cJSON *m, const cJSON *v, char **dir, char **name)
{
	char *rel = mv_name_path(m, v, NULL);
	char *slash = strrchr(rel, '/');

	*slash = '\0';
	*dir = mv_path("%s", rel);
	*name = mv_xstrdup(slash + 1);
	free(rel);
}


/* How the video at srel (as stored) is filed: the import_mode setting,
 * but a video in quarantine/, or in run/add/ (mvctl add --copy's own
 * copy), is ours already and moves on: keeping it would strand it. */
static enum mv_import_mode
import_mode_for(const char *srel)
{
	if (strncmp(srel, "quarantine/", 11) == 0 || strncmp(srel, "run/", 4) == 0)
		return MV_IMPORT_MOVE;
	return mv_import_mode();
}


/* Write the .why.json beside final, m's video v in quarantine/: reason
 * (NULL: m's review reason) and candidates (m's review's); by, the path
 * of the copy that replaced v (NULL: none). */
void
write_why(const cJSON *m, const cJSON *v, const char *final, const char *reason,
    const char *by)
{
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(m, "review");
	cJSON *w = cJSON_CreateObject();
	char *path = why_path(final), *rel = rel_path(final), buf[32];

	cJSON_AddNumberToObject(w, "schemaVersion", 1);
	cJSON_AddStringToObject(w, "movie", mv_json_str(m, "id", ""));
	cJSON_AddStringToObject(w, "file", rel);
	cJSON_AddStringToObject(w, "source", mv_json_str(v, "source", ""));
	cJSON_AddStringToObject(w, "reason", reason ? reason :
	    mv_json_str(rv, "reason", "needs review"));
	cJSON_AddItemToObject(w, "candidates", !reason && cJSON_IsArray(
	    cJSON_GetObjectItem(rv, "candidates")) ?
	    cJSON_Duplicate(cJSON_GetObjectItem(rv, "candidates"), 1) : cJSON_CreateArray());
	cJSON_AddStringToObject(w, "at", reason ? mv_time_fmt(mv_now(), buf) :
	    mv_json_str(rv, "at", ""));
	/* What replaced it, as the profile names it: a recovery that finds
	 * the set-aside done reads it to announce that copy (recovered). */
	if (by)
		cJSON_AddStringToObject(w, "replacedBy", by);
	/* A copy set aside took its subtitles and extras along
	 * (set_aside_files): once its entry leaves the profile, this is
	 * where they are recorded. */
	for (size_t l = 0; l < NASIDE; l++)
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, aside_lists[l])) > 0)
			cJSON_AddItemToObject(w, aside_lists[l], cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(v, aside_lists[l]), 1));
	if (mv_write_json(path, w) < 0)
		mv_die(mv_exit_for_errno(errno), "write %s", path);
	cJSON_Delete(w);
	free(path);
	free(rel);
}


/* Announce where m's video v lies now (rel): mv.video.added for
 * assets/videos/ (with the record it joined from, gone now),
 * mv.movie.needs-review for quarantine/. */
void
announce(const cJSON *m, const cJSON *v, const char *rel, int quarantined)
{
	const char *id = mv_json_str(m, "id", "");
	const char *from = mv_json_str(v, "joinedFrom", NULL);
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "path", rel);
	if (quarantined) {
		const cJSON *rv = cJSON_GetObjectItemCaseSensitive(m, "review");

		cJSON_AddStringToObject(d, "reason", mv_json_str(rv, "reason", "needs review"));
		cJSON_AddItemToObject(d, "candidates", cJSON_IsArray(cJSON_GetObjectItem(rv, "candidates")) ?
		    cJSON_Duplicate(cJSON_GetObjectItem(rv, "candidates"), 1) : cJSON_CreateArray());
		emit("mv.movie.needs-review", id, d);
	} else {
		cJSON_AddNumberToObject(d, "tmdb", (double)mv_json_int(
		    cJSON_GetObjectItemCaseSensitive(m, "externalIds"), "tmdb", 0));
		cJSON_AddStringToObject(d, "title", mv_json_str(m, "title", ""));
		cJSON_AddItemToObject(d, "year", cJSON_Duplicate(cJSON_GetObjectItem(m, "year"), 1));
		if (mv_json_int(v, "part", 0) > 0)
			cJSON_AddNumberToObject(d, "part", (double)mv_json_int(v, "part", 0));
		/* The index drops the record the video came as. */
		if (from && strcmp(from, id))
			cJSON_AddStringToObject(d, "merged", from);
		emit("mv.video.added", id, d);
	}
}


/*
 * Record that m's video v now lies at final, drop the filing's journal,
 * then announce it. m's status says so once none of its videos is left
 * to file. Also the recovery's way of finishing a filing.
 */
void
filed(cJSON *m, cJSON *v, const char *final, int quarantined)
{
	const char *id = mv_json_str(m, "id", "");
	const char *from = mv_json_str(v, "joinedFrom", NULL);
	char *rel = rel_path(final), *src = open_path(mv_json_str(v, "path", ""));
	struct stat st;

	imported_from(v, id);
	mv_json_set(v, "path", cJSON_CreateString(rel));
	if (stat(final, &st) == 0)
		mv_json_set(v, "size", cJSON_CreateNumber((double)st.st_size));
	if (!unfiled(m) || quarantined)
		mv_json_set(m, "status", cJSON_CreateString(quarantined ?
		    "needs-review" : "ready"));
	save(m);
	mv_crash_point("saved");
	/* The record a joined video came as goes once the video is ours:
	 * before the journal, so that its replay finds it still to do. */
	if (from && strcmp(from, id)) {
		char *p = mv_path("Movies/%s.json", from);

		if (access(p, F_OK) == 0)
			drop_movie(from);
		free(p);
	}
	/* The queue entry goes after the profile and before the journal:
	 * a crash leaves the entry or the filed video, and the replay of
	 * the journal removes the entry. */
	if (quarantined)
		write_why(m, v, final, NULL, NULL);
	else
		drop_why(src);
	free(src);
	/* The event goes before the journal: a crash after it replays the
	 * filing, which announces it again (recovered finds it recorded),
	 * so it is never lost. A second one makes the index read the
	 * profile again, and mvstat count the filing twice: better than
	 * an index that never learns of it.
	 * An upgrade is announced once the old copy is set aside
	 * (replace_old): the index then reads the profile as it ends. */
	if (quarantined || !cJSON_GetObjectItemCaseSensitive(v, "replaces"))
		announce(m, v, rel, quarantined);
	mv_file_commit(id);
	if (!is_pending(m))
		pending_drop(id);
	free(rel);
}


/* Record that e, the copy m's video v replaces, lies at final now
 * (NULL: gone), with a .why.json beside it: e leaves m's videos. */
void
replaced(cJSON *m, cJSON *v, cJSON *e, const char *final)
{
	char *why;

	if (final && e) {
		why = mv_xasprintf("replaced by %s (%s, of a higher quality)",
		    mv_json_str(v, "path", ""), mv_json_str(v, "quality", "?"));
		write_why(m, e, final, why, mv_json_str(v, "path", ""));
		free(why);
	}
	if (e)
		cJSON_Delete(cJSON_DetachItemViaPointer(mv_movie_videos(m), e));
	cJSON_DeleteItemFromObjectCaseSensitive(v, "replaces");
	if (!unfiled(m))
		mv_json_set(m, "status", cJSON_CreateString("ready"));
	save(m);
	mv_crash_point("replaced");
}


/*
 * What follows the stem in the set-aside name of the file at path (as
 * stored) of list l of the video at old: for a subtitle, what follows
 * the video's stem in its name (".en.srt"; a name that does not start
 * with it is kept whole after a '.', so that it still pairs with the
 * video by Jellyfin's rule); for an extra, its place under the video's
 * folder after a '/' ("/Featurettes/Making of.mkv"; one elsewhere, its
 * own name): a folder named as the video holds them, so that the extras
 * of two copies set aside never mix. malloc'd.
 */
static char *
aside_suffix(const char *old, size_t l, const char *path)
{
	const char *vb = base_name(old), *sb = base_name(path), *dot = strrchr(vb, '.');
	size_t n = dot && dot != vb ? (size_t)(dot - vb) : strlen(vb);

	if (l == 1) {
		n = (size_t)(vb - old);
		if (n > 0 && !strncmp(path, old, n) && path[n])
			return mv_xasprintf("/%s", path + n);
		return mv_xasprintf("/%s", sb);
	}
	if (!strncmp(sb, vb, n) && sb[n] == '.')
		return mv_xstrdup(sb + n);
	return mv_xasprintf(".%s", sb);
}


/* 1 when a video of m other than e is at path or lists it: a file both
 * copies claim is the better one's too, and stays. */
static int
shared(const cJSON *m, const cJSON *e, const char *path)
{
	const cJSON *v, *s;

	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		if (v == e)
			continue;
		if (!strcmp(mv_json_str(v, "path", ""), path))
			return 1;
		for (size_t l = 0; l < NASIDE; l++)
			cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(v, aside_lists[l]))
				if (!strcmp(mv_json_str(s, "path", ""), path))
					return 1;
	}
	return 0;
}


/* 1 when the file at path, of e's list, moves with e: not set aside
 * already, nor another copy's too. */
static int
to_set_aside(const cJSON *m, const cJSON *e, const char *path)
{
	return strncmp(path, "quarantine/replaced/", 20) && !shared(m, e, path);
}


/* 1 when stem followed by suffix names nothing in quarantine/replaced/
 * but, maybe, a subtitle or an extra of e moved there already. */
static int
free_for(const cJSON *e, const char *stem, const char *suffix)
{
	char *rel = mv_xasprintf("quarantine/replaced/%s%s", stem, suffix);
	char *p = mv_path("%s", rel);
	const cJSON *s;
	struct stat st;
	int r = lstat(p, &st) < 0 && errno == ENOENT;

	for (size_t l = 0; l < NASIDE; l++)
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(e, aside_lists[l]))
			if (!strcmp(mv_json_str(s, "path", ""), rel))
				r = 1;
	free(p);
	free(rel);
	return r;
}


/*
 * The stem (name without its extension ext) that e, m's copy at old set
 * aside as name, takes in quarantine/replaced/: name's own, else with
 * " (2)", " (3)"... as mv_file_move would pick for the video alone, but
 * the first under which the video and every subtitle and extra of e
 * still to set aside are free, so that each pairs with its video. e's
 * files moved already count as free: a retry after a kill between two
 * of them picks the same stem. malloc'd.
 */
static char *
set_aside_stem(const cJSON *m, const cJSON *e, const char *old, const char *name,
    const char *ext)
{
	const cJSON *s;
	char *base = mv_xasprintf("%.*s", (int)(ext - name), name), *stem, *suffix;
	int ok;

	for (int k = 1; k <= 999; k++) {
		stem = k == 1 ? mv_xstrdup(base) : mv_xasprintf("%s (%d)", base, k);
		ok = free_for(e, stem, ext);
		for (size_t l = 0; l < NASIDE; l++)
			cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(e, aside_lists[l])) {
				const char *path = mv_json_str(s, "path", "");

				if (!ok || !to_set_aside(m, e, path))
					continue;
				suffix = aside_suffix(old, l, path);
				ok = free_for(e, stem, suffix);
				free(suffix);
			}
		if (ok) {
			free(base);
			return stem;
		}
		free(stem);
	}
	/* All taken: mv_file_move numbers each file on its own. */
	return base;
}


/* Remove the extras folder (assets/videos/<film>/<Extras>) that held
 * srel if it is empty now: the better copy may have none. */
static void
drop_extras_dir(const char *srel)
{
	const char *f = strncmp(srel, "assets/videos/", 14) ? NULL : strchr(srel + 14, '/');
	const char *slash = strrchr(srel, '/');
	char *dir;

	if (!f || f == slash)
		return;
	dir = mv_path("%.*s", (int)(slash - srel), srel);
	if (rmdir(dir) == 0)
		mv_fsync_dir(dir);
	free(dir);
}


/* The extras folder that the extra at path (set aside already, under
 * quarantine/replaced/<stem>/) left in old's folder, removed if empty:
 * a kill between its move and that rmdir left it, and the rerun, which
 * finds the extra moved, is the one left to do it. */
static void
drop_left_dir(const char *old, const char *stem, const char *path)
{
	size_t n = strlen(stem);
	const char *rest = path + 20, *vb = base_name(old);
	char *orig;

	if (strncmp(rest, stem, n) || rest[n] != '/')
		return;
	orig = mv_xasprintf("%.*s%s", (int)(vb - old), old, rest + n + 1);
	drop_extras_dir(orig);
	free(orig);
}


/*
 * Move the file of s, an entry of list l of e (the copy at old that m
 * sets aside), to quarantine/replaced/ under stem, with mv_file_move and
 * its journal: its new path recorded in s (m saved) before the journal
 * goes, as a download's sidecar is filed (sidecars.c). Returns 0 when
 * moved, 1 when gone already (said), -1 when it could not (said).
 */
static int
set_aside_one(cJSON *m, const char *old, size_t l, cJSON *s, const char *stem)
{
	const char *id = mv_json_str(m, "id", "");
	char *path = mv_xstrdup(mv_json_str(s, "path", "")), *suffix = aside_suffix(old, l, path);
	char *rel = mv_xasprintf("quarantine/replaced/%s%s", stem, suffix);
	char *slash = strrchr(rel, '/'), *dir, *src = open_path(path), *final = NULL;
	int r = 0;

	*slash = '\0';
	dir = mv_path("%s", rel);
	if (mv_file_move(id, src, dir, slash + 1, &final) == 0) {
		free(rel);
		rel = rel_path(final);
		mv_json_set(s, "path", cJSON_CreateString(rel));
		save(m);
		mv_crash_point("sidecar-saved");
		mv_file_commit(id);
		mv_crash_point("aside-committed");
		drop_extras_dir(path);
	} else if (errno == ENOENT) {
		mv_warnx("%s: %s, %s of %s, is gone already", id, path,
		    l == 1 ? "an extra" : "a subtitle", old);
		r = 1;
	} else {
		mv_warn("set aside %s", path);
		r = -1;
	}
	free(final);
	free(src);
	free(dir);
	free(rel);
	free(suffix);
	free(path);
	return r;
}


/*
 * Move the subtitles and extras of e, the copy at old that m sets
 * aside, from the library to quarantine/replaced/ under stem
 * (set_aside_stem), before e itself, one at a time (set_aside_one): a
 * kill -9 at any step leaves each recorded where it lies, or the
 * recovery records it (set_aside_recovered). One gone already leaves
 * e's list; one another copy lists too stays, and leaves e's list (m
 * saved) so that the .why.json does not claim it. Returns 0, or -1
 * when one could not move (said; it stays).
 */
static int
set_aside_files(cJSON *m, cJSON *e, const char *old, const char *stem)
{
	cJSON *list, *s, *next;
	int r = 0, k;

	for (size_t l = 0; l < NASIDE && !r; l++) {
		list = cJSON_GetObjectItemCaseSensitive(e, aside_lists[l]);
		for (s = cJSON_IsArray(list) ? list->child : NULL; s && !r; s = next) {
			const char *path = mv_json_str(s, "path", "");

			next = s->next;
			if (!strncmp(path, "quarantine/replaced/", 20)) {
				if (l == 1)
					drop_left_dir(old, stem, path);
				continue;
			}
			if (shared(m, e, path)) {
				cJSON_Delete(cJSON_DetachItemViaPointer(list, s));
				save(m);
				continue;
			}
			if ((k = set_aside_one(m, old, l, s, stem)) > 0)
				cJSON_Delete(cJSON_DetachItemViaPointer(list, s));
			r = k < 0 ? -1 : 0;
		}
	}
	return r;
}


/*
 * A subtitle's or an extra's move to quarantine/replaced/
 * (set_aside_one) that mv_file_recover finished (final, src absolute):
 * record its new path in the entry of m that lists src (m saved).
 * Returns 1 when it was one (recorded now, or already), else 0.
 */
int
set_aside_recovered(cJSON *m, const char *final, const char *src)
{
	char *rel = rel_path(final), *srel = rel_path(src);
	cJSON *v, *s;
	int r = 0;

	if (strncmp(rel, "quarantine/replaced/", 20))
		goto out;
	cJSON_ArrayForEach(v, mv_movie_videos(m))
		for (size_t l = 0; l < NASIDE; l++)
			cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(v, aside_lists[l])) {
				const char *path = mv_json_str(s, "path", "");

				if (!r && !strcmp(path, srel)) {
					mv_json_set(s, "path", cJSON_CreateString(rel));
					save(m);
					drop_extras_dir(srel);
					r = 1;
				} else if (!strcmp(path, rel))
					r = 1;
			}
out:
	free(rel);
	free(srel);
	return r;
}


/* The set-aside of a copy to final was recorded (replaced) and its
 * journal left: announce the copy that replaced it, which its .why.json
 * names, as replace_old would have. Nothing if it names none. */
void
announce_replacer(const cJSON *m, const char *final)
{
	char *path = why_path(final);
	const char *why;
	cJSON *w = mv_json_load(path, 65536, &why);
	const cJSON *v = entry_at(m, mv_json_str(w, "replacedBy", ""));

	if (v)
		announce(m, v, mv_json_str(v, "path", ""), 0);
	cJSON_Delete(w);
	free(path);
}


/*
 * Set aside the copy that m's video v replaces (an upgrade; v is filed):
 * its subtitles and extras, then the old file, move to
 * quarantine/replaced/ under names that pair (the extras in a folder of
 * the video's name), with a .why.json that lists them, then its entry
 * leaves m. Never deleted. Returns an outcome.
 */
static enum outcome
replace_old(cJSON *m, cJSON *v)
{
	const char *id = mv_json_str(m, "id", "");
	const char *old = mv_json_str(v, "replaces", ""), *ext;
	cJSON *e = entry_at(m, old);
	char *src = open_path(old), *dir = mv_path("quarantine/replaced"), *final = NULL;
	char *name = mv_file_safe_name(base_name(old), NAME_MAX_BYTES), *stem, *vname;

	ext = strrchr(name, '.');
	if (!ext || ext == name)
		ext = name + strlen(name);
	stem = set_aside_stem(m, e, old, name, ext);
	vname = mv_xasprintf("%s%s", stem, ext);
	if (e && set_aside_files(m, e, old, stem) < 0)
		goto wait;
	if (!e || mv_file_move(id, src, dir, vname, &final) < 0) {
		if (e && errno != ENOENT) {
			mv_warn("set aside %s", old);
			goto wait;
		}
		/* Gone already: only the record is left to change. */
		if (e)
			mv_warnx("%s: %s, replaced by %s, is gone already", id, old,
			    mv_json_str(v, "path", ""));
	}
	replaced(m, v, e, final);
	/* The better copy's announcement, held back by filed(): after
	 * the last change to the profile, so the index is not left with
	 * the copy set aside; before the journal goes, so that a kill
	 * between the two makes the recovery announce it again (recovered)
	 * rather than nobody ever. */
	announce(m, v, mv_json_str(v, "path", ""), 0);
	if (final)
		mv_file_commit(id);
	free(final);
	free(src);
	free(dir);
	free(name);
	free(stem);
	free(vname);
	return OUT_DONE;
wait:
	waiting++;
	free(src);
	free(dir);
	free(name);
	free(stem);
	free(vname);
	return OUT_WAIT;
}


/* Move m's video v from its source into assets/videos/ or quarantine/. */
static enum outcome
file_one(cJSON *m, cJSON *v, int quarantine)
{
	const char *id = mv_json_str(m, "id", "");
	const char *srel = mv_json_str(v, "path", "");
	char *src = open_path(srel), *dir, *name, *final = NULL;
	enum outcome o = OUT_DONE;

	if (quarantine) {
		dir = mv_path("quarantine");
		name = mv_file_safe_name(base_name(srel), NAME_MAX_BYTES);
	} else {
		video_place(m, v, &dir, &name);
	}
	if (mv_file_import(id, src, dir, name, import_mode_for(srel), &final) < 0) {
		if (errno == ENOENT) {
			mv_warnx("%s: %s vanished before it could be filed", id, srel);
			pending_drop(id);
			o = OUT_WAIT;
		} else if (errno == ESTALE || errno == EAGAIN) {
			mv_warnx("%s: %s changed while being filed; it will be retried",
			    id, srel);
			waiting++;
			o = OUT_WAIT;
		} else {
			mv_warn("file %s", srel);
			waiting++;
			o = OUT_WAIT;
		}
	} else
		filed(m, v, final, quarantine);
	free(final);
	free(src);
	free(dir);
	free(name);
	return o;
}


/*
 * Move m's videos into assets/videos/ or quarantine/, one at a time,
 * each recorded before the next moves (parts in their order): a kill
 * leaves each where it was or filed and recorded, and a rerun files the
 * rest. Then set aside the copies an upgrade replaces.
 */
enum outcome
file_video(cJSON *m, int quarantine)
{
	enum outcome o = OUT_DONE;
	cJSON *v;
	int left = 1;

	if (quarantine) {
		/* A choice that failed: a video in the queue already only
		 * gets its .why.json anew. */
		cJSON_ArrayForEach(v, mv_movie_videos(m))
			if (!strncmp(mv_json_str(v, "path", ""), "quarantine/", 11)) {
				char *src = open_path(mv_json_str(v, "path", ""));

				filed(m, v, src, 1);
				free(src);
			}
	}
	while (o == OUT_DONE && left) {
		left = 0;
		cJSON_ArrayForEach(v, mv_movie_videos(m))
			if (to_file(v) || (!quarantine &&
			    !strncmp(mv_json_str(v, "path", ""), "quarantine/", 11))) {
				left = 1;
				o = file_one(m, v, quarantine);
				break;
			}
	}
	while (o == OUT_DONE && !quarantine) {
		cJSON *r = NULL;

		cJSON_ArrayForEach(v, mv_movie_videos(m))
			if (cJSON_GetObjectItemCaseSensitive(v, "replaces"))
				r = v;
		if (!r)
			break;
		o = replace_old(m, r);
	}
	return o;
}


/*
 * The end of a join: o, the movie filed, holds the videos of record id
 * now. Saved, matched when one of them is to file; id's record goes;
 * then the sidecars and the videos are filed. A video kept in place
 * under a library root is filed where it lies: o stays ready with it,
 * and it is announced once id's record is gone (pending_scan announces
 * it after a crash, announce_joined).
 */
static void
join_finish(cJSON *o, const char *id)
{
	const char *owner = mv_json_str(o, "id", "");
	cJSON *v;

	if (unfiled(o))
		mv_json_set(o, "status", cJSON_CreateString("matched"));
	save(o);
	mv_crash_point("joined");
	/* id's record goes and the videos in place that came from it are
	 * announced, as a restart does with a join's leftover; one to file
	 * is announced once filed, the record gone (filed). */
	let_go(id, owner);
	cJSON_ArrayForEach(v, mv_movie_videos(o))
		if (to_file(v))
			pending_add(mv_json_str(v, "path", ""), owner);
	/* Their downloads' subtitles and extras first, as for a first copy
	 * (advance): a restart finds owner pending and does the same. */
	if (sidecars_file(o))
		waiting++;
	else
		file_video(o, 0);
}


/*
 * m, a new record (initial), matched the film that movie owner holds.
 * Unless its videos are true duplicates (same edition, quality and
 * part) that the duplicates setting sends to review, they join owner's
 * videos as versions or parts: owner gets them (at their sources, each
 * with joinedFrom, status matched) and is saved, m's record goes, then
 * owner files their downloads' sidecars, then them. A kill at any
 * point: the restart finds owner pending and m's record a leftover
 * (pending_scan). Returns 1 if they joined (m is gone: do not save
 * it), else 0 with *reason (malloc'd).
 */
int
join(cJSON *m, const char *owner, char **reason)
{
	const char *why, *id = mv_json_str(m, "id", "");
	enum mv_duplicates mode = mv_duplicates();
	cJSON *o = mv_movie_load(owner, &why), *v, *twin = NULL, *nv;
	char *oldq = NULL, *newq = NULL;
	int better = 0;

	if (!o || strcmp(mv_json_str(o, "status", ""), "ready") ||
	    !mv_movie_video(o)) {
		/* Not filed itself: nothing to join yet. */
		*reason = mv_xasprintf("duplicate of %s", owner);
		cJSON_Delete(o);
		return 0;
	}
	/* Under upgrade, a copy of the same edition is a duplicate whatever
	 * its quality: the better one stays. */
	cJSON_ArrayForEach(v, mv_movie_videos(m))
		if (!twin)
			twin = mv_version_twin(o, v, mode == MV_DUPS_UPGRADE);
	if (twin && mode == MV_DUPS_UPGRADE) {
		oldq = mv_video_quality(twin);
		newq = mv_video_quality(mv_movie_video(m));
		better = cJSON_GetArraySize(mv_movie_videos(m)) == 1 &&
		    mv_json_int(twin, "part", 0) == 0 && mv_quality_rank(oldq) > 0 &&
		    mv_quality_rank(newq) > mv_quality_rank(oldq);
		/* A file under a library root kept in place is never moved
		 * nor set aside: a better copy on either side joins as a
		 * version, the lower one stays, for the user to remove. */
		if (better && (stays_in_place(twin) || stays_in_place(mv_movie_video(m))))
			better = -1;
	}
	if (twin && (mode == MV_DUPS_REVIEW || (mode == MV_DUPS_UPGRADE && !better))) {
		if (mode == MV_DUPS_UPGRADE)
			*reason = mv_xasprintf("duplicate of %s: not of a higher quality "
			    "(%s) than its copy (%s)", owner, newq ? newq : "unknown",
			    oldq ? oldq : "unknown");
		else
			*reason = mv_xasprintf("duplicate of %s", owner);
		free(oldq);
		free(newq);
		cJSON_Delete(o);
		return 0;
	}
	cJSON_ArrayForEach(v, mv_movie_videos(m)) {
		nv = cJSON_Duplicate(v, 1);
		mv_version_label(o, nv, twin != NULL);
		mv_json_set(nv, "joinedFrom", cJSON_CreateString(id));
		if (twin && better > 0)
			mv_json_set(nv, "replaces", cJSON_CreateString(
			    mv_json_str(twin, "path", "")));
		cJSON_AddItemToArray(mv_movie_videos(o), nv);
	}
	free(oldq);
	free(newq);
	join_finish(o, id);
	cJSON_Delete(o);
	return 1;
}


/*
 * A video entry for the file at rel (as stored; st its stat): its part
 * (0: none) and edition (NULL: none), imported from what imp (the
 * event's importedFrom, may be NULL) says; root is the library root
 * that holds it when it stays in place. Returns the tree.
 */
cJSON *
new_video(const char *rel, const struct stat *st, int part, const char *edition,
    const cJSON *imp, const char *root)
{
	cJSON *v = cJSON_CreateObject(), *from;
	char buf[32];

	cJSON_AddStringToObject(v, "path", rel);
	cJSON_AddNumberToObject(v, "size", (double)st->st_size);
	cJSON_AddStringToObject(v, "source", rel);
	cJSON_AddStringToObject(v, "addedAt", mv_time_fmt(mv_now(), buf));
	if (part > 0)
		cJSON_AddNumberToObject(v, "part", part);
	if (edition && *edition)
		cJSON_AddStringToObject(v, "edition", edition);
	if (!imp && !root)
		return v;
	from = cJSON_IsObject(imp) ? cJSON_Duplicate(imp, 1) : cJSON_CreateObject();
	/* The root is the configuration's, whatever the sender said. */
	if (root)
		mv_json_set(from, "root", cJSON_CreateString(root));
	mv_json_set(from, "inPlace", cJSON_CreateBool(root != NULL));
	cJSON_AddItemToObject(v, "importedFrom", from);
	return v;
}


/*
 * The videos of a film in parts (data.parts: every part, data.path
 * first, in order), numbered from 1 by their place: an array of
 * entries. rel and st are data.path's. A part that is not a file any
 * more is said and left out; its number stays its own.
 */
cJSON *
parts_of(const cJSON *data, const char *rel, const struct stat *st, const char *edition)
{
	const cJSON *p;
	cJSON *a = cJSON_CreateArray();
	struct stat ps;
	int i = 0;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(data, "parts")) {
		char *prel;

		i++;
		if (!cJSON_IsString(p) || !*p->valuestring)
			continue;
		prel = rel_path(p->valuestring);
		if (!strcmp(prel, rel))
			cJSON_AddItemToArray(a, new_video(rel, st, i, edition, NULL, NULL));
		else if (strncmp(prel, "incoming/", 9) || lstat(p->valuestring, &ps) < 0 ||
		    !S_ISREG(ps.st_mode))
			mv_warnx("unable to file part %d of %s, %s: not a file in incoming/",
			    i, rel, prel);
		else
			cJSON_AddItemToArray(a, new_video(prel, &ps, i, edition, NULL, NULL));
		free(prel);
	}
	if (!cJSON_GetArraySize(a))
		cJSON_AddItemToArray(a, new_video(rel, st, 0, edition, NULL, NULL));
	return a;
}

