/* rwlock.c - the writer side of a process-shared pthread_rwlock_t. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	pthread_rwlock_t *l = (pthread_rwlock_t *)r->lock;
	int err;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		if ((err = pthread_rwlock_wrlock(l)) != 0)
			worker_fail("pthread_rwlock_wrlock", err);
		rmw(c);
		if ((err = pthread_rwlock_unlock(l)) != 0)
			worker_fail("pthread_rwlock_unlock", err);
	}
}

static int setup(struct region *r)
{
	pthread_rwlockattr_t attr;
	int err = pthread_rwlockattr_init(&attr);

	if (!err)
		err = pthread_rwlockattr_setpshared(&attr,
						    PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_rwlock_init((pthread_rwlock_t *)r->lock, &attr);
	(void)pthread_rwlockattr_destroy(&attr);
	if (err)
		fprintf(stderr, "minimal: pthread_rwlock_init: %s\n",
			strerror(err));
	return err ? -1 : 0;
}

const struct minimal minimal = {
	.name = "rwlock",
	.setup = setup,
	.loop = loop,
};
