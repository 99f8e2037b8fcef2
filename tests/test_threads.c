/*
 * test_threads.c - thread mode: every correct strategy exact with threads,
 * the racy ones lose updates; and ThreadSanitizer (racelab-tsan) reports the
 * data race of `none`, naming the increment, and nothing for the correct
 * strategies nor for atomic-split, whose race is not a data race.
 *
 * Criterion cannot start under TSan, so these tests run the separately
 * built racelab-tsan ($RACELAB_TSAN) and judge its output and exit status.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/strategy.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define TSAN_EXIT 66 /* TSan's exit status when it reported something */

struct thread_case {
	char strategy[32]; /* a strategy from the table */
	unsigned procs;	   /* worker threads */
};

ParameterizedTestParameters(thread_mode, exact_count)
{
	static struct thread_case cases[2 * 64];
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		if (strategies[i]->racy || strategies[i]->unsupported)
			continue;
		for (unsigned procs = 2; procs <= 8; procs *= 4) {
			snprintf(cases[n].strategy, sizeof(cases[n].strategy),
				 "%s", strategies[i]->name);
			cases[n++].procs = procs;
		}
	}
	return cr_make_param_array(struct thread_case, cases, n);
}

ParameterizedTest(struct thread_case *c, thread_mode, exact_count,
		  .timeout = 120)
{
	char procs[16];
	struct outcome o;
	char mode[16];

	snprintf(procs, sizeof(procs), "%u", c->procs);
	racelab(&o, 110,
		ARGS("run", "--mode", "thread", "--strategy", c->strategy,
		     "--procs", procs, "--iters", "50000", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s: exit %d\n%s%s", c->strategy,
		     o.exit_code, o.out, o.err);
	csv_field(o.out, 0, "mode", mode, sizeof(mode));
	cr_expect_str_eq(mode, "thread", "the report says which mode ran");
	cr_expect_eq(csv_u64(o.out, 0, "final"), (uint64_t)c->procs * 50000,
		     "%s with %u threads", c->strategy, c->procs);
}

static void expect_loses_in_threads(const char *strategy)
{
	struct outcome o;
	uint64_t lost = 0;

	for (int try = 0; try < 5 && lost == 0; try++) {
		racelab(&o, 100,
			ARGS("run", "--mode", "thread", "--strategy", strategy,
			     "--procs", "2", "--iters", "5000000", "--format",
			     "csv"));
		cr_assert(o.exit_code == 0 || o.exit_code == 3, "exit %d: %s",
			  o.exit_code, o.err);
		lost = csv_u64(o.out, 0, "lost");
		cr_expect_eq(csv_u64(o.out, 0, "final") + lost, 10000000);
	}
	cr_expect_gt(lost, 0, "%s lost nothing in 5 runs of 2 threads x 5e6",
		     strategy);
}

Test(thread_mode, none_loses_updates, .timeout = 120)
{
	expect_loses_in_threads("none");
}

Test(thread_mode, atomic_split_loses_updates, .timeout = 120)
{
	expect_loses_in_threads("atomic-split");
}

/* Run racelab-tsan; returns what it printed. */
static void tsan_run(struct outcome *o, const char *strategy, const char *iters)
{
	const char *bin = getenv("RACELAB_TSAN");
	const char *saved = getenv("RACELAB");
	char keep[4096];

	cr_assert(bin && *bin, "RACELAB_TSAN is not set (make test sets it)");
	snprintf(keep, sizeof(keep), "%s", saved ? saved : "./racelab");
	setenv("RACELAB", bin, 1);
	cr_assert_eq(
	    racelab(o, 100,
		    ARGS("run", "--mode", "thread", "--strategy", strategy,
			 "--procs", "2", "--iters", iters, "--format", "csv")),
	    0, "cannot start %s", bin);
	setenv("RACELAB", keep, 1);
}

Test(tsan, reports_the_data_race_of_none, .timeout = 120)
{
	struct outcome o;
	bool seen = false;

	/* Detection is probabilistic; three tries of 1e5 never missed. */
	for (int try = 0; try < 3 && !seen; try++) {
		tsan_run(&o, "none", "100000");
		seen = strstr(o.err, "WARNING: ThreadSanitizer: data race");
	}
	cr_assert(seen, "no data race reported:\n%s", o.err);
	cr_expect(strstr(o.err, "counter_rmw"),
		  "the report names the increment:\n%s", o.err);
	cr_expect(strstr(o.err, "none_work"), "and the strategy:\n%s", o.err);
	cr_expect_eq(o.exit_code, TSAN_EXIT);
}

struct tsan_case {
	char strategy[32]; /* must draw no TSan report */
};

ParameterizedTestParameters(tsan, silent)
{
	static struct tsan_case cases[64];
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		/* none is the one data race; every other strategy is silent. */
		if (strcmp(strategies[i]->name, "none") == 0 ||
		    strategies[i]->unsupported)
			continue;
		snprintf(cases[n++].strategy, sizeof(cases[0].strategy), "%s",
			 strategies[i]->name);
	}
	return cr_make_param_array(struct tsan_case, cases, n);
}

ParameterizedTest(struct tsan_case *c, tsan, silent, .timeout = 120)
{
	struct outcome o;

	tsan_run(&o, c->strategy, "20000");
	cr_expect_null(strstr(o.err, "ThreadSanitizer"),
		       "%s drew a TSan report:\n%s", c->strategy, o.err);
	if (strcmp(c->strategy, "atomic-split") == 0) {
		/* Silent, and still wrong: the lesson of this strategy. */
		cr_expect(o.exit_code == 3 || o.exit_code == 0, "exit %d",
			  o.exit_code);
	} else {
		cr_expect_eq(o.exit_code, 0, "%s: exit %d\n%s", c->strategy,
			     o.exit_code, o.err);
		cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);
	}
}

Test(tsan, refuses_process_mode_with_the_reason, .timeout = 30)
{
	struct outcome o;
	const char *bin = getenv("RACELAB_TSAN");

	cr_assert(bin && *bin);
	setenv("RACELAB", bin, 1);
	racelab(&o, 20, ARGS("run", "--mode", "process", "--iters", "10"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "cannot see memory shared between processes"),
		  "%s", o.err);
}

Test(tsan, refuses_crash_injection_before_creating_anything, .timeout = 30)
{
	struct snapshot before;
	struct outcome o;
	const char *bin = getenv("RACELAB_TSAN");

	cr_assert(bin && *bin);
	setenv("RACELAB", bin, 1);
	snap(&before);
	racelab(&o, 20,
		ARGS("run", "--strategy", "sysv-sem", "--crash-at", "10",
		     "--iters", "100"));
	cr_expect_eq(o.exit_code, 2, "exit %d signal %d: %s", o.exit_code,
		     o.signal, o.err);
	cr_expect(strstr(o.err, "--crash-at needs process mode"), "%s", o.err);
	expect_same_tables(&before, "racelab-tsan --crash-at");
}
