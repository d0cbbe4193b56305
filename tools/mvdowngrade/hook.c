/* hook.c: mvdowngrade's hook: the candidates out on its stdin, a weight for each back, within a time bound. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"
#include "mvdowngrade.h"

#define HOOK_OUT_MAX (64 << 20)

static char *
hook_line(const struct movie *m)
{
	cJSON *o = cJSON_CreateObject();
	char when[32], *s;

	cJSON_AddStringToObject(o, "id", m->id);
	cJSON_AddStringToObject(o, "title", m->title);
	if (m->year)
		cJSON_AddNumberToObject(o, "year", m->year);
	else
		cJSON_AddNullToObject(o, "year");
	cJSON_AddStringToObject(o, "level", mv_level_name(m->level));
	cJSON_AddNumberToObject(o, "count", (double)m->count);
	if (m->last)
		cJSON_AddStringToObject(o, "lastRead", mv_time_fmt(m->last, when));
	else
		cJSON_AddNullToObject(o, "lastRead");
	cJSON_AddNumberToObject(o, "bytes", (double)(m->pbytes + m->ibytes));
	cJSON_AddNumberToObject(o, "score", m->score);
	s = mv_json_compact(o);
	cJSON_Delete(o);
	return s;
}

/* Seconds the hook may take: $MV_HOOK_TIMEOUT (hook_timeout), 10. */
static int
hook_timeout(long long *secs)
{
	const char *s = mv_config_get("hook_timeout", "10");

	if (mv_duration_parse(s, secs) < 0 || *secs < 1) {
		mv_warnx("unable to use hook_timeout \"%s\": not a duration of 1s or more", s);
		return MV_EX_CONFIG;
	}
	return 0;
}

/*
 * Run the hook with in on its stdin; collect its stdout in *out. The
 * pipes are polled together: a hook may answer before it has read all.
 * Returns 0, or an exit code after a message (69: it failed or timed out).
 */
static int
hook_exchange(const char *hook, const struct mv_buf *in, struct mv_buf *out,
    long long timeout)
{
	int pin[2], pout[2], st = 0, done = 0;
	size_t off = 0;
	uint64_t deadline = mv_mono_ns() + (uint64_t)timeout * 1000000000ULL;
	char chunk[65536];
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0)
		mv_die(MV_EX_TEMPFAIL, "create a pipe");
	if ((pid = fork()) < 0)
		mv_die(MV_EX_TEMPFAIL, "fork");
	if (pid == 0) {
		/* Its own group, so a timeout kills whatever it started. */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		execl(hook, hook, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	setpgid(pid, pid);
	close(pin[0]);
	close(pout[1]);
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	if (in->len == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	while (!done) {
		struct pollfd p[2] = {{pout[0], POLLIN, 0}, {pin[1], POLLOUT, 0}};
		uint64_t now = mv_mono_ns();
		ssize_t n;

		if (now >= deadline)
			break;
		if (poll(p, pin[1] >= 0 ? 2 : 1, (int)((deadline - now) / 1000000 + 1)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pin[1] >= 0 && p[1].revents) {
			n = write(pin[1], in->buf + off, in->len - off);
			if (n > 0)
				off += (size_t)n;
			/* EPIPE: the hook read what it wanted; that is its call. */
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || off == in->len) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		if (p[0].revents) {
			n = read(pout[0], chunk, sizeof chunk);
			if (n > 0 && out->len + (size_t)n <= HOOK_OUT_MAX)
				mv_buf_add(out, chunk, (size_t)n);
			else if (n == 0 || (n > 0))
				done = n == 0 ? 1 : 2;
			else if (errno != EINTR && errno != EAGAIN)
				done = 1;
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	close(pout[0]);
	/* Its stdout is closed; give it what is left of the time to exit. */
	while (done == 1 && waitpid(pid, &st, WNOHANG) == 0) {
		if (mv_mono_ns() >= deadline) {
			done = 0;
			break;
		}
		poll(NULL, 0, 10);
	}
	if (done != 1) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		if (done == 2) {
			mv_warnx("unable to use hook %s: more than %d bytes of output",
			    hook, HOOK_OUT_MAX);
			return MV_EX_DATAERR;
		}
		mv_warnx("unable to run hook %s: timed out after %llds", hook, timeout);
		return MV_EX_UNAVAILABLE;
	}
	if (WIFSIGNALED(st)) {
		mv_warnx("unable to run hook %s: killed by signal %d", hook, WTERMSIG(st));
		return MV_EX_UNAVAILABLE;
	}
	if (WEXITSTATUS(st) != 0) {
		mv_warnx("unable to run hook %s: exited %d", hook, WEXITSTATUS(st));
		return MV_EX_UNAVAILABLE;
	}
	return 0;
}

/*
 * Ask the hook ($MV_DOWNGRADE_HOOK, key downgrade_hook) for weights of
 * the n candidates c[], then multiply their scores. All or nothing: on
 * any failure no score changes. Returns 0 or an exit code after a message.
 */
int
hook_apply(struct movie **c, size_t n)
{
	const char *hook = mv_config_get("downgrade_hook", NULL);
	struct mv_buf in = {0}, out = {0};
	struct mv_table byid = {0};
	struct movie **hit;
	double *w;
	long long timeout;
	size_t i, lineno = 0;
	char *line, *next;
	int code;

	if (!hook || !*hook || n == 0)
		return 0;
	if ((code = hook_timeout(&timeout)) != 0)
		return code;
	if (access(hook, X_OK) < 0) {
		mv_warn("run hook %s", hook);
		return MV_EX_CONFIG;
	}
		for (i = 0; i < n; i++) {
		char *s = hook_line(c[i]);

		mv_buf_adds(&in, s);
		mv_buf_add(&in, "\n", 1);
		free(s);
	}
	code = hook_exchange(hook, &in, &out, timeout);
	mv_buf_free(&in);
	if (code) {
		mv_buf_free(&out);
		return code;
	}
	/* Candidates by id, for what the hook names; a value is c + i. */
	for (i = 0; i < n; i++)
		mv_table_put(&byid, c[i]->id, &c[i]);
	w = mv_xcalloc(n, sizeof *w);
	for (i = 0; i < n; i++)
		w[i] = 1;
	mv_buf_add(&out, "", 1);
	for (line = out.buf; line && *line && !code; line = next) {
		const char *id, *why = NULL;
		cJSON *o, *wt;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		o = cJSON_Parse(line);
		id = mv_json_str(o, "id", NULL);
		wt = cJSON_GetObjectItemCaseSensitive(o, "weight");
		if (!cJSON_IsObject(o))
			why = "not a JSON object";
		else if (!id)
			why = "no \"id\" string";
		else if (!cJSON_IsNumber(wt) || !isfinite(wt->valuedouble) ||
		    wt->valuedouble < 0)
			why = "no \"weight\" number >= 0";
		else if (!(hit = mv_table_get(&byid, id)))
			why = "an id that is not a candidate";
		else
			w[hit - c] = wt->valuedouble;
		if (why) {
			mv_warnx("unable to use hook %s: output line %zu: %s", hook, lineno, why);
			code = MV_EX_DATAERR;
		}
		cJSON_Delete(o);
	}
	if (!code)
		for (i = 0; i < n; i++) {
			c[i]->weight = w[i];
			c[i]->score = floor(c[i]->score * w[i] * 1000 + 0.5) / 1000;
		}
	free(w);
	mv_table_free(&byid);
	mv_buf_free(&out);
	return code;
}
