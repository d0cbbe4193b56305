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

#include <regex.h>
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

/* ---- bounds that every tool shares ------------------------------------ */

/*
 * Defined once so that no tool refuses what another wrote or accepted.
 * A profile holds at most one TMDB reply's worth (the largest movie
 * reply with every append is ~400 KB; a deep person with all movie
 * credits ~1 MB), so 16 MiB leaves room for any real one and still
 * stops a corrupt file from eating memory in a parallel scan. The index
 * files grow with the library (~300 bytes a movie): 1 GiB is millions.
 */
#define MV_PROFILE_MAX ((size_t)16 << 20) /* Movies/, People/ documents */
#define MV_INDEX_MAX ((size_t)1 << 30)    /* index/movies.json, people.json */
/*
 * Years of release: TMDB lists films from 1874 (Janssen's Passage de
 * Venus), so 1870, as schemas/MovieProfile.json says; a name parsed for
 * a year and a year stored agree on the same range.
 */
#define MV_YEAR_MIN 1870
#define MV_YEAR_MAX 2100

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

/* ---- opt.c: the common options and the usage text -------------------- */

/*
 * Every tool takes -d/--data DIR, -h/--help and --version the same way:
 * put MV_OPT_LONG in its struct option table (before the NULL entry), "d:h"
 * in its short options, and call mv_opt_common from the default: branch.
 */
#define MV_OPT_VERSION 0x1000
#define MV_OPT_LONG \
	{"data", required_argument, NULL, 'd'}, \
	{"help", no_argument, NULL, 'h'}, \
	{"version", no_argument, NULL, MV_OPT_VERSION}

/* Print the usage text (one string per tool) to f. */
void mv_usage(FILE *f, const char *usage);
/* Usage to stderr, exit 64: the end of every command-line error. */
void mv_usage_die(const char *usage) __attribute__((noreturn));
/*
 * Handle option c: 'd' sets *data to optarg (not copied: argv's); 'h'
 * prints usage to stdout and exits 0; MV_OPT_VERSION prints "prog
 * MV_VERSION" and exits 0; anything else is mv_usage_die(usage).
 */
void mv_opt_common(int c, const char *usage, const char **data);

/* ---- alloc.c: allocation that never returns NULL --------------------- */

void *mv_xmalloc(size_t n);               /* returns malloc'd */
void *mv_xcalloc(size_t n, size_t size);  /* returns malloc'd */
/* mv_xmalloc for a large array filled soon after: asks for 2 MiB pages,
 * whose one fault costs what one 4 KiB page's does. Returns malloc'd. */
void *mv_xmalloc_big(size_t n);
/* Returns the resized block (p is no longer valid); never NULL. */
void *mv_xrealloc(void *p, size_t n);
char *mv_xstrdup(const char *s);          /* returns malloc'd */
char *mv_xstrndup(const char *s, size_t n); /* returns malloc'd */
char *mv_xasprintf(const char *fmt, ...)  /* returns malloc'd */
	__attribute__((format(printf, 1, 2)));
char *mv_xvasprintf(const char *fmt, va_list ap) /* returns malloc'd */
	__attribute__((format(printf, 1, 0)));
/*
 * Strings copied into blocks of block bytes (0: 64 KiB), all freed at
 * once: hundreds of thousands of short strings, one malloc each, cost
 * more in headers and scattered holes than in bytes. A zeroed struct is
 * empty. The strings are the set's until mv_strs_free.
 */
struct mv_strs {
	size_t block;
	char **v;              /* the blocks, malloc'd */
	size_t n;
	char *next;            /* the room left in the last block */
	size_t left;
};
/* A copy of s[0..len) and a NUL in a (a string longer than a block gets
 * a block of its own). Returns it, borrowed from a. */
char *mv_strs_dup(struct mv_strs *a, const char *s, size_t len);
/* Append from's blocks to to's (from left empty); the copies go on in
 * from's last block. */
void mv_strs_move(struct mv_strs *to, struct mv_strs *from);
void mv_strs_free(struct mv_strs *a);

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
/* mv_write_atomic of rel, a path relative to the data directory, with a
 * failure said ("unable to write REL: reason"): the one way to save the
 * state files a tool can do without for a while (stats/usage.json,
 * stats/mv.prom, run/downgrade.json). Returns 0, or -1 with errno. */
int mv_write_state(const char *rel, const void *p, size_t len);
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

/* A reader of one fd; its insides are lines.c's. */
struct mv_lines;

/* Start reading fd. name (borrowed, must outlive the reader) labels
 * messages; max bounds a line. Returns the reader; free with
 * mv_lines_free. */
struct mv_lines *mv_lines_new(int fd, const char *name, size_t max);
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
/* Number of the last line read, returned or reported (1 for the first). */
unsigned long mv_lines_lineno(const struct mv_lines *r);
/* 1 when mv_lines_next can answer without reading: a whole line is
 * buffered, or the end of input was seen. */
int mv_lines_ready(const struct mv_lines *r);
void mv_lines_free(struct mv_lines *r);   /* NULL is fine */

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

/* ---- stage.c: the one loop of every filter stage --------------------- */

/*
 * A filter stage (mvenrich, mvstat, mvdowngrade, mvindex) reads events on
 * stdin, passes every one through to stdout unchanged and acts on some.
 * mv_stage_run is its whole loop: it waits for input, a deadline or a
 * signal in one poll(); reports a bad line as "prog: stdin:N: <why>,
 * skipped" and goes on; peeks at each line (mv_event_peek) and builds a
 * tree only when the stage asks for one; flushes output before it may
 * block. The stage describes itself in a struct mv_stage (every member
 * may be NULL or 0) and keeps its state behind ctx.
 */

/* One event handed to on_event. Everything is borrowed for the call. */
struct mv_stage_event {
	const char *type;       /* the event's type, as mv_event_peek read it */
	const char *line;       /* the line, NUL-terminated, without newline */
	size_t len;
	unsigned long lineno;   /* its number on stdin, for messages */
	cJSON *tree;            /* mv_stage_tree's; the runner deletes it */
};
/* The event's tree, parsed on the first call: borrowed, valid until
 * on_event returns. NULL with a static reason in *why if the line does
 * not parse (a line that mv_event_peek accepted always does). */
const cJSON *mv_stage_tree(struct mv_stage_event *e, const char **why);

/* Pass an acted-on event through after on_event, not before it. */
#define MV_STAGE_EMIT_AFTER 1
/* mvenrich's reports: "stdin:N: <why>" without ", skipped", and blank
 * lines dropped without a word. */
#define MV_STAGE_TERSE 2
/* SIGTERM and SIGINT keep their default action while on_event runs, so
 * that a stage busy for long (TMDB, copying a video) dies at once, as
 * a crash-safe stage may; between events they stop the loop cleanly. */
#define MV_STAGE_KILL_BUSY 4

struct mv_stage {
	/* mv_event_match patterns of the events on_event sees ("mv.movie.*,
	 * mv.video.added"); NULL: every event. Others only pass through. */
	const char *types;
	int flags;              /* MV_STAGE_* */
	void *ctx;              /* handed to every callback */
	/* Act on one event. Returns 0, or an exit code to stop with. */
	int (*on_event)(void *ctx, struct mv_stage_event *e);
	/* The burst is over: no whole line buffered, none readable, and the
	 * runner is about to wait (after on_idle it flushes stdout). */
	void (*on_idle)(void *ctx);
	/* When on_deadline is next due, in mv_mono_ns() time; 0 for never.
	 * Asked before each line and before each wait, so it may move. */
	uint64_t (*next_deadline)(void *ctx);
	void (*on_deadline)(void *ctx);
	/* The loop ends (end of input, a signal, a read error or on_event's
	 * code): last writes. The runner flushes stdout after it. */
	void (*on_stop)(void *ctx);
};

/*
 * Run st over stdin until end of input, SIGTERM or SIGINT (0), a read
 * error ("unable to read standard input", 74) or a nonzero code from
 * on_event (that code). Installs the signal handlers (mv_stage_signals).
 */
int mv_stage_run(const struct mv_stage *st);
/*
 * Catch SIGTERM and SIGINT: the handler only records the signal in
 * and wakes mv_stage_run's poll (a self-pipe). Idempotent; a tool calls
 * it early when work before the loop (a scan, a one-shot run) should
 * stop at a signal too, and asks mv_stage_stopped meanwhile.
 */
void mv_stage_signals(void);
/* The signal (SIGTERM, SIGINT) that asked us to stop, or 0. */
int mv_stage_stopped(void);

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
 * Where in w the first byte mv_json_word_special flagged is (m, nonzero,
 * what it returned): 0 to 7, in memory order. Its lowest flag is
 * exact: a borrow in those tests only sets flags above a true one.
 */
static inline unsigned
mv_json_word_first(uint64_t m)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned)__builtin_ctzll(m) >> 3;
#else
	return (unsigned)__builtin_clzll(m) >> 3;
#endif
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
/* A string as mv_js_str reads it: 1; any other value is skipped: 0;
 * -1 on an error. One call where a reader takes a string if one is
 * there: millions a rebuild. */
int mv_js_str_or_skip(struct mv_js *s, const char **start, size_t *len, int *esc);
/* Unescape raw string bytes from mv_js_str: malloc'd, NUL-terminated
 * (a decoded \u0000 ends it early). */
char *mv_js_decode(const char *p, size_t n, int esc);
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

/* ---- utf8.c: the one UTF-8 decoder (inline) and encoder ------------- */

/*
 * Length (1-4) of the valid UTF-8 sequence at s, which has n bytes left,
 * or 0 if there is none: a stray continuation byte, a bad lead byte, an
 * overlong form, a surrogate, a code point above U+10FFFF, or a sequence
 * cut by n. Its code point goes to *cp unless cp is NULL. Reads at most
 * n bytes, so s needs no terminator.
 *
 * The second byte is checked against the ranges of RFC 3629 table 3-7,
 * which rules out overlong forms (E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and what is above U+10FFFF (F4 90..BF) before decoding.
 * Inline: the scanner's UTF-8 slow path ran a third slower on accented
 * and CJK text with a call per sequence, and with cp NULL the decoding
 * folds away.
 */
static inline size_t
mv_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c, lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t len, i;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;       /* a continuation byte, C0, C1 or F5..FF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	v = v << 6 | (p[1] & 0x3f);
	for (i = 2; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (cp)
		*cp = v;
	return len;
}

/* Write code point cp (at most U+10FFFF; the caller keeps surrogates
 * out) as UTF-8 to out, unterminated; returns its length, 1-4. */
size_t mv_utf8_put(uint32_t cp, char out[4]);
/* 1 if the n bytes at s are UTF-8 (no overlong form, no surrogate,
 * nothing above U+10FFFF), as MV_JS_UTF8 checks string bytes. */
int mv_utf8_valid(const char *s, size_t n);
/* U+FFFD REPLACEMENT CHARACTER, what readers show for bytes not UTF-8. */
#define MV_UTF8_FFFD "\xef\xbf\xbd"

/* ---- ASCII byte classes, whatever the locale (inline) --------------- */

/* File names and titles are read byte by byte with these, never with
 * <ctype.h>, whose answers change with the locale and which are undefined
 * for negative chars. */
static inline int
mv_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static inline int
mv_ascii_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
mv_ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 1 if s is one or more ASCII digits and nothing else: the shape of a
 * bare TMDB id, of the number in tt…; mvctl (years, journal suffixes)
 * and media.c (archive volumes, .001) ask the same. Inline, so that a
 * tool that only classifies files (mvwatch) does not link the resolver,
 * and through it the index and libcurl. */
static inline int
mv_all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!mv_ascii_digit(*s))
			return 0;
	return 1;
}

/* The value of hex digit c, or -1. */
static inline int
mv_ascii_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- profiles.c: reading many profiles on all CPUs ------------------ */
/*
 * Read Movies/<id>.json or People/<id>.json (by id[0]; dfd an open
 * Movies/ or People/, or -1) whole into b (reused: grown, never shrunk;
 * the caller frees it), NUL-terminated. More than max bytes is refused.
 * Returns 0, or -1 with *why (a static reason: "not a regular file",
 * "document too large", or strerror) and errno set for a file that could
 * not be read at all (ENOENT: there is none), 0 for one refused.
 */
int mv_profile_read(int dfd, const char *id, size_t max, struct mv_buf *b,
    const char **why);
/*
 * mv_profiles_read reads the profiles of ids[0..n) on reader threads and
 * hands each one's text to scan, on the thread that read it (text NULL:
 * why and err as mv_profile_read says; the text is only valid during the
 * call). slot is where the caller keeps item i: i % window, or i without
 * a window. With a window, take gets the items in order on the calling
 * thread, readers at most window items ahead; without one, the call
 * reads everything (the calling thread too), then calls take (if not
 * NULL) for each in order. threads: readers to run, 0 for one per CPU;
 * at most 8, one for 64 files or fewer. Everything is borrowed.
 */
struct mv_profiles {
	const char *const *ids;
	const unsigned char *regular;  /* or NULL: regular[i], a listing's
	                        * readdir called item i a regular file */
	size_t n;
	size_t max;             /* larger files: "document too large" */
	size_t window;          /* 0: none */
	int threads;
	void (*scan)(void *ctx, size_t i, size_t slot, const char *text,
	    size_t len, const char *why, int err);
	void (*take)(void *ctx, size_t i, size_t slot);
	void *ctx;
};
void mv_profiles_read(const struct mv_profiles *r);

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
/* Release a lock from mv_lock (fd < 0: nothing): LOCK_UN, then close.
 * The explicit unlock holds even if close reports an error, so a process
 * that takes the same lock again later cannot wait on itself. */
void mv_unlock(int fd);

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
 *
 * One rule for every tool: a claim whose owner's profile is missing is
 * stale. Readers treat it as absent and mv_claim takes it over. That is
 * safe because a claim is made only for a profile already saved: create
 * and save the profile, then claim, and on a conflict remove your own.
 * Nothing but mv_claim, mv_claim_drop and mv_unclaim writes index/ext/.
 */
/* 1 if a claim by owner (of kind 'm' or 'p') is stale: owner is not an
 * id of that kind, or its Movies/ or People/ profile is missing. */
int mv_claim_stale(char kind, const char *owner);
/* Claim source:value for id. 0 if claimed now or already id's (a stale
 * claim is replaced atomically: a fresh symlink renamed over it, under
 * run/claims.lock, looked at again there); -1 with errno EEXIST if a live
 * id owns it (then *owner, if owner is non-NULL, is set to a malloc'd
 * copy of the owner's id); -1 with another errno. */
int mv_claim(const char *source, const char *value, const char *id, char **owner);
/* Owner of a live claim: malloc'd id, or NULL (errno ENOENT if unclaimed
 * or stale). */
char *mv_claim_owner(char kind, const char *source, const char *value);
/* Drop the claim key ("tmdb:63") of kind if owner holds it, under
 * run/claims.lock. 0 (also when there is none), or -1 with errno (EPERM:
 * another id holds it). For mvindex's reconciliation. */
int mv_claim_drop(char kind, const char *key, const char *owner);
/* Drop a claim if it is held by id. 0, or -1 with errno. */
int mv_unclaim(const char *source, const char *value, const char *id);
/* After id's profile was saved with its externalIds changed from before
 * to after (both borrowed; NULL for none): drop id's claims on the outside
 * ids that before had and after has not (a downgrade strips wikidata).
 * Saved first, then dropped: a crash between leaves a claim no profile
 * backs, which mvindex --rebuild removes. Returns how many failed (each
 * reported). */
int mv_claims_follow(const char *id, const cJSON *before, const cJSON *after);

/* ---- resolve.c: a token naming a movie or a person ------------------- */

/*
 * The one reading of a token that names a record, for every mvctl verb
 * and every mvserve route that takes an id. kind is 'm' or 'p'. A token
 * is, in this order:
 *   "m12", "p7"          an internal id whose profile exists;
 *   with MV_RESOLVE_PATH (movies only), anything with a '/', or the name
 *                        of an existing file: the path of a filed video,
 *                        absolute, relative to the current directory, or
 *                        relative to the data directory; the movie whose
 *                        profile's video.path it is;
 *   "tmdb:63", "63"      an external id, through its claim (a stale claim,
 *   "imdb:tt0133093",    lib/claim.c's rule, is no owner); with
 *   "tt0133093", "nm…",  MV_RESOLVE_INDEX also through index byExternal
 *   "source:value"       when no claim is made (a live owner only).
 * Returns 0 with *id (malloc'd); else MV_EX_NOTFOUND (nothing matches) or
 * MV_EX_USAGE (no such shape), with *why a whole message ("no movie with
 * tmdb:63 in the library"), thread-local, valid until the next call.
 */
#define MV_RESOLVE_PATH 1   /* accept video paths (a server must not) */
#define MV_RESOLVE_INDEX 2  /* fall back on the index's byExternal */
int mv_resolve(const char *token, char kind, int flags, char **id, const char **why);

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
/* FNV-1a of the n bytes at p, going on from h: MV_HASH_BASIS to start,
 * so mv_hash_bytes(MV_HASH_BASIS, s, strlen(s)) == mv_hash(s). */
#define MV_HASH_BASIS 0xcbf29ce484222325ULL
uint64_t mv_hash_bytes(uint64_t h, const void *p, size_t n);

/* ---- table.c: one hash table keyed by string ------------------------- */

/*
 * Every map and set by string key in mv: zero a struct mv_table to
 * start, mv_table_free to end. The table owns only its slots. Keys and
 * values are borrowed: a key must stay alive and unchanged while its
 * entry is in the table (point it into the value, or free keys and
 * values yourself by walking the table with mv_table_next before
 * mv_table_free). Values must not be NULL (NULL means absent); a set
 * stores each key as its own value. Pointers returned by mv_table_get
 * stay valid across growth (they are the caller's, not the table's).
 */
struct mv_table_slot {
	uint64_t h;             /* mv_hash(key) */
	const char *key;        /* NULL: empty */
	void *val;
};

struct mv_table {
	struct mv_table_slot *slot; /* open addressing, cap a power of two */
	size_t cap, n;
};

/* The value of key, or NULL. */
void *mv_table_get(const struct mv_table *t, const char *key);
/* Set key to val (not NULL); returns the value it replaced, or NULL if
 * key is new. On replace the entry keeps the new key pointer. */
void *mv_table_put(struct mv_table *t, const char *key, void *val);
/* Remove key; returns its value, or NULL if absent. */
void *mv_table_del(struct mv_table *t, const char *key);
/* Walk the entries in no particular order: start with *pos = 0; 1 with
 * *key and *val set (either may be NULL), 0 at the end. Do not put or
 * del while walking. */
int mv_table_next(const struct mv_table *t, size_t *pos, const char **key, void **val);
void mv_table_free(struct mv_table *t);

/* ---- evict.c: one least-recently-used evictor ------------------------ */

/* What mv_evict found and did (or would do, dry). */
struct mv_evict_stats {
	long long before, after;   /* bytes under rel */
	long long freed;
	size_t removed;            /* files */
};

/*
 * Bound the data-relative directory rel: when its files (mv_walk's
 * view, less other processes' temp files) hold more than max bytes,
 * remove the least recently used (the later of atime and mtime; ties
 * by path) until at most target remain. Files for which keep (may be
 * NULL) returns nonzero go last. dry: remove nothing, count as if.
 * A file that cannot be removed is warned about and skipped. Returns
 * the bytes freed; st (may be NULL) gets the details.
 */
long long mv_evict(const char *rel, long long max, long long target,
    int (*keep)(void *ctx, const char *rel), void *ctx, int dry,
    struct mv_evict_stats *st);

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
/* HTTP requests this process has sent to TMDB (each retry counts; cache
 * hits and file:// reads do not). */
long long mv_tmdb_requests(void);
/* Of those, the retries (after a 429, a 5xx or a transport error). */
long long mv_tmdb_retries(void);
/* GET path+query relative to the base URL, e.g. "/movie/63?language=fr". */
int mv_tmdb_get(const char *path, cJSON **out);
/* The append_to_response list a level needs (static string):
 * minimal, basic: external_ids,translations,alternative_titles,images;
 * medium: + credits; deep: credits,images,videos,keywords,release_dates,
 * external_ids,watch/providers,translations,alternative_titles. */
const char *mv_tmdb_level_parts(enum mv_level level);
/* /movie/{id} with that level's parts; language (may be NULL) "fr-FR".
 * Images are asked in language's, English and no language; without
 * language, in mv_language()'s and no language (include_image_language). */
int mv_tmdb_movie(long long id, enum mv_level level, const char *language, cJSON **out);
/* /movie/{id} with an explicit append_to_response list (NULL: none). */
int mv_tmdb_movie_parts(long long id, const char *parts, const char *language,
    cJSON **out);
/* /person/{id} with external_ids, plus movie_credits when deep. */
int mv_tmdb_person(long long id, int deep, cJSON **out);
/* /search/movie, honouring year when year > 0 (primary_release_year),
 * in mv_language() (results titled in it). */
int mv_tmdb_search(const char *title, int year, int page, cJSON **out);
/* /find/{tt…}?external_source=imdb_id */
int mv_tmdb_find(const char *imdb, cJSON **out);
/* Into best, the smallest poster size of /configuration ("w92") at
 * least width pixels wide; "w92" when TMDB names none. */
void mv_tmdb_poster_size(int width, char best[8]);
/* Download image file_path at size ("w342") to dest, atomically, using
 * /configuration (cached); at most $MV_IMAGE_MAX bytes. An existing dest
 * is kept unless MV_TMDB_REFRESH is set. */
int mv_tmdb_image(const char *file_path, const char *size, const char *dest);
/* Parse a TMDB reply body: one complete JSON object. Returns a tree the
 * caller deletes, or NULL with a static reason in *why. */
cJSON *mv_tmdb_parse(const char *body, size_t len, const char **why);

/* ---- regex.c: JSON Schema patterns (ECMA-262) as POSIX ERE --------- */

/*
 * One pattern, compiled once: zero it to start, mv_regex_free to end.
 * Patterns run in C.UTF-8 when the system has it, so "." and classes
 * match code points as in ECMA-262; what ERE cannot say (lookaround,
 * backreferences, \b) is refused, never approximated.
 */
struct mv_regex {
	regex_t re;
	signed char state;      /* 0 not compiled yet, 1 re usable, -1 failed */
	signed char wide;       /* compiled in C.UTF-8: run it there */
	char *why;              /* owned: why the pattern failed to compile */
};
/* Compile ECMA-262 pattern src into r, the first time only: later calls
 * give the first answer. 1 if usable, 0 if not (r->why says why). */
int mv_regex_compile(struct mv_regex *r, const char *src);
/* 1 if r (compiled and usable) matches s. */
int mv_regex_match(const struct mv_regex *r, const char *s);
void mv_regex_free(struct mv_regex *r);  /* zeroes r again */
/* 1 if src compiles: the schema format "regex". */
int mv_regex_ok(const char *src);

/* ---- schema.c: JSON Schema draft-07 validator ------------------------ */

/*
 * Schemas are named by URI references resolved against MV_SCHEMA_BASE:
 * "MovieProfile.json", "events/mv.file.added.json", or with a fragment
 * "MovieProfile.json#/definitions/credit". Each file in schemas/ has this
 * $id, so ajv resolves the same refs. Nothing is ever fetched from it.
 */
#define MV_SCHEMA_BASE "https://mv.invalid/schemas/"
#define MV_SCHEMA_VERSION 1  /* the schemaVersion of every stored document... */
#define MV_MOVIE_SCHEMA_VERSION 2  /* ...but a MovieProfile's: its videos[] */

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
/* (migrate.c) */
/*
 * Upgrade doc, a stored document of kind "MovieProfile", "PeopleProfile",
 * "MovieIndex" or "PeopleIndex", in place to its current version
 * (MV_MOVIE_SCHEMA_VERSION for a MovieProfile, through
 * mv_movie_upgrade; MV_SCHEMA_VERSION for the others). *from (may
 * be NULL) gets the version found (0: none). A person (or people index
 * item) at "basic" or "light" becomes minimal, whatever its version:
 * people have no such level. Returns 1 if migrated, 0 if already
 * current, -1 for an unknown version or kind (doc untouched).
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
/* The watch-provider region: $MV_REGION, else the file's region, if it is
 * two capital letters; else the locale's country; else "FR". Borrowed,
 * as mv_config_get. */
const char *mv_region(void);
/* The user's language, as TMDB spells it ("fr-FR", "de", "en-US"): the
 * key language ($MV_LANGUAGE), else the locale (LC_ALL, LC_MESSAGES,
 * LANG: fr_FR.UTF-8 is fr-FR), else en-US (also for C and POSIX). A
 * locale's country is the region when none is set. Static string. */
const char *mv_language(void);
/* How a video is imported into the library: moved (its source goes),
 * copied or hard-linked (its source stays, as a seeding download must). */
enum mv_import_mode {
	MV_IMPORT_MOVE,
	MV_IMPORT_COPY,
	MV_IMPORT_HARDLINK,
};
/* The key import_mode ($MV_IMPORT_MODE): move (the default), copy or
 * hardlink; anything else is warned about once and read as move. */
enum mv_import_mode mv_import_mode(void);
/* "move", "copy" or "hardlink". Static string. */
const char *mv_import_mode_name(enum mv_import_mode m);

/*
 * Library roots: folders of videos that are the library's where they
 * lie (mvctl import --in-place). The key root, which may repeat, each
 * an absolute folder ("root = /srv/films"); $MV_ROOT, colon-separated,
 * wins over the file. The file is read again whenever it changes, so
 * a running pipeline sees a root mvctl import has just added.
 * mv_roots: the roots, normalised (absolute, no trailing '/'); *n set.
 * Borrowed, valid until the next mv_roots, mv_root_of or
 * mv_config_add_root call.
 */
const char *const *mv_roots(size_t *n);
/* The root that holds path (absolute), or NULL. Borrowed, as mv_roots. */
const char *mv_root_of(const char *path);
/* Record dir (absolute, normalised) as a root: "root = \"dir\"" appended
 * to the configuration file, which is written atomically (made if
 * missing). Returns 1 if added, 0 if it was a root already, -1 with
 * errno (EINVAL: not absolute or holds a newline; ENOENT: no file). */
int mv_config_add_root(const char *dir);

/* ---- lang.c: language tags -------------------------------------------- */

/*
 * Read a language as "fr", "fr-FR", or a locale name "fr_FR.UTF-8@euro"
 * into out ("fr-FR", "fr"), normalising the case. Returns 1, or 0 for
 * anything else: C and POSIX (no language of their own), empty, odd.
 */
int mv_lang_norm(const char *s, char out[8]);
/* The language a browser prefers most from an Accept-Language header
 * ("fr-CH, fr;q=0.9, en;q=0.8") into out, normalised; 1, or 0 if the
 * header names none. */
int mv_lang_accept(const char *header, char out[8]);
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
/* mv_tool_run in two steps: start the child (its pid), its stderr to
 * err_fd (a descriptor above 2; -1: ours), then wait for it (name for a
 * message): the caller works meanwhile. */
pid_t mv_tool_start(char **argv, int in_fd, int out_fd, int err_fd);
int mv_tool_wait(pid_t pid, const char *name);
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
/* (mv_movie_upgrade is in migrate.c; the title and overview in the user's
 * language, mv_*_title*, mv_movie_overview_for, in movie_title.c; what
 * reads TMDB, mv_movie_apply, _enrich, _refetch_images, _preview and
 * mv_movie_notify, in movie_enrich.c, so that a tool that only reads and
 * writes profiles does not link libcurl) */

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
 * Turn a MovieProfile of schemaVersion 1 into 2 in place: its "video"
 * (an object, or null) becomes "videos" (that one entry, or []), and
 * TMDB's trailer list, v1's "videos", becomes "trailers". mv_movie_load
 * and mv_movie_save call it, so every reader sees version 2 and every
 * write is version 2; a reader of raw profile text (mvserve, mvctl
 * check) calls it itself. Returns 1 if doc changed, 0 if it was of
 * version 2 already, -1 for any other version (doc untouched).
 */
int mv_movie_upgrade(cJSON *doc);
/* The videos[] of a MovieProfile (an array, perhaps empty; NULL if the
 * profile has none: not upgraded). Borrowed from m. */
cJSON *mv_movie_videos(const cJSON *m);
/*
 * The main video of m: the first entry without a part, else the one of
 * part 1, else the first; NULL when m has none. Borrowed from m (a
 * writer may change its members in place).
 */
cJSON *mv_movie_video(const cJSON *m);
/*
 * Create and save a minimal movie (status initial, a new id): title,
 * year (0: unknown), parsed and video (both consumed; NULL for {}, and
 * for no video: videos [], else [video], or video itself when it is an
 * array: a film in parts). Returns the tree (caller deletes), or NULL
 * with errno.
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
/* Download again the poster and backdrop of a deep doc that its profile
 * names but assets/images/ no longer holds (mvctl gc trims that cache),
 * under the same names; *fetched counts them. doc is not changed.
 * Returns an exit code (mv_tmdb_*'s on a TMDB failure). */
int mv_movie_refetch_images(cJSON *doc, int *fetched);
/*
 * Remove every member above target (and externalIds.wikidata below deep);
 * never the minimal record, never the video. Returns an array (caller
 * deletes) of the image files, relative to the data directory, that the
 * removed members referenced: the caller deletes those files.
 */
cJSON *mv_movie_strip(cJSON *doc, enum mv_level target);
/*
 * Which title names a movie (name_title = local | original | default):
 * the one in the user's language, the original one, or TMDB's default.
 */
enum mv_name_title { MV_TITLE_LOCAL, MV_TITLE_ORIGINAL, MV_TITLE_DEFAULT };
/* The name_title value s as an enum mv_name_title, or -1 (NULL too). */
int mv_name_title_parse(const char *s);
/*
 * The one choice of a title for profile (a MovieProfile, or an index
 * item: the same members). MV_TITLE_LOCAL: the translated title of lang
 * ("fr-FR"; NULL or "": mv_language()) where TMDB has one, else the
 * original title when lang is the original language, else TMDB's default
 * ("title"); MV_TITLE_ORIGINAL: originalTitle, else title;
 * MV_TITLE_DEFAULT: title. Borrowed from profile ("" if it has none).
 */
const char *mv_movie_title_for(const cJSON *profile, const char *lang,
    enum mv_name_title which);
/* The title that names movie m's filed files: the setting name_title
 * (local, the default; original; default) in mv_language(). An unknown
 * setting is warned about once and read as local. Borrowed from m. */
const char *mv_movie_name_title(const cJSON *m);
/* Set doc's basic members (titles, year, externalIds...) from TMDB's
 * details tm in memory only: no poster fetched, no id claimed, no level
 * reached. What mvctl plan and import --dry-run name files by. */
void mv_movie_preview(cJSON *doc, const cJSON *tm);
/* The overview in lang likewise (overviews[lang], else TMDB's default
 * overview, else ""). Borrowed from profile. */
const char *mv_movie_overview_for(const cJSON *profile, const char *lang);
/* Called for mv.person.created and mv.person.enriched (data consumed);
 * NULL (the default) drops them. mvenrich sets it to emit events. */
extern void (*mv_movie_notify)(const char *type, const char *subject, cJSON *data);

/* ---- file.c: crash-safe filing of videos ---------------------------- */

/*
 * Move the video src into the directory dstdir (absolute; made, with its
 * parents, if missing, and removed again by a rollback) as name, or
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
/* mv_file_move as mode says: MV_IMPORT_MOVE is mv_file_move; with
 * MV_IMPORT_COPY the video is copied (never linked) and with
 * MV_IMPORT_HARDLINK hard-linked (copied across filesystems, with a
 * one-line notice on stderr), and in both the source is left as it was,
 * after the check that it did not change. The journal records the mode:
 * mv_file_recover never removes a source a copy or hardlink kept. */
int mv_file_import(const char *movie, const char *src, const char *dstdir,
    const char *name, enum mv_import_mode mode, char **final);
/* The identity of a file, "dev:ino:size:sec.nsec" of its mtime, into buf;
 * returns buf. Equal identities: the same file, unchanged. */
#define MV_FILE_IDENT_MAX 96
char *mv_file_ident(const struct stat *st, char buf[MV_FILE_IDENT_MAX]);
/* 1 when movie's filing (its journal, before mv_file_commit) kept its
 * source in place, unchanged since: *src its path (malloc'd) and ident
 * its identity; else 0 and *src NULL. */
int mv_file_kept(const char *movie, char **src, char ident[MV_FILE_IDENT_MAX]);
/* mv_file_move for a video already filed, moved to another filed name
 * (mvctl migrate, rename): its journal says so, and mv_file_recover
 * records it with mv_refile_recovered instead of calling its fn. */
int mv_file_refile(const char *movie, const char *src, const char *dstdir,
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
/* Test hook: SIGKILL this process if $MV_CRASH_AT equals step, or, for
 * "step:N", the Nth time it reaches step. */
void mv_crash_point(const char *step);

/* ---- name.c: the name and place of every filed file ----------------- */

/* What of a movie's files to name. */
enum mv_name_what {
	MV_NAME_VIDEO,     /* the video (a version or part by its labels) */
	MV_NAME_FOLDER,    /* the movie's folder */
	MV_NAME_SUBTITLE,  /* a sidecar subtitle of the video */
	MV_NAME_EXTRA,     /* an extra, in its subfolder */
};
struct mv_name_of {
	enum mv_name_what what;
	const char *lang;    /* subtitle: "fr", "en" (NULL: none) */
	int forced, sdh;     /* subtitle: its flags */
	const char *extra;   /* extra: its kind or folder ("featurettes",
	                        "trailer"); unknown kinds go to Extras/ */
	const char *source;  /* subtitle, extra: its original name, which
	                        gives the extension (and an extra's title) */
};
/*
 * The one rule for where a filed file belongs, relative to the data
 * directory: "assets/videos/Title (Year) [tmdbid-N]/Title (Year)
 * [tmdbid-N][ - edition][ - quality][ - partN][.lang][.forced][.sdh].ext",
 * or "…/Featurettes/<its name>.ext" for an extra. m is the MovieProfile
 * (title, year, externalIds.tmdb); video (may be NULL for a folder or an
 * extra) is its entry in m's videos[]: path, else source (the
 * extension), edition,
 * quality, part. of NULL means the video. Filing, migrate, rename and
 * check all ask it. Returns malloc'd.
 */
char *mv_name_path(const cJSON *m, const cJSON *video, const struct mv_name_of *of);

/* ---- version.c: the parts and versions of one film ------------------ */

/* The rank of a quality label: 2160p (4K, UHD) 4 > 1080p 3 > 720p 2 >
 * 576p, 480p, SD 1; 0 unknown (NULL too). HDR does not count. The one
 * order of qualities. */
int mv_quality_rank(const char *label);
/* The quality of video entry v: its label ("quality"), else what the
 * probe saw (media.quality), else the resolution in its source's name;
 * NULL if none says. malloc'd. */
char *mv_video_quality(const cJSON *v);
/* The edition of v: its label, else the one in its source's name; NULL
 * for none. malloc'd. */
char *mv_video_edition(const cJSON *v);
/*
 * The entry of movie m that the video entry v would duplicate: one of
 * the same edition (labels compared without case or punctuation),
 * quality rank (unknown on either side counts as the same; any, when
 * any_quality: what an upgrade replaces) and part (a whole film holds
 * every part). NULL if v would be a new version or part. Borrowed from m.
 */
cJSON *mv_version_twin(const cJSON *m, const cJSON *v, int any_quality);
/*
 * Label v, about to join m's videos, for its name (mv_name_path): its
 * edition always; its quality when m has a copy of that edition, or
 * when keep (a duplicate kept, whose name must not collide); the labels
 * of its sibling parts when it is a part of a copy m holds in part.
 */
void mv_version_label(const cJSON *m, cJSON *v, int keep);
/* What a true duplicate becomes (key duplicates, $MV_DUPLICATES). An
 * unknown value is warned about once and read as review. */
enum mv_duplicates {
	MV_DUPS_REVIEW,   /* to review, as a duplicate (the default) */
	MV_DUPS_KEEP,     /* kept as another version */
	MV_DUPS_UPGRADE,  /* replaces a copy of a lower quality */
};
enum mv_duplicates mv_duplicates(void);

/* ---- refile.c: move what is filed to where mv_name_path says -------- */

/* Told each move: from and to relative to the data directory. */
typedef void (*mv_refile_fn)(void *ctx, const char *movie, const char *from,
    const char *to);
/*
 * Move every file of movie m (its videos, then each one's subtitles and
 * extras; its profile updated and saved) that lies
 * under assets/videos/ but not where mv_name_path says, one at a time with
 * mv_file_refile: profile saved, then the journal dropped, so a kill -9 at
 * any step leaves each video exactly once and mv_file_recover finishes
 * it. A folder left empty goes. A file at a taken name's " (N)" variant
 * of its place is in place. fn (may be NULL) is told each move, before
 * it is made; dry only tells. Returns the number of moves (made or, when
 * dry, to make), or -1 with errno after a failed move (that file stays).
 */
int mv_refile_movie(cJSON *m, int dry, mv_refile_fn fn, void *ctx);
/* Record in movie's profile a refile that mv_file_recover finished
 * (final, absolute) or rolled back (final NULL: nothing to record). */
void mv_refile_recovered(const char *movie, const char *final, const char *src);
/* Remove the empty folders directly under assets/videos/ (a crash
 * between a move and its folder's removal leaves one). Returns how many. */
int mv_refile_sweep(void);

/* ---- usage.c: stats/usage.json, accesses per movie ------------------ */

/* One movie's accesses. */
struct mv_use {
	char id[24];            /* "m42" */
	long long count;
	time_t first, last;
};

/* The file in memory: a table by id of malloc'd struct mv_use, owned
 * (walk it with mv_table_next on t); zero it to start, free with
 * mv_usage_free. */
struct mv_usage {
	struct mv_table t;      /* id -> struct mv_use, keyed by its own id */
};

/* Load stats/usage.json into u (emptied first); a missing file is an
 * empty one. A document that is not {"schemaVersion":1,"movies":{id:
 * {count, first, last}}} is refused whole, so that nobody scores or
 * rewrites from half of it. Returns 0, or after "unable to read
 * stats/usage.json: ..." 65 (bad data) or mv_exit_for_read_errno. */
int mv_usage_load(struct mv_usage *u);
/* 1 if the mv.movie.requested ev is a user's read, the only kind the
 * file counts: data.reason "user" or absent (journals older than the
 * field); 0 for "maintenance" (mvctl enrich, migrate, repair). */
int mv_usage_is_read(const cJSON *ev);
/* The entry of id, or NULL; with create, a new zeroed one if missing
 * (NULL if id does not fit). Owned by u; valid until mv_usage_free. */
struct mv_use *mv_usage_get(struct mv_usage *u, const char *id, int create);
/* The entries sorted by id number: a malloc'd array of *n copies. */
struct mv_use *mv_usage_sorted(const struct mv_usage *u, size_t *n);
/* Write u as stats/usage.json atomically. 0, or -1 with errno after a
 * warning. */
int mv_usage_write(const struct mv_usage *u);
void mv_usage_free(struct mv_usage *u);

/* ---- nfo.c: the Kodi NFO and artwork beside a filed video ----------- */

/*
 * Beside the video "<dir>/<base>.<ext>" go "<base>.nfo",
 * "<base>-poster.jpg" and "<base>-fanart.jpg": the names Kodi reads
 * first, which Jellyfin and Plex's NFO agent read too, in a folder per
 * movie as in a flat folder (see mvnfo(1)). The rule will move into
 * "layout"'s lib/name.c with the other sidecars.
 */
/* 1 unless the config says nfo = off (or no, 0, false). */
int mv_nfo_enabled(void);
/* Append s to b as XML character data or an attribute value: & < > " '
 * as entities, C0 controls but tab and newlines dropped (XML 1.0 has no
 * way to write them), bytes that are not UTF-8 as U+FFFD. */
void mv_xml_escape(struct mv_buf *b, const char *s);
/* The NFO of a MovieProfile: what its level knows, fileinfo from
 * video.media once probed. Reads the cast's PeopleProfiles for thumbs.
 * Returns malloc'd. */
char *mv_nfo_text(const cJSON *doc);
/* The absolute path of doc's filed video (under assets/videos/), or NULL
 * when it has none. Returns malloc'd. */
char *mv_nfo_video(const cJSON *doc);
/* video with its extension replaced by suffix (".nfo", "-poster.jpg").
 * Returns malloc'd. */
char *mv_nfo_sidecar(const char *video, const char *suffix);
/* What mv_nfo_write did, in *what. */
#define MV_NFO_NFO 1     /* the NFO was written (it changed) */
#define MV_NFO_POSTER 2  /* the poster was placed */
#define MV_NFO_FANART 4  /* the fanart was placed */
#define MV_NFO_KEPT 8    /* below basic: the NFO there was left as it is */
/*
 * Bring the NFO and artwork of doc's filed video in step with doc, each
 * file written atomically and only when it changes. Below basic an NFO
 * already there is kept (a downgrade never strips it below what basic
 * knew); artwork is placed when doc has images (deep) and otherwise
 * left as it is. No filed video: nothing to do. Returns 0, or an exit
 * code after a warning.
 */
int mv_nfo_write(const cJSON *doc, int *what);

/* ---- index.c: index/movies.json, index/people.json ------------------- */

/*
 * The indexes in memory: one node per movie and person, by id. Built by
 * mv_index_scan from Movies/ and People/ (and lastRead from
 * stats/usage.json), kept current by mv_index_update, written by
 * mv_index_write. Profiles that cannot be read or lack what the index
 * needs are reported ("prog: unable to read Movies/m3.json: invalid
 * JSON") and left out. Readers (mvctl) use mv_index_load, and listing.c
 * to sort and page.
 */
struct mv_index;

struct mv_index *mv_index_new(void);   /* free with mv_index_free */
void mv_index_free(struct mv_index *ix);
/* Write without fsync (temp file and rename only); see mvindex(1). */
void mv_index_nosync(struct mv_index *ix, int nosync);
/* Read every profile; returns how many were skipped (each reported).
 * Nothing is marked dirty: write with force after a scan. flags:
 * MV_INDEX_CLAIMS to read index/ext/ meanwhile, for a mv_index_claims
 * to follow. */
#define MV_INDEX_CLAIMS 1
long mv_index_scan(struct mv_index *ix, int flags);
/* The errno of the first profile the last scan could not read at all
 * (EIO, EACCES: not one that read but was invalid), or 0. */
int mv_index_read_errno(const struct mv_index *ix);
/* Reload one profile by id ("m3", "p7"): its entry, and for a movie the
 * people it credits before and after, their profiles reread (a downgrade
 * needs no scan). A missing or invalid profile
 * leaves the index. Returns 0, or -1 if it was reported as invalid. */
int mv_index_update(struct mv_index *ix, const char *id);
/* Reload lastRead from stats/usage.json: 1 if an entry changed, 0 if
 * not, -1 after a warning (a file mv_usage_load refuses; entries kept). */
int mv_index_usage(struct mv_index *ix);
/* 1 when an index file needs writing. */
int mv_index_dirty(const struct mv_index *ix);
/* Write the index files that changed (all if force), atomically: of
 * the movies, then of the people, the shards that changed, then their
 * list; and index/collections.json (collections.c) when a collection
 * changed. 0, or -1 with errno after a warning. The lists replaced are
 * unlinked by a thread meanwhile; mv_index_reap waits for it. Env
 * MV_CRASH_AT= index-movie-shard, index-movie-keys (a movie shard
 * written, its key file not), index-movies (the movies' list),
 * index-keys, index-shard or index-list (the people's) kills the process
 * after that file (mv_crash_point), for crash tests. */
int mv_index_write(struct mv_index *ix, int force);
void mv_index_reap(struct mv_index *ix);
/*
 * Make ix a rebuild that streams the people (index_stream.c), for a
 * memory that does not grow with them: mv_index_scan then reads the
 * movies only, mv_index_write with force reads the people and writes
 * their shards one at a time, and mv_index_claims claims from what it
 * kept. Such an ix is for that sequence only: no update, check nor count
 * of the people. mv_index_stream_skipped: the people profiles the write
 * skipped (each reported), which the scan's count leaves out.
 */
void mv_index_stream(struct mv_index *ix);
long mv_index_stream_skipped(const struct mv_index *ix);
/* Present entries of kind 'm' or 'p'. */
size_t mv_index_count(const struct mv_index *ix, char kind);
/* 1 if an index file is missing (index/collections.json included) or
 * movies.json or people.json is older than the newest profile or than
 * stats/usage.json. */
int mv_index_stale(void);
/* Recreate index/ext claims from the entries: drop the ones no profile
 * backs, add the missing. Returns the conflicts (each reported). */
long mv_index_claims(struct mv_index *ix);
/* Compare the index files and claims with what a rebuild would write,
 * reading the profiles as a streamed rebuild does (its memory, not the
 * library's); print one line per difference to out. Writes nothing.
 * Returns the number of differences. */
long mv_index_check(FILE *out);
/* The movie index (kind 'm') or the people index ('p'): the shards
 * index/movies.json or index/people.json lists, put together as one
 * document of their items and byExternal (a list of schemaVersion 1,
 * of before the shards, as it is). Returns the document (caller
 * deletes) or NULL with *why (errno ENOENT if the list is missing;
 * *why names a shard that is not read). A read that fails otherwise is
 * tried twice more, 50 ms apart: it may have fallen between two renames
 * of a writer. */
cJSON *mv_index_load(char kind, const char **why);
/* The number of the shard of kind ('m', 'p') a list names f
 * ("movies/00012.json": 12), or -1 if f is not such a name: the one rule
 * for the writer, the readers and the schemas. */
long long mv_index_shard(const char *f, char kind);
/* 1 if the list of kind ('m', 'p') is a list of shards (schemaVersion
 * 2); an older one counts as stale (mv_index_stale) and is rebuilt. */
int mv_index_current(char kind);

/* ---- index_keys.c: a shard's key file ------------------------------- */

/*
 * What a reader keeps of an index entry, from its shard's key file
 * index/movies/NNNNN.keys or index/people/NNNNN.keys instead of a scan
 * of the shard: num the id's
 * number, off and len its text in the shard, level an enum mv_level
 * (MV_LEVEL_BAD for none), and struct mv_list_key's strings with their
 * lengths (NULL: none; not NUL-terminated, borrowed from the open file).
 */
struct mv_key {
	long long num;
	size_t off;
	uint32_t len;
	signed char level;
	const char *fold, *added, *last_read;
	size_t foldlen, addedlen, lastlen;
	double year;
	int has_year;
};
struct mv_keys {                 /* an open key file; see mv_keys_open */
	const unsigned char *map;
	size_t len, pos, left;
};
struct stat;
/*
 * Open the key file of shard number s of kind ('m', 'p'), which must
 * have been made from the shard as st (its stat) finds it and hold count
 * entries (count < 0: any). The whole file is checked here, so mv_keys_next cannot fail.
 * The file is read into buf (the caller's: grown, never shrunk, reused
 * from file to file; the caller frees it with mv_buf_free), which k
 * borrows until the next mv_keys_open with it.
 * Returns 0 (mv_keys_close it), or -1 with *why (static): "missing",
 * "stale", "corrupt", "of another version" or strerror.
 */
int mv_keys_open(struct mv_keys *k, struct mv_buf *buf, char kind, long long s,
    const struct stat *st, long long count, const char **why);
/* The next entry into *e (strings borrowed from k): 1, or 0 at the end. */
int mv_keys_next(struct mv_keys *k, struct mv_key *e);
void mv_keys_close(struct mv_keys *k);

/* ---- listing.c: the order, filter and pages of every listing -------- */

/*
 * The one order of every listing: mvctl ls and people --movies, mvserve
 * /movies, /people and /people/{id}/movies. A sort is one of ten keys:
 *   title     title (a person's name) folded by mv_title_fold (case,
 *             accents and punctuation ignored), A-Z bytewise
 *   year      oldest first
 *   added     addedAt, newest first (RFC 3339 UTC, compared as text)
 *   lastRead  newest first
 *   id        by id number, m2 < m10
 * Ties go by id number, m2 before m10. "-KEY" is the order of KEY
 * reversed, ties included, except that an item without the value
 * (absent or null: no year, never read) sorts after every item with one
 * in both directions; those items are in id order (reversed for -KEY).
 * Two items with one id (a person credited twice in a movie) keep the
 * order they were given in.
 */
enum { MV_SORT_TITLE, MV_SORT_YEAR, MV_SORT_ADDED, MV_SORT_LASTREAD, MV_SORT_ID };
#define MV_SORT_COUNT 10  /* the five keys, then the five reversed */
#define MV_SORT_HELP "title, year, added, lastRead or id, optionally with a leading -"
/* The sort named s ("year", "-title": MV_SORT_YEAR, 5 + MV_SORT_TITLE),
 * or -1 for anything else (NULL included). */
int mv_sort_parse(const char *s);
/* The name of a sort from mv_sort_parse. Static string. */
const char *mv_sort_name(int sort);

/* What a listing shows: a sort, a page from 1, its size, and q: NULL or
 * "" for every item, else the items one of whose folded titles (or
 * whose name) contains the folded q. Strings borrowed. */
struct mv_listing {
	int sort;
	long page;
	long per_page;
	const char *q;
};

/* Fill order[0..n) with the positions of items (borrowed) in the order
 * of sort. */
void mv_list_order(const cJSON *const *items, size_t n, int sort, size_t *order);
/* The folded title, else name, of an index item; NULL if it has
 * neither. A movie with other titles (originalTitle, titles,
 * alternativeTitles) gives its title, then every other title, each
 * on a line of its own; the title sort reads the first line only.
 * Returns malloc'd. */
char *mv_list_fold(const cJSON *item);
/* Append to b the fold of one title as mv_list_fold lays them out: the
 * first (first = 1) as it is, each other one on a line of its own, and
 * an other one that is NULL or empty not at all. */
void mv_list_fold_add(struct mv_buf *b, const char *s, int first);
/*
 * What mv_list_order reads of an item, for a reader that keeps compact
 * entries instead of cJSON items (mvserve): num the id's number (m42 ->
 * 42); fold its mv_list_fold (NULL: none); added and last_read its
 * addedAt and lastRead when they are strings, else NULL; year when
 * has_year (the member is a number). Strings borrowed.
 */
struct mv_list_key {
	long long num;
	const char *fold, *added, *last_read;
	double year;
	int has_year;
};
/* mv_list_order over keys: the same order for the same items. */
void mv_list_order_keys(const struct mv_list_key *k, size_t n, int sort, size_t *order);
/* Keep, in place and in order, the positions sel[0..n) of the items that
 * match q; returns how many are kept. folds, when not NULL, caches
 * mv_list_fold of each item by position: NULL slots are filled, and the
 * caller frees them. items may be NULL when folds holds every fold (a
 * NULL one then matches nothing). */
size_t mv_list_filter(const cJSON *const *items, size_t *sel, size_t n,
    const char *q, char **folds);
/* The pairs of adjacent bytes of a fold, as bits: a fold that holds q
 * has every bit of q's signature (mv_list_match). NULL: none. */
struct mv_list_sig {
	uint64_t w[2];
};
void mv_list_sig(const char *fold, struct mv_list_sig *sig);
/* hit[e] = 1 if entry e of folds[0..n) (NULL: matches nothing), whose
 * signatures are sig[0..n), matches q as mv_list_filter matches, else
 * 0; returns how many match. Entries are tried in their own order, the
 * order they lie in memory, whatever the listing's sort. */
size_t mv_list_match(char *const *folds, const struct mv_list_sig *sig, size_t n,
    const char *q, unsigned char *hit);
/* The number of pages of total items (0 for none). */
long mv_list_pages(const struct mv_listing *l, size_t total);
/* The selection positions [*from, *to) on l's page; empty past the end. */
void mv_list_range(const struct mv_listing *l, size_t total, size_t *from, size_t *to);
/* "<base>?page=N&perPage=M&sort=S[&q=Q]" (q percent-encoded), the one
 * form of the next/prev links; base is the listing's route ("/movies").
 * Returns malloc'd. */
char *mv_list_link(const char *base, const struct mv_listing *l, long page);
/* Append to b the object of l's page of total items
 * (schemas/PaginatedResponse.json): "items" holds put(b, i, ctx) for
 * each position i of the page, each appending one JSON value; then page,
 * perPage, totalItems, totalPages, and next/prev links or null (past the
 * end, prev leads to the last page). */
typedef void (*mv_list_put_fn)(struct mv_buf *b, size_t i, void *ctx);
void mv_list_write(struct mv_buf *b, const struct mv_listing *l, size_t total,
    const char *base, mv_list_put_fn put, void *ctx);
/* The review queue's length: the files in quarantine/ (each a video
 * waiting for a decision), not their .why.json notes nor the notes'
 * temp files, nor the folders of decided ones (replaced/, rejected/).
 * mvctl status and mvstat both count with it. */
long mv_review_count(void);

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
/* (its parts: parse_tags.c, the tag vocabulary and the classifier, and
 * parse_title.c, a component's title and mv_acronym_len, share
 * parse_int.h) */

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
/* Length of an acronym at p ("U.N.C.L.E." or "a.k.a"): single ASCII
 * letters joined by dots, at least two, ending at a non-letter; with a
 * trailing dot. 0 if none. For the parser and the title fold alike. */
size_t mv_acronym_len(const char *p, size_t n);

/* ---- fold.c: titles folded for comparison --------------------------- */

/*
 * A title for comparison: case-folded, accents stripped (Latin-1 and
 * Latin Extended-A; combining marks dropped), acronym dots joined
 * ("U.N.C.L.E." -> "uncle"), punctuation and symbols to single spaces,
 * superscripts to digits ("Alien³" -> "alien 3"), "&" to "and", a
 * leading article or elision dropped when words follow (the a an l le
 * la les der die das el il lo), roman numerals II..XX to digits and
 * "part" before a number dropped ("The Godfather Part II" -> "godfather
 * 2"), trimmed. Everything that compares titles folds both sides with
 * it. Returns malloc'd.
 */
char *mv_title_fold(const char *s);

/* ---- match.c: from a parsed name to a TMDB film ---------------------- */

/*
 * The matcher of mvenrich (rule in mvenrich(1)). An id (tmdb, else
 * imdb) wins over any search. Otherwise: search the title with the
 * year, then without it when no title agreed, then the full title
 * ("Title Part II") when the parser split a part off; fetch every title
 * TMDB knows (title, original, translations, alternative titles) of
 * the top candidates, one request each; score each candidate (title,
 * sequel number, year) and file the best only when it is clear of the
 * second by MV_MATCH_MARGIN points.
 */
#define MV_MATCH_MARGIN 25

struct mv_match_query {   /* all borrowed */
	const char *title;    /* as parsed */
	int year;             /* 0 = none */
	int part;             /* the part the parser split off; 0 = none */
	long long tmdb;       /* an id from the name, an NFO or the user; 0 = none */
	const char *imdb;     /* tt…, or NULL */
	const char *id_from;  /* where the id came from, for messages; NULL:
	                         "named in the file name" */
	const char *language; /* for TMDB's replies ("fr-FR"); NULL = default */
};

struct mv_match {         /* owned; mv_match_free releases it */
	cJSON *tm;            /* the film's details (basic parts and alternative
	                         titles) when filed, else NULL */
	char *reason;         /* why it goes to review, when tm is NULL */
	cJSON *candidates;    /* [{tmdb,title,year,score,matchedTitle?,matchedBy?,
	                         yearAgreement}] best first, or NULL (id paths) */
	cJSON *evidence;      /* with tm: {by:"search"|"id", matchedTitle, matchedBy,
	                         yearAgreement, sequel?, score, margin, requests} or
	                         {by:"id", tmdb|imdb, from, requests} */
	long long requests;   /* HTTP requests made to TMDB */
};

/* Match q. Returns 0 with *out filled (tm and evidence, or reason), or
 * the TMDB client's exit code (out empty): TMDB's trouble, retry later. */
int mv_match_run(const struct mv_match_query *q, struct mv_match *out);
void mv_match_free(struct mv_match *out);

/* ---- media.c: what a file is, one rule for every tool ----------------- */

/*
 * The one answer to "what is this file?" that mvwatch (what it
 * announces), the name parser (which extension it strips), mvenrich
 * (what it files), mvctl check (what is stuck in incoming/) and mvctl gc
 * --incoming (what it removes: JUNK only) share.
 * Decided from the name and the parent folder only, never the content:
 */
enum mv_media {
	MV_MEDIA_OTHER,    /* none below, or a hidden name: not ours */
	MV_MEDIA_VIDEO,    /* a film to file: a video extension, no rule below */
	MV_MEDIA_SUBTITLE, /* srt ass ssa sub idx vtt sup smi sami mks */
	MV_MEDIA_NFO,      /* nfo (Kodi metadata or a release's notes) */
	MV_MEDIA_ARTWORK,  /* jpg png webp tbn...: poster.jpg, fanart.jpg */
	MV_MEDIA_SAMPLE,   /* a video with a "sample" token in its name, or in
	                      a Sample/ or Samples/ folder */
	MV_MEDIA_EXTRA,    /* a video in Trailers/ Featurettes/ Extras/ Behind
	                      The Scenes/ Deleted Scenes/ Interviews/ Scenes/
	                      Shorts/ Clips/ Other/ Backdrops/, or named
	                      "trailer" or "*-trailer" ("-featurette",
	                      "-behindthescenes", "-deleted", "-interview",
	                      "-scene", "-short", "-clip", "-extra", "-other") */
	MV_MEDIA_ARCHIVE,  /* rar r00 s00 zip 7z 001 tar gz...: to extract */
	MV_MEDIA_JUNK,     /* txt url exe lnk nzb sfv md5 torrent par2...,
	                      "._*" and .DS_Store: safe to remove */
	MV_MEDIA_PARTIAL,  /* still being written: .part .partial .tmp .temp
	                      .crdownload .download .filepart .!qB .!ut
	                      .aria2 "~", and mv's own ".mv-partial-*" */
};
/*
 * Kind of the file at path (a name, or a path whose last folder counts:
 * "Sample/x.mkv", "Featurettes/x.mkv"; only that folder is read, so
 * pass a path relative to the folder you watch). Rules in this order:
 * partial, hidden junk, other hidden, then by extension; a video is then
 * a sample, else an extra, else a video. Case is ignored throughout.
 */
enum mv_media mv_media_kind(const char *path);
/* Kind by extension alone (no dot, any case: "mkv", "R01"): VIDEO,
 * SUBTITLE, NFO, ARTWORK, ARCHIVE, JUNK or OTHER, never SAMPLE, EXTRA
 * or PARTIAL. For the name parser, which strips what it knows. */
enum mv_media mv_media_ext(const char *ext);
/* "video", "subtitle", "nfo", "artwork", "sample", "extra", "archive",
 * "junk", "partial", "other". Static string. */
const char *mv_media_name(enum mv_media kind);
/* The extras folder of an EXTRA at path (as mv_media_kind reads it), in
 * lower case: its folder's name ("featurettes", "behind the scenes"), or
 * its suffix's ("-trailer" -> "trailers", "-deleted" -> "deleted
 * scenes"). Static string, or NULL when path is no extra. */
const char *mv_media_extra_kind(const char *path);

/* ---- subs.c: a subtitle's language and flags, from its name ---------- */

/*
 * What a sidecar subtitle's name says, as Jellyfin reads it
 * (Emby.Naming ExternalPathParser): tokens after the video's name,
 * right to left, split at "._- ()[]"; the rightmost language wins.
 */
struct mv_sub {
	char lang[4];      /* ISO 639-1 ("fr"), else 639-2/B ("fil"); "und" */
	char region[5];    /* "BR" (pt-BR), "419", "Hans", or "" */
	char tag[10];      /* lang[-region]: what a filed name carries */
	char ext[5];       /* "srt" "ass" "ssa" "vtt" "idx" "sub" "sup" "smi"
	                      "sami" "mks", lower case */
	const char *codec; /* ffprobe's name for it ("subrip", "webvtt",
	                      "dvd_subtitle", "hdmv_pgs_subtitle"...), static;
	                      NULL for .mks (a container) */
	const char *pair;  /* "sub" for an .idx, "idx" for a .sub: the other
	                      half of a VobSub pair; else NULL */
	int forced;        /* forced, foreign (not VOSTFR: full subtitles) */
	int sdh;           /* sdh, cc, hoh, hi beside another language */
	int dflt;          /* default */
};
/*
 * Read relpath (a name, or a path: "Subs/2_English.srt"; only the last
 * component is read) into *out. video_base is the video's name without
 * extension, or NULL: when relpath's name starts with it, only what
 * follows is read, all of it; otherwise reading stops at the first word
 * from the right that is neither a language nor a flag ("2_English"
 * gives en, "The.Italian.Job" gives und). Languages: 639-1, 639-2/B and
 * /T, English and native names, "pt-BR", "Brazilian", "CHS", VOSTFR.
 * A bare "hi" is Hindi alone, the SDH flag beside another language.
 * Returns 0, or -1 if the extension is not a subtitle's (*out then says
 * "und", ext ""). Strings borrowed.
 */
int mv_sub_parse(const char *relpath, const char *video_base, struct mv_sub *out);
/* The ISO 639-1 (else 639-2/B) code of a language word: "eng", "fre",
 * "fra", "French", "Français", "Русский" -> "ru"; regions dropped
 * ("pob" -> "pt"). Static string, or NULL if unknown. For embedded
 * tracks' tags as for names. */
const char *mv_sub_lang(const char *word);
/* 1 if paths a and b are an .idx and its .sub (same path but the
 * extension, which may be in any case), else 0. */
int mv_sub_pair(const char *a, const char *b);
/* ---- download.c: what every file of a download is ------------------- */

/*
 * A release folder ("Heat.1995.1080p-GRP/") is one download: its main
 * video (or its parts), and beside it sidecars, samples, extras and
 * junk. The one reading of it for mvwatch (what to announce), mvenrich
 * (what to file beside the video) and mvctl.
 */
#define MV_DOWNLOAD_DEPTH 6       /* folder levels read below the download */
#define MV_DOWNLOAD_FILES 4096    /* files listed at most */

enum mv_dl_role {
	MV_DL_MAIN,      /* the film: the largest video, or its first part */
	MV_DL_PART,      /* a later part of the film (cd2, part2...) */
	MV_DL_SUBTITLE,  /* a sidecar subtitle: filed beside the film */
	MV_DL_EXTRA,     /* an extra: filed into its extras folder */
	MV_DL_SAMPLE,    /* a sample: left where it is */
	MV_DL_NFO,       /* the release NFO: read for ids, left */
	MV_DL_ARTWORK,   /* left */
	MV_DL_ARCHIVE,   /* left, to extract */
	MV_DL_JUNK,      /* left; mvctl gc --incoming removes it */
	MV_DL_OTHER,     /* anything else, another video too: left */
};

struct mv_dl_file {
	char *rel;            /* relative to the download folder; owned */
	long long size;
	enum mv_media kind;   /* mv_media_kind(rel) */
	enum mv_dl_role role;
	int part;             /* MAIN, PART: its part number (0: none) */
	struct mv_sub sub;    /* SUBTITLE: its language and flags, read with
	                         the main video's name; an .idx's .sub has
	                         the .idx's */
	const char *extra;    /* EXTRA: mv_media_extra_kind; static */
};

struct mv_download {
	struct mv_dl_file *files; /* sorted by rel (bytes); owned */
	size_t n;
	size_t main;              /* index of the MAIN file; n when none */
	size_t parts[16];         /* MAIN then the PARTs in part order, when
	                             the film is in parts */
	size_t nparts;            /* 0 when it is not; 1 for a lone part */
	int truncated;            /* 1: deeper or more files than the bounds */
};

/*
 * List every regular file under dir (no symlink followed, at most
 * MV_DOWNLOAD_DEPTH folders deep and MV_DOWNLOAD_FILES files) and
 * classify each with mv_media_kind of its path from dir's own name, so
 * that "Sample/" and "Featurettes/" count, and so does dir's name (a
 * "Sample" folder dropped alone). The main video is the largest VIDEO;
 * when the parser (mv_parse_name) reads a part number in it, every
 * VIDEO with a part number is a part, in order (one per number). Fills
 * *out (free it with mv_download_free, even on error). Returns 0, or -1
 * with errno when dir cannot be read.
 */
int mv_download_scan(const char *dir, struct mv_download *out);
void mv_download_free(struct mv_download *d);
/* Read d's subtitles again against the video name base (without its
 * extension; NULL: none), as mv_download_scan does against its main
 * video's: for a video filed from elsewhere (quarantine/). */
void mv_download_read_subs(struct mv_download *d, const char *base);
/*
 * The download a loose video makes (one not in a folder of its own,
 * "incoming/Movie.2001.1080p.mkv"): the video at path video (its folder
 * is read; the video itself need not be there any more) and its
 * subtitles, by Jellyfin's rule (mv_download_stem_of), each one's only
 * when no other video beside it has a longer stem that claims it too
 * ("Movie.Extended.en.srt" is Movie.Extended.mkv's, not Movie.mkv's).
 * rel is each file's bare name; the video is MAIN when it is there (else
 * main is n), every other file a SUBTITLE read against its stem; no
 * parts. mvwatch (settling), mvenrich (filing), mvctl plan and mvctl gc
 * --incoming all ask it. Fills *out (free it with mv_download_free).
 * Returns 0, or -1 with errno when the folder cannot be read.
 */
int mv_download_loose(const char *video, struct mv_download *out);
/* The bare name of the loose video beside path that path belongs to by
 * the same rule (the longest stem that claims it), or NULL when none does
 * or the folder cannot be read. malloc'd: the caller frees it. What mvctl
 * plan names for a subtitle that is filed with its video, never alone. */
char *mv_download_owner(const char *path);
/* 1 when the file name name belongs to the video named video by
 * Jellyfin's rule: it starts with video's name without its extension,
 * in any case, followed by a '.' ("Movie.2001.en.srt" of
 * "Movie.2001.mkv"); else 0. Bare names, no folder. */
int mv_download_stem_of(const char *name, const char *video);
/*
 * Record a sidecar filed beside video (a video entry of a MovieProfile):
 * entry (consumed) goes into video's array key, "subtitles" ({path,
 * lang, forced, sdh, source}) or "extras" ({path, kind, source}), made
 * if missing; an entry of the same path is replaced, so a replayed
 * filing records its file once. The one writer of both arrays.
 */
void mv_video_add_sidecar(cJSON *video, const char *key, cJSON *entry);
/* "main", "part", "subtitle", "extra", "sample", "nfo", "artwork",
 * "archive", "junk", "other". Static string. */
const char *mv_dl_role_name(enum mv_dl_role role);

/* ---- nfoid.c: the film's ids in a release NFO ----------------------- */

/*
 * A scene NFO (CP437 art, CRLF) or a Kodi/Jellyfin movie NFO names the
 * film it came with; mvenrich takes its ids as it takes an id in the
 * name. IMDb: "tt" and 7 to 10 digits as a whole token (a bare id, an
 * imdb.com/title/tt... URL, <imdbid>, <uniqueid type="imdb">, <id>), or
 * an old imdb.com/Title?N URL. TMDB: a themoviedb.org/movie/N URL,
 * <tmdbid>, <uniqueid type="tmdb">, a numeric <id>.
 */
#define MV_NFOID_READ_MAX (256 * 1024) /* bytes read of an NFO; art comes first, ids soon after */

enum mv_nfoid_result {
	MV_NFOID_NONE,      /* no id */
	MV_NFOID_FOUND,     /* one IMDb id and/or one TMDB id */
	MV_NFOID_AMBIGUOUS, /* two different ids of one kind: none is taken */
};

struct mv_nfoid {
	char imdb[16];      /* "tt0113277", or "" */
	long long tmdb;     /* 0 = none */
};

/* The ids in the n bytes at buf (any bytes, NULs too). *out is zeroed
 * unless FOUND. Returns an enum mv_nfoid_result. */
enum mv_nfoid_result mv_nfoid_scan(const char *buf, size_t n, struct mv_nfoid *out);
/* mv_nfoid_scan of the first MV_NFOID_READ_MAX bytes of the file at
 * path. Returns its result, or -1 with errno set (nothing printed). */
int mv_nfoid_read(const char *path, struct mv_nfoid *out);
/*
 * The release NFO of the video at rel (relative to the folder root,
 * "Heat.1995-GRP/heat.mkv"): in the video's folder, the .nfo of the
 * same base name, else, when the video lies inside a release folder,
 * the only .nfo there (mv_media_kind decides what an NFO is). Returns
 * its path relative to root (malloc'd, caller frees), or NULL.
 */
char *mv_nfoid_beside(const char *root, const char *rel);
/* mv_nfoid_beside, else, for a video in a subfolder of its download
 * ("Top/Movie/x.mkv"), the NFO at the download's top: the release NFO
 * mvenrich and mvctl plan read. Returns malloc'd (caller frees), or NULL. */
char *mv_nfoid_release(const char *root, const char *rel);

/* ---- probe.c: what is inside a video (ffprobe in a child process) ---- */

/*
 * Ask ffprobe (key ffprobe, $MV_FFPROBE: "ffprobe" on PATH) what the
 * file at path holds. It runs in its own process group with no
 * descriptor of ours, is killed after timeout_ms, and its output is
 * bounded: a hostile file can make it fail, never the caller. Returns:
 *   0                  *media set (a tree the caller deletes):
 *                      {"container","durationSec" (number|null),
 *                      "video":{"codec","width","height","hdr",
 *                      ["hdrFormat"]},"audio":[{"codec","language",
 *                      "channels"}],"subtitles":[{"codec","language",
 *                      "forced"}],"quality"}, codecs and languages
 *                      null when absent or not a plain token;
 *   MV_EX_DATAERR      not a video: no picture stream, a still image,
 *                      ffprobe refused it, crashed, timed out or found
 *                      it truncated;
 *   MV_EX_UNAVAILABLE  ffprobe could not be run (not installed).
 * Except for 0, *reason is a malloc'd sentence the caller frees and
 * *media is NULL. Nothing is printed.
 */
int mv_probe(const char *path, int timeout_ms, cJSON **media, char **reason);
/* mv_probe's reading of ffprobe's JSON output (len bytes): the media
 * object (caller deletes), or NULL with *reason (malloc'd). */
cJSON *mv_probe_parse(const char *json, size_t len, char **reason);
/* The quality label of a picture: "2160p", "1080p", "720p", "480p" or
 * "SD", by width or height, whichever says more; " HDR" appended when
 * hdr. Static string. */
const char *mv_quality_label(int width, int height, int hdr);
/* The settings probe (on, off) and probe_timeout (1s to 1h): 1 with
 * *timeout_ms set when mvenrich looks inside videos, 0 when it does
 * not, -1 when they are not valid. */
int mv_probe_setting(int *timeout_ms);
/* Why a video whose media (mv_probe's, may be NULL) is matched to the
 * film tm (TMDB's details, with runtime) is a sample, not the film: it
 * is under a quarter of the runtime. Returns malloc'd, or NULL if not. */
char *mv_probe_sample(const cJSON *media, const cJSON *tm);

#endif /* MV_H */
