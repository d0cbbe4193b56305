/* probe.c: what is inside a video, asked of ffprobe in a child process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv.h"

/*
 * Why a child and not libavformat in process: a demuxer fed a hostile
 * or broken file may crash, loop or eat memory, and in process that is
 * the stage's death with a library lock held. A child can only die or
 * be killed; its group is killed at the deadline, its output is bounded,
 * and it inherits no descriptor of ours (the library lock above all).
 */
#define PROBE_OUT_MAX ((size_t)1 << 20)  /* ffprobe's JSON; a real file: ~10 KB */
#define PROBE_ERR_MAX 8192               /* its stderr, for a reason */

/* Close every descriptor from 3 up in the child: a lock fd kept open by
 * a hanging ffprobe would hold the library lock. */
static void
close_from_3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	for (int fd = 3; fd < 65536; fd++)
		close(fd);
}

/* The child: ffprobe on "file:<path>" with stdout and stderr on the
 * pipes, stdin /dev/null, default signals, its own process group, and
 * killed if we die first (a stage is killed -9 at any time). */
static void __attribute__((noreturn))
child(const char *prog, const char *arg, int out, int err, pid_t parent)
{
	sigset_t none;
	int null;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(126);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(out, 1);
	dup2(err, 2);
	close_from_3();
	/* file: keeps a name such as "concat:a|b" a plain name, and the
	 * whitelist keeps a playlist inside a file from reaching out. */
	execlp(prog, prog, "-v", "error", "-protocol_whitelist", "file",
	    "-print_format", "json", "-show_format", "-show_streams",
	    "-i", arg, (char *)NULL);
	dprintf(2, "unable to run %s: %s\n", prog, strerror(errno));
	_exit(127);
}

/* Read what is ready on fd into b, at most max kept (the rest drained
 * and counted in *over). Returns 0 at EOF, 1 to go on. */
static int
drain(int fd, struct mv_buf *b, size_t max, size_t *over)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof chunk);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return 0;
	if (b->len + (size_t)n <= max)
		mv_buf_add(b, chunk, (size_t)n);
	else
		*over += (size_t)n;
	return 1;
}

/*
 * Run ffprobe on path until it exits or the deadline: its stdout in out,
 * the start of its stderr in err, its wait status in *st. Returns 0, 1
 * on the deadline, 2 when stdout passed PROBE_OUT_MAX (both: killed),
 * -1 with errno when it could not be started.
 */
static int
run(const char *prog, const char *path, int timeout_ms, struct mv_buf *out,
    struct mv_buf *err, int *st)
{
	int po[2], pe[2], open_fds = 2, r = 0;
	uint64_t deadline = mv_mono_ns() + (uint64_t)timeout_ms * 1000000ULL;
	size_t over_out = 0, over_err = 0;
	char *arg = mv_xasprintf("file:%s", path);
	pid_t pid, self = getpid();

	if (pipe2(po, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		goto fail;
	}
	if ((pid = fork()) < 0) {
		int e = errno;

		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		errno = e;
		goto fail;
	}
	if (pid == 0)
		child(prog, arg, po[1], pe[1], self);
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	while (open_fds > 0 && !r) {
		struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
		uint64_t now = mv_mono_ns();

		if (now >= deadline) {
			r = 1;
			break;
		}
		if (poll(p, 2, (int)((deadline - now) / 1000000 + 1)) < 0 && errno != EINTR)
			break;
		if (p[0].fd >= 0 && p[0].revents && !drain(po[0], out, PROBE_OUT_MAX, &over_out))
			open_fds--, close(po[0]), po[0] = -1;
		if (p[1].fd >= 0 && p[1].revents && !drain(pe[0], err, PROBE_ERR_MAX, &over_err))
			open_fds--, close(pe[0]), pe[0] = -1;
		if (over_out)
			r = 2;
	}
	if (po[0] >= 0)
		close(po[0]);
	if (pe[0] >= 0)
		close(pe[0]);
	/* Its output is closed; what is left of the time is for exiting. */
	while (!r && waitpid(pid, st, WNOHANG) == 0) {
		if (mv_mono_ns() >= deadline)
			r = 1;
		else
			poll(NULL, 0, 1);
	}
	if (r) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, st, 0) < 0 && errno == EINTR)
			;
	}
	free(arg);
	return r;
fail:
	free(arg);
	return -1;
}

/* s if it is a short token of [A-Za-z0-9_.-], else NULL: what a profile
 * stores from ffprobe is a codec or a language, never free text. */
static const char *
token(const char *s, size_t max)
{
	size_t n;

	if (!s || !*s || (n = strlen(s)) > max)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_' && s[i] != '.' &&
		    s[i] != '-')
			return NULL;
	return s;
}

static void
add_token(cJSON *o, const char *key, const char *s, size_t max)
{
	const char *t = token(s, max);

	if (t)
		cJSON_AddStringToObject(o, key, t);
	else
		cJSON_AddNullToObject(o, key);
}

/* A stream's tags.language, null for none or "und". */
static void
add_language(cJSON *o, const cJSON *stream)
{
	const char *l = mv_json_str(cJSON_GetObjectItemCaseSensitive(stream, "tags"),
	    "language", NULL);

	add_token(o, "language", l && strcmp(l, "und") ? l : NULL, 16);
}

static int
disposition(const cJSON *stream, const char *flag)
{
	return mv_json_int(cJSON_GetObjectItemCaseSensitive(stream, "disposition"),
	    flag, 0) == 1;
}

/* The HDR format of a video stream, or NULL for SDR. Dolby Vision shows
 * as side data; HDR10 and HLG in the transfer characteristics, or HDR10
 * by its mastering display data when the transfer is not tagged. */
static const char *
hdr_format(const cJSON *v)
{
	const char *trc = mv_json_str(v, "color_transfer", "");
	const cJSON *sd;
	int mastering = 0;

	cJSON_ArrayForEach(sd, cJSON_GetObjectItemCaseSensitive(v, "side_data_list")) {
		const char *t = mv_json_str(sd, "side_data_type", "");

		if (strstr(t, "DOVI"))
			return "Dolby Vision";
		mastering |= strstr(t, "Mastering display") != NULL;
	}
	if (strcmp(trc, "smpte2084") == 0)
		return "HDR10";
	if (strcmp(trc, "arib-std-b67") == 0)
		return "HLG";
	return mastering ? "HDR10" : NULL;
}

const char *
mv_quality_label(int width, int height, int hdr)
{
	/* By width or height, whichever says more: a scope 1920x800 film
	 * is 1080p, an anamorphic 1440x1080 one too. */
	static const struct { int w, h; const char *sdr, *hdr; } q[] = {
		{3200, 2000, "2160p", "2160p HDR"},
		{1800, 1000, "1080p", "1080p HDR"},
		{1200, 700, "720p", "720p HDR"},
		{700, 460, "480p", "480p HDR"},
	};

	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
		if (width >= q[i].w || height >= q[i].h)
			return hdr ? q[i].hdr : q[i].sdr;
	return hdr ? "SD HDR" : "SD";
}

/* The container: ffprobe's first demuxer name ("matroska,webm"), but
 * mp4 for the mov family unless the brand says QuickTime. */
static void
add_container(cJSON *media, const cJSON *fmt)
{
	const char *name = mv_json_str(fmt, "format_name", "");
	const char *brand = mv_json_str(cJSON_GetObjectItemCaseSensitive(fmt, "tags"),
	    "major_brand", "");
	char buf[32];
	size_t n = strcspn(name, ",");

	if (strncmp(name, "mov,", 4) == 0)
		name = strncmp(brand, "qt", 2) == 0 ? "mov" : "mp4", n = strlen(name);
	snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), name);
	add_token(media, "container", buf, sizeof buf);
}

/* The duration in seconds, rounded to the millisecond: the format's,
 * else the longest stream's; null when none says. */
static void
add_duration(cJSON *media, const cJSON *doc)
{
	const cJSON *s;
	double d = atof(mv_json_str(cJSON_GetObjectItemCaseSensitive(doc, "format"),
	    "duration", "0"));

	if (!(d > 0))
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "streams")) {
			double sd = atof(mv_json_str(s, "duration", "0"));

			if (sd > d)
				d = sd;
		}
	if (d > 0 && d < 1e7)
		cJSON_AddNumberToObject(media, "durationSec", (double)(long long)(d * 1000 + 0.5) / 1000);
	else
		cJSON_AddNullToObject(media, "durationSec");
}

/* The "video" member from stream v (the first real picture stream). */
static cJSON *
video_of(const cJSON *v, const char **hdr)
{
	cJSON *o = cJSON_CreateObject();

	add_token(o, "codec", mv_json_str(v, "codec_name", NULL), 32);
	cJSON_AddNumberToObject(o, "width", (double)mv_json_int(v, "width", 0));
	cJSON_AddNumberToObject(o, "height", (double)mv_json_int(v, "height", 0));
	*hdr = hdr_format(v);
	cJSON_AddBoolToObject(o, "hdr", *hdr != NULL);
	if (*hdr)
		cJSON_AddStringToObject(o, "hdrFormat", *hdr);
	return o;
}

cJSON *
mv_probe_parse(const char *json, size_t len, char **reason)
{
	cJSON *doc = cJSON_ParseWithLength(json, len), *media, *audio, *subs;
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format"), *s, *v = NULL;
	const char *name = mv_json_str(fmt, "format_name", ""), *hdr;

	*reason = NULL;
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(fmt)) {
		*reason = mv_xstrdup("ffprobe gave no format");
		cJSON_Delete(doc);
		return NULL;
	}
	/* A cover picture (attached_pic) is not a film, nor a still image. */
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "streams"))
		if (!v && strcmp(mv_json_str(s, "codec_type", ""), "video") == 0 &&
		    !disposition(s, "attached_pic"))
			v = s;
	if (!v || strstr(name, "_pipe") || strncmp(name, "image2", 6) == 0) {
		*reason = v ? mv_xasprintf("a still image (%s)", name) :
		    mv_xasprintf("no video stream (%s)", *name ? name : "unknown format");
		cJSON_Delete(doc);
		return NULL;
	}
	media = cJSON_CreateObject();
	add_container(media, fmt);
	add_duration(media, doc);
	cJSON_AddItemToObject(media, "video", video_of(v, &hdr));
	audio = cJSON_AddArrayToObject(media, "audio");
	subs = cJSON_AddArrayToObject(media, "subtitles");
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "streams")) {
		const char *type = mv_json_str(s, "codec_type", "");
		cJSON *t;

		if (strcmp(type, "audio") == 0) {
			t = cJSON_CreateObject();
			add_token(t, "codec", mv_json_str(s, "codec_name", NULL), 32);
			add_language(t, s);
			cJSON_AddNumberToObject(t, "channels", (double)mv_json_int(s, "channels", 0));
			cJSON_AddItemToArray(audio, t);
		} else if (strcmp(type, "subtitle") == 0) {
			t = cJSON_CreateObject();
			add_token(t, "codec", mv_json_str(s, "codec_name", NULL), 32);
			add_language(t, s);
			cJSON_AddBoolToObject(t, "forced", disposition(s, "forced"));
			cJSON_AddItemToArray(subs, t);
		}
	}
	cJSON_AddStringToObject(media, "quality", mv_quality_label(
	    (int)mv_json_int(v, "width", 0), (int)mv_json_int(v, "height", 0), hdr != NULL));
	cJSON_Delete(doc);
	return media;
}

/* The last line of ffprobe's stderr, its verdict, without the
 * "file:<path>: " or "[demuxer @ 0x...] " it starts with. malloc'd. */
static char *
last_line(const struct mv_buf *err, const char *path)
{
	const char *s = err->len ? err->buf : "", *e = s + strlen(s), *b;
	size_t plen = strlen(path);

	while (e > s && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	for (b = e; b > s && b[-1] != '\n'; b--)
		;
	if (*b == '[' && memmem(b, (size_t)(e - b), "] ", 2))
		b = (const char *)memmem(b, (size_t)(e - b), "] ", 2) + 2;
	if (e - b > (ptrdiff_t)(plen + 7) && strncmp(b, "file:", 5) == 0 &&
	    strncmp(b + 5, path, plen) == 0 && strncmp(b + 5 + plen, ": ", 2) == 0)
		b += 5 + plen + 2;
	return mv_xstrndup(b, (size_t)(e - b) > 200 ? 200 : (size_t)(e - b));
}

int
mv_probe(const char *path, int timeout_ms, cJSON **media, char **reason)
{
	const char *prog = mv_config_get("ffprobe", "ffprobe");
	struct mv_buf out = {0}, err = {0};
	int st = 0, r = run(prog, path, timeout_ms, &out, &err, &st), code = MV_EX_DATAERR;
	char *line;

	*media = NULL;
	*reason = NULL;
	if (r < 0) {
		*reason = mv_xasprintf("unable to run %s: %s", prog, strerror(errno));
		code = MV_EX_UNAVAILABLE;
	} else if (r == 1)
		*reason = mv_xasprintf("ffprobe took more than %d ms", timeout_ms);
	else if (r == 2)
		*reason = mv_xasprintf("ffprobe wrote more than %zu bytes", PROBE_OUT_MAX);
	else if (WIFSIGNALED(st))
		*reason = mv_xasprintf("ffprobe was killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) == 127) {
		/* The child's own message: exec failed, ffprobe is not here. */
		*reason = last_line(&err, path);
		code = MV_EX_UNAVAILABLE;
	} else if (WEXITSTATUS(st) != 0) {
		line = last_line(&err, path);
		*reason = mv_xasprintf("ffprobe failed: %s", *line ? line : "no reason given");
		free(line);
	} else if (err.len && strstr(err.buf, "File ended prematurely")) {
		/* It read what it could: a download cut short. */
		*reason = mv_xstrdup("truncated: the file ends before its data does");
	} else if ((*media = mv_probe_parse(out.len ? out.buf : "", out.len, reason)))
		code = 0;
	mv_buf_free(&out);
	mv_buf_free(&err);
	return code;
}

int
mv_probe_setting(int *timeout_ms)
{
	const char *on = mv_config_get("probe", "on");
	const char *limit = mv_config_get("probe_timeout", "30s");
	long long secs;

	if (strcmp(on, "off") == 0)
		return 0;
	if (strcmp(on, "on") != 0 || mv_duration_parse(limit, &secs) < 0 ||
	    secs < 1 || secs > 3600)
		return -1;
	*timeout_ms = (int)secs * 1000;
	return 1;
}

char *
mv_probe_sample(const cJSON *media, const cJSON *tm)
{
	double secs = mv_json_num(media, "durationSec", -1);
	long long runtime = mv_json_int(tm, "runtime", 0);

	/* A quarter of the film: no cut of a film is that short, and a
	 * sample is rarely longer than a few minutes. */
	if (secs < 0 || runtime <= 0 || secs >= runtime * 60 * 0.25)
		return NULL;
	return mv_xasprintf("sample: %.0f s long, and TMDB says the film runs %lld min",
	    secs, runtime);
}
