/* posix-mq.c - a token message in a POSIX message queue, unlinked at
 * once: mq_receive() to lock, mq_send() to unlock. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <unistd.h>

#include "driver.h"

struct posix_mq {
	mqd_t q;  /* the queue */
	int open; /* q is open */
};

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	mqd_t q = ((struct posix_mq *)r->lock)->q;
	char token;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		if (mq_receive(q, &token, 1, NULL) == -1)
			worker_fail("mq_receive", errno);
		rmw(c);
		if (mq_send(q, &token, 1, 0) == -1)
			worker_fail("mq_send", errno);
	}
}

static int setup(struct region *r)
{
	struct posix_mq *m = (struct posix_mq *)r->lock;
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	char name[64];

	snprintf(name, sizeof(name), "/racelab-minimal-%d", (int)getpid());
	m->q =
	    mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
	if (m->q == (mqd_t)-1) {
		perror("minimal: mq_open");
		return -1;
	}
	m->open = 1;
	(void)mq_unlink(name);
	if (mq_send(m->q, "T", 1, 0) == -1) {
		perror("minimal: mq_send");
		return -1;
	}
	return 0;
}

static void teardown(struct region *r)
{
	struct posix_mq *m = (struct posix_mq *)r->lock;

	if (m->open)
		(void)mq_close(m->q);
}

const struct minimal minimal = {
	.name = "posix-mq",
	.setup = setup,
	.teardown = teardown,
	.loop = loop,
};
