/* pthread-spin.c - pthread_spin_lock, PTHREAD_PROCESS_SHARED. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	pthread_spinlock_t *l = (pthread_spinlock_t *)r->lock;
	int err;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		if ((err = pthread_spin_lock(l)) != 0)
			worker_fail("pthread_spin_lock", err);
		rmw(c);
		if ((err = pthread_spin_unlock(l)) != 0)
			worker_fail("pthread_spin_unlock", err);
	}
}

static int setup(struct region *r)
{
	int err = pthread_spin_init((pthread_spinlock_t *)r->lock,
				    PTHREAD_PROCESS_SHARED);

	if (err)
		fprintf(stderr, "minimal: pthread_spin_init: %s\n",
			strerror(err));
	return err ? -1 : 0;
}

const struct minimal minimal = {
	.name = "pthread-spin",
	.setup = setup,
	.loop = loop,
};
