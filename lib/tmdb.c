/* tmdb.c: the one TMDB client: base URL and key, shared rate limit, retries, cache, images. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <curl/curl.h>

#include "mv.h"

unsigned mv_tmdb_flags;

#define DEFAULT_URL "https://api.themoviedb.org/3"
#define BODY_MAX (32u << 20)       /* the largest append reply is ~400 KB */
#define CRED_MAX 4096
/*
 * The limiter spaces requests 2% wider than 1/rate, so that the jitter
 * between our clock and the server's never shows up as one request too
 * many in a 1-second window.
 */
#define RATE_HEADROOM 1.02

enum base_kind { BASE_HTTPS, BASE_HTTP, BASE_FILE };

/*
 * The client's configuration, read once from the environment.
 * ready: 0 not read yet, 1 read; code is then 0 or the exit code that
 * every call returns (the message was printed once).
 */
static struct {
	int ready, code;
	char *base;             /* without a trailing slash */
	enum base_kind kind;
	int local;              /* loopback or file://: no key needed */
	char *dir;              /* file:// directory */
	char *token, *apikey;   /* at most one set; never printed */
	double rate;            /* requests per second, 0: unlimited */
	long retries;
	long backoff_ms, cap_ms;
	long timeout_ms, connect_ms;
	long long cache_max, image_max;
	int debug;
	CURL *curl;
	uint64_t rng;
	long long requests;     /* HTTP requests sent, retries included */
	long long retried;      /* of those, the ones that were a retry */
} T;

/* What one HTTP exchange brought back. */
struct reply {
	struct mv_buf body;
	size_t max;             /* bound on body.len */
	int too_big;
	long status;
	long long max_age;      /* -1: no max-age given */
	int no_store;
	long long retry_after;  /* seconds, -1: absent */
};

/* ---- configuration ----------------------------------------------------- */

static void
cleanup(void)
{
	if (T.curl)
		curl_easy_cleanup(T.curl);
	T.curl = NULL;
	curl_global_cleanup();
}

/* A setting by its environment name ("MV_TMDB_RATE"): the environment,
 * else the configuration file (key "tmdb_rate"), else NULL. */
static const char *
setting(const char *env)
{
	char key[64];
	size_t i;

	for (i = 0; env[i + 3] && i < sizeof key - 1; i++)
		key[i] = (char)tolower((unsigned char)env[i + 3]);
	key[i] = '\0';
	return mv_config_get(key, NULL);
}

/* Read a size setting ("64M", "5242880") into *out (def if unset).
 * Returns 0, or -1 after a message when it is no size or below min. */
static int
size_setting(const char *name, long long def, long long min, long long *out)
{
	const char *s = setting(name);

	*out = def;
	if (!s || !*s)
		return 0;
	if (mv_size_parse(s, out) < 0 || *out < min) {
		mv_warnx("unable to use %s=\"%s\": not a size of at least %lld bytes",
		    name, s, min);
		return -1;
	}
	return 0;
}

/* Read a numeric setting from the environment into *out (def if unset).
 * Returns 0, or -1 after a message when the value is not in [min, max]. */
static int
env_num(const char *name, double def, double min, double max, double *out)
{
	const char *s = setting(name);
	char *end;
	double v;

	*out = def;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min || v > max) {
		mv_warnx("unable to use %s=%s: not a number within %g..%g", name, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* A credential from the environment or $CREDENTIALS_DIRECTORY/name:
 * malloc'd, trimmed, or NULL. *bad is set if it holds characters that
 * cannot go into a header or a URL (the value itself is never shown). */
static char *
credential(const char *name, int *bad)
{
	const char *s = getenv(name), *dir;
	char *v = NULL, *path;
	size_t len;

	if (s && *s)
		v = mv_xstrdup(s);
	else if ((dir = getenv("CREDENTIALS_DIRECTORY")) && *dir) {
		path = mv_xasprintf("%s/%s", dir, name);
		if (mv_slurp(path, CRED_MAX, &v, &len) < 0)
			v = NULL;
		free(path);
	}
	if (!v)
		return NULL;
	len = strlen(v);
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		v[--len] = '\0';
	if (len == 0) {
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)v[i]))
			*bad = 1;
	return v;
}

/* 1 if host (as the URL spells it) is a loopback address. */
static int
loopback_host(const char *host)
{
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return 0;
}

/*
 * Classify url: 0 https, 1 http to loopback, 2 file:// (then *dir is the
 * malloc'd directory), 3 https to loopback, -1 refused with a static
 * reason in *why.
 */
static int
url_kind(const char *url, char **dir, const char **why)
{
	CURLU *u;
	char *host = NULL, *user = NULL;
	int kind = -1;

	if (strncmp(url, "file://", 7) == 0) {
		if (url[7] != '/') {
			*why = "a file:// URL needs an absolute path";
			return -1;
		}
		*dir = mv_xstrdup(url + 7);
		return 2;
	}
	if (strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7)) {
		*why = "only https://, http:// to loopback and file:// are supported";
		return -1;
	}
	if (!(u = curl_url())) {
		*why = "out of memory";
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*why = "not a valid URL";
	} else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		*why = "a user name in the URL is not allowed";
	} else if (strncasecmp(url, "https://", 8) == 0) {
		kind = loopback_host(host) ? 3 : 0;
	} else if (loopback_host(host)) {
		kind = 1;
	} else {
		*why = "plain http:// is only allowed to a loopback address";
	}
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return kind;
}

/* Read the configuration once. Returns 0 or an exit code (reported). */
static int
setup(void)
{
	const char *url, *s, *why = "";
	double v;
	int bad = 0, k;

	if (T.ready)
		return T.code;
	T.ready = 1;
	url = setting("MV_TMDB_URL");
	if (!url || !*url)
		url = DEFAULT_URL;
	T.base = mv_xstrdup(url);
	for (size_t n = strlen(T.base); n > 1 && T.base[n - 1] == '/'; n--)
		T.base[n - 1] = '\0';
	if ((k = url_kind(T.base, &T.dir, &why)) < 0) {
		mv_warnx("unable to use MV_TMDB_URL %s: %s", T.base, why);
		return T.code = MV_EX_CONFIG;
	}
	T.kind = k == 1 ? BASE_HTTP : k == 2 ? BASE_FILE : BASE_HTTPS;
	T.local = k != 0;

	if (env_num("MV_TMDB_RATE", 40, 0, 10000, &T.rate) < 0)
		return T.code = MV_EX_CONFIG;
	if (env_num("MV_TMDB_RETRIES", 5, 0, 100, &v) < 0)
		return T.code = MV_EX_CONFIG;
	T.retries = (long)v;
	if (env_num("MV_TMDB_TIMEOUT", 30, 0.1, 3600, &v) < 0)
		return T.code = MV_EX_CONFIG;
	T.timeout_ms = (long)(v * 1000);
	T.connect_ms = T.timeout_ms < 10000 ? T.timeout_ms : 10000;
	if (size_setting("MV_TMDB_CACHE_MAX", 64 << 20, 0, &T.cache_max) < 0 ||
	    size_setting("MV_IMAGE_MAX", 5 << 20, 1, &T.image_max) < 0)
		return T.code = MV_EX_CONFIG;
	/* MV_TMDB_BACKOFF_MS="BASE[,CAP]": first backoff ceiling and the
	 * largest wait, Retry-After included. */
	T.backoff_ms = 500;
	T.cap_ms = 30000;
	if ((s = setting("MV_TMDB_BACKOFF_MS")) && *s) {
		char *end;
		long b, c;

		errno = 0;
		b = strtol(s, &end, 10);
		c = T.cap_ms;
		if (*end == ',')
			c = strtol(end + 1, &end, 10);
		if (errno || *end || b < 0 || c < b || c > 3600000) {
			mv_warnx("unable to use MV_TMDB_BACKOFF_MS=%s: want BASE[,CAP] in ms", s);
			return T.code = MV_EX_CONFIG;
		}
		T.backoff_ms = b;
		T.cap_ms = c;
	}
	T.debug = (s = setting("MV_TMDB_DEBUG")) && *s && strcmp(s, "0");

	T.token = credential("TMDB_TOKEN", &bad);
	if (!T.token)
		T.apikey = credential("TMDB_API_KEY", &bad);
	if (bad) {
		mv_warnx("unable to use the TMDB credentials: they contain spaces or control characters");
		return T.code = MV_EX_CONFIG;
	}
	/* Our own fake server and snapshots need no key. */
	if (!T.token && !T.apikey && !T.local) {
		mv_warnx("unable to find TMDB credentials: set TMDB_TOKEN or TMDB_API_KEY, "
		    "or put a file of that name in $CREDENTIALS_DIRECTORY");
		return T.code = MV_EX_CONFIG;
	}
	T.rng = mv_mono_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
	if (T.kind != BASE_FILE) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
		    !(T.curl = curl_easy_init())) {
			mv_warnx("unable to start libcurl");
			return T.code = MV_EX_SOFTWARE;
		}
		atexit(cleanup);
	}
	return T.code = 0;
}

long long
mv_tmdb_requests(void)
{
	return T.requests;
}

long long
mv_tmdb_retries(void)
{
	return T.retried;
}

int
mv_tmdb_init(void)
{
	return setup();
}

/* ---- small helpers ------------------------------------------------------ */

/* The request path without its query, for messages. malloc'd. */
static char *
req_name(const char *path)
{
	return mv_xstrndup(path, strcspn(path, "?"));
}

/* A uniform random number in [0, n] (xorshift64*; jitter needs no more). */
static long
rnd(long n)
{
	uint64_t x = T.rng ? T.rng : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	T.rng = x;
	return n <= 0 ? 0 : (long)((x * 0x2545f4914f6cdd1dull) % (uint64_t)(n + 1));
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Hex FNV-1a 64 of the request: the cache file name. */
static void
cache_key(const char *request, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)mv_hash(request));
}

/*
 * Parse a TMDB body: a complete JSON object in valid UTF-8 and nothing
 * after it. Invalid UTF-8 is refused here, or it would reach profiles
 * that no longer validate and files that are not JSON (RFC 8259 8.1).
 * Returns the tree (caller deletes), or NULL with a static reason.
 */
cJSON *
mv_tmdb_parse(const char *body, size_t len, const char **why)
{
	const char *end = NULL;
	cJSON *doc;

	if (len == 0) {
		*why = "empty body";
		return NULL;
	}
	if (!mv_utf8_valid(body, len)) {
		*why = "invalid UTF-8";
		return NULL;
	}
	doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!doc) {
		*why = "invalid JSON";
		return NULL;
	}
	while (end && (size_t)(end - body) < len && isspace((unsigned char)*end))
		end++;
	if (end && (size_t)(end - body) < len && *end) {
		cJSON_Delete(doc);
		*why = "trailing data after the JSON document";
		return NULL;
	}
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		*why = "not a JSON object";
		return NULL;
	}
	return doc;
}

/* ---- the shared rate limit ---------------------------------------------- */

/*
 * Take one token from the bucket every mv process shares. The bucket holds
 * one token, refilled 1/rate after the last one was taken, so that no
 * 1-second window ever sees more than the rate. run/tmdb.rate keeps the
 * monotonic time the last token was really taken: a process woken late
 * must not let the next one catch up, or the server would see two
 * requests closer than 1/rate. The lock is held across the short wait,
 * which also queues the processes in turn.
 * Returns 0, or an exit code after a message.
 */
static int
rate_take(void)
{
	uint64_t interval, now, last;
	char buf[64], *path;
	int lock, fd, code = 0;
	ssize_t n;

	if (T.rate <= 0)
		return 0;
	interval = (uint64_t)(1e9 / T.rate * RATE_HEADROOM);
	if ((lock = mv_lock("tmdb-rate", 1)) < 0) {
		code = mv_exit_for_errno(errno);
		mv_warn("lock %s/run/tmdb-rate.lock", mv_data);
		return code;
	}
	path = mv_path("run/tmdb.rate");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		code = mv_exit_for_errno(errno);
		mv_warn("open %s", path);
		goto out;
	}
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	last = strtoull(buf, NULL, 10);
	now = mv_mono_ns();
	if (last > now)
		last = 0;  /* from before a reboot: the clock restarted */
	if (last && last + interval > now)
		sleep_ns(last + interval - now);
	n = snprintf(buf, sizeof buf, "%llu\n", (unsigned long long)mv_mono_ns());
	if (pwrite(fd, buf, (size_t)n, 0) != n || ftruncate(fd, n) < 0) {
		code = mv_exit_for_errno(errno);
		mv_warn("write %s", path);
	}
	close(fd);
out:
	free(path);
	mv_unlock(lock);
	return code;
}

/* ---- HTTP ---------------------------------------------------------------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct reply *r = ctx;

	n *= size;
	if (r->body.len + n > r->max) {
		r->too_big = 1;
		return 0;  /* makes curl fail with CURLE_WRITE_ERROR */
	}
	mv_buf_add(&r->body, p, n);
	return n;
}

/* Headers we use: Cache-Control (max-age, no-store) and Retry-After. */
static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct reply *r = ctx;
	size_t len = size * n;
	char line[512], *v;

	if (len >= sizeof line)
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	if (strncasecmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue): forget the last one. */
		r->max_age = r->retry_after = -1;
		r->no_store = 0;
		return len;
	}
	if (!(v = strchr(line, ':')))
		return len;
	*v++ = '\0';
	v += strspn(v, " \t");
	if (strcasecmp(line, "cache-control") == 0) {
		char *m;

		for (char *q = v; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if ((m = strstr(v, "max-age=")))
			r->max_age = strtoll(m + 8, NULL, 10);
		if (strstr(v, "no-store") || strstr(v, "no-cache") || strstr(v, "private"))
			r->no_store = 1;
	} else if (strcasecmp(line, "retry-after") == 0) {
		char *end;
		long long s = strtoll(v, &end, 10);

		if (end != v && (*end == '\0' || isspace((unsigned char)*end)))
			r->retry_after = s < 0 ? 0 : s;
		else {
			time_t t;

			v[strcspn(v, "\r\n")] = '\0';
			if ((t = curl_getdate(v, NULL)) > 0)
				r->retry_after = t > time(NULL) ? t - time(NULL) : 0;
		}
	}
	return len;
}

/* TMDB's status_message and status_code from an error body, into buf. */
static const char *
tmdb_reason(const struct reply *r, char *buf, size_t size)
{
	const char *why;
	cJSON *doc;

	snprintf(buf, size, "HTTP %ld", r->status);
	if (!(doc = mv_tmdb_parse(r->body.buf, r->body.len, &why)))
		return buf;
	if (mv_json_str(doc, "status_message", NULL))
		snprintf(buf, size, "HTTP %ld: %s (status_code %lld)", r->status,
		    mv_json_str(doc, "status_message", ""), mv_json_int(doc, "status_code", 0));
	cJSON_Delete(doc);
	return buf;
}

/* 1 for the curl failures worth another attempt: the network, not us. */
static int
transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
		return 1;
	default:
		return 0;
	}
}

/*
 * GET url (auth: send the bearer header) into r, with the rate limit and
 * retries: 429, 5xx and transport errors are retried with exponential
 * backoff and full jitter, Retry-After honoured up to the cap. name labels
 * messages. Returns 0 with r->status < 400 and the complete body; or an
 * exit code after a message, except for 4xx replies, returned as 0 with
 * r->status set for the caller to map.
 */
static int
http_get(const char *name, const char *label, const char *url, int auth, size_t max,
    struct reply *r)
{
	char err[CURL_ERROR_SIZE], why[256], hdr[CRED_MAX + 32];
	struct curl_slist *hl = NULL;
	CURLcode rc;
	int code;

	hl = curl_slist_append(hl, "Accept: application/json");
	if (auth && T.token) {
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", T.token);
		hl = curl_slist_append(hl, hdr);
		memset(hdr, 0, sizeof hdr);
	}
	for (long attempt = 0;; attempt++) {
		long ceiling, delay;

		if ((code = rate_take()) != 0)
			break;
		mv_buf_free(&r->body);
		r->max = max;
		r->too_big = 0;
		r->status = 0;
		r->max_age = r->retry_after = -1;
		r->no_store = 0;
		err[0] = '\0';
		curl_easy_reset(T.curl);
		curl_easy_setopt(T.curl, CURLOPT_URL, url);
		curl_easy_setopt(T.curl, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(T.curl, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(T.curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(T.curl, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(T.curl, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(T.curl, CURLOPT_CONNECTTIMEOUT_MS, T.connect_ms);
		curl_easy_setopt(T.curl, CURLOPT_TIMEOUT_MS, T.timeout_ms);
		curl_easy_setopt(T.curl, CURLOPT_USERAGENT, "mv/" MV_VERSION);
		curl_easy_setopt(T.curl, CURLOPT_ERRORBUFFER, err);
		curl_easy_setopt(T.curl, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(T.curl, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(T.curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(T.curl, CURLOPT_HEADERDATA, r);
		curl_easy_setopt(T.curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
		if (T.debug)
			mv_warnx("tmdb: GET %s attempt %ld", label, attempt + 1);
		T.requests++;
		rc = curl_easy_perform(T.curl);
		if (rc == CURLE_OK)
			curl_easy_getinfo(T.curl, CURLINFO_RESPONSE_CODE, &r->status);
		if ((rc == CURLE_WRITE_ERROR && r->too_big) || rc == CURLE_FILESIZE_EXCEEDED) {
			mv_warnx("unable to fetch %s: the reply is over %zu bytes", name, max);
			code = MV_EX_DATAERR;
			break;
		}
		if (rc != CURLE_OK && !transient(rc)) {
			/* Bad TLS, bad URL...: another try would fail alike. The
			 * error buffer never holds the query, so no key leaks. */
			mv_warnx("unable to fetch %s: %s", name, *err ? err : curl_easy_strerror(rc));
			code = MV_EX_UNAVAILABLE;
			break;
		}
		if (rc == CURLE_OK && r->status != 429 && r->status < 500) {
			code = 0;
			break;
		}
		if (rc == CURLE_OK)
			snprintf(why, sizeof why, "HTTP %ld", r->status);
		else
			snprintf(why, sizeof why, "%s", *err ? err : curl_easy_strerror(rc));
		if (attempt >= T.retries) {
			mv_warnx("unable to fetch %s: %s (retries exhausted)", name, why);
			code = MV_EX_TEMPFAIL;
			break;
		}
		/* Full jitter: a uniform wait below a ceiling that doubles. */
		ceiling = T.backoff_ms;
		for (long i = 0; i < attempt && ceiling < T.cap_ms; i++)
			ceiling *= 2;
		if (ceiling > T.cap_ms)
			ceiling = T.cap_ms;
		delay = rnd(ceiling);
		T.retried++;
		if (r->retry_after >= 0) {
			long long ra = r->retry_after * 1000;

			delay = ra > T.cap_ms ? T.cap_ms : (long)ra;
		}
		if (T.debug)
			mv_warnx("tmdb: %s: %s, attempt %ld, backoff ceiling %ld ms, "
			    "retry-after %lld s, waiting %ld ms", label, why, attempt + 1,
			    ceiling, r->retry_after, delay);
		sleep_ns((uint64_t)delay * 1000000u);
	}
	curl_slist_free_all(hl);
	return code;
}

/* The URL for path: base + path, plus the api_key when that is the
 * credential. malloc'd; it holds the key, so it is never printed. */
static char *
api_url(const char *path)
{
	char *esc, *url;

	if (!T.apikey)
		return mv_xasprintf("%s%s", T.base, path);
	esc = curl_easy_escape(T.curl, T.apikey, 0);
	url = mv_xasprintf("%s%s%capi_key=%s", T.base, path, strchr(path, '?') ? '&' : '?',
	    esc ? esc : "");
	curl_free(esc);
	return url;
}

/* ---- the cache ------------------------------------------------------------ */

/*
 * A cache file is one header line {"request":…,"expires":N} and then the
 * body as TMDB sent it. request (base URL, path, query, never the key)
 * guards against a hash collision; expires is in mv_now() seconds.
 */
static char *
cache_file(const char *request)
{
	char key[17];

	cache_key(request, key);
	return mv_path("cache/tmdb/%s.json", key);
}

/* A fresh cached answer to request, or NULL. */
static cJSON *
cache_read(const char *request)
{
	char *file = cache_file(request), *text = NULL, *nl;
	const char *why;
	cJSON *head = NULL, *doc = NULL;
	size_t len;

	if (mv_slurp(file, BODY_MAX + 4096, &text, &len) < 0)
		goto out;
	if (!(nl = memchr(text, '\n', len)))
		goto out;
	*nl = '\0';
	head = cJSON_Parse(text);
	if (!head || strcmp(mv_json_str(head, "request", ""), request) != 0 ||
	    mv_json_int(head, "expires", 0) <= (long long)mv_now())
		goto out;
	/* Touch it: eviction drops the least recently used first. */
	if ((doc = mv_tmdb_parse(nl + 1, len - (size_t)(nl + 1 - text), &why)))
		(void)utimensat(AT_FDCWD, file, NULL, 0);
out:
	cJSON_Delete(head);
	free(text);
	free(file);
	return doc;
}

/* Keep cache/tmdb/ under T.cache_max bytes, least recently used out
 * first (cache_read touches what it serves), down to 90% so that
 * eviction does not run on every write. mvctl gc trims by the same
 * order (mv_evict). */
static void
cache_evict(void)
{
	mv_evict("cache/tmdb", T.cache_max, T.cache_max / 10 * 9, NULL, NULL, 0, NULL);
}

/* Store a body that passed mv_tmdb_parse. A cache that cannot be written
 * is reported but does not fail the request. */
static void
cache_write(const char *request, const struct reply *r)
{
	struct mv_buf b = { 0 };
	char *file, *req;
	cJSON *head;

	if (r->max_age <= 0 || r->no_store || T.cache_max <= 0 ||
	    (long long)r->body.len + 4096 > T.cache_max)
		return;
	head = cJSON_CreateObject();
	cJSON_AddStringToObject(head, "request", request);
	cJSON_AddNumberToObject(head, "expires", (double)((long long)mv_now() + r->max_age));
	req = mv_json_compact(head);
	cJSON_Delete(head);
	mv_buf_adds(&b, req);
	mv_buf_add(&b, "\n", 1);
	mv_buf_add(&b, r->body.buf, r->body.len);
	file = cache_file(request);
	if (mv_write_atomic(file, b.buf, b.len) < 0)
		mv_warn("write %s", file);
	else
		cache_evict();
	free(file);
	free(req);
	mv_buf_free(&b);
}

/* ---- file:// snapshots ------------------------------------------------------ */

static const char *const movie_parts[] = {
	"credits", "images", "videos", "keywords", "release_dates", "external_ids",
	"watch/providers", "translations", "alternative_titles", "recommendations",
	"similar", "reviews", "lists", NULL,
};
static const char *const person_parts[] = {
	"movie_credits", "combined_credits", "external_ids", "images",
	"tv_credits", "translations", NULL,
};

/* The value of query parameter name in path, malloc'd, or NULL. */
static char *
query_param(const char *path, const char *name)
{
	const char *q = strchr(path, '?');
	size_t n = strlen(name);

	while (q) {
		q++;
		if (strncmp(q, name, n) == 0 && q[n] == '=') {
			char *v = mv_xstrndup(q + n + 1, strcspn(q + n + 1, "&"));
			int len;
			char *d = curl_easy_unescape(NULL, v, 0, &len);

			free(v);
			v = mv_xstrdup(d ? d : "");
			curl_free(d);
			return v;
		}
		q = strchr(q, '&');
	}
	return NULL;
}

/* 1 if item is in the comma-separated list. */
static int
in_list(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, item, n) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * Answer path from a snapshot directory in the fake server's layout:
 * /movie/63 -> movie/63.json (keeping only the appended parts asked for),
 * /movie/63/credits -> that part, /person/N alike, /configuration.
 * Searches need a server: 69.
 */
static int
file_get(const char *path, cJSON **out)
{
	char *name = req_name(path), *file = NULL, *append;
	char kind[16], part[32] = "";
	const char *const *parts = NULL, *why;
	long long id;
	int n = 0, code = 0;
	cJSON *doc;

	if (strcmp(name, "/configuration") == 0)
		file = mv_xasprintf("%s/configuration.json", T.dir);
	else if (sscanf(name, "/%15[a-z]/%lld%n", kind, &id, &n) == 2 && id > 0 &&
	    (strcmp(kind, "movie") == 0 || strcmp(kind, "person") == 0) &&
	    (name[n] == '\0' || (name[n] == '/' && strlen(name + n + 1) < sizeof part))) {
		parts = kind[0] == 'm' ? movie_parts : person_parts;
		if (name[n] == '/')
			strcpy(part, name + n + 1);
		file = mv_xasprintf("%s/%s/%lld.json", T.dir, kind, id);
	} else {
		mv_warnx("unable to fetch %s: a file:// snapshot answers only movie, "
		    "person and configuration requests", name);
		free(name);
		return MV_EX_UNAVAILABLE;
	}
	if (!(doc = mv_json_load(file, BODY_MAX, &why))) {
		if (errno == ENOENT) {
			mv_warnx("unable to fetch %s: not in the snapshot (status_code 34)", name);
			code = MV_EX_NOTFOUND;
		} else if (errno == 0) {
			mv_warnx("unable to fetch %s: malformed body in %s: %s", name, file, why);
			code = MV_EX_DATAERR;
		} else {
			mv_warnx("unable to fetch %s: %s: %s", name, file, why);
			code = MV_EX_NOINPUT;
		}
		goto out;
	}
	if (!cJSON_IsObject(doc)) {
		mv_warnx("unable to fetch %s: malformed body in %s: not a JSON object", name, file);
		cJSON_Delete(doc);
		code = MV_EX_DATAERR;
		goto out;
	}
	if (*part) {
		/* /movie/{id}/{part}: the part alone, "id" first, as TMDB does. */
		cJSON *p = cJSON_DetachItemFromObjectCaseSensitive(doc, part), *o;

		if (!cJSON_IsObject(p)) {
			mv_warnx("unable to fetch %s: not in the snapshot (status_code 34)", name);
			cJSON_Delete(p);
			cJSON_Delete(doc);
			code = MV_EX_NOTFOUND;
			goto out;
		}
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)id);
		cJSON_DeleteItemFromObjectCaseSensitive(p, "id");
		while (p->child)
			cJSON_AddItemToObject(o, p->child->string,
			    cJSON_DetachItemViaPointer(p, p->child));
		cJSON_Delete(p);
		cJSON_Delete(doc);
		doc = o;
	} else if (parts) {
		append = query_param(path, "append_to_response");
		for (int i = 0; parts[i]; i++)
			if (!append || !in_list(append, parts[i]))
				cJSON_DeleteItemFromObjectCaseSensitive(doc, parts[i]);
		free(append);
	}
	*out = doc;
out:
	free(file);
	free(name);
	return code;
}

/* ---- the API ---------------------------------------------------------------- */

int
mv_tmdb_get(const char *path, cJSON **out)
{
	struct reply r = { 0 };
	char *name, *request, *url, buf[512];
	const char *why;
	int code;

	*out = NULL;
	if ((code = setup()) != 0)
		return code;
	if (T.kind == BASE_FILE)
		return file_get(path, out);
	if (!mv_data) {
		mv_warnx("unable to fetch %s: the data directory is not open", path);
		return MV_EX_SOFTWARE;
	}
	name = req_name(path);
	request = mv_xasprintf("%s%s", T.base, path);
	if (!(mv_tmdb_flags & (MV_TMDB_NOCACHE | MV_TMDB_REFRESH)) &&
	    (*out = cache_read(request))) {
		if (T.debug)
			mv_warnx("tmdb: GET %s from the cache", path);
		goto done;
	}
	url = api_url(path);
	code = http_get(name, path, url, 1, BODY_MAX, &r);
	free(url);
	if (code != 0)
		goto done;
	if (r.status >= 300) {
		mv_warnx("unable to fetch %s: %s", name, tmdb_reason(&r, buf, sizeof buf));
		code = r.status == 404 ? MV_EX_NOTFOUND :
		    r.status == 401 ? MV_EX_CONFIG : MV_EX_UNAVAILABLE;
		goto done;
	}
	if (!(*out = mv_tmdb_parse(r.body.buf, r.body.len, &why))) {
		mv_warnx("unable to fetch %s: malformed body: %s", name, why);
		code = MV_EX_DATAERR;
		goto done;
	}
	if (!(mv_tmdb_flags & MV_TMDB_NOCACHE))
		cache_write(request, &r);
done:
	mv_buf_free(&r.body);
	free(request);
	free(name);
	return code;
}

const char *
mv_tmdb_level_parts(enum mv_level level)
{
	switch (level) {
	case MV_DEEP:
		return "credits,images,videos,keywords,release_dates,external_ids,"
		    "watch/providers,translations,alternative_titles";
	case MV_MEDIUM:
		return "external_ids,translations,alternative_titles,images,credits";
	default:
		/* images: basic chooses its card's poster in the user's language. */
		return "external_ids,translations,alternative_titles,images";
	}
}

int
mv_tmdb_movie_parts(long long id, const char *parts, const char *language, cJSON **out)
{
	struct mv_buf p = { 0 };
	int code;

	mv_buf_printf(&p, "/movie/%lld", id);
	if (parts && *parts)
		mv_buf_printf(&p, "?append_to_response=%s", parts);
	if (language && *language) {
		/* TMDB filters images and videos by the language; keep the
		 * language-neutral ones and the English ones as well. */
		mv_buf_printf(&p, "%clanguage=%s", strchr(p.buf, '?') ? '&' : '?', language);
		if (parts && in_list(parts, "images"))
			mv_buf_printf(&p, "&include_image_language=%.2s,en,null", language);
		if (parts && in_list(parts, "videos"))
			mv_buf_printf(&p, "&include_video_language=%.2s,en,null", language);
	} else if (parts && in_list(parts, "images")) {
		/* No language= (it would change TMDB's default title): only the
		 * images, in the user's language and language-neutral, so the
		 * list stays short and holds the card's poster. */
		mv_buf_printf(&p, "%cinclude_image_language=%.2s,null",
		    strchr(p.buf, '?') ? '&' : '?', mv_language());
	}
	code = mv_tmdb_get(p.buf, out);
	mv_buf_free(&p);
	return code;
}

int
mv_tmdb_movie(long long id, enum mv_level level, const char *language, cJSON **out)
{
	return mv_tmdb_movie_parts(id, mv_tmdb_level_parts(level), language, out);
}

int
mv_tmdb_person(long long id, int deep, cJSON **out)
{
	char path[128];

	snprintf(path, sizeof path, "/person/%lld?append_to_response=%s", id,
	    deep ? "external_ids,movie_credits" : "external_ids");
	return mv_tmdb_get(path, out);
}

int
mv_tmdb_search(const char *title, int year, int page, cJSON **out)
{
	struct mv_buf p = { 0 };
	char *q;
	int code;

	*out = NULL;
	if ((code = setup()) != 0)
		return code;
	q = curl_easy_escape(NULL, title, 0);
	mv_buf_printf(&p, "/search/movie?query=%s&include_adult=false&page=%d",
	    q ? q : "", page > 0 ? page : 1);
	curl_free(q);
	if (year > 0)
		mv_buf_printf(&p, "&primary_release_year=%d", year);
	/* Results titled in the user's language: a French name is matched
	 * against French titles, and a review shows them so. */
	mv_buf_printf(&p, "&language=%s", mv_language());
	code = mv_tmdb_get(p.buf, out);
	mv_buf_free(&p);
	return code;
}

int
mv_tmdb_find(const char *imdb, cJSON **out)
{
	char path[128];

	snprintf(path, sizeof path, "/find/%.40s?external_source=imdb_id", imdb);
	return mv_tmdb_get(path, out);
}

void
mv_tmdb_poster_size(int width, char best[8])
{
	const cJSON *s;
	cJSON *cfg = NULL;
	long bw = 0;

	/* The cached /configuration, which mv_tmdb_image reads anyway. */
	snprintf(best, 8, "w92");
	if (mv_tmdb_get("/configuration", &cfg) != 0)
		return;
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cfg, "images"), "poster_sizes")) {
		const char *v = cJSON_IsString(s) ? s->valuestring : "";
		char *end = NULL;
		long w = *v == 'w' ? strtol(v + 1, &end, 10) : 0;

		if (w >= width && w < 10000 && !*end && (bw == 0 || w < bw)) {
			bw = w;
			snprintf(best, 8, "%.7s", v);
		}
	}
	cJSON_Delete(cfg);
}

/* 1 if s is an image size as TMDB names them: "w342", "h632", "original". */
static int
size_ok(const char *s)
{
	if (strcmp(s, "original") == 0)
		return 1;
	if ((*s != 'w' && *s != 'h') || !isdigit((unsigned char)s[1]) || strlen(s) > 6)
		return 0;
	for (s++; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* 1 if file_path is "/name.ext" with a safe name: it becomes part of a
 * URL and of a path. */
static int
image_path_ok(const char *p)
{
	if (p[0] != '/' || !p[1] || p[1] == '.' || strlen(p) > 200)
		return 0;
	for (p++; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return 0;
	return 1;
}

/* Write an image atomically, creating dest's directory. */
static int
image_store(const char *dest, const char *data, size_t len)
{
	char *dir = mv_xstrdup(dest), *slash = strrchr(dir, '/');
	int code = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		(void)mv_mkdir_p(dir, 0755);
	}
	if (mv_write_atomic(dest, data, len) < 0) {
		code = mv_exit_for_errno(errno);
		if (code == MV_EX_NOINPUT)
			code = MV_EX_CANTCREAT;
		mv_warn("write %s", dest);
	}
	free(dir);
	return code;
}

int
mv_tmdb_image(const char *file_path, const char *size, const char *dest)
{
	struct reply r = { 0 };
	const char *base, *why;
	char *name, *url = NULL, *file, *data, *dir = NULL;
	cJSON *cfg = NULL;
	struct stat st;
	size_t len;
	int code;

	if ((code = setup()) != 0)
		return code;
	if (!image_path_ok(file_path) || !size_ok(size)) {
		mv_warnx("unable to fetch image %s at size %s: not a TMDB image path and size",
		    file_path, size);
		return MV_EX_USAGE;
	}
	if (!(mv_tmdb_flags & MV_TMDB_REFRESH) && stat(dest, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size > 0)
		return 0;  /* an image path never changes content */
	name = mv_xasprintf("image %s/%s", size, file_path + 1);
	if (T.kind == BASE_FILE) {
		/* images/<size>/<file>, else images/original/<file>, as the
		 * fake server serves them. */
		file = mv_xasprintf("%s/images/%s%s", T.dir, size, file_path);
		data = NULL;
		if (mv_slurp(file, (size_t)T.image_max, &data, &len) < 0 && errno == ENOENT) {
			free(file);
			file = mv_xasprintf("%s/images/original%s", T.dir, file_path);
			if (mv_slurp(file, (size_t)T.image_max, &data, &len) < 0)
				data = NULL;
		}
		if (!data) {
			mv_warnx("unable to fetch %s: %s", name,
			    errno == ENOENT ? "not in the snapshot" : strerror(errno));
			code = errno == ENOENT ? MV_EX_NOTFOUND :
			    errno == EFBIG ? MV_EX_DATAERR : MV_EX_NOINPUT;
		} else {
			code = image_store(dest, data, len);
			free(data);
		}
		free(file);
		goto out;
	}
	if ((code = mv_tmdb_get("/configuration", &cfg)) != 0)
		goto out;
	base = mv_json_str(cJSON_GetObjectItemCaseSensitive(cfg, "images"),
	    "secure_base_url", NULL);
	if (!base || url_kind(base, &dir, &why) < 0 || dir) {
		/* An http:// image host is refused as the API URL would be. */
		mv_warnx("unable to fetch %s: /configuration has no usable images.secure_base_url",
		    name);
		code = MV_EX_DATAERR;
		goto out;
	}
	url = mv_xasprintf("%s%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/",
	    size, file_path);
	/* The image host is not the API: the credentials stay home. */
	code = http_get(name, name, url, 0, (size_t)T.image_max, &r);
	if (code == 0 && r.status >= 300) {
		mv_warnx("unable to fetch %s: HTTP %ld", name, r.status);
		code = r.status == 404 ? MV_EX_NOTFOUND : MV_EX_UNAVAILABLE;
	} else if (code == 0 && r.body.len == 0) {
		mv_warnx("unable to fetch %s: empty body", name);
		code = MV_EX_DATAERR;
	} else if (code == 0)
		code = image_store(dest, r.body.buf, r.body.len);
out:
	mv_buf_free(&r.body);
	cJSON_Delete(cfg);
	free(dir);
	free(url);
	free(name);
	return code;
}
