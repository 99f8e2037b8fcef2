/* ttas.c - test-and-test-and-set: exchange, and spin on plain loads. */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *l = (_Atomic unsigned *)r->lock;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		while (atomic_exchange_explicit(l, 1, memory_order_acquire))
			while (atomic_load_explicit(l, memory_order_relaxed))
				spin_wait();
		rmw(c);
		atomic_store_explicit(l, 0, memory_order_release);
	}
}

const struct minimal minimal = { .name = "ttas", .loop = loop };
