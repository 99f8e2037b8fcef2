/* ck-fas.c - Concurrency Kit's ck_spinlock_fas. */
#include "ck.h"

#ifdef RACELAB_HAVE_CK
LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	ck_spinlock_fas_t *l = (ck_spinlock_fas_t *)r->lock;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_fas_lock(l);
		rmw(c);
		ck_spinlock_fas_unlock(l);
	}
}

static int setup(struct region *r)
{
	ck_spinlock_fas_init((ck_spinlock_fas_t *)r->lock);
	return 0;
}

const struct minimal minimal = {
	.name = "ck-fas",
	.setup = setup,
	.loop = loop,
};
#else
const struct minimal minimal = {
	.name = "ck-fas",
	.setup = ck_missing,
	.loop = ck_no_loop,
};
#endif
