/*
 * bakery - Lamport's bakery algorithm (1974): mutual exclusion for any
 * number of workers from loads and stores alone.
 *
 *	choosing[me] = 1;			take a number:
 *	number[me] = 1 + max(number[0..n-1]);	one above all in the shop
 *	choosing[me] = 0;
 *	for each other worker j:
 *		wait while choosing[j];		j is still taking one
 *		wait while number[j] != 0 and (number[j], j) < (number[me], me);
 *	... critical section ...		number[me] = 0;
 *
 * Why it excludes: two workers may draw the same number (both read the same
 * maximum), so ties go to the lower worker number; the wait on choosing[j]
 * makes sure nobody compares against a number still being drawn. It is
 * Peterson's algorithm (peterson.c) generalised to n workers, and needs no
 * atomic read-modify-write at all, but every store must be visible before
 * the next load: seq_cst makes each an `xchg` on x86 (see peterson.c).
 *
 * The price grows with the workers: every lock reads every other worker's
 * line twice, so one acquire costs O(n) cache misses even when nobody else
 * wants the lock. docs/strategies/bakery.md has racelab's figures from 1 to
 * 8 workers. Numbers only grow while somebody is always waiting; 64 bits
 * will not wrap in any run.
 *
 * Holder dies: its number stays drawn; everyone after it waits for ever and
 * the watchdog reports DEADLOCK. fork(), threads: the entries are in shared
 * memory (lines.h), one cache line per worker.
 * Cost: 16 ns per increment alone (three seq_cst stores and a scan);
 * 3.1 us with 2 workers, 18 us with 4 on 2 CPUs (docs/strategies/bakery.md).
 *
 * Read next: Lamport, "A New Solution of Dijkstra's Concurrent Programming
 * Problem" (CACM 1974); peterson.c; Herlihy & Shavit, chapter 2.
 */
#include "core/loop.h"
#include "strategies/common/lines.h"
#include "strategies/common/spinwait.h"

/* One worker's entry, alone on its cache line. */
struct bakery_entry {
	alignas(CACHE_LINE) _Atomic unsigned choosing; /* drawing a number */
	_Atomic uint64_t number; /* its number; 0: does not want in */
};

struct bakery_shared {
	struct lines lines; /* the entries, one per worker */
	unsigned procs;	    /* how many */
};

static int bakery_setup(struct run *run)
{
	struct bakery_shared *s = (void *)run->lock_area;

	s->procs = run->procs;
	return lines_map(&s->lines, run->procs, sizeof(struct bakery_entry),
			 "bakery");
}

static void bakery_teardown(struct run *run)
{
	lines_unmap(&((struct bakery_shared *)(void *)run->lock_area)->lines);
}

static inline int bakery_lock(struct worker *w)
{
	const struct bakery_shared *s = w->shared;
	struct bakery_entry *e = s->lines.base;
	unsigned me = w->id, spins = 0;
	uint64_t max = 0, mine;

	atomic_store(&e[me].choosing, 1);
	for (unsigned j = 0; j < s->procs; j++) {
		uint64_t n = atomic_load(&e[j].number);

		if (n > max)
			max = n;
	}
	mine = max + 1;
	atomic_store(&e[me].number, mine);
	atomic_store(&e[me].choosing, 0);
	for (unsigned j = 0; j < s->procs; j++) {
		uint64_t n;

		if (j == me)
			continue;
		while (atomic_load(&e[j].choosing))
			spin_wait(&spins);
		while ((n = atomic_load(&e[j].number)) != 0 &&
		       (n < mine || (n == mine && j < me)))
			spin_wait(&spins);
	}
	return 0;
}

static inline int bakery_unlock(struct worker *w)
{
	const struct bakery_shared *s = w->shared;
	struct bakery_entry *e = s->lines.base;

	/* Release: the counter's store is visible before we leave. */
	atomic_store_explicit(&e[w->id].number, 0, memory_order_release);
	return 0;
}

static int bakery_work(struct worker *w)
{
	return worker_loop(w, bakery_lock, bakery_unlock);
}

const struct strategy strategy_bakery = {
	.run_only =
	    true, /* its per-worker tickets live in a mapping the run makes for its own workers */
	.name = "bakery",
	.summary = "Lamport's bakery: any number of workers, loads and stores "
		   "only",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: its number stays drawn",
	.setup = bakery_setup,
	.work = bakery_work,
	.teardown = bakery_teardown,
};
