/* token.h - what fifo and eventfd share: a lock made of one token in a
 * descriptor, taken with read() and given back with write(). The read and
 * write descriptors are the first two ints of region.lock. */
#ifndef RACELAB_BENCH_TOKEN_H
#define RACELAB_BENCH_TOKEN_H

#include <errno.h>
#include <unistd.h>

#include "driver.h"

struct token {
	int rd, wr; /* -1: not open */
};

/* size: 1 (a FIFO's byte) or 8 (an eventfd's counter). */
static inline void token_loop(struct region *r, size_t size, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	const struct token *t = (const struct token *)r->lock;
	uint64_t one = 1;

	for (uint64_t i = 0; i < iters; i++) {
		if (read(t->rd, &one, size) != (ssize_t)size)
			worker_fail("read", errno);
		rmw(c);
		one = 1;
		if (write(t->wr, &one, size) != (ssize_t)size)
			worker_fail("write", errno);
	}
}

static inline void token_teardown(struct region *r)
{
	struct token *t = (struct token *)r->lock;

	if (t->rd >= 0)
		(void)close(t->rd);
	if (t->wr >= 0 && t->wr != t->rd)
		(void)close(t->wr);
}

#endif
