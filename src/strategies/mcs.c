/*
 * mcs - the MCS queue lock (Mellor-Crummey and Scott, 1991): each waiter
 * spins on a flag in its own queue node, on its own cache line.
 *
 * The lock is one word, `tail`: 0 when free, else the number (id + 1) of
 * the last worker in the queue. To lock, a worker clears its node, puts
 * itself at the tail with one atomic exchange and gets back who was there
 * before. Nobody: it holds the lock. Somebody: it links itself behind that
 * predecessor (pred->next = me) and spins on its *own* node's `locked` flag.
 * To unlock, the holder hands over to node->next by clearing that flag; with
 * no successor yet it swings tail back to 0 with a compare-and-swap, and if
 * that fails a newcomer is between its exchange and its link: wait for the
 * link. The exchange on tail orders everyone, once: that is the exclusion,
 * and the queue is first come, first served.
 *
 * Why a private line beats a shared one: in spin.c every waiter hammers the
 * one lock line, and each release invalidates it in every waiter's cache.
 * Here each waiter reads a line nobody else reads; a handoff moves exactly
 * one line to exactly one CPU. docs/strategies/mcs.md has racelab's figures
 * against spin and ticket. Waiters pause, then yield (spinwait.h): a FIFO
 * lock hands over to the next in line even when that worker is preempted.
 *
 * Holder dies: nobody clears the next flag; the queue waits for ever and the
 * watchdog reports DEADLOCK. fork(), threads: nodes and tail are in shared
 * memory (lines.h), found by worker number, never by address.
 * Cost: one exchange and one compare-and-swap, 10.1 ns per increment
 * alone (ticket: 5.3 ns); measured 2026-12-01, docs/strategies/mcs.md.
 *
 * Read next: Mellor-Crummey & Scott, "Algorithms for Scalable
 * Synchronization on Shared-Memory Multiprocessors" (TOCS 1991); clh.c,
 * hemlock.c, ck-mcs.c (the same lock from Concurrency Kit).
 */
#include "core/loop.h"
#include "strategies/common/lines.h"
#include "strategies/common/spinwait.h"

/* One worker's queue node, alone on its cache line. */
struct mcs_node {
	alignas(CACHE_LINE) _Atomic unsigned locked; /* 1: wait, 0: your turn */
	_Atomic unsigned next; /* the worker behind me (id + 1), or 0 */
};

struct mcs_shared {
	alignas(CACHE_LINE) _Atomic unsigned tail; /* last in line (id + 1) */
	struct lines lines; /* the nodes, one per worker */
};

static int mcs_setup(struct run *run)
{
	struct mcs_shared *s = (void *)run->lock_area;

	return lines_map(&s->lines, run->procs, sizeof(struct mcs_node), "mcs");
}

static void mcs_teardown(struct run *run)
{
	lines_unmap(&((struct mcs_shared *)(void *)run->lock_area)->lines);
}

static inline struct mcs_node *mcs_node(const struct mcs_shared *s, unsigned n)
{
	return (struct mcs_node *)s->lines.base + (n - 1);
}

/* Kept out of the loop: it runs only when somebody is ahead of us. */
static __attribute__((noinline, cold)) void
mcs_lock_wait(const struct mcs_shared *s, struct mcs_node *me, unsigned pred,
	      unsigned self)
{
	unsigned spins = 0;

	/* Release: our cleared node is ready before the holder can see it. */
	atomic_store_explicit(&mcs_node(s, pred)->next, self,
			      memory_order_release);
	while (atomic_load_explicit(&me->locked, memory_order_acquire))
		spin_wait(&spins);
}

static inline int mcs_lock(struct worker *w)
{
	struct mcs_shared *s = w->shared;
	unsigned self = w->id + 1;
	struct mcs_node *me = mcs_node(s, self);
	unsigned pred;

	atomic_store_explicit(&me->locked, 1, memory_order_relaxed);
	atomic_store_explicit(&me->next, 0, memory_order_relaxed);
	/* acq_rel: take the lock (acquire), publish the node (release). */
	pred = atomic_exchange_explicit(&s->tail, self, memory_order_acq_rel);
	if (pred)
		mcs_lock_wait(s, me, pred, self);
	return 0;
}

/* Kept out of the loop: a newcomer swapped tail but has not linked yet. */
static __attribute__((noinline, cold)) unsigned
mcs_wait_next(struct mcs_node *me)
{
	unsigned next, spins = 0;

	while (!(next = atomic_load_explicit(&me->next, memory_order_acquire)))
		spin_wait(&spins);
	return next;
}

static inline int mcs_unlock(struct worker *w)
{
	struct mcs_shared *s = w->shared;
	unsigned self = w->id + 1, expected = self;
	struct mcs_node *me = mcs_node(s, self);
	unsigned next = atomic_load_explicit(&me->next, memory_order_acquire);

	if (!next) {
		/* Still the tail? Then nobody waits: the lock is free. */
		if (atomic_compare_exchange_strong_explicit(
			&s->tail, &expected, 0, memory_order_release,
			memory_order_relaxed))
			return 0;
		next = mcs_wait_next(me);
	}
	/* Release: our store to the counter travels with the handoff. */
	atomic_store_explicit(&mcs_node(s, next)->locked, 0,
			      memory_order_release);
	return 0;
}

static int mcs_work(struct worker *w)
{
	return worker_loop(w, mcs_lock, mcs_unlock);
}

const struct strategy strategy_mcs = {
	.run_only =
	    true, /* its queue nodes live in a mapping the run makes for its own workers */
	.name = "mcs",
	.summary = "MCS queue lock: each waiter spins on its own node's line",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the queue waits for ever",
	.setup = mcs_setup,
	.work = mcs_work,
	.teardown = mcs_teardown,
};
