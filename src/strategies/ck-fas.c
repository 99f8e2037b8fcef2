/*
 * ck-fas - Concurrency Kit's fetch-and-store spinlock (ck_spinlock_fas),
 * checked the racelab way: a test-and-test-and-set lock, as ttas.c, from a
 * production library.
 *
 * The lock is one word. Lock swaps in "taken" (ck_pr_fas_uint, an `xchg`)
 * and holds it if the old value was "free"; otherwise it spins on plain
 * loads with `pause` until the word reads free, then swaps again. Unlock
 * stores "free". The exchange gives the exclusion. Nothing queues the
 * waiters: like spin.c it is unfair, and the last holder, whose cache still
 * has the line, usually wins again.
 *
 * Differences from ttas.c: no exponential backoff (ck has it separately, as
 * ck_spinlock_fas_lock_eb) and no yield, so with more workers than CPUs a
 * preempted holder leaves the others spinning out their time slices
 * (docs/strategies/ck-fas.md).
 *
 * Holder dies: nothing clears the word; the others spin for ever and the
 * watchdog reports DEADLOCK. fork(), threads: the word is in the shared
 * segment. Cost: 5.2 ns per increment alone (ttas: 5.2 ns).
 *
 * Read next: /usr/include/spinlock/fas.h, ck_spinlock(3), ttas.c, spin.c.
 */
#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"

#ifdef RACELAB_HAVE_CK
#include <ck_spinlock.h>

struct ck_fas_shared {
	alignas(CACHE_LINE) ck_spinlock_fas_t lock; /* ck's lock */
};

static int ck_fas_setup(struct run *run)
{
	struct ck_fas_shared *s = (void *)run->lock_area;

	ck_spinlock_fas_init(&s->lock);
	return 0;
}

static inline int ck_fas_lock(struct worker *w)
{
	struct ck_fas_shared *s = w->shared;

	ck_spinlock_fas_lock(&s->lock);
	TSAN_ACQUIRE(w->shared); /* ck's atomics are asm: see strategy.h */
	return 0;
}

static inline int ck_fas_unlock(struct worker *w)
{
	struct ck_fas_shared *s = w->shared;

	TSAN_RELEASE(w->shared);
	ck_spinlock_fas_unlock(&s->lock);
	return 0;
}

static int ck_fas_work(struct worker *w)
{
	return worker_loop(w, ck_fas_lock, ck_fas_unlock);
}
#endif

const struct strategy strategy_ck_fas = {
	.name = "ck-fas",
	.summary = "Concurrency Kit's fetch-and-store spinlock "
		   "(ck_spinlock_fas)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: spins for ever",
#ifdef RACELAB_HAVE_CK
	.setup = ck_fas_setup,
	.work = ck_fas_work,
#else
	.unsupported = "built without Concurrency Kit (<ck_spinlock.h>: "
		       "apt-get install libck-dev, then make clean all)",
#endif
};
