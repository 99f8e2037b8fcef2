/*
 * sysv-sem - a System V semaphore used as a binary semaphore (a lock).
 *
 * The semaphore is a number kept by the kernel, here initialised to 1.
 * P (wait) is semop(-1): if the value is 1 it becomes 0 and the caller goes
 * on; if it is 0 the kernel puts the caller to sleep until someone adds 1.
 * V (signal) is semop(+1), which wakes a sleeper. The kernel does each semop
 * under its own lock, so two workers can never both see 1: that is the
 * mutual exclusion.
 *
 * Holder dies: SEM_UNDO asks the kernel to remember, per process, what each
 * semop did, and to reverse it when the process exits, however it exits. A
 * worker killed between P and V therefore gives the 1 back and the others go
 * on (silently: nobody is told a holder died). Without SEM_UNDO the value
 * stays 0 and every other worker sleeps for ever. Use SEM_UNDO on both P and
 * V or on neither: with undo on P only, every exit gives back every P the
 * process ever made (measured: the value ends at 1 + n after n P/V pairs,
 * so n + 1 workers may enter at once); with undo on V only, it ends below 1.
 *
 * fork(): the set is a kernel object found by its id, so children simply use
 * the same id. Threads: undo records are per process, and the set works the
 * same across threads. The set outlives every process that used it: the
 * parent must remove it (IPC_RMID), on every path, or `ipcs -s` shows it
 * until reboot.
 *
 * Cost: two system calls per increment, about 0.7 us uncontended; under
 * contention each V must wake a sleeping process, often on the other CPU,
 * which costs 10-30 us.
 *
 * Read next: semget(2), semop(2), semctl(2), sysvipc(7).
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "core/guardian.h"
#include "core/loop.h"
#include "core/tsan.h"
#include "core/util.h"
#include "strategies/common/sysv-sem.h"

/* semctl(2): the caller must define this union. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

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
	if (semctl(s->semid, 0, SETVAL, (union semun){ .val = 1 }) == -1)
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
	/* Removing the set also wakes any waiter, with EIDRM. */
	if (semctl(s->semid, 0, IPC_RMID) == -1) {
		(void)report_errno(run->strategy->name, "semctl IPC_RMID",
				   errno);
	} else {
		run_note(run, "removed SysV semaphore set id %d", s->semid);
		guardian_forget_sem(s->semid);
	}
	s->created = false;
}

static inline int sysv_sem_op(struct worker *w, short delta)
{
	const struct sysv_sem_shared *s = w->shared;
	struct sembuf op = { .sem_num = 0,
			     .sem_op = delta,
			     .sem_flg = SEM_UNDO };

	/* A signal interrupts semop with EINTR even under SA_RESTART. */
	while (semop(s->semid, &op, 1) == -1) {
		if (errno != EINTR)
			return report_errno("sysv-sem", "semop", errno);
	}
	return 0;
}

static inline int sysv_sem_p(struct worker *w)
{
	int err = sysv_sem_op(w, -1);

	TSAN_ACQUIRE(w->shared); /* see core/tsan.h */
	return err;
}

static inline int sysv_sem_v(struct worker *w)
{
	TSAN_RELEASE(w->shared);
	return sysv_sem_op(w, +1);
}

static int sysv_sem_work(struct worker *w)
{
	return worker_loop(w, sysv_sem_p, sysv_sem_v);
}

const struct strategy strategy_sysv_sem = {
	.name = "sysv-sem",
	.summary =
	    "System V semaphore, semop P/V with SEM_UNDO: the kernel decides",
	.kind = KIND_KERNEL,
	.counter = COUNTER_RMW,
	.lock = LOCK_KERNEL,
	.crash = CRASH_EXACT,
	.on_crash = "SEM_UNDO gave it back",
	.setup = sysv_sem_setup,
	.join = sysv_sem_join,
	.work = sysv_sem_work,
	.teardown = sysv_sem_teardown,
};
