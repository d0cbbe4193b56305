/* event.c: CloudEvents 1.0 objects: build, parse, match and emit. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "mv.h"

/*
 * Ids are "<64-bit random salt>-<counter>" in hex. The salt is drawn once
 * per process (and again after a fork), so two processes collide only if
 * they draw the same 64 bits; the counter keeps one process's ids apart.
 * Cheaper than getrandom per event and still unique across processes.
 */
char *
mv_event_id(void)
{
	static uint64_t salt, counter;
	static pid_t salt_pid;

	if (salt_pid != getpid()) {
		if (getrandom(&salt, sizeof salt, 0) != sizeof salt)
			salt = ((uint64_t)getpid() << 32) ^ mv_mono_ns();
		salt_pid = getpid();
		counter = 0;
	}
	return mv_xasprintf("%016" PRIx64 "-%" PRIx64, salt, ++counter);
}

cJSON *
mv_event_new(const char *type, const char *subject, cJSON *data)
{
	cJSON *ev;
	char *id, when[32];

	ev = cJSON_CreateObject();
	if (!ev)
		mv_die(MV_EX_SOFTWARE, "allocate memory");
	id = mv_event_id();
	cJSON_AddStringToObject(ev, "specversion", "1.0");
	cJSON_AddStringToObject(ev, "id", id);
	cJSON_AddStringToObject(ev, "source", mv_prog);
	cJSON_AddStringToObject(ev, "type", type);
	cJSON_AddStringToObject(ev, "time", mv_time_fmt(mv_now(), when));
	if (subject)
		cJSON_AddStringToObject(ev, "subject", subject);
	cJSON_AddItemToObject(ev, "data", data ? data : cJSON_CreateObject());
	free(id);
	return ev;
}

static int
nonempty(const cJSON *ev, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, key);

	return cJSON_IsString(v) && v->valuestring[0];
}

cJSON *
mv_event_parse(const char *line, size_t len, const char **why)
{
	cJSON *ev, *v;
	const char *end = NULL;

	if (strlen(line) != len) {
		*why = "NUL byte in line";
		return NULL;
	}
	ev = cJSON_ParseWithLengthOpts(line, len + 1, &end, 1);
	if (!ev) {
		*why = "invalid JSON";
		return NULL;
	}
	*why = NULL;
	if (!cJSON_IsObject(ev))
		*why = "not a JSON object";
	else if (!(v = cJSON_GetObjectItemCaseSensitive(ev, "specversion")) ||
	    !cJSON_IsString(v) || strcmp(v->valuestring, "1.0") != 0)
		*why = "specversion is not \"1.0\"";
	else if (!nonempty(ev, "id"))
		*why = "missing id";
	else if (!nonempty(ev, "source"))
		*why = "missing source";
	else if (!nonempty(ev, "type"))
		*why = "missing type";
	else if ((v = cJSON_GetObjectItemCaseSensitive(ev, "data")) &&
	    !cJSON_IsObject(v) && !cJSON_IsNull(v))
		*why = "data is not an object";
	if (*why) {
		cJSON_Delete(ev);
		return NULL;
	}
	return ev;
}

const char *
mv_event_type(const cJSON *ev)
{
	return mv_json_str(ev, "type", NULL);
}

const char *
mv_event_subject(const cJSON *ev)
{
	return mv_json_str(ev, "subject", NULL);
}

cJSON *
mv_event_data(const cJSON *ev)
{
	cJSON *d = cJSON_GetObjectItemCaseSensitive(ev, "data");

	return cJSON_IsObject(d) ? d : NULL;
}

/* One pattern: "*", "mv.movie.*" (a category prefix) or an exact type. */
static int
match1(const char *p, size_t plen, const char *type)
{
	if (plen == 1 && p[0] == '*')
		return 1;
	if (plen >= 2 && p[plen - 1] == '*' && p[plen - 2] == '.')
		return strncmp(type, p, plen - 1) == 0;
	return strlen(type) == plen && strncmp(type, p, plen) == 0;
}

int
mv_event_match(const char *pattern, const char *type)
{
	const char *p = pattern, *comma;

	if (!type)
		return 0;
	for (;;) {
		comma = strchr(p, ',');
		if (match1(p, comma ? (size_t)(comma - p) : strlen(p), type))
			return 1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int
mv_event_emit(const cJSON *ev, int flush)
{
	/* cJSON asks for 5 bytes more than it prints (cJSON.h), or a line
	 * of 4091 to 4095 bytes would be refused though it fits. */
	char buf[MV_EVENT_MAX + 1 + 5];

	/* Printing into a fixed buffer both avoids a malloc per event and
	 * enforces the size bound: an event that does not fit is refused. */
	if (!cJSON_PrintPreallocated((cJSON *)ev, buf, sizeof buf, 0) ||
	    strlen(buf) > MV_EVENT_MAX) {
		mv_warnx("unable to emit %s event: over %d bytes",
		    mv_event_type(ev) ? mv_event_type(ev) : "an", MV_EVENT_MAX);
		return -1;
	}
	mv_out_line(buf, strlen(buf));
	if (flush)
		mv_out_flush();
	return 0;
}

int
mv_emit(const char *type, const char *subject, cJSON *data)
{
	cJSON *ev = mv_event_new(type, subject, data);
	int r = mv_event_emit(ev, 1);

	cJSON_Delete(ev);
	return r;
}
