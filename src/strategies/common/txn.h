/*
 * txn.h - the loop of the database strategies: each increment is a short
 * sequence of statements sent to a server (begin; read; write; commit),
 * retried from the start when the server says the attempt failed and may
 * be tried again (a serialization failure, a deadlock, a WATCHed key that
 * changed, a compare-and-set that found another value, a fenced write that
 * was rejected). Retries are counted in the worker's slot and reported.
 *
 *	for each increment:
 *		again:	begin		(BEGIN, WATCH, take a lease; or none)
 *			v = read	(SELECT v, GET)
 *			[probe]		(--crash-at, --window: between the two)
 *			write v + 1	(UPDATE, SET; DB_RETRY: roll back, again)
 *			commit		(COMMIT, EXEC, release; DB_RETRY: again)
 *
 * One round trip to the server costs 10-50 us here, so this loop needs
 * none of core/loop.h's care about registers: progress is published after
 * every increment (so a killed worker's count is exact), and a stop request
 * is noticed after every increment too.
 *
 * A step returns 0, DB_RETRY, or a negative errno it has reported (the
 * connection is gone, the server refused): the run then stops with that.
 */
#ifndef RACELAB_TXN_H
#define RACELAB_TXN_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/probe.h"
#include "core/strategy.h"

#define DB_RETRY (-EAGAIN) /* the server says: try the increment again */

typedef int (*txn_step_fn)(struct worker *w);
typedef int (*txn_read_fn)(struct worker *w, int64_t *v);
typedef int (*txn_write_fn)(struct worker *w, int64_t v);

/*
 * begin, write, commit and abort may be NULL (nothing to do); read may do
 * the whole increment itself (a script), with write NULL. abort runs after
 * a DB_RETRY, before the next attempt (ROLLBACK; a lease's release).
 */
static inline int txn_loop(struct worker *w, txn_step_fn begin,
			   txn_read_fn read, txn_write_fn write,
			   txn_step_fn commit, txn_step_fn abort)
{
	for (uint64_t done = 0; done < w->iters;) {
		int err;

		w->current = done + 1;
		for (;;) {
			int64_t v = 0;

			err = begin ? begin(w) : 0;
			/* A read that is the whole increment: probe before. */
			if (!err && w->probed && !write)
				probe_gap(w);
			if (!err)
				err = read(w, &v);
			if (!err && w->probed && write)
				probe_gap(
				    w); /* crash, window: nothing written */
			if (!err && write)
				err = write(w, v + 1);
			if (!err && commit)
				err = commit(w);
			if (err != DB_RETRY)
				break;
			atomic_fetch_add_explicit(&w->slot->retries, 1,
						  memory_order_relaxed);
			if (abort && (err = abort(w)))
				break;
		}
		if (err)
			return err;
		done++;
		atomic_store_explicit(&w->slot->done, done,
				      memory_order_relaxed);
		if (atomic_load_explicit(&w->region->gate,
					 memory_order_relaxed) == GATE_STOP)
			break;
	}
	return 0;
}

#endif
