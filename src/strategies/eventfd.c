/*
 * eventfd - an eventfd in semaphore mode (EFD_SEMAPHORE), starting at 1:
 * read() takes 1 from it (lock), write() of 1 gives it back (unlock).
 *
 * An eventfd is a 64-bit counter inside the kernel behind a file
 * descriptor. In semaphore mode a read() returns 1 and subtracts 1 when the
 * counter is above 0, and sleeps while it is 0; a write(n) adds n and wakes
 * the sleepers. Start it at 1 and it is a binary semaphore: the kernel does
 * each read under the eventfd's lock, so only one reader can take the 1:
 * that is the exclusion. Nothing is named: the object exists only as the
 * descriptor, and it goes with the last one closed.
 *
 * Against sysv-sem.c: the same P and V, but no key, no id, nothing left in
 * `ipcs` if racelab is killed, and the descriptor can be poll()ed; but no
 * SEM_UNDO. Against posix-sem.c: every P and V is a system call, even
 * uncontended (a sem_t is a word in user memory).
 *
 * Holder dies: nobody writes the 1 back; the counter stays 0, the others
 * sleep in read() for ever and the watchdog reports DEADLOCK. fork(): the
 * workers inherit the descriptor, threads share it.
 * Cost: two system calls, 165 ns per increment alone (sysv-sem: 224 ns).
 *
 * Read next: eventfd(2), sysv-sem.c, posix-sem.c.
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"

struct eventfd_shared {
	int fd; /* the eventfd, inherited; -1: none */
};

static int eventfd_setup(struct run *run)
{
	struct eventfd_shared *s = (void *)run->lock_area;

	s->fd = eventfd(1, EFD_SEMAPHORE | EFD_CLOEXEC);
	if (s->fd == -1)
		return report_errno("eventfd", "eventfd", errno);
	run_note(run, "created eventfd %d (EFD_SEMAPHORE, value 1)", s->fd);
	return 0;
}

static void eventfd_teardown(struct run *run)
{
	struct eventfd_shared *s = (void *)run->lock_area;

	if (s->fd >= 0)
		(void)close(s->fd);
	s->fd = -1;
}

static inline int eventfd_lock(struct worker *w)
{
	const struct eventfd_shared *s = w->shared;
	uint64_t one;
	ssize_t r;

	while ((r = read(s->fd, &one, sizeof(one))) == -1 && errno == EINTR)
		;
	if (r != (ssize_t)sizeof(one))
		return report_errno("eventfd", "read", r == -1 ? errno : EIO);
	TSAN_ACQUIRE(w->shared); /* see strategy.h */
	return 0;
}

static inline int eventfd_unlock(struct worker *w)
{
	const struct eventfd_shared *s = w->shared;
	uint64_t one = 1;
	ssize_t r;

	TSAN_RELEASE(w->shared);
	while ((r = write(s->fd, &one, sizeof(one))) == -1 && errno == EINTR)
		;
	if (r != (ssize_t)sizeof(one))
		return report_errno("eventfd", "write", r == -1 ? errno : EIO);
	return 0;
}

static int eventfd_work(struct worker *w)
{
	return worker_loop(w, eventfd_lock, eventfd_unlock);
}

const struct strategy strategy_eventfd = {
	.name = "eventfd",
	.summary = "eventfd in semaphore mode, value 1: read to lock, write 1 "
		   "to unlock",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the counter stays 0",
	.setup = eventfd_setup,
	.work = eventfd_work,
	.teardown = eventfd_teardown,
};
