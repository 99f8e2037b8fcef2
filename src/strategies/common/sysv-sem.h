/*
 * sysv-sem.h - what sysv-sem.c shares with sysv-sem-noundo.c: the same
 * private set, made and removed the same way; only P and V differ.
 */
#ifndef RACELAB_STRATEGIES_SYSV_SEM_H
#define RACELAB_STRATEGIES_SYSV_SEM_H

#include <stdbool.h>

#include "core/strategy.h"

/* The state in the region: the id, visible to every worker. */
struct sysv_sem_shared {
	int semid;    /* the set's id */
	bool created; /* the parent owns a set to remove */
};

/* Make a private set of one semaphore with value 1; remove it. */
int sysv_sem_setup(struct run *run);
int sysv_sem_join(struct run *run, bool take);
void sysv_sem_teardown(struct run *run);

#endif
