/* ck-mcs.c - Concurrency Kit's MCS lock; each worker's node on a line of
 * its own in a shared mapping made before the fork. */
#include "ck.h"

#ifdef RACELAB_HAVE_CK
#include <sys/mman.h>

struct node {
	alignas(CACHE_LINE) struct ck_spinlock_mcs n; /* ck's node */
};

struct ck_mcs {
	ck_spinlock_mcs_t queue; /* the last node queued */
	struct node *nodes;	 /* one per worker, MAP_SHARED */
};

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	struct ck_mcs *l = (struct ck_mcs *)r->lock;
	struct ck_spinlock_mcs *me = &l->nodes[id].n;

	(void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		ck_spinlock_mcs_lock(&l->queue, me);
		rmw(c);
		ck_spinlock_mcs_unlock(&l->queue, me);
	}
}

static int setup(struct region *r)
{
	struct ck_mcs *l = (struct ck_mcs *)r->lock;
	void *p =
	    mmap(NULL, r->procs * sizeof(struct node), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("minimal: mmap");
		return -1;
	}
	l->nodes = p;
	ck_spinlock_mcs_init(&l->queue);
	return 0;
}

static void teardown(struct region *r)
{
	struct ck_mcs *l = (struct ck_mcs *)r->lock;

	if (l->nodes)
		(void)munmap(l->nodes, r->procs * sizeof(struct node));
}

const struct minimal minimal = {
	.name = "ck-mcs",
	.setup = setup,
	.teardown = teardown,
	.loop = loop,
};
#else
const struct minimal minimal = {
	.name = "ck-mcs",
	.setup = ck_missing,
	.loop = ck_no_loop,
};
#endif
