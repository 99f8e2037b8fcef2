/*
 * pthread-spin - POSIX's own spinlock, pthread_spin_lock(), in the shared
 * segment, initialised PTHREAD_PROCESS_SHARED.
 *
 * glibc's pthread_spinlock_t is one int: lock is an atomic exchange (a
 * `lock cmpxchg` or `xchg`) that sets it to 1, and while it reads 1 the
 * caller spins on plain loads with `pause` (test-and-test-and-set, as in
 * ttas.c); unlock is a store of 0. The exchange gives the exclusion. What
 * POSIX adds is a portable name and the pshared flag, which here means
 * nothing: the lock never involves the kernel, so processes that map the
 * int share it as threads do.
 *
 * What it lacks next to racelab's own spinlocks: it never yields. With more
 * workers than CPUs, a holder preempted inside the section leaves every
 * waiter spinning until its time slice ends (spinwait.h says why racelab's
 * spinners yield); docs/strategies/pthread-spin.md has the measured cost at
 * 2 and 4 workers on 2 CPUs. Like spin.c it is unfair: nothing queues waiters.
 *
 * Holder dies: nothing clears the int; the others spin for ever and the
 * watchdog reports DEADLOCK (there is no robust spinlock).
 * fork(), threads: the int is in the shared segment.
 * Cost: 5.95 ns per increment alone (spin: 5.2 ns, measured alongside).
 *
 * Read next: pthread_spin_init(3), pthread_spin_lock(3), spin.c, ttas.c.
 */
#include <pthread.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/util.h"

#if defined(_POSIX_SPIN_LOCKS) && _POSIX_SPIN_LOCKS > 0 &&                     \
    defined(_POSIX_THREAD_PROCESS_SHARED) && _POSIX_THREAD_PROCESS_SHARED > 0
#define PTHREAD_SPIN_HERE 1
#endif

#ifdef PTHREAD_SPIN_HERE
struct pthread_spin_shared {
	alignas(CACHE_LINE) pthread_spinlock_t lock; /* the lock itself */
	bool initialised; /* pthread_spin_init succeeded */
};

static int pthread_spin_setup(struct run *run)
{
	struct pthread_spin_shared *s = (void *)run->lock_area;
	int err = pthread_spin_init(&s->lock, PTHREAD_PROCESS_SHARED);

	if (err)
		return report_errno("pthread-spin", "pthread_spin_init", err);
	s->initialised = true;
	return 0;
}

static void pthread_spin_teardown(struct run *run)
{
	struct pthread_spin_shared *s = (void *)run->lock_area;

	if (s->initialised)
		(void)pthread_spin_destroy(&s->lock);
	s->initialised = false;
}

static inline int pthread_spin_take(struct worker *w)
{
	struct pthread_spin_shared *s = w->shared;
	int err = pthread_spin_lock(&s->lock);

	if (err)
		return report_errno("pthread-spin", "pthread_spin_lock", err);
	return 0;
}

static inline int pthread_spin_give(struct worker *w)
{
	struct pthread_spin_shared *s = w->shared;
	int err = pthread_spin_unlock(&s->lock);

	if (err)
		return report_errno("pthread-spin", "pthread_spin_unlock", err);
	return 0;
}

static int pthread_spin_work(struct worker *w)
{
	return worker_loop(w, pthread_spin_take, pthread_spin_give);
}
#endif

const struct strategy strategy_pthread_spin = {
	.name = "pthread-spin",
	.summary = "pthread_spin_lock, PTHREAD_PROCESS_SHARED: POSIX's "
		   "spinlock, never yields",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: spins for ever",
#ifdef PTHREAD_SPIN_HERE
	.setup = pthread_spin_setup,
	.work = pthread_spin_work,
	.teardown = pthread_spin_teardown,
#else
	.unsupported = "no process-shared POSIX spinlocks here "
		       "(_POSIX_SPIN_LOCKS)",
#endif
};
