/* flock.c - flock(LOCK_EX) and flock(LOCK_UN), a descriptor per worker. */
#include <sys/file.h>

#include "lockfile.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;

	(void)id;
	for (uint64_t i = 0; i < iters; i++) {
		if (flock(fd, LOCK_EX) == -1)
			worker_fail("flock", errno);
		rmw(c);
		if (flock(fd, LOCK_UN) == -1)
			worker_fail("flock", errno);
	}
}

const struct minimal minimal = {
	.name = "flock",
	.setup = file_setup,
	.teardown = file_teardown,
	.attach = file_attach,
	.loop = loop,
};
