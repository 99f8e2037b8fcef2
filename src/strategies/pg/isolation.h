/*
 * isolation.h - what repeatable-read and serializable share: the client's
 * read-modify-write in one transaction at a given isolation level,
 * retried when the server aborts it with a serialization failure (SQLSTATE
 * 40001) or a deadlock (40P01). Each file says what its level does.
 */
#ifndef RACELAB_PG_ISOLATION_H
#define RACELAB_PG_ISOLATION_H

#include "store/postgres.h"
#include "strategies/common/txn.h"

enum { ISO_BEGIN, ISO_READ, ISO_WRITE }; /* statements, in prepare order */

static inline int isolation_attach(struct worker *w, const char *begin)
{
	struct pg_link *l = w->link.db;
	unsigned id;
	int err = pg_link_prepare(l, begin, &id);

	if (!err)
		err = pg_link_prepare(l, "SELECT v FROM %T WHERE id = 1", &id);
	if (!err)
		err = pg_link_prepare(l, "UPDATE %T SET v = $1 WHERE id = 1",
				      &id);
	return err;
}

static inline int isolation_begin(struct worker *w)
{
	return pg_link_exec(w->link.db, ISO_BEGIN, 0, NULL, NULL, NULL);
}

static inline int isolation_read(struct worker *w, int64_t *v)
{
	return pg_link_exec(w->link.db, ISO_READ, 0, NULL, v, NULL);
}

static inline int isolation_write(struct worker *w, int64_t v)
{
	return pg_link_exec(w->link.db, ISO_WRITE, 1, &v, NULL, NULL);
}

static inline int isolation_commit(struct worker *w)
{
	return pg_link_command(w->link.db, "COMMIT");
}

static inline int isolation_rollback(struct worker *w)
{
	return pg_link_command(w->link.db, "ROLLBACK");
}

static inline int isolation_work(struct worker *w)
{
	return txn_loop(w, isolation_begin, isolation_read, isolation_write,
			isolation_commit, isolation_rollback);
}

#endif
