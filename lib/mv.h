/* mv.h: the one public header of libmv, shared by every mv tool. */
#ifndef MV_H
#define MV_H

/*
 * Ownership rule, for the whole header: a function documented as
 * "returns malloc'd" hands the caller a block the caller frees. A function
 * taking a cJSON * documented as "consumes" takes ownership of it; any
 * other pointer argument is borrowed for the duration of the call only.
 * Out of memory is never returned: mv_x* allocators print a message and
 * exit 70.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include <cjson/cJSON.h>

#define MV_VERSION "0.1.0"

/* ---- exit.c: the one exit-code table (sysexits) ---------------------- */

enum mv_exit {
	MV_EX_OK = 0,
	MV_EX_NOTFOUND = 1,     /* nothing found, or check failed */
	MV_EX_USAGE = 64,       /* permanent: bad command line */
	MV_EX_DATAERR = 65,     /* permanent: bad input data */
	MV_EX_NOINPUT = 66,     /* input file missing or unreadable */
	MV_EX_UNAVAILABLE = 69, /* a service (TMDB) refused */
	MV_EX_SOFTWARE = 70,    /* internal error, out of memory */
	MV_EX_CANTCREAT = 73,   /* cannot create an output file */
	MV_EX_IOERR = 74,       /* I/O error, full disk */
	MV_EX_TEMPFAIL = 75,    /* temporary: retry later */
	MV_EX_CONFIG = 78,      /* permanent: bad configuration */
};

/* Short name of an exit code ("tempfail"), or "unknown". Static string. */
const char *mv_exit_name(int code);
/* 1 when the supervisor should not restart a stage that exited so. */
int mv_exit_permanent(int code);

/* ---- diag.c: diagnostics in one grammar ------------------------------ */

/* Program name used as the prefix of every message; set by mv_init. */
extern const char *mv_prog;

/*
 * Set mv_prog from argv[0], ignore SIGPIPE (EPIPE is handled where we
 * write) and make stdout fully buffered: tools flush per record.
 */
void mv_init(const char *argv0);

/* "prog: unable to <fmt>: <strerror(errno)>". errno is preserved. */
void mv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: <fmt>", for messages that carry their own reason. */
void mv_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As mv_warn/mv_warnx, then exit(code). */
void mv_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void mv_diex(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* Exit code for an errno from a failed write of state: ENOSPC, EIO... */
int mv_exit_for_errno(int err);
/* Exit code for an errno from a failed read of an input: 66 for a file
 * missing or not readable (ENOENT, EACCES), else as mv_exit_for_errno
 * (EIO: 74). A document that reads but is invalid is 65, not this. */
int mv_exit_for_read_errno(int err);

/*
 * End of main: decide the status from stdout. If stdout had an error or
 * fails to close, print "unable to write standard output" and return 74
 * (EPIPE counts as success: the reader went away on purpose). Otherwise
 * returns code unchanged. Use as: return mv_finish(code);
 */
int mv_finish(int code);

/* ---- alloc.c: allocation that never returns NULL --------------------- */

void *mv_xmalloc(size_t n);               /* returns malloc'd */
void *mv_xcalloc(size_t n, size_t size);  /* returns malloc'd */
/* Returns the resized block (p is no longer valid); never NULL. */
void *mv_xrealloc(void *p, size_t n);
char *mv_xstrdup(const char *s);          /* returns malloc'd */
char *mv_xstrndup(const char *s, size_t n); /* returns malloc'd */
char *mv_xasprintf(const char *fmt, ...)  /* returns malloc'd */
	__attribute__((format(printf, 1, 2)));

/* A growable byte buffer; buf is always NUL-terminated when len > 0. */
struct mv_buf {
	char *buf;  /* owned by the struct; free with mv_buf_free */
	size_t len;
	size_t cap;
};
void mv_buf_add(struct mv_buf *b, const void *p, size_t n);
void mv_buf_adds(struct mv_buf *b, const char *s);
void mv_buf_printf(struct mv_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mv_buf_free(struct mv_buf *b);

/* ---- io.c: loops around read/write, atomic state files --------------- */

/* Write all n bytes, repeating on short writes and EINTR.
 * Returns 0, or -1 with errno set (errno preserved from the failing call). */
int mv_write_all(int fd, const void *p, size_t n);
/* Read up to n bytes, repeating on EINTR and short reads until n or EOF.
 * Returns the count read (< n only at EOF), or -1 with errno. */
ssize_t mv_read_full(int fd, void *p, size_t n);

/*
 * Read a whole file into a malloc'd, NUL-terminated buffer (*out, caller
 * frees) of *len bytes. Files over max bytes fail with EFBIG.
 * Returns 0, or -1 with errno (nothing allocated).
 */
int mv_slurp(const char *path, size_t max, char **out, size_t *len);

/*
 * Replace path atomically with len bytes of p: temp file in the same
 * directory (O_EXCL), write, fsync, close, rename, fsync the directory.
 * On any failure the temp file is unlinked and path is untouched.
 * Returns 0, or -1 with errno.
 */
int mv_write_atomic(const char *path, const void *p, size_t len);
/* Same without the fsyncs: still all-or-nothing for readers, but not
 * durable across a crash; for state rebuilt from the files anyway (the
 * indexes under mvindex --no-sync). */
int mv_write_atomic_nosync(const char *path, const void *p, size_t len);
/*
 * mv_write_atomic (sync) or mv_write_atomic_nosync, except that the file
 * replaced is not freed on the way: it is swapped (RENAME_EXCHANGE) to
 * the temp name, returned in *old (malloc'd, caller frees) for the
 * caller to unlink when it suits; *old is NULL if there was no file or
 * the filesystem cannot swap. Freeing a large file's blocks can take
 * longer than writing it (ext4 with online discard: 40 ms for 26 MB);
 * a filter unlinks after it has emitted its event.
 */
int mv_write_swap(const char *path, const void *p, size_t len, int sync,
    char **old);
/* Same, with the document printed by cJSON (formatted) plus "\n". */
int mv_write_json(const char *path, const cJSON *doc);
/* fsync the directory that contains path (or path itself if a dir). */
int mv_fsync_dir(const char *path);
/* mkdir -p with mode; 0 or -1 with errno. */
int mv_mkdir_p(const char *path, mode_t mode);

/*
 * Read and parse a JSON document of at most max bytes.
 * Returns a cJSON tree the caller deletes, or NULL: then *why (static or
 * strerror text) says what went wrong, and errno is set for I/O errors
 * (0 for a parse error).
 */
cJSON *mv_json_load(const char *path, size_t max, const char **why);

/* ---- lines.c: the NDJSON line reader --------------------------------- */

/* Longest event line, newline excluded: with it, one line fits in one
 * PIPE_BUF write and is "under 4 KiB" as design.md asks. */
#define MV_EVENT_MAX 4095

struct mv_lines {
	int fd;
	const char *name;       /* borrowed; for messages: "name:line: ..." */
	unsigned long lineno;   /* number of the line last returned */
	size_t max;             /* longest line accepted, newline excluded */
	char *buf;              /* owned */
	size_t cap, start, end; /* buf[start..end) is unread data */
	int eof;
	int skipping;           /* inside an over-long line being discarded */
};

/* Start reading fd. name labels messages; max bounds a line. */
void mv_lines_init(struct mv_lines *r, int fd, const char *name, size_t max);
/*
 * Next line: sets *line (NUL-terminated, without CR/LF, valid until the
 * next call) and *len, returns 1. Returns 0 at end of input and -1 on a
 * read error (errno set). A line that is too long or holds a NUL byte is
 * reported ("prog: name:N: line too long") and skipped, never returned.
 * A last line without a newline is returned. Before any read that may
 * block, pending output is flushed (mv_out_flush) so a pipeline of stages
 * never waits on a buffer.
 */
int mv_lines_next(struct mv_lines *r, char **line, size_t *len);
void mv_lines_free(struct mv_lines *r);

/* ---- out.c: the event writer ----------------------------------------- */

/*
 * Output is buffered in whole lines of at most PIPE_BUF (4096) bytes per
 * write(), so one event is never split across writes and concurrent
 * writers to one FIFO never interleave. On EPIPE the process exits 0
 * quietly (the reader left); on any other write error it dies with 74.
 */
/* Queue one line (newline added). len must be <= MV_EVENT_MAX. */
void mv_out_line(const char *line, size_t len);
/* Write everything queued now. */
void mv_out_flush(void);
/* Write output to fd instead of 1 (FIFO injection). Flushes first. */
void mv_out_fd(int fd);

/* ---- event.c: CloudEvents 1.0 ---------------------------------------- */

/*
 * Build an event: specversion, a fresh id, source = mv_prog, type, time
 * (now, RFC 3339 UTC), subject (may be NULL) and data (consumed; NULL for
 * an empty object). Returns a tree the caller deletes.
 */
cJSON *mv_event_new(const char *type, const char *subject, cJSON *data);
/* A fresh event id, unique across processes: malloc'd. */
char *mv_event_id(void);
/* Longest event type accepted, NUL included. */
#define MV_TYPE_MAX 128
/*
 * Check one line as an event without building a tree: strict JSON (RFC
 * 8259, valid UTF-8, at most 512 levels deep), an object whose specversion is
 * "1.0", with non-empty string id, source and type, and data an object or
 * null when present. Copies the type into type[MV_TYPE_MAX] and returns 1,
 * or returns 0 with a static reason in *why. A stage passing through what
 * it does not handle needs nothing more, and that is most of its input.
 */
int mv_event_peek(const char *line, size_t len, char *type, const char **why);
/*
 * Parse one line into an event: mv_event_peek's test, then the tree, so a
 * line is accepted by both or neither. Returns the tree (caller deletes),
 * or NULL with a static reason in *why ("invalid JSON", "missing type"...).
 */
cJSON *mv_event_parse(const char *line, size_t len, const char **why);
/* Field accessors: borrowed pointers into ev, or NULL. */
const char *mv_event_type(const cJSON *ev);
const char *mv_event_subject(const cJSON *ev);
cJSON *mv_event_data(const cJSON *ev);
/* 1 when type matches pattern: exact, or "mv.movie.*" prefix form. */
int mv_event_match(const char *pattern, const char *type);
/*
 * Serialise ev compactly and queue it with mv_out_line; also flush when
 * flush is set. Returns 0, or -1 if the event is over MV_EVENT_MAX
 * (reported, not written).
 */
int mv_event_emit(const cJSON *ev, int flush);
/* mv_event_new + mv_event_emit(…, 1) + delete; data consumed. */
int mv_emit(const char *type, const char *subject, cJSON *data);

/* ---- scan.c: the JSON pull scanner (no tree, no allocation) --------- */

/*
 * Nonzero if one of the 8 bytes of w (read with memcpy) needs a look in
 * a JSON string: a quote, a backslash, a byte below 0x20, or one with a
 * bit of high set (0x8080808080808080 to catch bytes >= 0x80, else 0).
 * The usual "has a byte less than" and "has a zero byte" word tests,
 * exact as to whether there is one; the scanner and the index writer
 * run strings through it eight bytes at a time.
 */
static inline uint64_t
mv_json_word_special(uint64_t w, uint64_t high)
{
	const uint64_t ones = 0x0101010101010101ULL, top = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');

	return ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
	    ((bs - ones) & ~bs)) & top) | (w & high);
}

/*
 * A cursor over borrowed bytes [p, e): the text must outlive it, and
 * every pointer it hands out points into that text. Each reader skips
 * white space first, validates what it passes (RFC 8259: number grammar,
 * escapes, \u surrogates that pair, no raw control bytes, at most
 * MV_JS_DEPTH open containers) and returns 0, or -1 with a static reason
 * in err ("invalid JSON", "invalid JSON (truncated)", "invalid JSON
 * (unterminated string)", "invalid JSON (nested too deeply)"); the first
 * failure's reason stays. No BOM is accepted.
 */
struct mv_js {
	const char *p, *e;      /* next byte, end */
	const char *err;        /* static reason of the first failure, or NULL */
	int depth;              /* containers opened by *_begin, not yet closed */
	int flags;              /* MV_JS_* */
};
#define MV_JS_DEPTH 512
/* Also refuse string bytes that are not UTF-8 (overlong forms, encoded
 * surrogates, above U+10FFFF, cut). Without it they pass, as in cJSON. */
#define MV_JS_UTF8 1

void mv_js_init(struct mv_js *s, const char *p, size_t len, int flags);
/* Set err (unless set) to why, a static string; returns -1. */
int mv_js_fail(struct mv_js *s, const char *why);
void mv_js_ws(struct mv_js *s);
/* A string: *start and *len the raw bytes between the quotes (borrowed),
 * *esc whether they hold escapes (then mv_js_decode them). */
int mv_js_str(struct mv_js *s, const char **start, size_t *len, int *esc);
/* Unescape raw string bytes from mv_js_str: malloc'd, NUL-terminated
 * (a decoded \u0000 ends it early). */
char *mv_js_decode(const char *p, size_t n, int esc);
/* 1 if the n bytes at s are UTF-8 (no overlong form, no surrogate,
 * nothing above U+10FFFF), as MV_JS_UTF8 checks string bytes. */
int mv_utf8_valid(const char *s, size_t n);
/* A number; its value into *v unless v is NULL. */
int mv_js_num(struct mv_js *s, double *v);
/* true, false or null. */
int mv_js_literal(struct mv_js *s);
/*
 * Containers: *_begin consumes the bracket (first = 1 before the loop);
 * *_next returns 1 when an element follows, 0 after the closing bracket,
 * -1 on an error. mv_js_obj_next also reads the member's key (*key and
 * *klen raw, borrowed; *klen is (size_t)-1 if the key holds escapes, so
 * it matches no name) and its colon.
 */
int mv_js_obj_begin(struct mv_js *s);
int mv_js_obj_next(struct mv_js *s, int *first, const char **key, size_t *klen);
int mv_js_arr_begin(struct mv_js *s);
int mv_js_arr_next(struct mv_js *s, int *first);
/* 1 if the key from mv_js_obj_next is want. Inline: with a literal want
 * the length is known at compile time, and readers test every key. */
static inline int
mv_js_key_is(const char *k, size_t n, const char *want)
{
	return __builtin_strlen(want) == n && __builtin_memcmp(k, want, n) == 0;
}
/* Skip one value of any kind, validating it; s->p ends right after it. */
int mv_js_skip(struct mv_js *s);
/* 0 if only white space is left, else -1 ("invalid JSON"). */
int mv_js_end(struct mv_js *s);

/* ---- time.c: clock and RFC 3339 -------------------------------------- */

/* Now, or $MV_NOW (RFC 3339 or seconds since the epoch) for tests. */
time_t mv_now(void);
/* Write "2026-11-26T10:00:00Z" into buf (at least 21 bytes); returns buf. */
char *mv_time_fmt(time_t t, char *buf);
/* Parse RFC 3339 (Z or ±hh:mm offset, optional fraction). 0 or -1. */
int mv_time_parse(const char *s, time_t *t);
/* Parse a duration "90d", "12h", "30m", "45s", "2w" or bare seconds. */
int mv_duration_parse(const char *s, long long *seconds);
/* Monotonic clock in nanoseconds. */
uint64_t mv_mono_ns(void);

/* ---- data.c: the data directory -------------------------------------- */

/* Root of the data directory once mv_data_open succeeded. */
extern const char *mv_data;

/*
 * Resolve the data directory: opt (from --data), then $MV_DATA, then
 * $XDG_DATA_HOME/mv, then ~/.local/share/mv; create the layout when
 * create is set. Returns 0, or an exit code after printing why.
 */
int mv_data_open(const char *opt, int create);
/* Path under the data dir: malloc'd "<root>/<fmt...>". */
char *mv_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Take the named lock run/<name>.lock (flock). wait: block until free;
 * otherwise fail at once with EWOULDBLOCK. Returns the fd to close to
 * release it, or -1 with errno.
 */
int mv_lock(const char *name, int wait);

/*
 * Internal ids. A movie id is "m" followed by a decimal counter, a person
 * id "p" plus one ("m42", "p7"). The counters live in index/ids.json under
 * the lock "ids" and only ever grow, so an id is never reused even after
 * its record is deleted; they are raised past any id already on disk, so
 * a lost counter file cannot cause reuse of a live id.
 * kind is 'm' or 'p'. Returns malloc'd id, or NULL with errno.
 */
char *mv_id_new(char kind);
/* 1 if s is a well-formed id of kind ('m', 'p', or 0 for either). */
int mv_id_valid(const char *s, char kind);

/*
 * External-id claims: index/ext/<kind>/<source>:<value> is a symlink whose
 * target is the internal id that owns that outside id: for movies
 * index/ext/m/tmdb:63 -> "m1", for people index/ext/p/tmdb:62 -> "p3".
 * symlink() is atomic and fails if the name exists, so two processes (or
 * two copies of one film) can never both claim it; the filesystem is the
 * truth and `mvindex --rebuild` recreates the links from Movies/, People/.
 * The kind is the first letter of the id ('m' or 'p').
 */
/* Claim source:value for id. 0 if claimed now or already id's; -1 with
 * errno EEXIST if another id owns it (then *owner, if owner is non-NULL,
 * is set to a malloc'd copy of the owner's id); -1 with another errno. */
int mv_claim(const char *source, const char *value, const char *id, char **owner);
/* Owner of a claim: malloc'd id, or NULL (errno ENOENT if unclaimed). */
char *mv_claim_owner(char kind, const char *source, const char *value);
/* Drop a claim if it is held by id. 0, or -1 with errno. */
int mv_unclaim(const char *source, const char *value, const char *id);

/* ---- json.c: small cJSON helpers ------------------------------------- */

/* Member as a string/number, or def when absent or of another type.
 * Numbers come from valuedouble: TMDB ids and sizes exceed INT_MAX. */
const char *mv_json_str(const cJSON *o, const char *key, const char *def);
double mv_json_num(const cJSON *o, const char *key, double def);
long long mv_json_int(const cJSON *o, const char *key, long long def);
/* Replace (or add) member key of o with v; v consumed. */
void mv_json_set(cJSON *o, const char *key, cJSON *v);
/* Compact text of v: malloc'd. */
char *mv_json_compact(const cJSON *v);

/* ---- hash.c: one string hash ------------------------------------------ */

/* FNV-1a, 64 bits, of the NUL-terminated s: for hash tables and for the
 * TMDB cache's file names (so it must not change). */
uint64_t mv_hash(const char *s);

/* ---- level.c: metadata levels and statuses --------------------------- */

enum mv_level { MV_MINIMAL, MV_BASIC, MV_MEDIUM, MV_DEEP, MV_LEVEL_BAD = -1 };
/* "minimal", "basic" or "light", "medium", "deep"; MV_LEVEL_BAD else. */
enum mv_level mv_level_parse(const char *s);
const char *mv_level_name(enum mv_level l); /* static string */
/* status: "initial" "matched" "needs-review" "failed" "ready" */
int mv_status_valid(const char *s);

/* ---- tmdb.c: the one TMDB client (rate limit, retries, cache) ------- */

/*
 * Every call returns an exit code from enum mv_exit: MV_EX_OK with *out
 * set (a tree the caller deletes), or, after printing why:
 * MV_EX_NOTFOUND (404, code 34), MV_EX_CONFIG (401 code 7, no key, bad
 * URL), MV_EX_TEMPFAIL (retries exhausted: 429, 5xx, timeouts),
 * MV_EX_DATAERR (a malformed body), MV_EX_UNAVAILABLE (other refusals).
 * Base URL from $MV_TMDB_URL, credentials from $TMDB_TOKEN/$TMDB_API_KEY
 * or $CREDENTIALS_DIRECTORY; mv_data must be open (cache, rate lock).
 * Messages name the request ("unable to fetch /movie/63: ..."), never
 * the key. Each call below costs at most one request (plus retries).
 */
#define MV_TMDB_NOCACHE 1 /* neither read nor write the cache */
#define MV_TMDB_REFRESH 2 /* skip a cached copy, but store the answer */
extern unsigned mv_tmdb_flags; /* default flags for every call */

/* Read and check the settings and credentials now (every call does it
 * on first use); needs no data directory. 0, or 78/70 after a message. */
int mv_tmdb_init(void);
/* GET path+query relative to the base URL, e.g. "/movie/63?language=fr". */
int mv_tmdb_get(const char *path, cJSON **out);
/* The append_to_response list a level needs (static string):
 * minimal, basic: external_ids,translations; medium: + credits;
 * deep: credits,images,videos,keywords,release_dates,external_ids,
 * watch/providers,translations. */
const char *mv_tmdb_level_parts(enum mv_level level);
/* /movie/{id} with that level's parts; language (may be NULL) "fr-FR". */
int mv_tmdb_movie(long long id, enum mv_level level, const char *language, cJSON **out);
/* /movie/{id} with an explicit append_to_response list (NULL: none). */
int mv_tmdb_movie_parts(long long id, const char *parts, const char *language,
    cJSON **out);
/* /person/{id} with external_ids, plus movie_credits when deep. */
int mv_tmdb_person(long long id, int deep, cJSON **out);
/* /search/movie, honouring year when year > 0 (primary_release_year). */
int mv_tmdb_search(const char *title, int year, int page, cJSON **out);
/* /find/{tt…}?external_source=imdb_id */
int mv_tmdb_find(const char *imdb, cJSON **out);
/* Download image file_path at size ("w342") to dest, atomically, using
 * /configuration (cached); at most $MV_IMAGE_MAX bytes. An existing dest
 * is kept unless MV_TMDB_REFRESH is set. */
int mv_tmdb_image(const char *file_path, const char *size, const char *dest);
/* Parse a TMDB reply body: one complete JSON object. Returns a tree the
 * caller deletes, or NULL with a static reason in *why. */
cJSON *mv_tmdb_parse(const char *body, size_t len, const char **why);

/* ---- schema.c: JSON Schema draft-07 validator ------------------------ */

/*
 * Schemas are named by URI references resolved against MV_SCHEMA_BASE:
 * "MovieProfile.json", "events/mv.file.added.json", or with a fragment
 * "MovieProfile.json#/definitions/credit". Each file in schemas/ has this
 * $id, so ajv resolves the same refs. Nothing is ever fetched from it.
 */
#define MV_SCHEMA_BASE "https://mv.invalid/schemas/"
#define MV_SCHEMA_VERSION 1  /* the schemaVersion of every stored document */

struct mv_schemas;  /* a set of schemas, with every regex and $ref cached */

/* $MV_SCHEMAS, else the compile-time MV_SCHEMADIR. Static/env string. */
const char *mv_schemas_dir(void);
/* An empty set; free with mv_schemas_free. */
struct mv_schemas *mv_schemas_new(void);
/*
 * Add schema (consumed) under name. Registers its $ids, resolves its
 * $refs lazily, compiles its patterns now. Returns 0; -1 after a message
 * if name is taken (schema deleted) or a pattern cannot be compiled (the
 * schema stays; that keyword then fails every value it checks).
 */
int mv_schemas_add(struct mv_schemas *set, const char *name, cJSON *schema);
/* Called with an absolute URI (no fragment) that no schema in the set
 * has; returns a tree (consumed) to add under that URI, or NULL. */
typedef cJSON *(*mv_schema_loader_fn)(void *ctx, const char *uri);
void mv_schemas_set_loader(struct mv_schemas *set, mv_schema_loader_fn fn, void *ctx);
/*
 * Load every *.json under dir, recursively, named by their path relative
 * to dir ("events/mv.error.json"). Returns the set (caller frees), or
 * NULL after printing why.
 */
struct mv_schemas *mv_schemas_load(const char *dir);
void mv_schemas_free(struct mv_schemas *set);
/* The schema of a document by its path relative to the data directory:
 * "Movies/m1.json" -> "MovieProfile.json"; NULL if none. Static string. */
const char *mv_schema_for_path(const char *rel);

/* One validation error: pointer is the JSON pointer of the failing value
 * ("" for the root), keyword the schema keyword ("pattern"). */
typedef void (*mv_schema_err_fn)(void *ctx, const char *pointer,
    const char *keyword, const char *message);
/*
 * Validate doc against the schema called name. fn (may be NULL: then
 * validation stops at the first error) gets every error. Returns the
 * number of errors, 0 if valid, -1 if no schema has that name.
 */
int mv_schema_validate(struct mv_schemas *set, const char *name,
    const cJSON *doc, mv_schema_err_fn fn, void *ctx);
/* An mv_schema_err_fn printing "prog: <ctx>: <pointer>: <keyword>: <msg>"
 * to stderr; ctx is a const char * label such as the file name. */
void mv_schema_err_print(void *ctx, const char *pointer, const char *keyword,
    const char *message);
/*
 * Upgrade doc, a stored document of kind "MovieProfile", "PeopleProfile",
 * "MovieIndex" or "PeopleIndex", in place to MV_SCHEMA_VERSION. *from (may
 * be NULL) gets the version found (0: none). Returns 1 if migrated, 0 if
 * already current, -1 for an unknown version or kind (doc untouched).
 */
int mv_schema_migrate(cJSON *doc, const char *kind, int *from);
/* 1 if s conforms to the draft-07 format f as the validator checks it
 * ("date-time", "date", "uri", "regex"); unknown formats pass, as
 * draft-07 makes them advisory. Writers use it so that what they store
 * never fails its schema. */
int mv_format_ok(const char *f, const char *s);

/* ---- config.c: the configuration file, overridden by the environment -- */

/*
 * One small file of "key = value" lines ('#' starts a comment line; a
 * value in double quotes keeps its blanks). It is --config FILE (set with
 * mv_config_file), else $MV_CONFIG, else $XDG_CONFIG_HOME/mv/config, else
 * ~/.config/mv/config; the default file may be missing. Every key has an
 * environment variable that wins over the file: MV_ plus the key in upper
 * case with '.' and '-' as '_' ("tmdb_url" -> MV_TMDB_URL).
 */
void mv_config_file(const char *path);     /* path borrowed for good */
/* Read the file once. Returns 0, or after a message 66 (a named file is
 * missing) or 78 (unreadable, or a syntax error with file:line). */
int mv_config_load(void);
/* Value of key (environment, file, else def); borrowed, valid until exit.
 * Loads the file on first use and exits with its code if that fails. */
const char *mv_config_get(const char *key, const char *def);
/* Put every key of the file into the environment as MV_<KEY>, unless
 * already set, so the tools a front end runs see the same settings. */
void mv_config_export(void);
/* Parse a size: "4096", "512K", "100M", "2G", "1T" (binary units, an
 * optional "iB"/"B"). Returns 0, or -1 for bad syntax. */
int mv_size_parse(const char *s, long long *bytes);

/* ---- ctl.c: shared pieces of the admin console (mvctl) --------------- */

/* Path of tool: next to the running executable (/proc/self/exe) when it
 * is there, else the bare name for a PATH search. Returns malloc'd. */
char *mv_tool_path(const char *tool);
/* Replace the process by argv[0] found by mv_tool_path. Returns only on
 * failure, after a message: 127 (not found) or 126. */
int mv_tool_exec(char **argv);
/* Run argv[0] as a child, stdin from in_fd (-1: /dev/null), stdout to
 * out_fd (-1: ours); wait. Returns its exit status, 128+signo if it was
 * killed, 127 if it could not be run. */
int mv_tool_run(char **argv, int in_fd, int out_fd);
/* Names in rel (relative to the data dir) ending in suffix (NULL: any),
 * hidden ones skipped, in natural order (m2 < m10); count in *n. Returns
 * malloc'd array of malloc'd strings (NULL if none); free with
 * mv_list_free. */
char **mv_dir_list(const char *rel, const char *suffix, size_t *n);
void mv_list_free(char **v, size_t n);
/* Call fn with the data-relative path and lstat of every regular file
 * under rel, recursively, in name order, skipping hidden names and
 * never following symlinks. A nonzero return from fn stops the walk
 * and is returned. */
struct stat;
typedef int (*mv_walk_fn)(void *ctx, const char *rel, const struct stat *st);
int mv_walk(const char *rel, mv_walk_fn fn, void *ctx);
/* Number of regular files under rel (mv_walk's view). */
long long mv_dir_count(const char *rel);
/* 1 if a supervisor holds run/pipeline.lock (the lock is the truth; the
 * status file may be stale). */
int mv_pipeline_running(void);
/* Open run/inject.fifo for writing if a pipeline reads it (blocking
 * writes); -1 when nobody reads it (ENXIO) or it is missing. */
int mv_inject_open(void);
/* A member holding a time: epoch seconds or RFC 3339; 0 if neither. */
time_t mv_json_time(const cJSON *o, const char *key);
/* "3d04h", "2h05m", "4m02s", "45s" into buf (32 bytes); returns buf. */
const char *mv_age_fmt(long long seconds, char *buf);
/* 1 if pid is a live process (kill 0 works, or EPERM). */
int mv_pid_alive(long long pid);

/* ---- movie.c: MovieProfile and PeopleProfile documents ---------------- */

/*
 * Profiles live in Movies/<id>.json and People/<id>.json (schemas/README.md).
 * Load: the tree (caller deletes), or NULL with a static reason in *why
 * and errno (ENOENT for a missing profile, 0 for a parse error).
 * Save: sets updatedAt and writes atomically; 0, or -1 with errno.
 */
cJSON *mv_movie_load(const char *id, const char **why);
cJSON *mv_person_load(const char *id, const char **why);
int mv_movie_save(cJSON *doc);
int mv_person_save(cJSON *doc);
/*
 * Create and save a minimal movie (status initial, a new id): title,
 * year (0: unknown), parsed and video (both consumed; NULL for {} and
 * null). Returns the tree (caller deletes), or NULL with errno.
 */
cJSON *mv_movie_create(const char *title, int year, cJSON *parsed, cJSON *video);
/* A profile's level (minimal when missing or invalid). */
enum mv_level mv_profile_level(const cJSON *doc);
/* The level a MovieProfile member belongs to (minimal for the members of
 * the minimal record). The one table mv_movie_apply and mv_movie_strip use. */
enum mv_level mv_movie_field_level(const char *key);
/*
 * Fill the members of one level from tm, a TMDB /movie reply with that
 * level's parts (mv_tmdb_level_parts), then mark the level reached.
 * medium creates minimal PeopleProfiles (claiming tmdb:<id> for p-ids) and
 * links them back; deep downloads images into assets/images/ and makes the
 * directors and top-billed cast deep ($MV_DEEP_PEOPLE, default 5), with
 * watch providers and certification for $MV_REGION (default FR).
 * Returns an exit code (mv_tmdb_*'s on a TMDB failure); on failure the
 * level's members are left as they were. doc is not saved.
 */
int mv_movie_apply(cJSON *doc, const cJSON *tm, enum mv_level level);
/* Raise doc (with externalIds.tmdb) to target in one /movie request,
 * applying each level in turn. Returns an exit code; doc is not saved and
 * may have reached a level between on failure. */
int mv_movie_enrich(cJSON *doc, enum mv_level target);
/*
 * Remove every member above target (and externalIds.wikidata below deep);
 * never the minimal record, never the video. Returns an array (caller
 * deletes) of the image files, relative to the data directory, that the
 * removed members referenced: the caller deletes those files.
 */
cJSON *mv_movie_strip(cJSON *doc, enum mv_level target);
/* Called for mv.person.created and mv.person.enriched (data consumed);
 * NULL (the default) drops them. mvenrich sets it to emit events. */
extern void (*mv_movie_notify)(const char *type, const char *subject, cJSON *data);

/* ---- file.c: crash-safe filing of videos ---------------------------- */

/*
 * Move the video src into the directory dstdir (absolute) as name, or
 * "name (2).ext" and so on when taken: nothing is ever replaced. The move
 * is a hard link on one filesystem, and a copy (fsync'd, size verified)
 * across filesystems (EXDEV); the source goes only once the copy is in
 * place and the source is unchanged (dev, ino, size, mtime), otherwise
 * everything is rolled back and errno is ESTALE. A journal of intent,
 * run/filing/<movie>.json, stays until mv_file_commit(movie): record the
 * result (the profile) in between. One filing at a time per process.
 * Returns 0 with *final the placed path (malloc'd), or -1 with errno and
 * the source untouched. Env MV_CRASH_AT=<step> kills the process with
 * SIGKILL at that step (see mv_crash_point), for crash tests.
 */
int mv_file_move(const char *movie, const char *src, const char *dstdir,
    const char *name, char **final);
/* Drop the journal of movie's filing, once its result is recorded. */
int mv_file_commit(const char *movie);
/* Called by mv_file_recover per journal: final (the placed path) when
 * the filing was finished, NULL when rolled back (the video is at src). */
typedef void (*mv_file_recover_fn)(void *ctx, const char *movie,
    const char *final, const char *src);
/*
 * Finish or roll back every half-done filing in run/filing/, so each
 * video exists exactly once, whole, at its source or its final place.
 * fn (may be NULL) runs before each journal is removed, so a crash in it
 * replays it. Also removes the temp files that dead writers left in
 * run/filing/, Movies/, People/, index/, quarantine/, assets/images/,
 * cache/tmdb/ and stats/ ("*.tmp.<pid>", pid gone).
 * Returns the number of journals replayed, or -1 with errno.
 */
int mv_file_recover(mv_file_recover_fn fn, void *ctx);
/* A file name safe on every common filesystem: no / \ : * ? " < > | or
 * control characters, no leading dot, no trailing dot or space, spaces
 * collapsed, bytes that are not UTF-8 as U+FFFD, at most max bytes cut
 * on a UTF-8 boundary; never empty.
 * Returns malloc'd. */
char *mv_file_safe_name(const char *s, size_t max);
/* Test hook: SIGKILL this process if $MV_CRASH_AT equals step. */
void mv_crash_point(const char *step);

/* ---- usage.c: stats/usage.json, accesses per movie ------------------ */

/* One movie's accesses. */
struct mv_use {
	char id[24];            /* "m42"; "" in an empty slot */
	long long count;
	time_t first, last;
};

/* The file in memory: a hash table by id. Owns its slots; zero it to
 * start, free with mv_usage_free. */
struct mv_usage {
	struct mv_use *slot;    /* open addressing, capacity a power of two */
	size_t cap, n;
};

/* Load stats/usage.json into u (emptied first); a missing file is an
 * empty one. A document that is not {"schemaVersion":1,"movies":{id:
 * {count, first, last}}} is refused whole, so that nobody scores or
 * rewrites from half of it. Returns 0, or after "unable to read
 * stats/usage.json: ..." 65 (bad data) or mv_exit_for_read_errno. */
int mv_usage_load(struct mv_usage *u);
/* The entry of id, or NULL; with create, a new zeroed one if missing. */
struct mv_use *mv_usage_get(struct mv_usage *u, const char *id, int create);
/* The entries sorted by id number: a malloc'd array of *n copies. */
struct mv_use *mv_usage_sorted(const struct mv_usage *u, size_t *n);
/* Write u as stats/usage.json atomically. 0, or -1 with errno after a
 * warning. */
int mv_usage_write(const struct mv_usage *u);
void mv_usage_free(struct mv_usage *u);

/* ---- index.c: index/movies.json, index/people.json, pagination ------- */

/*
 * The indexes in memory: one node per movie and person, by id. Built by
 * mv_index_scan from Movies/ and People/ (and lastRead from
 * stats/usage.json), kept current by mv_index_update, written by
 * mv_index_write. Profiles that cannot be read or lack what the index
 * needs are reported ("prog: unable to read Movies/m3.json: invalid
 * JSON") and left out. Readers (mvctl) use mv_index_load + mv_index_page.
 */
struct mv_index;

struct mv_index *mv_index_new(void);   /* free with mv_index_free */
void mv_index_free(struct mv_index *ix);
/* Write without fsync (temp file and rename only); see mvindex(1). */
void mv_index_nosync(struct mv_index *ix, int nosync);
/* Read every profile; returns how many were skipped (each reported).
 * Nothing is marked dirty: write with force after a scan. flags:
 * MV_INDEX_CLAIMS to read index/ext/ meanwhile, for a mv_index_claims
 * or mv_index_check to follow. */
#define MV_INDEX_CLAIMS 1
long mv_index_scan(struct mv_index *ix, int flags);
/* The errno of the first profile the last scan could not read at all
 * (EIO, EACCES: not one that read but was invalid), or 0. */
int mv_index_read_errno(const struct mv_index *ix);
/* Reload one profile by id ("m3", "p7"): its entry, and for a movie the
 * movie lists of the people it credits. A missing or invalid profile
 * leaves the index. Returns 0, or -1 if it was reported as invalid. */
int mv_index_update(struct mv_index *ix, const char *id);
/* Reload lastRead from stats/usage.json: 1 if an entry changed, 0 if
 * not, -1 after a warning (a file mv_usage_load refuses; entries kept). */
int mv_index_usage(struct mv_index *ix);
/* 1 when an index file needs writing. */
int mv_index_dirty(const struct mv_index *ix);
/* Write the index files that changed (all if force), atomically.
 * 0, or -1 with errno after a warning. The files replaced are unlinked
 * by a thread meanwhile; mv_index_reap waits for it. */
int mv_index_write(struct mv_index *ix, int force);
void mv_index_reap(struct mv_index *ix);
/* Present entries of kind 'm' or 'p'. */
size_t mv_index_count(const struct mv_index *ix, char kind);
/* 1 if an index file is missing or older than the newest profile or
 * than stats/usage.json. */
int mv_index_stale(void);
/* Recreate index/ext claims from the entries: drop the ones no profile
 * backs, add the missing. Returns the conflicts (each reported). */
long mv_index_claims(struct mv_index *ix);
/* Compare the index files and claims with ix (fresh from a scan); print
 * one line per difference to out. Returns the number of differences. */
long mv_index_check(struct mv_index *ix, FILE *out);
/* Parse index/movies.json (kind 'm') or index/people.json ('p'). Returns
 * the document (caller deletes) or NULL with *why (errno ENOENT if the
 * file is missing). */
cJSON *mv_index_load(char kind, const char **why);
/* 1 if sort is title, year, added, lastRead or id, optionally "-"-prefixed
 * (reversed). */
int mv_index_sort_valid(const char *sort);
/*
 * A PaginatedResponse of items (an index's "items" array, borrowed):
 * sorted by sort (NULL: id), page from 1. title (or a person's name) A-Z
 * ignoring case, year oldest first, added and lastRead newest first;
 * a missing value sorts last; ties go by id. next/prev are
 * "<base>?page=N&perPage=M&sort=S" or null. Returns a tree the caller
 * deletes, or NULL (errno EINVAL) for a bad sort, page or per_page.
 */
cJSON *mv_index_page(const cJSON *items, const char *sort, long page,
    long per_page, const char *base);

/* ---- publish.c: events from outside the pipeline's stages ----------- */

/*
 * Hand events (an array of events, consumed) to the system: the one way
 * for any tool that is not a pipeline stage (mvctl, a one-shot
 * mvdowngrade, mvserve) to say what it did or wants. If a supervisor
 * reads run/inject.fifo, each event is written there as one line in one
 * write(), and flows through every stage to mvindex, the last one.
 * Otherwise the index is brought up to date in process, from the files
 * (mv_index_rebuild_locked): every change to Movies/ or People/ reaches
 * the index whether or not a pipeline runs.
 * flags: MV_PUBLISH_NONBLOCK never waits on the FIFO (mvserve): a full
 * one drops the event with a warning, a request being only a hint.
 * MV_PUBLISH_NOINDEX leaves the index alone when no pipeline runs (the
 * caller runs the stages itself, or prints the events).
 * Returns MV_PUBLISH_SENT (negative: not an exit code) when the events
 * went into the pipeline; otherwise an exit code: 0 when the index is
 * current, MV_EX_UNAVAILABLE under MV_PUBLISH_NOINDEX with no pipeline
 * (nothing done), or mv_index_rebuild_locked's or a write's failure
 * (reported).
 */
#define MV_PUBLISH_NONBLOCK 1
#define MV_PUBLISH_NOINDEX 2
#define MV_PUBLISH_SENT (-1)
int mv_publish(cJSON *events, int flags);
/*
 * Rebuild both indexes and the external-id claims from Movies/ and
 * People/ under run/index.lock (what mvindex --rebuild does). flags:
 * MV_REBUILD_NOSYNC renames without fsync (mvindex --no-sync);
 * MV_REBUILD_EXITING leaves the index to exit() to free, which is faster
 * (for a one-shot tool about to exit). Returns an exit code: 0; 65 (or
 * the read errno's code) when documents were skipped or claims conflict,
 * each reported; the write's code when index/ cannot be written.
 */
#define MV_REBUILD_NOSYNC 1
#define MV_REBUILD_EXITING 2
int mv_index_rebuild_locked(int flags);
/*
 * Append events (an array, borrowed) to events/journal.ndjson, whole
 * lines in one O_APPEND write, as mvstat does: for a stage downstream of
 * mvstat that originates events (mvdowngrade's filter), which mvstat
 * never sees. Returns 0, or -1 with errno after a warning.
 */
int mv_journal_append(const cJSON *events);

/* ---- parse.c: title, year, ids and tags from a file name ------------ */

/*
 * What a file path says about a movie. Every string is malloc'd (or
 * NULL when absent) and owned by the struct: free with mv_name_free.
 */
struct mv_name {
	char *title;      /* as written, separators cleaned: "The Man from U.N.C.L.E." */
	int year;         /* release year, 0 = none */
	char *edition;    /* "Extended", "Director's Cut", "Special Edition"... */
	char *resolution; /* "1080p", "2160p" */
	char *source;     /* "BluRay", "WEB-DL", "DVDRip"... */
	char *codec;      /* "x264", "HEVC"... */
	char *group;      /* release group: "SPARKS" */
	char *languages;  /* comma-separated tags: "FRENCH,MULTI" */
	int part;         /* CD1, Part 2: 1, 2; 0 = none */
	char *ext;        /* container extension, lower case: "mkv" */
	long long tmdb;   /* [tmdbid-N], {tmdb-N}, tmdb-N; 0 = none */
	char *imdb;       /* tt1234567, [imdbid-tt…] */
	long long tvdb;   /* [tvdbid-N]; 0 = none */
	int confidence;   /* 0..100: how much backs the title and year */
};

/*
 * Read path (a file name, or a path whose parent folders help when the
 * file name says little: "Heat (1995)/movie.mkv", VIDEO_TS, hashed
 * names). Fills *out (always; free it with mv_name_free even on error).
 * Returns 0, or -1 when no title was found. Thread-safe.
 */
int mv_parse_name(const char *path, struct mv_name *out);
/* {"title":…,"year":…|null,"edition","resolution","source","codec",
 * "group" (string|null),"languages":[…],"part":n|null,"ext", then "tmdb",
 * "imdb","tvdb" when found, "confidence"}: a tree the caller deletes. */
cJSON *mv_name_json(const struct mv_name *n);
void mv_name_free(struct mv_name *n);
/*
 * A title for comparison: case-folded, accents stripped (Latin-1 and
 * Latin Extended-A; combining marks dropped), acronym dots joined
 * ("U.N.C.L.E." -> "uncle"), punctuation and symbols to single spaces,
 * trimmed. Returns malloc'd.
 */
char *mv_title_fold(const char *s);

#endif /* MV_H */
