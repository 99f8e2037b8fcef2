/*
 * spinwait.h - how the user-space spinning locks (spin, ttas, ticket,
 * peterson) wait, in one place.
 *
 * A spinning waiter runs a loop until the lock looks free. Two things make
 * that loop polite:
 *
 *   cpu_relax()  the x86 `pause` instruction (about 50 ns on this machine's
 *                CPU): it tells the core that this is a spin-wait, so it
 *                does not flood the memory system with speculative loads,
 *                saves power, and on a hyperthreaded core gives the other
 *                thread the pipeline.
 *   spin_wait()  cpu_relax() a bounded number of times (SPIN_LIMIT, about
 *                5 us), then sched_yield() once and start over.
 *
 * Why yield at all: a kernel spinlock disables preemption while it is held,
 * so its holder is always running. User space cannot do that. With more
 * workers than CPUs, the holder (or, for a ticket lock, the next in line)
 * can be preempted, and a waiter that only spins burns its whole time slice
 * waiting for a process that cannot run until it stops. Measured with a
 * probe running ticket.c's loop, 3 processes on 2 CPUs: 340 us per increment
 * spinning only, 3.7 us spinning SPIN_LIMIT pauses, then yielding. Spin
 * locks are for critical sections shorter than a context switch, on
 * machines with a CPU for each spinner.
 *
 * Read next: sched_yield(2), and the Intel SDM on PAUSE.
 */
#ifndef RACELAB_STRATEGIES_SPINWAIT_H
#define RACELAB_STRATEGIES_SPINWAIT_H

#include <sched.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#define SPIN_LIMIT 100 /* pauses before a sched_yield() */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/* One round of waiting; *spins starts at 0 for each wait. */
static inline void spin_wait(unsigned *spins)
{
	if (++*spins < SPIN_LIMIT) {
		cpu_relax();
		return;
	}
	*spins = 0;
	(void)sched_yield();
}

#endif
