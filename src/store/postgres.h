/*
 * postgres.h - the counter as the one row of a table of the run's own in a
 * PostgreSQL database, reached through libpq.
 *
 *	CREATE TABLE racelab_<16 hex digits> (id int PRIMARY KEY,
 *	                                      v bigint NOT NULL);
 *	INSERT INTO ... VALUES (1, 0);
 *
 * The table is made by a keeper process (store/keeper.h) under a name of
 * random digits; CREATE TABLE itself is the check that the name is free
 * (it fails with 42P07 when a table of that name exists, and another name
 * is drawn), so nothing of the user's is ever touched. The keeper drops
 * the table when racelab ends, on every path, SIGKILL included. Nothing
 * else in the database is read or written.
 *
 * Each worker opens its own connection (pg_link_open) before the start
 * gate and prepares its strategy's statements on it, so the timed loop
 * sends only Bind/Execute messages: one round trip per statement.
 *
 * The connection string (--store postgres:CONNINFO, or the PG* variables
 * when it is empty) may hold a password; racelab never prints it: messages
 * and reports show pg_store.shown, which has host, port, dbname and user
 * only.
 */
#ifndef RACELAB_POSTGRES_H
#define RACELAB_POSTGRES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/keeper.h"

#define PG_CONNINFO_MAX 1024 /* longest connection string */
#define PG_TABLE_MAX	48   /* "racelab_counter_" and a name, and a NUL */
#define PG_STMTS_MAX	8    /* prepared statements per connection */

/* The counter's table, in the parent. */
struct pg_store {
	char conninfo[PG_CONNINFO_MAX]; /* as given: never printed */
	char shown[256];		/* what may be printed of it */
	char table[PG_TABLE_MAX];	/* the run's own table */
	struct keeper keeper;		/* drops the table at the end */
};

/* One worker's connection. */
struct pg_link {
	void *conn;		     /* its PGconn (libpq-fe.h stays in .c) */
	char table[PG_TABLE_MAX];    /* the table, for the statements' text */
	const char *shown;	     /* for messages: pg_store.shown */
	unsigned nstmts;	     /* statements prepared so far */
	char what[PG_STMTS_MAX][64]; /* the start of each one's text */
	unsigned load_id, save_id;   /* the store's own SELECT and UPDATE */
	bool load_ready, save_ready; /* ... once prepared */
};

/* What pg_link_exec() returns besides 0 and -ENOTCONN, -EACCES, -EIO. */
#define PG_RETRY (-EAGAIN) /* serialization failure or deadlock: retry */

/*
 * Check conninfo (empty: libpq's defaults and the PG* variables) and fill
 * s->shown, without connecting. Returns 0, or -EINVAL with a message
 * (which never repeats the string itself).
 */
int pg_store_parse(struct pg_store *s, const char *conninfo);

/*
 * Connect, start the keeper, which creates the table and its row (v = 0).
 * Returns 0, or a negative errno with a message: -ENOTCONN (cannot
 * connect), -EACCES (no right to create a table), -EIO.
 */
int pg_store_open(struct pg_store *s, bool verbose);

/* v of the row, read on a connection of its own. */
int pg_store_total(const struct pg_store *s, uint64_t *v);

/* Set v back to 0 (between two runs on one table). */
int pg_store_reset(const struct pg_store *s);

/* Drop the table (the keeper does it) and wait. Idempotent. */
void pg_store_close(struct pg_store *s, bool verbose);

/* A connection of the worker's own, to s's table. */
int pg_link_open(struct pg_link *l, const struct pg_store *s);
void pg_link_close(struct pg_link *l);

/*
 * Prepare statement number *id (returned) from sql, in which each "%T"
 * stands for the table's name. Returns 0 or a negative errno.
 */
int pg_link_prepare(struct pg_link *l, const char *sql, unsigned *id);

/*
 * Execute prepared statement id with up to two int8 parameters. When the
 * statement returns a row, its first column is stored in *value (if not
 * NULL); *rows (if not NULL) gets the rows returned or affected. Returns 0,
 * PG_RETRY (40001 serialization_failure or 40P01 deadlock_detected: the
 * transaction is aborted, roll back and retry), -ENOTCONN (the server went
 * away), -EACCES, or -EIO; every failure but PG_RETRY is reported.
 */
int pg_link_exec(struct pg_link *l, unsigned id, int nparams,
		 const int64_t *params, int64_t *value, long *rows);

/* Run one command without parameters (BEGIN, COMMIT, ROLLBACK). */
int pg_link_command(struct pg_link *l, const char *sql);

#endif
