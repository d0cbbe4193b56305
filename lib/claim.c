/* claim.c: external ids claimed by symlinks, atomically and race-free. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

/* How often mv_claim starts over when the link changes under it. */
#define CLAIM_TRIES 8

/* index/ext/<kind>/<source>:<value>, refusing names that leave the dir. */
static char *
claim_path(char kind, const char *source, const char *value)
{
	if ((kind != 'm' && kind != 'p') || !*source || !*value ||
	    strchr(source, '/') || strchr(value, '/') || value[0] == '.') {
		errno = EINVAL;
		return NULL;
	}
	return mv_path("index/ext/%c/%s:%s", kind, source, value);
}

/* The target of the link at path: malloc'd, or NULL with errno. */
static char *
link_target(const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof target - 1);

	if (n < 0)
		return NULL;
	target[n] = '\0';
	return mv_xstrdup(target);
}

/*
 * The one rule of a stale claim: its owner's profile is missing (or the
 * link names no id of its kind at all). A claim is only ever made for a
 * profile already on disk, so a missing one was deleted, or its writer
 * died before the claim was its; either way nobody holds the id now.
 * An error other than ENOENT says nothing: the claim counts as live.
 */
int
mv_claim_stale(char kind, const char *owner)
{
	char *p;
	int r;

	if (!mv_id_valid(owner, kind))
		return 1;
	p = mv_path("%s/%s.json", kind == 'm' ? "Movies" : "People", owner);
	r = access(p, F_OK) < 0 && errno == ENOENT;
	free(p);
	return r;
}

char *
mv_claim_owner(char kind, const char *source, const char *value)
{
	char *path = claim_path(kind, source, value), *cur;

	if (!path)
		return NULL;
	cur = link_target(path);
	free(path);
	if (cur && mv_claim_stale(kind, cur)) {
		free(cur);
		errno = ENOENT;
		return NULL;
	}
	return cur;
}

/*
 * Replace the claim at path, held by the stale owner, with one for id.
 * Takers and mv_claim_drop hold run/claims.lock and look again under it,
 * and symlink() never replaces a name, so a live claim is never lost: of
 * two takers of one stale claim, the second finds the first's (live).
 * Returns 0 when id holds it, 1 when the link changed meanwhile (look
 * again), -1 with errno.
 */
static int
take_over(const char *path, char kind, const char *stale, const char *id)
{
	const char *base = strrchr(path, '/') + 1;
	char *cur, *tmp;
	int lk, r, saved;

	if ((lk = mv_lock("claims", 1)) < 0)
		return -1;
	cur = link_target(path);
	if (!cur)
		r = errno == ENOENT ? 1 : -1;
	else if (strcmp(cur, stale) != 0 || !mv_claim_stale(kind, cur))
		r = 1;
	else {
		/* A hidden name in the same directory: readers skip it. */
		tmp = mv_xasprintf("%.*s.%s.%ld", (int)(base - path), path, base,
		    (long)getpid());
		unlink(tmp);
		r = symlink(id, tmp) == 0 && rename(tmp, path) == 0 ? 0 : -1;
		saved = errno;
		if (r < 0)
			unlink(tmp);
		free(tmp);
		errno = saved;
	}
	saved = errno;
	free(cur);
	mv_unlock(lk);
	errno = saved;
	return r;
}

/* symlink id at path, making index/ext/<kind> on the first claim ever.
 * 0 when made, 1 when the name exists, -1 with errno. */
static int
claim_link(const char *path, const char *id)
{
	char *dir;
	int r;

	if (symlink(id, path) == 0)
		return 0;
	if (errno == ENOENT) {
		dir = mv_path("index/ext/%c", id[0]);
		r = mv_mkdir_p(dir, 0755);
		free(dir);
		if (r == 0 && symlink(id, path) == 0)
			return 0;
	}
	return errno == EEXIST ? 1 : -1;
}

int
mv_claim(const char *source, const char *value, const char *id, char **owner)
{
	char *path = claim_path(id[0], source, value), *cur;
	int r = -1, tries, saved;

	if (owner)
		*owner = NULL;
	if (!path)
		return -1;
	for (tries = 0; tries < CLAIM_TRIES; tries++) {
		if ((r = claim_link(path, id)) != 1)
			break;
		if (!(cur = link_target(path))) {
			r = -1;
			if (errno == ENOENT)
				continue;       /* dropped meanwhile: claim it */
			break;
		}
		if (strcmp(cur, id) == 0) {
			free(cur);
			r = 0;
			break;
		}
		if (!mv_claim_stale(id[0], cur)) {
			if (owner)
				*owner = cur;
			else
				free(cur);
			errno = EEXIST;
			r = -1;
			break;
		}
		r = take_over(path, id[0], cur, id);
		free(cur);
		if (r <= 0)
			break;
	}
	if (tries == CLAIM_TRIES) {
		errno = EAGAIN;
		r = -1;
	}
	saved = errno;
	free(path);
	errno = saved;
	return r;
}

int
mv_claim_drop(char kind, const char *key, const char *owner)
{
	char *path, *cur;
	int lk, r = 0, saved;

	if (!strchr(key, ':') || strchr(key, '/') || key[0] == '.' ||
	    (kind != 'm' && kind != 'p')) {
		errno = EINVAL;
		return -1;
	}
	path = mv_path("index/ext/%c/%s", kind, key);
	/* Under the takers' lock: nobody replaces the link between our
	 * look and the unlink, so only owner's claim can go. */
	if ((lk = mv_lock("claims", 1)) < 0) {
		free(path);
		return -1;
	}
	if (!(cur = link_target(path)))
		r = errno == ENOENT ? 0 : -1;
	else if (strcmp(cur, owner) != 0) {
		errno = EPERM;
		r = -1;
	} else if (unlink(path) < 0 && errno != ENOENT)
		r = -1;
	saved = errno;
	free(cur);
	free(path);
	mv_unlock(lk);
	errno = saved;
	return r;
}

int
mv_unclaim(const char *source, const char *value, const char *id)
{
	char *path = claim_path(id[0], source, value), *key;
	int r;

	if (!path)
		return -1;
	free(path);
	key = mv_xasprintf("%s:%s", source, value);
	r = mv_claim_drop(id[0], key, id);
	free(key);
	return r;
}

int
mv_claims_follow(const char *id, const cJSON *before, const cJSON *after)
{
	const cJSON *v, *now;
	char num[32];
	const char *val;
	int bad = 0;

	cJSON_ArrayForEach(v, before) {
		if (cJSON_IsString(v))
			val = v->valuestring;
		else if (cJSON_IsNumber(v)) {
			snprintf(num, sizeof num, "%.0f", v->valuedouble);
			val = num;
		} else
			continue;
		now = after ? cJSON_GetObjectItemCaseSensitive(after, v->string) : NULL;
		if (now && (cJSON_IsString(now) || cJSON_IsNumber(now)))
			continue;  /* kept (a changed value is not a downgrade's) */
		if (mv_unclaim(v->string, val, id) < 0 && errno != EPERM) {
			mv_warn("drop claim %s:%s of %s", v->string, val, id);
			bad++;
		}
	}
	return bad;
}
