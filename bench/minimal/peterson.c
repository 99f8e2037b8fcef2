/* peterson.c - Peterson's algorithm for 2 workers, sequentially consistent. */
#include "peterson.h"

LOOP loop(struct region *r, unsigned me, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct peterson *p = (struct peterson *)r->lock;
	uint64_t x = 88172645463325252ULL + me;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		atomic_store(&p->want[me], 1);
		atomic_store(&p->turn, 1 - me);
		while (atomic_load(&p->want[1 - me]) &&
		       atomic_load(&p->turn) == 1 - me)
			spin_wait();
		rmw(c);
		atomic_store_explicit(&p->want[me], 0, memory_order_release);
		outside(&x);
	}
}

const struct minimal minimal = { .name = "peterson", .procs = 2, .loop = loop };
