/*
 * advisory - PostgreSQL: the client-side read-modify-write (as in none)
 * inside a session-level advisory lock.
 *
 *	SELECT pg_advisory_lock(<key>);      -- waits while another holds it
 *	SELECT v FROM t WHERE id = 1;
 *	UPDATE t SET v = <v + 1> WHERE id = 1;
 *	SELECT pg_advisory_unlock(<key>);
 *
 * An advisory lock is a lock on a number, not on a row: the server keeps
 * it in its lock table and means nothing by it; the application agrees
 * that whoever holds lock <key> may touch the counter. The statements in
 * between run in autocommit, each its own transaction, and still nothing
 * is lost, because no two clients are ever between lock and unlock at
 * once. The key here is derived from the run's table name, so two runs on
 * one server never share a lock.
 *
 * A client that dies holding it: a session-level advisory lock belongs to
 * the connection, and the server releases it when the session ends (the
 * connection closes); the others go on.
 *
 * Cost: four round trips per increment, like for-update, with the lock
 * held across the two in the middle.
 *
 * Read next: the PostgreSQL manual, "Advisory Locks" (13.3.5) and
 * "Advisory Lock Functions" (9.27.10).
 */
#include <stdio.h>
#include <string.h>

#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { LOCK, READ, WRITE, UNLOCK }; /* the statements, in prepare order */

static int advisory_attach(struct worker *w)
{
	struct pg_link *l = w->link.db;
	static const char *const sql[] = {
		"SELECT pg_advisory_lock(hashtext('%T'))",
		"SELECT v FROM %T WHERE id = 1",
		"UPDATE %T SET v = $1 WHERE id = 1",
		"SELECT pg_advisory_unlock(hashtext('%T'))",
	};
	unsigned id;
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(sql) / sizeof(sql[0]); i++)
		err = pg_link_prepare(l, sql[i], &id);
	return err;
}

static int advisory_lock(struct worker *w)
{
	return pg_link_exec(w->link.db, LOCK, 0, NULL, NULL, NULL);
}

static int advisory_read(struct worker *w, int64_t *v)
{
	return pg_link_exec(w->link.db, READ, 0, NULL, v, NULL);
}

static int advisory_write(struct worker *w, int64_t v)
{
	return pg_link_exec(w->link.db, WRITE, 1, &v, NULL, NULL);
}

static int advisory_unlock(struct worker *w)
{
	return pg_link_exec(w->link.db, UNLOCK, 0, NULL, NULL, NULL);
}

static int advisory_work(struct worker *w)
{
	return txn_loop(w, advisory_lock, advisory_read, advisory_write,
			advisory_unlock, advisory_unlock);
}

const struct strategy strategy_pg_advisory = {
	.name = "advisory",
	.summary = "PostgreSQL: pg_advisory_lock around the client's "
		   "read-modify-write",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_SERVER,
	.store = "postgres",
	.crash = CRASH_EXACT,
	.on_crash = "the server released its session's lock",
	.attach = advisory_attach,
	.work = advisory_work,
};
