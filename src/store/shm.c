/*
 * shm - the counter in the run's private SysV shared memory region (the
 * default): a word on a cache line of its own at the start of the region
 * (core/region.h), reached by every worker through the same mapping.
 *
 * This is the store the loops are built for: its load and store are one
 * instruction each, inlined into every strategy's loop (core/loop.h), and
 * it admits every strategy: a lock may live beside it in the region, and
 * its counter is a word the atomic instructions work on. It vanishes with
 * the region, with the last process that maps it.
 */
#include "store/store.h"

static int shm_create(struct store_handle *h, const char *name,
		      struct region *r, bool verbose)
{
	(void)name;
	(void)verbose;
	h->counter = &r->counter; /* zeroed by shmget */
	h->open = true;
	return 0;
}

static int shm_attach(const struct store_handle *h, struct store_link *l)
{
	l->counter = h->counter;
	return 0;
}

static int shm_total(const struct store_handle *h, uint64_t *v)
{
	*v = h->counter->plain;
	return 0;
}

static void shm_close(struct store_handle *h, bool verbose)
{
	(void)verbose;
	h->counter = NULL;
	h->open = false;
}

const struct store store_shm = {
	.name = "shm",
	.summary = "the run's private SysV shared memory region (default): "
		   "every strategy",
	.where = "SysV shared memory",
	.memory = true,
	.atomic_add = true,
	.shares_memory = true,
	.create = shm_create,
	.attach = shm_attach,
	.total = shm_total,
	.close = shm_close,
};
