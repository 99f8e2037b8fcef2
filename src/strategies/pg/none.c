/*
 * none (PostgreSQL) - the client reads the counter, adds one, and writes
 * back the value it computed, each statement in autocommit at READ
 * COMMITTED (PostgreSQL's default): the lost update, in SQL.
 *
 *	SELECT v FROM t WHERE id = 1;            -- say 41
 *	UPDATE t SET v = 42 WHERE id = 1;        -- 41 + 1, computed here
 *
 * Each statement is a transaction of its own and perfectly correct alone;
 * nothing makes the pair indivisible. Two clients that both read 41 both
 * write 42, and one increment is gone - no error, no warning, no isolation
 * level involved. This is the hit counter of a thousand web applications
 * (`$n = $db->query('SELECT ...'); $db->exec("UPDATE ... SET v = " .
 * ($n + 1))`), and Hermitage's P4 (lost update) at its simplest.
 *
 * A client that dies between the two holds nothing; it just never writes.
 *
 * Cost: two round trips per increment. Its fixes, each a file in this
 * folder: let the server add (atomic), lock the row (for-update), take an
 * advisory lock (advisory), compare and set (optimistic), or run the pair
 * as one transaction at REPEATABLE READ or SERIALIZABLE and retry.
 */
#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { READ, WRITE }; /* the statements, in prepare order */

static int pg_none_attach(struct worker *w)
{
	struct pg_link *l = w->link.db;
	unsigned id;
	int err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);

	if (!err)
		err = pg_link_prepare(l, "UPDATE %T SET v = $1 WHERE id = 1",
				      &id);
	return err;
}

static int pg_none_read(struct worker *w, int64_t *v)
{
	return pg_link_exec(w->link.db, READ, 0, NULL, v, NULL);
}

static int pg_none_write(struct worker *w, int64_t v)
{
	return pg_link_exec(w->link.db, WRITE, 1, &v, NULL, NULL);
}

static int pg_none_work(struct worker *w)
{
	return txn_loop(w, NULL, pg_none_read, pg_none_write, NULL, NULL);
}

const struct strategy strategy_pg_none = {
	.name = "none",
	.summary = "PostgreSQL: SELECT v, then UPDATE SET v = <v + 1>, "
		   "autocommit (loses updates)",
	.kind = KIND_SERVER,
	.counter = COUNTER_SERVER,
	.lock = LOCK_NONE,
	.store = "postgres",
	.racy = true,
	.crash = CRASH_RACY,
	.on_crash = "it held nothing",
	.attach = pg_none_attach,
	.work = pg_none_work,
};
