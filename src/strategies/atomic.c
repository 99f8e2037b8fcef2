/*
 * atomic - one indivisible read-modify-write instruction, no lock at all.
 *
 * atomic_fetch_add() on an _Atomic counter compiles, on x86-64, to a single
 * locked instruction (`lock addq` when the old value is not used, as in the
 * fast loop; `lock xadd` when it is, as with --trace): the CPU takes the
 * counter's cache line in the exclusive state
 * and holds it for the whole read-add-write, so no other CPU can read the old
 * value in between. There is no window to lose an update in, and nothing that
 * can be "held": a worker killed at any instant has either added its one or
 * not.
 *
 * Memory order: memory_order_relaxed. The counter is the only shared datum
 * and no other memory is published through it, so we need atomicity, not
 * ordering. Relaxed still gives one total order of modifications of the
 * counter, so no increment is lost. The parent reads the result only after
 * waitpid() or pthread_join(), which already order everything before it. (On
 * x86 a `lock` instruction is a full barrier anyway; relaxed costs the same
 * as seq_cst there, but is the honest statement of what is needed.)
 *
 * Holder dies: nothing to release. fork(): the atomic lives in the shared
 * segment; the instruction works across processes as across threads.
 * Cost: about 5 ns uncontended; under contention the cache line bounces
 * between CPUs and each increment waits for it (tens of ns).
 *
 * Read next: atomic_fetch_add(3), the C11 standard's section 7.17, and
 * perfbook's chapter "Counting" (the counter you do not share is faster).
 */
#include "core/loop.h"

/* Returns what it replaced (the probe's --trace records it). */
static inline uint64_t atomic_increment(struct worker *w)
{
	uint64_t old = atomic_fetch_add_explicit(&w->link.counter->atomic, 1,
						 memory_order_relaxed);

	return old;
}

static int atomic_work(struct worker *w)
{
	return worker_loop_op(w, atomic_increment, NULL);
}

const struct strategy strategy_atomic = {
	.name = "atomic",
	.summary =
	    "C11 atomic_fetch_add (lock add): one indivisible instruction",
	.kind = KIND_LOCKFREE,
	.counter = COUNTER_WORD,
	.lock = LOCK_NONE,
	.crash = CRASH_EXACT,
	.on_crash = "nothing to release",
	.work = atomic_work,
};
