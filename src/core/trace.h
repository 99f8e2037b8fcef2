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
#include "core/probe.h"

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
 * A trace's completed events, in two orders: by_write (store order: the
 * timeline) and by_read (the value each load saw, to find who wrote what).
 * Built from a finished run or read back from a --trace FILE.
 */
struct trace_set {
	const char *strategy;		     /* whose trace */
	unsigned procs;			     /* workers: 0..procs-1 */
	uint64_t n;			     /* completed events */
	const struct trace_event **by_write; /* n, sorted by t_write */
	const struct trace_event **by_read;  /* n, sorted by read */
	struct trace_event *owned;	     /* events read from a file */
	char *strategy_owned;		     /* ... and their strategy */
};

/* Index a finished run's trace. Returns 0, or -ENOMEM (reported). */
int trace_set_from_run(struct trace_set *t, const struct run *run);

/*
 * Read a --trace FILE back, the events of one strategy (NULL: the first in
 * the file). The file is untrusted: a line that is not what racelab writes
 * (or numbers that contradict each other) is refused, with the line number
 * and reason in msg. Returns 0; -EINVAL for a bad file (msg says why);
 * another -errno when it cannot be read.
 */
int trace_set_from_csv(struct trace_set *t, const char *path,
		       const char *strategy, char *msg, size_t msglen);

void trace_set_free(struct trace_set *t);

/* Count what the trace says. */
void trace_summarize(const struct trace_set *t, struct trace_summary *sum);

/*
 * The store that put `value` into the counter just before x overwrote it
 * (one that read value - 1, other than x), or NULL.
 */
const struct trace_event *trace_writer_of(const struct trace_set *t,
					  uint64_t value,
					  const struct trace_event *x);

/*
 * Print the explanation of a summarised trace (with a timeline of the
 * first `timeline` collisions) to out; lost is expected - final, to
 * compare with, or NULL when unknown (a trace read back from a file).
 */
void trace_explain(FILE *out, const struct trace_set *t,
		   const struct trace_summary *sum, const int64_t *lost,
		   unsigned timeline);

/* The summary as a JSON object, for the run's JSON row. */
void trace_json(FILE *f, const struct trace_summary *sum, int64_t lost);

/*
 * Write every event as CSV, in store order (append: add to the file, for the
 * second and later strategies of one command). Returns 0 or -errno.
 */
int trace_write_csv(const char *path, const struct trace_set *t, bool append);

/* The CSV's header line (without the newline). */
extern const char trace_csv_header[];

#endif
