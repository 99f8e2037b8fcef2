/*
 * probe.h - what a probed run does between the load and the store: crash
 * injection (--crash-at), race windows (--window) and tracing (--trace).
 *
 * Only the probed copy of the loop (core/loop.h) calls these; the harness
 * picks that copy when run_is_probed(run), and the fast copy carries no
 * trace of them. Strategies never call them.
 *
 *   probe_gap(w)            die here if this is the chosen increment of the
 *                           chosen worker (--crash-at), then wait as
 *                           --window says.
 *   probe_store(w, read)    probe_gap, then store read + 1 into the memory
 *                           counter and trace it. With --trace the store is
 *                           an exchange, which returns the value it
 *                           overwrote: that is what makes the trace's
 *                           account of lost updates exact. It does not
 *                           close the window: the load happened earlier,
 *                           as a separate step.
 *   probe_traced(w, old)    trace an indivisible increment that read old.
 */
#ifndef RACELAB_PROBE_H
#define RACELAB_PROBE_H

#include <stdint.h>

#include "core/strategy.h"

/* One traced increment (--trace). */
struct trace_event {
	uint64_t t_read;      /* stamp taken just after the load */
	uint64_t t_write;     /* stamp taken just after the store */
	uint64_t read;	      /* the value the load saw */
	uint64_t overwritten; /* the value the store replaced */
	uint64_t index;	      /* its number within the worker's run, from 1 */
	uint32_t worker;      /* who */
	uint32_t pad;	      /* (keeps events 8-byte aligned) */
};

void probe_gap(struct worker *w);
void probe_store(struct worker *w, uint64_t read);
void probe_traced(struct worker *w, uint64_t old);

/*
 * xorshift64*: a small, fast, seedable generator, for --window random and
 * any strategy that needs randomness (peterson's remainder section). The
 * state must never be 0.
 */
static inline uint64_t probe_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A worker's first random state: distinct, never 0, from one seed. */
static inline uint64_t probe_seed(uint64_t seed, unsigned id)
{
	return (seed ^ ((id + 1) * 0x9E3779B97F4A7C15ULL)) | 1;
}

#endif
