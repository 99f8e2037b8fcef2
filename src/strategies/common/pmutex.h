/*
 * pmutex.h - what the process-shared pthread mutex strategies share (mutex,
 * pi-mutex, adaptive-mutex): the mutex in the run's lock area, made from an
 * attribute object that each strategy configures in its own file (that one
 * call is what tells them apart), and lock and unlock, with the EOWNERDEAD
 * recovery for the robust ones.
 *
 * robust-mutex.c keeps its own copy on purpose: it is lab 03's reference,
 * the file a student writes (as flock.c, lab 05's, keeps its lock-file
 * steps), and labs/compare-starters.py holds the starter to it.
 */
#ifndef RACELAB_PMUTEX_H
#define RACELAB_PMUTEX_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/strategy.h"
#include "core/util.h"

struct pmutex_shared {
	pthread_mutex_t mutex; /* the lock itself, in shared memory */
	bool initialised;      /* pthread_mutex_init succeeded */
};

/* An attribute object set PROCESS_SHARED; 0 or a pthread error number. */
static inline int pmutex_attr_init(pthread_mutexattr_t *attr)
{
	int err = pthread_mutexattr_init(attr);

	if (err)
		return err;
	err = pthread_mutexattr_setpshared(attr, PTHREAD_PROCESS_SHARED);
	if (err)
		(void)pthread_mutexattr_destroy(attr);
	return err;
}

/*
 * The mutex from attr, which is destroyed; err is what the strategy's own
 * attribute calls returned (0: go on). 0 or a negative errno, reported.
 */
static inline int pmutex_init(struct run *run, pthread_mutexattr_t *attr,
			      int err)
{
	struct pmutex_shared *s = (void *)run->lock_area;

	if (!err)
		err = pthread_mutex_init(&s->mutex, attr);
	(void)pthread_mutexattr_destroy(attr);
	if (err)
		return report_errno(run->strategy->name, "pthread_mutex_init",
				    err);
	s->initialised = true;
	return 0;
}

/* Every worker is gone. After a crash a non-robust one is still locked
 * (EBUSY); the lock area goes with the region anyway. */
static inline void pmutex_teardown(struct run *run)
{
	struct pmutex_shared *s = (void *)run->lock_area;

	if (s->initialised)
		(void)pthread_mutex_destroy(&s->mutex);
	s->initialised = false;
}

/* robust: a constant in each caller, so the branch is compiled away. */
static inline __attribute__((always_inline)) int
pmutex_lock(struct worker *w, const char *who, bool robust)
{
	struct pmutex_shared *s = w->shared;
	int err = pthread_mutex_lock(&s->mutex);

	if (robust && err == EOWNERDEAD) {
		/* We hold it now; the previous holder died inside. */
		atomic_fetch_add_explicit(&w->slot->recoveries, 1,
					  memory_order_relaxed);
		err = pthread_mutex_consistent(&s->mutex);
	}
	if (err)
		return report_errno(who, "pthread_mutex_lock", err);
	return 0;
}

static inline __attribute__((always_inline)) int pmutex_unlock(struct worker *w,
							       const char *who)
{
	struct pmutex_shared *s = w->shared;
	int err = pthread_mutex_unlock(&s->mutex);

	if (err)
		return report_errno(who, "pthread_mutex_unlock", err);
	return 0;
}

#endif
