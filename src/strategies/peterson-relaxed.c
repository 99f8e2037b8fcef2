/*
 * peterson-relaxed - Peterson's algorithm with relaxed atomics: correct on
 * paper, wrong on a real x86. Loses updates on purpose.
 *
 * The same code as peterson.c, every access memory_order_relaxed, which on
 * x86-64 compiles to plain `mov`s: what a textbook transcription with
 * ordinary variables gives. x86 lets a load pass an earlier store to
 * another address (the store waits in the core's store buffer), so:
 *
 *	worker 0			worker 1
 *	flag[0] = 1, turn = 1		flag[1] = 1, turn = 0	(buffered)
 *	reads flag[1] == 0		reads flag[0] == 0
 *	enters				enters			-> both inside
 *
 * The fix is one full fence between the stores and the loads:
 * atomic_thread_fence(memory_order_seq_cst) after `turn = other` (an
 * `mfence`), or seq_cst stores (an `xchg` each) as in peterson.c; plus
 * acquire loads and a release unlock to keep the counter inside. On one CPU
 * it never fails (a context switch drains the store buffer): --cpus 0 lost
 * nothing; --cpus 0,1 lost 1 to 2 % of the increments.
 *
 * ThreadSanitizer (thread mode) reports the counter's data race: relaxed
 * atomics order nothing. Holder dies, fork(), threads: as peterson.c.
 * Cost: 45 ns per increment for two workers, as peterson: the fence is
 * cheap next to the cache line handoff. Cheaper is not the reason.
 *
 * Read next: peterson.c; Preshing, "Memory Reordering Caught in the Act";
 * Sewell et al., "x86-TSO" (CACM 2010).
 */
#include "core/loop.h"
#include "strategies/common/peterson.h"
#include "strategies/common/spinwait.h"

#define RELAXED memory_order_relaxed

/* Kept out of the loop: it runs only when the other worker seems in. */
static __attribute__((noinline, cold)) void
peterson_relaxed_wait(struct peterson_shared *s, unsigned other)
{
	unsigned spins = 0;

	do
		spin_wait(&spins);
	while (atomic_load_explicit(&s->flag[other], RELAXED) &&
	       atomic_load_explicit(&s->turn, RELAXED) == other);
}

static inline int peterson_relaxed_lock(struct worker *w)
{
	struct peterson_shared *s = w->shared;
	unsigned me = w->id, other = 1 - w->id;

	atomic_store_explicit(&s->flag[me], 1, RELAXED); /* mov */
	atomic_store_explicit(&s->turn, other, RELAXED); /* mov */
	/* The missing atomic_thread_fence(memory_order_seq_cst) goes here. */
	if (atomic_load_explicit(&s->flag[other], RELAXED) &&
	    atomic_load_explicit(&s->turn, RELAXED) == other)
		peterson_relaxed_wait(s, other);
	return 0;
}

static inline int peterson_relaxed_unlock(struct worker *w)
{
	struct peterson_shared *s = w->shared;

	atomic_store_explicit(&s->flag[w->id], 0, RELAXED);
	peterson_outside(w); /* see peterson.h */
	return 0;
}

static int peterson_relaxed_work(struct worker *w)
{
	return worker_loop(w, peterson_relaxed_lock, peterson_relaxed_unlock);
}

const struct strategy strategy_peterson_relaxed = {
	.name = "peterson-relaxed",
	.summary = "Peterson's algorithm with relaxed atomics: store-load "
		   "reordering lets both in; loses updates on purpose",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.racy = true,
	.on_crash = "none: its flag stays up (racy)",
	.cannot_run = peterson_cannot_run,
	.work = peterson_relaxed_work,
};
