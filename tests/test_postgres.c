/*
 * test_postgres.c - the PostgreSQL store's own layer (src/store/postgres.c)
 * against a throwaway server: the run's table is made under a fresh name,
 * incremented through workers' connections, read back, and dropped on the
 * normal path and when its maker is killed with SIGKILL; nothing else in
 * the database is touched; a password never appears in what may be shown.
 */
#ifdef RACELAB_HAVE_PQ
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "servers.h"
#include "store/postgres.h"

static struct dbserver srv;

static void pg_init(void)
{
	cr_assert_eq(dbserver_start(&srv, "pg"), 0);
}

static void pg_fini(void)
{
	dbserver_stop(&srv);
}

/* How many tables named racelab_% the database has. */
static int racelab_tables(void)
{
	char buf[64];

	cr_assert_eq(dbserver_psql(&srv,
				   "SELECT count(*) FROM pg_tables WHERE "
				   "tablename LIKE 'racelab\\_%'",
				   buf, sizeof(buf)),
		     0);
	return atoi(buf);
}

Test(pg_store, shown_never_holds_the_password)
{
	struct pg_store s;

	cr_assert_eq(pg_store_parse(&s, "host=/nowhere dbname=lab user=ann "
					"password=hunter2"),
		     0);
	cr_expect(strstr(s.shown, "dbname=lab"), "%s", s.shown);
	cr_expect(strstr(s.shown, "user=ann"), "%s", s.shown);
	cr_expect_null(strstr(s.shown, "hunter2"), "%s", s.shown);
	cr_assert_eq(pg_store_parse(&s, "postgresql://ann:hunter2@/lab"
					"?host=/nowhere"),
		     0);
	cr_expect_null(strstr(s.shown, "hunter2"), "%s", s.shown);
	cr_expect_eq(pg_store_parse(&s, "host=/x password hunter2"), -EINVAL);
}

Test(pg_store, counts_through_links_and_drops_its_table, .init = pg_init,
     .fini = pg_fini, .timeout = 120)
{
	struct pg_store s;
	struct pg_link l[2];
	unsigned rd, wr, add;
	uint64_t total;
	int64_t v = -1;
	long rows = -1;
	char buf[64];

	/* A table of the user's, which the run must leave alone. */
	cr_assert_eq(dbserver_psql(&srv,
				   "CREATE TABLE hits (v int); "
				   "INSERT INTO hits VALUES (7)",
				   buf, sizeof(buf)),
		     0);
	cr_assert_eq(pg_store_parse(&s, ""), 0); /* PGHOST and the rest */
	cr_assert_eq(pg_store_open(&s, false), 0);
	cr_expect_eq(strncmp(s.table, "racelab_", 8), 0, "%s", s.table);
	cr_expect_eq(racelab_tables(), 1);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pg_link_open(&l[i], &s), 0);
	cr_assert_eq(
	    pg_link_prepare(&l[0], "SELECT v FROM %T WHERE id = 1", &rd), 0);
	cr_assert_eq(
	    pg_link_prepare(&l[0], "UPDATE %T SET v = $1 WHERE id = 1", &wr),
	    0);
	cr_assert_eq(pg_link_prepare(
			 &l[1], "UPDATE %T SET v = v + 1 WHERE id = 1", &add),
		     0);
	/* The lost update by hand: both read 0, both write 1... */
	cr_assert_eq(pg_link_exec(&l[0], rd, 0, NULL, &v, &rows), 0);
	cr_expect_eq(v, 0);
	cr_expect_eq(rows, 1);
	cr_assert_eq(
	    pg_link_exec(&l[0], wr, 1, (int64_t[]){ v + 1 }, NULL, &rows), 0);
	cr_expect_eq(rows, 1);
	/* ...and the server's own add on the other connection, twice. */
	cr_assert_eq(pg_link_exec(&l[1], add, 0, NULL, NULL, &rows), 0);
	cr_assert_eq(pg_link_exec(&l[1], add, 0, NULL, NULL, &rows), 0);
	cr_assert_eq(pg_store_total(&s, &total), 0);
	cr_expect_eq(total, 3);
	cr_assert_eq(pg_store_reset(&s), 0);
	cr_assert_eq(pg_store_total(&s, &total), 0);
	cr_expect_eq(total, 0);
	for (int i = 0; i < 2; i++)
		pg_link_close(&l[i]);
	pg_store_close(&s, false);
	cr_expect_eq(racelab_tables(), 0, "the run's table was left");
	cr_assert_eq(
	    dbserver_psql(&srv, "SELECT v FROM hits", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "7", "the user's table was touched");
}

Test(pg_store, a_sigkilled_maker_leaves_no_table, .init = pg_init,
     .fini = pg_fini, .timeout = 120)
{
	int p[2], status;
	pid_t maker;
	char table[PG_TABLE_MAX] = "";

	cr_assert_eq(pipe(p), 0);
	maker = fork();
	cr_assert_geq(maker, 0);
	if (maker == 0) {
		struct pg_store s;

		close(p[0]);
		if (pg_store_parse(&s, "") || pg_store_open(&s, false))
			_exit(1);
		if (write(p[1], s.table, sizeof(s.table)) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], table, sizeof(table)), (ssize_t)sizeof(table));
	close(p[0]);
	cr_expect_eq(racelab_tables(), 1);
	cr_assert_eq(kill(maker, SIGKILL), 0);
	cr_assert_eq(waitpid(maker, &status, 0), maker);
	for (int i = 0; i < 100 && racelab_tables(); i++)
		usleep(100000);
	cr_expect_eq(racelab_tables(), 0, "%s outlived its maker", table);
}

Test(pg_store, no_server_is_one_clear_failure, .timeout = 60)
{
	struct pg_store s;

	cr_assert_eq(pg_store_parse(&s, "host=/nonexistent-dir "
					"password=hunter2 connect_timeout=2"),
		     0);
	cr_expect_eq(pg_store_open(&s, false), -ENOTCONN);
	pg_store_close(&s, false);
}
#endif
