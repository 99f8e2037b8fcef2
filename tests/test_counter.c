/*
 * test_counter.c - `racelab counter` against throwaway PostgreSQL and Redis
 * servers (tests/servers.h): create, incr, show and destroy; independent
 * incr processes under `none` lose updates and show counts them exactly
 * (lost = finished - value, the tallies equal to what each incr did); an
 * exact strategy loses none; bad names, stores and foreign or garbled
 * tables and keys are refused with exit 2 and left untouched; nothing is
 * left behind.
 *
 * The multi-host suite makes three network namespaces of its own (a
 * server "host" and two client "hosts", joined by veth pairs on a bridge,
 * 10.213.7.0/24), runs both servers listening on TCP in the first only, and
 * incr from the other two over real TCP: a lock of one host's (flock,
 * sysv-sem) excludes that host's own workers and loses updates to the
 * other host; a server-side strategy does not. The namespaces are removed
 * in .fini, and ones left by a killed run are removed by the next.
 *
 * Overlap is made certain, never hoped for: a long incr (A) is started and
 * waited for until it says its workers are released, a short one (B) runs
 * from start to end inside A's run, then A is stopped with SIGTERM (which
 * records everything it did). Every increment of B has a 500 us window
 * between its read and its write while A writes every ~500 us.
 */
#if defined(RACELAB_HAVE_PQ) && defined(RACELAB_HAVE_HIREDIS)
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "servers.h"
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

/* The counter's value, read by the server's own client, not racelab. */
static uint64_t value_of(bool pg, const char *name)
{
	char sql[128], key[64], buf[64];

	if (pg) {
		snprintf(sql, sizeof(sql),
			 "SELECT v FROM racelab_counter_%s WHERE id = 1", name);
		cr_assert_eq(dbserver_psql(&srv, sql, buf, sizeof(buf)), 0);
	} else {
		snprintf(key, sizeof(key), "racelab:counter:%s", name);
		cr_assert_eq(dbserver_redis(&srv, buf, sizeof(buf), "get", key,
					    (char *)NULL),
			     0);
	}
	return strtoull(buf, NULL, 10);
}

/* The number (digits and commas) after needle in text; fails if none. */
static uint64_t number_after(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	uint64_t v = 0;

	cr_assert_not_null(p, "no '%s' in: %s", needle, text);
	p += strlen(needle);
	cr_assert(isdigit((unsigned char)*p), "no number after '%s' in: %s",
		  needle, text);
	for (; isdigit((unsigned char)*p) || *p == ','; p++)
		if (*p != ',')
			v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

/* `counter show --format csv`: its outcome, and the row in o->out. */
static void show(const char *store, const char *name, struct outcome *o)
{
	cr_assert_eq(racelab(o, 30,
			     ARGS("counter", "show", "--store", store, "--name",
				  name, "--format", "csv")),
		     0);
	cr_assert(o->exit_code == 0 || o->exit_code == 3, "%d: %s",
		  o->exit_code, o->err);
}

static void must(const char *const argv[], int code)
{
	struct outcome o;

	cr_assert_eq(racelab(&o, 30, argv), 0);
	cr_assert_eq(o.exit_code, code, "%s %s: exit %d, not %d\n%s%s", argv[0],
		     argv[1], o.exit_code, code, o.out, o.err);
}

/*
 * Run `incr ARGS_B` from start to end inside a longer `incr ARGS_A`, which
 * is stopped with SIGTERM once B is done: every increment of B overlaps
 * A's. prog_a and prog_b, when not NULL, are the program to run for each
 * (a wrapper that enters a host's namespace; $RACELAB is left at prog_b).
 * Returns A's finished increments (as it said when stopped) plus B's.
 */
static uint64_t overlapped(const char *prog_a, const char *const a[],
			   const char *prog_b, const char *const b[],
			   uint64_t b_done)
{
	char buf[8192] = "";
	struct outcome oa, ob;
	uint64_t a_done;
	pid_t pid;
	int fd;

	if (prog_a)
		setenv("RACELAB", prog_a, 1);
	pid = racelab_start(a, &fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(
	    read_until(fd, "released at the gate", 30, buf, sizeof(buf)), 0,
	    "A never started: %s", buf);
	if (prog_b)
		setenv("RACELAB", prog_b, 1);
	cr_assert_eq(racelab(&ob, 60, b), 0);
	cr_assert_eq(ob.exit_code, 0, "B: %s", ob.err);
	cr_assert_eq(kill(pid, SIGTERM), 0);
	cr_assert_eq(read_until(fd, "(all recorded)", 30, buf, sizeof(buf)), 0,
		     "A: %s", buf);
	cr_assert_eq(racelab_wait(pid, 30, &oa), 0);
	close(fd);
	cr_assert_eq(oa.signal, SIGTERM, "A ended with status %d: %s",
		     oa.status, buf);
	a_done = number_after(buf, "stopped by SIGTERM after ");
	cr_assert_gt(a_done, 0);
	return a_done + b_done;
}

/* Show agrees with the server and with what the incr processes did. */
static uint64_t expect_tallies(const char *store, bool pg, const char *name,
			       uint64_t finished, uint64_t incrs)
{
	struct outcome o;
	uint64_t value = value_of(pg, name), lost;

	show(store, name, &o);
	cr_expect_eq(csv_u64(o.out, 0, "value"), value, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "finished"), finished, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "requested"), finished, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "attempted"), finished, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "incr_processes"), incrs, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "incr_processes_done"), incrs, "%s",
		     o.out);
	cr_assert_leq(value, finished, "%s", o.out);
	lost = csv_u64(o.out, 0, "lost");
	cr_expect_eq(lost, finished - value, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_min"), lost, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_max"), lost, "%s", o.out);
	cr_expect_eq(o.exit_code, lost ? 3 : 0, "%s", o.err);
	return lost;
}

/* ---- one host ------------------------------------------------------------ */

static void create_show_destroy(const char *store, bool pg)
{
	struct outcome o;

	cr_assert_eq(dbserver_leftovers(&srv), 0);
	must(ARGS("counter", "create", "--store", store, "--name", "hits"), 0);
	/* A taken name is refused, and what is there stays as it is. */
	must(ARGS("counter", "incr", "--store", store, "--name", "hits",
		  "--times", "7", "--strategy", "atomic"),
	     0);
	must(ARGS("counter", "create", "--store", store, "--name", "hits"), 2);
	cr_assert_eq(value_of(pg, "hits"), 7);
	expect_tallies(store, pg, "hits", 7, 1);
	cr_assert_eq(racelab(&o, 30,
			     ARGS("counter", "show", "--store", store, "--name",
				  "hits", "--format", "json")),
		     0);
	cr_expect(json_valid(o.out), "%s", o.out);
	cr_expect(strstr(o.out, "\"lost\": 0"), "%s", o.out);
	must(ARGS("counter", "destroy", "--store", store, "--name", "hits"), 0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
	must(ARGS("counter", "show", "--store", store, "--name", "hits"), 2);
	must(ARGS("counter", "incr", "--store", store, "--name", "hits"), 2);
	must(ARGS("counter", "destroy", "--store", store, "--name", "hits"), 2);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

/* Both servers, one start of them (a second or so each). */
Test(counter, create_incr_show_destroy, .init = both_init, .fini = both_fini,
     .timeout = 60)
{
	create_show_destroy(srv.store_pg, true);
	create_show_destroy(srv.store_redis, false);
}

/* Two independent incr processes under `none`, and under an exact one. */
static void none_loses_exactly(const char *store, bool pg, const char *exact)
{
	uint64_t finished, lost;

	must(ARGS("counter", "create", "--store", store, "--name", "race"), 0);
	finished = overlapped(
	    NULL,
	    ARGS("counter", "incr", "--store", store, "--name", "race",
		 "--times", "100000", "--window", "sleep:500", "-v"),
	    NULL,
	    ARGS("counter", "incr", "--store", store, "--name", "race",
		 "--times", "100", "--window", "sleep:500"),
	    100);
	lost = expect_tallies(store, pg, "race", finished, 2);
	cr_expect_gt(lost, 0, "two overlapping none incr lost nothing");
	must(ARGS("counter", "destroy", "--store", store, "--name", "race"), 0);

	must(ARGS("counter", "create", "--store", store, "--name", "fixed"), 0);
	finished =
	    overlapped(NULL,
		       ARGS("counter", "incr", "--store", store, "--name",
			    "fixed", "--times", "100000", "--window",
			    "sleep:500", "--strategy", exact, "-v"),
		       NULL,
		       ARGS("counter", "incr", "--store", store, "--name",
			    "fixed", "--times", "100", "--procs", "2",
			    "--window", "sleep:500", "--strategy", exact),
		       200);
	cr_expect_eq(expect_tallies(store, pg, "fixed", finished, 2), 0);
	cr_expect_eq(value_of(pg, "fixed"), finished);
	must(ARGS("counter", "destroy", "--store", store, "--name", "fixed"),
	     0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(counter, none_loses_and_show_counts_it, .init = both_init,
     .fini = both_fini, .timeout = 60)
{
	none_loses_exactly(srv.store_pg, true, "for-update");
	none_loses_exactly(srv.store_redis, false, "watch");
}

/*
 * An incr killed with SIGKILL records nothing of its end: show gives lost
 * as an interval that holds the truth, and the next incr's own share is
 * exact. A local lock's SysV objects are gone after each incr.
 */
static void killed_incr_gives_an_interval(const char *store, bool pg)
{
	char buf[8192] = "";
	struct snapshot before;
	struct outcome o, ow;
	uint64_t value, lo, hi;
	pid_t pid;
	int fd;

	snap(&before);
	must(ARGS("counter", "create", "--store", store, "--name", "kill"), 0);
	pid = racelab_start(ARGS("counter", "incr", "--store", store, "--name",
				 "kill", "--times", "100000", "--procs", "2",
				 "--window", "sleep:200", "--strategy",
				 "sysv-sem", "-v"),
			    &fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(
	    read_until(fd, "released at the gate", 30, buf, sizeof(buf)), 0,
	    "%s", buf);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(racelab_wait(pid, 30, &ow), 0);
	close(fd);
	cr_assert_eq(ow.signal, SIGKILL);
	/* Its guardian removes the semaphore set: wait for that (5 s). */
	for (int i = 0; i < 500; i++) {
		struct snapshot now;

		snap(&now);
		if (now.nsem <= before.nsem)
			break;
		usleep(10000);
	}
	expect_same_tables(&before, "after a SIGKILLed sysv-sem incr");
	show(store, "kill", &o);
	value = value_of(pg, "kill");
	cr_expect_eq(csv_u64(o.out, 0, "value"), value, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "requested"), 200000, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "finished"), 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "incr_processes"), 1, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "incr_processes_done"), 0, "%s", o.out);
	cr_expect_eq(csv_field(o.out, 0, "lost", buf, sizeof(buf)), 0);
	cr_expect_str_empty(buf, "lost is not unknown: %s", o.out);
	lo = csv_u64(o.out, 0, "lost_min");
	hi = csv_u64(o.out, 0, "lost_max");
	cr_expect_eq(lo, 0, "%s", o.out);
	cr_expect_eq(hi, 200000 - value, "%s", o.out);
	cr_expect_eq(o.exit_code, 0, "nothing is lost for sure: %s", o.err);
	/* The next incr's share is exact; the interval stays as wide. */
	must(ARGS("counter", "incr", "--store", store, "--name", "kill",
		  "--times", "50", "--strategy", "sysv-sem"),
	     0);
	show(store, "kill", &o);
	cr_expect_eq(csv_u64(o.out, 0, "value"), value + 50, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "finished"), 50, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "requested"), 200050, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_max"), 200000 - value, "%s",
		     o.out);
	must(ARGS("counter", "destroy", "--store", store, "--name", "kill"), 0);
	expect_same_tables(&before, "after sysv-sem incr processes");
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(counter, a_killed_incr_gives_an_interval, .init = both_init,
     .fini = both_fini, .timeout = 60)
{
	killed_incr_gives_an_interval(srv.store_pg, true);
	killed_incr_gives_an_interval(srv.store_redis, false);
}

/*
 * The server ends the workers' sessions mid-run: incr says so (exit 1)
 * and records what it finished, plus the one write it may or may not have
 * made as attempted; show's interval holds the value.
 */
Test(counter, a_worker_cut_off_counts_as_attempted, .init = both_init,
     .fini = both_fini, .timeout = 60)
{
	const char *pg = srv.store_pg;
	char buf[8192] = "";
	struct outcome o, ow;
	uint64_t value, finished;
	pid_t pid;
	int fd;

	must(ARGS("counter", "create", "--store", pg, "--name", "cut"), 0);
	pid = racelab_start(ARGS("counter", "incr", "--store", pg, "--name",
				 "cut", "--times", "100000", "--window",
				 "sleep:200", "-v"),
			    &fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(
	    read_until(fd, "released at the gate", 30, buf, sizeof(buf)), 0,
	    "%s", buf);
	cr_assert_eq(dbserver_psql(&srv,
				   "SELECT count(pg_terminate_backend(pid)) "
				   "FROM pg_stat_activity WHERE pid <> "
				   "pg_backend_pid() AND backend_type = "
				   "'client backend'",
				   buf + strlen(buf), 64),
		     0);
	cr_assert_eq(racelab_wait(pid, 30, &ow), 0);
	(void)read_until(fd, "\n\n", 1, buf, sizeof(buf)); /* the rest */
	close(fd);
	cr_expect_eq(ow.exit_code, 1, "%s", buf);
	show(pg, "cut", &o);
	value = value_of(true, "cut");
	finished = csv_u64(o.out, 0, "finished");
	cr_expect_gt(finished, 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "attempted"), finished + 1, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "requested"), finished + 1, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "incr_processes_done"), 1, "%s", o.out);
	cr_expect(value == finished || value == finished + 1, "%llu: %s",
		  (unsigned long long)value, o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_min"), 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_max"), finished + 1 - value, "%s",
		     o.out);
	must(ARGS("counter", "destroy", "--store", pg, "--name", "cut"), 0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

/*
 * A lock nobody gives back (a setnx key planted by hand): incr is stopped
 * by its watchdog (exit 4), never hangs, and what others did is not
 * counted as its own: finished stays theirs.
 */
Test(counter, a_lock_nobody_gives_back_stops_with_exit_4, .init = both_init,
     .fini = both_fini, .timeout = 60)
{
	const char *rd = srv.store_redis;
	struct outcome o;
	char buf[64];

	must(ARGS("counter", "create", "--store", rd, "--name", "stuck"), 0);
	must(ARGS("counter", "incr", "--store", rd, "--name", "stuck",
		  "--times", "5", "--strategy", "atomic"),
	     0);
	cr_assert_eq(dbserver_redis(&srv, buf, sizeof(buf), "set",
				    "racelab:counter:stuck:lock", "someone",
				    (char *)NULL),
		     0);
	must(ARGS("counter", "incr", "--store", rd, "--name", "stuck",
		  "--times", "5", "--strategy", "setnx", "--timeout", "1"),
	     4);
	show(rd, "stuck", &o);
	cr_expect_eq(csv_u64(o.out, 0, "value"), 5, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "finished"), 5, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "attempted"), 6, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "requested"), 6, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_min"), 0, "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost_max"), 1, "%s", o.out);
	must(ARGS("counter", "destroy", "--store", rd, "--name", "stuck"), 0);
	cr_expect_eq(dbserver_leftovers(&srv),
		     0); /* the planted :lock went too */
}

Test(counter, bad_names_and_stores_exit_2, .init = both_init, .fini = both_fini,
     .timeout = 60)
{
	static const char *const names[] = {
		"Hits",
		"1hits",
		"a-b",
		"a;drop",
		"",
		"h it",
		"abcdefghijklmnopqrstuvwxy", /* 25 */
	};
	const char *pg = srv.store_pg;
	struct outcome o;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		must(ARGS("counter", "create", "--store", pg, "--name",
			  names[i]),
		     2);
	must(ARGS("counter", "create", "--store", pg, "--name",
		  "abcdefghijklmnopqrstuvwx"), /* 24: the longest */
	     0);
	must(ARGS("counter", "destroy", "--store", pg, "--name",
		  "abcdefghijklmnopqrstuvwx"),
	     0);
	must(ARGS("counter", "create", "--store", "shm", "--name", "a"), 2);
	must(ARGS("counter", "create", "--store", "file:/tmp/x", "--name", "a"),
	     2);
	must(ARGS("counter", "create", "--store", "nosuch", "--name", "a"), 2);
	must(ARGS("counter", "create", "--store", "redis:nowhere", "--name",
		  "a"),
	     2);
	must(ARGS("counter", "create", "--name", "a"), 2);
	must(ARGS("counter", "create", "--store", pg), 2);
	must(ARGS("counter", "frob", "--store", pg, "--name", "a"), 2);
	must(ARGS("counter"), 2);
	must(ARGS("counter", "create", "--store", pg, "--name", "a", "--times",
		  "3"),
	     2);
	must(ARGS("counter", "show", "--store", pg, "--name", "a", "--format",
		  "xml"),
	     2);
	must(ARGS("counter", "incr", "--store", pg, "--name", "a", "--strategy",
		  "spin"),
	     2); /* a lock in memory: not on a database store */
	must(ARGS("counter", "incr", "--store", pg, "--name", "a", "--strategy",
		  "watch"),
	     2); /* Redis's */
	must(ARGS("counter", "incr", "--store", pg, "--name", "a", "--procs",
		  "0"),
	     2);
	must(ARGS("counter", "incr", "--store", pg, "--name", "a", "--procs",
		  "2", "--strategy", "fcntl"),
	     2); /* a process's lock: the workers are threads */
	/* A password is never printed, whatever happens. */
	cr_assert_eq(racelab(&o, 30,
			     ARGS("counter", "show", "--store",
				  "postgres:host=/nowhere password=hunter2",
				  "--name", "a")),
		     0);
	cr_expect_eq(o.exit_code, 1, "%s", o.err);
	cr_expect_null(strstr(o.out, "hunter2"));
	cr_expect_null(strstr(o.err, "hunter2"), "%s", o.err);
	{
		char secret[400];
		const char *subs[] = { "create", "incr", "show", "destroy" };

		/* The server trusts us: the password is accepted, unused. */
		snprintf(secret, sizeof(secret), "%s password=hunter2", pg);
		for (int i = 0; i < 4; i++) {
			const char *argv[] = { "counter",
					       subs[i],
					       "--store",
					       secret,
					       "--name",
					       "pw",
					       i == 1 ? "-v" : NULL,
					       NULL };

			cr_assert_eq(racelab(&o, 30, argv), 0);
			cr_expect_eq(o.exit_code, 0, "%s: %s", subs[i], o.err);
			cr_expect_null(strstr(o.out, "hunter2"), "%s", o.out);
			cr_expect_null(strstr(o.err, "hunter2"), "%s", o.err);
		}
	}
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

Test(counter, foreign_and_garbled_are_refused_and_left_alone, .init = both_init,
     .fini = both_fini, .timeout = 60)
{
	const char *pg = srv.store_pg, *rd = srv.store_redis;
	char buf[256];

	/* Someone else's table and key under a counter's name. */
	cr_assert_eq(dbserver_psql(&srv,
				   "CREATE TABLE racelab_counter_theirs (id "
				   "int, v bigint); INSERT INTO "
				   "racelab_counter_theirs VALUES (1, 5), (2, "
				   "0)",
				   buf, sizeof(buf)),
		     0);
	cr_assert_eq(dbserver_redis(&srv, buf, sizeof(buf), "set",
				    "racelab:counter:theirs", "5",
				    (char *)NULL),
		     0);
	for (int i = 0; i < 2; i++) {
		const char *st = i ? rd : pg;

		must(ARGS("counter", "create", "--store", st, "--name",
			  "theirs"),
		     2);
		must(ARGS("counter", "show", "--store", st, "--name", "theirs"),
		     2);
		must(ARGS("counter", "incr", "--store", st, "--name", "theirs"),
		     2);
		must(ARGS("counter", "destroy", "--store", st, "--name",
			  "theirs"),
		     2);
		cr_expect_eq(value_of(!i, "theirs"), 5);
	}
	/* Ours, garbled by someone: refused, not believed. */
	must(ARGS("counter", "create", "--store", pg, "--name", "g"), 0);
	must(ARGS("counter", "create", "--store", rd, "--name", "g"), 0);
	cr_assert_eq(dbserver_psql(&srv,
				   "UPDATE racelab_counter_g SET finished = "
				   "-3 WHERE id = 2",
				   buf, sizeof(buf)),
		     0);
	cr_assert_eq(dbserver_redis(&srv, buf, sizeof(buf), "set",
				    "racelab:counter:g", "12abc", (char *)NULL),
		     0);
	must(ARGS("counter", "show", "--store", pg, "--name", "g"), 2);
	must(ARGS("counter", "show", "--store", rd, "--name", "g"), 2);
	must(ARGS("counter", "incr", "--store", rd, "--name", "g"), 2);
	cr_assert_eq(dbserver_psql(&srv,
				   "DROP TABLE racelab_counter_theirs, "
				   "racelab_counter_g",
				   buf, sizeof(buf)),
		     0);
	cr_assert_eq(dbserver_redis(&srv, buf, sizeof(buf), "del",
				    "racelab:counter:theirs",
				    "racelab:counter:g",
				    "racelab:counter:g:tally", (char *)NULL),
		     0);
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}

/* ---- several hosts --------------------------------------------------------- */

#define NET    "10.213.7"  /* the private /24 of the test's namespaces */
#define SERVER NET ".1"	   /* the server host's address */
#define NS_FMT "rlc-%d-%c" /* rlc-PID-a (server), -b, -c (clients) */
#define NS_MAX 32

static char ns[3][NS_MAX]; /* the namespaces this case made */
static char dir[64];	   /* its wrappers */
static char host_b[128], host_c[128], dbwrap[128];
static char prog[512]; /* $RACELAB as given (./racelab-asan...), or "" */

/* Back to the racelab the suite runs (a wrapper's $RACELAB undone). */
static void own_racelab(void)
{
	if (prog[0])
		setenv("RACELAB", prog, 1);
	else
		unsetenv("RACELAB");
}

/* Run a command (argv), quietly; its exit status, or -1. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Namespaces of a run that was killed before its .fini: remove them. */
static void remove_stale(void)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int pid;
	char c;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "rlc-%d-%c", &pid, &c) == 2 &&
		    kill(pid, 0) == -1 && errno == ESRCH)
			(void)sh("ip netns del %s 2>/dev/null", e->d_name);
	closedir(d);
}

static void wrapper(char *path, size_t len, const char *name, const char *body)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, 0700), 0);
}

static void hosts_fini(void)
{
	dbserver_stop(&srv);
	for (int i = 0; i < 3; i++)
		if (ns[i][0])
			(void)sh("ip netns del %s 2>/dev/null", ns[i]);
	if (dir[0])
		(void)sh("rm -rf '%s'", dir);
	for (int i = 0; i < 3; i++)
		if (ns[i][0]) {
			char p[128];

			snprintf(p, sizeof(p), "/run/netns/%s", ns[i]);
			cr_expect_neq(access(p, F_OK), 0, "%s left", p);
		}
}

static void hosts_init(void)
{
	char cwd[512], body[1400], bin[1100];
	const char *tmp = getenv("TMPDIR");

	srv.fd = -1; /* nothing for .fini to stop yet */
	become_subreaper();
	if (geteuid() != 0)
		cr_skip_test("needs root (ip netns, veth)");
	if (sh("ip -V >/dev/null 2>&1") != 0)
		cr_skip_test("needs the ip command (Debian: iproute2)");
	remove_stale();
	for (int i = 0; i < 3; i++) {
		snprintf(ns[i], sizeof(ns[i]), NS_FMT, (int)getpid(), 'a' + i);
		if (sh("ip netns add %s", ns[i]) != 0) {
			ns[i][0] = '\0';
			cr_skip_test("ip netns add failed: no network "
				     "namespaces here (a container without "
				     "CAP_SYS_ADMIN?)");
		}
	}
	/* a: a bridge at .1; b, c: .2 and .3, each on a veth pair to it. */
	cr_assert_eq(sh("ip -n %s link add br0 type bridge && "
			"ip -n %s addr add " SERVER "/24 dev br0 && "
			"ip -n %s link set br0 up && ip -n %s link set lo up",
			ns[0], ns[0], ns[0], ns[0]),
		     0);
	for (int i = 1; i < 3; i++)
		cr_assert_eq(
		    sh("ip -n %s link add h%d type veth peer name eth0 "
		       "netns %s && ip -n %s link set h%d master br0 "
		       "up && ip -n %s addr add " NET ".%d/24 dev eth0 "
		       "&& ip -n %s link set eth0 up && "
		       "ip -n %s link set lo up",
		       ns[0], i, ns[i], ns[0], i, ns[i], i + 1, ns[i], ns[i]),
		    0);
	snprintf(dir, sizeof(dir), "%s/rlc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	/* The wrappers run the racelab this suite runs (racelab-asan...). */
	snprintf(prog, sizeof(prog), "%s",
		 getenv("RACELAB") ? getenv("RACELAB") : "");
	snprintf(bin, sizeof(bin), "%s%s%s", prog[0] == '/' ? "" : cwd,
		 prog[0] == '/' ? "" : "/", prog[0] ? prog : "racelab");
	snprintf(body, sizeof(body),
		 "exec ip netns exec %s env RACELAB_DB_LISTEN=" SERVER
		 " sh '%s/tests/dbserver.sh' \"$@\"",
		 ns[0], cwd);
	wrapper(dbwrap, sizeof(dbwrap), "dbserver", body);
	snprintf(body, sizeof(body), "exec ip netns exec %s '%s' \"$@\"", ns[1],
		 bin);
	wrapper(host_b, sizeof(host_b), "host-b", body);
	snprintf(body, sizeof(body), "exec ip netns exec %s '%s' \"$@\"", ns[2],
		 bin);
	wrapper(host_c, sizeof(host_c), "host-c", body);
	setenv("RACELAB_DBSERVER", dbwrap, 1);
	cr_assert_eq(dbserver_start(&srv, "both"), 0);
	unsetenv("RACELAB_DBSERVER");
}

/* What every host's incr connects to: the server host, over TCP. */
#define PG_TCP                                                                 \
	"postgres:host=" SERVER " port=5432 user=postgres dbname=postgres"
#define REDIS_TCP "redis:" SERVER ":6379"

/*
 * On one host a local lock makes the read-modify-write exact; on two it
 * excludes each host's own workers and nothing between them.
 */
static void local_lock_lesson(const char *store, bool pg, const char *lock,
			      const char *exact)
{
	/* Every command goes to the server from a client host, never from
	 * the test's own namespace, where SERVER would be routed off the
	 * machine. */
	struct outcome o;
	uint64_t finished;

	setenv("RACELAB", host_b, 1);
	must(ARGS("counter", "create", "--store", store, "--name", "one"), 0);
	must(ARGS("counter", "incr", "--store", store, "--name", "one",
		  "--times", "100", "--procs", "2", "--window", "sleep:500",
		  "--strategy", lock),
	     0);
	cr_expect_eq(expect_tallies(store, pg, "one", 200, 1), 0,
		     "%s lost updates on one host", lock);
	show(store, "one", &o);
	cr_expect(strstr(o.out, SERVER), "not over TCP: %s", o.out);
	must(ARGS("counter", "create", "--store", store, "--name", "two"), 0);
	finished =
	    overlapped(host_b,
		       ARGS("counter", "incr", "--store", store, "--name",
			    "two", "--times", "100000", "--procs", "2",
			    "--window", "sleep:500", "--strategy", lock, "-v"),
		       host_c,
		       ARGS("counter", "incr", "--store", store, "--name",
			    "two", "--times", "100", "--procs", "2", "--window",
			    "sleep:500", "--strategy", lock),
		       200);
	cr_expect_gt(expect_tallies(store, pg, "two", finished, 2), 0,
		     "%s on two hosts lost nothing", lock);

	must(ARGS("counter", "create", "--store", store, "--name", "three"), 0);
	finished =
	    overlapped(host_b,
		       ARGS("counter", "incr", "--store", store, "--name",
			    "three", "--times", "100000", "--procs", "2",
			    "--window", "sleep:500", "--strategy", exact, "-v"),
		       host_c,
		       ARGS("counter", "incr", "--store", store, "--name",
			    "three", "--times", "100", "--procs", "2",
			    "--window", "sleep:500", "--strategy", exact),
		       200);
	cr_expect_eq(expect_tallies(store, pg, "three", finished, 2), 0,
		     "%s lost updates across hosts", exact);
	must(ARGS("counter", "destroy", "--store", store, "--name", "one"), 0);
	must(ARGS("counter", "destroy", "--store", store, "--name", "two"), 0);
	must(ARGS("counter", "destroy", "--store", store, "--name", "three"),
	     0);
	own_racelab();
}

Test(counter_hosts, a_local_lock_loses_updates_across_hosts, .init = hosts_init,
     .fini = hosts_fini, .timeout = 120)
{
	local_lock_lesson(PG_TCP, true, "flock", "for-update");
	/* A lock both hosts see, at the server: advisory. */
	local_lock_lesson(PG_TCP, true, "sysv-sem", "advisory");
	local_lock_lesson(REDIS_TCP, false, "sysv-sem", "script");
	cr_expect_eq(dbserver_leftovers(&srv), 0);
}
#endif
