/* latency.c - see latency.h. */
#include "core/latency.h"

#include <math.h>

unsigned latency_bucket(uint64_t ns)
{
	unsigned msb, shift;

	if (ns < LATENCY_SUB)
		return (unsigned)ns; /* 0..15: one bucket per value */
	msb = 63u - (unsigned)__builtin_clzll(ns); /* 4..63 */
	shift = msb - 4; /* keep the top 5 bits: 1xxxx */
	/* Bucket 16 + 16 * (msb - 4) + the 4 bits after the top one. */
	return LATENCY_SUB + LATENCY_SUB * (msb - 4) +
	       (unsigned)((ns >> shift) & (LATENCY_SUB - 1));
}

uint64_t latency_bucket_top(unsigned b)
{
	unsigned group, sub, shift;

	if (b < LATENCY_SUB)
		return b;
	group = (b - LATENCY_SUB) / LATENCY_SUB; /* msb - 4 */
	sub = (b - LATENCY_SUB) % LATENCY_SUB;
	shift = group;
	if (group == 59 && sub == LATENCY_SUB - 1)
		return UINT64_MAX;
	return (((uint64_t)(LATENCY_SUB + sub + 1)) << shift) - 1;
}

void latency_merge(struct latency_hist *into, const struct latency_hist *from)
{
	for (unsigned b = 0; b < LATENCY_BUCKETS; b++)
		into->count[b] += from->count[b];
	into->samples += from->samples;
	if (from->max > into->max)
		into->max = from->max;
}

uint64_t latency_percentile(const struct latency_hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (!h->samples)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->samples);
	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < LATENCY_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank) {
			uint64_t top = latency_bucket_top(b);

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}
