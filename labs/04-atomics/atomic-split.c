/*
 * atomic-split.c - lab 04, part 2: the WRONG increment, on purpose: an
 * atomic load, then a separate atomic store.
 *
 * This file replaces src/strategies/atomic-split.c when you run `make` or
 * `make check` in this directory. It must keep exporting
 * strategy_atomic_split.
 *
 * Write the increment as two atomic steps (TODO 1 and TODO 2): read the
 * counter with atomic_load_explicit into v, then write v + 1 with
 * atomic_store_explicit. Each step is atomic; the pair is not. The checker
 * expects this version to LOSE updates (it is racy on purpose) while
 * ThreadSanitizer reports nothing at all. Part 2 of the handout asks why.
 *
 * The loop (src/core/loop.h) calls your atomic_split_load(), then hands
 * what it returned, v, to your atomic_split_store().
 *
 * The counter, as a C11 atomic object: &u->atomic. Do not use u->plain.
 * Headers: loop.h is src/core/loop.h.
 */
#include "core/loop.h"

/* The load: return the counter's value, read atomically. */
static inline uint64_t atomic_split_load(union counter *u)
{
	_Atomic uint64_t *c = &u->atomic;
	uint64_t v = 0;

	/* TODO 1: the load: read the counter into v, atomically. */
	(void)c;

	return v;
}

/* The store: v is what your load returned. */
static inline void atomic_split_store(union counter *u, uint64_t v)
{
	_Atomic uint64_t *c = &u->atomic;

	/* TODO 2: the store: write v + 1 into the counter, atomically. */
	(void)c;
	(void)v;
}

/* The timed loop: iters x { v = load(); store(v) }, no lock. */
static int atomic_split_work(struct worker *w)
{
	return worker_loop_rmw(w, NULL, atomic_split_load, atomic_split_store,
			       NULL);
}

const struct strategy strategy_atomic_split = {
	.name = "atomic-split",
	.summary = "atomic load, then atomic store: still loses updates (lab "
		   "04: yours)",
	.kind = KIND_NONE,
	.counter = COUNTER_WORD,
	.lock = LOCK_NONE,
	.crash = CRASH_RACY,
	.racy = true,
	.on_crash = "nothing to release (racy)",
	.work = atomic_split_work,
};
