/* parse.c: read title, year, ids and release tags from a movie file path. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mv.h"
#include "parse_int.h"

/*
 * How it works. A path component is cut into tokens (words, brackets,
 * dashes). Each word is classified against one table of release tags
 * (resolution, source, codec, audio, language, edition, flags) and a few
 * patterns (years, x264, 1080p, CD1, tt1234567). A tag is either strong
 * (it never appears in a title: 1080p, x264, BluRay) or weak (it may:
 * French, Extended, 3D, DC); a weak tag ends the title only when it leads,
 * through other tags, to a strong tag, a year, a bracket or the end.
 * The title is the stretch before the first tag, cut at the release year,
 * which is the last year inside that stretch (so 1917, 2001 and 2049 in
 * titles survive). Parent folders are used when the file name says little.
 *
 * The parts: parse_tags.c holds the tag table, cuts a component into
 * tokens and classifies them; parse_title.c finds where the title of one
 * component starts and stops, and cleans its text; this file reads each
 * component of the path, chooses the one that names the film and collects
 * the tags. parse_int.h is what they share (parse_* names).
 */

/* ---- putting it together --------------------------------------------- */

/* Length of the extension at the end of name (with its dot), or 0: that
 * of a video, a subtitle or an NFO (mv_media_ext), the files that are
 * named after their film. */
static size_t
ext_len(const char *name, size_t n)
{
	size_t i, e;
	char k[8];

	for (i = n; i > 0 && n - i < 6; i--)
		if (name[i - 1] == '.')
			break;
	if (i <= 1 || name[i - 1] != '.' || n - i == 0 || n - i >= sizeof k)
		return 0;
	for (e = 0; e < n - i; e++)
		k[e] = (char)mv_ascii_lower((unsigned char)name[i + e]);
	k[e] = '\0';
	switch (mv_media_ext(k)) {
	case MV_MEDIA_VIDEO: case MV_MEDIA_SUBTITLE: case MV_MEDIA_NFO:
		return n - i + 1;
	default:
		return 0;
	}
}

/* One parsed component. */
struct part {
	struct comp c;
	struct reading r;
	char *title;    /* malloc'd, or NULL */
	char *fold;     /* malloc'd fold of title, on demand */
	size_t skip;    /* bytes of a scene prefix or site cut from the front */
};

/* Files named for their role, not their film: movie.mkv, VIDEO_TS,
 * VTS_01_1.VOB, sample.mkv, CD1. */
static int
generic_name(const char *fold)
{
	static const char *const names[] = {
		"movie", "film", "video", "sample", "trailer", "bdmv", "stream", "certificate", "samples", "subs",
		"subtitles", "extras", "featurettes", "video ts", "audio ts", NULL
	};
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(fold, names[i]))
			return 1;
	if (!strncmp(fold, "video ts", 8) || !strncmp(fold, "vts ", 4))
		return 1;
	if ((!strncmp(fold, "cd", 2) && parse_all_digits(fold + 2, strlen(fold + 2))) ||
	    (!strncmp(fold, "disc ", 5) && parse_all_digits(fold + 5, strlen(fold + 5))) ||
	    (!strncmp(fold, "disk ", 5) && parse_all_digits(fold + 5, strlen(fold + 5))))
		return 1;
	return 0;
}

/*
 * Bytes to drop from the front of a name: a "www.site.tld - " prefix, or
 * the lower-case scene group prefix of "blow-how.to.be.single.2016.mkv".
 */
static size_t
prefix_skip(const char *s, size_t n)
{
	size_t i;

	if (n > 4 && mv_ascii_lower((unsigned char)s[0]) == 'w' &&
	    mv_ascii_lower((unsigned char)s[1]) == 'w' &&
	    mv_ascii_lower((unsigned char)s[2]) == 'w' && s[3] == '.') {
		for (i = 4; i + 2 < n; i++)
			if (s[i] == ' ' && s[i + 1] == '-')
				return i + 2;
		for (i = 4; i < n; i++)
			if (s[i] == ' ')
				return i + 1;
		return 0;
	}
	if (parse_has_lower(s, n)) {
		size_t k;

		for (k = 0; k < n; k++)
			if (s[k] >= 'A' && s[k] <= 'Z')
				return 0;
		for (i = 0; i < n && i < 7 && (mv_ascii_alpha((unsigned char)s[i]) ||
		    mv_ascii_digit((unsigned char)s[i])); i++)
			;
		if (i >= 2 && i <= 6 && i < n && s[i] == '-' && i + 1 < n &&
		    mv_ascii_alpha((unsigned char)s[i + 1]) &&
		    memchr(s + i, '.', n - i))
			return i + 1;
	}
	return 0;
}

/* Disc-structure names: VIDEO_TS, BDMV, VTS_01_1. */
static int
raw_generic(const char *s, size_t n)
{
	static const char *const names[] = {
		"video_ts", "audio_ts", "bdmv", "stream", "certificate", "backup",
		"playlist", "clipinf", NULL
	};
	char k[16];
	size_t i;

	if (n >= sizeof k)
		return 0;
	for (i = 0; i < n; i++)
		k[i] = (char)mv_ascii_lower((unsigned char)s[i]);
	k[n] = '\0';
	for (i = 0; names[i]; i++)
		if (!strcmp(k, names[i]))
			return 1;
	return !strncmp(k, "vts_", 4) || !strncmp(k, "video_ts", 8);
}

/* Read one component; need_fold: compute the folded title even when
 * only folder comparisons need it. */
static void
part_read(struct part *p, const char *s, size_t n, int ymax, int need_fold)
{
	size_t skip;

	if (raw_generic(s, n)) {
		memset(&p->r, 0, sizeof p->r);
		p->r.generic = 1;
		p->c.n = 0;
		p->title = p->fold = NULL;
		return;
	}

	if (n > COMP_MAX)
		n = COMP_MAX;
	skip = prefix_skip(s, n);
	p->skip = skip;
	p->c.s = s + skip;
	p->c.len = n - skip;
	p->c.ymax = ymax;
	parse_tokenize(&p->c);
	parse_classify(&p->c);
	parse_read_comp(&p->c, &p->r);
	p->title = NULL;
	p->fold = NULL;
	if (p->r.te > p->r.ts) {
		const struct tok *a = &p->c.t[p->r.ts], *b = &p->c.t[p->r.te - 1];
		size_t end = b->off + b->len;

		/* keep the last dot of an acronym: "U.N.C.L.E." */
		if (end + 1 <= p->c.len && end >= 3 && p->c.s[end] == '.' &&
		    p->c.s[end - 2] == '.' &&
		    mv_ascii_alpha((unsigned char)p->c.s[end - 1]))
			end++;
		p->title = parse_clean_title(p->c.s + a->off, end - a->off);
	}
	if (p->title && (need_fold || (!p->r.year && !p->r.ntags))) {
		p->fold = mv_title_fold(p->title);
		p->r.generic = generic_name(p->fold) && !p->r.year && !p->r.ntags;
		if (!*p->fold) {
			free(p->fold);
			free(p->title);
			p->fold = p->title = NULL;
		}
	}
	if (!p->title)
		p->r.generic = 1;
}

static void
part_free(struct part *p)
{
	free(p->title);
	free(p->fold);
}

/* The component says something about a film: a year or a tag. */
static int
informative(const struct part *p)
{
	return p->title && !p->r.generic && (p->r.year || p->r.ntags > 0);
}

/* a ends with b at a word boundary (both folded). */
static int
ends_with_words(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (lb == 0 || lb > la || strcmp(a + la - lb, b) != 0)
		return 0;
	return la == lb || a[la - lb - 1] == ' ';
}

static int
has_letter(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mv_ascii_alpha((unsigned char)p[i]))
			return 1;
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s ? mv_xstrdup(s) : NULL;
}

static void
add_lang(struct mv_buf *b, const char *lang)
{
	const char *p = b->len ? b->buf : "";
	size_t n = strlen(lang);

	/* skip duplicates */
	while ((p = strstr(p, lang)) != NULL) {
		if ((p == b->buf || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	if (b->len)
		mv_buf_add(b, ",", 1);
	mv_buf_adds(b, lang);
}

/* Canonical resolution of a resolution token. */
static const char *
res_canon(const struct comp *c, int i)
{
	const struct tok *t = &c->t[i];
	const char *p = TXT(c, i);
	int h = 0, k = 0;

	if (t->canon)
		return t->canon;
	while (k < t->len && mv_ascii_digit((unsigned char)p[k]))
		h = h * 10 + (p[k++] - '0');
	if (k < t->len && (p[k] == 'x' || p[k] == 'X')) {
		h = 0;
		for (k++; k < t->len && mv_ascii_digit((unsigned char)p[k]); k++)
			h = h * 10 + (p[k] - '0');
		return h >= 1600 ? "2160p" : h >= 800 ? "1080p" : h >= 600 ? "720p" :
		    h >= 500 ? "576p" : "480p";
	}
	if (k < t->len && mv_ascii_lower((unsigned char)p[k]) == 'i')
		return h == 1080 ? "1080i" : h == 576 ? "576i" : "480i";
	switch (h) {
	case 2160: return "2160p";
	case 1440: return "1440p";
	case 1080: return "1080p";
	case 720: return "720p";
	case 576: return "576p";
	case 540: return "540p";
	case 480: return "480p";
	case 360: return "360p";
	}
	return NULL;
}

/* Canonical video codec of a codec token. */
static const char *
codec_canon(const struct comp *c, int i)
{
	const struct tok *t = &c->t[i];
	const char *p = TXT(c, i);
	char k[8];
	size_t n = 0, j;

	if (t->canon)
		return t->canon;
	for (j = 0; j < t->len && n < sizeof k - 1; j++)
		if (mv_ascii_alpha((unsigned char)p[j]) ||
		    mv_ascii_digit((unsigned char)p[j]))
			k[n++] = (char)mv_ascii_lower((unsigned char)p[j]);
	k[n] = '\0';
	if (t->span == 2 && n == 1 && i + 1 < c->n) {
		/* H.264 */
		const char *q = TXT(c, i + 1);

		for (j = 0; j < c->t[i + 1].len && n < sizeof k - 1; j++)
			k[n++] = q[j];
		k[n] = '\0';
	}
	if (!strcmp(k, "x264")) return "x264";
	if (!strcmp(k, "x265")) return "x265";
	if (!strcmp(k, "h264")) return "H.264";
	if (!strcmp(k, "h265")) return "H.265";
	if (!strncmp(k, "hevc", 4)) return "HEVC";
	if (!strncmp(k, "avc", 3)) return "AVC";
	if (!strcmp(k, "h263")) return "H.263";
	if (!strcmp(k, "h262")) return "H.262";
	return NULL;
}

/* Text of an edition phrase in title case: "Director's Cut". */
static char *
phrase_text(const struct comp *c, int i)
{
	const struct tok *a = &c->t[i], *b = &c->t[i + c->t[i].span - 1];
	char *s = parse_clean_title(c->s + a->off, b->off + b->len - a->off), *p;
	int start = 1;

	if (!s)
		return NULL;
	for (p = s; *p; p++) {
		if (*p == ' ') {
			start = 1;
			continue;
		}
		*p = (char)(start ? (*p >= 'a' && *p <= 'z' ? *p - 32 : *p) :
		    mv_ascii_lower((unsigned char)*p));
		start = 0;
	}
	/* "Directors.Cut" is the Director's Cut: one label, so that two
	 * copies of it compare as the same edition. */
	if (!strncmp(s, "Directors ", 10)) {
		p = mv_xasprintf("Director's %s", s + 10);
		free(s);
		s = p;
	}
	return s;
}

/* Fill the tag fields of out from the tokens of p outside its title. */
static void
collect(const struct part *p, struct mv_name *out, struct mv_buf *langs,
    struct mv_buf *ed)
{
	const struct comp *c = &p->c;
	int i, group = -1;

	for (i = 0; i < c->n; i++) {
		const struct tok *t = &c->t[i];

		if (i >= p->r.ts && i < p->r.te)
			continue;
		if (t->kind != K_WORD || t->span == 0)
			continue;
		switch (t->cls) {
		case C_RES:
			if (!out->resolution && res_canon(c, i))
				out->resolution = mv_xstrdup(res_canon(c, i));
			break;
		case C_SRC:
			if (!out->source && t->canon && t->str != S_TAIL)
				out->source = mv_xstrdup(t->canon);
			break;
		case C_CODEC:
			if (!out->codec && codec_canon(c, i))
				out->codec = mv_xstrdup(codec_canon(c, i));
			break;
		case C_LANG:
			if (t->canon)
				add_lang(langs, t->canon);
			break;
		case C_EDITION:
			if (t->canon) {
				if (!ed->len || !strstr(ed->buf, t->canon)) {
					if (ed->len)
						mv_buf_add(ed, " ", 1);
					mv_buf_adds(ed, t->canon);
				}
			} else {
				char *s = phrase_text(c, i);

				if (s && (!ed->len || !strstr(ed->buf, s))) {
					if (ed->len)
						mv_buf_add(ed, " ", 1);
					mv_buf_adds(ed, s);
				}
				free(s);
			}
			break;
		case C_PART:
			if (!out->part && t->num > 0)
				out->part = t->num;
			break;
		case C_ID:
			if (!strcmp(t->canon, "imdb") && t->len > 2 &&
			    mv_ascii_lower((unsigned char)TXT(c, i)[0]) == 't' &&
			    mv_ascii_lower((unsigned char)TXT(c, i)[1]) == 't') {
				if (!out->imdb)
					out->imdb = mv_xstrndup(TXT(c, i), t->len);
			} else if (i + 1 < c->n && c->t[i + 1].kind == K_WORD) {
				const struct tok *v = &c->t[i + 1];
				const char *q = TXT(c, i + 1);

				if (!strcmp(t->canon, "imdb") && c->t[i + 1].cls == C_ID &&
				    !out->imdb && v->len > 2)
					out->imdb = mv_xstrndup(q, v->len);
				else if (parse_all_digits(q, v->len) && v->len <= 12) {
					long long id = 0;
					unsigned k;

					/* the digits end at the token, not at the NUL */
					for (k = 0; k < v->len; k++)
						id = id * 10 + (q[k] - '0');

					if (!strcmp(t->canon, "tmdb") && !out->tmdb && id > 0)
						out->tmdb = id;
					else if (!strcmp(t->canon, "tvdb") && !out->tvdb &&
					    id > 0)
						out->tvdb = id;
				}
			}
			break;
		}
		if (i > p->r.te && t->hyph && t->cls == C_NONE && !t->year &&
		    c->t[i - 1].kind == K_WORD && c->t[i - 1].cls != C_ID &&
		    has_letter(TXT(c, i), t->len))
			group = i;
	}
	if (group >= 0 && !out->group)
		out->group = mv_xstrndup(TXT(c, group), c->t[group].len);
	/* The imdb value is lower case "tt" in ids. */
	if (out->imdb) {
		out->imdb[0] = 't';
		out->imdb[1] = 't';
	}
}

static int
current_year_max(void)
{
	time_t now = time(NULL);

	return (int)(1970 + (long long)now / 31556952) + 2;
}

/* Split path into its last max components, the file's first, into
 * comp/clen (pointers into path).  Returns how many. */
static int
split_path(const char *path, const char **comp, size_t *clen, int max)
{
	size_t n = strlen(path), e;
	int nc = 0;

	/* trailing slashes name the directory itself */
	while (n > 0 && path[n - 1] == '/')
		n--;
	e = n;
	while (nc < max && e > 0) {
		size_t b = e;

		while (b > 0 && path[b - 1] != '/')
			b--;
		if (e > b) {
			comp[nc] = path + b;
			clen[nc] = e - b;
			nc++;
		}
		e = b;
		while (e > 0 && path[e - 1] == '/')
			e--;
	}
	return nc;
}

/* What backs the reading out of part p (a folder's when from_folder).
 * Returns the confidence, 0 to 100. */
static int
confidence(const struct mv_name *out, const struct part *p, int from_folder)
{
	int conf = 40;

	if (out->year)
		conf += 30;
	if (p->r.ntags)
		conf += 15;
	if (out->tmdb || out->imdb)
		conf += 15;
	if (from_folder)
		conf -= 10;
	if (p->r.lead_year)
		conf -= 15;
	if (parse_all_digits(out->title, strlen(out->title)))
		conf -= 10;
	return conf < 0 ? 0 : conf > 100 ? 100 : conf;
}

int
mv_parse_name(const char *path, struct mv_name *out)
{
	/* Components from the end: file, parent, grandparent, … */
	enum { UP = 3 };
	struct part parts[UP + 1];
	const char *comp[UP + 1];
	size_t clen[UP + 1];
	size_t ext;
	int nc, i, ymax = current_year_max(), chosen = 0, from_folder = 0;
	struct mv_buf langs = {0}, ed = {0};
	const struct part *f, *a = NULL, *near = NULL;

	parse_tags_init();
	memset(out, 0, sizeof *out);
	nc = split_path(path, comp, clen, UP + 1);
	if (nc == 0)
		return -1;
	ext = ext_len(comp[0], clen[0]);
	if (ext) {
		out->ext = mv_xstrndup(comp[0] + clen[0] - ext + 1, ext - 1);
		for (i = 0; out->ext[i]; i++)
			out->ext[i] = (char)mv_ascii_lower((unsigned char)out->ext[i]);
	}
	part_read(&parts[0], comp[0], clen[0] - ext, ymax, nc > 1);
	for (i = 1; i < nc; i++)
		part_read(&parts[i], comp[i], clen[i], ymax, 1);
	f = &parts[0];
	/* The nearest folder that says something, and the nearest folder
	 * that is not a role name (VIDEO_TS, CD1, Sample). */
	for (i = 1; i < nc; i++) {
		if (!near && !parts[i].r.generic)
			near = &parts[i];
		if (informative(&parts[i])) {
			a = &parts[i];
			break;
		}
	}
	if (!f->title || f->r.generic) {
		if (a || near) {
			chosen = (int)((a ? a : near) - parts);
			from_folder = 1;
		}
	} else if (!informative(f)) {
		if (a) {
			chosen = (int)(a - parts);
			from_folder = 1;
		}
	} else if (a && a->r.year && a->title) {
		/* "Heat (1995)/Heat.1080p.mkv": the folder's year (and its
		 * spelling of the title) when the file names the same film. */
		if (!f->r.year && (strstr(f->fold, a->fold) || strstr(a->fold, f->fold)))
			chosen = (int)(a - parts);
		else if (f->r.year == a->r.year && strcmp(f->fold, a->fold) &&
		    ends_with_words(f->fold, a->fold))
			chosen = (int)(a - parts);
	}
	{
		const struct part *p = &parts[chosen];

		out->title = dup_or_null(p->title);
		out->year = p->r.year;
	}
	/* Tags: the file first, then the chosen folder, then the rest. */
	collect(f, out, &langs, &ed);
	for (i = 1; i < nc; i++)
		if (i == chosen || informative(&parts[i]) || parts[i].r.generic)
			collect(&parts[i], out, &langs, &ed);
	if (langs.len)
		out->languages = mv_xstrdup(langs.buf);
	if (ed.len)
		out->edition = mv_xstrdup(ed.buf);
	mv_buf_free(&langs);
	mv_buf_free(&ed);
	/* A folder "CD2" numbers the part. */
	if (!out->part)
		for (i = 1; i < nc; i++)
			if (parts[i].fold && !strncmp(parts[i].fold, "cd", 2) &&
			    parse_all_digits(parts[i].fold + 2, strlen(parts[i].fold + 2)) &&
			    parse_small_num(parts[i].fold + 2) > 0) {
				out->part = parse_small_num(parts[i].fold + 2);
				break;
			}
	/* Confidence: what backs the reading. */
	if (out->title)
		out->confidence = confidence(out, &parts[chosen], from_folder);
	for (i = 0; i < nc; i++)
		part_free(&parts[i]);
	return out->title ? 0 : -1;
}

void
mv_name_free(struct mv_name *n)
{
	free(n->title);
	free(n->edition);
	free(n->resolution);
	free(n->source);
	free(n->codec);
	free(n->group);
	free(n->languages);
	free(n->ext);
	free(n->imdb);
	memset(n, 0, sizeof *n);
}

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *
mv_name_json(const struct mv_name *n)
{
	cJSON *o = cJSON_CreateObject(), *langs;

	if (!o)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	add_str(o, "title", n->title);
	if (n->year)
		cJSON_AddNumberToObject(o, "year", n->year);
	else
		cJSON_AddNullToObject(o, "year");
	add_str(o, "edition", n->edition);
	add_str(o, "resolution", n->resolution);
	add_str(o, "source", n->source);
	add_str(o, "codec", n->codec);
	add_str(o, "group", n->group);
	langs = cJSON_AddArrayToObject(o, "languages");
	if (langs && n->languages) {
		const char *p = n->languages;

		while (*p) {
			const char *q = strchr(p, ',');
			size_t len = q ? (size_t)(q - p) : strlen(p);
			char *s = mv_xstrndup(p, len);

			cJSON_AddItemToArray(langs, cJSON_CreateString(s));
			free(s);
			p += len;
			if (*p == ',')
				p++;
		}
	}
	if (n->part)
		cJSON_AddNumberToObject(o, "part", n->part);
	else
		cJSON_AddNullToObject(o, "part");
	add_str(o, "ext", n->ext);
	if (n->tmdb)
		cJSON_AddNumberToObject(o, "tmdb", (double)n->tmdb);
	if (n->imdb)
		cJSON_AddStringToObject(o, "imdb", n->imdb);
	if (n->tvdb)
		cJSON_AddNumberToObject(o, "tvdb", (double)n->tvdb);
	cJSON_AddNumberToObject(o, "confidence", n->confidence);
	return o;
}
