/*
 * mutex - a plain pthread mutex in the shared segment, PROCESS_SHARED but
 * not ROBUST. Correct while nobody dies; a dead holder locks out everyone
 * else for ever (try --crash-at).
 *
 * Locking works exactly as in robust-mutex.c: an atomic compare-and-swap on
 * a word in shared memory, and a futex sleep when the mutex is taken. What
 * is missing is the robust list: nobody tells the kernel which mutexes a
 * thread holds, so when the holder dies nothing marks the mutex "owner
 * died" and nothing wakes the waiters. They sleep in futex_wait for good.
 * racelab's watchdog notices that no increment finishes any more, kills
 * the survivors and reports DEADLOCK (exit status 4).
 *
 * Within one process this rarely matters (a dead thread usually means a
 * dead process), which is why ROBUST is not the default; across processes
 * that share a mutex, one crash is enough.
 *
 * Holder dies: deadlock. fork(): the mutex is in the shared segment, so
 * every worker uses the same object. Threads: the same.
 * Cost: as robust-mutex (the robust list costs a few stores per lock).
 *
 * Read next: pthread_mutexattr_setpshared(3), pthread_mutexattr_setrobust(3)
 * for the fix, and docs/crash-recovery.md.
 */
#include <errno.h>
#include <pthread.h>

#include "core/loop.h"
#include "strategies/common/pmutex.h"

static int mutex_setup(struct run *run)
{
	pthread_mutexattr_t attr;
	int err = pmutex_attr_init(&attr);

	if (err)
		return report_errno("mutex", "pthread_mutexattr_init", err);
	return pmutex_init(run, &attr, err);
}

static void mutex_teardown(struct run *run)
{
	pmutex_teardown(run);
}

static inline int mutex_lock(struct worker *w)
{
	return pmutex_lock(w, "mutex", false);
}

static inline int mutex_unlock(struct worker *w)
{
	return pmutex_unlock(w, "mutex");
}

static int mutex_work(struct worker *w)
{
	return worker_loop(w, mutex_lock, mutex_unlock);
}

const struct strategy strategy_mutex = {
	.name = "mutex",
	.summary =
	    "pthread mutex in shared memory, PROCESS_SHARED, not robust: "
	    "a dead holder deadlocks the rest",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: stays locked",
	.setup = mutex_setup,
	.work = mutex_work,
	.teardown = mutex_teardown,
};
