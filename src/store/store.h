/*
 * store.h - where the counter lives, and how a worker reaches it.
 *
 * A store is one file in src/store/ exporting one `const struct store`,
 * listed in src/store/store.c. It knows nothing of locks: a lock strategy
 * (core/strategy.h) decides who may touch the counter, the store only how
 * it is read and written. Each store says which strategies it admits, and
 * store_refuses() words why it refuses the others.
 *
 *   create    in the parent, once: make (or open, at a name: a path, a key)
 *             the counter and set it to 0. A store at a name keeps it.
 *   attach    in each worker: its own way to the counter (a pointer into
 *             shared memory, a descriptor; later a connection of its own).
 *   load/save one worker's read and write of the counter, for the stores
 *             whose counter is not a word in memory (the file). A memory
 *             store leaves them NULL: the loop (core/loop.h) reads and
 *             writes link->counter inline, with no call at all.
 *   add       the store's own indivisible add, where it has one (memory:
 *             the strategy's atomic_fetch_add on link->counter).
 *   total     perfbook's read_count: the count, once every worker is gone.
 *   close     in the parent, on every path that ran create.
 *
 * A database store fits the same shape (docs/design-notes.md): create
 * opens the row or key at a connection string, attach opens each worker's
 * own connection, load/save are a SELECT and an UPDATE, add is the
 * server-side UPDATE ... SET v = v + 1, total a SELECT.
 */
#ifndef RACELAB_STORE_H
#define RACELAB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/region.h"

struct strategy;
struct store;

/* One worker's way to the counter; lives in its struct worker. */
struct store_link {
	const struct store *store; /* whose link */
	union counter *counter;	   /* memory stores: the word; else NULL */
	int fd;			   /* file store: a descriptor, or -1 */
	const char *path;	   /* for messages: the counter's name */
	void *db;		   /* database stores: the connection's state */
};

/* The tallies of a named store, so independent processes can be verified. */
struct store_tally {
	_Atomic uint64_t requested;  /* increments asked for, summed */
	_Atomic uint64_t completed;  /* increments finished */
	_Atomic uint64_t recoveries; /* owner-death recoveries seen */
	_Atomic uint64_t incrs;	     /* processes that started */
	_Atomic uint64_t incrs_done; /* ... and that finished or stopped */
};

/*
 * A named counter (racelab counter), as show reads it: the value and the
 * tallies every incr process adds to, server-side, in one statement.
 */
struct counter_view {
	uint64_t value;	     /* the counter itself */
	uint64_t requested;  /* increments incr processes asked for, less
				what never started */
	uint64_t finished;   /* increments whose write was confirmed */
	uint64_t attempted;  /* ... and those whose fate is unknown (a
				client cut off inside its commit) */
	uint64_t incrs;	     /* incr processes that started */
	uint64_t incrs_done; /* ... and that recorded their end */
};

/* A counter's NAME: [a-z][a-z0-9_]*, at most this long (a table name). */
#define COUNTER_NAME_MAX 24

/* Is name a counter's NAME? */
static inline bool counter_name_ok(const char *name)
{
	size_t n = 0;

	if (!name || name[0] < 'a' || name[0] > 'z')
		return false;
	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') ||
		      (name[n] >= '0' && name[n] <= '9') || name[n] == '_') ||
		    n >= COUNTER_NAME_MAX)
			return false;
	return true;
}

/* What one incr adds to the tallies (requested may shrink). */
struct counter_delta {
	int64_t requested, finished, attempted, incrs, incrs_done;
};

/* An opened store, in the parent (struct run holds one). */
struct store_handle {
	const struct store *store; /* what kind */
	union counter *counter;	   /* memory stores: the word */
	int fd;			   /* file store: the parent's descriptor */
	bool open;		   /* create succeeded; close must run */
	bool created;		   /* racelab made the file */
	char path[512];		   /* the file's name; "" for a temporary */
	void *db;		   /* database stores: the table's or key's */
};

struct store {
	const char *name;    /* as typed after --store */
	const char *summary; /* one line for `racelab list` */
	const char *where;   /* the counter's home in a sentence: "a file" */
	const char *naming;  /* what NAME is in --store NAME:X, or NULL */
	const char *unsupported; /* why it is not in this build, or NULL */
	bool secret_name;	 /* NAME may hold a password: never print it */
	/*
	 * A database store's own strategies (core/registry.c), NULL-terminated,
	 * or NULL: on this store they replace general ones of the same name.
	 */
	const struct strategy *const *own;
	bool memory;	    /* the counter is a word in shared memory */
	bool atomic_add;    /* it offers an indivisible add */
	bool shares_memory; /* a lock may live in memory beside it */
	bool named;	    /* found by a name by independent processes */
	/*
	 * Optional. Why the NAME of --store KIND:NAME cannot be used (a
	 * symbolic link, not a regular file), in words, or NULL. Called while
	 * parsing, before anything is created; create checks again.
	 */
	const char *(*check_name)(const char *name);
	int (*create)(struct store_handle *h, const char *name,
		      struct region *r, bool verbose);
	int (*attach)(const struct store_handle *h, struct store_link *l);
	int (*load)(struct store_link *l, uint64_t *v);
	int (*save)(struct store_link *l, uint64_t v);
	void (*detach)(struct store_link *l);
	int (*total)(const struct store_handle *h, uint64_t *v);
	void (*close)(struct store_handle *h, bool verbose);
	/* Named counters (racelab counter), or NULL: see below. */
	const struct store_counter *counter;
};

/*
 * A counter under a name that independent processes on any host share
 * (`racelab counter`). Each returns 0 or a negative errno, reported:
 * -EEXIST (create: the name is taken), -ENOENT (no counter of that name),
 * -EINVAL (what is there is not racelab's, or garbled), -ENOTCONN, -EACCES,
 * -EIO. Nothing but the counter's own table or keys is read or written.
 */
struct store_counter {
	const char *what; /* its home in words: "table racelab_counter_%s" */
	/* Fill h for counter NAME at WHERE (--store KIND:WHERE), without
	 * talking to the server: a bad WHERE is -EINVAL. */
	int (*open)(struct store_handle *h, const char *where,
		    const char *name);
	int (*create)(const struct store_handle *h); /* refuses a taken name */
	int (*read)(const struct store_handle *h, struct counter_view *v);
	int (*add)(const struct store_handle *h, const struct counter_delta *d);
	int (*destroy)(
	    const struct store_handle *h);     /* only what create made */
	void (*close)(struct store_handle *h); /* frees what open made */
};

/*
 * The stores, in src/store/store.c; the first is the default. A store
 * without create (the named segment) is used by its own command, not by
 * --store.
 */
extern const struct store *const stores[];
extern const unsigned store_count;

/*
 * The store that --store ARG names ("shm", "file", "file:PATH"); *name gets
 * what follows the colon, or NULL. NULL when there is none such.
 */
const struct store *store_find(const char *arg, const char **name);

/* Why a store refuses a strategy. */
enum store_refusal {
	STORE_ADMITS,	  /* it does not */
	STORE_NO_SHARING, /* the strategy keeps the count itself */
	STORE_NO_WORD,	  /* it needs atomics on a memory word */
	STORE_NO_MEMORY,  /* its lock lives in shared memory */
	STORE_NO_NAME,	  /* its lock cannot be found at a name */
	STORE_NOT_ITS,	  /* statements for another store's server */
};

enum store_refusal store_refusal(const struct store *st,
				 const struct strategy *s);

/* The reason, briefly, for `racelab list`. */
const char *store_refusal_name(enum store_refusal why);

/* Why store st cannot hold a run of strategy s, in words, or NULL. */
const char *store_refuses(const struct store *st, const struct strategy *s);

#endif
