/*
 * robust-mutex.c - lab 03: YOUR pthread mutex, shared between processes,
 * that survives a holder that dies.
 *
 * This file replaces src/strategies/robust-mutex.c when you run `make` or
 * `make check` in this directory. It must keep exporting
 * strategy_robust_mutex.
 *
 * The mutex lives in the shared region (s->mutex, where s is the region's
 * `shared` area), so every worker, process or thread, uses the very same
 * object. The harness calls, in this order:
 *
 *	robust_mutex_setup(run)		in the parent, once, before any worker
 *					exists: make the mutex
 *	robust_mutex_lock(w)		in a worker, before each increment
 *	  ... the increment: load the counter, store it + 1 ...
 *	robust_mutex_unlock(w)		in a worker, after each increment
 *	robust_mutex_teardown(run)	in the parent, once, at the end
 *
 * You write two things, marked TODO 1 and TODO 2. The rest is given.
 *
 * The API you need (each returns 0 or an error number; none sets errno):
 *
 *	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)
 *		the mutex will be used by several processes
 *	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)
 *		if a holder dies, the next locker is told (EOWNERDEAD)
 *	pthread_mutex_lock(&m)	0, or EOWNERDEAD: you hold the mutex now, but
 *				its previous holder died holding it
 *	pthread_mutex_consistent(&m)
 *				after EOWNERDEAD: "I have repaired the data,
 *				the mutex is fine again"
 *
 * Report an error with report_errno("robust-mutex", "the call", err) and
 * return what it returns. Headers: loop.h and util.h are src/core/loop.h
 * (the timed loop; it includes the contract, src/core/strategy.h) and
 * src/core/util.h.
 */
#include <errno.h>
#include <pthread.h>

#include "core/loop.h"
#include "core/util.h"

struct robust_mutex_shared {
	pthread_mutex_t mutex; /* the lock itself, in shared memory */
	bool initialised;      /* pthread_mutex_init succeeded */
};

static int robust_mutex_setup(struct run *run)
{
	struct robust_mutex_shared *s = (void *)run->lock_area;
	pthread_mutexattr_t attr;
	int err;

	err = pthread_mutexattr_init(&attr);
	if (err)
		return report_errno("robust-mutex", "pthread_mutexattr_init",
				    err);

	/*
	 * TODO 1: the attributes. As it is, attr asks for an ordinary mutex:
	 * private to one process, and not robust. Set what this mutex needs
	 * (see the top), checking each call's result.
	 */

	if (!err)
		err = pthread_mutex_init(&s->mutex, &attr);
	(void)pthread_mutexattr_destroy(&attr);
	if (err)
		return report_errno("robust-mutex", "pthread_mutex_init", err);
	s->initialised = true;
	return 0;
}

static void robust_mutex_teardown(struct run *run)
{
	struct robust_mutex_shared *s = (void *)run->lock_area;

	/* EBUSY here would only mean a worker died holding it; the segment
	 * goes away anyway. */
	if (s->initialised)
		(void)pthread_mutex_destroy(&s->mutex);
	s->initialised = false;
}

static inline int robust_mutex_lock(struct worker *w)
{
	struct robust_mutex_shared *s = w->shared;
	int err = pthread_mutex_lock(&s->mutex);

	/*
	 * TODO 2: the previous holder died. Then err is EOWNERDEAD and this
	 * worker holds the mutex. The data it protects may be half-updated:
	 * here the dead worker had read the counter and not written it back,
	 * so the counter is still right and there is nothing to repair. Say
	 * so to the mutex, so it can be used again, and count the recovery
	 * for the report:
	 *
	 *	atomic_fetch_add_explicit(&w->slot->recoveries, 1,
	 *				  memory_order_relaxed);
	 */

	if (err)
		return report_errno("robust-mutex", "pthread_mutex_lock", err);
	return 0;
}

static inline int robust_mutex_unlock(struct worker *w)
{
	struct robust_mutex_shared *s = w->shared;
	int err = pthread_mutex_unlock(&s->mutex);

	if (err)
		return report_errno("robust-mutex", "pthread_mutex_unlock",
				    err);
	return 0;
}

/* The timed loop: lock, increment, unlock, iters times (see core/loop.h). */
static int robust_mutex_work(struct worker *w)
{
	return worker_loop(w, robust_mutex_lock, robust_mutex_unlock);
}

const struct strategy strategy_robust_mutex = {
	.name = "robust-mutex",
	.summary = "pthread mutex in shared memory (lab 03: yours)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_EXACT,
	.on_crash = "EOWNERDEAD, if robust and handled",
	.counts_recoveries = true, /* the recovery column (handout step 4) */
	.setup = robust_mutex_setup,
	.work = robust_mutex_work,
	.teardown = robust_mutex_teardown,
};
