/* match.c: from a parsed name to a TMDB film, by scored candidates. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"

#define CANDS_MAX 40      /* candidates kept: two pages of search results */
#define SEARCHES_MAX 3    /* title+year, title alone, full title */
#define DETAILS_ROUND 3   /* candidates whose every title is fetched, per search */
#define LISTED_MAX 10     /* candidates listed for a review */

/* Points of the evidence; the filing rule is in mvenrich(1). */
#define PT_TITLE 60       /* a title TMDB knows equals the name's (folded) */
#define PT_PREFIX 30      /* a known title is the name's plus a subtitle */
#define PT_SEQUEL 25      /* the name's part number is the film's */
#define PT_YEAR 30        /* same year */
#define PT_YEAR_NEAR 10   /* one year off */
#define PT_YEAR_FAR (-50) /* more than one year off */

/* What each candidate is known by, as far as we have fetched it. */
struct cand {
	long long id;
	const cJSON *hit; /* its search result (borrowed from m->res) */
	cJSON *det;       /* its details with every title, owned; NULL = not fetched */
	int year;         /* release year, 0 = unknown */
	int tpts, ypts, score, sequel;
	const char *matched, *by, *yagree; /* evidence (borrowed) */
};

struct matcher {
	const struct mv_match_query *q;
	char *fbase, *ffull; /* the name's title folded; with its part, or NULL */
	cJSON *res[SEARCHES_MAX];
	int nres;
	struct cand c[CANDS_MAX];
	int n, details;
	int code; /* a TMDB failure, or 0 */
};

static int
year_of(const cJSON *o)
{
	const char *d = mv_json_str(o, "release_date", "");

	return strlen(d) >= 4 ? atoi(d) : 0;
}

/* The append_to_response list of a candidate's details: the basic
 * level's parts with the alternative titles, so the one request that
 * scores a candidate also serves as its basic profile. malloc'd. */
static char *
detail_parts(void)
{
	const char *p = mv_tmdb_level_parts(MV_BASIC);

	return strstr(p, "alternative_titles") ? mv_xstrdup(p) :
	    mv_xasprintf("%s,alternative_titles", p);
}

/* Details of candidate c (one request). 0 or a TMDB exit code. */
static int
fetch_details(struct matcher *m, struct cand *c)
{
	char *parts = detail_parts();
	int r = mv_tmdb_movie_parts(c->id, parts, m->q->language, &c->det);

	free(parts);
	if (r == 0)
		m->details++;
	return r;
}

/* Score title t (kind by) against the name; keep it if it beats the
 * title c holds. */
static void
score_title(struct matcher *m, struct cand *c, const char *t, const char *by)
{
	char *f, *cut;
	int pts = 0, seq = 0;

	if (!t || !*t)
		return;
	f = mv_title_fold(t);
	if (m->ffull && !strcmp(f, m->ffull))
		pts = PT_TITLE, seq = 1;
	else if (*f && !strcmp(f, m->fbase))
		pts = PT_TITLE;
	else if ((cut = strpbrk(t, ":")) || (cut = strstr(t, " - "))) {
		/* "Borat" for "Borat: Cultural Learnings...": a hint only */
		char *head = mv_xstrndup(t, (size_t)(cut - t)), *fh = mv_title_fold(head);

		if (*fh && !strcmp(fh, m->fbase))
			pts = PT_PREFIX;
		free(fh);
		free(head);
	}
	free(f);
	if (pts + seq * PT_SEQUEL > c->tpts + c->sequel * PT_SEQUEL) {
		c->tpts = pts;
		c->sequel = seq;
		c->matched = t;
		c->by = by;
	}
}

/* Score c on every title known for it, and on the year. */
static void
score(struct matcher *m, struct cand *c)
{
	const cJSON *src = c->det ? c->det : c->hit, *t;
	int d;

	c->tpts = c->sequel = 0;
	c->matched = NULL;
	c->by = NULL;
	score_title(m, c, mv_json_str(src, "title", NULL), "title");
	score_title(m, c, mv_json_str(src, "original_title", NULL), "original");
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(c->det, "translations"), "translations"))
		score_title(m, c, mv_json_str(cJSON_GetObjectItemCaseSensitive(t, "data"),
		    "title", NULL), "translation");
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(c->det, "alternative_titles"), "titles"))
		score_title(m, c, mv_json_str(t, "title", NULL), "alternative");
	d = abs(c->year - m->q->year);
	if (!m->q->year)
		c->ypts = 0, c->yagree = "none";
	else if (!c->year)
		c->ypts = 0, c->yagree = "unknown";
	else
		c->ypts = d == 0 ? PT_YEAR : d == 1 ? PT_YEAR_NEAR : PT_YEAR_FAR,
		c->yagree = d == 0 ? "exact" : d == 1 ? "off-by-one" : "differs";
	c->score = c->tpts + c->sequel * PT_SEQUEL + c->ypts;
}

/* A candidate can still be filed: its year is within one of the name's. */
static int
eligible(const struct matcher *m, const struct cand *c)
{
	return !m->q->year || !c->year || abs(c->year - m->q->year) <= 1;
}

/* Sort by score, stable on the order found (n is small). */
static void
rank(struct matcher *m)
{
	for (int i = 1; i < m->n; i++)
		for (int j = i; j > 0 && m->c[j].score > m->c[j - 1].score; j--) {
			struct cand t = m->c[j];

			m->c[j] = m->c[j - 1];
			m->c[j - 1] = t;
		}
}

/*
 * One search: add its new results as candidates, fetch every title of
 * the best DETAILS_ROUND of them that can still be filed, score all.
 * Returns 0 or a TMDB exit code.
 */
static int
search_round(struct matcher *m, const char *title, int year)
{
	cJSON *res = NULL;
	const cJSON *h;
	int r, fetched = 0;

	if (m->nres >= SEARCHES_MAX)
		return 0;
	if ((r = mv_tmdb_search(title, year, 1, &res)) != 0)
		return r;
	m->res[m->nres++] = res;
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(res, "results")) {
		long long id = mv_json_int(h, "id", 0);
		int dup = 0;

		for (int i = 0; i < m->n; i++)
			dup |= m->c[i].id == id;
		if (id <= 0 || dup || m->n >= CANDS_MAX)
			continue;
		m->c[m->n] = (struct cand){ .id = id, .hit = h, .year = year_of(h) };
		score(m, &m->c[m->n]);
		m->n++;
	}
	rank(m);
	for (int i = 0; i < m->n && fetched < DETAILS_ROUND; i++) {
		struct cand *c = &m->c[i];

		if (c->det || !eligible(m, c))
			continue;
		if ((r = fetch_details(m, c)) != 0)
			return r;
		fetched++;
		score(m, c);
	}
	rank(m);
	return 0;
}

/* The best candidate's title agrees exactly (with the sequel number
 * when the name has one and a film carries it). */
static int
title_agrees(const struct matcher *m)
{
	return m->n > 0 && m->c[0].tpts == PT_TITLE;
}

static cJSON *
listed(const struct cand *c)
{
	const cJSON *src = c->det ? c->det : c->hit;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "tmdb", (double)c->id);
	cJSON_AddStringToObject(o, "title", mv_json_str(src, "title", ""));
	if (c->year >= MV_YEAR_MIN && c->year <= MV_YEAR_MAX)
		cJSON_AddNumberToObject(o, "year", c->year);
	else
		cJSON_AddNullToObject(o, "year");
	cJSON_AddNumberToObject(o, "score", c->score);
	if (c->matched) {
		cJSON_AddStringToObject(o, "matchedTitle", c->matched);
		cJSON_AddStringToObject(o, "matchedBy", c->by);
	}
	cJSON_AddStringToObject(o, "yearAgreement", c->yagree);
	return o;
}

/* Why the best candidate is not filed. malloc'd. */
static char *
review_reason(const struct matcher *m, int margin)
{
	const struct mv_match_query *q = m->q;
	const struct cand *b = &m->c[0];
	int close = 0;

	if (m->n == 0)
		return q->year ? mv_xasprintf("no match for \"%s\" (%d)", q->title, q->year) :
		    mv_xasprintf("no match for \"%s\"", q->title);
	if (!title_agrees(m))
		return mv_xasprintf("no candidate's title and year agree with \"%s\"", q->title);
	if (b->ypts == PT_YEAR_FAR)
		return mv_xasprintf("\"%s\" is %s (%d), %d years from the name's %d",
		    q->title, mv_json_str(b->det ? b->det : b->hit, "title", "?"), b->year,
		    abs(b->year - q->year), q->year);
	for (int i = 0; i < m->n; i++)
		close += m->c[i].tpts == PT_TITLE && b->score - m->c[i].score < MV_MATCH_MARGIN;
	if (b->ypts == PT_YEAR_NEAR)
		return mv_xasprintf("\"%s\" (%d) is %s (%d), one year off, and another "
		    "candidate comes close (margin %d < %d)", q->title, q->year,
		    mv_json_str(b->det ? b->det : b->hit, "title", "?"), b->year,
		    margin, MV_MATCH_MARGIN);
	if (close > 1 && margin == 0 && !q->year)
		return mv_xasprintf("ambiguous: %d candidates match \"%s\" and the name "
		    "gives no year", close, q->title);
	return mv_xasprintf("ambiguous: %d candidates match \"%s\"%s (margin %d < %d)",
	    close > 1 ? close : 2, q->title, q->year ? "" : " and the name gives no year",
	    margin, MV_MATCH_MARGIN);
}

/* The best candidate is clear of the second by the margin. */
static int
clear(const struct matcher *m)
{
	int margin = m->n ? m->c[0].score - (m->n > 1 ? m->c[1].score : 0) : 0;

	return title_agrees(m) && m->c[0].ypts != PT_YEAR_FAR && margin >= MV_MATCH_MARGIN;
}

/* The searches, in order, until one gives a clear best. */
static int
search_all(struct matcher *m)
{
	const struct mv_match_query *q = m->q;
	int r;

	if ((r = search_round(m, q->title, q->year)) != 0)
		return r;
	/* Without the year: a release one year off (festival against
	 * theatrical) is found; the year still scores every candidate. */
	if (q->year && !title_agrees(m) && (r = search_round(m, q->title, 0)) != 0)
		return r;
	/* The parser split "Part II" off "The Godfather": search the full
	 * title too, unless a film already carries the name's number. */
	if (q->part > 0 && !clear(m) && !(m->n && m->c[0].sequel)) {
		static const char *const rn[] = { "", "I", "II", "III", "IV", "V",
			"VI", "VII", "VIII", "IX", "X" };
		char *full = q->part <= 10 ? mv_xasprintf("%s Part %s", q->title, rn[q->part]) :
		    mv_xasprintf("%s Part %d", q->title, q->part);

		r = search_round(m, full, q->year);
		free(full);
	}
	return r;
}

/* Fill out from the ranked candidates: a filing or a review. */
static int
decide(struct matcher *m, struct mv_match *out)
{
	struct cand *b = &m->c[0];
	int margin = m->n ? b->score - (m->n > 1 ? m->c[1].score : 0) : 0, r;

	out->candidates = cJSON_CreateArray();
	for (int i = 0; i < m->n && i < LISTED_MAX; i++)
		cJSON_AddItemToArray(out->candidates, listed(&m->c[i]));
	if (!clear(m)) {
		out->reason = review_reason(m, margin);
		return 0;
	}
	if (!b->det && (r = fetch_details(m, b)) != 0)
		return r;
	score(m, b); /* its titles now; it stays first: scores only grow */
	out->evidence = cJSON_CreateObject();
	cJSON_AddStringToObject(out->evidence, "by", "search");
	cJSON_AddStringToObject(out->evidence, "matchedTitle", b->matched);
	cJSON_AddStringToObject(out->evidence, "matchedBy", b->by);
	cJSON_AddStringToObject(out->evidence, "yearAgreement", b->yagree);
	if (m->q->part > 0)
		cJSON_AddBoolToObject(out->evidence, "sequel", b->sequel);
	cJSON_AddNumberToObject(out->evidence, "score", b->score);
	cJSON_AddNumberToObject(out->evidence, "margin", margin);
	out->tm = b->det;
	b->det = NULL;
	return 0;
}

/* An id from the name, an NFO or the user: it wins over any search. */
static int
by_id(const struct mv_match_query *q, struct mv_match *out)
{
	cJSON *res = NULL, *hit;
	long long tmdb = q->tmdb;
	char *parts = detail_parts();
	int r = 0;

	if (tmdb <= 0) {
		if ((r = mv_tmdb_find(q->imdb, &res)) != 0 && r != MV_EX_NOTFOUND)
			goto done;
		hit = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "movie_results"), 0);
		if (!hit || (tmdb = mv_json_int(hit, "id", 0)) <= 0) {
			out->reason = mv_xasprintf("TMDB has no movie for %s (%s)", q->imdb,
			    q->id_from ? q->id_from : "named in the file name");
			r = 0;
			goto done;
		}
	}
	r = mv_tmdb_movie_parts(tmdb, parts, q->language, &out->tm);
	if (r == MV_EX_NOTFOUND) {
		out->reason = mv_xasprintf("TMDB has no movie %lld (%s)", tmdb,
		    q->id_from ? q->id_from : "named in the file name");
		r = 0;
	} else if (r == 0) {
		out->evidence = cJSON_CreateObject();
		cJSON_AddStringToObject(out->evidence, "by", "id");
		if (q->tmdb > 0)
			cJSON_AddNumberToObject(out->evidence, "tmdb", (double)q->tmdb);
		else
			cJSON_AddStringToObject(out->evidence, "imdb", q->imdb);
		cJSON_AddStringToObject(out->evidence, "from",
		    q->id_from ? q->id_from : "named in the file name");
	}
done:
	cJSON_Delete(res);
	free(parts);
	return r;
}

int
mv_match_run(const struct mv_match_query *q, struct mv_match *out)
{
	long long before = mv_tmdb_requests();
	struct matcher m = { .q = q };
	int r;

	memset(out, 0, sizeof *out);
	if (q->tmdb > 0 || (q->imdb && *q->imdb))
		r = by_id(q, out);
	else {
		m.fbase = mv_title_fold(q->title ? q->title : "");
		if (q->part > 0) {
			char *full = mv_xasprintf("%s %d", q->title, q->part);

			m.ffull = mv_title_fold(full);
			free(full);
		}
		r = search_all(&m);
		if (r == 0)
			r = decide(&m, out);
		for (int i = 0; i < m.n; i++)
			cJSON_Delete(m.c[i].det);
		for (int i = 0; i < m.nres; i++)
			cJSON_Delete(m.res[i]);
		free(m.fbase);
		free(m.ffull);
	}
	if (r != 0) {
		mv_match_free(out);
		return r;
	}
	out->requests = mv_tmdb_requests() - before;
	if (out->evidence)
		cJSON_AddNumberToObject(out->evidence, "requests", (double)out->requests);
	return 0;
}

void
mv_match_free(struct mv_match *out)
{
	cJSON_Delete(out->tm);
	cJSON_Delete(out->candidates);
	cJSON_Delete(out->evidence);
	free(out->reason);
	memset(out, 0, sizeof *out);
}
