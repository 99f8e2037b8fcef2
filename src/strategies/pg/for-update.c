/*
 * for-update - PostgreSQL: the read-modify-write in a transaction whose
 * SELECT takes the row's lock.
 *
 *	BEGIN;
 *	SELECT v FROM t WHERE id = 1 FOR UPDATE;   -- the row is locked
 *	UPDATE t SET v = <v + 1> WHERE id = 1;     -- computed by the client
 *	COMMIT;                                    -- the lock is released
 *
 * FOR UPDATE makes the SELECT take the same row lock an UPDATE would: a
 * second transaction's SELECT ... FOR UPDATE waits until the first commits,
 * and then reads the committed value (at READ COMMITTED the waiting
 * statement re-reads the newest version of the row). So each client's read
 * is the value the last writer left, and no update is lost: the client may
 * compute whatever it likes between the SELECT and the UPDATE.
 *
 * A client that dies while it holds the lock: the server notices the
 * connection close (at once on a unix socket, after TCP keepalives over a
 * network), aborts its transaction, and the lock goes with it; the others
 * go on, and the dead client's half-done increment is simply not there.
 *
 * Cost: four round trips per increment, with the lock held across the two
 * in the middle; the server serialises the clients on the row. pgbench
 * measures the same statements at about a quarter of `atomic`'s rate here
 * (docs/databases.md).
 *
 * Hermitage: FOR UPDATE is the "explicit locking" answer to P4 (lost
 * update) at every isolation level. Read next: the PostgreSQL manual,
 * "The Locking Clause" (SELECT) and "Explicit Locking" (13.3).
 */
#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { READ, WRITE }; /* the statements, in the order they are prepared */

static int for_update_attach(struct worker *w)
{
	struct pg_link *l = w->link.db;
	unsigned id;
	int err =
	    pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1 FOR UPDATE", &id);

	if (!err)
		err = pg_link_prepare(l, "UPDATE %T SET v = $1 WHERE id = 1",
				      &id);
	return err;
}

static int for_update_begin(struct worker *w)
{
	return pg_link_command(w->link.db, "BEGIN");
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
	return pg_link_command(w->link.db, "COMMIT");
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
		   "(a row lock)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.crash = CRASH_EXACT,
	.on_crash = "the server aborted its transaction",
	.attach = for_update_attach,
	.work = for_update_work,
};
