/*
 * test_lessons.c - what each of the later strategies must show beyond
 * being exact: peterson-relaxed loses updates where peterson does not, and
 * both refuse anything but two workers; the file locks, the sharded counter
 * and the pipe stay exact when a worker dies inside an increment; the
 * spinning, sleeping and semaphore locks deadlock instead, and racelab says
 * so (exit 4) and cleans up; the pipe's owner never outlives a run; a batch
 * of 1024 increments per message costs far less than one message each.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Peterson ---------------------------------------------------------- */

/*
 * Pinned to two CPUs, 2 x 1e6 increments of peterson-relaxed lost 8,000 to
 * 25,000 in each of 10 runs measured. Unpinned, the scheduler sometimes
 * puts both workers on one CPU, where the store buffer cannot reorder
 * anything another worker sees, and nothing is lost: hence --cpus 0,1.
 */
Test(lesson, peterson_relaxed_loses_updates, .timeout = 120)
{
	struct outcome o;
	uint64_t lost = 0;

	for (int try = 0; try < 5 && lost == 0; try++) {
		racelab(&o, 100,
			ARGS("run", "--strategy", "peterson-relaxed", "--procs",
			     "2", "--iters", "1000000", "--cpus", "0,1",
			     "--format", "csv"));
		cr_assert(o.exit_code == 0 || o.exit_code == 3, "exit %d: %s",
			  o.exit_code, o.err);
		lost = csv_u64(o.out, 0, "lost");
		cr_expect_eq(csv_u64(o.out, 0, "final") + lost, 2000000);
		if (lost)
			cr_expect_eq(o.exit_code, 3, "lost updates exit 3");
	}
	cr_expect_gt(lost, 0, "peterson-relaxed lost nothing in 5 runs");
}

Test(lesson, peterson_is_exact_where_relaxed_is_not, .timeout = 120)
{
	struct outcome o;

	/* The same run that makes peterson-relaxed lose thousands. */
	racelab(&o, 100,
		ARGS("run", "--strategy", "peterson", "--procs", "2", "--iters",
		     "1000000", "--cpus", "0,1", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "exit %d: %s%s", o.exit_code, o.out,
		     o.err);
	cr_expect_eq(csv_u64(o.out, 0, "final"), 2000000);
}

Test(lesson, peterson_refuses_other_worker_counts, .timeout = 120)
{
	struct snapshot before;
	struct outcome o;
	char v[64];

	snap(&before);
	racelab(&o, 20, ARGS("run", "--strategy", "peterson", "--procs", "3"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "exactly two workers"), "%s", o.err);
	cr_expect_str_empty(o.out);
	racelab(&o, 20,
		ARGS("run", "--strategy", "peterson", "--procs", "8", "--mode",
		     "thread"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "use --procs 2"), "%s", o.err);
	expect_same_tables(&before, "peterson refused");

	/* With all, the others run and peterson is skipped, with the reason. */
	racelab(&o, 110,
		ARGS("run", "--strategy", "all", "--procs", "3", "--iters",
		     "2000", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "exit %d: %s%s", o.exit_code, o.out,
		     o.err);
	cr_expect(strstr(o.err, "peterson         skipped: Peterson's "
				"algorithm is for exactly two workers"),
		  "%s", o.err);
	for (int row = 0; csv_field(o.out, row, "strategy", v, sizeof(v)) == 0;
	     row++)
		cr_expect(strncmp(v, "peterson", 8) != 0, "%s ran with 3", v);
}

/* ---- a worker dies holding the lock (--crash-at) ----------------------- */

struct crash_case {
	char strategy[32]; /* crash-safe */
	char recovery[48]; /* what the recovery column must say */
};

ParameterizedTestParameters(lesson, crash_safe_exact)
{
	static struct crash_case cases[] = {
		{ "fcntl", "kernel: owner process exited" },
		{ "ofd", "kernel closed its fd" },
		{ "sharded", "nothing to release" },
		{ "pipe", "nothing held; sent batches whole" },
		{ "pipe-unbatched", "nothing held; each write whole" },
	};

	return cr_make_param_array(struct crash_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct crash_case *c, lesson, crash_safe_exact,
		  .timeout = 120)
{
	struct snapshot before;
	struct outcome o;
	char v[96];

	become_subreaper();
	snap(&before);
	racelab(&o, 100,
		ARGS("run", "--strategy", c->strategy, "--procs", "3",
		     "--iters", "20000", "--crash-at", "5000", "--crash-worker",
		     "1", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s: exit %d\n%s%s", c->strategy,
		     o.exit_code, o.out, o.err);
	/* Two survivors did 20000 each; the dead one finished 4999. */
	cr_expect_eq(csv_u64(o.out, 0, "expected"), 2 * 20000 + 4999);
	cr_expect_eq(csv_u64(o.out, 0, "final"), 2 * 20000 + 4999,
		     "%s: final count after the crash\n%s", c->strategy, o.out);
	csv_field(o.out, 0, "recovery", v, sizeof(v));
	cr_expect_str_eq(v, c->recovery);
	csv_field(o.out, 0, "verdict", v, sizeof(v));
	cr_expect_str_eq(v, "exact");
	expect_same_tables(&before, c->strategy);
	cr_expect_eq(live_descendants(), 0, "%s: something outlived the run",
		     c->strategy);
}

struct deadlock_case {
	char strategy[32]; /* not crash-safe */
	char procs[4];	   /* workers */
	char recovery[48]; /* what the recovery column must say */
};

ParameterizedTestParameters(lesson, crash_deadlocks)
{
	static struct deadlock_case cases[] = {
		{ "spin", "3", "none: spins for ever" },
		{ "ttas", "3", "none: spins for ever" },
		{ "ticket", "3", "none: serving never advances" },
		{ "futex", "3", "none: the word stays locked" },
		{ "posix-sem", "3", "none: count stays 0" },
		{ "peterson", "2", "none: its flag stays up" },
	};

	return cr_make_param_array(struct deadlock_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

/*
 * The survivors spin or sleep for ever; the watchdog (--timeout 2) ends the
 * run. --iters is large so that no survivor can finish before the crash
 * (an unfair lock can starve the worker that is to die for a while).
 */
ParameterizedTest(struct deadlock_case *c, lesson, crash_deadlocks,
		  .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	double t0;
	char v[256];

	become_subreaper();
	snap(&before);
	t0 = seconds();
	racelab(&o, 30,
		ARGS("run", "--strategy", c->strategy, "--procs", c->procs,
		     "--iters", "100000000", "--crash-at", "500", "--timeout",
		     "2", "--format", "csv"));
	cr_expect_eq(o.exit_code, 4, "%s: exit %d\n%s%s", c->strategy,
		     o.exit_code, o.out, o.err);
	/* The timeout, plus setup and the final kill: well under 10 s. */
	cr_expect_lt(seconds() - t0, 10.0, "took %.1f s", seconds() - t0);
	csv_field(o.out, 0, "verdict", v, sizeof(v));
	cr_expect_str_eq(v, "deadlock");
	csv_field(o.out, 0, "detail", v, sizeof(v));
	cr_expect(strstr(v, "w0 499 (killed)"),
		  "the detail gives each worker's progress: %s", v);
	csv_field(o.out, 0, "recovery", v, sizeof(v));
	cr_expect_str_eq(v, c->recovery);
	expect_same_tables(&before, c->strategy);
	cr_expect_eq(live_descendants(), 0, "a survivor was left running");
}

/* ---- the pipe's owner -------------------------------------------------- */

Test(lesson, pipe_owner_killed_fails_the_run_and_nothing_is_left, .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	char err[8192] = "";
	const char *at;
	pid_t pid, owner;
	int fd;

	become_subreaper();
	snap(&before);
	pid = racelab_start(ARGS("run", "--strategy", "pipe", "--procs", "2",
				 "--iters", "10000000000", "--verbose"),
			    &fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(read_until(fd, "holds the counter", 10, err, sizeof(err)),
		     0, "no owner note: %s", err);
	at = strstr(err, "owner process ");
	cr_assert(at, "%s", err);
	owner = (pid_t)atoi(at + strlen("owner process "));
	cr_assert_gt(owner, 0);
	usleep(300000);
	cr_assert_eq(kill(owner, SIGKILL), 0);
	racelab_wait(pid, 20, &o);
	read_until(fd, "reaped", 2, err, sizeof(err));
	close(fd);
	/* The workers' next write() finds no reader: SIGPIPE, run failed. */
	cr_expect_eq(o.exit_code, 1, "exit %d signal %d\n%s", o.exit_code,
		     o.signal, err);
	cr_expect(strstr(err, "was killed by SIGKILL; the workers' writes "
			      "found no reader"),
		  "%s", err);
	expect_same_tables(&before, "pipe owner killed");
	cr_expect_eq(live_descendants(), 0, "something outlived the run");
}

Test(lesson, pipe_batches_cost_far_less_than_one_message_each, .timeout = 120)
{
	struct outcome o;
	double batched, unbatched;
	char v[64];

	/* Measured 2 ns against 400 ns per increment: a 10x bar is loose. */
	racelab(&o, 100,
		ARGS("run", "--strategy", "pipe", "--procs", "1", "--iters",
		     "20000000", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	csv_field(o.out, 0, "ns_per_op", v, sizeof(v));
	batched = strtod(v, NULL);
	racelab(&o, 100,
		ARGS("run", "--strategy", "pipe-unbatched", "--procs", "1",
		     "--iters", "200000", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	csv_field(o.out, 0, "ns_per_op", v, sizeof(v));
	unbatched = strtod(v, NULL);
	cr_expect_gt(unbatched, 10 * batched,
		     "pipe %.2f ns, pipe-unbatched %.2f ns per increment",
		     batched, unbatched);
}
