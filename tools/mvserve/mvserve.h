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
 * One index file, parsed once and kept until its mtime, size or inode
 * changes (a cheap stat per request). Everything a request needs that is
 * costly is computed on first use and kept until the next reload: the
 * folded names for q, each entry's JSON text with its card members, and
 * the order of the entries for each sort key (lib/listing.c's order). Only the one server thread
 * touches these, so there are no locks.
 */
struct entry {
	const cJSON *item;  /* borrowed from the table's doc */
	long long num;      /* the number of the id: m42 -> 42 */
	char *json;         /* compact text with card members (malloc'd), or NULL */
	size_t jlen;
	cJSON *extras;      /* the card members: poster/free or image; owned */
};

struct table {
	char kind;                /* 'm' or 'p' */
	const char *rel;          /* "index/movies.json" */
	cJSON *doc;               /* the parsed index, or NULL */
	struct entry *e;
	size_t n;
	const cJSON **items;      /* items[j] is e[j].item: what listing.c takes */
	char **fold;              /* fold[j]: e[j]'s folded title or name for q, lazily */
	size_t *byid;             /* entry numbers sorted by id number */
	size_t *order[MV_SORT_COUNT]; /* entry numbers in each sort's order, lazily */
	struct stat st;           /* of the file when loaded (st_ino 0: none) */
	long levels[4];           /* entries per level, for /health */
};

extern struct table movies, people;

void table_clear(struct table *t);
int table_fresh(struct table *t);
long table_find(const struct table *t, const char *id);
const size_t *table_order(struct table *t, int sort);
void json_join(struct mv_buf *b, const char *s, size_t n, const char *x);
const char *entry_json(struct table *t, struct entry *e, size_t *len);

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
