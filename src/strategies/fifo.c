/*
 * fifo - a named pipe (mkfifo) holding one token byte: reading the byte is
 * lock, writing it back is unlock.
 *
 * A FIFO is a pipe with a name in the file system, so unrelated processes
 * can open it; its bytes go through a kernel buffer, and each byte is read
 * by exactly one reader. Put one byte in and you have a lock: a worker that
 * read(1) the byte holds it, every other reader sleeps in read() (the pipe
 * is empty) until the holder write()s the byte back, which wakes one. The
 * kernel's pipe lock makes each read indivisible: that is the exclusion.
 *
 * The name is private to the run: mkfifo makes it with mode 0600 inside a
 * fresh 0700 directory (mkdtemp in $TMPDIR), the parent opens a read and a
 * write descriptor, then unlinks the FIFO and removes the directory at once,
 * before any worker starts (lockfile.c does the same with its file). The
 * pipe lives on through the descriptors and goes with the last one. The
 * reader is opened O_NONBLOCK first (so that open() does not wait for a
 * writer), then made blocking.
 *
 * Holder dies: the token dies with it. Nobody writes it back, the readers
 * sleep for ever (the parent's write end is still open, so no end-of-file)
 * and the watchdog reports DEADLOCK. fork(): the workers inherit both
 * descriptors; threads share them. Cost: two system calls, 192 ns per
 * increment alone (sysv-sem: 224 ns); a handoff wakes a sleeper.
 *
 * Read next: fifo(7), mkfifo(3), pipe(7), open(2) (O_NONBLOCK on a FIFO).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"

struct fifo_shared {
	int rd, wr;	/* the parent's descriptors, inherited; -1: closed */
	char dir[512];	/* the private directory, "" once removed */
	char path[560]; /* the FIFO in it, "" once unlinked */
};

static void fifo_unname(struct run *run, struct fifo_shared *s)
{
	if (s->path[0] && unlink(s->path) == -1)
		(void)report_errno("fifo", "unlink", errno);
	s->path[0] = '\0';
	if (s->dir[0] && rmdir(s->dir) == -1)
		(void)report_errno("fifo", "rmdir", errno);
	else if (s->dir[0])
		run_note(run, "unlinked the FIFO and removed %s", s->dir);
	s->dir[0] = '\0';
}

static int fifo_setup(struct run *run)
{
	struct fifo_shared *s = (void *)run->lock_area;
	const char *tmp = getenv("TMPDIR");
	char token = 'T';
	int flags;

	s->rd = s->wr = -1;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(s->dir, sizeof(s->dir), "%s/racelab-fifo-XXXXXX", tmp) >=
	    (int)sizeof(s->dir)) {
		s->dir[0] = '\0';
		report("fifo: TMPDIR %s: path too long", tmp);
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(s->dir)) { /* a fresh name, mode 0700 */
		int err = errno;

		s->dir[0] = '\0';
		report("fifo: mkdtemp in %s: %s", tmp, strerror(err));
		return -err;
	}
	(void)snprintf(s->path, sizeof(s->path), "%s/token", s->dir);
	if (mkfifo(s->path, 0600) == -1) {
		int err = errno;

		s->path[0] = '\0';
		return report_errno("fifo", "mkfifo", err);
	}
	run_note(run, "created FIFO %s (mode 0600, in a 0700 directory)",
		 s->path);
	s->rd = open(s->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (s->rd == -1)
		return report_errno("fifo", "open O_RDONLY", errno);
	s->wr = open(s->path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (s->wr == -1)
		return report_errno("fifo", "open O_WRONLY", errno);
	fifo_unname(run, s); /* the descriptors keep the pipe alive */
	flags = fcntl(s->rd, F_GETFL);
	if (flags == -1 || fcntl(s->rd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		return report_errno("fifo", "fcntl F_SETFL", errno);
	if (write(s->wr, &token, 1) != 1)
		return report_errno("fifo", "write", errno);
	return 0;
}

static void fifo_teardown(struct run *run)
{
	struct fifo_shared *s = (void *)run->lock_area;

	fifo_unname(run, s); /* after a failed setup */
	if (s->rd >= 0)
		(void)close(s->rd);
	if (s->wr >= 0)
		(void)close(s->wr);
	s->rd = s->wr = -1;
}

static inline int fifo_lock(struct worker *w)
{
	const struct fifo_shared *s = w->shared;
	char token;
	ssize_t r;

	while ((r = read(s->rd, &token, 1)) == -1 && errno == EINTR)
		;
	if (r != 1)
		return report_errno("fifo", "read", r == -1 ? errno : EIO);
	TSAN_ACQUIRE(w->shared); /* see strategy.h */
	return 0;
}

static inline int fifo_unlock(struct worker *w)
{
	const struct fifo_shared *s = w->shared;
	char token = 'T';
	ssize_t r;

	TSAN_RELEASE(w->shared);
	while ((r = write(s->wr, &token, 1)) == -1 && errno == EINTR)
		;
	if (r != 1)
		return report_errno("fifo", "write", r == -1 ? errno : EIO);
	return 0;
}

static int fifo_work(struct worker *w)
{
	return worker_loop(w, fifo_lock, fifo_unlock);
}

const struct strategy strategy_fifo = {
	.name = "fifo",
	.summary = "a named pipe (mkfifo) holding one token byte: read to "
		   "lock, write back to unlock",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the token died with it",
	.setup = fifo_setup,
	.work = fifo_work,
	.teardown = fifo_teardown,
};
