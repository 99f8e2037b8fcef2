/*
 * trace.h - --trace: record every increment (what it read, what its store
 * overwrote, when), then explain each lost update.
 *
 * The account is exact by construction. In counter order, a store that read
 * r and overwrote o sets the counter from o to r + 1, so the final count is
 * the sum of (r + 1 - o) over all stores, and
 *
 *	expected - final = sum over stores of (o - r)
 *
 * where (o - r) is how many other increments that store wiped out. racelab
 * prints that sum next to expected - final; they must agree.
 */
#ifndef RACELAB_TRACE_H
#define RACELAB_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/harness.h"

/* The cap on traced increments (procs x iters): 10 million, 480 MB. */
#define TRACE_MAX_EVENTS 10000000ULL

/* Shared, zeroed memory for n events (MAP_SHARED, inherited by fork). */
struct trace_event *trace_alloc(uint64_t n);
void trace_free(struct trace_event *t, uint64_t n);

/* What the trace says, in numbers. */
struct trace_summary {
	uint64_t events;       /* increments that completed */
	uint64_t shared_reads; /* increments whose read another also read */
	int64_t accounted;     /* sum of (overwritten - read): the lost */
	uint64_t destructive;  /* stores that wiped out >= 1 increment */
	uint64_t wiped_1;      /* ... exactly one */
	uint64_t wiped_2_9;    /* ... 2 to 9 */
	uint64_t wiped_10;     /* ... 10 or more */
	uint64_t restoring;    /* stores that found the counter lower */
	uint64_t max_travel;   /* the most one store wiped out */
	uint64_t max_worker;   /* ... which worker */
	uint64_t max_read;     /* ... what it had read */
};

/*
 * Summarise the trace of a finished run, print the explanation (with a
 * timeline of the first `timeline` collisions) to out, and fill *sum.
 * Returns 0, or -ENOMEM.
 */
int trace_explain(FILE *out, const struct run *run, const struct result *res,
		  unsigned timeline, struct trace_summary *sum);

/*
 * Write every event as CSV to f, in store order (append: no header line,
 * for the second and later strategies of one command). The caller opens f
 * with safeout_open() (safefile.h). Returns 0 or -errno.
 */
int trace_write_csv(FILE *f, const struct run *run, bool append);

#endif
