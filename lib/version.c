/* version.c: the parts and versions of one film, and what a newcomer to it is. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mv.h"

int
mv_quality_rank(const char *label)
{
	/* By the lines of the picture, as the probe and the parser both
	 * spell them; HDR or not, a 1080p is a 1080p. */
	static const struct { const char *p; int rank; } q[] = {
		{"2160", 4}, {"4k", 4}, {"uhd", 4}, {"1080", 3}, {"720", 2},
		{"576", 1}, {"540", 1}, {"480", 1}, {"360", 1}, {"sd", 1},
	};

	for (size_t i = 0; label && i < sizeof q / sizeof *q; i++)
		if (!strncasecmp(label, q[i].p, strlen(q[i].p)))
			return q[i].rank;
	return 0;
}

/* What the parser reads from v's source name: its field key ("edition",
 * "resolution"), malloc'd, or NULL. */
static char *
parsed(const cJSON *v, const char *key)
{
	const char *src = mv_json_str(v, "source", NULL);
	struct mv_name n;
	char *s = NULL;

	if (!src)
		return NULL;
	mv_parse_name(src, &n);
	if (!strcmp(key, "edition") && n.edition)
		s = mv_xstrdup(n.edition);
	else if (!strcmp(key, "resolution") && n.resolution)
		s = mv_xstrdup(n.resolution);
	mv_name_free(&n);
	return s;
}

char *
mv_video_quality(const cJSON *v)
{
	const char *q = mv_json_str(v, "quality", NULL);

	if (!q)
		q = mv_json_str(cJSON_GetObjectItemCaseSensitive(v, "media"), "quality", NULL);
	return q ? mv_xstrdup(q) : parsed(v, "resolution");
}

char *
mv_video_edition(const cJSON *v)
{
	const char *e = mv_json_str(v, "edition", NULL);

	return e ? mv_xstrdup(e) : parsed(v, "edition");
}

/* Two labels name the same thing: case, spaces and punctuation aside
 * ("Director's Cut", "directors cut"); NULL is only NULL's. */
static int
same_label(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	for (;;) {
		while (*a && !isalnum((unsigned char)*a))
			a++;
		while (*b && !isalnum((unsigned char)*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
			return 0;
	}
}

/* 1 when a and b are of one edition and, unless any_quality, quality (a
 * quality unknown on either side counts as the same: nothing tells them
 * apart). */
static int
same_copy(const cJSON *a, const cJSON *b, int any_quality)
{
	char *ea = mv_video_edition(a), *eb = mv_video_edition(b);
	char *qa = mv_video_quality(a), *qb = mv_video_quality(b);
	int ra = mv_quality_rank(qa), rb = mv_quality_rank(qb);
	int r = same_label(ea, eb) && (any_quality || !ra || !rb || ra == rb);

	free(ea);
	free(eb);
	free(qa);
	free(qb);
	return r;
}

cJSON *
mv_version_twin(const cJSON *m, const cJSON *v, int any_quality)
{
	long long part = mv_json_int(v, "part", 0);
	cJSON *e;

	cJSON_ArrayForEach(e, mv_movie_videos(m)) {
		long long ep = mv_json_int(e, "part", 0);

		/* A whole film holds every part of the same copy. */
		if (e != v && same_copy(e, v, any_quality) && (!part || !ep || part == ep))
			return e;
	}
	return NULL;
}

void
mv_version_label(const cJSON *m, cJSON *v, int keep)
{
	char *ed = mv_video_edition(v), *q = mv_video_quality(v);
	const cJSON *e, *sibling = NULL;
	int same_ed = 0;

	if (ed)
		mv_json_set(v, "edition", cJSON_CreateString(ed));
	cJSON_DeleteItemFromObjectCaseSensitive(v, "quality");
	cJSON_ArrayForEach(e, mv_movie_videos(m)) {
		char *ee = mv_video_edition(e);

		if (e != v && same_label(ed, ee)) {
			same_ed = 1;
			/* Another part of this very copy: the parts of one
			 * copy share their stem, or no player stacks them. */
			if (!keep && mv_json_int(v, "part", 0) > 0 &&
			    mv_json_int(e, "part", 0) > 0 && same_copy(e, v, 0))
				sibling = e;
		}
		free(ee);
	}
	if (sibling) {
		if (mv_json_str(sibling, "quality", NULL))
			mv_json_set(v, "quality", cJSON_CreateString(
			    mv_json_str(sibling, "quality", "")));
	} else if (q && (same_ed || keep))
		/* Only a quality tells it from a copy of its edition. */
		mv_json_set(v, "quality", cJSON_CreateString(q));
	free(ed);
	free(q);
}

enum mv_duplicates
mv_duplicates(void)
{
	static int warned;
	const char *s = mv_config_get("duplicates", "review");

	if (!strcmp(s, "review"))
		return MV_DUPS_REVIEW;
	if (!strcmp(s, "keep"))
		return MV_DUPS_KEEP;
	if (!strcmp(s, "upgrade"))
		return MV_DUPS_UPGRADE;
	if (!warned++)
		mv_warnx("unable to use duplicates \"%s\": want review, keep or "
		    "upgrade; using review", s);
	return MV_DUPS_REVIEW;
}
