/* test_claim.c: unit tests for lib/claim.c's one rule of a stale claim. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

static char tmpdir[] = "/tmp/mvclaim.XXXXXX";

/* Write an empty profile for id ("m3", "p2"), or remove it. */
static void
profile(const char *id, int present)
{
	char *p = mv_path("%s/%s.json", id[0] == 'm' ? "Movies" : "People", id);

	if (present)
		mv_write_atomic(p, "{}", 2);
	else
		unlink(p);
	free(p);
}

/* The raw target of a claim link, or "" (static buffer). */
static const char *
target(const char *name)
{
	static char buf[64];
	char *p = mv_path("index/ext/%s", name);
	ssize_t n = readlink(p, buf, sizeof buf - 1);

	free(p);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Names in index/ext/m that start with a dot: temp links left over. */
static int
hidden_left(void)
{
	char *p = mv_path("index/ext/m");
	DIR *d = opendir(p);
	struct dirent *e;
	int n = 0;

	free(p);
	while (d && (e = readdir(d)))
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void
test_stale(void)
{
	char *owner = NULL;

	profile("m1", 1);
	profile("m2", 1);
	ok(mv_claim("tmdb", "63", "m1", NULL) == 0, "m1 claims tmdb:63");
	ok(!mv_claim_stale('m', "m1"), "a claim whose profile exists is live");
	ok(mv_claim("tmdb", "63", "m2", &owner) < 0 && errno == EEXIST,
	    "a live claim is refused");
	is_str(owner, "m1", "with its owner");
	free(owner);

	profile("m1", 0);
	ok(mv_claim_stale('m', "m1"), "its profile deleted: stale");
	ok(mv_claim_stale('m', "p1") && mv_claim_stale('m', "../x") &&
	    mv_claim_stale('p', "m2"), "a target that is no id of the kind: stale");
	errno = 0;
	ok(!mv_claim_owner('m', "tmdb", "63") && errno == ENOENT,
	    "readers see a stale claim as absent");
	ok(mv_unclaim("tmdb", "63", "m2") < 0 && errno == EPERM,
	    "still only its owner unclaims it");
	owner = NULL;
	ok(mv_claim("tmdb", "63", "m2", &owner) == 0 && !owner,
	    "a stale claim is taken over");
	is_str(target("m/tmdb:63"), "m2", "the link now names the taker");
	is_int(hidden_left(), 0, "no temp link left behind");
	owner = mv_claim_owner('m', "tmdb", "63");
	is_str(owner, "m2", "and it reads back as live");
	free(owner);
}

static void
test_drop(void)
{
	profile("m4", 1);
	ok(mv_claim("imdb", "tt0114746", "m4", NULL) == 0, "m4 claims an imdb id");
	ok(mv_claim_drop('m', "imdb:tt0114746", "m2") < 0 && errno == EPERM,
	    "drop refused for another owner");
	is_str(target("m/imdb:tt0114746"), "m4", "the link stays");
	ok(mv_claim_drop('m', "imdb:tt0114746", "m4") == 0, "drop by its owner");
	is_str(target("m/imdb:tt0114746"), "", "the link is gone");
	ok(mv_claim_drop('m', "imdb:tt0114746", "m4") == 0, "dropping nothing is fine");
	ok(mv_claim_drop('m', "../x:1", "m4") < 0 && errno == EINVAL &&
	    mv_claim_drop('x', "tmdb:1", "m4") < 0 && errno == EINVAL,
	    "bad names and kinds refused");
}

/*
 * Many processes race for one stale claim, each for its own movie with a
 * profile: exactly one takes it, every other is refused with that one
 * as the owner, whatever the interleaving.
 */
static void
test_race(void)
{
	enum { N = 8 };
	char id[N][16], *owner;
	int fd[N][2], won = 0, agree = 1;
	pid_t pid[N];

	profile("m90", 1);
	ok(mv_claim("tmdb", "603", "m90", NULL) == 0, "m90 claims tmdb:603");
	profile("m90", 0);
	for (int i = 0; i < N; i++) {
		snprintf(id[i], sizeof id[i], "m%d", 100 + i);
		profile(id[i], 1);
	}
	for (int i = 0; i < N; i++) {
		if (pipe(fd[i]) < 0 || (pid[i] = fork()) < 0)
			abort();
		if (pid[i] == 0) {
			char msg[32] = "";

			owner = NULL;
			if (mv_claim("tmdb", "603", id[i], &owner) == 0)
				snprintf(msg, sizeof msg, "won");
			else
				snprintf(msg, sizeof msg, "%s", owner ? owner : "error");
			if (write(fd[i][1], msg, strlen(msg)) < 0)
				_exit(1);
			_exit(0);
		}
		close(fd[i][1]);
	}
	for (int i = 0; i < N; i++) {
		char msg[32] = "";
		ssize_t n = read(fd[i][0], msg, sizeof msg - 1);

		msg[n < 0 ? 0 : n] = '\0';
		close(fd[i][0]);
		waitpid(pid[i], NULL, 0);
		if (strcmp(msg, "won") == 0)
			won++;
		else if (strcmp(msg, target("m/tmdb:603")) != 0)
			agree = 0;
	}
	is_int(won, 1, "one taker of a stale claim wins");
	ok(agree, "every other taker is told the winner");
	ok(!mv_claim_stale('m', target("m/tmdb:603")), "the winner's claim is live");
	is_int(hidden_left(), 0, "no temp link left behind");
}

/* mv_claims_follow: what a saved profile no longer holds, it no longer
 * claims; what it keeps, or what another id holds, stays. */
static void
test_follow(void)
{
	cJSON *before = cJSON_Parse("{\"tmdb\":949,\"imdb\":\"tt0113277\",\"wikidata\":\"Q484048\"}");
	cJSON *after = cJSON_Parse("{\"tmdb\":949,\"imdb\":\"tt0113277\"}");

	profile("m7", 1);
	profile("m8", 1);
	ok(mv_claim("tmdb", "949", "m7", NULL) == 0 &&
	    mv_claim("wikidata", "Q484048", "m7", NULL) == 0 &&
	    mv_claim("imdb", "tt0113277", "m8", NULL) == 0, "m7 and m8 claim");
	ok(mv_claims_follow("m7", before, after) == 0, "follow reports no failure");
	ok(!strcmp(target("m/tmdb:949"), "m7"), "a kept id stays claimed");
	ok(!strcmp(target("m/wikidata:Q484048"), ""), "a stripped id is no longer claimed");
	ok(!strcmp(target("m/imdb:tt0113277"), "m8"), "another id's claim is left alone");
	ok(mv_claims_follow("m7", before, NULL) == 0 && !strcmp(target("m/tmdb:949"), ""),
	    "no ids after: every claim of m7 goes");
	cJSON_Delete(before);
	cJSON_Delete(after);
}

int
main(int argc, char **argv)
{
	char *data;

	(void)argc;
	mv_init(argv[0]);
	if (!mkdtemp(tmpdir))
		return 70;
	data = mv_xasprintf("%s/data", tmpdir);
	if (mv_data_open(data, 1) != 0)
		return 70;
	test_stale();
	test_drop();
	test_race();
	test_follow();
	{
		char *cmd = mv_xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
		free(cmd);
	}
	free(data);
	return tap_done();
}
