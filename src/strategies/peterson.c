/*
 * peterson - Peterson's algorithm (1981): mutual exclusion for two workers
 * from nothing but loads and stores, with sequentially consistent atomics.
 *
 *	flag[me] = 1;		I want in
 *	turn = other;		but you go first if you want in too
 *	while (flag[other] && turn == other)
 *		wait;
 *	... critical section ...
 *	flag[me] = 0;
 *
 * Why it excludes: if both want in, both wrote turn, and the later write
 * wins; the worker that wrote last waits, the other goes. No atomic
 * read-modify-write instruction is needed: that was its point.
 *
 * But it needs every store to be visible before the following load, and
 * x86 does not give that for free: each core has a store buffer, so a load
 * may complete before an earlier store to another address reaches the
 * cache (store-load reordering). Both workers could then read the other's
 * flag as 0 and enter together. memory_order_seq_cst forbids it: gcc makes
 * each seq_cst store an `xchg`, a full barrier that drains the store buffer.
 * peterson-relaxed.c drops the orders and shows the loss.
 *
 * Holder dies: its flag stays 1 and turn points at it, so the survivor
 * waits for ever; racelab's watchdog reports DEADLOCK. fork(), threads: the
 * state is in the shared segment. Exactly two workers: others are refused.
 * Cost: two xchg, two loads and a store per increment, but the two workers
 * always hand the state's cache line back and forth.
 *
 * Read next: G. L. Peterson, "Myths About the Mutual Exclusion Problem"
 * (1981); Preshing, "Memory Reordering Caught in the Act" (2012); the
 * Intel SDM, vol. 3A, 9.2 (memory ordering); peterson-relaxed.c.
 */
#include "../strategy.h"
#include "peterson.h"
#include "spinwait.h"

/* Kept out of the loop: it runs only when the other worker is in. */
static __attribute__((noinline, cold)) void
peterson_wait(struct peterson_shared *s, unsigned other)
{
	unsigned spins = 0;

	do
		spin_wait(&spins);
	while (atomic_load(&s->flag[other]) && atomic_load(&s->turn) == other);
}

static inline int peterson_lock(struct worker *w)
{
	struct peterson_shared *s = w->shared;
	unsigned me = w->id, other = 1 - w->id;

	atomic_store(&s->flag[me], 1); /* seq_cst: xchg */
	atomic_store(&s->turn, other); /* seq_cst: xchg */
	if (atomic_load(&s->flag[other]) && atomic_load(&s->turn) == other)
		peterson_wait(s, other);
	return 0;
}

static inline int peterson_unlock(struct worker *w)
{
	struct peterson_shared *s = w->shared;

	/* Release: the counter's store is visible before the flag drops. */
	atomic_store_explicit(&s->flag[w->id], 0, memory_order_release);
	peterson_outside(w); /* see peterson.h */
	return 0;
}

static int peterson_work(struct worker *w)
{
	return worker_loop(w, peterson_lock, counter_rmw, peterson_unlock);
}

const struct strategy strategy_peterson = {
	.name = "peterson",
	.summary = "Peterson's algorithm, two workers, seq_cst loads and "
		   "stores (no read-modify-write)",
	.kind = KIND_USER,
	.on_crash = "none: its flag stays up",
	.refuse = peterson_refuse,
	.work = peterson_work,
};
