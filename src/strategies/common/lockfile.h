/*
 * lockfile.h - the file that the file-lock strategies (flock, fcntl, ofd)
 * lock, made safely and reopened by each worker.
 *
 * Without --lock-file, mkostemp() creates it with mode 0600, O_EXCL and
 * O_CLOEXEC in $TMPDIR (or /tmp), and the name is unlinked at once, so
 * nothing is left on disk even if racelab is killed with SIGKILL. A file
 * given with --lock-file is opened with O_NOFOLLOW (a planted symlink is
 * refused, see PITFALLS.md), must be a regular file, and is removed at the
 * end only if racelab created it.
 *
 * Each worker then opens the file again through /proc/self/fd/N, N being
 * the parent's descriptor: a real open() of the same file, so the worker
 * gets an open file description of its own, even though the file may have
 * no name. Who owns a lock (a description, or a process) is the whole lesson
 * of these strategies: see flock.c, fcntl.c and ofd.c.
 */
#ifndef RACELAB_LOCKFILE_H
#define RACELAB_LOCKFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strategy.h"

/* Lives in the run's lock area, so every worker can read fd. */
struct lockfile {
	int fd;		/* the parent's descriptor of the lock file */
	bool open;	/* fd is open */
	bool created;	/* racelab created path and must remove it */
	char path[512]; /* the file's name; "" for an unlinked temporary */
	uint64_t dev;	/* at a name: the file's st_dev, as created */
	uint64_t ino;	/* ... and st_ino: join checks both */
};

/*
 * Create or open the lock file of this run (run->lock_file, or a private
 * temporary one) into *lf. Messages name run->strategy. Returns 0 or a
 * negative errno; on failure lockfile_close() still undoes what was done.
 */
int lockfile_open(struct lockfile *lf, const struct run *run);

/*
 * At a name (racelab segment): open the lock file run->lock_file that
 * another process's lockfile_open made, refusing a symbolic link, another
 * file (device and inode not those recorded in run->lock_record) or one
 * another user owns. take: lockfile_close removes it.
 */
int lockfile_join(struct lockfile *lf, const struct run *run, bool take);

/* Close the parent's descriptor; remove the file if racelab made it. */
void lockfile_close(struct lockfile *lf, const struct run *run);

/*
 * In a worker: open the lock file again, for a description of its own.
 * Returns the new descriptor (O_CLOEXEC) or a negative errno.
 */
int lockfile_reopen(const struct lockfile *lf, const char *who);

/*
 * The whole lifecycle of a lock file, for the strategies that need nothing
 * else (fcntl, ofd; flock.c spells its own out, as lab 05's lesson): the
 * lockfile lives in run->lock_area; each worker opens the file again into
 * w->fd, for an open file description (and so, for OFD locks and flock, a
 * lock owner) of its own, and closes it after the loop. Closing it drops
 * every fcntl record lock the process holds on the file: here none (the
 * loop is over), but in thread mode also those of the other threads.
 */
int lockfile_setup(struct run *run);
int lockfile_join_lock(struct run *run, bool take);
void lockfile_teardown(struct run *run);
int lockfile_attach(struct worker *w);
void lockfile_detach(struct worker *w);

#endif
