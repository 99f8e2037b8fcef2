/* ck.h - the Concurrency Kit spinlocks (ck-mcs, ck-clh, ck-ticket,
 * ck-fas), built when the Makefile found <ck_spinlock.h>; without it each
 * program says so and exits 1. */
#ifndef RACELAB_BENCH_CK_H
#define RACELAB_BENCH_CK_H

#include <stdio.h>

#include "driver.h"

#ifdef RACELAB_HAVE_CK
#include <ck_spinlock.h>
#else
static inline int ck_missing(struct region *r)
{
	(void)r;
	fprintf(stderr, "minimal: built without Concurrency Kit\n");
	return -1;
}

LOOP ck_no_loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	(void)r, (void)id, (void)fd, (void)iters;
}
#endif

#endif
