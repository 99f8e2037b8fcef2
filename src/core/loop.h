/*
 * loop.h - the timed loop, shared by every strategy and inlined into each
 * one's work function, so lock, increment and unlock become straight-line
 * code. A strategy calls one of:
 *
 *   worker_loop(w, lock, unlock)
 *	lock; v = load; store v + 1; unlock. The load and the store go
 *	through the store: inline on a memory word, a call for a file.
 *   worker_loop_rmw(w, lock, load, store, unlock)
 *	the same with the strategy's own way of reading and writing the
 *	memory word (none's volatile load and store, atomic-split's atomic
 *	ones): v = load(counter); store(counter, v), which writes v + 1.
 *   worker_loop_op(w, op, flush)
 *	the strategy's own indivisible operation instead (atomic_fetch_add,
 *	a message to an owner); flush, if not NULL, publishes what op has
 *	batched and runs once at the end.
 *
 * lock, unlock and flush may be NULL; being compile-time constants, the
 * NULL checks vanish, and so do the calls: no indirect call per increment.
 *
 * Each call holds three copies of the loop, and the harness's choice, made
 * once before the loop, picks one (w->probed, set from run_is_probed()):
 *
 *   fast, memory   the counter is a word in shared memory: the load and
 *                  store are two instructions. Progress is published once
 *                  per CHUNK increments, which is also when a GATE_STOP
 *                  (fixed-time mode, or stopping a run) is noticed.
 *   fast, store    the counter is elsewhere (a file): the store's load and
 *                  save, one indirect call each, next to system calls.
 *   probed         --crash-at, --window or --trace: the probe (probe.h)
 *                  acts between the load and the store, and progress is
 *                  published after every increment, so the parent knows
 *                  exactly how many a killed worker finished.
 */
#ifndef RACELAB_LOOP_H
#define RACELAB_LOOP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/probe.h"
#include "core/strategy.h"

typedef int (*loop_lock_fn)(struct worker *);
typedef uint64_t (*loop_load_fn)(union counter *);
typedef void (*loop_store_fn)(union counter *, uint64_t); /* writes v + 1 */
typedef uint64_t (*loop_op_fn)(struct worker *);
typedef void (*loop_flush_fn)(struct worker *);

/* The plain view of the counter: volatile, one mov each. */
static inline uint64_t counter_load(union counter *c)
{
	return c->plain;
}

/* The store of the increment: v is what the load read; it writes v + 1. */
static inline void counter_store(union counter *c, uint64_t v)
{
	c->plain = v + 1;
}

/*
 * The racy read-modify-write that every lock strategy protects: a load, then
 * a store of the value plus one. The empty asm makes the loaded value live in
 * a register between the two, so the compiler cannot fuse them into one
 * memory-destination add (which would still be racy, but would hide the two
 * steps from a student reading the disassembly). It names only v, not
 * "memory": a memory clobber would make the compiler reload the counter's
 * address on every increment, which made `none` up to 2x slower than a
 * hand-written loop (see bench/).
 */
static inline __attribute__((always_inline)) void
counter_rmw(struct worker *w, loop_load_fn load, loop_store_fn store)
{
	union counter *c = w->link.counter;
	uint64_t v = load(c); /* the load */

	__asm__ volatile("" : "+r"(v));
	store(c, v); /* the store: v + 1 */
}

/* The same through a store whose counter is not in memory (a file). */
static inline int store_rmw(struct worker *w, bool probed)
{
	const struct store *st = w->link.store;
	uint64_t v;
	int err = st->load(&w->link, &v);

	if (err)
		return err;
	if (probed)
		probe_gap(w); /* a crash here has stored nothing */
	return st->save(&w->link, v + 1);
}

/* One increment, in the copy of the loop that `probed` and `memory` say. */
static inline __attribute__((always_inline)) int
loop_increment(struct worker *w, bool probed, bool memory, loop_load_fn load,
	       loop_store_fn store, loop_op_fn op, loop_flush_fn flush)
{
	if (op) {
		uint64_t old;

		if (probed)
			probe_gap(w); /* a crash here has added nothing */
		old = op(w);
		if (probed && flush)
			flush(w); /* each increment published on its own */
		if (probed && w->run->strategy->counter == COUNTER_WORD)
			probe_traced(w, old);
		return 0;
	}
	if (!memory)
		return store_rmw(w, probed);
	if (probed) {
		uint64_t v = load(w->link.counter);

		__asm__ volatile("" : "+r"(v));
		probe_store(w, v); /* window, crash, trace; then the store */
		return 0;
	}
	counter_rmw(w, load, store);
	return 0;
}

static inline __attribute__((always_inline)) bool loop_stopped(struct worker *w)
{
	return atomic_load_explicit(&w->region->gate, memory_order_relaxed) ==
	       GATE_STOP;
}

static inline __attribute__((always_inline)) int
loop_run(struct worker *w, bool probed, bool memory, loop_lock_fn lock,
	 loop_load_fn load, loop_store_fn store, loop_lock_fn unlock,
	 loop_op_fn op, loop_flush_fn flush)
{
	uint64_t done = 0;
	int err;

	if (probed) {
		for (; done < w->iters; done++) {
			w->current = done + 1;
			if (lock && (err = lock(w)))
				return err;
			err = loop_increment(w, true, memory, load, store, op,
					     flush);
			if (err)
				return err;
			if (unlock && (err = unlock(w)))
				return err;
			atomic_store_explicit(&w->slot->done, done + 1,
					      memory_order_relaxed);
			if (loop_stopped(w))
				break;
		}
		return 0;
	}
	while (done < w->iters) {
		uint64_t n = w->iters - done < CHUNK ? w->iters - done : CHUNK;

		for (uint64_t i = 0; i < n; i++) {
			if (lock && (err = lock(w)))
				return err;
			err = loop_increment(w, false, memory, load, store, op,
					     flush);
			if (!memory && err)
				return err;
			if (unlock && (err = unlock(w)))
				return err;
		}
		done += n;
		atomic_store_explicit(&w->slot->done, done,
				      memory_order_relaxed);
		if (loop_stopped(w))
			break;
	}
	return 0;
}

static inline __attribute__((always_inline)) int
loop_choose(struct worker *w, loop_lock_fn lock, loop_load_fn load,
	    loop_store_fn store, loop_lock_fn unlock, loop_op_fn op,
	    loop_flush_fn flush)
{
	struct worker mine;
	int err;

	if (w->probed)
		err = loop_run(w, true, w->link.counter != NULL, lock, load,
			       store, unlock, op, flush);
	else if (!w->link.counter && !op)
		err = loop_run(w, false, false, lock, load, store, unlock, op,
			       flush);
	else {
		/*
		 * The fast loop runs on a private copy of the worker, whose
		 * address never leaves this function (no hook is called in
		 * it), and copies it back at the end. Through w itself, every
		 * atomic, lock call or system call makes the compiler reload
		 * the counter's address and w->shared (any of them might have
		 * changed *w): extra loads in the chain of every increment,
		 * which made atomic-split 1.5x, futex 1.1x and pipe up to 1.5x
		 * the hand-written loops of bench/minimal.c. The copy lives in
		 * registers, as the hand-written loop's pointers do.
		 */
		mine = *w;
		err = loop_run(&mine, false, true, lock, load, store, unlock,
			       op, flush);
		*w = mine;
	}
	if (!err && flush)
		flush(w); /* the last, partial batch */
	return err;
}

static inline __attribute__((always_inline)) int
worker_loop(struct worker *w, loop_lock_fn lock, loop_lock_fn unlock)
{
	return loop_choose(w, lock, counter_load, counter_store, unlock, NULL,
			   NULL);
}

static inline __attribute__((always_inline)) int
worker_loop_rmw(struct worker *w, loop_lock_fn lock, loop_load_fn load,
		loop_store_fn store, loop_lock_fn unlock)
{
	return loop_choose(w, lock, load, store, unlock, NULL, NULL);
}

static inline __attribute__((always_inline)) int
worker_loop_op(struct worker *w, loop_op_fn op, loop_flush_fn flush)
{
	return loop_choose(w, NULL, NULL, NULL, NULL, op, flush);
}

#endif
