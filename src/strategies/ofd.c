/*
 * ofd - an open file description lock, fcntl(F_OFD_SETLKW) with F_WRLCK
 * over the whole lock file: the record lock owned by a description, the fix
 * for fcntl's thread problem.
 *
 * The same byte-range locks as fcntl.c, in the same kernel table, but owned
 * by the open file description (the object one open() makes, shared by
 * dup() and fork()), as flock's are. Each worker, process or thread, opens
 * the file for itself (lockfile_reopen), so each is an owner of its own and
 * they exclude each other in both modes. Two threads using ONE descriptor
 * would again be one owner and exclude nothing: the open per worker is what
 * matters. Closing another descriptor of the file drops nothing (unlike
 * fcntl). Linux has had OFD locks since 3.15; POSIX.1-2024 adopted them.
 *
 * Holder dies: its description goes with its last descriptor, and the lock
 * with it; the others go on, exact. fork(): a child would share the
 * parent's descriptions and so their locks; the workers reopen instead.
 * Cost: two system calls, 1.1 us per increment uncontended, as fcntl.
 *
 * Read next: fcntl(2) ("Open file description locks"), fcntl.c, flock.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/loop.h"
#include "strategies/common/lockfile.h"
#include "core/tsan.h"
#include "core/util.h"

static inline int ofd_op(struct worker *w, short type)
{
	/* l_len 0: the whole file; l_pid must be 0 for OFD locks. */
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };

	while (fcntl(w->fd, F_OFD_SETLKW, &fl) == -1) {
		if (errno != EINTR)
			return report_errno("ofd", "F_OFD_SETLKW", errno);
	}
	return 0;
}

static inline int ofd_lock(struct worker *w)
{
	int err = ofd_op(w, F_WRLCK);

	TSAN_ACQUIRE(w->shared); /* see core/tsan.h */
	return err;
}

static inline int ofd_unlock(struct worker *w)
{
	TSAN_RELEASE(w->shared);
	return ofd_op(w, F_UNLCK);
}

static int ofd_work(struct worker *w)
{
	return worker_loop(w, ofd_lock, ofd_unlock);
}

const struct strategy strategy_ofd = {
	.name = "ofd",
	.summary = "open file description lock F_OFD_SETLKW, one open() per "
		   "worker: excludes threads too",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_EXACT,
	.lock_file = true,
	.on_crash = "kernel closed its fd",
	.setup = lockfile_setup,
	.join = lockfile_join_lock,
	.attach = lockfile_attach,
	.work = ofd_work,
	.detach = lockfile_detach,
	.teardown = lockfile_teardown,
};
