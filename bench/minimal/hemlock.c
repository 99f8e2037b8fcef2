/* hemlock.c - Hemlock: one grant word per worker, no queue nodes. */
#include "lines.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct lines *l = (struct lines *)r->lock;
	struct line *n = l->line;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned pred = atomic_exchange_explicit(&l->tail, id + 1,
							 memory_order_acq_rel);
		unsigned expected = id + 1;

		if (pred) {
			while (!atomic_load_explicit(&n[pred - 1].a,
						     memory_order_acquire))
				spin_wait();
			atomic_store_explicit(&n[pred - 1].a, 0,
					      memory_order_relaxed);
		}
		rmw(c);
		if (!atomic_compare_exchange_strong_explicit(
			&l->tail, &expected, 0, memory_order_release,
			memory_order_relaxed)) {
			atomic_store_explicit(&n[id].a, 1,
					      memory_order_release);
			while (atomic_load_explicit(&n[id].a,
						    memory_order_relaxed))
				spin_wait();
		}
	}
}

const struct minimal minimal = {
	.name = "hemlock",
	.setup = lines_setup,
	.teardown = lines_teardown,
	.loop = loop,
};
