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

/*
 * A worker dying holding the lock (--crash-at) is tested for every strategy
 * in test_crash.c, from what each declares (.crash, .on_crash).
 */

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
