/* data.c: the data directory: where it is, its layout, locks and ids. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"

const char *mv_data;

static const char *const layout[] = {
	"incoming", "assets/videos", "assets/images", "Movies", "People",
	"index", "stats", "events", "quarantine", "cache/tmdb", "run",
};

int
mv_data_open(const char *opt, int create)
{
	const char *env;
	char *root;
	struct stat st;

	if (opt && *opt)
		root = mv_xstrdup(opt);
	else if ((env = getenv("MV_DATA")) && *env)
		root = mv_xstrdup(env);
	else if ((env = getenv("XDG_DATA_HOME")) && *env)
		root = mv_xasprintf("%s/mv", env);
	else if ((env = getenv("HOME")) && *env)
		root = mv_xasprintf("%s/.local/share/mv", env);
	else {
		mv_warnx("unable to find the data directory: set MV_DATA or HOME");
		return MV_EX_CONFIG;
	}
	/* Trailing slashes would double up in every path we build. */
	for (size_t n = strlen(root); n > 1 && root[n - 1] == '/'; n--)
		root[n - 1] = '\0';
	if (!create) {
		if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
			mv_warnx("unable to open data directory %s: %s", root,
			    errno ? strerror(errno) : "not a directory");
			free(root);
			return MV_EX_NOINPUT;
		}
		mv_data = root;
		return 0;
	}
	for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
		char *p = mv_xasprintf("%s/%s", root, layout[i]);

		if (mv_mkdir_p(p, 0755) < 0) {
			int code = mv_exit_for_errno(errno);

			mv_warn("create %s", p);
			free(p);
			free(root);
			return code == MV_EX_NOINPUT ? MV_EX_CANTCREAT : code;
		}
		free(p);
	}
	mv_data = root;
	return 0;
}

char *
mv_path(const char *fmt, ...)
{
	va_list ap;
	char *rel, *full;

	va_start(ap, fmt);
	rel = mv_xvasprintf(fmt, ap);
	va_end(ap);
	full = mv_xasprintf("%s/%s", mv_data ? mv_data : ".", rel);
	free(rel);
	return full;
}

int
mv_lock(const char *name, int wait)
{
	char *path = mv_path("run/%s.lock", name);
	int fd, saved;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

void
mv_unlock(int fd)
{
	int saved = errno;

	if (fd < 0)
		return;
	flock(fd, LOCK_UN);
	close(fd);
	errno = saved;
}

int
mv_id_valid(const char *s, char kind)
{
	if (!s || (s[0] != 'm' && s[0] != 'p') || (kind && s[0] != kind))
		return 0;
	/* No leading zero: one spelling per id, so "m07" cannot alias m7. */
	if (s[1] < '1' || s[1] > '9')
		return 0;
	for (s += 2; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Highest id number of kind among the files in dir (0 if none). */
static long long
scan_max(const char *dir, char kind)
{
	DIR *d;
	struct dirent *e;
	long long max = 0, n;
	char id[64];

	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || len >= sizeof id || strcmp(e->d_name + len - 5, ".json"))
			continue;
		memcpy(id, e->d_name, len - 5);
		id[len - 5] = '\0';
		if (mv_id_valid(id, kind) && (n = atoll(id + 1)) > max)
			max = n;
	}
	closedir(d);
	return max;
}

char *
mv_id_new(char kind)
{
	const char *dir = kind == 'm' ? "Movies" : "People";
	const char *key = kind == 'm' ? "movie" : "person";
	char *path, *file, *id = NULL;
	const char *why;
	cJSON *doc;
	long long next;
	int lock, saved;

	if ((lock = mv_lock("ids", 1)) < 0)
		return NULL;
	path = mv_path("index/ids.json");
	doc = mv_json_load(path, 65536, &why);
	if (!doc || !cJSON_IsObject(doc)) {
		/* Lost or broken counter: restart past every live id. */
		char *d = mv_path("%s", dir);

		cJSON_Delete(doc);
		doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "schemaVersion", 1);
		next = scan_max(d, kind) + 1;
		free(d);
	} else {
		next = mv_json_int(doc, key, 1);
		if (next < 1)
			next = 1;
	}
	/* The counter may lag behind the files after a crash between
	 * creating a record and saving the counter: skip taken ids. */
	for (;;) {
		file = mv_path("%s/%c%lld.json", dir, kind, next);
		if (access(file, F_OK) < 0) {
			free(file);
			break;
		}
		free(file);
		next++;
	}
	mv_json_set(doc, key, cJSON_CreateNumber((double)(next + 1)));
	if (mv_write_json(path, doc) == 0)
		id = mv_xasprintf("%c%lld", kind, next);
	saved = errno;
	cJSON_Delete(doc);
	free(path);
	mv_unlock(lock);
	errno = saved;
	return id;
}
