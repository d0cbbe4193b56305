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

/*
 * The strict scanner behind mv_event_peek: RFC 8259 JSON over a byte
 * range, allocating nothing. Stricter than cJSON (no BOM, no "+1", no
 * invalid UTF-8, less nesting), so whatever it accepts cJSON parses too.
 */
struct scan {
	const unsigned char *p, *end;
	int depth;
};

#define NEST_MAX 512

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
hex4(struct scan *s, unsigned *u)
{
	*u = 0;
	if (s->end - s->p < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = *s->p++;

		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return 0;
		*u = *u << 4 | c;
	}
	return 1;
}

/* One multi-byte UTF-8 sequence at s->p (its lead byte >= 0x80). */
static int
utf8_seq(struct scan *s)
{
	const unsigned char *p = s->p;
	unsigned c = *p, lo = 0x80, hi = 0xbf;
	int n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		if (c == 0xe0)
			lo = 0xa0;      /* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f;      /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;      /* nothing above U+10FFFF */
	} else
		return 0;
	if (s->end - p <= n || p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 2; i <= n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	s->p += n + 1;
	return 1;
}

/* 1 for the bytes a string holds as they are: ASCII but for controls,
 * the quote and the backslash. Most of a line is such runs. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,  /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xf0 */
};

/* A string, s->p on its opening quote; *esc is set if it has escapes. */
static int
scan_string(struct scan *s, int *esc)
{
	unsigned c, u, lo;

	for (s->p++; s->p < s->end;) {
		while (plain[*s->p] && ++s->p < s->end)
			;
		if (s->p >= s->end)
			return 0;
		c = *s->p;
		if (c == '"') {
			s->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c >= 0x80) {
			if (!utf8_seq(s))
				return 0;
			continue;
		}
		s->p++;
		if (c != '\\')
			continue;
		*esc = 1;
		if (s->p >= s->end)
			return 0;
		c = *s->p++;
		if (c == 'u') {
			if (!hex4(s, &u) || (u >= 0xdc00 && u <= 0xdfff))
				return 0;
			/* A high surrogate must be followed by a low one. */
			if (u >= 0xd800 && u <= 0xdbff) {
				if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
					return 0;
				s->p += 2;
				if (!hex4(s, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return 0;
			}
		} else if (!c || !strchr("\"\\/bfnrt", (int)c)) {
			return 0;
		}
	}
	return 0;
}

static int
digits(struct scan *s)
{
	const unsigned char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start;
}

static int
scan_number(struct scan *s)
{
	if (*s->p == '-')
		s->p++;
	if (s->p >= s->end)
		return 0;
	if (*s->p == '0')
		s->p++;
	else if (!digits(s))
		return 0;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!digits(s))
			return 0;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digits(s))
			return 0;
	}
	return 1;
}

static int
scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return 0;
	s->p += n;
	return 1;
}

static int scan_value(struct scan *s);

/* An object or array, s->p on its opening bracket. */
static int
scan_container(struct scan *s)
{
	int object = *s->p == '{', esc = 0;
	unsigned char close = object ? '}' : ']';

	if (++s->depth > NEST_MAX)
		return 0;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 1;
	}
	for (;;) {
		if (object) {
			if (s->p >= s->end || *s->p != '"' || !scan_string(s, &esc))
				return 0;
			skip_ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return 0;
		}
		if (!scan_value(s))
			return 0;
		skip_ws(s);
		if (s->p >= s->end)
			return 0;
		if (*s->p == close) {
			s->p++;
			s->depth--;
			return 1;
		}
		if (*s->p++ != ',')
			return 0;
		skip_ws(s);
	}
}

/* Any value, surrounding white space included. */
static int
scan_value(struct scan *s)
{
	int esc = 0, ok;

	skip_ws(s);
	if (s->p >= s->end)
		return 0;
	switch (*s->p) {
	case '{': case '[': ok = scan_container(s); break;
	case '"': ok = scan_string(s, &esc); break;
	case 't': ok = scan_literal(s, "true"); break;
	case 'f': ok = scan_literal(s, "false"); break;
	case 'n': ok = scan_literal(s, "null"); break;
	default: ok = (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) && scan_number(s);
	}
	skip_ws(s);
	return ok;
}

/* A top-level member mv_event_peek looks at: where its value is. */
struct member {
	const unsigned char *v; /* first byte of the value, NULL if absent */
	size_t n;               /* the value's bytes (a string: inside quotes) */
	int esc;                /* an escape in its key or string value */
};

int
mv_event_peek(const char *line, size_t len, char *type, const char **why)
{
	static const char *const keys[] = { "specversion", "id", "source", "type", "data" };
	static const size_t klens[] = { 11, 2, 6, 4, 4 };
	struct member m[5] = {{0}};
	struct scan s = { (const unsigned char *)line, (const unsigned char *)line + len, 0 };
	const unsigned char *key, *val;
	size_t klen;
	int esc, slow = 0, k;

	if (memchr(line, '\0', len)) {
		*why = "NUL byte in line";
		return 0;
	}
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{') {
		*why = scan_value(&s) && s.p == s.end ? "not a JSON object" : "invalid JSON";
		return 0;
	}
	/* The top level by hand, to note where the members we need are. */
	s.p++;
	s.depth = 1;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}')
		s.p++;
	else for (;;) {
		esc = 0;
		key = s.p + 1;      /* the key's first byte, after its quote */
		if (s.p >= s.end || *s.p != '"' || !scan_string(&s, &esc))
			goto bad;
		klen = (size_t)(s.p - 1 - key);
		skip_ws(&s);
		if (s.p >= s.end || *s.p++ != ':')
			goto bad;
		skip_ws(&s);
		val = s.p;
		if (!scan_value(&s))
			goto bad;
		for (k = 0; k < 5; k++)
			if (klens[k] == klen && !memcmp(key, keys[k], klen))
				break;
		if (esc)
			slow = 1;   /* an escaped key may spell one of ours */
		if (k < 5 && !m[k].v) {
			const unsigned char *e = s.p;

			while (e > val && (e[-1] == ' ' || e[-1] == '\t' ||
			    e[-1] == '\n' || e[-1] == '\r'))
				e--;
			m[k].v = val;
			m[k].n = (size_t)(e - val);
			if (*val == '"') {
				m[k].v++;
				m[k].n -= 2;
				if (memchr(m[k].v, '\\', m[k].n))
					m[k].esc = slow = 1;
			}
		}
		if (s.p >= s.end)
			goto bad;
		if (*s.p == '}') {
			s.p++;
			break;
		}
		if (*s.p++ != ',')
			goto bad;
		skip_ws(&s);
	}
	skip_ws(&s);
	if (s.p != s.end)
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
#define IS_STR(i) (m[i].v && m[i].v[-1] == '"')
	if (!IS_STR(0) || m[0].n != 3 || memcmp(m[0].v, "1.0", 3) != 0)
		*why = "specversion is not \"1.0\"";
	else if (!IS_STR(1) || !m[1].n)
		*why = "missing id";
	else if (!IS_STR(2) || !m[2].n)
		*why = "missing source";
	else if (!IS_STR(3) || !m[3].n)
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
#undef IS_STR
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
