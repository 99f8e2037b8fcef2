/* pi-mutex.c - a process-shared, robust, PRIO_INHERIT pthread mutex. */
#include "mutex.h"

static int setup(struct region *r)
{
	return mutex_setup_kind(r, 1, PTHREAD_PRIO_INHERIT,
				PTHREAD_MUTEX_DEFAULT);
}

const struct minimal minimal = {
	.name = "pi-mutex",
	.setup = setup,
	.loop = mutex_loop,
};
