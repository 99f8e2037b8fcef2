/* lines.h - what the queue locks (mcs, clh, hemlock, bakery) share: one
 * cache line per worker (and a spare), in a MAP_SHARED mapping made before
 * the fork, its address the first thing in region.lock. */
#ifndef RACELAB_BENCH_LINES_H
#define RACELAB_BENCH_LINES_H

#include <stdio.h>
#include <sys/mman.h>

#include "driver.h"

/* One worker's words, alone on a cache line. */
struct line {
	alignas(CACHE_LINE) _Atomic unsigned a; /* mcs, clh: busy; hemlock:
						   grant; bakery: choosing */
	_Atomic unsigned b;			/* mcs: next in line */
	_Atomic uint64_t number;		/* bakery: the ticket drawn */
};

struct lines {
	struct line *line;     /* procs + 1 of them */
	_Atomic unsigned tail; /* mcs, clh, hemlock */
};

static int lines_setup(struct region *r)
{
	struct lines *l = (struct lines *)r->lock;
	void *p =
	    mmap(NULL, (r->procs + 1) * sizeof(struct line),
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("minimal: mmap");
		return -1;
	}
	l->line = p;
	return 0;
}

static void lines_teardown(struct region *r)
{
	struct lines *l = (struct lines *)r->lock;

	if (l->line)
		(void)munmap(l->line, (r->procs + 1) * sizeof(struct line));
}

#endif
