/* pipe-unbatched.c - every increment is a write() to the owner process. */
#include "pipe.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	(void)r, (void)id;
	for (uint64_t i = 0; i < iters; i++)
		send(fd, 1);
}

const struct minimal minimal = {
	.name = "pipe-unbatched",
	.setup = pipe_setup,
	.teardown = pipe_teardown,
	.attach = pipe_attach,
	.loop = loop,
	.total = pipe_total,
};
