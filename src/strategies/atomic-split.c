/*
 * atomic-split - an atomic load, then a separate atomic store: a race
 * condition with no data race. Wrong on purpose.
 *
 *	v = atomic_load(&counter);	each step is atomic ...
 *	atomic_store(&counter, v + 1);	... but the pair is not
 *
 * Every access to the counter is a C11 atomic operation, so by the C11
 * memory model there is no data race: no two conflicting accesses of which
 * one is non-atomic. The program is well defined. And yet two workers can
 * both load 41 and both store 42, exactly as in `none`, and lose updates at
 * the same rate. Atomicity of each access is not atomicity of the
 * read-modify-write; that needs atomic_fetch_add (see atomic.c) or a lock.
 *
 * ThreadSanitizer finds data races, not race conditions: run this under
 * racelab-tsan in thread mode and it stays silent while the count comes out
 * short. A clean TSan run does not prove a program correct.
 *
 * Memory order: relaxed. The loss has nothing to do with ordering: with
 * memory_order_seq_cst on both steps the same interleaving (load, load,
 * store, store) is still allowed, and the same updates vanish; the only cost
 * of seq_cst here would be an mfence or xchg on every store.
 *
 * Holder dies: there is no holder. fork(): the counter is in the shared
 * segment, as for every strategy.
 * Cost: a load and a plain store on x86-64 (relaxed atomics compile to
 * ordinary mov instructions): the same as `none`.
 *
 * Read next: the C11 standard 5.1.2.4 (data races), and docs/tsan.md.
 */
#include "core/loop.h"

static inline uint64_t atomic_split_load(union counter *u)
{
	_Atomic uint64_t *c = &u->atomic;
	uint64_t v = atomic_load_explicit(c, memory_order_relaxed);

	return v;
}

/* v is what the load read: store v + 1. */
static inline void atomic_split_store(union counter *u, uint64_t v)
{
	_Atomic uint64_t *c = &u->atomic;

	atomic_store_explicit(c, v + 1, memory_order_relaxed);
}

/* The loop does the load, then the store: two steps. */
static int atomic_split_work(struct worker *w)
{
	return worker_loop_rmw(w, NULL, atomic_split_load, atomic_split_store,
			       NULL);
}

const struct strategy strategy_atomic_split = {
	.name = "atomic-split",
	.summary = "atomic load, then atomic store: no data race, still loses "
		   "updates",
	.kind = KIND_NONE,
	.counter = COUNTER_WORD,
	.lock = LOCK_NONE,
	.crash = CRASH_RACY,
	.racy = true,
	.on_crash = "nothing to release (racy)",
	.work = atomic_split_work,
};
