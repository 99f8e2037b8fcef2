/* sysv-sem-noundo.c - semop P and V without an undo record. */
#include "driver.h"
#include "sysv.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	int semid = *(int *)r->lock;
	struct sembuf p = { .sem_num = 0, .sem_op = -1, .sem_flg = 0 };
	struct sembuf v = { .sem_num = 0, .sem_op = +1, .sem_flg = 0 };

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		if (semop(semid, &p, 1) == -1)
			worker_fail("semop", errno);
		rmw(c);
		if (semop(semid, &v, 1) == -1)
			worker_fail("semop", errno);
	}
}

const struct minimal minimal = {
	.name = "sysv-sem-noundo",
	.setup = sysv_setup,
	.teardown = sysv_teardown,
	.loop = loop,
};
