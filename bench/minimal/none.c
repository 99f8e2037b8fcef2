/* none.c - the least loop a person would write: load, store the value + 1. */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	uint64_t v;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		v = *c;
		*c = v + 1;
	}
}

const struct minimal minimal = { .name = "none", .racy = true, .loop = loop };
