/*
 * rwlock - the writer side of a pthread read-write lock, in the shared
 * segment, PTHREAD_PROCESS_SHARED: pthread_rwlock_wrlock() ... unlock().
 *
 * A read-write lock lets many readers in at once, or one writer alone. An
 * increment writes, so every worker takes the writer side and the lock
 * works as a mutex; what this strategy measures is what the reader
 * bookkeeping costs a writer. glibc keeps the state in one word (a reader
 * count, a writer bit and phase bits) changed with compare-and-swap, plus
 * futexes for readers and for writers to sleep on; a free lock is one CAS to
 * take and one to give back, no system call. The CAS on that word gives the
 * exclusion. The default kind prefers readers; with only writers that makes
 * no difference.
 *
 * Holder dies: there is no robust read-write lock in POSIX or glibc; the
 * word stays write-locked, the others sleep for ever and the watchdog
 * reports DEADLOCK. fork(), threads: the lock is in the shared segment (the
 * futexes are keyed on the physical page, as for robust-mutex.c).
 * Cost: 17.9 ns per increment alone (mutex: 11.5 ns, measured alongside).
 *
 * Read next: pthread_rwlock_init(3p), pthread_rwlockattr_setpshared(3p),
 * pthread_rwlockattr_setkind_np(3), mutex.c.
 */
#include <pthread.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/util.h"

#if defined(_POSIX_THREAD_PROCESS_SHARED) && _POSIX_THREAD_PROCESS_SHARED > 0
#define RWLOCK_HERE 1
#endif

#ifdef RWLOCK_HERE
struct rwlock_shared {
	pthread_rwlock_t lock; /* the lock itself, in shared memory */
	bool initialised;      /* pthread_rwlock_init succeeded */
};

static int rwlock_setup(struct run *run)
{
	struct rwlock_shared *s = (void *)run->lock_area;
	pthread_rwlockattr_t attr;
	int err = pthread_rwlockattr_init(&attr);

	if (err)
		return report_errno("rwlock", "pthread_rwlockattr_init", err);
	err = pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_rwlock_init(&s->lock, &attr);
	(void)pthread_rwlockattr_destroy(&attr);
	if (err)
		return report_errno("rwlock", "pthread_rwlock_init", err);
	s->initialised = true;
	return 0;
}

static void rwlock_teardown(struct run *run)
{
	struct rwlock_shared *s = (void *)run->lock_area;

	if (s->initialised)
		(void)pthread_rwlock_destroy(&s->lock);
	s->initialised = false;
}

static inline int rwlock_lock(struct worker *w)
{
	struct rwlock_shared *s = w->shared;
	int err = pthread_rwlock_wrlock(&s->lock);

	if (err)
		return report_errno("rwlock", "pthread_rwlock_wrlock", err);
	return 0;
}

static inline int rwlock_unlock(struct worker *w)
{
	struct rwlock_shared *s = w->shared;
	int err = pthread_rwlock_unlock(&s->lock);

	if (err)
		return report_errno("rwlock", "pthread_rwlock_unlock", err);
	return 0;
}

static int rwlock_work(struct worker *w)
{
	return worker_loop(w, rwlock_lock, rwlock_unlock);
}
#endif

const struct strategy strategy_rwlock = {
	.name = "rwlock",
	.summary = "pthread read-write lock, writer side, PROCESS_SHARED",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: stays write-locked",
#ifdef RWLOCK_HERE
	.setup = rwlock_setup,
	.work = rwlock_work,
	.teardown = rwlock_teardown,
#else
	.unsupported = "no process-shared read-write locks here "
		       "(_POSIX_THREAD_PROCESS_SHARED)",
#endif
};
