/* pipe.c - increments sent to an owner process, 1024 to a write(). */
#include "pipe.h"

#define PIPE_BATCH 1024 /* increments per message, as racelab's pipe */

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	uint64_t pending = 0;

	(void)r, (void)id;
	for (uint64_t i = 0; i < iters; i++)
		if (++pending == PIPE_BATCH) {
			send(fd, pending);
			pending = 0;
		}
	if (pending)
		send(fd, pending);
}

const struct minimal minimal = {
	.name = "pipe",
	.setup = pipe_setup,
	.teardown = pipe_teardown,
	.attach = pipe_attach,
	.loop = loop,
	.total = pipe_total,
};
