/* clh.c - the CLH queue lock: each waiter spins on its predecessor's
 * node; nodes 0..procs-1 start with the workers, node procs is the tail. */
#include "lines.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct lines *l = (struct lines *)r->lock;
	struct line *n = l->line;
	unsigned mine = id;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned pred;

		atomic_store_explicit(&n[mine].a, 1, memory_order_relaxed);
		pred = atomic_exchange_explicit(&l->tail, mine,
						memory_order_acq_rel);
		while (atomic_load_explicit(&n[pred].a, memory_order_acquire))
			spin_wait();
		rmw(c);
		atomic_store_explicit(&n[mine].a, 0, memory_order_release);
		mine = pred;
	}
}

static int setup(struct region *r)
{
	atomic_store(&((struct lines *)r->lock)->tail, r->procs);
	return lines_setup(r);
}

const struct minimal minimal = {
	.name = "clh",
	.setup = setup,
	.teardown = lines_teardown,
	.loop = loop,
};
