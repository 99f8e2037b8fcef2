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
	snprintf(l->lock, sizeof(l->lock), "%.39s:lock", s->key);
	snprintf(l->fence, sizeof(l->fence), "%.39s:fence", s->key);
	snprintf(l->max, sizeof(l->max), "%.39s:max", s->key);
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
};
