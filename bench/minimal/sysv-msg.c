/* sysv-msg.c - a token message in a private SysV message queue: msgrcv()
 * to lock, msgsnd() to unlock. The queue's id is region.lock's first int. */
#include <errno.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "driver.h"

struct token_msg {
	long mtype;    /* 1 */
	char mtext[1]; /* the byte */
};

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct token_msg m = { .mtype = 1, .mtext = { 'T' } };
	int q = *(int *)r->lock;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		if (msgrcv(q, &m, 1, 1, 0) == -1)
			worker_fail("msgrcv", errno);
		rmw(c);
		if (msgsnd(q, &m, 1, 0) == -1)
			worker_fail("msgsnd", errno);
	}
}

static int setup(struct region *r)
{
	struct token_msg m = { .mtype = 1, .mtext = { 'T' } };
	int *q = (int *)r->lock;

	*q = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
	if (*q == -1 || msgsnd(*q, &m, 1, 0) == -1) {
		perror("minimal: msgget or msgsnd");
		return -1;
	}
	return 0;
}

static void teardown(struct region *r)
{
	int q = *(int *)r->lock;

	if (q != -1 && msgctl(q, IPC_RMID, NULL) == -1)
		perror("minimal: msgctl IPC_RMID");
}

const struct minimal minimal = {
	.name = "sysv-msg",
	.setup = setup,
	.teardown = teardown,
	.loop = loop,
};
