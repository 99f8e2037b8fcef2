/*
 * strategy.h - the contract between the harness and one way of protecting
 * (or not protecting) the shared counter.
 *
 * A strategy is one file in src/strategies/ that exports exactly one
 * `const struct strategy`, listed once in src/core/strategies.c. It supplies:
 *
 *   setup     in the parent, once, before any worker exists: create the lock
 *             (a semaphore set, a mutex in the region, a lock file).
 *   attach    in each worker before the start gate: per-worker state, such
 *             as a descriptor of its own.
 *   work      the timed loop. Write it as one call to worker_loop() with the
 *             strategy's lock, unlock and increment, so the compiler inlines
 *             them all into one tight loop (no indirect call per increment).
 *   detach    in each worker after the loop.
 *   teardown  in the parent, once, after every worker is gone; also on every
 *             error path and after Ctrl-C, so it must cope with a half-done
 *             setup.
 *
 * Every function returns 0 or a negative errno and reports its own failure
 * with report_errno() (which names the strategy and the call).
 */
#ifndef RACELAB_STRATEGY_H
#define RACELAB_STRATEGY_H

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
	_Atomic unsigned dying;	     /* 1: killing itself on purpose */
	_Atomic int64_t start_ns;    /* CLOCK_MONOTONIC past the gate */
};

/* Values of region.gate. */
enum gate {
	GATE_CLOSED = 0, /* workers wait */
	GATE_OPEN = 1,	 /* run */
	GATE_STOP = 2,	 /* finish the current chunk and stop */
};

/*
 * The shared region: one SysV shared memory segment per run, created
 * IPC_PRIVATE with mode 0600 and marked for removal as soon as it is
 * attached, so it disappears with the last process that uses it.
 * The counter, the gate and the lock each sit on their own cache line.
 */
struct region {
	alignas(CACHE_LINE) union counter counter;  /* the shared counter */
	alignas(CACHE_LINE) _Atomic unsigned ready; /* workers at the gate */
	_Atomic unsigned gate;	 /* enum gate; a futex word (harness.c) */
	_Atomic int64_t open_ns; /* when the last worker opened the gate */
	alignas(CACHE_LINE) unsigned char shared[SHARED_BYTES]; /* lock */
	struct slot slot[]; /* one per worker */
};

enum mode {
	MODE_PROCESS, /* fork(): one process per worker */
	MODE_THREAD,  /* pthread_create(): one thread per worker */
};

/* How `racelab list` groups the strategies. */
enum strategy_kind {
	KIND_NONE,     /* no exclusion at all */
	KIND_KERNEL,   /* the kernel decides who waits */
	KIND_USER,     /* user-space locks */
	KIND_LOCKFREE, /* one indivisible instruction, no lock */
	KIND_NOSHARE,  /* no shared counter to fight over */
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

/* One traced increment (--trace). */
struct trace_event {
	uint64_t t_read;      /* stamp taken just after the load */
	uint64_t t_write;     /* stamp taken just after the store */
	uint64_t read;	      /* the value the load saw */
	uint64_t overwritten; /* the value the store replaced */
	uint64_t index;	      /* its number within the worker's run, from 1 */
	uint32_t worker;      /* who */
	uint32_t pad;	      /* (keeps events 8-byte aligned) */
};

/* One run, as the parent set it up; workers read it, never write it. */
struct run {
	const struct strategy *strategy; /* what is under test */
	enum mode mode;			 /* processes or threads */
	unsigned procs;			 /* number of workers */
	uint64_t iters;			 /* increments per worker */
	struct region *region;		 /* the shared segment */
	const char *lock_file;		 /* --lock-file, or NULL */
	bool verbose;			 /* say which objects are made */
	uint64_t crash_at;		 /* --crash-at K, or 0 */
	unsigned crash_worker;		 /* --crash-worker W */
	double timeout_s;	   /* watchdog: no progress for this long */
	double duration_s;	   /* fixed-time mode: stop after this */
	const int *cpus;	   /* --cpus: worker i on cpus[i % ncpus] */
	unsigned ncpus;		   /* 0: no pinning */
	struct window window;	   /* --window */
	uint64_t seed;		   /* --seed: every random choice */
	struct trace_event *trace; /* --trace: procs x iters events */
	uint64_t
	    chunk; /* fast loop: increments per progress update (0: CHUNK) */
};

/* Does this run need the instrumented loop (crash, window or trace)? */
static inline bool run_is_slow(const struct run *run)
{
	return run->crash_at || run->window.kind != WINDOW_NONE || run->trace;
}

/* One worker's view. Lives in the worker (process) or its thread. */
struct worker {
	unsigned id;	       /* 0 .. procs-1 */
	uint64_t iters;	       /* increments to do */
	const struct run *run; /* the run it belongs to */
	struct region *region; /* same as run->region */
	void *shared;	       /* region->shared: the strategy's lock */
	struct slot *slot;     /* this worker's slot in the region */
	int fd;		       /* a descriptor of its own, or -1 */
	bool slow;	       /* run_is_slow(run): use the slow loop */
	uint64_t current;      /* slow loop: the increment under way, from 1 */
	uint64_t rng;	       /* slow loop: this worker's random state */
	uint64_t local;	       /* the strategy's own per-worker count */
	uint64_t chunk;	       /* increments per progress update; 0: CHUNK */
};

struct strategy {
	const char *name;	 /* as typed after --strategy */
	const char *summary;	 /* one line for `racelab list` */
	const char *unsupported; /* why it cannot run here, or NULL */
	enum strategy_kind kind; /* its group in `racelab list` */
	bool racy;		 /* loses updates on purpose */
	bool racy_in_threads;	 /* ... but only in thread mode */
	bool lock_file;		 /* locks a file: --lock-file applies */
	const char *on_crash;	 /* --crash-at: what freed the lock, briefly */
	bool counts_recoveries;	 /* work() counts them in slot->recoveries */
	/*
	 * Optional. Why this strategy cannot do this run (say, a wrong
	 * number of workers), in words, or NULL. Called before anything is
	 * created; a refusal is a usage error.
	 */
	const char *(*refuse)(const struct run *run);
	int (*setup)(struct run *run);
	int (*attach)(struct worker *w);
	int (*work)(struct worker *w);
	void (*detach)(struct worker *w);
	/*
	 * Optional. The final count, for a strategy that does not keep it in
	 * region->counter (a sharded counter, a counter owned by another
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

/*
 * ThreadSanitizer knows that a pthread mutex or a C11 atomic orders memory
 * between threads, but not that a semop() or a flock() does: to TSan, two
 * threads taking turns through a kernel lock look like a data race. A
 * strategy whose lock is a system call tells TSan the truth with these:
 * TSAN_ACQUIRE(lock) right after the lock is taken, TSAN_RELEASE(lock)
 * right before it is given back. They compile to nothing outside TSan
 * builds (make tsan). Never use them to hide a real race.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RACELAB_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(RACELAB_TSAN)
#define RACELAB_TSAN 1
#endif
#ifdef RACELAB_TSAN
#include <sanitizer/tsan_interface.h>
#define TSAN_ACQUIRE(addr) __tsan_acquire(addr)
#define TSAN_RELEASE(addr) __tsan_release(addr)
#else
#define TSAN_ACQUIRE(addr) ((void)(addr))
#define TSAN_RELEASE(addr) ((void)(addr))
#endif

/*
 * The slow loop's hooks, in harness.c, called between the load and the
 * store only when --crash-at, --window or --trace asked for them:
 *
 *   worker_gap(w)            die here if this is the chosen increment of the
 *                            chosen worker (--crash-at), then wait as
 *                            --window says.
 *   worker_store(w, read)    worker_gap, then store read + 1 and trace it.
 *                            With --trace the store is an exchange, which
 *                            returns the value it overwrote: that is what
 *                            makes the trace's account of lost updates
 *                            exact. It does not close the window: the load
 *                            happened earlier, as a separate step.
 *   worker_traced(w, old)    trace an indivisible increment that read old.
 */
void worker_gap(struct worker *w);
void worker_store(struct worker *w, uint64_t read);
void worker_traced(struct worker *w, uint64_t old);

/*
 * The racy read-modify-write that every lock strategy protects: a load, then
 * a store of the value plus one. The empty asm makes the loaded value live in
 * a register between the two, so the compiler cannot fuse them into one
 * memory-destination add (which would still be racy, but would hide the two
 * steps from a student reading the disassembly). It names only v, not
 * "memory": a memory clobber would make the compiler reload w->region on
 * every increment, which made `none` up to 2x slower than a hand-written
 * loop (see bench/). `slow` is a constant in each copy of the loop, so the
 * fast copy carries no trace of the hooks.
 */
static inline void counter_rmw(struct worker *w, bool slow)
{
	uint64_t v = w->region->counter.plain; /* the load */

	__asm__ volatile("" : "+r"(v));
	if (slow) {
		worker_store(w, v); /* window, crash, trace; then the store */
		return;
	}
	w->region->counter.plain = v + 1; /* the store */
}

/* The fast loop, on the private copy worker_loop() gives it. */
static inline __attribute__((always_inline)) int
worker_loop_fast(struct worker *w, int (*lock)(struct worker *),
		 void (*increment)(struct worker *, bool),
		 int (*unlock)(struct worker *))
{
	/* A worker set up without a chunk (segment incr) uses CHUNK. */
	uint64_t chunk = w->chunk ? w->chunk : CHUNK, done = 0;
	int err;

	while (done < w->iters) {
		uint64_t n = w->iters - done < chunk ? w->iters - done : chunk;

		for (uint64_t i = 0; i < n; i++) {
			if (lock && (err = lock(w)))
				return err;
			increment(w, false);
			if (unlock && (err = unlock(w)))
				return err;
		}
		done += n;
		atomic_store_explicit(&w->slot->done, done,
				      memory_order_relaxed);
		if (atomic_load_explicit(&w->region->gate,
					 memory_order_relaxed) == GATE_STOP)
			break;
	}
	return 0;
}

/*
 * The timed loop, shared by every strategy and inlined into each one's work
 * function, so lock, increment and unlock become straight-line code. lock and
 * unlock may be NULL (no lock); being compile-time constants, the NULL
 * checks vanish.
 *
 * The fast loop publishes progress once per chunk (CHUNK increments, fewer
 * when calibration found them slow: run->chunk), which is also when a
 * GATE_STOP (fixed-time mode, or stopping a run) is noticed; both cost
 * nothing measurable. The slow loop, used only when the run asks for
 * crash injection, a race window or a trace, publishes after every
 * increment, so the parent knows exactly how many a killed worker finished.
 */
static inline __attribute__((always_inline)) int
worker_loop(struct worker *w, int (*lock)(struct worker *),
	    void (*increment)(struct worker *, bool),
	    int (*unlock)(struct worker *))
{
	struct worker mine;
	int err;

	if (w->slow) {
		for (uint64_t done = 0; done < w->iters; done++) {
			w->current = done + 1;
			if (lock && (err = lock(w)))
				return err;
			increment(w, true);
			if (unlock && (err = unlock(w)))
				return err;
			atomic_store_explicit(&w->slot->done, done + 1,
					      memory_order_relaxed);
			if (atomic_load_explicit(&w->region->gate,
						 memory_order_relaxed) ==
			    GATE_STOP)
				break;
		}
		return 0;
	}
	/*
	 * The fast loop runs on a private copy of the worker, whose address
	 * never leaves this function (no hook is called in it), and copies
	 * it back at the end. Through w itself, every atomic, lock call or
	 * system call makes the compiler reload w->region and w->shared (any
	 * of them might have changed *w): extra loads in the chain of every
	 * increment, which made atomic-split 1.5x, futex 1.1x and pipe up to
	 * 1.5x the hand-written loops of bench/minimal.c. The copy lives in
	 * registers, as the hand-written loop's pointers do.
	 */
	mine = *w;
	err = worker_loop_fast(&mine, lock, increment, unlock);
	*w = mine;
	return err;
}

/* The registry, in src/core/strategies.c. */
extern const struct strategy *const strategies[];
extern const unsigned strategy_count;
const struct strategy *strategy_find(const char *name);
const char *strategy_kind_name(enum strategy_kind kind);

#endif
