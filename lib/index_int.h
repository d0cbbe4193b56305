/* index_int.h: what the parts of the index (lib/index*.c) share, and nobody else. */
#ifndef MV_INDEX_INT_H
#define MV_INDEX_INT_H

#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mv.h"

#define SRC_PERSON 1
#define SRC_MOVIE 2

struct node;
struct check;
struct putter;

/* A movie's collection as its profile says (collections.c): tmdb 0 for
 * none. date is the release order's key: releaseDate, else the year. */
struct collof {
	long long tmdb;
	char *name, *date;     /* owned */
};

/* A collection and its movies in release order (collections.c). */
struct coll {
	long long tmdb;
	struct node **m;
	size_t n, cap;
};

/* Every collection with a movie, by tmdb id; dirty when
 * index/collections.json must be written again. */
struct colls {
	struct coll **v;
	size_t n, cap;
	int dirty;
};

struct link {
	long long mnum;        /* movie->num, here to spare a cache miss */
	struct node *movie;
	const char *detail;    /* character (cast) or job (crew); in ix->pool */
	unsigned dlen;         /* its length (the texts are built without strlen) */
	char role;             /* 'c' cast, 'w' crew */
	unsigned char src;     /* SRC_* bits */
};

struct node {
	char id[24];           /* "m12" or "p7"; inline: one cache miss less */
	unsigned char idlen;
	long long num;         /* the number in the id, for sorting */
	int present;           /* a valid profile is on disk */
	char *json;            /* cached item text, NULL when stale */
	size_t jlen;           /* its length */
	char *extjson;         /* cached byExternal members, NULL when stale */
	size_t extlen;         /* its length */
	char *name;            /* title (movie) or name (person) */
	const char *level;     /* in ix->pool */
	long long tmdb;        /* 0: none */
	char **ext;            /* "source:value" keys, for byExternal, claims */
	size_t next;
	uint64_t claimed;      /* claims: bit j set if ext[j]'s claim is ours */
	uint64_t hash, exthash;/* people: hashes of the entry and byExternal */
	int hashok;            /* texts, if hashok (the texts are not kept) */
	/* people: links to movies */
	struct link *links;
	size_t nlinks, caplinks;
	/* Movies only from here: a person's node is allocated without them
	 * (PERSON_SIZE), 500,000 times 120 bytes less. */
	int year;              /* 0: null */
	const char *status;    /* in ix->pool */
	char *imdb, *added, *video, *last_read;
	/* the other titles, for the title shown and for search:
	 * originalTitle, originalLanguage, and the compact JSON texts of
	 * titles ({"fr-FR":…}) and alternativeTitles (["…"]); NULL: none */
	char *otitle, *olang, *tjson, *ajson;
	/* the compact JSON text of the item's "videos" (index_read.c
	 * scan_videos); NULL when "video" says it all */
	char *vjson;
	/* its key file record but its place (index_keys.c), NULL until
	 * made and whenever json is */
	char *keyrec;
	size_t keylen;
	/* the people linked to this movie, by any source */
	struct node **linked;
	size_t nlinked, caplinked;
	struct collof coll;    /* the collection, see collections.c */
};

/* The size of a person's node: none of the movie members. */
#define PERSON_SIZE offsetof(struct node, year)

/*
 * Ids are dense counters ("m1".."m10000"), so a node is found by its
 * number in a plain array: no hashing, no string compare (a rebuild
 * looks up 800,000 credits). Numbers past DIRECT_MAX, which a counter
 * never reaches in practice, go to a table by id string (keys are the
 * nodes' own ids). No delete: a record that disappears only loses its
 * present flag.
 */
#define DIRECT_MAX (1 << 24)

struct map {
	struct node **byn;     /* by id number, below DIRECT_MAX */
	size_t nbyn;
	struct mv_table big;   /* id -> node, past DIRECT_MAX */
};

/* How many present records hold each external id, so a write knows
 * whether byExternal needs de-duplicating (almost never). Entries are
 * never removed; a count may go back to 0. */
struct refmap {
	struct mv_table t;     /* key -> struct ref (index.c), owned */
	size_t dups;           /* keys held by two records or more */
};

/* The claims in index/ext/<kind>/ as found on disk: link name
 * ("tmdb:603") and target ("m1"), both malloc'd. */
struct claimlist {
	char **name, **target;  /* into strs */
	size_t n, cap;
	struct mv_strs strs;    /* at 500,000 claims, 9 MB rather than a
	                         * million mallocs of 32 bytes */
};

/* A shard file, index/movies/NNNNN.json or index/people/NNNNN.json:
 * SHARD_IDS ids each. */
#define SHARD_IDS 1024

struct shard {
	long long s;           /* its number: ids s*SHARD_IDS and up */
	size_t count;          /* its entries */
};

/* The index of one kind: its shards on disk, and the entries changed
 * since they were written (index_shard.c). */
struct idoc {
	struct node **changed; /* entries to write anew (may repeat) */
	size_t nchanged, capchanged;
	int extchanged;        /* an entry's outside ids changed */
	struct shard *shards;  /* the shards on disk, by number */
	size_t nshards, capshards;
	int shards_ok;         /* shards[] is known */
};

/*
 * Strings that repeat across records (a link's character or job, a
 * level, a status), each kept once: at 500,000 people a rebuild holds
 * 3.7 million links, whose details were as many small mallocs (32 bytes
 * each with malloc's overhead) of a few thousand distinct texts. Nothing
 * is freed before the index: a text no longer used stays (the distinct
 * texts ever seen bound it).
 */
struct pool {
	struct mv_table t;     /* text -> itself, the text in a chunk */
	char **chunk;          /* malloc'd, POOL_CHUNK bytes or one text */
	size_t nchunk, capchunk;
	size_t used, left;     /* of the last chunk */
};

#define POOL_CHUNK 65536

struct mv_index {
	struct map movies, people;
	struct pool pool;                 /* shared texts, see struct pool */
	struct node **msorted, **psorted; /* present or not, by num */
	size_t nm, np, capm, capp;
	int bulk;                         /* scanning: sorted arrays unsorted */
	struct claimlist ahead[2];        /* claims read during a scan (m, p) */
	pthread_t ahead_th;               /* the thread reading them */
	int ahead_running;
	char *old[2];                     /* index files the last write replaced */
	pthread_t reaper;                 /* the thread unlinking them */
	int reaping;
	int nosync;
	int read_errno;                   /* first profile not readable */
	struct refmap mref, pref;         /* external ids of movies, people */
	struct mv_buf text;               /* reused by every write */
	struct idoc doc[2];               /* the movies', the people's */
	struct colls colls;               /* collections.json */
	struct stream *stream;            /* a rebuild that streams the people
	                                   * (index_stream.c), or NULL */
	struct putter *put;               /* a rebuild's shard writer
	                                   * (index_keys.c), or NULL */
	struct check *check;              /* a streamed rebuild that compares
	                                   * rather than writes (index_check.c),
	                                   * or NULL */
};

#define MV_IDBUF 24

/* A credit or movie link found while scanning, before it is applied. */
struct pend {
	char who[24];          /* person or movie id; inline, one malloc less */
	long long mnum;        /* a movie link's movie number (person profiles) */
	const char *detail;    /* in the profile's strs, or NULL for none */
	size_t doff, dlen;     /* its offset there (while strs grows), length */
	char role;
	char known;            /* merging: the person already has this link */
};

struct prof {
	const char *id, *level, *status;  /* into strs once scanned */
	char *name, *imdb, *created, *vadded, *vpath;
	char *mpath, *madded;  /* v2's main video, from videos[]: kept
	                        * apart, as v1's "videos" are trailers */
	int mrank;             /* its rank (scan_videos) */
	char *otitle, *olang, *tjson, *ajson, *vjson;  /* as in struct node */
	double schema, year, tmdb;
	int has_schema, has_year, has_tmdb, year_null;
	char **ext;
	size_t next, capext;
	struct pend *pend;
	size_t npend, cappend;
	struct mv_buf strs;    /* the links' details and the short strings,
	                        * NUL-terminated: one buffer, not millions
	                        * of mallocs a rebuild */
	struct collof coll;    /* collection and releaseDate (movies) */
};

/* An id found in a directory, its length beside it for sorting. */
struct fileid {
	char id[MV_IDBUF];
	unsigned char len;
	unsigned char regular; /* readdir said a regular file (DT_REG) */
};

/*
 * The profiles of a scan, read on all CPUs (mv_profiles_read) while
 * this thread applies them: WINDOW slots ahead of the applier keep
 * memory bounded; results are applied (and reported) in id order.
 */
#define WINDOW 1024

struct batch {
	struct mv_index *ix;
	const char **ids;      /* into the fileid lists */
	unsigned char *regular;  /* the fileids' regular, in ids' order */
	size_t n;
	struct prof profs[WINDOW];
	const char *why[WINDOW];
	int res[WINDOW];       /* as idx_prof_load returns */
	int err[WINDOW];
	long skipped;
};

/* ---- index.c: nodes, maps, links ---------------------------------------- */

/* The name of kind's index ('m', 'p'): its folder of shards under
 * index/ and its list, index/<name>.json; the word its check lines
 * start with. */
static inline const char *
idx_kdir(char kind)
{
	return kind == 'm' ? "movies" : "people";
}

/* The number of an id that mv_id_valid accepts ("p42" -> 42), as
 * strtoll reads it (LLONG_MAX past it), without the locale that atoll
 * looks up: a rebuild takes 900,000 ids apart, 3% of its instructions
 * in strtol (callgrind). */
static inline long long
idx_id_num(const char *id)
{
	unsigned long long n = 0;

	for (id++; *id >= '0' && *id <= '9'; id++) {
		if (n > ((unsigned long long)LLONG_MAX - (unsigned)(*id - '0')) / 10)
			return LLONG_MAX;
		n = n * 10 + (unsigned)(*id - '0');
	}
	return (long long)n;
}

int idx_id_ok(const char *s, char kind);
/* The node of id (valid: idx_id_ok), or NULL. */
struct node *idx_map_get(const struct map *m, const char *id);
/* The node of id (valid, of kind id[0]), created if new; owned by ix. */
struct node *idx_node_get(struct mv_index *ix, const char *id);
void idx_strv_free(char **v, size_t n);
/* The pooled copy of s (n bytes; NULL for NULL); owned by ix. */
const char *idx_intern(struct mv_index *ix, const char *s, size_t n);
/* Count key once more (delta 1) or once less (-1) in m. */
void idx_refmap_add(struct refmap *m, const char *key, int delta);
/* How many present records hold key. */
unsigned idx_refmap_count(const struct refmap *m, const char *key);
/* Forget what the last profile said of x (ix NULL: the index is going). */
void idx_node_clear(struct mv_index *ix, struct node *x);
void idx_linked_append(struct node *movie, struct node *person);
int idx_link_key_cmp(const struct link *l, long long mnum, char role, const char *detail);
void idx_link_add(struct mv_index *ix, struct node *person, struct node *movie, char role,
    const char *detail, size_t dlen, unsigned char src);
void idx_links_drop(struct node *person, struct node *movie, unsigned char src);

/* ---- index_read.c: reading profiles ------------------------------------ */

/* Empty p for the next profile, keeping its buffers; idx_prof_free
 * frees them too. */
void idx_prof_clear(struct prof *p);
void idx_prof_free(struct prof *p);
/* Read and check id's profile into a new p (free with idx_prof_free),
 * saying what is wrong. 1, 0 if there is no file, -1 if unusable. */
int idx_prof_load(const char *id, struct prof *p);
void idx_prof_warn(const char *id, const char *why);
/* A batch's unusable profile (res < 0) at slot, the i-th id: said, its
 * errno kept as the run's first read error, counted as skipped. */
void idx_batch_skip(struct batch *b, size_t i, size_t slot);
int idx_pend_cmp(const void *a, const void *b);
/* Free the calling thread's read buffer. */
void idx_read_free(void);
/* Sorted list of the ids of kind in dir ("Movies"); malloc'd, *n of them. */
struct fileid *idx_list_ids(const char *dir, char kind, size_t *n);
/* Add the n ids of listing v to b's items, with what readdir said of
 * each; v must outlive the reading. */
void idx_batch_add(struct batch *b, const struct fileid *v, size_t n);
/* Read b's items on every CPU (mv_profiles_read), take applying each,
 * in id order, on this thread. */
void idx_batch_read(struct batch *b, void (*take)(void *ctx, size_t i, size_t slot));
/* Free b, its profiles and its items (not the listings). */
void idx_batch_free(struct batch *b);

/* ---- index_write.c: serialising ----------------------------------------- */

/* The cached texts of a present node (entry, byExternal members), built
 * if stale; owned by the node. */
const char *idx_node_json(struct node *x);
const char *idx_node_extjson(struct node *x);
int idx_node_num_cmp(const void *a, const void *b);
/* Build the texts of arr's present nodes on all CPUs. */
void idx_texts_build(struct node **arr, size_t n);

/* Append the entry (byExternal members) text of a present node to b. */
void idx_node_text(struct node *x, struct mv_buf *b);
void idx_node_ext_text(struct node *x, struct mv_buf *b);
/* "{...,"items":[" of schemaVersion version with count entries. */
void idx_doc_head(struct mv_buf *b, int version, size_t count);
/* Append present x's entry after a separator (none after "["): a
 * movie's cached text unless ix streams, else built from the node. */
void idx_doc_item(struct mv_index *ix, struct mv_buf *b, struct node *x);
/* byExternal of the entries [lo, hi) of kind's sorted array, then the
 * document's end; seen (may be NULL) carries the keys of the entries
 * before lo from one call to the next (see index_write.c). */
void idx_doc_external(struct mv_index *ix, char kind, struct mv_buf *b, size_t lo,
    size_t hi, struct mv_table *seen);

/* ---- index_shard.c: each index in shards ---------------------------------- */

/* Write the shards of kind ('m', 'p') that changed (all if force), then
 * their list, index/movies.json or index/people.json. 0, or -1 with
 * errno after a warning. */
int idx_shards_write(struct mv_index *ix, char kind, int force);
/* The list of kind put back together from its shards (caller deletes),
 * or NULL with *why. */
cJSON *idx_shards_load(char kind, const char **why);
/* The hash of person x's entry text as a write would give it (x
 * present); *ext gets that of its byExternal members. */
uint64_t idx_person_hash(struct node *x, uint64_t *ext);
/* Mark changed the records of x's kind other than x that hold one of
 * x's outside ids shared by two or more, before (keys, n) or now: which
 * shard lists such an id depends on the others. */
void idx_node_dups(struct mv_index *ix, struct node *x, char **keys, size_t n);
/* Note x's hash now, before something changes it (x present or not). */
void idx_person_seal(struct node *x);
/* Set kind's shards to what its nodes say: how many present entries
 * each holds. */
void idx_shards_count(struct mv_index *ix, char kind);
/* Append shard s with count entries to d's list (in order). */
void idx_shard_add(struct idoc *d, long long s, size_t count);
/* Compare each movie shard a forced write would give with its file
 * (ix->check), thinning the movies as a streamed write does. */
void idx_shards_check_movies(struct mv_index *ix);

/* ---- index_keys.c: the key file beside each shard ---------------------- */

/*
 * Write shard s of kind, text b, whose entries are the present nodes of
 * x[0..n) in order (fsynced if sync), then its key file (which never
 * fails the write). 0, or -1 with errno after a warning. With a writer
 * started (idx_put_start) and not sync, the shard is handed to it and
 * b gets another buffer (empty); -1 then says an earlier shard failed.
 */
int idx_shard_put(struct mv_index *ix, char kind, long long s, struct mv_buf *b,
    struct node *const *x, size_t n, int sync);
/* Start a thread that writes the shards handed to idx_shard_put, in
 * order (if it cannot start, idx_shard_put writes them itself). */
void idx_put_start(struct mv_index *ix);
/* Wait for the writer to write what it was given, and stop it: 0, or -1
 * with errno if a shard failed (said, and those after it not written). */
int idx_put_finish(struct mv_index *ix);
/* 1 if a shard in index/movies/ or index/people/ has no key file (a
 * write killed between the two, or an mvindex of before them): the
 * index is then stale. */
int idx_keys_missing(void);
/* Make movie x's key file record (x->keyrec) from its entry's text, if
 * it has none; x present. */
void idx_node_keyrec(struct node *x);
/* Unlink the key file of shard s of kind, if there is one. */
void idx_keys_remove(char kind, long long s);
/* Shard s's key file against the shard (listed with count entries), its
 * text[0..len) as the caller read it (NULL: unreadable, the records not
 * checked), one line to out per problem; the problems found. */
long idx_keys_check(char kind, long long s, long long count, const char *text, size_t len,
    FILE *out);

/* ---- index_stream.c: a rebuild that streams the people ------------------ */

/* File movie m's credits (p's pending links) by their people's shards. */
void idx_stream_credits(struct mv_index *ix, struct node *m, struct prof *p);
/* Free the strings of movie x that only its index entry uses. */
void idx_stream_thin(struct node *x);
/* Start listing People/ on a thread, for idx_stream_people. */
void idx_stream_list_start(struct mv_index *ix);
/* Read the people and write their shards one by one into doc[1].shards
 * (from none), with no fsync. 0, or -1 with errno after a warning. */
int idx_stream_people(struct mv_index *ix);
/* Claim the outside ids of the people written, l the claims of index/ext/p
 * (emptied); the conflicts found (each reported). With report, claim
 * nothing: print each claim that is stale, missing or another's; the
 * problems found. */
long idx_stream_claims(struct mv_index *ix, struct claimlist *l, FILE *report);
void idx_stream_free(struct stream *st);

/* ---- index_claims.c: claims --------------------------------------------- */

/* Claim (report NULL) or check every external id; the problems found. */
long idx_claims(struct mv_index *ix, FILE *report);
/* Claim outside id ext ("tmdb:63") for id, saying why when it cannot
 * (owned by another, an I/O error). 0, or -1. */
int idx_claim_one(const char *ext, const char *id);
/* Free l's strings and the set c (or NULL) that borrowed them; l left
 * empty. */
void idx_claimlist_release(struct claimlist *l, struct mv_table *c);
/* Thread body: read index/ext/ into ix->ahead. */
void *idx_claims_ahead(void *arg);

/* ---- index_check.c: check ---------------------------------------------- */

/* The fresh shard s of kind (text b, count entries) against its file,
 * for ix->check. */
void idx_check_shard(struct mv_index *ix, char kind, long long s, const struct mv_buf *b,
    size_t count);

/* ---- collections.c: index/collections.json ----------------------------- */

/* 1 if member k (n bytes) of a movie profile is collections.c's to read. */
int idx_coll_key(const char *k, size_t n);
/* Read that member's value into p->coll. 0, or -1 on a scanner error. */
int idx_coll_scan(struct mv_js *s, struct prof *p, const char *k, size_t n);
void idx_collof_free(struct collof *c);
/* Give movie x the collection c (consumed; NULL: none), year the
 * release order's fallback; marks collections.json dirty if it moved. */
void idx_coll_set(struct mv_index *ix, struct node *x, struct collof *c, int year);
void idx_colls_free(struct colls *cs);
/* Write index/collections.json if dirty (or force). 0, or -1 with errno
 * after a warning. */
int idx_colls_write(struct mv_index *ix, int force);
/* 1 if index/collections.json does not exist. */
int idx_colls_missing(void);
/* Compare index/collections.json with ix; the problems found. */
long idx_colls_check(struct mv_index *ix, FILE *out);

/* A JSON string value at s into *out (malloc'd, replacing it); any
 * other value skipped. 0, or -1 on a scan error. */
int idx_get_str(struct mv_js *s, char **out);

#endif
