/*
 * adaptive-mutex - a glibc "adaptive" pthread mutex in the shared segment,
 * PTHREAD_MUTEX_ADAPTIVE_NP and PROCESS_SHARED: spin a while, then sleep.
 *
 * A normal mutex (mutex.c) that finds the lock taken goes to sleep in the
 * kernel at once (FUTEX_WAIT), and its wake-up costs microseconds. If the
 * holder is running on another CPU and about to unlock, that is a waste:
 * spinning a little would have been cheaper. The adaptive kind spins with
 * trylock first, up to a limit that adapts to how long recent spins took
 * (glibc keeps a running average in the mutex, capped by the tunable
 * glibc.pthread.mutex_spin_count, default 100), and only then sleeps. The
 * compare-and-swap on the mutex word gives the exclusion, as in mutex.c.
 *
 * The glibc trap: PTHREAD_MUTEX_ADAPTIVE_NP (like PTHREAD_MUTEX_ROBUST) is
 * an enum constant, not a macro, so `#ifdef PTHREAD_MUTEX_ADAPTIVE_NP` is
 * never true and would silently compile the strategy out. This file asks
 * for glibc itself (the _NP means "not portable").
 *
 * Holder dies: not robust (as mutex.c): the word stays locked, the others
 * sleep for ever and the watchdog reports DEADLOCK. fork(), threads: the
 * mutex is in the shared segment.
 * Cost: 11.6 ns per increment alone, as mutex (11.5 ns); the difference
 * is in the
 * contended handoffs (docs/strategies/adaptive-mutex.md).
 *
 * Read next: pthread_mutexattr_settype(3), tunables(7)
 * (glibc.pthread.mutex_spin_count), mutex.c, futex.c.
 */
#include <errno.h>
#include <pthread.h>

#include "core/loop.h"
#include "strategies/common/pmutex.h"

#if defined(__GLIBC__) && defined(_GNU_SOURCE)
#define ADAPTIVE_HERE 1
#endif

#ifdef ADAPTIVE_HERE
static int adaptive_mutex_setup(struct run *run)
{
	pthread_mutexattr_t attr;
	int err = pmutex_attr_init(&attr);

	if (err)
		return report_errno("adaptive-mutex", "pthread_mutexattr_init",
				    err);
	/* The one call that makes it adaptive. */
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	return pmutex_init(run, &attr, err);
}

static void adaptive_mutex_teardown(struct run *run)
{
	pmutex_teardown(run);
}

static inline int adaptive_mutex_lock(struct worker *w)
{
	return pmutex_lock(w, "adaptive-mutex", false);
}

static inline int adaptive_mutex_unlock(struct worker *w)
{
	return pmutex_unlock(w, "adaptive-mutex");
}

static int adaptive_mutex_work(struct worker *w)
{
	return worker_loop(w, adaptive_mutex_lock, adaptive_mutex_unlock);
}
#endif

const struct strategy strategy_adaptive_mutex = {
	.name = "adaptive-mutex",
	.summary = "glibc adaptive pthread mutex (ADAPTIVE_NP): spins, then "
		   "sleeps",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: stays locked",
#ifdef ADAPTIVE_HERE
	.setup = adaptive_mutex_setup,
	.work = adaptive_mutex_work,
	.teardown = adaptive_mutex_teardown,
#else
	.unsupported = "PTHREAD_MUTEX_ADAPTIVE_NP is glibc's own",
#endif
};
