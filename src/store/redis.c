/*
 * redis.c - the counter as a key in Redis, through hiredis (see redis.h).
 */
#include "store/redis.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/un.h>

#include <hiredis/hiredis.h>

#include "core/util.h"

#define WHO	   "redis"
#define NAME_TRIES 8 /* random names tried before giving up */

int redis_store_parse(struct redis_store *s, const char *where)
{
	const char *colon;
	const char *why;
	uint64_t port;

	memset(s, 0, sizeof(*s));
	s->keeper.fd = -1;
	if (!*where)
		where = getenv("RACELAB_REDIS") ? getenv("RACELAB_REDIS") : "";
	if (!*where) {
		report("--store redis: say where the server is: "
		       "redis:/path/to/redis.sock or redis:HOST:PORT "
		       "(or set RACELAB_REDIS)");
		return -EINVAL;
	}
	if (where[0] == '/' || where[0] == '.') {
		if (strlen(where) >=
		    sizeof(((struct sockaddr_un *)0)->sun_path)) {
			report("--store redis: the socket path is longer than "
			       "a unix socket's %zu bytes",
			       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
			return -EINVAL;
		}
		snprintf(s->where, sizeof(s->where), "%s", where);
		return 0;
	}
	colon = strrchr(where, ':');
	if (!colon || colon == where ||
	    (size_t)(colon - where) >= sizeof(s->where) ||
	    parse_u64(colon + 1, 1, 65535, &port, &why)) {
		report("--store redis: '%.100s' is neither a socket path "
		       "(/...) nor HOST:PORT",
		       where);
		return -EINVAL;
	}
	memcpy(s->where, where, (size_t)(colon - where));
	s->where[colon - where] = '\0';
	s->port = (int)port;
	return 0;
}

static redisContext *redis_connect(const struct redis_store *s)
{
	struct timeval tv = { .tv_sec = 5 };
	redisContext *c = s->port
			      ? redisConnectWithTimeout(s->where, s->port, tv)
			      : redisConnectUnixWithTimeout(s->where, tv);

	if (!c) {
		report(WHO ": cannot connect to %s: out of memory", s->where);
		return NULL;
	}
	if (c->err) {
		if (s->port)
			report(WHO ": cannot connect to %s:%d: %s", s->where,
			       s->port, c->errstr);
		else
			report(WHO ": cannot connect to %s: %s", s->where,
			       c->errstr);
		redisFree(c);
		return NULL;
	}
	return c;
}

/* Check reply r of command `what` against want; free it. */
static int redis_check(redisContext *c, redisReply *r, enum redis_want want,
		       int64_t *v, bool *nil, const char *what)
{
	int err = 0;
	const char *why;
	uint64_t u;

	if (nil)
		*nil = false;
	if (!r) {
		report(WHO ": %s: the server closed the connection (%s)", what,
		       c->errstr[0] ? c->errstr : "no reply");
		return -ENOTCONN;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		report(WHO ": %s: %.200s", what, r->str);
		err = -EIO;
	} else if (r->type == REDIS_REPLY_NIL) {
		if (nil)
			*nil = true;
		else if (want != REDIS_ANY) {
			report(WHO ": %s: a nil reply (the key is gone?)",
			       what);
			err = -EIO;
		}
	} else if (want == REDIS_INT) {
		if (r->type != REDIS_REPLY_INTEGER) {
			report(WHO ": %s: not an integer reply", what);
			err = -EIO;
		} else if (v)
			*v = (int64_t)r->integer;
	} else if (want == REDIS_NUMBER) {
		if (r->type != REDIS_REPLY_STRING ||
		    parse_u64(r->str, 0, INT64_MAX, &u, &why)) {
			report(WHO ": %s: the value is not a count", what);
			err = -EIO;
		} else if (v)
			*v = (int64_t)u;
	} else if (want == REDIS_OK && r->type != REDIS_REPLY_STATUS) {
		report(WHO ": %s: an unexpected reply", what);
		err = -EIO;
	}
	freeReplyObject(r);
	return err;
}

static int redis_vcall(redisContext *c, enum redis_want want, int64_t *v,
		       bool *nil, const char *fmt, va_list ap)
{
	char what[24];
	redisReply *r = redisvCommand(c, fmt, ap);

	/* The command's name, for messages: "GET", "EXEC". */
	snprintf(what, sizeof(what), "%.*s", (int)strcspn(fmt, " "), fmt);
	return redis_check(c, r, want, v, nil, what);
}

static int redis_call(redisContext *c, enum redis_want want, int64_t *v,
		      bool *nil, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = redis_vcall(c, want, v, nil, fmt, ap);
	va_end(ap);
	return err;
}

/* The keeper's side: make the key, and delete the run's keys. */
struct redis_keep {
	const struct redis_store *s; /* the store (the keeper's copy) */
	redisContext *c;	     /* the keeper's connection */
	char key[REDIS_KEY_MAX];     /* the key it made, or "" */
};

static int redis_keep_make(void *arg, char *out, size_t len)
{
	struct redis_keep *k = arg;
	int err = -EEXIST;

	k->c = redis_connect(k->s);
	if (!k->c)
		return -ENOTCONN;
	for (int i = 0; i < NAME_TRIES && err == -EEXIST; i++) {
		char name[REDIS_KEY_MAX];
		uint64_t r;
		bool taken;

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return report_errno(WHO, "getrandom", errno);
		snprintf(name, sizeof(name), "racelab:%016llx",
			 (unsigned long long)r);
		/* NX: only if no such key exists; nil when one does. */
		err = redis_call(k->c, REDIS_OK, NULL, &taken, "SET %s 0 NX",
				 name);
		if (!err && taken)
			err = -EEXIST;
		else if (!err)
			memcpy(k->key, name, sizeof(name));
	}
	if (err == -EEXIST)
		report(WHO ": %d random key names were all taken", NAME_TRIES);
	if (!err)
		snprintf(out, len, "%s", k->key);
	return err;
}

static int redis_keep_unmake(void *arg)
{
	struct redis_keep *k = arg;
	int err = 0;

	if (!k->key[0])
		return 0;
	if (!k->c || k->c->err) {
		if (k->c)
			redisFree(k->c);
		k->c = redis_connect(k->s);
	}
	if (!k->c || redis_call(k->c, REDIS_INT, NULL, NULL,
				"DEL %s %s:lock %s:fence %s:max", k->key,
				k->key, k->key, k->key)) {
		report(WHO ": could not delete key %s at %s: delete it by "
			   "hand",
		       k->key, k->s->where);
		err = -1;
	}
	if (k->c)
		redisFree(k->c);
	return err;
}

int redis_store_open(struct redis_store *s, bool verbose)
{
	struct redis_keep k = { .s = s };
	struct keeper_job job = { redis_keep_make, redis_keep_unmake, &k };
	int err = keeper_start(&s->keeper, &job, s->key, sizeof(s->key));

	if (err) {
		s->key[0] = '\0';
		return err == -ECHILD ? -EIO : err;
	}
	if (verbose)
		report(WHO ": created key %s (%s)", s->key, s->where);
	return 0;
}

void redis_store_close(struct redis_store *s, bool verbose)
{
	if (keeper_stop(&s->keeper) == 0 && verbose)
		report(WHO ": deleted key %s", s->key);
}

int redis_store_total(const struct redis_store *s, uint64_t *v)
{
	redisContext *c = redis_connect(s);
	int64_t got = 0;
	int err;

	if (!c)
		return -ENOTCONN;
	err = redis_call(c, REDIS_NUMBER, &got, NULL, "GET %s", s->key);
	redisFree(c);
	if (!err)
		*v = (uint64_t)got;
	return err;
}

int redis_store_reset(const struct redis_store *s)
{
	redisContext *c = redis_connect(s);
	int err;

	if (!c)
		return -ENOTCONN;
	err = redis_call(c, REDIS_OK, NULL, NULL, "SET %s 0", s->key);
	if (!err)
		err = redis_call(c, REDIS_INT, NULL, NULL,
				 "DEL %s:lock %s:fence %s:max", s->key, s->key,
				 s->key);
	redisFree(c);
	return err;
}

int redis_link_open(struct redis_link *l, const struct redis_store *s)
{
	memset(l, 0, sizeof(*l));
	l->ctx = redis_connect(s);
	if (!l->ctx)
		return -ENOTCONN;
	l->where = s->where;
	snprintf(l->key, sizeof(l->key), "%s", s->key);
	snprintf(l->lock, sizeof(l->lock), "%.47s:lock", s->key);
	snprintf(l->fence, sizeof(l->fence), "%.47s:fence", s->key);
	snprintf(l->max, sizeof(l->max), "%.47s:max", s->key);
	return 0;
}

void redis_link_close(struct redis_link *l)
{
	if (l->ctx)
		redisFree(l->ctx);
	l->ctx = NULL;
}

int redis_link_call(struct redis_link *l, enum redis_want want, int64_t *v,
		    bool *nil, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = redis_vcall(l->ctx, want, v, nil, fmt, ap);
	va_end(ap);
	return err;
}

int redis_link_transaction(struct redis_link *l, bool *aborted, const char *fmt,
			   ...)
{
	redisContext *c = l->ctx;
	va_list ap;
	void *reply = NULL;
	int err = 0;

	*aborted = false;
	va_start(ap, fmt);
	if (redisAppendCommand(c, "MULTI") != REDIS_OK ||
	    redisvAppendCommand(c, fmt, ap) != REDIS_OK ||
	    redisAppendCommand(c, "EXEC") != REDIS_OK) {
		va_end(ap);
		return redis_check(c, NULL, REDIS_ANY, NULL, NULL, "MULTI");
	}
	va_end(ap);
	/* +OK, +QUEUED, then EXEC's array, or nil when it was aborted. */
	for (int i = 0; i < 3 && !err; i++) {
		static const char *const what[] = { "MULTI", "queued command",
						    "EXEC" };

		reply = NULL;
		if (redisGetReply(c, &reply) != REDIS_OK)
			reply = NULL;
		err = redis_check(c, reply, i < 2 ? REDIS_OK : REDIS_ANY, NULL,
				  i < 2 ? NULL : aborted, what[i]);
	}
	return err;
}

int redis_link_script(struct redis_link *l, const char *lua, char *sha)
{
	redisContext *c = l->ctx;
	redisReply *r = redisCommand(c, "SCRIPT LOAD %s", lua);
	int err = 0;

	if (!r)
		return redis_check(c, r, REDIS_ANY, NULL, NULL, "SCRIPT");
	if (r->type != REDIS_REPLY_STRING || r->len != 40) {
		report(WHO ": SCRIPT LOAD: %.200s",
		       r->type == REDIS_REPLY_ERROR ? r->str
						    : "an unexpected reply");
		err = -EIO;
	} else
		memcpy(sha, r->str, 41);
	freeReplyObject(r);
	return err;
}

/* ---- the store (store/store.h): --store redis[:PATH|HOST:PORT] ------- */

#include "core/registry.h"
#include "store/store.h"

extern const struct store store_redis;

static const char *redis_check_name(const char *where)
{
	const char *colon = strrchr(where, ':');
	uint64_t port;
	const char *why;

	if (where[0] == '/' || where[0] == '.')
		return strlen(where) <
			       sizeof(((struct sockaddr_un *)0)->sun_path)
			   ? NULL
			   : "the socket path is too long for a unix socket";
	if (!colon || colon == where ||
	    parse_u64(colon + 1, 1, 65535, &port, &why))
		return "neither a socket path (/...) nor HOST:PORT";
	return NULL;
}

static int redis_create(struct store_handle *h, const char *name,
			struct region *r, bool verbose)
{
	struct redis_store *s = calloc(1, sizeof(*s));
	int err;

	(void)r;
	if (!s)
		return report_errno(WHO, "calloc", ENOMEM);
	h->db = s;
	err = redis_store_parse(s, name ? name : "");
	if (!err)
		err = redis_store_open(s, verbose);
	h->open = !err;
	if (s->port)
		snprintf(h->path, sizeof(h->path), "%s:%d", s->where, s->port);
	else
		snprintf(h->path, sizeof(h->path), "%s", s->where);
	return err;
}

static int redis_attach(const struct store_handle *h, struct store_link *l)
{
	struct redis_link *rl = calloc(1, sizeof(*rl));
	int err;

	if (!rl)
		return report_errno(WHO, "calloc", ENOMEM);
	err = redis_link_open(rl, h->db);
	if (err) {
		free(rl);
		return err;
	}
	l->db = rl;
	l->path = rl->where;
	return 0;
}

/* The plain GET and SET, for the client-side locks around them. */
static int redis_load(struct store_link *l, uint64_t *v)
{
	struct redis_link *rl = l->db;
	int64_t got = 0;
	int err =
	    redis_link_call(rl, REDIS_NUMBER, &got, NULL, "GET %s", rl->key);

	*v = (uint64_t)got;
	return err;
}

static int redis_save(struct store_link *l, uint64_t v)
{
	struct redis_link *rl = l->db;

	return redis_link_call(rl, REDIS_OK, NULL, NULL, "SET %s %llu", rl->key,
			       (unsigned long long)v);
}

static void redis_detach(struct store_link *l)
{
	if (l->db) {
		redis_link_close(l->db);
		free(l->db);
		l->db = NULL;
	}
}

static int redis_total(const struct store_handle *h, uint64_t *v)
{
	return redis_store_total(h->db, v);
}

static void redis_close(struct store_handle *h, bool verbose)
{
	if (h->db) {
		redis_store_close(h->db, verbose);
		free(h->db);
		h->db = NULL;
	}
	h->open = false;
}

/* ---- named counters (racelab counter): keys under the name ---------- */

/*
 * racelab:counter:NAME        the counter (the strategies' key)
 * racelab:counter:NAME:tally  a hash: racelab = "counter 1" (the mark),
 *                             requested, finished, attempted, incrs,
 *                             incrs_done
 * and the lease strategies' NAME:lock, :fence, :max while they exist.
 *
 * Each command is one Lua script, which Redis runs indivisibly: create
 * makes both keys only if none of the five exists; every other command
 * first checks the mark, so a key of that name that is not racelab's is
 * refused, never used nor deleted.
 */
#define REDIS_COUNTER_MARK "counter 1"
#define REDIS_KEYS	   "5 %s %s:tally %s:lock %s:fence %s:max"
#define REDIS_KEYS_OF(k)   (k), (k), (k), (k), (k)

static const char counter_create_lua[] =
    "if redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]) "
    "> 0 then return 0 end "
    "redis.call('SET', KEYS[1], '0') "
    "redis.call('HSET', KEYS[2], 'racelab', '" REDIS_COUNTER_MARK "', "
    "'requested', 0, 'finished', 0, 'attempted', 0, 'incrs', 0, "
    "'incrs_done', 0) "
    "return 1";

/* The mark, the value, the tallies: one snapshot. */
static const char counter_read_lua[] =
    "if redis.call('EXISTS', KEYS[1], KEYS[2]) == 0 then return 0 end "
    "if redis.call('TYPE', KEYS[1]).ok ~= 'string' or "
    "redis.call('TYPE', KEYS[2]).ok ~= 'hash' then return 1 end "
    "local t = redis.call('HMGET', KEYS[2], 'racelab', 'requested', "
    "'finished', 'attempted', 'incrs', 'incrs_done') "
    "return {redis.call('GET', KEYS[1]), t[1], t[2], t[3], t[4], t[5], "
    "t[6]}";

static const char counter_add_lua[] =
    "if redis.call('TYPE', KEYS[2]).ok ~= 'hash' or "
    "redis.call('HGET', KEYS[2], 'racelab') ~= '" REDIS_COUNTER_MARK "' "
    "then return 0 end "
    "local f = {'requested', 'finished', 'attempted', 'incrs', "
    "'incrs_done'} "
    "for i = 1, 5 do redis.call('HINCRBY', KEYS[2], f[i], ARGV[i]) end "
    "return 1";

static const char counter_destroy_lua[] =
    "if redis.call('EXISTS', KEYS[1], KEYS[2]) == 0 then return -2 end "
    "if redis.call('TYPE', KEYS[2]).ok ~= 'hash' or "
    "redis.call('HGET', KEYS[2], 'racelab') ~= '" REDIS_COUNTER_MARK "' "
    "then return -1 end "
    "return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], "
    "KEYS[5])";

static int redis_counter_open(struct store_handle *h, const char *where,
			      const char *name)
{
	struct redis_store *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return report_errno(WHO, "calloc", ENOMEM);
	h->db = s;
	h->store = &store_redis;
	h->fd = -1;
	err = redis_store_parse(s, where ? where : "");
	if (!err && !counter_name_ok(name))
		err = -EINVAL;
	if (!err) {
		snprintf(s->key, sizeof(s->key), "racelab:counter:%s", name);
		h->open = true;
	}
	if (s->port)
		snprintf(h->path, sizeof(h->path), "%s:%d", s->where, s->port);
	else
		snprintf(h->path, sizeof(h->path), "%s", s->where);
	return err;
}

static void redis_counter_close(struct store_handle *h)
{
	free(h->db);
	h->db = NULL;
	h->open = false;
}

static int redis_not_ours(const struct redis_store *s, const char *why)
{
	report(WHO ": key %s at %s is not a racelab counter (%s): left "
		   "untouched",
	       s->key, s->where, why);
	return -EINVAL;
}

static int redis_counter_create(const struct store_handle *h)
{
	const struct redis_store *s = h->db;
	redisContext *c = redis_connect(s);
	int64_t made = 0;
	int err;

	if (!c)
		return -ENOTCONN;
	err = redis_call(c, REDIS_INT, &made, NULL, "EVAL %s " REDIS_KEYS,
			 counter_create_lua, REDIS_KEYS_OF(s->key));
	redisFree(c);
	if (!err && made != 1) {
		report(WHO ": key %s (or its :tally, :lock, :fence, :max) "
			   "exists at %s: refused (never adopted nor "
			   "overwritten)",
		       s->key, s->where);
		err = -EEXIST;
	}
	return err;
}

static int redis_counter_read(const struct store_handle *h,
			      struct counter_view *v)
{
	const struct redis_store *s = h->db;
	redisContext *c = redis_connect(s);
	redisReply *r;
	uint64_t f[6];
	const char *why;
	int err = 0;

	if (!c)
		return -ENOTCONN;
	r = redisCommand(c, "EVAL %s " REDIS_KEYS, counter_read_lua,
			 REDIS_KEYS_OF(s->key));
	if (!r || r->type == REDIS_REPLY_ERROR) {
		err = redis_check(c, r, REDIS_ANY, NULL, NULL, "EVAL");
		redisFree(c);
		return err;
	}
	if (r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
		report(WHO ": no counter key %s at %s", s->key, s->where);
		err = -ENOENT;
	} else if (r->type != REDIS_REPLY_ARRAY || r->elements != 7)
		err = redis_not_ours(s, "not a string and a hash");
	else if (r->element[1]->type != REDIS_REPLY_STRING ||
		 strcmp(r->element[1]->str, REDIS_COUNTER_MARK) != 0)
		err = redis_not_ours(s, "no mark");
	for (size_t i = 0; !err && i < 7; i++) {
		const redisReply *e = r->element[i];

		if (i == 1)
			continue;
		if (e->type != REDIS_REPLY_STRING ||
		    parse_u64(e->str, 0, INT64_MAX, &f[i ? i - 1 : 0], &why))
			err = redis_not_ours(s, "garbled values");
	}
	freeReplyObject(r);
	redisFree(c);
	if (err)
		return err;
	*v = (struct counter_view){
		.value = f[0],
		.requested = f[1],
		.finished = f[2],
		.attempted = f[3],
		.incrs = f[4],
		.incrs_done = f[5],
	};
	if (v->finished > v->attempted || v->attempted > v->requested ||
	    v->incrs_done > v->incrs)
		return redis_not_ours(s, "tallies that cannot be");
	return 0;
}

static int redis_counter_add(const struct store_handle *h,
			     const struct counter_delta *d)
{
	const struct redis_store *s = h->db;
	redisContext *c = redis_connect(s);
	int64_t ok = 0;
	int err;

	if (!c)
		return -ENOTCONN;
	err = redis_call(c, REDIS_INT, &ok, NULL,
			 "EVAL %s " REDIS_KEYS " %lld %lld %lld %lld %lld",
			 counter_add_lua, REDIS_KEYS_OF(s->key),
			 (long long)d->requested, (long long)d->finished,
			 (long long)d->attempted, (long long)d->incrs,
			 (long long)d->incrs_done);
	redisFree(c);
	if (!err && ok != 1)
		err = redis_not_ours(s, "no mark");
	return err;
}

static int redis_counter_destroy(const struct store_handle *h)
{
	const struct redis_store *s = h->db;
	redisContext *c = redis_connect(s);
	int64_t gone = 0;
	int err;

	if (!c)
		return -ENOTCONN;
	err = redis_call(c, REDIS_INT, &gone, NULL, "EVAL %s " REDIS_KEYS,
			 counter_destroy_lua, REDIS_KEYS_OF(s->key));
	redisFree(c);
	if (!err && gone == -2) {
		report(WHO ": no counter key %s at %s", s->key, s->where);
		return -ENOENT;
	}
	if (!err && gone < 0)
		return redis_not_ours(s, "no mark");
	return err;
}

static const struct store_counter redis_counter = {
	.what = "keys racelab:counter:%s and :tally",
	.open = redis_counter_open,
	.create = redis_counter_create,
	.read = redis_counter_read,
	.add = redis_counter_add,
	.destroy = redis_counter_destroy,
	.close = redis_counter_close,
};

const struct store store_redis = {
	.name = "redis",
	.summary = "a key of the run's own in Redis (hiredis; redis:PATH, "
		   "redis:HOST:PORT or $RACELAB_REDIS)",
	.where = "Redis",
	.naming = "a socket path or HOST:PORT",
	.own = strategies_redis,
	.check_name = redis_check_name,
	.create = redis_create,
	.attach = redis_attach,
	.load = redis_load,
	.save = redis_save,
	.detach = redis_detach,
	.total = redis_total,
	.close = redis_close,
	.counter = &redis_counter,
};
