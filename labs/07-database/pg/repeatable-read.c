/*
 * repeatable-read.c - lab 07, part 3: YOUR retry loop.
 *
 * This file replaces src/strategies/pg/repeatable-read.c when you run
 * `make` or `make check` in this directory. It must keep exporting
 * strategy_pg_repeatable_read (racelab run --store postgres --strategy
 * repeatable-read).
 *
 * The third way: no lock at all, but a stricter isolation level, and a
 * client that is ready to be told "no". Each increment is one transaction:
 *
 *	BEGIN ISOLATION LEVEL ...;
 *	SELECT v FROM t WHERE id = 1;
 *	UPDATE t SET v = $1 WHERE id = 1;         -- $1 = v + 1
 *	COMMIT;
 *
 * At READ COMMITTED, PostgreSQL's default (and what a plain BEGIN gives),
 * the UPDATE of a row that another transaction changed after our SELECT
 * waits for that transaction, then overwrites the row: the lost update
 * again, inside a transaction. At REPEATABLE READ the transaction reads
 * from a snapshot taken at its first statement, and the server refuses an
 * UPDATE of a row changed since then: the statement fails with SQLSTATE
 * 40001, "could not serialize access due to concurrent update", and the
 * transaction is aborted. (A deadlock between two transactions, 40P01,
 * is treated the same way.) Nothing is lost, because the loser never
 * wrote; but its increment is not done either.
 *
 * You write two things:
 *	TODO 1	the isolation level, in the BEGIN statement
 *	TODO 2	the retry loop: when a step fails with PG_RETRY (the store
 *		turns SQLSTATE 40001 and 40P01 into PG_RETRY), end the
 *		aborted transaction with ROLLBACK, count the retry, and run
 *		the whole transaction again, from BEGIN
 *
 * The steps (src/strategies/pg/isolation.h; each returns 0, PG_RETRY, or
 * a negative errno it has already reported):
 *
 *	isolation_begin(w)		BEGIN ... (your TODO 1 statement)
 *	isolation_read(w, &v)		SELECT v ...
 *	isolation_write(w, v + 1)	UPDATE ... SET v = $1
 *	isolation_commit(w)		COMMIT
 *	isolation_rollback(w)		ROLLBACK
 *
 * Count a retry with
 *	atomic_fetch_add_explicit(&w->slot->retries, 1, memory_order_relaxed);
 * racelab reports the sum (the retries column), and the checker compares
 * it with the number of 40001 errors in the server's log.
 */
#include "strategies/pg/isolation.h"

static int repeatable_read_attach(struct worker *w)
{
	/* TODO 1: the isolation level. Plain BEGIN is READ COMMITTED. */
	return isolation_attach(w, "BEGIN");
}

/* iters increments, each one transaction (isolation.h has the steps). */
static int repeatable_read_work(struct worker *w)
{
	for (uint64_t done = 0; done < w->iters;) {
		int64_t v = 0;
		int err;

		w->current = done + 1; /* which increment, for the report */
		/*
		 * TODO 2: the retry loop, around the whole transaction: when
		 * err is PG_RETRY, roll back, count it, and start again.
		 */
		err = isolation_begin(w);
		if (!err)
			err = isolation_read(w, &v);
		/* --window, --crash-at: here, with nothing written yet. */
		if (!err && w->probed)
			probe_gap(w);
		if (!err)
			err = isolation_write(w, v + 1);
		if (!err)
			err = isolation_commit(w);
		if (err)
			return err; /* PG_RETRY too, for now: the run fails */
		done++;
		/* Publish the progress; stop early when the run is stopped. */
		atomic_store_explicit(&w->slot->done, done,
				      memory_order_relaxed);
		if (atomic_load_explicit(&w->region->gate,
					 memory_order_relaxed) == GATE_STOP)
			break;
	}
	return 0;
}

const struct strategy strategy_pg_repeatable_read = {
	.name = "repeatable-read",
	.summary = "PostgreSQL: the read-modify-write at REPEATABLE READ, "
		   "retried on 40001 (lab 07: yours)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.counts_retries = true,
	.crash = CRASH_EXACT,
	.on_crash = "the server aborted its transaction",
	.attach = repeatable_read_attach,
	.work = repeatable_read_work,
};
