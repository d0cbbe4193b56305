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

/* The CloudEvents checks on a parsed tree; a static reason, or NULL. */
static const char *
check_tree(const cJSON *ev)
{
	const cJSON *v;

	if (!cJSON_IsObject(ev))
		return "not a JSON object";
	v = cJSON_GetObjectItemCaseSensitive(ev, "specversion");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "1.0") != 0)
		return "specversion is not \"1.0\"";
	if (!nonempty(ev, "id"))
		return "missing id";
	if (!nonempty(ev, "source"))
		return "missing source";
	if (!nonempty(ev, "type"))
		return "missing type";
	v = cJSON_GetObjectItemCaseSensitive(ev, "data");
	if (v && !cJSON_IsObject(v) && !cJSON_IsNull(v))
		return "data is not an object";
	if (strlen(mv_event_type(ev)) >= MV_TYPE_MAX)
		return "type too long";
	return NULL;
}

/* A top-level member mv_event_peek looks at: where its value is. */
struct member {
	const char *v;          /* first byte of the value, NULL if absent */
	size_t n;               /* the value's bytes (a string: inside quotes) */
	int str;                /* the value is a string */
};

/*
 * The scanner (scan.c, strict: MV_JS_UTF8) walks the line once; the top
 * level by hand, to note where the members we need are. Whatever it
 * accepts cJSON parses too (no BOM, no "+1", less nesting).
 */
int
mv_event_peek(const char *line, size_t len, char *type, const char **why)
{
	static const char *const keys[] = { "specversion", "id", "source", "type", "data" };
	static const size_t klens[] = { 11, 2, 6, 4, 4 };
	struct member m[5] = {{0}};
	struct mv_js s;
	const char *key, *val;
	size_t klen;
	int first = 1, esc, slow = 0, k, r;

	if (memchr(line, '\0', len)) {
		*why = "NUL byte in line";
		return 0;
	}
	mv_js_init(&s, line, len, MV_JS_UTF8);
	mv_js_ws(&s);
	if (s.p >= s.e || *s.p != '{') {
		*why = mv_js_skip(&s) == 0 && mv_js_end(&s) == 0 ?
		    "not a JSON object" : "invalid JSON";
		return 0;
	}
	mv_js_obj_begin(&s);
	while ((r = mv_js_obj_next(&s, &first, &key, &klen)) == 1) {
		val = s.p;
		esc = 0;
		if (val < s.e && *val == '"') {
			const char *t;
			size_t n;

			if (mv_js_str(&s, &t, &n, &esc) < 0)
				goto bad;
		} else if (mv_js_skip(&s) < 0)
			goto bad;
		if (klen == (size_t)-1) {
			slow = 1;   /* an escaped key may spell one of ours */
			continue;
		}
		for (k = 0; k < 5; k++)
			if (klens[k] == klen && !memcmp(key, keys[k], klen))
				break;
		if (k < 5 && !m[k].v) {
			m[k].v = val;
			m[k].n = (size_t)(s.p - val);
			if (*val == '"') {
				m[k].v++;
				m[k].n -= 2;
				m[k].str = 1;
				if (esc)
					slow = 1;
			}
		}
	}
	if (r < 0 || mv_js_end(&s) < 0)
		goto bad;

	if (slow) {
		/* Escapes in what we check: let cJSON unescape them. */
		cJSON *ev = cJSON_ParseWithLength(line, len);

		*why = ev ? check_tree(ev) : "invalid JSON";
		if (!*why)
			snprintf(type, MV_TYPE_MAX, "%s", mv_event_type(ev));
		cJSON_Delete(ev);
		return *why == NULL;
	}
	if (!m[0].str || m[0].n != 3 || memcmp(m[0].v, "1.0", 3) != 0)
		*why = "specversion is not \"1.0\"";
	else if (!m[1].str || !m[1].n)
		*why = "missing id";
	else if (!m[2].str || !m[2].n)
		*why = "missing source";
	else if (!m[3].str || !m[3].n)
		*why = "missing type";
	else if (m[4].v && *m[4].v != '{' && !(m[4].n == 4 && !memcmp(m[4].v, "null", 4)))
		*why = "data is not an object";
	else if (m[3].n >= MV_TYPE_MAX)
		*why = "type too long";
	else {
		memcpy(type, m[3].v, m[3].n);
		type[m[3].n] = '\0';
		*why = NULL;
		return 1;
	}
	return 0;
bad:
	*why = "invalid JSON";
	return 0;
}

cJSON *
mv_event_parse(const char *line, size_t len, const char **why)
{
	char type[MV_TYPE_MAX];
	cJSON *ev;

	/* One gate for both paths: a stage accepts the same lines whether
	 * it handles an event or only passes it on. */
	if (!mv_event_peek(line, len, type, why))
		return NULL;
	ev = cJSON_ParseWithLengthOpts(line, len + 1, NULL, 1);
	if (!ev)
		*why = "invalid JSON";
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
