/* robust-mutex.c - a process-shared, robust pthread mutex. */
#include "mutex.h"

static int setup(struct region *r)
{
	return mutex_setup(r, 1);
}

const struct minimal minimal = {
	.name = "robust-mutex",
	.setup = setup,
	.loop = mutex_loop,
};
