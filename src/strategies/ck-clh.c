/*
 * ck-clh - Concurrency Kit's CLH lock (ck_spinlock_clh), checked the
 * racelab way: the same algorithm as clh.c, from a production library.
 *
 * As in clh.c: the lock is a pointer to the last queued node, starting at a
 * spare node that reads "not waiting". A worker marks its node "wait",
 * swaps it in (ck_pr_fas_ptr, an `xchg`), and spins on its predecessor's
 * node; unlock clears its own node's flag and takes the predecessor's node
 * for next time (ck updates the worker's node pointer, kept here in
 * w->local). The exchange gives the exclusion, first come, first served.
 *
 * As with ck-mcs.c, nodes are linked by address (valid across processes
 * because the shared mapping sits at the same address in every worker,
 * lines.h), and waiters only `pause`, never yield: with more workers than
 * CPUs every handoff to a preempted waiter costs a time slice
 * (docs/strategies/ck-clh.md).
 *
 * Holder dies: its node keeps saying "wait"; the queue waits for ever and
 * the watchdog reports DEADLOCK. fork(), threads: as ck-mcs.c.
 * Cost: 5.7 ns per increment alone (clh: 5.5 ns).
 *
 * Read next: /usr/include/spinlock/clh.h, ck_spinlock(3), clh.c.
 */
#include <stdint.h>

#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"
#include "strategies/common/ck.h"
#include "strategies/common/lines.h"

#ifdef RACELAB_HAVE_CK
#include <ck_spinlock.h>

/* A node, alone on its cache line. */
struct ck_clh_node {
	alignas(CACHE_LINE) struct ck_spinlock_clh node; /* ck's node */
};

struct ck_clh_shared {
	alignas(CACHE_LINE) struct ck_spinlock_clh *queue; /* the last node */
	struct lines lines; /* procs + 1 nodes: one each and the spare */
};

static inline struct ck_spinlock_clh *ck_clh_node(const struct ck_clh_shared *s,
						  unsigned n)
{
	return &((struct ck_clh_node *)s->lines.base)[n].node;
}

static int ck_clh_setup(struct run *run)
{
	struct ck_clh_shared *s = (void *)run->lock_area;
	int err = lines_map(&s->lines, run->procs + 1,
			    sizeof(struct ck_clh_node), "ck-clh");

	if (!err)
		ck_spinlock_clh_init(&s->queue, ck_clh_node(s, run->procs));
	return err;
}

static void ck_clh_teardown(struct run *run)
{
	lines_unmap(&((struct ck_clh_shared *)(void *)run->lock_area)->lines);
}

static int ck_clh_attach(struct worker *w)
{
	/* The node this worker starts with; unlock swaps it for another. */
	w->local = (uintptr_t)ck_clh_node(w->shared, w->id);
	return 0;
}

static inline int ck_clh_lock(struct worker *w)
{
	struct ck_clh_shared *s = w->shared;

	ck_spinlock_clh_lock(&s->queue,
			     (struct ck_spinlock_clh *)(uintptr_t)w->local);
	TSAN_ACQUIRE(w->shared); /* ck's atomics are asm: see strategy.h */
	return 0;
}

/*
 * ThreadSanitizer cannot see ck's atomics (inline asm), only our
 * TSAN_RELEASE before the unlock. Inside it, ck reads mine->previous before
 * its releasing store; a later holder of this node writes that field after
 * acquiring the lock. The store orders the two, but TSan, blind to it,
 * would report a race inside clh.h: it is told to ignore that one read.
 */
#ifdef RACELAB_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define CK_CLH_IGNORE_READS_BEGIN() AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define CK_CLH_IGNORE_READS_END()   AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define CK_CLH_IGNORE_READS_BEGIN() ((void)0)
#define CK_CLH_IGNORE_READS_END()   ((void)0)
#endif

static inline int ck_clh_unlock(struct worker *w)
{
	struct ck_spinlock_clh *mine =
	    (struct ck_spinlock_clh *)(uintptr_t)w->local;

	TSAN_RELEASE(w->shared);
	CK_CLH_IGNORE_READS_BEGIN();
	ck_spinlock_clh_unlock(&mine); /* mine becomes the predecessor's */
	CK_CLH_IGNORE_READS_END();
	w->local = (uintptr_t)mine;
	return 0;
}

static int ck_clh_work(struct worker *w)
{
	return worker_loop(w, ck_clh_lock, ck_clh_unlock);
}
#endif

const struct strategy strategy_ck_clh = {
	.run_only =
	    true, /* its queue nodes live in a mapping the run makes for its own workers */
	.name = "ck-clh",
	.summary = "Concurrency Kit's CLH queue lock (ck_spinlock_clh)",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: its node stays busy",
#ifdef RACELAB_HAVE_CK
	.cannot_run = ck_fifo_refuse,
	.setup = ck_clh_setup,
	.attach = ck_clh_attach,
	.work = ck_clh_work,
	.teardown = ck_clh_teardown,
#else
	.unsupported = "built without Concurrency Kit (<ck_spinlock.h>: "
		       "apt-get install libck-dev, then make clean all)",
#endif
};
