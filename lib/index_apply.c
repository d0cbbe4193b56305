/* index_apply.c: applying profiles and usage to the nodes, one or all of them. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "index_int.h"

/* ---- applying profiles to nodes ------------------------------------- */

/* The members of a movie profile a person's node has no room for. */
static void
movie_fill(struct mv_index *ix, struct node *x, struct prof *p)
{
	idx_coll_set(ix, x, &p->coll, p->has_year ? (int)p->year : 0);
	x->status = idx_intern(ix, p->status, p->status ? strlen(p->status) : 0);
	x->imdb = p->imdb;
	x->video = p->vpath;
	x->otitle = p->otitle;
	x->olang = p->olang;
	x->tjson = p->tjson;
	x->ajson = p->ajson;
	x->vjson = p->vjson;
	x->added = p->vadded ? p->vadded : p->created;
	if (p->vadded)
		free(p->created);
	x->year = p->has_year ? (int)p->year : 0;
	p->otitle = p->olang = p->tjson = p->ajson = p->vjson = NULL;
	p->imdb = p->vpath = p->vadded = p->created = NULL;
}

static void
node_fill(struct mv_index *ix, struct node *x, struct prof *p)
{
	idx_node_clear(ix, x);
	if (x->id[0] == 'm')
		movie_fill(ix, x, p);
	x->present = 1;
	x->name = p->name;
	x->level = idx_intern(ix, p->level, p->level ? strlen(p->level) : 0);
	x->tmdb = p->has_tmdb ? (long long)p->tmdb : 0;
	x->ext = p->ext;
	x->next = p->next;
	for (size_t i = 0; i < x->next; i++)
		idx_refmap_add(x->id[0] == 'm' ? &ix->mref : &ix->pref, x->ext[i], 1);
	p->name = NULL;
	p->ext = NULL;
	p->next = p->capext = 0;
	/* The rest (a person's, or what a movie did not take) goes with
	 * p's next clear. */
}

/* Set a movie's credits to p's pending links (p may have none). Returns
 * the people whose lists may have changed in *aff (malloc'd). */
static size_t
movie_credits(struct mv_index *ix, struct node *m, struct prof *p, struct node ***aff)
{
	size_t n = 0, i;
	struct node **a;

	a = mv_xmalloc((m->nlinked + p->npend + 1) * sizeof *a);
	for (i = 0; i < m->nlinked; i++)
		a[n++] = m->linked[i];
	for (i = 0; i < n; i++)
		idx_links_drop(a[i], m, SRC_MOVIE);
	for (i = 0; i < p->npend; i++) {
		struct node *per = idx_node_get(ix, p->pend[i].who);

		idx_link_add(ix, per, m, p->pend[i].role, p->pend[i].detail,
		    p->pend[i].dlen, SRC_MOVIE);
		a[n++] = per;
	}
	*aff = a;
	return n;
}

/*
 * Set a person's own links to p's pending links (p may be NULL). Both
 * lists are in link order (pend_finish), so one merge does it: a first
 * pass marks the links the person already has (in a consistent library
 * all of them, from the movies' credits), a second builds the merged
 * list if some are new.
 */
static void
person_links(struct mv_index *ix, struct node *per, struct prof *p)
{
	struct link *old, *out;
	size_t i = 0, j, k, fresh = 0, n = p ? p->npend : 0;
	struct pend *pd = p ? p->pend : NULL;
	int c;

	idx_links_drop(per, NULL, SRC_PERSON);
	old = per->links;
	for (j = 0; j < n; j++) {
		if (j && idx_pend_cmp(&pd[j - 1], &pd[j]) == 0) {
			pd[j].known = 1;        /* said twice */
			continue;
		}
		c = 1;
		while (i < per->nlinks &&
		    (c = idx_link_key_cmp(&old[i], pd[j].mnum, pd[j].role, pd[j].detail)) < 0)
			i++;
		if (i < per->nlinks && c == 0) {
			old[i].src |= SRC_PERSON;
			pd[j].known = 1;
		} else
			fresh++;
	}
	if (!fresh)
		return;
	out = mv_xmalloc((per->nlinks + fresh) * sizeof *out);
	for (i = j = k = 0; i < per->nlinks || j < n;) {
		struct node *m;

		if (j < n && pd[j].known) {
			j++;
			continue;
		}
		if (j == n || (i < per->nlinks &&
		    idx_link_key_cmp(&old[i], pd[j].mnum, pd[j].role, pd[j].detail) < 0)) {
			out[k++] = old[i++];
			continue;
		}
		m = idx_node_get(ix, pd[j].who);
		/* The person is in the movie's list already if a link on
		 * either side of this one is to the same movie. */
		if (!(k > 0 && out[k - 1].movie == m) &&
		    !(i < per->nlinks && old[i].movie == m))
			idx_linked_append(m, per);
		out[k].mnum = m->num;
		out[k].movie = m;
		out[k].detail = idx_intern(ix, pd[j].detail, pd[j].dlen);
		out[k].dlen = (unsigned)pd[j].dlen;
		out[k].role = pd[j].role;
		out[k].src = SRC_PERSON;
		k++;
		j++;
	}
	free(old);
	per->links = out;
	per->nlinks = per->caplinks = k;
}

struct was {
	char *json, *ext;      /* its texts, taken from the node (or NULL) */
	uint64_t hash, exthash;/* a person's: the hashes of its texts */
	char **dups;           /* its outside ids others hold too */
	size_t ndups;
	int present;
};

static void
was_take(struct mv_index *ix, struct node *x, struct was *w)
{
	w->present = x->present;
	w->json = x->json;
	w->ext = x->extjson;
	x->json = x->extjson = NULL;
	if (x->id[0] == 'm') {
		free(x->keyrec);   /* made again with the entry's text */
		x->keyrec = NULL;
	}
	w->dups = NULL;
	w->ndups = 0;
	if (x->id[0] == 'p') {
		idx_person_seal(x);
		w->hash = x->hash;
		w->exthash = x->exthash;
	}
	for (size_t i = 0; x->present && i < x->next; i++)
		if (idx_refmap_count(x->id[0] == 'p' ? &ix->pref : &ix->mref, x->ext[i]) > 1) {
			if (!w->dups)
				w->dups = mv_xmalloc(x->next * sizeof *w->dups);
			w->dups[w->ndups++] = mv_xstrdup(x->ext[i]);
		}
}

/* Compare x with what it was (w, consumed): if its entry or its outside
 * ids differ, its index file needs writing, and which parts. Returns 1
 * if something differs. */
static int
was_compare(struct mv_index *ix, struct node *x, struct was *w)
{
	struct idoc *d = &ix->doc[x->id[0] == 'p'];
	int entry, ext;

	if (x->present && x->id[0] == 'p') {
		/* Either part changed: the person's shard is written. */
		x->hash = idx_person_hash(x, &x->exthash);
		x->hashok = 1;
		ext = !w->present || w->exthash != x->exthash;
		entry = ext || w->hash != x->hash;
	} else if (x->present) {
		/* Either part changed: the movie's shard is written. */
		ext = !w->present || !w->ext || strcmp(w->ext, idx_node_extjson(x)) != 0;
		entry = ext || !w->json || strcmp(w->json, idx_node_json(x)) != 0;
	} else
		entry = ext = w->present;
	free(w->json);
	free(w->ext);
	if (entry) {
		if (d->nchanged == d->capchanged) {
			d->capchanged = d->capchanged ? d->capchanged * 2 : 64;
			d->changed = mv_xrealloc(d->changed, d->capchanged * sizeof *d->changed);
		}
		d->changed[d->nchanged++] = x;
	}
	if (ext)
		d->extchanged = 1;
	if (ext)
		idx_node_dups(ix, x, w->dups, w->ndups);
	idx_strv_free(w->dups, w->ndups);
	return entry || ext;
}

/* Reread person x's own profile into its node (links included). */
static int
person_reload(struct mv_index *ix, struct node *x)
{
	struct prof p;
	int r = idx_prof_load(x->id, &p);

	if (r <= 0) {
		idx_node_clear(ix, x);
		person_links(ix, x, NULL);
	} else {
		node_fill(ix, x, &p);
		person_links(ix, x, &p);
	}
	idx_prof_free(&p);
	return r;
}

static int
node_ptr_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;

	return (x > y) - (x < y);
}

/*
 * Reload the movie id: its entry and the people lists its credits touch,
 * before and after. Those people are reread too: when a movie loses
 * credits (a downgrade), what is left of each person's list comes from
 * the person's own profile, which mvenrich may have changed after it
 * announced the person. A few small files per update; the filter used to
 * rescan the whole library after each downgrade instead.
 */
static int
update_movie(struct mv_index *ix, const char *id)
{
	struct node *m = idx_node_get(ix, id), **aff;
	struct prof p;
	struct was w;
	size_t n, i;
	int r = idx_prof_load(id, &p);

	was_take(ix, m, &w);
	if (r <= 0) {
		/* Gone or broken: out of the index, as a rebuild would do. */
		idx_node_clear(ix, m);
		idx_coll_set(ix, m, NULL, 0);
		idx_prof_clear(&p);
	} else
		node_fill(ix, m, &p);
	was_compare(ix, m, &w);
	/* What the people credited before and after say now, before their
	 * links change (their texts are not kept: a hash of them). */
	for (i = 0; i < m->nlinked; i++)
		idx_person_seal(m->linked[i]);
	for (i = 0; i < p.npend; i++) {
		struct node *x = idx_map_get(&ix->people, p.pend[i].who);

		if (x)
			idx_person_seal(x);
	}
	n = movie_credits(ix, m, &p, &aff);
	if (n)
		qsort(aff, n, sizeof *aff, node_ptr_cmp);
	for (i = 0; i < n; i++) {
		if (i && aff[i] == aff[i - 1])
			continue;
		was_take(ix, aff[i], &w);
		person_reload(ix, aff[i]);
		was_compare(ix, aff[i], &w);
	}
	free(aff);
	idx_prof_free(&p);
	return r < 0 ? -1 : 0;
}

static int
update_person(struct mv_index *ix, const char *id)
{
	struct node *x = idx_node_get(ix, id);
	struct was w;
	int r;

	was_take(ix, x, &w);
	r = person_reload(ix, x);
	was_compare(ix, x, &w);
	return r < 0 ? -1 : 0;
}

int
mv_index_update(struct mv_index *ix, const char *id)
{
	if (idx_id_ok(id, 'm'))
		return update_movie(ix, id);
	if (idx_id_ok(id, 'p'))
		return update_person(ix, id);
	errno = EINVAL;
	return -1;
}

static int
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int
mv_index_usage(struct mv_index *ix)
{
	struct mv_usage u = {0};
	struct was w;
	char when[32];
	int changed = 0;

	/* A document mvstat would refuse is refused here too (said by
	 * mv_usage_load); the entries keep what they had. */
	if (mv_usage_load(&u) != 0)
		return -1;
	/* Every movie's lastRead comes from the file; absent means never. */
	for (size_t i = 0; i < ix->nm; i++) {
		struct node *x = ix->msorted[i];
		const struct mv_use *e = mv_usage_get(&u, x->id, 0);
		const char *last = e ? mv_time_fmt(e->last, when) : NULL;

		if (same_str(last, x->last_read))
			continue;
		was_take(ix, x, &w);
		free(x->last_read);
		x->last_read = last ? mv_xstrdup(last) : NULL;
		if (was_compare(ix, x, &w))
			changed = 1;
	}
	mv_usage_free(&u);
	return changed;
}

/* mv_profiles_read's take: apply item i of a scan, in id order. */
static void
scan_take(void *ctx, size_t i, size_t slot)
{
	struct batch *b = ctx;
	struct mv_index *ix = b->ix;
	struct node *x = idx_node_get(ix, b->ids[i]), **aff;
	struct prof *p = &b->profs[slot];

	if (b->res[slot] > 0) {
		node_fill(ix, x, p);
		if (x->id[0] == 'p')
			person_links(ix, x, p);
		else if (ix->stream)
			idx_stream_credits(ix, x, p);
		else {
			movie_credits(ix, x, p, &aff);
			free(aff);
		}
	} else if (b->res[slot] < 0)
		idx_batch_skip(b, i, slot);
	idx_prof_clear(p);
}

/* Give back the room links grew into: a scan adds a person's links one
 * credit at a time, and the doubling leaves a quarter of 3.7 million
 * links (at 500,000 people) unused. */
static void
links_fit(struct mv_index *ix)
{
	for (size_t i = 0; i < ix->np; i++) {
		struct node *x = ix->psorted[i];

		if (x->nlinks && x->nlinks < x->caplinks) {
			x->links = mv_xrealloc(x->links, x->nlinks * sizeof *x->links);
			x->caplinks = x->nlinks;
		}
	}
	for (size_t i = 0; i < ix->nm; i++) {
		struct node *x = ix->msorted[i];

		if (x->nlinked && x->nlinked < x->caplinked) {
			x->linked = mv_xrealloc(x->linked, x->nlinked * sizeof *x->linked);
			x->caplinked = x->nlinked;
		}
	}
}

/* Read and apply every profile; returns how many were skipped. */
static long
scan_profiles(struct mv_index *ix)
{
	struct batch *b = mv_xcalloc(1, sizeof *b);
	struct fileid *v[2];
	size_t n[2];
	long skipped;

	b->ix = ix;
	/* One reading pass over both folders, movies first: the readers
	 * go on into People/ while the last movies are applied. */
	v[0] = idx_list_ids("Movies", 'm', &n[0]);
	/* A streamed rebuild reads the people as it writes them; it lists
	 * them now, while the movies are read. */
	if (ix->stream) {
		idx_stream_list_start(ix);
		v[1] = NULL;
		n[1] = 0;
	} else
		v[1] = idx_list_ids("People", 'p', &n[1]);
	idx_batch_add(b, v[0], n[0]);
	idx_batch_add(b, v[1], n[1]);
	idx_batch_read(b, scan_take);
	skipped = b->skipped;
	idx_batch_free(b);
	free(v[0]);
	free(v[1]);
	return skipped;
}

long
mv_index_scan(struct mv_index *ix, int flags)
{
	long skipped;

	ix->read_errno = 0;
	if ((flags & MV_INDEX_CLAIMS) && !ix->ahead_running &&
	    pthread_create(&ix->ahead_th, NULL, idx_claims_ahead, ix) == 0)
		ix->ahead_running = 1;
	ix->bulk = 1;
	skipped = scan_profiles(ix);
	ix->bulk = 0;
	/* (Never qsort a NULL array, even of none: UBSan.) */
	if (ix->nm)
		qsort(ix->msorted, ix->nm, sizeof *ix->msorted, idx_node_num_cmp);
	if (ix->np)
		qsort(ix->psorted, ix->np, sizeof *ix->psorted, idx_node_num_cmp);
	links_fit(ix);
	mv_index_usage(ix);
	/* Every movie's text now, so that an update can tell whether it
	 * changed an entry; a write after a scan reuses them. People's are
	 * hashed when an update first touches them (idx_person_seal). */
	if (!ix->stream)
		idx_texts_build(ix->msorted, ix->nm);
	for (size_t i = 0; i < ix->np; i++)
		ix->psorted[i]->hashok = 0;
	/* The shards as the scan found the entries: those on disk, unless
	 * the index is stale, which a forced write then counts again. */
	for (int k = 0; k < 2; k++) {
		idx_shards_count(ix, k ? 'p' : 'm');
		ix->doc[k].nchanged = 0;
		ix->doc[k].extchanged = 0;
	}
	ix->colls.dirty = 0;
	return skipped;
}

