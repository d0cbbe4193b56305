/* table.c: one hash table keyed by string, for every table in mv. */
#include <stdlib.h>
#include <string.h>

#include "mv.h"

/*
 * Open addressing with linear probing, capacity a power of two, at most
 * half full. Each slot keeps its key's hash beside the key pointer, so a
 * probe compares strings only when the 64-bit hashes agree and growth
 * never hashes again. Values are pointers and never NULL, so a get can
 * answer "absent" with NULL; a set of strings stores the key as value.
 */

#define TABLE_MIN 16

/* The slot of key (hash h), or the empty slot where it would go. */
static struct mv_table_slot *
probe(const struct mv_table *t, const char *key, uint64_t h)
{
	size_t mask = t->cap - 1, i;

	for (i = h & mask; t->slot[i].key; i = (i + 1) & mask)
		if (t->slot[i].h == h && strcmp(t->slot[i].key, key) == 0)
			break;
	return &t->slot[i];
}

static void
grow(struct mv_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : TABLE_MIN, mask = cap - 1, i, j;
	struct mv_table_slot *s = mv_xcalloc(cap, sizeof *s);

	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key) {
			for (j = t->slot[i].h & mask; s[j].key; j = (j + 1) & mask)
				;
			s[j] = t->slot[i];
		}
	free(t->slot);
	t->slot = s;
	t->cap = cap;
}

void *
mv_table_get(const struct mv_table *t, const char *key)
{
	if (!t->n)
		return NULL;
	return probe(t, key, mv_hash(key))->val;
}

void *
mv_table_put(struct mv_table *t, const char *key, void *val)
{
	uint64_t h = mv_hash(key);
	struct mv_table_slot *s;
	void *old;

	if ((t->n + 1) * 2 > t->cap)
		grow(t);
	s = probe(t, key, h);
	old = s->val;
	if (!s->key)
		t->n++;
	s->h = h;
	s->key = key;
	s->val = val;
	return old;
}

/* Backward-shift deletion: no tombstones, so a long-lived table with
 * removals (a cache, a set of pending files) never needs rebuilding. */
void *
mv_table_del(struct mv_table *t, const char *key)
{
	size_t mask = t->cap - 1, i, j, home;
	void *old;

	if (!t->n)
		return NULL;
	i = (size_t)(probe(t, key, mv_hash(key)) - t->slot);
	if (!t->slot[i].key)
		return NULL;
	old = t->slot[i].val;
	for (j = (i + 1) & mask; t->slot[j].key; j = (j + 1) & mask) {
		home = t->slot[j].h & mask;
		/* Move j into the hole at i unless its home lies in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	memset(&t->slot[i], 0, sizeof t->slot[i]);
	t->n--;
	return old;
}

int
mv_table_next(const struct mv_table *t, size_t *pos, const char **key, void **val)
{
	for (; *pos < t->cap; (*pos)++)
		if (t->slot[*pos].key) {
			if (key)
				*key = t->slot[*pos].key;
			if (val)
				*val = t->slot[*pos].val;
			(*pos)++;
			return 1;
		}
	return 0;
}

void
mv_table_free(struct mv_table *t)
{
	free(t->slot);
	memset(t, 0, sizeof *t);
}
