/*
 * none (Redis) - GET, add one in the client, SET: the lost update in a
 * cache.
 *
 *	GET k            -- "41"
 *	SET k 42         -- 41 + 1, computed here
 *
 * Redis runs each command alone, one at a time, so GET and SET are each
 * indivisible - and the pair is not: between one client's GET and its SET
 * another client's GET sees the same 41, and both write 42. This is the
 * page-view counter written with a cache client's get() and set().
 *
 * A client that dies between the two holds nothing; it just never writes.
 *
 * Cost: two round trips per increment. The fixes, each a file here: let
 * the server add (atomic: INCR), detect the race and retry (watch), run
 * the pair as one script (script), or lock around it (lease, fenced).
 */
#include "store/redis.h"
#include "strategies/common/txn.h"

static int redis_none_read(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_NUMBER, v, NULL, "GET %s", l->key);
}

static int redis_none_write(struct worker *w, int64_t v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_OK, NULL, NULL, "SET %s %lld", l->key,
			       (long long)v);
}

static int redis_none_work(struct worker *w)
{
	return txn_loop(w, NULL, redis_none_read, redis_none_write, NULL, NULL);
}

const struct strategy strategy_redis_none = {
	.name = "none",
	.summary = "Redis: GET, then SET <v + 1> (loses updates)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_NONE,
	.store = "redis",
	.racy = true,
	.crash = CRASH_RACY,
	.on_crash = "it held nothing",
	.work = redis_none_work,
};
