/* lockfile.h - what flock, fcntl and ofd share: a lock file the parent
 * creates (its descriptor is the first int of region.lock), reopened by
 * every worker for an open file description of its own. */
#ifndef RACELAB_BENCH_LOCKFILE_H
#define RACELAB_BENCH_LOCKFILE_H

#include <errno.h>
#include <unistd.h>

#include "driver.h"

static int file_setup(struct region *r)
{
	int *fd = (int *)r->lock;

	*fd = lockfile_create();
	return *fd < 0 ? -1 : 0;
}

static void file_teardown(struct region *r)
{
	int fd = *(int *)r->lock;

	if (fd >= 0)
		(void)close(fd);
}

static int file_attach(struct region *r)
{
	return lockfile_reopen(*(int *)r->lock);
}

#endif
