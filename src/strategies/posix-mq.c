/*
 * posix-mq - a POSIX message queue holding one token message: mq_receive()
 * takes it (lock), mq_send() puts it back (unlock).
 *
 * The same idea as sysv-msg.c with the POSIX interface: a queue opened by
 * name (mq_open), messages with a priority, and a descriptor (on Linux a
 * real file descriptor in the mqueue file system, which poll() can watch).
 * The queue holds at most one message of one byte. Whoever received it
 * holds the lock; the others sleep in mq_receive until it is sent back. The
 * kernel gives each message to exactly one receiver: that is the exclusion.
 *
 * The name is private to the run: "/racelab-PID-N", created with O_EXCL and
 * mode 0600 (an existing queue is never opened), and mq_unlink()ed at once,
 * before any worker starts, as lockfile.c does with its file. The queue
 * lives on through the descriptor and goes with the last process that has
 * it open: nothing named is left, whatever ends the run.
 *
 * Holder dies: the message dies with it; the others sleep for ever and the
 * watchdog reports DEADLOCK. fork(): the workers inherit the descriptor
 * (mq_overview(7): it refers to the same queue); threads share it.
 * Cost: two system calls, 229 ns per increment alone (sysv-msg: 202 ns).
 *
 * Read next: mq_overview(7), mq_open(3), mq_send(3), mq_receive(3),
 * sysv-msg.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"

#define MQ_TRIES 100 /* fresh names to try if one is taken */

struct posix_mq_shared {
	mqd_t q;   /* the queue's descriptor, inherited */
	bool open; /* q is open */
};

static int posix_mq_setup(struct run *run)
{
	struct posix_mq_shared *s = (void *)run->lock_area;
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	char name[64];
	int err = EEXIST;

	for (unsigned n = 0; n < MQ_TRIES && err == EEXIST; n++) {
		(void)snprintf(name, sizeof(name), "/racelab-%d-%u",
			       (int)getpid(), n);
		s->q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			       0600, &attr);
		err = s->q == (mqd_t)-1 ? errno : 0;
	}
	if (err)
		return report_errno("posix-mq", "mq_open", err);
	s->open = true;
	/* Unnamed at once: the descriptor keeps the queue alive. */
	if (mq_unlink(name) == -1)
		return report_errno("posix-mq", "mq_unlink", errno);
	run_note(run, "created POSIX message queue %s (0600), unlinked at once",
		 name);
	if (mq_send(s->q, "T", 1, 0) == -1)
		return report_errno("posix-mq", "mq_send", errno);
	return 0;
}

static void posix_mq_teardown(struct run *run)
{
	struct posix_mq_shared *s = (void *)run->lock_area;

	if (s->open)
		(void)mq_close(s->q);
	s->open = false;
}

static inline int posix_mq_lock(struct worker *w)
{
	const struct posix_mq_shared *s = w->shared;
	char token;

	while (mq_receive(s->q, &token, 1, NULL) == -1) {
		if (errno != EINTR)
			return report_errno("posix-mq", "mq_receive", errno);
	}
	TSAN_ACQUIRE(w->shared); /* see strategy.h */
	return 0;
}

static inline int posix_mq_unlock(struct worker *w)
{
	const struct posix_mq_shared *s = w->shared;

	TSAN_RELEASE(w->shared);
	while (mq_send(s->q, "T", 1, 0) == -1) {
		if (errno != EINTR)
			return report_errno("posix-mq", "mq_send", errno);
	}
	return 0;
}

static int posix_mq_work(struct worker *w)
{
	return worker_loop(w, posix_mq_lock, posix_mq_unlock);
}

const struct strategy strategy_posix_mq = {
	.name = "posix-mq",
	.summary = "POSIX message queue holding one token: mq_receive to "
		   "lock, mq_send to unlock",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the token died with it",
	.setup = posix_mq_setup,
	.work = posix_mq_work,
	.teardown = posix_mq_teardown,
};
