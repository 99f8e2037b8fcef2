/*
 * hemlock - Hemlock (Dice and Kogan, 2021): a FIFO queue lock with one word
 * per lock and one word per worker, and no queue nodes at all.
 *
 * The lock is `tail`: 0 when free, else the number (id + 1) of the last
 * worker to arrive. Each worker has one `grant` word on its own cache line.
 * Lock: swap yourself into tail with one atomic exchange; if it held
 * nobody, you hold the lock. Else spin until your predecessor's grant word
 * says "the lock is yours", then clear it (the acknowledgement). Unlock: if
 * tail still names you, swing it back to 0 with a compare-and-swap and you
 * are done; else somebody is behind you: set your own grant word and wait
 * until your successor has cleared it. The exchange orders everyone once:
 * that is the exclusion, first come, first served.
 *
 * Against mcs.c and clh.c: no node to link or to hand along, so a worker
 * needs one word however many locks it holds (here, one); but unlock waits
 * for the successor's acknowledgement, so a preempted successor holds up
 * the releasing worker too, which spinwait.h's yield bounds. Each waiter
 * still spins on a line only it reads (its predecessor's grant word).
 *
 * Holder dies: nobody grants its successor the lock; the queue waits for
 * ever and the watchdog reports DEADLOCK. fork(), threads: tail and the
 * grant words are in shared memory (lines.h), named by worker number.
 * Cost: one exchange and one compare-and-swap, 9.8 ns per increment
 * alone (mcs: 10.1 ns); docs/strategies/hemlock.md.
 *
 * Read next: Dice & Kogan, "Hemlock: Compact and Scalable Mutual
 * Exclusion" (SPAA 2021); mcs.c, clh.c.
 */
#include "core/loop.h"
#include "strategies/common/lines.h"
#include "strategies/common/spinwait.h"

/* One worker's grant word, alone on its cache line. */
struct hemlock_grant {
	alignas(CACHE_LINE) _Atomic unsigned granted; /* 1: successor, go */
};

struct hemlock_shared {
	alignas(CACHE_LINE) _Atomic unsigned tail; /* last in line (id + 1) */
	struct lines lines; /* the grant words, one per worker */
};

static int hemlock_setup(struct run *run)
{
	struct hemlock_shared *s = (void *)run->lock_area;

	return lines_map(&s->lines, run->procs, sizeof(struct hemlock_grant),
			 "hemlock");
}

static void hemlock_teardown(struct run *run)
{
	lines_unmap(&((struct hemlock_shared *)(void *)run->lock_area)->lines);
}

static inline _Atomic unsigned *grant_of(const struct hemlock_shared *s,
					 unsigned n)
{
	return &((struct hemlock_grant *)s->lines.base + (n - 1))->granted;
}

/* Kept out of the loop: it runs only when somebody is ahead of us. */
static __attribute__((noinline, cold)) void
hemlock_lock_wait(_Atomic unsigned *pred_grant)
{
	unsigned spins = 0;

	while (!atomic_load_explicit(pred_grant, memory_order_acquire))
		spin_wait(&spins);
	/* The acknowledgement: the predecessor may now leave its unlock. */
	atomic_store_explicit(pred_grant, 0, memory_order_relaxed);
}

static inline int hemlock_lock(struct worker *w)
{
	struct hemlock_shared *s = w->shared;
	unsigned pred =
	    atomic_exchange_explicit(&s->tail, w->id + 1, memory_order_acq_rel);

	if (pred)
		hemlock_lock_wait(grant_of(s, pred));
	return 0;
}

/* Kept out of the loop: hand over, then wait for the acknowledgement. */
static __attribute__((noinline, cold)) void hemlock_grant(_Atomic unsigned *g)
{
	unsigned spins = 0;

	/* Release: our store to the counter travels with the grant. */
	atomic_store_explicit(g, 1, memory_order_release);
	while (atomic_load_explicit(g, memory_order_relaxed))
		spin_wait(&spins);
}

static inline int hemlock_unlock(struct worker *w)
{
	struct hemlock_shared *s = w->shared;
	unsigned self = w->id + 1;

	if (!atomic_compare_exchange_strong_explicit(
		&s->tail, &self, 0, memory_order_release, memory_order_relaxed))
		hemlock_grant(grant_of(s, w->id + 1));
	return 0;
}

static int hemlock_work(struct worker *w)
{
	return worker_loop(w, hemlock_lock, hemlock_unlock);
}

const struct strategy strategy_hemlock = {
	.run_only =
	    true, /* its per-worker words live in a mapping the run makes for its own workers */
	.name = "hemlock",
	.summary = "Hemlock: FIFO queue lock, one grant word per worker, "
		   "no nodes",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: nobody grants the next",
	.setup = hemlock_setup,
	.work = hemlock_work,
	.teardown = hemlock_teardown,
};
