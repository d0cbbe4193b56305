/* plan.c: mvctl plan: what filing a file or a download would do, changing nothing. */
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
 * The plan asks the pieces filing uses, never a copy of their rules:
 * lib/download.c for what each file of a download is, the matcher
 * (lib/match.c) with the query mvenrich builds, the claims for a
 * duplicate, and mv_name_path for every name. Nothing is written: TMDB's
 * answers are not cached, no movie is made, no id claimed. import
 * --dry-run asks through the same functions (ctl_match, ctl_profile_of).
 */

#define NAME_MAX_BYTES 200  /* mvenrich's longest stem of a quarantined name */

/* ---- shared with import --dry-run ------------------------------------- */

/*
 * Match the video whose name parsed as nm (base: its file name, the
 * title when the parser found none), as mvenrich does: an id in the
 * name, else ids (an NFO's, may be NULL; from says which NFO), else a
 * search. Returns 0 with *mr filled (free it with mv_match_free), or
 * the TMDB client's exit code.
 */
int
ctl_match(const struct mv_name *nm, const char *base, const struct mv_nfoid *ids,
    const char *from, struct mv_match *mr)
{
	struct mv_match_query q = {0};

	q.title = nm->title && *nm->title ? nm->title : base;
	q.year = nm->year;
	q.part = nm->part;
	q.tmdb = nm->tmdb;
	q.imdb = nm->imdb;
	if (!q.tmdb && !q.imdb && ids && (ids->tmdb > 0 || ids->imdb[0])) {
		q.tmdb = ids->tmdb;
		q.imdb = ids->imdb[0] ? ids->imdb : NULL;
		q.id_from = from;
	}
	return mv_match_run(&q, mr);
}

/* The matcher's evidence in words. Returns malloc'd. */
char *
ctl_evidence_text(const cJSON *ev)
{
	if (!strcmp(mv_json_str(ev, "by", ""), "id"))
		return mv_xasprintf("by id, %s", mv_json_str(ev, "from", "named in the file name"));
	return mv_xasprintf("by search: \"%s\" (%s), score %lld, margin %lld",
	    mv_json_str(ev, "matchedTitle", "?"),
	    ctl_title_kind(mv_json_str(ev, "matchedBy", "title")),
	    mv_json_int(ev, "score", 0), mv_json_int(ev, "margin", 0));
}

/* The profile a video matched to tm would have, in memory: what
 * mv_name_path names its files by. A tree the caller deletes. */
cJSON *
ctl_profile_of(const cJSON *tm)
{
	cJSON *m = cJSON_CreateObject();

	mv_movie_preview(m, tm);
	return m;
}

/* ---- the plan of one download ------------------------------------------ */

/* What becomes of the film: its match, or why it goes to review. */
struct film {
	struct mv_name nm;
	struct mv_match mr;
	char *nfo;          /* the release NFO read, relative to root, or NULL */
	char *review;       /* why it goes to review, or NULL */
	cJSON *m;           /* the profile it would have when matched, or NULL */
	cJSON *video;       /* its video entry, as mvenrich makes it */
	int in_place;       /* under a library root: nothing moves */
};

/* Where the plan looks: root/top is the file or the folder given. */
struct plan {
	char *root;         /* absolute: the folder that holds it */
	char *top;          /* its name: "Heat.1995-GRP" or "heat.mkv" */
	int dir;            /* 1: a download folder */
};

/*
 * Look inside the video at path as mvenrich does when the probe is on.
 * Returns the reason it is no video (malloc'd), or NULL with *media set
 * (NULL when the probe is off or cannot run).
 */
static char *
look_inside(const char *path, cJSON **media)
{
	int ms, on = mv_probe_setting(&ms);
	char *reason = NULL, *why = NULL;

	*media = NULL;
	if (on < 0)
		mv_diex(MV_EX_CONFIG, "unable to use probe = \"%s\", probe_timeout = \"%s\": "
		    "expected on or off, and a duration from 1s to 1h",
		    mv_config_get("probe", "on"), mv_config_get("probe_timeout", "30s"));
	if (on == 0)
		return NULL;
	switch (mv_probe(path, ms, media, &reason)) {
	case 0:
		break;
	case MV_EX_UNAVAILABLE:
		mv_warnx("unable to probe videos: %s; a sample or a non-video is not "
		    "told apart", reason);
		break;
	default:
		why = mv_xasprintf("not a video: %s", reason);
	}
	free(reason);
	return why;
}

/*
 * Decide the film at rel (relative to p->root): parse, read the release
 * NFO, match, check the claims, and name its video. Returns 0, or the
 * TMDB client's exit code.
 */
static int
decide(const struct plan *p, const char *rel, int parts, struct film *f)
{
	char *path = mv_xasprintf("%s/%s", p->root, rel), *from = NULL, *owner, *npath;
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	struct mv_nfoid ids = {0};
	cJSON *media;
	char value[32];
	int r;

	mv_parse_name(path, &f->nm);
	f->in_place = mv_root_of(path) != NULL;
	if ((f->nfo = mv_nfoid_release(p->root, rel))) {
		npath = mv_xasprintf("%s/%s", p->root, f->nfo);
		if ((r = mv_nfoid_read(npath, &ids)) < 0)
			mv_warn("read %s", npath);
		else if (r == MV_NFOID_FOUND)
			from = mv_xasprintf("release NFO %s", strrchr(f->nfo, '/') ?
			    strrchr(f->nfo, '/') + 1 : f->nfo);
		if (r != MV_NFOID_FOUND)
			memset(&ids, 0, sizeof ids);
		free(npath);
	}
	f->video = cJSON_CreateObject();
	cJSON_AddStringToObject(f->video, "source", path);
	/* mvenrich files a film in parts as its part (data.parts), and a
	 * video with the edition its name gives (tools/mvenrich/versions.c
	 * new_video): the labels mv_name_path names it by. */
	if (parts && f->nm.part > 0)
		cJSON_AddNumberToObject(f->video, "part", f->nm.part);
	if (f->nm.edition && *f->nm.edition)
		cJSON_AddStringToObject(f->video, "edition", f->nm.edition);
	/* mvenrich looks inside first: a non-video is never matched. */
	if ((f->review = look_inside(path, &media))) {
		free(from);
		free(path);
		return 0;
	}
	r = ctl_match(&f->nm, base, &ids, from, &f->mr);
	free(from);
	free(path);
	if (r != 0) {
		cJSON_Delete(media);
		return r;
	}
	if (!f->mr.tm) {
		cJSON_Delete(media);
		f->review = mv_xstrdup(f->mr.reason ? f->mr.reason : "needs review");
		return 0;
	}
	if (f->nm.part <= 0)
		f->review = mv_probe_sample(media, f->mr.tm);
	cJSON_Delete(media);
	if (f->review)
		return 0;
	snprintf(value, sizeof value, "%lld", mv_json_int(f->mr.tm, "id", 0));
	if ((owner = mv_claim_owner('m', "tmdb", value))) {
		f->review = mv_xasprintf("duplicate of %s", owner);
		free(owner);
		return 0;
	}
	f->m = ctl_profile_of(f->mr.tm);
	return 0;
}

static void
film_free(struct film *f)
{
	mv_name_free(&f->nm);
	mv_match_free(&f->mr);
	free(f->nfo);
	free(f->review);
	cJSON_Delete(f->m);
	cJSON_Delete(f->video);
}

/* The match as {tmdb, title, year, score, margin, evidence}. */
static cJSON *
match_json(const struct film *f)
{
	const cJSON *tm = f->mr.tm, *ev = f->mr.evidence;
	cJSON *o = cJSON_CreateObject();
	int year = atoi(mv_json_str(tm, "release_date", "0"));

	cJSON_AddNumberToObject(o, "tmdb", (double)mv_json_int(tm, "id", 0));
	cJSON_AddStringToObject(o, "title", mv_json_str(tm, "title", ""));
	cJSON_AddItemToObject(o, "year", year > 0 ? cJSON_CreateNumber(year) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "score", cJSON_GetObjectItem(ev, "score") ?
	    cJSON_CreateNumber((double)mv_json_int(ev, "score", 0)) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "margin", cJSON_GetObjectItem(ev, "margin") ?
	    cJSON_CreateNumber((double)mv_json_int(ev, "margin", 0)) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "evidence", cJSON_Duplicate(ev, 1));
	return o;
}

/* One file's line of the plan, filled by judge and printed by show. */
struct line {
	const char *rel;          /* relative to the plan's root */
	const char *kind;         /* mv_media_name, with role for a download */
	const char *role;         /* mv_dl_role_name, or NULL */
	const struct film *film;  /* the film itself, else NULL */
	char *target;             /* data-relative, or NULL: it stays */
	const char *stays;        /* why it stays, when it does */
	char lang[32];            /* a subtitle's, for the text */
};

/* Print l: a block of text, or one JSON document. */
static void
show(const struct plan *p, const struct line *l)
{
	const struct film *f = l->film;

	if (ctl_want_json()) {
		cJSON *o = cJSON_CreateObject(), *rv;
		char *abs = mv_xasprintf("%s/%s", p->root, l->rel);

		cJSON_AddStringToObject(o, "path", abs);
		free(abs);
		cJSON_AddStringToObject(o, "kind", l->kind);
		if (l->role)
			cJSON_AddStringToObject(o, "role", l->role);
		cJSON_AddItemToObject(o, "parsed", f ? mv_name_json(&f->nm) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "match", f && f->mr.tm ? match_json(f) : cJSON_CreateNull());
		if (f && f->review) {
			rv = cJSON_AddObjectToObject(o, "review");
			cJSON_AddStringToObject(rv, "reason", f->review);
			cJSON_AddItemToObject(rv, "candidates", f->mr.candidates ?
			    cJSON_Duplicate(f->mr.candidates, 1) : cJSON_CreateArray());
		} else
			cJSON_AddNullToObject(o, "review");
		cJSON_AddItemToObject(o, "target", l->target ? cJSON_CreateString(l->target) :
		    cJSON_CreateNull());
		if (l->stays)
			cJSON_AddStringToObject(o, "stays", l->stays);
		ctl_put_json(o);
		cJSON_Delete(o);
		return;
	}
	/* The role only where it adds to the kind: "video (main)". */
	if (l->role && strcmp(l->role, l->kind))
		printf("%s\n  kind     %s (%s)\n", l->rel, l->kind, l->role);
	else
		printf("%s\n  kind     %s\n", l->rel, l->kind);
	if (*l->lang)
		printf("  subtitle %s\n", l->lang);
	if (f) {
		printf("  parsed   %s", f->nm.title ? f->nm.title : "(no title)");
		if (f->nm.year)
			printf(" (%d)", f->nm.year);
		if (f->nm.edition)
			printf(", %s", f->nm.edition);
		if (f->nm.resolution)
			printf(", %s", f->nm.resolution);
		if (f->nm.source)
			printf(", %s", f->nm.source);
		if (f->nm.group)
			printf(", group %s", f->nm.group);
		if (f->nm.part)
			printf(", part %d", f->nm.part);
		if (f->nm.tmdb)
			printf(", tmdb:%lld", f->nm.tmdb);
		if (f->nm.imdb)
			printf(", %s", f->nm.imdb);
		putchar('\n');
	}
	if (f && f->mr.tm) {
		char *ev = ctl_evidence_text(f->mr.evidence);
		int year = atoi(mv_json_str(f->mr.tm, "release_date", "0"));

		printf("  match    tmdb:%lld %s", mv_json_int(f->mr.tm, "id", 0),
		    mv_json_str(f->mr.tm, "title", ""));
		if (year > 0)
			printf(" (%d)", year);
		printf(", %s\n", ev);
		free(ev);
	}
	if (f && f->review)
		printf("  review   %s\n", f->review);
	if (l->target)
		printf("  target   %s\n", l->target);
	if (l->stays)
		printf("  stays    %s\n", l->stays);
	putchar('\n');
}

/* The film's own line: filed, sent to review, or kept where it lies. */
static void
judge_film(const char *rel, const struct film *f, struct line *l)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	char *name;

	l->film = f;
	if (f->in_place)
		l->stays = f->review ? "in place, under a library root: reviewed where it lies" :
		    "in place, under a library root: filed where it lies";
	else if (f->review) {
		name = mv_file_safe_name(base, NAME_MAX_BYTES);
		l->target = mv_xasprintf("quarantine/%s", name);
		free(name);
	} else
		l->target = mv_name_path(f->m, f->video, NULL);
}

/* A download's other file: a sidecar filed beside the film, or left. */
static void
judge_other(const struct film *f, const struct mv_dl_file *d, struct line *l)
{
	struct mv_name_of of = {0};

	switch (d->role) {
	case MV_DL_SUBTITLE:
		snprintf(l->lang, sizeof l->lang, "%s%s%s", d->sub.tag[0] ? d->sub.tag : "und",
		    d->sub.forced ? ", forced" : "", d->sub.sdh ? ", sdh" : "");
		of.what = MV_NAME_SUBTITLE;
		/* "und" names no language, as mvenrich files it. */
		of.lang = strcmp(d->sub.lang, "und") ? d->sub.tag : NULL;
		of.forced = d->sub.forced;
		of.sdh = d->sub.sdh;
		break;
	case MV_DL_EXTRA:
		of.what = MV_NAME_EXTRA;
		of.extra = d->extra;
		break;
	case MV_DL_PART: l->stays = "a later part of the film: waits in its folder"; return;
	case MV_DL_SAMPLE: l->stays = "a sample: left where it is"; return;
	case MV_DL_NFO: l->stays = "the release NFO: read for ids, left where it is"; return;
	case MV_DL_JUNK: l->stays = "junk: left (mvctl gc --incoming removes it)"; return;
	case MV_DL_ARCHIVE: l->stays = "an archive: left, to extract"; return;
	default: l->stays = "left where it is"; return;
	}
	if (!f) {
		l->stays = "no film in this folder is filed: left where it is";
		return;
	}
	if (f->in_place) {
		l->stays = "in place, under a library root: left where it is";
		return;
	}
	if (f->review) {
		l->stays = "waits where it is until the film's review is resolved";
		return;
	}
	of.source = d->rel;
	l->target = mv_name_path(f->m, f->video, &of);
}

/* Plan the download folder p: its film first, then every file in order.
 * Returns 0, or the TMDB client's exit code. */
static int
plan_dir(const struct plan *p)
{
	char *abs = mv_xasprintf("%s/%s", p->root, p->top), *rel;
	struct mv_download d;
	struct film f = {0};
	int r = 0, have = 0;

	if (mv_download_scan(abs, &d) < 0)
		mv_die(mv_exit_for_read_errno(errno), "read %s", abs);
	if (d.truncated)
		mv_warnx("unable to read all of %s: more than %d files or %d levels",
		    abs, MV_DOWNLOAD_FILES, MV_DOWNLOAD_DEPTH);
	if (d.main < d.n) {
		rel = mv_xasprintf("%s/%s", p->top, d.files[d.main].rel);
		r = decide(p, rel, d.nparts > 0, &f);
		free(rel);
		have = r == 0;
	}
	/* The film first, then the rest in name order. */
	for (size_t k = 0; r == 0 && k <= d.n; k++) {
		size_t i = k == 0 ? d.main : k - 1;
		struct line l = {0};

		if (i == d.n || (k > 0 && i == d.main))
			continue;
		rel = mv_xasprintf("%s/%s", p->top, d.files[i].rel);
		l.rel = rel;
		l.kind = mv_media_name(d.files[i].kind);
		l.role = mv_dl_role_name(d.files[i].role);
		if (i == d.main)
			judge_film(rel, &f, &l);
		else
			judge_other(have ? &f : NULL, &d.files[i], &l);
		show(p, &l);
		free(l.target);
		free(rel);
	}
	if (d.main == d.n && !ctl_want_json())
		printf("%s: no video to file\n", p->top);
	film_free(&f);
	mv_download_free(&d);
	free(abs);
	return r;
}

/* Plan the file p alone: a video with the subtitles beside it that
 * are its (mv_download_loose), as mvenrich files them. Returns 0, or
 * the TMDB client's exit code. */
static int
plan_file(const struct plan *p)
{
	enum mv_media kind = mv_media_kind(p->top);
	struct line l = { .rel = p->top, .kind = mv_media_name(kind) };
	struct mv_download d = {0};
	struct film f = {0};
	char *abs = mv_xasprintf("%s/%s", p->root, p->top), *owner = NULL, *why = NULL;
	int r = 0;

	if (kind == MV_MEDIA_SUBTITLE && (owner = mv_download_owner(abs)))
		l.stays = why = mv_xasprintf("a subtitle of %s beside it: filed with that "
		    "video, never alone (mvctl plan %s/%s)", owner, p->root, owner);
	else if (kind != MV_MEDIA_VIDEO)
		l.stays = "not a video: mvenrich files no such file alone; it stays where it is";
	else if ((r = decide(p, p->top, 0, &f)) == 0)
		judge_film(p->top, &f, &l);
	if (r == 0)
		show(p, &l);
	free(l.target);
	free(why);
	free(owner);
	if (r == 0 && kind == MV_MEDIA_VIDEO && mv_download_loose(abs, &d) < 0)
		mv_die(mv_exit_for_read_errno(errno), "read %s", p->root);
	for (size_t i = 0; i < d.n; i++) {
		struct line s = { .rel = d.files[i].rel,
		    .kind = mv_media_name(d.files[i].kind),
		    .role = mv_dl_role_name(d.files[i].role) };

		if (i == d.main)
			continue;
		judge_other(&f, &d.files[i], &s);
		show(p, &s);
		free(s.target);
	}
	mv_download_free(&d);
	free(abs);
	film_free(&f);
	return r;
}

int
v_plan(int argc, char **argv)
{
	char real[PATH_MAX], *slash;
	struct plan p = {0};
	struct stat st;
	int r;

	ctl_only_common(argc, argv);
	if (optind != argc - 1)
		ctl_usage_error("%s", "expected one file or folder to plan");
	ctl_report_text();
	ctl_open_library();
	if (!realpath(argv[optind], real) || stat(real, &st) < 0)
		mv_die(mv_exit_for_read_errno(errno), "plan %s", argv[optind]);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		mv_diex(MV_EX_USAGE, "unable to plan %s: not a file or a folder", argv[optind]);
	if (!(slash = strrchr(real, '/')) || !slash[1])
		mv_diex(MV_EX_USAGE, "unable to plan %s: the root folder", argv[optind]);
	p.root = slash == real ? mv_xstrdup("/") : mv_xasprintf("%.*s", (int)(slash - real), real);
	p.top = mv_xstrdup(slash + 1);
	p.dir = S_ISDIR(st.st_mode);
	mv_tmdb_flags |= MV_TMDB_NOCACHE;
	r = p.dir ? plan_dir(&p) : plan_file(&p);
	if (r)
		mv_warnx("unable to plan %s: TMDB failed (%s)", argv[optind], mv_exit_name(r));
	free(p.root);
	free(p.top);
	return r;
}
