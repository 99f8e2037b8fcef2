/*
 * store.c - the table of stores, and which strategies each admits.
 *
 * How to add a store: write src/store/NAME.c exporting
 * `const struct store store_NAME` (see store.h), declare it below and add
 * it to the table. Which strategies it admits follows from what it says it
 * is (a memory word or not, shared memory beside it or not); store_refuses
 * words the reason.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "core/strategy.h"

extern const struct store store_shm;
extern const struct store store_file;
extern const struct store store_segment;

extern const struct store store_postgres;
extern const struct store store_redis;

const struct store *const stores[] = {
	&store_shm,	 /* the run's private SysV region: the default */
	&store_file,	 /* a regular file, pread and pwrite */
	&store_segment,	 /* a named SysV segment: racelab segment */
	&store_postgres, /* a row in PostgreSQL (libpq) */
	&store_redis,	 /* a key in Redis (hiredis) */
};

/*
 * A database store left out of this build (its client library was not
 * installed) still has its entry, which says how to get it.
 */
#ifndef RACELAB_HAVE_PQ
const struct store store_postgres = {
	.name = "postgres",
	.summary = "a row of a table of the run's own in PostgreSQL",
	.where = "PostgreSQL",
	.naming = "a libpq connection string",
	.unsupported = "this racelab was built without libpq: install it "
		       "(Debian: apt-get install libpq-dev) and run make again",
};
#endif
#ifndef RACELAB_HAVE_HIREDIS
const struct store store_redis = {
	.name = "redis",
	.summary = "a key of the run's own in Redis",
	.where = "Redis",
	.naming = "a socket path or HOST:PORT",
	.unsupported = "this racelab was built without hiredis: install it "
		       "(Debian: apt-get install libhiredis-dev) and run make "
		       "again",
};
#endif

const unsigned store_count = sizeof(stores) / sizeof(stores[0]);

const struct store *store_find(const char *arg, const char **name)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);

	*name = NULL;
	for (unsigned i = 0; i < store_count; i++) {
		const struct store *st = stores[i];

		if (strlen(st->name) != len ||
		    strncmp(arg, st->name, len) != 0 || !st->create)
			continue;
		if (colon && !st->naming)
			return NULL; /* this store takes no name */
		*name = colon ? colon + 1 : NULL;
		return st;
	}
	return NULL;
}

enum store_refusal store_refusal(const struct store *st,
				 const struct strategy *s)
{
	if (s->store && strcmp(s->store, st->name) != 0)
		return STORE_NOT_ITS;
	if (s->counter == COUNTER_OWN && st != stores[0])
		return STORE_NO_SHARING;
	if (s->counter == COUNTER_WORD && !st->atomic_add)
		return STORE_NO_WORD;
	if (s->lock == LOCK_MEMORY && !st->shares_memory)
		return STORE_NO_MEMORY;
	if (st->named && s->lock == LOCK_KERNEL && !s->join)
		return STORE_NO_NAME;
	if (st->named && s->run_only)
		return STORE_NO_NAME;
	if (st->named && s->cannot_run) {
		/* Each independent process is one worker of its own. */
		struct run one = { .strategy = s, .procs = 1 };

		if (s->cannot_run(&one))
			return STORE_NO_NAME;
	}
	return STORE_ADMITS;
}

const char *store_refusal_name(enum store_refusal why)
{
	switch (why) {
	case STORE_ADMITS:
		return "admitted";
	case STORE_NO_SHARING:
		return "they keep the count themselves";
	case STORE_NO_WORD:
		return "their atomics need a word in memory";
	case STORE_NO_MEMORY:
		return "their lock lives in shared memory";
	case STORE_NO_NAME:
		return "no independent process can find their lock by a name";
	case STORE_NOT_ITS:
		return "they are statements for another store's server";
	}
	return "?";
}

const char *store_refuses(const struct store *st, const struct strategy *s)
{
	static char why[256];
	enum store_refusal r = store_refusal(st, s);

	if (r == STORE_NO_SHARING) {
		snprintf(why, sizeof(why),
			 "%s keeps the count itself, so the %s store would "
			 "hold nothing",
			 s->name, st->name);
		return why;
	}
	if (r == STORE_NO_WORD) {
		snprintf(why, sizeof(why),
			 "%s works on the counter with atomic instructions, "
			 "which need a word in memory; the %s store is read "
			 "and written with system calls",
			 s->name, st->name);
		return why;
	}
	if (r == STORE_NO_NAME) {
		struct run one = { .strategy = s, .procs = 1 };
		const char *why_not =
		    s->cannot_run ? s->cannot_run(&one) : NULL;

		snprintf(why, sizeof(why), "%s cannot live at a name: %s",
			 s->name,
			 why_not ? why_not
			 : s->run_only
			     ? "only the workers of one run can "
			       "share its lock (parts of it are the run's own, "
			       "or its waiters need a CPU each)"
			     : "independent processes could not find "
			       "its lock (it is reached through the "
			       "creator's descriptors)");
		return why;
	}
	if (r == STORE_NOT_ITS) {
		snprintf(why, sizeof(why),
			 "%s is a sequence of statements for the %s server: "
			 "use --store %s",
			 s->name, s->store, s->store);
		return why;
	}
	if (r == STORE_NO_MEMORY) {
		snprintf(why, sizeof(why),
			 "%s's lock is a word in shared memory, and processes "
			 "that share a counter in the %s store need share no "
			 "memory: use a kernel lock (flock, fcntl, ofd, "
			 "sysv-sem)",
			 s->name, st->name);
		return why;
	}
	return NULL;
}
