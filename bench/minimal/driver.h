/*
 * driver.h - what every minimal loop shares: the shared segment, the start
 * gate, the timing and the contract of one primitive's file.
 *
 * bench/minimal/ is the yardstick for racelab's hot loops, laid out as
 * Concurrency Kit lays out its regressions: one small file per primitive
 * (NAME.c, named as the strategy is in `racelab list`) around this shared
 * driver. Each is built into its own program, build/bench/minimal/NAME, that
 * shares no code with racelab and does for its primitive what a racelab run
 * does and nothing else: one SysV shared memory segment (IPC_PRIVATE, 0600,
 * marked for removal at once), the counter on a cache line of its own and
 * the lock on another, PROCS forked workers behind a start gate, and in each
 * worker ITERS times
 *
 *	lock; v = counter; counter = v + 1; unlock
 *
 * with the primitive called directly, in a loop as plain as it can be. The
 * time is taken exactly as racelab takes it: from the parent opening the gate
 * to the last worker's end timestamp (CLOCK_MONOTONIC), divided by
 * PROCS * ITERS. bench/compare.sh (`make bench`) runs it and racelab
 * alternately and compares the two.
 *
 * usage:  build/bench/minimal/NAME PROCS ITERS
 * output: one line, ns_per_op=<float>
 * exit:   0 done; 1 a call or a worker failed, or a primitive that must be
 *	   exact lost updates; 2 usage error
 *
 * How to add a primitive: write bench/minimal/NAME.c defining
 * `const struct minimal minimal = { ... }` (see none.c, the smallest, and
 * flock.c, which needs setup and a descriptor per worker); the Makefile
 * builds every file here but this driver.
 */
#ifndef RACELAB_BENCH_DRIVER_H
#define RACELAB_BENCH_DRIVER_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define CACHE_LINE 64
#define LOCK_BYTES 256 /* room for any primitive's lock state */

/* The shared segment: counter, gate and lock each on their own line. */
struct region {
	alignas(CACHE_LINE) union {
		volatile uint64_t plain; /* none and the locks */
		_Atomic uint64_t atomic; /* atomic, atomic-split */
	} counter;
	alignas(CACHE_LINE) _Atomic unsigned ready; /* workers at the gate */
	_Atomic unsigned gate;			    /* GATE_* in driver.c */
	/* The primitive's own state: each file casts it to its struct. */
	alignas(CACHE_LINE) unsigned char lock[LOCK_BYTES];
	struct {
		alignas(CACHE_LINE) _Atomic int64_t end_ns; /* loop done */
		volatile uint64_t count; /* sharded: this worker's counter */
	} slot[];			 /* one per worker */
};

/* One primitive: the only symbol its file exports. */
struct minimal {
	const char *name; /* as in `racelab list` */
	bool racy;	/* loses updates on purpose: the count is not checked */
	unsigned procs; /* 0: any number of workers; else exactly this */
	/* Parent, before the fork: set the lock up; 0, or -1 after printing
	 * why. NULL: nothing to set up. teardown must undo a half-done one. */
	int (*setup)(struct region *r);
	void (*teardown)(struct region *r);
	/* Worker, before the gate: a descriptor of its own (or -1). */
	int (*attach)(struct region *r);
	/* Worker: the measured loop. */
	void (*loop)(struct region *r, unsigned id, int fd, uint64_t iters);
	/* Parent, after the workers: the total; NULL: the shared counter. */
	uint64_t (*total)(struct region *r, unsigned procs);
};

extern const struct minimal minimal;

/*
 * Each loop is a function of its own starting on a 64-byte boundary, so
 * where it lands in the binary cannot move the figures: measured on this
 * kind of machine, the very same `none` loop costs 0.28 ns per increment
 * inside one 64-byte line of code and 0.55 ns when it straddles two.
 */
#define LOOP static __attribute__((noinline, aligned(64))) void

/* A worker gives up: say why and leave (the parent sees exit status 1). */
_Noreturn void worker_fail(const char *call, int err);

/* The racy load and store every lock protects (as racelab's counter_rmw). */
static inline void rmw(volatile uint64_t *c)
{
	uint64_t v = *c;

	__asm__ volatile("" ::: "memory");
	*c = v + 1;
}

/* How the spinning loops wait (as racelab's spinwait.h): pause, and after
 * 100 pauses give the CPU away once. Only contended runs get here. */
void spin_wait(void);

/* A lock file of the run's own, unlinked at once (flock, fcntl, ofd): the
 * parent's descriptor, or -1 after printing why. */
int lockfile_create(void);

/* Worker: a new open() of the parent's descriptor fd, so that this worker
 * has an open file description of its own. */
int lockfile_reopen(int fd);

#endif
