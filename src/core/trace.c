/* trace.c - see trace.h. */
#include "core/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/util.h"

struct trace_event *trace_alloc(uint64_t n)
{
	void *p =
	    mmap(NULL, n * sizeof(struct trace_event), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		(void)report_errno("trace", "mmap", errno);
		return NULL;
	}
	return p;
}

void trace_free(struct trace_event *t, uint64_t n)
{
	if (t)
		(void)munmap(t, n * sizeof(struct trace_event));
}

/*
 * The arrays below hold pointers to events, so their element size is
 * sizeof(a pointer): right, though clang-tidy's sizeof check suspects it.
 */
/* NOLINTBEGIN(bugprone-sizeof-expression) */

/* The completed events, as pointers (slots of unfinished ones are 0). */
static const struct trace_event **collect(const struct run *run, uint64_t *n)
{
	uint64_t total = (uint64_t)run->procs * run->iters, k = 0;
	const struct trace_event **v = malloc((total ? total : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (uint64_t i = 0; i < total; i++)
		if (run->trace[i].index)
			v[k++] = &run->trace[i];
	*n = k;
	return v;
}

static int by_read(const void *a, const void *b)
{
	const struct trace_event *x = *(const struct trace_event *const *)a;
	const struct trace_event *y = *(const struct trace_event *const *)b;

	if (x->read != y->read)
		return x->read < y->read ? -1 : 1;
	return x->t_write < y->t_write ? -1 : x->t_write > y->t_write;
}

static int by_write(const void *a, const void *b)
{
	const struct trace_event *x = *(const struct trace_event *const *)a;
	const struct trace_event *y = *(const struct trace_event *const *)b;

	return x->t_write < y->t_write ? -1 : x->t_write > y->t_write;
}

/*
 * The store that put `value` into the counter just before the store x
 * overwrote it: one that read value - 1, other than x. ev is sorted by read.
 * Stamps from different CPUs can disagree by a little, so prefer the latest
 * one stamped before x, else the earliest one after.
 */
static const struct trace_event *writer_of(const struct trace_event **ev,
					   uint64_t n, uint64_t value,
					   const struct trace_event *x)
{
	const struct trace_event *before = NULL, *after = NULL;
	uint64_t lo = 0, hi = n;

	if (value == 0)
		return NULL;
	while (lo < hi) { /* the first event with read >= value - 1 */
		uint64_t mid = lo + (hi - lo) / 2;

		if (ev[mid]->read < value - 1)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && ev[lo]->read == value - 1; lo++) {
		const struct trace_event *e = ev[lo];

		if (e == x)
			continue;
		if (e->t_write < x->t_write)
			before = e;
		else if (!after)
			after = e;
	}
	return before ? before : after;
}

/*
 * One line of the timeline for the store x. When it wiped out one update
 * made by a worker that had read the same value, show the four steps. Their
 * order follows from the values, not from the stamps: both reads saw r, so
 * both came before either store of r + 1 was visible; x overwrote y's r + 1,
 * so y stored first. Only the order of the two reads comes from the stamps.
 */
static void timeline_line(FILE *out, const struct trace_event **by_r,
			  uint64_t n, const struct trace_event *x)
{
	const struct trace_event *y = writer_of(by_r, n, x->overwritten, x);
	uint64_t wiped = x->overwritten - x->read;

	if (y && wiped == 1 && y->read == x->read) {
		const struct trace_event *first =
		    x->t_read <= y->t_read ? x : y;
		const struct trace_event *second = first == x ? y : x;

		fprintf(out,
			"  w%u read %llu | w%u read %llu | w%u wrote %llu | "
			"w%u wrote %llu   -> 1 update lost\n",
			first->worker, (unsigned long long)first->read,
			second->worker, (unsigned long long)second->read,
			y->worker, (unsigned long long)y->read + 1, x->worker,
			(unsigned long long)x->read + 1);
		return;
	}
	fprintf(out,
		"  w%u read %llu | others store %llu..%llu | w%u wrote %llu "
		"over %llu   -> %llu update%s lost\n",
		x->worker, (unsigned long long)x->read,
		(unsigned long long)x->read + 1,
		(unsigned long long)x->overwritten, x->worker,
		(unsigned long long)x->read + 1,
		(unsigned long long)x->overwritten, (unsigned long long)wiped,
		wiped == 1 ? "" : "s");
}

int trace_explain(FILE *out, const struct run *run, const struct result *res,
		  unsigned timeline, struct trace_summary *sum)
{
	const struct trace_event **by_r, **by_w;
	uint64_t n = 0, shown = 0;
	char a[32], b[32];

	memset(sum, 0, sizeof(*sum));
	by_r = collect(run, &n);
	by_w = by_r ? malloc((n ? n : 1) * sizeof(*by_w)) : NULL;
	if (!by_w) {
		free(by_r);
		return report_errno("trace", "malloc", ENOMEM);
	}
	memcpy(by_w, by_r, n * sizeof(*by_w));
	qsort(by_r, n, sizeof(*by_r), by_read);
	qsort(by_w, n, sizeof(*by_w), by_write);

	sum->events = n;
	for (uint64_t i = 0; i < n;) { /* runs of equal reads */
		uint64_t j = i + 1;

		while (j < n && by_r[j]->read == by_r[i]->read)
			j++;
		if (j - i > 1)
			sum->shared_reads += j - i;
		i = j;
	}
	for (uint64_t i = 0; i < n; i++) {
		const struct trace_event *e = by_w[i];
		int64_t wiped = (int64_t)(e->overwritten - e->read);

		sum->accounted += wiped;
		if (wiped < 0) {
			sum->restoring++;
			continue;
		}
		if (wiped == 0)
			continue;
		sum->destructive++;
		if (wiped == 1)
			sum->wiped_1++;
		else if (wiped < 10)
			sum->wiped_2_9++;
		else
			sum->wiped_10++;
		if ((uint64_t)wiped > sum->max_travel) {
			sum->max_travel = (uint64_t)wiped;
			sum->max_worker = e->worker;
			sum->max_read = e->read;
		}
	}

	fprintf(out, "\n%s: the trace of %s increments %s:\n",
		run->strategy->name, group_digits(n, a, sizeof(a)),
		res->lost ? "explains the loss" : "finds no lost update");
	fprintf(out,
		"  %s increments read a value that another increment also "
		"read.\n",
		group_digits(sum->shared_reads, a, sizeof(a)));
	fprintf(out, "  %s stores overwrote other workers' increments: ",
		group_digits(sum->destructive, a, sizeof(a)));
	fprintf(out, "%s wiped out 1, ",
		group_digits(sum->wiped_1, a, sizeof(a)));
	fprintf(out, "%s wiped out 2-9, ",
		group_digits(sum->wiped_2_9, a, sizeof(a)));
	fprintf(out, "%s wiped out 10 or more.\n",
		group_digits(sum->wiped_10, a, sizeof(a)));
	if (sum->restoring)
		fprintf(out,
			"  %s stores found the counter lower than they had "
			"read (an older store had rolled it back) and gave "
			"some back.\n",
			group_digits(sum->restoring, a, sizeof(a)));
	if (sum->max_travel) {
		char c[32], d[32];

		fprintf(
		    out,
		    "  Largest time travel: w%llu read %s, and when it "
		    "stored %s the count was already %s: %s update%s "
		    "lost in one store.\n",
		    (unsigned long long)sum->max_worker,
		    group_digits(sum->max_read, a, sizeof(a)),
		    group_digits(sum->max_read + 1, b, sizeof(b)),
		    group_digits(sum->max_read + sum->max_travel, c, sizeof(c)),
		    group_digits(sum->max_travel, d, sizeof(d)),
		    sum->max_travel == 1 ? "" : "s");
	}
	fprintf(out,
		"  The trace accounts for %s lost updates; expected - final = "
		"%s: %s.\n",
		group_digits((uint64_t)(sum->accounted < 0 ? -sum->accounted
							   : sum->accounted),
			     a, sizeof(a)),
		group_digits((uint64_t)(res->lost < 0 ? -res->lost : res->lost),
			     b, sizeof(b)),
		sum->accounted == res->lost ? "they agree"
					    : "THEY DISAGREE (a racelab bug)");
	if (sum->destructive && timeline)
		fprintf(out, "  The first collisions, in time order:\n");
	for (uint64_t i = 0; i < n && shown < timeline; i++) {
		if (by_w[i]->overwritten <= by_w[i]->read)
			continue;
		timeline_line(out, by_r, n, by_w[i]);
		shown++;
	}
	free(by_r);
	free(by_w);
	return 0;
}

int trace_write_csv(FILE *f, const struct run *run, bool append)
{
	const struct trace_event **ev;
	uint64_t n = 0;

	ev = collect(run, &n);
	if (!ev)
		return report_errno("trace", "malloc", ENOMEM);
	qsort(ev, n, sizeof(*ev), by_write);
	if (!append)
		fprintf(f, "strategy,worker,index,read,wrote,overwritten,"
			   "lost_here,t_read,t_write\n");
	for (uint64_t i = 0; i < n; i++)
		fprintf(f, "%s,%u,%llu,%llu,%llu,%llu,%lld,%llu,%llu\n",
			run->strategy->name, ev[i]->worker,
			(unsigned long long)ev[i]->index,
			(unsigned long long)ev[i]->read,
			(unsigned long long)ev[i]->read + 1,
			(unsigned long long)ev[i]->overwritten,
			(long long)(ev[i]->overwritten - ev[i]->read),
			(unsigned long long)ev[i]->t_read,
			(unsigned long long)ev[i]->t_write);
	free(ev);
	if (ferror(f))
		return report_errno("trace", "write", errno ? errno : EIO);
	return 0;
}

/* NOLINTEND(bugprone-sizeof-expression) */
