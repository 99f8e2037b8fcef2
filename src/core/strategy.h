/*
 * strategy.h - the contract between the harness and one way of protecting
 * (or not protecting) the shared counter.
 *
 * A strategy is one file in src/strategies/ that exports exactly one
 * `const struct strategy`, listed once in src/core/registry.c. It supplies:
 *
 *   setup     in the parent, once, before any worker exists: create the lock
 *             (a semaphore set, a mutex in the region, a lock file).
 *   attach    in each worker before the start gate: per-worker state, such
 *             as a descriptor of its own.
 *   work      the timed loop: one call to worker_loop() (core/loop.h) with
 *             the strategy's lock and unlock, or to worker_loop_op() with
 *             its own indivisible operation. The loop inlines them into one
 *             tight loop (no indirect call per increment).
 *   detach    in each worker after the loop.
 *   teardown  in the parent, once, after every worker is gone; also on every
 *             error path and after Ctrl-C, so it must cope with a half-done
 *             setup.
 *
 * A strategy never touches the store's insides (where the counter lives is
 * store/store.h's business: the loop reads and writes it) and never sees
 * whether the run is probed (crash, window, trace: core/probe.h).
 *
 * Every function returns 0 or a negative errno and reports its own failure
 * with report_errno() (which names the strategy and the call).
 */
#ifndef RACELAB_STRATEGY_H
#define RACELAB_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/region.h"
#include "core/run.h"
#include "store/store.h"

/* How `racelab list` groups the strategies. */
enum strategy_kind {
	KIND_NONE,     /* no exclusion at all */
	KIND_KERNEL,   /* the kernel decides who waits */
	KIND_USER,     /* user-space locks */
	KIND_LOCKFREE, /* one indivisible instruction, no lock */
	KIND_NOSHARE,  /* no shared counter to fight over */
	KIND_SERVER,   /* a database server decides (--store postgres, redis) */
};

/* How the strategy reaches the counter: what it needs of the store. */
enum counter_use {
	COUNTER_RMW,	/* a load and a store through the store: any store */
	COUNTER_WORD,	/* atomics on the counter: it must be a memory word */
	COUNTER_OWN,	/* keeps the count itself (per worker, in an owner) */
	COUNTER_SERVER, /* statements to the server of its store (.store) */
};

/* Where the lock lives: what it needs beside the counter. */
enum lock_home {
	LOCK_NONE,   /* no lock at all */
	LOCK_KERNEL, /* a kernel object: a semaphore set, a locked file */
	LOCK_MEMORY, /* a word or a mutex in shared memory */
	LOCK_SERVER, /* a lock the database server keeps (a row, a key) */
};

/* What a worker killed inside the critical section does to the others. */
enum crash_outcome {
	CRASH_UNDECLARED, /* (a strategy that forgot: test_registry fails) */
	CRASH_EXACT,	  /* the lock is freed (or none held): exact */
	CRASH_DEADLOCK,	  /* the lock stays held: the rest wait for ever */
	CRASH_RACY,	  /* nothing held, but it loses updates anyway */
};

/* One worker's view. Lives in the worker (process) or its thread. */
struct worker {
	unsigned id;		/* 0 .. procs-1 */
	uint64_t iters;		/* increments to do */
	const struct run *run;	/* the run it belongs to */
	struct region *region;	/* the gate and the slots */
	struct store_link link; /* the counter: where and how */
	void *shared;		/* run->lock_area: the strategy's lock */
	struct slot *slot;	/* this worker's slot in the region */
	int fd;			/* the lock's descriptor of its own, or -1 */
	bool probed;		/* set by the harness: use the probed loop */
	uint64_t current;	/* probed loop: the increment under way */
	uint64_t rng;		/* this worker's random state (never 0) */
	uint64_t local;		/* the strategy's own per-worker count */
	uint64_t chunk;		/* increments per progress update; 0: CHUNK */
};

struct strategy {
	const char *name;	  /* as typed after --strategy */
	const char *summary;	  /* one line for `racelab list` */
	const char *unsupported;  /* why it cannot run here, or NULL */
	enum strategy_kind kind;  /* its group in `racelab list` */
	enum counter_use counter; /* what it needs of the store */
	enum lock_home lock;	  /* where its lock lives */
	bool racy;		  /* loses updates on purpose */
	bool racy_in_threads;	  /* ... but only in thread mode */
	bool lock_file;		  /* locks a file: --lock-file applies */
	enum crash_outcome crash; /* --crash-at: what happens */
	const char *on_crash;	  /* --crash-at: what freed the lock, briefly */
	bool counts_recoveries;	  /* work() counts them in slot->recoveries */
	bool run_only;	     /* only a run's own workers can share it, never
				     independent processes at a name */
	bool counts_retries; /* work() counts them in slot->retries */
	/*
	 * The store whose server runs this strategy's statements ("postgres",
	 * "redis"), or NULL: a strategy for every store that admits it. On
	 * its store, it takes the place of a general one of the same name
	 * (strategy_find_for): `none` on postgres is the SQL read-modify-write.
	 */
	const char *store;
	/*
	 * Optional. Why this strategy cannot do this run (say, a wrong
	 * number of workers), in words, or NULL. Called before anything is
	 * created; a refusal is a usage error.
	 */
	const char *(*cannot_run)(const struct run *run);
	int (*setup)(struct run *run);
	/*
	 * Optional; the strategies whose lock is a kernel object found by a
	 * name (a key, a path) have it, and only they can live at a name
	 * (`racelab segment`). Open the lock that another process's setup
	 * made at run->lock_key or run->lock_file, after checking it against
	 * the kernel's own record (its key, its owner run->lock_uid, the
	 * device and inode in run->lock_record), into run->lock_area. With
	 * take, teardown then removes it; without, teardown only lets go.
	 * A lock that lives in memory needs no join: it is in the store.
	 */
	int (*join)(struct run *run, bool take);
	int (*attach)(struct worker *w);
	int (*work)(struct worker *w);
	void (*detach)(struct worker *w);
	/*
	 * Optional. The final count, for a strategy that keeps it itself
	 * (COUNTER_OWN: a sharded counter, a counter owned by another
	 * process). Called after every worker is gone, before teardown.
	 */
	uint64_t (*total)(const struct run *run);
	void (*teardown)(struct run *run);
};

/* Does s lose updates on purpose in this mode? */
static inline bool strategy_racy(const struct strategy *s, enum mode mode)
{
	return s->racy || (s->racy_in_threads && mode == MODE_THREAD);
}

#endif
