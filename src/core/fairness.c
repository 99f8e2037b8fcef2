/* fairness.c - see fairness.h. */
#include "core/fairness.h"

#include <math.h>

void fairness_of(const uint64_t *done, unsigned n, struct fairness *f)
{
	uint64_t lo = UINT64_MAX, hi = 0, sum = 0;
	double mean, var = 0;

	*f = (struct fairness){ 0 };
	for (unsigned i = 0; i < n; i++) {
		sum += done[i];
		if (done[i] < lo)
			lo = done[i];
		if (done[i] > hi)
			hi = done[i];
	}
	if (n == 0 || sum == 0)
		return;
	mean = (double)sum / n;
	for (unsigned i = 0; i < n; i++)
		var += ((double)done[i] - mean) * ((double)done[i] - mean);
	f->min_share = 100.0 * (double)lo / (double)sum;
	f->max_share = 100.0 * (double)hi / (double)sum;
	f->deviation = sqrt(var / n);
	f->deviation_pct = 100.0 * f->deviation / mean;
	/* Exact in integers: 2 * lo cannot overflow a count of increments. */
	f->unfair = hi > 2 * lo;
}

void finish_spread(const int64_t *end_ns, unsigned n, double elapsed_s,
		   double *spread_s, double *spread_pct)
{
	int64_t first = INT64_MAX, last = INT64_MIN;

	*spread_s = *spread_pct = 0;
	for (unsigned i = 0; i < n; i++) {
		if (end_ns[i] < first)
			first = end_ns[i];
		if (end_ns[i] > last)
			last = end_ns[i];
	}
	if (n == 0)
		return;
	*spread_s = (double)(last - first) / 1e9;
	if (elapsed_s > 0)
		*spread_pct = 100.0 * *spread_s / elapsed_s;
}
