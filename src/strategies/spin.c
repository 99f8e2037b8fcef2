/*
 * spin - a test-and-set spinlock on a C11 atomic_flag.
 *
 * The lock is one flag in the shared segment. To take it, a worker sets it
 * and learns what was there before, in one indivisible step
 * (atomic_flag_test_and_set: an `xchg` on x86). Clear before: the worker
 * holds the lock. Set: somebody else does; try again. The exchange is
 * atomic, so two workers never both see "clear": that is the exclusion.
 * Unlock is a plain store that clears the flag.
 *
 * Memory order: acquire on the test-and-set, release on the clear. The
 * release makes the holder's store to the counter visible before the flag
 * reads clear; the acquire keeps the next holder's load of the counter after
 * it saw the flag clear. (x86 gives both for free: xchg is a full barrier.)
 * Every retry is a write, which takes the flag's cache line exclusive and
 * steals it from the other waiters and from the holder (compare ttas.c);
 * waiters pause, and yield after a while (spinwait.h). Nothing queues them:
 * the worker that just unlocked usually wins again (docs/strategies/spin.md).
 *
 * Holder dies: nothing clears the flag; the others spin for ever and the
 * watchdog reports DEADLOCK. fork(), threads: the flag is in the shared
 * segment, and the instruction works the same across processes.
 * Cost: one xchg and one store, 2.2 ns per increment uncontended.
 *
 * Read next: C11 7.17.8 (atomic_flag), spinwait.h, ttas.c, ticket.c.
 */
#include "core/loop.h"
#include "strategies/common/spinwait.h"

struct spin_shared {
	alignas(CACHE_LINE) atomic_flag flag; /* set: somebody holds the lock */
};

static int spin_setup(struct run *run)
{
	struct spin_shared *s = (void *)run->lock_area;

	atomic_flag_clear(&s->flag);
	return 0;
}

/* Kept out of the loop: it runs only when the lock was taken. */
static __attribute__((noinline, cold)) void spin_lock_wait(atomic_flag *flag)
{
	unsigned spins = 0;

	do
		spin_wait(&spins);
	while (atomic_flag_test_and_set_explicit(flag, memory_order_acquire));
}

static inline int spin_lock(struct worker *w)
{
	struct spin_shared *s = w->shared;

	if (atomic_flag_test_and_set_explicit(&s->flag, memory_order_acquire))
		spin_lock_wait(&s->flag);
	return 0;
}

static inline int spin_unlock(struct worker *w)
{
	struct spin_shared *s = w->shared;

	atomic_flag_clear_explicit(&s->flag, memory_order_release);
	return 0;
}

static int spin_work(struct worker *w)
{
	return worker_loop(w, spin_lock, spin_unlock);
}

const struct strategy strategy_spin = {
	.name = "spin",
	.summary = "test-and-set spinlock on a C11 atomic_flag "
		   "(acquire/release)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: spins for ever",
	.setup = spin_setup,
	.work = spin_work,
};
