/*
 * mvctl.h: what tools/mvctl.c and the verb groups in tools/mvctl/ share.
 * Private to mvctl (the ctl_ prefix), not lib/: ownership and return
 * values are written at each definition.
 */
#ifndef MVCTL_H
#define MVCTL_H

#include <getopt.h>
#include <stdio.h>

#include "mv.h"

/* One verb: fn gets argv with argv[0] the verb's name. */
struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;   /* the arguments after "mvctl VERB" */
	const char *summary;
	int hidden;          /* left out of `mvctl help` (test helpers) */
};

extern const struct verb *ctl_cur;  /* the verb running, for its usage */
extern const char *ctl_opt_data;    /* --data DIR */
extern int ctl_opt_config;          /* --config FILE was given */

/* Every verb also takes these long options; see ctl_common_opt. */
#define COMMON_OPTS \
	{"data", required_argument, NULL, 'd'}, \
	{"config", required_argument, NULL, 'C'}, \
	{"json", no_argument, NULL, 'J'}, \
	{"text", no_argument, NULL, 'T'}, \
	{"help", no_argument, NULL, 'h'}, \
	{NULL, 0, NULL, 0}

/* mvctl.c: options, output, the library, the pipeline. */
void ctl_verb_usage(FILE *f);
void ctl_common_opt(int c);
void ctl_only_common(int argc, char **argv);
void ctl_usage_error(const char *fmt, const char *arg);
int ctl_want_json(void);
void ctl_report_text(void);
void ctl_put_json(const cJSON *v);
void ctl_open_library(void);
cJSON *ctl_load_raw(const char *rel, int loud);
cJSON *ctl_load_rel(const char *rel, int loud);
cJSON *ctl_load_index(const char *name, cJSON **items);
char *ctl_resolve_id(char kind, const char *tok);
void ctl_need_pipeline_stopped(void);
int ctl_deliver_files(cJSON *events);
void ctl_publish(cJSON *evs);
int ctl_send_events(cJSON *events);

/* check.c: what check counts; kind names in JSON output. notes are what
 * is not wrong with the library but wants a look (a subtitle left in
 * incoming/). repair runs the same checks. */
struct check {
	long docs, invalid, orphans, missed, halfdone, index, notes;
	char **videos;        /* video paths the profiles point at, sorted */
	size_t nvideos;
	char **kept;          /* keptStat of the downloads left in place, sorted */
	size_t nkept;
	struct mv_schemas *set;
	const char *rel;      /* document being validated */
};
int ctl_cmp_str(const void *a, const void *b);
char **ctl_all_docs(size_t *n);
long ctl_run_checks(struct check *c);
int ctl_migrate_all(int dry, long *done, long *current, long *failed);

/* layout.c: filed videos moved to where mv_name_path says. */
int ctl_refile(char **ids, size_t n, int dry, long *moved, long *failed);
/* repair.c: records a finished filing in its profile (an
 * mv_file_recover_fn; ctx NULL or a long * counting the journals). */
void ctl_filing_recovered(void *ctx, const char *movie, const char *final,
    const char *src);

/* review.c: the quarantine queue, which add FILE resolves too. */
char *ctl_user_file(const char *verb, const char *tok, char **rel);
int ctl_in_quarantine(const char *rel);
char *ctl_queue_movie(const char *rel, cJSON **movie);
int ctl_review_precheck(const char *rel, const char *movie, long long tmdb);
/* The words for a matcher's matchedBy ("alternative" -> "alternative
 * title"), static. */
const char *ctl_title_kind(const char *by);
char *ctl_profile_text(const char *id);
int ctl_review_outcome(const char *rel, const char *id, const char *before,
    int code);

/* plan.c: what filing would do, asked as mvenrich asks; import
 * --dry-run asks the same. ctl_match: 0 with *mr filled (mv_match_free
 * it), or TMDB's exit code; ctl_evidence_text: malloc'd words;
 * ctl_profile_of: the profile a match gives, a tree the caller deletes. */
int ctl_match(const struct mv_name *nm, const char *base, const struct mv_nfoid *ids,
    const char *from, struct mv_match *mr);
char *ctl_evidence_text(const cJSON *ev);
cJSON *ctl_profile_of(const cJSON *tm);

/* add.c: an mv.file.added event, which repair sends too. */
cJSON *ctl_file_event(const char *path, long long tmdb);

/* The verbs, by file: fn of the table in mvctl.c. */
/* list.c */
int v_ls(int argc, char **argv);
int v_show(int argc, char **argv);
int v_people(int argc, char **argv);
int v_parse(int argc, char **argv);
/* status.c */
int v_status(int argc, char **argv);
int v_stats(int argc, char **argv);
int v_events(int argc, char **argv);
/* check.c */
int v_check(int argc, char **argv);
int v_migrate(int argc, char **argv);
int v_validate(int argc, char **argv);
/* gc.c */
int v_gc(int argc, char **argv);
/* add.c */
int v_add(int argc, char **argv);
/* review.c */
int v_review(int argc, char **argv);
/* repair.c */
int v_repair(int argc, char **argv);
int v_rename(int argc, char **argv);
/* do.c */
int v_init(int argc, char **argv);
int v_reindex(int argc, char **argv);
int v_downgrade(int argc, char **argv);
int v_request(int argc, char **argv);
int v_enrich(int argc, char **argv);
/* export.c */
int v_export(int argc, char **argv);
/* import.c */
int v_import(int argc, char **argv);
/* plan.c */
int v_plan(int argc, char **argv);

#endif
