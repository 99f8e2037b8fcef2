/* util.c - error reporting, strict number parsing, clocks, formatting. */
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

/*
 * One message, one write(2): workers report at the same moment (a server
 * that went away fails them all), and a message written in pieces would
 * come out interleaved with another's. A write of up to PIPE_BUF bytes to
 * a pipe is atomic; longer messages are cut there.
 */
static void say_line(const char *fmt, va_list ap)
{
	char line[4096];
	int n = snprintf(line, sizeof(line), "%s: ", PROGRAM_NAME);
	size_t len;

	if (n < 0)
		return;
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	len = strlen(line);
	line[len++] = '\n';
	fflush(stderr);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(STDERR_FILENO, line + off, len - off);

		if (w <= 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

int report_errno(const char *who, const char *call, int err)
{
	report("%s: %s: %s", who, call, strerror(err));
	return -err;
}

void report(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	say_line(fmt, ap);
	va_end(ap);
	errno = saved;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
	      const char **why)
{
	uint64_t v = 0;
	const char *p = s;

	/* Hand-rolled: strtoull accepts "-1", " 7", "0x10" and "1e3" quietly. */
	if (*p == '\0') {
		*why = "is empty";
		return -1;
	}
	if (*p == '-') {
		*why = "must not be negative";
		return -1;
	}
	for (; *p; p++) {
		if (*p < '0' || *p > '9') {
			*why = "is not a whole decimal number";
			return -1;
		}
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
			*why = "is too large";
			return -1;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min) {
		*why = min == 1 ? "must be at least 1" : "is too small";
		return -1;
	}
	if (v > max) {
		*why = "is too large";
		return -1;
	}
	*out = v;
	return 0;
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *group_digits(uint64_t n, char *buf, unsigned len)
{
	char tmp[32];
	unsigned i = 0, j = 0, digits;

	digits =
	    (unsigned)snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n);
	for (i = 0; i < digits && j + 2 < len; i++) {
		if (i > 0 && (digits - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}
