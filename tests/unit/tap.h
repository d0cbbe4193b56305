/* tap.h: a minimal TAP producer for lib/ unit tests. */
#ifndef TAP_H
#define TAP_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* Record one result; the expression text names the test when desc is "". */
#define ok(cond, ...) tap_ok(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, desc) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
	tap_ok(same_, "strings equal", __FILE__, __LINE__, "%s", desc); \
	if (!same_) printf("#   got:  \"%s\"\n#   want: \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)
#define is_int(got, want, desc) do { \
	long long g_ = (got), w_ = (want); \
	tap_ok(g_ == w_, "numbers equal", __FILE__, __LINE__, "%s", desc); \
	if (g_ != w_) printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

__attribute__((format(printf, 5, 6)))
static void
tap_ok(int pass, const char *expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d: %s\n", file, line, expr);
	}
}

/* Print the plan last (TAP allows it) and return the exit status. */
static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
#endif
