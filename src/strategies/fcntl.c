/*
 * fcntl - a POSIX record lock, fcntl(F_SETLKW) with F_WRLCK over the whole
 * lock file. Exact between processes; in thread mode it excludes nothing,
 * and racelab shows the lost updates on purpose.
 *
 * The kernel keeps, per file, which byte ranges are locked and by whom, and
 * F_SETLKW sleeps until no one else's lock conflicts. "Whom" is the
 * *process*: not the descriptor, not the thread. Between worker processes
 * that is what we want. Between the threads of one process it is nothing: a
 * lock never conflicts with one its own process holds, so every thread
 * "takes" it at once. Each worker here opens the file for itself, exactly as
 * in ofd.c: the lock's owner is the only difference between the two files.
 *
 * The other trap: a process loses all its record locks on a file as soon
 * as it closes *any* descriptor of that file, even one opened for something
 * else (a library reading the file, another thread's cleanup).
 *
 * Holder dies: the kernel drops a process's record locks when it exits,
 * however it exits; the others go on, exact. fork(): the child inherits the
 * descriptor, never the locks. ThreadSanitizer: no TSAN_ACQUIRE here, on
 * purpose: in thread mode the race it reports is real.
 * Cost: two system calls, 1.1 us per increment uncontended.
 *
 * Read next: fcntl(2) ("Advisory record locking", and its NOTES on close),
 * ofd.c for the fix, flock.c for open file descriptions.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/loop.h"
#include "strategies/common/lockfile.h"
#include "core/tsan.h"
#include "core/util.h"

static inline int fcntl_op(struct worker *w, short type)
{
	/* l_len 0: from l_start to the end of the file, however long. */
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };

	while (fcntl(w->fd, F_SETLKW, &fl) == -1) {
		if (errno != EINTR)
			return report_errno("fcntl", "F_SETLKW", errno);
	}
	return 0;
}

static inline int fcntl_lock(struct worker *w)
{
	return fcntl_op(w, F_WRLCK);
}

static inline int fcntl_unlock(struct worker *w)
{
	return fcntl_op(w, F_UNLCK);
}

static int fcntl_work(struct worker *w)
{
	return worker_loop(w, fcntl_lock, fcntl_unlock);
}

const struct strategy strategy_fcntl = {
	.name = "fcntl",
	.summary = "POSIX record lock F_SETLKW, owned by the process: "
		   "excludes processes, not threads",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_EXACT,
	.racy_in_threads = true,
	.lock_file = true,
	.on_crash = "kernel: owner process exited",
	.setup = lockfile_setup,
	.join = lockfile_join_lock,
	.attach = lockfile_attach,
	.work = fcntl_work,
	.detach = lockfile_detach,
	.teardown = lockfile_teardown,
};
