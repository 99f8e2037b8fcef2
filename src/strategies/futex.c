/*
 * futex - a mutex built on the futex(2) system call: the design inside
 * every pthread mutex, without the library. One 32-bit word in the shared
 * segment: 0 unlocked, 1 locked, 2 locked and maybe someone waiting.
 *
 * Lock: compare-and-swap 0 -> 1; if that works (the usual case) we hold it,
 * no system call. Otherwise set the word to 2 with an exchange; if it was 0
 * at that instant we hold it, else FUTEX_WAIT, which sleeps *only if the
 * word still is 2*, so an unlock between our exchange and our sleep cannot
 * be missed. Unlock: exchange the word with 0; only if it was 2 can anybody
 * be asleep, so only then FUTEX_WAKE one. The atomic CAS and exchange give
 * the exclusion; the futex only parks and unparks waiters.
 *
 * Memory order: acquire on what takes the lock, release on the exchange that
 * gives it back. Not FUTEX_PRIVATE_FLAG: workers may be processes, so the
 * kernel must key the wait queue on the physical page, not on an address.
 *
 * Holder dies: nobody resets the word; the sleepers sleep for ever and the
 * watchdog reports DEADLOCK. (Robust mutexes fix that with a list, given by
 * set_robust_list(2), that the kernel walks when a thread dies; see
 * robust-mutex.c.) fork(), threads: the word is in the shared segment.
 * Cost: a CAS and an exchange, 4.7 ns per increment uncontended (mutex:
 * 6.3 ns); a wait and a wake are system calls and a context switch.
 *
 * Read next: futex(2), futex(7), Drepper, "Futexes Are Tricky" (mutex3).
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/util.h"

enum { FUTEX_UNLOCKED = 0, FUTEX_LOCKED = 1, FUTEX_CONTENDED = 2 };

struct futex_shared {
	alignas(CACHE_LINE) _Atomic uint32_t word; /* FUTEX_* state */
};

/* glibc has no futex() wrapper. */
static long futex_call(_Atomic uint32_t *word, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, NULL, NULL, 0);
}

/* Kept out of the loop: it runs only when the lock was taken. */
static __attribute__((noinline, cold)) int futex_lock_wait(_Atomic uint32_t *w)
{
	while (atomic_exchange_explicit(w, FUTEX_CONTENDED,
					memory_order_acquire) !=
	       FUTEX_UNLOCKED) {
		/* Sleeps only if *w is still 2; EAGAIN: it changed, retry. */
		if (futex_call(w, FUTEX_WAIT, FUTEX_CONTENDED) == -1 &&
		    errno != EAGAIN && errno != EINTR)
			return report_errno("futex", "FUTEX_WAIT", errno);
	}
	return 0;
}

static inline int futex_lock(struct worker *w)
{
	struct futex_shared *s = w->shared;
	uint32_t expected = FUTEX_UNLOCKED;

	if (atomic_compare_exchange_strong_explicit(
		&s->word, &expected, FUTEX_LOCKED, memory_order_acquire,
		memory_order_relaxed))
		return 0;
	return futex_lock_wait(&s->word);
}

/* Kept out of the loop: it runs only when somebody may be asleep. */
static __attribute__((noinline, cold)) int futex_wake(_Atomic uint32_t *w)
{
	if (futex_call(w, FUTEX_WAKE, 1) == -1)
		return report_errno("futex", "FUTEX_WAKE", errno);
	return 0;
}

static inline int futex_unlock(struct worker *w)
{
	struct futex_shared *s = w->shared;

	if (atomic_exchange_explicit(&s->word, FUTEX_UNLOCKED,
				     memory_order_release) == FUTEX_CONTENDED)
		return futex_wake(&s->word);
	return 0;
}

static int futex_work(struct worker *w)
{
	return worker_loop(w, futex_lock, futex_unlock);
}

const struct strategy strategy_futex = {
	.name = "futex",
	.summary = "hand-made mutex on futex(2): 0 free, 1 locked, 2 "
		   "waiters; syscalls only to sleep and wake",
	.kind = KIND_USER,
	.counter = COUNTER_RMW,
	.lock = LOCK_MEMORY,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the word stays locked",
	.work = futex_work,
};
