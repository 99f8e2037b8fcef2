/*
 * setnx - Redis: the client's read-modify-write (GET, then SET) under a
 * lock key taken with SET NX and no time to live: the lease of lease.c
 * without its expiry, as many a first Redis lock is written.
 *
 *	SET k:lock <token> NX            -- retried until OK
 *	GET k
 *	SET k <v + 1>
 *	EVALSHA <release> 1 k:lock <token>
 *
 * While every holder lives, this is a lock like any other and nothing is
 * lost: the key exists while one worker holds it, and SET NX fails for the
 * others. But nothing ends a holder's claim except the holder: a client
 * that dies between SET NX and its release (killed, crashed, its host
 * gone) leaves the key for ever, and every other client polls a lock
 * nobody will give back. racelab's watchdog reports the DEADLOCK (exit 4).
 * The server cannot help: to Redis the key is data, not a session's lock
 * (PostgreSQL's advisory locks end with the session that took them). The
 * time to live of lease.c is the usual cure, and has a lesson of its own.
 *
 * Cost: four round trips per increment, as lease.c.
 */
#include "strategies/redis/lease.h"

static int setnx_take(struct worker *w)
{
	return lease_take_ttl(w, 0);
}

static int setnx_read(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_NUMBER, v, NULL, "GET %s", l->key);
}

static int setnx_write(struct worker *w, int64_t v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_OK, NULL, NULL, "SET %s %lld", l->key,
			       (long long)v);
}

static int setnx_work(struct worker *w)
{
	return txn_loop(w, setnx_take, setnx_read, setnx_write, lease_give,
			lease_give);
}

const struct strategy strategy_redis_setnx = {
	.name = "setnx",
	.summary = "Redis: GET and SET under a lock key, SET NX with no time "
		   "to live (a holder that dies holds it for ever)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "redis",
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the lock key stays for ever",
	.attach = lease_attach,
	.work = setnx_work,
};
