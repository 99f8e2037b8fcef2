/*
 * sysv-sem-noundo - the same System V semaphore as sysv-sem, but semop()
 * without SEM_UNDO. Correct while nobody dies; wrong on purpose when one
 * does (try --crash-at).
 *
 * Exclusion works exactly as in sysv-sem.c: P takes the value from 1 to 0,
 * V gives it back. What is missing is the kernel's undo record. With
 * SEM_UNDO, a process that exits while holding the semaphore has its P
 * reversed by the kernel; without it, a worker killed between P and V
 * leaves the value at 0 for ever, and every other worker sleeps in semop()
 * waiting for a V that will never come. racelab's watchdog notices that no
 * increment finishes any more, kills the survivors, removes the set and
 * reports DEADLOCK (exit status 4).
 *
 * This is the classic bug of hand-written semaphore code, and why semop(2)
 * has SEM_UNDO at all. (Mixing the two, undo on P but not on V, is worse:
 * the value drifts to 2 and two holders enter at once.)
 *
 * Holder dies: deadlock. fork(): as sysv-sem. Threads: as sysv-sem.
 * Cost: as sysv-sem, a little less: no undo record to keep.
 *
 * Read next: semop(2) on SEM_UNDO, and docs/crash-recovery.md.
 */
#include <errno.h>
#include <sys/sem.h>

#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"
#include "strategies/common/sysv-sem.h"

static inline int noundo_op(struct worker *w, short delta)
{
	const struct sysv_sem_shared *s = w->shared;
	struct sembuf op = { .sem_num = 0, .sem_op = delta, .sem_flg = 0 };

	while (semop(s->semid, &op, 1) == -1) {
		if (errno != EINTR)
			return report_errno("sysv-sem-noundo", "semop", errno);
	}
	return 0;
}

static inline int noundo_p(struct worker *w)
{
	int err = noundo_op(w, -1);

	TSAN_ACQUIRE(w->shared); /* see core/tsan.h */
	return err;
}

static inline int noundo_v(struct worker *w)
{
	TSAN_RELEASE(w->shared);
	return noundo_op(w, +1);
}

static int noundo_work(struct worker *w)
{
	return worker_loop(w, noundo_p, noundo_v);
}

const struct strategy strategy_sysv_sem_noundo = {
	.name = "sysv-sem-noundo",
	.summary = "System V semaphore without SEM_UNDO: a dead holder "
		   "deadlocks the rest",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_DEADLOCK,
	.on_crash = "none: value stays 0",
	.setup = sysv_sem_setup,
	.join = sysv_sem_join,
	.work = noundo_work,
	.teardown = sysv_sem_teardown,
};
