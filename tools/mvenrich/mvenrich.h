/*
 * mvenrich.h: what tools/mvenrich.c and its modules in tools/mvenrich/
 * share. Private to mvenrich, not lib/: ownership and return values are
 * written at each definition.
 */
#ifndef MVENRICH_H
#define MVENRICH_H

#include "mv.h"

/* mvenrich.c */
void save(cJSON *m);
char *rel_path(const char *p);

/* sidecars.c: a download's subtitles and extras, filed beside its film. */
int sidecars_file(cJSON *m);
int sidecars_recovered(cJSON *m, const char *final, const char *src);

#endif
