/* listing.c: the one order, filter and page of every listing (mvctl, mvserve). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mv.h"

/*
 * mvctl and mvserve list the same index entries; when each sorted and
 * paged on its own, the two orders drifted apart on ties. Everything a
 * listing shows in which order lives here: the sort keys, the q filter,
 * the page arithmetic and the PaginatedResponse text with its links.
 * The order is documented in mv.h (and mvctl(1), mvserve(1)).
 */

static const char *const sort_names[MV_SORT_COUNT] = {
	"title", "year", "added", "lastRead", "id",
	"-title", "-year", "-added", "-lastRead", "-id",
};

int
mv_sort_parse(const char *s)
{
	for (int k = 0; s && k < MV_SORT_COUNT; k++)
		if (strcmp(sort_names[k], s) == 0)
			return k;
	return -1;
}

const char *
mv_sort_name(int sort)
{
	return sort >= 0 && sort < MV_SORT_COUNT ? sort_names[sort] : "title";
}

/*
 * The order (issue 19). A comparison sort of 500,000 names took 200 to
 * 400 ms (perf: chasing a pointer to a key, then to its string, per
 * comparison), and mvserve sorted at start and on a sort's first
 * request. So the keys are sorted by radix, eight bytes of a key a
 * round: O(n) for years and ids, and for titles and dates O(the bytes
 * that tell them apart). The order stays the one mv.h documents: the
 * sort's value (missing last, in both directions), then the id's
 * number, the two reversed together for a "-" sort, then the place in
 * the input.
 */

/* An entry being sorted: its key's bytes at this round, its place. */
struct rk {
	uint64_t c;
	uint32_t i;
};

/* What one sort reads of the keys. */
struct sorter {
	const struct mv_list_key *k;
	int field;          /* sort % 5 */
	char stop;          /* a title's first line ends at '\n' */
	uint64_t flip;      /* all ones for the dates: newest first */
};

enum { SMALL = 48 };    /* runs this short are sorted by comparison */

static uint64_t
num_bits(long long n)
{
	return (uint64_t)n ^ 1ULL << 63;
}

/* A year's bits, ordered as the numbers are. */
static uint64_t
year_bits(double y)
{
	uint64_t u;

	if (y == 0)
		y = 0;  /* -0 is 0 */
	memcpy(&u, &y, sizeof u);
	return u >> 63 ? ~u : u | 1ULL << 63;
}

/* The string key of entry i: its fold's first line, or a date. */
static const char *
str_of(const struct sorter *x, uint32_t i)
{
	const struct mv_list_key *k = &x->k[i];

	return x->field == MV_SORT_TITLE ? k->fold :
	    x->field == MV_SORT_ADDED ? k->added : k->last_read;
}

/* Eight bytes of s from off (which s holds), big-endian; the end (or a
 * stop byte) and what follows read as 0, as strcmp ranks them. */
static uint64_t
chunk(const char *s, size_t off, char stop)
{
	uint64_t c = 0;
	int i;

	s += off;
	for (i = 0; i < 8 && s[i] && s[i] != stop; i++)
		c = c << 8 | (unsigned char)s[i];
	return i ? c << (8 * (8 - i)) : 0;
}

/* strcmp of a and b, with stop read as their end. */
static int
str_cmp(const char *a, const char *b, char stop)
{
	unsigned char p, q;

	for (;; a++, b++) {
		p = *a == stop ? 0 : (unsigned char)*a;
		q = *b == stop ? 0 : (unsigned char)*b;
		if (p != q || !p)
			return p < q ? -1 : p > q;
	}
}

/* Stable sort of a[0..n) by c (tmp: room for n): a byte a pass, least
 * significant first, skipping the bytes all entries share. */
static void
rsort(struct rk *a, struct rk *tmp, size_t n)
{
	size_t (*cnt)[256], sum, t;
	struct rk *src = a, *dst = tmp, *sw;

	/* Already in order, as the entries of an index written by id. */
	for (t = 1; t < n && src[t - 1].c <= src[t].c; t++)
		;
	if (t >= n)
		return;
	if (n < SMALL) {
		for (size_t j = 1; j < n; j++) {
			struct rk v = a[j];
			size_t m = j;

			for (; m > 0 && a[m - 1].c > v.c; m--)
				a[m] = a[m - 1];
			a[m] = v;
		}
		return;
	}
	cnt = mv_xcalloc(8, sizeof *cnt);
	for (size_t j = 0; j < n; j++)
		for (int b = 0; b < 8; b++)
			cnt[b][a[j].c >> 8 * b & 255]++;
	for (int b = 0; b < 8; b++) {
		if (cnt[b][a[0].c >> 8 * b & 255] == n)
			continue;
		sum = 0;
		for (int v = 0; v < 256; v++) {
			t = cnt[b][v];
			cnt[b][v] = sum;
			sum += t;
		}
		for (size_t j = 0; j < n; j++)
			dst[cnt[b][src[j].c >> 8 * b & 255]++] = src[j];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(cnt);
}

/* The run a[0..n) whose keys tie: by id number, then as it was. */
static void
num_sort(const struct sorter *x, struct rk *a, struct rk *tmp, size_t n)
{
	for (size_t j = 0; j < n; j++)
		a[j].c = num_bits(x->k[a[j].i].num);
	rsort(a, tmp, n);
}

/* A short run of strings equal in their first off bytes, by comparison:
 * the rest, then the id's number; stable. */
static void
small_sort(const struct sorter *x, struct rk *a, size_t n, size_t off)
{
	for (size_t j = 1; j < n; j++) {
		struct rk v = a[j];
		size_t m = j;

		for (; m > 0; m--) {
			const struct mv_list_key *p = &x->k[a[m - 1].i], *q = &x->k[v.i];
			int r = str_cmp(str_of(x, a[m - 1].i) + off, str_of(x, v.i) + off, x->stop);

			r = x->flip ? -r : r;
			if (r < 0 || (r == 0 && p->num <= q->num))
				break;
			a[m] = a[m - 1];
		}
		a[m] = v;
	}
}

/* The run a[0..n) of strings equal in their first off bytes: by the
 * next eight, then each run that ties there by the rest, or, when its
 * strings ended there, by id number. */
static void
str_sort(const struct sorter *x, struct rk *a, struct rk *tmp, size_t n, size_t off)
{
	size_t e;

	for (;; off += 8) {
		if (n < SMALL) {
			small_sort(x, a, n, off);
			return;
		}
		for (size_t j = 0; j < n; j++)
			a[j].c = chunk(str_of(x, a[j].i), off, x->stop) ^ x->flip;
		rsort(a, tmp, n);
		if (a[0].c != a[n - 1].c)
			break;
		/* One run: go on in place, not deeper in the stack. */
		if (!((a[0].c ^ x->flip) & 255)) {
			num_sort(x, a, tmp, n);
			return;
		}
	}
	for (size_t j = 0; j < n; j = e) {
		for (e = j + 1; e < n && a[e].c == a[j].c; e++)
			;
		if (e - j < 2)
			continue;
		if ((a[j].c ^ x->flip) & 255)
			str_sort(x, a + j, tmp, e - j, off + 8);
		else
			num_sort(x, a + j, tmp, e - j);
	}
}

/* The entries a[0..n) that have the sort's value, in its order. */
static void
value_sort(const struct sorter *x, struct rk *a, struct rk *tmp, size_t n)
{
	size_t e;

	if (x->field != MV_SORT_YEAR) {
		if (x->field == MV_SORT_ID)
			num_sort(x, a, tmp, n);
		else
			str_sort(x, a, tmp, n, 0);
		return;
	}
	for (size_t j = 0; j < n; j++)
		a[j].c = year_bits(x->k[a[j].i].year);
	rsort(a, tmp, n);
	for (size_t j = 0; j < n; j = e) {
		for (e = j + 1; e < n && a[e].c == a[j].c; e++)
			;
		if (e - j > 1)
			num_sort(x, a + j, tmp, e - j);
	}
}

/* 1 if entries i and j tie in the whole order but for their place. */
static int
full_tie(const struct sorter *x, uint32_t i, uint32_t j, int missing)
{
	const struct mv_list_key *p = &x->k[i], *q = &x->k[j];

	if (p->num != q->num)
		return 0;
	if (missing || x->field == MV_SORT_ID)
		return 1;
	if (x->field == MV_SORT_YEAR)
		return p->year == q->year;
	return str_cmp(str_of(x, i), str_of(x, j), x->stop) == 0;
}

/* A "-" sort from its sort's order a[0..n): reversed, but entries that
 * tie but for their place stay in the input's order. */
static void
reverse(const struct sorter *x, struct rk *a, size_t n, int missing)
{
	size_t e;

	for (size_t j = 0; j < n / 2; j++) {
		struct rk t = a[j];

		a[j] = a[n - 1 - j];
		a[n - 1 - j] = t;
	}
	for (size_t j = 0; j < n; j = e) {
		for (e = j + 1; e < n && full_tie(x, a[j].i, a[e].i, missing); e++)
			;
		for (size_t l = j, r = e - 1; l < r; l++, r--) {
			struct rk t = a[l];

			a[l] = a[r];
			a[r] = t;
		}
	}
}

/* The number of an index id ("m42", "p7"), or -1. */
static long long
id_number(const cJSON *it)
{
	const char *id = mv_json_str(it, "id", NULL);

	return id && id[0] && id[1] >= '0' && id[1] <= '9' ? atoll(id + 1) : -1;
}

void
mv_list_fold_add(struct mv_buf *b, const char *s, int first)
{
	char *f;

	if (!first && (!s || !*s))
		return;
	f = mv_title_fold(s);
	if (!first)
		mv_buf_add(b, "\n", 1);
	mv_buf_adds(b, f);
	free(f);
}

/*
 * The title (TMDB's default) comes first, as the title sort reads it;
 * every other title the movie is known by follows, one a line: a folded
 * q never holds a newline, so it matches within one title only.
 */
char *
mv_list_fold(const cJSON *item)
{
	const char *s = mv_json_str(item, "title", NULL);
	struct mv_buf b = {0};
	const cJSON *v;

	if (!s)
		s = mv_json_str(item, "name", NULL);
	if (!s)
		return NULL;
	if (!mv_json_str(item, "originalTitle", NULL) &&
	    !cJSON_GetObjectItemCaseSensitive(item, "titles") &&
	    !cJSON_GetObjectItemCaseSensitive(item, "alternativeTitles"))
		return mv_title_fold(s);
	b.buf = mv_title_fold(s);
	b.len = b.cap = strlen(b.buf);
	mv_list_fold_add(&b, mv_json_str(item, "originalTitle", NULL), 0);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "titles"))
		mv_list_fold_add(&b, cJSON_IsString(v) ? v->valuestring : NULL, 0);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(item, "alternativeTitles"))
		mv_list_fold_add(&b, cJSON_IsString(v) ? v->valuestring : NULL, 0);
	return b.buf;
}

void
mv_list_order(const cJSON *const *items, size_t n, int sort, size_t *order)
{
	struct mv_list_key *k = mv_xcalloc(n + 1, sizeof *k);
	char **folds = mv_xcalloc(n + 1, sizeof *folds);

	for (size_t i = 0; i < n; i++) {
		const cJSON *it = items[i], *y = cJSON_GetObjectItemCaseSensitive(it, "year");

		k[i].num = id_number(it);
		if (sort % 5 == MV_SORT_TITLE)
			k[i].fold = folds[i] = mv_list_fold(it);
		k[i].added = mv_json_str(it, "addedAt", NULL);
		k[i].last_read = mv_json_str(it, "lastRead", NULL);
		k[i].has_year = cJSON_IsNumber(y);
		k[i].year = k[i].has_year ? y->valuedouble : -1;
	}
	mv_list_order_keys(k, n, sort, order);
	for (size_t i = 0; i < n; i++)
		free(folds[i]);
	free(folds);
	free(k);
}

/* 1 if entry i has no value for the sort. */
static int
missing(const struct sorter *x, size_t i)
{
	if (x->field == MV_SORT_YEAR)
		return !x->k[i].has_year;
	return x->field != MV_SORT_ID && !str_of(x, (uint32_t)i);
}

void
mv_list_order_keys(const struct mv_list_key *k, size_t n, int sort, size_t *order)
{
	struct sorter x = { k, sort % 5, sort % 5 == MV_SORT_TITLE ? '\n' : '\0',
		sort % 5 == MV_SORT_ADDED || sort % 5 == MV_SORT_LASTREAD ? ~0ULL : 0 };
	struct rk *a = mv_xmalloc_big((n + 1) * sizeof *a);
	struct rk *tmp = mv_xmalloc_big((n + 1) * sizeof *tmp);
	size_t have = 0, miss = n;

	/* The entries with a value from the front, those without from the
	 * back, each in the input's order once the back is turned round. */
	for (size_t i = 0; i < n; i++)
		a[missing(&x, i) ? --miss : have++].i = (uint32_t)i;
	for (size_t l = have, r = n; l + 1 < r; l++, r--) {
		struct rk t = a[l];

		a[l] = a[r - 1];
		a[r - 1] = t;
	}
	value_sort(&x, a, tmp, have);
	num_sort(&x, a + have, tmp, n - have);
	if (sort >= 5) {
		reverse(&x, a, have, 0);
		reverse(&x, a + have, n - have, 1);
	}
	for (size_t i = 0; i < n; i++)
		order[i] = a[i].i;
	free(a);
	free(tmp);
}

/*
 * Design (issue 19). A q over 100,000 movies was a strstr on each fold,
 * 10 ms a request (perf: 69% in strstr). Most folds cannot match: a fold
 * that holds q holds every pair of adjacent bytes of q. So each fold has
 * a signature, one bit of 128 for each of its pairs, and strstr runs only
 * where every bit of q's pairs is set. A 100-byte fold sets about half
 * the bits; a q of 11 bytes then lets about one fold in 1,000 through.
 * The signature only skips folds that cannot match: which match is still
 * strstr's word, as in mv_list_filter.
 */
static unsigned
pair_bit(unsigned char a, unsigned char b)
{
	return ((a * 251u + b) * 2654435761u) >> 25;   /* 0..127 */
}

void
mv_list_sig(const char *fold, struct mv_list_sig *sig)
{
	const unsigned char *s = (const unsigned char *)(fold ? fold : "");

	sig->w[0] = sig->w[1] = 0;
	for (; s[0] && s[1]; s++) {
		unsigned bit = pair_bit(s[0], s[1]);

		sig->w[bit >> 6] |= 1ull << (bit & 63);
	}
}

size_t
mv_list_match(char *const *folds, const struct mv_list_sig *sig, size_t n, const char *q,
    unsigned char *hit)
{
	char *fq = mv_title_fold(q ? q : "");
	struct mv_list_sig want;
	size_t kept = 0;

	/* A q of punctuation only folds to nothing: it filters nothing. */
	if (!*fq) {
		free(fq);
		memset(hit, 1, n);
		return n;
	}
	mv_list_sig(fq, &want);
	for (size_t e = 0; e < n; e++) {
		hit[e] = (sig[e].w[0] & want.w[0]) == want.w[0] &&
		    (sig[e].w[1] & want.w[1]) == want.w[1] && folds[e] && strstr(folds[e], fq);
		kept += hit[e];
	}
	free(fq);
	return kept;
}

size_t
mv_list_filter(const cJSON *const *items, size_t *sel, size_t n, const char *q,
    char **folds)
{
	char *fq;
	size_t kept = 0;

	if (!q || !*q)
		return n;
	fq = mv_title_fold(q);
	/* A q of punctuation only folds to nothing: it filters nothing. */
	if (!*fq) {
		free(fq);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		size_t e = sel[i];
		char *f = folds ? folds[e] : NULL;

		if (!f && items)
			f = mv_list_fold(items[e]);
		if (f && strstr(f, fq))
			sel[kept++] = e;
		if (folds)
			folds[e] = f;
		else
			free(f);
	}
	free(fq);
	return kept;
}

long
mv_list_pages(const struct mv_listing *l, size_t total)
{
	return (long)((total + (size_t)l->per_page - 1) / (size_t)l->per_page);
}

void
mv_list_range(const struct mv_listing *l, size_t total, size_t *from, size_t *to)
{
	size_t per = (size_t)l->per_page, f = (size_t)(l->page - 1);

	/* A page past the end is empty, not an overflow. */
	*from = f > total / per ? total : f * per;
	if (*from > total)
		*from = total;
	*to = total - *from < per ? total : *from + per;
}

/* Append s percent-encoded for a query value. */
static void
url_encode(struct mv_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch)) {
			mv_buf_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			mv_buf_add(b, e, 3);
		}
	}
}

char *
mv_list_link(const char *base, const struct mv_listing *l, long page)
{
	struct mv_buf b = { 0 };

	mv_buf_printf(&b, "%s?page=%ld&perPage=%ld&sort=%s", base ? base : "",
	    page, l->per_page, mv_sort_name(l->sort));
	if (l->q && *l->q) {
		mv_buf_adds(&b, "&q=");
		url_encode(&b, l->q);
	}
	return b.buf;
}

/* Append ,"name":"<link>" or ,"name":null (page 0). */
static void
put_link(struct mv_buf *b, const char *name, const char *base,
    const struct mv_listing *l, long page)
{
	cJSON *s;
	char *t;

	mv_buf_printf(b, ",\"%s\":", name);
	if (page < 1) {
		mv_buf_adds(b, "null");
		return;
	}
	/* base may hold a person's id from a request: escape it as JSON. */
	t = mv_list_link(base, l, page);
	s = cJSON_CreateString(t);
	free(t);
	t = mv_json_compact(s);
	mv_buf_adds(b, t);
	free(t);
	cJSON_Delete(s);
}

void
mv_list_write(struct mv_buf *b, const struct mv_listing *l, size_t total,
    const char *base, mv_list_put_fn put, void *ctx)
{
	long pages = mv_list_pages(l, total);
	size_t from, to;

	mv_list_range(l, total, &from, &to);
	mv_buf_adds(b, "{\"items\":[");
	for (size_t i = from; i < to; i++) {
		if (i > from)
			mv_buf_adds(b, ",");
		put(b, i, ctx);
	}
	mv_buf_printf(b, "],\"page\":%ld,\"perPage\":%ld,\"totalItems\":%zu,"
	    "\"totalPages\":%ld", l->page, l->per_page, total, pages);
	put_link(b, "next", base, l, l->page < pages ? l->page + 1 : 0);
	/* Past the end, prev still leads back to the last page. */
	put_link(b, "prev", base, l, l->page > 1 && pages > 0 ?
	    (l->page - 1 < pages ? l->page - 1 : pages) : 0);
	mv_buf_adds(b, "}");
}

/* ---- the review queue --------------------------------------------------- */

/* 1 if name in dir (under the data directory) is a folder. */
static int
is_dir_in(const char *dir, const char *name)
{
	char *p = mv_path("%s/%s", dir, name);
	struct stat st;
	int r = stat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return r;
}

long
mv_review_count(void)
{
	static const char note[] = ".why.json";
	size_t n, len, nl = sizeof note - 1;
	char **v = mv_dir_list("quarantine", NULL, &n);
	long c = 0;

	for (size_t i = 0; i < n; i++) {
		const char *t;

		len = strlen(v[i]);
		if (len > nl && strcmp(v[i] + len - nl, note) == 0)
			continue;
		/* A note's temp file ("x.mkv.why.json.tmp.<pid>") is no video. */
		if ((t = strstr(v[i], ".why.json.tmp.")) && !strchr(t + 14, '.'))
			continue;
		/* Nor are the folders of what is decided: replaced/ (copies an
		 * upgrade set aside) and rejected/ (mvctl review --reject). */
		if (is_dir_in("quarantine", v[i]))
			continue;
		c++;
	}
	mv_list_free(v, n);
	return c;
}
