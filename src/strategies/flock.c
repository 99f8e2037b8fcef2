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
 *
 * The lock file is made safely: mkostemp() creates it with mode 0600,
 * O_EXCL and O_CLOEXEC in $TMPDIR (or /tmp), and the name is unlinked at
 * once, so nothing is left on disk even if racelab is killed. A file given
 * with --lock-file is opened with O_NOFOLLOW (a planted symlink is refused)
 * and must be a regular file; it is removed at the end only if racelab
 * created it.
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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness.h"
#include "../util.h"

struct flock_shared {
	int fd;		/* the parent's descriptor of the lock file */
	bool open;	/* fd is open */
	bool created;	/* racelab created path and must remove it */
	char path[512]; /* the lock file's name, "" once unlinked */
};

static int flock_open_named(struct flock_shared *s, const char *path)
{
	struct stat st;

	if (strlen(path) >= sizeof(s->path)) {
		report("flock: --lock-file %s: path too long", path);
		return -ENAMETOOLONG;
	}
	s->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (s->fd >= 0) {
		s->created = true;
	} else if (errno == EEXIST) {
		/* O_NONBLOCK: opening a planted FIFO must not hang. */
		s->fd =
		    open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	}
	if (s->fd < 0) {
		int err = errno;

		if (err == ELOOP)
			report("flock: --lock-file %s: is a symbolic link; "
			       "refusing to follow it",
			       path);
		else
			report("flock: --lock-file %s: %s", path,
			       strerror(err));
		return -err;
	}
	s->open = true;
	strcpy(s->path, path);
	if (fstat(s->fd, &st) == -1)
		return report_errno("flock", "fstat", errno);
	if (!S_ISREG(st.st_mode)) {
		report("flock: --lock-file %s: not a regular file", path);
		return -EINVAL;
	}
	return 0;
}

static int flock_open_temp(struct flock_shared *s)
{
	const char *dir = getenv("TMPDIR");
	char tpl[sizeof(s->path)];

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(tpl, sizeof(tpl), "%s/racelab-flock-XXXXXX", dir) >=
	    (int)sizeof(tpl)) {
		report("flock: TMPDIR %s: path too long", dir);
		return -ENAMETOOLONG;
	}
	/* mkostemp: a fresh name, O_EXCL, mode 0600; never an existing file. */
	s->fd = mkostemp(tpl, O_CLOEXEC);
	if (s->fd < 0) {
		int err = errno;

		report("flock: cannot create a lock file in %s: %s", dir,
		       strerror(err));
		return -err;
	}
	s->open = true;
	/* Unlinked at once: the workers reach it through /proc/self/fd. */
	if (unlink(tpl) == -1)
		return report_errno("flock", "unlink", errno);
	return 0;
}

static int flock_setup(struct run *run)
{
	struct flock_shared *s = (void *)run->region->shared;
	int err;

	err = run->lock_file ? flock_open_named(s, run->lock_file)
			     : flock_open_temp(s);
	if (!err)
		run_note(run, "lock file %s, descriptor %d",
			 s->path[0] ? s->path : "(unlinked temporary file)",
			 s->fd);
	return err;
}

static void flock_teardown(struct run *run)
{
	struct flock_shared *s = (void *)run->region->shared;

	if (s->created && unlink(s->path) == -1)
		(void)report_errno("flock", "unlink", errno);
	if (s->open) {
		(void)close(s->fd);
		run_note(run, "closed the lock file%s",
			 s->created ? " and removed it" : "");
	}
	s->created = s->open = false;
}

static int flock_attach(struct worker *w)
{
	const struct flock_shared *s = w->shared;
	char self[64];

	/* A new open(): a description of this worker's own (see above). */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", s->fd);
	w->fd = open(self, O_RDWR | O_CLOEXEC);
	if (w->fd < 0)
		return report_errno("flock", self, errno);
	return 0;
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

	TSAN_ACQUIRE(w->shared); /* see strategy.h */
	return err;
}

static inline int flock_unlock(struct worker *w)
{
	TSAN_RELEASE(w->shared);
	return flock_op(w, LOCK_UN);
}

static int flock_work(struct worker *w)
{
	return worker_loop(w, flock_lock, counter_rmw, flock_unlock);
}

const struct strategy strategy_flock = {
	.name = "flock",
	.summary = "flock(LOCK_EX) on a lock file each worker opens for itself",
	.kind = KIND_KERNEL,
	.on_crash = "kernel closed its fd",
	.setup = flock_setup,
	.attach = flock_attach,
	.work = flock_work,
	.detach = flock_detach,
	.teardown = flock_teardown,
};
