/*
 * bench-load.h - `racelab bench --from FILE`: a result that
 * `bench --export-json FILE` (or `--format json`) wrote, read back so that
 * it can be reported and drawn again, or compared with another.
 *
 * The file is input from outside: it is read through safefile (never a
 * symlink or a device), at most BENCH_LOAD_MAX bytes, parsed by a strict
 * JSON parser with a depth limit, and every figure is checked (type, range,
 * finite) before it becomes a bench point. Anything else is one message
 * naming the file and what is wrong, and -EINVAL (the caller exits 2).
 */
#ifndef RACELAB_BENCH_LOAD_H
#define RACELAB_BENCH_LOAD_H

#include <stddef.h>

#include "core/bench.h"

#define BENCH_LOAD_MAX	      (16u << 20) /* bytes in one file */
#define BENCH_LOAD_STRATEGIES 256	  /* strategies in one file */

struct bench_loaded {
	char label[320];      /* "host: cpu, N CPUs, date (file)" for a key */
	char store[64];	      /* the store's kind ("shm" by default) */
	struct bench_opts bo; /* the sweep's settings; procs below */
	unsigned procs[BENCH_PROCS_MAX];
	int cpus[256]; /* --pin's CPUs, as the file lists them */
	const struct strategy *list[BENCH_LOAD_STRATEGIES];
	unsigned n;		      /* strategies */
	struct bench_point *points;   /* n x bo.nprocs, as bench.h */
	unsigned npoints;	      /* how many */
	struct bench_machine machine; /* where it was measured */
	double elapsed_s;	      /* the sweep's */
	int interrupted;	      /* it was stopped by Ctrl-C (1) */
	char *texts;		      /* the skipped points' reasons */
};

/*
 * Read path into *l. Returns 0, -EINVAL when the file is not a racelab
 * bench result (reported: the file and why), or another negative errno
 * (reported). On error nothing needs freeing.
 */
int bench_load(const char *path, struct bench_loaded *l);

/* Parse a result already in memory (len bytes, any content); name is
 * the file's, for messages. As bench_load. */
int bench_load_text(const char *name, const char *text, size_t len,
		    struct bench_loaded *l);

void bench_loaded_free(struct bench_loaded *l);

#endif
