/*
 * none - no protection at all: the lost update, on purpose.
 *
 * Each increment is two steps, a load and a store:
 *
 *	v = counter;		worker A reads 41
 *				worker B reads 41
 *	counter = v + 1;	worker A writes 42
 *				worker B writes 42	one increment lost
 *
 * Nothing stops a second worker from reading between the first one's load
 * and store, so both write back the same value and one increment vanishes.
 * On a multi-core machine the two workers really run at the same instant; on
 * one CPU the same happens whenever the scheduler preempts a worker between
 * its load and its store. The counter is volatile, so the compiler emits the
 * load and the store each time (without it, gcc -O2 turns the whole loop
 * into one add at the end and a whole worker's run vanishes at once, which
 * teaches the wrong lesson).
 *
 * Holder dies: there is no holder; nothing to release.
 * fork(): nothing to inherit. Threads: a data race in the C11 sense, which
 * ThreadSanitizer reports.
 * Cost: a load and a store, about a nanosecond uncontended; under contention
 * the counter's cache line bounces between CPUs.
 *
 * Read next: `objdump -d build/src/strategies/none.o` and find, in
 * none_work, the load (a mov from memory into a register, such as
 * mov (%rcx),%rax), the add, and the store (mov %rax,(%rcx)).
 */
#include "core/loop.h"

/* The load: one mov from memory into a register (volatile: always). */
static inline uint64_t none_load(union counter *c)
{
	return c->plain;
}

/* The store: one mov back, of what the load read plus one. */
static inline void none_store(union counter *c, uint64_t v)
{
	c->plain = v + 1;
}

/*
 * The loop does v = none_load(); none_store(v), with nothing between
 * them (unless the run is probed: then the probe waits there). On a store
 * whose counter is not in memory (a file) the store's own read and write
 * take their place.
 */
static int none_work(struct worker *w)
{
	return worker_loop_rmw(w, NULL, none_load, none_store, NULL);
}

const struct strategy strategy_none = {
	.name = "none",
	.summary = "no lock: a plain load and store, loses updates on purpose",
	.kind = KIND_NONE,
	.counter = COUNTER_RMW,
	.lock = LOCK_NONE,
	.crash = CRASH_RACY,
	.racy = true,
	.on_crash = "nothing to release (racy)",
	.work = none_work,
};
