/*
 * test_db.c - `racelab run --store postgres` and `--store redis` against
 * throwaway servers this test starts itself (tests/servers.h): every
 * strategy a database store admits is exact at 1, 2 and 8 workers but
 * `none`, which a wide window makes lose updates for certain; a worker
 * killed inside a transaction or a lease leaves an exact count; a server
 * that cannot be reached, a role that does not exist, a connection string
 * that does not parse are one clear message and exit 1 or 2, and never
 * print the password; nothing is left behind: no table, no key, no keeper.
 */
#if defined(RACELAB_HAVE_PQ) && defined(RACELAB_HAVE_HIREDIS)
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/registry.h"
#include "servers.h"
#include "store/store.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static struct dbserver srv;

static void both_init(void)
{
	become_subreaper();
	cr_assert_eq(dbserver_start(&srv, "both"), 0);
}

static void both_fini(void)
{
	dbserver_stop(&srv);
}

/* Every row of a CSV run: exact, or (racy on purpose) lost >= 0. */
static void expect_rows(const struct outcome *o, const char *store,
			unsigned procs, uint64_t iters)
{
	char name[64];
	int rows = 0;

	for (int row = 0;
	     csv_field(o->out, row, "strategy", name, sizeof(name)) == 0;
	     row++) {
		const struct store *st =
		    store_find(store, &(const char *){ 0 });
		const struct strategy *s = strategy_find_for(name, st);
		uint64_t lost = csv_u64(o->out, row, "lost");

		cr_assert_not_null(s, "%s", name);
		cr_expect_eq(csv_u64(o->out, row, "expected"), procs * iters,
			     "%s %s at %u", store, name, procs);
		if (!s->racy || procs == 1)
			cr_expect_eq(lost, 0, "%s %s at %u lost %llu", store,
				     name, procs, (unsigned long long)lost);
		rows++;
	}
	cr_expect_geq(rows, 6, "%s: %d rows\n%s\n%s", store, rows, o->out,
		      o->err);
}

/* Plain arrays: Criterion copies parameters into another process. */
struct db_case {
	char store[16]; /* --store */
	unsigned procs; /* --procs */
};

ParameterizedTestParameters(db, every_admitted_strategy_is_exact)
{
	static struct db_case cases[] = {
		{ "postgres", 1 }, { "postgres", 2 }, { "postgres", 8 },
		{ "redis", 1 },	   { "redis", 2 },    { "redis", 8 },
	};

	return cr_make_param_array(struct db_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct db_case *c, db, every_admitted_strategy_is_exact,
		  .init = both_init, .fini = both_fini, .timeout = 300)
{
	struct outcome o;
	char procs[16];
	const uint64_t iters = 150;

	snprintf(procs, sizeof(procs), "%u", c->procs);
	cr_assert_eq(racelab(&o, 240,
			     ARGS("run", "--store", c->store, "--strategy",
				  "all", "--procs", procs, "--iters", "150",
				  "--format", "csv")),
		     0);
	cr_expect(o.exit_code == 0 || o.exit_code == 3, "exit %d: %s",
		  o.exit_code, o.err);
	expect_rows(&o, c->store, c->procs, iters);
	cr_expect_eq(dbserver_leftovers(&srv), 0, "a table or key was left");
	cr_expect_eq(live_descendants(), 1, /* the servers' script */
		     "a worker or keeper was left");
}

ParameterizedTestParameters(db, none_loses_with_a_window)
{
	static struct db_case cases[] = { { "postgres", 4 }, { "redis", 4 } };

	return cr_make_param_array(struct db_case, cases, 2);
}

ParameterizedTest(struct db_case *c, db, none_loses_with_a_window,
		  .init = both_init, .fini = both_fini, .timeout = 120)
{
	struct outcome o;

	/* 2 ms between each read and its write: the others' reads land in
	 * every window, so updates vanish in every run. */
	cr_assert_eq(racelab(&o, 100,
			     ARGS("run", "--store", c->store, "--strategy",
				  "none", "--procs", "4", "--iters", "100",
				  "--window", "sleep:2000", "--format", "csv")),
		     0);
	cr_expect_eq(o.exit_code, 3, "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "expected"), 400);
	cr_expect_gt(csv_u64(o.out, 0, "lost"), 0);
	cr_expect_eq(csv_u64(o.out, 0, "final") + csv_u64(o.out, 0, "lost"),
		     400);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

struct crash_case {
	char store[16];	   /* --store */
	char strategy[24]; /* what the dead worker held */
};

ParameterizedTestParameters(db, a_worker_killed_holding_the_lock)
{
	static struct crash_case cases[] = {
		{ "postgres", "for-update" },
		{ "postgres", "advisory" },
		{ "postgres", "repeatable-read" },
		{ "postgres", "atomic" },
		{ "redis", "lease" },
		{ "redis", "fenced" },
		{ "redis", "watch" },
	};

	return cr_make_param_array(struct crash_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct crash_case *c, db, a_worker_killed_holding_the_lock,
		  .init = both_init, .fini = both_fini, .timeout = 120)
{
	struct outcome o;

	/* Worker 0 dies between its 50th read and write: the server ends
	 * its session (and its transaction, and its locks), or its lease
	 * expires; the others finish, and the count is exact. */
	cr_assert_eq(racelab(&o, 100,
			     ARGS("run", "--store", c->store, "--strategy",
				  c->strategy, "--procs", "3", "--iters", "200",
				  "--crash-at", "50", "--format", "csv")),
		     0);
	cr_expect_eq(o.exit_code, 0, "%s %s: %s\n%s", c->store, c->strategy,
		     o.out, o.err);
	cr_expect_eq(csv_u64(o.out, 0, "expected"), 2 * 200 + 49);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
	cr_expect_eq(live_descendants(), 1); /* the servers' script */
}

Test(db, a_lock_key_without_ttl_deadlocks_when_its_holder_dies,
     .init = both_init, .fini = both_fini, .timeout = 120)
{
	struct outcome o;
	char v[256];

	/* setnx: the lease without its time to live. Worker 0 dies holding
	 * the key between its 50th read and write; nothing ever deletes
	 * the key, the others poll it, and the watchdog reports it. */
	cr_assert_eq(
	    racelab(&o, 100,
		    ARGS("run", "--store", "redis", "--strategy", "setnx",
			 "--procs", "3", "--iters", "200", "--crash-at", "50",
			 "--timeout", "1", "--format", "csv")),
	    0);
	cr_expect_eq(o.exit_code, 4, "%s\n%s", o.out, o.err);
	csv_field(o.out, 0, "verdict", v, sizeof(v));
	cr_expect_str_eq(v, "deadlock", "%s", o.out);
	csv_field(o.out, 0, "detail", v, sizeof(v));
	cr_expect(strstr(v, "w0 49 (killed)"), "%s", v);
	cr_expect_eq(dbserver_leftovers(&srv), 0,
		     "the run's keys, its lock key too");
	cr_expect_eq(live_descendants(), 1); /* the servers' script */
}

/*
 * The server goes away mid-run (SHUTDOWN NOSAVE once the workers are past
 * the gate): one clear failure, exit 1, and the row still says how many
 * increments were finished; the workers' messages come out whole, each
 * on its own line, however many fail at once.
 */
Test(db, a_server_that_goes_away_is_one_failure_with_the_count_so_far,
     .init = both_init, .fini = both_fini, .timeout = 120)
{
	char err[8192] = "", out[8192] = "", buf[64];
	struct outcome o;
	int out_fd, err_fd;
	pid_t pid;

	pid = racelab_start_out(
	    ARGS("run", "--store", "redis", "--strategy", "none", "--procs",
		 "3", "--iters", "1000000000", "--format", "csv", "--verbose"),
	    &out_fd, &err_fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(
	    read_until(err_fd, "released at the gate", 20, err, sizeof(err)), 0,
	    "%s", err);
	(void)dbserver_redis(&srv, buf, sizeof(buf), "shutdown", "nosave",
			     (char *)NULL);
	racelab_wait(pid, 60, &o);
	read_until(err_fd, "\x01", 5, err, sizeof(err)); /* to its end */
	read_until(out_fd, "\x01", 5, out, sizeof(out));
	close(err_fd);
	close(out_fd);
	cr_expect_eq(o.exit_code, 1, "exit %d signal %d\n%s", o.exit_code,
		     o.signal, err);
	cr_expect_gt(csv_u64(out, 0, "expected"), 0,
		     "the increments finished before: %s", out);
	cr_expect(strstr(out, ",failed,"), "%s", out);
	cr_expect_null(strstr(err, "racelab: racelab:"),
		       "two messages in one line: %s", err);
	/* The key could not be deleted (no server): never "deleted". */
	cr_expect(strstr(err, "could not delete key"), "%s", err);
	cr_expect_null(strstr(err, "deleted key"), "%s", err);
	for (const char *l = err; *l; l = strchr(l, '\n') + 1) {
		cr_expect(strncmp(l, "racelab: ", 9) == 0,
			  "a line that is not a whole message: %.80s", l);
		if (!strchr(l, '\n'))
			break;
	}
}

struct doubt_case {
	char store[16];	   /* --store */
	char strategy[24]; /* a transaction or a script that commits */
};

ParameterizedTestParameters(db, a_client_killed_mid_commit_is_counted_in_doubt)
{
	static struct doubt_case cases[] = {
		{ "postgres", "for-update" },
		{ "postgres", "atomic" },
		{ "redis", "watch" },
	};

	return cr_make_param_array(struct doubt_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

/*
 * A client killed from outside (SIGKILL, at no chosen point: inside its
 * COMMIT, perhaps) may or may not have committed its last increment. The
 * run goes on with the others and checks the count against the interval
 * [finished, attempted] (Jepsen's counter checker): exact, exit 0, with
 * attempted one more than finished and the final count inside.
 */
ParameterizedTest(struct doubt_case *c, db,
		  a_client_killed_mid_commit_is_counted_in_doubt,
		  .init = both_init, .fini = both_fini, .timeout = 120)
{
	char err[8192] = "", out[8192] = "";
	struct outcome o;
	pid_t pid, kids[8], last = 0;
	int out_fd, err_fd, n;
	uint64_t finished, attempted, final;

	pid = racelab_start_out(ARGS("run", "--store", c->store, "--strategy",
				     c->strategy, "--procs", "3", "--iters",
				     "3000", "--format", "csv", "--verbose"),
				&out_fd, &err_fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(
	    read_until(err_fd, "released at the gate", 20, err, sizeof(err)), 0,
	    "%s", err);
	/* The workers are the last children made (the keeper of the
	 * table or key came first). */
	n = workers_of(pid, kids, 8);
	for (int i = 0; i < n; i++)
		if (kids[i] > last)
			last = kids[i];
	cr_assert_gt(last, 0, "no worker found");
	kill(last, SIGKILL);
	racelab_wait(pid, 100, &o);
	read_until(err_fd, "\x01", 5, err, sizeof(err));
	read_until(out_fd, "\x01", 5, out, sizeof(out));
	close(err_fd);
	close(out_fd);
	cr_expect_eq(o.exit_code, 0, "%s %s: exit %d\n%s%s", c->store,
		     c->strategy, o.exit_code, out, err);
	finished = csv_u64(out, 0, "expected");
	attempted = csv_u64(out, 0, "attempted");
	final = csv_u64(out, 0, "final");
	cr_expect_eq(attempted, finished + 1, "%s", out);
	cr_expect(final >= finished && final <= attempted,
		  "final %llu outside [%llu, %llu]", (unsigned long long) final,
		  (unsigned long long)finished, (unsigned long long)attempted);
	cr_expect_lt(finished, 3u * 3000, "the killed one did not finish");
	cr_expect(strstr(out, ",exact,"), "%s", out);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(db, a_lease_held_past_its_ttl_loses_updates, .init = both_init,
     .fini = both_fini, .timeout = 120)
{
	struct outcome o;

	/* Each holder sleeps 300 ms between GET and SET, past the lease's
	 * 200 ms: the other takes the expired lease, reads the same value,
	 * and one of the two writes is lost, with a lock held. */
	cr_assert_eq(
	    racelab(&o, 100,
		    ARGS("run", "--store", "redis", "--strategy", "lease",
			 "--procs", "2", "--iters", "3", "--window",
			 "sleep:300000", "--format", "csv")),
	    0);
	cr_expect_eq(o.exit_code, 3, "%s\n%s", o.out, o.err);
	cr_expect_eq(csv_u64(o.out, 0, "expected"), 6);
	cr_expect_gt(csv_u64(o.out, 0, "lost"), 0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(db, a_fenced_write_past_its_lease_is_rejected_not_lost, .init = both_init,
     .fini = both_fini, .timeout = 120)
{
	struct outcome o;

	/* Worker 0 pauses 300 ms between its read and its write, past its
	 * lease. Whoever holds the lease then has a newer token, so worker
	 * 0's stale write is refused and redone: exact, every time. (With
	 * every worker paused, as for lease above, fenced stays exact but
	 * rarely makes progress: each new holder fences out the last.) */
	cr_assert_eq(racelab(&o, 100,
			     ARGS("run", "--store", "redis", "--strategy",
				  "fenced", "--procs", "2", "--iters", "4",
				  "--window", "sleep:300000", "--window-worker",
				  "0", "--format", "csv")),
		     0);
	cr_expect_eq(o.exit_code, 0, "%s\n%s", o.out, o.err);
	cr_expect_eq(csv_u64(o.out, 0, "expected"), 8);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(db, a_bad_role_is_one_message_and_exit_1, .init = both_init,
     .fini = both_fini, .timeout = 60)
{
	struct outcome o;
	char store[400];

	snprintf(store, sizeof(store),
		 "postgres:host=%s user=nobody password=hunter2", srv.pghost);
	cr_assert_eq(racelab(&o, 30,
			     ARGS("run", "--store", store, "--strategy",
				  "atomic", "--verbose")),
		     0);
	cr_expect_eq(o.exit_code, 1, "%s", o.err);
	cr_expect(strstr(o.err, "role \"nobody\" does not exist"), "%s", o.err);
	cr_expect_null(strstr(o.err, "hunter2"), "%s", o.err);
	cr_expect_null(strstr(o.out, "hunter2"), "%s", o.out);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(db, no_server_is_exit_1_and_bad_input_exit_2, .timeout = 60)
{
	struct outcome o;

	cr_assert_eq(racelab(&o, 30,
			     ARGS("run", "--store",
				  "postgres:host=/nonexistent-dir "
				  "password=hunter2",
				  "--strategy", "for-update")),
		     0);
	cr_expect_eq(o.exit_code, 1, "%s", o.err);
	cr_expect(strstr(o.err, "cannot connect"), "%s", o.err);
	cr_expect_null(strstr(o.err, "hunter2"), "%s", o.err);
	cr_assert_eq(racelab(&o, 30,
			     ARGS("run", "--store", "postgres:password hunter2",
				  "--strategy", "none")),
		     0);
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect_null(strstr(o.err, "hunter2"), "%s", o.err);
	cr_assert_eq(racelab(&o, 30,
			     ARGS("run", "--store", "redis:/nonexistent/r.sock",
				  "--strategy", "atomic")),
		     0);
	cr_expect_eq(o.exit_code, 1, "%s", o.err);
	cr_assert_eq(racelab(&o, 30, ARGS("run", "--strategy", "for-update")),
		     0);
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "--store postgres"), "%s", o.err);
	cr_assert_eq(racelab(&o, 30,
			     ARGS("run", "--store", "redis:/x.sock",
				  "--strategy", "mutex")),
		     0);
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
}
#endif
