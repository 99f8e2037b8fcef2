/*
 * probe.c - crash injection, race windows and tracing, between the load
 * and the store (see probe.h). Only the probed copy of the loop gets here.
 */
#include "core/probe.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "core/util.h"

/*
 * A time stamp that adds no synchronisation between workers: the CPU's
 * time-stamp counter, read after an lfence so that it is taken only once the
 * load (or the exchange) before it has completed.
 */
static inline uint64_t stamp(void)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_lfence();
	return __rdtsc();
#else
	return (uint64_t)now_ns();
#endif
}

static void spin(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
#if defined(__x86_64__) || defined(__i386__)
		_mm_pause(); /* tell the CPU this is a spin-wait */
#else
		__asm__ volatile("" ::: "memory");
#endif
	}
}

void probe_gap(struct worker *w)
{
	const struct run *run = w->run;

	if (run->crash_at && w->id == run->crash_worker &&
	    w->current == run->crash_at) {
		/* Mark it first, so the parent knows this death was ours. */
		atomic_store(&w->slot->dying, 1);
		raise(SIGKILL);
	}
	if (run->window_one && w->id != run->window_worker)
		return; /* --window-worker: only that one waits */
	switch (run->window.kind) {
	case WINDOW_NONE:
		break;
	case WINDOW_YIELD:
		sched_yield();
		break;
	case WINDOW_SPIN:
		spin(run->window.n);
		break;
	case WINDOW_SLEEP: {
		struct timespec ts = {
			.tv_sec = (time_t)(run->window.n / 1000000),
			.tv_nsec = (long)(run->window.n % 1000000) * 1000,
		};

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		break;
	}
	case WINDOW_RANDOM:
		spin(probe_random(&w->rng) % run->window.n);
		break;
	}
}

static void trace_record(struct worker *w, uint64_t t_read, uint64_t read,
			 uint64_t overwritten)
{
	struct trace_event *e =
	    &w->run->trace[(uint64_t)w->id * w->run->iters + w->current - 1];

	e->t_read = t_read;
	e->t_write = stamp();
	e->read = read;
	e->overwritten = overwritten;
	e->index = w->current;
	e->worker = w->id;
}

void probe_store(struct worker *w, uint64_t read)
{
	uint64_t *counter = (uint64_t *)&w->link.counter->plain;
	uint64_t t_read = stamp();

	probe_gap(w);
	if (!w->run->trace) {
		__atomic_store_n(counter, read + 1, __ATOMIC_RELAXED);
		return;
	}
	trace_record(w, t_read, read,
		     __atomic_exchange_n(counter, read + 1, __ATOMIC_RELAXED));
}

void probe_traced(struct worker *w, uint64_t old)
{
	if (w->run->trace)
		trace_record(w, stamp(), old, old);
}
