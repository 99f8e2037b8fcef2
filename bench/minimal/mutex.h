/* mutex.h - what robust-mutex, mutex, pi-mutex and adaptive-mutex share:
 * a process-shared pthread mutex at region.lock, locked and unlocked by the
 * same loop; only the attributes differ. */
#ifndef RACELAB_BENCH_MUTEX_H
#define RACELAB_BENCH_MUTEX_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

/* protocol: PTHREAD_PRIO_NONE or _INHERIT (pi-mutex); type: _DEFAULT or
 * _ADAPTIVE_NP (adaptive-mutex). Inline, so that a file using neither of
 * these two draws no unused-function warning. */
static inline int mutex_setup_kind(struct region *r, int robust, int protocol,
				   int type)
{
	pthread_mutexattr_t attr;
	int err = pthread_mutexattr_init(&attr);

	if (!err)
		err =
		    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (!err && robust)
		err = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	if (!err && protocol != PTHREAD_PRIO_NONE)
		err = pthread_mutexattr_setprotocol(&attr, protocol);
	if (!err && type != PTHREAD_MUTEX_DEFAULT)
		err = pthread_mutexattr_settype(&attr, type);
	if (!err)
		err = pthread_mutex_init((pthread_mutex_t *)r->lock, &attr);
	(void)pthread_mutexattr_destroy(&attr);
	if (err) {
		fprintf(stderr, "minimal: pthread_mutex_init: %s\n",
			strerror(err));
		return -1;
	}
	return 0;
}

static inline int mutex_setup(struct region *r, int robust)
{
	return mutex_setup_kind(r, robust, PTHREAD_PRIO_NONE,
				PTHREAD_MUTEX_DEFAULT);
}

LOOP mutex_loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	pthread_mutex_t *m = (pthread_mutex_t *)r->lock;
	int err;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		if ((err = pthread_mutex_lock(m)) != 0)
			worker_fail("pthread_mutex_lock", err);
		rmw(c);
		if ((err = pthread_mutex_unlock(m)) != 0)
			worker_fail("pthread_mutex_unlock", err);
	}
}

#endif
