/* posix-sem.c - an unnamed POSIX semaphore in the shared segment. */
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>

#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	sem_t *sem = (sem_t *)r->lock;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		while (sem_wait(sem) == -1)
			if (errno != EINTR)
				worker_fail("sem_wait", errno);
		rmw(c);
		if (sem_post(sem) == -1)
			worker_fail("sem_post", errno);
	}
}

static int setup(struct region *r)
{
	if (sem_init((sem_t *)r->lock, 1, 1) == -1) {
		perror("minimal: sem_init");
		return -1;
	}
	return 0;
}

static void teardown(struct region *r)
{
	(void)sem_destroy((sem_t *)r->lock);
}

const struct minimal minimal = {
	.name = "posix-sem",
	.setup = setup,
	.teardown = teardown,
	.loop = loop,
};
