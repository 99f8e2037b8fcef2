/*
 * test_repro.c - reproducing lost updates on purpose: --window, --cpus,
 * --seed and --trace. Bad values exit 2 naming the problem; a correct
 * strategy stays exact however wide the window; one CPU and a yield lose
 * updates; and the trace's account of the loss equals expected - final.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/registry.h"
#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct bad_case {
	const char *args[8]; /* after "racelab run" */
	const char *says;    /* the message must contain this */
};

Test(repro, bad_values_exit_2_naming_the_problem, .timeout = 60)
{
	static const struct bad_case cases[] = {
		{ { "--window", "wide" }, "--window 'wide' is not one of" },
		{ { "--window", "spin" }, "needs a number" },
		{ { "--window", "spin:0" }, "must be at least 1" },
		{ { "--window", "sleep:x" }, "not a whole decimal number" },
		{ { "--window", "yield:3" }, "yield takes no number" },
		{ { "--window", "random:-5" }, "must not be negative" },
		{ { "--cpus", "4096" }, "CPU 4096 is not available" },
		{ { "--cpus", "999" }, "CPU 999 is not available" },
		{ { "--cpus", "1-0" }, "runs backwards" },
		{ { "--cpus", "0,,1" }, "expected a CPU number" },
		{ { "--cpus", "a" }, "expected a CPU number" },
		{ { "--cpus", "0-" }, "a range needs an end" },
		{ { "--seed", "-1" }, "must not be negative" },
		{ { "--seed", "1x" }, "not a whole decimal number" },
		{ { "--trace", "--procs", "4", "--iters", "3000000" },
		  "above the cap of 10,000,000" },
	};
	struct snapshot before;

	snap(&before);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[12] = { "run", "--strategy", "none" };
		struct outcome o;
		int n = 3;

		for (int j = 0; cases[i].args[j]; j++)
			argv[n++] = cases[i].args[j];
		argv[n] = NULL;
		racelab(&o, 10, argv);
		cr_expect_eq(o.exit_code, 2, "case %u: exit %d: %s", i,
			     o.exit_code, o.err);
		cr_expect(strstr(o.err, cases[i].says),
			  "case %u: '%s' lacks '%s'", i, o.err, cases[i].says);
	}
	expect_same_tables(&before, "bad repro options");
}

struct window_case {
	char strategy[32]; /* must stay exact */
	char window[16];   /* however wide the gap */
	unsigned procs;	   /* workers: as many as the strategy takes */
};

ParameterizedTestParameters(repro, correct_strategies_exact_with_any_window)
{
	static struct window_case cases[4 * 64];
	static const char *const windows[] = { "yield", "spin:200", "sleep:1",
					       "random:300" };
	static const enum window_kind kinds[] = { WINDOW_YIELD, WINDOW_SPIN,
						  WINDOW_SLEEP, WINDOW_RANDOM };
	unsigned procs;
	size_t n = 0;

	for (unsigned i = 0; i < strategy_count; i++) {
		if (strategy_racy(strategies[i], MODE_PROCESS) ||
		    strategies[i]->unsupported)
			continue;
		/* Peterson takes exactly two workers; the rest take three. */
		procs = strategy_refuses(strategies[i], false, 3) ? 2 : 3;
		for (unsigned w = 0; w < 4; w++) {
			/* A window the strategy refuses, in words (ck's FIFO
			 * locks and a holder that yields), is no case. */
			struct run probe = { .strategy = strategies[i],
					     .mode = MODE_PROCESS,
					     .procs = procs,
					     .window = { .kind = kinds[w] } };

			if (strategies[i]->cannot_run &&
			    strategies[i]->cannot_run(&probe))
				continue;
			snprintf(cases[n].strategy, sizeof(cases[n].strategy),
				 "%s", strategies[i]->name);
			snprintf(cases[n].window, sizeof(cases[n].window), "%s",
				 windows[w]);
			cases[n].procs = procs;
			n++;
		}
	}
	return cr_make_param_array(struct window_case, cases, n);
}

ParameterizedTest(struct window_case *c, repro,
		  correct_strategies_exact_with_any_window, .timeout = 120)
{
	struct outcome o;
	char v[32], procs[8], iters[16];

	snprintf(procs, sizeof(procs), "%u", c->procs);
	/*
	 * sleep:1 costs ~60 us per increment, and the lock is held meanwhile.
	 * Every window hands the CPU over inside the critical section, so
	 * each increment is a chance for a lock that does not exclude to be
	 * caught: 1,000 of them (100 with a sleep) per worker are plenty.
	 */
	snprintf(iters, sizeof(iters), "%u",
		 (strncmp(c->window, "sleep", 5) ? 1000 : 100) / ASAN_SCALE);
	racelab(&o, 110,
		ARGS("run", "--strategy", c->strategy, "--procs", procs,
		     "--iters", iters, "--window", c->window, "--format",
		     "csv"));
	cr_expect_eq(o.exit_code, 0, "%s with --window %s: exit %d\n%s%s",
		     c->strategy, c->window, o.exit_code, o.out, o.err);
	cr_expect_eq(csv_u64(o.out, 0, "lost"), 0);
	csv_field(o.out, 0, "window", v, sizeof(v));
	cr_expect_str_eq(v, c->window, "the report names the window");
}

Test(repro, one_cpu_and_a_yield_lose_updates, .timeout = 120)
{
	struct outcome o;
	uint64_t lost = 0;

	/* Pure preemption: both workers on CPU 0, a yield inside the gap. */
	for (int try = 0; try < 5 && lost == 0; try++) {
		racelab(&o, 100,
			ARGS("run", "--strategy", "none", "--procs", "2",
			     "--cpus", "0", "--window", "yield", "--iters",
			     "20000", "--format", "csv"));
		cr_assert(o.exit_code == 3 || o.exit_code == 0, "%s", o.err);
		lost = csv_u64(o.out, 0, "lost");
	}
	cr_expect_gt(lost, 0, "no update lost on one CPU with a yield");
}

Test(repro, seed_is_reported_and_reused, .timeout = 60)
{
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "atomic", "--procs", "2", "--iters",
		     "2000", "--window", "random:100", "--seed", "42",
		     "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "seed"), 42);
	racelab(&o, 50,
		ARGS("run", "--strategy", "atomic", "--procs", "2", "--iters",
		     "2000", "--window", "random:100", "--seed", "42"));
	cr_expect(strstr(o.out, "Seed: 42"), "the table prints the seed:\n%s",
		  o.out);
}

/* Sum the lost_here column of a --trace FILE. */
static long long trace_file_lost(const char *path, long long *events)
{
	char line[512];
	long long sum = 0;
	FILE *f = fopen(path, "r");

	*events = 0;
	cr_assert_not_null(f, "no trace file %s", path);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	cr_expect(strncmp(line,
			  "strategy,worker,index,read,wrote,overwritten,"
			  "lost_here",
			  54) == 0,
		  "header: %s", line);
	while (fgets(line, sizeof(line), f)) {
		char buf[32];

		csv_field_line(line, 6, buf, sizeof(buf));
		sum += atoll(buf);
		(*events)++;
	}
	fclose(f);
	return sum;
}

struct trace_case {
	char procs[4];	 /* workers */
	char iters[8];	 /* increments each */
	char window[16]; /* how wide the gap */
	char cpus[8];	 /* "" or a pin list */
};

ParameterizedTestParameters(repro, trace_accounts_for_every_lost_update)
{
	static struct trace_case cases[] = {
		{ "4", "2000", "none", "" },	   /* the example */
		{ "2", "20000", "yield", "0" },	   /* one CPU: big losses */
		{ "3", "5000", "random:500", "" }, /* time travel */
		{ "8", "1000", "yield", "" },	   /* many small collisions */
	};

	return cr_make_param_array(struct trace_case, cases, 4);
}

ParameterizedTest(struct trace_case *c, repro,
		  trace_accounts_for_every_lost_update, .timeout = 120)
{
	char path[64], *p;
	const char *argv[20] = { "run",	    "--strategy", "none",   "--procs",
				 c->procs,  "--iters",	  c->iters, "--window",
				 c->window, "--format",	  "csv",    "--trace" };
	struct outcome o;
	long long lost, traced, events;
	int n = 12;

	snprintf(path, sizeof(path), "/tmp/racelab-trace-%d.csv", getpid());
	argv[n++] = path;
	if (c->cpus[0]) {
		argv[n++] = "--cpus";
		argv[n++] = c->cpus;
	}
	argv[n] = NULL;
	racelab(&o, 110, argv);
	cr_assert(o.exit_code == 0 || o.exit_code == 3, "exit %d: %s",
		  o.exit_code, o.err);
	lost = (long long)csv_u64(o.out, 0, "lost");
	traced = trace_file_lost(path, &events);
	unlink(path);
	cr_expect_eq(events, (long long)csv_u64(o.out, 0, "expected"),
		     "one event per increment");
	cr_expect_eq(traced, lost,
		     "the trace accounts for %lld lost updates, the count says "
		     "%lld",
		     traced, lost);
	/* The explanation (on stderr with --format csv) says they agree. */
	cr_expect(strstr(o.err, "they agree"), "%s", o.err);
	p = strstr(o.err, "The trace accounts for ");
	cr_expect_not_null(p);
}

Test(repro, trace_of_a_correct_strategy_finds_no_collision, .timeout = 60)
{
	struct outcome o;

	racelab(&o, 50,
		ARGS("run", "--strategy", "sysv-sem", "--procs", "3", "--iters",
		     "2000", "--window", "yield", "--trace"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	cr_expect(strstr(o.out, " 0 increments read a value that another "
				"increment also read"),
		  "%s", o.out);
	cr_expect(strstr(o.out, "The trace accounts for 0 lost updates"), "%s",
		  o.out);
}
