/*
 * atomic (Redis) - INCR: the server reads, adds and writes in one command.
 *
 *	INCR k           -- the new value
 *
 * Redis executes commands one at a time on one thread, and INCR is one
 * command: nothing can run between its read and its write. It is the
 * cheapest correct counter a cache offers, and the one redis-benchmark
 * measures (racelab is held to >= 0.9x of it: docs/databases.md).
 *
 * A client that dies: its INCR ran whole or not at all.
 *
 * Cost: one round trip per increment.
 * Read next: https://redis.io/commands/incr/ ("Pattern: Counter").
 */
#include "store/redis.h"
#include "strategies/common/txn.h"

/* The whole increment: the server adds. */
static int redis_atomic_incr(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_INT, v, NULL, "INCR %s", l->key);
}

static int redis_atomic_work(struct worker *w)
{
	return txn_loop(w, NULL, redis_atomic_incr, NULL, NULL, NULL);
}

const struct strategy strategy_redis_atomic = {
	.name = "atomic",
	.summary = "Redis: INCR (the server adds)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_NONE,
	.store = "redis",
	.crash = CRASH_EXACT,
	.on_crash = "INCR ran whole or not at all",
	.work = redis_atomic_work,
};
