/*
 * lines.h - one cache line per worker, in memory every worker shares: what
 * the queue locks (mcs, clh, hemlock, bakery, the ck- ones) keep per worker.
 *
 * racelab allows up to 1024 workers, and 1024 lines do not fit in the
 * region's lock area (SHARED_BYTES). So setup makes a MAP_SHARED anonymous
 * mapping, before any worker exists: fork() shares it with every worker
 * process, at the same address in each (so even a pointer into it means the
 * same thing everywhere, which Concurrency Kit's locks rely on), and threads
 * share it anyway. It is zero-filled, and it goes with the last process
 * that maps it: nothing to leak, even after SIGKILL.
 *
 * Read next: mmap(2) (MAP_SHARED | MAP_ANONYMOUS), sharded.c.
 */
#ifndef RACELAB_STRATEGIES_LINES_H
#define RACELAB_STRATEGIES_LINES_H

#include <stddef.h>

/* The mapping, kept in region->shared so that teardown finds it. */
struct lines {
	void *base;   /* the first line; NULL: not mapped */
	size_t bytes; /* the mapping's length */
};

/*
 * Map n objects of size bytes each (a multiple of CACHE_LINE), zero-filled.
 * Messages name who. Returns 0 or a negative errno.
 */
int lines_map(struct lines *l, size_t n, size_t size, const char *who);

/* Unmap it, if it was mapped (a half-done setup included). */
void lines_unmap(struct lines *l);

#endif
