/*
 * pi-mutex - a priority-inheritance pthread mutex in the shared segment:
 * PTHREAD_PRIO_INHERIT, PROCESS_SHARED and ROBUST.
 *
 * Priority inheritance fixes priority inversion: a low-priority holder,
 * preempted by a medium-priority task, keeps a high-priority waiter waiting
 * indefinitely (the Mars Pathfinder bug). With PRIO_INHERIT the kernel lends
 * the holder the priority of its highest waiter until it unlocks. For that
 * the kernel must know who holds the lock, so glibc builds this mutex on
 * FUTEX_LOCK_PI: the word holds the owner's thread id. A free mutex is still
 * taken with one compare-and-swap (0 -> my tid) in user space, but a
 * contended one is queued and handed over by the kernel, in priority order,
 * to exactly one waiter (an rt_mutex): no thundering herd, and no barging.
 * The CAS, or the kernel's handover, gives the exclusion.
 *
 * Holder dies: robust, so the kernel marks the word FUTEX_OWNER_DIED and the
 * next locker gets EOWNERDEAD, calls pthread_mutex_consistent() and goes on,
 * as in robust-mutex.c. Why robust: measured here, a PI mutex that is *not*
 * robust either deadlocks (nobody waited when the holder died) or, when a
 * waiter was queued in the kernel, glibc aborts that waiter with a failed
 * assertion ("robust || (oldval & FUTEX_OWNER_DIED) == 0"): the kernel
 * cleans up a dead PI owner whether or not the mutex is robust.
 * fork(), threads: the mutex is in the shared segment; the owner tid is
 * unique system-wide, so the kernel tells owners apart across processes.
 * Cost: 15.0 ns per increment alone (robust-mutex: 14.3 ns, measured
 * alongside); under contention every handoff is two
 * system calls (FUTEX_LOCK_PI, FUTEX_UNLOCK_PI).
 *
 * Read next: pthread_mutexattr_setprotocol(3p), futex(2) (FUTEX_LOCK_PI),
 * the kernel's Documentation/locking/rt-mutex.rst, robust-mutex.c.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "core/loop.h"
#include "strategies/common/pmutex.h"

/* PTHREAD_PRIO_INHERIT is an enum in glibc: ask the POSIX option instead. */
#if defined(_POSIX_THREAD_PRIO_INHERIT) && _POSIX_THREAD_PRIO_INHERIT > 0
#define PI_MUTEX_HERE 1
#endif

#ifdef PI_MUTEX_HERE
static int pi_mutex_setup(struct run *run)
{
	pthread_mutexattr_t attr;
	int err = pmutex_attr_init(&attr);

	if (err)
		return report_errno("pi-mutex", "pthread_mutexattr_init", err);
	/* The two calls that make it a PI mutex, and a robust one. */
	err = pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
	if (!err)
		err = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	return pmutex_init(run, &attr, err);
}

static void pi_mutex_teardown(struct run *run)
{
	pmutex_teardown(run);
}

static inline int pi_mutex_lock(struct worker *w)
{
	return pmutex_lock(w, "pi-mutex", true);
}

static inline int pi_mutex_unlock(struct worker *w)
{
	return pmutex_unlock(w, "pi-mutex");
}

static int pi_mutex_work(struct worker *w)
{
	return worker_loop(w, pi_mutex_lock, pi_mutex_unlock);
}
#endif

const struct strategy strategy_pi_mutex = {
	.name = "pi-mutex",
	.summary = "pthread mutex, PRIO_INHERIT (FUTEX_LOCK_PI) + ROBUST, "
		   "PROCESS_SHARED",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_EXACT,
	.on_crash = "EOWNERDEAD, made consistent",
	.counts_recoveries = true,
#ifdef PI_MUTEX_HERE
	.setup = pi_mutex_setup,
	.work = pi_mutex_work,
	.teardown = pi_mutex_teardown,
#else
	.unsupported = "no priority-inheritance mutexes here "
		       "(_POSIX_THREAD_PRIO_INHERIT)",
#endif
};
