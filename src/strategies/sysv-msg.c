/*
 * sysv-msg - a System V message queue holding one token message: msgrcv()
 * takes it (lock), msgsnd() puts it back (unlock).
 *
 * A message queue is a kernel object that keeps whole messages, each with a
 * type, and gives each message to exactly one receiver. One message in the
 * queue, and whoever received it holds the lock; every other msgrcv()
 * sleeps until the holder sends the token back, which wakes one sleeper.
 * The kernel takes the queue's lock for each msgrcv, so two workers can
 * never both receive the one message: that is the exclusion.
 *
 * The queue is made IPC_PRIVATE with IPC_EXCL and mode 0600: a new queue no
 * other program can find by key, whose id the workers inherit. Like a
 * semaphore set it outlives every process: the parent removes it
 * (IPC_RMID) on every path, which also wakes any sleeper with EIDRM, and
 * racelab's guardian (core/guardian.h) removes it if racelab dies first.
 *
 * Holder dies: the message dies with it (there is no undo as for
 * semaphores); the others sleep in msgrcv for ever and the watchdog reports
 * DEADLOCK. fork(): the id is all a worker needs; threads the same.
 * Cost: two system calls, 202 ns per increment alone (sysv-sem: 224 ns).
 *
 * Read next: msgget(2), msgop(2) (msgsnd, msgrcv), msgctl(2), sysvipc(7),
 * docs/ipc.md.
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "core/guardian.h"
#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"

/* The token: a message of type 1 and one byte. */
struct token_msg {
	long mtype;    /* > 0, as msgsnd requires */
	char mtext[1]; /* the byte; it carries nothing */
};

struct sysv_msg_shared {
	int msqid;    /* the queue's id */
	bool created; /* the parent owns a queue to remove */
};

static int sysv_msg_setup(struct run *run)
{
	struct sysv_msg_shared *s = (void *)run->lock_area;
	struct token_msg m = { .mtype = 1, .mtext = { 'T' } };

	/* IPC_PRIVATE: a new queue no other program can find by key. The
	 * guardian makes it (msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600))
	 * and removes it if racelab dies without doing so, even of SIGKILL. */
	s->msqid = guardian_msgget();
	if (s->msqid == -1 && errno == ENOSPC) {
		report("sysv-msg: msgget: the system's limit on message "
		       "queues (MSGMNI) is reached; `ipcs -q -l` shows the "
		       "limits, `ipcs -q` the queues");
		return -ENOSPC;
	}
	if (s->msqid == -1)
		return report_errno("sysv-msg", "msgget", errno);
	s->created = true;
	run_note(run, "created SysV message queue id %d (IPC_PRIVATE, 0600)",
		 s->msqid);
	if (msgsnd(s->msqid, &m, sizeof(m.mtext), 0) == -1)
		return report_errno("sysv-msg", "msgsnd", errno);
	return 0;
}

static void sysv_msg_teardown(struct run *run)
{
	struct sysv_msg_shared *s = (void *)run->lock_area;

	if (!s->created)
		return;
	if (msgctl(s->msqid, IPC_RMID, NULL) == -1) {
		(void)report_errno("sysv-msg", "msgctl IPC_RMID", errno);
	} else {
		run_note(run, "removed SysV message queue id %d", s->msqid);
		guardian_forget_msg(s->msqid);
	}
	s->created = false;
}

static inline int sysv_msg_lock(struct worker *w)
{
	const struct sysv_msg_shared *s = w->shared;
	struct token_msg m;

	/* A signal interrupts msgrcv with EINTR: retry it. */
	while (msgrcv(s->msqid, &m, sizeof(m.mtext), 1, 0) == -1) {
		if (errno != EINTR)
			return report_errno("sysv-msg", "msgrcv", errno);
	}
	TSAN_ACQUIRE(w->shared); /* see strategy.h */
	return 0;
}

static inline int sysv_msg_unlock(struct worker *w)
{
	const struct sysv_msg_shared *s = w->shared;
	struct token_msg m = { .mtype = 1, .mtext = { 'T' } };

	TSAN_RELEASE(w->shared);
	while (msgsnd(s->msqid, &m, sizeof(m.mtext), 0) == -1) {
		if (errno != EINTR)
			return report_errno("sysv-msg", "msgsnd", errno);
	}
	return 0;
}

static int sysv_msg_work(struct worker *w)
{
	return worker_loop(w, sysv_msg_lock, sysv_msg_unlock);
}

const struct strategy strategy_sysv_msg = {
	.name = "sysv-msg",
	.summary = "System V message queue holding one token message: msgrcv "
		   "to lock, msgsnd to unlock",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: the token died with it",
	.setup = sysv_msg_setup,
	.work = sysv_msg_work,
	.teardown = sysv_msg_teardown,
};
