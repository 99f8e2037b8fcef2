/*
 * atomic (PostgreSQL) - the server adds: one statement that reads and
 * writes the row itself.
 *
 *	UPDATE t SET v = v + 1 WHERE id = 1;
 *
 * The client never sees the value, so it cannot compute a stale one. Two
 * concurrent UPDATEs of one row do not both read 41: the second waits for
 * the first's row lock, and at READ COMMITTED it then re-reads the row's
 * newest version (EvalPlanQual in the source) and adds one to that. So
 * nothing is lost at any isolation level (at REPEATABLE READ and above the
 * second would fail with 40001 instead of re-reading).
 *
 * A client that dies mid-statement: its transaction is aborted, the row
 * lock released, and its increment either committed whole or not at all.
 *
 * Cost: one round trip per increment, the cheapest correct counter here;
 * concurrent clients queue on the row lock (docs/databases.md has pgbench
 * and racelab side by side).
 * Read next: the PostgreSQL manual, "Read Committed Isolation Level"
 * (13.2.1), which describes the re-read.
 */
#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { ADD }; /* the statement */

static int pg_atomic_attach(struct worker *w)
{
	unsigned id;

	return pg_link_prepare(w->link.db,
			       "UPDATE %T SET v = v + 1 WHERE id = 1", &id);
}

/* The whole increment: the server reads and writes. */
static int pg_atomic_add(struct worker *w, int64_t *v)
{
	*v = 0;
	return pg_link_exec(w->link.db, ADD, 0, NULL, NULL, NULL);
}

static int pg_atomic_work(struct worker *w)
{
	return txn_loop(w, NULL, pg_atomic_add, NULL, NULL, NULL);
}

const struct strategy strategy_pg_atomic = {
	.name = "atomic",
	.summary = "PostgreSQL: UPDATE SET v = v + 1 (the server adds)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.crash = CRASH_EXACT,
	.on_crash = "the statement committed whole or not at all",
	.attach = pg_atomic_attach,
	.work = pg_atomic_work,
};
