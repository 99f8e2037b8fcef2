/*
 * serializable - PostgreSQL: the client's read-modify-write in one
 * transaction at SERIALIZABLE, retried on a serialization failure.
 *
 *	BEGIN ISOLATION LEVEL SERIALIZABLE;
 *	SELECT v FROM t WHERE id = 1;
 *	UPDATE t SET v = <v + 1> WHERE id = 1;    -- may fail: 40001
 *	COMMIT;                                   -- may fail too: 40001
 *	-- on SQLSTATE 40001 or 40P01: ROLLBACK, and do it all again
 *
 * SERIALIZABLE is REPEATABLE READ plus Serializable Snapshot Isolation:
 * the server also tracks what each transaction read (predicate locks) and
 * aborts one of two transactions whose reads and writes could not have
 * happened one after the other, at the UPDATE or only at COMMIT. For this
 * one-row counter the outcome is the same as at REPEATABLE READ (the
 * concurrent UPDATE is refused); the tracking is extra work, and the
 * retries column shows what the conflicts cost.
 *
 * A client that dies inside: its transaction is aborted with its
 * connection; it had written nothing the others could see.
 *
 * Hermitage: SERIALIZABLE prevents every anomaly it tests, P4 included.
 * Read next: the PostgreSQL manual, "Serializable Isolation Level"
 * (13.2.3); Ports and Grittner, "Serializable Snapshot Isolation in
 * PostgreSQL" (VLDB 2012).
 */
#include "strategies/pg/isolation.h"

static int serializable_attach(struct worker *w)
{
	return isolation_attach(w, "BEGIN ISOLATION LEVEL SERIALIZABLE");
}

const struct strategy strategy_pg_serializable = {
	.name = "serializable",
	.summary = "PostgreSQL: the read-modify-write at SERIALIZABLE, "
		   "retried on 40001",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.counts_retries = true,
	.crash = CRASH_EXACT,
	.on_crash = "the server aborted its transaction",
	.attach = serializable_attach,
	.work = isolation_work,
};
