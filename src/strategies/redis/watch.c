/*
 * watch - Redis: optimistic concurrency with WATCH, MULTI and EXEC.
 *
 *	WATCH k                 -- remember k's version for this connection
 *	GET k                   -- v
 *	MULTI                   -- queue what follows...
 *	SET k <v + 1>
 *	EXEC                    -- ...run it only if k is unchanged since WATCH
 *	-- a nil reply: another client changed k; nothing was run: again
 *
 * Redis runs one command at a time, so GET and SET are each indivisible,
 * but between them another client may SET k too: that is `none`'s lost
 * update. WATCH makes the server flag this connection when k is modified;
 * EXEC then discards the queued SET and replies nil, and the client reads
 * again. racelab counts those retries. (MULTI alone is no cure: it only
 * makes the queued commands run together; the value was computed from a
 * read outside it.)
 *
 * A client that dies in between holds nothing: WATCH is not a lock, and
 * the others never wait.
 *
 * Cost: MULTI, SET and EXEC are sent together, so three round trips per
 * attempt (WATCH, GET, the transaction); under contention more attempts.
 * Read next: https://redis.io/docs/interact/transactions/ ("Optimistic
 * locking using check-and-set").
 */
#include "store/redis.h"
#include "strategies/common/txn.h"

static int watch_begin(struct worker *w)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_OK, NULL, NULL, "WATCH %s", l->key);
}

static int watch_read(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_NUMBER, v, NULL, "GET %s", l->key);
}

static int watch_write(struct worker *w, int64_t v)
{
	struct redis_link *l = w->link.db;
	bool aborted = false;
	int err = redis_link_transaction(l, &aborted, "SET %s %lld", l->key,
					 (long long)v);

	return !err && aborted ? DB_RETRY : err;
}

static int watch_work(struct worker *w)
{
	return txn_loop(w, watch_begin, watch_read, watch_write, NULL, NULL);
}

const struct strategy strategy_redis_watch = {
	.name = "watch",
	.summary = "Redis: WATCH, GET, MULTI, SET, EXEC, retried on a nil "
		   "EXEC",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_NONE,
	.store = "redis",
	.counts_retries = true,
	.crash = CRASH_EXACT,
	.on_crash = "it held nothing",
	.work = watch_work,
};
