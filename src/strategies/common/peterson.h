/*
 * peterson.h - what peterson.c shares with peterson-relaxed.c: the state in
 * the region and the two-worker rule. Only the memory orders differ.
 */
#ifndef RACELAB_STRATEGIES_PETERSON_H
#define RACELAB_STRATEGIES_PETERSON_H

#include "core/probe.h"
#include "core/strategy.h"

/* All three in one cache line: both workers read and write each of them. */
struct peterson_shared {
	alignas(CACHE_LINE) _Atomic unsigned flag[2]; /* 1: worker i wants in */
	_Atomic unsigned turn; /* who yields when both want in */
};

/* Peterson's algorithm has a flag for each of exactly two workers. */
static inline const char *peterson_cannot_run(const struct run *run)
{
	if (run->procs == 2)
		return NULL;
	return "Peterson's algorithm is for exactly two workers (a flag for "
	       "each, and one turn); use --procs 2";
}

/*
 * The remainder section: after unlocking, each worker spends a random 0 to
 * PETERSON_OUTSIDE-1 turns of an empty loop (0 to about 200 ns) outside the
 * lock, as real code does other work between two critical sections.
 * Without it the two workers fall into lock-step: one is always already
 * waiting, its stores long visible, when the other arrives, and both only
 * ever arrive at once by chance. Measured on the 2-CPU test machine,
 * peterson-relaxed then lost 0 to 9 of 10 million increments, and nothing
 * at all in 8 runs of 20; with it, pinned to two CPUs (--cpus 0,1), 20,000
 * to 40,000 of 2 million in every run. It is also what makes the exactness
 * of peterson mean something: both variants run the same code, only the
 * memory orders differ, and both often arrive at once. The random stream
 * is the worker's own, from --seed.
 */
#define PETERSON_OUTSIDE 512

static inline void peterson_outside(struct worker *w)
{
	uint64_t x = probe_random(&w->rng);

	for (unsigned i = (unsigned)(x % PETERSON_OUTSIDE); i; i--)
		__asm__ volatile(""); /* one turn: not optimised away */
}

#endif
