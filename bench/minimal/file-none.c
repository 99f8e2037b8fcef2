/* file-none.c - the counter in a file, no lock: pread, add, pwrite. */
#include "counterfile.h"

static int setup(struct region *r)
{
	int *fd = (int *)r->lock;

	*fd = counterfile_create();
	return *fd < 0 ? -1 : 0;
}

static void teardown(struct region *r)
{
	int fd = *(int *)r->lock;

	if (fd >= 0)
		(void)close(fd);
}

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	int counter = *(int *)r->lock;

	(void)id;
	(void)fd;
	for (uint64_t i = 0; i < iters; i++)
		counterfile_write(counter, counterfile_read(counter) + 1);
}

static uint64_t total(struct region *r, unsigned procs)
{
	(void)procs;
	return counterfile_read(*(int *)r->lock);
}

const struct minimal minimal = {
	.name = "file-none",
	.racy = true,
	.setup = setup,
	.teardown = teardown,
	.loop = loop,
	.total = total,
};
