/* peterson-relaxed.c - Peterson's algorithm with relaxed atomics: racy. */
#include "peterson.h"

LOOP loop(struct region *r, unsigned me, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct peterson *p = (struct peterson *)r->lock;
	uint64_t x = 88172645463325252ULL + me;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		atomic_store_explicit(&p->want[me], 1, memory_order_relaxed);
		atomic_store_explicit(&p->turn, 1 - me, memory_order_relaxed);
		while (atomic_load_explicit(&p->want[1 - me],
					    memory_order_relaxed) &&
		       atomic_load_explicit(&p->turn, memory_order_relaxed) ==
			   1 - me)
			spin_wait();
		rmw(c);
		atomic_store_explicit(&p->want[me], 0, memory_order_relaxed);
		outside(&x);
	}
}

const struct minimal minimal = {
	.name = "peterson-relaxed",
	.racy = true,
	.procs = 2,
	.loop = loop,
};
