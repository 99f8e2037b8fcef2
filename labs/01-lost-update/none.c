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
 * The loop that runs them (see src/core/loop.h) calls your none_load(),
 * then hands what it returned, v, to your none_store().
 *
 * Nothing stops another worker from loading the same value between your
 * load and your store; then both store the same v + 1, and one increment
 * is lost. That is the point of this lab: the checker expects your
 * increment to count right for one worker alone, and to lose updates as
 * soon as two run at once.
 *
 * The counter: c->plain, a volatile uint64_t in memory that every worker
 * shares (SysV shared memory between processes).
 * Headers: loop.h is src/core/loop.h.
 */
#include "core/loop.h"

/* The load: return what the counter holds now. */
static inline uint64_t none_load(union counter *c)
{
	volatile uint64_t *counter = &c->plain;
	uint64_t v = 0;

	/* TODO 1: the load. Read the counter into v. */

	(void)(counter); /* (keeps the compiler quiet until you use it) */
	return v;
}

/* The store: v is what your load returned. */
static inline void none_store(union counter *c, uint64_t v)
{
	volatile uint64_t *counter = &c->plain;

	/* TODO 2: the store. Write v + 1 into the counter. */
	(void)counter;
	(void)v;
}

/* The timed loop: iters x { v = none_load(); none_store(v) }. */
static int none_work(struct worker *w)
{
	return worker_loop_rmw(w, NULL, none_load, none_store, NULL);
}

const struct strategy strategy_none = {
	.name = "none",
	.summary = "no lock: a plain load and store (lab 01: yours)",
	.kind = KIND_NONE,
	.counter = COUNTER_RMW,
	.lock = LOCK_NONE,
	.crash = CRASH_RACY,
	.racy = true,
	.on_crash = "nothing to release (racy)",
	.work = none_work,
};
