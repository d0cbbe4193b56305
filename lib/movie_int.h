/* movie_int.h: what movie.c shares with movie_enrich.c alone. */
#ifndef MOVIE_INT_H
#define MOVIE_INT_H

#include "mv.h"

/* Set doc[key] to the time now (an RFC 3339 string). */
void movie_set_now(cJSON *doc, const char *key);
/* Record that doc reached level l now: levels[l] and level. */
void movie_reach(cJSON *doc, enum mv_level l);

#endif
