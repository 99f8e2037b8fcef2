/*
 * atomic.c - lab 04, part 1: YOUR lock-free increment.
 *
 * This file replaces src/strategies/atomic.c when you run `make` or
 * `make check` in this directory. It must keep exporting strategy_atomic.
 *
 * There is no lock: the increment itself must be indivisible, one
 * read-modify-write that no other worker can get in the middle of. You
 * write it in atomic_increment (TODO).
 *
 * The API you need (<stdatomic.h>, C11 section 7.17; already included):
 *
 *	_Atomic uint64_t *c = &w->link.counter->atomic;
 *				the shared counter, as a C11 atomic object
 *	atomic_load_explicit(c, order)		read it
 *	atomic_store_explicit(c, v, order)	write it
 *	atomic_fetch_add_explicit(c, n, order)	add n and return the value
 *						it had just before, as ONE step
 *	order: memory_order_relaxed, memory_order_seq_cst, ... (which one
 *	does a counter need? the handout asks)
 *
 * The counter has a second view, w->link.counter->plain (volatile, not
 * atomic), for the strategies with a lock. Do not use it here.
 * Headers: loop.h is src/core/loop.h.
 */
#include "core/loop.h"

/* One increment; returns the counter's value just before it (--trace). */
static inline uint64_t atomic_increment(struct worker *w)
{
	uint64_t old = 0; /* the counter's value just before your increment */

	(void)w; /* (keeps the compiler quiet until you use it) */

	/*
	 * TODO: add 1 to the shared counter in one indivisible step, and keep
	 * the value it had just before in old.
	 */

	return old;
}

/* The timed loop: iters increments, no lock (see src/core/loop.h). */
static int atomic_work(struct worker *w)
{
	return worker_loop_op(w, atomic_increment, NULL);
}

const struct strategy strategy_atomic = {
	.name = "atomic",
	.summary = "C11 atomic increment, no lock (lab 04: yours)",
	.kind = KIND_LOCKFREE,
	.counter = COUNTER_WORD,
	.lock = LOCK_NONE,
	.crash = CRASH_EXACT,
	.on_crash = "nothing to release",
	.work = atomic_work,
};
