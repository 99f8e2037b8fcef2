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
 * The counter, as a C11 atomic object: &w->region->counter.atomic. Do not
 * use counter.plain. Headers: strategy.h is src/core/strategy.h.
 */
#include "core/strategy.h"

static inline void atomic_split_increment(struct worker *w, bool slow)
{
	_Atomic uint64_t *c = &w->region->counter.atomic;
	uint64_t v = 0;

	/* TODO 1: the load: read the counter into v, atomically. */
	(void)c;

	/* --window, --crash-at and --trace act between the load and the
	 * store, and then store v + 1 themselves (given). */
	if (slow) {
		worker_store(w, v);
		return;
	}

	/* TODO 2: the store: write v + 1 into the counter, atomically. */
}

/* The timed loop: iters increments, no lock (see strategy.h). */
static int atomic_split_work(struct worker *w)
{
	return worker_loop(w, NULL, atomic_split_increment, NULL);
}

const struct strategy strategy_atomic_split = {
	.name = "atomic-split",
	.summary = "atomic load, then atomic store: still loses updates (lab "
		   "04: yours)",
	.kind = KIND_NONE,
	.racy = true,
	.on_crash = "nothing to release (racy)",
	.work = atomic_split_work,
};
