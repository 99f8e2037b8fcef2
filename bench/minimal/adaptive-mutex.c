/* adaptive-mutex.c - a process-shared PTHREAD_MUTEX_ADAPTIVE_NP mutex. */
#include "mutex.h"

static int setup(struct region *r)
{
	return mutex_setup_kind(r, 0, PTHREAD_PRIO_NONE,
				PTHREAD_MUTEX_ADAPTIVE_NP);
}

const struct minimal minimal = {
	.name = "adaptive-mutex",
	.setup = setup,
	.loop = mutex_loop,
};
