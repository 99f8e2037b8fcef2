/*
 * latency.h - a histogram of acquire latencies (the time from asking for the
 * lock to holding it), small enough to live per worker in shared memory and
 * to be merged by adding.
 *
 * Log-linear buckets, as HdrHistogram's: values below 16 ns exactly, then
 * each power of two split into 16 equal sub-buckets, so every bucket is
 * within 1/16 (6.25 %) of the values it holds, from 1 ns to 2^63 ns, in
 * LATENCY_BUCKETS counters. A percentile is read as the upper bound of the
 * bucket that holds it: never below the true value, at most 6.25 % above.
 */
#ifndef RACELAB_LATENCY_H
#define RACELAB_LATENCY_H

#include <stdint.h>

#define LATENCY_SUB	16 /* sub-buckets per power of 2 */
#define LATENCY_BUCKETS (LATENCY_SUB * (64 - 3)) /* 976 */

struct latency_hist {
	uint64_t count[LATENCY_BUCKETS]; /* samples per bucket */
	uint64_t samples;		 /* their sum */
	uint64_t max;			 /* the largest sample, exact */
};

/* The bucket of a sample of ns nanoseconds. */
unsigned latency_bucket(uint64_t ns);

/* The largest value bucket b holds. */
uint64_t latency_bucket_top(unsigned b);

static inline void latency_record(struct latency_hist *h, uint64_t ns)
{
	h->count[latency_bucket(ns)]++;
	h->samples++;
	if (ns > h->max)
		h->max = ns;
}

/* Add from into into. */
void latency_merge(struct latency_hist *into, const struct latency_hist *from);

/*
 * The p-th percentile (0 < p <= 100) in ns: the top of the bucket that
 * holds the sample of rank ceil(p / 100 * samples), but never above the
 * exact maximum. 0 when there are no samples.
 */
uint64_t latency_percentile(const struct latency_hist *h, double p);

#endif
