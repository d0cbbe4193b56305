/*
 * mvenrich.h: what tools/mvenrich.c and its modules in tools/mvenrich/
 * share. Private to mvenrich, not lib/: ownership and return values are
 * written at each definition.
 */
#ifndef MVENRICH_H
#define MVENRICH_H

#include <sys/stat.h>

#include "mv.h"

#define NAME_MAX_BYTES 200  /* longest stem of a filed video's name */

/* What a step of a movie's life ended in. */
enum outcome {
	OUT_DONE,     /* this step finished; go on */
	OUT_WAIT,     /* a temporary failure: the movie stays as it is */
	OUT_FATAL,    /* a permanent failure of the whole tool (code set) */
};

/* mvenrich.c */
extern int waiting;       /* movies left waiting on a temporary failure */
extern int fatal_code;    /* the exit code once OUT_FATAL happened */
void save(cJSON *m);
char *rel_path(const char *p);
char *open_path(const char *rel);
const char *base_name(const char *p);
void emit(const char *type, const char *id, cJSON *data);
void pending_add(const char *path, const char *id);
void pending_drop(const char *id);
int is_pending(const cJSON *m);
char *why_path(const char *final);
void drop_why(const char *src);
void imported_from(cJSON *v, const char *id);
cJSON *video_entry(const cJSON *m);

/* match.c: a new movie matched on TMDB, what is inside its file, and
 * its review. */
enum outcome inspect(cJSON *m);
enum outcome match(cJSON *m);
enum outcome tmdb_failure(const cJSON *m, int code);

/* sidecars.c: a download's subtitles and extras, filed beside its film. */
int sidecars_file(cJSON *m);
int sidecars_recovered(cJSON *m, const char *final, const char *src);

/* versions.c: a movie's videos (a film in parts, versions, duplicates)
 * and their filing. */
int at_source(const cJSON *v);
cJSON *unfiled(const cJSON *m);
cJSON *entry_at(const cJSON *m, const char *rel);
void drop_movie(const char *id);
void joined_from(const cJSON *m, char ***ids, size_t *n);
void announce_joined(const char *id, const char *holder);
void unpark_movie(const char *id);
void let_go(const char *id, const char *holder);
int in_parts(const cJSON *m);
void write_why(const cJSON *m, const cJSON *v, const char *final, const char *reason,
    const char *by);
void announce(const cJSON *m, const cJSON *v, const char *rel, int quarantined);
void filed(cJSON *m, cJSON *v, const char *final, int quarantined);
void replaced(cJSON *m, cJSON *v, cJSON *e, const char *final);
void announce_replacer(const cJSON *m, const char *final);
int set_aside_recovered(cJSON *m, const char *final, const char *src);
enum outcome file_video(cJSON *m, int quarantine);
int join(cJSON *m, const char *owner, char **reason);
cJSON *new_video(const char *rel, const struct stat *st, int part, const char *edition,
    const cJSON *imp, const char *root);
cJSON *parts_of(const cJSON *data, const char *rel, const struct stat *st,
    const char *edition);

#endif
