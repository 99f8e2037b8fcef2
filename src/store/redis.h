/*
 * redis.h - the counter as a key of the run's own in Redis, reached through
 * hiredis.
 *
 *	racelab:<16 hex digits>		the counter, a decimal string
 *	racelab:<16 hex digits>:lock	the lease strategies' lock key
 *	racelab:<16 hex digits>:fence	the fencing token counter (fenced)
 *	racelab:<16 hex digits>:max	the highest token a write carried
 *
 * The keeper (store/keeper.h) makes the counter with SET ... 0 NX, which is
 * itself the check that the name is free (a taken name is never touched:
 * another one is drawn), and deletes the run's keys when racelab ends, on
 * every path, SIGKILL included. No other key is read or written.
 *
 * --store redis:PATH (a unix socket: PATH starts with / or .) or
 * --store redis:HOST:PORT (TCP); plain --store redis takes $RACELAB_REDIS.
 * Each worker has a connection of its own, made before the start gate.
 */
#ifndef RACELAB_REDIS_H
#define RACELAB_REDIS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/keeper.h"

#define REDIS_KEY_MAX 56 /* "racelab:counter:" a name ":fence" and a NUL */

struct redis_store {
	char where[256];	 /* socket path, or host */
	int port;		 /* TCP port, or 0 for a unix socket */
	char key[REDIS_KEY_MAX]; /* the counter's key */
	struct keeper keeper;	 /* deletes the keys at the end */
};

struct redis_link {
	void *ctx;		  /* its redisContext (hiredis.h stays in .c) */
	char key[REDIS_KEY_MAX];  /* the counter */
	char lock[REDIS_KEY_MAX]; /* KEY:lock */
	char fence[REDIS_KEY_MAX]; /* KEY:fence */
	char max[REDIS_KEY_MAX];   /* KEY:max */
	const char *where;	   /* for messages */
	char sha[3][41];	   /* the strategy's Lua scripts (SHA1) */
	char token[40];		   /* lease: this worker's lock token */
	int64_t fence_token;	   /* fenced: the token of its lease */
};

/* Reply kinds of redis_link_call(), as the caller wants them checked. */
enum redis_want {
	REDIS_OK,     /* +OK, or a nil reply (*nil set) */
	REDIS_INT,    /* an integer, into *v */
	REDIS_NUMBER, /* a bulk string holding a count, into *v */
	REDIS_ANY,    /* anything but an error: EXEC's array or nil, say */
};

/* Where (empty: $RACELAB_REDIS); 0, or -EINVAL with a message. */
int redis_store_parse(struct redis_store *s, const char *where);

/* Connect, start the keeper, which makes the key (value 0). */
int redis_store_open(struct redis_store *s, bool verbose);

/* The counter's value, on a connection of its own. */
int redis_store_total(const struct redis_store *s, uint64_t *v);

/* Back to 0, and no lease or token left (between two runs). */
int redis_store_reset(const struct redis_store *s);

/* Delete the run's keys (the keeper does it) and wait. Idempotent. */
void redis_store_close(struct redis_store *s, bool verbose);

int redis_link_open(struct redis_link *l, const struct redis_store *s);
void redis_link_close(struct redis_link *l);

/*
 * Send one command (hiredis's printf-like format: %s a string, %lld a
 * long long, %b a binary string and its length) and check its reply as
 * `want` says. *nil (if not NULL) is set when the reply is nil. Returns 0,
 * -ENOTCONN (the server went away), or -EIO (an error reply or one of
 * the wrong kind, reported).
 */
int redis_link_call(struct redis_link *l, enum redis_want want, int64_t *v,
		    bool *nil, const char *fmt, ...);

/*
 * MULTI, the one command fmt says, EXEC: sent together, one round trip.
 * *aborted is set when EXEC replied nil (a WATCHed key changed: nothing
 * was run). Returns 0, -ENOTCONN or -EIO, as redis_link_call().
 */
int redis_link_transaction(struct redis_link *l, bool *aborted, const char *fmt,
			   ...);

/* Load a Lua script; its SHA1 (41 bytes with the NUL) into sha. */
int redis_link_script(struct redis_link *l, const char *lua, char *sha);

#endif
