/* mcs.c - the MCS queue lock: each waiter spins on its own line. */
#include "lines.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct lines *l = (struct lines *)r->lock;
	struct line *me = &l->line[id], *n = l->line;
	unsigned self = id + 1;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned pred, next, expected = self;

		atomic_store_explicit(&me->a, 1, memory_order_relaxed);
		atomic_store_explicit(&me->b, 0, memory_order_relaxed);
		pred = atomic_exchange_explicit(&l->tail, self,
						memory_order_acq_rel);
		if (pred) {
			atomic_store_explicit(&n[pred - 1].b, self,
					      memory_order_release);
			while (
			    atomic_load_explicit(&me->a, memory_order_acquire))
				spin_wait();
		}
		rmw(c);
		next = atomic_load_explicit(&me->b, memory_order_acquire);
		if (!next) {
			if (atomic_compare_exchange_strong_explicit(
				&l->tail, &expected, 0, memory_order_release,
				memory_order_relaxed))
				continue;
			while (!(next = atomic_load_explicit(
				     &me->b, memory_order_acquire)))
				spin_wait();
		}
		atomic_store_explicit(&n[next - 1].a, 0, memory_order_release);
	}
}

const struct minimal minimal = {
	.name = "mcs",
	.setup = lines_setup,
	.teardown = lines_teardown,
	.loop = loop,
};
