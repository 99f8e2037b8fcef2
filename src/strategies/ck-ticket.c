/*
 * ck-ticket - Concurrency Kit's ticket lock (ck_spinlock_ticket), checked
 * the racelab way: the same algorithm as ticket.c, from a production
 * library.
 *
 * As in ticket.c: take a number with one atomic fetch-and-add, wait until
 * the lock serves it, and unlock by serving the next. On x86-64 ck packs
 * both counters into one 32-bit word (next in the high half, serving in
 * the low half), so one `lock xadd` takes a ticket and reads what is being
 * served in the same instruction. The fetch-and-add gives the exclusion,
 * first come, first served.
 *
 * Differences from ticket.c: ck's waiters `pause` but never yield, so with
 * more workers than CPUs a preempted next-in-line costs everyone a time
 * slice (docs/strategies/ck-ticket.md); and every waiter watches the same
 * word, so each release invalidates it in every waiter's cache (the reason
 * for mcs.c).
 *
 * Holder dies: serving never advances; the others wait for ever and the
 * watchdog reports DEADLOCK. fork(), threads: the word is in the shared
 * segment. Cost: 10.6 ns per increment alone, twice ticket.c's 5.3 ns:
 * ck's unlock is an atomic `lock incw` of the low half, ticket.c's a plain
 * store (only the holder writes serving).
 *
 * Read next: /usr/include/spinlock/ticket.h, ck_spinlock(3), ticket.c.
 */
#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"
#include "strategies/common/ck.h"

#ifdef RACELAB_HAVE_CK
#include <ck_spinlock.h>

struct ck_ticket_shared {
	alignas(CACHE_LINE) ck_spinlock_ticket_t lock; /* ck's lock */
};

static int ck_ticket_setup(struct run *run)
{
	struct ck_ticket_shared *s = (void *)run->lock_area;

	ck_spinlock_ticket_init(&s->lock);
	return 0;
}

static inline int ck_ticket_lock(struct worker *w)
{
	struct ck_ticket_shared *s = w->shared;

	ck_spinlock_ticket_lock(&s->lock);
	TSAN_ACQUIRE(w->shared); /* ck's atomics are asm: see strategy.h */
	return 0;
}

static inline int ck_ticket_unlock(struct worker *w)
{
	struct ck_ticket_shared *s = w->shared;

	TSAN_RELEASE(w->shared);
	ck_spinlock_ticket_unlock(&s->lock);
	return 0;
}

static int ck_ticket_work(struct worker *w)
{
	return worker_loop(w, ck_ticket_lock, ck_ticket_unlock);
}
#endif

const struct strategy strategy_ck_ticket = {
	.run_only =
	    true, /* its waiters never yield, so it needs no more workers than CPUs, which nobody can promise of independent processes */
	.name = "ck-ticket",
	.summary = "Concurrency Kit's ticket lock (ck_spinlock_ticket)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: serving never advances",
#ifdef RACELAB_HAVE_CK
	.cannot_run = ck_fifo_refuse,
	.setup = ck_ticket_setup,
	.work = ck_ticket_work,
#else
	.unsupported = "built without Concurrency Kit (<ck_spinlock.h>: "
		       "apt-get install libck-dev, then make clean all)",
#endif
};
