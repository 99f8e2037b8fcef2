/*
 * ck-mcs - Concurrency Kit's MCS lock (ck_spinlock_mcs), checked the
 * racelab way: the same algorithm as mcs.c, from a production library.
 *
 * Concurrency Kit (concurrencykit.org; Debian's libck-dev) is a C library
 * of concurrency primitives used in production systems; its spinlocks are
 * header-only inline functions over its own portable atomics (ck_pr). MCS
 * as in mcs.c: the lock is a pointer to the last queued node; a worker
 * swaps its node in (ck_pr_fas_ptr, an `xchg`), links itself behind its
 * predecessor and spins on its own node's `locked`; unlock hands over to
 * node->next. The exchange gives the exclusion, first come, first served.
 *
 * Differences from mcs.c that the figures show: ck links nodes by *address*
 * (fine across processes only because the nodes live in a mapping inherited
 * at the same address by every worker, lines.h), and its waiters spin with
 * `pause` only, never yielding. With more workers than CPUs a FIFO lock
 * hands over to the next in line even when it is preempted, and then
 * everyone waits a time slice: docs/strategies/ck-mcs.md measures it.
 *
 * Holder dies: nobody clears its successor's flag; the queue waits for ever
 * and the watchdog reports DEADLOCK. fork(), threads: the queue pointer is in
 * the shared segment, the nodes in the shared mapping.
 * Cost: 10.2 ns per increment alone (mcs: 10.1 ns).
 *
 * Read next: /usr/include/spinlock/mcs.h, ck_spinlock(3), mcs.c.
 */
#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"
#include "strategies/common/ck.h"
#include "strategies/common/lines.h"

#ifdef RACELAB_HAVE_CK
#include <ck_spinlock.h>

/* One worker's node, alone on its cache line. */
struct ck_mcs_node {
	alignas(CACHE_LINE) struct ck_spinlock_mcs node; /* ck's node */
};

struct ck_mcs_shared {
	alignas(CACHE_LINE) ck_spinlock_mcs_t queue; /* the last node queued */
	struct lines lines; /* the nodes, one per worker */
};

static int ck_mcs_setup(struct run *run)
{
	struct ck_mcs_shared *s = (void *)run->lock_area;

	ck_spinlock_mcs_init(&s->queue);
	return lines_map(&s->lines, run->procs, sizeof(struct ck_mcs_node),
			 "ck-mcs");
}

static void ck_mcs_teardown(struct run *run)
{
	lines_unmap(&((struct ck_mcs_shared *)(void *)run->lock_area)->lines);
}

static inline struct ck_spinlock_mcs *ck_mcs_mine(const struct worker *w)
{
	const struct ck_mcs_shared *s = w->shared;

	return &((struct ck_mcs_node *)s->lines.base)[w->id].node;
}

static inline int ck_mcs_lock(struct worker *w)
{
	struct ck_mcs_shared *s = w->shared;

	ck_spinlock_mcs_lock(&s->queue, ck_mcs_mine(w));
	TSAN_ACQUIRE(w->shared); /* ck's atomics are asm: see strategy.h */
	return 0;
}

static inline int ck_mcs_unlock(struct worker *w)
{
	struct ck_mcs_shared *s = w->shared;

	TSAN_RELEASE(w->shared);
	ck_spinlock_mcs_unlock(&s->queue, ck_mcs_mine(w));
	return 0;
}

static int ck_mcs_work(struct worker *w)
{
	return worker_loop(w, ck_mcs_lock, ck_mcs_unlock);
}
#endif

const struct strategy strategy_ck_mcs = {
	.run_only =
	    true, /* its queue nodes live in a mapping the run makes for its own workers */
	.name = "ck-mcs",
	.summary = "Concurrency Kit's MCS queue lock (ck_spinlock_mcs)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the queue waits for ever",
#ifdef RACELAB_HAVE_CK
	.cannot_run = ck_fifo_refuse,
	.setup = ck_mcs_setup,
	.work = ck_mcs_work,
	.teardown = ck_mcs_teardown,
#else
	.unsupported = "built without Concurrency Kit (<ck_spinlock.h>: "
		       "apt-get install libck-dev, then make clean all)",
#endif
};
