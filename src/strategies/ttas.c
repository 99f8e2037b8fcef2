/*
 * ttas - test-and-test-and-set: a spinlock whose waiters read before they
 * write, and back off exponentially after each lost race.
 *
 * Exclusion comes from the same atomic exchange as in spin.c; what changes
 * is how a waiter waits. In spin.c every retry is an exchange, a write, so
 * the lock's cache line moves to each waiter in turn, exclusive, and away
 * from the holder. Here a waiter spins on a plain load (the "test"): every
 * waiter keeps a shared, read-only copy of the line and nothing moves until
 * the holder's release invalidates it. Only then does it try the exchange
 * (the "test-and-set"). Those that lose wait 1, 2, 4 ... up to
 * TTAS_BACKOFF_MAX pauses before looking again, so a crowd of waiters does
 * not stampede the line at every release.
 *
 * Memory order: acquire on the exchange that takes the lock, relaxed on the
 * loads that only watch it (they decide nothing), release on the unlock.
 *
 * Holder dies: nothing clears the word; the others spin for ever and the
 * watchdog reports DEADLOCK. fork(), threads: as spin.c.
 * Cost: uncontended as spin.c (2.2 ns); docs/strategies/ttas.md compares
 * the two with 1 to 4 workers.
 *
 * Read next: spin.c, spinwait.h, Herlihy & Shavit, "The Art of
 * Multiprocessor Programming", chapter 7 (spin locks and contention).
 */
#include "core/loop.h"
#include "strategies/common/spinwait.h"

#define TTAS_BACKOFF_MAX 64 /* pauses, about 3 us here */

struct ttas_shared {
	alignas(CACHE_LINE) _Atomic unsigned locked; /* 1: somebody holds it */
};

/* Kept out of the loop: it runs only when the lock was taken. */
static __attribute__((noinline, cold)) void ttas_lock_wait(_Atomic unsigned *l)
{
	unsigned backoff = 1, spins = 0;

	for (;;) {
		/* Test: wait on our cached copy until it looks free. */
		while (atomic_load_explicit(l, memory_order_relaxed))
			spin_wait(&spins);
		/* Test-and-set: now race for it. */
		if (!atomic_exchange_explicit(l, 1, memory_order_acquire))
			return;
		/* Lost the race: back off before looking again. */
		for (unsigned i = 0; i < backoff; i++)
			cpu_relax();
		if (backoff < TTAS_BACKOFF_MAX)
			backoff *= 2;
	}
}

static inline int ttas_lock(struct worker *w)
{
	struct ttas_shared *s = w->shared;

	if (atomic_exchange_explicit(&s->locked, 1, memory_order_acquire))
		ttas_lock_wait(&s->locked);
	return 0;
}

static inline int ttas_unlock(struct worker *w)
{
	struct ttas_shared *s = w->shared;

	atomic_store_explicit(&s->locked, 0, memory_order_release);
	return 0;
}

static int ttas_work(struct worker *w)
{
	return worker_loop(w, ttas_lock, ttas_unlock);
}

const struct strategy strategy_ttas = {
	.name = "ttas",
	.summary = "test-and-test-and-set spinlock, exponential backoff and "
		   "pause",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: spins for ever",
	.work = ttas_work,
};
