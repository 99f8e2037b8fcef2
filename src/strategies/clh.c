/*
 * clh - the CLH queue lock (Craig; Landin and Hagersten, 1993): each waiter
 * spins on its *predecessor's* node, and leaves its own node behind.
 *
 * The lock is `tail`, the number of the last node queued; it starts at a
 * spare node (number procs) that reads "released". To lock, a worker marks
 * the node it holds "busy", swaps it into tail with one atomic exchange,
 * and gets back the node of whoever was last, its predecessor. It spins
 * until that node reads "released". To unlock it marks its own node
 * "released" (which is what its successor watches) and from then on owns
 * the predecessor's node instead, which nobody watches any more: nodes
 * travel along the queue. The exchange orders everyone once: that is the
 * exclusion, first come, first served.
 *
 * Against mcs.c: no `next` link, so unlock is one store and never waits for
 * a newcomer to link itself; but each waiter spins on a line it does not
 * own, which on a machine with memory per socket (NUMA) may be far away.
 * Both spin on a line only one waiter reads, where spin.c's waiters all
 * hammer one (docs/strategies/clh.md has racelab's figures).
 *
 * Holder dies: its node stays "busy"; the queue waits for ever and the
 * watchdog reports DEADLOCK. fork(), threads: the nodes are in shared
 * memory (lines.h), named by number; w->local is the node a worker holds.
 * Cost: one exchange and one store, 5.5 ns per increment alone (mcs:
 * 10.1 ns); docs/strategies/clh.md.
 *
 * Read next: Craig, "Building FIFO and Priority-Queuing Spin Locks from
 * Atomic Swap" (1993); Magnusson, Landin & Hagersten, "Queue Locks on
 * Cache Coherent Multiprocessors" (1994); mcs.c, ck-clh.c.
 */
#include "core/loop.h"
#include "strategies/common/lines.h"
#include "strategies/common/spinwait.h"

/* A queue node, alone on its cache line. */
struct clh_node {
	alignas(CACHE_LINE) _Atomic unsigned busy; /* 1: holder or waiting */
	unsigned pred; /* its owner's predecessor (read only by the owner) */
};

struct clh_shared {
	alignas(CACHE_LINE) _Atomic unsigned tail; /* the last node queued */
	struct lines lines; /* procs + 1 nodes: one each and a spare */
};

static int clh_setup(struct run *run)
{
	struct clh_shared *s = (void *)run->lock_area;

	/* Zero-filled: every node "released"; the spare is the tail. */
	atomic_store(&s->tail, run->procs);
	return lines_map(&s->lines, run->procs + 1, sizeof(struct clh_node),
			 "clh");
}

static void clh_teardown(struct run *run)
{
	lines_unmap(&((struct clh_shared *)(void *)run->lock_area)->lines);
}

static int clh_attach(struct worker *w)
{
	w->local = w->id; /* the node this worker starts with */
	return 0;
}

static inline struct clh_node *clh_node(const struct clh_shared *s, uint64_t n)
{
	return (struct clh_node *)s->lines.base + n;
}

/* Kept out of the loop: it runs only when somebody is ahead of us. */
static __attribute__((noinline, cold)) void clh_lock_wait(struct clh_node *pred)
{
	unsigned spins = 0;

	while (atomic_load_explicit(&pred->busy, memory_order_acquire))
		spin_wait(&spins);
}

static inline int clh_lock(struct worker *w)
{
	struct clh_shared *s = w->shared;
	struct clh_node *me = clh_node(s, w->local);
	unsigned pred;

	atomic_store_explicit(&me->busy, 1, memory_order_relaxed);
	/* acq_rel: publish "busy" before anyone can watch it; see the
	 * predecessor's node as it left it. */
	pred = atomic_exchange_explicit(&s->tail, (unsigned)w->local,
					memory_order_acq_rel);
	me->pred = pred;
	if (atomic_load_explicit(&clh_node(s, pred)->busy,
				 memory_order_acquire))
		clh_lock_wait(clh_node(s, pred));
	return 0;
}

static inline int clh_unlock(struct worker *w)
{
	const struct clh_shared *s = w->shared;
	struct clh_node *me = clh_node(s, w->local);
	unsigned pred = me->pred;

	/* Release: our store to the counter travels with the handoff. */
	atomic_store_explicit(&me->busy, 0, memory_order_release);
	w->local = pred; /* the successor watches ours; we take this one */
	return 0;
}

static int clh_work(struct worker *w)
{
	return worker_loop(w, clh_lock, clh_unlock);
}

const struct strategy strategy_clh = {
	.run_only =
	    true, /* its queue nodes live in a mapping the run makes for its own workers */
	.name = "clh",
	.summary = "CLH queue lock: each waiter spins on its predecessor's "
		   "node",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: its node stays busy",
	.setup = clh_setup,
	.attach = clh_attach,
	.work = clh_work,
	.teardown = clh_teardown,
};
