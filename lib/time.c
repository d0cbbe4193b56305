/* time.c: the clock (overridable for tests), RFC 3339 and durations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"

time_t
mv_now(void)
{
	const char *s = getenv("MV_NOW");
	time_t t;
	char *end;
	long long n;

	/* Tests of downgrade-by-age set the clock; nothing else should. */
	if (s && *s) {
		if (mv_time_parse(s, &t) == 0)
			return t;
		errno = 0;
		n = strtoll(s, &end, 10);
		if (!*end && errno == 0)
			return (time_t)n;
	}
	return time(NULL);
}

char *
mv_time_fmt(time_t t, char *buf)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int
mv_time_parse(const char *s, time_t *t)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, n = 0, oh, om;
	long off = 0;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	p = s + n;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	n = 0;
	if (sscanf(p, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 8)
		return -1;
	p += n;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		n = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh > 23 || om > 59)
			return -1;
		off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm) - off;
	return 0;
}

int
mv_duration_parse(const char *s, long long *seconds)
{
	char *end;
	long long n, unit = 1;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || errno || n < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	if (n > (long long)(9e18 / (double)unit))
		return -1;
	*seconds = n * unit;
	return 0;
}

uint64_t
mv_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
