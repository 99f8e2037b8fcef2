/*
 * status.h - a live status line for long work, on a terminal only: which
 * strategy runs and how far it got, or, while the deadlock watchdog waits,
 * which worker was killed holding the lock and for how long the others
 * have been stuck. On stderr, rewritten in place ("\r", then erase to the
 * end of the line), and erased when the wait ends, so the table on stdout
 * and whatever follows stay clean. Never on a pipe or a file: scripts and
 * the tests see none of it.
 */
#ifndef RACELAB_STATUS_H
#define RACELAB_STATUS_H

#include <stdbool.h>
#include <stdint.h>

struct status {
	bool on;	 /* stderr is a terminal */
	bool shown;	 /* a line is on the screen now */
	int64_t t0_ns;	 /* when the work began */
	int64_t last_ns; /* when the line was last drawn */
};

/* Work begins now (CLOCK_MONOTONIC ns, as now_ns()). */
void status_begin(struct status *st, int64_t t0_ns);

/*
 * done of total increments of strategy; cap_s > 0: the run stops then.
 * Drawn once the work has taken a second, at most ten times a second.
 */
void status_progress(struct status *st, int64_t now_ns, const char *strategy,
		     uint64_t done, uint64_t total, double cap_s);

/*
 * No progress for stuck_s of the watchdog's timeout_s; killed: the worker
 * that died holding the lock (--crash-at), or -1.
 */
void status_stuck(struct status *st, int64_t now_ns, const char *strategy,
		  int killed, double stuck_s, double timeout_s);

/* The wait is over: erase the line. */
void status_end(struct status *st);

#endif
