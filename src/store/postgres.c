/*
 * postgres.c - the counter as a row in PostgreSQL, through libpq (see
 * postgres.h for the table and the rules it keeps).
 */
#include "store/postgres.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <libpq-fe.h>

#include "core/util.h"

#define WHO	   "postgres"
#define NAME_TRIES 8 /* random names tried before giving up */

/* The first line of a libpq message, without its newline. */
static const char *first_line(const char *msg, char *buf, size_t len)
{
	size_t n = strcspn(msg ? msg : "", "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, msg ? msg : "", n);
	buf[n] = '\0';
	return buf;
}

int pg_store_parse(struct pg_store *s, const char *conninfo)
{
	static const char *const keys[] = { "host", "hostaddr", "port",
					    "dbname", "user" };
	PQconninfoOption *opts, *defs;
	char *why = NULL;
	size_t used = 0;

	memset(s, 0, sizeof(*s));
	s->keeper.fd = -1;
	if (strlen(conninfo) >= sizeof(s->conninfo)) {
		report("--store postgres: the connection string is longer "
		       "than %d bytes",
		       PG_CONNINFO_MAX - 1);
		return -EINVAL;
	}
	memcpy(s->conninfo, conninfo, strlen(conninfo) + 1);
	opts = PQconninfoParse(conninfo, &why);
	if (!opts) {
		/*
		 * libpq's reason may quote part of the string, which may be
		 * a password: only the one that names a keyword is repeated.
		 */
		if (why && !strncmp(why, "invalid connection option", 25)) {
			char line[200];

			report("--store postgres: %s",
			       first_line(why, line, sizeof(line)));
		} else
			report("--store postgres: the connection string does "
			       "not parse (keyword=value pairs or a "
			       "postgresql:// URI; see libpq's "
			       "\"Connection Strings\")");
		PQfreemem(why);
		return -EINVAL;
	}
	defs = PQconndefaults(); /* the PG* variables and the defaults */
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *v = NULL;

		for (PQconninfoOption *o = opts; o->keyword; o++)
			if (!strcmp(o->keyword, keys[k]) && o->val && *o->val)
				v = o->val;
		for (PQconninfoOption *o = defs; !v && o && o->keyword; o++)
			if (!strcmp(o->keyword, keys[k]) && o->val && *o->val)
				v = o->val;
		if (v && used < sizeof(s->shown)) {
			int n =
			    snprintf(s->shown + used, sizeof(s->shown) - used,
				     "%s%s=%s", used ? " " : "", keys[k], v);

			used += n > 0 ? (size_t)n : 0;
		}
	}
	PQconninfoFree(opts);
	PQconninfoFree(defs);
	if (used >= sizeof(s->shown))
		s->shown[sizeof(s->shown) - 1] = '\0';
	return 0;
}

/* A NOTICE or WARNING from the server, said as racelab says things. */
static void pg_notice(void *arg, const char *msg)
{
	char line[300];

	(void)arg;
	report(WHO ": the server says: %s",
	       first_line(msg, line, sizeof(line)));
}

/* Connect; on failure report why (libpq never quotes the password). */
static PGconn *pg_connect(const char *conninfo, const char *shown)
{
	PGconn *c = PQconnectdb(conninfo);
	char line[300];

	if (!c) {
		report(WHO ": cannot connect to %s: out of memory", shown);
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		report(WHO ": cannot connect to %s: %s", shown,
		       first_line(PQerrorMessage(c), line, sizeof(line)));
		PQfinish(c);
		return NULL;
	}
	(void)PQsetNoticeProcessor(c, pg_notice, NULL);
	return c;
}

/*
 * Map a failed result to an errno and, except for a retry, report it as
 * "racelab: postgres: WHAT: the server's message".
 */
static int pg_failure(PGconn *c, PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg =
	    r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[300];

	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01")))
		return PG_RETRY;
	if (PQstatus(c) != CONNECTION_OK) {
		report(WHO ": %s: the server closed the connection (%s)", what,
		       first_line(msg ? msg : PQerrorMessage(c), line,
				  sizeof(line)));
		return -ENOTCONN;
	}
	report(WHO ": %s: %s", what,
	       first_line(msg ? msg : PQerrorMessage(c), line, sizeof(line)));
	if (state && !strcmp(state, "42501"))
		return -EACCES;
	return -EIO;
}

/* One command without parameters or rows; 0 or a negative errno. */
static int command(PGconn *c, const char *sql, const char *what)
{
	PGresult *r = PQexec(c, sql);
	int err = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		err = pg_failure(c, r, what);
	PQclear(r);
	return err;
}

/* The keeper's side: make and drop the table. */
struct pg_keep {
	const struct pg_store *s; /* the store (the keeper's copy) */
	PGconn *conn;		  /* the keeper's connection */
	char table[PG_TABLE_MAX]; /* the name it made */
};

static int pg_keep_make(void *arg, char *out, size_t len)
{
	struct pg_keep *k = arg;
	char sql[256];
	int err = -EEXIST;

	k->conn = pg_connect(k->s->conninfo, k->s->shown);
	if (!k->conn)
		return -ENOTCONN;
	/* No notices on stderr (a NOTICE of DROP ... IF EXISTS, say). */
	(void)command(k->conn, "SET client_min_messages = warning", "SET");
	for (int i = 0; i < NAME_TRIES && err == -EEXIST; i++) {
		char name[PG_TABLE_MAX];
		uint64_t r;
		PGresult *res;
		const char *state;

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return report_errno(WHO, "getrandom", errno);
		snprintf(name, sizeof(name), "racelab_%016llx",
			 (unsigned long long)r);
		snprintf(sql, sizeof(sql),
			 "CREATE TABLE %s (id int PRIMARY KEY, "
			 "v bigint NOT NULL)",
			 name);
		res = PQexec(k->conn, sql);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			err = 0; /* ours from now on: unmake drops it */
			memcpy(k->table, name, sizeof(name));
		} else if (state && !strcmp(state, "42P07"))
			err = -EEXIST; /* taken: never ours, draw again */
		else
			err = pg_failure(k->conn, res, "CREATE TABLE");
		PQclear(res);
	}
	if (err == -EEXIST)
		report(WHO ": %d random table names were all taken",
		       NAME_TRIES);
	if (err)
		return err;
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (1, 0)", k->table);
	err = command(k->conn, sql, "INSERT");
	if (!err)
		snprintf(out, len, "%s", k->table);
	return err;
}

static int pg_keep_unmake(void *arg)
{
	struct pg_keep *k = arg;
	char sql[128];
	int err = 0;

	if (!k->table[0])
		return 0;
	if (!k->conn || PQstatus(k->conn) != CONNECTION_OK) {
		if (k->conn)
			PQfinish(k->conn);
		k->conn = pg_connect(k->s->conninfo, k->s->shown);
	}
	/*
	 * Only the name this keeper created. A worker killed inside its
	 * transaction holds a row lock until the server notices; wait for
	 * that, but not for ever.
	 */
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s", k->table);
	if (!k->conn || command(k->conn, "SET lock_timeout = '30s'", "SET") ||
	    command(k->conn, sql, "DROP TABLE")) {
		report(WHO ": could not drop table %s in %s: drop it by hand",
		       k->table, k->s->shown);
		err = -1;
	}
	if (k->conn)
		PQfinish(k->conn);
	return err;
}

int pg_store_open(struct pg_store *s, bool verbose)
{
	struct pg_keep k = { .s = s };
	struct keeper_job job = { pg_keep_make, pg_keep_unmake, &k };
	int err = keeper_start(&s->keeper, &job, s->table, sizeof(s->table));

	if (err) {
		s->table[0] = '\0';
		return err == -ECHILD ? -EIO : err;
	}
	if (verbose)
		report(WHO ": created table %s (%s)", s->table, s->shown);
	return 0;
}

void pg_store_close(struct pg_store *s, bool verbose)
{
	if (keeper_stop(&s->keeper) == 0 && verbose)
		report(WHO ": dropped table %s", s->table);
}

static int pg_store_query(const struct pg_store *s, const char *fmt,
			  uint64_t *v)
{
	PGconn *c = pg_connect(s->conninfo, s->shown);
	char sql[128];
	PGresult *r;
	int err = 0;

	if (!c)
		return -ENOTCONN;
	snprintf(sql, sizeof(sql), fmt, s->table);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK)
		err = pg_failure(c, r, "SELECT v");
	else if (v) {
		const char *text = PQntuples(r) == 1 && PQnfields(r) == 1
				       ? PQgetvalue(r, 0, 0)
				       : NULL;
		const char *why;

		if (!text || parse_u64(text, 0, INT64_MAX, v, &why)) {
			report(WHO ": table %s: the row is gone or its value "
				   "is not a count",
			       s->table);
			err = -EIO;
		}
	}
	PQclear(r);
	PQfinish(c);
	return err;
}

int pg_store_total(const struct pg_store *s, uint64_t *v)
{
	return pg_store_query(s, "SELECT v FROM %s WHERE id = 1", v);
}

int pg_store_reset(const struct pg_store *s)
{
	return pg_store_query(s, "UPDATE %s SET v = 0 WHERE id = 1", NULL);
}

int pg_link_open(struct pg_link *l, const struct pg_store *s)
{
	PGconn *c = pg_connect(s->conninfo, s->shown);

	memset(l, 0, sizeof(*l));
	if (!c)
		return -ENOTCONN;
	l->conn = c;
	l->shown = s->shown;
	snprintf(l->table, sizeof(l->table), "%s", s->table);
	return 0;
}

void pg_link_close(struct pg_link *l)
{
	if (l->conn)
		PQfinish(l->conn);
	l->conn = NULL;
}

int pg_link_prepare(struct pg_link *l, const char *sql, unsigned *id)
{
	char text[512], name[16];
	size_t used = 0;
	PGresult *r;
	int err = 0;

	if (l->nstmts >= PG_STMTS_MAX)
		return -ENOSPC;
	/* Expand %T to the table's name (racelab's own: [a-z0-9_]). */
	for (const char *p = sql; *p && used + PG_TABLE_MAX < sizeof(text);
	     p++) {
		if (p[0] == '%' && p[1] == 'T') {
			used += (size_t)snprintf(
			    text + used, sizeof(text) - used, "%s", l->table);
			p++;
		} else
			text[used++] = *p;
	}
	text[used] = '\0';
	snprintf(name, sizeof(name), "s%u", l->nstmts);
	r = PQprepare(l->conn, name, text, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		err = pg_failure(l->conn, r, "PREPARE");
	PQclear(r);
	if (!err) {
		/* Its text, for messages ("UPDATE racelab_0123... SET"). */
		snprintf(l->what[l->nstmts], sizeof(l->what[0]), "%.63s", text);
		*id = l->nstmts++;
	}
	return err;
}

int pg_link_exec(struct pg_link *l, unsigned id, int nparams,
		 const int64_t *params, int64_t *value, long *rows)
{
	char name[16], buf[2][24];
	const char *vals[2];
	PGresult *r;
	int err = 0;

	snprintf(name, sizeof(name), "s%u", id);
	for (int i = 0; i < nparams && i < 2; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%lld", (long long)params[i]);
		vals[i] = buf[i];
	}
	r = PQexecPrepared(l->conn, name, nparams, vals, NULL, NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_TUPLES_OK:
		if (rows)
			*rows = PQntuples(r);
		if (value && PQntuples(r) > 0)
			*value = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		break;
	case PGRES_COMMAND_OK:
		if (rows)
			*rows = strtol(PQcmdTuples(r), NULL, 10);
		break;
	default:
		err = pg_failure(l->conn, r, l->what[id]);
	}
	PQclear(r);
	return err;
}

int pg_link_command(struct pg_link *l, const char *sql)
{
	return command(l->conn, sql, sql);
}

/* ---- the store (store/store.h): --store postgres[:CONNINFO] ---------- */

#include "core/registry.h"
#include "store/store.h"

extern const struct store store_postgres;

static const char *pg_check_name(const char *conninfo)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &why);

	PQfreemem(why);
	if (!opts)
		return "the connection string does not parse (keyword=value "
		       "pairs or a postgresql:// URI; see libpq's \"Connection "
		       "Strings\")";
	PQconninfoFree(opts);
	return NULL;
}

static int pg_create(struct store_handle *h, const char *name, struct region *r,
		     bool verbose)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	int err;

	(void)r;
	if (!s)
		return report_errno(WHO, "calloc", ENOMEM);
	h->db = s;
	err = pg_store_parse(s, name ? name : "");
	if (!err)
		err = pg_store_open(s, verbose);
	h->open = !err;
	snprintf(h->path, sizeof(h->path), "%s", s->shown);
	return err;
}

static int pg_attach(const struct store_handle *h, struct store_link *l)
{
	struct pg_link *pl = calloc(1, sizeof(*pl));
	int err;

	if (!pl)
		return report_errno(WHO, "calloc", ENOMEM);
	err = pg_link_open(pl, h->db);
	if (err) {
		free(pl);
		return err;
	}
	l->db = pl;
	l->path = pl->shown;
	return 0;
}

/*
 * The plain read and write, for the general strategies that lock on the
 * client's side (flock, sysv-sem) around them: prepared when first used.
 */
static int pg_load(struct store_link *l, uint64_t *v)
{
	struct pg_link *pl = l->db;
	int64_t got = 0;
	int err = 0;

	if (!pl->load_ready)
		err = pg_link_prepare(pl, "SELECT v FROM %T WHERE id = 1",
				      &pl->load_id);
	pl->load_ready = !err;
	if (!err)
		err = pg_link_exec(pl, pl->load_id, 0, NULL, &got, NULL);
	*v = (uint64_t)got;
	return err;
}

static int pg_save(struct store_link *l, uint64_t v)
{
	struct pg_link *pl = l->db;
	int64_t arg = (int64_t)v;
	int err = 0;

	if (!pl->save_ready)
		err = pg_link_prepare(pl, "UPDATE %T SET v = $1 WHERE id = 1",
				      &pl->save_id);
	pl->save_ready = !err;
	if (!err)
		err = pg_link_exec(pl, pl->save_id, 1, &arg, NULL, NULL);
	return err;
}

static void pg_detach(struct store_link *l)
{
	if (l->db) {
		pg_link_close(l->db);
		free(l->db);
		l->db = NULL;
	}
}

static int pg_total(const struct store_handle *h, uint64_t *v)
{
	return pg_store_total(h->db, v);
}

static void pg_close(struct store_handle *h, bool verbose)
{
	if (h->db) {
		pg_store_close(h->db, verbose);
		free(h->db);
		h->db = NULL;
	}
	h->open = false;
}

/* ---- named counters (racelab counter): a table under the name ------- */

/*
 * racelab_counter_NAME, made in one transaction (all of it or nothing,
 * whatever kills the maker):
 *
 *	id | v | requested | finished | attempted | incrs | incrs_done
 *	 1 | the counter (the strategies' row; tallies unused)
 *	 2 | 0 | the tallies, each incr adding to them in one UPDATE
 *
 * and marked with COMMENT ON TABLE 'racelab counter 1': a table of that
 * name without the mark (or without the columns) is someone else's and
 * is refused, never used nor dropped. The tallies have a row of their own
 * so that an incr's bookkeeping never touches the row the strategies lock
 * (a REPEATABLE READ run would see it as a conflicting update).
 */
#define PG_COUNTER_MARK "racelab counter 1"
#define PG_COUNTER_COLS                                                        \
	"obj_description('%s'::regclass, 'pg_class'), id, v, requested, "      \
	"finished, attempted, incrs, incrs_done"

static int pg_counter_open(struct store_handle *h, const char *where,
			   const char *name)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return report_errno(WHO, "calloc", ENOMEM);
	h->db = s;
	h->store = &store_postgres;
	h->fd = -1;
	err = pg_store_parse(s, where ? where : "");
	if (!err && !counter_name_ok(name))
		err = -EINVAL;
	if (!err) {
		snprintf(s->table, sizeof(s->table), "racelab_counter_%s",
			 name);
		h->open = true;
	}
	snprintf(h->path, sizeof(h->path), "%s", s->shown);
	return err;
}

static void pg_counter_close(struct store_handle *h)
{
	free(h->db);
	h->db = NULL;
	h->open = false;
}

/* The SQLSTATE of a failed result, mapped for a counter's statement. */
static int pg_counter_failure(PGconn *c, PGresult *r, const struct pg_store *s,
			      const char *what)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	if (state && !strcmp(state, "42P01")) {
		report(WHO ": no counter table %s in %s", s->table, s->shown);
		return -ENOENT;
	}
	if (state && (!strcmp(state, "42703") || !strcmp(state, "42804"))) {
		report(WHO ": table %s in %s is not a racelab counter (its "
			   "columns differ): left untouched",
		       s->table, s->shown);
		return -EINVAL;
	}
	return pg_failure(c, r, what);
}

static int pg_counter_create(const struct store_handle *h)
{
	const struct pg_store *s = h->db;
	PGconn *c = pg_connect(s->conninfo, s->shown);
	const char *state;
	char sql[768];
	PGresult *r;
	int err = 0;

	if (!c)
		return -ENOTCONN;
	/* Several statements in one PQexec: one transaction. */
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s (id int PRIMARY KEY, v bigint NOT NULL, "
		 "requested bigint NOT NULL DEFAULT 0, finished bigint NOT "
		 "NULL DEFAULT 0, attempted bigint NOT NULL DEFAULT 0, incrs "
		 "bigint NOT NULL DEFAULT 0, incrs_done bigint NOT NULL "
		 "DEFAULT 0); COMMENT ON TABLE %s IS '" PG_COUNTER_MARK "'; "
		 "INSERT INTO %s (id, v) VALUES (1, 0), (2, 0)",
		 s->table, s->table, s->table);
	r = PQexec(c, sql);
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (PQresultStatus(r) == PGRES_COMMAND_OK)
		err = 0;
	else if (state && !strcmp(state, "42P07")) {
		report(WHO ": table %s exists in %s: refused (never adopted "
			   "nor overwritten)",
		       s->table, s->shown);
		err = -EEXIST;
	} else
		err = pg_failure(c, r, "CREATE TABLE");
	PQclear(r);
	PQfinish(c);
	return err;
}

/* Check what one read returned: the mark, rows 1 and 2, counts. */
static int pg_counter_parse(PGresult *r, const struct pg_store *s,
			    struct counter_view *v)
{
	uint64_t f[2][7];
	const char *why;

	if (PQntuples(r) != 2 || PQnfields(r) != 8)
		goto garbled;
	for (int row = 0; row < 2; row++) {
		if (PQgetisnull(r, row, 0) ||
		    strcmp(PQgetvalue(r, row, 0), PG_COUNTER_MARK) != 0) {
			report(WHO ": table %s in %s is not a racelab counter "
				   "(no mark): left untouched",
			       s->table, s->shown);
			return -EINVAL;
		}
		for (int col = 1; col < 8; col++)
			if (PQgetisnull(r, row, col) ||
			    parse_u64(PQgetvalue(r, row, col), 0, INT64_MAX,
				      &f[row][col - 1], &why))
				goto garbled;
		if (f[row][0] != (uint64_t)row + 1)
			goto garbled;
	}
	*v = (struct counter_view){
		.value = f[0][1],
		.requested = f[1][2],
		.finished = f[1][3],
		.attempted = f[1][4],
		.incrs = f[1][5],
		.incrs_done = f[1][6],
	};
	if (v->finished <= v->attempted && v->attempted <= v->requested &&
	    v->incrs_done <= v->incrs)
		return 0;
garbled:
	report(WHO ": table %s in %s: its rows are not a racelab counter's "
		   "(garbled): left untouched",
	       s->table, s->shown);
	return -EINVAL;
}

/* The value and the tallies in one statement: one snapshot. */
static int pg_counter_read(const struct store_handle *h, struct counter_view *v)
{
	const struct pg_store *s = h->db;
	PGconn *c = pg_connect(s->conninfo, s->shown);
	char sql[512];
	PGresult *r;
	int err;

	if (!c)
		return -ENOTCONN;
	snprintf(sql, sizeof(sql),
		 "SELECT " PG_COUNTER_COLS " FROM %s ORDER BY id LIMIT 3",
		 s->table, s->table);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		err = pg_counter_failure(c, r, s, "SELECT");
	else
		err = pg_counter_parse(r, s, v);
	PQclear(r);
	PQfinish(c);
	return err;
}

static int pg_counter_add(const struct store_handle *h,
			  const struct counter_delta *d)
{
	const struct pg_store *s = h->db;
	PGconn *c = pg_connect(s->conninfo, s->shown);
	char sql[512], buf[5][24];
	const char *vals[5];
	const int64_t in[5] = { d->requested, d->finished, d->attempted,
				d->incrs, d->incrs_done };
	PGresult *r;
	int err = 0;

	if (!c)
		return -ENOTCONN;
	for (int i = 0; i < 5; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%lld", (long long)in[i]);
		vals[i] = buf[i];
	}
	/* One statement: atomic, and exact however many hosts add. */
	snprintf(sql, sizeof(sql),
		 "UPDATE %s SET requested = requested + $1, finished = "
		 "finished + $2, attempted = attempted + $3, incrs = incrs + "
		 "$4, incrs_done = incrs_done + $5 WHERE id = 2",
		 s->table);
	r = PQexecParams(c, sql, 5, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		err = pg_counter_failure(c, r, s, "UPDATE (tallies)");
	else if (strcmp(PQcmdTuples(r), "1") != 0) {
		report(WHO ": table %s in %s has no tally row: not a racelab "
			   "counter",
		       s->table, s->shown);
		err = -EINVAL;
	}
	PQclear(r);
	PQfinish(c);
	return err;
}

static int pg_counter_destroy(const struct store_handle *h)
{
	const struct pg_store *s = h->db;
	PGconn *c = pg_connect(s->conninfo, s->shown);
	char sql[512];
	struct counter_view v;
	PGresult *r;
	int err;

	if (!c)
		return -ENOTCONN;
	/*
	 * Lock it first, then check the mark, then drop: nobody can swap
	 * the table in between. An incr killed holding a row lock delays
	 * us until the server notices, at most lock_timeout.
	 */
	snprintf(sql, sizeof(sql),
		 "BEGIN; SET LOCAL lock_timeout = '30s'; LOCK TABLE %s IN "
		 "ACCESS EXCLUSIVE MODE",
		 s->table);
	r = PQexec(c, sql);
	err = PQresultStatus(r) == PGRES_COMMAND_OK
		  ? 0
		  : pg_counter_failure(c, r, s, "LOCK TABLE");
	PQclear(r);
	if (!err) {
		snprintf(sql, sizeof(sql),
			 "SELECT " PG_COUNTER_COLS
			 " FROM %s ORDER BY id LIMIT 3",
			 s->table, s->table);
		r = PQexec(c, sql);
		err = PQresultStatus(r) == PGRES_TUPLES_OK
			  ? pg_counter_parse(r, s, &v)
			  : pg_counter_failure(c, r, s, "SELECT");
		PQclear(r);
	}
	if (!err) {
		snprintf(sql, sizeof(sql), "DROP TABLE %s; COMMIT", s->table);
		err = command(c, sql, "DROP TABLE");
	}
	PQfinish(c); /* without COMMIT: rolled back, nothing dropped */
	return err;
}

static const struct store_counter pg_counter = {
	.what = "table racelab_counter_%s",
	.open = pg_counter_open,
	.create = pg_counter_create,
	.read = pg_counter_read,
	.add = pg_counter_add,
	.destroy = pg_counter_destroy,
	.close = pg_counter_close,
};

const struct store store_postgres = {
	.name = "postgres",
	.summary = "a row of a table of the run's own in PostgreSQL (libpq; "
		   "conninfo from PG* variables or postgres:CONNINFO)",
	.where = "PostgreSQL",
	.naming = "a libpq connection string",
	.secret_name = true,
	.own = strategies_postgres,
	.check_name = pg_check_name,
	.create = pg_create,
	.attach = pg_attach,
	.load = pg_load,
	.save = pg_save,
	.detach = pg_detach,
	.total = pg_total,
	.close = pg_close,
	.counter = &pg_counter,
};
