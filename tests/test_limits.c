/*
 * test_limits.c - limits the kernel imposes: each gets a clear message
 * naming the limit or the path, exit 1 (or 2 when racelab can tell in
 * advance), and nothing left behind.
 *
 * SysV limits are per IPC namespace, so the tests lower SHMMNI and SEMMNI
 * to 0 in a private namespace of their own (root only; skipped otherwise)
 * instead of touching the machine's. RLIMIT_NPROC does not bind root, so
 * those tests drop to the `nobody` uid in a child first.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/*
 * RLIMIT_NPROC counts every process of a uid on the machine: a uid of each
 * test case's own (cases run in parallel), unnamed, so nobody else's.
 */
#define NOBODY ((uid_t)(60000 + getpid() % 5000))

/* Run racelab in a child that first calls prepare(); capture stderr. */
static int run_prepared(int (*prepare)(void), const char *const argv[],
			char *err, size_t len)
{
	int pipefd[2], status;
	const char *bin = getenv("RACELAB");
	const char *args[16] = { bin && *bin ? bin : "./racelab" };
	ssize_t n, got = 0;
	pid_t pid;

	for (int i = 0; argv[i] && i < 14; i++)
		args[i + 1] = argv[i];
	cr_assert_eq(pipe(pipefd), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		dup2(open("/dev/null", O_WRONLY), 1);
		if (prepare() != 0)
			_exit(120);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], err + got, len - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int no_segments_allowed(void)
{
	if (unshare(CLONE_NEWIPC) != 0)
		return -1;
	return write_file("/proc/sys/kernel/shmmni", "0");
}

static int no_semaphore_sets_allowed(void)
{
	if (unshare(CLONE_NEWIPC) != 0)
		return -1;
	return write_file("/proc/sys/kernel/sem", "250 32000 32 0");
}

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (a private IPC namespace)");
}

Test(limits, shmmni_exhausted_is_named, .init = need_root, .timeout = 30)
{
	char err[4096];
	int status =
	    run_prepared(no_segments_allowed,
			 (const char *const[]){ "run", "--strategy", "atomic",
						"--iters", "10", NULL },
			 err, sizeof(err));

	cr_expect_eq(status, 1, "exit %d: %s", status, err);
	cr_expect(strstr(err, "SHMMNI"), "the message names the limit: %s",
		  err);
}

Test(limits, semmni_exhausted_is_named, .init = need_root, .timeout = 30)
{
	char err[4096];
	int status =
	    run_prepared(no_semaphore_sets_allowed,
			 (const char *const[]){ "run", "--strategy", "sysv-sem",
						"--iters", "10", NULL },
			 err, sizeof(err));

	cr_expect_eq(status, 1, "exit %d: %s", status, err);
	cr_expect(strstr(err, "SEMMNI"), "the message names the limit: %s",
		  err);
}

static int as_nobody_with_nproc_4(void)
{
	struct rlimit rl = { 4, 4 };

	if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
		return -1;
	return setrlimit(RLIMIT_NPROC, &rl);
}

Test(limits, procs_beyond_rlimit_nproc_is_a_usage_error, .init = need_root,
     .timeout = 30)
{
	char err[4096];
	int status = run_prepared(
	    as_nobody_with_nproc_4,
	    (const char *const[]){ "run", "--strategy", "atomic", "--procs",
				   "8", "--iters", "10", NULL },
	    err, sizeof(err));

	cr_expect_eq(status, 2, "exit %d: %s", status, err);
	cr_expect(strstr(err, "RLIMIT_NPROC"), "%s", err);
}

/*
 * A fork that fails half-way (EAGAIN) stops the workers already started.
 * The uid may have 7 processes; a sleeper takes one, racelab another and
 * its guardian a third, so the 5th worker cannot be forked.
 */
static pid_t sleeper = -1;

static int as_nobody_with_nproc_7_and_a_sleeper(void)
{
	struct rlimit rl = { 7, 7 };

	if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0 ||
	    setrlimit(RLIMIT_NPROC, &rl) != 0)
		return -1;
	sleeper = fork();
	if (sleeper == 0) {
		/* Let go of the stderr pipe (fd 2 and the pipe's own
		 * descriptor), or the reader waits 30 s for us. */
		dup2(open("/dev/null", O_WRONLY), 2);
		for (int fd = 3; fd < 64; fd++)
			(void)close(fd);
		sleep(30);
		_exit(0);
	}
	return sleeper > 0 ? 0 : -1;
}

Test(limits, fork_failing_mid_spawn_cleans_up, .init = need_root, .timeout = 60)
{
	struct snapshot before;
	char err[4096];
	int status;

	become_subreaper();
	snap(&before);
	status = run_prepared(as_nobody_with_nproc_7_and_a_sleeper,
			      (const char *const[]){
				  "run", "--strategy", "sysv-sem", "--procs",
				  "5", "--iters", "100000", "--verbose", NULL },
			      err, sizeof(err));
	cr_expect_eq(status, 1, "exit %d: %s", status, err);
	cr_expect(strstr(err, "fork: Resource temporarily unavailable "
			      "(started 4 of 5 workers)"),
		  "%s", err);
	expect_named_objects_gone(err, "fork failed");
	expect_same_tables(&before, "fork failed");
	/* The sleeper (ours, reparented to us) is the only one left. */
	{
		pid_t kids[16];
		int n = children_of(getpid(), kids, 16);

		/* racelab's guardian exits on its own, within a moment. */
		for (int i = 0; i < 100 && n > 1; i++) {
			usleep(10000);
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			n = children_of(getpid(), kids, 16);
		}

		cr_expect_leq(n, 1, "workers outlived racelab");
		for (int i = 0; i < n; i++) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
	}
}

Test(limits, lock_file_in_a_missing_directory_is_named, .timeout = 30)
{
	struct outcome o;

	/* A usage error, found before anything is created. */
	racelab(&o, 20,
		(const char *const[]){
		    "run", "--strategy", "flock", "--iters", "10",
		    "--lock-file", "/nonexistent-racelab-dir/x.lock", NULL });
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "/nonexistent-racelab-dir/x.lock") &&
		      strstr(o.err, "does not exist"),
		  "%s", o.err);
	cr_expect_str_empty(o.out, "nothing may start: %s", o.out);
}

/*
 * The time cap of a calibrated run holds at any number of workers: 1,024
 * sysv-sem workers once ran 30 s while saying "stopped at the 0.6 s time
 * cap" (the workers noticed the stop only between chunks of 1,024
 * increments). Now the count is still verified and the run stops soon after
 * the cap (0.6 s), as the workers check their chunk every target/40 at the
 * cost calibration measured.
 */
Test(limits, time_cap_holds_at_1024_workers, .timeout = 120)
{
	struct outcome o;
	char verdict[32];
	double elapsed;
	char v[32];

	racelab(&o, 110,
		(const char *const[]){ "run", "--strategy", "sysv-sem",
				       "--procs", "1024", "--format", "csv",
				       NULL });
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_assert_eq(csv_field(o.out, 0, "elapsed_s", v, sizeof(v)), 0, "%s",
		     o.out);
	elapsed = strtod(v, NULL);
	csv_field(o.out, 0, "verdict", verdict, sizeof(verdict));
	cr_expect_str_eq(verdict, "exact", "%s", o.out);
	cr_expect_eq(csv_u64(o.out, 0, "expected"), csv_u64(o.out, 0, "final"));
	cr_expect_gt(elapsed, 0, "%s", o.out);
	/*
	 * The cap is 0.6 s and is noticed within 1/40 of the target; the bug
	 * it guards against took 30 s. The bound is no speed test (those
	 * belong to make bench): 15 s, 25 times the cap, only fails a cap
	 * that did not hold, however loaded the machine.
	 */
	cr_expect_lt(elapsed, 15.0, "the 0.6 s cap did not hold: %s", o.out);
}
