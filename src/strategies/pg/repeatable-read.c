/*
 * repeatable-read - PostgreSQL: the client's read-modify-write in one
 * transaction at REPEATABLE READ, retried on a serialization failure.
 *
 *	BEGIN ISOLATION LEVEL REPEATABLE READ;
 *	SELECT v FROM t WHERE id = 1;             -- from the snapshot
 *	UPDATE t SET v = <v + 1> WHERE id = 1;    -- may fail: 40001
 *	COMMIT;
 *	-- on SQLSTATE 40001 or 40P01: ROLLBACK, and do it all again
 *
 * The transaction reads from a snapshot taken at its first statement. Its
 * UPDATE finds the row changed by a transaction that committed after that
 * snapshot and cannot know whether its own value is still right, so the
 * server refuses: "could not serialize access due to concurrent update"
 * (40001). Nothing is lost, because the loser never writes; but the client
 * must retry, and here racelab counts every retry (the retries column).
 * Without the retry loop the increment would simply be missing, and the
 * count would show it. (At READ COMMITTED, the default, the same UPDATE
 * would wait, then overwrite: the lost update of `none`.)
 *
 * A client that dies inside: its transaction is aborted with its
 * connection, and it had written nothing the others could see.
 *
 * Cost: four round trips per attempt, and under contention many attempts:
 * the retries column is the price. Hermitage: PostgreSQL's REPEATABLE READ
 * prevents P4 (lost update) by aborting; MySQL's does not.
 * Read next: the PostgreSQL manual, "Transaction Isolation" (13.2.2) and
 * "Serialization Failure Handling" (13.4).
 */
#include "strategies/pg/isolation.h"

static int repeatable_read_attach(struct worker *w)
{
	return isolation_attach(w, "BEGIN ISOLATION LEVEL REPEATABLE READ");
}

const struct strategy strategy_pg_repeatable_read = {
	.name = "repeatable-read",
	.summary = "PostgreSQL: the read-modify-write at REPEATABLE READ, "
		   "retried on 40001",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.counts_retries = true,
	.crash = CRASH_EXACT,
	.on_crash = "the server aborted its transaction",
	.attach = repeatable_read_attach,
	.work = isolation_work,
};
