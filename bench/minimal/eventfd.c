/* eventfd.c - an eventfd in semaphore mode starting at 1: read() to lock,
 * write() of 1 to unlock. */
#include <stdio.h>
#include <sys/eventfd.h>

#include "token.h"

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	(void)id, (void)fd;
	token_loop(r, 8, iters);
}

static int setup(struct region *r)
{
	struct token *t = (struct token *)r->lock;

	t->rd = t->wr = eventfd(1, EFD_SEMAPHORE | EFD_CLOEXEC);
	if (t->rd < 0) {
		perror("minimal: eventfd");
		return -1;
	}
	return 0;
}

const struct minimal minimal = {
	.name = "eventfd",
	.setup = setup,
	.teardown = token_teardown,
	.loop = loop,
};
