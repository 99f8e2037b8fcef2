/*
 * sysv-sem.c - lab 02: YOUR System V semaphore lock.
 *
 * This file replaces src/strategies/sysv-sem.c when you run `make` or
 * `make check` in this directory. It must keep exporting what the original
 * exports: strategy_sysv_sem, and sysv_sem_setup(), sysv_sem_join() and
 * sysv_sem_teardown() (sysv-sem-noundo.c uses them too; join is what
 * `racelab segment` uses to find the set at a key: given).
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
 * Headers: loop.h, tsan.h and util.h are src/core/loop.h (the timed
 * loop; it includes the contract, src/core/strategy.h), src/core/tsan.h
 * and src/core/util.h; sysv-sem.h is src/strategies/common/sysv-sem.h.
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "core/guardian.h"
#include "core/loop.h"
#include "core/tsan.h"
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
	struct sysv_sem_shared *s = (void *)run->lock_area;
	key_t key = run->lock_key ? (key_t)run->lock_key : IPC_PRIVATE;
	int mode = run->lock_key ? (int)(run->lock_mode & 0777) : 0600;

	/*
	 * IPC_PRIVATE: a new set no other program can find by key. At a key
	 * (racelab segment), IPC_EXCL: never adopt a set someone else made
	 * first, who could have set it to 0 and hung every incr. A set
	 * outlives every process: racelab's guardian makes it, with
	 * semget(key, 1, IPC_CREAT | IPC_EXCL | mode), and removes it if
	 * racelab dies before it is done with it, even of SIGKILL.
	 */
	s->semid = guardian_semget(key, 1, (unsigned)mode);
	if (s->semid == -1 && errno == EEXIST) {
		report("%s: a semaphore set already exists at key 0x%08x",
		       run->strategy->name, (unsigned)key);
		return -EEXIST;
	}
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
	run_note(run, "created SysV semaphore set id %d (%s, %04o)", s->semid,
		 run->lock_key ? "at a key" : "IPC_PRIVATE", (unsigned)mode);
	if (semctl(s->semid, 0, SETVAL,
		   (union semun){ .val = SEM_START_VALUE }) == -1)
		return report_errno(run->strategy->name, "semctl SETVAL",
				    errno);
	return 0;
}

int sysv_sem_join(struct run *run, bool take)
{
	struct sysv_sem_shared *s = (void *)run->lock_area;
	key_t key = (key_t)run->lock_key;
	struct semid_ds ds;
	int id;

	s->created = false;
	/* The kernel's record, found by the key: never an id read from a
	 * segment, which anyone who may write it could have set. */
	id = semget(key, 0, 0);
	if (id == -1 && errno == ENOENT) {
		report("%s: key 0x%08x: the segment's semaphore set is gone "
		       "(removed with ipcrm?); destroy and create the segment "
		       "again",
		       run->strategy->name, (unsigned)key);
		return -ENOENT;
	}
	if (id == -1)
		return report_errno(run->strategy->name, "semget", errno);
	if (semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == -1)
		return report_errno(run->strategy->name, "semctl IPC_STAT",
				    errno);
	if (ds.sem_perm.__key != key || ds.sem_nsems != 1 ||
	    ds.sem_perm.cuid != (uid_t)run->lock_uid) {
		report("%s: semaphore set id %d at key 0x%08x is not this "
		       "segment's (%lu semaphores, made by uid %u, the segment "
		       "by uid %u): not touching it",
		       run->strategy->name, id, (unsigned)key,
		       (unsigned long)ds.sem_nsems, (unsigned)ds.sem_perm.cuid,
		       run->lock_uid);
		return -EPERM;
	}
	s->semid = id;
	s->created = take; /* teardown removes it only when taken */
	return 0;
}

void sysv_sem_teardown(struct run *run)
{
	struct sysv_sem_shared *s = (void *)run->lock_area;
	int left;

	if (!s->created)
		return;
	/* Every worker has exited, and the kernel has applied their undo
	 * records (SEM_UNDO): a lock they left free is at 1. */
	left = semctl(s->semid, 0, GETVAL);
	if (left >= 0)
		run_note(run, "the semaphore is at %d after the workers exited",
			 left);
	/* The set outlives every process: remove it, or ipcs -s shows it. */
	if (semctl(s->semid, 0, IPC_RMID) == -1) {
		(void)report_errno(run->strategy->name, "semctl IPC_RMID",
				   errno);
	} else {
		run_note(run, "removed SysV semaphore set id %d", s->semid);
		guardian_forget_sem(s->semid);
	}
	s->created = false;
}

/* P: wait until the semaphore can be decremented, and decrement it. */
static inline int sysv_sem_p(struct worker *w)
{
	const struct sysv_sem_shared *s = w->shared;

	/* TODO 2: one semop() on s->semid that takes 1 (see the top). */
	(void)s;

	TSAN_ACQUIRE(w->shared); /* tells ThreadSanitizer; see core/tsan.h */
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

/* The timed loop: P, increment, V, iters times (see core/loop.h). */
static int sysv_sem_work(struct worker *w)
{
	return worker_loop(w, sysv_sem_p, sysv_sem_v);
}

const struct strategy strategy_sysv_sem = {
	.name = "sysv-sem",
	.summary = "System V semaphore, semop P/V (lab 02: yours)",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_EXACT,
	.on_crash = "SEM_UNDO, if P and V use it",
	.setup = sysv_sem_setup,
	.join = sysv_sem_join,
	.work = sysv_sem_work,
	.teardown = sysv_sem_teardown,
};
