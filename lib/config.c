/* config.c: the one small configuration file, overridden by the environment. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mv.h"

/* Parsed "key = value" pairs, in file order; loaded once. */
struct pair {
	char *key, *val;
};
static struct pair *pairs;
static size_t npairs;
static const char *cfg_path;   /* --config FILE, or NULL for the default */
static int cfg_loaded;

void
mv_config_file(const char *path)
{
	cfg_path = path;
	cfg_loaded = 0;
}

/* The file to read: the one given, else $XDG_CONFIG_HOME/mv/config, else
 * ~/.config/mv/config. Returns malloc'd path or NULL. */
static char *
config_path(void)
{
	const char *e;

	if (cfg_path)
		return mv_xstrdup(cfg_path);
	if ((e = getenv("MV_CONFIG")) && *e)
		return mv_xstrdup(e);
	if ((e = getenv("XDG_CONFIG_HOME")) && *e)
		return mv_xasprintf("%s/mv/config", e);
	if ((e = getenv("HOME")) && *e)
		return mv_xasprintf("%s/.config/mv/config", e);
	return NULL;
}

/* Trim blanks at both ends of s in place; returns the new start. */
static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* 1 if key is made of [a-z0-9_.-] and starts with a letter. */
static int
key_valid(const char *k)
{
	if (!islower((unsigned char)*k))
		return 0;
	for (; *k; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) &&
		    *k != '_' && *k != '.' && *k != '-')
			return 0;
	return 1;
}

/*
 * Parse text (NUL-terminated, changed in place) of the file at path into
 * *out, *n pairs (malloc'd, added to what is there). Returns 0, or 78
 * after a message naming path:line.
 */
static int
parse_text(const char *path, char *text, size_t len, struct pair **out, size_t *n)
{
	char *line, *next;
	unsigned long lineno = 0;

	if (memchr(text, '\0', len)) {
		mv_warnx("%s: NUL byte in configuration", path);
		return MV_EX_CONFIG;
	}
	for (line = text; line && *line; line = next) {
		char *eq, *k, *v;

		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		k = trim(line);
		if (*k == '#' || *k == '\0')
			continue;
		if (!(eq = strchr(k, '='))) {
			mv_warnx("%s:%lu: expected \"key = value\"", path, lineno);
			return MV_EX_CONFIG;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (!key_valid(k)) {
			mv_warnx("%s:%lu: bad key \"%s\"", path, lineno, k);
			return MV_EX_CONFIG;
		}
		/* A quoted value keeps its blanks and any '#'. */
		if (v[0] == '"' && strlen(v) >= 2 && v[strlen(v) - 1] == '"') {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		*out = mv_xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[*n].key = mv_xstrdup(k);
		(*out)[*n].val = mv_xstrdup(v);
		(*n)++;
	}
	return 0;
}

int
mv_config_load(void)
{
	char *path, *text;
	size_t len;
	int code;

	if (cfg_loaded)
		return 0;
	cfg_loaded = 1;
	if (!(path = config_path()))
		return 0;
	if (mv_slurp(path, 1 << 20, &text, &len) < 0) {
		int err = errno;

		/* The default file is optional; a file named by the user is not. */
		if (err == ENOENT && !cfg_path) {
			free(path);
			return 0;
		}
		mv_warn("read configuration %s", path);
		free(path);
		return err == ENOENT ? MV_EX_NOINPUT : MV_EX_CONFIG;
	}
	code = parse_text(path, text, len, &pairs, &npairs);
	free(text);
	free(path);
	return code;
}

/* "tmdb_url" -> "MV_TMDB_URL" into buf of size n. */
static void
env_name(const char *key, char *buf, size_t n)
{
	size_t i = 0;

	i = (size_t)snprintf(buf, n, "MV_");
	for (; *key && i + 1 < n; key++)
		buf[i++] = (*key == '.' || *key == '-') ? '_' :
		    (char)toupper((unsigned char)*key);
	buf[i] = '\0';
}

const char *
mv_config_get(const char *key, const char *def)
{
	char name[128];
	const char *e;
	int code;

	env_name(key, name, sizeof name);
	if ((e = getenv(name)) && *e)
		return e;
	if ((code = mv_config_load()) != 0)
		exit(code);
	/* The last assignment wins, as in a shell. */
	for (size_t i = npairs; i-- > 0;)
		if (!strcmp(pairs[i].key, key))
			return pairs[i].val;
	return def;
}

/* 1 if r is a region: two capital letters. */
static int
region_ok(const char *r)
{
	return r && strlen(r) == 2 && isupper((unsigned char)r[0]) &&
	    isupper((unsigned char)r[1]) && isascii(r[0]) && isascii(r[1]);
}

/* The locale's language as mv_lang_norm reads it, the first of LC_ALL,
 * LC_MESSAGES and LANG that is set (POSIX's order of precedence). */
static int
locale_lang(char out[8])
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *e;

	for (size_t i = 0; i < 3; i++)
		if ((e = getenv(vars[i])) && *e)
			return mv_lang_norm(e, out);
	return 0;
}

/* Checked here, once: a bad region must not reach TMDB in one tool and
 * the cards' watchProviders test in another. */
const char *
mv_region(void)
{
	static char loc[8];
	const char *r = mv_config_get("region", NULL);

	if (region_ok(r))
		return r;
	/* fr_FR.UTF-8 lives in France: its region is FR. */
	if (locale_lang(loc) && strchr(loc, '-') && region_ok(strchr(loc, '-') + 1))
		return strchr(loc, '-') + 1;
	return "FR";
}

/* Normalised once: every tool must ask TMDB, name files and pick
 * titles in the same language for one setting. */
const char *
mv_language(void)
{
	static char lang[8];

	if (mv_lang_norm(mv_config_get("language", NULL), lang) || locale_lang(lang))
		return lang;
	return "en-US";
}

static const char *const import_modes[] = { "move", "copy", "hardlink" };

const char *
mv_import_mode_name(enum mv_import_mode m)
{
	return (unsigned)m <= MV_IMPORT_HARDLINK ? import_modes[m] : "move";
}

/* Read once per process, as name_title is: a typo must not stop the
 * pipeline, and moving is what mv did before the setting existed. */
enum mv_import_mode
mv_import_mode(void)
{
	static int warned;
	const char *s = mv_config_get("import_mode", "move");

	for (int i = 0; i <= MV_IMPORT_HARDLINK; i++)
		if (strcmp(s, import_modes[i]) == 0)
			return (enum mv_import_mode)i;
	if (!warned++)
		mv_warnx("unable to use import_mode \"%s\": want move, copy or "
		    "hardlink; using move", s);
	return MV_IMPORT_MOVE;
}

void
mv_config_export(void)
{
	char name[128];

	for (size_t i = 0; i < npairs; i++) {
		/* Roots are read from the file when it changes (mv_roots):
		 * one exported now would hide a root added later. */
		if (!strcmp(pairs[i].key, "root"))
			continue;
		env_name(pairs[i].key, name, sizeof name);
		setenv(name, pairs[i].val, 0);
	}
}

int
mv_size_parse(const char *s, long long *bytes)
{
	char *end;
	double v;
	long long mul = 1;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': mul = 1LL << 10; end++; break;
	case 'M': mul = 1LL << 20; end++; break;
	case 'G': mul = 1LL << 30; end++; break;
	case 'T': mul = 1LL << 40; end++; break;
	default: return -1;
	}
	/* Accept "2G", "2GB", "2GiB" alike. */
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || v * (double)mul > 9.2e18)
		return -1;
	*bytes = (long long)(v * (double)mul);
	return 0;
}

/* ---- library roots: folders whose files are the library's in place ---- */

static char **roots;        /* normalised: absolute, no trailing '/' */
static size_t nroots;
static struct stat roots_st; /* of the file they were read from */
static char *roots_env;     /* the $MV_ROOT they were split from */

static void
roots_clear(void)
{
	for (size_t i = 0; i < nroots; i++)
		free(roots[i]);
	free(roots);
	roots = NULL;
	nroots = 0;
}

/* Add dir to the roots unless it is relative, "/" or there already. */
static void
roots_add(const char *dir)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (dir[0] != '/' || len < 2)
		return;
	for (size_t i = 0; i < nroots; i++)
		if (strlen(roots[i]) == len && !strncmp(roots[i], dir, len))
			return;
	roots = mv_xrealloc(roots, (nroots + 1) * sizeof *roots);
	roots[nroots++] = mv_xstrndup(dir, len);
}

/* Read the roots of the file at path (none if it is missing). */
static void
roots_read(const char *path)
{
	struct pair *p = NULL;
	size_t n = 0, len;
	char *text;

	roots_clear();
	if (mv_slurp(path, 1 << 20, &text, &len) < 0)
		return;
	if (parse_text(path, text, len, &p, &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(p[i].key, "root"))
				roots_add(p[i].val);
	for (size_t i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].val);
	}
	free(p);
	free(text);
}

const char *const *
mv_roots(size_t *n)
{
	const char *e = getenv("MV_ROOT");
	char *path, *copy, *tok, *save;
	struct stat st;

	if (e && *e) {
		if (!roots_env || strcmp(roots_env, e)) {
			roots_clear();
			free(roots_env);
			roots_env = mv_xstrdup(e);
			copy = mv_xstrdup(e);
			for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
				roots_add(tok);
			free(copy);
		}
	} else if ((path = config_path())) {
		/* Read again whenever the file changes: a running pipeline
		 * must see the root that mvctl import has just added. */
		if (stat(path, &st) < 0)
			memset(&st, 0, sizeof st);
		if (roots_env || st.st_ino != roots_st.st_ino || st.st_size != roots_st.st_size ||
		    st.st_mtim.tv_sec != roots_st.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != roots_st.st_mtim.tv_nsec || !roots_st.st_ino) {
			free(roots_env);
			roots_env = NULL;
			roots_st = st;
			roots_read(path);
		}
		free(path);
	}
	*n = nroots;
	return (const char *const *)roots;
}

const char *
mv_root_of(const char *path)
{
	size_t n, len;
	const char *const *r = mv_roots(&n);

	for (size_t i = 0; i < n; i++) {
		len = strlen(r[i]);
		if (!strncmp(path, r[i], len) && (path[len] == '/' || path[len] == '\0'))
			return r[i];
	}
	return NULL;
}

int
mv_config_add_root(const char *dir)
{
	char *path = config_path(), *text = NULL, *slash;
	struct mv_buf b = {0};
	size_t len = 0;
	int r;

	if (!path) {
		errno = ENOENT;
		return -1;
	}
	if (strchr(dir, '\n') || dir[0] != '/') {
		free(path);
		errno = EINVAL;
		return -1;
	}
	roots_read(path);
	roots_st.st_ino = 0;    /* the next mv_roots reads the file again */
	for (size_t i = 0; i < nroots; i++)
		if (!strcmp(roots[i], dir)) {
			free(path);
			return 0;
		}
	if (mv_slurp(path, 1 << 20, &text, &len) < 0 && errno != ENOENT) {
		free(path);
		return -1;
	}
	if (len)
		mv_buf_add(&b, text, len);
	if (len && text[len - 1] != '\n')
		mv_buf_adds(&b, "\n");
	/* Quoted: a folder's name may end in a blank or hold a '#'. */
	mv_buf_printf(&b, "root = \"%s\"\n", dir);
	if ((slash = strrchr(path, '/')) && slash != path) {
		*slash = '\0';
		mv_mkdir_p(path, 0755);
		*slash = '/';
	}
	r = mv_write_atomic(path, b.buf, b.len);
	free(text);
	free(path);
	mv_buf_free(&b);
	return r < 0 ? -1 : 1;
}
