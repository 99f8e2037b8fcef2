/*
 * guardian.h - whatever ends racelab, nothing it made outlives it.
 *
 * A signal the harness collects (SIGINT, SIGTERM, ...) leads to the normal
 * cleanup path. SIGKILL, a crash of racelab itself or an unexpected exit
 * never reach that path: only another process can clean up after them. The
 * guardian is that process: forked once at start-up, it holds one end of a
 * socket pair whose other end only racelab holds. racelab tells it, over the
 * socket, what it creates (it asks the guardian to create the SysV objects
 * and the named files itself, so that nothing exists that the guardian does
 * not know of) and what it has removed. When the socket reads end-of-file,
 * racelab is gone, however it went: the guardian removes what is still on
 * its list, kills the workers' process group, and exits.
 * docs/design-notes.md says why a socket's end-of-file rather than a pidfd.
 *
 * Every function works without a guardian too (guardian_start() not
 * called, as in the unit tests, or the guardian itself killed): it then
 * does the same thing directly, with nobody to clean up after a SIGKILL.
 */
#ifndef RACELAB_GUARDIAN_H
#define RACELAB_GUARDIAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Fork the guardian (once; later calls do nothing). Returns 0 or a negative
 * errno; on failure racelab still runs, unguarded, and says so.
 */
int guardian_start(void);

/*
 * The normal end: close the socket; the guardian, which then has nothing
 * left to remove, exits at once. Call before racelab exits or dies of a
 * signal; harmless without a guardian.
 */
void guardian_stop(void);

/* Is a guardian watching over this process? */
bool guardian_active(void);

/*
 * A SysV semaphore set of nsems semaphores or a shared memory segment of
 * size bytes at key (IPC_PRIVATE, or a key: `racelab segment create`) with
 * mode, or a private message queue (mode 0600), always IPC_CREAT |
 * IPC_EXCL, created by the guardian and on its list. Returns the id, or -1
 * with errno set, as semget(2), shmget(2) and msgget(2) do.
 */
int guardian_semget(key_t key, int nsems, unsigned mode);
int guardian_shmget(key_t key, size_t size, unsigned mode);
int guardian_msgget(void);

/*
 * Everything on the list so far is meant to outlive racelab (a segment
 * that `racelab segment create` finished making): off the list, kept.
 */
void guardian_keep_all(void);

/* racelab removed this set, segment or queue itself: off the list. */
void guardian_forget_sem(int id);
void guardian_forget_shm(int id);
void guardian_forget_msg(int id);

/*
 * Create the regular file path (O_CREAT | O_EXCL, never through a symbolic
 * link, see safefile.h) with mode, and put it on the list. With temp, path
 * is the name of a file to be written later: the file created is a fresh
 * temporary name beside it ("PATH.tmp-XXXXXX"), copied into made (len
 * bytes). Returns a descriptor open O_RDWR | O_CLOEXEC, or a negative errno.
 */
int guardian_create(const char *path, bool temp, unsigned mode, char *made,
		    size_t len);

/*
 * racelab removed (or renamed, or wants to keep) the file it created as
 * name: off the list. Files are recognised by device and inode, so a file
 * someone else put at that name later is never removed.
 */
void guardian_forget_file(const char *name);

/* Kill process group pgid with SIGKILL if racelab dies; forget it again. */
void guardian_watch_group(pid_t pgid);
void guardian_forget_group(pid_t pgid);

#endif
