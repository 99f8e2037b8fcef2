/* peterson.h - what peterson and peterson-relaxed share: the two flags and
 * the turn at region.lock, and the remainder section racelab's peterson
 * has (a random 0-511 empty loop turns after each unlock; see
 * src/strategies/common/peterson.h: the comparison must do the same work). */
#ifndef RACELAB_BENCH_PETERSON_H
#define RACELAB_BENCH_PETERSON_H

#include "driver.h"

struct peterson {
	_Atomic unsigned want[2]; /* worker i wants in */
	_Atomic unsigned turn;	  /* who yields */
};

static inline void outside(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	for (unsigned i = (unsigned)(*x % 512); i; i--)
		__asm__ volatile("");
}

#endif
