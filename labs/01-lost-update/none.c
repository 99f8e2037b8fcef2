/*
 * none.c - lab 01: YOUR unprotected increment, the one that loses updates.
 *
 * This file replaces src/strategies/none.c when you run `make` or
 * `make check` in this directory. It must keep exporting strategy_none.
 *
 * Each worker adds 1 to the shared counter, iters times, with no lock at
 * all. An increment is two steps, and you write both (TODO 1 and TODO 2):
 *
 *	v = counter;		the load: read the counter into a register
 *	counter = v + 1;	the store: write it back, plus one
 *
 * Nothing stops another worker from loading the same value between your
 * load and your store; then both store the same v + 1, and one increment
 * is lost. That is the point of this lab: the checker expects your
 * increment to count right for one worker alone, and to lose updates as
 * soon as two run at once.
 *
 * The counter: w->region->counter.plain, a volatile uint64_t in memory
 * that every worker shares (SysV shared memory between processes).
 * Headers: strategy.h is src/core/strategy.h.
 */
#include "core/strategy.h"

static inline void none_increment(struct worker *w, bool slow)
{
	volatile uint64_t *counter = &w->region->counter.plain;
	uint64_t v = 0;

	/* TODO 1: the load. Read the counter into v. */

	/*
	 * Keep v in a register between the load and the store: without this
	 * the compiler may fuse them into one `add` instruction on memory,
	 * which is just as racy but hides the two steps from objdump.
	 */
	__asm__ volatile("" : "+r"(v));

	/*
	 * With --window, --crash-at or --trace the harness acts between the
	 * load and the store, then stores v + 1 itself (given).
	 */
	if (slow) {
		worker_store(w, v);
		return;
	}

	/* TODO 2: the store. Write v + 1 into the counter. */
	(void)counter;
}

/* The timed loop: iters increments, no lock (see strategy.h). */
static int none_work(struct worker *w)
{
	return worker_loop(w, NULL, none_increment, NULL);
}

const struct strategy strategy_none = {
	.name = "none",
	.summary = "no lock: a plain load and store (lab 01: yours)",
	.kind = KIND_NONE,
	.racy = true,
	.on_crash = "nothing to release (racy)",
	.work = none_work,
};
