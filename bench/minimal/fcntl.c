/* fcntl.c - fcntl F_SETLKW record locks, a descriptor per worker. */
#include <fcntl.h>

#include "lockfile.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct flock unlock = { .l_type = F_UNLCK, .l_whence = SEEK_SET };

	(void)id;
	for (uint64_t i = 0; i < iters; i++) {
		if (fcntl(fd, F_SETLKW, &lock) == -1)
			worker_fail("fcntl lock", errno);
		rmw(c);
		if (fcntl(fd, F_SETLKW, &unlock) == -1)
			worker_fail("fcntl unlock", errno);
	}
}

const struct minimal minimal = {
	.name = "fcntl",
	.setup = file_setup,
	.teardown = file_teardown,
	.attach = file_attach,
	.loop = loop,
};
