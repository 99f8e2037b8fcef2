/*
 * flock - an advisory whole-file lock, flock(LOCK_EX) ... flock(LOCK_UN).
 *
 * The kernel keeps, per file, who holds its flock lock; LOCK_EX waits until
 * nobody else does. "Who" is an open file description: the object that one
 * open() creates, that dup() and fork() share, and that holds the file
 * offset. That is the whole trick of this strategy:
 *
 *	fd = open(file);  fork();	parent and child share ONE description:
 *					both "hold" the lock at once, and it
 *					excludes nothing.
 *	fork();  fd = open(file);	each worker has its own description:
 *					they exclude each other.
 *
 * So every worker opens the file itself, after fork() (or, in a thread, for
 * itself). racelab opens it through /proc/self/fd/N, where N is the
 * parent's descriptor of the file: that is a real open() of the same file,
 * giving a new description, and it works even though the file has no name.
 * How the file is made (safely: mkostemp, unlinked at once, or --lock-file
 * opened with O_NOFOLLOW) is shared with fcntl and ofd: see lockfile.h.
 *
 * Holder dies: the kernel closes its descriptors and the lock goes with the
 * last descriptor of that description; the others go on.
 * Cost: two system calls per increment (lock and unlock), about 0.5 us
 * uncontended, more when a waiter must be woken.
 *
 * Read next: flock(2), open(2) (O_NOFOLLOW, O_CLOEXEC), proc(5) on
 * /proc/self/fd, and fcntl(2) for record locks, which belong to processes.
 */
#include <errno.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/loop.h"
#include "strategies/common/lockfile.h"
#include "core/tsan.h"
#include "core/util.h"

static int flock_setup(struct run *run)
{
	return lockfile_open((struct lockfile *)run->lock_area, run);
}

static int flock_join(struct run *run, bool take)
{
	return lockfile_join((struct lockfile *)run->lock_area, run, take);
}

static void flock_teardown(struct run *run)
{
	lockfile_close((struct lockfile *)run->lock_area, run);
}

static int flock_attach(struct worker *w)
{
	/* A new open(): a description of this worker's own (see above). */
	w->fd = lockfile_reopen(w->shared, "flock");
	return w->fd < 0 ? w->fd : 0;
}

static void flock_detach(struct worker *w)
{
	(void)close(w->fd);
	w->fd = -1;
}

static inline int flock_op(struct worker *w, int op)
{
	while (flock(w->fd, op) == -1) {
		if (errno != EINTR)
			return report_errno("flock", "flock", errno);
	}
	return 0;
}

static inline int flock_lock(struct worker *w)
{
	int err = flock_op(w, LOCK_EX);

	TSAN_ACQUIRE(w->shared); /* see core/tsan.h */
	return err;
}

static inline int flock_unlock(struct worker *w)
{
	TSAN_RELEASE(w->shared);
	return flock_op(w, LOCK_UN);
}

static int flock_work(struct worker *w)
{
	return worker_loop(w, flock_lock, flock_unlock);
}

const struct strategy strategy_flock = {
	.name = "flock",
	.summary = "flock(LOCK_EX) on a lock file each worker opens for itself",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_EXACT,
	.lock_file = true,
	.on_crash = "kernel closed its fd",
	.setup = flock_setup,
	.join = flock_join,
	.attach = flock_attach,
	.work = flock_work,
	.detach = flock_detach,
	.teardown = flock_teardown,
};
