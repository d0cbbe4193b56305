/* add.c: mvctl add: a movie, a person or a video file by a minimal token. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvctl.h"

/* An mv.file.added event for path (absolute), with an optional TMDB id
 * that wins over matching; NULL after a message if path is no file. */
cJSON *
ctl_file_event(const char *path, long long tmdb)
{
	struct stat st;
	cJSON *d;

	if (stat(path, &st) < 0) {
		mv_warn("add %s", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		mv_warnx("unable to add %s: not a regular file", path);
		return NULL;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "path", path);
	cJSON_AddNumberToObject(d, "size", (double)st.st_size);
	cJSON_AddNumberToObject(d, "dev", (double)st.st_dev);
	cJSON_AddNumberToObject(d, "ino", (double)st.st_ino);
	cJSON_AddNumberToObject(d, "mtime", (double)st.st_mtim.tv_sec +
	    st.st_mtim.tv_nsec / 1e9);
	if (tmdb)
		cJSON_AddNumberToObject(d, "tmdb", (double)tmdb);
	return mv_event_new("mv.file.added", path, d);
}

/* Copy src into run/add/ (not watched, same filesystem as the library),
 * fsync'd. Returns the malloc'd absolute path of the copy, or NULL. */
static char *
copy_in(const char *src)
{
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	char *dir = mv_path("run/add"), *dst, buf[1 << 16];
	int in, outfd;
	ssize_t r;

	mv_mkdir_p(dir, 0755);
	dst = mv_xasprintf("%s/%s", dir, base);
	free(dir);
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		mv_warn("read %s", src);
		free(dst);
		return NULL;
	}
	if ((outfd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		mv_warn("create %s", dst);
		goto fail;
	}
	while ((r = read(in, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || mv_write_all(outfd, buf, (size_t)r) < 0) {
			mv_warn("copy %s", src);
			close(outfd);
			unlink(dst);
			goto fail;
		}
	}
	if (fsync(outfd) < 0 || close(outfd) < 0) {
		mv_warn("copy %s", src);
		unlink(dst);
		goto fail;
	}
	close(in);
	return dst;
fail:
	close(in);
	free(dst);
	return NULL;
}

/* Print the candidates of a TMDB search reply: "tmdb:N  Title (Year)". */
static void
put_candidates(const cJSON *results)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, results)
		fprintf(stderr, "  tmdb:%-8lld %s (%.4s)\n", mv_json_int(r, "id", 0),
		    mv_json_str(r, "title", "?"), mv_json_str(r, "release_date", "????"));
}

/* Add the TMDB movie id: a minimal record, claimed, raised to basic
 * through lib/movie.c, then the events. Returns an exit code. */
static int
add_movie(long long tmdb)
{
	char val[32], *owner = NULL;
	const char *id;
	cJSON *tm = NULL, *doc, *evs, *d;
	int code;

	snprintf(val, sizeof val, "%lld", tmdb);
	if ((owner = mv_claim_owner('m', "tmdb", val))) {
		printf("tmdb:%s is already in the library as %s\n", val, owner);
		free(owner);
		return MV_EX_OK;
	}
	if ((code = mv_tmdb_movie(tmdb, MV_BASIC, NULL, &tm)) != 0)
		return code;
	doc = mv_movie_create(mv_json_str(tm, "title", "Untitled"),
	    atoi(mv_json_str(tm, "release_date", "0")), NULL, NULL);
	if (!doc)
		mv_die(mv_exit_for_errno(errno), "create a movie for tmdb:%s", val);
	id = mv_json_str(doc, "id", "?");
	if (mv_claim("tmdb", val, id, &owner) < 0) {
		char *p = mv_path("Movies/%s.json", id);

		/* Someone filed it meanwhile: ours goes, theirs stays. */
		unlink(p);
		free(p);
		if (owner) {
			printf("tmdb:%s is already in the library as %s\n", val, owner);
			free(owner);
			code = MV_EX_OK;
		} else {
			mv_warn("claim tmdb:%s", val);
			code = mv_exit_for_errno(errno);
		}
		cJSON_Delete(doc);
		cJSON_Delete(tm);
		return code;
	}
	mv_json_set(cJSON_GetObjectItemCaseSensitive(doc, "externalIds"), "tmdb",
	    cJSON_CreateNumber((double)tmdb));
	if ((code = mv_movie_apply(doc, tm, MV_BASIC)) == 0) {
		mv_json_set(doc, "status", cJSON_CreateString("ready"));
		if (mv_movie_save(doc) < 0)
			code = mv_exit_for_errno(errno);
	}
	evs = cJSON_CreateArray();
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	/* Added by id, not from a file: there is no path (the schema's null). */
	cJSON_AddNullToObject(d, "path");
	cJSON_AddStringToObject(d, "title", mv_json_str(doc, "title", "?"));
	cJSON_AddItemToObject(d, "year", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(doc, "year"), 1));
	cJSON_AddItemToArray(evs, mv_event_new("mv.movie.created", id, d));
	if (!code) {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddStringToObject(d, "level", "basic");
		cJSON_AddStringToObject(d, "from", "minimal");
		cJSON_AddItemToArray(evs, mv_event_new("mv.movie.enriched", id, d));
		if (!ctl_want_json())
			printf("added %s: %s (%lld), tmdb:%s\n", id, mv_json_str(doc, "title", "?"),
			    mv_json_int(doc, "year", 0), val);
	}
	cJSON_Delete(doc);
	cJSON_Delete(tm);
	/* Only the index must hear of it: no mvenrich needed. */
	ctl_publish(evs);
	return code;
}

/* Add a person by TMDB id: a minimal PeopleProfile. */
static int
add_person(long long tmdb)
{
	char val[32], *owner, *id, now[32];
	cJSON *tp = NULL, *doc, *ext, *d;
	int code;

	snprintf(val, sizeof val, "%lld", tmdb);
	if ((owner = mv_claim_owner('p', "tmdb", val))) {
		printf("person tmdb:%s is already in the library as %s\n", val, owner);
		free(owner);
		return MV_EX_OK;
	}
	if ((code = mv_tmdb_person(tmdb, 0, &tp)) != 0)
		return code;
	if (!(id = mv_id_new('p')))
		mv_die(mv_exit_for_errno(errno), "create a person for tmdb:%s", val);
	mv_time_fmt(mv_now(), now);
	doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "schemaVersion", MV_SCHEMA_VERSION);
	cJSON_AddStringToObject(doc, "id", id);
	cJSON_AddStringToObject(doc, "level", "minimal");
	cJSON_AddStringToObject(doc, "name", mv_json_str(tp, "name", "Unknown"));
	ext = cJSON_AddObjectToObject(doc, "externalIds");
	cJSON_AddNumberToObject(ext, "tmdb", (double)tmdb);
	if (mv_json_str(tp, "imdb_id", NULL) && *mv_json_str(tp, "imdb_id", "")) {
		cJSON_AddStringToObject(ext, "imdb", mv_json_str(tp, "imdb_id", ""));
		/* Best effort, as lib/movie.c claims the ids but tmdb: only a
		 * rebuild makes claims, and a running pipeline does none. */
		mv_claim("imdb", mv_json_str(tp, "imdb_id", ""), id, NULL);
	}
	cJSON_AddStringToObject(doc, "createdAt", now);
	cJSON_AddStringToObject(doc, "updatedAt", now);
	cJSON_AddArrayToObject(doc, "movies");
	/* Saved, then claimed: a claim without its profile is stale. */
	if (mv_person_save(doc) < 0)
		code = mv_exit_for_errno(errno);
	else if (mv_claim("tmdb", val, id, &owner) < 0) {
		char *p = mv_path("People/%s.json", id);

		/* Someone added it meanwhile: ours goes, theirs stays. */
		unlink(p);
		free(p);
		if (owner)
			printf("person tmdb:%s is already in the library as %s\n", val, owner);
		else {
			mv_warn("claim person tmdb:%s", val);
			code = mv_exit_for_errno(errno);
		}
		free(owner);
	} else {
		cJSON *evs = cJSON_CreateArray();

		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "id", id);
		cJSON_AddNumberToObject(d, "tmdb", (double)tmdb);
		cJSON_AddStringToObject(d, "name", mv_json_str(doc, "name", "?"));
		cJSON_AddItemToArray(evs, mv_event_new("mv.person.created", id, d));
		if (!ctl_want_json())
			printf("added %s: %s, tmdb:%s\n", id, mv_json_str(doc, "name", "?"), val);
		ctl_publish(evs);
	}
	free(id);
	cJSON_Delete(doc);
	cJSON_Delete(tp);
	return code;
}

/* "The Matrix" 1999: one exact match is added; otherwise list them. */
static int
add_search(const char *title, int year)
{
	cJSON *r = NULL, *res, *e, *pick = NULL;
	int code, exact = 0, total;

	if ((code = mv_tmdb_search(title, year, 1, &r)) != 0)
		return code;
	res = cJSON_GetObjectItemCaseSensitive(r, "results");
	total = cJSON_GetArraySize(res);
	cJSON_ArrayForEach(e, res)
		if (!strcasecmp(mv_json_str(e, "title", ""), title) ||
		    !strcasecmp(mv_json_str(e, "original_title", ""), title)) {
			if (year && atoi(mv_json_str(e, "release_date", "0")) != year)
				continue;
			exact++;
			pick = e;
		}
	if (exact != 1 && total == 1) {
		exact = 1;
		pick = res->child;
	}
	if (exact == 1) {
		long long id = mv_json_int(pick, "id", 0);

		cJSON_Delete(r);
		return add_movie(id);
	}
	if (total == 0)
		mv_warnx("no TMDB movie matches \"%s\"%s", title, year ? " in that year" : "");
	else {
		mv_warnx("\"%s\" matches %d movies; add one by its TMDB id:", title, total);
		put_candidates(res);
	}
	cJSON_Delete(r);
	return MV_EX_NOTFOUND;
}

/*
 * add FILE: an mv.file.added for mvenrich, with the TMDB id chosen if
 * any. A video in quarantine/ is a review entry: it takes a choice, which
 * is checked first and whose outcome is reported. Returns an exit code.
 */
static int
add_file(const char *tok, long long tmdb, int copy)
{
	char *abs, *rel, *src, *id = NULL;
	cJSON *ev, *evs;
	char *before = NULL;
	enum mv_media kind;
	int code;

	if (!(abs = ctl_user_file("add", tok, &rel)))
		return MV_EX_NOINPUT;
	/* mvenrich files videos only; say so before any copy. Only the
	 * name counts: the user chose this file, whatever its folder. */
	if ((kind = mv_media_kind(strrchr(abs, '/') + 1)) != MV_MEDIA_VIDEO) {
		mv_warnx("unable to add %s: not a video (%s)", tok, mv_media_name(kind));
		free(abs);
		free(rel);
		return MV_EX_DATAERR;
	}
	if (ctl_in_quarantine(rel)) {
		if (!tmdb || copy) {
			free(abs);
			free(rel);
			ctl_usage_error("%s", "a video in quarantine/ takes --tmdb ID and no --copy "
			    "(mvctl review lists the candidates)");
		}
		if ((id = ctl_queue_movie(rel, NULL)) &&
		    (code = ctl_review_precheck(rel, id, tmdb)) != MV_EX_OK) {
			free(id);
			free(abs);
			free(rel);
			return code;
		}
		if (id)
			before = ctl_profile_text(id);
	}
	src = copy ? copy_in(abs) : mv_xstrdup(abs);
	free(abs);
	if (!src) {
		free(id);
		free(rel);
		return MV_EX_IOERR;
	}
	ev = ctl_file_event(src, tmdb);
	free(src);
	if (!ev) {
		free(id);
		free(rel);
		return MV_EX_NOINPUT;
	}
	evs = cJSON_CreateArray();
	cJSON_AddItemToArray(evs, ev);
	code = ctl_deliver_files(evs);
	if (id)
		code = ctl_review_outcome(rel, id, before, code);
	free(before);
	free(id);
	free(rel);
	return code;
}

int
v_add(int argc, char **argv)
{
	static const struct option lo[] = {
		{"person", required_argument, NULL, 'p'},
		{"copy", no_argument, NULL, 'c'},
		{"tmdb", required_argument, NULL, 't'},
		COMMON_OPTS
	};
	const char *person = NULL, *tok;
	long long tmdb = 0;
	int c, copy = 0, n;
	struct stat st;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': person = optarg; break;
		case 'c': copy = 1; break;
		case 't':
			if (!mv_all_digits(optarg) || strlen(optarg) > 15)
				ctl_usage_error("bad --tmdb \"%s\": expected a TMDB movie id", optarg);
			tmdb = atoll(optarg);
			break;
		default: ctl_common_opt(c);
		}
	}
	n = argc - optind;
	if (person ? n != 0 : (n < 1 || n > 2))
		ctl_usage_error("%s", "expected a token: 603, tmdb:603, tt0133093, \"Title\" YEAR or FILE");
	ctl_open_library();
	if (person) {
		if (!strncmp(person, "tmdb:", 5))
			person += 5;
		if (!mv_all_digits(person) || strlen(person) > 15)
			ctl_usage_error("bad --person \"%s\": expected a TMDB person id", person);
		return add_person(atoll(person));
	}
	tok = argv[optind];
	/* A path names a file; anything else is looked up at TMDB. */
	if (strchr(tok, '/') || stat(tok, &st) == 0) {
		if (n != 1)
			ctl_usage_error("%s", "expected one FILE");
		return add_file(tok, tmdb, copy);
	}
	if (copy || tmdb)
		ctl_usage_error("%s", "--copy and --tmdb go with a FILE");
	if (n == 2) {
		if (strlen(argv[optind + 1]) != 4 || !mv_all_digits(argv[optind + 1]))
			ctl_usage_error("bad year \"%s\"", argv[optind + 1]);
		return add_search(tok, atoi(argv[optind + 1]));
	}
	if (!strncmp(tok, "tmdb:", 5))
		tok += 5;
	if (mv_all_digits(tok) && strlen(tok) <= 15)
		return add_movie(atoll(tok));
	if (!strncmp(tok, "imdb:", 5))
		tok += 5;
	if (!strncmp(tok, "tt", 2) && mv_all_digits(tok + 2) && strlen(tok) >= 9) {
		cJSON *r = NULL, *res;
		int code = mv_tmdb_find(tok, &r), cnt;

		if (code)
			return code;
		res = cJSON_GetObjectItemCaseSensitive(r, "movie_results");
		if ((cnt = cJSON_GetArraySize(res)) != 1) {
			mv_warnx("%s matches %s TMDB movie%s", tok, cnt ? "several" : "no",
			    cnt ? "s:" : "");
			put_candidates(res);
			cJSON_Delete(r);
			return MV_EX_NOTFOUND;
		}
		code = add_movie(mv_json_int(res->child, "id", 0));
		cJSON_Delete(r);
		return code;
	}
	/* A bare title: search without a year. */
	return add_search(tok, 0);
}
