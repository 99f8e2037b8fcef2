/*
 * script - Redis: the read-modify-write as one Lua script, which the
 * server runs from start to end with no other command in between.
 *
 *	EVALSHA <sha> 1 k     -- the script below, loaded once per connection
 *
 *	local v = tonumber(redis.call('GET', KEYS[1]))
 *	redis.call('SET', KEYS[1], v + 1)
 *	return v
 *
 * The script reads, adds and writes exactly as `none` does, but Redis
 * executes commands (and a script is one command) one at a time on one
 * thread: while it runs, no other client's command can touch the key. So
 * nothing is lost, with no lock and no retry, at the price of doing the
 * computation on the server. (It is also how Redis itself runs INCR.)
 *
 * A client that dies: it never held anything; its script either ran
 * whole or not at all.
 *
 * Cost: one round trip per increment, plus the script's few microseconds
 * on the server, during which every other client waits.
 * Read next: https://redis.io/docs/interact/programmability/eval-intro/
 */
#include "store/redis.h"
#include "strategies/common/txn.h"

static const char rmw_lua[] = "local v = tonumber(redis.call('GET', KEYS[1]))\n"
			      "redis.call('SET', KEYS[1], v + 1)\n"
			      "return v\n";

static int script_attach(struct worker *w)
{
	struct redis_link *l = w->link.db;

	return redis_link_script(l, rmw_lua, l->sha[0]);
}

/* The whole increment: the script returns the value it read. */
static int script_increment(struct worker *w, int64_t *v)
{
	struct redis_link *l = w->link.db;

	return redis_link_call(l, REDIS_INT, v, NULL, "EVALSHA %s 1 %s",
			       l->sha[0], l->key);
}

static int script_work(struct worker *w)
{
	return txn_loop(w, NULL, script_increment, NULL, NULL, NULL);
}

const struct strategy strategy_redis_script = {
	.name = "script",
	.summary = "Redis: GET and SET in one Lua script (EVALSHA), run "
		   "whole by the server",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_NONE,
	.store = "redis",
	.crash = CRASH_EXACT,
	.on_crash = "it held nothing",
	.attach = script_attach,
	.work = script_work,
};
