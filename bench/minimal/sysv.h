/* sysv.h - the one-semaphore set that sysv-sem and sysv-sem-noundo share:
 * its id is the first int of region.lock. */
#ifndef RACELAB_BENCH_SYSV_H
#define RACELAB_BENCH_SYSV_H

#include <errno.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "driver.h"

/* semctl(2): the caller must define this union. */
union semun {
	int val;	       /* SETVAL */
	struct semid_ds *buf;  /* IPC_STAT, IPC_SET */
	unsigned short *array; /* GETALL, SETALL */
};

static int sysv_setup(struct region *r)
{
	int *semid = (int *)r->lock;

	*semid = semget(IPC_PRIVATE, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (*semid == -1) {
		perror("minimal: semget");
		return -1;
	}
	if (semctl(*semid, 0, SETVAL, (union semun){ .val = 1 }) == -1) {
		perror("minimal: semctl SETVAL");
		return -1;
	}
	return 0;
}

static void sysv_teardown(struct region *r)
{
	int semid = *(int *)r->lock;

	if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
		perror("minimal: semctl IPC_RMID");
}

#endif
