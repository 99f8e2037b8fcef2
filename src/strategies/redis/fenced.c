/*
 * fenced - Redis: the lease of lease.c plus a fencing token that the
 * storage checks, so that a holder whose lease has expired cannot write.
 *
 *	SET k:lock <token> NX PX 200      -- the lease, as in lease.c
 *	INCR k:fence                      -- t: this holder's fencing token
 *	EVALSHA <read> 2 k k:max t        -- rejected if a newer t was seen
 *	EVALSHA <write> 2 k k:max t v+1   -- rejected if a newer t was seen
 *	EVALSHA <release> 1 k:lock <token>
 *
 * Every lease comes with a number that grows with each grant (INCR). The
 * storage - here two small scripts next to the counter - remembers the
 * highest token that has read or written (k:max) and refuses a request
 * that carries an older one. A holder paused past its TTL comes back with
 * token t after a newer holder used t + 1: its write is rejected, not
 * applied, and it must start again (counted in the retries column: these
 * are the rejected writes). The read is fenced too: without it, a new
 * holder could read before the old one's late write landed, and both
 * writes would pass the check (the old one's token was still the
 * highest when it wrote) - one more lost update.
 *
 * This is Kleppmann's fencing (2016): the lock service cannot protect
 * the data, only the data's keeper can, by checking tokens. A holder that
 * dies: its lease expires, the next holder's token is newer.
 *
 * Cost: five round trips per increment, two of them scripts.
 */
#include "strategies/redis/lease.h"

static const char fenced_read_lua[] =
    "if tonumber(redis.call('GET', KEYS[2]) or '0') > tonumber(ARGV[1]) "
    "then\n"
    "	return -1\n"
    "end\n"
    "redis.call('SET', KEYS[2], ARGV[1])\n"
    "return tonumber(redis.call('GET', KEYS[1]))\n";

static const char fenced_write_lua[] =
    "if tonumber(redis.call('GET', KEYS[2]) or '0') > tonumber(ARGV[1]) "
    "then\n"
    "	return 0\n"
    "end\n"
    "redis.call('SET', KEYS[1], ARGV[2])\n"
    "return 1\n";

static int fenced_attach(struct worker *w)
{
	struct redis_link *l = w->link.db;
	int err = lease_attach(w); /* the release script: sha[0] */

	if (!err)
		err = redis_link_script(l, fenced_read_lua, l->sha[1]);
	if (!err)
		err = redis_link_script(l, fenced_write_lua, l->sha[2]);
	return err;
}

static int fenced_begin(struct worker *w)
{
	struct redis_link *l = w->link.db;
	int err = lease_take(w);

	if (!err)
		err = redis_link_call(l, REDIS_INT, &l->fence_token, NULL,
				      "INCR %s", l->fence);
	return err;
}

static int fenced_read(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;
	int err = redis_link_call(l, REDIS_INT, v, NULL,
				  "EVALSHA %s 2 %s %s %lld", l->sha[1], l->key,
				  l->max, (long long)l->fence_token);

	return !err && *v < 0 ? DB_RETRY : err; /* -1: a newer token read */
}

static int fenced_write(struct worker *w, int64_t v)
{
	struct redis_link *l = w->link.db;
	int64_t applied = 0;
	int err = redis_link_call(
	    l, REDIS_INT, &applied, NULL, "EVALSHA %s 2 %s %s %lld %lld",
	    l->sha[2], l->key, l->max, (long long)l->fence_token, (long long)v);

	return !err && !applied ? DB_RETRY : err; /* rejected: stale token */
}

static int fenced_work(struct worker *w)
{
	return txn_loop(w, fenced_begin, fenced_read, fenced_write, lease_give,
			lease_give);
}

const struct strategy strategy_redis_fenced = {
	.name = "fenced",
	.summary = "Redis: the lease plus a fencing token the write checks "
		   "(stale writes rejected)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "redis",
	.counts_retries = true,
	.crash = CRASH_EXACT,
	.on_crash = "its lease expired; the next token is newer",
	.attach = fenced_attach,
	.work = fenced_work,
};
