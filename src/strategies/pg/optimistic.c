/*
 * optimistic - PostgreSQL: compare-and-set. Read without any lock, then
 * write only if the value is still the one read; retry when it is not.
 *
 *	SELECT v FROM t WHERE id = 1;                    -- v, no lock
 *	UPDATE t SET v = <v + 1> WHERE id = 1 AND v = <v>;
 *	-- "UPDATE 0": someone wrote in between: read again
 *
 * Both statements run in autocommit. The UPDATE's WHERE clause is the
 * compare: under READ COMMITTED an UPDATE that waits for a concurrent
 * writer re-evaluates its WHERE clause on the row's newest version, so
 * once another client has written, v = <read> is false and no row
 * changes. The client learns it from the row count (PQcmdTuples: 0) and
 * tries again; racelab counts those retries. This is how an ORM's
 * "optimistic locking" (a version column) works, and a database's answer
 * to the CPU's compare-and-swap.
 *
 * A client that dies between the two statements holds nothing: the others
 * never wait for it.
 *
 * Cost: two round trips per attempt, no lock held between them; under
 * contention, more attempts (the retries column).
 */
#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { READ, CAS }; /* the statements, in prepare order */

static int optimistic_attach(struct worker *w)
{
	struct pg_link *l = w->link.db;
	unsigned id;
	int err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);

	if (!err)
		err = pg_link_prepare(l,
				      "UPDATE %T SET v = $1 WHERE id = 1 "
				      "AND v = $2",
				      &id);
	return err;
}

static int optimistic_read(struct worker *w, int64_t *v)
{
	return pg_link_exec(w->link.db, READ, 0, NULL, v, NULL);
}

static int optimistic_write(struct worker *w, int64_t v)
{
	const int64_t args[2] = { v, v - 1 }; /* new, and the value read */
	long rows = 0;
	int err = pg_link_exec(w->link.db, CAS, 2, args, NULL, &rows);

	if (!err && rows == 0)
		return DB_RETRY; /* another client wrote first */
	return err;
}

static int optimistic_work(struct worker *w)
{
	return txn_loop(w, NULL, optimistic_read, optimistic_write, NULL, NULL);
}

const struct strategy strategy_pg_optimistic = {
	.name = "optimistic",
	.summary = "PostgreSQL: UPDATE ... WHERE v = <read>, retried "
		   "(compare-and-set)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_NONE,
	.store = "postgres",
	.counts_retries = true,
	.crash = CRASH_EXACT,
	.on_crash = "it held nothing",
	.attach = optimistic_attach,
	.work = optimistic_work,
};
