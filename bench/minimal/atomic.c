/* atomic.c - one atomic_fetch_add per increment (lock xadd on x86). */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	_Atomic uint64_t *c = &r->counter.atomic;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++)
		atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

const struct minimal minimal = { .name = "atomic", .loop = loop };
