/* test_publish.c: events handed to the system from outside a stage (lib/publish.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

/* An array of one mv.movie.requested for id. */
static cJSON *
one_request(const char *id)
{
	cJSON *evs = cJSON_CreateArray(), *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddItemToArray(evs, mv_event_new("mv.movie.requested", id, d));
	return evs;
}

/* The text of path, or "" if it cannot be read: malloc'd. */
static char *
slurp_rel(const char *rel)
{
	char *path = mv_path("%s", rel), *text = NULL;
	size_t len;

	if (mv_slurp(path, 1 << 20, &text, &len) < 0)
		text = mv_xstrdup("");
	free(path);
	return text;
}

int
main(void)
{
	char dir[] = "/tmp/mvpublish.XXXXXX", buf[8192], *cmd, *fifo, *text;
	cJSON *evs, *doc;
	ssize_t n;
	int rd;

	mv_init("test_publish");
	if (!mkdtemp(dir) || mv_data_open(dir, 1) != 0)
		mv_die(MV_EX_CANTCREAT, "make a data directory");
	cmd = mv_xasprintf("mkdir -p '%s/run' '%s/Movies' '%s/People' '%s/index'", dir, dir, dir, dir);
	if (system(cmd) != 0)
		mv_die(MV_EX_CANTCREAT, "make the layout");
	free(cmd);

	/* No pipeline: the index is rebuilt from the files. */
	doc = mv_movie_create("Heat", 1995, NULL, NULL);
	ok(doc != NULL, "a movie on disk, the index not told");
	cJSON_Delete(doc);
	is_int(mv_publish(one_request("m1"), 0), MV_EX_OK, "no pipeline: 0, the index rebuilt");
	text = slurp_rel("index/movies/00000.json");
	ok(text && (strstr(text, "\"id\": \"m1\"") || strstr(text, "\"id\":\"m1\"")),
	    "index/movies/00000.json lists the movie");
	free(text);
	text = slurp_rel("index/movies.json");
	ok(text && strstr(text, "\"file\":\"movies/00000.json\",\"count\":1"),
	    "index/movies.json lists its shard");
	free(text);
	is_int(mv_publish(one_request("m1"), MV_PUBLISH_NOINDEX), MV_EX_UNAVAILABLE,
	    "no pipeline, NOINDEX: 69, nothing done");
	is_int(mv_publish(cJSON_CreateArray(), MV_PUBLISH_NOINDEX | MV_PUBLISH_NONBLOCK),
	    MV_EX_UNAVAILABLE, "NONBLOCK finds no reader either");

	/* A FIFO with a reader: the events go there, one line each. */
	fifo = mv_path("run/inject.fifo");
	ok(mkfifo(fifo, 0600) == 0, "run/inject.fifo made");
	ok(mv_publish(one_request("m1"), MV_PUBLISH_NOINDEX) == MV_EX_UNAVAILABLE,
	    "a FIFO nobody reads is no pipeline");
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	evs = one_request("m1");
	cJSON_AddItemToArray(evs, mv_event_new("mv.movie.requested", "m2", NULL));
	is_int(mv_publish(evs, 0), MV_PUBLISH_SENT, "a reader: sent");
	n = read(rd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	ok(n > 0 && strchr(buf, '\n') && strchr(buf, '\n')[1] != '\0' &&
	    buf[n - 1] == '\n' && strstr(buf, "\"subject\":\"m2\""), "two whole lines arrived");
	is_int(mv_publish(one_request("m3"), MV_PUBLISH_NONBLOCK), MV_PUBLISH_SENT,
	    "NONBLOCK: sent too");
	n = read(rd, buf, sizeof buf - 1);
	ok(n > 0 && memmem(buf, (size_t)n, "\"subject\":\"m3\"", 14), "its line arrived");
	/* A full FIFO: NONBLOCK drops the line (with a warning, hidden
	 * here) rather than wait; a wait would hang this test. */
	{
		int sent = 0, lines = 0, err = dup(2), null = open("/dev/null", O_WRONLY);
		char last = 0;

		fcntl(rd, F_SETPIPE_SZ, 4096);
		dup2(null, 2);
		for (int i = 0; i < 64; i++)
			sent += mv_publish(one_request("m4"), MV_PUBLISH_NONBLOCK) == MV_PUBLISH_SENT;
		dup2(err, 2);
		close(err);
		close(null);
		while ((n = read(rd, buf, sizeof buf)) > 0)
			for (ssize_t i = 0; i < n; i++) {
				lines += buf[i] == '\n';
				last = buf[i];
			}
		is_int(sent, 64, "NONBLOCK: a full FIFO is still a pipeline");
		ok(lines > 0 && lines < 64 && last == '\n', "what did not fit was dropped, whole lines only");
	}
	close(rd);
	free(fifo);

	/* The journal: appended whole lines. */
	evs = one_request("m5");
	ok(mv_journal_append(evs) == 0 && mv_journal_append(evs) == 0, "appended twice");
	cJSON_Delete(evs);
	text = slurp_rel("events/journal.ndjson");
	ok(strlen(text) > 0 && text[strlen(text) - 1] == '\n' &&
	    strchr(text, '\n') != strrchr(text, '\n'), "two lines in events/journal.ndjson");
	free(text);

	cmd = mv_xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "remove the temp dir");
	free(cmd);
	return tap_done();
}
