/* stage.c: the one loop of every filter stage: poll, signals, peek, pass-through. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "mv.h"

static volatile sig_atomic_t stop;

/* The self-pipe: the handler writes a byte so that a signal arriving
 * between the check of stop and poll() still wakes poll(). */
static int wake[2] = {-1, -1};

static void
on_signal(int sig)
{
	int e = errno;

	stop = sig;
	if (wake[1] >= 0)
		(void)!write(wake[1], "", 1);
	errno = e;
}

static void
catch(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

void
mv_stage_signals(void)
{
	if (wake[0] >= 0)
		return;
	/* Non-blocking: a burst of signals must not block the handler on a
	 * full pipe; one byte in it is as good as many. */
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		wake[0] = wake[1] = -1;
	catch(SIGTERM, on_signal);
	catch(SIGINT, on_signal);
}

int
mv_stage_stopped(void)
{
	return stop;
}

const cJSON *
mv_stage_tree(struct mv_stage_event *e, const char **why)
{
	if (!e->tree)
		e->tree = mv_event_parse(e->line, e->len, why);
	return e->tree;
}

/* Call on_deadline if it is due. */
static void
deadline(const struct mv_stage *st)
{
	uint64_t due;

	if (st->next_deadline && (due = st->next_deadline(st->ctx)) != 0 &&
	    mv_mono_ns() >= due)
		st->on_deadline(st->ctx);
}

/*
 * No whole line is buffered: tell the stage its burst is over if nothing
 * is readable either, flush, and wait for input, the next deadline or a
 * signal. Returns 1 when stdin is worth a read, 0 to go round again.
 */
static int
wait_input(const struct mv_stage *st)
{
	struct pollfd p[2] = {{0, POLLIN, 0}, {wake[0], POLLIN, 0}};
	uint64_t due, now;
	int timeout = -1, n;

	if (st->on_idle && poll(p, 1, 0) == 0)
		st->on_idle(st->ctx);
	mv_out_flush();
	if (st->next_deadline && (due = st->next_deadline(st->ctx)) != 0) {
		now = mv_mono_ns();
		/* At most a day: poll() takes an int of milliseconds. */
		timeout = due <= now ? 0 : due - now > 86400000000000ULL ?
		    86400000 : (int)((due - now) / 1000000 + 1);
	}
	n = poll(p, wake[0] >= 0 ? 2 : 1, timeout);
	if (n < 0)
		/* EINTR is normal; anything else, a read will tell. */
		return errno != EINTR;
	return n > 0 && p[0].revents != 0;
}

/* Hand one acted-on event to the stage. Returns on_event's code. */
static int
act(const struct mv_stage *st, const char *type, char *line, size_t len,
    unsigned long lineno)
{
	struct mv_stage_event e = {type, line, len, lineno, NULL};
	int code;

	if (!(st->flags & MV_STAGE_EMIT_AFTER))
		mv_out_line(line, len);
	if (st->flags & MV_STAGE_KILL_BUSY) {
		catch(SIGTERM, SIG_DFL);
		catch(SIGINT, SIG_DFL);
	}
	code = st->on_event(st->ctx, &e);
	if (st->flags & MV_STAGE_KILL_BUSY) {
		catch(SIGTERM, on_signal);
		catch(SIGINT, on_signal);
	}
	if (st->flags & MV_STAGE_EMIT_AFTER)
		mv_out_line(line, len);
	cJSON_Delete(e.tree);
	return code;
}

int
mv_stage_run(const struct mv_stage *st)
{
	struct mv_lines *r = mv_lines_new(0, "stdin", MV_EVENT_MAX);
	char type[MV_TYPE_MAX], *line;
	const char *why;
	size_t len;
	int got, code = MV_EX_OK;

	mv_stage_signals();
	for (;;) {
		if (stop)
			break;
		deadline(st);
		if (stop)
			break;
		if (!mv_lines_ready(r) && !wait_input(st))
			continue;
		if ((got = mv_lines_next(r, &line, &len)) < 0) {
			mv_warn("read standard input");
			code = MV_EX_IOERR;
			break;
		}
		if (got == 0)
			break;
		if (len == 0 && (st->flags & MV_STAGE_TERSE))
			continue;
		if (!mv_event_peek(line, len, type, &why)) {
			mv_warnx("stdin:%lu: %s%s", mv_lines_lineno(r), why,
			    st->flags & MV_STAGE_TERSE ? "" : ", skipped");
			continue;
		}
		/* Most lines only pass: they need no flush of their own, the
		 * runner flushes before it waits, so a burst leaves in a few
		 * PIPE_BUF writes instead of one write per event. */
		if (!st->on_event || (st->types && !mv_event_match(st->types, type)))
			mv_out_line(line, len);
		else if ((code = act(st, type, line, len, mv_lines_lineno(r))) != 0)
			break;
	}
	if (st->on_stop)
		st->on_stop(st->ctx);
	mv_out_flush();
	mv_lines_free(r);
	return code;
}
