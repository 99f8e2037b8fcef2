/* atomic-split.c - an atomic load, then an atomic store: racy on purpose. */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	_Atomic uint64_t *c = &r->counter.atomic;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++)
		atomic_store_explicit(
		    c, atomic_load_explicit(c, memory_order_relaxed) + 1,
		    memory_order_relaxed);
}

const struct minimal minimal = {
	.name = "atomic-split",
	.racy = true,
	.loop = loop,
};
