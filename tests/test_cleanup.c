/*
 * test_cleanup.c - nothing outlives a run: no SysV shared memory, no
 * semaphore set, no lock file, no worker process; after success, after
 * SIGINT, SIGTERM or SIGHUP, and after a worker is killed with SIGKILL.
 *
 * These tests compare the kernel's whole SysV tables before and after, so
 * the suite runs them one at a time (make test passes --jobs 1).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/registry.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* A private TMPDIR, so a leaked lock file would show up in it. */
static char tmpdir[64];

static void tmpdir_init(void)
{
	strcpy(tmpdir, "/tmp/racelab-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	setenv("TMPDIR", tmpdir, 1);
	become_subreaper();
}

static void tmpdir_fini(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cr_expect_eq(system(cmd), 0);
	/* A worker left behind would have come to us, the subreaper. */
	for (pid_t kids[64], n = (pid_t)children_of(getpid(), kids, 64), i = 0;
	     i < n; i++)
		kill(kids[i], SIGKILL);
}

Test(cleanup, nothing_left_after_a_successful_run_of_each_strategy,
     .init = tmpdir_init, .fini = tmpdir_fini, .timeout = 120)
{
	struct snapshot before;
	struct outcome o;

	snap(&before);
	racelab(&o, 110,
		ARGS("run", "--strategy", "all", "--procs", "3", "--iters",
		     "20000"));
	cr_expect_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	expect_same_tables(&before, "after --strategy all");
	cr_expect_eq(dir_entries(tmpdir), 0, "a lock file was left in TMPDIR");
	cr_expect_eq(live_descendants(), 0, "a worker outlived racelab");
}

struct lock_file_case {
	char strategy[32]; /* one that takes --lock-file */
};

ParameterizedTestParameters(cleanup, lock_file_rules)
{
	static struct lock_file_case cases[64];
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++)
		if (strategies[i]->lock_file)
			snprintf(cases[n++].strategy, sizeof(cases[0].strategy),
				 "%s", strategies[i]->name);
	return cr_make_param_array(struct lock_file_case, cases, n);
}

/* For every strategy that locks a file (flock, fcntl, ofd). */
ParameterizedTest(struct lock_file_case *c, cleanup, lock_file_rules,
		  .init = tmpdir_init, .fini = tmpdir_fini, .timeout = 60)
{
	char path[128], target[128], link[128], fifo[128];
	struct snapshot before;
	struct outcome o;
	struct stat st;
	int fd;

	/* Created by racelab: removed. Given: kept. */
	snprintf(path, sizeof(path), "%s/counter.lock", tmpdir);
	racelab(&o, 50,
		ARGS("run", "--strategy", c->strategy, "--procs", "2",
		     "--iters", "20000", "--lock-file", path));
	cr_expect_eq(o.exit_code, 0, "%s: %s", c->strategy, o.err);
	cr_expect_neq(access(path, F_OK), 0, "racelab's lock file remains");

	fd = open(path, O_CREAT | O_WRONLY, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
	racelab(&o, 50,
		ARGS("run", "--strategy", c->strategy, "--procs", "2",
		     "--iters", "20000", "--lock-file", path));
	cr_expect_eq(o.exit_code, 0, "%s: %s", c->strategy, o.err);
	cr_expect_eq(access(path, F_OK), 0, "removed a file it did not make");
	cr_expect_eq(unlink(path), 0);

	/* Hostile: a symlink, a FIFO, a directory. Refused, left alone. */
	snprintf(target, sizeof(target), "%s/precious", tmpdir);
	snprintf(link, sizeof(link), "%s/planted.lock", tmpdir);
	snprintf(fifo, sizeof(fifo), "%s/fifo.lock", tmpdir);
	fd = open(target, O_CREAT | O_WRONLY, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "keep", 4), 4);
	close(fd);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	snap(&before);

	/* Every bad path is a usage error (exit 2), before anything is made. */
	racelab(&o, 20,
		ARGS("run", "--strategy", c->strategy, "--iters", "10",
		     "--lock-file", link));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "symbolic link"), "%s", o.err);
	cr_expect(strstr(o.err, link), "the message names the path: %s", o.err);
	cr_expect(strstr(o.err, "--lock-file"), "and the option: %s", o.err);
	cr_expect_str_empty(o.out, "nothing may start: %s", o.out);
	cr_expect_eq(stat(target, &st), 0);
	cr_expect_eq(st.st_size, 4, "the symlink's target was touched");

	racelab(&o, 20,
		ARGS("run", "--strategy", c->strategy, "--iters", "10",
		     "--lock-file", fifo));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, "not a regular file"), "%s", o.err);

	racelab(&o, 20,
		ARGS("run", "--strategy", c->strategy, "--iters", "10",
		     "--lock-file", tmpdir));
	cr_expect_eq(o.exit_code, 2, "%s", o.err);
	cr_expect(strstr(o.err, tmpdir), "%s", o.err);

	{
		/* A device is never opened; a missing directory, a path
		 * through a symlinked directory, an over-long path. */
		char linkdir[128], through[160], missing[160], longp[5000];

		snprintf(linkdir, sizeof(linkdir), "%s/linkdir", tmpdir);
		cr_assert_eq(symlink(tmpdir, linkdir), 0);
		snprintf(through, sizeof(through), "%s/x.lock", linkdir);
		snprintf(missing, sizeof(missing), "%s/no/x.lock", tmpdir);
		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		const char *bad[] = { "/dev/null", through, missing, longp };
		const char *says[] = { "device", "symbolic link",
				       "does not exist", "too long" };

		for (unsigned i = 0; i < 4; i++) {
			racelab(&o, 20,
				ARGS("run", "--strategy", c->strategy,
				     "--iters", "10", "--lock-file", bad[i]));
			cr_expect_eq(o.exit_code, 2, "%s: %s", says[i], o.err);
			cr_expect(strstr(o.err, says[i]), "%s", o.err);
			cr_expect_str_empty(o.out, "%s", o.out);
		}
		cr_expect_neq(access(through, F_OK), 0, "created through it");
		cr_expect_eq(unlink(linkdir), 0);
	}
	cr_expect_eq(access(link, F_OK), 0, "the symlink was removed");
	expect_same_tables(&before, "after refused lock files");
	cr_expect_eq(live_descendants(), 0);
}

struct stop_case {
	char strategy[32]; /* what runs when the signal comes */
	int signal;	   /* what the user sends racelab */
	char mode[8];	   /* process or thread */
	unsigned procs;	   /* workers: 3, or 2 for a two-worker strategy */
};

/* 3 workers, or 2 for a strategy that refuses 3 (peterson). */
static unsigned stop_procs(const struct strategy *s, bool threads)
{
	return strategy_refuses(s, threads, 3) ? 2 : 3;
}

ParameterizedTestParameters(cleanup, signal_mid_run)
{
	static struct stop_case cases[6 * 64];
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++)
		for (unsigned s = 0; s < 6; s++) {
			bool threads = s >= 3;

			snprintf(cases[n].strategy, sizeof(cases[n].strategy),
				 "%s", strategies[i]->name);
			cases[n].signal = sigs[s % 3];
			strcpy(cases[n].mode, threads ? "thread" : "process");
			cases[n].procs = stop_procs(strategies[i], threads);
			n++;
		}
	return cr_make_param_array(struct stop_case, cases, n);
}

ParameterizedTest(struct stop_case *c, cleanup, signal_mid_run,
		  .init = tmpdir_init, .fini = tmpdir_fini, .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	char err[8192] = "", procs[16];
	int fd;
	pid_t pid;

	snap(&before);
	snprintf(procs, sizeof(procs), "%u", c->procs);
	pid = racelab_start(ARGS("run", "--strategy", c->strategy, "--procs",
				 procs, "--iters", "10000000000", "--mode",
				 c->mode, "--verbose"),
			    &fd);
	cr_assert_gt(pid, 0);
	/* Wait until the workers are past the start gate, let them get
	 * going, then interrupt. */
	cr_assert_eq(
	    read_until(fd, "released at the gate", 10, err, sizeof(err)), 0,
	    "no start-up note: %s", err);
	usleep(30000);
	kill(pid, c->signal);
	racelab_wait(pid, 20, &o);
	read_until(fd, "stopped by", 2, err, sizeof(err));
	close(fd);
	cr_expect_eq(
	    o.signal, c->signal,
	    "%s: racelab should die of SIG%s, got exit %d signal %d\n%s",
	    c->strategy, sigabbrev_np(c->signal), o.exit_code, o.signal, err);
	cr_expect(strstr(err, "stopped by SIG"), "%s", err);
	expect_same_tables(&before, c->strategy);
	expect_named_objects_gone(err, c->strategy);
	cr_expect_eq(dir_entries(tmpdir), 0, "a lock file was left");
	cr_expect_eq(live_descendants(), 0, "%s: a worker outlived racelab",
		     c->strategy);
}

ParameterizedTestParameters(cleanup, worker_killed)
{
	static struct stop_case cases[64];
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		snprintf(cases[n].strategy, sizeof(cases[n].strategy), "%s",
			 strategies[i]->name);
		cases[n].procs = stop_procs(strategies[i], false);
		cases[n++].signal = SIGKILL;
	}
	return cr_make_param_array(struct stop_case, cases, n);
}

ParameterizedTest(struct stop_case *c, cleanup, worker_killed,
		  .init = tmpdir_init, .fini = tmpdir_fini, .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	char err[8192] = "", procs[16];
	pid_t pid, kids[8];
	int fd, n = 0;

	snap(&before);
	snprintf(procs, sizeof(procs), "%u", c->procs);
	pid = racelab_start(ARGS("run", "--strategy", c->strategy, "--procs",
				 procs, "--iters", "10000000000", "--verbose"),
			    &fd);
	cr_assert_gt(pid, 0);
	/* Workers only: the pipe strategy's owner is a child too. */
	for (int i = 0; i < 500 && n < (int)c->procs; i++) {
		usleep(10000);
		n = workers_of(pid, kids, 8);
	}
	cr_assert_eq(n, (int)c->procs, "racelab did not start %u workers",
		     c->procs);
	cr_assert_eq(
	    read_until(fd, "released at the gate", 10, err, sizeof(err)), 0,
	    "no start-up note: %s", err);
	usleep(30000);
	kill(kids[1], SIGKILL);
	racelab_wait(pid, 20, &o);
	read_until(fd, "killed by SIGKILL", 2, err, sizeof(err));
	close(fd);
	cr_expect_eq(o.exit_code, 1, "%s: exit %d signal %d\n%s", c->strategy,
		     o.exit_code, o.signal, err);
	expect_same_tables(&before, c->strategy);
	expect_named_objects_gone(err, c->strategy);
	cr_expect_eq(dir_entries(tmpdir), 0, "a lock file was left");
	cr_expect_eq(live_descendants(), 0, "%s: a worker outlived racelab",
		     c->strategy);
}

struct phase_case {
	int delay_us; /* when SIGINT comes after start */
	int signal;   /* which */
};

ParameterizedTestParameters(cleanup, signal_at_any_phase)
{
	/* From "before setup" through forking 64 workers to teardown. */
	static struct phase_case cases[] = {
		{ 0, SIGINT },	   { 300, SIGTERM },	{ 1000, SIGHUP },
		{ 3000, SIGINT },  { 8000, SIGTERM },	{ 20000, SIGHUP },
		{ 50000, SIGINT }, { 120000, SIGTERM }, { 250000, SIGINT },
	};

	return cr_make_param_array(struct phase_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct phase_case *c, cleanup, signal_at_any_phase,
		  .init = tmpdir_init, .fini = tmpdir_fini, .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	char err[16384] = "";
	pid_t pid;
	int fd;

	snap(&before);
	pid = racelab_start(ARGS("run", "--strategy", "sysv-sem", "--procs",
				 "64", "--iters", "40", "--verbose"),
			    &fd);
	cr_assert_gt(pid, 0);
	usleep((useconds_t)c->delay_us);
	kill(pid, c->signal);
	racelab_wait(pid, 30, &o);
	read_until(fd, "no such text", 0.5, err, sizeof(err));
	close(fd);
	/* Either the signal stopped it, or it had already finished. */
	cr_expect(o.signal == c->signal || o.exit_code == 0,
		  "after %d us: exit %d signal %d\n%s", c->delay_us,
		  o.exit_code, o.signal, err);
	expect_named_objects_gone(err, "signal at any phase");
	expect_same_tables(&before, "signal at any phase");
	cr_expect_eq(dir_entries(tmpdir), 0);
	cr_expect_eq(live_descendants(), 0, "a worker outlived racelab");
}
