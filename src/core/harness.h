/*
 * harness.h - one run: map the region, open the store, set the strategy
 * up, start the workers together, wait for them, verify the count against
 * the store's total, tear everything down.
 */
#ifndef RACELAB_HARNESS_H
#define RACELAB_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fairness.h"
#include "core/run.h"
#include "core/strategy.h"

#define PROCS_MAX 1024		 /* a sane cap on workers */
#define ITERS_MAX 10000000000ULL /* 1e10 increments per worker */

enum verdict {
	VERDICT_EXACT,	  /* final == expected */
	VERDICT_LOST,	  /* final < expected: lost updates */
	VERDICT_FAILED,	  /* a worker failed or died; nothing to verify */
	VERDICT_DEADLOCK, /* no progress for --timeout: workers were stuck */
};

/* What one run measured. */
struct result {
	const struct strategy *strategy; /* what ran */
	enum mode mode;			 /* processes or threads */
	unsigned procs;			 /* workers */
	uint64_t iters;			 /* increments per worker */
	bool iters_auto;		 /* iters chosen by calibration */
	uint64_t expected;		 /* sum of completed increments */
	uint64_t attempted; /* and those of database clients killed inside
			       one, which may or may not have committed */
	uint64_t final;	    /* the counter at the end */
	int64_t lost;	    /* expected - final */
	double elapsed_s;   /* gate open to last worker done */
	double overlap_s;   /* how long every worker was running at once */
	double ns_per_op;   /* elapsed / all increments */
	double mops;	    /* all increments / elapsed, in 1e6/s */
	uint64_t done_min, done_max; /* fewest and most by one worker */
	uint64_t recoveries;	     /* owner-death recoveries */
	uint64_t retries;	     /* attempts the server made redo */
	bool crashed;		     /* the --crash-at worker died */
	bool stopped;		     /* stopped by run->duration_s */
	bool threads_left;	     /* a thread stuck in a lock still runs:
					its memory stays mapped; exit soon */
	uint64_t crash_done;	     /* increments it finished first */
	enum verdict verdict;	     /* see enum verdict */
	char detail[512];	     /* why FAILED or DEADLOCK, in words */
	/* How evenly the work went round (fairness.h); none after a crash. */
	bool fair_known;       /* the figures below mean something */
	struct fairness fair;  /* each worker's share of the increments */
	double spread_s;       /* last worker's end minus the first's */
	double spread_pct;     /* ... as % of elapsed_s */
	char per_worker[8192]; /* each worker's increments, "n0 n1 ..." */
	/* --latency: request-to-held times of the sampled acquires, ns. */
	bool lat_known;	      /* samples were taken */
	unsigned lat_shift;   /* one acquire in 2^lat_shift was timed */
	uint64_t lat_samples; /* how many, all workers */
	uint64_t lat_p50, lat_p99, lat_p999, lat_max; /* percentiles; max */
};

/*
 * Block the signals the harness waits for (SIGINT, SIGTERM, SIGHUP,
 * SIGCHLD). Call once at start-up, before any run; the harness then notices
 * them at safe points and cleans up instead of dying half-way.
 */
void harness_signals_init(void);

/* The signal that interrupted a run, or 0. */
int harness_interrupted(void);

/*
 * Run run->strategy with run->procs workers of run->iters increments each.
 * Fills *res. Returns 0 when the run completed (whatever the verdict),
 * -EINTR when a signal stopped it, or another negative errno on a system
 * error (already reported). Nothing survives the call: no worker, no IPC
 * object, no lock file.
 */
int harness_run(struct run *run, struct result *res);

/*
 * Choose iters so that one run of run->strategy at run->procs takes about
 * target_s seconds, from short trial runs (the first about 2,000 increments
 * in all, whatever procs). Also sets run->chunk, so that a stop is noticed
 * within target_s / 40 at the measured rate. Returns 0 or a negative errno.
 */
int harness_calibrate(struct run *run, double target_s, uint64_t *iters);

/* Below this many increments per worker a run's time is noise. */
#define HARNESS_ITERS_MIN 1000

/*
 * The iterations per worker that would take target_s, from a run of iters
 * that took elapsed_s: rounded to two significant digits, within
 * [HARNESS_ITERS_MIN, ITERS_MAX]. The one rule for every calibration (run's
 * and bench's).
 */
uint64_t harness_iters_for(uint64_t iters, double elapsed_s, double target_s);

#endif
