/* util.h - small helpers shared by the harness, the CLI and the strategies. */
#ifndef RACELAB_UTIL_H
#define RACELAB_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#define PROGRAM_NAME	"racelab"
#define RACELAB_VERSION "0.1.0"

/*
 * Print "racelab: WHO: CALL: strerror(err)" on stderr and return -err, so a
 * failing call can be reported and passed on in one line:
 *
 *	if (semop(...) == -1)
 *		return report_errno("sysv-sem", "semop", errno);
 *
 * err is a positive errno value; WHO is usually the strategy name.
 */
int report_errno(const char *who, const char *call, int err);

/* Print "racelab: " and the formatted message on stderr. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse a whole decimal number in [min, max]: no sign, no hex, no spaces,
 * no trailing junk. Returns 0, or -1 with a short reason in *why.
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
	      const char **why);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t now_ns(void);

/* Write n with thousands separators ("1,934,221") into buf. */
const char *group_digits(uint64_t n, char *buf, unsigned len);

#endif
