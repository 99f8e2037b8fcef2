/*
 * spin - a test-and-set spinlock on a C11 atomic_flag.
 *
 * The lock is one flag in the shared segment. To take it, a worker sets the
 * flag and looks at what was there before, in one indivisible step
 * (atomic_flag_test_and_set, an `xchg` on x86): if it was clear, the worker
 * now holds the lock; if it was set, someone else does, and it tries again.
 * Two workers can never both see "clear", because the exchange is atomic:
 * that is the exclusion. Unlock is a plain store that clears the flag.
 *
 * Memory order: acquire on the test-and-set, release on the clear. Release
 * makes the holder's store to the counter visible before the flag reads as
 * clear; acquire makes the next holder's load of the counter happen after it
 * saw the flag clear. Together they carry the counter from one holder to the
 * next. (On x86 both come free: xchg is a full barrier and plain stores are
 * not reordered with older stores.)
 *
 * Every retry is another exchange, which takes the flag's cache line in the
 * exclusive state: waiters steal the line from each other and from the
 * holder, which slows the holder's release (compare ttas.c). Waiters pause,
 * and yield after a while (spinwait.h).
 *
 * Holder dies: nothing clears the flag. The others spin for ever; racelab's
 * watchdog reports DEADLOCK. fork(): the flag is in the shared segment, and
 * the instruction works across processes as across threads.
 * Cost: one xchg and one store, about 10 ns uncontended.
 *
 * Read next: atomic_flag_test_and_set(3) (C11 7.17.8), spinwait.h, ttas.c.
 */
#include "../strategy.h"
#include "spinwait.h"

struct spin_shared {
	alignas(CACHE_LINE) atomic_flag flag; /* set: somebody holds the lock */
};

static int spin_setup(struct run *run)
{
	struct spin_shared *s = (void *)run->region->shared;

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
	return worker_loop(w, spin_lock, counter_rmw, spin_unlock);
}

const struct strategy strategy_spin = {
	.name = "spin",
	.summary = "test-and-set spinlock on a C11 atomic_flag "
		   "(acquire/release)",
	.kind = KIND_USER,
	.on_crash = "none: spins for ever",
	.setup = spin_setup,
	.work = spin_work,
};
