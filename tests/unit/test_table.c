/* test_table.c: the hash table keyed by string (lib/table.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mv.h"
#include "tap.h"

#define MANY 20000

/* Keys whose FNV-1a hashes share their low bits, found by search, so
 * they probe the same slots in a small table. */
static int
colliding(char keys[][16], int want, uint64_t mask)
{
	int got = 0;
	uint64_t home = 0;

	for (int i = 0; got < want && i < 1000000; i++) {
		char k[16];

		snprintf(k, sizeof k, "c%d", i);
		if (got == 0)
			home = mv_hash(k) & mask;
		if ((mv_hash(k) & mask) == home)
			snprintf(keys[got++], 16, "%s", k);
	}
	return got;
}

int
main(void)
{
	struct mv_table t = {0};
	static char keys[MANY][16];
	char coll[8][16], probe[16];
	const char *k;
	void *v;
	size_t pos, seen;
	int a = 1, b = 2, bad;

	mv_init("test_table");

	ok(mv_table_get(&t, "m1") == NULL, "an empty table finds nothing");
	ok(mv_table_del(&t, "m1") == NULL, "an empty table removes nothing");
	ok(mv_table_put(&t, "m1", &a) == NULL, "a new key replaces nothing");
	ok(mv_table_get(&t, "m1") == &a, "the value put is found");
	ok(mv_table_get(&t, "m2") == NULL, "another key is not");
	snprintf(probe, sizeof probe, "m%d", 1);
	ok(mv_table_get(&t, probe) == &a, "keys compare by content, not pointer");
	ok(mv_table_put(&t, "m1", &b) == &a, "putting again returns the old value");
	is_int(t.n, 1, "and keeps one entry");
	ok(mv_table_get(&t, "m1") == &b, "the new value is found");
	ok(mv_table_del(&t, "m1") == &b, "removing returns the value");
	ok(mv_table_get(&t, "m1") == NULL && t.n == 0, "and the key is gone");
	mv_table_free(&t);
	ok(t.slot == NULL && t.cap == 0 && t.n == 0, "free zeroes the table");

	/* Growth: every key stays findable; the table stays at most half full. */
	for (int i = 0; i < MANY; i++) {
		snprintf(keys[i], sizeof keys[i], "p%d", i);
		mv_table_put(&t, keys[i], keys[i]);
	}
	is_int(t.n, MANY, "many keys: all counted");
	ok(t.cap >= 2 * t.n && (t.cap & (t.cap - 1)) == 0, "capacity a power of two, half full at most");
	bad = 0;
	for (int i = 0; i < MANY; i++)
		bad += mv_table_get(&t, keys[i]) != keys[i];
	is_int(bad, 0, "many keys: every one found after growth");
	ok(mv_table_get(&t, "p20000") == NULL, "a key never put is absent");
	pos = seen = 0;
	bad = 0;
	while (mv_table_next(&t, &pos, &k, &v)) {
		seen++;
		bad += k != v;
	}
	is_int(seen, MANY, "the walk visits every entry once");
	is_int(bad, 0, "with its key and value");

	/* Remove every other key: the rest are still found (backward shift). */
	for (int i = 0; i < MANY; i += 2)
		mv_table_del(&t, keys[i]);
	bad = 0;
	for (int i = 0; i < MANY; i++)
		bad += mv_table_get(&t, keys[i]) != (i % 2 ? keys[i] : NULL);
	is_int(bad, 0, "after removing half, the other half is found");
	is_int(t.n, MANY / 2, "and counted");
	mv_table_free(&t);

	/* Collisions: keys with one home slot in a 16-slot table, removed
	 * from the middle of their run, then wrapping around its end. */
	is_int(colliding(coll, 8, 15), 8, "eight colliding keys found");
	for (int i = 0; i < 7; i++)
		mv_table_put(&t, coll[i], coll[i]);
	is_int(t.cap, 16, "seven keys fit sixteen slots");
	bad = 0;
	for (int i = 0; i < 7; i++)
		bad += mv_table_get(&t, coll[i]) != coll[i];
	is_int(bad, 0, "colliding keys: each found");
	ok(mv_table_get(&t, coll[7]) == NULL, "a colliding key never put is absent");
	ok(mv_table_del(&t, coll[3]) == coll[3], "a key inside the run is removed");
	bad = 0;
	for (int i = 0; i < 7; i++)
		bad += mv_table_get(&t, coll[i]) != (i == 3 ? NULL : coll[i]);
	is_int(bad, 0, "the run closes over the hole");
	ok(mv_table_put(&t, coll[7], coll[7]) == NULL && mv_table_get(&t, coll[7]) == coll[7],
	    "a new colliding key takes a slot");
	mv_table_free(&t);

	return tap_done();
}
