/* test_stage.c: unit tests for lib/stage.c, the loop of every filter stage. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"
#include "tap.h"

#define EV(type) "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"t\"," \
	"\"type\":\"" type "\",\"data\":{\"id\":\"m1\"}}"

/* What the callbacks saw, in order, as one letter each. */
static char seen[64];
static size_t nseen;
static int stop_code;

static void
note(char c)
{
	if (nseen < sizeof seen - 1)
		seen[nseen++] = c;
}

static int
on_event(void *ctx, struct mv_stage_event *e)
{
	const char *why;
	const cJSON *t = mv_stage_tree(e, &why);

	(void)ctx;
	note(t && strcmp(mv_json_str(mv_event_data(t), "id", ""), "m1") == 0 ?
	    'e' : '?');
	/* What this stage emits after the event. */
	mv_out_line("ours", 4);
	return strcmp(e->type, "mv.x.stop") == 0 ? stop_code : 0;
}

static void on_stop(void *ctx) { (void)ctx; note('s'); }
static void on_deadline(void *ctx) { (void)ctx; note('d'); }
static uint64_t due_once(void *ctx) { (void)ctx; return nseen ? 0 : 1; }

/* Run st with in on stdin; returns its code, output in out, stderr in err. */
static int
run(const struct mv_stage *st, const char *in, char *out, char *err, size_t n)
{
	int ip[2], op[2], ep[2], save0 = dup(0), save2 = dup(2), code;
	ssize_t got;

	if (pipe(ip) < 0 || pipe(op) < 0 || pipe(ep) < 0)
		abort();
	mv_write_all(ip[1], in, strlen(in));
	close(ip[1]);
	dup2(ip[0], 0);
	dup2(ep[1], 2);
	mv_out_fd(op[1]);
	nseen = 0;
	code = mv_stage_run(st);
	mv_out_fd(1);
	dup2(save0, 0);
	dup2(save2, 2);
	close(op[1]);
	close(ep[1]);
	got = mv_read_full(op[0], out, n - 1);
	out[got > 0 ? got : 0] = '\0';
	got = mv_read_full(ep[0], err, n - 1);
	err[got > 0 ? got : 0] = '\0';
	seen[nseen] = '\0';
	close(ip[0]);
	close(op[0]);
	close(ep[0]);
	close(save0);
	close(save2);
	return code;
}

static void
test_pass_through(void)
{
	struct mv_stage st = {
		.types = "mv.movie.*", .on_event = on_event, .on_stop = on_stop,
	};
	char out[4096], err[4096];
	const char *in = EV("mv.file.added") "\n" EV("mv.movie.created") "\n"
	    "not json\n\n" EV("mv.movie.enriched");

	is_int(run(&st, in, out, err, sizeof out), 0, "end of input: 0");
	is_str(out, EV("mv.file.added") "\n" EV("mv.movie.created") "\nours\n"
	    EV("mv.movie.enriched") "\nours\n",
	    "every event passes, before what the stage emits for it");
	is_str(seen, "ees", "on_event for the matching types only, then on_stop");
	is_str(err, "test_stage: stdin:3: invalid JSON, skipped\n"
	    "test_stage: stdin:4: invalid JSON, skipped\n",
	    "bad and blank lines reported by number");

	st.flags = MV_STAGE_EMIT_AFTER | MV_STAGE_TERSE;
	run(&st, in, out, err, sizeof out);
	is_str(out, EV("mv.file.added") "\nours\n" EV("mv.movie.created") "\n"
	    "ours\n" EV("mv.movie.enriched") "\n",
	    "EMIT_AFTER: the event follows what the stage emits");
	is_str(err, "test_stage: stdin:3: invalid JSON\n",
	    "TERSE: no \", skipped\", blank lines quiet");
}

static void
test_stop_and_deadline(void)
{
	struct mv_stage st = {
		.types = "mv.x.*", .on_event = on_event, .on_stop = on_stop,
		.next_deadline = due_once, .on_deadline = on_deadline,
	};
	char out[4096], err[4096];

	stop_code = MV_EX_TEMPFAIL;
	is_int(run(&st, EV("mv.x.stop") "\n" EV("mv.x.more") "\n", out, err,
	    sizeof out), MV_EX_TEMPFAIL, "on_event's code ends the run");
	is_str(seen, "des", "a due deadline first; nothing read after the stop");
	is_str(out, EV("mv.x.stop") "\nours\n", "the line after the stop is not passed on");
}

int
main(int argc, char **argv)
{
	(void)argc;
	mv_init(argv[0]);
	test_pass_through();
	test_stop_and_deadline();
	return tap_done();
}
