/* mutex.c - a process-shared pthread mutex, not robust. */
#include "mutex.h"

static int setup(struct region *r)
{
	return mutex_setup(r, 0);
}

const struct minimal minimal = {
	.name = "mutex",
	.setup = setup,
	.loop = mutex_loop,
};
