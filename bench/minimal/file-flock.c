/* file-flock.c - the counter in a file under flock on a lock file. */
#include <sys/file.h>

#include "counterfile.h"
#include "lockfile.h"

/* r->lock: [0] the lock file (lockfile.h), [1] the counter file. */
static int setup(struct region *r)
{
	int *fd = (int *)r->lock;

	fd[1] = -1;
	if (file_setup(r))
		return -1;
	fd[1] = counterfile_create();
	return fd[1] < 0 ? -1 : 0;
}

static void teardown(struct region *r)
{
	int *fd = (int *)r->lock;

	file_teardown(r);
	if (fd[1] >= 0)
		(void)close(fd[1]);
}

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	int counter = ((int *)r->lock)[1];

	(void)id;
	for (uint64_t i = 0; i < iters; i++) {
		if (flock(fd, LOCK_EX) == -1)
			worker_fail("flock", errno);
		counterfile_write(counter, counterfile_read(counter) + 1);
		if (flock(fd, LOCK_UN) == -1)
			worker_fail("flock", errno);
	}
}

static uint64_t total(struct region *r, unsigned procs)
{
	(void)procs;
	return counterfile_read(((int *)r->lock)[1]);
}

const struct minimal minimal = {
	.name = "file-flock",
	.setup = setup,
	.teardown = teardown,
	.attach = file_attach,
	.loop = loop,
	.total = total,
};
