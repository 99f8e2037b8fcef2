/*
 * ticket - a fair spinlock: take a number, wait until it is called.
 *
 * Two counters: `next`, the next ticket to hand out, and `serving`, the
 * ticket allowed in. To lock, a worker takes a ticket with
 * atomic_fetch_add(&next, 1) (one `lock xadd`: no two workers get the same
 * number) and waits until serving equals it. To unlock, the holder adds 1 to
 * serving. Only one ticket equals serving at a time: that is the exclusion.
 * And the lock goes in order of arrival, so nobody starves: two contending
 * workers strictly alternate (docs/strategies/ticket.md shows it from a
 * trace), where with spin.c one worker keeps the lock for thousands.
 *
 * The price: the lock can go only to the next in line. If that worker is
 * preempted, everyone waits, though the lock is free. With more workers than
 * CPUs this dominates: 3 processes on 2 CPUs cost a median 1.3 us per
 * increment here, against 5 ns for spin (spinwait.h yields so that the next
 * in line gets a CPU at all).
 *
 * Memory order: relaxed fetch_add (a ticket orders nothing), acquire load of
 * serving, release store in unlock. Only the holder writes serving, so
 * unlock needs no read-modify-write. Holder dies: serving never advances;
 * the others wait for ever and the watchdog reports DEADLOCK. fork(),
 * threads: as spin.c. Cost: 2.1 ns per increment uncontended.
 *
 * Read next: Mellor-Crummey & Scott, "Algorithms for Scalable
 * Synchronization on Shared-Memory Multiprocessors" (1991), spinwait.h.
 */
#include "core/loop.h"
#include "strategies/common/spinwait.h"

struct ticket_shared {
	alignas(CACHE_LINE) _Atomic unsigned next; /* next ticket to hand out */
	_Atomic unsigned serving;		   /* the ticket allowed in */
};

/* Kept out of the loop: it runs only when someone is ahead of us. */
static __attribute__((noinline, cold)) void
ticket_lock_wait(_Atomic unsigned *serving, unsigned mine)
{
	unsigned spins = 0;

	do
		spin_wait(&spins);
	while (atomic_load_explicit(serving, memory_order_acquire) != mine);
}

static inline int ticket_lock(struct worker *w)
{
	struct ticket_shared *s = w->shared;
	/* Unsigned: wraps around after 2^32 tickets, and still compares. */
	unsigned mine =
	    atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);

	if (atomic_load_explicit(&s->serving, memory_order_acquire) != mine)
		ticket_lock_wait(&s->serving, mine);
	return 0;
}

static inline int ticket_unlock(struct worker *w)
{
	struct ticket_shared *s = w->shared;
	unsigned now = atomic_load_explicit(&s->serving, memory_order_relaxed);

	atomic_store_explicit(&s->serving, now + 1, memory_order_release);
	return 0;
}

static int ticket_work(struct worker *w)
{
	return worker_loop(w, ticket_lock, ticket_unlock);
}

const struct strategy strategy_ticket = {
	.name = "ticket",
	.summary = "ticket spinlock: two counters, first come first served",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: serving never advances",
	.work = ticket_work,
};
