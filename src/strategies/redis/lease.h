/*
 * lease.h - what lease and fenced share: a lock key taken with
 * SET key token NX PX ttl and given back only by its owner.
 *
 *	SET k:lock <token> NX PX <ttl>    -- OK: ours for ttl ms; nil: wait
 *	... the critical section ...
 *	EVALSHA <release> 1 k:lock <token>
 *
 *	if redis.call('GET', KEYS[1]) == ARGV[1] then      -- still ours?
 *		return redis.call('DEL', KEYS[1])
 *	end
 *	return 0
 *
 * The token is unique to the worker, so a holder whose lease expired
 * cannot delete the lease someone else took since: release compares and
 * deletes in one script. The TTL is what frees the lock when its holder
 * dies. It is also what breaks it: a holder that pauses longer than the
 * TTL (a GC pause, a swapped-out process, SIGSTOP, --window sleep:) is no
 * longer the holder, and does not know it (lease.c shows the lost
 * updates; fenced.c the cure).
 */
#ifndef RACELAB_REDIS_LEASE_H
#define RACELAB_REDIS_LEASE_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "store/redis.h"
#include "strategies/common/txn.h"

#define LEASE_TTL_MS 200 /* docs/databases.md: the lease lesson */

static const char lease_release_lua[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
    "	return redis.call('DEL', KEYS[1])\n"
    "end\n"
    "return 0\n";

/* Load the release script into sha[0]; make the worker's token. */
static inline int lease_attach(struct worker *w)
{
	struct redis_link *l = w->link.db;

	snprintf(l->token, sizeof(l->token), "w%u-%ld-%llx", w->id,
		 (long)getpid(), (unsigned long long)w->rng);
	return redis_link_script(l, lease_release_lua, l->sha[0]);
}

/*
 * Take the lock key, waiting (20 us between tries) while another holds it:
 * with a time to live of ttl_ms (a lease), or with none (ttl_ms 0: the key
 * stays until its holder deletes it, setnx.c).
 */
static inline int lease_take_ttl(struct worker *w, int ttl_ms)
{
	struct redis_link *l = w->link.db;
	const struct timespec pause = { .tv_nsec = 20000 };

	for (;;) {
		bool taken = false; /* nil: another worker holds it */
		int err =
		    ttl_ms > 0
			? redis_link_call(l, REDIS_OK, NULL, &taken,
					  "SET %s %s NX PX %d", l->lock,
					  l->token, ttl_ms)
			: redis_link_call(l, REDIS_OK, NULL, &taken,
					  "SET %s %s NX", l->lock, l->token);

		if (err || !taken)
			return err; /* OK: the key is ours */
		(void)nanosleep(&pause, NULL);
	}
}

/* Take the lease. */
static inline int lease_take(struct worker *w)
{
	return lease_take_ttl(w, LEASE_TTL_MS);
}

/* Give it back if it is still ours (0 when it had expired). */
static inline int lease_give(struct worker *w)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_INT, NULL, NULL, "EVALSHA %s 1 %s %s",
			       l->sha[0], l->lock, l->token);
}

#endif
