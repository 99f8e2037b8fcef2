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
extern const struct strategy strategy_mcs;
extern const struct strategy strategy_clh;
extern const struct strategy strategy_hemlock;
extern const struct strategy strategy_bakery;
extern const struct strategy strategy_pthread_spin;
extern const struct strategy strategy_rwlock;
extern const struct strategy strategy_pi_mutex;
extern const struct strategy strategy_adaptive_mutex;
extern const struct strategy strategy_ck_mcs;
extern const struct strategy strategy_ck_clh;
extern const struct strategy strategy_ck_ticket;
extern const struct strategy strategy_ck_fas;
extern const struct strategy strategy_fifo;
extern const struct strategy strategy_sysv_msg;
extern const struct strategy strategy_posix_mq;
extern const struct strategy strategy_eventfd;
extern const struct strategy strategy_unix_socket;
#ifdef RACELAB_HAVE_PQ
extern const struct strategy strategy_pg_none;
extern const struct strategy strategy_pg_atomic;
extern const struct strategy strategy_pg_for_update;
extern const struct strategy strategy_pg_advisory;
extern const struct strategy strategy_pg_repeatable_read;
extern const struct strategy strategy_pg_serializable;
extern const struct strategy strategy_pg_optimistic;
#endif
#ifdef RACELAB_HAVE_HIREDIS
extern const struct strategy strategy_redis_none;
extern const struct strategy strategy_redis_atomic;
extern const struct strategy strategy_redis_watch;
extern const struct strategy strategy_redis_script;
extern const struct strategy strategy_redis_lease;
extern const struct strategy strategy_redis_setnx;
extern const struct strategy strategy_redis_fenced;
#endif

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
	&strategy_mcs,		    /* queue lock: spin on your own node */
	&strategy_clh,		    /* queue lock: spin on your predecessor's */
	&strategy_hemlock,	    /* queue lock: one grant word each */
	&strategy_bakery,	    /* Lamport: n workers, loads and stores */
	&strategy_pthread_spin,	    /* pthread_spin_lock */
	&strategy_rwlock,	    /* pthread_rwlock_t, writer side */
	&strategy_pi_mutex,	    /* pthread mutex, PRIO_INHERIT */
	&strategy_adaptive_mutex,   /* glibc: spin, then sleep */
	&strategy_ck_mcs,	    /* Concurrency Kit's MCS */
	&strategy_ck_clh,	    /* Concurrency Kit's CLH */
	&strategy_ck_ticket,	    /* Concurrency Kit's ticket lock */
	&strategy_ck_fas,	    /* Concurrency Kit's fetch-and-store */
	&strategy_fifo,		    /* a token byte in a named pipe */
	&strategy_sysv_msg,	    /* a token message, SysV queue */
	&strategy_posix_mq,	    /* a token message, POSIX queue */
	&strategy_eventfd,	    /* eventfd as a semaphore */
	&strategy_unix_socket,	    /* an owner fed through a socket */
};

const unsigned strategy_count = sizeof(strategies) / sizeof(strategies[0]);

/*
 * A database store's own strategies: statements its server runs. They are
 * not in the table above (which is every store's, and which the tests run
 * on the default store); the store points at its list (store.h, .own),
 * and on that store they take the place of general ones of the same name.
 */
#ifdef RACELAB_HAVE_PQ
const struct strategy *const strategies_postgres[] = {
	&strategy_pg_none,	      /* SELECT, then UPDATE: loses */
	&strategy_pg_atomic,	      /* UPDATE SET v = v + 1 */
	&strategy_pg_for_update,      /* SELECT ... FOR UPDATE */
	&strategy_pg_advisory,	      /* pg_advisory_lock */
	&strategy_pg_repeatable_read, /* retried on 40001 */
	&strategy_pg_serializable,    /* retried on 40001 */
	&strategy_pg_optimistic,      /* UPDATE ... WHERE v = <read> */
	NULL,
};
#endif
#ifdef RACELAB_HAVE_HIREDIS
const struct strategy *const strategies_redis[] = {
	&strategy_redis_none,	/* GET, then SET: loses */
	&strategy_redis_atomic, /* INCR */
	&strategy_redis_watch,	/* WATCH / MULTI / EXEC */
	&strategy_redis_script, /* one Lua script */
	&strategy_redis_lease,	/* SET NX PX: a lease */
	&strategy_redis_setnx,	/* SET NX, no TTL: a dead holder's for ever */
	&strategy_redis_fenced, /* the lease and a fencing token */
	NULL,
};
#endif

const struct strategy *strategy_find(const char *name)
{
	for (unsigned i = 0; i < strategy_count; i++)
		if (strcmp(strategies[i]->name, name) == 0)
			return strategies[i];
	return NULL;
}

/* The strategy named name in a store's own list, or NULL. */
static const struct strategy *own_find(const struct store *st, const char *name)
{
	for (const struct strategy *const *o = st && st->own ? st->own : NULL;
	     o && *o; o++)
		if (strcmp((*o)->name, name) == 0)
			return *o;
	return NULL;
}

const struct strategy *strategy_find_for(const char *name,
					 const struct store *st)
{
	const struct strategy *s = own_find(st, name);

	if (!s)
		s = strategy_find(name);
	/* Another store's: found, so that store_refuses can say whose. */
	for (unsigned i = 0; !s && i < store_count; i++)
		s = own_find(stores[i], name);
	return s;
}

bool strategy_in_all(const struct strategy *s, const struct store *st)
{
	if (s->store)
		return st && strcmp(s->store, st->name) == 0;
	return !own_find(st, s->name);
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
	case KIND_SERVER:
		return "database servers";
	}
	return "?";
}
