/* mutex.h - what robust-mutex and mutex share: a process-shared pthread
 * mutex at region.lock, locked and unlocked by the same loop; only the
 * attributes differ. */
#ifndef RACELAB_BENCH_MUTEX_H
#define RACELAB_BENCH_MUTEX_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

static int mutex_setup(struct region *r, int robust)
{
	pthread_mutexattr_t attr;
	int err = pthread_mutexattr_init(&attr);

	if (!err)
		err =
		    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (!err && robust)
		err = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
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
