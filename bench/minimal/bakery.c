/* bakery.c - Lamport's bakery: any number of workers, seq_cst loads and
 * stores only. */
#include "lines.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct line *e = ((struct lines *)r->lock)->line;
	unsigned procs = r->procs;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		uint64_t max = 0, mine;

		atomic_store(&e[id].a, 1);
		for (unsigned j = 0; j < procs; j++) {
			uint64_t n = atomic_load(&e[j].number);

			if (n > max)
				max = n;
		}
		mine = max + 1;
		atomic_store(&e[id].number, mine);
		atomic_store(&e[id].a, 0);
		for (unsigned j = 0; j < procs; j++) {
			uint64_t n;

			if (j == id)
				continue;
			while (atomic_load(&e[j].a))
				spin_wait();
			while ((n = atomic_load(&e[j].number)) != 0 &&
			       (n < mine || (n == mine && j < id)))
				spin_wait();
		}
		rmw(c);
		atomic_store_explicit(&e[id].number, 0, memory_order_release);
	}
}

const struct minimal minimal = {
	.name = "bakery",
	.setup = lines_setup,
	.teardown = lines_teardown,
	.loop = loop,
};
