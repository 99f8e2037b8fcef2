/*
 * test_fairness.c - the pure functions behind the fairness and acquire
 * latency figures: shares, deviation and the UNFAIR rule; the finishing
 * spread; the latency histogram's buckets, merging and percentiles.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "core/fairness.h"
#include "core/latency.h"

Test(fairness, shares_sum_to_100_and_deviation_is_cks)
{
	const uint64_t done[] = { 100, 200, 300, 400 };
	struct fairness f;

	fairness_of(done, 4, &f);
	cr_expect_float_eq(f.min_share, 10.0, 1e-9);
	cr_expect_float_eq(f.max_share, 40.0, 1e-9);
	/* mean 250; population variance (150^2+50^2+50^2+150^2)/4 = 12500 */
	cr_expect_float_eq(f.deviation, sqrt(12500.0), 1e-9);
	cr_expect_float_eq(f.deviation_pct, 100.0 * sqrt(12500.0) / 250, 1e-9);
	cr_expect(f.unfair, "400 > 2 x 100");
}

Test(fairness, locktortures_rule_is_strictly_more_than_twice)
{
	const uint64_t twice[] = { 100, 200 }, more[] = { 100, 201 };
	const uint64_t even[] = { 5, 5, 5 }, starved[] = { 0, 7 };
	struct fairness f;

	fairness_of(twice, 2, &f);
	cr_expect_not(f.unfair, "exactly twice is still fair");
	fairness_of(more, 2, &f);
	cr_expect(f.unfair);
	fairness_of(even, 3, &f);
	cr_expect_not(f.unfair);
	cr_expect_float_eq(f.deviation, 0.0, 1e-12);
	cr_expect_float_eq(f.min_share + f.max_share, 200.0 / 3, 1e-9);
	fairness_of(starved, 2, &f);
	cr_expect(f.unfair, "a worker that did nothing");
	cr_expect_float_eq(f.min_share, 0.0, 1e-12);
	cr_expect_float_eq(f.max_share, 100.0, 1e-12);
}

Test(fairness, nothing_done_is_all_zero)
{
	const uint64_t none[] = { 0, 0 };
	struct fairness f;

	fairness_of(none, 2, &f);
	cr_expect_float_eq(f.max_share, 0.0, 1e-12);
	cr_expect_not(f.unfair);
	fairness_of(none, 0, &f);
	cr_expect_not(f.unfair);
}

Test(fairness, finish_spread_is_last_minus_first)
{
	const int64_t end[] = { 3000000000LL, 3250000000LL, 3100000000LL };
	double s, pct;

	finish_spread(end, 3, 0.5, &s, &pct);
	cr_expect_float_eq(s, 0.25, 1e-12);
	cr_expect_float_eq(pct, 50.0, 1e-9);
	finish_spread(end, 1, 0.5, &s, &pct);
	cr_expect_float_eq(s, 0.0, 1e-12);
}

Test(latency, every_value_lands_in_a_bucket_at_most_one_sixteenth_wide)
{
	unsigned last = 0;

	for (uint64_t v = 0; v < 200000; v++) {
		unsigned b = latency_bucket(v);
		uint64_t top = latency_bucket_top(b);

		cr_assert_lt(b, LATENCY_BUCKETS);
		cr_assert_geq(top, v, "bucket %u tops at %llu < %llu", b,
			      (unsigned long long)top, (unsigned long long)v);
		cr_assert_leq((double)top, (double)v * (1.0 + 1.0 / 16) + 1,
			      "%llu -> %llu", (unsigned long long)v,
			      (unsigned long long)top);
		cr_assert_geq(b, last, "buckets are monotone");
		last = b;
	}
	cr_expect_eq(latency_bucket(UINT64_MAX), LATENCY_BUCKETS - 1);
	cr_expect_eq(latency_bucket_top(LATENCY_BUCKETS - 1), UINT64_MAX);
	cr_expect_eq(latency_bucket(1ULL << 40),
		     latency_bucket((1ULL << 40) + (1ULL << 35) - 1));
	cr_expect_neq(latency_bucket(1ULL << 40),
		      latency_bucket((1ULL << 40) + (1ULL << 36)));
}

Test(latency, percentiles_are_monotone_and_bounded_by_the_max)
{
	static struct latency_hist h, a, b;
	uint64_t p50, p99, p999, max;

	/* 1..1000 ns, once each, split over two workers, then merged. */
	for (uint64_t v = 1; v <= 1000; v++)
		latency_record(v % 2 ? &a : &b, v);
	latency_merge(&h, &a);
	latency_merge(&h, &b);
	cr_assert_eq(h.samples, 1000);
	cr_assert_eq(h.max, 1000);
	p50 = latency_percentile(&h, 50);
	p99 = latency_percentile(&h, 99);
	p999 = latency_percentile(&h, 99.9);
	max = latency_percentile(&h, 100);
	cr_expect(p50 >= 500 && p50 <= 500 * 17 / 16, "p50 %llu",
		  (unsigned long long)p50);
	cr_expect(p99 >= 990 && p99 <= 1000, "p99 %llu",
		  (unsigned long long)p99);
	cr_expect(p50 <= p99 && p99 <= p999 && p999 <= max);
	cr_expect_eq(max, 1000, "p100 is the exact max");
}

Test(latency, a_tail_shows_in_p99_9_and_not_in_p50)
{
	static struct latency_hist h;

	for (int i = 0; i < 9990; i++)
		latency_record(&h, 20);
	for (int i = 0; i < 10; i++)
		latency_record(&h, 30000);
	cr_expect_leq(latency_percentile(&h, 50), 21);
	cr_expect_leq(latency_percentile(&h, 99), 21);
	cr_expect_geq(latency_percentile(&h, 99.95), 30000);
	cr_expect_eq(latency_percentile(&h, 100), 30000);
	cr_expect_eq(latency_percentile(&(struct latency_hist){ 0 }, 50), 0);
}

/* ---- the figures in racelab run's report -------------------------------- */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Parse "n0 n1 ..." into done[]; returns how many. */
static unsigned per_worker(const char *csv, uint64_t *done, unsigned max)
{
	char buf[8192], *p = buf, *end;
	unsigned n = 0;

	if (csv_field(csv, 0, "per_worker", buf, sizeof(buf)) != 0)
		return 0;
	while (n < max && *p) {
		done[n++] = strtoull(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	return n;
}

static double csv_f64(const char *csv, const char *col)
{
	char buf[64];

	cr_assert_eq(csv_field(csv, 0, col, buf, sizeof(buf)), 0, "no %s", col);
	return strtod(buf, NULL);
}

Test(fairness_run, shares_sum_to_100_and_match_the_counts, .timeout = 60)
{
	struct outcome o;
	uint64_t done[8], sum = 0, lo = UINT64_MAX, hi = 0;
	unsigned n;
	char v[16];

	racelab(&o, 50,
		ARGS("run", "--strategy", "ticket", "--procs", "4",
		     "--duration", "0.3", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	n = per_worker(o.out, done, 8);
	cr_assert_eq(n, 4, "one count per worker: %s", o.out);
	for (unsigned i = 0; i < n; i++) {
		sum += done[i];
		lo = done[i] < lo ? done[i] : lo;
		hi = done[i] > hi ? done[i] : hi;
	}
	cr_expect_eq(sum, csv_u64(o.out, 0, "expected"),
		     "the workers' counts add up to the expected count");
	cr_expect_eq(sum, csv_u64(o.out, 0, "final"));
	/* The shares are those counts over their sum (2 decimals). */
	cr_expect_float_eq(csv_f64(o.out, "share_min_pct"),
			   100.0 * (double)lo / (double)sum, 0.006);
	cr_expect_float_eq(csv_f64(o.out, "share_max_pct"),
			   100.0 * (double)hi / (double)sum, 0.006);
	csv_field(o.out, 0, "unfair", v, sizeof(v));
	cr_expect_str_eq(v, hi > 2 * lo ? "1" : "0", "locktorture's rule");
}

/*
 * spin with 8 workers on 2 CPUs: nothing queues the waiters, and a worker
 * that holds the CPU keeps the lock. Whether a given run crosses the 2x
 * line depends on the scheduler, so the test checks that the flag follows
 * the rule on the counts, and that a flagged run says why in the table.
 */
Test(fairness_run, spin_oversubscribed_is_flagged_or_within_2x, .timeout = 60)
{
	struct outcome o;
	uint64_t done[8], lo = UINT64_MAX, hi = 0;
	bool unfair;
	char v[16];

	racelab(&o, 50,
		ARGS("run", "--strategy", "spin", "--procs", "8", "--duration",
		     "0.5", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_assert_eq(per_worker(o.out, done, 8), 8, "%s", o.out);
	for (unsigned i = 0; i < 8; i++) {
		lo = done[i] < lo ? done[i] : lo;
		hi = done[i] > hi ? done[i] : hi;
	}
	unfair = hi > 2 * lo;
	csv_field(o.out, 0, "unfair", v, sizeof(v));
	cr_expect_str_eq(v, unfair ? "1" : "0", "min %llu max %llu",
			 (unsigned long long)lo, (unsigned long long)hi);
	racelab(&o, 50,
		ARGS("run", "--strategy", "spin", "--procs", "8", "--duration",
		     "0.5"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	if (strstr(o.out, "UNFAIR"))
		cr_expect(strstr(o.out, "locktorture calls a lock unfair"),
			  "a flagged run explains the flag:\n%s", o.out);
}

Test(fairness_run, fixed_iterations_show_the_finishing_spread, .timeout = 60)
{
	struct outcome o;
	char v[64];
	double spread, elapsed;

	racelab(&o, 50,
		ARGS("run", "--strategy", "mutex", "--procs", "3", "--iters",
		     "200000", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	/* Every worker did the same: no shares to show, a spread instead. */
	csv_field(o.out, 0, "share_min_pct", v, sizeof(v));
	cr_expect_str_eq(v, "", "no shares in a fixed-iteration run");
	spread = csv_f64(o.out, "finish_spread_s");
	elapsed = csv_f64(o.out, "elapsed_s");
	cr_expect(spread >= 0 && spread <= elapsed + 1e-6, "%g of %g", spread,
		  elapsed);
	cr_expect_leq(csv_f64(o.out, "finish_spread_pct"), 100.0 + 1e-6);
	csv_field(o.out, 0, "per_worker", v, sizeof(v));
	cr_expect_str_eq(v, "200000 200000 200000");
}

Test(fairness_run, duration_is_checked_and_needs_no_trace, .timeout = 30)
{
	struct outcome o;

	racelab(&o, 20, ARGS("run", "--duration", "0", "-s", "atomic"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "out of range"), "%s", o.err);
	racelab(&o, 20, ARGS("run", "--duration", "1e3", "-s", "atomic"));
	cr_expect_eq(o.exit_code, 2);
	racelab(&o, 20,
		ARGS("run", "--duration", "0.1", "--trace", "-s", "none"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "exclude each other"), "%s", o.err);
	/* A crash leaves no fairness to report. */
	racelab(&o, 50,
		ARGS("run", "-s", "sysv-sem", "--procs", "2", "--iters", "2000",
		     "--crash-at", "10", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	{
		char v[32];

		csv_field(o.out, 0, "finish_spread_s", v, sizeof(v));
		cr_expect_str_eq(v, "", "no fairness after a crash");
	}
}

/* ---- --latency ------------------------------------------------------------ */

Test(latency_run, one_acquire_in_2_to_the_k_is_timed, .timeout = 60)
{
	struct outcome o;

	/* 100,000 acquires per worker, 1 in 1024: floor(100000/1024) = 97. */
	racelab(&o, 50,
		ARGS("run", "--strategy", "mutex", "--procs", "2", "--iters",
		     "100000", "--latency", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_expect_eq(csv_u64(o.out, 0, "latency_every"), 1024);
	cr_expect_eq(csv_u64(o.out, 0, "latency_samples"), 2 * 97);
	racelab(&o, 50,
		ARGS("run", "--strategy", "ticket", "--procs", "1", "--iters",
		     "5000", "--latency=0", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "latency_every"), 1);
	cr_expect_eq(csv_u64(o.out, 0, "latency_samples"), 5000,
		     "--latency=0 times every acquire");
	racelab(&o, 50,
		ARGS("run", "--strategy", "sysv-sem", "--procs", "3", "--iters",
		     "3000", "--latency=4", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	cr_expect_eq(csv_u64(o.out, 0, "latency_samples"), 3 * (3000 / 16));
}

Test(latency_run, percentiles_are_monotone, .timeout = 60)
{
	static const char *const strategies_[] = { "spin", "ticket", "sysv-sem",
						   "mcs" };
	struct outcome o;

	for (unsigned i = 0; i < 4; i++) {
		uint64_t p50, p99, p999, max;

		racelab(&o, 50,
			ARGS("run", "--strategy", strategies_[i], "--procs",
			     "2", "--iters", "50000", "--latency=6", "--format",
			     "csv"));
		cr_assert_eq(o.exit_code, 0, "%s: %s", strategies_[i], o.err);
		p50 = csv_u64(o.out, 0, "acquire_p50_ns");
		p99 = csv_u64(o.out, 0, "acquire_p99_ns");
		p999 = csv_u64(o.out, 0, "acquire_p999_ns");
		max = csv_u64(o.out, 0, "acquire_max_ns");
		cr_expect(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= max,
			  "%s: %llu %llu %llu %llu", strategies_[i],
			  (unsigned long long)p50, (unsigned long long)p99,
			  (unsigned long long)p999, (unsigned long long)max);
	}
	/* The table says what was sampled. */
	racelab(&o, 50,
		ARGS("run", "--strategy", "spin", "--procs", "2", "--iters",
		     "50000", "--latency=6", "--wide"));
	cr_expect(strstr(o.out, "one acquire in 64 timed"), "%s", o.out);
	cr_expect(strstr(o.out, "p50/p99/p99.9/max"), "%s", o.out);
}

Test(latency_run, no_lock_nothing_timed_and_refusals, .timeout = 30)
{
	struct outcome o;
	char v[32];

	racelab(&o, 20,
		ARGS("run", "--strategy", "atomic", "--procs", "2", "--iters",
		     "10000", "--latency", "--format", "csv"));
	cr_expect_eq(o.exit_code, 0, "%s", o.err);
	csv_field(o.out, 0, "latency_samples", v, sizeof(v));
	cr_expect_str_eq(v, "", "atomic takes no lock: nothing to time");
	racelab(&o, 20, ARGS("run", "--latency=21", "-s", "spin"));
	cr_expect_eq(o.exit_code, 2);
	racelab(&o, 20,
		ARGS("run", "--latency", "--trace", "-s", "spin", "--iters",
		     "100"));
	cr_expect_eq(o.exit_code, 2);
	cr_expect(strstr(o.err, "fast loop"), "%s", o.err);
	racelab(&o, 20,
		ARGS("run", "--latency", "--window", "yield", "-s", "spin"));
	cr_expect_eq(o.exit_code, 2);
	racelab(&o, 20,
		ARGS("run", "--strategy", "spin", "--procs", "2", "--iters",
		     "10000", "--latency", "--format", "json"));
	cr_expect_eq(o.exit_code, 0);
	cr_expect(json_valid(o.out), "%s", o.out);
	cr_expect(strstr(o.out, "\"acquire_p99_ns\""), "%s", o.out);
}

Test(latency_run, bench_latency_adds_a_p99_column, .timeout = 60)
{
	struct outcome o;
	char v[32];

	racelab(&o, 50,
		ARGS("bench", "--strategies", "mutex", "--procs", "1",
		     "--repeat", "1", "--target-ms", "20", "--latency",
		     "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s%s", o.out, o.err);
	cr_expect_gt(csv_u64(o.out, 0, "acquire_p99_ns"), 0, "%s", o.out);
	racelab(&o, 50,
		ARGS("bench", "--strategies", "mutex", "--procs", "1",
		     "--repeat", "1", "--target-ms", "20", "--format", "csv"));
	cr_assert_eq(o.exit_code, 0, "%s", o.err);
	csv_field(o.out, 0, "acquire_p99_ns", v, sizeof(v));
	cr_expect_str_eq(v, "", "no p99 without --latency");
}
