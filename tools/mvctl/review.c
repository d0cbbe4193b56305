/* review.c: mvctl review: the quarantine queue, resolutions and --reject. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/*
 * A review entry is a video in quarantine/ with a .why.json beside it
 * that names its movie. It leaves the queue when a choice files it
 * (mvctl add FILE --tmdb N, through mvenrich) or when it is rejected:
 * moved to quarantine/rejected/, never deleted, its movie kept.
 */
#define REVIEW_WAIT_MS 30000   /* how long add waits for a running pipeline */

/* s quoted for sh: '...' with each ' as '\''. malloc'd. */
static char *
sh_quote(const char *s)
{
	struct mv_buf b = {0};

	mv_buf_adds(&b, "'");
	for (; *s; s++)
		if (*s == '\'')
			mv_buf_adds(&b, "'\\''");
		else
			mv_buf_add(&b, s, 1);
	mv_buf_adds(&b, "'");
	return b.buf;
}

/* The data directory, absolute (not resolved through symlinks, so that
 * it is spelled as the tools we run spell it). malloc'd. */
static char *
data_abs(void)
{
	char cwd[PATH_MAX];

	if (mv_data[0] == '/' || !getcwd(cwd, sizeof cwd))
		return mv_xstrdup(mv_data);
	return mv_xasprintf("%s/%s", cwd, mv_data);
}

/*
 * "mvctl", plus --data when this run found its library through --data or
 * --config: a command we print must reach the same library when it is
 * run as printed, from any directory. malloc'd.
 */
static char *
ctl_cmd(void)
{
	char *d, *q, *s;

	if (!ctl_opt_data && !ctl_opt_config)
		return mv_xstrdup("mvctl");
	d = data_abs();
	q = sh_quote(d);
	s = mv_xasprintf("mvctl --data %s", q);
	free(d);
	free(q);
	return s;
}

/*
 * A FILE argument: from the current directory, else (when relative) from
 * the data directory, which is how review prints its paths. Returns the
 * malloc'd absolute path, spelled under data_abs() when it lies in the
 * library, and in *rel (malloc'd, may be NULL) its data-relative form
 * then; NULL after "unable to <verb> FILE: ...".
 */
char *
ctl_user_file(const char *verb, const char *tok, char **rel)
{
	char *real = realpath(tok, NULL), *p, *rd, *ad;
	int e = errno;
	size_t n;

	*rel = NULL;
	if (!real && e == ENOENT && tok[0] != '/') {
		p = mv_path("%s", tok);
		real = realpath(p, NULL);
		free(p);
	}
	if (!real) {
		errno = e;
		mv_warn("%s %s", verb, tok);
		return NULL;
	}
	if ((rd = realpath(mv_data, NULL)) && (n = strlen(rd)) &&
	    strncmp(real, rd, n) == 0 && real[n] == '/') {
		ad = data_abs();
		*rel = mv_xstrdup(real + n + 1);
		p = mv_xasprintf("%s/%s", ad, *rel);
		free(real);
		free(ad);
		real = p;
	}
	free(rd);
	return real;
}

/* 1 if rel (data-relative) is a video in the queue or set aside. */
int
ctl_in_quarantine(const char *rel)
{
	return rel && strncmp(rel, "quarantine/", 11) == 0 &&
	    !(strlen(rel) > 9 && !strcmp(rel + strlen(rel) - 9, ".why.json"));
}

/* The movie a quarantined video (rel) belongs to: the id its .why.json
 * names, if that movie's video is there. malloc'd, or NULL. */
char *
ctl_queue_movie(const char *rel, cJSON **movie)
{
	char *wrel = mv_xasprintf("%s.why.json", rel), *id = NULL;
	cJSON *w = ctl_load_rel(wrel, 0), *m = NULL;
	const char *mid = mv_json_str(w, "movie", NULL);

	if (mid && mv_id_valid(mid, 'm')) {
		char *mrel = mv_xasprintf("Movies/%s.json", mid);

		m = ctl_load_rel(mrel, 1);
		free(mrel);
		if (m && !strcmp(mv_json_str(mv_movie_video(m),
		    "path", ""), rel))
			id = mv_xstrdup(mid);
	}
	if (movie && id)
		*movie = m;
	else
		cJSON_Delete(m);
	cJSON_Delete(w);
	free(wrel);
	return id;
}

/* "Title (Year)" of a profile or a TMDB reply into buf. */
static const char *
title_year(const cJSON *o, char *buf, size_t len)
{
	long long y = mv_json_int(o, "year", 0);

	if (!y)
		y = atoi(mv_json_str(o, "release_date", "0"));
	if (y)
		snprintf(buf, len, "%s (%lld)", mv_json_str(o, "title", "?"), y);
	else
		snprintf(buf, len, "%s", mv_json_str(o, "title", "?"));
	return buf;
}

/* The second line of every refusal: the entry stays, and how to set it
 * aside. */
static void
stays_in_review(const char *rel)
{
	char *cmd = ctl_cmd(), *q = sh_quote(rel);

	mv_warnx("%s stays in review; to set it aside: %s review --reject %s",
	    rel, cmd, q);
	free(cmd);
	free(q);
}

/* The movie (other than id) that owns tmdb:N, or NULL: a claim left by a
 * deleted movie does not count. malloc'd. */
static char *
tmdb_owner(long long tmdb, const char *id)
{
	char val[32], *owner, *p;

	snprintf(val, sizeof val, "%lld", tmdb);
	if (!(owner = mv_claim_owner('m', "tmdb", val)))
		return NULL;
	p = mv_path("Movies/%s.json", owner);
	if ((id && !strcmp(owner, id)) || access(p, F_OK) < 0) {
		free(owner);
		owner = NULL;
	}
	free(p);
	return owner;
}

/*
 * Before a choice for a queued video (rel) goes to mvenrich, say at once
 * what would make it fail: another movie has the film, or TMDB does not
 * know it. Returns 0, or an exit code after saying why and what to do:
 * 65 for a duplicate, the TMDB client's code otherwise (1: no such movie).
 */
int
ctl_review_precheck(const char *rel, const char *movie, long long tmdb)
{
	char *owner = tmdb_owner(tmdb, movie), tb[512];
	cJSON *tm = NULL;
	int code;

	if (owner) {
		char *mrel = mv_xasprintf("Movies/%s.json", owner);
		cJSON *o = ctl_load_rel(mrel, 1);
		const char *vp = mv_json_str(mv_movie_video(o),
		    "path", NULL);

		if (vp)
			mv_warnx("duplicate of %s: %s, tmdb:%lld, is already filed as %s",
			    owner, title_year(o, tb, sizeof tb), tmdb, vp);
		else
			mv_warnx("duplicate of %s: %s, tmdb:%lld, is already in the "
			    "library (without a video)", owner, title_year(o, tb, sizeof tb), tmdb);
		stays_in_review(rel);
		cJSON_Delete(o);
		free(mrel);
		free(owner);
		return MV_EX_DATAERR;
	}
	if ((code = mv_tmdb_movie(tmdb, MV_BASIC, NULL, &tm)) != 0) {
		if (code == MV_EX_NOTFOUND)
			mv_warnx("TMDB has no movie %lld", tmdb);
		stays_in_review(rel);
		return code;
	}
	cJSON_Delete(tm);
	return MV_EX_OK;
}

/* The text of Movies/<id>.json, malloc'd ("" if unreadable): whether
 * mvenrich has saved it since. Not its inode: a save may reuse the
 * number the save before it freed. */
char *
ctl_profile_text(const char *id)
{
	char *p = mv_path("Movies/%s.json", id), *text = NULL;
	size_t len;

	if (mv_slurp(p, 64 << 20, &text, &len) < 0)
		text = mv_xstrdup("");
	free(p);
	return text;
}

/* 1 once mvenrich has finished with a choice for id: its profile was
 * saved since (other than before) and says filed or in review. */
static int
choice_settled(const char *id, const char *before)
{
	char *text = ctl_profile_text(id);
	cJSON *m = strcmp(text, before) ? cJSON_Parse(text) : NULL;
	const char *st = mv_json_str(m, "status", "");
	int done = !strcmp(st, "ready") || !strcmp(st, "needs-review");

	cJSON_Delete(m);
	free(text);
	return done;
}

/*
 * After a choice for the queued video rel (movie id, whose profile read
 * before) was delivered with result code: wait for a running
 * pipeline to act on it, then say what became of it. Returns 0 when it
 * was filed, else an exit code after saying why (65 duplicate, 1 no such
 * movie, 75 not done yet: run the command again).
 */
int
ctl_review_outcome(const char *rel, const char *id, const char *before, int code)
{
	const cJSON *v;
	cJSON *m;
	char *mrel, tb[512];
	const char *st, *reason;
	int waited = 0;

	while (!choice_settled(id, before) && waited < REVIEW_WAIT_MS &&
	    mv_pipeline_running()) {
		poll(NULL, 0, 100);
		waited += 100;
	}
	mrel = mv_xasprintf("Movies/%s.json", id);
	m = ctl_load_rel(mrel, 1);
	free(mrel);
	v = mv_movie_video(m);
	st = mv_json_str(m, "status", "");
	reason = mv_json_str(cJSON_GetObjectItemCaseSensitive(m, "review"), "reason", "");
	if (!strcmp(st, "ready") && !ctl_in_quarantine(mv_json_str(v, "path", NULL))) {
		if (!ctl_want_json())
			printf("filed %s: %s, tmdb:%lld, as %s\n", id, title_year(m, tb, sizeof tb),
			    mv_json_int(cJSON_GetObjectItemCaseSensitive(m, "externalIds"), "tmdb", 0),
			    mv_json_str(v, "path", "?"));
		code = MV_EX_OK;
	} else if (!strcmp(st, "needs-review") && choice_settled(id, before)) {
		mv_warnx("unable to file %s: %s", rel, reason);
		stays_in_review(rel);
		code = !strncmp(reason, "duplicate of ", 13) ? MV_EX_DATAERR : MV_EX_NOTFOUND;
	} else {
		mv_warnx("%s is not filed yet (%s is %s): run the same command again later",
		    rel, id, *st ? st : "unreadable");
		code = code ? code : MV_EX_TEMPFAIL;
	}
	cJSON_Delete(m);
	return code;
}

/* A free name for base in dir (absolute): base, "stem (2).ext"... malloc'd
 * absolute path, or NULL (EEXIST) when none is free. */
static char *
free_name(const char *dir, const char *base)
{
	const char *dot = strrchr(base, '.');
	int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);

	for (int i = 1; i < 1000; i++) {
		char *p = i == 1 ? mv_xasprintf("%s/%s", dir, base) :
		    mv_xasprintf("%s/%.*s (%d)%s", dir, stem, base, i, base + stem);

		if (access(p, F_OK) < 0 && errno == ENOENT)
			return p;
		free(p);
	}
	errno = EEXIST;
	return NULL;
}

/*
 * Move the queued video rel into quarantine/rejected/ under the library
 * lock. The .why.json records the target first (rejectedAs), so that a
 * run after a crash finishes the same move. Sets *to (malloc'd, data-
 * relative) and returns 0, or an exit code after a message.
 */
static int
reject_move(const char *rel, cJSON *w, char **to)
{
	char *src = mv_path("%s", rel), *wpath = mv_path("%s.why.json", rel), *dir;
	const char *plan = mv_json_str(w, "rejectedAs", NULL), *b = strrchr(rel, '/') + 1;
	char *dst = plan ? mv_path("%s", plan) : NULL;
	int code = MV_EX_OK;

	dir = mv_path("quarantine/rejected");
	if (access(src, F_OK) == 0) {
		if (!dst || access(dst, F_OK) == 0) {
			free(dst);
			if (mv_mkdir_p(dir, 0755) < 0 || !(dst = free_name(dir, b))) {
				dst = NULL;
				mv_warn("reject %s", rel);
				code = mv_exit_for_errno(errno);
				goto out;
			}
		}
		mv_json_set(w, "rejectedAs", cJSON_CreateString(dst + strlen(mv_data) + 1));
		if (mv_write_json(wpath, w) < 0 ||
		    renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) < 0 ||
		    mv_fsync_dir(dst) < 0 || mv_fsync_dir(src) < 0) {
			mv_warn("move %s to %s", rel, dst + strlen(mv_data) + 1);
			code = mv_exit_for_errno(errno);
			goto out;
		}
	} else if (!dst || access(dst, F_OK) < 0) {
		mv_warnx("unable to reject %s: the video is not there", rel);
		code = MV_EX_NOINPUT;
		goto out;
	}
	*to = mv_xstrdup(dst + strlen(mv_data) + 1);
out:
	free(src);
	free(wpath);
	free(dst);
	free(dir);
	return code;
}

/*
 * review --reject FILE: take a video out of the queue without deciding
 * what it is. The video moves to quarantine/rejected/ with its .why.json
 * (rejectedAt added); its movie stays needs-review, pointing there, so
 * that mvctl add can still file it. Returns an exit code.
 */
static int
review_reject(const char *tok)
{
	char *path, *rel = NULL, *to = NULL, *id, *wrel = NULL, *p, now[32];
	cJSON *w = NULL, *m = NULL, *evs, *d;
	int lock, code;

	if (!(path = ctl_user_file("reject", tok, &rel)))
		return MV_EX_NOINPUT;
	free(path);
	if (rel)
		wrel = mv_xasprintf("%s.why.json", rel);
	if (!ctl_in_quarantine(rel) || strchr(rel + 11, '/') || !(w = ctl_load_rel(wrel, 1))) {
		mv_warnx("unable to reject %s: not in the review queue (mvctl review lists it)", tok);
		free(rel);
		free(wrel);
		return MV_EX_NOTFOUND;
	}
	/* mvenrich files under this lock too: never both on one video. */
	if ((lock = mv_lock("library", 1)) < 0)
		mv_die(mv_exit_for_errno(errno), "lock run/library.lock");
	id = ctl_queue_movie(rel, &m);
	if ((code = reject_move(rel, w, &to)) == MV_EX_OK) {
		cJSON_DeleteItemFromObjectCaseSensitive(w, "rejectedAs");
		mv_json_set(w, "file", cJSON_CreateString(to));
		mv_json_set(w, "rejectedAt", cJSON_CreateString(mv_time_fmt(mv_now(), now)));
		p = mv_path("%s.why.json", to);
		if (mv_write_json(p, w) < 0)
			mv_die(mv_exit_for_errno(errno), "write %s.why.json", to);
		free(p);
		if (m) {
			mv_json_set(mv_movie_video(m), "path",
			    cJSON_CreateString(to));
			if (mv_movie_save(m) < 0)
				mv_die(mv_exit_for_errno(errno), "write movie %s", id);
		}
		/* Last: until now a crash left the entry to run this again. */
		p = mv_path("%s", wrel);
		if (unlink(p) < 0 && errno != ENOENT)
			mv_die(mv_exit_for_errno(errno), "remove %s", wrel);
		mv_fsync_dir(p);
		free(p);
	}
	close(lock);
	if (code == MV_EX_OK && !ctl_want_json())
		printf("rejected %s: set aside as %s%s%s%s\n", rel, to,
		    id ? "; " : "", id ? id : "", id ? " stays needs-review" : "");
	if (code == MV_EX_OK && id) {
		/* The index keeps each movie's video path: tell it. */
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddStringToObject(d, "path", to);
		p = mv_xasprintf("rejected by the user (%s)", mv_json_str(w, "reason", "needs review"));
		cJSON_AddStringToObject(d, "reason", p);
		free(p);
		cJSON_AddItemToObject(d, "candidates", cJSON_IsArray(cJSON_GetObjectItem(w, "candidates")) ?
		    cJSON_Duplicate(cJSON_GetObjectItem(w, "candidates"), 1) : cJSON_CreateArray());
		evs = cJSON_CreateArray();
		cJSON_AddItemToArray(evs, mv_event_new("mv.movie.needs-review", id, d));
		ctl_publish(evs);
	}
	cJSON_Delete(w);
	cJSON_Delete(m);
	free(id);
	free(to);
	free(rel);
	free(wrel);
	return code;
}

const char *
ctl_title_kind(const char *by)
{
	if (!strcmp(by, "original"))
		return "original title";
	if (!strcmp(by, "translation"))
		return "translated title";
	if (!strcmp(by, "alternative"))
		return "alternative title";
	return by;
}

/* Append to buf what the matcher found for candidate c, if it scored
 * it: "; matched "Seven" (alternative title), year exact, score 90". */
static void
evidence(const cJSON *c, char *buf, size_t len)
{
	size_t n = strlen(buf);

	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "score")) || n >= len)
		return;
	if (mv_json_str(c, "matchedTitle", NULL))
		snprintf(buf + n, len - n, "; matched \"%s\" (%s), year %s, score %lld",
		    mv_json_str(c, "matchedTitle", ""),
		    ctl_title_kind(mv_json_str(c, "matchedBy", "?")),
		    mv_json_str(c, "yearAgreement", "?"), mv_json_int(c, "score", 0));
	else
		snprintf(buf + n, len - n, "; no title agrees, year %s, score %lld",
		    mv_json_str(c, "yearAgreement", "?"), mv_json_int(c, "score", 0));
}

/* The commands that resolve one entry, each runnable as printed, with a
 * comment after "#" that says what it does. */
static void
put_resolutions(const char *file, const cJSON *w)
{
	const cJSON *c;
	cJSON *m = NULL;
	char *cmd = ctl_cmd(), *q = sh_quote(file), *id = ctl_queue_movie(file, &m), tb[512];
	struct mv_name nm;
	char *title;

	/* The title to search: the movie's, else what the name says. */
	mv_parse_name(file, &nm);
	title = sh_quote(mv_json_str(m, "title", nm.title ? nm.title : ""));
	mv_name_free(&nm);

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(w, "candidates")) {
		long long t = mv_json_int(c, "tmdb", 0);
		char *owner = t > 0 ? tmdb_owner(t, id) : NULL;

		if (t <= 0)
			continue;
		title_year(c, tb, sizeof tb);
		if (!owner)
			evidence(c, tb, sizeof tb);
		/* Filing it so would only say "duplicate": no command. */
		if (owner)
			printf("  # tmdb:%lld %s is %s already\n", t, tb, owner);
		else
			printf("  %s add %s --tmdb %-8lld # %s\n", cmd, q, t, tb);
		free(owner);
	}
	/* mvctl's --data prefix suits mvfetch too: the same option. */
	printf("  mvfetch%s search %s # another film: its TMDB id goes after --tmdb\n",
	    cmd + strlen("mvctl"), title);
	printf("  %s review --reject %s # none of these: set it aside\n", cmd, q);
	cJSON_Delete(m);
	free(title);
	free(cmd);
	free(q);
	free(id);
}

/* review: the quarantine queue, each item with the commands that
 * resolve it; --reject FILE takes one out. */
int
v_review(int argc, char **argv)
{
	static const struct option lo[] = {
		{"reject", required_argument, NULL, 'r'},
		COMMON_OPTS
	};
	const char *reject = NULL;
	size_t n;
	char **v;
	int c;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		if (c == 'r')
			reject = optarg;
		else
			ctl_common_opt(c);
	}
	if (optind < argc)
		ctl_usage_error("unexpected argument \"%s\"", argv[optind]);
	ctl_open_library();
	if (reject)
		return review_reject(reject);
	v = mv_dir_list("quarantine", ".why.json", &n);
	for (size_t i = 0; i < n; i++) {
		char *rel = mv_xasprintf("quarantine/%s", v[i]), *file;
		cJSON *w = ctl_load_rel(rel, 1);

		/* The quarantined file is the .why.json's name without it. */
		file = mv_xstrndup(rel, strlen(rel) - strlen(".why.json"));
		if (w && ctl_want_json()) {
			mv_json_set(w, "file", cJSON_CreateString(file));
			ctl_put_json(w);
		} else if (w) {
			printf("%s: %s\n", file, mv_json_str(w, "reason", "no reason given"));
			put_resolutions(file, w);
		}
		cJSON_Delete(w);
		free(file);
		free(rel);
	}
	if (!ctl_want_json() && isatty(1))
		printf("%zu item%s in review\n", n, n == 1 ? "" : "s");
	mv_list_free(v, n);
	return MV_EX_OK;
}
