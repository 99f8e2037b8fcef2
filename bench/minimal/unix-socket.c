/* unix-socket.c - every increment is one record sent to the owner process
 * over a SOCK_SEQPACKET socket pair (pipe-unbatched through a socket). */
#include "pipe.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	(void)r, (void)id;
	for (uint64_t i = 0; i < iters; i++)
		send_incr(fd, 1);
}

static int setup(struct region *r)
{
	return owner_setup(r, 1);
}

const struct minimal minimal = {
	.name = "unix-socket",
	.setup = setup,
	.teardown = pipe_teardown,
	.attach = pipe_attach,
	.loop = loop,
	.total = pipe_total,
};
