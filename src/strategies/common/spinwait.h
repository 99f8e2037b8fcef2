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
 *                5 us), then sched_yield() once and start over; after
 *                YIELD_LIMIT such rounds in one wait (a millisecond or so),
 *                a 50 us sleep between looks instead.
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
 * Why sleep in the end: a wait that has lasted YIELD_LIMIT yields is not a
 * short critical section any more. The holder is off its CPU, or dead
 * (--crash-at: the waiters spin until the watchdog gives up), and every
 * look that fails only burns a CPU someone else could use. Sleeping 50 us
 * between looks adds at most that to a wait already a thousand times
 * longer, and costs nothing in the short waits bench measures (a handoff
 * between two CPUs takes well under a microsecond).
 *
 * Read next: sched_yield(2), and the Intel SDM on PAUSE.
 */
#ifndef RACELAB_STRATEGIES_SPINWAIT_H
#define RACELAB_STRATEGIES_SPINWAIT_H

#include <sched.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#define SPIN_LIMIT  100	  /* pauses before a sched_yield() */
#define YIELD_LIMIT 200	  /* yields before looks 50 us apart */
#define SLEEP_NS    50000 /* between those looks */

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

/*
 * One look's worth of waiting; *spins starts at 0 for each wait and counts
 * its looks: every SPIN_LIMIT-th yields, and after YIELD_LIMIT yields each
 * look sleeps.
 */
static inline void spin_wait(unsigned *spins)
{
	const struct timespec nap = { .tv_nsec = SLEEP_NS };

	if (*spins >= SPIN_LIMIT * YIELD_LIMIT) {
		(void)nanosleep(&nap, NULL); /* a long wait: look less often */
		return;
	}
	if (++*spins % SPIN_LIMIT != 0) {
		cpu_relax();
		return;
	}
	(void)sched_yield();
}

#endif
