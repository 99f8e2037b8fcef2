/*
 * sysv-sem.c - lab 02: YOUR System V semaphore lock.
 *
 * This file replaces src/strategies/sysv-sem.c when you run `make` or
 * `make check` in this directory. It must keep exporting what the original
 * exports: strategy_sysv_sem, and sysv_sem_setup() and sysv_sem_teardown()
 * (sysv-sem-noundo.c uses them too).
 *
 * The harness calls, in this order:
 *
 *	sysv_sem_setup(run)	in the parent, once, before any worker exists
 *	sysv_sem_p(w)		in a worker: before each increment  (lock)
 *	  ... the increment: load the counter, store it + 1 ...
 *	sysv_sem_v(w)		in a worker: after each increment   (unlock)
 *	sysv_sem_teardown(run)	in the parent, once, at the end
 *
 * You write three things, marked TODO 1, 2 and 3: the value the semaphore
 * starts with, P and V. The rest is given and works.
 *
 * The API you need (man semop, man semctl):
 *
 *	struct sembuf op = { .sem_num = 0,	which semaphore of the set
 *			     .sem_op = -1,	add this to its value; if the
 *						result would be negative, sleep
 *						until it would not
 *			     .sem_flg = 0 };	flags: 0, SEM_UNDO, IPC_NOWAIT
 *	semop(semid, &op, 1)	do it: returns 0, or -1 with errno set.
 *				EINTR means a signal interrupted the wait:
 *				call semop again. Any other error: return
 *				report_errno("sysv-sem", "semop", errno);
 *
 * The semaphore set's id is s->semid, where s = w->shared.
 * Headers: strategy.h, harness.h and util.h are src/core/strategy.h,
 * src/core/harness.h and src/core/util.h; sysv-sem.h is src/strategies/common/sysv-sem.h.
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "core/harness.h"
#include "strategies/common/sysv-sem.h"
#include "core/util.h"

/* semctl(2): the caller must define this union. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/*
 * TODO 1: the value the semaphore starts with. P takes 1 away and waits
 * while there is nothing to take; V gives 1 back. How many workers may be
 * inside the critical section at once? semget() creates it at 0.
 */
#define SEM_START_VALUE 0

int sysv_sem_setup(struct run *run)
{
	struct sysv_sem_shared *s = (void *)run->region->shared;

	/* IPC_PRIVATE: a new set no other program can find by key. */
	s->semid = semget(IPC_PRIVATE, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (s->semid == -1 && errno == ENOSPC) {
		report("%s: semget: the system's limit on semaphore sets "
		       "(SEMMNI) or semaphores (SEMMNS) is reached; `ipcs -s "
		       "-l` shows the limits, `ipcs -s` the sets",
		       run->strategy->name);
		return -ENOSPC;
	}
	if (s->semid == -1)
		return report_errno(run->strategy->name, "semget", errno);
	s->created = true;
	run_note(run, "created SysV semaphore set id %d (IPC_PRIVATE, 0600)",
		 s->semid);
	if (semctl(s->semid, 0, SETVAL,
		   (union semun){ .val = SEM_START_VALUE }) == -1)
		return report_errno(run->strategy->name, "semctl SETVAL",
				    errno);
	return 0;
}

void sysv_sem_teardown(struct run *run)
{
	struct sysv_sem_shared *s = (void *)run->region->shared;

	if (!s->created)
		return;
	/* The set outlives every process: remove it, or ipcs -s shows it. */
	if (semctl(s->semid, 0, IPC_RMID) == -1)
		(void)report_errno(run->strategy->name, "semctl IPC_RMID",
				   errno);
	else
		run_note(run, "removed SysV semaphore set id %d", s->semid);
	s->created = false;
}

/* P: wait until the semaphore can be decremented, and decrement it. */
static inline int sysv_sem_p(struct worker *w)
{
	const struct sysv_sem_shared *s = w->shared;

	/* TODO 2: one semop() on s->semid that takes 1 (see the top). */
	(void)s;

	TSAN_ACQUIRE(w->shared); /* tells ThreadSanitizer; see strategy.h */
	return 0;
}

/* V: give the 1 back, waking a worker that waits in P. */
static inline int sysv_sem_v(struct worker *w)
{
	const struct sysv_sem_shared *s = w->shared;

	TSAN_RELEASE(w->shared);

	/* TODO 3: one semop() on s->semid that gives 1 back. */
	(void)s;
	return 0;
}

/* The timed loop: P, increment, V, iters times (see strategy.h). */
static int sysv_sem_work(struct worker *w)
{
	return worker_loop(w, sysv_sem_p, counter_rmw, sysv_sem_v);
}

const struct strategy strategy_sysv_sem = {
	.name = "sysv-sem",
	.summary = "System V semaphore, semop P/V (lab 02: yours)",
	.kind = KIND_KERNEL,
	.on_crash = "SEM_UNDO, if P and V use it",
	.setup = sysv_sem_setup,
	.work = sysv_sem_work,
	.teardown = sysv_sem_teardown,
};
