/* index_read.c: reading profiles for the index, with the scanner, on all CPUs. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "index_int.h"

/* ---- reading values ------------------------------------------------- */

/* Typed readers over the scanner (scan.c): a value of another type is skipped and leaves the
 * output unset (NULL / 0), so the caller decides if that is an error. */
int
idx_get_str(struct mv_js *s, char **out)
{
	const char *t;
	size_t n;
	int esc, r = mv_js_str_or_skip(s, &t, &n, &esc);

	if (r <= 0)
		return r;
	free(*out);
	*out = mv_js_decode(t, n, esc);
	return 0;
}

/* The string value at s as bytes: *t, *n point into the text or, for a
 * string with escapes, into *dec (decoded up to an escaped NUL, as C
 * reads it; malloc'd, caller frees). 1 for a string, 0 for another
 * value (skipped), -1 on error. */
static int
get_bytes(struct mv_js *s, const char **t, size_t *n, char **dec)
{
	int esc, r;

	*dec = NULL;
	if ((r = mv_js_str_or_skip(s, t, n, &esc)) <= 0)
		return r;
	if (esc) {
		*t = *dec = mv_js_decode(*t, *n, esc);
		*n = strlen(*dec);
	}
	return 1;
}

/* A string appended to strs with its NUL: *off gets where, *len its
 * length. Not a string: *off stays as it was. */
static int
get_detail(struct mv_js *s, struct mv_buf *strs, size_t *off, size_t *len)
{
	const char *t;
	char *dec;
	size_t n;
	int r = get_bytes(s, &t, &n, &dec);

	if (r <= 0)
		return r;
	*off = strs->len;
	*len = n;
	mv_buf_add(strs, t, n);
	mv_buf_add(strs, "", 1);
	free(dec);
	return 0;
}

/* A string into buf (of MV_IDBUF bytes) when it fits, as ids do: no
 * malloc for the 1.6 million ids of a rebuild's links. Anything else
 * leaves buf empty, which idx_id_ok refuses. */
static int
get_id(struct mv_js *s, char *buf)
{
	const char *t;
	char *dec;
	size_t n;
	int r = get_bytes(s, &t, &n, &dec);

	buf[0] = '\0';
	if (r <= 0)
		return r;
	if (n < MV_IDBUF) {
		memcpy(buf, t, n);
		buf[n] = '\0';
	}
	free(dec);
	return 0;
}

/* A number; *isnum says whether it was one (null and others: 0). */
static int
get_num(struct mv_js *s, double *v, int *isnum)
{
	mv_js_ws(s);
	*isnum = 0;
	if (s->p < s->e && (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))) {
		*isnum = 1;
		return mv_js_num(s, v);
	}
	return mv_js_skip(s);
}

static int
is_null(struct mv_js *s)
{
	mv_js_ws(s);
	return s->p < s->e && *s->p == 'n';
}

/* ---- reading profiles ------------------------------------------------ */

/* Empty p for the next profile, keeping the room of its link lists:
 * a reader slot goes through sixty profiles in a rebuild. */
void
idx_prof_clear(struct prof *p)
{
	struct pend *pend = p->pend;
	size_t cappend = p->cappend;
	struct mv_buf strs = p->strs;

	free(p->name);
	free(p->imdb);
	free(p->created);
	free(p->vadded);
	free(p->vpath);
	free(p->mpath);
	free(p->madded);
	free(p->otitle);
	free(p->olang);
	free(p->tjson);
	free(p->ajson);
	free(p->vjson);
	idx_strv_free(p->ext, p->next);
	idx_collof_free(&p->coll);
	memset(p, 0, sizeof *p);
	p->pend = pend;
	p->cappend = cappend;
	p->strs = strs;
	p->strs.len = 0;
}

void
idx_prof_free(struct prof *p)
{
	idx_prof_clear(p);
	free(p->pend);
	mv_buf_free(&p->strs);
	memset(p, 0, sizeof *p);
}

/* who (a valid id) and detail (at offset doff of p->strs, dlen long;
 * doff SIZE_MAX for none) become a pending link. */
static void
pend_add(struct prof *p, const char *who, size_t doff, size_t dlen, char role)
{
	struct pend *e;

	if (p->npend == p->cappend) {
		p->cappend = p->cappend ? p->cappend * 2 : 32;
		p->pend = mv_xrealloc(p->pend, p->cappend * sizeof *p->pend);
	}
	e = &p->pend[p->npend++];
	memcpy(e->who, who, strlen(who) + 1);
	e->mnum = 0;
	e->detail = NULL;
	e->doff = doff;
	e->dlen = doff == SIZE_MAX ? 0 : dlen;
	e->role = role;
	e->known = 0;
}

static void
ext_add(struct prof *p, char *key)
{
	if (p->next == p->capext) {
		p->capext = p->capext ? p->capext * 2 : 4;
		p->ext = mv_xrealloc(p->ext, p->capext * sizeof *p->ext);
	}
	p->ext[p->next++] = key;
}

/* "source:value", malloc'd. */
static char *
ext_key(const char *src, size_t n, const char *val, size_t vn)
{
	char *k = mv_xmalloc(n + vn + 2);

	memcpy(k, src, n);
	k[n] = ':';
	memcpy(k + n + 1, val, vn + 1);
	return k;
}

/* externalIds: every member becomes "source:value"; tmdb also kept. */
static int
scan_ext(struct mv_js *s, struct prof *p)
{
	const char *k, *t;
	size_t n, tn;
	int first = 1, r, esc;
	double v;

	if (is_null(s))
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		char src[32];

		if (n == (size_t)-1 || n == 0 || n >= sizeof src) {
			if (mv_js_skip(s) < 0)
				return -1;
			continue;
		}
		memcpy(src, k, n);
		src[n] = '\0';
		mv_js_ws(s);
		if (s->p < s->e && *s->p == '"') {
			if (mv_js_str(s, &t, &tn, &esc) < 0)
				return -1;
			char *val = mv_js_decode(t, tn, esc);

			if (*val && !strchr(val, '/'))
				ext_add(p, ext_key(src, n, val, strlen(val)));
			if (strcmp(src, "imdb") == 0 && *val) {
				free(p->imdb);
				p->imdb = val;
			} else
				free(val);
		} else if (s->p < s->e && (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))) {
			const char *t0 = s->p;

			if (mv_js_num(s, &v) < 0)
				return -1;
			if (v == floor(v) && v > 0 && v < 9007199254740992.0) {
				char num[24];
				size_t nl = (size_t)(s->p - t0), d = 0;

				/* Digits alone are the number's own decimal (JSON
				 * has no leading zeros): no snprintf, 600,000 of
				 * them a rebuild. */
				while (d < nl && t0[d] >= '0' && t0[d] <= '9')
					d++;
				if (d == nl && nl < sizeof num) {
					memcpy(num, t0, nl);
					num[nl] = '\0';
				} else
					nl = (size_t)snprintf(num, sizeof num, "%lld", (long long)v);
				ext_add(p, ext_key(src, n, num, nl));
				if (strcmp(src, "tmdb") == 0) {
					p->tmdb = v;
					p->has_tmdb = 1;
				}
			}
		} else if (mv_js_skip(s) < 0)
			return -1;
	}
	return r;
}

static int
scan_video(struct mv_js *s, struct prof *p)
{
	const char *k;
	size_t n;
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "path"))
			r = idx_get_str(s, &p->vpath);
		else if (mv_js_key_is(k, n, "addedAt"))
			r = idx_get_str(s, &p->vadded);
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	return r;
}

/* The raw bytes of a non-empty string at s (*t, *n: between the quotes,
 * escapes kept, so they are JSON as they are); 1 for one, 0 for any
 * other value (skipped), -1 on error. */
static int
raw_ref(struct mv_js *s, const char **t, size_t *n)
{
	int esc, r = mv_js_str_or_skip(s, t, n, &esc);

	return r <= 0 ? r : *n > 0;
}

/* true at s: 1, anything else (skipped): 0, -1 on error. */
static int
is_true(struct mv_js *s)
{
	mv_js_ws(s);
	if (s->p < s->e && *s->p == 't')
		return mv_js_literal(s) < 0 ? -1 : 1;
	return mv_js_skip(s) < 0 ? -1 : 0;
}

/*
 * A video's subtitles [{lang, forced, sdh, ...}] as the tags of their
 * filed names, appended to b as JSON strings: "en", "fr.forced",
 * "en.sdh" ("und" for no language). Tags, not objects: a listing
 * shows the languages, the profile has the rest (paths, origins), and
 * the index stays small at 100,000 movies.
 */
static int
scan_subs(struct mv_js *s, struct mv_buf *b)
{
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '[')
		return mv_js_skip(s);
	if (mv_js_arr_begin(s) < 0)
		return -1;
	while ((r = mv_js_arr_next(s, &first)) == 1) {
		const char *k, *lang = "und";
		size_t n, ln = 3;
		int f2 = 1, forced = 0, sdh = 0;

		mv_js_ws(s);
		if (s->p >= s->e || *s->p != '{') {
			if (mv_js_skip(s) < 0)
				return -1;
			continue;
		}
		if (mv_js_obj_begin(s) < 0)
			return -1;
		while ((r = mv_js_obj_next(s, &f2, &k, &n)) == 1) {
			if (mv_js_key_is(k, n, "lang"))
				r = raw_ref(s, &lang, &ln);
			else if (mv_js_key_is(k, n, "forced"))
				r = forced = is_true(s);
			else if (mv_js_key_is(k, n, "sdh"))
				r = sdh = is_true(s);
			else
				r = mv_js_skip(s);
			if (r < 0)
				return -1;
		}
		if (r < 0)
			return -1;
		mv_buf_adds(b, b->len ? ",\"" : "\"");
		mv_buf_add(b, lang, ln);
		if (forced)
			mv_buf_adds(b, ".forced");
		if (sdh)
			mv_buf_adds(b, ".sdh");
		mv_buf_add(b, "\"", 1);
	}
	return r;
}

/* What the index item says of one entry of videos[]: raw string bytes
 * (borrowed from the profile's text) and the subtitles' tags. */
struct vitem {
	const char *path, *edition, *quality;
	size_t pn, en, qn;
	double part;
	int has_part;
	struct mv_buf subs;
};

/* The compact item text of v appended to b: {"path", "part", "edition",
 * "quality", "subtitles"}, absent members left out. 1 if it says more
 * than its path. */
static int
vitem_text(struct mv_buf *b, const struct vitem *v)
{
	int more = 0;

	mv_buf_adds(b, b->len > 1 ? ",{\"path\":\"" : "{\"path\":\"");
	mv_buf_add(b, v->path, v->pn);
	mv_buf_add(b, "\"", 1);
	if (v->has_part && v->part == floor(v->part) && v->part >= 1 && v->part < 1e9) {
		mv_buf_printf(b, ",\"part\":%d", (int)v->part);
		more = 1;
	}
	if (v->edition) {
		mv_buf_adds(b, ",\"edition\":\"");
		mv_buf_add(b, v->edition, v->en);
		mv_buf_add(b, "\"", 1);
		more = 1;
	}
	if (v->quality) {
		mv_buf_adds(b, ",\"quality\":\"");
		mv_buf_add(b, v->quality, v->qn);
		mv_buf_add(b, "\"", 1);
		more = 1;
	}
	if (v->subs.len) {
		mv_buf_adds(b, ",\"subtitles\":[");
		mv_buf_add(b, v->subs.buf, v->subs.len);
		mv_buf_add(b, "]", 1);
		more = 1;
	}
	mv_buf_add(b, "}", 1);
	return more;
}

/* One entry of videos[] into v and its main-video candidate m (path,
 * addedAt: malloc'd). 0, or -1 on error. */
static int
scan_vitem(struct mv_js *s, struct vitem *v, struct prof *m)
{
	const char *k;
	size_t n;
	int f2 = 1, r;

	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &f2, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "path")) {
			struct mv_js at = *s;

			if ((r = raw_ref(&at, &v->path, &v->pn)) == 0)
				v->path = NULL;
			if (r >= 0)
				r = idx_get_str(s, &m->vpath);
		} else if (mv_js_key_is(k, n, "addedAt"))
			r = idx_get_str(s, &m->vadded);
		else if (mv_js_key_is(k, n, "part"))
			r = get_num(s, &v->part, &v->has_part);
		else if (mv_js_key_is(k, n, "edition")) {
			if ((r = raw_ref(s, &v->edition, &v->en)) == 0)
				v->edition = NULL;
		} else if (mv_js_key_is(k, n, "quality")) {
			if ((r = raw_ref(s, &v->quality, &v->qn)) == 0)
				v->quality = NULL;
		} else if (mv_js_key_is(k, n, "subtitles"))
			r = scan_subs(s, &v->subs);
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	return r;
}

/*
 * videos[] of a v2 movie: the main video, as mv_movie_video picks it
 * (the first without a part, else part 1, else the first), into
 * p->mpath and p->madded; and the item's "videos" text into p->vjson,
 * unless the movie has one video that says no more than its path
 * (the item's "video" says it all: most movies, and no bytes spent).
 */
static int
scan_videos(struct mv_js *s, struct prof *p)
{
	struct mv_buf b = {0};
	int first = 1, r, more = 0;
	size_t nv = 0;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '[')
		return mv_js_skip(s);
	if (mv_js_arr_begin(s) < 0)
		return -1;
	mv_buf_add(&b, "[", 1);
	while ((r = mv_js_arr_next(s, &first)) == 1) {
		struct prof v = { 0 };
		struct vitem vi = { 0 };
		int rank;

		mv_js_ws(s);
		if (s->p >= s->e || *s->p != '{') {
			if ((r = mv_js_skip(s)) < 0)
				break;
			continue;
		}
		r = scan_vitem(s, &vi, &v);
		rank = !vi.has_part ? 1 : vi.part == 1 ? 2 : 3;
		if (r == 0 && (!p->mrank || rank < p->mrank)) {
			free(p->mpath);
			free(p->madded);
			p->mpath = v.vpath;
			p->madded = v.vadded;
			p->mrank = rank;
		} else {
			free(v.vpath);
			free(v.vadded);
		}
		if (r == 0 && vi.path) {
			more |= vitem_text(&b, &vi);
			nv++;
		}
		mv_buf_free(&vi.subs);
		if (r < 0)
			break;
	}
	mv_buf_add(&b, "]", 1);
	free(p->vjson);
	p->vjson = NULL;
	if (r == 0 && (nv > 1 || more))
		p->vjson = b.buf;
	else
		mv_buf_free(&b);
	return r;
}

/* Append the raw string at s (quotes included) to b; 1 if it was a
 * non-empty string, 0 for anything else (skipped), -1 on error. The
 * scanner has checked the escapes, so the bytes are JSON as they are. */
static int
raw_str(struct mv_js *s, struct mv_buf *b)
{
	const char *t;
	size_t n;
	int r;

	if ((r = raw_ref(s, &t, &n)) <= 0)
		return r;
	mv_buf_add(b, "\"", 1);
	mv_buf_add(b, t, n);
	mv_buf_add(b, "\"", 1);
	return 1;
}

/* titles {"fr-FR": "…"} as compact JSON text in *out (NULL if empty):
 * the index carries them so that a listing shows and searches the
 * title in the user's language without reading a profile. */
static int
scan_titles(struct mv_js *s, char **out)
{
	struct mv_buf b = {0};
	const char *k;
	size_t n, mark;
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	mv_buf_add(&b, "{", 1);
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (n == (size_t)-1 || n == 0 || n > 16) {
			if ((r = mv_js_skip(s)) < 0)
				break;
			continue;
		}
		mark = b.len;
		/* Not mv_buf_printf: 1,800 instructions a title. */
		if (b.len > 1)
			mv_buf_add(&b, ",", 1);
		mv_buf_add(&b, "\"", 1);
		mv_buf_add(&b, k, n);
		mv_buf_add(&b, "\":", 2);
		if ((r = raw_str(s, &b)) < 0)
			break;
		if (r == 0)
			b.len = mark;
	}
	mv_buf_add(&b, "}", 1);
	free(*out);
	*out = NULL;
	if (r == 0 && b.len > 2)
		*out = b.buf;
	else
		mv_buf_free(&b);
	return r;
}

/* alternativeTitles [{"title": "…", …}] as the compact text of an array
 * of the titles in *out (NULL if none). */
static int
scan_alts(struct mv_js *s, char **out)
{
	struct mv_buf b = {0};
	const char *k;
	size_t n, mark;
	int first = 1, r, ofirst;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '[')
		return mv_js_skip(s);
	if (mv_js_arr_begin(s) < 0)
		return -1;
	mv_buf_add(&b, "[", 1);
	while ((r = mv_js_arr_next(s, &first)) == 1) {
		mv_js_ws(s);
		if (s->p >= s->e || *s->p != '{') {
			if ((r = mv_js_skip(s)) < 0)
				break;
			continue;
		}
		if ((r = mv_js_obj_begin(s)) < 0)
			break;
		ofirst = 1;
		while ((r = mv_js_obj_next(s, &ofirst, &k, &n)) == 1) {
			if (!mv_js_key_is(k, n, "title")) {
				if ((r = mv_js_skip(s)) < 0)
					break;
				continue;
			}
			mark = b.len;
			if (b.len > 1)
				mv_buf_add(&b, ",", 1);
			if ((r = raw_str(s, &b)) < 0)
				break;
			if (r == 0)
				b.len = mark;
		}
		if (r < 0)
			break;
	}
	mv_buf_add(&b, "]", 1);
	free(*out);
	*out = NULL;
	if (r == 0 && b.len > 2)
		*out = b.buf;
	else
		mv_buf_free(&b);
	return r;
}

/*
 * An array of link objects: credits.cast / credits.crew of a movie
 * (idkey "person") or movies[] of a person (idkey "movie", role read from
 * each element). Elements without a valid id are ignored: the index keeps
 * what it can use, and `mvctl check` judges the document.
 */
static int
scan_links(struct mv_js *s, struct prof *p, const char *idkey, char role)
{
	const char *k;
	size_t n, idlen = strlen(idkey);
	int first = 1, r;
	char want = idkey[0] == 'p' ? 'p' : 'm';

	if (is_null(s))
		return mv_js_skip(s);
	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '[')
		return mv_js_skip(s);
	if (mv_js_arr_begin(s) < 0)
		return -1;
	while ((r = mv_js_arr_next(s, &first)) == 1) {
		char who[MV_IDBUF] = "", rl[MV_IDBUF] = "", myrole;
		size_t ch = SIZE_MAX, job = SIZE_MAX, chlen = 0, joblen = 0;
		int f2 = 1;

		mv_js_ws(s);
		if (s->p >= s->e || *s->p != '{') {
			if (mv_js_skip(s) < 0)
				return -1;
			continue;
		}
		if (mv_js_obj_begin(s) < 0)
			return -1;
		while ((r = mv_js_obj_next(s, &f2, &k, &n)) == 1) {
			/* Not mv_js_key_is: for a key that is no literal,
			 * its strlen is a call, 3 million a rebuild. */
			if (n == idlen && memcmp(k, idkey, n) == 0)
				r = get_id(s, who);
			else if (mv_js_key_is(k, n, "character"))
				r = get_detail(s, &p->strs, &ch, &chlen);
			else if (mv_js_key_is(k, n, "job"))
				r = get_detail(s, &p->strs, &job, &joblen);
			else if (!role && mv_js_key_is(k, n, "role"))
				r = get_id(s, rl);
			else
				r = mv_js_skip(s);
			if (r < 0)
				return -1;
		}
		if (r < 0)
			return -1;
		myrole = role ? role : strcmp(rl, "cast") == 0 ? 'c' :
		    strcmp(rl, "crew") == 0 ? 'w' : 0;
		if (!myrole || !idx_id_ok(who, want))
			continue;
		if (myrole == 'c')
			pend_add(p, who, ch, chlen, 'c');
		else
			pend_add(p, who, job, joblen, 'w');
	}
	return r;
}

static int
scan_credits(struct mv_js *s, struct prof *p)
{
	const char *k;
	size_t n;
	int first = 1, r;

	mv_js_ws(s);
	if (s->p >= s->e || *s->p != '{')
		return mv_js_skip(s);
	if (mv_js_obj_begin(s) < 0)
		return -1;
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "cast"))
			r = scan_links(s, p, "person", 'c');
		else if (mv_js_key_is(k, n, "crew"))
			r = scan_links(s, p, "person", 'w');
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	return r;
}

/* Scan a whole profile of kind 'm' or 'p'. 0, or -1 with s->err set. */
static int
scan_profile(struct mv_js *s, struct prof *p, char kind)
{
	const char *k;
	size_t n, len, off[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
	int first = 1, r, isnum;

	if (mv_js_obj_begin(s) < 0)
		return mv_js_fail(s, "invalid JSON: not an object");
	while ((r = mv_js_obj_next(s, &first, &k, &n)) == 1) {
		if (mv_js_key_is(k, n, "schemaVersion")) {
			r = get_num(s, &p->schema, &isnum);
			p->has_schema = isnum;
		} else if (mv_js_key_is(k, n, "id"))
			r = get_detail(s, &p->strs, &off[0], &len);
		else if (mv_js_key_is(k, n, kind == 'm' ? "title" : "name"))
			r = idx_get_str(s, &p->name);
		else if (mv_js_key_is(k, n, "level"))
			r = get_detail(s, &p->strs, &off[1], &len);
		else if (kind == 'm' && mv_js_key_is(k, n, "status"))
			r = get_detail(s, &p->strs, &off[2], &len);
		else if (kind == 'm' && mv_js_key_is(k, n, "createdAt"))
			r = idx_get_str(s, &p->created);
		else if (kind == 'm' && mv_js_key_is(k, n, "year")) {
			p->year_null = is_null(s);
			r = get_num(s, &p->year, &p->has_year);
		} else if (mv_js_key_is(k, n, "externalIds"))
			r = scan_ext(s, p);
		else if (kind == 'm' && mv_js_key_is(k, n, "video"))
			r = scan_video(s, p);
		else if (kind == 'm' && mv_js_key_is(k, n, "videos"))
			r = scan_videos(s, p);
		else if (kind == 'm' && mv_js_key_is(k, n, "credits"))
			r = scan_credits(s, p);
		else if (kind == 'm' && mv_js_key_is(k, n, "originalTitle"))
			r = idx_get_str(s, &p->otitle);
		else if (kind == 'm' && mv_js_key_is(k, n, "originalLanguage"))
			r = idx_get_str(s, &p->olang);
		else if (kind == 'm' && mv_js_key_is(k, n, "titles"))
			r = scan_titles(s, &p->tjson);
		else if (kind == 'm' && mv_js_key_is(k, n, "alternativeTitles"))
			r = scan_alts(s, &p->ajson);
		else if (kind == 'm' && idx_coll_key(k, n))
			r = idx_coll_scan(s, p, k, n);
		else if (kind == 'p' && mv_js_key_is(k, n, "movies"))
			r = scan_links(s, p, "movie", 0);
		else
			r = mv_js_skip(s);
		if (r < 0)
			return -1;
	}
	if (r < 0)
		return -1;
	mv_js_ws(s);
	if (s->p != s->e)
		return mv_js_fail(s, "invalid JSON: data after the document");
	/* p->strs is done growing: point into it. */
	p->id = off[0] == SIZE_MAX ? NULL : p->strs.buf + off[0];
	p->level = off[1] == SIZE_MAX ? NULL : p->strs.buf + off[1];
	p->status = off[2] == SIZE_MAX ? NULL : p->strs.buf + off[2];
	return 0;
}

/* Link order (idx_link_key_cmp) for pending links. */
int
idx_pend_cmp(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->mnum != y->mnum)
		return x->mnum < y->mnum ? -1 : 1;
	if (x->role != y->role)
		return x->role == 'c' ? -1 : 1;
	if (!x->detail || !y->detail)
		return (x->detail != NULL) - (y->detail != NULL);
	return strcmp(x->detail, y->detail);
}

/* Point the pending links at their details, now that p->strs is done
 * growing. A person's links are put in link order (by its reader
 * thread), so that applying them is one merge (person_links). */
static void
pend_finish(struct prof *p, char kind)
{
	size_t i;
	int sorted = 1;

	for (i = 0; i < p->npend; i++) {
		struct pend *e = &p->pend[i];

		e->detail = e->doff == SIZE_MAX ? NULL : p->strs.buf + e->doff;
		if (kind != 'p')
			continue;
		e->mnum = idx_id_num(e->who);
		if (i && idx_pend_cmp(e - 1, e) > 0)
			sorted = 0;
	}
	if (!sorted)
		qsort(p->pend, p->npend, sizeof *p->pend, idx_pend_cmp);
}

/* The index's words for a scanner's reason: how a document is broken
 * in detail is mvctl check's business. */
static const char *
scan_why(const char *err)
{
	if (strncmp(err, "invalid JSON (", 14) != 0)
		return err;     /* our own, from scan_profile */
	if (strcmp(err, "invalid JSON (nested too deeply)") == 0)
		return "invalid JSON: nested too deep";
	return "invalid JSON";
}

/* What the index needs of a profile; NULL if fine, else a static reason. */
static const char *
prof_check(const struct prof *p, char kind, const char *want_id)
{
	enum mv_level l;

	if (!p->has_schema)
		return "missing schemaVersion";
	if (p->schema != MV_SCHEMA_VERSION && (kind != 'm' ||
	    p->schema != MV_MOVIE_SCHEMA_VERSION))
		return "unsupported schemaVersion";
	if (!p->id)
		return "missing id";
	if (strcmp(p->id, want_id) != 0)
		return "id does not match the file name";
	if (!p->name || !*p->name)
		return kind == 'm' ? "missing title" : "missing name";
	if (!p->level || (l = mv_level_parse(p->level)) == MV_LEVEL_BAD ||
	    strcmp(p->level, "light") == 0 || (kind == 'p' && l == MV_MEDIUM))
		return "missing or unknown level";
	if (kind == 'm' && (!p->status || !mv_status_valid(p->status)))
		return "missing or unknown status";
	if (kind == 'm' && p->has_year && (p->year != floor(p->year) ||
	    p->year < 1800 || p->year > 2200))
		return "year is not a year";
	return NULL;
}

/*
 * Scan and check the text of id's profile (len bytes; NULL if it could
 * not be read, why saying why) into p, printing nothing (reader threads
 * call it). Returns 1 with *p filled, 0 if the file does not exist, -1
 * with *why (a static reason) if it cannot be used.
 */
static int
prof_text(const char *id, struct prof *p, const char *text, size_t len,
    const char **why, int err)
{
	struct mv_js s;

	idx_prof_clear(p);
	if (!text)
		return err == ENOENT ? 0 : -1;
	/* No MV_JS_UTF8: a profile cJSON wrote (and mvctl check reads)
	 * may hold bytes that are not UTF-8; keep it. */
	mv_js_init(&s, text, len, 0);
	if (scan_profile(&s, p, id[0]) < 0)
		*why = scan_why(s.err);
	else if (!(*why = prof_check(p, id[0], id)))
		pend_finish(p, id[0]);
	/* A v1 movie, not migrated yet, has its one "video"; a v2 one its
	 * videos[] (v1's "videos" are trailers: no path, never picked). */
	if (!*why && id[0] == 'm' && p->schema == MV_MOVIE_SCHEMA_VERSION) {
		free(p->vpath);
		free(p->vadded);
		p->vpath = p->mpath;
		p->vadded = p->madded;
		p->mpath = p->madded = NULL;
	} else if (!*why && id[0] == 'm') {
		free(p->vjson);
		p->vjson = NULL;
	}
	if (*why) {
		idx_prof_clear(p);
		return -1;
	}
	return 1;
}

/* mv_profiles_read's scan for a struct batch (ctx), on a reader. */
static void
batch_scan(void *ctx, size_t i, size_t slot, const char *text, size_t len,
    const char *why, int err)
{
	struct batch *b = ctx;

	b->why[slot] = why;
	b->err[slot] = err;
	b->res[slot] = prof_text(b->ids[i], &b->profs[slot], text, len,
	    &b->why[slot], err);
}

void
idx_prof_warn(const char *id, const char *why)
{
	mv_warnx("unable to read %s/%s.json: %s", id[0] == 'm' ? "Movies" : "People",
	    id, why);
}

void
idx_batch_add(struct batch *b, const struct fileid *v, size_t n)
{
	b->ids = mv_xrealloc(b->ids, (b->n + n + 1) * sizeof *b->ids);
	b->regular = mv_xrealloc(b->regular, b->n + n + 1);
	for (size_t i = 0; i < n; i++) {
		b->regular[b->n] = v[i].regular;
		b->ids[b->n++] = v[i].id;
	}
}

void
idx_batch_read(struct batch *b, void (*take)(void *ctx, size_t i, size_t slot))
{
	mv_profiles_read(&(struct mv_profiles){
		.ids = b->ids, .regular = b->regular, .n = b->n, .max = MV_PROFILE_MAX,
		.window = WINDOW, .scan = batch_scan, .take = take, .ctx = b});
}

void
idx_batch_free(struct batch *b)
{
	for (size_t i = 0; i < WINDOW; i++)
		idx_prof_free(&b->profs[i]);
	free(b->ids);
	free(b->regular);
	free(b);
}

void
idx_batch_skip(struct batch *b, size_t i, size_t slot)
{
	idx_prof_warn(b->ids[i], b->why[slot]);
	if (b->err[slot] && !b->ix->read_errno)
		b->ix->read_errno = b->err[slot];
	b->skipped++;
}

/* The read buffer of updates, reused: the filter makes thousands. */
static _Thread_local struct mv_buf rbuf;

void
idx_read_free(void)
{
	mv_buf_free(&rbuf);
}

/* Read and scan id's profile into a new p (free with idx_prof_free),
 * reporting what is wrong: "unable to read Movies/m3.json: ..." */
int
idx_prof_load(const char *id, struct prof *p)
{
	const char *why;
	int r, err = 0;

	memset(p, 0, sizeof *p);
	if (mv_profile_read(-1, id, MV_PROFILE_MAX, &rbuf, &why) < 0)
		err = errno;
	r = prof_text(id, p, why ? NULL : rbuf.buf, rbuf.len, &why, err);
	if (r < 0)
		idx_prof_warn(id, why);
	return r;
}

/* Numeric order of canonical ids (no leading zeros): shorter first,
 * then by text. */
static int
id_cmp(const void *a, const void *b)
{
	const struct fileid *x = a, *y = b;

	return x->len != y->len ? (x->len < y->len ? -1 : 1) :
	    memcmp(x->id, y->id, x->len);
}

/* Sorted list of the ids in dir ("Movies"), by number. *n gets the count. */
struct fileid *
idx_list_ids(const char *dir, char kind, size_t *n)
{
	char *path = mv_path("%s", dir);
	struct fileid *v = NULL, *f;
	size_t cap = 0;
	DIR *d;
	struct dirent *e;

	*n = 0;
	if (!(d = opendir(path))) {
		if (errno != ENOENT)
			mv_warn("read %s", dir);
		free(path);
		return NULL;
	}
	free(path);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 7 || len - 5 >= MV_IDBUF || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = mv_xrealloc(v, cap * sizeof *v);
		}
		f = &v[*n];
		memcpy(f->id, e->d_name, len - 5);
		f->id[len - 5] = '\0';
		f->len = (unsigned char)(len - 5);
		f->regular = e->d_type == DT_REG;
		if (idx_id_ok(f->id, kind))
			(*n)++;
	}
	closedir(d);
	/* In id order: messages come out in a stable order. */
	if (*n)
		qsort(v, *n, sizeof *v, id_cmp);
	return v;
}

