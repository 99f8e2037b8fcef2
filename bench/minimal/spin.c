/* spin.c - a test-and-set spinlock on an atomic_flag. */
#include "driver.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	atomic_flag *f = (atomic_flag *)r->lock;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		while (
		    atomic_flag_test_and_set_explicit(f, memory_order_acquire))
			spin_wait();
		rmw(c);
		atomic_flag_clear_explicit(f, memory_order_release);
	}
}

static int setup(struct region *r)
{
	atomic_flag_clear((atomic_flag *)r->lock);
	return 0;
}

const struct minimal minimal = { .name = "spin", .setup = setup, .loop = loop };
