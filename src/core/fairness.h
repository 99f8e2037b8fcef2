/*
 * fairness.h - how evenly a run's increments were spread over its workers,
 * and how far apart they finished.
 *
 * In a fixed-time run (--duration) every worker had the same time, so its
 * share of the increments says how often it got the lock: Concurrency
 * Kit's lock regressions print each thread's count and the deviation
 * across threads (the population standard deviation, and it as a
 * percentage of the mean); the kernel's locktorture calls a lock unfair
 * when the busiest thread did more than twice the least busy one. In a
 * fixed-iteration run every worker did the same number, so what differs is
 * when each finished: the spread of the end times says how long some
 * workers had the lock to themselves.
 */
#ifndef RACELAB_FAIRNESS_H
#define RACELAB_FAIRNESS_H

#include <stdbool.h>
#include <stdint.h>

struct fairness {
	double min_share;     /* the least busy worker's share, % of all */
	double max_share;     /* the busiest worker's share, % */
	double deviation;     /* standard deviation of the counts */
	double deviation_pct; /* ... as % of the mean count (ck's figure) */
	bool unfair;	      /* busiest > 2 x least busy (locktorture) */
};

/*
 * The fairness of n workers' counts done[0..n-1]. With no increments at
 * all every figure is 0 and nothing is unfair. A worker that did nothing
 * while another did some makes the run unfair.
 */
void fairness_of(const uint64_t *done, unsigned n, struct fairness *f);

/*
 * The spread of n end times (ns, any epoch): the last minus the first, in
 * seconds; and that as % of elapsed_s (0 when elapsed_s is 0).
 */
void finish_spread(const int64_t *end_ns, unsigned n, double elapsed_s,
		   double *spread_s, double *spread_pct);

#endif
