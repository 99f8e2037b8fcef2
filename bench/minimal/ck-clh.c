/* ck-clh.c - Concurrency Kit's CLH lock; procs + 1 nodes (the last one
 * the spare the queue starts at), each on a line of its own. */
#include "ck.h"

#ifdef RACELAB_HAVE_CK
#include <sys/mman.h>

struct node {
	alignas(CACHE_LINE) struct ck_spinlock_clh n; /* ck's node */
};

struct ck_clh {
	struct ck_spinlock_clh *queue; /* the last node queued */
	struct node *nodes;	       /* procs + 1, MAP_SHARED */
};

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct ck_clh *l = (struct ck_clh *)r->lock;
	struct ck_spinlock_clh *me = &l->nodes[id].n;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_clh_lock(&l->queue, me);
		rmw(c);
		ck_spinlock_clh_unlock(&me);
	}
}

static int setup(struct region *r)
{
	struct ck_clh *l = (struct ck_clh *)r->lock;
	void *p =
	    mmap(NULL, (r->procs + 1) * sizeof(struct node),
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("minimal: mmap");
		return -1;
	}
	l->nodes = p;
	ck_spinlock_clh_init(&l->queue, &l->nodes[r->procs].n);
	return 0;
}

static void teardown(struct region *r)
{
	struct ck_clh *l = (struct ck_clh *)r->lock;

	if (l->nodes)
		(void)munmap(l->nodes, (r->procs + 1) * sizeof(struct node));
}

const struct minimal minimal = {
	.name = "ck-clh",
	.setup = setup,
	.teardown = teardown,
	.loop = loop,
};
#else
const struct minimal minimal = {
	.name = "ck-clh",
	.setup = ck_missing,
	.loop = ck_no_loop,
};
#endif
