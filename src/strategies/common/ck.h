/*
 * ck.h - what the Concurrency Kit FIFO spinlocks (ck-mcs, ck-clh,
 * ck-ticket) share: their refusal to run with more workers than CPUs.
 *
 * A FIFO lock hands the lock to the next in line, not to whoever is
 * running. Concurrency Kit's waiters spin with `pause` and never yield the
 * CPU (racelab's own mcs, clh and ticket yield, spinwait.h), so when the
 * next in line is preempted, the holder's successor cannot run and every
 * running waiter spins out its whole time slice. Measured on the 2-CPU test
 * machine: ck-mcs with 8 workers of 25,000 increments did not finish in
 * 100 s, in process or thread mode (mcs: 0.5 s). That is a real property of
 * these locks (LiTL's and the kernel's documentation both warn that FIFO
 * spinlocks collapse when oversubscribed), so racelab refuses such a run
 * and says why, instead of hanging. ck-fas is not FIFO and runs anywhere.
 */
#ifndef RACELAB_STRATEGIES_CK_H
#define RACELAB_STRATEGIES_CK_H

#include <sched.h>

#include "core/strategy.h"

/* The CPUs the workers can run on: --cpus, or this process's affinity. */
static inline unsigned ck_cpus(const struct run *run)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (run->ncpus) {
		for (unsigned i = 0; i < run->ncpus; i++)
			CPU_SET((size_t)run->cpus[i], &set);
	} else if (sched_getaffinity(0, sizeof(set), &set) == -1) {
		return 1;
	}
	return (unsigned)CPU_COUNT(&set);
}

static inline const char *ck_fifo_refuse(const struct run *run)
{
	if (run->procs > 1 && (run->window.kind == WINDOW_YIELD ||
			       run->window.kind == WINDOW_SLEEP))
		return "Concurrency Kit's FIFO spinlocks never yield: a holder "
		       "that yields or sleeps inside the lock (--window yield, "
		       "sleep) leaves its CPU to waiters that only spin (2 x "
		       "20,000 increments with a yield took 30 s on 2 busy "
		       "CPUs); use --window spin or random, or racelab's mcs, "
		       "clh or ticket";
	if (run->procs <= ck_cpus(run))
		return NULL;
	return "Concurrency Kit's FIFO spinlocks never yield: with more "
	       "workers than CPUs each handoff to a preempted waiter costs a "
	       "time slice (8 workers on 2 CPUs: no end in 100 s); use --procs "
	       "at most the CPUs, or racelab's mcs, clh or ticket";
}

#endif
