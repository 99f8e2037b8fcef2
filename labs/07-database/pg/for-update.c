/*
 * for-update.c - lab 07, part 2: YOUR row lock.
 *
 * This file replaces src/strategies/pg/for-update.c when you run `make` or
 * `make check` in this directory. It must keep exporting
 * strategy_pg_for_update (racelab run --store postgres --strategy
 * for-update).
 *
 * Sometimes the client must compute the new value itself (a price, a
 * balance with rules, a JSON document), so `SET v = v + 1` will not do.
 * Then the row must stay locked from the read to the write. The harness
 * calls, for each increment:
 *
 *	for_update_begin(w)		BEGIN: start a transaction
 *	for_update_read(w, &v)		SELECT v ...: read the row
 *	  ... v + 1 computed here, in the client ...
 *	for_update_write(w, v + 1)	UPDATE ... SET v = $1: write it
 *	for_update_commit(w)		COMMIT: make it visible, and let go
 *
 * (and for_update_abort(w) only when the server says "try again", which
 * does not happen here). As shipped, begin and commit do nothing and the
 * SELECT takes no lock: each statement is its own transaction, in
 * autocommit, exactly as in part 1's starter, and updates are lost.
 *
 * You write three things (TODO 1, 2, 3): make the SELECT lock the row it
 * reads (`SELECT ... FOR UPDATE`), and run the four statements as one
 * transaction (BEGIN ... COMMIT). Read the PostgreSQL manual's "The
 * Locking Clause" (in SELECT's page) first: how long is a row lock held?
 *
 * The API (src/store/postgres.h): pg_link_prepare and pg_link_exec as in
 * part 1; and
 *
 *	pg_link_command(l, "SQL")	run one command without parameters
 *					(BEGIN, COMMIT, ROLLBACK): 0 or a
 *					negative errno it has reported
 *
 * w->link.db is the worker's connection (struct pg_link *).
 */
#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { READ, WRITE }; /* the statements, in the order they are prepared */

static int for_update_attach(struct worker *w)
{
	struct pg_link *l = w->link.db;
	unsigned id;
	/* TODO 1: make this SELECT lock the row it reads. */
	int err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);

	if (!err)
		err = pg_link_prepare(l, "UPDATE %T SET v = $1 WHERE id = 1",
				      &id);
	return err;
}

static int for_update_begin(struct worker *w)
{
	/* TODO 2: start a transaction. */
	(void)w;
	return 0;
}

static int for_update_read(struct worker *w, int64_t *v)
{
	return pg_link_exec(w->link.db, READ, 0, NULL, v, NULL);
}

static int for_update_write(struct worker *w, int64_t v)
{
	return pg_link_exec(w->link.db, WRITE, 1, &v, NULL, NULL);
}

static int for_update_commit(struct worker *w)
{
	/* TODO 3: commit the transaction. */
	(void)w;
	return 0;
}

static int for_update_abort(struct worker *w)
{
	return pg_link_command(w->link.db, "ROLLBACK");
}

static int for_update_work(struct worker *w)
{
	return txn_loop(w, for_update_begin, for_update_read, for_update_write,
			for_update_commit, for_update_abort);
}

const struct strategy strategy_pg_for_update = {
	.name = "for-update",
	.summary = "PostgreSQL: BEGIN; SELECT ... FOR UPDATE; UPDATE; COMMIT "
		   "(lab 07: yours)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.crash = CRASH_EXACT,
	.on_crash = "the server aborted its transaction",
	.attach = for_update_attach,
	.work = for_update_work,
};
