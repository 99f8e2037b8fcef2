/*
 * region.h - the memory a run's workers share: the counter of the private
 * store, the start gate, the lock area and one slot per worker.
 *
 * One SysV shared memory segment per run (core/region.c), created
 * IPC_PRIVATE with mode 0600 and marked for removal as soon as it is
 * attached, so it disappears with the last process that uses it. The
 * counter, the gate and the lock each sit on their own cache line. A named
 * segment (store/segment.h) begins with the same layout, so the strategies'
 * lock code runs over it unchanged.
 */
#ifndef RACELAB_REGION_H
#define RACELAB_REGION_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_LINE   64
#define SHARED_BYTES 1024 /* room for any strategy's lock object */
#define CHUNK	     1024 /* increments between two progress updates */

/*
 * The counter can be reached in two ways. `plain` is a volatile 64-bit
 * object: every access is a real load or store the compiler must emit, never
 * merge, and a data race on it is a data race in the C11 sense (so
 * ThreadSanitizer sees it). `atomic` is the same eight bytes as a C11 atomic
 * object, for the strategies that increment with one indivisible
 * instruction. A strategy uses one view or the other, never both.
 */
union counter {
	volatile uint64_t plain; /* none and every lock strategy */
	_Atomic uint64_t atomic; /* the atomic strategies */
};

/* What one worker publishes for the parent; one cache line each. */
struct slot {
	alignas(CACHE_LINE) _Atomic uint64_t done; /* increments completed */
	_Atomic int64_t end_ns;	     /* CLOCK_MONOTONIC at the end */
	_Atomic uint64_t recoveries; /* owner-death recoveries seen */
	_Atomic uint64_t retries;    /* database strategies: attempts redone */
	_Atomic unsigned dying;	     /* 1: killing itself on purpose */
	_Atomic int64_t start_ns;    /* CLOCK_MONOTONIC past the gate */
};

/* Values of region.gate. */
enum gate {
	GATE_CLOSED = 0, /* workers wait */
	GATE_OPEN = 1,	 /* run */
	GATE_STOP = 2,	 /* finish the current chunk and stop */
};

struct region {
	alignas(CACHE_LINE) union counter counter; /* the shm store's counter */
	alignas(CACHE_LINE) _Atomic unsigned ready; /* workers at the gate */
	_Atomic unsigned gate;	 /* enum gate; a futex word (harness.c) */
	_Atomic int64_t open_ns; /* when the last worker opened the gate */
	alignas(CACHE_LINE) unsigned char shared[SHARED_BYTES]; /* lock */
	struct slot slot[]; /* one per worker */
};

/*
 * Create a private region with `slots` slots (zeroed), attached and already
 * marked for removal. `verbose`: say so on stderr, as "racelab: WHO: ...".
 * NULL on failure (reported).
 */
struct region *region_create(unsigned slots, const char *who, bool verbose);

/* Detach it; the kernel frees it with the last mapping. */
void region_destroy(struct region *r);

#endif
