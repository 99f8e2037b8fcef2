/*
 * keeper.h - a process that owns what a run made on a server (a table, a
 * key) and removes it when racelab is gone, however racelab went.
 *
 * A table in a PostgreSQL database or a key in Redis outlives the process
 * that made it; no SEM_UNDO or IPC_RMID removes it when its creator dies.
 * So the store forks a keeper before anything exists: the keeper makes the
 * object itself (make), says so, and then waits for end of file on a pipe
 * whose write end only racelab (and its workers, which die with it) holds.
 * End of file comes when racelab closes it on its normal path, and also
 * when it is killed with SIGKILL: the kernel closes a dead process's
 * descriptors. The keeper then removes the object (unmake) and exits. It
 * sits in a process group of its own and ignores the terminal's signals,
 * so a Ctrl-C or a kill of racelab's group does not stop it before it has
 * cleaned up.
 */
#ifndef RACELAB_KEEPER_H
#define RACELAB_KEEPER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct keeper {
	pid_t pid; /* the keeper, or 0 */
	int fd;	   /* the write end it watches, or -1 */
};

/*
 * What the keeper does, in its own process: make() creates the object and
 * returns 0 or a negative errno, having reported why (it may write up to
 * len bytes of news, such as the name it chose, into out, which the parent
 * receives); unmake() removes it, returning 0, or -1 having reported why
 * not. arg is the caller's, copied by fork.
 */
struct keeper_job {
	int (*make)(void *arg, char *out, size_t len);
	int (*unmake)(void *arg);
	void *arg;
};

/*
 * Fork the keeper and wait until make() has run. Returns 0 with out filled
 * (len bytes at most, NUL-terminated), or make()'s negative errno (the
 * keeper has then exited), or another negative errno.
 */
int keeper_start(struct keeper *k, const struct keeper_job *job, char *out,
		 size_t len);

/*
 * The normal end: close the pipe and wait until the keeper has removed the
 * object and exited. Returns 0 when it removed it, -1 when it could not
 * (it said why) or there was no keeper. Idempotent.
 */
int keeper_stop(struct keeper *k);

#endif
