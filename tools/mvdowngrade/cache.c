/* cache.c: what mvdowngrade's last scan read of each profile, kept by the profile's stat. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "mvdowngrade.h"

/*
 * A plan prices every movie, and reading 100,000 profiles costs seconds
 * where their stat costs a fraction (mvdowngrade(1), FILES). The cache
 * is derived: a profile whose inode, size, mtime or ctime moved is read
 * again, a cache that cannot be read counts as empty, and deleting it
 * costs one full scan. Only usable movies are kept, so every warning of
 * a bad profile is said again on each scan.
 *
 * cache/downgrade.scan: a header line, then per movie, in id order, a
 * line of numbers (id, inode, size, mtime and ctime in ns, level,
 * createdAt, year, the bytes of each level's members, and the lengths of
 * the title and of the images and cardPoster texts, 0: none), then those
 * three texts as they are and a newline. Titles and JSON may hold any
 * byte but NUL, hence lengths rather than separators.
 */

static const char HEADER[] = "mvdowngrade-scan 1\n";
#define CACHE "cache/downgrade.scan"
#define CACHE_MAX (1LL << 31)

static long long
num(const char *id)
{
	return strtoll(id + 1, NULL, 10);
}

/* Parse the numbers of one record at *p into f[0..nf); *p moves past
 * its newline. Returns 0, or -1 if the line is not that. */
static int
numbers(const char **p, const char *e, long long *f, int nf)
{
	char *q;

	for (int i = 0; i < nf; i++) {
		if (*p >= e || **p != ' ')
			return -1;
		errno = 0;
		f[i] = strtoll(*p + 1, &q, 10);
		if (errno || q == *p + 1 || q > e)
			return -1;
		*p = q;
	}
	if (*p >= e || **p != '\n')
		return -1;
	(*p)++;
	return 0;
}

/* Fill m from the record's fields f and texts at t. */
static void
take(struct movie *m, const long long *f, const char *t)
{
	m->level = (enum mv_level)f[4];
	m->created = (time_t)f[5];
	m->year = (int)f[6];
	for (int l = 0; l <= MV_DEEP; l++)
		m->above[l] = f[7 + l];
	m->pbytes = m->key[1];
	m->title = mv_xstrndup(t, (size_t)f[11]);
	t += f[11];
	if (f[12]) {
		m->imlen = (size_t)f[12];
		m->im = mv_xstrndup(t, m->imlen);
	}
	t += f[12];
	if (f[13]) {
		m->cardlen = (size_t)f[13];
		m->card = mv_xstrndup(t, m->cardlen);
	}
}

/*
 * Give each movie of v[0..n) (in id order, stated by the caller) whose
 * profile has the stat of its record what the record holds; the others
 * keep a NULL title. A record that cannot be parsed ends the reading.
 */
void
cache_load(struct movie *v, size_t n)
{
	char *path = mv_path(CACHE), *buf;
	const char *p, *e, *id;
	long long f[14];
	size_t len, idlen, j = 0;

	if (mv_slurp(path, CACHE_MAX, &buf, &len) < 0) {
		free(path);
		return;
	}
	free(path);
	p = buf;
	e = buf + len;
	if (len < sizeof HEADER - 1 || memcmp(p, HEADER, sizeof HEADER - 1))
		e = p;
	else
		p += sizeof HEADER - 1;
	while (p < e) {
		id = p;
		while (p < e && *p != ' ' && *p != '\n')
			p++;
		idlen = (size_t)(p - id);
		if (numbers(&p, e, f, 14) < 0 || f[4] < MV_MINIMAL || f[4] > MV_DEEP ||
		    f[11] < 1 || f[12] < 0 || f[13] < 0 ||
		    f[11] + f[12] + f[13] >= e - p || p[f[11] + f[12] + f[13]] != '\n')
			break;
		while (j < n && num(v[j].id) < num(id))
			j++;
		if (j < n && strlen(v[j].id) == idlen && !memcmp(v[j].id, id, idlen) &&
		    v[j].stated && !memcmp(v[j].key, f, sizeof v[j].key))
			take(&v[j], f, p);
		p += f[11] + f[12] + f[13] + 1;
	}
	free(buf);
}

/*
 * Write the usable movies of v[0..n) whose ctime is before horizon (ns):
 * one changed later may change again within its clock tick, unseen by
 * its stat. A cache that cannot be written is said once and costs the
 * next scan its speed, nothing else.
 */
void
cache_save(const struct movie *v, size_t n, long long horizon)
{
	struct mv_buf b = {0};
	char *dir = mv_path("cache");

	/* A data dir made before cache/ was one of its parts has none. */
	(void)mv_mkdir_p(dir, 0755);
	free(dir);
	mv_buf_adds(&b, HEADER);
	for (size_t i = 0; i < n; i++) {
		const struct movie *m = &v[i];

		if (m->bad || !m->title || !m->stated || m->key[3] >= horizon ||
		    m->pbytes != m->key[1])
			continue;
		mv_buf_printf(&b, "%s %lld %lld %lld %lld %d %lld %d %lld %lld %lld %lld"
		    " %zu %zu %zu\n", m->id, m->key[0], m->key[1], m->key[2], m->key[3],
		    (int)m->level, (long long)m->created, m->year, m->above[0],
		    m->above[1], m->above[2], m->above[3], strlen(m->title), m->imlen,
		    m->cardlen);
		mv_buf_adds(&b, m->title);
		if (m->im)
			mv_buf_add(&b, m->im, m->imlen);
		if (m->card)
			mv_buf_add(&b, m->card, m->cardlen);
		mv_buf_add(&b, "\n", 1);
	}
	(void)mv_write_state(CACHE, b.buf, b.len);
	mv_buf_free(&b);
}
