/* futex.c - Drepper's mutex: 0 free, 1 locked, 2 locked with waiters. */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "driver.h"

static long futex(_Atomic unsigned *w, int op, unsigned val)
{
	return syscall(SYS_futex, (unsigned *)w, op, val, NULL, NULL, 0);
}

LOOP loop(struct region *r, unsigned id, int fd, uint64_t iters)
{
	volatile uint64_t *c = &r->counter.plain;
	_Atomic unsigned *w = (_Atomic unsigned *)r->lock;

	(void)id, (void)fd;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned zero = 0;

		if (!atomic_compare_exchange_strong_explicit(
			w, &zero, 1, memory_order_acquire,
			memory_order_relaxed))
			while (atomic_exchange_explicit(w, 2,
							memory_order_acquire))
				futex(w, FUTEX_WAIT, 2);
		rmw(c);
		if (atomic_exchange_explicit(w, 0, memory_order_release) == 2)
			futex(w, FUTEX_WAKE, 1);
	}
}

const struct minimal minimal = { .name = "futex", .loop = loop };
