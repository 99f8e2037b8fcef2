/*
 * test_crash.c - crash injection: a worker is SIGKILLed holding the lock.
 * Crash-safe strategies reach exactly (procs - 1) x iters + (K - 1) and say
 * what recovered; the plain mutex and the semaphore without SEM_UNDO
 * deadlock, and racelab reports it (exit 4) and cleans up. Plus the exam
 * question: a robust mutex never made consistent is ENOTRECOVERABLE.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/registry.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct crash_case {
	char strategy[32]; /* crash-safe */
	char recovery[64]; /* what the recovery column must say */
	char procs[4];	   /* workers: 3, or 2 for a two-worker lock */
};

/*
 * The strategies come from the table: each declares what a crash inside
 * it does (.crash) and says it in words (.on_crash), which the recovery
 * column prints; a strategy that counts recoveries adds " (x1)".
 */
static size_t crash_cases(struct crash_case *cases, enum crash_outcome want)
{
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		const struct strategy *s = strategies[i];
		bool two = strategy_refuses(s, false, 3);

		if (s->crash != want || s->unsupported ||
		    (two && strategy_refuses(s, false, 2)))
			continue;
		snprintf(cases[n].strategy, sizeof(cases[n].strategy), "%s",
			 s->name);
		snprintf(cases[n].recovery, sizeof(cases[n].recovery), "%s%s",
			 s->on_crash, s->counts_recoveries ? " (x1)" : "");
		snprintf(cases[n].procs, sizeof(cases[n].procs), "%s",
			 two ? "2" : "3");
		n++;
	}
	return n;
}

ParameterizedTestParameters(crash, exact_after_a_holder_dies)
{
	static struct crash_case cases[64];

	return cr_make_param_array(struct crash_case, cases,
				   crash_cases(cases, CRASH_EXACT));
}

ParameterizedTest(struct crash_case *c, crash, exact_after_a_holder_dies,
		  .timeout = 120)
{
	struct snapshot before;
	struct outcome o;
	char v[96];

	become_subreaper();
	snap(&before);
	/*
	 * The survivors must still want the lock after the crash: that is
	 * when a robust mutex reports EOWNERDEAD. With plain increments they
	 * once finished all theirs (even 200,000 each) before a late worker
	 * 1 died in its 50th (x0). So worker 0 sleeps 100 us inside each of
	 * its 20,000 (--window-worker 0): it needs at least 2 s, and worker 1
	 * dies long before.
	 */
	racelab(&o, 100,
		ARGS("run", "--strategy", c->strategy, "--procs", c->procs,
		     "--iters", "20000", "--crash-at", "50", "--crash-worker",
		     "1", "--window", "sleep:100", "--window-worker", "0",
		     "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s: exit %d\n%s%s", c->strategy,
		     o.exit_code, o.out, o.err);
	/* The survivors did 20,000 each; the dead one finished 49. */
	cr_expect_eq(csv_u64(o.out, 0, "expected"),
		     (strtoull(c->procs, NULL, 10) - 1) * 20000 + 49);
	cr_expect_eq(csv_u64(o.out, 0, "final"),
		     (strtoull(c->procs, NULL, 10) - 1) * 20000 + 49,
		     "%s: final count after the crash\n%s", c->strategy, o.out);
	csv_field(o.out, 0, "recovery", v, sizeof(v));
	cr_expect_str_eq(v, c->recovery);
	csv_field(o.out, 0, "verdict", v, sizeof(v));
	cr_expect_str_eq(v, "exact");
	expect_same_tables(&before, c->strategy);
	cr_expect_eq(live_descendants(), 0);
}

Test(crash, none_still_reports_its_lost_updates, .timeout = 120)
{
	struct outcome o;
	uint64_t expected;

	racelab(&o, 100,
		ARGS("run", "--strategy", "none", "--procs", "3", "--iters",
		     "200000", "--crash-at", "1000", "--window", "yield",
		     "--format", "csv"));
	cr_assert(o.exit_code == 3 || o.exit_code == 0, "%s", o.err);
	expected = csv_u64(o.out, 0, "expected");
	cr_expect_eq(expected, 2 * 200000 + 999);
	cr_expect_eq(csv_u64(o.out, 0, "final") + csv_u64(o.out, 0, "lost"),
		     expected);
}

ParameterizedTestParameters(crash, deadlock_reported_and_cleaned)
{
	static struct crash_case cases[64];

	return cr_make_param_array(struct crash_case, cases,
				   crash_cases(cases, CRASH_DEADLOCK));
}

ParameterizedTest(struct crash_case *c, crash, deadlock_reported_and_cleaned,
		  .timeout = 60)
{
	struct snapshot before;
	struct outcome o;
	char v[256];

	become_subreaper();
	snap(&before);
	/*
	 * The survivors spin or sleep for ever; the watchdog (--timeout 1)
	 * ends the run (and the 30 s limit of racelab() fails a watchdog
	 * that never fires: the exit status is then not 4). --iters is large so that no survivor can finish
	 * before the crash (an unfair lock can starve the worker that is to
	 * die for a while).
	 */
	racelab(&o, 30,
		ARGS("run", "--strategy", c->strategy, "--procs", c->procs,
		     "--iters", "100000000", "--crash-at", "500", "--timeout",
		     "1", "--format", "csv"));
	cr_expect_eq(o.exit_code, 4, "%s: exit %d\n%s%s", c->strategy,
		     o.exit_code, o.out, o.err);
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

Test(crash, refused_in_thread_mode_and_beyond_iters, .timeout = 30)
{
	struct outcome o;

	racelab(&o, 20,
		ARGS("run", "--mode", "thread", "--crash-at", "10", "--iters",
		     "100"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "no way to kill one thread"), "%s", o.err);
	racelab(&o, 20, ARGS("run", "--crash-at", "200", "--iters", "100"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "beyond --iters"), "%s", o.err);
	racelab(&o, 20,
		ARGS("run", "--procs", "2", "--crash-at", "5", "--crash-worker",
		     "2"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "only 2 workers"), "%s", o.err);
	racelab(&o, 20, ARGS("run", "--crash-worker", "1"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "needs --crash-at"), "%s", o.err);
}

/*
 * The exam question, on the primitive itself: the holder dies, the next
 * locker gets EOWNERDEAD and unlocks WITHOUT pthread_mutex_consistent().
 * From then on the mutex is ENOTRECOVERABLE for everyone, for ever.
 */
Test(robust_mutex, not_made_consistent_becomes_notrecoverable, .timeout = 30)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t *m;
	pid_t pid;
	int status;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	cr_assert_eq(pthread_mutex_init(m, &attr), 0);

	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0); /* dies holding it */
	}
	waitpid(pid, &status, 0);

	cr_expect_eq(pthread_mutex_lock(m), EOWNERDEAD);
	cr_expect_eq(pthread_mutex_unlock(m), 0); /* no consistent() */
	cr_expect_eq(pthread_mutex_lock(m), ENOTRECOVERABLE);
	cr_expect_eq(pthread_mutex_trylock(m), ENOTRECOVERABLE);
	munmap(m, sizeof(*m));
}

Test(robust_mutex, made_consistent_recovers, .timeout = 30)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t *m;
	pid_t pid;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	cr_assert_eq(pthread_mutex_init(m, &attr), 0);
	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	cr_expect_eq(pthread_mutex_lock(m), EOWNERDEAD);
	cr_expect_eq(pthread_mutex_consistent(m), 0);
	cr_expect_eq(pthread_mutex_unlock(m), 0);
	cr_expect_eq(pthread_mutex_lock(m), 0, "usable again");
	pthread_mutex_unlock(m);
	munmap(m, sizeof(*m));
}
