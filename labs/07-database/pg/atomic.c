/*
 * atomic.c - lab 07, part 1: YOUR server-side increment.
 *
 * This file replaces src/strategies/pg/atomic.c when you run `make` or
 * `make check` in this directory. It must keep exporting
 * strategy_pg_atomic (racelab run --store postgres --strategy atomic).
 *
 * The counter is the one row of a table the run makes for itself:
 *
 *	CREATE TABLE racelab_<16 hex digits> (id int PRIMARY KEY,
 *	                                      v bigint NOT NULL);
 *	INSERT INTO ... VALUES (1, 0);
 *
 * Each worker is a client with its own connection. As shipped, this file
 * is the hit counter of a thousand web applications: the client reads v,
 * adds one, and writes back the value it computed, each statement in
 * autocommit (its own transaction):
 *
 *	SELECT v FROM t WHERE id = 1;            -- say 41
 *	UPDATE t SET v = $1 WHERE id = 1;        -- $1 = 42, computed here
 *
 * Two clients that both read 41 both write 42: one hit is gone, and the
 * server never saw anything wrong. `make check` shows it.
 *
 * You make the server add (TODO 1 and TODO 2): one statement that reads
 * and writes the row itself, so that the client never holds a value that
 * can go stale. Then no update may be lost, however the clients
 * interleave.
 *
 * The API (src/store/postgres.h):
 *
 *	pg_link_prepare(l, "SQL", &id)	prepare a statement on this worker's
 *					connection; "%T" in the text stands
 *					for the run's table; statements are
 *					numbered 0, 1, ... in the order you
 *					prepare them (the enum below)
 *	pg_link_exec(l, id, nparams, params, &value, &rows)
 *					run statement id with nparams int8
 *					parameters ($1, $2); a row's first
 *					column goes to value (if not NULL)
 *
 * Both return 0 or a negative errno they have already reported.
 * w->link.db is the worker's connection (struct pg_link *).
 * Headers: postgres.h is src/store/postgres.h, txn.h
 * src/strategies/common/txn.h (the loop: it calls pg_atomic_add() once
 * per increment).
 */
#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { READ, WRITE }; /* the statements, in prepare order */

static int pg_atomic_attach(struct worker *w)
{
	struct pg_link *l = w->link.db;
	unsigned id;
	int err;

	/*
	 * TODO 1: prepare ONE statement instead of these two: an UPDATE
	 * whose SET computes the new value from the row's own v, on the
	 * server. (Then rename the enum above: one statement, number 0.)
	 */
	err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);
	if (!err)
		err = pg_link_prepare(l, "UPDATE %T SET v = $1 WHERE id = 1",
				      &id);
	return err;
}

/* The whole increment. */
static int pg_atomic_add(struct worker *w, int64_t *v)
{
	struct pg_link *l = w->link.db;
	int64_t next;
	int err;

	/*
	 * TODO 2: run your one statement (statement 0, no parameters) and
	 * nothing else. *v is not needed: set it to 0.
	 */
	err = pg_link_exec(l, READ, 0, NULL, v, NULL); /* *v = the row's v */
	if (err)
		return err;
	if (w->probed)
		probe_gap(w); /* --window, --crash-at: between read and write */
	next = *v + 1;	      /* computed here, in the client */
	return pg_link_exec(l, WRITE, 1, &next, NULL, NULL);
}

static int pg_atomic_work(struct worker *w)
{
	return txn_loop(w, NULL, pg_atomic_add, NULL, NULL, NULL);
}

const struct strategy strategy_pg_atomic = {
	.name = "atomic",
	.summary = "PostgreSQL: UPDATE SET v = v + 1 (lab 07: yours)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.crash = CRASH_EXACT,
	.on_crash = "the statement committed whole or not at all",
	.attach = pg_atomic_attach,
	.work = pg_atomic_work,
};
