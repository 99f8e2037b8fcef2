/* sharded.c - each worker adds to a counter of its own; the parent sums. */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *mine = &r->slot[id].count;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++)
		rmw(mine);
}

static uint64_t total(struct region *r, unsigned procs)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < procs; i++)
		sum += r->slot[i].count;
	return sum;
}

const struct minimal minimal = {
	.name = "sharded",
	.loop = loop,
	.total = total,
};
