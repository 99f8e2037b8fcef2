/*
 * peterson - Peterson's algorithm (1981): mutual exclusion for two workers
 * from loads and stores alone, with sequentially consistent atomics.
 *
 *	flag[me] = 1;			I want in,
 *	turn = other;			but you go first if you want in too.
 *	while (flag[other] && turn == other)
 *		wait;
 *	... critical section ...	flag[me] = 0;
 *
 * Why it excludes: if both want in, both wrote turn and the later write
 * wins; the worker that wrote last waits. No atomic read-modify-write
 * instruction is needed: that was its point. But each store must be visible
 * before the next load, and x86 does not promise that: each core has a
 * store buffer, so a load can complete before an earlier store to another
 * address leaves it (store-load reordering). Both could then read the
 * other's flag as 0 and go in together. memory_order_seq_cst forbids it: gcc
 * makes each seq_cst store an `xchg`, a full barrier. peterson-relaxed.c
 * drops the orders and loses updates. Both spend a random time outside the
 * lock after each unlock (peterson.h says why).
 *
 * Holder dies: its flag stays up and turn points at it; the survivor waits
 * for ever and the watchdog reports DEADLOCK. fork(), threads: the state is
 * in the shared segment. Exactly two workers; other counts are refused.
 * Cost: 46 ns per increment for two workers on two CPUs, handing the
 * state's cache line back and forth (300 ns in other runs).
 *
 * Read next: Peterson, "Myths About the Mutual Exclusion Problem" (1981);
 * the Intel SDM, vol. 3A, "Memory Ordering" ("Loads May Be Reordered with
 * Earlier Stores to Different Locations"); peterson-relaxed.c.
 */
#include "core/loop.h"
#include "strategies/common/peterson.h"
#include "strategies/common/spinwait.h"

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
	return worker_loop(w, peterson_lock, peterson_unlock);
}

const struct strategy strategy_peterson = {
	.name = "peterson",
	.summary = "Peterson's algorithm, two workers, seq_cst loads and "
		   "stores (no read-modify-write)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: its flag stays up",
	.cannot_run = peterson_cannot_run,
	.work = peterson_work,
};
