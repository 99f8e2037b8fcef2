/*
 * test_strategies.c - one parameterised suite over the strategy table:
 * every strategy that must be exact is exact at 1, 2 and 8 workers (those
 * it accepts), and leaves no kernel object behind; `none` loses updates with two workers and
 * cannot lose any with one. Registering a strategy enrolls it here.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct exact_case {
	char strategy[32]; /* a strategy from the table */
	unsigned procs;	   /* workers */
	unsigned iters;	   /* increments each: enough to contend */
};

ParameterizedTestParameters(strategy, exact_count)
{
	static struct exact_case cases[3 * 64];
	static const unsigned procs[] = { 1, 2, 8 };
	static const unsigned iters[] = { 200000, 100000, 25000 };
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		if (strategies[i]->racy || strategies[i]->unsupported)
			continue;
		for (unsigned p = 0; p < 3; p++) {
			/* peterson: two workers only (its refusal is tested
			 * in test_lessons.c). */
			if (strategy_refuses(strategies[i], false, procs[p]))
				continue;
			snprintf(cases[n].strategy, sizeof(cases[n].strategy),
				 "%s", strategies[i]->name);
			cases[n].procs = procs[p];
			cases[n].iters = iters[p];
			n++;
		}
	}
	return cr_make_param_array(struct exact_case, cases, n);
}

/* The id racelab -v printed after `what`, or -1. */
static int id_after(const char *err, const char *what)
{
	const char *p = strstr(err, what);

	return p ? atoi(p + strlen(what)) : -1;
}

ParameterizedTest(struct exact_case *c, strategy, exact_count, .timeout = 120)
{
	char procs[16], iters[16];
	struct outcome o;
	int shm, sem;

	snprintf(procs, sizeof(procs), "%u", c->procs);
	snprintf(iters, sizeof(iters), "%u", c->iters / ASAN_SCALE);
	cr_assert_eq(
	    racelab(&o, 110,
		    ARGS("run", "--strategy", c->strategy, "--procs", procs,
			 "--iters", iters, "--format", "csv", "--verbose")),
	    0);
	cr_assert_eq(o.exit_code, 0, "%s x%u: exit %d\n%s%s", c->strategy,
		     c->procs, o.exit_code, o.out, o.err);
	cr_expect_eq(csv_u64(o.out, 0, "expected"),
		     (uint64_t)c->procs * (c->iters / ASAN_SCALE));
	cr_expect_eq(csv_u64(o.out, 0, "final"),
		     (uint64_t)c->procs * (c->iters / ASAN_SCALE),
		     "%s with %u workers: final count wrong\n%s", c->strategy,
		     c->procs, o.out);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);

	/* Every kernel object it named is gone. */
	shm = id_after(o.err, "created SysV shared memory id ");
	cr_expect_geq(shm, 0, "-v names the segment: %s", o.err);
	cr_expect_not(sysv_has("shm", shm), "shared memory %d leaked", shm);
	sem = id_after(o.err, "created SysV semaphore set id ");
	if (sem >= 0)
		cr_expect_not(sysv_has("sem", sem), "semaphore set %d leaked",
			      sem);
}

Test(strategy, none_loses_updates_with_two_workers, .timeout = 120)
{
	const char *argv[16] = { "run",	    "--strategy", "none",
				 "--procs", "2",	  "--iters",
				 "5000000", "--format",	  "csv" };
	struct outcome o;
	uint64_t lost = 0;

	/*
	 * At 5e6 increments each on two CPUs about half are lost, provided
	 * the two really overlap: unpinned on a busy machine one worker can
	 * finish before the other starts, so the workers are pinned to two
	 * CPUs (or, on one CPU, given a yield inside the gap). Five tries make
	 * a miss practically impossible without hiding a real bug.
	 */
	overlap_args(argv, 9);
	for (int try = 0; try < 5 && lost == 0; try++) {
		racelab(&o, 100, argv);
		cr_assert(o.exit_code == 3 || o.exit_code == 0, "exit %d: %s",
			  o.exit_code, o.err);
		lost = csv_u64(o.out, 0, "lost");
		cr_expect_eq(csv_u64(o.out, 0, "expected"), 10000000);
		cr_expect_eq(csv_u64(o.out, 0, "final") + lost, 10000000,
			     "final + lost must be expected");
		if (lost)
			cr_expect_eq(o.exit_code, 3, "lost updates exit 3");
	}
	cr_expect_gt(lost, 0, "none lost nothing in 5 runs of 2 x 5e6");
}

Test(strategy, none_is_exact_with_one_worker, .timeout = 60)
{
	struct outcome o;

	/* No second worker, no race: the lesson's control experiment. */
	racelab(&o, 50,
		ARGS("run", "--strategy", "none", "--procs", "1", "--iters",
		     "3000000", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "final"), 3000000);
}

Test(strategy, all_exits_0_when_only_none_loses, .timeout = 120)
{
	struct outcome o;
	char v[32];

	racelab(&o, 110,
		ARGS("run", "--strategy", "all", "--procs", "2", "--iters",
		     "100000", "--format", "csv"));
	csv_field(o.out, 0, "strategy", v, sizeof(v));
	cr_assert_str_eq(v, "none");
	/* Whether or not none lost this time, the others decide. */
	cr_expect_eq(o.exit_code, 0, "exit %d\n%s%s", o.exit_code, o.out,
		     o.err);
}
