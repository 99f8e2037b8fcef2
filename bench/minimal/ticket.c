/* ticket.c - a ticket lock: take a number, wait until it is served. */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *next = (_Atomic unsigned *)r->lock,
			 *serving = next + 1;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned t =
		    atomic_fetch_add_explicit(next, 1, memory_order_relaxed);

		while (atomic_load_explicit(serving, memory_order_acquire) != t)
			spin_wait();
		rmw(c);
		atomic_store_explicit(serving, t + 1, memory_order_release);
	}
}

const struct minimal minimal = { .name = "ticket", .loop = loop };
