/*
 * registry.c - the one table of strategies.
 *
 * How to add one: write src/strategies/NAME.c exporting
 * `const struct strategy strategy_NAME` (see strategy.h and any existing
 * file for the shape), declare it below, add it to the table in the order
 * `racelab list` should show it, and add docs/strategies/NAME.md. The tests
 * iterate over this table, so the new strategy is enrolled in the exactness
 * and no-leak checks by this line alone.
 */
#include <string.h>

#include "core/registry.h"

extern const struct strategy strategy_none;
extern const struct strategy strategy_atomic_split;
extern const struct strategy strategy_sysv_sem;
extern const struct strategy strategy_sysv_sem_noundo;
extern const struct strategy strategy_mutex;
extern const struct strategy strategy_robust_mutex;
extern const struct strategy strategy_atomic;
extern const struct strategy strategy_flock;
extern const struct strategy strategy_spin;
extern const struct strategy strategy_ttas;
extern const struct strategy strategy_ticket;
extern const struct strategy strategy_posix_sem;
extern const struct strategy strategy_fcntl;
extern const struct strategy strategy_ofd;
extern const struct strategy strategy_futex;
extern const struct strategy strategy_peterson;
extern const struct strategy strategy_peterson_relaxed;
extern const struct strategy strategy_sharded;
extern const struct strategy strategy_pipe;
extern const struct strategy strategy_pipe_unbatched;

const struct strategy *const strategies[] = {
	&strategy_none,		/* the race itself */
	&strategy_sysv_sem,	/* kernel semaphore, SEM_UNDO */
	&strategy_robust_mutex, /* pthread mutex, survives a dead owner */
	&strategy_atomic,	/* one lock xadd */
	&strategy_atomic_split, /* atomic load + atomic store: still racy */
	&strategy_flock,	/* kernel file lock, one description each */
	&strategy_mutex, /* pthread mutex, not robust: dies with its owner */
	&strategy_sysv_sem_noundo,  /* semaphore without SEM_UNDO */
	&strategy_spin,		    /* test-and-set spinlock */
	&strategy_ttas,		    /* test-and-test-and-set, backoff */
	&strategy_ticket,	    /* fair ticket spinlock */
	&strategy_posix_sem,	    /* sem_t in shared memory */
	&strategy_fcntl,	    /* record lock: process-owned */
	&strategy_ofd,		    /* record lock: description-owned */
	&strategy_futex,	    /* three-state mutex on futex(2) */
	&strategy_peterson,	    /* two workers, seq_cst */
	&strategy_peterson_relaxed, /* two workers, relaxed: racy */
	&strategy_sharded,	    /* a counter per worker */
	&strategy_pipe,		    /* an owner fed through a pipe */
	&strategy_pipe_unbatched,   /* ... one message per increment */
};

const unsigned strategy_count = sizeof(strategies) / sizeof(strategies[0]);

const struct strategy *strategy_find(const char *name)
{
	for (unsigned i = 0; i < strategy_count; i++)
		if (strcmp(strategies[i]->name, name) == 0)
			return strategies[i];
	return NULL;
}

const char *strategy_kind_name(enum strategy_kind kind)
{
	switch (kind) {
	case KIND_NONE:
		return "no exclusion";
	case KIND_KERNEL:
		return "kernel locks";
	case KIND_USER:
		return "user-space locks";
	case KIND_LOCKFREE:
		return "lock-free";
	case KIND_NOSHARE:
		return "no sharing";
	}
	return "?";
}
