/*
 * bench.h - `racelab bench`'s engine: a sweep over strategies x worker
 * counts, every point calibrated, warmed up, repeated in interleaved rounds
 * and verified, and the numbers a report or a chart needs from it.
 *
 * The sweep is a library function, apart from the command line, so that a
 * test can hand it a strategy of its own (a deliberately broken one) and see
 * the bench refuse to compare figures that a lost update made meaningless.
 */
#ifndef RACELAB_BENCH_H
#define RACELAB_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/harness.h"

#define BENCH_REPEAT_MAX 100 /* --repeat cap */
#define BENCH_PROCS_MAX	 64  /* entries in a --procs list */

/* --pin: where the workers of a run go. */
enum pin {
	PIN_NONE,    /* the scheduler decides (the default) */
	PIN_SPREAD,  /* one per core first, SMT siblings last */
	PIN_COMPACT, /* fill a core's SMT siblings before the next core */
};

struct bench_opts {
	enum mode mode;		   /* processes or threads */
	const unsigned *procs;	   /* worker counts to sweep, ascending */
	unsigned nprocs;	   /* how many */
	unsigned repeat;	   /* measured runs per point */
	double target_s;	   /* fixed-iteration mode: one run's length */
	double duration_s;	   /* > 0: fixed-time mode, one run's length */
	enum pin pin;		   /* CPU placement, as asked */
	const int *cpus;	   /* worker i on cpus[i % ncpus] */
	unsigned ncpus;		   /* 0: not pinned */
	double timeout_s;	   /* watchdog: no progress for this long */
	bool progress;		   /* a progress line on stderr */
	bool latency;		   /* --latency: time 1 acquire in 1024 */
	const struct store *store; /* --store: where the counter lives, or
				      NULL: the default (shared memory) */
	const char *store_name;	   /* --store KIND:NAME's NAME, or NULL */
};

/* One measured run of one point. */
struct bench_sample {
	double ns_per_op;     /* wall time / all increments */
	double mops;	      /* all increments / wall time, in 1e6/s */
	double elapsed_s;     /* gate open to last worker done */
	uint64_t expected;    /* sum of the workers' tallies */
	uint64_t final;	      /* the counter at the end */
	uint64_t done_min;    /* fewest increments by one worker */
	uint64_t done_max;    /* most increments by one worker */
	uint64_t iters;	      /* per worker: asked (ITERS_MAX: fixed-time) */
	enum verdict verdict; /* exact, lost, failed or deadlock */
	bool lat_known;	      /* --latency: samples were taken */
	uint64_t p99_ns;      /* ... their 99th percentile */
	bool unfair;	      /* fixed time: busiest > 2 x least busy */
};

/* One strategy at one worker count, over all its runs. */
struct bench_point {
	const struct strategy *strategy; /* what ran */
	unsigned procs;			 /* workers */
	uint64_t iters;			 /* per worker per run; 0: fixed-time */
	const char *skipped;		 /* why it did not run, or NULL */
	unsigned runs;			 /* measured runs done (of repeat) */
	struct bench_sample *samples;	 /* repeat of them */
	bool warmed;			 /* its warm-up run was done */
	double ns_med, ns_min, ns_max;	 /* ns per increment over the runs */
	double mops_med, mops_min, mops_max; /* Mincr/s over the runs */
	uint64_t expected;		     /* summed over the runs */
	uint64_t final;			     /* summed over the runs */
	int64_t lost;			     /* expected - final */
	double share_min;		     /* least productive worker's share
						of a run's increments, worst run */
	double share_max;     /* most productive worker's, worst */
	bool unfair;	      /* a run was UNFAIR (fairness.h) */
	bool p99_known;	      /* --latency: a run had samples */
	double p99_ns;	      /* median over the runs of their p99 */
	enum verdict verdict; /* the worst of its runs */
	char detail[512];     /* why failed, lost or deadlocked */
};

/*
 * Points for n strategies x o->nprocs worker counts, laid out by strategy
 * then procs: point (s, p) is points[s * o->nprocs + p]. Each has room for
 * o->repeat samples. NULL when out of memory (reported).
 */
struct bench_point *bench_points_alloc(const struct strategy *const *list,
				       unsigned n, const struct bench_opts *o);
void bench_points_free(struct bench_point *points, unsigned npoints);

/*
 * Run the sweep: calibrate every point (fixed-iteration mode), run one
 * warm-up round, then o->repeat measured rounds, each round visiting every
 * point once (A B C A B C ...), so that drift in the machine's speed touches
 * every strategy alike. Every run is verified: the first one in which a
 * strategy that must be exact loses an update, fails, or deadlocks stops
 * the sweep with a message on stderr, and its point carries the verdict.
 *
 * Returns 0 when the sweep finished or was stopped by a bad verdict (look
 * at bench_verdict()), -EINTR on a signal (the points then keep the
 * measured rounds that all of them finished, summarised), or another negative errno on a
 * system error (already reported). Nothing outlives the call.
 */
int bench_sweep(const struct strategy *const *list, unsigned n,
		const struct bench_opts *o, struct bench_point *points);

/*
 * The verdict of a whole sweep: VERDICT_EXACT when every run of a strategy
 * that must be exact was exact (racy strategies may lose: that is their
 * lesson), else the first bad one.
 */
enum verdict bench_verdict(const struct bench_point *points, unsigned npoints,
			   enum mode mode);

/*
 * The CPUs to pin to, in the order --pin asks for, from the CPUs this
 * process may use. Returns how many (at least 1), or a negative errno.
 */
int bench_pin_order(enum pin pin, int *cpus, unsigned max);

/* Names for --pin, and back. */
const char *bench_pin_name(enum pin pin);
int bench_pin_parse(const char *s, enum pin *out);

/* What the figures were measured on: printed with every report. */
struct bench_machine {
	char cpu[128];	  /* model name from /proc/cpuinfo */
	unsigned cpus;	  /* online CPUs */
	char kernel[128]; /* uname: sysname release */
	char date[32];	  /* when, UTC, "2025-01-31 14:05 UTC" */
	double load_avg;  /* 1-minute load average before the sweep */
	char host[64];	  /* the host's name */
};

void bench_machine_read(struct bench_machine *m);

/* The median of n values (n >= 1); sorts a copy. */
double bench_median(const double *v, unsigned n);

#endif
