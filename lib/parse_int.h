/* parse_int.h: what the parts of the name parser (lib/parse*.c) share, and nobody else. */
#ifndef MV_PARSE_INT_H
#define MV_PARSE_INT_H

#include <stddef.h>

#include "mv.h"

#define COMP_MAX 1024 /* bytes of one path component we look at */
#define TOK_MAX 256   /* tokens of one component */

enum kind { K_WORD, K_OPEN, K_CLOSE, K_DASH, K_DDASH };
enum cls {
	C_NONE, C_RES, C_SRC, C_CODEC, C_AUDIO, C_LANG, C_EDITION, C_FLAG,
	C_SUBS, C_CONT, C_SERVICE, C_GENRE, C_PART, C_ID, C_SIZE, C_VERSION,
	C_BONUS
};
/* Strength of a tag: TAIL tags are recorded but never end a title. */
enum strength { S_PLAIN, S_TAIL, S_WEAK, S_STRONG };

/* Table flags. */
#define F_UP 1      /* only when written in capitals: DC, SE, TS, DL */
#define F_TECH 2    /* may be skipped before the title: [h265 - HEVC] Riddick */
#define F_EDADJ 4   /* may open an edition phrase: Special Edition */
#define F_EDNOUN 8  /* closes an edition phrase: Edition, Cut, Version */
#define F_FRADJ 16  /* follows the noun in French phrases: Version Longue */

struct tok {
	unsigned short off, len;  /* bytes of the word in the component */
	unsigned char kind;       /* enum kind */
	unsigned char cls, str;   /* enum cls, enum strength */
	unsigned char flags;      /* F_* of the table entry */
	unsigned char hyph;       /* joined to the previous word by one '-' */
	unsigned char span;       /* words this tag covers (phrases), >= 1 */
	short match;              /* K_OPEN: index of its K_CLOSE, or n */
	short year;               /* a plausible year, else 0 */
	short num;                /* small number (part), else -1 */
	const char *canon;
};

struct comp {
	const char *s;  /* the component, at most COMP_MAX bytes */
	size_t len;
	struct tok t[TOK_MAX];
	int n;
	int ymax;       /* latest plausible year */
};

/* Text of token i. */
#define TXT(c, i) ((c)->s + (c)->t[i].off)

/* Result of reading one component. */
struct reading {
	int ts, te;     /* title tokens [ts, te), te <= ts if none */
	int year;
	int lead_year;  /* the year was read in front of the title */
	int ntags;      /* tags seen, years excluded */
	int generic;    /* the name says nothing (movie, VIDEO_TS, CD1) */
};

/* parse_tags.c: the vocabulary and the classifier. */
/* Build the hash of the tag table once; call before parse_classify. */
void parse_tags_init(void);
void parse_tokenize(struct comp *c);
void parse_classify(struct comp *c);
int parse_has_lower(const char *p, size_t len);
int parse_all_digits(const char *k, size_t n);
int parse_small_num(const char *p);
int parse_word_is(const struct comp *c, int i, const char *w);

/* parse_title.c: the title of one component. */
void parse_read_comp(struct comp *c, struct reading *r);
/* Returns malloc'd, or NULL if nothing is left. */
char *parse_clean_title(const char *s, size_t n);

#endif
