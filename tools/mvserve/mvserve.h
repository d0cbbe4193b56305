/*
 * mvserve.h: what tools/mvserve.c and its modules in tools/mvserve/
 * share. Private to mvserve, not lib/: ownership and return values are
 * written at each definition.
 */
#ifndef MVSERVE_H
#define MVSERVE_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <microhttpd.h>

#include <microhttpd.h>

#include "mv.h"

/* table.c: the indexes in memory. */

/*
 * One index, scanned once and kept until its file's mtime, size or inode
 * changes (a cheap stat per request): per entry where its text is and
 * lib/listing.c's sort keys, not its tree (table.c says why). What a
 * request needs that is costly is computed on first use and kept until
 * the next reload: each sort's order, and the card members of the
 * entries shown. Only the one server thread touches these, so there
 * are no locks.
 */
struct entry {
	uint32_t src;        /* the table's source file holding its text */
	uint32_t len;        /* of its text, at off */
	size_t off;
	signed char level;   /* enum mv_level, MV_LEVEL_BAD for none */
	char *extras;        /* card members' object text (malloc'd), or NULL */
};

/* A file entries are read from, as it was when scanned. */
struct source {
	char *rel;           /* "index/movies/00001.json"; malloc'd */
	struct stat st;
};

struct table {
	char kind;                /* 'm' or 'p' */
	const char *rel;          /* "index/movies.json": the list of shards */
	struct stat bad;          /* the version last reported unreadable */
	int loaded;               /* 1 once a version of the file was read */
	int stale;                /* an entry's text was gone: reload */
	char *indexed_at;         /* rel's generatedAt (malloc'd), or NULL */
	struct source *src;       /* the files entries come from */
	size_t nsrc;
	struct entry *e;
	size_t n, cap;
	struct mv_list_key *keys; /* keys[j]: e[j]'s sort values, strings in blocks */
	char **fold;              /* fold[j]: e[j]'s mv_list_fold, or NULL (keys' too) */
	struct mv_strs strs;      /* the keys' strings (table.c's arena_dup) */
	size_t *byid;             /* entry numbers sorted by id number */
	struct mv_list_sig *sig;  /* sig[j]: fold[j]'s, lazily (table_sigs) */
	size_t *order[MV_SORT_COUNT]; /* entry numbers in each sort's order, lazily */
	int unique;               /* no id twice: a "-" order is its order reversed */
	struct stat st;           /* of rel when loaded (st_ino 0: none) */
	long levels[4];           /* entries per level, for /health */
};

extern struct table movies, people;

void table_clear(struct table *t);
int table_fresh(struct table *t);
long table_find(const struct table *t, const char *id);
const size_t *table_order(struct table *t, int sort);
const struct mv_list_sig *table_sigs(struct table *t);
/* The entries ent[0..n) of t ordered by sort: positions in ent into ord. */
void table_order_some(const struct table *t, const size_t *ent, size_t n, int sort,
    size_t *ord);
/* Entry i parsed from the index text (caller deletes), or NULL (t stale). */
cJSON *table_item(struct table *t, size_t i);
/* Entry i's card members as object text; borrowed, kept by t. */
const char *entry_extras(struct table *t, size_t i);
void json_join(struct mv_buf *b, const char *s, size_t n, const char *x);

/* hooks.c: POST /hooks/jellyfin. A request to /hooks/... has a struct
 * hook as its libmicrohttpd state, from its headers to its end. */
struct hook;
int hook_path(const char *url);                       /* 1 for /hooks, /hooks/... */
struct hook *hook_begin(struct MHD_Connection *c);    /* malloc'd; hook_end frees */
void hook_body(struct hook *h, const char *data, size_t n); /* keeps up to the bound */
enum MHD_Result hook_reply(struct MHD_Connection *c, const char *url,
    const char *method, struct hook *h);
void hook_end(struct hook *h);                        /* NULL is fine */

/* mvserve.c */
extern int verbose;  /* --verbose: log loads and requests */
/* Queue r (taken) with status and count it. */
enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct MHD_Response *r);
/* A response owning the malloc'd s of n bytes, of Content-Type type. */
struct MHD_Response *body(char *s, size_t n, const char *type);
/* Queue the one error shape {"error":{"status","message"}}. */
enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hand mv.movie.requested {id, level?, reason "user"} to the system, or
 * print it when no pipeline reads run/inject.fifo; never blocks. */
void request_event(const char *id, const char *level);

/* Send b (taken) as JSON with status and a Cache-Control value. */
enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, struct mv_buf *b,
    const char *cache);
/* Read page, perPage, sort and q; on a bad one, send 400 and return -1
 * with *res set. */
int listing_args(struct MHD_Connection *c, struct mv_listing *l, enum MHD_Result *res);

/* The entries of a page: ent[i] is the entry of t at position i; links,
 * when not NULL, holds for each a people-index movie link whose credit
 * members are added. */
struct page {
	struct table *t;
	const size_t *ent;
	const cJSON *const *links;
	const char *lang;       /* the request's, for displayTitle */
	int gone;               /* an entry's text was gone: the page is not whole */
};

/* The language of a request: ?lang=, else Accept-Language, else the
 * setting. Written into buf, which it returns. */
const char *req_lang(struct MHD_Connection *c, char buf[8]);

/* mv_list_write's item writer for a struct page (ctx). */
void put_entry(struct mv_buf *b, size_t i, void *ctx);

/* collections.c: GET /collections, /collections/{id}/movies (seg[0] is
 * "collections", n segments). */
enum MHD_Result collections_route(struct MHD_Connection *c, char **seg, int n);

#endif
