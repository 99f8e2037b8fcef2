/*
 * run.h - one run's settings, as the parent made them from the command line:
 * what is under test, where the counter lives, how many workers, and what
 * the probe (core/probe.h) does to them. Workers read it, never write it.
 */
#ifndef RACELAB_RUN_H
#define RACELAB_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/region.h"
#include "store/store.h"

struct strategy;
struct trace_event;

enum mode {
	MODE_PROCESS, /* fork(): one process per worker */
	MODE_THREAD,  /* pthread_create(): one thread per worker */
};

/* What --window puts between the load and the store. */
enum window_kind {
	WINDOW_NONE,   /* nothing: the default, and the fast loop */
	WINDOW_YIELD,  /* sched_yield(): invite the scheduler in */
	WINDOW_SPIN,   /* spin N pause instructions */
	WINDOW_SLEEP,  /* nanosleep N microseconds */
	WINDOW_RANDOM, /* spin a random 0..N-1 pauses (seeded) */
};

struct window {
	enum window_kind kind; /* see enum window_kind */
	uint64_t n;	       /* its N */
};

struct latency_hist; /* core/latency.h */

struct run {
	const struct strategy *strategy; /* what is under test */
	const struct store *store;	 /* where the counter lives */
	const char *store_name;		 /* --store KIND:NAME's NAME, or NULL */
	struct store_handle home;	 /* the store, opened by the harness */
	enum mode mode;			 /* processes or threads */
	unsigned procs;			 /* number of workers */
	uint64_t iters;			 /* increments per worker */
	struct region *region;		 /* the shared bookkeeping and lock */
	void *lock_area;	   /* where the lock lives: region->shared,
					    or a named store's */
	const void *lock_record;   /* join: what setup recorded at the
					    name (untrusted: compare only) */
	bool join;		   /* the lock is at a name, set up by
					    another process: join, not setup */
	int lock_key;		   /* a SysV key for the lock, 0: private */
	unsigned lock_mode;	   /* its permission bits at a name */
	unsigned lock_uid;	   /* join: the uid that must own it */
	const char *lock_file;	   /* --lock-file, or NULL */
	bool verbose;		   /* say which objects are made */
	uint64_t crash_at;	   /* --crash-at K, or 0 */
	unsigned crash_worker;	   /* --crash-worker W */
	bool window_one;	   /* --window-worker: one worker waits */
	unsigned window_worker;	   /* ... this one */
	double timeout_s;	   /* watchdog: no progress for this long */
	double duration_s;	   /* fixed-time mode: stop after this */
	const int *cpus;	   /* --cpus: worker i on cpus[i % ncpus] */
	unsigned ncpus;		   /* 0: no pinning */
	struct window window;	   /* --window */
	uint64_t seed;		   /* --seed: every random choice */
	struct trace_event *trace; /* --trace: procs x iters events */
	bool latency;		   /* --latency: time some acquires */
	unsigned latency_shift;	   /* ... one in 2^this */
	struct latency_hist *hist; /* ... a histogram per worker, shared */
	uint64_t chunk; /* fast loop: increments a progress update (0: CHUNK) */
	bool shared_counter; /* other processes write the counter too (racelab
				counter): the final count says nothing of this
				run's own increments */
};

/* Does this run need the probed loop (crash, window or trace)? */
static inline bool run_is_probed(const struct run *run)
{
	return run->crash_at || run->window.kind != WINDOW_NONE || run->trace;
}

/* Print a note on stderr when the run is verbose (strategies use it). */
void run_note(const struct run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
