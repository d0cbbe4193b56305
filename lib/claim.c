/* claim.c: external ids claimed by symlinks, atomically and race-free. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

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

char *
mv_claim_owner(char kind, const char *source, const char *value)
{
	char *path = claim_path(kind, source, value), target[PATH_MAX];
	ssize_t n;
	int saved;

	if (!path)
		return NULL;
	n = readlink(path, target, sizeof target - 1);
	saved = errno;
	free(path);
	if (n < 0) {
		errno = saved;
		return NULL;
	}
	target[n] = '\0';
	return mv_xstrdup(target);
}

int
mv_claim(const char *source, const char *value, const char *id, char **owner)
{
	char *path = claim_path(id[0], source, value), *dir, *cur;
	int r, saved;

	if (owner)
		*owner = NULL;
	if (!path)
		return -1;
	r = symlink(id, path);
	if (r < 0 && errno == ENOENT) {
		/* First claim ever: index/ext/ is created on demand. */
		dir = mv_path("index/ext/%c", id[0]);
		if (mv_mkdir_p(dir, 0755) == 0)
			r = symlink(id, path);
		free(dir);
	}
	saved = errno;
	free(path);
	if (r == 0)
		return 0;
	if (saved != EEXIST) {
		errno = saved;
		return -1;
	}
	cur = mv_claim_owner(id[0], source, value);
	if (cur && strcmp(cur, id) == 0) {
		free(cur);
		return 0;
	}
	if (owner)
		*owner = cur;
	else
		free(cur);
	errno = EEXIST;
	return -1;
}

int
mv_unclaim(const char *source, const char *value, const char *id)
{
	char *cur = mv_claim_owner(id[0], source, value), *path;
	int r;

	if (!cur)
		return errno == ENOENT ? 0 : -1;
	if (strcmp(cur, id) != 0) {
		free(cur);
		errno = EPERM;
		return -1;
	}
	free(cur);
	path = claim_path(id[0], source, value);
	r = unlink(path);
	free(path);
	return r;
}
