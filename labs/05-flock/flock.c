/*
 * flock.c - lab 05: YOUR flock lock.
 *
 * This file replaces src/strategies/flock.c when you run `make` or
 * `make check` in this directory. It must keep exporting strategy_flock.
 *
 * flock(fd, LOCK_EX) waits until nobody else holds the lock on the file fd
 * refers to, then takes it; flock(fd, LOCK_UN) gives it back (man 2 flock).
 * The harness calls, in this order:
 *
 *	flock_setup(run)	in the parent, once, before any worker exists:
 *				create the lock file and open it (s->fd)
 *	flock_attach(w)		in each worker, once, after fork() (or in each
 *				thread): choose the descriptor w->fd it locks
 *	flock_lock(w)		before each increment: flock(w->fd, LOCK_EX)
 *	  ... the increment: load the counter, store it + 1 ...
 *	flock_unlock(w)		after each increment: flock(w->fd, LOCK_UN)
 *	flock_detach(w)		in each worker, once, at the end
 *	flock_teardown(run)	in the parent, once: close and remove the file
 *
 * Everything is written and compiles. As shipped, every worker locks the
 * descriptor the parent opened before fork(), and `make check` says that
 * excludes nothing. Find out why (the handout shows how), then fix
 * flock_attach and flock_detach: the TODOs.
 *
 * The lock file has no name: flock_setup unlinks it as soon as it is made,
 * so that nothing is left on disk even if racelab is killed. The parent's
 * descriptor s->fd still reaches it, and so does the path
 * /proc/self/fd/N, where N is that descriptor's number (man 5 proc).
 * Headers: loop.h, tsan.h and util.h are src/core/loop.h (the timed loop
 * and, through it, the contract src/core/strategy.h), src/core/tsan.h and
 * src/core/util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"

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
	struct flock_shared *s = (void *)run->lock_area;
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
	struct flock_shared *s = (void *)run->lock_area;

	if (s->created && unlink(s->path) == -1)
		(void)report_errno("flock", "unlink", errno);
	if (s->open)
		(void)close(s->fd);
	s->created = s->open = false;
}

static int flock_attach(struct worker *w)
{
	const struct flock_shared *s = w->shared;

	/*
	 * TODO: every worker locks the descriptor the parent opened in
	 * flock_setup, before fork(): each worker inherited it from the
	 * parent (a thread simply shares it). Does that give each worker a
	 * lock of its own?
	 */
	w->fd = s->fd;
	return 0;
}

static void flock_detach(struct worker *w)
{
	/*
	 * TODO: w->fd is the parent's descriptor, which flock_teardown
	 * closes, so there is nothing to close here. If flock_attach opens
	 * a descriptor for this worker, close it here.
	 */
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
	.summary = "flock(LOCK_EX) on a lock file (lab 05: yours)",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_EXACT,
	.lock_file = true, /* takes --lock-file (handout steps 2 and 4) */
	.on_crash = "kernel closed its fd",
	.setup = flock_setup,
	.attach = flock_attach,
	.work = flock_work,
	.detach = flock_detach,
	.teardown = flock_teardown,
};
