/*
 * test_guardian.c - whatever ends racelab, nothing it made outlives it
 * (issue 14): SIGKILL and SIGQUIT at random moments of sysv-sem, of flock
 * with --lock-file and of bench; every catchable fatal signal on the SIGINT
 * path; an inherited ignored signal respected (nohup).
 *
 * Each case runs in an IPC namespace of its own as root (support.c), so
 * "the tables are as before" means exactly "this case leaked nothing".
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define TRIALS	  10 /* random moments per case */

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

struct kill_case {
	char what[24]; /* sysv-sem(-noundo), sysv-msg, flock-file, bench */
	int signal;    /* SIGKILL or SIGQUIT */
};

ParameterizedTestParameters(guardian, killed_at_random_moments)
{
	static struct kill_case cases[] = {
		{ "sysv-sem", SIGKILL },	{ "sysv-sem", SIGQUIT },
		{ "sysv-sem-noundo", SIGKILL }, { "flock-file", SIGKILL },
		{ "flock-file", SIGQUIT },	{ "bench", SIGKILL },
		{ "bench", SIGQUIT },		{ "sysv-msg", SIGKILL },
	};

	return cr_make_param_array(struct kill_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

/*
 * TRIALS times: start racelab, kill it after a random 0-250 ms (setup,
 * forking, the gate, the loop, teardown: every phase gets hit), then expect
 * no SysV object, no file and no process left within a second.
 */
ParameterizedTest(struct kill_case *c, guardian, killed_at_random_moments,
		  .timeout = 120)
{
	const char *tmp = getenv("TMPDIR");
	char lock[256];
	struct snapshot before;
	unsigned seed = (unsigned)getpid();

	cr_assert_not_null(tmp);
	snprintf(lock, sizeof(lock), "%s/counter.lock", tmp);
	snap(&before);
	for (int t = 0; t < TRIALS; t++) {
		struct outcome o;
		useconds_t delay = (useconds_t)(rand_r(&seed) % 250000);
		pid_t pid;
		int fd;

		if (strcmp(c->what, "bench") == 0)
			pid = racelab_start(ARGS("bench", "--strategies",
						 "sysv-sem,flock", "--procs",
						 "2", "--repeat", "3"),
					    &fd);
		else if (strcmp(c->what, "flock-file") == 0)
			pid = racelab_start(
			    ARGS("run", "--strategy", "flock", "--procs", "3",
				 "--iters", "10000000000", "--lock-file", lock),
			    &fd);
		else
			pid = racelab_start(ARGS("run", "--strategy", c->what,
						 "--procs", "3", "--iters",
						 "10000000000"),
					    &fd);
		cr_assert_gt(pid, 0);
		usleep(delay);
		kill(pid, c->signal);
		racelab_wait(pid, 20, &o);
		close(fd);
		cr_expect(o.signal == c->signal ||
			      (o.signal == 0 && o.exit_code == 0),
			  "trial %d (%u us): exit %d signal %d", t,
			  (unsigned)delay, o.exit_code, o.signal);
		expect_same_tables(&before, c->what);
		cr_expect_eq(live_descendants(), 0,
			     "trial %d (%u us): a process outlived racelab", t,
			     (unsigned)delay);
		cr_expect_eq(entries(tmp), 0,
			     "trial %d (%u us): a file was left in TMPDIR", t,
			     (unsigned)delay);
	}
}

ParameterizedTestParameters(guardian, every_fatal_signal)
{
	static int sigs[] = { SIGQUIT, SIGUSR1, SIGUSR2,   SIGALRM, SIGXCPU,
			      SIGXFSZ, SIGPROF, SIGVTALRM, SIGPIPE, SIGPWR };

	return cr_make_param_array(int, sigs, sizeof(sigs) / sizeof(sigs[0]));
}

/* Each goes the way of SIGINT: cleanup, a note, then death by it. */
ParameterizedTest(int *sig, guardian, every_fatal_signal, .timeout = 30)
{
	struct snapshot before;
	struct outcome o;
	char err[8192] = "";
	pid_t pid;
	int fd;

	snap(&before);
	pid = racelab_start(ARGS("run", "--strategy", "sysv-sem", "--procs",
				 "2", "--iters", "10000000000", "--verbose"),
			    &fd);
	cr_assert_gt(pid, 0);
	cr_assert_eq(
	    read_until(fd, "created SysV semaphore set", 10, err, sizeof(err)),
	    0, "%s", err);
	usleep(100000);
	kill(pid, *sig);
	racelab_wait(pid, 20, &o);
	read_until(fd, "stopped by", 2, err, sizeof(err));
	close(fd);
	cr_expect_eq(o.signal, *sig, "SIG%s: exit %d signal %d\n%s",
		     sigabbrev_np(*sig), o.exit_code, o.signal, err);
	cr_expect(strstr(err, "stopped by SIG"), "%s", err);
	cr_expect(strstr(err, "removed SysV semaphore set"),
		  "racelab itself removed the set: %s", err);
	expect_same_tables(&before, sigabbrev_np(*sig));
	cr_expect_eq(live_descendants(), 0);
}

struct ignored_case {
	int signal;  /* inherited ignored */
	char cmd[8]; /* run or bench */
};

ParameterizedTestParameters(guardian, inherited_ignored_signal)
{
	static struct ignored_case cases[] = {
		{ SIGHUP, "run" },
		{ SIGINT, "run" },
		{ SIGHUP, "bench" },
	};

	return cr_make_param_array(struct ignored_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

/* nohup (SIGHUP) and a background job (SIGINT): the signal is ignored, as
 * the user asked; SIGTERM still stops racelab, cleanly. */
ParameterizedTest(struct ignored_case *c, guardian, inherited_ignored_signal,
		  .timeout = 30)
{
	struct snapshot before;
	struct outcome o;
	char err[8192] = "";
	pid_t pid;
	int fd, status;

	snap(&before);
	if (strcmp(c->cmd, "bench") == 0)
		pid = racelab_start_ignoring(
		    c->signal,
		    ARGS("bench", "--strategies", "sysv-sem", "--procs", "2",
			 "--duration", "3600", "--repeat", "1"),
		    &fd);
	else
		pid = racelab_start_ignoring(c->signal,
					     ARGS("run", "--strategy",
						  "sysv-sem", "--procs", "2",
						  "--iters", "10000000000"),
					     &fd);
	cr_assert_gt(pid, 0);
	usleep(300000);
	kill(pid, c->signal);
	usleep(300000);
	cr_expect_eq(waitpid(pid, &status, WNOHANG), 0,
		     "SIG%s was ignored when racelab started, yet it stopped",
		     sigabbrev_np(c->signal));
	kill(pid, SIGTERM);
	racelab_wait(pid, 20, &o);
	read_until(fd, "stopped by", 2, err, sizeof(err));
	close(fd);
	cr_expect_eq(o.signal, SIGTERM, "exit %d signal %d: %s", o.exit_code,
		     o.signal, err);
	expect_same_tables(&before, c->cmd);
	cr_expect_eq(live_descendants(), 0);
}

/*
 * `racelab segment create` killed (SIGKILL) at random moments of its few
 * milliseconds: afterwards the key holds a whole segment, which show reads
 * and destroy removes, or nothing at all; never half a segment (memory
 * without its metadata, or without its semaphore set or lock file). Each
 * moment is hit many times: 40 trials spread over 0-4 ms.
 */
ParameterizedTestParameters(guardian, segment_create_killed_is_all_or_nothing)
{
	static char strategies[][16] = { "sysv-sem", "flock" };

	return cr_make_param_array(char[16], strategies, 2);
}

ParameterizedTest(char (*strategy)[16], guardian,
		  segment_create_killed_is_all_or_nothing, .timeout = 120)
{
	const char *tmp = getenv("TMPDIR");
	char path[256];
	struct snapshot before;
	unsigned seed = (unsigned)getpid(), whole = 0, none = 0;
	bool by_path = strcmp(*strategy, "flock") == 0;

	cr_assert_not_null(tmp);
	snprintf(path, sizeof(path), "%s/counter", tmp);
	if (by_path) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f);
		fclose(f);
	}
	snap(&before);
	for (int t = 0; t < 40; t++) {
		struct outcome o;
		useconds_t delay = (useconds_t)(rand_r(&seed) % 4000);
		pid_t pid;
		int fd;

		pid = racelab_start(
		    by_path ? ARGS("segment", "create", "--path", path,
				   "--strategy", *strategy)
			    : ARGS("segment", "create", "--key", "0x7a11",
				   "--strategy", *strategy),
		    &fd);
		cr_assert_gt(pid, 0);
		usleep(delay);
		kill(pid, SIGKILL);
		racelab_wait(pid, 20, &o);
		close(fd);
		/* The guardian has a moment to clean up after it. */
		usleep(100000);
		racelab(&o, 20,
			by_path ? ARGS("segment", "show", "--path", path)
				: ARGS("segment", "show", "--key", "0x7a11"));
		if (o.exit_code == 0) {
			whole++;
			racelab(&o, 20,
				by_path
				    ? ARGS("segment", "destroy", "--path", path)
				    : ARGS("segment", "destroy", "--key",
					   "0x7a11"));
			cr_expect_eq(o.exit_code, 0,
				     "trial %d (%u us): a whole segment, yet "
				     "destroy failed: %s",
				     t, (unsigned)delay, o.err);
		} else {
			none++;
			cr_expect(strstr(o.err, "no shared memory segment"),
				  "trial %d (%u us): half a segment: %s", t,
				  (unsigned)delay, o.err);
		}
		expect_same_tables(&before, *strategy);
		cr_expect_eq(entries(tmp), by_path ? 1 : 0,
			     "trial %d (%u us): a file was left in TMPDIR", t,
			     (unsigned)delay);
		cr_expect_eq(live_descendants(), 0,
			     "trial %d (%u us): a process outlived racelab", t,
			     (unsigned)delay);
	}
	cr_log_info("%s: %u whole, %u none", *strategy, whole, none);
	if (by_path)
		unlink(path);
}
