/*
 * lease - Redis: the client's read-modify-write (GET, then SET) under a
 * lease: a lock key with a time to live, as in the single-instance Redis
 * lock recipe (lease.h has the commands).
 *
 *	SET k:lock <token> NX PX 200     -- retried until OK
 *	GET k
 *	SET k <v + 1>
 *	EVALSHA <release> 1 k:lock <token>
 *
 * While every holder finishes within the TTL (200 ms here; an increment
 * takes tens of microseconds) this is a lock like any other and nothing
 * is lost. A holder that dies is no problem either: its lease expires
 * after the TTL and the others go on.
 *
 * The lesson (Kleppmann, "How to do distributed locking", 2016): a holder
 * that is paused past the TTL - here `--window sleep:300000`, 300 ms
 * between its GET and its SET - loses the lease without knowing it;
 * another worker takes the lock, reads, writes; then the first wakes and
 * writes the value it computed from its old read. Updates are lost with a
 * lock held, and no timeout long enough exists in a system where pauses
 * are unbounded. fenced.c adds the cure: a token the write must carry.
 *
 * Cost: four round trips per increment (take, GET, SET, release), and
 * waiting workers poll the lock every 20 us.
 */
#include "strategies/redis/lease.h"

static int lease_read(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_NUMBER, v, NULL, "GET %s", l->key);
}

static int lease_write(struct worker *w, int64_t v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_OK, NULL, NULL, "SET %s %lld", l->key,
			       (long long)v);
}

static int lease_work(struct worker *w)
{
	return txn_loop(w, lease_take, lease_read, lease_write, lease_give,
			lease_give);
}

const struct strategy strategy_redis_lease = {
	.name = "lease",
	.summary = "Redis: GET and SET under a lock key, SET NX PX 200 "
		   "(a lease; see the lease lesson)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "redis",
	.crash = CRASH_EXACT,
	.on_crash = "its lease expired after 200 ms",
	.attach = lease_attach,
	.work = lease_work,
};
