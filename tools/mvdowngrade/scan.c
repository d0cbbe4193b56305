/* scan.c: mvdowngrade's fast profile reader: what a plan needs of every profile, without building a cJSON tree. */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "mvdowngrade.h"

/*
 * A plan reads every profile, and cJSON builds a tree of all of it: far
 * too slow for 100,000 movies. libmv's pull scanner (scan.c) checks all
 * of the JSON, and scan_profile notes only what the plan needs: a few
 * members, and the bytes of each top-level member by the level it
 * belongs to (mv_movie_field_level, the one table). The downgrade itself
 * loads and strips with libmv.
 */

/*
 * mv_movie_field_level, remembered per thread: profiles repeat the same
 * few dozen member names a hundred thousand times.
 */
static enum mv_level
field_level(const char *key)
{
	static __thread struct {
		char key[64];
		enum mv_level level;
	} memo[128];
	size_t len = strlen(key);
	unsigned h = ((unsigned char)key[0] * 31u + (unsigned char)key[len - 1] * 7u +
	    (unsigned)len) & 127u;

	if (strcmp(memo[h].key, key) != 0) {
		snprintf(memo[h].key, sizeof memo[h].key, "%s", key);
		memo[h].level = mv_movie_field_level(key);
	}
	return memo[h].level;
}

/* A short string member's raw text (no escapes expected) into buf. */
static int
raw_string(const char *v, const char *ve, char *buf, size_t n)
{
	size_t len = (size_t)(ve - v);

	if (len < 2 || v[0] != '"' || len - 2 >= n || memchr(v + 1, '\\', len - 2))
		return -1;
	memcpy(buf, v + 1, len - 2);
	buf[len - 2] = '\0';
	return 0;
}

/* Bytes of the image files a downgrade to target removes: libmv says
 * which, from the members naming files alone (m->im: images, m->card:
 * cardPoster, either may be NULL). */
static long long
image_bytes(const struct movie *m, enum mv_level target)
{
	cJSON *mini = cJSON_CreateObject(), *files, *f;
	long long n = 0;

	if (m->im)
		cJSON_AddItemToObject(mini, "images", cJSON_ParseWithLength(m->im, m->imlen));
	if (m->card)
		cJSON_AddItemToObject(mini, "cardPoster",
		    cJSON_ParseWithLength(m->card, m->cardlen));
	files = mv_movie_strip(mini, target < MV_DEEP ? target : MV_MEDIUM);
	cJSON_ArrayForEach(f, files) {
		char *path = mv_path("%s", f->valuestring);
		struct stat st;

		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			n += st.st_size;
		free(path);
	}
	cJSON_Delete(files);
	cJSON_Delete(mini);
	return n;
}

/* The image bytes of usable movie m and what a downgrade to target
 * frees, from what its scan kept. */
void
movie_bytes(struct movie *m, enum mv_level target)
{
	m->ibytes = m->im || m->card ? image_bytes(m, target) : 0;
	m->freed = 0;
	if (m->level > target) {
		for (int l = target + 1; l <= MV_DEEP; l++)
			m->freed += m->above[l];
		m->freed += m->ibytes;
	}
}

/* Forget what a scan found of m (not its id nor its stat). */
void
movie_clear(struct movie *m)
{
	m->bad = NULL;
	free(m->title);
	m->title = NULL;
	m->year = 0;
	m->pbytes = m->ibytes = m->freed = 0;
	memset(m->above, 0, sizeof m->above);
	free(m->im);
	free(m->card);
	m->im = m->card = NULL;
	m->imlen = m->cardlen = 0;
}

/*
 * Scan the profile text buf[0..len) of movie m for a downgrade to
 * target. Sets m->bad (static reason) if it cannot be used.
 */
static void
scan_profile(struct movie *m, const char *buf, size_t len, enum mv_level target)
{
	struct mv_js s;
	long long *above = m->above;
	char key[64], tmp[64];
	const char *k, *ks = NULL, *v, *ve, *images[2] = {NULL, NULL};
	const char *card[2] = {NULL, NULL};
	size_t klen;
	int have_id = 0, have_level = 0, have_created = 0, first = 1, r;
	enum mv_level klevel = MV_MINIMAL;

	mv_js_init(&s, buf, len, 0);
	mv_js_ws(&s);
	if (s.p >= s.e || *s.p != '{') {
		m->bad = "not a JSON object";
		return;
	}
	mv_js_obj_begin(&s);
	for (;;) {
		r = mv_js_obj_next(&s, &first, &k, &klen);
		/* The previous member, its separator and the blanks up to
		 * this one (or the brace): what removing it takes off. */
		if (ks && r >= 0)
			above[klevel] += (r ? k - 1 : s.p - 1) - ks;
		if (r <= 0)
			break;
		ks = NULL;
		if (klen == (size_t)-1 || klen >= sizeof key)
			key[0] = '\0';
		else {
			memcpy(key, k, klen);
			key[klen] = '\0';
		}
		v = s.p;
		if (mv_js_skip(&s) < 0)
			break;
		ve = s.p;
		if (key[0]) {
			ks = k - 1;
			klevel = field_level(key);
		}
		if (!strcmp(key, "id")) {
			have_id = raw_string(v, ve, tmp, sizeof tmp) == 0 &&
			    !strcmp(tmp, m->id);
		} else if (!strcmp(key, "level")) {
			have_level = raw_string(v, ve, tmp, sizeof tmp) == 0 &&
			    (m->level = mv_level_parse(tmp)) != MV_LEVEL_BAD;
		} else if (!strcmp(key, "createdAt")) {
			have_created = raw_string(v, ve, tmp, sizeof tmp) == 0 &&
			    mv_time_parse(tmp, &m->created) == 0;
		} else if (!strcmp(key, "title") && !m->title) {
			cJSON *t = cJSON_ParseWithLength(v, (size_t)(ve - v));

			if (cJSON_IsString(t) && *t->valuestring)
				m->title = mv_xstrdup(t->valuestring);
			cJSON_Delete(t);
		} else if (!strcmp(key, "year")) {
			m->year = *v >= '0' && *v <= '9' ? atoi(v) : 0;
		} else if (!strcmp(key, "images")) {
			images[0] = v;
			images[1] = ve;
		} else if (!strcmp(key, "cardPoster")) {
			card[0] = v;
			card[1] = ve;
		}
	}
	if (!s.err && mv_js_end(&s) < 0)
		s.err = "invalid JSON (data after the object)";
	if (s.err)
		m->bad = s.err;
	else if (!have_id)
		m->bad = "not a profile of that id";
	else if (!have_level)
		m->bad = "no valid level";
	else if (!have_created)
		m->bad = "no valid createdAt";
	else if (!m->title)
		m->bad = "no title";
	if (m->bad)
		return;
	if (images[0]) {
		m->imlen = (size_t)(images[1] - images[0]);
		m->im = mv_xstrndup(images[0], m->imlen);
	}
	if (card[0]) {
		m->cardlen = (size_t)(card[1] - card[0]);
		m->card = mv_xstrndup(card[0], m->cardlen);
	}
	movie_bytes(m, target);
}

/* The text of m's profile, or why there is none (mv_profiles_read's
 * words), scanned into m. */
static void
movie_text(struct movie *m, enum mv_level target, const char *text, size_t len,
    const char *why, int err)
{
	movie_clear(m);
	if (!text) {
		m->bad = err == ENOENT ? "removed while read" : why;
		return;
	}
	m->pbytes = (long long)len;
	scan_profile(m, text, len, target);
}

/* Read Movies/<m->id>.json into *buf (grown as needed) and scan it. */
void
read_movie(struct movie *m, enum mv_level target, char **buf, size_t *cap)
{
	struct mv_buf b = {*buf, 0, *cap};
	const char *why;
	int err = 0;

	if (mv_profile_read(-1, m->id, MV_PROFILE_MAX, &b, &why) < 0)
		err = errno;
	*buf = b.buf;
	*cap = b.cap;
	movie_text(m, target, why ? NULL : b.buf, b.len, why, err);
}

struct scan {
	struct movie *v;
	size_t *miss;           /* slot i of the read: v[miss[i]] */
	enum mv_level target;
};

static void
scan_one(void *ctx, size_t i, size_t slot, const char *text, size_t len,
    const char *why, int err)
{
	struct scan *sc = ctx;

	(void)i;
	movie_text(&sc->v[sc->miss[slot]], sc->target, text, len, why, err);
}

/* The stat of every profile, before it is read: a change after the stat
 * makes the next scan's stat differ, and read again. */
static void
stat_all(struct movie *v, size_t n)
{
	char *dir = mv_path("Movies"), name[80];
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	free(dir);
	for (size_t i = 0; i < n && dfd >= 0; i++) {
		snprintf(name, sizeof name, "%s.json", v[i].id);
		v[i].stated = fstatat(dfd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
		if (!v[i].stated)
			continue;
		v[i].key[0] = (long long)st.st_ino;
		v[i].key[1] = (long long)st.st_size;
		v[i].key[2] = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		v[i].key[3] = st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	}
	if (dfd >= 0)
		close(dfd);
}

/*
 * Scan every movie: a profile unchanged since the last scan (same
 * inode, size, mtime and ctime) is taken from the cache, the others are
 * read on every CPU (the files are independent), two readers per CPU: a
 * scan also waits on the stat of its images. Results land in their
 * slots, so reports come in id order whatever the timing. A profile
 * changed in the clock tick of its stat could keep its stat: the cache
 * keeps only those changed a few seconds before the scan.
 */
void
scan_all(struct movie *v, size_t n, enum mv_level target)
{
	struct timespec t0;
	struct scan sc = {v, mv_xcalloc(n + 1, sizeof *sc.miss), target};
	const char **ids = mv_xcalloc(n + 1, sizeof *ids);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = 0;
	long long horizon;
	int dirty = 0;

	clock_gettime(CLOCK_REALTIME, &t0);
	stat_all(v, n);
	cache_load(v, n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].title) {       /* from the cache */
			movie_bytes(&v[i], target);
			continue;
		}
		sc.miss[k] = i;
		ids[k++] = v[i].id;
	}
	mv_profiles_read(&(struct mv_profiles){
		.ids = ids, .n = k, .max = MV_PROFILE_MAX, .scan = scan_one,
		.ctx = &sc, .threads = cpus > 4 ? 8 : cpus < 1 ? 2 : (int)cpus * 2});
	horizon = (t0.tv_sec - 2) * 1000000000LL + t0.tv_nsec;
	for (size_t i = 0; i < k && !dirty; i++)
		dirty = !v[sc.miss[i]].bad && v[sc.miss[i]].key[3] < horizon;
	if (dirty)
		cache_save(v, n, horizon);
	free(ids);
	free(sc.miss);
}
